/**
 * Checks for literal durations and byte sizes, the two string formats Alloy
 * parses at load time (and that a typo would otherwise only reveal then).
 */
import { valueError } from "./errors.js";
import { quote } from "./strings.js";

// Go's time.ParseDuration: an optionally signed sequence of decimal numbers, each with a unit.
const DURATION = /^(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;

// Byte sizes as Alloy reads them (alecthomas/units): decimal numbers with a byte unit, e.g. 1MiB, 512KB.
const SIZE = /^(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[KMGTPE]i?B|B))+)$/;

/** Whether `text` is a non-negative Go duration such as `30s`, `1m30s`, `1.5h` or `0`. */
export function isDuration(text: string): boolean {
  return DURATION.test(text);
}

/** Whether `text` is a byte size such as `1MiB`, `512KiB`, `4MB` or `0`. */
export function isSize(text: string): boolean {
  return SIZE.test(text);
}

export function checkDuration(path: string, value: unknown): void {
  if (typeof value === "string" && !isDuration(value)) {
    throw valueError(
      path,
      `${quote(value)} is not a duration`,
      'use Go duration syntax: a number and a unit (ns, us, ms, s, m, h), e.g. "30s", "1m30s", "500ms"; days are written in hours',
    );
  }
}

export function checkSize(path: string, value: unknown): void {
  if (typeof value === "string" && !isSize(value)) {
    throw valueError(
      path,
      `${quote(value)} is not a byte size`,
      'use a number and a unit (B, KB, MB, GB, KiB, MiB, GiB, ...), e.g. "1MiB", "512KiB"',
    );
  }
}
