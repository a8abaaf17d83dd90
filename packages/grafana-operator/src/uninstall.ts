import type { KubeObject } from "@materialize-monitoring/core";
import { applyRank } from "@materialize-monitoring/core";
import { GRAFANA_API_GROUP } from "./version.js";

/**
 * Deletion happens in phases; each phase must be gone (finalizers done)
 * before the next starts:
 *
 * 1. `content`: dashboards, manifests, datasources, alerting resources... The
 *    operator holds a finalizer on each and removes it from Grafana first, so
 *    it must still be running.
 * 2. `folders`: after their dashboards.
 * 3. `instances`: the `Grafana` resources, after everything that targets them.
 * 4. `workloads`: everything else (the operator's Deployment, RBAC, Services),
 *    in reverse apply order.
 * 5. `definitions`: CustomResourceDefinitions, last, and only when no other
 *    install in the cluster still uses them (deleting a CRD deletes every
 *    resource of its kind, in every namespace).
 * 6. `namespaces`.
 */
export type UninstallPhase =
  | "content"
  | "folders"
  | "instances"
  | "workloads"
  | "definitions"
  | "namespaces";

export const UNINSTALL_PHASES: readonly UninstallPhase[] = [
  "content",
  "folders",
  "instances",
  "workloads",
  "definitions",
  "namespaces",
];

export function isGrafanaCustomResource(object: Pick<KubeObject, "apiVersion">): boolean {
  return object.apiVersion.startsWith(`${GRAFANA_API_GROUP}/`);
}

/** The phase an object is deleted in. */
export function uninstallPhase(object: Pick<KubeObject, "apiVersion" | "kind">): UninstallPhase {
  if (object.kind === "Namespace" && object.apiVersion === "v1") return "namespaces";
  if (object.kind === "CustomResourceDefinition") return "definitions";
  if (isGrafanaCustomResource(object)) {
    if (object.kind === "Grafana") return "instances";
    if (object.kind === "GrafanaFolder") return "folders";
    return "content";
  }
  return "workloads";
}

/**
 * A total deletion rank: lower is deleted first. Within the `workloads`
 * phase it is the reverse of core's apply order, so workloads go before the
 * RBAC and ServiceAccounts they run with. `apply --prune` and `uninstall`
 * sort by it (and wait between phases).
 */
export function deletionRank(object: Pick<KubeObject, "apiVersion" | "kind">): number {
  const phase = UNINSTALL_PHASES.indexOf(uninstallPhase(object));
  const withinPhase = 1000 - applyRank(object);
  return phase * 10_000 + withinPhase;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Objects in deletion order (a new array; ties broken by kind, namespace, name). */
export function uninstallOrder<T extends KubeObject>(objects: readonly T[]): T[] {
  return [...objects].sort(
    (a, b) =>
      deletionRank(a) - deletionRank(b) ||
      compare(a.kind, b.kind) ||
      compare(a.metadata.namespace ?? "", b.metadata.namespace ?? "") ||
      compare(a.metadata.name, b.metadata.name),
  );
}

/** Objects grouped by phase, in order; empty phases are left out. Delete a group, wait, go on. */
export function uninstallPhases<T extends KubeObject>(
  objects: readonly T[],
): { phase: UninstallPhase; objects: T[] }[] {
  const ordered = uninstallOrder(objects);
  return UNINSTALL_PHASES.map((phase) => ({
    phase,
    objects: ordered.filter((object) => uninstallPhase(object) === phase),
  })).filter((group) => group.objects.length > 0);
}
