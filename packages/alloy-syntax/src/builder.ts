/**
 * The builder: assemble an Alloy file from typed components, with references
 * as values.
 *
 * ```ts
 * const config = new AlloyConfig();
 * const rw = config.add(prometheus.remoteWrite("default", { endpoint: [{ url }] }));
 * config.add(prometheus.scrape("pods", { targets, forwardTo: [rw.exports.receiver] }));
 * config.toString(); // formatted exactly as `alloy fmt` would
 * ```
 *
 * `add` returns a handle whose `exports` are references. A reference can only
 * be used in the file (or `declare` body) its component was added to; using
 * it anywhere else throws. Handles only exist for added components, so a
 * reference to a component that is not in the file cannot be written.
 */
import * as ast from "./ast.js";
import { AlloyValueError, valueError } from "./errors.js";
import { print } from "./printer.js";
import { type ReferenceProblem, validateReferences } from "./references.js";
import { BodyItem, checkLabel, encodeBody, type Fields } from "./schema.js";
import { isValidIdentifier, quote } from "./strings.js";
import {
  type AlloyType,
  type Dynamic,
  Expression,
  type Input,
  Ref,
  type ReferenceTarget,
  toExpr,
} from "./values.js";

/** Export names of a component and their Alloy types. */
export type ExportTypes = Readonly<Record<string, AlloyType>>;

/** A component ready to be added to a file: what `prometheus.scrape(...)` and friends return. */
export interface ComponentSpec<E extends ExportTypes = ExportTypes> {
  /** Component name, e.g. `prometheus.scrape`. */
  readonly name: string;
  readonly label: string;
  readonly body: readonly ast.Statement[];
  /** References used in the body. */
  readonly refs: readonly Ref<AlloyType>[];
  readonly exports: E;
  /** For instances of a `declare`d component: the scope that declared it. */
  readonly declaredIn?: Scope;
}

export interface AddOptions {
  /** Comment lines printed above the block. */
  readonly comment?: string | readonly string[];
}

/** References to a component's exports, by export name. */
export type ExportRefs<E extends ExportTypes> = { readonly [K in keyof E]: Ref<E[K]> };

/** A component that has been added to a file or declare body. */
export class Component<E extends ExportTypes = ExportTypes> implements ReferenceTarget {
  readonly scope: Scope;
  readonly name: string;
  readonly label: string;
  /** `prometheus.scrape.pods` */
  readonly id: string;
  /** References to the component's exports: `remoteWrite.exports.receiver`. */
  readonly exports: ExportRefs<E>;

  constructor(scope: Scope, name: string, label: string, exportTypes: E) {
    this.scope = scope;
    this.name = name;
    this.label = label;
    this.id = `${name}.${label}`;
    const exports: Record<string, Ref<AlloyType>> = {};
    for (const field of Object.keys(exportTypes)) exports[field] = new Ref(this, field);
    this.exports = Object.freeze(exports) as ExportRefs<E>;
    // Shorthand: `remoteWrite.receiver` is `remoteWrite.exports.receiver`.
    for (const [field, ref] of Object.entries(exports)) {
      if (!(field in this)) Object.defineProperty(this, field, { value: ref, enumerable: false });
    }
  }
}

/** What `add` returns: the component, with its exports also reachable directly (`rw.receiver`). */
export type ComponentHandle<E extends ExportTypes> = Component<E> & {
  readonly [K in Exclude<keyof E, keyof Component>]: Ref<E[K]>;
};

function commentLines(comment: string | readonly string[] | undefined): string[] | undefined {
  if (comment === undefined) return undefined;
  return (typeof comment === "string" ? [comment] : [...comment]).flatMap((c) => c.split("\n"));
}

/** A place components are added to: a whole file, or the body of a `declare` block. */
export abstract class Scope {
  /** `config` or `declare "name"`, for messages. */
  abstract readonly description: string;
  readonly parent: Scope | undefined;
  protected readonly statements: ast.Statement[] = [];
  private readonly ids = new Set<string>();

  protected constructor(parent: Scope | undefined) {
    this.parent = parent;
  }

  /** Adds a component and returns its handle. */
  add<E extends ExportTypes>(spec: ComponentSpec<E>, options: AddOptions = {}): ComponentHandle<E> {
    const path = `${spec.name} ${quote(spec.label)}`;
    checkLabel(spec.label, path);
    for (const fragment of spec.name.split(".")) {
      if (!isValidIdentifier(fragment)) {
        throw valueError(path, `component name ${quote(spec.name)} is not a dotted identifier`);
      }
    }
    const id = `${spec.name}.${spec.label}`;
    if (this.ids.has(id)) {
      throw valueError(
        path,
        `is already defined in this ${this.description}`,
        "give each component a unique label",
      );
    }
    this.checkRefs(spec.refs, path);
    if (spec.declaredIn && !this.sees(spec.declaredIn)) {
      throw valueError(
        path,
        `${spec.name} is declared in another ${spec.declaredIn.description}`,
        "instantiate a declared component in the file (or declare body) that declares it",
      );
    }
    this.ids.add(id);
    this.statements.push(
      ast.block(spec.name, spec.label, spec.body, commentLines(options.comment)),
    );
    return new Component(this, spec.name, spec.label, spec.exports) as ComponentHandle<E>;
  }

  /**
   * Adds a statement built with {@link block} or {@link attr}, or a
   * configuration block such as {@link logging}.
   */
  addStatement(item: BodyItem, options: AddOptions = {}): void {
    const node = item.node;
    this.checkRefs(item.refs, node.type === "Block" ? node.name : node.name);
    const comments = commentLines(options.comment);
    this.statements.push(
      comments
        ? node.type === "Block"
          ? ast.block(node.name, node.label, node.body, [
              ...(node.leadingComments ?? []),
              ...comments,
            ])
          : ast.attribute(node.name, node.value, [...(node.leadingComments ?? []), ...comments])
        : node,
    );
  }

  /**
   * Declares a custom component (`declare "name" { ... }`). `body` adds the
   * components to the declare's own scope and returns its exports; the
   * arguments arrive as expressions (`argument.NAME.value`).
   */
  declare<
    const A extends Readonly<Record<string, ArgumentSpec>>,
    R extends Readonly<Record<string, Expression<AlloyType>>>,
  >(name: string, definition: DeclareDefinition<A, R>): CustomComponent<A, ExportTypesOf<R>> {
    const path = `declare ${quote(name)}`;
    if (!isValidIdentifier(name)) {
      throw valueError(
        path,
        `${quote(name)} is not a valid identifier`,
        "custom component names are single identifiers",
      );
    }
    const id = `declare.${name}`;
    if (this.ids.has(id)) throw valueError(path, `is already declared in this ${this.description}`);
    const scope = new DeclareScope(this, name);
    const argumentSpecs = (definition.arguments ?? {}) as A;
    const args: Record<string, Dynamic> = {};
    const argumentBlocks: ast.Statement[] = [];
    for (const [argName, spec] of Object.entries(argumentSpecs)) {
      const where = `${path}.argument ${quote(argName)}`;
      checkLabel(argName, where);
      args[argName] = new Ref(
        { scope, id: `argument.${argName}`, kind: "argument" } as ReferenceTarget,
        "value",
      ) as unknown as Dynamic;
      const body: ast.Statement[] = [];
      if (spec.comment !== undefined) body.push(ast.attribute("comment", ast.string(spec.comment)));
      if (spec.optional !== undefined)
        body.push(ast.attribute("optional", ast.bool(spec.optional)));
      if (spec.default !== undefined) {
        const converted = toExpr(spec.default, `${where}.default`);
        if (converted.refs.length > 0) {
          throw valueError(`${where}.default`, "a default cannot refer to components");
        }
        body.push(ast.attribute("default", converted.node));
      }
      argumentBlocks.push(ast.block("argument", argName, body));
    }
    const exported = definition.body(scope, args as DeclareArguments<A>) ?? ({} as R);
    const exportBlocks: ast.Statement[] = [];
    const exportTypes: Record<string, AlloyType> = {};
    for (const [exportName, value] of Object.entries(exported)) {
      const where = `${path}.export ${quote(exportName)}`;
      checkLabel(exportName, where);
      if (!(value instanceof Expression))
        throw valueError(where, "expected an expression to export");
      scope.checkRefs(value.refs, where);
      exportBlocks.push(ast.block("export", exportName, [ast.attribute("value", value.node)]));
      // Only the names matter at run time; the types live in ExportTypesOf<R>.
      exportTypes[exportName] = "string";
    }
    this.ids.add(id);
    this.statements.push(
      ast.block(
        "declare",
        name,
        [...argumentBlocks, ...scope.body(), ...exportBlocks],
        commentLines(definition.comment),
      ),
    );
    return new CustomComponent<A, ExportTypesOf<R>>(
      this,
      name,
      argumentSpecs,
      exportTypes as ExportTypesOf<R>,
    );
  }

  /** Throws unless every reference points into this scope. */
  checkRefs(refs: readonly Ref<AlloyType>[], path: string): void {
    for (const ref of refs) {
      const target = ref.target as ReferenceTarget & { kind?: string };
      const text = `${target.id}.${ref.field}`;
      if (target.scope !== this) {
        const where = (target.scope as Scope).description ?? "config";
        throw valueError(
          path,
          `refers to ${text}, which belongs to a different ${where}, not to this ${this.description}`,
          target.kind === "argument"
            ? "arguments can only be used inside their declare body"
            : "add the component to this file first and use the handle that add() returns",
        );
      }
      if (target.kind !== "argument" && !this.ids.has(target.id)) {
        throw valueError(
          path,
          `refers to ${text}, but ${target.id} is not in this ${this.description}`,
        );
      }
    }
  }

  private sees(scope: Scope): boolean {
    for (let s: Scope | undefined = this; s; s = s.parent) if (s === scope) return true;
    return false;
  }

  /** The statements added so far. */
  body(): ast.Statement[] {
    return [...this.statements];
  }
}

/** An Alloy configuration file under construction. */
export class AlloyConfig extends Scope {
  override readonly description = "config";

  constructor() {
    super(undefined);
  }

  /** The file as a syntax tree (without positions). */
  toAst(): ast.File {
    return ast.file(this.body());
  }

  /** The file as text, formatted byte for byte as `alloy fmt` formats it. */
  override toString(): string {
    return print(this.toAst());
  }

  /** References to components that are not in the file (only possible through `expr.raw`). */
  check(): ReferenceProblem[] {
    return validateReferences(this.toAst());
  }

  /** {@link toString}, after {@link check} found nothing (throws {@link AlloyValueError} otherwise). */
  render(): string {
    const problems = this.check();
    if (problems.length > 0) {
      throw new AlloyValueError(
        problems.map((p) => ({
          path: p.path,
          message: p.message,
          ...(p.hint ? { hint: p.hint } : {}),
        })),
      );
    }
    return this.toString();
  }
}

/** The body of a `declare` block. */
export class DeclareScope extends Scope {
  override readonly description: string;

  constructor(parent: Scope, name: string) {
    super(parent);
    this.description = `declare ${quote(name)}`;
  }
}

// --- declare ------------------------------------------------------------------------------------

/** An `argument "name" { ... }` of a custom component. */
export interface ArgumentSpec {
  /** Whether callers may leave the argument out (default false: required). */
  readonly optional?: boolean;
  /** Value used when the argument is left out. */
  readonly default?: Input;
  readonly comment?: string;
}

export type DeclareArguments<A> = { readonly [K in keyof A]: Dynamic };

export interface DeclareDefinition<A, R> {
  readonly comment?: string | readonly string[];
  readonly arguments?: A;
  /** Adds the components to `scope` and returns the exports, e.g. `{ output: relabel.exports.output }`. */
  body(scope: DeclareScope, args: DeclareArguments<A>): R | undefined;
}

type TypeOf<X> = X extends Expression<infer T> ? T : never;
export type ExportTypesOf<R> = { readonly [K in keyof R]: TypeOf<R[K]> };

type RequiredArgs<A> = {
  [K in keyof A as A[K] extends { readonly optional: true } ? never : K]: Input;
};
type OptionalArgs<A> = {
  [K in keyof A as A[K] extends { readonly optional: true } ? K : never]?: Input;
};
/** Arguments of an instance: required unless declared `optional: true`. */
export type InstanceArgs<A> = RequiredArgs<A> & OptionalArgs<A>;

/** A component declared with `declare`; create instances with {@link CustomComponent.instance}. */
export class CustomComponent<A, E extends ExportTypes> {
  readonly scope: Scope;
  readonly name: string;
  private readonly argumentSpecs: Readonly<Record<string, ArgumentSpec>>;
  private readonly exportTypes: E;

  constructor(scope: Scope, name: string, argumentSpecs: A, exportTypes: E) {
    this.scope = scope;
    this.name = name;
    this.argumentSpecs = argumentSpecs as Readonly<Record<string, ArgumentSpec>>;
    this.exportTypes = exportTypes;
  }

  /** An instance `NAME "label" { ... }` to pass to `add`. */
  instance(label: string, args: InstanceArgs<A>): ComponentSpec<E> {
    const path = `${this.name} ${quote(label)}`;
    checkLabel(label, path);
    const values = args as Readonly<Record<string, Input | undefined>>;
    const fields: Record<string, { kind: "attr"; alloy: string; required?: boolean }> = {};
    for (const [argName, spec] of Object.entries(this.argumentSpecs)) {
      fields[argName] =
        spec.optional === true
          ? { kind: "attr", alloy: argName }
          : { kind: "attr", alloy: argName, required: true };
    }
    const { statements, refs } = encodeBody(values, fields as Fields, path);
    return {
      name: this.name,
      label,
      body: statements,
      refs,
      exports: this.exportTypes,
      declaredIn: this.scope,
    };
  }
}

// --- generic statements -------------------------------------------------------------------------

/** `name = value` */
export function attr(name: string, value: Input, options: AddOptions = {}): BodyItem {
  if (!isValidIdentifier(name)) throw valueError(name, "attribute name is not a valid identifier");
  const converted = toExpr(value, name);
  return new BodyItem(
    ast.attribute(name, converted.node, commentLines(options.comment)),
    converted.refs,
  );
}

/** The body of a generic block: statements, or a record of attributes. */
export type BlockBody = readonly BodyItem[] | Readonly<Record<string, Input | undefined>>;

/**
 * `name "label" { body }` for anything without a typed constructor:
 * `block("logging", { level: "info" })`, `block("rule", [attr("action", "drop")])`.
 */
export function block(
  name: string,
  body: BlockBody,
  options: AddOptions & { readonly label?: string } = {},
): BodyItem {
  for (const fragment of name.split(".")) {
    if (!isValidIdentifier(fragment))
      throw valueError(name, "block name is not a dotted identifier");
  }
  if (options.label !== undefined) checkLabel(options.label, `${name} ${quote(options.label)}`);
  const items: BodyItem[] = Array.isArray(body)
    ? (body as readonly BodyItem[]).map((item, i) => {
        if (!(item instanceof BodyItem))
          throw valueError(`${name}[${i}]`, "expected attr() or block()");
        return item;
      })
    : Object.entries(body as Readonly<Record<string, Input | undefined>>)
        .filter((entry): entry is [string, Input] => entry[1] !== undefined)
        .map(([key, value]) => attr(key, value));
  return new BodyItem(
    ast.block(
      name,
      options.label,
      items.map((i) => i.node),
      commentLines(options.comment),
    ),
    items.flatMap((i) => i.refs),
  );
}

/**
 * A component without a typed constructor:
 * `component("prometheus.exporter.redis", "cache", [attr("redis_addr", "redis:6379")], { targets: "list(map(string))" })`.
 */
export function component<const E extends ExportTypes = Record<never, never>>(
  name: string,
  label: string,
  body: BlockBody,
  exports?: E,
): ComponentSpec<E> {
  const item = block(name, body, { label });
  const node = item.node as ast.Block;
  return { name, label, body: node.body, refs: item.refs, exports: (exports ?? {}) as E };
}

/** Defines a typed component constructor from a schema. */
export function defineComponent<A extends object, E extends ExportTypes>(
  name: string,
  fields: Fields,
  exports: E,
): Record<never, never> extends A
  ? (label: string, args?: A) => ComponentSpec<E>
  : (label: string, args: A) => ComponentSpec<E> {
  const make = (label: string, args?: A): ComponentSpec<E> => {
    const path = `${name} ${quote(label)}`;
    checkLabel(label, path);
    const { statements, refs } = encodeBody(args ?? {}, fields, path);
    return { name, label, body: statements, refs, exports };
  };
  return make as never;
}

/** Defines a constructor for a nested block (a loki.process stage, a config block). */
export function defineBlock<A extends object>(
  name: string,
  fields: Fields,
): Record<never, never> extends A ? (args?: A) => BodyItem : (args: A) => BodyItem {
  const make = (args?: A): BodyItem => {
    const { statements, refs } = encodeBody(args ?? {}, fields, name);
    return new BodyItem(ast.block(name, undefined, statements), refs);
  };
  return make as never;
}

export { BodyItem };
