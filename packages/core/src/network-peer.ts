import { z } from "zod";
import { cidrSchema } from "./cidr.js";
import type { NetworkPolicyPeer } from "./k8s.js";
import { labelsSchema } from "./labels.js";
import { namespacePeer, podPeer } from "./objects.js";

const labels = labelsSchema;

/** A namespace name: a lower-case DNS label. */
export const namespaceNameSchema = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    "must be a Kubernetes namespace name (lower-case DNS label)",
  )
  .max(63);

/**
 * A NetworkPolicy peer as a value: pods by labels (in this namespace, in a
 * namespace by name, or in namespaces by labels), or an IP block. The
 * umbrella fills these from other components' endpoints.
 */
export const networkPeerSchema = z
  .strictObject({
    /** pods with these labels */
    podLabels: labels.optional().describe("pods with these labels"),
    /** in the namespace with this name */
    namespace: namespaceNameSchema.optional().describe("in the namespace with this name"),
    /** in namespaces with these labels ({} selects every namespace) */
    namespaceLabels: labels
      .optional()
      .describe("in namespaces with these labels ({} selects every namespace)"),
    /** an IP block instead of pods, e.g. 10.0.0.0/16 */
    cidr: cidrSchema.optional().describe("an IP block instead of pods, e.g. 10.0.0.0/16"),
    /** IP blocks cut out of `cidr` */
    except: z.array(cidrSchema).optional().describe("IP blocks cut out of `cidr`"),
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

const labelSelectorMap = labelsSchema;

/**
 * Pods that a NetworkPolicy admits or lets out to, selected by a non-empty
 * set of pod labels, in the namespace `namespace` (by name) or the namespaces
 * `namespaceLabels` select; the policy owner's default namespace when neither.
 */
export const podNetworkPeerSchema = z.strictObject({
  /** pod label selector */
  podLabels: labelSelectorMap
    .refine((labels) => Object.keys(labels).length > 0, {
      message: "at least one pod label is required (an empty selector would admit every pod)",
    })
    .describe("pod label selector"),
  /** the peer's namespace by name */
  namespace: namespaceNameSchema.optional().describe("the peer's namespace by name"),
  /** namespace labels of the peer */
  namespaceLabels: labelSelectorMap.optional().describe("namespace labels of the peer"),
});
export type PodNetworkPeer = z.output<typeof podNetworkPeerSchema>;

/**
 * A pod peer as a NetworkPolicyPeer. `ownNamespace` is where the policy lives
 * (a peer there needs no namespace selector); `defaultNamespace` is the
 * namespace a peer without one is in (the stack's, which may differ from the
 * policy's own for node agents in a namespace of their own).
 */
export function toPodNetworkPolicyPeer(
  peer: PodNetworkPeer,
  ownNamespace: string,
  defaultNamespace: string = ownNamespace,
): NetworkPolicyPeer {
  if (peer.namespaceLabels) return podPeer(peer.podLabels, peer.namespaceLabels);
  const namespace = peer.namespace ?? defaultNamespace;
  return namespace === ownNamespace
    ? podPeer(peer.podLabels)
    : namespacePeer(namespace, peer.podLabels);
}
