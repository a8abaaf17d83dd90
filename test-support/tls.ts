/**
 * A throwaway certificate authority for tests of the stack's internal TLS
 * (openssl, which CI installs): a CA like the one cert-manager's CA issuer
 * holds, and leaf certificates for server and client auth with the DNS names
 * a component's `Certificate` asks for. Keys never leave the temporary folder
 * the test removes.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The build context's internal TLS as the umbrella sets it with the stack's
 * own CA (an `Issuer` named internal-ca): what every component's internal TLS
 * tests render with. Structurally a core `InternalTls`.
 */
export const TEST_INTERNAL_TLS = {
  issuerRef: { name: "internal-ca", kind: "Issuer", group: "cert-manager.io" },
  duration: "2160h",
  renewBefore: "720h",
} as const;

export interface TestLeaf {
  cert: string;
  key: string;
}

export interface TestCa {
  /** The CA certificate (what cert-manager writes as `ca.crt`). */
  cert: string;
  /** A leaf for server and client auth holding `dnsNames` (wildcards allowed). */
  issue(dnsNames: readonly string[]): TestLeaf;
  /** The files of a leaf as a component mounts them: tls.crt, tls.key, ca.crt in `dir`. */
  writeMount(dir: string, leaf: TestLeaf): void;
  remove(): void;
}

/** A new P-256 key, unencrypted (the flags both the CA and the leaves use). */
const NEW_EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

function openssl(args: string[], cwd: string) {
  execFileSync("openssl", args, { cwd, stdio: "pipe" });
}

export function testCa(name = "test-internal-ca"): TestCa {
  const dir = mkdtempSync(join(tmpdir(), "test-ca-"));
  openssl(
    [
      "req",
      "-x509",
      ...NEW_EC_KEY,
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-days",
      "2",
      "-subj",
      `/CN=${name}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ],
    dir,
  );
  const cert = readFileSync(join(dir, "ca.crt"), "utf8");
  let serial = 0;
  return {
    cert,
    issue(dnsNames) {
      serial += 1;
      const base = `leaf-${serial}`;
      writeFileSync(
        join(dir, `${base}.ext`),
        [
          "basicConstraints=critical,CA:FALSE",
          "keyUsage=critical,digitalSignature",
          "extendedKeyUsage=serverAuth,clientAuth",
          `subjectAltName=${dnsNames.map((n) => `DNS:${n}`).join(",")}`,
          "",
        ].join("\n"),
      );
      openssl(
        ["req", ...NEW_EC_KEY, "-keyout", `${base}.key`, "-out", `${base}.csr`, "-subj", "/"],
        dir,
      );
      openssl(
        [
          "x509",
          "-req",
          "-in",
          `${base}.csr`,
          "-CA",
          "ca.crt",
          "-CAkey",
          "ca.key",
          "-set_serial",
          String(serial + 1000),
          "-days",
          "1",
          "-extfile",
          `${base}.ext`,
          "-out",
          `${base}.crt`,
        ],
        dir,
      );
      return {
        cert: readFileSync(join(dir, `${base}.crt`), "utf8"),
        key: readFileSync(join(dir, `${base}.key`), "utf8"),
      };
    },
    writeMount(target, leaf) {
      writeFileSync(join(target, "tls.crt"), leaf.cert, { mode: 0o644 });
      writeFileSync(join(target, "tls.key"), leaf.key, { mode: 0o644 });
      writeFileSync(join(target, "ca.crt"), cert, { mode: 0o644 });
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One HTTPS request to a loopback server, verified with `ca` by `servername`,
 * presenting `client` when given. Rejects when the handshake fails.
 */
export function httpsRequest(options: {
  port: number;
  path: string;
  ca: string;
  servername: string;
  client?: TestLeaf;
  method?: string;
  body?: unknown;
}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: options.port,
        path: options.path,
        method: options.method ?? "GET",
        ca: options.ca,
        servername: options.servername,
        ...(options.client ? { cert: options.client.cert, key: options.client.key } : {}),
        headers: options.body ? { "content-type": "application/json" } : {},
        timeout: 2_000,
      },
      (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end(options.body ? JSON.stringify(options.body) : undefined);
  });
}
