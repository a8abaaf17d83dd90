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
import { validateStack } from "../src/validate.js";

const ON = { global: { internalTls: { enabled: true } } };

type Spec = Record<string, unknown>;
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
      "alloy-gateway-internal-tls",
      "grafana-datasources-internal-tls",
      "internal-ca",
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

  it("gives Grafana's Thanos datasource the certificate through the operator, never as text", () => {
    const built = stack(ON);
    const ds = byKind(built.objects, "GrafanaDatasource").find((d) => d.metadata.name === "thanos");
    const spec = ds?.spec as {
      datasource: { url: string; jsonData: Spec; secureJsonData: Spec };
      valuesFrom: {
        targetPath: string;
        valueFrom: { secretKeyRef: { name: string; key: string } };
      }[];
    };
    expect(spec.datasource.url).toMatch(/^https:\/\/thanos-query-frontend\./);
    expect(spec.datasource.jsonData).toMatchObject({
      tlsAuth: true,
      tlsAuthWithCACert: true,
      serverName: "thanos-query-frontend.monitoring.svc.cluster.local",
    });
    expect(spec.valuesFrom.map((v) => [v.targetPath, v.valueFrom.secretKeyRef.key])).toEqual([
      ["secureJsonData.tlsCACert", "ca.crt"],
      ["secureJsonData.tlsClientCert", "tls.crt"],
      ["secureJsonData.tlsClientKey", "tls.key"],
    ]);
    for (const v of spec.valuesFrom)
      expect(v.valueFrom.secretKeyRef.name).toBe("grafana-datasources-internal-tls");
    // Loki and Alertmanager do not serve the internal TLS yet: their datasources stay plain.
    for (const name of ["loki", "alertmanager"]) {
      const other = byKind(built.objects, "GrafanaDatasource").find(
        (d) => d.metadata.name === name,
      );
      expect(JSON.stringify(other?.spec)).not.toContain("tls");
    }
    expect(toYamlStream(built.objects)).not.toContain("PRIVATE KEY");
  });

  it("renders byte-identically twice", () => {
    expect(toYamlStream(stack(ON).objects)).toBe(toYamlStream(stack(ON).objects));
  });
});
