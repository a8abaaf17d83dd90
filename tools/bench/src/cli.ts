/**
 * `pnpm --filter @materialize-monitoring/bench bench`: runs the benchmarks,
 * prints the Markdown report on stdout (progress on stderr) and writes the
 * JSON results. Skipped rows do not fail the run; only bad usage (exit 2) or
 * a crash of the runner itself (exit 1) do.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseCliArgs, USAGE, UsageError } from "./args.js";
import { DEFAULT_OPTIONS, runBenchmarks } from "./benchmarks.js";
import { markdownReport } from "./report.js";
import { findRepoRoot, publishable, workspacePackages } from "./workspace.js";

/** tools/bench, from src/ (tests) or dist/ (the built runner). */
export const PACKAGE_DIR = resolve(import.meta.dirname, "..");

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parseCliArgs>;
  try {
    args = parseCliArgs(argv[0] === "--" ? argv.slice(1) : argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const root = findRepoRoot(PACKAGE_DIR);
  const names = new Set(publishable(workspacePackages(root)).map((p) => p.name));
  const unknown = (args.packages ?? []).filter((name) => !names.has(name));
  if (unknown.length > 0) {
    process.stderr.write(
      `--packages: not a publishable workspace package: ${unknown.join(", ")} (known: ${[...names].join(", ")})\n`,
    );
    return 2;
  }
  const started = Date.now();
  const results = await runBenchmarks({
    ...DEFAULT_OPTIONS,
    root,
    warmup: args.warmup,
    iterations: args.iterations,
    cliRuns: args.cliRuns,
    versionRuns: args.versionRuns,
    skipInstall: args.skipInstall,
    only: args.only,
    ...(args.packages ? { packages: args.packages } : {}),
    npmCache: args.npmCache,
    log: (message) => process.stderr.write(`bench: ${message}\n`),
  });
  const out = resolve(args.out ?? resolve(PACKAGE_DIR, "results.json"));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(markdownReport(results));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stderr.write(`bench: done in ${seconds} s; JSON results in ${out}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `bench: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
