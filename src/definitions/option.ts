/**
 * Options: the arguments a field, a link, an input type or a directive declares.
 *
 * @module
 */

import type { AppliedDirective } from "./applied_directive.ts";
import type {
  GraphType,
  InputRefType,
  MappingType,
  OptionalType,
  RecordType,
  ScalarType,
  SequenceType,
} from "./types.ts";

/**
 * Declares an argument of a field or link.
 *
 * @typeParam N The option's name.
 * @typeParam T The option's type.
 * @typeParam D Whether a default is declared.
 */
export interface Option<
  N extends string = string,
  T extends GraphType = GraphType,
  D extends boolean = boolean,
> {
  /** Discriminant. */
  readonly kind: "option";
  /** The option's name. */
  readonly name: N;
  /** The option's type; `Optional(...)` options may be omitted. */
  readonly type: T;
  /** Whether a default is declared. */
  readonly hasDefault: D;
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
 * The value a loader receives for an option of type `T`: `Int` and `Float` give a number, `Str` a
 * string, `Bool` a boolean, `ID` a string or a number, a custom scalar definition what its
 * `parse` returns, `Optional(T)` the value of `T` or `null`, `Sequence(T)` a read-only array of
 * them; input types, records and mappings give plain objects; `Any`, enums (whose values may
 * parse to anything) and scalars named by `ScalarRef` give `unknown`.
 *
 * @typeParam T The option's type.
 * @example
 * ```ts
 * import type { OptionValue } from "./option.ts";
 * import { Int, Optional, Sequence, Str } from "./types.ts";
 * const tagsType = Optional(Sequence(Str));
 * const limit: OptionValue<typeof Int> = 10;
 * const tags: OptionValue<typeof tagsType> = ["news"]; // readonly string[] | null
 * ```
 */
export type OptionValue<T extends GraphType> =
  // A type not known more precisely than GraphType (an option of a widened type): any value.
  GraphType extends T ? unknown
    : T extends OptionalType<infer I> ? OptionValue<I> | null
    : T extends SequenceType<infer I> ? readonly OptionValue<I>[]
    : T extends ScalarType<"Int" | "Float"> ? number
    : T extends ScalarType<"String"> ? string
    : T extends ScalarType<"Boolean"> ? boolean
    : T extends ScalarType<"ID"> ? string | number
    : T extends ScalarType<"Any"> ? unknown
    : T extends { readonly kind: "scalarRef"; parse(value: unknown): infer V } ? V
    : T extends InputRefType | RecordType | MappingType ? { readonly [name: string]: unknown }
    : unknown;

/**
 * The option values a loader receives for the options a field or link declares: one property per
 * option, typed with {@linkcode OptionValue}. An option the query may leave out (an `Optional`
 * one with no default) is an optional property; one with a default is always there.
 *
 * `Link` infers this for a loader written inline; name it to type a loader written apart from its
 * link.
 *
 * @typeParam O The declared options (a tuple, as written in `options: [...]`).
 * @example
 * ```ts
 * import { Option, type OptionValues } from "./option.ts";
 * import { Int, Optional, Str } from "./types.ts";
 * const postsOptions = [Option("limit", Optional(Int)), Option("tag", Str, { default: "all" })];
 * function postsOf(ids: readonly number[], opts: OptionValues<typeof postsOptions>): number[][] {
 *   const limit = opts.limit ?? 10; // number
 *   const tag = opts.tag; // string
 *   return ids.map(() => tag === "all" ? [1, 2].slice(0, limit) : []);
 * }
 * ```
 */
export type OptionValues<O extends readonly Option[]> =
  & {
    readonly [P in O[number] as P extends Option<string, OptionalType, false> ? never : P["name"]]:
      OptionValue<P["type"]>;
  }
  & {
    readonly [P in O[number] as P extends Option<string, OptionalType, false> ? P["name"] : never]?:
      OptionValue<P["type"]>;
  };

/**
 * Declares an option (an argument) of a field or link. An option with no default and a type that
 * is not `Optional(...)` is required.
 *
 * @typeParam N The option's name.
 * @typeParam T The option's type.
 * @typeParam I What is given besides: whether it has a default matters to the loader's type.
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
export function Option<
  const N extends string,
  const T extends GraphType,
  const I extends OptionInit = Record<never, never>,
>(
  name: N,
  type: T,
  init: I = {} as I,
): Option<N, T, I extends { readonly default: unknown } ? true : false> {
  return Object.freeze({
    kind: "option",
    name,
    type,
    hasDefault: ("default" in init) as I extends { readonly default: unknown } ? true : false,
    default: init.default,
    description: init.description ?? null,
    deprecated: init.deprecated ?? null,
    directives: Object.freeze([...(init.directives ?? [])]),
  });
}
