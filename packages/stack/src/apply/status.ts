import { type KubeObject, sortForApply } from "@materialize-monitoring/core";
import { APPLYSET_PART_OF_LABEL, type ApplySet, isMember } from "./applyset.js";
import { KubeConnectionError } from "./client.js";
import { describeError } from "./errors.js";
import { type ObjectRef, type ResourceApi, refOf, UnknownKindError } from "./resources.js";
import { readiness } from "./wait.js";

export interface ObjectStatus {
  ref: ObjectRef;
  exists: boolean;
  /** Workloads: rolled out; CRDs: established; others: a Ready condition, or existing. */
  ready: boolean;
  /** Carries this install's ApplySet label. */
  owned: boolean;
  message: string;
}

export interface StatusResult {
  objects: ObjectStatus[];
  /** Every rendered object exists and is ready. */
  ok: boolean;
}

/** For every rendered object: does it exist, is it ready, is it ours? One GET each, nothing changed. */
export async function stackStatus(
  api: ResourceApi,
  options: { objects: readonly KubeObject[]; applySet: ApplySet },
): Promise<StatusResult> {
  const objects: ObjectStatus[] = [];
  for (const object of sortForApply(options.objects)) {
    const ref = refOf(object);
    try {
      const live = await api.get(ref);
      if (!live) {
        objects.push({ ref, exists: false, ready: false, owned: false, message: "not found" });
        continue;
      }
      const state = readiness(live);
      const owned = isMember(live, options.applySet);
      const owner = live.metadata.labels?.[APPLYSET_PART_OF_LABEL];
      const ownership = owned
        ? ""
        : owner
          ? `; owned by another ApplySet (${owner})`
          : "; not applied by this tool";
      objects.push({
        ref,
        exists: true,
        ready: state.state === "ready",
        owned,
        message: `${state.message}${ownership}`,
      });
    } catch (error) {
      if (error instanceof KubeConnectionError) throw error;
      const message =
        error instanceof UnknownKindError
          ? "kind not served (its CRD is not installed)"
          : describeError(error);
      objects.push({ ref, exists: false, ready: false, owned: false, message });
    }
  }
  return { objects, ok: objects.every((o) => o.exists && o.ready) };
}

function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - text.length));
}

/** A table: KIND, NAMESPACE/NAME, EXISTS, READY, OWNED, MESSAGE; colours only for a terminal. */
export function formatStatusTable(result: StatusResult, options: { color?: boolean } = {}): string {
  const cell = (value: boolean, width: number) => {
    const text = pad(value ? "yes" : "no", width);
    if (!options.color) return text;
    return `\x1b[${value ? "32" : "31"}m${text}\x1b[0m`;
  };
  const kindWidth = Math.max(4, ...result.objects.map((o) => o.ref.kind.length));
  const names = result.objects.map(
    (o) => `${o.ref.namespace ? `${o.ref.namespace}/` : ""}${o.ref.name}`,
  );
  const nameWidth = Math.max(4, ...names.map((n) => n.length));
  const lines = [
    `${pad("KIND", kindWidth)}  ${pad("NAME", nameWidth)}  EXISTS  READY  OWNED  MESSAGE`,
    ...result.objects.map(
      (o, i) =>
        `${pad(o.ref.kind, kindWidth)}  ${pad(names[i] ?? "", nameWidth)}  ${cell(o.exists, 6)}  ${cell(o.ready, 5)}  ${cell(o.owned, 5)}  ${o.message}`,
    ),
  ];
  const notReady = result.objects.filter((o) => !o.exists || !o.ready).length;
  const notOwned = result.objects.filter((o) => o.exists && !o.owned).length;
  lines.push(
    "",
    `${result.objects.length} objects: ${result.objects.length - notReady} ready, ${notReady} missing or not ready, ${notOwned} existing but not owned`,
  );
  return `${lines.join("\n")}\n`;
}
