import { describe, expect, it } from "vitest";
import { metricAllowLists } from "../src/allowlists.js";
import { renderCatalogue } from "../src/catalogue.js";
import { METRIC_ENDPOINTS, metricFamily } from "../src/metrics/catalogue.js";
import { EXPORTER_METRICS, METRIC_SOURCES, metricSource } from "../src/metrics/sources.js";
import {
  gatewayMetricTiers,
  METRIC_TIERS,
  metricTierLists,
  RECOMMENDED_METRICS,
  renderMetricTiers,
} from "../src/tiers.js";
import { materializeValues } from "../src/values.js";

const values = materializeValues.parse({});
const allowLists = metricAllowLists(values);
const tiers = metricTierLists(values);

describe("metric tiers", () => {
  it("orders the tiers narrowest first", () => {
    expect(METRIC_TIERS).toEqual(["essential", "recommended", "all"]);
  });

  it("makes essential exactly the derived allow-list of every source", () => {
    for (const source of METRIC_SOURCES) {
      expect(tiers[source].essential, source).toEqual(allowLists[source].metrics);
    }
  });

  it("makes recommended essential plus the curated additions, nothing else", () => {
    for (const source of METRIC_SOURCES) {
      const t = tiers[source];
      for (const m of t.essential) expect(t.recommended, `${source} ${m}`).toContain(m);
      const extra = t.recommended.filter((m) => !t.essential.includes(m));
      expect(extra, source).toEqual(t.added.map((a) => a.metric));
      expect(new Set(t.recommended).size).toBe(t.recommended.length);
      expect([...t.recommended].sort()).toEqual(t.recommended);
    }
    // Every source gets something for ad-hoc diagnosis.
    for (const source of METRIC_SOURCES)
      expect(tiers[source].added.length, source).toBeGreaterThan(0);
  });

  it("names only real metrics of the source, each with a reason", () => {
    for (const source of METRIC_SOURCES) {
      const names = RECOMMENDED_METRICS[source].map((m) => m.metric);
      expect(new Set(names).size, source).toBe(names.length);
      for (const { metric, reason } of RECOMMENDED_METRICS[source]) {
        expect(reason.length, metric).toBeGreaterThan(10);
        expect(metricSource(metric), metric).toBe(source);
        if (source === "materialize") {
          // A catalogue family served on a Materialize endpoint of self-managed Materialize.
          const family = metricFamily(metric);
          expect(family, metric).toBeDefined();
          expect(family?.deployment, metric).not.toBe("cloud-only");
          expect(
            family?.endpoints.some(
              (id) =>
                (METRIC_ENDPOINTS[id] as { scrapeSource?: string }).scrapeSource === "materialize",
            ),
            metric,
          ).toBe(true);
        } else {
          const listed = EXPORTER_METRICS.some(
            (l) => l.source === source && l.metrics.includes(metric),
          );
          expect(listed, `${metric} is not in the ${source} exporter list`).toBe(true);
        }
      }
    }
  });

  it("hands the gateway both lists per source", () => {
    const gateway = gatewayMetricTiers(tiers);
    expect(Object.keys(gateway.essential).sort()).toEqual([...METRIC_SOURCES].sort());
    expect(gateway.recommended["node-exporter"]).toContain("node_load1");
    expect(gateway.essential["node-exporter"]).not.toContain("node_load1");
    expect(gateway.essential.materialize).toEqual(allowLists.materialize.metrics);
  });

  it("documents every series each tier adds in the generated catalogue", () => {
    const markdown = renderCatalogue(values);
    expect(markdown).toContain(renderMetricTiers(tiers).trimEnd());
    for (const source of METRIC_SOURCES) {
      for (const added of tiers[source].added) {
        expect(markdown).toContain(`| \`${added.metric}\` | ${added.reason} |`);
      }
    }
  });

  it("pins what recommended adds", () => {
    expect(
      Object.fromEntries(METRIC_SOURCES.map((s) => [s, tiers[s].added.map((a) => a.metric)])),
    ).toMatchSnapshot();
  });
});
