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
      "kube_deployment_spec_replicas",
      "kube_deployment_status_condition",
      "kube_deployment_status_replicas_ready",
      "kube_deployment_status_replicas_unavailable",
      "kube_node_info",
      "kube_node_spec_taint",
      "kube_node_spec_unschedulable",
      "kube_node_status_allocatable",
      "kube_node_status_capacity",
      "kube_node_status_condition",
      "kube_persistentvolumeclaim_resource_requests_storage_bytes",
      "kube_persistentvolumeclaim_status_phase",
      "kube_pod_container_info",
      "kube_pod_container_resource_limits",
      "kube_pod_container_resource_requests",
      "kube_pod_container_status_last_terminated_exitcode",
      "kube_pod_container_status_last_terminated_reason",
      "kube_pod_container_status_ready",
      "kube_pod_container_status_restarts_total",
      "kube_pod_container_status_terminated_reason",
      "kube_pod_container_status_waiting_reason",
      "kube_pod_info",
      "kube_pod_status_phase",
      "kube_pod_status_ready",
      "kube_pod_status_reason",
      "kube_statefulset_replicas",
      "kube_statefulset_status_current_revision",
      "kube_statefulset_status_replicas_ready",
      "kube_statefulset_status_update_revision",
    ],
  },
  {
    source: "node-exporter",
    reference:
      "https://github.com/prometheus/node_exporter (collectors cpu, diskstats, filefd, filesystem, loadavg, meminfo, netdev, pressure, stat, timex, uname, vmstat)",
    metrics: [
      "node_boot_time_seconds",
      "node_cpu_seconds_total",
      "node_disk_io_time_seconds_total",
      "node_disk_read_bytes_total",
      "node_disk_written_bytes_total",
      "node_filefd_allocated",
      "node_filefd_maximum",
      "node_filesystem_avail_bytes",
      "node_filesystem_files",
      "node_filesystem_files_free",
      "node_filesystem_readonly",
      "node_filesystem_size_bytes",
      "node_load1",
      "node_load15",
      "node_load5",
      "node_memory_MemAvailable_bytes",
      "node_memory_MemTotal_bytes",
      "node_network_receive_bytes_total",
      "node_network_receive_drop_total",
      "node_network_receive_errs_total",
      "node_network_transmit_bytes_total",
      "node_network_transmit_drop_total",
      "node_network_transmit_errs_total",
      "node_pressure_cpu_waiting_seconds_total",
      "node_pressure_io_waiting_seconds_total",
      "node_pressure_memory_waiting_seconds_total",
      "node_timex_offset_seconds",
      "node_timex_sync_status",
      "node_uname_info",
      "node_vmstat_oom_kill",
    ],
  },
  {
    source: "kubelet",
    reference: "https://kubernetes.io/docs/reference/instrumentation/metrics/ (kubelet /metrics)",
    metrics: [
      "kubelet_evictions",
      "kubelet_node_name",
      "kubelet_running_containers",
      "kubelet_running_pods",
      "kubelet_volume_stats_available_bytes",
      "kubelet_volume_stats_capacity_bytes",
      "kubelet_volume_stats_inodes",
      "kubelet_volume_stats_inodes_free",
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
      "container_cpu_cfs_throttled_seconds_total",
      "container_cpu_usage_seconds_total",
      "container_file_descriptors",
      "container_fs_reads_bytes_total",
      "container_fs_writes_bytes_total",
      "container_memory_cache",
      "container_memory_rss",
      "container_memory_working_set_bytes",
      "container_network_receive_bytes_total",
      "container_network_receive_errors_total",
      "container_network_receive_packets_dropped_total",
      "container_network_transmit_bytes_total",
      "container_network_transmit_errors_total",
      "container_network_transmit_packets_dropped_total",
      "container_oom_events_total",
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
      "loki_build_info",
      "loki_discarded_samples_total",
      "loki_distributor_bytes_received_total",
      "loki_distributor_ingester_append_failures_total",
      "loki_distributor_lines_received_total",
      "loki_ingester_chunks_flushed_total",
      "loki_ingester_memory_streams",
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
      "prometheus_tsdb_head_series",
      "thanos_alert_sender_alerts_dropped_total",
      "thanos_build_info",
      "thanos_compact_halted",
      "thanos_objstore_bucket_last_successful_upload_time",
      "thanos_objstore_bucket_operation_failures_total",
      "thanos_receive_forward_requests_total",
      "thanos_receive_replications_total",
      "thanos_shipper_upload_failures_total",
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
      "alloy_resources_process_resident_memory_bytes",
      "loki_write_dropped_entries_total",
      "loki_write_sent_entries_total",
      "prometheus_remote_storage_highest_timestamp_in_seconds",
      "prometheus_remote_storage_queue_highest_sent_timestamp_seconds",
      "prometheus_remote_storage_samples_dropped_total",
      "prometheus_remote_storage_samples_failed_total",
      "prometheus_remote_storage_samples_pending",
      "prometheus_remote_storage_samples_retried_total",
      "prometheus_remote_storage_samples_total",
      "prometheus_remote_storage_shards",
      "prometheus_remote_storage_shards_desired",
      "prometheus_remote_write_wal_storage_active_series",
    ],
  },
  {
    source: "alertmanager",
    reference: "https://github.com/prometheus/alertmanager (and its mixin)",
    metrics: [
      "alertmanager_alerts",
      "alertmanager_alerts_invalid_total",
      "alertmanager_build_info",
      "alertmanager_cluster_failed_peers",
      "alertmanager_cluster_members",
      "alertmanager_config_last_reload_successful",
      "alertmanager_notifications_failed_total",
      "alertmanager_notifications_total",
      "alertmanager_silences",
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
