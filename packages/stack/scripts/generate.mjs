// Writes the files generated from code (values.schema.json, profiles/*.yaml) from the built
// package; `--check` only compares. Run `pnpm --filter materialize-monitoring generate` after a build.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generatedFiles } from "../dist/index.js";

const root = join(import.meta.dirname, "..");
const check = process.argv.includes("--check");
let stale = 0;
for (const [path, text] of Object.entries(generatedFiles())) {
  const file = join(root, path);
  let current;
  try {
    current = readFileSync(file, "utf8");
  } catch {
    current = undefined;
  }
  if (current === text) continue;
  stale++;
  if (check) {
    console.error(`${path} is out of date: run pnpm --filter materialize-monitoring generate`);
  } else {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.error(`wrote ${path}`);
  }
}
process.exit(check && stale > 0 ? 1 : 0);
