import { type KubeObject, sortForApply, toYaml } from "@materialize-monitoring/core";
import {
  type ApplySet,
  additionalNamespaces,
  labelMembers,
  memberGroupKinds,
  readParent,
  union,
} from "./applyset.js";
import { isFieldManagerConflict, KubeApiError, KubeConnectionError } from "./client.js";
import { describeError, formatConflict } from "./errors.js";
import { maskSecretPair, normalizeForCompare } from "./normalize.js";
import { findMembers, selectPrune } from "./prune.js";
import {
  formatRef,
  type LiveObject,
  type ObjectRef,
  type ResourceApi,
  refOf,
  UnknownKindError,
} from "./resources.js";
import {
  type ObjectName,
  ownershipOf,
  statefulSetClaims,
  unusedAdoptWarnings,
  unusedPvcWarnings,
} from "./safety.js";
import { unifiedDiff } from "./textdiff.js";

export type ChangeKind = "create" | "update" | "delete" | "unchanged" | "error";

export interface ObjectDiff {
  ref: ObjectRef;
  change: ChangeKind;
  /** Unified diff text; empty when unchanged or on error. */
  diff: string;
  message?: string;
}

export interface DiffOptions {
  objects: readonly KubeObject[];
  applySet: ApplySet;
  forceConflicts?: boolean;
  /** Compare as if `apply --adopt` named these objects. */
  adopt?: readonly ObjectName[];
  /** Also show the owned objects `apply --prune` would delete. */
  prune?: boolean;
  pruneCrds?: boolean;
  /** With prune: as `apply --delete-pvc`. */
  deletePvcs?: readonly string[];
}

export interface DiffResult {
  diffs: ObjectDiff[];
  /** With prune: owned objects `apply --prune` would keep although they are no longer rendered. */
  kept: { ref: ObjectRef; reason: string }[];
  /** Flags that would have no effect, and objects that could not be checked. */
  warnings: string[];
  /** Objects that would be created, changed or deleted. */
  changed: number;
  errors: number;
}

function sideLabel(prefix: string, ref: ObjectRef): string {
  return `${prefix}/${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

function yamlOf(object: Record<string, unknown> | undefined): string {
  return object ? toYaml(object) : "";
}

function textDiff(
  ref: ObjectRef,
  live: Record<string, unknown> | undefined,
  desired: Record<string, unknown> | undefined,
): string {
  const [before, after] = maskSecretPair(
    live ? normalizeForCompare(live) : undefined,
    desired ? normalizeForCompare(desired) : undefined,
  );
  return unifiedDiff(yamlOf(before), yamlOf(after), {
    from: live ? sideLabel("live", ref) : "/dev/null",
    to: desired ? sideLabel("rendered", ref) : "/dev/null",
  });
}

/**
 * Compares the render with the cluster like `kubectl diff --server-side`:
 * each object's live state (GET) against the result of a server-side dry-run
 * apply of the rendered object (PATCH, dryRun=All), so defaults, admission
 * and field ownership are the server's. An object whose namespace or kind
 * does not exist yet is compared as rendered. Secret values are masked.
 * An existing object apply would refuse (not created by this install, and
 * not named by `adopt`) is an error; an existing Namespace is compared as
 * apply sends it, without the ApplySet label. With prune, the objects apply
 * would keep (CRDs, namespaces, PersistentVolumeClaims not named by
 * deletePvcs, the claims of deleted StatefulSets) are listed in `kept`.
 */
export async function diffStack(api: ResourceApi, options: DiffOptions): Promise<DiffResult> {
  const members = sortForApply(labelMembers(options.objects, options.applySet));
  const diffs: ObjectDiff[] = [];
  const kept: DiffResult["kept"] = [];
  const rendered = members.map((m) => refOf(m));
  const warnings = unusedAdoptWarnings(options.adopt ?? [], rendered);
  for (const object of members) {
    const ref = refOf(object);
    let live: LiveObject | undefined;
    try {
      live = await api.get(ref);
    } catch (error) {
      if (error instanceof KubeConnectionError) throw error;
      if (!(error instanceof UnknownKindError)) {
        diffs.push({ ref, change: "error", diff: "", message: describeError(error) });
        continue;
      }
    }
    const ownership = ownershipOf(object, live, options.applySet, {
      ...(options.adopt ? { adopt: options.adopt } : {}),
      ...(options.forceConflicts ? { forceConflicts: true } : {}),
    });
    if (ownership.decision === "refuse") {
      diffs.push({ ref, change: "error", diff: "", message: ownership.message });
      continue;
    }
    let desired: Record<string, unknown>;
    let message = ownership.note;
    try {
      desired = await api.apply(ownership.object as LiveObject, {
        dryRun: true,
        force: options.forceConflicts ?? false,
      });
    } catch (error) {
      if (error instanceof KubeConnectionError) throw error;
      if (isFieldManagerConflict(error)) {
        diffs.push({ ref, change: "error", diff: "", message: formatConflict(error) });
        continue;
      }
      const notYet =
        error instanceof UnknownKindError ||
        (!live && error instanceof KubeApiError && error.statusCode === 404);
      if (!notYet) {
        diffs.push({ ref, change: "error", diff: "", message: describeError(error) });
        continue;
      }
      desired = ownership.object as unknown as Record<string, unknown>;
      message = "compared as rendered: its namespace or kind does not exist yet";
    }
    const diff = textDiff(ref, live, desired);
    const change: ChangeKind = !live ? "create" : diff ? "update" : "unchanged";
    diffs.push({ ref, change, diff, ...(message ? { message } : {}) });
  }
  if (options.prune) {
    const set = options.applySet;
    const previous = readParent(
      await api.get({
        apiVersion: "v1",
        kind: "Secret",
        namespace: set.parent.namespace,
        name: set.parent.name,
      }),
      set,
    );
    const found = await findMembers(api, set, {
      groupKinds: union(previous.groupKinds, memberGroupKinds(members)),
      namespaces: union(previous.additionalNamespaces, additionalNamespaces(members, set)),
    });
    warnings.push(...found.warnings);
    const selection = selectPrune(found.members, rendered, {
      pruneCrds: options.pruneCrds ?? false,
      deletePvcs: options.deletePvcs ?? [],
    });
    for (const object of selection.prune) {
      const ref = refOf(object);
      diffs.push({ ref, change: "delete", diff: textDiff(ref, object, undefined) });
    }
    const claims = await statefulSetClaims(api, selection.prune);
    warnings.push(...claims.warnings);
    kept.push(
      ...selection.kept.map((entry) => ({ ref: refOf(entry.object), reason: entry.reason })),
      ...claims.kept,
    );
    warnings.push(
      ...unusedPvcWarnings(
        options.deletePvcs ?? [],
        selection.prune.map((o) => refOf(o)),
        rendered,
        claims.kept,
      ),
    );
  }
  return {
    diffs,
    kept,
    warnings,
    changed: diffs.filter(
      (d) => d.change === "create" || d.change === "update" || d.change === "delete",
    ).length,
    errors: diffs.filter((d) => d.change === "error").length,
  };
}

function colorize(diff: string): string {
  return diff
    .split("\n")
    .map((line) => {
      if (line.startsWith("+++") || line.startsWith("---")) return `\x1b[1m${line}\x1b[0m`;
      if (line.startsWith("@@")) return `\x1b[36m${line}\x1b[0m`;
      if (line.startsWith("+")) return `\x1b[32m${line}\x1b[0m`;
      if (line.startsWith("-")) return `\x1b[31m${line}\x1b[0m`;
      return line;
    })
    .join("\n");
}

/** One line per object prune would keep, `<Kind> <namespace>/<name> kept: <reason>`, as apply prints it. */
export function formatKept(result: Pick<DiffResult, "kept">): string {
  return result.kept.map((entry) => `${formatRef(entry.ref)} kept: ${entry.reason}\n`).join("");
}

/** The diffs of changed objects, one after the other; colours only for a terminal. */
export function formatDiffs(result: DiffResult, options: { color?: boolean } = {}): string {
  return result.diffs
    .filter((d) => d.diff)
    .map((d) => (options.color ? colorize(d.diff) : d.diff))
    .join("");
}
