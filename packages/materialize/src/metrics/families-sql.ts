/**
 * The SQL-derived families environmentd serves on its `/metrics/mz_*` endpoints: each scrape
 * runs a fixed catalog query per family and exposes every row as a gauge, the non-value
 * columns becoming labels. Names, columns and endpoints were read in Materialize's source.
 */
import type { MaterializeVersion, MetricFamily } from "./model.js";

const MZ = "MaterializeInc/materialize";
/** The query definitions: every family of this file is in this version. */
const QUERIES_SRC = `${MZ}:src/environmentd/src/http/prometheus.rs@285eff60e2ca`;
/** Columns become labels, per-replica queries add replica_full_name, instance_id, replica_id. */
const HANDLER_SRC = `${MZ}:src/environmentd/src/http/sql.rs@main (execute_promsql_query, PER_REPLICA_LABELS)`;
/** The routes of the four endpoints on the internal HTTP listener. */
const ROUTES_SRC = `${MZ}:src/environmentd/src/http.rs@main (/metrics/mz_usage, mz_frontier, mz_compute, mz_storage)`;
const SOURCE = `${QUERIES_SRC}; ${HANDLER_SRC}; ${ROUTES_SRC}`;

/**
 * Every family below is in prometheus.rs at a6a9a2505cf4, where src/environmentd/Cargo.toml is
 * 0.138.0-dev.0; self-managed v25.2.0 ships environmentd v0.147.0. The first release with each
 * family is not confirmed.
 */
export const SQL_FAMILIES_SINCE: MaterializeVersion = {
  version: "v25.2.0",
  precision: "at-or-before",
  evidence: `${MZ}:src/environmentd/src/http/prometheus.rs@a6a9a2505cf4 (src/environmentd/Cargo.toml@a6a9a2505cf4: 0.138.0-dev.0); self-managed v25.2.0 ships environmentd v0.147.0 (https://materialize.com/docs/self-managed/v25.2/release-notes/compatibility/)`,
};

/** Dropped from /metrics/mz_usage in favour of the info metrics. */
const REMOVED_FOR_INFO: MaterializeVersion = {
  version: "v26.41.0",
  precision: "at-or-before",
  evidence: `${MZ}#38611 (merged 2026-09-01, "drop promsql queries superseded by the info metrics"); absent from ${MZ}:src/environmentd/src/http/prometheus.rs@91f982248b93 (src/environmentd/Cargo.toml: 26.41.0-dev.0)`,
};

/** Labels every `/metrics/mz_compute` family gets: the replica the query ran on. */
export const PER_REPLICA_LABELS = ["replica_full_name", "instance_id", "replica_id"] as const;

const FRONTIER_NOTE =
  "The value is a timestamp in milliseconds since the epoch; an empty frontier (a dropped or completed collection) reads 18446744073709551615. Transient collections (t…) are excluded.";

const sql = (
  endpoint: "environmentd_mz_usage" | "environmentd_mz_frontier" | "environmentd_mz_storage",
  name: string,
  help: string,
  labels: readonly string[],
  extra: Partial<MetricFamily> = {},
): MetricFamily => ({
  name,
  type: "gauge",
  help,
  labels,
  endpoints: [endpoint],
  evidence: "source",
  source: SOURCE,
  introduced: SQL_FAMILIES_SINCE,
  ...extra,
});

const compute = (
  name: string,
  help: string,
  labels: readonly string[],
  extra: Partial<MetricFamily> = {},
): MetricFamily => ({
  name,
  type: "gauge",
  help,
  labels: [...labels, ...PER_REPLICA_LABELS],
  endpoints: ["environmentd_mz_compute"],
  evidence: "source",
  source: SOURCE,
  introduced: SQL_FAMILIES_SINCE,
  ...extra,
});

const removed = (replacement: string): Partial<MetricFamily> => ({
  removed: { ...REMOVED_FOR_INFO, replacement },
});

/** The families of environmentd's SQL-derived endpoints, grouped by endpoint. */
export const SQL_FAMILIES: readonly MetricFamily[] = [
  // /metrics/mz_frontier
  sql(
    "environmentd_mz_frontier",
    "mz_write_frontier",
    "The global write frontiers of compute and storage collections.",
    ["collection_id"],
    { notes: FRONTIER_NOTE },
  ),
  sql(
    "environmentd_mz_frontier",
    "mz_read_frontier",
    "The global read frontiers of compute and storage collections.",
    ["collection_id"],
    { notes: FRONTIER_NOTE },
  ),
  sql(
    "environmentd_mz_frontier",
    "mz_replica_write_frontiers",
    "The per-replica write frontiers of compute and storage collections.",
    ["collection_id", "instance_id", "replica_id"],
    {
      notes: `${FRONTIER_NOTE} The query is listed twice in Materialize's source; both runs set the same series.`,
    },
  ),
  // /metrics/mz_usage
  sql(
    "environmentd_mz_usage",
    "mz_compute_cluster_status",
    "Reports the name, ID, size, and availability zone of each cluster replica. Value is always 1.",
    [
      "compute_cluster_id",
      "compute_replica_id",
      "compute_cluster_name",
      "compute_replica_name",
      "size",
      "availability_zone",
      "mz_version",
    ],
    {
      info: {
        joins: [
          { label: "compute_cluster_id", matches: ["instance_id", "cluster_id"] },
          { label: "compute_replica_id", matches: ["replica_id"] },
        ],
      },
      notes:
        "Value always 1: an info series for every replica (system and user); mz_version is environmentd's version.",
    },
  ),
  sql(
    "environmentd_mz_usage",
    "mz_workload_clusters",
    "Reports the workload_class of each user cluster. Value is always 1.",
    ["cluster_id", "cluster_name", "workload_class"],
    {
      info: { joins: [{ label: "cluster_id", matches: ["instance_id", "cluster_id"] }] },
      notes: 'Value always 1; workload_class is "false" when unset.',
    },
  ),
  sql(
    "environmentd_mz_usage",
    "mz_clusters_count",
    "Number of active clusters in the instance.",
    [],
    {
      ...removed('count(max by (cluster_id) (mz_cluster_info{cluster_id=~"u.*"}))'),
      notes: "User clusters only.",
    },
  ),
  sql(
    "environmentd_mz_usage",
    "mz_cluster_reps_count",
    "Number of active cluster replicas in the instance, by replica size.",
    ["size"],
    {
      ...removed(
        'count by (size) (max by (replica_id, size) (mz_replica_info{cluster_id=~"u.*"}))',
      ),
      notes: "Replicas of user clusters only.",
    },
  ),
  sql(
    "environmentd_mz_usage",
    "mz_indexes_count",
    "Number of active indexes in the instance, by the type of relation on which the index is built.",
    ["relation_type"],
    { notes: "User indexes only; absent until the first index exists." },
  ),
  sql(
    "environmentd_mz_usage",
    "mz_sources_count",
    "Number of active sources in the instance, by type, envelope type, and size of source.",
    ["type", "envelope_type", "size"],
    {
      notes:
        "Counts once per replica of the source's cluster (the query joins mz_cluster_replicas); absent until the first source exists.",
    },
  ),
  sql(
    "environmentd_mz_usage",
    "mz_views_count",
    "Number of active views in the instance.",
    [],
    removed('count(max by (object_id) (mz_object_info{type="view", object_id=~"u.*"}))'),
  ),
  sql(
    "environmentd_mz_usage",
    "mz_mzd_views_count",
    "Number of active materialized views in the instance.",
    [],
    removed(
      'count(max by (object_id) (mz_object_info{type="materialized-view", object_id=~"u.*"}))',
    ),
  ),
  sql(
    "environmentd_mz_usage",
    "mz_secrets_count",
    "Number of active secrets in the instance.",
    [],
    removed('count(max by (object_id) (mz_object_info{type="secret", object_id=~"u.*"}))'),
  ),
  sql(
    "environmentd_mz_usage",
    "mz_sinks_count",
    "Number of active sinks in the instance, by type, envelope type, and size.",
    ["type", "envelope_type", "size"],
    { notes: "Counts once per replica of the sink's cluster; absent until the first sink exists." },
  ),
  sql(
    "environmentd_mz_usage",
    "mz_connections_count",
    "Number of active connections in the instance, by type.",
    ["type"],
  ),
  sql(
    "environmentd_mz_usage",
    "mz_tables_count",
    "Number of active tables in the instance.",
    [],
    removed('count(max by (object_id) (mz_object_info{type="table", object_id=~"u.*"}))'),
  ),
  sql(
    "environmentd_mz_usage",
    "mz_catalog_items",
    "Mapping internal id for catalog item.",
    ["label"],
    {
      ...removed("mz_object_info"),
      notes: "Value always 0; label is <database>.<schema>.<name> of a user object.",
    },
  ),
  sql(
    "environmentd_mz_usage",
    "mz_object_id",
    "Mapping external name for catalog item.",
    ["label1", "label2"],
    {
      ...removed("mz_object_info"),
      notes:
        "Value always 0; label1 is the object id, label2 <database>.<schema>.<name> (the column names are the label names).",
    },
  ),
  // /metrics/mz_compute (run once per replica; see PER_REPLICA_LABELS)
  compute("mz_arrangement_count", "The number of arrangements in a dataflow.", ["collection_id"]),
  compute(
    "mz_arrangement_record_count",
    "The number of records in all arrangements in a dataflow.",
    ["worker_id", "collection_id"],
  ),
  compute(
    "mz_arrangement_batch_count",
    "The number of batches in all arrangements in a dataflow.",
    ["worker_id", "collection_id"],
  ),
  compute("mz_arrangement_size_bytes", "The size of all arrangements in a dataflow.", [
    "worker_id",
    "collection_id",
  ]),
  compute("mz_arrangement_capacity_bytes", "The capacity of all arrangements in all dataflows.", [
    "worker_id",
  ]),
  compute(
    "mz_arrangement_allocation_count",
    "The number of allocations in all arrangements in all dataflows.",
    ["worker_id"],
  ),
  compute(
    "mz_compute_replica_park_duration_seconds_total",
    "The total time workers were parked since restart.",
    ["worker_id"],
    {
      notes:
        "A gauge despite the _total suffix (every SQL-derived family is a gauge); the value is cumulative since the replica restarted.",
    },
  ),
  compute("mz_compute_replica_peek_count", "The number of pending peeks.", ["worker_id"]),
  compute(
    "mz_dataflow_elapsed_seconds_total",
    "The total time spent computing a dataflow.",
    ["worker_id", "collection_id"],
    {
      notes:
        "A gauge despite the _total suffix; cumulative since the replica restarted. collection_id is 'transient' for transient dataflows.",
    },
  ),
  compute("mz_dataflow_error_count", "The number of errors in a dataflow", ["collection_id"]),
  // /metrics/mz_storage
  sql(
    "environmentd_mz_storage",
    "mz_storage_objects",
    "Nicely labeled information about existing sources and sinks.",
    [
      "id",
      "type",
      "object_type",
      "connection_type",
      "envelope_type",
      "networking_type",
      "format_connection",
      "format_connection_networking",
      "cluster_id",
      "replica_id",
      "synthesized_pod",
    ],
    {
      info: {
        joins: [
          { label: "id", matches: ["source_id", "sink_id"] },
          { label: "cluster_id", matches: ["instance_id"] },
        ],
      },
      notes:
        'Value always 1, one series per (user source or sink, replica process); type is "source" or "sink"; progress sources and subsources are excluded; replica_id and synthesized_pod are "none" for an object whose cluster has no replica.',
    },
  ),
];
