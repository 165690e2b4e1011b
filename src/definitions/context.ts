/**
 * The execution context: the plain object given to `engine.execute`, passed to loaders wrapped
 * with {@linkcode passContext}.
 *
 * @module
 */

import { ContextKeyError } from "../base/errors.ts";

/** The execution context: a plain object, keyed by whatever the loaders agree on. */
export type Context = { readonly [key: string]: unknown };

const contextLoaders = new WeakSet<object>();

/**
 * Marks a loader as wanting the execution context as its first argument. Returns a new function
 * (the original is left as it is); use the returned one in `Field`/`Link`.
 *
 * Reading a key the context does not have throws a {@linkcode ContextKeyError} naming the key.
 *
 * @typeParam F The loader's type, context first.
 * @param loader The loader, taking the context first.
 * @returns The marked loader.
 * @example
 * ```ts
 * import { passContext } from "./context.ts";
 * const toCharacters = passContext((ctx: { readonly [key: string]: unknown }) =>
 *   (ctx.db as { characterIds: number[] }).characterIds
 * );
 * ```
 */
export function passContext<F extends (ctx: never, ...args: never[]) => unknown>(loader: F): F {
  const marked = loader.bind(null) as F;
  Object.defineProperty(marked, "name", { value: loader.name });
  contextLoaders.add(marked);
  return marked;
}

/**
 * Whether a loader was wrapped with {@linkcode passContext}.
 *
 * @param loader A loader.
 * @returns `true` when it takes the context first.
 */
export function isContextLoader(loader: unknown): boolean {
  return typeof loader === "function" && contextLoaders.has(loader);
}

function readOnly(): never {
  throw new TypeError("The execution context is read-only for loaders");
}

const contextHandler: ProxyHandler<Context> = {
  get(target, key, receiver) {
    if (typeof key === "string" && !(key in target) && key !== "then" && key !== "toJSON") {
      throw new ContextKeyError(key);
    }
    return Reflect.get(target, key, receiver);
  },
  set: readOnly,
  deleteProperty: readOnly,
  defineProperty: readOnly,
  setPrototypeOf: readOnly,
};

/**
 * Wraps a context so that reading a missing key throws a {@linkcode ContextKeyError} and writing
 * any key throws a TypeError (loaders share one context).
 *
 * @param ctx The plain context object.
 * @returns A read-through view of it.
 */
export function strictContext(ctx: Context): Context {
  return new Proxy(ctx, contextHandler);
}
