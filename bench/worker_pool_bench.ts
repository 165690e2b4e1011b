/**
 * W3: the worker pool against the async executor, on the same graph and queries, in one run.
 *
 * - "cpu-bound": `{ items(count: 100000) { score } }`, where `score` costs ~20 us per id (a hash
 *   iterated a number of rounds calibrated at startup). Bar: the pool at least 1.7x faster on 2
 *   cores.
 * - "cheap": `{ items(count: 100000) { cheap } }`, one multiplication per id. Bar: the pool no
 *   more than 1.1x slower.
 * - "cheap, shipped": the same, on a second pool that sends every large batch to its workers
 *   (`inlineCostPerId: 0`): what the trip to a worker and back costs (no bar; printed only).
 *
 * The workers are `node:worker_threads` Workers whose heaps are bounded (`maxWorkerHeapMb`, its
 * default): these figures include what the bound costs.
 *
 * Each sample is `engine.execute` plus `denormalize`. Both executors' results are checked equal
 * before anything is timed. Run with `deno task bench bench/worker_pool_bench.ts` (which passes
 * `--v8-flags=--expose-gc`, so each sample starts after a full garbage collection and does not pay
 * for the garbage of the one before) or `deno bench -A bench/worker_pool_bench.ts`. The load
 * average is printed: other processes on the machine take cores from the pool first.
 *
 * @module
 */

import assert from "node:assert/strict";
import { AsyncExecutor, denormalize, Engine, read } from "../mod.ts";
import type { QueryNode } from "../mod.ts";
import { WorkerPoolExecutor } from "../executors/worker_pool.ts";
import { graph, scoreOf } from "./_worker_pool_graph.ts";

const IDS = 100_000;
const TARGET_US = 20;

function calibrate(): { rounds: number; us: number } {
  let rounds = 1000;
  let us = 0;
  for (let attempt = 0; attempt < 5; attempt++) {
    const start = performance.now();
    let sink = 0;
    for (let id = 1; id <= 2000; id++) sink ^= scoreOf(id, rounds);
    us = ((performance.now() - start) * 1000) / 2000;
    if (sink === -1) console.log(sink);
    rounds = Math.max(1, Math.round((rounds * TARGET_US) / us));
  }
  return { rounds, us };
}

const { rounds } = calibrate();
const ctx = { rounds };
const cpuQuery: QueryNode = read(`{ items(count: ${IDS}) { score } }`);
const cheapQuery: QueryNode = read(`{ items(count: ${IDS}) { cheap } }`);

const module = new URL("./_worker_pool_graph.ts", import.meta.url);
const pool = new WorkerPoolExecutor({ module });
const shipping = new WorkerPoolExecutor({ module, inlineCostPerId: 0 });
await Promise.all([pool.ready(), shipping.ready()]);
const engines = {
  async: new Engine(new AsyncExecutor()),
  pool: new Engine(pool),
  shipped: new Engine(shipping),
};

async function run(engine: Engine, query: QueryNode): Promise<unknown> {
  return denormalize(graph, await engine.execute(graph, query, ctx));
}

for (const query of [cpuQuery, cheapQuery]) {
  assert.deepEqual(await run(engines.pool, query), await run(engines.async, query));
}
assert.deepEqual(await run(engines.shipped, cheapQuery), await run(engines.async, cheapQuery));
console.log(
  `W3: ${IDS} ids, pool size ${pool.size}, shard size ${pool.shardSizeFor(IDS)}, ` +
    `score: ${rounds} rounds (~${TARGET_US} us per id), results checked equal, ` +
    `worker heaps bounded at ${pool.maxWorkerHeapMb} MB; ` +
    `load average ${Deno.loadavg()[0]!.toFixed(2)} on ${navigator.hardwareConcurrency} cores`,
);

const gc = (globalThis as { gc?: () => void }).gc;

// Deno.bench times each contender in one stretch, so a process that starts or stops on the
// machine meanwhile favours one of them. Pairs run back to back, in alternating order, do not.
async function paired(
  group: string,
  query: QueryNode,
  pairs: number,
  pooled: Engine = engines.pool,
): Promise<void> {
  const times = { async: [] as number[], pool: [] as number[] };
  const contenders = { async: engines.async, pool: pooled };
  for (let i = 0; i < pairs; i++) {
    for (const name of i % 2 === 0 ? ["async", "pool"] as const : ["pool", "async"] as const) {
      gc?.();
      const start = performance.now();
      await run(contenders[name], query);
      times[name].push(performance.now() - start);
    }
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;
  const [a, p] = [median(times.async), median(times.pool)];
  console.log(
    `${group}, ${pairs} alternating pairs, medians: AsyncExecutor ${a.toFixed(1)} ms, ` +
      `WorkerPoolExecutor ${p.toFixed(1)} ms: the pool is ${
        p < a ? `${(a / p).toFixed(2)}x faster` : `${(p / a).toFixed(2)}x slower`
      }`,
  );
}
await paired("cpu-bound", cpuQuery, 3);
await paired("cheap", cheapQuery, 40);
await paired("cheap, shipped", cheapQuery, 20, engines.shipped);

/** One sample: a full collection first (when exposed), then the timed query. */
function sample(engine: Engine, query: QueryNode) {
  return async (b: Deno.BenchContext): Promise<void> => {
    gc?.();
    b.start();
    await run(engine, query);
    b.end();
  };
}

Deno.bench({
  name: "AsyncExecutor",
  group: "cpu-bound",
  baseline: true,
  n: 5,
  warmup: 1,
  fn: sample(engines.async, cpuQuery),
});

Deno.bench({
  name: "WorkerPoolExecutor",
  group: "cpu-bound",
  n: 10,
  warmup: 2,
  fn: sample(engines.pool, cpuQuery),
});

Deno.bench({
  name: "AsyncExecutor",
  group: "cheap",
  baseline: true,
  fn: sample(engines.async, cheapQuery),
});

Deno.bench({
  name: "WorkerPoolExecutor",
  group: "cheap",
  fn: sample(engines.pool, cheapQuery),
});
