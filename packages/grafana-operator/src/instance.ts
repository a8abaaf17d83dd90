import type { BuildContext, SecretRef } from "@materialize-monitoring/core";
import { objectMeta, resourceName, valuesError } from "@materialize-monitoring/core";
import {
  GRAFANA_INSTANCE_COMPONENT,
  type GrafanaResource,
  grafanaInstanceSelectorLabels,
  secretKeySelector,
} from "./resources.js";
import { GRAFANA_API_VERSION } from "./version.js";

/** `spec.config` of a `Grafana`: ini sections of keys. Numbers and booleans become strings. */
export type GrafanaConfigInput = Record<string, Record<string, string | number | boolean>>;

/** A TLS choice for the operator's client: exactly one of the two (a CEL rule of the CRD). */
export type GrafanaClientTls =
  | { insecureSkipVerify: true; certSecretRef?: never }
  | { certSecretRef: { name: string; namespace?: string }; insecureSkipVerify?: never };

/** A Grafana the operator does not deploy: ours (the grafana package) or any other. */
export interface ExternalGrafana {
  /** Base URL the operator calls, e.g. `http://grafana.monitoring.svc.cluster.local:3000`. */
  url: string;
  /** Admin user and password from a Secret in the `Grafana` resource's namespace. */
  adminUser?: SecretRef;
  adminPassword?: SecretRef;
  /** Or a service-account token instead of the admin user. */
  apiKey?: SecretRef;
  /** Grafana 12+ API namespace for `GrafanaManifest`s (upstream default `default`); immutable. */
  tenantNamespace?: string;
  tls?: GrafanaClientTls;
}

/** A Grafana the operator deploys itself, with admin credentials from secret references. */
export interface ManagedGrafana {
  /** Image tag or full reference (the operator's default when unset). */
  version?: string;
  config?: GrafanaConfigInput;
  adminUser: SecretRef;
  adminPassword: SecretRef;
  /** `[security] secret_key`, which encrypts datasource secrets in Grafana's database. */
  secretKey?: SecretRef;
}

export interface GrafanaInstanceOptions {
  /** `metadata.name`; defaults to `resourceName(ctx, "grafana")`. */
  name?: string;
  /** Exactly one of `external` and `managed`. */
  external?: ExternalGrafana;
  managed?: ManagedGrafana;
  client?: { timeout?: number; preferIngress?: boolean; tls?: GrafanaClientTls };
  /** Extra labels; the instance-selector labels are always set and cannot be overridden. */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface GrafanaSpec {
  external?: {
    url: string;
    adminUser?: { name: string; key: string };
    adminPassword?: { name: string; key: string };
    apiKey?: { name: string; key: string };
    tenantNamespace?: string;
    tls?: GrafanaClientTls;
  };
  version?: string;
  config?: Record<string, Record<string, string>>;
  disableDefaultAdminSecret?: boolean;
  deployment?: Record<string, unknown>;
  client?: { timeout?: number; preferIngress?: boolean; tls?: GrafanaClientTls };
}

export type GrafanaObject = GrafanaResource<"Grafana", GrafanaSpec>;

/**
 * Keys that hold credentials. `spec.config` is plain text in the custom
 * resource, so these may only come from secret references.
 */
const CREDENTIAL_KEYS: Record<string, readonly string[]> = {
  security: ["admin_password", "admin_user", "secret_key"],
  database: ["password", "user"],
  remote_cache: ["connstr"],
  smtp: ["password"],
};

function looksLikeCredential(section: string, key: string): boolean {
  if (CREDENTIAL_KEYS[section]?.includes(key)) return true;
  return /(^|_)(password|secret|client_secret|token|api_key)$/.test(key);
}

/**
 * `spec.config` as the CRD requires it: a map of sections of string values
 * (`additionalProperties: {type: string}`). Numbers and booleans are turned
 * into strings here, anything else is refused with its path; keys that carry
 * credentials are refused (they belong in secret references), and so is
 * turning anonymous access on.
 */
export function grafanaConfig(
  path: string,
  config: GrafanaConfigInput,
): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const section of Object.keys(config).sort()) {
    const keys = config[section];
    if (keys === null || typeof keys !== "object" || Array.isArray(keys)) {
      throw valuesError(
        `${path}.${section}`,
        "each config section must be a map of keys to values",
        'example: { server: { root_url: "https://grafana.example.com" } }',
      );
    }
    const values: Record<string, string> = {};
    for (const key of Object.keys(keys).sort()) {
      const value: unknown = keys[key];
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
        throw valuesError(
          `${path}.${section}.${key}`,
          `config values must be strings (got ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value})`,
          "write the value as Grafana's ini file would, e.g. a comma-separated list",
        );
      }
      if (looksLikeCredential(section, key)) {
        throw valuesError(
          `${path}.${section}.${key}`,
          "credentials cannot be written into the Grafana config",
          "pass them as secret references (adminUser, adminPassword, secretKey) instead",
        );
      }
      if (section === "auth.anonymous" && key === "enabled" && String(value) === "true") {
        throw valuesError(
          `${path}.${section}.${key}`,
          "anonymous access stays off: every dashboard and datasource would be open to anyone who reaches Grafana",
          "put an authenticating proxy or an identity provider in front instead",
        );
      }
      values[key] = String(value);
    }
    out[section] = values;
  }
  return out;
}

function checkTls(path: string, tls: GrafanaClientTls | undefined): void {
  if (!tls) return;
  const insecure = tls.insecureSkipVerify !== undefined;
  const cert = tls.certSecretRef !== undefined;
  if (insecure === cert) {
    throw valuesError(
      path,
      "insecureSkipVerify and certSecretRef cannot be set at the same time, and one of them is required",
      "set certSecretRef to trust a CA, or insecureSkipVerify: true for testing only",
    );
  }
}

function secretEnv(name: string, ref: SecretRef) {
  return { name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
}

/**
 * A `Grafana` custom resource. Its labels are `grafanaInstanceSelectorLabels(ctx)`
 * (plus extras), which is what every resource builder in this package selects
 * by default.
 */
export function grafanaInstance(ctx: BuildContext, options: GrafanaInstanceOptions): GrafanaObject {
  const name = options.name ?? resourceName(ctx, "grafana");
  const path = `Grafana/${name}`;
  if ((options.external === undefined) === (options.managed === undefined)) {
    throw valuesError(
      path,
      "set exactly one of external and managed",
      "external points the operator at a Grafana deployed elsewhere; managed lets the operator deploy one",
    );
  }
  checkTls(`${path}.client.tls`, options.client?.tls);
  const spec: GrafanaSpec = {};
  if (options.external) {
    const external = options.external;
    if (!/^https?:\/\/.+$/.test(external.url)) {
      throw valuesError(`${path}.external.url`, `"${external.url}" is not an http(s) URL`);
    }
    const basic = external.adminUser !== undefined || external.adminPassword !== undefined;
    if (basic && (external.adminUser === undefined || external.adminPassword === undefined)) {
      throw valuesError(`${path}.external`, "adminUser and adminPassword go together");
    }
    if (basic === (external.apiKey !== undefined)) {
      throw valuesError(
        `${path}.external`,
        "set either adminUser and adminPassword, or apiKey",
        "both are secret references",
      );
    }
    checkTls(`${path}.external.tls`, external.tls);
    spec.external = {
      url: external.url,
      ...(external.adminUser ? { adminUser: secretKeySelector(external.adminUser) } : {}),
      ...(external.adminPassword
        ? { adminPassword: secretKeySelector(external.adminPassword) }
        : {}),
      ...(external.apiKey ? { apiKey: secretKeySelector(external.apiKey) } : {}),
      ...(external.tenantNamespace ? { tenantNamespace: external.tenantNamespace } : {}),
      ...(external.tls ? { tls: structuredClone(external.tls) } : {}),
    };
  }
  if (options.managed) {
    const managed = options.managed;
    if (managed.version !== undefined) spec.version = managed.version;
    if (managed.config) spec.config = grafanaConfig(`${path}.config`, managed.config);
    // The operator would otherwise create an admin Secret of its own; the
    // credentials come from ours, through the container's environment.
    spec.disableDefaultAdminSecret = true;
    spec.deployment = {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "grafana",
                env: [
                  secretEnv("GF_SECURITY_ADMIN_USER", managed.adminUser),
                  secretEnv("GF_SECURITY_ADMIN_PASSWORD", managed.adminPassword),
                  ...(managed.secretKey
                    ? [secretEnv("GF_SECURITY_SECRET_KEY", managed.secretKey)]
                    : []),
                ],
              },
            ],
          },
        },
      },
    };
  }
  if (options.client) {
    spec.client = {
      ...(options.client.timeout !== undefined ? { timeout: options.client.timeout } : {}),
      ...(options.client.preferIngress !== undefined
        ? { preferIngress: options.client.preferIngress }
        : {}),
      ...(options.client.tls ? { tls: structuredClone(options.client.tls) } : {}),
    };
  }
  const metadata = objectMeta(ctx, {
    name: "grafana",
    component: GRAFANA_INSTANCE_COMPONENT,
    objectName: name,
    ...(options.annotations ? { annotations: options.annotations } : {}),
  });
  metadata.labels = {
    ...metadata.labels,
    ...options.labels,
    ...grafanaInstanceSelectorLabels(ctx),
  };
  return { apiVersion: GRAFANA_API_VERSION, kind: "Grafana", metadata, spec };
}
