/**
 * The Alloy export: scrape targets and log stages (typed data in
 * targets/targets.ts and logs/stages.ts) turned into alloy-syntax components.
 * This module is the only one that depends on `@materialize-monitoring/alloy-syntax`.
 */
import {
  convert,
  discovery,
  expr,
  type LogsReceiverList,
  type LokiStage,
  loki,
  type MetricsReceiverList,
  prometheus,
  remote,
  type Scope,
  stage,
} from "@materialize-monitoring/alloy-syntax";
import type { LogStage } from "./logs/stages.js";
import type { ScrapeTarget } from "./targets/targets.js";
import type { ResolvedMaterializeValues } from "./values.js";

export interface AlloyScrapeOptions {
  /** Where scraped (and allow-list filtered) metrics go, e.g. `[remoteWrite.exports.receiver]`. */
  forwardTo: MetricsReceiverList;
  /** Share targets among the members of an Alloy cluster (the gateway runs clustered). */
  clustering?: boolean;
  /** Prefix of every component label (default `materialize`). */
  labelPrefix?: string;
}

const label = (prefix: string, name: string) => `${prefix}_${name}`.replace(/[^A-Za-z0-9_]/g, "_");

/**
 * Adds the Materialize scrape pipeline to an Alloy file: per distinct pod
 * selection a `discovery.kubernetes` and a `discovery.relabel`; per target a
 * `prometheus.scrape`; the allow-list as a `prometheus.relabel` in front of
 * `forwardTo`; and the SQL-monitor credentials from the Secret through
 * `remote.kubernetes.secret` (never a literal).
 */
export function addMaterializeScrapes(
  config: Scope,
  targets: readonly ScrapeTarget[],
  values: ResolvedMaterializeValues,
  options: AlloyScrapeOptions,
): string[] {
  const prefix = options.labelPrefix ?? "materialize";
  const added: string[] = [];
  const allowList = targets.find((t) => t.metricRelabelings.length > 0)?.metricRelabelings;
  const sink = allowList
    ? config.add(
        prometheus.relabel(label(prefix, "allow_list"), {
          forwardTo: options.forwardTo,
          rule: allowList,
        }),
        {
          comment:
            "Keep only the metrics the Materialize rules and dashboards use (the allow-list).",
        },
      )
    : undefined;
  if (sink) added.push(sink.id);
  const forwardTo = sink ? [sink.exports.receiver] : options.forwardTo;

  const secretTarget = targets.find((t) => t.basicAuth);
  const secret = secretTarget?.basicAuth
    ? config.add(
        remote.kubernetes.secret(label(prefix, "sql_monitor"), {
          namespace:
            values.scrape.sqlMetrics.secret.namespace ??
            values.namespaces.environments[0] ??
            "default",
          name: secretTarget.basicAuth.secretName,
        }),
        { comment: "Basic-auth credentials of the SQL-derived metric endpoints." },
      )
    : undefined;
  if (secret) added.push(secret.id);

  const selections = new Map<string, ReturnType<typeof discoveryFor>>();
  function discoveryFor(target: ScrapeTarget) {
    const kubernetes = config.add(
      discovery.kubernetes(label(prefix, target.name), {
        role: target.role,
        namespaces: { names: target.namespaces },
        selectors: [{ role: target.role, ...target.discoverySelectors }],
      }),
    );
    const relabel = config.add(
      discovery.relabel(label(prefix, target.name), {
        targets: kubernetes.exports.targets,
        rule: target.relabelings,
      }),
    );
    added.push(kubernetes.id, relabel.id);
    return relabel;
  }

  for (const target of targets) {
    const key = JSON.stringify([target.namespaces, target.discoverySelectors, target.relabelings]);
    const selection = selections.get(key) ?? discoveryFor(target);
    selections.set(key, selection);
    const auth =
      target.basicAuth && secret
        ? {
            basicAuth: {
              username: convert.nonsensitive(
                expr.index(secret.exports.data, target.basicAuth.usernameKey),
              ),
              password: expr.index(secret.exports.data, target.basicAuth.passwordKey),
            },
          }
        : {};
    const scrape = config.add(
      prometheus.scrape(label(prefix, target.name), {
        targets: selection.exports.output,
        forwardTo,
        jobName: target.job,
        metricsPath: target.path,
        scheme: target.scheme,
        scrapeInterval: target.interval,
        scrapeTimeout: target.timeout,
        ...auth,
        ...(options.clustering ? { clustering: { enabled: true } } : {}),
      }),
    );
    added.push(scrape.id);
  }
  return added;
}

/** The log stages as alloy-syntax `stage.*` blocks. */
export function alloyLogStages(stages: readonly LogStage[]): LokiStage[] {
  return stages.map(alloyLogStage);
}

/** One log stage as its `stage.*` block. */
export function alloyLogStage(s: LogStage): LokiStage {
  switch (s.type) {
    case "match":
      return stage.match({ selector: s.selector, stages: alloyLogStages(s.stages) });
    case "json":
      return stage.json({ expressions: s.expressions });
    case "regex":
      return stage.regex(
        s.source === undefined
          ? { expression: s.expression }
          : { expression: s.expression, source: s.source },
      );
    case "template":
      return stage.template({ source: s.source, template: s.template });
    case "timestamp":
      return stage.timestamp({
        source: s.source,
        format: s.format,
        actionOnFailure: s.actionOnFailure,
      });
    case "labels":
      return stage.labels({ values: s.values });
    case "structuredMetadata":
      return stage.structuredMetadata({ values: s.values });
    case "labelDrop":
      return stage.labelDrop({ values: s.values });
    case "labelKeep":
      return stage.labelKeep({ values: s.values });
  }
}

/** A `loki.process` running the Materialize log stages, forwarding to `forwardTo`. */
export function addMaterializeLogProcess(
  config: Scope,
  stages: readonly LogStage[],
  forwardTo: LogsReceiverList,
  processLabel = "materialize",
) {
  return config.add(loki.process(processLabel, { forwardTo, stages: alloyLogStages(stages) }), {
    comment: "Parse Materialize logs: JSON fields, normalised level, panics, structured metadata.",
  });
}
