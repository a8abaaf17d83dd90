import {
  CLUSTER_ID_REGEX,
  ENVIRONMENTD_POD_REGEX,
  EXPECTED_EXIT_CODES,
  GRACEFUL_EXIT_CODES,
  MZ_CONTAINER,
  MZ_JOB,
  MZ_LABEL,
  WALLCLOCK_LAG_HYDRATING_SENTINEL as SENTINEL,
} from "../constants.js";
import { RECORDED } from "./recorded.js";
import { MZ_PROCESS_JOBS, ns, type QueryScope } from "./scope.js";
import type { QueryDefinition } from "./types.js";

const { environment: ENV, clusterId: CLUSTER, replicaId: REPLICA } = MZ_LABEL;
const MZ_CONTAINERS = `${MZ_CONTAINER.environmentd}|${MZ_CONTAINER.clusterd}|${MZ_CONTAINER.balancerd}`;
const notExpected = (codes: readonly number[]) => codes.map((code) => ` != ${code}`).join("");

/**
 * Freshness: `mz_dataflow_wallclock_lag_seconds` is a summary with only
 * quantile 0 and 1; `instance_id!=""` drops the duplicate series without a
 * compute instance; values >= 1e9 are the not-yet-hydrated sentinel.
 */
const lag = (extra: string, quantile: "0" | "1" = "1") =>
  `mz_dataflow_wallclock_lag_seconds{quantile="${quantile}", instance_id!=""${extra}}`;

/** Dashboard filters on environmentd-emitted compute series (instance_id/replica_id labels). */
const COMPUTE_FILTER = `, ${ENV}=~"$environment", instance_id=~"$cluster"`;
const COMPUTE_REPLICA_FILTER = `${COMPUTE_FILTER}, replica_id=~"$replica"`;
/** Dashboard filters on series scraped from clusterd pods (copied pod labels). */
const POD_FILTER = `${ENV}=~"$environment", ${CLUSTER}=~"$cluster", ${REPLICA}=~"$replica"`;

/**
 * The clusterd pods of system clusters (ids `s…`), one series per pod with
 * the environment, cluster and replica labels of its scrape target: rules
 * join kube-state-metrics and cAdvisor series to it on (namespace, pod).
 */
const SYSTEM_CLUSTER_PODS = `group by (namespace, pod, ${ENV}, ${CLUSTER}, ${REPLICA}) (up{job="${MZ_JOB.clusterd}", ${CLUSTER}=~"${CLUSTER_ID_REGEX.system}"})`;

/** clusterd restarts in the last 15 minutes whose last exit code is none of `codes`. */
const clusterdRestartedWith = (s: QueryScope, codes: readonly number[]) =>
  `increase(kube_pod_container_status_restarts_total{container="${MZ_CONTAINER.clusterd}", namespace=~"${ns.environments(s)}"}[15m]) > 0\nand on (namespace, pod, container)\n(kube_pod_container_status_last_terminated_exitcode{container="${MZ_CONTAINER.clusterd}", namespace=~"${ns.environments(s)}"}${notExpected(codes)})`;

/**
 * Attaches the Materialize environment/cluster/replica labels to a
 * per-pod cAdvisor or kube-state-metrics expression, by joining on the
 * clusterd scrape targets' `up` series (which carry the copied pod labels).
 */
const withReplicaLabels = (perPod: string) =>
  `sum by (${CLUSTER}, ${REPLICA}) (\n  ${perPod}\n  * on (namespace, pod) group_left (${CLUSTER}, ${REPLICA})\n  group by (namespace, pod, ${CLUSTER}, ${REPLICA}) (up{job="${MZ_JOB.clusterd}", ${POD_FILTER}})\n)`;

export const materializeQueries: QueryDefinition[] = [
  // --- availability (rules) ---
  {
    id: "availability.environmentd_down",
    datasource: "prometheus",
    description:
      "environmentd scrape targets that fail their scrape (process down or unreachable).",
    expr: () => `up{job="${MZ_JOB.environmentd}"} == 0`,
  },
  {
    id: "availability.environmentd_absent",
    datasource: "prometheus",
    description: "1 when no environmentd target is discovered at all.",
    expr: () => `absent(up{job="${MZ_JOB.environmentd}"})`,
  },
  {
    id: "availability.process_down",
    datasource: "prometheus",
    description: "clusterd, balancerd and operator scrape targets that fail their scrape.",
    expr: () => `up{job=~"${MZ_JOB.clusterd}|${MZ_JOB.balancerd}|${MZ_JOB.operator}"} == 0`,
  },
  {
    id: "availability.clusterd_no_commands",
    datasource: "prometheus",
    description:
      "Seconds since each clusterd compute server last heard from environmentd (commands or keepalives), counted from the container's start when that is later: a process that just started is not yet overdue.",
    unit: "s",
    expr: (s) => {
      const last = `max by (namespace, pod, ${ENV}, ${CLUSTER}, ${REPLICA}) (mz_cluster_server_last_command_received{server_name="compute"})`;
      const started = `max by (namespace, pod) (container_start_time_seconds{container="${MZ_CONTAINER.clusterd}", namespace=~"${ns.environments(s)}"})`;
      // time() minus the later of the two; a process without a start-time series is measured alone.
      return `time() - (\n  (\n    ${last}\n    >= on (namespace, pod) group_left ()\n    ${started}\n  )\n  or\n  (\n    ${started}\n    > on (namespace, pod) group_right ()\n    ${last}\n  )\n  or\n  ${last}\n)`;
    },
  },
  {
    id: "availability.environmentd_unexpected_exit",
    datasource: "prometheus",
    description: `environmentd containers that restarted in the last 15 minutes with an exit code other than the deliberate-restart code ${EXPECTED_EXIT_CODES.environmentd.join(", ")}.`,
    expr: (s) =>
      `increase(kube_pod_container_status_restarts_total{container="${MZ_CONTAINER.environmentd}", namespace=~"${ns.environments(s)}"}[15m]) > 0\nand on (namespace, pod, container)\n(kube_pod_container_status_last_terminated_exitcode{container="${MZ_CONTAINER.environmentd}", namespace=~"${ns.environments(s)}"}${notExpected(EXPECTED_EXIT_CODES.environmentd)})`,
  },
  {
    id: "availability.clusterd_unexpected_exit",
    datasource: "prometheus",
    description: `clusterd containers outside system clusters that restarted in the last 15 minutes with an exit code other than the expected ${EXPECTED_EXIT_CODES.clusterd.join(", ")}.`,
    expr: (s) =>
      `(\n${clusterdRestartedWith(s, EXPECTED_EXIT_CODES.clusterd)}\n)\nunless on (namespace, pod)\n${SYSTEM_CLUSTER_PODS}`,
  },
  {
    id: "availability.system_cluster_unexpected_exit",
    datasource: "prometheus",
    description: `clusterd containers of system clusters that restarted in the last 15 minutes with an exit code other than the graceful ${GRACEFUL_EXIT_CODES.join(", ")}.`,
    expr: (s) =>
      `(\n${clusterdRestartedWith(s, GRACEFUL_EXIT_CODES)}\n)\n* on (namespace, pod) group_left (${ENV}, ${CLUSTER}, ${REPLICA})\n${SYSTEM_CLUSTER_PODS}`,
  },
  {
    id: "availability.pod_pending",
    datasource: "prometheus",
    description: "Materialize pods other than environmentd in phase Pending.",
    expr: (s) =>
      `max by (namespace, pod) (kube_pod_status_phase{phase="Pending", namespace=~"${ns.materialize(s)}", pod!~"${ENVIRONMENTD_POD_REGEX}"}) == 1`,
  },
  {
    id: "availability.environmentd_pod_pending",
    datasource: "prometheus",
    description: "environmentd pods in phase Pending.",
    expr: (s) =>
      `max by (namespace, pod) (kube_pod_status_phase{phase="Pending", namespace=~"${ns.environments(s)}", pod=~"${ENVIRONMENTD_POD_REGEX}"}) == 1`,
  },
  {
    id: "availability.replica_not_ready",
    datasource: "prometheus",
    description: "Running clusterd (replica) containers that are not ready.",
    expr: (s) =>
      `max by (namespace, pod) (kube_pod_container_status_ready{container="${MZ_CONTAINER.clusterd}", namespace=~"${ns.environments(s)}"}) == 0\nand on (namespace, pod)\n(max by (namespace, pod) (kube_pod_status_phase{phase="Running", namespace=~"${ns.environments(s)}"}) == 1)`,
  },

  // --- freshness (rules) ---
  {
    id: "freshness.cluster_lag",
    datasource: "prometheus",
    description: "Worst wallclock lag of hydrated collections per cluster (recorded).",
    unit: "s",
    expr: () => `max by (${ENV}, instance_id) (${lag("")} < ${SENTINEL})`,
  },
  {
    id: "freshness.system_cluster_lag",
    datasource: "prometheus",
    description: "Worst wallclock lag of hydrated collections per system cluster (cluster id s…).",
    unit: "s",
    expr: () => `${RECORDED.clusterLag}{instance_id=~"${CLUSTER_ID_REGEX.system}"}`,
  },
  {
    id: "freshness.user_cluster_lag",
    datasource: "prometheus",
    description: "Worst wallclock lag of hydrated collections per user cluster (cluster id u…).",
    unit: "s",
    expr: () => `${RECORDED.clusterLag}{instance_id=~"${CLUSTER_ID_REGEX.user}"}`,
  },
  {
    id: "freshness.hydrating_collections",
    datasource: "prometheus",
    description:
      "Collections per replica still reporting the not-hydrated sentinel lag (recorded).",
    expr: () => `count by (${ENV}, instance_id, replica_id) (${lag("")} >= ${SENTINEL})`,
  },
  {
    id: "freshness.system_cluster_stale",
    datasource: "prometheus",
    description:
      "Per system cluster, the wallclock lag of its freshest hydrated collection (quantile 0, the minimum over the last minute): when even that is large, all of the cluster's data is stale.",
    unit: "s",
    expr: () =>
      `min by (${ENV}, instance_id) (${lag(`, instance_id=~"${CLUSTER_ID_REGEX.system}"`, "0")} < ${SENTINEL})`,
  },
  {
    id: "freshness.hydration_stuck",
    datasource: "prometheus",
    description:
      "Collections per replica of clusters other than system clusters still hydrating, from the recorded series.",
    expr: () => `${RECORDED.hydratingCollections}{instance_id!~"${CLUSTER_ID_REGEX.system}"}`,
  },
  {
    id: "freshness.system_cluster_hydration_stuck",
    datasource: "prometheus",
    description:
      "Collections per replica of system clusters still hydrating, from the recorded series.",
    expr: () => `${RECORDED.hydratingCollections}{instance_id=~"${CLUSTER_ID_REGEX.system}"}`,
  },
  {
    id: "freshness.replica_expiration_remaining",
    datasource: "prometheus",
    description: "Seconds until the earliest replica expiration per clusterd pod.",
    unit: "s",
    expr: () =>
      `min by (namespace, pod, ${ENV}, ${CLUSTER}, ${REPLICA}) (mz_dataflow_replica_expiration_remaining_seconds)`,
  },

  // --- resources (rules) ---
  {
    id: "resources.replica_memory_utilisation",
    datasource: "prometheus",
    description:
      "Replica memory use as a fraction of its limit (recorded): Materialize's memory limiter where it is enabled, else working set over the container memory limit.",
    unit: "percentunit",
    expr: (s) =>
      `max by (namespace, pod) (mz_memory_limiter_memory_usage_bytes / (mz_memory_limiter_memory_limit_bytes > 0))\nor\nmax by (namespace, pod) (container_memory_working_set_bytes{container="${MZ_CONTAINER.clusterd}", namespace=~"${ns.environments(s)}"})\n/ max by (namespace, pod) (kube_pod_container_resource_limits{resource="memory", container="${MZ_CONTAINER.clusterd}", namespace=~"${ns.environments(s)}"} > 0)`,
  },
  {
    id: "resources.replica_memory_near_limit",
    datasource: "prometheus",
    description:
      "Memory use as a fraction of the limit of replicas outside system clusters, from the recorded series.",
    unit: "percentunit",
    expr: () =>
      `${RECORDED.replicaMemoryUtilisation}\nunless on (namespace, pod)\n${SYSTEM_CLUSTER_PODS}`,
  },
  {
    id: "resources.system_cluster_memory_near_limit",
    datasource: "prometheus",
    description:
      "Memory use as a fraction of the limit of system-cluster replicas, from the recorded series, with their cluster and replica labels.",
    unit: "percentunit",
    expr: () =>
      `${RECORDED.replicaMemoryUtilisation}\n* on (namespace, pod) group_left (${ENV}, ${CLUSTER}, ${REPLICA})\n${SYSTEM_CLUSTER_PODS}`,
  },
  {
    id: "resources.environmentd_memory_near_limit",
    datasource: "prometheus",
    description: "environmentd's working set as a fraction of its container memory limit.",
    unit: "percentunit",
    expr: (s) =>
      `max by (namespace, pod) (container_memory_working_set_bytes{container="${MZ_CONTAINER.environmentd}", namespace=~"${ns.environments(s)}"})\n/ max by (namespace, pod) (kube_pod_container_resource_limits{resource="memory", container="${MZ_CONTAINER.environmentd}", namespace=~"${ns.environments(s)}"} > 0)`,
  },
  {
    id: "resources.oom_killed",
    datasource: "prometheus",
    description:
      "Materialize containers that restarted in the last 15 minutes after being OOM-killed.",
    expr: (s) =>
      `increase(kube_pod_container_status_restarts_total{container=~"${MZ_CONTAINERS}", namespace=~"${ns.materialize(s)}"}[15m]) > 0\nand on (namespace, pod, container)\n(kube_pod_container_status_last_terminated_reason{reason="OOMKilled", container=~"${MZ_CONTAINERS}", namespace=~"${ns.materialize(s)}"} == 1)`,
  },
  {
    id: "resources.cpu_throttling",
    datasource: "prometheus",
    description: "Fraction of CFS periods in which a Materialize container was throttled.",
    unit: "percentunit",
    expr: (s) =>
      `sum by (namespace, pod, container) (rate(container_cpu_cfs_throttled_periods_total{container=~"${MZ_CONTAINERS}", namespace=~"${ns.materialize(s)}"}[5m]))\n/ sum by (namespace, pod, container) (rate(container_cpu_cfs_periods_total{container=~"${MZ_CONTAINERS}", namespace=~"${ns.materialize(s)}"}[5m]))`,
  },

  // --- persist, sources, sinks (rules) ---
  {
    id: "persist.blob_failures",
    datasource: "prometheus",
    description:
      "Persist blob-store (S3/GCS/Azure) operation failures in the last 10 minutes, per pod.",
    expr: () => `sum by (namespace, pod, ${ENV}) (increase(mz_persist_blob_failures[10m]))`,
  },
  {
    id: "persist.consensus_failures",
    datasource: "prometheus",
    description:
      "Persist consensus (metadata database) operation failures in the last 10 minutes, per pod.",
    expr: () => `sum by (namespace, pod, ${ENV}) (increase(mz_persist_consensus_failures[10m]))`,
  },
  {
    id: "persist.consensus_unreachable",
    datasource: "prometheus",
    description:
      "Persist consensus (metadata database) failures per minute and environment, over the last 2 minutes: failing without pause, the database is unreachable.",
    expr: () => `60 * sum by (namespace, ${ENV}) (rate(mz_persist_consensus_failures[2m]))`,
  },
  {
    id: "sources.offset_commit_failures",
    datasource: "prometheus",
    description: "Source offset-commit failures in the last 15 minutes, per cluster.",
    expr: () => `sum by (${ENV}, ${CLUSTER}) (increase(mz_source_offset_commit_failures[15m]))`,
  },
  {
    id: "sinks.kafka_errors",
    datasource: "prometheus",
    description: "Kafka sink transmit errors in the last 15 minutes, per cluster.",
    expr: () => `sum by (${ENV}, ${CLUSTER}) (increase(mz_sink_rdkafka_txerrs[15m]))`,
  },
  {
    id: "sinks.iceberg_commit_failures",
    datasource: "prometheus",
    description: "Iceberg sink commit failures in the last 15 minutes, per cluster.",
    expr: () => `sum by (${ENV}, ${CLUSTER}) (increase(mz_sink_iceberg_commit_failures[15m]))`,
  },

  // --- dashboard: variables ---
  {
    id: "variables.environment",
    datasource: "prometheus",
    description: "Series whose materialize_cloud_organization_name values list the environments.",
    expr: () => `up{job=~"${MZ_PROCESS_JOBS}"}`,
  },
  {
    id: "variables.cluster",
    datasource: "prometheus",
    description:
      "clusterd targets of the selected environments; their cluster-id label lists clusters.",
    expr: () => `up{job="${MZ_JOB.clusterd}", ${ENV}=~"$environment"}`,
  },
  {
    id: "variables.replica",
    datasource: "prometheus",
    description:
      "clusterd targets of the selected clusters; their replica-id label lists replicas.",
    expr: () => `up{job="${MZ_JOB.clusterd}", ${ENV}=~"$environment", ${CLUSTER}=~"$cluster"}`,
  },

  // --- dashboard: availability ---
  {
    id: "overview.environmentd_up",
    datasource: "prometheus",
    unit: "short",
    description: "environmentd targets up, per environment.",
    legend: `{{${ENV}}}`,
    expr: () => `sum by (${ENV}) (up{job="${MZ_JOB.environmentd}", ${ENV}=~"$environment"})`,
  },
  {
    id: "overview.replicas_up",
    datasource: "prometheus",
    unit: "short",
    description: "clusterd (replica) targets up, per environment.",
    legend: `{{${ENV}}}`,
    expr: () => `sum by (${ENV}) (up{job="${MZ_JOB.clusterd}", ${ENV}=~"$environment"})`,
  },
  {
    id: "overview.targets_down",
    datasource: "prometheus",
    unit: "short",
    description: "Materialize scrape targets that are down, by job.",
    legend: "{{job}}",
    expr: () => `count by (job) (up{job=~"${MZ_PROCESS_JOBS}", ${ENV}=~"$environment"} == 0)`,
  },
  {
    id: "overview.container_restarts",
    datasource: "prometheus",
    unit: "short",
    description: "Materialize container restarts per pod over the selected interval.",
    legend: "{{pod}} / {{container}}",
    expr: (s) =>
      `sum by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total{container=~"${MZ_CONTAINERS}", namespace=~"${ns.materialize(s)}"}[$__rate_interval])) > 0`,
  },

  // --- dashboard: freshness ---
  {
    id: "freshness.cluster_max_lag",
    datasource: "prometheus",
    description: "Worst wallclock lag of hydrated collections per cluster.",
    unit: "s",
    legend: "{{instance_id}}",
    expr: () => `max by (instance_id) (${lag(COMPUTE_FILTER)} < ${SENTINEL})`,
  },
  {
    id: "freshness.cluster_min_lag",
    datasource: "prometheus",
    description: "Best (minimum) wallclock lag per cluster: how fresh the freshest collection is.",
    unit: "s",
    legend: "{{instance_id}}",
    expr: () => `min by (instance_id) (${lag(COMPUTE_FILTER, "0")} < ${SENTINEL})`,
  },
  {
    id: "freshness.replica_max_lag",
    datasource: "prometheus",
    description: "Worst wallclock lag of hydrated collections per replica.",
    unit: "s",
    legend: "{{instance_id}} / {{replica_id}}",
    expr: () => `max by (instance_id, replica_id) (${lag(COMPUTE_REPLICA_FILTER)} < ${SENTINEL})`,
  },
  {
    id: "freshness.most_lagged_collections",
    datasource: "prometheus",
    description: "The ten hydrated collections with the largest wallclock lag.",
    unit: "s",
    legend: "{{instance_id}} / {{collection_id}}",
    expr: () =>
      `topk(10, max by (instance_id, collection_id) (${lag(COMPUTE_REPLICA_FILTER)} < ${SENTINEL}))`,
  },
  {
    id: "freshness.hydrating_by_replica",
    datasource: "prometheus",
    unit: "short",
    description:
      "Collections still hydrating per replica (scored with `>= bool` so the line reaches zero instead of vanishing).",
    legend: "{{instance_id}} / {{replica_id}}",
    expr: () =>
      `sum by (instance_id, replica_id) (max by (instance_id, replica_id, collection_id) (${lag(COMPUTE_REPLICA_FILTER)} >= bool ${SENTINEL}))`,
  },
  {
    id: "freshness.hydration_queue",
    datasource: "prometheus",
    unit: "short",
    description: "Dataflows waiting in the compute controller's hydration queue, per replica.",
    legend: "{{instance_id}} / {{replica_id}}",
    expr: () =>
      `sum by (instance_id, replica_id) (mz_compute_controller_hydration_queue_size{${COMPUTE_REPLICA_FILTER.slice(2)}})`,
  },
  {
    id: "freshness.expiration_remaining_by_replica",
    datasource: "prometheus",
    description: "Seconds until each replica's dataflows expire.",
    unit: "s",
    legend: "{{" + CLUSTER + "}} / {{" + REPLICA + "}}",
    expr: () =>
      `min by (${CLUSTER}, ${REPLICA}) (mz_dataflow_replica_expiration_remaining_seconds{${POD_FILTER}})`,
  },

  // --- dashboard: replica resources ---
  {
    id: "replica.cpu_usage",
    datasource: "prometheus",
    description: "CPU cores used per replica (clusterd containers).",
    unit: "short",
    legend: "{{" + CLUSTER + "}} / {{" + REPLICA + "}} used",
    expr: (s) =>
      withReplicaLabels(
        `rate(container_cpu_usage_seconds_total{container="${MZ_CONTAINER.clusterd}", namespace=~"${ns.environments(s)}"}[$__rate_interval])`,
      ),
  },
  {
    id: "replica.cpu_limit",
    datasource: "prometheus",
    description: "CPU limit (cores) per replica.",
    unit: "short",
    legend: "{{" + CLUSTER + "}} / {{" + REPLICA + "}} limit",
    expr: (s) =>
      withReplicaLabels(
        `kube_pod_container_resource_limits{resource="cpu", container="${MZ_CONTAINER.clusterd}", namespace=~"${ns.environments(s)}"}`,
      ),
  },
  {
    id: "replica.memory_working_set",
    datasource: "prometheus",
    description: "Memory working set per replica (clusterd containers).",
    unit: "bytes",
    legend: "{{" + CLUSTER + "}} / {{" + REPLICA + "}} working set",
    expr: (s) =>
      withReplicaLabels(
        `container_memory_working_set_bytes{container="${MZ_CONTAINER.clusterd}", namespace=~"${ns.environments(s)}"}`,
      ),
  },
  {
    id: "replica.memory_limit",
    datasource: "prometheus",
    description: "Memory limit per replica.",
    unit: "bytes",
    legend: "{{" + CLUSTER + "}} / {{" + REPLICA + "}} limit",
    expr: (s) =>
      withReplicaLabels(
        `kube_pod_container_resource_limits{resource="memory", container="${MZ_CONTAINER.clusterd}", namespace=~"${ns.environments(s)}"}`,
      ),
  },
  {
    id: "replica.memory_limiter_usage",
    datasource: "prometheus",
    description: "Memory (including swap) Materialize's memory limiter accounts per replica.",
    unit: "bytes",
    legend: "{{" + CLUSTER + "}} / {{" + REPLICA + "}} usage",
    expr: () =>
      `sum by (${CLUSTER}, ${REPLICA}) (mz_memory_limiter_memory_usage_bytes{${POD_FILTER}})`,
  },
  {
    id: "replica.memory_limiter_limit",
    datasource: "prometheus",
    description: "The memory limiter's limit per replica (0 when the limiter is off).",
    unit: "bytes",
    legend: "{{" + CLUSTER + "}} / {{" + REPLICA + "}} limiter limit",
    expr: () =>
      `sum by (${CLUSTER}, ${REPLICA}) (mz_memory_limiter_memory_limit_bytes{${POD_FILTER}})`,
  },
  {
    id: "replica.cpu_throttling",
    datasource: "prometheus",
    description: "Fraction of CFS periods throttled per replica.",
    unit: "percentunit",
    legend: "{{" + CLUSTER + "}} / {{" + REPLICA + "}}",
    expr: (s) =>
      `${withReplicaLabels(`rate(container_cpu_cfs_throttled_periods_total{container="${MZ_CONTAINER.clusterd}", namespace=~"${ns.environments(s)}"}[$__rate_interval])`)}\n/\n${withReplicaLabels(`rate(container_cpu_cfs_periods_total{container="${MZ_CONTAINER.clusterd}", namespace=~"${ns.environments(s)}"}[$__rate_interval])`)}`,
  },
  {
    id: "replica.commands_received",
    datasource: "prometheus",
    unit: "short",
    description:
      "Changes of the last-command-received marker per replica process; zero means the replica hears nothing from environmentd.",
    legend: "{{pod}}",
    expr: () => `changes(mz_cluster_server_last_command_received{${POD_FILTER}}[$__rate_interval])`,
  },
  {
    id: "replica.dataflow_elapsed",
    datasource: "prometheus",
    description: "Seconds per second spent running dataflows, per replica.",
    unit: "short",
    legend: "{{instance_id}} / {{replica_id}}",
    expr: () =>
      `sum by (instance_id, replica_id) (rate(mz_dataflow_elapsed_seconds_total{${COMPUTE_REPLICA_FILTER.slice(2)}}[$__rate_interval]))`,
  },
  {
    id: "replica.arrangement_maintenance",
    datasource: "prometheus",
    description: "Seconds per second spent maintaining arrangements, per replica.",
    unit: "short",
    legend: "{{" + CLUSTER + "}} / {{" + REPLICA + "}}",
    expr: () =>
      `sum by (${CLUSTER}, ${REPLICA}) (rate(mz_arrangement_maintenance_seconds_total{${POD_FILTER}}[$__rate_interval]))`,
  },
  {
    id: "replica.arrangement_records",
    datasource: "prometheus",
    description: "Records held in arrangements, per replica.",
    unit: "short",
    legend: "{{instance_id}} / {{replica_id}}",
    expr: () =>
      `sum by (instance_id, replica_id) (mz_arrangement_record_count{${COMPUTE_REPLICA_FILTER.slice(2)}})`,
  },
  {
    id: "replica.dataflow_count",
    datasource: "prometheus",
    description: "Dataflows installed per replica.",
    unit: "short",
    legend: "{{" + CLUSTER + "}} / {{" + REPLICA + "}}",
    expr: () =>
      `sum by (${CLUSTER}, ${REPLICA}) (mz_compute_replica_history_dataflow_count{${POD_FILTER}})`,
  },

  // --- dashboard: sessions and queries ---
  {
    id: "sql.active_sessions",
    datasource: "prometheus",
    description: "Open SQL sessions per environment.",
    legend: `{{${ENV}}}`,
    expr: () => `sum by (${ENV}) (mz_active_sessions{${ENV}=~"$environment"})`,
  },
  {
    id: "sql.active_subscribes",
    datasource: "prometheus",
    description: "Running SUBSCRIBEs per environment.",
    legend: `{{${ENV}}}`,
    expr: () => `sum by (${ENV}) (mz_active_subscribes{${ENV}=~"$environment"})`,
  },
  {
    id: "sql.queries_per_second",
    datasource: "prometheus",
    description: "Queries per second per environment.",
    unit: "reqps",
    legend: `{{${ENV}}}`,
    expr: () => `sum by (${ENV}) (rate(mz_query_total{${ENV}=~"$environment"}[$__rate_interval]))`,
  },
  {
    id: "sql.commands_by_status",
    datasource: "prometheus",
    description: "Adapter commands per second, by status.",
    unit: "reqps",
    legend: "{{status}}",
    expr: () =>
      `sum by (status) (rate(mz_adapter_commands{${ENV}=~"$environment"}[$__rate_interval]))`,
  },
  ...([0.5, 0.9, 0.99] as const).map(
    (q): QueryDefinition => ({
      id: `sql.peek_latency_p${String(q * 100)}`,
      datasource: "prometheus",
      description: `${String(q * 100)}th percentile of peek (SELECT) latency.`,
      unit: "s",
      legend: `p${String(q * 100)}`,
      expr: () =>
        `histogram_quantile(${String(q)}, sum by (le) (rate(mz_compute_peek_duration_seconds_bucket{${COMPUTE_FILTER.slice(2)}}[$__rate_interval])))`,
    }),
  ),
  {
    id: "sql.time_to_first_row_p99",
    datasource: "prometheus",
    description: "99th percentile of the time to the first row of a result, per cluster.",
    unit: "s",
    legend: "{{instance_id}}",
    expr: () =>
      `histogram_quantile(0.99, sum by (le, instance_id) (rate(mz_time_to_first_row_seconds_bucket{instance_id=~"$cluster"}[$__rate_interval])))`,
  },

  // --- dashboard: sources and sinks ---
  {
    id: "sources.bytes_received",
    datasource: "prometheus",
    description: "Bytes per second read by sources, per cluster.",
    unit: "Bps",
    legend: `{{${CLUSTER}}}`,
    expr: () =>
      `sum by (${CLUSTER}) (rate(mz_source_bytes_received{${POD_FILTER}}[$__rate_interval]))`,
  },
  {
    id: "sources.messages_received",
    datasource: "prometheus",
    description: "Messages per second read by sources, per cluster.",
    unit: "short",
    legend: `{{${CLUSTER}}}`,
    expr: () =>
      `sum by (${CLUSTER}) (rate(mz_source_messages_received{${POD_FILTER}}[$__rate_interval]))`,
  },
  {
    id: "sources.offset_lag",
    datasource: "prometheus",
    description: "Upstream offsets known but not yet committed (source lag), per cluster.",
    unit: "short",
    legend: `{{${CLUSTER}}}`,
    expr: () =>
      `sum by (${CLUSTER}) (mz_source_offset_known{${POD_FILTER}} - mz_source_offset_committed{${POD_FILTER}})`,
  },
  {
    id: "sinks.bytes_committed",
    datasource: "prometheus",
    description: "Bytes per second committed by sinks, per cluster.",
    unit: "Bps",
    legend: `{{${CLUSTER}}}`,
    expr: () =>
      `sum by (${CLUSTER}) (rate(mz_sink_bytes_committed{${POD_FILTER}}[$__rate_interval]))`,
  },
  {
    id: "sinks.errors",
    datasource: "prometheus",
    description: "Kafka transmit errors and Iceberg commit failures per second, per cluster.",
    unit: "short",
    legend: `{{${CLUSTER}}}`,
    expr: () =>
      `sum by (${CLUSTER}) (rate(mz_sink_rdkafka_txerrs{${POD_FILTER}}[$__rate_interval]))\nor\nsum by (${CLUSTER}) (rate(mz_sink_iceberg_commit_failures{${POD_FILTER}}[$__rate_interval]))`,
  },

  // --- dashboard: persist ---
  {
    id: "persist.blob_failure_rate",
    datasource: "prometheus",
    description: "Persist blob-store failures per second, per environment.",
    unit: "short",
    legend: `{{${ENV}}} blob`,
    expr: () =>
      `sum by (${ENV}) (rate(mz_persist_blob_failures{${ENV}=~"$environment"}[$__rate_interval]))`,
  },
  {
    id: "persist.consensus_failure_rate",
    datasource: "prometheus",
    description: "Persist consensus failures per second, per environment.",
    unit: "short",
    legend: `{{${ENV}}} consensus`,
    expr: () =>
      `sum by (${ENV}) (rate(mz_persist_consensus_failures{${ENV}=~"$environment"}[$__rate_interval]))`,
  },
  {
    id: "persist.command_failure_rate",
    datasource: "prometheus",
    description: "Persist commands failed per second, per environment.",
    unit: "short",
    legend: `{{${ENV}}} commands`,
    expr: () =>
      `sum by (${ENV}) (rate(mz_persist_cmd_failed_count{${ENV}=~"$environment"}[$__rate_interval]))`,
  },
];
