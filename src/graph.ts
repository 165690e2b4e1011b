/**
 * Graph definitions: nodes with fields and links, a root, and the graph that holds them. All are
 * created with factory functions (no `new`) and are immutable.
 *
 * Every field and link has a *loader*: a function that loads a whole batch at once. The engine
 * calls each loader once per node per query path with every id at that path.
 *
 * @module
 */

import type { AppliedDirective, Directive } from "./directive.ts";
import type { Enum } from "./enum.ts";
import type { Input } from "./input.ts";
import type { QueryField, QueryLink } from "./query.ts";
import type { Scalar } from "./scalar.ts";
import { type GraphType, isGraphType, type RecordType } from "./types.ts";
import { GraphDefinitionError } from "./errors.ts";
import { validateGraph } from "./validate/graph.ts";

/** An identifier of a node instance: a primitive, compared by value. */
export type Id = string | number | bigint | boolean;

/**
 * What an `Optional` link's loader returns when there is nothing to link to.
 *
 * @example
 * ```ts
 * import { Nothing } from "./graph.ts";
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
 * A link loader: `(values, options?) => ids` with `requires`, `(options?) => ids` without.
 * Written inline, its parameters get these types; a loader declaring narrower ones is accepted
 * too.
 */
export type LinkLoader = {
  bivariant(values: readonly unknown[], options: { readonly [name: string]: unknown }): unknown;
}["bivariant"];

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

/** Declares an argument of a field or link. */
export interface Option {
  /** Discriminant. */
  readonly kind: "option";
  /** The option's name. */
  readonly name: string;
  /** The option's type; `Optional(...)` options may be omitted. */
  readonly type: GraphType;
  /** Whether a default is declared. */
  readonly hasDefault: boolean;
  /** The default value (meaningful when `hasDefault`). */
  readonly default: unknown;
  /** Human-readable description. */
  readonly description: string | null;
  /** Deprecation reason, when deprecated. */
  readonly deprecated: string | null;
  /** Directives applied to the option, for the schema export. */
  readonly directives: readonly AppliedDirective[];
}

/** What {@linkcode Option} accepts besides name and type. */
export interface OptionInit {
  /** The value used when the query does not give one. Without it, the option is required. */
  readonly default?: unknown;
  /** Human-readable description. */
  readonly description?: string;
  /** Deprecation reason. */
  readonly deprecated?: string;
  /** Directives applied to the option, for the schema export. */
  readonly directives?: readonly AppliedDirective[];
}

/**
 * Declares an option (an argument) of a field or link. An option with no default and a type that
 * is not `Optional(...)` is required.
 *
 * @param name The option's name.
 * @param type Its type; values are checked against it.
 * @param init Default, description, deprecation.
 * @returns The option definition.
 * @example
 * ```ts
 * import { Option } from "./graph.ts";
 * import { Int } from "./types.ts";
 * const limit = Option("limit", Int, { default: 10, description: "Most items to return" });
 * ```
 */
export function Option(name: string, type: GraphType, init: OptionInit = {}): Option {
  return Object.freeze({
    kind: "option",
    name,
    type,
    hasDefault: "default" in init,
    default: init.default,
    description: init.description ?? null,
    deprecated: init.deprecated ?? null,
    directives: Object.freeze([...(init.directives ?? [])]),
  });
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
 * @param name The field's name.
 * @param type The field's type; `null` to take it from the loader (e.g. a table column) or leave
 *   it unknown.
 * @param loader The batch loader.
 * @param init Options, description, deprecation.
 * @returns The field definition.
 * @example
 * ```ts
 * import { Field } from "./graph.ts";
 * import { Str } from "./types.ts";
 * const names = new Map([[1, "James T. Kirk"]]);
 * const name = Field("name", Str, (fields, ids: number[]) => ids.map((id) => [names.get(id)]));
 * ```
 */
export function Field(
  name: string,
  type: GraphType | null,
  loader: FieldLoader,
  init?: FieldInit,
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

/** How many nodes a link points to, derived from its type. */
export type LinkCardinality = "one" | "maybe" | "many" | "maybeMany";

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
  /** One, maybe, many or many-maybe; `null` when the type is not a link type. */
  readonly cardinality: LinkCardinality | null;
  /** Whether it points to a node, a union or an interface. */
  readonly targetKind: LinkTargetKind;
}

/**
 * Declares a link to other nodes.
 *
 * Loader protocol, by type (with `requires`, the loader gets one required value per id, in the
 * order of the ids; with a list of required fields, one record `{ field: value }` per id):
 * - `TypeRef("N")`: an id per required value (without `requires`: one id);
 * - `Optional(TypeRef("N"))`: an id or `Nothing` per required value;
 * - `Sequence(TypeRef("N"))`: an array of ids per required value (without `requires`: one array).
 *
 * With declared options, the loader gets the option values as its last argument. A link with
 * `requires: null` is called once per query path and its result is shared by every id.
 *
 * @param name The link's name.
 * @param type The link's type.
 * @param loader The batch loader.
 * @param init `requires` (mandatory), options, description, deprecation.
 * @returns The link definition.
 * @example
 * ```ts
 * import { Link } from "./graph.ts";
 * import { Sequence, TypeRef } from "./types.ts";
 * const actorsOf = new Map([[1, [1, 4]]]);
 * const actors = Link("actors", Sequence(TypeRef("Actor")),
 *   (ids: number[]) => ids.map((id) => actorsOf.get(id) ?? []), { requires: "id" });
 * ```
 */
export function Link(name: string, type: GraphType, loader: LinkLoader, init: LinkInit): Link;
/**
 * Declares a link whose loader takes the context first (wrapped with `passContext`) or has
 * another signature; see the first overload for the protocol.
 *
 * @param name The link's name.
 * @param type The link's type.
 * @param loader The batch loader.
 * @param init `requires` (mandatory), options, description, deprecation.
 * @returns The link definition.
 */
export function Link(name: string, type: GraphType, loader: Loader, init: LinkInit): Link;
export function Link(name: string, type: GraphType, loader: Loader, init: LinkInit): Link {
  const options = Object.freeze([...(init.options ?? [])]);
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
    loader: typeof bind === "function" ? bind({ name, type, cardinality, requires }) : loader,
    requires,
    options,
    optionsMap: optionsMap(options),
    description: init.description ?? null,
    deprecated: init.deprecated ?? null,
    directives: Object.freeze([...(init.directives ?? [])]),
    target: shape?.target ?? "",
    cardinality,
    targetKind: shape?.targetKind ?? "node",
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

/** What {@linkcode Graph} accepts besides its nodes and root. */
export interface GraphInit {
  /** Named record types, usable as `TypeRef(name)` in field and option types. */
  readonly dataTypes?: { readonly [name: string]: RecordType };
  /** Unions of nodes. */
  readonly unions?: readonly Union[];
  /** Interfaces implemented by nodes. */
  readonly interfaces?: readonly Interface[];
  /**
   * Enums. Enums used directly as types of fields and options are found without being listed;
   * list the ones referred to by `EnumRef(name)` only.
   */
  readonly enums?: readonly Enum[];
  /** Custom scalars; like enums, those used directly as types are found without being listed. */
  readonly scalars?: readonly Scalar[];
  /** Input object types; like enums, those used directly as types are found without being listed. */
  readonly inputs?: readonly Input[];
  /** Schema directives clients may write in queries. */
  readonly directives?: readonly Directive[];
}

/** A graph: nodes, the root, and the named types they use. */
export interface Graph {
  /** Discriminant. */
  readonly kind: "graph";
  /** The nodes, in declaration order. */
  readonly nodes: readonly Node[];
  /** Node name to node. */
  readonly nodesMap: ReadonlyMap<string, Node>;
  /** The root (all roots given, combined). */
  readonly root: Root;
  /** Named record types. */
  readonly dataTypes: ReadonlyMap<string, RecordType>;
  /** Union name to union. */
  readonly unionsMap: ReadonlyMap<string, Union>;
  /** Interface name to interface. */
  readonly interfacesMap: ReadonlyMap<string, Interface>;
  /** Interface name to the names of the nodes implementing it. */
  readonly interfacesTypes: ReadonlyMap<string, readonly string[]>;
  /** Enum name to enum: listed ones and those used as types. */
  readonly enumsMap: ReadonlyMap<string, Enum>;
  /** Custom scalar name to scalar: listed ones and those used as types. */
  readonly scalarsMap: ReadonlyMap<string, Scalar>;
  /** Input type name to input type: listed ones and those used as types. */
  readonly inputsMap: ReadonlyMap<string, Input>;
  /** Declared schema directives. */
  readonly directives: readonly Directive[];
}

/**
 * Declares a graph. The definition is validated at once: duplicate names, links to unknown
 * nodes, `requires` naming missing fields, option defaults of the wrong type and the like are
 * reported together in one {@linkcode GraphDefinitionError}.
 *
 * @param items Nodes and roots.
 * @param init Data types, unions and interfaces.
 * @returns The graph.
 * @throws {GraphDefinitionError} When the definition has problems; lists all of them.
 * @example
 * ```ts
 * import { Field, Graph, Root } from "./graph.ts";
 * import { Str } from "./types.ts";
 * const graph = Graph([Root([Field("hello", Str, (fields) => fields.map(() => "world"))])]);
 * ```
 */
export function Graph(items: readonly (Node | Root)[], init: GraphInit = {}): Graph {
  const named = collectNamedTypes(items, init);
  const problems = validateGraph(items, init, named);
  if (problems.length > 0) throw new GraphDefinitionError(problems);
  const nodes: Node[] = [];
  const rootMembers: Member[] = [];
  for (const item of items) {
    if (item.kind === "root") rootMembers.push(...item.fields);
    else nodes.push(item);
  }
  const interfacesTypes = new Map<string, string[]>();
  for (const iface of init.interfaces ?? []) interfacesTypes.set(iface.name, []);
  for (const node of nodes) {
    for (const name of node.implements) interfacesTypes.get(name)?.push(node.name);
  }
  return Object.freeze({
    kind: "graph",
    nodes: Object.freeze(nodes),
    nodesMap: new Map(nodes.map((n) => [n.name, n])),
    root: Root(rootMembers),
    dataTypes: new Map(Object.entries(init.dataTypes ?? {})),
    unionsMap: new Map((init.unions ?? []).map((u) => [u.name, u])),
    interfacesMap: new Map((init.interfaces ?? []).map((i) => [i.name, i])),
    interfacesTypes,
    enumsMap: named.enums,
    scalarsMap: named.scalars,
    inputsMap: named.inputs,
    directives: Object.freeze([...(init.directives ?? [])]),
  });
}

/**
 * Makes a mutation graph: the nodes and named types of a query graph with another root, whose
 * members are the mutations (run one after another, in document order).
 *
 * @param query The query graph.
 * @param root The mutations.
 * @returns The mutation graph.
 * @throws {GraphDefinitionError} When the root does not fit the query graph's nodes.
 * @example
 * ```ts ignore
 * const mutationGraph = MutationGraph(graph, Root([
 *   Link("renameCharacter", TypeRef("Character"), rename, { requires: null, options: [...] }),
 * ]));
 * ```
 */
export function MutationGraph(query: Graph, root: Root): Graph {
  return Graph([...query.nodes, root], {
    dataTypes: Object.fromEntries(query.dataTypes),
    unions: [...query.unionsMap.values()],
    interfaces: [...query.interfacesMap.values()],
    enums: [...query.enumsMap.values()],
    scalars: [...query.scalarsMap.values()],
    inputs: [...query.inputsMap.values()],
    directives: query.directives,
  });
}

/** Enums, scalars and input types of a graph, by name: listed ones and those used as types. */
export interface NamedTypes {
  /** Enums by name. */
  readonly enums: Map<string, Enum>;
  /** Custom scalars by name. */
  readonly scalars: Map<string, Scalar>;
  /** Input types by name. */
  readonly inputs: Map<string, Input>;
  /** Names given to two different definitions. */
  readonly conflicts: string[];
}

function collectNamedTypes(items: readonly (Node | Root)[], init: GraphInit): NamedTypes {
  const named: NamedTypes = {
    enums: new Map(),
    scalars: new Map(),
    inputs: new Map(),
    conflicts: [],
  };
  const add = <T extends { readonly name: string }>(map: Map<string, T>, value: T): void => {
    const seen = map.get(value.name);
    if (seen === undefined) map.set(value.name, value);
    else if (seen !== value && !named.conflicts.includes(value.name)) {
      named.conflicts.push(value.name);
    }
  };
  const visit = (type: unknown): void => {
    if (typeof type !== "object" || type === null) return;
    const t = type as GraphType & { readonly definition?: string };
    switch (t.kind) {
      case "optional":
      case "sequence":
        return visit(t.type);
      case "mapping":
        visit(t.key);
        return visit(t.value);
      case "record":
        for (const name of Object.keys(t.fields)) visit(t.fields[name]);
        return;
      case "enumRef":
        if (t.definition === "enum") add(named.enums, t as unknown as Enum);
        return;
      case "scalarRef":
        if (t.definition === "scalar") add(named.scalars, t as unknown as Scalar);
        return;
      case "inputRef":
        if (t.definition === "input") {
          const input = t as unknown as Input;
          if (named.inputs.get(input.name) !== input) {
            add(named.inputs, input);
            for (const field of input.fields) visit(field?.type);
          }
        }
        return;
    }
  };
  const visitMembers = (members: readonly unknown[]): void => {
    for (const member of members) {
      if (typeof member !== "object" || member === null) continue;
      const m = member as { readonly type?: unknown; readonly options?: readonly Option[] };
      visit(m.type);
      for (const option of m.options ?? []) visit(option?.type);
    }
  };
  for (const e of init.enums ?? []) add(named.enums, e);
  for (const s of init.scalars ?? []) add(named.scalars, s);
  for (const i of init.inputs ?? []) {
    add(named.inputs, i);
    for (const field of i.fields ?? []) visit(field?.type);
  }
  for (const item of items) {
    if (typeof item === "object" && item !== null && Array.isArray(item.fields)) {
      visitMembers(item.fields);
    }
  }
  for (const iface of init.interfaces ?? []) visitMembers(iface.fields ?? []);
  for (const name of Object.keys(init.dataTypes ?? {})) visit(init.dataTypes![name]);
  for (const directive of init.directives ?? []) {
    for (const arg of directive.args ?? []) visit(arg?.type);
  }
  return named;
}

/** The query field or link a field loader receives. */
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
