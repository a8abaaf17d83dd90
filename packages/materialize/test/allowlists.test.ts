import { describe, expect, it } from "vitest";
import { BASE_METRICS, metricAllowLists, sourceMetrics } from "../src/allowlists.js";
import {
  EXPORTER_METRICS,
  METRIC_SOURCES,
  metricSource,
  SCRAPE_SERIES,
} from "../src/metrics/sources.js";
import { queryRegistry } from "../src/queries/registry.js";
import { materializeValues, queryScope } from "../src/values.js";
import { referenceMetrics, VENDORED_REFERENCE } from "./support/reference.js";

const values = materializeValues.parse({});
const lists = metricAllowLists(values);
const registry = queryRegistry(queryScope(values));
const queries = new Map(registry.queries);

describe("metric allow-lists", () => {
  it("has a list for every scrape source", () => {
    expect(Object.keys(lists).sort()).toEqual([...METRIC_SOURCES].sort());
  });

  it("drops nothing a query uses (recorded series expanded to their inputs)", () => {
    const dropped: string[] = [];
    for (const query of queries.values()) {
      for (const metric of sourceMetrics(query, queries)) {
        if (SCRAPE_SERIES.includes(metric)) {
          for (const source of METRIC_SOURCES) expect(lists[source].metrics).toContain(metric);
          continue;
        }
        const source = metricSource(metric);
        if (!source || !lists[source].metrics.includes(metric))
          dropped.push(`${query.id}: ${metric}`);
      }
    }
    expect(dropped).toEqual([]);
  });

  it("keeps nothing unused unless it is in the documented base set", () => {
    for (const source of METRIC_SOURCES) {
      const list = lists[source];
      for (const metric of list.metrics) {
        const reason = list.used[metric] ?? list.base.find((b) => b.metric === metric)?.reason;
        const scrape = SCRAPE_SERIES.includes(metric);
        expect(
          Boolean(reason) || scrape,
          `${source} keeps ${metric} without a use or a reason`,
        ).toBe(true);
      }
    }
  });

  it("expands recorded series to the metrics they are built from", () => {
    const alert = registry.get("freshness.system_cluster_lag");
    expect(alert.metrics).toEqual(["mz_cluster:mz_dataflow_wallclock_lag_seconds:max"]);
    expect(sourceMetrics(alert, queries)).toEqual(["mz_dataflow_wallclock_lag_seconds"]);
    expect(lists.materialize.used["mz_dataflow_wallclock_lag_seconds"]).toContain(
      "freshness.system_cluster_lag",
    );
  });

  it("gives every base metric a reason, and names only metrics that exist in that source", () => {
    const reference = referenceMetrics(VENDORED_REFERENCE);
    for (const source of METRIC_SOURCES) {
      for (const base of BASE_METRICS[source]) {
        expect(base.reason.length).toBeGreaterThan(20);
        expect(metricSource(base.metric)).toBe(source);
        const exists =
          source === "materialize"
            ? reference.has(base.metric)
            : EXPORTER_METRICS.some((l) => l.source === source && l.metrics.includes(base.metric));
        expect(exists, base.metric).toBe(true);
      }
    }
  });

  it("pins the lists", () => {
    expect(Object.fromEntries(METRIC_SOURCES.map((s) => [s, lists[s].metrics]))).toMatchSnapshot();
  });
});
