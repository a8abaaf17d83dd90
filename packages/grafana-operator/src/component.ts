import type { BuildContext, KubeObject } from "@materialize-monitoring/core";
import {
  defineComponent,
  internalCertificate,
  internalTlsSecretName,
  ValuesError,
} from "@materialize-monitoring/core";
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
  const tls = datasourceTls(ctx, ds);
  if (tls.certificate) objects.push(tls.certificate);
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
        ...tls.options(ds.thanos),
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
        ...tls.options(ds.loki),
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
        ...tls.options(ds.alertmanager),
      }),
    );
  }
  return { objects };
}

/** The component name of the datasources' client certificate (`grafana-datasources-internal-tls`). */
export const DATASOURCES_TLS_COMPONENT = "grafana-datasources";

/**
 * The stack's internal TLS on the datasources that ask for it: one client
 * certificate for all of them (Grafana's identity towards the stack), which
 * the operator copies from its Secret into each datasource's secure fields
 * (`valuesFrom`), so no key is ever in the rendered objects. The operator
 * copies again when it reconciles, which is how a renewed certificate reaches
 * Grafana (renewal starts `renewBefore` ahead of expiry).
 */
function datasourceTls(ctx: BuildContext, ds: ParsedGrafanaOperatorValues["datasources"]) {
  const wanted = (["thanos", "loki", "alertmanager"] as const).filter((k) => ds[k]?.internalTls);
  if (wanted.length > 0 && !ctx.internalTls) {
    throw new ValuesError(
      wanted.map((k) => ({
        path: `grafana-operator.datasources.${k}.internalTls`,
        message: "the stack's internal TLS is off, so Grafana has no certificate to present",
        hint: "remove internalTls, or turn global.internalTls on",
      })),
    );
  }
  const secretName = internalTlsSecretName(ctx, DATASOURCES_TLS_COMPONENT);
  return {
    certificate:
      wanted.length > 0 && ctx.internalTls
        ? internalCertificate(ctx, ctx.internalTls, {
            component: DATASOURCES_TLS_COMPONENT,
            dnsNames: [],
            commonName: DATASOURCES_TLS_COMPONENT,
          })
        : undefined,
    options(source: { internalTls: boolean; url: string } | undefined) {
      if (!source?.internalTls) return {};
      const secret = (targetPath: string, key: string) => ({
        targetPath,
        secretKeyRef: { name: secretName, key },
      });
      return {
        extraJsonData: {
          tlsAuth: true,
          tlsAuthWithCACert: true,
          serverName: new URL(source.url).hostname,
        },
        secrets: [
          secret("secureJsonData.tlsCACert", "ca.crt"),
          secret("secureJsonData.tlsClientCert", "tls.crt"),
          secret("secureJsonData.tlsClientKey", "tls.key"),
        ],
      };
    },
  };
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
