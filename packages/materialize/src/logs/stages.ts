import { COPIED_POD_LABELS, MZ_CONTAINER } from "../constants.js";
import { ns } from "../queries/scope.js";
import { queryScope, type ResolvedMaterializeValues } from "../values.js";

/**
 * Log processing stages as data, one variant per Alloy `loki.process`
 * stage block the pipeline uses (`stage.json`, `stage.regex`, ...). The
 * gateway converts them with `alloyLogStages` (alloy.ts).
 */
export type LogStage =
  | { type: "match"; selector: string; stages: LogStage[] }
  | { type: "json"; expressions: Record<string, string> }
  | { type: "regex"; expression: string; source?: string }
  | { type: "template"; source: string; template: string }
  | { type: "timestamp"; source: string; format: string; actionOnFailure: "fudge" | "skip" }
  | { type: "labels"; values: Record<string, string> }
  | { type: "structuredMetadata"; values: Record<string, string> }
  | { type: "labelDrop"; values: string[] }
  | { type: "labelKeep"; values: string[] };

/** Stream labels Materialize streams keep: low cardinality only. */
export const LOG_STREAM_LABELS = [
  "cluster",
  "namespace",
  "job",
  "app",
  "container",
  "level",
  "service_name",
] as const;

/**
 * High-cardinality values moved into structured metadata: per-pod and
 * per-replica ids, trace ids, the panic location. Materialize pod labels keep
 * the names they have on metrics, so logs and metrics filter alike.
 */
export const LOG_STRUCTURED_METADATA = [
  "pod",
  ...COPIED_POD_LABELS.map((l) => l.label),
  "target",
  "trace_id",
  "span_id",
  "panic_location",
  "panic_thread",
] as const;

/** The normalised levels, most severe first; a panic is `critical`. */
export const NORMALISED_LEVELS = [
  "critical",
  "error",
  "warn",
  "info",
  "debug",
  "trace",
  "unknown",
] as const;

/** A Rust panic line: `thread '<name>' panicked at <file>:<line>:<col>`. */
export const PANIC_LINE_CAPTURE = String.raw`^thread '(?P<panic_thread>[^']*)' panicked at (?P<panic_location>[^\s:]+:\d+:\d+)`;

/** orchestratord's default text format: `<timestamp>  LEVEL target: message`. */
export const TEXT_LEVEL_CAPTURE = String.raw`^\S+\s+(?P<level>TRACE|DEBUG|INFO|WARN|ERROR)\s`;

/**
 * Lower-cases the level, maps aliases (warning, err, fatal, panic) and makes
 * a panic line the most severe level whatever its JSON said.
 */
export const LEVEL_TEMPLATE =
  '{{ if .panic_location }}critical{{ else if not .Value }}unknown{{ else }}{{ $l := ToLower .Value }}{{ if eq $l "warning" }}warn{{ else if eq $l "err" }}error{{ else if or (eq $l "fatal") (eq $l "panic") }}critical{{ else }}{{ $l }}{{ end }}{{ end }}';

/** The stages for Materialize's log streams (environmentd, clusterd, balancerd, the operator). */
export function materializeLogStages(values: ResolvedMaterializeValues): LogStage[] {
  const scope = queryScope(values);
  const jsonContainers = [
    MZ_CONTAINER.environmentd,
    MZ_CONTAINER.clusterd,
    MZ_CONTAINER.balancerd,
  ].join("|");
  return [
    {
      type: "match",
      selector: `{namespace=~"${ns.materialize(scope)}"}`,
      stages: [
        {
          type: "match",
          selector: `{namespace=~"${ns.environments(scope)}", container=~"${jsonContainers}"}`,
          stages: [
            {
              type: "json",
              expressions: {
                level: "level",
                timestamp: "timestamp",
                target: "target",
                trace_id: "trace_id",
                span_id: "span_id",
              },
            },
            {
              type: "timestamp",
              source: "timestamp",
              format: "RFC3339Nano",
              actionOnFailure: "skip",
            },
          ],
        },
        {
          type: "match",
          selector: `{namespace="${scope.namespaces.operator}"}`,
          stages: [{ type: "regex", expression: TEXT_LEVEL_CAPTURE }],
        },
        { type: "regex", expression: PANIC_LINE_CAPTURE },
        { type: "template", source: "level", template: LEVEL_TEMPLATE },
        { type: "labels", values: { level: "" } },
        {
          type: "structuredMetadata",
          values: Object.fromEntries(LOG_STRUCTURED_METADATA.map((name) => [name, ""])),
        },
        { type: "labelKeep", values: [...LOG_STREAM_LABELS] },
      ],
    },
  ];
}
