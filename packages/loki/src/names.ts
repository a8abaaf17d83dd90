import { type BuildContext, resourceName, selectorLabels } from "@materialize-monitoring/core";

/**
 * The Loki release every target runs. 3.x is the last line that has the
 * `write`/`read`/`backend` targets of simple-scalable mode.
 *
 * 3.7.6 is the newest 3.7 release upstream tagged: confirmed in the tags of
 * github.com/grafana/loki (v3.7.0 to v3.7.6; there is no v3.7.7 or v3.7.8)
 * and by the grafana-community/helm-charts release loki-18.7.4, which moved
 * the chart's image to v3.7.6. Every key config.ts writes is checked against
 * docs/sources/shared/configuration.md at that tag.
 */
export const LOKI_IMAGE = { registry: "docker.io", repository: "grafana/loki", tag: "3.7.6" };
/** The gateway's nginx image and user: one definition in core, shared with the Thanos gateway. */
export { NGINX_IMAGE, NGINX_UID } from "@materialize-monitoring/core";
export const MEMCACHED_IMAGE = {
  registry: "docker.io",
  repository: "memcached",
  tag: "1.6.45-alpine",
};

/** The numeric users the images run as, so `runAsNonRoot` can be verified by the kubelet. */
export const LOKI_UID = 10001;
export const MEMCACHED_UID = 11211;

/**
 * Ports, named the same on every container and Service so SRV lookups
 * (`_memcached._tcp.<service>`) and NetworkPolicies agree.
 */
export const PORT = {
  http: { name: "http-metrics", port: 3100 },
  grpc: { name: "grpc", port: 9095 },
  memberlist: { name: "tcp-memberlist", port: 7946 },
  gateway: { name: "http", port: 8080 },
  gatewayService: { name: "http", port: 80 },
  /** The gateway's Service port under the stack's internal TLS. */
  gatewayServiceTls: { name: "https", port: 443 },
  memcached: { name: "memcached", port: 11211 },
} as const;

/** Where files live inside the Loki pods. */
export const PATH = {
  config: "/etc/loki/config",
  configFile: "/etc/loki/config/config.yaml",
  runtime: "/etc/loki/runtime-config",
  runtimeFile: "/etc/loki/runtime-config/runtime.yaml",
  rules: "/etc/loki/rules",
  data: "/var/loki",
  tmp: "/tmp",
  gatewayConfig: "/etc/nginx-gateway",
  gatewayConfigFile: "/etc/nginx-gateway/nginx.conf",
} as const;

export const APP = "loki";

/** Label that marks every pod taking part in the memberlist ring of one install. */
export const MEMBERLIST_LABEL = "loki.materialize-monitoring.io/memberlist";

/** Roles, used as `app.kubernetes.io/component` and in object names. */
export type LokiTarget = "write" | "read" | "backend" | "query-frontend" | "single-binary";
export type Role = LokiTarget | "gateway" | "chunks-cache" | "results-cache";

/** Object names, computed once so every reference (DNS, SRV, volumes) uses the same strings. */
export interface LokiNames {
  base: string;
  serviceAccount: string;
  gatewayServiceAccount: string;
  cacheServiceAccount: string;
  config: string;
  runtimeConfig: string;
  rules: string;
  gatewayConfig: string;
  /** The Service of the gateway's authenticated listener for clients outside the stack. */
  gatewayExternal: string;
  memberlist: string;
  /** The workload, ClusterIP Service and PDB of a role share this name. */
  role(role: Role): string;
  /** The headless Service of a role: `<name>-headless`. */
  headless(role: Role): string;
}

export function lokiNames(ctx: Pick<BuildContext, "namePrefix">): LokiNames {
  const base = resourceName(ctx, APP);
  return {
    base,
    serviceAccount: base,
    gatewayServiceAccount: resourceName(ctx, APP, "gateway"),
    cacheServiceAccount: resourceName(ctx, APP, "cache"),
    config: base,
    runtimeConfig: resourceName(ctx, APP, "runtime"),
    rules: resourceName(ctx, APP, "rules"),
    gatewayConfig: resourceName(ctx, APP, "gateway"),
    gatewayExternal: resourceName(ctx, APP, "gateway", "external"),
    memberlist: resourceName(ctx, APP, "memberlist"),
    role: (role) => resourceName(ctx, APP, role),
    headless: (role) => resourceName(ctx, APP, role, "headless"),
  };
}

/** Selector of one role's pods. */
export function roleSelector(ctx: BuildContext, role: Role): Record<string, string> {
  return selectorLabels(ctx, { name: APP, component: role });
}

/**
 * Selector of every Loki server pod of this install (all targets, not the
 * gateway or caches): the memberlist Service and the NetworkPolicies use it.
 */
export function memberlistSelector(ctx: BuildContext): Record<string, string> {
  return { ...selectorLabels(ctx, { name: APP }), [MEMBERLIST_LABEL]: "true" };
}
