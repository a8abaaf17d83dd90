/**
 * The endpoints contract: `xEndpoints(values, ctx)` is what the built
 * component publishes, every address is fully qualified with the context's
 * cluster domain, and every pod takes its role's priority class (or the
 * default class) unless its own is set.
 */
import type { BuildContext, KubeObject, ServiceEndpoint } from "@materialize-monitoring/core";
import { isWorkload } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import {
  type ExportersValues,
  exporters,
  exportersEndpoints,
  kubeStateMetrics,
  kubeStateMetricsEndpoints,
  metricsServer,
  metricsServerEndpoints,
  nodeExporter,
  nodeExporterEndpoints,
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

const CA = Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").toString(
  "base64",
);

const VALUES: [string, ExportersValues][] = [
  ["defaults", {}],
  [
    "sharded, own node-exporter namespace, verified metrics-server TLS",
    {
      metricsServer: { tls: { secretName: "metrics-server-tls", caBundle: CA }, replicas: 1 },
      kubeStateMetrics: { sharding: { enabled: true, shards: 3 } },
      nodeExporter: { namespace: "node-exporter", port: 9200 },
    },
  ],
  ["managed cluster: no metrics-server", { metricsServer: { enabled: false } }],
];

function services(endpoints: { services: Record<string, ServiceEndpoint | undefined> }) {
  return Object.values(endpoints.services).filter((s): s is ServiceEndpoint => s !== undefined);
}

/**
 * The host of every string in the endpoints that names a Service (`….svc…`),
 * by the key it sits under; TLS names (`serverName`) are left out and checked
 * on their own.
 */
function hostsIn(value: unknown, key = ""): string[] {
  if (typeof value === "string") {
    if (key === "serverName" || !value.includes(".svc")) return [];
    const host = value.replace(/^[a-z]+:\/\//, "").replace(/[:/].*$/, "");
    return [host];
  }
  if (Array.isArray(value)) return value.flatMap((v) => hostsIn(v));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => hostsIn(v, k));
  return [];
}

function expectNoShortHosts(objects: readonly KubeObject[]): void {
  const json = JSON.stringify(objects);
  expect(json).not.toContain("cluster.local");
  expect(json).not.toMatch(/\.svc[:/"]/);
}

describe.each(CONTEXTS)("%s", (_name, ctx) => {
  const domain = ctx?.clusterDomain ?? "cluster.local";

  it.each(VALUES)("exportersEndpoints equals the built component's endpoints: %s", (_n, values) => {
    const built = exporters(values, ctx);
    expect(exportersEndpoints(values, ctx)).toEqual(built.endpoints);
    const { enabled: _m, ...ms } = values.metricsServer ?? {};
    const { enabled: _k, ...ksm } = values.kubeStateMetrics ?? {};
    const { enabled: _e, ...ne } = values.nodeExporter ?? {};
    expect(metricsServerEndpoints(ms, ctx)).toEqual(metricsServer(ms, ctx).endpoints);
    expect(kubeStateMetricsEndpoints(ksm, ctx)).toEqual(kubeStateMetrics(ksm, ctx).endpoints);
    expect(nodeExporterEndpoints(ne, ctx)).toEqual(nodeExporter(ne, ctx).endpoints);
    if (built.endpoints.metricsServer) {
      expect(built.endpoints.metricsServer).toEqual(metricsServerEndpoints(ms, ctx));
    }
  });

  it.each(VALUES)("every Service host is <service>.<namespace>.svc.<domain>: %s", (_n, values) => {
    const e = exportersEndpoints(values, ctx);
    for (const svc of services(e)) {
      expect(svc.host).toBe(`${svc.service}.${svc.namespace}.svc.${domain}`);
    }
    const scrapes = [
      e.metricsServer?.metrics,
      e.kubeStateMetrics?.metrics,
      e.nodeExporter?.metrics,
    ];
    for (const scrape of scrapes) {
      if (!scrape) continue;
      expect(scrape.address).toBe(
        `${scrape.serviceName}.${scrape.namespace}.svc.${domain}:${scrape.port}`,
      );
      expect(scrape.url).toBe(`${scrape.scheme}://${scrape.address}${scrape.path}`);
    }
  });

  it.each(VALUES)(
    "the rendered objects name no cluster.local and no short .svc host: %s",
    (_n, values) => {
      if (ctx?.clusterDomain !== "corp.example") return;
      expectNoShortHosts(exporters(values, ctx).objects);
    },
  );

  it("the scrape targets match the pods they select, on a port those pods name", () => {
    const built = exporters(VALUES[1]?.[1], ctx);
    const workloads = built.objects.filter(isWorkload);
    expect(built.endpoints.scrapeTargets.map((t) => t.name)).toEqual([
      "kube_state_metrics",
      "node_exporter",
      "metrics_server",
    ]);
    for (const target of built.endpoints.scrapeTargets) {
      const matching = workloads.filter(
        (w) =>
          w.metadata.namespace === target.namespace &&
          Object.entries(target.podLabels).every(
            ([k, v]) => w.spec?.template.metadata?.labels?.[k] === v,
          ),
      );
      expect(matching, target.name).toHaveLength(1);
      const ports = (matching[0]?.spec?.template.spec?.containers ?? []).flatMap(
        (c) => c.ports ?? [],
      );
      expect(
        ports.map((p) => p.name),
        target.name,
      ).toContain(target.portName);
      expect(target.hostNetwork).toBe(matching[0]?.spec?.template.spec?.hostNetwork === true);
    }
  });
});

describe("under another cluster domain", () => {
  it("every host in the endpoints ends in .svc.corp.example, except the metrics-server TLS name", () => {
    const e = exportersEndpoints(VALUES[1]?.[1], CORP);
    const hosts = hostsIn(e);
    // Three Services, each under the top-level `services` and its exporter's own (6), and the
    // address and URL of each of the four scrape endpoints (8).
    expect(hosts).toHaveLength(14);
    for (const host of hosts) expect(host).toMatch(/\.svc\.corp\.example$/);
    // The one short name is a TLS name the API server's aggregator fixes, not an address.
    expect(e.metricsServer?.metrics.tls?.serverName).toBe("mz-metrics-server.observability.svc");
  });

  it("the planted defect: a short .svc host in the objects is caught", () => {
    const objects = exporters({}, CORP).objects;
    const planted = [
      ...objects,
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "planted" },
        data: { url: "http://mz-kube-state-metrics.observability.svc:8080/metrics" },
      },
    ] as KubeObject[];
    expect(() => expectNoShortHosts(planted)).toThrow();
  });
});

describe("priority classes", () => {
  const podClasses = (objects: readonly KubeObject[]) =>
    Object.fromEntries(
      objects
        .filter(isWorkload)
        .map((w) => [w.metadata.name, w.spec?.template.spec?.priorityClassName]),
    );

  it("each exporter takes its role's class: metrics-server critical, kube-state-metrics default, node-exporter node", () => {
    const ctx = {
      priorityClasses: { node: "mm-node", critical: "mm-critical", default: "mm-default" },
    };
    expect(podClasses(exporters({}, ctx).objects)).toEqual({
      "metrics-server": "mm-critical",
      "kube-state-metrics": "mm-default",
      "node-exporter": "mm-node",
    });
  });

  it("falls back to the default class when the role has none", () => {
    const ctx = { priorityClasses: { default: "mm-default" } };
    expect(podClasses(exporters({}, ctx).objects)).toEqual({
      "metrics-server": "mm-default",
      "kube-state-metrics": "mm-default",
      "node-exporter": "mm-default",
    });
  });

  it("a workload's own priorityClassName wins", () => {
    const ctx = { priorityClasses: { default: "mm-default" } };
    const own = exporters(
      { nodeExporter: { scheduling: { priorityClassName: "system-node-critical" } } },
      ctx,
    );
    expect(podClasses(own.objects)["node-exporter"]).toBe("system-node-critical");
  });

  it("none at all without classes in the context", () => {
    expect(Object.values(podClasses(exporters().objects))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});
