/**
 * Runs examples/server.ts as a user would (`deno run -A`, on a free port), talks to it with
 * `fetch` (the seed's queries over POST and GET, GraphiQL, a client's introspection round trip
 * through graphql-js), then stops it with SIGTERM and checks that it shut down cleanly.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  buildClientSchema,
  getIntrospectionQuery,
  type IntrospectionQuery,
  printSchema,
} from "graphql";
import { AsyncExecutor, Schema } from "../mod.ts";
import { graph } from "../examples/server.ts";

const DATABASE_URL = Deno.env.get("DATABASE_URL") ?? null;
const ROOT = new URL("..", import.meta.url);
const EXAMPLE = new URL("../examples/server.ts", import.meta.url);
const ACCEPT = "application/graphql-response+json, application/json;q=0.9";

/** The example, started, with the URL it printed once it listened. */
interface Started {
  readonly child: Deno.ChildProcess;
  readonly url: string;
  /** Everything the child writes to stdout and stderr, once it has exited. */
  readonly output: Promise<{ stdout: string; stderr: string }>;
}

async function start(databaseUrl: string): Promise<Started> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", EXAMPLE.href],
    cwd: ROOT,
    env: { PORT: "0", DATABASE_URL: databaseUrl, NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let stdout = "";
  let url: string | null = null;
  while (url === null) {
    const { done, value } = await lines.read();
    if (done) {
      await child.status;
      throw new Error(`examples/server.ts exited before listening: ${stdout}${await stderr}`);
    }
    stdout += value;
    url = /^Listening on (http:\/\/127\.0\.0\.1:\d+\/graphql)$/m.exec(stdout)?.[1] ?? null;
  }
  const output = (async () => {
    for (;;) {
      const { done, value } = await lines.read();
      if (done) break;
      stdout += value;
    }
    return { stdout, stderr: await stderr };
  })();
  return { child, url, output };
}

async function graphql(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: ACCEPT },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

async function serveAndStop(
  t: Deno.TestContext,
  databaseUrl: string,
  using: RegExp,
): Promise<void> {
  const { child, url, output } = await start(databaseUrl);
  try {
    await t.step("POST: the seed's first query", async () => {
      assert.deepEqual(await graphql(url, { query: "{ characters { name actors { name } } }" }), {
        status: 200,
        json: {
          data: {
            characters: [
              {
                name: "James T. Kirk",
                actors: [{ name: "William Shatner" }, { name: "Chris Pine" }],
              },
              { name: "Spock", actors: [{ name: "Leonard Nimoy" }, { name: "Zachary Quinto" }] },
              {
                name: "Leonard McCoy",
                actors: [{ name: "DeForest Kelley" }, { name: "Karl Urban" }],
              },
            ],
          },
        },
      });
    });

    await t.step("GET: the seed's second query", async () => {
      const query = new URLSearchParams({ query: "{ actors { name character { name } } }" });
      const response = await fetch(`${url}?${query}`, { headers: { accept: ACCEPT } });
      assert.equal(response.status, 200);
      assert.equal(
        response.headers.get("content-type"),
        "application/graphql-response+json; charset=utf-8",
      );
      assert.deepEqual(await response.json(), {
        data: {
          actors: [
            { name: "William Shatner", character: { name: "James T. Kirk" } },
            { name: "Leonard Nimoy", character: { name: "Spock" } },
            { name: "DeForest Kelley", character: { name: "Leonard McCoy" } },
            { name: "Chris Pine", character: { name: "James T. Kirk" } },
            { name: "Zachary Quinto", character: { name: "Spock" } },
            { name: "Karl Urban", character: { name: "Leonard McCoy" } },
          ],
        },
      });
    });

    await t.step("introspection: a client rebuilds the schema's SDL", async () => {
      const { status, json } = await graphql(url, { query: getIntrospectionQuery() });
      assert.equal(status, 200);
      const client = buildClientSchema((json as { data: IntrospectionQuery }).data);
      const expected = new Schema({ query: graph, executor: new AsyncExecutor() }).sdl;
      assert.equal(printSchema(client), expected);
    });

    await t.step("a validation error, and GraphiQL for a browser", async () => {
      assert.deepEqual(await graphql(url, { query: "{ starships { name } }" }), {
        status: 422,
        json: {
          errors: [{
            message: 'Cannot query field "starships" on type "Query".',
            locations: [{ line: 1, column: 3 }],
          }],
        },
      });
      const page = await fetch(url, { headers: { accept: "text/html" } });
      assert.equal(page.status, 200);
      assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
      assert.match(await page.text(), /<title>GraphiQL<\/title>/);
    });

    await t.step("other paths are 404", async () => {
      const response = await fetch(new URL("/", url));
      assert.equal(response.status, 404);
      assert.equal(await response.text(), "Not found: the GraphQL endpoint is /graphql\n");
    });
  } finally {
    child.kill("SIGTERM");
    const status = await child.status;
    const { stdout, stderr } = await output;
    assert.equal(status.code, 0, stderr);
    assert.match(stdout, /\nStopped\n$/);
    assert.match(stderr, using);
  }
}

Deno.test(
  "examples/server.ts serves the seed's graph over HTTP and stops on SIGTERM, on the embedded default",
  (t) => serveAndStop(t, "", /^Using PGlite \(in-process, in memory\)$/m),
);

Deno.test({
  name:
    "examples/server.ts serves the seed's graph over HTTP and stops on SIGTERM, on the server " +
    "at DATABASE_URL" +
    (DATABASE_URL === null ? " (set DATABASE_URL to a PostgreSQL server to run)" : ""),
  ignore: DATABASE_URL === null,
  fn: (t) => serveAndStop(t, DATABASE_URL!, /^Using postgres:\/\//m),
});
