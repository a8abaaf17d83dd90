/**
 * End to end: the real node-exporter (Debian's `prometheus-node-exporter`
 * 1.5) runs with exactly the flags our DaemonSet carries, with the host paths
 * mapped back to this machine's /proc, /sys and / and the listen address
 * bound to loopback, and must start and serve metrics from every collector
 * we enable. Collectors of newer releases are gated off by
 * `nodeExporterVersion`; that they are enabled for newer releases is checked
 * against the upstream reference, not this binary.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import type { Container, DaemonSet, KubeObject, PodSpec } from "@materialize-monitoring/core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  collectorAvailable,
  exportersCollectionFor,
  NODE_EXPORTER_COLLECTORS,
  NODE_EXPORTER_SOURCE,
  type NodeExporterCollector,
  type NodeExporterValues,
  nodeExporter,
  nodeExporterCollectorOf,
} from "../src/index.js";

const BINARY = process.env.NODE_EXPORTER_BINARY ?? "/usr/bin/prometheus-node-exporter";

/** The Debian build's release, which the e2e render targets. */
const DEBIAN_RELEASE: NodeExporterValues = { image: { tag: "v1.5.0" }, nodeExporterVersion: "1.5" };

function daemonSetPod(objects: readonly KubeObject[]): { pod: PodSpec; container: Container } {
  const ds = objects.find((o) => o.kind === "DaemonSet") as DaemonSet | undefined;
  const pod = ds?.spec?.template.spec;
  const container = pod?.containers.find((c) => c.name === "node-exporter");
  if (!pod || !container) throw new Error("the render has no node-exporter DaemonSet container");
  return { pod, container };
}

/**
 * The container's flags as they would run on this machine: every path under
 * a hostPath mount becomes the host path (e.g. /host/root/run/udev/data ->
 * /run/udev/data), and the listen address becomes 127.0.0.1:<port>.
 */
function flagsForThisHost(objects: readonly KubeObject[], port: number): string[] {
  const { pod, container } = daemonSetPod(objects);
  const hostPaths = new Map<string, string>();
  for (const mount of container.volumeMounts ?? []) {
    const hostPath = pod.volumes?.find((v) => v.name === mount.name)?.hostPath?.path;
    if (hostPath) hostPaths.set(mount.mountPath, hostPath);
  }
  const mounts = [...hostPaths.keys()].sort((a, b) => b.length - a.length);
  const toHost = (path: string): string => {
    const mount = mounts.find((m) => path === m || path.startsWith(`${m}/`));
    if (!mount) return path;
    const host = hostPaths.get(mount) ?? "/";
    const rest = path.slice(mount.length).replace(/^\//, "");
    return rest ? `${host.replace(/\/$/, "")}/${rest}` : host;
  };
  return (container.args ?? []).map((flag) => {
    if (flag.startsWith("--web.listen-address=")) return `--web.listen-address=127.0.0.1:${port}`;
    const path = /^(--path\.[a-z.]+)=(.*)$/.exec(flag);
    if (path) return `${path[1]}=${toHost(path[2] ?? "")}`;
    if (flag.includes("$("))
      throw new Error(`flag ${flag} needs a Kubernetes variable this test cannot expand`);
    return flag;
  });
}

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

const running: ChildProcess[] = [];

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill("SIGTERM");
});

/**
 * Starts the binary with `flags` and returns its /metrics text. A flag the
 * binary rejects (or any early exit) fails with the binary's own message.
 */
async function scrape(flags: string[], port: number): Promise<string> {
  const child = spawn(BINARY, flags, { stdio: ["ignore", "pipe", "pipe"] });
  running.push(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  // "close", not "exit": it fires once stdout and stderr are drained, so the message is complete.
  const exited = new Promise<number | null>((resolve) =>
    child.once("close", (code) => resolve(code)),
  );
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const code = await Promise.race([
      exited,
      new Promise<"running">((r) => setTimeout(() => r("running"), 100)),
    ]);
    if (code !== "running") {
      const rejected = /unknown long flag '([^']+)'/.exec(output)?.[1];
      throw new Error(
        rejected
          ? `${BINARY} rejected the rendered flag ${rejected} (exit code ${code}); this node-exporter release does not know it — gate it with nodeExporterVersion.\n${output.trim()}`
          : `${BINARY} exited with code ${code} before serving metrics:\n${output.trim()}`,
      );
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      if (response.ok) return await response.text();
    } catch {
      // not listening yet
    }
  }
  throw new Error(
    `${BINARY} did not serve /metrics on 127.0.0.1:${port} within 15s:\n${output.trim()}`,
  );
}

interface Sample {
  name: string;
  labels: Record<string, string>;
}

function samples(text: string): Sample[] {
  return text
    .split("\n")
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s/.exec(line);
      const labels: Record<string, string> = {};
      for (const pair of (match?.[2] ?? "").matchAll(
        /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g,
      )) {
        labels[pair[1] ?? ""] = pair[2] ?? "";
      }
      return { name: match?.[1] ?? "", labels };
    });
}

/** Series every Linux machine yields, by collector (others depend on hardware, RAID, conntrack...). */
const ALWAYS_PRESENT: Partial<Record<NodeExporterCollector, string>> = {
  cpu: "node_cpu_seconds_total",
  entropy: "node_entropy_available_bits",
  filefd: "node_filefd_allocated",
  loadavg: "node_load1",
  meminfo: "node_memory_MemTotal_bytes",
  netstat: "node_netstat_Tcp_ActiveOpens",
  os: "node_os_info",
  sockstat: "node_sockstat_sockets_used",
  stat: "node_boot_time_seconds",
  time: "node_time_seconds",
  timex: "node_timex_offset_seconds",
  uname: "node_uname_info",
  vmstat: "node_vmstat_pgfault",
};

describe.skipIf(process.env.SKIP_REAL_BINARIES === "1")(
  "node-exporter e2e (Debian prometheus-node-exporter)",
  () => {
    let version = "";

    beforeAll(() => {
      if (!existsSync(BINARY)) {
        throw new Error(
          `${BINARY} is missing: install Debian's prometheus-node-exporter (or set NODE_EXPORTER_BINARY; SKIP_REAL_BINARIES=1 skips this file)`,
        );
      }
      const out = execFileSync(BINARY, ["--version"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
      version = /version (\d+\.\d+\.\d+)/.exec(out)?.[1] ?? "";
    });

    it("runs node-exporter 1.5, the release nodeExporterVersion targets here", () => {
      expect(version).toMatch(/^1\.5\./);
    });

    it("the collector catalogue matches the binary: every collector it has, none it lacks for 1.5", () => {
      const help = execFileSync(BINARY, ["--help"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
      const inBinary = new Set(
        [...help.matchAll(/^\s+--(?:\[no-\])?collector\.([a-z_0-9]+)\s/gm)].map((m) => m[1] ?? ""),
      );
      const catalogue1_5 = (
        Object.keys(NODE_EXPORTER_COLLECTORS) as NodeExporterCollector[]
      ).filter((name) => collectorAvailable(name, "1.5"));
      expect([...inBinary].sort()).toEqual(catalogue1_5.sort());
    });

    it("starts with exactly the rendered DaemonSet flags and serves metrics from every enabled collector", async () => {
      const component = nodeExporter(DEBIAN_RELEASE);
      const port = await freePort();
      const flags = flagsForThisHost(component.objects, port);
      expect(flags).toContain("--collector.disable-defaults");
      expect(flags).toContain("--path.procfs=/proc");
      expect(flags).toContain("--path.sysfs=/sys");
      expect(flags).toContain("--path.rootfs=/");
      expect(flags).toContain("--path.udev.data=/run/udev/data");

      const all = samples(await scrape(flags, port));
      const reported = all
        .filter((s) => s.name === "node_scrape_collector_success")
        .map((s) => s.labels.collector)
        .sort();
      // --collector.disable-defaults held: exactly our collectors ran, no upstream defaults.
      expect(reported).toEqual(component.endpoints.collectors);
      for (const collector of component.endpoints.collectors) {
        const series = ALWAYS_PRESENT[collector];
        if (series)
          expect(
            all.some((s) => s.name === series),
            `${collector}: ${series}`,
          ).toBe(true);
      }
      // The exclusions hold: no pseudo or overlay filesystems, no loopback or veth interfaces.
      for (const s of all.filter((x) => x.name === "node_filesystem_size_bytes")) {
        expect(s.labels.mountpoint, JSON.stringify(s.labels)).not.toMatch(
          /^\/(proc|sys|dev)(\/|$)/,
        );
        expect(s.labels.fstype).not.toMatch(/^(overlay|squashfs|proc|sysfs)$/);
      }
      for (const s of all.filter((x) => x.name === "node_network_receive_bytes_total")) {
        expect(s.labels.device).not.toMatch(/^(lo|veth.*)$/);
      }
    });

    it("every family each 1.5 collector serves here maps back to that collector (the table behind the metric tiers' collection)", async () => {
      const mismatches: string[] = [];
      let checked = 0;
      for (const collector of (
        Object.keys(NODE_EXPORTER_COLLECTORS) as NodeExporterCollector[]
      ).filter((name) => collectorAvailable(name, "1.5"))) {
        const component = nodeExporter({
          ...DEBIAN_RELEASE,
          collectors: { recommended: false, enable: [collector] },
        });
        const port = await freePort();
        const families = new Set(
          samples(await scrape(flagsForThisHost(component.objects, port), port)).map((s) => s.name),
        );
        for (const child of running.splice(0)) child.kill("SIGTERM");
        for (const family of families) {
          const owner = nodeExporterCollectorOf(family);
          if (owner === null) continue;
          checked += 1;
          if (owner !== collector)
            mismatches.push(`${family}: served by ${collector}, mapped to ${owner}`);
        }
      }
      expect(mismatches).toEqual([]);
      // every always-present family above was among them
      expect(checked).toBeGreaterThan(Object.keys(ALWAYS_PRESENT).length * 3);
    });

    it("a DaemonSet narrowed to an allow-list runs exactly the collectors of its families, and serves them", async () => {
      const families = Object.values(ALWAYS_PRESENT) as string[];
      const { values, unserved } = exportersCollectionFor({ [NODE_EXPORTER_SOURCE]: families });
      expect(unserved).toEqual([]);
      const component = nodeExporter({ ...DEBIAN_RELEASE, ...values.nodeExporter });
      expect(component.endpoints.collectors).toEqual(Object.keys(ALWAYS_PRESENT).sort());
      const port = await freePort();
      const served = new Set(
        samples(await scrape(flagsForThisHost(component.objects, port), port)).map((s) => s.name),
      );
      for (const family of families) expect(served.has(family), family).toBe(true);
    });

    it("fails with a clear message when the binary rejects a rendered flag (the 1.12 render's --collector.swap)", async () => {
      const newer = nodeExporter();
      expect(newer.endpoints.version).toBe("1.12");
      const port = await freePort();
      await expect(scrape(flagsForThisHost(newer.objects, port), port)).rejects.toThrow(
        /rejected the rendered flag --collector\.swap .*gate it with nodeExporterVersion/,
      );
    });
  },
);

describe("node-exporter collectors newer than 1.5 (checked against the upstream node_exporter reference, not the 1.5 binary)", () => {
  it("the default image (1.12) enables swap, which upstream added in 1.10", () => {
    const newer = nodeExporter();
    expect(newer.endpoints.collectors).toContain("swap");
    expect(daemonSetPod(newer.objects).container.args).toContain("--collector.swap");
    expect(NODE_EXPORTER_COLLECTORS.swap.since).toBe("1.10");
    expect(nodeExporter(DEBIAN_RELEASE).endpoints.collectors).not.toContain("swap");
  });

  it("collectors upstream added after 1.5 are accepted from their release on", () => {
    const added: [NodeExporterCollector, NodeExporterValues["nodeExporterVersion"]][] = [
      ["softirqs", "1.6"],
      ["cpu_vulnerabilities", "1.7"],
      ["watchdog", "1.8"],
      ["xfrm", "1.8"],
      ["pcidevice", "1.10"],
      ["swap", "1.10"],
      ["kernel_hung", "1.11"],
      ["bcachefs", "1.11"],
    ];
    for (const [collector, release] of added) {
      const rendered = nodeExporter({
        image: { tag: `v${release}.0` },
        collectors: { recommended: false, enable: [collector] },
      });
      expect(daemonSetPod(rendered.objects).container.args, collector).toContain(
        `--collector.${collector}`,
      );
      expect(() =>
        nodeExporter({
          ...DEBIAN_RELEASE,
          collectors: { recommended: false, enable: [collector] },
        }),
      ).toThrow(`"${collector}" needs node-exporter ${release}`);
    }
  });
});
