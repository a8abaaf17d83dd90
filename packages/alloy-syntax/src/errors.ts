/**
 * Errors for things a caller can fix: a bad argument to a component, an
 * invalid identifier, a reference to a component that is not in the file.
 *
 * The shape (`problems` of `{ path, message, hint }`, printed as
 * `path: message (hint)`) matches `ValuesError` in
 * `@materialize-monitoring/core`, so component packages can re-throw these
 * problems unchanged.
 */

export interface AlloyProblem {
  /** Where the problem is, e.g. `prometheus.scrape "pods".scrape_interval`. */
  readonly path: string;
  readonly message: string;
  /** How to fix it. */
  readonly hint?: string;
}

export function formatAlloyProblems(problems: readonly AlloyProblem[]): string {
  return problems
    .map((p) => `${p.path || "(root)"}: ${p.message}${p.hint ? ` (${p.hint})` : ""}`)
    .join("\n");
}

/** Thrown for invalid input to the builder, the component constructors or the printer. */
export class AlloyValueError extends Error {
  readonly problems: readonly AlloyProblem[];

  constructor(problems: readonly AlloyProblem[]) {
    super(formatAlloyProblems(problems));
    this.name = "AlloyValueError";
    this.problems = problems;
  }
}

export function valueError(path: string, message: string, hint?: string): AlloyValueError {
  return new AlloyValueError([hint === undefined ? { path, message } : { path, message, hint }]);
}
