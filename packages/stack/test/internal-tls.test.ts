/**
 * Issue 19, point 4 (in part): `global.internalTls`, mutual TLS inside the
 * stack. The umbrella's share: the issuer (its own CA or the user's), the
 * context every component reads, the clients it wires (the gateway's remote
 * write, Grafana's datasource) and cert-manager's CRDs in `validate`.
 */
import { type KubeObject, toYamlStream, ValuesError } from "@materialize-monitoring/core";
import { validateObjects } from "@materialize-monitoring/core/validate";
import { describe, expect, it } from "vitest";
import { certManagerCrds } from "../src/cert-manager.js";
import { stack } from "../src/stack.js";
import { internalTlsLine, internalTlsReport, validateStack } from "../src/validate.js";

const ON = { global: { internalTls: { enabled: true } } };

type Spec = Record<string, unknown>;
/** The text under `key` in the one ConfigMap that holds it. */
function configText(objects: readonly KubeObject[], key: string, name?: string): string {
  const found = objects.filter(
    (o) =>
      o.kind === "ConfigMap" &&
      (name === undefined || o.metadata.name === name) &&
      (o as { data?: Record<string, string> }).data?.[key],
  ) as unknown as { data: Record<string, string> }[];
  if (found.length !== 1) throw new Error(`${found.length} ConfigMaps hold ${key}`);
  return found[0]?.data[key] ?? "";
}
const byKind = (objects: readonly KubeObject[], kind: string) =>
  objects.filter((o) => o.kind === kind) as unknown as { metadata: { name: string }; spec: Spec }[];

describe("global.internalTls", () => {
  it("is off by default: no cert-manager object, and nothing of it in the render", () => {
    const objects = stack({}).objects;
    expect(objects.some((o) => o.apiVersion.startsWith("cert-manager.io/"))).toBe(false);
    expect(toYamlStream(objects)).not.toContain("internal-tls");
    expect(stack({}).context.internalTls).toBeUndefined();
  });

  it("renders the stack's own CA: a self-signed root that signs only the CA, and the CA issuer", () => {
    const built = stack(ON);
    const issuers = byKind(built.objects, "Issuer");
    expect(issuers.map((i) => [i.metadata.name, Object.keys(i.spec)]).sort()).toEqual([
      ["internal-ca", ["ca"]],
      ["internal-ca-bootstrap", ["selfSigned"]],
    ]);
    const certs = byKind(built.objects, "Certificate");
    const ca = certs.find((c) => c.metadata.name === "internal-ca");
    expect(ca?.spec).toMatchObject({
      isCA: true,
      secretName: "internal-ca",
      duration: "87600h",
      issuerRef: { name: "internal-ca-bootstrap", kind: "Issuer" },
    });
    for (const c of certs.filter((c) => c !== ca))
      expect(c.spec.issuerRef, c.metadata.name).toEqual({
        name: "internal-ca",
        kind: "Issuer",
        group: "cert-manager.io",
      });
    expect(certs.map((c) => c.metadata.name).sort()).toEqual([
      "alertmanager-internal-tls",
      "alloy-agent-internal-tls",
      "alloy-gateway-internal-tls",
      "grafana-datasources-internal-tls",
      "internal-ca",
      "kube-state-metrics-internal-tls",
      "loki-internal-tls",
      "node-exporter-internal-tls",
      "thanos-internal-tls",
    ]);
  });

  it("validates with 0 problems, the cert-manager objects against cert-manager's own CRDs", async () => {
    const built = stack(ON);
    expect((await validateStack(built)).map((p) => `${p.layer}: ${p.message}`)).toEqual([]);
    // The CRD check is live: an algorithm cert-manager does not know is refused.
    const bad = structuredClone(
      built.objects.find((o) => o.kind === "Certificate"),
    ) as KubeObject & {
      spec: { privateKey: { algorithm: string } };
    };
    bad.spec.privateKey.algorithm = "DSA";
    const problems = await validateObjects([bad], { crds: certManagerCrds() });
    expect(problems.map((p) => p.path)).toContain("/spec/privateKey/algorithm");
  });

  it("uses the user's issuer instead, and renders no CA", () => {
    const built = stack({
      global: {
        internalTls: { enabled: true, issuerRef: { name: "corp-ca", kind: "ClusterIssuer" } },
      },
    });
    expect(byKind(built.objects, "Issuer")).toEqual([]);
    for (const c of byKind(built.objects, "Certificate"))
      expect(c.spec.issuerRef).toEqual({
        name: "corp-ca",
        kind: "ClusterIssuer",
        group: "cert-manager.io",
      });
  });

  it("refuses a renewal window as long as the certificate, naming the path and the fix", () => {
    const render = () =>
      stack({ global: { internalTls: { enabled: true, duration: "720h", renewBefore: "720h" } } });
    expect(render).toThrow(ValuesError);
    expect(render).toThrow(/global\.internalTls\.renewBefore/);
    expect(render).toThrow(/lower renewBefore or raise duration/);
    expect(() => stack({ global: { internalTls: { duration: "90d" } } })).toThrow(
      /global\.internalTls\.duration.*whole number of hours/s,
    );
  });

  it("wires the gateway's remote write to Thanos with the stack's CA and the gateway's certificate", () => {
    const built = stack(ON);
    const gateway = built.objects.find(
      (o) => o.kind === "ConfigMap" && o.metadata.name === "alloy-gateway-config",
    ) as unknown as { data: Record<string, string> };
    const config = Object.values(gateway.data).join("\n");
    const secretDir = "/etc/alloy/secrets/alloy-gateway-internal-tls";
    expect(config).toMatch(
      new RegExp(
        `url\\s+=\\s+"https://thanos-receive\\.monitoring\\.svc\\.cluster\\.local:19291/api/v1/receive"[\\s\\S]*?tls_config \\{\\s+ca_file\\s+=\\s+"${secretDir}/ca.crt"\\s+cert_file\\s+=\\s+"${secretDir}/tls.crt"\\s+key_file\\s+=\\s+"${secretDir}/tls.key"`,
      ),
    );
    // The scrape of Thanos presents the certificate mounted at the shared path.
    expect(config).toMatch(/cert_file\s+=\s+"\/etc\/internal-tls\/tls.crt"/);
    expect(config).toMatch(/server_name\s+=\s+"thanos-query\.monitoring\.svc\.cluster\.local"/);
  });

  it.each([
    ["thanos", "thanos-query-frontend"],
    ["loki", "loki-gateway"],
    ["alertmanager", "alertmanager"],
  ])(
    "gives Grafana's %s datasource the certificate through the operator, never as text",
    (name, host) => {
      const built = stack(ON);
      const ds = byKind(built.objects, "GrafanaDatasource").find((d) => d.metadata.name === name);
      const spec = ds?.spec as {
        datasource: { url: string; jsonData: Spec; secureJsonData: Spec };
        valuesFrom: {
          targetPath: string;
          valueFrom: { secretKeyRef: { name: string; key: string } };
        }[];
      };
      expect(spec.datasource.url.startsWith(`https://${host}.monitoring.svc.cluster.local:`)).toBe(
        true,
      );
      expect(spec.datasource.jsonData).toMatchObject({
        tlsAuth: true,
        tlsAuthWithCACert: true,
        serverName: `${host}.monitoring.svc.cluster.local`,
      });
      const tls = spec.valuesFrom.filter((v) => v.targetPath.startsWith("secureJsonData.tls"));
      expect(tls.map((v) => [v.targetPath, v.valueFrom.secretKeyRef.key])).toEqual([
        ["secureJsonData.tlsCACert", "ca.crt"],
        ["secureJsonData.tlsClientCert", "tls.crt"],
        ["secureJsonData.tlsClientKey", "tls.key"],
      ]);
      for (const v of tls)
        expect(v.valueFrom.secretKeyRef.name).toBe("grafana-datasources-internal-tls");
      expect(toYamlStream(built.objects)).not.toContain("PRIVATE KEY");
    },
  );

  it("wires Loki's and the Thanos ruler's alerts to the Alertmanager over TLS, and the pipeline's pushes to Loki", () => {
    const built = stack(ON);
    const lokiConfig = configText(built.objects, "config.yaml");
    expect(lokiConfig).toMatch(/alertmanager_url: https:\/\/alertmanager-0\./);
    expect(lokiConfig).toMatch(
      /alertmanager_client:\n\s+tls_cert_path: \/etc\/internal-tls\/tls\.crt/,
    );
    const gateway = configText(built.objects, "config.alloy", "alloy-gateway-config");
    expect(gateway).toMatch(
      /url\s+=\s+"https:\/\/loki-gateway\.monitoring\.svc\.cluster\.local:443\/loki\/api\/v1\/push"/,
    );
    const alertmanagers = configText(built.objects, "alertmanagers.yaml");
    expect(alertmanagers).toMatch(/scheme: https/);
    expect(alertmanagers).toMatch(
      /server_name: alertmanager-headless\.monitoring\.svc\.cluster\.local/,
    );
  });

  it("renders byte-identically twice", () => {
    expect(toYamlStream(stack(ON).objects)).toBe(toYamlStream(stack(ON).objects));
  });
});

describe("validate's internal TLS check: both ends of every connection, read from the render", () => {
  type Pod = {
    spec: {
      template: {
        spec: {
          containers: {
            args: string[];
            readinessProbe: { httpGet: { port: number | string } };
            livenessProbe: { httpGet: { port: number | string } };
          }[];
        };
      };
    };
  };
  /** The stack with one object replaced by what `edit` makes of a copy. */
  function edited<T>(kind: string, name: string, edit: (o: T) => void) {
    const built = stack(ON);
    const index = built.objects.findIndex((o) => o.kind === kind && o.metadata.name === name);
    if (index < 0) throw new Error(`no ${kind}/${name}`);
    const copy = structuredClone(built.objects[index]) as unknown as T;
    edit(copy);
    const objects = [...built.objects];
    objects[index] = copy as unknown as KubeObject;
    return { ...built, objects };
  }
  /** The first container of a workload copy. */
  const first = (w: Pod) => {
    const c = w.spec.template.spec.containers[0];
    if (!c) throw new Error("no container");
    return c;
  };

  it("knows both ends of every connection, and they agree", () => {
    const report = internalTlsReport(stack(ON));
    expect(report.problems).toEqual([]);
    expect(report.connections.length).toBeGreaterThan(50);
    for (const c of report.connections) {
      expect(c.client, internalTlsLine(c)).not.toBe("unknown");
      expect(c.server, internalTlsLine(c)).not.toBe("unknown");
    }
  });

  it("finds Thanos, Loki, Alertmanager and the pipeline's stores TLS on both ends", () => {
    const tls = internalTlsReport(stack(ON))
      .connections.filter((c) => c.client === "tls" && c.server === "tls")
      .map(internalTlsLine);
    for (const expected of [
      "Deployment/thanos-query -> StatefulSet/thanos-store:10901 (StoreAPI)",
      "Deployment/alloy-gateway -> StatefulSet/thanos-receive:19291 (remote-write)",
      "StatefulSet/thanos-receive -> StatefulSet/thanos-receive:10901 (StoreAPI)",
      "Deployment/alloy-gateway -> Deployment/loki-gateway:8080 (push)",
      "Deployment/loki-gateway -> StatefulSet/loki-write:3100 (HTTP)",
      "StatefulSet/loki-backend -> StatefulSet/loki-write:9095 (gRPC)",
      "StatefulSet/loki-write -> StatefulSet/loki-backend:7946 (memberlist)",
      "StatefulSet/loki-backend -> StatefulSet/alertmanager:9093 (alerts)",
      "StatefulSet/thanos-ruler -> StatefulSet/alertmanager:9093 (alerts)",
      "StatefulSet/alertmanager -> StatefulSet/alertmanager:9094 (gossip)",
      "DaemonSet/alloy-agent -> Deployment/alloy-gateway:3100 (http-push)",
      "Deployment/alloy-gateway -> DaemonSet/alloy-agent:12345 (HTTP)",
      "Deployment/alloy-gateway -> Deployment/alloy-gateway:12345 (HTTP)",
      "Deployment/alloy-gateway -> DaemonSet/node-exporter:9100 (metrics)",
      "Deployment/alloy-gateway -> Deployment/kube-state-metrics:8080 (HTTP)",
      "Deployment/grafana -> StatefulSet/alertmanager:9093 (alerts)",
      "Deployment/grafana -> Deployment/loki-gateway:8080 (LogQL)",
    ])
      expect(tls).toContain(expected);
  });

  it("lists the connections the internal TLS does not cover yet, plain text on both ends", () => {
    const plain = internalTlsReport(stack(ON)).plain.map(internalTlsLine);
    // Pinned: a connection leaves this list when both its ends gain TLS.
    expect(plain).toEqual([
      "Deployment/alloy-gateway -> Deployment/grafana:3000 (HTTP)",
      "Deployment/alloy-gateway -> Deployment/grafana-operator:9090 (metrics)",
      "Deployment/grafana-operator -> Deployment/grafana:3000 (Grafana API)",
      "Deployment/loki-read -> StatefulSet/loki-chunks-cache:11211 (memcached)",
      "Deployment/loki-read -> StatefulSet/loki-results-cache:11211 (memcached)",
      "Deployment/thanos-query-frontend -> Deployment/thanos-query-frontend-memcached:11211 (memcached)",
      "StatefulSet/loki-backend -> StatefulSet/loki-chunks-cache:11211 (memcached)",
      "StatefulSet/loki-backend -> StatefulSet/loki-results-cache:11211 (memcached)",
      "StatefulSet/loki-write -> StatefulSet/loki-chunks-cache:11211 (memcached)",
      "StatefulSet/loki-write -> StatefulSet/loki-results-cache:11211 (memcached)",
    ]);
  });

  it("refuses a client that dials a TLS server in plain text (the gateway's nginx proxying with http://)", async () => {
    const built = edited<{ data: Record<string, string> }>("ConfigMap", "loki-gateway", (cm) => {
      cm.data["nginx.conf"] = (cm.data["nginx.conf"] ?? "").replaceAll(
        "proxy_pass https://loki_write;",
        "proxy_pass http://loki_write;",
      );
    });
    const messages = (await validateStack(built)).filter((p) => p.layer === "tls");
    expect(messages.map((p) => p.message)).toContain(
      "Deployment/loki-gateway -> StatefulSet/loki-write:3100 (HTTP): the server listens with TLS but the client dials in plain text",
    );
  });

  it("refuses a server that stops listening with TLS (a Thanos store without its gRPC certificate)", () => {
    const built = edited<Pod>("StatefulSet", "thanos-store", (s) => {
      const c = first(s);
      c.args = c.args.filter((a) => !a.startsWith("--grpc-server-tls-"));
    });
    expect(internalTlsReport(built).problems.map((p) => p.message)).toContain(
      "Deployment/thanos-query -> StatefulSet/thanos-store:10901 (StoreAPI): the client dials with TLS but the server listens in plain text",
    );
  });

  it("reports a connection whose end the settings do not tell, instead of guessing", () => {
    const built = edited<Pod>("StatefulSet", "alertmanager", (s) => {
      const c = first(s);
      // A listen address no flag or probe names any more.
      c.args = c.args.map((a: string) =>
        a.startsWith("--web.listen-address") ? "--web.listen-address=" : a,
      );
      c.readinessProbe.httpGet.port = 1;
      c.livenessProbe.httpGet.port = 1;
    });
    expect(internalTlsReport(built).problems.map((p) => p.message)).toContain(
      "StatefulSet/thanos-ruler -> StatefulSet/alertmanager:9093 (alerts): the rendered settings do not tell whether the server listens with TLS; global.internalTls needs both ends known",
    );
  });

  it("is off without global.internalTls", () => {
    expect(internalTlsReport(stack({}))).toEqual({ problems: [], connections: [], plain: [] });
  });
});
