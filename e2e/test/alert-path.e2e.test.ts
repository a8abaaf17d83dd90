/**
 * The alert path end to end, with real processes on 127.0.0.1 only:
 *
 *   synthetic Materialize targets (node:http, served by this test)
 *     -> prometheus 2.42 (Debian) with the generated scrape config, allow-list and rule file
 *     -> two prometheus-alertmanager 0.25 processes (Debian), gossip-clustered, running
 *        the config @materialize-monitoring/alertmanager renders for 0.25
 *     -> webhook receivers served by this test.
 *
 * A third, unclustered Alertmanager gets the same alerts with a config rendered
 * without the default inhibition: the planted defect the check must catch.
 *
 * Test-only tuning, all through typed values: the alerts under test fire after
 * `for: 0s` (rules.alerts.<name>.tiers, thresholds unchanged), rules evaluate
 * every 1s (rules.interval), scrapes run every 1s (scrape.interval), and
 * Alertmanager groups wait 1s; the cluster peer timeout is 2s and the gossip
 * interval 100ms so that the replicas settle in seconds.
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  type AlertmanagerValues,
  alertmanager,
  alertmanagerArgs,
  DEFAULT_INHIBIT_EQUAL,
  defaultFeatureFlags,
} from "@materialize-monitoring/alertmanager";
import type { KubeObject } from "@materialize-monitoring/core";
import {
  ALERT_DEFINITIONS,
  ALERT_IDENTITY_LABELS,
  INHIBITOR_ALERT_MATCHER,
  type MaterializeValues,
  MZ_CONTAINER,
  MZ_JOB,
  MZ_LABEL,
  MZ_POD_LABEL,
  MZ_PORT,
  materializeArtifacts,
  REPLICA_HYDRATING,
  ruleFileYaml,
} from "@materialize-monitoring/materialize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AlertPathExpectation,
  alertPathProblems,
  closeServer,
  type Delivery,
  type DiscoveredPod,
  type MetricsEndpoint,
  materializeExposition,
  type Phase,
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
  getText,
  Proc,
  requireBinary,
  sleep,
  type TempDir,
  tempDir,
  waitFor,
} from "../src/processes.js";

// ---------------------------------------------------------------------------
// What is under test.

const FRESHNESS = "MaterializeSystemClusterFreshnessLag";
const ENVD_DOWN = "MaterializeEnvironmentdDown";
const WATCHDOG = "Watchdog";

const CRITICAL_HOOK = "critical-hook";
const WARNING_HOOK = "warning-hook";
const WATCHDOG_HOOK = "watchdog-hook";
/** The default receiver: anything no severity route takes (info, none) would arrive here. */
const DEFAULT_HOOK = "default-hook";

/** How long the healthy phase is watched: 10 s of 1 s rule evaluations. */
const HEALTHY_WINDOW_MS = 10_000;
/** After the first delivery, how long to wait for duplicates: over two 2 s peer timeouts and several 1 s group intervals. */
const SETTLE_MS = 5_000;
const DELIVERY_TIMEOUT_MS = 20_000;

const ENV_NAMESPACE = "materialize-environment";

/** The shipped tiers (thresholds and severities) of an alert, firing at once. */
function immediately(name: string) {
  const definition = ALERT_DEFINITIONS.find((a) => a.name === name);
  if (!definition) throw new Error(`no alert ${name} in the package`);
  return definition.tiers.map((tier) => ({ ...tier, for: "0s" }));
}

const materializeValues: MaterializeValues = {
  namespaces: { environments: [ENV_NAMESPACE] },
  scrape: {
    interval: "1s",
    timeout: "1s",
    // The Debian binary is 2.42: no username_file, so the SQL-derived (basic auth) targets stay off.
    prometheusVersion: "2.42",
    sqlMetrics: { enabled: false },
  },
  rules: {
    interval: "1s",
    alerts: {
      [FRESHNESS]: { tiers: immediately(FRESHNESS) },
      [ENVD_DOWN]: { tiers: immediately(ENVD_DOWN) },
    },
  },
};

const expectation: AlertPathExpectation = {
  delivered: [
    { alertname: FRESHNESS, severity: "critical", receiver: CRITICAL_HOOK },
    { alertname: ENVD_DOWN, severity: "critical", receiver: CRITICAL_HOOK },
  ],
  inhibited: [{ alertname: FRESHNESS, severity: "warning" }],
  heartbeat: { alertname: WATCHDOG, receiver: WATCHDOG_HOOK },
};
const healthyExpectation: AlertPathExpectation = {
  delivered: [],
  inhibited: [],
  heartbeat: expectation.heartbeat,
};

// ---------------------------------------------------------------------------
// The synthetic targets.

let phase: Phase = "healthy";

/**
 * Target A: environmentd of environment "acme" (current pod labels). It
 * reports the wallclock lag of system cluster s1 (1.5 s healthy, 600 s
 * unhealthy: above both the 60 s warning and the 300 s critical threshold)
 * and of system cluster s2, still hydrating (the 1e9+ sentinel, which the
 * rules must ignore), plus a real Materialize metric no query reads.
 */
function targetA() {
  const s1 = phase === "healthy" ? { min: 0.2, max: 1.5 } : { min: 540, max: 600 };
  return {
    status: 200,
    body: materializeExposition(
      [
        { instanceId: "s1", replicaId: "s1", ...s1 },
        { instanceId: "s2", replicaId: "s2", min: 4_294_967_295, max: 4_294_967_295 },
      ],
      ["# TYPE mz_external_calls_count counter", 'mz_external_calls_count{status="ok"} 7'],
    ),
  };
}

/** Target B: environmentd of environment "globex" (pre-v26.24 labels): 200, then 503. */
function targetB() {
  return phase === "healthy"
    ? { status: 200, body: "# TYPE mz_active_sessions gauge\nmz_active_sessions 2\n" }
    : { status: 503, body: "environmentd is not serving\n" };
}

function pods(a: string, b: string): { kept: DiscoveredPod[]; dropped: DiscoveredPod[] } {
  const base = {
    namespace: ENV_NAMESPACE,
    container: MZ_CONTAINER.environmentd,
    portName: MZ_PORT.internalHttpName,
    phase: "Running" as const,
  };
  const acme = {
    [MZ_POD_LABEL.organizationName]: "acme",
    [MZ_POD_LABEL.organizationNamespace]: ENV_NAMESPACE,
    [MZ_POD_LABEL.organizationId]: "6f1e0a52-acme",
  };
  return {
    kept: [
      {
        ...base,
        address: a,
        pod: "mz-acme-environmentd-1-0",
        labels: { [MZ_POD_LABEL.name]: "environmentd", ...acme },
      },
      {
        ...base,
        address: b,
        pod: "mz-globex-environmentd-0",
        labels: {
          [MZ_POD_LABEL.app]: "environmentd",
          [MZ_POD_LABEL.organizationName]: "globex",
          [MZ_POD_LABEL.organizationNamespace]: ENV_NAMESPACE,
          [MZ_POD_LABEL.organizationId]: "0c9d41b7-globex",
        },
      },
    ],
    // What the generated relabel rules must drop: the finished pod of a previous generation,
    // and a clusterd pod (same namespace, same port name).
    dropped: [
      {
        ...base,
        address: a,
        pod: "mz-acme-environmentd-0-0",
        phase: "Succeeded",
        labels: { [MZ_POD_LABEL.name]: "environmentd", ...acme },
      },
      {
        ...base,
        address: a,
        pod: "mz-acme-cluster-s1-replica-s1-gen-1-0",
        container: MZ_CONTAINER.clusterd,
        labels: { [MZ_POD_LABEL.clusterdType]: "cluster", ...acme },
      },
    ],
  };
}

// ---------------------------------------------------------------------------
// Processes.

interface AlertmanagerPeer {
  name: string;
  web: number;
  cluster: number;
  proc?: Proc;
}

let tmp: TempDir | undefined;
const procs: Proc[] = [];
let webhooks: WebhookRecorder | undefined;
let metricsA: MetricsEndpoint | undefined;
let metricsB: MetricsEndpoint | undefined;
const pair: AlertmanagerPeer[] = [];
let defect: AlertmanagerPeer | undefined;
let promPort = 0;
let renderedAlertmanager: KubeObject[] = [];
let pairArgs: string[] = [];
const configFiles: string[] = [];

const amUrl = (peer: AlertmanagerPeer, path: string) => `http://127.0.0.1:${peer.web}${path}`;
const promUrl = (path: string) => `http://127.0.0.1:${promPort}${path}`;
const logs = () => procs.map((p) => p.log()).join("\n");

function deliveriesOf(set: "pair" | "defect"): Delivery[] {
  return (webhooks?.deliveries ?? []).filter((d) => d.path.startsWith(`/${set}/`));
}

function alertmanagerValues(set: "pair" | "defect", inhibition: boolean): AlertmanagerValues {
  // sendResolved off: every notification in this test is a firing one, so counts are plain.
  const hook = (name: string) => ({
    name,
    webhook: [{ url: webhooks?.url(`/${set}/${name}`) ?? "", sendResolved: false }],
  });
  return {
    image: { tag: "v0.25.0" },
    ...(set === "defect" ? { mode: "small" as const } : {}),
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
      // A heartbeat every few seconds, so that "keeps arriving" is observable within the test.
      watchdog: { receiver: WATCHDOG_HOOK, groupInterval: "1s", repeatInterval: "2s" },
      // As the umbrella wires it: the inhibitor alerts (s2 hydrates) go nowhere, and inhibition
      // compares the Materialize identity labels too.
      discard: [{ matchers: [INHIBITOR_ALERT_MATCHER] }],
      inhibition: inhibition
        ? { equal: [...DEFAULT_INHIBIT_EQUAL, ...ALERT_IDENTITY_LABELS] }
        : { criticalInhibitsWarning: false },
    },
  };
}

/** Renders the component for 0.25 and writes its alertmanager.yml. */
function writeAlertmanagerConfig(set: "pair" | "defect", inhibition: boolean): string {
  const objects = alertmanager(alertmanagerValues(set, inhibition)).objects;
  if (set === "pair") renderedAlertmanager = objects;
  const configMap = objects.find((o) => o.kind === "ConfigMap") as {
    data: Record<string, string>;
  };
  const file = join(tmp?.path ?? "", `alertmanager-${set}.yml`);
  writeFileSync(file, configMap.data["alertmanager.yml"] ?? "");
  configFiles.push(file);
  return file;
}

function startAlertmanager(
  peer: AlertmanagerPeer,
  configFile: string,
  cluster?: AlertmanagerPeer[],
) {
  const storage = join(tmp?.path ?? "", `alertmanager-${peer.name}`);
  mkdirSync(storage, { recursive: true });
  const args = alertmanagerArgs({
    version: "0.25",
    configFile,
    storagePath: storage,
    listenAddress: `127.0.0.1:${peer.web}`,
    externalUrl: `http://127.0.0.1:${peer.web}`,
    routePrefix: "/",
    retention: "120h",
    ...(cluster
      ? {
          cluster: {
            listenAddress: `127.0.0.1:${peer.cluster}`,
            advertiseAddress: `[127.0.0.1]:${peer.cluster}`,
            peers: cluster.map((p) => `127.0.0.1:${p.cluster}`),
            label: "e2e/alertmanager",
            peerTimeout: "2s",
            gossipInterval: "100ms",
          },
        }
      : {}),
    logLevel: "info",
    logFormat: "logfmt",
    featureFlags: defaultFeatureFlags("0.25"),
  });
  if (cluster && pairArgs.length === 0) pairArgs = args;
  peer.proc = new Proc(`alertmanager-${peer.name}`, BINARIES.alertmanager.path, args);
  procs.push(peer.proc);
}

function startPrometheus(configFile: string): Proc {
  const data = join(tmp?.path ?? "", "prometheus-data");
  mkdirSync(data, { recursive: true });
  return new Proc("prometheus", BINARIES.prometheus.path, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${data}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
    // Resend firing alerts every second (default 1m): an alert that fired before Prometheus had
    // discovered the Alertmanagers would otherwise wait a minute for its next send.
    "--rules.alert.resend-delay=1s",
    "--log.level=info",
  ]);
}

interface ApiAlert {
  fingerprint: string;
  labels: Record<string, string>;
  receivers: { name: string }[];
  status: { state: string; inhibitedBy: string[]; silencedBy: string[] };
}

interface PromVector {
  status: string;
  data: {
    resultType: string;
    result: { metric: Record<string, string>; value: [number, string] }[];
  };
}

async function promQuery(query: string): Promise<PromVector["data"]["result"]> {
  const body = await getJson<PromVector>(
    promUrl(`/api/v1/query?query=${encodeURIComponent(query)}`),
  );
  return body.data.result;
}

/** `prometheus_rule_group_iterations_total` of a rule group, from Prometheus' own /metrics. */
async function ruleIterations(group: string): Promise<number> {
  const line = (await getText(promUrl("/metrics")))
    .split("\n")
    .find(
      (l) => l.startsWith("prometheus_rule_group_iterations_total{") && l.includes(`;${group}"`),
    );
  if (!line) throw new Error(`no prometheus_rule_group_iterations_total for ${group}`);
  return Number(line.split(" ").at(-1));
}

const firingIn = (deliveries: readonly Delivery[], alertname: string, severity?: string) =>
  deliveries.flatMap((d) =>
    d.payload.alerts
      .filter(
        (a) =>
          a.status === "firing" &&
          a.labels.alertname === alertname &&
          (severity === undefined || a.labels.severity === severity),
      )
      .map((alert) => ({ alert, delivery: d })),
  );

beforeAll(async () => {
  requireBinary(BINARIES.prometheus);
  requireBinary(BINARIES.alertmanager);
  requireBinary(BINARIES.amtool);
  tmp = tempDir("mzmon-alert-path");

  webhooks = await serveWebhooks();
  metricsA = await serveMetrics(targetA);
  metricsB = await serveMetrics(targetB);

  // Alertmanager: two clustered replicas with the shipped config, and the planted defect.
  for (const name of ["a", "b"])
    pair.push({ name, web: await freePort(), cluster: await freePort() });
  defect = { name: "defect", web: await freePort(), cluster: 0 };
  const pairConfig = writeAlertmanagerConfig("pair", true);
  const defectConfig = writeAlertmanagerConfig("defect", false);
  for (const peer of pair) startAlertmanager(peer, pairConfig, pair);
  startAlertmanager(defect, defectConfig);

  // Prometheus: the generated rule file and the generated environmentd scrape config.
  const artifacts = materializeArtifacts(materializeValues);
  const rulesFile = join(tmp.path, "materialize.rules.yaml");
  writeFileSync(rulesFile, ruleFileYaml(artifacts.ruleGroups));
  const environmentd = artifacts.prometheusScrapeConfigs.find(
    (c) => c.job_name === MZ_JOB.environmentd,
  );
  if (!environmentd) throw new Error(`no ${MZ_JOB.environmentd} scrape config was generated`);
  const { kept, dropped } = pods(metricsA.address, metricsB.address);
  promPort = await freePort();
  const promConfig = join(tmp.path, "prometheus.yml");
  writeFileSync(
    promConfig,
    prometheusConfigYaml({
      scrapeInterval: "1s",
      evaluationInterval: "1s",
      scrapeConfigs: [staticScrapeConfig(environmentd, [...kept, ...dropped])],
      ruleFiles: [rulesFile],
      alertmanagerSets: [pair.map((p) => `127.0.0.1:${p.web}`), [`127.0.0.1:${defect.web}`]],
    }),
  );
  procs.push(startPrometheus(promConfig));

  for (const peer of pair) {
    await waitFor(
      () => `alertmanager ${peer.name} to join a cluster of 2\n${logs()}`,
      async () => {
        const status = await getJson<{ cluster: { status: string; peers: unknown[] } }>(
          amUrl(peer, "/api/v2/status"),
        );
        return status.cluster.peers.length === 2 && status.cluster.status === "ready"
          ? true
          : undefined;
      },
      25_000,
    );
  }
  await waitFor(
    () => `the defect alertmanager to be ready\n${logs()}`,
    async () =>
      (await fetch(amUrl(defect as AlertmanagerPeer, "/-/ready"))).ok ? true : undefined,
    15_000,
  );
  await waitFor(
    () => `prometheus to be ready\n${logs()}`,
    async () => ((await fetch(promUrl("/-/ready"))).ok ? true : undefined),
    15_000,
  );
  await waitFor(
    () => `prometheus to scrape both environmentd targets and record the lag\n${logs()}`,
    async () => {
      const up = await promQuery(`up{job="${MZ_JOB.environmentd}"} == 1`);
      const lag = await promQuery("mz_cluster:mz_dataflow_wallclock_lag_seconds:max");
      return up.length === 2 && lag.length > 0 ? true : undefined;
    },
    15_000,
  );
  await waitFor(
    () => `prometheus to discover the three alertmanagers\n${logs()}`,
    async () => {
      const body = await getJson<{ data: { activeAlertmanagers: unknown[] } }>(
        promUrl("/api/v1/alertmanagers"),
      );
      return body.data.activeAlertmanagers.length === 3 ? true : undefined;
    },
    10_000,
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  await Promise.all([metricsA, metricsB, webhooks].map((s) => closeServer(s?.server as Server)));
  tmp?.remove();
});

// ---------------------------------------------------------------------------

describe("alert path end to end: synthetic Materialize -> prometheus 2.42 -> two clustered alertmanager 0.25 -> webhooks", () => {
  it("runs the rendered Alertmanager configs (amtool check-config passes) with the StatefulSet's flags", async () => {
    for (const file of configFiles) {
      await expect(
        promisify(execFile)(BINARIES.amtool.path, ["check-config", file], { timeout: 10_000 }),
      ).resolves.toBeDefined();
    }
    const statefulSet = renderedAlertmanager.find((o) => o.kind === "StatefulSet") as unknown as {
      spec: { template: { spec: { containers: { args: string[] }[] } } };
    };
    const flagNames = (list: readonly string[]) =>
      [...new Set(list.map((a) => a.split("=")[0]))].sort();
    expect(flagNames(pairArgs).filter((f) => f !== "--cluster.gossip-interval")).toEqual(
      flagNames(statefulSet.spec.template.spec.containers[0]?.args ?? []),
    );
  });

  it("static_configs stand in for Kubernetes pod discovery (Debian's 2.42 has no kubernetes_sd here): the generated relabel_configs keep the two environmentd pods, copy their labels, and the generated allow-list drops unread metrics", async () => {
    const targets = await getJson<{
      data: {
        activeTargets: { labels: Record<string, string>; health: string }[];
        droppedTargets: { discoveredLabels: Record<string, string> }[];
      };
    }>(promUrl("/api/v1/targets"));
    const active = targets.data.activeTargets.map((t) => t.labels);
    expect(active.map((l) => l.pod).sort()).toEqual([
      "mz-acme-environmentd-1-0",
      "mz-globex-environmentd-0",
    ]);
    expect(
      targets.data.droppedTargets.map((t) => t.discoveredLabels.__meta_kubernetes_pod_name).sort(),
    ).toEqual(["mz-acme-cluster-s1-replica-s1-gen-1-0", "mz-acme-environmentd-0-0"]);
    const acme = active.find((l) => l.pod === "mz-acme-environmentd-1-0");
    expect(acme).toMatchObject({
      job: MZ_JOB.environmentd,
      namespace: ENV_NAMESPACE,
      container: MZ_CONTAINER.environmentd,
      [MZ_LABEL.environment]: "acme",
      [MZ_LABEL.environmentNamespace]: ENV_NAMESPACE,
    });
    expect(Object.keys(acme ?? {}).filter((k) => k.startsWith("__meta_"))).toEqual([]);

    // The allow-list keeps what the rules read and drops a Materialize metric no query reads.
    expect(
      await promQuery(`mz_dataflow_wallclock_lag_seconds{pod="mz-acme-environmentd-1-0"}`),
    ).toHaveLength(4);
    expect(await promQuery("mz_external_calls_count")).toEqual([]);
    expect(await promQuery("mz_dataflow_wallclock_lag_seconds_count")).toEqual([]);
    const [scraped] = await promQuery(`scrape_samples_scraped{pod="mz-acme-environmentd-1-0"}`);
    const [kept] = await promQuery(
      `scrape_samples_post_metric_relabeling{pod="mz-acme-environmentd-1-0"}`,
    );
    expect(Number(scraped?.value[1])).toBe(9);
    expect(Number(kept?.value[1])).toBe(4);
  });

  it(`healthy phase: for ${HEALTHY_WINDOW_MS / 1000} s of 1 s rule evaluations nothing but the Watchdog arrives, on either replica or the defect`, async () => {
    await waitFor(
      () => `the Watchdog at watchdog-hook\n${logs()}`,
      () => (firingIn(deliveriesOf("pair"), WATCHDOG).length > 0 ? true : undefined),
      DELIVERY_TIMEOUT_MS,
    );
    const before = await ruleIterations("materialize-freshness");
    await sleep(HEALTHY_WINDOW_MS);
    const after = await ruleIterations("materialize-freshness");
    // 10 s of 1 s evaluations; one tick of slack for scheduling jitter on a busy machine.
    expect(after - before).toBeGreaterThanOrEqual(HEALTHY_WINDOW_MS / 1000 - 1);

    expect(alertPathProblems(deliveriesOf("pair"), healthyExpectation)).toEqual([]);
    expect(alertPathProblems(deliveriesOf("defect"), healthyExpectation)).toEqual([]);
    const watchdogs = firingIn(deliveriesOf("pair"), WATCHDOG);
    expect(watchdogs.every((w) => w.delivery.payload.receiver === WATCHDOG_HOOK)).toBe(true);

    // The rules did see the data: s1's lag is recorded, s2 (hydrating, sentinel lag) is not.
    const lag = await promQuery("mz_cluster:mz_dataflow_wallclock_lag_seconds:max");
    expect(
      lag.map((s) => [s.metric.instance_id, s.metric[MZ_LABEL.environment], s.value[1]]),
    ).toEqual([["s1", "acme", "1.5"]]);
    const alerts = await getJson<{
      data: { alerts: { labels: Record<string, string>; state: string }[] };
    }>(promUrl("/api/v1/alerts"));
    // Besides the Watchdog only the inhibitor of s2's hydration fires, and it is never delivered.
    expect(
      alerts.data.alerts
        .filter((a) => a.state === "firing")
        .map((a) => a.labels.alertname)
        .sort(),
    ).toEqual([REPLICA_HYDRATING, WATCHDOG]);
  });

  it("unhealthy phase: freshness (critical) and environmentd-down arrive once each at critical-hook with severity critical, the warning tier is inhibited on both replicas, and the Watchdog keeps arriving", async () => {
    phase = "unhealthy";
    const switchedAt = Date.now();
    await waitFor(
      () =>
        `both critical alerts at critical-hook; deliveries so far: ${JSON.stringify(deliveriesOf("pair").map((d) => d.payload.alerts.map((a) => a.labels.alertname)))}\n${logs()}`,
      () =>
        firingIn(deliveriesOf("pair"), FRESHNESS, "critical").length > 0 &&
        firingIn(deliveriesOf("pair"), ENVD_DOWN, "critical").length > 0
          ? true
          : undefined,
      DELIVERY_TIMEOUT_MS,
    );
    await sleep(SETTLE_MS);

    const deliveries = deliveriesOf("pair");
    expect(alertPathProblems(deliveries, expectation)).toEqual([]);

    const [freshness] = firingIn(deliveries, FRESHNESS, "critical");
    expect(freshness?.delivery.payload.receiver).toBe(CRITICAL_HOOK);
    expect(freshness?.alert.labels).toMatchObject({
      severity: "critical",
      instance_id: "s1",
      [MZ_LABEL.environment]: "acme",
    });
    const [down] = firingIn(deliveries, ENVD_DOWN, "critical");
    expect(down?.delivery.payload.receiver).toBe(CRITICAL_HOOK);
    expect(down?.alert.labels).toMatchObject({
      severity: "critical",
      job: MZ_JOB.environmentd,
      namespace: ENV_NAMESPACE,
      pod: "mz-globex-environmentd-0",
      [MZ_LABEL.environment]: "globex",
    });
    // Each replica holds both tiers (Prometheus sends to both); the warning is suppressed by the critical.
    for (const peer of pair) {
      const listed = await getJson<ApiAlert[]>(
        amUrl(peer, `/api/v2/alerts?filter=${encodeURIComponent(`alertname="${FRESHNESS}"`)}`),
      );
      const critical = listed.find((a) => a.labels.severity === "critical");
      const warning = listed.find((a) => a.labels.severity === "warning");
      expect(critical?.status.state, `critical on replica ${peer.name}`).toBe("active");
      expect(warning?.status.state, `warning on replica ${peer.name}`).toBe("suppressed");
      expect(warning?.status.inhibitedBy).toEqual([critical?.fingerprint]);
      expect(warning?.receivers.map((r) => r.name)).toEqual([WARNING_HOOK]);
    }

    await waitFor(
      "two more Watchdog deliveries after the switch",
      () =>
        firingIn(deliveriesOf("pair"), WATCHDOG).filter((w) => w.delivery.receivedAt > switchedAt)
          .length >= 2
          ? true
          : undefined,
      DELIVERY_TIMEOUT_MS,
    );
  });

  it("planted defect: an Alertmanager rendered without the default inhibition delivers the warning, and the check reports exactly that", async () => {
    phase = "unhealthy";
    await waitFor(
      () => `the freshness warning at the defect's warning-hook\n${logs()}`,
      () => {
        const got = deliveriesOf("defect");
        return firingIn(got, FRESHNESS, "warning").length > 0 &&
          firingIn(got, FRESHNESS, "critical").length > 0 &&
          firingIn(got, ENVD_DOWN, "critical").length > 0
          ? true
          : undefined;
      },
      DELIVERY_TIMEOUT_MS,
    );
    expect(alertPathProblems(deliveriesOf("defect"), expectation)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${FRESHNESS}\\{severity="warning"\\} should be inhibited but arrived \\d+ time\\(s\\) at ${WARNING_HOOK}$`,
        ),
      ),
    ]);
    const listed = await getJson<ApiAlert[]>(
      amUrl(
        defect as AlertmanagerPeer,
        `/api/v2/alerts?filter=${encodeURIComponent(`alertname="${FRESHNESS}"`)}`,
      ),
    );
    const warning = listed.find((a) => a.labels.severity === "warning");
    expect(warning?.status).toMatchObject({ state: "active", inhibitedBy: [] });
  });

  // Found by this harness: with the alertmanager package's generic default `equal` list (no
  // Materialize labels) one environment's critical suppressed another's warning. The umbrella now
  // adds ALERT_IDENTITY_LABELS to `equal`, and this test renders the config the same way.
  it("a critical alert in one environment does not inhibit another environment's freshness warning", async () => {
    phase = "unhealthy";
    const replica = pair[0] as AlertmanagerPeer;
    const posted = await fetch(amUrl(replica, "/api/v2/alerts"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        {
          labels: {
            alertname: FRESHNESS,
            severity: "warning",
            component: "freshness",
            instance_id: "s1",
            [MZ_LABEL.environment]: "globex",
          },
        },
      ]),
      signal: AbortSignal.timeout(2_000),
    });
    expect(posted.ok).toBe(true);
    const listed = await getJson<ApiAlert[]>(
      amUrl(replica, `/api/v2/alerts?filter=${encodeURIComponent(`alertname="${FRESHNESS}"`)}`),
    );
    const acmeCritical = listed.find(
      (a) => a.labels.severity === "critical" && a.labels[MZ_LABEL.environment] === "acme",
    );
    const globexWarning = listed.find(
      (a) => a.labels.severity === "warning" && a.labels[MZ_LABEL.environment] === "globex",
    );
    expect(acmeCritical?.status.state).toBe("active");
    expect(globexWarning?.status).toMatchObject({ state: "active", inhibitedBy: [] });
  });
});

describe("the alert path check (synthetic deliveries)", () => {
  const delivery = (
    path: string,
    receiver: string,
    alerts: [string, string, string][],
  ): Delivery => ({
    path,
    receivedAt: 0,
    payload: {
      version: "4",
      receiver,
      status: "firing",
      groupKey: "{}",
      externalURL: "http://127.0.0.1:1",
      alerts: alerts.map(([alertname, severity, fingerprint]) => ({
        status: "firing",
        labels: { alertname, severity },
        annotations: {},
        fingerprint,
        startsAt: "",
      })),
    },
  });

  it("passes the expected deliveries and flags a duplicate, a wrong receiver, a missing alert and an unexpected one", () => {
    const good = [
      delivery("/x/critical-hook", CRITICAL_HOOK, [[FRESHNESS, "critical", "f1"]]),
      delivery("/x/critical-hook", CRITICAL_HOOK, [[ENVD_DOWN, "critical", "d1"]]),
      delivery("/x/watchdog-hook", WATCHDOG_HOOK, [[WATCHDOG, "none", "w1"]]),
      delivery("/x/watchdog-hook", WATCHDOG_HOOK, [[WATCHDOG, "none", "w1"]]),
    ];
    expect(alertPathProblems(good, expectation)).toEqual([]);

    const bad = [
      delivery("/x/critical-hook", CRITICAL_HOOK, [[FRESHNESS, "critical", "f1"]]),
      delivery("/x/critical-hook", CRITICAL_HOOK, [[FRESHNESS, "critical", "f1"]]),
      delivery("/x/default-hook", DEFAULT_HOOK, [[WATCHDOG, "none", "w1"]]),
      delivery("/x/warning-hook", WARNING_HOOK, [["SomethingElse", "warning", "s1"]]),
      delivery("/x/warning-hook", CRITICAL_HOOK, []),
    ];
    expect(alertPathProblems(bad, expectation)).toEqual([
      "receiver critical-hook posted to /x/warning-hook",
      `${FRESHNESS}{severity="critical"} (f1) arrived 2 times, not once`,
      `${ENVD_DOWN}{severity="critical"} never arrived`,
      `${WATCHDOG} arrived at default-hook instead of watchdog-hook`,
      `unexpected SomethingElse{severity="warning"} arrived at warning-hook`,
    ]);
  });
});
