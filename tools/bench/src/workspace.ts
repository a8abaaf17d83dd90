/** The workspace's packages, read from their package.json files. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export interface WorkspacePackage {
  name: string;
  version: string;
  private: boolean;
  /** Absolute directory of the package. */
  dir: string;
  /** Directory relative to the repository root, e.g. `packages/core`. */
  relativeDir: string;
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
}

/** The nearest directory at or above `start` holding pnpm-workspace.yaml. */
export function findRepoRoot(start: string = import.meta.dirname): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml at or above ${start}`);
    dir = parent;
  }
}

interface RawManifest {
  name?: string;
  version?: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** Every package directly under `packages/` (the published side of the workspace). */
export function workspacePackages(root: string): WorkspacePackage[] {
  const base = join(root, "packages");
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(base, entry.name, "package.json")))
    .map((entry) => {
      const dir = join(base, entry.name);
      const raw = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as RawManifest;
      return {
        name: raw.name ?? entry.name,
        version: raw.version ?? "0.0.0",
        private: raw.private === true,
        dir,
        relativeDir: `packages/${entry.name}`,
        dependencies: raw.dependencies ?? {},
        optionalDependencies: raw.optionalDependencies ?? {},
        peerDependencies: raw.peerDependencies ?? {},
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Packages whose package.json is not private: the ones npm users install. */
export function publishable(packages: readonly WorkspacePackage[]): WorkspacePackage[] {
  return packages.filter((p) => !p.private);
}

type DependencyFields = Pick<
  WorkspacePackage,
  "name" | "dependencies" | "optionalDependencies" | "peerDependencies"
>;

/**
 * The workspace packages `name` needs at install time, transitively, without
 * itself, sorted: every runtime, optional or peer dependency that is a
 * workspace package (by name or by the `workspace:` protocol).
 */
export function workspaceClosure(name: string, packages: readonly DependencyFields[]): string[] {
  const byName = new Map(packages.map((p) => [p.name, p]));
  if (!byName.has(name)) throw new Error(`${name} is not a workspace package`);
  const seen = new Set<string>();
  const visit = (current: string): void => {
    const manifest = byName.get(current);
    if (!manifest) return;
    const deps = {
      ...manifest.dependencies,
      ...manifest.optionalDependencies,
      ...manifest.peerDependencies,
    };
    for (const [dep, range] of Object.entries(deps)) {
      const internal = byName.has(dep);
      if (range.startsWith("workspace:") && !internal) {
        throw new Error(`${current} depends on ${dep} (${range}), which is not in the workspace`);
      }
      if (!internal || seen.has(dep) || dep === name) continue;
      seen.add(dep);
      visit(dep);
    }
  };
  visit(name);
  return [...seen].sort();
}
