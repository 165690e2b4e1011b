/**
 * `FieldsQuery`: a field loader that reads a node's fields from the columns of one table, one
 * statement per call.
 *
 * @module
 */

import { type Context, passContext, signalOf } from "../src/definitions/context.ts";
import { FIELD_TYPE, type Id } from "../src/definitions/members.ts";
import type { GraphType } from "../src/definitions/types.ts";
import { clientOf, type PgRow, runStatement } from "./_postgres_client.ts";
import { FieldsRowError, IdTypeError } from "./_postgres_errors.ts";
import { arrayCast, KeyIndex, keyKindOf, keysOf } from "./_postgres_keys.ts";
import {
  matchedAt,
  matchedFrom,
  matchedName,
  matchedTyping,
  matchesInSql,
} from "./_postgres_matched.ts";
import { fusionMember } from "./_postgres_fusion.ts";
import { DifferingRows, sameValue } from "./_postgres_same.ts";
import { FUSE } from "../src/definitions/fusion.ts";
import { type Column, isPrimaryKey, type Table } from "./_postgres_table.ts";

/** What {@linkcode FieldsQuery} accepts besides the context key and the table. */
export interface FieldsQueryInit {
  /** The column rows are loaded by; defaults to the table's primary key. */
  readonly primaryKey?: Column;
}

/** A query field as the loader reads it: only its name. */
export interface NamedField {
  /** The field's name: the column it is loaded from. */
  readonly name: string;
}

/**
 * The field loader made by {@linkcode FieldsQuery}; it takes the context first. It also carries
 * the `FIELD_TYPE` hook that gives a field declared with a `null` type its column's type.
 */
export interface FieldsQuery {
  /**
   * Loads the fields for a batch of ids with one statement.
   *
   * @param ctx The execution context; the client is read from `ctx[ctxKey]`.
   * @param fields The query fields, each named after a column.
   * @param ids The ids, values of the key column.
   * @returns One row per id, one value per field; `null`s for an id with no row.
   */
  (
    ctx: { readonly [key: string]: unknown },
    fields: readonly NamedField[],
    ids: readonly (string | number | bigint | boolean)[],
  ): Promise<unknown[][]>;
  /** The context key the client is read from. */
  readonly ctxKey: string;
  /** The table read. */
  readonly table: Table;
  /** The column rows are loaded by. */
  readonly primaryKey: Column;
}

interface Statement {
  readonly text: string;
  /** The column name of each field, in the order of the fields. */
  readonly names: readonly string[];
}

/** The loaders made, per table, by key column name and context key. */
const made = new WeakMap<Table, Map<string, FieldsQuery>>();

/**
 * Makes a field loader that reads a node's fields from the columns of a table: each field is loaded
 * from the column of its name, and each call issues ONE statement, `SELECT "pk", "col", ... FROM
 * "table" WHERE "pk" = ANY($1)`, with the ids bound as an array (`$1::int8[]` for an `Int` key: see
 * `arrayCast`). Rows are mapped back to the ids; an id with no row gets `null` for every field. A
 * key of another type than `Int`, `Float` or `Boolean` (text, `citext`, `uuid`, `char(n)`: values
 * Postgres may compare otherwise than by spelling) is matched by Postgres: the statement joins the
 * ids with their positions (`unnest($1) WITH ORDINALITY`), so `"NCC"` finds a citext row `"ncc"`. A
 * key other than the table's declared primary key is checked: an id with several rows gets a
 * `FieldsRowError` for every field, reported where the query reads it (the declared primary key is
 * taken to be unique: where the database does not keep it so, one of the rows is read;
 * `checkTables` reports such a key). An empty list of ids is answered without a statement.
 *
 * Ids are read as the key column's graph type before they are sent, as Postgres reads them: for
 * an `Int` key, `"7"`, `"007"`, `" 7 "` and `7n` are 7, and `7.5` or `"abc"` are an
 * `IdTypeError`; for a `String` key, `7` is `"7"`; a `Float` key reads numbers and their
 * spellings, a `Boolean` key booleans and theirs; other keys (`ID`, enums, custom scalars) get
 * the ids as they are. The statement takes the execution's abort signal (`signalOf(ctx)`).
 *
 * Calls with one context key, table and key column give one loader (`FieldsQuery(PG, t) ===
 * FieldsQuery(PG, t)`): the engine reads a node's fields by loader, so fields declared with a call
 * each are still one group, read by one statement (and joined once by a fused one).
 *
 * The loader takes the context first (it is wrapped with `passContext`) and reads the client from
 * `ctx[ctxKey]`: wrap a driver with `postgresJs`, `pglite` or `queryObjectClient`. A field declared
 * with a `null` type gets its column's type.
 *
 * @param ctxKey The context key holding the client.
 * @param from The table.
 * @param init The key column, when it is not the table's primary key.
 * @returns The field loader, for every field of the node read from this table.
 * @throws {TypeError} When there is no key column (no `primaryKey` given or declared), or it is
 *   not a column of the table. When called, the loader rejects with a `TypeError` for a field that
 *   is not a column, an `IdTypeError` for an id the key column's type can not read, a
 *   `PostgresQueryError` naming the table and statement when the statement fails, and an
 *   `ExecutionAbortedError` when the execution's signal aborted.
 * @example Fields from the seed's character table
 * ```ts
 * import { FieldsQuery, table } from "./postgres.ts";
 * import { Field, Int, Node, Str } from "../mod.ts";
 *
 * const character = table("character", { id: Int, name: Str, species: Str }, { primaryKey: "id" });
 * const characterQuery = FieldsQuery("pg", character);
 * const node = Node("Character", [
 *   Field("id", null, characterQuery), // typed Int, from the column
 *   Field("name", null, characterQuery),
 *   Field("species", null, characterQuery),
 * ]);
 * ```
 */
export function FieldsQuery(ctxKey: string, from: Table, init: FieldsQueryInit = {}): FieldsQuery {
  const key = init.primaryKey ?? from.primaryKey;
  if (key === null) {
    throw new TypeError(
      `FieldsQuery on table ${from.sql} needs a key column: the table declares no primary key, so pass { primaryKey }`,
    );
  }
  if (key.table !== from) {
    throw new TypeError(
      `FieldsQuery on table ${from.sql} needs a key column of that table: got ${key.table.sql}.${key.sql}`,
    );
  }
  // One loader per context key, table and key column: fields declared with a call each are one
  // group of the node's plan, read by one statement (the engine groups fields by loader).
  const byKey = made.get(from) ?? new Map<string, FieldsQuery>();
  made.set(from, byKey);
  const madeKey = `${key.name}\0${ctxKey}`;
  const known = byKey.get(madeKey);
  if (known !== undefined) return known;
  const columns = new Map<string, Column>();
  for (const column of from.columns) columns.set(column.name, column);
  const keyName = key.name;
  // A declared primary key is taken at its word (a fused statement could not tell two rows with
  // one key from one row its joins repeat without reading more); any other key is checked.
  const checksRows = !isPrimaryKey(key);
  const tableSql = from.sql;
  const keyKind = keyKindOf(key.type);
  const misfit = (id: unknown) => new IdTypeError(tableSql, keyName, id, String(keyKind), null);
  const source = `FieldsQuery(${tableSql})`;
  // Keys Postgres may compare otherwise than by spelling: each row comes with its id's position.
  const matched = matchesInSql(keyKind);
  const at = matchedName(from);
  const statements = new WeakMap<object, Statement>();
  const statementsByNames = new Map<string, Statement>();

  // The engine plans once per query and hands the same fields array to every execution of it.
  const statementFor = (fields: readonly NamedField[]): Statement => {
    let statement = statements.get(fields);
    if (statement !== undefined) return statement;
    const names = fields.map((f) => f.name);
    const cacheKey = names.join("\0");
    statement = statementsByNames.get(cacheKey);
    if (statement === undefined) {
      const select = [key.sql];
      const selected = new Set([keyName]);
      for (const name of names) {
        const column = columns.get(name);
        if (column === undefined) {
          throw new TypeError(
            `Field "${name}" is not a column of table ${tableSql}: columns are ${
              from.columns.map((c) => `"${c.name}"`).join(", ")
            }`,
          );
        }
        if (!selected.has(name)) {
          selected.add(name);
          select.push(column.sql);
        }
      }
      statement = Object.freeze({
        text: matched
          ? `${matchedTyping([from], from, key, "$1")}SELECT ${matchedAt()} AS "${at}", ${
            select.map((c) => `"t".${c}`).join(", ")
          } FROM ${matchedFrom(from, key, "$1")}`
          : `SELECT ${select.join(", ")} FROM ${tableSql} WHERE ${key.sql} = ANY($1${
            arrayCast(keyKind)
          })`,
        names: Object.freeze(names),
      });
      statementsByNames.set(cacheKey, statement);
    }
    statements.set(fields, statement);
    return statement;
  };

  const load = async (
    ctx: Context,
    fields: readonly NamedField[],
    ids: readonly Id[],
  ): Promise<unknown[][]> => {
    const n = ids.length;
    if (n === 0) return [];
    const statement = statementFor(fields);
    const keys = keysOf(keyKind, ids, misfit);
    const rows = await runStatement(clientOf(ctx, ctxKey), tableSql, statement.text, [keys], {
      source,
      signal: signalOf(ctx),
    });
    const names = statement.names;
    // Rows under their id's position (matched by Postgres), or under their key (see `KeyIndex`).
    const kind = matched ? null : keyKind;
    const index = new KeyIndex<PgRow>(kind);
    /** For each key whose rows differ in a field read, the different rows. */
    let several: DifferingRows<PgRow> | null = null;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const rowKey = matched ? (row[at] as number) - 1 : row[keyName];
      const first = index.at(rowKey);
      if (first === undefined) index.put(rowKey, row);
      else if (checksRows) {
        (several ??= new DifferingRows(kind)).note(
          rowKey,
          first,
          (other) => names.every((name) => sameValue(other[name], row[name])),
          () => row,
        );
      }
    }
    const width = names.length;
    const out: unknown[][] = new Array(n);
    let nulls: unknown[] | null = null;
    for (let i = 0; i < n; i++) {
      // By position exactly: a loose match would undo Postgres's.
      const row = matched ? index.at(i) : index.find(keys[i]);
      if (row === undefined) {
        out[i] = nulls ??= new Array(width).fill(null);
        continue;
      }
      if (several !== null) {
        const differ = several.count(matched ? i : keys[i], matched);
        if (differ > 0) {
          // Each field of this id fails, where the query reads it; other ids are answered.
          const error = new FieldsRowError(tableSql, keyName, keys[i], differ);
          out[i] = new Array(width).fill(error);
          continue;
        }
      }
      const values = new Array(width);
      for (let k = 0; k < width; k++) values[k] = row[names[k]!];
      out[i] = values;
    }
    return out;
  };
  Object.defineProperty(load, "name", { value: source });

  const loader = passContext(load);
  const typeOf = (name: string): GraphType | undefined => columns.get(name)?.type;
  Object.defineProperties(loader, {
    [FIELD_TYPE]: { value: typeOf },
    [FUSE]: { value: fusionMember(ctxKey, { kind: "fields", table: from, key, columns }) },
    ctxKey: { value: ctxKey, enumerable: true },
    table: { value: from, enumerable: true },
    primaryKey: { value: key, enumerable: true },
  });
  const fieldsQuery = Object.freeze(loader) as unknown as FieldsQuery;
  byKey.set(madeKey, fieldsQuery);
  return fieldsQuery;
}
