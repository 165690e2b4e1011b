/**
 * A contender of bench/http_bench.ts, run as its own process so that its memory is its own:
 * `deno run -A --v8-flags=--expose-gc bench/_http_server.ts hiku-ts|graphql-js`.
 *
 * Both serve the seed's schema (characters and their actors) over the same in-memory data, N
 * characters with 5 actors each, at /graphql on a free port of 127.0.0.1, and print
 * "Listening on <url>" once ready. GET /memory collects garbage and answers
 * `Deno.memoryUsage()`. SIGTERM stops the server.
 *
 * - hiku-ts: `Schema` (AsyncExecutor) behind `graphqlHandler` with its default limits, time
 *   limit and error masking on;
 * - graphql-js + DataLoader: graphql-js's `execute` with per-request DataLoaders, behind a bare
 *   JSON handler (no limits), with parsed and validated documents cached by query text as a
 *   production server would.
 *
 * @module
 */

import { AsyncExecutor, graphqlHandler, Schema } from "../mod.ts";
import { type DocumentNode, execute, parse, validate } from "graphql";
import { graphqlJsSchema, hikuGraph, starTrekData } from "./_star_trek_memory.ts";

/** Characters in the data; each has 5 actors. */
export const CHARACTERS = 100;
const data = starTrekData(CHARACTERS);
const { characters, actors, actorsByCharacter } = data;

/** The query both contenders answer: the seed's first query. */
export const QUERY = "{ characters { name actors { name } } }";

/**
 * The response to {@linkcode QUERY}, built by hand from the data: what both contenders must
 * send, byte for byte.
 *
 * @returns The JSON text.
 */
export function expectedResponse(): string {
  const list = [];
  for (const c of characters.values()) {
    const names = (actorsByCharacter.get(c.id) ?? []).map((id) => ({ name: actors.get(id)!.name }));
    list.push({ name: c.name, actors: names });
  }
  return JSON.stringify({ data: { characters: list } });
}

// hiku-ts ---------------------------------------------------------------------------------------

export function hikuHandler(): (request: Request) => Promise<Response> {
  return graphqlHandler(new Schema({ query: hikuGraph(data), executor: new AsyncExecutor() }));
}

// graphql-js + DataLoader -------------------------------------------------------------------------

export function graphqlJsHandler(): (request: Request) => Promise<Response> {
  const { schema, loaders } = graphqlJsSchema(data);
  const documents = new Map<string, DocumentNode>();
  const headers = { "content-type": "application/graphql-response+json; charset=utf-8" };
  return async (request) => {
    const body = await request.json() as { query: string; variables?: Record<string, unknown> };
    let document = documents.get(body.query);
    if (document === undefined) {
      document = parse(body.query);
      const errors = validate(schema, document);
      if (errors.length > 0) {
        return new Response(JSON.stringify({ errors }), { status: 422, headers });
      }
      documents.set(body.query, document);
    }
    const result = await execute({
      schema,
      document,
      variableValues: body.variables ?? null,
      contextValue: loaders(),
    });
    return new Response(JSON.stringify(result), { headers });
  };
}

// The server ------------------------------------------------------------------------------------

const CONTENDERS: { readonly [name: string]: () => (request: Request) => Promise<Response> } = {
  "hiku-ts": hikuHandler,
  "graphql-js": graphqlJsHandler,
};

if (import.meta.main) {
  const name = Deno.args[0] ?? "";
  const make = CONTENDERS[name];
  if (make === undefined) {
    throw new TypeError(
      `Cannot start a contender: expected one of ${
        Object.keys(CONTENDERS).join(", ")
      }, got "${name}"`,
    );
  }
  const graphql = make();
  const gc = (globalThis as { gc?: () => void }).gc;
  const server = Deno.serve({
    port: 0,
    hostname: "127.0.0.1",
    onListen: ({ hostname, port }) => console.log(`Listening on http://${hostname}:${port}`),
  }, (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/graphql") return graphql(request);
    if (path === "/memory") {
      gc?.();
      return Response.json(Deno.memoryUsage());
    }
    return new Response("Not found", { status: 404 });
  });
  const stop = () => void server.shutdown();
  Deno.addSignalListener("SIGTERM", stop);
  await server.finished;
  Deno.removeSignalListener("SIGTERM", stop);
}
