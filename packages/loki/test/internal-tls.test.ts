/**
 * Loki under the stack's internal TLS (`BuildContext.internalTls`). No Loki
 * binary runs here, so the config is checked against the strict schema of
 * the keys this package writes (each spelled as in Loki v3.7.6's
 * configuration reference, docs/sources/shared/configuration.md, read for
 * this change) and by targeted assertions; the gateway's TLS runs under the
 * real nginx against HTTPS upstreams that demand a client certificate.
 */
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import {
  type BuildContext,
  defaultBuildContext,
  INTERNAL_TLS,
  type KubeObject,
} from "@materialize-monitoring/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { nginxBinary, runNginx } from "../../../test-support/nginx.js";
import { httpsRequest, TEST_INTERNAL_TLS, type TestCa, testCa } from "../../../test-support/tls.js";
import { type LokiValues, loki, lokiConfigSchema } from "../src/index.js";
import { configText, find, findAll, S3, thrown } from "./helpers.js";

const TLS_CTX: BuildContext = defaultBuildContext({ internalTls: TEST_INTERNAL_TLS });
const NAME = "loki-memberlist.monitoring.svc.cluster.local";
const AM_URLS = ["https://alertmanager-0.alertmanager-headless.monitoring.svc.cluster.local:9093"];
const MODES: [string, LokiValues][] = [
  [
    "simple-scalable with the query-frontend and caches",
    {
      size: "medium",
      storage: S3,
      queryFrontend: { enabled: true },
      ruler: { alertmanagerUrls: AM_URLS, alertmanagerInternalTls: true },
    } as LokiValues,
  ],
  [
    "single-binary",
    {
      mode: "single-binary",
      size: "small",
      ruler: { alertmanagerUrls: AM_URLS, alertmanagerInternalTls: true },
    },
  ],
];

type Pod = {
  spec: {
    template: {
      spec: {
        containers: {
          name: string;
          readinessProbe?: { httpGet?: { scheme: string } };
          livenessProbe?: { httpGet?: { scheme: string } };
          lifecycle?: { preStop?: { httpGet?: { scheme?: string } } };
          volumeMounts: { name: string; mountPath: string }[];
        }[];
        volumes: { name: string; secret?: { secretName: string } }[];
      };
    };
  };
};
const workloads = (objects: KubeObject[]) =>
  [...findAll(objects, "Deployment"), ...findAll(objects, "StatefulSet")] as unknown as (Pod &
    KubeObject)[];
const isCache = (o: KubeObject) => /cache/.test(o.metadata.name ?? "");

/** Every `grpc_client` block in the config, by its path. */
function grpcClients(config: Record<string, unknown>): [string, Record<string, unknown>][] {
  const found: [string, Record<string, unknown>][] = [];
  const walk = (value: unknown, path: string) => {
    if (!value || typeof value !== "object" || Array.isArray(value)) return;
    const record = value as Record<string, unknown>;
    if ("tls_enabled" in record) found.push([path, record]);
    for (const [key, child] of Object.entries(record)) walk(child, path ? `${path}.${key}` : key);
  };
  walk(config, "");
  return found;
}

describe("Loki without internal TLS", () => {
  it("renders no certificate, no TLS key, and plain-HTTP URLs", () => {
    const plain = loki({ size: "medium", storage: S3 });
    expect(plain.objects.some((o) => o.kind === "Certificate")).toBe(false);
    expect(configText(plain)).not.toMatch(/tls/);
    expect(plain.endpoints.pushUrl).toMatch(/^http:\/\//);
    expect(plain.endpoints.tlsServerName).toBeUndefined();
  });

  it("refuses ruler.alertmanagerInternalTls, naming the path and the fix", () => {
    const error = thrown(() =>
      loki({
        mode: "single-binary",
        ruler: { alertmanagerUrls: AM_URLS, alertmanagerInternalTls: true },
      }),
    );
    expect(error.message).toMatch(/loki\.ruler\.alertmanagerInternalTls/);
    expect(error.message).toMatch(/turn global\.internalTls on/);
  });
});

describe("Loki under internal TLS", () => {
  for (const [label, values] of MODES) {
    describe(label, () => {
      const component = loki(values, TLS_CTX);
      const config = parse(configText(component)) as Record<string, Record<string, unknown>>;

      it("writes only keys the strict schema of Loki 3.7's reference knows", () => {
        expect(() => lokiConfigSchema.parse(config)).not.toThrow();
      });

      it("serves HTTP (client certificate verified when given) and gRPC (required) with Loki's certificate", () => {
        expect(config.server).toMatchObject({
          tls_min_version: "VersionTLS13",
          http_tls_config: {
            cert_file: INTERNAL_TLS.cert,
            key_file: INTERNAL_TLS.key,
            client_ca_file: INTERNAL_TLS.ca,
            client_auth_type: "VerifyClientCertIfGiven",
          },
          grpc_tls_config: { client_auth_type: "RequireAndVerifyClientCert" },
        });
      });

      it("dials every gRPC peer with TLS, its certificate and the shared name; the compactor over gRPC", () => {
        const clients = grpcClients(config);
        expect(clients.map(([path]) => path).sort()).toEqual(
          [
            "compactor_grpc_client",
            "frontend.grpc_client_config",
            "frontend_worker.grpc_client_config",
            "ingester_client.grpc_client_config",
            "query_scheduler.grpc_client_config",
            "ruler.ruler_client",
            "storage_config.tsdb_shipper.index_gateway_client.grpc_client_config",
            ...(values.mode === "single-binary" ? [] : ["memberlist"]),
          ].sort(),
        );
        for (const [path, client] of clients) {
          expect(client, path).toMatchObject({
            tls_enabled: true,
            tls_cert_path: INTERNAL_TLS.cert,
            tls_key_path: INTERNAL_TLS.key,
            tls_ca_path: INTERNAL_TLS.ca,
            tls_server_name: NAME,
          });
        }
        expect(config.common?.compactor_address).toBeUndefined();
        expect(config.common?.compactor_grpc_address).toMatch(/:9095$/);
      });

      it("sends alerts to the Alertmanager with its certificate, verifying each replica by its URL's host", () => {
        const client = (config.ruler as Record<string, Record<string, unknown>>)
          .alertmanager_client;
        expect(client).toEqual({
          tls_cert_path: INTERNAL_TLS.cert,
          tls_key_path: INTERNAL_TLS.key,
          tls_ca_path: INTERNAL_TLS.ca,
          tls_min_version: "VersionTLS13",
        });
      });

      it("mounts the certificate in every Loki pod and the gateway, none in memcached; probes and preStop are HTTPS", () => {
        for (const w of workloads(component.objects)) {
          const pod = w.spec.template.spec;
          const mounted = (pod.volumes ?? []).some(
            (v) => v.secret?.secretName === "loki-internal-tls",
          );
          expect(mounted, w.metadata.name).toBe(!isCache(w));
          if (isCache(w)) continue;
          const main = pod.containers[0];
          expect(main?.volumeMounts).toContainEqual(
            expect.objectContaining({ name: INTERNAL_TLS.volume, mountPath: INTERNAL_TLS.dir }),
          );
          expect(main?.readinessProbe?.httpGet?.scheme, w.metadata.name).toBe("HTTPS");
          const preStop = main?.lifecycle?.preStop?.httpGet;
          if (preStop) expect(preStop.scheme).toBe("HTTPS");
        }
      });

      it("asks cert-manager for one certificate naming every Loki Service (not memcached's) and the shared name", () => {
        const cert = find<{ spec: { dnsNames: string[]; secretName: string } }>(
          component.objects,
          "Certificate",
          "loki-internal-tls",
        );
        expect(cert.spec.dnsNames).toContain(NAME);
        const services = findAll(component.objects, "Service").filter((s) => !isCache(s));
        for (const s of services) {
          expect(cert.spec.dnsNames).toContain(`${s.metadata.name}.monitoring.svc.cluster.local`);
        }
        expect(cert.spec.dnsNames.some((n) => n.includes("cache"))).toBe(false);
      });

      it("publishes https URLs and a scrape that verifies and presents certificates", () => {
        const e = component.endpoints;
        for (const url of [e.pushUrl, e.otlpUrl, e.queryUrl, e.rulerApiUrl])
          expect(url).toMatch(/^https:\/\//);
        expect(e.tlsServerName).toBe(NAME);
        expect(e.scrapeTargets[0]).toMatchObject({
          scheme: "https",
          tls: { serverName: NAME, caFile: INTERNAL_TLS.ca, certFile: INTERNAL_TLS.cert },
        });
      });
    });
  }
});

describe.skipIf(!nginxBinary)("the Loki gateway's internal TLS under the real nginx", () => {
  let ca: TestCa;
  let other: TestCa;
  const servers: Server[] = [];
  const running: { stop(): Promise<void> }[] = [];
  let seenClientCert: string | undefined;
  const component = loki({ size: "medium", storage: S3 }, TLS_CTX);
  const conf =
    find<{ data: Record<string, string> }>(component.objects, "ConfigMap", "loki-gateway").data[
      "nginx.conf"
    ] ?? "";

  /** An HTTPS upstream that requires a client certificate from the stack's CA. */
  async function upstream(serverCa: TestCa, host: string): Promise<number> {
    const leaf = serverCa.issue([host]);
    const server = createServer(
      { cert: leaf.cert, key: leaf.key, ca: ca.cert, requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        seenClientCert = (req.socket as TLSSocket).getPeerCertificate().subjectaltname;
        res.end(JSON.stringify({ url: req.url }));
      },
    );
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return (server.address() as AddressInfo).port;
  }

  /** The rendered gateway with every target's upstream at `port`, its certificate Loki's. */
  async function gateway(port: number): Promise<number> {
    const leaf = ca.issue(
      find<{ spec: { dnsNames: string[] } }>(component.objects, "Certificate", "loki-internal-tls")
        .spec.dnsNames,
    );
    const nginx = await runNginx(
      conf.replace(
        /server loki-[a-z-]+\.monitoring\.svc\.cluster\.local:3100;/g,
        `server 127.0.0.1:${port};`,
      ),
      {
        files: { "tls.crt": leaf.cert, "tls.key": leaf.key, "ca.crt": ca.cert },
        rewrite: (text, d) => text.replaceAll(INTERNAL_TLS.dir, d),
      },
    );
    running.push(nginx);
    return nginx.ports[8080] as number;
  }

  /** A request to the gateway over TLS verified by the gateway's name, with `client` or no certificate. */
  async function call(port: number, path: string, client?: { cert: string; key: string }) {
    return httpsRequest({
      port,
      path,
      ca: ca.cert,
      servername: "loki-gateway.monitoring.svc.cluster.local",
      ...(client ? { client } : {}),
    });
  }

  beforeAll(() => {
    ca = testCa();
    other = testCa("another-ca");
  });
  afterAll(async () => {
    await Promise.all(running.map((n) => n.stop()));
    for (const s of servers) await new Promise((r) => s.close(r));
    ca?.remove();
    other?.remove();
  });

  it("serves TLS with Loki's certificate, answers the probes' path without a client certificate, and refuses plain HTTP", async () => {
    const port = await gateway(await upstream(ca, NAME));
    expect((await call(port, "/")).status).toBe(200);
    const plain = await fetch(`http://127.0.0.1:${port}/`).then(
      (r) => r.status,
      () => 0,
    );
    expect(plain).toBe(400);
  }, 30_000);

  it("proxies a query to the target over TLS, verified by the shared name, presenting Loki's certificate", async () => {
    const port = await gateway(await upstream(ca, NAME));
    const client = ca.issue(["grafana-datasources"]);
    const response = await call(port, "/loki/api/v1/labels", client);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ url: "/loki/api/v1/labels" });
    expect(seenClientCert).toContain(`DNS:${NAME}`);
  }, 30_000);

  it("refuses a client certificate another CA signed, and an upstream that is not Loki's", async () => {
    const port = await gateway(await upstream(ca, NAME));
    const stranger = other.issue(["grafana-datasources"]);
    expect((await call(port, "/loki/api/v1/labels", stranger)).status).toBe(400);
    const impostor = await gateway(await upstream(other, NAME));
    expect((await call(impostor, "/loki/api/v1/labels")).status).toBe(502);
  }, 30_000);
});
