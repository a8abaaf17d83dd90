/**
 * Mutual TLS inside the stack (`BuildContext.internalTls`), for every Thanos
 * role. One certificate for all of Thanos (`thanos-internal-tls`): the roles
 * reach each other by pod address (DNS SRV, the receive hashring), so each
 * client verifies its peer by one name the shared certificate holds
 * (`tlsServerName`).
 *
 * - HTTP (`--http.config`): TLS, a client certificate verified when given
 *   (the kubelet's probes carry none); every wired client presents one.
 * - gRPC (StoreAPI, receive forwarding) and remote write: TLS with a client
 *   certificate required.
 *
 * Thanos re-reads its server certificate and key when their files change and
 * its clients read theirs on each handshake, so cert-manager's renewals need
 * no restart. The CA is read at start: a new CA needs a rollout.
 */
import {
  type BuildContext,
  clientTlsConfig,
  configMap,
  INTERNAL_TLS,
  internalCertificate,
  internalTlsMount,
  internalTlsOn,
  internalTlsVolume,
  type KubeObject,
  objectMeta,
  renderedServiceDnsNames,
  type Service,
  serviceFqdn,
  toYaml,
  type Volume,
  type VolumeMount,
  webTlsServerConfig,
} from "@materialize-monitoring/core";
import type { RoleContext } from "./common.js";
import { APP, PATH, type Role, type ThanosNames, thanosNames } from "./names.js";

export const WEB_CONFIG_VOLUME = "web-config";

/** The name Thanos's clients verify a Thanos peer by (one every role's certificate holds). */
export function tlsServerName(ctx: BuildContext, names: Pick<ThanosNames, "query">): string {
  return serviceFqdn(ctx, names.query);
}

/** A Thanos server's certificate, key and client CA flags (`<prefix>-cert`, ...): client certificates required. */
function serverCertificateArgs(prefix: string): string[] {
  return [
    `${prefix}-cert=${INTERNAL_TLS.cert}`,
    `${prefix}-key=${INTERNAL_TLS.key}`,
    `${prefix}-client-ca=${INTERNAL_TLS.ca}`,
  ];
}

/** `--http.config` and, on roles that serve gRPC, the gRPC server's TLS flags. */
export function serverTlsArgs(ctx: BuildContext, grpc: boolean): string[] {
  if (!internalTlsOn(ctx)) return [];
  return [
    `--http.config=${PATH.webConfigFile}`,
    ...(grpc ? serverCertificateArgs("--grpc-server-tls") : []),
  ];
}

/** Receive's remote-write listener: TLS, client certificate required. */
export function remoteWriteServerTlsArgs(ctx: BuildContext): string[] {
  return internalTlsOn(ctx) ? serverCertificateArgs("--remote-write.server-tls") : [];
}

/** Receive forwarding to its hashring peers over gRPC: TLS with Thanos's certificate. */
export function forwardClientTlsArgs(ctx: BuildContext, names: ThanosNames): string[] {
  if (!internalTlsOn(ctx)) return [];
  return [
    "--remote-write.client-tls-secure",
    `--remote-write.client-tls-cert=${INTERNAL_TLS.cert}`,
    `--remote-write.client-tls-key=${INTERNAL_TLS.key}`,
    `--remote-write.client-tls-ca=${INTERNAL_TLS.ca}`,
    `--remote-write.client-server-name=${tlsServerName(ctx, names)}`,
  ];
}

/** The endpoint sd-config's `default_client_config`: query's StoreAPI clients. */
export function storeApiClientConfig(
  ctx: BuildContext,
  names: ThanosNames,
): Record<string, unknown> | undefined {
  if (!internalTlsOn(ctx)) return undefined;
  return {
    tls_config: {
      enabled: true,
      cert_file: INTERNAL_TLS.cert,
      key_file: INTERNAL_TLS.key,
      ca_file: INTERNAL_TLS.ca,
    },
    server_name: tlsServerName(ctx, names),
  };
}

/** An HTTP client's `tls_config` to a Thanos peer, or nothing without internal TLS. */
export function peerTlsConfig(
  ctx: BuildContext,
  names: ThanosNames,
): { tls_config: Record<string, string> } | Record<string, never> {
  return internalTlsOn(ctx) ? { tls_config: clientTlsConfig(tlsServerName(ctx, names)) } : {};
}

/**
 * The volumes a Thanos pod mounts under internal TLS: the certificate and the
 * web config for every Thanos process, the certificate alone for the gateway's
 * nginx (a client of receive and query), nothing for memcached (no TLS).
 */
export function tlsVolumes(rc: RoleContext, role: Role): Volume[] {
  if (!internalTlsOn(rc.ctx) || role === "query-frontend-memcached") return [];
  const certificate = internalTlsVolume(rc.ctx, APP);
  if (role === "gateway") return [certificate];
  return [
    certificate,
    { name: WEB_CONFIG_VOLUME, configMap: { name: thanosNames(rc.ctx).webConfig } },
  ];
}

export function tlsMounts(ctx: BuildContext): VolumeMount[] {
  if (!internalTlsOn(ctx)) return [];
  return [
    internalTlsMount(),
    { name: WEB_CONFIG_VOLUME, mountPath: PATH.webConfig, readOnly: true },
  ];
}

/**
 * The certificate (every Thanos Service's host, and every pod behind a
 * headless one) and the web config ConfigMap, from the Services the roles
 * rendered, so a Service added later is covered without a second list.
 */
export function tlsObjects(
  rc: RoleContext,
  names: ThanosNames,
  objects: readonly KubeObject[],
): KubeObject[] {
  const tls = rc.ctx.internalTls;
  if (!tls) return [];
  return [
    internalCertificate(rc.ctx, tls, {
      component: APP,
      // memcached speaks no TLS; the name clients verify is in even when no query Service renders.
      dnsNames: renderedServiceDnsNames(rc.ctx, objects, {
        exclude: [names.memcached],
        extraHosts: [tlsServerName(rc.ctx, names)],
      }),
    }),
    configMap(
      objectMeta(rc.ctx, {
        name: APP,
        component: "internal-tls",
        version: rc.version,
        objectName: names.webConfig,
      }),
      {
        "web.yaml": toYaml(webTlsServerConfig()),
      },
    ),
  ];
}
