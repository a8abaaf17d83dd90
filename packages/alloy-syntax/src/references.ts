/**
 * Reference checking for a whole file: every `a.b.c` in an expression must
 * name a standard-library function, a declare argument, an import namespace,
 * or a component defined in the same scope (and, for components whose
 * exports are known, one of those exports).
 *
 * Alloy itself only finds these when it loads the file; component packages
 * run this at render time so a dangling reference fails the render.
 */
import type { Block, Expr, File, Position, Statement } from "./ast.js";
import { referencePath } from "./ast.js";
import { componentExports } from "./components/registry.js";
import { closest } from "./schema.js";
import { quote } from "./strings.js";

/** One reference that does not resolve. */
export interface ReferenceProblem {
  /** The attribute holding the reference, e.g. `prometheus.scrape "pods".forward_to`. */
  readonly path: string;
  /** The reference as written, e.g. `prometheus.remote_write.default.receiver`. */
  readonly reference: string;
  readonly message: string;
  readonly hint?: string;
  /** Where the reference starts, for parsed files. */
  readonly pos?: Position;
}

export interface ValidateReferencesOptions {
  /**
   * Export names of components beyond the built-in table, by component name
   * (`{ "prometheus.exporter.redis": ["targets"] }`).
   */
  readonly exports?: Readonly<Record<string, readonly string[]>>;
}

/** Top-level identifiers of Alloy's standard library (including deprecated ones). */
export const STDLIB_ROOTS: ReadonlySet<string> = new Set([
  "array",
  "base64_decode",
  "coalesce",
  "concat",
  "constants",
  "convert",
  "encoding",
  "env",
  "file",
  "format",
  "join",
  "json_decode",
  "json_path",
  "nonsensitive",
  "replace",
  "split",
  "string",
  "sys",
  "to_lower",
  "to_upper",
  "trim",
  "trim_prefix",
  "trim_space",
  "trim_suffix",
  "yaml_decode",
]);

/** Blocks that are never component instances. */
const NOT_COMPONENTS = new Set(["declare", "argument", "export", "template"]);

interface ScopeInfo {
  readonly description: string;
  readonly parent: ScopeInfo | undefined;
  /** Component id (`name.label`) to component name. */
  readonly components: Map<string, string>;
  /** Export names of declared custom components, by declare name. */
  readonly declares: Map<string, Set<string>>;
  readonly namespaces: Set<string>;
  readonly arguments: Set<string> | undefined;
  readonly variables: Set<string>;
}

/** Returns every reference in `file` that does not resolve; an empty list means the file is consistent. */
export function validateReferences(
  file: File,
  options: ValidateReferencesOptions = {},
): ReferenceProblem[] {
  const known = new Map<string, ReadonlySet<string>>();
  for (const [name, exports] of Object.entries(componentExports))
    known.set(name, new Set(Object.keys(exports)));
  for (const [name, exports] of Object.entries(options.exports ?? {}))
    known.set(name, new Set(exports));
  const problems: ReferenceProblem[] = [];
  const root = collect(file.body, undefined, "config", undefined);
  checkBody(file.body, root, "", known, problems);
  return problems;
}

function collect(
  body: readonly Statement[],
  parent: ScopeInfo | undefined,
  description: string,
  args: Set<string> | undefined,
): ScopeInfo {
  const scope: ScopeInfo = {
    description,
    parent,
    components: new Map(),
    declares: new Map(),
    namespaces: new Set(),
    arguments: args,
    variables: new Set(parent?.variables ?? []),
  };
  const visit = (statements: readonly Statement[]) => {
    for (const s of statements) {
      if (s.type !== "Block") continue;
      if (s.name === "foreach") {
        const variable = attributeString(s, "var");
        if (variable) scope.variables.add(variable);
        for (const inner of s.body)
          if (inner.type === "Block" && inner.name === "template") visit(inner.body);
      }
      if (s.label === undefined || s.label === "") continue;
      if (s.name === "declare") {
        const exports = new Set<string>();
        for (const inner of s.body) {
          if (inner.type === "Block" && inner.name === "export" && inner.label)
            exports.add(inner.label);
        }
        scope.declares.set(s.label, exports);
        continue;
      }
      if (s.name === "argument" && args) {
        args.add(s.label);
        continue;
      }
      if (s.name.startsWith("import.")) {
        scope.namespaces.add(s.label);
        continue;
      }
      if (NOT_COMPONENTS.has(s.name)) continue;
      scope.components.set(`${s.name}.${s.label}`, s.name);
    }
  };
  visit(body);
  return scope;
}

function attributeString(block: Block, name: string): string | undefined {
  for (const s of block.body) {
    if (s.type === "Attribute" && s.name === name && s.value.type === "String")
      return s.value.value;
  }
  return undefined;
}

function checkBody(
  body: readonly Statement[],
  scope: ScopeInfo,
  path: string,
  known: Map<string, ReadonlySet<string>>,
  problems: ReferenceProblem[],
): void {
  for (const s of body) {
    if (s.type === "Attribute") {
      checkExpr(s.value, scope, path ? `${path}.${s.name}` : s.name, known, problems);
      continue;
    }
    const where = s.label ? `${s.name} ${quote(s.label)}` : s.name;
    const nested = path ? `${path}.${where}` : where;
    if (s.name === "declare" && s.label) {
      const inner = collect(s.body, scope, `declare ${quote(s.label)}`, new Set());
      checkBody(s.body, inner, nested, known, problems);
      continue;
    }
    checkBody(s.body, scope, nested, known, problems);
  }
}

function checkExpr(
  e: Expr,
  scope: ScopeInfo,
  path: string,
  known: Map<string, ReadonlySet<string>>,
  problems: ReferenceProblem[],
): void {
  switch (e.type) {
    case "Identifier":
    case "Access": {
      const parts = referencePath(e);
      if (parts) {
        resolve(parts, e, scope, path, known, problems);
        return;
      }
      if (e.type === "Access") checkExpr(e.object, scope, path, known, problems);
      return;
    }
    case "Index":
      checkExpr(e.object, scope, path, known, problems);
      checkExpr(e.index, scope, path, known, problems);
      return;
    case "Call":
      checkExpr(e.callee, scope, path, known, problems);
      for (const a of e.args) checkExpr(a, scope, path, known, problems);
      return;
    case "Array":
      for (const el of e.elements) checkExpr(el, scope, path, known, problems);
      return;
    case "Object":
      for (const f of e.fields) checkExpr(f.value, scope, path, known, problems);
      return;
    case "Unary":
      checkExpr(e.operand, scope, path, known, problems);
      return;
    case "Binary":
      checkExpr(e.left, scope, path, known, problems);
      checkExpr(e.right, scope, path, known, problems);
      return;
    case "Paren":
      checkExpr(e.inner, scope, path, known, problems);
      return;
    default:
      return;
  }
}

function resolve(
  parts: readonly string[],
  e: Expr,
  scope: ScopeInfo,
  path: string,
  known: Map<string, ReadonlySet<string>>,
  problems: ReferenceProblem[],
): void {
  const reference = parts.join(".");
  const rootName = parts[0] ?? "";
  const report = (message: string, hint?: string) => {
    const pos = startOf(e);
    problems.push({
      path,
      reference,
      message,
      ...(hint ? { hint } : {}),
      ...(pos ? { pos } : {}),
    });
  };
  if (STDLIB_ROOTS.has(rootName) || scope.namespaces.has(rootName) || scope.variables.has(rootName))
    return;
  if (rootName === "argument" && scope.arguments) {
    const name = parts[1];
    if (name === undefined || !scope.arguments.has(name)) {
      report(
        `argument ${name ?? ""} is not declared in ${scope.description}`,
        scope.arguments.size > 0 ? `declared: ${[...scope.arguments].join(", ")}` : undefined,
      );
    }
    return;
  }
  for (let k = parts.length; k >= 2; k--) {
    const id = parts.slice(0, k).join(".");
    const name = scope.components.get(id);
    if (name === undefined) continue;
    const field = parts[k];
    if (field === undefined) return;
    const exports = known.get(name) ?? findDeclare(scope, name);
    if (exports && !exports.has(field)) {
      const near = closest(field, [...exports]);
      report(
        `${id} has no export ${quote(field)}`,
        exports.size === 0
          ? `${name} exports nothing`
          : near
            ? `did you mean ${near}?`
            : `exports: ${[...exports].join(", ")}`,
      );
    }
    return;
  }
  const near = closest(parts.slice(0, Math.max(2, parts.length - 1)).join("."), [
    ...scope.components.keys(),
  ]);
  report(
    parts.length === 1
      ? `unknown identifier ${quote(reference)} in ${scope.description}`
      : `reference to a component that is not defined in ${scope.description}: ${reference}`,
    near ? `did you mean ${near}?` : "add the component to the same file or declare body",
  );
}

function findDeclare(scope: ScopeInfo, name: string): ReadonlySet<string> | undefined {
  for (let s: ScopeInfo | undefined = scope; s; s = s.parent) {
    const exports = s.declares.get(name);
    if (exports) return exports;
  }
  return undefined;
}

function startOf(e: Expr): Position | undefined {
  switch (e.type) {
    case "Access":
      return startOf(e.object);
    case "Identifier":
      return e.pos;
    default:
      return undefined;
  }
}
