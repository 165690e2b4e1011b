/**
 * The GraphQL-over-HTTP audit of npm:graphql-http (`serverAudits`) against examples/server.ts's
 * graph (the seed in PGlite) behind `graphqlHandler` on a real `Deno.serve`: the current draft by
 * default (no audit fails; its warnings and notices come from the older text's rules, which the
 * current draft dropped), and the older text with `legacyJson: true` (no audit fails or warns).
 *
 * @module
 */

import assert from "node:assert/strict";
import { type AuditResult, serverAudits } from "graphql-http";
import { AsyncExecutor, graphqlHandler, type GraphQLHandlerOptions, Schema } from "../mod.ts";
import { openDatabase } from "../sources/postgres.ts";
import { graph, PATH } from "../examples/server.ts";
import { PG, setUpDatabase } from "../examples/star_trek.ts";

/** The audits' results, by status, with the ids and reasons of those that are not ok. */
interface AuditSummary {
  readonly counts: { readonly [status: string]: number };
  readonly problems: readonly string[];
}

async function audit(options: GraphQLHandlerOptions): Promise<AuditSummary> {
  await using db = await openDatabase({ url: null });
  await setUpDatabase(db);
  const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
  const context = { [PG]: db };
  const handler = graphqlHandler(schema, { context: () => context, ...options });
  await using server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, handler);
  const url = `http://127.0.0.1:${server.addr.port}${PATH}`;
  const counts: { [status: string]: number } = {};
  const problems: string[] = [];
  for (const { fn } of serverAudits({ url, fetchFn: fetch })) {
    const result: AuditResult = await fn();
    counts[result.status] = (counts[result.status] ?? 0) + 1;
    if (result.status !== "ok") {
      problems.push(`${result.status} ${result.id} ${result.name}: ${result.reason}`);
      // A response the audit did not read would keep its connection, and the server, open.
      await result.response.body?.cancel();
    }
  }
  return { counts, problems };
}

Deno.test("the graphql-http audit finds no error by default", async () => {
  const { counts, problems } = await audit({});
  console.log(`default: ${JSON.stringify(counts)}`);
  assert.equal(counts.error ?? 0, 0, problems.join("\n"));
  assert.ok((counts.ok ?? 0) > 0);
});

Deno.test("the graphql-http audit finds no error and no warning with legacyJson", async () => {
  const { counts, problems } = await audit({ legacyJson: true });
  console.log(`legacyJson: ${JSON.stringify(counts)} (notices: ${counts.notice ?? 0})`);
  assert.equal(counts.error ?? 0, 0, problems.join("\n"));
  assert.equal(counts.warn ?? 0, 0, problems.join("\n"));
});
