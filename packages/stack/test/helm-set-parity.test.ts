import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValuesError } from "@materialize-monitoring/core";
import { expect, it } from "vitest";
import { parse } from "yaml";
import { loadValues, type SetArgument, type SetKind } from "../src/load-values.js";
import { describeWithK8sTools, type K8sTools, runTool } from "./support/k8s-tools.js";

/**
 * `--set`, `--set-string`, `--set-json` and `--set-file` against the real helm:
 * each case runs `helm template` on a chart whose only template dumps `.Values`
 * as JSON, and compares that with `loadValues` over the same values file and
 * the same arguments.
 *
 * The values file is given to helm with `-f` (the chart's own values.yaml is
 * empty): Helm then applies `--set` onto those values (strvals.ParseInto), as
 * loadValues applies `--set` onto profiles and files. The last block puts the
 * values in the chart's values.yaml instead, where Helm layers `--set` over them.
 *
 * Normalised on both sides, as documented: a map entry whose value is null is
 * dropped (in values, null means "unset this"; Helm keeps `key: null` over a
 * `-f` file and deletes it over chart defaults, we delete it), and JSON integers
 * are read exactly (BigInt where a double cannot hold them). Everything else is
 * compared as it is; where we differ from Helm on purpose the case says what
 * each side gives and why.
 */

const START = "keep: 1\ndel:\n  me: x\n  other: kept\nlist: [a, b]\n";

const dir = mkdtempSync(join(tmpdir(), "mzmon-helm-set-"));

function chart(name: string, values: string): string {
  const root = join(dir, name);
  mkdirSync(join(root, "templates"), { recursive: true });
  writeFileSync(join(root, "Chart.yaml"), `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`);
  writeFileSync(join(root, "values.yaml"), values);
  writeFileSync(
    join(root, "templates", "dump.yaml"),
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dump\ndata:\n  values: {{ .Values | toJson | b64enc | quote }}\n",
  );
  return root;
}

const EMPTY_CHART = chart("empty", "");
const START_CHART = chart("start", START);
const START_FILE = join(dir, "start.yaml");
writeFileSync(START_FILE, START);
const TEXT_FILE = join(dir, "text.txt");
writeFileSync(TEXT_FILE, 'line one, with a comma\nline "two" = {x}\n');

const arg = (kind: SetKind) => (text: string) => ({ kind, text });
const set = arg("set");
const str = arg("set-string");
const json = arg("set-json");
const file = arg("set-file");

/** Null map entries dropped; integers a double holds exactly as numbers. Keys are own properties, `__proto__` too. */
function normal(value: unknown): unknown {
  if (typeof value === "bigint") return BigInt(Number(value)) === value ? Number(value) : value;
  if (Array.isArray(value)) return value.map(normal);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (child === null) continue;
    Object.defineProperty(out, key, { value: normal(child), enumerable: true, writable: true });
  }
  return out;
}

type Outcome = { values: Record<string, unknown> } | { error: string };

function helmValues(
  tools: K8sTools,
  args: readonly SetArgument[],
  layered = false,
  raw = false,
): Outcome {
  const source = layered ? [START_CHART] : [EMPTY_CHART, "-f", START_FILE];
  const flags = args.flatMap((a) => [`--${a.kind}`, a.text]);
  const run = runTool(tools, tools.helm, ["template", "x", ...source, ...flags]);
  if (run.code !== 0) return { error: run.err.trim() };
  const line = run.out.split("\n").find((l) => l.startsWith("  values: "));
  if (!line) throw new Error(`no values in helm's output:\n${run.out}`);
  const text = Buffer.from(JSON.parse(line.slice("  values: ".length)), "base64").toString("utf8");
  // JSON through YAML's JSON schema: integers beyond 2^53 stay exact (BigInt).
  const values = parse(text, { schema: "json", intAsBigInt: true });
  return { values: (raw ? values : normal(values)) as never };
}

function ourValues(args: readonly SetArgument[]): Outcome {
  try {
    return { values: normal(loadValues({ files: [START_FILE], sets: args })) as never };
  } catch (error) {
    if (!(error instanceof ValuesError)) throw error;
    const p = error.problems[0];
    return { error: `${p?.path}: ${p?.message}` };
  }
}

/** Only the named top-level keys of a tree, and the tree without them. */
function split(values: Record<string, unknown>, keys: string[]) {
  const named: Record<string, unknown> = {};
  const rest: Record<string, unknown> = { ...values };
  for (const key of keys) {
    if (key in values) named[key] = values[key];
    delete rest[key];
  }
  return { named, rest };
}

interface Case {
  name: string;
  args: SetArgument[];
  /** We differ from Helm on purpose: the keys that differ as each side gives them (normalised), or Helm's error. */
  differs?: { helm: Record<string, unknown> | RegExp; ours: Record<string, unknown>; why: string };
  /** We refuse the argument on purpose: our message, and what Helm does instead (values, or its error). */
  refused?: { ours: RegExp; helm: Record<string, unknown> | RegExp; why: string };
}

const WITH_START = { keep: 1, del: { me: "x", other: "kept" }, list: ["a", "b"] };

const CASES: Case[] = [
  // Pairs, commas and escapes.
  { name: "name=value", args: [set("name=value")] },
  { name: "a nested key", args: [set("outer.inner=value")] },
  { name: "comma-separated pairs", args: [set("a=1,b=two,c.d=3")] },
  { name: "two keys of one map", args: [set("a.b=c,a.d=e")] },
  { name: "an escaped comma in a value", args: [set("a=x\\,y")] },
  { name: "several escaped commas", args: [set("a=a\\,b\\,c,b=d")] },
  { name: "an escaped dot in a key", args: [set("nodeSelector.kubernetes\\.io/role=master")] },
  { name: "an escaped dot between keys", args: [set("x.y\\.z.w=1")] },
  { name: "an escaped = in a key", args: [set("a\\=b=c")] },
  { name: "= inside a value", args: [set("a=b=c")] },
  { name: "an escaped backslash", args: [set("a=x\\\\y")] },
  { name: "keys with dashes", args: [set("a-b.c-d=x,my-key=1")] },
  { name: "an empty value", args: [set("a=,b.c=")] },
  { name: "spaces in values are kept", args: [set("a=x y,b= x ,c=x # y")] },
  { name: "quotes are text", args: [set(`a="quoted",b='single',c="3"`)] },
  { name: "unicode", args: [set("a=é,b=日本,ключ=значение")] },
  { name: "flow characters in a value", args: [set("a=[1],b=x:y,c=&a,d=*b")] },
  // Lists.
  { name: "a list index", args: [set("a[0]=x")] },
  { name: "indexes in order, the last write wins", args: [set("a[0]=x,a[1]=w,a[0]=z")] },
  { name: "maps in a list", args: [set("s[0].port=80,s[0].host=a,s[1].port=81")] },
  { name: "a list in a list", args: [set("a[0][0]=x,a[0][1]=w,a[1][0]=z")] },
  { name: "lists and maps nested", args: [set("a[0].b[0].c=x")] },
  { name: "an index into a list of the values file", args: [set("list[0]=z")] },
  { name: "appending to a list of the values file", args: [set("list[2]=c")] },
  { name: "a map replacing a list item", args: [set("list[1].x=1")] },
  { name: "a scalar replacing a map", args: [set("del=1")] },
  { name: "{a,b,c}", args: [set("a={x,z},b={one}")] },
  { name: "typed items in {}", args: [set("a={1,true,null,x}")] },
  { name: "{} at a list index", args: [set("a[0]={x,z}")] },
  {
    name: "spaces around {} items",
    args: [set("a={a, b ,c}")],
    differs: {
      helm: { a: ["a", " b ", "c"] },
      ours: { a: ["a", "b", "c"] },
      why: "we trim list items, as Helm's documentation writes {a, b, c}",
    },
  },
  {
    name: "{}",
    args: [set("a={}")],
    differs: { helm: { a: [""] }, ours: { a: [] }, why: "{} is an empty list for us" },
  },
  {
    name: "null at a list index",
    args: [set("list[0]=null")],
    differs: {
      helm: { list: [null, "b"] },
      ours: { list: ["b"] },
      why: "null deletes, also a list item (the next items move up)",
    },
  },
  {
    name: "a gap in a list",
    args: [set("a[1].b=y")],
    refused: {
      ours: /index 1 leaves a gap/,
      helm: { a: [null, { b: "y" }] },
      why: "lists are set in order; Helm fills the gap with null",
    },
  },
  {
    name: "a gap after a list of the values file",
    args: [set("list[3]=z")],
    refused: {
      ours: /index 3 leaves a gap: the list has 2 item/,
      helm: { list: ["a", "b", null, "z"] },
      why: "lists are set in order",
    },
  },
  {
    name: "a list index above Helm's limit",
    args: [set("a[70000]=1")],
    refused: {
      ours: /list index 70000 is above 65536/,
      helm: /index of 70000 is greater than maximum supported index of 65536/,
      why: "the same limit as Helm",
    },
  },
  // Typing of --set.
  { name: "booleans, any case", args: [set("a=true,b=false,c=True,d=FALSE")] },
  { name: "integers", args: [set("a=0,b=42,c=-5,d=+5,e=-0")] },
  { name: "an integer beyond 32 bits", args: [set("a=1234567890123")] },
  { name: "an integer beyond 64 bits stays text", args: [set("a=12345678901234567890")] },
  {
    name: "an integer beyond 2^53",
    args: [set("a=9007199254740993,b=9223372036854775807")],
    differs: {
      helm: { a: 9007199254740993n, b: 9223372036854775807n },
      ours: { a: "9007199254740993", b: "9223372036854775807" },
      why: "a JavaScript number cannot hold it: we keep the text rather than round it",
    },
  },
  { name: "null, any case", args: [set("a=null,b=NULL,c=Null,keep=null")] },
  { name: "null deletes a key of the values file", args: [set("del.me=null")] },
  { name: "null deletes a map of the values file", args: [set("del=null,list=null")] },
  {
    name: "null below a missing key",
    args: [set("a.b.c=null")],
    differs: {
      helm: { a: { b: {} } },
      ours: {},
      why: "deleting below a missing key creates no maps",
    },
  },
  { name: ".inf and NaN stay text", args: [set("a=.inf,b=-.Inf,c=NaN,d=.nan")] },
  { name: "dates and times stay text", args: [set("a=2024-01-01,b=1:30,c=12:30:00")] },
  {
    name: "yes, no, on, off, y, n",
    args: [set("a=yes,b=no,c=on,d=Off,e=y,f=n")],
    differs: {
      helm: { a: "yes", b: "no", c: "on", d: "Off", e: "y", f: "n" },
      ours: { a: true, b: false, c: true, d: false, e: true, f: false },
      why: "--set types a scalar as a values file does (YAML 1.1, as Helm reads values.yaml)",
    },
  },
  {
    name: "floats",
    args: [set("a=1.5,b=1e3,c=.5,d=-2.5e-3")],
    differs: {
      helm: { a: "1.5", b: "1e3", c: ".5", d: "-2.5e-3" },
      ours: { a: 1.5, b: 1000, c: 0.5, d: -0.0025 },
      why: "--set types a scalar as a values file does",
    },
  },
  {
    name: "leading zeros, hex, underscores",
    args: [set("a=007,b=0x1F,c=0755,d=1_000")],
    differs: {
      helm: { a: "007", b: "0x1F", c: "0755", d: "1_000" },
      ours: { a: 7, b: 31, c: 493, d: 1000 },
      why: "--set types a scalar as a values file does (YAML 1.1 octal, hex, underscores)",
    },
  },
  {
    name: "~ and mixed-case booleans",
    args: [set("a=~,b=tRUE,c=x")],
    differs: {
      helm: { a: "~", b: true, c: "x" },
      ours: { b: "tRUE", c: "x" },
      why: "--set types a scalar as a values file does: ~ is null (it deletes), tRUE is no boolean",
    },
  },
  // --set-string.
  { name: "--set-string keeps text", args: [str("a=1,b=true,c=null,d=007,e=1.5,f=yes,g=")] },
  { name: "--set-string lists", args: [str("a={1,2},b[0]=3")] },
  { name: "--set-string escapes", args: [str("a=x\\,y,b\\.c=d")] },
  // --set-json.
  {
    name: "--set-json objects and arrays",
    args: [json('a={"x":[1,2.5,null]},b=[1,{"c":"d,e"}]')],
  },
  { name: "--set-json scalars", args: [json('a="s",b=true,c=1.0,d=1e3,e=-7')] },
  { name: "--set-json at a nested path and an index", args: [json('a.b.c=[1,2],l[0]={"x":1}')] },
  { name: "--set-json repeated key", args: [json("a=[1,2],a=[3]")] },
  { name: "--set-json escaped quotes and commas", args: [json('a={"b":"x\\"y,z"}')] },
  { name: "--set-json replaces a map of the values file", args: [json('del={"other":"z"}')] },
  { name: "--set-json null", args: [json('del=null,a=null,b={"c":null}')] },
  { name: "--set-json integers are doubles", args: [json("a=9007199254740993")] },
  // --set-file.
  { name: "--set-file keeps the text", args: [file(`a.b=${TEXT_FILE}`)] },
  // Repeated keys and several flags.
  { name: "a repeated key: the last wins", args: [set("a=1,a=2")] },
  { name: "several --set, in order", args: [set("a.b=c,a.d=e"), set("a.b=f")] },
  { name: "list items over several --set", args: [set("a[0]=x"), set("a[1]=w"), set("a[0]=z")] },
  { name: "--set then --set-string of another key", args: [set("a=1"), str("b=2")] },
  {
    name: "--set-json after --set, same key",
    args: [set("a=1"), json("a=2")],
    differs: {
      helm: { a: 1 },
      ours: { a: 2 },
      why: "we apply every --set* in command-line order; Helm applies --set-json, then --set, then --set-string, then --set-file",
    },
  },
  {
    name: "--set after --set-string, same key",
    args: [str("b=3"), set("b=4")],
    differs: { helm: { b: "3" }, ours: { b: 4 }, why: "command-line order, as above" },
  },
  // Refused on purpose.
  {
    name: "__proto__",
    args: [set("__proto__.x=1")],
    refused: {
      ours: /"__proto__" is not a values key/,
      helm: { ["__proto__"]: { x: 1 } },
      why: "keys that reach a JavaScript prototype",
    },
  },
  {
    name: "constructor.prototype",
    args: [set("constructor.prototype.x=1")],
    refused: {
      ours: /"constructor" is not a values key/,
      helm: { constructor: { prototype: { x: 1 } } },
      why: "keys that reach a JavaScript prototype",
    },
  },
  {
    name: "__proto__ inside --set-json",
    args: [json('a={"__proto__":{"x":1}}')],
    refused: {
      ours: /"__proto__" is not a values key/,
      helm: { a: { ["__proto__"]: { x: 1 } } },
      why: "keys that reach a JavaScript prototype",
    },
  },
  {
    name: "a trailing comma",
    args: [set("a=1,")],
    refused: { ours: /a trailing comma/, helm: { a: 1 }, why: "most often a value cut short" },
  },
  {
    name: "no key before =",
    args: [set("=1")],
    refused: { ours: /no key before =/, helm: {}, why: "Helm drops it silently" },
  },
  {
    name: "a key without a value",
    args: [set("a=1,b")],
    refused: { ours: /"b" has no "="/, helm: /key "b" has no value/, why: "Helm refuses it too" },
  },
  {
    name: "an empty key",
    args: [set("a..b=1")],
    refused: {
      ours: /empty key in the path/,
      helm: /key map "a" has no value/,
      why: "Helm refuses it too",
    },
  },
  {
    name: "a key below a scalar of the values file",
    args: [set("keep.x=1")],
    differs: {
      helm: /interface conversion: interface \{\} is float64, not map/,
      ours: { keep: { x: 1 } },
      why: "the map replaces the scalar, as Helm does when the scalar is a chart default",
    },
  },
];

/**
 * The values in the chart's values.yaml instead of a `-f` file: Helm layers the
 * `--set` values over these chart defaults (coalescing), where null deletes a
 * key (no `key: null` is left), a map from --set-json merges into the default
 * map and a list replaces the default list. We have one layer: --set applies
 * onto the values merged so far (profiles, then files), as over a `-f` file.
 */
const LAYERED_CASES: Case[] = [
  { name: "null deletes a key of values.yaml", args: [set("del.me=null")] },
  { name: "null deletes a map and a scalar of values.yaml", args: [set("del=null,keep=null")] },
  { name: "new keys beside values.yaml", args: [set("a=1,b.c=x,del.more=y2")] },
  { name: "a map replacing a scalar of values.yaml", args: [set("keep.x=1")] },
  { name: "--set-json null deletes a map of values.yaml", args: [json("del=null")] },
  {
    name: "an index into a list of values.yaml",
    args: [set("list[0]=z")],
    differs: {
      helm: { list: ["z"] },
      ours: { list: ["z", "b"] },
      why: "Helm's --set list replaces the chart's list; ours indexes the list merged so far",
    },
  },
  {
    name: "--set-json of a map of values.yaml",
    args: [json('del={"other":"z"}')],
    differs: {
      helm: { del: { me: "x", other: "z" } },
      ours: { del: { other: "z" } },
      why: "--set-json replaces the value at its path, as over a -f file",
    },
  },
  {
    name: "--set-json null inside a map of values.yaml",
    args: [json('del={"me":null}')],
    differs: {
      helm: { del: { other: "kept" } },
      ours: { del: {} },
      why: "--set-json replaces the value at its path, as over a -f file",
    },
  },
];

function check(tools: K8sTools, c: Case, layered: boolean): void {
  const helm = helmValues(tools, c.args, layered);
  const ours = ourValues(c.args);
  if (c.refused) {
    expect(ours).toMatchObject({ error: expect.stringMatching(c.refused.ours) });
    if (c.refused.helm instanceof RegExp)
      expect(helm).toMatchObject({ error: expect.stringMatching(c.refused.helm) });
    else expect(helm).toEqual({ values: { ...WITH_START, ...c.refused.helm } });
    return;
  }
  if (!("values" in ours)) throw new Error(`we refused ${JSON.stringify(c.args)}: ${ours.error}`);
  const differs = c.differs;
  if (differs?.helm instanceof RegExp) {
    expect(helm).toMatchObject({ error: expect.stringMatching(differs.helm) });
    expect(ours.values).toEqual({ ...WITH_START, ...differs.ours });
    return;
  }
  if (!("values" in helm)) throw new Error(`helm refused ${JSON.stringify(c.args)}: ${helm.error}`);
  if (!differs) {
    expect(ours.values).toEqual(helm.values);
    return;
  }
  const keys = [...new Set([...Object.keys(differs.helm), ...Object.keys(differs.ours)])];
  const h = split(helm.values, keys);
  const o = split(ours.values, keys);
  expect(h.named).toEqual(differs.helm);
  expect(o.named).toEqual(differs.ours);
  expect(o.rest).toEqual(h.rest);
}

describeWithK8sTools("--set* over a -f values file: helm template and loadValues", (tools) => {
  it("covers at least 40 expressions", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => check(tools, c, false));
});

describeWithK8sTools(
  "--set* over the chart's values.yaml: helm template and loadValues",
  (tools) => {
    it.each(LAYERED_CASES.map((c) => [c.name, c] as const))("%s", (_name, c) =>
      check(tools, c, true),
    );

    it("leaves no null behind where values.yaml had the key, as we do", () => {
      const helm = helmValues(tools, [set("del.me=null,keep=null")], true, true);
      expect(helm).toEqual({ values: { del: { other: "kept" }, list: ["a", "b"] } });
    });
  },
);
