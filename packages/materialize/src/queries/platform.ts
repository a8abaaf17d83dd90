import { ns, type QueryScope } from "./scope.js";
import type { QueryDefinition } from "./types.js";

/** Filesystems that are not node disks. */
const REAL_FS = `fstype!~"tmpfs|overlay|squashfs|ramfs|nsfs|autofs", mountpoint!=""`;
const LOKI_PUSH_ROUTES = "loki_api_v1_push|api_prom_push|otlp_v1_logs";
const job = (s: QueryScope, component: keyof QueryScope["stackJobs"]) =>
  `job=~"${s.stackJobs[component]}"`;
const allStackJobs = (s: QueryScope) =>
  `job=~"${[s.stackJobs.loki, s.stackJobs.thanos, s.stackJobs.alloy, s.stackJobs.alertmanager].join("|")}"`;

/** The Kubernetes substrate and the monitoring stack itself. */
export const platformQueries: QueryDefinition[] = [
  // --- infrastructure (rules) ---
  {
    id: "nodes.memory_pressure",
    datasource: "prometheus",
    description: "Nodes whose kubelet reports the MemoryPressure condition.",
    expr: () => `kube_node_status_condition{condition="MemoryPressure", status="true"} == 1`,
  },
  {
    id: "nodes.disk_pressure",
    datasource: "prometheus",
    description: "Nodes whose kubelet reports the DiskPressure condition.",
    expr: () => `kube_node_status_condition{condition="DiskPressure", status="true"} == 1`,
  },
  {
    id: "nodes.filesystem_available_ratio",
    datasource: "prometheus",
    description: "Free fraction of each writable node filesystem.",
    unit: "percentunit",
    legend: "{{instance}} {{mountpoint}}",
    expr: () =>
      `(node_filesystem_avail_bytes{${REAL_FS}} / node_filesystem_size_bytes{${REAL_FS}})\nand on (instance, device, mountpoint)\n(node_filesystem_readonly{${REAL_FS}} == 0)`,
  },
  {
    id: "kubernetes.pod_crash_looping",
    datasource: "prometheus",
    description: "Containers in CrashLoopBackOff in the Materialize and monitoring namespaces.",
    expr: (s) =>
      `max by (namespace, pod, container) (kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff", namespace=~"${ns.watched(s)}"}) == 1`,
  },
  {
    id: "kubernetes.pvc_usage_ratio",
    datasource: "prometheus",
    description:
      "Used fraction of each PersistentVolumeClaim in the Materialize and monitoring namespaces.",
    unit: "percentunit",
    legend: "{{namespace}}/{{persistentvolumeclaim}}",
    expr: (s) =>
      `max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes{namespace=~"${ns.watched(s)}"})\n/ max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{namespace=~"${ns.watched(s)}"} > 0)`,
  },

  // --- the stack (rules and dashboard) ---
  {
    id: "stack.loki_down",
    datasource: "prometheus",
    description: "Loki scrape targets that are down.",
    expr: (s) => `up{${job(s, "loki")}} == 0`,
  },
  {
    id: "stack.thanos_down",
    datasource: "prometheus",
    description: "Thanos scrape targets that are down.",
    expr: (s) => `up{${job(s, "thanos")}} == 0`,
  },
  {
    id: "stack.alloy_down",
    datasource: "prometheus",
    description: "Alloy scrape targets that are down.",
    expr: (s) => `up{${job(s, "alloy")}} == 0`,
  },
  {
    id: "stack.alertmanager_down",
    datasource: "prometheus",
    description: "Alertmanager scrape targets that are down.",
    expr: (s) => `up{${job(s, "alertmanager")}} == 0`,
  },
  {
    id: "stack.targets_up",
    datasource: "prometheus",
    unit: "short",
    description: "Stack scrape targets up, by job.",
    legend: "{{job}}",
    expr: (s) => `sum by (job) (up{${allStackJobs(s)}})`,
  },
  {
    id: "stack.loki_push_error_ratio",
    datasource: "prometheus",
    description: "Fraction of Loki push requests that fail with a 5xx.",
    unit: "percentunit",
    legend: "{{namespace}}/{{job}}",
    expr: (s) =>
      `sum by (namespace, job) (rate(loki_request_duration_seconds_count{${job(s, "loki")}, route=~"${LOKI_PUSH_ROUTES}", status_code=~"5.."}[5m]))\n/ sum by (namespace, job) (rate(loki_request_duration_seconds_count{${job(s, "loki")}, route=~"${LOKI_PUSH_ROUTES}"}[5m]))`,
  },
  {
    id: "stack.loki_discarded_samples",
    datasource: "prometheus",
    description:
      "Log lines per second Loki rejects, by reason (rate limits, too old, stream limits).",
    unit: "short",
    legend: "{{reason}}",
    expr: (s) =>
      `sum by (namespace, job, reason) (rate(loki_discarded_samples_total{${job(s, "loki")}}[5m]))`,
  },
  {
    id: "stack.loki_panics",
    datasource: "prometheus",
    description: "Panics recovered by Loki components in the last 10 minutes.",
    expr: (s) => `sum by (namespace, job) (increase(loki_panic_total{${job(s, "loki")}}[10m]))`,
  },
  {
    id: "stack.loki_ingested_bytes",
    datasource: "prometheus",
    description: "Log bytes per second received by Loki distributors.",
    unit: "Bps",
    legend: "{{namespace}}",
    expr: (s) =>
      `sum by (namespace) (rate(loki_distributor_bytes_received_total{${job(s, "loki")}}[$__rate_interval]))`,
  },
  {
    id: "stack.loki_ingested_lines",
    datasource: "prometheus",
    description: "Log lines per second received by Loki distributors.",
    unit: "short",
    legend: "{{namespace}}",
    expr: (s) =>
      `sum by (namespace) (rate(loki_distributor_lines_received_total{${job(s, "loki")}}[$__rate_interval]))`,
  },
  {
    id: "stack.loki_request_p99",
    datasource: "prometheus",
    description: "99th percentile Loki request latency by route.",
    unit: "s",
    legend: "{{route}}",
    expr: (s) =>
      `histogram_quantile(0.99, sum by (le, route) (rate(loki_request_duration_seconds_bucket{${job(s, "loki")}}[$__rate_interval])))`,
  },
  {
    id: "stack.thanos_receive_error_ratio",
    datasource: "prometheus",
    description: "Fraction of remote-write requests Thanos receive answers with a 5xx.",
    unit: "percentunit",
    legend: "{{namespace}}/{{job}}",
    expr: (s) =>
      `sum by (namespace, job) (rate(http_requests_total{${job(s, "thanos")}, handler="receive", code=~"5.."}[5m]))\n/ sum by (namespace, job) (rate(http_requests_total{${job(s, "thanos")}, handler="receive"}[5m]))`,
  },
  {
    id: "stack.thanos_receive_replication_errors",
    datasource: "prometheus",
    description: "Failed replications between Thanos receive replicas per second.",
    unit: "short",
    legend: "{{namespace}}/{{job}}",
    expr: (s) =>
      `sum by (namespace, job) (rate(thanos_receive_replications_total{${job(s, "thanos")}, result="error"}[$__rate_interval]))`,
  },
  {
    id: "stack.thanos_compact_halted",
    datasource: "prometheus",
    description: "Thanos compactors that halted on an error.",
    expr: (s) => `thanos_compact_halted{${job(s, "thanos")}} == 1`,
  },
  {
    id: "stack.thanos_rule_evaluation_failures",
    datasource: "prometheus",
    description: "Rule evaluations failing per second in the Thanos ruler.",
    unit: "short",
    expr: (s) =>
      `sum by (namespace, job) (rate(prometheus_rule_evaluation_failures_total{${job(s, "thanos")}}[5m]))`,
  },
  {
    id: "stack.thanos_rule_alerts_dropped",
    datasource: "prometheus",
    description: "Alerts the Thanos ruler dropped instead of sending to Alertmanager, per second.",
    unit: "short",
    expr: (s) =>
      `sum by (namespace, job) (rate(thanos_alert_sender_alerts_dropped_total{${job(s, "thanos")}}[5m]))`,
  },
  {
    id: "stack.alloy_unhealthy_components",
    datasource: "prometheus",
    unit: "short",
    description: "Alloy components that are not healthy, per Alloy job.",
    legend: "{{namespace}}/{{job}}",
    expr: (s) =>
      `sum by (namespace, job) (alloy_component_controller_running_components{${job(s, "alloy")}, health_type!="healthy"})`,
  },
  {
    id: "stack.alloy_config_load_failed",
    datasource: "prometheus",
    description: "Alloy instances whose last configuration load failed.",
    expr: (s) => `alloy_config_last_load_successful{${job(s, "alloy")}} == 0`,
  },
  {
    id: "stack.remote_write_lag",
    datasource: "prometheus",
    description:
      "How far Alloy's remote write trails the newest sample in its WAL, per component and endpoint.",
    unit: "s",
    legend: "{{pod}} {{component_id}}",
    expr: (s) =>
      `max by (namespace, job, pod, component_id) (\n  prometheus_remote_storage_highest_timestamp_in_seconds{${job(s, "alloy")}}\n  - ignoring (url, remote_name) group_right\n  prometheus_remote_storage_queue_highest_sent_timestamp_seconds{${job(s, "alloy")}}\n)`,
  },
  {
    id: "stack.remote_write_failed_samples",
    datasource: "prometheus",
    description:
      "Samples per second Alloy's remote write failed to deliver (non-recoverable errors).",
    unit: "short",
    legend: "{{pod}} {{component_id}}",
    expr: (s) =>
      `sum by (namespace, job, pod, component_id) (rate(prometheus_remote_storage_samples_failed_total{${job(s, "alloy")}}[5m]))`,
  },
  {
    id: "stack.remote_write_samples",
    datasource: "prometheus",
    description: "Samples per second Alloy sends by remote write.",
    unit: "short",
    legend: "{{pod}}",
    expr: (s) =>
      `sum by (pod) (rate(prometheus_remote_storage_samples_total{${job(s, "alloy")}}[$__rate_interval]))`,
  },
  {
    id: "stack.loki_write_dropped",
    datasource: "prometheus",
    description: "Log entries Alloy's loki.write dropped in the last 10 minutes.",
    expr: (s) =>
      `sum by (namespace, job, pod, component_id) (increase(loki_write_dropped_entries_total{${job(s, "alloy")}}[10m]))`,
  },
  {
    id: "stack.loki_write_sent",
    datasource: "prometheus",
    description: "Log entries per second Alloy's loki.write delivers.",
    unit: "short",
    legend: "{{pod}}",
    expr: (s) =>
      `sum by (pod) (rate(loki_write_sent_entries_total{${job(s, "alloy")}}[$__rate_interval]))`,
  },
  {
    id: "stack.alertmanager_notification_failure_ratio",
    datasource: "prometheus",
    description: "Fraction of Alertmanager notifications that fail, per integration.",
    unit: "percentunit",
    legend: "{{integration}}",
    expr: (s) =>
      `sum by (namespace, job, integration) (rate(alertmanager_notifications_failed_total{${job(s, "alertmanager")}}[5m]))\n/ sum by (namespace, job, integration) (rate(alertmanager_notifications_total{${job(s, "alertmanager")}}[5m]))`,
  },
  {
    id: "stack.alertmanager_config_reload_failed",
    datasource: "prometheus",
    description: "Alertmanager instances whose last configuration reload failed.",
    expr: (s) => `alertmanager_config_last_reload_successful{${job(s, "alertmanager")}} == 0`,
  },
  {
    id: "stack.alertmanager_cluster_members",
    datasource: "prometheus",
    description: "Peers each Alertmanager instance sees in its cluster.",
    legend: "{{pod}}",
    expr: (s) => `max by (pod) (alertmanager_cluster_members{${job(s, "alertmanager")}})`,
  },
  {
    id: "stack.alertmanager_active_alerts",
    datasource: "prometheus",
    description: "Active alerts held by Alertmanager.",
    legend: "active",
    expr: (s) => `max(alertmanager_alerts{${job(s, "alertmanager")}, state="active"})`,
  },
  {
    id: "stack.watchdog",
    datasource: "prometheus",
    description: "Always 1: proves the whole alerting pipeline delivers.",
    expr: () => `vector(1)`,
  },
];
