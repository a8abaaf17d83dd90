/**
 * Alertmanager under the stack's internal TLS (`BuildContext.internalTls`).
 *
 * - The web port serves HTTPS (`--web.config.file`): a client certificate is
 *   verified when given (the kubelet's probes carry none); every wired client
 *   (Thanos ruler, Loki's ruler, Grafana, the scraper) presents one.
 * - The gossip between replicas runs over mutual TLS (`--cluster.tls-config`):
 *   TCP only, so the UDP mesh port goes; a peer without a certificate from the
 *   stack's CA cannot join.
 *
 * Alertmanager reads its web config on every request and loads the
 * certificate files on each handshake (the exporter-toolkit server and the
 * prometheus/common client of v0.28.1), so cert-manager's renewals need no
 * restart. The CA is read at start: a new CA needs a rollout.
 */
import {
  type BuildContext,
  clientTlsConfig,
  configMap,
  internalCertificate,
  internalTlsDnsNames,
  internalTlsMount,
  internalTlsVolume,
  type KubeObject,
  type ObjectMeta,
  toYaml,
  type Volume,
  type VolumeMount,
  webTlsServerConfig,
} from "@materialize-monitoring/core";
import type { AlertmanagerEndpoints, AlertmanagerNames } from "./endpoints.js";

/** The component name of Alertmanager's certificate (`alertmanager-internal-tls`). */
export const TLS_COMPONENT = "alertmanager";

export const TLS_CONFIG = {
  volume: "tls-config",
  dir: "/etc/alertmanager/tls",
  webFile: "/etc/alertmanager/tls/web.yaml",
  clusterFile: "/etc/alertmanager/tls/cluster.yaml",
} as const;

/** The gossip's TLS: client certificates required both ways, peers verified by the headless host. */
export function clusterTlsConfig(serverName: string): Record<string, unknown> {
  return {
    ...webTlsServerConfig("RequireAndVerifyClientCert"),
    tls_client_config: clientTlsConfig(serverName),
  };
}

export function tlsVolumes(ctx: BuildContext, names: AlertmanagerNames): Volume[] {
  if (!ctx.internalTls) return [];
  return [
    internalTlsVolume(ctx, TLS_COMPONENT),
    { name: TLS_CONFIG.volume, configMap: { name: names.tlsConfigMap } },
  ];
}

export function tlsMounts(ctx: BuildContext): VolumeMount[] {
  if (!ctx.internalTls) return [];
  return [
    internalTlsMount(),
    { name: TLS_CONFIG.volume, mountPath: TLS_CONFIG.dir, readOnly: true },
  ];
}

/** The certificate (both Services, every replica behind the headless one) and the TLS config files. */
export function tlsObjects(
  ctx: BuildContext,
  endpoints: AlertmanagerEndpoints,
  meta: (objectName: string) => ObjectMeta & { name: string },
  names: AlertmanagerNames,
): KubeObject[] {
  if (!ctx.internalTls) return [];
  const { web, headless } = endpoints.services;
  return [
    internalCertificate(ctx, ctx.internalTls, {
      component: TLS_COMPONENT,
      dnsNames: internalTlsDnsNames([web], [headless]),
    }),
    configMap(meta(names.tlsConfigMap), {
      "cluster.yaml": toYaml(clusterTlsConfig(endpoints.tlsServerName)),
      "web.yaml": toYaml(webTlsServerConfig()),
    }),
  ];
}
