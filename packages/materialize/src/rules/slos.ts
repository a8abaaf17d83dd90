/**
 * Freshness SLOs as multi-window, multi-burn-rate rules, the way the Google SRE workbook builds
 * them ("Alerting on SLOs", the sixth and recommended iteration).
 *
 * The SLI is time-based: the share of rule evaluations (one a minute with the usual interval) in
 * which the SLO's wallclock lag is below its threshold. Each SLO gets a chain of recording rules:
 *
 * 1. `mz_slo:freshness_lag:seconds`: the measurement (see {@link freshnessLagExpr}).
 * 2. `mz_slo:freshness_good:bool`: `lag < bool threshold`, 1 for a good minute and 0 for a bad one.
 *    Recording the 0/1 series first makes every window's SLI a plain `avg_over_time`, a ratio of
 *    good to all evaluations, instead of a subquery over the raw metric.
 * 3. `mz_slo:freshness_sli:ratio_<w>`: `avg_over_time(good[w])` for the alert windows and the
 *    SLO's own window (`ratio_period`).
 * 4. `mz_slo:freshness_burn_rate:ratio_<w>`: `(1 - sli) / (1 - objective)`: 1 spends the error
 *    budget exactly over the SLO window, 14.4 spends 2% of a 30-day budget in an hour.
 * 5. `mz_slo:freshness_objective:ratio`, `…_error_budget_remaining:ratio` and the threshold as a
 *    series, for the dashboard.
 *
 * Minutes without a measurement (environmentd not scraped, every selected collection still
 * hydrating, the cluster gone) are neither good nor bad: they leave the SLI out of those minutes.
 * The availability and hydration alerts cover them.
 */
import { durationSeconds } from "@materialize-monitoring/core";
import { MZ_LABEL, WALLCLOCK_LAG_HYDRATING_SENTINEL as SENTINEL } from "../constants.js";
import {
  SLO_RECORDED,
  SLO_SOURCE_METRIC,
  SLO_WINDOWS,
  type SloWindow,
} from "../queries/recorded.js";
import type { FreshnessSlo, ResolvedMaterializeValues, Severity } from "../values.js";
import type { AlertingRule, RecordingRule, RuleGroup } from "./render.js";
import { runbookUrl } from "./runbooks.js";

const ENV = MZ_LABEL.environment;

/** One long/short window pair of a burn-rate alert: both must burn faster than `factor`. */
export interface BurnRateWindow {
  long: SloWindow;
  short: SloWindow;
  factor: number;
  /** Share of a 30-day budget spent when the long window burns at `factor`. */
  budgetSpent: string;
}

/** One burn-rate alert of every SLO. */
export interface BurnRateAlert {
  alert: string;
  /** `page` or `ticket`: the SLO's `alerts.<kind>` switches it. */
  kind: "page" | "ticket";
  severity: Severity;
  for: string;
  windows: readonly BurnRateWindow[];
  summary: string;
}

/**
 * The SRE workbook's recommended burn rates and windows for a 30-day SLO (used for 28 days too,
 * where each spends a slightly larger share): page on 2% of the budget in an hour or 5% in six
 * hours, ticket on 10% in a day or in three days. The short window (1/12 of the long one) makes
 * the alert stop soon after the burn does.
 */
export const BURN_RATE_ALERTS: readonly BurnRateAlert[] = [
  {
    alert: "MaterializeFreshnessSLOFastBurn",
    kind: "page",
    severity: "critical",
    for: "2m",
    windows: [
      { long: "1h", short: "5m", factor: 14.4, budgetSpent: "2%" },
      { long: "6h", short: "30m", factor: 6, budgetSpent: "5%" },
    ],
    summary: "A freshness SLO is burning its error budget fast.",
  },
  {
    alert: "MaterializeFreshnessSLOSlowBurn",
    kind: "ticket",
    severity: "warning",
    for: "15m",
    windows: [
      { long: "1d", short: "2h", factor: 3, budgetSpent: "10%" },
      { long: "3d", short: "6h", factor: 1, budgetSpent: "10%" },
    ],
    summary: "A freshness SLO is burning its error budget.",
  },
];

/** The rule groups, after the package's own groups. */
export const SLO_GROUPS = {
  recording: "materialize-slo-recording",
  alerting: "materialize-slo",
} as const;

/** A number as PromQL and prose show it, without binary noise (1 - 0.999 is 0.001). */
function decimal(value: number): string {
  return String(Number.parseFloat(value.toPrecision(12)));
}

/** The error budget, 1 - objective, as a decimal. */
export function errorBudget(slo: FreshnessSlo): string {
  return decimal(1 - slo.objective);
}

/**
 * The SLI's measurement for one evaluation: the worst wallclock lag over the SLO's collections,
 * each taken at its freshest replica.
 *
 * - `quantile="1"` is the maximum over the last minute (Materialize keeps a 60-second sliding
 *   min/max), so "below the threshold" means the whole minute was, and a one-minute evaluation
 *   interval sees every second.
 * - `min by (…, collection_id)` over replicas: a collection's results are as fresh as its freshest
 *   hydrated replica (the controller's frontier is the join of the replicas'); one slow or
 *   restarting replica of a multi-replica cluster is not stale data. It also merges the series of
 *   two environmentd generations during a rollout.
 * - `max by (environment, instance_id)` over collections: the minute is good only if every
 *   selected object is fresh.
 * - `< 1e9` drops the not-yet-hydrated sentinel: a hydrating collection has no lag to judge (the
 *   hydration alerts watch it), like the package's freshness alerts.
 */
export function freshnessLagExpr(slo: FreshnessSlo): string {
  const matchers = [`quantile="1"`, `instance_id="${slo.clusterId}"`];
  if (slo.environment) matchers.push(`${ENV}="${slo.environment}"`);
  if (slo.objectIds) matchers.push(`collection_id=~"${slo.objectIds.join("|")}"`);
  return [
    `max by (${ENV}, instance_id) (`,
    `  min by (${ENV}, instance_id, collection_id) (`,
    `    ${SLO_SOURCE_METRIC}{${matchers.join(", ")}} < ${SENTINEL}`,
    "  )",
    ")",
  ].join("\n");
}

/** The recording rules of one SLO, in evaluation order (each reads the ones before it). */
export function freshnessSloRecordingRules(slo: FreshnessSlo): RecordingRule[] {
  const sel = (name: string) => `${name}{slo="${slo.name}"}`;
  const threshold = String(durationSeconds(slo.threshold));
  const budget = errorBudget(slo);
  const labels = { slo: slo.name };
  const periodLabels = { ...labels, slo_window: slo.window };
  return [
    { record: SLO_RECORDED.lag, expr: freshnessLagExpr(slo), labels },
    { record: SLO_RECORDED.threshold, expr: `${sel(SLO_RECORDED.lag)} * 0 + ${threshold}`, labels },
    { record: SLO_RECORDED.good, expr: `${sel(SLO_RECORDED.lag)} < bool ${threshold}`, labels },
    ...SLO_WINDOWS.map((w) => ({
      record: SLO_RECORDED.sli(w),
      expr: `avg_over_time(${sel(SLO_RECORDED.good)}[${w}])`,
      labels,
    })),
    {
      record: SLO_RECORDED.sli("period"),
      expr: `avg_over_time(${sel(SLO_RECORDED.good)}[${slo.window}])`,
      labels: periodLabels,
    },
    ...SLO_WINDOWS.map((w) => ({
      record: SLO_RECORDED.burnRate(w),
      expr: `(1 - ${sel(SLO_RECORDED.sli(w))}) / ${budget}`,
      labels,
    })),
    {
      record: SLO_RECORDED.objective,
      expr: `${sel(SLO_RECORDED.sli("period"))} * 0 + ${decimal(slo.objective)}`,
      labels: periodLabels,
    },
    {
      record: SLO_RECORDED.budgetRemaining,
      expr: `1 - (1 - ${sel(SLO_RECORDED.sli("period"))}) / ${budget}`,
      labels: periodLabels,
    },
  ];
}

/** `(long > f and short > f) or (…)`: every window pair of the alert, each on both windows. */
export function burnRateAlertExpr(slo: FreshnessSlo, alert: BurnRateAlert): string {
  const burn = (w: SloWindow, factor: number) =>
    `${SLO_RECORDED.burnRate(w)}{slo="${slo.name}"} > ${decimal(factor)}`;
  return alert.windows
    .map((w) => `(\n  ${burn(w.long, w.factor)}\n  and\n  ${burn(w.short, w.factor)}\n)`)
    .join("\nor\n");
}

/** What the SLO promises, in words (for the alert descriptions). */
export function freshnessSloText(slo: FreshnessSlo): string {
  const objects = slo.objectIds ? `, objects ${slo.objectIds.join(", ")}` : "";
  return `cluster ${slo.clusterId}${objects} in environment {{ $labels.${ENV} }}: wallclock lag below ${slo.threshold} in ${decimal(slo.objective * 100)}% of minutes over ${slo.window}`;
}

/** The description of one burn-rate alert of one SLO (`{{ $value }}` is the long window's burn rate). */
export function burnRateAlertDescription(slo: FreshnessSlo, alert: BurnRateAlert): string {
  const conditions = alert.windows
    .map((w) => `above ${decimal(w.factor)}x over ${w.long} and ${w.short}`)
    .join(", or ");
  const action =
    alert.kind === "page"
      ? "At 14.4x the budget lasts about two days, at 6x about five: find the stalled objects now."
      : "Not urgent, but the budget will not last the window: plan the fix.";
  return `Freshness SLO ${slo.name} (${freshnessSloText(slo)}) burns its error budget at {{ $value | humanize }}x the rate that would spend it exactly over ${slo.window} (${conditions}). ${action}`;
}

/** The burn-rate alerting rules of one SLO, after its `alerts` switches. */
export function freshnessSloAlertingRules(
  slo: FreshnessSlo,
  values: ResolvedMaterializeValues,
): AlertingRule[] {
  return BURN_RATE_ALERTS.filter((alert) => slo.alerts[alert.kind]).map((alert) => ({
    alert: alert.alert,
    expr: burnRateAlertExpr(slo, alert),
    for: alert.for,
    labels: {
      ...values.rules.labels,
      ...slo.labels,
      severity: alert.severity,
      component: "freshness",
      slo: slo.name,
    },
    annotations: {
      summary: alert.summary,
      description: burnRateAlertDescription(slo, alert),
      runbook_url: runbookUrl(values, alert.alert),
    },
  }));
}

/** The SLO rule groups: none without `slos.freshness` (opt-in). */
export function freshnessSloRuleGroups(values: ResolvedMaterializeValues): RuleGroup[] {
  const slos = values.slos.freshness;
  if (slos.length === 0) return [];
  const interval = values.rules.interval ? { interval: values.rules.interval } : {};
  const alerting = slos.flatMap((slo) => freshnessSloAlertingRules(slo, values));
  return [
    {
      name: SLO_GROUPS.recording,
      ...interval,
      rules: slos.flatMap((slo) => freshnessSloRecordingRules(slo)),
    },
    ...(alerting.length > 0 ? [{ name: SLO_GROUPS.alerting, ...interval, rules: alerting }] : []),
  ];
}
