/**
 * fast-check generators for Alloy syntax trees (without positions) and for
 * "sloppy" source text: the same trees written with random spacing, line
 * breaks, blank lines and comments, as a person might type them.
 */
import fc from "fast-check";
import { ast, type Expr, isValidIdentifier, quote, type Statement } from "../src/index.js";

const identifierChars = "abcdefghijklmnopqrstuvwxyz_ABCXYZ0123456789";

/** Valid identifiers, with an occasional non-ASCII letter. */
export const identifier: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz_ABCXYZéλ"),
    fc.string({ unit: fc.constantFrom(...identifierChars), maxLength: 8 }),
  )
  .map(([head, tail]) => head + tail)
  .filter(isValidIdentifier);

/** Any string, including quotes, backslashes, newlines, tabs, control characters and emoji. */
const text: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({
    unit: fc.constantFrom("a", " ", '"', "\\", "\n", "\t", "\u0001", "é", "😀", "$", "{", "}"),
    maxLength: 10,
  }),
);

const number: fc.Arbitrary<number> = fc.oneof(
  fc.nat({ max: 100000 }),
  fc.constantFrom(0, 0.5, 1.25, 1e21, 2.75, 1e-7, 12345678901),
);

const binaryOperators: readonly ast.BinaryOperator[] = [
  "||",
  "&&",
  "==",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
  "+",
  "-",
  "*",
  "/",
  "%",
  "^",
];

/** Wraps operands in parentheses where the parser needs them to rebuild the same tree. */
function binary(op: ast.BinaryOperator, left: Expr, right: Expr): Expr {
  const prec = ast.binaryPrecedence(op);
  const wrap = (e: Expr, side: "left" | "right") => {
    if (e.type !== "Binary") return e;
    const p = ast.binaryPrecedence(e.op);
    const rightAssoc = op === "^";
    return p < prec || (p === prec && (side === "left" ? rightAssoc : !rightAssoc))
      ? ast.paren(e)
      : e;
  };
  return ast.binary(op, wrap(left, "left"), wrap(right, "right"));
}

function postfixOperand(e: Expr): Expr {
  return e.type === "Binary" || e.type === "Unary" ? ast.paren(e) : e;
}

const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    text.map((v) => ast.string(v)),
    number.map((v) => ast.number(v)),
    fc.boolean().map((v) => ast.bool(v)),
    fc.constant(ast.nullLiteral()),
    identifier.map((name) => ast.identifier(name)),
    fc.array(identifier, { minLength: 2, maxLength: 5 }).map((parts) => ast.path(parts.join("."))),
    fc.array(tie("expr"), { maxLength: 4 }).map((els) => ast.array(els)),
    fc
      .array(fc.tuple(fc.oneof(identifier, text), tie("expr"), fc.boolean()), { maxLength: 4 })
      .map((fields) =>
        ast.object(
          fields.map(([key, value, quoted]) =>
            ast.field(key, value, quoted || !isValidIdentifier(key)),
          ),
        ),
      ),
    fc
      .tuple(tie("expr"), identifier)
      .map(([object, name]) => ast.access(postfixOperand(object), name)),
    fc
      .tuple(tie("expr"), tie("expr"))
      .map(([object, index]) => ast.index(postfixOperand(object), index)),
    fc
      .tuple(
        fc.array(identifier, { minLength: 1, maxLength: 3 }),
        fc.array(tie("expr"), { maxLength: 3 }),
      )
      .map(([fn, args]) => ast.call(ast.path(fn.join(".")), args)),
    fc
      .tuple(fc.constantFrom<ast.UnaryOperator>("!", "-"), tie("expr"))
      .map(([op, operand]) =>
        ast.unary(op, operand.type === "Binary" ? ast.paren(operand) : operand),
      ),
    fc
      .tuple(fc.constantFrom(...binaryOperators), tie("expr"), tie("expr"))
      .map(([op, l, r]) => binary(op, l, r)),
    tie("expr").map((inner) => ast.paren(inner)),
  ),
}));

export const expression: fc.Arbitrary<Expr> = expr;

const comment = fc.string({ unit: fc.constantFrom(..."abc xyz-*/!é"), maxLength: 20 });

const statementTree = fc.letrec<{ statement: Statement; body: Statement[] }>((tie) => ({
  statement: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc
      .tuple(identifier, expression, fc.array(comment, { maxLength: 2 }))
      .map(([name, value, comments]) => ast.attribute(name, value, comments)),
    fc
      .tuple(
        fc.array(identifier, { minLength: 1, maxLength: 3 }),
        fc.option(identifier, { nil: undefined }),
        tie("body"),
        fc.array(comment, { maxLength: 2 }),
      )
      .map(([name, label, body, comments]) => ast.block(name.join("."), label, body, comments)),
  ),
  body: fc.array(tie("statement"), { maxLength: 4 }),
}));

export const file: fc.Arbitrary<ast.File> = statementTree.body.map((body) => ast.file(body));

/** A tree without the builder-only comment lines (what parsing the printed text gives back). */
export function withoutLeadingComments(f: ast.File): ast.File {
  const strip = (s: Statement): Statement =>
    s.type === "Attribute"
      ? ast.attribute(s.name, s.value)
      : ast.block(s.name, s.label, s.body.map(strip));
  return ast.file(f.body.map(strip));
}

/** Every builder comment line of a tree, in document order. */
export function leadingComments(f: ast.File): string[] {
  const out: string[] = [];
  const visit = (s: Statement) => {
    for (const c of s.leadingComments ?? []) out.push(c === "" ? "//" : `// ${c}`);
    if (s.type === "Block") s.body.forEach(visit);
  };
  f.body.forEach(visit);
  return out;
}

// --- sloppy text ------------------------------------------------------------------------

/** Random choices for writing a tree as text. */
export interface Choices {
  /** Returns a random integer in [0, n). */
  pick(n: number): number;
  /** Break lines after binary operators (alloy fmt joins them, so the result is not a fixed point). */
  readonly binaryBreaks?: boolean;
  /**
   * Comments inside lists, objects and argument lists: after the opening
   * bracket, before and after elements, before the closing bracket.
   */
  readonly listComments?: readonly ("open" | "before" | "after" | "close")[];
  /** Comments around statements and after `{` of blocks. */
  readonly statementComments?: boolean;
}

const spaces = ["", " ", "  ", "\t", " \t "];

function sp(c: Choices): string {
  return spaces[c.pick(spaces.length)] ?? "";
}

/** Where a line may end: optional trailing comment, then newline(s). */
function lineEnd(c: Choices, comments = true): string {
  const trailing = comments && c.pick(4) === 0 ? ` // note ${c.pick(100)}` : "";
  const blank = c.pick(5) === 0 ? "\n\n" : "";
  return `${trailing}\n${blank}`;
}

function ownLineComment(c: Choices, comments = true): string {
  return comments && c.pick(5) === 0 ? `${sp(c)}// own line ${c.pick(100)}\n` : "";
}

function sloppyExpr(e: Expr, c: Choices): string {
  switch (e.type) {
    case "String":
      return quote(e.value);
    case "Number":
      return String(e.value);
    case "Bool":
      return e.value ? "true" : "false";
    case "Null":
      return "null";
    case "Identifier":
      return e.name;
    case "Array":
      return list(
        "[",
        e.elements.map((el) => sloppyExpr(el, c)),
        "]",
        c,
        e.elements.every(simple),
      );
    case "Object":
      return list(
        "{",
        e.fields.map(
          (f) => `${f.quoted ? quote(f.key) : f.key}${sp(c)}=${sp(c)}${sloppyExpr(f.value, c)}`,
        ),
        "}",
        c,
        e.fields.every((f) => simple(f.value)),
      );
    case "Access": {
      const object = sloppyExpr(e.object, c);
      return `${/^[0-9]+$/.test(object) ? `${object} ` : object}.${e.name}`;
    }
    case "Index":
      return `${sloppyExpr(e.object, c)}[${sp(c)}${sloppyExpr(e.index, c)}${sp(c)}]`;
    case "Call":
      return (
        sloppyExpr(e.callee, c) +
        list(
          "(",
          e.args.map((a) => sloppyExpr(a, c)),
          ")",
          c,
          false,
        )
      );
    case "Unary":
      return `${e.op}${sloppyExpr(e.operand, c)}`;
    case "Binary": {
      // A line break is allowed after an operator.
      const after = c.binaryBreaks && c.pick(6) === 0 ? "\n" : sp(c);
      return `${sloppyExpr(e.left, c)}${sp(c) || " "}${e.op}${after || " "}${sloppyExpr(e.right, c)}`;
    }
    case "Paren":
      return `(${sp(c)}${sloppyExpr(e.inner, c)}${sp(c)})`;
  }
}

/**
 * Whether the last token of `e` carries a position. alloy fmt writes the `)`
 * of calls and parentheses (and a field name after them) at an estimated
 * position, so a comment after a multi-line call can move to the next line.
 */
function positionedEnd(e: Expr): boolean {
  switch (e.type) {
    case "Call":
    case "Paren":
      return false;
    case "Access":
      return positionedEnd(e.object) && e.object.type !== "Index";
    case "Unary":
      return positionedEnd(e.operand);
    case "Binary":
      return positionedEnd(e.right);
    default:
      return true;
  }
}

function has(
  c: Choices,
  place: "open" | "before" | "after" | "close",
  commentable: boolean,
): boolean {
  return commentable && (c.listComments?.includes(place) ?? false);
}

/**
 * Values whose tokens all carry positions. alloy fmt places comments by
 * position, and estimates the positions of `(`, `)`, `.` and `,`; comments
 * next to those can move between runs, so comments only go into lists of
 * simple values.
 */
function simple(e: Expr): boolean {
  switch (e.type) {
    case "String":
    case "Number":
    case "Bool":
    case "Null":
    case "Identifier":
    case "Access":
      return ast.referencePath(e) !== undefined || e.type !== "Access";
    case "Array":
      return e.elements.every(simple);
    case "Object":
      return e.fields.every((f) => simple(f.value));
    default:
      return false;
  }
}

function list(
  open: string,
  items: readonly string[],
  close: string,
  c: Choices,
  commentable: boolean,
): string {
  if (items.length === 0) return c.pick(2) === 0 ? open + close : `${open}${sp(c)}${close}`;
  switch (c.pick(3)) {
    case 0:
      // One line, optional trailing comma.
      return `${open}${sp(c)}${items.join(`,${sp(c) || " "}`)}${c.pick(2) === 0 ? "," : ""}${sp(c)}${close}`;
    case 1:
      // One item per line, trailing comma, maybe comments.
      return `${open}${lineEnd(c, has(c, "open", commentable))}${items.map((item) => `${ownLineComment(c, has(c, "before", commentable))}${sp(c)}${item},${lineEnd(c, has(c, "after", commentable))}`).join("")}${ownLineComment(c, has(c, "close", commentable))}${close}`;
    default:
      // Opening on the first line, several items per line.
      return `${open}${items.map((item, i) => (i > 0 && c.pick(2) === 0 ? `,\n${sp(c)}${item}` : `${i > 0 ? ", " : ""}${item}`)).join("")}${close}`;
  }
}

function sloppyStatements(body: readonly Statement[], c: Choices, indent: string): string {
  return body
    .map((s) => {
      const statementComments = c.statementComments ?? true;
      const comments = ownLineComment(c, statementComments);
      if (s.type === "Attribute") {
        const trailing = statementComments && positionedEnd(s.value);
        return `${comments}${indent}${s.name}${sp(c)}=${sp(c)}${sloppyExpr(s.value, c)}${lineEnd(c, trailing)}`;
      }
      const label = s.label !== undefined ? `${sp(c) || " "}${quote(s.label)}` : "";
      const header = `${comments}${indent}${s.name}${label}${sp(c)}{`;
      if (s.body.length === 0) {
        // alloy fmt collapses an empty block to one line; a trailing comment
        // then joins the next line's alignment, so keep those out.
        return `${header}${c.pick(2) === 0 ? "" : "\n"}${sp(c)}}${lineEnd(c, false)}`;
      }
      return `${header}${lineEnd(c, statementComments)}${sloppyStatements(s.body, c, `${indent}  `)}${indent}}${lineEnd(c, statementComments)}`;
    })
    .join("");
}

/** Writes a tree as valid but untidy Alloy text. */
export function sloppy(f: ast.File, c: Choices): string {
  const header = (c.statementComments ?? true) && c.pick(3) === 0 ? "// header\n\n" : "";
  return `${header}${sloppyStatements(f.body, c, "")}`;
}
