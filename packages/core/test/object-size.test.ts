import { describe, expect, it } from "vitest";
import {
  assertObjectSizes,
  type KubeObject,
  MAX_CONFIG_DATA_BYTES,
  objectSizeProblems,
  ValuesError,
} from "../src/index.js";

function configMapOf(name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "monitoring" }, data };
}

describe("object sizes the API server accepts", () => {
  it("refuses a ConfigMap over 1 MiB of data, naming it and its largest key", () => {
    const big = configMapOf("loki-rules", { "a.yaml": "x".repeat(2_000_000), "b.yaml": "y" });
    expect(objectSizeProblems([big], () => "loki")).toEqual([
      {
        path: "ConfigMap monitoring/loki-rules",
        message:
          "is 1.9 MiB of data (2000001 bytes), over the 1 MiB (1048576 bytes) the API server accepts in a ConfigMap",
        hint: 'shorten what fills its key "a.yaml" (1.9 MiB) (built from the loki values)',
      },
    ]);
    expect(() => assertObjectSizes([big])).toThrow(ValuesError);
  });

  it("counts bytes, not characters, and exactly 1 MiB is accepted", () => {
    expect(
      objectSizeProblems([configMapOf("a", { k: "x".repeat(MAX_CONFIG_DATA_BYTES) })]),
    ).toEqual([]);
    expect(
      objectSizeProblems([configMapOf("a", { k: "é".repeat(MAX_CONFIG_DATA_BYTES / 2 + 1) })]),
    ).toHaveLength(1);
  });

  it("counts a Secret's data decoded and its stringData merged over it", () => {
    const secret = (data: Record<string, string>, stringData: Record<string, string> = {}) =>
      ({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "s", namespace: "monitoring" },
        data,
        stringData,
      }) as KubeObject;
    // 1 MiB of bytes is 1.33 MiB of base64: accepted.
    const base64 = Buffer.alloc(MAX_CONFIG_DATA_BYTES).toString("base64");
    expect(objectSizeProblems([secret({ k: base64 })])).toEqual([]);
    expect(objectSizeProblems([secret({ k: base64 }, { k: "small" })])).toEqual([]);
    expect(objectSizeProblems([secret({ k: base64 }, { other: "x" })])).toHaveLength(1);
  });

  it("refuses any object over the 1.5 MiB etcd stores, a CRD included", () => {
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "grafanas.grafana.integreatly.org" },
      spec: { versions: [{ schema: { description: "d".repeat(1_700_000) } }] },
    } as unknown as KubeObject;
    const [problem] = objectSizeProblems([crd]);
    expect(problem?.path).toBe("CustomResourceDefinition grafanas.grafana.integreatly.org");
    expect(problem?.message).toMatch(/^is 1\.6 MiB \(\d+ bytes as JSON\), over the 1\.5 MiB/);
    expect(problem?.hint).toBe("shorten what fills spec.versions[0].schema.description (1.6 MiB)");
  });
});
