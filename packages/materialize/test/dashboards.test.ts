import type { Dashboard, Panel, RowPanel } from "@grafana/grafana-foundation-sdk/dashboard";
import { describe, expect, it } from "vitest";
import { metricAllowLists } from "../src/allowlists.js";
import { AREA_DASHBOARDS } from "../src/dashboards/areas.js";
import { DATASOURCE_VARIABLE, dashboards, exploreUrl } from "../src/dashboards/build.js";
import { alertThresholds, THRESHOLDS } from "../src/dashboards/panels.js";
import { DASHBOARDS } from "../src/dashboards/spec.js";
import { metricFamily } from "../src/metrics/catalogue.js";
import { EXPORTER_METRICS, metricSource, SCRAPE_SERIES } from "../src/metrics/sources.js";
import { logqlStreamSelectors, parseProblems, promqlMetricNames } from "../src/queries/parse.js";
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
  it("build all ten dashboards with the foundation SDK, as plain JSON", () => {
    expect(Object.keys(built)).toEqual([
      "mz-overview",
      "mz-workloads",
      "mz-activity",
      "mz-clusters",
      "mz-compute",
      "mz-storage",
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
      "Summary",
      "Availability",
      "Freshness",
      "Hydration",
      "Replica resources",
      "Sessions and queries",
      "Sources and sinks",
      "Persist",
    ]);
  });

  it("give every panel a unit and explicit thresholds (logs panels show lines, not values)", () => {
    for (const [uid, dashboard] of Object.entries(built)) {
      for (const panel of panelsOf(dashboard)) {
        const defaults = panel.fieldConfig?.defaults;
        if (panel.type === "logs") {
          expect(defaults?.unit, `${uid}/${panel.title}`).toBeUndefined();
          continue;
        }
        expect(defaults?.unit, `${uid}/${panel.title}`).toMatch(/^[a-zA-Z]+$/);
        const steps = defaults?.thresholds?.steps ?? [];
        expect(steps.length, `${uid}/${panel.title}`).toBeGreaterThan(0);
        expect(steps[0]?.value, `${uid}/${panel.title}`).toBeNull();
        // Grafana's default (red from 80) is never left in place.
        expect(steps, `${uid}/${panel.title}`).not.toEqual([
          { value: null, color: "green" },
          { value: 80, color: "red" },
        ]);
      }
    }
  });

  it("colour panels at the level their alert fires", () => {
    expect(alertThresholds("MaterializeUserClusterFreshnessLag")).toEqual([
      { value: null, color: "green" },
      { value: 300, color: "orange" },
      { value: 1800, color: "red" },
    ]);
    expect(alertThresholds("MaterializeReplicaExpirationApproaching")).toEqual([
      { value: null, color: "red" },
      { value: 3600, color: "orange" },
      { value: 7 * 86400, color: "green" },
    ]);
    expect(() => alertThresholds("MaterializeEnvironmentdDown")).toThrow(
      /no alert with thresholds|not an alert/,
    );
    const lag = panelsOf(built["mz-compute"]!).find((p) => p.title === "Wallclock lag by cluster");
    expect(lag?.fieldConfig?.defaults?.thresholds?.steps).toEqual(
      alertThresholds("MaterializeUserClusterFreshnessLag"),
    );
    const errors = panelsOf(built["mz-storage"]!).find((p) => p.title === "Upstream errors");
    expect(errors?.fieldConfig?.defaults?.thresholds?.steps).toEqual(THRESHOLDS.ANY);
  });

  it("name only catalogue metrics, each kept by the default allow-list", () => {
    const lists = metricAllowLists(values);
    const stackMetrics = new Set(EXPORTER_METRICS.flatMap((l) => l.metrics));
    for (const [uid, dashboard] of Object.entries(built)) {
      for (const panel of panelsOf(dashboard)) {
        for (const target of (panel.targets ?? []) as { expr?: string }[]) {
          if (panel.datasource?.type !== "prometheus") continue;
          for (const metric of promqlMetricNames(target.expr ?? "")) {
            if (metric.includes(":")) continue; // recorded series, expanded by the allow-lists
            const where = `${uid}/${panel.title}: ${metric}`;
            // The stack dashboard reads the stack's own components: the exporter lists name them.
            if (uid === "mz-stack")
              expect(stackMetrics.has(metric) || metric === "up", where).toBe(true);
            else expect(metricFamily(metric), where).toBeDefined();
            if (SCRAPE_SERIES.includes(metric)) continue;
            const source = metricSource(metric);
            expect(source, where).toBeDefined();
            expect(lists[source!].metrics, where).toContain(metric);
          }
        }
      }
    }
  });

  it("show names, not ids, on the per-area dashboards, degrading to the id", () => {
    const ID_GROUPING =
      /by \([^)]*\b(instance_id|replica_id|collection_id|source_id|parent_source_id|sink_id|cluster_environmentd_materialize_cloud_replica_id)\b/;
    const COUNTS = new Set([
      "clusters.count",
      "clusters.replica_count",
      "clusters.replicas_by_size",
      "compute.object_counts",
      "storage.sources_by_connection_type",
      "storage.sinks_by_connection_type",
    ]);
    let named = 0;
    for (const spec of AREA_DASHBOARDS) {
      for (const panel of panelsOf(built[`mz-${spec.uid}`]!)) {
        for (const target of (panel.targets ?? []) as { expr?: string; legendFormat?: string }[]) {
          const expr = target.expr ?? "";
          const id = registryExprs.get(expr)?.id ?? "";
          // Counts over ids (of clusters, replicas, objects) show no id.
          if (COUNTS.has(id) || !ID_GROUPING.test(expr)) continue;
          named++;
          const where = `${spec.uid}/${panel.title}`;
          expect(expr, where).toMatch(/mz_(cluster|replica|object)_info/);
          expect(expr, where).toMatch(/group_left \((cluster_name|object_name)/);
          // The fallback: the name label copied from the id when the info metric lacks it.
          expect(expr, where).toMatch(
            /or on \(materialize_cloud_organization_name, [a-z_]+\)\n(label_replace|\()/,
          );
          if (target.legendFormat) expect(target.legendFormat, where).toMatch(/_name\}\}/);
        }
      }
    }
    expect(named).toBeGreaterThan(20);
  });

  it("link every dashboard to the others, and the Materialize ones to the logs and Explore", () => {
    for (const [uid, dashboard] of Object.entries(built)) {
      const links = dashboard.links ?? [];
      const others = links.find((l) => l.type === "dashboards");
      expect(others, uid).toMatchObject({
        tags: values.dashboards.tags,
        asDropdown: true,
        includeVars: true,
        keepTime: true,
      });
      const spec = [...DASHBOARDS].find((d) => `mz-${d.uid}` === uid);
      if (!spec?.datasources.includes("loki")) {
        expect(
          links.filter((l) => l.type === "link"),
          uid,
        ).toEqual([]);
        continue;
      }
      if (uid !== "mz-logs") {
        expect(
          links.find((l) => l.url === "/d/mz-logs"),
          uid,
        ).toMatchObject({
          includeVars: true,
          keepTime: true,
        });
      }
      const explore = links.find((l) => l.url?.startsWith("/explore?"));
      expect(explore, uid).toBeDefined();
      const panes = JSON.parse(
        decodeURIComponent(
          new URL(`http://grafana${explore?.url}`).searchParams.get("panes") ?? "",
        ),
      ) as Record<string, { datasource: string; queries: { expr: string }[]; range: unknown }>;
      const pane = Object.values(panes)[0]!;
      expect(pane.datasource).toBe("${loki_datasource}");
      expect(pane.range).toEqual({ from: "${__from}", to: "${__to}" });
      expect(parseProblems("logql", pane.queries[0]!.expr)).toEqual([]);
      expect(logqlStreamSelectors(pane.queries[0]!.expr)[0]).toContainEqual({
        label: "namespace",
        op: "=~",
        value: "materialize|materialize-environment",
      });
      // Grafana interpolates the variables only where they survive the URL encoding.
      expect(explore?.url).toContain("${loki_datasource}");
    }
    const url = exploreUrl('{namespace="a b"}');
    expect(url.replace(/\$\{[a-z_]+\}/g, "")).not.toMatch(/["{} ]/);
  });

  it("keep panel titles unique within a dashboard", () => {
    for (const [uid, dashboard] of Object.entries(built)) {
      const titles = panelsOf(dashboard).map((p) => p.title);
      expect(
        titles.filter((t, i) => titles.indexOf(t) !== i),
        uid,
      ).toEqual([]);
    }
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
