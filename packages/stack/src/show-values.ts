import {
  Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";

type Schema = Record<string, unknown>;

/** Follows `$ref` (local `#/$defs/...` only, as zod writes them). */
function deref(root: Schema, schema: Schema | undefined): Schema | undefined {
  let s = schema;
  for (let i = 0; s && typeof s.$ref === "string" && i < 16; i++) {
    const path = (s.$ref as string).replace(/^#\//, "").split("/");
    let target: unknown = root;
    for (const part of path) target = (target as Schema | undefined)?.[part];
    s = target as Schema | undefined;
  }
  return s;
}

/** The branch of a union that describes `value`: the one whose `type` const matches, else the first object branch. */
function branchFor(root: Schema, schema: Schema | undefined, value: unknown): Schema | undefined {
  const s = deref(root, schema);
  const options = (s?.anyOf ?? s?.oneOf) as Schema[] | undefined;
  if (!options) return s;
  const candidates = options.map((o) => deref(root, o)).filter((o): o is Schema => Boolean(o));
  const tag = (value as { type?: unknown } | null)?.type;
  const matching =
    candidates.find((o) => {
      const t = (o.properties as Record<string, Schema> | undefined)?.type;
      return t && (t.const === tag || (Array.isArray(t.enum) && t.enum.includes(tag)));
    }) ??
    candidates.find((o) =>
      Array.isArray(value) ? o.type === "array" : typeof value === "object" && o.type === "object",
    ) ??
    candidates[0];
  return branchFor(root, matching, value);
}

function describe(schema: Schema | undefined, outer: Schema | undefined): string | undefined {
  const text = (outer?.description ?? schema?.description) as string | undefined;
  const parts: string[] = [];
  if (text) parts.push(text);
  const def = outer?.default ?? schema?.default;
  if (def !== undefined && (typeof def !== "object" || def === null))
    parts.push(`(default: ${JSON.stringify(def)})`);
  if (parts.length === 0) return undefined;
  // One comment line per sentence-ish chunk; a comment never spans a YAML line break.
  return ` ${parts.join(" ").replace(/[\r\n\u2028\u2029\u0085]+/g, " ")}`;
}

function annotate(root: Schema, node: Node | null, schema: Schema | undefined): void {
  if (isMap(node)) {
    const s = branchFor(root, schema, node.toJSON());
    const props = (s?.properties ?? {}) as Record<string, Schema>;
    const additional =
      typeof s?.additionalProperties === "object" ? (s.additionalProperties as Schema) : undefined;
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      const outer = props[key] ?? additional;
      const inner = branchFor(
        root,
        outer,
        isMap(pair.value) || isSeq(pair.value) ? (pair.value as YAMLMap).toJSON() : undefined,
      );
      const comment = describe(inner, deref(root, outer));
      if (comment) pair.key.commentBefore = comment;
      annotate(root, pair.value as Node | null, inner);
    }
    return;
  }
  if (isSeq(node)) {
    const s = branchFor(root, schema, node.toJSON());
    const items = s?.items as Schema | undefined;
    for (const item of (node as YAMLSeq).items) annotate(root, item as Node, items);
  }
}

/**
 * Values as YAML with each field's description and default above it, like
 * `helm show values`: the schema is the JSON Schema of the values, `values`
 * the fully defaulted values (or any part of them).
 */
export function valuesYaml(values: unknown, schema: Schema, header: string[] = []): string {
  // YAML 1.1, the dialect values files are read in: text such as "yes" or "0755" is quoted.
  const doc = new Document(values, { version: "1.1" });
  annotate(schema, doc.contents as Node, schema);
  if (header.length > 0) doc.commentBefore = header.map((l) => ` ${l}`).join("\n");
  return doc.toString({ lineWidth: 0 });
}
