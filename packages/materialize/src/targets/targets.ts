import { durationSeconds, valuesError } from "@materialize-monitoring/core";
import {
  COPIED_POD_LABELS,
  MZ_JOB,
  MZ_POD_LABEL,
  MZ_PORT,
  SQL_METRIC_ENDPOINTS,
  sanitizeLabelName,
} from "../constants.js";
import type { ResolvedMaterializeValues } from "../values.js";

/** One Prometheus relabel rule; the same fields Alloy's `rule` blocks take. */
export interface RelabelRule {
  sourceLabels?: string[];
  separator?: string;
  regex?: string;
  targetLabel?: string;
  replacement?: string;
  action?: "replace" | "keep" | "drop" | "labelmap" | "labeldrop" | "labelkeep";
}

/** A pod label that must have a value; a pod matches a target when it matches any of its selectors. */
export interface PodLabelSelector {
  label: string;
  value: string;
  /** Why the selector exists (e.g. the fallback for older Materialize). */
  note?: string;
}

/** Basic auth read from a Kubernetes Secret; never a literal credential. */
export interface BasicAuthFromSecret {
  /** The Secret, in `namespace` when set, else in each scraped pod's namespace. */
  secretName: string;
  usernameKey: string;
  passwordKey: string;
  /** Where the Secret is read instead (sqlMetrics.secret.namespace); the pods' own when unset. */
  namespace?: string;
}

/** A Materialize scrape target as data: the Prometheus and Alloy exports are built from it. */
export interface ScrapeTarget {
  /** Stable name, also the Alloy component label (`environmentd`, `environmentd_mz_compute`, ...). */
  name: string;
  job: string;
  role: "pod";
  namespaces: string[];
  selectors: PodLabelSelector[];
  /** Server-side discovery filters (Kubernetes label/field selectors), an optimisation; relabelings decide. */
  discoverySelectors: { label?: string; field?: string };
  portName: string;
  path: string;
  scheme: "http";
  interval: string;
  timeout: string;
  basicAuth?: BasicAuthFromSecret;
  /** Target relabeling: keep Running pods matching a selector and the port, copy the Materialize pod labels. */
  relabelings: RelabelRule[];
  /** Metric relabeling: the allow-list keep rule when `scrape.filterMetrics` is on. */
  metricRelabelings: RelabelRule[];
}

const meta = {
  phase: "__meta_kubernetes_pod_phase",
  portName: "__meta_kubernetes_pod_container_port_name",
  namespace: "__meta_kubernetes_namespace",
  pod: "__meta_kubernetes_pod_name",
  container: "__meta_kubernetes_pod_container_name",
  podLabel: (label: string) => `__meta_kubernetes_pod_label_${sanitizeLabelName(label)}`,
};

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Keep rules for selection. Several selectors are alternatives: the rule
 * joins their labels with `;` and keeps a pod when any position matches.
 */
export function selectionRelabelings(
  selectors: readonly PodLabelSelector[],
  portName: string,
): RelabelRule[] {
  const alternatives = selectors.map((selector, index) =>
    selectors.map((_, i) => (i === index ? escapeRegex(selector.value) : ".*")).join(";"),
  );
  return [
    { sourceLabels: [meta.phase], regex: "Running", action: "keep" },
    {
      sourceLabels: selectors.map((s) => meta.podLabel(s.label)),
      separator: ";",
      regex: alternatives.join("|"),
      action: "keep",
    },
    { sourceLabels: [meta.portName], regex: escapeRegex(portName), action: "keep" },
  ];
}

/** Copies namespace, pod, container and the Materialize pod labels onto every series. */
export function labelRelabelings(): RelabelRule[] {
  return [
    { sourceLabels: [meta.namespace], targetLabel: "namespace" },
    { sourceLabels: [meta.pod], targetLabel: "pod" },
    { sourceLabels: [meta.container], targetLabel: "container" },
    ...COPIED_POD_LABELS.map(({ podLabel, label }) => ({
      sourceLabels: [meta.podLabel(podLabel)],
      targetLabel: label,
    })),
  ];
}

/** The keep rule of an allow-list; names are literal, so they are escaped. */
export function allowListRelabeling(metrics: readonly string[]): RelabelRule {
  return {
    sourceLabels: ["__name__"],
    regex: [...metrics].sort().map(escapeRegex).join("|"),
    action: "keep",
  };
}

export interface TargetOptions {
  /** Metric names to keep (the Materialize allow-list); nothing is filtered when undefined. */
  allowList?: readonly string[];
}

/** The Materialize scrape targets for these values. */
export function scrapeTargets(
  values: ResolvedMaterializeValues,
  options: TargetOptions = {},
): ScrapeTarget[] {
  const { scrape, namespaces } = values;
  const metricRelabelings =
    scrape.filterMetrics && options.allowList ? [allowListRelabeling(options.allowList)] : [];
  const running = "status.phase=Running";
  const base = (
    name: string,
    job: string,
    targetNamespaces: string[],
    selectors: PodLabelSelector[],
    portName: string,
  ): ScrapeTarget => ({
    name,
    job,
    role: "pod",
    namespaces: targetNamespaces,
    selectors,
    discoverySelectors:
      selectors.length === 1 && selectors[0]
        ? { label: `${selectors[0].label}=${selectors[0].value}`, field: running }
        : { field: running },
    portName,
    path: "/metrics",
    scheme: "http",
    interval: scrape.interval,
    timeout: scrape.timeout,
    relabelings: [...selectionRelabelings(selectors, portName), ...labelRelabelings()],
    metricRelabelings,
  });

  const environmentdSelectors: PodLabelSelector[] = [
    { label: MZ_POD_LABEL.name, value: "environmentd" },
  ];
  if (scrape.legacyEnvironmentdSelector) {
    environmentdSelectors.push({
      label: MZ_POD_LABEL.app,
      value: "environmentd",
      note: "Materialize before v26.24.0 labels environmentd pods only with app=environmentd",
    });
  }
  const environments = [...namespaces.environments];
  const environmentd = base(
    MZ_JOB.environmentd,
    MZ_JOB.environmentd,
    environments,
    environmentdSelectors,
    MZ_PORT.internalHttpName,
  );
  const targets: ScrapeTarget[] = [{ ...environmentd, name: "environmentd" }];

  if (scrape.sqlMetrics.enabled) {
    const { secret } = scrape.sqlMetrics;
    for (const endpoint of SQL_METRIC_ENDPOINTS) {
      targets.push({
        ...environmentd,
        name: `environmentd_${endpoint}`,
        job: MZ_JOB.sql(endpoint),
        path: `/metrics/${endpoint}`,
        interval: scrape.sqlMetrics.interval,
        timeout: scrape.sqlMetrics.timeout,
        basicAuth: {
          secretName: secret.name,
          usernameKey: secret.usernameKey,
          passwordKey: secret.passwordKey,
          ...(secret.namespace ? { namespace: secret.namespace } : {}),
        },
      });
    }
  }
  targets.push({
    ...base(
      MZ_JOB.clusterd,
      MZ_JOB.clusterd,
      environments,
      [{ label: MZ_POD_LABEL.clusterdType, value: "cluster" }],
      MZ_PORT.internalHttpName,
    ),
    name: "clusterd",
  });
  if (scrape.balancerd) {
    targets.push({
      ...base(
        MZ_JOB.balancerd,
        MZ_JOB.balancerd,
        environments,
        [{ label: MZ_POD_LABEL.app, value: "balancerd" }],
        MZ_PORT.internalHttpName,
      ),
      name: "balancerd",
    });
  }
  if (scrape.operator) {
    targets.push({
      ...base(
        MZ_JOB.operator,
        MZ_JOB.operator,
        [namespaces.operator],
        [{ label: MZ_POD_LABEL.name, value: "materialize-operator" }],
        MZ_PORT.operatorMetricsName,
      ),
      name: "operator",
    });
  }
  for (const target of targets) {
    if (durationSeconds(target.timeout) > durationSeconds(target.interval)) {
      throw valuesError(
        target.basicAuth ? "materialize.scrape.sqlMetrics.timeout" : "materialize.scrape.timeout",
        `the scrape timeout (${target.timeout}) is longer than the interval (${target.interval})`,
        "Prometheus and Alloy reject a timeout above the interval; lower the timeout",
      );
    }
  }
  return targets;
}

/** Kept for this package's API; the parser lives in core. */
export { durationSeconds } from "@materialize-monitoring/core";
