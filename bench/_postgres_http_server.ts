/**
 * A contender of bench/postgres_http_bench.ts (W4), run as its own process so that its CPU and
 * memory are its own:
 * `DATABASE_URL=... deno run -A --v8-flags=--expose-gc bench/_postgres_http_server.ts <name> <schema>`
 * with `<name>` one of hiku-ts, graphql-js, hand-written, and `<schema>` the Postgres schema the
 * bench filled (first on each connection's search path).
 *
 * Each reads the database through its own postgres.js pool of {@linkcode POOL_SIZE} connections
 * and serves POST /graphql on a free port of 127.0.0.1, printing "Listening on <url>" once
 * ready:
 *
 * - hiku-ts: examples/server.ts's `graph` (every query here is one fused, prepared statement) in
 *   a `Schema` behind `graphqlHandler` with its default limits, time limit, cancellation and
 *   error masking on; the context is `{ [PG]: postgresJs(sql) }` (the client wrapped to count
 *   its statements), made once.
 * - graphql-js + DataLoader as its users write it at its best: full rows, prepared statements
 *   (postgres.js tagged templates), per-request DataLoaders that prime each other (listing
 *   characters primes the character loader, loading actors primes the actor loader, so
 *   `actor.character` costs no statement), documents parsed and validated once per query text.
 * - hand-written: the floor. ONE prepared statement per request (a LEFT JOIN, ordered by
 *   character then actor), rows grouped into the response in a loop, `JSON.stringify`.
 *
 * Its connections carry the `application_name` {@linkcode applicationName} gives, so the bench
 * can find their backends. Every contender counts the statements it sends: GET /stats answers
 * `{ requests, statements }` since the start. GET /memory collects garbage and answers
 * `Deno.memoryUsage()`. SIGTERM stops the server and closes the pool.
 *
 * @module
 */

import postgres from "postgres";
import DataLoader from "dataloader";
import {
  buildSchema,
  type DocumentNode,
  execute,
  type GraphQLSchema,
  parse,
  validate,
} from "graphql";
import { AsyncExecutor, graphqlHandler, Schema } from "../mod.ts";
import { type PgClient, postgresJs } from "../sources/postgres.ts";
import { graph } from "../examples/server.ts";
import { PG } from "../examples/star_trek.ts";

/** Connections in each contender's pool. */
export const POOL_SIZE = 10;

/** The two query texts every contender serves. */
export const QUERIES = {
  /** The seed's query: characters and their actors. */
  actors: "{ characters { name actors { name } } }",
  /** Three levels: each actor's character too. */
  threeLevels: "{ characters { name actors { name character { name } } } }",
} as const;

type Sql = ReturnType<typeof postgres>;
type Handler = (request: Request) => Promise<Response>;

/** What a contender's process counts. */
interface Counts {
  requests: number;
  statements: number;
}

const GRAPHQL_HEADERS = { "content-type": "application/graphql-response+json; charset=utf-8" };

// hiku-ts ---------------------------------------------------------------------------------------

function hikuHandler(sql: Sql, counts: Counts): Handler {
  const client = postgresJs(sql);
  const counting: PgClient = {
    query(text, params, info) {
      counts.statements++;
      return client.query(text, params, info);
    },
    queryArrays(text, params, info) {
      counts.statements++;
      return client.queryArrays!(text, params, info);
    },
  };
  const context = { [PG]: counting };
  const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
  return graphqlHandler(schema, { context: () => context });
}

// graphql-js + DataLoader -----------------------------------------------------------------------

interface CharacterRow {
  readonly id: number;
  readonly name: string;
  readonly species: string;
}

interface ActorRow {
  readonly id: number;
  readonly name: string;
  readonly character_id: number;
}

/** The per-request loaders the resolvers find in their context. */
interface Loaders {
  readonly character: DataLoader<number, CharacterRow | null>;
  readonly actor: DataLoader<number, ActorRow | null>;
  readonly actorsOf: DataLoader<number, ActorRow[]>;
}

function graphqlJsSchema(sql: Sql, counts: Counts): {
  readonly schema: GraphQLSchema;
  loaders(): Loaders;
} {
  const schema = buildSchema(`
    type Query { characters: [Character!]! actors: [Actor!]! }
    type Character { id: Int! name: String! species: String! actors: [Actor!]! }
    type Actor { id: Int! name: String! character_id: Int! character: Character! }
  `);

  const primeCharacters = (ctx: Loaders, rows: readonly CharacterRow[]) => {
    for (const row of rows) ctx.character.prime(row.id, row);
    return rows;
  };
  const primeActors = (ctx: Loaders, rows: readonly ActorRow[]) => {
    for (const row of rows) ctx.actor.prime(row.id, row);
    return rows;
  };
  const resolvers = {
    Query: {
      characters: async (_: unknown, __: unknown, ctx: Loaders) => {
        counts.statements++;
        return primeCharacters(
          ctx,
          await sql<CharacterRow[]>`SELECT id, name, species FROM character ORDER BY id`,
        );
      },
      actors: async (_: unknown, __: unknown, ctx: Loaders) => {
        counts.statements++;
        return primeActors(
          ctx,
          await sql<ActorRow[]>`SELECT id, name, character_id FROM actor ORDER BY id`,
        );
      },
    },
    Character: {
      actors: (c: CharacterRow, _: unknown, ctx: Loaders) => ctx.actorsOf.load(c.id),
    },
    Actor: {
      character: (a: ActorRow, _: unknown, ctx: Loaders) => ctx.character.load(a.character_id),
    },
  };
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName) as unknown as {
      getFields(): { [name: string]: { resolve?: unknown } };
    };
    for (const [name, resolve] of Object.entries(fields)) type.getFields()[name]!.resolve = resolve;
  }

  const loaders = (): Loaders => {
    const ctx: Loaders = {
      character: new DataLoader(async (ids: readonly number[]) => {
        counts.statements++;
        const rows = await sql<CharacterRow[]>`
          SELECT id, name, species FROM character WHERE id = ANY(${ids as number[]})`;
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
      actor: new DataLoader(async (ids: readonly number[]) => {
        counts.statements++;
        const rows = await sql<ActorRow[]>`
          SELECT id, name, character_id FROM actor WHERE id = ANY(${ids as number[]})`;
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
      actorsOf: new DataLoader(async (ids: readonly number[]) => {
        counts.statements++;
        const rows = primeActors(
          ctx,
          await sql<ActorRow[]>`
            SELECT id, name, character_id FROM actor WHERE character_id = ANY(${ids as number[]})
            ORDER BY id`,
        );
        const byCharacter = new Map<number, ActorRow[]>();
        for (const id of ids) byCharacter.set(id, []);
        for (const row of rows) byCharacter.get(row.character_id)!.push(row);
        return ids.map((id) => byCharacter.get(id)!);
      }),
    };
    return ctx;
  };
  return { schema, loaders };
}

function graphqlJsHandler(sql: Sql, counts: Counts): Handler {
  const { schema, loaders } = graphqlJsSchema(sql, counts);
  const documents = new Map<string, DocumentNode>();
  return async (request) => {
    const body = await request.json() as { query: string; variables?: Record<string, unknown> };
    let document = documents.get(body.query);
    if (document === undefined) {
      document = parse(body.query);
      const errors = validate(schema, document);
      if (errors.length > 0) {
        return new Response(JSON.stringify({ errors }), { status: 422, headers: GRAPHQL_HEADERS });
      }
      documents.set(body.query, document);
    }
    const result = await execute({
      schema,
      document,
      variableValues: body.variables ?? null,
      contextValue: loaders(),
    });
    return new Response(JSON.stringify(result), { headers: GRAPHQL_HEADERS });
  };
}

// hand-written ----------------------------------------------------------------------------------

interface JoinedRow {
  readonly id: number;
  readonly name: string;
  readonly actor: string | null;
}

interface JoinedRowWithCharacter extends JoinedRow {
  readonly actor_character: string | null;
}

function handWrittenHandler(sql: Sql, counts: Counts): Handler {
  const actors = async () => {
    counts.statements++;
    const rows = await sql<JoinedRow[]>`
      SELECT c.id, c.name, a.name AS actor
      FROM character c LEFT JOIN actor a ON a.character_id = c.id
      ORDER BY c.id, a.id`;
    const characters: { name: string; actors: { name: string }[] }[] = [];
    let last = -1;
    let list: { name: string }[] = [];
    for (const row of rows) {
      if (row.id !== last) {
        last = row.id;
        list = [];
        characters.push({ name: row.name, actors: list });
      }
      if (row.actor !== null) list.push({ name: row.actor });
    }
    return { data: { characters } };
  };
  const threeLevels = async () => {
    counts.statements++;
    const rows = await sql<JoinedRowWithCharacter[]>`
      SELECT c.id, c.name, a.name AS actor, ac.name AS actor_character
      FROM character c
        LEFT JOIN actor a ON a.character_id = c.id
        LEFT JOIN character ac ON ac.id = a.character_id
      ORDER BY c.id, a.id`;
    const characters: { name: string; actors: { name: string; character: { name: string } }[] }[] =
      [];
    let last = -1;
    let list: { name: string; character: { name: string } }[] = [];
    for (const row of rows) {
      if (row.id !== last) {
        last = row.id;
        list = [];
        characters.push({ name: row.name, actors: list });
      }
      if (row.actor !== null) {
        list.push({ name: row.actor, character: { name: row.actor_character! } });
      }
    }
    return { data: { characters } };
  };
  const byText = new Map<string, () => Promise<unknown>>([
    [QUERIES.actors, actors],
    [QUERIES.threeLevels, threeLevels],
  ]);
  return async (request) => {
    const body = await request.json() as { query: string };
    const answer = byText.get(body.query);
    if (answer === undefined) {
      return Response.json({ errors: [{ message: "Unknown query" }] }, { status: 400 });
    }
    return new Response(JSON.stringify(await answer()), { headers: GRAPHQL_HEADERS });
  };
}

/**
 * The `application_name` of a contender's connections, by which the bench finds their backends.
 *
 * @param name The contender.
 * @returns The name.
 */
export function applicationName(name: string): string {
  return `hiku_w4 ${name}`;
}

// The server ------------------------------------------------------------------------------------

const CONTENDERS: { readonly [name: string]: (sql: Sql, counts: Counts) => Handler } = {
  "hiku-ts": hikuHandler,
  "graphql-js": graphqlJsHandler,
  "hand-written": handWrittenHandler,
};

if (import.meta.main) {
  const [name = "", schemaName = ""] = Deno.args;
  const make = CONTENDERS[name];
  if (make === undefined) {
    throw new TypeError(
      `Cannot start a contender: expected one of ${
        Object.keys(CONTENDERS).join(", ")
      }, got "${name}"`,
    );
  }
  const url = Deno.env.get("DATABASE_URL");
  if (!url || !/^[a-z_][a-z0-9_]*$/.test(schemaName)) {
    throw new TypeError(
      `Cannot start ${name}: DATABASE_URL and a schema name are needed, got "${url}", "${schemaName}"`,
    );
  }
  const sql = postgres(url, {
    max: POOL_SIZE,
    onnotice: () => {},
    // The bench finds this server's connections (and their CPU time) by this name.
    connection: { search_path: `${schemaName}, public`, application_name: applicationName(name) },
  });
  const counts: Counts = { requests: 0, statements: 0 };
  const graphql = make(sql, counts);
  const gc = (globalThis as { gc?: () => void }).gc;
  const server = Deno.serve({
    port: 0,
    hostname: "127.0.0.1",
    onListen: ({ hostname, port }) => console.log(`Listening on http://${hostname}:${port}`),
  }, (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/graphql") {
      counts.requests++;
      return graphql(request);
    }
    if (path === "/stats") return Response.json(counts);
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
  await sql.end({ timeout: 5 });
}
