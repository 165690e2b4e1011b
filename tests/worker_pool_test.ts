import assert from "node:assert/strict";
import {
  AsyncExecutor,
  ContextKeyError,
  denormalize,
  Engine,
  ExecutionAbortedError,
  ExecutorError,
  graphqlHandler,
  LoaderError,
  LoaderShapeError,
  Nothing,
  read,
  SafeError,
  Schema,
} from "../mod.ts";
import type { Context } from "../mod.ts";
import {
  UncloneableResultError,
  WorkerMemoryError,
  WorkerPoolExecutor,
  type WorkerPoolOptions,
} from "../executors/worker_pool.ts";
import { runningThreads } from "../executors/_pool_census.ts";
import {
  newStats,
  placeBatch,
  recordRun,
  shardSizeFor,
  stitch,
} from "../executors/_pool_placement.ts";
import {
  decodeResult,
  encodeResult,
  memberLoader,
  uncloneableResult,
} from "../executors/_pool_protocol.ts";
import { executorSuite } from "./support/executor_suite.ts";
import { graph as starTrek } from "./support/star_trek.ts";
import { DISPOSE_LOG, graph } from "./support/pool_fixtures.ts";
import { LIMIT_MB } from "./support/pool_memory.ts";
import { poolModule } from "./support/pool_star_trek_pg.ts";
import { main } from "../examples/worker_pool.ts";
import { graph as seedGraph, QUERIES, setUpDatabase } from "../examples/star_trek.ts";
import { openDatabase } from "../sources/postgres.ts";

const STAR_TREK = new URL("./support/star_trek.ts", import.meta.url);
const FIXTURES = new URL("./support/pool_fixtures.ts", import.meta.url);

/** Every load in a worker: no threshold, no timing, root calls too. */
const ALL_IN_WORKERS = { inlineThreshold: 0, inlineCostPerId: 0, inlineUnbatched: false } as const;

executorSuite({
  name: "WorkerPoolExecutor",
  open() {
    const pool = new WorkerPoolExecutor({ module: STAR_TREK, size: 2 });
    return Promise.resolve({ engine: new Engine(pool), close: () => pool.close() });
  },
});

executorSuite({
  name: "WorkerPoolExecutor (every load in a worker)",
  open() {
    const pool = new WorkerPoolExecutor({ module: STAR_TREK, size: 2, ...ALL_IN_WORKERS });
    return Promise.resolve({ engine: new Engine(pool), close: () => pool.close() });
  },
});

executorSuite({
  name: "WorkerPoolExecutor (one-id shards)",
  open() {
    const pool = new WorkerPoolExecutor({
      module: STAR_TREK,
      size: 2,
      ...ALL_IN_WORKERS,
      shardSize: 1,
    });
    return Promise.resolve({ engine: new Engine(pool), close: () => pool.close() });
  },
  skip: {
    "reports a field loader returning too few rows":
      "each one-id shard returns no rows, so the engine gets 0 rows, not 1; " +
      "'reports a shard that returns too few rows as the engine's shape error' covers it",
  },
});

async function withPool(
  options: Partial<WorkerPoolOptions>,
  body: (engine: Engine, pool: WorkerPoolExecutor) => Promise<void>,
): Promise<void> {
  const pool = new WorkerPoolExecutor({ module: FIXTURES, size: 2, ...options });
  try {
    await body(new Engine(pool), pool);
  } finally {
    await pool.close();
  }
}

async function run(engine: Engine, query: string, ctx?: Context): Promise<unknown> {
  return denormalize(graph, await engine.execute(graph, read(query), ctx));
}

/** What `execute` rejected with, once checked to be a LoaderError: its cause. */
async function loaderErrorCause(promise: Promise<unknown>, message: string): Promise<unknown> {
  let cause: unknown;
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof LoaderError);
    assert.equal(error.message, message);
    cause = error.cause;
    return true;
  });
  return cause;
}

function ids(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

Deno.test("WorkerPoolExecutor shards a large batch into contiguous ranges and stitches results in order", async () => {
  await withPool({ ...ALL_IN_WORKERS, shardSize: 3 }, async (engine) => {
    assert.deepEqual(await run(engine, "{ where(count: 10) { id double label range } }"), {
      where: ids(10).map((id) => ({
        id,
        double: id * 2,
        label: `#${id}`,
        range: id <= 3 ? "1-3" : id <= 6 ? "4-6" : id <= 9 ? "7-9" : "10-10",
      })),
    });
  });
});

Deno.test("WorkerPoolExecutor shards links with requires and restores Nothing", async () => {
  await withPool({ ...ALL_IN_WORKERS, shardSize: 2 }, async (engine) => {
    assert.deepEqual(
      await run(engine, "{ where(count: 4) { id next { id } neighbours { id } } }"),
      {
        where: [
          { id: 1, next: { id: 2 }, neighbours: [null, { id: 2 }] },
          { id: 2, next: { id: 3 }, neighbours: [{ id: 1 }, { id: 3 }] },
          { id: 3, next: null, neighbours: [{ id: 2 }, { id: 4 }] },
          { id: 4, next: { id: 5 }, neighbours: [{ id: 3 }, { id: 5 }] },
        ],
      },
    );
  });
});

Deno.test("WorkerPoolExecutor carries bigints, Dates, fractions, strings and mixed columns through workers", async () => {
  await withPool({ ...ALL_IN_WORKERS, shardSize: 2 }, async (engine) => {
    assert.deepEqual(await run(engine, "{ where(count: 3) { half big when mixed } }"), {
      where: [
        {
          half: 0.5,
          big: 100000000000000000000n,
          when: new Date(Date.UTC(2266, 8, 1)),
          mixed: 1,
        },
        {
          half: 1,
          big: 200000000000000000000n,
          when: new Date(Date.UTC(2266, 8, 2)),
          mixed: "even 2",
        },
        {
          half: 1.5,
          big: 300000000000000000000n,
          when: new Date(Date.UTC(2266, 8, 3)),
          mixed: 3,
        },
      ],
    });
  });
});

Deno.test("WorkerPoolExecutor reports a shard that returns too few rows as the engine's shape error", async () => {
  await withPool({ ...ALL_IN_WORKERS, shardSize: 2 }, async (engine) => {
    await assert.rejects(
      () => run(engine, "{ where(count: 4) { short } }"),
      (error: unknown) => {
        assert.ok(error instanceof LoaderShapeError);
        assert.equal(
          error.message,
          "Loader of field Where.short returned a wrong shape: " +
            "expected array (length 4) of arrays (length 1), got array (length 2) [[2], [4]]",
        );
        return true;
      },
    );
  });
});

Deno.test("WorkerPoolExecutor runs small batches and calls without a batch on the main thread by default", async () => {
  await withPool({}, async (engine) => {
    assert.deepEqual(await run(engine, "{ thread where(count: 3) { thread } }"), {
      thread: "main",
      where: [{ thread: "main" }, { thread: "main" }, { thread: "main" }],
    });
  });
});

Deno.test("WorkerPoolExecutor sends batches at or over inlineThreshold to the workers when timing is off", async () => {
  await withPool({ inlineThreshold: 3, inlineCostPerId: 0 }, async (engine) => {
    assert.deepEqual(await run(engine, "{ where(count: 2) { thread } }"), {
      where: [{ thread: "main" }, { thread: "main" }],
    });
    const result = await run(engine, "{ thread where(count: 3) { thread } }") as {
      thread: string;
      where: { thread: string }[];
    };
    assert.equal(result.thread, "main");
    for (const row of result.where) assert.match(row.thread, /^hiku-ts worker [12]$/);
  });
});

Deno.test("WorkerPoolExecutor sends calls without a batch to a worker when inlineUnbatched is false", async () => {
  await withPool({ size: 1, inlineUnbatched: false }, async (engine) => {
    assert.deepEqual(await run(engine, "{ thread }"), { thread: "hiku-ts worker 1" });
  });
});

Deno.test("WorkerPoolExecutor gives the same results wherever its timing places a loader", async () => {
  await withPool({}, async (engine) => {
    const query = "{ where(count: 1000) { id label heavy later next { id } } }";
    const expected = await run(new Engine(new AsyncExecutor()), query);
    for (let round = 0; round < 3; round++) {
      assert.deepEqual(await run(engine, query), expected);
    }
  });
});

Deno.test("WorkerPoolExecutor runs independent loads at the same time on different workers", async () => {
  await withPool({ ...ALL_IN_WORKERS }, async (engine) => {
    const ctx = { shared: new SharedArrayBuffer(8) };
    const result = await run(engine, "{ where(count: 1) { left right } }", ctx) as {
      where: { left: string; right: string }[];
    };
    const { left, right } = result.where[0]!;
    assert.deepEqual([left, right].sort(), ["hiku-ts worker 1", "hiku-ts worker 2"]);
  });
});

Deno.test("WorkerPoolExecutor fails the query with a worker loader's error, its message and stack", async () => {
  await withPool({ ...ALL_IN_WORKERS }, async (engine) => {
    const cause = await loaderErrorCause(
      run(engine, "{ where(count: 2) { boom } }"),
      "Loader of field Where.boom failed: phasers overloaded",
    );
    assert.ok(cause instanceof TypeError);
    assert.equal(cause.name, "TypeError");
    assert.equal(cause.message, "phasers overloaded");
    assert.equal((cause as TypeError & { code: string }).code, "EPHASER");
    assert.match(
      cause.stack ?? "",
      /^TypeError: phasers overloaded\n\s+at boom \(.*pool_fixtures\.ts:\d+:\d+\)/,
    );
  });
});

Deno.test("WorkerPoolExecutor keeps a SafeError a worker's loader threw, so clients still see it", async () => {
  await withPool({ ...ALL_IN_WORKERS }, async (engine) => {
    const cause = await loaderErrorCause(
      run(engine, "{ where(count: 2) { refuse } }"),
      "Loader of field Where.refuse failed: Shields are up",
    );
    assert.ok(cause instanceof SafeError);
    assert.deepEqual(cause.extensions, { code: "FORBIDDEN", deck: 7 });
  });
});

Deno.test("WorkerPoolExecutor merges the request context over each thread's own context", async (t) => {
  await t.step("in a worker", async () => {
    await withPool({ ...ALL_IN_WORKERS }, async (engine) => {
      assert.deepEqual(await run(engine, "{ where(count: 1) { ship } }"), {
        where: [{ ship: "Enterprise" }],
      });
      assert.deepEqual(await run(engine, "{ where(count: 1) { ship } }", { ship: "Voyager" }), {
        where: [{ ship: "Voyager" }],
      });
    });
  });
  await t.step("on the main thread", async () => {
    await withPool({}, async (engine) => {
      assert.deepEqual(await run(engine, "{ where(count: 1) { ship } }"), {
        where: [{ ship: "Enterprise" }],
      });
      assert.deepEqual(await run(engine, "{ where(count: 1) { ship } }", { ship: "Voyager" }), {
        where: [{ ship: "Voyager" }],
      });
    });
  });
});

Deno.test("WorkerPoolExecutor names a context key a worker loader reads but nobody set", async () => {
  await withPool({ ...ALL_IN_WORKERS }, async (engine) => {
    const cause = await loaderErrorCause(
      run(engine, "{ where(count: 1) { captain } }"),
      'Loader of field Where.captain failed: Context key "captain" is not set: ' +
        "pass it in the context given to engine.execute, schema.execute or graphqlHandler",
    );
    assert.ok(cause instanceof ContextKeyError);
    assert.equal(cause.key, "captain");
  });
});

Deno.test("WorkerPoolExecutor refuses context values that cannot be sent to a worker, naming the key", async (t) => {
  class Client {
    query(): void {}
  }
  for (
    const [where, options] of [["in a worker", ALL_IN_WORKERS], ["on the main thread", {}]] as const
  ) {
    await t.step(`a function, ${where}`, async () => {
      await withPool(options, async (engine) => {
        const cause = await loaderErrorCause(
          run(engine, "{ where(count: 1) { ship } }", { log: () => {} }),
          'Loader of field Where.ship failed: Context value "log" cannot be sent to a worker: ' +
            "it is a function; pass plain data, and open resources in the module's createContext",
        );
        assert.ok(cause instanceof ExecutorError);
      });
    });
    await t.step(`a symbol deep inside, ${where}`, async () => {
      await withPool(options, async (engine) => {
        const cause = await loaderErrorCause(
          run(engine, "{ where(count: 1) { ship } }", { user: { tags: [Symbol("red")] } }),
          'Loader of field Where.ship failed: Context value "user" cannot be sent to a worker: ' +
            "structured clone cannot copy it: Symbol(red) could not be cloned; pass plain data, " +
            "and open resources in the module's createContext",
        );
        assert.ok(cause instanceof ExecutorError);
      });
    });
    await t.step(`a class instance, ${where}`, async () => {
      await withPool(options, async (engine) => {
        const cause = await loaderErrorCause(
          run(engine, "{ where(count: 1) { ship } }", { db: new Client() }),
          'Loader of field Where.ship failed: Context value "db" cannot be sent to a worker: ' +
            "it is an instance of Client, which would arrive as a plain object without its " +
            "methods; pass plain data, and open resources in the module's createContext",
        );
        assert.ok(cause instanceof ExecutorError);
      });
    });
  }
});

Deno.test("WorkerPoolExecutor replaces a worker that dies and fails the load it was running", async (t) => {
  const cases = [
    ["crash", "Uncaught Error: core dump"],
    ["quit", "it called self.close()"],
    ["exit", "it called Deno.exit(3)"],
  ] as const;
  for (const [field, reason] of cases) {
    await t.step(`${field}: ${reason}`, async () => {
      await withPool({ ...ALL_IN_WORKERS, size: 1 }, async (engine) => {
        const cause = await loaderErrorCause(
          run(engine, `{ where(count: 1) { ${field} } }`),
          `Loader of field Where.${field} failed: Worker 1 died while loading Where.${field}: ${reason}`,
        );
        assert.ok(cause instanceof ExecutorError);
        if (field === "crash") {
          assert.ok(cause.cause instanceof Error);
          assert.match(
            cause.cause.stack ?? "",
            /^Error: core dump\n\s+at .*pool_fixtures\.ts:\d+:\d+/,
          );
        }
        assert.deepEqual(await run(engine, "{ where(count: 2) { double thread } }"), {
          where: [{ double: 2, thread: "hiku-ts worker 1" }, {
            double: 4,
            thread: "hiku-ts worker 1",
          }],
        });
      });
    });
  }
});

Deno.test("WorkerPoolExecutor stops and replaces a worker that exceeds taskTimeout", async () => {
  await withPool({ ...ALL_IN_WORKERS, size: 1, taskTimeout: 200 }, async (engine) => {
    const cause = await loaderErrorCause(
      run(engine, "{ where(count: 1) { spin } }"),
      "Loader of field Where.spin failed: Worker 1 timed out while loading Where.spin: " +
        "no result within 200 ms (taskTimeout), so its loader's signal was aborted; the worker " +
        "is replaced unless the load ends within 100 ms",
    );
    assert.ok(cause instanceof ExecutorError);
    assert.deepEqual(await run(engine, "{ where(count: 1) { double } }"), {
      where: [{ double: 2 }],
    });
  });
});

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

Deno.test("WorkerPoolExecutor close() rejects work in flight and queued, and stops every worker", async () => {
  const pool = new WorkerPoolExecutor({ module: FIXTURES, size: 1, ...ALL_IN_WORKERS });
  const engine = new Engine(pool);
  const shared = new SharedArrayBuffer(8);
  const counters = new Int32Array(shared);
  const running = run(engine, "{ where(count: 1) { hold } }", { shared });
  const queued = run(engine, "{ where(count: 1) { double } }");
  await until(() => Atomics.load(counters, 0) === 1);
  // close() rejects both at once, then waits (briefly) for the running load to end.
  const closed = "Worker pool is closed";
  const causes = [[running, "hold"], [queued, "double"]].map(([promise, field]) =>
    loaderErrorCause(
      promise as Promise<unknown>,
      `Loader of field Where.${field} failed: ${closed}`,
    )
  );
  await pool.close();
  for (const cause of await Promise.all(causes)) assert.ok(cause instanceof ExecutorError);
  await loaderErrorCause(
    run(engine, "{ where(count: 1) { double } }"),
    `Loader of link root.where failed: ${closed}`,
  );
  await assert.rejects(pool.ready(), new ExecutorError(closed));
  assert.equal(pool.close(), pool.close());
});

Deno.test("WorkerPoolExecutor drops an aborted execution's queued work and keeps serving", async () => {
  await withPool({ ...ALL_IN_WORKERS, size: 1 }, async (engine) => {
    const shared = new SharedArrayBuffer(8);
    const counters = new Int32Array(shared);
    const running = run(engine, "{ where(count: 1) { hold } }", { shared });
    await until(() => Atomics.load(counters, 0) === 1);
    const controller = new AbortController();
    const aborted = engine.execute(graph, read("{ where(count: 3) { double } }"), {}, {
      signal: controller.signal,
    });
    controller.abort(new Error("red alert"));
    await assert.rejects(aborted, new ExecutionAbortedError(new Error("red alert")));
    Atomics.store(counters, 1, 1);
    Atomics.notify(counters, 1);
    assert.deepEqual(await running, { where: [{ hold: "released" }] });
    assert.deepEqual(await run(engine, "{ where(count: 2) { double } }"), {
      where: [{ double: 2 }, { double: 4 }],
    });
  });
});

Deno.test("WorkerPoolExecutor sends nothing for an execution aborted while its workers were starting", async () => {
  await withPool({ ...ALL_IN_WORKERS, size: 1 }, async (engine, pool) => {
    // A load that would hold the one worker for good, given before the workers have the graph
    // and aborted meanwhile.
    const raw = { shared: new SharedArrayBuffer(12) };
    const controller = new AbortController();
    const stalled = pool.load({
      kind: "fields",
      node: "Where",
      member: "stallMarked",
      loader: memberLoader(graph, "Where", "stallMarked")!,
      passContext: true,
      args: [[{ name: "stallMarked", alias: null, options: {} }], [1]],
      batchArg: 1,
    }, { context: raw, rawContext: raw, signal: controller.signal }) as Promise<unknown>;
    controller.abort(new Error("red alert"));
    await assert.rejects(
      within(stalled, 10_000, "the aborted load"),
      new ExecutionAbortedError(new Error("red alert")),
    );
    // Had it been sent, the worker would never answer this.
    assert.deepEqual(await within(run(engine, "{ thread }"), 10_000, "a query after the abort"), {
      thread: "hiku-ts worker 1",
    });
  });
});

/** `promise`, or a rejection once `ms` have passed: a pool that hangs fails the test instead. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The rows of `{ where(count: n) { later laterThread } }`, checked; returns the threads. */
async function laterRows(engine: Engine, n: number): Promise<string[]> {
  const result = await within(
    run(engine, `{ where(count: ${n}) { later laterThread } }`),
    10_000,
    "a pooled query after the abort",
  ) as { where: { later: number; laterThread: string }[] };
  assert.deepEqual(result.where.map((row) => row.later), ids(n).map((id) => id * 3));
  return result.where.map((row) => row.laterThread);
}

Deno.test("WorkerPoolExecutor stops and replaces the workers of an aborted execution, with default options", async () => {
  await withPool({}, async (engine, pool) => {
    await pool.ready();
    const threads = runningThreads();
    const shared = new SharedArrayBuffer(12);
    const counters = new Int32Array(shared);
    const controller = new AbortController();
    // 1000 ids of a Promise-returning loader: a first slice is timed on the main thread, the
    // rest goes in three shards to the workers, where it never settles.
    const stalled = engine.execute(graph, read("{ where(count: 1000) { stallMarked } }"), {
      shared,
    }, { signal: controller.signal });
    await until(() => Atomics.load(counters, 2) === 2);
    controller.abort(new Error("red alert"));
    await assert.rejects(
      within(stalled, 10_000, "the aborted load"),
      new ExecutionAbortedError(new Error("red alert")),
    );
    await until(() => runningThreads() === threads);
    const workerRows = (await laterRows(engine, 1000)).filter((thread) => thread !== "main");
    assert.ok(workerRows.length >= 900, "the later query ran in the workers");
    for (const thread of new Set(workerRows)) assert.match(thread, /^hiku-ts worker [12]$/);
    assert.equal(Atomics.load(counters, 2), 2, "the dropped third shard never started");
  });
});

Deno.test("WorkerPoolExecutor answers the next request after one timed out over HTTP on a stuck pooled load", async () => {
  await withPool({}, async (_engine, pool) => {
    const logged: string[] = [];
    const handler = graphqlHandler(new Schema({ query: graph, executor: pool }), {
      timeout: 500,
      logger: (message) => logged.push(message),
    });
    const request = (query: string) =>
      handler(new Request(`http://localhost/graphql?query=${encodeURIComponent(query)}`));
    const stuck = await request("{ where(count: 1000) { stall } }");
    assert.equal(stuck.status, 504);
    assert.deepEqual(await stuck.json(), {
      errors: [{ message: "Request timed out: execution took longer than 500 ms" }],
    });
    assert.deepEqual(logged, ["Request timed out: execution took longer than 500 ms"]);
    // The next requests, through the same pool, get a time limit that a worker's replacement
    // (its grace, then importing the module) cannot use up on a loaded machine.
    const patient = graphqlHandler(new Schema({ query: graph, executor: pool }), {
      timeout: 10_000,
      logger: (message) => logged.push(message),
    });
    for (let round = 0; round < 2; round++) {
      const query = encodeURIComponent("{ where(count: 1000) { later } }");
      const next = patient(new Request(`http://localhost/graphql?query=${query}`));
      const ok = await within(next, 10_000, "next request");
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), {
        data: { where: ids(1000).map((id) => ({ later: id * 3 })) },
      });
    }
  });
});

Deno.test("WorkerPoolExecutor stops only the workers running an aborted execution's shards", async () => {
  await withPool({ ...ALL_IN_WORKERS }, async (engine, pool) => {
    await pool.ready();
    const threads = runningThreads();
    const shared = new SharedArrayBuffer(12);
    const counters = new Int32Array(shared);
    const running = run(engine, "{ where(count: 1) { hold thread } }", { shared });
    await until(() => Atomics.load(counters, 0) === 1);
    const controller = new AbortController();
    const stalled = engine.execute(graph, read("{ where(count: 1) { stallMarked } }"), {
      shared,
    }, { signal: controller.signal });
    await until(() => Atomics.load(counters, 2) === 1);
    controller.abort(new Error("red alert"));
    await assert.rejects(
      within(stalled, 10_000, "the aborted load"),
      new ExecutionAbortedError(new Error("red alert")),
    );
    Atomics.store(counters, 1, 1);
    Atomics.notify(counters, 1);
    const held = await running as { where: { hold: string; thread: string }[] };
    assert.equal(held.where[0]!.hold, "released", "the other execution's shard was not stopped");
    assert.equal(runningThreads(), threads);
    assert.deepEqual(await run(engine, "{ where(count: 2) { double } }"), {
      where: [{ double: 2 }, { double: 4 }],
    });
  });
});

Deno.test("WorkerPoolExecutor keeps as many worker threads as its size over repeated aborts", async () => {
  const before = runningThreads();
  await withPool({ ...ALL_IN_WORKERS }, async (engine, pool) => {
    await pool.ready();
    assert.equal(runningThreads(), before + 2);
    const shared = new SharedArrayBuffer(12);
    const counters = new Int32Array(shared);
    for (let round = 1; round <= 5; round++) {
      const controller = new AbortController();
      const stalled = engine.execute(graph, read("{ where(count: 1) { stallMarked } }"), {
        shared,
      }, { signal: controller.signal });
      await until(() => Atomics.load(counters, 2) === round);
      controller.abort();
      await assert.rejects(stalled, ExecutionAbortedError);
      await until(() => runningThreads() === before + 2);
    }
    assert.deepEqual(await run(engine, "{ where(count: 2) { double } }"), {
      where: [{ double: 2 }, { double: 4 }],
    });
  });
  await until(() => runningThreads() === before);
});

Deno.test("WorkerPoolExecutor fails a load whose worker runs out of memory with WorkerMemoryError, and lives on", async () => {
  // In a process of its own: were the bound to fail, that process would die, not this one.
  const script = new URL("./support/pool_memory.ts", import.meta.url);
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script.pathname],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(120_000),
  }).output();
  const text = new TextDecoder();
  assert.equal(code, 0, `exit code ${code}; stderr: ${text.decode(stderr)}`);
  const outcomes = text.decode(stdout).trim().split("\n").map((line) => JSON.parse(line));
  const oom = (field: string) => ({
    error: `Loader of field Where.${field} failed: Worker 1 ran out of memory while loading ` +
      `Where.${field}: its JavaScript heap reached the limit of ${LIMIT_MB} MB ` +
      "(maxWorkerHeapMb), so it was stopped and replaced",
    cause: "WorkerMemoryError",
    node: "Where",
    member: field,
    limitMb: LIMIT_MB,
  });
  assert.deepEqual(outcomes, [
    oom("hoard"),
    oom("hoardLater"),
    {
      data: {
        where: [1, 2, 3].map((id) => ({ double: id * 2, thread: "hiku-ts worker 1" })),
      },
    },
    { runningThreads: 0 },
  ]);
  assert.equal(new WorkerMemoryError(1, "Where", "hoard", 64).name, "WorkerMemoryError");
});

Deno.test("WorkerPoolExecutor refuses a result that cannot cross threads with one error wherever the load runs", async (t) => {
  const placements = [
    ["in workers, one id per shard", { ...ALL_IN_WORKERS, shardSize: 1 }, 2],
    ["on the main thread", {}, 2],
    ["on the main thread, timing a first slice", {}, 600],
  ] as const;
  const refused = (message: string) => (error: unknown) => {
    assert.ok(error instanceof LoaderError);
    assert.equal(error.message, message);
    assert.ok(error.cause instanceof UncloneableResultError);
    assert.equal(error.cause.name, "UncloneableResultError");
    assert.ok(error.cause instanceof ExecutorError);
    return true;
  };
  const rule = "a worker pool's loaders must return structured-cloneable values";
  for (const [where, options, count] of placements) {
    await t.step(`a function-valued field, ${where}`, async () => {
      await withPool(options, async (engine) => {
        await assert.rejects(
          run(engine, `{ where(count: ${count}) { plain callback } }`),
          refused(
            "Loader of fields Where.plain, Where.callback failed: Value of Where.callback for " +
              `id 1 cannot be copied between threads: it is a function; ${rule}`,
          ),
        );
      });
    });
    await t.step(`a function deep in an object, ${where}`, async () => {
      await withPool(options, async (engine) => {
        await assert.rejects(
          run(engine, `{ where(count: ${count}) { hooks } }`),
          refused(
            "Loader of field Where.hooks failed: Value of Where.hooks for id 1 cannot be " +
              `copied between threads: its .hooks[0].onLoad is a function; ${rule}`,
          ),
        );
      });
    });
  }
  for (
    const [where, options] of [["in workers", { ...ALL_IN_WORKERS, shardSize: 1 }], [
      "on the main thread",
      {},
    ]] as const
  ) {
    await t.step(`a function among a link's ids, ${where}`, async () => {
      await withPool(options, async (engine) => {
        await assert.rejects(
          run(engine, "{ where(count: 3) { warp { id } } }"),
          refused(
            "Loader of link Where.warp failed: Value of Where.warp for entry 1 cannot be " +
              `copied between threads: its [1] is a function; ${rule}`,
          ),
        );
      });
    });
    await t.step(`a function-valued root field, ${where}`, async () => {
      await withPool(options, async (engine) => {
        await assert.rejects(
          run(engine, "{ handler }"),
          refused(
            "Loader of field root.handler failed: Value of root.handler cannot be copied " +
              `between threads: it is a function; ${rule}`,
          ),
        );
      });
    });
  }
});

Deno.test("WorkerPoolExecutor close() lets each worker and the main thread dispose of its context", async () => {
  const log = await Deno.makeTempFile();
  Deno.env.set(DISPOSE_LOG, log);
  try {
    await withPool({ inlineThreshold: 2, inlineCostPerId: 0 }, async (engine, pool) => {
      await pool.ready();
      await run(engine, "{ where(count: 1) { ship } }");
    });
    const lines = (await Deno.readTextFile(log)).trim().split("\n").sort();
    assert.deepEqual(lines, ["hiku-ts worker 1", "hiku-ts worker 2", "main"]);
  } finally {
    Deno.env.delete(DISPOSE_LOG);
    await Deno.remove(log);
  }
});

Deno.test("WorkerPoolExecutor is closed at the end of an await using block", async () => {
  let escaped: WorkerPoolExecutor;
  {
    await using pool = new WorkerPoolExecutor({ module: FIXTURES, size: 1 });
    escaped = pool;
    await pool.ready();
  }
  await assert.rejects(escaped.ready(), new ExecutorError("Worker pool is closed"));
});

Deno.test("WorkerPoolExecutor says which module failed when a worker cannot start", async (t) => {
  await t.step("the module does not export a graph", async () => {
    const module = new URL("./support/pool_no_graph.ts", import.meta.url).href;
    const pool = new WorkerPoolExecutor({ module, size: 1 });
    try {
      await assert.rejects(
        pool.ready(),
        new ExecutorError(
          `Worker 1 could not load module "${module}": Module "${module}" does not export a ` +
            `graph: export the Graph as "graph" (got no such export)`,
        ),
      );
    } finally {
      await pool.close();
    }
  });
  await t.step("its createContext throws", async () => {
    const module = new URL("./support/pool_bad_context.ts", import.meta.url).href;
    const pool = new WorkerPoolExecutor({ module, size: 1 });
    try {
      await assert.rejects(
        pool.ready(),
        new ExecutorError(`Worker 1 could not load module "${module}": no subspace link`),
      );
    } finally {
      await pool.close();
    }
  });
});

Deno.test("WorkerPoolExecutor refuses to run a graph other than its module's", async () => {
  await withPool({ ...ALL_IN_WORKERS }, async (engine) => {
    await assert.rejects(
      engine.execute(starTrek, read("{ version }")),
      (error: unknown) => {
        assert.ok(error instanceof LoaderError);
        assert.equal(
          error.message,
          `Loader of field root.version failed: Loader of root.version is not the one module ` +
            `"${FIXTURES.href}" exports: workers find loaders by name in that module's graph, ` +
            `so execute that graph`,
        );
        return true;
      },
    );
  });
});

Deno.test("WorkerPoolExecutor checks its options", () => {
  assert.throws(
    () => new WorkerPoolExecutor({ module: FIXTURES, size: 0 }),
    new RangeError('Cannot create a worker pool: "size" must be an integer of at least 1, got 0'),
  );
  assert.throws(
    () => new WorkerPoolExecutor({ module: FIXTURES, inlineCostPerId: -1 }),
    new RangeError(
      'Cannot create a worker pool: "inlineCostPerId" must be a finite number of at least 0, got -1',
    ),
  );
  assert.throws(
    () => new WorkerPoolExecutor({ module: FIXTURES, maxWorkerHeapMb: 8 }),
    new RangeError(
      'Cannot create a worker pool: "maxWorkerHeapMb" must be an integer of at least 16, got 8',
    ),
  );
  assert.equal(new WorkerPoolExecutor({ module: FIXTURES }).maxWorkerHeapMb, 1024);
  assert.throws(
    () => new WorkerPoolExecutor({ module: "./support/pool_fixtures.ts" }),
    new TypeError(
      'Cannot create a worker pool: "module" must be an absolute URL, got ' +
        '"./support/pool_fixtures.ts": resolve it with new URL(path, import.meta.url)',
    ),
  );
});

Deno.test("WorkerPoolExecutor.shardSizeFor splits a batch into up to 4 shards per worker", () => {
  const pool = new WorkerPoolExecutor({ module: FIXTURES, size: 2 });
  assert.equal(pool.shardSizeFor(100_000), 12_500);
  assert.equal(pool.shardSizeFor(1000), 334);
  assert.equal(pool.shardSizeFor(300), 300);
  const fixed = new WorkerPoolExecutor({ module: FIXTURES, size: 2, shardSize: 1000 });
  assert.equal(fixed.shardSizeFor(100_000), 1000);
  // (entries, workers, shardSize, minShardSize, shardsPerWorker)
  assert.equal(shardSizeFor(10, 4, null, 1, 4), 1, "16 shards allowed, 10 entries");
  assert.equal(shardSizeFor(100, 4, null, 30, 4), 34, "3 shards of at least 30");
  assert.equal(shardSizeFor(20, 4, null, 30, 4), 20, "one shard, smaller than the minimum");
});

Deno.test("placeBatch keeps small batches and cheap loaders inline and sends the rest to workers", () => {
  const cheap = { ...newStats(), costPerId: 0.2 };
  const costly = { ...newStats(), costPerId: 20 };
  const pending = { ...newStats(), async: true };
  assert.equal(placeBatch(255, costly, 256, 1), "inline");
  assert.equal(placeBatch(256, undefined, 256, 1), "probe");
  assert.equal(placeBatch(256, cheap, 256, 1), "inline");
  assert.equal(placeBatch(256, costly, 256, 1), "workers");
  assert.equal(placeBatch(256, pending, 256, 1), "workers");
  assert.equal(placeBatch(256, undefined, 256, 0), "workers");
  assert.equal(placeBatch(0, undefined, 0, 0), "workers");
});

Deno.test("recordRun keeps the least cost per entry of the last 4 runs and notes Promises", () => {
  const stats = newStats();
  recordRun(stats, 2, 1000, false);
  assert.equal(stats.costPerId, 2);
  recordRun(stats, 1, 1000, false);
  recordRun(stats, 9, 1000, false);
  recordRun(stats, 3, 1000, false);
  assert.equal(stats.costPerId, 1);
  recordRun(stats, 0.1, 1000, true);
  assert.deepEqual([stats.costPerId, stats.async], [1, true]);
  recordRun(stats, 5, 1000, false);
  assert.deepEqual([stats.costPerId, stats.async], [1, false]);
  recordRun(stats, 5, 1000, false);
  assert.equal(stats.costPerId, 3, "the 1 us run is no longer among the last 4");
});

Deno.test("stitch concatenates shards in order and leaves wrong shapes for the engine", () => {
  assert.deepEqual(stitch([[[1]], [[2], [3]]], [1, 2]), [[1], [2], [3]]);
  assert.deepEqual(stitch([[[1]], [[2]]], [1, 2]), [[1], [2]]);
  assert.equal(stitch([[[1]], 7], [1, 1]), 7);
  const only = [[1]];
  assert.equal(stitch([only], [2]), only);
  // The total is right but the rows are shifted: the short shard is returned, to be reported.
  assert.deepEqual(stitch([[[1]], [[2], [3], [4]]], [2, 2]), [[1]]);
});

Deno.test("encodeResult and decodeResult carry every result shape, Nothing included", () => {
  const results: unknown[] = [
    Nothing,
    7,
    "one",
    null,
    { id: 1 },
    [],
    [1, 2, -3],
    [0.5, -0, NaN, 2 ** 40],
    [1, Nothing, 3],
    ["a", "b"],
    [[1, "Kirk"], [2, "Spock"]],
    [[1n], [new Date(0)]],
    [[1, 2], [], [3]],
    [[1, Nothing], [Nothing]],
    [[], []],
    [1, [2, Nothing], Nothing],
  ];
  for (const result of results) {
    const original = copyArrays(result);
    const transfer: ArrayBuffer[] = [];
    const encoded = structuredClone(encodeResult(result, transfer), { transfer });
    assert.deepEqual(decodeResult(encoded), result);
    assert.deepEqual(result, original, "the loader's result is untouched");
  }
  assert.ok(Object.is((decodeResult(encodeResult([-0], [])) as number[])[0], -0));
});

function copyArrays(value: unknown): unknown {
  return Array.isArray(value) ? value.map(copyArrays) : value;
}

Deno.test("uncloneableResult finds what structured clone refuses at any depth, and passes the rest", () => {
  const fields = [{ name: "a" }, { name: "b" }];
  const check = (rows: unknown) =>
    uncloneableResult("fields", "Star", "a", [fields, ["x", "y"]], 1, 0, rows)?.message ?? null;
  const cyclic: { self?: unknown; list: unknown[] } = { list: [] };
  cyclic.self = cyclic;
  cyclic.list.push(cyclic, [cyclic]);
  const cloneable = [
    [1, "one"],
    [null, undefined],
    [Nothing, 2n],
    [new Date(0), /x/],
    [new Uint8Array(2), new Map([[1, { b: [2] }]])],
    [new Set([1]), new Error("kept")],
    [cyclic, { deep: [[[[[[[[[[[1]]]]]]]]]]] }],
  ];
  for (const row of cloneable) {
    assert.doesNotThrow(() => structuredClone(row.filter((value) => value !== Nothing)));
    assert.equal(check([row, row]), null);
  }
  const tail = "; a worker pool's loaders must return structured-cloneable values";
  const cases: [unknown, string][] = [
    [[1, () => 0], 'Star.b for id "y": it is a function'],
    [[Symbol("s"), 1], 'Star.a for id "y": it is a symbol (Symbol(s))'],
    [[1, { p: Promise.resolve() }], 'Star.b for id "y": its .p is a Promise'],
    [[new Map([["k", [new WeakMap()]]]), 1], 'Star.a for id "y": its .get(k)[0] is a WeakMap'],
    [[[Nothing], 1], 'Star.a for id "y": its [0] is a symbol (Symbol(hiku-ts.Nothing))'],
  ];
  for (const [row, where] of cases) {
    const [member, reason] = where.split(": ");
    assert.equal(
      check([[1, 2], row]),
      `Value of ${member} cannot be copied between threads: ${reason}${tail}`,
    );
  }
});

Deno.test("examples/worker_pool.ts computes the same signatures on the pool as on the event loop", async () => {
  const { ships, workers } = await main(300);
  assert.equal(workers, navigator.hardwareConcurrency);
  assert.deepEqual(ships, [
    { id: 1, registry: "NCC-1701", name: "USS Miranda 1", signature: "1a0ab317" },
    { id: 2, registry: "NCC-1702", name: "USS Excelsior 2", signature: "7109c917" },
    { id: 3, registry: "NCC-1703", name: "USS Galaxy 3", signature: "1228ba17" },
  ]);
});

const DATABASE_URL = Deno.env.get("DATABASE_URL") || null;

Deno.test({
  name:
    "WorkerPoolExecutor runs the seed's queries on Postgres, each thread with its own connection" +
    (DATABASE_URL === null ? " (skipped: set DATABASE_URL to a PostgreSQL server to run)" : ""),
  ignore: DATABASE_URL === null,
  async fn(t) {
    const schema = `hiku_pool_${crypto.randomUUID().slice(0, 8)}`;
    await using admin = await openDatabase({ url: DATABASE_URL, schema, dropSchemaOnClose: true });
    await setUpDatabase(admin);
    await admin.query("CREATE TABLE pool_connection (thread text, pid integer)");
    for (
      const [placement, options, threads] of [
        // Batches of 3 run inline, on the main thread's connection; workers still connect.
        ["by default", {}, ["hiku-ts worker 1", "hiku-ts worker 2", "main"]],
        // The main thread runs nothing, so it never opens its context. (A fused region's one
        // statement always runs on the main thread: fusion is off here.)
        ["every load in a worker", ALL_IN_WORKERS, ["hiku-ts worker 1", "hiku-ts worker 2"]],
      ] as const
    ) {
      const fusion = placement === "by default";
      await t.step(placement, async () => {
        await admin.query("DELETE FROM pool_connection");
        const pool = new WorkerPoolExecutor({ module: poolModule(schema), size: 2, ...options });
        try {
          await pool.ready();
          const engine = new Engine(pool, { fusion });
          const results = [];
          for (const query of QUERIES) {
            results.push(denormalize(seedGraph, await engine.execute(seedGraph, read(query))));
          }
          assert.deepEqual(results, [CHARACTERS_WITH_ACTORS, ACTORS_WITH_CHARACTERS]);
        } finally {
          await pool.close();
        }
        const rows = await admin.query("SELECT thread, pid FROM pool_connection ORDER BY thread");
        assert.deepEqual(rows.map((r) => r.thread), threads);
        const pids = rows.map((r) => r.pid as number);
        assert.equal(new Set(pids).size, threads.length, "one backend per thread");
        // Every connection is closed: the backends end once their client has gone.
        await until(async () => {
          const [row] = await admin.query(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE pid = ANY($1)",
            [pids],
          );
          return Number(row!.n) === 0;
        });
      });
    }
  },
});

const CHARACTERS_WITH_ACTORS = {
  characters: [
    { name: "James T. Kirk", actors: [{ name: "William Shatner" }, { name: "Chris Pine" }] },
    { name: "Spock", actors: [{ name: "Leonard Nimoy" }, { name: "Zachary Quinto" }] },
    { name: "Leonard McCoy", actors: [{ name: "DeForest Kelley" }, { name: "Karl Urban" }] },
  ],
};

const ACTORS_WITH_CHARACTERS = {
  actors: [
    { name: "William Shatner", character: { name: "James T. Kirk" } },
    { name: "Leonard Nimoy", character: { name: "Spock" } },
    { name: "DeForest Kelley", character: { name: "Leonard McCoy" } },
    { name: "Chris Pine", character: { name: "James T. Kirk" } },
    { name: "Zachary Quinto", character: { name: "Spock" } },
    { name: "Karl Urban", character: { name: "Leonard McCoy" } },
  ],
};
