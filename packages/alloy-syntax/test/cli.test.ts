/**
 * The command line, run as users run it: `node dist/cli.js` (built by
 * `tsup`, which CI runs before the tests).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { format } from "../src/index.js";

const cli = join(import.meta.dirname, "..", "dist", "cli.js");
let dir = "";

function run(args: readonly string[], input?: string | Buffer) {
  const result = spawnSync(process.execPath, [cli, ...args], { input, encoding: "utf8", cwd: dir });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

beforeAll(() => {
  if (!existsSync(cli))
    throw new Error(`${cli} is missing: run \`npx tsup\` (CI builds before testing)`);
  dir = mkdtempSync(join(tmpdir(), "alloy-syntax-cli-"));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const untidy =
  'prometheus.scrape "x" {\n  targets = []\n  forward_to = [prometheus.remote_write.y.receiver]\n}\n';

describe("alloy-syntax fmt", () => {
  it("prints the formatted file and exits 0", () => {
    const path = file("ok.alloy", untidy);
    const result = run(["fmt", path]);
    expect(result).toEqual({ code: 0, stdout: format(untidy), stderr: "" });
    expect(result.stdout).toBe(
      'prometheus.scrape "x" {\n\ttargets    = []\n\tforward_to = [prometheus.remote_write.y.receiver]\n}\n',
    );
  });

  it("prints FILE:LINE:COL: message for a syntax error and exits 1", () => {
    file("bad.alloy", "a = 1\nb = [1 2]\nc {\n");
    const result = run(["fmt", "bad.alloy"]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: "bad.alloy:2:8: missing ',' in expression list\nbad.alloy:4:1: expected }, got EOF\n",
    });
  });

  it("reads standard input for -", () => {
    expect(run(["fmt", "-"], "a=1\n")).toEqual({ code: 0, stdout: "a = 1\n", stderr: "" });
    expect(run(["fmt", "-"], "a=\n")).toEqual({
      code: 1,
      stdout: "",
      stderr: "<stdin>:2:1: expected expression, got EOF\n",
    });
  });

  it("formats the conformance example exactly", () => {
    const dirIn = join(import.meta.dirname, "conformance", "alloy-syntax", "printer");
    const result = run(["fmt", join(dirIn, "example.in")]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `${readFileSync(join(dirIn, "example.expect"), "utf8").trimEnd()}\n`,
    );
  });

  it("reports unreadable files and invalid UTF-8 with exit 1", () => {
    expect(run(["fmt", "missing.alloy"])).toEqual({
      code: 1,
      stdout: "",
      stderr: "missing.alloy: no such file\n",
    });
    file("latin1.alloy", Buffer.from([0x61, 0x20, 0x3d, 0x20, 0x22, 0xe9, 0x22, 0x0a]));
    expect(run(["fmt", "latin1.alloy"])).toEqual({
      code: 1,
      stdout: "",
      stderr: "latin1.alloy:1:6: illegal UTF-8 encoding\n",
    });
  });

  it("works through a symlink, as npm installs bins", () => {
    const link = join(dir, "alloy-syntax");
    symlinkSync(cli, link);
    const result = spawnSync(process.execPath, [link, "fmt", "-"], {
      input: "a=1\n",
      encoding: "utf8",
    });
    expect(result.stdout).toBe("a = 1\n");
  });
});

describe("alloy-syntax check", () => {
  it("prints nothing and exits 0 for a valid file", () => {
    file("ok2.alloy", untidy);
    expect(run(["check", "ok2.alloy"])).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("prints the errors and exits 1 for an invalid file", () => {
    file("bad2.alloy", 'block "a-b" {\n}\n');
    expect(run(["check", "bad2.alloy"])).toEqual({
      code: 1,
      stdout: "",
      stderr: 'bad2.alloy:1:7: expected block label to be a valid identifier, but got "a-b"\n',
    });
  });
});

describe("usage", () => {
  it("exits 2 with the usage on stderr for a wrong command line", () => {
    for (const args of [[], ["fmt"], ["lint", "x.alloy"], ["fmt", "a", "b"]]) {
      const result = run(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("Usage: alloy-syntax <command> FILE");
    }
    expect(run(["lint", "x"]).stderr).toMatch(/^alloy-syntax: unknown command "lint"/);
  });

  it("prints the usage on stdout for --help", () => {
    const result = run(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("fmt FILE");
  });
});
