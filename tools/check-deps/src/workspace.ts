import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Manifest } from "./rules.ts";

export const REPO_ROOT = resolve(import.meta.dirname, "../../..");

/** Every package.json of the workspace (packages/*, tools/*, e2e). */
export function workspaceManifests(root = REPO_ROOT): Manifest[] {
  const dirs: string[] = [];
  for (const group of ["packages", "tools"]) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) dirs.push(join(base, name));
  }
  dirs.push(join(root, "e2e"));
  return dirs
    .map((dir) => join(dir, "package.json"))
    .filter((file) => existsSync(file))
    .map((file) => JSON.parse(readFileSync(file, "utf8")) as Manifest);
}
