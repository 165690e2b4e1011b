/**
 * The entry point of each worker of the worker pool executor (private). It imports the module
 * that defines the graph, creates the worker's own context with the module's `createContext`,
 * then runs the loader calls it is sent, finding each loader by node and member name.
 *
 * @module
 */

import { type Context, isContextLoader } from "../src/definitions/context.ts";
import { ExecutorError } from "../src/base/errors.ts";
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
} from "./_pool_protocol.ts";

interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;
const post = scope.postMessage.bind(scope);

// A worker that closes itself sends no event to its parent: say so first, so the pool can fail
// the work it had and replace the worker instead of waiting for it forever.
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

let moduleUrl = "";
let graphs: ModuleGraphs | null = null;
let own: Context = {};
let starting: Promise<void> = Promise.resolve();

scope.onmessage = (event) => {
  const message = event.data;
  switch (message.type) {
    case "init":
      moduleUrl = message.module;
      starting = start();
      return;
    case "load":
      load(message);
      return;
    case "close":
      void stop();
      return;
  }
};

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
  let result: unknown;
  let ms: number;
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
    const args = message.args.slice();
    if (message.batchArg >= 0) args[message.batchArg] = decodeValues(message.batch!);
    const ctx = isContextLoader(loader) ? mergeContexts(own, message.context ?? {}) : null;
    const start = performance.now();
    result = callLoader(loader, ctx, args);
    ms = performance.now() - start;
  } catch (error) {
    post({ type: "failed", id: message.id, error: serializeError(error) });
    return;
  }
  if (!isThenable(result)) {
    done(message, result, ms, false);
    return;
  }
  result.then(
    (value) => done(message, value, ms, true),
    (error) => post({ type: "failed", id: message.id, error: serializeError(error) }),
  );
}

function done(message: LoadMessage, value: unknown, ms: number, isAsync: boolean): void {
  const transfer: Transferable[] = [];
  let result: EncodedResult;
  try {
    result = encodeResult(value, transfer);
    post({ type: "done", id: message.id, result, ms, async: isAsync }, transfer);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    post({
      type: "failed",
      id: message.id,
      error: serializeError(
        new ExecutorError(
          `Result of ${
            loadLabel(message.node, message.member)
          } cannot be sent back from a worker: ${reason}`,
        ),
      ),
    });
  }
}
