/**
 * The Alloy scanner: turns source text into tokens with positions.
 *
 * Like Go (and Alloy), the scanner inserts a TERMINATOR token at the end of a
 * line whose last token can end a statement (an identifier, a literal, `)`,
 * `]` or `}`), so statements need no explicit separator.
 */
import type { Position } from "./ast.js";
import { describeCodePoint, isDigit, isLetter, utf8Width } from "./strings.js";

/** Token kinds; operators and delimiters are spelled as themselves, like Alloy's `token.Token.String()`. */
export type TokenKind =
  | "ILLEGAL"
  | "EOF"
  | "COMMENT"
  | "IDENT"
  | "NUMBER"
  | "FLOAT"
  | "STRING"
  | "BOOL"
  | "NULL"
  | "||"
  | "&&"
  | "!"
  | "="
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
  | "^"
  | "{"
  | "}"
  | "("
  | ")"
  | "["
  | "]"
  | ","
  | "."
  | "TERMINATOR";

export interface Token {
  readonly kind: TokenKind;
  readonly pos: Position;
  /** Source text for identifiers, literals and comments; `"\n"` for terminators. */
  readonly text: string;
}

/** Called for every lexical error, with the byte offset it applies to. */
export type ScanErrorHandler = (offset: number, message: string) => void;

const EOF = -1;
const BOM = 0xfeff;

interface State {
  ch: number;
  /** UTF-16 index of `ch`. */
  idx: number;
  /** Byte offset of `ch`. */
  off: number;
  /** UTF-16 index just after `ch`. */
  nextIdx: number;
  insertTerm: boolean;
}

export interface ScannerOptions {
  /** Return comments as COMMENT tokens instead of skipping them (default true). */
  readonly comments?: boolean;
}

export class Scanner {
  private readonly src: string;
  private readonly onError: ScanErrorHandler | undefined;
  private readonly keepComments: boolean;
  /** Byte offsets where each line starts; index 0 is line 1. */
  private readonly lineStarts: number[] = [0];
  private s: State = { ch: EOF, idx: 0, off: 0, nextIdx: 0, insertTerm: false };
  private errorCount = 0;

  constructor(src: string, onError?: ScanErrorHandler, options: ScannerOptions = {}) {
    this.src = src;
    this.onError = onError;
    this.keepComments = options.comments ?? true;
    this.next();
    if (this.ch() === BOM) this.next();
  }

  /** Number of lexical errors seen so far. */
  get errors(): number {
    return this.errorCount;
  }

  /** Line and column for a byte offset already scanned past. */
  position(offset: number): Position {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset, line: lo + 1, column: offset - (this.lineStarts[lo] ?? 0) + 1 };
  }

  private error(offset: number, message: string): void {
    this.errorCount++;
    this.onError?.(offset, message);
  }

  private addLine(offset: number): void {
    if (offset > (this.lineStarts[this.lineStarts.length - 1] ?? 0)) this.lineStarts.push(offset);
  }

  private next(): void {
    const s = this.s;
    const prev = s.ch;
    const prevWidth = prev === EOF ? 0 : utf8Width(prev);
    const newOff = prev === EOF && s.idx === 0 && s.nextIdx === 0 ? 0 : s.off + prevWidth;
    if (s.nextIdx >= this.src.length) {
      if (prev === 0x0a) this.addLine(newOff);
      s.idx = this.src.length;
      s.off = prev === EOF ? s.off : newOff;
      s.ch = EOF;
      return;
    }
    s.idx = s.nextIdx;
    s.off = newOff;
    if (prev === 0x0a) this.addLine(s.off);
    const cp = this.src.codePointAt(s.idx) ?? 0;
    s.nextIdx = s.idx + (cp > 0xffff ? 2 : 1);
    if (cp === 0) this.error(s.off, "illegal character NUL");
    else if (cp === BOM && s.off > 0) this.error(s.off, "illegal byte order mark");
    s.ch = cp;
  }

  /** The current character (a method, so checks are not narrowed across next()). */
  private ch(): number {
    return this.s.ch;
  }

  private peek(): number {
    return this.s.nextIdx < this.src.length ? this.src.charCodeAt(this.s.nextIdx) : 0;
  }

  private save(): State {
    return { ...this.s };
  }

  private restore(state: State): void {
    this.s = { ...state };
  }

  /** Scans the next token. */
  scan(): Token {
    for (;;) {
      this.skipWhitespace();
      const start = this.save();
      const pos = this.position(start.off);
      const ch = this.ch();
      let insertTerm = false;
      let kind: TokenKind;
      let text = "";

      if (isLetter(ch)) {
        text = this.scanIdentifier();
        kind = text === "true" || text === "false" ? "BOOL" : text === "null" ? "NULL" : "IDENT";
        insertTerm = true;
      } else if (isDecimal(ch) || (ch === 0x2e && isDecimal(this.peek()))) {
        insertTerm = true;
        [kind, text] = this.scanNumber();
      } else {
        this.next();
        switch (ch) {
          case EOF:
            if (this.s.insertTerm) {
              this.s.insertTerm = false;
              return { kind: "TERMINATOR", pos, text: "\n" };
            }
            kind = "EOF";
            break;
          case 0x0a:
            this.s.insertTerm = false;
            return { kind: "TERMINATOR", pos, text: "\n" };
          case 0x27: // '
            this.error(start.off, "illegal single-quoted string; use double quotes");
            insertTerm = true;
            kind = "ILLEGAL";
            text = this.scanString(start, 0x27, true, false);
            break;
          case 0x22: // "
            insertTerm = true;
            kind = "STRING";
            text = this.scanString(start, 0x22, true, false);
            break;
          case 0x60: // `
            insertTerm = true;
            kind = "STRING";
            text = this.scanString(start, 0x60, false, true);
            break;
          case 0x7c: // |
            if (this.ch() !== 0x7c) this.error(this.s.off, "missing second | in ||");
            else this.next();
            kind = "||";
            break;
          case 0x26: // &
            if (this.ch() !== 0x26) this.error(this.s.off, "missing second & in &&");
            else this.next();
            kind = "&&";
            break;
          case 0x21: // !
            kind = this.switch2("!", "!=");
            break;
          case 0x3d: // =
            kind = this.switch2("=", "==");
            break;
          case 0x3c: // <
            kind = this.switch2("<", "<=");
            break;
          case 0x3e: // >
            kind = this.switch2(">", ">=");
            break;
          case 0x2b:
            kind = "+";
            break;
          case 0x2d:
            kind = "-";
            break;
          case 0x2a:
            kind = "*";
            break;
          case 0x2f: // /
            if (this.ch() === 0x2f || this.ch() === 0x2a) {
              if (this.s.insertTerm && this.findLineEnd()) {
                // Rescan the comment after the terminator.
                this.restore(start);
                this.s.insertTerm = false;
                return { kind: "TERMINATOR", pos, text: "\n" };
              }
              const comment = this.scanComment(start);
              if (!this.keepComments) {
                this.s.insertTerm = false;
                continue;
              }
              kind = "COMMENT";
              text = comment;
            } else {
              kind = "/";
            }
            break;
          case 0x25:
            kind = "%";
            break;
          case 0x5e:
            kind = "^";
            break;
          case 0x7b:
            kind = "{";
            break;
          case 0x7d:
            insertTerm = true;
            kind = "}";
            break;
          case 0x28:
            kind = "(";
            break;
          case 0x29:
            insertTerm = true;
            kind = ")";
            break;
          case 0x5b:
            kind = "[";
            break;
          case 0x5d:
            insertTerm = true;
            kind = "]";
            break;
          case 0x2c:
            kind = ",";
            break;
          case 0x2e:
            kind = ".";
            break;
          default:
            if (ch !== BOM) this.error(start.off, `illegal character ${describeCodePoint(ch)}`);
            insertTerm = this.s.insertTerm;
            kind = "ILLEGAL";
            text = String.fromCodePoint(ch);
        }
      }
      this.s.insertTerm = insertTerm;
      return { kind, pos, text };
    }
  }

  private skipWhitespace(): void {
    for (;;) {
      const ch = this.ch();
      if (ch === 0x20 || ch === 0x09 || ch === 0x0d || (ch === 0x0a && !this.s.insertTerm)) {
        this.next();
      } else return;
    }
  }

  private switch2(single: TokenKind, double: TokenKind): TokenKind {
    if (this.ch() === 0x3d) {
      this.next();
      return double;
    }
    return single;
  }

  private scanIdentifier(): string {
    const startIdx = this.s.idx;
    while (isLetter(this.ch()) || isDigit(this.ch())) this.next();
    return this.src.slice(startIdx, this.s.idx);
  }

  private scanNumber(): [TokenKind, string] {
    let kind: TokenKind = "NUMBER";
    const startIdx = this.s.idx;
    const startOff = this.s.off;
    if (this.ch() !== 0x2e) this.digits();
    if (this.ch() === 0x2e) {
      kind = "FLOAT";
      this.next();
      this.digits();
    }
    if (this.ch() === 0x65 || this.ch() === 0x45) {
      kind = "FLOAT";
      this.next();
      if (this.ch() === 0x2b || this.ch() === 0x2d) this.next();
      if (this.digits() === 0) this.error(startOff, "exponent has no digits");
    }
    return [kind, this.src.slice(startIdx, this.s.idx)];
  }

  private digits(): number {
    let n = 0;
    while (isDecimal(this.ch())) {
      this.next();
      n++;
    }
    return n;
  }

  private scanString(start: State, until: number, escapes: boolean, multiline: boolean): string {
    for (;;) {
      const ch = this.ch();
      if ((!multiline && ch === 0x0a) || ch === EOF) {
        this.error(start.off, "string literal not terminated");
        break;
      }
      this.next();
      if (ch === until) break;
      if (escapes && ch === 0x5c) this.scanEscape();
    }
    return this.src.slice(start.idx, this.s.idx);
  }

  private scanEscape(): void {
    const off = this.s.off;
    let n: number;
    let base: number;
    let max: number;
    switch (this.ch()) {
      case 0x61: // a
      case 0x62: // b
      case 0x66: // f
      case 0x6e: // n
      case 0x72: // r
      case 0x74: // t
      case 0x76: // v
      case 0x5c: // \
      case 0x22: // "
      case 0x27: // '
        this.next();
        return;
      case 0x30:
      case 0x31:
      case 0x32:
      case 0x33:
      case 0x34:
      case 0x35:
      case 0x36:
      case 0x37:
        [n, base, max] = [3, 8, 255];
        break;
      case 0x78: // x
        this.next();
        [n, base, max] = [2, 16, 255];
        break;
      case 0x75: // u
        this.next();
        [n, base, max] = [4, 16, 0x10ffff];
        break;
      case 0x55: // U
        this.next();
        [n, base, max] = [8, 16, 0x10ffff];
        break;
      default:
        this.error(
          off,
          this.ch() === EOF ? "escape sequence not terminated" : "unknown escape sequence",
        );
        return;
    }
    let x = 0;
    for (; n > 0; n--) {
      const d = digitValue(this.ch());
      if (d >= base) {
        this.error(
          off,
          this.ch() === EOF
            ? "escape sequence not terminated"
            : `illegal character ${describeCodePoint(this.ch())} in escape sequence`,
        );
        return;
      }
      x = x * base + d;
      this.next();
    }
    if (x > max || (x >= 0xd800 && x < 0xe000)) {
      this.error(off, "escape sequence is invalid Unicode code point");
    }
  }

  /** Scans a comment whose first `/` is consumed; returns its text without carriage returns. */
  private scanComment(start: State): string {
    let crs = 0;
    let block = false;
    let terminated = true;
    if (this.ch() === 0x2f) {
      this.next();
      while (this.ch() !== 0x0a && this.ch() !== EOF) {
        if (this.ch() === 0x0d) crs++;
        this.next();
      }
    } else {
      block = true;
      terminated = false;
      this.next();
      while (this.ch() !== EOF) {
        const ch = this.ch();
        if (ch === 0x0d) crs++;
        this.next();
        if (ch === 0x2a && this.ch() === 0x2f) {
          this.next();
          terminated = true;
          break;
        }
      }
    }
    if (!terminated) this.error(start.off, "block comment not terminated");
    let text = this.src.slice(start.idx, this.s.idx);
    if (crs > 0 && text.endsWith("\r")) {
      text = text.slice(0, -1);
      crs--;
    }
    if (crs > 0) text = stripCR(text, block);
    return text;
  }

  /**
   * Whether the comment starting at the current `/` runs to the end of the
   * line (possibly through further comments). Leaves the scanner untouched.
   */
  private findLineEnd(): boolean {
    const saved = this.save();
    try {
      while (this.ch() === 0x2f || this.ch() === 0x2a) {
        if (this.ch() === 0x2f) return true;
        this.next();
        while (this.ch() !== EOF) {
          const ch = this.ch();
          if (ch === 0x0a) return true;
          this.next();
          if (ch === 0x2a && this.ch() === 0x2f) {
            this.next();
            break;
          }
        }
        this.skipWhitespace();
        if (this.ch() === EOF || this.ch() === 0x0a) return true;
        if (this.ch() !== 0x2f) return false;
        this.next();
      }
      return false;
    } finally {
      this.restore(saved);
    }
  }
}

function isDecimal(cp: number): boolean {
  return cp >= 0x30 && cp <= 0x39;
}

function digitValue(cp: number): number {
  if (cp >= 0x30 && cp <= 0x39) return cp - 0x30;
  const lower = cp | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return 16;
}

function stripCR(text: string, block: boolean): string {
  let out = "";
  for (let j = 0; j < text.length; j++) {
    const ch = text[j];
    const keep =
      ch !== "\r" ||
      (block && out.length > 2 && out.endsWith("*") && j + 1 < text.length && text[j + 1] === "/");
    if (keep) out += ch;
  }
  return out;
}
