/**
 * Hostile strings in Thanos's values: rule expressions are PromQL (checked
 * with lezer-promql, and against promtool), URLs are http(s), annotations
 * and labels are bounded; refused with the path and the fix.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promqlProblem, ValuesError } from "@materialize-monitoring/core";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type ThanosValues, thanos } from "../src/index.js";
import { configMapData, S3 } from "./helpers.js";

function problems(values: ThanosValues) {
  try {
    thanos(values);
  } catch (error) {
    expect(error).toBeInstanceOf(ValuesError);
    return (error as ValuesError).problems;
  }
  throw new Error("expected a ValuesError");
}

const withExpr = (expr: string): ThanosValues => ({
  objectStorage: S3,
  ruler: { ruleGroups: [{ name: "app", rules: [{ alert: "AppDown", expr }] }] },
});

describe("rule expressions", () => {
  it.each([
    ["rate(http_requests_total[5m]", "it ends too early"],
    ['up{job=~"api(?!-canary)"} == 0', "negative lookahead (?!...) is not supported"],
    ['{job=~".*"} == 0', "matches every series"],
    ['up{job="\\d"}', "the escape \\d is not one Go strings have"],
    ["up\u2028== 0", "contains a line break"],
    ["", "empty"],
  ])("refuses %j with the path and the reason", (expr, reason) => {
    const text = problems(withExpr(expr))
      .map((p) => `${p.path}: ${p.message} ${p.hint ?? ""}`)
      .join("\n");
    expect(text).toContain("thanos.ruler.ruleGroups[0].rules[0]");
    expect(text).toContain(reason);
  });

  it("bounds an expression and an annotation", () => {
    const annotations = { description: "x".repeat(20000) };
    const [problem] = problems({
      objectStorage: S3,
      ruler: {
        ruleGroups: [{ name: "app", rules: [{ alert: "A", expr: "up == 0", annotations }] }],
      },
    });
    expect(problem?.path).toBe("thanos.ruler.ruleGroups[0].rules[0].annotations.description");
    expect(`${problem?.message} ${problem?.hint}`).toContain(
      "20000 characters where at most 16384 are allowed",
    );
  });

  const PROMTOOL = "/usr/bin/promtool";
  const dir = mkdtempSync(join(tmpdir(), "thanos-promql-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Expressions whose validity the grammar, the string escapes and the selector rule decide.
  const AGREEMENT = [
    'sum by (job) (rate(http_requests_total{job="api"}[5m])) > 0',
    "up{job='x'} == 0",
    'up{job=~"a|b"}',
    '{job!=""}',
    "absent(up)",
    "rate(x[5m]",
    "sum(rate(x[5m])) by (a",
    "up ==",
    '{job=~".*"}',
    'up{job="\\d"}',
    'up{job=~"\\\\d+"}',
    'up{job=~"(?=a)"}',
    'up{job=~"x{1001}"}',
  ];

  it.skipIf(!existsSync(PROMTOOL))("agrees with promtool check rules", () => {
    const promtoolAccepts = (expr: string, i: number) => {
      const file = join(dir, `rules-${i}.yaml`);
      writeFileSync(file, stringify({ groups: [{ name: "g", rules: [{ record: "r", expr }] }] }));
      return spawnSync(PROMTOOL, ["check", "rules", file]).status === 0;
    };
    const disagreements = AGREEMENT.filter(
      (expr, i) => promtoolAccepts(expr, i) !== (promqlProblem(expr) === undefined),
    );
    expect(disagreements).toEqual([]);
  });

  it("writes an accepted expression unchanged", () => {
    const expr = 'sum(rate(http_requests_total{path=~"/api/.+", code!~"5.."}[5m])) > 0';
    const files = configMapData(thanos(withExpr(expr)).objects, "thanos-ruler-rules");
    expect(Object.values(files).join("\n")).toContain(expr);
  });
});

describe("URLs", () => {
  it.each(["alertmanager:9093", "http://alert manager:9093", "http://am:99999", "http://am\n"])(
    "refuses the Alertmanager URL %j with an example",
    (url) => {
      const text = problems({ objectStorage: S3, ruler: { alertmanagers: [{ url }] } })
        .map((p) => `${p.path}: ${p.message} ${p.hint ?? ""}`)
        .join("\n");
      expect(text).toContain("thanos.ruler.alertmanagers[0]");
      expect(text).toContain("not an http(s) URL");
      expect(text).toContain("(for example http://alertmanager.monitoring.svc.cluster.local:9093)");
      expect(text).not.toContain("Invalid URL");
    },
  );

  it("refuses a bad alertQueryUrl", () => {
    const [problem] = problems({ objectStorage: S3, ruler: { alertQueryUrl: "grafana/explore" } });
    expect(problem?.path).toBe("thanos.ruler.alertQueryUrl");
    expect(problem?.message).toBe(
      "not an http(s) URL: it has no scheme; start it with http:// or https:// (for example https://grafana.example.com/explore)",
    );
  });
});
