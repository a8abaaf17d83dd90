/**
 * The non-Materialize families of the shared reference (the Kubernetes substrate, the stack's
 * own components, and Materialize Cloud's dependencies). Labels are the ones the reference
 * says queries use; types are the exporters' documented ones.
 */
import type { EndpointId, MetricFamily, MetricType } from "./model.js";

const KSM = "https://github.com/kubernetes/kube-state-metrics/tree/main/docs/metrics";
const CADVISOR = "https://github.com/google/cadvisor/blob/master/docs/storage/prometheus.md";
const KUBELET = "https://kubernetes.io/docs/reference/instrumentation/metrics/";
const NODE = "https://github.com/prometheus/node_exporter";
const LOKI = "https://grafana.com/docs/loki/latest/operations/observability/";
const ALLOY = "https://grafana.com/docs/alloy/latest/reference/components/loki/loki.write/";
const SHARED_REFERENCE = "shared/reference/materialize-metrics.yaml";

type Row = [
  name: string,
  type: MetricType,
  labels: readonly string[],
  extra?: Partial<MetricFamily>,
];

const group = (
  endpoint: EndpointId,
  source: string,
  rows: readonly Row[],
  evidence: MetricFamily["evidence"] = "documentation",
): MetricFamily[] =>
  rows.map(([name, type, labels, extra]) => ({
    name,
    type,
    labels,
    endpoints: [endpoint],
    evidence,
    source,
    ...extra,
  }));

/** Added by the relabeling of the deployment the reference was taken from, not by an exporter. */
const workload = { addedLabels: ["workload"] };

export const SUBSTRATE_FAMILIES: readonly MetricFamily[] = [
  ...group("cadvisor", CADVISOR, [
    ["container_cpu_cfs_periods_total", "counter", ["container"]],
    ["container_cpu_cfs_throttled_periods_total", "counter", ["container"]],
    ["container_cpu_usage_seconds_total", "counter", ["container", "namespace", "pod"]],
    ["container_file_descriptors", "gauge", ["container"]],
    ["container_fs_limit_bytes", "gauge", []],
    ["container_fs_usage_bytes", "gauge", []],
    ["container_last_seen", "gauge", [], { addedLabels: ["materialize_cloud_swap"] }],
    ["container_memory_swap", "gauge", []],
    ["container_memory_working_set_bytes", "gauge", ["container", "namespace", "pod"]],
    ["container_network_receive_bytes_total", "counter", ["namespace", "pod"], workload],
    ["container_network_receive_errors_total", "counter", ["namespace", "pod"]],
    ["container_network_receive_packets_dropped_total", "counter", ["namespace", "pod"]],
    ["container_network_transmit_bytes_total", "counter", ["namespace", "pod"]],
    ["container_network_transmit_errors_total", "counter", ["namespace", "pod"]],
    ["container_network_transmit_packets_dropped_total", "counter", ["namespace", "pod"]],
    ["container_spec_cpu_period", "gauge", ["container", "namespace", "pod"]],
    ["container_spec_cpu_quota", "gauge", ["container", "namespace", "pod"]],
    ["container_spec_memory_limit_bytes", "gauge", ["container", "namespace", "pod"]],
    ["container_spec_memory_swap_limit_bytes", "gauge", []],
    ["container_start_time_seconds", "gauge", ["container", "namespace"]],
    ["container_ulimits_soft", "gauge", ["ulimit"]],
  ]),
  ...group("kube-state-metrics", KSM, [
    ["kube_deployment_spec_replicas", "gauge", ["namespace", "deployment"]],
    ["kube_deployment_status_condition", "gauge", ["condition", "deployment", "status"]],
    ["kube_deployment_status_replicas_ready", "gauge", ["namespace", "deployment"]],
    ["kube_deployment_status_replicas_unavailable", "gauge", ["namespace"]],
    ["kube_horizontalpodautoscaler_spec_max_replicas", "gauge", ["namespace"]],
    ["kube_horizontalpodautoscaler_status_current_replicas", "gauge", ["namespace"]],
    ["kube_node_spec_taint", "gauge", ["key"]],
    ["kube_node_status_condition", "gauge", ["condition", "status"]],
    ["kube_pod_container_resource_limits", "gauge", ["namespace", "pod", "resource"]],
    [
      "kube_pod_container_resource_requests",
      "gauge",
      ["container", "namespace", "pod", "resource", "unit"],
    ],
    ["kube_pod_container_status_last_terminated_exitcode", "gauge", ["container", "pod"]],
    [
      "kube_pod_container_status_last_terminated_reason",
      "gauge",
      ["container", "namespace", "reason"],
    ],
    ["kube_pod_container_status_ready", "gauge", ["container", "namespace", "pod"]],
    ["kube_pod_container_status_restarts_total", "counter", ["container", "namespace"]],
    ["kube_pod_container_status_waiting", "gauge", []],
    ["kube_pod_created", "gauge", []],
    ["kube_pod_start_time", "gauge", []],
    ["kube_pod_status_phase", "gauge", ["namespace", "phase"]],
    ["kube_statefulset_replicas", "gauge", ["namespace", "statefulset"]],
    ["kube_statefulset_status_replicas_ready", "gauge", ["namespace", "statefulset"]],
  ]),
  ...group("kubelet", KUBELET, [
    ["kubelet_node_name", "gauge", [], workload],
    ["kubelet_volume_stats_capacity_bytes", "gauge", ["persistentvolumeclaim"]],
    ["kubelet_volume_stats_used_bytes", "gauge", ["persistentvolumeclaim"]],
  ]),
  ...group("node-exporter", NODE, [
    ["node_network_receive_bytes_total", "counter", ["device"]],
    ["node_network_transmit_bytes_total", "counter", ["device"]],
  ]),
  ...group("loki", LOKI, [
    ["loki_distributor_bytes_received_total", "counter", []],
    ["loki_panic_total", "counter", []],
    ["loki_request_duration_seconds", "histogram", ["route", "status_code"]],
  ]),
  ...group("alloy", ALLOY, [["loki_write_dropped_entries_total", "counter", []]]),
  ...group("scraper", "https://prometheus.io/docs/concepts/jobs_instances/", [["up", "gauge", []]]),
  ...group("cert-manager", "https://cert-manager.io/docs/devops-tips/prometheus-metrics/", [
    ["certmanager_certificate_ready_status", "gauge", ["condition"]],
  ]),
  ...group("cilium", "https://docs.cilium.io/en/stable/observability/metrics/", [
    ["cilium_bpf_map_pressure", "gauge", []],
    ["cilium_drop_count_total", "counter", []],
  ]),
  ...group("coredns", "https://coredns.io/plugins/metrics/", [
    ["coredns_dns_request_duration_seconds", "histogram", ["zone"]],
  ]),
  ...group(
    "cockroachdb-cloud",
    SHARED_REFERENCE,
    (
      [
        ["crdb_dedicated_capacity", "gauge", []],
        ["crdb_dedicated_capacity_used", "gauge", []],
        ["crdb_dedicated_intentcount", "gauge", []],
        ["crdb_dedicated_ranges_unavailable", "gauge", []],
        ["crdb_dedicated_ranges_underreplicated", "gauge", []],
        ["crdb_dedicated_rocksdb_read_amplification", "gauge", []],
        ["crdb_dedicated_schedules_backup_last_completed_time", "gauge", []],
        ["crdb_dedicated_sql_mem_distsql_current", "gauge", []],
        ["crdb_dedicated_sql_service_latency", "histogram", []],
        ["crdb_dedicated_sys_cpu_combined_percent_normalized", "gauge", []],
        ["crdb_dedicated_sys_totalmem", "gauge", []],
      ] as const
    ).map(
      ([name, type, labels]): Row => [
        name,
        type,
        labels,
        {
          deployment: "cloud-only",
          notes:
            "CockroachDB Cloud's export prefix for a dedicated cluster; a self-managed metadata database (CockroachDB or PostgreSQL) exposes other names. Type from CockroachDB's metric kind, not confirmed for the export.",
        },
      ],
    ),
    "reference-only",
  ),
];
