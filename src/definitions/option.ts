/**
 * Options: the arguments a field, a link, an input type or a directive declares.
 *
 * @module
 */

import type { AppliedDirective } from "./applied_directive.ts";
import type { GraphType } from "./types.ts";

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
 * import { Option } from "./option.ts";
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
