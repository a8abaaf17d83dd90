import {
  METRIC_SOURCES,
  type MetricSource,
  metricSource,
  SCRAPE_SERIES,
} from "./metrics/sources.js";
import { SLO_RECORDED_NAMES, SLO_SOURCE_METRIC } from "./queries/recorded.js";
import { queryRegistry } from "./queries/registry.js";
import type { RenderedQuery } from "./queries/types.js";
import { RECORDING_RULES } from "./rules/definitions.js";
import { queryScope, type ResolvedMaterializeValues } from "./values.js";

/** A metric kept although no query reads it, and why. */
export interface BaseMetric {
  metric: string;
  reason: string;
}

/**
 * The small base set kept beyond what queries use. Each entry says why;
 * a test fails when an allow-list keeps anything that is neither used nor here.
 */
export const BASE_METRICS: Readonly<Record<MetricSource, readonly BaseMetric[]>> = {
  materialize: [
    {
      metric: "mz_compute_hydration_time_seconds",
      reason: "hydration time per replica; the MaterializeHydrationStuck runbook reads it ad hoc",
    },
  ],
  "kube-state-metrics": [],
  "node-exporter": [],
  kubelet: [],
  cadvisor: [],
  loki: [],
  thanos: [],
  alloy: [
    {
      metric: "alloy_build_info",
      reason:
        "the Alloy version in use, for upgrade checks in the AlloyDown and AlloyConfigLoadFailed runbooks",
    },
  ],
  alertmanager: [],
};

export interface MetricAllowList {
  source: MetricSource;
  /** Everything to keep, sorted: used metrics, the base set and the scrape series. */
  metrics: string[];
  /** Metrics the package's queries read, with the ids of the queries that read them. */
  used: Record<string, string[]>;
  base: readonly BaseMetric[];
  /** Series the scraper itself adds (`up`); kept so target health survives the filter. */
  scrapeSeries: readonly string[];
}

/** Metric names a query reads, with recorded series expanded to the metrics they are built from. */
export function sourceMetrics(
  query: RenderedQuery,
  registry: Map<string, RenderedQuery>,
): string[] {
  const out = new Set<string>();
  for (const metric of query.metrics) {
    if (SLO_RECORDED_NAMES.includes(metric)) {
      // Every freshness SLO series is built from the wallclock lag (rules/slos.ts).
      out.add(SLO_SOURCE_METRIC);
      continue;
    }
    const recording = RECORDING_RULES.find((r) => r.record === metric);
    if (recording) {
      const source = registry.get(recording.query);
      if (!source)
        throw new Error(
          `recording rule ${recording.record} refers to unknown query ${recording.query}`,
        );
      for (const inner of sourceMetrics(source, registry)) out.add(inner);
    } else {
      out.add(metric);
    }
  }
  return [...out].sort();
}

/** Per scrape source, the metrics the stack's queries use plus the documented base set. */
export function metricAllowLists(
  values: ResolvedMaterializeValues,
): Record<MetricSource, MetricAllowList> {
  const registry = queryRegistry(queryScope(values));
  const queries = new Map(registry.queries);
  const used = new Map<MetricSource, Map<string, Set<string>>>();
  for (const query of queries.values()) {
    for (const metric of sourceMetrics(query, queries)) {
      if (SCRAPE_SERIES.includes(metric)) continue;
      const source = metricSource(metric);
      if (!source) {
        throw new Error(
          `query ${query.id} reads ${metric}, which no exporter list or the Materialize reference names`,
        );
      }
      const bySource = used.get(source) ?? new Map<string, Set<string>>();
      bySource.set(metric, (bySource.get(metric) ?? new Set()).add(query.id));
      used.set(source, bySource);
    }
  }
  const out = {} as Record<MetricSource, MetricAllowList>;
  for (const source of METRIC_SOURCES) {
    const usedHere = used.get(source) ?? new Map<string, Set<string>>();
    const base = BASE_METRICS[source];
    const metrics = new Set<string>([
      ...usedHere.keys(),
      ...base.map((b) => b.metric),
      ...SCRAPE_SERIES,
    ]);
    out[source] = {
      source,
      metrics: [...metrics].sort(),
      used: Object.fromEntries(
        [...usedHere.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([m, ids]) => [m, [...ids].sort()]),
      ),
      base,
      scrapeSeries: SCRAPE_SERIES,
    };
  }
  return out;
}
