import {
  type BuildContext,
  endpointAddress,
  endpointSrv,
  endpointUrl,
  externalAccessEndpoint,
  externalAccessUrl,
  internalHttpScheme,
  internalScrapeTls,
  type PodPeerRef,
  type ScrapeTarget,
  type ServiceEndpoint,
  scrapeTarget,
  selectorLabels,
  serviceEndpoint,
} from "@materialize-monitoring/core";
import { selector } from "./common.js";
import { APP, PORT, type Role, type ThanosNames, thanosNames } from "./names.js";
import { roleSwitches } from "./resolve.js";
import { tlsServerName } from "./tls.js";
import type { ParsedThanosValues } from "./values.js";

/** Port keys of Thanos Services, as in `THANOS_PORTS`. */
export type ThanosPortKey = keyof typeof PORT;

/** A Thanos Service with the named ports its clients use. */
export type ThanosService<P extends ThanosPortKey> = ServiceEndpoint<P>;

/** Addresses other components connect to, computed from names and constants alone. */
export interface ThanosEndpoints {
  /** Prometheus remote-write URL (receive, or the routers in split mode). */
  remoteWriteUrl: string;
  /** PromQL HTTP API base URL for Grafana: the query-frontend when enabled, else query. */
  promqlUrl: string;
  /** The querier's own HTTP API base URL (no splitting or caching). */
  queryUrl: string;
  /** The ruler's HTTP API base URL (rules and alerts), when the ruler is enabled. */
  rulerUrl?: string;
  /** gRPC StoreAPI addresses: `dnssrv+` names of every StoreAPI set, and query's own StoreAPI. */
  storeApi: {
    receive: string;
    store?: string;
    ruler?: string;
    /** A querier also serves StoreAPI: federate this Thanos into another query layer. */
    query: string;
  };
  /** Labels selecting the pods behind each address, for the callers' egress NetworkPolicies. */
  podSelectors: {
    remoteWrite: Record<string, string>;
    promql: Record<string, string>;
    ruler?: Record<string, string>;
    /** Every Thanos pod (scrape targets; each serves metrics on the `http` port). */
    all: Record<string, string>;
    /** The gateway's nginx pods, when `gateway.externalAccess` is on. */
    gateway?: Record<string, string>;
  };
  ports: { remoteWrite: number; http: number; grpc: number };
  /** Labels that only tell replicas apart; queries deduplicate on them. */
  replicaLabels: string[];
  /** The Services other components connect to, each with its fully qualified host. */
  services: {
    /** Prometheus remote write (`/api/v1/receive`): receive, or the routers in split mode. */
    remoteWrite: ThanosService<"remoteWrite" | "http">;
    /** The PromQL API Grafana queries: the query-frontend when enabled, else query. */
    promql: ThanosService<"http">;
    /** The querier: PromQL over `http`, and its own StoreAPI over `grpc` for federation. */
    query: ThanosService<"http" | "grpc">;
    /** The ruler's HTTP API (rules, alerts); absent when the ruler is off. */
    ruler?: ThanosService<"http">;
    /** StoreAPI of the ingesting receives: a headless Service, one SRV record per pod. */
    storeApiReceive: ThanosService<"grpc">;
    /** StoreAPI of every store gateway shard (headless); absent without a store gateway. */
    storeApiStore?: ThanosService<"grpc">;
    /** StoreAPI of the rulers (headless); absent when the ruler is off. */
    storeApiRuler?: ThanosService<"grpc">;
  };
  /**
   * The gateway's authenticated listener (basic auth), when `gateway.externalAccess` is on: the
   * address for clients outside the stack (remote write and PromQL reads).
   */
  external?: {
    service: ServiceEndpoint<"external">;
    remoteWriteUrl: string;
    promqlUrl: string;
  };
  /** What Thanos wants scraped: every Thanos pod on its `http` port. The gateway's nginx serves no metrics. */
  scrapeTargets: ScrapeTarget[];
  /**
   * Thanos pods that open connections to other components, so those can
   * admit them. Each is present only when its pods make such connections.
   */
  clients: {
    /** The rulers, which send alerts to Alertmanager; absent when the ruler is off. */
    ruler?: PodPeerRef;
    /** The queriers, when `query.extraEndpoints` points them at StoreAPIs outside this Thanos. */
    query?: PodPeerRef;
    /** The query-frontends, when their response cache is a memcached this Thanos does not run. */
    queryFrontend?: PodPeerRef;
    /** The store gateways, when their index cache is an external memcached. */
    store?: PodPeerRef;
  };
}

function thanosService<P extends ThanosPortKey>(
  ctx: BuildContext,
  service: string,
  role: Role,
  ports: Record<P, (typeof PORT)[P]>,
): ThanosService<P> {
  return serviceEndpoint(ctx, { service, ports, podLabels: selector(ctx, role) });
}

/** Thanos' `dnssrv+` lookup of a named port: every pod behind a headless Service. */
export function dnssrv<P extends string>(endpoint: ServiceEndpoint<P>, port: P): string {
  return `dnssrv+${endpointSrv(endpoint, port)}`;
}

/** The ingesting receives' headless Service, which governs their stable pod names. */
export function receiveHeadlessService(
  ctx: BuildContext,
  names: Pick<ThanosNames, "receiveHeadless">,
): ThanosService<"grpc"> {
  return thanosService(ctx, names.receiveHeadless, "receive", { grpc: PORT.grpc });
}

/** Every querier by SRV on `http`, for the ruler's query config (Thanos-internal). */
export function queryHeadlessService(ctx: BuildContext, names: ThanosNames): ThanosService<"http"> {
  return thanosService(ctx, names.queryHeadless, "query", { http: PORT.http });
}

/** The bundled memcached's headless Service, for the frontend's client (Thanos-internal). */
export function memcachedService(
  ctx: BuildContext,
  names: ThanosNames,
): ThanosService<"memcached"> {
  return thanosService(ctx, names.memcached, "query-frontend-memcached", {
    memcached: PORT.memcached,
  });
}

function peer(ctx: BuildContext, role: Role): PodPeerRef {
  return { podLabels: selector(ctx, role), namespace: ctx.namespace };
}

/**
 * Thanos' endpoints from its names and the role switches alone: no preset
 * sizes, no bucket, no objects, so a composer can wire every component
 * before building any.
 */
export function computeThanosEndpoints(
  values: ParsedThanosValues,
  ctx: BuildContext,
): ThanosEndpoints {
  const names = thanosNames(ctx);
  const on = roleSwitches(values);
  const split = values.receive.mode === "split";
  const remoteWrite = split
    ? thanosService(ctx, names.receiveRouter, "receive-router", {
        remoteWrite: PORT.remoteWrite,
        http: PORT.http,
      })
    : thanosService(ctx, names.receive, "receive", {
        remoteWrite: PORT.remoteWrite,
        http: PORT.http,
      });
  const query = thanosService(ctx, names.query, "query", { http: PORT.http, grpc: PORT.grpc });
  const promql = on.queryFrontend
    ? thanosService(ctx, names.queryFrontend, "query-frontend", { http: PORT.http })
    : thanosService(ctx, names.query, "query", { http: PORT.http });
  const ruler = on.ruler
    ? thanosService(ctx, names.ruler, "ruler", { http: PORT.http })
    : undefined;
  const storeApiReceive = receiveHeadlessService(ctx, names);
  const storeApiStore = on.store
    ? thanosService(ctx, names.storeHeadless, "store", { grpc: PORT.grpc })
    : undefined;
  const storeApiRuler = on.ruler
    ? thanosService(ctx, names.rulerHeadless, "ruler", { grpc: PORT.grpc })
    : undefined;
  const all = selectorLabels(ctx, { name: APP });
  const access = values.gateway.externalAccess;
  const gatewayPods = access.enabled ? selector(ctx, "gateway") : undefined;
  const external = gatewayPods
    ? externalAccessEndpoint(ctx, names.gateway, gatewayPods, access)
    : undefined;
  const frontendCache = values.queryFrontend.cache;
  const externalFrontendCache =
    on.queryFrontend && frontendCache.type === "memcached" && !frontendCache.deploy.enabled;
  const externalIndexCache = on.store && values.store.indexCache.type === "memcached";

  const scheme = internalHttpScheme(ctx);
  return {
    remoteWriteUrl: endpointUrl(remoteWrite, "remoteWrite", "/api/v1/receive", scheme),
    promqlUrl: endpointUrl(promql, "http", "", scheme),
    queryUrl: endpointUrl(query, "http", "", scheme),
    ...(ruler ? { rulerUrl: endpointUrl(ruler, "http", "", scheme) } : {}),
    storeApi: {
      receive: dnssrv(storeApiReceive, "grpc"),
      ...(storeApiStore ? { store: dnssrv(storeApiStore, "grpc") } : {}),
      ...(storeApiRuler ? { ruler: dnssrv(storeApiRuler, "grpc") } : {}),
      query: endpointAddress(query, "grpc"),
    },
    podSelectors: {
      remoteWrite: { ...remoteWrite.podLabels },
      promql: { ...promql.podLabels },
      ...(ruler ? { ruler: { ...ruler.podLabels } } : {}),
      all: { ...all },
      ...(gatewayPods ? { gateway: { ...gatewayPods } } : {}),
    },
    ports: { remoteWrite: PORT.remoteWrite.port, http: PORT.http.port, grpc: PORT.grpc.port },
    replicaLabels: [values.replicaLabels.receive, values.replicaLabels.ruler],
    services: {
      remoteWrite,
      promql,
      query,
      ...(ruler ? { ruler } : {}),
      storeApiReceive,
      ...(storeApiStore ? { storeApiStore } : {}),
      ...(storeApiRuler ? { storeApiRuler } : {}),
    },
    ...(external
      ? {
          external: {
            service: external,
            remoteWriteUrl: externalAccessUrl(external, access, "/api/v1/receive"),
            promqlUrl: externalAccessUrl(external, access, ""),
          },
        }
      : {}),
    scrapeTargets: [
      scrapeTarget({
        name: APP,
        job: APP,
        namespace: ctx.namespace,
        podLabels: all,
        portName: PORT.http.name,
        source: APP,
        scheme,
        ...(ctx.internalTls ? { tls: internalScrapeTls(tlsServerName(ctx, names)) } : {}),
      }),
    ],
    clients: {
      ...(on.ruler ? { ruler: peer(ctx, "ruler") } : {}),
      ...(values.query.extraEndpoints.length > 0 ? { query: peer(ctx, "query") } : {}),
      ...(externalFrontendCache ? { queryFrontend: peer(ctx, "query-frontend") } : {}),
      ...(externalIndexCache ? { store: peer(ctx, "store") } : {}),
    },
  };
}
