/**
 * Wired connections (who talks to whom on which port), derived from the
 * addresses written in rendered configs plus connections the wiring declares
 * (for traffic found by service discovery, such as scraping), and the check
 * that NetworkPolicies allow exactly those.
 */

import { referencedConfig } from "../checksum.js";
import type { KubeObject, LabelSelector } from "../k8s.js";
import { objectKey } from "../k8s.js";
import { selectorMatches, serviceSelects } from "../selectors.js";
import type { Address } from "./graph.js";
import { NetworkPolicyModel } from "./netpol.js";
import { type PodInfo, podsOf, resolvePodPort } from "./pods.js";

export interface Connection {
  from: string;
  to: string;
  port: number;
  protocol: "TCP" | "UDP";
  /** Why it exists: the address text, or the declaration's description. */
  via: string;
  /** Whether the client speaks TLS, when a declaration says so. */
  tls?: boolean;
}

/** Traffic the wiring creates without an address in a config (e.g. scraping pods found by discovery). */
export interface DeclaredConnection {
  from: { namespace: string; selector: LabelSelector };
  to: { namespace?: string; selector: LabelSelector };
  /** A port number or a container port name on the destination pods. */
  port: number | string;
  protocol?: "TCP" | "UDP";
  description: string;
  /** Whether the client speaks TLS (the stack's internal TLS check reads it). */
  tls?: boolean;
}

export interface ConnectionOptions {
  /** Which pods act on a custom resource's addresses (e.g. GrafanaDatasource -> the Grafana pods). */
  customResourceConsumers?: Record<string, { namespace?: string; selector: LabelSelector }>;
  declared?: readonly DeclaredConnection[];
}

function consumersOf(
  source: KubeObject,
  pods: readonly PodInfo[],
  options: ConnectionOptions,
): PodInfo[] {
  if (source.kind === "ConfigMap" || source.kind === "Secret") {
    return pods.filter((pod) => {
      if (pod.namespace !== (source.metadata.namespace ?? "default")) return false;
      const refs = referencedConfig(pod.spec);
      return source.kind === "ConfigMap"
        ? refs.configMaps.includes(source.metadata.name)
        : refs.secrets.includes(source.metadata.name);
    });
  }
  const own = pods.filter((pod) => pod.owner === objectKey(source));
  if (own.length > 0) return own;
  const consumer = options.customResourceConsumers?.[source.kind];
  if (!consumer) return [];
  return pods.filter(
    (pod) =>
      (consumer.namespace === undefined || pod.namespace === consumer.namespace) &&
      selectorMatches(consumer.selector, pod.labels),
  );
}

export function wiredConnections(
  objects: readonly KubeObject[],
  addresses: readonly Address[],
  options: ConnectionOptions = {},
): Connection[] {
  const pods = podsOf(objects);
  const byKey = new Map(objects.map((o) => [objectKey(o), o]));
  const connections = new Map<string, Connection>();
  const add = (c: Connection) => connections.set(`${c.from}>${c.to}:${c.port}/${c.protocol}`, c);
  for (const address of addresses) {
    if (address.advertised) continue;
    const source = byKey.get(address.source);
    const service = address.service ? byKey.get(address.service) : undefined;
    if (!source || !service || address.targetPort === undefined) continue;
    const selector = (service as { spec?: { selector?: Record<string, string> } }).spec?.selector;
    const targets = pods.filter(
      (pod) =>
        pod.namespace === (service.metadata.namespace ?? "default") &&
        serviceSelects(selector, pod.labels),
    );
    for (const from of consumersOf(source, pods, options)) {
      for (const to of targets) {
        const port = resolvePodPort(to, address.targetPort);
        if (port !== undefined)
          add({ from: from.owner, to: to.owner, port, protocol: "TCP", via: address.text });
      }
    }
  }
  for (const declared of options.declared ?? []) {
    const sources = pods.filter(
      (p) =>
        p.namespace === declared.from.namespace &&
        selectorMatches(declared.from.selector, p.labels),
    );
    const targets = pods.filter(
      (p) =>
        (declared.to.namespace === undefined || p.namespace === declared.to.namespace) &&
        selectorMatches(declared.to.selector, p.labels),
    );
    for (const from of sources) {
      for (const to of targets) {
        const port = resolvePodPort(to, declared.port, declared.protocol ?? "TCP");
        if (port !== undefined) {
          add({
            from: from.owner,
            to: to.owner,
            port,
            protocol: declared.protocol ?? "TCP",
            via: declared.description,
            ...(declared.tls !== undefined ? { tls: declared.tls } : {}),
          });
        }
      }
    }
  }
  return [...connections.values()].sort((a, b) =>
    `${a.from}${a.to}${a.port}` < `${b.from}${b.to}${b.port}` ? -1 : 1,
  );
}

export interface NetworkProblem {
  check: "blocked" | "open";
  message: string;
}

export interface NetworkCheckOptions {
  /** Labels of namespaces that exist but are not rendered (kube-system, Materialize's). */
  extraNamespaces?: Record<string, Record<string, string>>;
  /**
   * Sample addresses of the cluster's nodes (one per node CIDR the egress
   * rules name). Pods on the host network have their node's address, and
   * CNIs differ on whether pod selectors match them, so a connection to such
   * a pod must be allowed both to the pod (by selectors) and to these
   * addresses (by ipBlock). Default: one address in 10.0.0.0/8.
   */
  nodeAddresses?: readonly string[];
}

/** A sample node address: node CIDRs are the cluster's, so a check needs one to evaluate ipBlock rules. */
export const DEFAULT_NODE_ADDRESSES = ["10.0.0.10"] as const;

/**
 * Every wired connection must be allowed by the NetworkPolicies, and every
 * other pod pair must be denied on every port the destination exposes. A
 * connection to or from a pod on the host network must be allowed whichever
 * way the CNI sees it: as that pod (selectors) and as its node's address
 * (ipBlock).
 */
export function checkNetworkPolicies(
  objects: readonly KubeObject[],
  connections: readonly Connection[],
  options: NetworkCheckOptions = {},
): NetworkProblem[] {
  const model = new NetworkPolicyModel(objects, options.extraNamespaces);
  const nodeAddresses = options.nodeAddresses?.length
    ? options.nodeAddresses
    : DEFAULT_NODE_ADDRESSES;
  const pods = podsOf(objects);
  const byOwner = new Map(pods.map((p) => [p.owner, p]));
  const problems: NetworkProblem[] = [];
  const wired = new Set<string>();
  for (const c of connections) {
    wired.add(`${c.from}>${c.to}:${c.port}/${c.protocol}`);
    const from = byOwner.get(c.from);
    const to = byOwner.get(c.to);
    if (!from || !to) continue;
    const blocked = (reason: string, how = "") =>
      problems.push({
        check: "blocked",
        message: `${c.from} -> ${c.to}:${c.port}/${c.protocol} (${c.via}) is wired but ${how}${reason}`,
      });
    const verdict = model.explain(from, to, c.port, c.protocol);
    if (!verdict.allowed) blocked(verdict.reason);
    // The other view of a host-network pod: its node's address. Egress of the source must
    // allow the node address (ingress of a host-network destination is the node's own firewall).
    if (to.spec.hostNetwork) {
      for (const ip of nodeAddresses) {
        const asNode = model.explain(from, { ip }, c.port, c.protocol);
        if (!asNode.allowed)
          blocked(
            asNode.reason,
            `the target runs on the host network and, to node address ${ip}, `,
          );
      }
    }
    if (from.spec.hostNetwork) {
      for (const ip of nodeAddresses) {
        const asNode = model.explain({ ip }, to, c.port, c.protocol);
        if (!asNode.allowed)
          blocked(
            asNode.reason,
            `the source runs on the host network and, from node address ${ip}, `,
          );
      }
    }
  }
  // Pods on the host network are outside this part: their ports are the node's, and what reaches
  // the node is not a NetworkPolicy matter.
  const podNetwork = pods.filter((p) => !p.spec.hostNetwork);
  for (const from of podNetwork) {
    for (const to of podNetwork) {
      for (const container of to.spec.containers) {
        for (const port of container.ports ?? []) {
          const protocol = (port.protocol ?? "TCP") as "TCP" | "UDP";
          if (wired.has(`${from.owner}>${to.owner}:${port.containerPort}/${protocol}`)) continue;
          if (model.allowed(from, to, port.containerPort, protocol)) {
            problems.push({
              check: "open",
              message: `${from.owner} -> ${to.owner}:${port.containerPort}/${protocol} (${port.name ?? "unnamed"}) is allowed but nothing wires it`,
            });
          }
        }
      }
    }
  }
  return problems;
}
