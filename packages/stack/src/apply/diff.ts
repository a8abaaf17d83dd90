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
  type LiveObject,
  type ObjectRef,
  type ResourceApi,
  refOf,
  UnknownKindError,
} from "./resources.js";
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
  /** Also show the owned objects `apply --prune` would delete. */
  prune?: boolean;
  pruneCrds?: boolean;
}

export interface DiffResult {
  diffs: ObjectDiff[];
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
 */
export async function diffStack(api: ResourceApi, options: DiffOptions): Promise<DiffResult> {
  const members = sortForApply(labelMembers(options.objects, options.applySet));
  const diffs: ObjectDiff[] = [];
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
    let desired: Record<string, unknown>;
    let message: string | undefined;
    try {
      desired = await api.apply(object as LiveObject, {
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
      desired = object as unknown as Record<string, unknown>;
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
    const selection = selectPrune(
      found.members,
      members.map((m) => refOf(m)),
      { pruneCrds: options.pruneCrds ?? false },
    );
    for (const object of selection.prune) {
      const ref = refOf(object);
      diffs.push({ ref, change: "delete", diff: textDiff(ref, object, undefined) });
    }
  }
  return {
    diffs,
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

/** The diffs of changed objects, one after the other; colours only for a terminal. */
export function formatDiffs(result: DiffResult, options: { color?: boolean } = {}): string {
  return result.diffs
    .filter((d) => d.diff)
    .map((d) => (options.color ? colorize(d.diff) : d.diff))
    .join("");
}
