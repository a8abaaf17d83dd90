import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValuesError } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import {
  applySet,
  loadValues,
  MAX_VALUES_BYTES,
  mergeValues,
  readValuesFile,
  typedScalar,
} from "../src/load-values.js";
import { deepMerge } from "../src/merge.js";
import { stack } from "../src/stack.js";

const dir = mkdtempSync(join(tmpdir(), "mzmon-values-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The first problem of a ValuesError as `path: message (hint)`. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof ValuesError)) throw error;
    const p = error.problems[0];
    return `${p?.path}: ${p?.message}${p?.hint ? ` (${p.hint})` : ""}`;
  }
  throw new Error("expected a values error");
}

describe("values merging", () => {
  it("merges maps deeply and replaces lists", () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] } }, { a: { c: [3], d: 4 } })).toEqual({
      a: { b: 1, c: [3], d: 4 },
    });
  });

  it("replaces a map of another type instead of mixing the two kinds", () => {
    const gcs = {
      objectStorage: { type: "azure", storageAccount: "mzaccount", container: "mz-data" },
    };
    const s3 = { objectStorage: { type: "s3", bucket: "mz-metrics", region: "eu-west-1" } };
    expect(deepMerge(gcs, s3)).toEqual(s3);
    expect(deepMerge(s3, { objectStorage: { type: "s3", region: "us-east-1" } })).toEqual({
      objectStorage: { type: "s3", bucket: "mz-metrics", region: "us-east-1" },
    });
  });

  it("lets a later layer's choice of peer replace the earlier one instead of meeting it", () => {
    const wired = { scraper: { podLabels: { app: "gateway" }, namespace: "monitoring" } };
    expect(deepMerge(wired, { scraper: { namespaceLabels: { team: "obs" } } })).toEqual({
      scraper: { podLabels: { app: "gateway" }, namespaceLabels: { team: "obs" } },
    });
    expect(deepMerge(wired, { scraper: { cidr: "10.0.0.0/8" } })).toEqual({
      scraper: { cidr: "10.0.0.0/8" },
    });
    expect(
      deepMerge(
        { peer: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } },
        { peer: { namespace: "x" } },
      ),
    ).toEqual({ peer: { namespace: "x" } });
    // Keys of the same side stay: namespace over namespace is an ordinary override.
    expect(deepMerge(wired, { scraper: { namespace: "other" } })).toEqual({
      scraper: { podLabels: { app: "gateway" }, namespace: "other" },
    });
  });

  it("null in a later layer unsets what an earlier layer (a profile) set", () => {
    const profile = { loki: { mode: "single-binary", size: "small" } };
    expect(mergeValues(profile, { loki: { mode: null } })).toEqual({ loki: { size: "small" } });
    const path = file("unset.yaml", "loki:\n  mode: null\n");
    expect(loadValues({ profiles: [profile], files: [path] })).toEqual({ loki: { size: "small" } });
    expect(loadValues({ profiles: [profile], sets: ["loki.mode=null"] })).toEqual({
      loki: { size: "small" },
    });
    // A null where nothing was set leaves nothing behind either.
    expect(loadValues({ files: [file("n.yaml", "grafana: ~\n")] })).toEqual({});
  });
});

describe("--set, with Helm's grammar", () => {
  it("name=value, and outer.inner=value", () => {
    expect(applySet({}, "name=value")).toEqual({ name: "value" });
    expect(applySet({}, "outer.inner=value")).toEqual({ outer: { inner: "value" } });
  });

  it("a=b,c=d sets two values; a\\,b keeps the comma (the bug this issue reported)", () => {
    expect(applySet({}, "global.commonLabels.team=data,global.clusterName=prod")).toEqual({
      global: { commonLabels: { team: "data" }, clusterName: "prod" },
    });
    expect(applySet({}, "name=value1\\,value2")).toEqual({ name: "value1,value2" });
  });

  it("{a,b,c} is a list, {} an empty one; list[0].key indexes, in order", () => {
    expect(applySet({}, "name={a, b, c}")).toEqual({ name: ["a", "b", "c"] });
    expect(applySet({}, "name={}")).toEqual({ name: [] });
    expect(applySet({}, "servers[0].port=80,servers[0].host=a,servers[1].port=81")).toEqual({
      servers: [{ port: 80, host: "a" }, { port: 81 }],
    });
    expect(refusal(() => applySet({}, "servers[2].port=80"))).toBe(
      "servers[2].port: index 2 leaves a gap: the list has 0 item(s) (set items in order, the next one is [0])",
    );
  });

  it("a\\.b escapes a dot inside a key", () => {
    expect(applySet({}, "nodeSelector.kubernetes\\.io/role=master")).toEqual({
      nodeSelector: { "kubernetes.io/role": "master" },
    });
  });

  it("null deletes a key, also inside a list", () => {
    expect(applySet({ a: { b: 1, c: 2 } }, "a.b=null")).toEqual({ a: { c: 2 } });
    expect(applySet({ a: [1, 2] }, "a[0]=null")).toEqual({ a: [2] });
    expect(applySet({}, "a.b.c=null")).toEqual({});
  });

  it("--set-string keeps text; --set types plain scalars as a values file does", () => {
    expect(applySet({}, { kind: "set-string", text: "a=true,b=1234567890,c=null" })).toEqual({
      a: "true",
      b: "1234567890",
      c: "null",
    });
    expect(applySet({}, "a=true,b=3,c=1.5,d=yes,e=off,f=")).toEqual({
      a: true,
      b: 3,
      c: 1.5,
      d: true,
      e: false,
      f: "",
    });
    // Quotes, spaces and comments are text as written, never YAML to interpret.
    expect(applySet({}, 'a="3",b=x # y,c=[1]')).toEqual({ a: '"3"', b: "x # y", c: "[1]" });
    // A timestamp or 1:30 stays text (YAML 1.1 would turn them into a date and 90).
    expect(applySet({}, "a=2024-01-01,b=1:30")).toEqual({ a: "2024-01-01", b: "1:30" });
  });

  it("--set keeps the text of a number JavaScript cannot hold exactly, never a rounded one", () => {
    expect(
      applySet({}, "a=9007199254740991,b=9007199254740993,c=12345678901234567890,d=.inf,e=.nan"),
    ).toEqual({
      a: 9007199254740991,
      b: "9007199254740993",
      c: "12345678901234567890",
      d: ".inf",
      e: ".nan",
    });
    expect(applySet({}, "a=-9007199254740993,b=0x20000000000001,c=-0")).toEqual({
      a: "-9007199254740993",
      b: "0x20000000000001",
      c: 0,
    });
  });

  it("--set-json takes JSON values, several separated by commas", () => {
    expect(
      applySet({}, { kind: "set-json", text: 'a=[{"name":"x","n":1}],b={"c":"d,e"},f=null' }),
    ).toEqual({ a: [{ name: "x", n: 1 }], b: { c: "d,e" } });
    expect(refusal(() => applySet({}, { kind: "set-json", text: "a={x}" }))).toMatch(
      /^--set-json a=\{x\}: not valid JSON/,
    );
  });

  it("--set-file reads the value from a file, text unchanged", () => {
    const path = file("rules.txt", 'line one\nline "two", with a comma\n');
    expect(applySet({}, { kind: "set-file", text: `a.b=${path}` })).toEqual({
      a: { b: 'line one\nline "two", with a comma\n' },
    });
    expect(refusal(() => applySet({}, { kind: "set-file", text: "a=/nonexistent/x" }))).toBe(
      "/nonexistent/x: file not found (check the --set-file path)",
    );
  });

  it("refuses malformed arguments, naming the argument and the fix", () => {
    expect(refusal(() => applySet({}, "novalue"))).toMatch(
      /^--set novalue: --set needs path=value/,
    );
    expect(refusal(() => applySet({}, "a=1,"))).toMatch(/a trailing comma/);
    expect(refusal(() => applySet({}, "a..b=1"))).toMatch(/empty key in the path/);
    expect(refusal(() => applySet({}, "=1"))).toMatch(/no key before =/);
    expect(refusal(() => applySet({}, "a[x]=1"))).toMatch(/a list index is a number/);
    expect(refusal(() => applySet({}, "a={x,y"))).toMatch(/closing \}/);
  });

  it("a huge list index is refused at once instead of allocating", () => {
    const started = process.hrtime.bigint();
    expect(refusal(() => applySet({}, "global.imagePullSecrets[99999999]=x"))).toMatch(
      /list index 99999999 is above 65536/,
    );
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1000);
  });

  it("never reaches the object prototype", () => {
    for (const key of ["__proto__.x=1", "a.__proto__.x=1", "constructor.prototype.x=1"]) {
      expect(refusal(() => applySet({}, key))).toMatch(/is not a values key/);
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    const path = file("proto.yaml", "__proto__:\n  polluted: true\n");
    expect(refusal(() => readValuesFile(path))).toBe(
      '__proto__: "__proto__" is not a values key (remove it; no value has this name)',
    );
    expect(
      refusal(() => applySet({}, { kind: "set-json", text: 'a={"__proto__":{"x":1}}' })),
    ).toMatch(/is not a values key/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("one YAML dialect for files and --set", () => {
  const cases: [string, unknown][] = [
    ["true", true],
    ["yes", true],
    ["Off", false],
    ["3", 3],
    ["0x1F", 31],
    ["1.5", 1.5],
    ["prod", "prod"],
    ["2024-01-01", "2024-01-01"],
    ["1:30", "1:30"],
  ];
  it.each(cases)("%s means the same in a file and through --set", (text, expected) => {
    const fromFile = readValuesFile(file("scalar.yaml", `a: ${text}\n`)).a;
    const fromSet = applySet({}, `a=${text}`).a;
    expect(fromFile).toEqual(expected);
    expect(fromSet).toEqual(expected);
    expect(typedScalar(text)).toEqual(expected);
  });

  it("a whole stack from --set equals the same values from a file", () => {
    const values = file(
      "stack.yaml",
      "global:\n  clusterName: prod\n  commonLabels:\n    team: data\nloki:\n  mode: single-binary\nthanos:\n  mode: dev\n",
    );
    const fromFile = stack(loadValues({ files: [values] }));
    const fromSet = stack(
      loadValues({
        sets: [
          "global.clusterName=prod,global.commonLabels.team=data",
          "loki.mode=single-binary,thanos.mode=dev",
        ],
      }),
    );
    expect(fromSet.objects).toEqual(fromFile.objects);
  });
});

describe("values files", () => {
  it("refuse duplicate keys, non-mappings, directories and oversized input", () => {
    expect(refusal(() => readValuesFile(file("dup.yaml", "a: 1\na: 2\n")))).toMatch(
      /not valid YAML: Map keys must be unique/,
    );
    expect(refusal(() => readValuesFile(file("list.yaml", "- a\n")))).toMatch(
      /a values file must be a YAML mapping/,
    );
    expect(refusal(() => readValuesFile(dir))).toMatch(/is a directory/);
    const big = file("big.yaml", `a: "${"x".repeat(MAX_VALUES_BYTES)}"\n`);
    expect(refusal(() => readValuesFile(big))).toMatch(/is larger than 4 MiB/);
  });

  it("an endless device is refused after the limit, not read to the end", () => {
    expect(refusal(() => readValuesFile("/dev/zero"))).toMatch(/larger than 4 MiB|NUL bytes/);
  });

  it("standard input can be read once", () => {
    expect(refusal(() => loadValues({ files: ["-", "-"] }))).toMatch(
      /standard input can be read once/,
    );
  });
});
