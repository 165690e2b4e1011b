/**
 * The entry point of each worker of the worker pool executor (private), run as a
 * `node:worker_threads` Worker so that its heap can be bounded. It imports the module that
 * defines the graph, creates the worker's own context with the module's `createContext`, then
 * runs the loader calls it is sent, finding each loader by node and member name.
 *
 * @module
 */

import { parentPort } from "node:worker_threads";
import { getHeapStatistics } from "node:v8";
import { setImmediate } from "node:timers";
import { type Context, isContextLoader } from "../src/definitions/context.ts";
import { ExecutorError } from "../src/base/errors.ts";
import { UncloneableResultError } from "./_pool_errors.ts";
import {
  callLoader,
  createOwnContext,
  decodeValues,
  disposeContext,
  type EncodedResult,
  encodeResult,
  type FromWorker,
  isThenable,
  loadLabel,
  type LoadMessage,
  memberLoader,
  mergeContexts,
  type ModuleGraphs,
  moduleGraphs,
  serializeError,
  type ToWorker,
  uncloneableResult,
} from "./_pool_protocol.ts";

if (parentPort === null) throw new Error("executors/_worker.ts runs only as a pool's worker");
const port = parentPort;

function post(message: FromWorker, transfer?: ArrayBuffer[]): void {
  port.postMessage(message, transfer);
}

interface WorkerScope {
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;

// A worker that closes itself would end with only an exit code: say why first, so the pool can
// fail the work it had with the reason and replace the worker.
const closeSelf = scope.close.bind(scope);
scope.close = () => {
  post({ type: "exit", reason: "it called self.close()", error: null });
  closeSelf();
};
// An uncaught error would end the worker with only a line on stderr: end it here instead, and
// send the error (with its stack) so the pool can fail the load with it and replace the worker.
globalThis.addEventListener("error", (event) => {
  event.preventDefault();
  die("Uncaught", event.error ?? event.message);
});
globalThis.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  die("Uncaught (in promise)", event.reason);
});

function die(what: string, error: unknown): void {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  post({ type: "exit", reason: `${what} ${reason}`, error: serializeError(error) });
  closeSelf();
}

const exit = Deno.exit;
Object.defineProperty(Deno, "exit", {
  configurable: true,
  writable: true,
  value: (code?: number): never => {
    post({ type: "exit", reason: `it called Deno.exit(${code ?? ""})`, error: null });
    return exit(code);
  },
});

// When the heap reaches its limit, Deno stops the JavaScript running (and raises the limit, so the
// worker can still report). In a task (a message, a timer, an immediate) that ends the worker with
// ERR_WORKER_OUT_OF_MEMORY. In a microtask (after a loader's `await`), it only drops that Promise
// chain, and the load would never end: a grown limit is the trace it leaves, watched for while a
// Promise-returning load runs.
const HEAP_LIMIT = getHeapStatistics().heap_size_limit;
const WATCH_MS = 50;
let watchdog: ReturnType<typeof setInterval> | null = null;

function watchHeap(): void {
  watchdog ??= setInterval(() => {
    if (getHeapStatistics().heap_size_limit <= HEAP_LIMIT) return;
    post({ type: "outOfMemory" });
    closeSelf();
  }, WATCH_MS);
}

function unwatchHeap(): void {
  if (watchdog !== null) clearInterval(watchdog);
  watchdog = null;
}

let moduleUrl = "";
let graphs: ModuleGraphs | null = null;
let own: Context = {};
let starting: Promise<void> = Promise.resolve();

port.on("message", (message: ToWorker) => {
  switch (message.type) {
    case "init":
      moduleUrl = message.module;
      starting = start();
      return;
    case "load":
      // Run from a task of its own, not from this message's dispatch (a Promise chain): a heap
      // that runs out in a task ends the worker with an error the pool can tell.
      setImmediate(load, message);
      return;
    case "close":
      void stop();
      return;
    case "abort":
      inFlight.get(message.id)?.abort(
        new DOMException("The execution was aborted", "AbortError"),
      );
      return;
  }
});

/**
 * The signals of the loads in flight that take a context, by message id: the pool aborts one
 * when the execution it serves is aborted, so that its statement is cancelled on the server.
 */
const inFlight = new Map<number, AbortController>();

async function start(): Promise<void> {
  try {
    const exports = await import(moduleUrl);
    graphs = moduleGraphs(exports, moduleUrl);
    own = await createOwnContext(exports, moduleUrl);
  } catch (error) {
    post({ type: "initFailed", error: serializeError(error) });
    return;
  }
  post({ type: "ready" });
}

async function stop(): Promise<void> {
  await starting;
  try {
    await disposeContext(own);
  } catch (error) {
    post({ type: "closed", error: serializeError(error) });
    return;
  }
  post({ type: "closed", error: null });
}

function load(message: LoadMessage): void {
  let args: unknown[];
  let result: unknown;
  let ms: number;
  let controller: AbortController | null = null;
  let ctx: Context | null = null;
  try {
    const graph = message.graph === "graph" ? graphs!.graph : graphs!.mutationGraph;
    const loader = graph === null ? undefined : memberLoader(graph, message.node, message.member);
    if (loader === undefined) {
      throw new ExecutorError(
        `${
          loadLabel(message.node, message.member)
        } is not in the ${message.graph} of module "${moduleUrl}"`,
      );
    }
    args = message.args.slice();
    if (message.batchArg >= 0) args[message.batchArg] = decodeValues(message.batch!);
    if (isContextLoader(loader)) {
      controller = new AbortController();
      ctx = mergeContexts(own, message.context ?? {}, controller.signal);
    }
    const start = performance.now();
    result = callLoader(loader, ctx, args);
    ms = performance.now() - start;
  } catch (error) {
    post({ type: "failed", id: message.id, error: serializeError(error) });
    return;
  }
  if (!isThenable(result)) {
    done(message, args, result, ms, false);
    return;
  }
  watchHeap();
  if (controller !== null) inFlight.set(message.id, controller);
  result.then(
    (value) => {
      unwatchHeap();
      inFlight.delete(message.id);
      done(message, args, value, ms, true);
    },
    (error) => {
      unwatchHeap();
      inFlight.delete(message.id);
      post({ type: "failed", id: message.id, error: serializeError(error) });
    },
  );
}

function done(
  message: LoadMessage,
  args: readonly unknown[],
  value: unknown,
  ms: number,
  isAsync: boolean,
): void {
  const refused = uncloneableResult(
    message.kind,
    message.node,
    message.member,
    args,
    message.batchArg,
    message.offset,
    value,
  );
  if (refused !== null) {
    post({ type: "failed", id: message.id, error: serializeError(refused) });
    return;
  }
  const transfer: ArrayBuffer[] = [];
  let result: EncodedResult;
  try {
    result = encodeResult(value, transfer);
    post({ type: "done", id: message.id, result, ms, async: isAsync }, transfer);
  } catch (error) {
    // What the check above does not know (a host object, say): the same error, in clone's words.
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\.$/, "");
    post({
      type: "failed",
      id: message.id,
      error: serializeError(
        new UncloneableResultError(
          message.node ?? "root",
          message.member,
          "",
          `structured clone cannot copy it: ${reason}`,
        ),
      ),
    });
  }
}
