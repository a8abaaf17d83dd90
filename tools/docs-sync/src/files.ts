import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { documentDeclarations } from "./dts.js";
import { type Drift, syncSource, type Unresolved } from "./sync.js";

export const REPO_ROOT = resolve(import.meta.dirname, "../../..");

/** Where value schemas live: every package's `src`, without generated code. */
export function sourceFiles(root = REPO_ROOT): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name !== "generated" && name !== "node_modules") walk(path);
      } else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) {
        files.push(path);
      }
    }
  };
  const packages = join(root, "packages");
  for (const pkg of readdirSync(packages).sort()) {
    const src = join(packages, pkg, "src");
    if (existsSync(src)) walk(src);
  }
  return files;
}

export interface RunResult {
  /** Files whose JSDoc differs from the descriptions (rewritten unless `check`). */
  changed: string[];
  drift: Drift[];
  unresolved: Unresolved[];
}

/** Syncs (or, with `check`, only compares) the given files; paths in the result are repo-relative. */
export function run(
  files: readonly string[],
  options: { check: boolean; root?: string },
): RunResult {
  const root = options.root ?? REPO_ROOT;
  const result: RunResult = { changed: [], drift: [], unresolved: [] };
  for (const file of files) {
    const name = relative(root, file);
    const text = readFileSync(file, "utf8");
    const synced = syncSource(name, text);
    result.drift.push(...synced.drift);
    result.unresolved.push(...synced.unresolved);
    if (synced.text === text) continue;
    result.changed.push(name);
    if (!options.check) writeFileSync(file, synced.text);
  }
  return result;
}

/** The runtime modules of a built package: the `import` targets of its package.json exports. */
function entryModules(packageDir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
    exports?: Record<string, unknown>;
    main?: string;
  };
  const targets = new Set<string>();
  for (const entry of Object.values(manifest.exports ?? {})) {
    const target =
      typeof entry === "string" ? entry : (entry as { import?: unknown } | null)?.import;
    if (typeof target === "string" && target.endsWith(".js")) targets.add(target);
  }
  if (targets.size === 0 && manifest.main) targets.add(manifest.main);
  return [...targets].map((t) => join(packageDir, t));
}

function declarationFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".d.ts"))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Writes the descriptions of a built package's schemas into its `dist/*.d.ts` as JSDoc (or,
 * with `check`, only reports the files that lack them).
 */
export async function documentPackage(
  packageDir: string,
  options: { check: boolean },
): Promise<{ files: string[]; documented: number; stale: string[] }> {
  const exports: Record<string, unknown> = {};
  for (const entry of entryModules(packageDir)) {
    Object.assign(exports, await import(pathToFileURL(entry).href));
  }
  const files = declarationFiles(join(packageDir, "dist"));
  let documented = 0;
  const stale: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const result = documentDeclarations(file, text, exports);
    documented += result.documented;
    if (result.text === text) continue;
    stale.push(relative(packageDir, file));
    if (!options.check) writeFileSync(file, result.text);
  }
  return { files, documented, stale };
}
