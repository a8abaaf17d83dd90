/**
 * The printer: formats an AST exactly as `alloy fmt` does.
 *
 * For a parsed tree the printer follows Alloy's formatter rule for rule: the
 * line structure of the source decides where lists break, a blank line in the
 * source survives (at most one), blocks are separated by a blank line, `=`
 * signs of consecutive single-line attributes and object fields line up,
 * trailing comments line up, empty blocks collapse to `{ }`, indentation is
 * one tab per level, and every comment is kept in place.
 *
 * A tree built in code has no positions; it is first laid out canonically
 * (see layout.ts), re-read, and then printed the same way, so generated
 * configs are, byte for byte, what `alloy fmt` would make of them.
 */
import type {
  ArrayExpr,
  Attribute,
  Block,
  CallExpr,
  Comment,
  CommentGroup,
  Expr,
  File,
  ObjectExpr,
  ObjectField,
  Position,
  Statement,
} from "./ast.js";
import { layout } from "./layout.js";
import { literalText } from "./literals.js";
import { parse } from "./parser.js";
import type { TokenKind } from "./scanner.js";
import { quote, utf8Length } from "./strings.js";
import { alignAndTrim, type Piece } from "./tabwriter.js";

/**
 * Formats a file. The result ends with a newline, like the output of
 * `alloy fmt`; for a parsed file it is exactly what `alloy fmt` prints.
 */
export function print(file: File): string {
  const positioned = hasFullPositions(file) ? file : parse(layout(file), { filename: "<layout>" });
  const printer = new Printer(positioned.comments);
  printer.printStatements(positioned.body);
  printer.finish();
  return `${printer.text()}\n`;
}

/** Parses and re-prints `source`: what `alloy fmt` does to a file. */
export function format(source: string, options: { filename?: string } = {}): string {
  return print(parse(source, options));
}

// --- positions ------------------------------------------------------------------------

function hasFullPositions(f: File): boolean {
  for (const group of f.comments) for (const c of group) if (!c.pos) return false;
  return f.body.every(statementPositioned);
}

function statementPositioned(s: Statement): boolean {
  if (s.leadingComments && s.leadingComments.length > 0) return false;
  if (s.type === "Attribute") return s.namePos !== undefined && exprPositioned(s.value);
  return (
    s.namePos !== undefined &&
    s.lcurlyPos !== undefined &&
    s.rcurlyPos !== undefined &&
    (s.label === undefined || s.labelPos !== undefined) &&
    s.body.every(statementPositioned)
  );
}

function exprPositioned(e: Expr): boolean {
  switch (e.type) {
    case "String":
    case "Number":
    case "Bool":
    case "Null":
    case "Identifier":
      return e.pos !== undefined;
    case "Array":
      return (
        e.lbrackPos !== undefined && e.rbrackPos !== undefined && e.elements.every(exprPositioned)
      );
    case "Object":
      return (
        e.lcurlyPos !== undefined &&
        e.rcurlyPos !== undefined &&
        e.fields.every((f) => f.keyPos !== undefined && exprPositioned(f.value))
      );
    case "Access":
      return e.namePos !== undefined && exprPositioned(e.object);
    case "Index":
      return (
        e.lbrackPos !== undefined &&
        e.rbrackPos !== undefined &&
        exprPositioned(e.object) &&
        exprPositioned(e.index)
      );
    case "Call":
      return (
        e.lparenPos !== undefined &&
        e.rparenPos !== undefined &&
        exprPositioned(e.callee) &&
        e.args.every(exprPositioned)
      );
    case "Unary":
      return e.opPos !== undefined && exprPositioned(e.operand);
    case "Binary":
      return e.opPos !== undefined && exprPositioned(e.left) && exprPositioned(e.right);
    case "Paren":
      return e.lparenPos !== undefined && e.rparenPos !== undefined && exprPositioned(e.inner);
  }
}

const NOWHERE: Position = { offset: 0, line: 0, column: 0 };

function startOf(node: Statement | Expr): Position {
  switch (node.type) {
    case "Attribute":
    case "Block":
      return node.namePos ?? NOWHERE;
    case "Array":
      return node.lbrackPos ?? NOWHERE;
    case "Object":
      return node.lcurlyPos ?? NOWHERE;
    case "Access":
    case "Index":
      return startOf(node.object);
    case "Call":
      return startOf(node.callee);
    case "Unary":
      return node.opPos ?? NOWHERE;
    case "Binary":
      return startOf(node.left);
    case "Paren":
      return node.lparenPos ?? NOWHERE;
    default:
      return node.pos ?? NOWHERE;
  }
}

/** Line of the last character of a node. */
function endLine(node: Statement | Expr): number {
  switch (node.type) {
    case "Attribute":
      return endLine(node.value);
    case "Block":
      return (node.rcurlyPos ?? NOWHERE).line;
    case "String":
      return (node.pos ?? NOWHERE).line + newlines(literalText(node));
    case "Array":
      return (node.rbrackPos ?? NOWHERE).line;
    case "Object":
      return (node.rcurlyPos ?? NOWHERE).line;
    case "Access":
      return (node.namePos ?? NOWHERE).line;
    case "Index":
      return (node.rbrackPos ?? NOWHERE).line;
    case "Call":
      return (node.rparenPos ?? NOWHERE).line;
    case "Unary":
      return endLine(node.operand);
    case "Binary":
      return endLine(node.right);
    case "Paren":
      return (node.rparenPos ?? NOWHERE).line;
    default:
      return (node.pos ?? NOWHERE).line;
  }
}

function nodeLines(node: Statement | Expr): number {
  return endLine(node) - startOf(node).line + 1;
}

/**
 * Line on which Alloy considers an object key to end. Alloy measures a quoted
 * key by its unquoted text from the opening quote, which only matters for
 * raw-string keys spanning lines.
 */
function keyEndLine(f: ObjectField): number {
  const start = f.keyPos ?? NOWHERE;
  const raw = f.quoted ? (f.keyRaw ?? quote(f.key)) : f.key;
  if (!raw.includes("\n")) return start.line;
  const name = f.quoted && raw.length > 2 ? raw.slice(1, -1) : raw;
  const limit = utf8Length(name) - 1;
  let bytes = 0;
  let line = start.line;
  for (const ch of raw) {
    if (bytes >= limit) break;
    if (ch === "\n") line++;
    bytes += utf8Length(ch);
  }
  return line;
}

function newlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) n++;
  return n;
}

function commentEndLine(c: Comment): number {
  return (c.pos ?? NOWHERE).line + newlines(c.text);
}

// --- the printer ------------------------------------------------------------------------

type Whitespace = "ignore" | "blank" | "vtab" | "newline" | "formfeed" | "indent" | "unindent";

const WHITESPACE_CHAR: Partial<Record<Whitespace, string>> = {
  blank: " ",
  vtab: "\v",
  newline: "\n",
  formfeed: "\f",
};

/** Alloy buffers at most this many pending whitespace instructions. */
const WHITESPACE_LIMIT = 16;
const MAX_NEWLINES = 2;

type LastToken = TokenKind | "LITERAL";

interface Cursor {
  offset: number;
  line: number;
  column: number;
}

const END: Cursor = {
  offset: Number.MAX_SAFE_INTEGER,
  line: Number.MAX_SAFE_INTEGER,
  column: Number.MAX_SAFE_INTEGER,
};

/**
 * Emits tokens, whitespace instructions and comments into a buffer that the
 * tab writer lays out. `pos` tracks where the printer is in the *source*
 * (to decide which comments come before the next token); `out` tracks where
 * it is in the *output* (to indent new lines).
 */
class Printer {
  private readonly pieces: Piece[] = [];
  private wroteAnything = false;
  private indent = 0;
  private lastToken: LastToken = "ILLEGAL";
  private whitespace: Whitespace[] = [];
  private readonly commentGroups: readonly CommentGroup[];
  private commentIndex = 0;
  private currentGroup: CommentGroup = [];
  private nextCommentOffset: number | undefined;
  private pos: Cursor = { offset: 0, line: 1, column: 1 };
  private last: Cursor = { offset: 0, line: 0, column: 0 };
  private outColumn = 1;

  constructor(comments: readonly CommentGroup[]) {
    this.commentGroups = comments;
    this.loadNextComment();
  }

  text(): string {
    return alignAndTrim(this.pieces);
  }

  finish(): void {
    this.flush(END, "EOF");
  }

  // --- statements

  printStatements(statements: readonly Statement[]): void {
    statements.forEach((s, i) => {
      let spaced = false;
      if (i > 0 && s.type === "Block") {
        this.ws("formfeed");
        spaced = true;
      }
      const prev = statements[i - 1];
      if (prev && !spaced && startOf(s).line - endLine(prev) > 1) this.ws("formfeed");
      if (s.type === "Attribute") this.printAttribute(s);
      else this.printBlock(s);
      this.ws(nodeLines(s) > 1 ? "formfeed" : "newline");
    });
  }

  private printAttribute(s: Attribute): void {
    this.at(s.namePos);
    this.ident(s.name);
    this.ws("vtab");
    this.token("=");
    this.ws("blank");
    this.printExpr(s.value);
  }

  private printBlock(s: Block): void {
    this.at(s.namePos);
    this.ident(s.name);
    if (s.label !== undefined && s.label !== "") {
      this.ws("blank");
      this.at(s.labelPos);
      this.literal(quote(s.label), "STRING");
    }
    this.ws("blank");
    this.at(s.lcurlyPos);
    this.token("{");
    this.ws("indent");
    if (s.body.length > 0) {
      this.ws("formfeed");
      this.printStatements(s.body);
    } else {
      this.ws("blank");
    }
    this.ws("unindent");
    this.at(s.rcurlyPos);
    this.token("}");
  }

  // --- expressions

  private printExpr(e: Expr): void {
    switch (e.type) {
      case "String":
        this.at(e.pos);
        this.literal(literalText(e), "STRING");
        return;
      case "Number": {
        const text = literalText(e);
        this.at(e.pos);
        this.literal(text, /^[0-9]+$/.test(text) ? "NUMBER" : "FLOAT");
        return;
      }
      case "Bool":
        this.at(e.pos);
        this.literal(literalText(e), "BOOL");
        return;
      case "Null":
        this.at(e.pos);
        this.literal("null", "NULL");
        return;
      case "Identifier":
        this.at(e.pos);
        this.ident(e.name);
        return;
      case "Array":
        this.printArray(e);
        return;
      case "Object":
        this.printObject(e);
        return;
      case "Access":
        this.printExpr(e.object);
        this.token(".");
        this.ident(e.name);
        return;
      case "Index":
        this.printExpr(e.object);
        this.at(e.lbrackPos);
        this.token("[");
        this.printExpr(e.index);
        this.at(e.rbrackPos);
        this.token("]");
        return;
      case "Call":
        this.printCall(e);
        return;
      case "Unary":
        this.at(e.opPos);
        this.token(e.op);
        this.printExpr(e.operand);
        return;
      case "Binary":
        this.printExpr(e.left);
        this.ws("blank");
        this.at(e.opPos);
        this.token(e.op);
        this.ws("blank");
        this.printExpr(e.right);
        return;
      case "Paren":
        this.token("(");
        this.printExpr(e.inner);
        this.token(")");
        return;
    }
  }

  private printArray(e: ArrayExpr): void {
    this.at(e.lbrackPos);
    this.token("[");
    let prevLine = (e.lbrackPos ?? NOWHERE).line;
    e.elements.forEach((el, i) => {
      let broke = false;
      if (prevLine !== startOf(el).line) {
        // Indent before the line break so comments before the element indent too.
        this.ws("indent", "formfeed");
        broke = true;
      } else if (i > 0) {
        this.ws("blank");
      }
      prevLine = endLine(el);
      this.printExpr(el);
      if (i + 1 < e.elements.length) this.token(",");
      if (broke) this.ws("unindent");
    });
    if (e.elements.length > 0 && prevLine !== (e.rbrackPos ?? NOWHERE).line) {
      this.token(",");
      this.ws("indent", "formfeed", "unindent");
    }
    this.at(e.rbrackPos);
    this.token("]");
  }

  private printObject(e: ObjectExpr): void {
    this.at(e.lcurlyPos);
    this.token("{");
    this.ws("indent");
    let prevLine = (e.lcurlyPos ?? NOWHERE).line;
    e.fields.forEach((f, i) => {
      const prev = e.fields[i - 1];
      if (prevLine !== (f.keyPos ?? NOWHERE).line) {
        // Fields after a single-line value stay in the same alignment run.
        this.ws(prev && nodeLines(prev.value) === 1 ? "newline" : "formfeed");
      } else if (i > 0) {
        this.ws("blank");
      }
      prevLine = keyEndLine(f);
      this.at(f.keyPos);
      if (f.quoted) this.literal(quote(f.key), "STRING");
      else this.ident(f.key);
      this.ws("vtab");
      this.token("=");
      this.ws("blank");
      this.printExpr(f.value);
      if (i + 1 < e.fields.length) this.token(",");
    });
    if (e.fields.length > 0 && prevLine !== (e.rcurlyPos ?? NOWHERE).line) {
      this.token(",");
      this.ws("formfeed");
    }
    this.ws("unindent");
    this.at(e.rcurlyPos);
    this.token("}");
  }

  private printCall(e: CallExpr): void {
    this.printExpr(e.callee);
    this.token("(");
    let prevLine = (e.lparenPos ?? NOWHERE).line;
    e.args.forEach((arg, i) => {
      let broke = false;
      if (prevLine !== startOf(arg).line) {
        this.ws("formfeed", "indent");
        broke = true;
      }
      this.printExpr(arg);
      prevLine = endLine(arg);
      if (i + 1 < e.args.length) {
        this.token(",");
        this.ws("blank");
      }
      if (broke) this.ws("unindent");
    });
    // Alloy also adds this comma to an empty argument list, which produces
    // `f(,` for `f(\n)`; an argument list needs an argument to carry one.
    if (e.args.length > 0 && prevLine !== (e.rparenPos ?? NOWHERE).line) {
      this.token(",");
      this.ws("formfeed");
    }
    this.token(")");
  }

  // --- the token stream

  private ws(...items: Whitespace[]): void {
    for (const item of items) {
      if (item === "ignore") continue;
      if (this.whitespace.length === WHITESPACE_LIMIT) this.writeWhitespace(WHITESPACE_LIMIT);
      this.whitespace.push(item);
      this.lastToken = "LITERAL";
    }
  }

  private at(pos: Position | undefined): void {
    if (pos) this.pos = { offset: pos.offset, line: pos.line, column: pos.column };
  }

  private token(text: string): void {
    const first = text[0];
    if (
      (this.lastToken === "NUMBER" && first === ".") ||
      (this.lastToken === "/" && first === "*")
    ) {
      // Keep `1 .a` and `a / *` from fusing into different tokens.
      this.whitespace = ["blank"];
    }
    this.lastToken = text as TokenKind;
    this.emit(text);
  }

  private ident(name: string): void {
    this.lastToken = "IDENT";
    this.emit(name);
  }

  private literal(text: string, kind: TokenKind): void {
    this.lastToken = kind;
    this.emit(text);
  }

  private emit(text: string): void {
    const next = { ...this.pos };
    this.flush(next, this.lastToken);
    this.writeString(next, text, false);
  }

  // --- comments

  private loadNextComment(): void {
    while (this.commentIndex < this.commentGroups.length) {
      const group = this.commentGroups[this.commentIndex++] ?? [];
      const first = group[0];
      if (first) {
        this.currentGroup = group;
        this.nextCommentOffset = (first.pos ?? NOWHERE).offset;
        return;
      }
    }
    this.nextCommentOffset = undefined;
  }

  private commentBefore(next: Cursor): boolean {
    return this.nextCommentOffset !== undefined && this.nextCommentOffset <= next.offset;
  }

  /** Writes comments that come before `next` in the source, then pending whitespace. */
  private flush(next: Cursor, token: LastToken): void {
    if (this.commentBefore(next)) this.injectComments(next, token);
    else if (token !== "EOF") this.writeWhitespace(this.whitespace.length);
  }

  private injectComments(next: Cursor, token: LastToken): void {
    let lastComment: Comment | undefined;
    while (this.commentBefore(next)) {
      for (const c of this.currentGroup) {
        this.writeCommentPrefix(next, c);
        this.writeString(c.pos ?? NOWHERE, c.text, true);
        lastComment = c;
      }
      this.loadNextComment();
    }
    if (lastComment) this.writeCommentSuffix(next, token, lastComment);
  }

  private writeCommentPrefix(next: Cursor, c: Comment): void {
    if (!this.wroteAnything) return;
    const cPos = c.pos ?? NOWHERE;
    if (cPos.line === this.last.line) {
      // Same line as the previous token: a tab aligns trailing comments; a
      // block comment followed by more code on the line gets a space.
      this.writeByte(cPos.line === next.line ? " " : "\t", 1);
      return;
    }
    // Apply pending indentation changes up to the first real whitespace, which is dropped.
    let count = 0;
    for (let i = 0; i < this.whitespace.length; i++) {
      const w = this.whitespace[i];
      if (w === "indent" || w === "unindent") continue;
      if (w === "blank" || w === "vtab" || w === "newline" || w === "formfeed") {
        this.whitespace[i] = "ignore";
      }
      count = i;
      break;
    }
    this.writeWhitespace(count);
    const lines = cPos.line > 0 && this.last.line > 0 ? cPos.line - this.last.line : 0;
    if (lines > 0) this.writeByte("\f", Math.min(lines, MAX_NEWLINES));
  }

  private writeCommentSuffix(next: Cursor, token: LastToken, lastComment: Comment): void {
    if (token === "EOF") return;
    if (lastComment.text[1] === "*" && next.line === commentEndLine(lastComment)) {
      this.writeByte(" ", 1);
    }
    const lines = next.line - this.last.line;
    let droppedFormfeed = false;
    this.whitespace = this.whitespace.map((w) => {
      if (w === "indent" || w === "unindent") return w;
      if (w === "formfeed") droppedFormfeed = true;
      return "ignore";
    });
    this.writeWhitespace(this.whitespace.length);
    if (lines > 0) this.writeByte(droppedFormfeed ? "\f" : "\n", Math.min(lines, MAX_NEWLINES));
  }

  // --- raw output

  private writeString(pos: Cursor | Position, s: string, escaped: boolean): void {
    if (this.outColumn === 1) this.writeIndent();
    this.pos = { offset: pos.offset, line: pos.line, column: pos.column };
    if (escaped) this.pieces.push({ escaped: s });
    else if (s !== "") this.pieces.push(s);
    if (escaped || s !== "") this.wroteAnything = true;

    const bytes = utf8Length(s);
    this.pos.offset += bytes;
    let lineBreaks = 0;
    let lastBreak = -1;
    for (let i = 0; i < s.length; i++) {
      if (s[i] === "\n" || s[i] === "\f") {
        lineBreaks++;
        lastBreak = i;
      }
    }
    if (lineBreaks > 0) {
      const column = bytes - utf8Length(s.slice(0, lastBreak));
      this.pos.line += lineBreaks;
      this.pos.column = column;
      this.outColumn = column;
    } else {
      this.pos.column += bytes;
      this.outColumn += bytes;
    }
    this.last = { ...this.pos };
  }

  private writeIndent(): void {
    if (this.indent > 0) {
      this.pieces.push("\t".repeat(this.indent));
      this.wroteAnything = true;
    }
    this.pos.offset += this.indent;
    this.pos.column += this.indent;
    this.outColumn += this.indent;
  }

  private writeByte(ch: string, n: number): void {
    if (this.outColumn === 1) this.writeIndent();
    this.pieces.push(ch.repeat(n));
    this.wroteAnything = true;
    this.pos.offset += n;
    if (ch === "\n" || ch === "\f") {
      this.pos.line += n;
      this.pos.column = 1;
      this.outColumn = 1;
    } else {
      this.pos.column += n;
      this.outColumn += n;
    }
  }

  private writeWhitespace(n: number): void {
    for (let i = 0; i < n; i++) {
      const w = this.whitespace[i];
      if (w === undefined || w === "ignore") continue;
      if (w === "indent") this.indent++;
      else if (w === "unindent") {
        this.indent--;
        if (this.indent < 0) throw new Error("printer: negative indentation");
      } else this.writeByte(WHITESPACE_CHAR[w] ?? "", 1);
    }
    this.whitespace = this.whitespace.slice(n);
  }
}
