/**
 * Property tests: random trees print, parse back to the same tree, and
 * print again to the same text; random untidy text formats to a fixed point
 * that means the same thing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ast, format, parse, print, stripPositions } from "../src/index.js";
import {
  type Choices,
  file,
  leadingComments,
  sloppy,
  withoutLeadingComments,
} from "./arbitraries.js";

const runs = { numRuns: 300 };

describe("random trees", () => {
  it("print, parse back to the same tree, and re-print identically", () => {
    fc.assert(
      fc.property(file, (tree) => {
        const text = print(tree);
        const parsed = parse(text);
        expect(stripPositions(parsed)).toEqual(stripPositions(withoutLeadingComments(tree)));
        expect(print(parsed)).toBe(text);
      }),
      runs,
    );
  });

  it("keep every comment line, in order", () => {
    fc.assert(
      fc.property(file, (tree) => {
        const parsed = parse(print(tree));
        const texts = parsed.comments.flatMap((group) => group.map((c) => c.text.trimEnd()));
        expect(texts).toEqual(leadingComments(tree).map((c) => c.trimEnd()));
      }),
      runs,
    );
  });

  it("format to a fixed point", () => {
    fc.assert(
      fc.property(file, (tree) => {
        const text = print(tree);
        expect(format(text)).toBe(text);
      }),
      runs,
    );
  });
});

function chooser(seed: readonly number[]): Choices {
  let i = 0;
  return {
    binaryBreaks: false,
    statementComments: true,
    listComments: ["open", "before", "after", "close"],
    pick(n: number) {
      const value = seed[i % seed.length] ?? 0;
      i++;
      return Math.abs(value) % n;
    },
  };
}

describe("random untidy text", () => {
  const untidy = fc
    .tuple(file, fc.array(fc.integer(), { minLength: 1, maxLength: 64 }))
    .map(([tree, seed]) => ({ tree, text: sloppy(withoutLeadingComments(tree), chooser(seed)) }));

  it("parses to the tree it was written from", () => {
    fc.assert(
      fc.property(untidy, ({ tree, text }) => {
        expect(stripPositions(parse(text))).toEqual(stripPositions(withoutLeadingComments(tree)));
      }),
      runs,
    );
  });

  it("formats to text that means the same and is a fixed point", () => {
    fc.assert(
      fc.property(untidy, ({ text }) => {
        const once = format(text);
        expect(stripPositions(parse(once))).toEqual(stripPositions(parse(text)));
        expect(format(once)).toBe(once);
      }),
      runs,
    );
  });

  it("keeps every comment", () => {
    fc.assert(
      fc.property(untidy, ({ text }) => {
        const before = parse(text).comments.flatMap((g) => g.map((c) => c.text));
        const after = parse(format(text)).comments.flatMap((g) => g.map((c) => c.text));
        expect(after).toEqual(before);
      }),
      runs,
    );
  });
});

describe("where alloy fmt is not a fixed point, neither is format", () => {
  // These follow alloy fmt's algorithm: line structure is decided from the
  // source, so a second run can see a different structure.
  it("joins a binary expression broken over lines, and aligns it only on the next run", () => {
    const once = format('a = "x" ||\n  "y"\nbb = 1\n');
    expect(once).toBe('a = "x" || "y"\nbb = 1\n');
    expect(format(once)).toBe('a  = "x" || "y"\nbb = 1\n');
  });

  it("moves a comment after the ) of a multi-line call to its own line", () => {
    const once = format("a = f(\n  1,\n) // why\nb = 2\n");
    expect(once).toBe("a = f(\n\t1,\n)\n// why\nb = 2\n");
  });
});

describe("printing a tree without positions", () => {
  it("adds the parentheses precedence needs", () => {
    const tree = ast.file([
      ast.attribute(
        "x",
        ast.binary("*", ast.binary("+", ast.number(1), ast.number(2)), ast.number(3)),
      ),
      ast.attribute(
        "y",
        ast.binary("-", ast.number(1), ast.binary("-", ast.number(2), ast.number(3))),
      ),
      ast.attribute(
        "z",
        ast.binary("^", ast.binary("^", ast.number(2), ast.number(3)), ast.number(2)),
      ),
      ast.attribute("w", ast.unary("-", ast.binary("+", ast.identifier("a"), ast.number(1)))),
      ast.attribute(
        "v",
        ast.access(ast.binary("+", ast.identifier("a"), ast.identifier("b")), "c"),
      ),
      ast.attribute("u", ast.access(ast.number(1), "c")),
    ]);
    expect(print(tree)).toBe(
      "x = (1 + 2) * 3\ny = 1 - (2 - 3)\nz = (2 ^ 3) ^ 2\nw = -(a + 1)\nv = (a + b).c\nu = 1 .c\n",
    );
  });
});
