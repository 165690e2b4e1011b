/**
 * The worker pool executor: runs loaders in a pool of worker threads, so that CPU-heavy loads use
 * every core, with the same graph and queries as the {@linkcode AsyncExecutor}.
 *
 * Functions cannot cross a thread boundary, so each worker imports the module that defines the
 * graph (its URL is given to the pool) and finds each loader by node and member name. The module
 * may also export `createContext()`, called once per worker (and once on the main thread) to open
 * that thread's own resources, such as a database connection.
 *
 * Where a load runs:
 * - calls without a batch (root fields, links without `requires`) run on the main thread;
 * - batches under `inlineThreshold` entries (512) run on the main thread;
 * - larger batches of a loader the pool has timed as cheap (under `inlineCostPerId`, 1
 *   microsecond per entry, where the workers' savings do not pay for the trip) run on the main
 *   thread; the pool times each loader on a first slice of its first large batch, then on every
 *   run, and keeps the least of its last four times;
 * - the others (and every large batch of a loader that returns a Promise, which cannot be timed)
 *   are split into shards of contiguous entries, run by idle workers, and put back in order.
 *
 * Workers are `node:worker_threads` Workers, each with its JavaScript heap bounded by
 * `maxWorkerHeapMb`: a worker that reaches it fails its load with a {@linkcode WorkerMemoryError}
 * and is replaced, where a Web Worker would have ended the whole process. When an execution is
 * aborted (its `AbortSignal`, an HTTP time-out), its queued shards are dropped and the workers busy
 * with its shards abort the signal of their loader's context (a Postgres statement is cancelled
 * on the server); one whose load has not ended 100 ms later is stopped and replaced.
 *
 * @example A CPU-heavy field served through a pool
 * ```ts ignore
 * import { denormalize, Engine, read } from "../mod.ts";
 * import { WorkerPoolExecutor } from "./worker_pool.ts";
 * import { graph } from "./my_graph.ts"; // exports `graph` (and maybe `createContext`)
 *
 * await using pool = new WorkerPoolExecutor({ module: new URL("./my_graph.ts", import.meta.url) });
 * const engine = new Engine(pool);
 * const result = await engine.execute(graph, read("{ stars { id fingerprint } }"));
 * console.log(denormalize(graph, result));
 * ```
 *
 * @module
 */

import type { Context } from "../src/definitions/context.ts";
import { Worker as ThreadWorker } from "node:worker_threads";
import { ExecutionAbortedError, ExecutorError } from "../src/base/errors.ts";
import { AbortListener } from "../src/base/_abort.ts";
import type { Executor, LoadScope, LoadTask } from "../src/execution/executor.ts";
// The executor contract (the same types mod.ts exports), so these docs are complete.
export type { Executor, LoadScope, LoadTask } from "../src/execution/executor.ts";
export type { Context } from "../src/definitions/context.ts";
export type { Loader } from "../src/definitions/members.ts";
export { UncloneableResultError, WorkerMemoryError } from "./_pool_errors.ts";
// The base class of the pool's errors (the same class mod.ts exports).
export { ExecutorError } from "../src/base/errors.ts";
import type { Loader } from "../src/definitions/members.ts";
import { WorkerMemoryError } from "./_pool_errors.ts";
import { threadExited, threadStarted } from "./_pool_census.ts";
import {
  type LoaderStats,
  newStats,
  placeBatch,
  recordRun,
  shardSizeFor,
  stitch,
} from "./_pool_placement.ts";
import {
  callLoader,
  createOwnContext,
  decodeResult,
  deserializeError,
  disposeContext,
  type EncodedValues,
  encodeValues,
  type FromWorker,
  type GraphExport,
  isThenable,
  loadLabel,
  type LoadMessage,
  memberLoader,
  mergeContexts,
  type ModuleGraphs,
  moduleGraphs,
  uncloneableResult,
} from "./_pool_protocol.ts";

/** What {@linkcode WorkerPoolExecutor} accepts. */
export interface WorkerPoolOptions {
  /**
   * URL of the module that exports `graph` (and optionally `mutationGraph`, and
   * `createContext(): ctx | Promise<ctx>`). Resolve relative paths yourself, e.g.
   * `new URL("./graph.ts", import.meta.url)`. Execute this module's graph on the pool.
   */
  readonly module: string | URL;
  /** Number of workers. Default: `navigator.hardwareConcurrency`. */
  readonly size?: number;
  /** Batches with fewer entries than this run on the main thread. Default: 512. */
  readonly inlineThreshold?: number;
  /**
   * Loaders timed at less than this many microseconds per batch entry run on the main thread:
   * below it, what the workers save does not pay for the round trip and for shipping entries and
   * results. `0` turns timing off: every batch of `inlineThreshold` entries or more goes to the
   * workers. Default: 1.
   */
  readonly inlineCostPerId?: number;
  /**
   * Whether calls without a batch (root fields, links without `requires`) run on the main
   * thread. Default: `true`. With `false`, each such call goes whole to one worker.
   */
  readonly inlineUnbatched?: boolean;
  /** A fixed number of entries per shard. Default: chosen per batch from its size. */
  readonly shardSize?: number | null;
  /** The smallest shard when the pool chooses the size. Default: 256. */
  readonly minShardSize?: number;
  /**
   * Milliseconds a worker may spend on one shard; a worker that takes longer is stopped and
   * replaced, and the load fails. A worker stuck in a synchronous loop cannot be told from one
   * that is busy, so this is the only guard against it. Default: `null`, no limit.
   */
  readonly taskTimeout?: number | null;
  /**
   * Milliseconds `close()` waits for an idle worker to dispose of its context before stopping
   * it. Default: 1000.
   */
  readonly closeTimeout?: number;
  /**
   * The most megabytes each worker's JavaScript heap (its old generation, V8's
   * `maxOldGenerationSizeMb`) may grow to. A worker that reaches it is stopped and replaced, and
   * the load it was running fails with a {@linkcode WorkerMemoryError}; the process lives on. It
   * bounds JavaScript objects, not `ArrayBuffer` contents or memory a native library allocates,
   * and not the main thread. Default: 1024.
   */
  readonly maxWorkerHeapMb?: number;
}

const WORKER_URL = new URL("./_worker.ts", import.meta.url);
// `node:worker_threads` starts only file: and data: URLs: from anywhere else (the package served
// over https), a data: module that imports the worker's entry point.
const WORKER_ENTRY: URL = WORKER_URL.protocol === "file:" ? WORKER_URL : new URL(
  `data:text/javascript,${encodeURIComponent(`import ${JSON.stringify(WORKER_URL.href)};`)}`,
);

// Measured on 2 cores: a round trip costs ~0.1-0.3 ms, and shipping an entry and its result
// ~0.02-0.1 us (numeric columns, transferred) to ~0.2 us (strings, cloned), on the main thread.
// Loaders under ~1 us per entry were never faster shipped; at 1-2 us per entry the workers won
// from a few thousand entries, and lost a little under ~1,000. 512 entries make two default
// shards, so a load sent alone to the workers still runs on two of them.
const DEFAULT_INLINE_THRESHOLD = 512;
const DEFAULT_INLINE_COST_PER_ID = 1;
const DEFAULT_MIN_SHARD_SIZE = 256;
const DEFAULT_CLOSE_TIMEOUT = 1000;
const DEFAULT_MAX_WORKER_HEAP_MB = 1024;
// Below this, a worker cannot even import a graph module and its dependencies.
const MIN_WORKER_HEAP_MB = 16;
const SHARDS_PER_WORKER = 4;
/**
 * How long a worker has to end a load whose execution was aborted (its statement cancelled)
 * before it is stopped and replaced.
 */
const ABORT_GRACE_MS = 100;
/** The key of an inline context for an execution without a signal. */
const NO_SIGNAL: object = {};
const PROBE_SIZE = 64;

type SlotState = "down" | "starting" | "ready";

/** One worker of the pool; its number stays when the worker is replaced. */
class Slot {
  readonly number: number;
  worker: ThreadWorker | null = null;
  state: SlotState = "down";
  current: Shard | null = null;
  timer: ReturnType<typeof setTimeout> | null = null;
  onClosed: ((error: unknown) => void) | null = null;

  constructor(number: number) {
    this.number = number;
  }
}

/** A part of a job's batch, queued for a worker. */
interface Shard {
  readonly job: Job;
  readonly part: number;
  readonly start: number;
  readonly end: number;
  id: number;
}

/** One load run in the workers: its shards' results, and the Promise the engine awaits. */
class Job {
  readonly task: LoadTask;
  readonly label: string;
  readonly graph: GraphExport;
  readonly batch: readonly unknown[] | null;
  readonly context: Context | null;
  readonly promise: Promise<unknown>;
  settled = false;
  readonly #parts: unknown[];
  readonly #lengths: number[];
  #remaining: number;
  #resolve!: (value: unknown) => void;
  #reject!: (error: unknown) => void;
  #onAbort: AbortListener | null = null;

  constructor(
    task: LoadTask,
    graph: GraphExport,
    batch: readonly unknown[] | null,
    context: Context | null,
    lengths: number[],
  ) {
    this.task = task;
    this.label = loadLabel(task.node, task.member);
    this.graph = graph;
    this.batch = batch;
    this.context = context;
    this.#lengths = lengths;
    this.#parts = new Array(lengths.length);
    this.#remaining = lengths.length;
    this.promise = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /**
   * Fails the job when the execution is aborted, then calls `abandon` to stop its shards.
   */
  watch(signal: AbortSignal | null, abandon: (job: Job) => void): void {
    if (signal === null) return;
    this.#onAbort = new AbortListener(signal, () => {
      this.fail(new ExecutionAbortedError(signal.reason));
      abandon(this);
    });
  }

  part(index: number, value: unknown): void {
    if (this.settled) return;
    this.#parts[index] = value;
    if (--this.#remaining > 0) return;
    this.#settle();
    this.#resolve(stitch(this.#parts, this.#lengths));
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.#settle();
    this.#reject(error);
  }

  #settle(): void {
    this.settled = true;
    this.#onAbort?.remove();
    this.#onAbort = null;
  }
}

function closedError(): ExecutorError {
  return new ExecutorError("Worker pool is closed");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function positiveInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(
      `Cannot create a worker pool: "${name}" must be an integer of at least ${min}, got ${value}`,
    );
  }
  return value;
}

function moduleUrl(module: string | URL): string {
  try {
    return new URL(module).href;
  } catch {
    throw new TypeError(
      `Cannot create a worker pool: "module" must be an absolute URL, got "${module}": ` +
        `resolve it with new URL(path, import.meta.url)`,
    );
  }
}

/**
 * The result of a load run on the main thread, once checked to be one a worker could have sent
 * back: the same rule wherever a load runs. A fused region's load never goes to a worker.
 *
 * @throws {UncloneableResultError} (or rejects with it) naming node, field and entry.
 */
function checked(task: LoadTask, args: readonly unknown[], result: unknown, offset = 0): unknown {
  if (task.kind === "fused") return result;
  if (isThenable(result)) {
    return Promise.resolve(result).then((value) => checkedValue(task, args, value, offset));
  }
  return checkedValue(task, args, result, offset);
}

function checkedValue(task: LoadTask, args: readonly unknown[], value: unknown, offset: number) {
  const error = uncloneableResult(
    task.kind as "fields" | "link",
    task.node,
    task.member,
    args,
    task.batchArg,
    offset,
    value,
  );
  if (error !== null) throw error;
  return value;
}

function withBatch(task: LoadTask, batch: readonly unknown[]): unknown[] {
  const args = task.args.slice();
  args[task.batchArg] = batch;
  return args;
}

/**
 * Runs loaders in a pool of worker threads (`node:worker_threads`, each with a bounded heap). Independent loads go to idle workers concurrently; a
 * large batch for one loader is split into shards across workers and put back in order; cheap or
 * small loads run on the main thread with no message round trip.
 *
 * The context given to `execute` is merged over each thread's own context (from the module's
 * `createContext`); its values must be structured-cloneable, since they are sent to workers.
 * A loader that throws fails the query with its error (message and the worker's stack); a worker
 * that dies fails the load it was running and is replaced; `close()` rejects unfinished work and
 * stops every worker.
 *
 * @example
 * ```ts ignore
 * import { Engine } from "../mod.ts";
 * import { WorkerPoolExecutor } from "./worker_pool.ts";
 *
 * await using pool = new WorkerPoolExecutor({ module: new URL("./graph.ts", import.meta.url) });
 * const engine = new Engine(pool);
 * ```
 */
export class WorkerPoolExecutor implements Executor, AsyncDisposable {
  /** The number of workers. */
  readonly size: number;
  /** The URL of the module the workers import. */
  readonly module: string;
  /** The heap limit of each worker, in megabytes (`maxWorkerHeapMb`). */
  readonly maxWorkerHeapMb: number;
  readonly #inlineThreshold: number;
  readonly #inlineCostPerId: number;
  readonly #inlineUnbatched: boolean;
  readonly #shardSize: number | null;
  readonly #minShardSize: number;
  readonly #taskTimeout: number | null;
  readonly #closeTimeout: number;
  readonly #slots: Slot[] = [];
  #queue: Shard[] = [];
  #nextId = 1;
  #closing: Promise<void> | null = null;
  #readyWaiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  readonly #stats = new WeakMap<Loader, LoaderStats>();
  readonly #checkedContexts = new WeakMap<Context, ExecutorError | null>();
  readonly #inlineContexts = new WeakMap<Context, WeakMap<object, Context>>();
  #mainModule: Promise<{ readonly [name: string]: unknown }> | null = null;
  #mainGraphs: ModuleGraphs | null = null;
  #mainContext: Promise<Context> | null = null;
  #mainOwn: Context | null = null;

  /**
   * Creates a pool. Workers start on the first load that needs them (or on {@linkcode ready}).
   *
   * @param options The module, the pool size, and where loads run.
   * @throws {RangeError} When a size, threshold or timeout is not a valid number.
   * @throws {TypeError} When `module` is not an absolute URL.
   */
  constructor(options: WorkerPoolOptions) {
    this.module = moduleUrl(options.module);
    this.size = positiveInteger("size", options.size ?? navigator.hardwareConcurrency ?? 1, 1);
    this.#inlineThreshold = positiveInteger(
      "inlineThreshold",
      options.inlineThreshold ?? DEFAULT_INLINE_THRESHOLD,
      0,
    );
    const cost = options.inlineCostPerId ?? DEFAULT_INLINE_COST_PER_ID;
    if (!(cost >= 0) || !Number.isFinite(cost)) {
      throw new RangeError(
        `Cannot create a worker pool: "inlineCostPerId" must be a finite number of at least 0, got ${cost}`,
      );
    }
    this.#inlineCostPerId = cost;
    this.#inlineUnbatched = options.inlineUnbatched ?? true;
    this.#shardSize = options.shardSize === undefined || options.shardSize === null
      ? null
      : positiveInteger("shardSize", options.shardSize, 1);
    this.#minShardSize = positiveInteger(
      "minShardSize",
      options.minShardSize ?? DEFAULT_MIN_SHARD_SIZE,
      1,
    );
    this.#taskTimeout = options.taskTimeout === undefined || options.taskTimeout === null
      ? null
      : positiveInteger("taskTimeout", options.taskTimeout, 1);
    this.#closeTimeout = positiveInteger(
      "closeTimeout",
      options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT,
      0,
    );
    this.maxWorkerHeapMb = positiveInteger(
      "maxWorkerHeapMb",
      options.maxWorkerHeapMb ?? DEFAULT_MAX_WORKER_HEAP_MB,
      MIN_WORKER_HEAP_MB,
    );
    for (let n = 1; n <= this.size; n++) this.#slots.push(new Slot(n));
  }

  /**
   * Runs one loader call: on the main thread, or in the workers (see the module doc for which).
   *
   * @param task The loader call.
   * @param scope The execution's context and signal.
   * @returns The loader's result, or a Promise of it.
   * @throws {ExecutorError} When the pool is closed, or a context value cannot be sent to a
   *   worker (names the key). Loads in workers reject with an ExecutorError when the worker dies.
   */
  load(task: LoadTask, scope: LoadScope): unknown {
    if (this.#closing !== null) throw closedError();
    // A fused region's load is made by the plan: no worker could find it. It waits on I/O.
    if (task.kind === "fused") return this.#runInline(task, scope, null);
    if (task.batchArg < 0) {
      return this.#inlineUnbatched
        ? this.#runInline(task, scope, null)
        : this.#offload(task, scope, null);
    }
    const batch = task.args[task.batchArg] as readonly unknown[];
    const stats = this.#stats.get(task.loader);
    switch (placeBatch(batch.length, stats, this.#inlineThreshold, this.#inlineCostPerId)) {
      case "inline":
        return this.#runInline(task, scope, stats ?? null);
      case "probe":
        return this.#probe(task, scope, batch);
      case "workers":
        return this.#offload(task, scope, batch);
    }
  }

  /**
   * The number of entries per shard the pool uses for a batch of that many entries.
   *
   * @param entries Entries in the batch.
   * @returns Entries per shard (the last shard may have fewer).
   * @example
   * ```ts ignore
   * console.log(pool.shardSizeFor(100_000)); // 12500 with 2 workers
   * ```
   */
  shardSizeFor(entries: number): number {
    return shardSizeFor(
      entries,
      this.size,
      this.#shardSize,
      this.#minShardSize,
      SHARDS_PER_WORKER,
    );
  }

  /**
   * Starts the workers now rather than on the first load that needs them, and waits until each
   * has imported the module and created its context.
   *
   * @returns A Promise that resolves when every worker is ready.
   * @throws {ExecutorError} (rejects) When a worker cannot import the module or create its
   *   context, or the pool is closed.
   */
  ready(): Promise<void> {
    if (this.#closing !== null) return Promise.reject(closedError());
    this.#startSlots();
    if (this.#slots.every((slot) => slot.state === "ready")) return Promise.resolve();
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
  }

  /**
   * Closes the pool: rejects every load queued for or running in a worker with an
   * {@linkcode ExecutorError} ("Worker pool is closed"), lets idle workers dispose of their
   * contexts, stops every worker, and disposes of the main thread's context. Later loads reject.
   * Calling it again returns the same Promise.
   *
   * @returns A Promise that resolves once no worker is running.
   * @throws {ExecutorError} (rejects, after everything has stopped) When a context could not be
   *   disposed of.
   */
  close(): Promise<void> {
    if (this.#closing !== null) return this.#closing;
    const error = closedError();
    const queue = this.#queue;
    this.#queue = [];
    for (const shard of queue) shard.job.fail(error);
    for (const slot of this.#slots) slot.current?.job.fail(error);
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const waiter of waiters) waiter.reject(error);
    this.#closing = this.#shutdown();
    return this.#closing;
  }

  /**
   * Closes the pool, for `await using`.
   *
   * @returns A Promise that resolves once no worker is running.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutdown(): Promise<void> {
    const results = await Promise.allSettled(this.#slots.map((slot) => this.#stopSlot(slot)));
    const failures: unknown[] = [];
    for (const result of results) if (result.status === "rejected") failures.push(result.reason);
    let main: Context | null = null;
    try {
      main = await this.#mainContext;
    } catch {
      // Not created: nothing to dispose of (the loads that needed it failed with the reason).
    }
    if (main !== null) {
      try {
        await disposeContext(main);
      } catch (error) {
        failures.push(
          new ExecutorError(
            `The main thread's context could not be disposed of: ${messageOf(error)}`,
            { cause: error },
          ),
        );
      }
    }
    if (failures.length > 0) throw failures[0];
  }

  #stopSlot(slot: Slot): Promise<void> {
    const worker = slot.worker;
    if (worker === null) return Promise.resolve();
    const shard = slot.current;
    if (shard !== null) {
      // Its load is abandoned as an aborted one is (a statement is cancelled on the server);
      // the worker is stopped once the grace has passed, whether or not the load ended in it.
      this.#stopShard(slot, shard);
      return new Promise((resolve) =>
        setTimeout(() => {
          if (slot.worker === worker) this.#terminate(slot);
          resolve();
        }, ABORT_GRACE_MS)
      );
    }
    if (this.#closeTimeout === 0) {
      this.#terminate(slot);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => slot.onClosed?.(null), this.#closeTimeout);
      slot.onClosed = (error) => {
        clearTimeout(timer);
        slot.onClosed = null;
        this.#terminate(slot);
        if (error === null) resolve();
        else {
          reject(
            new ExecutorError(
              `Worker ${slot.number} could not dispose of its context: ${messageOf(error)}`,
              { cause: error },
            ),
          );
        }
      };
      worker.postMessage({ type: "close" });
    });
  }

  #terminate(slot: Slot): void {
    if (slot.timer !== null) clearTimeout(slot.timer);
    slot.timer = null;
    slot.current = null;
    const worker = slot.worker;
    // First: terminate() may emit the worker's "exit" event before it returns.
    slot.worker = null;
    slot.state = "down";
    worker?.terminate().catch(() => {});
  }

  // Main thread

  /** Runs a load on the main thread; times it when `stats` is given. */
  #runInline(task: LoadTask, scope: LoadScope, stats: LoaderStats | null): unknown {
    let ctx: Context | null = null;
    if (task.passContext) {
      ctx = this.#inlineContext(scope.rawContext, scope.signal);
      if (ctx === null) {
        return this.#afterMainContext(() => this.#runInline(task, scope, stats));
      }
    }
    if (stats === null) return checked(task, task.args, callLoader(task.loader, ctx, task.args));
    const start = performance.now();
    const result = callLoader(task.loader, ctx, task.args);
    recordRun(
      stats,
      performance.now() - start,
      (task.args[task.batchArg] as unknown[]).length,
      isThenable(result),
    );
    return checked(task, task.args, result);
  }

  /**
   * The first large batch of a loader: times it on a first slice, on the main thread, then runs
   * the rest in place (cheap) or in the workers (costly, or returning a Promise).
   */
  #probe(task: LoadTask, scope: LoadScope, batch: readonly unknown[]): unknown {
    let ctx: Context | null = null;
    if (task.passContext) {
      ctx = this.#inlineContext(scope.rawContext, scope.signal);
      if (ctx === null) return this.#afterMainContext(() => this.#probe(task, scope, batch));
    }
    const n = batch.length;
    const k = Math.min(PROBE_SIZE, n >> 1);
    const stats = newStats();
    if (k === 0) {
      this.#stats.set(task.loader, stats);
      return this.#runInline(task, scope, stats);
    }
    const headArgs = withBatch(task, batch.slice(0, k));
    const start = performance.now();
    const firstPart = callLoader(task.loader, ctx, headArgs);
    recordRun(stats, performance.now() - start, k, isThenable(firstPart));
    this.#stats.set(task.loader, stats);
    const head = checked(task, headArgs, firstPart);
    if (stats.async || stats.costPerId >= this.#inlineCostPerId) {
      return this.#offload(task, scope, batch, k, head);
    }
    const tailArgs = withBatch(task, batch.slice(k));
    const restStart = performance.now();
    const rest = callLoader(task.loader, ctx, tailArgs);
    recordRun(stats, performance.now() - restStart, n - k, isThenable(rest));
    const tail = checked(task, tailArgs, rest, k);
    const lengths = [k, n - k];
    if (!isThenable(head) && !isThenable(tail)) return stitch([head, tail], lengths);
    return Promise.all([head, tail]).then((parts) => stitch(parts, lengths));
  }

  /** Runs `run` once the main thread's context exists, unless the pool closed meanwhile. */
  #afterMainContext(run: () => unknown): Promise<unknown> {
    return this.#loadMainContext().then(() => {
      if (this.#closing !== null) throw closedError();
      return run();
    });
  }

  /**
   * The context inline loaders see for a request, or `null` until the main context exists: with
   * the execution's signal, so that `signalOf` gives it to a loader on the main thread too (a
   * Postgres statement, a fused region's included, is cancelled when the execution aborts).
   */
  #inlineContext(raw: Context, signal: AbortSignal | null): Context | null {
    let bySignal = this.#inlineContexts.get(raw);
    const key = signal ?? NO_SIGNAL;
    const cached = bySignal?.get(key);
    if (cached !== undefined) return cached;
    this.#checkContext(raw);
    if (this.#mainOwn === null) return null;
    const ctx = mergeContexts(this.#mainOwn, raw, signal);
    if (bySignal === undefined) this.#inlineContexts.set(raw, bySignal = new WeakMap());
    bySignal.set(key, ctx);
    return ctx;
  }

  #importMain(): Promise<{ readonly [name: string]: unknown }> {
    if (this.#mainModule === null) {
      const imported = import(this.module) as Promise<{ readonly [name: string]: unknown }>;
      this.#mainModule = imported;
      imported.catch(() => {
        if (this.#mainModule === imported) this.#mainModule = null;
      });
    }
    return this.#mainModule;
  }

  #loadMainGraphs(): Promise<ModuleGraphs> {
    return this.#importMain().then((exports) => {
      this.#mainGraphs ??= moduleGraphs(exports, this.module);
      return this.#mainGraphs;
    });
  }

  #loadMainContext(): Promise<Context> {
    if (this.#mainContext === null) {
      const created = this.#importMain().then((exports) => createOwnContext(exports, this.module));
      this.#mainContext = created;
      created.then(
        (ctx) => {
          if (this.#mainContext === created) this.#mainOwn = ctx;
        },
        () => {
          if (this.#mainContext === created) this.#mainContext = null;
        },
      );
    }
    return this.#mainContext;
  }

  /** Checks, once per context object, that every value can be sent to a worker. */
  #checkContext(raw: Context): void {
    let problem = this.#checkedContexts.get(raw);
    if (problem === undefined) {
      problem = null;
      for (const key of Object.keys(raw)) {
        const reason = unsendable(raw[key]);
        if (reason !== null) {
          problem = new ExecutorError(
            `Context value "${key}" cannot be sent to a worker: ${reason}; pass plain data, ` +
              `and open resources in the module's createContext`,
          );
          break;
        }
      }
      this.#checkedContexts.set(raw, problem);
    }
    if (problem !== null) throw problem;
  }

  // Workers

  /**
   * Sends a load to the workers, from entry `start` of its batch; `head` is the (probe's) result
   * for the entries before it.
   */
  #offload(
    task: LoadTask,
    scope: LoadScope,
    batch: readonly unknown[] | null,
    start = 0,
    head?: unknown,
  ): Promise<unknown> {
    // The probe's result, when it is a Promise, must not go unhandled if this fails early.
    if (isThenable(head)) head.then(undefined, () => {});
    let context: Context | null = null;
    if (task.passContext) {
      try {
        this.#checkContext(scope.rawContext);
      } catch (error) {
        return Promise.reject(error);
      }
      context = scope.rawContext;
    }
    const graphs = this.#mainGraphs;
    if (graphs === null) {
      return this.#loadMainGraphs().then(() => this.#offload(task, scope, batch, start, head));
    }
    if (this.#closing !== null) return Promise.reject(closedError());
    // Aborted while the workers' graphs were loading: send nothing.
    const signal = scope.signal;
    if (signal !== null && signal.aborted) {
      return Promise.reject(new ExecutionAbortedError(signal.reason));
    }
    let graph: GraphExport;
    if (memberLoader(graphs.graph, task.node, task.member) === task.loader) graph = "graph";
    else if (
      graphs.mutationGraph !== null &&
      memberLoader(graphs.mutationGraph, task.node, task.member) === task.loader
    ) {
      graph = "mutationGraph";
    } else {
      return Promise.reject(
        new ExecutorError(
          `Loader of ${loadLabel(task.node, task.member)} is not the one module "${this.module}" ` +
            `exports: workers find loaders by name in that module's graph, so execute that graph`,
        ),
      );
    }
    const lengths: number[] = [];
    const bounds: number[] = [];
    if (start > 0) lengths.push(start);
    if (batch === null) {
      lengths.push(0);
      bounds.push(0, 0);
    } else {
      const n = batch.length - start;
      const size = this.shardSizeFor(n);
      for (let from = start; from < batch.length; from += size) {
        const to = Math.min(from + size, batch.length);
        lengths.push(to - from);
        bounds.push(from, to);
      }
    }
    const job = new Job(task, graph, batch, context, lengths);
    job.watch(scope.signal, this.#abandonJob);
    let part = 0;
    if (start > 0) {
      if (isThenable(head)) head.then((value) => job.part(0, value), (error) => job.fail(error));
      else job.part(0, head);
      part = 1;
    }
    for (let b = 0; b < bounds.length; b += 2, part++) {
      this.#queue.push({ job, part, start: bounds[b]!, end: bounds[b + 1]!, id: 0 });
    }
    this.#startSlots();
    this.#dispatch();
    return job.promise;
  }

  readonly #abandonJob = (job: Job): void => this.#abandon(job);

  #startSlots(): void {
    for (const slot of this.#slots) if (slot.state === "down") this.#startSlot(slot);
  }

  #startSlot(slot: Slot): void {
    let worker: ThreadWorker;
    try {
      worker = new ThreadWorker(WORKER_ENTRY, {
        name: `hiku-ts worker ${slot.number}`,
        resourceLimits: { maxOldGenerationSizeMb: this.maxWorkerHeapMb },
      });
    } catch (error) {
      this.#startFailed(slot, error);
      return;
    }
    threadStarted();
    slot.worker = worker;
    slot.state = "starting";
    worker.on("message", (message: FromWorker) => {
      if (slot.worker === worker) this.#receive(slot, message);
    });
    worker.on("error", (error: Error & { code?: string }) => {
      if (slot.worker !== worker) return;
      if (error.code === "ERR_WORKER_OUT_OF_MEMORY") this.#outOfMemory(slot);
      else this.#lost(slot, "died", error.message, error);
    });
    worker.on("exit", (code: number) => {
      threadExited();
      if (slot.worker === worker) this.#lost(slot, "died", `it exited with code ${code}`);
    });
    worker.on("messageerror", () => {
      if (slot.worker !== worker || slot.current === null) return;
      const shard = slot.current;
      this.#finished(slot);
      shard.job.fail(
        new ExecutorError(
          `Result of ${shard.job.label} could not be read from worker ${slot.number}`,
        ),
      );
      this.#dispatch();
    });
    worker.postMessage({ type: "init", module: this.module });
  }

  #receive(slot: Slot, message: FromWorker): void {
    switch (message.type) {
      case "ready":
        slot.state = "ready";
        if (this.#slots.every((s) => s.state === "ready")) {
          const waiters = this.#readyWaiters;
          this.#readyWaiters = [];
          for (const waiter of waiters) waiter.resolve();
        }
        this.#dispatch();
        return;
      case "initFailed":
        this.#startFailed(slot, deserializeError(message.error));
        return;
      case "done": {
        const shard = slot.current;
        if (shard === null || shard.id !== message.id) return;
        this.#finished(slot);
        const stats = this.#stats.get(shard.job.task.loader);
        if (stats !== undefined) {
          recordRun(stats, message.ms, shard.end - shard.start, message.async);
        }
        let value: unknown;
        try {
          value = decodeResult(message.result);
        } catch (error) {
          shard.job.fail(error);
          this.#dispatch();
          return;
        }
        shard.job.part(shard.part, value);
        this.#dispatch();
        return;
      }
      case "failed": {
        const shard = slot.current;
        if (shard === null || shard.id !== message.id) return;
        this.#finished(slot);
        shard.job.fail(deserializeError(message.error));
        this.#dispatch();
        return;
      }
      case "exit":
        this.#lost(
          slot,
          "died",
          message.reason,
          message.error === null ? undefined : deserializeError(message.error),
        );
        return;
      case "outOfMemory":
        this.#outOfMemory(slot);
        return;
      case "closed":
        slot.onClosed?.(message.error === null ? null : deserializeError(message.error));
        return;
    }
  }

  /** A worker's heap reached its limit: fail its load with a WorkerMemoryError, replace it. */
  #outOfMemory(slot: Slot): void {
    const shard = slot.current;
    if (shard === null) {
      this.#lost(
        slot,
        "ran out of memory",
        `its JavaScript heap reached the limit of ${this.maxWorkerHeapMb} MB (maxWorkerHeapMb)`,
      );
      return;
    }
    const task = shard.job.task;
    this.#lost(
      slot,
      "ran out of memory",
      "",
      undefined,
      new WorkerMemoryError(slot.number, task.node ?? "root", task.member, this.maxWorkerHeapMb),
    );
  }

  /**
   * An execution was aborted while this job of it was in the workers: drop its queued shards,
   * and stop and replace the workers running its shards (one shard per worker: no other
   * execution's work is lost).
   */
  #abandon(job: Job): void {
    this.#queue = this.#queue.filter((shard) => shard.job !== job);
    for (const slot of this.#slots) {
      const shard = slot.current;
      if (shard !== null && shard.job === job) this.#stopShard(slot, shard);
    }
    this.#dispatch();
  }

  /**
   * Stops a shard whose job has failed (aborted, or past `taskTimeout`): the worker aborts the
   * signal its loader's context holds, so that a statement is cancelled on the server, and
   * answers when the load ends; a worker that has not answered within {@linkcode ABORT_GRACE_MS}
   * (a loader that ignores its signal, or that computes without yielding) is stopped and
   * replaced. Until then the worker takes no other shard.
   */
  #stopShard(slot: Slot, shard: Shard): void {
    if (slot.timer !== null) clearTimeout(slot.timer);
    slot.worker?.postMessage({ type: "abort", id: shard.id });
    slot.timer = setTimeout(() => {
      slot.timer = null;
      if (slot.current !== shard) return;
      this.#terminate(slot);
      if (this.#closing === null) this.#startSlot(slot);
      this.#dispatch();
    }, ABORT_GRACE_MS);
  }

  #finished(slot: Slot): void {
    slot.current = null;
    if (slot.timer !== null) clearTimeout(slot.timer);
    slot.timer = null;
  }

  /** A worker died or was stopped: fail its work (with `error`, when given), replace it. */
  #lost(slot: Slot, what: string, reason: string, cause?: unknown, error?: ExecutorError): void {
    const shard = slot.current;
    const wasReady = slot.state === "ready";
    this.#terminate(slot);
    if (slot.onClosed !== null) {
      slot.onClosed(null);
      return;
    }
    if (shard !== null) {
      shard.job.fail(
        error ?? new ExecutorError(
          `Worker ${slot.number} ${what} while loading ${shard.job.label}: ${reason}`,
          cause === undefined ? {} : { cause },
        ),
      );
    }
    if (this.#closing !== null) return;
    if (wasReady) {
      this.#startSlot(slot);
    } else {
      this.#startFailed(
        slot,
        new ExecutorError(`Worker ${slot.number} ${what} while starting: ${reason}`),
      );
    }
    this.#dispatch();
  }

  /** A worker could not start: loads wait for the others, or fail when none is left. */
  #startFailed(slot: Slot, cause: unknown): void {
    this.#terminate(slot);
    if (slot.onClosed !== null) {
      slot.onClosed(null);
      return;
    }
    const error = new ExecutorError(
      `Worker ${slot.number} could not load module "${this.module}": ${messageOf(cause)}`,
      { cause },
    );
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const waiter of waiters) waiter.reject(error);
    if (this.#slots.some((s) => s.state !== "down")) return;
    const queue = this.#queue;
    this.#queue = [];
    for (const shard of queue) shard.job.fail(error);
  }

  #dispatch(): void {
    const queue = this.#queue;
    for (let s = 0; s < this.#slots.length && queue.length > 0; s++) {
      const slot = this.#slots[s]!;
      if (slot.state !== "ready" || slot.current !== null) continue;
      while (queue.length > 0) {
        const shard = queue.shift()!;
        if (!shard.job.settled && this.#send(slot, shard)) break;
      }
    }
  }

  #send(slot: Slot, shard: Shard): boolean {
    const job = shard.job;
    const task = job.task;
    const transfer: ArrayBuffer[] = [];
    let args = task.args;
    let batch: EncodedValues | null = null;
    if (job.batch !== null) {
      const copy = task.args.slice();
      copy[task.batchArg] = null;
      args = copy;
      batch = encodeValues(job.batch, shard.start, shard.end, transfer);
    }
    shard.id = this.#nextId++;
    const message: LoadMessage = {
      type: "load",
      id: shard.id,
      kind: task.kind as "fields" | "link",
      offset: shard.start,
      graph: job.graph,
      node: task.node,
      member: task.member,
      args,
      batchArg: task.batchArg,
      batch,
      context: job.context,
    };
    try {
      slot.worker!.postMessage(message, transfer);
    } catch (error) {
      job.fail(
        new ExecutorError(
          `Arguments of ${job.label} cannot be sent to a worker: ${messageOf(error)}`,
          { cause: error },
        ),
      );
      return false;
    }
    slot.current = shard;
    const timeout = this.#taskTimeout;
    if (timeout !== null) {
      slot.timer = setTimeout(() => {
        slot.timer = null;
        shard.job.fail(
          new ExecutorError(
            `Worker ${slot.number} timed out while loading ${shard.job.label}: no result within ` +
              `${timeout} ms (taskTimeout), so its loader's signal was aborted; the worker is ` +
              `replaced unless the load ends within ${ABORT_GRACE_MS} ms`,
          ),
        );
        this.#stopShard(slot, shard);
      }, timeout);
    }
    return true;
  }
}

const CLONEABLE_CLASSES: readonly (abstract new (...args: never[]) => unknown)[] = [
  Date,
  RegExp,
  Map,
  Set,
  ArrayBuffer,
  SharedArrayBuffer,
  Error,
  Blob,
];

/** Why a context value cannot be sent to a worker, or `null` when it can. */
function unsendable(value: unknown): string | null {
  if (typeof value === "function") return "it is a function";
  if (typeof value === "symbol") return "it is a symbol";
  if (typeof value === "object" && value !== null) {
    const proto = Object.getPrototypeOf(value);
    if (
      proto !== Object.prototype && proto !== null && !Array.isArray(value) &&
      !ArrayBuffer.isView(value) && !CLONEABLE_CLASSES.some((c) => value instanceof c)
    ) {
      const name = (proto as { constructor?: { name?: string } }).constructor?.name ?? "an object";
      return `it is an instance of ${name}, which would arrive as a plain object without its methods`;
    }
  }
  try {
    structuredClone(value);
  } catch (error) {
    // The message quotes the offending value (a function's source, say): keep it short.
    const detail = messageOf(error).replace(/\.$/, "");
    return `structured clone cannot copy it: ${
      detail.length > 80 ? `${detail.slice(0, 77)}...` : detail
    }`;
  }
  return null;
}
