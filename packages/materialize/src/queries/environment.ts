/**
 * Queries of the per-area dashboards (summary, Kubernetes workloads, SQL activity, clusters and
 * replicas, compute, sources and sinks). Series that carry a cluster, replica or object id get
 * its name from the catalog info metrics (names.ts), degrading to the id.
 */
import {
  MZ_CONTAINER,
  MZ_JOB,
  MZ_LABEL,
  WALLCLOCK_LAG_HYDRATING_SENTINEL as SENTINEL,
} from "../constants.js";
import {
  copyLabel,
  NAME_LABEL,
  setLabel,
  withClusterName,
  withObjectName,
  withReplicaNames,
} from "./names.js";
import { MZ_PROCESS_JOBS, ns, type QueryScope } from "./scope.js";
import type { QueryDefinition } from "./types.js";

const { environment: ENV, clusterId: CLUSTER, replicaId: REPLICA } = MZ_LABEL;
const ENV_FILTER = `${ENV}=~"$environment"`;
/** environmentd-emitted compute series (instance_id/replica_id labels). */
const COMPUTE = `${ENV_FILTER}, instance_id=~"$cluster"`;
const COMPUTE_REPLICA = `${COMPUTE}, replica_id=~"$replica"`;
/** Series scraped from clusterd pods (copied pod labels). */
const POD = `${ENV_FILTER}, ${CLUSTER}=~"$cluster", ${REPLICA}=~"$replica"`;
const MZ_CONTAINERS = `${MZ_CONTAINER.environmentd}|${MZ_CONTAINER.clusterd}|${MZ_CONTAINER.balancerd}`;
const lag = (quantile: "0" | "1" = "1") =>
  `mz_dataflow_wallclock_lag_seconds{quantile="${quantile}", instance_id!="", ${COMPUTE_REPLICA}}`;

/** The pods of the selected environments' scrape targets of `jobs`, with the environment label. */
const podsOf = (jobs: string) =>
  `group by (namespace, pod, ${ENV}) (up{job=~"${jobs}", ${ENV_FILTER}})`;
const ENVD_PODS = podsOf(MZ_JOB.environmentd);
const MZ_PODS = podsOf(MZ_PROCESS_JOBS);

/** A per-container substrate series restricted to the selected environments, with their label. */
const inEnvironments = (series: string, pods: string) =>
  `${series}\n* on (namespace, pod) group_left (${ENV})\n${pods}`;

const containerCpu = (s: QueryScope, container: string) =>
  `rate(container_cpu_usage_seconds_total{container=~"${container}", namespace=~"${ns.materialize(s)}"}[$__rate_interval])`;
const containerMemory = (s: QueryScope, container: string) =>
  `container_memory_working_set_bytes{container=~"${container}", namespace=~"${ns.materialize(s)}"}`;
const containerLimit = (s: QueryScope, container: string, resource: "cpu" | "memory") =>
  `kube_pod_container_resource_limits{resource="${resource}", container=~"${container}", namespace=~"${ns.materialize(s)}"}`;

/** Used over limit, summed per environment, of the containers matching `container`. */
const utilisation = (
  s: QueryScope,
  container: string,
  resource: "cpu" | "memory",
  pods: string,
): string => {
  const used = resource === "cpu" ? containerCpu(s, container) : containerMemory(s, container);
  return `sum by (${ENV}) (\n${inEnvironments(used, pods)}\n)\n/\n(\n  sum by (${ENV}) (\n${inEnvironments(containerLimit(s, container, resource), pods)}\n  ) > 0\n)`;
};

/** Per-worker skew of a per-worker rate: the busiest worker over the mean, per `by`. */
const skew = (perWorker: string, by: string) =>
  `max by (${by}) (${perWorker})\n/\n(avg by (${by}) (${perWorker}) > 0)`;

/** Counts of user objects of each catalog type, from mz_object_info or (before it) the SQL counts. */
const OBJECT_COUNTS = [
  ["table", "mz_tables_count"],
  ["view", "mz_views_count"],
  ["materialized-view", "mz_mzd_views_count"],
  ["index", "mz_indexes_count"],
  ["secret", "mz_secrets_count"],
  ["connection", "mz_connections_count"],
] as const;

/** The catalog items of mz_storage_objects of one type, with replica processes running as value. */
const storageInventory = (type: "source" | "sink") => {
  const by = `${ENV}, id, connection_type, envelope_type, cluster_id`;
  const running = `count by (${by}) (mz_storage_objects{type="${type}", replica_id!="none", ${ENV_FILTER}})`;
  const idle = `max by (${by}) (mz_storage_objects{type="${type}", replica_id="none", ${ENV_FILTER}}) * 0`;
  return `(\n${running}\nor on (${ENV}, id)\n${idle}\n)`;
};

/** Keeps only the labels a table shows. */
const columns = (expr: string, labels: readonly string[]) =>
  `max by (${[ENV, ...labels].join(", ")}) (\n${expr}\n)`;

const perSink = (series: string, fn = "") =>
  fn === ""
    ? `sum by (${ENV}, sink_id) (${series}{${POD}})`
    : `sum by (${ENV}, sink_id) (${fn}(${series}{${POD}}[$__rate_interval]))`;
const namedSink = (expr: string) => withObjectName(expr, "sink_id", "global_id");
const namedSource = (expr: string, id = "source_id") => withObjectName(expr, id, "global_id");

const objectLegend = `{{${NAME_LABEL.object}}}`;
const clusterLegend = `{{${NAME_LABEL.cluster}}}`;
const replicaLegend = `{{${NAME_LABEL.cluster}}}.{{${NAME_LABEL.replica}}}`;

export const environmentQueries: QueryDefinition[] = [
  // --- summary ---
  {
    id: "summary.version",
    datasource: "prometheus",
    description:
      "The Materialize version environmentd reports (the mz_version label of mz_compute_cluster_status, /metrics/mz_usage).",
    unit: "none",
    legend: "{{mz_version}}",
    expr: () => `count by (${ENV}, mz_version) (mz_compute_cluster_status{${ENV_FILTER}})`,
  },
  {
    id: "summary.environmentd_availability",
    datasource: "prometheus",
    description:
      "Share of the dashboard's time range in which environmentd answered its scrape (1-minute resolution).",
    unit: "percentunit",
    legend: "{{" + ENV + "}} environmentd",
    expr: () =>
      `avg_over_time((max by (${ENV}) (up{job="${MZ_JOB.environmentd}", ${ENV_FILTER}}))[$__range:1m])`,
  },
  {
    id: "summary.replica_availability",
    datasource: "prometheus",
    description:
      "Share of clusterd (replica) scrape targets up, averaged over the dashboard's time range.",
    unit: "percentunit",
    legend: "{{" + ENV + "}} replicas",
    expr: () =>
      `avg_over_time((avg by (${ENV}) (up{job="${MZ_JOB.clusterd}", ${ENV_FILTER}}))[$__range:1m])`,
  },
  {
    id: "summary.environmentd_uptime",
    datasource: "prometheus",
    description: "Seconds since the running environmentd container started (its last restart).",
    unit: "s",
    legend: `{{${ENV}}}`,
    expr: (s) =>
      `time() - max by (${ENV}) (\n${inEnvironments(`container_start_time_seconds{container="${MZ_CONTAINER.environmentd}", namespace=~"${ns.environments(s)}"}`, ENVD_PODS)}\n)`,
  },
  {
    id: "summary.environment_cpu_utilisation",
    datasource: "prometheus",
    description:
      "CPU used by all Materialize containers of the environment (environmentd, clusterd, balancerd) over their summed limits.",
    unit: "percentunit",
    legend: "{{" + ENV + "}} CPU",
    expr: (s) => utilisation(s, MZ_CONTAINERS, "cpu", MZ_PODS),
  },
  {
    id: "summary.environment_memory_utilisation",
    datasource: "prometheus",
    description:
      "Working set of all Materialize containers of the environment over their summed memory limits.",
    unit: "percentunit",
    legend: "{{" + ENV + "}} memory",
    expr: (s) => utilisation(s, MZ_CONTAINERS, "memory", MZ_PODS),
  },
  {
    id: "summary.cpu_capacity",
    datasource: "prometheus",
    description:
      "CPU cores the environment's Materialize containers may use: the sum of their limits.",
    unit: "short",
    legend: "{{" + ENV + "}} cores",
    expr: (s) =>
      `sum by (${ENV}) (\n${inEnvironments(containerLimit(s, MZ_CONTAINERS, "cpu"), MZ_PODS)}\n)`,
  },
  {
    id: "summary.memory_capacity",
    datasource: "prometheus",
    description:
      "Memory the environment's Materialize containers may use: the sum of their limits.",
    unit: "bytes",
    legend: "{{" + ENV + "}} memory",
    expr: (s) =>
      `sum by (${ENV}) (\n${inEnvironments(containerLimit(s, MZ_CONTAINERS, "memory"), MZ_PODS)}\n)`,
  },

  // --- Kubernetes workloads ---
  {
    id: "workloads.pods_by_phase",
    datasource: "prometheus",
    description:
      "Pods of the Materialize namespaces by phase (namespace-scoped: a pod that does not run has no scrape target to carry the environment label).",
    unit: "short",
    legend: "{{namespace}} {{phase}}",
    expr: (s) =>
      `sum by (namespace, phase) (kube_pod_status_phase{namespace=~"${ns.materialize(s)}"} == 1)`,
  },
  {
    id: "workloads.containers_ready",
    datasource: "prometheus",
    description:
      "Share of environmentd, clusterd and balancerd containers that are ready, per namespace and container.",
    unit: "percentunit",
    legend: "{{namespace}} {{container}}",
    expr: (s) =>
      `avg by (namespace, container) (kube_pod_container_status_ready{container=~"${MZ_CONTAINERS}", namespace=~"${ns.materialize(s)}"})`,
  },
  {
    id: "workloads.statefulsets_ready",
    datasource: "prometheus",
    description:
      "Ready replicas over desired replicas of each StatefulSet (environmentd generations, cluster replicas).",
    unit: "percentunit",
    legend: "{{namespace}}/{{statefulset}}",
    expr: (s) =>
      `sum by (namespace, statefulset) (kube_statefulset_status_replicas_ready{namespace=~"${ns.materialize(s)}"})\n/\nsum by (namespace, statefulset) (kube_statefulset_replicas{namespace=~"${ns.materialize(s)}"} > 0)`,
  },
  {
    id: "workloads.deployments_ready",
    datasource: "prometheus",
    description:
      "Ready replicas over desired replicas of each Deployment (balancerd, console, the operator).",
    unit: "percentunit",
    legend: "{{namespace}}/{{deployment}}",
    expr: (s) =>
      `sum by (namespace, deployment) (kube_deployment_status_replicas_ready{namespace=~"${ns.materialize(s)}"})\n/\nsum by (namespace, deployment) (kube_deployment_spec_replicas{namespace=~"${ns.materialize(s)}"} > 0)`,
  },
  {
    id: "workloads.environmentd_cpu",
    datasource: "prometheus",
    description: "CPU cores used by each environmentd pod.",
    unit: "short",
    legend: "{{pod}} used",
    expr: (s) =>
      `sum by (pod) (\n${inEnvironments(containerCpu(s, MZ_CONTAINER.environmentd), ENVD_PODS)}\n)`,
  },
  {
    id: "workloads.environmentd_cpu_limit",
    datasource: "prometheus",
    description: "CPU limit of each environmentd pod.",
    unit: "short",
    legend: "{{pod}} limit",
    expr: (s) =>
      `sum by (pod) (\n${inEnvironments(containerLimit(s, MZ_CONTAINER.environmentd, "cpu"), ENVD_PODS)}\n)`,
  },
  {
    id: "workloads.environmentd_memory",
    datasource: "prometheus",
    description: "Working set of each environmentd pod.",
    unit: "bytes",
    legend: "{{pod}} working set",
    expr: (s) =>
      `sum by (pod) (\n${inEnvironments(containerMemory(s, MZ_CONTAINER.environmentd), ENVD_PODS)}\n)`,
  },
  {
    id: "workloads.environmentd_memory_limit",
    datasource: "prometheus",
    description: "Memory limit of each environmentd pod.",
    unit: "bytes",
    legend: "{{pod}} limit",
    expr: (s) =>
      `sum by (pod) (\n${inEnvironments(containerLimit(s, MZ_CONTAINER.environmentd, "memory"), ENVD_PODS)}\n)`,
  },
  ...(
    [
      ["rx", "receive_bytes", "Bytes per second received by each Materialize pod.", "Bps"],
      ["tx", "transmit_bytes", "Bytes per second sent by each Materialize pod.", "Bps"],
      [
        "errors",
        "receive_errors",
        "Network errors per second of each Materialize pod, received and sent.",
        "pps",
      ],
      [
        "drops",
        "receive_packets_dropped",
        "Packets dropped per second by each Materialize pod, received and sent.",
        "pps",
      ],
    ] as const
  ).map(
    ([key, series, description, unit]): QueryDefinition => ({
      id: `workloads.network_${key}`,
      datasource: "prometheus",
      description,
      unit,
      legend: "{{pod}}",
      expr: (s) => {
        const one = (name: string) =>
          `sum by (pod) (\n${inEnvironments(`rate(container_network_${name}_total{namespace=~"${ns.materialize(s)}"}[$__rate_interval])`, MZ_PODS)}\n)`;
        return key === "errors" || key === "drops"
          ? `${one(series)}\n+\n${one(series.replace("receive", "transmit"))}`
          : one(series);
      },
    }),
  ),

  // --- connections and activity ---
  {
    id: "activity.sessions_by_type",
    datasource: "prometheus",
    description: "Open SQL sessions by session type.",
    unit: "short",
    legend: "{{session_type}}",
    expr: () => `sum by (session_type) (mz_active_sessions{${ENV_FILTER}})`,
  },
  {
    id: "activity.queries_by_statement_type",
    datasource: "prometheus",
    description: "Statements per second by statement type (SELECT, INSERT, SUBSCRIBE, ...).",
    unit: "reqps",
    legend: "{{statement_type}}",
    expr: () => `sum by (statement_type) (rate(mz_query_total{${ENV_FILTER}}[$__rate_interval]))`,
  },
  {
    id: "activity.commands_by_application",
    datasource: "prometheus",
    description: "Adapter commands per second by client application_name.",
    unit: "reqps",
    legend: "{{application_name}}",
    expr: () =>
      `sum by (application_name) (rate(mz_adapter_commands{${ENV_FILTER}}[$__rate_interval]))`,
  },
  {
    id: "activity.command_errors_by_application",
    datasource: "prometheus",
    description:
      "Share of adapter commands that did not succeed, by client application_name (status other than success).",
    unit: "percentunit",
    legend: "{{application_name}}",
    expr: () =>
      `sum by (application_name) (rate(mz_adapter_commands{status!="success", ${ENV_FILTER}}[$__rate_interval]))\n/\n(sum by (application_name) (rate(mz_adapter_commands{${ENV_FILTER}}[$__rate_interval])) > 0)`,
  },
  {
    id: "activity.peek_latency_p99_by_cluster",
    datasource: "prometheus",
    description: "99th percentile of peek (SELECT) latency per cluster, by cluster name.",
    unit: "s",
    legend: clusterLegend,
    expr: () =>
      withClusterName(
        `histogram_quantile(0.99, sum by (le, ${ENV}, instance_id) (rate(mz_compute_peek_duration_seconds_bucket{${COMPUTE}}[$__rate_interval])))`,
        "instance_id",
      ),
  },
  {
    id: "activity.peeks_by_result",
    datasource: "prometheus",
    description:
      "Peeks per second by result (rows, error, canceled): the histogram's +Inf bucket, which counts every peek.",
    unit: "reqps",
    legend: "{{result}}",
    expr: () =>
      `sum by (result) (rate(mz_compute_peek_duration_seconds_bucket{le="+Inf", ${COMPUTE}}[$__rate_interval]))`,
  },

  // --- clusters and replicas ---
  {
    id: "clusters.count",
    datasource: "prometheus",
    description:
      "Clusters per environment (system and user), from mz_cluster_info or, before v26.29.0, mz_compute_cluster_status.",
    unit: "short",
    legend: `{{${ENV}}}`,
    expr: () =>
      `count by (${ENV}) (max by (${ENV}, cluster_id) (mz_cluster_info{${ENV_FILTER}}))\nor on (${ENV})\ncount by (${ENV}) (max by (${ENV}, compute_cluster_id) (mz_compute_cluster_status{${ENV_FILTER}}))`,
  },
  {
    id: "clusters.replica_count",
    datasource: "prometheus",
    description:
      "Cluster replicas per environment, from mz_replica_info or, before v26.29.0, mz_compute_cluster_status.",
    unit: "short",
    legend: `{{${ENV}}}`,
    expr: () =>
      `count by (${ENV}) (max by (${ENV}, replica_id) (mz_replica_info{${ENV_FILTER}}))\nor on (${ENV})\ncount by (${ENV}) (max by (${ENV}, compute_replica_id) (mz_compute_cluster_status{${ENV_FILTER}}))`,
  },
  {
    id: "clusters.replicas_by_size",
    datasource: "prometheus",
    description: "Cluster replicas by size.",
    unit: "short",
    legend: "{{size}}",
    expr: () =>
      `count by (${ENV}, size) (max by (${ENV}, replica_id, size) (mz_replica_info{${ENV_FILTER}}))\nor on (${ENV}, size)\ncount by (${ENV}, size) (max by (${ENV}, compute_replica_id, size) (mz_compute_cluster_status{${ENV_FILTER}}))`,
  },
  {
    id: "clusters.replicas",
    datasource: "prometheus",
    description:
      "Every replica with its cluster, name and size (mz_replica_info and mz_cluster_info, or mz_compute_cluster_status before v26.29.0), valued by its clusterd processes answering their scrape: 0 is a replica that is not running.",
    unit: "short",
    expr: () => {
      const byInfo = `(\n${copyLabel(`max by (${ENV}, replica_id, cluster_id, name, size) (mz_replica_info{${ENV_FILTER}})`, NAME_LABEL.replica, "name")}\n* on (${ENV}, cluster_id) group_left (${NAME_LABEL.cluster})\n${copyLabel(`max by (${ENV}, cluster_id, name) (mz_cluster_info{${ENV_FILTER}})`, NAME_LABEL.cluster, "name")}\n)`;
      const status = `max by (${ENV}, compute_cluster_id, compute_replica_id, compute_cluster_name, compute_replica_name, size) (mz_compute_cluster_status{${ENV_FILTER}})`;
      const bySql = [
        ["cluster_id", "compute_cluster_id"],
        ["replica_id", "compute_replica_id"],
        [NAME_LABEL.cluster, "compute_cluster_name"],
        [NAME_LABEL.replica, "compute_replica_name"],
      ].reduce((expr, [to, from]) => copyLabel(expr, to as string, from as string), status);
      const inventory = columns(`${byInfo}\nor on (${ENV}, replica_id)\n${bySql}`, [
        "cluster_id",
        "replica_id",
        NAME_LABEL.cluster,
        NAME_LABEL.replica,
        "size",
      ]);
      const up = `sum by (${ENV}, replica_id) (${copyLabel(`up{job="${MZ_JOB.clusterd}", ${ENV_FILTER}}`, "replica_id", REPLICA)})`;
      return `${inventory}\n* on (${ENV}, replica_id) group_left ()\n${up}\nor on (${ENV}, replica_id)\n${inventory} * 0`;
    },
  },
  {
    id: "clusters.objects_by_type",
    datasource: "prometheus",
    description:
      "Collections maintained on each cluster (those reporting a wallclock lag), by object type from mz_object_info (unknown before v26.29.0).",
    unit: "short",
    legend: `${clusterLegend} {{${NAME_LABEL.objectType}}}`,
    expr: () => {
      const collections = `count by (${ENV}, instance_id, collection_id) (mz_dataflow_wallclock_lag_seconds{quantile="1", instance_id!="", ${COMPUTE}})`;
      const typed = `count by (${ENV}, instance_id, ${NAME_LABEL.objectType}) (\n${withObjectName(collections, "collection_id", "global_id")}\n)`;
      return withClusterName(typed, "instance_id");
    },
  },
  {
    id: "clusters.sources_sinks_by_cluster",
    datasource: "prometheus",
    description: "Sources and sinks per cluster (mz_storage_objects, one count per catalog item).",
    unit: "short",
    legend: `${clusterLegend} {{type}}`,
    expr: () =>
      withClusterName(
        `count by (${ENV}, cluster_id, type) (max by (${ENV}, cluster_id, id, type) (mz_storage_objects{${ENV_FILTER}}))`,
        "cluster_id",
      ),
  },

  // --- compute ---
  {
    id: "compute.object_counts",
    datasource: "prometheus",
    description:
      "User objects by catalog type, from mz_object_info or, before v26.29.0, the /metrics/mz_usage counts.",
    unit: "short",
    legend: "{{type}}",
    expr: () => {
      const info = `count by (${ENV}, type) (max by (${ENV}, object_id, type) (mz_object_info{object_id=~"u.*", ${ENV_FILTER}}))`;
      const counts = OBJECT_COUNTS.map(([type, metric]) =>
        setLabel(`sum by (${ENV}) (${metric}{${ENV_FILTER}})`, "type", type),
      );
      return [info, ...counts].join(`\nor on (${ENV}, type)\n`);
    },
  },
  {
    id: "compute.lag_by_cluster",
    datasource: "prometheus",
    description: "Worst wallclock lag of hydrated collections per cluster, by cluster name.",
    unit: "s",
    legend: clusterLegend,
    expr: () =>
      withClusterName(`max by (${ENV}, instance_id) (${lag()} < ${SENTINEL})`, "instance_id"),
  },
  {
    id: "compute.most_lagged_objects",
    datasource: "prometheus",
    description: "The ten hydrated collections furthest behind wallclock time, by name.",
    unit: "s",
    expr: () =>
      withClusterName(
        withObjectName(
          `topk(10, max by (${ENV}, instance_id, collection_id) (${lag()} < ${SENTINEL}))`,
          "collection_id",
          "global_id",
        ),
        "instance_id",
      ),
  },
  {
    id: "compute.hydrating_by_replica",
    datasource: "prometheus",
    description: "Collections not yet hydrated per replica, by cluster and replica name.",
    unit: "short",
    legend: replicaLegend,
    expr: () =>
      withReplicaNames(
        `sum by (${ENV}, instance_id, replica_id) (max by (${ENV}, instance_id, replica_id, collection_id) (${lag()} >= bool ${SENTINEL}))`,
        "replica_id",
        "instance_id",
      ),
  },
  {
    id: "compute.hydration_queue_by_replica",
    datasource: "prometheus",
    description: "Dataflows waiting to hydrate per replica, by cluster and replica name.",
    unit: "short",
    legend: replicaLegend,
    expr: () =>
      withReplicaNames(
        `sum by (${ENV}, instance_id, replica_id) (mz_compute_controller_hydration_queue_size{${COMPUTE_REPLICA}})`,
        "replica_id",
        "instance_id",
      ),
  },
  {
    id: "compute.slowest_hydrating",
    datasource: "prometheus",
    description:
      "The ten collections that spent longest not hydrated during the time range (1-minute resolution), at their slowest replica: hydration time for collections that hydrated in the range, time so far for those still hydrating.",
    unit: "s",
    expr: () =>
      withClusterName(
        withObjectName(
          `topk(10, max by (${ENV}, instance_id, collection_id) (60 * sum_over_time((max by (${ENV}, instance_id, replica_id, collection_id) (${lag()} >= bool ${SENTINEL}))[$__range:1m])) > 0)`,
          "collection_id",
          "global_id",
        ),
        "instance_id",
      ),
  },
  {
    id: "compute.dataflows_by_replica",
    datasource: "prometheus",
    description: "Dataflows installed per replica (summed over workers), by name.",
    unit: "short",
    legend: replicaLegend,
    expr: () =>
      withReplicaNames(
        `sum by (${ENV}, ${CLUSTER}, ${REPLICA}) (mz_compute_replica_history_dataflow_count{${POD}})`,
        REPLICA,
        CLUSTER,
      ),
  },
  {
    id: "compute.arrangement_worker_skew",
    datasource: "prometheus",
    description:
      "Per-worker skew of arrangement maintenance per replica: the busiest worker's time over the mean worker's (1 is even).",
    unit: "short",
    legend: `${replicaLegend} arrangements`,
    expr: () =>
      withReplicaNames(
        skew(
          `rate(mz_arrangement_maintenance_seconds_total{${POD}}[$__rate_interval])`,
          `${ENV}, ${CLUSTER}, ${REPLICA}`,
        ),
        REPLICA,
        CLUSTER,
      ),
  },
  {
    id: "compute.dataflow_worker_skew",
    datasource: "prometheus",
    description:
      "Per-worker skew of dataflow time per replica: the busiest worker's time over the mean worker's (1 is even).",
    unit: "short",
    legend: `${replicaLegend} dataflows`,
    expr: () =>
      withReplicaNames(
        skew(
          `sum by (${ENV}, instance_id, replica_id, worker_id) (rate(mz_dataflow_elapsed_seconds_total{${COMPUTE_REPLICA}}[$__rate_interval]))`,
          `${ENV}, instance_id, replica_id`,
        ),
        "replica_id",
        "instance_id",
      ),
  },
  {
    id: "compute.records_by_object",
    datasource: "prometheus",
    description:
      "The ten collections holding the most arranged records (summed over workers, at their largest replica), by name.",
    unit: "short",
    expr: () =>
      withClusterName(
        withObjectName(
          `topk(10, max by (${ENV}, instance_id, collection_id) (sum by (${ENV}, instance_id, replica_id, collection_id) (mz_arrangement_record_count{${COMPUTE_REPLICA}})))`,
          "collection_id",
          "global_id",
        ),
        "instance_id",
      ),
  },
  {
    id: "compute.arrangement_size_by_object",
    datasource: "prometheus",
    description:
      "The ten collections with the largest arrangements in bytes (at their largest replica), by name.",
    unit: "bytes",
    legend: objectLegend,
    expr: () =>
      withObjectName(
        `topk(10, max by (${ENV}, instance_id, collection_id) (sum by (${ENV}, instance_id, replica_id, collection_id) (mz_arrangement_size_bytes{${COMPUTE_REPLICA}})))`,
        "collection_id",
        "global_id",
      ),
  },

  // --- sources and sinks ---
  ...(["source", "sink"] as const).map(
    (type): QueryDefinition => ({
      id: `storage.${type}_inventory`,
      datasource: "prometheus",
      description: `Every user ${type} with its connection type, envelope and cluster (mz_storage_objects), named from mz_object_info and mz_cluster_info, valued by the replica processes running it: 0 is a ${type} whose cluster has no replica.`,
      unit: "short",
      expr: () =>
        columns(
          withClusterName(withObjectName(storageInventory(type), "id", "object_id"), "cluster_id"),
          ["id", NAME_LABEL.object, "connection_type", "envelope_type", NAME_LABEL.cluster],
        ),
    }),
  ),
  ...(["source", "sink"] as const).map(
    (type): QueryDefinition => ({
      id: `storage.${type}s_by_connection_type`,
      datasource: "prometheus",
      description: `User ${type}s by connection type (kafka, postgres, mysql, iceberg, ...).`,
      unit: "short",
      legend: "{{connection_type}}",
      expr: () =>
        `count by (connection_type) (max by (${ENV}, id, connection_type) (mz_storage_objects{type="${type}", ${ENV_FILTER}}))`,
    }),
  ),
  {
    id: "storage.source_bytes_by_source",
    datasource: "prometheus",
    description: "Bytes per second read from upstream per source, by name.",
    unit: "Bps",
    legend: objectLegend,
    expr: () =>
      namedSource(
        `sum by (${ENV}, parent_source_id) (rate(mz_source_bytes_received{${POD}}[$__rate_interval]))`,
        "parent_source_id",
      ),
  },
  {
    id: "storage.source_messages_by_source",
    datasource: "prometheus",
    description: "Messages per second read from upstream per source, by name.",
    unit: "short",
    legend: objectLegend,
    expr: () =>
      namedSource(
        `sum by (${ENV}, parent_source_id) (rate(mz_source_messages_received{${POD}}[$__rate_interval]))`,
        "parent_source_id",
      ),
  },
  {
    id: "storage.source_commit_failures_by_source",
    datasource: "prometheus",
    description:
      "Failures per second to commit offsets back upstream (Kafka consumer group, Postgres replication slot), per source.",
    unit: "short",
    legend: objectLegend,
    expr: () =>
      namedSource(
        `sum by (${ENV}, source_id) (rate(mz_source_offset_commit_failures{${POD}}[$__rate_interval]))`,
      ),
  },
  {
    id: "storage.source_offset_lag_by_source",
    datasource: "prometheus",
    description:
      "Upstream offsets known but not yet committed, per source: its lag behind upstream.",
    unit: "short",
    legend: objectLegend,
    expr: () =>
      namedSource(
        `sum by (${ENV}, source_id) (mz_source_offset_known{${POD}} - mz_source_offset_committed{${POD}})`,
      ),
  },
  {
    id: "storage.sink_bytes_by_sink",
    datasource: "prometheus",
    description: "Bytes per second committed downstream per sink, by name.",
    unit: "Bps",
    legend: objectLegend,
    expr: () => namedSink(perSink("mz_sink_bytes_committed", "rate")),
  },
  {
    id: "storage.sink_lag_by_sink",
    datasource: "prometheus",
    description: "Bytes a sink has staged but not yet committed downstream: its lag.",
    unit: "bytes",
    legend: objectLegend,
    expr: () =>
      namedSink(
        `sum by (${ENV}, sink_id) (mz_sink_bytes_staged{${POD}} - mz_sink_bytes_committed{${POD}})`,
      ),
  },
  {
    id: "storage.iceberg_commit_p99",
    datasource: "prometheus",
    description: "99th percentile of the time an Iceberg sink takes to commit a batch, per sink.",
    unit: "s",
    legend: objectLegend,
    expr: () =>
      namedSink(
        `histogram_quantile(0.99, sum by (le, ${ENV}, sink_id) (rate(mz_sink_iceberg_commit_duration_seconds_bucket{${POD}}[$__rate_interval])))`,
      ),
  },
  {
    id: "storage.iceberg_commit_conflicts",
    datasource: "prometheus",
    description: "Iceberg commits per second that hit a conflicting concurrent commit, per sink.",
    unit: "short",
    legend: `${objectLegend} conflicts`,
    expr: () => namedSink(perSink("mz_sink_iceberg_commit_conflicts", "rate")),
  },
  {
    id: "storage.iceberg_commit_failures",
    datasource: "prometheus",
    description: "Iceberg commits per second that failed, per sink.",
    unit: "short",
    legend: `${objectLegend} failures`,
    expr: () => namedSink(perSink("mz_sink_iceberg_commit_failures", "rate")),
  },
  {
    id: "storage.iceberg_snapshots",
    datasource: "prometheus",
    description: "Iceberg snapshots committed per second, per sink.",
    unit: "short",
    legend: `${objectLegend} snapshots`,
    expr: () => namedSink(perSink("mz_sink_iceberg_snapshots_committed", "rate")),
  },
  {
    id: "storage.kafka_outbuf",
    datasource: "prometheus",
    description:
      "Messages waiting in the Kafka producer's buffer per sink (librdkafka outbuf_msg_cnt).",
    unit: "short",
    legend: objectLegend,
    expr: () => namedSink(perSink("mz_sink_rdkafka_outbuf_msg_cnt")),
  },
  ...(
    [
      ["connects", "mz_sink_rdkafka_connects", "Kafka broker connections opened"],
      ["disconnects", "mz_sink_rdkafka_disconnects", "Kafka broker disconnections"],
      ["txerrs", "mz_sink_rdkafka_txerrs", "Kafka transmit errors"],
    ] as const
  ).map(
    ([key, metric, what]): QueryDefinition => ({
      id: `storage.kafka_${key}`,
      datasource: "prometheus",
      description: `${what} per interval, per sink (librdkafka's cumulative counts exposed as gauges, hence delta).`,
      unit: "short",
      legend: `${objectLegend} ${key}`,
      expr: () =>
        namedSink(
          `sum by (${ENV}, sink_id) (clamp_min(delta(${metric}{${POD}}[$__rate_interval]), 0))`,
        ),
    }),
  ),
];
