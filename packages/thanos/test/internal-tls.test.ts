/**
 * Issue 19, point 4: Thanos under the stack's internal mutual TLS
 * (`BuildContext.internalTls`). No Thanos binary runs here, so the flags are
 * checked against Thanos v0.42.4's own flag reference (the `--help` output its
 * docs carry, vendored as a fixture), the config files against the structs of
 * that tag, the web config with the real promtool, and the gateway's upstream
 * TLS with the real nginx against HTTPS servers that demand a client
 * certificate from a test CA.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type BuildContext,
  type Container,
  defaultBuildContext,
  INTERNAL_TLS,
  isWorkload,
  type KubeObject,
  ValuesError,
} from "@materialize-monitoring/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  HTPASSWD_PASSWORD,
  htpasswdLine,
  nginxBinary,
  runNginx,
} from "../../../test-support/nginx.js";
import { TEST_INTERNAL_TLS, type TestCa, testCa } from "../../../test-support/tls.js";
import { type ThanosValues, thanos, thanosEndpoints } from "../src/index.js";
import { configMapData, S3, yaml } from "./helpers.js";

const REFERENCE = JSON.parse(
  readFileSync(new URL("./fixtures/thanos-v0.42.4-flags.json", import.meta.url), "utf8"),
) as { flags: Record<string, string[]>; documentedHidden: Record<string, string[] | string> };

const TLS_CTX: BuildContext = defaultBuildContext({ internalTls: TEST_INTERNAL_TLS });

const AM_SRV = "_http-web._tcp.alertmanager-headless.monitoring.svc.cluster.local";
const FULL: ThanosValues = {
  objectStorage: S3,
  ruler: { alertmanagers: [{ srv: AM_SRV, internalTls: true }] },
  gateway: {
    externalAccess: { enabled: true, htpasswd: { name: "thanos-users", key: "users" } },
  },
};
const SPLIT: ThanosValues = {
  ...FULL,
  receive: { mode: "split", replicas: 3, replicationFactor: 3 },
};

function thanosContainers(objects: readonly KubeObject[]): { owner: string; c: Container }[] {
  return objects
    .filter(isWorkload)
    .flatMap((w) =>
      (w.spec?.template.spec?.containers ?? [])
        .filter((c) => c.args?.[0] !== undefined && c.image?.includes("thanos/thanos"))
        .map((c) => ({ owner: w.metadata.name, c })),
    );
}

function certificate(objects: readonly KubeObject[]) {
  const certs = objects.filter((o) => o.kind === "Certificate");
  expect(certs).toHaveLength(1);
  return certs[0] as unknown as {
    spec: { dnsNames: string[]; secretName: string; usages: string[]; issuerRef: unknown };
  };
}

/** Whether a certificate name (possibly `*.x`) covers `host`, as TLS clients match it. */
function covers(names: readonly string[], host: string): boolean {
  return names.some((n) =>
    n.startsWith("*.") ? host.split(".").slice(1).join(".") === n.slice(2) : n === host,
  );
}

describe("Thanos without internal TLS", () => {
  it("renders no certificate, no TLS flag and plain-HTTP probes and URLs", () => {
    const objects = thanos({ objectStorage: S3, gateway: FULL.gateway }).objects;
    expect(objects.some((o) => o.kind === "Certificate")).toBe(false);
    const text = JSON.stringify(objects);
    expect(text).not.toContain("tls");
    expect(text).not.toContain("HTTPS");
    expect(thanosEndpoints({ objectStorage: S3 }).promqlUrl).toMatch(/^http:/);
  });

  it("refuses an Alertmanager target that asks for internal TLS, naming the path", () => {
    expect(() => thanos(FULL)).toThrow(ValuesError);
    expect(() => thanos(FULL)).toThrow(/thanos\.ruler\.alertmanagers\[0\]\.internalTls/);
    expect(() => thanos(FULL)).toThrow(/turn global\.internalTls on/);
  });
});

describe("Thanos under internal TLS", () => {
  for (const [label, values] of [
    ["receive with its own hashring", FULL],
    ["receive split into routers and ingestors", SPLIT],
  ] as const) {
    describe(label, () => {
      const built = thanos(values, TLS_CTX);
      const containers = thanosContainers(built.objects);

      it("uses only flags Thanos v0.42.4 documents for each subcommand (upstream reference)", () => {
        expect(containers.length).toBeGreaterThanOrEqual(6);
        for (const { owner, c } of containers) {
          const [command, ...args] = c.args ?? [];
          const hidden = REFERENCE.documentedHidden[command as string];
          const known = new Set([
            ...(REFERENCE.flags[command as string] ?? []),
            ...(Array.isArray(hidden) ? hidden : []),
          ]);
          expect(known.size, `${owner}: ${command}`).toBeGreaterThan(0);
          for (const arg of args) {
            const name = arg.replace(/^--/, "").split("=")[0] as string;
            expect(known.has(name), `${owner}: ${command} ${arg}`).toBe(true);
          }
        }
      });

      it("serves HTTPS on every role, and gRPC and remote write with a client certificate required", () => {
        for (const { owner, c } of containers) {
          const args = c.args ?? [];
          expect(args, owner).toContain("--http.config=/etc/thanos/web/web.yaml");
          if (args.some((a) => a.startsWith("--grpc-address="))) {
            expect(args, owner).toEqual(
              expect.arrayContaining([
                `--grpc-server-tls-cert=${INTERNAL_TLS.cert}`,
                `--grpc-server-tls-key=${INTERNAL_TLS.key}`,
                `--grpc-server-tls-client-ca=${INTERNAL_TLS.ca}`,
              ]),
            );
          }
          if (args.some((a) => a.startsWith("--remote-write.address="))) {
            expect(args, owner).toEqual(
              expect.arrayContaining([
                `--remote-write.server-tls-cert=${INTERNAL_TLS.cert}`,
                `--remote-write.server-tls-client-ca=${INTERNAL_TLS.ca}`,
              ]),
            );
          }
          // Whoever forwards writes (a hashring holder) dials its peers with TLS.
          if (args.some((a) => a.startsWith("--receive.hashrings-file="))) {
            expect(args, owner).toContain("--remote-write.client-tls-secure");
            expect(args, owner).toContain(
              "--remote-write.client-server-name=thanos-query.monitoring.svc.cluster.local",
            );
          }
          for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
            if (probe) expect(probe.httpGet?.scheme, owner).toBe("HTTPS");
          }
          expect(c.volumeMounts, owner).toEqual(
            expect.arrayContaining([
              { name: "internal-tls", mountPath: INTERNAL_TLS.dir, readOnly: true },
              { name: "web-config", mountPath: "/etc/thanos/web", readOnly: true },
            ]),
          );
        }
      });

      it("asks cert-manager for one certificate naming every Service and every pod a client dials", () => {
        const cert = certificate(built.objects);
        expect(cert.spec.secretName).toBe("thanos-internal-tls");
        expect(cert.spec.usages).toEqual(["digital signature", "server auth", "client auth"]);
        expect(cert.spec.issuerRef).toEqual(TLS_CTX.internalTls?.issuerRef);
        const names = cert.spec.dnsNames;
        const services = built.objects.filter((o) => o.kind === "Service");
        for (const s of services) {
          const host = `${s.metadata.name}.monitoring.svc.cluster.local`;
          if (s.metadata.name.includes("memcached")) expect(covers(names, host)).toBe(false);
          else expect(covers(names, host), host).toBe(true);
        }
        // Hashring members are dialled by pod name; the server name clients verify is held.
        const hashring = yaml<{ endpoints: string[] }[]>(
          configMapData(built.objects, "thanos-receive-hashring")["hashrings.json"],
        );
        for (const endpoint of hashring[0]?.endpoints ?? [])
          expect(covers(names, endpoint.split(":")[0] as string), endpoint).toBe(true);
        expect(covers(names, "thanos-query.monitoring.svc.cluster.local")).toBe(true);
        // Every pod mounts the Secret the certificate writes.
        for (const w of built.objects.filter(isWorkload)) {
          if (w.metadata.name.includes("memcached")) continue;
          expect(
            w.spec?.template.spec?.volumes?.some(
              (v) => v.secret?.secretName === "thanos-internal-tls",
            ),
            w.metadata.name,
          ).toBe(true);
        }
      });

      it("dials its peers with the stack's CA and its own certificate, keys as Thanos's structs read them", () => {
        const sd = yaml<Record<string, unknown>>(
          configMapData(built.objects, "thanos-query-endpoints")["endpoints.yaml"],
        );
        // cmd/thanos/endpointset.go at v0.42.4: clientConfig{tls_config, server_name, compression}.
        expect(sd.default_client_config).toEqual({
          tls_config: {
            enabled: true,
            cert_file: INTERNAL_TLS.cert,
            key_file: INTERNAL_TLS.key,
            ca_file: INTERNAL_TLS.ca,
          },
          server_name: "thanos-query.monitoring.svc.cluster.local",
        });
        // pkg/exthttp/tlsconfig.go: ca_file, cert_file, key_file, server_name, insecure_skip_verify.
        const exthttp = new Set([
          "ca_file",
          "cert_file",
          "key_file",
          "server_name",
          "insecure_skip_verify",
        ]);
        const tripper = yaml<{ tls_config: Record<string, string> }>(
          configMapData(built.objects, "thanos-query-frontend-config")["downstream-tripper.yaml"],
        );
        expect(Object.keys(tripper.tls_config).every((k) => exthttp.has(k))).toBe(true);
        expect(tripper.tls_config.server_name).toBe("thanos-query.monitoring.svc.cluster.local");
        const frontendArgs =
          containers.find((x) => x.c.args?.[0] === "query-frontend")?.c.args ?? [];
        expect(frontendArgs).toContain(
          "--query-frontend.downstream-url=https://thanos-query.monitoring.svc.cluster.local:10902",
        );
        const ruler = configMapData(built.objects, "thanos-ruler-config");
        const query = yaml<
          { scheme: string; http_config: { tls_config: Record<string, string> } }[]
        >(ruler["query.yaml"]);
        expect(query[0]?.scheme).toBe("https");
        expect(
          Object.keys(query[0]?.http_config.tls_config ?? {}).every((k) => exthttp.has(k)),
        ).toBe(true);
        const am = yaml<{
          alertmanagers: { scheme: string; http_config: { tls_config: Record<string, string> } }[];
        }>(ruler["alertmanagers.yaml"]).alertmanagers[0];
        expect(am?.scheme).toBe("https");
        // SRV targets resolve to pod addresses: the headless Service's host is what is verified.
        expect(am?.http_config.tls_config.server_name).toBe(
          "alertmanager-headless.monitoring.svc.cluster.local",
        );
      });
    });
  }

  it("publishes https URLs and a scrape that verifies and presents certificates", () => {
    const e = thanosEndpoints({ objectStorage: S3 }, TLS_CTX);
    for (const url of [e.remoteWriteUrl, e.promqlUrl, e.queryUrl, e.rulerUrl])
      expect(url).toMatch(/^https:\/\//);
    expect(e.scrapeTargets[0]).toMatchObject({
      scheme: "https",
      tls: {
        insecureSkipVerify: false,
        serverName: "thanos-query.monitoring.svc.cluster.local",
        caFile: INTERNAL_TLS.ca,
        certFile: INTERNAL_TLS.cert,
        keyFile: INTERNAL_TLS.key,
      },
    });
    expect(thanos({ objectStorage: S3 }, TLS_CTX).endpoints).toEqual(e);
  });

  it("keeps a static extra StoreAPI plain and refuses one found by DNS, naming the path", () => {
    const sd = yaml<{ endpoints: Record<string, unknown>[] }>(
      configMapData(
        thanos(
          { objectStorage: S3, query: { extraEndpoints: ["other.example.com:10901"] } },
          TLS_CTX,
        ).objects,
        "thanos-query-endpoints",
      )["endpoints.yaml"],
    );
    expect(sd.endpoints.at(-1)).toEqual({
      address: "other.example.com:10901",
      client_config: { tls_config: { enabled: false } },
    });
    const dynamic = () =>
      thanos(
        {
          objectStorage: S3,
          query: { extraEndpoints: ["x:1", "dnssrv+_grpc._tcp.other.example.com"] },
        },
        TLS_CTX,
      );
    expect(dynamic).toThrow(/thanos\.query\.extraEndpoints\[1\]/);
    expect(dynamic).toThrow(/use a static host:port/);
  });
});

describe("the web config under the real promtool", () => {
  let ca: TestCa;
  let dir: string;
  beforeAll(() => {
    ca = testCa();
    dir = mkdtempSync(join(tmpdir(), "thanos-web-"));
  });
  afterAll(() => {
    ca.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is a valid exporter-toolkit web config with the certificate cert-manager writes", () => {
    const web = configMapData(thanos(FULL, TLS_CTX).objects, "thanos-web-config")["web.yaml"] ?? "";
    ca.writeMount(dir, ca.issue(["thanos-query.monitoring.svc.cluster.local"]));
    const file = join(dir, "web.yaml");
    writeFileSync(file, web.replaceAll(`${INTERNAL_TLS.dir}/`, `${dir}/`));
    // promtool reports on stderr; a refusal exits non-zero.
    expect(
      execFileSync("promtool", ["check", "web-config", file], { stdio: "pipe", encoding: "utf8" }),
    ).toBe("");
    expect(() =>
      execFileSync("promtool", ["check", "web-config", file], { stdio: "pipe" }),
    ).not.toThrow();
    // The check can fail: a misspelt key is refused.
    writeFileSync(
      file,
      web.replace("client_auth_type", "client_auth").replaceAll(`${INTERNAL_TLS.dir}/`, `${dir}/`),
    );
    expect(() =>
      execFileSync("promtool", ["check", "web-config", file], { stdio: "pipe" }),
    ).toThrow();
  });
});

describe.skipIf(!nginxBinary)(
  "the Thanos gateway's upstream mutual TLS under the real nginx",
  () => {
    let ca: TestCa;
    let other: TestCa;
    const servers: Server[] = [];
    const running: { stop(): Promise<void> }[] = [];
    let seenClientCert: string | undefined;

    /** An HTTPS upstream that requires a client certificate from `ca` and answers with its subject. */
    async function upstream(serverCa: TestCa, host: string): Promise<number> {
      const leaf = serverCa.issue([host]);
      const server = createServer(
        {
          cert: leaf.cert,
          key: leaf.key,
          ca: ca.cert,
          requestCert: true,
          rejectUnauthorized: true,
        },
        (req, res) => {
          const peer = (req.socket as import("node:tls").TLSSocket).getPeerCertificate();
          seenClientCert = peer.subjectaltname;
          res.end(JSON.stringify({ url: req.url }));
        },
      );
      servers.push(server);
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      return (server.address() as AddressInfo).port;
    }

    async function gateway(receivePort: number, frontendPort: number) {
      const conf = (
        configMapData(thanos(FULL, TLS_CTX).objects, "thanos-gateway")["nginx.conf"] ?? ""
      )
        .replace("thanos-receive.monitoring.svc.cluster.local:19291", `127.0.0.1:${receivePort}`)
        .replace(
          "thanos-query-frontend.monitoring.svc.cluster.local:10902",
          `127.0.0.1:${frontendPort}`,
        );
      const client = ca.issue(["thanos-gateway.monitoring.svc.cluster.local"]);
      const nginx = await runNginx(conf, {
        files: {
          htpasswd: `${htpasswdLine("cluster-a")}\n`,
          "tls.crt": client.cert,
          "tls.key": client.key,
          "ca.crt": ca.cert,
        },
        rewrite: (text, d) =>
          text.replaceAll("/etc/nginx-auth/", `${d}/`).replaceAll(`${INTERNAL_TLS.dir}`, d),
      });
      running.push(nginx);
      return nginx.ports[8081] as number;
    }

    beforeAll(() => {
      ca = testCa();
      other = testCa("another-ca");
    });
    afterAll(async () => {
      await Promise.all(running.map((n) => n.stop()));
      for (const s of servers) await new Promise((r) => s.close(r));
      ca.remove();
      other.remove();
    });

    const auth = {
      authorization: `Basic ${Buffer.from(`cluster-a:${HTPASSWD_PASSWORD}`).toString("base64")}`,
    };
    /** A remote write and a PromQL read through the gateway on `port`. */
    const calls = async (port: number) => ({
      write: await fetch(`http://127.0.0.1:${port}/api/v1/receive`, {
        method: "POST",
        body: "x",
        headers: auth,
      }),
      read: await fetch(`http://127.0.0.1:${port}/api/v1/query?query=up`, { headers: auth }),
    });

    it("reaches receive and the frontend over TLS, verified by name, presenting its certificate", async () => {
      const port = await gateway(
        await upstream(ca, "thanos-receive.monitoring.svc.cluster.local"),
        await upstream(ca, "thanos-query-frontend.monitoring.svc.cluster.local"),
      );
      const { write, read } = await calls(port);
      expect(write.status).toBe(200);
      expect(seenClientCert).toBe("DNS:thanos-gateway.monitoring.svc.cluster.local");
      expect(await read.json()).toEqual({ url: "/api/v1/query?query=up" });
    }, 30_000);

    it("refuses an upstream whose certificate another CA signed, or that holds another name", async () => {
      const port = await gateway(
        await upstream(other, "thanos-receive.monitoring.svc.cluster.local"),
        await upstream(ca, "thanos-query.monitoring.svc.cluster.local"),
      );
      const { write, read } = await calls(port);
      expect(write.status).toBe(502);
      expect(read.status).toBe(502);
    }, 30_000);
  },
);
