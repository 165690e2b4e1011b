/**
 * GraphQL result coercion: what graphql-js 17 does to a resolver's value before it enters a
 * response (`coerceOutputValue` of Int, Float, String, Boolean, ID, enums and custom scalars, and
 * list completion), with graphql-js's rules and messages. The plan gives each field slot one
 * {@linkcode OutputCoercion}; a value of the right type passes one `typeof` (and range) check.
 *
 * @module
 */

import { inspectGraphQL } from "../base/_graphql_inspect.ts";
import type { Enum } from "./enum.ts";
import type { Scalar } from "./scalar.ts";

/** A value passes as it is (`Any`, `Mapping`, untyped fields). */
export const LEAF_ANY = 0;
/** GraphQL `String`. */
export const LEAF_STRING = 1;
/** GraphQL `Int`: a 32-bit signed integer. */
export const LEAF_INT = 2;
/** GraphQL `Float`: a finite number. */
export const LEAF_FLOAT = 3;
/** GraphQL `Boolean`. */
export const LEAF_BOOLEAN = 4;
/** GraphQL `ID`: a string. */
export const LEAF_ID = 5;
/** An enum or a custom scalar: its own function. */
export const LEAF_CUSTOM = 6;
/** A list: each item coerced by {@linkcode OutputCoercion.item}. */
export const LIST = 7;

/** How a field's value is coerced into a GraphQL result value. */
export interface OutputCoercion {
  /** One of the `LEAF_*` codes, or {@linkcode LIST}. */
  readonly code: number;
  /**
   * The whole coercion of a leaf value that is not `null`: returns the result value, or throws
   * an error whose message is graphql-js's. Identity for lists (see `item`).
   */
  readonly coerce: (value: unknown) => unknown;
  /** For a list, how each item is coerced; `null` for a leaf. */
  readonly item: OutputCoercion | null;
  /** For a list, whether an item may be null. */
  readonly itemNullable: boolean;
}

const GRAPHQL_MAX_INT = 2147483647;
const GRAPHQL_MIN_INT = -2147483648;

const identity = (value: unknown): unknown => value;

/** The coercion of a leaf that passes as it is. */
export const ANY_COERCION: OutputCoercion = leaf(LEAF_ANY, identity);
/** GraphQL `Int`. */
export const INT_COERCION: OutputCoercion = leaf(LEAF_INT, coerceInt);
/** GraphQL `Float`. */
export const FLOAT_COERCION: OutputCoercion = leaf(LEAF_FLOAT, coerceFloat);
/** GraphQL `String`. */
export const STRING_COERCION: OutputCoercion = leaf(LEAF_STRING, coerceString);
/** GraphQL `Boolean`. */
export const BOOLEAN_COERCION: OutputCoercion = leaf(LEAF_BOOLEAN, coerceBoolean);
/** GraphQL `ID`. */
export const ID_COERCION: OutputCoercion = leaf(LEAF_ID, coerceId);

function leaf(code: number, coerce: (value: unknown) => unknown): OutputCoercion {
  return Object.freeze({ code, coerce, item: null, itemNullable: false });
}

/**
 * A list's coercion.
 *
 * @param item How each item is coerced.
 * @param itemNullable Whether an item may be null.
 * @returns The coercion.
 */
export function listCoercion(item: OutputCoercion, itemNullable: boolean): OutputCoercion {
  return Object.freeze({ code: LIST, coerce: identity, item, itemNullable });
}

/**
 * An enum's coercion: the name of the value a loader gave, or graphql-js's error.
 *
 * @param definition The enum.
 * @returns The coercion.
 */
export function enumCoercion(definition: Enum): OutputCoercion {
  const name = definition.name;
  return leaf(LEAF_CUSTOM, (value) => {
    try {
      return definition.serialize(value);
    } catch {
      throw new TypeError(`Enum "${name}" cannot represent value: ${inspectGraphQL(value)}`);
    }
  });
}

/**
 * A custom scalar's coercion: its `serialize`, which must not give `null` or `undefined` (as
 * graphql-js's `completeLeafValue` demands).
 *
 * @param definition The scalar.
 * @returns The coercion.
 */
export function scalarCoercion(definition: Scalar): OutputCoercion {
  const name = definition.name;
  return leaf(LEAF_CUSTOM, (value) => {
    const coerced = definition.serialize(value);
    if (coerced === null || coerced === undefined) {
      throw new Error(
        `Expected \`${name}.coerceOutputValue(${inspectGraphQL(value)})\` to ` +
          `return non-nullable value, returned: ${inspectGraphQL(coerced)}`,
      );
    }
    return coerced;
  });
}

/**
 * Coerces a leaf value that is not `null`: one `typeof` (and range) check when it already has
 * the right type, the full rules otherwise.
 *
 * @param coercion A leaf's coercion.
 * @param value The loaded value, not `null` or `undefined`.
 * @returns The result value.
 * @throws {Error} graphql-js's error when the value cannot be coerced.
 */
export function coerceLeaf(coercion: OutputCoercion, value: unknown): unknown {
  switch (coercion.code) {
    case LEAF_ANY:
      return value;
    case LEAF_STRING:
    case LEAF_ID:
      return typeof value === "string" ? value : coercion.coerce(value);
    case LEAF_INT:
      return typeof value === "number" && (value | 0) === value ? value : coerceInt(value);
    case LEAF_FLOAT:
      // NaN and ±Infinity give NaN, which is not 0.
      return typeof value === "number" && value - value === 0 ? value : coerceFloat(value);
    case LEAF_BOOLEAN:
      return typeof value === "boolean" ? value : coerceBoolean(value);
    default:
      return coercion.coerce(value);
  }
}

/**
 * A list's items as an array: the array itself, the items of another iterable object, or
 * `null` when the value is not an iterable object (graphql-js's `isIterableObject`).
 *
 * A generator or a built-in iterator (`map.values()`) can be read only once, and a result may be
 * walked more than once (the fast walk gives up and the slow one reports): its items, or what its
 * iteration threw, are kept for the next read.
 *
 * @param value The loaded value.
 * @returns The items, or `null`.
 * @throws What the iteration threw.
 */
export function listItems(value: unknown): readonly unknown[] | null {
  if (Array.isArray(value)) return value;
  if (typeof value !== "object" || value === null) return null;
  const iterate = (value as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  if (typeof iterate !== "function") return null;
  const kept = iterated.get(value);
  if (kept !== undefined) {
    if (Array.isArray(kept)) return kept;
    throw (kept as { readonly thrown: unknown }).thrown;
  }
  const iterator = iterate.call(value) as Iterator<unknown>;
  // Only the language's own one-shot iterators: an object of the user's that is its own
  // iterator may start again, and its items may change between requests.
  const once = iterator === value && ONE_SHOT.test(Object.prototype.toString.call(value));
  let items: unknown[];
  try {
    items = Array.from({ [Symbol.iterator]: () => iterator });
  } catch (thrown) {
    if (once) iterated.set(value, { thrown });
    throw thrown;
  }
  if (once) iterated.set(value, items);
  return items;
}

/** The tags of generators and of built-in iterators (`map.values()`, `array.entries()`, ...). */
const ONE_SHOT = /^\[object (Generator|[A-Za-z ]*Iterator|Iterator Helper)\]$/;

/** The items of one-shot iterables already read (see {@linkcode listItems}). */
const iterated = new WeakMap<object, readonly unknown[] | { readonly thrown: unknown }>();

/** graphql-js's `coerceOutputValueObject`: an object's primitive `valueOf`, else its `toJSON`. */
function unwrap(value: unknown): unknown {
  if (typeof value === "object" && value !== null) {
    const object = value as { valueOf?: unknown; toJSON?: unknown };
    if (typeof object.valueOf === "function") {
      const primitive = (object.valueOf as () => unknown).call(value);
      if (typeof primitive !== "object" || primitive === null) return primitive;
    }
    if (typeof object.toJSON === "function") return (object.toJSON as () => unknown).call(value);
  }
  return value;
}

function coerceInt(output: unknown): unknown {
  const value = unwrap(output);
  switch (typeof value) {
    case "number":
      return intFromNumber(value);
    case "boolean":
      return value ? 1 : 0;
    case "string": {
      const num = value === "" ? NaN : Number(value);
      if (!Number.isInteger(num)) {
        throw new TypeError(`Int cannot represent non-integer value: ${inspectGraphQL(value)}`);
      }
      if (num > GRAPHQL_MAX_INT || num < GRAPHQL_MIN_INT) {
        throw new TypeError(
          `Int cannot represent non 32-bit signed integer value: ${inspectGraphQL(value)}`,
        );
      }
      return num;
    }
    case "bigint":
      if (value > GRAPHQL_MAX_INT || value < GRAPHQL_MIN_INT) {
        throw new TypeError(`Int cannot represent non 32-bit signed integer value: ${value}`);
      }
      return Number(value);
  }
  throw new TypeError(`Int cannot represent non-integer value: ${inspectGraphQL(value)}`);
}

function intFromNumber(value: number): number {
  if (!Number.isInteger(value)) {
    throw new TypeError(`Int cannot represent non-integer value: ${inspectGraphQL(value)}`);
  }
  if (value > GRAPHQL_MAX_INT || value < GRAPHQL_MIN_INT) {
    throw new TypeError(
      `Int cannot represent non 32-bit signed integer value: ${inspectGraphQL(value)}`,
    );
  }
  return value;
}

function coerceFloat(output: unknown): unknown {
  const value = unwrap(output);
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value)) throw floatError(value);
      return value;
    case "boolean":
      return value ? 1 : 0;
    case "string": {
      const num = value === "" ? NaN : Number(value);
      if (!Number.isFinite(num)) throw floatError(value);
      return num;
    }
    case "bigint": {
      const num = Number(value);
      if (!Number.isFinite(num)) throw floatError(value, " (value is too large)");
      if (BigInt(num) !== value) throw floatError(value, " (value would lose precision)");
      return num;
    }
  }
  throw floatError(value);
}

function floatError(value: unknown, detail = ""): TypeError {
  return new TypeError(
    `Float cannot represent non numeric value: ${inspectGraphQL(value)}${detail}`,
  );
}

function coerceString(output: unknown): unknown {
  const value = unwrap(output);
  switch (typeof value) {
    case "string":
      return value;
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (Number.isFinite(value)) return String(value);
      throw new TypeError(`String cannot represent value: ${inspectGraphQL(value)}`);
    case "bigint":
      return String(value);
  }
  throw new TypeError(`String cannot represent value: ${inspectGraphQL(output)}`);
}

function coerceBoolean(output: unknown): unknown {
  const value = unwrap(output);
  switch (typeof value) {
    case "boolean":
      return value;
    case "number":
      if (Number.isFinite(value)) return value !== 0;
      break;
    case "bigint":
      return value !== 0n;
  }
  throw new TypeError(`Boolean cannot represent a non boolean value: ${inspectGraphQL(value)}`);
}

function coerceId(output: unknown): unknown {
  const value = unwrap(output);
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      if (Number.isInteger(value)) return String(value);
      throw new TypeError(`ID cannot represent value: ${inspectGraphQL(value)}`);
    case "bigint":
      return String(value);
  }
  throw new TypeError(`ID cannot represent value: ${inspectGraphQL(output)}`);
}
