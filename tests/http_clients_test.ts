// The clients are test-only dependencies, pinned here with full npm: specifiers rather than in
// deno.json's import map.
// deno-lint-ignore-file no-import-prefix
/**
 * Real GraphQL clients from npm against examples/server.ts's graph behind `graphqlHandler` on a
 * real `Deno.serve` (port 0), in both modes: the current draft (the default) and the older text
 * (`legacyJson: true`). For each client: the seed's query, a validation error and a partial
 * error, read the way the client documents them.
 *
 * - graphql-request 7: `request` throws a `ClientError` whose `response` has `errors` (and
 *   `data` and `status`); `rawRequest` with `errorPolicy: "all"` returns `data` and `errors`.
 * - @urql/core 6: the result's `error` is a `CombinedError` with `graphQLErrors` (and `data`
 *   next to it for a partial result).
 * - Apollo Client 4: `CombinedGraphQLErrors` with `errors` (thrown by default, returned as
 *   `error`, with `data`, under `errorPolicy: "all"`).
 * - Apollo Client 3: `ApolloError.graphQLErrors`. It sends `Accept: *\/*` and reads no errors
 *   from a non-2xx answer: against the default mode a validation error (422) is
 *   "Response not successful: Received status code 422" with `graphQLErrors` empty (the errors
 *   only in `networkError.result`); with `legacyJson: true` the same error is a 200 and
 *   `graphQLErrors` has it. Both are asserted: that difference is what the legacy mode is for.
 *   Partial results are 2xx in both modes (294, or 200), so Apollo 3 reads them either way.
 *
 * Every field of the example's graph is non-null, so no field error there leaves any data: an
 * error nulls the whole `data` (`{ characters(limit: -1) { name } }`, the list refusing a
 * negative limit with a `ListOptionError` whose message clients see, is checked too). The partial case needs a nullable field: the served graph is
 * the example's nodes and root fields plus one nullable root field, `motto: String`, whose loader
 * throws a `SafeError` (message "No motto today", `extensions.code` "MOTTO_DOWN"), so
 * `{ characters { name } motto }` answers the characters, `motto: null` and one error.
 *
 * graphql-request 7 (peer graphql 14 - 16) and Apollo Client 3 (peer graphql 15 - 16) run with
 * this repository's graphql 17.1.0: Deno resolves their peer to the version deno.json pins and
 * prints a peer-dependency warning when it installs them; everything checked here works with it.
 * Apollo Client 3 has no `exports` map, so Deno needs the file (`@apollo/client@3/core/index.js`),
 * not the directory, and `instanceof ApolloError` is false under Deno (its constructor assigns
 * `__proto__`, and Deno removes `Object.prototype.__proto__`), so its `isApolloError` tells its
 * errors apart. Documents go to Apollo as its own `gql` parses them (graphql-tag over the
 * graphql it resolved), to graphql-request and urql as strings.
 *
 * @module
 */

import assert from "node:assert/strict";
import { ClientError, GraphQLClient } from "npm:graphql-request@7.4.0";
import { Client as UrqlClient, type CombinedError, fetchExchange } from "npm:@urql/core@6.0.3";
import {
  ApolloClient as Apollo4Client,
  CombinedGraphQLErrors,
  gql as gql4,
  HttpLink as Http4Link,
  InMemoryCache as InMemory4Cache,
} from "npm:@apollo/client@4.3.8";
import {
  ApolloClient as Apollo3Client,
  type ApolloError,
  gql as gql3,
  HttpLink as Http3Link,
  InMemoryCache as InMemory3Cache,
  isApolloError,
  type ServerError,
} from "npm:@apollo/client@3.14.1/core/index.js";
import {
  AsyncExecutor,
  Field,
  Graph,
  graphqlHandler,
  type GraphQLHandlerOptions,
  Optional,
  Root,
  SafeError,
  Schema,
  Str,
} from "../mod.ts";
import { type Database, openDatabase } from "../sources/postgres.ts";
import { graph as exampleGraph, PATH } from "../examples/server.ts";
import { PG, setUpDatabase } from "../examples/star_trek.ts";

/** examples/server.ts's graph, plus a nullable root field that always fails. */
const graph = Graph([
  ...exampleGraph.nodes,
  Root([
    ...exampleGraph.root.fields,
    Field("motto", Optional(Str), () => {
      throw new SafeError("No motto today", { code: "MOTTO_DOWN" });
    }),
  ]),
]);
const schema = new Schema({ query: graph, executor: new AsyncExecutor() });

const SEED_QUERY = "{ characters { name actors { name } } }";
const INVALID_QUERY = "{ nope }";
const PARTIAL_QUERY = "{ characters { name } motto }";
/** An error in the example's own graph: non-null all the way up, so `data` is null. */
const FAILING_QUERY = "{ characters(limit: -1) { name } }";
const FAILING_MESSAGE = 'Option "limit" of link "characters" got -1: expected an integer from 0';

const SEED_DATA = {
  characters: [
    { name: "James T. Kirk", actors: [{ name: "William Shatner" }, { name: "Chris Pine" }] },
    { name: "Spock", actors: [{ name: "Leonard Nimoy" }, { name: "Zachary Quinto" }] },
    { name: "Leonard McCoy", actors: [{ name: "DeForest Kelley" }, { name: "Karl Urban" }] },
  ],
};
const PARTIAL_DATA = {
  characters: [{ name: "James T. Kirk" }, { name: "Spock" }, { name: "Leonard McCoy" }],
  motto: null,
};
const NOPE = 'Cannot query field "nope" on type "Query".';

// What each client sends (method and Accept): all but Apollo Client 3 name the GraphQL media type,
// so only Apollo Client 3 is served as a legacy client when `legacyJson` is on. urql sends
// queries over GET while the URL stays short (`preferGetMethod: "within-url-limit"`).
const GRAPHQL_REQUEST_ACCEPT = "POST application/graphql-response+json, application/json";
const URQL_ACCEPT = "GET application/graphql-response+json, application/graphql+json, " +
  "application/json, text/event-stream, multipart/mixed";
const APOLLO_4_ACCEPT = "POST application/graphql-response+json,application/json;q=0.9";
const APOLLO_3_ACCEPT = "POST */*";

/** What the tests need of a GraphQL error, whichever class a client wraps it in. */
interface ErrorLike {
  readonly message: string;
  readonly path?: readonly (string | number)[] | undefined;
  readonly extensions?: { readonly [key: string]: unknown } | undefined;
}

/** The messages of a list of errors. */
function messages(errors: readonly ErrorLike[] | undefined): string[] {
  return (errors ?? []).map((error) => error.message);
}

/** The partial query's one error, as every client reports it. */
function assertMottoError(errors: readonly ErrorLike[] | undefined): void {
  assert.equal(errors?.length, 1);
  assert.equal(errors[0]?.message, "No motto today");
  assert.deepEqual(errors[0]?.path, ["motto"]);
  assert.equal(errors[0]?.extensions?.code, "MOTTO_DOWN");
}

/** Removes the `__typename` fields Apollo's cache adds to every selection. */
function withoutTypename(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value),
    (key, member) => key === "__typename" ? undefined : member,
  );
}

/** A fresh database with the seed in it: a schema of its own on a server, dropped on close. */
async function seedDatabase(): Promise<Database> {
  const db = await openDatabase({
    schema: `hiku_clients_${crypto.randomUUID().slice(0, 8)}`,
    dropSchemaOnClose: true,
  });
  try {
    await setUpDatabase(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/** The two endpoints every client is checked against, on one database. */
interface Endpoints extends AsyncDisposable {
  /** The current draft (default options). */
  readonly current: string;
  /** The older text (`legacyJson: true`). */
  readonly legacy: string;
  /** The method and `Accept` header of every request either received, in order. */
  readonly requests: readonly string[];
}

/** Serves `graph` as examples/server.ts does, on a free port. */
function serve(
  db: Database,
  options: GraphQLHandlerOptions,
  requests: string[],
): Deno.HttpServer<Deno.NetAddr> {
  const context = { [PG]: db };
  // FAILING_QUERY's error is logged as an internal one; it is expected, so kept out of the output.
  const graphql = graphqlHandler(schema, { context: () => context, logger: () => {}, ...options });
  return Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (request) => {
    requests.push(`${request.method} ${request.headers.get("accept")}`);
    if (new URL(request.url).pathname === PATH) return graphql(request);
    return new Response("Not found", { status: 404 });
  });
}

async function startEndpoints(): Promise<Endpoints> {
  const db = await seedDatabase();
  const requests: string[] = [];
  const current = serve(db, {}, requests);
  const legacy = serve(db, { legacyJson: true }, requests);
  const url = (server: Deno.HttpServer<Deno.NetAddr>) =>
    `http://127.0.0.1:${server.addr.port}${PATH}`;
  return {
    current: url(current),
    legacy: url(legacy),
    requests,
    async [Symbol.asyncDispose]() {
      try {
        await Promise.all([current.shutdown(), legacy.shutdown()]);
      } finally {
        await db.close();
      }
    },
  };
}

Deno.test("graphql-request 7 against examples/server.ts", async (t) => {
  await using endpoints = await startEndpoints();
  const current = new GraphQLClient(endpoints.current);
  const legacy = new GraphQLClient(endpoints.legacy);

  /** The `ClientError` that `request` rejects with. */
  async function clientError(client: GraphQLClient, query: string): Promise<ClientError> {
    const error = await client.request(query).then(
      () => assert.fail("expected a ClientError"),
      (error: unknown) => error,
    );
    assert.ok(error instanceof ClientError, String(error));
    return error;
  }

  await t.step("data", async () => {
    assert.deepEqual(await current.request(SEED_QUERY), SEED_DATA);
    assert.deepEqual(await legacy.request(SEED_QUERY), SEED_DATA);
    assert.deepEqual(endpoints.requests, Array(2).fill(GRAPHQL_REQUEST_ACCEPT));
  });

  await t.step("a validation error: ClientError with response.errors, in both modes", async () => {
    // It accepts application/graphql-response+json, so the legacy mode keeps a 4xx for it.
    for (const [client, status] of [[current, 422], [legacy, 400]] as const) {
      const { response } = await clientError(client, INVALID_QUERY);
      assert.equal(response.status, status);
      assert.deepEqual(messages(response.errors), [NOPE]);
      assert.equal(response.data, undefined);
    }
  });

  await t.step(
    "a partial error: ClientError with data and errors; both with errorPolicy all",
    async () => {
      for (const [client, status] of [[current, 294], [legacy, 200]] as const) {
        const { response } = await clientError(client, PARTIAL_QUERY);
        assert.equal(response.status, status);
        assert.deepEqual(response.data, PARTIAL_DATA);
        assertMottoError(response.errors);
      }
      for (const url of [endpoints.current, endpoints.legacy]) {
        const all = new GraphQLClient(url, { errorPolicy: "all" });
        const result = await all.rawRequest(PARTIAL_QUERY);
        assert.deepEqual(result.data, PARTIAL_DATA);
        assertMottoError(result.errors);
      }
    },
  );

  await t.step("an error in the example's own graph: ClientError, data null", async () => {
    for (const [client, status] of [[current, 294], [legacy, 200]] as const) {
      const { response } = await clientError(client, FAILING_QUERY);
      assert.equal(response.status, status);
      assert.equal(response.data, null);
      assert.deepEqual(messages(response.errors), [FAILING_MESSAGE]);
    }
  });
});

Deno.test("@urql/core 6 against examples/server.ts", async (t) => {
  await using endpoints = await startEndpoints();
  const current = new UrqlClient({ url: endpoints.current, exchanges: [fetchExchange] });
  const legacy = new UrqlClient({ url: endpoints.legacy, exchanges: [fetchExchange] });
  const clients = [[current, "current"], [legacy, "legacy"]] as const;

  /** The result's `error`, which must carry GraphQL errors and no network error. */
  function graphQLError(error: CombinedError | undefined): CombinedError {
    assert.ok(error !== undefined, "expected result.error");
    assert.equal(error.networkError, undefined);
    return error;
  }

  await t.step("data", async () => {
    for (const [client] of clients) {
      const result = await client.query(SEED_QUERY, {}).toPromise();
      assert.equal(result.error, undefined);
      assert.deepEqual(result.data, SEED_DATA);
    }
    assert.deepEqual(endpoints.requests, Array(2).fill(URQL_ACCEPT));
  });

  await t.step("a validation error: result.error.graphQLErrors, in both modes", async () => {
    for (const [client, mode] of clients) {
      const result = await client.query(INVALID_QUERY, {}).toPromise();
      const error = graphQLError(result.error);
      assert.deepEqual(messages(error.graphQLErrors), [NOPE]);
      // It accepts application/graphql-response+json, so the legacy mode keeps a 4xx for it.
      assert.equal((error.response as Response).status, mode === "current" ? 422 : 400);
      assert.equal(result.data, undefined);
    }
  });

  await t.step("a partial error: result.data and result.error.graphQLErrors", async () => {
    for (const [client, mode] of clients) {
      const result = await client.query(PARTIAL_QUERY, {}).toPromise();
      assert.deepEqual(result.data, PARTIAL_DATA);
      const error = graphQLError(result.error);
      assertMottoError(error.graphQLErrors);
      assert.equal((error.response as Response).status, mode === "current" ? 294 : 200);
    }
  });

  await t.step("an error in the example's own graph: data null, graphQLErrors", async () => {
    for (const [client] of clients) {
      const result = await client.query(FAILING_QUERY, {}).toPromise();
      assert.equal(result.data, null);
      assert.deepEqual(messages(graphQLError(result.error).graphQLErrors), [
        FAILING_MESSAGE,
      ]);
    }
  });
});

Deno.test("Apollo Client 4 against examples/server.ts", async (t) => {
  await using endpoints = await startEndpoints();
  const connect = (uri: string) =>
    new Apollo4Client({ link: new Http4Link({ uri }), cache: new InMemory4Cache() });
  const current = connect(endpoints.current);
  const legacy = connect(endpoints.legacy);
  using _ = { [Symbol.dispose]: () => (current.stop(), legacy.stop()) };
  const clients = [current, legacy];

  /** What `query` rejects with under the default `errorPolicy` ("none"). */
  async function rejection(client: Apollo4Client, query: string): Promise<CombinedGraphQLErrors> {
    const error = await client.query({ query: gql4(query), fetchPolicy: "no-cache" }).then(
      () => assert.fail("expected a CombinedGraphQLErrors"),
      (error: unknown) => error,
    );
    assert.ok(CombinedGraphQLErrors.is(error), String(error));
    return error;
  }

  await t.step("data", async () => {
    for (const client of clients) {
      const result = await client.query({ query: gql4(SEED_QUERY) });
      assert.equal(result.error, undefined);
      assert.deepEqual(withoutTypename(result.data), SEED_DATA);
    }
    assert.deepEqual(endpoints.requests, Array(2).fill(APOLLO_4_ACCEPT));
  });

  await t.step("a validation error: CombinedGraphQLErrors with errors, in both modes", async () => {
    for (const client of clients) {
      assert.deepEqual(messages((await rejection(client, INVALID_QUERY)).errors), [NOPE]);
    }
  });

  await t.step(
    "a partial error: errorPolicy all gives data and CombinedGraphQLErrors",
    async () => {
      for (const client of clients) {
        assertMottoError((await rejection(client, PARTIAL_QUERY)).errors);
        const result = await client.query({
          query: gql4(PARTIAL_QUERY),
          errorPolicy: "all",
          fetchPolicy: "no-cache",
        });
        assert.deepEqual(withoutTypename(result.data), PARTIAL_DATA);
        assert.ok(CombinedGraphQLErrors.is(result.error), String(result.error));
        assertMottoError(result.error.errors);
        assert.deepEqual(withoutTypename(result.error.data), PARTIAL_DATA);
      }
    },
  );

  await t.step(
    "an error in the example's own graph: CombinedGraphQLErrors, data null",
    async () => {
      for (const client of clients) {
        const result = await client.query({
          query: gql4(FAILING_QUERY),
          errorPolicy: "all",
          fetchPolicy: "no-cache",
        });
        assert.equal(result.data, null);
        assert.ok(CombinedGraphQLErrors.is(result.error), String(result.error));
        assert.deepEqual(messages(result.error.errors), [FAILING_MESSAGE]);
      }
    },
  );
});

Deno.test("Apollo Client 3 against examples/server.ts", async (t) => {
  await using endpoints = await startEndpoints();
  const connect = (uri: string) =>
    new Apollo3Client({ link: new Http3Link({ uri }), cache: new InMemory3Cache() });
  const current = connect(endpoints.current);
  const legacy = connect(endpoints.legacy);
  using _ = { [Symbol.dispose]: () => (current.stop(), legacy.stop()) };
  const clients = [current, legacy];

  /** What `query` rejects with under `errorPolicy`. */
  async function rejection(
    client: Apollo3Client<unknown>,
    query: string,
    errorPolicy: "none" | "all" = "none",
  ): Promise<ApolloError> {
    const error = await client.query({ query: gql3(query), errorPolicy, fetchPolicy: "no-cache" })
      .then(
        () => assert.fail("expected an ApolloError"),
        (error: unknown) => error,
      );
    // Its own check: `instanceof ApolloError` is false under Deno, see above.
    assert.ok(error instanceof Error && isApolloError(error), String(error));
    return error;
  }

  await t.step("data", async () => {
    for (const client of clients) {
      const result = await client.query({ query: gql3(SEED_QUERY) });
      assert.equal(result.errors, undefined);
      assert.deepEqual(withoutTypename(result.data), SEED_DATA);
    }
    assert.deepEqual(endpoints.requests, Array(2).fill(APOLLO_3_ACCEPT));
  });

  await t.step(
    "a validation error by default (422): graphQLErrors EMPTY, a network error",
    async () => {
      for (const errorPolicy of ["none", "all"] as const) {
        const error = await rejection(current, INVALID_QUERY, errorPolicy);
        assert.deepEqual(error.graphQLErrors, []);
        assert.equal(error.message, "Response not successful: Received status code 422");
        const networkError = error.networkError as ServerError | null;
        assert.equal(networkError?.statusCode, 422);
        // The body was read, but only kept on the network error.
        const body = networkError.result as { errors?: ErrorLike[] };
        assert.deepEqual(messages(body.errors), [NOPE]);
      }
    },
  );

  await t.step("a validation error with legacyJson (200): ApolloError.graphQLErrors", async () => {
    const error = await rejection(legacy, INVALID_QUERY);
    assert.deepEqual(messages(error.graphQLErrors), [NOPE]);
    assert.equal(error.networkError, null);
    assert.equal(error.message, NOPE);
    // errorPolicy "all" resolves with the errors instead of rejecting.
    const result = await legacy.query({
      query: gql3(INVALID_QUERY),
      errorPolicy: "all",
      fetchPolicy: "no-cache",
    });
    assert.deepEqual(messages(result.errors), [NOPE]);
  });

  await t.step(
    "a partial error (294, or 200 with legacyJson): errorPolicy all gives data and errors",
    async () => {
      for (const client of clients) {
        assertMottoError((await rejection(client, PARTIAL_QUERY)).graphQLErrors);
        const result = await client.query({
          query: gql3(PARTIAL_QUERY),
          errorPolicy: "all",
          fetchPolicy: "no-cache",
        });
        assert.deepEqual(withoutTypename(result.data), PARTIAL_DATA);
        assertMottoError(result.errors);
      }
    },
  );

  await t.step("an error in the example's own graph: data null, errors", async () => {
    for (const client of clients) {
      assert.deepEqual(messages((await rejection(client, FAILING_QUERY)).graphQLErrors), [
        FAILING_MESSAGE,
      ]);
      const result = await client.query({
        query: gql3(FAILING_QUERY),
        errorPolicy: "all",
        fetchPolicy: "no-cache",
      });
      assert.equal(result.data, null);
      assert.deepEqual(messages(result.errors), [FAILING_MESSAGE]);
    }
  });
});
