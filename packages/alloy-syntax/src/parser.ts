/**
 * The Alloy parser: a recursive-descent parser over the scanner's tokens that
 * builds the AST, keeps every comment, and reports errors with positions and
 * the same messages (and the same error recovery) as Alloy's own parser.
 */
import type {
  Attribute,
  BinaryOperator,
  Block,
  Comment,
  CommentGroup,
  Expr,
  File,
  ObjectField,
  Position,
  Statement,
} from "./ast.js";
import { binaryPrecedence } from "./ast.js";
import { Scanner, type Token, type TokenKind } from "./scanner.js";
import { isValidIdentifier, quote, unquote } from "./strings.js";

/** One problem found while parsing. */
export interface Diagnostic {
  readonly message: string;
  readonly pos: Position;
  /** File name given to the parser, if any. */
  readonly filename?: string;
}

/** `FILE:LINE:COL: message` (or `LINE:COL: message` without a file name), as Alloy prints it. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.filename
    ? `${d.filename}:${d.pos.line}:${d.pos.column}`
    : `${d.pos.line}:${d.pos.column}`;
  return `${where}: ${d.message}`;
}

/** Thrown by {@link parse} when the source has syntax errors. */
export class AlloySyntaxError extends Error {
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[]) {
    const first = diagnostics[0];
    const head = first ? formatDiagnostic(first) : "syntax error";
    const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more diagnostics)` : "";
    super(head + more);
    this.name = "AlloySyntaxError";
    this.diagnostics = diagnostics;
  }
}

export interface ParseOptions {
  /** Name used in diagnostics, e.g. the path of the file. */
  readonly filename?: string;
}

export interface ParseResult {
  /** The tree; only meaningful when `diagnostics` is empty. */
  readonly file: File;
  readonly diagnostics: readonly Diagnostic[];
}

/** Parses a whole file and throws {@link AlloySyntaxError} on any error. */
export function parse(source: string, options: ParseOptions = {}): File {
  const result = parseWithDiagnostics(source, options);
  if (result.diagnostics.length > 0) throw new AlloySyntaxError(result.diagnostics);
  return result.file;
}

/** Parses a whole file, collecting every error instead of throwing. */
export function parseWithDiagnostics(source: string, options: ParseOptions = {}): ParseResult {
  const p = new Parser(source, options.filename);
  const file = p.parseFile();
  return { file, diagnostics: p.diagnostics };
}

/** Parses a single expression such as `sys.env("HOSTNAME")`; throws on errors. */
export function parseExpression(source: string, options: ParseOptions = {}): Expr {
  const p = new Parser(source, options.filename);
  const expr = p.parseExpression();
  p.expect("TERMINATOR");
  if (p.diagnostics.length > 0) throw new AlloySyntaxError(p.diagnostics);
  return expr;
}

const STATEMENT_END = new Set<TokenKind>(["TERMINATOR", ")", "}", "]", ","]);

interface BlockName {
  fragments: string[];
  label: string;
  start: Position;
  labelPos: Position | undefined;
}

class Parser {
  readonly diagnostics: Diagnostic[] = [];
  private readonly scanner: Scanner;
  private readonly filename: string | undefined;
  private readonly comments: CommentGroup[] = [];
  private tok!: Token;
  private lastErrorLine = 0;

  constructor(source: string, filename: string | undefined) {
    this.filename = filename;
    this.scanner = new Scanner(source, (offset, message) =>
      this.addDiagnostic(this.scanner.position(offset), message),
    );
    this.next();
  }

  private addDiagnostic(pos: Position, message: string): void {
    this.diagnostics.push(
      this.filename === undefined ? { message, pos } : { message, pos, filename: this.filename },
    );
  }

  /** Records an error at the current token, unless one was already recorded on this line. */
  private error(message: string): void {
    const pos = this.tok.pos;
    if (this.lastErrorLine === pos.line) return;
    this.lastErrorLine = pos.line;
    this.addDiagnostic(pos, message);
  }

  /** Kind of the current token (a method, so checks are not narrowed across next()). */
  private kind(): TokenKind {
    return this.tok.kind;
  }

  private next(): void {
    this.tok = this.scanner.scan();
    while (this.kind() === "COMMENT") this.consumeCommentGroup();
  }

  private consumeCommentGroup(): void {
    const group: Comment[] = [];
    let endLine = this.tok.pos.line;
    while (this.kind() === "COMMENT" && this.tok.pos.line <= endLine + 1) {
      const comment: Comment = { text: this.tok.text, pos: this.tok.pos };
      endLine = this.tok.pos.line;
      if (this.tok.text[1] === "*") endLine += countNewlines(this.tok.text);
      group.push(comment);
      this.tok = this.scanner.scan();
    }
    this.comments.push(group);
  }

  private advance(to: TokenKind): void {
    while (this.kind() !== "EOF") {
      if (this.kind() === to) return;
      this.next();
    }
  }

  private advanceAny(to: ReadonlySet<TokenKind>): void {
    while (this.kind() !== "EOF") {
      if (to.has(this.kind())) return;
      this.next();
    }
  }

  expect(kind: TokenKind): Token {
    const tok = this.tok;
    if (tok.kind !== kind) this.error(`expected ${kind}, got ${tok.kind}`);
    this.next();
    return tok;
  }

  parseFile(): File {
    const body = this.parseBody("EOF");
    return { type: "File", body, comments: this.comments };
  }

  private parseBody(until: TokenKind): Statement[] {
    const body: Statement[] = [];
    while (this.kind() !== until && this.kind() !== "EOF") {
      const stmt = this.parseStatement();
      if (stmt) body.push(stmt);
      if (this.kind() === until) break;
      if (this.kind() !== "TERMINATOR") {
        this.error(`expected TERMINATOR, got ${this.kind()}`);
        this.consumeStatement();
      }
      this.next();
    }
    return body;
  }

  /** Skips the rest of a statement, keeping track of nested brackets. */
  private consumeStatement(): void {
    let curly = 0;
    let brack = 0;
    let paren = 0;
    while (this.kind() !== "EOF") {
      switch (this.kind()) {
        case "{":
          curly++;
          break;
        case "}":
          curly--;
          break;
        case "[":
          brack++;
          break;
        case "]":
          brack--;
          break;
        case "(":
          paren++;
          break;
        case ")":
          paren--;
          break;
        default:
          break;
      }
      if (this.kind() === "TERMINATOR" && curly <= 0 && brack <= 0 && paren <= 0) return;
      this.next();
    }
  }

  private parseStatement(): Statement | undefined {
    const name = this.parseBlockName();
    if (!name) {
      this.advance("IDENT");
      return undefined;
    }
    switch (this.kind()) {
      case "=": {
        this.next();
        if (name.fragments.length !== 1) {
          this.addDiagnostic(
            name.start,
            'attribute names may only consist of a single identifier with no "."',
          );
        } else if (name.labelPos) {
          this.addDiagnostic(name.labelPos, "attribute names may not have labels");
        }
        const attr: Attribute = {
          type: "Attribute",
          name: name.fragments[0] ?? "",
          namePos: name.start,
          value: this.parseExpression(),
        };
        return attr;
      }
      case "{": {
        const lcurly = this.expect("{").pos;
        const body = this.parseBody("}");
        const rcurly = this.expect("}").pos;
        const block: { -readonly [K in keyof Block]: Block[K] } = {
          type: "Block",
          name: name.fragments.join("."),
          body,
          namePos: name.start,
          lcurlyPos: lcurly,
          rcurlyPos: rcurly,
        };
        if (name.label !== "") {
          block.label = name.label;
          if (name.labelPos) block.labelPos = name.labelPos;
        }
        return block;
      }
      default:
        if (name.fragments.length === 1 && name.label === "") {
          this.error(`expected attribute assignment or block body, got ${this.kind()}`);
        } else {
          this.error(`expected block body, got ${this.kind()}`);
        }
        this.advance("IDENT");
        return undefined;
    }
  }

  private parseBlockName(): BlockName | undefined {
    if (this.kind() !== "IDENT") {
      this.error(`expected identifier, got ${this.kind()}`);
      return undefined;
    }
    const name: BlockName = {
      fragments: [this.tok.text],
      label: "",
      start: this.tok.pos,
      labelPos: undefined,
    };
    this.next();
    while (this.kind() === ".") {
      this.next();
      if (this.kind() !== "IDENT") this.error(`expected identifier, got ${this.kind()}`);
      name.fragments.push(this.tok.text);
      this.next();
    }
    if (this.kind() !== "=" && this.kind() !== "{") {
      if (this.kind() === "STRING") {
        const lit = this.tok.text;
        if (lit[0] !== '"') {
          this.error(`expected block label to be a double quoted string, but got ${quote(lit)}`);
        }
        if (lit.length > 2) {
          name.label = lit.slice(1, -1);
          if (!isValidIdentifier(name.label)) {
            this.error(
              `expected block label to be a valid identifier, but got ${quote(name.label)}`,
            );
          }
        }
        name.labelPos = this.tok.pos;
      } else {
        this.error(`expected block label, got ${this.kind()}`);
      }
      this.next();
    }
    return name;
  }

  parseExpression(): Expr {
    return this.parseBinary(1);
  }

  private parseBinary(minPrec: number): Expr {
    let lhs = this.parsePow();
    for (;;) {
      const tok = this.tok;
      const prec = isBinaryOperator(tok.kind) ? binaryPrecedence(tok.kind) : 0;
      if (prec < minPrec || !isBinaryOperator(tok.kind)) return lhs;
      this.next();
      const rhs = this.parseBinary(prec + 1);
      lhs = { type: "Binary", op: tok.kind, left: lhs, right: rhs, opPos: tok.pos };
    }
  }

  private parsePow(): Expr {
    const lhs = this.parseUnary();
    if (this.kind() === "^") {
      const opPos = this.tok.pos;
      this.next();
      return { type: "Binary", op: "^", left: lhs, right: this.parsePow(), opPos };
    }
    return lhs;
  }

  private parseUnary(): Expr {
    const op = this.kind();
    if (op === "!" || op === "-") {
      const opPos = this.tok.pos;
      this.next();
      return { type: "Unary", op, opPos, operand: this.parseUnary() };
    }
    let primary = this.parsePrimary();
    for (;;) {
      switch (this.kind()) {
        case ".": {
          this.next();
          const name = this.expect("IDENT");
          primary = { type: "Access", object: primary, name: name.text, namePos: name.pos };
          break;
        }
        case "[": {
          const lbrack = this.expect("[").pos;
          const idx = this.parseExpression();
          const rbrack = this.expect("]").pos;
          primary = {
            type: "Index",
            object: primary,
            index: idx,
            lbrackPos: lbrack,
            rbrackPos: rbrack,
          };
          break;
        }
        case "(": {
          const lparen = this.expect("(").pos;
          const args = this.kind() !== ")" ? this.parseExpressionList(")") : [];
          const rparen = this.expect(")").pos;
          primary = { type: "Call", callee: primary, args, lparenPos: lparen, rparenPos: rparen };
          break;
        }
        case "STRING":
        case "{": {
          // Someone wrote a block where an expression belongs; parse it as a
          // block to produce a helpful error.
          if (this.kind() === "STRING") this.next();
          if (this.expect("{").kind !== "{") {
            this.consumeStatement();
            return primary;
          }
          this.parseBody("}");
          if (this.expect("}").kind !== "}") {
            this.consumeStatement();
            return primary;
          }
          this.addDiagnostic(startPosition(primary), "cannot use a block as an expression");
          break;
        }
        default:
          return primary;
      }
    }
  }

  private parsePrimary(): Expr {
    const tok = this.tok;
    switch (tok.kind) {
      case "IDENT":
        this.next();
        return { type: "Identifier", name: tok.text, pos: tok.pos };
      case "STRING":
        this.next();
        return { type: "String", value: unquote(tok.text), raw: tok.text, pos: tok.pos };
      case "NUMBER":
      case "FLOAT":
        this.next();
        return { type: "Number", value: Number(tok.text), raw: tok.text, pos: tok.pos };
      case "BOOL":
        this.next();
        return { type: "Bool", value: tok.text === "true", pos: tok.pos };
      case "NULL":
        this.next();
        return { type: "Null", pos: tok.pos };
      case "(": {
        const lparen = this.expect("(").pos;
        const inner = this.parseExpression();
        const rparen = this.expect(")").pos;
        return { type: "Paren", inner, lparenPos: lparen, rparenPos: rparen };
      }
      case "[": {
        const lbrack = this.expect("[").pos;
        const elements = this.kind() !== "]" ? this.parseExpressionList("]") : [];
        const rbrack = this.expect("]").pos;
        return { type: "Array", elements, lbrackPos: lbrack, rbrackPos: rbrack };
      }
      case "{": {
        const lcurly = this.expect("{").pos;
        const fields = this.parseFieldList("}");
        const rcurly = this.expect("}").pos;
        return { type: "Object", fields, lcurlyPos: lcurly, rcurlyPos: rcurly };
      }
      default: {
        this.error(`expected expression, got ${tok.kind}`);
        this.advanceAny(STATEMENT_END);
        return { type: "Null", pos: tok.pos };
      }
    }
  }

  private parseExpressionList(until: TokenKind): Expr[] {
    const exprs: Expr[] = [];
    while (this.kind() !== until && this.kind() !== "EOF") {
      exprs.push(this.parseExpression());
      if (this.kind() === until) break;
      if (this.kind() !== ",") this.error("missing ',' in expression list");
      this.next();
    }
    return exprs;
  }

  private parseFieldList(until: TokenKind): ObjectField[] {
    const fields: ObjectField[] = [];
    while (this.kind() !== until && this.kind() !== "EOF") {
      fields.push(this.parseField());
      if (this.kind() === until) break;
      if (this.kind() !== ",") this.error("missing ',' in field list");
      this.next();
    }
    return fields;
  }

  private parseField(): ObjectField {
    const tok = this.tok;
    let key = "";
    let quoted = false;
    let keyRaw: string | undefined;
    if (tok.kind === "STRING" || tok.kind === "IDENT") {
      key = tok.text;
      if (tok.kind === "STRING") {
        key = unquote(tok.text);
        quoted = true;
        keyRaw = tok.text;
      }
      this.next();
    } else {
      this.error(`expected field name (string or identifier), got ${tok.kind}`);
      this.advance("=");
    }
    this.expect("=");
    const value = this.parseExpression();
    return keyRaw === undefined
      ? { key, quoted, value, keyPos: tok.pos }
      : { key, quoted, value, keyPos: tok.pos, keyRaw };
  }
}

function isBinaryOperator(kind: TokenKind): kind is BinaryOperator {
  switch (kind) {
    case "||":
    case "&&":
    case "==":
    case "!=":
    case "<":
    case "<=":
    case ">":
    case ">=":
    case "+":
    case "-":
    case "*":
    case "/":
    case "%":
    case "^":
      return true;
    default:
      return false;
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) n++;
  return n;
}

/** Position of the first character of an expression (as Alloy defines it). */
function startPosition(expr: Expr): Position {
  switch (expr.type) {
    case "Access":
    case "Index":
      return startPosition(expr.object);
    case "Call":
      return startPosition(expr.callee);
    case "Binary":
      return startPosition(expr.left);
    case "Array":
      return expr.lbrackPos ?? ZERO;
    case "Object":
      return expr.lcurlyPos ?? ZERO;
    case "Unary":
      return expr.opPos ?? ZERO;
    case "Paren":
      return expr.lparenPos ?? ZERO;
    default:
      return expr.pos ?? ZERO;
  }
}

const ZERO: Position = { offset: 0, line: 0, column: 0 };
