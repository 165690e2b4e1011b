/**
 * A GraphQL endpoint as a plain `export default { fetch }` module, which `deno serve` runs (and
 * Cloudflare Workers, Bun and others take as they are): a small in-memory graph with a query and
 * a mutation, behind `graphqlHandler` with CORS for one origin. tests/http_frameworks_test.ts
 * serves the same handler through Hono and `Deno.serve` too.
 *
 * ```sh
 * deno serve --port 0 tests/support/fetch_export.ts
 * ```
 *
 * @module
 */

import {
  AsyncExecutor,
  Field,
  Graph,
  graphqlHandler,
  Int,
  MutationGraph,
  Option,
  type QueryField,
  Root,
  Schema,
  Str,
} from "../../mod.ts";

/** The origin whose pages may call the endpoint. */
export const APP_ORIGIN = "https://app.example.com";

const greetings: string[] = [];

const graph = Graph([
  Root([
    Field("hello", Str, (fields: readonly QueryField[]) => fields.map(() => "world")),
    Field("greetings", Int, (fields: readonly QueryField[]) => fields.map(() => greetings.length)),
  ]),
]);

const mutation = MutationGraph(
  graph,
  Root([
    Field(
      "greet",
      Str,
      (fields: readonly QueryField[]) =>
        fields.map((field) => {
          const name = String(field.options?.name);
          greetings.push(name);
          return `Hello, ${name}!`;
        }),
      { options: [Option("name", Str)] },
    ),
  ]),
);

/** The schema served. */
export const schema: Schema = new Schema({ query: graph, mutation, executor: new AsyncExecutor() });

/** The endpoint: the handler every framework in the tests mounts. */
export const graphql: (request: Request) => Promise<Response> = graphqlHandler(schema, {
  cors: { origins: [APP_ORIGIN] },
});

/** The module `deno serve` runs. */
export default { fetch: graphql } satisfies Deno.ServeDefaultExport;
