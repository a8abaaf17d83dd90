import { toYaml, valuesError } from "@materialize-monitoring/core";
import type { ResolvedMaterializeValues } from "../values.js";
import type { RelabelRule, ScrapeTarget } from "./targets.js";

/** The first Prometheus release whose basic_auth reads `username_file` (gated conservatively). */
export const USERNAME_FILE_SINCE = "2.48";

function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split(".").map(Number);
  const b = minimum.split(".").map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/** A relabel rule in Prometheus' snake_case form. */
export function prometheusRelabelConfig(rule: RelabelRule): Record<string, unknown> {
  return {
    ...(rule.sourceLabels ? { source_labels: rule.sourceLabels } : {}),
    ...(rule.separator !== undefined ? { separator: rule.separator } : {}),
    ...(rule.regex !== undefined ? { regex: rule.regex } : {}),
    ...(rule.targetLabel !== undefined ? { target_label: rule.targetLabel } : {}),
    ...(rule.replacement !== undefined ? { replacement: rule.replacement } : {}),
    ...(rule.action !== undefined ? { action: rule.action } : {}),
  };
}

/**
 * Prometheus `scrape_configs` for the targets. Basic auth reads files: the
 * Secret must be mounted at `scrape.sqlMetrics.prometheusSecretDir` in the
 * Prometheus pod, so no credential is ever written into the configuration.
 */
export function prometheusScrapeConfigs(
  targets: readonly ScrapeTarget[],
  values: ResolvedMaterializeValues,
): Record<string, unknown>[] {
  const { sqlMetrics, prometheusVersion } = values.scrape;
  return targets.map((target) => {
    let basicAuth: Record<string, string> | undefined;
    if (target.basicAuth) {
      const dir = sqlMetrics.prometheusSecretDir.replace(/\/$/, "");
      const passwordFile = `${dir}/${target.basicAuth.passwordKey}`;
      if (versionAtLeast(prometheusVersion, USERNAME_FILE_SINCE)) {
        basicAuth = {
          username_file: `${dir}/${target.basicAuth.usernameKey}`,
          password_file: passwordFile,
        };
      } else if (sqlMetrics.username) {
        basicAuth = { username: sqlMetrics.username, password_file: passwordFile };
      } else {
        throw valuesError(
          "materialize.scrape.sqlMetrics.username",
          `Prometheus ${prometheusVersion} cannot read the user name from a file (username_file needs ${USERNAME_FILE_SINCE}+)`,
          "set scrape.sqlMetrics.username to the SQL role (e.g. mz_support; it is not a secret), or raise scrape.prometheusVersion",
        );
      }
    }
    return {
      job_name: target.job,
      scheme: target.scheme,
      metrics_path: target.path,
      scrape_interval: target.interval,
      scrape_timeout: target.timeout,
      ...(basicAuth ? { basic_auth: basicAuth } : {}),
      kubernetes_sd_configs: [
        {
          role: target.role,
          namespaces: { names: target.namespaces },
          selectors: [{ role: target.role, ...target.discoverySelectors }],
        },
      ],
      relabel_configs: target.relabelings.map(prometheusRelabelConfig),
      ...(target.metricRelabelings.length > 0
        ? { metric_relabel_configs: target.metricRelabelings.map(prometheusRelabelConfig) }
        : {}),
    };
  });
}

/** `scrape_configs:` as YAML, ready to paste into prometheus.yml. */
export function prometheusScrapeConfigYaml(
  targets: readonly ScrapeTarget[],
  values: ResolvedMaterializeValues,
): string {
  return toYaml({ scrape_configs: prometheusScrapeConfigs(targets, values) });
}
