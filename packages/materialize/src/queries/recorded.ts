/**
 * Series the package's recording rules produce (`level:metric:operations`).
 * Alerts read them; allow-lists expand them to the metrics they are built from.
 */
export const RECORDED = {
  clusterLag: "mz_cluster:mz_dataflow_wallclock_lag_seconds:max",
  hydratingCollections: "mz_replica:mz_dataflow_hydrating_collections:count",
  replicaMemoryUtilisation: "namespace_pod:mz_replica_memory_utilisation:ratio",
} as const;
