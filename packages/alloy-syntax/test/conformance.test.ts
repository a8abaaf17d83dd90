/**
 * Conformance with upstream Alloy test data (see conformance/SOURCE.md):
 * valid files parse, error files fail exactly at their ERROR markers, and the
 * printer turns every `.in` into its `.expect`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { format, parse, parseWithDiagnostics, Scanner, utf8Length } from "../src/index.js";

const here = import.meta.dirname;
const vendored = join(here, "conformance", "alloy-syntax");
const repoRoot = resolve(here, "..", "..", "..");
const shared = resolve(repoRoot, "..", "shared", "conformance", "alloy-syntax");

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

function read(path: string): string {
  return readFileSync(path, "utf8");
}

describe("vendored copy", () => {
  it("has the data and its license", () => {
    expect(listFiles(vendored)).toContain("LICENSE");
    expect(listFiles(vendored).filter((f) => f.startsWith("printer/")).length).toBeGreaterThan(10);
  });

  it.skipIf(!existsSync(shared))("is byte-identical to ../shared/conformance/alloy-syntax", () => {
    const ours = listFiles(vendored);
    expect(ours).toEqual(listFiles(shared));
    for (const f of ours) {
      expect(readFileSync(join(vendored, f)).equals(readFileSync(join(shared, f))), f).toBe(true);
    }
  });
});

describe("parser/valid", () => {
  const dir = join(vendored, "parser", "valid");
  for (const name of readdirSync(dir)) {
    it(`${name} parses`, () => {
      expect(parseWithDiagnostics(read(join(dir, name))).diagnostics).toEqual([]);
    });
  }
});

// Expected errors: /* ERROR "rx" */ after the offending token, /* ERROR HERE "rx" */ for just after it.
const ERROR_COMMENT = /^\/\* *ERROR *(HERE)? *"([^"]*)" *\*\/$/;
const LITERALS = new Set(["IDENT", "NUMBER", "FLOAT", "STRING"]);

function expectedErrors(source: string): Map<number, string> {
  const errors = new Map<number, string>();
  const scanner = new Scanner(source);
  let prev = 0;
  let after = 0;
  for (;;) {
    const tok = scanner.scan();
    if (tok.kind === "EOF") return errors;
    if (tok.kind === "COMMENT") {
      const m = ERROR_COMMENT.exec(tok.text);
      if (m) errors.set(m[1] === "HERE" ? after : prev, m[2] ?? "");
      continue;
    }
    if (tok.kind === "TERMINATOR") continue;
    prev = tok.pos.offset;
    after = prev + (LITERALS.has(tok.kind) ? utf8Length(tok.text) : tok.kind.length);
  }
}

describe("parser errors", () => {
  const dir = join(vendored, "parser");
  const files = readdirSync(dir).filter((f) => f.endsWith(".alloy"));
  for (const name of files) {
    it(`${name} fails exactly at its ERROR markers`, () => {
      const source = read(join(dir, name));
      const expected = expectedErrors(source);
      expect(expected.size).toBeGreaterThan(0);
      const { diagnostics } = parseWithDiagnostics(source, { filename: name });
      for (const d of diagnostics) {
        const rx = expected.get(d.pos.offset);
        expect(rx, `unexpected error at ${d.pos.line}:${d.pos.column}: ${d.message}`).toBeDefined();
        expect(d.message).toMatch(new RegExp(rx ?? ""));
        expected.delete(d.pos.offset);
      }
      expect([...expected.values()], "errors that were not reported").toEqual([]);
    });
  }

  it("reports positions and messages like Alloy", () => {
    const { diagnostics } = parseWithDiagnostics(read(join(dir, "commas.alloy")), {
      filename: "commas.alloy",
    });
    expect(
      diagnostics.map((d) => `${d.filename}:${d.pos.line}:${d.pos.column}: ${d.message}`),
    ).toEqual([
      "commas.alloy:6:4: missing ',' in expression list",
      "commas.alloy:12:14: missing ',' in field list",
    ]);
  });
});

describe("printer", () => {
  const dir = join(vendored, "printer");
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".in"))) {
    const base = name.slice(0, -".in".length);
    const errorFile = join(dir, `${base}.error`);
    if (existsSync(errorFile)) {
      it(`${name} fails with the error in ${base}.error`, () => {
        expect(() => parse(read(join(dir, name)))).toThrow(
          read(errorFile).replaceAll("\r\n", "\n"),
        );
      });
      continue;
    }
    it(`${name} formats to ${base}.expect`, () => {
      // Upstream compares with the .expect file minus trailing whitespace;
      // `alloy fmt` ends its output with exactly one newline.
      const expected = `${read(join(dir, `${base}.expect`)).trimEnd()}\n`;
      expect(format(read(join(dir, name)))).toBe(expected);
    });
    it(`${base}.expect is a fixed point`, () => {
      const formatted = `${read(join(dir, `${base}.expect`)).trimEnd()}\n`;
      expect(format(formatted)).toBe(formatted);
    });
  }

  it("covers every printer case", () => {
    expect(relative(vendored, dir)).toBe("printer");
    expect(readdirSync(dir).filter((f) => f.endsWith(".in")).length).toBe(10);
  });
});
