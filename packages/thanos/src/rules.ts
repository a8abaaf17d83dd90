import { duration } from "@materialize-monitoring/core";
import { z } from "zod";

/**
 * Prometheus rule groups, typed. The same shape Prometheus, Thanos ruler and
 * `promtool check rules` read, so the rendered file is exactly what users write.
 */
const labelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "not a Prometheus label name (letters, digits, _)");
const metricName = z
  .string()
  .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, "not a Prometheus metric name (letters, digits, _ and :)");
const labelMap = z.record(labelName, z.string());

export const recordingRule = z.strictObject({
  record: metricName,
  expr: z.string().min(1, "a PromQL expression is required"),
  labels: labelMap.optional(),
});

export const alertingRule = z.strictObject({
  alert: z.string().min(1, "an alert name is required"),
  expr: z.string().min(1, "a PromQL expression is required"),
  for: duration.optional(),
  keep_firing_for: duration.optional(),
  labels: labelMap.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

export const rule = z.union([recordingRule, alertingRule]);

export const ruleGroup = z.strictObject({
  name: z.string().min(1),
  interval: duration.optional(),
  limit: z.int32().min(0).optional(),
  rules: z.array(rule).min(1, "a rule group needs at least one rule"),
});

export type RecordingRule = z.output<typeof recordingRule>;
export type AlertingRule = z.output<typeof alertingRule>;
export type Rule = z.output<typeof rule>;
export type RuleGroup = z.output<typeof ruleGroup>;
export type RuleGroupInput = z.input<typeof ruleGroup>;

/** A rule file document with keys in the order Prometheus documents them. */
export function ruleFile(groups: readonly RuleGroup[]): { groups: Record<string, unknown>[] } {
  return {
    groups: groups.map((group) => ({
      name: group.name,
      ...(group.interval ? { interval: group.interval } : {}),
      ...(group.limit !== undefined ? { limit: group.limit } : {}),
      rules: group.rules.map(orderedRule),
    })),
  };
}

function orderedRule(r: Rule): Record<string, unknown> {
  if ("record" in r) {
    return { record: r.record, expr: r.expr, ...(r.labels ? { labels: r.labels } : {}) };
  }
  return {
    alert: r.alert,
    expr: r.expr,
    ...(r.for ? { for: r.for } : {}),
    ...(r.keep_firing_for ? { keep_firing_for: r.keep_firing_for } : {}),
    ...(r.labels ? { labels: r.labels } : {}),
    ...(r.annotations ? { annotations: r.annotations } : {}),
  };
}
