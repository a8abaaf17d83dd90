import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ValuesError } from "@materialize-monitoring/core";
import { afterAll, describe, expect, it } from "vitest";
import { parseProblems } from "../src/queries/parse.js";
import { ALERT_DEFINITIONS } from "../src/rules/definitions.js";
import type { AlertingRule, RecordingRule } from "../src/rules/render.js";
import {
  lokiRuleGroups,
  prometheusRuleGroups,
  resolveAlerts,
  ruleFileYaml,
} from "../src/rules/render.js";
import { materializeValues } from "../src/values.js";
import {
  promtool,
  promtoolTestFile,
  removeTempDirs,
  tempDir,
  writeFile,
} from "./support/promtool.js";
import { PACKAGE_DIR } from "./support/reference.js";
import { RULE_CASES } from "./support/rule-cases.js";

const defaults = materializeValues.parse({});
/** Every alert on, so every alert's unit tests run. */
const allEnabled = materializeValues.parse({
  rules: {
    alerts: Object.fromEntries(ALERT_DEFINITIONS.map((a) => [a.name, { enabled: true }])),
  },
});
const promAlerts = ALERT_DEFINITIONS.filter((a) => !a.query.startsWith("logs."));
const lokiAlerts = ALERT_DEFINITIONS.filter((a) => a.query.startsWith("logs."));

/** Every rule, seen with the fields of both kinds (absent where a kind has none). */
type AnyRule = Partial<AlertingRule & RecordingRule> & { expr: string };

function allRules(groups: ReturnType<typeof prometheusRuleGroups>): AnyRule[] {
  return groups.flatMap((g) => g.rules);
}

function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, "")
    .replace(/ /g, "-");
}

describe("Prometheus rules", () => {
  it("pass promtool check rules (default values and every alert enabled)", () => {
    for (const [name, values] of [
      ["defaults", defaults],
      ["all-enabled", allEnabled],
    ] as const) {
      const dir = tempDir("mz-check-");
      writeFile(dir, "rules.yaml", ruleFileYaml(prometheusRuleGroups(values)));
      const result = promtool(["check", "rules", "rules.yaml"], dir);
      expect(result.output, name).toMatch(/SUCCESS/);
      expect(result.ok, result.output).toBe(true);
    }
  });

  it("have promtool unit-test data for every alert: a firing case and a quiet one", () => {
    for (const alert of promAlerts) {
      const cases = RULE_CASES[alert.name];
      expect(cases, `${alert.name} has no cases`).toBeDefined();
      expect(cases?.fires.fires.length, `${alert.name} fires`).toBeGreaterThan(0);
      const quiet = cases?.quiet;
      if (quiet && "exempt" in quiet) expect(alert.name).toBe("Watchdog");
      else expect(quiet?.fires, `${alert.name} quiet case`).toEqual([]);
    }
    expect(Object.keys(RULE_CASES).sort()).toEqual(promAlerts.map((a) => a.name).sort());
  });

  const dir = tempDir("mz-unit-");
  writeFile(dir, "rules.yaml", ruleFileYaml(prometheusRuleGroups(allEnabled)));
  for (const alert of promAlerts) {
    const cases = RULE_CASES[alert.name];
    if (!cases) continue;
    for (const [kind, testCase] of Object.entries(cases)) {
      if ("exempt" in testCase) continue;
      it(`promtool test rules: ${alert.name} ${kind === "fires" ? "fires" : "stays quiet"}`, () => {
        const file = `${alert.name}-${kind}.test.yaml`;
        writeFile(dir, file, promtoolTestFile("rules.yaml", alert.name, testCase, allEnabled));
        const result = promtool(["test", "rules", file], dir);
        expect(result.ok, result.output).toBe(true);
      });
    }
  }

  it("label and annotate every alert, with a runbook section that exists", () => {
    const runbooks = readFileSync(join(PACKAGE_DIR, "docs/runbooks.md"), "utf8");
    const anchors = new Set([...runbooks.matchAll(/^#{2,4} (.+)$/gm)].map((m) => slug(m[1] ?? "")));
    const rules = [
      ...allRules(prometheusRuleGroups(allEnabled)),
      ...allRules(lokiRuleGroups(allEnabled)),
    ];
    const alerts = rules.filter((r) => r.alert);
    expect(new Set(alerts.map((a) => a.alert))).toEqual(
      new Set(ALERT_DEFINITIONS.map((a) => a.name)),
    );
    for (const rule of alerts) {
      expect(rule.labels?.severity, rule.alert).toMatch(/^(critical|warning|info|none)$/);
      expect(rule.labels?.component, rule.alert).toBeTruthy();
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
      const url = rule.annotations?.runbook_url ?? "";
      expect(url).toMatch(/docs\/runbooks\.md#/);
      expect(anchors.has(url.split("#")[1] ?? ""), `${rule.alert}: missing runbook ${url}`).toBe(
        true,
      );
    }
  });

  it("never put a Grafana variable in a rule", () => {
    for (const rule of [
      ...allRules(prometheusRuleGroups(allEnabled)),
      ...allRules(lokiRuleGroups(allEnabled)),
    ]) {
      expect(rule.expr, rule.alert ?? rule.record).not.toContain("$");
    }
  });

  it("exclude the graceful exit codes from the unexpected-restart alerts", () => {
    const rules = allRules(prometheusRuleGroups(defaults));
    const envd = rules.find((r) => r.alert === "MaterializeEnvironmentdUnexpectedRestart");
    const clusterd = rules.find((r) => r.alert === "MaterializeClusterdUnexpectedRestart");
    expect(envd?.expr).toContain("!= 166)");
    expect(clusterd?.expr).toContain("!= 135 != 137 != 166 != 167)");
  });

  it("keep user-cluster freshness opt-in and system-cluster freshness on by default", () => {
    const names = allRules(prometheusRuleGroups(defaults)).map((r) => r.alert);
    expect(names).toContain("MaterializeSystemClusterFreshnessLag");
    expect(names).not.toContain("MaterializeUserClusterFreshnessLag");
    const optedIn = materializeValues.parse({
      rules: { alerts: { MaterializeUserClusterFreshnessLag: { enabled: true } } },
    });
    expect(allRules(prometheusRuleGroups(optedIn)).map((r) => r.alert)).toContain(
      "MaterializeUserClusterFreshnessLag",
    );
  });

  it("take typed overrides for thresholds, durations, labels and enablement", () => {
    const values = materializeValues.parse({
      rules: {
        labels: { team: "data-platform" },
        interval: "30s",
        alerts: {
          MaterializeSystemClusterFreshnessLag: {
            tiers: [{ severity: "critical", threshold: 30, for: "2m" }],
          },
          Watchdog: { enabled: false },
          LokiDown: { labels: { page: "false" } },
        },
      },
    });
    const groups = prometheusRuleGroups(values);
    expect(groups.every((g) => g.interval === "30s")).toBe(true);
    const rules = allRules(groups);
    const lag = rules.filter((r) => r.alert === "MaterializeSystemClusterFreshnessLag");
    expect(lag).toHaveLength(1);
    expect(lag[0]?.expr).toMatch(/\) > 30$/);
    expect(lag[0]?.for).toBe("2m");
    expect(lag[0]?.labels).toEqual({
      team: "data-platform",
      severity: "critical",
      component: "freshness",
    });
    expect(rules.some((r) => r.alert === "Watchdog")).toBe(false);
    expect(rules.find((r) => r.alert === "LokiDown")?.labels?.page).toBe("false");
  });

  it("reject an unknown alert name with a suggestion", () => {
    const values = materializeValues.parse({
      rules: { alerts: { MaterializeEnvironmentdDwn: { enabled: false } } },
    });
    expect(() => resolveAlerts(values)).toThrow(ValuesError);
    expect(() => resolveAlerts(values)).toThrow(
      'materialize.rules.alerts.MaterializeEnvironmentdDwn: unknown alert (did you mean "MaterializeEnvironmentdDown"?)',
    );
  });

  it("reject a threshold alert tier without a threshold, and duplicate severities", () => {
    const missing = materializeValues.parse({
      rules: {
        alerts: { MaterializeCPUThrottling: { tiers: [{ severity: "warning", for: "5m" }] } },
      },
    });
    expect(() => resolveAlerts(missing)).toThrow(
      /materialize\.rules\.alerts\.MaterializeCPUThrottling\.tiers\[0\]\.threshold: this alert compares a measurement with a threshold, and the tier has none/,
    );
    const duplicate = materializeValues.parse({
      rules: {
        alerts: {
          NodeFilesystemAlmostFull: {
            tiers: [
              { severity: "warning", threshold: 0.1, for: "5m" },
              { severity: "warning", threshold: 0.2, for: "5m" },
            ],
          },
        },
      },
    });
    expect(() => resolveAlerts(duplicate)).toThrow(/two tiers have the same severity/);
  });

  it("pins the rendered rule file", () => {
    expect(ruleFileYaml(prometheusRuleGroups(defaults))).toMatchSnapshot();
  });
});

describe("Loki ruler rules", () => {
  const groups = lokiRuleGroups(defaults);

  it("cover panics and data-correctness errors, in LogQL that parses", () => {
    const rules = allRules(groups);
    expect(rules.map((r) => r.alert)).toEqual(lokiAlerts.map((a) => a.name));
    for (const rule of rules) expect(parseProblems("logql", rule.expr), rule.expr).toEqual([]);
    expect(rules[0]?.expr).toContain("|~ `^thread '[^']*' panicked at `");
  });

  it("are checked with LogQL parsing only: promtool cannot evaluate LogQL (no Loki ruler binary here)", () => {
    expect(groups.map((g) => g.name)).toEqual(["materialize-logs"]);
    expect(ruleFileYaml(groups)).toMatchSnapshot();
  });

  it("reject a correctness pattern that could break out of the query string", () => {
    expect(() => materializeValues.parse({ logs: { correctnessPattern: "a`b" } })).toThrow(
      /must not contain quotes, backticks or backslashes/,
    );
  });
});

afterAll(removeTempDirs);
