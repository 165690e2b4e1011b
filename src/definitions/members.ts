/**
 * The members of a graph: nodes with fields and links, the root, unions and interfaces, and the
 * loader protocol they share. All are created with factory functions (no `new`) and are
 * immutable.
 *
 * Every field and link has a *loader*: a function that loads a whole batch at once. The engine
 * calls each loader once per node per query path with every id at that path.
 *
 * @module
 */

import type { AppliedDirective } from "./applied_directive.ts";
import type { ContextLoader } from "./context.ts";
import type { Option, OptionValues } from "./option.ts";
import type { QueryField, QueryLink } from "../query/query.ts";
import { type GraphType, isGraphType } from "./types.ts";

/** An identifier of a node instance: a primitive, compared by value. */
export type Id = string | number | bigint | boolean;

/**
 * Whether a value is an {@linkcode Id} (internal: the engine refuses other values in place of
 * ids).
 *
 * @param value Any value.
 * @returns Whether it is a string, number, bigint or boolean.
 */
export function isId(value: unknown): value is Id {
  const type = typeof value;
  return type === "string" || type === "number" || type === "bigint" || type === "boolean";
}

/**
 * What an `Optional` link's loader returns when there is nothing to link to.
 *
 * @example
 * ```ts
 * import { Nothing } from "./members.ts";
 * const mentorOf = (ids: number[]) => ids.map((id) => id === 1 ? 2 : Nothing);
 * ```
 */
export const Nothing: unique symbol = Symbol.for("hiku-ts.Nothing");

/** The type of {@linkcode Nothing}. */
export type NothingType = typeof Nothing;

/**
 * Any loader function. The arguments depend on where the loader is used; see {@linkcode Field}
 * and {@linkcode Link} for the protocol. Loaders may return a value or a Promise of it.
 */
export type Loader = (...args: never[]) => unknown;

/**
 * A field loader: `(fields, ids) => rows` on a node, `(fields) => values` on the root. Written
 * inline, its parameters get these types; a loader declaring narrower ones (`ids: number[]`) is
 * accepted too.
 */
export type FieldLoader = {
  bivariant(fields: readonly (QueryField | QueryLink)[], ids: readonly Id[]): unknown;
}["bivariant"];

/**
 * A field as the loader of a field declaring options `O` receives it: `options` has one property
 * per declared option, of the option's type (declared defaults applied). Without declared
 * options, a plain `QueryField | QueryLink`.
 *
 * @typeParam O The field's declared options.
 */
export type TypedQueryField<O extends readonly Option[]> = [O] extends [readonly []]
  ? QueryField | QueryLink
  :
    | (Omit<QueryField, "options"> & { readonly options: OptionValues<O> })
    | (Omit<QueryLink, "options"> & { readonly options: OptionValues<O> });

/**
 * A field loader for a field with these options: `(fields, ids) => rows` on a node,
 * `(fields) => values` on the root, each field's `options` typed from the declared ones. Written
 * inline in `Field`, its parameters get these types.
 *
 * @typeParam O The field's declared options.
 */
export type TypedFieldLoader<O extends readonly Option[]> = {
  bivariant(fields: readonly TypedQueryField<O>[], ids: readonly Id[]): unknown;
}["bivariant"];

/**
 * {@linkcode FieldInit} with the options `Field` infers from it.
 *
 * @typeParam O The field's declared options.
 */
export interface TypedFieldInit<O extends readonly Option[]> extends FieldInit {
  /** Declared options. */
  readonly options?: O;
}

/**
 * A link loader: `(values, options?) => ids` with `requires`, `(options?) => ids` without.
 * Written inline, its parameters get these types; a loader declaring narrower ones is accepted
 * too.
 */
export type LinkLoader = {
  bivariant(values: readonly unknown[], options: { readonly [name: string]: unknown }): unknown;
}["bivariant"];

/**
 * What a link's `requires` can be: a field name, a list of them, or `null`.
 */
export type Requires = string | readonly string[] | null;

/**
 * The arguments of a link loader after the context, given the link's `requires` and options:
 * `[options]` for `requires: null`, `[values, options]` otherwise, the options typed with
 * {@linkcode OptionValues}.
 *
 * @typeParam R The link's `requires`.
 * @typeParam O The link's declared options.
 */
export type LinkLoaderArgs<R extends Requires, O extends readonly Option[]> = [R] extends [null]
  ? [options: OptionValues<O>]
  : [values: readonly unknown[], options: OptionValues<O>];

/**
 * A link loader for a link with these `requires` and options: `(values, options) => ids`, or
 * `(options) => ids` with `requires: null`, where `options` has one property per declared option,
 * of the option's type. Written inline in `Link`, its parameters get these types; a loader
 * declaring narrower ones (`ids: number[]`) is accepted too, one declaring an option of another
 * type is not.
 *
 * @typeParam R The link's `requires`.
 * @typeParam O The link's declared options.
 */
export type TypedLinkLoader<R extends Requires, O extends readonly Option[]> = {
  bivariant(...args: LinkLoaderArgs<R, O>): unknown;
}["bivariant"];

/**
 * {@linkcode LinkInit} with the types `Link` infers from it: `requires` and the options.
 *
 * @typeParam R The link's `requires`.
 * @typeParam O The link's declared options.
 */
export interface TypedLinkInit<R extends Requires, O extends readonly Option[]> extends LinkInit {
  /** The field (or fields) whose values the loader receives, or `null`. */
  readonly requires: R;
  /** Declared options. */
  readonly options?: O;
}

/**
 * A hook a loader can carry to give the type of a field declared with a `null` type (the Postgres
 * sources use it to take types from table columns).
 */
export const FIELD_TYPE: unique symbol = Symbol.for("hiku-ts.fieldType");

/**
 * A hook a link loader can carry to be bound to the link it is used in (the Postgres sources use
 * it so that a link query returns one id, an id or `Nothing`, or a list, as the link's type says).
 */
export const BIND_LINK: unique symbol = Symbol.for("hiku-ts.bindLink");

/** What a link-aware loader is told about the link it is bound to. */
export interface LinkBinding {
  /** The link's name. */
  readonly name: string;
  /** The link's type. */
  readonly type: GraphType;
  /** The cardinality derived from the type, or `null` when the type is not a link type. */
  readonly cardinality: LinkCardinality | null;
  /** The link's `requires`. */
  readonly requires: string | readonly string[] | null;
  /** The names of the options the link declares. */
  readonly options: readonly string[];
}

/** A loader that adapts itself to the link it is used in. */
export interface LinkAwareLoader {
  /** Returns the loader to use for that link. */
  readonly [BIND_LINK]: (link: LinkBinding) => Loader;
}

/** A loader that can name the type of the fields it loads. */
export interface TypedLoader {
  /** Returns the type of the named field, or `undefined` when it does not know. */
  readonly [FIELD_TYPE]: (name: string) => GraphType | undefined;
}

/** What {@linkcode Field} accepts besides name, type and loader. */
export interface FieldInit {
  /** Declared options. */
  readonly options?: readonly Option[];
  /** Human-readable description. */
  readonly description?: string;
  /** Deprecation reason. */
  readonly deprecated?: string;
  /** Directives applied to the field, for the schema export. */
  readonly directives?: readonly AppliedDirective[];
}

/** A field of a node or of the root: a value loaded in batches. */
export interface Field {
  /** Discriminant. */
  readonly kind: "field";
  /** The field's name. */
  readonly name: string;
  /** The field's type, or `null` when unknown (treated as `Any`). */
  readonly type: GraphType | null;
  /** The batch loader. */
  readonly loader: Loader;
  /** Declared options. */
  readonly options: readonly Option[];
  /** Option name to option. */
  readonly optionsMap: ReadonlyMap<string, Option>;
  /** Human-readable description. */
  readonly description: string | null;
  /** Deprecation reason, when deprecated. */
  readonly deprecated: string | null;
  /** Directives applied to the field, for the schema export. */
  readonly directives: readonly AppliedDirective[];
}

/**
 * Declares a field.
 *
 * Loader protocol:
 * - on a node: `(fields: QueryField[], ids: Id[]) => rows`: one row per id, in the order of
 *   `ids`; each row is an array with one value per field, in the order of `fields`;
 * - on the root: `(fields: QueryField[]) => values`: one value per field.
 *
 * Fields of one node that share a loader are loaded by ONE call per query path. Each query field
 * has `name`, `alias` and `options` (declared defaults applied). Wrap the loader with
 * `passContext` to receive the execution context as the first argument. The loader may return a
 * Promise.
 *
 * A loader that cannot load one id may put an `Error` in that id's place (instead of its row), or
 * in one cell of a row: only those positions fail (field errors in GraphQL responses, with the
 * error's own message), the others keep their values.
 *
 * @param name The field's name.
 * @param type The field's type; `null` to take it from the loader (e.g. a table column) or leave
 *   it unknown.
 * @param loader The batch loader.
 * @param init Options, description, deprecation.
 * @returns The field definition.
 * @example
 * ```ts
 * import { Field } from "./members.ts";
 * import { Str } from "./types.ts";
 * const names = new Map([[1, "James T. Kirk"]]);
 * const name = Field("name", Str, (fields, ids: number[]) => ids.map((id) => [names.get(id)]));
 * ```
 */
export function Field<const O extends readonly Option[] = readonly []>(
  name: string,
  type: GraphType | null,
  loader: TypedFieldLoader<O>,
  init?: TypedFieldInit<O>,
): Field;
/**
 * Declares a field whose loader takes the context first (wrapped with `passContext`) or has
 * another signature; see the first overload for the protocol.
 *
 * @param name The field's name.
 * @param type The field's type, or `null`.
 * @param loader The batch loader.
 * @param init Options, description, deprecation.
 * @returns The field definition.
 */
export function Field(
  name: string,
  type: GraphType | null,
  loader: Loader,
  init?: FieldInit,
): Field;
export function Field(
  name: string,
  type: GraphType | null,
  loader: Loader,
  init: FieldInit = {},
): Field {
  const options = Object.freeze([...(init.options ?? [])]);
  return Object.freeze({
    kind: "field",
    name,
    type: type ?? typeFromLoader(loader, name),
    loader,
    options,
    optionsMap: optionsMap(options),
    description: init.description ?? null,
    deprecated: init.deprecated ?? null,
    directives: Object.freeze([...(init.directives ?? [])]),
  });
}

/**
 * How many nodes a link points to, derived from its type: `"one"` for `TypeRef`, `"maybe"` for
 * `Optional(TypeRef)`, `"many"` for `Sequence(TypeRef)`, `"maybeMany"` for
 * `Sequence(Optional(TypeRef))`, and `"optionalMany"` / `"optionalMaybeMany"` for the two lists
 * wrapped in `Optional` (the list itself may be absent: the loader gives `Nothing` for it).
 */
export type LinkCardinality =
  | "one"
  | "maybe"
  | "many"
  | "maybeMany"
  | "optionalMany"
  | "optionalMaybeMany";

/** What kind of type a link points to. */
export type LinkTargetKind = "node" | "union" | "interface";

/** What {@linkcode Link} accepts besides name, type and loader. */
export interface LinkInit {
  /**
   * The field (or fields) of this node whose values the loader receives, or `null` for a link
   * loaded without them, called once per query path with its result shared by every id. Root
   * links always use `null`.
   */
  readonly requires: string | readonly string[] | null;
  /** Declared options. */
  readonly options?: readonly Option[];
  /** Human-readable description. */
  readonly description?: string;
  /** Deprecation reason. */
  readonly deprecated?: string;
  /** Directives applied to the link, for the schema export. */
  readonly directives?: readonly AppliedDirective[];
  /**
   * For list links: how many items a list holds at most (or in the worst case worth planning
   * for), which the cost estimate multiplies by. Default: the estimate's `listSize` (10).
   */
  readonly size?: number;
  /**
   * For list links: the option whose integer value bounds the list (e.g. `"limit"` or
   * `"first"`), or whose list's length does (`"ids"` for a `nodes(ids:)` link), read from each
   * query's options and variables in place of `size` when given.
   */
  readonly sizeOption?: string;
}

/** A link from a node (or the root) to other nodes. */
export interface Link {
  /** Discriminant. */
  readonly kind: "link";
  /** The link's name. */
  readonly name: string;
  /** The link's type: `TypeRef`, `Optional(TypeRef)`, `Sequence(TypeRef)`, ... */
  readonly type: GraphType;
  /** The batch loader. */
  readonly loader: Loader;
  /** Required field(s), or `null`. */
  readonly requires: string | readonly string[] | null;
  /** Declared options. */
  readonly options: readonly Option[];
  /** Option name to option. */
  readonly optionsMap: ReadonlyMap<string, Option>;
  /** Human-readable description. */
  readonly description: string | null;
  /** Deprecation reason, when deprecated. */
  readonly deprecated: string | null;
  /** Directives applied to the link, for the schema export. */
  readonly directives: readonly AppliedDirective[];
  /** The name of the node, union or interface it points to (`""` when the type is not a link type). */
  readonly target: string;
  /** How many nodes it points to; `null` when the type is not a link type. */
  readonly cardinality: LinkCardinality | null;
  /** Whether it points to a node, a union or an interface. */
  readonly targetKind: LinkTargetKind;
  /** How many items a list holds at most, for the cost estimate; `null` when not declared. */
  readonly size: number | null;
  /** The option whose value bounds the list, for the cost estimate; `null` when none. */
  readonly sizeOption: string | null;
}

/**
 * Declares a link to other nodes.
 *
 * Loader protocol, by type (with `requires`, the loader gets one required value per id, in the
 * order of the ids; with a list of required fields, one record `{ field: value }` per id):
 * - `TypeRef("N")`: an id per required value (without `requires`: one id);
 * - `Optional(TypeRef("N"))`: an id or `Nothing` per required value;
 * - `Sequence(TypeRef("N"))`: an array of ids per required value (without `requires`: one array);
 * - `Sequence(Optional(TypeRef("N")))`: an array of ids or `Nothing` items per required value;
 * - `Optional(Sequence(...))`: either list, or `Nothing` where there is no list at all.
 *
 * In place of any value it returns for one id (an id, an array, `Nothing`), a loader may put an
 * `Error`: that id's link fails alone (a field error there in GraphQL responses), the others keep
 * their values.
 *
 * With declared options, the loader gets the option values as its last argument. A link with
 * `requires: null` is called once per query path and its result is shared by every id.
 *
 * The loader's parameters are typed from `requires` and the declared options: with
 * `options: [Option("limit", Optional(Int))]`, `opts.limit` is a `number | null` (or absent), and
 * a loader declaring `opts: { limit: string }` does not type-check. A loader written apart can be
 * typed with `OptionValues<typeof options>`.
 *
 * @typeParam R The link's `requires`, as written.
 * @typeParam O The declared options, as written.
 * @param name The link's name.
 * @param type The link's type.
 * @param loader The batch loader.
 * @param init `requires` (mandatory), options, description, deprecation.
 * @returns The link definition.
 * @example
 * ```ts
 * import { Link } from "./members.ts";
 * import { Option } from "./option.ts";
 * import { Int, Optional, Sequence, TypeRef } from "./types.ts";
 * const actorsOf = new Map([[1, [1, 4]]]);
 * const actors = Link("actors", Sequence(TypeRef("Actor")),
 *   (ids: number[], opts) => ids.map((id) => (actorsOf.get(id) ?? []).slice(0, opts.limit ?? 10)),
 *   { requires: "id", options: [Option("limit", Optional(Int))] });
 * ```
 */
export function Link<const R extends Requires, const O extends readonly Option[] = readonly []>(
  name: string,
  type: GraphType,
  loader: TypedLinkLoader<R, O>,
  init: TypedLinkInit<R, O>,
): Link;
/**
 * Declares a link whose loader takes the context first (wrapped with `passContext`) or adapts
 * itself to the link (the Postgres sources' `LinkQuery`); see the first overload for the
 * protocol.
 *
 * @param name The link's name.
 * @param type The link's type.
 * @param loader The batch loader.
 * @param init `requires` (mandatory), options, description, deprecation.
 * @returns The link definition.
 */
export function Link(
  name: string,
  type: GraphType,
  loader: ContextLoader | LinkAwareLoader,
  init: LinkInit,
): Link;
export function Link(
  name: string,
  type: GraphType,
  loader: Loader | LinkAwareLoader,
  init: LinkInit,
): Link {
  const options = Object.freeze([...(init.options ?? [])]);
  const size = init.size ?? null;
  if (size !== null && !(Number.isInteger(size) && size >= 0)) {
    throw new RangeError(
      `Link "${name}": "size" must be a whole number of at least 0, got ${String(size)}`,
    );
  }
  const sizeOption = init.sizeOption ?? null;
  if (sizeOption !== null && !options.some((o) => o?.name === sizeOption)) {
    throw new RangeError(
      `Link "${name}": "sizeOption" names "${sizeOption}", which is not one of its options`,
    );
  }
  const shape = linkShape(type);
  const requires = init.requires === undefined
    ? null
    : typeof init.requires === "string" || init.requires === null
    ? init.requires
    : Object.freeze([...init.requires]);
  const cardinality = shape?.cardinality ?? null;
  const bind = typeof loader === "function"
    ? (loader as unknown as Partial<LinkAwareLoader>)[BIND_LINK]
    : undefined;
  return Object.freeze({
    kind: "link",
    name,
    type,
    loader: typeof bind === "function"
      ? bind({ name, type, cardinality, requires, options: options.map((o) => o?.name) })
      : loader as Loader,
    requires,
    options,
    optionsMap: optionsMap(options),
    description: init.description ?? null,
    deprecated: init.deprecated ?? null,
    directives: Object.freeze([...(init.directives ?? [])]),
    target: shape?.target ?? "",
    cardinality,
    targetKind: shape?.targetKind ?? "node",
    size,
    sizeOption,
  });
}

/** A member of a node: a field or a link. */
export type Member = Field | Link;

/** What {@linkcode Node} accepts besides name and members. */
export interface NodeInit {
  /** Human-readable description. */
  readonly description?: string;
  /** Names of the interfaces this node implements. */
  readonly implements?: readonly string[];
  /** Directives applied to the node, for the schema export. */
  readonly directives?: readonly AppliedDirective[];
}

/** A node: a kind of entity, with fields and links. */
export interface Node {
  /** Discriminant. */
  readonly kind: "node";
  /** The node's name. */
  readonly name: string;
  /** Fields and links, in declaration order. */
  readonly fields: readonly Member[];
  /** Member name to member. */
  readonly fieldsMap: ReadonlyMap<string, Member>;
  /** Human-readable description. */
  readonly description: string | null;
  /** Interfaces it implements. */
  readonly implements: readonly string[];
  /** Directives applied to the node, for the schema export. */
  readonly directives: readonly AppliedDirective[];
}

/**
 * Declares a node.
 *
 * @param name The node's name (a GraphQL type name).
 * @param members Its fields and links.
 * @param init Description, implemented interfaces.
 * @returns The node definition.
 */
export function Node(name: string, members: readonly Member[], init: NodeInit = {}): Node {
  const fields = Object.freeze([...members]);
  return Object.freeze({
    kind: "node",
    name,
    fields,
    fieldsMap: membersMap(fields),
    description: init.description ?? null,
    implements: Object.freeze([...(init.implements ?? [])]),
    directives: Object.freeze([...(init.directives ?? [])]),
  });
}

/** The root: the fields and links a query starts from. */
export interface Root {
  /** Discriminant. */
  readonly kind: "root";
  /** Always `null`: the root has no node name. */
  readonly name: null;
  /** Fields and links, in declaration order. */
  readonly fields: readonly Member[];
  /** Member name to member. */
  readonly fieldsMap: ReadonlyMap<string, Member>;
}

/**
 * Declares the root: where queries start. Root links use `requires: null`. A graph may be given
 * several roots; their members are combined.
 *
 * @param members Root fields and links.
 * @returns The root definition.
 */
export function Root(members: readonly Member[]): Root {
  const fields = Object.freeze([...members]);
  return Object.freeze({ kind: "root", name: null, fields, fieldsMap: membersMap(fields) });
}

/** A union of node types: a link typed `UnionRef(name)` points to any of them. */
export interface Union {
  /** Discriminant. */
  readonly kind: "union";
  /** The union's name. */
  readonly name: string;
  /** Names of the member nodes. */
  readonly types: readonly string[];
  /** Human-readable description. */
  readonly description: string | null;
  /** Gives the concrete node name of an id returned by a link to this union. */
  readonly resolveType: TypeResolver;
}

/** Gives the concrete node name for an id of a union or interface link. */
export type TypeResolver = (id: Id, ctx: { readonly [key: string]: unknown }) => string;

/** What {@linkcode Union} accepts besides name and types. */
export interface UnionInit {
  /** Gives the concrete node name for each id the link loaders return. */
  readonly resolveType: TypeResolver;
  /** Human-readable description. */
  readonly description?: string;
}

/**
 * Declares a union of nodes.
 *
 * @param name The union's name.
 * @param types The member node names.
 * @param init The type resolver and a description.
 * @returns The union definition.
 */
export function Union(name: string, types: readonly string[], init: UnionInit): Union {
  return Object.freeze({
    kind: "union",
    name,
    types: Object.freeze([...types]),
    description: init.description ?? null,
    resolveType: init.resolveType,
  });
}

/** An interface: fields shared by the nodes that implement it. */
export interface Interface {
  /** Discriminant. */
  readonly kind: "interface";
  /** The interface's name. */
  readonly name: string;
  /** The shared fields and links (their loaders are not used; each node has its own). */
  readonly fields: readonly Member[];
  /** Member name to member. */
  readonly fieldsMap: ReadonlyMap<string, Member>;
  /** Human-readable description. */
  readonly description: string | null;
  /** Gives the concrete node name of an id returned by a link to this interface. */
  readonly resolveType: TypeResolver;
}

/** What {@linkcode Interface} accepts besides name and fields. */
export interface InterfaceInit {
  /** Gives the concrete node name for each id the link loaders return. */
  readonly resolveType: TypeResolver;
  /** Human-readable description. */
  readonly description?: string;
}

/**
 * Declares an interface.
 *
 * @param name The interface's name.
 * @param fields The shared fields and links.
 * @param init The type resolver and a description.
 * @returns The interface definition.
 */
export function Interface(
  name: string,
  fields: readonly Member[],
  init: InterfaceInit,
): Interface {
  const members = Object.freeze([...fields]);
  return Object.freeze({
    kind: "interface",
    name,
    fields: members,
    fieldsMap: membersMap(members),
    description: init.description ?? null,
    resolveType: init.resolveType,
  });
}

export type LoadedField = QueryField | QueryLink;

function typeFromLoader(loader: Loader, name: string): GraphType | null {
  if (typeof loader !== "function") return null;
  const hook = (loader as unknown as Partial<TypedLoader>)[FIELD_TYPE];
  if (typeof hook !== "function") return null;
  const type = hook(name);
  return isGraphType(type) ? type : null;
}

function optionsMap(options: readonly Option[]): ReadonlyMap<string, Option> {
  const map = new Map<string, Option>();
  for (const option of options) {
    // Malformed items are left for graph validation to report.
    if (isNamed(option) && !map.has(option.name)) map.set(option.name, option);
  }
  return map;
}

function membersMap(members: readonly Member[]): ReadonlyMap<string, Member> {
  const map = new Map<string, Member>();
  for (const member of members) {
    if (isNamed(member) && !map.has(member.name)) map.set(member.name, member);
  }
  return map;
}

function isNamed(value: unknown): value is { readonly name: string } {
  return typeof value === "object" && value !== null &&
    typeof (value as { name?: unknown }).name === "string";
}

function linkShape(
  type: GraphType,
): { target: string; cardinality: LinkCardinality; targetKind: LinkTargetKind } | null {
  const ref = refOf(type);
  if (ref) return { ...ref, cardinality: "one" };
  if (type.kind === "optional") {
    const inner = refOf(type.type);
    if (inner) return { ...inner, cardinality: "maybe" };
    const list = type.type.kind === "sequence" ? linkShape(type.type) : null;
    if (list?.cardinality === "many") return { ...list, cardinality: "optionalMany" };
    if (list?.cardinality === "maybeMany") return { ...list, cardinality: "optionalMaybeMany" };
  }
  if (type.kind === "sequence") {
    const item = refOf(type.type);
    if (item) return { ...item, cardinality: "many" };
    if (type.type.kind === "optional") {
      const inner = refOf(type.type.type);
      if (inner) return { ...inner, cardinality: "maybeMany" };
    }
  }
  return null;
}

function refOf(type: GraphType): { target: string; targetKind: LinkTargetKind } | null {
  switch (type.kind) {
    case "ref":
      return { target: type.name, targetKind: "node" };
    case "unionRef":
      return { target: type.name, targetKind: "union" };
    case "interfaceRef":
      return { target: type.name, targetKind: "interface" };
    default:
      return null;
  }
}
