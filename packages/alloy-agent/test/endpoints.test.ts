/**
 * The endpoints contract: `alloyAgentEndpoints(values, ctx)` is what the
 * built agent publishes, holds addresses only (the configuration is read
 * from the objects), and every address is fully qualified with the
 * context's cluster domain.
 */
import { type BuildContext, isWorkload, type KubeObject } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import {
  type AlloyAgentValues,
  alloyAgent,
  alloyAgentConfigOf,
  alloyAgentEndpoints,
} from "../src/index.js";

const CORP: Partial<BuildContext> = {
  namespace: "observability",
  clusterDomain: "corp.example",
  namePrefix: "mz-",
};
const CONTEXTS: [string, Partial<BuildContext> | undefined][] = [
  ["default context", undefined],
  ["observability / corp.example / mz-", CORP],
];
const VALUES: [string, AlloyAgentValues][] = [
  ["defaults", {}],
  ["own namespace, gateway elsewhere", { namespace: "nodes", gateway: { namespace: "pipeline" } }],
  [
    "the umbrella's push URL and journal",
    {
      gateway: {
        pushUrl: "http://mz-alloy-gateway.observability.svc.corp.example:3100/loki/api/v1/push",
      },
      journal: { enabled: true },
    },
  ],
];

function expectNoShortHosts(objects: readonly KubeObject[], domain: string): void {
  const json = JSON.stringify(objects);
  if (domain !== "cluster.local") expect(json).not.toContain("cluster.local");
  expect(json).not.toMatch(/\.svc[:/"]/);
}

describe.each(CONTEXTS)("%s", (_name, ctx) => {
  const domain = ctx?.clusterDomain ?? "cluster.local";

  it.each(VALUES)("alloyAgentEndpoints equals the built agent's endpoints: %s", (_n, values) => {
    expect(alloyAgentEndpoints(values, ctx)).toEqual(alloyAgent(values, ctx).endpoints);
  });

  it.each(VALUES)("the endpoints hold no configuration text: %s", (_n, values) => {
    const e = alloyAgentEndpoints(values, ctx);
    expect(e).not.toHaveProperty("alloyConfig");
    expect(JSON.stringify(e)).not.toContain("loki.write");
    expect(alloyAgentConfigOf(alloyAgent(values, ctx))).toContain(`url = "${e.pushUrl}"`);
  });

  it.each(VALUES)(
    "the objects name no cluster.local under another domain, no short host: %s",
    (_n, values) => {
      expectNoShortHosts(alloyAgent(values, ctx).objects, domain);
    },
  );

  it("the conventional push URL is the gateway Service's FQDN", () => {
    const prefix = ctx?.namePrefix ?? "";
    const ns = ctx?.namespace ?? "monitoring";
    expect(alloyAgentEndpoints({}, ctx).pushUrl).toBe(
      `http://${prefix}alloy-gateway.${ns}.svc.${domain}:3100/loki/api/v1/push`,
    );
    expect(alloyAgentEndpoints({ gateway: { namespace: "pipeline" } }, ctx).pushUrl).toBe(
      `http://${prefix}alloy-gateway.pipeline.svc.${domain}:3100/loki/api/v1/push`,
    );
  });

  it("publishes its scrape target and its pods as the gateway's client", () => {
    const e = alloyAgentEndpoints({ namespace: "nodes" }, ctx);
    const podLabels = {
      "app.kubernetes.io/name": "alloy-agent",
      "app.kubernetes.io/instance": "materialize-monitoring",
    };
    expect(e.scrapeTargets).toEqual([
      {
        name: "alloy_agent",
        job: "nodes/alloy-agent",
        namespace: "nodes",
        podLabels,
        portName: "http-metrics",
        path: "/metrics",
        scheme: "http",
        hostNetwork: false,
        source: "alloy",
      },
    ]);
    // The same facts as the pod-role job it has always published.
    const target = e.scrapeTargets[0];
    expect(e.selfMetricsTarget).toMatchObject({
      name: target?.name,
      job: target?.job,
      namespaces: [target?.namespace],
      portName: target?.portName,
      source: target?.source,
    });
    expect(e.clients).toEqual({ agent: { podLabels, namespace: "nodes" } });
    expect(e.services).toEqual({});
  });
});

describe("alloyAgentConfigOf", () => {
  it("fails loudly when the ConfigMap is missing (planted defect)", () => {
    const built = alloyAgent();
    expect(() =>
      alloyAgentConfigOf({
        ...built,
        objects: built.objects.filter((o) => o.kind !== "ConfigMap"),
      }),
    ).toThrow(/ConfigMap alloy-agent-config/);
  });
});

describe("priority classes", () => {
  const priorityOf = (ctx: Partial<BuildContext>, values: AlloyAgentValues = {}) =>
    alloyAgent(values, ctx)
      .objects.filter(isWorkload)
      .map((w) => w.spec?.template.spec?.priorityClassName);

  it("a node agent: the node class, else the default class, else its own", () => {
    expect(priorityOf({ priorityClasses: { node: "mm-node", default: "mm-default" } })).toEqual([
      "mm-node",
    ]);
    expect(priorityOf({ priorityClasses: { default: "mm-default" } })).toEqual(["mm-default"]);
    expect(priorityOf({})).toEqual([undefined]);
    expect(
      priorityOf(
        { priorityClasses: { node: "mm-node" } },
        { scheduling: { priorityClassName: "system-node-critical" } },
      ),
    ).toEqual(["system-node-critical"]);
  });
});
