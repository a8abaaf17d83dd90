/**
 * Flood protection of the gateway's log pipeline, as loki.process stages. Everything dropped is
 * counted by Alloy: stage.drop under `loki_process_dropped_lines_total{reason}` (too_old,
 * line_too_long), stage.limit under `loki_process_dropped_lines_total{reason="ratelimit_drop_stage"}`
 * and, per limited label, `loki_process_dropped_lines_by_label_total{label_name, label_value}`.
 * Limits hold per gateway replica.
 */
import type { LogStageData } from "@materialize-monitoring/alloy-syntax";
import type { ResolvedAlloyGatewayValues } from "./values.js";

type Protection = ResolvedAlloyGatewayValues["logs"]["protection"];

/** Reasons of the stage.drop counters. */
export const DROP_REASONS = { tooOld: "too_old", lineTooLong: "line_too_long" } as const;

/** The level values whose rate `debug` limits (after level normalisation). */
const LIMITED_LEVELS = ["debug", "trace"] as const;

/**
 * Stages in front of the log stages: drop entries too old and lines too long for Loki, then limit
 * each namespace's and each pod's rate. None when protection is off.
 */
export function protectionStages(p: Protection): LogStageData[] {
  if (!p.enabled) return [];
  return [
    { type: "drop", olderThan: p.maxAge, dropCounterReason: DROP_REASONS.tooOld },
    { type: "drop", longerThan: p.maxLineSize, dropCounterReason: DROP_REASONS.lineTooLong },
    ...(p.perNamespace.enabled ? [limit(p.perNamespace, "namespace")] : []),
    ...(p.perPod.enabled ? [limit(p.perPod, "pod")] : []),
  ];
}

/** Stages after level normalisation: each limited level at most `debug`'s rate. */
export function levelLimitStages(p: Protection): LogStageData[] {
  if (!p.enabled || !p.debug.enabled) return [];
  return [
    {
      type: "match",
      selector: `{level=~"${LIMITED_LEVELS.join("|")}"}`,
      stages: [limit(p.debug, "level")],
    },
  ];
}

function limit(rate: { linesPerSecond: number; burst: number }, byLabelName: string): LogStageData {
  return { type: "limit", rate: rate.linesPerSecond, burst: rate.burst, byLabelName, drop: true };
}
