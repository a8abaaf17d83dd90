/**
 * Level normalisation for streams that arrive without a `level` label (every
 * workload except those the given stages handle, such as Materialize's):
 * the level is read from klog prefixes, `level=`/`"level":` fields or the
 * event type, mapped to the normalised set, and set as a label.
 */
import type { LogStageData } from "@materialize-monitoring/alloy-syntax";

/** The normalised levels, most severe first (the same set the Materialize stages produce). */
export const NORMALISED_LEVELS = [
  "critical",
  "error",
  "warn",
  "info",
  "debug",
  "trace",
  "unknown",
] as const;

/** A level field in logfmt (`level=warn`), JSON (`"level":"warn"`) or `severity`/`lvl` spellings. */
export const LEVEL_FIELD_CAPTURE = String.raw`(?i)(?:^|[\s{,])"?(?:level|lvl|severity)"?\s*[=:]\s*"?(?P<level>[A-Za-z]+)`;

/** Kubernetes events: `type=Warning` (logfmt) or `"type":"Warning"` (JSON). */
export const EVENT_TYPE_CAPTURE = String.raw`(?:^|[\s{,])"?type"?\s*[=:]\s*"?(?P<level>[A-Za-z]+)`;

const alias = (value: string, names: readonly string[]) =>
  `{{ else if or ${names.map((n) => `(eq $v "${n}")`).join(" ")} }}${value}`;

/** Lower-cases the level and maps aliases; anything unrecognised (or missing) becomes `unknown`. */
export const LEVEL_TEMPLATE = [
  "{{ if .Value }}{{ $v := ToLower .Value }}",
  `{{ if or (eq $v "critical") (eq $v "error") (eq $v "warn") (eq $v "info") (eq $v "debug") (eq $v "trace") }}{{ $v }}`,
  alias("critical", ["fatal", "panic", "crit", "emerg", "emergency", "alert"]),
  alias("error", ["err", "eror"]),
  alias("warn", ["warning", "wrn"]),
  alias("info", ["information", "notice", "inf", "normal"]),
  alias("debug", ["dbg"]),
  alias("trace", ["trc"]),
  "{{ else }}unknown{{ end }}{{ else }}unknown{{ end }}",
].join("");

/** klog's one-letter severity prefix (`I0102 15:04:05.000000 ...`). */
const KLOG_LEVELS: readonly [string, string][] = [
  ["I", "info"],
  ["W", "warn"],
  ["E", "error"],
  ["F", "critical"],
];

/** The stages; `eventsJob` is the `job` label of Kubernetes events. */
export function levelNormalisationStages(eventsJob: string): LogStageData[] {
  const normalise: LogStageData[] = [
    { type: "template", source: "level", template: LEVEL_TEMPLATE },
    { type: "labels", values: { level: "" } },
  ];
  return [
    ...KLOG_LEVELS.map(
      ([letter, level]): LogStageData => ({
        type: "match",
        selector: `{level=""} |~ "^${letter}[0-9]{4} "`,
        stages: [{ type: "staticLabels", values: { level } }],
      }),
    ),
    {
      type: "match",
      selector: `{level="", job="${eventsJob}"}`,
      stages: [{ type: "regex", expression: EVENT_TYPE_CAPTURE }, ...normalise],
    },
    {
      type: "match",
      selector: `{level=""}`,
      stages: [{ type: "regex", expression: LEVEL_FIELD_CAPTURE }, ...normalise],
    },
  ];
}
