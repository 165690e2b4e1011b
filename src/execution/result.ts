/**
 * Query results, read from the execution store (`store.ts`):
 *
 * - {@linkcode ResultProxy} reads a result the way it was queried (`result.get("characters")`);
 * - {@linkcode Index} is the normalized view, node name -> id -> field -> value, as in Hiku.
 *
 * `denormalize` (in `denormalize.ts`) builds the plain nested object a client expects.
 *
 * @module
 */

import { LoaderError, LoaderShapeError, QueryReadError } from "../base/errors.ts";
import type { Graph } from "../definitions/graph.ts";
import type { Id } from "../definitions/members.ts";
import {
  type Batch,
  FAILED_TARGET,
  isFailure,
  type LinkData,
  linkFailure,
  NO_TARGET,
  parentIndex,
  releaseBatches,
  targetBatch,
} from "./store.ts";

/** A reference from a link to a node instance, in the {@linkcode Index}. */
export interface Reference {
  /** The node's name. */
  readonly node: string;
  /** The id. */
  readonly id: Id;
}

/** The loaded values of one node instance: index key (field name plus options) to value. */
export type IndexEntry = { readonly [indexKey: string]: unknown };

/** The name the root has in the {@linkcode Index}. */
export const ROOT_NODE = "__root__";

let makeIndex: (root: Batch) => Index;

/**
 * The normalized result: node name -> id -> index key -> value, where link values are
 * {@linkcode Reference}s (or arrays of them, or `null`). Fields of one node loaded at different
 * query paths are merged into one entry, as in Hiku. What failed to load is absent (a value a
 * loader gave as an `Error` stays, as that `Error`). Read it from a result's `index`.
 */
export class Index {
  readonly #nodes = new Map<string, Map<Id, { [key: string]: unknown }>>();

  static {
    makeIndex = (root) => new Index(root);
  }

  private constructor(root: Batch) {
    const pending: Batch[] = [root];
    while (pending.length > 0) {
      const batch = pending.pop()!;
      this.#fill(batch);
      for (const state of batch.links) {
        if (state.kind === "loaded") pending.push(...state.data.batches);
      }
    }
  }

  /** The root's entry. */
  get root(): IndexEntry {
    return this.#nodes.get(ROOT_NODE)?.get(ROOT_NODE) ?? {};
  }

  /**
   * One node instance's entry.
   *
   * @param node The node's name.
   * @param id The id.
   * @returns The entry, or `undefined` when nothing was loaded for it.
   */
  get(node: string, id: Id): IndexEntry | undefined {
    return this.#nodes.get(node)?.get(id);
  }

  /**
   * The ids loaded for a node.
   *
   * @param node The node's name.
   * @returns Ids in load order.
   */
  ids(node: string): Id[] {
    return [...(this.#nodes.get(node)?.keys() ?? [])];
  }

  /** Names of the nodes with loaded entries (the root is `"__root__"`). */
  get nodes(): string[] {
    return [...this.#nodes.keys()];
  }

  #fill(batch: Batch): void {
    if (batch.ids.length === 0) return;
    const plan = batch.plan;
    const name = plan.nodeName ?? ROOT_NODE;
    let entries = this.#nodes.get(name);
    if (entries === undefined) {
      entries = new Map();
      this.#nodes.set(name, entries);
    }
    for (let i = 0; i < batch.ids.length; i++) {
      const id = plan.nodeName === null ? ROOT_NODE : batch.ids[i]!;
      let entry = entries.get(id);
      if (entry === undefined) {
        entry = {};
        entries.set(id, entry);
      }
      for (const group of plan.groups) {
        const state = batch.groups[group.index]!;
        if (state.kind !== "loaded") continue;
        const row = state.rows[i]!;
        const columns = state.columns;
        for (let c = 0; c < group.fields.length; c++) {
          entry[group.fields[c]!.indexKey] = row[columns === null ? c : columns[c]!];
        }
      }
      for (const link of plan.links) {
        const state = batch.links[link.index]!;
        if (state.kind !== "loaded" || linkFailure(state, i) !== undefined) continue;
        entry[link.query.indexKey] = linkValue(state.data, i, reference, null);
      }
    }
  }
}

function reference(batch: Batch, position: number): Reference {
  return Object.freeze({ node: batch.plan.nodeName ?? ROOT_NODE, id: batch.ids[position]! });
}

/**
 * A link's value for one parent, each target made by `make`: one, `null`, or a list (where a
 * failed item is `onFailure`'s, or `null` without it).
 */
function linkValue<T>(
  data: LinkData,
  parent: number,
  make: (batch: Batch, position: number) => T,
  onFailure: ((error: unknown) => T) | null,
): T | null | (T | null)[] {
  const k = parentIndex(data, parent);
  if (data.kind === "single") {
    const p = data.targets[k]!;
    if (p === NO_TARGET) return null;
    if (p === FAILED_TARGET) return onFailure === null ? null : onFailure(data.failures!.get(k));
    return make(targetBatch(data, k), p);
  }
  if (data.instead !== null && data.instead.has(k)) return null;
  const start = data.starts[k]!;
  const end = data.starts[k + 1]!;
  const out = new Array<T | null>(end - start);
  for (let t = start; t < end; t++) {
    const p = data.targets[t]!;
    out[t - start] = p === NO_TARGET
      ? null
      : p === FAILED_TARGET
      ? (onFailure === null ? null : onFailure(data.failures!.get(t)))
      : make(targetBatch(data, t), p);
  }
  return out;
}

/** What a result's proxies share. */
export interface ResultScope {
  /** The graph the query ran against. */
  readonly graph: Graph;
  /** The root batch. */
  readonly root: Batch;
  /** Whether some loads failed (partial results). */
  readonly partial: boolean;
  /** The index, once built. */
  index: Index | null;
  /**
   * The response's `data`, when the engine built it from a fused region's rows in one pass (the
   * batches below the root are then left empty); `null` otherwise.
   */
  direct: { [key: string]: unknown } | null;
}

let proxyParts: (proxy: ResultProxy) => [ResultScope, Batch, number];
let makeProxy: (scope: ResultScope, batch: Batch, position: number) => ResultProxy;

/**
 * Wraps the root batch of a finished execution as its result.
 *
 * @param graph The graph the query ran against.
 * @param root The root batch.
 * @param partial Whether some loads failed (partial results).
 * @param direct The response's `data`, when the engine built it in one pass.
 * @returns The root's proxy.
 */
export function createResult(
  graph: Graph,
  root: Batch,
  partial = false,
  direct: { [key: string]: unknown } | null = null,
): ResultProxy {
  return makeProxy({ graph, root, partial, index: null, direct }, root, 0);
}

/**
 * Drops what a result holds, once it has been read for the last time (internal: `Schema` after
 * it wrote the response).
 *
 * @param result The result.
 */
export function releaseResult(result: ResultProxy): void {
  const scope = proxyParts(result)[0];
  scope.index = null;
  scope.direct = null;
  releaseBatches(scope.root);
}

/**
 * The parts of a result (internal: for `denormalize`).
 *
 * @param graph The graph the caller expects the result to come from.
 * @param result The result.
 * @param caller The function's name, for messages.
 * @returns Its scope, batch and position.
 * @throws {TypeError} When it is not a result, or comes from another graph.
 */
export function resultParts(
  graph: Graph,
  result: ResultProxy,
  caller: string,
): [ResultScope, Batch, number] {
  if (!(result instanceof ResultProxy)) {
    throw new TypeError(`${caller}() expects the result of engine.execute`);
  }
  const parts = proxyParts(result);
  if (parts[0].graph !== graph) {
    throw new TypeError(`${caller}() was given a result computed from another graph`);
  }
  return parts;
}

/**
 * The error a value given in place of a result stands for: a `LoaderError` naming the node and
 * field, with the loader's `Error` as its cause (one per `Error`, however often it is read); an
 * argument that could not be bound (a `QueryReadError`) stands for itself.
 *
 * @param error The `Error` the loader returned.
 * @param what `"field"` or `"link"`.
 * @param node The node's name (`"root"` for the root).
 * @param name The field or link.
 * @returns The located error.
 */
export function failureOf(error: unknown, what: string, node: string, name: string): Error {
  // An argument a variable made invalid is the request's error, not a loader's; a wrong item of
  // a link's result already names the loader.
  if (error instanceof QueryReadError || error instanceof LoaderShapeError) return error;
  let byName = located.get(error as object);
  if (byName === undefined) {
    byName = new Map();
    located.set(error as object, byName);
  }
  const key = `${node}.${name}`;
  let out = byName.get(key);
  if (out === undefined) {
    out = new LoaderError(what, node, [name], error);
    byName.set(key, out);
  }
  return out;
}

const located = new WeakMap<object, Map<string, LoaderError>>();

/**
 * A query result, read the way it was queried: `get(key)` gives a field's value, a linked node as
 * another proxy, or an array of them. `engine.execute` resolves to the root's proxy. (Exported
 * from `mod.ts` also as `Proxy`, its former name.)
 *
 * @example
 * ```ts ignore
 * const result = await engine.execute(graph, read("{ characters { name } }"));
 * const first = (result.get("characters") as ResultProxy[])[0];
 * first.get("name"); // "James T. Kirk"
 * ```
 */
export class ResultProxy {
  readonly #scope: ResultScope;
  readonly #batch: Batch;
  readonly #position: number;

  static {
    proxyParts = (proxy) => [proxy.#scope, proxy.#batch, proxy.#position];
    makeProxy = (scope, batch, position) => new ResultProxy(scope, batch, position);
  }

  private constructor(scope: ResultScope, batch: Batch, position: number) {
    this.#scope = scope;
    this.#batch = batch;
    this.#position = position;
  }

  /** The normalized view of the whole result. */
  get index(): Index {
    return this.#scope.index ??= makeIndex(this.#scope.root);
  }

  /** The id of this node instance (`"__root__"` for the root). */
  get id(): Id {
    return this.#batch.plan.nodeName === null ? ROOT_NODE : this.#batch.ids[this.#position]!;
  }

  /** The node's name (`"__root__"` for the root). */
  get node(): string {
    return this.#batch.plan.nodeName ?? ROOT_NODE;
  }

  /**
   * Reads a selection by its result key (the alias, else the name).
   *
   * @param key The result key.
   * @returns The field's value; for a link, a proxy, an array of proxies, or `null`.
   * @throws {Error} When the key was not selected in the query.
   * @throws {LoaderError} When the value failed to load (the loader threw, or gave an `Error` in
   *   its place); other load failures (a `LoaderShapeError`) are thrown as they are.
   */
  get(key: string): unknown {
    const batch = this.#batch;
    const plan = batch.plan;
    const slot = plan.outMap.get(key);
    if (slot === undefined) {
      throw new Error(
        `Field "${key}" was not requested in the query of the "${plan.label}" node`,
      );
    }
    switch (slot.kind) {
      case "field": {
        const state = batch.groups[slot.group]!;
        if (state.kind === "failed") throw state.error;
        if (state.kind === "pending") return undefined;
        const columns = state.columns;
        const value = state.rows[this.#position]![
          columns === null ? slot.column : columns[slot.column]!
        ];
        if (isFailure(value)) throw failureOf(value, "field", plan.label, slot.name);
        return value;
      }
      case "typename":
        return plan.typeName;
      case "link": {
        const state = batch.links[slot.link]!;
        if (state.kind === "pending") return undefined;
        const failure = linkFailure(state, this.#position);
        if (failure !== undefined) {
          throw state.kind === "failed"
            ? failure
            : failureOf(failure, "link", plan.label, slot.name);
        }
        if (state.kind !== "loaded") return undefined;
        return linkValue(
          state.data,
          this.#position,
          (target, position) => new ResultProxy(this.#scope, target, position),
          (error) => {
            throw failureOf(error, "link", plan.label, slot.name);
          },
        );
      }
    }
  }
}
