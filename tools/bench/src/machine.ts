/** The machine the numbers were taken on. */
import { existsSync, readFileSync } from "node:fs";
import { arch, availableParallelism, loadavg, platform, release, totalmem } from "node:os";

export interface MachineInfo {
  node: string;
  platform: string;
  arch: string;
  kernel: string;
  /** CPUs this process may run on (what `nproc` prints). */
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  /** The cgroup v2 memory limit of this process, when one is set. */
  memoryLimitBytes?: number;
  /** 1, 5 and 15 minute load averages when the run started: other work on the machine skews timings. */
  loadAverage: number[];
  /** The same when the run ended (filled in by the runner). */
  loadAverageAtEnd?: number[];
  date: string;
}

/** The first `model name` of /proc/cpuinfo (x86) or `Model`/`Hardware` (ARM), else "unknown". */
export function cpuModelFromCpuinfo(cpuinfo: string): string {
  for (const key of ["model name", "Model", "Hardware", "cpu model"]) {
    const match = new RegExp(`^${key}\\s*:\\s*(.+)$`, "m").exec(cpuinfo);
    if (match?.[1]?.trim()) return match[1].trim().replace(/\s+/g, " ");
  }
  return "unknown";
}

/** A cgroup v2 `memory.max` value in bytes, or undefined for `max` or garbage. */
export function parseMemoryMax(text: string): number | undefined {
  const value = text.trim();
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

function readIfExists(path: string): string | undefined {
  try {
    return existsSync(path) ? readFileSync(path, "utf8") : undefined;
  } catch {
    return undefined;
  }
}

/** 1, 5 and 15 minute load averages, to two decimals. */
export function currentLoadAverage(): number[] {
  return loadavg().map((l) => Math.round(l * 100) / 100);
}

export function machineInfo(now = new Date()): MachineInfo {
  const cpuinfo = readIfExists("/proc/cpuinfo");
  const limit = parseMemoryMax(readIfExists("/sys/fs/cgroup/memory.max") ?? "");
  return {
    node: process.version,
    platform: platform(),
    arch: arch(),
    kernel: release(),
    cpus: availableParallelism(),
    cpuModel: cpuinfo ? cpuModelFromCpuinfo(cpuinfo) : "unknown",
    memoryBytes: totalmem(),
    ...(limit !== undefined && limit < totalmem() ? { memoryLimitBytes: limit } : {}),
    loadAverage: currentLoadAverage(),
    date: now.toISOString(),
  };
}
