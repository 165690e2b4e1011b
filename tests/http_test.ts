/**
 * graphqlHandler: GraphQL over HTTP with the real Schema on the seed's characters and actors (in
 * memory): methods, media types and status codes of the GraphQL-over-HTTP draft, batches, every
 * limit (default and changed), the time limit, error masking, the context factory and the
 * GraphiQL page; and a set of hostile requests against a real Deno.serve server, which must keep
 * answering correctly afterwards.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  AsyncExecutor,
  Field,
  Graph,
  GRAPHQL_HANDLER_LIMITS,
  graphqlHandler,
  type GraphQLHandlerOptions,
  Int,
  Link,
  MutationGraph,
  Node,
  Option,
  Optional,
  passContext,
  type QueryField,
  Root,
  Scalar,
  Schema,
  Sequence,
  Str,
  TypeRef,
} from "../mod.ts";
import { GraphQLError } from "graphql";
import { SafeError } from "../src/base/errors.ts";

// The graph -------------------------------------------------------------------------------------

const CHARACTERS = new Map([
  [1, { id: 1, name: "James T. Kirk", species: "Human" }],
  [2, { id: 2, name: "Spock", species: "Vulcan/Human" }],
  [3, { id: 3, name: "Leonard McCoy", species: "Human" }],
]);
const ACTORS = new Map([
  [1, { id: 1, name: "William Shatner", character_id: 1 }],
  [2, { id: 2, name: "Leonard Nimoy", character_id: 2 }],
  [3, { id: 3, name: "DeForest Kelley", character_id: 3 }],
  [4, { id: 4, name: "Chris Pine", character_id: 1 }],
  [5, { id: 5, name: "Zachary Quinto", character_id: 2 }],
  [6, { id: 6, name: "Karl Urban", character_id: 3 }],
]);

/** Loader calls, by node, so tests can tell which loaders ran. */
const calls = { character: 0 };

function rowsOf<T>(table: ReadonlyMap<number, T>, count?: () => void) {
  return (fields: readonly QueryField[], ids: readonly number[]): unknown[][] => {
    count?.();
    return ids.map((id) => fields.map((f) => table.get(id)![f.name as keyof T]));
  };
}

const characterFields = rowsOf(CHARACTERS, () => calls.character++);
const actorFields = rowsOf(ACTORS);

/** The context the handler's context factory makes in these tests. */
interface TestContext {
  readonly user: string;
  readonly signal: AbortSignal;
  readonly onStalled?: () => void;
}

const graph = Graph([
  Node("Character", [
    Field("id", Int, characterFields),
    Field("name", Str, characterFields),
    Field("species", Str, characterFields),
    Link(
      "actors",
      Sequence(TypeRef("Actor")),
      (ids: readonly number[]) =>
        ids.map((id) => [...ACTORS.values()].filter((a) => a.character_id === id).map((a) => a.id)),
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
    Link("characters", Sequence(TypeRef("Character")), () => [...CHARACTERS.keys()], {
      requires: null,
    }),
    Field("version", Str, (fields: readonly QueryField[]) => fields.map(() => "1.0")),
    Field("secret", Optional(Str), () => {
      throw new Error("connection to 10.0.0.5 refused: SELECT token FROM secrets");
    }),
    Field("classified", Optional(Str), () => {
      throw new SafeError("Clearance required", { code: "FORBIDDEN" });
    }),
    Field(
      "viewer",
      Str,
      passContext((ctx: TestContext, fields: readonly QueryField[]) => fields.map(() => ctx.user)),
    ),
    // Waits until the execution is stopped, then answers: nothing below it may load by then.
    Link(
      "stalled",
      Sequence(TypeRef("Character")),
      passContext((ctx: TestContext) =>
        new Promise<number[]>((resolve) => {
          ctx.signal.addEventListener("abort", () => resolve([1]), { once: true });
          ctx.onStalled?.();
        })
      ),
      { requires: null },
    ),
  ]),
]);

const mutation = MutationGraph(
  graph,
  Root([
    Link("rename", TypeRef("Character"), (options: { id: number }) => options.id, {
      requires: null,
      options: [Option("id", Int), Option("name", Str)],
    }),
  ]),
);

const schema = new Schema({ query: graph, mutation, executor: new AsyncExecutor() });

// Helpers ---------------------------------------------------------------------------------------

const URL_ = "http://localhost/graphql";
const GRAPHQL_JSON = "application/graphql-response+json; charset=utf-8";
const JSON_UTF8 = "application/json; charset=utf-8";
const ACCEPT_GRAPHQL = { accept: "application/graphql-response+json" };

const SEED_QUERY = "{ characters { name actors { name } } }";
const SEED_DATA = {
  characters: [
    { name: "James T. Kirk", actors: [{ name: "William Shatner" }, { name: "Chris Pine" }] },
    { name: "Spock", actors: [{ name: "Leonard Nimoy" }, { name: "Zachary Quinto" }] },
    { name: "Leonard McCoy", actors: [{ name: "DeForest Kelley" }, { name: "Karl Urban" }] },
  ],
};

interface Logged {
  readonly message: string;
  readonly error: unknown;
}

/** A handler whose logger records into `logs`. */
function handlerWith(options: GraphQLHandlerOptions = {}) {
  const logs: Logged[] = [];
  const handler = graphqlHandler(schema, {
    logger: (message, error) => logs.push({ message, error }),
    context: (request, { signal }) => ({
      user: request.headers.get("x-user") ?? "guest",
      signal,
      onStalled: () => {},
    }),
    ...options,
  });
  return { handler, logs };
}

function post(
  body: unknown,
  headers: { readonly [name: string]: string } = ACCEPT_GRAPHQL,
  init: RequestInit = {},
): Request {
  return new Request(URL_, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...init,
  });
}

function get(
  params: { readonly [name: string]: string },
  headers: { readonly [name: string]: string } = ACCEPT_GRAPHQL,
): Request {
  return new Request(`${URL_}?${new URLSearchParams(params)}`, { headers });
}

async function expectResponse(
  response: Response,
  status: number,
  contentType: string,
  body: unknown,
  headers: { readonly [name: string]: string } = {},
): Promise<void> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  assert.equal(response.headers.get("content-type"), contentType);
  for (const [name, value] of Object.entries(headers)) {
    assert.equal(response.headers.get(name), value, name);
  }
  assert.deepEqual(JSON.parse(text), body);
}

function nested(depth: number): string {
  // characters(1) actors(2) character(3) actors(4) ...
  let text = "name";
  for (let level = depth; level >= 2; level--) {
    text = `${level === 2 ? "characters" : level % 2 === 1 ? "actors" : "character"} { ${text} }`;
  }
  return `{ ${text} }`;
}

// Requests and responses ------------------------------------------------------------------------

Deno.test("graphqlHandler answers POST with a JSON body", async (t) => {
  const { handler } = handlerWith();

  await t.step("in application/graphql-response+json when accepted", async () => {
    await expectResponse(await handler(post({ query: SEED_QUERY })), 200, GRAPHQL_JSON, {
      data: SEED_DATA,
    });
  });

  await t.step("in application/json for a legacy client", async () => {
    const response = await handler(post({ query: "{ version }" }, { accept: "application/json" }));
    await expectResponse(response, 200, JSON_UTF8, { data: { version: "1.0" } });
  });

  await t.step("in application/json when there is no Accept header", async () => {
    await expectResponse(await handler(post({ query: "{ version }" }, {})), 200, JSON_UTF8, {
      data: { version: "1.0" },
    });
  });

  await t.step("in application/graphql-response+json for */*", async () => {
    const response = await handler(post({ query: "{ version }" }, { accept: "*/*" }));
    await expectResponse(response, 200, GRAPHQL_JSON, { data: { version: "1.0" } });
  });

  await t.step("with variables and an operation name", async () => {
    const response = await handler(post({
      query: "query A { version } query B($n: Boolean!) { version @include(if: $n) }",
      operationName: "A",
      variables: null,
      extensions: { persistedQuery: null },
    }));
    await expectResponse(response, 200, GRAPHQL_JSON, { data: { version: "1.0" } });
  });

  await t.step("and runs mutations", async () => {
    const response = await handler(post({
      query: 'mutation ($id: Int!) { rename(id: $id, name: "Jim") { id } }',
      variables: { id: 1 },
    }));
    await expectResponse(response, 200, GRAPHQL_JSON, { data: { rename: { id: 1 } } });
  });

  await t.step("with 406 when the Accept header allows neither JSON type", async () => {
    await expectResponse(
      await handler(post({ query: "{ version }" }, { accept: "text/plain" })),
      406,
      JSON_UTF8,
      {
        errors: [{
          message: "The Accept header allows no media type this endpoint produces: accept " +
            "application/graphql-response+json or application/json",
        }],
      },
    );
  });
});

Deno.test("graphqlHandler answers GET with the parameters in the URL", async (t) => {
  const { handler } = handlerWith();

  await t.step("for queries", async () => {
    const response = await handler(get({
      query: "query Hello($yes: Boolean!) { version @include(if: $yes) } query Other { viewer }",
      operationName: "Hello",
      variables: JSON.stringify({ yes: true }),
      extensions: "",
    }));
    await expectResponse(response, 200, GRAPHQL_JSON, { data: { version: "1.0" } });
  });

  await t.step("with 405 and Allow: POST for a mutation, which does not run", async () => {
    const response = await handler(get({ query: 'mutation { rename(id: 2, name: "X") { id } }' }));
    await expectResponse(response, 405, GRAPHQL_JSON, {
      errors: [{ message: "Cannot run a mutation over GET: send it with POST" }],
    }, { allow: "POST" });
  });

  await t.step("with 422 when the query is missing", async () => {
    await expectResponse(await handler(get({})), 422, JSON_UTF8, {
      errors: [{
        message: 'Request parameter "query" is required: send the GraphQL document in the ' +
          'URL\'s "query" parameter, or open this URL in a browser for GraphiQL',
      }],
    });
  });

  await t.step("with 400 when variables are not JSON", async () => {
    await expectResponse(
      await handler(get({ query: "{ version }", variables: "{id: 1}" })),
      400,
      JSON_UTF8,
      {
        errors: [{
          message: 'Request parameter "variables" is not valid JSON: Expected property name or ' +
            "'}' in JSON at position 1 (line 1 column 2)",
        }],
      },
    );
  });

  await t.step("with 422 when variables are not an object", async () => {
    await expectResponse(
      await handler(get({ query: "{ version }", variables: "[1]" })),
      422,
      JSON_UTF8,
      {
        errors: [{
          message: 'Request parameter "variables" must be an object or null, got an array',
        }],
      },
    );
  });
});

Deno.test("graphqlHandler gives the draft's status codes for GraphQL errors", async (t) => {
  const { handler } = handlerWith();

  await t.step("400 for a document that does not parse", async () => {
    await expectResponse(await handler(post({ query: "{ characters {" })), 400, GRAPHQL_JSON, {
      errors: [{
        message: "Syntax Error: Expected Name, found <EOF>.",
        locations: [{ line: 1, column: 15 }],
      }],
    });
  });

  await t.step("422 for a document that does not validate", async () => {
    await expectResponse(await handler(post({ query: "{ nope }" })), 422, GRAPHQL_JSON, {
      errors: [{
        message: 'Cannot query field "nope" on type "Query".',
        locations: [{ line: 1, column: 3 }],
      }],
    });
  });

  await t.step("422 for an unknown operation", async () => {
    const response = await handler(post({ query: "query A { version }", operationName: "B" }));
    await expectResponse(response, 422, GRAPHQL_JSON, {
      errors: [{ message: 'Unknown operation named "B".' }],
    });
  });

  await t.step("422 for variables of the wrong type", async () => {
    const response = await handler(post({
      query: 'mutation ($id: Int!) { rename(id: $id, name: "X") { id } }',
      variables: { id: "one" },
    }));
    await expectResponse(response, 422, GRAPHQL_JSON, {
      errors: [{
        message: 'Variable "$id" has invalid value: Int cannot represent non-integer value: "one"',
        locations: [{ line: 1, column: 11 }],
      }],
    });
  });

  await t.step("422 with application/graphql-response+json even for a legacy client", async () => {
    const response = await handler(post({ query: "{ nope }" }, { accept: "application/json" }));
    assert.equal(response.status, 422);
    assert.equal(response.headers.get("content-type"), GRAPHQL_JSON);
    await response.body?.cancel();
  });

  await t.step("294 for data with errors (partial success)", async () => {
    const response = await handler(post({ query: "{ version classified }" }));
    await expectResponse(response, 294, GRAPHQL_JSON, {
      data: { version: "1.0", classified: null },
      errors: [{
        message: "Clearance required",
        locations: [{ line: 1, column: 11 }],
        path: ["classified"],
        extensions: { code: "FORBIDDEN" },
      }],
    });
  });

  await t.step("294 in application/json for a legacy client", async () => {
    const response = await handler(
      post({ query: "{ classified }" }, { accept: "application/json" }),
    );
    assert.equal(response.status, 294);
    assert.equal(response.headers.get("content-type"), JSON_UTF8);
    await response.body?.cancel();
  });
});

Deno.test("graphqlHandler rejects malformed requests with clear 4xx answers", async (t) => {
  const { handler } = handlerWith();
  const cases: [string, Request, number, string, { readonly [name: string]: string }?][] = [
    [
      "a method other than GET and POST",
      new Request(URL_, { method: "DELETE" }),
      405,
      'Method "DELETE" is not allowed: use GET or POST',
      { allow: "GET, POST" },
    ],
    [
      "a body that is not JSON",
      post('{"query": "{ version }"'),
      400,
      "Request body is not valid JSON: Expected ',' or '}' after property value in JSON at " +
      "position 23 (line 1 column 24)",
    ],
    [
      "an empty body",
      post(""),
      400,
      "Request body is not valid JSON: Unexpected end of JSON input",
    ],
    [
      "a missing Content-Type",
      new Request(URL_, { method: "POST", body: new Blob(['{"query":"{ version }"}']) }),
      415,
      "Content-Type is missing: send the request as application/json",
    ],
    [
      "a Content-Type that is not JSON",
      new Request(URL_, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: '{"query":"{ version }"}',
      }),
      415,
      'Content-Type "text/plain" is not supported: send the request as application/json (UTF-8)',
    ],
    [
      "JSON in a charset other than UTF-8",
      new Request(URL_, {
        method: "POST",
        headers: { "content-type": "application/json; charset=iso-8859-1" },
        body: '{"query":"{ version }"}',
      }),
      415,
      'Content-Type "application/json; charset=iso-8859-1" is not supported: send the request ' +
      "as application/json (UTF-8)",
    ],
    [
      "a compressed body",
      new Request(URL_, {
        method: "POST",
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
        body: new Blob(['{"query":"{ version }"}']).stream().pipeThrough(
          new CompressionStream("gzip"),
        ),
      }),
      415,
      'Content-Encoding "gzip" is not supported: send the body uncompressed',
    ],
    [
      "a body labelled with a coding it does not have",
      new Request(URL_, {
        method: "POST",
        headers: { "content-type": "application/json", "content-encoding": "br" },
        body: '{"query":"{ version }"}',
      }),
      415,
      'Content-Encoding "br" is not supported: send the body uncompressed',
    ],
    [
      "a body that is not an object",
      post('"{ version }"'),
      422,
      'Request must be a JSON object with a "query" string, got string "{ version }"',
    ],
    [
      "a missing query",
      post({ qeury: "{ version }" }),
      422,
      'Request parameter "query" is required: send the GraphQL document',
    ],
    [
      "a query that is not a string",
      post({ query: 42 }),
      422,
      'Request parameter "query" must be a string, got number 42',
    ],
    [
      "an operation name that is not a string",
      post({ query: "{ version }", operationName: ["A"] }),
      422,
      'Request parameter "operationName" must be a string or null, got an array',
    ],
    [
      "variables that are not an object",
      post({ query: "{ version }", variables: [7] }),
      422,
      'Request parameter "variables" must be an object or null, got an array',
    ],
    [
      "extensions that are not an object",
      post({ query: "{ version }", extensions: "persisted" }),
      422,
      'Request parameter "extensions" must be an object or null, got string "persisted"',
    ],
  ];
  for (const [what, request, status, message, headers] of cases) {
    await t.step(`${status} for ${what}`, async () => {
      await expectResponse(await handler(request), status, JSON_UTF8, {
        errors: [{ message }],
      }, headers);
    });
  }
});

Deno.test("graphqlHandler answers batches with an array", async (t) => {
  const { handler } = handlerWith();

  await t.step("one response per request, in order, each with its own errors", async () => {
    const response = await handler(post([
      { query: "{ version }" },
      { query: "{ nope }" },
      { qeury: "{ version }" },
      { query: "{ characters { id } }" },
    ]));
    await expectResponse(response, 200, GRAPHQL_JSON, [
      { data: { version: "1.0" } },
      {
        errors: [{
          message: 'Cannot query field "nope" on type "Query".',
          locations: [{ line: 1, column: 3 }],
        }],
      },
      { errors: [{ message: 'Request parameter "query" is required: send the GraphQL document' }] },
      { data: { characters: [{ id: 1 }, { id: 2 }, { id: 3 }] } },
    ]);
  });

  await t.step("a batch shares one context", async () => {
    let made = 0;
    const { handler } = handlerWith({
      context: (_, { signal }) => {
        made++;
        return { user: `user ${made}`, signal };
      },
    });
    const response = await handler(post([{ query: "{ viewer }" }, { query: "{ viewer }" }]));
    await expectResponse(response, 200, GRAPHQL_JSON, [
      { data: { viewer: "user 1" } },
      { data: { viewer: "user 1" } },
    ]);
  });

  await t.step("413 for more requests than the maximum, 10 by default", async () => {
    assert.equal(GRAPHQL_HANDLER_LIMITS.maxBatchSize, 10);
    const ten = Array.from({ length: 10 }, () => ({ query: "{ version }" }));
    const ok = await handler(post(ten));
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).length, 10);
    await expectResponse(await handler(post([...ten, { query: "{ version }" }])), 413, JSON_UTF8, {
      errors: [{ message: "Batch of 11 requests is larger than the maximum of 10" }],
    });
  });

  await t.step("the maximum can be changed, and 0 turns batching off", async () => {
    const { handler: two } = handlerWith({ maxBatchSize: 2 });
    const three = [{ query: "{ version }" }, { query: "{ version }" }, { query: "{ version }" }];
    await expectResponse(await two(post(three)), 413, JSON_UTF8, {
      errors: [{ message: "Batch of 3 requests is larger than the maximum of 2" }],
    });
    const { handler: none } = handlerWith({ maxBatchSize: 0 });
    await expectResponse(await none(post([{ query: "{ version }" }])), 413, JSON_UTF8, {
      errors: [{ message: "Batched requests are not accepted: send one request per HTTP request" }],
    });
  });

  await t.step("422 for an empty batch", async () => {
    await expectResponse(await handler(post([])), 422, JSON_UTF8, {
      errors: [{ message: "Batch is empty: send at least one request" }],
    });
  });
});

// Limits ----------------------------------------------------------------------------------------

Deno.test("graphqlHandler limits query depth, 10 by default", async (t) => {
  assert.equal(GRAPHQL_HANDLER_LIMITS.maxDepth, 10);
  const { handler } = handlerWith();

  await t.step("accepts the deepest query allowed, when its cost is admitted", async () => {
    // Five nested lists are estimated at 10^5 ids: over the default cost limit.
    const { handler } = handlerWith({ maxCost: Infinity });
    const response = await handler(post({ query: nested(10) }));
    assert.equal(response.status, 200);
    await response.body?.cancel();
  });

  await t.step("which the default cost limit refuses, with 422", async () => {
    const response = await handler(post({ query: nested(10) }));
    assert.equal(response.status, 422);
    const body = await response.json();
    assert.match(
      body.errors[0].message,
      /^Query is estimated to cost [\d,]+, over the limit of 4,000/,
    );
    assert.equal(body.errors[0].extensions.code, "COST_LIMIT");
  });

  await t.step("rejects a deeper one with 422, before any loader runs", async () => {
    calls.character = 0;
    await expectResponse(await handler(post({ query: nested(11) })), 422, GRAPHQL_JSON, {
      errors: [{
        message: "Query depth 11 exceeds the maximum allowed depth 10",
        locations: [{ line: 1, column: 3 }],
      }],
    });
    assert.equal(calls.character, 0);
  });

  await t.step("can be changed", async () => {
    const { handler } = handlerWith({ maxDepth: 2 });
    await expectResponse(await handler(post({ query: SEED_QUERY })), 422, GRAPHQL_JSON, {
      errors: [{
        message: "Query depth 3 exceeds the maximum allowed depth 2",
        locations: [{ line: 1, column: 3 }],
      }],
    });
  });

  await t.step("lets the introspection query through", async () => {
    const { handler } = handlerWith({ maxDepth: 2 });
    const response = await handler(post({ query: "{ __schema { types { fields { name } } } }" }));
    assert.equal(response.status, 200);
    await response.body?.cancel();
  });
});

Deno.test("graphqlHandler limits aliases, 15 by default", async (t) => {
  assert.equal(GRAPHQL_HANDLER_LIMITS.maxAliases, 15);
  assert.equal(GRAPHQL_HANDLER_LIMITS.maxSpreadAliases, 100);
  const { handler } = handlerWith();
  const aliases = (n: number) =>
    `{ characters { ${Array.from({ length: n }, (_, i) => `a${i}: name`).join(" ")} } }`;

  await t.step("accepts 15", async () => {
    const response = await handler(post({ query: aliases(15) }));
    assert.equal(response.status, 200);
    await response.body?.cancel();
  });

  await t.step("rejects 16 with 422", async () => {
    await expectResponse(await handler(post({ query: aliases(16) })), 422, GRAPHQL_JSON, {
      errors: [{
        message: "Query has 16 aliases, more than the maximum of 15",
        locations: [{ line: 1, column: 156 }],
      }],
    });
  });

  await t.step("accepts fragments that repeat a few aliases where they are spread", async () => {
    // Relay-style: four fragments on one object each spread a fragment of 4 aliases (16 in all,
    // 4 in the response, as the spreads merge); and one of 2 aliases spread in 8 places.
    const avatar = "fragment Avatar on Character { a1: name a2: name a3: name a4: name }";
    const merged = `{ characters { ...H ...S ...P ...M } } ${avatar} ` +
      ["H", "S", "P", "M"].map((f) => `fragment ${f} on Character { ...Avatar }`).join(" ");
    const places = `{ characters { ${
      Array.from({ length: 8 }, (_, i) => `c${i}: actors { ...Card }`).join(" ")
    } } } fragment Card on Actor { small: name large: name }`;
    for (const query of [merged, places]) {
      const response = await handler(post({ query }));
      assert.equal(response.status, 200, await response.clone().text());
      await response.body?.cancel();
    }
  });

  await t.step("rejects a chain of fragments that multiplies 15 aliases to 363", async () => {
    // Introspection's output grew 243-fold through it (3.5 MB for a 510-byte request).
    const query = "{ __schema { ...S } } " +
      "fragment S on __Schema { a: types { ...T } b: types { ...T } c: types { ...T } } " +
      "fragment T on __Type { a: fields { ...F } b: fields { ...F } c: fields { ...F } } " +
      "fragment F on __Field { a: type { ...U } b: type { ...U } c: type { ...U } } " +
      "fragment U on __Type { a: fields { ...G } b: fields { ...G } c: fields { ...G } } " +
      "fragment G on __Field { a: type { name } b: type { name } c: type { name } }";
    await expectResponse(await handler(post({ query })), 422, GRAPHQL_JSON, {
      errors: [{
        message: "Operation has 363 aliases once its fragments are spread, more than the " +
          "maximum of 100",
        locations: [{ line: 1, column: 1 }],
      }],
    });
  });

  await t.step("can be changed", async () => {
    const { handler } = handlerWith({ maxAliases: 1 });
    await expectResponse(
      await handler(post({ query: "{ a: version b: version }" })),
      422,
      GRAPHQL_JSON,
      {
        errors: [{
          message: "Query has 2 aliases, more than the maximum of 1",
          locations: [{ line: 1, column: 14 }],
        }],
      },
    );
  });
});

Deno.test("graphqlHandler limits root fields, 20 by default", async (t) => {
  assert.equal(GRAPHQL_HANDLER_LIMITS.maxRootFields, 20);
  const { handler } = handlerWith({ maxAliases: Infinity });
  const roots = (n: number) =>
    `{ ${Array.from({ length: n }, (_, i) => `v${i}: version`).join(" ")} }`;

  await t.step("accepts 20", async () => {
    const response = await handler(post({ query: roots(20) }));
    assert.equal(response.status, 200);
    await response.body?.cancel();
  });

  await t.step("rejects 21 with 422", async () => {
    await expectResponse(await handler(post({ query: roots(21) })), 422, GRAPHQL_JSON, {
      errors: [{
        message: "Operation selects 21 root fields, more than the maximum of 20",
        locations: [{ line: 1, column: 253 }],
      }],
    });
  });

  await t.step("can be changed", async () => {
    const { handler } = handlerWith({ maxRootFields: 1 });
    await expectResponse(
      await handler(post({ query: "query Two { version characters { id } }" })),
      422,
      GRAPHQL_JSON,
      {
        errors: [{
          message: 'Operation "Two" selects 2 root fields, more than the maximum of 1',
          locations: [{ line: 1, column: 21 }],
        }],
      },
    );
  });
});

Deno.test("graphqlHandler limits tokens, 5,000 by default, while parsing", async (t) => {
  assert.equal(GRAPHQL_HANDLER_LIMITS.maxTokens, 5_000);
  const { handler } = handlerWith();

  await t.step("rejects more with 400", async () => {
    // "{", 4,999 names, "}": 5,001 tokens.
    const query = `{ characters ${"name ".repeat(4_998)}}`;
    await expectResponse(await handler(post({ query })), 400, GRAPHQL_JSON, {
      errors: [{
        message: "Syntax Error: Document contains more than 5000 tokens. Parsing aborted.",
        locations: [{ line: 1, column: 25_004 }],
      }],
    });
  });

  await t.step("can be changed", async () => {
    const { handler } = handlerWith({ maxTokens: 3 });
    await expectResponse(await handler(post({ query: "{ version count }" })), 400, GRAPHQL_JSON, {
      errors: [{
        message: "Syntax Error: Document contains more than 3 tokens. Parsing aborted.",
        locations: [{ line: 1, column: 17 }],
      }],
    });
  });
});

Deno.test("graphqlHandler limits query text size before parsing, 100,000 by default", async (t) => {
  assert.equal(GRAPHQL_HANDLER_LIMITS.maxQueryLength, 100_000);
  const { handler } = handlerWith();

  await t.step("rejects longer text with 413", async () => {
    const query = `{ version }${" ".repeat(99_990)}`;
    await expectResponse(await handler(post({ query })), 413, GRAPHQL_JSON, {
      errors: [{ message: "Query text of 100001 characters is longer than the maximum of 100000" }],
    });
  });

  await t.step("in a GET's URL, with 414 (URI Too Long)", async () => {
    const { handler } = handlerWith({ maxQueryLength: 10 });
    await expectResponse(await handler(get({ query: "{ version }" })), 414, GRAPHQL_JSON, {
      errors: [{ message: "Query text of 11 characters is longer than the maximum of 10" }],
    });
  });
});

Deno.test("graphqlHandler limits the body size, 1 MiB by default, before parsing JSON", async (t) => {
  assert.equal(GRAPHQL_HANDLER_LIMITS.maxBodySize, 1_048_576);
  const { handler } = handlerWith();
  const tooLarge = (limit: number) => ({
    errors: [{ message: `Request body is larger than the maximum of ${limit} bytes` }],
  });

  await t.step("rejects a larger body with 413", async () => {
    const body = JSON.stringify({ query: "{ version }" }).padEnd(1_048_577, " ");
    await expectResponse(await handler(post(body)), 413, JSON_UTF8, tooLarge(1_048_576));
  });

  await t.step("reads a streamed body of unknown length no further than the limit", async () => {
    const { handler } = handlerWith({ maxBodySize: 100 });
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new TextEncoder().encode(" ".repeat(60)));
      },
    });
    const request = new Request(URL_, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    await expectResponse(await handler(request), 413, JSON_UTF8, tooLarge(100));
    assert.ok(pulled <= 3, `pulled ${pulled} chunks`);
  });

  await t.step("reads a streamed body within the limit", async () => {
    const body = new Blob([JSON.stringify({ query: "{ version }" })]).stream();
    const request = new Request(URL_, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    await expectResponse(await handler(request), 200, JSON_UTF8, { data: { version: "1.0" } });
  });
});

Deno.test("graphqlHandler limits execution time, 10 s by default", async (t) => {
  assert.equal(GRAPHQL_HANDLER_LIMITS.timeout, 10_000);

  await t.step("answers 504 when the time runs out, and no loader starts after", async () => {
    const { handler, logs } = handlerWith({ timeout: 20 });
    calls.character = 0;
    await expectResponse(
      await handler(post({ query: "{ stalled { name } }" })),
      504,
      GRAPHQL_JSON,
      {
        errors: [{ message: "Request timed out: execution took longer than 20 ms" }],
      },
    );
    assert.equal(calls.character, 0);
    assert.deepEqual(logs.map((l) => l.message), [
      "Request timed out: execution took longer than 20 ms",
    ]);
  });

  await t.step("stops when the client goes away", async () => {
    const client = new AbortController();
    const { handler } = handlerWith({
      context: (_, { signal }) => ({ user: "guest", signal, onStalled: () => client.abort() }),
    });
    calls.character = 0;
    const request = post({ query: "{ stalled { name } }" }, ACCEPT_GRAPHQL, {
      signal: client.signal,
    });
    await expectResponse(await handler(request), 499, GRAPHQL_JSON, {
      errors: [{ message: "Request was cancelled: the client closed the connection" }],
    });
    assert.equal(calls.character, 0);
  });
});

Deno.test("graphqlHandler checks its options", () => {
  const cases: [GraphQLHandlerOptions, string][] = [
    [{ maxDepth: -1 }, '"maxDepth" must be a number at least 0 or Infinity, got -1'],
    [{ maxAliases: NaN }, '"maxAliases" must be a number at least 0 or Infinity, got NaN'],
    [
      { maxBodySize: "1mb" as unknown as number },
      '"maxBodySize" must be a number at least 0 or Infinity, got string',
    ],
    [{ timeout: 0 }, '"timeout" must be above 0 (Infinity for none), got 0'],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => graphqlHandler(schema, options), {
      name: "RangeError",
      message: `Cannot create the GraphQL handler: ${message}`,
    });
  }
  graphqlHandler(schema, { maxDepth: Infinity, timeout: Infinity });
});

// Errors ----------------------------------------------------------------------------------------

Deno.test("graphqlHandler masks unexpected errors", async (t) => {
  await t.step("as Internal server error, keeping path and locations, and logs them", async () => {
    const { handler, logs } = handlerWith();
    await expectResponse(await handler(post({ query: "{ version secret }" })), 294, GRAPHQL_JSON, {
      data: { version: "1.0", secret: null },
      errors: [{
        message: "Internal server error",
        locations: [{ line: 1, column: 11 }],
        path: ["secret"],
      }],
    });
    assert.equal(logs.length, 1);
    assert.equal(
      logs[0]!.message,
      'GraphQL request failed at "secret": Loader of field root.secret failed: connection to ' +
        "10.0.0.5 refused: SELECT token FROM secrets",
    );
    const logged = logs[0]!.error as Error;
    assert.equal(logged.name, "LoaderError");
    assert.equal(
      (logged.cause as Error).message,
      "connection to 10.0.0.5 refused: SELECT token FROM secrets",
    );
  });

  await t.step("shows a SafeError's message and extensions", async () => {
    const { handler, logs } = handlerWith();
    await expectResponse(await handler(post({ query: "{ classified }" })), 294, GRAPHQL_JSON, {
      data: { classified: null },
      errors: [{
        message: "Clearance required",
        locations: [{ line: 1, column: 3 }],
        path: ["classified"],
        extensions: { code: "FORBIDDEN" },
      }],
    });
    assert.deepEqual(logs, []);
  });

  await t.step("shows every message in development mode", async () => {
    const { handler, logs } = handlerWith({ development: true });
    await expectResponse(await handler(post({ query: "{ secret }" })), 294, GRAPHQL_JSON, {
      data: { secret: null },
      errors: [{
        message: "connection to 10.0.0.5 refused: SELECT token FROM secrets",
        locations: [{ line: 1, column: 3 }],
        path: ["secret"],
      }],
    });
    assert.equal(logs.length, 1);
  });

  await t.step("answers 500 when the context factory throws, and logs it", async () => {
    const { handler, logs } = handlerWith({
      context: () => {
        throw new Error("session store unreachable");
      },
    });
    await expectResponse(await handler(post({ query: "{ version }" })), 500, GRAPHQL_JSON, {
      errors: [{ message: "Internal server error" }],
    });
    assert.deepEqual(logs.map((l) => l.message), [
      "GraphQL context factory failed: session store unreachable",
    ]);
  });

  await t.step("answers 500 when the schema rejects, and logs it", async () => {
    const logs: Logged[] = [];
    const broken = {
      execute: () => Promise.reject(new TypeError("schema is broken")),
    };
    const handler = graphqlHandler(broken, {
      logger: (message, error) => logs.push({ message, error }),
    });
    await expectResponse(await handler(post({ query: "{ version }" })), 500, GRAPHQL_JSON, {
      errors: [{ message: "Internal server error" }],
    });
    assert.deepEqual(logs.map((l) => l.message), ["GraphQL request failed: schema is broken"]);
  });
});

Deno.test("graphqlHandler gives each HTTP request its context", async () => {
  const { handler } = handlerWith();
  const response = await handler(
    post({ query: "{ viewer }" }, { ...ACCEPT_GRAPHQL, "x-user": "kirk" }),
  );
  await expectResponse(response, 200, GRAPHQL_JSON, { data: { viewer: "kirk" } });
});

// GraphiQL --------------------------------------------------------------------------------------

Deno.test("graphqlHandler serves GraphiQL to browsers", async (t) => {
  const browser = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

  await t.step("from the public CDN by default", async () => {
    const { handler } = handlerWith();
    const response = await handler(new Request(URL_, { headers: browser }));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8");
    const page = await response.text();
    assert.match(page, /<title>GraphiQL<\/title>/);
    assert.match(
      page,
      /<link rel="stylesheet" href="https:\/\/esm\.sh\/graphiql@5\.2\.4\/dist\/style\.css" \/>/,
    );
    assert.match(page, /"graphiql":"https:\/\/esm\.sh\/graphiql@5\.2\.4\?standalone/);
    // The page posts to where it was served from, even from a path that starts with "//" (on
    // its own, such a path names another host).
    const expression = page.match(/createGraphiQLFetcher\(\{ url: ([^}]+) \}\)/)?.[1];
    assert.ok(expression !== undefined);
    const location = new URL("http://victim.example//attacker.example/graphql");
    const url = new Function("window", `return ${expression};`)({ location });
    assert.equal(new URL(url, location).href, "http://victim.example//attacker.example/graphql");
  });

  await t.step("from configured URLs, with a title", async () => {
    const { handler } = handlerWith({
      graphiql: {
        title: "Starfleet <API>",
        stylesheets: ["/assets/graphiql.css"],
        imports: { graphiql: "/assets/graphiql.js" },
        integrity: { "/assets/graphiql.css": "sha384-abc" },
      },
    });
    const page = await (await handler(new Request(URL_, { headers: browser }))).text();
    assert.match(page, /<title>Starfleet &lt;API&gt;<\/title>/);
    assert.match(
      page,
      /<link rel="stylesheet" href="\/assets\/graphiql\.css" integrity="sha384-abc" crossorigin="anonymous" \/>/,
    );
    assert.match(
      page,
      /<script type="importmap">\{"imports":\{"graphiql":"\/assets\/graphiql\.js"\},"integrity":\{"\/assets\/graphiql\.css":"sha384-abc"\}\}<\/script>/,
    );
    assert.doesNotMatch(page, /esm\.sh\/graphiql/);
  });

  await t.step(
    "saying what is wrong when its assets do not load, with a curl command",
    async () => {
      const { handler } = handlerWith();
      const page = await (await handler(new Request(URL_, { headers: browser }))).text();
      // The page keeps its loading text until GraphiQL starts, and replaces it with the failure
      // when a module fails or after the timeout.
      assert.match(page, /Loading GraphiQL…/);
      assert.match(
        page,
        /setTimeout\(\s*\(\) => failed\("GraphiQL has not loaded after 15 seconds\."\)/,
      );
      assert.match(page, /catch \(error\) \{[^}]*failed\("A GraphiQL module failed to load: "/);
      assert.match(page, /title\.textContent = "GraphiQL could not load"/);
      const help = JSON.parse(page.match(/const help = (".*");/)![1]!.replaceAll("\\u003c", "<"));
      assert.match(help, /from these URLs/);
      for (
        const url of ["https://esm.sh/react@19.2.7", "https://esm.sh/graphiql@5.2.4/dist/style.css"]
      ) {
        assert.ok(help.includes(`\n  ${url}\n`) || help.endsWith(`  ${url}`), url);
      }
      assert.doesNotMatch(help, /data:text/);
      assert.match(
        help,
        /\n {2}curl -sSI 'https:\/\/esm\.sh\/graphiql@5\.2\.4\?standalone&external=react,react-dom,@graphiql\/react,graphql'\n/,
      );
      assert.match(help, /assetBaseUrl/);
    },
  );

  await t.step("from another base URL, a mirror of the CDN", async () => {
    const { handler } = handlerWith({ graphiql: { assetBaseUrl: "https://esm.example.com/cdn" } });
    const page = await (await handler(new Request(URL_, { headers: browser }))).text();
    assert.match(
      page,
      /<link rel="stylesheet" href="https:\/\/esm\.example\.com\/cdn\/graphiql@5\.2\.4\/dist\/style\.css" \/>/,
    );
    assert.match(page, /"react":"https:\/\/esm\.example\.com\/cdn\/react@19\.2\.7"/);
    assert.match(page, /"@emotion\/is-prop-valid":"data:text\/javascript,"/);
    assert.match(page, /curl -sSI 'https:\/\/esm\.example\.com\/cdn\/graphiql@5\.2\.4\?standalone/);
    assert.doesNotMatch(page, /https:\/\/esm\.sh\//);
    // Stylesheets and imports given explicitly win over the base URL.
    const own = handlerWith({
      graphiql: { assetBaseUrl: "https://esm.example.com/", stylesheets: ["/graphiql.css"] },
    });
    const ownPage = await (await own.handler(new Request(URL_, { headers: browser }))).text();
    assert.match(ownPage, /<link rel="stylesheet" href="\/graphiql\.css" \/>/);
    assert.match(ownPage, /"graphiql":"https:\/\/esm\.example\.com\/graphiql@5\.2\.4\?/);
    assert.throws(() => handlerWith({ graphiql: { assetBaseUrl: "/esm" } }), {
      name: "TypeError",
      message: 'Cannot create the GraphQL handler: "graphiql.assetBaseUrl" must be an absolute ' +
        'URL, got "/esm"',
    });
  });

  await t.step("not when turned off", async () => {
    const { handler } = handlerWith({ graphiql: false });
    const response = await handler(new Request(URL_, { headers: browser }));
    await expectResponse(response, 422, JSON_UTF8, {
      errors: [{
        message: 'Request parameter "query" is required: send the GraphQL document in the ' +
          'URL\'s "query" parameter, or open this URL in a browser for GraphiQL',
      }],
    });
    const htmlOnly = await handler(new Request(URL_, { headers: { accept: "text/html" } }));
    assert.equal(htmlOnly.status, 406);
    await htmlOnly.body?.cancel();
  });

  await t.step("not for POST", async () => {
    const { handler } = handlerWith();
    const response = await handler(post({ query: "{ version }" }, { accept: "text/html" }));
    assert.equal(response.status, 406);
    await response.body?.cancel();
  });
});

// Hostile requests over a real server -----------------------------------------------------------

Deno.test("a server with graphqlHandler survives hostile requests and keeps answering", async (t) => {
  const logs: Logged[] = [];
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    graphqlHandler(schema, {
      logger: (message, error) => logs.push({ message, error }),
      cancelOnDisconnect: false,
    }),
  );
  const url = `http://127.0.0.1:${server.addr.port}/graphql`;
  const send = (init: RequestInit, query = "") =>
    fetch(url + query, {
      ...init,
      headers: { accept: "application/graphql-response+json", ...init.headers },
    });
  const postJson = (body: string) =>
    send({ method: "POST", headers: { "content-type": "application/json" }, body });

  const seedStillAnswers = async () => {
    const response = await postJson(JSON.stringify({ query: SEED_QUERY }));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { data: SEED_DATA });
  };

  const hostile: [string, () => Promise<Response>, number, string][] = [
    [
      "deep nesting",
      () => postJson(JSON.stringify({ query: nested(200) })),
      422,
      "Query depth 200 exceeds the maximum allowed depth 10",
    ],
    [
      "an alias flood",
      () =>
        postJson(JSON.stringify({
          query: `{ ${
            Array.from({ length: 500 }, (_, i) => `a${i}: characters { name }`).join(" ")
          } }`,
        })),
      422,
      "Query has 500 aliases, more than the maximum of 15",
    ],
    [
      "5 MB of query text",
      () => postJson(JSON.stringify({ query: `{ ${"version ".repeat(655_360)}}` })),
      413,
      "Request body is larger than the maximum of 1048576 bytes",
    ],
    [
      "a token flood under the size limit",
      () => postJson(JSON.stringify({ query: `{ ${"version ".repeat(12_000)}}` })),
      400,
      "Syntax Error: Document contains more than 5000 tokens. Parsing aborted.",
    ],
    [
      "broken JSON",
      () => postJson('{"query": "{ version }"'),
      400,
      "Request body is not valid JSON: Expected ',' or '}' after property value in JSON at " +
      "position 23 (line 1 column 24)",
    ],
    [
      "wrong variable types",
      () =>
        postJson(JSON.stringify({
          query: 'mutation ($id: Int!) { rename(id: $id, name: "X") { id } }',
          variables: { id: { $gt: 0 } },
        })),
      422,
      'Variable "$id" has invalid value: Int cannot represent non-integer value: { $gt: 0 }',
    ],
    [
      "an unknown operation",
      () => postJson(JSON.stringify({ query: "query A { version }", operationName: "DropTables" })),
      422,
      'Unknown operation named "DropTables".',
    ],
    [
      "a wrong method",
      () => send({ method: "PUT", body: "{}" }),
      405,
      'Method "PUT" is not allowed: use GET or POST',
    ],
    [
      "a wrong content type",
      () =>
        send({
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "query=%7B%20version%20%7D",
        }),
      415,
      'Content-Type "application/x-www-form-urlencoded" is not supported: send the request as ' +
      "application/json (UTF-8)",
    ],
    [
      "a mutation over GET",
      () =>
        send(
          {},
          `?${new URLSearchParams({ query: 'mutation { rename(id: 1, name: "X") { id } }' })}`,
        ),
      405,
      "Cannot run a mutation over GET: send it with POST",
    ],
    [
      "an oversized batch",
      () => postJson(JSON.stringify(Array.from({ length: 1000 }, () => ({ query: SEED_QUERY })))),
      413,
      "Batch of 1000 requests is larger than the maximum of 10",
    ],
  ];

  try {
    await seedStillAnswers();
    for (const [what, send, status, message] of hostile) {
      await t.step(`${what}: ${status}, then the seed query still answers`, async () => {
        const response = await send();
        const body = await response.json();
        assert.equal(response.status, status, JSON.stringify(body));
        assert.equal(body.errors[0].message, message);
        assert.equal(body.data, undefined);
        await seedStillAnswers();
      });
    }
    assert.deepEqual(logs, []);
  } finally {
    await server.shutdown();
  }
});

// --- Hostile input ---

Deno.test("graphqlHandler refuses variables nested 100,000 deep with 422, never throwing", async () => {
  const { handler, logs } = handlerWith();
  // Written by hand: JSON.stringify would recurse 100,000 deep.
  const body = JSON.stringify({
    query: 'mutation ($v: Int!) { rename(id: $v, name: "X") { id } }',
  }).slice(0, -1) + `,"variables":{"v":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`;
  await expectResponse(await handler(post(body)), 422, GRAPHQL_JSON, {
    errors: [{
      message:
        'Variable "$v" has invalid value: it nests deeper than 128 levels of lists and objects.',
      locations: [{ line: 1, column: 11 }],
    }],
  });
  assert.deepEqual(logs, []);
});

Deno.test("graphqlHandler answers a 60-level fragment fan-out, and other requests meanwhile", async () => {
  const { handler, logs } = handlerWith();
  // F60 stands for 2^60 spreads of F0 when expanded naively.
  const fragments = ["fragment F0 on Character { name }"];
  for (let i = 1; i <= 60; i++) {
    fragments.push(`fragment F${i} on Character { ...F${i - 1} ...F${i - 1} }`);
  }
  const fanOut = `{ characters { ...F60 } }\n${fragments.join("\n")}`;
  const [first, second] = await Promise.all([
    handler(post({ query: fanOut })),
    handler(post({ query: SEED_QUERY })),
  ]);
  await expectResponse(first, 200, GRAPHQL_JSON, {
    data: {
      characters: [{ name: "James T. Kirk" }, { name: "Spock" }, { name: "Leonard McCoy" }],
    },
  });
  await expectResponse(second, 200, GRAPHQL_JSON, { data: SEED_DATA });
  assert.deepEqual(logs, []);
});

Deno.test("graphqlHandler reads a body whose Content-Length is not a number by streaming it", async (t) => {
  await t.step("within the limit: answered", async () => {
    const { handler } = handlerWith();
    const request = post({ query: "{ version }" }, { ...ACCEPT_GRAPHQL, "content-length": "abc" });
    // Deno's Request keeps the header as given, so the handler sees it.
    assert.equal(request.headers.get("content-length"), "abc");
    await expectResponse(await handler(request), 200, GRAPHQL_JSON, { data: { version: "1.0" } });
  });

  await t.step("beyond the limit: still 413", async () => {
    const { handler } = handlerWith({ maxBodySize: 100 });
    const body = JSON.stringify({ query: "{ version }" }).padEnd(200, " ");
    const request = post(body, { ...ACCEPT_GRAPHQL, "content-length": "abc" });
    await expectResponse(await handler(request), 413, JSON_UTF8, {
      errors: [{ message: "Request body is larger than the maximum of 100 bytes" }],
    });
  });

  await t.step(
    "over a real connection: a 4xx or an answer, and the server keeps answering",
    async () => {
      const { handler: graphql } = handlerWith({ cancelOnDisconnect: false });
      const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, graphql);
      try {
        const body = JSON.stringify({ query: "{ version }" });
        const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
        let raw = "";
        try {
          await conn.write(new TextEncoder().encode(
            "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
              "Accept: application/graphql-response+json\r\nContent-Length: abc\r\n" +
              `Connection: close\r\n\r\n${body}`,
          ));
          const decoder = new TextDecoder();
          const buffer = new Uint8Array(4096);
          for (;;) {
            const n = await conn.read(buffer);
            if (n === null) break;
            raw += decoder.decode(buffer.subarray(0, n), { stream: true });
          }
        } finally {
          conn.close();
        }
        const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(raw)?.[1]);
        // Deno's HTTP server refuses the header (400) before the handler sees the request.
        if (status !== 200) assert.ok(status >= 400 && status < 500, raw);
        else assert.ok(raw.endsWith('{"data":{"version":"1.0"}}'), raw);

        const response = await fetch(`http://127.0.0.1:${server.addr.port}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", ...ACCEPT_GRAPHQL },
          body: JSON.stringify({ query: SEED_QUERY }),
        });
        await expectResponse(response, 200, GRAPHQL_JSON, { data: SEED_DATA });
      } finally {
        await server.shutdown();
      }
    },
  );
});

Deno.test("graphqlHandler refuses a client with the context factory's SafeError", async () => {
  const cases: [{ readonly [key: string]: unknown } | undefined, number][] = [
    [{ code: "UNAUTHENTICATED" }, 401],
    [{ code: "FORBIDDEN" }, 403],
    [{ code: "BAD_USER_INPUT", field: "x-tenant" }, 400],
    [undefined, 400],
  ];
  for (const [extensions, status] of cases) {
    const { handler, logs } = handlerWith({
      context: () => {
        throw new SafeError("Missing token", extensions);
      },
    });
    await expectResponse(
      await handler(post({ query: "{ version }" })),
      status,
      GRAPHQL_JSON,
      {
        errors: [
          extensions === undefined
            ? { message: "Missing token" }
            : { message: "Missing token", extensions },
        ],
      },
    );
    assert.deepEqual(logs, []);
  }
});

Deno.test("graphqlHandler masks whatever a loader throws but a SafeError, and logs it", async (t) => {
  const thrown: { readonly [name: string]: () => unknown } = {
    graphqlError: () => new GraphQLError("SELECT password FROM users failed"),
    string: () => "SELECT password FROM users failed",
    nothing: () => null,
    noPrototype: () => Object.create(null),
  };
  const graph = Graph([
    Root(
      Object.entries(thrown).map(([name, value]) =>
        Field(name, Optional(Str), () => {
          throw value();
        })
      ),
    ),
  ]);
  for (const name of Object.keys(thrown)) {
    await t.step(name, async () => {
      const logs: string[] = [];
      const handler = graphqlHandler(new Schema({ query: graph, executor: new AsyncExecutor() }), {
        logger: (message) => logs.push(message),
      });
      await expectResponse(await handler(post({ query: `{ ${name} }` })), 294, GRAPHQL_JSON, {
        errors: [{
          message: "Internal server error",
          locations: [{ line: 1, column: 3 }],
          path: [name],
        }],
        data: { [name]: null },
      });
      assert.equal(logs.length, 1);
      assert.match(logs[0]!, new RegExp(`^GraphQL request failed at "${name}": Loader of field`));
    });
  }
});

Deno.test("graphqlHandler masks a custom scalar's parse that fails otherwise than with a TypeError", async () => {
  const Secretive = Scalar("Secretive", {
    parse: (value: unknown) => {
      if (value === "bad") throw new TypeError('Secretive cannot represent "bad"');
      if (value === "far") throw new GraphQLError("Secretive is out of range");
      throw new Error("relation secret_table does not exist");
    },
  });
  const graph = Graph([
    Root([
      Field("echo", Optional(Str), (fields) => fields.map(() => "ok"), {
        options: [Option("x", Optional(Secretive))],
      }),
    ]),
  ]);
  const logs: string[] = [];
  const handler = graphqlHandler(new Schema({ query: graph, executor: new AsyncExecutor() }), {
    logger: (message) => logs.push(message),
  });
  // A TypeError (or a GraphQLError) is the request's fault: shown as it is.
  const refused = await handler(post({ query: '{ echo(x: "bad") }' }));
  assert.equal(refused.status, 422);
  assert.match(JSON.stringify(await refused.json()), /Secretive cannot represent/);
  const far = await handler(post({ query: '{ echo(x: "far") }' }));
  assert.equal(far.status, 422);
  assert.match(JSON.stringify(await far.json()), /Secretive is out of range/);
  assert.deepEqual(logs, []);
  for (
    const body of [
      { query: "{ echo(x: 1) }" },
      { query: "query ($x: Secretive) { echo(x: $x) }", variables: { x: 1 } },
    ]
  ) {
    const response = await handler(post(body));
    assert.equal(response.status, 500);
    const text = await response.text();
    assert.doesNotMatch(text, /secret_table/);
    assert.match(text, /Internal server error/);
  }
  assert.equal(logs.length, 2);
});

Deno.test("graphqlHandler masks a non-null root field's loader error that nulls all data, and logs it once", async () => {
  const core = Graph([
    Root([
      Field("version", Str, (fields: readonly QueryField[]) => fields.map(() => "1.0")),
      Field("core", Str, () => {
        throw new Error("warp core breach at 10.0.0.5");
      }),
    ]),
  ]);
  const logs: Logged[] = [];
  const handler = graphqlHandler(new Schema({ query: core, executor: new AsyncExecutor() }), {
    logger: (message, error) => logs.push({ message, error }),
  });
  // data is null, not absent: the draft's (and this handler's) partial success, 294.
  await expectResponse(await handler(post({ query: "{ version core }" })), 294, GRAPHQL_JSON, {
    errors: [{
      message: "Internal server error",
      locations: [{ line: 1, column: 11 }],
      path: ["core"],
    }],
    data: null,
  });
  assert.deepEqual(logs.map((l) => l.message), [
    'GraphQL request failed at "core": Loader of field root.core failed: warp core breach at ' +
    "10.0.0.5",
  ]);
});

Deno.test("graphqlHandler writes errors before data in a masked error's response", async () => {
  const { handler } = handlerWith();
  const response = await handler(post({ query: "{ version secret }" }));
  assert.equal(response.status, 294);
  assert.equal(
    await response.text(),
    '{"errors":[{"message":"Internal server error","locations":[{"line":1,"column":11}],' +
      '"path":["secret"]}],"data":{"version":"1.0","secret":null}}',
  );
});

Deno.test("graphqlHandler answers 500 for an unexpected error in a response without data, and logs it", async () => {
  // An executable schema other than Schema may answer errors alone; an internal one is masked.
  const logs: Logged[] = [];
  const handler = graphqlHandler({
    execute: () => {
      const error = { message: "connection reset by peer" };
      Object.defineProperty(error, "originalError", {
        value: new Error("connection reset by peer"),
        enumerable: false,
      });
      return Promise.resolve({ errors: [error] });
    },
  }, { logger: (message, error) => logs.push({ message, error }) });
  await expectResponse(await handler(post({ query: "{ version }" })), 500, GRAPHQL_JSON, {
    errors: [{ message: "Internal server error" }],
  });
  assert.deepEqual(logs.map((l) => l.message), [
    "GraphQL request failed: connection reset by peer",
  ]);
});
