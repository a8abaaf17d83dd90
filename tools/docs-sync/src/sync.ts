/**
 * One source of truth for value documentation: the `.describe("...")` text of a zod schema
 * (what the values JSON Schema shows) is copied into a JSDoc comment above the shape key that
 * holds it (what editor hovers show, since zod's inferred object types keep the keys' JSDoc).
 *
 * The rewrite is textual and local: only the JSDoc directly above a described key is inserted
 * or replaced; every other byte of the file is left as it was.
 */
import ts from "typescript";

/** A key whose JSDoc differs from its `.describe()` text (`insert`: no JSDoc yet). */
export interface Drift {
  file: string;
  line: number;
  key: string;
  action: "insert" | "update";
  description: string;
}

/** A `.describe()` whose argument is not a string the tool can evaluate statically. */
export interface Unresolved {
  file: string;
  line: number;
  key: string;
}

export interface SyncResult {
  text: string;
  drift: Drift[];
  unresolved: Unresolved[];
}

/** The longest a generated comment line may be (biome's lineWidth). */
export const LINE_WIDTH = 100;

/**
 * Methods whose result does not carry the receiver's description into the JSON Schema (zod
 * builds a new schema without the metadata), so the walk down a chain stops at them.
 */
const DROPS_DESCRIPTION = new Set([
  "extend",
  "safeExtend",
  "merge",
  "partial",
  "required",
  "pick",
  "omit",
  "keyof",
  "nullable",
  "nullish",
  "or",
  "and",
  "array",
  "unwrap",
  "element",
]);

type Evaluated = { kind: "text"; text: string } | { kind: "unresolved" } | undefined;

function unwrapExpression(expr: ts.Expression): ts.Expression {
  let e = expr;
  while (
    ts.isParenthesizedExpression(e) ||
    ts.isAsExpression(e) ||
    ts.isSatisfiesExpression(e) ||
    ts.isNonNullExpression(e)
  ) {
    e = e.expression;
  }
  return e;
}

/** `const NAME = <initializer>` declarations of the file whose name is declared only once. */
function constInitializers(sf: ts.SourceFile): Map<string, ts.Expression> {
  const found = new Map<string, ts.Expression | null>();
  const visit = (node: ts.Node) => {
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.initializer &&
      ts.isVariableDeclarationList(node.parent) &&
      (node.parent.flags & ts.NodeFlags.Const) !== 0
    ) {
      const name = node.name.text;
      found.set(name, found.has(name) ? null : node.initializer);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  const result = new Map<string, ts.Expression>();
  for (const [name, init] of found) if (init) result.set(name, init);
  return result;
}

/** The string an expression stands for: literals, `+`, templates over same-file string consts. */
function evaluateString(
  expr: ts.Expression,
  consts: Map<string, ts.Expression>,
  seen: Set<string> = new Set(),
): string | undefined {
  const e = unwrapExpression(expr);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (ts.isNumericLiteral(e)) return e.text;
  if (ts.isTemplateExpression(e)) {
    let out = e.head.text;
    for (const span of e.templateSpans) {
      const value = evaluateString(span.expression, consts, seen);
      if (value === undefined) return undefined;
      out += value + span.literal.text;
    }
    return out;
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = evaluateString(e.left, consts, seen);
    const right = evaluateString(e.right, consts, seen);
    return left === undefined || right === undefined ? undefined : left + right;
  }
  if (ts.isIdentifier(e) && !seen.has(e.text)) {
    const init = consts.get(e.text);
    if (!init) return undefined;
    return evaluateString(init, consts, new Set([...seen, e.text]));
  }
  return undefined;
}

/**
 * The description a schema expression ends up with: the outermost `.describe()` of its method
 * chain, looking through same-file consts (`peer: externalPeer.optional()`), and stopping at
 * methods that drop the description.
 */
function describeOf(
  expr: ts.Expression,
  consts: Map<string, ts.Expression>,
  seen: Set<string> = new Set(),
): Evaluated {
  const e = unwrapExpression(expr);
  if (ts.isCallExpression(e)) {
    const callee = unwrapExpression(e.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const method = callee.name.text;
    if (method === "describe") {
      const arg = e.arguments[0];
      if (e.arguments.length !== 1 || !arg) return { kind: "unresolved" };
      const text = evaluateString(arg, consts);
      return text === undefined ? { kind: "unresolved" } : { kind: "text", text };
    }
    if (DROPS_DESCRIPTION.has(method)) return undefined;
    return describeOf(callee.expression, consts, seen);
  }
  if (ts.isIdentifier(e) && !seen.has(e.text)) {
    const init = consts.get(e.text);
    return init ? describeOf(init, consts, new Set([...seen, e.text])) : undefined;
  }
  return undefined;
}

/** One line of text for a comment: whitespace collapsed, `*\/` unable to end the comment. */
export function commentText(description: string): string {
  return description.replace(/\s+/g, " ").trim().replaceAll("*/", "*\\/");
}

/** The JSDoc for a description at an indentation: one line when it fits, else wrapped. */
export function renderJsDoc(description: string, indent: string): string {
  const text = commentText(description);
  const single = `/** ${text} */`;
  if (indent.length + single.length <= LINE_WIDTH) return single;
  const width = LINE_WIDTH - indent.length - 3;
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return ["/**", ...lines.map((l) => `${indent} * ${l}`), `${indent} */`].join("\n");
}

function propertyName(name: ts.PropertyName, sf: ts.SourceFile): string {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)
    ? name.text
    : name.getText(sf);
}

/**
 * Brings every described shape key's JSDoc in line with its `.describe()` text. Keys without a
 * statically known description are left alone (their comments too).
 */
export function syncSource(file: string, text: string): SyncResult {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const consts = constInitializers(sf);
  const edits: { start: number; end: number; text: string }[] = [];
  const drift: Drift[] = [];
  const unresolved: Unresolved[] = [];

  const visit = (node: ts.Node) => {
    if (
      (ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) &&
      ts.isObjectLiteralExpression(node.parent)
    ) {
      // `{ replicas }` takes the description of the const it names.
      const described = describeOf(
        ts.isPropertyAssignment(node) ? node.initializer : node.name,
        consts,
      );
      const start = node.getStart(sf);
      const { line, character } = sf.getLineAndCharacterOfPosition(start);
      const key = propertyName(node.name, sf);
      if (described?.kind === "unresolved") {
        unresolved.push({ file, line: line + 1, key });
      } else if (described) {
        const lineStart = sf.getPositionOfLineAndCharacter(line, 0);
        const before = text.slice(lineStart, start);
        const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
        const doc = docs[docs.length - 1];
        if (/^\s*$/.test(before)) {
          const indent = " ".repeat(character);
          const wanted = renderJsDoc(described.text, indent);
          if (!doc) {
            edits.push({ start, end: start, text: `${wanted}\n${indent}` });
            drift.push({
              file,
              line: line + 1,
              key,
              action: "insert",
              description: described.text,
            });
          } else if (text.slice(doc.getStart(sf), doc.end) !== wanted) {
            edits.push({ start: doc.getStart(sf), end: doc.end, text: wanted });
            drift.push({
              file,
              line: line + 1,
              key,
              action: "update",
              description: described.text,
            });
          }
        } else {
          // A key that shares its line (`{ a: x, b: y }`) cannot carry a JSDoc that hovers show:
          // it moves to a line of its own under its comment (a formatter then lays the object out).
          const indent = `${/^\s*/.exec(before)?.[0] ?? ""}  `;
          const wanted = renderJsDoc(described.text, indent);
          const from = doc ? doc.getStart(sf) : start;
          edits.push({ start: from, end: start, text: `\n${indent}${wanted}\n${indent}` });
          drift.push({
            file,
            line: line + 1,
            key,
            action: doc ? "update" : "insert",
            description: described.text,
          });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);

  let out = text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return { text: out, drift, unresolved };
}
