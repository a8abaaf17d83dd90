/**
 * The model of the metric catalogue: one entry per metric family, with its
 * type, labels, the endpoint that serves it, the Materialize version that
 * introduced it and where each fact was confirmed.
 */
import { COPIED_POD_LABELS, MZ_PORT, type SqlMetricEndpoint } from "../constants.js";
import type { MetricSource } from "./sources.js";

/** Prometheus metric types. */
export type MetricType = "counter" | "gauge" | "histogram" | "summary";

/**
 * How far a family's facts are confirmed:
 * - `source`: name, labels and type read in the producer's source code (see `source`);
 * - `documentation`: name and labels from the producer's documentation; the type comes from
 *   the documented help text or the naming convention and was not read in source;
 * - `reference-only`: only the shared reference lists the name; it was not found in the
 *   producer's public source or documentation (typically a Materialize Cloud series).
 */
export type MetricEvidence = "source" | "documentation" | "reference-only";

/** Whether self-managed Materialize exposes the family, or only Materialize Cloud does. */
export type MetricDeployment = "self-managed" | "cloud-only";

/** A Materialize release boundary (introduced or removed). */
export interface MaterializeVersion {
  /** A Materialize release, `vMAJOR.MINOR.PATCH`. */
  version: string;
  /**
   * `exact`: the first release with (or without) the family; `at-or-before`: the family is known
   * to be present (or gone) in this release, the first such release is not confirmed.
   */
  precision: "exact" | "at-or-before";
  /** Where the version comes from (repo path@ref, pull request, URL). */
  evidence: string;
}

/** An id label of an info metric and the labels other families carry the same id in. */
export interface InfoJoin {
  /** The label of the info metric. */
  label: string;
  /**
   * Labels of other families holding the same id. Rename with `label_replace` to `label`
   * (or the reverse) before `* on (...) group_left (...)`.
   */
  matches: readonly string[];
}

/** Where a family is served and which of this package's scrape targets collects it. */
export interface MetricEndpoint {
  /** The process or exporter serving it. */
  origin: string;
  /** Container port name, when this package scrapes it. */
  portName?: string;
  port?: number;
  /** HTTP path; undefined for series a scraper synthesises. */
  path?: string;
  /** `ScrapeTarget.name` (src/targets/targets.ts) of the target that collects it, if any. */
  target?: string;
  /** The allow-list scrape source (src/metrics/sources.ts); undefined when the stack scrapes no such source. */
  scrapeSource?: MetricSource;
  /** Labels the scrape adds to every series of this endpoint (target relabeling, `job`, `instance`). */
  targetLabels: readonly string[];
  /** How the endpoint is reached, where that matters (authentication, cost). */
  note?: string;
}

/** One metric family. */
export interface MetricFamily {
  /** The family name: a histogram's or summary's series add `_bucket`/`_sum`/`_count`. */
  name: string;
  type: MetricType;
  help?: string;
  /** Labels the endpoint exposes (before scrape relabeling), `le`/`quantile` excluded. */
  labels: readonly string[];
  /**
   * Labels the shared reference shows that neither the endpoint nor this package's scrape adds
   * (another deployment's relabeling); kept so the catalogue stays a superset of the reference.
   */
  addedLabels?: readonly string[];
  /** Keys of `METRIC_ENDPOINTS` serving the family. */
  endpoints: readonly EndpointId[];
  evidence: MetricEvidence;
  /** Where the facts were confirmed: a URL or `owner/repo:path@ref`, several separated by `; `. */
  source: string;
  deployment?: MetricDeployment;
  /** The Materialize release that introduced it (required for additions to the reference). */
  introduced?: MaterializeVersion;
  /** The Materialize release that no longer has it. */
  removed?: MaterializeVersion & { replacement?: string };
  /** For info metrics (value always 1): the id labels other families join on, primary first. */
  info?: { joins: readonly InfoJoin[] };
  notes?: string;
}

const MZ_SCRAPE_LABELS: readonly string[] = [
  "job",
  "instance",
  "namespace",
  "pod",
  "container",
  ...COPIED_POD_LABELS.map((l) => l.label),
];
const POD_SCRAPE_LABELS: readonly string[] = ["job", "instance", "namespace", "pod", "container"];

const environmentdSql = (endpoint: SqlMetricEndpoint): MetricEndpoint => ({
  origin: "environmentd",
  portName: MZ_PORT.internalHttpName,
  port: MZ_PORT.internalHttp,
  path: `/metrics/${endpoint}`,
  target: `environmentd_${endpoint}`,
  scrapeSource: "materialize",
  targetLabels: MZ_SCRAPE_LABELS,
  note: "SQL-derived: every scrape runs catalog queries as the SQL role the basic-auth user name picks; /metrics/mz_compute sees only clusters that role has USAGE on",
});

/**
 * The endpoints the catalogue's families are served on. Materialize's carry the port and
 * target of src/targets/targets.ts; the exporters' ports depend on their deployment.
 */
export const METRIC_ENDPOINTS = {
  environmentd: {
    origin: "environmentd",
    portName: MZ_PORT.internalHttpName,
    port: MZ_PORT.internalHttp,
    path: "/metrics",
    target: "environmentd",
    scrapeSource: "materialize",
    targetLabels: MZ_SCRAPE_LABELS,
  },
  environmentd_mz_compute: environmentdSql("mz_compute"),
  environmentd_mz_frontier: environmentdSql("mz_frontier"),
  environmentd_mz_storage: environmentdSql("mz_storage"),
  environmentd_mz_usage: environmentdSql("mz_usage"),
  clusterd: {
    origin: "clusterd",
    portName: MZ_PORT.internalHttpName,
    port: MZ_PORT.internalHttp,
    path: "/metrics",
    target: "clusterd",
    scrapeSource: "materialize",
    targetLabels: MZ_SCRAPE_LABELS,
  },
  "kube-state-metrics": {
    origin: "kube-state-metrics",
    path: "/metrics",
    scrapeSource: "kube-state-metrics",
    targetLabels: ["job", "instance"],
  },
  cadvisor: {
    origin: "kubelet (cAdvisor)",
    path: "/metrics/cadvisor",
    scrapeSource: "cadvisor",
    targetLabels: ["job", "instance"],
  },
  kubelet: {
    origin: "kubelet",
    path: "/metrics",
    scrapeSource: "kubelet",
    targetLabels: ["job", "instance"],
  },
  "node-exporter": {
    origin: "node-exporter",
    path: "/metrics",
    scrapeSource: "node-exporter",
    targetLabels: ["job", "instance"],
  },
  loki: { origin: "loki", path: "/metrics", scrapeSource: "loki", targetLabels: POD_SCRAPE_LABELS },
  alloy: {
    origin: "alloy",
    path: "/metrics",
    scrapeSource: "alloy",
    targetLabels: POD_SCRAPE_LABELS,
  },
  scraper: {
    origin: "the scraper (Prometheus or Alloy), per target",
    targetLabels: MZ_SCRAPE_LABELS,
    note: "synthesised for every target; carries the target's labels",
  },
  "cert-manager": { origin: "cert-manager", path: "/metrics", targetLabels: POD_SCRAPE_LABELS },
  cilium: { origin: "cilium-agent", path: "/metrics", targetLabels: POD_SCRAPE_LABELS },
  coredns: { origin: "coredns", path: "/metrics", targetLabels: POD_SCRAPE_LABELS },
  "cockroachdb-cloud": {
    origin: "CockroachDB Cloud (dedicated) metrics export",
    targetLabels: [],
    note: "not part of a self-managed deployment",
  },
  "materialize-cloud": {
    origin: "Materialize Cloud platform (promsql exporter, external uptime checker)",
    targetLabels: [],
    note: "not part of a self-managed deployment",
  },
} as const satisfies Record<string, MetricEndpoint>;

export type EndpointId = keyof typeof METRIC_ENDPOINTS;

/** The series names a family exposes. */
export function seriesNames(family: Pick<MetricFamily, "name" | "type">): string[] {
  switch (family.type) {
    case "histogram":
      return [`${family.name}_bucket`, `${family.name}_sum`, `${family.name}_count`];
    case "summary":
      return [family.name, `${family.name}_sum`, `${family.name}_count`];
    default:
      return [family.name];
  }
}

/**
 * The labels a series of the family carries once scraped: its own, the ones its endpoints'
 * targets add, `le` on histogram buckets and `quantile` on summary quantiles.
 */
export function seriesLabels(family: MetricFamily, series: string): string[] {
  const labels = new Set<string>([...family.labels, ...(family.addedLabels ?? [])]);
  for (const id of family.endpoints) {
    for (const label of METRIC_ENDPOINTS[id].targetLabels) labels.add(label);
  }
  if (family.type === "histogram" && series === `${family.name}_bucket`) labels.add("le");
  if (family.type === "summary" && series === family.name) labels.add("quantile");
  return [...labels].sort();
}
