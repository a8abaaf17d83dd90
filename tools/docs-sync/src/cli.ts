// Usage: docs-sync [--check] [files...]
//        docs-sync dts [--check] [packageDir]
// The first form copies each zod shape key's `.describe()` text into the JSDoc above it, in every
// package's src (or the files given), then lets biome lay out the files it changed, until nothing
// moves. The second writes the same descriptions into a built package's dist/*.d.ts, which
// declaration emit leaves without them (run after the build; packageDir defaults to the cwd).
// `--check` changes nothing and exits 1 when a JSDoc is out of sync.
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { documentPackage, REPO_ROOT, type RunResult, run, sourceFiles } from "./files.js";

const args = process.argv.slice(2);
const check = args.includes("--check");
const given = args.filter((a) => !a.startsWith("--"));

if (given[0] === "dts") {
  const dir = resolve(given[1] ?? ".");
  const result = await documentPackage(dir, { check });
  if (check && result.stale.length > 0) {
    console.error(`${result.stale.join(", ")}: JSDoc missing; run docs-sync dts after the build`);
    process.exit(1);
  }
  process.exit(0);
}
const files = given.length > 0 ? given.map((f) => resolve(f)) : sourceFiles();

function format(changed: readonly string[]): void {
  const biome = join(REPO_ROOT, "node_modules", ".bin", "biome");
  const result = spawnSync(biome, ["format", "--write", ...changed], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (result.status !== 0) {
    console.error("biome format failed on the synced files");
    process.exit(1);
  }
}

function report(result: RunResult): void {
  for (const u of result.unresolved) {
    console.error(`${u.file}:${u.line} ${u.key}: .describe() argument is not a static string`);
  }
  for (const d of result.drift) {
    const what = d.action === "insert" ? "missing JSDoc" : "JSDoc differs from .describe()";
    console.error(`${d.file}:${d.line} ${d.key}: ${what}`);
  }
}

if (check) {
  const result = run(files, { check: true });
  report(result);
  if (result.changed.length > 0) {
    console.error(
      `${result.drift.length} JSDoc comment(s) out of sync in ${result.changed.length} file(s): run pnpm docs:sync`,
    );
    process.exit(1);
  }
  console.error(`JSDoc in sync with .describe() in ${files.length} file(s)`);
  process.exit(result.unresolved.length > 0 ? 1 : 0);
}

// A key moved to its own line is laid out by the formatter, which can change the indentation a
// comment was wrapped for; a second pass settles it.
const touched = new Set<string>();
let updated = 0;
let last: RunResult | undefined;
let unresolved: RunResult["unresolved"] = [];
for (let pass = 0; pass < 4; pass++) {
  last = run(pass === 0 ? files : [...touched].map((f) => join(REPO_ROOT, f)), { check: false });
  if (pass === 0) unresolved = last.unresolved;
  if (last.changed.length === 0) break;
  updated += last.drift.length;
  for (const f of last.changed) touched.add(f);
  format(last.changed.map((f) => join(REPO_ROOT, f)));
}
if (last && last.changed.length > 0) {
  report(last);
  console.error("JSDoc did not settle after 4 passes");
  process.exit(1);
}
for (const u of unresolved) {
  console.error(`${u.file}:${u.line} ${u.key}: .describe() argument is not a static string`);
}
console.error(
  touched.size > 0
    ? `updated ${updated} JSDoc comment(s) in ${touched.size} file(s)`
    : "JSDoc already in sync",
);
process.exit(unresolved.length > 0 ? 1 : 0);
