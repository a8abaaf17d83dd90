import { createHash } from "node:crypto";
import type { KubeObject } from "@materialize-monitoring/core";
import { VERSION } from "../version.js";
import { FIELD_MANAGER } from "./client.js";
import { groupKind, type LiveObject } from "./resources.js";

/**
 * Ownership follows the ApplySet specification (KEP-3659, the labels kubectl's
 * `apply --applyset` uses): a parent Secret carries `applyset.kubernetes.io/id`,
 * the tooling annotation and hint annotations listing the group-kinds and
 * namespaces of its members; every member carries
 * `applyset.kubernetes.io/part-of: <id>`. Prune and uninstall only ever touch
 * objects with that label, so objects created by anyone else are never deleted.
 */
export const APPLYSET_ID_LABEL = "applyset.kubernetes.io/id";
export const APPLYSET_PART_OF_LABEL = "applyset.kubernetes.io/part-of";
export const APPLYSET_TOOLING_ANNOTATION = "applyset.kubernetes.io/tooling";
export const APPLYSET_GROUP_KINDS_ANNOTATION = "applyset.kubernetes.io/contains-group-kinds";
export const APPLYSET_NAMESPACES_ANNOTATION = "applyset.kubernetes.io/additional-namespaces";

export const TOOL_NAME = FIELD_MANAGER;

export interface ApplySetParentRef {
  name: string;
  namespace: string;
}

export interface ApplySet {
  /** `applyset-<base64url(sha256(name.namespace.Secret.))>-v1` */
  id: string;
  parent: ApplySetParentRef;
  /** `materialize-monitoring/v<version>` */
  tooling: string;
}

/** Something about the ApplySet parent is not ours to change; nothing was modified. */
export class ApplySetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ApplySetError";
  }
}

/** The parent's name for a stack instance, in the stack's namespace. */
export function defaultApplySetParent(instance: string, namespace: string): ApplySetParentRef {
  return { name: `${instance}-applyset`, namespace };
}

/**
 * The ApplySet ID of a parent Secret: the URL-safe, unpadded base64 of the
 * SHA-256 of `<name>.<namespace>.<kind>.<group>` (group "" for Secret),
 * wrapped in `applyset-…-v1` so it is a valid label value.
 */
export function applySetId(parent: ApplySetParentRef): string {
  const hash = createHash("sha256")
    .update(`${parent.name}.${parent.namespace}.Secret.`)
    .digest("base64url");
  return `applyset-${hash}-v1`;
}

export function createApplySet(parent: ApplySetParentRef, version = VERSION): ApplySet {
  return { id: applySetId(parent), parent, tooling: `${TOOL_NAME}/v${version}` };
}

/** `applyset.kubernetes.io/part-of=<id>`, the selector of every member. */
export function memberSelector(set: ApplySet): string {
  return `${APPLYSET_PART_OF_LABEL}=${set.id}`;
}

/**
 * Adds the part-of label to each object (new objects; inputs are unchanged).
 * An object that already names an ApplySet in its manifest is refused, as the
 * specification asks.
 */
export function labelMembers(objects: readonly KubeObject[], set: ApplySet): KubeObject[] {
  return objects.map((object) => {
    const existing = object.metadata.labels?.[APPLYSET_PART_OF_LABEL];
    if (existing !== undefined) {
      throw new ApplySetError(
        `${object.kind} ${object.metadata.name} already carries the label ${APPLYSET_PART_OF_LABEL}=${existing}; ` +
          "manifests must not set it, apply adds it",
      );
    }
    return {
      ...object,
      metadata: {
        ...object.metadata,
        labels: { ...object.metadata.labels, [APPLYSET_PART_OF_LABEL]: set.id },
      },
    } as KubeObject;
  });
}

export function isMember(object: { metadata: { labels?: Record<string, string> } }, set: ApplySet) {
  return object.metadata.labels?.[APPLYSET_PART_OF_LABEL] === set.id;
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].filter((v) => v !== "").sort();
}

/** The members' group-kinds, sorted, in the `Kind.group` format of the hint annotation. */
export function memberGroupKinds(
  objects: readonly { apiVersion: string; kind: string }[],
): string[] {
  return sortedUnique(objects.map((o) => groupKind(o)));
}

/** Namespaces of members other than the parent's, sorted. */
export function additionalNamespaces(
  objects: readonly { metadata: { namespace?: string } }[],
  set: ApplySet,
): string[] {
  return sortedUnique(
    objects
      .map((o) => o.metadata.namespace ?? "")
      .filter((namespace) => namespace !== set.parent.namespace),
  );
}

function splitList(value: string | undefined): string[] {
  return value ? sortedUnique(value.split(",").map((v) => v.trim())) : [];
}

export interface ParentState {
  exists: boolean;
  groupKinds: string[];
  additionalNamespaces: string[];
}

/**
 * Reads the hints of an existing parent, after checking it is ours: the ID
 * label must match the parent's identity and the tooling must be this tool
 * (any version). Another tool's ApplySet is refused, never rewritten.
 */
export function readParent(live: LiveObject | undefined, set: ApplySet): ParentState {
  if (!live) return { exists: false, groupKinds: [], additionalNamespaces: [] };
  const where = `Secret ${set.parent.namespace}/${set.parent.name}`;
  const id = live.metadata.labels?.[APPLYSET_ID_LABEL];
  if (id !== set.id) {
    throw new ApplySetError(
      id === undefined
        ? `${where} exists but is not an ApplySet parent (no ${APPLYSET_ID_LABEL} label); rename or remove it`
        : `${where} has ${APPLYSET_ID_LABEL}=${id}, which does not match its identity (${set.id}); refusing to use it`,
    );
  }
  const tooling = live.metadata.annotations?.[APPLYSET_TOOLING_ANNOTATION] ?? "";
  const tool = tooling.split("/")[0];
  if (tool !== TOOL_NAME) {
    throw new ApplySetError(
      `${where} is an ApplySet managed by "${tooling || "an unknown tool"}", not ${TOOL_NAME}; refusing to change it`,
    );
  }
  return {
    exists: true,
    groupKinds: splitList(live.metadata.annotations?.[APPLYSET_GROUP_KINDS_ANNOTATION]),
    additionalNamespaces: splitList(live.metadata.annotations?.[APPLYSET_NAMESPACES_ANNOTATION]),
  };
}

/** The parent Secret, for a server-side apply. It holds no data: only labels and hints. */
export function parentObject(
  set: ApplySet,
  groupKinds: readonly string[],
  namespaces: readonly string[],
): LiveObject {
  const extra = sortedUnique(namespaces).filter((namespace) => namespace !== set.parent.namespace);
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: set.parent.name,
      namespace: set.parent.namespace,
      labels: {
        [APPLYSET_ID_LABEL]: set.id,
        "app.kubernetes.io/managed-by": TOOL_NAME,
      },
      annotations: {
        [APPLYSET_TOOLING_ANNOTATION]: set.tooling,
        [APPLYSET_GROUP_KINDS_ANNOTATION]: sortedUnique(groupKinds).join(","),
        // The empty value is reserved by the specification: no annotation when there are none.
        ...(extra.length > 0 ? { [APPLYSET_NAMESPACES_ANNOTATION]: extra.join(",") } : {}),
      },
    },
    type: "Opaque",
  };
}

export function union(a: readonly string[], b: readonly string[]): string[] {
  return sortedUnique([...a, ...b]);
}
