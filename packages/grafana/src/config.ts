import type { BuildContext } from "@materialize-monitoring/core";
import { resourceName, serviceFqdn, valuesError } from "@materialize-monitoring/core";
import { type Ini, type IniValue, renderIni } from "./ini.js";
import {
  GRAFANA_GOSSIP_PORT,
  GRAFANA_HTTP_PORT,
  type GrafanaDatabase,
  type ParsedGrafanaValues,
} from "./values.js";

/** Where Grafana's data lives (the image's GF_PATHS_DATA); the SQLite file is in it. */
export const GRAFANA_DATA_PATH = "/var/lib/grafana";
/** Where a database CA certificate is mounted. */
export const DATABASE_CA_PATH = "/etc/grafana/database-ca/ca.crt";

/** The headless Service that lets alerting replicas find each other. */
export function headlessServiceName(ctx: BuildContext): string {
  return resourceName(ctx, "grafana", "headless");
}

/** The URL users open: `server.rootUrl`, else from the Ingress or HTTPRoute host, else none. */
export function rootUrl(values: ParsedGrafanaValues): string | undefined {
  if (values.server.rootUrl) return values.server.rootUrl;
  if (values.ingress.enabled && values.ingress.host) {
    const scheme = values.ingress.tlsSecretName ? "https" : "http";
    return `${scheme}://${values.ingress.host}${values.ingress.path === "/" ? "/" : `${values.ingress.path}/`}`;
  }
  const [host] = values.httpRoute.hostnames;
  if (values.httpRoute.enabled && host) {
    return `${values.httpRoute.scheme}://${host}${values.httpRoute.path === "/" ? "/" : `${values.httpRoute.path}/`}`;
  }
  return undefined;
}

function databaseSection(database: GrafanaDatabase): [string, IniValue][] {
  if (database.type === "sqlite") {
    return [
      ["type", "sqlite3"],
      ["path", `${GRAFANA_DATA_PATH}/grafana.db`],
      ["wal", database.wal],
    ];
  }
  // The password comes from GF_DATABASE_PASSWORD (a secretKeyRef), never from this file.
  return [
    ["type", database.type],
    ["host", `${database.host}:${database.port}`],
    ["name", database.name],
    ["user", database.user],
    ["ssl_mode", database.sslMode],
    ...(database.caCert ? ([["ca_cert_path", DATABASE_CA_PATH]] as [string, IniValue][]) : []),
    ["max_open_conn", database.maxOpenConnections],
    ["max_idle_conn", database.maxIdleConnections],
    ["conn_max_lifetime", database.connMaxLifetimeSeconds],
  ];
}

/**
 * Keys this package derives from typed values: overriding them through
 * `config` would silently break what the typed value promises, so it is an
 * error that names the typed value instead.
 */
const DERIVED: Record<string, string> = {
  "server.http_port": "the port is fixed at 3000",
  "server.protocol": "TLS terminates at the Ingress or Gateway",
  "server.root_url": "server.rootUrl",
  "database.*": "database",
  "security.admin_user": "admin.user (a secret reference)",
  "security.admin_password": "admin.password (a secret reference)",
  "security.secret_key": "secretKey (a secret reference)",
  "unified_alerting.enabled": "alerting.enabled",
  "unified_alerting.ha_peers": "replicas (peers are set when replicas > 1)",
  "unified_alerting.ha_listen_address": "replicas",
  "unified_alerting.ha_advertise_address": "replicas",
  "log.level": "log.level",
  "log.console.format": "log.format",
  "paths.*": "the image's paths, which the volumes follow",
};

function derivedBy(section: string, key: string): string | undefined {
  return DERIVED[`${section}.${key}`] ?? DERIVED[`${section}.*`];
}

function looksLikeCredential(key: string): boolean {
  return /(^|_)(password|secret|client_secret|token|api_key|connstr)$/.test(key);
}

function checkOverride(section: string, key: string, value: IniValue): void {
  const path = `grafana.config.${section}.${key}`;
  const typed = derivedBy(section, key);
  if (typed) throw valuesError(path, "set by a typed value", `use ${typed}`);
  if (looksLikeCredential(key)) {
    throw valuesError(
      path,
      "credentials cannot be written into grafana.ini (a ConfigMap)",
      `use secretEnv: [{ name: "GF_${section.replace(/[.-]/g, "_").toUpperCase()}_${key.toUpperCase()}", secret: { name, key } }]`,
    );
  }
  if (section === "auth.anonymous" && key === "enabled" && String(value) === "true") {
    throw valuesError(
      path,
      "anonymous access stays off: every dashboard and datasource would be open to anyone who reaches Grafana",
      "put an authenticating proxy or an identity provider (auth.generic_oauth, auth.jwt) in front instead",
    );
  }
}

/** The typed grafana.ini model, then `config` overrides; rendered deterministically. */
export function grafanaIni(ctx: BuildContext, values: ParsedGrafanaValues): string {
  const url = rootUrl(values);
  const ha = values.replicas > 1 && values.alerting.enabled;
  const sections: Ini = [
    [
      "server",
      [
        ["protocol", "http"],
        ["http_port", GRAFANA_HTTP_PORT],
        ...(url
          ? ([
              ["root_url", url],
              ["domain", new URL(url).hostname],
            ] as [string, IniValue][])
          : []),
        ["serve_from_sub_path", values.server.serveFromSubPath],
        ["enable_gzip", values.server.enableGzip],
        ["router_logging", false],
      ],
    ],
    ["database", databaseSection(values.database)],
    [
      "security",
      [
        ["disable_gravatar", true],
        ["cookie_secure", url?.startsWith("https://") ?? false],
        ["cookie_samesite", "lax"],
        ["allow_embedding", false],
        ["strict_transport_security", url?.startsWith("https://") ?? false],
      ],
    ],
    ["auth", [["disable_login_form", false]]],
    ["auth.anonymous", [["enabled", false]]],
    [
      "users",
      [
        ["allow_sign_up", false],
        ["allow_org_create", false],
      ],
    ],
    [
      "analytics",
      [
        ["reporting_enabled", false],
        ["check_for_updates", false],
        ["check_for_plugin_updates", false],
        ["feedback_links_enabled", false],
      ],
    ],
    ["news", [["news_feed_enabled", false]]],
    [
      "log",
      [
        ["mode", "console"],
        ["level", values.log.level],
      ],
    ],
    ["log.console", [["format", values.log.format]]],
    ["metrics", [["enabled", true]]],
    [
      "unified_alerting",
      [
        ["enabled", values.alerting.enabled],
        ...(ha
          ? ([
              ["ha_peers", `${serviceFqdn(ctx, headlessServiceName(ctx))}:${GRAFANA_GOSSIP_PORT}`],
              ["ha_listen_address", `$__env{POD_IP}:${GRAFANA_GOSSIP_PORT}`],
              ["ha_advertise_address", `$__env{POD_IP}:${GRAFANA_GOSSIP_PORT}`],
              ["ha_peer_timeout", "15s"],
            ] as [string, IniValue][])
          : []),
      ],
    ],
  ];
  // Overrides: a key of a typed section replaces it in place; new sections follow, sorted.
  for (const section of Object.keys(values.config).sort()) {
    const overrides = values.config[section] ?? {};
    let entries = sections.find(([name]) => name === section)?.[1];
    if (!entries) {
      entries = [];
      sections.push([section, entries]);
    }
    for (const key of Object.keys(overrides).sort()) {
      const value = overrides[key] as IniValue;
      checkOverride(section, key, value);
      const existing = entries.find(([name]) => name === key);
      if (existing) existing[1] = value;
      else entries.push([key, value]);
    }
  }
  return renderIni(sections);
}
