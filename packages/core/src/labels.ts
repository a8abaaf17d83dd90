import { z } from "zod";
import type { BuildContext } from "./component.js";
import type { ObjectMeta } from "./k8s.js";

export const PART_OF = "materialize-monitoring";
export const MANAGED_BY = "materialize-monitoring";
export const MAX_NAME_LENGTH = 63;

/** Label keys of the recommended Kubernetes label set. */
export const LABEL = {
  name: "app.kubernetes.io/name",
  instance: "app.kubernetes.io/instance",
  component: "app.kubernetes.io/component",
  partOf: "app.kubernetes.io/part-of",
  version: "app.kubernetes.io/version",
  managedBy: "app.kubernetes.io/managed-by",
} as const;

export interface LabelParts {
  /** The application, e.g. `loki`. */
  name: string;
  /** The role inside it, e.g. `write`; omitted for single-role apps. */
  component?: string;
  /** The version being run, usually the image tag. Never part of a selector. */
  version?: string;
}

/**
 * Labels used in selectors. They never include the version, so an upgrade
 * does not orphan pods or break a Service.
 */
export function selectorLabels(ctx: BuildContext, parts: LabelParts): Record<string, string> {
  return {
    [LABEL.name]: parts.name,
    [LABEL.instance]: ctx.instance,
    ...(parts.component ? { [LABEL.component]: parts.component } : {}),
  };
}

/** Selector labels plus part-of, version, managed-by and the context's common labels. */
export function standardLabels(ctx: BuildContext, parts: LabelParts): Record<string, string> {
  return {
    ...ctx.commonLabels,
    ...selectorLabels(ctx, parts),
    [LABEL.partOf]: PART_OF,
    ...(parts.version ? { [LABEL.version]: labelValue(parts.version) } : {}),
    [LABEL.managedBy]: MANAGED_BY,
  };
}

/** A label value: at most 63 characters of `[A-Za-z0-9._-]`, alphanumeric at both ends. */
export function labelValue(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, MAX_NAME_LENGTH);
  return cleaned.replace(/^[^A-Za-z0-9]+/, "").replace(/[^A-Za-z0-9]+$/, "");
}

/**
 * A DNS-1123 resource name from parts, e.g. `resourceName(ctx, "loki", "write")`
 * gives `loki-write` (with the context's name prefix in front when set).
 * Names are cut to 63 characters without hash suffixes, so they stay readable
 * and stable; a collision from cutting is caught by the render's duplicate check.
 */
export function resourceName(ctx: Pick<BuildContext, "namePrefix">, ...parts: string[]): string {
  const joined = [ctx.namePrefix, ...parts]
    .filter((p): p is string => Boolean(p))
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/-+/g, "-");
  return joined.slice(0, MAX_NAME_LENGTH).replace(/^-+/, "").replace(/-+$/, "");
}

export interface MetaOptions extends LabelParts {
  /** The object name; defaults to `resourceName(ctx, name, component)`. */
  objectName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Cluster-scoped objects carry no namespace. */
  clusterScoped?: boolean;
  /** Namespace override, for objects that live outside the stack's namespace. */
  namespace?: string;
}

/** Object metadata with name, namespace and the standard labels. */
export function objectMeta(ctx: BuildContext, options: MetaOptions): ObjectMeta & { name: string } {
  const name = options.objectName ?? resourceName(ctx, options.name, options.component ?? "");
  return {
    name,
    ...(options.clusterScoped ? {} : { namespace: options.namespace ?? ctx.namespace }),
    labels: { ...standardLabels(ctx, options), ...options.labels },
    ...(options.annotations && Object.keys(options.annotations).length > 0
      ? { annotations: { ...options.annotations } }
      : {}),
  };
}

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a Kubernetes label key, or undefined when it is one. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)))
    return `label key prefix "${prefix}" is not a DNS subdomain (lowercase letters, digits, '-' and '.', at most 253 characters)`;
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name))
    return `label key "${key}" must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (an optional prefix/ before it)`;
  return undefined;
}

/** Why `value` is not a Kubernetes label value, or undefined when it is one. */
export function labelValueProblem(value: string): string | undefined {
  if (value === "") return undefined;
  if (value.length > 63 || !LABEL_NAME.test(value))
    return "a label value is empty or at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  return undefined;
}

/**
 * A Prometheus label name (also an alert annotation name): letters, digits
 * and `_`, not starting with a digit, as Prometheus, Thanos and Loki's ruler
 * take them without the UTF-8 name scheme.
 */
export const promLabelNameSchema = z
  .string()
  .max(128, "a label name of at most 128 characters")
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "not a Prometheus label name (letters, digits, _)");

/** One Kubernetes label key (an optional DNS-subdomain prefix and `/`, then a name). */
export const labelKeySchema = z.string().superRefine((key, ctx) => {
  const problem = labelKeyProblem(key);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** One Kubernetes label value (empty, or a name of at most 63 characters). */
export const labelValueSchema = z.string().superRefine((value, ctx) => {
  const problem = labelValueProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** A map of Kubernetes labels: keys and values the API server accepts. */
export const labelsSchema = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
  for (const [key, value] of Object.entries(labels)) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) ctx.addIssue({ code: "custom", path: [key], message: keyProblem });
    const valueProblem = labelValueProblem(value);
    if (valueProblem) ctx.addIssue({ code: "custom", path: [key], message: valueProblem });
  }
});

/** The API server's bound on all annotations of one object together. */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/**
 * A map of Kubernetes annotations: keys follow the label key rule, values are
 * free text (YAML output escapes what needs it) and all of them together stay
 * under the API server's 256 KiB.
 */
export const annotationsSchema = z
  .record(z.string(), z.string())
  .superRefine((annotations, ctx) => {
    let bytes = 0;
    for (const [key, value] of Object.entries(annotations)) {
      const keyProblem = labelKeyProblem(key)?.replace(/^label key/, "annotation key");
      if (keyProblem) ctx.addIssue({ code: "custom", path: [key], message: keyProblem });
      bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    }
    if (bytes > MAX_ANNOTATIONS_BYTES) {
      ctx.addIssue({
        code: "custom",
        message: `annotations total ${bytes} bytes where the API server takes at most ${MAX_ANNOTATIONS_BYTES}; shorten them`,
      });
    }
  });
