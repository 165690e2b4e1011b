/**
 * graphqlHandler for every client and deployment: `Vary: Accept`, the legacy mode
 * (`legacyJson`: the draft's older text, for clients written for it), CORS (`cors`: preflights,
 * allowed and refused origins, credentials, the option's checks), the request's `extensions`
 * passed to the context factory, and a response's `extensions` after its `errors` and `data`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  AsyncExecutor,
  type CorsOptions,
  type ExecutableSchema,
  Field,
  Graph,
  graphqlHandler,
  type GraphQLHandlerOptions,
  type GraphQLRequest,
  type GraphQLResponse,
  Int,
  MutationGraph,
  Option,
  Optional,
  passContext,
  type QueryField,
  Root,
  Schema,
  Str,
} from "../mod.ts";

const graph = Graph([
  Root([
    Field("hello", Str, (fields: readonly QueryField[]) => fields.map(() => "world")),
    Field("broken", Optional(Str), () => {
      throw new Error("database unreachable");
    }),
    Field(
      "client",
      Str,
      passContext((ctx: { client: string }, fields: readonly QueryField[]) =>
        fields.map(() => ctx.client)
      ),
    ),
  ]),
]);
const mutation = MutationGraph(
  graph,
  Root([
    Field(
      "add",
      Int,
      (fields: readonly QueryField[]) =>
        fields.map((f) => (f.options?.a as number) + (f.options?.b as number)),
      { options: [Option("a", Int), Option("b", Int)] },
    ),
  ]),
);
const schema = new Schema({ query: graph, mutation, executor: new AsyncExecutor() });

const URL_ = "http://localhost/graphql";
const GRAPHQL_JSON = "application/graphql-response+json; charset=utf-8";
const JSON_UTF8 = "application/json; charset=utf-8";

function handler(options: GraphQLHandlerOptions = {}): (request: Request) => Promise<Response> {
  return graphqlHandler(schema, { logger: () => {}, ...options });
}

function post(body: unknown, headers: { readonly [name: string]: string } = {}): Request {
  return new Request(URL_, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function get(query: string, headers: { readonly [name: string]: string } = {}): Request {
  return new Request(`${URL_}?${new URLSearchParams({ query })}`, { headers });
}

/** Status, content type and body of a response. */
async function read(
  response: Response,
): Promise<{ status: number; type: string | null; body: unknown }> {
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    body: await response.json(),
  };
}

// Vary ------------------------------------------------------------------------------------------

Deno.test("graphqlHandler says Vary: Accept on every negotiated response", async (t) => {
  const serve = handler();
  const cases: [string, Request][] = [
    ["a query over POST", post({ query: "{ hello }" })],
    ["a query over GET", get("{ hello }")],
    ["a validation error", post({ query: "{ nope }" })],
    ["a 406", post({ query: "{ hello }" }, { accept: "text/plain" })],
    ["a 415", new Request(URL_, { method: "POST", body: "{}" })],
    ["a batch", post([{ query: "{ hello }" }])],
    ["the GraphiQL page", get("{ hello }", { accept: "text/html" })],
  ];
  for (const [what, request] of cases) {
    await t.step(what, async () => {
      const response = await serve(request);
      await response.body?.cancel();
      assert.equal(response.headers.get("vary"), "Accept");
    });
  }
});

// Legacy mode -----------------------------------------------------------------------------------

Deno.test("graphqlHandler follows the current draft by default", async (t) => {
  const serve = handler();

  await t.step("*/* gets application/graphql-response+json", async () => {
    const response = await read(await serve(post({ query: "{ hello }" }, { accept: "*/*" })));
    assert.deepEqual(response, {
      status: 200,
      type: GRAPHQL_JSON,
      body: { data: { hello: "world" } },
    });
  });

  await t.step("a validation error for an application/json client is a 422", async () => {
    const response = await serve(post({ query: "{ nope }" }, { accept: "application/json" }));
    await response.body?.cancel();
    assert.equal(response.status, 422);
  });
});

Deno.test("graphqlHandler with legacyJson serves clients written for the older text", async (t) => {
  const serve = handler({ legacyJson: true });
  const validationError = {
    errors: [{
      message: 'Cannot query field "nope" on type "Query".',
      locations: [{ line: 1, column: 3 }],
    }],
  };

  for (const accept of ["*/*", "application/*", "application/json", null]) {
    await t.step(`Accept ${accept ?? "missing"} gets application/json, 200`, async () => {
      const headers: { [name: string]: string } = accept === null ? {} : { accept };
      const request = post({ query: "{ hello }" }, headers);
      if (accept === null) request.headers.delete("accept");
      assert.deepEqual(await read(await serve(request)), {
        status: 200,
        type: JSON_UTF8,
        body: { data: { hello: "world" } },
      });
    });
  }

  await t.step("application/json gets 200 for request errors, with the errors", async () => {
    const cases: [string, unknown][] = [
      ["a document that does not parse", { query: "{" }],
      ["a document that does not validate", { query: "{ nope }" }],
      ["an unknown operation", { query: "query A { hello }", operationName: "B" }],
      ["variables of the wrong type", { query: "query ($n: Int!) { hello }", variables: {} }],
    ];
    for (const [what, body] of cases) {
      const response = await read(await serve(post(body, { accept: "*/*" })));
      assert.equal(response.status, 200, what);
      assert.equal(response.type, JSON_UTF8, what);
      assert.ok((response.body as { errors: unknown[] }).errors.length > 0, what);
    }
    assert.deepEqual(
      (await read(await serve(post({ query: "{ nope }" }, { accept: "*/*" })))).body,
      validationError,
    );
  });

  await t.step("application/json gets 200 for partial success and for masked errors", async () => {
    const partial = await read(await serve(post({ query: "{ hello broken }" })));
    assert.deepEqual(partial, {
      status: 200,
      type: JSON_UTF8,
      body: {
        errors: [{
          message: "Internal server error",
          locations: [{ line: 1, column: 9 }],
          path: ["broken"],
        }],
        data: { hello: "world", broken: null },
      },
    });
  });

  await t.step("a mutation over GET is still a 405", async () => {
    const response = await serve(get("mutation { add(a: 1, b: 2) }", { accept: "*/*" }));
    await response.body?.cancel();
    assert.equal(response.status, 405);
    assert.equal(response.headers.get("allow"), "POST");
  });

  await t.step("a request that is not well-formed is a 400", async () => {
    const response = await read(await serve(post({ qeury: "{ hello }" }, { accept: "*/*" })));
    assert.equal(response.status, 400);
    assert.equal(response.type, JSON_UTF8);
  });

  await t.step("a client naming application/graphql-response+json gets it", async () => {
    const accept = "application/graphql-response+json, application/json;q=0.9";
    const ok = await read(await serve(post({ query: "{ hello }" }, { accept })));
    assert.deepEqual(ok, { status: 200, type: GRAPHQL_JSON, body: { data: { hello: "world" } } });
  });

  await t.step("...with the older text's codes: 400 for request errors", async () => {
    const accept = "application/graphql-response+json";
    const invalid = await read(await serve(post({ query: "{ nope }" }, { accept })));
    assert.deepEqual(invalid, { status: 400, type: GRAPHQL_JSON, body: validationError });
    const variables = await serve(
      post({ query: "query ($n: Int!) { hello }", variables: { n: null } }, { accept }),
    );
    await variables.body?.cancel();
    assert.equal(variables.status, 400);
  });

  await t.step("...and 200 for partial success", async () => {
    const accept = "application/graphql-response+json";
    const partial = await serve(post({ query: "{ hello broken }" }, { accept }));
    await partial.body?.cancel();
    assert.equal(partial.status, 200);
  });

  await t.step("batches are answered as before", async () => {
    const response = await read(await serve(post([{ query: "{ hello }" }, { query: "{ x }" }])));
    assert.equal(response.status, 200);
    assert.equal(response.type, JSON_UTF8);
    assert.equal((response.body as unknown[]).length, 2);
  });
});

// CORS ------------------------------------------------------------------------------------------

const APP = "https://app.example.com";
const EVIL = "https://evil.example.net";

function preflight(origin: string, headers: { readonly [name: string]: string } = {}): Request {
  return new Request(URL_, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type",
      ...headers,
    },
  });
}

function corsHeaders(response: Response): { [name: string]: string } {
  const out: { [name: string]: string } = {};
  for (const [name, value] of response.headers) {
    if (name.startsWith("access-control-") || name === "vary") out[name] = value;
  }
  return out;
}

Deno.test("graphqlHandler sends no CORS header by default", async (t) => {
  const serve = handler();

  await t.step("on a response to another origin", async () => {
    const response = await serve(post({ query: "{ hello }" }, { origin: APP }));
    await response.body?.cancel();
    assert.deepEqual(corsHeaders(response), { vary: "Accept" });
  });

  await t.step("and answers OPTIONS with 405", async () => {
    const response = await serve(preflight(APP));
    await response.body?.cancel();
    assert.equal(response.status, 405);
    assert.deepEqual(corsHeaders(response), { vary: "Accept" });
  });
});

Deno.test("graphqlHandler with a list of CORS origins", async (t) => {
  const serve = handler({ cors: { origins: [APP, "http://localhost:5173"] } });

  await t.step("answers an allowed origin's preflight with 204 and the policy", async () => {
    const response = await serve(preflight(APP));
    assert.equal(response.status, 204);
    assert.equal(await response.text(), "");
    assert.deepEqual(corsHeaders(response), {
      "access-control-allow-origin": APP,
      "access-control-allow-methods": "GET, POST",
      "access-control-allow-headers": "content-type, accept",
      "access-control-max-age": "600",
      vary: "Origin",
    });
  });

  await t.step("refuses another origin's preflight with 403 and no CORS header", async () => {
    const response = await serve(preflight(EVIL));
    assert.equal(response.status, 403);
    assert.deepEqual(await response.json(), {
      errors: [{
        message: `Origin "${EVIL}" is not allowed to call this endpoint from a browser (CORS)`,
      }],
    });
    assert.deepEqual(corsHeaders(response), { vary: "Origin" });
  });

  await t.step("echoes an allowed origin on responses, with Vary: Accept, Origin", async () => {
    const response = await serve(post({ query: "{ hello }" }, { origin: APP }));
    assert.deepEqual(await response.json(), { data: { hello: "world" } });
    assert.deepEqual(corsHeaders(response), {
      "access-control-allow-origin": APP,
      vary: "Accept, Origin",
    });
  });

  await t.step("on errors and GET too", async () => {
    for (
      const request of [
        post({ query: "{ nope }" }, { origin: APP }),
        get("{ hello }", { origin: APP }),
        new Request(URL_, { method: "PUT", headers: { origin: APP } }),
      ]
    ) {
      const response = await serve(request);
      await response.body?.cancel();
      assert.equal(response.headers.get("access-control-allow-origin"), APP, request.method);
    }
  });

  await t.step("answers another origin, without CORS headers", async () => {
    const response = await serve(post({ query: "{ hello }" }, { origin: EVIL }));
    assert.equal(response.status, 200);
    await response.body?.cancel();
    assert.deepEqual(corsHeaders(response), { vary: "Accept, Origin" });
  });

  await t.step("says Vary: Origin to requests without an Origin", async () => {
    const response = await serve(post({ query: "{ hello }" }));
    await response.body?.cancel();
    assert.deepEqual(corsHeaders(response), { vary: "Accept, Origin" });
  });

  await t.step("answers OPTIONS that is not a preflight with 405", async () => {
    const response = await serve(new Request(URL_, { method: "OPTIONS" }));
    await response.body?.cancel();
    assert.equal(response.status, 405);
  });
});

Deno.test("graphqlHandler with CORS for every origin", async (t) => {
  const serve = handler({ cors: { origins: "*", exposeHeaders: ["X-Request-Id"] } });

  await t.step("sends * and no Vary: Origin", async () => {
    const response = await serve(post({ query: "{ hello }" }, { origin: EVIL }));
    await response.body?.cancel();
    assert.deepEqual(corsHeaders(response), {
      "access-control-allow-origin": "*",
      "access-control-expose-headers": "x-request-id",
      vary: "Accept",
    });
  });

  await t.step("answers preflights with *", async () => {
    const response = await serve(preflight("null"));
    assert.equal(response.status, 204);
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
  });
});

Deno.test("graphqlHandler with CORS credentials", async (t) => {
  const seen: string[] = [];
  const serve = handler({
    cors: {
      origins: (origin) => {
        seen.push(origin);
        return origin.endsWith(".example.com");
      },
      credentials: true,
      maxAge: 7200,
      allowHeaders: ["Authorization", "x-apollo-operation-name"],
      exposeHeaders: ["x-request-id"],
    },
  });

  await t.step("echoes the origin (never *) and allows credentials", async () => {
    const response = await serve(post({ query: "{ hello }" }, { origin: APP }));
    await response.body?.cancel();
    assert.deepEqual(corsHeaders(response), {
      "access-control-allow-origin": APP,
      "access-control-allow-credentials": "true",
      "access-control-expose-headers": "x-request-id",
      vary: "Accept, Origin",
    });
  });

  await t.step("answers the preflight with the configured headers and max age", async () => {
    const response = await serve(preflight(APP));
    assert.equal(response.status, 204);
    assert.deepEqual(corsHeaders(response), {
      "access-control-allow-origin": APP,
      "access-control-allow-methods": "GET, POST",
      "access-control-allow-headers":
        "content-type, accept, authorization, x-apollo-operation-name",
      "access-control-max-age": "7200",
      "access-control-allow-credentials": "true",
      vary: "Origin",
    });
  });

  await t.step("asks the function with the Origin as sent", async () => {
    const response = await serve(preflight(EVIL));
    await response.body?.cancel();
    assert.equal(response.status, 403);
    assert.deepEqual(seen, [APP, APP, EVIL]);
  });

  await t.step("refuses the origin, and logs, when the function throws", async () => {
    const logs: string[] = [];
    const throwing = handler({
      logger: (message) => logs.push(message),
      cors: {
        origins: () => {
          throw new Error("origin store down");
        },
      },
    });
    const response = await throwing(post({ query: "{ hello }" }, { origin: APP }));
    assert.equal(response.status, 200);
    await response.body?.cancel();
    assert.equal(response.headers.get("access-control-allow-origin"), null);
    assert.deepEqual(logs, [
      `GraphQL endpoint's "cors.origins" function failed for "${APP}"`,
    ]);
  });
});

Deno.test("graphqlHandler checks its cors and legacyJson options", async (t) => {
  const cases: [string, unknown, ErrorConstructor, string][] = [
    [
      "cors that is not an object",
      { cors: true },
      TypeError,
      'Cannot create the GraphQL handler: "cors" must be an object, got boolean true',
    ],
    [
      "origins missing",
      { cors: {} },
      TypeError,
      'Cannot create the GraphQL handler: "cors.origins" must be "*", an array of origins or a ' +
      "function, got undefined undefined",
    ],
    [
      "an origin with a path",
      { cors: { origins: ["https://app.example.com/"] } },
      RangeError,
      'Cannot create the GraphQL handler: "cors.origins" has "https://app.example.com/", which ' +
      "is not an origin as browsers send it: write the scheme, host and port only, in lower " +
      'case, with no path or trailing slash ("https://app.example.com")',
    ],
    [
      "an origin without a scheme",
      { cors: { origins: ["app.example.com"] } },
      RangeError,
      'Cannot create the GraphQL handler: "cors.origins" has "app.example.com", which is not ' +
      "an origin as browsers send it: write the scheme, host and port only, in lower case, " +
      "with no path or trailing slash",
    ],
    [
      "an empty list of origins",
      { cors: { origins: [] } },
      RangeError,
      'Cannot create the GraphQL handler: "cors.origins" is an empty list: list at least one ' +
      'origin, or leave "cors" out to answer no cross-origin request',
    ],
    [
      '"*" with credentials',
      { cors: { origins: "*", credentials: true } },
      RangeError,
      'Cannot create the GraphQL handler: "cors.origins" cannot be "*" with ' +
      '"cors.credentials": true, since every site could then send requests with its ' +
      "visitors' cookies and read the answers: list the origins, or pass a function that decides",
    ],
    [
      "credentials that are not a boolean",
      { cors: { origins: [APP], credentials: "yes" } },
      TypeError,
      'Cannot create the GraphQL handler: "cors.credentials" must be a boolean, got string "yes"',
    ],
    [
      "a negative maxAge",
      { cors: { origins: [APP], maxAge: -1 } },
      RangeError,
      'Cannot create the GraphQL handler: "cors.maxAge" must be a whole number of seconds at ' +
      "least 0, got -1",
    ],
    [
      "a header name with a space",
      { cors: { origins: [APP], allowHeaders: ["x request"] } },
      RangeError,
      'Cannot create the GraphQL handler: "cors.allowHeaders" has "x request", which is not a ' +
      "header name",
    ],
    [
      "an unknown member",
      { cors: { origins: [APP], allowedHeaders: ["x"] } },
      RangeError,
      'Cannot create the GraphQL handler: "cors" has an unknown member "allowedHeaders": it ' +
      'takes "origins", "credentials", "maxAge", "allowHeaders", "exposeHeaders"',
    ],
    [
      "legacyJson that is not a boolean",
      { legacyJson: "yes" },
      TypeError,
      'Cannot create the GraphQL handler: "legacyJson" must be a boolean, got string',
    ],
  ];
  for (const [what, options, type, message] of cases) {
    await t.step(`throws a ${type.name} for ${what}`, () => {
      assert.throws(
        () => graphqlHandler(schema, options as GraphQLHandlerOptions),
        (error: unknown) => {
          assert.ok(error instanceof type);
          assert.equal((error as Error).message, message);
          return true;
        },
      );
    });
  }

  await t.step("accepts a valid policy", () => {
    const cors: CorsOptions = {
      origins: [APP, "http://localhost:5173", "http://[::1]:8080"],
      credentials: true,
      maxAge: 0,
      allowHeaders: [],
      exposeHeaders: ["x-request-id"],
    };
    graphqlHandler(schema, { cors });
  });
});

// Extensions ------------------------------------------------------------------------------------

Deno.test("graphqlHandler passes a request's extensions to the context factory", async (t) => {
  const calls: { extensions?: { readonly [key: string]: unknown } }[] = [];
  const serve = handler({
    context: (_request, execution) => {
      calls.push(execution.extensions === undefined ? {} : { extensions: execution.extensions });
      return { client: String(execution.extensions?.client ?? "none") };
    },
  });

  await t.step("from a POST body", async () => {
    calls.length = 0;
    const response = await serve(post({ query: "{ client }", extensions: { client: "web" } }));
    assert.deepEqual(await response.json(), { data: { client: "web" } });
    assert.deepEqual(calls, [{ extensions: { client: "web" } }]);
  });

  await t.step("from the URL of a GET", async () => {
    calls.length = 0;
    const params = new URLSearchParams({
      query: "{ client }",
      extensions: JSON.stringify({ client: "ios" }),
    });
    const response = await serve(new Request(`${URL_}?${params}`));
    assert.deepEqual(await response.json(), { data: { client: "ios" } });
    assert.deepEqual(calls, [{ extensions: { client: "ios" } }]);
  });

  await t.step("absent when the request has none, as before", async () => {
    calls.length = 0;
    const response = await serve(post({ query: "{ client }", extensions: null }));
    assert.deepEqual(await response.json(), { data: { client: "none" } });
    assert.deepEqual(calls, [{}]);
  });

  await t.step("per request of a batch; those without share one context", async () => {
    calls.length = 0;
    const response = await serve(post([
      { query: "{ client }" },
      { query: "{ client }", extensions: { client: "a" } },
      { query: "{ client }" },
      { query: "{ client }", extensions: { client: "b" } },
    ]));
    assert.deepEqual(await response.json(), [
      { data: { client: "none" } },
      { data: { client: "a" } },
      { data: { client: "none" } },
      { data: { client: "b" } },
    ]);
    assert.deepEqual(calls, [{}, { extensions: { client: "a" } }, {
      extensions: { client: "b" },
    }]);
  });
});

Deno.test("graphqlHandler writes a response's extensions after errors and data", async (t) => {
  await t.step("as a Schema with explain gives them", async () => {
    const serve = handler({ explain: () => true });
    const text = await (await serve(post({ query: "{ hello }" }))).text();
    assert.deepEqual(Object.keys(JSON.parse(text)), ["data", "extensions"]);
    assert.ok(text.startsWith('{"data":{"hello":"world"},"extensions":{"explain":'), text);
  });

  await t.step("with errors: errors, data, extensions", async () => {
    const serve = handler({ explain: () => true });
    const body = await (await serve(post({ query: "{ hello broken }" }))).json();
    assert.deepEqual(Object.keys(body), ["errors", "data", "extensions"]);
  });

  await t.step("unchanged, whatever order another schema builds them in", async () => {
    const extensions = { tracing: { version: 1 }, cost: { requested: 3 } };
    const custom: ExecutableSchema = {
      execute: (_request: GraphQLRequest): Promise<GraphQLResponse> =>
        Promise.resolve({ extensions, data: { hello: "world" } }),
    };
    const response = await graphqlHandler(custom)(post({ query: "{ hello }" }));
    assert.equal(
      await response.text(),
      JSON.stringify({ data: { hello: "world" }, extensions }),
    );
  });
});
