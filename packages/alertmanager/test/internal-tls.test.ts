/**
 * Alertmanager under the stack's internal TLS, rendered and then run: two
 * real Alertmanager 0.25 processes (Debian's prometheus-alertmanager) on
 * loopback with the web and gossip TLS files the component renders, the
 * certificates from a throwaway CA holding the names the component's
 * `Certificate` asks for. The files' paths are the only thing changed: the
 * pod's `/etc/internal-tls` becomes a temporary folder.
 *
 * 0.25 is older than the image (v0.28.1), but `--web.config.file` and
 * `--cluster.tls-config` with these keys are the same in both (docs/https.md
 * at v0.28.1 of prometheus/alertmanager, read for this test).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect } from "node:tls";
import {
  type BuildContext,
  defaultBuildContext,
  INTERNAL_TLS,
  type KubeObject,
} from "@materialize-monitoring/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { freePort } from "../../../test-support/nginx.js";
import {
  httpsRequest,
  TEST_INTERNAL_TLS,
  type TestCa,
  type TestLeaf,
  testCa,
} from "../../../test-support/tls.js";
import {
  type AlertmanagerValues,
  alertmanager,
  alertmanagerArgs,
  alertmanagerEndpoints,
  TLS_CONFIG,
} from "../src/index.js";
import { ALERTMANAGER_BIN, requireBinary, tempDir } from "./helpers.js";

const internalTls = TEST_INTERNAL_TLS;
const ctx: BuildContext = defaultBuildContext({ internalTls });
const values: AlertmanagerValues = {
  mode: "ha",
  image: { tag: "v0.25.0" },
};

type Spec = { spec: Record<string, unknown> };
const byKind = (objects: KubeObject[], kind: string, name?: string) =>
  objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name)) as
    | (KubeObject & Spec)
    | undefined;

interface Peer {
  name: string;
  web: number;
  cluster: number;
  process?: ChildProcess;
  log: string;
}

const rendered = alertmanager(values, ctx).objects;
const endpoints = alertmanagerEndpoints(values, ctx);
const tmp = tempDir("am-tls");
const peers: Peer[] = [];
let ca: TestCa;
let leaf: TestLeaf;
let foreign: TestCa;

/** An HTTPS request to a peer with the stack's CA, presenting `client` (or no certificate). */
function get(
  peer: Peer,
  path: string,
  client: TestLeaf | undefined,
  options: { method?: string; body?: unknown } = {},
): Promise<{ status: number; body: string }> {
  return httpsRequest({
    port: peer.web,
    path,
    ca: ca.cert,
    servername: endpoints.tlsServerName,
    ...(client ? { client } : {}),
    ...options,
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms: number) {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

/** Whether a TLS handshake with `port` succeeds presenting `client` (the TLS 1.3 server decides after the handshake, so read once). */
function handshake(port: number, client: TestLeaf | undefined, trust: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({
      host: "127.0.0.1",
      port,
      ca: trust,
      servername: endpoints.tlsServerName,
      ...(client ? { cert: client.cert, key: client.key } : {}),
    });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("secureConnect", () => {
      // A refused client certificate arrives as an alert right after the handshake.
      socket.once("data", () => done(true));
      socket.once("error", () => done(false));
      socket.once("close", () => done(false));
      setTimeout(() => done(true), 500);
    });
    socket.once("error", () => done(false));
  });
}

beforeAll(async () => {
  requireBinary(ALERTMANAGER_BIN);
  ca = testCa();
  foreign = testCa("someone-else");
  const certificate = byKind(rendered, "Certificate");
  leaf = ca.issue((certificate?.spec.dnsNames as string[]) ?? []);
  const mount = join(tmp.path, "internal-tls");
  mkdirSync(mount);
  ca.writeMount(mount, leaf);

  // The rendered TLS files, with the pod's mount path pointed at the temporary folder.
  const tlsConfig = byKind(rendered, "ConfigMap", "alertmanager-tls") as unknown as {
    data: Record<string, string>;
  };
  const files: Record<string, string> = {};
  for (const [key, text] of Object.entries(tlsConfig.data)) {
    files[key] = join(tmp.path, key);
    writeFileSync(files[key], text.replaceAll(INTERNAL_TLS.dir, mount));
  }
  const amConfig = byKind(rendered, "ConfigMap", "alertmanager-config") as unknown as {
    data: Record<string, string>;
  };
  const configFile = join(tmp.path, "alertmanager.yml");
  writeFileSync(configFile, amConfig.data["alertmanager.yml"] ?? "");

  for (const name of ["a", "b"])
    peers.push({ name, web: await freePort(), cluster: await freePort(), log: "" });
  for (const peer of peers) {
    const storage = join(tmp.path, `data-${peer.name}`);
    mkdirSync(storage);
    const args = alertmanagerArgs({
      version: "0.25",
      configFile,
      storagePath: storage,
      listenAddress: `127.0.0.1:${peer.web}`,
      externalUrl: `https://127.0.0.1:${peer.web}`,
      routePrefix: "/",
      retention: "120h",
      webConfigFile: files["web.yaml"],
      cluster: {
        listenAddress: `127.0.0.1:${peer.cluster}`,
        advertiseAddress: `127.0.0.1:${peer.cluster}`,
        peers: peers.map((p) => `127.0.0.1:${p.cluster}`),
        peerTimeout: "2s",
        gossipInterval: "100ms",
        tlsConfigFile: files["cluster.yaml"],
      },
      logLevel: "info",
      logFormat: "logfmt",
      featureFlags: [],
    });
    const child = spawn(ALERTMANAGER_BIN, args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (c: Buffer) => {
      peer.log += c.toString();
    });
    child.stderr?.on("data", (c: Buffer) => {
      peer.log += c.toString();
    });
    peer.process = child;
  }
  for (const peer of peers) {
    await waitFor(
      `alertmanager ${peer.name} to join a cluster of 2 over TLS\n${peer.log}`,
      async () => {
        const response = await get(peer, "/api/v2/status", leaf);
        const status = JSON.parse(response.body) as {
          cluster: { status: string; peers: unknown[] };
        };
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
  ca?.remove();
  foreign?.remove();
  tmp.remove();
});

describe("Alertmanager under internal TLS: the rendered objects", () => {
  const statefulSet = byKind(rendered, "StatefulSet") as unknown as {
    spec: {
      template: {
        spec: {
          containers: {
            args: string[];
            ports: { name: string; protocol?: string }[];
            readinessProbe: { httpGet: { scheme: string } };
            livenessProbe: { httpGet: { scheme: string } };
            volumeMounts: { name: string; mountPath: string }[];
          }[];
          volumes: { name: string; secret?: { secretName: string } }[];
        };
      };
    };
  };
  const container = statefulSet.spec.template.spec.containers[0];

  it("asks cert-manager for one certificate naming both Services and every replica", () => {
    const certificate = byKind(rendered, "Certificate");
    expect(certificate?.spec).toMatchObject({
      secretName: "alertmanager-internal-tls",
      issuerRef: internalTls.issuerRef,
      dnsNames: [
        "*.alertmanager-headless.monitoring.svc.cluster.local",
        "alertmanager-headless.monitoring.svc.cluster.local",
        "alertmanager.monitoring.svc.cluster.local",
      ],
    });
    expect(statefulSet.spec.template.spec.volumes).toContainEqual({
      name: "internal-tls",
      secret: { secretName: "alertmanager-internal-tls" },
    });
  });

  it("serves HTTPS and gossips over TLS: both flags, HTTPS probes, no UDP mesh port anywhere", () => {
    expect(container?.args).toContain(`--web.config.file=${TLS_CONFIG.webFile}`);
    expect(container?.args).toContain(`--cluster.tls-config=${TLS_CONFIG.clusterFile}`);
    expect(container?.readinessProbe.httpGet.scheme).toBe("HTTPS");
    expect(container?.livenessProbe.httpGet.scheme).toBe("HTTPS");
    const udp = (ports: { protocol?: string }[] = []) => ports.filter((p) => p.protocol === "UDP");
    expect(udp(container?.ports)).toEqual([]);
    const headless = byKind(rendered, "Service", "alertmanager-headless") as unknown as {
      spec: { ports: { protocol?: string }[] };
    };
    expect(udp(headless.spec.ports)).toEqual([]);
    const policy = byKind(rendered, "NetworkPolicy") as unknown as {
      spec: { ingress: { ports?: { protocol?: string }[] }[] };
    };
    expect(policy.spec.ingress.flatMap((r) => udp(r.ports))).toEqual([]);
  });

  it("gossip requires a client certificate and verifies peers by the headless host; HTTP verifies one when given", () => {
    const tlsConfig = byKind(rendered, "ConfigMap", "alertmanager-tls") as unknown as {
      data: Record<string, string>;
    };
    const cluster = parse(tlsConfig.data["cluster.yaml"] ?? "");
    expect(cluster.tls_server_config.client_auth_type).toBe("RequireAndVerifyClientCert");
    expect(cluster.tls_client_config.server_name).toBe(
      "alertmanager-headless.monitoring.svc.cluster.local",
    );
    expect(parse(tlsConfig.data["web.yaml"] ?? "").tls_server_config.client_auth_type).toBe(
      "VerifyClientCertIfGiven",
    );
  });

  it("publishes https URLs and a scrape that verifies and presents certificates", () => {
    for (const url of [endpoints.url, ...endpoints.replicaUrls]) expect(url).toMatch(/^https:/);
    expect(endpoints.dnsSrvUrl).toMatch(/^dnssrv\+https:/);
    expect(endpoints.scrapeTargets[0]).toMatchObject({
      scheme: "https",
      tls: {
        caFile: INTERNAL_TLS.ca,
        certFile: INTERNAL_TLS.cert,
        serverName: endpoints.tlsServerName,
      },
    });
  });

  it("without internal TLS renders neither the certificate nor any TLS flag", () => {
    const plain = alertmanager(values).objects;
    expect(plain.some((o) => o.kind === "Certificate")).toBe(false);
    expect(JSON.stringify(plain)).not.toContain("tls");
  });
});

describe("two real Alertmanager processes (Debian 0.25) on loopback with the rendered TLS files", () => {
  it("form one cluster over mutual TLS gossip and replicate a silence from a to b", async () => {
    const [a, b] = peers as [Peer, Peer];
    const now = Date.now();
    const created = await get(a, "/api/v2/silences", leaf, {
      method: "POST",
      body: {
        matchers: [{ name: "alertname", value: "TlsGossip", isRegex: false, isEqual: true }],
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        createdBy: "internal-tls test",
        comment: "replicated over TLS",
      },
    });
    expect(created.status).toBe(200);
    const id = (JSON.parse(created.body) as { silenceID: string }).silenceID;
    await waitFor(
      "the silence on b",
      async () => {
        const response = await get(b, `/api/v2/silence/${id}`, leaf);
        return response.status === 200 ? response : undefined;
      },
      10_000,
    );
  });

  it("serves the API over HTTPS with or without a client certificate (probes carry none), and refuses plain HTTP", async () => {
    const [a] = peers as [Peer];
    expect((await get(a, "/-/ready", leaf)).status).toBe(200);
    expect((await get(a, "/-/ready", undefined)).status).toBe(200);
    const plain = await fetch(`http://127.0.0.1:${a.web}/-/ready`).then(
      (r) => r.status,
      () => 0,
    );
    expect(plain).not.toBe(200);
  });

  it("refuses an HTTP client whose certificate another CA signed", async () => {
    const [a] = peers as [Peer];
    const stranger = foreign.issue([endpoints.tlsServerName]);
    await expect(get(a, "/-/ready", stranger)).rejects.toThrow();
  });

  it("the gossip port admits the stack's certificate and refuses none or a stranger's", async () => {
    const [a] = peers as [Peer];
    expect(await handshake(a.cluster, leaf, ca.cert)).toBe(true);
    expect(await handshake(a.cluster, undefined, ca.cert)).toBe(false);
    expect(await handshake(a.cluster, foreign.issue([endpoints.tlsServerName]), ca.cert)).toBe(
      false,
    );
  });
});
