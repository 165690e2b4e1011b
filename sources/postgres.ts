/**
 * Postgres sources: load a graph's nodes from tables with one SQL statement per node per query
 * path, through postgres.js (the default driver), PGlite (Postgres embedded in the process) or any
 * client with @db/postgres's `queryObject` method.
 *
 * - {@linkcode table} describes a table: its columns with their graph types, and its primary key.
 * - {@linkcode FieldsQuery} loads a node's fields from a table's columns:
 *   `SELECT "id", "name" FROM "character" WHERE "id" = ANY($1::int8[])`.
 * - {@linkcode LinkQuery} loads a link from a from-column to a to-column, shaped by the link's
 *   type (one id, an id or `Nothing`, or a list).
 * - {@linkcode postgresJs}, {@linkcode pglite} and {@linkcode queryObjectClient} adapt drivers to
 *   the small {@linkcode PgClient} interface the loaders read from the context.
 * - {@linkcode checkTables} checks table descriptions against the database at start-up.
 * - {@linkcode openDatabase} opens the server at `DATABASE_URL`, or an empty in-memory PGlite
 *   when it is unset (`requireServer: true` makes that an error instead).
 *
 * Every value is a bound parameter and every identifier is quoted.
 *
 * @example The seed's graph: characters and the actors who played them
 * ```ts ignore
 * import {
 *   AsyncExecutor, denormalize, Engine, Field, Graph, Int, Link, Node, passContext, read, Root,
 *   Sequence, Str, TypeRef,
 * } from "../mod.ts";
 * import { FieldsQuery, LinkQuery, openDatabase, type PgClient, table } from "./postgres.ts";
 *
 * const PG = "pg";
 * const character = table("character", { id: Int, name: Str, species: Str }, { primaryKey: "id" });
 * const actor = table("actor", { id: Int, name: Str, character_id: Int }, { primaryKey: "id" });
 * const characterQuery = FieldsQuery(PG, character);
 * const actorQuery = FieldsQuery(PG, actor);
 * const toCharacters = passContext(async (ctx: { readonly [PG]: PgClient }) =>
 *   (await ctx[PG].query("SELECT id FROM character ORDER BY id")).map((r) => r.id)
 * );
 *
 * const graph = Graph([
 *   Node("Character", [
 *     Field("id", null, characterQuery),
 *     Field("name", null, characterQuery),
 *     Link("actors", Sequence(TypeRef("Actor")),
 *       LinkQuery(PG, { fromColumn: actor.c.character_id, toColumn: actor.c.id }),
 *       { requires: "id" }),
 *   ]),
 *   Node("Actor", [Field("id", null, actorQuery), Field("name", null, actorQuery)]),
 *   Root([Link("characters", Sequence(TypeRef("Character")), toCharacters, { requires: null })]),
 * ]);
 *
 * await using db = await openDatabase(); // DATABASE_URL, or PGlite
 * // ... create and fill the tables ...
 * const engine = new Engine(new AsyncExecutor());
 * const result = await engine.execute(graph, read("{ characters { name actors { name } } }"), {
 *   [PG]: db,
 * });
 * console.log(denormalize(graph, result));
 * ```
 *
 * @module
 */

export { table } from "./_postgres_table.ts";
export type { Column, ColumnTypes, Table, TableInit } from "./_postgres_table.ts";
export { FieldsQuery } from "./_postgres_fields.ts";
export type { FieldsQueryInit, NamedField } from "./_postgres_fields.ts";
export { LinkQuery } from "./_postgres_link.ts";
export type { LinkQueryInit, OrderBy } from "./_postgres_link.ts";
export { ListQuery } from "./_postgres_list.ts";
export type { ListQueryInit } from "./_postgres_list.ts";
export { pglite, postgresJs, queryObjectClient, recordStatements } from "./_postgres_client.ts";
export type {
  PgClient,
  PGliteDb,
  PgRow,
  PostgresJsOptions,
  PostgresJsSql,
  QueryObjectDb,
  RecordedStatement,
  StatementInfo,
  StatementRecorder,
} from "./_postgres_client.ts";
export { openDatabase } from "./_postgres_open.ts";
export { checkTables } from "./_postgres_check.ts";
export type { CheckTablesOptions } from "./_postgres_check.ts";
export type { Database, OpenDatabaseOptions } from "./_postgres_open.ts";
export {
  ColumnTypeError,
  DatabaseUrlMissingError,
  DateKeyError,
  FieldsRowError,
  IdTypeError,
  LinkRowError,
  ListOptionError,
  PostgresConnectionError,
  PostgresQueryError,
} from "./_postgres_errors.ts";
export type { ColumnMismatch } from "./_postgres_errors.ts";

// The graph types columns carry (the same as those mod.ts exports), so these docs are complete.
export type {
  BuiltinScalarName,
  EnumRefType,
  GraphType,
  InputRefType,
  InterfaceRefType,
  MappingType,
  OptionalType,
  RecordType,
  ScalarRefType,
  ScalarType,
  SequenceType,
  TypeRefType,
  UnionRefType,
} from "../src/definitions/types.ts";
