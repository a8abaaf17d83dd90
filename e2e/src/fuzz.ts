/**
 * Values fuzzing: random and adversarial values for a component (or the
 * umbrella), built from its JSON Schema. The property is that a build either
 * renders objects that pass validation, or throws a ValuesError whose every
 * problem names a path: never a crash, never an invalid render.
 */
import type { KubeObject } from "@materialize-monitoring/core";
import { ValuesError } from "@materialize-monitoring/core";
import { validateObjects } from "@materialize-monitoring/core/validate";
import fc from "fast-check";

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  additionalProperties?: boolean | JsonSchema;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  required?: string[];
};

/** Values that break naive code: wrong types, edge numbers, YAML 1.1 traps, odd strings. */
const adversarial = fc.constantFrom<unknown>(
  "",
  " ",
  "on",
  "yes",
  "0755",
  "latest",
  "../../etc/passwd",
  "a".repeat(300),
  "UPPER_case",
  "ünïcode",
  "${HOME}",
  "{{ .Values }}",
  "-1",
  0,
  -1,
  1,
  2,
  3,
  1e9,
  Number.MAX_SAFE_INTEGER,
  0.5,
  true,
  false,
  null,
  [],
  {},
  { unexpected: true },
);

function valueFor(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [adversarial];
  if (schema.enum) options.push(fc.constantFrom(...schema.enum));
  if (schema.const !== undefined) options.push(fc.constant(schema.const));
  if (schema.default !== undefined) options.push(fc.constant(schema.default));
  const variants = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  for (const variant of variants.slice(0, 6)) options.push(valueFor(variant, depth));
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  for (const type of types) {
    switch (type) {
      case "boolean":
        options.push(fc.boolean());
        break;
      case "integer":
        options.push(
          fc.integer({ min: schema.minimum ?? -5, max: Math.min(schema.maximum ?? 12, 1_000_000) }),
        );
        break;
      case "number":
        options.push(fc.double({ noNaN: true, min: -10, max: 1e6 }));
        break;
      case "string":
        options.push(
          fc.string({ maxLength: 20 }),
          fc.constantFrom("100m", "1Gi", "30s", "720h", "example", "a-b-c"),
        );
        break;
      case "array":
        if (depth < 4 && schema.items)
          options.push(fc.array(valueFor(schema.items, depth + 1), { maxLength: 3 }));
        break;
      case "object":
        if (depth < 4 && schema.properties) options.push(objectFor(schema, depth + 1));
        break;
    }
  }
  return fc.oneof(...options);
}

function objectFor(schema: JsonSchema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, sub] of Object.entries(properties)) record[key] = valueFor(sub, depth);
  const required = (schema.required ?? []).filter((key) => key in record);
  return fc.record(record, { requiredKeys: required });
}

interface SchemaPath {
  path: string[];
  schema: JsonSchema;
}

/** Every property path of an object schema (depth-limited), with its sub-schema. */
export function schemaPaths(schema: JsonSchema, prefix: string[] = [], depth = 0): SchemaPath[] {
  if (depth > 6) return [];
  const out: SchemaPath[] = [];
  const objects = [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].filter(
    (s) => s.properties,
  );
  const seen = new Set<string>();
  for (const object of objects) {
    for (const [key, sub] of Object.entries(object.properties ?? {})) {
      if (seen.has(key)) continue;
      seen.add(key);
      const path = [...prefix, key];
      out.push({ path, schema: sub });
      out.push(...schemaPaths(sub, path, depth + 1));
    }
  }
  return out;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node: Record<string, unknown> = target;
  for (const [index, key] of path.entries()) {
    if (index === path.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (next === null || typeof next !== "object" || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
}

/**
 * Mutation-based values: a valid starting point (a profile or the defaults)
 * with one to three paths set to random or adversarial values, so cases reach
 * deep into the builders instead of all failing at the first bad field.
 */
export function mutatedValuesArbitrary(
  schema: JsonSchema,
  bases: readonly Record<string, unknown>[],
): fc.Arbitrary<Record<string, unknown>> {
  const paths = schemaPaths(schema);
  const mutation = fc
    .integer({ min: 0, max: Math.max(0, paths.length - 1) })
    .chain((index) => valueFor(paths[index]?.schema ?? {}, 2).map((value) => ({ index, value })));
  return fc
    .record({
      base: fc.constantFrom(...(bases.length > 0 ? bases : [{}])),
      mutations: fc.array(mutation, { minLength: 0, maxLength: 3 }),
    })
    .map(({ base, mutations }) => {
      const values = structuredClone(base);
      for (const { index, value } of mutations) {
        const target = paths[index];
        if (target) setPath(values, target.path, structuredClone(value));
      }
      return values;
    });
}

/** Random values shaped like the schema (mostly), with adversarial leaves. */
export function valuesArbitrary(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  return objectFor(schema, 0);
}

export interface FuzzResult {
  cases: number;
  rendered: number;
  refused: number;
  failures: string[];
}

/** Runs the property; collects failures instead of stopping so the report names them all. */
export async function fuzzBuild(
  name: string,
  schema: JsonSchema,
  build: (values: Record<string, unknown>) => { objects: KubeObject[] },
  options: {
    runs: number;
    seed?: number;
    skipKinds?: string[];
    /** Valid starting points to mutate; without them values are generated from scratch. */
    bases?: readonly Record<string, unknown>[];
    /** CRDs installed separately (e.g. with `crds.install: false`) that custom resources validate against. */
    crds?: Parameters<typeof validateObjects>[1] extends infer O
      ? O extends { crds?: infer C }
        ? C
        : never
      : never;
  },
): Promise<FuzzResult> {
  const result: FuzzResult = { cases: 0, rendered: 0, refused: 0, failures: [] };
  const arbitrary = options.bases
    ? mutatedValuesArbitrary(schema, options.bases)
    : valuesArbitrary(schema);
  const samples = fc.sample(arbitrary, { numRuns: options.runs, seed: options.seed ?? 42 });
  for (const values of samples) {
    result.cases++;
    let objects: KubeObject[];
    try {
      objects = build(values).objects;
    } catch (error) {
      if (
        error instanceof ValuesError &&
        error.problems.length > 0 &&
        error.problems.every((p) => p.path.length > 0)
      ) {
        result.refused++;
        continue;
      }
      result.failures.push(
        `${name}: crash for ${JSON.stringify(values).slice(0, 300)}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      );
      continue;
    }
    const problems = await validateObjects(objects, {
      skip: options.skipKinds ?? [],
      ...(options.crds ? { crds: options.crds } : {}),
    });
    if (problems.length > 0) {
      result.failures.push(
        `${name}: invalid render for ${JSON.stringify(values).slice(0, 300)}: ${problems
          .slice(0, 3)
          .map((p) => `${p.object} ${p.path}: ${p.message}`)
          .join("; ")}`,
      );
    } else {
      result.rendered++;
    }
  }
  return result;
}
