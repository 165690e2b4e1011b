/**
 * `ListQuery`: a link loader that lists the rows of a table (their key values), filtered, ordered
 * and paged by the link's options, one statement per call; it fuses with `FieldsQuery` and
 * `LinkQuery` into one statement for the region it starts.
 *
 * @module
 */

import { inspect } from "../src/base/_inspect.ts";
import { type Context, passContext, signalOf } from "../src/definitions/context.ts";
import { FUSE } from "../src/definitions/fusion.ts";
import { BIND_LINK, type LinkBinding, type Loader } from "../src/definitions/members.ts";
import { typeToString } from "../src/definitions/types.ts";
import { clientOf, runStatement } from "./_postgres_client.ts";
import { fusionMember } from "./_postgres_fusion.ts";
import { arrayCast, keyKindOf } from "./_postgres_keys.ts";
import { boundValue, filterValues } from "./_postgres_list_options.ts";
import { listMark, StatementVariants } from "./_postgres_variants.ts";
import {
  type Column,
  describeColumn,
  type OrderBy,
  orderColumns,
  orderSql,
  type Table,
  withTieBreak,
} from "./_postgres_table.ts";

/** What {@linkcode ListQuery} accepts besides the context key and the table. */
export interface ListQueryInit {
  /**
   * Filters driven by options: option name to the column it filters. An option given one value
   * keeps the rows whose column equals it, an array keeps those whose column is one of them;
   * an option that is absent or `null` filters nothing.
   */
  readonly filters?: { readonly [option: string]: Column };
  /** The order of the list; by the key column when not given. */
  readonly orderBy?: OrderBy | readonly OrderBy[];
  /** The option giving the most rows to list (`LIMIT`); absent or `null`: all. */
  readonly limit?: string;
  /** The option giving how many rows to skip first (`OFFSET`); absent or `null`: none. */
  readonly offset?: string;
  /** The column whose values are the listed ids; the table's primary key by default. */
  readonly key?: Column;
}

/**
 * The link loader made by {@linkcode ListQuery}. It carries the `BIND_LINK` hook, through which
 * `Link()` binds it to the link it serves; it is not called directly.
 */
export interface ListQuery {
  /**
   * Not callable: use it as the loader of a `Link`.
   *
   * @throws {TypeError} Always.
   */
  (): never;
  /** The context key the client is read from. */
  readonly ctxKey: string;
  /** The table listed. */
  readonly table: Table;
}

/**
 * Makes a link loader that lists rows of a table for a link without `requires` (at the root, or
 * one list shared by every node): ONE statement
 * `SELECT "id" AS "t" FROM "character" WHERE "species" = ANY($1) ORDER BY "id" LIMIT $2 OFFSET $3`,
 * every value bound. A filter whose option is absent (or null) is left out of the text, and so
 * are LIMIT and OFFSET when both are (one of them given, the other is bound to NULL, which limits
 * nothing). So the text depends on which options are given, never on their values: a prepared
 * statement per set, each with a plan of its own (`{ characters }` is
 * `SELECT "id" AS "t" FROM "character" ORDER BY "id"`). The link's type must be
 * a `Sequence(TypeRef(...))` (maybe in `Optional`); the filter, limit and offset options must be
 * declared on the link (`Option("limit", Optional(Int))`).
 *
 * Below it, the nodes it lists and the `FieldsQuery` and `LinkQuery` loads under them fuse with
 * it into one statement (see the Postgres section of the README).
 *
 * @param ctxKey The context key holding the client.
 * @param from The table.
 * @param init Filters, order, the limit and offset options, the key column.
 * @returns The link loader.
 * @throws {TypeError} When there is no key column, or a filter or order term is not a column of
 *   the table. `Link()` throws a `TypeError` when the link has `requires`, is not a list, or does
 *   not declare an option the loader reads (a filter, the limit or the offset).
 * @example Characters, filtered by species and paged
 * ```ts
 * import { Int, Link, Option, Optional, Sequence, Str, TypeRef } from "../mod.ts";
 * import { ListQuery, table } from "./postgres.ts";
 *
 * const character = table("character", { id: Int, name: Str, species: Str }, { primaryKey: "id" });
 * const characters = Link(
 *   "characters",
 *   Sequence(TypeRef("Character")),
 *   ListQuery("pg", character, {
 *     filters: { species: character.c.species },
 *     limit: "limit",
 *     offset: "offset",
 *   }),
 *   {
 *     requires: null,
 *     options: [
 *       Option("species", Optional(Sequence(Str))),
 *       Option("limit", Optional(Int)),
 *       Option("offset", Optional(Int)),
 *     ],
 *   },
 * );
 * ```
 */
export function ListQuery(ctxKey: string, from: Table, init: ListQueryInit = {}): ListQuery {
  const key = init.key ?? from.primaryKey;
  if (key === null || key.kind !== "column" || key.table !== from) {
    throw new TypeError(
      `ListQuery on table ${from.sql} needs a key column of that table: ` +
        (key === null
          ? "the table declares no primary key, so pass { key }"
          : `got ${describeColumn(key)}`),
    );
  }
  const filters: { option: string; column: Column }[] = [];
  for (const [option, column] of Object.entries(init.filters ?? {})) {
    if (column?.kind !== "column" || column.table !== from) {
      throw new TypeError(
        `ListQuery on table ${from.sql} filters by columns of that table: option "${option}" ` +
          `got ${describeColumn(column)}`,
      );
    }
    filters.push({ option, column });
  }
  const orderBy = init.orderBy === undefined
    ? [key]
    : Array.isArray(init.orderBy)
    ? init.orderBy as readonly OrderBy[]
    : [init.orderBy as OrderBy];
  // The key breaks ties, so that which rows a limit keeps, and their order, is the same on every
  // run, fused or not.
  const terms = withTieBreak(orderColumns(from, orderBy, "ListQuery"), key);
  const order = orderSql(terms);
  const limit = init.limit ?? null;
  const offset = init.offset ?? null;
  const tableSql = from.sql;
  const name = `ListQuery(${tableSql})`;

  // A filter whose option is absent is left out, and so is the page when its limit and offset
  // are (see _postgres_variants.ts): one text per set of options given, whatever their values.
  const variants = new StatementVariants(listMark(0), [{
    table: tableSql,
    filters: filters.map((f, i) => ({
      column: f.column.sql,
      cast: arrayCast(keyKindOf(f.column.type)),
      param: i,
    })),
    order: order.join(", "),
    limit: filters.length,
    offset: filters.length + 1,
    select: `${key.sql} AS "t"`,
  }]);
  const member = fusionMember(ctxKey, {
    kind: "list",
    table: from,
    key,
    filters,
    order: terms,
    limit,
    offset,
  });

  const load = async (
    ctx: Context,
    options: { readonly [name: string]: unknown } | undefined,
    link: string,
  ) => {
    const values: unknown[] = [];
    for (const filter of filters) {
      values.push(filterValues(options, filter.option, filter.column, link));
    }
    values.push(
      boundValue(options, limit, tableSql, link),
      boundValue(options, offset, tableSql, link),
    );
    const { text, params } = variants.bind(values);
    const rows = await runStatement(clientOf(ctx, ctxKey), tableSql, text, params, {
      source: name,
      signal: signalOf(ctx),
    });
    const out = new Array(rows.length);
    for (let r = 0; r < rows.length; r++) out[r] = rows[r]!["t"];
    return out;
  };

  const bind = (link: LinkBinding): Loader => {
    const cardinality = link.cardinality;
    if (
      cardinality !== "many" && cardinality !== "maybeMany" && cardinality !== "optionalMany" &&
      cardinality !== "optionalMaybeMany"
    ) {
      throw new TypeError(
        `ListQuery can not load link "${link.name}": its type ${
          typeToString(link.type)
        } is not Sequence(TypeRef) (maybe in Optional)`,
      );
    }
    if (link.requires !== null) {
      throw new TypeError(
        `ListQuery for link "${link.name}" lists a table: the link needs requires: null, got ${
          inspect(link.requires)
        }`,
      );
    }
    for (const option of [...filters.map((f) => f.option), limit, offset]) {
      if (option !== null && !link.options.includes(option)) {
        throw new TypeError(
          `ListQuery for link "${link.name}" reads option "${option}": declare it on the link ` +
            `(options: [Option("${option}", ...)])`,
        );
      }
    }
    const linkName = link.name;
    const loader = passContext((ctx: Context, options?: { readonly [name: string]: unknown }) =>
      load(ctx, options, linkName)
    );
    Object.defineProperties(loader, {
      name: { value: `${name} for link "${link.name}"` },
      [FUSE]: { value: member },
    });
    return loader;
  };

  const unbound = (): never => {
    throw new TypeError(
      `ListQuery on table ${tableSql} is not called directly: use it as the loader of a Link`,
    );
  };
  Object.defineProperties(unbound, {
    name: { value: name },
    [BIND_LINK]: { value: bind },
    ctxKey: { value: ctxKey, enumerable: true },
    table: { value: from, enumerable: true },
  });
  return Object.freeze(unbound) as unknown as ListQuery;
}
