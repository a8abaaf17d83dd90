/**
 * A TypeScript port of what Loki runs over config.yaml with
 * `-config.expand-env=true`: `envsubst.EvalEnv` of github.com/drone/envsubst
 * v1.0.3 (Loki 3.7's go.mod; called from Loki's pkg/util/cfg/files.go).
 * Ported line by line from that tag's parse/scan.go, parse/parse.go and
 * template.go, for the parts the escaping depends on: the scanner (with its
 * `$$` and `\\`/`\/` escapes and its `${` detection), text, and plain
 * `${NAME}`. The function forms (`${NAME:-x}`, `${NAME/a/b}`, `${#NAME}`, ...)
 * throw instead: nothing this repository writes uses them, and user text must
 * never reach them. It is checked against the upstream source, not the binary.
 */

/** Go's `eof = rune(0)`: a NUL in the text reads as the end too, as upstream. */
const EOF = "\u0000";

const SCAN_IDENT = 1;
const SCAN_LBRACK = 2;
const SCAN_RBRACK = 4;
const SCAN_ESCAPE = 8;

type Token = "illegal" | "eof" | "ident" | "lbrack" | "rbrack";
type Accept = (r: string, i: number) => boolean;

const acceptRune: Accept = () => true;
const acceptIdent: Accept = (r) => /^[\p{L}\p{Nd}_]$/u.test(r);

class Scanner {
  buf = "";
  pos = 0;
  start = 0;
  width = 0;
  mode = 0;
  accept: Accept = acceptRune;

  init(buf: string): void {
    this.buf = buf;
    this.pos = 0;
    this.start = 0;
    this.width = 0;
  }

  read(): string {
    if (this.pos >= this.buf.length) {
      this.width = 0;
      return EOF;
    }
    const r = String.fromCodePoint(this.buf.codePointAt(this.pos) as number);
    this.width = r.length;
    this.pos += this.width;
    return r;
  }

  unread(): void {
    this.pos -= this.width;
  }

  /** Drops the character just read from the buffer (the first of an escape pair). */
  skip(): void {
    this.buf = this.buf.slice(0, this.pos - 1) + this.buf.slice(this.pos);
  }

  peek(): string {
    const r = this.read();
    this.unread();
    return r;
  }

  string(): string {
    return this.buf.slice(this.start, this.pos);
  }

  scan(): Token {
    this.start = this.pos;
    const r = this.read();
    if (r === EOF) return "eof";
    if (this.scanLbrack(r)) return "lbrack";
    if (this.scanRbrack(r)) return "rbrack";
    if (this.scanIdent(r)) return "ident";
    return "illegal";
  }

  scanIdent(r: string): boolean {
    if ((this.mode & SCAN_IDENT) === 0) return false;
    if (this.scanEscaped(r)) this.skip();
    else if (!this.accept(r, this.pos - this.start)) return false;
    for (;;) {
      const c = this.read();
      if (c === EOF) {
        this.unread();
        break;
      }
      if (this.scanLbrack(c)) {
        this.unread();
        this.unread();
        break;
      }
      if (this.scanEscaped(c)) {
        this.skip();
        continue;
      }
      if (!this.accept(c, this.pos - this.start)) {
        this.unread();
        break;
      }
    }
    return true;
  }

  scanLbrack(r: string): boolean {
    if ((this.mode & SCAN_LBRACK) === 0) return false;
    if (r === "$") {
      if (this.read() === "{") return true;
      this.unread();
    }
    return false;
  }

  scanRbrack(r: string): boolean {
    if ((this.mode & SCAN_RBRACK) === 0) return false;
    return r === "}";
  }

  scanEscaped(r: string): boolean {
    if ((this.mode & SCAN_ESCAPE) === 0) return false;
    if (r === "$" && this.peek() === "$") return true;
    if (r !== "\\") return false;
    const next = this.peek();
    return next === "/" || next === "\\";
  }
}

type Node = { text: string } | { param: string };

function parseFunc(s: Scanner): Node {
  if (s.peek() === "#") throw new Error("${#...} is not reimplemented");
  s.accept = acceptIdent;
  s.mode = SCAN_IDENT;
  if (s.scan() !== "ident") throw new Error("unable to parse variable name");
  const name = s.string();
  const next = s.peek();
  if (":=,^/#%".includes(next) && next !== EOF) {
    throw new Error(`\${${name}${next}...} is not reimplemented`);
  }
  s.accept = acceptIdent;
  s.mode = SCAN_RBRACK;
  if (s.scan() !== "rbrack") throw new Error("missing closing brace");
  return { param: name };
}

function parseAny(s: Scanner, nodes: Node[]): void {
  for (;;) {
    s.accept = acceptRune;
    s.mode = SCAN_IDENT | SCAN_LBRACK | SCAN_ESCAPE;
    const token = s.scan();
    if (token === "ident") nodes.push({ text: s.string() });
    else if (token === "lbrack") nodes.push(parseFunc(s));
    else if (token === "eof") return;
    else throw new Error("bad substitution");
  }
}

/** `envsubst.Eval(text, mapping)`; `EvalEnv` is this with os.Getenv (undefined: ""). */
export function envsubstEval(text: string, env: Readonly<Record<string, string>>): string {
  const scanner = new Scanner();
  scanner.init(text);
  const nodes: Node[] = [];
  parseAny(scanner, nodes);
  return nodes.map((node) => ("text" in node ? node.text : (env[node.param] ?? ""))).join("");
}
