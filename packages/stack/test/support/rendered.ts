/** Helpers the CLI output tests share: rendering, reading folders back, sorting objects. */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { parseAllDocuments } from "yaml";
import { runCli as run } from "../run-cli.js";

/** Grafana off, an existing one in its place: the values need its address and login. */
export const GRAFANA_OFF = [
  "--set",
  "grafana.enabled=false",
  "--set",
  "grafana.external.url=https://grafana.example.com",
  "--set",
  "grafana.external.adminUser.name=grafana-admin,grafana.external.adminUser.key=user",
  "--set",
  "grafana.external.adminPassword.name=grafana-admin,grafana.external.adminPassword.key=password",
];

export const temp = (name: string) => mkdtempSync(join(tmpdir(), `mzmon-${name}-`));

/**
 * Every file under `dir` (relative path → text), folders implied, sorted by path.
 * With `symlinks`, symbolic links are read through too.
 */
export function snapshot(dir: string, { symlinks = false } = {}): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() && !(symlinks && entry.isSymbolicLink())) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path.slice(dir.length + 1), readFileSync(path, "utf8"));
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

export interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
}

export const identity = (d: Doc) => `${d.kind}/${d.metadata.namespace ?? ""}/${d.metadata.name}`;

/** The objects of a YAML stream, sorted by kind, namespace and name. */
export function objectsOf(text: string): Doc[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Doc | null)
    .filter((d): d is Doc => Boolean(d))
    .sort((a, b) => (identity(a) < identity(b) ? -1 : identity(a) > identity(b) ? 1 : 0));
}

/** The objects `mzmon render` prints to stdout with `args`. */
export async function streamObjects(args: string[]): Promise<Doc[]> {
  const { code, out } = await run(["render", "-q", ...args]);
  expect(code).toBe(0);
  return objectsOf(out);
}
