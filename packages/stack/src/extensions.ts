/**
 * Extension points of the umbrella, and how a user's values merge with what
 * the wiring contributes.
 *
 * - Maps merge deeply; the user's scalars win over the wiring's.
 * - A built-in list (Materialize's scrape jobs, log stages, rule groups) is
 *   extended through the `extra*` key beside it. Setting the list itself
 *   replaces the built-in entries, so it is refused unless the list is named
 *   in `global.replaceBuiltIn`, and then it is reported.
 * - NetworkPolicy peer lists are additive: a user's peers are admitted beside
 *   the wired ones (a policy that drops the stack's own clients breaks it).
 * - So are Alertmanager's inhibit rules, discard routes and maintenance
 *   windows (`ADDITIVE_LISTS`): the user's come after the Materialize ones,
 *   which `materialize.alerting` turns off; and the node-exporter collectors
 *   and kube-state-metrics resources the metric tiers need, which the user's
 *   extend (`nodeExporter.collectors.disable` still removes a collector).
 * - Every other list replaces, as in Helm.
 */
import { type ValueProblem, ValuesError } from "@materialize-monitoring/core";
import { deepMerge, isOtherKind, isTree, withoutExcluded } from "./merge.js";
import type { ParsedStackValues, ReplaceableList, SectionKey } from "./values.js";

type Tree = Record<string, unknown>;

/** One additive extension point: `extra` is appended to `builtIn`. */
export interface ExtensionPoint {
  section: SectionKey;
  /** Path of the built-in list inside the section. */
  builtIn: readonly string[];
  /** Path of the additive key inside the section (an umbrella key, removed before the build). */
  extra: readonly string[];
  /** `global.replaceBuiltIn` entry that allows replacing the built-in list. */
  replace: ReplaceableList;
  /** What the built-in entries are, for messages. */
  what: string;
}

export const EXTENSION_POINTS: readonly ExtensionPoint[] = [
  {
    section: "alloyGateway",
    builtIn: ["scrape", "jobs"],
    extra: ["scrape", "extraJobs"],
    replace: "alloyGateway.scrape.jobs",
    what: "scrape jobs (Materialize, the exporters, the stack's own components)",
  },
  {
    section: "alloyGateway",
    builtIn: ["logs", "stages"],
    extra: ["logs", "extraStages"],
    replace: "alloyGateway.logs.stages",
    what: "log stages (Materialize's log parsing)",
  },
  {
    section: "thanos",
    builtIn: ["ruler", "ruleGroups"],
    extra: ["ruler", "extraRuleGroups"],
    replace: "thanos.ruler.ruleGroups",
    what: "rule groups (Materialize's recording and alerting rules)",
  },
];

function get(tree: unknown, path: readonly string[]): unknown {
  let current = tree;
  for (const key of path) {
    if (!isTree(current)) return undefined;
    current = current[key];
  }
  return current;
}

function without(tree: Tree, path: readonly string[]): Tree {
  const [head, ...rest] = path as [string, ...string[]];
  if (!(head in tree)) return tree;
  if (rest.length === 0) {
    const { [head]: _removed, ...others } = tree;
    return others;
  }
  const child = tree[head];
  return isTree(child) ? { ...tree, [head]: without(child, rest) } : tree;
}

function withValue(tree: Tree, path: readonly string[], value: unknown): Tree {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) return { ...tree, [head]: value };
  const child = isTree(tree[head]) ? (tree[head] as Tree) : {};
  return { ...tree, [head]: withValue(child, rest, value) };
}

/** Lists (paths inside a section) that the user's values extend instead of replacing. */
export const ADDITIVE_LISTS: readonly string[] = [
  // exporters: what the metric tiers need, then the user's
  "nodeExporter.collectors.enable",
  "kubeStateMetrics.watchedResources",
  "config.inhibitRules",
  "config.discard",
  "config.maintenanceWindows",
];

/**
 * Merges a section's values under another's (both the component's input
 * type): maps deeply, NetworkPolicy peer lists and `ADDITIVE_LISTS`
 * additively, the rest replaced.
 */
export function mergeSection<T extends object>(under: T, over: T | undefined): T {
  return mergeAt(under, over, false) as T;
}

/** The user's section without the umbrella's `extra*` keys, for the component's own schema. */
export function withoutExtraKeys<T extends object>(section: SectionKey, user: T): T {
  let out = user as Tree;
  for (const point of EXTENSION_POINTS.filter((p) => p.section === section))
    out = without(out, point.extra);
  return out as T;
}

/** Which of `override`'s entries an additive list appends after `base`: those equal to none of it. */
function appendedIndices(base: readonly unknown[], override: readonly unknown[]): number[] {
  const seen = new Set(base.map((v) => JSON.stringify(v)));
  return override.flatMap((v, i) => (seen.has(JSON.stringify(v)) ? [] : [i]));
}

function mergeAt(base: unknown, override: unknown, additive: boolean, path = ""): unknown {
  if (override === undefined) return base;
  if (additive && Array.isArray(base) && Array.isArray(override))
    return [...base, ...appendedIndices(base, override).map((i) => override[i])];
  if (isTree(base) && isTree(override)) {
    // A map of another kind (the user's Azure storage over the wiring's S3 placeholder) replaces
    // the wired one whole, as deepMerge does: merged, their fields would mix.
    if (isOtherKind(base, override)) return override;
    const out: Tree = { ...base };
    for (const [key, value] of Object.entries(override)) {
      const at = path ? `${path}.${key}` : key;
      out[key] = mergeAt(
        base[key],
        value,
        additive || key === "networkPolicy" || ADDITIVE_LISTS.includes(at),
        at,
      );
    }
    return withoutExcluded(out, override);
  }
  return deepMerge(base, override);
}

/**
 * Applies the extension points of one section: appends the user's `extra*`
 * entries to the wired built-in lists, and refuses a replaced built-in list
 * that `global.replaceBuiltIn` does not name.
 */
export function applyExtensions<T extends object>(
  section: SectionKey,
  wiredValues: T,
  userValues: T,
  values: ParsedStackValues,
  /** Where each `extra*` entry lands in the list the component gets is recorded here. */
  origins: EntryOrigins = new Map(),
): { user: T; wired: T; replaced: string[] } {
  const wired = wiredValues as Tree;
  const user = userValues as Tree;
  const problems: ValueProblem[] = [];
  const replaced: string[] = [];
  let outUser = user;
  let outWired = wired;
  for (const point of EXTENSION_POINTS.filter((p) => p.section === section)) {
    const extra = get(user, point.extra);
    outUser = without(outUser, point.extra);
    const builtIn = (get(wired, point.builtIn) as unknown[] | undefined) ?? [];
    const own = get(user, point.builtIn);
    const extras = Array.isArray(extra) ? extra : [];
    const land = (before: number) =>
      extras.forEach((_, i) => {
        place(
          origins,
          `${section}.${point.builtIn.join(".")}`,
          before + i,
          `${section}.${point.extra.join(".")}[${i}]`,
        );
      });
    if (own !== undefined) {
      if (values.global.replaceBuiltIn.includes(point.replace)) {
        replaced.push(
          `${point.replace} replaces the ${builtIn.length} built-in ${point.what} (global.replaceBuiltIn)`,
        );
        if (extras.length > 0 && Array.isArray(own)) {
          outUser = withValue(outUser, point.builtIn, [...own, ...extras]);
          land(own.length);
        }
        continue;
      } else {
        problems.push({
          path: point.replace,
          message: `would replace the ${builtIn.length} built-in ${point.what}`,
          hint: `add yours under ${section}.${point.extra.join(".")}, or list "${point.replace}" in global.replaceBuiltIn to replace them`,
        });
      }
    }
    if (extras.length > 0) {
      outWired = withValue(outWired, point.builtIn, [...builtIn, ...extras]);
      land(builtIn.length);
    }
  }
  if (problems.length > 0) throw new ValuesError(problems);
  return { user: outUser as T, wired: outWired as T, replaced };
}

/**
 * Where the user's entries land in the lists a component receives, per list as the component
 * names it (`alloyGateway.scrape.jobs`): the component's index, then the path the user wrote
 * (`alloyGateway.scrape.extraJobs[0]`). A refusal of the component then names the user's
 * entry, not its place after the built-in or wired ones.
 */
export type EntryOrigins = Map<string, Map<number, string>>;

function place(out: EntryOrigins, list: string, index: number, userPath: string): void {
  const entries = out.get(list) ?? new Map<number, string>();
  entries.set(index, userPath);
  out.set(list, entries);
}

/** Adds where the user's entries of one section's `ADDITIVE_LISTS` land (after the wired). */
export function addAdditiveOrigins(
  out: EntryOrigins,
  section: SectionKey,
  wired: unknown,
  user: unknown,
): void {
  for (const path of ADDITIVE_LISTS) {
    const segments = path.split(".");
    const mine = get(user, segments);
    const theirs = get(wired, segments);
    if (!Array.isArray(mine) || !Array.isArray(theirs)) continue;
    // As mergeAt appends them: after the wired entries.
    appendedIndices(theirs, mine).forEach((i, k) => {
      place(out, `${section}.${path}`, theirs.length + k, `${section}.${path}[${i}]`);
    });
  }
}

/** Sections as components name themselves in their errors, to the umbrella's keys. */
export const COMPONENT_PREFIXES: Readonly<Record<string, string>> = {
  "alloy-gateway": "alloyGateway",
  "alloy-agent": "alloyAgent",
  "grafana-operator": "grafanaOperator",
  "kube-state-metrics": "exporters.kubeStateMetrics",
  "node-exporter": "exporters.nodeExporter",
  "metrics-server": "exporters.metricsServer",
};

/** A component's problem path as the user wrote the value (umbrella key, the user's index). */
export function userPath(path: string, origins: EntryOrigins): string {
  const first = /^[^.[]+/.exec(path)?.[0] ?? "";
  let out = COMPONENT_PREFIXES[first] ? COMPONENT_PREFIXES[first] + path.slice(first.length) : path;
  for (const [list, entries] of origins) {
    if (!out.startsWith(`${list}[`)) continue;
    const index = /^\[(\d+)\]/.exec(out.slice(list.length));
    const written = index ? entries.get(Number(index[1])) : undefined;
    if (index && written) {
      out = written + out.slice(list.length + index[0].length);
      break;
    }
  }
  return out;
}

/** The error with every problem's path as the user wrote it. */
export function withUserPaths(error: ValuesError, origins: EntryOrigins): ValuesError {
  return new ValuesError(error.problems.map((p) => ({ ...p, path: userPath(p.path, origins) })));
}
