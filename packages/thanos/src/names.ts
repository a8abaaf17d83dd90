import { type BuildContext, resourceName } from "@materialize-monitoring/core";

/** The Thanos release every component runs (one image, one version). */
export const THANOS_VERSION = "v0.42.4";
export const MEMCACHED_VERSION = "1.6.39-alpine";

/**
 * Ports, named the same on every container and Service so that DNS SRV
 * lookups (`_grpc._tcp.<headless service>`) and NetworkPolicies agree.
 */
export const PORT = {
  grpc: { name: "grpc", port: 10901 },
  http: { name: "http", port: 10902 },
  remoteWrite: { name: "remote-write", port: 19291 },
  memcached: { name: "memcached", port: 11211 },
} as const;

/** The Thanos image runs as this numeric user (upstream default since v0.32). */
export const THANOS_UID = 1001;
/** The official memcached image's `memcache` user. */
export const MEMCACHED_UID = 11211;

/** Where each config file lives inside the pods. */
export const PATH = {
  objstore: "/etc/thanos/objstore",
  objstoreFile: "/etc/thanos/objstore/objstore.yaml",
  hashring: "/etc/thanos/hashring",
  hashringFile: "/etc/thanos/hashring/hashrings.json",
  receiveData: "/var/thanos/receive",
  queryConfig: "/etc/thanos/query",
  frontendConfig: "/etc/thanos/query-frontend",
  storeConfig: "/etc/thanos/store",
  storeData: "/var/thanos/store",
  compactData: "/var/thanos/compact",
  rulerConfig: "/etc/thanos/ruler",
  webConfig: "/etc/thanos/web",
  webConfigFile: "/etc/thanos/web/web.yaml",
  rulerData: "/var/thanos/ruler",
  rules: "/etc/thanos/rules",
} as const;

export const APP = "thanos";

/** Roles, used as `app.kubernetes.io/component` and in object names. */
export type Role =
  | "receive"
  | "receive-router"
  | "query"
  | "query-frontend"
  | "query-frontend-memcached"
  | "store"
  | "compactor"
  | "ruler"
  | "gateway";

/** Object names, computed once so every reference (DNS, SRV, volumes) uses the same strings. */
export interface ThanosNames {
  serviceAccount: string;
  objstore: string;
  receive: string;
  receiveHeadless: string;
  receiveHashring: string;
  receiveRouter: string;
  query: string;
  queryHeadless: string;
  queryEndpoints: string;
  /** The web config (`--http.config`) every role mounts under internal TLS. */
  webConfig: string;
  queryFrontend: string;
  queryFrontendConfig: string;
  memcached: string;
  store: string;
  storeHeadless: string;
  storeConfig: string;
  compactor: string;
  ruler: string;
  rulerHeadless: string;
  rulerConfig: string;
  rulerRules: string;
  /** The nginx gateway (authenticated access from outside the stack): Deployment, Service, config. */
  gateway: string;
}

export function thanosNames(ctx: Pick<BuildContext, "namePrefix">): ThanosNames {
  const n = (...parts: string[]) => resourceName(ctx, APP, ...parts);
  return {
    serviceAccount: n(),
    objstore: n("objstore"),
    receive: n("receive"),
    receiveHeadless: n("receive", "headless"),
    receiveHashring: n("receive", "hashring"),
    receiveRouter: n("receive", "router"),
    query: n("query"),
    queryHeadless: n("query", "headless"),
    queryEndpoints: n("query", "endpoints"),
    webConfig: n("web-config"),
    queryFrontend: n("query", "frontend"),
    queryFrontendConfig: n("query", "frontend", "config"),
    memcached: n("query", "frontend", "memcached"),
    store: n("store"),
    storeHeadless: n("store", "headless"),
    storeConfig: n("store", "config"),
    compactor: n("compactor"),
    ruler: n("ruler"),
    rulerHeadless: n("ruler", "headless"),
    rulerConfig: n("ruler", "config"),
    rulerRules: n("ruler", "rules"),
    gateway: n("gateway"),
  };
}
