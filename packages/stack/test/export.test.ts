/**
 * `mzmon export`: the artifacts for a Prometheus and Grafana of the user's,
 * checked with the real promtool (Debian's prometheus package), against the
 * stack's own rendering of the same values (the Thanos ruler's rule file, the
 * Alloy gateway's scrape pipeline, the GrafanaDashboard resources), and for
 * determinism.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { KubeObject } from "@materialize-monitoring/core";
import { ALERT_DEFINITIONS } from "@materialize-monitoring/materialize";
import { GENERATED_RULES_KEY } from "@materialize-monitoring/thanos";
import { afterAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments, stringify } from "yaml";
import {
  EXPORT_KINDS,
  exportDashboards,
  exportFiles,
  exportPodMonitors,
  exportRules,
  exportScrapeConfig,
  PODMONITORS_FILE,
  RULES_FILE,
  SCRAPE_CONFIG_FILE,
} from "../src/export.js";
import { MANIFEST_NAME } from "../src/owned-folder.js";
import { type Stack, stack } from "../src/stack.js";
import type { StackValues } from "../src/values.js";
import { runCli } from "./run-cli.js";
import { describeWithK8sTools, runTool } from "./support/k8s-tools.js";
import { snapshot, temp } from "./support/rendered.js";

/** promtool from Debian's prometheus package (the e2e BINARIES convention: an env override, else PATH). */
function promtoolPath(): string {
  if (process.env.PROMTOOL) return process.env.PROMTOOL;
  const which = spawnSync("which", ["promtool"], { encoding: "utf8" });
  return which.status === 0 ? which.stdout.trim() : "/usr/bin/promtool";
}
const PROMTOOL = promtoolPath();

function promtool(args: string[], cwd: string): { ok: boolean; output: string } {
  const result = spawnSync(PROMTOOL, args, { cwd, encoding: "utf8" });
  if (result.error)
    throw new Error(`${PROMTOOL}: ${result.error.message} (apt-get install prometheus)`);
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/** The promtool version (`2.42.0+ds` gives `2.42`), so the scrape config is written for it. */
function promtoolVersion(): string {
  const out = spawnSync(PROMTOOL, ["--version"], { encoding: "utf8" });
  const match = /version (\d+\.\d+)/.exec(`${out.stdout}${out.stderr}`);
  if (!match?.[1]) throw new Error(`cannot read the promtool version: ${out.stdout}${out.stderr}`);
  return match[1];
}

const dirs: string[] = [];
const tempDir = (name: string) => {
  const dir = temp(name);
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function write(dir: string, files: { path: string; content: string }[]): string[] {
  return files.map((file) => {
    writeFileSync(join(dir, file.path), file.content);
    return file.path;
  });
}

/** A threshold alert that is on by default, and another alert to turn off. */
const thresholdAlert = ALERT_DEFINITIONS.find(
  (a) => a.enabled && a.condition.type === "threshold" && a.group !== "monitoring-stack",
);
const disabledAlert = ALERT_DEFINITIONS.find(
  (a) => a.enabled && a.name !== thresholdAlert?.name && a.group !== "monitoring-stack",
);
if (!thresholdAlert || !disabledAlert) throw new Error("no threshold alert to override");

/** Hostile values: a changed threshold, a disabled alert, an extra group with an awkward name and text. */
const HOSTILE: StackValues = {
  materialize: {
    rules: {
      labels: { team: 'data "platform" #1' },
      alerts: {
        [thresholdAlert.name]: { tiers: [{ severity: "warning", threshold: 0.4242, for: "7m" }] },
        [disabledAlert.name]: { enabled: false },
      },
    },
  },
  thanos: {
    ruler: {
      extraRuleGroups: [
        {
          name: 'data platform / pg: "quoted"',
          interval: "2m",
          rules: [
            {
              alert: "PgbouncerDown",
              expr: 'up{job="pgbouncer"} == 0',
              for: "5m",
              labels: { severity: "critical" },
              annotations: {
                description: 'pgbouncer {{ $labels.pod }} is "down" # since {{ $value }}',
              },
            },
            { record: "pgbouncer:up:sum", expr: 'sum(up{job="pgbouncer"})' },
          ],
        },
      ],
    },
  },
};

const built = new Map<string, Stack>();
/** The stack for some values, built once. */
function stackOf(values: StackValues): Stack {
  const key = JSON.stringify(values);
  let s = built.get(key);
  if (!s) {
    s = stack(values);
    built.set(key, s);
  }
  return s;
}

/** The rule file the stack mounts into its Thanos ruler, as data. */
function rulerRuleFile(values: StackValues): unknown {
  const thanos = stackOf(values).components.find((c) => c.name === "thanos");
  const cm = thanos?.objects.find(
    (o) =>
      o.kind === "ConfigMap" &&
      (o as { data?: Record<string, string> }).data?.[GENERATED_RULES_KEY],
  ) as { data: Record<string, string> } | undefined;
  if (!cm) throw new Error("the stack renders no ruler rule file");
  return parse(cm.data[GENERATED_RULES_KEY] as string);
}

type RuleFile = { groups: { name: string; rules: Record<string, unknown>[] }[] };

describe("export rules", () => {
  const single = exportRules({});
  const split = exportRules({}, { split: true });

  it("are the Thanos ruler's rule file, as data, for the default and for hostile values", () => {
    for (const values of [{}, HOSTILE]) {
      const [file] = exportRules(values);
      expect(file?.path).toBe(RULES_FILE);
      expect(parse(file?.content ?? "")).toEqual(rulerRuleFile(values));
      // One file per group holds the same groups, in the same order.
      const groups = exportRules(values, { split: true }).flatMap(
        (f) => (parse(f.content) as RuleFile).groups,
      );
      expect({ groups }).toEqual(rulerRuleFile(values));
    }
  });

  it("pass promtool check rules (the real tool), one file and one file per group", () => {
    const dir = tempDir("export-rules");
    for (const values of [{}, HOSTILE]) {
      for (const files of [exportRules(values), exportRules(values, { split: true })]) {
        const paths = write(dir, files);
        const result = promtool(["check", "rules", ...paths], dir);
        expect(result.ok, result.output).toBe(true);
        expect(result.output).not.toMatch(/FAILED/);
        for (const path of paths) rmSync(join(dir, path));
      }
    }
  });

  it("name one file per group, with a safe file name for any group name", () => {
    expect(single.map((f) => f.path)).toEqual([RULES_FILE]);
    expect(split.map((f) => f.path)).toContain("materialize-availability.rules.yaml");
    const hostile = exportRules(HOSTILE, { split: true }).map((f) => f.path);
    expect(hostile).toContain("data-platform-pg-quoted.rules.yaml");
    for (const path of hostile) expect(path).toMatch(/^[a-z0-9_.-]+\.rules\.yaml$/);
    expect(new Set(hostile).size).toBe(hostile.length);
  });

  it("carry the user's values: a changed threshold, a disabled alert, an extra group", () => {
    const groups = (parse(exportRules(HOSTILE)[0]?.content ?? "") as RuleFile).groups;
    const rules = groups.flatMap((g) => g.rules);
    const changed = rules.filter((r) => r.alert === thresholdAlert.name);
    expect(changed).toHaveLength(1);
    expect(changed[0]?.expr).toMatch(/[<>] 0\.4242$/);
    expect(changed[0]?.for).toBe("7m");
    expect(rules.some((r) => r.alert === disabledAlert.name)).toBe(false);
    expect(
      rules
        .filter((r) => r.alert && r.alert !== "PgbouncerDown")
        .every((r) => (r.labels as Record<string, string>).team === 'data "platform" #1'),
    ).toBe(true);
    const extra = groups.find((g) => g.name === 'data platform / pg: "quoted"');
    expect(extra?.rules.map((r) => r.alert ?? r.record)).toEqual([
      "PgbouncerDown",
      "pgbouncer:up:sum",
    ]);
    // The defaults have the alert the hostile values turn off.
    const defaults = (parse(single[0]?.content ?? "") as RuleFile).groups.flatMap((g) => g.rules);
    expect(defaults.some((r) => r.alert === disabledAlert.name)).toBe(true);
  });

  it("select on no label the stack's pipeline adds (no `cluster`)", () => {
    const exprs = (parse(single[0]?.content ?? "") as RuleFile).groups
      .flatMap((g) => g.rules)
      .map((r) => String(r.expr));
    for (const expr of exprs) {
      expect(expr).not.toMatch(/\bcluster\s*(=~|!~|!=|=)/);
      expect(expr).not.toMatch(/\b(by|on|without|ignoring)\s*\([^)]*\bcluster\b[^_]/);
    }
    // The labels the rules select Materialize series by are set by the exported scrape configs.
    const scrape = exportScrapeConfig({})[0]?.content ?? "";
    const jobs = new Set(
      [...exprs.join("\n").matchAll(/\bjob=~?"([^"]+)"/g)]
        .flatMap((m) => (m[1] as string).split("|"))
        .filter((job) => job.startsWith("materialize-")),
    );
    expect(jobs.size).toBeGreaterThan(2);
    for (const job of jobs) expect(scrape, job).toContain(`job_name: ${job}\n`);
  });
});

describe("export dashboards", () => {
  const files = exportDashboards({});

  /** The dashboard JSON of the stack's GrafanaDashboard resources, by uid. */
  function provisioned(values: StackValues): Map<string, unknown> {
    const out = new Map<string, unknown>();
    for (const o of stackOf(values).objects.filter((x) => x.kind === "GrafanaDashboard")) {
      const spec = (o as KubeObject & { spec: { uid: string; json?: string; gzipJson?: string } })
        .spec;
      const text = spec.json ?? gunzipSync(Buffer.from(spec.gzipJson ?? "", "base64")).toString();
      out.set(spec.uid, JSON.parse(text));
    }
    return out;
  }

  it("are the dashboards the stack provisions, one <uid>.json each", () => {
    const stackDashboards = provisioned({});
    expect(files.map((f) => f.path).sort()).toEqual(
      [...stackDashboards.keys()].map((uid) => `${uid}.json`).sort(),
    );
    for (const file of files) {
      const uid = file.path.replace(/\.json$/, "");
      expect(JSON.parse(file.content), uid).toEqual(stackDashboards.get(uid));
    }
  });

  it("are importable JSON by structure (uid, title, panels, datasource variables; the repo vendors no Grafana dashboard schema)", () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const d = JSON.parse(file.content) as {
        id?: unknown;
        uid: string;
        title: string;
        schemaVersion: number;
        panels: { id: number; type: string; gridPos: unknown; datasource?: unknown }[];
        templating: { list: { name: string; type: string; query?: unknown }[] };
      };
      expect(file.content.endsWith("}\n")).toBe(true);
      expect(d.uid, file.path).toMatch(/^[a-z0-9-]{1,40}$/);
      expect(`${d.uid}.json`).toBe(file.path);
      expect(d.title.length).toBeGreaterThan(0);
      // No numeric id: an import into another Grafana must not collide with its dashboards.
      expect(d.id ?? null).toBeNull();
      expect(d.schemaVersion).toBeGreaterThanOrEqual(39);
      expect(d.panels.length).toBeGreaterThan(0);
      const ids = d.panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of d.panels) {
        expect(typeof p.type).toBe("string");
        expect(p.gridPos).toBeDefined();
      }
      // Every datasource is a template variable of the dashboard, so the import needs no inputs.
      const variables = new Map(
        d.templating.list.filter((v) => v.type === "datasource").map((v) => [v.name, v.query]),
      );
      const refs = [
        ...file.content.matchAll(/"datasource": \{\s*"type": "(\w+)",\s*"uid": "([^"]*)"/g),
      ];
      expect(refs.length).toBeGreaterThan(0);
      for (const [, type, uid] of refs) {
        const name = /^\$\{(\w+)\}$/.exec(uid ?? "")?.[1];
        expect(name, `${file.path}: ${uid}`).toBeDefined();
        expect(variables.get(name ?? ""), `${file.path}: ${uid}`).toBe(type);
      }
      expect(file.content).not.toContain("DS_");
    }
  });

  it("pick dashboards by uid; an unknown uid is a usage error", async () => {
    const uid = files[0]?.path.replace(/\.json$/, "") ?? "";
    expect(exportDashboards({}, { uids: [uid] }).map((f) => f.path)).toEqual([`${uid}.json`]);
    const one = await runCli(["export", "dashboards", "--uid", uid]);
    expect(one.code).toBe(0);
    expect(one.out).toBe(files[0]?.content);
    const all = await runCli(["export", "dashboards"]);
    expect(all.code).toBe(2);
    expect(all.err).toContain("--output DIR");
    const unknown = await runCli(["export", "dashboards", "--uid", "no-such"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no dashboard with uid "no-such"');
    const misplaced = await runCli(["export", "rules", "--uid", uid]);
    expect(misplaced.code).toBe(2);
  });

  it("follow the dashboard values (uid prefix, tags)", () => {
    const custom = exportDashboards({
      materialize: { dashboards: { uidPrefix: "prod-", tags: ["prod"] } },
    });
    for (const file of custom) {
      expect(file.path).toMatch(/^prod-/);
      expect((JSON.parse(file.content) as { tags: string[] }).tags).toEqual(["prod"]);
    }
  });
});

/** A top-level Alloy block's body by kind and label. */
function alloyBlocks(text: string, kind: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = new RegExp(`^${kind.replace(/\./g, "\\.")} "([^"]+)" \\{\\n([\\s\\S]*?)^\\}`, "gm");
  for (const m of text.matchAll(re)) out.set(m[1] as string, m[2] as string);
  return out;
}

/** The `rule` blocks of an Alloy body, in Prometheus' relabel_config form. */
function alloyRules(body: string): Record<string, unknown>[] {
  return [...body.matchAll(/^\trule \{\n([\s\S]*?)^\t\}/gm)].map((m) => {
    const rule: Record<string, unknown> = {};
    const text = m[1] as string;
    for (const a of text.matchAll(/^\t\t(\w+)\s*=\s*("(?:[^"\\]|\\.)*"|\[[\s\S]*?\])/gm)) {
      const value = a[2] as string;
      rule[a[1] as string] = value.startsWith("[")
        ? [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((s) => JSON.parse(`"${s[1]}"`))
        : JSON.parse(value);
    }
    return rule;
  });
}

function alloyAttr(body: string, name: string): string | undefined {
  const m = new RegExp(`^\\t${name}\\s*=\\s*(.+)$`, "m").exec(body);
  return m?.[1]?.trim();
}

/** The Materialize jobs of the stack's Alloy gateway: job name → path, intervals, relabelings, keep rules. */
function alloyMaterializeJobs(values: StackValues) {
  const gateway = stackOf(values).components.find((c) => c.name === "alloyGateway");
  const cm = gateway?.objects.find(
    (o) =>
      o.kind === "ConfigMap" && (o as { data?: Record<string, string> }).data?.["config.alloy"],
  ) as { data: Record<string, string> } | undefined;
  const text = cm?.data["config.alloy"];
  if (!text) throw new Error("no Alloy gateway config");
  const scrapes = alloyBlocks(text, "prometheus.scrape");
  const relabels = alloyBlocks(text, "discovery.relabel");
  const metricRelabels = alloyBlocks(text, "prometheus.relabel");
  const jobs = new Map<string, Record<string, unknown>>();
  for (const body of scrapes.values()) {
    const forward = /prometheus\.relabel\.(\w+)\.receiver/.exec(
      alloyAttr(body, "forward_to") ?? "",
    )?.[1];
    if (forward !== "metrics_materialize") continue;
    const targets = /discovery\.relabel\.(\w+)\.output/.exec(alloyAttr(body, "targets") ?? "")?.[1];
    jobs.set(JSON.parse(alloyAttr(body, "job_name") ?? '""'), {
      metrics_path: JSON.parse(alloyAttr(body, "metrics_path") ?? '""'),
      scrape_interval: JSON.parse(alloyAttr(body, "scrape_interval") ?? '""'),
      scrape_timeout: JSON.parse(alloyAttr(body, "scrape_timeout") ?? '""'),
      relabel_configs: alloyRules(relabels.get(targets ?? "") ?? ""),
      metric_relabel_configs: alloyRules(metricRelabels.get(forward) ?? ""),
    });
  }
  return jobs;
}

type ScrapeConfig = {
  job_name: string;
  metrics_path: string;
  scrape_interval: string;
  scrape_timeout: string;
  kubernetes_sd_configs: {
    role: string;
    namespaces: { names: string[] };
    selectors: Record<string, string>[];
  }[];
  relabel_configs: Record<string, unknown>[];
  metric_relabel_configs?: Record<string, unknown>[];
  basic_auth?: Record<string, string>;
};

const scrapeConfigsOf = (content: string) =>
  (parse(content) as { scrape_configs: ScrapeConfig[] }).scrape_configs;

describe("export scrape-config", () => {
  const [file] = exportScrapeConfig({});
  const configs = scrapeConfigsOf(file?.content ?? "");

  it("keeps the job names, paths, intervals, port and pod selection and metric keep regexes of the stack's Alloy config", () => {
    // The export is for a Prometheus of the user's own, an external destination: it keeps the
    // essential tier, as the gateway does when its remote-write URL takes essential.
    const alloy = alloyMaterializeJobs({
      alloyGateway: { destinations: { prometheus: { tier: "essential" } } },
    });
    expect(file?.path).toBe(SCRAPE_CONFIG_FILE);
    expect(configs.map((c) => c.job_name).sort()).toEqual([...alloy.keys()].sort());
    for (const config of configs) {
      const job = alloy.get(config.job_name);
      expect(
        {
          metrics_path: config.metrics_path,
          scrape_interval: config.scrape_interval,
          scrape_timeout: config.scrape_timeout,
          relabel_configs: config.relabel_configs,
          metric_relabel_configs: config.metric_relabel_configs,
        },
        config.job_name,
      ).toEqual(job);
      const port = config.relabel_configs.find((r) =>
        (r.source_labels as string[] | undefined)?.includes(
          "__meta_kubernetes_pod_container_port_name",
        ),
      );
      expect(port?.regex, config.job_name).toMatch(/^[a-z-]+$/);
    }
    // The allow-list is one keep rule on __name__, kept `up` included.
    const keep = configs[0]?.metric_relabel_configs?.[0];
    expect(keep?.source_labels).toEqual(["__name__"]);
    expect(String(keep?.regex).split("|")).toContain("up");
  });

  it("pass promtool check config (real tool; Debian's build has no Kubernetes SD, so static targets stand in for it)", () => {
    const version = promtoolVersion();
    // The Prometheus the config is for is promtool's: before 2.48 basic auth needs a literal user name.
    const values: StackValues = {
      materialize: {
        scrape: { prometheusVersion: version, sqlMetrics: { username: "mz_support" } },
      },
    };
    const content = exportScrapeConfig(values)[0]?.content ?? "";
    const dir = tempDir("export-scrape");
    const global = { global: { scrape_interval: "30s", evaluation_interval: "30s" } };
    const staticConfigs = scrapeConfigsOf(content).map(
      ({ kubernetes_sd_configs: _sd, ...rest }) => ({
        ...rest,
        static_configs: [{ targets: ["127.0.0.1:6878"] }],
      }),
    );
    writeFileSync(join(dir, "static.yml"), stringify({ ...global, scrape_configs: staticConfigs }));
    const checked = promtool(["check", "config", "static.yml"], dir);
    expect(checked.ok, checked.output).toBe(true);
    // The exported file itself, under a minimal global: everything parses but the Kubernetes SD
    // blocks this promtool build does not know.
    writeFileSync(join(dir, "prometheus.yml"), `${stringify(global)}${content}`);
    const real = promtool(["check", "config", "prometheus.yml"], dir);
    if (!real.ok) {
      const complaints = real.output
        .split("\n")
        .filter((l) => /^\s*line \d+:/.test(l))
        .filter((l) => !l.includes("field kubernetes_sd_configs not found"));
      expect(complaints, real.output).toEqual([]);
      expect(real.output).toContain("kubernetes_sd_configs");
    }
  });

  it("discover pods by role pod in the Materialize namespaces, with valid selectors", () => {
    const custom = scrapeConfigsOf(
      exportScrapeConfig({
        materialize: { namespaces: { environments: ["mz-a", "mz-b"], operator: "mz-op" } },
      })[0]?.content ?? "",
    );
    for (const config of custom) {
      const [sd, ...more] = config.kubernetes_sd_configs;
      expect(more).toEqual([]);
      expect(sd?.role).toBe("pod");
      expect(sd?.namespaces.names).toEqual(
        config.job_name === "materialize-operator" ? ["mz-op"] : ["mz-a", "mz-b"],
      );
      for (const selector of sd?.selectors ?? []) {
        expect(selector.role).toBe("pod");
        if (selector.label) expect(selector.label).toMatch(/^[A-Za-z0-9./_-]+=[A-Za-z0-9._-]+$/);
        if (selector.field) expect(selector.field).toBe("status.phase=Running");
      }
    }
  });

  it("reads basic auth of the SQL-derived endpoints from the mounted Secret's files", () => {
    const sql = configs.filter((c) => c.basic_auth);
    expect(sql.length).toBeGreaterThan(0);
    for (const c of sql) {
      expect(c.basic_auth?.password_file).toMatch(/^\/etc\/prometheus\/secrets\//);
      expect(JSON.stringify(c.basic_auth)).not.toMatch(/"password":/);
    }
  });
});

type PodMonitor = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    namespaceSelector: { matchNames: string[] };
    selector: { matchLabels?: Record<string, string> };
    podMetricsEndpoints: {
      port: string;
      path: string;
      scheme: string;
      interval: string;
      scrapeTimeout: string;
      basicAuth?: {
        username: { name: string; key: string };
        password: { name: string; key: string };
      };
      relabelings: Record<string, unknown>[];
      metricRelabelings?: Record<string, unknown>[];
    }[];
  };
};

/** Prometheus' snake_case relabel config in the operator's camelCase. */
const camel = (rule: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(rule).map(([k, v]) => [
      k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
      v,
    ]),
  );

const RELABEL_FIELDS = [
  "sourceLabels",
  "separator",
  "targetLabel",
  "regex",
  "modulus",
  "replacement",
  "action",
];
const ACTIONS = [
  "replace",
  "keep",
  "drop",
  "hashmod",
  "labelmap",
  "labeldrop",
  "labelkeep",
  "lowercase",
  "uppercase",
  "keepequal",
  "dropequal",
];
const OPERATOR_DURATION =
  /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;

describe("export podmonitors", () => {
  const [stream] = exportPodMonitors({});
  const monitors = parseAllDocuments(stream?.content ?? "").map((d) => d.toJS() as PodMonitor);
  const configs = scrapeConfigsOf(exportScrapeConfig({})[0]?.content ?? "");

  it("have the PodMonitor structure (checked by field: the repo vendors no Prometheus Operator CRD schema)", () => {
    expect(stream?.path).toBe(PODMONITORS_FILE);
    expect(monitors.length).toBe(configs.length);
    for (const m of monitors) {
      expect(m.apiVersion).toBe("monitoring.coreos.com/v1");
      expect(m.kind).toBe("PodMonitor");
      expect(m.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(m.metadata.namespace).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(Object.keys(m.spec).sort()).toEqual([
        "namespaceSelector",
        "podMetricsEndpoints",
        "selector",
      ]);
      expect(m.spec.namespaceSelector.matchNames.length).toBeGreaterThan(0);
      for (const e of m.spec.podMetricsEndpoints) {
        expect(e.interval).toMatch(OPERATOR_DURATION);
        expect(e.scrapeTimeout).toMatch(OPERATOR_DURATION);
        expect(e.scheme).toBe("http");
        for (const r of [...e.relabelings, ...(e.metricRelabelings ?? [])]) {
          for (const key of Object.keys(r)) expect(RELABEL_FIELDS, key).toContain(key);
          if (r.action !== undefined) expect(ACTIONS).toContain(r.action);
          for (const l of (r.sourceLabels as string[] | undefined) ?? [])
            expect(l).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
          if ((r.action ?? "replace") === "replace") expect(r.targetLabel).toBeDefined();
        }
      }
    }
  });

  it("scrape what the scrape configs scrape, with the same relabelings and keep rules, and the same job", () => {
    for (const config of configs) {
      const m = monitors.find((x) => x.metadata.name === config.job_name);
      expect(m, config.job_name).toBeDefined();
      const [endpoint, ...more] = m?.spec.podMetricsEndpoints ?? [];
      expect(more).toEqual([]);
      expect(m?.spec.namespaceSelector.matchNames).toEqual(
        config.kubernetes_sd_configs[0]?.namespaces.names,
      );
      expect(endpoint?.path).toBe(config.metrics_path);
      expect(endpoint?.interval).toBe(config.scrape_interval);
      expect(endpoint?.scrapeTimeout).toBe(config.scrape_timeout);
      const relabelings = [...(endpoint?.relabelings ?? [])];
      // The operator names jobs <namespace>/<name>: the last relabeling restores the rules' job.
      expect(relabelings.pop()).toEqual({
        targetLabel: "job",
        replacement: config.job_name,
        action: "replace",
      });
      expect(relabelings).toEqual(config.relabel_configs.map(camel));
      expect(endpoint?.metricRelabelings).toEqual(config.metric_relabel_configs?.map(camel));
      const port = config.relabel_configs.find((r) =>
        (r.source_labels as string[]).includes("__meta_kubernetes_pod_container_port_name"),
      );
      expect(endpoint?.port).toBe(port?.regex);
      // A single pod selector becomes the label selector; alternatives are left to the keep rule.
      const label = config.kubernetes_sd_configs[0]?.selectors[0]?.label;
      if (label) {
        const [key, value] = label.split("=");
        expect(m?.spec.selector).toEqual({ matchLabels: { [key as string]: value } });
      } else expect(m?.spec.selector).toEqual({});
    }
  });

  it("read basic auth from the Secret in their own namespace, and carry global.commonLabels", () => {
    const custom = parseAllDocuments(
      exportPodMonitors({
        global: { commonLabels: { release: "kube-prometheus-stack" } },
        materialize: {
          namespaces: { environments: ["mz-a", "mz-b"] },
          scrape: { sqlMetrics: { secret: { name: "mz-monitor", namespace: "mz-secrets" } } },
        },
      })[0]?.content ?? "",
    ).map((d) => d.toJS() as PodMonitor);
    const sql = custom.filter((m) => m.spec.podMetricsEndpoints[0]?.basicAuth);
    expect(sql.length).toBeGreaterThan(0);
    for (const m of custom) {
      expect(m.metadata.labels.release).toBe("kube-prometheus-stack");
      const auth = m.spec.podMetricsEndpoints[0]?.basicAuth;
      if (auth) {
        expect(m.metadata.namespace).toBe("mz-secrets");
        expect(auth.username.name).toBe("mz-monitor");
        expect(auth.password.name).toBe("mz-monitor");
      }
    }
    expect(custom.find((m) => m.metadata.name === "materialize-clusterd")?.metadata.namespace).toBe(
      "mz-a",
    );
  });

  describeWithK8sTools("as a folder", (tools) => {
    it("is a kustomize folder kubectl builds into the same PodMonitors", () => {
      const dir = tempDir("export-podmonitors");
      const files = exportPodMonitors({}, { split: true });
      expect(files.map((f) => f.path)).toContain("kustomization.yaml");
      write(dir, files);
      const run = runTool(tools, tools.kubectl, ["kustomize", dir]);
      expect(run.code, run.err).toBe(0);
      const sortKey = (m: PodMonitor) => `${m.metadata.namespace}/${m.metadata.name}`;
      const byKey = (a: PodMonitor, b: PodMonitor) => (sortKey(a) < sortKey(b) ? -1 : 1);
      const kustomized = parseAllDocuments(run.out).map((d) => d.toJS() as PodMonitor);
      expect(kustomized.sort(byKey)).toEqual([...monitors].sort(byKey));
    });
  });
});

describe("export through the CLI", () => {
  it("is deterministic: every kind byte-identical twice, in-process and on stdout", async () => {
    for (const kind of EXPORT_KINDS) {
      const options = { split: true };
      expect(exportFiles(kind, HOSTILE, options)).toEqual(exportFiles(kind, HOSTILE, options));
    }
    for (const args of [["rules"], ["scrape-config"], ["podmonitors"]]) {
      const a = await runCli(["export", ...args]);
      const b = await runCli(["export", ...args]);
      expect(a.code, a.err).toBe(0);
      expect(a.out).toBe(b.out);
      expect(a.out.length).toBeGreaterThan(100);
    }
  });

  it("reads a values file: the extra group and the threshold reach the export", async () => {
    const dir = tempDir("export-values");
    const file = join(dir, "values.yaml");
    writeFileSync(file, stringify(HOSTILE));
    const { code, out, err } = await runCli(["export", "rules", "-f", file]);
    expect(code, err).toBe(0);
    expect(parse(out)).toEqual(rulerRuleFile(HOSTILE));
    expect(out).toContain("0.4242");
    expect(out).toContain("data platform / pg:");
  });

  it("writes an owned folder (-o): manifest, one file per group, stale files removed on re-export", async () => {
    const dir = tempDir("export-folder");
    const valuesFile = join(dir, "..", `${dir.split("/").pop()}-values.yaml`);
    writeFileSync(valuesFile, stringify(HOSTILE));
    dirs.push(valuesFile);
    const out = join(dir, "rules");
    const first = await runCli(["export", "rules", "-f", valuesFile, "-o", out]);
    expect(first.code, first.err).toBe(0);
    expect(first.err).toMatch(/^wrote rules \(\d+ files\) to /);
    const files = snapshot(out);
    expect([...files.keys()]).toContain("data-platform-pg-quoted.rules.yaml");
    const manifest = JSON.parse(files.get(MANIFEST_NAME) ?? "{}") as { format: string };
    expect(manifest.format).toBe("export");
    const again = await runCli(["export", "rules", "-o", out]);
    expect(again.code, again.err).toBe(0);
    expect(existsSync(join(out, "data-platform-pg-quoted.rules.yaml"))).toBe(false);
    expect(again.err).toContain("removed 1 stale file");
    expect(readFileSync(join(out, "materialize-availability.rules.yaml"), "utf8")).toBe(
      exportRules({}, { split: true }).find((f) => f.path === "materialize-availability.rules.yaml")
        ?.content,
    );
    // A folder it did not write is refused, as for render.
    const foreign = tempDir("export-foreign");
    writeFileSync(join(foreign, "mine.txt"), "x");
    const refused = await runCli(["export", "dashboards", "-o", foreign]);
    expect(refused.code).toBe(2);
  });

  it("refuses an unknown artifact and a disabled Materialize section", async () => {
    const bad = await runCli(["export", "alerts"]);
    expect(bad.code).toBe(2);
    const off = await runCli(["export", "scrape-config", "--set", "materialize.enabled=false"]);
    expect(off.code).toBe(1);
    expect(off.err).toContain("materialize.enabled");
  });
});
