/**
 * Trusted documents and automatic persisted queries: manifests in both common formats (and the
 * errors naming a bad entry), trusted-only mode, Apollo's APQ round trip over POST and GET with
 * the in-memory store, hostile hashes, and the Redis store shared by two server processes.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createClient } from "redis";
import {
  AsyncExecutor,
  documentHash,
  Field,
  Graph,
  graphqlHandler,
  type GraphQLHandlerOptions,
  MemoryPersistedQueryStore,
  MutationGraph,
  PersistedQueryManifestError,
  type PersistedQueryStore,
  type RedisCommands,
  RedisPersistedQueryStore,
  Root,
  Schema,
  Str,
  TrustedDocuments,
} from "../mod.ts";

const graph = Graph([
  Root([Field("hello", Str, (fields: unknown[]) => fields.map(() => "world"))]),
]);
const mutation = MutationGraph(
  graph,
  Root([Field("ping", Str, (fields: unknown[]) => fields.map(() => "pong"))]),
);
const schema = new Schema({ query: graph, mutation, executor: new AsyncExecutor() });

const HELLO = "{ hello }";
const HELLO_HASH = documentHash(HELLO);
const ACCEPT = "application/graphql-response+json, application/json;q=0.9";
const NOT_FOUND = {
  errors: [{
    message: "PersistedQueryNotFound",
    extensions: { code: "PERSISTED_QUERY_NOT_FOUND" },
  }],
};

type Handler = (request: Request) => Promise<Response>;

function handlerWith(options: GraphQLHandlerOptions): Handler {
  return graphqlHandler(schema, { logger: () => {}, ...options });
}

function post(handler: Handler, body: unknown): Promise<Response> {
  return handler(
    new Request("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: ACCEPT },
      body: JSON.stringify(body),
    }),
  );
}

function get(handler: Handler, params: { [name: string]: string }): Promise<Response> {
  const url = new URL("http://localhost/graphql");
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return handler(new Request(url, { headers: { accept: ACCEPT } }));
}

function byHash(
  hash: string,
): { extensions: { persistedQuery: { version: 1; sha256Hash: string } } } {
  return { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } };
}

async function expectJson(response: Response, status: number, body: unknown): Promise<void> {
  const json = await response.json();
  assert.equal(response.status, status, JSON.stringify(json));
  assert.deepEqual(json, body);
}

// Manifests -------------------------------------------------------------------------------------

Deno.test("manifests: hashes to documents, and Apollo's persisted query manifest", () => {
  const other = "query Other { hello }";
  const plain = TrustedDocuments.fromManifest({
    [HELLO_HASH]: HELLO,
    [documentHash(other)]: other,
  });
  assert.equal(plain.size, 2);
  assert.equal(plain.get(HELLO_HASH), HELLO);
  assert.equal(plain.get(documentHash(other)), other);
  assert.ok(plain.hasText(other));
  assert.ok(!plain.hasText("{hello}"));
  assert.equal(plain.get("0".repeat(64)), null);

  const apollo = TrustedDocuments.fromManifest(JSON.stringify({
    format: "apollo-persisted-query-manifest",
    version: 1,
    operations: [
      { id: HELLO_HASH, body: HELLO, name: "Hello", type: "query" },
      { id: documentHash(other), body: other, name: "Other", type: "query" },
    ],
  }));
  assert.equal(apollo.size, 2);
  assert.equal(apollo.get(documentHash(other)), other);
  assert.equal(new TrustedDocuments(new Map([[HELLO_HASH, HELLO]])).get(HELLO_HASH), HELLO);
});

Deno.test("TrustedDocuments refuses a Map key that is not a string with a PersistedQueryManifestError", () => {
  const documents = new Map<unknown, string>([[7, HELLO]]) as unknown as Map<string, string>;
  assert.throws(
    () => new TrustedDocuments(documents),
    (error: unknown) =>
      error instanceof PersistedQueryManifestError &&
      error.message ===
        "Persisted query manifest: a key of type number: the hash must be a SHA-256 as 64 " +
          "lowercase hexadecimal characters, got number 7",
  );
});

Deno.test("manifests: a bad one is a PersistedQueryManifestError naming the entry", () => {
  const apollo = (operations: unknown): unknown => ({
    format: "apollo-persisted-query-manifest",
    version: 1,
    operations,
  });
  const cases: [unknown, RegExp][] = [
    ["{ not json", /^Persisted query manifest is not valid JSON: /],
    [[HELLO], /must be an object .*got an array/],
    [{ ["A".repeat(64)]: HELLO }, /entry "AAAA.*: the hash must be a SHA-256 as 64 lowercase/],
    [{ abc: HELLO }, /entry "abc": the hash must be a SHA-256/],
    [
      { [HELLO_HASH]: 42 },
      new RegExp(`entry "${HELLO_HASH.slice(0, 20)}.*the document must be a string, got number 42`),
    ],
    [
      { [HELLO_HASH]: "{ hello  }" },
      /entry ".*": the hash is not the SHA-256 of its document \(which is [0-9a-f]{64}\)/,
    ],
    [
      { format: "apollo-persisted-query-manifest", version: 2, operations: [] },
      /"version" 1 \(got number 2\)/,
    ],
    [
      { format: "relay", operations: [] },
      /"format" must be "apollo-persisted-query-manifest" \(got string "relay"\)/,
    ],
    [apollo({}), /"operations" must be an array, got an object/],
    [
      apollo([{ id: HELLO_HASH, body: HELLO }, "x"]),
      /operations\[1\] must be an object, got string "x"/,
    ],
    [
      apollo([{ id: HELLO_HASH, body: HELLO }, { body: HELLO, name: "Two" }]),
      /operations\[1\] \("Two"\) "id" must be a string, got nothing/,
    ],
    [
      apollo([{ id: HELLO_HASH, body: "{ hello\n}", name: "Hello" }]),
      /operations\[0\] \("Hello"\): the hash is not the SHA-256 of its document/,
    ],
    [
      apollo([{ id: HELLO_HASH, name: "Hello" }]),
      /operations\[0\] \("Hello"\): the document must be a string, got nothing/,
    ],
  ];
  for (const [manifest, message] of cases) {
    assert.throws(
      () => TrustedDocuments.fromManifest(manifest),
      (error: unknown) => {
        assert.ok(error instanceof PersistedQueryManifestError, String(error));
        assert.equal(error.name, "PersistedQueryManifestError");
        assert.match(error.message, message);
        return true;
      },
    );
  }
});

// Trusted-only mode -----------------------------------------------------------------------------

Deno.test("trustedOnly: serves registered documents by hash and by text, refuses other text", async () => {
  const documents = TrustedDocuments.fromManifest({ [HELLO_HASH]: HELLO });
  const handler = handlerWith({ persistedQueries: { documents, trustedOnly: true } });
  const refused = {
    errors: [{
      message: "Only trusted documents are served here and this query text is not one of them: " +
        "send a registered document, or its hash in extensions.persistedQuery.sha256Hash",
      extensions: { code: "PERSISTED_QUERY_NOT_TRUSTED" },
    }],
  };
  await expectJson(await post(handler, byHash(HELLO_HASH)), 200, { data: { hello: "world" } });
  await expectJson(
    await get(handler, { extensions: JSON.stringify(byHash(HELLO_HASH).extensions) }),
    200,
    { data: { hello: "world" } },
  );
  await expectJson(await post(handler, { query: HELLO }), 200, { data: { hello: "world" } });
  await expectJson(await post(handler, { query: "{ hello hello }" }), 422, refused);
  await expectJson(await get(handler, { query: "{ hello hello }" }), 422, refused);
  // A hash with its text is not registered in trusted-only mode.
  const other = "{ other: hello }";
  await expectJson(
    await post(handler, { query: other, ...byHash(documentHash(other)) }),
    422,
    refused,
  );
  await expectJson(await post(handler, byHash(documentHash(other))), 200, NOT_FOUND);
  // A batch: each request on its own.
  const batch = await post(handler, [byHash(HELLO_HASH), { query: other }]);
  assert.equal(batch.status, 200);
  assert.deepEqual(await batch.json(), [{ data: { hello: "world" } }, refused]);
});

Deno.test("persistedQueries options are checked, naming the option", () => {
  assert.throws(
    () => graphqlHandler(schema, { persistedQueries: { trustedOnly: true } }),
    {
      name: "TypeError",
      message: /"persistedQueries.trustedOnly" needs "persistedQueries.documents"/,
    },
  );
  assert.throws(
    () => graphqlHandler(schema, { persistedQueries: { cacheControl: 60 as unknown as string } }),
    {
      name: "TypeError",
      message:
        /"persistedQueries.cacheControl" must be a Cache-Control header value, got number 60/,
    },
  );
  assert.throws(
    () => graphqlHandler(schema, { persistedQueries: { store: {} as PersistedQueryStore } }),
    { name: "TypeError", message: /"persistedQueries.store" must be a PersistedQueryStore/ },
  );
  assert.throws(
    () => new MemoryPersistedQueryStore({ maxBytes: -1 }),
    { name: "RangeError", message: /"maxBytes" must be a number at least 0, got -1/ },
  );
  assert.throws(
    () =>
      new RedisPersistedQueryStore({
        get: () => Promise.resolve(null),
        set: () => Promise.resolve(),
      }, { ttlSeconds: 1.5 }),
    {
      name: "RangeError",
      message: /"ttlSeconds" must be a whole number of seconds above 0 or null, got 1.5/,
    },
  );
});

// Automatic persisted queries -------------------------------------------------------------------

Deno.test("APQ: not found, registered with its text, then served by hash over POST and GET", async () => {
  const handler = handlerWith({ persistedQueries: { cacheControl: "public, max-age=300" } });
  const query = "query Greeting { greeting: hello }";
  const hash = documentHash(query);
  const extensions = JSON.stringify(byHash(hash).extensions);

  const missing = await post(handler, byHash(hash));
  assert.equal(missing.headers.get("cache-control"), "no-store");
  await expectJson(missing, 200, NOT_FOUND);
  const missingGet = await get(handler, { extensions });
  assert.equal(missingGet.headers.get("cache-control"), "no-store");
  await expectJson(missingGet, 200, NOT_FOUND);

  await expectJson(await post(handler, { query, ...byHash(hash) }), 200, {
    data: { greeting: "world" },
  });

  const byPost = await post(handler, byHash(hash));
  assert.equal(byPost.headers.get("cache-control"), null);
  await expectJson(byPost, 200, { data: { greeting: "world" } });
  const byGet = await get(handler, { extensions });
  assert.equal(byGet.headers.get("cache-control"), "public, max-age=300");
  assert.equal(byGet.headers.get("vary"), "Accept");
  await expectJson(byGet, 200, { data: { greeting: "world" } });
  // A GET with the text is not cached: only one by hash is.
  const withText = await get(handler, { query, extensions });
  assert.equal(withText.headers.get("cache-control"), null);
  await expectJson(withText, 200, { data: { greeting: "world" } });

  // Registered over GET too (Apollo's useGETForHashedQueries resends the text the same way).
  const other = "{ again: hello }";
  const otherExtensions = JSON.stringify(byHash(documentHash(other)).extensions);
  await expectJson(await get(handler, { extensions: otherExtensions }), 200, NOT_FOUND);
  await expectJson(await get(handler, { query: other, extensions: otherExtensions }), 200, {
    data: { again: "world" },
  });
  await expectJson(await get(handler, { extensions: otherExtensions }), 200, {
    data: { again: "world" },
  });
});

Deno.test("APQ: Cache-Control only when asked for, only on a 200 query by hash", async () => {
  const plain = handlerWith({ persistedQueries: {} });
  await post(plain, { query: HELLO, ...byHash(HELLO_HASH) });
  const extensions = JSON.stringify(byHash(HELLO_HASH).extensions);
  const response = await get(plain, { extensions });
  assert.equal(response.headers.get("cache-control"), null);
  await expectJson(response, 200, { data: { hello: "world" } });

  const cached = handlerWith({ persistedQueries: { cacheControl: "public, max-age=60" } });
  const mutationText = "mutation { ping }";
  const mutationHash = documentHash(mutationText);
  await expectJson(await post(cached, { query: mutationText, ...byHash(mutationHash) }), 200, {
    data: { ping: "pong" },
  });
  await expectJson(await post(cached, byHash(mutationHash)), 200, { data: { ping: "pong" } });
  const overGet = await get(cached, {
    extensions: JSON.stringify(byHash(mutationHash).extensions),
  });
  assert.equal(overGet.status, 405);
  assert.equal(overGet.headers.get("cache-control"), null);
  // Errors are not cached (a document that does not validate is not even kept).
  const bad = "{ nope }";
  await post(cached, { query: bad, ...byHash(documentHash(bad)) });
  const failed = await get(cached, {
    extensions: JSON.stringify(byHash(documentHash(bad)).extensions),
  });
  assert.notEqual(failed.headers.get("cache-control"), "public, max-age=60");
  await expectJson(failed, 200, NOT_FOUND);
});

Deno.test("APQ: an answer carrying its explain is never marked cacheable", async () => {
  const handler = handlerWith({
    persistedQueries: { cacheControl: "public, max-age=60" },
    explain: (request) => request.url.includes("explain=1"),
  });
  await post(handler, { query: HELLO, ...byHash(HELLO_HASH) });
  const extensions = JSON.stringify(byHash(HELLO_HASH).extensions);
  const plain = await get(handler, { extensions });
  assert.equal(plain.headers.get("cache-control"), "public, max-age=60");
  await plain.body?.cancel();
  const explained = await get(handler, { extensions, explain: "1" });
  assert.equal(explained.status, 200);
  assert.equal(explained.headers.get("cache-control"), null);
  assert.ok((await explained.json()).extensions.explain !== undefined);
});

Deno.test("APQ: an answer carrying the explain the schema's own option asked for is never marked cacheable", async () => {
  const explaining = new Schema({
    query: graph,
    executor: new AsyncExecutor(),
    explain: (request) => (request.context as { dev?: boolean } | undefined)?.dev === true,
  });
  const handler = graphqlHandler(explaining, {
    logger: () => {},
    context: (request) => ({ dev: request.headers.get("x-dev") === "1" }),
    persistedQueries: { cacheControl: "public, max-age=60" },
  });
  await post(handler, { query: HELLO, ...byHash(HELLO_HASH) });
  const url = new URL("http://localhost/graphql");
  url.searchParams.set("extensions", JSON.stringify(byHash(HELLO_HASH).extensions));
  const plain = await handler(new Request(url, { headers: { accept: ACCEPT } }));
  assert.equal(plain.headers.get("cache-control"), "public, max-age=60");
  await plain.body?.cancel();
  const explained = await handler(new Request(url, { headers: { accept: ACCEPT, "x-dev": "1" } }));
  assert.equal(explained.status, 200);
  assert.equal(explained.headers.get("cache-control"), null);
  assert.ok((await explained.json()).extensions.explain !== undefined);
});

Deno.test("APQ: a document that does not parse or validate is not kept", async () => {
  const store = new MemoryPersistedQueryStore();
  const handler = handlerWith({ persistedQueries: { store } });
  for (const [text, status] of [["{ nope }", 422], ["{ hello", 400]] as const) {
    const response = await post(handler, { query: text, ...byHash(documentHash(text)) });
    assert.equal(response.status, status);
    await response.body?.cancel();
    await expectJson(await post(handler, byHash(documentHash(text))), 200, NOT_FOUND);
  }
  assert.equal(store.size, 0);
  await post(handler, { query: HELLO, ...byHash(HELLO_HASH) });
  assert.equal(store.size, 1);
});

Deno.test("APQ: hostile hashes and extensions are 400s with clear messages", async () => {
  const handler = handlerWith({ persistedQueries: {} });
  const message = (text: string) => ({ errors: [{ message: text }] });
  await expectJson(
    await post(handler, { query: HELLO, ...byHash("0".repeat(64)) }),
    400,
    message(
      'Request parameter "extensions.persistedQuery.sha256Hash" is not the SHA-256 of the query ' +
        `(which is ${HELLO_HASH}): send the hash of the query's UTF-8 text`,
    ),
  );
  for (
    const hash of [HELLO_HASH.toUpperCase(), HELLO_HASH.slice(1), `${HELLO_HASH}0`, "x".repeat(64)]
  ) {
    const response = await post(handler, byHash(hash));
    assert.equal(response.status, 400);
    assert.match(
      (await response.json()).errors[0].message,
      /^Request parameter "extensions.persistedQuery.sha256Hash" must be a SHA-256 as 64 lowercase hexadecimal characters, got string "/,
    );
  }
  await expectJson(
    await post(handler, { extensions: { persistedQuery: { version: 1, sha256Hash: 7 } } }),
    400,
    message(
      'Request parameter "extensions.persistedQuery.sha256Hash" must be a SHA-256 as 64 ' +
        "lowercase hexadecimal characters, got number 7",
    ),
  );
  await expectJson(
    await post(handler, { extensions: { persistedQuery: { version: 2, sha256Hash: HELLO_HASH } } }),
    400,
    message('Request parameter "extensions.persistedQuery.version" must be 1, got number 2'),
  );
  await expectJson(
    await post(handler, { extensions: { persistedQuery: "yes" } }),
    400,
    message(
      'Request parameter "extensions.persistedQuery" must be an object ' +
        '({"version":1,"sha256Hash":"..."}), got string "yes"',
    ),
  );
  await expectJson(
    await get(handler, { extensions: "{}" }),
    422,
    message(
      'Request parameter "query" is required: send the GraphQL document, or its hash in ' +
        '"extensions" ({"persistedQuery":{"version":1,"sha256Hash":"..."}})',
    ),
  );
  // Off: a request with neither a query nor a hash is refused as before.
  await expectJson(
    await post(handlerWith({}), { extensions: {} }),
    422,
    message('Request parameter "query" is required: send the GraphQL document'),
  );
});

Deno.test("APQ off: a hash alone is PersistedQueryNotSupported, so Apollo clients send the text", async () => {
  const off = handlerWith({});
  const notSupported = {
    errors: [{
      message: "PersistedQueryNotSupported",
      extensions: { code: "PERSISTED_QUERY_NOT_SUPPORTED" },
    }],
  };
  for (
    const response of [
      await post(off, byHash(HELLO_HASH)),
      await get(off, { extensions: JSON.stringify(byHash(HELLO_HASH).extensions) }),
    ]
  ) {
    assert.equal(response.headers.get("cache-control"), "no-store");
    await expectJson(response, 200, notSupported);
  }
  // The text with its hash is served, as any text is.
  await expectJson(await post(off, { query: HELLO, ...byHash(HELLO_HASH) }), 200, {
    data: { hello: "world" },
  });
  await expectJson(
    await get(off, { extensions: "{}" }),
    422,
    {
      errors: [{
        message: 'Request parameter "query" is required: send the GraphQL document in the ' +
          'URL\'s "query" parameter, or open this URL in a browser for GraphiQL',
      }],
    },
  );
});

Deno.test("APQ: the query length limit applies before hashing; the store's bounds hold", async () => {
  const limited = handlerWith({ maxQueryLength: 20, persistedQueries: {} });
  const long = `{ ${"hello ".repeat(10)}}`;
  const response = await post(limited, { query: long, ...byHash(documentHash(long)) });
  assert.equal(response.status, 413);
  assert.match((await response.json()).errors[0].message, /longer than the maximum of 20/);
  // In a GET's URL: 414 (URI Too Long).
  const inUrl = await get(limited, {
    query: long,
    extensions: JSON.stringify(byHash(documentHash(long)).extensions),
  });
  assert.equal(inUrl.status, 414);
  assert.match((await inUrl.json()).errors[0].message, /longer than the maximum of 20/);
  // Not registered.
  await expectJson(await post(limited, byHash(documentHash(long))), 200, NOT_FOUND);

  const store = new MemoryPersistedQueryStore({ maxBytes: 600 });
  const handler = handlerWith({ persistedQueries: { store } });
  const big = `{ hello } # ${"x".repeat(300)}`;
  await expectJson(await post(handler, { query: big, ...byHash(documentHash(big)) }), 200, {
    data: { hello: "world" },
  });
  assert.equal(store.size, 0);
  await expectJson(await post(handler, byHash(documentHash(big))), 200, NOT_FOUND);
  // Least recently used out.
  const texts = ["{ a: hello }", "{ b: hello }", "{ c: hello }", "{ d: hello }"];
  for (const text of texts) await post(handler, { query: text, ...byHash(documentHash(text)) });
  assert.ok(store.bytes <= 600);
  assert.ok(store.size < texts.length);
  await expectJson(await post(handler, byHash(documentHash(texts[3]!))), 200, {
    data: { d: "world" },
  });
  await expectJson(await post(handler, byHash(documentHash(texts[0]!))), 200, NOT_FOUND);
  // A document that does not parse is not registered.
  const broken = "{ hello";
  assert.equal(
    (await post(handler, { query: broken, ...byHash(documentHash(broken)) })).status,
    400,
  );
  await expectJson(await post(handler, byHash(documentHash(broken))), 200, NOT_FOUND);
});

Deno.test("APQ: a failing store is logged; clients are told to send the text, and are served", async () => {
  const logged: string[] = [];
  const store: PersistedQueryStore = {
    get: () => Promise.reject(new Error("connection refused")),
    set: () => Promise.reject(new Error("connection refused")),
  };
  const handler = graphqlHandler(schema, {
    persistedQueries: { store },
    logger: (message) => logged.push(message),
  });
  await expectJson(await post(handler, byHash(HELLO_HASH)), 200, NOT_FOUND);
  await expectJson(await post(handler, { query: HELLO, ...byHash(HELLO_HASH) }), 200, {
    data: { hello: "world" },
  });
  assert.deepEqual(logged, [
    `Persisted query store failed to read ${HELLO_HASH}: connection refused`,
    `Persisted query store did not keep ${HELLO_HASH}: it failed: connection refused`,
  ]);
});

Deno.test("APQ: a store that does not answer within storeTimeout is a miss, and a skipped registration", async () => {
  const logged: string[] = [];
  let calls = 0;
  const never = () => {
    calls++;
    return new Promise<never>(() => {});
  };
  const handler = graphqlHandler(schema, {
    persistedQueries: { store: { get: never, set: never }, storeTimeout: 20 },
    // The request's own limit is far away: the store's runs out first.
    timeout: 60_000,
    logger: (message) => logged.push(message),
  });
  await expectJson(await post(handler, byHash(HELLO_HASH)), 200, NOT_FOUND);
  await expectJson(await post(handler, { query: HELLO, ...byHash(HELLO_HASH) }), 200, {
    data: { hello: "world" },
  });
  assert.equal(calls, 2);
  assert.deepEqual(logged, [
    `Persisted query store did not answer a read of ${HELLO_HASH} within 20 ms (storeTimeout)`,
    `Persisted query store did not keep ${HELLO_HASH}: it did not answer within 20 ms ` +
    "(storeTimeout)",
  ]);
  // No limit of its own, or one past what a timer takes: the store is served as usual.
  for (const storeTimeout of [Infinity, 2 ** 53]) {
    const store = new MemoryPersistedQueryStore();
    const handler = handlerWith({ persistedQueries: { store, storeTimeout } });
    await expectJson(await post(handler, { query: HELLO, ...byHash(HELLO_HASH) }), 200, {
      data: { hello: "world" },
    });
    await expectJson(await post(handler, byHash(HELLO_HASH)), 200, { data: { hello: "world" } });
  }
  for (const storeTimeout of [0, -1, Number.NaN, "1000"]) {
    assert.throws(
      () =>
        graphqlHandler(schema, {
          persistedQueries: { storeTimeout: storeTimeout as number },
        }),
      /"persistedQueries.storeTimeout" must be a number of milliseconds above 0/,
    );
  }
});

Deno.test("RedisPersistedQueryStore reads and keeps nothing while its client is not ready", async () => {
  const sent: string[] = [];
  const client = {
    isReady: false,
    // node-redis queues commands while it reconnects: they would not settle until Redis is back.
    get: (key: string) => {
      sent.push(`GET ${key}`);
      return new Promise<never>(() => {});
    },
    set: (key: string) => {
      sent.push(`SET ${key}`);
      return new Promise<never>(() => {});
    },
  };
  const store = new RedisPersistedQueryStore(client);
  assert.equal(await store.get(HELLO_HASH), null);
  await store.set(HELLO_HASH, HELLO);
  assert.deepEqual(sent, []);
  const handler = handlerWith({ persistedQueries: { store } });
  await expectJson(await post(handler, byHash(HELLO_HASH)), 200, NOT_FOUND);
  await expectJson(await post(handler, { query: HELLO, ...byHash(HELLO_HASH) }), 200, {
    data: { hello: "world" },
  });
  assert.deepEqual(sent, []);
});

Deno.test("APQ: build-time documents are served by hash next to the store", async () => {
  const documents = TrustedDocuments.fromManifest({ [HELLO_HASH]: HELLO });
  const store = new MemoryPersistedQueryStore();
  const handler = handlerWith({ persistedQueries: { documents, store } });
  await expectJson(await post(handler, byHash(HELLO_HASH)), 200, { data: { hello: "world" } });
  await expectJson(await post(handler, { query: HELLO, ...byHash(HELLO_HASH) }), 200, {
    data: { hello: "world" },
  });
  assert.equal(store.size, 0); // already known: not registered again
  await expectJson(await post(handler, { query: "{ x: hello }" }), 200, { data: { x: "world" } });
});

// Redis -----------------------------------------------------------------------------------------

const REDIS_URL = Deno.env.get("REDIS_URL") ?? "redis://127.0.0.1:6379";

async function redisReachable(): Promise<boolean> {
  const url = new URL(REDIS_URL);
  try {
    const connection = await Deno.connect({
      hostname: url.hostname,
      port: Number(url.port || 6379),
    });
    connection.close();
    return true;
  } catch {
    return false;
  }
}

const REDIS_UP = await redisReachable();
const REDIS_SKIP = REDIS_UP ? "" : ` (skipped: Redis is not reachable at ${REDIS_URL})`;
if (!REDIS_UP) {
  console.warn(`persisted_test: Redis is not reachable at ${REDIS_URL}; skipping its tests`);
}

/** What the tests use of a Redis client. */
interface RedisClient extends RedisCommands {
  get(key: string): Promise<string | null>;
  ttl(key: string): Promise<number>;
}

/** A Redis client for a test, and a prefix of its own, whose keys are deleted at the end. */
async function withRedis(
  run: (client: RedisClient, prefix: string) => Promise<void>,
): Promise<void> {
  const client = await createClient({ url: REDIS_URL }).on("error", () => {}).connect();
  const prefix = `hiku-test:apq:${Deno.pid}:${crypto.randomUUID()}:`;
  try {
    await run(client, prefix);
  } finally {
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) {
      keys.push(...batch);
    }
    if (keys.length > 0) await client.del(keys);
    await client.close();
  }
}

Deno.test({
  name: `RedisPersistedQueryStore: keys under the prefix, with the TTL${REDIS_SKIP}`,
  ignore: !REDIS_UP,
  async fn() {
    await withRedis(async (client, prefix) => {
      const store = new RedisPersistedQueryStore(client, { prefix, ttlSeconds: 120 });
      assert.equal(await store.get(HELLO_HASH), null);
      await store.set(HELLO_HASH, HELLO);
      assert.equal(await store.get(HELLO_HASH), HELLO);
      assert.equal(await client.get(`${prefix}${HELLO_HASH}`), HELLO);
      const ttl = await client.ttl(`${prefix}${HELLO_HASH}`);
      assert.ok(ttl > 100 && ttl <= 120, `TTL ${ttl}`);
      const forever = new RedisPersistedQueryStore(client, {
        prefix: `${prefix}f:`,
        maxDocumentLength: 5,
      });
      await forever.set(HELLO_HASH, "{ a }");
      assert.equal(await client.ttl(`${prefix}f:${HELLO_HASH}`), -1);
      await forever.set("1".repeat(64), "{ too long }");
      assert.equal(await forever.get("1".repeat(64)), null);
    });
  },
});

/** A server process of tests/support/persisted_server.ts: its URL, and how to stop it. */
async function serverProcess(prefix: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL("./support/persisted_server.ts", import.meta.url).href],
    cwd: new URL("..", import.meta.url),
    env: { NO_COLOR: "1", HIKU_APQ_PREFIX: prefix, REDIS_URL },
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  let port: string | null = null;
  while (port === null) {
    const { done, value } = await lines.read();
    if (done) {
      await child.status;
      throw new Error(`the server exited before listening: ${out}`);
    }
    out += value;
    port = /listening (\d+)/.exec(out)?.[1] ?? null;
  }
  const drained = (async () => {
    while (!(await lines.read()).done) { /* keep the pipe flowing */ }
  })();
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await drained;
    },
  };
}

Deno.test({
  name: `APQ through two server processes sharing Redis${REDIS_SKIP}`,
  ignore: !REDIS_UP,
  async fn() {
    await withRedis(async (client, prefix) => {
      const [one, two] = await Promise.all([serverProcess(prefix), serverProcess(prefix)]);
      try {
        const query = `query Shared { hello } # ${crypto.randomUUID()}`;
        const hash = documentHash(query);
        const send = (url: string, body: unknown) =>
          fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json", accept: ACCEPT },
            body: JSON.stringify(body),
          });
        await expectJson(await send(two.url, byHash(hash)), 200, NOT_FOUND);
        const registered = await (await send(one.url, { query, ...byHash(hash) })).json();
        assert.match(registered.data.hello, /^hello from \d+$/);
        assert.equal(await client.get(`${prefix}${hash}`), query);

        const served = await send(two.url, byHash(hash));
        assert.equal(served.status, 200);
        const data = (await served.json()).data;
        assert.match(data.hello, /^hello from \d+$/);
        assert.notEqual(data.hello, registered.data.hello, "served by the other process");

        const url = new URL(two.url);
        url.searchParams.set("extensions", JSON.stringify(byHash(hash).extensions));
        const overGet = await fetch(url, { headers: { accept: ACCEPT } });
        assert.equal(overGet.status, 200);
        assert.equal(overGet.headers.get("cache-control"), "public, max-age=60");
        assert.deepEqual(await overGet.json(), { data });
      } finally {
        await Promise.all([one.stop(), two.stop()]);
      }
    });
  },
});
