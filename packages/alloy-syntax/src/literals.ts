/** Source spelling of literal values. */
import type { Expr } from "./ast.js";
import { quote, unquote } from "./strings.js";

/** The source text of a literal: its raw spelling while that still matches its value. */
export function literalText(expr: Expr): string {
  switch (expr.type) {
    case "String":
      return expr.raw !== undefined && safeUnquote(expr.raw) === expr.value
        ? expr.raw
        : quote(expr.value);
    case "Number":
      return expr.raw !== undefined && Number(expr.raw) === expr.value
        ? expr.raw
        : formatNumber(expr.value);
    case "Bool":
      return expr.value ? "true" : "false";
    case "Null":
      return "null";
    default:
      throw new Error(`not a literal: ${expr.type}`);
  }
}

function safeUnquote(raw: string): string | undefined {
  if (raw.length < 2) return undefined;
  const q = raw[0];
  if ((q !== '"' && q !== "`") || raw[raw.length - 1] !== q) return undefined;
  return unquote(raw);
}

/** Spells a number the way the scanner reads it back (`1e+21`, `0.5`). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value) || value < 0 || Object.is(value, -0)) {
    throw new RangeError(
      `cannot write ${value} as an Alloy number literal: literals are finite and non-negative (write negatives as a unary "-")`,
    );
  }
  return String(value);
}
