/**
 * Series the package's recording rules produce (`level:metric:operations`).
 * Alerts read them; allow-lists expand them to the metrics they are built from.
 */
export const RECORDED = {
  clusterLag: "mz_cluster:mz_dataflow_wallclock_lag_seconds:max",
  hydratingCollections: "mz_replica:mz_dataflow_hydrating_collections:count",
  replicaMemoryUtilisation: "namespace_pod:mz_replica_memory_utilisation:ratio",
} as const;

/** The windows the freshness SLO rules record the SLI and burn rate over (SRE workbook, multi-window). */
export const SLO_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] as const;
export type SloWindow = (typeof SLO_WINDOWS)[number];

/** The metric every freshness SLO series is recorded from. */
export const SLO_SOURCE_METRIC = "mz_dataflow_wallclock_lag_seconds";

/**
 * Series the freshness SLO rules record (`level:metric:operations`, level `mz_slo`: one series
 * per SLO and environment, labelled `slo`, the environment and `instance_id`). Allow-lists expand
 * them to the metric they are built from, `mz_dataflow_wallclock_lag_seconds`.
 */
export const SLO_RECORDED = {
  /** The SLI's measurement: worst lag over the selected collections, each at its freshest replica. */
  lag: "mz_slo:freshness_lag:seconds",
  /** The SLO's threshold, as a series beside the lag (for the dashboard). */
  threshold: "mz_slo:freshness_threshold:seconds",
  /** 1 when the measurement was below the threshold at this evaluation (a good minute), else 0. */
  good: "mz_slo:freshness_good:bool",
  /** Fraction of good evaluations over each window, and over the SLO's own window (`period`). */
  sli: (window: SloWindow | "period") => `mz_slo:freshness_sli:ratio_${window}`,
  /** Error ratio over the window divided by the error budget (1 - objective): 1 spends it exactly. */
  burnRate: (window: SloWindow) => `mz_slo:freshness_burn_rate:ratio_${window}`,
  /** The objective, as a series (for the dashboard). */
  objective: "mz_slo:freshness_objective:ratio",
  /** 1 - (error ratio over the SLO window / error budget): below 0 the budget is spent. */
  budgetRemaining: "mz_slo:freshness_error_budget_remaining:ratio",
} as const;

/** Every series name the freshness SLO rules record. */
export const SLO_RECORDED_NAMES: readonly string[] = [
  SLO_RECORDED.lag,
  SLO_RECORDED.threshold,
  SLO_RECORDED.good,
  ...SLO_WINDOWS.map((w) => SLO_RECORDED.sli(w)),
  SLO_RECORDED.sli("period"),
  ...SLO_WINDOWS.map((w) => SLO_RECORDED.burnRate(w)),
  SLO_RECORDED.objective,
  SLO_RECORDED.budgetRemaining,
];
