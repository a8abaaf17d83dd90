/** Summary statistics of a list of durations (or any numbers). Pure. */

export interface Summary {
  runs: number;
  min: number;
  median: number;
  p95: number;
  max: number;
  mean: number;
}

function sorted(values: readonly number[]): number[] {
  for (const v of values) {
    if (!Number.isFinite(v)) throw new RangeError(`not a finite number: ${String(v)}`);
  }
  return [...values].sort((a, b) => a - b);
}

/**
 * The q-th quantile (0 ≤ q ≤ 1) by linear interpolation between the two
 * closest ranks (Hyndman & Fan type 7, the default of numpy and R): the median
 * of an even count is the mean of the middle two, and p95 of 10 samples lies
 * between the 9th and the 10th.
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError("quantile of no values");
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within [0, 1], got ${q}`);
  const s = sorted(values);
  const position = (s.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = s[lower] as number;
  const high = s[upper] as number;
  return low + (high - low) * (position - lower);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new RangeError("summary of no values");
  const s = sorted(values);
  return {
    runs: s.length,
    min: s[0] as number,
    median: quantile(s, 0.5),
    p95: quantile(s, 0.95),
    max: s[s.length - 1] as number,
    mean: s.reduce((sum, v) => sum + v, 0) / s.length,
  };
}
