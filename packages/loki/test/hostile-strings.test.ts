/**
 * Hostile strings in Loki's values: retention selectors, rule expressions and
 * Alertmanager URLs are refused with the path and the fix, or rendered
 * escaped and read back unchanged.
 */
import { ValuesError } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { envsubstLiteral, type LokiValues, loki } from "../src/index.js";
import { renderedConfig, S3, thrown } from "./helpers.js";

const retention = (selector: string): LokiValues => ({
  storage: S3,
  limits: { retentionStreams: [{ selector, priority: 1, period: "24h" }] },
});

const SELECTOR_PATH = "loki.limits.retentionStreams[0].selector";

describe("retention stream selectors", () => {
  it.each([
    ['{a="b"', "it ends too early: a closing }, ), ] or quote is missing"],
    ['{a="b"} |= "x"', "Loki takes a stream selector alone here; remove the pipeline"],
    ["}{", "syntax error at column 1"],
    ['{namespace=~"dev(?!-x)"}', "negative lookahead (?!...) is not supported"],
    ['{namespace=~".*"}', "matches every stream"],
    ["{}", "{} matches every stream"],
    ['{namespace="a\nb"}', "syntax error"],
    ['{namespace="\u2028"}', "contains a line break (U+2028"],
    ["", "empty"],
    [`{namespace="${"x".repeat(5000)}"}`, "characters where at most 4096 are allowed"],
  ])("refuses %#: %j with the path and the fix", (selector, reason) => {
    const error = thrown(() => loki(retention(selector)));
    expect(error).toBeInstanceOf(ValuesError);
    const [problem] = (error as ValuesError).problems;
    expect(problem?.path).toBe(SELECTOR_PATH);
    expect(problem?.message).toMatch(/^not a LogQL stream selector: /);
    expect(problem?.message).toContain(reason);
  });

  it.each([
    '{namespace="materialize", container=~"environmentd|clusterd"}',
    '{namespace="dev"}',
    '{app="say \\"hi\\""}',
  ])("renders %j into limits_config, read back unchanged (after Loki's envsubst)", (selector) => {
    const config = renderedConfig(loki(retention(selector))) as {
      limits_config: { retention_stream?: { selector: string }[] };
    };
    // config.yaml goes through drone/envsubst, which halves the doubled `\` and `$` again.
    expect(config.limits_config.retention_stream?.[0]?.selector).toBe(envsubstLiteral(selector));
  });
});

describe("rule expressions and Alertmanager URLs", () => {
  const rules = (expr: string): LokiValues => ({
    storage: S3,
    ruler: {
      ruleFiles: {
        "app.yaml": { groups: [{ name: "app", rules: [{ alert: "AppErrors", expr }] }] },
      },
    },
  });

  it.each([
    ['{app="x"} |= "error"', "a log query returns lines"],
    ['sum(rate({app="x"}[5m])', "it ends too early"],
    ['sum(rate({app=~"(?<=x)"}[5m])) > 0', "lookbehind (?<=...) is not supported"],
  ])("refuses the rule expression %j", (expr, reason) => {
    const message = thrown(() => loki(rules(expr))).message;
    expect(message).toContain("loki.ruler.ruleFiles.app.yaml.groups[0].rules[0]");
    expect(message).toContain(reason);
  });

  it("accepts a metric query", () => {
    expect(() => loki(rules('sum(rate({app="x"} |= "error" [5m])) > 0'))).not.toThrow();
  });

  it.each([
    "http://alertmanager 0:9093",
    "alertmanager:9093",
    "http://alertmanager:99999",
    "http://alertmanager\n",
  ])("refuses the Alertmanager URL %j with an example", (url) => {
    const message = thrown(() => loki({ storage: S3, ruler: { alertmanagerUrls: [url] } })).message;
    expect(message).toContain("loki.ruler.alertmanagerUrls[0]: not an http(s) URL: ");
    expect(message).toContain(
      "(for example http://alertmanager.monitoring.svc.cluster.local:9093)",
    );
    expect(message).not.toContain("Invalid URL");
  });
});
