/**
 * The embedded default: a database that is a PostgreSQL server when `DATABASE_URL` is set and
 * PGlite (Postgres compiled to WebAssembly, in the same process) otherwise, so examples and tests
 * run on a fresh machine with no server.
 *
 * @module
 */

import {
  type PgClient,
  pglite,
  type PGliteDb,
  type PgRow,
  postgresJs,
  type StatementInfo,
} from "./_postgres_client.ts";
import { DatabaseUrlMissingError, PostgresConnectionError } from "./_postgres_errors.ts";
import { quoteIdentifier } from "./_postgres_table.ts";

/** What {@linkcode openDatabase} accepts. */
export interface OpenDatabaseOptions {
  /**
   * The server's URL (`postgres://user:password@host:port/database`); `null` for PGlite. Defaults
   * to the `DATABASE_URL` environment variable, and to PGlite when it is unset or empty (unless
   * `requireServer` is set).
   */
  readonly url?: string | null;
  /**
   * Demand a server: when no URL is given and `DATABASE_URL` is unset or empty, throw a
   * {@linkcode DatabaseUrlMissingError} instead of opening an empty in-memory PGlite. `false` by
   * default, so that examples and tests run with nothing installed; set it in an application,
   * whose tables live on a server, so that a missing `DATABASE_URL` fails at start, naming it,
   * rather than at the first query with `relation "..." does not exist`.
   */
  readonly requireServer?: boolean;
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
  /**
   * How long `close()` lets statements still running finish, in seconds; 5 by default. Then the
   * schema is dropped (when asked to) and the connections are ended, each step given at most
   * what is left of this time or one second, whichever is longer: `close()` resolves whatever
   * state the connections are in, a lost server included.
   */
  readonly closeTimeoutSeconds?: number;
}

/** A database opened by {@linkcode openDatabase}: a client for the sources that can be closed. */
export interface Database extends PgClient, AsyncDisposable {
  /**
   * `"postgres.js"` for a server, `"pglite"` for the embedded database: a fresh, empty database
   * in memory, which is what `openDatabase()` opens when `DATABASE_URL` is unset.
   */
  readonly driver: "postgres.js" | "pglite";
  /** The server's URL with its password masked, or `"PGlite (in-process, in memory)"`. */
  readonly target: string;
  /**
   * Lets statements still running finish (for at most `closeTimeoutSeconds`), drops the schema
   * when asked to, then closes the connections (or stops PGlite); statements still running then
   * end with their connections (rejected). Closing twice is harmless.
   *
   * @returns When everything is closed: within `closeTimeoutSeconds` and two more seconds at
   *   most, whatever happened to the connections.
   * @throws {Error} When the schema could not be dropped (the connections are closed all the
   *   same).
   */
  close(): Promise<void>;
}

const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;
const DEFAULT_CLOSE_TIMEOUT_SECONDS = 5;
const PGLITE_TARGET = "PGlite (in-process, in memory)";
// PGlite type ids; parsed to strings as postgres.js does, so both drivers give the same values.
const INT8 = 20;
const NUMERIC = 1700;

/**
 * Opens the database examples, tests and small deployments use: the PostgreSQL server at
 * `DATABASE_URL` through postgres.js when that variable is set, and otherwise a fresh in-memory
 * PGlite, so nothing needs to be installed or started. That fallback is quiet and starts empty:
 * `db.driver` (`"pglite"`) and `db.target` tell which database was opened, and
 * `requireServer: true` turns a missing `DATABASE_URL` into an error instead.
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
 * @throws {DatabaseUrlMissingError} With `requireServer: true`, when no `url` is given and
 *   `DATABASE_URL` is unset or empty.
 * @throws {TypeError} With `requireServer: true` and `url: null` (which asks for PGlite).
 * @throws {RangeError} When `closeTimeoutSeconds` is negative or not finite.
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
  if (options.requireServer === true && (url === null || url === "")) {
    if (options.url === null) {
      throw new TypeError(
        "openDatabase can not both require a server and open PGlite: got requireServer: true " +
          "with url: null",
      );
    }
    throw new DatabaseUrlMissingError();
  }
  if (options.dropSchemaOnClose === true && options.schema === undefined) {
    throw new TypeError(
      "openDatabase needs a schema to drop on close: got dropSchemaOnClose alone",
    );
  }
  const closeTimeout = options.closeTimeoutSeconds;
  if (closeTimeout !== undefined && !(closeTimeout >= 0 && closeTimeout < Infinity)) {
    throw new RangeError(
      `openDatabase needs closeTimeoutSeconds to be a finite number of 0 or more: got ${closeTimeout}`,
    );
  }
  return url === null || url === "" ? await openPGlite(options) : await openServer(url, options);
}

function databaseUrlFromEnv(): string | null {
  return typeof Deno === "undefined" ? null : Deno.env.get("DATABASE_URL") ?? null;
}

async function openServer(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const { default: postgres } = await import("npm:postgres@3.4.9");
  const target = maskPassword(url);
  const timeout = options.connectTimeoutSeconds ?? DEFAULT_CONNECT_TIMEOUT_SECONDS;
  const schema = options.schema === undefined ? null : quoteIdentifier(options.schema);
  let sql: ReturnType<typeof postgres>;
  try {
    sql = postgres(url, {
      // A statement waits for a free connection rather than queueing behind one on a busy
      // connection: a cancel request stops whatever its connection runs when it arrives, so one
      // sent for a statement queued behind another could stop the statement after it instead.
      // (postgres.js reads `max_pipeline` but does not declare it.)
      ...{ max_pipeline: 0 },
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
  // With a timeout, postgres.js destroys the connections still open when it runs out; without
  // one, it waits for them, forever when one was lost mid-statement.
  return await withSchema(
    client,
    "postgres.js",
    target,
    options,
    (seconds) => sql.end({ timeout: seconds }),
  );
}

// In a variable, not a literal: Deno fetches a literal import() target (and, for its types, a
// `typeof import()`) before the program runs, and PGlite is 27 MB that a program given a
// server's URL never loads. tests/importable_test.ts checks PGliteModule against PGlite's types.
const PGLITE: string = "npm:@electric-sql/pglite@0.5.16";

/** The part of PGlite's module that openDatabase uses. */
export interface PGliteModule {
  readonly PGlite: {
    create(options: {
      parsers: { [oid: number]: (value: string) => unknown };
    }): Promise<PGliteDb & { close(): Promise<void> }>;
  };
}

async function openPGlite(options: OpenDatabaseOptions): Promise<Database> {
  const { PGlite } = await import(PGLITE) as PGliteModule;
  const asText = (value: string) => value;
  const db = await PGlite.create({ parsers: { [INT8]: asText, [NUMERIC]: asText } });
  return await withSchema(pglite(db), "pglite", PGLITE_TARGET, options, () => db.close());
}

async function withSchema(
  client: PgClient,
  driver: Database["driver"],
  target: string,
  options: OpenDatabaseOptions,
  end: (seconds: number) => Promise<void>,
): Promise<Database> {
  const closeTimeout = options.closeTimeoutSeconds ?? DEFAULT_CLOSE_TIMEOUT_SECONDS;
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
      await end(0);
      throw new Error(`Could not create schema ${schema} in ${target}: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }
  // Statements in flight through this database, which close lets finish (until its time runs out)
  // before ending the connections, so that it need not wait on connections: postgres.js waits
  // forever to end one that was lost mid-statement.
  let inFlight = 0;
  let whenIdle: (() => void) | null = null;
  const settled = () => {
    if (--inFlight === 0 && whenIdle !== null) {
      whenIdle();
      whenIdle = null;
    }
  };
  const track = <T>(pending: Promise<T>): Promise<T> => {
    inFlight++;
    pending.then(settled, settled);
    return pending;
  };
  const idle = (): Promise<void> =>
    inFlight === 0 ? Promise.resolve() : new Promise((resolve) => whenIdle = resolve);

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    closing ??= (async () => {
      const deadline = performance.now() + closeTimeout * 1000;
      const left = () => Math.max(0, deadline - performance.now()) / 1000;
      await within(idle(), left());
      try {
        if (drop) {
          const seconds = Math.max(left(), MIN_STEP_SECONDS);
          let dropped: boolean;
          try {
            dropped = await within(client.query(`DROP SCHEMA ${schema} CASCADE`), seconds);
          } catch (error) {
            throw new Error(`Could not drop schema ${schema} in ${target}: ${messageOf(error)}`, {
              cause: error,
            });
          }
          if (!dropped) {
            throw new Error(
              `Could not drop schema ${schema} in ${target}: no answer within ${
                seconds.toFixed(1)
              } s`,
            );
          }
        }
      } finally {
        // Statements still running now are ended with their connections. A driver that does
        // not keep its own time limit does not hold close past it either.
        await within(end(0), MIN_STEP_SECONDS);
      }
    })();
  return Object.freeze({
    driver,
    target,
    query: (
      text: string,
      params?: readonly unknown[],
      info?: StatementInfo,
    ): Promise<readonly PgRow[]> => track(client.query(text, params, info)),
    queryArrays: (text: string, params?: readonly unknown[], info?: StatementInfo) =>
      track(client.queryArrays!(text, params, info)),
    close,
    [Symbol.asyncDispose]: close,
  });
}

/** The least time `close()` gives to dropping the schema, and to ending connections. */
const MIN_STEP_SECONDS = 1;

/**
 * Waits for a promise for at most `seconds`: `true` when it resolved in time, `false` when time
 * ran out (it is then left to settle on its own, its rejection ignored).
 */
async function within(promise: Promise<unknown>, seconds: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), seconds * 1000);
  });
  promise.catch(() => {});
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function maskPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):[^@/]*@/i, "$1:***@");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
