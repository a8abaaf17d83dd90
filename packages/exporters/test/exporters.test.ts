import {
  assertUnique,
  isWorkload,
  type KubeObject,
  toYamlStream,
} from "@materialize-monitoring/core";
import {
  checkNetworkPolicies,
  checkPolicies,
  checkReferences,
  checkServices,
  type DeclaredConnection,
  validateObjects,
  wiredConnections,
} from "@materialize-monitoring/core/validate";
import { describe, expect, it } from "vitest";
import {
  type ExportersValues,
  exporters,
  kubeStateMetrics,
  metricsServer,
  nodeExporter,
  podSecurityExceptions,
} from "../src/index.js";
import { unselectedServices, valuesErrorOf } from "./helpers.js";

function names(objects: readonly KubeObject[]): string[] {
  return objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`).sort();
}

describe("exporters", () => {
  const all = exporters();

  it("renders all three by default", () => {
    expect(toYamlStream(all.objects)).toMatchSnapshot();
  });

  it("is the three components side by side, with the same objects as each alone", () => {
    expect(names(all.objects)).toEqual(
      names([...metricsServer().objects, ...kubeStateMetrics().objects, ...nodeExporter().objects]),
    );
    expect(all.endpoints.metricsServer).toEqual(metricsServer().endpoints);
    expect(all.endpoints.kubeStateMetrics).toEqual(kubeStateMetrics().endpoints);
    expect(all.endpoints.nodeExporter).toEqual(nodeExporter().endpoints);
    expect(() => assertUnique(all.objects)).not.toThrow();
    expect(unselectedServices(all.objects)).toEqual([]);
  });

  it("passes the Kubernetes schemas", async () => {
    expect(await validateObjects(all.objects)).toEqual([]);
  });

  it("switches each exporter off on its own", () => {
    const noMetricsServer = exporters({ metricsServer: { enabled: false } });
    expect(noMetricsServer.objects.some((o) => o.kind === "APIService")).toBe(false);
    expect(noMetricsServer.endpoints.metricsServer).toBeUndefined();
    expect(noMetricsServer.endpoints.kubeStateMetrics).toBeDefined();
    const onlyNodes = exporters({
      metricsServer: { enabled: false },
      kubeStateMetrics: { enabled: false },
    });
    expect(
      new Set(onlyNodes.objects.map((o) => o.metadata.labels?.["app.kubernetes.io/name"])),
    ).toEqual(new Set(["node-exporter"]));
    expect(Object.keys(onlyNodes.endpoints)).toEqual([
      "nodeExporter",
      "services",
      "scrapeTargets",
      "clients",
    ]);
    expect(Object.keys(onlyNodes.endpoints.services)).toEqual(["nodeExporter"]);
    expect(onlyNodes.endpoints.scrapeTargets.map((t) => t.name)).toEqual(["node_exporter"]);
    const none = exporters({
      metricsServer: { enabled: false },
      kubeStateMetrics: { enabled: false },
      nodeExporter: { enabled: false },
    });
    expect(none.objects).toEqual([]);
    expect(none.endpoints).toEqual({ services: {}, scrapeTargets: [], clients: {} });
  });

  it("passes each exporter's values through and applies the context to all", () => {
    const custom = exporters(
      {
        metricsServer: { replicas: 3 },
        kubeStateMetrics: { sharding: { enabled: true, shards: 2 } },
        nodeExporter: { namespace: "node-exporter" },
      },
      { namespace: "observability", namePrefix: "mm", imageRegistry: "mirror.example.com" },
    );
    expect(custom.endpoints.kubeStateMetrics?.shards).toBe(2);
    expect(custom.endpoints.metricsServer?.service).toEqual({
      name: "mm-metrics-server",
      namespace: "observability",
      port: 443,
    });
    expect(custom.endpoints.nodeExporter?.podSecurity.namespace).toBe("node-exporter");
    for (const workload of custom.objects.filter(isWorkload)) {
      for (const c of workload.spec?.template.spec?.containers ?? []) {
        expect(c.image).toMatch(/^mirror\.example\.com\//);
      }
    }
  });

  it("every pod but node-exporter's passes the restricted profile; node-exporter's departures are the documented ones", () => {
    const documented = new Set(podSecurityExceptions().map((e) => e.check));
    for (const workload of all.objects.filter(isWorkload)) {
      const pod = workload.spec?.template.spec;
      const found = new Set<string>();
      if (pod?.hostNetwork || pod?.hostPID || pod?.hostIPC) found.add("hostNamespaces");
      if (pod?.volumes?.some((v) => v.hostPath)) {
        found.add("hostPathVolumes");
        found.add("volumeTypes");
      }
      if (pod?.containers.some((c) => c.ports?.some((p) => p.hostPort))) found.add("hostPorts");
      for (const c of pod?.containers ?? []) {
        expect(c.securityContext, workload.metadata.name).toMatchObject({
          allowPrivilegeEscalation: false,
          runAsNonRoot: true,
          capabilities: { drop: ["ALL"] },
          seccompProfile: { type: "RuntimeDefault" },
        });
        expect(c.securityContext?.capabilities?.add).toBeUndefined();
        expect(c.resources?.requests, workload.metadata.name).toHaveProperty("memory");
        expect(c.resources?.limits, workload.metadata.name).toHaveProperty("memory");
        expect(c.image, workload.metadata.name).toMatch(/:v\d+\.\d+\.\d+$/);
      }
      if (workload.metadata.name === "node-exporter") expect(found).toEqual(documented);
      else expect(found, workload.metadata.name).toEqual(new Set());
    }
  });

  it("every workload has a NetworkPolicy selecting its pods", () => {
    const policies = all.objects.filter((o) => o.kind === "NetworkPolicy") as (KubeObject & {
      spec: { podSelector: { matchLabels: Record<string, string> } };
    })[];
    for (const workload of all.objects.filter(isWorkload)) {
      const labels = workload.spec?.template.metadata?.labels ?? {};
      const covering = policies.filter((p) =>
        Object.entries(p.spec.podSelector.matchLabels).every(([k, v]) => labels[k] === v),
      );
      expect(covering, workload.metadata.name).toHaveLength(1);
    }
  });

  it("names the exporter in value errors", () => {
    expect(valuesErrorOf(() => exporters({ nodeExporter: { nodeExporterVersion: "1.5" } }))).toBe(
      'exporters.nodeExporter.nodeExporterVersion: is "1.5" but the image tag "v1.12.1" is node-exporter 1.12 (set nodeExporterVersion: "1.12", or leave it out to follow the tag)',
    );
    expect(valuesErrorOf(() => exporters({ metricsServer: { replicas: 0 } }))).toMatch(
      /^exporters\.metricsServer\.replicas: /,
    );
    expect(
      valuesErrorOf(() =>
        exporters({ kubeStateMetrics: { metricAllowlist: ["a"], metricDenylist: ["b"] } }),
      ),
    ).toMatch(/^exporters\.kubeStateMetrics\.metricDenylist: /);
    expect(
      valuesErrorOf(() =>
        exporters({ nodeExporter: { enabeld: true } } as unknown as ExportersValues),
      ),
    ).toBe('exporters.nodeExporter.enabeld: unknown key (did you mean "enabled"?)');
  });
});

describe("core's graph, policy and network checks", () => {
  const all = exporters();

  it("Services select pods and name real ports; every reference resolves", () => {
    expect(checkServices(all.objects)).toEqual([]);
    // The binding to kube-system's extension-apiserver-authentication-reader Role resolves:
    // core knows the Roles every cluster bootstraps.
    expect(checkReferences(all.objects)).toEqual([]);
  });

  it("passes every policy check, with exactly node-exporter's documented exceptions", () => {
    const exceptions = all.endpoints.nodeExporter?.podSecurity.policyExceptions ?? [];
    const result = checkPolicies(all.objects, { exceptions });
    expect(result.problems).toEqual([]);
    expect(result.unusedExceptions).toEqual([]);
    expect([...new Set(result.excepted.map((p) => `${p.object} ${p.check}`))]).toEqual([
      "DaemonSet/monitoring/node-exporter hostNamespaces",
      "DaemonSet/monitoring/node-exporter hostPathVolumes",
      "DaemonSet/monitoring/node-exporter volumeTypes",
      "DaemonSet/monitoring/node-exporter hostPorts",
    ]);
  });

  /** A stand-in for the Alloy gateway, the scraper the policies admit. */
  const gateway: KubeObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "alloy-gateway", namespace: "monitoring" },
    spec: {
      selector: { matchLabels: { "app.kubernetes.io/name": "alloy-gateway" } },
      template: {
        metadata: { labels: { "app.kubernetes.io/name": "alloy-gateway" } },
        spec: { containers: [{ name: "alloy", image: "grafana/alloy:v1.0.0" }] },
      },
    },
  };
  const scrapes = (values: ExportersValues): DeclaredConnection[] => {
    const { endpoints } = exporters(values);
    return [
      endpoints.kubeStateMetrics?.metrics,
      endpoints.kubeStateMetrics?.telemetry,
      endpoints.metricsServer?.metrics,
    ].flatMap((e) =>
      e
        ? [
            {
              from: {
                namespace: "monitoring",
                selector: { matchLabels: { "app.kubernetes.io/name": "alloy-gateway" } },
              },
              to: { namespace: e.namespace, selector: { matchLabels: e.selector } },
              port: e.portName,
              description: `scrape ${e.jobName}`,
            },
          ]
        : [],
    );
  };
  const kubeSystem = { "kube-system": { "kubernetes.io/metadata.name": "kube-system" } };

  it("NetworkPolicies allow the scrapes and nothing else once node addresses are known", () => {
    const values: ExportersValues = {
      metricsServer: { networkPolicy: { nodeCidrs: ["10.0.0.0/16"] } },
    };
    const objects = [...exporters(values).objects, gateway];
    const connections = wiredConnections(objects, [], { declared: scrapes(values) });
    expect(connections.map((c) => `${c.to}:${c.port}`)).toEqual([
      "Deployment/monitoring/kube-state-metrics:8080",
      "Deployment/monitoring/kube-state-metrics:8081",
      "Deployment/monitoring/metrics-server:10250",
    ]);
    expect(checkNetworkPolicies(objects, connections, { extraNamespaces: kubeSystem })).toEqual([]);
  });

  it("by default the kubelet egress (any address on 10250) also lets metrics-server replicas reach each other", () => {
    const objects = [...all.objects, gateway];
    const connections = wiredConnections(objects, [], { declared: scrapes({}) });
    expect(checkNetworkPolicies(objects, connections, { extraNamespaces: kubeSystem })).toEqual([
      {
        check: "open",
        message:
          "Deployment/monitoring/metrics-server -> Deployment/monitoring/metrics-server:10250/TCP (https) is allowed but nothing wires it",
      },
    ]);
  });
});

describe("purity", () => {
  it("renders byte-identical output for the same values", () => {
    const values: ExportersValues = { kubeStateMetrics: { sharding: { enabled: true } } };
    expect(toYamlStream(exporters(values).objects)).toBe(toYamlStream(exporters(values).objects));
  });
});
