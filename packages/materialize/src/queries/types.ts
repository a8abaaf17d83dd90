import type { QueryScope } from "./scope.js";

export type Datasource = "prometheus" | "loki";

/** One PromQL or LogQL expression, defined once and used by rules and panels by id. */
export interface QueryDefinition {
  /** Stable id, `<area>.<name>`; rules and panels refer to it. */
  id: string;
  datasource: Datasource;
  /** What the expression measures, in one line. */
  description: string;
  /** Grafana unit of the result (`s`, `bytes`, `percentunit`, ...). */
  unit?: string;
  /** Grafana legend format. */
  legend?: string;
  /** The expression, for an installation's namespaces and job names. */
  expr: (scope: QueryScope) => string;
}

/** A query with its expression rendered for one scope. */
export interface RenderedQuery extends Omit<QueryDefinition, "expr"> {
  expr: string;
  /** Metric names the expression reads (PromQL), from the parse tree. */
  metrics: string[];
}
