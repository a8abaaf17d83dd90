import type { KubeObject } from "@materialize-monitoring/core";
import { DEFAULT_POLL_INTERVAL_MS, DEFAULT_TIMEOUT_MS } from "./apply.js";
import {
  type ApplySet,
  additionalNamespaces,
  isMember,
  memberGroupKinds,
  readParent,
  union,
} from "./applyset.js";
import { describeError } from "./errors.js";
import { countActions, formatCounts, type Reporter } from "./progress.js";
import { deleteInPhases, findMembers, selectPrune } from "./prune.js";
import { formatRef, identity, type ObjectRef, type ResourceApi, refOf } from "./resources.js";
import { type Clock, realClock } from "./retry.js";
import {
  isNamespace,
  namespaceContents,
  namespaceKeptReason,
  statefulSetClaims,
  USED_NAMESPACE_KEPT,
  unusedPvcWarnings,
} from "./safety.js";
import { GENERATED_SECRET_LABEL } from "./secrets.js";

export interface UninstallOptions {
  /** The render, for the group-kinds to look in even when the parent Secret is gone. */
  objects: readonly KubeObject[];
  applySet: ApplySet;
  /** Delete owned CRDs too (and with them every custom resource of their kinds, anyone's). */
  includeCrds?: boolean;
  /**
   * Delete owned Namespaces too, each only when nothing would be left in it
   * but what this run deletes. Namespaces that existed before the install
   * are never owned, so never deleted.
   */
  includeNamespaces?: boolean;
  /** PersistentVolumeClaims (`NAMESPACE/NAME`, `--delete-pvc`) to delete; all others are kept. */
  deletePvcs?: readonly string[];
  dryRun?: boolean;
  /** Wait until the last phase is gone too. Default true. */
  wait?: boolean;
  timeoutMs?: number;
  intervalMs?: number;
  reporter: Reporter;
  clock?: Clock;
}

export interface UninstallResult {
  ok: boolean;
  timedOut: boolean;
  deleted: ObjectRef[];
  kept: { ref: ObjectRef; reason: string }[];
  failures: { ref?: ObjectRef; message: string }[];
}

/**
 * Deletes every object of this install's ApplySet: custom resources first
 * (their operators still run to clear finalizers), then workloads, then their
 * configuration, RBAC and ServiceAccounts, then CRDs (only with includeCrds),
 * then the ApplySet parent, then Namespaces (only with includeNamespaces,
 * and only those that would be empty), waiting for each phase to be gone.
 * Objects without the ApplySet label are never touched (a Namespace that
 * existed before the install never has it); PersistentVolumeClaims are kept
 * unless deletePvcs names them, and the claims of StatefulSets always;
 * Secrets made by --create-missing-secrets are kept.
 */
export async function uninstallStack(
  api: ResourceApi,
  options: UninstallOptions,
): Promise<UninstallResult> {
  const clock = options.clock ?? realClock;
  const deadline = clock.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const intervalMs = options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const { reporter, applySet: set } = options;
  const dryRun = options.dryRun ?? false;
  const result: UninstallResult = {
    ok: true,
    timedOut: false,
    deleted: [],
    kept: [],
    failures: [],
  };
  const parentRef: ObjectRef = {
    apiVersion: "v1",
    kind: "Secret",
    namespace: set.parent.namespace,
    name: set.parent.name,
  };
  const parentLive = await api.get(parentRef);
  const previous = readParent(parentLive, set);
  const namespaces = union(
    previous.additionalNamespaces,
    additionalNamespaces(options.objects, set),
  );
  reporter.emit({ type: "phase", phase: "list", message: "Finding objects owned by this install" });
  const found = await findMembers(api, set, {
    groupKinds: union(previous.groupKinds, memberGroupKinds(options.objects)),
    namespaces,
  });
  for (const warning of found.warnings) reporter.emit({ type: "warning", message: warning });
  const selection = selectPrune(found.members, [], {
    pruneCrds: options.includeCrds ?? false,
    deletePvcs: options.deletePvcs ?? [],
  });
  const keep = (ref: ObjectRef, reason: string) => {
    result.kept.push({ ref, reason });
    reporter.emit({ type: "object", ref, action: "kept", message: reason });
  };
  // Rendered namespaces that exist without this install's label were used, never owned.
  for (const object of options.objects.filter((o) => isNamespace(o))) {
    const ref = refOf(object);
    const live = await api.get(ref);
    if (live && !isMember(live, set)) keep(ref, USED_NAMESPACE_KEPT);
  }
  for (const entry of selection.kept) {
    const ref = refOf(entry.object);
    // Owned namespaces are decided last, after everything else is gone.
    if (isNamespace(ref) && options.includeNamespaces) continue;
    keep(
      ref,
      isNamespace(ref)
        ? "namespaces are only deleted with --include-namespaces (that deletes everything in them)"
        : entry.reason.replace("--prune-crds / --include-crds", "--include-crds"),
    );
  }
  const claims = await statefulSetClaims(api, selection.prune);
  for (const warning of claims.warnings) reporter.emit({ type: "warning", message: warning });
  for (const entry of claims.kept) keep(entry.ref, entry.reason);
  for (const message of unusedPvcWarnings(
    options.deletePvcs ?? [],
    selection.prune.map((o) => refOf(o)),
    [],
    claims.kept,
  ))
    reporter.emit({ type: "warning", message });

  const runPhases = async (refs: ObjectRef[], waitLast: boolean) => {
    const outcome = await deleteInPhases(api, refs, {
      dryRun,
      wait: waitLast,
      deadline,
      clock,
      intervalMs,
      reporter,
    });
    result.deleted.push(...outcome.deleted);
    for (const entry of outcome.failed) {
      result.ok = false;
      result.failures.push({
        ref: entry.ref,
        message: `${formatRef(entry.ref)}: ${entry.message}`,
      });
    }
    for (const entry of outcome.timedOut) {
      result.ok = false;
      result.timedOut = true;
      result.failures.push({
        ref: entry.ref,
        message: `${formatRef(entry.ref)} was not deleted in time (${entry.message})`,
      });
    }
  };

  reporter.emit({ type: "phase", phase: "delete", message: "Deleting" });
  await runPhases(
    selection.prune.map((o) => refOf(o)),
    options.wait ?? true,
  );

  if (result.ok && parentLive) {
    try {
      await api.delete(parentRef, { dryRun });
      result.deleted.push(parentRef);
      reporter.emit({
        type: "object",
        ref: parentRef,
        action: "deleted",
        message: "the ApplySet record",
        ...(dryRun ? { dryRun: true } : {}),
      });
    } catch (error) {
      result.ok = false;
      result.failures.push({ ref: parentRef, message: describeError(error) });
      reporter.emit({
        type: "object",
        ref: parentRef,
        action: "failed",
        message: describeError(error),
      });
    }
  }

  const deletedNamespaces = new Set<string>();
  if (result.ok && options.includeNamespaces) {
    const owned = found.members.filter((o) => isNamespace(o)).map((o) => refOf(o));
    // A namespace goes only when nothing but what this run deletes would go with it.
    const deleting = new Set([
      ...selection.prune.map((o) => identity(refOf(o))),
      identity(parentRef),
    ]);
    const contents = await namespaceContents(
      api,
      owned.map((ref) => ref.name),
      deleting,
    );
    const empty: ObjectRef[] = [];
    for (const ref of owned) {
      const reason = namespaceKeptReason(contents.get(ref.name));
      if (reason) keep(ref, reason);
      else empty.push(ref);
    }
    await runPhases(empty, options.wait ?? true);
    for (const ref of result.deleted) if (isNamespace(ref)) deletedNamespaces.add(ref.name);
  }

  // Generated secrets are not members: say so, so nobody is surprised to find them.
  try {
    const secrets = await api.info({ apiVersion: "v1", kind: "Secret" });
    for (const namespace of [set.parent.namespace, ...namespaces].filter(
      (n) => !deletedNamespaces.has(n),
    )) {
      const generated = await api.list(secrets, {
        namespace,
        labelSelector: `${GENERATED_SECRET_LABEL}=true`,
      });
      for (const secret of generated) {
        const ref = refOf(secret);
        result.kept.push({
          ref,
          reason: "generated by --create-missing-secrets; delete it yourself",
        });
        reporter.emit({
          type: "object",
          ref,
          action: "kept",
          message: "generated by --create-missing-secrets; delete it yourself if no longer needed",
        });
      }
    }
  } catch (error) {
    reporter.emit({
      type: "warning",
      message: `could not list generated Secrets: ${describeError(error)}`,
    });
  }

  const counts = countActions([
    ...result.deleted.map(() => "deleted" as const),
    ...result.kept.map(() => "kept" as const),
  ]);
  reporter.emit({
    type: "summary",
    message: `${result.ok ? "uninstall finished" : "uninstall failed"}${dryRun ? " (server dry run, nothing deleted)" : ""}: ${formatCounts(counts) || "nothing owned by this install was found"}`,
    counts,
    ok: result.ok,
  });
  return result;
}
