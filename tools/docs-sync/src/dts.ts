/**
 * Declaration emit drops the JSDoc of zod shape keys: `z.strictObject(shape)` returns
 * `ZodObject<util.Writeable<T>>`, and the emitter prints that mapped type as a fresh type
 * literal without the comments. This pass puts them back into a built package's `.d.ts`, from
 * the descriptions of the package's runtime schemas, so hovers work for the package's users too.
 *
 * Each `declare const NAME: z.Zod...<...>` whose runtime export NAME is a zod schema is walked
 * together with that schema: an object's type literal members pair with its shape's keys,
 * wrappers (`ZodDefault`, `ZodOptional`, ...) with their inner schema, and so on. A member gets
 * the description the values JSON Schema shows for that property.
 */
import ts from "typescript";
import { renderJsDoc } from "./sync.js";

/** The part of a zod v4 schema this pass reads. */
interface ZodLike {
  readonly description?: string;
  readonly _zod: { readonly def: Record<string, unknown> & { readonly type: string } };
}

function isZod(value: unknown): value is ZodLike {
  return (
    typeof value === "object" &&
    value !== null &&
    "_zod" in value &&
    typeof (value as { _zod?: { def?: { type?: unknown } } })._zod?.def?.type === "string"
  );
}

const WRAPPERS = new Set([
  "default",
  "prefault",
  "optional",
  "nullable",
  "readonly",
  "catch",
  "nonoptional",
  "success",
]);

function child(schema: ZodLike, key: string): ZodLike | undefined {
  const value = schema._zod.def[key];
  return isZod(value) ? value : undefined;
}

function lazyInner(schema: ZodLike): ZodLike | undefined {
  const getter = schema._zod.def.getter;
  if (typeof getter !== "function") return undefined;
  const inner: unknown = getter();
  return isZod(inner) ? inner : undefined;
}

/** The description JSON Schema shows for a schema: its own, else its inner schema's. */
export function descriptionOf(schema: ZodLike, depth = 0): string | undefined {
  if (schema.description) return schema.description;
  if (depth > 20) return undefined;
  const { type } = schema._zod.def;
  const inner = WRAPPERS.has(type)
    ? child(schema, "innerType")
    : type === "pipe"
      ? child(schema, "in")
      : type === "lazy"
        ? lazyInner(schema)
        : undefined;
  return inner ? descriptionOf(inner, depth + 1) : undefined;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function zodTypeName(node: ts.TypeNode): string | undefined {
  if (!ts.isTypeReferenceNode(node)) return undefined;
  const name = node.typeName;
  const last = ts.isQualifiedName(name) ? name.right.text : name.text;
  return last.startsWith("Zod") ? last : undefined;
}

function tupleElements(node: ts.TypeNode | undefined): readonly ts.TypeNode[] {
  let n = node;
  if (n && ts.isTypeOperatorNode(n)) n = n.type;
  if (!n || !ts.isTupleTypeNode(n)) return [];
  return n.elements.map((e) => (ts.isNamedTupleMember(e) ? e.type : e));
}

function memberName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) {
    return name.text;
  }
  return undefined;
}

/** Pairs a printed zod type with its runtime schema, collecting a JSDoc edit per described key. */
function walk(
  sf: ts.SourceFile,
  node: ts.TypeNode,
  schema: ZodLike,
  edits: Edit[],
  depth: number,
): void {
  if (depth > 60 || !zodTypeName(node)) return;
  const args = (node as ts.TypeReferenceNode).typeArguments ?? [];
  const def = schema._zod.def;
  const next = (typeNode: ts.TypeNode | undefined, s: ZodLike | undefined) => {
    if (typeNode && s) walk(sf, typeNode, s, edits, depth + 1);
  };
  switch (def.type) {
    case "object": {
      const literal = args[0];
      const shape = def.shape as Record<string, unknown> | undefined;
      if (!literal || !ts.isTypeLiteralNode(literal) || !shape) return;
      for (const member of literal.members) {
        if (!ts.isPropertySignature(member) || !member.type) continue;
        const key = memberName(member.name);
        const value = key === undefined ? undefined : shape[key];
        if (!isZod(value)) continue;
        const description = descriptionOf(value);
        if (description) {
          const start = member.getStart(sf);
          const { character } = sf.getLineAndCharacterOfPosition(start);
          const indent = " ".repeat(character);
          const doc = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc).at(-1);
          const from = doc ? doc.getStart(sf) : start;
          edits.push({
            start: from,
            end: start,
            text: `${renderJsDoc(description, indent)}\n${indent}`,
          });
        }
        next(member.type, value);
      }
      return;
    }
    case "array":
      next(args[0], child(schema, "element"));
      return;
    case "record":
      next(args[1], child(schema, "valueType"));
      return;
    case "union": {
      const options = Array.isArray(def.options) ? def.options : [];
      tupleElements(args[0]).forEach((element, i) => {
        const option: unknown = options[i];
        if (isZod(option)) next(element, option);
      });
      return;
    }
    case "intersection":
      next(args[0], child(schema, "left"));
      next(args[1], child(schema, "right"));
      return;
    case "pipe":
      next(args[0], child(schema, "in"));
      next(args[1], child(schema, "out"));
      return;
    case "lazy":
      next(args[0], lazyInner(schema));
      return;
    default:
      if (WRAPPERS.has(def.type)) next(args[0], child(schema, "innerType"));
  }
}

/** The `local → exported` names of a declaration file's `export { a as b }` clauses. */
function exportNames(sf: ts.SourceFile): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const statement of sf.statements) {
    if (
      !ts.isExportDeclaration(statement) ||
      statement.moduleSpecifier ||
      !statement.exportClause ||
      !ts.isNamedExports(statement.exportClause)
    ) {
      continue;
    }
    for (const spec of statement.exportClause.elements) {
      const local = (spec.propertyName ?? spec.name).text;
      names.set(local, [...(names.get(local) ?? []), spec.name.text]);
    }
  }
  return names;
}

/**
 * The declaration text with a JSDoc on every zod shape key that has a description. `exports`
 * are the package's runtime exports (every entry point's, merged).
 */
export function documentDeclarations(
  fileName: string,
  text: string,
  exports: Readonly<Record<string, unknown>>,
): { text: string; documented: number } {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const exported = exportNames(sf);
  const edits: Edit[] = [];
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const decl of statement.declarationList.declarations) {
      if (!ts.isIdentifier(decl.name) || !decl.type) continue;
      const local = decl.name.text;
      const candidates = [local, ...(exported.get(local) ?? [])];
      const runtime = candidates.map((n) => exports[n]).find(isZod);
      if (runtime) walk(sf, decl.type, runtime, edits, 0);
    }
  }
  let out = text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return { text: out, documented: edits.length };
}
