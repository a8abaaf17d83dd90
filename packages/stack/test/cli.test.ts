import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { runCli } from "./run-cli.js";

const CLI = join(import.meta.dirname, "..", "dist", "cli.js");

const run = runCli;

describe("render", () => {
  it("renders YAML with defaults that parses back", async () => {
    const { code, out, err } = await run(["render"]);
    expect(err).toMatch(/^notice: global\.objectStorage is not set/);
    expect(code).toBe(0);
    expect((await run(["render", "--quiet"])).err).toBe("");
    const docs = parseAllDocuments(out).map((d) => d.toJS());
    expect(docs[0]).toMatchObject({ kind: "Namespace", metadata: { name: "monitoring" } });
  });

  it("is byte-identical across runs", async () => {
    expect((await run(["render"])).out).toBe((await run(["render"])).out);
  });

  it("renders JSON as a v1 List", async () => {
    const { out } = await run(["render", "--format", "json"]);
    expect(JSON.parse(out)).toMatchObject({ apiVersion: "v1", kind: "List" });
  });

  it("refuses an unknown key with exit 1 and names it", async () => {
    const { code, out, err } = await run(["render", "--set", "no.such.key=1"]);
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toContain("no: unknown key");
  });

  it("names the closest key for a typo", async () => {
    const { code, err } = await run(["render", "--set", "globl.namespace=x"]);
    expect(code).toBe(1);
    expect(err).toContain('globl: unknown key (did you mean "global"?)');
  });

  it("merges values files in order, then --set", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mzmon-values-"));
    writeFileSync(join(dir, "a.yaml"), "global:\n  namespace: first\n  imagePullSecrets: [a, b]\n");
    writeFileSync(join(dir, "b.yaml"), "global:\n  imagePullSecrets: [c]\n");
    const { out } = await run([
      "render",
      "-f",
      join(dir, "a.yaml"),
      "-f",
      join(dir, "b.yaml"),
      "--set",
      "global.namespace=second",
    ]);
    expect(out).toContain("name: second");
    const bad = await run(["render", "-f", join(dir, "missing.yaml")]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("file not found");
  });

  it("writes a kustomize-ready directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mzmon-out-"));
    const { code } = await run(["render", "--output", dir]);
    expect(code).toBe(0);
    expect(existsSync(join(dir, "setup", "kustomization.yaml"))).toBe(true);
    expect(readFileSync(join(dir, "kustomization.yaml"), "utf8")).toContain("- setup");
  });

  it("exits 2 on usage errors", async () => {
    expect((await run(["render", "--format", "xml"])).code).toBe(2);
    expect((await run(["no-such-command"])).code).toBe(2);
  });
});

describe("schema and validate", () => {
  it("prints a JSON Schema of the input values", async () => {
    const { code, out } = await run(["schema"]);
    expect(code).toBe(0);
    const schema = JSON.parse(out);
    expect(schema.$schema).toContain("json-schema.org");
    expect(schema.properties.global.properties.namespace.default).toBe("monitoring");
    expect(schema.additionalProperties).toBe(false);
  });

  it("validates the default render", async () => {
    const { code, err } = await run(["validate", "--quiet"]);
    expect(err).toBe("");
    expect(code).toBe(0);
  });
});

describe("the built CLI", () => {
  it("runs as a program with the documented exit codes", () => {
    expect(existsSync(CLI)).toBe(true);
    const render = execFileSync(process.execPath, [CLI, "render", "--quiet"], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(render).toContain("kind: Namespace");
    const bad = spawnSync(process.execPath, [CLI, "render", "--set", "no.such.key=1"], {
      encoding: "utf8",
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("no: unknown key");
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const usage = spawnSync(process.execPath, [CLI, "--nope"], { encoding: "utf8" });
    expect(usage.status).toBe(2);
  });
});
