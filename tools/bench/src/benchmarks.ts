/**
 * The benchmarks. Each one measures and reports; none has a time threshold,
 * and a missing binary or build turns its row into a skip with the reason.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { findBinary, run, tail } from "./exec.js";
import { DEFAULT_NPM_CACHE, type FootprintRow, measureFootprint } from "./footprint.js";
import { currentLoadAverage, type MachineInfo, machineInfo } from "./machine.js";
import {
  binaryVersion,
  flagsForThisHost,
  freePort,
  type PodShape,
  scrapeOnce,
} from "./node-exporter.js";
import { applyAllowList, type SeriesCount } from "./series.js";
import { type Summary, summarize } from "./stats.js";
import { publishable, workspacePackages } from "./workspace.js";

export const BENCHMARKS = ["render", "cli", "footprint", "node-exporter"] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

export interface BenchOptions {
  /** Repository root (holds pnpm-workspace.yaml). */
  root: string;
  /** Untimed in-process renders before the timed ones. */
  warmup: number;
  /** Timed in-process renders. */
  iterations: number;
  /** Timed `render -q` processes (after one untimed run that fills the file cache). */
  cliRuns: number;
  /** Timed `--version` processes (after one untimed run). */
  versionRuns: number;
  skipInstall: boolean;
  /** npm cache shared between runs. */
  npmCache: string;
  nodeExporterBinary: string;
  /** Which benchmarks to run (default all). */
  only: readonly BenchmarkName[];
  /** Restrict the footprint to these package names (default: every publishable package). */
  packages?: readonly string[];
  log: (message: string) => void;
}

export const DEFAULT_OPTIONS = {
  warmup: 5,
  iterations: 30,
  cliRuns: 10,
  versionRuns: 20,
  skipInstall: false,
  npmCache: DEFAULT_NPM_CACHE,
  nodeExporterBinary: process.env.NODE_EXPORTER_BINARY ?? "/usr/bin/prometheus-node-exporter",
  only: BENCHMARKS,
} satisfies Partial<BenchOptions>;

export interface TimingRow {
  id: string;
  name: string;
  /** What was timed, for the reader. */
  what: string;
  /** In milliseconds. */
  summary?: Summary;
  samplesMs?: number[];
  note?: string;
  skipped?: string;
}

/** The release whose default flags are rendered: Debian's prometheus-node-exporter is 1.5. */
export const NODE_EXPORTER_RELEASE = "1.5";

export interface NodeExporterResult {
  binary: string;
  binaryVersion?: string;
  /** `nodeExporterVersion` the DaemonSet was rendered for. */
  renderedFor: string;
  collectors?: string[];
  flags?: string[];
  /** The node-exporter allow-list of `materializeArtifacts()`. */
  allowList?: string[];
  before?: SeriesCount;
  after?: SeriesCount;
  /** Allow-listed names the scrape did not contain (`up` is added by the scraper). */
  absent?: string[];
  note?: string;
  skipped?: string;
}

export interface BenchResults {
  schemaVersion: 1;
  machine: MachineInfo;
  options: Omit<BenchOptions, "root" | "log">;
  timings: TimingRow[];
  footprint: FootprintRow[];
  nodeExporter?: NodeExporterResult;
}

const message = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

function missingDist(error: unknown, dir: string): string {
  const text = message(error);
  return /Cannot find (module|package)|ERR_MODULE_NOT_FOUND/.test(text)
    ? `${dir}/dist is missing or incomplete: run \`npx tsup\` in ${dir} (${text.split("\n")[0]})`
    : text;
}

/** Full-stack render in this process: import, first render, then warm renders. */
export async function benchRenderInProcess(options: BenchOptions): Promise<TimingRow[]> {
  const what = "stack() + toYamlStream(objects)";
  const rows: TimingRow[] = [
    { id: "render.import", name: "import materialize-monitoring (in-process)", what: "import()" },
    { id: "render.first", name: "first full-stack render (in-process)", what },
    { id: "render.warm", name: "full-stack render, warm (in-process)", what },
  ];
  let umbrella: typeof import("materialize-monitoring");
  let core: typeof import("@materialize-monitoring/core");
  try {
    const started = performance.now();
    umbrella = await import("materialize-monitoring");
    core = await import("@materialize-monitoring/core");
    const ms = performance.now() - started;
    rows[0] = { ...(rows[0] as TimingRow), summary: summarize([ms]), samplesMs: [ms] };
  } catch (error) {
    const reason = missingDist(error, "packages/stack");
    return rows.map((row) => ({ ...row, skipped: reason }));
  }
  const render = (): { bytes: number; objects: number } => {
    const s = umbrella.stack();
    return { bytes: Buffer.byteLength(core.toYamlStream(s.objects)), objects: s.objects.length };
  };
  try {
    const started = performance.now();
    const first = render();
    const ms = performance.now() - started;
    const note = `${first.objects} objects, ${first.bytes} bytes of YAML`;
    rows[1] = { ...(rows[1] as TimingRow), summary: summarize([ms]), samplesMs: [ms], note };
    for (let i = 0; i < options.warmup; i++) render();
    const samples: number[] = [];
    for (let i = 0; i < options.iterations; i++) {
      const t = performance.now();
      render();
      samples.push(performance.now() - t);
    }
    rows[2] = {
      ...(rows[2] as TimingRow),
      summary: summarize(samples),
      samplesMs: samples,
      note: `${options.warmup} warm-up renders first; ${note}`,
    };
  } catch (error) {
    const reason = `render failed: ${message(error)}`;
    for (const i of [1, 2]) rows[i] = { ...(rows[i] as TimingRow), skipped: reason };
  }
  return rows;
}

async function timeProcess(
  row: TimingRow,
  args: readonly string[],
  runs: number,
  options: BenchOptions,
): Promise<TimingRow> {
  const cli = join(options.root, "packages/stack/dist/cli.js");
  if (!existsSync(cli)) {
    return {
      ...row,
      skipped: "packages/stack/dist/cli.js is missing: run `npx tsup` in packages/stack",
    };
  }
  const once = async () => {
    const result = await run(process.execPath, [cli, ...args], {
      cwd: options.root,
      keepStdout: false,
      timeoutMs: 120_000,
    });
    if (result.code !== 0) {
      throw new Error(`exit code ${result.code ?? result.signal}: ${tail(result.stderr, 3)}`);
    }
    return result;
  };
  try {
    await once(); // fills the file cache; not timed
    const samples: number[] = [];
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      const result = await once();
      samples.push(result.ms);
      bytes = result.stdoutBytes;
    }
    return {
      ...row,
      summary: summarize(samples),
      samplesMs: samples,
      note: `new process each run (spawn to exit), 1 untimed run first; ${bytes} bytes on stdout`,
    };
  } catch (error) {
    return {
      ...row,
      skipped: `\`node packages/stack/dist/cli.js ${args.join(" ")}\` failed: ${message(error)}`,
    };
  }
}

export async function benchCliRender(options: BenchOptions): Promise<TimingRow> {
  return timeProcess(
    {
      id: "render.cli",
      name: "full-stack render, cold CLI process",
      what: "node packages/stack/dist/cli.js render -q",
    },
    ["render", "-q"],
    options.cliRuns,
    options,
  );
}

export async function benchCliStartup(options: BenchOptions): Promise<TimingRow> {
  return timeProcess(
    { id: "cli.version", name: "CLI start-up", what: "node packages/stack/dist/cli.js --version" },
    ["--version"],
    options.versionRuns,
    options,
  );
}

/** node-exporter's series on this node before and after the node-exporter allow-list. */
export async function benchNodeExporter(options: BenchOptions): Promise<NodeExporterResult> {
  const binary = options.nodeExporterBinary;
  const result: NodeExporterResult = { binary, renderedFor: NODE_EXPORTER_RELEASE };
  const found = findBinary(binary);
  if (!found) {
    return {
      ...result,
      skipped: `${binary} not found: install Debian's prometheus-node-exporter (or set NODE_EXPORTER_BINARY)`,
    };
  }
  let exporters: typeof import("@materialize-monitoring/exporters");
  let materialize: typeof import("@materialize-monitoring/materialize");
  try {
    exporters = await import("@materialize-monitoring/exporters");
  } catch (error) {
    return { ...result, skipped: missingDist(error, "packages/exporters") };
  }
  try {
    materialize = await import("@materialize-monitoring/materialize");
  } catch (error) {
    return { ...result, skipped: missingDist(error, "packages/materialize") };
  }
  try {
    result.binaryVersion = binaryVersion(found);
    if (result.binaryVersion && !result.binaryVersion.startsWith(`${NODE_EXPORTER_RELEASE}.`)) {
      result.note = `the binary is ${result.binaryVersion}, the flags are those rendered for ${NODE_EXPORTER_RELEASE}`;
    }
    const component = exporters.nodeExporter({
      image: { tag: `v${NODE_EXPORTER_RELEASE}.0` },
      nodeExporterVersion: NODE_EXPORTER_RELEASE,
    });
    const daemonSet = component.objects.find((o) => o.kind === "DaemonSet") as
      | { spec?: { template?: { spec?: PodShape } } }
      | undefined;
    const pod = daemonSet?.spec?.template?.spec;
    if (!pod) throw new Error("the node-exporter render has no DaemonSet");
    const port = await freePort();
    const flags = flagsForThisHost(pod, exporters.NODE_EXPORTER_NAME, port);
    const allowList = materialize.materializeArtifacts().allowLists["node-exporter"].metrics;
    const text = await scrapeOnce(found, flags, port);
    const effect = applyAllowList(text, allowList);
    return {
      ...result,
      collectors: [...component.endpoints.collectors],
      flags,
      allowList: [...allowList],
      before: effect.before,
      after: effect.after,
      absent: effect.absent,
    };
  } catch (error) {
    return { ...result, skipped: message(error) };
  }
}

export async function runBenchmarks(options: BenchOptions): Promise<BenchResults> {
  const selected = new Set(options.only);
  const { root: _root, log: _log, ...recorded } = options;
  const results: BenchResults = {
    schemaVersion: 1,
    machine: machineInfo(),
    options: recorded,
    timings: [],
    footprint: [],
  };
  // In-process first, while this process has loaded nothing else.
  if (selected.has("render")) {
    options.log("in-process render");
    results.timings.push(...(await benchRenderInProcess(options)));
    options.log("cold CLI render");
    results.timings.push(await benchCliRender(options));
  }
  if (selected.has("cli")) {
    options.log("CLI start-up");
    results.timings.push(await benchCliStartup(options));
  }
  if (selected.has("node-exporter")) {
    options.log("node-exporter series");
    results.nodeExporter = await benchNodeExporter(options);
  }
  if (selected.has("footprint")) {
    options.log(options.skipInstall ? "package sizes (install skipped)" : "install footprint");
    const all = workspacePackages(options.root);
    const wanted = options.packages;
    const unknown = (wanted ?? []).filter((name) => !all.some((p) => p.name === name));
    if (unknown.length > 0) throw new Error(`not workspace packages: ${unknown.join(", ")}`);
    const targets = publishable(all).filter((p) => !wanted || wanted.includes(p.name));
    results.footprint = await measureFootprint(all, targets, {
      skipInstall: options.skipInstall,
      cacheDir: options.npmCache,
      log: options.log,
    });
  }
  results.machine.loadAverageAtEnd = currentLoadAverage();
  return results;
}
