import { describe, expect, it } from "vitest";
import { documentDeclarations } from "../src/dts.js";
import { run, sourceFiles } from "../src/files.js";
import { commentText, renderJsDoc, syncSource } from "../src/sync.js";

describe("syncSource", () => {
  it("inserts the description of a key as its JSDoc, and nothing else moves", () => {
    const text =
      'const s = z.strictObject({\n  a: z.string().describe("the a"),\n  b: z.number(),\n});\n';
    const result = syncSource("x.ts", text);
    expect(result.text).toBe(
      'const s = z.strictObject({\n  /** the a */\n  a: z.string().describe("the a"),\n  b: z.number(),\n});\n',
    );
    expect(result.drift).toMatchObject([{ key: "a", action: "insert", line: 2 }]);
    expect(syncSource("x.ts", result.text).drift).toEqual([]);
  });

  it("replaces a JSDoc that says something else, and follows a description through .default()", () => {
    const text =
      'const s = z.strictObject({\n  /** stale */\n  n: z.int32().describe("replicas").default(2),\n});\n';
    const result = syncSource("x.ts", text);
    expect(result.text).toContain("/** replicas */\n  n:");
    expect(result.text).not.toContain("stale");
    expect(result.drift).toMatchObject([{ key: "n", action: "update" }]);
  });

  it("reads the description of a const a shorthand key names", () => {
    const text =
      'const replicas = z.int32().describe("pods");\nconst s = z.strictObject({\n  replicas,\n});\n';
    expect(syncSource("x.ts", text).text).toContain("  /** pods */\n  replicas,");
  });

  it("reports a description it cannot evaluate instead of guessing", () => {
    const text = "const s = z.strictObject({\n  a: z.string().describe(makeText()),\n});\n";
    const result = syncSource("x.ts", text);
    expect(result.text).toBe(text);
    expect(result.unresolved).toEqual([{ file: "x.ts", line: 2, key: "a" }]);
  });

  it("keeps a description's '*/' from ending the comment, and wraps long text at the line width", () => {
    expect(commentText("a */ b\n c")).toBe("a *\\/ b c");
    const long = renderJsDoc("word ".repeat(40).trim(), "    ");
    const lines = long.split("\n");
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
  });
});

describe("documentDeclarations", () => {
  it("puts a runtime schema's descriptions on the matching members of its declaration", () => {
    const described = (description: string, def: Record<string, unknown>) => ({
      description,
      _zod: { def },
    });
    const schema = {
      _zod: {
        def: {
          type: "object",
          shape: {
            replicas: described("pods of the thing", { type: "number" }),
            name: { _zod: { def: { type: "string" } } },
          },
        },
      },
    };
    const dts =
      "import { z } from 'zod';\nexport declare const thing: z.ZodObject<{\n    replicas: z.ZodNumber;\n    name: z.ZodString;\n}, z.core.$strict>;\n";
    const result = documentDeclarations("index.d.ts", dts, { thing: schema });
    expect(result.documented).toBe(1);
    expect(result.text).toContain("/** pods of the thing */\n    replicas: z.ZodNumber;");
    expect(result.text).toContain("\n    name: z.ZodString;");
    expect(result.text).not.toMatch(/\*\/\n {4}name/);
  });
});

describe("the repository's value schemas", () => {
  it("carry JSDoc equal to every static .describe() (run `pnpm docs:sync` when this fails)", () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(50);
    const result = run(files, { check: true });
    expect(result.drift.map((d) => `${d.file}:${d.line} ${d.key}`)).toEqual([]);
    expect(result.unresolved).toEqual([]);
  });
});
