/** The benchmark results as Markdown. Pure. */
import type { BenchResults, NodeExporterResult, TimingRow } from "./benchmarks.js";
import type { FootprintRow } from "./footprint.js";
import type { MachineInfo } from "./machine.js";
import { formatBytes, formatCount, formatMs, markdownTable } from "./table.js";

const DASH = "–";

export function machineLine(m: MachineInfo): string {
  const memory = m.memoryLimitBytes
    ? `${formatBytes(m.memoryBytes)} RAM (cgroup limit ${formatBytes(m.memoryLimitBytes)})`
    : `${formatBytes(m.memoryBytes)} RAM`;
  const end = m.loadAverageAtEnd ? `, ${m.loadAverageAtEnd.join(" ")} at end` : "";
  const load =
    m.loadAverage.length > 0 ? `, load average ${m.loadAverage.join(" ")} at start${end}` : "";
  return `Node ${m.node} on ${m.platform}/${m.arch} (kernel ${m.kernel}), ${m.cpus} CPU(s) (${m.cpuModel}), ${memory}${load}, ${m.date}`;
}

export function timingTable(rows: readonly TimingRow[]): string {
  return markdownTable(
    ["benchmark", "what", "runs", "median", "p95", "min", "max", "notes"],
    rows.map((row) =>
      row.summary
        ? [
            row.name,
            `\`${row.what}\``,
            String(row.summary.runs),
            formatMs(row.summary.median),
            formatMs(row.summary.p95),
            formatMs(row.summary.min),
            formatMs(row.summary.max),
            row.note ?? "",
          ]
        : [
            row.name,
            `\`${row.what}\``,
            "0",
            DASH,
            DASH,
            DASH,
            DASH,
            `skipped: ${row.skipped ?? "?"}`,
          ],
    ),
    ["left", "left", "right", "right", "right", "right", "right", "left"],
  );
}

export function footprintTable(rows: readonly FootprintRow[]): string {
  return markdownTable(
    [
      "package",
      "version",
      "packed",
      "unpacked",
      "files",
      "installed packages",
      "third-party",
      "node_modules",
      "notes",
    ],
    rows.map((row) => {
      const pack = row.pack;
      const install = row.install;
      const notes = [
        row.workspaceDependencies.length > 0
          ? `with ${row.workspaceDependencies.length} workspace dep(s)`
          : "",
        install?.lockfilePackages !== undefined && install.lockfilePackages !== install.packages
          ? `package-lock.json lists ${install.lockfilePackages}`
          : "",
        row.skipped ? `skipped: ${row.skipped}` : "",
      ]
        .filter(Boolean)
        .join("; ");
      return [
        row.name,
        row.version,
        pack ? formatBytes(pack.packedBytes) : DASH,
        pack ? formatBytes(pack.unpackedBytes) : DASH,
        pack ? String(pack.files) : DASH,
        install ? formatCount(install.packages) : DASH,
        install ? formatCount(install.thirdParty) : DASH,
        install ? formatBytes(install.installedBytes) : DASH,
        notes,
      ];
    }),
    ["left", "left", "right", "right", "right", "right", "right", "right", "left"],
  );
}

export function nodeExporterTable(result: NodeExporterResult): string {
  if (!result.before || !result.after) {
    return markdownTable(
      ["node-exporter series per node", "series", "metric names"],
      [["skipped", DASH, DASH]],
      ["left", "right", "right"],
    ).concat(`\n\nskipped: ${result.skipped ?? "?"}`);
  }
  const version = result.binaryVersion ?? "unknown version";
  const table = markdownTable(
    ["node-exporter series per node", "series", "metric names"],
    [
      [
        `scraped (${version}, ${result.collectors?.length ?? 0} collectors rendered for ${result.renderedFor})`,
        formatCount(result.before.series),
        formatCount(result.before.names),
      ],
      [
        "kept by the node-exporter allow-list",
        formatCount(result.after.series),
        formatCount(result.after.names),
      ],
    ],
    ["left", "right", "right"],
  );
  const kept = Object.entries(result.after.byName)
    .map(([name, n]) => `${name} (${n})`)
    .join(", ");
  const lines = [
    table,
    "",
    `allow-list: ${(result.allowList ?? []).join(", ")}; kept: ${kept || "nothing"}` +
      (result.absent?.length ? `; not in the scrape: ${result.absent.join(", ")}` : ""),
  ];
  if (result.note) lines.push(`note: ${result.note}`);
  return lines.join("\n");
}

export function markdownReport(results: BenchResults): string {
  const parts = [`Machine: ${machineLine(results.machine)}`];
  if (results.timings.length > 0)
    parts.push("### Render and start-up", timingTable(results.timings));
  if (results.nodeExporter)
    parts.push("### node-exporter series", nodeExporterTable(results.nodeExporter));
  if (results.footprint.length > 0)
    parts.push("### Install footprint", footprintTable(results.footprint));
  return `${parts.join("\n\n")}\n`;
}
