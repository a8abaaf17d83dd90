/**
 * Hydration- and rollout-aware alerting end to end, with real processes on 127.0.0.1:
 *
 *   synthetic targets (node:http): environmentd (wallclock lag of user cluster u1, one
 *   collection hydrating or not), clusterd of u1's replica (memory limiter), kube-state-metrics
 *   (environmentd pods: one generation, or two while rolling out)
 *     -> prometheus 2.42 (Debian) with the rule file and scrape configs the umbrella renders
 *     -> two prometheus-alertmanager 0.25 (Debian) running the alertmanager.yml the umbrella
 *        (`stack()`) renders: "am" with the default inhibition and a maintenance window that is
 *        not in effect (2001), "maint" with a maintenance window in effect all day, and the
 *        planted defect "defect": `materialize.alerting.inhibitDuring*: false`
 *     -> webhook receivers served by this test.
 *
 * The story: a replica hydrates, then lags and fills its memory (both alerts fire in Prometheus,
 * Alertmanager suppresses them, inhibited by MaterializeReplicaHydrating); environmentd starts
 * rolling out and the hydration ends (MaterializeEnvironmentdRollingOut takes over); the rollout
 * ends and both alerts are delivered once. The inhibitors are never delivered; the "maint"
 * Alertmanager delivers no Materialize alert at all, and the Watchdog all along.
 *
 * Test-only tuning through typed values: `for: 0s` on the alerts under test, rules and scrapes
 * every 1 s, Alertmanager groups of 1 s, Prometheus' resend delay 1 s.
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import { promisify } from "node:util";
import { alertmanagerArgs } from "@materialize-monitoring/alertmanager";
import {
  ALERT_DEFINITIONS,
  ENVIRONMENTD_ROLLING_OUT,
  MZ_CONTAINER,
  MZ_JOB,
  MZ_LABEL,
  MZ_POD_LABEL,
  MZ_PORT,
  REPLICA_HYDRATING,
  ruleFileYaml,
} from "@materialize-monitoring/materialize";
import { type Stack, type StackValues, stack } from "materialize-monitoring";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  type AlertPathExpectation,
  alertPathProblems,
  closeServer,
  type Delivery,
  type DiscoveredPod,
  type MetricsEndpoint,
  materializeExposition,
  prometheusConfigYaml,
  serveMetrics,
  serveWebhooks,
  staticScrapeConfig,
  type WebhookRecorder,
} from "../src/alert-path.js";
import {
  BINARIES,
  freePort,
  getJson,
  Proc,
  requireBinary,
  sleep,
  type TempDir,
  tempDir,
  waitFor,
} from "../src/processes.js";

// ---------------------------------------------------------------------------
// What is under test.

const FRESHNESS = "MaterializeUserClusterFreshnessLag";
const MEMORY = "MaterializeReplicaMemoryNearLimit";
const WATCHDOG = "Watchdog";
const UNDER_TEST = [FRESHNESS, MEMORY, REPLICA_HYDRATING, ENVIRONMENTD_ROLLING_OUT];

const CRITICAL_HOOK = "critical-hook";
const WARNING_HOOK = "warning-hook";
const WATCHDOG_HOOK = "watchdog-hook";
/** The default receiver: an inhibitor (severity none) that is not discarded would arrive here. */
const DEFAULT_HOOK = "default-hook";

const ENV_NAMESPACE = "materialize-environment";
const ENVD_POD = "mz-acme-environmentd-1-0";
const NEXT_ENVD_POD = "mz-acme-environmentd-2-0";
const CLUSTERD_POD = "mz-acme-cluster-u1-replica-u1-gen-1-0";
/** How long "nothing arrives" is watched after Alertmanager has the alerts: several 1 s group intervals. */
const SETTLE_MS = 3_000;
const TIMEOUT_MS = 15_000;

/** The shipped tiers of an alert, firing at once. */
function immediately(name: string) {
  const definition = ALERT_DEFINITIONS.find((a) => a.name === name);
  if (!definition) throw new Error(`no alert ${name} in the package`);
  return { enabled: true, tiers: definition.tiers.map((tier) => ({ ...tier, for: "0s" })) };
}

type Instance = "am" | "maint" | "defect";

function stackValues(set: Instance, webhooks: WebhookRecorder): StackValues {
  const hook = (name: string) => ({
    name,
    webhook: [{ url: webhooks.url(`/${set}/${name}`), sendResolved: false }],
  });
  return {
    global: { objectStorage: { type: "s3", bucket: "e2e", region: "us-east-1" } },
    alertmanager: {
      image: { tag: "v0.25.0" },
      config: {
        receivers: [CRITICAL_HOOK, WARNING_HOOK, WATCHDOG_HOOK, DEFAULT_HOOK].map(hook),
        defaultReceiver: DEFAULT_HOOK,
        groupWait: "1s",
        groupInterval: "1s",
        repeatInterval: "1h",
        severityRouting: {
          critical: { receiver: CRITICAL_HOOK },
          warning: { receiver: WARNING_HOOK },
        },
        watchdog: { receiver: WATCHDOG_HOOK, groupInterval: "1s", repeatInterval: "2s" },
      },
    },
    materialize: {
      namespaces: { environments: [ENV_NAMESPACE] },
      scrape: {
        interval: "1s",
        timeout: "1s",
        prometheusVersion: "2.42",
        sqlMetrics: { enabled: false },
      },
      rules: {
        interval: "1s",
        alerts: Object.fromEntries(UNDER_TEST.map((name) => [name, immediately(name)])),
      },
      alerting: {
        maintenanceWindows:
          set === "maint"
            ? [{ times: [{ startTime: "00:00", endTime: "24:00" }] }]
            : [{ years: ["2001"] }],
        ...(set === "defect" ? { inhibitDuringHydration: false, inhibitDuringRollout: false } : {}),
      },
    },
  };
}

const expectations: Record<"am" | "maint", AlertPathExpectation> = {
  am: {
    delivered: [
      { alertname: FRESHNESS, severity: "warning", receiver: WARNING_HOOK },
      { alertname: MEMORY, severity: "warning", receiver: WARNING_HOOK },
    ],
    inhibited: [
      { alertname: REPLICA_HYDRATING, severity: "none" },
      { alertname: ENVIRONMENTD_ROLLING_OUT, severity: "none" },
    ],
    heartbeat: { alertname: WATCHDOG, receiver: WATCHDOG_HOOK },
  },
  maint: {
    delivered: [],
    inhibited: [
      { alertname: FRESHNESS, severity: "warning" },
      { alertname: MEMORY, severity: "warning" },
      { alertname: REPLICA_HYDRATING, severity: "none" },
      { alertname: ENVIRONMENTD_ROLLING_OUT, severity: "none" },
    ],
    heartbeat: { alertname: WATCHDOG, receiver: WATCHDOG_HOOK },
  },
};

// ---------------------------------------------------------------------------
// The synthetic targets, driven by three switches.

const state = { hydrating: true, trouble: false, rollout: false };

/** A not-hydrated collection's lag: any value from 1e9 up is the sentinel (as in alert-path.e2e.test.ts). */
const SENTINEL = 4_294_967_295;

/** environmentd: user cluster u1, replica u1, two collections; one hydrates while `hydrating`. */
function environmentd() {
  const lag = state.trouble ? { min: 590, max: 600 } : { min: 0.5, max: 1.5 };
  const second = state.hydrating ? { min: SENTINEL, max: SENTINEL } : lag;
  return {
    status: 200,
    body: materializeExposition([
      { instanceId: "u1", replicaId: "u1", collectionId: "u100", ...lag },
      { instanceId: "u1", replicaId: "u1", collectionId: "u101", ...second },
    ]),
  };
}

/** clusterd of u1's replica: the memory limiter at 92 % while in trouble (warning above 90 %). */
function clusterd() {
  const used = state.trouble ? 92 : 40;
  return {
    status: 200,
    body: [
      "# TYPE mz_memory_limiter_memory_usage_bytes gauge",
      `mz_memory_limiter_memory_usage_bytes ${used}`,
      "# TYPE mz_memory_limiter_memory_limit_bytes gauge",
      "mz_memory_limiter_memory_limit_bytes 100",
      "",
    ].join("\n"),
  };
}

/** kube-state-metrics: the environmentd pods, a second generation while rolling out. */
function kubeStateMetrics() {
  const pods = state.rollout ? [ENVD_POD, NEXT_ENVD_POD] : [ENVD_POD];
  const lines = ["# TYPE kube_pod_status_phase gauge"];
  for (const pod of pods) {
    for (const phase of ["Pending", "Running", "Succeeded", "Failed", "Unknown"]) {
      lines.push(
        `kube_pod_status_phase{namespace="${ENV_NAMESPACE}",pod="${pod}",phase="${phase}"} ${phase === "Running" ? 1 : 0}`,
      );
    }
  }
  return { status: 200, body: `${lines.join("\n")}\n` };
}

const acme = {
  [MZ_POD_LABEL.organizationName]: "acme",
  [MZ_POD_LABEL.organizationNamespace]: ENV_NAMESPACE,
  [MZ_POD_LABEL.organizationId]: "6f1e0a52-acme",
};

function discovered(
  address: string,
  pod: string,
  container: string,
  labels: Record<string, string>,
): DiscoveredPod {
  return {
    address,
    namespace: ENV_NAMESPACE,
    pod,
    container,
    portName: MZ_PORT.internalHttpName,
    phase: "Running",
    labels,
  };
}

// ---------------------------------------------------------------------------
// Processes.

interface Peer {
  set: Instance;
  web: number;
  config: string;
}

let tmp: TempDir | undefined;
const procs: Proc[] = [];
let webhooks: WebhookRecorder | undefined;
const endpoints: MetricsEndpoint[] = [];
const peers: Peer[] = [];
let promPort = 0;
let built: Stack | undefined;

const amUrl = (peer: Peer, path: string) => `http://127.0.0.1:${peer.web}${path}`;
const promUrl = (path: string) => `http://127.0.0.1:${promPort}${path}`;
const logs = () => procs.map((p) => p.log()).join("\n");
const peer = (set: Instance) => peers.find((p) => p.set === set) as Peer;
const deliveriesOf = (set: Instance): Delivery[] =>
  (webhooks?.deliveries ?? []).filter((d) => d.path.startsWith(`/${set}/`));

const firingIn = (deliveries: readonly Delivery[], alertname: string) =>
  deliveries.flatMap((d) =>
    d.payload.alerts
      .filter((a) => a.status === "firing" && a.labels.alertname === alertname)
      .map((alert) => ({ alert, delivery: d })),
  );

interface ApiAlert {
  fingerprint: string;
  labels: Record<string, string>;
  receivers: { name: string }[];
  status: { state: string; inhibitedBy: string[]; silencedBy: string[] };
}

async function amAlerts(set: Instance, alertname: string): Promise<ApiAlert[]> {
  return getJson<ApiAlert[]>(
    amUrl(peer(set), `/api/v2/alerts?filter=${encodeURIComponent(`alertname="${alertname}"`)}`),
  );
}

async function promFiring(): Promise<{ labels: Record<string, string> }[]> {
  const body = await getJson<{
    data: { alerts: { labels: Record<string, string>; state: string }[] };
  }>(promUrl("/api/v1/alerts"));
  return body.data.alerts.filter((a) => a.state === "firing");
}

/** The alertmanager.yml the umbrella renders for one set. */
function alertmanagerYaml(rendered: Stack): string {
  const configMap = rendered.objects.find(
    (o) => o.kind === "ConfigMap" && o.metadata.name === "alertmanager-config",
  ) as unknown as { data: Record<string, string> };
  return configMap.data["alertmanager.yml"] ?? "";
}

/** Waits until, in `set`, both alerts under test are suppressed by exactly the given inhibitor's alerts. */
async function suppressedBy(set: Instance, inhibitor: string): Promise<void> {
  await waitFor(
    () => `${FRESHNESS} and ${MEMORY} suppressed by ${inhibitor} in ${set}\n${logs()}`,
    async () => {
      const sources = (await amAlerts(set, inhibitor)).filter((a) => a.status.state === "active");
      if (sources.length === 0) return undefined;
      const fingerprints = new Set(sources.map((a) => a.fingerprint));
      for (const name of [FRESHNESS, MEMORY]) {
        const [target, ...more] = await amAlerts(set, name);
        if (!target || more.length > 0 || target.status.state !== "suppressed") return undefined;
        if (target.status.inhibitedBy.length === 0) return undefined;
        if (!target.status.inhibitedBy.every((f) => fingerprints.has(f))) return undefined;
      }
      return true;
    },
    TIMEOUT_MS,
  );
}

beforeAll(async () => {
  requireBinary(BINARIES.prometheus);
  requireBinary(BINARIES.alertmanager);
  requireBinary(BINARIES.amtool);
  tmp = tempDir("mzmon-inhibition");
  webhooks = await serveWebhooks();
  const [envd, cd, ksm] = [
    await serveMetrics(environmentd),
    await serveMetrics(clusterd),
    await serveMetrics(kubeStateMetrics),
  ];
  endpoints.push(envd, cd, ksm);

  // Alertmanager: the configs the umbrella renders.
  for (const set of ["am", "maint", "defect"] as const) {
    const rendered = stack(stackValues(set, webhooks));
    if (set === "am") built = rendered;
    const config = join(tmp.path, `alertmanager-${set}.yml`);
    writeFileSync(config, alertmanagerYaml(rendered));
    const web = await freePort();
    peers.push({ set, web, config });
    const storage = join(tmp.path, `storage-${set}`);
    mkdirSync(storage, { recursive: true });
    const args = alertmanagerArgs({
      version: "0.25",
      configFile: config,
      storagePath: storage,
      listenAddress: `127.0.0.1:${web}`,
      externalUrl: `http://127.0.0.1:${web}`,
      routePrefix: "/",
      retention: "1h",
      logLevel: "info",
      logFormat: "logfmt",
      featureFlags: [],
    });
    procs.push(new Proc(`alertmanager-${set}`, BINARIES.alertmanager.path, args));
  }

  // Prometheus: the umbrella's Materialize rule groups and scrape configs, plus a kube-state-metrics stand-in.
  const artifacts = built?.endpoints.materialize?.artifacts;
  if (!artifacts) throw new Error("the umbrella rendered no Materialize artifacts");
  const rulesFile = join(tmp.path, "materialize.rules.yaml");
  writeFileSync(rulesFile, ruleFileYaml(artifacts.ruleGroups));
  const generated = (job: string) => {
    const config = artifacts.prometheusScrapeConfigs.find((c) => c.job_name === job);
    if (!config) throw new Error(`no ${job} scrape config was generated`);
    return config;
  };
  promPort = await freePort();
  const promConfig = join(tmp.path, "prometheus.yml");
  writeFileSync(
    promConfig,
    prometheusConfigYaml({
      scrapeInterval: "1s",
      evaluationInterval: "1s",
      scrapeConfigs: [
        staticScrapeConfig(generated(MZ_JOB.environmentd), [
          discovered(envd.address, ENVD_POD, MZ_CONTAINER.environmentd, {
            [MZ_POD_LABEL.name]: "environmentd",
            ...acme,
          }),
        ]),
        staticScrapeConfig(generated(MZ_JOB.clusterd), [
          discovered(cd.address, CLUSTERD_POD, MZ_CONTAINER.clusterd, {
            [MZ_POD_LABEL.clusterdType]: "cluster",
            [MZ_POD_LABEL.clusterId]: "u1",
            [MZ_POD_LABEL.replicaId]: "u1",
            ...acme,
          }),
        ]),
        {
          job_name: "kube-state-metrics",
          honor_labels: true,
          static_configs: [{ targets: [ksm.address] }],
        },
      ],
      ruleFiles: [rulesFile],
      alertmanagerSets: peers.map((p) => [`127.0.0.1:${p.web}`]),
    }),
  );
  const data = join(tmp.path, "prometheus-data");
  mkdirSync(data, { recursive: true });
  procs.push(
    new Proc("prometheus", BINARIES.prometheus.path, [
      `--config.file=${promConfig}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      "--rules.alert.resend-delay=1s",
      "--log.level=info",
    ]),
  );

  for (const p of peers) {
    await waitFor(
      () => `alertmanager ${p.set} to be ready\n${logs()}`,
      async () => ((await fetch(amUrl(p, "/-/ready"))).ok ? true : undefined),
      15_000,
    );
  }
  await waitFor(
    () => `prometheus to scrape all three targets and to discover the alertmanagers\n${logs()}`,
    async () => {
      const targets = await getJson<{ data: { activeTargets: { health: string }[] } }>(
        promUrl("/api/v1/targets"),
      );
      const alertmanagers = await getJson<{ data: { activeAlertmanagers: unknown[] } }>(
        promUrl("/api/v1/alertmanagers"),
      );
      return targets.data.activeTargets.filter((t) => t.health === "up").length === 3 &&
        alertmanagers.data.activeAlertmanagers.length === peers.length
        ? true
        : undefined;
    },
    15_000,
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  await Promise.all([...endpoints, webhooks].map((s) => closeServer(s?.server as Server)));
  tmp?.remove();
});

// ---------------------------------------------------------------------------

describe("hydration- and rollout-aware alerting: prometheus 2.42 -> alertmanager 0.25 with the umbrella's config", () => {
  it("runs the umbrella's alertmanager.yml (amtool check-config passes): Materialize inhibit rules, the inhibitors discarded, the maintenance window muting", async () => {
    for (const p of peers) {
      await expect(
        promisify(execFile)(BINARIES.amtool.path, ["check-config", p.config], { timeout: 10_000 }),
      ).resolves.toBeDefined();
    }
    const config = parse(alertmanagerYaml(built as Stack)) as {
      inhibit_rules: { source_matchers: string[] }[];
      route: { routes: { receiver?: string }[] };
      time_intervals: { name: string }[];
    };
    expect(config.inhibit_rules.map((r) => r.source_matchers[0])).toEqual([
      'severity="critical"',
      `alertname="${REPLICA_HYDRATING}"`,
      `alertname="${REPLICA_HYDRATING}"`,
      `alertname="${ENVIRONMENTD_ROLLING_OUT}"`,
      `alertname="${ENVIRONMENTD_ROLLING_OUT}"`,
    ]);
    expect(config.route.routes[0]?.receiver).toBe("null");
    expect(config.time_intervals.map((t) => t.name)).toEqual(["materialize-maintenance"]);
  });

  it("a hydrating replica that lags and fills its memory: both alerts fire in Prometheus, Alertmanager suppresses them (inhibitedBy the hydrating alert) and delivers nothing", async () => {
    // The inhibitor first, carrying the clusterd pod (the join with the clusterd target's labels).
    await waitFor(
      () => `${REPLICA_HYDRATING} for ${CLUSTERD_POD} in alertmanager am\n${logs()}`,
      async () => {
        const [hydrating] = await amAlerts("am", REPLICA_HYDRATING);
        return hydrating?.labels.pod === CLUSTERD_POD ? hydrating : undefined;
      },
      TIMEOUT_MS,
    ).then((hydrating) => {
      expect(hydrating.labels).toMatchObject({
        severity: "none",
        namespace: ENV_NAMESPACE,
        instance_id: "u1",
        replica_id: "u1",
        [MZ_LABEL.environment]: "acme",
      });
      expect(hydrating.receivers.map((r) => r.name)).toEqual(["null"]);
    });

    state.trouble = true;
    await waitFor(
      () => `${FRESHNESS} and ${MEMORY} firing in prometheus\n${logs()}`,
      async () => {
        const names = (await promFiring()).map((a) => a.labels.alertname);
        return names.includes(FRESHNESS) && names.includes(MEMORY) ? true : undefined;
      },
      TIMEOUT_MS,
    );
    await suppressedBy("am", REPLICA_HYDRATING);
    await sleep(SETTLE_MS);
    for (const set of ["am", "maint"] as const) {
      for (const name of [FRESHNESS, MEMORY, REPLICA_HYDRATING]) {
        expect(firingIn(deliveriesOf(set), name), `${name} delivered by ${set}`).toEqual([]);
      }
    }
    // The planted defect, rendered without the inhibitions, delivers both at once: what keeps
    // them from "am" is the inhibition, not timing.
    await waitFor(
      () => `${FRESHNESS} and ${MEMORY} at the defect's warning-hook\n${logs()}`,
      () =>
        firingIn(deliveriesOf("defect"), FRESHNESS).length > 0 &&
        firingIn(deliveriesOf("defect"), MEMORY).length > 0
          ? true
          : undefined,
      TIMEOUT_MS,
    );
    expect(firingIn(deliveriesOf("defect"), REPLICA_HYDRATING)).toEqual([]);
    const [freshness] = await amAlerts("am", FRESHNESS);
    expect(freshness?.labels).toMatchObject({
      severity: "warning",
      instance_id: "u1",
      [MZ_LABEL.environment]: "acme",
    });
    expect(freshness?.receivers.map((r) => r.name)).toEqual([WARNING_HOOK]);
  });

  it("environmentd rolls out while the hydration ends: MaterializeEnvironmentdRollingOut takes over the inhibition, still nothing delivered", async () => {
    state.rollout = true;
    await waitFor(
      () => `${ENVIRONMENTD_ROLLING_OUT} in alertmanager am\n${logs()}`,
      async () => {
        const [rollout] = await amAlerts("am", ENVIRONMENTD_ROLLING_OUT);
        return rollout?.status.state === "active" ? rollout : undefined;
      },
      TIMEOUT_MS,
    ).then((rollout) => {
      expect(rollout.labels).toMatchObject({
        severity: "none",
        namespace: ENV_NAMESPACE,
        [MZ_LABEL.environment]: "acme",
      });
      expect(rollout.receivers.map((r) => r.name)).toEqual(["null"]);
    });

    state.hydrating = false;
    await waitFor(
      () => `${REPLICA_HYDRATING} to resolve\n${logs()}`,
      async () => ((await amAlerts("am", REPLICA_HYDRATING)).length === 0 ? true : undefined),
      TIMEOUT_MS,
    );
    await suppressedBy("am", ENVIRONMENTD_ROLLING_OUT);
    await sleep(SETTLE_MS);
    for (const name of [FRESHNESS, MEMORY, ENVIRONMENTD_ROLLING_OUT]) {
      expect(firingIn(deliveriesOf("am"), name), `${name} delivered`).toEqual([]);
    }
  });

  it("the rollout ends: both alerts arrive once at warning-hook; the maintenance-window Alertmanager delivers no Materialize alert but keeps delivering the Watchdog", async () => {
    state.rollout = false;
    const endedAt = Date.now();
    await waitFor(
      () =>
        `${FRESHNESS} and ${MEMORY} at am's warning-hook; deliveries: ${JSON.stringify(deliveriesOf("am").map((d) => d.payload.alerts.map((a) => a.labels.alertname)))}\n${logs()}`,
      () =>
        firingIn(deliveriesOf("am"), FRESHNESS).length > 0 &&
        firingIn(deliveriesOf("am"), MEMORY).length > 0
          ? true
          : undefined,
      TIMEOUT_MS,
    );
    await sleep(SETTLE_MS);
    expect(alertPathProblems(deliveriesOf("am"), expectations.am)).toEqual([]);
    const [memory] = firingIn(deliveriesOf("am"), MEMORY);
    expect(memory?.alert.labels).toMatchObject({ namespace: ENV_NAMESPACE, pod: CLUSTERD_POD });

    // The maintenance window is in effect all day in "maint": the alerts are active (not
    // inhibited, not silenced) and yet never notified; the Watchdog is, being excepted.
    for (const name of [FRESHNESS, MEMORY]) {
      const [alert] = await amAlerts("maint", name);
      expect(alert?.status, `${name} in maint`).toMatchObject({ state: "active", inhibitedBy: [] });
    }
    await waitFor(
      "two Watchdog deliveries at maint after the rollout ended",
      () =>
        firingIn(deliveriesOf("maint"), WATCHDOG).filter((w) => w.delivery.receivedAt > endedAt)
          .length >= 2
          ? true
          : undefined,
      TIMEOUT_MS,
    );
    expect(alertPathProblems(deliveriesOf("maint"), expectations.maint)).toEqual([]);
  });
});
