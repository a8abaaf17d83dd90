/**
 * A NetworkPolicy evaluator: answers "may pod A open a connection to pod B on
 * port P?" the way the Kubernetes NetworkPolicy API defines it, so tests can
 * check that every wired connection is allowed and every other pod pair is
 * denied, instead of counting policies.
 */
import type { KubeObject, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from "../k8s.js";
import { objectKey } from "../k8s.js";
import { selectorMatches } from "../selectors.js";
import { type PodInfo, resolvePodPort } from "./pods.js";

type Policy = NetworkPolicy & { metadata: { name: string; namespace?: string } };

/** Something outside the cluster's pods, addressed by IP (the API server, a bucket endpoint, the internet). */
export interface ExternalEndpoint {
  ip: string;
}

export type Endpoint = PodInfo | ExternalEndpoint;

function isPod(endpoint: Endpoint): endpoint is PodInfo {
  return "labels" in endpoint;
}

function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    return undefined;
  return (
    (((parts[0] as number) << 24) |
      ((parts[1] as number) << 16) |
      ((parts[2] as number) << 8) |
      (parts[3] as number)) >>>
    0
  );
}

export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bitsText] = cidr.split("/");
  const bits = Number(bitsText ?? 32);
  const baseNumber = ipv4ToNumber(base ?? "");
  const ipNumber = ipv4ToNumber(ip);
  if (baseNumber === undefined || ipNumber === undefined) return false;
  if (bits === 0) return true;
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return (baseNumber & mask) === (ipNumber & mask);
}

export class NetworkPolicyModel {
  private readonly policies: Policy[];
  private readonly namespaceLabels: Map<string, Record<string, string>>;

  /**
   * @param objects the rendered objects: NetworkPolicies and Namespaces are read from them
   * @param extraNamespaces labels of namespaces that are not rendered (e.g. kube-system, the Materialize namespaces)
   */
  constructor(
    objects: readonly KubeObject[],
    extraNamespaces: Record<string, Record<string, string>> = {},
  ) {
    this.policies = objects.filter(
      (o): o is KubeObject & Policy =>
        o.kind === "NetworkPolicy" && o.apiVersion === "networking.k8s.io/v1",
    );
    this.namespaceLabels = new Map();
    for (const [name, labels] of Object.entries(extraNamespaces)) {
      this.namespaceLabels.set(name, { "kubernetes.io/metadata.name": name, ...labels });
    }
    for (const object of objects) {
      if (object.kind === "Namespace") {
        this.namespaceLabels.set(object.metadata.name, {
          "kubernetes.io/metadata.name": object.metadata.name,
          ...(object.metadata.labels ?? {}),
        });
      }
    }
  }

  private labelsOfNamespace(name: string): Record<string, string> {
    return this.namespaceLabels.get(name) ?? { "kubernetes.io/metadata.name": name };
  }

  private policyTypes(policy: Policy): string[] {
    if (policy.spec?.policyTypes?.length) return policy.spec.policyTypes;
    return policy.spec?.egress ? ["Ingress", "Egress"] : ["Ingress"];
  }

  private selecting(pod: PodInfo, direction: "Ingress" | "Egress"): Policy[] {
    return this.policies.filter(
      (p) =>
        (p.metadata.namespace ?? "default") === pod.namespace &&
        this.policyTypes(p).includes(direction) &&
        selectorMatches(p.spec?.podSelector, pod.labels),
    );
  }

  private peerMatches(peer: NetworkPolicyPeer, policyNamespace: string, other: Endpoint): boolean {
    if (peer.ipBlock) {
      // ipBlock is meant for traffic from outside the cluster's pods; pod-to-pod traffic is judged by selectors.
      if (isPod(other)) return false;
      if (!cidrContains(peer.ipBlock.cidr, other.ip)) return false;
      return !(peer.ipBlock.except ?? []).some((except) => cidrContains(except, other.ip));
    }
    if (!isPod(other)) return false;
    if (peer.namespaceSelector) {
      if (!selectorMatches(peer.namespaceSelector, this.labelsOfNamespace(other.namespace)))
        return false;
      return peer.podSelector ? selectorMatches(peer.podSelector, other.labels) : true;
    }
    if (peer.podSelector) {
      return other.namespace === policyNamespace && selectorMatches(peer.podSelector, other.labels);
    }
    return false;
  }

  private portMatches(
    ports: NetworkPolicyPort[] | undefined,
    destination: Endpoint,
    port: number,
    protocol: string,
  ): boolean {
    if (!ports || ports.length === 0) return true;
    return ports.some((p) => {
      if ((p.protocol ?? "TCP") !== protocol) return false;
      if (p.port === undefined) return true;
      const resolved =
        typeof p.port === "number"
          ? p.port
          : isPod(destination)
            ? resolvePodPort(destination, p.port, protocol)
            : undefined;
      if (resolved === undefined) return false;
      const end = (p as { endPort?: number }).endPort;
      return end !== undefined ? port >= resolved && port <= end : port === resolved;
    });
  }

  /** Why a connection is allowed or not: the policies that decided it. */
  explain(
    source: Endpoint,
    destination: Endpoint,
    port: number,
    protocol = "TCP",
  ): { allowed: boolean; reason: string } {
    if (isPod(source)) {
      const egress = this.selecting(source, "Egress");
      if (egress.length > 0) {
        const ok = egress.some((policy) =>
          (policy.spec?.egress ?? []).some(
            (rule) =>
              ((rule.to ?? []).length === 0 ||
                (rule.to ?? []).some((peer) =>
                  this.peerMatches(peer, policy.metadata.namespace ?? "default", destination),
                )) &&
              this.portMatches(rule.ports, destination, port, protocol),
          ),
        );
        if (!ok) {
          return {
            allowed: false,
            reason: `egress of ${source.owner} denied by ${egress.map((p) => objectKey(p as KubeObject)).join(", ")}`,
          };
        }
      }
    }
    if (isPod(destination)) {
      const ingress = this.selecting(destination, "Ingress");
      if (ingress.length > 0) {
        const ok = ingress.some((policy) =>
          (policy.spec?.ingress ?? []).some(
            (rule) =>
              ((rule.from ?? []).length === 0 ||
                (rule.from ?? []).some((peer) =>
                  this.peerMatches(peer, policy.metadata.namespace ?? "default", source),
                )) &&
              this.portMatches(rule.ports, destination, port, protocol),
          ),
        );
        if (!ok) {
          return {
            allowed: false,
            reason: `ingress of ${destination.owner} denied by ${ingress.map((p) => objectKey(p as KubeObject)).join(", ")}`,
          };
        }
      }
    }
    return { allowed: true, reason: "allowed" };
  }

  allowed(source: Endpoint, destination: Endpoint, port: number, protocol = "TCP"): boolean {
    return this.explain(source, destination, port, protocol).allowed;
  }

  /** Pods no policy selects for ingress: open to everything in the cluster. */
  unprotectedPods(pods: readonly PodInfo[]): PodInfo[] {
    return pods.filter((pod) => this.selecting(pod, "Ingress").length === 0);
  }
}
