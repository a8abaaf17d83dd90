import { duration } from "@materialize-monitoring/core";
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
const matcherRegex = z
  .string()
  .min(1)
  .refine((v) => !/["`\\]/.test(v), {
    message: "must not contain quotes, backticks or backslashes",
  })
  .refine(
    (v) => {
      try {
        new RegExp(v);
        return true;
      } catch {
        return false;
      }
    },
    { message: "not a valid regular expression" },
  );

export const severity = z.enum(["critical", "warning", "info", "none"]);
export type Severity = z.output<typeof severity>;

/** One severity level of an alert: its threshold (for threshold alerts) and how long it must hold. */
export const alertTier = z.strictObject({
  severity,
  threshold: z
    .number()
    .optional()
    .describe("compared with the alert's measurement; ignored by alerts without a threshold"),
  for: duration.describe("how long the condition must hold before the alert fires"),
});
export type AlertTier = z.output<typeof alertTier>;

/** Per-alert overrides; anything left out keeps the alert's default (see docs/catalogue.md). */
export const alertOverride = z.strictObject({
  enabled: z.boolean().optional(),
  tiers: z.array(alertTier).min(1).optional().describe("replaces the default tiers"),
  labels: z.record(z.string(), z.string()).optional().describe("extra labels on this alert"),
});
export type AlertOverride = z.output<typeof alertOverride>;

const sqlMetrics = z
  .strictObject({
    enabled: z.boolean().default(true),
    interval: duration
      .default("60s")
      .describe("the SQL-derived endpoints run queries; scrape them less often"),
    timeout: duration.default("30s"),
    secret: z
      .strictObject({
        name: z.string().min(1).default(SQL_MONITOR_SECRET.name),
        namespace: dnsLabel
          .optional()
          .describe(
            "where Alloy reads the Secret through the API; the first environment namespace when unset",
          ),
        usernameKey: z.string().min(1).default(SQL_MONITOR_SECRET.usernameKey),
        passwordKey: z.string().min(1).default(SQL_MONITOR_SECRET.passwordKey),
      })
      .prefault({})
      .describe(
        "Secret with the basic-auth user name (picks the SQL role, e.g. mz_support) and password (not checked by Materialize)",
      ),
    username: z
      .string()
      .min(1)
      .optional()
      .describe(
        "only for Prometheus older than 2.48, which cannot read username_file: the SQL role (not a secret), e.g. mz_support",
      ),
    prometheusSecretDir: z
      .string()
      .startsWith("/")
      .default(`/etc/prometheus/secrets/${SQL_MONITOR_SECRET.name}`)
      .describe(
        "where a plain Prometheus has the Secret mounted; scrape_configs read username_file/password_file from it",
      ),
  })
  .prefault({});

export const materializeValues = z.strictObject({
  configMaps: z
    .strictObject({
      rules: z
        .boolean()
        .default(true)
        .describe("render the Prometheus and Loki rule files as ConfigMaps"),
      dashboards: z.boolean().default(true).describe("render the dashboards' JSON as a ConfigMap"),
    })
    .prefault({})
    .describe(
      "ConfigMaps of the component; the umbrella leaves them out (it wires rules into the rulers and dashboards into grafana-operator)",
    ),
  namespaces: z
    .strictObject({
      operator: dnsLabel.default("materialize"),
      environments: z.array(dnsLabel).min(1).default(["materialize-environment"]),
      monitoring: dnsLabel.default("monitoring"),
    })
    .prefault({}),
  scrape: z
    .strictObject({
      interval: duration.default("30s"),
      timeout: duration.default("10s"),
      legacyEnvironmentdSelector: z
        .boolean()
        .default(true)
        .describe(
          "also select environmentd pods labelled only app=environmentd (Materialize before v26.24.0)",
        ),
      balancerd: z.boolean().default(true),
      operator: z.boolean().default(true),
      sqlMetrics,
      filterMetrics: z
        .boolean()
        .default(true)
        .describe(
          "keep only the metrics the package's queries use (the allow-lists) at scrape time",
        ),
      prometheusVersion: z
        .string()
        .regex(/^\d+\.\d+(\.\d+)?$/, "a Prometheus version such as 2.53 or 3.1.0")
        .default("2.53")
        .describe(
          "the Prometheus that runs the scrape_configs; basic_auth.username_file needs 2.48 or newer",
        ),
    })
    .prefault({}),
  stackJobs: z
    .strictObject({
      loki: matcherRegex.default(".*loki.*"),
      thanos: matcherRegex.default(".*thanos.*"),
      alloy: matcherRegex.default(".*alloy.*"),
      alertmanager: matcherRegex.default(".*alertmanager.*"),
    })
    .prefault({})
    .describe("job label regexes of the stack's own scrape targets, for self-monitoring"),
  logs: z
    .strictObject({
      kubernetesEventsJob: z.string().min(1).default("integrations/kubernetes/eventhandler"),
      correctnessPattern: matcherRegex
        .default("Non-positive accumulation|Negative accumulation")
        .describe("LogQL regex of Materialize log lines that report a data-correctness problem"),
    })
    .prefault({}),
  rules: z
    .strictObject({
      runbookBaseUrl: z
        .url()
        .default(
          "https://github.com/materialize-monitoring/materialize-monitoring/blob/main/packages/materialize/docs/runbooks.md",
        ),
      labels: z.record(z.string(), z.string()).default({}).describe("labels added to every alert"),
      alerts: z
        .record(z.string(), alertOverride)
        .default({})
        .describe("per-alert overrides, by alert name"),
      interval: duration
        .optional()
        .describe("evaluation interval of every group; the ruler's default when unset"),
    })
    .prefault({}),
  dashboards: z
    .strictObject({
      tags: z.array(z.string()).default(["materialize"]),
      refresh: z.string().default("1m"),
      timeFrom: z.string().default("now-6h"),
      uidPrefix: z
        .string()
        .regex(/^[a-z0-9-]*$/)
        .max(20)
        .default("mz-"),
    })
    .prefault({}),
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
