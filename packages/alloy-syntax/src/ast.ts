/**
 * The abstract syntax tree of the Alloy configuration language.
 *
 * Nodes are plain, immutable-by-convention objects discriminated by `type`.
 * Positions are optional: the parser fills them in (and the printer then keeps
 * the source's line structure, exactly like `alloy fmt`); nodes built in code
 * have none and are laid out canonically by the printer.
 *
 * Positions follow Alloy's conventions: `offset` is a 0-based UTF-8 byte
 * offset, `line` and `column` are 1-based and `column` counts UTF-8 bytes.
 */

/** A place in a source file. */
export interface Position {
  /** 0-based byte offset into the UTF-8 encoded source. */
  readonly offset: number;
  /** 1-based line number. */
  readonly line: number;
  /** 1-based column, counted in UTF-8 bytes (as Alloy reports it). */
  readonly column: number;
}

/** Binary operators, from lowest to highest precedence: `||`, `&&`, comparisons, `+ -`, `* / %`, `^`. */
export type BinaryOperator =
  | "||"
  | "&&"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "^";

/** Unary operators: logical not and numeric negation. */
export type UnaryOperator = "!" | "-";

/** A `// line` or `/* block *\/` comment; `text` includes the comment markers. */
export interface Comment {
  readonly text: string;
  readonly pos?: Position;
}

/** Comments that follow each other without a blank line or another token between them. */
export type CommentGroup = readonly Comment[];

/** A whole configuration file. */
export interface File {
  readonly type: "File";
  readonly body: readonly Statement[];
  /** Every comment of a parsed file, in source order, grouped as Alloy groups them. */
  readonly comments: readonly CommentGroup[];
}

/** `name = value` inside a file or block body. */
export interface Attribute {
  readonly type: "Attribute";
  readonly name: string;
  readonly value: Expr;
  readonly namePos?: Position;
  /** Comment lines (without `//`) printed above the attribute. For ASTs built in code. */
  readonly leadingComments?: readonly string[];
}

/** `name "label" { body }`; `name` may be dotted (`prometheus.scrape`). */
export interface Block {
  readonly type: "Block";
  readonly name: string;
  readonly label?: string;
  readonly body: readonly Statement[];
  readonly namePos?: Position;
  readonly labelPos?: Position;
  readonly lcurlyPos?: Position;
  readonly rcurlyPos?: Position;
  /** Comment lines (without `//`) printed above the block. For ASTs built in code. */
  readonly leadingComments?: readonly string[];
}

export type Statement = Attribute | Block;

/** A string literal. `raw` is the source text (with quotes or backticks) and is printed when it still matches `value`. */
export interface StringLiteral {
  readonly type: "String";
  readonly value: string;
  readonly raw?: string;
  readonly pos?: Position;
}

/** A non-negative number literal (`-1` is a unary expression). `raw` keeps the source spelling. */
export interface NumberLiteral {
  readonly type: "Number";
  readonly value: number;
  readonly raw?: string;
  readonly pos?: Position;
}

export interface BoolLiteral {
  readonly type: "Bool";
  readonly value: boolean;
  readonly pos?: Position;
}

export interface NullLiteral {
  readonly type: "Null";
  readonly pos?: Position;
}

/** A bare name: the root of a reference such as `discovery.kubernetes.pods.targets`, or a stdlib namespace. */
export interface Identifier {
  readonly type: "Identifier";
  readonly name: string;
  readonly pos?: Position;
}

export interface ArrayExpr {
  readonly type: "Array";
  readonly elements: readonly Expr[];
  readonly lbrackPos?: Position;
  readonly rbrackPos?: Position;
}

/** One `key = value` of an object. `quoted` keys are printed as strings. */
export interface ObjectField {
  readonly key: string;
  readonly quoted: boolean;
  readonly value: Expr;
  readonly keyPos?: Position;
  /** Source text of a quoted key, quotes included (used for line accounting only). */
  readonly keyRaw?: string;
}

export interface ObjectExpr {
  readonly type: "Object";
  readonly fields: readonly ObjectField[];
  readonly lcurlyPos?: Position;
  readonly rcurlyPos?: Position;
}

/** `object.name` */
export interface AccessExpr {
  readonly type: "Access";
  readonly object: Expr;
  readonly name: string;
  readonly namePos?: Position;
}

/** `object[index]` */
export interface IndexExpr {
  readonly type: "Index";
  readonly object: Expr;
  readonly index: Expr;
  readonly lbrackPos?: Position;
  readonly rbrackPos?: Position;
}

/** `callee(args...)`, e.g. `sys.env("HOSTNAME")`. */
export interface CallExpr {
  readonly type: "Call";
  readonly callee: Expr;
  readonly args: readonly Expr[];
  readonly lparenPos?: Position;
  readonly rparenPos?: Position;
}

export interface UnaryExpr {
  readonly type: "Unary";
  readonly op: UnaryOperator;
  readonly operand: Expr;
  readonly opPos?: Position;
}

export interface BinaryExpr {
  readonly type: "Binary";
  readonly op: BinaryOperator;
  readonly left: Expr;
  readonly right: Expr;
  readonly opPos?: Position;
}

/** `(inner)`; kept in the tree so printing preserves the author's parentheses. */
export interface ParenExpr {
  readonly type: "Paren";
  readonly inner: Expr;
  readonly lparenPos?: Position;
  readonly rparenPos?: Position;
}

export type Literal = StringLiteral | NumberLiteral | BoolLiteral | NullLiteral;

export type Expr =
  | Literal
  | Identifier
  | ArrayExpr
  | ObjectExpr
  | AccessExpr
  | IndexExpr
  | CallExpr
  | UnaryExpr
  | BinaryExpr
  | ParenExpr;

export type Node = File | Statement | Expr;

/** Binding strength of a binary operator (higher binds tighter), as Alloy defines it. */
export function binaryPrecedence(op: BinaryOperator): number {
  switch (op) {
    case "||":
      return 1;
    case "&&":
      return 2;
    case "==":
    case "!=":
    case "<":
    case "<=":
    case ">":
    case ">=":
      return 3;
    case "+":
    case "-":
      return 4;
    case "*":
    case "/":
    case "%":
      return 5;
    case "^":
      return 6;
  }
}

// --- small constructors -------------------------------------------------------

export function file(body: readonly Statement[], comments: readonly CommentGroup[] = []): File {
  return { type: "File", body, comments };
}

export function attribute(
  name: string,
  value: Expr,
  leadingComments?: readonly string[],
): Attribute {
  return leadingComments && leadingComments.length > 0
    ? { type: "Attribute", name, value, leadingComments }
    : { type: "Attribute", name, value };
}

export function block(
  name: string,
  label: string | undefined,
  body: readonly Statement[],
  leadingComments?: readonly string[],
): Block {
  const node: { -readonly [K in keyof Block]: Block[K] } = { type: "Block", name, body };
  if (label !== undefined) node.label = label;
  if (leadingComments && leadingComments.length > 0) node.leadingComments = leadingComments;
  return node;
}

export function string(value: string): StringLiteral {
  return { type: "String", value };
}

export function number(value: number): NumberLiteral {
  return { type: "Number", value };
}

export function bool(value: boolean): BoolLiteral {
  return { type: "Bool", value };
}

export function nullLiteral(): NullLiteral {
  return { type: "Null" };
}

export function identifier(name: string): Identifier {
  return { type: "Identifier", name };
}

export function array(elements: readonly Expr[]): ArrayExpr {
  return { type: "Array", elements };
}

export function object(fields: readonly ObjectField[]): ObjectExpr {
  return { type: "Object", fields };
}

export function field(key: string, value: Expr, quoted: boolean): ObjectField {
  return { key, quoted, value };
}

export function access(object: Expr, name: string): AccessExpr {
  return { type: "Access", object, name };
}

export function index(object: Expr, idx: Expr): IndexExpr {
  return { type: "Index", object, index: idx };
}

export function call(callee: Expr, args: readonly Expr[]): CallExpr {
  return { type: "Call", callee, args };
}

export function unary(op: UnaryOperator, operand: Expr): UnaryExpr {
  return { type: "Unary", op, operand };
}

export function binary(op: BinaryOperator, left: Expr, right: Expr): BinaryExpr {
  return { type: "Binary", op, left, right };
}

export function paren(inner: Expr): ParenExpr {
  return { type: "Paren", inner };
}

/** `a.b.c` as nested access expressions rooted in an identifier. */
export function path(dotted: string): Expr {
  const parts = dotted.split(".");
  let expr: Expr = identifier(parts[0] ?? "");
  for (const part of parts.slice(1)) expr = access(expr, part);
  return expr;
}

// --- structural helpers -----------------------------------------------------------

/** Removes positions, raw spellings and printing hints: two trees that mean the same thing compare equal. */
export function stripPositions<T extends Node>(node: T): T {
  return strip(node) as T;
}

function strip(node: Node): Node {
  switch (node.type) {
    case "File":
      return file(node.body.map((s) => strip(s) as Statement));
    case "Attribute":
      return attribute(node.name, strip(node.value) as Expr, node.leadingComments);
    case "Block":
      return block(
        node.name,
        node.label,
        node.body.map((s) => strip(s) as Statement),
        node.leadingComments,
      );
    case "String":
      return string(node.value);
    case "Number":
      return number(node.value);
    case "Bool":
      return bool(node.value);
    case "Null":
      return nullLiteral();
    case "Identifier":
      return identifier(node.name);
    case "Array":
      return array(node.elements.map((e) => strip(e) as Expr));
    case "Object":
      return object(node.fields.map((f) => field(f.key, strip(f.value) as Expr, f.quoted)));
    case "Access":
      return access(strip(node.object) as Expr, node.name);
    case "Index":
      return index(strip(node.object) as Expr, strip(node.index) as Expr);
    case "Call":
      return call(
        strip(node.callee) as Expr,
        node.args.map((a) => strip(a) as Expr),
      );
    case "Unary":
      return unary(node.op, strip(node.operand) as Expr);
    case "Binary":
      return binary(node.op, strip(node.left) as Expr, strip(node.right) as Expr);
    case "Paren":
      return paren(strip(node.inner) as Expr);
  }
}

/** Calls `visit` for every expression in `node`, parents before children. */
export function walkExpressions(node: Node, visit: (expr: Expr) => void): void {
  switch (node.type) {
    case "File":
    case "Block":
      for (const s of node.body) walkExpressions(s, visit);
      return;
    case "Attribute":
      walkExpressions(node.value, visit);
      return;
    default:
      break;
  }
  visit(node);
  switch (node.type) {
    case "Array":
      for (const e of node.elements) walkExpressions(e, visit);
      return;
    case "Object":
      for (const f of node.fields) walkExpressions(f.value, visit);
      return;
    case "Access":
      walkExpressions(node.object, visit);
      return;
    case "Index":
      walkExpressions(node.object, visit);
      walkExpressions(node.index, visit);
      return;
    case "Call":
      walkExpressions(node.callee, visit);
      for (const a of node.args) walkExpressions(a, visit);
      return;
    case "Unary":
      walkExpressions(node.operand, visit);
      return;
    case "Binary":
      walkExpressions(node.left, visit);
      walkExpressions(node.right, visit);
      return;
    case "Paren":
      walkExpressions(node.inner, visit);
      return;
    default:
      return;
  }
}

/**
 * The dotted name an expression refers to, if it is a plain reference
 * (`a`, `a.b.c`); `undefined` for anything else.
 */
export function referencePath(expr: Expr): string[] | undefined {
  if (expr.type === "Identifier") return [expr.name];
  if (expr.type === "Access") {
    const inner = referencePath(expr.object);
    return inner ? [...inner, expr.name] : undefined;
  }
  return undefined;
}
