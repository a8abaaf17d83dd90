import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";

export const PACKAGE_DIR = resolve(import.meta.dirname, "../..");
export const REPO_ROOT = resolve(PACKAGE_DIR, "../..");
/** The shared facts beside the repository (CI lays `shared/` beside the clone). */
export const SHARED_REFERENCE = resolve(REPO_ROOT, "../shared/reference/materialize-metrics.yaml");
/** The copy vendored into the package, so it stays self-contained. */
export const VENDORED_REFERENCE = join(PACKAGE_DIR, "vendor/materialize-metrics.yaml");

export const sharedReferenceExists = existsSync(SHARED_REFERENCE);

export function referenceMetrics(path: string): Map<string, string[]> {
  const entries = parse(readFileSync(path, "utf8")) as { name: string; labels: string[] }[];
  return new Map(entries.map((e) => [e.name, e.labels]));
}
