/**
 * The per-area dashboards: Kubernetes workloads, SQL activity, clusters and objects, compute,
 * sources and sinks, and the Summary row of the environment overview. Names of clusters,
 * replicas and objects come from the catalog info metrics (queries/names.ts).
 */
import {
  alertThresholds,
  statPanel as stat,
  THRESHOLDS,
  tablePanel as table,
  timeseries as ts,
} from "./panels.js";
import type { DashboardSpec, RowSpec } from "./spec.js";

const MATERIALIZE_VARIABLES: DashboardSpec["variables"] = ["environment", "cluster", "replica"];
const DATASOURCES: DashboardSpec["datasources"] = ["prometheus", "loki"];

/** The top row of the environment overview: the state of each environment at a glance. */
export const SUMMARY_ROW: RowSpec = {
  title: "Summary",
  panels: [
    stat(
      "Materialize version",
      "The version environmentd reports (from /metrics/mz_usage).",
      ["summary.version"],
      { textField: "mz_version", thresholds: THRESHOLDS.NEUTRAL, width: 4 },
    ),
    stat(
      "Availability",
      "Share of the time range environmentd answered its scrape, and the mean share of replica processes up.",
      ["summary.environmentd_availability", "summary.replica_availability"],
      { thresholds: THRESHOLDS.AVAILABILITY, decimals: 2, width: 5 },
    ),
    stat(
      "Since environmentd restart",
      "Time since the running environmentd container started; orange for the first hour.",
      ["summary.environmentd_uptime"],
      {
        thresholds: [
          { value: null, color: "orange" },
          { value: 3600, color: "green" },
        ],
        width: 5,
      },
    ),
    stat(
      "CPU and memory vs limits",
      "Everything the environment's Materialize containers use, over the sum of their limits.",
      ["summary.environment_cpu_utilisation", "summary.environment_memory_utilisation"],
      { thresholds: THRESHOLDS.UTILISATION, decimals: 1, width: 5 },
    ),
    stat(
      "Capacity",
      "CPU cores and memory the environment's Materialize containers may use (the sum of their limits).",
      ["summary.cpu_capacity", "summary.memory_capacity"],
      { unit: "short", thresholds: THRESHOLDS.NEUTRAL, width: 5 },
    ),
  ],
};

const workloads: DashboardSpec = {
  uid: "workloads",
  title: "Materialize / Kubernetes workloads",
  description:
    "Readiness of Materialize's pods, StatefulSets and Deployments, environmentd's resources, and pod network traffic and errors.",
  variables: MATERIALIZE_VARIABLES,
  datasources: DATASOURCES,
  rows: [
    {
      title: "Readiness",
      panels: [
        ts(
          "Pods by phase",
          "Pods of the Materialize namespaces by phase; Pending and Failed pods need a look.",
          ["workloads.pods_by_phase"],
          { thresholds: THRESHOLDS.NEUTRAL, width: 8 },
        ),
        ts(
          "Containers ready",
          "Share of environmentd, clusterd and balancerd containers ready.",
          ["workloads.containers_ready"],
          { thresholds: THRESHOLDS.ALL, thresholdsStyle: "dashed", width: 8 },
        ),
        ts(
          "StatefulSets and Deployments ready",
          "Ready over desired replicas of each StatefulSet and Deployment.",
          ["workloads.statefulsets_ready", "workloads.deployments_ready"],
          { thresholds: THRESHOLDS.ALL, thresholdsStyle: "dashed", width: 8 },
        ),
      ],
    },
    {
      title: "environmentd resources",
      panels: [
        ts(
          "environmentd CPU vs limit",
          "CPU cores each environmentd pod uses against its limit.",
          ["workloads.environmentd_cpu", "workloads.environmentd_cpu_limit"],
          { thresholds: THRESHOLDS.NEUTRAL },
        ),
        ts(
          "environmentd memory vs limit",
          "Working set of each environmentd pod against its limit; the alert warns above 80% for 30 minutes.",
          ["workloads.environmentd_memory", "workloads.environmentd_memory_limit"],
          { thresholds: THRESHOLDS.NEUTRAL },
        ),
        ts(
          "environmentd memory utilisation",
          "Working set over the memory limit, coloured at the MaterializeEnvironmentdMemoryNearLimit threshold.",
          ["resources.environmentd_memory_near_limit"],
          {
            thresholds: alertThresholds("MaterializeEnvironmentdMemoryNearLimit"),
            thresholdsStyle: "dashed",
            width: 24,
          },
        ),
      ],
    },
    {
      title: "Network",
      panels: [
        ts(
          "Received",
          "Bytes per second each Materialize pod receives.",
          ["workloads.network_rx"],
          {
            thresholds: THRESHOLDS.NEUTRAL,
          },
        ),
        ts("Sent", "Bytes per second each Materialize pod sends.", ["workloads.network_tx"], {
          thresholds: THRESHOLDS.NEUTRAL,
        }),
        ts(
          "Network errors",
          "Receive and transmit errors per second of each pod.",
          ["workloads.network_errors"],
          { thresholds: THRESHOLDS.ANY },
        ),
        ts(
          "Dropped packets",
          "Received and sent packets dropped per second of each pod.",
          ["workloads.network_drops"],
          { thresholds: THRESHOLDS.ANY },
        ),
      ],
    },
  ],
};

const activity: DashboardSpec = {
  uid: "activity",
  title: "Materialize / SQL activity",
  description:
    "Sessions, statements by type, adapter commands by application, and peek latency per cluster.",
  variables: MATERIALIZE_VARIABLES,
  datasources: DATASOURCES,
  rows: [
    {
      title: "Connections",
      panels: [
        ts(
          "Sessions by type",
          "Open SQL sessions by session type.",
          ["activity.sessions_by_type"],
          {
            thresholds: THRESHOLDS.NEUTRAL,
          },
        ),
        ts(
          "Sessions and subscribes",
          "Open SQL sessions and running SUBSCRIBEs per environment.",
          ["sql.active_sessions", "sql.active_subscribes"],
          { unit: "short", thresholds: THRESHOLDS.NEUTRAL },
        ),
      ],
    },
    {
      title: "Statements and commands",
      panels: [
        ts(
          "Statements by type",
          "Statements per second by statement type.",
          ["activity.queries_by_statement_type"],
          { thresholds: THRESHOLDS.NEUTRAL },
        ),
        ts(
          "Commands by application",
          "Adapter commands per second by client application_name.",
          ["activity.commands_by_application"],
          { thresholds: THRESHOLDS.NEUTRAL },
        ),
        ts(
          "Failing commands by application",
          "Share of each application's commands that did not succeed.",
          ["activity.command_errors_by_application"],
          {
            thresholds: [
              { value: null, color: "green" },
              { value: 0.01, color: "orange" },
              { value: 0.05, color: "red" },
            ],
          },
        ),
        ts(
          "Commands by status",
          "Adapter commands per second by status.",
          ["sql.commands_by_status"],
          { thresholds: THRESHOLDS.NEUTRAL },
        ),
      ],
    },
    {
      title: "Peeks",
      panels: [
        ts(
          "Peek latency p99 by cluster",
          "99th percentile of SELECT latency per cluster.",
          ["activity.peek_latency_p99_by_cluster"],
          {
            thresholds: [
              { value: null, color: "green" },
              { value: 1, color: "orange" },
              { value: 10, color: "red" },
            ],
          },
        ),
        ts("Peeks by result", "Peeks per second by result.", ["activity.peeks_by_result"], {
          thresholds: THRESHOLDS.NEUTRAL,
        }),
      ],
    },
  ],
};

const clusters: DashboardSpec = {
  uid: "clusters",
  title: "Materialize / Clusters and objects",
  description:
    "Clusters and their replicas with name, size and status, and the objects each cluster maintains.",
  variables: MATERIALIZE_VARIABLES,
  datasources: DATASOURCES,
  rows: [
    {
      title: "Inventory",
      panels: [
        stat("Clusters", "Clusters per environment, system and user.", ["clusters.count"], {
          thresholds: THRESHOLDS.NEUTRAL,
          width: 8,
        }),
        stat("Replicas", "Cluster replicas per environment.", ["clusters.replica_count"], {
          thresholds: THRESHOLDS.NEUTRAL,
          width: 8,
        }),
        stat("Replicas by size", "Replicas of each size.", ["clusters.replicas_by_size"], {
          thresholds: THRESHOLDS.NEUTRAL,
          width: 8,
        }),
        table(
          "Replicas with size and status",
          "Every replica with its cluster and size; the value is its clusterd processes up (0, red: not running).",
          "clusters.replicas",
          { thresholds: THRESHOLDS.NONZERO },
        ),
      ],
    },
    {
      title: "Objects per cluster",
      panels: [
        table(
          "Objects per cluster",
          "Collections each cluster maintains, by object type.",
          "clusters.objects_by_type",
          { thresholds: THRESHOLDS.NEUTRAL, width: 12 },
        ),
        table(
          "Sources and sinks per cluster",
          "Sources and sinks running on each cluster.",
          "clusters.sources_sinks_by_cluster",
          { thresholds: THRESHOLDS.NEUTRAL, width: 12 },
        ),
      ],
    },
  ],
};

const compute: DashboardSpec = {
  uid: "compute",
  title: "Materialize / Compute",
  description:
    "Objects, freshness, hydration, dataflows, per-worker skew and arrangement sizes, by cluster, replica and object name.",
  variables: MATERIALIZE_VARIABLES,
  datasources: DATASOURCES,
  rows: [
    {
      title: "Objects",
      panels: [
        stat(
          "User objects by type",
          "Tables, views, materialized views, indexes, ...",
          ["compute.object_counts"],
          { thresholds: THRESHOLDS.NEUTRAL, width: 18 },
        ),
        stat("Subscribes", "Running SUBSCRIBEs.", ["sql.active_subscribes"], {
          unit: "short",
          thresholds: THRESHOLDS.NEUTRAL,
        }),
      ],
    },
    {
      title: "Freshness",
      panels: [
        ts(
          "Wallclock lag by cluster",
          "Worst lag of hydrated collections per cluster, coloured at the user-cluster freshness alert's thresholds.",
          ["compute.lag_by_cluster"],
          {
            thresholds: alertThresholds("MaterializeUserClusterFreshnessLag"),
            thresholdsStyle: "dashed",
          },
        ),
        table(
          "Most-lagged objects",
          "The ten hydrated collections furthest behind.",
          "compute.most_lagged_objects",
          { thresholds: alertThresholds("MaterializeUserClusterFreshnessLag"), width: 12 },
        ),
      ],
    },
    {
      title: "Hydration",
      panels: [
        ts(
          "Collections hydrating",
          "Collections per replica not yet hydrated.",
          ["compute.hydrating_by_replica"],
          { thresholds: THRESHOLDS.NEUTRAL, width: 8 },
        ),
        ts(
          "Hydration queue",
          "Dataflows waiting to hydrate per replica.",
          ["compute.hydration_queue_by_replica"],
          { thresholds: THRESHOLDS.NEUTRAL, width: 8 },
        ),
        table(
          "Slowest-hydrating collections",
          "The ten collections longest not hydrated in the time range.",
          "compute.slowest_hydrating",
          {
            thresholds: [
              { value: null, color: "green" },
              { value: 600, color: "orange" },
              { value: 3600, color: "red" },
            ],
            width: 8,
          },
        ),
      ],
    },
    {
      title: "Dataflows and workers",
      panels: [
        ts("Dataflows", "Dataflows installed per replica.", ["compute.dataflows_by_replica"], {
          thresholds: THRESHOLDS.NEUTRAL,
        }),
        ts(
          "Per-worker skew",
          "Busiest worker over the mean worker, for arrangement maintenance and dataflow time; 1 is even.",
          ["compute.arrangement_worker_skew", "compute.dataflow_worker_skew"],
          { thresholds: THRESHOLDS.SKEW, thresholdsStyle: "dashed", decimals: 2 },
        ),
      ],
    },
    {
      title: "Arrangements",
      panels: [
        table(
          "Records by object",
          "The ten collections holding the most arranged records.",
          "compute.records_by_object",
          { thresholds: THRESHOLDS.NEUTRAL, width: 12 },
        ),
        ts(
          "Arrangement size by object",
          "The ten collections with the largest arrangements.",
          ["compute.arrangement_size_by_object"],
          { thresholds: THRESHOLDS.NEUTRAL },
        ),
      ],
    },
  ],
};

const storage: DashboardSpec = {
  uid: "storage",
  title: "Materialize / Sources and sinks",
  description:
    "Inventories and status of sources and sinks, ingestion, upstream errors and lag, sink lag, Iceberg commits and Kafka producers, by name.",
  variables: MATERIALIZE_VARIABLES,
  datasources: DATASOURCES,
  rows: [
    {
      title: "Inventory",
      panels: [
        stat(
          "Sources by type",
          "User sources by connection type.",
          ["storage.sources_by_connection_type"],
          { thresholds: THRESHOLDS.NEUTRAL, width: 12 },
        ),
        stat(
          "Sinks by type",
          "User sinks by connection type.",
          ["storage.sinks_by_connection_type"],
          {
            thresholds: THRESHOLDS.NEUTRAL,
            width: 12,
          },
        ),
        table(
          "Sources",
          "Every source with its type, envelope and cluster; the value is the replica processes running it (0, red: its cluster has no replica).",
          "storage.source_inventory",
          { thresholds: THRESHOLDS.NONZERO, width: 12 },
        ),
        table(
          "Sinks",
          "Every sink with its type, envelope and cluster; the value is the replica processes running it.",
          "storage.sink_inventory",
          { thresholds: THRESHOLDS.NONZERO, width: 12 },
        ),
      ],
    },
    {
      title: "Sources",
      panels: [
        ts("Bytes received", "Bytes per second per source.", ["storage.source_bytes_by_source"], {
          thresholds: THRESHOLDS.NEUTRAL,
        }),
        ts(
          "Messages received",
          "Messages per second per source.",
          ["storage.source_messages_by_source"],
          { thresholds: THRESHOLDS.NEUTRAL },
        ),
        ts(
          "Upstream errors",
          "Failures per second to commit offsets upstream, per source.",
          ["storage.source_commit_failures_by_source"],
          { thresholds: THRESHOLDS.ANY },
        ),
        ts(
          "Source lag",
          "Upstream offsets known but not yet committed, per source.",
          ["storage.source_offset_lag_by_source"],
          { thresholds: THRESHOLDS.NEUTRAL },
        ),
      ],
    },
    {
      title: "Sinks",
      panels: [
        ts("Throughput", "Bytes per second committed per sink.", ["storage.sink_bytes_by_sink"], {
          thresholds: THRESHOLDS.NEUTRAL,
        }),
        ts(
          "Sink lag",
          "Bytes staged but not yet committed downstream, per sink.",
          ["storage.sink_lag_by_sink"],
          { thresholds: THRESHOLDS.NEUTRAL },
        ),
      ],
    },
    {
      title: "Iceberg sinks",
      panels: [
        ts(
          "Commit latency p99",
          "99th percentile of Iceberg commit time per sink.",
          ["storage.iceberg_commit_p99"],
          {
            thresholds: [
              { value: null, color: "green" },
              { value: 30, color: "orange" },
              { value: 120, color: "red" },
            ],
            width: 8,
          },
        ),
        ts(
          "Commit conflicts and failures",
          "Commits per second that conflicted or failed, per sink.",
          ["storage.iceberg_commit_conflicts", "storage.iceberg_commit_failures"],
          { thresholds: THRESHOLDS.ANY, width: 8 },
        ),
        ts("Snapshots", "Snapshots committed per second per sink.", ["storage.iceberg_snapshots"], {
          thresholds: THRESHOLDS.NEUTRAL,
          width: 8,
        }),
      ],
    },
    {
      title: "Kafka sinks",
      panels: [
        ts(
          "Producer buffer",
          "Messages waiting in each sink's Kafka producer buffer.",
          ["storage.kafka_outbuf"],
          { thresholds: THRESHOLDS.NEUTRAL, width: 8 },
        ),
        ts(
          "Connects and disconnects",
          "Broker connections opened and lost per interval, per sink; steady disconnects are reconnect loops.",
          ["storage.kafka_connects", "storage.kafka_disconnects"],
          { thresholds: THRESHOLDS.NEUTRAL, width: 8 },
        ),
        ts(
          "Transmit errors",
          "Kafka transmit errors per interval, per sink.",
          ["storage.kafka_txerrs"],
          { thresholds: THRESHOLDS.ANY, width: 8 },
        ),
      ],
    },
  ],
};

/** The per-area dashboards, in the order of the anchor's tabs after the overview. */
export const AREA_DASHBOARDS: readonly DashboardSpec[] = [
  workloads,
  activity,
  clusters,
  compute,
  storage,
];
