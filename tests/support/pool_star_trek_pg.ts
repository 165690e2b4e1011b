/**
 * The seed's graph (examples/star_trek.ts) as a worker pool module: each thread's
 * `createContext` opens its own connection to the server at `DATABASE_URL`, working in the schema
 * named by the module URL's `schema` parameter (see {@linkcode poolModule}), and records which thread got which backend in the
 * `pool_connection` table there, so the test can check that every thread has its own.
 *
 * @module
 */

import { isMainThread } from "node:worker_threads";
import { type Database, openDatabase } from "../../sources/postgres.ts";
import { PG } from "../../examples/star_trek.ts";

export { graph } from "../../examples/star_trek.ts";

/**
 * This module's URL for a pool working in `schema`. The schema travels in the URL, not in the
 * environment, which test modules running in parallel share.
 *
 * @param schema The schema the tables are in.
 * @returns The module URL to give `WorkerPoolExecutor`.
 */
export function poolModule(schema: string): URL {
  const url = new URL(import.meta.url);
  url.search = new URLSearchParams({ schema }).toString();
  return url;
}

const THREAD: string = isMainThread ? "main" : (globalThis as unknown as { name: string }).name;

/**
 * Opens this thread's connection and records its backend.
 *
 * @returns The context: the client under the seed's key, disposed of by closing it.
 */
export async function createContext(): Promise<
  { readonly [PG]: Database; [Symbol.asyncDispose](): Promise<void> }
> {
  const schema = new URL(import.meta.url).searchParams.get("schema");
  if (schema === null) throw new Error("Import this module by poolModule(schema)'s URL");
  const db = await openDatabase({ url: Deno.env.get("DATABASE_URL") ?? null, schema, max: 1 });
  await db.query(
    "INSERT INTO pool_connection (thread, pid) VALUES ($1, pg_backend_pid())",
    [THREAD],
  );
  return { [PG]: db, [Symbol.asyncDispose]: () => db.close() };
}
