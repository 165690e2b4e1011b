/**
 * The seed's graph served over HTTP: Star Trek characters and their actors in Postgres
 * (examples/star_trek.ts), as a GraphQL endpoint at /graphql with the default limits, and
 * GraphiQL for a browser at the same URL.
 *
 * The root lists its characters and actors with `ListQuery` (filtered by species, paged with
 * `limit` and `offset`), so a whole query, root included, is one SQL statement:
 * `{ characters { name actors { name character { name } } } }` reads the characters, their
 * actors, the actors' names and their characters at once.
 *
 * The database is PGlite (in this process, nothing to install) or the server at `DATABASE_URL`;
 * there the tables live in a schema of their own, dropped on shutdown. The port is `PORT` (8000
 * by default; 0 picks a free one). Ctrl-C (SIGINT) or SIGTERM stops it: requests in flight
 * finish (within their time limit, which cancels their statements), then the database closes,
 * within a few seconds whatever became of its connections.
 *
 * ```sh
 * deno run -A examples/server.ts
 * curl -X POST http://127.0.0.1:8000/graphql -H 'content-type: application/json' \
 *   -d '{"query":"{ characters { name actors { name } } }"}'
 * ```
 *
 * @module
 */

import {
  AsyncExecutor,
  Graph,
  graphqlHandler,
  Int,
  Link,
  Node,
  Option,
  Optional,
  Root,
  Schema,
  Sequence,
  Str,
  TypeRef,
} from "../mod.ts";
import {
  checkTables,
  type Database,
  LinkQuery,
  ListQuery,
  openDatabase,
} from "../sources/postgres.ts";
import { actor, character, nodes, PG, setUpDatabase } from "./star_trek.ts";

const page = [Option("limit", Optional(Int)), Option("offset", Optional(Int))];

// An actor's character found in the character table (the seed links it by id in code), so that
// it fuses too.
const [seedCharacter, seedActor] = nodes as [Node, Node];
const actorNode = Node("Actor", [
  ...seedActor.fields.filter((member) => member.name !== "character"),
  Link(
    "character",
    TypeRef("Character"),
    LinkQuery(PG, { fromColumn: character.c.id, toColumn: character.c.id }),
    { requires: "character_id" },
  ),
]);

/** The seed's nodes, under a root whose lists fuse with them into one statement. */
export const graph: Graph = Graph([
  seedCharacter,
  actorNode,
  Root([
    Link(
      "characters",
      Sequence(TypeRef("Character")),
      ListQuery(PG, character, {
        filters: { species: character.c.species },
        limit: "limit",
        offset: "offset",
      }),
      {
        requires: null,
        options: [Option("species", Optional(Sequence(Str))), ...page],
        sizeOption: "limit", // what the cost limit multiplies by, when a query gives it
      },
    ),
    Link(
      "actors",
      Sequence(TypeRef("Actor")),
      ListQuery(PG, actor, { limit: "limit", offset: "offset" }),
      { requires: null, options: page, sizeOption: "limit" },
    ),
  ]),
]);

/** Where the endpoint is mounted. */
export const PATH = "/graphql";

/**
 * Opens and fills the database, serves the schema until SIGINT or SIGTERM, then closes.
 *
 * @returns When the server has stopped and the database is closed.
 */
export async function main(): Promise<void> {
  const given = Deno.env.get("PORT") ?? "8000";
  const port = Number(given);
  if (!/^\d{1,5}$/.test(given) || port > 65535) {
    throw new RangeError(`Cannot start the server: PORT must be a port number, got "${given}"`);
  }
  const db = await openDatabase({
    schema: `hiku_server_${crypto.randomUUID().slice(0, 8)}`,
    dropSchemaOnClose: true,
  });
  try {
    await serve(db, port);
  } finally {
    // Closing takes a few seconds at most, whatever became of the connections; a schema it could
    // not drop (the database went away) is reported: the server has stopped as it was asked to.
    await db.close().catch((error: unknown) =>
      console.error(error instanceof Error ? error.message : String(error))
    );
  }
}

async function serve(db: Database, port: number): Promise<void> {
  console.error(`Using ${db.target}`);
  await setUpDatabase(db);
  // The table descriptions must match the database before any client is answered.
  await checkTables(db, [character, actor]);

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
