import { describe, expect, it } from "vitest";
import { applySet } from "../src/load-values.js";
import { deepMerge } from "../src/merge.js";

describe("values merging", () => {
  it("merges maps deeply and replaces lists", () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] } }, { a: { c: [3], d: 4 } })).toEqual({
      a: { b: 1, c: [3], d: 4 },
    });
  });

  it("replaces a map of another type instead of mixing the two kinds", () => {
    const gcs = { objectStorage: { type: "azure", storageAccount: "acct", container: "c" } };
    const s3 = { objectStorage: { type: "s3", bucket: "b", region: "eu-west-1" } };
    expect(deepMerge(gcs, s3)).toEqual(s3);
    expect(deepMerge(s3, { objectStorage: { type: "s3", region: "us-east-1" } })).toEqual({
      objectStorage: { type: "s3", bucket: "b", region: "us-east-1" },
    });
    expect(deepMerge({ auth: { type: "basic", username: "u" } }, { auth: { token: "t" } })).toEqual(
      {
        auth: { type: "basic", username: "u", token: "t" },
      },
    );
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
