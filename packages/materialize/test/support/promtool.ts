import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { ALERT_DEFINITIONS } from "../../src/rules/definitions.js";
import { alertDescription, runbookUrl } from "../../src/rules/render.js";
import type { ResolvedMaterializeValues } from "../../src/values.js";
import { expandAnnotation } from "./humanize.js";
import type { AlertCase } from "./rule-cases.js";

export const PROMTOOL = process.env.PROMTOOL ?? "/usr/bin/promtool";

/** One `promtool test rules` file for one alert case. */
export function promtoolTestFile(
  ruleFile: string,
  alertName: string,
  testCase: AlertCase,
  values: ResolvedMaterializeValues,
): string {
  const definition = ALERT_DEFINITIONS.find((a) => a.name === alertName);
  if (!definition) throw new Error(`no alert ${alertName}`);
  const expAlerts = testCase.fires.map((expected) => {
    const severity = expected.severity ?? definition.tiers[0]?.severity;
    const tier = definition.tiers.find((t) => t.severity === severity);
    if (!tier) throw new Error(`${alertName} has no ${String(severity)} tier`);
    return {
      exp_labels: {
        ...expected.labels,
        ...values.rules.labels,
        severity: tier.severity,
        component: definition.component,
      },
      exp_annotations: {
        summary: definition.summary,
        description: expandAnnotation(
          alertDescription(definition, tier),
          expected.labels,
          expected.value,
        ),
        runbook_url: runbookUrl(values, alertName),
      },
    };
  });
  return stringify({
    rule_files: [ruleFile],
    evaluation_interval: "1m",
    tests: [
      {
        interval: "1m",
        input_series: testCase.series,
        alert_rule_test: [
          { eval_time: testCase.evalTime, alertname: alertName, exp_alerts: expAlerts },
        ],
      },
    ],
  });
}

const created: string[] = [];

/** A temporary directory, removed by `removeTempDirs` (called from the test files' afterAll). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Runs promtool; returns its combined output and whether it succeeded. */
export function promtool(args: string[], cwd: string): { ok: boolean; output: string } {
  try {
    const output = execFileSync(PROMTOOL, args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { ok: true, output };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failure.stdout ?? ""}${failure.stderr ?? ""}` };
  }
}

export function writeFile(dir: string, name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** An alert promtool must see firing at `evalTime`, with its labels and annotations. */
export interface ExpectedRuleAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}

/** A promtool unit test over several alerts and expressions (the SLO tests; one alert per case elsewhere). */
export interface UnitTest {
  series: { series: string; values: string }[];
  /**
   * The order promtool evaluates the rule groups in at each step (random otherwise): recording
   * groups before the alert groups that read them, as a ruler converges to within an interval.
   */
  groupEvalOrder?: string[];
  /** Firing alerts by name at a time; an empty list proves the alert quiet then. */
  alerts?: { evalTime: string; alertname: string; expAlerts: ExpectedRuleAlert[] }[];
  /** Values of expressions (recorded series) at a time; an empty list proves absence. */
  exprs?: {
    evalTime: string;
    expr: string;
    expSamples: { labels: string; value: number }[];
  }[];
}

/** One `promtool test rules` file for a unit test, at a one-minute interval. */
export function promtoolUnitTestFile(ruleFile: string, test: UnitTest): string {
  return stringify({
    rule_files: [ruleFile],
    evaluation_interval: "1m",
    ...(test.groupEvalOrder ? { group_eval_order: test.groupEvalOrder } : {}),
    tests: [
      {
        interval: "1m",
        input_series: test.series,
        alert_rule_test: (test.alerts ?? []).map((a) => ({
          eval_time: a.evalTime,
          alertname: a.alertname,
          exp_alerts: a.expAlerts,
        })),
        promql_expr_test: (test.exprs ?? []).map((e) => ({
          expr: e.expr,
          eval_time: e.evalTime,
          exp_samples: e.expSamples,
        })),
      },
    ],
  });
}
