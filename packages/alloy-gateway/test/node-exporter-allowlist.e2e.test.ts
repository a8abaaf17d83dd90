/**
 * End to end: the node-exporter allow-list the gateway applies, translated
 * to Prometheus `metric_relabel_configs` from the same data
 * (`allowListMetricRelabelConfigs`, the function behind the gateway's
 * `prometheus.relabel` rule), run by a real Prometheus (Debian's 2.42)
 * scraping a real node-exporter (Debian's 1.5) on loopback. Every
 * allow-listed metric node-exporter exposes must arrive, nothing else may.
 *
 * The allow-list is the fixture copied from the materialize package (the
 * node-exporter metrics the stack's queries use); nothing is imported from it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { allowListMetricRelabelConfigs, alloyGatewayConfigOf } from "../src/index.js";
import { buildGateway, MATERIALIZE } from "./helpers.js";

const NODE_EXPORTER = process.env.NODE_EXPORTER_BINARY ?? "/usr/bin/prometheus-node-exporter";
const PROMETHEUS = process.env.PROMETHEUS_BINARY ?? "/usr/bin/prometheus";
const SOURCE = "node-exporter";
const ALLOW_LISTS = { [SOURCE]: MATERIALIZE.allowLists[SOURCE] ?? [] };
/** Series Prometheus itself adds to every target; metric relabeling does not apply to them. */
const SYNTHETIC = [
  "up",
  "scrape_duration_seconds",
  "scrape_samples_scraped",
  "scrape_samples_post_metric_relabeling",
  "scrape_series_added",
];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const children: ChildProcess[] = [];
let workdir = "";

function start(binary: string, args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  return { child, output: () => output };
}

/** Polls `probe` until it returns a value, the process exits, or the deadline passes. */
async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  process: { child: ChildProcess; output: () => string },
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process.child.exitCode !== null) {
      throw new Error(
        `${what}: the process exited with ${process.child.exitCode}:\n${process.output()}`,
      );
    }
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: timed out after ${timeoutMs} ms\n${process.output()}`);
}

interface VectorResult {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(port: number, promql: string): Promise<VectorResult[]> {
  const response = await fetch(
    `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`,
  );
  const body = (await response.json()) as { status: string; data: { result: VectorResult[] } };
  if (body.status !== "success") throw new Error(`query ${promql} failed`);
  return body.data.result;
}

describe("node-exporter allow-list with a real Prometheus and node-exporter", () => {
  let prometheusPort = 0;
  let exposed: Set<string>;

  beforeAll(async () => {
    for (const binary of [NODE_EXPORTER, PROMETHEUS]) {
      if (!existsSync(binary))
        throw new Error(
          `${binary} is missing (Debian packages prometheus-node-exporter and prometheus)`,
        );
    }
    workdir = mkdtempSync(join(tmpdir(), "alloy-gateway-e2e-"));
    const exporterPort = await freePort();
    prometheusPort = await freePort();
    const exporter = start(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${exporterPort}`]);
    const metricsText = await waitFor(
      "node-exporter",
      async () => {
        const r = await fetch(`http://127.0.0.1:${exporterPort}/metrics`);
        return r.ok ? await r.text() : undefined;
      },
      exporter,
    );
    exposed = new Set(
      metricsText
        .split("\n")
        .filter((l) => l && !l.startsWith("#"))
        .map((l) => l.split(/[{ ]/)[0] as string),
    );
    const target = `127.0.0.1:${exporterPort}`;
    const config = {
      global: { scrape_interval: "1s", scrape_timeout: "1s" },
      scrape_configs: [
        {
          job_name: "filtered",
          static_configs: [{ targets: [target] }],
          metric_relabel_configs: allowListMetricRelabelConfigs(ALLOW_LISTS, SOURCE),
        },
        { job_name: "unfiltered", static_configs: [{ targets: [target] }] },
      ],
    };
    const configFile = join(workdir, "prometheus.yml");
    writeFileSync(configFile, stringify(config));
    const prometheus = start(PROMETHEUS, [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(workdir, "data")}`,
      `--web.listen-address=127.0.0.1:${prometheusPort}`,
    ]);
    // Both jobs scraped at least twice (the second scrape makes every series queryable at "now").
    await waitFor(
      "Prometheus scrapes",
      async () => {
        const healthy = await query(prometheusPort, "count(up == 1) == 2");
        const scrapes = await query(prometheusPort, "min(count_over_time(up[1m])) >= 2");
        return healthy.length > 0 && scrapes.length > 0 ? true : undefined;
      },
      prometheus,
    );
  }, 60_000);

  afterAll(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGTERM");
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  it("uses the same rule data the gateway's Alloy configuration applies", () => {
    const text = alloyGatewayConfigOf(
      buildGateway({
        scrape: {
          jobs: [
            {
              name: "node_exporter",
              job: "node-exporter",
              source: SOURCE,
              relabelings: [],
            },
          ],
        },
        allowLists: ALLOW_LISTS,
      }),
    );
    const [rule] = allowListMetricRelabelConfigs(ALLOW_LISTS, SOURCE) as { regex: string }[];
    expect(text).toContain(`"${rule?.regex}"`);
  });

  it("keeps every allow-listed metric node-exporter exposes, and nothing else", async () => {
    const names = async (job: string) =>
      new Set(
        (await query(prometheusPort, `count by (__name__) ({job="${job}"})`)).map(
          (r) => r.metric.__name__ as string,
        ),
      );
    const kept = await names("filtered");
    const listed = ALLOW_LISTS[SOURCE];
    const expected = listed.filter((m) => exposed.has(m) || SYNTHETIC.includes(m));
    expect(expected.length).toBeGreaterThan(1);
    for (const metric of expected)
      expect(kept, `${metric} is allow-listed and exposed`).toContain(metric);
    const unexpected = [...kept].filter((m) => !listed.includes(m) && !SYNTHETIC.includes(m));
    expect(unexpected).toEqual([]);

    const count = async (job: string) =>
      Number((await query(prometheusPort, `count({job="${job}"})`))[0]?.value[1] ?? 0);
    const filtered = await count("filtered");
    const unfiltered = await count("unfiltered");
    expect(filtered).toBeLessThan(unfiltered);
    const missing = listed.filter((m) => !exposed.has(m) && !SYNTHETIC.includes(m));
    console.log(
      `node-exporter allow-list: ${filtered} series remain of ${unfiltered} (${kept.size} metric names kept: ${[...kept].sort().join(", ")}; allow-listed but not exposed by node-exporter 1.5 here: ${missing.join(", ") || "none"})`,
    );
  });
});
