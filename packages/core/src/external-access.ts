import { z } from "zod";
import { cidrSchema } from "./cidr.js";
import type { BuildContext } from "./component.js";
import { endpointUrl, type ServiceEndpoint, serviceEndpoint } from "./endpoint.js";
import { INTERNAL_TLS } from "./internal-tls.js";
import type { NetworkPolicyPeer, ObjectMeta, Service, Volume, VolumeMount } from "./k8s.js";
import { annotationsSchema } from "./labels.js";
import { networkPeerSchema, toNetworkPolicyPeer } from "./network-peer.js";
import { type NetworkPolicyRuleInput, service, servicePort, tcpPorts } from "./objects.js";
import { objectName, secretKeySchema } from "./values.js";

/**
 * nginx stable, built to run as a non-root user (uid 101) and listen on 8080: the image of every
 * gateway of the stack (Loki's, and the Thanos gateway in front of receive and the PromQL API).
 */
export const NGINX_IMAGE = {
  registry: "docker.io",
  repository: "nginxinc/nginx-unprivileged",
  tag: "1.30.4-alpine",
};
/** The user the nginx image runs as. */
export const NGINX_UID = 101;

/**
 * An authenticated listener for clients outside the stack (another cluster's
 * agents pushing logs or metrics, a Grafana elsewhere): nginx asks for HTTP
 * basic auth, checked against an htpasswd file the user keeps in a Secret.
 * The stack's own clients keep the in-namespace listener, which the
 * NetworkPolicies limit to them.
 */
export const externalAccessSchema = z
  .strictObject({
    /** open the authenticated listener */
    enabled: z.boolean().default(false).describe("open the authenticated listener"),
    /**
     * the Secret key holding the htpasswd file (`htpasswd -B -c auth USER`); required when enabled
     */
    htpasswd: z
      .strictObject({
        /** Secret name */
        name: objectName.describe("Secret name"),
        /** key inside the Secret */
        key: secretKeySchema.default("htpasswd").describe("key inside the Secret"),
      })
      .optional()
      .describe(
        "the Secret key holding the htpasswd file (`htpasswd -B -c auth USER`); required when enabled",
      ),
    /**
     * serve HTTPS with this kubernetes.io/tls Secret (tls.crt, tls.key); else plain HTTP, for TLS
     * ended in front
     */
    tls: z
      .strictObject({
        /** the kubernetes.io/tls Secret */
        secretName: objectName.describe("the kubernetes.io/tls Secret"),
      })
      .optional()
      .describe(
        "serve HTTPS with this kubernetes.io/tls Secret (tls.crt, tls.key); else plain HTTP, for TLS ended in front",
      ),
    /**
     * the signed-in user name is the tenant of every request (a client cannot pick another tenant)
     */
    tenantFromUser: z
      .boolean()
      .default(false)
      .describe(
        "the signed-in user name is the tenant of every request (a client cannot pick another tenant)",
      ),
    /** who may connect (NetworkPolicy peers); empty: anyone, the password being the gate */
    from: z
      .array(networkPeerSchema)
      .default([])
      .describe(
        "who may connect (NetworkPolicy peers); empty: anyone, the password being the gate",
      ),
    /** the Service of the listener */
    service: z
      .strictObject({
        /** Service type */
        type: z
          .enum(["ClusterIP", "LoadBalancer", "NodePort"])
          .default("ClusterIP")
          .describe("Service type"),
        /** Service port; 443 with tls, else 80 */
        port: z
          .int32()
          .min(1)
          .max(65535)
          .optional()
          .describe("Service port; 443 with tls, else 80"),
        /** annotations of the Service (an internal load balancer, for example) */
        annotations: annotationsSchema
          .default({})
          .describe("annotations of the Service (an internal load balancer, for example)"),
        /** source ranges a LoadBalancer admits */
        loadBalancerSourceRanges: z
          .array(cidrSchema)
          .default([])
          .describe("source ranges a LoadBalancer admits"),
      })
      .prefault({})
      .describe("the Service of the listener"),
  })
  .superRefine((value, ctx) => {
    if (value.enabled && !value.htpasswd) {
      ctx.addIssue({
        code: "custom",
        path: ["htpasswd"],
        message:
          "set htpasswd.name to a Secret holding an htpasswd file (create it with `htpasswd -B -c auth USER` and `kubectl create secret generic NAME --from-file=htpasswd=auth`)",
      });
    }
  })
  .prefault({});
export type ExternalAccess = z.output<typeof externalAccessSchema>;

/** The container port the authenticated listener takes, beside a gateway's own 8080. */
export const EXTERNAL_ACCESS_PORT = { name: "http-external", port: 8081 } as const;
const HTPASSWD_DIR = "/etc/nginx-auth";
const TLS_DIR = "/etc/nginx-tls";
/** Where the listener's nginx reads its mounted files (tests stand files in for them). */
export const EXTERNAL_ACCESS_FILES = {
  htpasswd: `${HTPASSWD_DIR}/htpasswd`,
  certificate: `${TLS_DIR}/tls.crt`,
  key: `${TLS_DIR}/tls.key`,
} as const;

/** The Service port clients outside use. */
export function externalAccessServicePort(access: ExternalAccess): number {
  return access.service.port ?? (access.tls ? 443 : 80);
}

/** The volumes and mounts the listener reads its htpasswd and certificate from. */
export function externalAccessVolumes(access: ExternalAccess): {
  volumes: Volume[];
  mounts: VolumeMount[];
} {
  if (!access.enabled || !access.htpasswd) return { volumes: [], mounts: [] };
  const volumes: Volume[] = [
    {
      name: "htpasswd",
      secret: {
        secretName: access.htpasswd.name,
        items: [{ key: access.htpasswd.key, path: "htpasswd" }],
      },
    },
    ...(access.tls
      ? [
          {
            name: "external-tls",
            secret: {
              secretName: access.tls.secretName,
              items: ["tls.crt", "tls.key"].map((key) => ({ key, path: key })),
            },
          },
        ]
      : []),
  ];
  const mounts: VolumeMount[] = [
    { name: "htpasswd", mountPath: HTPASSWD_DIR, readOnly: true },
    ...(access.tls ? [{ name: "external-tls", mountPath: TLS_DIR, readOnly: true }] : []),
  ];
  return { volumes, mounts };
}

/** The Service of the listener: its own, so its type and annotations do not touch the in-namespace one. */
export function externalAccessService(
  metadata: ObjectMeta & { name: string },
  selector: Record<string, string>,
  access: ExternalAccess,
): Service & { apiVersion: string; kind: string; metadata: ObjectMeta & { name: string } } {
  const object = service({
    metadata: {
      ...metadata,
      ...(Object.keys(access.service.annotations).length > 0
        ? { annotations: { ...metadata.annotations, ...access.service.annotations } }
        : {}),
    },
    selector,
    ports: [
      servicePort(
        access.tls ? "https" : "http",
        externalAccessServicePort(access),
        EXTERNAL_ACCESS_PORT.name,
      ),
    ],
    type: access.service.type,
    loadBalancerSourceRanges: access.service.loadBalancerSourceRanges,
  });
  return object;
}

/** The NetworkPolicy ingress rule of the listener's port. */
export function externalAccessIngress(access: ExternalAccess): NetworkPolicyRuleInput[] {
  if (!access.enabled) return [];
  const peers: NetworkPolicyPeer[] = access.from.map(toNetworkPolicyPeer);
  return [{ ...(peers.length > 0 ? { peers } : {}), ports: tcpPorts(EXTERNAL_ACCESS_PORT.port) }];
}

/**
 * The `listen` and authentication lines of the listener's nginx `server`
 * block. nginx reads the htpasswd file on every request, so a rotated
 * Secret takes effect once the kubelet updates the mounted file, without a
 * restart; a rotated certificate needs a rollout (nginx reads it at start).
 */
export function externalAccessServerLines(access: ExternalAccess, realm: string): string[] {
  return [
    `    listen ${EXTERNAL_ACCESS_PORT.port}${access.tls ? " ssl" : ""};`,
    ...(access.tls
      ? [
          `    ssl_certificate ${TLS_DIR}/tls.crt;`,
          `    ssl_certificate_key ${TLS_DIR}/tls.key;`,
          "    ssl_protocols TLSv1.2 TLSv1.3;",
        ]
      : []),
    `    auth_basic "${realm}";`,
    `    auth_basic_user_file ${HTPASSWD_DIR}/htpasswd;`,
  ];
}

/**
 * The preamble every nginx config of the stack shares: an unprivileged
 * process with its temporary files under /tmp (the root filesystem is
 * read-only), an access log on stdout, and proxying over HTTP/1.1 with
 * keepalive to the upstreams.
 */
export function nginxHttpPreamble(options: {
  maxBodySize: string;
  logTenantHeader: string;
}): string[] {
  return [
    "worker_processes 2;",
    "error_log stderr warn;",
    "pid /tmp/nginx.pid;",
    "",
    "events {",
    "  worker_connections 4096;",
    "}",
    "",
    "http {",
    "  client_body_temp_path /tmp/client_temp;",
    "  proxy_temp_path /tmp/proxy_temp;",
    "  fastcgi_temp_path /tmp/fastcgi_temp;",
    "  uwsgi_temp_path /tmp/uwsgi_temp;",
    "  scgi_temp_path /tmp/scgi_temp;",
    "",
    "  default_type application/octet-stream;",
    `  log_format main '$remote_addr $remote_user "$request" $status $body_bytes_sent $request_time tenant="$${options.logTenantHeader}" "$http_user_agent"';`,
    "  access_log /dev/stdout main;",
    "  server_tokens off;",
    "  sendfile on;",
    "  tcp_nopush on;",
    `  client_max_body_size ${options.maxBodySize};`,
    "  proxy_http_version 1.1;",
    "  proxy_connect_timeout 10s;",
    "  proxy_send_timeout 600s;",
    "  proxy_read_timeout 600s;",
  ];
}

/** An nginx `upstream` block with keepalive connections to one server. */
export function nginxUpstream(name: string, address: string): string[] {
  return [`  upstream ${name} {`, `    server ${address};`, "    keepalive 16;", "  }"];
}

/**
 * The body of a proxying location: the upstream, the client's address, `headers` (each a whole
 * `proxy_set_header` line), and the Connection header: cleared for keepalive, or passed on for
 * a WebSocket upgrade. Every location repeats them, as nginx drops inherited `proxy_set_header`s
 * in a location that sets one of its own.
 */
export function nginxProxyLines(
  upstream: string,
  options: { headers?: readonly string[]; websocket?: boolean; tls?: { serverName: string } } = {},
): string[] {
  return [
    `      proxy_pass ${options.tls ? "https" : "http"}://${upstream};`,
    ...(options.tls ? nginxUpstreamTlsLines(options.tls.serverName) : []),
    "      proxy_set_header X-Real-IP $remote_addr;",
    "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    ...(options.headers ?? []),
    ...(options.websocket
      ? [
          "      proxy_set_header Upgrade $http_upgrade;",
          '      proxy_set_header Connection "upgrade";',
        ]
      : ['      proxy_set_header Connection "";']),
  ];
}

/**
 * The http-level `map` that names the internal TLS folder through a variable:
 * nginx loads a `proxy_ssl_certificate` whose path holds a variable on each
 * handshake instead of once at start, so a certificate cert-manager renews is
 * presented without a reload. Needed once per config that proxies with
 * `nginxProxyLines(..., { tls })`.
 */
export function nginxInternalTlsMap(): string[] {
  return ["  map $host $internal_tls_dir {", `    default ${INTERNAL_TLS.dir};`, "  }"];
}

/**
 * A `server` listening with the stack's internal TLS: its certificate loaded
 * on each handshake (through `nginxInternalTlsMap`'s variable), a client
 * certificate verified by the stack's CA when one is presented (the kubelet's
 * probes carry none, as on every HTTP listener of the stack), TLS 1.3 only.
 */
export function nginxInternalTlsListenLines(port: number): string[] {
  return [
    `    listen ${port} ssl;`,
    "    ssl_certificate $internal_tls_dir/tls.crt;",
    "    ssl_certificate_key $internal_tls_dir/tls.key;",
    `    ssl_client_certificate ${INTERNAL_TLS.ca};`,
    "    ssl_verify_client optional;",
    "    ssl_verify_depth 2;",
    "    ssl_protocols TLSv1.3;",
  ];
}

/** Mutual TLS to an upstream of the stack: its certificate verified by the stack's CA, ours presented. */
function nginxUpstreamTlsLines(serverName: string): string[] {
  return [
    "      proxy_ssl_certificate $internal_tls_dir/tls.crt;",
    "      proxy_ssl_certificate_key $internal_tls_dir/tls.key;",
    `      proxy_ssl_trusted_certificate ${INTERNAL_TLS.ca};`,
    "      proxy_ssl_verify on;",
    "      proxy_ssl_verify_depth 2;",
    `      proxy_ssl_name ${serverName};`,
    "      proxy_ssl_server_name on;",
    "      proxy_ssl_protocols TLSv1.3;",
    "      proxy_ssl_session_reuse on;",
  ];
}

/** `location = /` answering 200 for the probes, without basic auth where the server has it. */
export function nginxHealthLocation(authenticated: boolean): string[] {
  return [
    "    location = / {",
    ...(authenticated ? ["      auth_basic off;"] : []),
    "      default_type text/plain;",
    '      return 200 "OK\\n";',
    "    }",
  ];
}

/** The catch-all location: anything no route names is answered 404. */
export const NGINX_NOT_FOUND: readonly string[] = [
  "    location / {",
  "      return 404;",
  "    }",
];

/** The listener's Service as in-cluster clients outside the namespace see it. */
export function externalAccessEndpoint(
  ctx: BuildContext,
  serviceName: string,
  podLabels: Record<string, string>,
  access: ExternalAccess,
): ServiceEndpoint<"external"> {
  return serviceEndpoint(ctx, {
    service: serviceName,
    ports: {
      external: { name: access.tls ? "https" : "http", port: externalAccessServicePort(access) },
    },
    podLabels,
  });
}

/** A URL on the listener, `https` when it serves TLS. */
export function externalAccessUrl(
  endpoint: ServiceEndpoint<"external">,
  access: ExternalAccess,
  path: string,
): string {
  return endpointUrl(endpoint, "external", path, access.tls ? "https" : "http");
}
