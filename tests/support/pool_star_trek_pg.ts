/**
 * The seed's graph (examples/star_trek.ts) as a worker pool module: each thread's
 * `createContext` opens its own connection to the server at `DATABASE_URL`, working in the schema
 * named by `HIKU_TS_POOL_PG_SCHEMA`, and records which thread got which backend in the
 * `pool_connection` table there, so the test can check that every thread has its own.
 *
 * @module
 */

import { isMainThread } from "node:worker_threads";
import { type Database, openDatabase } from "../../sources/postgres.ts";
import { PG } from "../../examples/star_trek.ts";

export { graph } from "../../examples/star_trek.ts";

/** The environment variable naming the schema the tables are in. */
export const SCHEMA_ENV = "HIKU_TS_POOL_PG_SCHEMA";

const THREAD: string = isMainThread ? "main" : (globalThis as unknown as { name: string }).name;

/**
 * Opens this thread's connection and records its backend.
 *
 * @returns The context: the client under the seed's key, disposed of by closing it.
 */
export async function createContext(): Promise<
  { readonly [PG]: Database; [Symbol.asyncDispose](): Promise<void> }
> {
  const schema = Deno.env.get(SCHEMA_ENV);
  if (schema === undefined) throw new Error(`Set ${SCHEMA_ENV} to the schema to work in`);
  const db = await openDatabase({ url: Deno.env.get("DATABASE_URL") ?? null, schema, max: 1 });
  await db.query(
    "INSERT INTO pool_connection (thread, pid) VALUES ($1, pg_backend_pid())",
    [THREAD],
  );
  return { [PG]: db, [Symbol.asyncDispose]: () => db.close() };
}
