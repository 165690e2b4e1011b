/**
 * The error classes of the worker pool executor (re-exported by `worker_pool.ts`). Both extend
 * {@linkcode ExecutorError}, so code that handles an executor's failures in general keeps working.
 *
 * @module
 */

import { ExecutorError } from "../src/base/errors.ts";

/**
 * A worker's JavaScript heap reached the pool's `maxWorkerHeapMb`: the worker was stopped and
 * replaced, and the load it was running failed. The process and the other workers go on.
 *
 * @example
 * ```ts ignore
 * try {
 *   await engine.execute(graph, read("{ stars(count: 100000) { catalogue } }"));
 * } catch (error) {
 *   if (error instanceof LoaderError && error.cause instanceof WorkerMemoryError) {
 *     console.log(error.cause.node, error.cause.member, error.cause.limitMb);
 *   }
 * }
 * ```
 */
export class WorkerMemoryError extends ExecutorError {
  /** The node whose load ran out of memory (`"root"` for the root). */
  readonly node: string;
  /** The field or link whose load ran out of memory. */
  readonly member: string;
  /** The heap limit of the pool's workers, in megabytes (`maxWorkerHeapMb`). */
  readonly limitMb: number;
  /** The worker's number in the pool (its replacement keeps the number). */
  readonly worker: number;

  /**
   * Creates the error.
   *
   * @param worker The worker's number.
   * @param node The node (`"root"` for the root).
   * @param member The field or link.
   * @param limitMb The heap limit, in megabytes.
   */
  constructor(worker: number, node: string, member: string, limitMb: number) {
    super(
      `Worker ${worker} ran out of memory while loading ${node}.${member}: its JavaScript heap ` +
        `reached the limit of ${limitMb} MB (maxWorkerHeapMb), so it was stopped and replaced`,
    );
    this.name = "WorkerMemoryError";
    this.node = node;
    this.member = member;
    this.limitMb = limitMb;
    this.worker = worker;
  }
}

/**
 * A loader run by a worker pool returned a value that structured clone cannot copy (a function,
 * a symbol, a Promise, a WeakMap, or an object holding one). The pool gives this error wherever
 * the load runs, on the main thread too, so whether a query works never depends on batch sizes.
 *
 * @example
 * ```ts ignore
 * // A loader returning `[[() => 1]]` for Star.fn fails the query with a LoaderError whose cause
 * // is: UncloneableResultError: Value of Star.fn for id 1 cannot be copied between threads: it
 * // is a function; a worker pool's loaders must return structured-cloneable values
 * ```
 */
export class UncloneableResultError extends ExecutorError {
  /** The node whose loader returned the value (`"root"` for the root). */
  readonly node: string;
  /** The field or link the value was returned for. */
  readonly member: string;
  /** Which entry: `for id 3`, `for entry 3` (links), or `""` for a call without a batch. */
  readonly entry: string;
  /** What is wrong with the value, e.g. `it is a function`, `its .sort is a function`. */
  readonly reason: string;

  /**
   * Creates the error.
   *
   * @param node The node (`"root"` for the root).
   * @param member The field or link.
   * @param entry Which entry (`for id 3`), or `""`.
   * @param reason What is wrong with the value.
   */
  constructor(node: string, member: string, entry: string, reason: string) {
    super(
      `Value of ${node}.${member}${entry === "" ? "" : ` ${entry}`} cannot be copied between ` +
        `threads: ${reason}; a worker pool's loaders must return structured-cloneable values`,
    );
    this.name = "UncloneableResultError";
    this.node = node;
    this.member = member;
    this.entry = entry;
    this.reason = reason;
  }
}
