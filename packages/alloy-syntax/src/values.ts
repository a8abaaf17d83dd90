/**
 * Expressions built in code, and the conversion of plain TypeScript values
 * (strings, numbers, arrays, objects) into Alloy expressions.
 *
 * Every {@link Expression} carries a phantom type tag naming the Alloy type it
 * evaluates to (`"string"`, `"MetricsReceiver"`, `"list(map(string))"`, ...),
 * so wiring a logs receiver into `forward_to` of a metrics component, or a
 * secret into a plain string argument, is a compile error. An
 * `Expression<never>` (from {@link expr.raw} or a custom component argument)
 * is dynamically typed and fits anywhere.
 */
import * as ast from "./ast.js";
import { valueError } from "./errors.js";
import { parseExpression } from "./parser.js";
import { print } from "./printer.js";
import { isValidIdentifier, quote } from "./strings.js";

/** Alloy value types, spelled as the Alloy component reference spells them. */
export type AlloyType =
  | "string"
  | "number"
  | "bool"
  | "secret"
  | "list(string)"
  | "map(string)"
  | "map(secret)"
  | "list(map(string))"
  | "MetricsReceiver"
  | "LogsReceiver"
  | "otelcol.Consumer"
  | "RelabelRules"
  | "otelcol.Handler"
  | "list(MetricsReceiver)"
  | "list(LogsReceiver)"
  | "list(otelcol.Consumer)";

/** A reference to an export of a component: the part of a handle that knows where it points. */
export interface ReferenceTarget {
  /** The component's scope (the config or declare body it was added to). */
  readonly scope: object;
  /** `prometheus.remote_write.default`, or `argument.NAME` for a declare argument. */
  readonly id: string;
  readonly kind?: "component" | "argument";
}

/**
 * An Alloy expression built in code. `T` names what it evaluates to; it only
 * exists for the type checker.
 */
export class Expression<T extends AlloyType = AlloyType> {
  declare readonly __alloyType?: T;
  readonly node: ast.Expr;
  /** Component exports this expression refers to. */
  readonly refs: readonly Ref<AlloyType>[];

  constructor(node: ast.Expr, refs: readonly Ref<AlloyType>[] = []) {
    this.node = node;
    this.refs = refs;
  }

  /** Alloy source text of the expression (unformatted, on one line where possible). */
  toString(): string {
    return exprText(this.node);
  }
}

/** An expression of unknown type: fits any argument. */
export type Dynamic = Expression<never>;

/** `component.id.export`, e.g. `prometheus.remote_write.default.receiver`. */
export class Ref<T extends AlloyType> extends Expression<T> {
  readonly target: ReferenceTarget;
  readonly field: string;

  constructor(target: ReferenceTarget, field: string) {
    super(ast.access(ast.path(target.id), field));
    this.target = target;
    this.field = field;
    (this as { refs: readonly Ref<AlloyType>[] }).refs = [this as Ref<AlloyType>];
  }
}

// --- value types used by component arguments --------------------------------------------

export type StringValue = string | Expression<"string">;
/** A `secret` argument: a string, or any string or secret expression. */
export type SecretValue = string | Expression<"string" | "secret">;
export type NumberValue = number | Expression<"number">;
export type BoolValue = boolean | Expression<"bool">;
/** A Go duration such as `"30s"`, `"1m30s"`, `"500ms"`; literals are checked. */
export type DurationValue = string | Expression<"string">;
/** A byte size such as `"1MiB"`, `"512KiB"`, `"4MB"`; literals are checked. */
export type SizeValue = string | Expression<"string">;
export type StringListValue = readonly StringValue[] | Expression<"list(string)">;
export type StringMapValue = Readonly<Record<string, StringValue>> | Expression<"map(string)">;
/** `map(list(secret))`, for HTTP headers. */
export type HeaderMapValue = Readonly<Record<string, readonly SecretValue[]>> | Dynamic;
/** `list(map(string))`: literal targets or a reference to exported targets. */
export type TargetsValue =
  | readonly Readonly<Record<string, StringValue>>[]
  | Expression<"list(map(string))">;
export type MetricsReceiverList =
  | readonly Expression<"MetricsReceiver">[]
  | Expression<"list(MetricsReceiver)">;
export type LogsReceiverList =
  | readonly Expression<"LogsReceiver">[]
  | Expression<"list(LogsReceiver)">;
export type OtelConsumerList =
  | readonly Expression<"otelcol.Consumer">[]
  | Expression<"list(otelcol.Consumer)">;
export type RelabelRulesValue = Expression<"RelabelRules">;

/** Anything that converts to an Alloy expression. `undefined` object fields are left out. */
export type Input =
  | string
  | number
  | boolean
  | null
  | Expression<AlloyType>
  | readonly Input[]
  | { readonly [key: string]: Input | undefined };

export interface Converted {
  readonly node: ast.Expr;
  readonly refs: readonly Ref<AlloyType>[];
}

/**
 * Converts a TypeScript value to an Alloy expression: strings, finite
 * numbers (negative ones become unary minus), booleans, `null`, arrays,
 * plain objects (keys that are not identifiers are quoted) and
 * {@link Expression}s.
 */
export function toExpr(value: Input, path = "value"): Converted {
  const refs: Ref<AlloyType>[] = [];
  const node = convertValue(value, path, refs);
  return { node, refs };
}

function convertValue(value: Input, path: string, refs: Ref<AlloyType>[]): ast.Expr {
  if (value instanceof Expression) {
    refs.push(...value.refs);
    return value.node;
  }
  if (value === null) return ast.nullLiteral();
  switch (typeof value) {
    case "string":
      return ast.string(value);
    case "boolean":
      return ast.bool(value);
    case "number":
      if (!Number.isFinite(value)) {
        throw valueError(path, `${value} is not a finite number`, "Alloy numbers are finite");
      }
      return value < 0 ? ast.unary("-", ast.number(-value)) : ast.number(value === 0 ? 0 : value);
    case "object":
      break;
    default:
      throw valueError(path, `cannot convert a ${typeof value} to an Alloy value`);
  }
  if (Array.isArray(value)) {
    return ast.array(value.map((item, i) => convertValue(item as Input, `${path}[${i}]`, refs)));
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw valueError(
      path,
      `cannot convert an instance of ${(value as object).constructor?.name ?? "a class"} to an Alloy value`,
      "use plain objects, arrays, strings, numbers, booleans, null or expressions",
    );
  }
  const fields: ast.ObjectField[] = [];
  for (const [key, item] of Object.entries(value as Record<string, Input | undefined>)) {
    if (item === undefined) continue;
    fields.push(
      ast.field(key, convertValue(item, `${path}.${key}`, refs), !isValidIdentifier(key)),
    );
  }
  return ast.object(fields);
}

function exprText(node: ast.Expr): string {
  // The printer works on files; print `x = expr` and take the value back out.
  const file = ast.file([ast.attribute("x", node)]);
  return printExpr(file);
}

function printExpr(file: ast.File): string {
  const text = print(file);
  return text.slice("x = ".length, -1);
}

// --- expression helpers ----------------------------------------------------------------------

function build<T extends AlloyType>(node: ast.Expr, parts: readonly Converted[]): Expression<T> {
  return new Expression<T>(
    node,
    parts.flatMap((p) => p.refs),
  );
}

function callPath<T extends AlloyType>(fn: string, args: readonly Input[]): Expression<T> {
  const converted = args.map((a, i) => toExpr(a, `${fn}() argument ${i + 1}`));
  return build<T>(
    ast.call(
      ast.path(fn),
      converted.map((c) => c.node),
    ),
    converted,
  );
}

type MapElement<T> = T extends "map(secret)"
  ? "secret"
  : T extends "map(string)"
    ? "string"
    : never;

/** Building blocks for expressions that are not plain values. */
export const expr = {
  /**
   * Parses Alloy expression text, e.g. `expr.raw('"a" + sys.env("B")')`. The
   * result is dynamically typed; references inside it are not tracked by the
   * builder (use {@link validateReferences} on the file).
   */
  raw(text: string): Dynamic {
    return new Expression<never>(parseExpression(text));
  },
  /** A bare identifier or dotted path, e.g. `expr.path("argument.targets.value")`. */
  path(dotted: string): Dynamic {
    for (const part of dotted.split(".")) {
      if (!isValidIdentifier(part)) {
        throw valueError("expr.path", `${quote(dotted)} is not a dotted path of identifiers`);
      }
    }
    return new Expression<never>(ast.path(dotted));
  },
  /** Calls any function by dotted name: `expr.call("string.format", "%s:%d", host, port)`. */
  call(fn: string, ...args: readonly Input[]): Dynamic {
    expr.path(fn);
    return callPath<never>(fn, args);
  },
  /** `object[key]`; typed for maps (`map(secret)` gives a secret). */
  index<T extends AlloyType>(
    object: Expression<T>,
    key: string | number,
  ): Expression<MapElement<T>> {
    const k = toExpr(key);
    return build(ast.index(object.node, k.node), [{ node: object.node, refs: object.refs }, k]);
  },
  /** `object.field` on an object-typed expression. */
  field(object: Expression<AlloyType>, name: string): Dynamic {
    if (!isValidIdentifier(name))
      throw valueError("expr.field", `${quote(name)} is not an identifier`);
    return new Expression<never>(ast.access(object.node, name), object.refs);
  },
  /** String concatenation with `+`: `expr.concat("spec.nodeName=", sys.env("HOSTNAME"))`. */
  concat(...parts: readonly StringValue[]): Expression<"string"> {
    if (parts.length === 0) return new Expression(ast.string(""));
    const converted = parts.map((p, i) => toExpr(p, `concat part ${i + 1}`));
    let node = (converted[0] as Converted).node;
    for (const c of converted.slice(1)) node = ast.binary("+", node, c.node);
    return build(node, converted);
  },
  /** Any binary operation; the result is dynamically typed. */
  op(left: Input, op: ast.BinaryOperator, right: Input): Dynamic {
    const l = toExpr(left, "left operand");
    const r = toExpr(right, "right operand");
    return build(
      ast.binary(op, parenthesize(l.node, op, "left"), parenthesize(r.node, op, "right")),
      [l, r],
    );
  },
  /** `!value` */
  not(value: BoolValue): Expression<"bool"> {
    const v = toExpr(value);
    return build(ast.unary("!", v.node.type === "Binary" ? ast.paren(v.node) : v.node), [v]);
  },
};

function parenthesize(node: ast.Expr, op: ast.BinaryOperator, side: "left" | "right"): ast.Expr {
  if (node.type !== "Binary") return node;
  const outer = ast.binaryPrecedence(op);
  const inner = ast.binaryPrecedence(node.op);
  const rightAssoc = op === "^";
  const needs = inner < outer || (inner === outer && (side === "left" ? rightAssoc : !rightAssoc));
  return needs ? ast.paren(node) : node;
}

// --- the standard library ------------------------------------------------------------------

/** `sys.env(name)`: an environment variable of the Alloy process. */
export const sys = {
  env(name: StringValue): Expression<"string"> {
    return callPath("sys.env", [name]);
  },
};

/** `convert.nonsensitive(secret)`: turns a secret into a plain string. */
export const convert = {
  nonsensitive(secret: Expression<"secret" | "string">): Expression<"string"> {
    return callPath("convert.nonsensitive", [secret]);
  },
};

/** `constants.*`: facts about the host Alloy runs on. */
export const constants = {
  get hostname(): Expression<"string"> {
    return new Expression(ast.path("constants.hostname"));
  },
  get os(): Expression<"string"> {
    return new Expression(ast.path("constants.os"));
  },
  get arch(): Expression<"string"> {
    return new Expression(ast.path("constants.arch"));
  },
};

/** `coalesce(...)`: the first argument that is not null or empty. */
export function coalesce<T extends AlloyType>(
  ...values: readonly (Expression<T> | Input)[]
): Expression<T> {
  return callPath<T>("coalesce", values as readonly Input[]);
}

/** `array.*` */
export const array = {
  /** `array.concat(a, b, ...)`: joins lists, e.g. targets from several discoveries. */
  concat<T extends "list(map(string))" | "list(string)">(
    ...lists: readonly (Expression<T> | readonly Input[])[]
  ): Expression<T> {
    return callPath<T>("array.concat", lists as readonly Input[]);
  },
};

/** `string.*` */
export const string = {
  format(format: StringValue, ...args: readonly Input[]): Expression<"string"> {
    return callPath("string.format", [format, ...args]);
  },
  join(list: StringListValue, separator: StringValue): Expression<"string"> {
    return callPath("string.join", [list as Input, separator]);
  },
  toLower(value: StringValue): Expression<"string"> {
    return callPath("string.to_lower", [value]);
  },
  toUpper(value: StringValue): Expression<"string"> {
    return callPath("string.to_upper", [value]);
  },
  trimSpace(value: StringValue): Expression<"string"> {
    return callPath("string.trim_space", [value]);
  },
  replace(value: StringValue, old: StringValue, replacement: StringValue): Expression<"string"> {
    return callPath("string.replace", [value, old, replacement]);
  },
  split(value: StringValue, separator: StringValue): Expression<"list(string)"> {
    return callPath("string.split", [value, separator]);
  },
};

/** `encoding.*`: results are dynamically typed. */
export const encoding = {
  fromJson(text: StringValue): Dynamic {
    return callPath("encoding.from_json", [text]);
  },
  fromYaml(text: StringValue): Dynamic {
    return callPath("encoding.from_yaml", [text]);
  },
  fromBase64(text: StringValue): Expression<"string"> {
    return callPath("encoding.from_base64", [text]);
  },
};

/** `file.path_join(...)` */
export const file = {
  pathJoin(...parts: readonly StringValue[]): Expression<"string"> {
    return callPath("file.path_join", parts);
  },
};

/** The whole standard library under one name. */
export const std = { sys, convert, constants, coalesce, array, string, encoding, file };
