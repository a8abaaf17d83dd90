import { describe, expect, it } from "vitest";
import {
  AlloySyntaxError,
  type Attribute,
  ast,
  type Block,
  type Expr,
  formatDiagnostic,
  parse,
  parseExpression,
  parseWithDiagnostics,
  Scanner,
  stripPositions,
} from "../src/index.js";

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

function errors(source: string): string[] {
  return parseWithDiagnostics(source, { filename: "f.alloy" }).diagnostics.map(formatDiagnostic);
}

describe("scanner", () => {
  it("inserts terminators at line ends after identifiers, literals and closing brackets", () => {
    const kinds = (src: string) => {
      const s = new Scanner(src, undefined, { comments: false });
      const out: string[] = [];
      for (let t = s.scan(); t.kind !== "EOF"; t = s.scan()) out.push(t.kind);
      return out;
    };
    expect(kinds("a = 1\nb = [\n2,\n]\n")).toEqual([
      "IDENT",
      "=",
      "NUMBER",
      "TERMINATOR",
      "IDENT",
      "=",
      "[",
      "NUMBER",
      ",",
      "]",
      "TERMINATOR",
    ]);
    expect(kinds("x = 1 // c\n")).toEqual(["IDENT", "=", "NUMBER", "TERMINATOR"]);
    expect(kinds("x = a +\n b")).toEqual(["IDENT", "=", "IDENT", "+", "IDENT", "TERMINATOR"]);
  });

  it("scans every operator and literal form", () => {
    const s = new Scanner(
      '|| && ! != = == < <= > >= + - * / % ^ { } ( ) [ ] , . 1 1.5 .5 1e3 "s" `r` true null x',
    );
    const out: string[] = [];
    for (let t = s.scan(); t.kind !== "EOF"; t = s.scan()) out.push(t.kind);
    expect(out).toEqual([
      "||",
      "&&",
      "!",
      "!=",
      "=",
      "==",
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
      "{",
      "}",
      "(",
      ")",
      "[",
      "]",
      ",",
      ".",
      "NUMBER",
      "FLOAT",
      "FLOAT",
      "FLOAT",
      "STRING",
      "STRING",
      "BOOL",
      "NULL",
      "IDENT",
      "TERMINATOR",
    ]);
  });

  it("reports lexical errors with their position", () => {
    expect(errors('a = "abc\n')).toEqual(["f.alloy:1:5: string literal not terminated"]);
    expect(errors("a = 'x'\n")).toContain(
      "f.alloy:1:5: illegal single-quoted string; use double quotes",
    );
    expect(errors('a = "\\q"\n')).toEqual(["f.alloy:1:7: unknown escape sequence"]);
    expect(errors('a = "\\u12"\n')).toEqual([
      "f.alloy:1:7: illegal character U+0022 '\"' in escape sequence",
    ]);
    expect(errors("a = 1e\n")).toEqual(["f.alloy:1:5: exponent has no digits"]);
    expect(errors("a = 1 | 2\n")).toEqual(["f.alloy:1:8: missing second | in ||"]);
    expect(errors("a = 1 /* open\n")).toEqual(["f.alloy:1:7: block comment not terminated"]);
    expect(errors("a = 1 @ 2\n")[0]).toBe("f.alloy:1:7: illegal character U+0040 '@'");
  });
});

describe("parse", () => {
  it("builds attributes and blocks with positions", () => {
    const f = parse('a = 1\nprometheus.scrape "default" {\n\ttargets = []\n}\n');
    const [attr, blk] = f.body as [Attribute, Block];
    expect(attr).toMatchObject({
      type: "Attribute",
      name: "a",
      namePos: { line: 1, column: 1, offset: 0 },
    });
    expect(blk).toMatchObject({
      type: "Block",
      name: "prometheus.scrape",
      label: "default",
      namePos: { line: 2, column: 1 },
      labelPos: { line: 2, column: 19 },
      lcurlyPos: { line: 2, column: 29 },
      rcurlyPos: { line: 4, column: 1 },
    });
    expect(only(blk.body)).toMatchObject({ name: "targets", namePos: { line: 3, column: 2 } });
  });

  it("counts columns in UTF-8 bytes, like Alloy", () => {
    const f = parse('é = "ü"\nb = 1\n');
    const [a, b] = f.body as [Attribute, Attribute];
    expect(a.value).toMatchObject({
      type: "String",
      value: "ü",
      pos: { line: 1, column: 6, offset: 5 },
    });
    expect(b.namePos).toEqual({ line: 2, column: 1, offset: 10 });
  });

  it("decodes string literals and keeps their source spelling", () => {
    const value = (src: string) => (only(parse(`a = ${src}\n`).body) as Attribute).value;
    expect(value('"a\\tb\\n\\"q\\" \\\\ \\u00e9 \\U0001F600 \\x41 \\101"')).toMatchObject({
      type: "String",
      value: 'a\tb\n"q" \\ é 😀 A A',
    });
    expect(value("`raw \\n ${x}`")).toMatchObject({
      type: "String",
      value: "raw \\n ${x}",
      raw: "`raw \\n ${x}`",
    });
    expect(value("0.25")).toMatchObject({ type: "Number", value: 0.25, raw: "0.25" });
    expect(value("1e3")).toMatchObject({ type: "Number", value: 1000, raw: "1e3" });
  });

  it("parses operators with Alloy's precedence and associativity", () => {
    const shape = (src: string) => stripPositions(parseExpression(src));
    expect(shape("1 + 2 * 3")).toEqual(
      ast.binary("+", ast.number(1), ast.binary("*", ast.number(2), ast.number(3))),
    );
    expect(shape("1 - 2 - 3")).toEqual(
      ast.binary("-", ast.binary("-", ast.number(1), ast.number(2)), ast.number(3)),
    );
    expect(shape("2 ^ 3 ^ 2")).toEqual(
      ast.binary("^", ast.number(2), ast.binary("^", ast.number(3), ast.number(2))),
    );
    expect(shape("a || b && !c == d")).toEqual(
      ast.binary(
        "||",
        ast.identifier("a"),
        ast.binary(
          "&&",
          ast.identifier("b"),
          ast.binary("==", ast.unary("!", ast.identifier("c")), ast.identifier("d")),
        ),
      ),
    );
    expect(shape("-x ^ 2")).toEqual(
      ast.binary("^", ast.unary("-", ast.identifier("x")), ast.number(2)),
    );
  });

  it("parses references, member access, index and calls", () => {
    const shape = (src: string): Expr => stripPositions(parseExpression(src));
    expect(shape("discovery.kubernetes.pods.targets")).toEqual(
      ast.path("discovery.kubernetes.pods.targets"),
    );
    expect(shape('remote.kubernetes.secret.s.data["password"]')).toEqual(
      ast.index(ast.path("remote.kubernetes.secret.s.data"), ast.string("password")),
    );
    expect(shape('convert.nonsensitive(sys.env("HOSTNAME"))')).toEqual(
      ast.call(ast.path("convert.nonsensitive"), [
        ast.call(ast.path("sys.env"), [ast.string("HOSTNAME")]),
      ]),
    );
    expect(shape("(a.b)(1).c[0]")).toEqual(
      ast.index(
        ast.access(ast.call(ast.paren(ast.path("a.b")), [ast.number(1)]), "c"),
        ast.number(0),
      ),
    );
    expect(shape('{"a.b" = 1, c = [true, null]}')).toEqual(
      ast.object([
        ast.field("a.b", ast.number(1), true),
        ast.field("c", ast.array([ast.bool(true), ast.nullLiteral()]), false),
      ]),
    );
  });

  it("keeps every comment, grouped as Alloy groups them", () => {
    const f = parse("// a\n// b\n\n/* c */ x = 1 // d\n// e\ny = 2\n");
    expect(f.comments.map((g) => g.map((c) => c.text))).toEqual([
      ["// a", "// b"],
      ["/* c */"],
      ["// d", "// e"],
    ]);
    expect(f.comments[1]?.[0]?.pos).toEqual({ line: 4, column: 1, offset: 11 });
  });

  it("accepts CRLF line endings and a leading byte order mark", () => {
    const f = parse('\uFEFFa = 1 // c\r\nb = "x"\r\n');
    expect(f.body).toHaveLength(2);
    expect(f.comments[0]?.[0]?.text).toBe("// c");
  });

  it("throws AlloySyntaxError with every diagnostic", () => {
    const src = "a = ]\nb = )\n";
    expect(() => parse(src, { filename: "x.alloy" })).toThrow(AlloySyntaxError);
    try {
      parse(src, { filename: "x.alloy" });
    } catch (err) {
      const e = err as AlloySyntaxError;
      expect(e.message).toBe("x.alloy:1:5: expected expression, got ] (and 1 more diagnostics)");
      expect(e.diagnostics.map(formatDiagnostic)).toEqual([
        "x.alloy:1:5: expected expression, got ]",
        "x.alloy:2:5: expected expression, got )",
      ]);
    }
  });

  it("explains common mistakes", () => {
    expect(errors("a.b = 1\n")).toEqual([
      'f.alloy:1:1: attribute names may only consist of a single identifier with no "."',
    ]);
    expect(errors('a "l" = 1\n')).toEqual(["f.alloy:1:3: attribute names may not have labels"]);
    expect(errors("block label {}\n")).toEqual(["f.alloy:1:7: expected block label, got IDENT"]);
    expect(errors('block "a-b" {}\n')).toEqual([
      'f.alloy:1:7: expected block label to be a valid identifier, but got "a-b"',
    ]);
    expect(errors("block `x` {}\n")).toEqual([
      'f.alloy:1:7: expected block label to be a double quoted string, but got "`x`"',
    ]);
    expect(errors("a\n")).toEqual([
      "f.alloy:1:2: expected block label, got TERMINATOR",
      "f.alloy:2:1: expected attribute assignment or block body, got EOF",
    ]);
    expect(errors("a = b { }\n")).toEqual(["f.alloy:1:5: cannot use a block as an expression"]);
    expect(errors("a = [1 2]\n")).toEqual(["f.alloy:1:8: missing ',' in expression list"]);
    expect(errors("a = 1 b = 2\n")).toEqual(["f.alloy:1:7: expected TERMINATOR, got IDENT"]);
    expect(errors("x {\n")).toEqual(["f.alloy:2:1: expected }, got EOF"]);
  });

  it("parses a single expression and rejects trailing input", () => {
    expect(stripPositions(parseExpression('sys.env("A")'))).toEqual(
      ast.call(ast.path("sys.env"), [ast.string("A")]),
    );
    expect(() => parseExpression("1 2")).toThrow("expected TERMINATOR, got NUMBER");
  });

  it("parses an empty file and a file of comments", () => {
    expect(parse("")).toEqual({ type: "File", body: [], comments: [] });
    expect(parse("// only\n").comments).toHaveLength(1);
  });
});
