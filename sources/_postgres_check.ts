/**
 * Checking table descriptions against the database: each declared column must exist, and its
 * graph type must fit what the drivers return for the column's Postgres type (an `Int` column
 * must be `int2`, `int4` or `int8`, a `Str` column text-like, and so on). One catalog statement
 * checks every table; a mismatch is a {@linkcode ColumnTypeError} listing them all, found at
 * start-up instead of served.
 *
 * @module
 */

import { type GraphType, typeToString } from "../src/definitions/types.ts";
import { type PgClient, runStatement } from "./_postgres_client.ts";
import { type ColumnMismatch, ColumnTypeError } from "./_postgres_errors.ts";
import type { Table } from "./_postgres_table.ts";

/** What {@linkcode checkTables} accepts besides the client and the tables. */
export interface CheckTablesOptions {
  /** Cancels the catalog statement. */
  readonly signal?: AbortSignal;
}

// One row per declared table and each of its columns in the database (a table that is not found
// gives one row with a null column). Domains are read as their base type; arrays as their items.
const CATALOG_SQL = "SELECT t.i::int4 AS i, c.oid IS NOT NULL AS found, a.attname AS column, " +
  "format_type(a.atttypid, a.atttypmod) AS shown, b.typname AS type, b.typcategory AS category, " +
  "e.typname AS item, e.typcategory AS item_category " +
  "FROM unnest($1::text[]) WITH ORDINALITY AS t(name, i) " +
  "LEFT JOIN pg_class c ON c.oid = to_regclass(t.name) " +
  "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped " +
  "LEFT JOIN pg_type d ON d.oid = a.atttypid " +
  "LEFT JOIN pg_type b ON b.oid = CASE WHEN d.typtype = 'd' THEN d.typbasetype ELSE d.oid END " +
  "LEFT JOIN pg_type e ON e.oid = b.typelem AND b.typcategory = 'A' " +
  "ORDER BY t.i, a.attnum";

/** A column's Postgres type as the catalog gives it. */
interface PgType {
  /** The base type's name (`int4`, `text`, `_int4` for an array). */
  readonly name: string;
  /** Its `typcategory` (`N` numeric, `S` string, `A` array, ...). */
  readonly category: string;
  /** For an array, its items' type; otherwise `null`. */
  readonly item: PgType | null;
}

const INTEGERS = new Set(["int2", "int4", "int8"]);
const STRING_LIKE_OTHERS = new Set(["uuid", "xml", "citext"]);
const JSON_TYPES = new Set(["json", "jsonb"]);

/**
 * Checks table descriptions against the database behind `client`: every table and declared
 * column must exist, and each column's graph type must fit what the drivers return for its
 * Postgres type. Run it once at start-up, so a description that does not match the database is
 * found before any client is answered.
 *
 * What fits each graph type (domains are read as their base type):
 *
 * | graph type | Postgres types |
 * |---|---|
 * | `Int` | `int2`, `int4`, `int8` (`int8` values beyond 32 bits are field errors in GraphQL results) |
 * | `Float` | `int2`, `int4`, `int8`, `float4`, `float8`, `numeric` |
 * | `Str` | text-like types (`text`, `varchar`, `char`, `name`, `citext`), enums, `uuid`, `xml`, numbers, network addresses, intervals |
 * | `Bool` | `bool` |
 * | `ID` | `int2`, `int4`, `int8`, text-like types, enums, `uuid` |
 * | `Sequence(T)` | an array whose items fit `T` |
 * | `TypeRef`, `Record`, `Mapping` | `json`, `jsonb` |
 * | `Optional(T)` | what fits `T` (nullability is not checked) |
 * | `Any`, custom scalars, enums | anything (enums: text-like or enum types) |
 *
 * @param client The database, as the sources reach it.
 * @param tables The table descriptions to check.
 * @param options A signal that cancels the check.
 * @returns When every table matches.
 * @throws {ColumnTypeError} Listing every table not found, every declared column the table lacks,
 *   and every column whose type does not fit its graph type.
 * @throws {PostgresQueryError} When the catalog statement fails.
 * @example At start-up
 * ```ts ignore
 * const character = table("character", { id: Int, name: Str }, { primaryKey: "id" });
 * await using db = await openDatabase();
 * await checkTables(db, [character]); // ColumnTypeError if "name" were an integer column
 * ```
 */
export async function checkTables(
  client: PgClient,
  tables: readonly Table[],
  options: CheckTablesOptions = {},
): Promise<void> {
  if (tables.length === 0) return;
  const rows = await runStatement(
    client,
    "pg_catalog",
    CATALOG_SQL,
    [tables.map((t) => t.sql)],
    { source: "checkTables", signal: options.signal ?? null },
  );
  const found: Map<string, { shown: string; type: PgType }>[] = tables.map(() => new Map());
  const missing = new Set<number>();
  for (const row of rows) {
    const index = Number(row.i) - 1;
    if (row.found !== true) {
      missing.add(index);
      continue;
    }
    if (row.column === null) continue;
    const item = row.item === null ? null : {
      name: String(row.item),
      category: String(row.item_category),
      item: null,
    };
    found[index]!.set(String(row.column), {
      shown: String(row.shown),
      type: { name: String(row.type), category: String(row.category), item },
    });
  }
  const mismatches: ColumnMismatch[] = [];
  for (let t = 0; t < tables.length; t++) {
    const described = tables[t]!;
    if (missing.has(t)) {
      mismatches.push({
        table: described.sql,
        column: null,
        declared: null,
        actual: null,
        problem: "is not in the database (or not on the search path)",
      });
      continue;
    }
    const columns = found[t]!;
    for (const column of described.columns) {
      const actual = columns.get(column.name);
      const declared = typeToString(column.type);
      if (actual === undefined) {
        mismatches.push({
          table: described.sql,
          column: column.name,
          declared,
          actual: null,
          problem: "is not in the table",
        });
        continue;
      }
      const needs = unfit(column.type, actual.type);
      if (needs !== null) {
        mismatches.push({
          table: described.sql,
          column: column.name,
          declared,
          actual: actual.shown,
          problem: `is ${actual.shown} in the database, declared ${declared}, which needs ${needs}`,
        });
      }
    }
  }
  if (mismatches.length > 0) throw new ColumnTypeError(mismatches);
}

/** What the graph type needs, when the Postgres type does not fit it; `null` when it does. */
function unfit(type: GraphType, pg: PgType): string | null {
  switch (type.kind) {
    case "optional":
      return unfit(type.type, pg);
    case "sequence": {
      if (pg.item === null) return "an array column";
      const item = unfit(type.type, pg.item);
      return item === null ? null : `an array of items that fit (${item})`;
    }
    case "scalar":
      return unfitScalar(type.name, pg);
    case "enumRef":
      return isTextLike(pg) ? null : "a text-like or enum column";
    case "ref":
    case "record":
    case "mapping":
      return JSON_TYPES.has(pg.name) ? null : "a json or jsonb column";
    default:
      // Custom scalars serialize what they are given; other kinds are not column types.
      return null;
  }
}

function unfitScalar(name: string, pg: PgType): string | null {
  switch (name) {
    case "Int":
      return INTEGERS.has(pg.name) ? null : "int2, int4 or int8";
    case "Float":
      return INTEGERS.has(pg.name) || pg.name === "float4" || pg.name === "float8" ||
          pg.name === "numeric"
        ? null
        : "a number type (int2, int4, int8, float4, float8 or numeric)";
    case "String":
      return isTextLike(pg) || pg.category === "N" || pg.category === "I" || pg.category === "T"
        ? null
        : "a text-like, enum, uuid, number, network address or interval column";
    case "Boolean":
      return pg.name === "bool" ? null : "bool";
    case "ID":
      return INTEGERS.has(pg.name) || isTextLike(pg)
        ? null
        : "an integer, text-like, enum or uuid column";
    default:
      return null;
  }
}

/** Text, varchar, char, name, citext, uuid, xml and enums: the drivers give strings. */
function isTextLike(pg: PgType): boolean {
  return pg.category === "S" || pg.category === "E" || STRING_LIKE_OTHERS.has(pg.name);
}
