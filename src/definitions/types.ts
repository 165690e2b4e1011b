/**
 * The type language of a graph: scalars (`Int`, `Float`, `Str`, `Bool`, `ID`, `Any`), containers
 * (`Optional`, `Sequence`, `Mapping`, `Record`) and references to named things (`TypeRef` for nodes
 * and data types, `UnionRef`, `InterfaceRef`, `EnumRef`, `InputRef`, `ScalarRef`).
 *
 * Types are plain immutable values with a `kind` discriminant, so they can be compared, printed and
 * sent to a worker.
 *
 * @module
 */

/** Names of the built-in scalar types. */
export type BuiltinScalarName = "Int" | "Float" | "String" | "Boolean" | "ID" | "Any";

/**
 * A built-in scalar type such as {@linkcode Int} or {@linkcode Str}.
 *
 * @typeParam N Its name; each constant carries its own, so that option types reach loaders.
 */
export interface ScalarType<N extends BuiltinScalarName = BuiltinScalarName> {
  /** Discriminant. */
  readonly kind: "scalar";
  /** The scalar's GraphQL name. */
  readonly name: N;
}

/**
 * A value that may be absent (`null`), or, for links, a link that may point to nothing.
 *
 * @typeParam T The type of the value when it is present.
 */
export interface OptionalType<T extends GraphType = GraphType> {
  /** Discriminant. */
  readonly kind: "optional";
  /** The type of the value when it is present. */
  readonly type: T;
}

/**
 * A list of values of one type.
 *
 * @typeParam T The type of each item.
 */
export interface SequenceType<T extends GraphType = GraphType> {
  /** Discriminant. */
  readonly kind: "sequence";
  /** The type of each item. */
  readonly type: T;
}

/** A map from keys of one type to values of another (a plain object in results). */
export interface MappingType {
  /** Discriminant. */
  readonly kind: "mapping";
  /** The type of keys. */
  readonly key: GraphType;
  /** The type of values. */
  readonly value: GraphType;
}

/** A structured value with named, typed fields. */
export interface RecordType {
  /** Discriminant. */
  readonly kind: "record";
  /** Field name to field type, in declaration order. */
  readonly fields: { readonly [name: string]: GraphType };
}

/** A reference by name to a node of the graph or to a named data type (a record). */
export interface TypeRefType {
  /** Discriminant. */
  readonly kind: "ref";
  /** The name of the node or data type. */
  readonly name: string;
}

/** A reference by name to a union of nodes. */
export interface UnionRefType {
  /** Discriminant. */
  readonly kind: "unionRef";
  /** The union's name. */
  readonly name: string;
}

/** A reference by name to an interface implemented by nodes. */
export interface InterfaceRefType {
  /** Discriminant. */
  readonly kind: "interfaceRef";
  /** The interface's name. */
  readonly name: string;
}

/** A reference by name to an enum. */
export interface EnumRefType {
  /** Discriminant. */
  readonly kind: "enumRef";
  /** The enum's name. */
  readonly name: string;
}

/** A reference by name to an input object type (used by options). */
export interface InputRefType {
  /** Discriminant. */
  readonly kind: "inputRef";
  /** The input type's name. */
  readonly name: string;
}

/** A reference by name to a custom scalar. */
export interface ScalarRefType {
  /** Discriminant. */
  readonly kind: "scalarRef";
  /** The custom scalar's name. */
  readonly name: string;
}

/** Any type of the graph's type language. */
export type GraphType =
  | ScalarType
  | OptionalType
  | SequenceType
  | MappingType
  | RecordType
  | TypeRefType
  | UnionRefType
  | InterfaceRefType
  | EnumRefType
  | InputRefType
  | ScalarRefType;

/** A type, or a string as a shorthand for `TypeRef(string)`, accepted by the type constructors. */
export type TypeLike = GraphType | string;

/**
 * The type a {@linkcode TypeLike} stands for: a string is a `TypeRef`, a type is itself.
 *
 * @typeParam T A type or a type name.
 */
export type TypeOf<T extends TypeLike> = T extends string ? TypeRefType
  : T extends GraphType ? T
  : never;

function scalar<N extends BuiltinScalarName>(name: N): ScalarType<N> {
  return Object.freeze({ kind: "scalar", name });
}

function toType<T extends TypeLike>(type: T): TypeOf<T> {
  return (typeof type === "string" ? TypeRef(type) : type) as TypeOf<T>;
}

/** A 32-bit signed integer (GraphQL `Int`). */
export const Int: ScalarType<"Int"> = scalar("Int");
/** A double-precision number (GraphQL `Float`). */
export const Float: ScalarType<"Float"> = scalar("Float");
/** A string (GraphQL `String`). */
export const Str: ScalarType<"String"> = scalar("String");
/** A boolean (GraphQL `Boolean`). */
export const Bool: ScalarType<"Boolean"> = scalar("Boolean");
/** An opaque identifier serialized as a string (GraphQL `ID`); accepts strings and integers. */
export const ID: ScalarType<"ID"> = scalar("ID");
/** Any value at all; not checked. */
export const Any: ScalarType<"Any"> = scalar("Any");

/**
 * A value that may be `null`; on a link, a link that may point to `Nothing`.
 *
 * @typeParam T The type of the value when present.
 * @param type The type of the value when present; a string means `TypeRef(string)`.
 * @returns The optional type.
 * @example Optional field and optional link
 * ```ts
 * import { Optional, Str, TypeRef } from "./types.ts";
 * const nickname = Optional(Str);
 * const mentor = Optional(TypeRef("Character"));
 * ```
 */
export function Optional<T extends TypeLike>(type: T): OptionalType<TypeOf<T>> {
  return Object.freeze({ kind: "optional", type: toType(type) });
}

/**
 * A list of values; on a link, a link to many nodes.
 *
 * @typeParam T The item type.
 * @param type The item type; a string means `TypeRef(string)`.
 * @returns The sequence type.
 */
export function Sequence<T extends TypeLike>(type: T): SequenceType<TypeOf<T>> {
  return Object.freeze({ kind: "sequence", type: toType(type) });
}

/**
 * A map from keys to values, given as a plain object.
 *
 * @param key The key type.
 * @param value The value type.
 * @returns The mapping type.
 */
export function Mapping(key: TypeLike, value: TypeLike): MappingType {
  return Object.freeze({ kind: "mapping", key: toType(key), value: toType(value) });
}

/**
 * A record: a structured value with named fields. A field of record type can be queried with a
 * selection of its fields, or without one to get the whole record.
 *
 * @param fields Field name to field type; a string type means `TypeRef(string)`.
 * @returns The record type.
 * @example
 * ```ts
 * import { Int, Record, Str } from "./types.ts";
 * const Appearance = Record({ episode: Int, title: Str });
 * ```
 */
export function Record(fields: { readonly [name: string]: TypeLike }): RecordType {
  const out: { [name: string]: GraphType } = {};
  for (const name of Object.keys(fields)) out[name] = toType(fields[name]!);
  return Object.freeze({ kind: "record", fields: Object.freeze(out) });
}

/**
 * A reference to a node of the graph (in a link's type) or to a named data type (in a field's
 * type; see the `dataTypes` graph option).
 *
 * @param name The node or data type name.
 * @returns The reference type.
 */
export function TypeRef(name: string): TypeRefType {
  return Object.freeze({ kind: "ref", name });
}

/**
 * A reference to a union of nodes, for links that point to several node types.
 *
 * @param name The union's name.
 * @returns The reference type.
 */
export function UnionRef(name: string): UnionRefType {
  return Object.freeze({ kind: "unionRef", name });
}

/**
 * A reference to an interface, for links that point to any node implementing it.
 *
 * @param name The interface's name.
 * @returns The reference type.
 */
export function InterfaceRef(name: string): InterfaceRefType {
  return Object.freeze({ kind: "interfaceRef", name });
}

/**
 * A reference to an enum declared on the graph.
 *
 * @param name The enum's name.
 * @returns The reference type.
 */
export function EnumRef(name: string): EnumRefType {
  return Object.freeze({ kind: "enumRef", name });
}

/**
 * A reference to an input object type declared on the graph, for options.
 *
 * @param name The input type's name.
 * @returns The reference type.
 */
export function InputRef(name: string): InputRefType {
  return Object.freeze({ kind: "inputRef", name });
}

/**
 * A reference to a custom scalar declared on the graph.
 *
 * @param name The scalar's name.
 * @returns The reference type.
 */
export function ScalarRef(name: string): ScalarRefType {
  return Object.freeze({ kind: "scalarRef", name });
}

/**
 * Prints a type the way it is written in code, e.g. `Sequence(TypeRef("Actor"))`.
 *
 * @param type The type to print.
 * @returns Its source-like text.
 */
export function typeToString(type: GraphType): string {
  switch (type.kind) {
    case "scalar":
      return type.name === "String" ? "Str" : type.name === "Boolean" ? "Bool" : type.name;
    case "optional":
      return `Optional(${typeToString(type.type)})`;
    case "sequence":
      return `Sequence(${typeToString(type.type)})`;
    case "mapping":
      return `Mapping(${typeToString(type.key)}, ${typeToString(type.value)})`;
    case "record": {
      const parts = Object.keys(type.fields).map((k) => `${k}: ${typeToString(type.fields[k]!)}`);
      return `Record({ ${parts.join(", ")} })`;
    }
    case "ref":
      return `TypeRef(${JSON.stringify(type.name)})`;
    case "unionRef":
      return `UnionRef(${JSON.stringify(type.name)})`;
    case "interfaceRef":
      return `InterfaceRef(${JSON.stringify(type.name)})`;
    case "enumRef":
      return `EnumRef(${JSON.stringify(type.name)})`;
    case "inputRef":
      return `InputRef(${JSON.stringify(type.name)})`;
    case "scalarRef":
      return `ScalarRef(${JSON.stringify(type.name)})`;
  }
}

/**
 * Whether a value is one of the graph types built by this module.
 *
 * @param value Anything.
 * @returns `true` when it has a known `kind`.
 */
export function isGraphType(value: unknown): value is GraphType {
  if (typeof value !== "object" || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === "scalar" || kind === "optional" || kind === "sequence" || kind === "mapping" ||
    kind === "record" || kind === "ref" || kind === "unionRef" || kind === "interfaceRef" ||
    kind === "enumRef" || kind === "inputRef" || kind === "scalarRef";
}
