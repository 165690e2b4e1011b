/**
 * A GraphQL server whose automatic persisted queries live in Redis, for the test of two
 * processes sharing registrations: listens on a free port of 127.0.0.1 and prints
 * `listening <port>` on stdout. The key prefix comes from `HIKU_APQ_PREFIX`; SIGTERM stops it.
 *
 * @module
 */

import { createClient } from "redis";
import {
  AsyncExecutor,
  Field,
  Graph,
  graphqlHandler,
  RedisPersistedQueryStore,
  Root,
  Schema,
  Str,
} from "../../mod.ts";

const prefix = Deno.env.get("HIKU_APQ_PREFIX");
if (prefix === undefined) throw new Error("HIKU_APQ_PREFIX is not set");
const redis = createClient({ url: Deno.env.get("REDIS_URL") ?? "redis://127.0.0.1:6379" });
redis.on("error", (error: unknown) => console.error("redis:", error));
await redis.connect();

const graph = Graph([
  Root([Field("hello", Str, (fields: unknown[]) => fields.map(() => `hello from ${Deno.pid}`))]),
]);
const handler = graphqlHandler(new Schema({ query: graph, executor: new AsyncExecutor() }), {
  persistedQueries: {
    store: new RedisPersistedQueryStore(redis, { prefix, ttlSeconds: 600 }),
    cacheControl: "public, max-age=60",
  },
});
const server = Deno.serve({
  port: 0,
  hostname: "127.0.0.1",
  onListen({ port }) {
    console.log(`listening ${port}`);
  },
}, handler);

Deno.addSignalListener("SIGTERM", async () => {
  await server.shutdown();
  await redis.close();
  Deno.exit(0);
});
