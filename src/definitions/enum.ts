/**
 * Enums: a closed set of named values. An enum definition is also a type: use it (or
 * `EnumRef(name)`) as the type of a field or an option.
 *
 * @module
 */

import { inspect } from "../base/_inspect.ts";

/** One value of an enum. */
export interface EnumValue {
  /** The GraphQL name clients send and receive. */
  readonly name: string;
  /** The value loaders receive and return (the name itself unless given). */
  readonly value: unknown;
  /** Human-readable description. */
  readonly description: string | null;
  /** Deprecation reason, when deprecated. */
  readonly deprecated: string | null;
}

/** How an enum value is declared: its name, or its name with a value, description, deprecation. */
export type EnumValueInit = string | {
  /** The GraphQL name. */
  readonly name: string;
  /** The value loaders see; defaults to the name. */
  readonly value?: unknown;
  /** Human-readable description. */
  readonly description?: string;
  /** Deprecation reason. */
  readonly deprecated?: string;
};

/** An enum definition; usable as a type (it is an `EnumRef` to itself). */
export interface Enum {
  /** Discriminant: an enum definition is a reference to itself. */
  readonly kind: "enumRef";
  /** The enum's name. */
  readonly name: string;
  /** Marks a full definition (as opposed to a bare `EnumRef`). */
  readonly definition: "enum";
  /** The values, in declaration order. */
  readonly values: readonly EnumValue[];
  /** Human-readable description. */
  readonly description: string | null;
  /**
   * The value loaders receive for a GraphQL name.
   *
   * @throws {TypeError} When the name is not a value of the enum.
   */
  parse(name: unknown): unknown;
  /**
   * The GraphQL name of a value a loader returned.
   *
   * @throws {TypeError} When the value is not a value of the enum.
   */
  serialize(value: unknown): string;
}

/** What {@linkcode Enum} accepts besides name and values. */
export interface EnumInit {
  /** Human-readable description. */
  readonly description?: string;
}

/**
 * Declares an enum. Values are names, or objects giving the value loaders see (e.g. a number of
 * a TypeScript enum), a description and a deprecation reason.
 *
 * @param name The enum's GraphQL name.
 * @param values Its values.
 * @param init A description.
 * @returns The enum, usable as a type.
 * @example
 * ```ts
 * import { Enum } from "./enum.ts";
 * const Series = Enum("Series", ["TOS", { name: "TNG", description: "The Next Generation" }]);
 * Series.parse("TNG"); // "TNG"
 * ```
 */
export function Enum(name: string, values: readonly EnumValueInit[], init: EnumInit = {}): Enum {
  const list: EnumValue[] = values.map((v) =>
    Object.freeze(
      typeof v === "string" ? { name: v, value: v, description: null, deprecated: null } : {
        name: v.name,
        value: "value" in v ? v.value : v.name,
        description: v.description ?? null,
        deprecated: v.deprecated ?? null,
      },
    )
  );
  const byName = new Map(list.map((v) => [v.name, v]));
  const byValue = new Map(list.map((v) => [v.value, v]));
  return Object.freeze({
    kind: "enumRef",
    name,
    definition: "enum",
    values: Object.freeze(list),
    description: init.description ?? null,
    parse(input: unknown): unknown {
      const value = typeof input === "string" ? byName.get(input) : undefined;
      if (value === undefined) {
        throw new TypeError(`Enum "${name}" cannot represent value: ${inspect(input)}`);
      }
      return value.value;
    },
    serialize(output: unknown): string {
      const value = byValue.get(output);
      if (value === undefined) {
        throw new TypeError(`Enum "${name}" cannot represent value: ${inspect(output)}`);
      }
      return value.name;
    },
  });
}
