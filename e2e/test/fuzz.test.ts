import { alertmanager, alertmanagerValues } from "@materialize-monitoring/alertmanager";
import { alloyAgent, alloyAgentValues } from "@materialize-monitoring/alloy-agent";
import { alloyGateway, alloyGatewayValues } from "@materialize-monitoring/alloy-gateway";
import type { KubeObject } from "@materialize-monitoring/core";
import { ValuesError } from "@materialize-monitoring/core";
import { exporters, exportersValues } from "@materialize-monitoring/exporters";
import { grafana, grafanaValues } from "@materialize-monitoring/grafana";
import {
  grafanaOperator,
  grafanaOperatorValues,
  vendoredCrds,
} from "@materialize-monitoring/grafana-operator";
import { loki, lokiValues } from "@materialize-monitoring/loki";
import { materialize, materializeValues } from "@materialize-monitoring/materialize";
import { thanos, thanosValues } from "@materialize-monitoring/thanos";
import { PROFILES, stack, valuesJsonSchema } from "materialize-monitoring";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fuzzBuild } from "../src/fuzz.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const SEED = Number(process.env.FUZZ_SEED ?? 42);
const S3 = { type: "s3" as const, bucket: "fuzz-bucket", region: "us-east-1" };

type Build = (values: Record<string, unknown>) => { objects: KubeObject[] };

const COMPONENTS: {
  name: string;
  schema: z.ZodType;
  build: Build;
  bases: Record<string, unknown>[];
}[] = [
  { name: "exporters", schema: exportersValues, build: (v) => exporters(v), bases: [{}] },
  {
    name: "alertmanager",
    schema: alertmanagerValues,
    build: (v) => alertmanager(v),
    bases: [{}, { mode: "small" }],
  },
  {
    name: "loki",
    schema: lokiValues,
    build: (v) => loki(v),
    bases: [{ storage: S3 }, { mode: "single-binary" }, { storage: S3, size: "large" }],
  },
  {
    name: "thanos",
    schema: thanosValues,
    build: (v) => thanos(v),
    bases: [{ objectStorage: S3 }, { mode: "dev" }],
  },
  { name: "grafana", schema: grafanaValues, build: (v) => grafana(v), bases: [{}] },
  {
    name: "grafanaOperator",
    schema: grafanaOperatorValues,
    build: (v) => grafanaOperator(v),
    bases: [{}],
  },
  { name: "materialize", schema: materializeValues, build: (v) => materialize(v), bases: [{}] },
  { name: "alloyAgent", schema: alloyAgentValues, build: (v) => alloyAgent(v), bases: [{}] },
  {
    name: "alloyGateway",
    schema: alloyGatewayValues,
    build: (v) => alloyGateway(v),
    bases: [
      {},
      {
        destinations: {
          loki: { url: "http://loki:3100/loki/api/v1/push" },
          prometheus: { url: "http://thanos-receive:19291/api/v1/receive" },
        },
      },
    ],
  },
];

function jsonSchema(schema: z.ZodType) {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Parameters<
    typeof fuzzBuild
  >[1];
}

// Property runs validate every render against the API schemas (about 0.7 s each on this machine)
// and share the 2 cores with the hostile-input test: the timeout only stops a hang, it is no
// performance target (benchmarks measure those).
describe("values fuzzing: every result is a valid render or a values error naming a path", {
  timeout: 600_000,
}, () => {
  it(`umbrella: ${RUNS} mutated profiles`, async () => {
    const bases = [
      {},
      ...Object.values(PROFILES).map((p) => structuredClone(p.values) as Record<string, unknown>),
    ];
    const result = await fuzzBuild("stack", valuesJsonSchema(), (values) => stack(values), {
      runs: RUNS,
      seed: SEED,
      bases,
      skipKinds: ["gateway.networking.k8s.io/v1/HTTPRoute"],
      crds: vendoredCrds() as never,
    });
    console.log(
      `fuzz stack: ${result.cases} cases, ${result.rendered} rendered, ${result.refused} refused`,
    );
    expect(result.failures).toEqual([]);
    expect(result.cases).toBe(RUNS);
    expect(result.rendered).toBeGreaterThan(0);
    expect(result.refused).toBeGreaterThan(0);
  });

  for (const component of COMPONENTS) {
    it(`${component.name}: ${RUNS} mutated values`, async () => {
      const result = await fuzzBuild(
        component.name,
        jsonSchema(component.schema),
        component.build,
        {
          runs: RUNS,
          seed: SEED,
          bases: component.bases,
          skipKinds: ["gateway.networking.k8s.io/v1/HTTPRoute"],
          crds: vendoredCrds() as never,
        },
      );
      console.log(
        `fuzz ${component.name}: ${result.cases} cases, ${result.rendered} rendered, ${result.refused} refused`,
      );
      expect(result.failures).toEqual([]);
      expect(result.cases).toBe(RUNS);
      expect(result.rendered).toBeGreaterThan(0);
    });
  }

  // Cases the fuzzer found; each used to render invalid objects and is now refused with a values error.
  it.each([
    [
      "alertmanager",
      () => alertmanager({ podDisruptionBudget: { maxUnavailable: 9007199254740991 } }),
    ],
    ["loki", () => loki({ storage: S3, read: { replicas: 9007199254740991 } })],
    ["thanos", () => thanos({ objectStorage: S3, serviceAccount: { name: "" } })],
  ])("regression: %s refuses the value that used to render an invalid object", (_name, build) => {
    expect(build).toThrow(ValuesError);
  });

  it("the harness catches a build that crashes on odd input (planted defect)", async () => {
    const fragile = (values: Record<string, unknown>) => {
      const replicas = values.replicas as number | undefined;
      if (typeof replicas === "number" && replicas < 0) throw new RangeError("negative replicas");
      if (values.name !== undefined && typeof values.name !== "string") {
        throw new ValuesError([{ path: "name", message: "must be a string" }]);
      }
      return { objects: [] };
    };
    const schema = {
      type: "object",
      properties: { replicas: { type: "integer" }, name: { type: "string" } },
    };
    const result = await fuzzBuild("fragile", schema, fragile, { runs: 200 });
    expect(result.failures.some((f) => f.includes("RangeError: negative replicas"))).toBe(true);
    expect(result.refused).toBeGreaterThan(0);
  });
});
