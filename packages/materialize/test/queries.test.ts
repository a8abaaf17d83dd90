import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DASHBOARDS, sloDashboardSpec } from "../src/dashboards/spec.js";
import { metricFamily } from "../src/metrics/catalogue.js";
import { EXPORTER_METRICS, metricSource, SCRAPE_SERIES } from "../src/metrics/sources.js";
import { logqlStreamSelectors, parseProblems, promqlMetricNames } from "../src/queries/parse.js";
import { RECORDED, SLO_RECORDED_NAMES } from "../src/queries/recorded.js";
import {
  QUERY_DEFINITIONS,
  QueryParseError,
  queryRegistry,
  renderQuery,
} from "../src/queries/registry.js";
import { ALERT_DEFINITIONS, RECORDING_RULES } from "../src/rules/definitions.js";
import { materializeValues, queryScope } from "../src/values.js";
import {
  referenceMetrics,
  SHARED_REFERENCE,
  sharedReferenceExists,
  VENDORED_REFERENCE,
} from "./support/reference.js";

const defaults = materializeValues.parse({});
const registry = queryRegistry(queryScope(defaults));
const vendored = referenceMetrics(VENDORED_REFERENCE);
const exporterMetrics = new Set(EXPORTER_METRICS.flatMap((l) => l.metrics));
/** A catalogue family beyond the reference, confirmed in Materialize's source with its version. */
const confirmedAddition = (metric: string): boolean => {
  const family = metricFamily(metric);
  return Boolean(family && family.evidence === "source" && family.introduced);
};
const recorded = new Set<string>([...Object.values(RECORDED), ...SLO_RECORDED_NAMES]);

describe("query registry", () => {
  it("parses every expression with the official grammar (lezer-promql, lezer-logql)", () => {
    for (const query of registry.queries.values()) {
      const language = query.datasource === "prometheus" ? "promql" : "logql";
      expect(parseProblems(language, query.expr), `${query.id}: ${query.expr}`).toEqual([]);
    }
    expect(registry.queries.size).toBe(QUERY_DEFINITIONS.length);
  });

  it("parses for other namespaces and job regexes too", () => {
    const custom = materializeValues.parse({
      namespaces: { operator: "mz-system", environments: ["prod", "staging"], monitoring: "obs" },
      stackJobs: { loki: "obs/loki-.*" },
      logs: { correctnessPattern: "Non-positive accumulation|Invalid retraction" },
    });
    const other = queryRegistry(queryScope(custom));
    expect(other.get("availability.pod_pending").expr).toContain(
      'namespace=~"mz-system|prod|staging"',
    );
    expect(other.get("stack.loki_down").expr).toBe('up{job=~"obs/loki-.*"} == 0');
  });

  it("fails on a syntax error, naming the query and where", () => {
    const broken = { ...QUERY_DEFINITIONS[0]!, id: "test.broken", expr: () => "sum(rate(up[5m])" };
    expect(() => renderQuery(broken, queryScope(defaults))).toThrow(QueryParseError);
    expect(() => renderQuery(broken, queryScope(defaults))).toThrow(
      /query test.broken does not parse/,
    );
    expect(parseProblems("logql", '{namespace="a"} |= ')).not.toEqual([]);
    expect(parseProblems("promql", "")).not.toEqual([]);
  });

  it("extracts metric names from the parse tree, not from text", () => {
    expect(
      promqlMetricNames(
        'sum by (pod) (rate(foo_total{job="bar_total", le="mz_fake"}[5m])) / on(pod) group_left kube_pod_info * {__name__="baz"} + vector(1)',
      ),
    ).toEqual(["baz", "foo_total", "kube_pod_info"]);
    expect(
      promqlMetricNames("histogram_quantile(0.9, sum by (le) (rate(h_bucket[$__rate_interval])))"),
    ).toEqual(["h_bucket"]);
    expect(
      logqlStreamSelectors('sum(count_over_time({namespace=~"a|b", level="error"} |= "x" [5m]))'),
    ).toEqual([
      [
        { label: "namespace", op: "=~", value: "a|b" },
        { label: "level", op: "=", value: "error" },
      ],
    ]);
  });

  it("names only metrics from the Materialize reference, a source-confirmed catalogue addition or a documented exporter list", () => {
    const unknown: string[] = [];
    for (const query of registry.queries.values()) {
      for (const metric of query.metrics) {
        if (vendored.has(metric) || exporterMetrics.has(metric) || recorded.has(metric)) continue;
        if (confirmedAddition(metric)) continue;
        if (SCRAPE_SERIES.includes(metric)) continue;
        unknown.push(`${query.id}: ${metric}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it("classifies every metric into a scrape source", () => {
    for (const query of registry.queries.values()) {
      for (const metric of query.metrics) {
        if (recorded.has(metric) || SCRAPE_SERIES.includes(metric)) continue;
        expect(metricSource(metric), `${query.id}: ${metric}`).toBeDefined();
      }
    }
    // Materialize metrics come from the reference list or the catalogue's source-confirmed
    // additions (the info metrics, the SQL-derived families); prefixes alone do not make a name real.
    for (const metric of new Set([...registry.queries.values()].flatMap((q) => q.metrics))) {
      if (metricSource(metric) === "materialize") {
        expect(vendored.has(metric) || confirmedAddition(metric), metric).toBe(true);
      }
    }
    expect(confirmedAddition("mz_cluster_info")).toBe(true);
    expect(confirmedAddition("mz_made_up_info")).toBe(false);
  });

  it("keeps the documented exporter lists free of duplicates and of Materialize names", () => {
    const all = EXPORTER_METRICS.flatMap((l) => l.metrics);
    expect(new Set(all).size).toBe(all.length);
    expect(all.filter((m) => m.startsWith("mz_"))).toEqual([]);
    for (const list of EXPORTER_METRICS) expect(list.reference).toMatch(/^https:\/\//);
  });

  it("uses every query in a rule, a recording rule, a dashboard panel or a variable", () => {
    const used = new Set<string>([
      ...ALERT_DEFINITIONS.map((a) => a.query),
      ...RECORDING_RULES.map((r) => r.query),
      ...[...DASHBOARDS, sloDashboardSpec([])].flatMap((d) =>
        d.rows.flatMap((r) => r.panels.flatMap((p) => p.queries)),
      ),
      "variables.environment",
      "variables.cluster",
      "variables.replica",
      "variables.slo",
      // The dashboards' "Explore logs" link (dashboards/build.ts).
      "logs.explore",
    ]);
    expect(QUERY_DEFINITIONS.map((q) => q.id).filter((id) => !used.has(id))).toEqual([]);
    for (const id of used) expect(() => registry.get(id)).not.toThrow();
  });

  it("honours the wallclock-lag facts: quantile 1, no duplicate series, the 1e9 sentinel", () => {
    expect(registry.get("freshness.cluster_lag").expr).toBe(
      'max by (materialize_cloud_organization_name, instance_id) (mz_dataflow_wallclock_lag_seconds{quantile="1", instance_id!=""} < 1e9)',
    );
    expect(registry.get("freshness.hydrating_collections").expr).toContain(">= 1e9");
    expect(registry.get("freshness.system_cluster_lag").expr).toContain('instance_id=~"s.*"');
    expect(registry.get("freshness.user_cluster_lag").expr).toContain('instance_id=~"u.*"');
    expect(registry.get("freshness.cluster_min_lag").expr).toContain('quantile="0"');
  });
});

describe("Materialize metric reference", () => {
  it("vendors a copy of the shared reference", () => {
    expect(vendored.size).toBeGreaterThan(100);
    expect(vendored.get("mz_dataflow_wallclock_lag_seconds")).toContain("quantile");
  });

  it.runIf(sharedReferenceExists || process.env.CI)(
    "keeps the vendored copy identical to ../shared/reference",
    () => {
      expect(readFileSync(VENDORED_REFERENCE, "utf8")).toBe(readFileSync(SHARED_REFERENCE, "utf8"));
    },
  );

  it.runIf(sharedReferenceExists || process.env.CI)(
    "checks query metrics against the shared reference read at test time",
    () => {
      const shared = referenceMetrics(SHARED_REFERENCE);
      for (const query of registry.queries.values()) {
        for (const metric of query.metrics) {
          if (metricSource(metric) === "materialize") {
            expect(shared.has(metric) || confirmedAddition(metric), metric).toBe(true);
          }
        }
      }
    },
  );
});
