import { MZ_LABEL } from "../constants.js";
import { SLO_RECORDED, SLO_WINDOWS, type SloWindow } from "./recorded.js";
import type { QueryDefinition } from "./types.js";

const ENV = MZ_LABEL.environment;

/**
 * Dashboard filters on the freshness SLO series: the `slo`, `environment` and `cluster`
 * variables (the SLO series carry `instance_id`, the cluster id the `cluster` variable lists).
 */
const SLO_FILTER = `slo=~"$slo", ${ENV}=~"$environment", instance_id=~"$cluster"`;

/** Legends start with `<slo> (`: the dashboard's per-SLO thresholds match series by it. */
const legend = (suffix = "") => `{{slo}} ({{${ENV}}})${suffix ? ` ${suffix}` : ""}`;

/** Grafana's unit for a burn rate (a multiple of the rate that spends the budget exactly). */
export const BURN_RATE_UNIT = "suffix:x";

const burnRate = (window: SloWindow): QueryDefinition => ({
  id: `slo.burn_rate_${window}`,
  datasource: "prometheus",
  description: `Error-budget burn rate of each freshness SLO over ${window} (recorded): 1 spends the budget exactly over the SLO window.`,
  unit: BURN_RATE_UNIT,
  legend: legend(window),
  expr: () => `${SLO_RECORDED.burnRate(window)}{${SLO_FILTER}}`,
});

/** The Freshness SLOs dashboard's queries, over the series `rules/slos.ts` records. */
export const sloQueries: QueryDefinition[] = [
  {
    id: "variables.slo",
    datasource: "prometheus",
    description: "Freshness SLO names, for the slo variable.",
    expr: () => `${SLO_RECORDED.objective}{${ENV}=~"$environment"}`,
  },
  {
    id: "slo.error_budget_remaining",
    datasource: "prometheus",
    description:
      "Share of each freshness SLO's error budget left over its window (recorded): below 0 the objective is missed.",
    unit: "percentunit",
    legend: legend(),
    expr: () => `${SLO_RECORDED.budgetRemaining}{${SLO_FILTER}}`,
  },
  {
    id: "slo.sli_period",
    datasource: "prometheus",
    description:
      "Share of good minutes (lag below the threshold) over each freshness SLO's window (recorded).",
    unit: "percentunit",
    legend: legend(),
    expr: () => `${SLO_RECORDED.sli("period")}{${SLO_FILTER}}`,
  },
  {
    id: "slo.sli_1h",
    datasource: "prometheus",
    description: "Share of good minutes over the last hour, per freshness SLO (recorded).",
    unit: "percentunit",
    legend: legend("1h"),
    expr: () => `${SLO_RECORDED.sli("1h")}{${SLO_FILTER}}`,
  },
  {
    id: "slo.objective",
    datasource: "prometheus",
    description: "Each freshness SLO's objective (recorded beside its SLI).",
    unit: "percentunit",
    legend: legend("objective"),
    expr: () => `${SLO_RECORDED.objective}{${SLO_FILTER}}`,
  },
  {
    id: "slo.lag",
    datasource: "prometheus",
    description:
      "The freshness SLIs' measurement (recorded): worst wallclock lag over each SLO's collections, each at its freshest replica.",
    unit: "s",
    legend: legend("lag"),
    expr: () => `${SLO_RECORDED.lag}{${SLO_FILTER}}`,
  },
  {
    id: "slo.threshold",
    datasource: "prometheus",
    description: "Each freshness SLO's lag threshold (recorded beside its measurement).",
    unit: "s",
    legend: legend("threshold"),
    expr: () => `${SLO_RECORDED.threshold}{${SLO_FILTER}}`,
  },
  ...SLO_WINDOWS.map(burnRate),
];
