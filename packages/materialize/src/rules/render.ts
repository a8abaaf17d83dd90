import { closest, toYaml, valuesError } from "@materialize-monitoring/core";
import { type QueryRegistry, queryRegistry } from "../queries/registry.js";
import { type AlertTier, queryScope, type ResolvedMaterializeValues } from "../values.js";
import {
  ALERT_DEFINITIONS,
  type AlertDefinition,
  RECORDING_RULES,
  type RuleGroupName,
} from "./definitions.js";
import { INHIBITION_PAIRS, type InhibitionPair, type InhibitionReason } from "./inhibition.js";
import { runbookUrl } from "./runbooks.js";
import { BURN_RATE_ALERTS, freshnessSloRuleGroups } from "./slos.js";

/** One rule in Prometheus (and Loki ruler) rule-file format. */
/** An alerting rule as a rule file holds it. */
export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A recording rule as a rule file holds it. */
export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

/** One rule: alerting or recording, never both (the rulers' schemas tell them apart the same way). */
export type PrometheusRule = AlertingRule | RecordingRule;

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: PrometheusRule[];
}

/** An alert with the user's overrides applied. */
export interface ResolvedAlert {
  definition: AlertDefinition;
  enabled: boolean;
  tiers: AlertTier[];
  labels: Record<string, string>;
}

/** Applies `rules.alerts` overrides; an unknown alert name or a threshold alert without a threshold is a ValuesError. */
export function resolveAlerts(values: ResolvedMaterializeValues): ResolvedAlert[] {
  const names = ALERT_DEFINITIONS.map((a) => a.name);
  for (const name of Object.keys(values.rules.alerts)) {
    if (BURN_RATE_ALERTS.some((a) => a.alert === name)) {
      throw valuesError(
        `materialize.rules.alerts.${name}`,
        "a freshness SLO alert is not overridden here",
        "switch it per SLO with slos.freshness[].alerts.page or .ticket, label it with slos.freshness[].labels",
      );
    }
    if (!names.includes(name)) {
      const suggestion = closest(name, names);
      throw valuesError(
        `materialize.rules.alerts.${name}`,
        "unknown alert",
        suggestion ? `did you mean "${suggestion}"?` : "see docs/catalogue.md for the alert names",
      );
    }
  }
  return ALERT_DEFINITIONS.map((definition) => {
    const override = values.rules.alerts[definition.name];
    const tiers = override?.tiers ?? definition.tiers;
    if (definition.condition.type === "threshold") {
      tiers.forEach((tier, index) => {
        if (tier.threshold === undefined) {
          throw valuesError(
            `materialize.rules.alerts.${definition.name}.tiers[${index}].threshold`,
            "this alert compares a measurement with a threshold, and the tier has none",
            `add a threshold (the default tiers are ${JSON.stringify(definition.tiers)})`,
          );
        }
      });
    }
    const severities = tiers.map((t) => t.severity);
    if (new Set(severities).size !== severities.length) {
      throw valuesError(
        `materialize.rules.alerts.${definition.name}.tiers`,
        "two tiers have the same severity",
        "give each tier its own severity (warning, critical, ...)",
      );
    }
    return {
      definition,
      enabled: override?.enabled ?? definition.enabled,
      tiers,
      labels: override?.labels ?? {},
    };
  });
}

const VALUE_PIPES: Record<AlertDefinition["valueFormat"], string> = {
  humanize: "{{ $value | humanize }}",
  humanizeDuration: "{{ $value | humanizeDuration }}",
  humanizePercentage: "{{ $value | humanizePercentage }}",
  none: "{{ $value }}",
};

/** Seconds as the shortest Prometheus-style duration (`7d`, `1h30m`, `90s`); fractions stay seconds. */
export function durationText(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds <= 0) return `${String(seconds)}s`;
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [
    ["d", 86400],
    ["h", 3600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${String(count)}${unit}`);
    rest -= count * size;
  }
  return parts.join("");
}

function thresholdText(definition: AlertDefinition, tier: AlertTier): string {
  if (tier.threshold === undefined) return "";
  return definition.thresholdFormat === "duration"
    ? durationText(tier.threshold)
    : String(tier.threshold);
}

/** The description of one tier: `{threshold}` and `{for}` filled, `{{ $value }}` formatted. */
export function alertDescription(definition: AlertDefinition, tier: AlertTier): string {
  return definition.description
    .replaceAll("{threshold}", thresholdText(definition, tier))
    .replaceAll("{for}", tier.for)
    .replaceAll("{{ $value }}", VALUE_PIPES[definition.valueFormat]);
}

export { runbookUrl } from "./runbooks.js";

function alertExpr(query: string, definition: AlertDefinition, tier: AlertTier): string {
  if (definition.condition.type === "query") return query;
  return `(\n${query.replace(/^/gm, "  ")}\n) ${definition.condition.op} ${String(tier.threshold)}`;
}

/** The Prometheus rules of one alert, one per tier (same alert name, different severity). */
export function alertRules(
  alert: ResolvedAlert,
  registry: QueryRegistry,
  values: ResolvedMaterializeValues,
): PrometheusRule[] {
  const query = registry.get(alert.definition.query);
  return alert.tiers.map((tier) => ({
    alert: alert.definition.name,
    expr: alertExpr(query.expr, alert.definition, tier),
    ...(tier.for === "0m" || tier.for === "0s" ? {} : { for: tier.for }),
    labels: {
      ...values.rules.labels,
      ...alert.labels,
      severity: tier.severity,
      component: alert.definition.component,
    },
    annotations: {
      summary: alert.definition.summary,
      description: alertDescription(alert.definition, tier),
      runbook_url: runbookUrl(values, alert.definition.name),
    },
  }));
}

const GROUP_ORDER: readonly RuleGroupName[] = [
  "materialize-recording",
  "materialize-availability",
  "materialize-freshness",
  "materialize-resources",
  "materialize-dataflow",
  "infrastructure",
  "monitoring-stack",
  "materialize-logs",
];

function groups(
  values: ResolvedMaterializeValues,
  registry: QueryRegistry,
  datasource: "prometheus" | "loki",
): RuleGroup[] {
  const byGroup = new Map<RuleGroupName, PrometheusRule[]>();
  const push = (group: RuleGroupName, rules: PrometheusRule[]) =>
    byGroup.set(group, [...(byGroup.get(group) ?? []), ...rules]);
  if (datasource === "prometheus") {
    for (const rule of RECORDING_RULES) {
      push(rule.group, [{ record: rule.record, expr: registry.get(rule.query).expr }]);
    }
  }
  for (const alert of resolveAlerts(values)) {
    if (!alert.enabled) continue;
    if (registry.get(alert.definition.query).datasource !== datasource) continue;
    push(alert.definition.group, alertRules(alert, registry, values));
  }
  return GROUP_ORDER.filter((name) => (byGroup.get(name)?.length ?? 0) > 0).map((name) => ({
    name,
    ...(values.rules.interval ? { interval: values.rules.interval } : {}),
    rules: byGroup.get(name) ?? [],
  }));
}

/** Recording and alerting rules in PromQL, for the Thanos ruler or any Prometheus; the freshness SLO groups last. */
export function prometheusRuleGroups(values: ResolvedMaterializeValues): RuleGroup[] {
  return [
    ...groups(values, queryRegistry(queryScope(values)), "prometheus"),
    ...freshnessSloRuleGroups(values),
  ];
}

/** Alerting rules in LogQL, for the Loki ruler. */
export function lokiRuleGroups(values: ResolvedMaterializeValues): RuleGroup[] {
  return groups(values, queryRegistry(queryScope(values)), "loki");
}

/**
 * The inhibition pairs of the alerts these values render: a pair whose
 * inhibitor alert is disabled is left out (nothing would mute), and so are
 * targets that are disabled. `reasons` picks which kinds to keep.
 */
export function inhibitionPairs(
  values: ResolvedMaterializeValues,
  reasons: readonly InhibitionReason[] = ["hydration", "rollout"],
): InhibitionPair[] {
  const enabled = new Set(
    resolveAlerts(values)
      .filter((a) => a.enabled)
      .map((a) => a.definition.name),
  );
  return INHIBITION_PAIRS.filter((p) => reasons.includes(p.reason) && enabled.has(p.source))
    .map((p) => ({ ...p, targets: p.targets.filter((t) => enabled.has(t)) }))
    .filter((p) => p.targets.length > 0);
}

/** A rule file (`groups:`) as YAML. */
export function ruleFileYaml(groups: readonly RuleGroup[]): string {
  return toYaml({ groups });
}
