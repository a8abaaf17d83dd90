import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { ValuesError, valuesError } from "@materialize-monitoring/core";
import { parse as parseYaml, type Tags } from "yaml";

import { deepMerge, isTree, type Tree } from "./merge.js";

/**
 * Values files and `--set` values share one YAML dialect: YAML 1.1 scalars as
 * Helm reads values files (`yes`/`no`/`on`/`off` are booleans, `0755` is
 * octal), without the 1.1 types a values tree cannot hold (timestamps, `1:30`
 * sexagesimal numbers, binary, sets, ordered maps), which stay strings.
 */
const VALUES_TAGS = (tags: Tags): Tags =>
  tags.filter((tag) => {
    const t = tag as { tag: string; format?: string };
    if (t.format === "TIME") return false;
    return !/:(timestamp|binary|omap|pairs|set)$/.test(t.tag);
  });

/** The largest values file, `--set-file` file or standard input read (bytes). */
export const MAX_VALUES_BYTES = 4 * 1024 * 1024;
/** Helm's own limit for a list index in `--set`. */
export const MAX_LIST_INDEX = 65_536;
/** Keys that would reach an object's prototype in JavaScript; no value uses them. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Reads a file (or `-`, standard input) up to MAX_VALUES_BYTES; never reads an endless device to the end. */
export function readBounded(path: string, what: string): string {
  let fd: number;
  try {
    fd = path === "-" ? 0 : openSync(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "file not found" : code === "EACCES" ? "permission denied" : String(code);
    throw valuesError(path, reason, `check the ${what} path`);
  }
  try {
    if (path !== "-" && fstatSync(fd).isDirectory())
      throw valuesError(path, "is a directory", `${what} takes a file`);
    const chunks: Buffer[] = [];
    let total = 0;
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") continue;
        if (code === "EOF") break;
        throw valuesError(path, `cannot be read (${code})`, `check the ${what} path`);
      }
      if (n === 0) break;
      total += n;
      if (total > MAX_VALUES_BYTES)
        throw valuesError(
          path,
          `is larger than ${MAX_VALUES_BYTES / 1024 / 1024} MiB`,
          "values are configuration, not data: check the path",
        );
      chunks.push(Buffer.from(buffer.subarray(0, n)));
    }
    const bytes = Buffer.concat(chunks);
    const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
    if (text.includes("\u0000"))
      throw valuesError(path, "holds NUL bytes: not a text file", `check the ${what} path`);
    return text;
  } finally {
    if (path !== "-") closeSync(fd);
  }
}

/** Refuses keys that JavaScript treats as the prototype, anywhere in a tree. */
export function checkKeys(value: unknown, path: string): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      checkKeys(item, `${path}[${i}]`);
    });
    return;
  }
  if (!isTree(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key))
      throw valuesError(at, `"${key}" is not a values key`, "remove it; no value has this name");
    checkKeys(child, at);
  }
}

/** Parses values YAML (the dialect above). `source` names the file in errors. */
export function parseValuesYaml(text: string, source: string): unknown {
  try {
    return parseYaml(text, { version: "1.1", customTags: VALUES_TAGS, uniqueKeys: true });
  } catch (error) {
    throw valuesError(source, `not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
}

/** Reads a values file (`-` is standard input); YAML or JSON. A file that is not a mapping is a values error. */
export function readValuesFile(path: string): Tree {
  const source = path === "-" ? "(stdin)" : path;
  const parsed = parseValuesYaml(readBounded(path, "-f"), source);
  if (parsed === null || parsed === undefined) return {};
  if (!isTree(parsed)) throw valuesError(source, "a values file must be a YAML mapping");
  checkKeys(parsed, "");
  return parsed;
}

/**
 * A plain YAML scalar typed as in a values file: `true`, `yes`, `3`, `1.5`, `null`; anything else is the text itself.
 * A number JavaScript cannot hold exactly keeps its text instead of a rounded value: an integer beyond 2^53
 * (Helm's `--set` keeps it exact up to 2^63, and as text beyond), `.inf` and `.nan` (text for Helm's `--set`).
 */
export function typedScalar(raw: string): unknown {
  if (raw === "") return "";
  // Only a single plain token is typed; quotes, spaces, `#` and flow characters keep the text as written.
  if (!/^[^\s#"'[\]{},&*!|>%@`]+$/.test(raw)) return raw;
  let value: unknown;
  try {
    value = parseYaml(raw, { version: "1.1", customTags: VALUES_TAGS, intAsBigInt: true });
  } catch {
    return raw;
  }
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : raw;
  if (typeof value === "number") return Number.isFinite(value) ? value : raw;
  return typeof value === "boolean" || value === null ? value : raw;
}

/** The forms of `--set`, as Helm spells them. */
export type SetKind = "set" | "set-string" | "set-file" | "set-json";

/** One `--set*` argument: its kind and text (`a=1,b.c=x`). */
export interface SetArgument {
  kind: SetKind;
  text: string;
}

type Segment = string | number;

interface Assignment {
  path: Segment[];
  /** `undefined` means: delete the key (`null`). */
  value: unknown;
}

/** A cursor over one `--set*` argument, reading Helm's grammar. */
class SetReader {
  private i = 0;
  /** The previous pair, as written: its path and where its value starts (after a comma, a next pair begins). */
  private previous: { path: string; valueStart: number } | undefined;
  constructor(
    private readonly text: string,
    private readonly flag: string,
  ) {}

  get done(): boolean {
    return this.i >= this.text.length;
  }

  private fail(message: string, hint: string): never {
    throw valuesError(`--${this.flag} ${this.text}`, message, hint);
  }

  /**
   * A "pair" without `=` after a comma: most often a comma meant inside the
   * previous value (`--set global.clusterName=47,11`), which Helm's grammar
   * reads as the start of a new key.
   */
  private noEquals(start: number, end: number): never {
    const previous = this.previous;
    const fragment = this.text.slice(start, end);
    if (!previous) {
      return end < this.text.length
        ? this.fail("a key without a value", "write key=value; separate pairs with commas")
        : this.fail("--set needs path=value", "e.g. --set loki.mode=single-binary");
    }
    const value = this.text.slice(previous.valueStart, end);
    const json = `--set-json '${previous.path}=${JSON.stringify(value)}'`;
    const message =
      this.flag === "set-json"
        ? `"${fragment}" has no "=": a comma outside a JSON string starts a new key=value`
        : `"${fragment}" has no "=": to put a comma in a value, escape it (\\,) or use --set-json`;
    const hint =
      this.flag === "set-json"
        ? `write the value as one JSON document, e.g. ${json}`
        : `e.g. --${this.flag} '${previous.path}=${value.replaceAll(",", "\\,")}' or ${json}`;
    throw valuesError(`--${this.flag} "${this.text}"`, message, hint);
  }

  /** `a.b[0].c\.d=`: the path up to `=`; a backslash takes the next character literally. */
  path(): Segment[] {
    const start = this.i;
    const segments: Segment[] = [];
    let current = "";
    let pending = false;
    const push = () => {
      if (!current && !pending)
        this.fail("empty key in the path", "write keys between the dots: a.b.c=value");
      if (FORBIDDEN_KEYS.has(current))
        this.fail(`"${current}" is not a values key`, "no value has this name");
      segments.push(current);
      current = "";
      pending = false;
    };
    while (!this.done) {
      const ch = this.text[this.i] as string;
      if (ch === "\\" && this.i + 1 < this.text.length) {
        current += this.text[this.i + 1];
        pending = true;
        this.i += 2;
        continue;
      }
      if (ch === "=") {
        this.i++;
        if (current || pending) push();
        if (segments.length === 0) this.fail("no key before =", "e.g. loki.mode=single-binary");
        this.previous = { path: this.text.slice(start, this.i - 1), valueStart: this.i };
        return segments;
      }
      if (ch === ",") this.noEquals(start, this.i);
      if (ch === ".") {
        if (current || pending) push();
        else if (typeof segments.at(-1) !== "number" || segments.length === 0)
          this.fail("empty key in the path", "write keys between the dots: a.b.c=value");
        this.i++;
        continue;
      }
      if (ch === "[") {
        if (current || pending) push();
        if (segments.length === 0) this.fail("a list index needs a key", "e.g. list[0]=value");
        const end = this.text.indexOf("]", this.i);
        const digits = end === -1 ? "" : this.text.slice(this.i + 1, end);
        if (!/^\d+$/.test(digits))
          this.fail("a list index is a number in brackets", "e.g. global.imagePullSecrets[0]=x");
        const index = Number(digits);
        if (index > MAX_LIST_INDEX)
          this.fail(`list index ${index} is above ${MAX_LIST_INDEX}`, "lists are filled in order");
        segments.push(index);
        this.i = end + 1;
        continue;
      }
      current += ch;
      this.i++;
    }
    return this.noEquals(start, this.i);
  }

  /** Text up to an unescaped `,` or one of `stops`; backslash escapes. */
  private raw(stops: string): string {
    let out = "";
    while (!this.done) {
      const ch = this.text[this.i] as string;
      if (ch === "\\" && this.i + 1 < this.text.length) {
        out += this.text[this.i + 1];
        this.i += 2;
        continue;
      }
      if (ch === "," || stops.includes(ch)) break;
      out += ch;
      this.i++;
    }
    return out;
  }

  /** After a value: a `,` before the next pair, or the end. */
  separator(): void {
    if (this.done) return;
    if (this.text[this.i] !== ",")
      this.fail(`unexpected "${this.text[this.i]}"`, "separate pairs with commas");
    this.i++;
    if (this.done) this.fail("a trailing comma", "remove it, or add another key=value");
  }

  /** A `--set`/`--set-string` value: a scalar, or `{a,b}` for a list. */
  value(typed: boolean): unknown {
    const type = (s: string) => (typed ? typedScalar(s) : s);
    if (this.text[this.i] === "{") {
      this.i++;
      const items: unknown[] = [];
      if (this.text[this.i] === "}") {
        this.i++;
        return items;
      }
      for (;;) {
        items.push(type(this.raw("}").trim()));
        if (this.done) this.fail("a list without its closing }", "write {a,b,c}");
        if (this.text[this.i] === "}") {
          this.i++;
          return items;
        }
        this.i++; // the comma between items
      }
    }
    return type(this.raw(""));
  }

  /** A `--set-json` value: one JSON document, up to the next top-level comma. */
  json(): unknown {
    const start = this.i;
    let depth = 0;
    let inString = false;
    while (!this.done) {
      const ch = this.text[this.i] as string;
      if (inString) {
        if (ch === "\\") this.i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === "{" || ch === "[") depth++;
      else if (ch === "}" || ch === "]") depth--;
      else if (ch === "," && depth === 0) break;
      this.i++;
    }
    const source = this.text.slice(start, this.i);
    try {
      const value: unknown = JSON.parse(source);
      checkKeys(value, "");
      return value;
    } catch (error) {
      if (error instanceof ValuesError) throw error;
      return this.fail(
        `not valid JSON: ${(error as Error).message}`,
        `quote the argument for the shell: --set-json 'path={"key":"value"}'`,
      );
    }
  }
}

/** Parses one `--set*` argument into assignments, as Helm's grammar reads it. */
export function parseSetArgument(argument: SetArgument | string): Assignment[] {
  const { kind, text } = typeof argument === "string" ? { kind: "set", text: argument } : argument;
  const reader = new SetReader(text, kind);
  const out: Assignment[] = [];
  if (text === "") throw valuesError(`--${kind}`, "an empty argument", "write path=value");
  while (!reader.done) {
    const path = reader.path();
    let value: unknown;
    if (kind === "set-json") value = reader.json();
    else if (kind === "set-file") {
      const file = String(reader.value(false));
      value = readBounded(file, "--set-file");
    } else value = reader.value(kind === "set");
    out.push({ path, value: value === null ? undefined : value });
    reader.separator();
  }
  return out;
}

function showPath(path: readonly Segment[]): string {
  return path.reduce<string>(
    (s, seg) => (typeof seg === "number" ? `${s}[${seg}]` : s ? `${s}.${seg}` : seg),
    "",
  );
}

/** Sets (or, for `undefined`, deletes) one path in a copy of `values`. */
function assign(values: Tree, { path, value }: Assignment): Tree {
  const root: Tree = structuredClone(values);
  let node: Tree | unknown[] = root;
  for (let index = 0; index < path.length; index++) {
    const segment = path[index] as Segment;
    const last = index === path.length - 1;
    if (Array.isArray(node) !== (typeof segment === "number")) {
      throw valuesError(
        showPath(path),
        typeof segment === "number"
          ? `${showPath(path.slice(0, index))} is a map, not a list`
          : `${showPath(path.slice(0, index))} is a list: index it with [n]`,
        "check the --set path",
      );
    }
    if (Array.isArray(node)) {
      const i = segment as number;
      if (i > node.length) {
        throw valuesError(
          showPath(path),
          `index ${i} leaves a gap: the list has ${node.length} item(s)`,
          `set items in order, the next one is [${node.length}]`,
        );
      }
    }
    const container = node as unknown as Record<string | number, unknown>;
    if (last) {
      if (value === undefined) {
        if (Array.isArray(node)) node.splice(segment as number, 1);
        else delete container[segment];
      } else container[segment] = value;
      return root;
    }
    const nextIsIndex = typeof path[index + 1] === "number";
    const existing = container[segment];
    if (existing === undefined || existing === null || typeof existing !== "object") {
      if (value === undefined) return root; // deleting below a missing key: nothing to do
      container[segment] = nextIsIndex ? [] : {};
    }
    node = container[segment] as Tree | unknown[];
  }
  return root;
}

/**
 * Applies one `--set*` argument with Helm's grammar: `a=1,b.c=x` sets two
 * values, `\,` and `\.` escape, `list[0].name=x` indexes lists (in order),
 * `{a,b}` is a list, `null` deletes the key. `--set` types a plain scalar as a
 * values file would (`true`, `yes`, `3`); `--set-string` keeps text;
 * `--set-json` takes JSON; `--set-file` reads the value from a file.
 */
export function applySet(values: Tree, argument: SetArgument | string): Tree {
  let out = values;
  for (const assignment of parseSetArgument(argument)) out = assign(out, assignment);
  return out;
}

/** Removes keys whose value is `null`: in values, `null` means "unset this" (Helm). */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (!isTree(value)) return value;
  const out: Tree = {};
  for (const [key, child] of Object.entries(value)) {
    if (child === null) continue;
    out[key] = dropNulls(child);
  }
  return out;
}

/** Merges a values layer over `base`; a `null` in the layer deletes that key. */
export function mergeValues(base: Tree, layer: Tree): Tree {
  const merged = deepMerge(base, layer) as Tree;
  return dropNulls(merged) as Tree;
}

export interface ValuesSources {
  profiles?: Tree[];
  /** Values files, in order; `-` reads standard input. */
  files?: string[];
  /** `--set*` arguments in command-line order; a plain string is a `--set`. */
  sets?: readonly (SetArgument | string)[];
}

/** Profiles first, then files in order, then every `--set*` in command-line order: later wins. */
export function loadValues(sources: ValuesSources): Tree {
  let merged: Tree = {};
  for (const profile of sources.profiles ?? []) merged = mergeValues(merged, profile);
  const stdin = (sources.files ?? []).filter((f) => f === "-").length;
  if (stdin > 1) throw valuesError("-f -", "standard input can be read once", "pass -f - once");
  for (const file of sources.files ?? []) merged = mergeValues(merged, readValuesFile(file));
  for (const set of sources.sets ?? []) merged = applySet(merged, set);
  return merged;
}
