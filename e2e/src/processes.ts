/**
 * Small helpers for end-to-end tests that run real binaries on loopback:
 * ports from the OS, bounded waits, temporary directories, and child
 * processes whose output is kept for failure messages and that are always
 * stopped. (The same shape as packages/alertmanager/test; copied, because a
 * package's test folder is not part of its public API.)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The Debian binaries the end-to-end tests run; override a path through the environment. */
export const BINARIES = {
  prometheus: {
    path: process.env.PROMETHEUS_BIN ?? "/usr/bin/prometheus",
    debianPackage: "prometheus",
  },
  alertmanager: {
    path: process.env.ALERTMANAGER_BIN ?? "/usr/bin/prometheus-alertmanager",
    debianPackage: "prometheus-alertmanager",
  },
  amtool: {
    path: process.env.AMTOOL ?? "/usr/bin/amtool",
    debianPackage: "prometheus-alertmanager",
  },
} as const;

/** Throws, naming the Debian package to install, when a binary is missing. */
export function requireBinary(binary: { path: string; debianPackage: string }): string {
  if (!existsSync(binary.path)) {
    throw new Error(
      `${binary.path} is missing: install the Debian package ${binary.debianPackage} (apt-get install -y ${binary.debianPackage}); CI installs it`,
    );
  }
  return binary.path;
}

/** A port the OS hands out on 127.0.0.1 (closed again, so the caller can bind it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns something other than undefined, for at most
 * `timeoutMs`; the error names what was awaited and the probe's last error.
 */
export async function waitFor<T>(
  what: string | (() => string),
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(everyMs);
  }
  const description = typeof what === "function" ? what() : what;
  throw new Error(
    `timed out after ${timeoutMs}ms waiting for ${description}${lastError ? `\nlast error: ${String(lastError)}` : ""}`,
  );
}

export interface TempDir {
  path: string;
  remove: () => void;
}

export function tempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A child process with its output kept (the last 64 KiB) for failure messages. */
export class Proc {
  readonly child: ChildProcess;
  private output = "";

  constructor(
    readonly name: string,
    command: string,
    args: readonly string[],
  ) {
    this.child = spawn(command, [...args], { stdio: ["ignore", "pipe", "pipe"] });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-65_536);
    };
    this.child.stdout?.on("data", keep);
    this.child.stderr?.on("data", keep);
    this.child.on("error", (error) => keep(Buffer.from(`spawn error: ${String(error)}\n`)));
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** What the process printed, for failure messages. */
  log(): string {
    return `--- ${this.name} (pid ${this.child.pid}${this.exited ? `, exited ${this.child.exitCode ?? this.child.signalCode}` : ""}) ---\n${this.output}`;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs = 3_000): Promise<void> {
    if (this.exited || this.child.pid === undefined) return;
    const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await gone;
    clearTimeout(timer);
  }
}

/** GET a URL on loopback as JSON, with a short timeout. */
export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** GET a URL on loopback as text, with a short timeout. */
export async function getText(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.text();
}
