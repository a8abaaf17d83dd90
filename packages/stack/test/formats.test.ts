import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { main } from "../src/cli.js";
import { escapeForHelm, syncWave } from "../src/formats.js";

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

describe("helm output", () => {
  // The chart as helm reads it (lint, template, the namespace guard, the schema) is in helm-chart.test.ts.
  it("escapes Go template delimiters as actions that print them", () => {
    expect(escapeForHelm('format = "{{ .Labels.severity }}"')).toBe(
      'format = "{{ "{{" }} .Labels.severity }}"',
    );
    expect(escapeForHelm("{{{{- x -}}")).toBe('{{ "{{" }}{{ "{{" }}- x -}}');
    expect(escapeForHelm("no braces }}")).toBe("no braces }}");
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
