/** Dashboards as data: rows of panels whose queries are registry ids. build.ts turns them into Grafana JSON. */

export type PanelType = "timeseries" | "stat" | "table" | "logs";
export type DashboardVariable = "environment" | "cluster" | "replica" | "level";

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
    datasources: ["prometheus"],
    rows: [
      {
        title: "Availability",
        panels: [
          stat("environmentd up", "environmentd targets answering their scrape.", [
            "overview.environmentd_up",
          ]),
          stat("Replicas up", "clusterd targets answering their scrape.", ["overview.replicas_up"]),
          stat("Targets down", "Materialize scrape targets failing, by job.", [
            "overview.targets_down",
          ]),
          stat("Collections hydrating", "Collections still reporting the not-hydrated sentinel.", [
            "freshness.hydrating_by_replica",
          ]),
          ts(
            "Container restarts",
            "Restarts of environmentd, clusterd and balancerd containers.",
            ["overview.container_restarts"],
            { width: 24 },
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
            { width: 24 },
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
  {
    uid: "freshness",
    title: "Materialize / Freshness",
    description:
      "Wallclock lag per cluster, replica and collection, hydration progress and replica expiration.",
    variables: ["environment", "cluster", "replica"],
    datasources: ["prometheus"],
    rows: [
      {
        title: "Lag",
        panels: [
          ts("Worst lag by cluster", "Quantile 1 of wallclock lag per cluster.", [
            "freshness.cluster_max_lag",
          ]),
          ts("Best lag by cluster", "Quantile 0 of wallclock lag per cluster.", [
            "freshness.cluster_min_lag",
          ]),
          ts("Worst lag by replica", "Quantile 1 of wallclock lag per replica.", [
            "freshness.replica_max_lag",
          ]),
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
            { width: 24 },
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
    datasources: ["prometheus"],
    rows: [
      {
        title: "CPU",
        panels: [
          ts("CPU vs limit", "Cores used against the limit.", [
            "replica.cpu_usage",
            "replica.cpu_limit",
          ]),
          ts("CPU throttling", "Fraction of CFS periods throttled.", ["replica.cpu_throttling"]),
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
          ts("Push errors", "Fraction of pushes failing with 5xx.", [
            "stack.loki_push_error_ratio",
          ]),
          ts("Discarded lines", "Lines rejected, by reason.", ["stack.loki_discarded_samples"]),
          ts("Request latency", "99th percentile by route.", ["stack.loki_request_p99"], {
            width: 24,
          }),
        ],
      },
      {
        title: "Thanos",
        panels: [
          ts("Receive errors", "Fraction of remote-write requests failing.", [
            "stack.thanos_receive_error_ratio",
          ]),
          ts("Replication errors", "Failed replications between receivers.", [
            "stack.thanos_receive_replication_errors",
          ]),
          ts("Ruler", "Rule-evaluation failures and dropped alerts per second.", [
            "stack.thanos_rule_evaluation_failures",
            "stack.thanos_rule_alerts_dropped",
          ]),
        ],
      },
      {
        title: "Alloy",
        panels: [
          ts("Remote-write lag", "How far remote write trails the WAL.", [
            "stack.remote_write_lag",
          ]),
          ts("Samples sent and failed", "Samples per second sent and failed.", [
            "stack.remote_write_samples",
            "stack.remote_write_failed_samples",
          ]),
          ts("Log entries sent", "Entries per second delivered by loki.write.", [
            "stack.loki_write_sent",
          ]),
          ts("Unhealthy components", "Components not reporting healthy.", [
            "stack.alloy_unhealthy_components",
          ]),
        ],
      },
      {
        title: "Alertmanager",
        panels: [
          ts("Notification failures", "Fraction of notifications failing, per integration.", [
            "stack.alertmanager_notification_failure_ratio",
          ]),
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
