import { ValuesError } from "@materialize-monitoring/core";
import { stack, valuesJsonSchema } from "materialize-monitoring";
import { describe, expect, it } from "vitest";
import { fuzzBuild } from "../src/fuzz.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

describe("values fuzzing", () => {
  it(`umbrella: ${RUNS} random values render valid objects or name a values path`, async () => {
    const result = await fuzzBuild("stack", valuesJsonSchema(), (values) => stack(values), {
      runs: RUNS,
      skipKinds: ["gateway.networking.k8s.io/v1/HTTPRoute"],
    });
    console.log(
      `fuzz stack: ${result.cases} cases, ${result.rendered} rendered, ${result.refused} refused with a values error`,
    );
    expect(result.failures).toEqual([]);
    expect(result.cases).toBe(RUNS);
    expect(result.rendered + result.refused).toBe(RUNS);
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
