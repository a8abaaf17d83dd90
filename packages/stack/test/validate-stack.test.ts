import { describe, expect, it } from "vitest";
import { stack } from "../src/stack.js";
import { validateStack } from "../src/validate.js";

describe("validateStack", () => {
  it("finds no problem in the default stack", async () => {
    const problems = await validateStack(stack());
    expect(problems.map((p) => `${p.layer}: ${p.message}`)).toEqual([]);
  });
});
