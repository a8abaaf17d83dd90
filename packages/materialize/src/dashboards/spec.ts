/** Dashboards as data: rows of panels whose queries are registry ids. build.ts turns them into Grafana JSON. */

import { durationSeconds } from "@materialize-monitoring/core";
import { BURN_RATE_ALERTS } from "../rules/slos.js";
import type { FreshnessSlo } from "../values.js";
import { AREA_DASHBOARDS, SUMMARY_ROW } from "./areas.js";
import { alertThresholds, THRESHOLDS } from "./panels.js";

export type PanelType = "timeseries" | "stat" | "table" | "logs";
export type DashboardVariable = "environment" | "cluster" | "replica" | "level" | "slo";

/** One threshold step: from `value` up (the first step's value is null, the base colour). */
export interface ThresholdStep {
  value: number | null;
  color: string;
}

/** Thresholds of the series whose display name matches `displayName` (a regex), as an override. */
export interface SeriesThresholds {
  displayName: string;
  steps: ThresholdStep[];
}

export interface PanelSpec {
  title: string;
  type: PanelType;
  description: string;
  /** Registry ids; each becomes one target. */
  queries: string[];
  /** Grafana unit; the first query's unit when left out. */
  unit?: string;
  /** Grid width (of 24); default 12. */
  width?: number;
  /** Grid height; default 8. */
  height?: number;
  /** Threshold steps, lowest first, the first with value null; Grafana's default when left out. */
  thresholds?: readonly ThresholdStep[];
  /** How a time series panel draws its thresholds; not at all when left out. */
  thresholdsStyle?: "line" | "dashed" | "area" | "line+area" | "dashed+area";
  /** Per-series thresholds (field overrides), for series whose thresholds differ from the panel's. */
  seriesThresholds?: SeriesThresholds[];
  /** Decimals shown. */
  decimals?: number;
  /** Stat panels: show this label of the (instant, table) result as text instead of the value. */
  textField?: string;
}

export interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

export interface DashboardSpec {
  /** Appended to `dashboards.uidPrefix`. */
  uid: string;
  title: string;
  description: string;
  variables: DashboardVariable[];
  /** Which datasource variables the dashboard has (`datasource` for Prometheus, `loki_datasource`). */
  datasources: ("prometheus" | "loki")[];
  rows: RowSpec[];
}

const ts = (
  title: string,
  description: string,
  queries: string[],
  extra: Partial<PanelSpec> = {},
): PanelSpec => ({
  title,
  type: "timeseries",
  description,
  queries,
  ...extra,
});
const stat = (
  title: string,
  description: string,
  queries: string[],
  extra: Partial<PanelSpec> = {},
): PanelSpec => ({
  title,
  type: "stat",
  description,
  queries,
  width: 6,
  height: 4,
  ...extra,
});

export const DASHBOARDS: readonly DashboardSpec[] = [
  {
    uid: "overview",
    title: "Materialize / Environment overview",
    description:
      "Availability, freshness, hydration, replica resources, SQL activity, sources and sinks, and persist health of Materialize environments.",
    variables: ["environment", "cluster", "replica"],
    datasources: ["prometheus", "loki"],
    rows: [
      SUMMARY_ROW,
      {
        title: "Availability",
        panels: [
          stat("environmentd up", "environmentd targets answering their scrape.", [
            "overview.environmentd_up",
          ]),
          stat("Replicas up", "clusterd targets answering their scrape.", ["overview.replicas_up"]),
          stat(
            "Targets down",
            "Materialize scrape targets failing, by job.",
            ["overview.targets_down"],
            { thresholds: THRESHOLDS.ANY },
          ),
          stat("Hydrating now", "Collections still reporting the not-hydrated sentinel.", [
            "freshness.hydrating_by_replica",
          ]),
          ts(
            "Container restarts",
            "Restarts of environmentd, clusterd and balancerd containers.",
            ["overview.container_restarts"],
            { thresholds: THRESHOLDS.ANY, width: 24 },
          ),
        ],
      },
      {
        title: "Freshness",
        panels: [
          ts(
            "Wallclock lag by cluster",
            "Worst lag of hydrated collections per cluster (quantile 1, sentinel removed).",
            ["freshness.cluster_max_lag"],
          ),
          {
            title: "Most-lagged collections",
            type: "table",
            description: "The ten hydrated collections furthest behind wallclock time.",
            queries: ["freshness.most_lagged_collections"],
          },
        ],
      },
      {
        title: "Hydration",
        panels: [
          ts("Collections hydrating", "Collections per replica that have not hydrated yet.", [
            "freshness.hydrating_by_replica",
          ]),
          ts("Hydration queue", "Dataflows waiting to hydrate in the compute controller.", [
            "freshness.hydration_queue",
          ]),
        ],
      },
      {
        title: "Replica resources",
        panels: [
          ts("Replica CPU vs limit", "CPU cores used by each replica against its limit.", [
            "replica.cpu_usage",
            "replica.cpu_limit",
          ]),
          ts("Replica memory vs limit", "Working set of each replica against its memory limit.", [
            "replica.memory_working_set",
            "replica.memory_limit",
          ]),
        ],
      },
      {
        title: "Sessions and queries",
        panels: [
          ts(
            "Sessions and subscribes",
            "Open SQL sessions and running SUBSCRIBEs.",
            ["sql.active_sessions", "sql.active_subscribes"],
            { unit: "short" },
          ),
          ts("Queries per second", "Queries and adapter commands by status.", [
            "sql.queries_per_second",
            "sql.commands_by_status",
          ]),
          ts("Query latency", "Peek (SELECT) latency percentiles.", [
            "sql.peek_latency_p50",
            "sql.peek_latency_p90",
            "sql.peek_latency_p99",
          ]),
          ts("Time to first row", "99th percentile time to the first row, per cluster.", [
            "sql.time_to_first_row_p99",
          ]),
        ],
      },
      {
        title: "Sources and sinks",
        panels: [
          ts("Source throughput", "Bytes per second read by sources.", ["sources.bytes_received"]),
          ts("Source messages", "Messages per second read by sources.", [
            "sources.messages_received",
          ]),
          ts("Source lag", "Upstream offsets known but not yet committed.", ["sources.offset_lag"]),
          ts("Sink throughput", "Bytes per second committed by sinks.", ["sinks.bytes_committed"]),
          ts(
            "Sink errors",
            "Kafka transmit errors and Iceberg commit failures.",
            ["sinks.errors"],
            { thresholds: THRESHOLDS.ANY, width: 24 },
          ),
        ],
      },
      {
        title: "Persist",
        panels: [
          ts(
            "Persist failures",
            "Blob-store, consensus and command failures per second.",
            [
              "persist.blob_failure_rate",
              "persist.consensus_failure_rate",
              "persist.command_failure_rate",
            ],
            { width: 24 },
          ),
        ],
      },
    ],
  },
  ...AREA_DASHBOARDS,
  {
    uid: "freshness",
    title: "Materialize / Freshness",
    description:
      "Wallclock lag per cluster, replica and collection, hydration progress and replica expiration.",
    variables: ["environment", "cluster", "replica"],
    datasources: ["prometheus", "loki"],
    rows: [
      {
        title: "Lag",
        panels: [
          ts(
            "Worst lag by cluster",
            "Quantile 1 of wallclock lag per cluster.",
            ["freshness.cluster_max_lag"],
            { thresholds: alertThresholds("MaterializeUserClusterFreshnessLag") },
          ),
          ts("Best lag by cluster", "Quantile 0 of wallclock lag per cluster.", [
            "freshness.cluster_min_lag",
          ]),
          ts(
            "Worst lag by replica",
            "Quantile 1 of wallclock lag per replica.",
            ["freshness.replica_max_lag"],
            { thresholds: alertThresholds("MaterializeUserClusterFreshnessLag") },
          ),
          {
            title: "Most-lagged collections",
            type: "table",
            description: "The ten hydrated collections furthest behind.",
            queries: ["freshness.most_lagged_collections"],
          },
        ],
      },
      {
        title: "Hydration and expiration",
        panels: [
          ts("Collections hydrating", "Collections per replica that have not hydrated.", [
            "freshness.hydrating_by_replica",
          ]),
          ts("Hydration queue", "Dataflows waiting to hydrate.", ["freshness.hydration_queue"]),
          ts(
            "Replica expiration",
            "Time until each replica's dataflows expire.",
            ["freshness.expiration_remaining_by_replica"],
            { thresholds: alertThresholds("MaterializeReplicaExpirationApproaching"), width: 24 },
          ),
        ],
      },
    ],
  },
  {
    uid: "replicas",
    title: "Materialize / Cluster replicas",
    description: "Resources, activity and health of the selected cluster replicas.",
    variables: ["environment", "cluster", "replica"],
    datasources: ["prometheus", "loki"],
    rows: [
      {
        title: "CPU",
        panels: [
          ts("CPU vs limit", "Cores used against the limit.", [
            "replica.cpu_usage",
            "replica.cpu_limit",
          ]),
          ts("CPU throttling", "Fraction of CFS periods throttled.", ["replica.cpu_throttling"], {
            thresholds: alertThresholds("MaterializeCPUThrottling"),
          }),
        ],
      },
      {
        title: "Memory",
        panels: [
          ts("Working set vs limit", "Container working set against the memory limit.", [
            "replica.memory_working_set",
            "replica.memory_limit",
          ]),
          ts(
            "Memory limiter",
            "Memory and swap Materialize accounts against its limiter's limit.",
            ["replica.memory_limiter_usage", "replica.memory_limiter_limit"],
          ),
        ],
      },
      {
        title: "Activity",
        panels: [
          ts(
            "Commands from environmentd",
            "Changes of the last-command marker; zero means cut off.",
            ["replica.commands_received"],
          ),
          ts(
            "Dataflow time",
            "Seconds per second spent in dataflows and arrangement maintenance.",
            ["replica.dataflow_elapsed", "replica.arrangement_maintenance"],
          ),
          ts("Arranged records", "Records held in arrangements.", ["replica.arrangement_records"]),
          ts("Dataflows", "Dataflows installed per replica.", ["replica.dataflow_count"]),
        ],
      },
    ],
  },
  {
    uid: "logs",
    title: "Materialize / Logs and events",
    description:
      "Materialize logs by level, panics, data-correctness errors and Kubernetes events, from Loki.",
    variables: ["environment", "cluster", "replica", "level"],
    datasources: ["prometheus", "loki"],
    rows: [
      {
        title: "Volume",
        panels: [
          ts(
            "Log lines by level",
            "Lines per interval by normalised level.",
            ["logs.volume_by_level"],
            {
              unit: "short",
            },
          ),
          ts(
            "Warning events by reason",
            "Kubernetes Warning events per interval.",
            ["logs.warning_events_by_reason"],
            {
              unit: "short",
            },
          ),
        ],
      },
      {
        title: "Problems",
        panels: [
          {
            title: "Panics",
            type: "logs",
            description: "Panic lines.",
            queries: ["logs.panic_lines"],
          },
          {
            title: "Data-correctness errors",
            type: "logs",
            description: "Lines reporting a correctness problem.",
            queries: ["logs.correctness_lines"],
          },
        ],
      },
      {
        title: "Logs",
        panels: [
          {
            title: "Materialize logs",
            type: "logs",
            description: "Lines of the selected levels and environments.",
            queries: ["logs.materialize"],
            width: 24,
            height: 12,
          },
          {
            title: "Replica logs",
            type: "logs",
            description: "clusterd lines of the selected clusters and replicas.",
            queries: ["logs.replica"],
            width: 24,
            height: 12,
          },
          {
            title: "Kubernetes events",
            type: "logs",
            description: "Events of the Materialize namespaces.",
            queries: ["logs.kubernetes_events"],
            width: 24,
            height: 10,
          },
        ],
      },
    ],
  },
  {
    uid: "stack",
    title: "Materialize monitoring / Stack",
    description: "Health of the monitoring stack itself: Loki, Thanos, Alloy and Alertmanager.",
    variables: [],
    datasources: ["prometheus"],
    rows: [
      {
        title: "Targets",
        panels: [
          ts("Targets up", "Stack scrape targets up, by job.", ["stack.targets_up"], { width: 24 }),
        ],
      },
      {
        title: "Loki",
        panels: [
          ts("Ingestion", "Bytes received by distributors.", ["stack.loki_ingested_bytes"]),
          ts("Lines", "Lines received by distributors.", ["stack.loki_ingested_lines"]),
          ts(
            "Push errors",
            "Fraction of pushes failing with 5xx.",
            ["stack.loki_push_error_ratio"],
            { thresholds: alertThresholds("LokiPushErrors") },
          ),
          ts("Discarded lines", "Lines rejected, by reason.", ["stack.loki_discarded_samples"], {
            thresholds: THRESHOLDS.ANY,
          }),
          ts("Request latency", "99th percentile by route.", ["stack.loki_request_p99"], {
            width: 24,
          }),
        ],
      },
      {
        title: "Thanos",
        panels: [
          ts(
            "Receive errors",
            "Fraction of remote-write requests failing.",
            ["stack.thanos_receive_error_ratio"],
            { thresholds: alertThresholds("ThanosReceiveErrors") },
          ),
          ts(
            "Replication errors",
            "Failed replications between receivers.",
            ["stack.thanos_receive_replication_errors"],
            { thresholds: THRESHOLDS.ANY },
          ),
          ts("Ruler", "Rule-evaluation failures and dropped alerts per second.", [
            "stack.thanos_rule_evaluation_failures",
            "stack.thanos_rule_alerts_dropped",
          ]),
        ],
      },
      {
        title: "Alloy",
        panels: [
          ts(
            "Remote-write lag",
            "How far remote write trails the WAL.",
            ["stack.remote_write_lag"],
            { thresholds: alertThresholds("AlloyRemoteWriteBehind") },
          ),
          ts("Samples sent and failed", "Samples per second sent and failed.", [
            "stack.remote_write_samples",
            "stack.remote_write_failed_samples",
          ]),
          ts("Log entries sent", "Entries per second delivered by loki.write.", [
            "stack.loki_write_sent",
          ]),
          ts(
            "Unhealthy components",
            "Components not reporting healthy.",
            ["stack.alloy_unhealthy_components"],
            { thresholds: THRESHOLDS.ANY },
          ),
        ],
      },
      {
        title: "Alertmanager",
        panels: [
          ts(
            "Notification failures",
            "Fraction of notifications failing, per integration.",
            ["stack.alertmanager_notification_failure_ratio"],
            { thresholds: alertThresholds("AlertmanagerNotificationsFailing") },
          ),
          ts(
            "Cluster and alerts",
            "Cluster peers seen and active alerts.",
            ["stack.alertmanager_cluster_members", "stack.alertmanager_active_alerts"],
            { unit: "short" },
          ),
        ],
      },
    ],
  },
];

/** uid (after `dashboards.uidPrefix`) of the Freshness SLOs dashboard, built only when SLOs are configured. */
export const SLO_DASHBOARD_UID = "slos";

/** Display names of an SLO's series start with its name and " (" (the legends in queries/slos.ts). */
export function sloSeriesPattern(name: string): string {
  return `^${name} \\(`;
}

const factors = (kind: "page" | "ticket") =>
  (BURN_RATE_ALERTS.find((a) => a.kind === kind)?.windows ?? []).map((w) => w.factor);

/** Green up to the objective's share of good minutes, red below it. */
const objectiveSteps = (objective: number): ThresholdStep[] => [
  { value: null, color: "red" },
  { value: objective, color: "green" },
];
/** Green below the lag threshold, red from it. */
const lagSteps = (seconds: number): ThresholdStep[] => [
  { value: null, color: "green" },
  { value: seconds, color: "red" },
];

/**
 * The Freshness SLOs dashboard for the configured SLOs: error budget left, burn rates against the
 * alert thresholds, and each SLI against its objective. Panels show every SLO (variable `slo`);
 * where thresholds differ per SLO (objective, lag threshold) each SLO's series get their own, and
 * the panel's are the strictest SLO's.
 */
export function sloDashboardSpec(slos: readonly FreshnessSlo[]): DashboardSpec {
  const objectives = slos.map((s) => s.objective);
  const thresholds = slos.map((s) => durationSeconds(s.threshold));
  const panelObjective = objectives.length > 0 ? Math.max(...objectives) : 0.99;
  const panelThreshold = thresholds.length > 0 ? Math.min(...thresholds) : 60;
  /** Draw the panel's thresholds only where they are every SLO's. */
  const drawn = (values: number[]) =>
    new Set(values).size <= 1 ? { thresholdsStyle: "dashed" as const } : {};
  const perSlo = (steps: (slo: FreshnessSlo) => ThresholdStep[]): SeriesThresholds[] =>
    slos.map((slo) => ({ displayName: sloSeriesPattern(slo.name), steps: steps(slo) }));
  const [page1 = 14.4, page2 = 6] = [...factors("page")].sort((a, b) => b - a);
  const [ticket1 = 3, ticket2 = 1] = [...factors("ticket")].sort((a, b) => b - a);
  const objective = {
    thresholds: objectiveSteps(panelObjective),
    seriesThresholds: perSlo((slo) => objectiveSteps(slo.objective)),
  };
  return {
    uid: SLO_DASHBOARD_UID,
    title: "Materialize / Freshness SLOs",
    description:
      "Freshness SLOs (values slos.freshness): error budget left over each SLO's window, burn rates against the page and ticket alert thresholds, and each SLI and its lag against the objective and threshold.",
    variables: ["environment", "cluster", "slo"],
    datasources: ["prometheus"],
    rows: [
      {
        title: "Error budget",
        panels: [
          stat(
            "Error budget remaining",
            "Share of the error budget left over the SLO window; below 0 the objective is missed.",
            ["slo.error_budget_remaining"],
            {
              width: 8,
              height: 5,
              decimals: 1,
              thresholds: [
                { value: null, color: "red" },
                { value: 0, color: "orange" },
                { value: 0.25, color: "green" },
              ],
            },
          ),
          stat(
            "SLI over the SLO window",
            "Share of good minutes (lag below the threshold) over the SLO window; red below the objective.",
            ["slo.sli_period"],
            { width: 8, height: 5, decimals: 3, ...objective },
          ),
          stat("Objective", "Each SLO's objective over its window.", ["slo.objective"], {
            width: 8,
            height: 5,
            decimals: 3,
            thresholds: [{ value: null, color: "blue" }],
          }),
        ],
      },
      {
        title: "Burn rate",
        panels: [
          ts(
            "Burn rate: page windows",
            `Error-budget burn rate over 5m, 30m, 1h and 6h (1 spends the budget exactly over the window). The page alert fires above ${page1}x over 1h and 5m, or above ${page2}x over 6h and 30m.`,
            ["slo.burn_rate_5m", "slo.burn_rate_30m", "slo.burn_rate_1h", "slo.burn_rate_6h"],
            {
              thresholds: [
                { value: null, color: "green" },
                { value: page2, color: "orange" },
                { value: page1, color: "red" },
              ],
              thresholdsStyle: "dashed",
            },
          ),
          ts(
            "Burn rate: ticket windows",
            `Error-budget burn rate over 2h, 6h, 1d and 3d. The ticket alert fires above ${ticket1}x over 1d and 2h, or above ${ticket2}x over 3d and 6h.`,
            ["slo.burn_rate_2h", "slo.burn_rate_6h", "slo.burn_rate_1d", "slo.burn_rate_3d"],
            {
              thresholds: [
                { value: null, color: "green" },
                { value: ticket2, color: "yellow" },
                { value: ticket1, color: "orange" },
              ],
              thresholdsStyle: "dashed",
            },
          ),
        ],
      },
      {
        title: "SLI and lag",
        panels: [
          ts(
            "SLI over the SLO window",
            "Share of good minutes over the SLO window, against the objective.",
            ["slo.sli_period", "slo.objective"],
            { decimals: 3, ...objective, ...drawn(objectives) },
          ),
          ts(
            "SLI over the last hour",
            "Share of good minutes over the last hour: where the budget is being spent.",
            ["slo.sli_1h"],
            { decimals: 3, ...objective, ...drawn(objectives) },
          ),
          ts(
            "Lag against the threshold",
            "The SLI's measurement (worst lag over the SLO's collections, each at its freshest replica) against the threshold; a minute at or above it is bad.",
            ["slo.lag", "slo.threshold"],
            {
              width: 24,
              thresholds: lagSteps(panelThreshold),
              seriesThresholds: perSlo((slo) => lagSteps(durationSeconds(slo.threshold))),
              ...drawn(thresholds),
            },
          ),
        ],
      },
    ],
  };
}
