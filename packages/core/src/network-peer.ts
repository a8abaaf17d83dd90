import { z } from "zod";
import type { NetworkPolicyPeer } from "./k8s.js";

const labels = z.record(z.string(), z.string());

/**
 * A NetworkPolicy peer as a value: pods by labels (in this namespace, in a
 * namespace by name, or in namespaces by labels), or an IP block. The
 * umbrella fills these from other components' endpoints.
 */
export const networkPeerSchema = z
  .strictObject({
    podLabels: labels.optional().describe("pods with these labels"),
    namespace: z.string().min(1).optional().describe("in the namespace with this name"),
    namespaceLabels: labels
      .optional()
      .describe("in namespaces with these labels ({} selects every namespace)"),
    cidr: z.string().min(1).optional().describe("an IP block instead of pods, e.g. 10.0.0.0/16"),
    except: z.array(z.string()).optional().describe("IP blocks cut out of `cidr`"),
  })
  .superRefine((peer, ctx) => {
    const selects = peer.podLabels || peer.namespace || peer.namespaceLabels;
    if (peer.cidr && selects) {
      ctx.addIssue({
        code: "custom",
        message: "`cidr` cannot be combined with pod or namespace selectors",
      });
    }
    if (!peer.cidr && !selects) {
      ctx.addIssue({
        code: "custom",
        message: "a peer needs podLabels, namespace, namespaceLabels or cidr",
      });
    }
    if (peer.namespace && peer.namespaceLabels) {
      ctx.addIssue({ code: "custom", message: "use either `namespace` or `namespaceLabels`" });
    }
    if (peer.except && !peer.cidr) {
      ctx.addIssue({ code: "custom", message: "`except` needs `cidr`" });
    }
  });
export type NetworkPeer = z.output<typeof networkPeerSchema>;
export type NetworkPeerInput = z.input<typeof networkPeerSchema>;

/**
 * A peer value as a Kubernetes NetworkPolicyPeer. A peer without `namespace`
 * or `namespaceLabels` selects pods in the policy's own namespace, so no
 * namespace is needed here.
 */
export function toNetworkPolicyPeer(peer: NetworkPeer): NetworkPolicyPeer {
  if (peer.cidr) {
    return {
      ipBlock: { cidr: peer.cidr, ...(peer.except?.length ? { except: peer.except } : {}) },
    };
  }
  const namespaceSelector = peer.namespace
    ? { matchLabels: { "kubernetes.io/metadata.name": peer.namespace } }
    : peer.namespaceLabels
      ? { matchLabels: { ...peer.namespaceLabels } }
      : undefined;
  return {
    ...(peer.podLabels ? { podSelector: { matchLabels: { ...peer.podLabels } } } : {}),
    ...(namespaceSelector ? { namespaceSelector } : {}),
  };
}
