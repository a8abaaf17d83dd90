import { describe, expect, it } from "vitest";
import { applySet } from "../src/load-values.js";
import { deepMerge } from "../src/merge.js";

describe("values merging", () => {
  it("merges maps deeply and replaces lists", () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] } }, { a: { c: [3], d: 4 } })).toEqual({
      a: { b: 1, c: [3], d: 4 },
    });
  });

  it("parses --set values as YAML scalars and paths with indexes", () => {
    expect(applySet({}, "a.b=3")).toEqual({ a: { b: 3 } });
    expect(applySet({}, "a.b=true")).toEqual({ a: { b: true } });
    expect(applySet({}, 'a.b="3"')).toEqual({ a: { b: "3" } });
    expect(applySet({}, "a.list[1].name=x")).toEqual({ a: { list: [undefined, { name: "x" }] } });
    expect(applySet({}, "labels.app\\.kubernetes\\.io/team=obs")).toEqual({
      labels: { "app.kubernetes.io/team": "obs" },
    });
    expect(() => applySet({}, "novalue")).toThrow(/path=value/);
  });
});
