/**
 * A small schema language for component arguments: which TypeScript keys
 * become which Alloy attributes or blocks, which are required, and which
 * literal checks (durations, sizes, integers, enums) apply. Component
 * constructors pair a documented TypeScript interface with a schema whose
 * keys must match it exactly (`satisfies Schema<Args>`).
 *
 * TypeScript keys are the camelCase form of Alloy's snake_case names
 * (`forwardTo` is `forward_to`, `enableHttp2` is `enable_http2`); a rule can
 * name the Alloy attribute explicitly when that mapping does not fit.
 */
import * as ast from "./ast.js";
import { AlloyValueError, valueError } from "./errors.js";
import { isValidIdentifier, quote } from "./strings.js";
import { checkDuration, checkSize } from "./units.js";
import { type AlloyType, type Input, type Ref, toExpr } from "./values.js";

/** A literal check for an attribute value; expressions are never checked. */
export type Check =
  | "duration"
  | "size"
  | "int"
  | "uint"
  | { readonly oneOf: readonly string[] }
  | ((path: string, value: unknown) => void);

interface RuleBase {
  /** Alloy name, when it is not the snake_case form of the key. */
  readonly alloy?: string;
  readonly required?: boolean;
}

export interface AttrRule extends RuleBase {
  readonly kind: "attr";
  readonly check?: Check;
}

export interface BlockRule extends RuleBase {
  readonly kind: "block";
  readonly fields: Fields;
}

export interface BlocksRule extends RuleBase {
  readonly kind: "blocks";
  readonly fields: Fields;
}

/** An ordered list of ready-made blocks (for example `loki.process` stages). */
export interface ItemsRule extends RuleBase {
  readonly kind: "items";
  /** Class the items must be instances of. */
  readonly of?: abstract new (
    ...args: never[]
  ) => BodyItem;
  /** What the items are, for messages. */
  readonly what?: string;
}

export type FieldRule = AttrRule | BlockRule | BlocksRule | ItemsRule;
export type Fields = Readonly<Record<string, FieldRule>>;

/** A rule for every key of `T`, and no other key. */
export type Schema<T> = { readonly [K in keyof T]-?: FieldRule };

/** Rule constructors for schemas. */
export const rule = {
  attr(check?: Check): AttrRule {
    return check === undefined ? { kind: "attr" } : { kind: "attr", check };
  },
  required(check?: Check): AttrRule {
    return check === undefined
      ? { kind: "attr", required: true }
      : { kind: "attr", required: true, check };
  },
  duration(): AttrRule {
    return { kind: "attr", check: "duration" };
  },
  size(): AttrRule {
    return { kind: "attr", check: "size" };
  },
  uint(): AttrRule {
    return { kind: "attr", check: "uint" };
  },
  oneOf(values: readonly string[], required = false): AttrRule {
    return required
      ? { kind: "attr", check: { oneOf: values }, required }
      : { kind: "attr", check: { oneOf: values } };
  },
  named(alloy: string, base: AttrRule = { kind: "attr" }): AttrRule {
    return { ...base, alloy };
  },
  block(fields: Fields, required = false): BlockRule {
    return required ? { kind: "block", fields, required } : { kind: "block", fields };
  },
  blocks(fields: Fields): BlocksRule {
    return { kind: "blocks", fields };
  },
  items(of?: abstract new (...args: never[]) => BodyItem, what?: string): ItemsRule {
    return {
      kind: "items",
      ...(of ? { of } : {}),
      ...(what ? { what } : {}),
    };
  },
};

/** `forwardTo` → `forward_to`, `enableHttp2` → `enable_http2`. */
export function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A statement built in code together with the component exports it refers to. */
export class BodyItem {
  readonly node: ast.Statement;
  readonly refs: readonly Ref<AlloyType>[];

  constructor(node: ast.Statement, refs: readonly Ref<AlloyType>[] = []) {
    this.node = node;
    this.refs = refs;
  }
}

export interface Encoded {
  readonly statements: ast.Statement[];
  readonly refs: Ref<AlloyType>[];
}

/**
 * Turns arguments into statements following `fields`: attributes first (in
 * schema order), then blocks. Throws {@link AlloyValueError} for unknown keys,
 * missing required arguments and failed literal checks.
 */
export function encodeBody(args: object, fields: Fields, path: string): Encoded {
  const values = args as Readonly<Record<string, unknown>>;
  const unknown = Object.keys(values).filter(
    (k) => !Object.hasOwn(fields, k) && values[k] !== undefined,
  );
  if (unknown.length > 0) {
    throw new AlloyValueError(
      unknown.map((k) => {
        const near = closest(k, Object.keys(fields));
        return near
          ? { path: `${path}.${k}`, message: "unknown argument", hint: `did you mean ${near}?` }
          : {
              path: `${path}.${k}`,
              message: "unknown argument",
              hint: `known: ${Object.keys(fields).join(", ")}`,
            };
      }),
    );
  }
  const attributes: ast.Statement[] = [];
  const blocks: ast.Statement[] = [];
  const refs: Ref<AlloyType>[] = [];
  for (const [key, fieldRule] of Object.entries(fields)) {
    const name = fieldRule.alloy ?? snakeCase(key);
    const where = `${path}.${name}`;
    const value = values[key];
    if (value === undefined) {
      if (fieldRule.required) throw valueError(where, "missing required argument");
      continue;
    }
    switch (fieldRule.kind) {
      case "attr": {
        if (fieldRule.check) runCheck(fieldRule.check, where, value);
        const converted = toExpr(value as Input, where);
        refs.push(...converted.refs);
        attributes.push(ast.attribute(name, converted.node));
        break;
      }
      case "block": {
        const inner = encodeBody(blockArgs(value, where), fieldRule.fields, where);
        refs.push(...inner.refs);
        blocks.push(ast.block(name, undefined, inner.statements));
        break;
      }
      case "blocks": {
        if (!Array.isArray(value)) {
          throw valueError(where, "expected a list of blocks", `write ${key}: [{ ... }]`);
        }
        value.forEach((item, i) => {
          const inner = encodeBody(
            blockArgs(item, `${where}[${i}]`),
            fieldRule.fields,
            `${where}[${i}]`,
          );
          refs.push(...inner.refs);
          blocks.push(ast.block(name, undefined, inner.statements));
        });
        break;
      }
      case "items": {
        if (!Array.isArray(value)) throw valueError(where, "expected a list");
        value.forEach((item, i) => {
          if (!(item instanceof (fieldRule.of ?? BodyItem))) {
            throw valueError(
              `${where}[${i}]`,
              `expected ${fieldRule.what ?? "a block built by block()"}`,
            );
          }
          refs.push(...item.refs);
          blocks.push(item.node);
        });
        break;
      }
    }
  }
  return { statements: [...attributes, ...blocks], refs };
}

function blockArgs(value: unknown, path: string): object {
  if (value === true) return {};
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value;
  throw valueError(
    path,
    "expected an object with the block's arguments (or true for an empty block)",
  );
}

function runCheck(check: Check, path: string, value: unknown): void {
  if (typeof check === "function") {
    check(path, value);
    return;
  }
  switch (check) {
    case "duration":
      checkDuration(path, value);
      return;
    case "size":
      checkSize(path, value);
      return;
    case "int":
      if (typeof value === "number" && !Number.isInteger(value)) {
        throw valueError(path, `${value} is not an integer`);
      }
      return;
    case "uint":
      if (typeof value === "number" && (!Number.isInteger(value) || value < 0)) {
        throw valueError(path, `${value} is not a non-negative integer`);
      }
      return;
    default:
      if (typeof value === "string" && !check.oneOf.includes(value)) {
        throw valueError(
          path,
          `${quote(value)} is not allowed`,
          `use one of ${check.oneOf.join(", ")}`,
        );
      }
  }
}

/** Checks a component or block label. */
export function checkLabel(label: string, path: string): void {
  if (!isValidIdentifier(label)) {
    throw valueError(
      path,
      `label ${quote(label)} is not a valid identifier`,
      "labels use letters, digits and _ and start with a letter or _; sanitizeIdentifier() converts any string",
    );
  }
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3))
    ? best
    : undefined;
}

/** Levenshtein distance. */
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

export { closest };
