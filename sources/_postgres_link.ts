/**
 * `LinkQuery`: a link loader that finds the linked ids in one table (from-column to to-column),
 * one statement per call, shaped as the link's type says.
 *
 * @module
 */

import { inspect } from "../src/base/_inspect.ts";
import { type Context, passContext, signalOf } from "../src/definitions/context.ts";
import { BIND_LINK, type LinkBinding, type Loader, Nothing } from "../src/definitions/members.ts";
import { typeToString } from "../src/definitions/types.ts";
import { clientOf, type PgRow, runStatement } from "./_postgres_client.ts";
import { DateKeyError, IdTypeError, LinkRowError } from "./_postgres_errors.ts";
import { arrayCast, KeyIndex, keyKindOf, keysOf, MISFIT, readKey } from "./_postgres_keys.ts";
import {
  matchedAt,
  matchedFrom,
  matchedName,
  matchedTyping,
  matchesInSql,
} from "./_postgres_matched.ts";
import {
  type Column,
  describeColumn,
  type OrderBy,
  orderColumns,
  orderSql,
  withTieBreak,
} from "./_postgres_table.ts";
import { fusionMember } from "./_postgres_fusion.ts";
import { FUSE } from "../src/definitions/fusion.ts";

export type { OrderBy } from "./_postgres_table.ts";

/** What {@linkcode LinkQuery} accepts besides the context key. */
export interface LinkQueryInit {
  /** The column holding the values the link requires (e.g. `actor.c.character_id`). */
  readonly fromColumn: Column;
  /** The column holding the linked ids (e.g. `actor.c.id`), of the same table. */
  readonly toColumn: Column;
  /** How a `Sequence` link orders its ids; by the to-column when not given. */
  readonly orderBy?: OrderBy | readonly OrderBy[];
}

/**
 * The link loader made by {@linkcode LinkQuery}. It carries the `BIND_LINK` hook, through which
 * `Link()` binds it to the link's type; it is not called directly.
 */
export interface LinkQuery {
  /**
   * Not callable: use it as the loader of a `Link`.
   *
   * @throws {TypeError} Always.
   */
  (): never;
  /** The context key the client is read from. */
  readonly ctxKey: string;
  /** The column holding the required values. */
  readonly fromColumn: Column;
  /** The column holding the linked ids. */
  readonly toColumn: Column;
}

const EMPTY: readonly unknown[] = Object.freeze([]);

/**
 * Makes a link loader that finds linked ids in a table: for the values the link requires, ONE
 * statement `SELECT "from", "to" FROM "table" WHERE "from" = ANY($1)` (distinct non-null values,
 * bound as an array, `$1::int8[]` for an `Int` column; a from-column of another type than `Int`,
 * `Float` or `Boolean` joins the values with their positions instead, so that Postgres matches
 * rows to them, as `FieldsQuery` does), shaped by the link's type:
 * - `TypeRef`: exactly one id per value; no row, or several, is a `LinkRowError` naming the table,
 *   column and value;
 * - `Optional(TypeRef)`: an id, or `Nothing` when there is no row (several rows are an error);
 * - `Sequence(TypeRef)`: the list of ids, ordered by the to-column (or `orderBy`); empty when there
 *   is no row.
 *
 * Rows whose to-column is NULL are skipped. When no value is left to look up (all are `null`), no
 * statement is issued. The link's `requires` must name one field; the client is read from
 * `ctx[ctxKey]`. The required values are read as the from-column's graph type, as `FieldsQuery`
 * reads ids (`"007"` is 7 for an `Int` column; `"abc"` is an `IdTypeError` naming the link), and
 * `Date`s (a timestamp or date column's values, which a `Date` keeps to the millisecond only) fail
 * the link with a `DateKeyError`; the statement takes the execution's abort signal
 * (`signalOf(ctx)`).
 *
 * @param ctxKey The context key holding the client.
 * @param init The from-column, the to-column (of one table) and the order of `Sequence` links.
 * @returns The link loader; one can serve several links.
 * @throws {TypeError} When the columns are not of one table. `Link()` throws a `TypeError` when
 *   the link's type is not a link type or its `requires` does not name one field.
 * @example The seed's characters and their actors
 * ```ts
 * import { LinkQuery, table } from "./postgres.ts";
 * import { Int, Link, Sequence, Str, TypeRef } from "../mod.ts";
 *
 * const actor = table("actor", { id: Int, name: Str, character_id: Int }, { primaryKey: "id" });
 * const characterToActors = LinkQuery("pg", { fromColumn: actor.c.character_id, toColumn: actor.c.id });
 * const actors = Link("actors", Sequence(TypeRef("Actor")), characterToActors, { requires: "id" });
 * ```
 */
export function LinkQuery(ctxKey: string, init: LinkQueryInit): LinkQuery {
  const from = init.fromColumn;
  const to = init.toColumn;
  if (from?.kind !== "column" || to?.kind !== "column" || from.table !== to.table) {
    throw new TypeError(
      `LinkQuery needs fromColumn and toColumn of one table: got ${describeColumn(from)} and ${
        describeColumn(to)
      }`,
    );
  }
  const tableSql = from.table.sql;
  const orderBy = init.orderBy === undefined
    ? [to]
    : Array.isArray(init.orderBy)
    ? init.orderBy as readonly OrderBy[]
    : [init.orderBy as OrderBy];
  // The table's primary key breaks ties, so that a list's order is the same on every run, fused or
  // not.
  const terms = withTieBreak(orderColumns(from.table, orderBy, "LinkQuery"), from.table.primaryKey);
  const order = orderSql(terms);
  const select = from.name === to.name ? from.sql : `${from.sql}, ${to.sql}`;
  const keyKind = keyKindOf(from.type);
  // Values Postgres may compare otherwise than by spelling: each row comes with its value's
  // position among those sent.
  const matched = matchesInSql(keyKind);
  const at = matchedName(from.table);
  const single = matched
    ? `${matchedTyping([from.table], from.table, from, "$1")}SELECT ${matchedAt()} AS "${at}", ` +
      `"t".${to.sql} FROM ${matchedFrom(from.table, from, "$1")}`
    : `SELECT ${select} FROM ${tableSql} WHERE ${from.sql} = ANY($1${arrayCast(keyKind)})`;
  const many = `${single} ORDER BY ${
    matched ? order.map((term) => `"t".${term}`).join(", ") : order.join(", ")
  }`;
  const member = fusionMember(ctxKey, { kind: "link", from, to, order: terms });
  const fromName = from.name;
  const toName = to.name;
  const name = `LinkQuery(${tableSql}.${from.sql} -> ${to.sql})`;

  const bind = (link: LinkBinding): Loader => {
    if (link.cardinality === null) {
      throw new TypeError(
        `LinkQuery can not load link "${link.name}": its type ${
          typeToString(link.type)
        } is not TypeRef, Optional(TypeRef) or Sequence(TypeRef) (maybe in Optional)`,
      );
    }
    if (typeof link.requires !== "string") {
      throw new TypeError(
        `LinkQuery for link "${link.name}" needs requires to name one field: got ${
          inspect(link.requires)
        }`,
      );
    }
    const list = link.cardinality === "many" || link.cardinality === "maybeMany" ||
      link.cardinality === "optionalMany" || link.cardinality === "optionalMaybeMany";
    const load = list
      ? (ctx: Context, values: readonly unknown[]) => loadMany(ctx, values, link.name)
      : link.cardinality === "one"
      ? (ctx: Context, values: readonly unknown[]) => loadSingle(ctx, values, link.name, true)
      : (ctx: Context, values: readonly unknown[]) => loadSingle(ctx, values, link.name, false);
    const loader = passContext(load);
    Object.defineProperties(loader, {
      name: { value: `${name} for link "${link.name}"` },
      [FUSE]: { value: member },
    });
    return loader;
  };

  const keysFor = (values: readonly unknown[], link: string) => {
    if (keyKind === null) {
      // A column of another type (a custom scalar) gets the values as they are, but Dates.
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        if (value instanceof Date) throw new DateKeyError(link, tableSql, fromName);
      }
      return values;
    }
    return keysOf(
      keyKind,
      values,
      (value) => new IdTypeError(tableSql, fromName, value, String(keyKind), link),
    );
  };

  const fetchRows = async (ctx: Context, params: readonly unknown[], text: string) => {
    if (params.length === 0) return EMPTY as readonly PgRow[];
    return await runStatement(clientOf(ctx, ctxKey), tableSql, text, [params], {
      source: name,
      signal: signalOf(ctx),
    });
  };

  /**
   * Each value's targets, in the rows' order (`undefined` for a value without rows), found by the
   * value as read: the rows name their value by its position among those sent (found exactly: a
   * loose match would undo Postgres's), or by their from-column (see `KeyIndex`).
   */
  const targetsOf = async (
    ctx: Context,
    values: readonly unknown[],
    link: string,
    text: string,
  ) => {
    const keys = keysFor(values, link);
    const params = distinct(keys);
    const rows = await fetchRows(ctx, params, text);
    const index = new KeyIndex<unknown[]>(matched ? null : keyKind);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const target = row[toName];
      if (target === null || target === undefined) continue;
      const source = matched ? params[(row[at] as number) - 1] : row[fromName];
      const list = index.at(source);
      if (list === undefined) index.put(source, [target]);
      else list.push(target);
    }
    const found = new Array<unknown[] | undefined>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      found[i] = matched ? index.at(keys[i]) : index.find(keys[i]);
    }
    return { keys, found };
  };

  const loadMany = async (
    ctx: Context,
    values: readonly unknown[],
    link: string,
  ): Promise<unknown[]> => {
    const { found } = await targetsOf(ctx, values, link, many);
    const n = values.length;
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = found[i] ?? EMPTY;
    return out;
  };

  const loadSingle = async (
    ctx: Context,
    values: readonly unknown[],
    link: string,
    required: boolean,
  ): Promise<unknown[]> => {
    const { keys, found } = await targetsOf(ctx, values, link, single);
    const n = values.length;
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const targets = found[i];
      if (targets?.length === 1) out[i] = targets[0];
      else if (targets !== undefined) {
        // Named by the value as read ("1.50" of a column of numbers is 1.5, as fused).
        const id = readKey(keyKind, keys[i]);
        throw rowError(link, required, id === MISFIT ? keys[i] : id, targets.length);
      } else if (required) throw rowError(link, true, values[i], 0);
      else out[i] = Nothing;
    }
    return out;
  };

  const rowError = (link: string, required: boolean, id: unknown, found: number) =>
    new LinkRowError(
      link,
      required ? "exactly one" : "at most one",
      tableSql,
      fromName,
      id,
      found,
    );

  const unbound = (): never => {
    throw new TypeError(
      `LinkQuery on table ${tableSql} is not called directly: use it as the loader of a Link`,
    );
  };
  Object.defineProperties(unbound, {
    name: { value: name },
    [BIND_LINK]: { value: bind },
    ctxKey: { value: ctxKey, enumerable: true },
    fromColumn: { value: from, enumerable: true },
    toColumn: { value: to, enumerable: true },
  });
  return Object.freeze(unbound) as unknown as LinkQuery;
}

/** The distinct non-null values, in first-seen order. */
function distinct(values: readonly unknown[]): unknown[] {
  const seen = new Set<unknown>();
  const out: unknown[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined || seen.has(value)) continue;
    seen.add(value);
    out.push(value);
  }
  return out;
}
