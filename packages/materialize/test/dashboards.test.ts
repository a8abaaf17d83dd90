import type { Dashboard, Panel, RowPanel } from "@grafana/grafana-foundation-sdk/dashboard";
import { describe, expect, it } from "vitest";
import { DATASOURCE_VARIABLE, dashboards } from "../src/dashboards/build.js";
import { DASHBOARDS } from "../src/dashboards/spec.js";
import { parseProblems } from "../src/queries/parse.js";
import { queryRegistry } from "../src/queries/registry.js";
import { materializeValues, queryScope } from "../src/values.js";

const values = materializeValues.parse({});
const built = dashboards(values);
const registry = queryRegistry(queryScope(values));
const registryExprs = new Map([...registry.queries.values()].map((q) => [q.expr, q]));

type AnyPanel = Panel | RowPanel;
const panelsOf = (d: Dashboard): Panel[] =>
  (d.panels ?? []).filter((p: AnyPanel): p is Panel => p.type !== "row");

/** Every object carrying a `datasource` anywhere in the JSON. */
function datasourceRefs(value: unknown, path = "$"): { path: string; ref: unknown }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => datasourceRefs(v, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) =>
      k === "datasource" ? [{ path: `${path}.${k}`, ref: v }] : datasourceRefs(v, `${path}.${k}`),
    );
  }
  return [];
}

describe("dashboards", () => {
  it("build all five dashboards with the foundation SDK, as plain JSON", () => {
    expect(Object.keys(built)).toEqual([
      "mz-overview",
      "mz-freshness",
      "mz-replicas",
      "mz-logs",
      "mz-stack",
    ]);
    for (const dashboard of Object.values(built)) {
      // Valid per the SDK's Dashboard type (compile time) and JSON-clean (run time).
      const typed: Dashboard = dashboard;
      expect(JSON.parse(JSON.stringify(typed))).toEqual(typed);
      expect(typed.schemaVersion).toBeGreaterThanOrEqual(39);
      expect(typed.templating.list?.length).toBeGreaterThan(0);
      expect(typed.annotations).toEqual({ list: [] });
      expect(typed.editable).toBe(false);
    }
  });

  it("give every panel an id, a title, a grid position that fits, and no overlap", () => {
    for (const [uid, dashboard] of Object.entries(built)) {
      const all = dashboard.panels ?? [];
      const ids = all.map((p) => p.id);
      expect(new Set(ids).size, uid).toBe(ids.length);
      const cells = new Set<string>();
      for (const panel of all) {
        const pos = panel.gridPos;
        expect(pos, `${uid}/${panel.title}`).toBeDefined();
        if (!pos) continue;
        expect(pos.x + pos.w, `${uid}/${panel.title}`).toBeLessThanOrEqual(24);
        for (let x = pos.x; x < pos.x + pos.w; x++) {
          for (let y = pos.y; y < pos.y + pos.h; y++) {
            const cell = `${x},${y}`;
            expect(cells.has(cell), `${uid}/${panel.title} overlaps at ${cell}`).toBe(false);
            cells.add(cell);
          }
        }
      }
    }
  });

  it("give every panel at least one query, each from the registry, each parsing", () => {
    for (const [uid, dashboard] of Object.entries(built)) {
      for (const panel of panelsOf(dashboard)) {
        const targets = (panel.targets ?? []) as { expr?: string; refId?: string }[];
        expect(targets.length, `${uid}/${panel.title}`).toBeGreaterThan(0);
        for (const target of targets) {
          const query = registryExprs.get(target.expr ?? "");
          expect(
            query,
            `${uid}/${panel.title}: not a registry query: ${target.expr}`,
          ).toBeDefined();
          const language = panel.datasource?.type === "loki" ? "logql" : "promql";
          expect(query?.datasource).toBe(panel.datasource?.type);
          expect(parseProblems(language, target.expr ?? ""), `${uid}/${panel.title}`).toEqual([]);
          expect(target.refId).toMatch(/^[A-Z]$/);
        }
      }
    }
  });

  it("reference datasources only through template variables", () => {
    for (const [uid, dashboard] of Object.entries(built)) {
      const variables = new Set(
        (dashboard.templating.list ?? []).filter((v) => v.type === "datasource").map((v) => v.name),
      );
      const refs = datasourceRefs(dashboard);
      expect(refs.length).toBeGreaterThan(0);
      for (const { path, ref } of refs) {
        const { type, uid: refUid } = ref as { type?: string; uid?: string };
        expect(refUid, `${uid} ${path}`).toMatch(/^\$\{[a-z_]+\}$/);
        const name = refUid?.slice(2, -1) ?? "";
        expect(variables.has(name), `${uid} ${path} uses undefined variable ${name}`).toBe(true);
        expect(name).toBe(DATASOURCE_VARIABLE[type as "prometheus" | "loki"]);
      }
    }
  });

  it("have datasource, environment, cluster and replica variables on the Materialize dashboards", () => {
    for (const spec of DASHBOARDS) {
      const names = (built[`mz-${spec.uid}`]?.templating.list ?? []).map((v) => v.name);
      expect(names).toContain("datasource");
      if (spec.uid !== "stack")
        expect(names).toEqual(expect.arrayContaining(["environment", "cluster", "replica"]));
      if (spec.datasources.includes("loki")) expect(names).toContain("loki_datasource");
    }
    const overview = built["mz-overview"]?.templating.list ?? [];
    const cluster = overview.find((v) => v.name === "cluster");
    expect(cluster?.query).toBe(
      'label_values(up{job="materialize-clusterd", materialize_cloud_organization_name=~"$environment"}, cluster_environmentd_materialize_cloud_cluster_id)',
    );
    expect(cluster?.includeAll).toBe(true);
    expect(cluster?.allValue).toBe(".*");
  });

  it("parse the selector inside every label_values variable query", () => {
    for (const dashboard of Object.values(built)) {
      for (const variable of dashboard.templating.list ?? []) {
        if (variable.type !== "query") continue;
        const match = /^label_values\((.*), ([a-z_]+)\)$/s.exec(String(variable.query));
        expect(match, String(variable.query)).not.toBeNull();
        expect(parseProblems("promql", match?.[1] ?? "")).toEqual([]);
      }
    }
  });

  it("cover the overview's required sections", () => {
    const rows = (built["mz-overview"]?.panels ?? [])
      .filter((p) => p.type === "row")
      .map((p) => p.title);
    expect(rows).toEqual([
      "Availability",
      "Freshness",
      "Hydration",
      "Replica resources",
      "Sessions and queries",
      "Sources and sinks",
      "Persist",
    ]);
  });

  it("use the uid prefix, tags and time range from values", () => {
    const custom = dashboards(
      materializeValues.parse({
        dashboards: { uidPrefix: "prod-", tags: ["prod"], timeFrom: "now-1h" },
      }),
    );
    expect(Object.keys(custom)).toContain("prod-overview");
    expect(custom["prod-overview"]?.tags).toEqual(["prod"]);
    expect(custom["prod-overview"]?.time).toEqual({ from: "now-1h", to: "now" });
  });

  it.each([
    [{ refresh: "1 minute" }, /^dashboards\.refresh: an interval Grafana's refresh picker takes/],
    [{ refresh: "${X}" }, /^dashboards\.refresh: /],
    [{ timeFrom: "yesterday" }, /^dashboards\.timeFrom: a Grafana relative time/],
    [{ timeFrom: "now-6h\n" }, /^dashboards\.timeFrom: /],
    [{ tags: [""] }, /^dashboards\.tags\.0: /],
    [{ tags: ["a\u2028b"] }, /^dashboards\.tags\.0: contains a line break/],
  ])("refuse dashboards values %j, naming the field", (dashboardsValues, expected) => {
    const result = materializeValues.safeParse({ dashboards: dashboardsValues });
    const problems = result.success
      ? ""
      : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    expect(problems).toMatch(expected);
  });

  it("take an empty refresh (off) and calendar-aligned ranges", () => {
    const custom = dashboards(
      materializeValues.parse({ dashboards: { refresh: "", timeFrom: "now-7d/d" } }),
    );
    expect(custom["mz-overview"]?.refresh).toBe("");
    expect(custom["mz-overview"]?.time).toEqual({ from: "now-7d/d", to: "now" });
  });

  it("pins every dashboard", () => {
    for (const [uid, dashboard] of Object.entries(built)) {
      expect(JSON.stringify(dashboard, null, 2)).toMatchSnapshot(uid);
    }
  });
});
