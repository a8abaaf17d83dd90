/**
 * `discovery.*` components: find targets in Kubernetes and rewrite their labels.
 */
import { defineComponent } from "../builder.js";
import { rule, type Schema } from "../schema.js";
import type {
  BoolValue,
  Expression,
  StringListValue,
  StringValue,
  TargetsValue,
} from "../values.js";
import {
  type HttpClientConfig,
  httpClientFields,
  type RelabelRule,
  relabelRuleFields,
} from "./common.js";
import { componentExports } from "./registry.js";

/** Kubernetes resource kinds `discovery.kubernetes` can watch. */
export type KubernetesRole = "node" | "pod" | "service" | "endpoints" | "endpointslice" | "ingress";

const ROLES: readonly KubernetesRole[] = [
  "node",
  "pod",
  "service",
  "endpoints",
  "endpointslice",
  "ingress",
];

/** `namespaces`: limit discovery to some namespaces (default: all). */
export interface KubernetesNamespaces {
  /** Include the namespace Alloy runs in. */
  readonly ownNamespace?: BoolValue;
  readonly names?: StringListValue;
}

/** `selectors`: label and field selectors for one role. */
export interface KubernetesSelector {
  readonly role: KubernetesRole | Expression<"string">;
  /** Label selector, e.g. `"app.kubernetes.io/name=materialize"`. */
  readonly label?: StringValue;
  /** Field selector, e.g. `"spec.nodeName=" + hostname`. */
  readonly field?: StringValue;
}

/** `attach_metadata`: attach node metadata to pod, endpoints and endpointslice targets. */
export interface KubernetesAttachMetadata {
  readonly node?: BoolValue;
}

/** Arguments of `discovery.kubernetes`. Exports `targets`. */
export interface DiscoveryKubernetesArgs extends HttpClientConfig {
  /** Kind of resource to discover. */
  readonly role: KubernetesRole | Expression<"string">;
  /** URL of the API server (default: in-cluster). */
  readonly apiServer?: StringValue;
  /** Path of a kubeconfig file. */
  readonly kubeconfigFile?: StringValue;
  readonly namespaces?: KubernetesNamespaces;
  readonly selectors?: readonly KubernetesSelector[];
  readonly attachMetadata?: KubernetesAttachMetadata;
}

const discoveryKubernetesFields = {
  role: rule.oneOf(ROLES, true),
  apiServer: rule.attr(),
  kubeconfigFile: rule.attr(),
  ...httpClientFields,
  namespaces: rule.block({
    ownNamespace: rule.attr(),
    names: rule.attr(),
  } satisfies Schema<KubernetesNamespaces>),
  selectors: rule.blocks({
    role: rule.oneOf(ROLES, true),
    label: rule.attr(),
    field: rule.attr(),
  } satisfies Schema<KubernetesSelector>),
  attachMetadata: rule.block({ node: rule.attr() } satisfies Schema<KubernetesAttachMetadata>),
} as const satisfies Schema<DiscoveryKubernetesArgs>;

/**
 * `discovery.kubernetes`: watches Kubernetes objects of one `role` and
 * exports them as `targets` with `__meta_kubernetes_*` labels.
 */
export const discoveryKubernetes = defineComponent<
  DiscoveryKubernetesArgs,
  (typeof componentExports)["discovery.kubernetes"]
>("discovery.kubernetes", discoveryKubernetesFields, componentExports["discovery.kubernetes"]);

/** Arguments of `discovery.relabel`. Exports `output` and `rules`. */
export interface DiscoveryRelabelArgs {
  /** Targets to relabel. */
  readonly targets: TargetsValue;
  /** Relabeling rules, applied in order. */
  readonly rule?: readonly RelabelRule[];
}

const discoveryRelabelFields = {
  targets: rule.required(),
  rule: rule.blocks(relabelRuleFields),
} as const satisfies Schema<DiscoveryRelabelArgs>;

/** `discovery.relabel`: rewrites (and filters) target label sets; exports `output`. */
export const discoveryRelabel = defineComponent<
  DiscoveryRelabelArgs,
  (typeof componentExports)["discovery.relabel"]
>("discovery.relabel", discoveryRelabelFields, componentExports["discovery.relabel"]);

/** The `discovery.*` namespace. */
export const discovery = {
  kubernetes: discoveryKubernetes,
  relabel: discoveryRelabel,
};
