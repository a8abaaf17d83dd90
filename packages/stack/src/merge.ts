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
  if ("type" in base && "type" in override && base.type !== override.type) return override;
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = deepMerge(base[key], value);
  return out;
}
