/**
 * Metric tiers: how much of each scrape source a destination receives.
 *
 * - `essential`: exactly the derived allow-lists (what the shipped dashboards, alerting rules and
 *   recording rules read, plus the documented base set and the scrape series);
 * - `recommended`: `essential` plus a curated set an operator reaches for when diagnosing ad hoc
 *   (each entry with its reason, below);
 * - `all`: no filter.
 *
 * Every name below is a real metric: a Materialize family of the metric catalogue that
 * self-managed Materialize exposes, or a name of the source's exporter list
 * (src/metrics/sources.ts). A test keeps it so.
 */
import { type MetricAllowList, metricAllowLists } from "./allowlists.js";
import { METRIC_SOURCES, type MetricSource } from "./metrics/sources.js";
import type { ResolvedMaterializeValues } from "./values.js";

/** How much a destination receives, narrowest first. */
export const METRIC_TIERS = ["essential", "recommended", "all"] as const;
export type MetricTier = (typeof METRIC_TIERS)[number];

/** A metric the recommended tier adds, and what an operator reads it for. */
export interface RecommendedMetric {
  metric: string;
  reason: string;
}

const r = (metric: string, reason: string): RecommendedMetric => ({ metric, reason });

/** What `recommended` adds to `essential`, per scrape source. */
export const RECOMMENDED_METRICS: Readonly<Record<MetricSource, readonly RecommendedMetric[]>> = {
  materialize: [
    r("mz_source_info", "names, types and clusters of sources, to join onto ad-hoc source queries"),
    r("mz_sink_info", "names, types and clusters of sinks, to join onto ad-hoc sink queries"),
    r("mz_write_frontier", "write frontier per collection: which collection stopped advancing"),
    r("mz_read_frontier", "read frontier per collection: compaction held back by a read hold"),
    r(
      "mz_replica_write_frontiers",
      "write frontier per replica: the one replica that lags while its peers keep up",
    ),
    r("mz_clusters_count", "number of clusters, for capacity and inventory questions"),
    r("mz_cluster_reps_count", "replicas per size, for capacity and cost questions"),
    r("mz_sources_count", "sources by type and envelope, the inventory behind source incidents"),
    r("mz_sinks_count", "sinks by type and format, the inventory behind sink incidents"),
    r("mz_workload_clusters", "the workload class of each user cluster, to group clusters by use"),
    r("mz_arrangement_count", "arrangements per dataflow: which dataflow holds many indexes"),
    r(
      "mz_arrangement_batch_count",
      "batches per arrangement: a growing count means merging falls behind",
    ),
    r("mz_dataflow_error_count", "errors per dataflow, for a view that returns errors"),
    r("mz_compute_replica_peek_count", "pending peeks per replica: SELECTs queueing on a replica"),
    r(
      "mz_compute_replica_park_duration_seconds_total",
      "time workers were parked (idle): how busy a replica really is",
    ),
    r(
      "mz_shard_finalization_outstanding",
      "dropped shards still waiting for finalization: a persist clean-up backlog",
    ),
    r("mz_persist_compaction_failed", "failed persist compactions, behind growing blob storage"),
    r("mz_persist_compaction_dropped", "compactions dropped from a full queue"),
    r(
      "mz_persist_external_failed_count",
      "failed blob-store and consensus calls, by operation, when persist errors",
    ),
    r("mz_persist_lease_timeout_read", "readers whose lease expired: a stalled reader of a shard"),
  ],
  "kube-state-metrics": [
    r("kube_pod_info", "the node and IP of each pod, to place a pod during an incident"),
    r("kube_pod_container_info", "the image of each container: which version is running"),
    r(
      "kube_pod_status_ready",
      "pod readiness as Kubernetes reports it, beside container readiness",
    ),
    r(
      "kube_pod_status_reason",
      "why a pod is failed (Evicted, NodeLost, UnexpectedAdmissionError)",
    ),
    r(
      "kube_pod_container_status_terminated_reason",
      "why a container is terminated right now (OOMKilled, Error, Completed)",
    ),
    r("kube_deployment_status_condition", "Available and Progressing of each deployment"),
    r(
      "kube_statefulset_status_current_revision",
      "the revision a statefulset's pods run, to follow a rollout",
    ),
    r(
      "kube_statefulset_status_update_revision",
      "the revision a statefulset rolls out to, to follow a rollout",
    ),
    r("kube_node_info", "kubelet, kernel and OS version of each node"),
    r("kube_node_spec_taint", "node taints that keep pods from scheduling"),
    r("kube_node_spec_unschedulable", "cordoned nodes"),
    r("kube_node_status_allocatable", "what each node can give pods, against their requests"),
    r("kube_node_status_capacity", "each node's raw capacity"),
    r("kube_persistentvolumeclaim_status_phase", "claims stuck Pending or Lost"),
    r(
      "kube_persistentvolumeclaim_resource_requests_storage_bytes",
      "the size each claim asked for",
    ),
  ],
  "node-exporter": [
    r("node_load1", "1-minute load average of the node"),
    r("node_load5", "5-minute load average of the node"),
    r("node_load15", "15-minute load average of the node"),
    r(
      "node_pressure_cpu_waiting_seconds_total",
      "CPU pressure stall time: tasks waiting for a CPU",
    ),
    r(
      "node_pressure_memory_waiting_seconds_total",
      "memory pressure stall time, before the OOM killer acts",
    ),
    r("node_pressure_io_waiting_seconds_total", "I/O pressure stall time: a slow disk"),
    r("node_vmstat_oom_kill", "OOM kills on the node, also of processes outside containers"),
    r("node_disk_io_time_seconds_total", "disk busy time: a saturated local disk"),
    r("node_disk_read_bytes_total", "disk read throughput"),
    r("node_disk_written_bytes_total", "disk write throughput (the WAL, scratch disks)"),
    r("node_filesystem_files", "inodes of each filesystem"),
    r("node_filesystem_files_free", "free inodes: a disk full of small files"),
    r("node_filefd_allocated", "open file descriptors of the node"),
    r("node_filefd_maximum", "the node's file descriptor limit"),
    r("node_network_receive_errs_total", "receive errors per interface"),
    r("node_network_transmit_errs_total", "transmit errors per interface"),
    r("node_network_receive_drop_total", "received packets dropped per interface"),
    r("node_network_transmit_drop_total", "transmitted packets dropped per interface"),
    r("node_timex_sync_status", "whether the clock is synchronised: wallclock lag depends on it"),
    r("node_timex_offset_seconds", "the clock offset, when lag looks wrong"),
    r("node_boot_time_seconds", "when the node booted: was it restarted"),
    r("node_uname_info", "kernel release of the node"),
  ],
  kubelet: [
    r("kubelet_node_name", "the node a kubelet series comes from"),
    r("kubelet_running_pods", "pods per node, against the node's pod limit"),
    r("kubelet_running_containers", "containers per node, by state"),
    r("kubelet_evictions", "pod evictions per node, by eviction signal"),
    r("kubelet_volume_stats_inodes", "inodes of each mounted volume"),
    r("kubelet_volume_stats_inodes_free", "free inodes of each mounted volume"),
  ],
  cadvisor: [
    r("container_memory_rss", "resident memory of a container, beside the working set"),
    r("container_memory_cache", "page cache charged to a container"),
    r("container_oom_events_total", "OOM events per container"),
    r("container_cpu_cfs_throttled_seconds_total", "time a container was throttled"),
    r("container_fs_reads_bytes_total", "container filesystem reads"),
    r("container_fs_writes_bytes_total", "container filesystem writes (scratch disk use)"),
    r("container_file_descriptors", "open file descriptors per container"),
  ],
  loki: [
    r("loki_build_info", "the Loki version in use"),
    r("loki_ingester_memory_streams", "streams in ingester memory: label cardinality"),
    r("loki_ingester_chunks_flushed_total", "chunks flushed to object storage, by reason"),
    r(
      "loki_distributor_ingester_append_failures_total",
      "failed writes from distributors to ingesters",
    ),
  ],
  thanos: [
    r("thanos_build_info", "the Thanos version in use"),
    r("prometheus_tsdb_head_series", "series in each receive TSDB head: cardinality"),
    r("thanos_shipper_upload_failures_total", "blocks the receivers failed to upload"),
    r(
      "thanos_objstore_bucket_operation_failures_total",
      "failed object-storage operations, by operation",
    ),
    r(
      "thanos_objstore_bucket_last_successful_upload_time",
      "the last successful upload to the bucket",
    ),
  ],
  alloy: [
    r("alloy_resources_process_resident_memory_bytes", "memory of each Alloy process"),
    r("prometheus_remote_write_wal_storage_active_series", "series in the remote-write WAL"),
    r("prometheus_remote_storage_shards", "remote-write shards in use, per endpoint"),
    r("prometheus_remote_storage_shards_desired", "shards remote write wants: it falls behind"),
    r("prometheus_remote_storage_samples_pending", "samples waiting to be sent, per endpoint"),
    r("prometheus_remote_storage_samples_retried_total", "samples retried, per endpoint"),
  ],
  alertmanager: [
    r("alertmanager_build_info", "the Alertmanager version in use"),
    r("alertmanager_silences", "silences by state: is an alert silenced"),
    r("alertmanager_cluster_failed_peers", "peers the Alertmanager cluster cannot reach"),
    r("alertmanager_alerts_invalid_total", "alerts refused as invalid"),
  ],
};

/** The lists of one scrape source per filtering tier (`all` has none). */
export interface MetricTierLists {
  source: MetricSource;
  /** The essential tier: exactly the source's allow-list (sorted). */
  essential: string[];
  /** The recommended tier: `essential` plus `added` (sorted). */
  recommended: string[];
  /** What recommended adds to essential, with the reasons (entries essential already keeps left out). */
  added: RecommendedMetric[];
  /** The allow-list essential is, with the queries that use each metric. */
  allowList: MetricAllowList;
}

/** Per scrape source, the metric names each filtering tier keeps. */
export function metricTierLists(
  values: ResolvedMaterializeValues,
  allowLists: Record<MetricSource, MetricAllowList> = metricAllowLists(values),
): Record<MetricSource, MetricTierLists> {
  const out = {} as Record<MetricSource, MetricTierLists>;
  for (const source of METRIC_SOURCES) {
    const allowList = allowLists[source];
    const essential = [...allowList.metrics].sort();
    const kept = new Set(essential);
    const added = RECOMMENDED_METRICS[source]
      .filter((m) => !kept.has(m.metric))
      .sort((a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0));
    out[source] = {
      source,
      essential,
      recommended: [...new Set([...essential, ...added.map((m) => m.metric)])].sort(),
      added,
      allowList,
    };
  }
  return out;
}

/** The tier lists as the gateway takes them: `{ essential: {source: names}, recommended: {...} }`. */
export function gatewayMetricTiers(
  tiers: Record<MetricSource, MetricTierLists>,
): Record<Exclude<MetricTier, "all">, Record<string, string[]>> {
  return {
    essential: Object.fromEntries(METRIC_SOURCES.map((s) => [s, [...tiers[s].essential]])),
    recommended: Object.fromEntries(METRIC_SOURCES.map((s) => [s, [...tiers[s].recommended]])),
  };
}

/** The tier lists as Markdown: per source, the number of names per tier and what each adds. */
export function renderMetricTiers(tiers: Record<MetricSource, MetricTierLists>): string {
  const lines: string[] = [
    "## Metric tiers",
    "",
    "Each metrics destination of the gateway takes a tier (`alloyGateway.destinations.prometheus.tier`, each `destinations.prometheus.extra[].tier`, `destinations.otlp.tier`):",
    "",
    "- `essential`: what the shipped dashboards, alerting rules and recording rules read, plus the documented base set and `up` (the allow-lists above). The default of an external remote-write URL, extra remote-write endpoints and OTLP.",
    "- `recommended`: `essential` plus the series below, for ad-hoc diagnosis. The default of the bundled Thanos.",
    "- `all`: everything the scrape targets expose (no filter).",
    "",
    "The gateway filters at scrape time to the widest tier an enabled destination uses (nothing when one uses `all`); a narrower destination drops the rest before it is written.",
    "",
    "| source | essential | recommended | recommended adds |",
    "| --- | ---: | ---: | ---: |",
  ];
  for (const source of METRIC_SOURCES) {
    const t = tiers[source];
    lines.push(
      `| ${source} | ${t.essential.length} | ${t.recommended.length} | ${t.added.length} |`,
    );
  }
  for (const source of METRIC_SOURCES) {
    const t = tiers[source];
    lines.push("", `### ${source}`, "");
    lines.push(`essential: ${t.essential.map((m) => `\`${m}\``).join(", ")}`, "");
    if (t.added.length === 0) {
      lines.push("recommended adds nothing.");
      continue;
    }
    lines.push("recommended adds:", "", "| metric | why |", "| --- | --- |");
    for (const m of t.added) lines.push(`| \`${m.metric}\` | ${m.reason} |`);
  }
  return `${lines.join("\n")}\n`;
}
