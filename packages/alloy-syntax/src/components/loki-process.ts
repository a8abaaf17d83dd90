/**
 * `loki.process` and its processing stages. Stages run in the order given;
 * `stage.match` nests its own list of stages.
 */
import * as ast from "../ast.js";
import { defineComponent } from "../builder.js";
import { valueError } from "../errors.js";
import { BodyItem, encodeBody, type Fields, rule, type Schema } from "../schema.js";
import type {
  AlloyType,
  BoolValue,
  DurationValue,
  Expression,
  LogsReceiverList,
  NumberValue,
  Ref,
  SizeValue,
  StringListValue,
  StringMapValue,
  StringValue,
} from "../values.js";
import { componentExports } from "./registry.js";

/** A processing stage of `loki.process` (a `stage.NAME` block). */
export class LokiStage extends BodyItem {
  declare readonly __stage: true;

  constructor(node: ast.Block, refs: readonly Ref<AlloyType>[]) {
    super(node, refs);
  }
}

const STAGE = "a stage built by stage.cri(), stage.json(), ...";

function defineStage<A extends object>(
  name: string,
  fields: Fields,
): Record<never, never> extends A ? (args?: A) => LokiStage : (args: A) => LokiStage {
  const blockName = `stage.${name}`;
  const make = (args?: A): LokiStage => {
    const { statements, refs } = encodeBody(args ?? {}, fields, blockName);
    return new LokiStage(ast.block(blockName, undefined, statements), refs);
  };
  return make as never;
}

/** `stage.cri`: parses the CRI log format (containerd, CRI-O) into `content`, `stream`, `flags`, `timestamp`. */
export interface CriStageArgs {
  /** Partial lines kept in memory (default 100). */
  readonly maxPartialLines?: NumberValue;
  readonly maxPartialLineSize?: NumberValue;
  readonly maxPartialLineSizeTruncate?: BoolValue;
}

/** `stage.json`: extracts values with JMESPath expressions. */
export interface JsonStageArgs {
  /** Extracted name to JMESPath expression (`""` means the same name). */
  readonly expressions: StringMapValue;
  /** Extracted value to parse instead of the log line. */
  readonly source?: StringValue;
  readonly dropMalformed?: BoolValue;
}

/** `stage.logfmt`: extracts logfmt fields. */
export interface LogfmtStageArgs {
  /** Extracted name to logfmt key (`""` means the same name). */
  readonly mapping: StringMapValue;
  readonly source?: StringValue;
}

/** `stage.regex`: extracts named capture groups (`(?P<name>...)`). */
export interface RegexStageArgs {
  /** RE2 expression; backslashes are escaped by the string literal for you. */
  readonly expression: StringValue;
  readonly source?: StringValue;
}

/** `stage.labels` / `stage.structured_metadata` / `stage.static_labels`: a map of values. */
export interface ValuesMapStageArgs {
  readonly values?: StringMapValue;
}

/** `stage.label_drop` / `stage.label_keep`: a list of label names. */
export interface ValuesListStageArgs {
  readonly values?: StringListValue;
}

/** `stage.match`: runs nested stages (or drops the entry) when a LogQL selector matches. */
export interface MatchStageArgs {
  /** LogQL stream selector with optional line filters, e.g. `{app="environmentd"} |= "error"`. */
  readonly selector: StringValue;
  /** `"keep"` (default) runs the nested stages; `"drop"` drops matching entries. */
  readonly action?: "keep" | "drop" | Expression<"string">;
  readonly dropCounterReason?: StringValue;
  readonly pipelineName?: StringValue;
  /** Stages run on matching entries. */
  readonly stages?: readonly LokiStage[];
}

/** `stage.drop`: drops entries when every given condition holds. */
export interface DropStageArgs {
  readonly source?: StringValue;
  readonly separator?: StringValue;
  /** RE2 expression matched against the source (or the line). */
  readonly expression?: StringValue;
  readonly value?: StringValue;
  /** Drop entries older than this. */
  readonly olderThan?: DurationValue;
  /** Drop lines longer than this size, e.g. `"8KB"`. */
  readonly longerThan?: SizeValue;
  readonly dropCounterReason?: StringValue;
}

/** `stage.timestamp`: sets the entry's timestamp from an extracted value. */
export interface TimestampStageArgs {
  readonly source: StringValue;
  /** `RFC3339`, `RFC3339Nano`, `Unix`, `UnixMs`, ... or a Go layout. */
  readonly format: StringValue;
  readonly fallbackFormats?: StringListValue;
  /** IANA time zone. */
  readonly location?: StringValue;
  /** `"fudge"` (default) or `"skip"`. */
  readonly actionOnFailure?: "fudge" | "skip" | Expression<"string">;
}

/** `stage.template`: sets an extracted value from a Go template. */
export interface TemplateStageArgs {
  readonly source: StringValue;
  readonly template: StringValue;
}

/** `stage.output`: replaces the log line with an extracted value. */
export interface OutputStageArgs {
  readonly source: StringValue;
}

/** `stage.multiline`: joins continuation lines to the line matching `firstline`. */
export interface MultilineStageArgs {
  /** RE2 expression matching the first line of a block. */
  readonly firstline: StringValue;
  /** Default 128. */
  readonly maxLines?: NumberValue;
  /** Default `"3s"`. */
  readonly maxWaitTime?: DurationValue;
}

/** `stage.tenant`: sets the tenant from a label, an extracted value or a constant (one of them). */
export interface TenantStageArgs {
  readonly label?: StringValue;
  readonly source?: StringValue;
  readonly value?: StringValue;
}

/** `stage.replace`: replaces capture groups of `expression`. */
export interface ReplaceStageArgs {
  readonly expression: StringValue;
  readonly source?: StringValue;
  readonly replace?: StringValue;
}

/** `stage.pack`: embeds labels and extracted values into a JSON line. */
export interface PackStageArgs {
  readonly labels: StringListValue;
  readonly ingestTimestamp?: BoolValue;
}

/** `stage.limit`: rate-limits entries. */
export interface LimitStageArgs {
  /** Lines per second. */
  readonly rate: NumberValue;
  readonly burst: NumberValue;
  readonly byLabelName?: StringValue;
  readonly drop?: BoolValue;
  readonly maxDistinctLabels?: NumberValue;
}

/** `stage.sampling`: keeps a fraction of entries. */
export interface SamplingStageArgs {
  /** Fraction in [0, 1] to keep. */
  readonly rate: NumberValue;
  readonly dropCounterReason?: StringValue;
}

const valuesMap = { values: rule.attr() } as const satisfies Schema<ValuesMapStageArgs>;
const valuesList = { values: rule.attr() } as const satisfies Schema<ValuesListStageArgs>;

function checkRate(path: string, value: unknown): void {
  if (typeof value === "number" && !(value >= 0 && value <= 1)) {
    throw valueError(path, `${value} is not a fraction`, "use a rate between 0 and 1");
  }
}

/** Constructors for `loki.process` stages, named after the Alloy blocks. */
export const stage = {
  cri: defineStage<CriStageArgs>("cri", {
    maxPartialLines: rule.uint(),
    maxPartialLineSize: rule.uint(),
    maxPartialLineSizeTruncate: rule.attr(),
  } satisfies Schema<CriStageArgs>),
  /** `stage.docker`: parses Docker's JSON log format. */
  docker: defineStage<Record<never, never>>("docker", {}),
  /** `stage.decolorize`: strips ANSI color codes. */
  decolorize: defineStage<Record<never, never>>("decolorize", {}),
  json: defineStage<JsonStageArgs>("json", {
    expressions: rule.required(),
    source: rule.attr(),
    dropMalformed: rule.attr(),
  } satisfies Schema<JsonStageArgs>),
  logfmt: defineStage<LogfmtStageArgs>("logfmt", {
    mapping: rule.required(),
    source: rule.attr(),
  } satisfies Schema<LogfmtStageArgs>),
  regex: defineStage<RegexStageArgs>("regex", {
    expression: rule.required(),
    source: rule.attr(),
  } satisfies Schema<RegexStageArgs>),
  /** `stage.labels`: sets labels from extracted values (`""` means the same name). */
  labels: defineStage<ValuesMapStageArgs>("labels", valuesMap),
  /** `stage.structured_metadata`: attaches extracted values as structured metadata. */
  structuredMetadata: defineStage<ValuesMapStageArgs>("structured_metadata", valuesMap),
  /** `stage.static_labels`: adds constant labels. */
  staticLabels: defineStage<ValuesMapStageArgs>("static_labels", valuesMap),
  /** `stage.label_drop`: removes labels. */
  labelDrop: defineStage<ValuesListStageArgs>("label_drop", valuesList),
  /** `stage.label_keep`: keeps only these labels. */
  labelKeep: defineStage<ValuesListStageArgs>("label_keep", valuesList),
  match: defineStage<MatchStageArgs>("match", {
    selector: rule.required(),
    action: rule.oneOf(["keep", "drop"]),
    dropCounterReason: rule.attr(),
    pipelineName: rule.attr(),
    stages: rule.items(LokiStage, STAGE),
  } satisfies Schema<MatchStageArgs>),
  drop: defineStage<DropStageArgs>("drop", {
    source: rule.attr(),
    separator: rule.attr(),
    expression: rule.attr(),
    value: rule.attr(),
    olderThan: rule.duration(),
    longerThan: rule.size(),
    dropCounterReason: rule.attr(),
  } satisfies Schema<DropStageArgs>),
  timestamp: defineStage<TimestampStageArgs>("timestamp", {
    source: rule.required(),
    format: rule.required(),
    fallbackFormats: rule.attr(),
    location: rule.attr(),
    actionOnFailure: rule.oneOf(["fudge", "skip"]),
  } satisfies Schema<TimestampStageArgs>),
  template: defineStage<TemplateStageArgs>("template", {
    source: rule.required(),
    template: rule.required(),
  } satisfies Schema<TemplateStageArgs>),
  output: defineStage<OutputStageArgs>("output", {
    source: rule.required(),
  } satisfies Schema<OutputStageArgs>),
  multiline: defineStage<MultilineStageArgs>("multiline", {
    firstline: rule.required(),
    maxLines: rule.uint(),
    maxWaitTime: rule.duration(),
  } satisfies Schema<MultilineStageArgs>),
  tenant: defineStage<TenantStageArgs>("tenant", {
    label: rule.attr(),
    source: rule.attr(),
    value: rule.attr(),
  } satisfies Schema<TenantStageArgs>),
  replace: defineStage<ReplaceStageArgs>("replace", {
    expression: rule.required(),
    source: rule.attr(),
    replace: rule.attr(),
  } satisfies Schema<ReplaceStageArgs>),
  pack: defineStage<PackStageArgs>("pack", {
    labels: rule.required(),
    ingestTimestamp: rule.attr(),
  } satisfies Schema<PackStageArgs>),
  limit: defineStage<LimitStageArgs>("limit", {
    rate: rule.required(),
    burst: rule.required(),
    byLabelName: rule.attr(),
    drop: rule.attr(),
    maxDistinctLabels: rule.uint(),
  } satisfies Schema<LimitStageArgs>),
  sampling: defineStage<SamplingStageArgs>("sampling", {
    rate: { kind: "attr", required: true, check: checkRate },
    dropCounterReason: rule.attr(),
  } satisfies Schema<SamplingStageArgs>),
};

/** Arguments of `loki.process`. Exports `receiver`. */
export interface LokiProcessArgs {
  /** Where processed entries go. */
  readonly forwardTo: LogsReceiverList;
  /** Stages, run in order. */
  readonly stages?: readonly LokiStage[];
}

const processFields = {
  forwardTo: rule.required(),
  stages: rule.items(LokiStage, STAGE),
} as const satisfies Schema<LokiProcessArgs>;

/** `loki.process`: parses, relabels, filters and rewrites log entries through `stages`. */
export const lokiProcess = defineComponent<
  LokiProcessArgs,
  (typeof componentExports)["loki.process"]
>("loki.process", processFields, componentExports["loki.process"]);
