import { describe, expect, it } from "vitest";
import type { BenchResults } from "../src/benchmarks.js";
import { cpuModelFromCpuinfo, machineInfo, parseMemoryMax } from "../src/machine.js";
import {
  footprintTable,
  machineLine,
  markdownReport,
  nodeExporterTable,
  timingTable,
} from "../src/report.js";
import { summarize } from "../src/stats.js";

const machine = {
  node: "v20.20.2",
  platform: "linux",
  arch: "x64",
  kernel: "6.1.0",
  cpus: 2,
  cpuModel: "AMD EPYC",
  memoryBytes: 25_276_502_016,
  loadAverage: [0.5, 0.25, 0.1],
  date: "2026-01-02T03:04:05.000Z",
};

const results: BenchResults = {
  schemaVersion: 1,
  machine,
  options: {
    warmup: 1,
    iterations: 3,
    cliRuns: 2,
    versionRuns: 3,
    skipInstall: false,
    npmCache: "/tmp/cache",
    nodeExporterBinary: "/usr/bin/prometheus-node-exporter",
    only: ["render", "cli", "footprint", "node-exporter"],
  },
  timings: [
    {
      id: "render.warm",
      name: "full-stack render, warm (in-process)",
      what: "stack() + toYamlStream(objects)",
      summary: summarize([110, 120, 130]),
      note: "135 objects",
    },
    {
      id: "cli.version",
      name: "CLI start-up",
      what: "node packages/stack/dist/cli.js --version",
      skipped: "packages/stack/dist/cli.js is missing: run `npx tsup` in packages/stack",
    },
  ],
  footprint: [
    {
      name: "@materialize-monitoring/core",
      version: "0.1.0",
      workspaceDependencies: [],
      pack: {
        name: "@materialize-monitoring/core",
        version: "0.1.0",
        packedBytes: 82_800,
        unpackedBytes: 314_500,
        files: 11,
      },
      install: {
        packages: 36,
        thirdParty: 35,
        distinct: 36,
        installedBytes: 21_500_000,
        lockfilePackages: 36,
        ms: 5000,
      },
    },
    {
      name: "@materialize-monitoring/loki",
      version: "0.0.0",
      workspaceDependencies: ["@materialize-monitoring/core"],
      pack: {
        name: "@materialize-monitoring/loki",
        version: "0.0.0",
        packedBytes: 69_400,
        unpackedBytes: 300_100,
        files: 6,
      },
      skipped: "install skipped (--skip-install)",
    },
    {
      name: "@materialize-monitoring/new",
      version: "0.0.0",
      workspaceDependencies: ["@materialize-monitoring/core"],
      skipped: "packages/new/dist is missing: run `npx tsup` in packages/new",
    },
  ],
  nodeExporter: {
    binary: "/usr/bin/prometheus-node-exporter",
    binaryVersion: "1.5.0",
    renderedFor: "1.5",
    collectors: ["cpu", "filesystem"],
    allowList: ["node_filesystem_size_bytes", "up"],
    before: { series: 439, names: 281, byName: {} },
    after: { series: 2, names: 1, byName: { node_filesystem_size_bytes: 2 } },
    absent: ["up"],
  },
};

describe("report", () => {
  it("names the machine: node, CPUs and model, memory, date", () => {
    expect(machineLine(machine)).toBe(
      "Node v20.20.2 on linux/x64 (kernel 6.1.0), 2 CPU(s) (AMD EPYC), 25.3 GB RAM, load average 0.5 0.25 0.1 at start, 2026-01-02T03:04:05.000Z",
    );
    expect(machineLine({ ...machine, memoryLimitBytes: 8_000_000_000 })).toContain(
      "25.3 GB RAM (cgroup limit 8.0 GB)",
    );
    expect(machineLine({ ...machine, loadAverageAtEnd: [2, 1, 0.5] })).toContain(
      "load average 0.5 0.25 0.1 at start, 2 1 0.5 at end,",
    );
  });

  it("a timing row shows runs, median, p95, min and max; a skipped row its reason", () => {
    const lines = timingTable(results.timings).split("\n");
    expect(lines[0]).toMatch(
      /^\| benchmark .*\| runs \|\s+median \|\s+p95 \|\s+min \|\s+max \| notes/,
    );
    expect(lines[2]).toMatch(
      /\| +3 \| 120\.0 ms \| 129\.0 ms \| 110\.0 ms \| 130\.0 ms \| 135 objects/,
    );
    expect(lines[3]).toContain(
      "| skipped: packages/stack/dist/cli.js is missing: run `npx tsup` in packages/stack |",
    );
    expect(lines[3]).toMatch(/\| +0 \| +– \|/);
  });

  it("the footprint table shows sizes and install counts, and why a row has none", () => {
    const lines = footprintTable(results.footprint).split("\n");
    expect(lines[2]).toMatch(
      /core +\| 0\.1\.0 +\| +82\.8 kB \| +314\.5 kB \| +11 \| +36 \| +35 \| +21\.5 MB \|/,
    );
    expect(lines[3]).toMatch(
      /69\.4 kB .*\| +– \| +– \| +– \| with 1 workspace dep\(s\); skipped: install skipped/,
    );
    expect(lines[4]).toContain("skipped: packages/new/dist is missing");
  });

  it("the footprint notes a disagreement with npm's lockfile", () => {
    const [core] = results.footprint;
    const odd = { ...core!, install: { ...core!.install!, lockfilePackages: 40 } };
    expect(footprintTable([odd])).toContain("package-lock.json lists 40");
  });

  it("node-exporter: series and names before and after the allow-list", () => {
    const text = nodeExporterTable(results.nodeExporter!);
    expect(text).toMatch(/scraped \(1\.5\.0, 2 collectors rendered for 1\.5\) \| +439 \| +281 \|/);
    expect(text).toMatch(/kept by the node-exporter allow-list +\| +2 \| +1 \|/);
    expect(text).toContain("kept: node_filesystem_size_bytes (2); not in the scrape: up");
  });

  it("node-exporter skipped: the reason instead of numbers", () => {
    const text = nodeExporterTable({
      binary: "/usr/bin/prometheus-node-exporter",
      renderedFor: "1.5",
      skipped:
        "/usr/bin/prometheus-node-exporter not found: install Debian's prometheus-node-exporter",
    });
    expect(text).toContain("| skipped ");
    expect(text).toContain("skipped: /usr/bin/prometheus-node-exporter not found");
  });

  it("the whole report has the machine line and a section per benchmark that ran", () => {
    const report = markdownReport(results);
    expect(report.startsWith("Machine: Node v20.20.2")).toBe(true);
    for (const title of [
      "### Render and start-up",
      "### node-exporter series",
      "### Install footprint",
    ]) {
      expect(report).toContain(title);
    }
    const only = markdownReport({ ...results, footprint: [], nodeExporter: undefined });
    expect(only).not.toContain("### Install footprint");
    expect(only).not.toContain("### node-exporter series");
  });
});

describe("machine", () => {
  it("reads the CPU model from /proc/cpuinfo (x86 and ARM)", () => {
    expect(cpuModelFromCpuinfo("processor\t: 0\nmodel name\t: AMD EPYC  7B13\nflags\t: x\n")).toBe(
      "AMD EPYC 7B13",
    );
    expect(cpuModelFromCpuinfo("processor : 0\nBogoMIPS : 50\nModel : Raspberry Pi 4\n")).toBe(
      "Raspberry Pi 4",
    );
    expect(cpuModelFromCpuinfo("")).toBe("unknown");
  });

  it("reads a cgroup memory limit, and none for max", () => {
    expect(parseMemoryMax("8589934592\n")).toBe(8_589_934_592);
    expect(parseMemoryMax("max\n")).toBeUndefined();
    expect(parseMemoryMax("")).toBeUndefined();
  });

  it("describes this machine", () => {
    const info = machineInfo(new Date("2026-01-01T00:00:00Z"));
    expect(info.node).toBe(process.version);
    expect(info.cpus).toBeGreaterThan(0);
    expect(info.memoryBytes).toBeGreaterThan(0);
    expect(info.date).toBe("2026-01-01T00:00:00.000Z");
    expect(info.loadAverage).toHaveLength(3);
  });
});
