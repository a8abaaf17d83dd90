/**
 * The printer's formatting rules (those of `alloy fmt`), printing of trees
 * built in code, and hand-written fixtures in the style of real configs.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AlloyValueError, ast, format, parse, print, stripPositions } from "../src/index.js";

const fixtures = join(import.meta.dirname, "fixtures");

describe("formatting rules", () => {
  it("puts one space around = and aligns = in runs of single-line attributes", () => {
    expect(format("a=1\nlonger=2\n\nc=3\n")).toBe("a      = 1\nlonger = 2\n\nc = 3\n");
  });

  it("indents with one tab per level and aligns inside blocks", () => {
    expect(format('b "l" {\n  x = 1\n  yy = { a = 1, bb = 2 }\n  c {\n d = 1\n }\n}\n')).toBe(
      'b "l" {\n\tx  = 1\n\tyy = {a = 1, bb = 2}\n\n\tc {\n\t\td = 1\n\t}\n}\n',
    );
  });

  it("separates blocks by a blank line and keeps at most one blank line", () => {
    expect(format("a {}\nb {}\nx = 1\n\n\n\ny = 2\n")).toBe("a { }\n\nb { }\nx = 1\n\ny = 2\n");
  });

  it("collapses empty blocks but keeps comments in them", () => {
    expect(format("a {\n\n}\nb {\n// c\n}\n")).toBe("a { }\n\nb {\n\t// c\n}\n");
  });

  it("keeps the line structure of lists and adds trailing commas", () => {
    expect(format("a = [1,\n2]\nb = [\n1,\n2,\n]\nc = [1, 2]\n")).toBe(
      "a = [1,\n\t2]\nb = [\n\t1,\n\t2,\n]\nc = [1, 2]\n",
    );
    expect(format("o = {\na = 1,\nbbb = 2,\n}\n")).toBe("o = {\n\ta   = 1,\n\tbbb = 2,\n}\n");
  });

  it("aligns object keys only within runs of single-line values", () => {
    expect(format("o = {\na = 1,\nbb = {\nc = 1,\n},\nddd = 2,\n}\n")).toBe(
      "o = {\n\ta  = 1,\n\tbb = {\n\t\tc = 1,\n\t},\n\tddd = 2,\n}\n",
    );
  });

  it("aligns trailing comments of consecutive lines", () => {
    expect(format("a = 1 // x\nbbb = 22 // y\n")).toBe("a   = 1  // x\nbbb = 22 // y\n");
  });

  it("keeps comments before, between and after statements", () => {
    const src =
      "// head\n\n// about a\na = 1\n\nb { // open\n  // inside\n  c = 2\n  // end\n}\n// tail\n";
    expect(format(src)).toBe(
      "// head\n\n// about a\na = 1\n\nb { // open\n\t// inside\n\tc = 2\n\t// end\n}\n// tail\n",
    );
  });

  it("writes raw strings, numbers and escapes as they were written", () => {
    const src = 'a = `x\\d`\nb = 1.50\nc = "\\x41"\nd = .5\n';
    expect(format(src)).toBe('a = `x\\d`\nb = 1.50\nc = "\\x41"\nd = .5\n');
  });

  it("re-quotes block labels and quoted object keys", () => {
    expect(format('b "x" { o = { `k` = 1, "é" = 2 } }\n')).toBe(
      'b "x" {\n\to = {"k" = 1, "é" = 2}\n}\n',
    );
  });

  it("differs from alloy fmt only where alloy fmt would change the meaning or break the file", () => {
    // alloy fmt re-quotes the escaped source text of a quoted key (turning
    // "a\"b" into "a\\\"b"); the key's value is kept here instead.
    expect(format('o = {"a\\"b" = 1, "c\\u00e9" = 2}\n')).toBe('o = {"a\\"b" = 1, "cé" = 2}\n');
    // alloy fmt writes `f(,` for an empty argument list whose ) is on a later line.
    expect(format("x = f(\n)\n")).toBe("x = f()\n");
  });

  it("formats an empty file as a single newline, like alloy fmt", () => {
    expect(format("")).toBe("\n");
    expect(format("\n\n")).toBe("\n");
  });

  it("prints comment-only files", () => {
    expect(format("// a\n\n\n// b\n")).toBe("// a\n\n// b\n");
  });
});

describe("printing trees built in code", () => {
  it("lays out blocks, lists and objects canonically", () => {
    const tree = ast.file([
      ast.attribute("short", ast.array([ast.string("a"), ast.string("b")]), ["leading comment"]),
      ast.attribute(
        "long",
        ast.array(Array.from({ length: 8 }, (_, i) => ast.string(`element-number-${i}`))),
      ),
      ast.block("prometheus.scrape", "x", [
        ast.attribute("targets", ast.object([ast.field("__address__", ast.string("h:1"), false)])),
        ast.block("clustering", undefined, [ast.attribute("enabled", ast.bool(true))]),
      ]),
      ast.block("empty", undefined, []),
    ]);
    expect(print(tree)).toBe(
      [
        "// leading comment",
        'short = ["a", "b"]',
        "long  = [",
        ...Array.from({ length: 8 }, (_, i) => `\t"element-number-${i}",`),
        "]",
        "",
        'prometheus.scrape "x" {',
        "\ttargets = {",
        '\t\t__address__ = "h:1",',
        "\t}",
        "",
        "\tclustering {",
        "\t\tenabled = true",
        "\t}",
        "}",
        "",
        "empty { }",
        "",
      ].join("\n"),
    );
  });

  it("quotes strings the way Go does", () => {
    const tree = ast.file([ast.attribute("s", ast.string('a"b\\c\n\t\u0007\u00a0é😀'))]);
    expect(print(tree)).toBe('s = "a\\"b\\\\c\\n\\t\\a\\u00a0é😀"\n');
  });

  it("keeps the comments of a parsed tree that was edited", () => {
    const parsed = parse("// about a\na = 1\n\n// about b\nb {\n\tc = 2 // trailing\n}\n");
    const edited = ast.file(
      [...parsed.body, ast.attribute("added", ast.number(3))],
      parsed.comments,
    );
    expect(print(edited)).toBe(
      "// about a\na = 1\n\n// about b\nb {\n\tc = 2\n\t// trailing\n}\n\nadded = 3\n",
    );
  });

  it("prints a string whose value was changed, not its old spelling", () => {
    const parsed = parse('a = "old"\n');
    const attr = parsed.body[0] as ast.Attribute;
    const changed = ast.file([
      { ...attr, value: { ...(attr.value as ast.StringLiteral), value: "new" } },
    ]);
    expect(print(changed)).toBe('a = "new"\n');
  });

  it("rejects names that are not identifiers and numbers that are not literals", () => {
    expect(() => print(ast.file([ast.attribute("a-b", ast.number(1))]))).toThrow(AlloyValueError);
    expect(() => print(ast.file([ast.attribute("a-b", ast.number(1))]))).toThrow(
      'body[0].name: attribute name "a-b" is not a valid identifier',
    );
    expect(() => print(ast.file([ast.block("x", "not valid", [])]))).toThrow(
      "is not a valid identifier",
    );
    expect(() => print(ast.file([ast.attribute("n", ast.number(-1))]))).toThrow("non-negative");
    expect(() => print(ast.file([ast.attribute("n", ast.number(Number.NaN))]))).toThrow("finite");
    expect(() =>
      print(ast.file([ast.attribute("o", ast.object([ast.field("a b", ast.number(1), false)]))])),
    ).toThrow('object key "a b" is not a valid identifier');
  });
});

describe("fixtures", () => {
  const files = readdirSync(fixtures).filter((f) => f.endsWith(".alloy"));

  it("has the hand-written fixtures", () => {
    expect(files).toEqual(["edge-cases.alloy", "formatted-gateway.alloy", "helm-style-logs.alloy"]);
  });

  for (const name of files) {
    const source = readFileSync(join(fixtures, name), "utf8");

    it(`${name} parses, and formats to a fixed point`, () => {
      const once = format(source, { filename: name });
      expect(format(once)).toBe(once);
      expect(stripPositions(parse(once))).toEqual(stripPositions(parse(source)));
      expect(once).toMatchSnapshot();
    });
  }

  it("formatted-gateway.alloy re-prints unchanged", () => {
    const source = readFileSync(join(fixtures, "formatted-gateway.alloy"), "utf8");
    expect(format(source)).toBe(source);
  });

  it("helm-style-logs.alloy comes out tab-indented and aligned", () => {
    const out = format(readFileSync(join(fixtures, "helm-style-logs.alloy"), "utf8"));
    expect(out).toContain(
      '\tdiscovery.relabel "pods" {\n\t\ttargets = discovery.kubernetes.pods.targets\n',
    );
    expect(out).toContain('\t\t\t\tvalues = {\n\t\t\t\t\tflags  = "",\n\t\t\t\t\tstream = "",\n');
    expect(out).toContain('}\n\npod_logs "feature" {');
    expect(out).toContain('\n\n// Destination: loki\nloki.write "default" {');
    expect(out.startsWith("/*\nModule: pod-logs")).toBe(true);
  });
});
