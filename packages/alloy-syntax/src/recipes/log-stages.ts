/**
 * `loki.process` stages as plain data, and their conversion to alloy-syntax
 * `stage.*` blocks. Packages compute stages as data (and validate them with
 * their own schemas); only this module turns them into Alloy.
 */
import type { AddOptions, ComponentHandle, Scope } from "../builder.js";
import { type LokiStage, lokiProcess, stage } from "../components/loki-process.js";
import type { componentExports } from "../components/registry.js";
import type { LogsReceiverList } from "../values.js";

/** One `loki.process` stage as data, named after its `stage.*` block (camelCase). */
export type LogStageData =
  | {
      readonly type: "match";
      readonly selector: string;
      readonly stages?: readonly LogStageData[];
      /** `keep` (default) runs `stages`; `drop` drops matching entries. */
      readonly action?: "keep" | "drop";
      readonly dropCounterReason?: string;
    }
  | {
      readonly type: "json";
      readonly expressions: Readonly<Record<string, string>>;
      readonly source?: string;
      readonly dropMalformed?: boolean;
    }
  | {
      readonly type: "logfmt";
      readonly mapping: Readonly<Record<string, string>>;
      readonly source?: string;
    }
  | { readonly type: "regex"; readonly expression: string; readonly source?: string }
  | { readonly type: "template"; readonly source: string; readonly template: string }
  | {
      readonly type: "timestamp";
      readonly source: string;
      readonly format: string;
      readonly fallbackFormats?: readonly string[];
      readonly location?: string;
      readonly actionOnFailure?: "fudge" | "skip";
    }
  | { readonly type: "labels"; readonly values: Readonly<Record<string, string>> }
  | { readonly type: "structuredMetadata"; readonly values: Readonly<Record<string, string>> }
  | { readonly type: "staticLabels"; readonly values: Readonly<Record<string, string>> }
  | { readonly type: "labelDrop"; readonly values: readonly string[] }
  | { readonly type: "labelKeep"; readonly values: readonly string[] }
  | {
      readonly type: "drop";
      readonly source?: string;
      readonly expression?: string;
      readonly value?: string;
      readonly olderThan?: string;
      readonly longerThan?: string;
      readonly dropCounterReason?: string;
    }
  | { readonly type: "cri" }
  | {
      readonly type: "limit";
      /** Lines per second. */
      readonly rate: number;
      readonly burst: number;
      /** Rate-limit each value of this label on its own (needs `drop`). */
      readonly byLabelName?: string;
      /** Drop lines over the rate instead of holding them back. */
      readonly drop?: boolean;
    }
  | { readonly type: "output"; readonly source: string }
  | {
      readonly type: "multiline";
      readonly firstline: string;
      readonly maxLines?: number;
      readonly maxWaitTime?: string;
    }
  | {
      readonly type: "replace";
      readonly expression: string;
      readonly source?: string;
      readonly replace?: string;
    };

/** Every stage type the data can name. */
export const LOG_STAGE_TYPES = [
  "match",
  "json",
  "logfmt",
  "regex",
  "template",
  "timestamp",
  "labels",
  "structuredMetadata",
  "staticLabels",
  "labelDrop",
  "labelKeep",
  "drop",
  "cri",
  "limit",
  "output",
  "multiline",
  "replace",
] as const satisfies readonly LogStageData["type"][];

/** Leaves out the keys whose value is undefined (the stage constructors reject nothing else). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** One stage as its `stage.*` block. */
export function lokiStageOf(s: LogStageData): LokiStage {
  switch (s.type) {
    case "match":
      return stage.match(
        defined({
          selector: s.selector,
          action: s.action,
          dropCounterReason: s.dropCounterReason,
          stages: s.stages === undefined ? undefined : lokiStages(s.stages),
        }),
      );
    case "json":
      return stage.json(
        defined({
          expressions: { ...s.expressions },
          source: s.source,
          dropMalformed: s.dropMalformed,
        }),
      );
    case "logfmt":
      return stage.logfmt(defined({ mapping: { ...s.mapping }, source: s.source }));
    case "regex":
      return stage.regex(defined({ expression: s.expression, source: s.source }));
    case "template":
      return stage.template({ source: s.source, template: s.template });
    case "timestamp":
      return stage.timestamp(
        defined({
          source: s.source,
          format: s.format,
          fallbackFormats: s.fallbackFormats === undefined ? undefined : [...s.fallbackFormats],
          location: s.location,
          actionOnFailure: s.actionOnFailure,
        }),
      );
    case "labels":
      return stage.labels({ values: { ...s.values } });
    case "structuredMetadata":
      return stage.structuredMetadata({ values: { ...s.values } });
    case "staticLabels":
      return stage.staticLabels({ values: { ...s.values } });
    case "labelDrop":
      return stage.labelDrop({ values: [...s.values] });
    case "labelKeep":
      return stage.labelKeep({ values: [...s.values] });
    case "drop":
      return stage.drop(
        defined({
          source: s.source,
          expression: s.expression,
          value: s.value,
          olderThan: s.olderThan,
          longerThan: s.longerThan,
          dropCounterReason: s.dropCounterReason,
        }),
      );
    case "cri":
      return stage.cri();
    case "limit":
      return stage.limit(
        defined({ rate: s.rate, burst: s.burst, byLabelName: s.byLabelName, drop: s.drop }),
      );
    case "output":
      return stage.output({ source: s.source });
    case "multiline":
      return stage.multiline(
        defined({ firstline: s.firstline, maxLines: s.maxLines, maxWaitTime: s.maxWaitTime }),
      );
    case "replace":
      return stage.replace(
        defined({ expression: s.expression, source: s.source, replace: s.replace }),
      );
  }
}

/** The stages as `stage.*` blocks, in order. */
export function lokiStages(stages: readonly LogStageData[]): LokiStage[] {
  return stages.map(lokiStageOf);
}

/** Adds a `loki.process` running `stages` and forwarding to `forwardTo`. */
export function addLogProcess(
  scope: Scope,
  label: string,
  stages: readonly LogStageData[],
  forwardTo: LogsReceiverList,
  options: AddOptions = {},
): ComponentHandle<(typeof componentExports)["loki.process"]> {
  return scope.add(lokiProcess(label, { forwardTo, stages: lokiStages(stages) }), options);
}
