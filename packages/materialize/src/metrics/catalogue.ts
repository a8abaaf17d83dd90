/**
 * The metric catalogue: every metric family the package knows, with its type, labels,
 * endpoint, the Materialize version that introduced it and where it was confirmed. It is a
 * superset of the shared reference (`vendor/materialize-metrics.yaml`); a test keeps it so.
 */
import { INFO_FAMILIES, NATIVE_FAMILIES } from "./families-materialize.js";
import { SQL_FAMILIES } from "./families-sql.js";
import { SUBSTRATE_FAMILIES } from "./families-substrate.js";
import { type METRIC_ENDPOINTS, type MetricFamily, seriesNames } from "./model.js";

export { INFO_METRICS_SINCE, MZ_METRICS_APPENDIX } from "./families-materialize.js";
export { PER_REPLICA_LABELS, SQL_FAMILIES_SINCE } from "./families-sql.js";
export * from "./model.js";

/** The catalog info metrics (value 1, joined with `group_left` for names). */
export const INFO_METRIC_NAMES = [
  "mz_object_info",
  "mz_cluster_info",
  "mz_replica_info",
  "mz_source_info",
  "mz_sink_info",
] as const;

/** All families, Materialize's first. */
export const METRIC_CATALOGUE: readonly MetricFamily[] = [
  ...INFO_FAMILIES,
  ...NATIVE_FAMILIES,
  ...SQL_FAMILIES,
  ...SUBSTRATE_FAMILIES,
];

const BY_FAMILY = new Map<string, MetricFamily>();
const BY_SERIES = new Map<string, MetricFamily>();
for (const family of METRIC_CATALOGUE) {
  if (BY_FAMILY.has(family.name)) throw new Error(`metric family ${family.name} is listed twice`);
  BY_FAMILY.set(family.name, family);
  for (const series of seriesNames(family)) {
    const other = BY_SERIES.get(series);
    if (other) throw new Error(`series ${series} belongs to both ${other.name} and ${family.name}`);
    BY_SERIES.set(series, family);
  }
}

/** The family of a family name or a series name (`…_bucket`, `…_sum`, `…_count` included). */
export function metricFamily(name: string): MetricFamily | undefined {
  return BY_FAMILY.get(name) ?? BY_SERIES.get(name);
}

/** The families served by one endpoint of `METRIC_ENDPOINTS`. */
export function familiesOf(endpoint: keyof typeof METRIC_ENDPOINTS): MetricFamily[] {
  return METRIC_CATALOGUE.filter((f) => f.endpoints.includes(endpoint));
}
