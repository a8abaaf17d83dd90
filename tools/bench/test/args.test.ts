import { describe, expect, it } from "vitest";
import { parseCliArgs, UsageError } from "../src/args.js";
import { BENCHMARKS, DEFAULT_OPTIONS } from "../src/benchmarks.js";

describe("parseCliArgs", () => {
  it("defaults to every benchmark with the default counts", () => {
    expect(parseCliArgs([])).toEqual({
      help: false,
      warmup: DEFAULT_OPTIONS.warmup,
      iterations: DEFAULT_OPTIONS.iterations,
      cliRuns: DEFAULT_OPTIONS.cliRuns,
      versionRuns: DEFAULT_OPTIONS.versionRuns,
      skipInstall: false,
      only: [...BENCHMARKS],
      npmCache: DEFAULT_OPTIONS.npmCache,
    });
  });

  it("--quick lowers the counts, explicit counts still win", () => {
    const quick = parseCliArgs(["--quick", "--cli-runs", "5"]);
    expect(quick).toMatchObject({ warmup: 1, iterations: 3, cliRuns: 5, versionRuns: 3 });
  });

  it("reads --skip-install, --only, --npm-cache and --out", () => {
    expect(
      parseCliArgs([
        "--skip-install",
        "--only",
        "footprint, cli,footprint",
        "--npm-cache=/tmp/c",
        "--out",
        "x.json",
      ]),
    ).toMatchObject({
      skipInstall: true,
      only: ["footprint", "cli"],
      npmCache: "/tmp/c",
      out: "x.json",
    });
  });

  it("rejects unknown options, unknown benchmarks and bad counts as usage errors", () => {
    expect(() => parseCliArgs(["--fast"])).toThrow(UsageError);
    expect(() => parseCliArgs(["--only", "render,speed"])).toThrow(
      'unknown benchmark "speed" (known: render, cli, footprint, node-exporter)',
    );
    expect(() => parseCliArgs(["--iterations", "0"])).toThrow(
      '--iterations must be a whole number ≥ 1, got "0"',
    );
    expect(() => parseCliArgs(["--warmup", "-1"])).toThrow(UsageError);
    expect(() => parseCliArgs(["--cli-runs", "2.5"])).toThrow("--cli-runs must be a whole number");
    expect(parseCliArgs(["--warmup", "0"]).warmup).toBe(0);
  });
});
