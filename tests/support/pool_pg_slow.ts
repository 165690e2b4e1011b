/**
 * The slow graph (pg_slow.ts) as a worker pool module: each thread's `createContext` opens its
 * own connections to the server at `DATABASE_URL`, in the schema named by the module URL's
 * `schema` parameter and with its `application` parameter as application name, by which a test
 * finds the statements they run in `pg_stat_activity` (see {@linkcode slowPoolModule}).
 *
 * @module
 */

import { type Database, openDatabase } from "../../sources/postgres.ts";
import { PG } from "./pg_slow.ts";

export { slowGraph as graph } from "./pg_slow.ts";

/**
 * This module's URL for a pool working in `schema`, connecting as `application`. They travel
 * in the URL, not in the environment, which test modules running in parallel share.
 *
 * @param schema The schema the slow tables are in.
 * @param application The application name of the threads' connections.
 * @returns The module URL to give `WorkerPoolExecutor`.
 */
export function slowPoolModule(schema: string, application: string): URL {
  const url = new URL(import.meta.url);
  url.search = new URLSearchParams({ schema, application }).toString();
  return url;
}

/**
 * Opens this thread's connections.
 *
 * @returns The context: the client under the slow graph's key, disposed of by closing it.
 */
export async function createContext(): Promise<
  { readonly [PG]: Database; [Symbol.asyncDispose](): Promise<void> }
> {
  const params = new URL(import.meta.url).searchParams;
  const schema = params.get("schema");
  const application = params.get("application");
  if (schema === null || application === null) {
    throw new Error("Import this module by slowPoolModule(schema, application)'s URL");
  }
  const url = new URL(Deno.env.get("DATABASE_URL")!);
  url.searchParams.set("application_name", application);
  const db = await openDatabase({ url: url.href, schema, max: 2, connectTimeoutSeconds: 5 });
  return { [PG]: db, [Symbol.asyncDispose]: () => db.close() };
}
