/**
 * Custom scalars: values with their own parsing (from variables and literals) and serialization
 * (to results). A scalar definition is also a type: use it (or `ScalarRef(name)`) as the type of
 * a field or an option.
 *
 * @module
 */

/**
 * A custom scalar definition; usable as a type (it is a `ScalarRef` to itself).
 *
 * @typeParam T What `parse` gives: the value loaders receive for an option of this type.
 */
export interface Scalar<T = unknown> {
  /** Discriminant: a scalar definition is a reference to itself. */
  readonly kind: "scalarRef";
  /** The scalar's name. */
  readonly name: string;
  /** Marks a full definition (as opposed to a bare `ScalarRef`). */
  readonly definition: "scalar";
  /** Human-readable description. */
  readonly description: string | null;
  /** A URL describing the format (GraphQL's `@specifiedBy`). */
  readonly specifiedBy: string | null;
  /**
   * Turns a value from a query (variable or literal) into what loaders receive.
   *
   * @throws {TypeError} When the value is not valid for the scalar.
   */
  parse(value: unknown): T;
  /** Turns what a loader returned into what the result holds. */
  serialize(value: unknown): unknown;
}

/**
 * What {@linkcode Scalar} accepts besides its name.
 *
 * @typeParam T What `parse` gives.
 */
export interface ScalarInit<T = unknown> {
  /**
   * From query value to loader value. Defaults to identity. Throw a TypeError (or a RangeError,
   * GraphQLError or SafeError) to reject a value: its message is the client's answer. Any other
   * error is the scalar's own failure: `Schema` answers that the scalar failed to parse the value,
   * and the HTTP endpoint masks and logs it.
   */
  readonly parse?: (value: unknown) => T;
  /** From loader value to result value. Defaults to identity. */
  readonly serialize?: (value: unknown) => unknown;
  /** Human-readable description. */
  readonly description?: string;
  /** A URL describing the format. */
  readonly specifiedBy?: string;
}

const identity = <T>(value: unknown): T => value as T;

/**
 * Declares a custom scalar.
 *
 * @typeParam T What `parse` gives (inferred from it), the type option values of this scalar have
 *   in loaders.
 * @param name The scalar's GraphQL name.
 * @param init Parsing, serialization, description.
 * @returns The scalar, usable as a type.
 * @example A date scalar
 * ```ts
 * import { Scalar } from "./scalar.ts";
 * const DateScalar = Scalar("Date", {
 *   parse: (value) => {
 *     if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
 *       throw new TypeError(`Date cannot represent value: ${JSON.stringify(value)}`);
 *     }
 *     return new Date(`${value}T00:00:00Z`);
 *   },
 *   serialize: (value) => (value as Date).toISOString().slice(0, 10),
 * });
 * ```
 */
export function Scalar<T = unknown>(name: string, init: ScalarInit<T> = {}): Scalar<T> {
  return Object.freeze({
    kind: "scalarRef",
    name,
    definition: "scalar",
    description: init.description ?? null,
    specifiedBy: init.specifiedBy ?? null,
    parse: init.parse ?? identity<T>,
    serialize: init.serialize ?? identity,
  });
}
