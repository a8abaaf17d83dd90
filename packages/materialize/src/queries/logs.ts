import { MZ_CONTAINER, MZ_LABEL } from "../constants.js";
import { ns, type QueryScope } from "./scope.js";
import type { QueryDefinition } from "./types.js";

/** A Rust panic: the line begins `thread '<name>' panicked at <file>:<line>:<col>`. */
export const PANIC_LINE_REGEX = "^thread '[^']*' panicked at ";

/**
 * The panic message of persist's filter-pushdown audit: a part that filtering
 * by its stats would have skipped held matching rows (`persist_source` in
 * MaterializeInc/materialize). The message is not a contract (Materialize's own
 * alerting keys on a Sentry tag), so a rule matching it is best-effort.
 */
export const PUSHDOWN_VIOLATION_TEXT = "persist filter pushdown correctness violation";

const mz = (s: QueryScope) => `namespace=~"${ns.materialize(s)}"`;
const env = `${MZ_LABEL.environment}=~"$environment"`;
/** A LogQL double-quoted string: Go string syntax, which JSON's escapes are a subset of. */
const logqlString = (text: string) => JSON.stringify(text);
const events = (s: QueryScope) => `{job=${logqlString(s.kubernetesEventsJob)}, ${mz(s)}}`;

/** The query the dashboards' "Explore logs" link opens. */
export const logExploreQuery = "logs.explore";

/** LogQL over the streams the log stages produce (see logs/stages.ts for labels and metadata). */
export const logQueries: QueryDefinition[] = [
  {
    id: "logs.panics",
    datasource: "loki",
    description: "Panic lines per Materialize container in the last 5 minutes.",
    expr: (s) =>
      `sum by (namespace, container) (count_over_time({${mz(s)}} |~ \`${PANIC_LINE_REGEX}\` [5m]))`,
  },
  {
    id: "logs.correctness_errors",
    datasource: "loki",
    description:
      "Log lines reporting a data-correctness problem (e.g. non-positive accumulations) in the last 5 minutes.",
    expr: (s) =>
      `sum by (namespace, container) (count_over_time({${mz(s)}} |~ \`${s.correctnessPattern}\` [5m]))`,
  },
  {
    id: "logs.pushdown_violations",
    datasource: "loki",
    description:
      "Log lines reporting a persist filter-pushdown correctness violation per Materialize container in the last 5 minutes.",
    expr: (s) =>
      `sum by (namespace, container) (count_over_time({${mz(s)}} |= \`${PUSHDOWN_VIOLATION_TEXT}\` [5m]))`,
  },
  {
    id: "logs.volume_by_level",
    datasource: "loki",
    description: "Materialize log lines per interval, by normalised level.",
    legend: "{{level}}",
    expr: (s) => `sum by (level) (count_over_time({${mz(s)}} | ${env} [$__interval]))`,
  },
  {
    id: "logs.materialize",
    datasource: "loki",
    description: "Materialize log lines of the selected levels and environments.",
    expr: (s) => `{${mz(s)}, level=~"$level"} | ${env}`,
  },
  {
    id: "logs.replica",
    datasource: "loki",
    description: "clusterd log lines of the selected clusters and replicas.",
    expr: (s) =>
      `{namespace=~"${ns.environments(s)}", container="${MZ_CONTAINER.clusterd}", level=~"$level"} | ${env} | ${MZ_LABEL.clusterId}=~"$cluster" | ${MZ_LABEL.replicaId}=~"$replica"`,
  },
  {
    id: logExploreQuery,
    datasource: "loki",
    description:
      "Materialize log lines of every level and environment, for Explore (a link cannot format the dashboard's multi-value variables as LogQL regexes).",
    expr: (s) => `{${mz(s)}}`,
  },
  {
    id: "logs.panic_lines",
    datasource: "loki",
    description: "Panic lines, with their location in structured metadata.",
    expr: (s) => `{${mz(s)}} |~ \`${PANIC_LINE_REGEX}\``,
  },
  {
    id: "logs.correctness_lines",
    datasource: "loki",
    description: "Log lines reporting a data-correctness problem.",
    expr: (s) => `{${mz(s)}} |~ \`${s.correctnessPattern}\``,
  },
  {
    id: "logs.kubernetes_events",
    datasource: "loki",
    description: "Kubernetes events of the Materialize namespaces.",
    expr: (s) => events(s),
  },
  {
    id: "logs.warning_events_by_reason",
    datasource: "loki",
    description: "Warning events per interval, by reason.",
    legend: "{{reason}}",
    expr: (s) =>
      `sum by (reason) (count_over_time(${events(s)} | logfmt | type="Warning" [$__interval]))`,
  },
];
