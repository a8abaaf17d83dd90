/**
 * Names for ids: joins a series carrying a cluster, replica or object id with the catalog info
 * metrics (`mz_cluster_info`, `mz_replica_info`, `mz_object_info`, environmentd `/metrics`,
 * Materialize v26.29.0+) through `* on (...) group_left (...)`, so legends and tables show
 * names.
 *
 * Degrading: every join is `(series * on (env, id) group_left (name) info) or on (env, id)
 * label_replace(series, name, "$1", id, "(.*)")`. Where the info metric has the id (v26.29.0
 * and newer) the name label holds the name; where it does not (an older Materialize, the info
 * series not reconciled yet, or the scrape filtered) the name label holds the id itself, so
 * panels keep their series and a legend of `{{cluster_name}}` shows `u1` instead of
 * `quickstart`. The series expression appears twice; it is the price of the fallback, and
 * Prometheus evaluates each copy once per step.
 *
 * The info side is made unique per (environment, id) before the join: `max by` removes the
 * duplicate a second environmentd generation exports during a rollout, and `topk by (...) (1,
 * ...)` keeps one name while a rename is in flight, so the join can never be many-to-many.
 * Ids are unique per environment only (`u1` exists in every environment), so every join is on
 * the environment label too: the series must carry it.
 */
import { MZ_LABEL } from "../constants.js";

const ENV = MZ_LABEL.environment;
const ENV_FILTER = `${ENV}=~"$environment"`;

/** Labels the joins add. */
export const NAME_LABEL = {
  cluster: "cluster_name",
  replica: "replica_name",
  object: "object_name",
  objectType: "object_type",
} as const;

/** The type a series gets when the catalog does not know its object (no `mz_object_info`). */
export const UNKNOWN_OBJECT_TYPE = "unknown";

/** `label_replace` copying `from` into `to` (no-op when they are the same label). */
export function copyLabel(expr: string, to: string, from: string): string {
  return to === from ? expr : `label_replace(${expr}, "${to}", "$1", "${from}", "(.*)")`;
}

/** `label_replace` setting `label` to a constant on every series. */
export function setLabel(expr: string, label: string, value: string): string {
  return `label_replace(${expr}, "${label}", "${value}", "__name__", ".*")`;
}

/** One series per (environment, `id`) of an info metric, keeping `keep` labels. */
function onePerId(info: string, id: string, keep: readonly string[]): string {
  return `topk by (${ENV}, ${id}) (1, max by (${ENV}, ${[id, ...keep].join(", ")}) (${info}{${ENV_FILTER}}))`;
}

/** Cluster names keyed by `idLabel` (holding a cluster id), in `cluster_name`. */
export function clusterNames(idLabel: string): string {
  return copyLabel(
    copyLabel(onePerId("mz_cluster_info", "cluster_id", ["name"]), NAME_LABEL.cluster, "name"),
    idLabel,
    "cluster_id",
  );
}

/** Replica names keyed by `idLabel` (holding a replica id), in `replica_name` and `cluster_name`. */
export function replicaNames(idLabel: string): string {
  const replicas = copyLabel(
    onePerId("mz_replica_info", "replica_id", ["cluster_id", "name"]),
    NAME_LABEL.replica,
    "name",
  );
  const named = `${replicas}\n* on (${ENV}, cluster_id) group_left (${NAME_LABEL.cluster})\n${clusterNames("cluster_id")}`;
  return copyLabel(`(${named})`, idLabel, "replica_id");
}

/**
 * Object names keyed by `idLabel`, in `object_name` (`schema.name`) and `object_type` (the
 * catalog type: table, view, materialized-view, index, source, sink, ...). `by` is the info
 * label the id matches: `global_id` for collection ids (frontiers, wallclock lag, storage
 * statistics), `object_id` for catalog item ids (`mz_storage_objects`, `mz_source_info`).
 */
export function objectNames(idLabel: string, by: "global_id" | "object_id"): string {
  const info = onePerId("mz_object_info", by, ["schema_name", "name", "type"]);
  const joined = `label_join(${info}, "${NAME_LABEL.object}", ".", "schema_name", "name")`;
  return copyLabel(copyLabel(joined, NAME_LABEL.objectType, "type"), idLabel, by);
}

function joinOrFallback(
  expr: string,
  on: string,
  labels: readonly string[],
  names: string,
  fallback: string,
): string {
  // Parenthesised whole: `or` binds looser than `*`, and the result is nested in other joins.
  return `(\n(\n  ${expr}\n  * on (${ENV}, ${on}) group_left (${labels.join(", ")})\n  ${names}\n)\nor on (${ENV}, ${on})\n${fallback}\n)`;
}

/** Adds `cluster_name` to `expr`, whose series carry the environment and `idLabel`. */
export function withClusterName(expr: string, idLabel: string): string {
  return joinOrFallback(
    expr,
    idLabel,
    [NAME_LABEL.cluster],
    clusterNames(idLabel),
    copyLabel(expr, NAME_LABEL.cluster, idLabel),
  );
}

/**
 * Adds `cluster_name` and `replica_name` to `expr`, whose series carry the environment,
 * `replicaIdLabel` and `clusterIdLabel` (the fallback names them by the two ids).
 */
export function withReplicaNames(
  expr: string,
  replicaIdLabel: string,
  clusterIdLabel: string,
): string {
  return joinOrFallback(
    expr,
    replicaIdLabel,
    [NAME_LABEL.cluster, NAME_LABEL.replica],
    replicaNames(replicaIdLabel),
    copyLabel(
      copyLabel(expr, NAME_LABEL.cluster, clusterIdLabel),
      NAME_LABEL.replica,
      replicaIdLabel,
    ),
  );
}

/**
 * Adds `object_name` and `object_type` to `expr`, whose series carry the environment and
 * `idLabel`; without the catalog the name is the id and the type `unknown`.
 */
export function withObjectName(
  expr: string,
  idLabel: string,
  by: "global_id" | "object_id",
): string {
  return joinOrFallback(
    expr,
    idLabel,
    [NAME_LABEL.object, NAME_LABEL.objectType],
    objectNames(idLabel, by),
    setLabel(
      copyLabel(expr, NAME_LABEL.object, idLabel),
      NAME_LABEL.objectType,
      UNKNOWN_OBJECT_TYPE,
    ),
  );
}
