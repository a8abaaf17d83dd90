/**
 * The documentation of the values reaches its three readers: the values JSON Schema (editors with
 * the YAML language server, `mzmon values`), and TypeScript users, whose editor hovers over a
 * value type's property show the same text as JSDoc from the published `.d.ts`.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { valuesJsonSchema } from "../src/schema.js";

type Schema = Record<string, unknown>;

/** Every property of an object schema in the tree, with its dotted path. */
function properties(schema: unknown, path = "", out: [string, Schema][] = []): [string, Schema][] {
  if (typeof schema !== "object" || schema === null) return out;
  const node = schema as Schema;
  const props = node.properties as Record<string, Schema> | undefined;
  for (const [key, child] of Object.entries(props ?? {})) {
    out.push([`${path}${path ? "." : ""}${key}`, child]);
    properties(child, `${path}${path ? "." : ""}${key}`, out);
  }
  for (const key of ["items", "additionalProperties"]) properties(node[key], `${path}[]`, out);
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const options = node[key];
    if (Array.isArray(options)) for (const option of options) properties(option, path, out);
  }
  return out;
}

describe("values JSON Schema descriptions", () => {
  const all = properties(valuesJsonSchema());

  it("describes at least 95% of its properties", () => {
    const missing = all.filter(([, s]) => typeof s.description !== "string" || !s.description);
    const share = 1 - missing.length / all.length;
    expect(all.length).toBeGreaterThan(1500);
    expect(
      share,
      `${missing.length} of ${all.length} undescribed:\n${missing.map(([p]) => p).join("\n")}`,
    ).toBeGreaterThanOrEqual(0.95);
  });

  it("describes every top-level section and every field of global", () => {
    const undescribed = all
      .filter(([p]) => !p.includes(".") || p.startsWith("global."))
      .filter(([, s]) => !s.description)
      .map(([p]) => p);
    expect(undescribed).toEqual([]);
  });
});

describe("editor hovers over the exported value types", () => {
  const file = join(import.meta.dirname, "hover", "consumer.ts");
  const text = readFileSync(file, "utf8");
  const service = ts.createLanguageService({
    getScriptFileNames: () => [file],
    getScriptVersion: () => "1",
    getScriptSnapshot: (f) => {
      const body = ts.sys.readFile(f);
      return body === undefined ? undefined : ts.ScriptSnapshot.fromString(body);
    },
    getCurrentDirectory: () => dirname(file),
    getCompilationSettings: () => ({
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
    }),
    getDefaultLibFileName: ts.getDefaultLibFilePath,
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
    realpath: ts.sys.realpath,
  });

  /** What an editor shows over the last property of `access` in the consumer file. */
  function hover(access: string): string {
    const at = text.indexOf(access);
    expect(at, access).toBeGreaterThan(0);
    const info = service.getQuickInfoAtPosition(file, at + access.length - 1);
    // A long JSDoc is wrapped over lines in the source; editors show it as one paragraph.
    return ts.displayPartsToString(info?.documentation).replace(/\s+/g, " ");
  }

  it("the consumer file type-checks against the built packages", () => {
    const problems = service
      .getSemanticDiagnostics(file)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(problems).toEqual([]);
  });

  it.each([
    ["stack.global?.clusterDomain", ["global", "clusterDomain"]],
    ["stack.alloyGateway?.scrape?.extraJobs", ["alloyGateway", "scrape", "extraJobs"]],
    ["stack.grafana?.external?.adminPassword", ["grafana", "external", "adminPassword"]],
  ])("%s shows the schema's description", (access, path) => {
    let node: Schema = valuesJsonSchema();
    for (const key of path) node = (node.properties as Record<string, Schema>)[key] as Schema;
    expect(node.description).toBeTruthy();
    expect(hover(access)).toBe(node.description);
  });

  it.each([
    ["loki.write?.replicas", "write pods; the size preset's when left out"],
    ["loki.limits?.retentionPeriod", "how long logs are kept; 0s keeps them forever"],
  ])("%s (a component package's own type) shows its description", (access, description) => {
    expect(hover(access)).toBe(description);
  });
});
