import { MZ_JOB } from "../constants.js";

/**
 * What a query needs to know about the installation: the namespaces
 * Materialize runs in and the `job` label regexes of the stack's own
 * components. Built from the package values; queries are functions of it.
 */
export interface QueryScope {
  namespaces: {
    /** Namespace of the Materialize operator (orchestratord). */
    operator: string;
    /** Namespaces of Materialize environments (environmentd, clusterd, balancerd). */
    environments: readonly string[];
    /** Namespace of the monitoring stack. */
    monitoring: string;
  };
  /** `job` regexes of the stack's components, as their scrape jobs label them. */
  stackJobs: { loki: string; thanos: string; alloy: string; alertmanager: string };
  /** The `job` stream label of Kubernetes events shipped to Loki. */
  kubernetesEventsJob: string;
  /** LogQL regex of Materialize log lines that report a data-correctness problem. */
  correctnessPattern: string;
}

/** A regex alternation of names (Kubernetes names need no escaping). */
function alternation(names: readonly string[]): string {
  return [...new Set(names)].join("|");
}

export const ns = {
  /** Every namespace Materialize runs in (operator and environments). */
  materialize: (s: QueryScope) =>
    alternation([s.namespaces.operator, ...s.namespaces.environments]),
  environments: (s: QueryScope) => alternation(s.namespaces.environments),
  /** Namespaces the infrastructure rules watch: Materialize's and the stack's. */
  watched: (s: QueryScope) =>
    alternation([s.namespaces.operator, ...s.namespaces.environments, s.namespaces.monitoring]),
};

/** Every Materialize scrape job except the SQL-derived ones. */
export const MZ_PROCESS_JOBS = alternation([
  MZ_JOB.environmentd,
  MZ_JOB.clusterd,
  MZ_JOB.balancerd,
  MZ_JOB.operator,
]);
