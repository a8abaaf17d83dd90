/** Panel helpers and threshold presets shared by the dashboard specs. */
import { ALERT_DEFINITIONS } from "../rules/definitions.js";
import type { PanelSpec, ThresholdStep } from "./spec.js";

/**
 * Threshold presets. Every panel gets thresholds (Grafana's default of red from 80 fits no
 * Materialize measure): a preset with a level where one is known, `NEUTRAL` (one base step,
 * nothing is bad) where the value is a volume with no level of its own.
 */
export const THRESHOLDS = {
  /** Nothing is bad: a volume, a count, a version. */
  NEUTRAL: [{ value: null, color: "green" }],
  /** Any value above zero is a problem (errors, failures, drops). */
  ANY: [
    { value: null, color: "green" },
    { value: 1e-9, color: "red" },
  ],
  /** A share of a limit. */
  UTILISATION: [
    { value: null, color: "green" },
    { value: 0.8, color: "orange" },
    { value: 0.9, color: "red" },
  ],
  /** A share that should be all (ready, available). */
  ALL: [
    { value: null, color: "red" },
    { value: 1, color: "green" },
  ],
  /** Availability over a range. */
  AVAILABILITY: [
    { value: null, color: "red" },
    { value: 0.99, color: "orange" },
    { value: 0.999, color: "green" },
  ],
  /** A count where zero is bad (processes up). */
  NONZERO: [
    { value: null, color: "red" },
    { value: 1, color: "green" },
  ],
  /** Per-worker skew: the busiest worker over the mean. */
  SKEW: [
    { value: null, color: "green" },
    { value: 1.5, color: "orange" },
    { value: 3, color: "red" },
  ],
} as const satisfies Record<string, readonly ThresholdStep[]>;

const TIER_COLOR = { warning: "orange", critical: "red" } as const;

/**
 * Threshold steps from an alert's default tiers (warning orange, critical red), so a panel turns
 * colour where the alert would fire. A threshold of 0 on a `>` alert becomes "above zero".
 */
export function alertThresholds(alertName: string): ThresholdStep[] {
  const alert = ALERT_DEFINITIONS.find((a) => a.name === alertName);
  if (alert?.condition?.type !== "threshold") {
    throw new Error(`${alertName} is not an alert with thresholds`);
  }
  const below = alert.condition.op === "<";
  const steps: ThresholdStep[] = alert.tiers.flatMap((tier) => {
    if (tier.threshold === undefined) return [];
    const color = TIER_COLOR[tier.severity as keyof typeof TIER_COLOR] ?? "orange";
    return [{ value: tier.threshold === 0 && !below ? 1e-9 : tier.threshold, color }];
  });
  if (below) {
    // Colour runs upwards: the lowest tier's colour from null, then green from the warning.
    const sorted = [...steps].sort((a, b) => (a.value ?? 0) - (b.value ?? 0));
    const out: ThresholdStep[] = [{ value: null, color: sorted[0]?.color ?? "red" }];
    for (let i = 1; i < sorted.length; i++) {
      out.push({ value: sorted[i - 1]?.value ?? null, color: sorted[i]?.color ?? "orange" });
    }
    out.push({ value: sorted.at(-1)?.value ?? null, color: "green" });
    return out;
  }
  return [
    { value: null, color: "green" },
    ...steps.sort((a, b) => (a.value ?? 0) - (b.value ?? 0)),
  ];
}

type Extra = Partial<PanelSpec> & Pick<PanelSpec, "thresholds">;

/** A time series panel. */
export const timeseries = (
  title: string,
  description: string,
  queries: string[],
  extra: Extra,
): PanelSpec => ({ title, type: "timeseries", description, queries, ...extra });

/** A stat panel, 6 columns wide by default. */
export const statPanel = (
  title: string,
  description: string,
  queries: string[],
  extra: Extra,
): PanelSpec => ({ title, type: "stat", description, queries, width: 6, height: 4, ...extra });

/** A table of one instant query, full width by default. */
export const tablePanel = (
  title: string,
  description: string,
  query: string,
  extra: Extra,
): PanelSpec => ({
  title,
  type: "table",
  description,
  queries: [query],
  width: 24,
  height: 9,
  ...extra,
});
