/**
 * Facts about Materialize on Kubernetes that the targets, queries, rules,
 * dashboards and log stages are built against (see docs/facts in the README).
 * They are shared constants so no other file retypes them.
 */

/** Pod labels Materialize sets, as they appear on the pod. */
export const MZ_POD_LABEL = {
  /** environmentd since v26.24.0. */
  name: "app.kubernetes.io/name",
  /** environmentd before v26.24.0 (and balancerd). */
  app: "app",
  organizationName: "materialize.cloud/organization-name",
  organizationNamespace: "materialize.cloud/organization-namespace",
  organizationId: "materialize.cloud/organization-id",
  clusterId: "cluster.environmentd.materialize.cloud/cluster-id",
  replicaId: "cluster.environmentd.materialize.cloud/replica-id",
  clusterdType: "cluster.environmentd.materialize.cloud/type",
} as const;

/** The first Materialize version whose environmentd pods carry `app.kubernetes.io/name`. */
export const ENVIRONMENTD_NAME_LABEL_SINCE = "v26.24.0";

/**
 * The same labels after Prometheus label-name sanitising; relabeling copies
 * them onto every Materialize series and the dashboards group by them.
 */
export const MZ_LABEL = {
  environment: "materialize_cloud_organization_name",
  environmentNamespace: "materialize_cloud_organization_namespace",
  environmentId: "materialize_cloud_organization_id",
  clusterId: "cluster_environmentd_materialize_cloud_cluster_id",
  replicaId: "cluster_environmentd_materialize_cloud_replica_id",
} as const;

/**
 * Labels that tell one Materialize target from another on alerts: an
 * Alertmanager inhibition rule must list them in `equal`, or a critical alert
 * in one environment or cluster suppresses the warnings of every other.
 */
export const ALERT_IDENTITY_LABELS = [
  MZ_LABEL.environment,
  MZ_LABEL.environmentNamespace,
  "instance_id",
  MZ_LABEL.clusterId,
  MZ_LABEL.replicaId,
] as const;

/** Pod labels copied onto series, with the sanitised name each becomes. */
export const COPIED_POD_LABELS: readonly { podLabel: string; label: string }[] = [
  { podLabel: MZ_POD_LABEL.organizationName, label: MZ_LABEL.environment },
  { podLabel: MZ_POD_LABEL.organizationNamespace, label: MZ_LABEL.environmentNamespace },
  { podLabel: MZ_POD_LABEL.organizationId, label: MZ_LABEL.environmentId },
  { podLabel: MZ_POD_LABEL.clusterId, label: MZ_LABEL.clusterId },
  { podLabel: MZ_POD_LABEL.replicaId, label: MZ_LABEL.replicaId },
];

/** Prometheus' label-name sanitising of a Kubernetes pod label key. */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, "_");
}

/** Ports and port names of the Materialize processes. */
export const MZ_PORT = {
  internalHttpName: "internal-http",
  internalHttp: 6878,
  balancerdInternalHttp: 8080,
  operatorMetricsName: "metrics",
  operatorMetrics: 3100,
} as const;

/** Container names (clusterd's container is named after its image). */
export const MZ_CONTAINER = {
  environmentd: "environmentd",
  clusterd: "clusterd",
  balancerd: "balancerd",
} as const;

/** The SQL-derived metric endpoints served by environmentd. */
export const SQL_METRIC_ENDPOINTS = [
  "mz_compute",
  "mz_frontier",
  "mz_storage",
  "mz_usage",
] as const;
export type SqlMetricEndpoint = (typeof SQL_METRIC_ENDPOINTS)[number];

/** The conventional Secret holding the SQL-derived metrics credentials. */
export const SQL_MONITOR_SECRET = {
  name: "materialize-sql-monitor",
  usernameKey: "username",
  passwordKey: "password",
} as const;

/**
 * Exit codes that are not failures: environmentd exits 166 to restart
 * deliberately; clusterd also exits 135 (SIGBUS, out of scratch disk), 137
 * (SIGKILL, OOM or eviction, reported by its own alert) and 167 (told to halt).
 */
export const EXPECTED_EXIT_CODES = {
  environmentd: [166],
  clusterd: [135, 137, 166, 167],
} as const;

/**
 * Exit codes of a graceful exit, the only ones a system cluster's restart may
 * have: 166 is `halt!` (a restart that is not a crash, MaterializeInc/materialize#31975)
 * and 0 a clean exit (what environmentd does when a newer generation fences it
 * out, MaterializeInc/materialize#29025).
 */
export const GRACEFUL_EXIT_CODES = [0, 166] as const;

/**
 * Pod names of environmentd: the operator runs it as the StatefulSet
 * `<prefix>-environmentd-<generation>`, so its pods are `…-environmentd-<generation>-0`.
 * kube-state-metrics' pod series carry no container or Materialize label to tell it by.
 */
export const ENVIRONMENTD_POD_REGEX = ".+-environmentd-.+";

/**
 * A collection that has not hydrated reports a wallclock lag at least this
 * large; lag queries filter below it and "still hydrating" counts above it.
 */
export const WALLCLOCK_LAG_HYDRATING_SENTINEL = "1e9";

/** Cluster ids: `s…` for system clusters, `u…` for user clusters. */
export const CLUSTER_ID_REGEX = { system: "s.*", user: "u.*" } as const;

/** `job` label of each Materialize scrape target. */
export const MZ_JOB = {
  environmentd: "materialize-environmentd",
  clusterd: "materialize-clusterd",
  balancerd: "materialize-balancerd",
  operator: "materialize-operator",
  sql: (endpoint: SqlMetricEndpoint) => `materialize-environmentd-${endpoint.replace("_", "-")}`,
} as const;
