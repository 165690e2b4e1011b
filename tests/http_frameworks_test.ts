/**
 * graphqlHandler inside the ways a Deno server is written, each on a real port: Hono (npm:hono,
 * `app.all("/graphql", (c) => graphql(c.req.raw))`), `Deno.serve` with a router of one's own, and
 * a plain `export default { fetch }` module run by `deno serve` (tests/support/fetch_export.ts).
 * Through each: a query and a mutation over POST, a query over GET, a validation error (422), and
 * a CORS preflight.
 *
 * Oak is not among them: it is published on JSR and deno.land/x only (npm's `oak` is another
 * project, and `@oak/oak` is not on npm), and this repository installs from npm only. Oak's
 * `ctx.request.source` is the Fetch `Request` and `ctx.response.with(response)` takes a
 * `Response`, so the adapter is the same one line as Hono's.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Hono } from "hono";
import { APP_ORIGIN, graphql } from "./support/fetch_export.ts";

const ROOT = new URL("..", import.meta.url);
const FETCH_EXPORT = new URL("./support/fetch_export.ts", import.meta.url);

/** A running server: where its endpoint is, and how to stop it. */
interface Running {
  readonly url: string;
  stop(): Promise<void>;
}

function denoServe(handler: (request: Request) => Response | Promise<Response>): Running {
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, handler);
  return {
    url: `http://127.0.0.1:${server.addr.port}/graphql`,
    stop: () => server.shutdown(),
  };
}

function hono(): Running {
  const app = new Hono();
  app.get("/", (c) => c.text("home"));
  app.all("/graphql", (c) => graphql(c.req.raw));
  return denoServe(app.fetch);
}

function plainDenoServe(): Running {
  return denoServe((request) =>
    new URL(request.url).pathname === "/graphql"
      ? graphql(request)
      : new Response("Not found", { status: 404 })
  );
}

/** `deno serve` on the `export default { fetch }` module, in a child process. */
async function fetchExport(): Promise<Running> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["serve", "--allow-all", "--port", "0", "--host", "127.0.0.1", FETCH_EXPORT.href],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const lines = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let stderr = "";
  let url: string | null = null;
  while (url === null) {
    const { done, value } = await lines.read();
    if (done) {
      await child.status;
      throw new Error(`deno serve exited before listening: ${stderr}`);
    }
    stderr += value;
    url = /Listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(stderr)?.[1] ?? null;
  }
  const drained = (async () => {
    while (!(await lines.read()).done) { /* keep the pipe flowing */ }
  })();
  return {
    url: `${url}/graphql`,
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
      await drained;
    },
  };
}

const ACCEPT = "application/graphql-response+json, application/json;q=0.9";
const GRAPHQL_JSON = "application/graphql-response+json; charset=utf-8";

async function post(url: string, body: unknown): Promise<Response> {
  return await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: ACCEPT },
    body: JSON.stringify(body),
  });
}

const SERVERS: readonly [string, () => Running | Promise<Running>][] = [
  ["Hono (npm:hono) on Deno.serve", hono],
  ["Deno.serve with a router", plainDenoServe],
  ["export default { fetch } run by deno serve", fetchExport],
];

for (const [name, start] of SERVERS) {
  Deno.test(`graphqlHandler serves GraphQL through ${name}`, async (t) => {
    const server = await start();
    try {
      await t.step("a query over POST: 200", async () => {
        const response = await post(server.url, { query: "{ hello }" });
        assert.equal(response.status, 200);
        assert.equal(response.headers.get("content-type"), GRAPHQL_JSON);
        assert.deepEqual(await response.json(), { data: { hello: "world" } });
      });

      await t.step("a mutation over POST: 200, and it ran", async () => {
        const before = await (await post(server.url, { query: "{ greetings }" })).json();
        const response = await post(server.url, {
          query: "mutation Greet($name: String!) { greet(name: $name) }",
          variables: { name: "Spock" },
          operationName: "Greet",
        });
        assert.equal(response.status, 200);
        assert.deepEqual(await response.json(), { data: { greet: "Hello, Spock!" } });
        const after = await (await post(server.url, { query: "{ greetings }" })).json();
        assert.equal(after.data.greetings, before.data.greetings + 1);
      });

      await t.step("a query over GET: 200", async () => {
        const response = await fetch(`${server.url}?query=${encodeURIComponent("{ hello }")}`, {
          headers: { accept: ACCEPT },
        });
        assert.equal(response.status, 200);
        assert.equal(response.headers.get("vary"), "Accept, Origin");
        assert.deepEqual(await response.json(), { data: { hello: "world" } });
      });

      await t.step("a mutation over GET: 405", async () => {
        const query = encodeURIComponent('mutation { greet(name: "Kirk") }');
        const response = await fetch(`${server.url}?query=${query}`, {
          headers: { accept: ACCEPT },
        });
        assert.equal(response.status, 405);
        assert.equal(response.headers.get("allow"), "POST");
        await response.body?.cancel();
      });

      await t.step("a validation error: 422 with the errors", async () => {
        const response = await post(server.url, { query: "{ nope }" });
        assert.equal(response.status, 422);
        assert.equal(response.headers.get("content-type"), GRAPHQL_JSON);
        assert.deepEqual(await response.json(), {
          errors: [{
            message: 'Cannot query field "nope" on type "Query".',
            locations: [{ line: 1, column: 3 }],
          }],
        });
      });

      await t.step("a CORS preflight from the allowed origin: 204", async () => {
        const response = await fetch(server.url, {
          method: "OPTIONS",
          headers: { origin: APP_ORIGIN, "access-control-request-method": "POST" },
        });
        assert.equal(response.status, 204);
        assert.equal(response.headers.get("access-control-allow-origin"), APP_ORIGIN);
        assert.equal(response.headers.get("access-control-allow-methods"), "GET, POST");
        await response.body?.cancel();
      });
    } finally {
      await server.stop();
    }
  });
}
