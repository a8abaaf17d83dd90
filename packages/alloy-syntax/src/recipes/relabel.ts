/**
 * Prometheus relabel rules as plain data (the fields Alloy's `rule` blocks
 * and Prometheus' `relabel_configs` take), so packages can compute them,
 * validate them with their own schemas and hand them across package
 * boundaries before anything is turned into Alloy text.
 */
import type { RelabelAction, RelabelRule } from "../components/common.js";

/**
 * One relabel rule as data; every field is optional, as in Prometheus.
 * Arrays are mutable so the data fits zod-parsed values unchanged.
 */
export interface RelabelRuleData {
  readonly sourceLabels?: string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly targetLabel?: string;
  readonly replacement?: string;
  readonly action?: RelabelAction;
  /** Modulus for `hashmod`. */
  readonly modulus?: number;
}

/** The rules as arguments of alloy-syntax `rule` blocks (fields that are unset stay unset). */
export function relabelRules(rules: readonly RelabelRuleData[]): RelabelRule[] {
  return rules.map((r) => ({
    ...(r.action !== undefined ? { action: r.action } : {}),
    ...(r.sourceLabels !== undefined ? { sourceLabels: [...r.sourceLabels] } : {}),
    ...(r.separator !== undefined ? { separator: r.separator } : {}),
    ...(r.regex !== undefined ? { regex: r.regex } : {}),
    ...(r.replacement !== undefined ? { replacement: r.replacement } : {}),
    ...(r.targetLabel !== undefined ? { targetLabel: r.targetLabel } : {}),
    ...(r.modulus !== undefined ? { modulus: r.modulus } : {}),
  }));
}

/** Escapes the RE2 metacharacters of a literal, for relabel regexes built from names. */
export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The keep rule of a metric allow-list: `__name__` must be one of `metrics`
 * (sorted, deduplicated, matched literally). An empty list keeps nothing.
 */
export function metricAllowListRule(metrics: readonly string[]): RelabelRuleData {
  const names = [...new Set(metrics)].sort();
  return {
    sourceLabels: ["__name__"],
    // An empty alternation would match the empty name only, i.e. keep nothing: say so explicitly.
    regex: names.length > 0 ? names.map(escapeRegex).join("|") : "",
    action: "keep",
  };
}

/** The rule as a Prometheus `relabel_configs` / `metric_relabel_configs` entry (snake_case keys). */
export function prometheusRelabelConfig(rule: RelabelRuleData): Record<string, unknown> {
  return {
    ...(rule.sourceLabels !== undefined ? { source_labels: [...rule.sourceLabels] } : {}),
    ...(rule.separator !== undefined ? { separator: rule.separator } : {}),
    ...(rule.regex !== undefined ? { regex: rule.regex } : {}),
    ...(rule.modulus !== undefined ? { modulus: rule.modulus } : {}),
    ...(rule.targetLabel !== undefined ? { target_label: rule.targetLabel } : {}),
    ...(rule.replacement !== undefined ? { replacement: rule.replacement } : {}),
    ...(rule.action !== undefined ? { action: rule.action } : {}),
  };
}
