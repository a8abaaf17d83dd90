/**
 * The Alloy export: scrape targets and log stages (typed data in
 * targets/targets.ts and logs/stages.ts) turned into alloy-syntax components
 * through alloy-syntax's generic recipes, the same conversion the Alloy
 * gateway applies to every scrape job and log stage it is given.
 * This module is the only one that depends on `@materialize-monitoring/alloy-syntax`.
 */
import {
  addKubernetesScrapeJobs,
  addLogProcess,
  type LogsReceiverList,
  type LokiStage,
  lokiStageOf,
  lokiStages,
  type MetricsReceiverList,
  recipeLabel,
  type Scope,
} from "@materialize-monitoring/alloy-syntax";
import type { LogStage } from "./logs/stages.js";
import type { ScrapeTarget } from "./targets/targets.js";
import type { ResolvedMaterializeValues } from "./values.js";

export interface AlloyScrapeOptions {
  /** Where scraped (and allow-list filtered) metrics go, e.g. `[remoteWrite.exports.receiver]`. */
  forwardTo: MetricsReceiverList;
  /** Share targets among the members of an Alloy cluster (the gateway runs clustered). */
  clustering?: boolean;
  /** Prefix of every component label (default `materialize`). */
  labelPrefix?: string;
}

/**
 * Adds the Materialize scrape pipeline to an Alloy file: per distinct pod
 * selection a `discovery.kubernetes` and a `discovery.relabel`; per target a
 * `prometheus.scrape`; the allow-list as a `prometheus.relabel` in front of
 * `forwardTo`; and the SQL-monitor credentials from the Secret through
 * `remote.kubernetes.secret` (never a literal).
 */
export function addMaterializeScrapes(
  config: Scope,
  targets: readonly ScrapeTarget[],
  values: ResolvedMaterializeValues,
  options: AlloyScrapeOptions,
): string[] {
  const prefix = options.labelPrefix ?? "materialize";
  return addKubernetesScrapeJobs(config, targets, {
    forwardTo: options.forwardTo,
    ...(options.clustering !== undefined ? { clustering: options.clustering } : {}),
    labelPrefix: prefix,
    secretNamespace:
      values.scrape.sqlMetrics.secret.namespace ?? values.namespaces.environments[0] ?? "default",
    metricRelabel: {
      label: (_jobs, index) =>
        recipeLabel(prefix, index === 0 ? "allow_list" : `allow_list_${index + 1}`),
      comment: "Keep only the metrics the Materialize rules and dashboards use (the allow-list).",
    },
    secret: {
      label: (_secret, index) =>
        recipeLabel(prefix, index === 0 ? "sql_monitor" : `sql_monitor_${index + 1}`),
      comment: "Basic-auth credentials of the SQL-derived metric endpoints.",
    },
  }).ids;
}

/** The log stages as alloy-syntax `stage.*` blocks. */
export function alloyLogStages(stages: readonly LogStage[]): LokiStage[] {
  return lokiStages(stages);
}

/** One log stage as its `stage.*` block. */
export function alloyLogStage(s: LogStage): LokiStage {
  return lokiStageOf(s);
}

/** A `loki.process` running the Materialize log stages, forwarding to `forwardTo`. */
export function addMaterializeLogProcess(
  config: Scope,
  stages: readonly LogStage[],
  forwardTo: LogsReceiverList,
  processLabel = "materialize",
) {
  return addLogProcess(config, processLabel, stages, forwardTo, {
    comment: "Parse Materialize logs: JSON fields, normalised level, panics, structured metadata.",
  });
}
