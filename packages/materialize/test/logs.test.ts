import { describe, expect, it } from "vitest";
import {
  LEVEL_TEMPLATE,
  LOG_STREAM_LABELS,
  LOG_STRUCTURED_METADATA,
  type LogStage,
  materializeLogStages,
  PANIC_LINE_CAPTURE,
  TEXT_LEVEL_CAPTURE,
} from "../src/logs/stages.js";
import { PANIC_LINE_REGEX } from "../src/queries/logs.js";
import { logqlStreamSelectors, parseProblems } from "../src/queries/parse.js";
import { queryRegistry } from "../src/queries/registry.js";
import { materializeValues, queryScope } from "../src/values.js";

const stages = materializeLogStages(materializeValues.parse({}));

function flatten(list: readonly LogStage[]): LogStage[] {
  return list.flatMap((s) => (s.type === "match" ? [s, ...flatten(s.stages)] : [s]));
}
/** RE2 named groups `(?P<name>…)` in JavaScript syntax, to run the expressions on sample lines. */
const js = (re2: string) => new RegExp(re2.replaceAll("(?P<", "(?<"));

describe("log stages", () => {
  it("apply only to Materialize namespaces, with selectors that parse as LogQL", () => {
    expect(stages).toHaveLength(1);
    for (const stage of flatten(stages)) {
      if (stage.type === "match")
        expect(parseProblems("logql", stage.selector), stage.selector).toEqual([]);
    }
    expect(stages[0]).toMatchObject({
      type: "match",
      selector: '{namespace=~"materialize|materialize-environment"}',
    });
  });

  it("parse Materialize JSON logs: level, timestamp, target and trace ids", () => {
    const json = flatten(stages).find((s) => s.type === "json");
    expect(json).toEqual({
      type: "json",
      expressions: {
        level: "level",
        timestamp: "timestamp",
        target: "target",
        trace_id: "trace_id",
        span_id: "span_id",
      },
    });
    expect(flatten(stages).find((s) => s.type === "timestamp")).toEqual({
      type: "timestamp",
      source: "timestamp",
      format: "RFC3339Nano",
      actionOnFailure: "skip",
    });
  });

  it("capture the panic thread and location from a panic line", () => {
    const line = "thread 'timely:work-0' panicked at src/compute/src/render.rs:123:45:";
    const match = js(PANIC_LINE_CAPTURE).exec(line);
    expect(match?.groups).toEqual({
      panic_thread: "timely:work-0",
      panic_location: "src/compute/src/render.rs:123:45",
    });
    expect(
      js(PANIC_LINE_CAPTURE).exec(
        '{"level":"INFO","fields":{"message":"thread panicked at nothing"}}',
      ),
    ).toBeNull();
    // The rule's LogQL line filter matches the same lines.
    expect(new RegExp(PANIC_LINE_REGEX).test(line)).toBe(true);
  });

  it("read the operator's text level", () => {
    expect(
      js(TEXT_LEVEL_CAPTURE).exec("2025-01-01T00:00:00.000000Z  WARN orchestratord: slow")?.groups,
    ).toEqual({
      level: "WARN",
    });
  });

  it("normalise the level, with a panic as the most severe level", () => {
    expect(flatten(stages).find((s) => s.type === "template")).toEqual({
      type: "template",
      source: "level",
      template: LEVEL_TEMPLATE,
    });
    expect(LEVEL_TEMPLATE.startsWith("{{ if .panic_location }}critical")).toBe(true);
    expect(LEVEL_TEMPLATE).toContain("ToLower .Value");
    expect(LEVEL_TEMPLATE).toContain('{{ if eq $l "warning" }}warn');
    // Balanced template actions.
    expect(LEVEL_TEMPLATE.match(/\{\{/g)?.length).toBe(LEVEL_TEMPLATE.match(/\}\}/g)?.length);
    expect(
      LEVEL_TEMPLATE.match(/\{\{ (if|else if|else|end)\b/g)?.filter((m) => m === "{{ if").length,
    ).toBe(LEVEL_TEMPLATE.match(/\{\{ end \}\}/g)?.length);
  });

  it("keep stream labels low-cardinality and move ids into structured metadata", () => {
    const all = flatten(stages);
    expect(all.find((s) => s.type === "labels")).toEqual({ type: "labels", values: { level: "" } });
    const metadata = all.find((s) => s.type === "structuredMetadata");
    expect(Object.keys(metadata?.type === "structuredMetadata" ? metadata.values : {})).toEqual([
      ...LOG_STRUCTURED_METADATA,
    ]);
    expect(LOG_STRUCTURED_METADATA).toEqual(
      expect.arrayContaining([
        "pod",
        "trace_id",
        "span_id",
        "panic_location",
        "cluster_environmentd_materialize_cloud_replica_id",
      ]),
    );
    expect(all.at(-1)).toEqual({ type: "labelKeep", values: [...LOG_STREAM_LABELS] });
    for (const high of ["pod", "trace_id", "cluster_environmentd_materialize_cloud_replica_id"]) {
      expect(LOG_STREAM_LABELS as readonly string[]).not.toContain(high);
    }
  });

  it("pins the stages", () => {
    expect(stages).toMatchSnapshot();
  });
});

describe("hostile kubernetesEventsJob", () => {
  it("refuses a line break, which no job label should hold, naming the field", () => {
    const result = materializeValues.safeParse({ logs: { kubernetesEventsJob: "new\nline" } });
    expect(result.error?.issues[0]?.path).toEqual(["logs", "kubernetesEventsJob"]);
    expect(result.error?.issues[0]?.message).toMatch(/^contains a line break/);
  });

  it.each(['job"with"quotes', "back\\slash", "brace}{ and ${VAR}", "`backtick`"])(
    "%j reaches the LogQL queries escaped and reads back unchanged",
    (job) => {
      const values = materializeValues.parse({ logs: { kubernetesEventsJob: job } });
      const registry = queryRegistry(queryScope(values));
      const query = registry.get("logs.kubernetes_events");
      expect(parseProblems("logql", query.expr)).toEqual([]);
      const [selector] = logqlStreamSelectors(query.expr);
      expect(selector?.find((m) => m.label === "job")).toEqual({
        label: "job",
        op: "=",
        value: job,
      });
    },
  );
});
