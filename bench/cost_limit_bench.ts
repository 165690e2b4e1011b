/**
 * The cost limit against amplification: what the worst requests the default limits admit cost,
 * as CPU per HTTP request against the plain seed query, measured in the same run.
 *
 * The seed's server (examples/server.ts: its graph, the seed's data, one `graphqlHandler` with
 * every default) is called in this process with `Request` objects, so the figures are the
 * handler's own CPU (parsing JSON, the front end, execution, SQL through the driver, the response),
 * not the network's. Each request shape runs in rounds, alternating with the seed query, and its
 * process CPU per request (user + system, `process.cpuUsage`) is divided by the seed query's.
 *
 * The shapes: the amplification request of the faults issue (a batch of 10, each 14 aliases and 2
 * root fields at depth 10, through shared fragments), which `maxSpreadAliases` refuses (and the
 * cost limit past it), and the most
 * expensive requests found that it admits (many root lists in every request of a full batch; deep
 * chains). The run fails when an admitted request costs more than 20x the seed query, when the
 * amplification request is admitted, or when the seed queries are refused.
 *
 * ```sh
 * DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *   deno run -A --v8-flags=--expose-gc bench/cost_limit_bench.ts
 * deno run -A --v8-flags=--expose-gc bench/cost_limit_bench.ts      # PGlite
 * ```
 *
 * @module
 */

import process from "node:process";
import {
  AsyncExecutor,
  COST_BUDGET_DEFAULTS,
  estimateCost,
  graphqlHandler,
  read,
  Schema,
} from "../mod.ts";
import { openDatabase } from "../sources/postgres.ts";
import { graph } from "../examples/server.ts";
import { PG, setUpDatabase } from "../examples/star_trek.ts";

const ROUNDS = Number(Deno.env.get("COST_BENCH_ROUNDS") ?? "5");
const BAR = 20;

/** The amplification: depth 10, 15 aliases, 2 root fields, paths doubling per level. */
function amplification(): string {
  const fragments: string[] = [];
  let aliases = 2;
  for (let depth = 2; depth <= 10; depth++) {
    const [type, link] = depth % 2 === 0 ? ["Character", "actors"] : ["Actor", "character"];
    if (depth === 10) fragments.push(`fragment F${depth} on ${type} { name }`);
    else if (aliases + 2 <= 15) {
      const next = `{ ...F${depth + 1} }`;
      fragments.push(
        `fragment F${depth} on ${type} { name x: ${link} ${next} y: ${link} ${next} }`,
      );
      aliases += 2;
    } else fragments.push(`fragment F${depth} on ${type} { name ${link} { ...F${depth + 1} } }`);
  }
  return `{ a: characters { ...F2 } b: characters { ...F2 } }\n${fragments.join("\n")}`;
}

function aliased(count: number, selection: string): string {
  return `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${selection}`).join(" ")} }`;
}

const SEED = { query: "{ characters { name species actors { name } } }" };
const batch = (query: string) => Array.from({ length: 10 }, () => ({ query }));

interface Shape {
  readonly name: string;
  readonly body: unknown;
  readonly admitted: boolean;
}

const SHAPES: readonly Shape[] = [
  { name: "the seed query", body: SEED, admitted: true },
  { name: "a batch of 10 seed queries", body: batch(SEED.query), admitted: true },
  {
    name: "amplification: batch of 10 x 15 aliases, depth 10",
    body: batch(amplification()),
    admitted: false,
  },
  { name: "amplification, one request", body: { query: amplification() }, admitted: false },
  {
    name: "batch of 10 x 4 root lists of actors",
    body: batch(aliased(4, "actors { name }")),
    admitted: true,
  },
  {
    name: "batch of 10 x 4 root lists of characters",
    body: batch(aliased(4, "characters(limit: 1) { name }")),
    admitted: true,
  },
  {
    name: "15 root lists of actors and their characters",
    body: { query: aliased(15, "actors { name character { name } }") },
    admitted: true,
  },
  {
    name: "14 root lists of characters(limit: 1), actors, characters",
    body: {
      query: aliased(14, "characters(limit: 1) { name actors { name character { name } } }"),
    },
    admitted: true,
  },
  {
    name: "a chain: actors, character, actors, character, actors",
    body: { query: "{ actors { character { actors { character { actors { name } } } } } }" },
    admitted: true,
  },
];

await using db = await openDatabase({
  schema: `hiku_cost_bench_${crypto.randomUUID().slice(0, 8)}`,
  dropSchemaOnClose: true,
});
await setUpDatabase(db);
const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
const context = { [PG]: db };
const handler = graphqlHandler(schema, { context: () => context });

async function send(body: unknown): Promise<{ status: number; text: string }> {
  const response = await handler(
    new Request("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
    }),
  );
  return { status: response.status, text: await response.text() };
}

/** Refused by a limit: the cost limit, or `maxSpreadAliases` before it (each request of a batch). */
function refused(status: number, text: string): boolean {
  return status === 422 || text.includes('"COST_LIMIT"') ||
    text.includes("aliases once its fragments are spread");
}

const gc = (globalThis as { gc?: () => void }).gc;

async function cpuPerRequest(body: unknown, count: number): Promise<number> {
  gc?.();
  const before = process.cpuUsage();
  for (let i = 0; i < count; i++) await send(body);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

const failures: string[] = [];
const estimates = new Map<string, number>();
for (const shape of SHAPES) {
  const { status, text } = await send(shape.body);
  const wasRefused = refused(status, text);
  if (wasRefused === shape.admitted) {
    failures.push(
      `${shape.name}: ${shape.admitted ? "refused" : "admitted"} (${status}) ${text.slice(0, 200)}`,
    );
  }
}

const samples = new Map<string, number[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const shape of SHAPES) {
    const count = Array.isArray(shape.body) ? 30 : 100;
    for (let i = 0; i < 3; i++) await send(shape.body); // warm
    const seed = await cpuPerRequest(SEED, 200);
    const cost = await cpuPerRequest(shape.body, count);
    const list = samples.get(shape.name) ?? [];
    list.push(cost / seed);
    samples.set(shape.name, list);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
for (const shape of SHAPES) {
  const bodies = Array.isArray(shape.body) ? shape.body : [shape.body];
  let cost = 0;
  for (const body of bodies) {
    const query = (body as { query: string }).query;
    cost += estimateCost(graph, read(query), {}, COST_BUDGET_DEFAULTS).cost;
  }
  estimates.set(shape.name, cost);
}
console.log(
  `Cost limit (${db.target}): CPU per HTTP request against the seed query, median of ${ROUNDS} rounds`,
);
for (const shape of SHAPES) {
  const ratio = median(samples.get(shape.name)!);
  const verdict = shape.admitted ? "admitted" : "refused";
  const estimate = estimates.get(shape.name)!.toLocaleString("en-US");
  console.log(
    `  ${shape.name.padEnd(60)} ${verdict.padEnd(9)} ${ratio.toFixed(1).padStart(5)}x   ` +
      `estimate ${estimate}`,
  );
  if (shape.admitted && ratio > BAR) {
    failures.push(`${shape.name} costs ${ratio.toFixed(1)}x the seed query`);
  }
}
if (failures.length > 0) {
  console.error(`FAILED:\n  ${failures.join("\n  ")}`);
  Deno.exitCode = 1;
}
