/**
 * End to end with real processes: two Alertmanager 0.25 processes (Debian's
 * prometheus-alertmanager) clustered over loopback, running the configuration
 * the component renders for 0.25, delivering to a webhook served by this test.
 *
 * What Alertmanager replicates between peers is the silences and the
 * notification log, not alerts: rulers send every alert to every replica
 * (hence the SRV endpoint), and the gossiped notification log makes sure a
 * notification goes out once.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer } from "node:net";
import { join } from "node:path";
import type { KubeObject } from "@materialize-monitoring/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AlertmanagerValues,
  alertmanager,
  alertmanagerArgs,
  defaultFeatureFlags,
} from "../src/index.js";
import { ALERTMANAGER_BIN, requireBinary, tempDir } from "./helpers.js";

interface Delivery {
  receiver: string;
  status: string;
  alerts: { status: string; labels: Record<string, string> }[];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(
    `timed out after ${timeoutMs}ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`,
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Peer {
  name: string;
  web: number;
  cluster: number;
  process?: ChildProcess;
  log: string;
}

const tmp = tempDir("am-e2e");
const deliveries: Delivery[] = [];
let webhook: Server | undefined;
const peers: Peer[] = [];
let rendered: KubeObject[] = [];
let args: string[][] = [];

const url = (peer: Peer, path: string) => `http://127.0.0.1:${peer.web}${path}`;

async function getJson<T>(peer: Peer, path: string): Promise<T> {
  const response = await fetch(url(peer, path), { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

async function postJson(peer: Peer, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(url(peer, path), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(2_000),
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}

/** `alertmanager_notifications_total{integration="webhook"}` of a peer. */
async function webhookNotifications(peer: Peer): Promise<number> {
  const text = await (
    await fetch(url(peer, "/metrics"), { signal: AbortSignal.timeout(2_000) })
  ).text();
  const line = text
    .split("\n")
    .find((l) => l.startsWith('alertmanager_notifications_total{integration="webhook"}'));
  return Number(line?.split(" ").at(-1) ?? Number.NaN);
}

interface ApiAlert {
  labels: Record<string, string>;
  status: { state: string; inhibitedBy: string[]; silencedBy: string[] };
}

const alert = (labels: Record<string, string>) => ({
  labels,
  annotations: { summary: `${labels.alertname} test` },
});
const delivered = (alertname: string, extra: Record<string, string> = {}) =>
  deliveries.filter((d) =>
    d.alerts.some(
      (a) =>
        a.status === "firing" &&
        a.labels.alertname === alertname &&
        Object.entries(extra).every(([k, v]) => a.labels[k] === v),
    ),
  );

beforeAll(async () => {
  requireBinary(ALERTMANAGER_BIN);

  webhook = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on("end", () => {
      if (request.url === "/hook") deliveries.push(JSON.parse(body) as Delivery);
      response.writeHead(200).end();
    });
  });
  const hookPort = await freePort();
  await new Promise<void>((resolve) => webhook?.listen(hookPort, "127.0.0.1", resolve));

  // The component, rendered for the 0.25 binary this machine has.
  const values: AlertmanagerValues = {
    image: { tag: "v0.25.0" },
    config: {
      receivers: [
        {
          name: "test-webhook",
          webhook: [{ url: `http://127.0.0.1:${hookPort}/hook`, sendResolved: false }],
        },
      ],
      groupWait: "1s",
      groupInterval: "1s",
      repeatInterval: "1h",
      severityRouting: {
        critical: { receiver: "test-webhook" },
        warning: { receiver: "test-webhook" },
      },
    },
  };
  rendered = alertmanager(values).objects;
  const configMap = rendered.find((o) => o.kind === "ConfigMap") as {
    data: Record<string, string>;
  };
  const configFile = join(tmp.path, "alertmanager.yml");
  writeFileSync(configFile, configMap.data["alertmanager.yml"] ?? "");

  for (const name of ["a", "b"])
    peers.push({ name, web: await freePort(), cluster: await freePort(), log: "" });
  args = peers.map((peer) => {
    const storage = join(tmp.path, `data-${peer.name}`);
    mkdirSync(storage, { recursive: true });
    return alertmanagerArgs({
      version: "0.25",
      configFile,
      storagePath: storage,
      listenAddress: `127.0.0.1:${peer.web}`,
      externalUrl: `http://127.0.0.1:${peer.web}`,
      routePrefix: "/",
      retention: "120h",
      cluster: {
        listenAddress: `127.0.0.1:${peer.cluster}`,
        advertiseAddress: `[127.0.0.1]:${peer.cluster}`,
        peers: peers.map((p) => `127.0.0.1:${p.cluster}`),
        label: "e2e/alertmanager",
        peerTimeout: "2s",
        // Test-only tuning: settles in about 3s instead of 6s.
        gossipInterval: "100ms",
      },
      logLevel: "info",
      logFormat: "logfmt",
      featureFlags: defaultFeatureFlags("0.25"),
    });
  });
  peers.forEach((peer, i) => {
    const child = spawn(ALERTMANAGER_BIN, args[i] ?? [], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (chunk: Buffer) => {
      peer.log += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      peer.log += chunk.toString();
    });
    peer.process = child;
  });

  for (const peer of peers) {
    await waitFor(
      `alertmanager ${peer.name} to join a cluster of 2\n${peer.log}`,
      async () => {
        const status = await getJson<{ cluster: { status: string; peers: unknown[] } }>(
          peer,
          "/api/v2/status",
        );
        return status.cluster.peers.length === 2 && status.cluster.status === "ready"
          ? status
          : undefined;
      },
      25_000,
    );
  }
}, 40_000);

afterAll(async () => {
  await Promise.all(
    peers.map(async (peer) => {
      const child = peer.process;
      if (!child || child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
      await exited;
      clearTimeout(timer);
    }),
  );
  await new Promise<void>((resolve) => (webhook ? webhook.close(() => resolve()) : resolve()));
  tmp.remove();
});

describe("two real Alertmanager processes (Debian 0.25) clustered on loopback", () => {
  it("run the shipped flags: the same flags as the StatefulSet renders for 0.25", () => {
    const container = (
      rendered.find((o) => o.kind === "StatefulSet") as unknown as {
        spec: { template: { spec: { containers: { args: string[] }[] } } };
      }
    ).spec.template.spec.containers[0];
    const flagNames = (list: string[]) => [...new Set(list.map((a) => a.split("=")[0]))].sort();
    const tested = flagNames(args[0] ?? []).filter((f) => f !== "--cluster.gossip-interval");
    expect(tested).toEqual(flagNames(container?.args ?? []));
    // --cluster.label is gated: 0.25 would refuse to start with it.
    expect(args[0]?.some((a) => a.startsWith("--cluster.label"))).toBe(false);
  });

  it("form one cluster: each lists both peers", async () => {
    for (const peer of peers) {
      const status = await getJson<{ cluster: { peers: { address: string }[] } }>(
        peer,
        "/api/v2/status",
      );
      expect(status.cluster.peers.map((p) => p.address).sort()).toEqual(
        peers.map((p) => `127.0.0.1:${p.cluster}`).sort(),
      );
    }
  });

  it("replicate silences: one created on a is seen on b", async () => {
    const [a, b] = peers as [Peer, Peer];
    const now = Date.now();
    const created = (await postJson(a, "/api/v2/silences", {
      matchers: [{ name: "alertname", value: "Silenced", isRegex: false, isEqual: true }],
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
      createdBy: "e2e",
      comment: "gossip test",
    })) as { silenceID: string };
    const seen = await waitFor(
      "the silence on b",
      async () => {
        const response = await fetch(url(b, `/api/v2/silence/${created.silenceID}`));
        return response.ok ? ((await response.json()) as { status: { state: string } }) : undefined;
      },
      10_000,
    );
    expect(seen.status.state).toBe("active");
  });

  it("an alert posted to a is on a, not on b (alerts are not gossiped), and is delivered once", async () => {
    const [a, b] = peers as [Peer, Peer];
    await postJson(a, "/api/v2/alerts", [
      alert({ alertname: "OnlyOnA", severity: "critical", namespace: "e2e" }),
    ]);
    const onA = await getJson<ApiAlert[]>(a, "/api/v2/alerts");
    expect(onA.map((x) => x.labels.alertname)).toContain("OnlyOnA");
    const onB = await getJson<ApiAlert[]>(b, "/api/v2/alerts");
    expect(onB.map((x) => x.labels.alertname)).not.toContain("OnlyOnA");
    await waitFor(
      "the delivery of OnlyOnA",
      async () => (delivered("OnlyOnA").length > 0 ? true : undefined),
      15_000,
    );
  });

  it("an alert sent to both replicas, as a ruler does, is seen on both and delivered exactly once", async () => {
    const sent = alert({ alertname: "Replicated", severity: "critical", namespace: "e2e" });
    for (const peer of peers) await postJson(peer, "/api/v2/alerts", [sent]);
    for (const peer of peers) {
      const listed = await getJson<ApiAlert[]>(
        peer,
        "/api/v2/alerts?filter=alertname%3D%22Replicated%22",
      );
      expect(listed.map((x) => x.labels.alertname)).toEqual(["Replicated"]);
    }
    await waitFor(
      "the delivery of Replicated",
      async () => (delivered("Replicated").length > 0 ? true : undefined),
      15_000,
    );
    // The second replica waits its peer timeout (2s), then finds the first one's entry in the gossiped
    // notification log; wait past two peer timeouts and several group intervals for a duplicate.
    await sleep(5_000);
    expect(delivered("Replicated")).toHaveLength(1);
    expect(delivered("Replicated")[0]?.receiver).toBe("test-webhook");
    expect(delivered("OnlyOnA")).toHaveLength(1);
    // Both replicas routed Replicated to the webhook; the one later in the cluster's order skipped it
    // after finding the other's entry in the notification log: two notifications sent in all.
    const notifications = await Promise.all(peers.map(webhookNotifications));
    expect(notifications.reduce((x, y) => x + y, 0)).toBe(2);
  });

  it("inhibit a warning while a critical alert fires for the same target, and only then", async () => {
    const [a] = peers as [Peer, Peer];
    await postJson(a, "/api/v2/alerts", [
      alert({ alertname: "DiskFull", severity: "critical", namespace: "inhibit", pod: "db-0" }),
      alert({ alertname: "DiskFull", severity: "warning", namespace: "inhibit", pod: "db-0" }),
      alert({ alertname: "DiskFull", severity: "warning", namespace: "inhibit", pod: "db-1" }),
    ]);
    await waitFor(
      "the critical and the uninhibited warning",
      async () =>
        delivered("DiskFull", { severity: "critical" }).length > 0 &&
        delivered("DiskFull", { severity: "warning", pod: "db-1" }).length > 0
          ? true
          : undefined,
      15_000,
    );
    await sleep(2_000);
    expect(delivered("DiskFull", { severity: "warning", pod: "db-0" })).toEqual([]);
    const listed = await getJson<ApiAlert[]>(a, "/api/v2/alerts?filter=alertname%3D%22DiskFull%22");
    const warning = listed.find((x) => x.labels.severity === "warning" && x.labels.pod === "db-0");
    expect(warning?.status.state).toBe("suppressed");
    expect(warning?.status.inhibitedBy).toHaveLength(1);
    const other = listed.find((x) => x.labels.severity === "warning" && x.labels.pod === "db-1");
    expect(other?.status.state).toBe("active");
  });
});
