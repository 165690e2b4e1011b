/**
 * The seed's graph served over HTTP: Star Trek characters and their actors in Postgres
 * (examples/star_trek.ts), as a GraphQL endpoint at /graphql with the default limits, and
 * GraphiQL for a browser at the same URL.
 *
 * The database is PGlite (in this process, nothing to install) or the server at `DATABASE_URL`;
 * there the tables live in a schema of their own, dropped on shutdown. The port is `PORT` (8000
 * by default; 0 picks a free one). Ctrl-C (SIGINT) or SIGTERM stops it: requests in flight
 * finish, then the database closes.
 *
 * ```sh
 * deno run -A examples/server.ts
 * curl -X POST http://127.0.0.1:8000/graphql -H 'content-type: application/json' \
 *   -d '{"query":"{ characters { name actors { name } } }"}'
 * ```
 *
 * @module
 */

import { AsyncExecutor, graphqlHandler, Schema } from "../mod.ts";
import { openDatabase } from "../sources/postgres.ts";
import { graph, PG, setUpDatabase } from "./star_trek.ts";

/** Where the endpoint is mounted. */
export const PATH = "/graphql";

/**
 * Opens and fills the database, serves the schema until SIGINT or SIGTERM, then closes.
 *
 * @returns When the server has stopped and the database is closed.
 */
export async function main(): Promise<void> {
  const port = Number(Deno.env.get("PORT") ?? "8000");
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`Cannot start the server: PORT must be a port number, got "${port}"`);
  }
  await using db = await openDatabase({
    schema: `hiku_server_${crypto.randomUUID().slice(0, 8)}`,
    dropSchemaOnClose: true,
  });
  console.error(`Using ${db.target}`);
  await setUpDatabase(db);

  const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
  const context = { [PG]: db };
  const graphql = graphqlHandler(schema, { context: () => context });

  const server = Deno.serve({
    port,
    hostname: "127.0.0.1",
    onListen: ({ hostname, port }) => console.log(`Listening on http://${hostname}:${port}${PATH}`),
  }, (request) => {
    if (new URL(request.url).pathname === PATH) return graphql(request);
    return new Response(`Not found: the GraphQL endpoint is ${PATH}\n`, { status: 404 });
  });

  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const stop = () => void server.shutdown();
  for (const signal of signals) Deno.addSignalListener(signal, stop);
  await server.finished;
  for (const signal of signals) Deno.removeSignalListener(signal, stop);
  console.log("Stopped");
}

if (import.meta.main) await main();
