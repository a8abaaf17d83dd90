/**
 * Issue 19, Checked by: the remote-write settings the stack renders for a
 * generic destination are accepted by a real Prometheus (Debian's 2.42), as
 * far as Prometheus's own remote_write config covers them.
 *
 * The umbrella renders a realistic destination (basic auth from a Secret,
 * a header, a CA, a client certificate, a server name, TLS 1.2 at least, the
 * essential tier's filter). Its Alloy endpoint block is translated argument by
 * argument into a Prometheus remote_write entry (an argument without a
 * counterpart fails the test), `promtool check config` takes it, and a sender
 * Prometheus with it writes to a receiver Prometheus
 * (`--web.enable-remote-write-receiver`) that demands the same basic auth
 * and a client certificate over TLS. The receiver must hold the sender's
 * series, each of a metric the tier keeps, under the cluster label.
 * Everything listens on 127.0.0.1.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { dirname, join } from "node:path";
import { type Block, parse } from "@materialize-monitoring/alloy-syntax";
import type { Container, KubeObject } from "@materialize-monitoring/core";
import { loadValues, stack } from "materialize-monitoring";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  HTPASSWD_PASSWORD,
  htpasswdLine,
  selfSignedCertificate,
} from "../../test-support/nginx.js";
import {
  BINARIES,
  freePort,
  Proc,
  requireBinary,
  type TempDir,
  tempDir,
  waitFor,
} from "../src/processes.js";
import { type Env, externalLabelsOf, translateEndpoint } from "../src/remote-write.js";

const SERVER_NAME = "metrics.example.com";
/**
 * The sender scrapes itself under the job of the stack's Thanos: a source the essential tier
 * narrows to a few families, so the filter shows in what arrives.
 */
const SOURCE_JOB = "thanos";
const USER = "cluster-a";
const VALUES = {
  global: { clusterName: "prod-eu" },
  alloyGateway: {
    destinations: {
      prometheus: {
        extra: [
          {
            name: "central",
            url: `https://${SERVER_NAME}/api/v1/write`,
            headers: { "X-Source": "materialize-monitoring" },
            auth: {
              type: "basic",
              username: { name: "central-writer", key: "username" },
              password: { name: "central-writer", key: "password" },
            },
            tls: {
              ca: { name: "central-ca", key: "ca.crt" },
              clientCertificate: { secretName: "central-client" },
              serverName: SERVER_NAME,
              minVersion: "TLS12",
            },
            tier: "essential",
          },
        ],
      },
    },
  },
};

interface Rendered {
  component: Block;
  endpoint: Block;
  container: Container;
}

function render(): Rendered {
  const built = stack(loadValues({ profiles: [VALUES], files: [], sets: [] }));
  const objects = built.objects as KubeObject[];
  const configMap = objects.find(
    (o) =>
      o.kind === "ConfigMap" &&
      Object.values((o as { data?: Record<string, string> }).data ?? {}).some((t) =>
        t.includes('prometheus.remote_write "default"'),
      ),
  ) as { data: Record<string, string> } | undefined;
  const text = Object.values(configMap?.data ?? {}).find((t) =>
    t.includes("prometheus.remote_write"),
  );
  if (!text) throw new Error("no gateway config with prometheus.remote_write");
  const component = parse(text).body.find(
    (s): s is Block => s.type === "Block" && s.name === "prometheus.remote_write",
  );
  const endpoint = component?.body.find(
    (s): s is Block =>
      s.type === "Block" &&
      s.name === "endpoint" &&
      s.body.some(
        (a) =>
          a.type === "Attribute" &&
          a.name === "name" &&
          a.value.type === "String" &&
          a.value.value === "central",
      ),
  );
  const deployment = objects.find(
    (o) => o.kind === "Deployment" && o.metadata.name === "alloy-gateway",
  ) as { spec: { template: { spec: { containers: Container[] } } } } | undefined;
  const container = deployment?.spec.template.spec.containers.find((c) => c.name === "alloy");
  if (!component || !endpoint || !container)
    throw new Error("the central endpoint was not rendered");
  return { component, endpoint, container };
}

/** The Secret values the test stands in for, by Secret name and key. */
function secretsFor(dir: string) {
  const server = selfSignedCertificate(SERVER_NAME);
  const client = selfSignedCertificate("alloy-gateway");
  const secrets: Record<string, Record<string, string>> = {
    "central-writer": { username: USER, password: HTPASSWD_PASSWORD },
    "central-ca": { "ca.crt": server.cert },
    "central-client": { "tls.crt": client.cert, "tls.key": client.key },
  };
  for (const [name, data] of Object.entries(secrets))
    for (const [key, value] of Object.entries(data)) {
      const file = join(dir, "secrets", name, key);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, value, { mode: 0o600 });
    }
  return { secrets, server, client };
}

/** The container's env as the kubelet would set it, each secretKeyRef read from `secrets`. */
function envOf(container: Container, secrets: Record<string, Record<string, string>>): Env {
  const env: Env = {};
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    if (e.value !== undefined) env[e.name] = e.value;
    else if (ref?.name && ref.key) {
      const value = secrets[ref.name]?.[ref.key];
      if (value === undefined)
        throw new Error(`${e.name}: no test value for ${ref.name}/${ref.key}`);
      env[e.name] = value;
    }
  }
  return env;
}

/** A file path of the rendered config, moved from the mounted Secrets into the test's folder. */
function localPaths(value: unknown, dir: string): unknown {
  if (typeof value === "string" && value.startsWith("/etc/alloy/secrets/"))
    return join(dir, "secrets", value.slice("/etc/alloy/secrets/".length));
  if (Array.isArray(value)) return value.map((v) => localPaths(v, dir));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, localPaths(v, dir)]));
  return value;
}

describe("the stack's remote-write settings under a real Prometheus (Debian 2.42)", () => {
  const prometheus = requireBinary(BINARIES.prometheus);
  let dir: TempDir;
  let receiver: Proc | undefined;
  let sender: Proc | undefined;
  let receiverPort = 0;
  let senderPort = 0;
  let tls: ReturnType<typeof secretsFor>;
  let rendered: Rendered;
  let translated: ReturnType<typeof translateEndpoint>;
  let senderConfig = "";
  let keep: RegExp | undefined;

  beforeAll(async () => {
    dir = tempDir("remote-write");
    rendered = render();
    tls = secretsFor(dir.path);
    translated = translateEndpoint(rendered.endpoint, envOf(rendered.container, tls.secrets));
    receiverPort = await freePort();
    senderPort = await freePort();

    // The receiver: remote-write receiver behind TLS with client certificates and basic auth.
    writeFileSync(join(dir.path, "server.crt"), tls.server.cert);
    writeFileSync(join(dir.path, "server.key"), tls.server.key);
    writeFileSync(join(dir.path, "client-ca.crt"), tls.client.cert);
    writeFileSync(
      join(dir.path, "web.yml"),
      stringify({
        tls_server_config: {
          cert_file: join(dir.path, "server.crt"),
          key_file: join(dir.path, "server.key"),
          client_auth_type: "RequireAndVerifyClientCert",
          client_ca_file: join(dir.path, "client-ca.crt"),
        },
        basic_auth_users: { [USER]: htpasswdLine(USER).slice(USER.length + 1) },
      }),
    );
    writeFileSync(join(dir.path, "receiver.yml"), stringify({ global: { scrape_interval: "1m" } }));
    receiver = new Proc("receiver", prometheus, [
      `--config.file=${join(dir.path, "receiver.yml")}`,
      `--storage.tsdb.path=${join(dir.path, "receiver-data")}`,
      `--web.listen-address=127.0.0.1:${receiverPort}`,
      `--web.config.file=${join(dir.path, "web.yml")}`,
      "--web.enable-remote-write-receiver",
    ]);

    // The sender: scrapes itself and writes with the translated settings.
    const remoteWrite = localPaths(
      {
        ...translated.remoteWrite,
        url: String(translated.remoteWrite.url).replace(
          `//${SERVER_NAME}/`,
          `//127.0.0.1:${receiverPort}/`,
        ),
        // Ship batches fast: the queue settings are checked by promtool, the timing is the test's.
        queue_config: {
          ...(translated.remoteWrite.queue_config as object),
          batch_send_deadline: "1s",
        },
      },
      dir.path,
    );
    const relabel = (
      translated.remoteWrite.write_relabel_configs as
        | { action?: string; regex?: string }[]
        | undefined
    )?.find((r) => r.action === "keep");
    keep = relabel?.regex ? new RegExp(`^(?:${relabel.regex})$`) : undefined;
    senderConfig = stringify({
      global: {
        scrape_interval: "1s",
        external_labels: externalLabelsOf(rendered.component, {}),
      },
      scrape_configs: [
        { job_name: SOURCE_JOB, static_configs: [{ targets: [`127.0.0.1:${senderPort}`] }] },
      ],
      remote_write: [remoteWrite],
    });
    writeFileSync(join(dir.path, "sender.yml"), senderConfig);
    sender = new Proc("sender", prometheus, [
      `--config.file=${join(dir.path, "sender.yml")}`,
      `--storage.tsdb.path=${join(dir.path, "sender-data")}`,
      `--web.listen-address=127.0.0.1:${senderPort}`,
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([sender?.stop(), receiver?.stop()]);
    dir?.remove();
  });

  /** GET on the receiver, with the client certificate and the basic auth it demands. */
  const receiverGet = (path: string, withCredentials = true) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: receiverPort,
          path,
          servername: SERVER_NAME,
          ca: tls.server.cert,
          ...(withCredentials
            ? {
                cert: tls.client.cert,
                key: tls.client.key,
                headers: {
                  authorization: `Basic ${Buffer.from(`${USER}:${HTPASSWD_PASSWORD}`).toString("base64")}`,
                },
              }
            : {}),
          timeout: 2_000,
        },
        (res) => {
          let body = "";
          res.on("data", (chunk) => {
            body += chunk;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      req.end();
    });

  it("translates every argument of the endpoint: none without a Prometheus counterpart", () => {
    expect(translated.untranslated).toEqual([]);
    expect(translated.remoteWrite).toMatchObject({
      name: "central",
      headers: { "X-Source": "materialize-monitoring" },
      basic_auth: { username: USER, password_file: "/etc/alloy/secrets/central-writer/password" },
      tls_config: {
        ca_file: "/etc/alloy/secrets/central-ca/ca.crt",
        server_name: SERVER_NAME,
        min_version: "TLS12",
      },
    });
    expect(keep, "the essential tier filters this endpoint").toBeDefined();
  });

  it("passes promtool check config", () => {
    const out = execFileSync("promtool", ["check", "config", join(dir.path, "sender.yml")], {
      encoding: "utf8",
      stdio: "pipe",
    });
    expect(out).toContain("SUCCESS");
  });

  it("is refused by the receiver without the client certificate and credentials", async () => {
    await expect(receiverGet("/api/v1/query?query=up", false)).rejects.toThrow();
  });

  it("delivers the sender's series, only the families the tier keeps, under the cluster label", async () => {
    const names = await waitFor(
      () => `series from the sender at the receiver\n${sender?.log()}\n${receiver?.log()}`,
      async () => {
        const res = await receiverGet(
          `/api/v1/label/__name__/values?match[]=${encodeURIComponent(`{job="${SOURCE_JOB}"}`)}`,
        );
        if (res.status !== 200) return undefined;
        const list = (JSON.parse(res.body) as { data: string[] }).data;
        return list.length > 0 ? list : undefined;
      },
      45_000,
      500,
    );
    // The tier filter keys on the source (from the job) and the name, like the gateway's.
    for (const name of names) expect(keep?.test(`${SOURCE_JOB};${name}`), name).toBe(true);
    expect(names).toContain("up");
    expect(names).not.toContain("go_gc_duration_seconds");
    const clusters = await receiverGet(
      `/api/v1/label/cluster/values?match[]=${encodeURIComponent(`{job="${SOURCE_JOB}"}`)}`,
    );
    expect(JSON.parse(clusters.body).data).toEqual(["prod-eu"]);
    // Nothing the sender wrote was refused: the filter dropped the rest before sending.
    const failed = (await (
      await fetch(
        `http://127.0.0.1:${senderPort}/api/v1/query?query=${encodeURIComponent("sum(prometheus_remote_storage_samples_failed_total)")}`,
      )
    ).json()) as { data: { result: { value: [number, string] }[] } };
    expect(failed.data.result[0]?.value[1]).toBe("0");
  }, 60_000);
});
