import { kubeArg } from "@materialize-monitoring/core";
import { type AlertmanagerVersion, supports } from "./version.js";

export const WEB_PORT = 9093;
export const CLUSTER_PORT = 9094;
/** Port name on the Services; rulers discover replicas through `_http-web._tcp.<headless>` SRV records. */
export const WEB_PORT_NAME = "http-web";
export const MESH_TCP_PORT_NAME = "mesh-tcp";
export const MESH_UDP_PORT_NAME = "mesh-udp";

export interface ClusterArgs {
  listenAddress: string;
  /**
   * `host:port` other peers reach this one at; `[$(POD_IP)]:9094` in Kubernetes (brackets keep IPv6 valid).
   * Written as is, a kubelet reference included; every other option is literal text.
   */
  advertiseAddress?: string;
  peers: string[];
  /** Written only for versions that have `--cluster.label`. */
  label?: string;
  peerTimeout?: string;
  /** Extra tuning, e.g. a shorter gossip interval in tests. */
  gossipInterval?: string;
  /** `--cluster.tls-config`: gossip over mutual TLS (TCP only). */
  tlsConfigFile?: string;
}

export interface AlertmanagerArgsOptions {
  version: AlertmanagerVersion;
  configFile: string;
  storagePath: string;
  listenAddress: string;
  externalUrl: string;
  routePrefix: string;
  retention: string;
  /** `--web.config.file`: the web port serves HTTPS. */
  webConfigFile?: string;
  /** Undefined: clustering off (`--cluster.listen-address=`), for a single replica. */
  cluster?: ClusterArgs;
  logLevel: string;
  logFormat: string;
  /** Written only for versions that have `--enable-feature`. */
  featureFlags: string[];
  extraArgs?: string[];
}

/**
 * The Alertmanager command line, shared by the StatefulSet and the end-to-end
 * tests (which run it against loopback addresses), so the tested flags are
 * the shipped flags. Options are literal text for the kubelet's `$(VAR)`
 * expansion (an external URL with `$(` reaches Alertmanager as written),
 * except `advertiseAddress`, and `extraArgs`, the user's raw flags.
 */
export function alertmanagerArgs(options: AlertmanagerArgsOptions): string[] {
  const args = [
    kubeArg`--config.file=${options.configFile}`,
    kubeArg`--storage.path=${options.storagePath}`,
    kubeArg`--data.retention=${options.retention}`,
    kubeArg`--web.listen-address=${options.listenAddress}`,
    kubeArg`--web.external-url=${options.externalUrl}`,
    kubeArg`--web.route-prefix=${options.routePrefix}`,
    `--log.level=${options.logLevel}`,
    `--log.format=${options.logFormat}`,
  ];
  if (options.webConfigFile) args.push(kubeArg`--web.config.file=${options.webConfigFile}`);
  const cluster = options.cluster;
  if (cluster) {
    args.push(kubeArg`--cluster.listen-address=${cluster.listenAddress}`);
    if (cluster.advertiseAddress)
      args.push(`--cluster.advertise-address=${cluster.advertiseAddress}`);
    for (const peer of cluster.peers) args.push(kubeArg`--cluster.peer=${peer}`);
    if (cluster.label && supports(options.version, "clusterLabel")) {
      args.push(kubeArg`--cluster.label=${cluster.label}`);
    }
    if (cluster.peerTimeout) args.push(kubeArg`--cluster.peer-timeout=${cluster.peerTimeout}`);
    if (cluster.gossipInterval)
      args.push(kubeArg`--cluster.gossip-interval=${cluster.gossipInterval}`);
    if (cluster.tlsConfigFile) args.push(kubeArg`--cluster.tls-config=${cluster.tlsConfigFile}`);
  } else {
    args.push("--cluster.listen-address=");
  }
  if (options.featureFlags.length > 0 && supports(options.version, "featureFlags")) {
    args.push(kubeArg`--enable-feature=${options.featureFlags.join(",")}`);
  }
  return [...args, ...(options.extraArgs ?? [])];
}

/** Feature flags turned on when the user sets none. */
export function defaultFeatureFlags(version: AlertmanagerVersion): string[] {
  return supports(version, "autoGoRuntimeFlags") ? ["auto-gomemlimit", "auto-gomaxprocs"] : [];
}
