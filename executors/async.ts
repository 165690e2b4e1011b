/**
 * The asynchronous executor: runs loaders on the event loop, in the calling thread.
 *
 * @module
 */

import type { Executor, LoadScope, LoadTask } from "../src/execution/executor.ts";

/**
 * Runs each loader call directly: a loader that returns a value is used at once, one that returns
 * a Promise is awaited. Independent loads run concurrently (their Promises are in flight
 * together).
 *
 * @example
 * ```ts
 * import { AsyncExecutor, Engine } from "../mod.ts";
 * const engine = new Engine(new AsyncExecutor());
 * ```
 */
export class AsyncExecutor implements Executor {
  /**
   * Calls the task's loader with the context first when it asked for it.
   *
   * @param task The loader call.
   * @param scope The execution's context.
   * @returns The loader's result or Promise.
   */
  load(task: LoadTask, scope: LoadScope): unknown {
    const loader = task.loader as (...args: unknown[]) => unknown;
    const args = task.args;
    if (task.passContext) {
      switch (args.length) {
        case 0:
          return loader(scope.context);
        case 1:
          return loader(scope.context, args[0]);
        case 2:
          return loader(scope.context, args[0], args[1]);
        default:
          return loader(scope.context, ...args);
      }
    }
    switch (args.length) {
      case 0:
        return loader();
      case 1:
        return loader(args[0]);
      case 2:
        return loader(args[0], args[1]);
      default:
        return loader(...args);
    }
  }
}
