import {
  type ExternalAccess,
  externalAccessServerLines,
  NGINX_NOT_FOUND,
  nginxHealthLocation,
  nginxHttpPreamble,
  nginxInternalTlsListenLines,
  nginxInternalTlsMap,
  nginxProxyLines,
  nginxUpstream,
} from "@materialize-monitoring/core";
import type { LokiTarget } from "./names.js";
import type { ResolvedLokiValues } from "./values.js";

/** The simple-scalable target that serves a route. */
export type RoutePath = "write" | "read" | "backend";

/**
 * One gateway location. The nginx config is rendered from this table, the
 * component's endpoints are derived from it, and the tests check it, so the
 * three cannot disagree.
 */
export interface GatewayRoute {
  /** nginx location modifier: `=` exact, `^~` prefix (wins over regexes), `~` regex. */
  match: "exact" | "prefix" | "regex";
  path: string;
  serves: RoutePath;
  /** Sent to the dedicated query-frontend when one runs. */
  viaQueryFrontend: boolean;
  /** Long-lived WebSocket stream (live tail). */
  websocket: boolean;
  purpose: string;
}

function route(
  match: GatewayRoute["match"],
  path: string,
  serves: RoutePath,
  purpose: string,
  options: { viaQueryFrontend?: boolean; websocket?: boolean } = {},
): GatewayRoute {
  return {
    match,
    path,
    serves,
    viaQueryFrontend: options.viaQueryFrontend ?? false,
    websocket: options.websocket ?? false,
    purpose,
  };
}

const query = { viaQueryFrontend: true };

/**
 * Every path the gateway forwards. Admin endpoints that change a running
 * process (`/flush`, `/ingester/shutdown`, `/config`, `/log_level`) are not
 * listed on purpose: they stay reachable only inside the cluster network.
 */
export const GATEWAY_ROUTES: readonly GatewayRoute[] = [
  // Write path: distributors in the write target.
  route("exact", "/loki/api/v1/push", "write", "push logs (protobuf or JSON)"),
  route("exact", "/otlp/v1/logs", "write", "push logs over OTLP/HTTP"),
  route("exact", "/api/prom/push", "write", "push logs (deprecated path)"),
  route("exact", "/distributor/ring", "write", "distributor ring status"),
  route("exact", "/ring", "write", "ingester ring status"),
  // Read path: queriers (and the query-frontend) in the read target.
  route("exact", "/loki/api/v1/query", "read", "instant queries", query),
  route("exact", "/loki/api/v1/query_range", "read", "range queries", query),
  route("exact", "/loki/api/v1/labels", "read", "label names", query),
  route("regex", "^/loki/api/v1/label/[^/]+/values$", "read", "label values", query),
  route("exact", "/loki/api/v1/series", "read", "streams", query),
  route("prefix", "/loki/api/v1/index/", "read", "index stats and volume", query),
  route("exact", "/loki/api/v1/patterns", "read", "pattern detection", query),
  route("exact", "/loki/api/v1/detected_labels", "read", "detected labels", query),
  route("exact", "/loki/api/v1/detected_fields", "read", "detected fields", query),
  route(
    "regex",
    "^/loki/api/v1/detected_field/[^/]+/values$",
    "read",
    "detected field values",
    query,
  ),
  route("exact", "/loki/api/v1/format_query", "read", "format a LogQL query", query),
  route("exact", "/loki/api/v1/status/buildinfo", "read", "build information"),
  route("exact", "/api/prom/query", "read", "queries (deprecated path)", query),
  route("exact", "/api/prom/label", "read", "label names (deprecated path)", query),
  route("regex", "^/api/prom/label/[^/]+/values$", "read", "label values (deprecated path)", query),
  route("exact", "/api/prom/series", "read", "streams (deprecated path)", query),
  route("exact", "/loki/api/v1/tail", "read", "live tail", { websocket: true }),
  route("exact", "/api/prom/tail", "read", "live tail (deprecated path)", { websocket: true }),
  // Backend: ruler, compactor, index gateway, query scheduler.
  route("prefix", "/loki/api/v1/rules", "backend", "ruler API"),
  route("prefix", "/api/prom/rules", "backend", "ruler API (Prometheus-compatible paths)"),
  route("prefix", "/prometheus/api/v1/rules", "backend", "loaded rules"),
  route("exact", "/prometheus/api/v1/alerts", "backend", "active alerts"),
  route("exact", "/loki/api/v1/delete", "backend", "log deletion requests (compactor)"),
  route("exact", "/ruler/ring", "backend", "ruler ring status"),
  route("exact", "/compactor/ring", "backend", "compactor ring status"),
  route("exact", "/indexgateway/ring", "backend", "index gateway ring status"),
  route("exact", "/scheduler/ring", "backend", "query scheduler ring status"),
];

/** Which workloads run, so each route can be sent to the one that serves it. */
export interface GatewayTopology {
  mode: "simple-scalable" | "single-binary";
  queryFrontend: boolean;
}

/** The topology these values run. */
export function gatewayTopology(
  values: Pick<ResolvedLokiValues, "mode" | "queryFrontend">,
): GatewayTopology {
  return {
    mode: values.mode,
    queryFrontend: values.mode === "simple-scalable" && values.queryFrontend.enabled,
  };
}

/** The target (workload and Service) a route is forwarded to. */
export function routeTarget(route: GatewayRoute, topology: GatewayTopology): LokiTarget {
  if (topology.mode === "single-binary") return "single-binary";
  if (route.viaQueryFrontend && topology.queryFrontend) return "query-frontend";
  return route.serves;
}

/**
 * The route nginx picks for a request path: an exact match first, then the
 * longest `^~` prefix, then the first matching regex in table order.
 */
export function matchRoute(
  path: string,
  routes: readonly GatewayRoute[] = GATEWAY_ROUTES,
): GatewayRoute | undefined {
  const exact = routes.find((r) => r.match === "exact" && r.path === path);
  if (exact) return exact;
  const prefix = routes
    .filter((r) => r.match === "prefix" && path.startsWith(r.path))
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (prefix) return prefix;
  return routes.find((r) => r.match === "regex" && new RegExp(r.path).test(path));
}

export interface NginxConfigOptions {
  topology: GatewayTopology;
  /** `host:port` of the Service of each target that runs. */
  upstreams: Partial<Record<LokiTarget, string>>;
  listenPort: number;
  /** When set, requests without X-Scope-OrgID are sent with this tenant. */
  defaultTenant?: string;
  /** The authenticated listener for clients outside the stack, when it is on. */
  externalAccess?: ExternalAccess;
  /**
   * The stack's internal TLS: the listener serves it, and every target is
   * dialled with Loki's certificate, verified by `serverName`.
   */
  internalTls?: { serverName: string };
}

function upstreamName(target: LokiTarget): string {
  return `loki_${target.replace(/-/g, "_")}`;
}

function locationLine(route: GatewayRoute): string {
  switch (route.match) {
    case "exact":
      return `location = ${route.path}`;
    case "prefix":
      return `location ^~ ${route.path}`;
    case "regex":
      return `location ~ ${route.path}`;
  }
}

/**
 * The gateway's nginx.conf. Every location repeats its proxy headers,
 * because nginx drops inherited `proxy_set_header`s in any location that
 * sets one of its own.
 */
export function renderNginxConfig(options: NginxConfigOptions): string {
  const used = [...new Set(GATEWAY_ROUTES.map((r) => routeTarget(r, options.topology)))].sort();
  const upstreams = used.flatMap((target) => {
    const address = options.upstreams[target];
    if (!address) throw new Error(`no upstream address for the ${target} target`);
    return [...nginxUpstream(upstreamName(target), address), ""];
  });
  const tenantMap = options.defaultTenant
    ? [
        "  # Requests without a tenant are sent as the install's tenant.",
        "  map $http_x_scope_orgid $loki_tenant {",
        `    "" "${options.defaultTenant}";`,
        "    default $http_x_scope_orgid;",
        "  }",
        "",
      ]
    : [];
  const locations = (tenant: string | undefined) =>
    GATEWAY_ROUTES.flatMap((route) => [
      `    # ${route.purpose}`,
      `    ${locationLine(route)} {`,
      ...nginxProxyLines(upstreamName(routeTarget(route, options.topology)), {
        headers: tenant ? [`      proxy_set_header X-Scope-OrgID ${tenant};`] : [],
        websocket: route.websocket === true,
        ...(options.internalTls ? { tls: options.internalTls } : {}),
      }),
      "    }",
    ]);
  const server = (listen: string[], tenant: string | undefined, authenticated: boolean) => [
    "  server {",
    ...listen,
    "",
    "    # Liveness and readiness of the gateway itself.",
    ...nginxHealthLocation(authenticated),
    "",
    ...locations(tenant),
    "",
    "    # Everything else, including Loki's admin endpoints, is not exposed.",
    ...NGINX_NOT_FOUND,
    "  }",
  ];
  const defaultTenant = options.defaultTenant ? "$loki_tenant" : undefined;
  const external = options.externalAccess?.enabled ? options.externalAccess : undefined;
  const servers = [
    ...server(
      options.internalTls
        ? nginxInternalTlsListenLines(options.listenPort)
        : [`    listen ${options.listenPort};`],
      defaultTenant,
      false,
    ),
    ...(external
      ? [
          "",
          "  # Clients outside the stack: HTTP basic auth against the mounted htpasswd file.",
          ...server(
            externalAccessServerLines(external, "Loki"),
            external.tenantFromUser ? "$remote_user" : defaultTenant,
            true,
          ),
        ]
      : []),
  ];
  return [
    "# Rendered by @materialize-monitoring/loki from its gateway route table.",
    // Loki's distributor accepts pushes up to 100 MB.
    ...nginxHttpPreamble({ maxBodySize: "100m", logTenantHeader: "http_x_scope_orgid" }),
    "",
    ...(options.internalTls ? [...nginxInternalTlsMap(), ""] : []),
    ...tenantMap,
    ...upstreams,
    ...servers,
    "}",
    "",
  ].join("\n");
}
