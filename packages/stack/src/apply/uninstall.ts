import type { KubeObject } from "@materialize-monitoring/core";
import { DEFAULT_POLL_INTERVAL_MS, DEFAULT_TIMEOUT_MS } from "./apply.js";
import {
  type ApplySet,
  additionalNamespaces,
  memberGroupKinds,
  readParent,
  union,
} from "./applyset.js";
import { describeError } from "./errors.js";
import { countActions, formatCounts, type Reporter } from "./progress.js";
import { deleteInPhases, findMembers, selectPrune } from "./prune.js";
import { formatRef, type ObjectRef, type ResourceApi, refOf } from "./resources.js";
import { type Clock, realClock } from "./retry.js";
import { GENERATED_SECRET_LABEL } from "./secrets.js";

export interface UninstallOptions {
  /** The render, for the group-kinds to look in even when the parent Secret is gone. */
  objects: readonly KubeObject[];
  applySet: ApplySet;
  /** Delete owned CRDs too (and with them every custom resource of their kinds, anyone's). */
  includeCrds?: boolean;
  /** Delete owned Namespaces too (and with them everything in them, anyone's). */
  includeNamespaces?: boolean;
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
 * then the ApplySet parent, then Namespaces (only with includeNamespaces),
 * waiting for each phase to be gone. Objects without the ApplySet label are
 * never touched; Secrets made by --create-missing-secrets are kept.
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
  const selection = selectPrune(found.members, [], { pruneCrds: options.includeCrds ?? false });
  for (const entry of selection.kept) {
    const ref = refOf(entry.object);
    const reason =
      ref.kind === "Namespace" && options.includeNamespaces
        ? "deleted last, after the ApplySet record"
        : entry.reason.replace("--prune-crds / --include-crds", "--include-crds");
    if (ref.kind === "Namespace" && options.includeNamespaces) continue;
    result.kept.push({ ref, reason });
    reporter.emit({ type: "object", ref, action: "kept", message: reason });
  }

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

  if (result.ok && options.includeNamespaces) {
    const owned = found.members.filter((o) => o.kind === "Namespace" && o.apiVersion === "v1");
    await runPhases(
      owned.map((o) => refOf(o)),
      options.wait ?? true,
    );
  }

  // Generated secrets are not members: say so, so nobody is surprised to find them.
  try {
    const secrets = await api.info({ apiVersion: "v1", kind: "Secret" });
    for (const namespace of options.includeNamespaces
      ? []
      : [set.parent.namespace, ...namespaces]) {
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
