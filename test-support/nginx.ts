/**
 * Runs a rendered nginx.conf under the real nginx binary (Debian's
 * nginx-light, which CI installs), on 127.0.0.1 only: every `listen` port
 * becomes a free loopback port, and /tmp paths move into a private folder.
 * Shared by the Loki and Thanos gateway tests.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, connect, createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const nginxBinary = (() => {
  try {
    execFileSync("nginx", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningNginx {
  /** The loopback port each rendered `listen` port now takes. */
  ports: Record<number, number>;
  /** The private folder the config's /tmp and mounted files live in. */
  dir: string;
  stop(): Promise<void>;
}

/**
 * `files` are written into the private folder first; `rewrite` gets the
 * folder and may point the config's mounted paths (and upstreams) there.
 * Fails with nginx's own message when `nginx -t` refuses the config.
 */
export async function runNginx(
  config: string,
  options: { files?: Record<string, string>; rewrite?: (conf: string, dir: string) => string } = {},
): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), "nginx-test-"));
  const ports: Record<number, number> = {};
  let conf = config;
  for (const match of config.matchAll(/listen (\d+)( ssl)?;/g)) {
    const rendered = Number(match[1]);
    ports[rendered] ??= await freePort();
  }
  conf = conf.replace(
    /listen (\d+)( ssl)?;/g,
    (_m, port: string, ssl: string | undefined) =>
      `listen 127.0.0.1:${ports[Number(port)]}${ssl ?? ""};`,
  );
  conf = conf
    .replaceAll(" /tmp/", ` ${dir}/`)
    .replace("access_log /dev/stdout main;", "access_log off;");
  // nginx's workers drop root (to nobody) when the tests run as root: they must read the files.
  chmodSync(dir, 0o755);
  for (const [name, text] of Object.entries(options.files ?? {}))
    writeFileSync(join(dir, name), text, { mode: 0o644 });
  if (options.rewrite) conf = options.rewrite(conf, dir);
  const file = join(dir, "nginx.conf");
  writeFileSync(file, conf);
  try {
    execFileSync("nginx", ["-t", "-q", "-e", "stderr", "-p", dir, "-c", file], { stdio: "pipe" });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `nginx -t refused the config: ${(error as { stderr?: Buffer }).stderr ?? error}`,
    );
  }
  const child: ChildProcess = spawn(
    "nginx",
    ["-e", "stderr", "-p", dir, "-c", file, "-g", "daemon off;"],
    {
      stdio: "ignore",
    },
  );
  // Ready when every port accepts a connection.
  const deadline = Date.now() + 10_000;
  for (const port of Object.values(ports)) {
    for (;;) {
      const open = await new Promise<boolean>((resolve) => {
        const socket = createNetConnection(port, resolve);
        socket.on("error", () => resolve(false));
      });
      if (open) break;
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        rmSync(dir, { recursive: true, force: true });
        throw new Error("nginx did not start");
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    ports,
    dir,
    stop: async () => {
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGQUIT");
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function createNetConnection(port: number, done: (open: boolean) => void) {
  const socket = connect(port, "127.0.0.1", () => {
    socket.end();
    done(true);
  });
  return socket;
}

/**
 * A throwaway self-signed certificate for `host` (openssl, which CI installs),
 * as PEM text: the key never leaves the test's temporary folder.
 */
export function selfSignedCertificate(host: string): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), "cert-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
        "-subj",
        `/CN=${host}`,
        "-addext",
        `subjectAltName=DNS:${host},IP:127.0.0.1`,
        "-keyout",
        join(dir, "tls.key"),
        "-out",
        join(dir, "tls.crt"),
      ],
      { stdio: "pipe" },
    );
    return {
      cert: readFileSync(join(dir, "tls.crt"), "utf8"),
      key: readFileSync(join(dir, "tls.key"), "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The password of every `htpasswdLine` user. */
export const HTPASSWD_PASSWORD = "s3cret";

/**
 * An htpasswd line for `user` with the password `s3cret`, bcrypt (what `htpasswd -B` writes) at
 * cost 5, hashed once offline so the tests need no htpasswd tool.
 */
export function htpasswdLine(user: string): string {
  return `${user}:$2b$05$P3gS62KBw8uKRr1ZqS.ce.Z8OMA2JIdxFwzGzTSLqByrtpJgTCMJ6`;
}
