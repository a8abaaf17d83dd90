import type { KubeObject } from "@materialize-monitoring/core";
import { APPLYSET_PART_OF_LABEL, type ApplySet } from "./applyset.js";
import { KubeApiError } from "./client.js";
import { describeError } from "./errors.js";
import {
  formatRef,
  groupKind,
  groupOf,
  identity,
  type LiveObject,
  type ObjectRef,
  type ResourceApi,
  type ResourceInfo,
  refOf,
} from "./resources.js";
import { GENERATED_SECRET_LABEL } from "./secrets.js";

/**
 * Data safety: what apply, prune and uninstall refuse to take over or to
 * delete unless a flag names the object.
 *
 * - An object that existed without this install's ApplySet label is not ours:
 *   a Namespace is used (applied without the label, so it never becomes a
 *   member) and never deleted; any other kind is refused unless `--adopt`
 *   names it.
 * - A PersistentVolumeClaim of this install is deleted only when
 *   `--delete-pvc NAMESPACE/NAME` names it. PVCs a StatefulSet controller
 *   made from volumeClaimTemplates are never deleted by this tool, and a
 *   StatefulSet whose retention policy would delete them is kept.
 * - A Namespace of this install is deleted (uninstall --include-namespaces)
 *   only when nothing would be left in it but what the same run deletes.
 */

export const ADOPT_FLAG = "--adopt";
export const DELETE_PVC_FLAG = "--delete-pvc";

/** An object named on the command line: `Kind[.group]/NAMESPACE/NAME`, or `Kind[.group]/NAME`. */
export interface ObjectName {
  kind: string;
  group?: string;
  namespace?: string;
  name: string;
}

export function isNamespace(ref: Pick<ObjectRef, "apiVersion" | "kind">): boolean {
  return ref.kind === "Namespace" && ref.apiVersion === "v1";
}

export function isPvc(ref: Pick<ObjectRef, "apiVersion" | "kind">): boolean {
  return ref.kind === "PersistentVolumeClaim" && groupOf(ref.apiVersion) === "";
}

/** Parses an `--adopt` argument. Namespaces cannot be adopted: they are used, never owned. */
export function parseAdopt(text: string): ObjectName {
  const parts = text.split("/");
  if ((parts.length !== 2 && parts.length !== 3) || parts.some((part) => part.trim() === "")) {
    throw new Error(
      `expected KIND/NAMESPACE/NAME, or KIND/NAME for a cluster-scoped object (e.g. ConfigMap/monitoring/loki-config), not "${text}"`,
    );
  }
  const [kindPart = "", first = "", second] = parts;
  const dot = kindPart.indexOf(".");
  const kind = dot === -1 ? kindPart : kindPart.slice(0, dot);
  const group = dot === -1 ? undefined : kindPart.slice(dot + 1);
  if (kind.toLowerCase() === "namespace" && !group) {
    throw new Error(
      "namespaces are never adopted: a namespace that existed before the install is used, never owned, so nothing ever deletes it",
    );
  }
  return {
    kind,
    ...(group ? { group } : {}),
    ...(second === undefined ? { name: first } : { namespace: first, name: second }),
  };
}

/** Parses a `--delete-pvc` argument, `NAMESPACE/NAME`, into the key `pvcKey` makes. */
export function parseDeletePvc(text: string): string {
  const parts = text.split("/");
  if (parts.length !== 2 || parts.some((part) => part.trim() === "")) {
    throw new Error(
      `expected NAMESPACE/NAME of a PersistentVolumeClaim (e.g. monitoring/grafana), not "${text}"`,
    );
  }
  return parts.join("/");
}

export function pvcKey(ref: Pick<ObjectRef, "namespace" | "name">): string {
  return `${ref.namespace ?? ""}/${ref.name}`;
}

/** The `--adopt` argument that names this object. */
export function adoptArgument(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

export function matchesName(name: ObjectName, ref: ObjectRef): boolean {
  return (
    name.kind.toLowerCase() === ref.kind.toLowerCase() &&
    (name.group === undefined || name.group === groupOf(ref.apiVersion)) &&
    (name.namespace ?? "") === (ref.namespace ?? "") &&
    name.name === ref.name
  );
}

export function formatName(name: ObjectName): string {
  return `${name.kind}${name.group ? `.${name.group}` : ""}/${name.namespace ? `${name.namespace}/` : ""}${name.name}`;
}

// --- messages -------------------------------------------------------------------------------

export const USED_NAMESPACE_MESSAGE =
  "existed before this install: used, not owned (applied without the ApplySet label, so prune and uninstall never delete it)";

export const USED_NAMESPACE_KEPT =
  "existed before this install: used, never owned, never deleted (not even with --include-namespaces)";

export function collisionMessage(ref: ObjectRef): string {
  return (
    `exists but was not created by this install (no ${APPLYSET_PART_OF_LABEL} label); not changed. ` +
    `To take it over (prune and uninstall may then delete it), re-run with ${ADOPT_FLAG} ${adoptArgument(ref)}; or delete or rename it`
  );
}

export const ADOPTED_MESSAGE = `adopted (${ADOPT_FLAG}): it existed without the ApplySet label and is now part of this install`;

export function pvcKeptReason(ref: ObjectRef): string {
  return `holds data; deleted only when named: ${DELETE_PVC_FLAG} ${pvcKey(ref)}`;
}

export const STATEFULSET_DELETES_CLAIMS =
  "its persistentVolumeClaimRetentionPolicy.whenDeleted is Delete, so deleting it would delete its PersistentVolumeClaims; " +
  "set whenDeleted: Retain and apply, or delete it yourself";

export function claimKeptReason(statefulSet: ObjectRef, claim: ObjectRef): string {
  return (
    `created by StatefulSet ${statefulSet.namespace}/${statefulSet.name} from its volumeClaimTemplates; ` +
    `never deleted by materialize-monitoring (kubectl delete pvc -n ${claim.namespace} ${claim.name} if its data is no longer needed)`
  );
}

// --- ownership of an existing object ----------------------------------------------------------

export type Ownership =
  /** Not there yet, or already ours: applied as rendered (with the ApplySet label). */
  | { decision: "apply"; object: KubeObject; note?: string }
  /** Not applied: it is someone else's. */
  | { decision: "refuse"; message: string };

/**
 * What apply (and diff) do with a rendered, labelled object given the live
 * one: a Namespace that exists without this ApplySet's label is applied
 * without the label (used, not owned); another kind without any ApplySet
 * label is refused unless `--adopt` names it; an object of another ApplySet is
 * refused unless --force-conflicts (a Namespace is then still only used).
 */
export function ownershipOf(
  object: KubeObject,
  live: LiveObject | undefined,
  set: ApplySet,
  options: { adopt?: readonly ObjectName[]; forceConflicts?: boolean },
): Ownership {
  if (!live) return { decision: "apply", object };
  const owner = live.metadata.labels?.[APPLYSET_PART_OF_LABEL];
  if (owner === set.id) return { decision: "apply", object };
  const ref = refOf(object);
  if (owner !== undefined && !options.forceConflicts) {
    return {
      decision: "refuse",
      message: `belongs to another ApplySet (${APPLYSET_PART_OF_LABEL}=${owner}); not changed (--force-conflicts takes it over)`,
    };
  }
  if (isNamespace(ref)) {
    const labels = { ...object.metadata.labels };
    delete labels[APPLYSET_PART_OF_LABEL];
    return {
      decision: "apply",
      object: { ...object, metadata: { ...object.metadata, labels } } as KubeObject,
      note: USED_NAMESPACE_MESSAGE,
    };
  }
  if (owner !== undefined) return { decision: "apply", object };
  if (options.adopt?.some((name) => matchesName(name, ref)))
    return { decision: "apply", object, note: ADOPTED_MESSAGE };
  return { decision: "refuse", message: collisionMessage(ref) };
}

/** `--adopt` arguments that name no rendered object, as warnings. */
export function unusedAdoptWarnings(
  adopt: readonly ObjectName[],
  rendered: readonly ObjectRef[],
): string[] {
  return adopt
    .filter((name) => !rendered.some((ref) => matchesName(name, ref)))
    .map(
      (name) =>
        `${ADOPT_FLAG} ${formatName(name)} names no rendered object (KIND/NAMESPACE/NAME, or KIND/NAME for cluster-scoped kinds); nothing adopted for it`,
    );
}

/** `--delete-pvc` arguments that delete nothing, as warnings saying why. */
export function unusedPvcWarnings(
  named: readonly string[],
  deleting: readonly ObjectRef[],
  rendered: readonly ObjectRef[],
  claims: readonly { ref: ObjectRef }[],
): string[] {
  const warnings: string[] = [];
  for (const key of new Set(named)) {
    if (deleting.some((ref) => isPvc(ref) && pvcKey(ref) === key)) continue;
    const why = rendered.some((ref) => isPvc(ref) && pvcKey(ref) === key)
      ? "it is still rendered"
      : claims.some((claim) => pvcKey(claim.ref) === key)
        ? "it was created by a StatefulSet from its volumeClaimTemplates, and those are never deleted by materialize-monitoring"
        : "no PersistentVolumeClaim of this install has that name (not found, or not created by this install)";
    warnings.push(`${DELETE_PVC_FLAG} ${key}: not deleted: ${why}`);
  }
  return warnings;
}

// --- StatefulSet claims -----------------------------------------------------------------------

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

function isStatefulSet(ref: Pick<ObjectRef, "apiVersion" | "kind">): boolean {
  return ref.kind === "StatefulSet" && groupOf(ref.apiVersion) === "apps";
}

/** A StatefulSet whose controller deletes its PVCs when it is deleted. */
export function deletesClaims(object: LiveObject): boolean {
  if (!isStatefulSet(object)) return false;
  const policy = record(record(object.spec).persistentVolumeClaimRetentionPolicy);
  return policy.whenDeleted === "Delete";
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The PVCs the StatefulSet controller made from the volumeClaimTemplates of
 * these StatefulSets (`<template>-<statefulset>-<ordinal>`), to report as kept:
 * they are not ApplySet members and deleting the StatefulSet leaves them.
 */
export async function statefulSetClaims(
  api: ResourceApi,
  objects: readonly LiveObject[],
): Promise<{ kept: { ref: ObjectRef; reason: string }[]; warnings: string[] }> {
  const kept: { ref: ObjectRef; reason: string }[] = [];
  const warnings: string[] = [];
  const statefulSets = objects.filter((object) => isStatefulSet(object));
  const byNamespace = new Map<string, LiveObject[] | Error>();
  for (const statefulSet of statefulSets) {
    const templates = record(statefulSet.spec).volumeClaimTemplates;
    if (!Array.isArray(templates) || templates.length === 0) continue;
    const ref = refOf(statefulSet);
    const namespace = ref.namespace ?? "";
    if (!byNamespace.has(namespace)) {
      try {
        const info = await api.info({ apiVersion: "v1", kind: "PersistentVolumeClaim" });
        byNamespace.set(namespace, await api.list(info, { namespace }));
      } catch (error) {
        byNamespace.set(namespace, new Error(describeError(error)));
      }
    }
    const claims = byNamespace.get(namespace);
    if (claims instanceof Error || claims === undefined) {
      warnings.push(
        `could not list the PersistentVolumeClaims of ${formatRef(ref)} (${claims?.message ?? "unknown error"}); materialize-monitoring does not delete them either way`,
      );
      continue;
    }
    for (const template of templates) {
      const name = record(record(template).metadata).name;
      if (typeof name !== "string") continue;
      const pattern = new RegExp(`^${escapeRegExp(`${name}-${ref.name}-`)}\\d+$`);
      for (const claim of claims.filter((c) => pattern.test(c.metadata.name))) {
        const claimRef = refOf(claim);
        kept.push({ ref: claimRef, reason: claimKeptReason(ref, claimRef) });
      }
    }
  }
  return { kept, warnings };
}

// --- what is left in a namespace ---------------------------------------------------------------

interface DiscoveredResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
}

/** Kinds that hold no one's data: derived from other objects, or records of events and leader elections. */
const DERIVED_KINDS = new Set([
  "Event",
  "Event.events.k8s.io",
  "Endpoints",
  "Lease.coordination.k8s.io",
]);

/** Objects Kubernetes (or OpenShift) creates in every namespace. */
const NAMESPACE_DEFAULTS = new Set([
  "ServiceAccount/default",
  "ConfigMap/kube-root-ca.crt",
  "ConfigMap/openshift-service-ca.crt",
]);

function ignorable(object: LiveObject): boolean {
  if ((object.metadata.ownerReferences ?? []).length > 0) return true;
  if (object.metadata.deletionTimestamp) return true;
  if (DERIVED_KINDS.has(groupKind(object))) return true;
  if (NAMESPACE_DEFAULTS.has(`${groupKind(object)}/${object.metadata.name}`)) return true;
  return (
    groupKind(object) === "Secret" &&
    (object as { type?: unknown }).type === "kubernetes.io/service-account-token"
  );
}

export interface NamespaceContents {
  /** Objects that would be left, e.g. `ConfigMap monitoring/user-config`. */
  leftovers: string[];
  /** Kinds that could not be listed: nothing is known about them. */
  unknown: string[];
}

/**
 * Lists every namespaced kind the API server serves (preferred versions,
 * listable and deletable ones) in each namespace and returns what would be
 * left after deleting `deleting` (identities): the objects a namespace's
 * deletion would take with it. Objects with owner references (their owner is
 * deleted or is itself listed), objects already being deleted, Events,
 * Endpoints, Leases and the namespace defaults (ServiceAccount default,
 * ConfigMap kube-root-ca.crt, service-account token Secrets) do not count.
 */
export async function namespaceContents(
  api: ResourceApi,
  namespaces: readonly string[],
  deleting: ReadonlySet<string>,
): Promise<Map<string, NamespaceContents>> {
  const result = new Map<string, NamespaceContents>();
  if (namespaces.length === 0) return result;
  const resources: ResourceInfo[] = [];
  const unknown: string[] = [];
  const groupVersions = ["v1"];
  try {
    const groups = await api.client.request<{
      groups?: { name: string; preferredVersion?: { groupVersion: string } }[];
    }>({ method: "GET", path: "/apis" });
    for (const group of groups.groups ?? [])
      if (group.preferredVersion) groupVersions.push(group.preferredVersion.groupVersion);
  } catch (error) {
    unknown.push(`API groups (${describeError(error)})`);
  }
  for (const groupVersion of groupVersions) {
    let list: { resources?: DiscoveredResource[] };
    try {
      list = await api.client.request({
        method: "GET",
        path: groupVersion.includes("/") ? `/apis/${groupVersion}` : `/api/${groupVersion}`,
      });
    } catch (error) {
      if (error instanceof KubeApiError && error.statusCode === 404) continue;
      unknown.push(`${groupVersion} (${describeError(error)})`);
      continue;
    }
    const slash = groupVersion.indexOf("/");
    const group = slash === -1 ? "" : groupVersion.slice(0, slash);
    const version = slash === -1 ? groupVersion : groupVersion.slice(slash + 1);
    for (const resource of list.resources ?? []) {
      if (!resource.namespaced || resource.name.includes("/")) continue;
      const verbs = resource.verbs ?? ["list", "delete"];
      if (!verbs.includes("list") || !verbs.includes("delete")) continue;
      if (DERIVED_KINDS.has(group ? `${resource.kind}.${group}` : resource.kind)) continue;
      resources.push({
        group,
        version,
        kind: resource.kind,
        plural: resource.name,
        namespaced: true,
      });
    }
  }
  for (const namespace of namespaces) {
    const contents: NamespaceContents = { leftovers: [], unknown: [...unknown] };
    for (const resource of resources) {
      let items: LiveObject[];
      try {
        items = await api.list(resource, { namespace });
      } catch (error) {
        if (error instanceof KubeApiError && error.statusCode === 404) continue;
        contents.unknown.push(
          `${resource.group ? `${resource.kind}.${resource.group}` : resource.kind} (${describeError(error)})`,
        );
        continue;
      }
      for (const item of items) {
        const ref = refOf(item);
        if (deleting.has(identity(ref)) || ignorable(item)) continue;
        const generated = item.metadata.labels?.[GENERATED_SECRET_LABEL] === "true";
        contents.leftovers.push(
          `${formatRef(ref)}${generated ? " (generated by --create-missing-secrets)" : ""}`,
        );
      }
    }
    result.set(namespace, contents);
  }
  return result;
}

/** Why a namespace of this install is kept, or undefined when nothing would be left in it. */
export function namespaceKeptReason(contents: NamespaceContents | undefined): string | undefined {
  if (!contents) return undefined;
  if (contents.leftovers.length > 0) {
    const shown = contents.leftovers.slice(0, 5).join(", ");
    const more = contents.leftovers.length > 5 ? ` and ${contents.leftovers.length - 5} more` : "";
    return `still holds objects this uninstall does not delete: ${shown}${more}; deleting the namespace would delete them (delete them, or the namespace, yourself)`;
  }
  if (contents.unknown.length > 0) {
    return `could not check what else it holds (${contents.unknown.slice(0, 3).join(", ")}${contents.unknown.length > 3 ? ", ..." : ""}); delete it yourself once you know it is empty`;
  }
  return undefined;
}
