import { applyRank } from "@materialize-monitoring/core";
import { uninstallPhase as grafanaUninstallPhase } from "@materialize-monitoring/grafana-operator";
import { type ApplySet, isMember, memberSelector } from "./applyset.js";
import { describeError } from "./errors.js";
import type { Reporter } from "./progress.js";
import {
  formatRef,
  groupOf,
  identity,
  type LiveObject,
  type ObjectRef,
  parseGroupKind,
  type ResourceApi,
  refOf,
} from "./resources.js";
import type { Clock } from "./retry.js";
import {
  deletesClaims,
  isNamespace,
  isPvc,
  pvcKeptReason,
  pvcKey,
  STATEFULSET_DELETES_CLAIMS,
} from "./safety.js";
import { deletionStatus, isCrd, waitFor } from "./wait.js";

/** The version core's apply order is written for, per built-in group. */
const CANONICAL_VERSION: Record<string, string> = {
  "": "v1",
  apps: "apps/v1",
  batch: "batch/v1",
  policy: "policy/v1",
  autoscaling: "autoscaling/v2",
  "networking.k8s.io": "networking.k8s.io/v1",
  "rbac.authorization.k8s.io": "rbac.authorization.k8s.io/v1",
  "scheduling.k8s.io": "scheduling.k8s.io/v1",
  "apiextensions.k8s.io": "apiextensions.k8s.io/v1",
  "apiregistration.k8s.io": "apiregistration.k8s.io/v1",
  "gateway.networking.k8s.io": "gateway.networking.k8s.io/v1",
};

/** core's apply rank, whatever version the server listed the object in. */
export function rankOf(ref: Pick<ObjectRef, "apiVersion" | "kind">): number {
  const canonical = CANONICAL_VERSION[groupOf(ref.apiVersion)];
  return applyRank({ apiVersion: canonical ?? ref.apiVersion, kind: ref.kind });
}

const CUSTOM_RANK = applyRank({ apiVersion: "example.invalid/v1", kind: "Anything" });

export function isCustomResource(ref: Pick<ObjectRef, "apiVersion" | "kind">): boolean {
  return rankOf(ref) >= CUSTOM_RANK;
}

/**
 * Deletion runs in phases, each finished before the next starts:
 * 0-2. custom resources, while the operators that hold their finalizers still
 *    run; grafana-operator's in its documented order: dashboards, datasources
 *    and other content, then folders, then the Grafana instance;
 * 3. built-in objects in reverse apply order (workloads before their config,
 *    RBAC and ServiceAccounts);
 * 4. CustomResourceDefinitions;
 * 5. Namespaces.
 */
export function deletionPhase(ref: Pick<ObjectRef, "apiVersion" | "kind">): number {
  if (isCustomResource(ref)) {
    const grafana = grafanaUninstallPhase(ref);
    return grafana === "instances" ? 2 : grafana === "folders" ? 1 : 0;
  }
  if (isCrd(ref)) return 4;
  if (ref.kind === "Namespace" && ref.apiVersion === "v1") return 5;
  return 3;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Objects in deletion order: by phase, then reverse apply order, then reverse name order. */
export function deletionOrder<T extends ObjectRef>(refs: readonly T[]): T[] {
  return [...refs].sort(
    (a, b) =>
      deletionPhase(a) - deletionPhase(b) ||
      rankOf(b) - rankOf(a) ||
      compare(b.kind, a.kind) ||
      compare(b.namespace ?? "", a.namespace ?? "") ||
      compare(b.name, a.name),
  );
}

export function deletionPhases<T extends ObjectRef>(refs: readonly T[]): T[][] {
  const phases: T[][] = [[], [], [], [], [], []];
  for (const ref of deletionOrder(refs)) phases[deletionPhase(ref)]?.push(ref);
  return phases.filter((phase) => phase.length > 0);
}

export interface MemberScope {
  /** Group-kinds to list, `Kind.group` (the parent's hint plus the render's). */
  groupKinds: readonly string[];
  /** Namespaces besides the parent's. */
  namespaces: readonly string[];
}

/**
 * Lists the ApplySet's members: for each group-kind, a LIST with the
 * part-of label selector in the parent's namespace and each additional
 * namespace (once for cluster-scoped kinds). Kinds no longer served are
 * reported, not fatal.
 */
export async function findMembers(
  api: ResourceApi,
  set: ApplySet,
  scope: MemberScope,
): Promise<{ members: LiveObject[]; warnings: string[] }> {
  const members: LiveObject[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  const namespaces = [...new Set([set.parent.namespace, ...scope.namespaces])];
  for (const value of [...new Set(scope.groupKinds)].sort()) {
    const { group, kind } = parseGroupKind(value);
    const resource = await api.discovery.resolveGroupKind(group, kind);
    if (!resource) {
      warnings.push(`${value} is not served by the cluster any more; its members cannot be listed`);
      continue;
    }
    for (const namespace of resource.namespaced ? namespaces : [undefined]) {
      const items = await api.list(resource, {
        ...(namespace ? { namespace } : {}),
        labelSelector: memberSelector(set),
      });
      for (const item of items) {
        // The selector did the work; checking again costs nothing and guards a careless server.
        if (!isMember(item, set)) continue;
        const key = identity(refOf(item));
        if (seen.has(key)) continue;
        seen.add(key);
        members.push(item);
      }
    }
  }
  return { members, warnings };
}

export interface PruneSelection {
  /** Owned, no longer rendered, safe to delete, in deletion order. */
  prune: LiveObject[];
  /** Owned, no longer rendered, but kept, with the reason. */
  kept: { object: LiveObject; reason: string }[];
}

export interface PruneRules {
  /** Delete owned CRDs that are no longer rendered (their custom resources go with them). */
  pruneCrds?: boolean;
  /** Namespaces are never pruned unless this is set (uninstall's --include-namespaces). */
  pruneNamespaces?: boolean;
  /** PersistentVolumeClaims (`NAMESPACE/NAME`) that may be deleted (`--delete-pvc`); all others are kept. */
  deletePvcs?: readonly string[];
}

/**
 * Which owned objects to delete: every member whose identity (group, kind,
 * namespace, name; the version does not matter) is not in the render. CRDs
 * only with `pruneCrds`, Namespaces only with `pruneNamespaces` (deleting a
 * namespace deletes everything in it, ours or not), PersistentVolumeClaims
 * (data) only when `deletePvcs` names them, never a StatefulSet whose
 * retention policy would delete its claims, and never an object that has
 * owner references (its owner's controller decides about it).
 */
export function selectPrune(
  members: readonly LiveObject[],
  rendered: readonly ObjectRef[],
  rules: PruneRules = {},
): PruneSelection {
  const keep = new Set(rendered.map(identity));
  const deletePvcs = new Set(rules.deletePvcs ?? []);
  const prune: LiveObject[] = [];
  const kept: PruneSelection["kept"] = [];
  for (const object of members) {
    const ref = refOf(object);
    if (keep.has(identity(ref))) continue;
    if (isCrd(ref) && !rules.pruneCrds)
      kept.push({ object, reason: "CRDs are only deleted with --prune-crds / --include-crds" });
    else if (isNamespace(ref) && !rules.pruneNamespaces)
      kept.push({
        object,
        reason: "namespaces are never pruned (that would delete their contents)",
      });
    else if (isPvc(ref) && !deletePvcs.has(pvcKey(ref)))
      kept.push({ object, reason: pvcKeptReason(ref) });
    else if (deletesClaims(object)) kept.push({ object, reason: STATEFULSET_DELETES_CLAIMS });
    else if ((object.metadata.ownerReferences ?? []).length > 0)
      kept.push({ object, reason: "it has owner references; its owner decides" });
    else prune.push(object);
  }
  const order = deletionOrder(prune.map((object) => ({ ...refOf(object), object })));
  return { prune: order.map((entry) => entry.object), kept };
}

export interface DeleteRunOptions {
  dryRun?: boolean;
  /** Wait until the last phase is gone too (earlier phases are always awaited). */
  wait?: boolean;
  deadline: number;
  clock?: Clock;
  intervalMs?: number;
  reporter: Reporter;
}

export interface DeleteOutcome {
  deleted: ObjectRef[];
  failed: { ref: ObjectRef; message: string }[];
  timedOut: { ref: ObjectRef; message: string }[];
}

/**
 * Deletes objects phase by phase (see `deletionPhase`), waiting for each
 * phase to be gone before the next, so operators outlive their custom
 * resources' finalizers. Stops at the first phase that fails or times out.
 */
export async function deleteInPhases(
  api: ResourceApi,
  refs: readonly ObjectRef[],
  options: DeleteRunOptions,
): Promise<DeleteOutcome> {
  const outcome: DeleteOutcome = { deleted: [], failed: [], timedOut: [] };
  const { reporter } = options;
  const phases = deletionPhases(refs);
  for (const [index, phase] of phases.entries()) {
    const sent: ObjectRef[] = [];
    for (const ref of phase) {
      try {
        const existed = await api.delete(ref, { dryRun: options.dryRun ?? false });
        if (!existed || options.dryRun) {
          outcome.deleted.push(ref);
          reporter.emit({
            type: "object",
            ref,
            action: "deleted",
            ...(existed ? {} : { message: "already gone" }),
            ...(options.dryRun ? { dryRun: true } : {}),
          });
        } else {
          sent.push(ref);
          reporter.emit({ type: "object", ref, action: "deleting" });
        }
      } catch (error) {
        outcome.failed.push({ ref, message: describeError(error) });
        reporter.emit({ type: "object", ref, action: "failed", message: describeError(error) });
      }
    }
    if (options.dryRun || sent.length === 0) {
      if (outcome.failed.length > 0) break;
      continue;
    }
    const last = index === phases.length - 1;
    if (last && !options.wait) {
      for (const ref of sent) {
        outcome.deleted.push(ref);
        reporter.emit({ type: "object", ref, action: "deleted", message: "deletion requested" });
      }
      continue;
    }
    const waited = await waitFor(api, sent, deletionStatus, {
      deadline: options.deadline,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
      onChange: (ref, state) =>
        reporter.emit({
          type: "object",
          ref,
          action: state.state === "ready" ? "deleted" : "deleting",
          message: state.message === "deleted" ? "" : state.message,
        }),
    });
    outcome.deleted.push(...waited.ready);
    for (const entry of waited.timedOut) {
      outcome.timedOut.push(entry);
      reporter.emit({
        type: "object",
        ref: entry.ref,
        action: "timed-out",
        message: `still present: ${entry.message}`,
      });
    }
    if (outcome.failed.length > 0 || outcome.timedOut.length > 0) {
      const rest = phases.slice(index + 1).flat();
      if (rest.length > 0)
        reporter.emit({
          type: "warning",
          message: `not deleting ${rest.length} more object(s) (${rest.map(formatRef).slice(0, 3).join(", ")}${rest.length > 3 ? ", ..." : ""}) until the ones above are gone`,
        });
      break;
    }
  }
  return outcome;
}
