import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  closest,
  formatProblems,
  labelsSchema,
  objectStorage,
  parseValues,
  quantityValue,
  resourcesSchema,
  ValuesError,
} from "../src/index.js";

const schema = z.strictObject({
  loki: z
    .strictObject({
      replicas: z.number().int().min(1).default(3),
      retention: z.string().default("720h"),
    })
    .default({ replicas: 3, retention: "720h" }),
  thanos: z.strictObject({ enabled: z.boolean().default(true) }).default({ enabled: true }),
});

function problemsOf(input: unknown): string {
  try {
    parseValues(schema, input);
  } catch (error) {
    if (error instanceof ValuesError) return formatProblems(error.problems);
    throw error;
  }
  return "";
}

describe("value errors", () => {
  it("names an unknown key with the closest valid one", () => {
    expect(problemsOf({ lokki: {} })).toBe('lokki: unknown key (did you mean "loki"?)');
    expect(problemsOf({ loki: { replica: 2 } })).toBe(
      'loki.replica: unknown key (did you mean "replicas"?)',
    );
  });

  it("names the path of a wrong type", () => {
    expect(problemsOf({ loki: { replicas: 0 } })).toMatch(/^loki\.replicas: /);
    expect(problemsOf({ thanos: { enabled: "yes" } })).toMatch(/^thanos\.enabled: .*boolean/);
  });

  it("prefixes paths with the component section", () => {
    try {
      parseValues(schema, { loki: { replicas: -1 } }, ["stack"]);
      expect.unreachable();
    } catch (error) {
      expect((error as ValuesError).problems[0]?.path).toBe("stack.loki.replicas");
    }
  });

  it("refuses a lone UTF-16 surrogate anywhere, keys included, naming the path", () => {
    expect(problemsOf({ loki: { retention: "72\ud800h" } })).toBe(
      "loki.retention: holds an unpaired UTF-16 surrogate (U+D800 at column 3), which no UTF-8 file can carry (remove it or write the whole character)",
    );
    expect(problemsOf({ loki: { ["\udc00"]: 1 } })).toMatch(/^loki\.\udc00: holds an unpaired/);
    // A whole astral character is a surrogate pair, not a lone surrogate.
    expect(problemsOf({ loki: { retention: "\u{1f600}" } })).toBe("");
  });

  it("suggests only close words", () => {
    expect(closest("grafna", ["grafana", "loki"])).toBe("grafana");
    expect(closest("zzzzzz", ["grafana", "loki"])).toBeUndefined();
  });

  it("requires a bucket for object storage and accepts only secret references for keys", () => {
    expect(() =>
      parseValues(objectStorage, { type: "s3", bucket: "", region: "us-east-1" }),
    ).toThrow(/bucket/);
    expect(() =>
      parseValues(objectStorage, {
        type: "s3",
        bucket: "mz-metrics",
        region: "us-east-1",
        credentials: { accessKeyId: "AKIA...", secretAccessKey: "plain" },
      }),
    ).toThrow(ValuesError);
  });
});

describe("resources values", () => {
  it("refuse a request above its limit, naming the path and the fix", () => {
    const schema = z.strictObject({
      resources: resourcesSchema({ requests: { cpu: "1", memory: "1Gi" } }),
    });
    const error = (() => {
      try {
        parseValues(
          schema,
          { resources: { requests: { cpu: "1", memory: "4Gi" }, limits: { memory: "2Gi" } } },
          ["loki", "write"],
        );
      } catch (e) {
        return e as ValuesError;
      }
      throw new Error("expected a ValuesError");
    })();
    expect(error.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "loki.write.resources.requests.memory: the memory request 4Gi is above its limit 2Gi; lower the request or raise limits.memory",
    ]);
    expect(() =>
      parseValues(schema, {
        resources: {
          requests: { cpu: "500m", memory: "2Gi" },
          limits: { cpu: 0.5, memory: "2048Mi" },
        },
      }),
    ).not.toThrow();
  });

  it("read quantities as the API server does", () => {
    expect(quantityValue("500m")).toBe(0.5);
    expect(quantityValue("1Gi")).toBe(2 ** 30);
    expect(quantityValue("1G")).toBe(1e9);
    expect(quantityValue("1.5e3")).toBe(1500);
    expect(quantityValue(2)).toBe(2);
    expect(quantityValue("2 Gi")).toBeNaN();
  });
});

describe("label maps", () => {
  const schema = z.strictObject({ commonLabels: labelsSchema });
  const problems = (labels: Record<string, string>) => {
    try {
      parseValues(schema, { commonLabels: labels }, ["global"]);
      return [];
    } catch (e) {
      return (e as ValuesError).problems.map((p) => `${p.path}: ${p.message}`);
    }
  };

  it("accept what the API server accepts", () => {
    expect(
      problems({
        team: "data",
        "example.com/owner": "a.b_c-d",
        "app.kubernetes.io/name": "",
        x: "1",
      }),
    ).toEqual([]);
  });

  it.each([
    ["a key with a space", { "te am": "x" }],
    ["an empty key", { "": "x" }],
    ["an upper-case prefix", { "Example.com/x": "y" }],
    ["a value with a comma", { team: "data,global.clusterName=prod" }],
    ["a value with a newline", { team: "a\nb" }],
    ["a value of 64 characters", { team: "a".repeat(64) }],
    ["a value ending in a dash", { team: "data-" }],
    ["a value with ${VAR}", { team: "${HOSTNAME}" }],
  ])("refuse %s, naming the key", (_name, labels) => {
    const [first] = problems(labels);
    expect(first).toMatch(/^global\.commonLabels\./);
    expect(first).toMatch(/label (key|value)/);
  });
});
