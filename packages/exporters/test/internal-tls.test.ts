/**
 * kube-state-metrics and node-exporter under the stack's internal TLS: the
 * exporter-toolkit web config each serves with a certificate of its own.
 * node-exporter is then run for real (Debian's prometheus-node-exporter 1.5;
 * `--web.config.file` and these keys are the same in v1.12.1, whose
 * exporter-toolkit docs/web-configuration.md was read for this test) with the
 * rendered flags and web config, and the test CA's certificates.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type BuildContext,
  type Container,
  defaultBuildContext,
  INTERNAL_TLS,
  type KubeObject,
} from "@materialize-monitoring/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../test-support/nginx.js";
import {
  httpsRequest,
  TEST_INTERNAL_TLS,
  type TestCa,
  type TestLeaf,
  testCa,
} from "../../../test-support/tls.js";
import { kubeStateMetrics, nodeExporter } from "../src/index.js";
import { find, mainContainer, podSpec, valuesErrorOf } from "./helpers.js";

const TLS_CTX: BuildContext = defaultBuildContext({ internalTls: TEST_INTERNAL_TLS });
const BINARY = process.env.NODE_EXPORTER_BINARY ?? "/usr/bin/prometheus-node-exporter";
const DEBIAN = { image: { tag: "v1.5.0" }, nodeExporterVersion: "1.5" } as const;

type Cert = { spec: { dnsNames: string[]; secretName: string } };
const webConfig = (objects: KubeObject[], name: string) =>
  find<{ data: Record<string, string> }>(objects, "ConfigMap", name).data["web.yaml"] ?? "";

describe.each([
  {
    name: "kube-state-metrics",
    render: (ctx?: BuildContext) => kubeStateMetrics({}, ctx),
    flag: "--tls-config=/etc/exporter-web/web.yaml",
    host: "kube-state-metrics.monitoring.svc.cluster.local",
  },
  {
    name: "node-exporter",
    render: (ctx?: BuildContext) => nodeExporter({}, ctx),
    flag: "--web.config.file=/etc/exporter-web/web.yaml",
    host: "node-exporter.monitoring.svc.cluster.local",
  },
])("$name under internal TLS", ({ name, render, flag, host }) => {
  const component = render(TLS_CTX);

  it("asks cert-manager for a certificate holding the name scrapers verify, and serves it", () => {
    const cert = find<Cert>(component.objects, "Certificate", `${name}-internal-tls`);
    expect(cert.spec.dnsNames).toEqual([host]);
    expect(mainContainer(component.objects).args).toContain(flag);
    expect(webConfig(component.objects, `${name}-web-config`)).toBe(
      [
        "tls_server_config:",
        `  cert_file: ${INTERNAL_TLS.cert}`,
        `  key_file: ${INTERNAL_TLS.key}`,
        `  client_ca_file: ${INTERNAL_TLS.ca}`,
        "  client_auth_type: VerifyClientCertIfGiven",
        "  min_version: TLS13",
        "",
      ].join("\n"),
    );
    expect(podSpec(component.objects).volumes).toContainEqual({
      name: INTERNAL_TLS.volume,
      secret: { secretName: `${name}-internal-tls` },
    });
  });

  it("probes over HTTPS and publishes a scrape that verifies and presents certificates", () => {
    const main = mainContainer(component.objects) as Container;
    expect(main.readinessProbe?.httpGet?.scheme).toBe("HTTPS");
    expect(main.livenessProbe?.httpGet?.scheme).toBe("HTTPS");
    for (const target of component.endpoints.scrapeTargets) {
      expect(target).toMatchObject({
        scheme: "https",
        tls: { serverName: host, caFile: INTERNAL_TLS.ca, certFile: INTERNAL_TLS.cert },
      });
    }
  });

  it("renders none of it without internal TLS", () => {
    const plain = render();
    expect(plain.objects.some((o) => o.kind === "Certificate")).toBe(false);
    expect(JSON.stringify(plain.objects)).not.toContain("web.yaml");
  });
});

describe("an exporter in another namespace under the stack's own (namespaced) Issuer", () => {
  it("is refused, naming the namespace path and the fix", () => {
    const message = valuesErrorOf(() => nodeExporter({ namespace: "monitoring-agents" }, TLS_CTX));
    expect(message).toMatch(/node-exporter\.namespace/);
    expect(message).toMatch(/give global\.internalTls\.issuerRef a ClusterIssuer/);
  });

  it("is accepted with a ClusterIssuer, the certificate beside the pods", () => {
    const ctx = defaultBuildContext({
      internalTls: {
        ...(TLS_CTX.internalTls as NonNullable<BuildContext["internalTls"]>),
        issuerRef: { name: "corp-ca", kind: "ClusterIssuer", group: "cert-manager.io" },
      },
    });
    const objects = nodeExporter({ namespace: "monitoring-agents" }, ctx).objects;
    const cert = find<Cert & KubeObject>(objects, "Certificate", "node-exporter-internal-tls");
    expect(cert.metadata.namespace).toBe("monitoring-agents");
  });
});

describe.skipIf(!existsSync(BINARY))(
  "a real node-exporter (Debian 1.5) with the rendered web config",
  () => {
    let ca: TestCa;
    let stranger: TestCa;
    let leaf: TestLeaf;
    let child: ChildProcess | undefined;
    let port = 0;
    let log = "";
    const dir = mkdtempSync(join(tmpdir(), "node-exporter-tls-"));
    const component = nodeExporter(DEBIAN, TLS_CTX);

    /** GET /metrics over TLS with the stack's CA, presenting `client` (or nothing). */
    const get = async (client?: TestLeaf) =>
      (
        await httpsRequest({
          port,
          path: "/metrics",
          ca: ca.cert,
          servername: "node-exporter.monitoring.svc.cluster.local",
          ...(client ? { client } : {}),
        })
      ).status;

    beforeAll(async () => {
      ca = testCa();
      stranger = testCa("someone-else");
      leaf = ca.issue(
        find<Cert>(component.objects, "Certificate", "node-exporter-internal-tls").spec.dnsNames,
      );
      const mount = join(dir, "internal-tls");
      mkdirSync(mount);
      ca.writeMount(mount, leaf);
      const web = join(dir, "web.yaml");
      writeFileSync(
        web,
        find<{ data: Record<string, string> }>(
          component.objects,
          "ConfigMap",
          "node-exporter-web-config",
        ).data["web.yaml"]?.replaceAll(INTERNAL_TLS.dir, mount) ?? "",
      );
      port = await freePort();
      // The rendered flags, with the pod's paths pointed at this host and loopback.
      const args = (mainContainer(component.objects).args ?? []).map((flag) => {
        if (flag.startsWith("--web.listen-address="))
          return `--web.listen-address=127.0.0.1:${port}`;
        if (flag.startsWith("--web.config.file=")) return `--web.config.file=${web}`;
        const path = /^--path\.(procfs|sysfs|rootfs|udev\.data)=/.exec(flag)?.[1];
        if (path)
          return `--path.${path}=${{ procfs: "/proc", sysfs: "/sys", rootfs: "/", "udev.data": "/run/udev/data" }[path]}`;
        return flag;
      });
      child = spawn(BINARY, args, { stdio: ["ignore", "pipe", "pipe"] });
      child.stderr?.on("data", (c: Buffer) => {
        log += c.toString();
      });
      const deadline = Date.now() + 15_000;
      for (;;) {
        try {
          if ((await get(leaf)) === 200) break;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`node-exporter did not serve /metrics over TLS:\n${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }, 30_000);

    afterAll(() => {
      child?.kill("SIGTERM");
      ca?.remove();
      stranger?.remove();
      rmSync(dir, { recursive: true, force: true });
    });

    it("serves /metrics over TLS to the scraper's certificate, and to none (the kubelet's probes)", async () => {
      expect(await get(leaf)).toBe(200);
      expect(await get()).toBe(200);
    });

    it("refuses a client certificate another CA signed, and plain HTTP", async () => {
      await expect(get(stranger.issue(["alloy-gateway"]))).rejects.toThrow();
      const plain = await fetch(`http://127.0.0.1:${port}/metrics`).then(
        (r) => r.status,
        () => 0,
      );
      expect(plain).not.toBe(200);
    });
  },
);
