/**
 * Schema directives: declared on the graph so that clients may write them in queries (they reach
 * loaders on the query fields' `directives`), and applied to definitions for the schema export.
 *
 * @module
 */

import type { Option } from "./option.ts";

/** Where a directive may be written (GraphQL's directive locations). */
export type DirectiveLocation =
  | "QUERY"
  | "MUTATION"
  | "SUBSCRIPTION"
  | "FIELD"
  | "FRAGMENT_DEFINITION"
  | "FRAGMENT_SPREAD"
  | "INLINE_FRAGMENT"
  | "VARIABLE_DEFINITION"
  | "SCHEMA"
  | "SCALAR"
  | "OBJECT"
  | "FIELD_DEFINITION"
  | "ARGUMENT_DEFINITION"
  | "INTERFACE"
  | "UNION"
  | "ENUM"
  | "ENUM_VALUE"
  | "INPUT_OBJECT"
  | "INPUT_FIELD_DEFINITION";

/** A directive declaration. */
export interface Directive {
  /** Discriminant. */
  readonly kind: "directive";
  /** The name, without `@`. */
  readonly name: string;
  /** Where it may be written. */
  readonly locations: readonly DirectiveLocation[];
  /** Its arguments, declared as options. */
  readonly args: readonly Option[];
  /** Whether it may be written more than once at one place. */
  readonly repeatable: boolean;
  /** Human-readable description. */
  readonly description: string | null;
}

/** What {@linkcode Directive} accepts besides its name and locations. */
export interface DirectiveInit {
  /** Its arguments. */
  readonly args?: readonly Option[];
  /** Whether it may be written more than once at one place. */
  readonly repeatable?: boolean;
  /** Human-readable description. */
  readonly description?: string;
}

/**
 * Declares a schema directive.
 *
 * @param name The name, without `@`.
 * @param locations Where it may be written.
 * @param init Arguments, repeatability, description.
 * @returns The directive declaration.
 * @example
 * ```ts
 * import { Directive } from "./directive.ts";
 * import { Option } from "./option.ts";
 * import { Int } from "./types.ts";
 * const cached = Directive("cached", ["FIELD"], { args: [Option("ttl", Int)] });
 * ```
 */
export function Directive(
  name: string,
  locations: readonly DirectiveLocation[],
  init: DirectiveInit = {},
): Directive {
  return Object.freeze({
    kind: "directive",
    name,
    locations: Object.freeze([...locations]),
    args: Object.freeze([...(init.args ?? [])]),
    repeatable: init.repeatable ?? false,
    description: init.description ?? null,
  });
}
