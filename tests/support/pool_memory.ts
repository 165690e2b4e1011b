/**
 * Run by tests/worker_pool_test.ts in a process of its own (`deno run -A`), so that a heap bound
 * that failed would end this process, not the test runner: a pool whose workers may hold 64 MB
 * runs loaders that allocate without bound (in their synchronous part, then after an `await`),
 * then a plain query, and prints one JSON line for each outcome, then the worker threads still
 * running once the pool is closed.
 *
 * @module
 */

import { denormalize, Engine, LoaderError, read } from "../../mod.ts";
import { WorkerPoolExecutor } from "../../executors/worker_pool.ts";
import { runningThreads } from "../../executors/_pool_census.ts";
import { graph } from "./pool_fixtures.ts";

/** The heap limit of the pool's workers, in megabytes. */
export const LIMIT_MB = 64;

async function outcome(engine: Engine, query: string): Promise<unknown> {
  try {
    return { data: denormalize(graph, await engine.execute(graph, read(query))) };
  } catch (error) {
    if (!(error instanceof LoaderError)) throw error;
    const cause = error.cause as Error & { node?: string; member?: string; limitMb?: number };
    return {
      error: error.message,
      cause: cause.name,
      node: cause.node,
      member: cause.member,
      limitMb: cause.limitMb,
    };
  }
}

if (import.meta.main) {
  const pool = new WorkerPoolExecutor({
    module: new URL("./pool_fixtures.ts", import.meta.url),
    size: 1,
    inlineThreshold: 0,
    inlineCostPerId: 0,
    inlineUnbatched: false,
    maxWorkerHeapMb: LIMIT_MB,
  });
  const engine = new Engine(pool);
  for (
    const query of [
      "{ where(count: 2) { hoard } }",
      "{ where(count: 2) { hoardLater } }",
      "{ where(count: 3) { double thread } }",
    ]
  ) {
    console.log(JSON.stringify(await outcome(engine, query)));
  }
  await pool.close();
  console.log(JSON.stringify({ runningThreads: runningThreads() }));
}
