/**
 * The endpoints contract: `alloyGatewayEndpoints(values, ctx)` is what the
 * built gateway publishes, holds addresses only (configuration text, scrape
 * components and Secret access come from `alloyGatewayPlan`), and every
 * address is fully qualified with the context's cluster domain.
 */
import {
  type BuildContext,
  isWorkload,
  type KubeObject,
  type ServiceEndpoint,
} from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import {
  type AlloyGatewayValues,
  alloyGateway,
  alloyGatewayConfigOf,
  alloyGatewayEndpoints,
  alloyGatewayPlan,
} from "../src/index.js";
import { FULL, SINGLE } from "./helpers.js";

const CORP: Partial<BuildContext> = {
  namespace: "observability",
  clusterDomain: "corp.example",
  namePrefix: "mz-",
};
const CONTEXTS: [string, Partial<BuildContext> | undefined][] = [
  ["default context", undefined],
  ["observability / corp.example / mz-", CORP],
];

/** The destination URLs as the umbrella passes them in this context (Loki's and Thanos's FQDNs). */
function destinationUrls(ctx: Partial<BuildContext> | undefined) {
  const ns = ctx?.namespace ?? "monitoring";
  const domain = ctx?.clusterDomain ?? "cluster.local";
  const prefix = ctx?.namePrefix ?? "";
  return {
    loki: `http://${prefix}loki-gateway.${ns}.svc.${domain}/loki/api/v1/push`,
    prometheus: `http://${prefix}thanos-receive.${ns}.svc.${domain}:19291/api/v1/receive`,
  };
}

/** `values` with this context's destination URLs (replacing any the values name). */
function withUrls(
  values: AlloyGatewayValues,
  ctx: Partial<BuildContext> | undefined,
): AlloyGatewayValues {
  const urls = destinationUrls(ctx);
  const own = values.destinations ?? {};
  return {
    ...values,
    destinations: {
      ...own,
      loki: { ...own.loki, url: urls.loki },
      prometheus: { ...own.prometheus, url: urls.prometheus },
    },
  };
}

const VALUES: [string, AlloyGatewayValues][] = [
  ["defaults", {}],
  ["single replica", SINGLE],
  [
    "OTLP receiver, kubelet through the API server",
    {
      receivers: { otlp: { enabled: true } },
      scrape: { kubelet: { mode: "apiServerProxy" } },
    },
  ],
  // FULL's OTLP collector is named under cluster.local; its other addresses are outside the cluster.
  ["full", { ...FULL, destinations: { ...FULL.destinations, otlp: { enabled: false } } }],
];

/** The host of every string in the endpoints that names a Service (`….svc…`). */
function hostsIn(value: unknown): string[] {
  if (typeof value === "string") {
    if (!value.includes(".svc")) return [];
    return [value.replace(/^[a-z]+:\/\//, "").replace(/[:/].*$/, "")];
  }
  if (Array.isArray(value)) return value.flatMap((v) => hostsIn(v));
  if (value && typeof value === "object") return Object.values(value).flatMap(hostsIn);
  return [];
}

function expectNoShortHosts(objects: readonly KubeObject[], domain: string): void {
  const json = JSON.stringify(objects);
  if (domain !== "cluster.local") expect(json).not.toContain("cluster.local");
  expect(json).not.toMatch(/\.svc[:/"]/);
  expect(json).not.toMatch(/\.svc\\"/);
}

describe.each(CONTEXTS)("%s", (_name, ctx) => {
  const domain = ctx?.clusterDomain ?? "cluster.local";

  it.each(VALUES)(
    "alloyGatewayEndpoints equals the built gateway's endpoints: %s",
    (_n, values) => {
      // The umbrella computes the endpoints before it wires the destinations in.
      const endpoints = alloyGatewayEndpoints(values, ctx);
      expect(endpoints).toEqual(alloyGateway(withUrls(values, ctx), ctx).endpoints);
      expect(endpoints).not.toHaveProperty("alloyConfig");
      expect(endpoints).not.toHaveProperty("scrapeComponents");
      expect(endpoints).not.toHaveProperty("secretAccess");
    },
  );

  it.each(VALUES)("every host in the endpoints ends in .svc.<domain>: %s", (_n, values) => {
    const e = alloyGatewayEndpoints(values, ctx);
    const hosts = hostsIn(e);
    expect(hosts.length).toBeGreaterThanOrEqual(2);
    for (const host of hosts) expect(host.endsWith(`.svc.${domain}`), host).toBe(true);
    const services = Object.values(e.services).filter((s): s is ServiceEndpoint => s !== undefined);
    for (const svc of services) {
      expect(svc.host).toBe(`${svc.service}.${svc.namespace}.svc.${domain}`);
    }
  });

  it.each(VALUES)(
    "the objects name no cluster.local under another domain, no short host: %s",
    (_n, values) => {
      expectNoShortHosts(alloyGateway(withUrls(values, ctx), ctx).objects, domain);
    },
  );

  it.each(VALUES)("alloyGatewayPlan is what the ConfigMap holds: %s", (_n, values) => {
    const wired = withUrls(values, ctx);
    const plan = alloyGatewayPlan(wired, ctx);
    expect(plan.alloyConfig).toBe(alloyGatewayConfigOf(alloyGateway(wired, ctx)));
    for (const id of Object.values(plan.scrapeComponents)) {
      expect(plan.alloyConfig).toContain(`prometheus.scrape "${id.split(".").at(-1)}"`);
    }
  });

  it("publishes its Services, its own scrape target and its pods as a client", () => {
    const prefix = ctx?.namePrefix ?? "";
    const ns = ctx?.namespace ?? "monitoring";
    const e = alloyGatewayEndpoints({ receivers: { otlp: { enabled: true } } }, ctx);
    const podLabels = {
      "app.kubernetes.io/name": "alloy-gateway",
      "app.kubernetes.io/instance": "materialize-monitoring",
    };
    expect(e.services.gateway).toEqual({
      service: `${prefix}alloy-gateway`,
      namespace: ns,
      host: `${prefix}alloy-gateway.${ns}.svc.${domain}`,
      ports: {
        http: { name: "http-metrics", port: 12345, protocol: "TCP" },
        push: { name: "http-push", port: 3100, protocol: "TCP" },
      },
      podLabels,
    });
    expect(e.services.otlp?.ports).toEqual({
      grpc: { name: "otlp-grpc", port: 4317, protocol: "TCP" },
      http: { name: "otlp-http", port: 4318, protocol: "TCP" },
    });
    expect(e.otlp).toEqual({
      grpc: `${prefix}alloy-gateway.${ns}.svc.${domain}:4317`,
      http: `http://${prefix}alloy-gateway.${ns}.svc.${domain}:4318`,
    });
    expect(e.services.cluster?.host).toBe(`${prefix}alloy-gateway-cluster.${ns}.svc.${domain}`);
    expect(alloyGatewayEndpoints(SINGLE, ctx).services.cluster).toBeUndefined();
    expect(e.scrapeTargets).toEqual([
      {
        name: "alloy_gateway",
        job: `${ns}/alloy-gateway`,
        namespace: ns,
        podLabels,
        portName: "http-metrics",
        path: "/metrics",
        scheme: "http",
        hostNetwork: false,
        source: "alloy",
      },
    ]);
    expect(e.clients).toEqual({ gateway: { podLabels, namespace: ns } });
  });

  it("the replicas join through the headless Service's FQDN", () => {
    const built = alloyGateway(withUrls({}, ctx), ctx);
    const args = built.objects.filter(isWorkload)[0]?.spec?.template.spec?.containers[0]?.args;
    expect(args).toContain(
      `--cluster.join-addresses=${built.endpoints.services.cluster?.host}:12345`,
    );
  });

  it("the kubelet scrapes through the API server go to its Service's FQDN", () => {
    const text = alloyGatewayPlan(
      withUrls({ scrape: { kubelet: { mode: "apiServerProxy" } } }, ctx),
      ctx,
    ).alloyConfig;
    expect(text).toContain(`replacement  = "kubernetes.default.svc.${domain}:443"`);
  });
});

describe("the no-short-host check", () => {
  it("catches a short .svc host in the objects (planted defect)", () => {
    const objects = alloyGateway(withUrls({}, CORP), CORP).objects;
    const planted = [
      ...objects,
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "planted" },
        data: {
          "config.alloy": 'url = "http://mz-loki-gateway.observability.svc/loki/api/v1/push"',
        },
      },
    ] as KubeObject[];
    expect(() => expectNoShortHosts(planted, "corp.example")).toThrow();
  });
});

describe("priority classes", () => {
  const priorityOf = (ctx: Partial<BuildContext>, values: AlloyGatewayValues = {}) =>
    alloyGateway(withUrls(values, ctx), ctx)
      .objects.filter(isWorkload)
      .map((w) => w.spec?.template.spec?.priorityClassName);

  it("the pipeline: the critical class, else the default class, else its own", () => {
    expect(
      priorityOf({ priorityClasses: { critical: "mm-critical", default: "mm-default" } }),
    ).toEqual(["mm-critical"]);
    expect(priorityOf({ priorityClasses: { default: "mm-default" } })).toEqual(["mm-default"]);
    expect(priorityOf({})).toEqual([undefined]);
    expect(
      priorityOf(
        { priorityClasses: { critical: "mm-critical" } },
        { scheduling: { priorityClassName: "system-cluster-critical" } },
      ),
    ).toEqual(["system-cluster-critical"]);
  });
});
