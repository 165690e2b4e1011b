/**
 * The small client interface the Postgres sources use, and adapters that give it to postgres.js,
 * PGlite and clients with @db/postgres's `queryObject` method.
 *
 * @module
 */

import { inspect } from "../src/base/_inspect.ts";
import type { Context } from "../src/definitions/context.ts";
import { PostgresQueryError } from "./_postgres_errors.ts";

/** A row as drivers return it: column name to value. */
export type PgRow = { readonly [column: string]: unknown };

/** What a source says about a statement it runs (for recording and logging; drivers ignore it). */
export interface StatementInfo {
  /**
   * Which load it answers: `FieldsQuery("character")`, `LinkQuery(...) for link "actors"`, or
   * `region characters > Character` for a fused region.
   */
  readonly source: string;
}

/**
 * What the Postgres sources need from a client: one statement with `$1`-style bound parameters,
 * answered with its rows, keyed by column name.
 *
 * Rows must be keyed by the column names as selected: a client configured to rename columns
 * (postgres.js `transform: postgres.camel`, for example) does not fit.
 */
export interface PgClient {
  /**
   * Runs one statement.
   *
   * @param text The SQL text, with `$1`, `$2`, ... for parameters.
   * @param params The parameters' values, bound by the driver (never spliced into the text).
   * @param info Which load the statement answers (clients may ignore it).
   * @returns The rows.
   */
  query(
    text: string,
    params?: readonly unknown[],
    info?: StatementInfo,
  ): Promise<readonly PgRow[]>;
  /**
   * Runs one statement, answered with each row as an array of its values in column order (the
   * fused statements read rows this way: no object per row). Optional: without it, rows are
   * read from `query`.
   *
   * @param text The SQL text, with `$1`, `$2`, ... for parameters.
   * @param params The parameters' values, bound by the driver.
   * @param info Which load the statement answers (clients may ignore it).
   * @returns The rows, as arrays.
   */
  queryArrays?(
    text: string,
    params?: readonly unknown[],
    info?: StatementInfo,
  ): Promise<readonly (readonly unknown[])[]>;
}

/** The part of a postgres.js `sql` instance the adapter uses. */
export interface PostgresJsSql {
  /**
   * Runs a statement given as text, with bound parameters.
   *
   * @param query The SQL text.
   * @param parameters The parameters.
   * @param options `prepare: true` keeps the statement prepared on the connection.
   * @returns The rows.
   */
  unsafe(
    query: string,
    parameters?: unknown[],
    options?: { readonly prepare?: boolean },
  ): PromiseLike<readonly PgRow[]> & {
    /** The same query, answered with rows as arrays. */
    values?(): PromiseLike<readonly (readonly unknown[])[]>;
  };
}

/** What {@linkcode postgresJs} accepts besides the client. */
export interface PostgresJsOptions {
  /**
   * Run statements as prepared statements (postgres.js names them by their text and keeps them
   * per connection), so the server plans each statement text once. The sources' statement texts
   * depend only on the query's plan. Default `true`.
   */
  readonly prepare?: boolean;
}

/** The part of a PGlite instance the adapter uses. */
export interface PGliteDb {
  /**
   * Runs one statement with bound parameters.
   *
   * @param query The SQL text.
   * @param params The parameters.
   * @param options `rowMode: "array"` answers rows as arrays.
   * @returns The result, whose `rows` are objects (or arrays).
   */
  query(
    query: string,
    params?: unknown[],
    options?: { readonly rowMode?: "array" | "object" },
  ): Promise<{ readonly rows: readonly PgRow[] }>;
}

/** Any client with @db/postgres's `queryObject` method (a `Client` or a pool's client). */
export interface QueryObjectDb {
  /**
   * Runs one statement with bound parameters.
   *
   * @param query The SQL text.
   * @param args The parameters.
   * @returns The result, whose `rows` are objects.
   */
  queryObject(query: string, args?: unknown[]): Promise<{ readonly rows: readonly PgRow[] }>;
}

/**
 * Adapts a postgres.js client (`npm:postgres`, the default driver) for the Postgres sources:
 * statements run through `sql.unsafe(text, params)`, with the parameters bound by the driver.
 * Arrays of bigints or booleans are sent as arrays of text, which the server reads as the column's
 * type (postgres.js would declare such an array with its first item's type, and fail). Statements
 * are prepared (see {@linkcode PostgresJsOptions.prepare}).
 *
 * @param sql A postgres.js `sql` instance (`postgres(url)`), or a transaction's `sql`.
 * @param options Whether statements are prepared.
 * @returns The client to put in the context.
 * @example
 * ```ts ignore
 * import postgres from "postgres";
 * import { postgresJs } from "./postgres.ts";
 *
 * const sql = postgres("postgres://postgres@127.0.0.1:5432/postgres");
 * const ctx = { pg: postgresJs(sql) };
 * console.log(await ctx.pg.query("SELECT $1::int AS answer", [42])); // [{ answer: 42 }]
 * await sql.end();
 * ```
 */
export function postgresJs(sql: PostgresJsSql, options: PostgresJsOptions = {}): PgClient {
  const prepare = { prepare: options.prepare ?? true };
  const bind = (params: readonly unknown[]): unknown[] => {
    let bound = params as unknown[];
    for (let p = 0; p < params.length; p++) {
      const param = params[p];
      if (Array.isArray(param) && param.length > 0 && isMistyped(param[0])) {
        if (bound === params) bound = [...params];
        bound[p] = param.map(spellOut);
      }
    }
    return bound;
  };
  return {
    async query(text: string, params: readonly unknown[] = []): Promise<readonly PgRow[]> {
      return await sql.unsafe(text, bind(params), prepare);
    },
    async queryArrays(text: string, params: readonly unknown[] = []) {
      const pending = sql.unsafe(text, bind(params), prepare);
      return typeof pending.values === "function"
        ? await pending.values()
        : (await pending).map((row) => Object.values(row));
    },
  };
}

// postgres.js declares an array parameter with its first item's type (int8 for a bigint, bool
// for a boolean) instead of the array type, and the server then rejects `= ANY($1)`. Spelled out
// as text, the items are typed by the server from the statement, as arrays of numbers and
// strings are.
function isMistyped(item: unknown): boolean {
  return typeof item === "bigint" || typeof item === "boolean";
}

function spellOut(item: unknown): unknown {
  return typeof item === "bigint" || typeof item === "boolean" ? String(item) : item;
}

/**
 * Adapts a PGlite database (`npm:@electric-sql/pglite`: Postgres embedded, in the same process)
 * for the Postgres sources.
 *
 * @param db A PGlite instance.
 * @returns The client to put in the context.
 * @example
 * ```ts ignore
 * import { PGlite } from "@electric-sql/pglite";
 * import { pglite } from "./postgres.ts";
 *
 * const db = await PGlite.create();
 * const ctx = { pg: pglite(db) };
 * console.log(await ctx.pg.query("SELECT $1::int AS answer", [42])); // [{ answer: 42 }]
 * await db.close();
 * ```
 */
export function pglite(db: PGliteDb): PgClient {
  return {
    async query(text: string, params: readonly unknown[] = []): Promise<readonly PgRow[]> {
      return (await db.query(text, params as unknown[])).rows;
    },
    async queryArrays(text: string, params: readonly unknown[] = []) {
      const result = await db.query(text, params as unknown[], { rowMode: "array" });
      return result.rows as unknown as readonly (readonly unknown[])[];
    },
  };
}

/**
 * Adapts any client with @db/postgres's `queryObject(text, args)` method for the Postgres
 * sources.
 *
 * @param client A client with `queryObject`, e.g. a connected @db/postgres `Client`.
 * @returns The client to put in the context.
 * @example
 * ```ts ignore
 * import { Client } from "@db/postgres";
 * import { queryObjectClient } from "./postgres.ts";
 *
 * const client = new Client("postgres://postgres@127.0.0.1:5432/postgres");
 * await client.connect();
 * const ctx = { pg: queryObjectClient(client) };
 * ```
 */
export function queryObjectClient(client: QueryObjectDb): PgClient {
  return {
    async query(text: string, params: readonly unknown[] = []): Promise<readonly PgRow[]> {
      return (await client.queryObject(text, params as unknown[])).rows;
    },
  };
}

/** Reads the client a source was told to find under `key`, checking its shape. */
export function clientOf(ctx: Context, key: string): PgClient {
  const client = ctx[key] as Partial<PgClient> | null | undefined;
  if (typeof client?.query !== "function") {
    throw new TypeError(
      `Context key "${key}" must hold a Postgres client (an object with a query method, e.g. postgresJs(sql)): got ${
        inspect(client)
      }`,
    );
  }
  return client as PgClient;
}

/**
 * Runs one statement of a source and gives its rows as arrays of `width` values (from the
 * client's `queryArrays`, or from its row objects, whose keys are in column order).
 */
export async function runArrayStatement(
  client: PgClient,
  table: string,
  text: string,
  params: readonly unknown[],
  width: number,
  info: StatementInfo,
): Promise<readonly (readonly unknown[])[]> {
  try {
    if (typeof client.queryArrays === "function") {
      return await client.queryArrays(text, params, info);
    }
    const rows = await client.query(text, params, info);
    return rows.map((row) => {
      const values = Object.values(row);
      if (values.length !== width) {
        throw new TypeError(
          `Expected rows of ${width} columns, got ${values.length}: the client must not rename ` +
            "or drop columns",
        );
      }
      return values;
    });
  } catch (error) {
    throw new PostgresQueryError(table, text, error);
  }
}

/** Runs one statement of a source, naming the table and statement when it fails. */
export async function runStatement(
  client: PgClient,
  table: string,
  text: string,
  params: readonly unknown[],
  info: StatementInfo,
): Promise<readonly PgRow[]> {
  try {
    return await client.query(text, params, info);
  } catch (error) {
    throw new PostgresQueryError(table, text, error);
  }
}

/** A statement a {@linkcode recordStatements} client ran. */
export interface RecordedStatement {
  /** The SQL text. */
  readonly text: string;
  /** The parameters. */
  readonly params: readonly unknown[];
  /** Which load it answered, as the source said; `null` for statements run by others. */
  readonly source: string | null;
}

/** A client that records what it runs, and the record. */
export interface StatementRecorder {
  /** Put this in the context in place of the client. */
  readonly client: PgClient;
  /** Every statement run through `client`, in the order they were sent. */
  readonly statements: RecordedStatement[];
}

/**
 * Wraps a client so that every statement run through it is recorded, with the load it answers:
 * the way to see the SQL a query issues (one statement per fused region, one per load outside
 * regions).
 *
 * @param client The client to wrap.
 * @returns The recording client and its record (clear it with `statements.length = 0`).
 * @example What the seed's query issues
 * ```ts ignore
 * const recorder = recordStatements(db);
 * await engine.execute(graph, read("{ characters { name actors { name } } }"), {
 *   [PG]: recorder.client,
 * });
 * for (const { source, text } of recorder.statements) console.log(source, text);
 * ```
 */
export function recordStatements(client: PgClient): StatementRecorder {
  const statements: RecordedStatement[] = [];
  const recorded: PgClient = {
    query(text: string, params: readonly unknown[] = [], info?: StatementInfo) {
      statements.push({ text, params, source: info?.source ?? null });
      return client.query(text, params, info);
    },
  };
  if (typeof client.queryArrays === "function") {
    const arrays = client.queryArrays.bind(client);
    recorded.queryArrays = (text, params = [], info) => {
      statements.push({ text, params, source: info?.source ?? null });
      return arrays(text, params, info);
    };
  }
  return { client: recorded, statements };
}
