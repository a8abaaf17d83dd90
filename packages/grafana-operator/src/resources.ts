import type { BuildContext, GenericKubeObject, SecretRef } from "@materialize-monitoring/core";
import {
  selectorMatches as coreSelectorMatches,
  objectMeta,
  selectorLabels,
  valuesError,
} from "@materialize-monitoring/core";
import { GRAFANA_API_VERSION } from "./version.js";

/** A Kubernetes label selector, as `spec.instanceSelector` takes it. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    values?: string[];
  }[];
}

/** The `app.kubernetes.io/component` of the `Grafana` custom resource our resources select. */
export const GRAFANA_INSTANCE_COMPONENT = "instance";

/**
 * Labels of the `Grafana` custom resource, and the `instanceSelector` of every
 * datasource, folder, dashboard and manifest: one function, so they cannot
 * drift apart.
 */
export function grafanaInstanceSelectorLabels(ctx: BuildContext): Record<string, string> {
  return selectorLabels(ctx, { name: "grafana", component: GRAFANA_INSTANCE_COMPONENT });
}

/** The `instanceSelector` that matches the `Grafana` custom resource `grafanaInstance(ctx, ...)` renders. */
export function grafanaInstanceSelector(ctx: BuildContext): LabelSelector {
  return { matchLabels: grafanaInstanceSelectorLabels(ctx) };
}

/**
 * Whether labels satisfy a selector (the semantics Kubernetes applies to
 * `instanceSelector`): core's `selectorMatches`, with this package's argument order.
 */
export function selectorMatches(
  labels: Record<string, string> | undefined,
  selector: LabelSelector,
): boolean {
  return coreSelectorMatches(selector, labels ?? {});
}

/** Options every instance-bound resource (datasource, folder, dashboard, manifest) takes. */
export interface InstanceResourceOptions {
  /** `metadata.name` of the custom resource. */
  name: string;
  /** Which Grafana instances get this resource; defaults to `grafanaInstanceSelector(ctx)`. */
  instanceSelector?: LabelSelector;
  /**
   * Match Grafana instances in other namespaces. Once true, turning it off
   * requires deleting and recreating the resource (a CEL rule of the CRDs).
   */
  allowCrossNamespaceImport?: boolean;
  /** How often the operator re-applies the resource, e.g. `10m` (operator default when unset). */
  resyncPeriod?: string;
  /** Extra labels and annotations on the custom resource. */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The GenericKubeObject shape of a grafana-operator custom resource with a typed spec. */
export interface GrafanaResource<K extends string, S> extends GenericKubeObject {
  apiVersion: typeof GRAFANA_API_VERSION;
  kind: K;
  spec: S;
}

/** The spec fields every instance-bound resource shares. */
export interface CommonSpec {
  instanceSelector: LabelSelector;
  allowCrossNamespaceImport?: boolean;
  resyncPeriod?: string;
  suspend?: boolean;
}

const UID_PATTERN = /^[a-zA-Z0-9-_]+$/;
const RESYNC_PATTERN = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;
const NAME_PATTERN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** A Grafana uid: at most 40 of `[a-zA-Z0-9-_]` (the CRDs' `spec.uid` rule). */
export function checkUid(path: string, uid: string): string {
  if (!UID_PATTERN.test(uid) || uid.length > 40) {
    throw valuesError(
      path,
      `"${uid}" is not a valid Grafana uid`,
      "use at most 40 characters of letters, digits, - and _",
    );
  }
  return uid;
}

/**
 * The uid for a resource that has none given: its name, if that is a valid
 * uid. Deterministic, so every render sets the same `spec.uid` (the CRDs
 * forbid adding, removing or changing it after creation).
 */
export function uidFromName(path: string, name: string): string {
  if (UID_PATTERN.test(name) && name.length <= 40) return name;
  throw valuesError(
    path,
    `no uid given and the name "${name}" is not usable as one`,
    "set an explicit uid: at most 40 characters of letters, digits, - and _",
  );
}

export function checkResourceName(path: string, name: string): string {
  if (!NAME_PATTERN.test(name) || name.length > 253) {
    throw valuesError(
      path,
      `"${name}" is not a valid Kubernetes object name`,
      "use lower-case letters, digits, - and ., starting and ending with a letter or digit",
    );
  }
  return name;
}

function checkResync(path: string, period: string | undefined): void {
  if (period !== undefined && !RESYNC_PATTERN.test(period)) {
    throw valuesError(path, `"${period}" is not a duration`, "examples: 30s, 10m, 1h");
  }
}

/**
 * Exactly-one-of / at-most-one-of checks for fields the CRDs only constrain
 * with CEL (`x-kubernetes-validations`): the API server would reject the
 * object at apply time, we reject it at render time with the same message.
 */
export function atMostOneOf(path: string, object: Record<string, unknown>, fields: string[]): void {
  const present = fields.filter((field) => object[field] !== undefined);
  if (present.length > 1) {
    throw valuesError(
      `${path}.${present.join("/")}`,
      `only one of ${fields.join(", ")} can be set`,
      `remove ${present.slice(1).join(", ")}`,
    );
  }
}

/** Metadata and the shared spec fields of an instance-bound resource. */
export function instanceResource<K extends string, S extends object>(
  ctx: BuildContext,
  kind: K,
  options: InstanceResourceOptions,
  spec: S,
): GrafanaResource<K, CommonSpec & S> {
  const path = `${kind}/${options.name}`;
  checkResourceName(`${path}.metadata.name`, options.name);
  checkResync(`${path}.resyncPeriod`, options.resyncPeriod);
  const instanceSelector = structuredClone(
    options.instanceSelector ?? grafanaInstanceSelector(ctx),
  );
  if (
    Object.keys(instanceSelector.matchLabels ?? {}).length === 0 &&
    (instanceSelector.matchExpressions ?? []).length === 0
  ) {
    throw valuesError(
      `${path}.instanceSelector`,
      "an empty instanceSelector matches every Grafana the operator sees",
      "select the Grafana instance by its labels (grafanaInstanceSelector(ctx))",
    );
  }
  const metadata = objectMeta(ctx, {
    name: "grafana",
    component: kindComponent(kind),
    objectName: options.name,
    ...(options.labels ? { labels: options.labels } : {}),
    ...(options.annotations ? { annotations: options.annotations } : {}),
  });
  return {
    apiVersion: GRAFANA_API_VERSION,
    kind,
    metadata,
    spec: {
      instanceSelector,
      ...(options.allowCrossNamespaceImport ? { allowCrossNamespaceImport: true } : {}),
      ...(options.resyncPeriod ? { resyncPeriod: options.resyncPeriod } : {}),
      ...spec,
    },
  };
}

/** `GrafanaDashboard` -> `dashboard`: the component label of a resource kind. */
function kindComponent(kind: string): string {
  return kind.replace(/^Grafana/, "").toLowerCase() || "instance";
}

/** A Secret key selector as the CRDs take it. */
export function secretKeySelector(ref: SecretRef): { name: string; key: string } {
  return { name: ref.name, key: ref.key };
}
