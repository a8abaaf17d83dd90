/**
 * Configuration blocks of the Alloy process itself (not components):
 * `logging`, `livedebugging` and `http`. Add them with `config.addStatement(...)`.
 */
import { defineBlock } from "../builder.js";
import { rule, type Schema } from "../schema.js";
import type { BoolValue, Expression, LogsReceiverList } from "../values.js";
import { type ServerTls, serverTlsFields } from "./common.js";

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

/** `tls` of the `http` block: the server TLS of Alloy's own HTTP server (UI, metrics, clustering). */
export interface HttpServerTls extends ServerTls {
  /** `"TLS10"` to `"TLS13"`. */
  readonly minVersion?: "TLS10" | "TLS11" | "TLS12" | "TLS13" | Expression<"string">;
}

/** `http`: Alloy's HTTP server (`--server.http.listen-addr`). */
export interface HttpArgs {
  readonly tls?: HttpServerTls;
}

/**
 * The `http` block. With `tls`, the one listener serves HTTPS (the UI,
 * `/metrics`, `/-/ready` and the clustering peers); Alloy reads the
 * certificate and key files on each handshake.
 */
export const http = defineBlock<HttpArgs>("http", {
  tls: rule.block({
    ...serverTlsFields,
    minVersion: rule.oneOf(["TLS10", "TLS11", "TLS12", "TLS13"]),
  } satisfies Schema<HttpServerTls>),
} satisfies Schema<HttpArgs>);
