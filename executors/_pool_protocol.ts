/**
 * What the worker pool and its workers say to each other, and how values are packed for the
 * trip (private to the worker pool executor).
 *
 * Structured clone copies every array and every row one by one, which costs more than a cheap
 * loader does. So batches and results travel as columns: a column of numbers is written to a typed
 * array whose buffer is transferred (no copy), other columns are cloned as one flat array. Only
 * the bare `ArrayBuffer` travels: `node:worker_threads` (in Deno 2.9) copies a typed array view
 * element by element, ten times slower than it transfers the buffer under it.
 * `Nothing` is a symbol, which structured clone cannot carry: it travels as a list of positions.
 *
 * @module
 */

import { type Context, strictContext } from "../src/definitions/context.ts";
import { ContextKeyError, ExecutorError, SafeError } from "../src/base/errors.ts";
import { UncloneableResultError } from "./_pool_errors.ts";
import type { Graph } from "../src/definitions/graph.ts";
import { type Loader, Nothing } from "../src/definitions/members.ts";

/** Which export of the module a task's loader belongs to. */
export type GraphExport = "graph" | "mutationGraph";

/** Main thread to worker: import the module and create the worker's context. */
export interface InitMessage {
  readonly type: "init";
  readonly module: string;
}

/** Main thread to worker: run one loader call (a whole batch or a shard of one). */
export interface LoadMessage {
  readonly type: "load";
  readonly id: number;
  /** A field loader's or a link loader's call: how its result is shaped. */
  readonly kind: "fields" | "link";
  /** Where this shard starts in the whole batch, to name an entry in messages. */
  readonly offset: number;
  readonly graph: GraphExport;
  readonly node: string | null;
  readonly member: string;
  /** The arguments, with the batch argument left `null`: it travels in `batch`. */
  readonly args: readonly unknown[];
  readonly batchArg: number;
  readonly batch: EncodedValues | null;
  /** The request context, for context loaders; `null` otherwise. */
  readonly context: Context | null;
}

/** Main thread to worker: dispose of the worker's context, then say "closed". */
export interface CloseMessage {
  readonly type: "close";
}

/**
 * Main thread to worker: the execution of a load was aborted; abort the signal its loader's
 * context holds (a Postgres statement is cancelled on the server), and answer as it ends.
 */
export interface AbortMessage {
  readonly type: "abort";
  readonly id: number;
}

/** Any message a worker receives. */
export type ToWorker = InitMessage | LoadMessage | CloseMessage | AbortMessage;

/** Any message a worker sends. */
export type FromWorker =
  | { readonly type: "ready" }
  | { readonly type: "initFailed"; readonly error: SerializedError }
  | {
    readonly type: "done";
    readonly id: number;
    readonly result: EncodedResult;
    /** Milliseconds the loader ran before it returned (its synchronous part). */
    readonly ms: number;
    /** Whether the loader returned a Promise. */
    readonly async: boolean;
  }
  | { readonly type: "failed"; readonly id: number; readonly error: SerializedError }
  /** The heap reached its limit while a Promise-returning load ran: the load will never end. */
  | { readonly type: "outOfMemory" }
  /** The worker is ending: it closed itself, or an error went uncaught (`error`). */
  | { readonly type: "exit"; readonly reason: string; readonly error: SerializedError | null }
  | { readonly type: "closed"; readonly error: SerializedError | null };

/**
 * A column of values: numbers as the buffer of an Int32Array or a Float64Array, anything else as
 * a plain array (`Nothing` at the positions `nothing` lists).
 */
export type EncodedValues =
  | { readonly ints: ArrayBuffer }
  | { readonly floats: ArrayBuffer }
  | { readonly values: readonly unknown[]; readonly nothing: readonly number[] | null };

/** A loader result, packed by shape. */
export type EncodedResult =
  | { readonly kind: "nothing" }
  /** Not an array: cloned as it is. */
  | { readonly kind: "value"; readonly value: unknown }
  /** An array of scalars (one id, or `Nothing`, per entry). */
  | { readonly kind: "list"; readonly column: EncodedValues }
  /** An array of rows of one width: one column per position. */
  | { readonly kind: "rows"; readonly length: number; readonly columns: readonly EncodedValues[] }
  /** An array of arrays of any lengths, flattened. */
  | {
    readonly kind: "lists";
    /** A Uint32Array's buffer: where each entry's items start in `column`, and the end. */
    readonly offsets: ArrayBuffer;
    readonly column: EncodedValues;
  }
  /** Arrays mixed with scalars (a malformed result): cloned, `Nothing` at `nothing` pairs. */
  | { readonly kind: "mixed"; readonly value: readonly unknown[]; readonly nothing: number[] };

/**
 * Packs `values[start..end)` for the trip; the buffers of typed arrays are added to `transfer`.
 *
 * @param values The values (ids, required values, a column of a result).
 * @param start First index.
 * @param end Index after the last.
 * @param transfer Receives the buffers to transfer.
 * @returns The packed column.
 */
export function encodeValues(
  values: readonly unknown[],
  start: number,
  end: number,
  transfer: ArrayBuffer[],
): EncodedValues {
  const n = end - start;
  if (n > 0 && typeof values[start] === "number") {
    const typed = numbers(values, start, n);
    if (typed !== null) {
      transfer.push(typed.buffer);
      return typed instanceof Int32Array ? { ints: typed.buffer } : { floats: typed.buffer };
    }
  }
  let out: unknown[] | null = null;
  let nothing: number[] | null = null;
  for (let i = 0; i < n; i++) {
    if (values[start + i] === Nothing) {
      if (out === null) {
        out = values.slice(start, end);
        nothing = [];
      }
      out[i] = null;
      nothing!.push(i);
    }
  }
  return {
    values: out ?? (start === 0 && end === values.length ? values : values.slice(start, end)),
    nothing,
  };
}

function numbers(
  values: readonly unknown[],
  start: number,
  n: number,
): Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer> | null {
  let ints: Int32Array<ArrayBuffer> | null = new Int32Array(n);
  let floats: Float64Array<ArrayBuffer> | null = null;
  for (let i = 0; i < n; i++) {
    const v = values[start + i];
    if (typeof v !== "number") return null;
    if (ints !== null) {
      // -0 is not an int32: it would come back as 0.
      if ((v | 0) === v && (v !== 0 || 1 / v > 0)) {
        ints[i] = v;
        continue;
      }
      floats = new Float64Array(n);
      for (let k = 0; k < i; k++) floats[k] = ints[k]!;
      ints = null;
    }
    floats![i] = v;
  }
  return ints ?? floats;
}

/**
 * Unpacks a column into a plain array.
 *
 * @param encoded The packed column.
 * @returns A new array (or the cloned one), `Nothing` restored.
 */
export function decodeValues(encoded: EncodedValues): unknown[] {
  if (!("values" in encoded)) {
    const typed = "ints" in encoded
      ? new Int32Array(encoded.ints)
      : new Float64Array(encoded.floats);
    const out: number[] = [];
    for (let i = 0; i < typed.length; i++) out.push(typed[i]!);
    return out;
  }
  const values = encoded.values as unknown[];
  const nothing = encoded.nothing;
  if (nothing !== null) { for (let k = 0; k < nothing.length; k++) values[nothing[k]!] = Nothing; }
  return values;
}

/** Reads a column in place: typed arrays are indexed as they are. */
function readValues(encoded: EncodedValues): ArrayLike<unknown> {
  if ("ints" in encoded) return new Int32Array(encoded.ints);
  if ("floats" in encoded) return new Float64Array(encoded.floats);
  return decodeValues(encoded);
}

/**
 * Packs a loader result by its shape (worker side).
 *
 * @param value The loader's result.
 * @param transfer Receives the buffers to transfer.
 * @returns The packed result.
 */
export function encodeResult(value: unknown, transfer: ArrayBuffer[]): EncodedResult {
  if (value === Nothing) return { kind: "nothing" };
  if (!Array.isArray(value)) return { kind: "value", value };
  const n = value.length;
  let arrays = 0;
  let width = -1;
  let fixed = true;
  for (let i = 0; i < n; i++) {
    const item = value[i];
    if (!Array.isArray(item)) continue;
    arrays++;
    if (width < 0) width = item.length;
    else if (item.length !== width) fixed = false;
  }
  if (arrays === 0) return { kind: "list", column: encodeValues(value, 0, n, transfer) };
  if (arrays < n) return mixed(value);
  if (fixed && width > 0) {
    const columns: EncodedValues[] = [];
    for (let c = 0; c < width; c++) {
      const column = new Array(n);
      for (let i = 0; i < n; i++) column[i] = (value[i] as unknown[])[c];
      columns.push(encodeValues(column, 0, n, transfer));
    }
    return { kind: "rows", length: n, columns };
  }
  const offsets = new Uint32Array(n + 1);
  const flat: unknown[] = [];
  for (let i = 0; i < n; i++) {
    offsets[i] = flat.length;
    const items = value[i] as unknown[];
    for (let j = 0; j < items.length; j++) flat.push(items[j]);
  }
  offsets[n] = flat.length;
  transfer.push(offsets.buffer);
  return {
    kind: "lists",
    offsets: offsets.buffer,
    column: encodeValues(flat, 0, flat.length, transfer),
  };
}

function mixed(value: readonly unknown[]): EncodedResult {
  const out = value.slice();
  const nothing: number[] = [];
  for (let i = 0; i < out.length; i++) {
    const item = out[i];
    if (item === Nothing) {
      out[i] = null;
      nothing.push(i, -1);
    } else if (Array.isArray(item) && item.includes(Nothing)) {
      const copy = item.slice();
      for (let j = 0; j < copy.length; j++) {
        if (copy[j] === Nothing) {
          copy[j] = null;
          nothing.push(i, j);
        }
      }
      out[i] = copy;
    }
  }
  return { kind: "mixed", value: out, nothing };
}

/**
 * Unpacks a loader result (main-thread side): rows and lists are rebuilt as plain arrays.
 *
 * @param encoded The packed result.
 * @returns The result, as the loader returned it.
 */
export function decodeResult(encoded: EncodedResult): unknown {
  switch (encoded.kind) {
    case "nothing":
      return Nothing;
    case "value":
      return encoded.value;
    case "list":
      return decodeValues(encoded.column);
    case "rows":
      return decodeRows(encoded.length, encoded.columns);
    case "lists": {
      const offsets = new Uint32Array(encoded.offsets);
      const flat = readValues(encoded.column);
      const n = offsets.length - 1;
      const out = new Array(n);
      for (let i = 0; i < n; i++) {
        const end = offsets[i + 1]!;
        const items: unknown[] = [];
        for (let k = offsets[i]!; k < end; k++) items.push(flat[k]);
        out[i] = items;
      }
      return out;
    }
    case "mixed": {
      const out = encoded.value as unknown[];
      const nothing = encoded.nothing;
      for (let k = 0; k < nothing.length; k += 2) {
        const i = nothing[k]!;
        const j = nothing[k + 1]!;
        if (j < 0) out[i] = Nothing;
        else (out[i] as unknown[])[j] = Nothing;
      }
      return out;
    }
  }
}

function decodeRows(n: number, encoded: readonly EncodedValues[]): unknown[][] {
  const out: unknown[][] = new Array(n);
  if (encoded.length === 1) {
    const column = readValues(encoded[0]!);
    for (let i = 0; i < n; i++) out[i] = [column[i]];
    return out;
  }
  const columns = encoded.map(readValues);
  const width = columns.length;
  for (let i = 0; i < n; i++) {
    const row = new Array(width);
    for (let c = 0; c < width; c++) row[c] = columns[c]![i];
    out[i] = row;
  }
  return out;
}

/** An error thrown in a worker, as it travels back. */
export interface SerializedError {
  /** `false` when the loader threw something that is not an Error: `value` is what it threw. */
  readonly isError: boolean;
  readonly name: string;
  readonly message: string;
  readonly stack: string | null;
  /** The missing key, for a ContextKeyError. */
  readonly key: string | null;
  /** The error's own properties with primitive values (e.g. a driver's `code`). */
  readonly props: { readonly [key: string]: string | number | boolean | bigint | null };
  readonly value: unknown;
  /**
   * For a `SafeError` (whose message clients see), its extensions (`null` when it has none, or
   * when structured clone cannot copy them); `undefined` for other errors.
   */
  readonly safe?: { readonly extensions: { readonly [key: string]: unknown } | null };
}

/**
 * Turns what a loader threw into something structured clone can carry.
 *
 * @param error What was thrown.
 * @returns Its name, message, stack and primitive properties.
 */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) {
    let value = error;
    try {
      structuredClone(error);
    } catch {
      value = String(error);
    }
    return { isError: false, name: "", message: "", stack: null, key: null, props: {}, value };
  }
  const props: { [key: string]: string | number | boolean | bigint | null } = {};
  for (const key of Object.keys(error)) {
    const v = (error as unknown as { [key: string]: unknown })[key];
    if (v === null || ["string", "number", "boolean", "bigint"].includes(typeof v)) {
      props[key] = v as string | number | boolean | bigint | null;
    }
  }
  const serialized: SerializedError = {
    isError: true,
    name: error.name,
    message: error.message,
    stack: error.stack ?? null,
    key: error instanceof ContextKeyError ? error.key : null,
    props,
    value: null,
  };
  if (!(error instanceof SafeError)) return serialized;
  // A SafeError stays one across threads, so that the endpoint still shows it to clients.
  let extensions = error.extensions ?? null;
  try {
    structuredClone(extensions);
  } catch {
    extensions = null;
  }
  return { ...serialized, safe: { extensions } };
}

const BUILTIN_ERRORS: ReadonlyMap<string, ErrorConstructor> = new Map<string, ErrorConstructor>([
  ["Error", Error],
  ["TypeError", TypeError],
  ["RangeError", RangeError],
  ["SyntaxError", SyntaxError],
  ["ReferenceError", ReferenceError],
  ["EvalError", EvalError],
  ["URIError", URIError],
]);

/**
 * Rebuilds an error thrown in a worker: same class where it is a built-in or a hiku-ts error,
 * same name, message and primitive properties, and the worker's stack.
 *
 * @param serialized The error as it travelled.
 * @returns The error (or the non-Error value the loader threw).
 */
export function deserializeError(serialized: SerializedError): unknown {
  if (!serialized.isError) return serialized.value;
  let error: Error;
  if (serialized.name === "ContextKeyError" && serialized.key !== null) {
    error = new ContextKeyError(serialized.key);
  } else if (serialized.name === "ExecutorError") {
    error = new ExecutorError(serialized.message);
  } else if (serialized.name === "UncloneableResultError") {
    const { node, member, entry, reason } = serialized.props;
    error = new UncloneableResultError(
      String(node),
      String(member),
      String(entry),
      String(reason),
    );
  } else if (serialized.safe !== undefined) {
    error = new SafeError(serialized.message, serialized.safe.extensions ?? undefined);
    if (error.name !== serialized.name) error.name = serialized.name;
  } else {
    error = new (BUILTIN_ERRORS.get(serialized.name) ?? Error)(serialized.message);
    if (error.name !== serialized.name) error.name = serialized.name;
  }
  for (const key of Object.keys(serialized.props)) {
    if (key !== "name" && key !== "message" && key !== "stack") {
      (error as unknown as { [key: string]: unknown })[key] = serialized.props[key];
    }
  }
  if (serialized.stack !== null) error.stack = serialized.stack;
  return error;
}

/** The graphs a module exports. */
export interface ModuleGraphs {
  readonly graph: Graph;
  readonly mutationGraph: Graph | null;
}

function isGraph(value: unknown): value is Graph {
  return typeof value === "object" && value !== null &&
    (value as { kind?: unknown }).kind === "graph" &&
    (value as { nodesMap?: unknown }).nodesMap instanceof Map;
}

/**
 * Reads `graph` (and `mutationGraph`, when there is one) from an imported module.
 *
 * @param exports The module's exports.
 * @param url The module's URL, for the message.
 * @returns The graphs.
 * @throws {ExecutorError} When `graph` is not a Graph.
 */
export function moduleGraphs(
  exports: { readonly [name: string]: unknown },
  url: string,
): ModuleGraphs {
  const graph = exports.graph;
  if (!isGraph(graph)) {
    throw new ExecutorError(
      `Module "${url}" does not export a graph: export the Graph as "graph" (got ${
        graph === undefined ? "no such export" : typeof graph
      })`,
    );
  }
  const mutationGraph = exports.mutationGraph;
  return { graph, mutationGraph: isGraph(mutationGraph) ? mutationGraph : null };
}

/**
 * Finds the loader of a member by node and name.
 *
 * @param graph The graph.
 * @param node The node name, or `null` for the root.
 * @param member The field or link name.
 * @returns The loader, or `undefined` when there is no such member.
 */
export function memberLoader(
  graph: Graph,
  node: string | null,
  member: string,
): Loader | undefined {
  const owner = node === null ? graph.root : graph.nodesMap.get(node);
  return owner?.fieldsMap.get(member)?.loader;
}

/**
 * Calls a module's `createContext` (when it exports one) and checks what it gives.
 *
 * @param exports The module's exports.
 * @param url The module's URL, for the message.
 * @returns The context (an empty one when the module has no `createContext`).
 * @throws {ExecutorError} When the context is not an object; whatever `createContext` throws.
 */
export async function createOwnContext(
  exports: { readonly [name: string]: unknown },
  url: string,
): Promise<Context> {
  const factory = exports.createContext;
  if (factory === undefined) return {};
  if (typeof factory !== "function") {
    throw new ExecutorError(
      `Module "${url}" exports a createContext that is not a function: got ${typeof factory}`,
    );
  }
  const ctx: unknown = await factory();
  if (ctx === undefined || ctx === null) return {};
  if (typeof ctx !== "object") {
    throw new ExecutorError(
      `createContext of module "${url}" must return an object: got ${typeof ctx}`,
    );
  }
  return ctx as Context;
}

/**
 * Disposes of a context made by `createContext`, when it is disposable
 * (`Symbol.asyncDispose` or `Symbol.dispose`).
 *
 * @param ctx The context.
 */
export async function disposeContext(ctx: Context): Promise<void> {
  const disposable = ctx as {
    [Symbol.asyncDispose]?: () => PromiseLike<void>;
    [Symbol.dispose]?: () => void;
  };
  if (typeof disposable[Symbol.asyncDispose] === "function") {
    await disposable[Symbol.asyncDispose]!();
  } else if (typeof disposable[Symbol.dispose] === "function") {
    disposable[Symbol.dispose]!();
  }
}

/**
 * The context a loader sees: the request's values over the thread's own, reading a missing key
 * throws a ContextKeyError.
 *
 * @param own The thread's context, from `createContext`.
 * @param request The context given to `execute`.
 * @param signal The signal `signalOf` gives for it: in a worker, the load's own, aborted when
 *   the execution is.
 * @returns The merged, strict context.
 */
export function mergeContexts(
  own: Context,
  request: Context,
  signal: AbortSignal | null = null,
): Context {
  const merged: { [key: string]: unknown } = {};
  for (const key of Object.keys(own)) merged[key] = own[key];
  for (const key of Object.keys(request)) merged[key] = request[key];
  return strictContext(merged, signal);
}

/**
 * Calls a loader with the context first when it is given.
 *
 * @param loader The loader.
 * @param ctx The context, or `null` for a loader that does not take it.
 * @param args The arguments after the context.
 * @returns What the loader returns.
 */
export function callLoader(loader: Loader, ctx: Context | null, args: readonly unknown[]): unknown {
  const fn = loader as (...args: unknown[]) => unknown;
  if (ctx !== null) {
    switch (args.length) {
      case 0:
        return fn(ctx);
      case 1:
        return fn(ctx, args[0]);
      case 2:
        return fn(ctx, args[0], args[1]);
      default:
        return fn(ctx, ...args);
    }
  }
  switch (args.length) {
    case 0:
      return fn();
    case 1:
      return fn(args[0]);
    case 2:
      return fn(args[0], args[1]);
    default:
      return fn(...args);
  }
}

/**
 * Whether a value is a Promise or another thenable.
 *
 * @param value Any value.
 * @returns `true` for thenables.
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === "object" &&
    typeof (value as { then?: unknown }).then === "function";
}

/**
 * `Node.member`, as messages name a load (`root` for the root).
 *
 * @param node The node name, or `null`.
 * @param member The member name.
 * @returns The label.
 */
export function loadLabel(node: string | null, member: string): string {
  return `${node ?? "root"}.${member}`;
}

// Results that cross between threads: the one rule for every load, wherever it runs.

/** A path into a value, innermost part first, and what is found there. */
interface Problem {
  readonly what: string;
  readonly path: string[];
}

const LEAF_CLASSES: readonly (abstract new (...args: never[]) => unknown)[] = [
  RegExp,
  ArrayBuffer,
  SharedArrayBuffer,
  Error,
  Blob,
];

const REFUSED_CLASSES: readonly [abstract new (...args: never[]) => unknown, string][] = [
  [Promise, "a Promise"],
  [WeakMap, "a WeakMap"],
  [WeakSet, "a WeakSet"],
  [WeakRef, "a WeakRef"],
];

// How deep the walk goes before it starts remembering the objects it met: structured clone copies
// cycles, so a walk that is that deep may be going round one, and must stop where it was before.
// Results nest a few levels deep, so the common walk allocates nothing.
const TRUSTED_DEPTH = 8;
// The objects met below that depth, in the value being checked (emptied after each value).
const seen = new Set<object>();

function problemOf(value: unknown, allowNothing: boolean): Problem | null {
  switch (typeof value) {
    case "function":
      return { what: "a function", path: [] };
    case "symbol":
      return allowNothing && value === Nothing
        ? null
        : { what: `a symbol (${String(value)})`, path: [] };
    case "object": {
      if (value === null || value instanceof Date) return null;
      const problem = objectProblem(value, 0);
      if (seen.size > 0) seen.clear();
      return problem;
    }
    default:
      return null;
  }
}

function objectProblem(value: object, depth: number): Problem | null {
  if (value instanceof Date || ArrayBuffer.isView(value)) return null;
  if (depth >= TRUSTED_DEPTH) {
    if (seen.has(value)) return null;
    seen.add(value);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = innerProblem(value[i], depth);
      if (problem !== null) {
        problem.path.push(`[${i}]`);
        return problem;
      }
    }
    return null;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    for (let c = 0; c < LEAF_CLASSES.length; c++) {
      if (value instanceof LEAF_CLASSES[c]!) return null;
    }
    for (let c = 0; c < REFUSED_CLASSES.length; c++) {
      if (value instanceof REFUSED_CLASSES[c]![0]) {
        return { what: REFUSED_CLASSES[c]![1], path: [] };
      }
    }
    if (value instanceof Map) {
      for (const [key, item] of value) {
        const problem = innerProblem(key, depth) ?? innerProblem(item, depth);
        if (problem !== null) {
          problem.path.push(`.get(${String(key)})`);
          return problem;
        }
      }
      return null;
    }
    if (value instanceof Set) {
      for (const item of value) {
        const problem = innerProblem(item, depth);
        if (problem !== null) {
          problem.path.push(`.has(${String(item)})`);
          return problem;
        }
      }
      return null;
    }
  }
  // A plain object, or a class instance: structured clone copies its own enumerable properties.
  const record = value as { readonly [key: string]: unknown };
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const problem = innerProblem(record[key], depth);
    if (problem !== null) {
      problem.path.push(`.${key}`);
      return problem;
    }
  }
  return null;
}

function innerProblem(value: unknown, depth: number): Problem | null {
  switch (typeof value) {
    case "function":
      return { what: "a function", path: [] };
    case "symbol":
      return { what: `a symbol (${String(value)})`, path: [] };
    case "object":
      return value === null ? null : objectProblem(value, depth + 1);
    default:
      return null;
  }
}

function describe(problem: Problem): string {
  return problem.path.length === 0
    ? `it is ${problem.what}`
    : `its ${problem.path.reverse().join("")} is ${problem.what}`;
}

function entryLabel(kind: "fields" | "link", batch: ArrayLike<unknown>, i: number, offset: number) {
  if (kind === "link") return `for entry ${offset + i}`;
  const id = batch[i];
  return `for id ${typeof id === "string" ? JSON.stringify(id) : String(id)}`;
}

/**
 * Checks that a loader's result can be copied between threads (structured clone), so that a
 * load gives the same answer wherever the pool runs it: no function, no symbol but `Nothing`
 * where a result may hold it (a cell, a link's id), no Promise, WeakMap, WeakSet or WeakRef,
 * at any depth. Plain loops over rows and cells: a cell that is a number, a string, a boolean,
 * a bigint, `null` or `undefined` costs one `typeof`.
 *
 * @param kind A field loader's or a link loader's call.
 * @param node The node, or `null` for the root.
 * @param member The link, or the field that names the loader.
 * @param args The call's arguments (after the context): a field loader's first is its fields.
 * @param batchArg Which argument is the batch, or `-1`.
 * @param offset Where the call's batch starts in the whole batch (shards and probes).
 * @param result What the loader returned (or its Promise's value).
 * @returns The error naming node, field and entry, or `null` when the result can be copied.
 */
export function uncloneableResult(
  kind: "fields" | "link",
  node: string | null,
  member: string,
  args: readonly unknown[],
  batchArg: number,
  offset: number,
  result: unknown,
): UncloneableResultError | null {
  const owner = node ?? "root";
  if (kind === "link") {
    if (batchArg < 0 || !Array.isArray(result)) {
      const problem = linkProblem(result);
      return problem === null ? null : new UncloneableResultError(owner, member, "", problem);
    }
    for (let i = 0; i < result.length; i++) {
      const item: unknown = result[i];
      if (typeof item === "number" || typeof item === "string") continue;
      const problem = linkProblem(item);
      if (problem !== null) {
        const batch = args[batchArg] as ArrayLike<unknown>;
        return new UncloneableResultError(
          owner,
          member,
          entryLabel(kind, batch, i, offset),
          problem,
        );
      }
    }
    return null;
  }
  const fields = args[0] as readonly { readonly name: string }[];
  if (!Array.isArray(result)) {
    const problem = problemOf(result, true);
    return problem === null
      ? null
      : new UncloneableResultError(owner, member, "", describe(problem));
  }
  if (batchArg < 0) {
    // A root field loader: one value per field.
    for (let c = 0; c < result.length; c++) {
      const value: unknown = result[c];
      const type = typeof value;
      if (type !== "object" && type !== "function" && type !== "symbol") continue;
      const problem = problemOf(value, true);
      if (problem !== null) {
        return new UncloneableResultError(
          owner,
          fields[c]?.name ?? member,
          "",
          describe(problem),
        );
      }
    }
    return null;
  }
  for (let i = 0; i < result.length; i++) {
    const row: unknown = result[i];
    if (!Array.isArray(row)) {
      const problem = problemOf(row, true);
      if (problem === null) continue;
      const batch = args[batchArg] as ArrayLike<unknown>;
      return new UncloneableResultError(
        owner,
        member,
        entryLabel(kind, batch, i, offset),
        describe(problem),
      );
    }
    for (let c = 0; c < row.length; c++) {
      const value: unknown = row[c];
      const type = typeof value;
      if (type !== "object" && type !== "function" && type !== "symbol") continue;
      const problem = problemOf(value, true);
      if (problem !== null) {
        const batch = args[batchArg] as ArrayLike<unknown>;
        return new UncloneableResultError(
          owner,
          fields[c]?.name ?? member,
          entryLabel(kind, batch, i, offset),
          describe(problem),
        );
      }
    }
  }
  return null;
}

/** A link's result for one entry: an id, `Nothing`, or a list of them. */
function linkProblem(item: unknown): string | null {
  if (Array.isArray(item)) {
    for (let j = 0; j < item.length; j++) {
      const problem = problemOf(item[j], true);
      if (problem !== null) {
        problem.path.push(`[${j}]`);
        return describe(problem);
      }
    }
    return null;
  }
  const problem = problemOf(item, true);
  return problem === null ? null : describe(problem);
}
