import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Dashboard, Panel, RowPanel } from "@grafana/grafana-foundation-sdk/dashboard";
import { parseValues, promqlProblem } from "@materialize-monitoring/core";
import { afterAll, describe, expect, it } from "vitest";
import { metricAllowLists, sourceMetrics } from "../src/allowlists.js";
import { dashboards } from "../src/dashboards/build.js";
import { SLO_DASHBOARD_UID, sloDashboardSpec, sloSeriesPattern } from "../src/dashboards/spec.js";
import { metricSource } from "../src/metrics/sources.js";
import { parseProblems, promqlMetricNames } from "../src/queries/parse.js";
import { SLO_RECORDED, SLO_RECORDED_NAMES } from "../src/queries/recorded.js";
import { queryRegistry } from "../src/queries/registry.js";
import type { AlertingRule, RecordingRule } from "../src/rules/render.js";
import { prometheusRuleGroups, resolveAlerts, ruleFileYaml } from "../src/rules/render.js";
import {
  BURN_RATE_ALERTS,
  freshnessLagExpr,
  freshnessSloRuleGroups,
  SLO_GROUPS,
} from "../src/rules/slos.js";
import { materializeValues, queryScope } from "../src/values.js";
import { expandAnnotation } from "./support/humanize.js";
import {
  promtool,
  promtoolUnitTestFile,
  removeTempDirs,
  tempDir,
  writeFile,
} from "./support/promtool.js";
import { PACKAGE_DIR } from "./support/reference.js";
import {
  FAST_BURN,
  ORDERS,
  SERVING,
  SLO_CASES,
  SLO_VALUES,
  SLOW_BURN,
} from "./support/slo-cases.js";

const defaults = materializeValues.parse({});
const withSlos = materializeValues.parse(SLO_VALUES["serving+orders"]);

type AnyRule = Partial<AlertingRule & RecordingRule> & { expr: string };
const sloRules = (values = withSlos): AnyRule[] =>
  freshnessSloRuleGroups(values).flatMap((g) => g.rules);
const alertRules = (values = withSlos) => sloRules(values).filter((r) => r.alert);

/** The problems zod reports for `slos.freshness`, as `path: message`. */
function problems(freshness: unknown[]): string {
  const result = materializeValues.safeParse({ slos: { freshness } });
  return result.success
    ? ""
    : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
}

describe("freshness SLO values", () => {
  it("are opt-in: no SLO, no SLO rules and no Freshness SLOs dashboard by default", () => {
    expect(defaults.slos.freshness).toEqual([]);
    expect(freshnessSloRuleGroups(defaults)).toEqual([]);
    expect(prometheusRuleGroups(defaults).map((g) => g.name)).not.toContain(SLO_GROUPS.recording);
    expect(Object.keys(dashboards(defaults))).not.toContain(`mz-${SLO_DASHBOARD_UID}`);
  });

  it("default the window to 30 days and both alerts on", () => {
    const [slo] = withSlos.slos.freshness;
    expect(slo).toMatchObject({ window: "30d", alerts: { page: true, ticket: true } });
  });

  it.each([
    [[{ ...SERVING, name: "Serving" }], /^slos\.freshness\.0\.name: lower-case letters/],
    [[SERVING, { ...ORDERS, name: "serving" }], /^slos\.freshness\.1\.name: another SLO/],
    [[{ ...SERVING, clusterId: "quickstart" }], /^slos\.freshness\.0\.clusterId: a cluster id/],
    [[{ ...SERVING, objectIds: ["u42", "x"] }], /^slos\.freshness\.0\.objectIds\.1: a global id/],
    [[{ ...SERVING, threshold: "500ms" }], /^slos\.freshness\.0\.threshold: at least 1s/],
    [[{ ...SERVING, threshold: "fast" }], /^slos\.freshness\.0\.threshold: not a duration/],
    [[{ ...SERVING, objective: 1 }], /^slos\.freshness\.0\.objective: /],
    [[{ ...SERVING, objective: 0.9 }], /^slos\.freshness\.0\.objective: below 0\.931/],
    [[{ ...SERVING, window: "7d" }], /^slos\.freshness\.0\.window: /],
    [[{ ...SERVING, environment: 'prod"' }], /^slos\.freshness\.0\.environment: /],
    [[{ ...SERVING, labels: { "team-name": "x" } }], /^slos\.freshness\.0\.labels\.team-name: /],
  ])("refuse %j, naming the field", (freshness, expected) => {
    expect(problems(freshness)).toMatch(expected);
  });

  it("name the path of bad SLO values from the component's entry point", () => {
    expect(() =>
      parseValues(materializeValues, { slos: { freshness: [{ ...SERVING, treshold: "1m" }] } }, [
        "materialize",
      ]),
    ).toThrow('materialize.slos.freshness[0].treshold: unknown key (did you mean "threshold"?)');
  });
});

describe("freshness SLO rules", () => {
  it("record the SLI chain per SLO, then the burn-rate alerts, after the package's groups", () => {
    const names = prometheusRuleGroups(withSlos).map((g) => g.name);
    expect(names.slice(-2)).toEqual([SLO_GROUPS.recording, SLO_GROUPS.alerting]);
    const recorded = sloRules().filter((r) => r.record && r.labels?.slo === "serving");
    expect(recorded.map((r) => r.record)).toEqual(SLO_RECORDED_NAMES);
    expect(sloRules().filter((r) => r.record).length).toBe(2 * SLO_RECORDED_NAMES.length);
  });

  it("measure the worst collection at its freshest replica, hydrated collections only", () => {
    const [serving, orders] = withSlos.slos.freshness;
    expect(freshnessLagExpr(serving!)).toBe(
      [
        "max by (materialize_cloud_organization_name, instance_id) (",
        "  min by (materialize_cloud_organization_name, instance_id, collection_id) (",
        '    mz_dataflow_wallclock_lag_seconds{quantile="1", instance_id="u1"} < 1e9',
        "  )",
        ")",
      ].join("\n"),
    );
    expect(freshnessLagExpr(orders!)).toContain(
      '{quantile="1", instance_id="u1", materialize_cloud_organization_name="prod", collection_id=~"u42"}',
    );
    const rule = (record: string) =>
      sloRules().find((r) => r.record === record && r.labels?.slo === "serving")?.expr;
    expect(rule(SLO_RECORDED.good)).toBe('mz_slo:freshness_lag:seconds{slo="serving"} < bool 60');
    expect(rule(SLO_RECORDED.sli("1h"))).toBe(
      'avg_over_time(mz_slo:freshness_good:bool{slo="serving"}[1h])',
    );
    expect(rule(SLO_RECORDED.sli("period"))).toBe(
      'avg_over_time(mz_slo:freshness_good:bool{slo="serving"}[30d])',
    );
    expect(rule(SLO_RECORDED.burnRate("6h"))).toBe(
      '(1 - mz_slo:freshness_sli:ratio_6h{slo="serving"}) / 0.01',
    );
  });

  it("write the error budget without binary noise", () => {
    const strict = materializeValues.parse({
      slos: { freshness: [{ ...SERVING, objective: 0.999, window: "28d" }] },
    });
    const exprs = sloRules(strict).map((r) => r.expr);
    expect(exprs).toContain('(1 - mz_slo:freshness_sli:ratio_5m{slo="serving"}) / 0.001');
    expect(exprs).toContain('avg_over_time(mz_slo:freshness_good:bool{slo="serving"}[28d])');
    expect(exprs).toContain('mz_slo:freshness_sli:ratio_period{slo="serving"} * 0 + 0.999');
  });

  it("page on 14.4x over 1h and 5m or 6x over 6h and 30m, ticket on 3x over 1d and 2h or 1x over 3d and 6h", () => {
    expect(
      BURN_RATE_ALERTS.map((a) => [
        a.alert,
        a.severity,
        a.windows.map((w) => `${w.factor}x ${w.long}/${w.short}`),
      ]),
    ).toEqual([
      [FAST_BURN, "critical", ["14.4x 1h/5m", "6x 6h/30m"]],
      [SLOW_BURN, "warning", ["3x 1d/2h", "1x 3d/6h"]],
    ]);
    const page = alertRules().find((r) => r.alert === FAST_BURN && r.labels?.slo === "serving");
    expect(page?.expr).toBe(
      [
        "(",
        '  mz_slo:freshness_burn_rate:ratio_1h{slo="serving"} > 14.4',
        "  and",
        '  mz_slo:freshness_burn_rate:ratio_5m{slo="serving"} > 14.4',
        ")",
        "or",
        "(",
        '  mz_slo:freshness_burn_rate:ratio_6h{slo="serving"} > 6',
        "  and",
        '  mz_slo:freshness_burn_rate:ratio_30m{slo="serving"} > 6',
        ")",
      ].join("\n"),
    );
  });

  it("pass promtool check rules, with the package's rules", () => {
    const dir = tempDir("mz-slo-check-");
    writeFile(dir, "rules.yaml", ruleFileYaml(prometheusRuleGroups(withSlos)));
    const result = promtool(["check", "rules", "rules.yaml"], dir);
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.ok, result.output).toBe(true);
  });

  it("parse with lezer-promql and core's promqlProblem, and read only the lag metric or SLO series", () => {
    for (const rule of sloRules()) {
      const name = rule.alert ?? rule.record;
      expect(parseProblems("promql", rule.expr), `${name}: ${rule.expr}`).toEqual([]);
      expect(promqlProblem(rule.expr), `${name}: ${rule.expr}`).toBeUndefined();
      expect(rule.expr, String(name)).not.toContain("$");
      for (const metric of promqlMetricNames(rule.expr)) {
        const known = SLO_RECORDED_NAMES.includes(metric) || metricSource(metric) === "materialize";
        expect(known, `${name} reads ${metric}`).toBe(true);
      }
    }
  });

  it("label and annotate like the other alerts, with runbook sections that exist", () => {
    const runbooks = readFileSync(join(PACKAGE_DIR, "docs/runbooks.md"), "utf8");
    const headings = new Set([...runbooks.matchAll(/^#{2,4} (.+)$/gm)].map((m) => m[1]?.trim()));
    const rules = alertRules();
    expect(rules.map((r) => `${r.alert}/${r.labels?.slo}`)).toEqual([
      `${FAST_BURN}/serving`,
      `${SLOW_BURN}/serving`,
      `${FAST_BURN}/orders`,
      `${SLOW_BURN}/orders`,
    ]);
    for (const rule of rules) {
      expect(rule.labels?.severity).toMatch(/^(critical|warning)$/);
      expect(rule.labels?.component).toBe("freshness");
      expect(rule.annotations?.summary).toBeTruthy();
      expect(rule.annotations?.description).toContain(`Freshness SLO ${rule.labels?.slo} (`);
      expect(rule.annotations?.runbook_url).toBe(
        `${withSlos.rules.runbookBaseUrl}#${String(rule.alert).toLowerCase()}`,
      );
      expect(headings.has(rule.alert), `runbook section ${rule.alert}`).toBe(true);
    }
    expect(rules[0]?.annotations?.description).toBe(
      "Freshness SLO serving (cluster u1 in environment {{ $labels.materialize_cloud_organization_name }}: wallclock lag below 60s in 99% of minutes over 30d) burns its error budget at {{ $value | humanize }}x the rate that would spend it exactly over 30d (above 14.4x over 1h and 5m, or above 6x over 6h and 30m). At 14.4x the budget lasts about two days, at 6x about five: find the stalled objects now.",
    );
  });

  it("take rules.labels, then the SLO's labels, with slo, severity and component last; alerts switch per SLO", () => {
    const values = materializeValues.parse({
      rules: { labels: { team: "platform", env: "prod" }, interval: "30s" },
      slos: {
        freshness: [
          { ...SERVING, labels: { team: "data", severity: "info" }, alerts: { page: false } },
        ],
      },
    });
    const groups = freshnessSloRuleGroups(values);
    expect(groups.every((g) => g.interval === "30s")).toBe(true);
    const rules = groups.flatMap((g) => g.rules).filter((r): r is AlertingRule => "alert" in r);
    expect(rules.map((r) => r.alert)).toEqual([SLOW_BURN]);
    expect(rules[0]?.labels).toEqual({
      team: "data",
      env: "prod",
      severity: "warning",
      component: "freshness",
      slo: "serving",
    });
    const silent = materializeValues.parse({
      slos: { freshness: [{ ...SERVING, alerts: { page: false, ticket: false } }] },
    });
    expect(freshnessSloRuleGroups(silent).map((g) => g.name)).toEqual([SLO_GROUPS.recording]);
  });

  it("point rules.alerts overrides of an SLO alert to the SLO's own switches", () => {
    const values = materializeValues.parse({
      rules: { alerts: { [FAST_BURN]: { enabled: false } } },
    });
    expect(() => resolveAlerts(values)).toThrow(
      `materialize.rules.alerts.${FAST_BURN}: a freshness SLO alert is not overridden here (switch it per SLO with slos.freshness[].alerts.page or .ticket`,
    );
  });

  it("keep the allow-lists as they are: every SLO series is built from the wallclock lag", () => {
    const registry = queryRegistry(queryScope(withSlos));
    const queries = new Map(registry.queries);
    expect(sourceMetrics(registry.get("slo.error_budget_remaining"), queries)).toEqual([
      "mz_dataflow_wallclock_lag_seconds",
    ]);
    expect(metricAllowLists(withSlos).materialize.metrics).toEqual(
      metricAllowLists(defaults).materialize.metrics,
    );
  });

  it("pins the rendered SLO rule file", () => {
    expect(ruleFileYaml(freshnessSloRuleGroups(withSlos))).toMatchSnapshot();
  });

  const dir = tempDir("mz-slo-unit-");
  const ruleFiles = Object.fromEntries(
    Object.entries(SLO_VALUES).map(([name, values]) => {
      const file = `${name}.rules.yaml`;
      writeFile(dir, file, ruleFileYaml(freshnessSloRuleGroups(materializeValues.parse(values))));
      return [name, file];
    }),
  );
  Object.entries(SLO_CASES).forEach(([what, testCase], index) => {
    it(`promtool test rules: ${what}`, () => {
      const values = materializeValues.parse(SLO_VALUES[testCase.values]);
      const rules = alertRules(values);
      const alerts = Object.entries(testCase.fires).map(([alertname, firing]) => ({
        evalTime: testCase.evalTime,
        alertname,
        expAlerts: firing.map((f) => {
          const rule = rules.find((r) => r.alert === alertname && r.labels?.slo === f.slo);
          if (!rule) throw new Error(`no ${alertname} for SLO ${f.slo}`);
          const labels = {
            ...rule.labels,
            materialize_cloud_organization_name: f.environment,
            instance_id: "u1",
          };
          return {
            exp_labels: labels,
            exp_annotations: {
              summary: rule.annotations?.summary ?? "",
              description: expandAnnotation(rule.annotations?.description ?? "", labels, f.value),
              runbook_url: rule.annotations?.runbook_url ?? "",
            },
          };
        }),
      }));
      const exprs = (testCase.exprs ?? []).map((e) => ({
        evalTime: testCase.evalTime,
        expr: e.expr,
        expSamples: e.samples,
      }));
      const file = `case-${String(index)}.test.yaml`;
      writeFile(
        dir,
        file,
        promtoolUnitTestFile(ruleFiles[testCase.values] ?? "", {
          groupEvalOrder: [SLO_GROUPS.recording, SLO_GROUPS.alerting],
          series: testCase.series,
          alerts,
          exprs,
        }),
      );
      const result = promtool(["test", "rules", file], dir);
      expect(result.ok, result.output).toBe(true);
    });
  });
});

type AnyPanel = Panel | RowPanel;
const panelsOf = (d: Dashboard | undefined): Panel[] =>
  (d?.panels ?? []).filter((p: AnyPanel): p is Panel => p.type !== "row");

describe("Freshness SLOs dashboard", () => {
  const built = dashboards(withSlos);
  const dashboard = built[`mz-${SLO_DASHBOARD_UID}`];
  const registry = queryRegistry(queryScope(withSlos));
  const registryExprs = new Map([...registry.queries.values()].map((q) => [q.expr, q]));

  it("is built beside the others only when an SLO is configured", () => {
    expect(Object.keys(built)).toEqual([
      "mz-overview",
      "mz-workloads",
      "mz-activity",
      "mz-clusters",
      "mz-compute",
      "mz-storage",
      "mz-freshness",
      "mz-replicas",
      "mz-logs",
      "mz-stack",
      "mz-slos",
    ]);
    expect(dashboard?.title).toBe("Materialize / Freshness SLOs");
    expect(dashboard?.uid).toBe("mz-slos");
  });

  it("has rows for the budget, the burn rates and the SLI", () => {
    expect((dashboard?.panels ?? []).filter((p) => p.type === "row").map((p) => p.title)).toEqual([
      "Error budget",
      "Burn rate",
      "SLI and lag",
    ]);
  });

  it("gives every panel a unit and thresholds, and registry queries that parse", () => {
    const panels = panelsOf(dashboard);
    expect(panels.length).toBeGreaterThanOrEqual(8);
    for (const panel of panels) {
      const defaults = panel.fieldConfig?.defaults;
      expect(defaults?.unit, `${panel.title} unit`).toMatch(/^(percentunit|s|suffix:x)$/);
      const steps = defaults?.thresholds?.steps ?? [];
      expect(steps.length, `${panel.title} thresholds`).toBeGreaterThan(0);
      expect(steps[0]?.value, `${panel.title} base step`).toBeNull();
      const targets = (panel.targets ?? []) as { expr?: string }[];
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets) {
        expect(registryExprs.get(target.expr ?? ""), target.expr).toBeDefined();
        expect(parseProblems("promql", target.expr ?? "")).toEqual([]);
        expect(target.expr).toContain('slo=~"$slo"');
      }
      expect(panel.datasource?.uid).toBe("${datasource}");
    }
  });

  it("draws the alerts' burn-rate factors as thresholds", () => {
    const panel = (title: string) => panelsOf(dashboard).find((p) => p.title === title);
    const values = (title: string) =>
      panel(title)
        ?.fieldConfig?.defaults?.thresholds?.steps.map((s) => s.value)
        .slice(1);
    expect(values("Burn rate: page windows")).toEqual([6, 14.4]);
    expect(values("Burn rate: ticket windows")).toEqual([1, 3]);
    expect(
      panel("Burn rate: page windows")?.fieldConfig?.defaults?.custom?.thresholdsStyle,
    ).toEqual({ mode: "dashed" });
  });

  it("gives each SLO its own objective and lag threshold", () => {
    const overrides = (title: string) =>
      (panelsOf(dashboard).find((p) => p.title === title)?.fieldConfig?.overrides ?? []).map(
        (o) => [o.matcher.options, o.properties[0]?.value?.steps?.[1]?.value],
      );
    expect(overrides("SLI over the SLO window")).toEqual([
      ["^serving \\(", 0.99],
      ["^orders \\(", 0.99],
    ]);
    expect(overrides("Lag against the threshold")).toEqual([
      ["^serving \\(", 60],
      ["^orders \\(", 60],
    ]);
    expect(new RegExp(sloSeriesPattern("serving")).test("serving (prod) lag")).toBe(true);
    expect(new RegExp(sloSeriesPattern("serving")).test("serving-eu (prod) lag")).toBe(false);
  });

  it("filters by environment, cluster and SLO", () => {
    const variables = (dashboard?.templating.list ?? []).map((v) => [v.name, v.query]);
    expect(variables.map(([name]) => name)).toEqual([
      "datasource",
      "environment",
      "cluster",
      "slo",
    ]);
    expect(variables.at(-1)?.[1]).toBe(
      'label_values(mz_slo:freshness_objective:ratio{materialize_cloud_organization_name=~"$environment"}, slo)',
    );
  });

  it("has a spec without SLOs too (for the catalogue), with the default thresholds", () => {
    const spec = sloDashboardSpec([]);
    expect(spec.rows.flatMap((r) => r.panels).every((p) => p.thresholds)).toBe(true);
  });

  it("pins the dashboard", () => {
    expect(JSON.stringify(dashboard, null, 2)).toMatchSnapshot();
  });
});

afterAll(removeTempDirs);
