import type { BuildContext, KubeObject, SecretRef } from "@materialize-monitoring/core";
import { defineComponent, resourceName } from "@materialize-monitoring/core";
import { grafanaOperatorCrds } from "./crds.js";
import { alertmanagerDatasource, lokiDatasource, prometheusDatasource } from "./datasource.js";
import { grafanaInstance } from "./instance.js";
import { OPERATOR_PORTS, operatorObjects, operatorSelectorLabels } from "./operator.js";
import { grafanaInstanceSelector, type LabelSelector } from "./resources.js";
import { grafanaOperatorValues, type ParsedGrafanaOperatorValues } from "./values.js";

/** What the operator component offers other components. */
export interface GrafanaOperatorEndpoints {
  /** Namespace of the operator and of the custom resources it renders. */
  namespace: string;
  /** Select the `Grafana` resource with this; every builder here uses it by default. */
  instanceSelector: LabelSelector;
  /** The `Grafana` resource, when one is rendered. */
  grafana?: {
    name: string;
    mode: "external" | "managed";
    /** The URL the operator calls (external mode). */
    url?: string;
    adminUser: SecretRef;
    adminPassword: SecretRef;
  };
  /** uids of the rendered datasources, for dashboards that reference them. */
  datasourceUids: { thanos?: string; loki?: string; alertmanager?: string };
  /** Labels of the operator's pods: Grafana's NetworkPolicy lets them in. */
  operatorPodLabels: Record<string, string>;
  /** The operator's metrics Service, for scraping. */
  metrics: { service: string; port: number; path: string };
}

/** The default external URL: the grafana package's Service in the same namespace. */
export function defaultGrafanaUrl(ctx: BuildContext): string {
  return `http://${resourceName(ctx, "grafana")}.${ctx.namespace}.svc:3000`;
}

function build(values: ParsedGrafanaOperatorValues, ctx: BuildContext) {
  const objects: KubeObject[] = [];
  if (values.crds.install) objects.push(...grafanaOperatorCrds(ctx));
  objects.push(...operatorObjects(ctx, values));

  let grafana: GrafanaOperatorEndpoints["grafana"];
  const g = values.grafana;
  if (g.mode === "external") {
    const url = g.url ?? defaultGrafanaUrl(ctx);
    const name = g.name ?? resourceName(ctx, "grafana");
    objects.push(
      grafanaInstance(ctx, {
        name,
        external: { url, adminUser: g.adminUser, adminPassword: g.adminPassword },
      }),
    );
    grafana = {
      name,
      mode: "external",
      url,
      adminUser: g.adminUser,
      adminPassword: g.adminPassword,
    };
  } else if (g.mode === "managed") {
    const name = g.name ?? resourceName(ctx, "grafana");
    objects.push(
      grafanaInstance(ctx, {
        name,
        managed: {
          ...(g.version ? { version: g.version } : {}),
          config: g.config,
          adminUser: g.adminUser,
          adminPassword: g.adminPassword,
          ...(g.secretKey ? { secretKey: g.secretKey } : {}),
        },
      }),
    );
    grafana = {
      name,
      mode: "managed",
      adminUser: g.adminUser,
      adminPassword: g.adminPassword,
    };
  }

  const ds = values.datasources;
  const datasourceUids: GrafanaOperatorEndpoints["datasourceUids"] = {};
  const alertmanagerUid = ds.alertmanager ? (ds.alertmanager.uid ?? "alertmanager") : undefined;
  if (ds.thanos) {
    const object = prometheusDatasource(ctx, {
      url: ds.thanos.url,
      ...(ds.thanos.uid ? { uid: ds.thanos.uid } : {}),
      ...(ds.thanos.displayName ? { displayName: ds.thanos.displayName } : {}),
      flavor: ds.thanos.flavor,
      ...(ds.thanos.flavorVersion ? { flavorVersion: ds.thanos.flavorVersion } : {}),
      scrapeInterval: ds.thanos.scrapeInterval,
      isDefault: ds.thanos.isDefault,
      ...(alertmanagerUid ? { alertmanagerUid } : {}),
    });
    datasourceUids.thanos = object.spec.uid;
    objects.push(object);
  }
  if (ds.loki) {
    const object = lokiDatasource(ctx, {
      url: ds.loki.url,
      ...(ds.loki.uid ? { uid: ds.loki.uid } : {}),
      ...(ds.loki.displayName ? { displayName: ds.loki.displayName } : {}),
      maxLines: ds.loki.maxLines,
    });
    datasourceUids.loki = object.spec.uid;
    objects.push(object);
  }
  if (ds.alertmanager) {
    const object = alertmanagerDatasource(ctx, {
      url: ds.alertmanager.url,
      ...(ds.alertmanager.uid ? { uid: ds.alertmanager.uid } : {}),
      ...(ds.alertmanager.displayName ? { displayName: ds.alertmanager.displayName } : {}),
      implementation: ds.alertmanager.implementation,
    });
    datasourceUids.alertmanager = object.spec.uid;
    objects.push(object);
  }

  const endpoints: GrafanaOperatorEndpoints = {
    namespace: ctx.namespace,
    instanceSelector: grafanaInstanceSelector(ctx),
    ...(grafana ? { grafana } : {}),
    datasourceUids,
    operatorPodLabels: operatorSelectorLabels(ctx),
    metrics: {
      service: resourceName(ctx, "grafana-operator"),
      port: OPERATOR_PORTS.metrics,
      path: "/metrics",
    },
  };
  return { objects, endpoints };
}

/**
 * grafana-operator: its CRDs (setup group), the operator (ServiceAccount,
 * RBAC, Deployment with leader election, Service, PDB, NetworkPolicy), and
 * optionally the `Grafana` resource and the Thanos, Loki and Alertmanager
 * datasources, all bound to one `instanceSelector`.
 */
export const grafanaOperator = defineComponent({
  name: "grafana-operator",
  schema: grafanaOperatorValues,
  build,
});
