import { environmentQueries } from "./environment.js";
import { inhibitionQueries } from "./inhibition.js";
import { logQueries } from "./logs.js";
import { materializeQueries } from "./materialize.js";
import { parseProblems, promqlMetricNames } from "./parse.js";
import { platformQueries } from "./platform.js";
import type { QueryScope } from "./scope.js";
import { sloQueries } from "./slos.js";
import type { QueryDefinition, RenderedQuery } from "./types.js";

/** Every PromQL and LogQL expression the package uses, each defined once. */
export const QUERY_DEFINITIONS: readonly QueryDefinition[] = [
  ...materializeQueries,
  ...environmentQueries,
  ...platformQueries,
  ...logQueries,
  ...inhibitionQueries,
  ...sloQueries,
];

const duplicates = QUERY_DEFINITIONS.map((q) => q.id).filter(
  (id, index, ids) => ids.indexOf(id) !== index,
);
if (duplicates.length > 0) throw new Error(`duplicate query ids: ${duplicates.join(", ")}`);

export type QueryId = string;

/** A query that does not parse with the official grammar. */
export class QueryParseError extends Error {
  readonly failures: { id: string; expr: string; near: string }[];
  constructor(failures: { id: string; expr: string; near: string }[]) {
    super(
      failures
        .map((f) => `query ${f.id} does not parse near ${JSON.stringify(f.near)}:\n${f.expr}`)
        .join("\n"),
    );
    this.name = "QueryParseError";
    this.failures = failures;
  }
}

/** The registry rendered for one installation: every expression parsed, its metrics extracted. */
export interface QueryRegistry {
  readonly scope: QueryScope;
  readonly queries: ReadonlyMap<string, RenderedQuery>;
  /** The rendered query; throws for an unknown id (a bug in a rule or dashboard). */
  get(id: string): RenderedQuery;
}

export function renderQuery(definition: QueryDefinition, scope: QueryScope): RenderedQuery {
  const expr = definition.expr(scope);
  const language = definition.datasource === "prometheus" ? "promql" : "logql";
  const problems = parseProblems(language, expr);
  if (problems.length > 0) {
    throw new QueryParseError([{ id: definition.id, expr, near: problems[0]?.near ?? "" }]);
  }
  const { expr: _template, ...rest } = definition;
  return { ...rest, expr, metrics: language === "promql" ? promqlMetricNames(expr) : [] };
}

/** Renders and parses every query; all parse failures are reported at once. */
export function queryRegistry(scope: QueryScope): QueryRegistry {
  const queries = new Map<string, RenderedQuery>();
  const failures: QueryParseError["failures"] = [];
  for (const definition of QUERY_DEFINITIONS) {
    try {
      queries.set(definition.id, renderQuery(definition, scope));
    } catch (error) {
      if (error instanceof QueryParseError) failures.push(...error.failures);
      else throw error;
    }
  }
  if (failures.length > 0) throw new QueryParseError(failures);
  return {
    scope,
    queries,
    get(id) {
      const query = queries.get(id);
      if (!query) throw new Error(`unknown query id ${id}`);
      return query;
    },
  };
}
