/**
 * The benchmark runs end to end here (small counts, no npm installs): this
 * is how CI runs it. No time thresholds: only that every benchmark produced
 * numbers or said why not. In CI (CI=true, everything built, Debian's
 * node-exporter installed by scripts/test-all.sh) nothing may be skipped.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type BenchOptions,
  benchCliRender,
  benchCliStartup,
  benchNodeExporter,
  DEFAULT_OPTIONS,
  runBenchmarks,
} from "../src/benchmarks.js";
import { measureFootprint } from "../src/footprint.js";
import { markdownReport } from "../src/report.js";
import { findRepoRoot, publishable, workspacePackages } from "../src/workspace.js";

const root = findRepoRoot();
const inCi = process.env.CI === "true";
const tmp = mkdtempSync(join(tmpdir(), "bench-smoke-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const quick: BenchOptions = {
  ...DEFAULT_OPTIONS,
  root,
  warmup: 1,
  iterations: 3,
  cliRuns: 2,
  versionRuns: 2,
  skipInstall: true,
  npmCache: join(tmp, "npm-cache"),
  // The packages this one depends on, so nx has built them before this test runs.
  packages: ["@materialize-monitoring/core", "materialize-monitoring"],
  log: () => {},
};

describe("benchmark smoke run (quick counts, --skip-install)", () => {
  it("every benchmark reports numbers or the reason it was skipped", async () => {
    const results = await runBenchmarks(quick);
    expect(results.timings.map((t) => t.id)).toEqual([
      "render.import",
      "render.first",
      "render.warm",
      "render.cli",
      "cli.version",
    ]);
    for (const row of results.timings) {
      if (row.summary) {
        expect(row.summary.median, row.id).toBeGreaterThan(0);
        expect(row.samplesMs?.length, row.id).toBe(row.summary.runs);
      } else {
        expect(row.skipped, row.id).toMatch(/\S/);
      }
    }
    expect(results.timings.find((t) => t.id === "render.warm")?.summary?.runs ?? 3).toBe(3);
    expect(results.footprint.map((f) => f.name)).toEqual(quick.packages);
    for (const row of results.footprint) {
      expect(row.install, row.name).toBeUndefined();
      if (row.pack) {
        expect(row.pack.files, row.name).toBeGreaterThan(1);
        expect(row.pack.unpackedBytes, row.name).toBeGreaterThan(row.pack.packedBytes);
        expect(row.skipped).toBe("install skipped (--skip-install)");
      }
    }
    const ne = results.nodeExporter;
    expect(ne).toBeDefined();
    if (ne?.before && ne.after) {
      expect(ne.after.series).toBeLessThan(ne.before.series);
      expect(Object.keys(ne.after.byName).every((name) => ne.allowList?.includes(name))).toBe(true);
    } else {
      expect(ne?.skipped).toMatch(/\S/);
    }
    expect(results.machine.loadAverageAtEnd).toHaveLength(3);
    const report = markdownReport(results);
    expect(report).toContain("### Render and start-up");
    expect(report).toContain("### Install footprint");

    if (inCi) {
      expect(results.timings.filter((t) => t.skipped)).toEqual([]);
      expect(ne?.skipped).toBeUndefined();
      expect(results.footprint.filter((f) => !f.pack)).toEqual([]);
    }
  });
});

describe("missing pieces become skipped rows with the reason, not crashes", () => {
  it("node-exporter binary missing", async () => {
    const result = await benchNodeExporter({
      ...quick,
      nodeExporterBinary: "/nonexistent/prometheus-node-exporter",
    });
    expect(result.skipped).toBe(
      "/nonexistent/prometheus-node-exporter not found: install Debian's prometheus-node-exporter (or set NODE_EXPORTER_BINARY)",
    );
    expect(result.before).toBeUndefined();
  });

  it("CLI not built", async () => {
    const empty = join(tmp, "empty-repo");
    mkdirSync(empty, { recursive: true });
    for (const row of [
      await benchCliRender({ ...quick, root: empty }),
      await benchCliStartup({ ...quick, root: empty }),
    ]) {
      expect(row.skipped).toBe(
        "packages/stack/dist/cli.js is missing: run `npx tsup` in packages/stack",
      );
      expect(row.summary).toBeUndefined();
    }
  });

  it("CLI failing: the exit code and its message", async () => {
    const broken = join(tmp, "broken-repo");
    mkdirSync(join(broken, "packages/stack/dist"), { recursive: true });
    const cli = join(broken, "packages/stack/dist/cli.js");
    writeFileSync(cli, 'process.stderr.write("values.yaml: no such file\\n"); process.exit(1);\n');
    chmodSync(cli, 0o755);
    const row = await benchCliStartup({ ...quick, root: broken });
    expect(row.skipped).toBe(
      "`node packages/stack/dist/cli.js --version` failed: exit code 1: values.yaml: no such file",
    );
  });

  it("pnpm missing: packed sizes cannot be measured", async () => {
    const all = workspacePackages(root);
    const path = process.env.PATH;
    process.env.PATH = join(tmp, "no-bin");
    try {
      const rows = await measureFootprint(all, publishable(all).slice(0, 1), {
        skipInstall: false,
        cacheDir: join(tmp, "npm-cache"),
        log: () => {},
      });
      expect(rows[0]?.skipped).toBe("pnpm not found on PATH (needed to pack workspace:* ranges)");
    } finally {
      process.env.PATH = path;
    }
  });

  it("a package without dist: the build command to run", async () => {
    const fake = join(tmp, "fake-repo");
    mkdirSync(join(fake, "packages/unbuilt"), { recursive: true });
    writeFileSync(join(fake, "pnpm-workspace.yaml"), "packages: [packages/*]\n");
    writeFileSync(
      join(fake, "packages/unbuilt/package.json"),
      JSON.stringify({ name: "@x/unbuilt", version: "1.0.0" }),
    );
    const all = workspacePackages(fake);
    const rows = await measureFootprint(all, all, {
      skipInstall: true,
      cacheDir: join(tmp, "npm-cache"),
      log: () => {},
    });
    expect(rows[0]?.skipped).toBe(
      "packages/unbuilt/dist is missing: run `npx tsup` in packages/unbuilt",
    );
  });
});
