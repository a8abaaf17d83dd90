/**
 * Configuration blocks of the Alloy process itself (not components):
 * `logging` and `livedebugging`. Add them with `config.addStatement(...)`.
 */
import { defineBlock } from "../builder.js";
import { rule, type Schema } from "../schema.js";
import type { BoolValue, Expression, LogsReceiverList } from "../values.js";

/** `logging`: Alloy's own log output. */
export interface LoggingArgs {
  /** `"error"`, `"warn"`, `"info"` (default) or `"debug"`. */
  readonly level?: "error" | "warn" | "info" | "debug" | Expression<"string">;
  /** `"logfmt"` (default) or `"json"`. */
  readonly format?: "logfmt" | "json" | Expression<"string">;
  /** Also send Alloy's logs to these receivers. */
  readonly writeTo?: LogsReceiverList;
}

/** The `logging` block. */
export const logging = defineBlock<LoggingArgs>("logging", {
  level: rule.oneOf(["error", "warn", "info", "debug"]),
  format: rule.oneOf(["logfmt", "json"]),
  writeTo: rule.attr(),
} satisfies Schema<LoggingArgs>);

/** `livedebugging`: the UI's live debugging stream. */
export interface LivedebuggingArgs {
  readonly enabled?: BoolValue;
}

/** The `livedebugging` block. */
export const livedebugging = defineBlock<LivedebuggingArgs>("livedebugging", {
  enabled: rule.attr(),
} satisfies Schema<LivedebuggingArgs>);
