import type { BuildContext, KubeObject } from "@materialize-monitoring/core";
import { defineComponent } from "@materialize-monitoring/core";
import { grafanaOperatorCrds } from "./crds.js";
import { alertmanagerDatasource, lokiDatasource, prometheusDatasource } from "./datasource.js";
import { computeGrafanaOperatorEndpoints, type GrafanaOperatorEndpoints } from "./endpoints.js";
import { grafanaInstance } from "./instance.js";
import { operatorObjects } from "./operator.js";
import { grafanaOperatorValues, type ParsedGrafanaOperatorValues } from "./values.js";

function build(
  values: ParsedGrafanaOperatorValues,
  ctx: BuildContext,
  endpoints: GrafanaOperatorEndpoints,
): { objects: KubeObject[] } {
  const objects: KubeObject[] = [];
  if (values.crds.install) objects.push(...grafanaOperatorCrds(ctx));
  objects.push(...operatorObjects(ctx, values, endpoints));

  const g = values.grafana;
  const grafana = endpoints.grafana;
  if (g.mode === "external" && grafana?.url) {
    objects.push(
      grafanaInstance(ctx, {
        name: grafana.name,
        external: { url: grafana.url, adminUser: g.adminUser, adminPassword: g.adminPassword },
      }),
    );
  } else if (g.mode === "managed" && grafana) {
    objects.push(
      grafanaInstance(ctx, {
        name: grafana.name,
        managed: {
          ...(g.version ? { version: g.version } : {}),
          config: g.config,
          adminUser: g.adminUser,
          adminPassword: g.adminPassword,
          ...(g.secretKey ? { secretKey: g.secretKey } : {}),
        },
      }),
    );
  }

  const ds = values.datasources;
  const uids = endpoints.datasourceUids;
  if (ds.thanos && uids.thanos) {
    objects.push(
      prometheusDatasource(ctx, {
        url: ds.thanos.url,
        uid: uids.thanos,
        ...(ds.thanos.displayName ? { displayName: ds.thanos.displayName } : {}),
        flavor: ds.thanos.flavor,
        ...(ds.thanos.flavorVersion ? { flavorVersion: ds.thanos.flavorVersion } : {}),
        scrapeInterval: ds.thanos.scrapeInterval,
        isDefault: ds.thanos.isDefault,
        ...(uids.alertmanager ? { alertmanagerUid: uids.alertmanager } : {}),
      }),
    );
  }
  if (ds.loki && uids.loki) {
    objects.push(
      lokiDatasource(ctx, {
        url: ds.loki.url,
        uid: uids.loki,
        ...(ds.loki.displayName ? { displayName: ds.loki.displayName } : {}),
        maxLines: ds.loki.maxLines,
        ...(ds.loki.tenants.length > 0
          ? { headers: { "X-Scope-OrgID": ds.loki.tenants.join("|") } }
          : {}),
      }),
    );
  }
  if (ds.alertmanager && uids.alertmanager) {
    objects.push(
      alertmanagerDatasource(ctx, {
        url: ds.alertmanager.url,
        uid: uids.alertmanager,
        ...(ds.alertmanager.displayName ? { displayName: ds.alertmanager.displayName } : {}),
        implementation: ds.alertmanager.implementation,
      }),
    );
  }
  return { objects };
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
  endpoints: computeGrafanaOperatorEndpoints,
  build,
});

/**
 * The addresses `grafanaOperator(values, ctx)` would publish (the `Grafana`
 * resource and its selector, datasource uids, the metrics Service, scrape
 * targets, the operator's pods as Grafana's client), computed without
 * building any object.
 */
export const grafanaOperatorEndpoints = grafanaOperator.endpoints;
