/**
 * `local.file_match`: find files on the host with glob patterns.
 */
import { defineComponent } from "../builder.js";
import { rule, type Schema } from "../schema.js";
import type { DurationValue, TargetsValue } from "../values.js";
import { componentExports } from "./registry.js";

/** Arguments of `local.file_match`. Exports `targets` (one per file, with `__path__`). */
export interface LocalFileMatchArgs {
  /** Targets whose `__path__` (and optional `__path_exclude__`) are doublestar globs. */
  readonly pathTargets: TargetsValue;
  /** How often to re-scan the filesystem (default `"10s"`). */
  readonly syncPeriod?: DurationValue;
  /** Skip files last modified longer ago than this (default `"0s"`: none). */
  readonly ignoreOlderThan?: DurationValue;
}

const fileMatchFields = {
  pathTargets: rule.required(),
  syncPeriod: rule.duration(),
  ignoreOlderThan: rule.duration(),
} as const satisfies Schema<LocalFileMatchArgs>;

/** `local.file_match`: expands glob targets into one target per existing file. */
export const localFileMatch = defineComponent<
  LocalFileMatchArgs,
  (typeof componentExports)["local.file_match"]
>("local.file_match", fileMatchFields, componentExports["local.file_match"]);

/** The `local.*` namespace. */
export const local = { fileMatch: localFileMatch };
