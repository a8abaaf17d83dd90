import { Document, stringify } from "yaml";
import { valuesError } from "./errors.js";
import type { KubeObject } from "./k8s.js";
import { objectKey } from "./k8s.js";

/**
 * Apply order: what others depend on goes first. Namespaces and CRDs form
 * the `setup` group; custom resources come last, after their operators.
 */
const KIND_ORDER: readonly string[] = [
  "Namespace",
  "CustomResourceDefinition",
  "PriorityClass",
  "ServiceAccount",
  "ClusterRole",
  "ClusterRoleBinding",
  "Role",
  "RoleBinding",
  "Secret",
  "ConfigMap",
  "PersistentVolumeClaim",
  "Service",
  "APIService",
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "HorizontalPodAutoscaler",
  "PodDisruptionBudget",
  "NetworkPolicy",
  "Ingress",
  "HTTPRoute",
];

/** Kinds of the built-in API groups; anything else is a custom resource and goes last. */
const BUILTIN_GROUPS = new Set([
  "v1",
  "apps/v1",
  "batch/v1",
  "policy/v1",
  "autoscaling/v2",
  "networking.k8s.io/v1",
  "rbac.authorization.k8s.io/v1",
  "scheduling.k8s.io/v1",
  "apiextensions.k8s.io/v1",
  "apiregistration.k8s.io/v1",
  "gateway.networking.k8s.io/v1",
]);

export function applyRank(object: Pick<KubeObject, "apiVersion" | "kind">): number {
  if (!BUILTIN_GROUPS.has(object.apiVersion)) return KIND_ORDER.length + 1;
  const index = KIND_ORDER.indexOf(object.kind);
  return index === -1 ? KIND_ORDER.length : index;
}

export type RenderGroup = "setup" | "main";

/** Namespaces and CRDs are applied first, in a group of their own. */
export function renderGroup(object: Pick<KubeObject, "kind">): RenderGroup {
  return object.kind === "Namespace" || object.kind === "CustomResourceDefinition"
    ? "setup"
    : "main";
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts objects into apply order; ties are broken by kind, namespace and name so the order is canonical. */
export function sortForApply(objects: readonly KubeObject[]): KubeObject[] {
  return [...objects].sort(
    (a, b) =>
      applyRank(a) - applyRank(b) ||
      compare(a.kind, b.kind) ||
      compare(a.metadata.namespace ?? "", b.metadata.namespace ?? "") ||
      compare(a.metadata.name, b.metadata.name),
  );
}

/** Two objects with the same kind, namespace and name would overwrite each other on apply. */
export function assertUnique(objects: readonly KubeObject[]): void {
  const seen = new Set<string>();
  for (const object of objects) {
    const key = `${object.apiVersion}/${objectKey(object)}`;
    if (seen.has(key)) {
      throw valuesError(
        key,
        "rendered twice",
        "two components produce an object with the same kind, namespace and name; change a name prefix or disable one",
      );
    }
    seen.add(key);
  }
}

/** Drops `undefined` fields so YAML and JSON output agree. */
function clean<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * YAML 1.1-safe output for Kubernetes: strings that a YAML 1.1 parser would
 * read as booleans, numbers or null (`on`, `yes`, `0755`, `~`) are quoted,
 * no anchors or aliases, long strings are not folded.
 */
export function toYaml(value: unknown): string {
  return stringify(clean(value), {
    version: "1.1",
    aliasDuplicateObjects: false,
    lineWidth: 0,
    minContentWidth: 0,
    indentSeq: true,
  });
}

/** One multi-document YAML stream in apply order. */
export function toYamlStream(objects: readonly KubeObject[]): string {
  return sortForApply(objects)
    .map((object) => {
      const doc = new Document(clean(object), { version: "1.1", aliasDuplicateObjects: false });
      return `---\n${doc.toString({ lineWidth: 0, minContentWidth: 0, indentSeq: true })}`;
    })
    .join("");
}

/** A `v1 List` in apply order, as JSON. */
export function toJson(objects: readonly KubeObject[]): string {
  return `${JSON.stringify({ apiVersion: "v1", kind: "List", items: clean(sortForApply(objects)) }, null, 2)}\n`;
}
