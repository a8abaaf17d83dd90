import { formatRef, type ObjectRef } from "./resources.js";

/**
 * What happened to an object. Final actions end an object's line; `waiting`
 * and `deleting` are updates that a terminal rewrites in place.
 */
export type ObjectAction =
  | "created"
  | "configured"
  | "unchanged"
  | "failed"
  | "conflict"
  | "skipped"
  | "waiting"
  | "ready"
  | "timed-out"
  | "deleting"
  | "deleted"
  | "kept";

const TRANSIENT: ReadonlySet<ObjectAction> = new Set(["waiting", "deleting"]);

export type ProgressEvent =
  | { type: "phase"; phase: string; message: string }
  | {
      type: "object";
      ref: ObjectRef;
      action: ObjectAction;
      message?: string;
      dryRun?: boolean;
    }
  | { type: "warning"; message: string }
  | { type: "error"; message: string }
  | { type: "summary"; message: string; counts: Record<string, number>; ok: boolean };

export interface Reporter {
  emit(event: ProgressEvent): void;
  /** Ends a terminal's live area; call once at the end. */
  close(): void;
}

export type ReporterMode = "tty" | "plain" | "json" | "quiet";

export interface ReporterOptions {
  mode: ReporterMode;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Picks the mode from the flags and the terminal: `--json` wins, then `--quiet`, then TTY or not. */
export function reporterMode(flags: { json?: boolean; quiet?: boolean; isTTY?: boolean }) {
  if (flags.json) return "json" as const;
  if (flags.quiet) return "quiet" as const;
  return flags.isTTY ? ("tty" as const) : ("plain" as const);
}

const COLOR: Partial<Record<ObjectAction, string>> = {
  created: "32",
  configured: "33",
  unchanged: "2",
  ready: "32",
  deleted: "35",
  kept: "2",
  failed: "31",
  conflict: "31",
  "timed-out": "31",
  waiting: "36",
  deleting: "36",
};

function paint(text: string, code: string | undefined, color: boolean): string {
  return color && code ? `\x1b[${code}m${text}\x1b[0m` : text;
}

function objectLine(event: Extract<ProgressEvent, { type: "object" }>, color: boolean): string {
  const action = paint(
    `${event.action}${event.dryRun ? " (dry run)" : ""}`,
    COLOR[event.action],
    color,
  );
  return `${formatRef(event.ref)} ${action}${event.message ? `: ${event.message}` : ""}`;
}

function jsonEvent(event: ProgressEvent): Record<string, unknown> {
  if (event.type !== "object") return { ...event };
  const { ref, ...rest } = event;
  return {
    ...rest,
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    ...(ref.namespace ? { namespace: ref.namespace } : {}),
    name: ref.name,
  };
}

/**
 * Progress output for people and scripts: on a terminal, finished objects
 * scroll by and objects still waiting stay in a live block at the bottom,
 * rewritten in place (with colours); otherwise one plain line per change;
 * `json` writes one JSON object per line (NDJSON) to stdout; `quiet` prints
 * only warnings, errors and kept objects. Kept objects (what prune and
 * uninstall leave, with the flag that would delete them) go to stderr, like
 * warnings, except in `json` mode.
 */
export function createReporter(options: ReporterOptions): Reporter {
  const { mode, out, err } = options;
  if (mode === "json") {
    return {
      emit: (event) => out(`${JSON.stringify(jsonEvent(event))}\n`),
      close: () => {},
    };
  }
  if (mode === "quiet") {
    return {
      emit(event) {
        if (event.type === "warning") err(`warning: ${event.message}\n`);
        else if (event.type === "error") err(`error: ${event.message}\n`);
        else if (
          event.type === "object" &&
          (event.action === "failed" ||
            event.action === "conflict" ||
            event.action === "timed-out" ||
            event.action === "kept")
        )
          err(`${objectLine(event, false)}\n`);
      },
      close: () => {},
    };
  }
  const color = mode === "tty";
  const live = new Map<string, string>();
  let drawn = 0;
  const clearLive = () => {
    if (drawn > 0) out(`\x1b[${drawn}A\x1b[J`);
    drawn = 0;
  };
  const drawLive = () => {
    for (const line of live.values()) out(`${line}\n`);
    drawn = live.size;
  };
  const print = (line: string) => {
    if (mode === "tty") {
      clearLive();
      out(`${line}\n`);
      drawLive();
    } else out(`${line}\n`);
  };
  return {
    emit(event) {
      switch (event.type) {
        case "phase":
          print(paint(event.message, "1", color));
          return;
        case "warning":
          if (mode === "tty") clearLive();
          err(`${paint("warning:", "33", color)} ${event.message}\n`);
          if (mode === "tty") drawLive();
          return;
        case "error":
          if (mode === "tty") clearLive();
          err(`${paint("error:", "31", color)} ${event.message}\n`);
          if (mode === "tty") drawLive();
          return;
        case "summary":
          print(paint(event.message, event.ok ? "1" : "31", color));
          return;
        case "object": {
          const line = objectLine(event, color);
          const key = `${event.ref.kind}/${event.ref.namespace ?? ""}/${event.ref.name}`;
          if (mode === "tty" && TRANSIENT.has(event.action)) {
            clearLive();
            live.set(key, line);
            drawLive();
            return;
          }
          live.delete(key);
          if (event.action === "kept") {
            if (mode === "tty") clearLive();
            err(`${line}\n`);
            if (mode === "tty") drawLive();
            return;
          }
          print(line);
        }
      }
    },
    close() {
      if (mode === "tty") {
        clearLive();
        live.clear();
      }
    },
  };
}

/** Counts of final actions, for the summary line. */
export function countActions(actions: readonly ObjectAction[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const action of actions) counts[action] = (counts[action] ?? 0) + 1;
  return counts;
}

export function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([action, count]) => `${count} ${action}`)
    .join(", ");
}
