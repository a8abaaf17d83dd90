/**
 * Label matchers as Alertmanager reads them in `matchers`, `source_matchers`
 * and `target_matchers`.
 *
 * Alertmanager has two parsers: the classic one (0.26 and older, and the
 * fallback of 0.27+) and the UTF-8 one (0.27+, the only one in
 * `utf8-strict-mode`). This parser accepts the inputs both read the same way,
 * so a matcher that passes here loads without warnings on every supported
 * version. The builder then writes each matcher in one canonical form,
 * `name="value"`, which both parsers read identically.
 *
 * Deliberately stricter than the classic parser: unquoted values may not
 * contain spaces or reserved characters, and inside double quotes only the
 * escapes `\\`, `\"` and `\n` are allowed (the two parsers disagree on others,
 * e.g. `\t` or `\d`).
 */

import { re2Problem } from "@materialize-monitoring/core";

export type MatchOperator = "=" | "!=" | "=~" | "!~";

export interface Matcher {
  name: string;
  operator: MatchOperator;
  value: string;
}

export type MatcherParseResult =
  | { ok: true; matchers: Matcher[] }
  | { ok: false; message: string; column: number };

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const NAME_START = /[a-zA-Z_]/;
const NAME_PART = /[a-zA-Z0-9_]/;
const WHITESPACE = /\s/;
/** Characters an unquoted literal may not contain (the UTF-8 parser's reserved set). */
const RESERVED = new Set(["{", "}", "!", "=", "~", ",", "\\", '"', "'", "`"]);

/** True when `name` is a label name both matcher parsers accept. */
export function isLabelName(name: string): boolean {
  return LABEL_NAME.test(name);
}

class Cursor {
  position = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.position >= this.text.length;
  }
  peek(offset = 0): string {
    return this.text[this.position + offset] ?? "";
  }
  skipSpace(): void {
    while (!this.done && WHITESPACE.test(this.peek())) this.position++;
  }
}

class ParseFailure {
  constructor(
    readonly message: string,
    readonly position: number,
  ) {}
}

function describe(char: string): string {
  return char === "" ? "the end" : JSON.stringify(char);
}

function parseName(cursor: Cursor): string {
  const start = cursor.position;
  if (!NAME_START.test(cursor.peek())) {
    const found = cursor.peek();
    const hint =
      found === '"'
        ? " (quoted label names need the UTF-8 parser; use [a-zA-Z_][a-zA-Z0-9_]*)"
        : "";
    throw new ParseFailure(`expected a label name, found ${describe(found)}${hint}`, start);
  }
  while (!cursor.done && NAME_PART.test(cursor.peek())) cursor.position++;
  return cursor.text.slice(start, cursor.position);
}

function parseOperator(cursor: Cursor, name: string): MatchOperator {
  const two = cursor.peek() + cursor.peek(1);
  if (two === "=~" || two === "!~" || two === "!=") {
    cursor.position += 2;
    return two;
  }
  if (cursor.peek() === "=") {
    cursor.position += 1;
    return "=";
  }
  throw new ParseFailure(
    `expected one of =, !=, =~, !~ after label "${name}", found ${describe(cursor.peek())}`,
    cursor.position,
  );
}

function parseQuoted(cursor: Cursor): string {
  const start = cursor.position;
  cursor.position++; // opening quote
  let value = "";
  while (!cursor.done) {
    const char = cursor.peek();
    if (char === '"') {
      cursor.position++;
      return value;
    }
    if (char === "\\") {
      const next = cursor.peek(1);
      if (next === "\\" || next === '"') value += next;
      else if (next === "n") value += "\n";
      else {
        throw new ParseFailure(
          `unsupported escape "\\${next}" in a quoted value (only \\\\, \\" and \\n read the same in every Alertmanager version; write \\\\${next} for a literal backslash)`,
          cursor.position,
        );
      }
      cursor.position += 2;
      continue;
    }
    if (char.charCodeAt(0) < 0x20) {
      throw new ParseFailure(
        "control character in a quoted value (write \\n for a line feed)",
        cursor.position,
      );
    }
    value += char;
    cursor.position++;
  }
  throw new ParseFailure("unterminated double-quoted value", start);
}

function parseUnquoted(cursor: Cursor, name: string, operator: MatchOperator): string {
  const start = cursor.position;
  while (!cursor.done && !WHITESPACE.test(cursor.peek()) && !RESERVED.has(cursor.peek()))
    cursor.position++;
  if (cursor.position === start) {
    const found = cursor.peek();
    throw new ParseFailure(
      found === "" || found === "," || found === "}"
        ? `missing value after "${name}${operator}" (write ${name}${operator}"" to match an empty value)`
        : `unexpected ${describe(found)} in the value of "${name}" (double-quote the value: ${name}${operator}"...")`,
      start,
    );
  }
  return cursor.text.slice(start, cursor.position);
}

/**
 * Why `source` is not a regex Alertmanager compiles (Go's regexp, RE2 syntax, fully anchored as
 * `^(?:source)$`), with the fix; undefined when it is one.
 */
export function checkRegex(source: string): string | undefined {
  return re2Problem(source, { anchored: true, reader: "Alertmanager" });
}

function parseOne(cursor: Cursor): Matcher {
  const name = parseName(cursor);
  cursor.skipSpace();
  const operator = parseOperator(cursor, name);
  cursor.skipSpace();
  const valueStart = cursor.position;
  const value = cursor.peek() === '"' ? parseQuoted(cursor) : parseUnquoted(cursor, name, operator);
  if (operator === "=~" || operator === "!~") {
    const problem = checkRegex(value);
    if (problem)
      throw new ParseFailure(`invalid regular expression for "${name}": ${problem}`, valueStart);
  }
  return { name, operator, value };
}

/**
 * Parses one entry of a `matchers` list: one matcher or several separated by
 * commas, optionally in braces (`{a="b", c=~"d|e"}`).
 */
export function parseMatchers(input: string): MatcherParseResult {
  const cursor = new Cursor(input);
  try {
    cursor.skipSpace();
    const braced = cursor.peek() === "{";
    if (braced) cursor.position++;
    const matchers: Matcher[] = [];
    for (;;) {
      cursor.skipSpace();
      if (cursor.done || cursor.peek() === "}") break;
      matchers.push(parseOne(cursor));
      cursor.skipSpace();
      if (cursor.peek() === ",") {
        cursor.position++;
        continue;
      }
      break;
    }
    cursor.skipSpace();
    if (braced) {
      if (cursor.peek() !== "}") {
        throw new ParseFailure(
          `expected "," or "}", found ${describe(cursor.peek())}`,
          cursor.position,
        );
      }
      cursor.position++;
      cursor.skipSpace();
    } else if (cursor.peek() === "}") {
      throw new ParseFailure('closing "}" without an opening "{"', cursor.position);
    }
    if (!cursor.done) {
      throw new ParseFailure(
        `unexpected ${describe(cursor.peek())} (separate matchers with commas; double-quote values with spaces)`,
        cursor.position,
      );
    }
    if (matchers.length === 0) throw new ParseFailure("no matcher in the string", 0);
    return { ok: true, matchers };
  } catch (error) {
    if (error instanceof ParseFailure)
      return { ok: false, message: error.message, column: error.position + 1 };
    throw error;
  }
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** The canonical text of a matcher, `name="value"`, read identically by both Alertmanager parsers. */
export function formatMatcher(matcher: Matcher): string {
  return `${matcher.name}${matcher.operator}${quote(matcher.value)}`;
}

/** Shorthand for building matchers in code: `matcher("severity", "=", "critical")`. */
export function matcher(name: string, operator: MatchOperator, value: string): string {
  return formatMatcher({ name, operator, value });
}
