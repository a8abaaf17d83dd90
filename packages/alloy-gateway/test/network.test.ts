/**
 * The gateway and the agent rendered together, as the umbrella wires them:
 * every address in their configs resolves to a rendered Service, and the
 * NetworkPolicies allow exactly the wired connections (agent pushes,
 * cluster gossip, scrapes of the agents), nothing else.
 */
import { alloyAgent } from "@materialize-monitoring/alloy-agent";
import { defaultBuildContext, selectorLabels } from "@materialize-monitoring/core";
import {
  checkAddresses,
  checkNetworkPolicies,
  checkPolicies,
  checkReferences,
  checkServices,
  type DeclaredConnection,
  wiredConnections,
} from "@materialize-monitoring/core/validate";
import { describe, expect, it } from "vitest";
import { type AlloyGatewayValues, type GatewayScrapeJob, scrapeEgressRule } from "../src/index.js";
import { buildGateway } from "./helpers.js";

const DESTINATIONS = [
  "loki-gateway.monitoring.svc.cluster.local",
  "thanos-receive.monitoring.svc.cluster.local",
];

function stack(gatewayValues: AlloyGatewayValues = {}, agentNamespace?: string) {
  const ctx = defaultBuildContext();
  const gateway0 = buildGateway(gatewayValues, ctx);
  const agent = alloyAgent(
    {
      ...(agentNamespace ? { namespace: agentNamespace } : {}),
      gateway: { pushUrl: gateway0.endpoints.pushUrl, podLabels: gateway0.endpoints.podLabels },
    },
    ctx,
  );
  // The umbrella passes the agents' self-metrics job and their selector to the gateway.
  const gateway = buildGateway(
    {
      ...gatewayValues,
      scrape: { ...gatewayValues.scrape, jobs: [agent.endpoints.selfMetricsTarget] },
      logs: {
        ...gatewayValues.logs,
        agentLogs: { podLabels: agent.endpoints.podLabels, namespace: agent.endpoints.namespace },
      },
      networkPolicy: {
        ...gatewayValues.networkPolicy,
        agents: [{ podLabels: agent.endpoints.podLabels, namespace: agent.endpoints.namespace }],
      },
    },
    ctx,
  );
  return { ctx, agent, gateway, objects: [...agent.objects, ...gateway.objects] };
}

function scrapesOfAgents(
  ctx = defaultBuildContext(),
  agentNamespace = ctx.namespace,
): DeclaredConnection[] {
  return [
    {
      from: {
        namespace: ctx.namespace,
        selector: { matchLabels: selectorLabels(ctx, { name: "alloy-gateway" }) },
      },
      to: {
        namespace: agentNamespace,
        selector: { matchLabels: selectorLabels(ctx, { name: "alloy-agent" }) },
      },
      port: "http-metrics",
      description: "the gateway scrapes the agents' metrics (found by discovery)",
    },
    {
      from: {
        namespace: ctx.namespace,
        selector: { matchLabels: selectorLabels(ctx, { name: "alloy-gateway" }) },
      },
      to: {
        namespace: ctx.namespace,
        selector: { matchLabels: selectorLabels(ctx, { name: "alloy-gateway" }) },
      },
      port: "http-metrics",
      description: "the gateway scrapes itself (found by discovery)",
    },
  ];
}

const VARIANTS: [string, AlloyGatewayValues, string | undefined][] = [
  ["default", {}, undefined],
  ["agents in their own namespace", {}, "monitoring-nodes"],
  [
    "single replica",
    { replicas: 1, autoscaling: { enabled: false }, clustering: { enabled: false } },
    undefined,
  ],
];

describe("agent and gateway together", () => {
  it.each(VARIANTS)(
    "%s: every address resolves to a rendered Service and port",
    (_n, values, ns) => {
      expect(
        checkAddresses(stack(values, ns).objects, { ignoreHosts: DESTINATIONS }).problems,
      ).toEqual([]);
    },
  );

  it.each(VARIANTS)("%s: Services select pods; references exist", (_n, values, ns) => {
    const { objects } = stack(values, ns);
    expect(checkServices(objects)).toEqual([]);
    expect(checkReferences(objects)).toEqual([]);
  });

  it.each(VARIANTS)(
    "%s: NetworkPolicies allow the wired connections and nothing else",
    (_n, values, ns) => {
      const { ctx, objects } = stack(values, ns);
      const { addresses } = checkAddresses(objects, { ignoreHosts: DESTINATIONS });
      const connections = wiredConnections(objects, addresses, {
        declared: scrapesOfAgents(ctx, ns),
      });
      const described = connections.map((c) => `${c.from} -> ${c.to}:${c.port}`);
      expect(described).toContain(
        "DaemonSet/" +
          (ns ?? "monitoring") +
          "/alloy-agent -> Deployment/monitoring/alloy-gateway:3100",
      );
      expect(described).toContain(
        "Deployment/monitoring/alloy-gateway -> DaemonSet/" +
          (ns ?? "monitoring") +
          "/alloy-agent:12345",
      );
      expect(checkNetworkPolicies(objects, connections)).toEqual([]);
    },
  );

  it("clustered: the gateway's members talk to each other through the headless Service", () => {
    const { objects } = stack();
    const { addresses } = checkAddresses(objects, { ignoreHosts: DESTINATIONS });
    expect(
      addresses.some(
        (a) =>
          a.service === "Service/monitoring/alloy-gateway-cluster" &&
          a.targetPort === "http-metrics",
      ),
    ).toBe(true);
  });

  it("passes the policy checks with the agent's documented exceptions only", () => {
    const { agent, objects } = stack();
    const result = checkPolicies(objects, {
      exceptions: agent.endpoints.podSecurity.policyExceptions,
    });
    expect(result.problems).toEqual([]);
    expect(result.unusedExceptions).toEqual([]);
  });
});

describe("egress to a scrape job's pods follows the job, as narrow as it says", () => {
  const ctx = defaultBuildContext();
  const rule = (job: Record<string, unknown>) =>
    scrapeEgressRule(ctx, { role: "pod", namespaces: [], ...job } as unknown as GatewayScrapeJob);

  it("pod labels in a namespace, on the port name", () => {
    expect(rule({ namespaces: ["apps"], podLabels: { app: "web" }, portName: "metrics" })).toEqual({
      peers: [
        {
          podSelector: { matchLabels: { app: "web" } },
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } },
        },
      ],
      ports: [{ protocol: "TCP", port: "metrics" }],
    });
  });

  it("without a port name, every port of those pods (no rule would drop the scrapes silently)", () => {
    expect(rule({ namespaces: ["apps"], selectors: [{ label: "app", value: "web" }] })).toEqual({
      peers: [
        {
          podSelector: { matchLabels: { app: "web" } },
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } },
        },
      ],
    });
  });

  it("without labels, every pod of the job's namespaces, or of every namespace", () => {
    expect(rule({ namespaces: ["apps"], portName: "metrics" })?.peers).toEqual([
      {
        podSelector: { matchLabels: {} },
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } },
      },
    ]);
    expect(rule({ portName: "metrics" })?.peers).toEqual([
      { podSelector: { matchLabels: {} }, namespaceSelector: { matchLabels: {} } },
    ]);
  });

  it("none for a node job (the node-address rules cover those)", () => {
    expect(rule({ role: "node" })).toBeUndefined();
  });
});
