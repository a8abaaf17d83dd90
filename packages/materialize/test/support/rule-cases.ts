/**
 * promtool unit-test data for every Prometheus alert: input series, when to
 * evaluate, and which alerts (labels, value, severity) must fire. A case
 * with `fires: []` proves the alert stays quiet. The generator in
 * promtool.ts turns these into `promtool test rules` files.
 */
import type { Severity } from "../../src/values.js";

export interface SeriesInput {
  series: string;
  values: string;
}
export interface ExpectedAlert {
  /** Labels of the expression's result (rule labels are added by the generator). */
  labels: Record<string, string>;
  /** The alert's value, for the description. */
  value: number;
  /** Which tier fires; the alert's first tier when left out. */
  severity?: Severity;
}
export interface AlertCase {
  evalTime: string;
  series: SeriesInput[];
  fires: ExpectedAlert[];
}
export interface AlertCases {
  fires: AlertCase;
  quiet: AlertCase | { exempt: string };
  /** Further cases, keyed by what each shows (a grace period, an exit code that is not a failure, ...). */
  more?: Record<string, AlertCase>;
}

function series(name: string, labels: Record<string, string>, values: string): SeriesInput {
  const body = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(", ");
  return { series: `${name}{${body}}`, values };
}

const ENV_NS = "materialize-environment";
const MON_NS = "monitoring";
const envd = {
  job: "materialize-environmentd",
  namespace: ENV_NS,
  pod: "mz4t2-environmentd-1-0",
  materialize_cloud_organization_name: "prod",
};
const replica = {
  namespace: ENV_NS,
  pod: "mz4t2-cluster-u1-replica-u1-gen-1-0",
  materialize_cloud_organization_name: "prod",
  cluster_environmentd_materialize_cloud_cluster_id: "u1",
  cluster_environmentd_materialize_cloud_replica_id: "u1",
};
const clusterdTarget = { job: "materialize-clusterd", ...replica };
/** A replica of system cluster s2 (the catalog server). */
const systemReplica = {
  namespace: ENV_NS,
  pod: "mz4t2-cluster-s2-replica-s2-gen-1-0",
  materialize_cloud_organization_name: "prod",
  cluster_environmentd_materialize_cloud_cluster_id: "s2",
  cluster_environmentd_materialize_cloud_replica_id: "s2",
};
const systemClusterdTarget = { job: "materialize-clusterd", ...systemReplica };

/** A down/up target: fires when up is 0 for longer than the alert's `for`. */
function upCases(labels: Record<string, string>, evalTime: string): AlertCases {
  return {
    fires: { evalTime, series: [series("up", labels, "0x40")], fires: [{ labels, value: 0 }] },
    quiet: { evalTime, series: [series("up", labels, "1x40")], fires: [] },
  };
}

/** A counter rising `perMinute` per minute fires; a flat counter stays quiet. */
function counterCases(
  name: string,
  labels: Record<string, string>,
  resultLabels: Record<string, string>,
  evalTime: string,
  perMinute: number,
  value: number,
): AlertCases {
  return {
    fires: {
      evalTime,
      series: [series(name, labels, `0+${perMinute}x60`)],
      fires: [{ labels: resultLabels, value }],
    },
    quiet: { evalTime, series: [series(name, labels, "5x60")], fires: [] },
  };
}

/** A gauge held at `bad` fires; held at `good` stays quiet. */
function gaugeCases(
  name: string,
  labels: Record<string, string>,
  resultLabels: Record<string, string>,
  evalTime: string,
  bad: number,
  good: number,
): AlertCases {
  return {
    fires: {
      evalTime,
      series: [series(name, labels, `${bad}x180`)],
      fires: [{ labels: resultLabels, value: bad }],
    },
    quiet: { evalTime, series: [series(name, labels, `${good}x180`)], fires: [] },
  };
}

function restartCases(container: string, badCode: number, expectedCode: number): AlertCases {
  const labels = { namespace: ENV_NS, pod: `pod-${container}-0`, container };
  const restarts = series("kube_pod_container_status_restarts_total", labels, "0x10 1x30");
  return {
    fires: {
      evalTime: "15m",
      series: [
        restarts,
        series("kube_pod_container_status_last_terminated_exitcode", labels, `${badCode}x40`),
      ],
      fires: [{ labels, value: 1 }],
    },
    quiet: {
      evalTime: "15m",
      series: [
        restarts,
        series("kube_pod_container_status_last_terminated_exitcode", labels, `${expectedCode}x40`),
      ],
      fires: [],
    },
  };
}

const lagLabels = (instance: string, collection: string, quantile: "0" | "1" = "1") => ({
  materialize_cloud_organization_name: "prod",
  instance_id: instance,
  replica_id: instance,
  collection_id: collection,
  quantile,
});
const HYDRATING = "18446744073709551615";

/** A clusterd restart (0 → 1 restarts at minute 10) whose last exit code is `code`. */
function restartSeries(pod: string, code: number): SeriesInput[] {
  const labels = { namespace: ENV_NS, pod, container: "clusterd" };
  return [
    series("kube_pod_container_status_restarts_total", labels, "0x10 1x30"),
    series("kube_pod_container_status_last_terminated_exitcode", labels, `${code}x40`),
  ];
}

/** The last-command marker of a compute server and its container's start time. */
function commandSeries(
  labels: Record<string, string>,
  lastCommand: string,
  started: string,
  serverName = "compute",
): SeriesInput[] {
  return [
    series(
      "mz_cluster_server_last_command_received",
      { job: "materialize-clusterd", ...labels, server_name: serverName },
      lastCommand,
    ),
    series(
      "container_start_time_seconds",
      { namespace: ENV_NS, pod: labels.pod ?? "", container: "clusterd" },
      started,
    ),
  ];
}

/** Memory-limiter usage (out of a limit of 100) of a replica, with its scrape target. */
function limiterSeries(target: Record<string, string>, used: number): SeriesInput[] {
  return [
    series("mz_memory_limiter_memory_usage_bytes", target, `${used}x40`),
    series("mz_memory_limiter_memory_limit_bytes", target, "100x40"),
    series("up", target, "1x40"),
  ];
}

/** Ratio alerts: `bad` numerator per minute fires, `good` stays quiet (denominator 100 per minute). */
function ratioCases(
  numerator: SeriesInput["series"],
  denominator: SeriesInput["series"],
  resultLabels: Record<string, string>,
  evalTime: string,
  bad: number,
  good: number,
): AlertCases {
  return {
    fires: {
      evalTime,
      series: [
        { series: numerator, values: `0+${bad}x60` },
        { series: denominator, values: `0+${100 - bad}x60` },
      ],
      fires: [{ labels: resultLabels, value: bad / 100 }],
    },
    quiet: {
      evalTime,
      series: [
        { series: numerator, values: `0+${good}x60` },
        { series: denominator, values: `0+${100 - good}x60` },
      ],
      fires: [],
    },
  };
}

const lokiPush = (status: string) =>
  series(
    "loki_request_duration_seconds_count",
    {
      job: "monitoring/loki-write",
      namespace: MON_NS,
      route: "loki_api_v1_push",
      status_code: status,
    },
    "",
  ).series;
const thanosReceive = (code: string) =>
  series(
    "http_requests_total",
    { job: "monitoring/thanos-receive", namespace: MON_NS, handler: "receive", code },
    "",
  ).series;
const alloy = {
  job: "monitoring/alloy-gateway",
  namespace: MON_NS,
  pod: "alloy-gateway-0",
  component_id: "prometheus.remote_write.default",
};

export const RULE_CASES: Record<string, AlertCases> = {
  MaterializeEnvironmentdDown: upCases(envd, "10m"),
  MaterializeEnvironmentdNotScraped: {
    fires: {
      evalTime: "20m",
      series: [series("up", { job: "materialize-clusterd" }, "1x40")],
      fires: [{ labels: { job: "materialize-environmentd" }, value: 1 }],
    },
    quiet: { evalTime: "20m", series: [series("up", envd, "1x40")], fires: [] },
  },
  MaterializeProcessDown: upCases(clusterdTarget, "15m"),
  MaterializeClusterdNotReceivingCommands: {
    // Last heard at t=100s, the container started at 0: at 20m the silence is 1100s.
    fires: {
      evalTime: "20m",
      series: commandSeries(replica, "100x40", "0x40"),
      fires: [{ labels: replica, value: 1100 }],
    },
    quiet: {
      evalTime: "20m",
      series: [
        // Keepalives every minute: the marker follows the clock.
        ...commandSeries(replica, "0+60x40", "0x40"),
        // A storage server that stopped hearing from the controller is not a compute server.
        ...commandSeries(
          { ...replica, pod: "mz4t2-cluster-u2-replica-u3-gen-1-0" },
          "100x40",
          "0x40",
          "storage",
        ),
      ],
      fires: [],
    },
    more: {
      "stays quiet while a starting process is in its grace period": {
        // Started at 17m and never heard from environmentd (marker 0): 180s of silence at 20m.
        evalTime: "20m",
        series: commandSeries(replica, "_x17 0x5", "_x17 1020x5"),
        fires: [],
      },
      "fires for a process that never heard from environmentd, counted from its start": {
        evalTime: "20m",
        series: commandSeries(replica, "0x40", "300x40"),
        fires: [{ labels: replica, value: 900 }],
      },
    },
  },
  MaterializeEnvironmentdUnexpectedRestart: restartCases("environmentd", 1, 166),
  MaterializeClusterdUnexpectedRestart: {
    ...restartCases("clusterd", 139, 167),
    more: {
      "leaves system-cluster replicas to their own alert": {
        evalTime: "15m",
        series: [
          ...restartSeries(systemReplica.pod, 139),
          series("up", systemClusterdTarget, "1x40"),
        ],
        fires: [],
      },
    },
  },
  MaterializeSystemClusterUnexpectedRestart: {
    // Killed (137, e.g. OOM): expected of a user replica, not of a system cluster.
    fires: {
      evalTime: "15m",
      series: [
        ...restartSeries(systemReplica.pod, 137),
        series("up", systemClusterdTarget, "1x40"),
      ],
      fires: [{ labels: { ...systemReplica, container: "clusterd" }, value: 1 }],
    },
    quiet: {
      evalTime: "15m",
      series: [
        // halt! (166) is a graceful exit.
        ...restartSeries(systemReplica.pod, 166),
        series("up", systemClusterdTarget, "1x40"),
        // A user replica's crash is MaterializeClusterdUnexpectedRestart's.
        ...restartSeries(replica.pod, 139),
        series("up", clusterdTarget, "1x40"),
      ],
      fires: [],
    },
    more: {
      "stays quiet for a clean exit (0)": {
        evalTime: "15m",
        series: [
          ...restartSeries(systemReplica.pod, 0),
          series("up", systemClusterdTarget, "1x40"),
        ],
        fires: [],
      },
    },
  },
  MaterializeEnvironmentdPodPending: {
    fires: {
      evalTime: "20m",
      series: [
        series(
          "kube_pod_status_phase",
          { namespace: ENV_NS, pod: envd.pod, phase: "Pending" },
          "1x40",
        ),
      ],
      fires: [{ labels: { namespace: ENV_NS, pod: envd.pod }, value: 1, severity: "critical" }],
    },
    quiet: {
      evalTime: "20m",
      series: [
        series(
          "kube_pod_status_phase",
          { namespace: ENV_NS, pod: envd.pod, phase: "Pending" },
          "0x40",
        ),
        // A pending replica is MaterializePodPending's.
        series(
          "kube_pod_status_phase",
          { namespace: ENV_NS, pod: replica.pod, phase: "Pending" },
          "1x40",
        ),
      ],
      fires: [],
    },
  },
  MaterializePodPending: {
    fires: {
      evalTime: "20m",
      series: [
        series(
          "kube_pod_status_phase",
          { namespace: ENV_NS, pod: replica.pod, phase: "Pending" },
          "1x40",
        ),
      ],
      fires: [{ labels: { namespace: ENV_NS, pod: replica.pod }, value: 1 }],
    },
    quiet: {
      evalTime: "20m",
      series: [
        series(
          "kube_pod_status_phase",
          { namespace: ENV_NS, pod: replica.pod, phase: "Pending" },
          "0x40",
        ),
        // A pending environmentd is MaterializeEnvironmentdPodPending's (critical).
        series(
          "kube_pod_status_phase",
          { namespace: ENV_NS, pod: envd.pod, phase: "Pending" },
          "1x40",
        ),
      ],
      fires: [],
    },
  },
  MaterializeReplicaNotReady: {
    fires: {
      evalTime: "20m",
      series: [
        series(
          "kube_pod_container_status_ready",
          { namespace: ENV_NS, pod: replica.pod, container: "clusterd" },
          "0x40",
        ),
        series(
          "kube_pod_status_phase",
          { namespace: ENV_NS, pod: replica.pod, phase: "Running" },
          "1x40",
        ),
      ],
      fires: [{ labels: { namespace: ENV_NS, pod: replica.pod }, value: 0 }],
    },
    quiet: {
      evalTime: "20m",
      series: [
        series(
          "kube_pod_container_status_ready",
          { namespace: ENV_NS, pod: replica.pod, container: "clusterd" },
          "1x40",
        ),
        series(
          "kube_pod_status_phase",
          { namespace: ENV_NS, pod: replica.pod, phase: "Running" },
          "1x40",
        ),
      ],
      fires: [],
    },
  },
  MaterializeSystemClusterFreshnessLag: {
    fires: {
      evalTime: "20m",
      series: [
        series("mz_dataflow_wallclock_lag_seconds", lagLabels("s2", "s700"), "120x40"),
        // A collection still hydrating reports the sentinel; it must not count as lag.
        series(
          "mz_dataflow_wallclock_lag_seconds",
          lagLabels("s2", "s701"),
          "18446744073709551615x40",
        ),
      ],
      fires: [
        { labels: { materialize_cloud_organization_name: "prod", instance_id: "s2" }, value: 120 },
      ],
    },
    quiet: {
      evalTime: "20m",
      series: [series("mz_dataflow_wallclock_lag_seconds", lagLabels("s2", "s700"), "10x40")],
      fires: [],
    },
  },
  MaterializeSystemClusterStale: {
    fires: {
      evalTime: "20m",
      series: [
        series("mz_dataflow_wallclock_lag_seconds", lagLabels("s2", "s700", "0"), "400x40"),
        series("mz_dataflow_wallclock_lag_seconds", lagLabels("s2", "s701", "0"), "900x40"),
        // Still hydrating: not data that is stale, and not the freshest either.
        series(
          "mz_dataflow_wallclock_lag_seconds",
          lagLabels("s2", "s702", "0"),
          `${HYDRATING}x40`,
        ),
      ],
      fires: [
        {
          labels: { materialize_cloud_organization_name: "prod", instance_id: "s2" },
          value: 400,
          severity: "critical",
        },
      ],
    },
    quiet: {
      evalTime: "20m",
      series: [
        // One object far behind, another fresh: the cluster advances (the lag alert's case).
        series("mz_dataflow_wallclock_lag_seconds", lagLabels("s2", "s700", "0"), "900x40"),
        series("mz_dataflow_wallclock_lag_seconds", lagLabels("s2", "s701", "0"), "2x40"),
        // A stale user cluster is not a system cluster.
        series("mz_dataflow_wallclock_lag_seconds", lagLabels("u1", "u30", "0"), "900x40"),
      ],
      fires: [],
    },
  },
  MaterializeUserClusterFreshnessLag: {
    fires: {
      evalTime: "25m",
      series: [series("mz_dataflow_wallclock_lag_seconds", lagLabels("u1", "u30"), "2000x40")],
      fires: [
        {
          labels: { materialize_cloud_organization_name: "prod", instance_id: "u1" },
          value: 2000,
          severity: "warning",
        },
        {
          labels: { materialize_cloud_organization_name: "prod", instance_id: "u1" },
          value: 2000,
          severity: "critical",
        },
      ],
    },
    quiet: {
      evalTime: "25m",
      // A lagging system cluster is not a user cluster.
      series: [series("mz_dataflow_wallclock_lag_seconds", lagLabels("s2", "s700"), "2000x40")],
      fires: [],
    },
  },
  MaterializeHydrationStuck: {
    fires: {
      evalTime: "2h10m",
      series: [
        series(
          "mz_dataflow_wallclock_lag_seconds",
          lagLabels("u1", "u30"),
          "18446744073709551615x150",
        ),
      ],
      fires: [
        {
          labels: {
            materialize_cloud_organization_name: "prod",
            instance_id: "u1",
            replica_id: "u1",
          },
          value: 1,
        },
      ],
    },
    quiet: {
      evalTime: "2h10m",
      series: [series("mz_dataflow_wallclock_lag_seconds", lagLabels("u1", "u30"), "5x150")],
      fires: [],
    },
    more: {
      "leaves system clusters to their own alert": {
        evalTime: "2h10m",
        series: [
          series("mz_dataflow_wallclock_lag_seconds", lagLabels("s2", "s700"), `${HYDRATING}x150`),
        ],
        fires: [],
      },
    },
  },
  MaterializeSystemClusterHydrationStuck: {
    fires: {
      evalTime: "45m",
      series: [
        series("mz_dataflow_wallclock_lag_seconds", lagLabels("s2", "s700"), `${HYDRATING}x60`),
      ],
      fires: [
        {
          labels: {
            materialize_cloud_organization_name: "prod",
            instance_id: "s2",
            replica_id: "s2",
          },
          value: 1,
        },
      ],
    },
    quiet: {
      evalTime: "45m",
      series: [
        series("mz_dataflow_wallclock_lag_seconds", lagLabels("s2", "s700"), "5x60"),
        // A user cluster still hydrating after 45 minutes is within its own (2h) threshold.
        series("mz_dataflow_wallclock_lag_seconds", lagLabels("u1", "u30"), `${HYDRATING}x60`),
      ],
      fires: [],
    },
  },
  MaterializeReplicaExpirationApproaching: {
    // Three days left: inside the 7-day warning, outside the 1-hour critical.
    fires: {
      evalTime: "15m",
      series: [series("mz_dataflow_replica_expiration_remaining_seconds", replica, "259200x40")],
      fires: [{ labels: replica, value: 259200 }],
    },
    quiet: {
      evalTime: "15m",
      series: [series("mz_dataflow_replica_expiration_remaining_seconds", replica, "2592000x40")],
      fires: [],
    },
    more: {
      "fires both tiers under an hour": {
        evalTime: "15m",
        series: [series("mz_dataflow_replica_expiration_remaining_seconds", replica, "1800x40")],
        fires: [
          { labels: replica, value: 1800, severity: "warning" },
          { labels: replica, value: 1800, severity: "critical" },
        ],
      },
    },
  },
  MaterializeReplicaMemoryNearLimit: {
    fires: {
      evalTime: "20m",
      series: [
        series(
          "mz_memory_limiter_memory_usage_bytes",
          { job: "materialize-clusterd", ...replica },
          "92x40",
        ),
        series(
          "mz_memory_limiter_memory_limit_bytes",
          { job: "materialize-clusterd", ...replica },
          "100x40",
        ),
      ],
      fires: [{ labels: { namespace: ENV_NS, pod: replica.pod }, value: 0.92 }],
    },
    quiet: {
      evalTime: "20m",
      series: [
        series(
          "mz_memory_limiter_memory_usage_bytes",
          { job: "materialize-clusterd", ...replica },
          "50x40",
        ),
        series(
          "mz_memory_limiter_memory_limit_bytes",
          { job: "materialize-clusterd", ...replica },
          "100x40",
        ),
        // Without a limiter the working set against the container limit is used.
        series(
          "container_memory_working_set_bytes",
          { namespace: ENV_NS, pod: "other-0", container: "clusterd" },
          "10x40",
        ),
        series(
          "kube_pod_container_resource_limits",
          {
            namespace: ENV_NS,
            pod: "other-0",
            container: "clusterd",
            resource: "memory",
            unit: "byte",
          },
          "100x40",
        ),
      ],
      fires: [],
    },
    more: {
      "leaves system-cluster replicas to their own alert": {
        evalTime: "20m",
        series: limiterSeries(systemClusterdTarget, 92),
        fires: [],
      },
    },
  },
  MaterializeSystemClusterMemoryNearLimit: {
    fires: {
      evalTime: "20m",
      series: limiterSeries(systemClusterdTarget, 85),
      fires: [{ labels: systemReplica, value: 0.85, severity: "warning" }],
    },
    quiet: {
      evalTime: "20m",
      series: [
        ...limiterSeries(systemClusterdTarget, 50),
        // A user replica at 85% is within MaterializeReplicaMemoryNearLimit's threshold.
        ...limiterSeries({ ...clusterdTarget, pod: "mz4t2-cluster-u1-replica-u2-gen-1-0" }, 85),
      ],
      fires: [],
    },
  },
  MaterializeEnvironmentdMemoryNearLimit: (() => {
    const container = { namespace: ENV_NS, pod: envd.pod, container: "environmentd" };
    const make = (workingSet: number) => [
      series("container_memory_working_set_bytes", container, `${workingSet}x60`),
      series(
        "kube_pod_container_resource_limits",
        { ...container, resource: "memory", unit: "byte" },
        "100x60",
      ),
    ];
    return {
      fires: {
        evalTime: "40m",
        series: make(85),
        fires: [{ labels: { namespace: ENV_NS, pod: envd.pod }, value: 0.85 }],
      },
      quiet: { evalTime: "40m", series: make(50), fires: [] },
    };
  })(),
  MaterializeContainerOOMKilled: {
    fires: {
      evalTime: "15m",
      series: [
        series(
          "kube_pod_container_status_restarts_total",
          { namespace: ENV_NS, pod: replica.pod, container: "clusterd" },
          "0x10 1x30",
        ),
        series(
          "kube_pod_container_status_last_terminated_reason",
          { namespace: ENV_NS, pod: replica.pod, container: "clusterd", reason: "OOMKilled" },
          "1x40",
        ),
      ],
      fires: [{ labels: { namespace: ENV_NS, pod: replica.pod, container: "clusterd" }, value: 1 }],
    },
    quiet: {
      evalTime: "15m",
      series: [
        series(
          "kube_pod_container_status_restarts_total",
          { namespace: ENV_NS, pod: replica.pod, container: "clusterd" },
          "0x10 1x30",
        ),
        series(
          "kube_pod_container_status_last_terminated_reason",
          { namespace: ENV_NS, pod: replica.pod, container: "clusterd", reason: "Error" },
          "1x40",
        ),
      ],
      fires: [],
    },
  },
  MaterializeCPUThrottling: {
    fires: {
      evalTime: "25m",
      series: [
        series(
          "container_cpu_cfs_throttled_periods_total",
          { namespace: ENV_NS, pod: replica.pod, container: "clusterd" },
          "0+30x40",
        ),
        series(
          "container_cpu_cfs_periods_total",
          { namespace: ENV_NS, pod: replica.pod, container: "clusterd" },
          "0+100x40",
        ),
      ],
      fires: [
        { labels: { namespace: ENV_NS, pod: replica.pod, container: "clusterd" }, value: 0.3 },
      ],
    },
    quiet: {
      evalTime: "25m",
      series: [
        series(
          "container_cpu_cfs_throttled_periods_total",
          { namespace: ENV_NS, pod: replica.pod, container: "clusterd" },
          "0+10x40",
        ),
        series(
          "container_cpu_cfs_periods_total",
          { namespace: ENV_NS, pod: replica.pod, container: "clusterd" },
          "0+100x40",
        ),
      ],
      fires: [],
    },
  },
  MaterializePersistBlobFailures: counterCases(
    "mz_persist_blob_failures",
    envd,
    { namespace: ENV_NS, pod: envd.pod, materialize_cloud_organization_name: "prod" },
    "30m",
    1,
    10,
  ),
  MaterializePersistConsensusFailures: counterCases(
    "mz_persist_consensus_failures",
    envd,
    { namespace: ENV_NS, pod: envd.pod, materialize_cloud_organization_name: "prod" },
    "30m",
    1,
    10,
  ),
  MaterializePersistConsensusUnreachable: {
    // Six failures a minute, every minute.
    fires: {
      evalTime: "30m",
      series: [series("mz_persist_consensus_failures", envd, "0+6x60")],
      fires: [
        {
          labels: { namespace: ENV_NS, materialize_cloud_organization_name: "prod" },
          value: 6,
          severity: "critical",
        },
      ],
    },
    quiet: {
      evalTime: "30m",
      // A burst at minute 11 (a failover) and nothing since: failing, not unreachable.
      series: [series("mz_persist_consensus_failures", envd, "0x10 5x50")],
      fires: [],
    },
  },
  MaterializeSourceOffsetCommitFailures: counterCases(
    "mz_source_offset_commit_failures",
    clusterdTarget,
    {
      materialize_cloud_organization_name: "prod",
      cluster_environmentd_materialize_cloud_cluster_id: "u1",
    },
    "30m",
    1,
    15,
  ),
  MaterializeKafkaSinkErrors: counterCases(
    "mz_sink_rdkafka_txerrs",
    clusterdTarget,
    {
      materialize_cloud_organization_name: "prod",
      cluster_environmentd_materialize_cloud_cluster_id: "u1",
    },
    "30m",
    2,
    30,
  ),
  MaterializeIcebergSinkCommitFailures: counterCases(
    "mz_sink_iceberg_commit_failures",
    clusterdTarget,
    {
      materialize_cloud_organization_name: "prod",
      cluster_environmentd_materialize_cloud_cluster_id: "u1",
    },
    "30m",
    1,
    15,
  ),
  NodeMemoryPressure: gaugeCases(
    "kube_node_status_condition",
    { node: "node-a", condition: "MemoryPressure", status: "true" },
    { node: "node-a", condition: "MemoryPressure", status: "true" },
    "10m",
    1,
    0,
  ),
  NodeDiskPressure: gaugeCases(
    "kube_node_status_condition",
    { node: "node-a", condition: "DiskPressure", status: "true" },
    { node: "node-a", condition: "DiskPressure", status: "true" },
    "10m",
    1,
    0,
  ),
  NodeFilesystemAlmostFull: (() => {
    const fs = {
      instance: "node-a:9100",
      device: "/dev/nvme0n1p1",
      mountpoint: "/",
      fstype: "ext4",
    };
    const make = (available: number) => [
      series("node_filesystem_avail_bytes", fs, `${available}x60`),
      series("node_filesystem_size_bytes", fs, "100x60"),
      series("node_filesystem_readonly", fs, "0x60"),
      // tmpfs is not a node disk.
      series("node_filesystem_avail_bytes", { ...fs, mountpoint: "/run", fstype: "tmpfs" }, "1x60"),
      series(
        "node_filesystem_size_bytes",
        { ...fs, mountpoint: "/run", fstype: "tmpfs" },
        "100x60",
      ),
      series("node_filesystem_readonly", { ...fs, mountpoint: "/run", fstype: "tmpfs" }, "0x60"),
    ];
    return {
      fires: { evalTime: "35m", series: make(8), fires: [{ labels: fs, value: 0.08 }] },
      quiet: { evalTime: "35m", series: make(50), fires: [] },
    };
  })(),
  KubePodCrashLooping: gaugeCases(
    "kube_pod_container_status_waiting_reason",
    { namespace: MON_NS, pod: "loki-write-0", container: "loki", reason: "CrashLoopBackOff" },
    { namespace: MON_NS, pod: "loki-write-0", container: "loki" },
    "20m",
    1,
    0,
  ),
  KubePersistentVolumeAlmostFull: (() => {
    const pvc = { namespace: MON_NS, persistentvolumeclaim: "data-loki-write-0" };
    const make = (used: number) => [
      series("kubelet_volume_stats_used_bytes", pvc, `${used}x40`),
      series("kubelet_volume_stats_capacity_bytes", pvc, "100x40"),
    ];
    return {
      fires: { evalTime: "20m", series: make(90), fires: [{ labels: pvc, value: 0.9 }] },
      quiet: { evalTime: "20m", series: make(10), fires: [] },
    };
  })(),
  LokiDown: upCases(
    { job: "monitoring/loki-write", namespace: MON_NS, pod: "loki-write-0" },
    "10m",
  ),
  LokiPushErrors: ratioCases(
    lokiPush("500"),
    lokiPush("204"),
    { namespace: MON_NS, job: "monitoring/loki-write" },
    "20m",
    10,
    1,
  ),
  LokiDiscardingLogs: {
    fires: {
      evalTime: "25m",
      series: [
        series(
          "loki_discarded_samples_total",
          { job: "monitoring/loki-write", namespace: MON_NS, reason: "rate_limited" },
          "0+60x40",
        ),
      ],
      fires: [
        {
          labels: { job: "monitoring/loki-write", namespace: MON_NS, reason: "rate_limited" },
          value: 1,
        },
      ],
    },
    quiet: {
      evalTime: "25m",
      series: [
        series(
          "loki_discarded_samples_total",
          { job: "monitoring/loki-write", namespace: MON_NS, reason: "rate_limited" },
          "7x40",
        ),
      ],
      fires: [],
    },
  },
  LokiPanics: {
    fires: {
      evalTime: "15m",
      series: [
        series("loki_panic_total", { job: "monitoring/loki-read", namespace: MON_NS }, "0x10 1x30"),
      ],
      fires: [{ labels: { job: "monitoring/loki-read", namespace: MON_NS }, value: 1 }],
    },
    quiet: {
      evalTime: "15m",
      series: [
        series("loki_panic_total", { job: "monitoring/loki-read", namespace: MON_NS }, "0x40"),
      ],
      fires: [],
    },
  },
  ThanosDown: upCases(
    { job: "monitoring/thanos-receive", namespace: MON_NS, pod: "thanos-receive-0" },
    "10m",
  ),
  ThanosReceiveErrors: ratioCases(
    thanosReceive("500"),
    thanosReceive("200"),
    { namespace: MON_NS, job: "monitoring/thanos-receive" },
    "20m",
    10,
    1,
  ),
  ThanosCompactHalted: gaugeCases(
    "thanos_compact_halted",
    { job: "monitoring/thanos-compact", namespace: MON_NS, pod: "thanos-compact-0" },
    { job: "monitoring/thanos-compact", namespace: MON_NS, pod: "thanos-compact-0" },
    "10m",
    1,
    0,
  ),
  ThanosRuleEvaluationFailures: counterCases(
    "prometheus_rule_evaluation_failures_total",
    { job: "monitoring/thanos-rule", namespace: MON_NS, rule_group: "materialize" },
    { job: "monitoring/thanos-rule", namespace: MON_NS },
    "25m",
    60,
    1,
  ),
  ThanosRuleDroppingAlerts: counterCases(
    "thanos_alert_sender_alerts_dropped_total",
    { job: "monitoring/thanos-rule", namespace: MON_NS },
    { job: "monitoring/thanos-rule", namespace: MON_NS },
    "15m",
    60,
    1,
  ),
  AlloyDown: upCases(
    { job: "monitoring/alloy-gateway", namespace: MON_NS, pod: "alloy-gateway-0" },
    "10m",
  ),
  AlloyUnhealthyComponents: {
    fires: {
      evalTime: "20m",
      series: [
        series(
          "alloy_component_controller_running_components",
          { job: alloy.job, namespace: MON_NS, health_type: "unhealthy" },
          "2x40",
        ),
        series(
          "alloy_component_controller_running_components",
          { job: alloy.job, namespace: MON_NS, health_type: "healthy" },
          "30x40",
        ),
      ],
      fires: [{ labels: { job: alloy.job, namespace: MON_NS }, value: 2 }],
    },
    quiet: {
      evalTime: "20m",
      series: [
        series(
          "alloy_component_controller_running_components",
          { job: alloy.job, namespace: MON_NS, health_type: "unhealthy" },
          "0x40",
        ),
        series(
          "alloy_component_controller_running_components",
          { job: alloy.job, namespace: MON_NS, health_type: "healthy" },
          "30x40",
        ),
      ],
      fires: [],
    },
  },
  AlloyConfigLoadFailed: gaugeCases(
    "alloy_config_last_load_successful",
    { job: alloy.job, namespace: MON_NS, pod: alloy.pod },
    { job: alloy.job, namespace: MON_NS, pod: alloy.pod },
    "10m",
    0,
    1,
  ),
  AlloyRemoteWriteBehind: (() => {
    const target = {
      ...alloy,
      url: "http://thanos-receive.monitoring.svc:19291/api/v1/receive",
      remote_name: "a1b2c3",
    };
    const make = (sent: number) => [
      series("prometheus_remote_storage_highest_timestamp_in_seconds", alloy, "1700000000+60x40"),
      series(
        "prometheus_remote_storage_queue_highest_sent_timestamp_seconds",
        target,
        `${sent}+60x40`,
      ),
    ];
    return {
      fires: {
        evalTime: "20m",
        series: make(1700000000 - 300),
        fires: [
          {
            labels: {
              namespace: MON_NS,
              job: alloy.job,
              pod: alloy.pod,
              component_id: alloy.component_id,
            },
            value: 300,
          },
        ],
      },
      quiet: { evalTime: "20m", series: make(1700000000 - 30), fires: [] },
    };
  })(),
  AlloyRemoteWriteFailing: counterCases(
    "prometheus_remote_storage_samples_failed_total",
    {
      ...alloy,
      url: "http://thanos-receive.monitoring.svc:19291/api/v1/receive",
      remote_name: "a1b2c3",
    },
    alloy,
    "25m",
    60,
    1,
  ),
  AlloyLokiWriteDroppingLogs: counterCases(
    "loki_write_dropped_entries_total",
    {
      ...alloy,
      component_id: "loki.write.default",
      host: "loki-gateway",
      reason: "ingester_error",
    },
    { ...alloy, component_id: "loki.write.default" },
    "20m",
    1,
    10,
  ),
  AlertmanagerDown: upCases(
    { job: "monitoring/alertmanager", namespace: MON_NS, pod: "alertmanager-0" },
    "10m",
  ),
  AlertmanagerNotificationsFailing: (() => {
    const am = { job: "monitoring/alertmanager", namespace: MON_NS, integration: "slack" };
    const make = (failedPerMinute: number) => [
      series("alertmanager_notifications_failed_total", am, `0+${failedPerMinute}x40`),
      series("alertmanager_notifications_total", am, "0+100x40"),
    ];
    return {
      fires: { evalTime: "20m", series: make(10), fires: [{ labels: am, value: 0.1 }] },
      quiet: { evalTime: "20m", series: make(0), fires: [] },
    };
  })(),
  AlertmanagerConfigReloadFailed: gaugeCases(
    "alertmanager_config_last_reload_successful",
    { job: "monitoring/alertmanager", namespace: MON_NS, pod: "alertmanager-0" },
    { job: "monitoring/alertmanager", namespace: MON_NS, pod: "alertmanager-0" },
    "15m",
    0,
    1,
  ),
  Watchdog: {
    fires: {
      evalTime: "5m",
      series: [series("up", { job: "anything" }, "1x10")],
      fires: [{ labels: {}, value: 1, severity: "none" }],
    },
    quiet: {
      exempt: "The Watchdog fires always by design; a case where it stays quiet cannot exist.",
    },
  },

  // --- inhibitors (src/rules/inhibition.ts) ---
  MaterializeReplicaHydrating: {
    fires: {
      evalTime: "5m",
      series: [
        // Replica u1 of prod hydrates one collection; its clusterd pod is scraped.
        series("mz_dataflow_wallclock_lag_seconds", lagLabels("u1", "u30"), `${HYDRATING}x10`),
        series("mz_dataflow_wallclock_lag_seconds", lagLabels("u1", "u31"), "4x10"),
        series("up", clusterdTarget, "1x10"),
        // The same ids in another environment are another replica.
        series(
          "up",
          {
            ...clusterdTarget,
            pod: "mzstg-cluster-u1-replica-u1-gen-1-0",
            materialize_cloud_organization_name: "staging",
          },
          "1x10",
        ),
        // Replica u2 hydrates too, and its pods are not scraped: it still inhibits its cluster's freshness.
        series("mz_dataflow_wallclock_lag_seconds", lagLabels("u2", "u40"), `${HYDRATING}x10`),
      ],
      fires: [
        {
          labels: { ...replica, instance_id: "u1", replica_id: "u1" },
          value: 1,
          severity: "none",
        },
        {
          labels: {
            materialize_cloud_organization_name: "prod",
            instance_id: "u2",
            replica_id: "u2",
          },
          value: 1,
          severity: "none",
        },
      ],
    },
    quiet: {
      evalTime: "5m",
      series: [
        series("mz_dataflow_wallclock_lag_seconds", lagLabels("u1", "u30"), "4x10"),
        series("up", clusterdTarget, "1x10"),
      ],
      fires: [],
    },
  },
  MaterializeEnvironmentdRollingOut: (() => {
    const phase = (pod: string, name: string, value: number) =>
      series("kube_pod_status_phase", { namespace: ENV_NS, pod, phase: name }, `${value}x10`);
    const running = (pod: string) => [phase(pod, "Running", 1), phase(pod, "Pending", 0)];
    return {
      fires: {
        evalTime: "5m",
        series: [
          ...running("mz4t2-environmentd-1-0"),
          ...running("mz4t2-environmentd-2-0"),
          series("up", envd, "1x10"),
          series("up", { ...envd, pod: "mz4t2-environmentd-2-0" }, "1x10"),
        ],
        fires: [
          {
            labels: { namespace: ENV_NS, materialize_cloud_organization_name: "prod" },
            value: 2,
            severity: "none",
          },
        ],
      },
      quiet: {
        evalTime: "5m",
        series: [
          ...running("mz4t2-environmentd-2-0"),
          // The finished pod of the previous generation, and a clusterd pod.
          phase("mz4t2-environmentd-1-0", "Succeeded", 1),
          ...running("mz4t2-cluster-u1-replica-u1-gen-2-0"),
          // Another environment in the same namespace, with its own single environmentd.
          ...running("mzq7z-environmentd-3-0"),
          series("up", envd, "1x10"),
        ],
        fires: [],
      },
      more: {
        "counts a new generation that is still Pending, per namespace when no environmentd is scraped":
          {
            evalTime: "5m",
            series: [
              ...running("mz4t2-environmentd-1-0"),
              phase("mz4t2-environmentd-2-0", "Pending", 1),
            ],
            fires: [{ labels: { namespace: ENV_NS }, value: 2, severity: "none" }],
          },
      },
    };
  })(),
};
