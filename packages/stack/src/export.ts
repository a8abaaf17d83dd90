/**
 * `mzmon export`: the Materialize content for a Prometheus and Grafana the
 * user runs (no part of the stack needed), from the same definitions and
 * values the stack renders from:
 *
 * - `rules`: the rule groups the stack gives the Thanos ruler (Materialize's
 *   recording and alerting rules with the user's thresholds and disabled
 *   alerts, plus `thanos.ruler.extraRuleGroups`), as plain Prometheus rule files;
 * - `dashboards`: the Materialize dashboards' JSON, as the stack provisions it;
 * - `scrape-config`: the Materialize scrape targets as Prometheus `scrape_configs`;
 * - `podmonitors`: the same targets as Prometheus Operator PodMonitors.
 *
 * Every function is pure: values in, `{ path, content }` files out.
 */
import {
  type KubeObject,
  objectMeta,
  parseValues,
  resourceName,
  toYaml,
  type ValueProblem,
  ValuesError,
  valuesError,
} from "@materialize-monitoring/core";
import {
  COPIED_POD_LABELS,
  type MaterializeArtifacts,
  MZ_JOB,
  type RelabelRule,
  type ScrapeTarget,
  SQL_METRIC_ENDPOINTS,
} from "@materialize-monitoring/materialize";
import {
  type RuleGroup,
  ruleFile,
  ruleGroup,
  type ThanosValues,
} from "@materialize-monitoring/thanos";
import { z } from "zod";
import { applyExtensions, mergeSection } from "./extensions.js";
import { buildContext, stackEndpoints } from "./stack.js";
import { type ParsedStackValues, type StackValues, stackValues } from "./values.js";
import { VERSION } from "./version.js";

/** One exported file: a `/`-separated path inside the output folder and its text. */
export interface ExportFile {
  path: string;
  content: string;
}

export const EXPORT_KINDS = ["rules", "dashboards", "scrape-config", "podmonitors"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export interface ExportOptions {
  /**
   * One file per rule group and per PodMonitor (for a folder), or everything
   * of the kind in one file (for stdout). Dashboards are always one file each,
   * scrape configs always one file.
   */
  split?: boolean;
  /** Only these dashboards (uids); every dashboard when unset. */
  uids?: readonly string[];
}

/** An export that cannot be done as asked (an unknown dashboard uid): a usage problem. */
export class ExportError extends Error {}

/** The file the rules go into when they are one file. */
export const RULES_FILE = "materialize.rules.yaml";
/** The scrape configuration's file. */
export const SCRAPE_CONFIG_FILE = "materialize-scrape-configs.yaml";
/** The PodMonitors' file when they are one stream. */
export const PODMONITORS_FILE = "materialize-podmonitors.yaml";

/**
 * Labels the exported rules and dashboards select on, and what sets them on a
 * Prometheus of the user's: none comes from the stack's pipeline (no
 * `cluster` external label, no gateway relabelling).
 */
export const EXPECTED_LABELS: readonly { labels: string; setBy: string }[] = [
  {
    labels: `job (${[
      MZ_JOB.environmentd,
      ...SQL_METRIC_ENDPOINTS.map((e) => MZ_JOB.sql(e)),
      MZ_JOB.clusterd,
      MZ_JOB.balancerd,
      MZ_JOB.operator,
    ].join(", ")})`,
    setBy: "the exported scrape configs' job_name, or the PodMonitors' job relabeling",
  },
  {
    labels: "namespace, pod, container (Materialize series)",
    setBy: "the exported relabelings, from Kubernetes pod discovery",
  },
  {
    labels: COPIED_POD_LABELS.map((l) => l.label).join(", "),
    setBy: "the exported relabelings, copied from the Materialize pod labels",
  },
  {
    labels:
      "namespace, pod, container (kube-state-metrics and cAdvisor series), namespace, persistentvolumeclaim (kubelet volume series)",
    setBy:
      "the series themselves: scrape kube-state-metrics with honor_labels: true (kube-prometheus-stack does)",
  },
  {
    labels: "job of Loki, Thanos, Alloy and Alertmanager (the monitoring-stack group only)",
    setBy: "materialize.stackJobs: the stack's own job names when those components are enabled",
  },
];

/** The stack's values parsed, and the endpoints (every artifact) computed from them. */
function sourceOf(input: StackValues) {
  const values = parseValues(stackValues, input);
  const endpoints = stackEndpoints(input);
  return { values, endpoints };
}

function materializeArtifacts(input: StackValues): {
  values: ParsedStackValues;
  artifacts: MaterializeArtifacts;
} {
  const { values, endpoints } = sourceOf(input);
  const artifacts = endpoints.materialize?.artifacts;
  if (!artifacts)
    throw valuesError(
      "materialize.enabled",
      "is false: there is no Materialize content to export",
      "remove materialize.enabled: false",
    );
  return { values, artifacts };
}

/**
 * The rule groups the stack gives the Thanos ruler for these values:
 * Materialize's groups with the user's overrides, then
 * `thanos.ruler.extraRuleGroups` (or the user's own list, when
 * `global.replaceBuiltIn` names `thanos.ruler.ruleGroups`). The same
 * extension logic as the stack's composition, whether or not Thanos is enabled.
 */
export function exportRuleGroups(input: StackValues = {}): RuleGroup[] {
  const { values, endpoints } = sourceOf(input);
  const builtIn = endpoints.materialize?.artifacts.ruleGroups ?? [];
  const { enabled: _enabled, external: _external, ...user } = { ...input.thanos };
  const extended = applyExtensions(
    "thanos",
    { ruler: { ruleGroups: builtIn } } as ThanosValues,
    user as ThanosValues,
    values,
  );
  const merged = mergeSection(extended.wired, extended.user);
  const groups = parseValues(z.array(ruleGroup), merged.ruler?.ruleGroups ?? [], [
    "thanos",
    "ruler",
    "ruleGroups",
  ]);
  const problems: ValueProblem[] = [];
  const seen = new Set<string>();
  for (const group of groups) {
    if (seen.has(group.name))
      problems.push({
        path: "thanos.ruler.extraRuleGroups",
        message: `rule group "${group.name}" is defined twice`,
        hint: "give every group a unique name",
      });
    seen.add(group.name);
  }
  if (problems.length > 0) throw new ValuesError(problems);
  if (groups.length === 0)
    throw valuesError(
      "materialize.enabled",
      "no rule group to export: Materialize is disabled and thanos.ruler.extraRuleGroups is empty",
    );
  return groups;
}

function commentLines(lines: readonly string[]): string {
  return lines.map((line) => (line ? `# ${line}\n` : "#\n")).join("");
}

function rulesHeader(): string {
  return commentLines([
    `Prometheus rules of materialize-monitoring ${VERSION} (mzmon export rules): the rules the stack gives its Thanos ruler.`,
    "Load with rule_files in prometheus.yml, or check with: promtool check rules <file>.",
    "The rules select on these labels; none depends on the stack's pipeline or its `cluster` label:",
    ...EXPECTED_LABELS.map((l) => `  ${l.labels}: ${l.setBy}`),
  ]);
}

/** A file-name part from a rule group name (which may hold any single-line text). */
function slug(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
  return cleaned.slice(0, 100) || "group";
}

/** Prometheus rule files: one per group (`<group>.rules.yaml`) or one with every group. */
export function exportRules(input: StackValues = {}, options: ExportOptions = {}): ExportFile[] {
  const groups = exportRuleGroups(input);
  const header = rulesHeader();
  if (!options.split)
    return [{ path: RULES_FILE, content: `${header}${toYaml(ruleFile(groups))}` }];
  const used = new Set<string>();
  return groups.map((group) => {
    const base = slug(group.name);
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    return { path: `${name}.rules.yaml`, content: `${header}${toYaml(ruleFile([group]))}` };
  });
}

/**
 * The Materialize dashboards, one JSON file per dashboard (`<uid>.json`), as
 * the stack provisions them. Each picks its datasources through template
 * variables (`datasource`, and `loki_datasource` for logs) that default to
 * the Grafana's default datasource of that type, so the import needs no
 * input mapping.
 */
export function exportDashboards(
  input: StackValues = {},
  options: ExportOptions = {},
): ExportFile[] {
  const { artifacts } = materializeArtifacts(input);
  const uids = Object.keys(artifacts.dashboards);
  const wanted = options.uids ?? uids;
  const unknown = wanted.filter((uid) => !uids.includes(uid));
  if (unknown.length > 0)
    throw new ExportError(
      `no dashboard with uid ${unknown.map((u) => `"${u}"`).join(", ")} (dashboards: ${uids.join(", ")})`,
    );
  return uids
    .filter((uid) => wanted.includes(uid))
    .map((uid) => ({
      path: `${uid}.json`,
      content: `${JSON.stringify(artifacts.dashboards[uid], null, 2)}\n`,
    }));
}

function wrapped(prefix: string, items: readonly string[], width = 100): string[] {
  const lines: string[] = [];
  let line = prefix;
  for (const item of items) {
    const next = line === prefix ? `${line}${item}` : `${line}, ${item}`;
    if (next.length > width && line !== prefix) {
      lines.push(`${line},`);
      line = `${" ".repeat(prefix.length)}${item}`;
    } else line = next;
  }
  lines.push(line);
  return lines;
}

function scrapeConfigHeader(artifacts: MaterializeArtifacts): string {
  const others = Object.values(artifacts.allowLists)
    .filter((list) => list.source !== "materialize")
    .map((list) => ({
      source: list.source,
      metrics: list.metrics.filter((m) => !list.scrapeSeries.includes(m)),
    }))
    .filter((list) => list.metrics.length > 0);
  return commentLines([
    `Prometheus scrape_configs of materialize-monitoring ${VERSION} (mzmon export scrape-config):`,
    "the Materialize targets, relabelings and metric allow-list of the stack's Alloy gateway.",
    "Add the entries under scrape_configs in prometheus.yml (Prometheus needs RBAC to list and watch pods",
    "in the namespaces below). The SQL-derived endpoints read basic auth from files: mount the Secret",
    "materialize.scrape.sqlMetrics.secret at materialize.scrape.sqlMetrics.prometheusSecretDir.",
    "",
    "The rules and dashboards also read these series from other scrape jobs (kube-state-metrics with",
    "honor_labels: true; loki, thanos, alloy and alertmanager only in the monitoring-stack rules):",
    ...others.flatMap((list) => wrapped(`  ${list.source}: `, list.metrics)),
  ]);
}

/** A Prometheus configuration file holding the Materialize `scrape_configs`. */
export function exportScrapeConfig(input: StackValues = {}): ExportFile[] {
  const { artifacts } = materializeArtifacts(input);
  return [
    {
      path: SCRAPE_CONFIG_FILE,
      content: `${scrapeConfigHeader(artifacts)}${toYaml({ scrape_configs: artifacts.prometheusScrapeConfigs })}`,
    },
  ];
}

/** A relabel rule in the Prometheus Operator's form (the same camelCase fields). */
function operatorRelabeling(rule: RelabelRule): Record<string, unknown> {
  return {
    ...(rule.sourceLabels ? { sourceLabels: [...rule.sourceLabels] } : {}),
    ...(rule.separator !== undefined ? { separator: rule.separator } : {}),
    ...(rule.regex !== undefined ? { regex: rule.regex } : {}),
    ...(rule.targetLabel !== undefined ? { targetLabel: rule.targetLabel } : {}),
    ...(rule.replacement !== undefined ? { replacement: rule.replacement } : {}),
    ...(rule.action !== undefined ? { action: rule.action } : {}),
  };
}

/**
 * One PodMonitor per Materialize scrape target, with the target's own
 * relabelings and metric keep rule. Several pod selectors are alternatives
 * (environmentd's legacy `app` label), which a label selector cannot say: such
 * a PodMonitor selects every pod of its namespaces and the keep relabeling
 * decides, as in the scrape configs. The operator names the job
 * `<namespace>/<name>`; a last relabeling sets the job the rules expect.
 * A PodMonitor reads basic-auth Secrets from its own namespace, so it lives in
 * the Secret's (the first environment namespace unless set), others in the
 * first namespace they scrape.
 */
export function podMonitors(input: StackValues = {}): KubeObject[] {
  const { values, artifacts } = materializeArtifacts(input);
  const ctx = buildContext(values);
  const mz = values.materialize;
  const secretNamespace =
    mz.scrape.sqlMetrics.secret.namespace ?? mz.namespaces.environments[0] ?? ctx.namespace;
  return artifacts.targets.map((target: ScrapeTarget) => {
    const only = target.selectors.length === 1 ? target.selectors[0] : undefined;
    const namespace = target.basicAuth ? secretNamespace : (target.namespaces[0] ?? ctx.namespace);
    const endpoint = {
      port: target.portName,
      path: target.path,
      scheme: target.scheme,
      interval: target.interval,
      scrapeTimeout: target.timeout,
      ...(target.basicAuth
        ? {
            basicAuth: {
              username: { name: target.basicAuth.secretName, key: target.basicAuth.usernameKey },
              password: { name: target.basicAuth.secretName, key: target.basicAuth.passwordKey },
            },
          }
        : {}),
      relabelings: [
        ...target.relabelings.map(operatorRelabeling),
        { targetLabel: "job", replacement: target.job, action: "replace" },
      ],
      ...(target.metricRelabelings.length > 0
        ? { metricRelabelings: target.metricRelabelings.map(operatorRelabeling) }
        : {}),
    };
    return {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PodMonitor",
      metadata: objectMeta(ctx, {
        name: "materialize",
        component: "metrics",
        objectName: resourceName(ctx, target.job),
        namespace,
      }),
      spec: {
        namespaceSelector: { matchNames: [...target.namespaces] },
        selector: only ? { matchLabels: { [only.label]: only.value } } : {},
        podMetricsEndpoints: [endpoint],
      },
    };
  });
}

function podMonitorFileName(object: KubeObject): string {
  return `podmonitor-${object.metadata.namespace}-${object.metadata.name}.yaml`;
}

/** The PodMonitors: one file each plus a `kustomization.yaml`, or one YAML stream. */
export function exportPodMonitors(
  input: StackValues = {},
  options: ExportOptions = {},
): ExportFile[] {
  const objects = podMonitors(input);
  if (!options.split)
    return [
      {
        path: PODMONITORS_FILE,
        content: objects.map((object) => `---\n${toYaml(object)}`).join(""),
      },
    ];
  const files = objects.map((object) => ({
    path: podMonitorFileName(object),
    content: toYaml(object),
  }));
  files.push({
    path: "kustomization.yaml",
    content: toYaml({
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      resources: files.map((f) => f.path),
    }),
  });
  return files;
}

/** The files of one export kind. */
export function exportFiles(
  kind: ExportKind,
  input: StackValues = {},
  options: ExportOptions = {},
): ExportFile[] {
  switch (kind) {
    case "rules":
      return exportRules(input, options);
    case "dashboards":
      return exportDashboards(input, options);
    case "scrape-config":
      return exportScrapeConfig(input);
    case "podmonitors":
      return exportPodMonitors(input, options);
  }
}
