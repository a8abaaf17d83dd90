/**
 * Where each metric a query names comes from. Materialize's metrics are
 * checked against `vendor/materialize-metrics.yaml`; everything else must
 * be in one of the exporter lists below, each a set of real metric names
 * the named project exposes (with the documentation the names come from).
 */

/** A scrape source: the gateway filters each one with its own allow-list. */
export type MetricSource =
  | "materialize"
  | "kube-state-metrics"
  | "node-exporter"
  | "kubelet"
  | "cadvisor"
  | "loki"
  | "thanos"
  | "alloy"
  | "alertmanager";

export const METRIC_SOURCES: readonly MetricSource[] = [
  "materialize",
  "kube-state-metrics",
  "node-exporter",
  "kubelet",
  "cadvisor",
  "loki",
  "thanos",
  "alloy",
  "alertmanager",
];

export interface ExporterMetricList {
  source: Exclude<MetricSource, "materialize">;
  /** Where the names are documented. */
  reference: string;
  metrics: readonly string[];
}

/**
 * Metric names of the substrate and of the stack itself. Only names the
 * named project really exposes; a query naming anything else fails a test.
 */
export const EXPORTER_METRICS: readonly ExporterMetricList[] = [
  {
    source: "kube-state-metrics",
    reference: "https://github.com/kubernetes/kube-state-metrics/tree/main/docs/metrics",
    metrics: [
      "kube_deployment_status_replicas_unavailable",
      "kube_node_status_condition",
      "kube_pod_container_resource_limits",
      "kube_pod_container_resource_requests",
      "kube_pod_container_status_last_terminated_exitcode",
      "kube_pod_container_status_last_terminated_reason",
      "kube_pod_container_status_ready",
      "kube_pod_container_status_restarts_total",
      "kube_pod_container_status_waiting_reason",
      "kube_pod_status_phase",
      "kube_statefulset_replicas",
      "kube_statefulset_status_replicas_ready",
    ],
  },
  {
    source: "node-exporter",
    reference:
      "https://github.com/prometheus/node_exporter (collectors filesystem, meminfo, cpu, netdev)",
    metrics: [
      "node_cpu_seconds_total",
      "node_filesystem_avail_bytes",
      "node_filesystem_readonly",
      "node_filesystem_size_bytes",
      "node_memory_MemAvailable_bytes",
      "node_memory_MemTotal_bytes",
      "node_network_receive_bytes_total",
      "node_network_transmit_bytes_total",
    ],
  },
  {
    source: "kubelet",
    reference: "https://kubernetes.io/docs/reference/instrumentation/metrics/ (kubelet /metrics)",
    metrics: [
      "kubelet_volume_stats_available_bytes",
      "kubelet_volume_stats_capacity_bytes",
      "kubelet_volume_stats_used_bytes",
    ],
  },
  {
    source: "cadvisor",
    reference:
      "https://github.com/google/cadvisor/blob/master/docs/storage/prometheus.md (kubelet /metrics/cadvisor)",
    metrics: [
      "container_cpu_cfs_periods_total",
      "container_cpu_cfs_throttled_periods_total",
      "container_cpu_usage_seconds_total",
      "container_memory_working_set_bytes",
      "container_network_receive_bytes_total",
      "container_network_transmit_bytes_total",
      "container_spec_cpu_period",
      "container_spec_cpu_quota",
      "container_spec_memory_limit_bytes",
      "container_start_time_seconds",
    ],
  },
  {
    source: "loki",
    reference: "https://github.com/grafana/loki/tree/main/production/loki-mixin",
    metrics: [
      "loki_discarded_samples_total",
      "loki_distributor_bytes_received_total",
      "loki_distributor_lines_received_total",
      "loki_panic_total",
      "loki_request_duration_seconds_bucket",
      "loki_request_duration_seconds_count",
    ],
  },
  {
    source: "thanos",
    reference: "https://github.com/thanos-io/thanos/tree/main/mixin",
    metrics: [
      "http_requests_total",
      "prometheus_rule_evaluation_failures_total",
      "thanos_alert_sender_alerts_dropped_total",
      "thanos_compact_halted",
      "thanos_receive_forward_requests_total",
      "thanos_receive_replications_total",
    ],
  },
  {
    source: "alloy",
    reference:
      "https://grafana.com/docs/alloy/latest/reference/components/ (debug metrics of prometheus.remote_write, loki.write) and operations/alloy-mixin",
    metrics: [
      "alloy_build_info",
      "alloy_component_controller_running_components",
      "alloy_config_last_load_successful",
      "loki_write_dropped_entries_total",
      "loki_write_sent_entries_total",
      "prometheus_remote_storage_highest_timestamp_in_seconds",
      "prometheus_remote_storage_queue_highest_sent_timestamp_seconds",
      "prometheus_remote_storage_samples_dropped_total",
      "prometheus_remote_storage_samples_failed_total",
      "prometheus_remote_storage_samples_total",
    ],
  },
  {
    source: "alertmanager",
    reference: "https://github.com/prometheus/alertmanager (and its mixin)",
    metrics: [
      "alertmanager_alerts",
      "alertmanager_cluster_members",
      "alertmanager_config_last_reload_successful",
      "alertmanager_notifications_failed_total",
      "alertmanager_notifications_total",
    ],
  },
];

/**
 * Series every scraper synthesises for every target (not exposed by the
 * target, so no exporter list has them); they belong to every source.
 */
export const SCRAPE_SERIES: readonly string[] = ["up"];

const BY_NAME = new Map<string, MetricSource>();
for (const list of EXPORTER_METRICS) {
  for (const metric of list.metrics) {
    const existing = BY_NAME.get(metric);
    if (existing && existing !== list.source) {
      throw new Error(`metric ${metric} is listed for both ${existing} and ${list.source}`);
    }
    BY_NAME.set(metric, list.source);
  }
}

/**
 * The scrape source of a metric: an exporter list names it, or it is a
 * Materialize metric (`mz_` prefix; existence is checked against the
 * reference list by the package tests). Undefined for scrape series and
 * unknown names.
 */
export function metricSource(metric: string): MetricSource | undefined {
  // Colons are reserved for recording-rule outputs, which no scrape source exposes.
  if (metric.includes(":")) return undefined;
  const listed = BY_NAME.get(metric);
  if (listed) return listed;
  if (metric.startsWith("mz_")) return "materialize";
  return undefined;
}
