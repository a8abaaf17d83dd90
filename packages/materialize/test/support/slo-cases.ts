/**
 * promtool unit-test data for the freshness SLO rules: input lag series
 * (one value a minute), when to evaluate, which burn-rate alerts fire (per
 * SLO and environment, with the value of the long window that fired) and
 * what some recorded series hold. slos.test.ts turns these into
 * `promtool test rules` files with promtoolUnitTestFile.
 */
import type { FreshnessSloInput, MaterializeValues } from "../../src/values.js";

export const FAST_BURN = "MaterializeFreshnessSLOFastBurn";
export const SLOW_BURN = "MaterializeFreshnessSLOSlowBurn";

/** The whole of cluster u1, in every environment: a minute is good below 60s, 99% of them. */
export const SERVING: FreshnessSloInput = {
  name: "serving",
  clusterId: "u1",
  threshold: "60s",
  objective: 0.99,
  labels: { team: "data" },
};

/** One object of cluster u1 in environment prod only. */
export const ORDERS: FreshnessSloInput = {
  name: "orders",
  environment: "prod",
  clusterId: "u1",
  objectIds: ["u42"],
  threshold: "1m",
  objective: 0.99,
};

export const SLO_VALUES = {
  serving: { slos: { freshness: [SERVING] } },
  "serving+orders": { slos: { freshness: [SERVING, ORDERS] } },
} satisfies Record<string, MaterializeValues>;
export type SloValuesName = keyof typeof SLO_VALUES;

const GOOD = 5;
const BAD = 120;
const HYDRATING = "18446744073709551615";
const BUDGET = 0.01;

export interface SeriesInput {
  series: string;
  values: string;
}

function lag(
  environment: string,
  collection: string,
  replica: string,
  values: string,
): SeriesInput {
  return {
    series: `mz_dataflow_wallclock_lag_seconds{materialize_cloud_organization_name="${environment}", namespace="materialize-environment", instance_id="u1", replica_id="${replica}", collection_id="${collection}", quantile="1"}`,
    values,
  };
}

/** Minutes 0..count-1: the bad lag where `bad(minute)`, else the good one. */
function perMinute(count: number, bad: (minute: number) => boolean): string {
  return Array.from({ length: count }, (_, i) => String(bad(i) ? BAD : GOOD)).join(" ");
}

/**
 * The burn rate promtool computes over `window` minutes at minute `at`, for a
 * series that is bad where `bad(minute)`: the share of bad samples from
 * max(0, at - window) to `at`, over the budget. The cases evaluate where the
 * window covers all of the data or only bad (or only good) minutes, so
 * whether the range includes its left end (Prometheus 2 and 3 differ) does
 * not change the value.
 */
function burnRate(at: number, window: number, bad: (minute: number) => boolean): number {
  const from = Math.max(0, at - window);
  let total = 0;
  let good = 0;
  for (let i = from; i <= at; i++) {
    total++;
    if (!bad(i)) good++;
  }
  return (1 - good / total) / BUDGET;
}

export interface FiringSlo {
  slo: string;
  environment: string;
  /** The alert's value: the burn rate over the long window of the pair that fired. */
  value: number;
}

export interface SloCase {
  values: SloValuesName;
  series: SeriesInput[];
  evalTime: string;
  /** Every SLO alert firing at evalTime, by alert name (an empty list: quiet). */
  fires: Record<typeof FAST_BURN | typeof SLOW_BURN, FiringSlo[]>;
  /** Recorded series values at evalTime (`labels` is a series selector). */
  exprs?: { expr: string; samples: { labels: string; value: number }[] }[];
}

const burst = (minute: number) => minute >= 30;
const steady = (minute: number) => minute % 20 === 19;
const blip = (minute: number) => minute >= 400 && minute <= 402;
const BLIP_LABELS = '{materialize_cloud_organization_name="prod", instance_id="u1", slo="serving"}';

export const SLO_CASES: Record<string, SloCase> = {
  "a burst of high lag pages (and opens the ticket, whose alert is separate)": {
    values: "serving",
    // Fresh for 30 minutes, then 120s behind: the last hour is all bad, a 100x burn.
    series: [lag("prod", "u42", "u1", perMinute(200, burst))],
    evalTime: "120m",
    fires: {
      [FAST_BURN]: [{ slo: "serving", environment: "prod", value: burnRate(120, 60, burst) }],
      [SLOW_BURN]: [{ slo: "serving", environment: "prod", value: burnRate(120, 1440, burst) }],
    },
    exprs: [
      {
        expr: 'mz_slo:freshness_burn_rate:ratio_1h{slo="serving"}',
        samples: [
          {
            labels:
              'mz_slo:freshness_burn_rate:ratio_1h{materialize_cloud_organization_name="prod", instance_id="u1", slo="serving"}',
            value: 100,
          },
        ],
      },
      {
        expr: 'mz_slo:freshness_good:bool{slo="serving"}',
        samples: [
          {
            labels:
              'mz_slo:freshness_good:bool{materialize_cloud_organization_name="prod", instance_id="u1", slo="serving"}',
            value: 0,
          },
        ],
      },
    ],
  },
  "a slow steady violation (one bad minute in 20, a 5x burn) opens a ticket but does not page": {
    values: "serving",
    series: [lag("prod", "u42", "u1", perMinute(400, steady))],
    evalTime: "360m",
    fires: {
      [FAST_BURN]: [],
      [SLOW_BURN]: [{ slo: "serving", environment: "prod", value: burnRate(360, 1440, steady) }],
    },
  },
  "a healthy cluster fires nothing": {
    values: "serving",
    series: [lag("prod", "u42", "u1", `${GOOD}x400`), lag("prod", "u43", "u1", "30x400")],
    evalTime: "360m",
    fires: { [FAST_BURN]: [], [SLOW_BURN]: [] },
    exprs: [
      {
        expr: 'mz_slo:freshness_error_budget_remaining:ratio{slo="serving"}',
        samples: [
          {
            labels:
              'mz_slo:freshness_error_budget_remaining:ratio{materialize_cloud_organization_name="prod", instance_id="u1", slo="serving", slo_window="30d"}',
            value: 1,
          },
        ],
      },
    ],
  },
  "a three-minute blip heats only the short window: nothing fires": {
    values: "serving",
    series: [lag("prod", "u42", "u1", perMinute(420, blip))],
    evalTime: "405m",
    fires: { [FAST_BURN]: [], [SLOW_BURN]: [] },
    exprs: [
      {
        // The short window burns far above 14.4x, the long one below: the pair does not fire.
        expr: 'mz_slo:freshness_burn_rate:ratio_5m{slo="serving"} > bool 14.4',
        samples: [{ labels: BLIP_LABELS, value: 1 }],
      },
      {
        expr: 'mz_slo:freshness_burn_rate:ratio_1h{slo="serving"} > bool 14.4',
        samples: [{ labels: BLIP_LABELS, value: 0 }],
      },
    ],
  },
  "a collection is as fresh as its freshest replica: one replica behind is not stale data": {
    values: "serving",
    series: [
      lag("prod", "u42", "u1", `${GOOD}x200`),
      lag("prod", "u42", "u2", "600x200"),
      lag("prod", "u43", "u1", "10x200"),
      lag("prod", "u43", "u2", "20x200"),
    ],
    evalTime: "120m",
    fires: { [FAST_BURN]: [], [SLOW_BURN]: [] },
    exprs: [
      {
        // min over replicas per collection (5, 10), then max over collections.
        expr: 'mz_slo:freshness_lag:seconds{slo="serving"}',
        samples: [
          {
            labels:
              'mz_slo:freshness_lag:seconds{materialize_cloud_organization_name="prod", instance_id="u1", slo="serving"}',
            value: 10,
          },
        ],
      },
    ],
  },
  "hydrating collections (the sentinel) are not measured: no sample, nothing fires": {
    values: "serving",
    series: [lag("prod", "u42", "u1", `${HYDRATING}x200`)],
    evalTime: "120m",
    fires: { [FAST_BURN]: [], [SLOW_BURN]: [] },
    exprs: [{ expr: 'mz_slo:freshness_good:bool{slo="serving"}', samples: [] }],
  },
  "an SLO on one object in one environment ignores the others; the cluster SLO sees them all": {
    values: "serving+orders",
    series: [
      lag("prod", "u42", "u1", `${GOOD}x200`),
      lag("prod", "u43", "u1", `${BAD}x200`),
      lag("staging", "u42", "u1", `${BAD}x200`),
    ],
    evalTime: "120m",
    fires: {
      [FAST_BURN]: [
        { slo: "serving", environment: "prod", value: 100 },
        { slo: "serving", environment: "staging", value: 100 },
      ],
      [SLOW_BURN]: [
        { slo: "serving", environment: "prod", value: 100 },
        { slo: "serving", environment: "staging", value: 100 },
      ],
    },
    exprs: [
      {
        expr: 'mz_slo:freshness_lag:seconds{slo="orders"}',
        samples: [
          {
            labels:
              'mz_slo:freshness_lag:seconds{materialize_cloud_organization_name="prod", instance_id="u1", slo="orders"}',
            value: GOOD,
          },
        ],
      },
    ],
  },
};
