import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ValuesError } from "@materialize-monitoring/core";
import { afterAll, describe, expect, it } from "vitest";
import { metricSource, SCRAPE_SERIES } from "../src/metrics/sources.js";
import { parseProblems, promqlMetricNames } from "../src/queries/parse.js";
import { RECORDED } from "../src/queries/recorded.js";
import { ALERT_DEFINITIONS } from "../src/rules/definitions.js";
import type { AlertingRule, RecordingRule } from "../src/rules/render.js";
import {
  durationText,
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
import { type AlertCase, RULE_CASES } from "./support/rule-cases.js";

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
    const named: [string, AlertCase][] = [
      ["fires", cases.fires],
      ...("exempt" in cases.quiet ? [] : [["stays quiet", cases.quiet] as [string, AlertCase]]),
      ...Object.entries(cases.more ?? {}),
    ];
    named.forEach(([what, testCase], index) => {
      it(`promtool test rules: ${alert.name} ${what}`, () => {
        const file = `${alert.name}-${String(index)}.test.yaml`;
        writeFile(dir, file, promtoolTestFile("rules.yaml", alert.name, testCase, allEnabled));
        const result = promtool(["test", "rules", file], dir);
        expect(result.ok, result.output).toBe(true);
      });
    });
  }

  it("render every rule expression so that it parses with lezer-promql and names only known metrics", () => {
    const recorded = new Set<string>(Object.values(RECORDED));
    for (const rule of allRules(prometheusRuleGroups(allEnabled))) {
      const name = rule.alert ?? rule.record;
      expect(parseProblems("promql", rule.expr), `${String(name)}: ${rule.expr}`).toEqual([]);
      for (const metric of promqlMetricNames(rule.expr)) {
        const known =
          recorded.has(metric) || SCRAPE_SERIES.includes(metric) || metricSource(metric);
        expect(known, `${String(name)} reads ${metric}`).toBeTruthy();
      }
    }
  });

  it("give a starting clusterd process a grace period and count only compute servers", () => {
    const rules = allRules(prometheusRuleGroups(defaults));
    const noCommands = rules.filter((r) => r.alert === "MaterializeClusterdNotReceivingCommands");
    expect(noCommands.map((r) => [r.labels?.severity, r.for])).toEqual([["warning", "2m"]]);
    expect(noCommands[0]?.expr).toContain(
      'mz_cluster_server_last_command_received{server_name="compute"}',
    );
    expect(noCommands[0]?.expr).toContain('container_start_time_seconds{container="clusterd"');
    expect(noCommands[0]?.expr).toMatch(/\) > 300$/);
  });

  it("treat only graceful exit codes as expected for system clusters, and keep them out of the user-replica alerts", () => {
    const rules = allRules(prometheusRuleGroups(defaults));
    const expr = (name: string) => rules.find((r) => r.alert === name)?.expr ?? "";
    expect(expr("MaterializeSystemClusterUnexpectedRestart")).toContain("!= 0 != 166)");
    expect(expr("MaterializeSystemClusterUnexpectedRestart")).toContain(
      'cluster_environmentd_materialize_cloud_cluster_id=~"s.*"',
    );
    for (const name of [
      "MaterializeClusterdUnexpectedRestart",
      "MaterializeReplicaMemoryNearLimit",
    ]) {
      expect(expr(name), name).toContain("unless on (namespace, pod)");
    }
    expect(expr("MaterializeHydrationStuck")).toContain('{instance_id!~"s.*"}');
    expect(expr("MaterializeSystemClusterHydrationStuck")).toContain('{instance_id=~"s.*"}');
  });

  it("page for a pending environmentd, warn for other pending pods", () => {
    const rules = allRules(prometheusRuleGroups(defaults));
    const envd = rules.filter((r) => r.alert === "MaterializeEnvironmentdPodPending");
    expect(envd.map((r) => r.labels?.severity)).toEqual(["critical"]);
    expect(envd[0]?.expr).toContain('pod=~".+-environmentd-.+"');
    expect(rules.find((r) => r.alert === "MaterializePodPending")?.expr).toContain(
      'pod!~".+-environmentd-.+"',
    );
  });

  it("warn of replica expiration a week ahead, and show duration thresholds as durations", () => {
    const rules = allRules(prometheusRuleGroups(defaults)).filter(
      (r) => r.alert === "MaterializeReplicaExpirationApproaching",
    );
    expect(rules.map((r) => [r.labels?.severity, r.expr.split("\n").at(-1)])).toEqual([
      ["warning", ") < 604800"],
      ["critical", ") < 3600"],
    ]);
    expect(rules[0]?.annotations?.description).toContain("(less than 7d)");
    expect([604800, 3600, 300, 5400, 90, 0.5].map(durationText)).toEqual([
      "7d",
      "1h",
      "5m",
      "1h30m",
      "1m30s",
      "0.5s",
    ]);
  });

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
      // label_replace's capture-group references ("$1") are PromQL, not Grafana variables.
      const expr = rule.expr.replace(/"\$\d+"/g, '""');
      expect(expr, rule.alert ?? rule.record).not.toContain("$");
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

  it("cover panics, data-correctness errors and filter-pushdown violations, in LogQL that parses", () => {
    const rules = allRules(groups);
    expect(rules.map((r) => r.alert)).toEqual(lokiAlerts.map((a) => a.name));
    for (const rule of rules) expect(parseProblems("logql", rule.expr), rule.expr).toEqual([]);
    expect(rules[0]?.expr).toContain("|~ `^thread '[^']*' panicked at `");
    const pushdown = rules.find((r) => r.alert === "MaterializePersistPushdownViolation");
    expect(pushdown?.expr).toContain("|= `persist filter pushdown correctness violation`");
    expect(pushdown?.labels?.severity).toBe("critical");
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
