import {
  duration,
  durationSeconds,
  httpUrlSchema,
  objectName,
  promLabelNameSchema,
  re2Schema,
  secretKeySchema,
  singleLineText,
} from "@materialize-monitoring/core";
import { z } from "zod";
import { SQL_MONITOR_SECRET } from "./constants.js";
import type { QueryScope } from "./queries/scope.js";

const dnsLabel = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    "must be a Kubernetes namespace name (lower-case DNS label)",
  )
  .max(63);

/** A regex used inside a PromQL/LogQL string; no quotes or backticks, so it cannot break the query. */
/**
 * An RE2 regex written into PromQL and LogQL matchers (`=~"..."`): checked as
 * RE2 (raw line breaks and control characters refused), and without the
 * quotes and backslashes that would need a second layer of escaping there.
 */
const matcherRegex = re2Schema()
  .min(1)
  .refine((v) => !/["`\\]/.test(v), {
    message: "must not contain quotes, backticks or backslashes",
  });

const promLabelName = promLabelNameSchema;

/** Labels added to alerts: Prometheus label names, one-line values. */
const alertLabels = z.record(promLabelName, singleLineText(256));

export const severity = z
  .enum(["critical", "warning", "info", "none"])
  .describe("the severity label of the alert at this tier");
export type Severity = z.output<typeof severity>;

/** One severity level of an alert: its threshold (for threshold alerts) and how long it must hold. */
export const alertTier = z.strictObject({
  /** the severity label of the alert at this tier */
  severity,
  /** compared with the alert's measurement; ignored by alerts without a threshold */
  threshold: z
    .number()
    .optional()
    .describe("compared with the alert's measurement; ignored by alerts without a threshold"),
  /** how long the condition must hold before the alert fires */
  for: duration.describe("how long the condition must hold before the alert fires"),
});
export type AlertTier = z.output<typeof alertTier>;

/** Per-alert overrides; anything left out keeps the alert's default (see docs/catalogue.md). */
export const alertOverride = z.strictObject({
  /** false leaves the alert out of the rules */
  enabled: z.boolean().optional().describe("false leaves the alert out of the rules"),
  /** replaces the default tiers */
  tiers: z.array(alertTier).min(1).optional().describe("replaces the default tiers"),
  /** extra labels on this alert */
  labels: alertLabels.optional().describe("extra labels on this alert"),
});
export type AlertOverride = z.output<typeof alertOverride>;

const sqlMetrics = z
  .strictObject({
    /** scrape environmentd's SQL-derived /metrics/<endpoint> endpoints, with basic auth */
    enabled: z
      .boolean()
      .default(true)
      .describe("scrape environmentd's SQL-derived /metrics/<endpoint> endpoints, with basic auth"),
    /** the SQL-derived endpoints run queries; scrape them less often */
    interval: duration
      .default("60s")
      .describe("the SQL-derived endpoints run queries; scrape them less often"),
    /** how long one scrape of those endpoints may take; at most the interval */
    timeout: duration
      .default("30s")
      .describe("how long one scrape of those endpoints may take; at most the interval"),
    /**
     * Secret with the basic-auth user name (picks the SQL role, e.g. mz_support) and password (not
     * checked by Materialize)
     */
    secret: z
      .strictObject({
        /** name of the Secret */
        name: objectName.default(SQL_MONITOR_SECRET.name).describe("name of the Secret"),
        /**
         * where Alloy reads the Secret through the API; the first environment namespace when unset
         */
        namespace: dnsLabel
          .optional()
          .describe(
            "where Alloy reads the Secret through the API; the first environment namespace when unset",
          ),
        /** key of the user name in the Secret */
        usernameKey: secretKeySchema
          .default(SQL_MONITOR_SECRET.usernameKey)
          .describe("key of the user name in the Secret"),
        /** key of the password in the Secret */
        passwordKey: secretKeySchema
          .default(SQL_MONITOR_SECRET.passwordKey)
          .describe("key of the password in the Secret"),
      })
      .prefault({})
      .describe(
        "Secret with the basic-auth user name (picks the SQL role, e.g. mz_support) and password (not checked by Materialize)",
      ),
    /**
     * only for Prometheus older than 2.48, which cannot read username_file: the SQL role (not a
     * secret), e.g. mz_support
     */
    username: z
      .string()
      .min(1)
      .optional()
      .describe(
        "only for Prometheus older than 2.48, which cannot read username_file: the SQL role (not a secret), e.g. mz_support",
      ),
    /**
     * where a plain Prometheus has the Secret mounted; scrape_configs read
     * username_file/password_file from it
     */
    prometheusSecretDir: z
      .string()
      .startsWith("/")
      .default(`/etc/prometheus/secrets/${SQL_MONITOR_SECRET.name}`)
      .describe(
        "where a plain Prometheus has the Secret mounted; scrape_configs read username_file/password_file from it",
      ),
  })
  .prefault({})
  .describe("environmentd's metrics computed by SQL queries, behind basic auth");

/**
 * The fastest burn rate the page alert waits for (the SRE workbook's 14.4x over 1h): an objective
 * whose total outage burns slower than that could never page.
 */
export const SLO_FASTEST_BURN_RATE = 14.4;

/** A Prometheus label name. */
/** One freshness objective: how often a cluster's (or some objects') wallclock lag stays under a threshold. */
export const freshnessSlo = z.strictObject({
  /**
   * the SLO's name: the `slo` label of its recorded series and alerts; lower-case letters, digits
   * and -
   */
  name: z
    .string()
    .max(63)
    .regex(
      /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
      "lower-case letters, digits and '-', starting and ending alphanumeric",
    )
    .describe(
      "the SLO's name: the `slo` label of its recorded series and alerts; lower-case letters, digits and -",
    ),
  /**
   * the environment (materialize_cloud_organization_name); every environment, each its own series,
   * when unset
   */
  environment: z
    .string()
    .max(63)
    .regex(
      /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/,
      "a Kubernetes label value (the pod label materialize.cloud/organization-name)",
    )
    .optional()
    .describe(
      "the environment (materialize_cloud_organization_name); every environment, each its own series, when unset",
    ),
  /**
   * id of the cluster (instance_id of the wallclock lag series), e.g. u1; system clusters are s…
   */
  clusterId: z
    .string()
    .regex(/^[su]\d+$/, "a cluster id such as u1 (user cluster) or s2 (system cluster)")
    .describe(
      "id of the cluster (instance_id of the wallclock lag series), e.g. u1; system clusters are s…",
    ),
  /**
   * global ids (collection_id, e.g. u42) of the objects that count; every collection of the cluster
   * when unset
   */
  objectIds: z
    .array(z.string().regex(/^(u|s|si)\d+$/, "a global id such as u42 (the collection_id label)"))
    .min(1)
    .max(100)
    .optional()
    .describe(
      "global ids (collection_id, e.g. u42) of the objects that count; every collection of the cluster when unset",
    ),
  /**
   * a minute is good when the worst lag of the selected objects stays below this, e.g. 30s or 5m
   */
  threshold: duration
    .refine((d) => durationSeconds(d) >= 1 && durationSeconds(d) < 1e9, {
      message:
        "at least 1s (Materialize reports whole seconds) and below the 1e9s not-hydrated sentinel",
    })
    .describe(
      "a minute is good when the worst lag of the selected objects stays below this, e.g. 30s or 5m",
    ),
  /**
   * the fraction of good minutes promised over the window, e.g. 0.99; the error budget is the rest
   */
  objective: z
    .number()
    .gt(0)
    .lt(1)
    .refine((o) => 1 / (1 - o) > SLO_FASTEST_BURN_RATE, {
      message:
        "below 0.931 even a total outage burns the error budget slower than 14.4x, so the page alert could never fire; use 0.95 or more",
    })
    .describe(
      "the fraction of good minutes promised over the window, e.g. 0.99; the error budget is the rest",
    ),
  /** the rolling window the objective and its error budget cover */
  window: z
    .enum(["28d", "30d"])
    .default("30d")
    .describe("the rolling window the objective and its error budget cover"),
  /** which burn-rate alerts to render */
  alerts: z
    .strictObject({
      /** the fast-burn alert (critical): 14.4x over 1h and 5m, or 6x over 6h and 30m */
      page: z
        .boolean()
        .default(true)
        .describe("the fast-burn alert (critical): 14.4x over 1h and 5m, or 6x over 6h and 30m"),
      /** the slow-burn alert (warning): 3x over 1d and 2h, or 1x over 3d and 6h */
      ticket: z
        .boolean()
        .default(true)
        .describe("the slow-burn alert (warning): 3x over 1d and 2h, or 1x over 3d and 6h"),
    })
    .prefault({})
    .describe("which burn-rate alerts to render"),
  /** extra labels on this SLO's alerts (after rules.labels; slo, severity and component win) */
  labels: z
    .record(promLabelName, singleLineText(256))
    .default({})
    .describe(
      "extra labels on this SLO's alerts (after rules.labels; slo, severity and component win)",
    ),
});
export type FreshnessSlo = z.output<typeof freshnessSlo>;
export type FreshnessSloInput = z.input<typeof freshnessSlo>;

/** Service-level objectives; none by default. */
const slos = z
  .strictObject({
    /**
     * freshness objectives on wallclock lag, each rendered as multi-window, multi-burn-rate
     * recording and alerting rules, and shown on the Freshness SLOs dashboard
     */
    freshness: z
      .array(freshnessSlo)
      .max(100)
      .default([])
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((slo, index) => {
          if (seen.has(slo.name)) {
            ctx.addIssue({
              code: "custom",
              path: [index, "name"],
              message: `another SLO is already named ${slo.name}; the name is the slo label and must be unique`,
            });
          }
          seen.add(slo.name);
        });
      })
      .describe(
        "freshness objectives on wallclock lag, each rendered as multi-window, multi-burn-rate recording and alerting rules, and shown on the Freshness SLOs dashboard",
      ),
  })
  .prefault({})
  .describe("service-level objectives (opt-in: none by default)");

export const materializeValues = z.strictObject({
  /**
   * ConfigMaps of the component; the umbrella leaves them out (it wires rules into the rulers and
   * dashboards into grafana-operator)
   */
  configMaps: z
    .strictObject({
      /** render the Prometheus and Loki rule files as ConfigMaps */
      rules: z
        .boolean()
        .default(true)
        .describe("render the Prometheus and Loki rule files as ConfigMaps"),
      /** render the dashboards' JSON as a ConfigMap */
      dashboards: z.boolean().default(true).describe("render the dashboards' JSON as a ConfigMap"),
    })
    .prefault({})
    .describe(
      "ConfigMaps of the component; the umbrella leaves them out (it wires rules into the rulers and dashboards into grafana-operator)",
    ),
  /** where Materialize and the stack run: scrape targets, queries and alerts follow them */
  namespaces: z
    .strictObject({
      /** namespace of the Materialize operator (orchestratord) */
      operator: dnsLabel
        .default("materialize")
        .describe("namespace of the Materialize operator (orchestratord)"),
      /** namespaces of the Materialize environments (environmentd, clusterd, balancerd) */
      environments: z
        .array(dnsLabel)
        .min(1)
        .default(["materialize-environment"])
        .describe("namespaces of the Materialize environments (environmentd, clusterd, balancerd)"),
      /** namespace of the monitoring stack, watched by the platform alerts too */
      monitoring: dnsLabel
        .default("monitoring")
        .describe("namespace of the monitoring stack, watched by the platform alerts too"),
    })
    .prefault({})
    .describe(
      "where Materialize and the stack run: scrape targets, queries and alerts follow them",
    ),
  /** what is scraped: environmentd, clusterd, balancerd, the operator */
  scrape: z
    .strictObject({
      /** how often the Materialize targets are scraped */
      interval: duration.default("30s").describe("how often the Materialize targets are scraped"),
      /** how long one scrape may take; at most the interval */
      timeout: duration
        .default("10s")
        .describe("how long one scrape may take; at most the interval"),
      /**
       * also select environmentd pods labelled only app=environmentd (Materialize before v26.24.0)
       */
      legacyEnvironmentdSelector: z
        .boolean()
        .default(true)
        .describe(
          "also select environmentd pods labelled only app=environmentd (Materialize before v26.24.0)",
        ),
      /** scrape balancerd */
      balancerd: z.boolean().default(true).describe("scrape balancerd"),
      /** scrape the Materialize operator in namespaces.operator */
      operator: z
        .boolean()
        .default(true)
        .describe("scrape the Materialize operator in namespaces.operator"),
      /** environmentd's metrics computed by SQL queries, behind basic auth */
      sqlMetrics,
      /** keep only the metrics the package's queries use (the allow-lists) at scrape time */
      filterMetrics: z
        .boolean()
        .default(true)
        .describe(
          "keep only the metrics the package's queries use (the allow-lists) at scrape time",
        ),
      /**
       * the Prometheus that runs the scrape_configs; basic_auth.username_file needs 2.48 or newer
       */
      prometheusVersion: z
        .string()
        .regex(/^\d+\.\d+(\.\d+)?$/, "a Prometheus version such as 2.53 or 3.1.0")
        .default("2.53")
        .describe(
          "the Prometheus that runs the scrape_configs; basic_auth.username_file needs 2.48 or newer",
        ),
    })
    .prefault({})
    .describe("what is scraped: environmentd, clusterd, balancerd, the operator"),
  /** job label regexes of the stack's own scrape targets, for self-monitoring */
  stackJobs: z
    .strictObject({
      /** job regex of Loki's scrape targets */
      loki: matcherRegex.default(".*loki.*").describe("job regex of Loki's scrape targets"),
      /** job regex of Thanos's scrape targets */
      thanos: matcherRegex.default(".*thanos.*").describe("job regex of Thanos's scrape targets"),
      /** job regex of the Alloy agents and gateway */
      alloy: matcherRegex
        .default(".*alloy.*")
        .describe("job regex of the Alloy agents and gateway"),
      /** job regex of Alertmanager's scrape targets */
      alertmanager: matcherRegex
        .default(".*alertmanager.*")
        .describe("job regex of Alertmanager's scrape targets"),
    })
    .prefault({})
    .describe("job label regexes of the stack's own scrape targets, for self-monitoring"),
  /** what the log queries and alerts look for */
  logs: z
    .strictObject({
      /** the `job` label of the Kubernetes events in Loki */
      kubernetesEventsJob: singleLineText(256)
        .min(1)
        .default("integrations/kubernetes/eventhandler")
        .describe("the `job` label of the Kubernetes events in Loki"),
      /** LogQL regex of Materialize log lines that report a data-correctness problem */
      correctnessPattern: matcherRegex
        .default("Non-positive accumulation|Negative accumulation")
        .describe("LogQL regex of Materialize log lines that report a data-correctness problem"),
    })
    .prefault({})
    .describe("what the log queries and alerts look for"),
  /** the Prometheus and Loki alerting rules */
  rules: z
    .strictObject({
      /** base of every alert's runbook_url; #<alert name in lower case> is appended */
      runbookBaseUrl: httpUrlSchema("https://runbooks.example.com/materialize.md")
        .default(
          "https://github.com/materialize-monitoring/materialize-monitoring/blob/main/packages/materialize/docs/runbooks.md",
        )
        .describe("base of every alert's runbook_url; #<alert name in lower case> is appended"),
      /** labels added to every alert */
      labels: alertLabels.default({}).describe("labels added to every alert"),
      /** per-alert overrides, by alert name */
      alerts: z
        .record(z.string(), alertOverride)
        .default({})
        .describe("per-alert overrides, by alert name"),
      /** evaluation interval of every group; the ruler's default when unset */
      interval: duration
        .optional()
        .describe("evaluation interval of every group; the ruler's default when unset"),
    })
    .prefault({})
    .describe("the Prometheus and Loki alerting rules"),
  /** service-level objectives (opt-in: none by default) */
  slos,
  /** the Grafana dashboards */
  dashboards: z
    .strictObject({
      /** tags of every dashboard */
      tags: z
        .array(singleLineText(64).min(1))
        .max(20)
        .default(["materialize"])
        .describe("tags of every dashboard"),
      /** auto-refresh interval of the dashboards; empty turns auto-refresh off */
      refresh: z
        .string()
        .regex(
          /^(\d+[smhdw])?$/,
          "an interval Grafana's refresh picker takes, e.g. 30s, 1m, 1h, or empty for off",
        )
        .default("1m")
        .describe("auto-refresh interval of the dashboards; empty turns auto-refresh off"),
      /** start of the default time range, e.g. now-6h */
      timeFrom: z
        .string()
        .regex(
          /^now(-\d+[smhdwMy])?(\/[smhdwMy])?$/,
          "a Grafana relative time such as now-6h, now-7d or now/d",
        )
        .default("now-6h")
        .describe("start of the default time range, e.g. now-6h"),
      /** prefix of every dashboard uid (lower-case letters, digits, -; at most 20) */
      uidPrefix: z
        .string()
        .regex(/^[a-z0-9-]*$/)
        .max(20)
        .default("mz-")
        .describe("prefix of every dashboard uid (lower-case letters, digits, -; at most 20)"),
    })
    .prefault({})
    .describe("the Grafana dashboards"),
});
export type MaterializeValues = z.input<typeof materializeValues>;
export type ResolvedMaterializeValues = z.output<typeof materializeValues>;

export function queryScope(values: ResolvedMaterializeValues): QueryScope {
  return {
    namespaces: values.namespaces,
    stackJobs: values.stackJobs,
    kubernetesEventsJob: values.logs.kubernetesEventsJob,
    correctnessPattern: values.logs.correctnessPattern,
  };
}
