import { readFileSync } from "node:fs";
import { ValuesError } from "@materialize-monitoring/core";
import { parse as parseYaml } from "yaml";

import { deepMerge, isTree, type Tree } from "./merge.js";

/** Reads a values file; YAML or JSON. A file that is not a mapping is a values error. */
export function readValuesFile(path: string): Tree {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
    throw new ValuesError([{ path, message: reason, hint: "check the -f path" }]);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { version: "1.1" });
  } catch (error) {
    throw new ValuesError([
      { path, message: `not valid YAML: ${(error as Error).message.split("\n")[0]}` },
    ]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isTree(parsed))
    throw new ValuesError([{ path, message: "a values file must be a YAML mapping" }]);
  return parsed;
}

/** Splits `a.b[0].c` into ["a", "b", 0, "c"]; `\.` escapes a dot inside a key. */
export function splitSetPath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  let current = "";
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    if (ch === "\\" && path[i + 1] === ".") {
      current += ".";
      i++;
    } else if (ch === ".") {
      if (current) segments.push(current);
      current = "";
    } else if (ch === "[") {
      if (current) segments.push(current);
      current = "";
      const end = path.indexOf("]", i);
      const index = Number(path.slice(i + 1, end));
      if (end === -1 || !Number.isInteger(index) || index < 0) {
        throw new ValuesError([
          { path, message: "bad list index in --set path", hint: "use a[0].b" },
        ]);
      }
      segments.push(index);
      i = end;
    } else {
      current += ch;
    }
  }
  if (current) segments.push(current);
  return segments;
}

/** Applies one `--set path=value`; the value is read as YAML (`true`, `3`, `[a, b]`, `"3"`). */
export function applySet(values: Tree, assignment: string): Tree {
  const eq = assignment.indexOf("=");
  if (eq <= 0) {
    throw new ValuesError([
      {
        path: assignment,
        message: "--set needs path=value",
        hint: "e.g. --set loki.mode=single-binary",
      },
    ]);
  }
  const path = splitSetPath(assignment.slice(0, eq));
  const raw = assignment.slice(eq + 1);
  let value: unknown;
  try {
    value = raw === "" ? "" : parseYaml(raw, { version: "1.2" });
  } catch {
    value = raw;
  }
  const root: Tree = structuredClone(values);
  let node: Tree | unknown[] = root;
  path.forEach((segment, index) => {
    const last = index === path.length - 1;
    const container = node as Record<string | number, unknown>;
    if (last) {
      container[segment] = value;
      return;
    }
    const nextIsIndex = typeof path[index + 1] === "number";
    const existing = container[segment];
    if (existing === undefined || existing === null || typeof existing !== "object") {
      container[segment] = nextIsIndex ? [] : {};
    }
    node = container[segment] as Tree | unknown[];
  });
  return root;
}

export interface ValuesSources {
  profiles?: Tree[];
  files?: string[];
  sets?: string[];
}

/** Profiles first, then files in order, then --set: later wins. */
export function loadValues(sources: ValuesSources): Tree {
  let merged: Tree = {};
  for (const profile of sources.profiles ?? []) merged = deepMerge(merged, profile) as Tree;
  for (const file of sources.files ?? []) merged = deepMerge(merged, readValuesFile(file)) as Tree;
  for (const set of sources.sets ?? []) merged = applySet(merged, set);
  return merged;
}
