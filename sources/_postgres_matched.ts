/**
 * Ids matched to rows by Postgres: for a key compared otherwise than by its spelling.
 *
 * A `text` key finds the row spelled as the id, but a `citext` key, a case-insensitive collation,
 * `char(n)` (padded) or a `uuid` (`A0EE...` finds `a0ee...`) find rows spelled otherwise, which
 * JavaScript could not match back to the id. For such keys (columns declared `String`, `ID`, an
 * enum or a custom scalar: see {@linkcode matchesInSql}) a statement joins the table to the ids
 * with their positions, and each row comes with the position of the id it was found for:
 *
 * ```sql
 * WITH "typed" AS (SELECT FROM "dock" WHERE "code" = ANY($1))
 * SELECT "k"."i"::int4 AS "at", "t"."code", "t"."name"
 * FROM unnest($1) WITH ORDINALITY AS "k"("v", "i") JOIN "dock" AS "t" ON "t"."code" = "k"."v"
 * ```
 *
 * The `WITH` query, which nothing reads and so never runs, gives the parameter the type
 * `"code" = ANY($1)` gives it (the key's array type, or its base type's for a domain, whose checks
 * then do not refuse ids), so the ids are compared with the column's own `=` and collation, as
 * `= ANY($1)` compares them. The join finds each id's rows through the key's index, once per id:
 * time linear in the ids.
 *
 * @module
 */

import type { KeyKind } from "./_postgres_keys.ts";
import type { Column, Table } from "./_postgres_table.ts";

/**
 * Whether rows are matched to ids by Postgres rather than by their spelling: for keys of `String`
 * columns and of columns of no kind (`ID`, enums, custom scalars), whose values Postgres may
 * compare otherwise than by spelling. Numbers and booleans are matched by value in JavaScript,
 * as Postgres compares them.
 *
 * @param kind The key column's kind (see `keyKindOf`).
 * @returns Whether statements on the key join the ids with their positions.
 */
export function matchesInSql(kind: KeyKind): boolean {
  return kind === "String" || kind === null;
}

/**
 * The `WITH` that types the ids' parameter as `= ANY` would (it starts the statement): named so
 * that it hides none of the statement's tables.
 *
 * @param tables The tables the statement reads.
 * @param table The table the ids are looked up in.
 * @param key The column they are looked up in.
 * @param param The parameter of the ids (`$1`).
 * @returns The text, ending with a space.
 */
export function matchedTyping(
  tables: Iterable<Table>,
  table: Table,
  key: Column,
  param: string,
): string {
  const taken = new Set<string>();
  for (const t of tables) taken.add(t.sql);
  let name = "typed";
  while (taken.has(`"${name}"`)) name += "_";
  return `WITH "${name}" AS (SELECT FROM ${table.sql} WHERE ${key.sql} = ANY(${param})) `;
}

/**
 * The `FROM` of a statement that finds a table's rows for ids bound as one array, each row with
 * the position of its id (after {@linkcode matchedTyping}): the table is `alias` (its columns are
 * read as `"t"."column"`), the position is {@linkcode matchedAt} (from 1).
 *
 * @param table The table.
 * @param key The column the ids are looked up in.
 * @param param The parameter of the ids (`$1`).
 * @param alias The table's alias.
 * @param ids The alias of the ids and their positions.
 * @returns The text after `FROM`.
 */
export function matchedFrom(
  table: Table,
  key: Column,
  param: string,
  alias = "t",
  ids = "k",
): string {
  return `unnest(${param}) WITH ORDINALITY AS "${ids}"("v", "i") ` +
    `JOIN ${table.sql} AS "${alias}" ON "${alias}".${key.sql} = "${ids}"."v"`;
}

/**
 * The position of a row's id, as an `int4` (ids are fewer than 2^31).
 *
 * @param ids The alias of the ids in {@linkcode matchedFrom}.
 * @returns The expression.
 */
export function matchedAt(ids = "k"): string {
  return `"${ids}"."i"::int4`;
}

/**
 * A name for the position's column that no column of the table has: `"at"`, or `"at_"`, ...
 *
 * @param table The table.
 * @returns The name, unquoted.
 */
export function matchedName(table: Table): string {
  let name = "at";
  while (table.columns.some((c) => c.name === name)) name += "_";
  return name;
}
