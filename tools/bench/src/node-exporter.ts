/**
 * node-exporter series per node, before and after the stack's allow-list:
 * the real binary runs on loopback with the flags of the DaemonSet that
 * `@materialize-monitoring/exporters` renders, and is scraped once.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";

/** The parts of a rendered DaemonSet's pod this module reads. */
export interface PodShape {
  containers: {
    name: string;
    args?: string[];
    volumeMounts?: { name: string; mountPath: string }[];
  }[];
  volumes?: { name: string; hostPath?: { path: string } }[];
}

/**
 * The container's flags as they would run directly on this machine: every
 * `--path.*` under a hostPath mount becomes the host path (e.g.
 * `/host/root/run/udev/data` → `/run/udev/data`) and the listen address
 * becomes `127.0.0.1:<port>`. Any other flag that needs a Kubernetes variable
 * (`$(...)`) cannot run here and is an error.
 */
export function flagsForThisHost(pod: PodShape, containerName: string, port: number): string[] {
  const container = pod.containers.find((c) => c.name === containerName);
  if (!container) throw new Error(`the pod has no container named ${containerName}`);
  const hostPaths = new Map<string, string>();
  for (const mount of container.volumeMounts ?? []) {
    const hostPath = pod.volumes?.find((v) => v.name === mount.name)?.hostPath?.path;
    if (hostPath) hostPaths.set(mount.mountPath.replace(/\/$/, ""), hostPath);
  }
  // Longest mount first, so /host/root/x is not taken for /host/r...
  const mounts = [...hostPaths.keys()].sort((a, b) => b.length - a.length);
  const toHost = (path: string): string => {
    const mount = mounts.find((m) => path === m || path.startsWith(`${m}/`));
    if (mount === undefined) return path;
    const host = (hostPaths.get(mount) ?? "/").replace(/\/$/, "");
    const rest = path.slice(mount.length).replace(/^\//, "");
    if (!rest) return host || "/";
    return `${host}/${rest}`;
  };
  return (container.args ?? []).map((flag) => {
    if (flag.startsWith("--web.listen-address=")) return `--web.listen-address=127.0.0.1:${port}`;
    const path = /^(--path\.[a-z.]+)=(.*)$/.exec(flag);
    if (path) return `${path[1]}=${toHost(path[2] ?? "")}`;
    if (flag.includes("$(")) {
      throw new Error(`flag ${flag} needs a Kubernetes variable that cannot be expanded here`);
    }
    return flag;
  });
}

/** A port the OS hands out on 127.0.0.1 (closed again, so the caller can bind it). */
export function freePort(): Promise<number> {
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

/** The binary's release (`1.5.0`), or undefined when it does not say. */
export function binaryVersion(binary: string): string | undefined {
  const out = execFileSync(binary, ["--version"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return /version (\d+\.\d+\.\d+)/.exec(out)?.[1];
}

/**
 * Starts `binary` with `flags`, waits until /metrics answers on
 * 127.0.0.1:`port`, returns that first answer and stops the process. An
 * early exit (e.g. a flag the binary rejects) fails with the binary's output.
 */
export async function scrapeOnce(
  binary: string,
  flags: readonly string[],
  port: number,
  timeoutMs = 15_000,
): Promise<string> {
  const child: ChildProcess = spawn(binary, flags, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Buffer): void => {
    if (output.length < 20_000) output += chunk.toString();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let exitCode: number | null | undefined;
  let spawnError: Error | undefined;
  child.once("error", (error) => {
    spawnError = error;
  });
  const closed = new Promise<void>((resolve) =>
    child.once("close", (code) => {
      exitCode = code;
      resolve();
    }),
  );
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (spawnError) throw new Error(`${binary} could not start: ${spawnError.message}`);
      if (exitCode !== undefined) {
        throw new Error(
          `${binary} exited with code ${exitCode} before serving metrics: ${output.trim().slice(-2000)}`,
        );
      }
      try {
        const response = await fetch(`http://127.0.0.1:${port}/metrics`);
        if (response.ok) return await response.text();
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${binary} did not serve /metrics on 127.0.0.1:${port} within ${timeoutMs} ms`);
  } finally {
    if (exitCode === undefined && !spawnError) {
      child.kill("SIGTERM");
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (exitCode === undefined) child.kill("SIGKILL");
    }
  }
}
