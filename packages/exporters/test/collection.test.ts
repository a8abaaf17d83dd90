import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  exporters,
  exportersCollectionFor,
  KUBE_STATE_METRICS_RESOURCE_NAMES,
  KUBE_STATE_METRICS_SOURCE,
  kubeStateMetricsResourceOf,
  kubeStateMetricsResourcesFor,
  NODE_EXPORTER_SOURCE,
  nodeExporter,
  nodeExporterCollectorOf,
  nodeExporterCollectorsFor,
} from "../src/index.js";

/** kube-state-metrics v2.20.0's documented families, by the resource of their doc page. */
const KSM_FAMILIES = readFileSync(
  new URL("./fixtures/kube-state-metrics-v2.20.0-families.txt", import.meta.url),
  "utf8",
)
  .split("\n")
  .filter((line) => line && !line.startsWith("#"))
  .map((line) => line.split(" ") as [string, string]);

describe("node-exporter: the collector of a family", () => {
  it("takes the longest prefix: cpufreq's and cpu_vulnerabilities' families are not cpu's", () => {
    expect(nodeExporterCollectorOf("node_cpu_seconds_total")).toBe("cpu");
    expect(nodeExporterCollectorOf("node_cpu_scaling_frequency_hertz")).toBe("cpufreq");
    expect(nodeExporterCollectorOf("node_cpu_frequency_max_hertz")).toBe("cpufreq");
    expect(nodeExporterCollectorOf("node_cpu_vulnerabilities_info")).toBe("cpu_vulnerabilities");
    expect(nodeExporterCollectorOf("node_memory_numa_MemFree")).toBe("meminfo_numa");
    expect(nodeExporterCollectorOf("node_memory_MemAvailable_bytes")).toBe("meminfo");
  });

  it("splits node_network_ between netdev (counters), netclass (link state) and ethtool", () => {
    expect(nodeExporterCollectorOf("node_network_receive_bytes_total")).toBe("netdev");
    expect(nodeExporterCollectorOf("node_network_transmit_errs_total")).toBe("netdev");
    expect(nodeExporterCollectorOf("node_network_transmit_queue_length")).toBe("netclass");
    expect(nodeExporterCollectorOf("node_network_up")).toBe("netclass");
    expect(nodeExporterCollectorOf("node_network_autonegotiate")).toBe("ethtool");
    expect(nodeExporterCollectorOf("node_network_route_info")).toBe("network_route");
  });

  it("an exact entry matches only itself: node_load1 is loadavg, node_load1x is unknown", () => {
    expect(nodeExporterCollectorOf("node_load1")).toBe("loadavg");
    expect(nodeExporterCollectorOf("node_load15")).toBe("loadavg");
    expect(nodeExporterCollectorOf("node_load1x")).toBeUndefined();
    expect(nodeExporterCollectorOf("node_softirqs_total")).toBe("stat");
    expect(nodeExporterCollectorOf("node_softirqs_functions_total")).toBe("softirqs");
  });

  it("needs no collector for scrape series and the exporter's own families", () => {
    for (const family of [
      "up",
      "scrape_duration_seconds",
      "node_scrape_collector_success",
      "node_exporter_build_info",
      "process_cpu_seconds_total",
      "go_goroutines",
      "promhttp_metric_handler_requests_total",
    ])
      expect(nodeExporterCollectorOf(family), family).toBeNull();
  });

  it("collects a list: sorted collectors without repeats, and the names nothing serves", () => {
    expect(
      nodeExporterCollectorsFor([
        "node_vmstat_oom_kill",
        "node_filesystem_avail_bytes",
        "node_filesystem_size_bytes",
        "up",
        "my_custom_metric",
      ]),
    ).toEqual({ needed: ["filesystem", "vmstat"], unknown: ["my_custom_metric"] });
  });
});

describe("kube-state-metrics: the resource of a family", () => {
  it("maps every documented family of v2.20.0 to its doc page's resource (the upstream docs/metrics tables)", () => {
    const wrong: string[] = [];
    const seen = new Set<string>();
    for (const [doc, family] of KSM_FAMILIES) {
      const resource = kubeStateMetricsResourceOf(family);
      const documented = docResource(doc);
      // resources this package cannot watch (admission policies) map to nothing
      const expected = (KUBE_STATE_METRICS_RESOURCE_NAMES as string[]).includes(documented)
        ? documented
        : undefined;
      if (resource !== expected) wrong.push(`${family} (${doc}): ${resource} != ${expected}`);
      if (resource) seen.add(resource);
    }
    expect(wrong).toEqual([]);
    // every watchable resource has documented families, each mapped to it
    expect([...seen].sort()).toEqual(KUBE_STATE_METRICS_RESOURCE_NAMES);
  });

  it("keeps persistentvolumeclaims and persistentvolumes apart, and pods and poddisruptionbudgets", () => {
    expect(kubeStateMetricsResourceOf("kube_persistentvolumeclaim_status_phase")).toBe(
      "persistentvolumeclaims",
    );
    expect(kubeStateMetricsResourceOf("kube_persistentvolume_status_phase")).toBe(
      "persistentvolumes",
    );
    expect(kubeStateMetricsResourceOf("kube_poddisruptionbudget_status_current_healthy")).toBe(
      "poddisruptionbudgets",
    );
    expect(kubeStateMetricsResourceOf("kube_pod_status_phase")).toBe("pods");
    expect(kubeStateMetricsResourceOf("kube_state_metrics_build_info")).toBeNull();
  });

  it("collects a list", () => {
    expect(
      kubeStateMetricsResourcesFor(["kube_pod_info", "kube_node_info", "kube_pod_labels", "up"]),
    ).toEqual({ needed: ["nodes", "pods"], unknown: [] });
  });
});

describe("exportersCollectionFor", () => {
  const lists = {
    [NODE_EXPORTER_SOURCE]: ["node_filesystem_avail_bytes", "node_load1", "up"],
    [KUBE_STATE_METRICS_SOURCE]: ["kube_pod_status_phase", "kube_deployment_spec_replicas", "up"],
  };

  it("narrows node-exporter to the collectors and kube-state-metrics to the resources of the lists", () => {
    const { values, unserved } = exportersCollectionFor(lists);
    expect(unserved).toEqual([]);
    expect(values).toEqual({
      nodeExporter: { collectors: { recommended: false, enable: ["filesystem", "loadavg"] } },
      kubeStateMetrics: { watchedResources: ["deployments", "pods"] },
    });
    const built = exporters(values);
    expect(built.endpoints.nodeExporter?.collectors).toEqual(["filesystem", "loadavg"]);
    const ksm = built.objects.find(
      (o) => o.kind === "Deployment" && o.metadata.name === "kube-state-metrics",
    ) as { spec: { template: { spec: { containers: { args: string[] }[] } } } } | undefined;
    expect(ksm?.spec.template.spec.containers[0]?.args).toContain("--resources=deployments,pods");
  });

  it("leaves an exporter without a list at its defaults (the scraper does not filter it)", () => {
    expect(exportersCollectionFor({})).toEqual({ values: {}, unserved: [] });
    expect(exportersCollectionFor({ [NODE_EXPORTER_SOURCE]: ["node_load1"] }).values).toEqual({
      nodeExporter: { collectors: { recommended: false, enable: ["loadavg"] } },
    });
  });

  it("keeps an exporter's defaults, and says so, when a kept family has no known producer", () => {
    const { values, unserved } = exportersCollectionFor({
      [NODE_EXPORTER_SOURCE]: ["node_load1", "node_gpu_temperature"],
      [KUBE_STATE_METRICS_SOURCE]: ["kube_pod_info", "kube_widget_info"],
    });
    expect(values).toEqual({});
    expect(unserved).toEqual([
      "node-exporter keeps its collectors: no collector is known to serve node_gpu_temperature",
      "kube-state-metrics keeps its resources: no resource is known to yield kube_widget_info",
    ]);
  });

  it("leaves out the collectors the user disabled, so enable and disable never clash", () => {
    const { values } = exportersCollectionFor(lists, ["loadavg"]);
    expect(values.nodeExporter).toEqual({
      collectors: { recommended: false, enable: ["filesystem"] },
    });
    expect(() =>
      nodeExporter({
        ...values.nodeExporter,
        collectors: { ...values.nodeExporter?.collectors, disable: ["loadavg"] },
      }),
    ).not.toThrow();
  });
});

/** The resource (kube-state-metrics' --resources name) a doc page of `doc-metrics.md` is about. */
function docResource(doc: string): string {
  const irregular: Record<string, string> = {
    ingress: "ingresses",
    ingressclass: "ingressclasses",
    storageclass: "storageclasses",
    networkpolicy: "networkpolicies",
  };
  return irregular[doc] ?? `${doc}s`;
}
