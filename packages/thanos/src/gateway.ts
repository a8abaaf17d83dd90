import {
  configMap,
  configMapVolume,
  container,
  containerPort,
  deployment,
  EXTERNAL_ACCESS_PORT,
  emptyDirVolume,
  endpointAddress,
  externalAccessServerLines,
  externalAccessService,
  externalAccessVolumes,
  httpProbe,
  imageRef,
  internalTlsMount,
  internalTlsOn,
  type KubeObject,
  NGINX_NOT_FOUND,
  NGINX_UID,
  nginxHealthLocation,
  nginxHttpPreamble,
  nginxInternalTlsMap,
  nginxProxyLines,
  nginxUpstream,
  serviceAccount,
} from "@materialize-monitoring/core";
import { maybePdb, meta, type RoleContext, thanosPod } from "./common.js";
import type { ThanosEndpoints } from "./endpoints.js";
import type { ThanosNames } from "./names.js";

const CONFIG_DIR = "/etc/nginx-gateway";
/** The port the probes use: a plain-HTTP health server beside the authenticated listener. */
const HEALTH_PORT = { name: "health", port: 8080 } as const;

/**
 * The read paths of the PromQL HTTP API Grafana and other Prometheus clients
 * use, as one nginx regex: everything else of query (and query-frontend)
 * stays inside the stack.
 */
export const THANOS_READ_PATHS = [
  "query",
  "query_range",
  "query_exemplars",
  "series",
  "labels",
  "label/[^/]+/values",
  "metadata",
  "rules",
  "alerts",
  "status/buildinfo",
] as const;

/** The Thanos gateway's nginx.conf: remote write to receive, PromQL reads to the frontend (or query). */
export function thanosGatewayConfig(rc: RoleContext, endpoints: ThanosEndpoints): string {
  const access = rc.values.gateway.externalAccess;
  const tenant = access.tenantFromUser
    ? [`      proxy_set_header ${rc.values.receive.tenantHeader} $remote_user;`]
    : [];
  const tenantVariable = `http_${rc.values.receive.tenantHeader.toLowerCase().replace(/-/g, "_")}`;
  const tls = internalTlsOn(rc.ctx);
  const upstreamTls = (service: { host: string }) =>
    tls ? { tls: { serverName: service.host } } : {};
  return [
    "# Rendered by @materialize-monitoring/thanos: the gateway for clients outside the stack.",
    // A remote-write request is one snappy-compressed batch; receive takes up to 32 MB by default.
    ...nginxHttpPreamble({ maxBodySize: "32m", logTenantHeader: tenantVariable }),
    ...(tls ? ["", ...nginxInternalTlsMap()] : []),
    "",
    ...nginxUpstream(
      "thanos_receive",
      endpointAddress(endpoints.services.remoteWrite, "remoteWrite"),
    ),
    "",
    ...nginxUpstream("thanos_promql", endpointAddress(endpoints.services.promql, "http")),
    "",
    "  # The probes' plain-HTTP health server; no Service exposes it.",
    "  server {",
    `    listen ${HEALTH_PORT.port};`,
    ...nginxHealthLocation(false),
    ...NGINX_NOT_FOUND,
    "  }",
    "",
    "  # Clients outside the stack: HTTP basic auth against the mounted htpasswd file.",
    "  server {",
    ...externalAccessServerLines(access, "Thanos"),
    "",
    ...nginxHealthLocation(true),
    "",
    "    # Prometheus remote write, to receive.",
    "    location = /api/v1/receive {",
    ...nginxProxyLines("thanos_receive", {
      headers: tenant,
      ...upstreamTls(endpoints.services.remoteWrite),
    }),
    "    }",
    "",
    "    # PromQL reads, to the query-frontend (or query when it does not run).",
    `    location ~ ^/api/v1/(${THANOS_READ_PATHS.join("|")})$ {`,
    ...nginxProxyLines("thanos_promql", upstreamTls(endpoints.services.promql)),
    "    }",
    "",
    "    # Everything else, including the components' admin and UI paths, is not exposed.",
    ...NGINX_NOT_FOUND,
    "  }",
    "}",
    "",
  ].join("\n");
}

/**
 * nginx in front of receive and the PromQL API, with HTTP basic auth: rendered
 * only when `gateway.externalAccess` is enabled. The stack's own clients keep
 * connecting to receive and query directly.
 */
export function buildGateway(
  rc: RoleContext,
  names: ThanosNames,
  endpoints: ThanosEndpoints,
): KubeObject[] {
  const gateway = rc.values.gateway;
  const access = gateway.externalAccess;
  if (!access.enabled) return [];
  const files = externalAccessVolumes(access);
  const config = thanosGatewayConfig(rc, endpoints);
  const nginx = container({
    name: "nginx",
    image: imageRef(gateway.image, rc.ctx.imageRegistry),
    imagePullPolicy: gateway.image.pullPolicy,
    // The image's entrypoint scripts rewrite files under /etc/nginx, which is read-only here.
    command: ["nginx"],
    args: ["-c", `${CONFIG_DIR}/nginx.conf`, "-g", "daemon off;"],
    ports: [
      containerPort(HEALTH_PORT.name, HEALTH_PORT.port),
      containerPort(EXTERNAL_ACCESS_PORT.name, EXTERNAL_ACCESS_PORT.port),
    ],
    volumeMounts: [
      { name: "config", mountPath: CONFIG_DIR, readOnly: true },
      { name: "tmp", mountPath: "/tmp" },
      ...files.mounts,
      ...(internalTlsOn(rc.ctx) ? [internalTlsMount()] : []),
    ],
    resources: gateway.resources,
    probes: {
      readiness: httpProbe("/", HEALTH_PORT.name, { initialDelaySeconds: 5, failureThreshold: 3 }),
      liveness: httpProbe("/", HEALTH_PORT.name, { initialDelaySeconds: 10 }),
    },
    security: { runAsUser: NGINX_UID, runAsGroup: NGINX_UID },
  });
  const template = thanosPod(rc, {
    role: "gateway",
    containers: [nginx],
    volumes: [
      configMapVolume("config", names.gateway),
      emptyDirVolume("tmp", "1Gi"),
      ...files.volumes,
    ],
    replicas: gateway.replicas,
    usesBucket: false,
    uid: NGINX_UID,
    terminationGracePeriodSeconds: 30,
    // Its own ServiceAccount, without a token: nginx calls no API and needs no cloud identity.
    serviceAccountName: names.gateway,
  });
  return [
    serviceAccount(meta(rc, "gateway", names.gateway), { automountToken: false }),
    configMap(meta(rc, "gateway", names.gateway), { "nginx.conf": config }),
    deployment({
      metadata: meta(rc, "gateway", names.gateway),
      replicas: gateway.replicas,
      selector: endpoints.podSelectors.gateway ?? {},
      template,
    }),
    externalAccessService(
      meta(rc, "gateway", names.gateway),
      endpoints.podSelectors.gateway ?? {},
      access,
    ),
    ...maybePdb(rc, "gateway", names.gateway, gateway.replicas),
  ];
}
