import {
  type BuildContext,
  endpointPeer,
  endpointUrl,
  type PodPeerRef,
  resourceName,
  type ScrapeTarget,
  type SecretRef,
  type ServiceEndpoint,
  scrapeTarget,
  selectorLabels,
  serviceEndpoint,
} from "@materialize-monitoring/core";
import { rootUrl } from "./config.js";
import { GRAFANA_HTTP_PORT, type ParsedGrafanaValues } from "./values.js";

/** What the Grafana component offers other components. */
export interface GrafanaEndpoints {
  /**
   * In-cluster base URL, e.g. `http://grafana.monitoring.svc.cluster.local:3000`
   * (grafana-operator's `spec.external.url`).
   */
  url: string;
  /** The URL users open, when an Ingress, HTTPRoute or `server.rootUrl` defines one. */
  externalUrl?: string;
  service: { name: string; namespace: string; port: number };
  /** Labels of Grafana's pods, for other components' NetworkPolicies. */
  podLabels: Record<string, string>;
  /** Admin credentials, as secret references (never values). */
  adminUser: SecretRef;
  adminPassword: SecretRef;
  secretKey: SecretRef;
  services: {
    /** UI and API (the operator's client, users' proxies), port `http` 3000. */
    web: ServiceEndpoint<"http">;
  };
  /** `/metrics` on the `http` port, as job `grafana`. */
  scrapeTargets: ScrapeTarget[];
  clients: {
    /** Grafana's pods, which query Loki, Thanos and Alertmanager as data sources. */
    query: PodPeerRef;
  };
}

/**
 * Grafana's addresses from its values and the build context alone: the
 * Service host from the context's cluster domain, the external URL, pod
 * labels and credentials' references. Pure and cheap;
 * `grafana(values, ctx).endpoints` is this.
 */
export function computeGrafanaEndpoints(
  values: ParsedGrafanaValues,
  ctx: BuildContext,
): GrafanaEndpoints {
  const selector = selectorLabels(ctx, { name: "grafana" });
  const web = serviceEndpoint(ctx, {
    service: resourceName(ctx, "grafana"),
    ports: { http: { name: "http", port: GRAFANA_HTTP_PORT } },
    podLabels: selector,
  });
  const externalUrl = rootUrl(values);
  return {
    url: endpointUrl(web, "http"),
    ...(externalUrl ? { externalUrl } : {}),
    service: { name: web.service, namespace: web.namespace, port: web.ports.http.port },
    podLabels: { ...selector },
    adminUser: values.admin.user,
    adminPassword: values.admin.password,
    secretKey: values.secretKey,
    services: { web },
    scrapeTargets: [
      scrapeTarget({
        name: "grafana",
        job: "grafana",
        namespace: web.namespace,
        podLabels: selector,
        portName: web.ports.http.name,
      }),
    ],
    clients: { query: endpointPeer(web) },
  };
}
