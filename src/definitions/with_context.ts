/**
 * Typed context members: `Field` and `Link` whose loaders take a context of a type named once.
 *
 * @module
 */

import { passContext } from "./context.ts";
import {
  Field,
  type FieldInit,
  type Id,
  Link,
  type LinkLoaderArgs,
  type Requires,
  type TypedFieldInit,
  type TypedLinkInit,
  type TypedQueryField,
} from "./members.ts";
import type { Option } from "./option.ts";
import type { GraphType } from "./types.ts";

/**
 * A field loader taking a context of type `Ctx` first: `(ctx, fields, ids) => rows` on a node,
 * `(ctx, fields) => values` on the root, each field's `options` typed from the declared ones.
 *
 * @typeParam Ctx The context's type.
 * @typeParam O The field's declared options.
 */
export type ContextFieldLoader<Ctx, O extends readonly Option[] = readonly []> = {
  bivariant(ctx: Ctx, fields: readonly TypedQueryField<O>[], ids: readonly Id[]): unknown;
}["bivariant"];

/**
 * A link loader taking a context of type `Ctx` first: `(ctx, values, options) => ids`, or
 * `(ctx, options) => ids` with `requires: null`, the options typed from the declared ones.
 *
 * @typeParam Ctx The context's type.
 * @typeParam R The link's `requires`.
 * @typeParam O The link's declared options.
 */
export type ContextLinkLoader<Ctx, R extends Requires, O extends readonly Option[]> = {
  bivariant(ctx: Ctx, ...args: LinkLoaderArgs<R, O>): unknown;
}["bivariant"];

/** `Field` and `Link` for loaders that take a context of type `Ctx` first. */
export interface ContextMembers<Ctx> {
  /**
   * Declares a field whose loader takes the context first, like `Field(name, type,
   * passContext(loader), init)` with the context typed `Ctx` and each field's `options` typed
   * from the declared options.
   *
   * @typeParam O The declared options, as written.
   * @param name The field's name.
   * @param type The field's type, or `null`.
   * @param loader `(ctx, fields, ids) => rows` (on the root: `(ctx, fields) => values`).
   * @param init Options, description, deprecation.
   * @returns The field definition.
   */
  Field<const O extends readonly Option[] = readonly []>(
    name: string,
    type: GraphType | null,
    loader: ContextFieldLoader<Ctx, O>,
    init?: TypedFieldInit<O>,
  ): Field;
  /**
   * Declares a field whose loader takes the context first and was written apart from it (its
   * `fields` annotated, e.g. `readonly QueryField[]`); see the first overload.
   *
   * @param name The field's name.
   * @param type The field's type, or `null`.
   * @param loader `(ctx, fields, ids) => rows` (on the root: `(ctx, fields) => values`).
   * @param init Options, description, deprecation.
   * @returns The field definition.
   */
  Field(
    name: string,
    type: GraphType | null,
    loader: ContextFieldLoader<Ctx>,
    init?: FieldInit,
  ): Field;
  /**
   * Declares a link whose loader takes the context first, like `Link(name, type,
   * passContext(loader), init)` with the context typed `Ctx` and the other parameters typed as
   * `Link` types them (the option values from the declared options).
   *
   * @typeParam R The link's `requires`, as written.
   * @typeParam O The declared options, as written.
   * @param name The link's name.
   * @param type The link's type.
   * @param loader `(ctx, values, options) => ids` (with `requires: null`: `(ctx, options)`).
   * @param init `requires` (mandatory), options, description, deprecation.
   * @returns The link definition.
   */
  Link<const R extends Requires, const O extends readonly Option[] = readonly []>(
    name: string,
    type: GraphType,
    loader: ContextLinkLoader<Ctx, R, O>,
    init: TypedLinkInit<R, O>,
  ): Link;
}

/**
 * Gives `Field` and `Link` for loaders that take the execution context first, typed `Ctx`: the
 * context's type is named once, and loaders written inline need no annotations (their option
 * values are typed from the options the link declares). Each loader is wrapped with
 * `passContext`.
 *
 * @typeParam Ctx The context's type: what `engine.execute` or the HTTP handler is given.
 * @returns `Field` and `Link` for such loaders.
 * @example
 * ```ts
 * import { withContext } from "./with_context.ts";
 * import { Option } from "./option.ts";
 * import { Int, Optional, Sequence, TypeRef } from "./types.ts";
 *
 * interface Db { postIds(authorIds: readonly unknown[], limit: number): Promise<number[][]> }
 * const DB = "db";
 * const db = withContext<{ readonly [DB]: Db }>();
 * const posts = db.Link("posts", Sequence(TypeRef("Post")),
 *   (ctx, authorIds, opts) => ctx[DB].postIds(authorIds, opts.limit ?? 10),
 *   { requires: "id", options: [Option("limit", Optional(Int))] });
 * ```
 */
export function withContext<Ctx>(): ContextMembers<Ctx> {
  return Object.freeze({
    Field(
      name: string,
      type: GraphType | null,
      loader: ContextFieldLoader<Ctx>,
      init?: FieldInit,
    ): Field {
      return Field(name, type, passContext(loader), init);
    },
    Link<const R extends Requires, const O extends readonly Option[] = readonly []>(
      name: string,
      type: GraphType,
      loader: ContextLinkLoader<Ctx, R, O>,
      init: TypedLinkInit<R, O>,
    ): Link {
      return Link(name, type, passContext(loader), init);
    },
  });
}
