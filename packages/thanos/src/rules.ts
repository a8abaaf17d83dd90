import {
  boundedString,
  duration,
  MAX_LENGTH,
  promLabelNameSchema,
  promqlSchema,
  singleLineText,
} from "@materialize-monitoring/core";
import { z } from "zod";

/**
 * Prometheus rule groups, typed. The same shape Prometheus, Thanos ruler and
 * `promtool check rules` read, so the rendered file is exactly what users write.
 */
const labelName = promLabelNameSchema;
const metricName = z
  .string()
  .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, "not a Prometheus metric name (letters, digits, _ and :)");
const labelMap = z.record(labelName, singleLineText());

export const recordingRule = z.strictObject({
  /** metric name the result is recorded as */
  record: metricName.describe("metric name the result is recorded as"),
  /** PromQL expression to record */
  expr: promqlSchema("Thanos").describe("PromQL expression to record"),
  /** labels added to the recorded series */
  labels: labelMap.optional().describe("labels added to the recorded series"),
});

export const alertingRule = z.strictObject({
  /** alert name */
  alert: singleLineText().min(1, "an alert name is required").describe("alert name"),
  /** PromQL expression; the alert fires for each series it returns */
  expr: promqlSchema("Thanos").describe(
    "PromQL expression; the alert fires for each series it returns",
  ),
  /** how long the expression must keep returning a series before the alert fires */
  for: duration
    .optional()
    .describe("how long the expression must keep returning a series before the alert fires"),
  /** how long the alert keeps firing after the expression stops returning the series */
  keep_firing_for: duration
    .optional()
    .describe("how long the alert keeps firing after the expression stops returning the series"),
  /** labels added to the alert, e.g. severity */
  labels: labelMap.optional().describe("labels added to the alert, e.g. severity"),
  /** annotations of the alert, e.g. summary, description, runbook_url (templates) */
  annotations: z
    .record(labelName, boundedString(MAX_LENGTH.template))
    .optional()
    .describe("annotations of the alert, e.g. summary, description, runbook_url (templates)"),
});

export const rule = z.union([recordingRule, alertingRule]);

export const ruleGroup = z.strictObject({
  /** group name, unique among the groups */
  name: singleLineText().min(1).describe("group name, unique among the groups"),
  /** how often the group is evaluated; the ruler's evaluation interval when unset */
  interval: duration
    .optional()
    .describe("how often the group is evaluated; the ruler's evaluation interval when unset"),
  /** most alerts or series one evaluation of a rule may produce; 0 is no limit */
  limit: z
    .int32()
    .min(0)
    .optional()
    .describe("most alerts or series one evaluation of a rule may produce; 0 is no limit"),
  /** the rules, evaluated in order */
  rules: z
    .array(rule)
    .min(1, "a rule group needs at least one rule")
    .describe("the rules, evaluated in order"),
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
