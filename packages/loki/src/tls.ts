/**
 * Loki under the stack's internal TLS (`BuildContext.internalTls`). One
 * certificate for all of Loki (`loki-internal-tls`), as for Thanos: the
 * targets reach each other by pod address (rings, memberlist, DNS), so every
 * client verifies its peer by one name the shared certificate holds
 * (`tlsServerName`).
 *
 * - HTTP: TLS, a client certificate verified when given (the kubelet's probes
 *   carry none); every wired client (the gateway, Grafana, the pipeline, the
 *   scraper) presents one.
 * - gRPC (ingesters, the frontend, the scheduler, the index gateway, the
 *   compactor, the ruler): TLS with a client certificate required, and every
 *   gRPC client Loki has presents Loki's certificate.
 * - memberlist: gossip over TLS.
 * - The gateway's nginx serves TLS on its listener and dials the targets with
 *   the same certificate.
 *
 * Loki's servers (dskit on exporter-toolkit) load the certificate on each
 * handshake and its clients load theirs on each connection, so cert-manager's
 * renewals need no restart (read in Loki v3.7.6's vendored dskit). The CA is
 * read at start: a new CA needs a rollout.
 */
import {
  type BuildContext,
  INTERNAL_TLS,
  INTERNAL_TLS_MIN_VERSION,
  internalCertificate,
  internalTlsMount,
  internalTlsOn,
  internalTlsVolume,
  type KubeObject,
  renderedServiceDnsNames,
  type Service,
  serviceFqdn,
  type Volume,
  type VolumeMount,
} from "@materialize-monitoring/core";
import type { GrpcClientConfig, LokiTlsClientConfig } from "./config-schema.js";
import { APP, type LokiNames } from "./names.js";

/** The name every Loki client verifies a Loki peer by: the memberlist Service host, in the certificate in every mode. */
export function tlsServerName(ctx: BuildContext, names: Pick<LokiNames, "memberlist">): string {
  return serviceFqdn(ctx, names.memberlist);
}

/** Loki's spelling of the stack's minimum TLS version. */
const LOKI_MIN_VERSION = `Version${INTERNAL_TLS_MIN_VERSION}` as const;

/**
 * A dskit client `tls_config`: the stack's CA, Loki's certificate, the peer
 * verified by `serverName` (or by the host it dials, without one).
 */
export function lokiClientTls(serverName?: string): LokiTlsClientConfig {
  return {
    tls_cert_path: INTERNAL_TLS.cert,
    tls_key_path: INTERNAL_TLS.key,
    tls_ca_path: INTERNAL_TLS.ca,
    ...(serverName ? { tls_server_name: serverName } : {}),
    tls_min_version: LOKI_MIN_VERSION,
  };
}

/** A `grpc_client` block with TLS on (message sizes kept as the caller sets them). */
export function grpcClientTls(serverName: string): GrpcClientConfig {
  return { tls_enabled: true, ...lokiClientTls(serverName) };
}

function serverTls(clientAuth: "VerifyClientCertIfGiven" | "RequireAndVerifyClientCert") {
  return {
    cert_file: INTERNAL_TLS.cert,
    key_file: INTERNAL_TLS.key,
    client_ca_file: INTERNAL_TLS.ca,
    client_auth_type: clientAuth,
  };
}

/** The `server` block's TLS keys. */
export function serverTlsConfig() {
  return {
    tls_min_version: LOKI_MIN_VERSION,
    http_tls_config: serverTls("VerifyClientCertIfGiven"),
    grpc_tls_config: serverTls("RequireAndVerifyClientCert"),
  };
}

export function tlsVolumes(ctx: BuildContext): Volume[] {
  return internalTlsOn(ctx) ? [internalTlsVolume(ctx, APP)] : [];
}

export function tlsMounts(ctx: BuildContext): VolumeMount[] {
  return internalTlsOn(ctx) ? [internalTlsMount()] : [];
}

/**
 * Loki's certificate, from the Services rendered (every host, and every pod
 * behind a headless one), memcached's excluded: it speaks no TLS.
 */
export function tlsCertificate(
  ctx: BuildContext,
  names: LokiNames,
  objects: readonly KubeObject[],
): KubeObject[] {
  const tls = ctx.internalTls;
  if (!tls) return [];
  const exclude = [
    ...(["chunks-cache", "results-cache"] as const).flatMap((role) => [
      names.role(role),
      names.headless(role),
    ]),
    names.gatewayExternal,
  ];
  return [
    internalCertificate(ctx, tls, {
      component: APP,
      dnsNames: renderedServiceDnsNames(ctx, objects, {
        exclude,
        extraHosts: [tlsServerName(ctx, names)],
      }),
    }),
  ];
}
