import {
  type BuildContext,
  endpointUrl,
  externalAccessEndpoint,
  externalAccessUrl,
  internalHttpScheme,
  internalScrapeTls,
  internalTlsOn,
  type PodPeerRef,
  type ScrapeTarget,
  type ServiceEndpoint,
  scrapeTarget,
  serviceEndpoint,
} from "@materialize-monitoring/core";
import { memberlistClusterLabel, readTenants } from "./config.js";
import {
  APP,
  type LokiNames,
  type LokiTarget,
  lokiNames,
  memberlistSelector,
  PORT,
  roleSelector,
} from "./names.js";
import { gatewayTopology, matchRoute, routeTarget } from "./routes.js";
import { tlsServerName } from "./tls.js";
import type { ResolvedLokiValues } from "./values.js";

/** A Loki Service as its HTTP clients see it: one `http` port. */
export type LokiService = ServiceEndpoint<"http">;

/** Addresses and selectors other components connect to. */
/** Loki's `limits_config.max_line_size` default (the configuration reference of 3.7). */
export const LOKI_DEFAULT_MAX_LINE_SIZE = "256KB";

export interface LokiEndpoints {
  /** Where the pipeline pushes logs (`loki.write` endpoint URL). */
  pushUrl: string;
  /** OTLP/HTTP logs base URL (an OpenTelemetry exporter appends `/v1/logs`). */
  otlpUrl: string;
  /** The Grafana Loki datasource URL (a base URL; Grafana appends `/loki/api/v1/...`). */
  queryUrl: string;
  /** The ruler API (`GET /loki/api/v1/rules` lists the loaded rule groups). */
  rulerApiUrl: string;
  /**
   * Under the stack's internal TLS (every URL above is then `https`): the name
   * Loki's certificate holds, which a client verifies with the stack's CA
   * while presenting its own certificate. The gateway's certificate is Loki's.
   */
  tlsServerName?: string;
  /**
   * The tenant to send as `X-Scope-OrgID` when multi-tenancy is on; absent
   * when it is off (Loki then files everything under its `fake` tenant).
   */
  tenantId?: string;
  /**
   * What Loki refuses at ingestion (`limits_config`): entries older than `rejectOldSamplesMaxAge`
   * and lines longer than `maxLineSize` (Loki's default, which this package keeps). A pipeline
   * that drops such lines itself should drop at most these.
   */
  ingestLimits: { rejectOldSamplesMaxAge: string; maxLineSize: string };
  /**
   * Every tenant the stack's logs land in, `tenantId` first (empty when auth is off): a reader
   * sends them all as `X-Scope-OrgID: a|b` (Loki then answers across tenants).
   */
  readTenants: string[];
  /** The pods and container port clients connect to, for their egress NetworkPolicies. */
  clientPeer: { podLabels: Record<string, string>; port: number };
  /**
   * Every Loki server pod (all targets, not the gateway or caches): the pods
   * the scrape target selects. Alertmanager should admit `clients.ruler`, the
   * narrower set that actually sends alerts.
   */
  serverPeer: { podLabels: Record<string, string> };
  /** The memberlist cluster label of this install. */
  memberlistClusterLabel?: string;
  /**
   * The Services clients connect to. With the gateway on, push, query and
   * ruler are all the gateway; without it, each is the target that serves
   * the path (write, read or query-frontend, backend; single-binary for all).
   */
  services: {
    /** Log pushes (`/loki/api/v1/push`, `/otlp/v1/logs`). */
    push: LokiService;
    /** LogQL queries, the Grafana data source. */
    query: LokiService;
    /** The ruler API; absent when the ruler is off. */
    ruler?: LokiService;
    /** The nginx gateway, when it runs. */
    gateway?: LokiService;
  };
  /**
   * The gateway's authenticated listener (basic auth), when `gateway.externalAccess` is on: the
   * address for clients outside the stack. Its Service may also be a LoadBalancer or NodePort.
   */
  external?: {
    service: ServiceEndpoint<"external">;
    pushUrl: string;
    otlpUrl: string;
    queryUrl: string;
  };
  /**
   * What Loki wants scraped: every Loki server pod on its HTTP port. The
   * gateway is not listed: nginx serves no metrics.
   */
  scrapeTargets: ScrapeTarget[];
  /** Loki pods that open connections to other components. */
  clients: {
    /**
     * The pods running the ruler (backend, or single-binary), which send
     * alerts to Alertmanager; absent when the ruler is off.
     */
    ruler?: PodPeerRef;
  };
}

/** The ClusterIP Service of the gateway or of one target, with the port its clients use. */
export function lokiService(
  ctx: BuildContext,
  names: LokiNames,
  role: LokiTarget | "gateway",
): LokiService {
  return serviceEndpoint(ctx, {
    service: names.role(role),
    ports: {
      http:
        role !== "gateway"
          ? PORT.http
          : internalTlsOn(ctx)
            ? PORT.gatewayServiceTls
            : PORT.gatewayService,
    },
    podLabels: roleSelector(ctx, role),
  });
}

/** The target that runs the ruler in this mode. */
function rulerTarget(values: ResolvedLokiValues): LokiTarget {
  return values.mode === "single-binary" ? "single-binary" : "backend";
}

/**
 * Loki's endpoints from its names and the resolved values alone. Every URL
 * is derived from the gateway route table, so it lands on the target nginx
 * would have forwarded it to.
 */
export function computeLokiEndpoints(values: ResolvedLokiValues, ctx: BuildContext): LokiEndpoints {
  const names = lokiNames(ctx);
  const topology = gatewayTopology(values);
  const gateway = values.gateway.enabled ? lokiService(ctx, names, "gateway") : undefined;
  const serving = (path: string): LokiService => {
    if (gateway) return gateway;
    const route = matchRoute(path);
    if (!route) throw new Error(`no gateway route serves ${path}`);
    return lokiService(ctx, names, routeTarget(route, topology));
  };
  const push = serving("/loki/api/v1/push");
  const query = serving("/loki/api/v1/query_range");
  const ruler = serving("/loki/api/v1/rules");
  const server = memberlistSelector(ctx);
  const access = values.gateway.externalAccess;
  const external =
    gateway && access.enabled
      ? externalAccessEndpoint(ctx, names.gatewayExternal, gateway.podLabels, access)
      : undefined;
  const scheme = internalHttpScheme(ctx);
  const tlsName = internalTlsOn(ctx) ? tlsServerName(ctx, names) : undefined;
  return {
    pushUrl: endpointUrl(push, "http", "/loki/api/v1/push", scheme),
    otlpUrl: endpointUrl(serving("/otlp/v1/logs"), "http", "/otlp", scheme),
    queryUrl: endpointUrl(query, "http", "", scheme),
    rulerApiUrl: endpointUrl(ruler, "http", "/loki/api/v1/rules", scheme),
    ...(tlsName ? { tlsServerName: tlsName } : {}),
    ...(values.tenancy.authEnabled ? { tenantId: values.tenancy.tenantId } : {}),
    readTenants: readTenants(values),
    ingestLimits: {
      rejectOldSamplesMaxAge: values.limits.rejectOldSamplesMaxAge,
      maxLineSize: LOKI_DEFAULT_MAX_LINE_SIZE,
    },
    clientPeer: gateway
      ? { podLabels: { ...gateway.podLabels }, port: PORT.gateway.port }
      : { podLabels: { ...server }, port: PORT.http.port },
    serverPeer: { podLabels: { ...server } },
    ...(values.mode === "simple-scalable"
      ? { memberlistClusterLabel: memberlistClusterLabel({ values, ctx, names }) }
      : {}),
    services: {
      push,
      query,
      ...(values.ruler.enabled ? { ruler } : {}),
      ...(gateway ? { gateway } : {}),
    },
    ...(external
      ? {
          external: {
            service: external,
            pushUrl: externalAccessUrl(external, access, "/loki/api/v1/push"),
            otlpUrl: externalAccessUrl(external, access, "/otlp"),
            queryUrl: externalAccessUrl(external, access, ""),
          },
        }
      : {}),
    scrapeTargets: [
      scrapeTarget({
        name: APP,
        job: APP,
        namespace: ctx.namespace,
        podLabels: server,
        portName: PORT.http.name,
        source: APP,
        ...(tlsName ? { scheme: "https" as const, tls: internalScrapeTls(tlsName) } : {}),
      }),
    ],
    clients: values.ruler.enabled
      ? {
          ruler: {
            podLabels: roleSelector(ctx, rulerTarget(values)),
            namespace: ctx.namespace,
          },
        }
      : {},
  };
}
