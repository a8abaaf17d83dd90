import { type KubeObject, sortForApply } from "@materialize-monitoring/core";
import {
  type ApplySet,
  additionalNamespaces,
  labelMembers,
  memberGroupKinds,
  parentObject,
  readParent,
  union,
} from "./applyset.js";
import { isFieldManagerConflict, KubeApiError, KubeConnectionError } from "./client.js";
import { describeError, formatConflict } from "./errors.js";
import { sameObject } from "./normalize.js";
import {
  countActions,
  formatCounts,
  type ObjectAction,
  type ProgressEvent,
  type Reporter,
} from "./progress.js";
import { deleteInPhases, findMembers, selectPrune } from "./prune.js";
import {
  formatRef,
  groupOf,
  type LiveObject,
  type ObjectRef,
  type ResourceApi,
  refOf,
  UnknownKindError,
} from "./resources.js";
import { type Clock, realClock } from "./retry.js";
import {
  type ObjectName,
  ownershipOf,
  statefulSetClaims,
  unusedAdoptWarnings,
  unusedPvcWarnings,
} from "./safety.js";
import { createMissingSecrets, type MissingSecretSpec, type SecretOutcome } from "./secrets.js";
import {
  crdStatus,
  existsAndReady,
  isCrd,
  isWorkloadKind,
  type Readiness,
  readiness,
  waitFor,
} from "./wait.js";

export const DEFAULT_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_POLL_INTERVAL_MS = 2_000;

export interface ApplyOptions {
  /** The rendered objects; they are labelled as ApplySet members and sorted into apply order. */
  objects: readonly KubeObject[];
  applySet: ApplySet;
  /** `--dry-run=server`: every write is sent with `dryRun=All`; nothing is persisted, nothing awaited. */
  dryRun?: boolean;
  /** `--force-conflicts`: server-side apply with `force=true`. */
  forceConflicts?: boolean;
  /**
   * `--adopt`: existing objects without an ApplySet label that apply may take
   * over. Any other such object is refused (a conflict); a Namespace is used,
   * never adopted.
   */
  adopt?: readonly ObjectName[];
  /** Delete owned objects that are no longer rendered. */
  prune?: boolean;
  /** With prune: CRDs too. */
  pruneCrds?: boolean;
  /** With prune: the PersistentVolumeClaims (`NAMESPACE/NAME`, `--delete-pvc`) that may be deleted. */
  deletePvcs?: readonly string[];
  /** Wait for rollouts (and the last prune phase). CRDs are always awaited. Default true. */
  wait?: boolean;
  /** Budget of every wait together (CRDs, rollouts, deletions). */
  timeoutMs?: number;
  intervalMs?: number;
  /** Secrets to create with generated values when missing (`--create-missing-secrets`). */
  missingSecrets?: readonly MissingSecretSpec[];
  reporter: Reporter;
  clock?: Clock;
}

export interface ObjectResult {
  ref: ObjectRef;
  action: ObjectAction;
  message?: string;
}

export interface ApplyResult {
  ok: boolean;
  /** A wait (CRD, rollout, deletion) ran out of time. */
  timedOut: boolean;
  objects: ObjectResult[];
  rollouts: ObjectResult[];
  pruned: ObjectRef[];
  kept: { ref: ObjectRef; reason: string }[];
  secrets: SecretOutcome[];
  failures: { ref?: ObjectRef; message: string }[];
}

function waitEvent(ref: ObjectRef, state: Readiness): ProgressEvent {
  const action: ObjectAction =
    state.state === "ready" ? "ready" : state.state === "failed" ? "failed" : "waiting";
  return { type: "object", ref, action, message: state.message };
}

function crdGroup(object: KubeObject): string {
  const spec = (object as { spec?: { group?: unknown } }).spec;
  return typeof spec?.group === "string" ? spec.group : "";
}

/** Stops the run: the cluster is unreachable or the credentials are refused. */
function isFatal(error: unknown): boolean {
  return (
    error instanceof KubeConnectionError ||
    (error instanceof KubeApiError && error.statusCode === 401)
  );
}

/**
 * Applies the rendered objects with server-side apply:
 *
 * 1. Namespaces, then the ApplySet parent Secret (its hints list every
 *    group-kind and namespace of the previous and the new members, so an
 *    interrupted run can still prune later), then CRDs, waiting until each
 *    is Established, then missing Secrets (when asked), then every other
 *    object in core's apply order.
 * 2. Waits for Deployment, StatefulSet and DaemonSet rollouts like
 *    `kubectl rollout status`.
 * 3. With prune: deletes owned objects no longer rendered (custom resources
 *    first, CRDs only with pruneCrds, PersistentVolumeClaims only when
 *    deletePvcs names them, never Namespaces), then narrows the parent's
 *    hints to what is left.
 *
 * Nothing is taken over silently: an existing object without this
 * ApplySet's label is refused unless `adopt` names it, and an existing
 * Namespace is applied without the label (used, never owned).
 *
 * Every apply is a PATCH with `application/apply-patch+yaml`,
 * `fieldManager=materialize-monitoring` and `force=true` only with
 * forceConflicts. An object counts as unchanged when the server kept its
 * resourceVersion (on a dry run: when the dry-run result equals the live object).
 */
export async function applyStack(api: ResourceApi, options: ApplyOptions): Promise<ApplyResult> {
  const clock = options.clock ?? realClock;
  const deadline = clock.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const intervalMs = options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const { reporter, applySet: set } = options;
  const dryRun = options.dryRun ?? false;
  const wait = options.wait ?? true;
  const result: ApplyResult = {
    ok: true,
    timedOut: false,
    objects: [],
    rollouts: [],
    pruned: [],
    kept: [],
    secrets: [],
    failures: [],
  };
  const fail = (message: string, ref?: ObjectRef) => {
    result.ok = false;
    result.failures.push({ ...(ref ? { ref } : {}), message });
  };

  const members = sortForApply(labelMembers(options.objects, set));
  const rendered = members.map((object) => refOf(object));
  const groupKinds = memberGroupKinds(members);
  const namespaces = additionalNamespaces(members, set);
  const renderedCrdGroups = new Set(members.filter((o) => isCrd(o)).map(crdGroup));
  const parentRef: ObjectRef = {
    apiVersion: "v1",
    kind: "Secret",
    namespace: set.parent.namespace,
    name: set.parent.name,
  };
  const previous = readParent(await api.get(parentRef), set);
  /** Namespaces a dry run would create: objects in them cannot be checked by the server. */
  const dryRunNamespaces = new Set<string>();
  for (const message of unusedAdoptWarnings(options.adopt ?? [], rendered))
    reporter.emit({ type: "warning", message });

  async function applyOne(object: KubeObject): Promise<ObjectResult> {
    const ref = refOf(object);
    const done = (action: ObjectAction, message?: string): ObjectResult => {
      const entry: ObjectResult = { ref, action, ...(message ? { message } : {}) };
      result.objects.push(entry);
      reporter.emit({
        type: "object",
        ref,
        action,
        ...(message ? { message } : {}),
        ...(dryRun ? { dryRun: true } : {}),
      });
      if (action === "failed" || action === "conflict") fail(`${formatRef(ref)}: ${message}`, ref);
      return entry;
    };
    try {
      const live = await api.get(ref);
      const ownership = ownershipOf(object, live, set, {
        ...(options.adopt ? { adopt: options.adopt } : {}),
        ...(options.forceConflicts ? { forceConflicts: true } : {}),
      });
      if (ownership.decision === "refuse") return done("conflict", ownership.message);
      const applied = await api.apply(ownership.object as LiveObject, {
        dryRun,
        force: options.forceConflicts ?? false,
      });
      if (!live) {
        if (dryRun && object.kind === "Namespace") dryRunNamespaces.add(object.metadata.name);
        return done("created");
      }
      const unchanged = dryRun
        ? sameObject(live, applied)
        : live.metadata.resourceVersion === applied.metadata.resourceVersion;
      return done(unchanged ? "unchanged" : "configured", ownership.note);
    } catch (error) {
      if (isFatal(error)) throw error;
      if (
        dryRun &&
        error instanceof UnknownKindError &&
        renderedCrdGroups.has(groupOf(ref.apiVersion))
      )
        return done("created", "its CRD is created by this apply; not checked by the server");
      if (
        dryRun &&
        error instanceof KubeApiError &&
        error.statusCode === 404 &&
        ref.namespace &&
        dryRunNamespaces.has(ref.namespace)
      )
        return done(
          "created",
          `namespace ${ref.namespace} is created by this apply; not checked by the server`,
        );
      if (isFieldManagerConflict(error)) return done("conflict", formatConflict(error));
      return done("failed", describeError(error));
    }
  }

  const summarize = () => {
    const counts = countActions(result.objects.map((o) => o.action));
    if (result.pruned.length > 0)
      counts[dryRun ? "pruned (dry run)" : "pruned"] = result.pruned.length;
    const verdict = result.ok ? "apply finished" : "apply failed";
    reporter.emit({
      type: "summary",
      message: `${verdict}${dryRun ? " (server dry run, nothing changed)" : ""}: ${formatCounts(counts) || "nothing to do"}`,
      counts,
      ok: result.ok,
    });
    return result;
  };

  // 1. Namespaces, then the parent, then CRDs.
  const namespaceObjects = members.filter((o) => o.kind === "Namespace" && o.apiVersion === "v1");
  const crdObjects = members.filter((o) => isCrd(o));
  const others = members.filter((o) => !namespaceObjects.includes(o) && !crdObjects.includes(o));

  reporter.emit({ type: "phase", phase: "setup", message: "Namespaces and CRDs" });
  for (const object of namespaceObjects) await applyOne(object);
  if (!dryRun) {
    try {
      await api.apply(
        parentObject(
          set,
          union(previous.groupKinds, groupKinds),
          union(previous.additionalNamespaces, namespaces),
        ),
      );
    } catch (error) {
      if (isFatal(error)) throw error;
      const hint =
        error instanceof KubeApiError && error.statusCode === 404
          ? ` (the namespace ${set.parent.namespace} does not exist: create it, or let the stack render it)`
          : "";
      fail(
        `cannot record ownership in Secret ${set.parent.namespace}/${set.parent.name}: ${describeError(error)}${hint}`,
      );
      return summarize();
    }
  }
  for (const object of crdObjects) await applyOne(object);
  if (!dryRun && result.ok && crdObjects.length > 0) {
    const crdRefs = crdObjects.map((object) => refOf(object));
    const outcome = await waitFor(
      api,
      crdRefs,
      (live) => (live ? crdStatus(live) : existsAndReady(live)),
      {
        deadline,
        clock,
        intervalMs,
        onChange: (ref, state) => reporter.emit(waitEvent(ref, state)),
      },
    );
    for (const entry of outcome.failed)
      fail(`${formatRef(entry.ref)}: ${entry.message}`, entry.ref);
    for (const entry of outcome.timedOut) {
      result.timedOut = true;
      fail(`${formatRef(entry.ref)} was not established in time (${entry.message})`, entry.ref);
      reporter.emit({
        type: "object",
        ref: entry.ref,
        action: "timed-out",
        message: entry.message,
      });
    }
    // New kinds are served now: forget what discovery knew about their groups.
    for (const object of crdObjects) api.discovery.invalidate(crdGroup(object));
  }
  if (!result.ok) {
    reporter.emit({
      type: "error",
      message:
        "stopping before the other objects: the namespaces, the CRDs or the ownership record failed",
    });
    return summarize();
  }

  // 2. Secrets the values reference, then everything else in apply order.
  if (options.missingSecrets && options.missingSecrets.length > 0) {
    reporter.emit({ type: "phase", phase: "secrets", message: "Missing secrets" });
    result.secrets = await createMissingSecrets(api, options.missingSecrets, { dryRun, reporter });
    for (const outcome of result.secrets.filter((s) => s.action === "failed"))
      fail(`Secret ${outcome.namespace}/${outcome.name}: ${outcome.message}`);
  }
  reporter.emit({ type: "phase", phase: "apply", message: "Objects" });
  for (const object of others) await applyOne(object);

  // 3. Rollouts.
  if (wait && !dryRun) {
    const workloads = result.objects
      .filter((r) => isWorkloadKind(r.ref) && r.action !== "failed" && r.action !== "conflict")
      .map((r) => r.ref);
    if (workloads.length > 0) {
      reporter.emit({ type: "phase", phase: "rollout", message: "Waiting for rollouts" });
      const outcome = await waitFor(
        api,
        workloads,
        (live) => (live ? readiness(live) : existsAndReady(live)),
        {
          deadline,
          clock,
          intervalMs,
          onChange: (ref, state) => reporter.emit(waitEvent(ref, state)),
        },
      );
      for (const ref of outcome.ready) result.rollouts.push({ ref, action: "ready" });
      for (const entry of outcome.failed) {
        result.rollouts.push({ ref: entry.ref, action: "failed", message: entry.message });
        fail(`${formatRef(entry.ref)}: ${entry.message}`, entry.ref);
      }
      for (const entry of outcome.timedOut) {
        result.timedOut = true;
        result.rollouts.push({ ref: entry.ref, action: "timed-out", message: entry.message });
        reporter.emit({
          type: "object",
          ref: entry.ref,
          action: "timed-out",
          message: entry.message,
        });
        fail(
          `${formatRef(entry.ref)} did not finish rolling out in time (${entry.message})`,
          entry.ref,
        );
      }
    }
  }

  // 4. Prune.
  if (options.prune) {
    if (!result.ok) {
      reporter.emit({
        type: "warning",
        message: "not pruning: some objects failed to apply or roll out; fix them and apply again",
      });
      return summarize();
    }
    reporter.emit({ type: "phase", phase: "prune", message: "Pruning objects no longer rendered" });
    const found = await findMembers(api, set, {
      groupKinds: union(previous.groupKinds, groupKinds),
      namespaces: union(previous.additionalNamespaces, namespaces),
    });
    for (const warning of found.warnings) reporter.emit({ type: "warning", message: warning });
    const selection = selectPrune(found.members, rendered, {
      pruneCrds: options.pruneCrds ?? false,
      deletePvcs: options.deletePvcs ?? [],
    });
    const claims = await statefulSetClaims(api, selection.prune);
    for (const warning of claims.warnings) reporter.emit({ type: "warning", message: warning });
    const kept = [
      ...selection.kept.map((entry) => ({ ref: refOf(entry.object), reason: entry.reason })),
      ...claims.kept,
    ];
    for (const entry of kept) {
      result.kept.push(entry);
      reporter.emit({ type: "object", ref: entry.ref, action: "kept", message: entry.reason });
    }
    for (const message of unusedPvcWarnings(
      options.deletePvcs ?? [],
      selection.prune.map((o) => refOf(o)),
      rendered,
      claims.kept,
    ))
      reporter.emit({ type: "warning", message });
    const deleted = await deleteInPhases(
      api,
      selection.prune.map((o) => refOf(o)),
      { dryRun, wait, deadline, clock, intervalMs, reporter },
    );
    result.pruned = deleted.deleted;
    for (const entry of deleted.failed)
      fail(`${formatRef(entry.ref)}: ${entry.message}`, entry.ref);
    for (const entry of deleted.timedOut) {
      result.timedOut = true;
      fail(`${formatRef(entry.ref)} was not deleted in time (${entry.message})`, entry.ref);
    }
    if (result.ok && !dryRun) {
      // Narrow the hints to the members that are left: the render and what prune kept.
      const keptObjects = selection.kept.map((k) => k.object);
      await api.apply(
        parentObject(
          set,
          union(groupKinds, memberGroupKinds(keptObjects)),
          union(namespaces, additionalNamespaces(keptObjects, set)),
        ),
      );
    }
  }
  return summarize();
}
