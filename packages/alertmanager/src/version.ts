import { z } from "zod";

/**
 * Alertmanager minor versions this package knows how to configure. The
 * configuration and flags it renders depend on the version: newer receivers
 * and `*_file` credential fields are only written for versions that parse them.
 */
export const ALERTMANAGER_VERSIONS = ["0.25", "0.26", "0.27", "0.28"] as const;
export const alertmanagerVersion = z.enum(ALERTMANAGER_VERSIONS);
export type AlertmanagerVersion = z.output<typeof alertmanagerVersion>;

/** The image this package ships by default; `alertmanagerVersion` follows its tag. */
export const DEFAULT_IMAGE = {
  registry: "quay.io",
  repository: "prometheus/alertmanager",
  tag: "v0.28.1",
} as const;

/**
 * Features that appeared after 0.25 (the oldest version supported), with the
 * first minor version that has them. Sources: the upstream CHANGELOG and the
 * configuration reference (docs/configuration.md).
 */
export const FEATURE_SINCE = {
  /** `webhook_configs[].url_file` (0.26.0, #3223). */
  webhookUrlFile: "0.26",
  /** `--cluster.label` (0.26.0, #3354). */
  clusterLabel: "0.26",
  /** `msteams_configs` with `webhook_url_file` and `summary` (0.26 added Teams, 0.27 the file form). */
  msteams: "0.27",
  /** `--enable-feature` flags (0.27.0). */
  featureFlags: "0.27",
  /** `msteamsv2_configs` (0.28.0, #4024). */
  msteamsv2: "0.28",
  /** `webhook_configs[].timeout` (0.28.0, #4137). */
  webhookTimeout: "0.28",
  /** `auto-gomemlimit` and `auto-gomaxprocs` feature flags (0.28.0). */
  autoGoRuntimeFlags: "0.28",
} as const satisfies Record<string, AlertmanagerVersion>;

export type Feature = keyof typeof FEATURE_SINCE;

function minor(version: AlertmanagerVersion): number {
  return Number(version.split(".")[1]);
}

export function supports(version: AlertmanagerVersion, feature: Feature): boolean {
  return minor(version) >= minor(FEATURE_SINCE[feature]);
}

/**
 * The minor version from an image tag such as `v0.28.1` or `0.27.0-rc.0`, or
 * undefined for tags this package cannot read (custom builds).
 */
export function versionFromTag(tag: string): AlertmanagerVersion | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(tag);
  if (!match) return undefined;
  const candidate = `${match[1]}.${match[2]}`;
  const parsed = alertmanagerVersion.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}
