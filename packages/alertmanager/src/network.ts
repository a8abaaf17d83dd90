import {
  type BuildContext,
  dnsEgressRule,
  internalTlsOn,
  type KubeObject,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
  type NetworkPolicyRuleInput,
  namespacePeer,
  networkPolicy,
  objectMeta,
  podPeer,
  tcpPorts,
} from "@materialize-monitoring/core";
import { CLUSTER_PORT, WEB_PORT } from "./args.js";
import type { NetworkPeer, ParsedAlertmanagerValues } from "./values.js";

export function toPeer(peer: NetworkPeer): NetworkPolicyPeer {
  if ("cidr" in peer) {
    return {
      ipBlock: { cidr: peer.cidr, ...(peer.except.length > 0 ? { except: [...peer.except] } : {}) },
    };
  }
  if (peer.namespace) return namespacePeer(peer.namespace, peer.podLabels);
  return podPeer(peer.podLabels, peer.namespaceLabels);
}

/** Gossip: TCP and UDP, or TCP alone over TLS. */
function gossipPorts(tls: boolean): NetworkPolicyPort[] {
  return [
    { protocol: "TCP", port: CLUSTER_PORT },
    ...(tls ? [] : [{ protocol: "UDP" as const, port: CLUSTER_PORT }]),
  ];
}

export interface NetworkPolicyInput {
  ctx: BuildContext;
  values: ParsedAlertmanagerValues;
  name: string;
  selector: Record<string, string>;
  clustered: boolean;
  smtpPorts: number[];
}

/**
 * Ingress: the UI/API port from rulers, Grafana, scrapers and extra peers;
 * gossip between replicas. Egress: DNS, gossip, the receivers (HTTPS anywhere
 * by default) and the SMTP ports of the configured email receivers.
 */
export function alertmanagerNetworkPolicy(input: NetworkPolicyInput): KubeObject {
  const { ctx, values, selector } = input;
  const policy = values.networkPolicy;
  const web = tcpPorts(WEB_PORT);
  const ingress: NetworkPolicyRuleInput[] = [];
  for (const group of [
    policy.ingress.rulers,
    policy.ingress.grafana,
    policy.ingress.scrapers,
    policy.ingress.extra,
  ]) {
    if (group.length > 0) ingress.push({ peers: group.map(toPeer), ports: web });
  }
  const replicas = [podPeer(selector)];
  const gossip = gossipPorts(internalTlsOn(ctx));
  if (input.clustered) ingress.push({ peers: replicas, ports: gossip });

  const egress: NetworkPolicyRuleInput[] = [dnsEgressRule()];
  if (input.clustered) egress.push({ peers: replicas, ports: gossip });
  for (const rule of policy.egress.receivers) {
    egress.push({
      peers: rule.to.map(toPeer),
      ports: rule.ports.map((p) => ({ protocol: p.protocol, port: p.port })),
    });
  }
  if (input.smtpPorts.length > 0) {
    egress.push({ peers: policy.egress.smtpTo.map(toPeer), ports: tcpPorts(...input.smtpPorts) });
  }
  return networkPolicy({
    metadata: objectMeta(ctx, { name: "alertmanager", objectName: input.name }),
    podSelector: selector,
    ingress,
    egress,
  });
}
