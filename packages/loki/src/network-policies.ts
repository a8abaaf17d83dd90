import {
  type BuildContext,
  dnsEgressRule,
  externalAccessIngress,
  type KubeObject,
  metadataServerEgress,
  type NetworkPolicyPeer,
  type NetworkPolicyRuleInput,
  networkPolicy,
  objectMeta,
  podPeer,
  tcpPorts,
  urlPort,
} from "@materialize-monitoring/core";
import { enabledCaches } from "./caches.js";
import { APP, type LokiNames, memberlistSelector, PORT, roleSelector } from "./names.js";
import type { StorageWiring } from "./storage.js";
import type { Peer, ResolvedLokiValues } from "./values.js";

export interface NetworkPolicyInputs {
  ctx: BuildContext;
  values: ResolvedLokiValues;
  names: LokiNames;
  storage: StorageWiring;
}

function peers(list: readonly Peer[]): NetworkPolicyPeer[] {
  return list.map((p) => podPeer(p.podLabels, p.namespaceLabels));
}

/**
 * A rule for these peers on this port, or none at all: a rule without peers
 * would let every pod in the cluster in.
 */
function allowFrom(from: NetworkPolicyPeer[], port: number): NetworkPolicyRuleInput[] {
  return from.length > 0 ? [{ peers: from, ports: tcpPorts(port) }] : [];
}

/** The port an Alertmanager URL connects to; kept here for this package's API. */
export { urlPort };

/**
 * Allow-lists for every pod of the component: the gateway takes pushes from
 * the pipeline and queries from Grafana; Loki pods take HTTP from the
 * gateway and metrics scrapers, and gRPC and memberlist only from each
 * other; memcached takes connections only from Loki pods and sends nothing.
 */
export function lokiNetworkPolicies(inputs: NetworkPolicyInputs): KubeObject[] {
  const { ctx, values, names, storage } = inputs;
  if (!values.networkPolicy.enabled) return [];
  const np = values.networkPolicy;
  const scalable = values.mode === "simple-scalable";
  const server = memberlistSelector(ctx);
  const serverPeer = [podPeer(server)];
  const internalPorts = tcpPorts(
    PORT.http.port,
    PORT.grpc.port,
    ...(scalable ? [PORT.memberlist.port] : []),
  );
  const caches = enabledCaches(values);
  const meta = (component: string, objectName: string) =>
    objectMeta(ctx, { name: APP, component, objectName });

  const clients = [...peers(np.pipeline), ...peers(np.grafana)];
  const serverIngress: NetworkPolicyRuleInput[] = [
    ...(values.gateway.enabled
      ? [{ peers: [podPeer(roleSelector(ctx, "gateway"))], ports: tcpPorts(PORT.http.port) }]
      : allowFrom(clients, PORT.http.port)),
    { peers: serverPeer, ports: internalPorts },
    ...allowFrom(peers(np.scrapers), PORT.http.port),
  ];
  const serverEgress: NetworkPolicyRuleInput[] = [
    dnsEgressRule(),
    { peers: serverPeer, ports: internalPorts },
    ...caches.map(([role]) => ({
      peers: [podPeer(roleSelector(ctx, role))],
      ports: tcpPorts(PORT.memcached.port),
    })),
    ...(storage.egressPorts.length > 0
      ? [
          {
            peers: np.objectStorageCidrs.map((cidr) => ({ ipBlock: { cidr } })),
            ports: tcpPorts(...storage.egressPorts),
          },
        ]
      : []),
    ...metadataServerEgress({ gke: Boolean(values.workloadIdentity.gcp) }),
    ...(values.ruler.enabled &&
    values.ruler.alertmanagerUrls.length > 0 &&
    np.alertmanager.length + np.alertmanagerCidrs.length > 0
      ? [
          {
            peers: [
              ...peers(np.alertmanager),
              ...np.alertmanagerCidrs.map((cidr) => ({ ipBlock: { cidr } })),
            ],
            ports: tcpPorts(...new Set(values.ruler.alertmanagerUrls.map(urlPort))),
          },
        ]
      : []),
  ];

  const policies: KubeObject[] = [
    networkPolicy({
      metadata: meta("server", names.base),
      podSelector: server,
      ingress: serverIngress,
      egress: serverEgress,
    }),
  ];
  if (values.gateway.enabled) {
    policies.push(
      networkPolicy({
        metadata: meta("gateway", names.role("gateway")),
        podSelector: roleSelector(ctx, "gateway"),
        ingress: [
          ...allowFrom(clients, PORT.gateway.port),
          ...externalAccessIngress(values.gateway.externalAccess),
        ],
        egress: [dnsEgressRule(), { peers: serverPeer, ports: tcpPorts(PORT.http.port) }],
      }),
    );
  }
  for (const [role] of caches) {
    policies.push(
      networkPolicy({
        metadata: meta(role, names.role(role)),
        podSelector: roleSelector(ctx, role),
        ingress: [{ peers: serverPeer, ports: tcpPorts(PORT.memcached.port) }],
        // memcached never opens a connection.
        egress: [],
      }),
    );
  }
  return policies;
}
