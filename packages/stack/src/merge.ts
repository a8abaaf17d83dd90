export type Tree = Record<string, unknown>;

export function isTree(value: unknown): value is Tree {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Helm-style merge: maps merge deeply, lists and scalars replace; `undefined`
 * never overrides. A map whose `type` differs from the one it lands on (an S3
 * bucket over a GCS one, bearer auth over basic) replaces it: the two are
 * different kinds, and merging them would mix their fields.
 */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isTree(base) || !isTree(override)) return override;
  if (isOtherKind(base, override)) return override;
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = deepMerge(base[key], value);
  return withoutExcluded(out, override);
}

/** Two maps of different kinds (`type`): the later one replaces the earlier whole. */
export function isOtherKind(base: Tree, override: Tree): boolean {
  return "type" in base && "type" in override && base.type !== override.type;
}

/**
 * Keys of one map that exclude each other, the way a NetworkPolicy peer is
 * either a namespace by name or namespaces by labels, and either an IP block
 * or pod and namespace selectors.
 */
const EXCLUSIVE_KEYS: readonly (readonly [readonly string[], readonly string[]])[] = [
  [["namespace"], ["namespaceLabels"]],
  [
    ["cidr", "except"],
    ["podLabels", "namespace", "namespaceLabels"],
  ],
];

/**
 * `merged` without what the base set of a choice the override excludes: a
 * later layer's `namespaceLabels` replaces the earlier `namespace` (the
 * wiring's, say) instead of meeting it in one peer, which would be refused
 * for a field the user never wrote.
 */
export function withoutExcluded(merged: Tree, override: Tree): Tree {
  const out = merged;
  for (const [a, b] of EXCLUSIVE_KEYS) {
    for (const [chosen, excluded] of [
      [a, b],
      [b, a],
    ] as const) {
      if (!chosen.some((key) => override[key] !== undefined)) continue;
      for (const key of excluded) if (override[key] === undefined) delete out[key];
    }
  }
  return out;
}
