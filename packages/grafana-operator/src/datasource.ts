import type { BuildContext, SecretRef } from "@materialize-monitoring/core";
import { resourceName, valuesError } from "@materialize-monitoring/core";
import {
  type CommonSpec,
  checkUid,
  type GrafanaResource,
  type InstanceResourceOptions,
  instanceResource,
} from "./resources.js";

/** A secret value the operator writes into the datasource at `targetPath` (`valuesFrom`). */
export interface DatasourceSecret {
  /** Where the value goes, e.g. `secureJsonData.httpHeaderValue1`. */
  targetPath: string;
  secretKeyRef: SecretRef;
  /**
   * The text written at `targetPath`, with `${<secret key>}` replaced by the
   * operator, e.g. `Bearer ${token}`. Defaults to the bare `${<secret key>}`.
   */
  template?: string;
}

export interface DatasourceOptions extends InstanceResourceOptions {
  /** Grafana uid of the datasource; dashboards reference it, so it never changes. */
  uid: string;
  /** Display name in Grafana. */
  displayName: string;
  /** Plugin type: `prometheus`, `loki`, `alertmanager`, ... */
  type: string;
  url: string;
  access?: "proxy" | "direct";
  isDefault?: boolean;
  /** Defaults to false: the datasource is managed as code. */
  editable?: boolean;
  jsonData?: Record<string, unknown>;
  /** Credentials only as secret references, placed by the operator. */
  secrets?: DatasourceSecret[];
  /**
   * HTTP headers Grafana sends with every query, values that are no secret (a Loki tenant list):
   * `jsonData.httpHeaderName<n>` and `secureJsonData.httpHeaderValue<n>`, numbered from 1.
   */
  headers?: Readonly<Record<string, string>>;
  basicAuthUser?: string;
}

export interface GrafanaDatasourceSpec extends CommonSpec {
  uid: string;
  datasource: {
    name: string;
    type: string;
    url: string;
    access: string;
    isDefault: boolean;
    editable: boolean;
    basicAuth?: boolean;
    basicAuthUser?: string;
    jsonData?: Record<string, unknown>;
    secureJsonData?: Record<string, string>;
  };
  valuesFrom?: {
    targetPath: string;
    valueFrom: { secretKeyRef: { name: string; key: string } };
  }[];
}

export type GrafanaDatasourceObject = GrafanaResource<"GrafanaDatasource", GrafanaDatasourceSpec>;

const TARGET_PATH =
  /^(jsonData|secureJsonData)\.[A-Za-z0-9_]+$|^(url|user|basicAuthUser|database)$/;

function setPath(target: Record<string, unknown>, path: string, value: string): void {
  const [head, field] = path.split(".");
  if (field === undefined) {
    target[head as string] = value;
    return;
  }
  const section = (target[head as string] ?? {}) as Record<string, unknown>;
  section[field] = value;
  target[head as string] = section;
}

/** A `GrafanaDatasource`. `spec.uid` is always set, so it is stable across renders (CRD rule). */
export function grafanaDatasource(
  ctx: BuildContext,
  options: DatasourceOptions,
): GrafanaDatasourceObject {
  const path = `GrafanaDatasource/${options.name}`;
  checkUid(`${path}.uid`, options.uid);
  if (!/^https?:\/\/.+/.test(options.url)) {
    throw valuesError(`${path}.url`, `"${options.url}" is not an http(s) URL`);
  }
  const datasource: GrafanaDatasourceSpec["datasource"] = {
    name: options.displayName,
    type: options.type,
    url: options.url,
    access: options.access ?? "proxy",
    isDefault: options.isDefault ?? false,
    editable: options.editable ?? false,
    ...(options.basicAuthUser ? { basicAuth: true, basicAuthUser: options.basicAuthUser } : {}),
    ...(options.jsonData ? { jsonData: structuredClone(options.jsonData) } : {}),
  };
  Object.entries(options.headers ?? {}).forEach(([name, value], i) => {
    setPath(
      datasource as unknown as Record<string, unknown>,
      `jsonData.httpHeaderName${i + 1}`,
      name,
    );
    setPath(
      datasource as unknown as Record<string, unknown>,
      `secureJsonData.httpHeaderValue${i + 1}`,
      value,
    );
  });
  const valuesFrom: NonNullable<GrafanaDatasourceSpec["valuesFrom"]> = [];
  const seen = new Set<string>();
  for (const [index, secret] of (options.secrets ?? []).entries()) {
    const at = `${path}.secrets[${index}]`;
    if (!TARGET_PATH.test(secret.targetPath)) {
      throw valuesError(
        `${at}.targetPath`,
        `"${secret.targetPath}" is not a datasource field the operator can fill`,
        "use secureJsonData.<field> (preferred), jsonData.<field>, url, user, basicAuthUser or database",
      );
    }
    const headerValues = Object.keys(options.headers ?? {}).map(
      (_, i) => `secureJsonData.httpHeaderValue${i + 1}`,
    );
    if (seen.has(secret.targetPath) || headerValues.includes(secret.targetPath)) {
      throw valuesError(`${at}.targetPath`, `"${secret.targetPath}" is filled twice`);
    }
    seen.add(secret.targetPath);
    const placeholder = `\${${secret.secretKeyRef.key}}`;
    const template = secret.template ?? placeholder;
    if (!template.includes(placeholder)) {
      throw valuesError(
        `${at}.template`,
        `the template must contain ${placeholder}, where the operator puts the secret`,
      );
    }
    setPath(datasource as unknown as Record<string, unknown>, secret.targetPath, template);
    // Each entry sets exactly one of configMapKeyRef and secretKeyRef (a CEL
    // rule of the CRD); credentials are always Secrets here.
    valuesFrom.push({
      targetPath: secret.targetPath,
      valueFrom: { secretKeyRef: { name: secret.secretKeyRef.name, key: secret.secretKeyRef.key } },
    });
  }
  if (valuesFrom.length > 99) {
    throw valuesError(`${path}.secrets`, "at most 99 secret values per datasource");
  }
  return instanceResource(ctx, "GrafanaDatasource", options, {
    uid: options.uid,
    datasource,
    ...(valuesFrom.length > 0 ? { valuesFrom } : {}),
  });
}

type Common = Omit<DatasourceOptions, "type" | "jsonData" | "uid" | "displayName" | "name"> & {
  name?: string;
  uid?: string;
  displayName?: string;
};

export interface PrometheusDatasourceOptions extends Common {
  /** `Prometheus`, `Thanos`, `Mimir` or `Cortex`: Grafana adapts its queries to it. */
  flavor?: "Prometheus" | "Thanos" | "Mimir" | "Cortex";
  /** Version of that flavor, which unlocks newer query features, e.g. `0.39.2`. */
  flavorVersion?: string;
  /** The scrape interval, Grafana's lower bound for `$__interval`. */
  scrapeInterval?: string;
  /** POST allows long queries; both Prometheus and Thanos query support it. */
  httpMethod?: "POST" | "GET";
  queryTimeout?: string;
  /** uid of an Alertmanager datasource, for silences linked from alerts. */
  alertmanagerUid?: string;
  extraJsonData?: Record<string, unknown>;
}

/** A Prometheus-type datasource; with the defaults, Thanos query (uid `thanos`, the default datasource). */
export function prometheusDatasource(
  ctx: BuildContext,
  options: PrometheusDatasourceOptions,
): GrafanaDatasourceObject {
  const {
    flavor = "Thanos",
    flavorVersion,
    scrapeInterval = "30s",
    httpMethod = "POST",
    queryTimeout,
    alertmanagerUid,
    extraJsonData,
    ...rest
  } = options;
  return grafanaDatasource(ctx, {
    ...rest,
    name: options.name ?? resourceName(ctx, "thanos"),
    uid: options.uid ?? "thanos",
    displayName: options.displayName ?? (flavor === "Thanos" ? "Thanos" : flavor),
    type: "prometheus",
    isDefault: options.isDefault ?? true,
    jsonData: {
      httpMethod,
      prometheusType: flavor,
      ...(flavorVersion ? { prometheusVersion: flavorVersion } : {}),
      timeInterval: scrapeInterval,
      ...(queryTimeout ? { queryTimeout } : {}),
      ...(alertmanagerUid ? { alertmanagerUid } : {}),
      ...extraJsonData,
    },
  });
}

export interface LokiDatasourceOptions extends Common {
  /** Most log lines one query returns in Grafana. */
  maxLines?: number;
  timeout?: number;
  extraJsonData?: Record<string, unknown>;
}

/** A Loki datasource pointing at Loki's read path (uid `loki`). */
export function lokiDatasource(
  ctx: BuildContext,
  options: LokiDatasourceOptions,
): GrafanaDatasourceObject {
  const { maxLines = 1000, timeout, extraJsonData, ...rest } = options;
  return grafanaDatasource(ctx, {
    ...rest,
    name: options.name ?? resourceName(ctx, "loki"),
    uid: options.uid ?? "loki",
    displayName: options.displayName ?? "Loki",
    type: "loki",
    jsonData: { maxLines, ...(timeout !== undefined ? { timeout } : {}), ...extraJsonData },
  });
}

export interface AlertmanagerDatasourceOptions extends Common {
  implementation?: "prometheus" | "mimir" | "cortex";
  /** Send Grafana-managed alerts to this Alertmanager too. */
  handleGrafanaManagedAlerts?: boolean;
  extraJsonData?: Record<string, unknown>;
}

/** An Alertmanager datasource (uid `alertmanager`): silences and alert state in Grafana. */
export function alertmanagerDatasource(
  ctx: BuildContext,
  options: AlertmanagerDatasourceOptions,
): GrafanaDatasourceObject {
  const {
    implementation = "prometheus",
    handleGrafanaManagedAlerts = false,
    extraJsonData,
    ...rest
  } = options;
  return grafanaDatasource(ctx, {
    ...rest,
    name: options.name ?? resourceName(ctx, "alertmanager"),
    uid: options.uid ?? "alertmanager",
    displayName: options.displayName ?? "Alertmanager",
    type: "alertmanager",
    jsonData: { implementation, handleGrafanaManagedAlerts, ...extraJsonData },
  });
}
