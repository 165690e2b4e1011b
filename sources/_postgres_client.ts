/**
 * The small client interface the Postgres sources use, and adapters that give it to postgres.js,
 * PGlite and clients with @db/postgres's `queryObject` method.
 *
 * Every statement may carry its execution's abort signal (`info.signal`). A statement whose
 * signal has aborted never starts; on abort, postgres.js cancels the statement (a cancel request
 * to the server when it runs, out of the pool's queue when it waits), while PGlite and
 * `queryObject` clients, which cannot interrupt a statement, only drop those still waiting for
 * their turn.
 *
 * @module
 */

import { AbortListener } from "../src/base/_abort.ts";
import { inspect } from "../src/base/_inspect.ts";
import { ExecutionAbortedError } from "../src/base/errors.ts";
import type { Context } from "../src/definitions/context.ts";
import { PostgresQueryError } from "./_postgres_errors.ts";

/** A row as drivers return it: column name to value. */
export type PgRow = { readonly [column: string]: unknown };

/**
 * What comes with a statement: which load it answers (for recording and logging), and the abort
 * signal that cancels it. The sources give both; a loader calling a client itself may give
 * either, e.g. `{ signal: signalOf(ctx) }`.
 */
export interface StatementInfo {
  /**
   * Which load it answers: `FieldsQuery("character")`, `LinkQuery(...) for link "actors"`, or
   * `region characters > Character` for a fused region. Clients may ignore it.
   */
  readonly source?: string;
  /**
   * The execution's abort signal (`signalOf(ctx)`): once it has aborted the statement does not
   * start, and the adapters stop it as far as their driver can (see {@linkcode postgresJs},
   * {@linkcode pglite}, {@linkcode queryObjectClient}), rejecting with an
   * `ExecutionAbortedError`. `null` or absent: the statement runs to its end.
   */
  readonly signal?: AbortSignal | null;
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
   * @param info Which load the statement answers, and the signal that cancels it (clients may
   *   ignore both; the sources check the signal before calling).
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
   * @param info Which load the statement answers, and the signal that cancels it.
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
    options?: { readonly prepare?: boolean; readonly simple?: boolean },
  ): PromiseLike<readonly PgRow[]> & {
    /** The same query, answered with rows as arrays. */
    values?(): PromiseLike<readonly (readonly unknown[])[]>;
    /** Cancels the query: out of the queue when it waits, by a cancel request when it runs. */
    cancel?(): unknown;
  };
  /**
   * Declares an array parameter with its items' type (`sql.array(values, oid)`): how arrays of
   * booleans are sent.
   *
   * @param values The items.
   * @param type The items' type oid (16 for boolean).
   * @returns The parameter.
   */
  array?(values: unknown[], type: number): unknown;
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
  /**
   * Learns the array types created since the database opened (an enum's, a domain's): PGlite
   * writes an array of a type it does not know as text, which the server refuses. Optional: the
   * adapter calls it, and retries once, when a statement with an array parameter fails so.
   */
  refreshArrayTypes?(): Promise<void>;
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
 * Arrays of bigints and of `Date`s are sent as arrays of text (a date as postgres.js writes one,
 * `toISOString()`), which the server reads as the column's type, and arrays of booleans through
 * `sql.array(values, 16)` (postgres.js would declare each array with its first item's type, and
 * fail; booleans spelled as text would all be read as false). Statements
 * are prepared (see {@linkcode PostgresJsOptions.prepare}): the sources' statements (those given
 * a {@linkcode StatementInfo.source}) always, even without parameters; a statement of your own
 * without parameters goes as postgres.js sends it, with the simple protocol (which takes several
 * statements in one text) and unprepared.
 *
 * A statement given a `signal` ({@linkcode StatementInfo.signal}) is cancelled when it aborts: one
 * still waiting for a connection leaves the pool's queue, one running gets a cancel request (sent
 * by postgres.js on a connection of its own, so a full pool does not delay it) and the server
 * stops it, freeing its connection; either rejects with an `ExecutionAbortedError`. A cancel
 * request that cannot reach the server is ignored. As with any Postgres cancel request, one that
 * arrives after its statement finished may stop the next statement of that connection; with
 * pipelining (postgres.js queues a statement on a busy connection when every connection is busy)
 * that can be the one queued behind it, so `openDatabase` turns pipelining off
 * (`max_pipeline: 0`), which your own `postgres(url, { max_pipeline: 0 })` can do too.
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
  // `simple: false`: postgres.js sends a statement without parameters with the simple protocol
  // otherwise, which never prepares it. The sources' statements hold one statement each.
  const sources = { prepare: options.prepare ?? true, simple: false };
  const bind = (params: readonly unknown[]): unknown[] => {
    let bound = params as unknown[];
    for (let p = 0; p < params.length; p++) {
      const param = params[p];
      if (!Array.isArray(param) || param.length === 0) continue;
      const first = typeof param[0];
      const dates = param[0] instanceof Date;
      if (first !== "bigint" && first !== "boolean" && !dates) continue;
      if (bound === params) bound = [...params];
      bound[p] = first === "boolean" ? booleans(sql, param) : param.map(spellOut);
    }
    return bound;
  };
  return {
    async query(
      text: string,
      params: readonly unknown[] = [],
      info?: StatementInfo,
    ): Promise<readonly PgRow[]> {
      const signal = info?.signal ?? null;
      const how = info?.source === undefined ? prepare : sources;
      if (signal === null) return detached(await sql.unsafe(text, bind(params), how), info);
      if (signal.aborted) throw new ExecutionAbortedError(signal.reason);
      const pending = sql.unsafe(text, bind(params), how);
      return detached(await cancelling(pending, pending, signal), info);
    },
    async queryArrays(text: string, params: readonly unknown[] = [], info?: StatementInfo) {
      const signal = info?.signal ?? null;
      if (signal !== null && signal.aborted) throw new ExecutionAbortedError(signal.reason);
      const pending = sql.unsafe(
        text,
        bind(params),
        info?.source === undefined ? prepare : sources,
      );
      if (typeof pending.values !== "function") {
        const rows = signal === null ? await pending : await cancelling(pending, pending, signal);
        return rows.map((row) => Object.values(row));
      }
      const values = pending.values();
      return detached(
        signal === null ? await values : await cancelling(pending, values, signal),
        info,
      );
    },
  };
}

/**
 * The rows a driver answered a source's statement with (`info.source` given), moved into an array
 * of their own: the driver's is left empty. Your own statements' results are left as the driver
 * gave them (postgres.js's keeps `count`, `command` and `columns`).
 *
 * A driver's query is a promise resolved with its result (postgres.js's query object is that
 * promise itself), and a settled promise keeps its value for as long as it lives. Promises that
 * waited long enough to reach the old generation (under load, for a connection or a turn, many
 * do) are garbage only at the next full collection; until then every young-generation collection
 * finds the rows through them and copies them, then moves them to the old generation. Measured
 * with postgres.js on 500-row results: 8 ms per minor collection and a full one every few hundred
 * statements, against 0.35 ms and none once the rows are moved out. Moved out, the rows die with
 * the request that read them.
 */
function detached<T>(rows: readonly T[], info: StatementInfo | undefined): readonly T[] {
  if (info?.source === undefined || !Array.isArray(rows) || Object.isFrozen(rows)) return rows;
  // A copy by hand, not `splice(0)`: on a subclass of Array (postgres.js's Result is one),
  // `splice` builds its answer through the subclass's constructor, one property at a time:
  // 55 µs for 500 rows, against under 1 µs for this loop.
  const driver = rows as T[];
  const length = driver.length;
  const own: T[] = new Array(length);
  for (let i = 0; i < length; i++) own[i] = driver[i]!;
  driver.length = 0;
  OWN_ROWS.add(own);
  return own;
}

/** The arrays of rows {@linkcode detached} made: the adapter's own, which no one else holds. */
const OWN_ROWS = new WeakSet<readonly unknown[]>();

/**
 * Lets go of a source statement's rows once they are read for the last time, when the array is
 * the adapter's own (a client of your own may hand out arrays it keeps: those are left as they
 * are). The array is emptied in place: the settled promises that carried it from the driver
 * (several, from the adapter up to the source's load) refer to it for as long as they live, and
 * promises that waited for a connection under load live in the old generation until the next
 * full collection, where every minor collection finds what they refer to.
 *
 * @param rows The rows a source's statement returned.
 */
export function releaseRows(rows: readonly unknown[] | null): void {
  if (rows === null || !OWN_ROWS.delete(rows)) return;
  (rows as unknown[]).length = 0;
}

/** A postgres.js query as the adapter cancels it (its `canceller` is postgres.js's own). */
interface CancellableQuery {
  canceller?: ((query: unknown) => PromiseLike<unknown>) | null;
  cancel?(): unknown;
}

/**
 * Waits for a postgres.js query, cancelling it when the signal aborts; rejects with an
 * `ExecutionAbortedError` when it failed after the signal aborted.
 */
async function cancelling<T>(
  query: CancellableQuery,
  result: PromiseLike<T>,
  signal: AbortSignal,
): Promise<T> {
  let settled = false;
  const listener = new AbortListener(signal, () => {
    // postgres.js hands a query to a connection one tick after it is first awaited; a query
    // cancelled before that is still given a connection, which then waits for it forever. From
    // a timer's turn, the query is in the pool's queue or on its connection.
    setTimeout(() => {
      if (!settled) cancelQuery(query);
    }, 0);
  });
  try {
    return await result;
  } catch (error) {
    if (signal.aborted) throw new ExecutionAbortedError(signal.reason);
    throw error;
  } finally {
    settled = true;
    listener.remove();
  }
}

function cancelQuery(query: CancellableQuery): void {
  // postgres.js's cancel() drops the promise of its cancel request, which rejects when the
  // request cannot reach the server: an unhandled rejection, which ends a Deno process. Its
  // canceller gives that promise, to be caught.
  const canceller = query.canceller;
  if (typeof canceller === "function") {
    query.canceller = null;
    try {
      canceller(query).then(undefined, ignore);
    } catch {
      // Nothing to cancel: the query is over.
    }
  } else if (typeof query.cancel === "function") {
    query.cancel();
  }
}

function ignore(): void {}

// postgres.js declares an array parameter with its first item's type (int8 for a bigint, bool
// for a boolean, timestamptz for a Date) instead of the array type, and the server then rejects
// `= ANY($1)`. Spelled out as text, bigints and dates (as postgres.js writes one Date) are typed
// by the server from the statement, as arrays of numbers and strings are. Booleans cannot be: the
// server's array of booleans goes through postgres.js's boolean serializer, which writes false
// for anything but `true`; `sql.array` declares the array type.
function spellOut(item: unknown): unknown {
  if (typeof item === "bigint") return String(item);
  if (!(item instanceof Date)) return item;
  if (Number.isNaN(item.getTime())) {
    // postgres.js would throw a RangeError of its own ("Invalid time value") while writing it.
    throw new TypeError(
      "Cannot send an invalid Date in an array parameter (postgres.js reads 'infinity' and " +
        "'-infinity' as one): send a valid date, or the column's text",
    );
  }
  return item.toISOString();
}

/** OID of Postgres's `boolean`. */
const BOOL_OID = 16;

function booleans(sql: PostgresJsSql, items: unknown[]): unknown {
  if (typeof sql.array !== "function") {
    throw new TypeError(
      "Cannot send an array of booleans: the postgres.js client has no sql.array (pass the " +
        "client postgres() made, or a transaction's sql)",
    );
  }
  return sql.array(items, BOOL_OID);
}

/**
 * Adapts a PGlite database (`npm:@electric-sql/pglite`: Postgres embedded, in the same process)
 * for the Postgres sources.
 *
 * PGlite runs one statement at a time, in this thread: a running statement cannot be
 * interrupted, and it blocks the event loop (timers, the HTTP time limit among them, fire only
 * once it ends). The adapter hands PGlite one statement at a time; a statement whose signal
 * ({@linkcode StatementInfo.signal}) aborts while it waits for its turn never starts and rejects
 * at once with an `ExecutionAbortedError`. After a statement that held the thread for more than
 * a few milliseconds, the next one waits for a timer's turn, so that a time limit that ran out
 * meanwhile aborts its execution first.
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
  const turns = turnsOf(db, PGLITE_LONG_STATEMENT_MS);
  return {
    query(
      text: string,
      params: readonly unknown[] = [],
      info?: StatementInfo,
    ): Promise<readonly PgRow[]> {
      return turns.run(
        async () =>
          detached(
            (await withArrayTypes(db, params, () => db.query(text, params as unknown[]))).rows,
            info,
          ),
        info,
      );
    },
    queryArrays(text: string, params: readonly unknown[] = [], info?: StatementInfo) {
      return turns.run(async () => {
        const result = await withArrayTypes(
          db,
          params,
          () => db.query(text, params as unknown[], { rowMode: "array" }),
        );
        return detached(result.rows as unknown as readonly (readonly unknown[])[], info);
      }, info);
    },
  };
}

/**
 * Runs a PGlite statement, once more after PGlite learns the array types created since it opened,
 * when it failed on an array parameter of a type it did not know (written as `a,b`, which the
 * server refuses as a "malformed array literal": an enum's or a domain's array, the ids of a key of
 * that type). A statement that failed so did not run.
 */
async function withArrayTypes<T>(
  db: PGliteDb,
  params: readonly unknown[],
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (
      typeof db.refreshArrayTypes !== "function" || !params.some(Array.isArray) ||
      !/malformed array literal/.test(String((error as { message?: unknown } | null)?.message))
    ) {
      throw error;
    }
    await db.refreshArrayTypes();
    return await run();
  }
}

/**
 * How long a PGlite statement may hold the thread before the next one waits for a timer's turn
 * (a statement shorter than this delays a due timer by no more than this).
 */
const PGLITE_LONG_STATEMENT_MS = 5;

/**
 * Adapts any client with @db/postgres's `queryObject(text, args)` method for the Postgres
 * sources.
 *
 * Such a client (one connection) runs one statement at a time, and @db/postgres has no cancel
 * request: a statement that has started runs to its end, holding its connection, whatever its
 * signal ({@linkcode StatementInfo.signal}) does. The adapter hands the client one statement at a
 * time; one whose signal aborts while it waits for its turn never starts and rejects at once with
 * an `ExecutionAbortedError`. To stop running statements too, use postgres.js (`postgresJs`).
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
  const turns = turnsOf(client, Infinity);
  return {
    query(
      text: string,
      params: readonly unknown[] = [],
      info?: StatementInfo,
    ): Promise<readonly PgRow[]> {
      return turns.run(
        async () => detached((await client.queryObject(text, params as unknown[])).rows, info),
        info,
      );
    },
  };
}

/** A statement waiting for its turn. */
interface Waiting {
  readonly start: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Drops it from the line when its signal aborts. */
  listener: AbortListener | null;
}

/**
 * Hands a one-statement-at-a-time database its statements one by one, so that a statement whose
 * signal aborts before its turn is dropped instead of started (the database's own queue would
 * start it).
 */
class Turns {
  readonly #yieldAfterMs: number;
  #busy = false;
  readonly #waiting: Waiting[] = [];

  constructor(yieldAfterMs: number) {
    this.#yieldAfterMs = yieldAfterMs;
  }

  run<T>(start: () => Promise<T>, info: StatementInfo | undefined): Promise<T> {
    const signal = info?.signal ?? null;
    if (signal !== null && signal.aborted) {
      return Promise.reject(new ExecutionAbortedError(signal.reason));
    }
    if (!this.#busy) {
      this.#busy = true;
      return this.#go(start);
    }
    return new Promise<T>((resolve, reject) => {
      const waiting: Waiting = {
        start,
        resolve: resolve as (value: unknown) => void,
        reject,
        listener: null,
      };
      if (signal !== null) {
        waiting.listener = new AbortListener(signal, () => {
          const at = this.#waiting.indexOf(waiting);
          if (at >= 0) this.#waiting.splice(at, 1);
          reject(new ExecutionAbortedError(signal.reason));
        });
      }
      this.#waiting.push(waiting);
    });
  }

  async #go<T>(start: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await start();
    } finally {
      if (this.#waiting.length === 0) this.#busy = false;
      else if (performance.now() - started > this.#yieldAfterMs) setTimeout(() => this.#next(), 0);
      else this.#next();
    }
  }

  #next(): void {
    const waiting = this.#waiting.shift();
    if (waiting === undefined) {
      this.#busy = false;
      return;
    }
    waiting.listener?.remove();
    this.#go(waiting.start).then(waiting.resolve, waiting.reject);
  }
}

const turnsByDb = new WeakMap<object, Turns>();

/** The turns of one database object, shared by every adapter made for it. */
function turnsOf(db: object, yieldAfterMs: number): Turns {
  let turns = turnsByDb.get(db);
  if (turns === undefined) {
    turns = new Turns(yieldAfterMs);
    turnsByDb.set(db, turns);
  }
  return turns;
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
 * client's `queryArrays`, or from its row objects, whose keys are in column order). A statement
 * whose signal has aborted is not sent; one that fails after its signal aborted rejects with an
 * `ExecutionAbortedError`, as the execution does.
 */
export async function runArrayStatement(
  client: PgClient,
  table: string,
  text: string,
  params: readonly unknown[],
  width: number,
  info: StatementInfo,
): Promise<readonly (readonly unknown[])[]> {
  const signal = info.signal ?? null;
  if (signal !== null && signal.aborted) throw new ExecutionAbortedError(signal.reason);
  try {
    if (typeof client.queryArrays === "function") {
      return await retriedOnStrayCancel(() => client.queryArrays!(text, params, info), signal);
    }
    const rows = await retriedOnStrayCancel(() => client.query(text, params, info), signal);
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
    throw failure(table, text, error, signal);
  }
}

/**
 * Runs one statement of a source, naming the table and statement when it fails. A statement
 * whose signal has aborted is not sent; one that fails after its signal aborted rejects with an
 * `ExecutionAbortedError`, as the execution does.
 */
export async function runStatement(
  client: PgClient,
  table: string,
  text: string,
  params: readonly unknown[],
  info: StatementInfo,
): Promise<readonly PgRow[]> {
  const signal = info.signal ?? null;
  if (signal !== null && signal.aborted) throw new ExecutionAbortedError(signal.reason);
  try {
    return await retriedOnStrayCancel(() => client.query(text, params, info), signal);
  } catch (error) {
    throw failure(table, text, error, signal);
  }
}

/**
 * Runs a source's statement, once more when a cancel request it did not send stopped it, or when
 * it was sent on a connection the server had already ended. A Postgres cancel request stops
 * whatever its connection runs when it arrives, so a cancel sent for another execution's
 * statement that arrives late stops the next statement on that connection. A connection the
 * server ended (`pg_terminate_backend`, SQLSTATE 57P01) answers the next statement sent on it
 * with that notice (postgres.js); the pool then opens a new one. The sources' statements only
 * read, so running one again is safe; a second failure, or this execution's own cancel (its
 * signal aborted), fails it.
 */
async function retriedOnStrayCancel<T>(
  run: () => Promise<T>,
  signal: AbortSignal | null,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (signal !== null && signal.aborted) throw error;
    if (!isCancelledByRequest(error) && !isTerminatedConnection(error)) throw error;
    return await run();
  }
}

/** Whether a statement failed because the server had ended its connection (SQLSTATE 57P01). */
function isTerminatedConnection(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  return (error as { code?: unknown }).code === "57P01";
}

/**
 * Whether a statement failed because a cancel request stopped it (SQLSTATE 57014 with the
 * server's "user request" reason; a statement timeout has the same code, and is not one).
 */
function isCancelledByRequest(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === "57014" && typeof message === "string" && message.includes("user request");
}

/** A failed statement's error: the execution's abort when it was cancelled, else the query's. */
function failure(table: string, text: string, error: unknown, signal: AbortSignal | null): Error {
  if (error instanceof ExecutionAbortedError) return error;
  if (signal !== null && signal.aborted) return new ExecutionAbortedError(signal.reason);
  return new PostgresQueryError(table, text, error);
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
