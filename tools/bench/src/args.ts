/** Command-line options of the benchmark runner. Pure. */
import { parseArgs } from "node:util";
import { BENCHMARKS, type BenchmarkName, DEFAULT_OPTIONS } from "./benchmarks.js";

export const USAGE = `Usage: pnpm --filter @materialize-monitoring/bench bench [options]

Runs the benchmarks, prints a Markdown table and writes JSON results.

  --iterations N     timed in-process renders (default ${DEFAULT_OPTIONS.iterations})
  --warmup N         untimed in-process renders first (default ${DEFAULT_OPTIONS.warmup})
  --cli-runs N       timed \`render -q\` processes (default ${DEFAULT_OPTIONS.cliRuns})
  --version-runs N   timed \`--version\` processes (default ${DEFAULT_OPTIONS.versionRuns})
  --quick            small counts (3 renders, 2 CLI renders, 3 start-ups) for a smoke run
  --skip-install     report packed sizes only; skip the npm installs (the slow part)
  --only LIST        comma-separated subset of: ${BENCHMARKS.join(", ")}
  --packages LIST    comma-separated package names: the footprint of these only
  --npm-cache DIR    npm cache shared between runs (default ${DEFAULT_OPTIONS.npmCache})
  --out FILE         where to write the JSON results (default tools/bench/results.json)
  -h, --help         this text

Environment: NODE_EXPORTER_BINARY overrides /usr/bin/prometheus-node-exporter.`;

export interface CliArgs {
  help: boolean;
  warmup: number;
  iterations: number;
  cliRuns: number;
  versionRuns: number;
  skipInstall: boolean;
  only: BenchmarkName[];
  packages?: string[];
  npmCache: string;
  out?: string;
}

export class UsageError extends Error {}

function count(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    throw new UsageError(`--${name} must be a whole number ≥ ${min}, got "${raw}"`);
  }
  return Number(raw);
}

const list = (text: string): string[] => [
  ...new Set(
    text
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  ),
];

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  const quick = v.quick === true;
  const only = list(v.only ?? BENCHMARKS.join(","));
  for (const name of only) {
    if (!(BENCHMARKS as readonly string[]).includes(name)) {
      throw new UsageError(`--only: unknown benchmark "${name}" (known: ${BENCHMARKS.join(", ")})`);
    }
  }
  if (only.length === 0) throw new UsageError("--only needs at least one benchmark");
  return {
    help: v.help === true,
    warmup: count("warmup", v.warmup, quick ? 1 : DEFAULT_OPTIONS.warmup, 0),
    iterations: count("iterations", v.iterations, quick ? 3 : DEFAULT_OPTIONS.iterations, 1),
    cliRuns: count("cli-runs", v["cli-runs"], quick ? 2 : DEFAULT_OPTIONS.cliRuns, 1),
    versionRuns: count(
      "version-runs",
      v["version-runs"],
      quick ? 3 : DEFAULT_OPTIONS.versionRuns,
      1,
    ),
    skipInstall: v["skip-install"] === true,
    only: only as BenchmarkName[],
    ...(v.packages !== undefined ? { packages: list(v.packages) } : {}),
    npmCache: v["npm-cache"] ?? DEFAULT_OPTIONS.npmCache,
    ...(v.out !== undefined ? { out: v.out } : {}),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      help: { type: "boolean", short: "h" },
      quick: { type: "boolean" },
      "skip-install": { type: "boolean" },
      iterations: { type: "string" },
      warmup: { type: "string" },
      "cli-runs": { type: "string" },
      "version-runs": { type: "string" },
      only: { type: "string" },
      packages: { type: "string" },
      "npm-cache": { type: "string" },
      out: { type: "string" },
    },
  });
}
