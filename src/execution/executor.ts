/**
 * The contract between the engine and an executor. The engine plans and describes each loader
 * call as a {@linkcode LoadTask}; an executor runs it (inline, on the event loop, or in workers)
 * and returns the loader's result or a Promise of it.
 *
 * @module
 */

import type { Context } from "../definitions/context.ts";
import type { Loader } from "../definitions/members.ts";

/** One loader call, as planned by the engine. */
export interface LoadTask {
  /**
   * `"fields"` for a field loader, `"link"` for a link loader, `"fused"` for the one load of a
   * fused region (its loader is made by the plan, so it runs where the engine runs).
   */
  readonly kind: "fields" | "link" | "fused";
  /** The node the loader belongs to, or `null` for the root. */
  readonly node: string | null;
  /** A member (field or link) name that identifies the loader on its node (a region's label). */
  readonly member: string;
  /** The loader. */
  readonly loader: Loader;
  /** Whether the loader takes the context as its first argument. */
  readonly passContext: boolean;
  /** The arguments, after the context: `[fields, ids]`, `[fields]`, `[requires, options?]`, ... */
  readonly args: readonly unknown[];
  /**
   * Which argument holds the per-id batch (ids or required values), whose result has one entry
   * per batch entry in order; `-1` when the call cannot be split.
   */
  readonly batchArg: number;
}

/** What an executor gets besides the task: the context, as loaders see it and as given. */
export interface LoadScope {
  /** The context as loaders see it (missing keys throw). */
  readonly context: Context;
  /** The plain object given to `execute`. */
  readonly rawContext: Context;
  /** Aborts the execution, when given. */
  readonly signal: AbortSignal | null;
}

/** Runs loader calls for the engine. */
export interface Executor {
  /**
   * Runs one loader call.
   *
   * @param task The call.
   * @param scope The context and signal of the execution.
   * @returns The loader's result, or a Promise of it.
   */
  load(task: LoadTask, scope: LoadScope): unknown;
}
