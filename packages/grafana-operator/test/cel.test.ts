import { describe, expect, it } from "vitest";
import { CEL_RULES, UNBUILT_GRAFANA_FIELDS, vendoredCrds } from "../src/index.js";

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  "x-kubernetes-validations"?: { message: string; rule: string }[];
}

function celRules(kind: string): { path: string; message: string }[] {
  const crd = vendoredCrds().find((c) => c.spec.names.kind === kind);
  const root = crd?.spec.versions[0]?.schema?.openAPIV3Schema as SchemaNode | undefined;
  const found: { path: string; message: string }[] = [];
  const walk = (node: SchemaNode | undefined, path: string) => {
    if (!node) return;
    if (UNBUILT_GRAFANA_FIELDS.some((field) => path === field || path.startsWith(`${field}.`)))
      return;
    for (const rule of node["x-kubernetes-validations"] ?? [])
      found.push({ path, message: rule.message });
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      walk(child, path ? `${path}.${key}` : key);
    }
    walk(node.items, `${path}[]`);
  };
  walk(root, "");
  return found;
}

describe("CEL rules of the vendored CRDs", () => {
  it.each(["Grafana", "GrafanaDatasource", "GrafanaFolder", "GrafanaDashboard", "GrafanaManifest"])(
    "%s: every rule on a field the builders write is listed with its enforcement",
    (kind) => {
      const listed = CEL_RULES.filter((rule) => rule.kind === kind).map(({ path, message }) => ({
        path,
        message,
      }));
      const sort = (rules: { path: string; message: string }[]) =>
        [...rules].sort((a, b) => `${a.path} ${a.message}`.localeCompare(`${b.path} ${b.message}`));
      expect(sort(listed)).toEqual(sort(celRules(kind)));
    },
  );
});
