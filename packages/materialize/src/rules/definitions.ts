import { EXPECTED_EXIT_CODES, GRACEFUL_EXIT_CODES, MZ_LABEL } from "../constants.js";
import { RECORDED } from "../queries/recorded.js";
import type { AlertTier } from "../values.js";
import { INHIBITOR_ALERT_DEFINITIONS } from "./inhibition.js";

/** How the alert's query becomes its condition. */
export type AlertCondition =
  /** The query already selects exactly the failing series. */
  | { type: "query" }
  /** The query measures; each tier compares the measurement with its threshold. */
  | { type: "threshold"; op: ">" | "<" };

/** How `{{ $value }}` is shown in the description. */
export type ValueFormat = "humanize" | "humanizeDuration" | "humanizePercentage" | "none";

export type RuleGroupName =
  | "materialize-recording"
  | "materialize-availability"
  | "materialize-freshness"
  | "materialize-resources"
  | "materialize-dataflow"
  | "materialize-logs"
  | "infrastructure"
  | "monitoring-stack";

export interface RecordingRuleDefinition {
  record: string;
  query: string;
  group: "materialize-recording";
}

export interface AlertDefinition {
  /** The alert name; also the runbook anchor (lower-cased). */
  name: string;
  group: Exclude<RuleGroupName, "materialize-recording">;
  /** The `component` label: which part of the system the alert is about. */
  component: string;
  /** Registry id of the expression. */
  query: string;
  condition: AlertCondition;
  /** Default tiers; `rules.alerts.<name>.tiers` replaces them. */
  tiers: AlertTier[];
  /** Default enablement; `rules.alerts.<name>.enabled` overrides. */
  enabled: boolean;
  summary: string;
  /** Go-template text (only `{{ $labels.x }}` and `{{ $value }}`); `{threshold}` and `{for}` are filled per tier. */
  description: string;
  valueFormat: ValueFormat;
  /** How `{threshold}` is shown: as the number (default), or as a duration (`7d`) for thresholds in seconds. */
  thresholdFormat?: "number" | "duration";
}

export const RECORDING_RULES: readonly RecordingRuleDefinition[] = [
  { record: RECORDED.clusterLag, query: "freshness.cluster_lag", group: "materialize-recording" },
  {
    record: RECORDED.hydratingCollections,
    query: "freshness.hydrating_collections",
    group: "materialize-recording",
  },
  {
    record: RECORDED.replicaMemoryUtilisation,
    query: "resources.replica_memory_utilisation",
    group: "materialize-recording",
  },
];

const warning = (forDuration: string, threshold?: number): AlertTier => ({
  severity: "warning",
  for: forDuration,
  ...(threshold === undefined ? {} : { threshold }),
});
const critical = (forDuration: string, threshold?: number): AlertTier => ({
  severity: "critical",
  for: forDuration,
  ...(threshold === undefined ? {} : { threshold }),
});

const POD = "{{ $labels.namespace }}/{{ $labels.pod }}";
const ENV = `{{ $labels.${MZ_LABEL.environment} }}`;
const CLUSTER_REPLICA = `cluster {{ $labels.${MZ_LABEL.clusterId} }}, replica {{ $labels.${MZ_LABEL.replicaId} }}`;
const DAY = 86400;

export const ALERT_DEFINITIONS: readonly AlertDefinition[] = [
  // --- availability ---
  {
    name: "MaterializeEnvironmentdDown",
    group: "materialize-availability",
    component: "environmentd",
    query: "availability.environmentd_down",
    condition: { type: "query" },
    tiers: [critical("5m")],
    enabled: true,
    summary: "environmentd is down or unreachable.",
    description: `environmentd ${POD} (environment ${ENV}) has failed its metrics scrape for {for}; SQL and HTTP clients cannot reach this environment.`,
    valueFormat: "none",
  },
  {
    name: "MaterializeEnvironmentdNotScraped",
    group: "materialize-availability",
    component: "environmentd",
    query: "availability.environmentd_absent",
    condition: { type: "query" },
    tiers: [warning("15m")],
    enabled: true,
    summary: "No environmentd is being scraped.",
    description:
      "No environmentd scrape target has been discovered for {for}: the environment is gone, or the scrape selectors, namespaces or pod phase filter do not match it.",
    valueFormat: "none",
  },
  {
    name: "MaterializeProcessDown",
    group: "materialize-availability",
    component: "materialize",
    query: "availability.process_down",
    condition: { type: "query" },
    tiers: [warning("10m")],
    enabled: true,
    summary: "A Materialize process fails its scrape.",
    description: "{{ $labels.job }} target " + POD + " has failed its metrics scrape for {for}.",
    valueFormat: "none",
  },
  {
    name: "MaterializeClusterdNotReceivingCommands",
    group: "materialize-availability",
    component: "clusterd",
    query: "availability.clusterd_no_commands",
    condition: { type: "threshold", op: ">" },
    // The threshold is also the grace period of a starting process: the silence counts from its start.
    tiers: [warning("2m", 300)],
    enabled: true,
    summary: "A replica's compute server hears nothing from environmentd.",
    description: `The compute server of clusterd ${POD} (${CLUSTER_REPLICA}) has received nothing from environmentd, not even a keepalive, for {{ $value }} (counted from its start if it never has; above {threshold} for {for}). The replica gets no new work from environmentd: its queries and dataflow changes stall.`,
    valueFormat: "humanizeDuration",
    thresholdFormat: "duration",
  },
  {
    name: "MaterializeEnvironmentdUnexpectedRestart",
    group: "materialize-availability",
    component: "environmentd",
    query: "availability.environmentd_unexpected_exit",
    condition: { type: "query" },
    tiers: [critical("0m")],
    enabled: true,
    summary: "environmentd restarted unexpectedly.",
    description: `environmentd ${POD} restarted with an exit code other than ${EXPECTED_EXIT_CODES.environmentd.join(", ")} (a deliberate restart) in the last 15 minutes.`,
    valueFormat: "none",
  },
  {
    name: "MaterializeClusterdUnexpectedRestart",
    group: "materialize-availability",
    component: "clusterd",
    query: "availability.clusterd_unexpected_exit",
    condition: { type: "query" },
    tiers: [warning("0m")],
    enabled: true,
    summary: "A replica process restarted unexpectedly.",
    description: `clusterd ${POD} restarted with an exit code other than ${EXPECTED_EXIT_CODES.clusterd.join(", ")} in the last 15 minutes.`,
    valueFormat: "none",
  },
  {
    name: "MaterializeSystemClusterUnexpectedRestart",
    group: "materialize-availability",
    component: "clusterd",
    query: "availability.system_cluster_unexpected_exit",
    condition: { type: "query" },
    tiers: [warning("0m")],
    enabled: true,
    summary: "A system-cluster replica restarted without a graceful exit.",
    description: `clusterd ${POD} of system ${CLUSTER_REPLICA} (environment ${ENV}) restarted in the last 15 minutes, and its last exit code was not a graceful one (${GRACEFUL_EXIT_CODES.join(", ")}). System clusters serve the catalog, introspection and the console; they should not crash, run out of memory or be killed.`,
    valueFormat: "none",
  },
  {
    name: "MaterializeEnvironmentdPodPending",
    group: "materialize-availability",
    component: "environmentd",
    query: "availability.environmentd_pod_pending",
    condition: { type: "query" },
    tiers: [critical("15m")],
    enabled: true,
    summary: "An environmentd pod cannot be scheduled.",
    description: `environmentd pod ${POD} has been Pending for {for}: the environment is unavailable, or its upgrade is stuck, until the pod is scheduled.`,
    valueFormat: "none",
  },
  {
    name: "MaterializePodPending",
    group: "materialize-availability",
    component: "kubernetes",
    query: "availability.pod_pending",
    condition: { type: "query" },
    tiers: [warning("15m")],
    enabled: true,
    summary: "A Materialize pod cannot be scheduled.",
    description: `Pod ${POD} has been Pending for {for}.`,
    valueFormat: "none",
  },
  {
    name: "MaterializeReplicaNotReady",
    group: "materialize-availability",
    component: "clusterd",
    query: "availability.replica_not_ready",
    condition: { type: "query" },
    tiers: [warning("15m")],
    enabled: true,
    summary: "A cluster replica is running but not ready.",
    description: `clusterd ${POD} has been running but not ready for {for}.`,
    valueFormat: "none",
  },

  // --- freshness ---
  {
    name: "MaterializeSystemClusterFreshnessLag",
    group: "materialize-freshness",
    component: "freshness",
    query: "freshness.system_cluster_lag",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("10m", 60), critical("10m", 300)],
    enabled: true,
    summary: "A system cluster is falling behind.",
    description: `System cluster {{ $labels.instance_id }} of environment ${ENV} has a wallclock lag of {{ $value }} (above {threshold}s for {for}).`,
    valueFormat: "humanizeDuration",
  },
  {
    name: "MaterializeSystemClusterStale",
    group: "materialize-freshness",
    component: "freshness",
    query: "freshness.system_cluster_stale",
    condition: { type: "threshold", op: ">" },
    tiers: [critical("5m", 300)],
    enabled: true,
    summary: "All data of a system cluster is stale.",
    description: `Even the freshest collection of system cluster {{ $labels.instance_id }} (environment ${ENV}) lags wallclock time by {{ $value }} (above {threshold} for {for}): the cluster has stopped advancing, so the catalog, introspection and console data it serves are stale.`,
    valueFormat: "humanizeDuration",
    thresholdFormat: "duration",
  },
  {
    name: "MaterializeUserClusterFreshnessLag",
    group: "materialize-freshness",
    component: "freshness",
    query: "freshness.user_cluster_lag",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("15m", 300), critical("15m", 1800)],
    enabled: false,
    summary: "A user cluster is falling behind.",
    description: `User cluster {{ $labels.instance_id }} of environment ${ENV} has a wallclock lag of {{ $value }} (above {threshold}s for {for}).`,
    valueFormat: "humanizeDuration",
  },
  {
    name: "MaterializeHydrationStuck",
    group: "materialize-freshness",
    component: "freshness",
    query: "freshness.hydration_stuck",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("2h", 0)],
    enabled: true,
    summary: "Collections on a replica have not hydrated for a long time.",
    description: `{{ $value }} collections on cluster {{ $labels.instance_id }} replica {{ $labels.replica_id }} (environment ${ENV}) have reported no frontier for {for}.`,
    valueFormat: "humanize",
  },
  {
    name: "MaterializeSystemClusterHydrationStuck",
    group: "materialize-freshness",
    component: "freshness",
    query: "freshness.system_cluster_hydration_stuck",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("30m", 0)],
    enabled: true,
    summary: "Collections on a system-cluster replica have not hydrated.",
    description: `{{ $value }} collections on system cluster {{ $labels.instance_id }} replica {{ $labels.replica_id }} (environment ${ENV}) have reported no frontier for {for}; system clusters are small and hydrate in minutes.`,
    valueFormat: "humanize",
  },
  {
    name: "MaterializeReplicaExpirationApproaching",
    group: "materialize-freshness",
    component: "clusterd",
    query: "freshness.replica_expiration_remaining",
    condition: { type: "threshold", op: "<" },
    tiers: [warning("10m", 7 * DAY), critical("5m", 3600)],
    enabled: true,
    summary: "A replica's dataflows expire soon.",
    description: `Dataflows on ${POD} (${CLUSTER_REPLICA}) expire in {{ $value }} (less than {threshold}); past that the replica stops serving them.`,
    valueFormat: "humanizeDuration",
    thresholdFormat: "duration",
  },

  // --- resources ---
  {
    name: "MaterializeReplicaMemoryNearLimit",
    group: "materialize-resources",
    component: "clusterd",
    query: "resources.replica_memory_near_limit",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("15m", 0.9), critical("5m", 0.95)],
    enabled: true,
    summary: "A replica is close to its memory limit.",
    description: `Replica ${POD} uses {{ $value }} of its memory limit (above {threshold} for {for}).`,
    valueFormat: "humanizePercentage",
  },
  {
    name: "MaterializeSystemClusterMemoryNearLimit",
    group: "materialize-resources",
    component: "clusterd",
    query: "resources.system_cluster_memory_near_limit",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("15m", 0.8), critical("5m", 0.9)],
    enabled: true,
    summary: "A system-cluster replica is close to its memory limit.",
    description: `Replica ${POD} of system ${CLUSTER_REPLICA} (environment ${ENV}) uses {{ $value }} of its memory limit (above {threshold} for {for}); system clusters should stay well below it.`,
    valueFormat: "humanizePercentage",
  },
  {
    name: "MaterializeEnvironmentdMemoryNearLimit",
    group: "materialize-resources",
    component: "environmentd",
    query: "resources.environmentd_memory_near_limit",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("30m", 0.8)],
    enabled: true,
    summary: "environmentd is close to its memory limit.",
    description: `environmentd ${POD} uses {{ $value }} of its container memory limit (above {threshold} for {for}); an OOM kill restarts the environment.`,
    valueFormat: "humanizePercentage",
  },
  {
    name: "MaterializeContainerOOMKilled",
    group: "materialize-resources",
    component: "kubernetes",
    query: "resources.oom_killed",
    condition: { type: "query" },
    tiers: [warning("0m")],
    enabled: true,
    summary: "A Materialize container was OOM-killed.",
    description: `Container {{ $labels.container }} of ${POD} was killed for running out of memory in the last 15 minutes.`,
    valueFormat: "none",
  },
  {
    name: "MaterializeCPUThrottling",
    group: "materialize-resources",
    component: "kubernetes",
    query: "resources.cpu_throttling",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("15m", 0.25)],
    enabled: true,
    summary: "A Materialize container is CPU-throttled.",
    description: `Container {{ $labels.container }} of ${POD} was throttled in {{ $value }} of CFS periods (above {threshold} for {for}).`,
    valueFormat: "humanizePercentage",
  },

  // --- persist, sources, sinks ---
  {
    name: "MaterializePersistBlobFailures",
    group: "materialize-dataflow",
    component: "persist",
    query: "persist.blob_failures",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("15m", 0)],
    enabled: true,
    summary: "Persist cannot reach its blob store reliably.",
    description: `${POD} had {{ $value }} blob-store failures in the last 10 minutes, continuously for {for}.`,
    valueFormat: "humanize",
  },
  {
    name: "MaterializePersistConsensusFailures",
    group: "materialize-dataflow",
    component: "persist",
    query: "persist.consensus_failures",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("15m", 0)],
    enabled: true,
    summary: "Persist cannot reach its consensus store reliably.",
    description: `${POD} had {{ $value }} consensus (metadata database) failures in the last 10 minutes, continuously for {for}.`,
    valueFormat: "humanize",
  },
  {
    name: "MaterializePersistConsensusUnreachable",
    group: "materialize-dataflow",
    component: "persist",
    query: "persist.consensus_unreachable",
    condition: { type: "threshold", op: ">" },
    tiers: [critical("5m", 0)],
    enabled: true,
    summary: "Persist's consensus store (the metadata database) is unreachable.",
    description: `Persist in environment ${ENV} (namespace {{ $labels.namespace }}) has failed {{ $value }} consensus operations per minute without pause for {for}: the metadata database (PostgreSQL or CockroachDB) is unreachable, and writes, compaction and frontiers stall.`,
    valueFormat: "humanize",
  },
  {
    name: "MaterializeSourceOffsetCommitFailures",
    group: "materialize-dataflow",
    component: "sources",
    query: "sources.offset_commit_failures",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("15m", 0)],
    enabled: true,
    summary: "Sources fail to commit offsets upstream.",
    description: `Sources on cluster {{ $labels.${MZ_LABEL.clusterId} }} (environment ${ENV}) failed {{ $value }} offset commits in the last 15 minutes.`,
    valueFormat: "humanize",
  },
  {
    name: "MaterializeKafkaSinkErrors",
    group: "materialize-dataflow",
    component: "sinks",
    query: "sinks.kafka_errors",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("15m", 0)],
    enabled: true,
    summary: "Kafka sinks report transmit errors.",
    description: `Kafka sinks on cluster {{ $labels.${MZ_LABEL.clusterId} }} (environment ${ENV}) had {{ $value }} transmit errors in the last 15 minutes.`,
    valueFormat: "humanize",
  },
  {
    name: "MaterializeIcebergSinkCommitFailures",
    group: "materialize-dataflow",
    component: "sinks",
    query: "sinks.iceberg_commit_failures",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("15m", 0)],
    enabled: true,
    summary: "Iceberg sinks fail to commit.",
    description: `Iceberg sinks on cluster {{ $labels.${MZ_LABEL.clusterId} }} (environment ${ENV}) failed {{ $value }} commits in the last 15 minutes.`,
    valueFormat: "humanize",
  },

  // --- logs (Loki ruler) ---
  {
    name: "MaterializePanic",
    group: "materialize-logs",
    component: "materialize",
    query: "logs.panics",
    condition: { type: "threshold", op: ">" },
    tiers: [critical("0m", 0)],
    enabled: true,
    summary: "A Materialize process panicked.",
    description:
      "{{ $labels.container }} in {{ $labels.namespace }} logged {{ $value }} panic lines in the last 5 minutes.",
    valueFormat: "humanize",
  },
  {
    name: "MaterializeDataCorrectnessError",
    group: "materialize-logs",
    component: "materialize",
    query: "logs.correctness_errors",
    condition: { type: "threshold", op: ">" },
    tiers: [critical("0m", 0)],
    enabled: true,
    summary: "Materialize reported a data-correctness problem.",
    description:
      "{{ $labels.container }} in {{ $labels.namespace }} logged {{ $value }} data-correctness errors in the last 5 minutes.",
    valueFormat: "humanize",
  },
  {
    name: "MaterializePersistPushdownViolation",
    group: "materialize-logs",
    component: "persist",
    query: "logs.pushdown_violations",
    condition: { type: "threshold", op: ">" },
    tiers: [critical("0m", 0)],
    enabled: true,
    summary: "Persist filter pushdown skipped data it should have read.",
    description:
      "{{ $labels.container }} in {{ $labels.namespace }} logged {{ $value }} persist filter-pushdown correctness violations in the last 5 minutes: pushdown skipped a part that held matching rows, so results read through it may miss rows (the process panics on it).",
    valueFormat: "humanize",
  },

  // --- infrastructure ---
  {
    name: "NodeMemoryPressure",
    group: "infrastructure",
    component: "node",
    query: "nodes.memory_pressure",
    condition: { type: "query" },
    tiers: [warning("5m")],
    enabled: true,
    summary: "A node is under memory pressure.",
    description:
      "Node {{ $labels.node }} has reported MemoryPressure for {for}; the kubelet evicts pods.",
    valueFormat: "none",
  },
  {
    name: "NodeDiskPressure",
    group: "infrastructure",
    component: "node",
    query: "nodes.disk_pressure",
    condition: { type: "query" },
    tiers: [warning("5m")],
    enabled: true,
    summary: "A node is under disk pressure.",
    description:
      "Node {{ $labels.node }} has reported DiskPressure for {for}; the kubelet evicts pods.",
    valueFormat: "none",
  },
  {
    name: "NodeFilesystemAlmostFull",
    group: "infrastructure",
    component: "node",
    query: "nodes.filesystem_available_ratio",
    condition: { type: "threshold", op: "<" },
    tiers: [warning("30m", 0.1), critical("10m", 0.05)],
    enabled: true,
    summary: "A node filesystem is almost full.",
    description:
      "Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} has {{ $value }} space left (below {threshold}).",
    valueFormat: "humanizePercentage",
  },
  {
    name: "KubePodCrashLooping",
    group: "infrastructure",
    component: "kubernetes",
    query: "kubernetes.pod_crash_looping",
    condition: { type: "query" },
    tiers: [warning("15m")],
    enabled: true,
    summary: "A container is crash-looping.",
    description: `Container {{ $labels.container }} of ${POD} has been in CrashLoopBackOff for {for}.`,
    valueFormat: "none",
  },
  {
    name: "KubePersistentVolumeAlmostFull",
    group: "infrastructure",
    component: "kubernetes",
    query: "kubernetes.pvc_usage_ratio",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("15m", 0.85), critical("5m", 0.95)],
    enabled: true,
    summary: "A PersistentVolumeClaim is almost full.",
    description:
      "PVC {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ $value }} full (above {threshold}).",
    valueFormat: "humanizePercentage",
  },

  // --- the monitoring stack ---
  {
    name: "LokiDown",
    group: "monitoring-stack",
    component: "loki",
    query: "stack.loki_down",
    condition: { type: "query" },
    tiers: [warning("5m")],
    enabled: true,
    summary: "A Loki component is down.",
    description: "Loki target {{ $labels.job }} " + POD + " has failed its scrape for {for}.",
    valueFormat: "none",
  },
  {
    name: "LokiPushErrors",
    group: "monitoring-stack",
    component: "loki",
    query: "stack.loki_push_error_ratio",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("10m", 0.05)],
    enabled: true,
    summary: "Loki fails to accept log pushes.",
    description:
      "{{ $labels.job }} answers {{ $value }} of push requests with a server error (above {threshold}).",
    valueFormat: "humanizePercentage",
  },
  {
    name: "LokiDiscardingLogs",
    group: "monitoring-stack",
    component: "loki",
    query: "stack.loki_discarded_samples",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("15m", 0)],
    enabled: true,
    summary: "Loki is rejecting log lines.",
    description:
      "{{ $labels.job }} discards {{ $value }} lines per second for reason {{ $labels.reason }}.",
    valueFormat: "humanize",
  },
  {
    name: "LokiPanics",
    group: "monitoring-stack",
    component: "loki",
    query: "stack.loki_panics",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("0m", 0)],
    enabled: true,
    summary: "A Loki component panicked.",
    description: "{{ $labels.job }} recovered from {{ $value }} panics in the last 10 minutes.",
    valueFormat: "humanize",
  },
  {
    name: "ThanosDown",
    group: "monitoring-stack",
    component: "thanos",
    query: "stack.thanos_down",
    condition: { type: "query" },
    tiers: [warning("5m")],
    enabled: true,
    summary: "A Thanos component is down.",
    description: "Thanos target {{ $labels.job }} " + POD + " has failed its scrape for {for}.",
    valueFormat: "none",
  },
  {
    name: "ThanosReceiveErrors",
    group: "monitoring-stack",
    component: "thanos",
    query: "stack.thanos_receive_error_ratio",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("10m", 0.05)],
    enabled: true,
    summary: "Thanos receive fails remote-write requests.",
    description:
      "{{ $labels.job }} answers {{ $value }} of remote-write requests with a server error.",
    valueFormat: "humanizePercentage",
  },
  {
    name: "ThanosCompactHalted",
    group: "monitoring-stack",
    component: "thanos",
    query: "stack.thanos_compact_halted",
    condition: { type: "query" },
    tiers: [warning("5m")],
    enabled: true,
    summary: "The Thanos compactor has halted.",
    description:
      "{{ $labels.job }} " +
      POD +
      " halted on an error; blocks are no longer compacted or downsampled.",
    valueFormat: "none",
  },
  {
    name: "ThanosRuleEvaluationFailures",
    group: "monitoring-stack",
    component: "thanos",
    query: "stack.thanos_rule_evaluation_failures",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("15m", 0)],
    enabled: true,
    summary: "The Thanos ruler fails to evaluate rules.",
    description:
      "{{ $labels.job }} fails {{ $value }} rule evaluations per second; alerts may not fire.",
    valueFormat: "humanize",
  },
  {
    name: "ThanosRuleDroppingAlerts",
    group: "monitoring-stack",
    component: "thanos",
    query: "stack.thanos_rule_alerts_dropped",
    condition: { type: "threshold", op: ">" },
    tiers: [critical("5m", 0)],
    enabled: true,
    summary: "The Thanos ruler drops alerts.",
    description:
      "{{ $labels.job }} drops {{ $value }} alerts per second instead of sending them to Alertmanager.",
    valueFormat: "humanize",
  },
  {
    name: "AlloyDown",
    group: "monitoring-stack",
    component: "alloy",
    query: "stack.alloy_down",
    condition: { type: "query" },
    tiers: [warning("5m")],
    enabled: true,
    summary: "An Alloy instance is down.",
    description: "Alloy target {{ $labels.job }} " + POD + " has failed its scrape for {for}.",
    valueFormat: "none",
  },
  {
    name: "AlloyUnhealthyComponents",
    group: "monitoring-stack",
    component: "alloy",
    query: "stack.alloy_unhealthy_components",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("15m", 0)],
    enabled: true,
    summary: "Alloy components are unhealthy.",
    description: "{{ $labels.job }} runs {{ $value }} unhealthy components.",
    valueFormat: "humanize",
  },
  {
    name: "AlloyConfigLoadFailed",
    group: "monitoring-stack",
    component: "alloy",
    query: "stack.alloy_config_load_failed",
    condition: { type: "query" },
    tiers: [warning("5m")],
    enabled: true,
    summary: "Alloy failed to load its configuration.",
    description:
      "{{ $labels.job }} " +
      POD +
      " could not load its last configuration and runs the previous one.",
    valueFormat: "none",
  },
  {
    name: "AlloyRemoteWriteBehind",
    group: "monitoring-stack",
    component: "alloy",
    query: "stack.remote_write_lag",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("15m", 120), critical("15m", 600)],
    enabled: true,
    summary: "Alloy's remote write is falling behind.",
    description:
      "{{ $labels.component_id }} on " +
      POD +
      " is {{ $value }} behind the newest sample (above {threshold}s).",
    valueFormat: "humanizeDuration",
  },
  {
    name: "AlloyRemoteWriteFailing",
    group: "monitoring-stack",
    component: "alloy",
    query: "stack.remote_write_failed_samples",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("15m", 0)],
    enabled: true,
    summary: "Alloy drops samples it cannot remote-write.",
    description:
      "{{ $labels.component_id }} on " + POD + " fails to deliver {{ $value }} samples per second.",
    valueFormat: "humanize",
  },
  {
    name: "AlloyLokiWriteDroppingLogs",
    group: "monitoring-stack",
    component: "alloy",
    query: "stack.loki_write_dropped",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("5m", 0)],
    enabled: true,
    summary: "Alloy drops log entries.",
    description:
      "{{ $labels.component_id }} on " +
      POD +
      " dropped {{ $value }} log entries in the last 10 minutes.",
    valueFormat: "humanize",
  },
  {
    name: "AlertmanagerDown",
    group: "monitoring-stack",
    component: "alertmanager",
    query: "stack.alertmanager_down",
    condition: { type: "query" },
    tiers: [critical("5m")],
    enabled: true,
    summary: "An Alertmanager instance is down.",
    description:
      "Alertmanager target {{ $labels.job }} " + POD + " has failed its scrape for {for}.",
    valueFormat: "none",
  },
  {
    name: "AlertmanagerNotificationsFailing",
    group: "monitoring-stack",
    component: "alertmanager",
    query: "stack.alertmanager_notification_failure_ratio",
    condition: { type: "threshold", op: ">" },
    tiers: [warning("10m", 0.01)],
    enabled: true,
    summary: "Alertmanager fails to deliver notifications.",
    description:
      "{{ $labels.job }} fails {{ $value }} of notifications to integration {{ $labels.integration }}.",
    valueFormat: "humanizePercentage",
  },
  {
    name: "AlertmanagerConfigReloadFailed",
    group: "monitoring-stack",
    component: "alertmanager",
    query: "stack.alertmanager_config_reload_failed",
    condition: { type: "query" },
    tiers: [warning("10m")],
    enabled: true,
    summary: "Alertmanager failed to reload its configuration.",
    description:
      "{{ $labels.job }} " + POD + " runs a stale configuration: its last reload failed.",
    valueFormat: "none",
  },
  {
    name: "Watchdog",
    group: "monitoring-stack",
    component: "monitoring",
    query: "stack.watchdog",
    condition: { type: "query" },
    tiers: [{ severity: "none", for: "0m" }],
    enabled: true,
    summary: "The alerting pipeline works.",
    description:
      "This alert always fires. Route it to a dead man's switch: when it stops arriving, rule evaluation or alert delivery is broken.",
    valueFormat: "none",
  },

  // --- inhibitors (rules/inhibition.ts): never notified, they mute expected alerts ---
  ...INHIBITOR_ALERT_DEFINITIONS,
];
