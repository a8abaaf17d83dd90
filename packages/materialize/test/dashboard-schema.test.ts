import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CrdValidator, type CustomResourceDefinition } from "@materialize-monitoring/core/validate";
import { describe, expect, it } from "vitest";
import { dashboards } from "../src/dashboards/build.js";
import { materializeValues } from "../src/values.js";
import { PACKAGE_DIR } from "./support/reference.js";

const SCHEMA_DIR = join(PACKAGE_DIR, "vendor/grafana-dashboard-schema");
const schemaText = readFileSync(join(SCHEMA_DIR, "dashboard.jsonschema.json"), "utf8");
const schema = JSON.parse(schemaText) as {
  $ref: string;
  definitions: Record<string, unknown>;
};

/**
 * Grafana's schema, validated with core's ajv set-up (CrdValidator): the dashboard is the `spec`
 * of a stand-in resource whose schema is a reference to the schema's own root definition, with
 * the schema's definitions beside it so every `#/definitions/...` reference resolves unchanged.
 */
const GROUP = "dashboard-schema.materialize-monitoring.test";
const crd: CustomResourceDefinition = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `dashboards.${GROUP}` },
  spec: {
    group: GROUP,
    names: { kind: "Dashboard" },
    versions: [
      {
        name: "v1",
        served: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            required: ["spec"],
            properties: { apiVersion: {}, kind: {}, metadata: {}, spec: { $ref: schema.$ref } },
            definitions: schema.definitions,
          },
        },
      },
    ],
  },
};
const validator = new CrdValidator([crd]);

function problems(dashboard: unknown): string[] {
  return validator
    .validate({
      apiVersion: `${GROUP}/v1`,
      kind: "Dashboard",
      metadata: { name: "dashboard" },
      spec: dashboard,
    } as never)
    .map((p) => `${p.path.replace(/^\/spec/, "") || "/"}: ${p.message}`);
}

/**
 * The one place the vendored schema is narrower than Grafana: it types a field override's
 * `matcher.options` as an object, where Grafana's kind has `options?: _` (any; the SDK's own
 * TypeScript type is `options?: any`) and Grafana's `byRegexp` matcher takes the pattern as a
 * string. The per-SLO threshold overrides need that string. They are replaced by `{}` before
 * validation, and a test checks that these are the only problems the original has.
 */
function withoutRegexpMatcherStrings(dashboard: unknown): { copy: unknown; replaced: number } {
  const copy = structuredClone(dashboard) as { panels?: { fieldConfig?: unknown }[] };
  let replaced = 0;
  for (const panel of copy.panels ?? []) {
    const overrides =
      (panel.fieldConfig as { overrides?: { matcher: { id: string; options?: unknown } }[] })
        ?.overrides ?? [];
    for (const override of overrides) {
      if (override.matcher.id === "byRegexp" && typeof override.matcher.options === "string") {
        override.matcher.options = {};
        replaced++;
      }
    }
  }
  return { copy, replaced };
}

const withSlos = materializeValues.parse({
  slos: {
    freshness: [
      { name: "orders", clusterId: "u1", threshold: "30s", objective: 0.99 },
      { name: "billing", clusterId: "u2", threshold: "5m", objective: 0.995 },
    ],
  },
});
const variants = {
  defaults: dashboards(materializeValues.parse({})),
  "SLOs configured": dashboards(withSlos),
  "uid prefix, tags and refresh": dashboards(
    materializeValues.parse({
      dashboards: { uidPrefix: "prod-", tags: ["prod", "mz"], refresh: "", timeFrom: "now-1h" },
    }),
  ),
};

describe("Grafana's dashboard JSON schema (vendor/grafana-dashboard-schema)", () => {
  it("is the vendored file byte for byte, as its README records", () => {
    const readme = readFileSync(join(SCHEMA_DIR, "README.md"), "utf8");
    const sha = createHash("sha256").update(schemaText).digest("hex");
    expect(readme).toContain(sha);
    expect(readme).toContain("Apache License 2.0");
    expect(readme).toMatch(/grafana-foundation-sdk.*v0\.0\.18/);
    expect(readFileSync(join(SCHEMA_DIR, "LICENSE"), "utf8")).toContain("Apache License");
    expect(schema.$ref).toBe("#/definitions/Dashboard");
  });

  it.each(Object.entries(variants))("validates every built dashboard (%s)", (_name, built) => {
    expect(Object.keys(built).length).toBeGreaterThanOrEqual(10);
    for (const [uid, dashboard] of Object.entries(built)) {
      expect(problems(withoutRegexpMatcherStrings(dashboard).copy), uid).toEqual([]);
    }
  });

  it("differs from Grafana only in the byRegexp matcher's string options (the SLO overrides)", () => {
    const slo = variants["SLOs configured"]["mz-slos"];
    const { copy, replaced } = withoutRegexpMatcherStrings(slo);
    expect(replaced).toBeGreaterThan(0);
    expect(problems(copy)).toEqual([]);
    const original = problems(slo);
    expect(original.filter((p) => /matcher\/options: must be object$/.test(p)).length).toBe(
      replaced,
    );
    for (const [uid, dashboard] of Object.entries(variants.defaults)) {
      expect(withoutRegexpMatcherStrings(dashboard).replaced, uid).toBe(0);
      expect(problems(dashboard), uid).toEqual([]);
    }
  });

  it("rejects what Grafana's schema forbids, so the check can fail", () => {
    const overview = structuredClone(variants.defaults["mz-overview"]) as unknown as {
      panels: Record<string, unknown>[];
      links: Record<string, unknown>[];
      graphTooltip: unknown;
    };
    const panel = overview.panels.find((p) => p.type === "timeseries");
    expect(panel).toBeDefined();
    if (!panel) return;
    panel.gridPos = { x: 0, y: 0, w: 12 };
    (
      panel.fieldConfig as { defaults: { thresholds: { steps: unknown[] } } }
    ).defaults.thresholds.steps[0] = { value: null };
    overview.links[0] = { title: "no type or flags" };
    overview.graphTooltip = 7;
    const found = problems(overview).join("\n");
    expect(found).toMatch(/gridPos: must have required property 'h'/);
    expect(found).toMatch(/thresholds\/steps\/0: must have required property 'color'/);
    expect(found).toMatch(/\/links\/0: must have required property 'type'/);
    expect(found).toMatch(/\/graphTooltip: must be equal to one of the allowed values/);
  });
});
