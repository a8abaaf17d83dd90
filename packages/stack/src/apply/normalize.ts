/**
 * Fields the server owns and changes on its own (or on a dry run), which say
 * nothing about whether the desired state differs.
 */
const SERVER_METADATA = [
  "managedFields",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "uid",
  "selfLink",
] as const;

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as Record<string, unknown>).sort()) {
      const inner = (value as Record<string, unknown>)[key];
      if (inner !== undefined) out[key] = sortKeys(inner);
    }
    return out;
  }
  return value;
}

/**
 * An object as compared by apply and diff: without status and the
 * server-maintained metadata, keys sorted so equal objects print equally.
 */
export function normalizeForCompare(object: Record<string, unknown>): Record<string, unknown> {
  const { status: _status, metadata, ...rest } = object;
  const meta = { ...((metadata ?? {}) as Record<string, unknown>) };
  for (const field of SERVER_METADATA) delete meta[field];
  return sortKeys({ ...rest, metadata: meta }) as Record<string, unknown>;
}

export function sameObject(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return JSON.stringify(normalizeForCompare(a)) === JSON.stringify(normalizeForCompare(b));
}

/**
 * Secret values replaced by `***` (kubectl diff's convention), with a marker
 * when the value differs from the other side, so a diff shows that a key
 * changed without showing either value.
 */
export function maskSecretPair(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): [Record<string, unknown> | undefined, Record<string, unknown> | undefined] {
  const isSecret = (o: Record<string, unknown> | undefined) => o?.kind === "Secret";
  if (!isSecret(before) && !isSecret(after)) return [before, after];
  const mask = (
    side: Record<string, unknown> | undefined,
    other: Record<string, unknown> | undefined,
    label: string,
  ) => {
    if (!side) return side;
    const out = { ...side };
    for (const field of ["data", "stringData"]) {
      const values = side[field] as Record<string, unknown> | undefined;
      if (!values || typeof values !== "object") continue;
      const otherValues = (other?.[field] ?? {}) as Record<string, unknown>;
      const masked: Record<string, string> = {};
      for (const [key, value] of Object.entries(values)) {
        masked[key] =
          otherValues[key] === undefined || otherValues[key] === value ? "***" : `*** (${label})`;
      }
      out[field] = masked;
    }
    return out;
  };
  return [mask(before, after, "before"), mask(after, before, "after")];
}
