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

import {
  AsyncExecutor,
  Field,
  Graph,
  graphqlHandler,
  Int,
  Link,
  Node,
  type QueryField,
  Root,
  Schema,
  Sequence,
  Str,
  TypeRef,
} from "../mod.ts";
import {
  buildSchema,
  type DocumentNode,
  execute,
  type GraphQLSchema,
  parse,
  validate,
} from "graphql";
// A bench-only dependency, pinned as in bench/engine_bench.ts, kept out of the import map.
import DataLoader from "dataloader";

/** Characters in the data; each has 5 actors. */
export const CHARACTERS = 100;
const ACTORS_PER_CHARACTER = 5;
const SPECIES = ["Human", "Vulcan", "Klingon", "Andorian", "Betazoid"];

interface Character {
  readonly id: number;
  readonly name: string;
  readonly species: string;
}

interface Actor {
  readonly id: number;
  readonly name: string;
  readonly character_id: number;
}

const characters = new Map<number, Character>();
const actors = new Map<number, Actor>();
const actorsByCharacter = new Map<number, number[]>();
for (let c = 1; c <= CHARACTERS; c++) {
  characters.set(c, { id: c, name: `Character ${c}`, species: SPECIES[c % SPECIES.length]! });
  const list: number[] = [];
  for (let k = 0; k < ACTORS_PER_CHARACTER; k++) {
    const id = (c - 1) * ACTORS_PER_CHARACTER + k + 1;
    actors.set(id, { id, name: `Actor ${id}`, character_id: c });
    list.push(id);
  }
  actorsByCharacter.set(c, list);
}
const characterIds = [...characters.keys()];
const actorIds = [...actors.keys()];

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

function rowsOf<T>(table: ReadonlyMap<number, T>) {
  return (fields: readonly QueryField[], ids: readonly number[]): unknown[][] => {
    const names = fields.map((f) => f.name as keyof T);
    const rows = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const record = table.get(ids[i]!)!;
      const row = new Array(names.length);
      for (let k = 0; k < names.length; k++) row[k] = record[names[k]!];
      rows[i] = row;
    }
    return rows;
  };
}

export function hikuHandler(): (request: Request) => Promise<Response> {
  const characterFields = rowsOf(characters);
  const actorFields = rowsOf(actors);
  const graph = Graph([
    Node("Character", [
      Field("id", Int, characterFields),
      Field("name", Str, characterFields),
      Field("species", Str, characterFields),
      Link(
        "actors",
        Sequence(TypeRef("Actor")),
        (ids: readonly number[]) => ids.map((id) => actorsByCharacter.get(id) ?? []),
        { requires: "id" },
      ),
    ]),
    Node("Actor", [
      Field("id", Int, actorFields),
      Field("name", Str, actorFields),
      Field("character_id", Int, actorFields),
      Link("character", TypeRef("Character"), (ids: readonly number[]) => ids, {
        requires: "character_id",
      }),
    ]),
    Root([
      Link("characters", Sequence(TypeRef("Character")), () => characterIds, { requires: null }),
      Link("actors", Sequence(TypeRef("Actor")), () => actorIds, { requires: null }),
    ]),
  ]);
  return graphqlHandler(new Schema({ query: graph, executor: new AsyncExecutor() }));
}

// graphql-js + DataLoader -------------------------------------------------------------------------

interface Loaders {
  readonly actorsOf: DataLoader<number, Actor[]>;
  readonly character: DataLoader<number, Character>;
}

export function graphqlJsHandler(): (request: Request) => Promise<Response> {
  const schema: GraphQLSchema = buildSchema(`
    type Query { characters: [Character!]! actors: [Actor!]! }
    type Character { id: Int! name: String! species: String! actors: [Actor!]! }
    type Actor { id: Int! name: String! character_id: Int! character: Character! }
  `);
  const resolvers = {
    Query: {
      characters: (_: unknown, __: unknown, ctx: Loaders) => ctx.character.loadMany(characterIds),
      actors: () => [...actors.values()],
    },
    Character: { actors: (c: Character, _: unknown, ctx: Loaders) => ctx.actorsOf.load(c.id) },
    Actor: {
      character: (a: Actor, _: unknown, ctx: Loaders) => ctx.character.load(a.character_id),
    },
  };
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName) as unknown as {
      getFields(): { [name: string]: { resolve?: unknown } };
    };
    for (const [name, resolve] of Object.entries(fields)) type.getFields()[name]!.resolve = resolve;
  }
  const loaders = (): Loaders => ({
    actorsOf: new DataLoader((ids: readonly number[]) =>
      Promise.resolve(ids.map((id) => (actorsByCharacter.get(id) ?? []).map((a) => actors.get(a)!)))
    ),
    character: new DataLoader((ids: readonly number[]) =>
      Promise.resolve(ids.map((id) => characters.get(id)!))
    ),
  });
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
