/**
 * The embedded default: a database that is a PostgreSQL server when `DATABASE_URL` is set and
 * PGlite (Postgres compiled to WebAssembly, in the same process) otherwise, so examples and tests
 * run on a fresh machine with no server.
 *
 * @module
 */

import { type PgClient, pglite, type PgRow, postgresJs } from "./_postgres_client.ts";
import { PostgresConnectionError } from "./_postgres_errors.ts";
import { quoteIdentifier } from "./_postgres_table.ts";

/** What {@linkcode openDatabase} accepts. */
export interface OpenDatabaseOptions {
  /**
   * The server's URL (`postgres://user:password@host:port/database`); `null` for PGlite. Defaults
   * to the `DATABASE_URL` environment variable, and to PGlite when it is unset or empty.
   */
  readonly url?: string | null;
  /**
   * A schema to work in: created when missing and put first on the search path, so unqualified
   * table names are created and found there.
   */
  readonly schema?: string;
  /**
   * Drop `schema` (with everything in it) on close. The schema must not exist yet, so that close
   * never drops a schema it did not create.
   */
  readonly dropSchemaOnClose?: boolean;
  /** How long to wait for a server to answer when connecting, in seconds; 10 by default. */
  readonly connectTimeoutSeconds?: number;
  /** The most connections to a server at once; 10 by default. */
  readonly max?: number;
}

/** A database opened by {@linkcode openDatabase}: a client for the sources that can be closed. */
export interface Database extends PgClient, AsyncDisposable {
  /** `"postgres.js"` for a server, `"pglite"` for the embedded database. */
  readonly driver: "postgres.js" | "pglite";
  /** The server's URL with its password masked, or `"PGlite (in-process, in memory)"`. */
  readonly target: string;
  /**
   * Drops the schema when asked to, then closes the connections (or stops PGlite). Closing twice
   * is harmless.
   *
   * @returns When everything is closed.
   */
  close(): Promise<void>;
}

const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;
const PGLITE_TARGET = "PGlite (in-process, in memory)";
// PGlite type ids; parsed to strings as postgres.js does, so both drivers give the same values.
const INT8 = 20;
const NUMERIC = 1700;

/**
 * Opens the database examples, tests and small deployments use: the PostgreSQL server at
 * `DATABASE_URL` through postgres.js when that variable is set, and otherwise a fresh in-memory
 * PGlite, so nothing needs to be installed or started.
 *
 * Both drivers give the same values: `int8` (bigint) and `numeric` columns come back as strings
 * (exact and JSON-safe), as postgres.js returns them. A server connection is tried at once, so a
 * server that refuses or does not answer fails here, within `connectTimeoutSeconds`.
 *
 * @param options The server's URL (or `null` for PGlite), a schema to work in, and connection
 *   settings.
 * @returns The open database: put it in the context for the sources, and close it when done
 *   (`await using db = await openDatabase()` closes it at the end of the scope).
 * @throws {PostgresConnectionError} When the server can not be reached, refuses the connection or
 *   does not answer in time. Reading `DATABASE_URL` needs `--allow-env`.
 * @example
 * ```ts ignore
 * import { openDatabase } from "./postgres.ts";
 *
 * await using db = await openDatabase(); // DATABASE_URL, or PGlite
 * console.log(db.driver, await db.query("SELECT 1 + 1 AS two")); // "pglite" [{ two: 2 }]
 * ```
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const url = options.url === undefined ? databaseUrlFromEnv() : options.url;
  if (options.dropSchemaOnClose === true && options.schema === undefined) {
    throw new TypeError(
      "openDatabase needs a schema to drop on close: got dropSchemaOnClose alone",
    );
  }
  return url === null || url === "" ? await openPGlite(options) : await openServer(url, options);
}

function databaseUrlFromEnv(): string | null {
  return typeof Deno === "undefined" ? null : Deno.env.get("DATABASE_URL") ?? null;
}

async function openServer(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const { default: postgres } = await import("postgres");
  const target = maskPassword(url);
  const timeout = options.connectTimeoutSeconds ?? DEFAULT_CONNECT_TIMEOUT_SECONDS;
  const schema = options.schema === undefined ? null : quoteIdentifier(options.schema);
  let sql: ReturnType<typeof postgres>;
  try {
    sql = postgres(url, {
      max: options.max ?? 10,
      connect_timeout: timeout,
      onnotice: () => {},
      connection: schema === null ? {} : { search_path: `${schema}, public` },
    });
  } catch (error) {
    throw new PostgresConnectionError(target, messageOf(error), error);
  }
  try {
    await sql.unsafe("SELECT 1");
  } catch (error) {
    await sql.end({ timeout: 0 });
    const detail = (error as { code?: unknown }).code === "CONNECT_TIMEOUT"
      ? `no answer within ${timeout} s`
      : messageOf(error);
    throw new PostgresConnectionError(target, detail, error);
  }
  const client = postgresJs(sql);
  return await withSchema(client, "postgres.js", target, options, () => sql.end());
}

async function openPGlite(options: OpenDatabaseOptions): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const asText = (value: string) => value;
  const db = await PGlite.create({ parsers: { [INT8]: asText, [NUMERIC]: asText } });
  return await withSchema(pglite(db), "pglite", PGLITE_TARGET, options, () => db.close());
}

async function withSchema(
  client: PgClient,
  driver: Database["driver"],
  target: string,
  options: OpenDatabaseOptions,
  end: () => Promise<void>,
): Promise<Database> {
  const schema = options.schema === undefined ? null : quoteIdentifier(options.schema);
  const drop = schema !== null && options.dropSchemaOnClose === true;
  if (schema !== null) {
    try {
      await client.query(
        drop ? `CREATE SCHEMA ${schema}` : `CREATE SCHEMA IF NOT EXISTS ${schema}`,
      );
      // A server connection got the search path when it connected; PGlite has one connection.
      if (driver === "pglite") await client.query(`SET search_path TO ${schema}, public`);
    } catch (error) {
      await end();
      throw new Error(`Could not create schema ${schema} in ${target}: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    closing ??= (async () => {
      try {
        if (drop) await client.query(`DROP SCHEMA ${schema} CASCADE`);
      } finally {
        await end();
      }
    })();
  return Object.freeze({
    driver,
    target,
    query: (text: string, params?: readonly unknown[]): Promise<readonly PgRow[]> =>
      client.query(text, params),
    queryArrays: (text: string, params?: readonly unknown[]) => client.queryArrays!(text, params),
    close,
    [Symbol.asyncDispose]: close,
  });
}

function maskPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):[^@/]*@/i, "$1:***@");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
