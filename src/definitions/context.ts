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
 * The property {@linkcode passContext} sets (to `true`) on the loaders it marks, so that their
 * type tells them apart from loaders that do not take the context.
 */
export const PASS_CONTEXT: unique symbol = Symbol.for("hiku-ts.passContext");

/** Any function taking the context first. */
export type ContextFirst = (ctx: never, ...args: never) => unknown;

/**
 * A loader marked by {@linkcode passContext}: it takes the execution context first.
 *
 * @typeParam F The loader's own type, context first.
 */
export type ContextLoader<F extends ContextFirst = ContextFirst> = F & {
  /** Always `true`: the engine passes the context first. */
  readonly [PASS_CONTEXT]: true;
};

/**
 * Marks a loader as wanting the execution context as its first argument. Returns a new function
 * (the original is left as it is); use the returned one in `Field`/`Link`.
 *
 * Reading a key the context does not have throws a {@linkcode ContextKeyError} naming the key.
 *
 * To have the context typed without annotating the loader, name the context's type once and call
 * `passContext<Ctx>()` (see the second form), or declare the members with
 * `withContext`, which also types a link's option values.
 *
 * @typeParam F The loader's type, context first.
 * @param loader The loader, taking the context first.
 * @returns The marked loader.
 * @example
 * ```ts
 * import { passContext } from "./context.ts";
 * const toCharacters = passContext((ctx: { readonly db: { characterIds: number[] } }) =>
 *   ctx.db.characterIds
 * );
 * ```
 */
export function passContext<F extends ContextFirst>(loader: F): ContextLoader<F>;
/**
 * Gives a `passContext` for loaders whose context has the type `Ctx`: their first parameter is
 * typed `Ctx` without an annotation (the others still need theirs; `withContext`'s
 * `Field` and `Link` type them all).
 *
 * @typeParam Ctx The context's type: what `engine.execute` or the HTTP handler is given.
 * @returns A function that marks a loader taking a `Ctx` first.
 * @example
 * ```ts
 * import { passContext } from "./context.ts";
 * type Ctx = { readonly names: ReadonlyMap<number, string> };
 * const namesOf = passContext<Ctx>()((ctx, _fields: unknown, ids: readonly number[]) =>
 *   ids.map((id) => [ctx.names.get(id) ?? null])
 * );
 * ```
 */
export function passContext<Ctx>(): <A extends readonly unknown[], R>(
  loader: (ctx: Ctx, ...args: A) => R,
) => ContextLoader<(ctx: Ctx, ...args: A) => R>;
export function passContext(loader?: ContextFirst): unknown {
  if (loader === undefined) return mark;
  return mark(loader);
}

function mark<F extends ContextFirst>(loader: F): ContextLoader<F> {
  if (typeof loader !== "function") {
    throw new TypeError(`passContext() expects a loader function, got ${typeof loader}`);
  }
  const marked = loader.bind(null) as ContextLoader<F>;
  Object.defineProperty(marked, "name", { value: loader.name });
  Object.defineProperty(marked, PASS_CONTEXT, { value: true });
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

const signals = new WeakMap<Context, AbortSignal>();

/**
 * Wraps a context so that reading a missing key throws a {@linkcode ContextKeyError} and writing
 * any key throws a TypeError (loaders share one context).
 *
 * @param ctx The plain context object.
 * @param signal The execution's abort signal, which {@linkcode signalOf} returns for the view.
 * @returns A read-through view of it.
 */
export function strictContext(ctx: Context, signal: AbortSignal | null = null): Context {
  const view = new Proxy(ctx, contextHandler);
  if (signal !== null) signals.set(view, signal);
  return view;
}

/**
 * The abort signal of the execution a loader's context belongs to: the `signal` given to
 * `engine.execute` or `schema.execute`, which the HTTP endpoint aborts at its time limit or when
 * the client goes away. Loaders that do I/O pass it on, so that abandoned work stops (the Postgres
 * sources cancel their statements with it).
 *
 * @param ctx The context a loader wrapped with {@linkcode passContext} received.
 * @returns The execution's signal; `null` when the execution has none, or for a context that did
 *   not come from the engine.
 * @example
 * ```ts
 * import { passContext, signalOf } from "./context.ts";
 * const toIds = passContext(async (ctx: { readonly [key: string]: unknown }) => {
 *   const response = await fetch("https://example.com/ids", { signal: signalOf(ctx) });
 *   return await response.json();
 * });
 * ```
 */
export function signalOf(ctx: Context): AbortSignal | null {
  return signals.get(ctx) ?? null;
}
