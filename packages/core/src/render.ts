import { Document, visit } from "yaml";
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
 * Characters YAML readers treat as line breaks or refuse as unprintable
 * (U+0085, U+2028, U+2029, the other C1 controls, a BOM, DEL), and characters
 * beyond the Basic Multilingual Plane, which older readers (PyYAML before 5.1)
 * refuse as unprintable. A string holding one is
 * written double-quoted with the character escaped, so every parser reads
 * back the same text (go-yaml and PyYAML would break a plain or block scalar there).
 */
const UNSAFE = /[\u007f-\u009f\u2028\u2029\ufeff\u{10000}-\u{10ffff}]/u;
const UNSAFE_GLOBAL = /[\u007f-\u009f\u2028\u2029\ufeff\u{10000}-\u{10ffff}]/gu;

function escapeUnsafe(ch: string): string {
  if (ch === "\u2028") return "\\L";
  if (ch === "\u2029") return "\\P";
  if (ch === "\u0085") return "\\N";
  const code = ch.codePointAt(0) ?? 0;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, "0")}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, "0")}`;
  return `\\U${code.toString(16).padStart(8, "0")}`;
}

const STRINGIFY = { lineWidth: 0, minContentWidth: 0, indentSeq: true } as const;

/** One YAML document's text, with unsafe characters only ever inside escaped double quotes. */
function yamlText(value: unknown): string {
  const doc = new Document(clean(value), { version: "1.1", aliasDuplicateObjects: false });
  let unsafe = false;
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === "string" && UNSAFE.test(node.value)) {
        node.type = "QUOTE_DOUBLE";
        unsafe = true;
      }
    },
  });
  const text = doc.toString(STRINGIFY);
  // Every such character now sits inside a double-quoted scalar, where these escapes are valid.
  return unsafe ? text.replace(UNSAFE_GLOBAL, escapeUnsafe) : text;
}

/**
 * YAML 1.1-safe output for Kubernetes: strings that a YAML 1.1 parser would
 * read as booleans, numbers or null (`on`, `yes`, `0755`, `~`) are quoted,
 * no anchors or aliases, long strings are not folded.
 */
export function toYaml(value: unknown): string {
  return yamlText(value);
}

/** One multi-document YAML stream in apply order. */
export function toYamlStream(objects: readonly KubeObject[]): string {
  return sortForApply(objects)
    .map((object) => {
      return `---\n${yamlText(object)}`;
    })
    .join("");
}

/** A `v1 List` in apply order, as JSON. */
export function toJson(objects: readonly KubeObject[]): string {
  return `${JSON.stringify({ apiVersion: "v1", kind: "List", items: clean(sortForApply(objects)) }, null, 2)}\n`;
}
