/**
 * The gateway's allow-lists for a plain Prometheus: the same relabel data
 * the gateway applies in Alloy, as `metric_relabel_configs` entries.
 */
import {
  prometheusRelabelConfig,
  type RelabelRuleData,
} from "@materialize-monitoring/alloy-syntax";
import { metricRelabelingsFor } from "./jobs.js";

/** Prometheus `metric_relabel_configs` entries from relabel rules as data. */
export function prometheusRelabelConfigs(
  rules: readonly RelabelRuleData[],
): Record<string, unknown>[] {
  return rules.map(prometheusRelabelConfig);
}

/**
 * The `metric_relabel_configs` a Prometheus needs to keep exactly what the
 * gateway keeps for a job of `source` (with the job's own metric rules).
 */
export function allowListMetricRelabelConfigs(
  allowLists: Readonly<Record<string, readonly string[]>>,
  source: string,
  ownRules: readonly RelabelRuleData[] = [],
): Record<string, unknown>[] {
  return prometheusRelabelConfigs(
    metricRelabelingsFor({ source, metricRelabelings: ownRules }, allowLists),
  );
}
