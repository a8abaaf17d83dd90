/**
 * CLI conventions a platform engineer expects: help on stdout when asked,
 * usage errors exit 2, a closed pipe ends quietly, NO_COLOR, shell
 * completion (bash run for real; zsh and fish scripts checked by shape,
 * as neither shell is installed here), -n, and the Secrets a render needs.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { colorWanted } from "../src/cli.js";
import { runCli } from "./run-cli.js";

const CLI = join(import.meta.dirname, "..", "dist", "cli.js");

async function run(args: string[], stdin?: string) {
  if (stdin === undefined) return runCli(args);
  const child = spawnSync(process.execPath, [CLI, ...args], {
    input: stdin,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: child.status, out: child.stdout, err: child.stderr };
}

describe("help and exit codes", () => {
  it("no arguments prints help on stdout and exits 0", async () => {
    const { code, out, err } = await run([]);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: materialize-monitoring/);
    expect(out).toContain("completion");
    expect(err).toBe("");
  });

  it.each([["--help"], ["help"], ["render", "--help"], ["help", "render"]])(
    "%s prints help on stdout and exits 0",
    async (...args) => {
      const { code, out, err } = await run(args);
      expect(code).toBe(0);
      expect(out).toContain("Usage:");
      expect(err).toBe("");
    },
  );

  it("a usage error exits 2 with the message on stderr", async () => {
    const { code, out, err } = await run(["render", "--no-such-flag"]);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toContain("unknown option '--no-such-flag'");
  });
});

describe("pipes", () => {
  it("render | head: a closed pipe exits quietly, without a stack trace", async () => {
    const child = spawn(process.execPath, [CLI, "render", "--quiet"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d) => {
      err += String(d);
    });
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(err).toBe("");
    expect(code).toBe(0);
  });

  it("-f - reads values from stdin", async () => {
    const { code, out } = await run(
      ["render", "--quiet", "-f", "-"],
      "global:\n  clusterName: from-stdin\n",
    );
    expect(code).toBe(0);
    expect(out).toContain("from-stdin");
  });
});

describe("colours", () => {
  it("follow NO_COLOR (set and non-empty) and the terminal", () => {
    expect(colorWanted({}, true)).toBe(true);
    expect(colorWanted({ NO_COLOR: "1" }, true)).toBe(false);
    expect(colorWanted({ NO_COLOR: "" }, true)).toBe(true);
    expect(colorWanted({}, false)).toBe(false);
  });

  it("--no-color is accepted before and after a command", async () => {
    expect((await run(["--no-color", "profiles"])).code).toBe(0);
    expect((await run(["profiles", "--no-color"])).code).toBe(0);
  });
});

describe("values shorthands", () => {
  it("-n sets global.namespace (after every --set), escaped as text", async () => {
    const { code, out } = await run([
      "render",
      "--quiet",
      "--set",
      "global.namespace=ignored",
      "-n",
      "obs",
    ]);
    expect(code).toBe(0);
    expect(out).toContain("namespace: obs\n");
    expect(out).not.toContain("namespace: ignored");
    const bad = await run(["render", "--quiet", "-n", "Not_A,Namespace"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("global.namespace");
  });

  it("--set forms apply in command-line order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mzmon-cli-"));
    const name = join(dir, "name.txt");
    writeFileSync(name, "from-file-zq");
    const { out } = await run([
      "render",
      "--quiet",
      "--set-string",
      "global.clusterName=first-zq",
      "--set-file",
      `global.clusterName=${name}`,
      "--set-json",
      'global.commonLabels={"team":"json"}',
    ]);
    expect(out).toContain("from-file-zq");
    expect(out).not.toContain("first-zq");
    expect(out).toContain("team: json");
  });
});

describe("notices", () => {
  it("render names the Secrets to create before apply, with no secret value", async () => {
    const { code, err } = await run(["render", "--set", "global.clusterName=x"]);
    expect(code).toBe(0);
    expect(err).toContain(
      "notice: Secret monitoring/grafana-credentials with keys admin-password, admin-user, secret-key must exist before the pods of Deployment/grafana start",
    );
    expect(err).toContain("--from-literal=admin-password=...");
  });
});

describe("completion", () => {
  function complete(words: string[]): string[] {
    const script = spawnSync(process.execPath, [CLI, "completion", "bash"], {
      encoding: "utf8",
    }).stdout;
    const dir = mkdtempSync(join(tmpdir(), "mzmon-completion-"));
    const file = join(dir, "mzmon.bash");
    writeFileSync(file, script);
    const line = words.map((w) => `'${w}'`).join(" ");
    const probe = `source '${file}'; COMP_WORDS=(mzmon ${line}); COMP_CWORD=${words.length}; _mzmon_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const result = spawnSync("bash", ["-c", probe], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    return result.stdout.split("\n").filter(Boolean);
  }

  it("bash (run in real bash): commands, a command's options, profile names", () => {
    expect(complete(["re"])).toEqual(["render"]);
    expect(complete(["render", "--set-"])).toEqual(["--set-string", "--set-file", "--set-json"]);
    expect(complete(["render", "-p", "si"])).toEqual(["single-replica"]);
    expect(complete(["render", "--format", ""])).toEqual(["yaml", "json", "helm"]);
    expect(complete(["completion", ""])).toEqual(["-h", "--help"]);
  });

  it("zsh (checked by shape: zsh is not installed here) loads the bash function through bashcompinit", async () => {
    const { out } = await run(["completion", "zsh"]);
    expect(out).toMatch(/^#compdef mzmon materialize-monitoring\n/);
    expect(out).toContain("bashcompinit");
    expect(out).toContain("complete -o default -F _mzmon_complete mzmon");
    expect(spawnSync("bash", ["-n"], { input: out.replace(/^autoload.*$/m, "") }).status).toBe(0);
  });

  it("fish (checked by shape: fish is not installed here) completes commands and options", async () => {
    const { out } = await run(["completion", "fish"]);
    expect(out).toContain("complete -c mzmon -n __fish_use_subcommand -a render");
    expect(out).toContain(
      "complete -c mzmon -n '__fish_seen_subcommand_from render' -s p -l profile -r -a ",
    );
    for (const line of out.split("\n").filter((l) => l && !l.startsWith("#")))
      expect(line).toMatch(/^complete -c (mzmon|materialize-monitoring) /);
  });

  it("refuses an unknown shell with exit 2", async () => {
    expect((await run(["completion", "tcsh"])).code).toBe(2);
  });
});
