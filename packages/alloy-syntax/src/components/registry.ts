/**
 * Exports of every component with a typed constructor, as the Alloy
 * component reference documents them. Used by the constructors (for typed
 * handles) and by `validateReferences` (to catch `.recevier` typos).
 */
import type { ExportTypes } from "../builder.js";

export const componentExports = {
  "discovery.kubernetes": { targets: "list(map(string))" },
  "discovery.relabel": { output: "list(map(string))", rules: "RelabelRules" },
  "local.file_match": { targets: "list(map(string))" },
  "loki.process": { receiver: "LogsReceiver" },
  "loki.relabel": { receiver: "LogsReceiver", rules: "RelabelRules" },
  "loki.source.api": {},
  "loki.source.file": {},
  "loki.source.kubernetes": {},
  "loki.source.kubernetes_events": {},
  "loki.write": { receiver: "LogsReceiver" },
  "otelcol.exporter.loki": { input: "otelcol.Consumer" },
  "otelcol.exporter.otlp": { input: "otelcol.Consumer" },
  "otelcol.exporter.otlphttp": { input: "otelcol.Consumer" },
  "otelcol.exporter.prometheus": { input: "otelcol.Consumer" },
  "otelcol.processor.batch": { input: "otelcol.Consumer" },
  "otelcol.receiver.otlp": {},
  "prometheus.exporter.self": { targets: "list(map(string))" },
  "prometheus.exporter.unix": { targets: "list(map(string))" },
  "prometheus.relabel": { receiver: "MetricsReceiver", rules: "RelabelRules" },
  "prometheus.remote_write": { receiver: "MetricsReceiver" },
  "prometheus.scrape": {},
  "remote.kubernetes.secret": { data: "map(secret)" },
} as const satisfies Readonly<Record<string, ExportTypes>>;

export type KnownComponent = keyof typeof componentExports;
