import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { main } from "../src/cli.js";
import { escapeForHelm, syncWave, unescapeHelm } from "../src/formats.js";

async function run(args: string[]) {
  let out = "";
  let err = "";
  const code = await main(args, {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
  });
  return { code, out, err };
}

function identities(docs: unknown[]): string[] {
  return docs
    .filter((d): d is { kind: string; metadata: { name: string; namespace?: string } } =>
      Boolean(d),
    )
    .map((d) => `${d.kind}/${d.metadata.namespace ?? ""}/${d.metadata.name}`)
    .sort();
}

describe("helm output", () => {
  it("writes a chart that lists the same objects as the YAML stream", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mzmon-helm-"));
    const { code } = await run(["render", "--format", "helm", "--output", dir]);
    expect(code).toBe(0);
    const chart = parseAllDocuments(readFileSync(join(dir, "Chart.yaml"), "utf8"))[0]?.toJS();
    expect(chart).toMatchObject({ apiVersion: "v2", name: "materialize-monitoring" });
    expect(
      JSON.parse(readFileSync(join(dir, "values.schema.json"), "utf8")).properties.global,
    ).toBeDefined();
    const fromChart: unknown[] = [];
    for (const sub of ["crds", "templates"]) {
      for (const file of readdirSync(join(dir, sub))) {
        const text = unescapeHelm(readFileSync(join(dir, sub, file), "utf8"));
        fromChart.push(...parseAllDocuments(text).map((d) => d.toJS()));
      }
    }
    const stream = parseAllDocuments((await run(["render"])).out).map((d) => d.toJS());
    expect(identities(fromChart)).toEqual(identities(stream));
  });

  it("escapes Go template delimiters so Helm prints them verbatim", () => {
    const text = 'format = "{{ .Labels.severity }}"';
    expect(escapeForHelm(text)).toBe('format = "{{ "{{" }} .Labels.severity }}"');
    expect(unescapeHelm(escapeForHelm(text))).toBe(text);
  });

  it("refuses a chart on stdout as a usage error", async () => {
    const { code, err } = await run(["render", "--format", "helm"]);
    expect(code).toBe(2);
    expect(err).toContain("--output DIR");
  });
});

describe("Argo CD sync waves", () => {
  it("orders namespaces and CRDs before RBAC, config, workloads and custom resources", () => {
    const meta = { name: "x" };
    expect(syncWave({ apiVersion: "v1", kind: "Namespace", metadata: meta })).toBe(-3);
    expect(
      syncWave({
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: meta,
      }),
    ).toBe(-3);
    expect(syncWave({ apiVersion: "v1", kind: "ServiceAccount", metadata: meta })).toBe(-2);
    expect(syncWave({ apiVersion: "v1", kind: "ConfigMap", metadata: meta })).toBe(-1);
    expect(syncWave({ apiVersion: "apps/v1", kind: "Deployment", metadata: meta })).toBe(0);
    expect(
      syncWave({
        apiVersion: "grafana.integreatly.org/v1beta1",
        kind: "GrafanaDashboard",
        metadata: meta,
      }),
    ).toBe(1);
  });

  it("annotates every object when asked", async () => {
    const { out } = await run(["render", "--argocd"]);
    for (const doc of parseAllDocuments(out).map((d) => d.toJS())) {
      expect(doc.metadata.annotations["argocd.argoproj.io/sync-wave"]).toMatch(/^-?\d+$/);
    }
  });
});
