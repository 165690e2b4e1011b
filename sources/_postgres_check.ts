/**
 * Checking table descriptions against the database: each declared column must exist; its graph
 * type must fit what the drivers return for the column's Postgres type (an `Int` column must be
 * `int2`, `int4` or `int8`, a `Str` column text-like, and so on); a declared primary key must be
 * kept unique by the database where it can be. One catalog statement checks every table; a
 * mismatch is a {@linkcode ColumnTypeError} listing them all, found at start-up instead of served.
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
  /**
   * Also report columns that may hold null (no `NOT NULL`, on the column or its domains) but are
   * declared without `Optional`: served through GraphQL, such a null is a field error. Columns of
   * views are not checked (Postgres does not know whether they may be null). Default `false`.
   */
  readonly nullability?: boolean;
  /**
   * Also report a declared primary key that the database does not keep unique: a table,
   * partitioned table or materialized view with no `PRIMARY KEY`, `UNIQUE` constraint, unique
   * index or `EXCLUDE (column WITH =)` on it (valid, not deferred, without a `WHERE`, on that
   * column alone, in the column's collation), or a table that other tables inherit from (its
   * statements read their rows too).
   * Sources take the declared key at its word, so rows that share it would be read as one of
   * them, which may differ from run to run and fused or not. Views and foreign tables are not
   * checked (they hold no constraints). Default `true`.
   */
  readonly primaryKeys?: boolean;
}

// Rows of three kinds. Kind 0: one per declared table and each of its columns (a table, view or
// foreign table that is not found gives one row with a null column). Kind 1: every type those
// columns reach through domains and arrays, so that a domain over a domain, or an array of a
// domain, is read as the type underneath. Kind 2: per table, partitioned table or materialized
// view, each column that a unique index keeps unique on its own (a primary key or a unique
// constraint has one; an index with a WHERE, on an expression, on more than one column, left
// invalid by a failed CREATE INDEX CONCURRENTLY, checked only at commit (DEFERRABLE), or in
// another collation than the column's (a unique "C" index on a case-insensitive column) does
// not count), or an exclusion constraint `EXCLUDE (column WITH =)` keeps unique, on the same
// terms.
const CATALOG_SQL = "WITH RECURSIVE columns AS (" +
  "SELECT t.i::int4 AS i, c.oid IS NOT NULL AS found, a.attname AS column, " +
  "format_type(a.atttypid, a.atttypmod) AS shown, a.atttypid AS type, " +
  "a.attnotnull AS not_null, c.relkind::text || CASE WHEN c.relkind = 'r' AND EXISTS " +
  "(SELECT FROM pg_inherits h WHERE h.inhparent = c.oid) THEN '+' ELSE '' END AS relkind " +
  "FROM unnest($1::text[]) WITH ORDINALITY AS t(name, i) " +
  "LEFT JOIN pg_class c ON c.oid = to_regclass(t.name) AND c.relkind IN ('r', 'p', 'v', 'm', 'f') " +
  "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), " +
  "types AS (SELECT DISTINCT type AS oid FROM columns WHERE type IS NOT NULL " +
  "UNION SELECT CASE WHEN y.typtype = 'd' THEN y.typbasetype ELSE y.typelem END FROM types " +
  "JOIN pg_type y ON y.oid = types.oid " +
  "WHERE y.typtype = 'd' OR (y.typcategory = 'A' AND y.typelem <> 0)) " +
  "SELECT 0 AS kind, i, found, columns.column, shown, type::text AS type, not_null, relkind, " +
  "NULL AS name, NULL AS typtype, NULL AS category, NULL AS base, NULL AS item FROM columns " +
  "UNION ALL SELECT 1, NULL, NULL, NULL, NULL, y.oid::text, y.typnotnull, NULL, y.typname::text, " +
  "y.typtype::text, y.typcategory::text, y.typbasetype::text, y.typelem::text FROM types " +
  "JOIN pg_type y ON y.oid = types.oid " +
  "UNION ALL SELECT 2, t.i::int4, NULL, a.attname, NULL, NULL, NULL, NULL, NULL, NULL, " +
  "NULL, NULL, NULL FROM unnest($1::text[]) WITH ORDINALITY AS t(name, i) " +
  "JOIN pg_class c ON c.oid = to_regclass(t.name) AND c.relkind IN ('r', 'p', 'm') " +
  "JOIN pg_index x ON x.indrelid = c.oid AND x.indisunique AND x.indisvalid " +
  "AND x.indimmediate AND x.indpred IS NULL AND x.indnkeyatts = 1 " +
  "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = x.indkey[0] " +
  "AND x.indcollation[0] = a.attcollation " +
  "UNION ALL SELECT 2, t.i::int4, NULL, a.attname, NULL, NULL, NULL, NULL, NULL, NULL, " +
  "NULL, NULL, NULL FROM unnest($1::text[]) WITH ORDINALITY AS t(name, i) " +
  "JOIN pg_class c ON c.oid = to_regclass(t.name) AND c.relkind IN ('r', 'p', 'm') " +
  "JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'x' AND NOT k.condeferrable " +
  "AND cardinality(k.conexclop) = 1 " +
  "JOIN pg_operator o ON o.oid = k.conexclop[1] AND o.oprname = '=' " +
  "JOIN pg_index x ON x.indexrelid = k.conindid AND x.indisvalid AND x.indpred IS NULL " +
  "AND x.indnkeyatts = 1 " +
  "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = x.indkey[0] " +
  "AND x.indcollation[0] = a.attcollation";

/** A type of the catalog, as the statement gives it. */
interface CatalogType {
  readonly name: string;
  readonly notNull: boolean;
  readonly typtype: string;
  readonly category: string;
  readonly base: string;
  readonly item: string;
}

/** A column's Postgres type as the catalog gives it. */
interface PgType {
  /** The base type's name (`int4`, `text`, `_int4` for an array). */
  readonly name: string;
  /** Its `typcategory` (`N` numeric, `S` string, `A` array, ...). */
  readonly category: string;
  /** For an array, its items' type; otherwise `null`. */
  readonly item: PgType | null;
}

// `oid` is an unsigned 32-bit integer; both drivers read it as a number.
const INTEGERS = new Set(["int2", "int4", "int8", "oid"]);
const STRING_LIKE_OTHERS = new Set(["uuid", "xml", "citext"]);
const JSON_TYPES = new Set(["json", "jsonb"]);

/**
 * Checks table descriptions against the database behind `client`: every table (or view,
 * materialized view, foreign table) and declared column must exist, and each column's graph type must fit what the drivers return for its
 * Postgres type. Run it once at start-up, so a description that does not match the database is
 * found before any client is answered.
 *
 * What fits each graph type (domains are read as their base type):
 *
 * | graph type | Postgres types |
 * |---|---|
 * | `Int` | `int2`, `int4`, `int8`, `oid` (values beyond 32 bits are field errors in GraphQL results) |
 * | `Float` | `int2`, `int4`, `int8`, `oid`, `float4`, `float8`, `numeric` |
 * | `Str` | text-like types (`text`, `varchar`, `char`, `name`, `citext`), enums, `uuid`, `xml`, numbers, network addresses, intervals |
 * | `Bool` | `bool` |
 * | `ID` | `int2`, `int4`, `int8`, `oid`, text-like types, enums, `uuid` |
 * | `Sequence(T)` | an array whose items fit `T` |
 * | `TypeRef`, `Record`, `Mapping` | `json`, `jsonb` |
 * | `Optional(T)` | what fits `T`; with `nullability: true`, a column that may be null must be `Optional` |
 * | `Any`, custom scalars, enums | anything (enums: text-like or enum types) |
 *
 * @param client The database, as the sources reach it.
 * @param tables The table descriptions to check.
 * @param options A signal that cancels the check; whether to check nullability too, and primary
 *   keys' uniqueness.
 * @returns When every table matches.
 * @throws {ColumnTypeError} Listing every table not found, every declared column the table lacks,
 *   every column whose type does not fit its graph type, and (unless `primaryKeys` is `false`)
 *   every declared primary key of a table or materialized view that no `PRIMARY KEY`, `UNIQUE`
 *   constraint or unique index keeps unique on its own (or of a table others inherit from).
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
  const catalog = new Map<string, CatalogType>();
  for (const row of rows) {
    if (Number(row.kind) !== 1) continue;
    catalog.set(String(row.type), {
      name: String(row.name),
      notNull: row.not_null === true,
      typtype: String(row.typtype),
      category: String(row.category),
      base: String(row.base),
      item: String(row.item),
    });
  }
  const found: Map<string, { shown: string; type: PgType; mayBeNull: boolean | null }>[] = tables
    .map(() => new Map());
  // Per table whose rows can hold constraints: the columns kept unique on their own.
  const unique: (Set<string> | null)[] = tables.map(() => null);
  const constrained = new Set<number>();
  const inherited = new Set<number>();
  const missing = new Set<number>();
  for (const row of rows) {
    const kind = Number(row.kind);
    if (kind === 2) {
      const index = Number(row.i) - 1;
      (unique[index] ??= new Set()).add(String(row.column));
      continue;
    }
    if (kind !== 0) continue;
    const index = Number(row.i) - 1;
    if (row.found !== true) {
      missing.add(index);
      continue;
    }
    if (row.column === null) continue;
    const shown = String(row.relkind);
    // "r+": a table that other tables inherit from (its statements read their rows too).
    const relkind = shown.endsWith("+") ? shown.slice(0, -1) : shown;
    if (relkind !== shown) inherited.add(index);
    // Tables, partitioned tables and materialized views have indexes.
    if (relkind === "r" || relkind === "p" || relkind === "m") constrained.add(index);
    const type = String(row.type);
    found[index]!.set(String(row.column), {
      shown: String(row.shown),
      type: resolve(catalog, type),
      // Unknown for a view's columns.
      mayBeNull: relkind === "r" || relkind === "p" || relkind === "f"
        ? row.not_null !== true && !domainNotNull(catalog, type)
        : null,
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
        problem: described.schema === null
          ? "is not in the database (or not on the search path)"
          : "is not in the database",
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
      } else if (
        options.nullability === true && actual.mayBeNull === true && column.type.kind !== "optional"
      ) {
        mismatches.push({
          table: described.sql,
          column: column.name,
          declared,
          actual: actual.shown,
          problem: `may be null in the database (it is not NOT NULL), declared ${declared}, ` +
            `which may not: declare it Optional(${declared}), or make the column NOT NULL`,
        });
      }
    }
    const key = described.primaryKey;
    if (
      options.primaryKeys !== false && key !== null && columns.has(key.name) &&
      constrained.has(t) && (unique[t]?.has(key.name) !== true || inherited.has(t))
    ) {
      mismatches.push({
        table: described.sql,
        column: key.name,
        declared: typeToString(key.type),
        actual: columns.get(key.name)!.shown,
        problem: inherited.has(t)
          ? "is declared the primary key, but other tables inherit from this one, and its " +
            "statements read their rows too, which no constraint keeps unique with its own: " +
            "rows that share an id would be read as one of them; describe a table without " +
            "children, or pass { primaryKeys: false }"
          : "is declared the primary key, but the database does not keep it unique (no " +
            "PRIMARY KEY, UNIQUE constraint, unique index or EXCLUDE (... WITH =) on that column " +
            "alone): rows that share an id would be read as one of them; add one, or pass " +
            "{ primaryKeys: false }",
      });
    }
  }
  if (mismatches.length > 0) throw new ColumnTypeError(mismatches);
}

/**
 * A type as the drivers see it: a domain as the type underneath (however deep), an array with its
 * items' type resolved the same way.
 */
function resolve(catalog: ReadonlyMap<string, CatalogType>, oid: string): PgType {
  let type = catalog.get(oid);
  // Domains cannot be cyclic; the bound only guards against a catalog that says otherwise.
  for (let depth = 0; type !== undefined && type.typtype === "d" && depth < 100; depth++) {
    type = catalog.get(type.base);
  }
  if (type === undefined) return { name: "", category: "", item: null };
  const item = type.category === "A" && type.item !== "0" ? resolve(catalog, type.item) : null;
  return { name: type.name, category: type.category, item };
}

/** Whether a domain on the way from this type to the one underneath is NOT NULL. */
function domainNotNull(catalog: ReadonlyMap<string, CatalogType>, oid: string): boolean {
  let type = catalog.get(oid);
  for (let depth = 0; type !== undefined && type.typtype === "d" && depth < 100; depth++) {
    if (type.notNull) return true;
    type = catalog.get(type.base);
  }
  return false;
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
      return INTEGERS.has(pg.name) ? null : "int2, int4, int8 or oid";
    case "Float":
      return INTEGERS.has(pg.name) || pg.name === "float4" || pg.name === "float8" ||
          pg.name === "numeric"
        ? null
        : "a number type (int2, int4, int8, oid, float4, float8 or numeric)";
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
