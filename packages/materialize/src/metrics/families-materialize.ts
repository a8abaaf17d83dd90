/**
 * Materialize's own metric families on environmentd's and clusterd's `/metrics`: the catalog
 * info metrics, and the families of the shared reference. Facts were read in Materialize's
 * source (BSL; read for names, labels and types only) and its generated metrics table.
 */
import type { MaterializeVersion, MetricFamily } from "./model.js";

const MZ = "MaterializeInc/materialize";
/** Materialize's generated metrics table (names, help, exposed labels). */
export const MZ_METRICS_APPENDIX = "https://materialize.com/docs/observability/appendix-metrics/";
const INFO_METRICS_SRC = `${MZ}:src/adapter/src/coord/info_metrics.rs@007be1539fe1`;
const ADAPTER_SRC = `${MZ}:src/adapter/src/metrics.rs@00025cb9c200`;
const COMPUTE_CONTROLLER_SRC = `${MZ}:src/compute-client/src/metrics.rs@00ca8d2f1d00`;
const COMPUTE_REPLICA_SRC = `${MZ}:src/compute/src/metrics.rs@main`;
const STORAGE_STATISTICS_SRC = `${MZ}:src/storage/src/statistics.rs@main`;
const KAFKA_SINK_SRC = `${MZ}:src/storage/src/metrics/sink/kafka.rs@main`;
const ICEBERG_SINK_SRC = `${MZ}:src/storage/src/metrics/sink/iceberg.rs@1be70bf08d2e`;
/** Materialize's own monitoring project (deployment modes, cloud-only components). */
const MZ_MONITORING = "MaterializeInc/materialize-monitoring";
const MZ_MONITORING_ALERTS = `${MZ_MONITORING}:packages/queries/materialize-alerts.yaml@a28395ebb15b`;
const MZ_MONITORING_STYLE = `${MZ_MONITORING}:docs/content/reference/internal/dashboard/style-guidelines.md@a28395ebb15b`;
const SHARED_REFERENCE = "shared/reference/materialize-metrics.yaml";

/** v26.29.0 introduced the catalog info metrics. */
export const INFO_METRICS_SINCE: MaterializeVersion = {
  version: "v26.29.0",
  precision: "exact",
  evidence: `${MZ_MONITORING}:README.md@a28395ebb15b and docs/content/reference/compatibility.md ("the mz_object_info metric introduced in v26.29.0"); added upstream by ${MZ}#36980 (SQL-344, June 2026)`,
};

const INFO_NOTE =
  "Value is always 1. Series are rebuilt from the catalog every catalog_info_metrics_reconcile_interval (dyncfg, default 30s; 0 disables). During a rolling restart two environmentd generations can both export a series: deduplicate with max by (...) before group_left.";

/** The catalog info metrics (environmentd `/metrics`, Materialize v26.29.0+). */
export const INFO_FAMILIES: readonly MetricFamily[] = [
  {
    name: "mz_object_info",
    type: "gauge",
    help: "Maps catalog object IDs to the object's name, schema, database, and type. Constant 1.",
    labels: ["object_id", "global_id", "name", "schema_name", "database_name", "type"],
    endpoints: ["environmentd"],
    evidence: "source",
    source: `${INFO_METRICS_SRC}; ${MZ_METRICS_APPENDIX}`,
    introduced: INFO_METRICS_SINCE,
    info: {
      joins: [
        { label: "object_id", matches: ["id"] },
        {
          label: "global_id",
          matches: ["collection_id", "source_id", "sink_id", "parent_source_id"],
        },
      ],
    },
    notes: `${INFO_NOTE} One series per global id of every system and user item (temporary items and per-cluster introspection indexes excluded); object_id is the catalog item id, global_id the collection id that controller, wallclock-lag, frontier and storage-statistics series carry. database_name is empty for system objects; type is the audit object type (table, view, materialized-view, source, sink, index, secret, connection, ...).`,
  },
  {
    name: "mz_cluster_info",
    type: "gauge",
    help: "Maps cluster IDs to the cluster's name and size. Constant 1.",
    labels: ["cluster_id", "name", "size"],
    endpoints: ["environmentd"],
    evidence: "source",
    source: `${INFO_METRICS_SRC}; ${MZ_METRICS_APPENDIX}`,
    introduced: INFO_METRICS_SINCE,
    info: {
      joins: [
        {
          label: "cluster_id",
          matches: [
            "instance_id",
            "compute_cluster_id",
            "cluster_environmentd_materialize_cloud_cluster_id",
          ],
        },
      ],
    },
    notes: `${INFO_NOTE} size is empty for unmanaged clusters.`,
  },
  {
    name: "mz_replica_info",
    type: "gauge",
    help: "Maps cluster replica IDs to the replica's name and size. Constant 1.",
    labels: ["replica_id", "cluster_id", "name", "size"],
    endpoints: ["environmentd"],
    evidence: "source",
    source: `${INFO_METRICS_SRC}; ${MZ_METRICS_APPENDIX}`,
    introduced: INFO_METRICS_SINCE,
    info: {
      joins: [
        {
          label: "replica_id",
          matches: [
            "replica_id",
            "compute_replica_id",
            "cluster_environmentd_materialize_cloud_replica_id",
          ],
        },
        {
          label: "cluster_id",
          matches: ["instance_id", "cluster_environmentd_materialize_cloud_cluster_id"],
        },
      ],
    },
    notes: `${INFO_NOTE} name is the replica name only (the SQL families' replica_full_name is <cluster>.<replica>); size is empty for unmanaged replicas.`,
  },
  {
    name: "mz_source_info",
    type: "gauge",
    help: "Maps user source IDs to the source's type, envelope type, and cluster. Constant 1.",
    labels: ["source_id", "type", "envelope_type", "cluster_id"],
    endpoints: ["environmentd"],
    evidence: "source",
    source: `${INFO_METRICS_SRC}; ${MZ_METRICS_APPENDIX}`,
    introduced: INFO_METRICS_SINCE,
    info: {
      joins: [
        { label: "source_id", matches: ["source_id", "parent_source_id", "id"] },
        { label: "cluster_id", matches: ["instance_id", "cluster_id"] },
      ],
    },
    notes: `${INFO_NOTE} Ingestions and webhook sources only (no subsources, progress, introspection or catalog sources). source_id is the catalog item id (not the global id the storage-statistics series carry): for an exact join by collection go through mz_object_info's object_id/global_id. No name label: take the name from mz_object_info.`,
  },
  {
    name: "mz_sink_info",
    type: "gauge",
    help: "Maps user sink IDs to the sink's type, envelope type, and cluster. Constant 1.",
    labels: ["sink_id", "type", "envelope_type", "cluster_id"],
    endpoints: ["environmentd"],
    evidence: "source",
    source: `${INFO_METRICS_SRC}; ${MZ_METRICS_APPENDIX}`,
    introduced: INFO_METRICS_SINCE,
    info: {
      joins: [
        { label: "sink_id", matches: ["sink_id", "id"] },
        { label: "cluster_id", matches: ["instance_id", "cluster_id"] },
      ],
    },
    notes: `${INFO_NOTE} sink_id is the catalog item id (see mz_source_info); no name label: take the name from mz_object_info.`,
  },
  {
    name: "mz_catalog_info_metrics_reconcile_seconds",
    type: "histogram",
    help: "Time taken to rebuild the catalog info metrics from a catalog snapshot.",
    labels: [],
    endpoints: ["environmentd"],
    evidence: "source",
    source: `${INFO_METRICS_SRC}; ${MZ_METRICS_APPENDIX}`,
    introduced: INFO_METRICS_SINCE,
    notes:
      "Registered with the info metrics; a count that stops increasing means the info series are no longer reconciled.",
  },
];

const persist = (
  name: string,
  help: string,
  labels: readonly string[] = [],
  notes?: string,
): MetricFamily => ({
  name,
  type: "counter",
  help,
  labels,
  endpoints: ["environmentd", "clusterd"],
  evidence: "documentation",
  source: MZ_METRICS_APPENDIX,
  ...(notes ? { notes } : {}),
});

/**
 * The Materialize families of the shared reference (not SQL-derived), with the type and the
 * labels the endpoint exposes. `materialize_cloud_*` and `cluster_environmentd_*` labels come
 * from this package's relabeling (the endpoint's target labels).
 */
export const NATIVE_FAMILIES: readonly MetricFamily[] = [
  // environmentd: adapter
  {
    name: "mz_active_sessions",
    type: "gauge",
    help: "The number of active coordinator sessions.",
    labels: ["session_type"],
    endpoints: ["environmentd"],
    evidence: "source",
    source: ADAPTER_SRC,
  },
  {
    name: "mz_active_subscribes",
    type: "gauge",
    help: "The number of active SUBSCRIBE queries.",
    labels: ["session_type"],
    endpoints: ["environmentd"],
    evidence: "source",
    source: ADAPTER_SRC,
  },
  {
    name: "mz_adapter_commands",
    type: "counter",
    help: "The total number of adapter commands issued of the given type since process start.",
    labels: ["command_type", "status", "application_name"],
    endpoints: ["environmentd"],
    evidence: "source",
    source: ADAPTER_SRC,
  },
  {
    name: "mz_query_total",
    type: "counter",
    help: "The total number of queries issued of the given type since process start.",
    labels: ["session_type", "statement_type"],
    endpoints: ["environmentd"],
    evidence: "source",
    source: ADAPTER_SRC,
  },
  {
    name: "mz_time_to_first_row_seconds",
    type: "histogram",
    help: "Latency of an execute for a successful query from pgwire's perspective",
    labels: ["instance_id", "isolation_level", "strategy", "application_name"],
    endpoints: ["environmentd"],
    evidence: "source",
    source: `${ADAPTER_SRC}; ${MZ_METRICS_APPENDIX}`,
    notes: "application_name is in the generated table, not in the pinned source version.",
  },
  {
    name: "mz_auth_request_count",
    type: "counter",
    help: "Total number of HTTP requests made to Frontegg for authentication",
    labels: ["path", "status"],
    endpoints: ["environmentd"],
    evidence: "documentation",
    source: MZ_METRICS_APPENDIX,
    deployment: "cloud-only",
    notes:
      "Frontegg authentication only (Materialize Cloud); self-managed authentication does not use Frontegg.",
  },
  {
    name: "mz_parameter_frontend_last_cse_time_seconds",
    type: "gauge",
    help: "The last known time when the LaunchDarkly client sent an event to the LaunchDarkly server (as unix timestamp).",
    labels: [],
    endpoints: ["environmentd"],
    evidence: "documentation",
    source: `${MZ_METRICS_APPENDIX}; ${MZ_MONITORING_ALERTS}`,
    deployment: "cloud-only",
    notes: "LaunchDarkly parameter sync, which self-managed deployments do not run.",
  },
  {
    name: "mz_parameter_frontend_last_sse_time_seconds",
    type: "gauge",
    help: "The last known time when the LaunchDarkly client received an event from the LaunchDarkly server (as unix timestamp).",
    labels: [],
    endpoints: ["environmentd"],
    evidence: "documentation",
    source: `${MZ_METRICS_APPENDIX}; ${MZ_MONITORING_ALERTS}`,
    deployment: "cloud-only",
    notes: "LaunchDarkly parameter sync, which self-managed deployments do not run.",
  },
  {
    name: "mz_shard_finalization_outstanding",
    type: "gauge",
    help: "count of shards in need of finalization",
    labels: [],
    endpoints: ["environmentd"],
    evidence: "documentation",
    source: MZ_METRICS_APPENDIX,
  },
  // environmentd: compute controller
  {
    name: "mz_compute_controller_hydration_queue_size",
    type: "gauge",
    help: "The size of the compute hydration queue.",
    labels: ["instance_id", "replica_id"],
    endpoints: ["environmentd"],
    evidence: "source",
    source: `${MZ}:src/compute-client (SequentialHydration::register_queue_metric, a UIntGaugeVec)@main; ${MZ_METRICS_APPENDIX}`,
  },
  {
    name: "mz_compute_peek_duration_seconds",
    type: "histogram",
    help: "A histogram of peek durations since restart.",
    labels: ["instance_id", "result"],
    endpoints: ["environmentd"],
    evidence: "source",
    source: COMPUTE_CONTROLLER_SRC,
    notes: "Per cluster (instance_id), no replica_id.",
  },
  {
    name: "mz_dataflow_wallclock_lag_seconds",
    type: "summary",
    help: "A summary of the second-by-second lag of the dataflow frontier relative to wallclock time, aggregated over the last minute.",
    labels: ["instance_id", "replica_id", "collection_id"],
    endpoints: ["environmentd"],
    evidence: "documentation",
    source: `${MZ_METRICS_APPENDIX}; shared/reference/materialize.md`,
    notes:
      "Quantiles 0 and 1 only; a not-hydrated collection reports a huge sentinel (filter < 1e9); series without instance_id duplicate the per-replica ones.",
  },
  // clusterd: compute replica
  {
    name: "mz_arrangement_maintenance_seconds_total",
    type: "counter",
    help: "The total time spent maintaining arrangements.",
    labels: ["worker_id"],
    endpoints: ["clusterd"],
    evidence: "source",
    source: COMPUTE_REPLICA_SRC,
  },
  {
    name: "mz_compute_replica_history_dataflow_count",
    type: "gauge",
    help: "The number of dataflows in the replica's command history.",
    labels: ["worker_id"],
    endpoints: ["clusterd"],
    evidence: "source",
    source: COMPUTE_REPLICA_SRC,
  },
  {
    name: "mz_dataflow_replica_expiration_remaining_seconds",
    type: "gauge",
    help: "The remaining seconds until replica expiration. Can go negative, can lag behind.",
    labels: ["worker_id"],
    endpoints: ["clusterd"],
    evidence: "source",
    source: COMPUTE_REPLICA_SRC,
  },
  {
    name: "mz_cluster_server_last_command_received",
    type: "gauge",
    help: "The time (in seconds since the Unix epoch) at which the server last received data from the controller, including CTP keepalives.",
    labels: ["server_name"],
    endpoints: ["clusterd"],
    evidence: "documentation",
    source: MZ_METRICS_APPENDIX,
  },
  {
    name: "mz_memory_limiter_memory_limit_bytes",
    type: "gauge",
    help: "The configured memory limit.",
    labels: [],
    endpoints: ["clusterd"],
    evidence: "documentation",
    source: MZ_METRICS_APPENDIX,
  },
  {
    name: "mz_memory_limiter_memory_usage_bytes",
    type: "gauge",
    help: "The current memory usage.",
    labels: [],
    endpoints: ["clusterd"],
    evidence: "documentation",
    source: MZ_METRICS_APPENDIX,
  },
  // clusterd: storage statistics
  ...(
    [
      ["mz_source_bytes_received", "counter"],
      ["mz_source_messages_received", "counter"],
    ] as const
  ).map(
    ([name, type]): MetricFamily => ({
      name,
      type,
      labels: ["source_id", "worker_id", "parent_source_id"],
      endpoints: ["clusterd"],
      evidence: "source",
      source: STORAGE_STATISTICS_SRC,
      notes: "source_id is the subsource's global id; the primary source is parent_source_id.",
    }),
  ),
  ...(["mz_source_offset_known", "mz_source_offset_committed"] as const).map(
    (name): MetricFamily => ({
      name,
      type: "gauge",
      labels: ["source_id", "worker_id", "shard_id"],
      endpoints: ["clusterd"],
      evidence: "source",
      source: STORAGE_STATISTICS_SRC,
    }),
  ),
  {
    name: "mz_source_offset_commit_failures",
    type: "counter",
    help: "A counter representing how many times we have failed to commit offsets for a source",
    labels: ["source_id"],
    endpoints: ["clusterd"],
    evidence: "documentation",
    source: MZ_METRICS_APPENDIX,
  },
  ...(["mz_sink_bytes_committed", "mz_sink_bytes_staged"] as const).map(
    (name): MetricFamily => ({
      name,
      type: "counter",
      labels: ["sink_id", "worker_id"],
      endpoints: ["clusterd"],
      evidence: "source",
      source: STORAGE_STATISTICS_SRC,
    }),
  ),
  ...(
    [
      "mz_sink_iceberg_commit_conflicts",
      "mz_sink_iceberg_commit_failures",
      "mz_sink_iceberg_data_files_written",
      "mz_sink_iceberg_delete_files_written",
      "mz_sink_iceberg_snapshots_committed",
    ] as const
  ).map(
    (name): MetricFamily => ({
      name,
      type: "counter",
      labels: ["sink_id", "worker_id"],
      endpoints: ["clusterd"],
      evidence: "source",
      source: ICEBERG_SINK_SRC,
    }),
  ),
  {
    name: "mz_sink_iceberg_commit_duration_seconds",
    type: "histogram",
    help: "Time spent committing batches to Iceberg in seconds",
    labels: ["sink_id", "worker_id"],
    endpoints: ["clusterd"],
    evidence: "source",
    source: ICEBERG_SINK_SRC,
  },
  ...(
    [
      "mz_sink_rdkafka_connects",
      "mz_sink_rdkafka_disconnects",
      "mz_sink_rdkafka_outbuf_msg_cnt",
      "mz_sink_rdkafka_txerrs",
    ] as const
  ).map(
    (name): MetricFamily => ({
      name,
      type: "gauge",
      labels: ["sink_id"],
      endpoints: ["clusterd"],
      evidence: "source",
      source: KAFKA_SINK_SRC,
      notes:
        "A gauge set from librdkafka's statistics, although the value is cumulative for connects, disconnects and txerrs: use delta()/idelta(), not rate().",
    }),
  ),
  // environmentd and clusterd: persist
  persist("mz_persist_blob_failures", "count of all blob operation failures"),
  persist("mz_persist_cmd_failed_count", "count of commands failed", ["cmd"]),
  persist(
    "mz_persist_columnar_op_count",
    "number of rows we've run the specified op on in our structured columnar format",
    ["column", "op", "result"],
  ),
  persist(
    "mz_persist_compaction_dropped",
    "count of total compaction requests dropped due to a full queue",
  ),
  persist("mz_persist_compaction_failed", "count of compactions failed"),
  persist("mz_persist_compaction_noop", "count of compactions discarded (obsolete)"),
  persist("mz_persist_consensus_failures", "count of determinate consensus operation failures"),
  persist(
    "mz_persist_external_blob_delete_noop_count",
    "count of blob delete calls that deleted a non-existent key",
  ),
  persist("mz_persist_external_failed_count", "count of external service calls failed", ["op"]),
  persist("mz_persist_lease_timeout_read", "count of readers whose lease timed out"),
  persist(
    "mz_persist_pushdown_parts_mismatched_stats_count",
    "number of parts read with unexpectedly the incorrect type of stats",
  ),
  persist(
    "mz_persist_schema_cache_fetch_state_count",
    "count of state fetches by the schema cache",
  ),
  persist(
    "mz_persist_shard_unconsolidated_snapshot",
    "in snapshot_and_read, the number of times consolidating the raw data wasn't enough to produce consolidated output",
    ["name", "shard"],
  ),
  persist(
    "mz_persist_state_update_state_slow_path",
    "count of state update applications that hit the slow path",
  ),
  {
    name: "mz_persist_columnar_validation_count",
    type: "counter",
    labels: ["result"],
    endpoints: ["environmentd", "clusterd"],
    evidence: "reference-only",
    source: SHARED_REFERENCE,
    notes:
      'Not in Materialize\'s generated metrics table; the same signal is mz_persist_columnar_op_count{op="validation"}. Type assumed.',
  },
  {
    name: "mz_txn_placeholder_schema_apply",
    type: "counter",
    labels: [],
    endpoints: ["environmentd", "clusterd"],
    evidence: "reference-only",
    source: SHARED_REFERENCE,
    notes:
      "Not in Materialize's generated metrics table (its txn-wal metrics are mz_txn_batch_*, mz_txn_data_shard_count, mz_txn_op_*). Type assumed.",
  },
  // Materialize Cloud only
  {
    name: "mz_compute_hydration_time_seconds",
    type: "gauge",
    labels: ["hydrated", "instance_id", "replica_id"],
    addedLabels: ["materialize_cloud_organization_name"],
    endpoints: ["materialize-cloud"],
    evidence: "reference-only",
    source: `${SHARED_REFERENCE}; ${MZ_MONITORING_STYLE}`,
    deployment: "cloud-only",
    notes:
      "Not served by self-managed environmentd (neither /metrics nor /metrics/mz_*); Materialize's monitoring project documents its cloud promsql-exporter twin v2_mz_compute_hydration_time_seconds as cloud-only. Type assumed.",
  },
  {
    name: "mz_external_calls_count",
    type: "counter",
    labels: ["status"],
    endpoints: ["materialize-cloud"],
    evidence: "reference-only",
    source: `${SHARED_REFERENCE}; ${MZ_MONITORING_ALERTS}`,
    deployment: "cloud-only",
    notes:
      "The Materialize Cloud external uptime checker (also labelled connection_type). Type assumed.",
  },
  {
    name: "mz_external_envd_up",
    type: "gauge",
    labels: [],
    endpoints: ["materialize-cloud"],
    evidence: "reference-only",
    source: `${SHARED_REFERENCE}; ${MZ_MONITORING_ALERTS}`,
    deployment: "cloud-only",
    notes: "The Materialize Cloud external uptime checker. Type assumed.",
  },
  ...(["v2_mz_can_connect", "v2_mz_envd_up", "v2_mz_views_query_successful"] as const).map(
    (name): MetricFamily => ({
      name,
      type: "gauge",
      labels: [],
      endpoints: ["materialize-cloud"],
      evidence: "reference-only",
      source: `${SHARED_REFERENCE}; ${MZ_MONITORING_STYLE}`,
      deployment: "cloud-only",
      notes:
        "The v2_mz_* family comes from Materialize Cloud's promsql exporter and is absent on self-managed. Type assumed.",
    }),
  ),
];
