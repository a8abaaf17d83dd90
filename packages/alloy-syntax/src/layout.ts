/**
 * Canonical layout for trees without positions (built in code, or parsed and
 * then edited). It writes plain, valid Alloy text that the printer then
 * formats; the layout only decides where lines break:
 *
 * - one statement per line, a blank line around every block;
 * - arrays and call arguments stay on one line when every element does and
 *   the line stays short, otherwise one element per line;
 * - non-empty objects put one field per line (so `=` signs align);
 * - `leadingComments` become `//` lines above their statement, and comments
 *   of a parsed file go above the statement they preceded;
 * - parentheses are added where operator precedence requires them.
 *
 * Invalid names and numbers are rejected here with an {@link AlloyValueError}.
 */
import type { Comment, CommentGroup, Expr, File, ObjectField, Statement } from "./ast.js";
import { binaryPrecedence } from "./ast.js";
import { valueError } from "./errors.js";
import { literalText } from "./literals.js";
import { isValidIdentifier, quote } from "./strings.js";

/** Longest single-line array or argument list the layout keeps on one line. */
const INLINE_LIMIT = 80;

export function layout(f: File): string {
  const attached = attachComments(f);
  const lines: string[] = [];
  writeBody(f.body, lines, attached, "");
  for (const c of attached.atEnd.get(f.body) ?? []) lines.push(c.text);
  return `${lines.join("\n")}\n`;
}

interface Attached {
  /** Comments printed above a statement. */
  readonly before: Map<Statement, Comment[]>;
  /** Comments printed at the end of a body (of the file or a block). */
  readonly atEnd: Map<readonly Statement[], Comment[]>;
}

/**
 * Places each comment of a parsed file in the innermost block whose braces
 * enclose it: above the first statement of that block that starts after
 * it, or at the end of the block.
 */
function attachComments(f: File): Attached {
  const attached: Attached = { before: new Map(), atEnd: new Map() };
  const push = <K>(map: Map<K, Comment[]>, key: K, c: Comment) => {
    const list = map.get(key) ?? [];
    list.push(c);
    map.set(key, list);
  };
  const place = (body: readonly Statement[], c: Comment, offset: number) => {
    for (const s of body) {
      if (s.type === "Block" && s.lcurlyPos && s.rcurlyPos) {
        if (s.lcurlyPos.offset < offset && offset < s.rcurlyPos.offset) {
          place(s.body, c, offset);
          return;
        }
      }
    }
    const next = body.find((s) => (s.namePos?.offset ?? -1) > offset);
    if (next) push(attached.before, next, c);
    else push(attached.atEnd, body, c);
  };
  for (const group of f.comments as readonly CommentGroup[]) {
    for (const c of group) place(f.body, c, c.pos?.offset ?? Number.MAX_SAFE_INTEGER);
  }
  return attached;
}

function writeBody(
  body: readonly Statement[],
  out: string[],
  attached: Attached,
  path: string,
): void {
  body.forEach((s, i) => {
    const prev = body[i - 1];
    const where = `${path}body[${i}]`;
    if (prev && (prev.type === "Block" || s.type === "Block" || hadBlankLine(prev, s)))
      out.push("");
    for (const c of attached.before.get(s) ?? []) out.push(c.text);
    for (const text of s.leadingComments ?? []) {
      for (const line of text.split("\n")) out.push(line === "" ? "//" : `// ${line}`);
    }
    if (s.type === "Attribute") {
      out.push(
        `${name(s.name, `${where}.name`, "attribute name")} = ${expr(s.value, `${where}.value`)}`,
      );
      return;
    }
    const fragments = s.name.split(".");
    fragments.forEach((fragment, j) => {
      name(fragment, `${where}.name`, `block name fragment ${j + 1} of "${s.name}"`);
    });
    let header = s.name;
    if (s.label !== undefined && s.label !== "") {
      if (!isValidIdentifier(s.label)) {
        throw valueError(
          `${where}.label`,
          `block label ${quote(s.label)} is not a valid identifier`,
          "labels use letters, digits and _ and start with a letter or _; sanitizeIdentifier() converts any string",
        );
      }
      header += ` ${quote(s.label)}`;
    }
    const inner: string[] = [];
    writeBody(s.body, inner, attached, `${where}.`);
    for (const c of attached.atEnd.get(s.body) ?? []) inner.push(c.text);
    if (inner.length === 0) out.push(`${header} {}`);
    else out.push(`${header} {`, ...inner, "}");
  });
}

function hadBlankLine(prev: Statement, next: Statement): boolean {
  const end = prev.type === "Block" ? prev.rcurlyPos : undefined;
  const start = next.namePos;
  return end !== undefined && start !== undefined && start.line - end.line > 1;
}

function name(value: string, path: string, what: string): string {
  if (!isValidIdentifier(value)) {
    throw valueError(
      path,
      `${what} ${quote(value)} is not a valid identifier`,
      "identifiers use letters, digits and _, start with a letter or _, and are not true, false or null",
    );
  }
  return value;
}

function expr(e: Expr, path: string): string {
  switch (e.type) {
    case "String":
    case "Bool":
    case "Null":
      return literalText(e);
    case "Number":
      try {
        return literalText(e);
      } catch (err) {
        throw valueError(path, (err as Error).message);
      }
    case "Identifier":
      return name(e.name, path, "identifier");
    case "Array": {
      const items = e.elements.map((el, i) => expr(el, `${path}[${i}]`));
      const keepOpen = e.lbrackPos && e.rbrackPos && e.lbrackPos.line !== e.rbrackPos.line;
      return list("[", items, "]", Boolean(keepOpen));
    }
    case "Object":
      return object(
        e.fields,
        path,
        Boolean(e.lcurlyPos && e.rcurlyPos && e.lcurlyPos.line === e.rcurlyPos.line),
      );
    case "Access": {
      let object = postfixOperand(e.object, `${path}.object`);
      if (/^[0-9]+$/.test(object)) object += " ";
      return `${object}.${name(e.name, `${path}.name`, "field name")}`;
    }
    case "Index":
      return `${postfixOperand(e.object, `${path}.object`)}[${expr(e.index, `${path}.index`)}]`;
    case "Call": {
      const callee = postfixOperand(e.callee, `${path}.callee`);
      const args = e.args.map((a, i) => expr(a, `${path}.args[${i}]`));
      const keepOpen = e.lparenPos && e.rparenPos && e.lparenPos.line !== e.rparenPos.line;
      return callee + list("(", args, ")", Boolean(keepOpen));
    }
    case "Unary": {
      const operand = expr(e.operand, `${path}.operand`);
      return e.operand.type === "Binary" ? `${e.op}(${operand})` : `${e.op}${operand}`;
    }
    case "Binary": {
      const prec = binaryPrecedence(e.op);
      const rightAssoc = e.op === "^";
      let left = expr(e.left, `${path}.left`);
      let right = expr(e.right, `${path}.right`);
      if (e.left.type === "Binary") {
        const p = binaryPrecedence(e.left.op);
        if (p < prec || (p === prec && rightAssoc)) left = `(${left})`;
      }
      if (e.right.type === "Binary") {
        const p = binaryPrecedence(e.right.op);
        if (p < prec || (p === prec && !rightAssoc)) right = `(${right})`;
      }
      return `${left} ${e.op} ${right}`;
    }
    case "Paren":
      return `(${expr(e.inner, `${path}.inner`)})`;
  }
}

/** The operand of `.name`, `[i]` or `(...)`, parenthesised when an operator would otherwise bind it. */
function postfixOperand(e: Expr, path: string): string {
  const text = expr(e, path);
  return e.type === "Binary" || e.type === "Unary" ? `(${text})` : text;
}

function list(open: string, items: readonly string[], close: string, keepOpen: boolean): string {
  if (items.length === 0) return open + close;
  const inline = items.join(", ");
  if (!keepOpen && !inline.includes("\n") && inline.length + 2 <= INLINE_LIMIT) {
    return open + inline + close;
  }
  return `${open}\n${items.map((item) => `${item},\n`).join("")}${close}`;
}

function object(fields: readonly ObjectField[], path: string, keepInline: boolean): string {
  if (fields.length === 0) return "{}";
  const entries = fields.map((f, i) => {
    const where = `${path}.fields[${i}]`;
    const key = f.quoted ? quote(f.key) : name(f.key, `${where}.key`, "object key");
    return `${key} = ${expr(f.value, `${where}.value`)}`;
  });
  if (keepInline && !entries.some((entry) => entry.includes("\n")))
    return `{${entries.join(", ")}}`;
  return `{\n${entries.map((entry) => `${entry},\n`).join("")}}`;
}
