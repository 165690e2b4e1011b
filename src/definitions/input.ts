/**
 * Input object types: structured option values with named, typed fields (GraphQL input objects).
 * An input definition is also a type: use it (or `InputRef(name)`) as the type of an option.
 *
 * @module
 */

import type { Option } from "./option.ts";

/** An input object type; usable as a type (it is an `InputRef` to itself). */
export interface Input {
  /** Discriminant: an input definition is a reference to itself. */
  readonly kind: "inputRef";
  /** The input type's name. */
  readonly name: string;
  /** Marks a full definition (as opposed to a bare `InputRef`). */
  readonly definition: "input";
  /** Its fields, declared as options (name, type, default, description). */
  readonly fields: readonly Option[];
  /** Field name to field. */
  readonly fieldsMap: ReadonlyMap<string, Option>;
  /** Human-readable description. */
  readonly description: string | null;
}

/** What {@linkcode Input} accepts besides name and fields. */
export interface InputInit {
  /** Human-readable description. */
  readonly description?: string;
}

/**
 * Declares an input object type. Its fields are declared with `Option`: fields without a default
 * whose type is not `Optional` are required.
 *
 * @param name The input type's GraphQL name.
 * @param fields Its fields.
 * @param init A description.
 * @returns The input type, usable as an option type.
 * @example
 * ```ts
 * import { Input } from "./input.ts";
 * import { Option } from "./option.ts";
 * import { Int, Optional, Str } from "./types.ts";
 * const CharacterFilter = Input("CharacterFilter", [
 *   Option("species", Optional(Str)),
 *   Option("limit", Int, { default: 10 }),
 * ]);
 * ```
 */
export function Input(name: string, fields: readonly Option[], init: InputInit = {}): Input {
  const list = Object.freeze([...fields]);
  const map = new Map<string, Option>();
  for (const field of list) {
    if (typeof field === "object" && field !== null && !map.has(field.name)) {
      map.set(field.name, field);
    }
  }
  return Object.freeze({
    kind: "inputRef",
    name,
    definition: "input",
    fields: list,
    fieldsMap: map,
    description: init.description ?? null,
  });
}
