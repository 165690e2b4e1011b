/**
 * Opens a database as `Deno.args[0]` says, in a process of its own, and prints what happened as
 * JSON: tests/postgres_test.ts runs it with `DATABASE_URL` unset or empty, which it must not do
 * to its own process (test modules share the environment while they run in parallel).
 *
 * - `require`: `openDatabase({ requireServer: true })`
 * - `require-empty-url`: `openDatabase({ requireServer: true, url: "" })`
 * - `default`: `openDatabase()`, printing its driver and target
 *
 * @module
 */

import { openDatabase } from "../../sources/postgres.ts";

const mode = Deno.args[0];
try {
  if (mode === "default") {
    await using db = await openDatabase();
    console.log(JSON.stringify({ driver: db.driver, target: db.target }));
  } else {
    await openDatabase(
      mode === "require" ? { requireServer: true } : { requireServer: true, url: "" },
    );
    console.log(JSON.stringify({ opened: true }));
  }
} catch (error) {
  const e = error as Error;
  console.log(JSON.stringify({ name: e.name, message: e.message }));
}
