import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  familiesOf,
  INFO_METRIC_NAMES,
  METRIC_CATALOGUE,
  METRIC_ENDPOINTS,
  metricFamily,
  renderCatalogue,
  renderMetricCatalogue,
  seriesLabels,
  seriesNames,
} from "../src/catalogue.js";
import { SQL_METRIC_ENDPOINTS } from "../src/constants.js";
import { EXPORTER_METRICS, metricSource } from "../src/metrics/sources.js";
import { ALERT_DEFINITIONS } from "../src/rules/definitions.js";
import { scrapeTargets } from "../src/targets/targets.js";
import { materializeValues } from "../src/values.js";
import {
  PACKAGE_DIR,
  referenceMetrics,
  SHARED_REFERENCE,
  sharedReferenceExists,
  VENDORED_REFERENCE,
} from "./support/reference.js";

/** The facts these tests read from any endpoint of the catalogue. */
type EndpointFacts = { target?: string; scrapeSource?: string };

/** The catalogue as the generator writes it. */
function generated(): string {
  return renderCatalogue();
}

describe("docs/catalogue.md", () => {
  const committed = readFileSync(join(PACKAGE_DIR, "docs/catalogue.md"), "utf8");

  it("is what the generator writes (run `pnpm catalogue` after changing rules, dashboards or queries)", () => {
    expect(generated()).toBe(committed);
  });

  it("lists every alert with its thresholds and runbook, every dashboard, and the metrics used", () => {
    for (const alert of ALERT_DEFINITIONS) {
      expect(committed).toMatch(new RegExp(`\\| ${alert.name} +\\|`));
      expect(committed).toContain(`(runbooks.md#${alert.name.toLowerCase()})`);
    }
    expect(committed).toContain("warning: > 60, 10m<br>critical: > 300, 10m");
    expect(renderCatalogue()).toContain("| MaterializeEnvironmentdDown | critical: 5m | on |");
    expect(committed).toContain("### Materialize / Environment overview");
    expect(committed).toContain("## Metrics used, by scrape source");
    expect(committed).toMatch(/\| mz_dataflow_wallclock_lag_seconds +\|/);
  });
});

const reference = referenceMetrics(sharedReferenceExists ? SHARED_REFERENCE : VENDORED_REFERENCE);
const defaults = materializeValues.parse({});
const targets = new Map(scrapeTargets(defaults).map((t) => [t.name, t]));
const REPO_PATH_AT_REF = /^[\w.-]+\/[\w.-]+:\S.*@[0-9a-f]{7,40}\b/;
const VERSION = /^v\d+\.\d+\.\d+$/;
const versionOrder = (a: string, b: string): number => {
  const [x, y] = [a, b].map((v) => v.slice(1).split(".").map(Number));
  for (let i = 0; i < 3; i++) if (x![i] !== y![i]) return x![i]! < y![i]! ? -1 : 1;
  return 0;
};
/** Families none of whose series the reference lists: this package's additions. */
const additions = METRIC_CATALOGUE.filter((f) => !seriesNames(f).some((s) => reference.has(s)));
const isMaterialize = (f: (typeof METRIC_CATALOGUE)[number]) =>
  f.endpoints.every((id) => (METRIC_ENDPOINTS[id] as EndpointFacts).scrapeSource === "materialize");
/** Additions Materialize serves; the others are the substrate's (kube-state-metrics, cAdvisor). */
const materializeAdditions = additions.filter(isMaterialize);

describe("metric catalogue", () => {
  it("is a superset of the shared reference: every name, with every label it lists", () => {
    const missing: string[] = [];
    for (const [name, labels] of reference) {
      const family = metricFamily(name);
      if (!family || !seriesNames(family).includes(name)) {
        missing.push(name);
        continue;
      }
      const carried = seriesLabels(family, name);
      for (const label of labels) {
        if (!carried.includes(label)) missing.push(`${name}{${label}}`);
      }
    }
    expect(missing).toEqual([]);
    expect(reference.size).toBeGreaterThan(100);
  });

  it("gives every family a Prometheus type, one endpoint at least and a source; no name twice", () => {
    const families = new Set<string>();
    const series = new Set<string>();
    for (const family of METRIC_CATALOGUE) {
      expect(["counter", "gauge", "histogram", "summary"], family.name).toContain(family.type);
      expect(family.name).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      expect(family.endpoints.length, family.name).toBeGreaterThan(0);
      expect(family.source.length, family.name).toBeGreaterThan(10);
      expect(new Set(family.labels).size, family.name).toBe(family.labels.length);
      expect(family.labels, family.name).not.toContain("le");
      expect(family.labels, family.name).not.toContain("quantile");
      expect(families.has(family.name), family.name).toBe(false);
      families.add(family.name);
      for (const name of seriesNames(family)) {
        expect(series.has(name), name).toBe(false);
        series.add(name);
      }
      for (const v of [family.introduced, family.removed]) {
        if (!v) continue;
        expect(v.version, family.name).toMatch(VERSION);
        expect(["exact", "at-or-before"]).toContain(v.precision);
        expect(v.evidence.length, family.name).toBeGreaterThan(20);
      }
      if (family.introduced && family.removed) {
        expect(versionOrder(family.introduced.version, family.removed.version), family.name).toBe(
          -1,
        );
      }
    }
  });

  it("confirms every addition in source, with a pinned source and the version that introduced it", () => {
    expect(materializeAdditions.length).toBeGreaterThan(20);
    for (const family of materializeAdditions) {
      expect(family.evidence, family.name).toBe("source");
      expect(family.source, family.name).toMatch(REPO_PATH_AT_REF);
      expect(family.introduced?.version, family.name).toMatch(VERSION);
      expect(
        family.endpoints.every((id) => (METRIC_ENDPOINTS[id] as EndpointFacts).target),
        family.name,
      ).toBe(true);
    }
  });

  it("documents every substrate addition in its exporter's documentation and exporter list", () => {
    const substrate = additions.filter((f) => !isMaterialize(f));
    expect(substrate.map((f) => f.name).sort()).toEqual([
      "kube_deployment_spec_replicas",
      "kube_pod_container_status_ready",
      "kube_statefulset_replicas",
    ]);
    for (const family of substrate) {
      expect(family.evidence, family.name).toBe("documentation");
      expect(family.source, family.name).toMatch(/^https:\/\//);
      expect(metricSource(family.name), family.name).toBeDefined();
    }
  });

  it("has the catalog info metrics of v26.29.0 on environmentd's /metrics, labelled with the ids others join on", () => {
    const joinLabels: Record<(typeof INFO_METRIC_NAMES)[number], string> = {
      mz_object_info: "object_id",
      mz_cluster_info: "cluster_id",
      mz_replica_info: "replica_id",
      mz_source_info: "source_id",
      mz_sink_info: "sink_id",
    };
    for (const name of INFO_METRIC_NAMES) {
      const family = metricFamily(name)!;
      expect(family.type).toBe("gauge");
      expect(family.labels.length, name).toBeGreaterThan(2);
      expect(family.endpoints).toEqual(["environmentd"]);
      expect(family.introduced).toMatchObject({ version: "v26.29.0", precision: "exact" });
      expect(family.source).toContain("src/adapter/src/coord/info_metrics.rs@");
      const joins = family.info?.joins ?? [];
      expect(joins[0]?.label, name).toBe(joinLabels[name]);
      for (const join of joins) {
        expect(family.labels, name).toContain(join.label);
        expect(join.matches.length, `${name} ${join.label}`).toBeGreaterThan(0);
      }
    }
    expect(metricFamily("mz_object_info")?.labels).toEqual([
      "object_id",
      "global_id",
      "name",
      "schema_name",
      "database_name",
      "type",
    ]);
    expect(metricFamily("mz_object_info")?.info?.joins[1]).toMatchObject({
      label: "global_id",
      matches: expect.arrayContaining(["collection_id", "source_id", "sink_id"]),
    });
    expect(metricFamily("mz_replica_info")?.labels).toEqual([
      "replica_id",
      "cluster_id",
      "name",
      "size",
    ]);
    expect(metricFamily("mz_cluster_info")?.info?.joins[0]?.matches).toContain("instance_id");
  });

  it("serves the SQL-derived families as gauges on the four /metrics/mz_* endpoints of the scrape targets", () => {
    for (const endpoint of SQL_METRIC_ENDPOINTS) {
      const id = `environmentd_${endpoint}` as const;
      expect(METRIC_ENDPOINTS[id].path).toBe(`/metrics/${endpoint}`);
      const families = familiesOf(id);
      expect(families.length, endpoint).toBeGreaterThan(0);
      for (const family of families) {
        expect(family.type, family.name).toBe("gauge");
        expect(family.introduced?.version, family.name).toMatch(VERSION);
        expect(family.source, family.name).toContain("src/environmentd/src/http/prometheus.rs@");
        if (endpoint === "mz_compute") {
          expect(family.labels, family.name).toEqual(
            expect.arrayContaining(["replica_full_name", "instance_id", "replica_id"]),
          );
        }
      }
    }
    expect(familiesOf("environmentd_mz_frontier").map((f) => f.name)).toEqual([
      "mz_write_frontier",
      "mz_read_frontier",
      "mz_replica_write_frontiers",
    ]);
    expect(familiesOf("environmentd_mz_storage").map((f) => f.name)).toEqual([
      "mz_storage_objects",
    ]);
    expect(metricFamily("mz_tables_count")?.removed?.replacement).toContain("mz_object_info");
  });

  it("models each Materialize endpoint as the scrape target that collects it", () => {
    for (const [id, endpoint] of Object.entries(METRIC_ENDPOINTS) as [
      string,
      { target?: string; path?: string; portName?: string },
    ][]) {
      if (!endpoint.target) continue;
      const target = targets.get(endpoint.target);
      expect(target, id).toBeDefined();
      expect(target?.path, id).toBe(endpoint.path);
      expect(target?.portName, id).toBe(endpoint.portName);
    }
  });

  it("agrees with the scrape sources of src/metrics/sources.ts wherever both name a family", () => {
    for (const family of METRIC_CATALOGUE) {
      for (const id of family.endpoints) {
        const expected: string | undefined = (METRIC_ENDPOINTS[id] as EndpointFacts).scrapeSource;
        if (!expected) continue;
        for (const series of seriesNames(family)) {
          const source = metricSource(series);
          if (source) expect(source, series).toBe(expected);
        }
      }
    }
    const exporterNames = EXPORTER_METRICS.flatMap((l) => l.metrics.map((m) => [m, l.source]));
    for (const [name, source] of exporterNames) {
      const family = metricFamily(name!);
      if (family) {
        expect(
          family.endpoints.map((id) => (METRIC_ENDPOINTS[id] as EndpointFacts).scrapeSource),
        ).toContain(source);
      }
    }
  });

  it("renders as a Markdown table", () => {
    const markdown = renderMetricCatalogue();
    expect(markdown).toContain("| `mz_object_info` | gauge | object_id, global_id,");
    expect(markdown).toContain("environmentd internal-http (6878) /metrics/mz_usage");
    expect(markdown.split("\n").filter((l) => l.startsWith("| `")).length).toBe(
      METRIC_CATALOGUE.length,
    );
  });
});
