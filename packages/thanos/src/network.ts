import {
  dnsEgressRule,
  externalAccessIngress,
  type KubeObject,
  metadataServerEgress,
  type NetworkPolicyPeer,
  type NetworkPolicyRuleInput,
  networkPolicy,
  tcpPorts,
} from "@materialize-monitoring/core";
import { meta, type RoleContext, selector } from "./common.js";
import { PORT, type Role, type ThanosNames } from "./names.js";
import type { Effective } from "./resolve.js";

type Peer = RoleContext["values"]["networkPolicy"]["peers"]["pipeline"];

/** A peer from values: pods by labels, in our namespace unless namespace labels are given. */
export function valuesPeer(peer: Peer): NetworkPolicyPeer {
  return {
    podSelector: { matchLabels: { ...peer.podLabels } },
    ...(peer.namespaceLabels
      ? { namespaceSelector: { matchLabels: { ...peer.namespaceLabels } } }
      : {}),
  };
}

function rolePeer(rc: RoleContext, role: Role): NetworkPolicyPeer {
  return { podSelector: { matchLabels: selector(rc.ctx, role) } };
}

/** The bucket lives outside the cluster: egress to the configured CIDRs and ports. */
function objectStorageEgress(rc: RoleContext): NetworkPolicyRuleInput[] {
  const storage = rc.values.objectStorage;
  if (!storage || storage.type === "filesystem") return [];
  const egress = rc.values.networkPolicy.objectStorageEgress;
  const ports = new Set(egress.ports);
  if (storage.type === "s3" && storage.endpoint) {
    const port = Number(storage.endpoint.split(":")[1]);
    if (Number.isInteger(port) && port > 0) ports.add(port);
  }
  const rules: NetworkPolicyRuleInput[] = [
    {
      peers: egress.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
      ports: tcpPorts(...[...ports].sort((a, b) => a - b)),
    },
  ];
  // GKE workload identity answers on the node-local metadata server.
  rules.push(
    ...metadataServerEgress({ gke: Boolean(rc.values.serviceAccount.workloadIdentity.gcp) }),
  );
  return rules;
}

/**
 * One policy per role: ingress only from the roles and peers that call it,
 * egress only to DNS and what it calls. The pipeline peer scrapes every
 * pod's `http` port for metrics; Grafana reaches the PromQL and ruler APIs.
 */
export function buildNetworkPolicies(
  rc: RoleContext,
  names: ThanosNames,
  eff: Effective,
): KubeObject[] {
  if (!rc.values.networkPolicy.enabled) return [];
  const peers = rc.values.networkPolicy.peers;
  const pipeline = valuesPeer(peers.pipeline);
  const grafana = valuesPeer(peers.grafana);
  const split = rc.values.receive.mode === "split";
  const grpc = tcpPorts(PORT.grpc.port);
  const http = tcpPorts(PORT.http.port);
  const scrape: NetworkPolicyRuleInput = { peers: [pipeline], ports: http };
  // The gateway (authenticated access from outside the stack) writes to receive and reads PromQL.
  const gateway = rc.values.gateway.externalAccess.enabled ? [rolePeer(rc, "gateway")] : [];
  const fromGateway = (ports: NetworkPolicyRuleInput["ports"]): NetworkPolicyRuleInput[] =>
    gateway.length > 0 ? [{ peers: gateway, ports }] : [];
  const dns = dnsEgressRule();
  const bucket = objectStorageEgress(rc);
  const policies: KubeObject[] = [];
  const policy = (
    role: Role,
    name: string,
    ingress: NetworkPolicyRuleInput[],
    egress: NetworkPolicyRuleInput[],
  ) =>
    policies.push(
      networkPolicy({
        metadata: meta(rc, role, name),
        podSelector: selector(rc.ctx, role),
        ingress,
        egress,
      }),
    );

  // Receive: the write path.
  const receiveIngress: NetworkPolicyRuleInput[] = [
    scrape,
    { peers: [rolePeer(rc, "query")], ports: grpc },
    split
      ? { peers: [rolePeer(rc, "receive-router")], ports: grpc }
      : { peers: [pipeline], ports: tcpPorts(PORT.remoteWrite.port) },
    ...(split ? [] : [{ peers: [rolePeer(rc, "receive")], ports: grpc }]),
    ...(split ? [] : fromGateway(tcpPorts(PORT.remoteWrite.port))),
  ];
  policy("receive", names.receive, receiveIngress, [
    dns,
    ...(split ? [] : [{ peers: [rolePeer(rc, "receive")], ports: grpc }]),
    ...bucket,
  ]);
  if (split) {
    policy(
      "receive-router",
      names.receiveRouter,
      [
        scrape,
        { peers: [pipeline], ports: tcpPorts(PORT.remoteWrite.port) },
        ...fromGateway(tcpPorts(PORT.remoteWrite.port)),
      ],
      [dns, { peers: [rolePeer(rc, "receive")], ports: grpc }],
    );
  }

  // Query: called by the frontend, the ruler and (without a frontend) Grafana; calls every StoreAPI.
  const queryCallers = [
    ...(eff.queryFrontend.enabled ? [rolePeer(rc, "query-frontend")] : [grafana]),
    ...(eff.ruler.enabled ? [rolePeer(rc, "ruler")] : []),
  ];
  policy(
    "query",
    names.query,
    [
      scrape,
      ...(queryCallers.length > 0 ? [{ peers: queryCallers, ports: http }] : []),
      ...(eff.queryFrontend.enabled ? [] : fromGateway(http)),
    ],
    [
      dns,
      {
        peers: [
          rolePeer(rc, "receive"),
          ...(eff.store.enabled ? [rolePeer(rc, "store")] : []),
          ...(eff.ruler.enabled ? [rolePeer(rc, "ruler")] : []),
        ],
        ports: grpc,
      },
      // Extra endpoints are addresses we cannot see; allow gRPC to them anywhere.
      ...(rc.values.query.extraEndpoints.length > 0 ? [{ ports: grpc }] : []),
    ],
  );

  if (eff.queryFrontend.enabled) {
    const cache = rc.values.queryFrontend.cache;
    const ownMemcached = cache.type === "memcached" && cache.deploy.enabled;
    policy(
      "query-frontend",
      names.queryFrontend,
      [scrape, { peers: [grafana], ports: http }, ...fromGateway(http)],
      [
        dns,
        { peers: [rolePeer(rc, "query")], ports: http },
        ...(cache.type === "memcached"
          ? [
              ownMemcached
                ? {
                    peers: [rolePeer(rc, "query-frontend-memcached")],
                    ports: tcpPorts(PORT.memcached.port),
                  }
                : { ports: tcpPorts(PORT.memcached.port) },
            ]
          : []),
      ],
    );
    if (ownMemcached) {
      // memcached calls nothing: no egress at all.
      policy(
        "query-frontend-memcached",
        names.memcached,
        [{ peers: [rolePeer(rc, "query-frontend")], ports: tcpPorts(PORT.memcached.port) }],
        [],
      );
    }
  }

  if (eff.store.enabled) {
    policy(
      "store",
      names.store,
      [scrape, { peers: [rolePeer(rc, "query")], ports: grpc }],
      [
        dns,
        ...bucket,
        ...(rc.values.store.indexCache.type === "memcached" ||
        rc.values.store.cachingBucket.type === "memcached"
          ? [{ ports: tcpPorts(PORT.memcached.port) }]
          : []),
      ],
    );
  }

  if (gateway.length > 0) {
    policy("gateway", names.gateway, externalAccessIngress(rc.values.gateway.externalAccess), [
      dns,
      {
        peers: [rolePeer(rc, split ? "receive-router" : "receive")],
        ports: tcpPorts(PORT.remoteWrite.port),
      },
      {
        peers: [rolePeer(rc, eff.queryFrontend.enabled ? "query-frontend" : "query")],
        ports: http,
      },
    ]);
  }

  if (eff.compactor.enabled) {
    policy("compactor", names.compactor, [scrape], [dns, ...bucket]);
  }

  if (eff.ruler.enabled) {
    const amPorts = new Set(rc.values.networkPolicy.alertmanagerPorts);
    for (const target of rc.values.ruler.alertmanagers) {
      if ("url" in target) {
        const url = new URL(target.url);
        amPorts.add(url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80);
      }
    }
    policy(
      "ruler",
      names.ruler,
      [scrape, { peers: [rolePeer(rc, "query")], ports: grpc }, { peers: [grafana], ports: http }],
      [
        dns,
        { peers: [rolePeer(rc, "query")], ports: http },
        ...(rc.values.ruler.alertmanagers.length > 0
          ? [
              {
                peers: [
                  valuesPeer(peers.alertmanager),
                  ...rc.values.networkPolicy.alertmanagerCidrs.map((cidr) => ({
                    ipBlock: { cidr },
                  })),
                ],
                ports: tcpPorts(...[...amPorts].sort((a, b) => a - b)),
              },
            ]
          : []),
        ...bucket,
      ],
    );
  }
  return policies;
}
