import {
  type BuildContext,
  endpointPeer,
  type PodPeerRef,
  resourceName,
  type ScrapeTarget,
  type SecretRef,
  type ServiceEndpoint,
  scrapeTarget,
  serviceEndpoint,
  serviceFqdn,
} from "@materialize-monitoring/core";
import { OPERATOR_PORTS, operatorSelectorLabels } from "./operator.js";
import { grafanaInstanceSelector, type LabelSelector } from "./resources.js";
import type { ParsedGrafanaOperatorValues } from "./values.js";

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
  services: {
    /** The operator's metrics Service, port `metrics` 9090. */
    metrics: ServiceEndpoint<"metrics">;
  };
  /** The manager's `/metrics`, as job `grafana-operator`. */
  scrapeTargets: ScrapeTarget[];
  clients: {
    /** The operator's pods, which call Grafana's API: Grafana admits these. */
    operator: PodPeerRef;
  };
}

/** The port of the grafana package's Service (`http`). */
const GRAFANA_SERVICE_PORT = 3000;

/**
 * The default external URL: the grafana package's Service in the same
 * namespace, `http://grafana.<namespace>.svc.<clusterDomain>:3000`. This
 * package may depend on core alone, so it cannot read the grafana package's
 * endpoints; a composer that has them passes `grafana.url` instead.
 */
export function defaultGrafanaUrl(
  ctx: Pick<BuildContext, "namespace" | "clusterDomain" | "namePrefix">,
): string {
  return `http://${serviceFqdn(ctx, resourceName(ctx, "grafana"))}:${GRAFANA_SERVICE_PORT}`;
}

function grafanaOf(
  values: ParsedGrafanaOperatorValues,
  ctx: BuildContext,
): GrafanaOperatorEndpoints["grafana"] {
  const g = values.grafana;
  if (g.mode === "none") return undefined;
  const common = {
    name: g.name ?? resourceName(ctx, "grafana"),
    adminUser: g.adminUser,
    adminPassword: g.adminPassword,
  };
  return g.mode === "external"
    ? { ...common, mode: "external", url: g.url ?? defaultGrafanaUrl(ctx) }
    : { ...common, mode: "managed" };
}

/**
 * The operator's addresses from its values and the build context alone: the
 * `Grafana` resource it binds everything to, the datasources' uids, its
 * metrics Service and pods. Pure and cheap;
 * `grafanaOperator(values, ctx).endpoints` is this.
 */
export function computeGrafanaOperatorEndpoints(
  values: ParsedGrafanaOperatorValues,
  ctx: BuildContext,
): GrafanaOperatorEndpoints {
  const selector = operatorSelectorLabels(ctx);
  const metrics = serviceEndpoint(ctx, {
    service: resourceName(ctx, "grafana-operator"),
    ports: { metrics: { name: "metrics", port: OPERATOR_PORTS.metrics } },
    podLabels: selector,
  });
  const metricsPath = "/metrics";
  const ds = values.datasources;
  // The builders' default uids, fixed here so dashboards can reference them before any build.
  const datasourceUids: GrafanaOperatorEndpoints["datasourceUids"] = {
    ...(ds.thanos ? { thanos: ds.thanos.uid || "thanos" } : {}),
    ...(ds.loki ? { loki: ds.loki.uid || "loki" } : {}),
    ...(ds.alertmanager ? { alertmanager: ds.alertmanager.uid || "alertmanager" } : {}),
  };
  const grafana = grafanaOf(values, ctx);
  return {
    namespace: ctx.namespace,
    instanceSelector: grafanaInstanceSelector(ctx),
    ...(grafana ? { grafana } : {}),
    datasourceUids,
    operatorPodLabels: { ...selector },
    metrics: { service: metrics.service, port: metrics.ports.metrics.port, path: metricsPath },
    services: { metrics },
    scrapeTargets: [
      scrapeTarget({
        name: "grafana_operator",
        job: "grafana-operator",
        namespace: metrics.namespace,
        podLabels: selector,
        portName: metrics.ports.metrics.name,
        path: metricsPath,
      }),
    ],
    clients: { operator: endpointPeer(metrics) },
  };
}
