/**
 * Install footprint of each publishable package: its tarball (packed and
 * unpacked size, file count) and what a fresh `npm install` of it pulls.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { findBinary, run, tail } from "./exec.js";
import { summarizeTarball } from "./tarball.js";
import { type WorkspacePackage, workspaceClosure } from "./workspace.js";

/** A package directory found under node_modules. */
export interface InstalledPackage {
  /** Path relative to the install root, e.g. `node_modules/a/node_modules/b`. */
  path: string;
  name: string;
  version: string;
}

function readManifest(dir: string): { name?: string; version?: string } | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      name?: string;
      version?: string;
    };
  } catch {
    return undefined;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Every installed package under `root`/node_modules: each directory
 * `node_modules/<name>` or `node_modules/@scope/<name>` with a package.json,
 * and recursively the same inside its own node_modules. A package nested at
 * two paths counts twice (once per path); package.json files inside a
 * package's own folders (e.g. `dist/esm/package.json`) are not packages;
 * `.bin` and other dot entries are skipped.
 */
export function installedPackages(root: string): InstalledPackage[] {
  const found: InstalledPackage[] = [];
  const walk = (nodeModules: string): void => {
    if (!isDirectory(nodeModules)) return;
    const candidates: string[] = [];
    for (const entry of readdirSync(nodeModules).sort()) {
      if (entry.startsWith(".")) continue;
      const path = join(nodeModules, entry);
      if (entry.startsWith("@")) {
        if (!isDirectory(path)) continue;
        for (const scoped of readdirSync(path).sort()) candidates.push(join(path, scoped));
      } else {
        candidates.push(path);
      }
    }
    for (const dir of candidates) {
      if (!isDirectory(dir)) continue;
      const manifest = readManifest(dir);
      if (!manifest) continue;
      found.push({
        path: relative(root, dir),
        name: manifest.name ?? relative(nodeModules, dir),
        version: manifest.version ?? "",
      });
      // A symlinked package (a workspace link) is not walked into: its files live elsewhere.
      if (!lstatSync(dir).isSymbolicLink()) walk(join(dir, "node_modules"));
    }
  };
  walk(join(root, "node_modules"));
  return found;
}

/** Total size of the regular files under `dir`, in bytes (symlinks not followed). */
export function directoryBytes(dir: string): number {
  let total = 0;
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) total += lstatSync(path).size;
    }
  };
  if (existsSync(dir)) walk(dir);
  return total;
}

export interface PackResult {
  name: string;
  version: string;
  tarball: string;
  packedBytes: number;
  unpackedBytes: number;
  files: number;
}

/** `pnpm pack` of one package into `destination` (pnpm rewrites `workspace:*` to versions). */
export async function packPackage(
  pkg: WorkspacePackage,
  destination: string,
  pnpm: string,
): Promise<PackResult> {
  if (!existsSync(join(pkg.dir, "dist"))) {
    throw new Error(`${pkg.relativeDir}/dist is missing: run \`npx tsup\` in ${pkg.relativeDir}`);
  }
  const result = await run(pnpm, ["pack", "--json", "--pack-destination", destination], {
    cwd: pkg.dir,
    timeoutMs: 120_000,
  });
  if (result.code !== 0) {
    throw new Error(
      `pnpm pack failed in ${pkg.relativeDir}: ${tail(result.stderr || result.stdout)}`,
    );
  }
  const start = result.stdout.indexOf("{");
  const parsed = JSON.parse(result.stdout.slice(start)) as { filename?: string };
  if (!parsed.filename) throw new Error(`pnpm pack printed no filename for ${pkg.name}`);
  const summary = summarizeTarball(readFileSync(parsed.filename));
  return {
    name: pkg.name,
    version: pkg.version,
    tarball: parsed.filename,
    packedBytes: summary.packedBytes,
    unpackedBytes: summary.unpackedBytes,
    files: summary.files,
  };
}

export interface InstallResult {
  /** Installed packages, counted once per path (the package itself and its workspace dependencies included). */
  packages: number;
  /** Of those, how many are not workspace packages. */
  thirdParty: number;
  /** Distinct name@version among them. */
  distinct: number;
  /** Size on disk of node_modules (regular files). */
  installedBytes: number;
  /** Packages npm recorded in package-lock.json (a cross-check of `packages`). */
  lockfilePackages?: number;
  ms: number;
}

/** Entries of a package-lock.json (v2/v3) that are installed packages (`node_modules/...` keys). */
export function lockfilePackageCount(lockfile: string): number {
  const parsed = JSON.parse(lockfile) as { packages?: Record<string, unknown> };
  return Object.keys(parsed.packages ?? {}).filter((key) => /(^|\/)node_modules\//.test(key))
    .length;
}

/** The shared npm cache, so repeated runs reuse downloads. */
export const DEFAULT_NPM_CACHE = join(tmpdir(), "materialize-monitoring-bench-npm-cache");

/**
 * Installs the tarballs together into a fresh directory with npm, as a user
 * would install the published packages, and counts what arrived.
 */
export async function installTarballs(
  tarballs: readonly string[],
  workspaceNames: ReadonlySet<string>,
  options: { npm: string; cacheDir: string },
): Promise<InstallResult> {
  const dir = mkdtempSync(join(tmpdir(), "mzmon-bench-install-"));
  try {
    // A package.json of its own keeps npm from adopting a parent directory as the project.
    writeFileSync(
      join(dir, "package.json"),
      `${JSON.stringify({ name: "bench-install", version: "0.0.0", private: true })}\n`,
    );
    mkdirSync(options.cacheDir, { recursive: true });
    const result = await run(
      options.npm,
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        "--prefer-offline",
        "--no-update-notifier",
        "--loglevel=error",
        "--cache",
        options.cacheDir,
        ...tarballs,
      ],
      { cwd: dir, timeoutMs: 600_000 },
    );
    if (result.code !== 0) {
      throw new Error(`npm install failed (exit ${result.code}): ${tail(result.stderr, 4)}`);
    }
    const installed = installedPackages(dir);
    const lockfile = join(dir, "package-lock.json");
    return {
      packages: installed.length,
      thirdParty: installed.filter((p) => !workspaceNames.has(p.name)).length,
      distinct: new Set(installed.map((p) => `${p.name}@${p.version}`)).size,
      installedBytes: directoryBytes(join(dir, "node_modules")),
      ...(existsSync(lockfile)
        ? { lockfilePackages: lockfilePackageCount(readFileSync(lockfile, "utf8")) }
        : {}),
      ms: result.ms,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface FootprintRow {
  name: string;
  version: string;
  /** Workspace packages installed with it (their tarballs go into the same npm install). */
  workspaceDependencies: string[];
  pack?: Omit<PackResult, "tarball">;
  install?: InstallResult;
  /** Why packing or installing was skipped or failed. */
  skipped?: string;
}

export interface FootprintOptions {
  skipInstall: boolean;
  cacheDir: string;
  log: (message: string) => void;
}

/** Packs every publishable package once, then installs each with its workspace dependencies. */
export async function measureFootprint(
  all: readonly WorkspacePackage[],
  targets: readonly WorkspacePackage[],
  options: FootprintOptions,
): Promise<FootprintRow[]> {
  const pnpm = findBinary("pnpm");
  const npm = findBinary("npm");
  const rows: FootprintRow[] = targets.map((pkg) => ({
    name: pkg.name,
    version: pkg.version,
    workspaceDependencies: workspaceClosure(pkg.name, all),
  }));
  if (!pnpm) {
    for (const row of rows)
      row.skipped = "pnpm not found on PATH (needed to pack workspace:* ranges)";
    return rows;
  }
  const packDir = mkdtempSync(join(tmpdir(), "mzmon-bench-pack-"));
  try {
    const packs = new Map<string, PackResult | Error>();
    const needed = new Set(rows.flatMap((row) => [row.name, ...row.workspaceDependencies]));
    for (const pkg of all.filter((p) => needed.has(p.name))) {
      options.log(`packing ${pkg.name}`);
      try {
        packs.set(pkg.name, await packPackage(pkg, packDir, pnpm));
      } catch (error) {
        packs.set(pkg.name, error instanceof Error ? error : new Error(String(error)));
      }
    }
    const workspaceNames = new Set(all.map((p) => p.name));
    for (const row of rows) {
      const own = packs.get(row.name);
      if (!own || own instanceof Error) {
        row.skipped = own?.message ?? "not packed";
        continue;
      }
      const { tarball: _tarball, ...pack } = own;
      row.pack = pack;
      if (options.skipInstall) {
        row.skipped = "install skipped (--skip-install)";
        continue;
      }
      if (!npm) {
        row.skipped = "npm not found on PATH";
        continue;
      }
      const depPacks = row.workspaceDependencies.map((name) => packs.get(name));
      const failed = depPacks.find((p) => !p || p instanceof Error);
      if (failed !== undefined || depPacks.some((p) => p === undefined)) {
        row.skipped = `a workspace dependency could not be packed: ${failed instanceof Error ? failed.message : "not packed"}`;
        continue;
      }
      const tarballs = [own, ...(depPacks as PackResult[])].map((p) => p.tarball);
      options.log(`installing ${row.name} (${tarballs.length} tarball(s))`);
      try {
        row.install = await installTarballs(tarballs, workspaceNames, {
          npm,
          cacheDir: options.cacheDir,
        });
      } catch (error) {
        row.skipped = error instanceof Error ? error.message : String(error);
      }
    }
    return rows;
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
}
