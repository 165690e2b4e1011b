/**
 * A CPU-heavy field served through the worker pool.
 *
 * Each starship's warp signature is its registry hashed 5,000 times with a substitution table
 * (~20 us per ship): 50,000 ships take about a second on one core. With a `WorkerPoolExecutor`,
 * the `signature` batch is split into shards that every worker computes at once; the cheap `name`
 * and `registry` fields stay on the main thread, where shipping them would cost more than
 * computing them.
 *
 * This file is both the program (`deno run -A examples/worker_pool.ts`) and the graph module the
 * pool's workers import: it exports `graph`, and `createContext`, which builds each thread's own
 * substitution table once, the way a real module would open a database connection.
 *
 * @module
 */

import {
  AsyncExecutor,
  denormalize,
  Engine,
  Field,
  Graph,
  Int,
  Link,
  Node,
  Option,
} from "../mod.ts";
import { passContext, read, Root, Sequence, Str, TypeRef } from "../mod.ts";
import type { Context, QueryField } from "../mod.ts";
import { WorkerPoolExecutor } from "../executors/worker_pool.ts";

const ROUNDS = 5000;
const CLASSES = ["Constitution", "Miranda", "Excelsior", "Galaxy", "Intrepid", "Defiant"];

/** What each thread's context holds: a substitution table for the signature hash. */
export interface ShipyardContext {
  readonly table: Uint32Array;
}

/**
 * Builds this thread's substitution table (called once per worker, and once on the main thread).
 *
 * @returns The context.
 */
export function createContext(): ShipyardContext {
  const table = new Uint32Array(256);
  let seed = 1701;
  for (let i = 0; i < 256; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    table[i] = seed;
  }
  return { table };
}

function registryOf(id: number): string {
  return `NCC-${1700 + id}`;
}

function shipFields(fields: readonly QueryField[], ids: readonly number[]): unknown[][] {
  const out: unknown[][] = new Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const row = new Array(fields.length);
    for (let f = 0; f < fields.length; f++) {
      const name = fields[f]!.name;
      row[f] = name === "id"
        ? id
        : name === "registry"
        ? registryOf(id)
        : `USS ${CLASSES[id % CLASSES.length]} ${id}`;
    }
    out[i] = row;
  }
  return out;
}

function signatureOf(registry: string, table: Uint32Array): string {
  let h = 2166136261;
  for (let c = 0; c < registry.length; c++) h = Math.imul(h ^ registry.charCodeAt(c), 16777619);
  for (let r = 0; r < ROUNDS; r++) h = Math.imul(h ^ table[(h ^ r) & 255]!, 16777619) >>> 0;
  return h.toString(16).padStart(8, "0");
}

const signature = passContext(
  (ctx: ShipyardContext, _fields: readonly QueryField[], ids: readonly number[]): string[][] => {
    const out: string[][] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = [signatureOf(registryOf(ids[i]!), ctx.table)];
    return out;
  },
);

/** The graph: `ships(count)` and, per ship, cheap fields and the costly `signature`. */
export const graph: Graph = Graph([
  Node("Starship", [
    Field("id", Int, shipFields),
    Field("registry", Str, shipFields),
    Field("name", Str, shipFields),
    Field("signature", Str, signature),
  ]),
  Root([
    Link(
      "ships",
      Sequence(TypeRef("Starship")),
      (options: { count: number }) => Array.from({ length: options.count }, (_, i) => i + 1),
      { requires: null, options: [Option("count", Int)] },
    ),
  ]),
]);

/** One starship in the result. */
export interface Starship {
  readonly id: number;
  readonly registry: string;
  readonly name: string;
  readonly signature: string;
}

/**
 * Runs the query with the async executor and with a worker pool, checks that they agree, and
 * reports how long each took.
 *
 * @param count How many ships.
 * @returns The first three ships, and the milliseconds each executor took.
 */
export async function main(
  count: number,
): Promise<{ ships: Starship[]; asyncMs: number; poolMs: number; workers: number }> {
  const query = read(`{ ships(count: ${count}) { id registry name signature } }`);
  const run = async (engine: Engine, ctx: Context) => {
    const start = performance.now();
    const result = denormalize(graph, await engine.execute(graph, query, ctx)) as {
      ships: Starship[];
    };
    return { ships: result.ships, ms: performance.now() - start };
  };
  // The async executor's loaders see only the context given to execute; the pool merges that over
  // the context each thread made with createContext, so here it needs none.
  const inline = await run(new Engine(new AsyncExecutor()), { ...createContext() });
  await using pool = new WorkerPoolExecutor({ module: new URL(import.meta.url) });
  await pool.ready();
  const pooled = await run(new Engine(pool), {});
  if (JSON.stringify(pooled.ships) !== JSON.stringify(inline.ships)) {
    throw new Error("The pool and the async executor disagree");
  }
  return {
    ships: pooled.ships.slice(0, 3),
    asyncMs: inline.ms,
    poolMs: pooled.ms,
    workers: pool.size,
  };
}

if (import.meta.main) {
  const count = 50_000;
  const { ships, asyncMs, poolMs, workers } = await main(count);
  console.log(ships);
  console.log(
    `${count} signatures: AsyncExecutor ${asyncMs.toFixed(0)} ms, ` +
      `WorkerPoolExecutor (${workers} workers) ${poolMs.toFixed(0)} ms`,
  );
}
