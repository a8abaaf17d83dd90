import type { z } from "zod";

/** One problem with user values: where, what, and how to fix it. */
export interface ValueProblem {
  path: string;
  message: string;
  hint?: string;
}

/**
 * Thrown for anything a user can fix in their values. The CLI prints
 * `formatProblems(problems)` and exits 1; it never prints a stack for these.
 */
export class ValuesError extends Error {
  readonly problems: ValueProblem[];
  constructor(problems: ValueProblem[]) {
    super(formatProblems(problems));
    this.name = "ValuesError";
    this.problems = problems;
  }
}

export function formatProblems(problems: readonly ValueProblem[]): string {
  return problems
    .map((p) => `${p.path || "(root)"}: ${p.message}${p.hint ? ` (${p.hint})` : ""}`)
    .join("\n");
}

/** Joins a path such as ["loki", "write", 0, "name"] into `loki.write[0].name`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

/** Levenshtein distance, small and dependency-free, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min(
        (row[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        previous + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3))
    ? best
    : undefined;
}

/** Keys a strict object schema accepts at `path`, used for "did you mean" hints. */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema;
  for (const segment of path) {
    current = current ? childSchema(current, segment) : undefined;
  }
  const shape = current ? objectShape(current) : undefined;
  return shape ? Object.keys(shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (let depth = 0; depth < 20; depth++) {
    const def = current._zod.def as { innerType?: z.ZodType; in?: z.ZodType; type: string };
    if (def.innerType) current = def.innerType;
    else if (def.type === "pipe" && def.in) current = def.in;
    else break;
  }
  return current;
}

function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const def = unwrap(schema)._zod.def as { type: string; shape?: Record<string, z.ZodType> };
  return def.type === "object" ? def.shape : undefined;
}

function childSchema(schema: z.ZodType, segment: PropertyKey): z.ZodType | undefined {
  const inner = unwrap(schema);
  const def = inner._zod.def as {
    type: string;
    shape?: Record<string, z.ZodType>;
    element?: z.ZodType;
    valueType?: z.ZodType;
  };
  if (def.type === "object" && typeof segment === "string") return def.shape?.[segment];
  if (def.type === "array") return def.element;
  if (def.type === "record") return def.valueType;
  return undefined;
}

/** Turns zod issues into `path: message (hint)` problems, with the nearest key for typos. */
export function zodProblems(
  error: z.ZodError,
  schema?: z.ZodType,
  prefix: readonly PropertyKey[] = [],
): ValueProblem[] {
  const problems: ValueProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      const known = schema ? knownKeysAt(schema, issue.path) : [];
      for (const key of issue.keys) {
        const suggestion = closest(key, known);
        problems.push({
          path: formatPath([...prefix, ...issue.path, key]),
          message: "unknown key",
          hint: suggestion
            ? `did you mean "${suggestion}"?`
            : known.length > 0
              ? `valid keys here: ${known.join(", ")}`
              : "remove it",
        });
      }
      continue;
    }
    if (issue.code === "invalid_union" && "errors" in issue && Array.isArray(issue.errors)) {
      // The one branch the value has the shape of (no key foreign to it, nothing wrong at its
      // root) says what is wrong, at the path of the field that is wrong.
      const branches = issue.errors as z.core.$ZodIssue[][];
      const shaped = branches.filter(
        (branch) => branch.length > 0 && branch.every((i) => i.path.length > 0),
      );
      if (shaped.length === 1) {
        problems.push(
          ...zodProblems({ issues: shaped[0] } as z.ZodError, undefined, [
            ...prefix,
            ...issue.path,
          ]),
        );
        continue;
      }
      const nested = issue.errors.flat().map((i) => i.message);
      problems.push({
        path: formatPath([...prefix, ...issue.path]),
        message: issue.message,
        hint: nested.length > 0 ? [...new Set(nested)].slice(0, 3).join("; ") : undefined,
      });
      continue;
    }
    if (issue.code === "invalid_key" && issue.issues.length > 0) {
      // A refused record key: its own messages say why, not zod's "Invalid key in record".
      const nested = [...new Set(issue.issues.map((i) => i.message))].join("; ");
      problems.push({
        path: formatPath([...prefix, ...issue.path]),
        message: `the key is refused: ${nested}`,
      });
      continue;
    }
    problems.push({ path: formatPath([...prefix, ...issue.path]), message: issue.message });
  }
  return problems;
}

/** An unpaired UTF-16 surrogate: a JavaScript string can hold one, no UTF-8 file can. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Every string (and key) in `input` that holds a lone surrogate. Such a value
 * cannot be written to any file: UTF-8 encoding turns it into U+FFFD, so it
 * would reach the output as a different string than the one given.
 */
export function malformedStringProblems(
  input: unknown,
  prefix: readonly PropertyKey[] = [],
): ValueProblem[] {
  const problems: ValueProblem[] = [];
  const seen = new Set<object>();
  const visit = (value: unknown, path: PropertyKey[], depth: number): void => {
    if (problems.length >= 20 || depth > 64) return;
    if (typeof value === "string") {
      const at = value.search(LONE_SURROGATE);
      if (at >= 0) {
        problems.push({
          path: formatPath(path),
          message: `holds an unpaired UTF-16 surrogate (U+${value.charCodeAt(at).toString(16).toUpperCase()} at column ${at + 1}), which no UTF-8 file can carry`,
          hint: "remove it or write the whole character",
        });
      }
      return;
    }
    if (typeof value !== "object" || value === null || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        visit(item, [...path, i], depth + 1);
      });
      return;
    }
    for (const [key, item] of Object.entries(value)) {
      visit(key, [...path, key], depth + 1);
      visit(item, [...path, key], depth + 1);
    }
  };
  visit(input, [...prefix], 0);
  return problems;
}

/**
 * Parses values at a package boundary. Bad input throws a ValuesError whose
 * problems name the path (prefixed with the component's section) and the fix.
 */
export function parseValues<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: readonly PropertyKey[] = [],
): z.output<S> {
  const malformed = malformedStringProblems(input ?? {}, prefix);
  if (malformed.length > 0) throw new ValuesError(malformed);
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw new ValuesError(zodProblems(result.error, schema, prefix));
  return result.data;
}

/** A render-time check failed: the values are well-typed but inconsistent. */
export function valuesError(path: string, message: string, hint?: string): ValuesError {
  return new ValuesError([{ path, message, ...(hint ? { hint } : {}) }]);
}
