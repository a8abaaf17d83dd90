/**
 * Retry policy for API requests: exponential backoff with an optional jitter,
 * a cap per delay and a maximum number of attempts. Time is injected
 * (`sleep`), so tests see a deterministic schedule without waiting.
 */
export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** Delay before the second attempt; doubles each time. */
  baseDelayMs: number;
  /** No single delay is longer than this (Retry-After included). */
  maxDelayMs: number;
  /**
   * Fraction of each delay that is randomised (0 = a fixed schedule). With
   * 0.5 a 400 ms delay becomes 200..400 ms, so many clients retrying at once spread out.
   */
  jitter: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  jitter: 0.5,
};

/** Delay before attempt `attempt + 1` (attempt counts from 1). */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
  retryAfterMs?: number,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exponential * (1 - policy.jitter * random());
  const wanted = retryAfterMs !== undefined ? Math.max(jittered, retryAfterMs) : jittered;
  return Math.round(Math.min(policy.maxDelayMs, wanted));
}

/** The fixed schedule of a policy without jitter, e.g. for docs and tests: [250, 500, 1000, ...]. */
export function backoffSchedule(policy: RetryPolicy): number[] {
  const fixed = { ...policy, jitter: 0 };
  return Array.from({ length: policy.maxAttempts - 1 }, (_, i) => backoffDelay(fixed, i + 1));
}

/** `Retry-After` in seconds (the API server never sends the HTTP-date form). */
export function parseRetryAfter(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Time, injectable: `now()` in milliseconds and `sleep(ms)`. */
export interface Clock {
  now(): number;
  sleep: Sleep;
}

export const realClock: Clock = { now: () => Date.now(), sleep: realSleep };
