import {
  type BuildContext,
  endpointPeer,
  endpointSrv,
  endpointUrl,
  internalHttpScheme,
  internalScrapeTls,
  internalTlsOn,
  type PodPeerRef,
  podFqdn,
  resourceName,
  type ScrapeTarget,
  type ServiceEndpoint,
  scrapeTarget,
  selectorLabels,
  serviceEndpoint,
} from "@materialize-monitoring/core";
import { CLUSTER_PORT, WEB_PORT, WEB_PORT_NAME } from "./args.js";
import type { ParsedAlertmanagerValues } from "./values.js";

export interface AlertmanagerNames {
  app: string;
  statefulSet: string;
  service: string;
  headless: string;
  configMap: string;
  templatesConfigMap: string;
  /** The web and gossip TLS configs under the stack's internal TLS. */
  tlsConfigMap: string;
  serviceAccount: string;
}

export function alertmanagerNames(ctx: Pick<BuildContext, "namePrefix">): AlertmanagerNames {
  const app = resourceName(ctx, "alertmanager");
  return {
    app,
    statefulSet: app,
    service: app,
    headless: resourceName(ctx, "alertmanager", "headless"),
    configMap: resourceName(ctx, "alertmanager", "config"),
    templatesConfigMap: resourceName(ctx, "alertmanager", "templates"),
    tlsConfigMap: resourceName(ctx, "alertmanager", "tls"),
    serviceAccount: app,
  };
}

/** Replicas the values ask for: `replicas`, else the mode's count. */
export function alertmanagerReplicas(values: ParsedAlertmanagerValues): number {
  return values.replicas ?? (values.mode === "ha" ? 2 : 1);
}

/** Addresses other components use to reach Alertmanager. */
export interface AlertmanagerEndpoints {
  /** UI and API through the ClusterIP Service, e.g. `http://alertmanager.monitoring.svc.cluster.local:9093`. */
  url: string;
  /** The v2 API base, `<url>/api/v2`. */
  apiUrl: string;
  /** `--web.external-url`: what links in notifications point at. */
  externalUrl: string;
  /**
   * Every replica's URL through the headless Service. Alerts are not gossiped
   * between replicas, so a ruler must send each alert to every replica.
   */
  replicaUrls: string[];
  /**
   * Every replica's stable DNS name behind the headless Service,
   * `<pod>.<headless>.<namespace>.svc.<domain>`: the gossip peers, and the
   * hosts of `replicaUrls`.
   */
  replicaHosts: string[];
  /** The SRV record of the web port: `_http-web._tcp.<headless>.<namespace>.svc.<domain>`. */
  srvRecord: string;
  /** `dnssrv+_http-web._tcp...`: an SRV address as Thanos' `--alertmanagers.config` static_configs take it. */
  dnsSrv: string;
  /** `dnssrv+http://_http-web._tcp...<prefix>`: the same as a URL, as Thanos ruler `--alertmanagers.url` takes it. */
  dnsSrvUrl: string;
  /** The Service names and ports, for NetworkPolicies and wiring. */
  serviceName: string;
  headlessServiceName: string;
  port: number;
  clusterPort: number;
  /** Pod selector labels, for peers' NetworkPolicies. */
  selectorLabels: Record<string, string>;
  services: {
    /** The ClusterIP Service: UI and API (Grafana's data source, one URL for people). */
    web: ServiceEndpoint<"web">;
    /**
     * The headless Service rulers resolve to reach every replica (SRV on the
     * web port). Its gossip ports are only for the replicas themselves.
     */
    headless: ServiceEndpoint<"web">;
  };
  /**
   * The stack's internal TLS is on: every URL above is `https`, and a client
   * verifies a replica by `tlsServerName` with the stack's CA, presenting its
   * own certificate.
   */
  internalTls: boolean;
  /** The name every replica's certificate holds (the headless Service host). */
  tlsServerName: string;
  /** `/metrics` under the route prefix, on the web port. */
  scrapeTargets: ScrapeTarget[];
  clients: {
    /**
     * The pods that deliver notifications: an in-cluster receiver (a webhook
     * bridge) admits these.
     */
    notifier: PodPeerRef;
  };
}

function trimSlash(path: string): string {
  return path.replace(/\/+$/, "");
}

/**
 * Alertmanager's addresses from its values and the build context alone:
 * Service hosts from the context's cluster domain, every replica behind the
 * headless Service, the SRV name rulers resolve, and what to scrape. Pure and
 * cheap; `alertmanager(values, ctx).endpoints` is this.
 */
export function computeAlertmanagerEndpoints(
  values: ParsedAlertmanagerValues,
  ctx: BuildContext,
): AlertmanagerEndpoints {
  const names = alertmanagerNames(ctx);
  const selector = selectorLabels(ctx, { name: "alertmanager" });
  const ports = { web: { name: WEB_PORT_NAME, port: WEB_PORT } };
  const web = serviceEndpoint(ctx, { service: names.service, ports, podLabels: selector });
  const headless = serviceEndpoint(ctx, { service: names.headless, ports, podLabels: selector });
  // Routes live under the prefix, so every in-cluster URL carries it (and "/" adds nothing).
  const prefix = values.routePrefix === "/" ? "" : trimSlash(values.routePrefix);
  const tls = internalTlsOn(ctx);
  const scheme = internalHttpScheme(ctx);
  const url = endpointUrl(web, "web", prefix, scheme);
  const replicaHosts = Array.from({ length: alertmanagerReplicas(values) }, (_, i) =>
    podFqdn(ctx, `${names.statefulSet}-${i}`, names.headless),
  );
  const srvRecord = endpointSrv(headless, "web");
  return {
    url,
    apiUrl: `${url}/api/v2`,
    externalUrl: values.externalUrl ?? url,
    replicaUrls: replicaHosts.map((host) => `${scheme}://${host}:${WEB_PORT}${prefix}`),
    replicaHosts,
    srvRecord,
    dnsSrv: `dnssrv+${srvRecord}`,
    dnsSrvUrl: `dnssrv+${scheme}://${srvRecord}${prefix}`,
    serviceName: names.service,
    headlessServiceName: names.headless,
    port: WEB_PORT,
    clusterPort: CLUSTER_PORT,
    selectorLabels: { ...selector },
    services: { web, headless },
    internalTls: tls,
    tlsServerName: headless.host,
    scrapeTargets: [
      scrapeTarget({
        name: "alertmanager",
        job: "alertmanager",
        namespace: web.namespace,
        podLabels: selector,
        portName: WEB_PORT_NAME,
        path: `${prefix}/metrics`,
        source: "alertmanager",
        ...(tls ? { scheme: "https" as const, tls: internalScrapeTls(headless.host) } : {}),
      }),
    ],
    clients: { notifier: endpointPeer(web) },
  };
}
