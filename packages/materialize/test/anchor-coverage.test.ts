/**
 * Issue 18, point 2: every tab of Materialize's own environment-overview dashboard (the anchor)
 * has its information on our dashboards. The table maps each item the issue lists as missing,
 * and the items the anchor tab already shared with ours, to the dashboard and panel that cover it,
 * the metrics the panel must read and a pattern of its queries that carries the meaning
 * (the grouping, the join, the ratio).
 */
import type { Dashboard, Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { describe, expect, it } from "vitest";
import { dashboards } from "../src/dashboards/build.js";
import { promqlMetricNames } from "../src/queries/parse.js";
import { materializeValues } from "../src/values.js";

interface Coverage {
  /** The information, in the words. */
  item: string;
  dashboard: string;
  panel: string;
  metrics: string[];
  /** What the queries must do for the panel to mean the item. */
  meaning: RegExp;
}

const NAMES = /group_left \(cluster_name\)[\s\S]*mz_cluster_info/;
const OBJECT_NAMES = /group_left \(object_name, object_type\)[\s\S]*mz_object_info/;
const REPLICA_NAMES = /group_left \(cluster_name, replica_name\)[\s\S]*mz_replica_info/;

const ANCHOR_TABS: Record<string, Coverage[]> = {
  Summary: [
    {
      item: "Materialize version",
      dashboard: "mz-overview",
      panel: "Materialize version",
      metrics: ["mz_compute_cluster_status"],
      meaning: /by \([^)]*mz_version/,
    },
    {
      item: "availability %",
      dashboard: "mz-overview",
      panel: "Availability",
      metrics: ["up"],
      meaning: /avg_over_time\(.*\[\$__range:1m\]\)/,
    },
    {
      item: "last environmentd restart",
      dashboard: "mz-overview",
      panel: "Since environmentd restart",
      metrics: ["container_start_time_seconds"],
      meaning: /time\(\) - max by/,
    },
    {
      item: "CPU/memory against limits",
      dashboard: "mz-overview",
      panel: "CPU and memory vs limits",
      metrics: [
        "container_cpu_usage_seconds_total",
        "container_memory_working_set_bytes",
        "kube_pod_container_resource_limits",
      ],
      meaning: /\/\n\(\n {2}sum by/,
    },
    {
      item: "capacity",
      dashboard: "mz-overview",
      panel: "Capacity",
      metrics: ["kube_pod_container_resource_limits"],
      meaning: /resource="cpu"[\s\S]*resource="memory"/,
    },
    {
      item: "hydrating collections and lag (shared)",
      dashboard: "mz-overview",
      panel: "Hydrating now",
      metrics: ["mz_dataflow_wallclock_lag_seconds"],
      meaning: />= bool 1e9/,
    },
  ],
  "Kubernetes workloads": [
    {
      item: "readiness of Materialize workloads (pods)",
      dashboard: "mz-workloads",
      panel: "Containers ready",
      metrics: ["kube_pod_container_status_ready"],
      meaning: /container=~"environmentd\|clusterd\|balancerd"/,
    },
    {
      item: "readiness of Materialize workloads (StatefulSets, Deployments)",
      dashboard: "mz-workloads",
      panel: "StatefulSets and Deployments ready",
      metrics: [
        "kube_statefulset_status_replicas_ready",
        "kube_statefulset_replicas",
        "kube_deployment_status_replicas_ready",
        "kube_deployment_spec_replicas",
      ],
      meaning: /replicas_ready[\s\S]*\/[\s\S]*replicas/,
    },
    {
      item: "pod phases",
      dashboard: "mz-workloads",
      panel: "Pods by phase",
      metrics: ["kube_pod_status_phase"],
      meaning: /by \(namespace, phase\)/,
    },
    {
      item: "environmentd resources",
      dashboard: "mz-workloads",
      panel: "environmentd memory vs limit",
      metrics: ["container_memory_working_set_bytes", "kube_pod_container_resource_limits"],
      meaning: /container=~"environmentd"/,
    },
    {
      item: "environmentd resources (CPU)",
      dashboard: "mz-workloads",
      panel: "environmentd CPU vs limit",
      metrics: ["container_cpu_usage_seconds_total", "kube_pod_container_resource_limits"],
      meaning: /container=~"environmentd"/,
    },
    {
      item: "pod network traffic",
      dashboard: "mz-workloads",
      panel: "Received",
      metrics: ["container_network_receive_bytes_total"],
      meaning: /by \(pod\)/,
    },
    {
      item: "pod network traffic (sent)",
      dashboard: "mz-workloads",
      panel: "Sent",
      metrics: ["container_network_transmit_bytes_total"],
      meaning: /by \(pod\)/,
    },
    {
      item: "pod network errors",
      dashboard: "mz-workloads",
      panel: "Network errors",
      metrics: [
        "container_network_receive_errors_total",
        "container_network_transmit_errors_total",
      ],
      meaning: /\+/,
    },
    {
      item: "pod network drops",
      dashboard: "mz-workloads",
      panel: "Dropped packets",
      metrics: [
        "container_network_receive_packets_dropped_total",
        "container_network_transmit_packets_dropped_total",
      ],
      meaning: /\+/,
    },
  ],
  "Connections/activity": [
    {
      item: "sessions (shared)",
      dashboard: "mz-activity",
      panel: "Sessions by type",
      metrics: ["mz_active_sessions"],
      meaning: /by \(session_type\)/,
    },
    {
      item: "breakdown by statement type",
      dashboard: "mz-activity",
      panel: "Statements by type",
      metrics: ["mz_query_total"],
      meaning: /by \(statement_type\)/,
    },
    {
      item: "breakdown by application name",
      dashboard: "mz-activity",
      panel: "Commands by application",
      metrics: ["mz_adapter_commands"],
      meaning: /by \(application_name\)/,
    },
    {
      item: "peek latency per cluster, named",
      dashboard: "mz-activity",
      panel: "Peek latency p99 by cluster",
      metrics: ["mz_compute_peek_duration_seconds_bucket", "mz_cluster_info"],
      meaning: NAMES,
    },
  ],
  "Cluster objects and replicas": [
    {
      item: "replicas per cluster with size and status",
      dashboard: "mz-clusters",
      panel: "Replicas with size and status",
      metrics: ["mz_replica_info", "mz_cluster_info", "mz_compute_cluster_status", "up"],
      meaning: /cluster_name, replica_name, size[\s\S]*job="materialize-clusterd"/,
    },
    {
      item: "cluster and replica counts",
      dashboard: "mz-clusters",
      panel: "Clusters",
      metrics: ["mz_cluster_info", "mz_compute_cluster_status"],
      meaning: /count by/,
    },
    {
      item: "replica sizes",
      dashboard: "mz-clusters",
      panel: "Replicas by size",
      metrics: ["mz_replica_info"],
      meaning: /by \([^)]*size\)/,
    },
    {
      item: "objects per cluster",
      dashboard: "mz-clusters",
      panel: "Objects per cluster",
      metrics: ["mz_dataflow_wallclock_lag_seconds", "mz_object_info", "mz_cluster_info"],
      meaning: /count by \([^)]*instance_id, object_type\)/,
    },
  ],
  Compute: [
    {
      item: "object counts",
      dashboard: "mz-compute",
      panel: "User objects by type",
      metrics: ["mz_object_info", "mz_indexes_count", "mz_mzd_views_count", "mz_views_count"],
      meaning: /count by \([^)]*type\)/,
    },
    {
      item: "slowest-hydrating collections",
      dashboard: "mz-compute",
      panel: "Slowest-hydrating collections",
      metrics: ["mz_dataflow_wallclock_lag_seconds", "mz_object_info"],
      meaning: /sum_over_time\([\s\S]*>= bool 1e9[\s\S]*\[\$__range:1m\]/,
    },
    {
      item: "per-worker skew",
      dashboard: "mz-compute",
      panel: "Per-worker skew",
      metrics: ["mz_arrangement_maintenance_seconds_total", "mz_dataflow_elapsed_seconds_total"],
      meaning: /max by[\s\S]*\/\n\(avg by/,
    },
    {
      item: "record counts per named object",
      dashboard: "mz-compute",
      panel: "Records by object",
      metrics: ["mz_arrangement_record_count", "mz_object_info"],
      meaning: OBJECT_NAMES,
    },
    {
      item: "freshness by named cluster (shared)",
      dashboard: "mz-compute",
      panel: "Wallclock lag by cluster",
      metrics: ["mz_dataflow_wallclock_lag_seconds", "mz_cluster_info"],
      meaning: NAMES,
    },
    {
      item: "hydration queue by named replica (shared)",
      dashboard: "mz-compute",
      panel: "Hydration queue",
      metrics: ["mz_compute_controller_hydration_queue_size", "mz_replica_info"],
      meaning: REPLICA_NAMES,
    },
    {
      item: "dataflows by named replica (shared)",
      dashboard: "mz-compute",
      panel: "Dataflows",
      metrics: ["mz_compute_replica_history_dataflow_count", "mz_replica_info"],
      meaning: REPLICA_NAMES,
    },
  ],
  "Sources and sinks": [
    {
      item: "source inventory and status",
      dashboard: "mz-storage",
      panel: "Sources",
      metrics: ["mz_storage_objects", "mz_object_info", "mz_cluster_info"],
      meaning: /type="source", replica_id!="none"[\s\S]*replica_id="none"/,
    },
    {
      item: "sink inventory and status",
      dashboard: "mz-storage",
      panel: "Sinks",
      metrics: ["mz_storage_objects", "mz_object_info"],
      meaning: /type="sink", replica_id!="none"/,
    },
    {
      item: "upstream errors",
      dashboard: "mz-storage",
      panel: "Upstream errors",
      metrics: ["mz_source_offset_commit_failures", "mz_object_info"],
      meaning: OBJECT_NAMES,
    },
    {
      item: "sink lag",
      dashboard: "mz-storage",
      panel: "Sink lag",
      metrics: ["mz_sink_bytes_staged", "mz_sink_bytes_committed"],
      meaning: /mz_sink_bytes_staged\{[^}]*\} - mz_sink_bytes_committed/,
    },
    {
      item: "Iceberg commit latency",
      dashboard: "mz-storage",
      panel: "Commit latency p99",
      metrics: ["mz_sink_iceberg_commit_duration_seconds_bucket"],
      meaning: /histogram_quantile\(0\.99, sum by \(le/,
    },
    {
      item: "Iceberg commit conflicts",
      dashboard: "mz-storage",
      panel: "Commit conflicts and failures",
      metrics: ["mz_sink_iceberg_commit_conflicts", "mz_sink_iceberg_commit_failures"],
      meaning: OBJECT_NAMES,
    },
    {
      item: "Kafka producer buffer",
      dashboard: "mz-storage",
      panel: "Producer buffer",
      metrics: ["mz_sink_rdkafka_outbuf_msg_cnt"],
      meaning: OBJECT_NAMES,
    },
    {
      item: "Kafka reconnects",
      dashboard: "mz-storage",
      panel: "Connects and disconnects",
      metrics: ["mz_sink_rdkafka_connects", "mz_sink_rdkafka_disconnects"],
      meaning: /delta\(/,
    },
    {
      item: "source throughput by named source (shared)",
      dashboard: "mz-storage",
      panel: "Bytes received",
      metrics: ["mz_source_bytes_received", "mz_object_info"],
      meaning: OBJECT_NAMES,
    },
  ],
};

const built = dashboards(materializeValues.parse({}));

function findPanel(uid: string, title: string): Panel | undefined {
  const dashboard: Dashboard | undefined = built[uid];
  return (dashboard?.panels ?? []).find((p): p is Panel => p.type !== "row" && p.title === title);
}

describe("coverage of the anchor's environment-overview tabs (issue 18)", () => {
  it("lists every tab of the anchor", () => {
    expect(Object.keys(ANCHOR_TABS)).toEqual([
      "Summary",
      "Kubernetes workloads",
      "Connections/activity",
      "Cluster objects and replicas",
      "Compute",
      "Sources and sinks",
    ]);
  });

  for (const [tab, items] of Object.entries(ANCHOR_TABS)) {
    it.each(items)(`${tab}: $item is on $dashboard / $panel`, (item) => {
      const panel = findPanel(item.dashboard, item.panel);
      expect(panel, `${item.dashboard} has no panel "${item.panel}"`).toBeDefined();
      const exprs = ((panel?.targets ?? []) as { expr?: string }[]).map((t) => t.expr ?? "");
      const metrics = new Set(exprs.flatMap((e) => promqlMetricNames(e)));
      for (const metric of item.metrics) expect([...metrics], item.item).toContain(metric);
      expect(exprs.join("\n"), item.item).toMatch(item.meaning);
      expect(panel?.description?.length ?? 0).toBeGreaterThan(10);
    });
  }
});
