#!/usr/bin/env node
// Sums the vitest JSON reports of every project that has a test target and
// prints the run's summary line. A project whose report is missing (its tests
// never ran) and every failed non-test step count as failures.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const failedSteps = Number(process.argv[2] ?? 0);
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];

for (const root of ["packages", "tools"]) {
  if (!existsSync(root)) continue;
  for (const name of readdirSync(root)) projectReport(join(root, name));
}
projectReport("e2e");

function projectReport(dir) {
  const manifest = join(dir, "package.json");
  if (!existsSync(manifest)) return;
  const { scripts = {} } = JSON.parse(readFileSync(manifest, "utf8"));
  if (!scripts.test) return;
  const report = join(dir, "test-results", "vitest.json");
  if (!existsSync(report)) {
    missing.push(dir);
    return;
  }
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed += json.numPassedTests ?? 0;
  failed += json.numFailedTests ?? 0;
  skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  if ((json.numTotalTests ?? 0) === 0) missing.push(`${dir} (no tests)`);
}

for (const dir of missing) console.error(`no test results from ${dir}`);
if (failedSteps > 0) console.error(`${failedSteps} non-test step(s) failed (see above)`);
failed += missing.length + failedSteps;
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
