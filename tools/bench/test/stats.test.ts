import { describe, expect, it } from "vitest";
import { median, quantile, summarize } from "../src/stats.js";

describe("statistics", () => {
  it("median of an odd count is the middle value, of an even count the mean of the middle two", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it("quantiles interpolate linearly between the closest ranks (type 7)", () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(quantile(ten, 0)).toBe(1);
    expect(quantile(ten, 1)).toBe(10);
    // position (10 - 1) * 0.95 = 8.55: between the 9th (9) and the 10th (10)
    expect(quantile(ten, 0.95)).toBeCloseTo(9.55, 10);
    expect(quantile([10, 20], 0.95)).toBeCloseTo(19.5, 10);
    expect(quantile([3], 0.95)).toBe(3);
  });

  it("does not depend on the input order and does not reorder the input", () => {
    const input = [9, 1, 8, 2, 7];
    expect(quantile(input, 0.95)).toBe(quantile([1, 2, 7, 8, 9], 0.95));
    expect(input).toEqual([9, 1, 8, 2, 7]);
  });

  it("summarizes runs, min, median, p95, max and mean", () => {
    const summary = summarize([4, 2, 6, 8]);
    expect(summary).toEqual({
      runs: 4,
      min: 2,
      median: 5,
      p95: expect.any(Number),
      max: 8,
      mean: 5,
    });
    // position (4 - 1) * 0.95 = 2.85: 6 + (8 - 6) * 0.85
    expect(summary.p95).toBeCloseTo(7.7, 10);
  });

  it("rejects no values, non-finite values and quantiles outside [0, 1]", () => {
    expect(() => summarize([])).toThrow("summary of no values");
    expect(() => median([])).toThrow("quantile of no values");
    expect(() => median([1, Number.NaN])).toThrow("not a finite number: NaN");
    expect(() => quantile([1], 1.5)).toThrow("quantile must be within [0, 1], got 1.5");
  });
});
