/**
 * The engine: runs a planned query through an executor, one loader call per node per query path.
 *
 * Execution is dataflow: every field group of a node starts at once; a link starts as soon as the
 * groups holding its `requires` have loaded (not when the whole level has); a linked node starts
 * as soon as its link has loaded. Loaders that return plain values are stored at once, so a query
 * whose loaders are all synchronous runs without a single Promise until the end.
 *
 * @module
 */

import { type Context, strictContext } from "../definitions/context.ts";
import { ExecutionAbortedError, LoaderError, LoaderShapeError } from "../base/errors.ts";
import type { QueryValidationError } from "../base/errors.ts";
import type { Executor, LoadScope, LoadTask } from "./executor.ts";
import type { Graph } from "../definitions/graph.ts";
import { type Id, Nothing } from "../definitions/members.ts";
import type { FieldGroup, LinkPlan, NodePlan } from "../planning/plan.ts";
import { planQuery } from "../planning/plan.ts";
import type { QueryNode } from "../query/query.ts";
import {
  Batch,
  createResult,
  type LinkData,
  MANY,
  MAYBE,
  MAYBE_MANY,
  ONE,
  type Proxy,
} from "./result.ts";
import { describe, inspect } from "../base/_inspect.ts";

/** Options of {@linkcode Engine.execute}. */
export interface ExecuteOptions {
  /** Stops the execution: no loader starts after it aborts, and `execute` rejects. */
  readonly signal?: AbortSignal | null;
  /**
   * Partial results: a loader that fails does not reject the execution. What it would have
   * loaded (and everything below it) is missing from the result, and the failure is recorded
   * there: `denormalizeWithErrors` turns it into GraphQL-style `data` and `errors`. Default
   * `false`: the first failure rejects.
   */
  readonly partial?: boolean;
}

/**
 * Runs queries against graphs through an executor.
 *
 * @example
 * ```ts
 * import { Engine } from "./engine.ts";
 * import { AsyncExecutor } from "../../executors/async.ts";
 * import { Field, Root } from "../definitions/members.ts";
 * import { Graph } from "../definitions/graph.ts";
 * import { read } from "../query/readers/graphql.ts";
 * import { denormalize } from "./result.ts";
 * import { Str } from "../definitions/types.ts";
 *
 * const graph = Graph([Root([Field("hello", Str, (fields) => fields.map(() => "world"))])]);
 * const engine = new Engine(new AsyncExecutor());
 * const result = await engine.execute(graph, read("{ hello }"));
 * console.log(denormalize(graph, result)); // { hello: "world" }
 * ```
 */
export class Engine {
  /** The executor that runs loader calls. */
  readonly executor: Executor;

  /**
   * Creates an engine.
   *
   * @param executor Runs the loader calls (e.g. `new AsyncExecutor()`).
   */
  constructor(executor: Executor) {
    this.executor = executor;
  }

  /**
   * Executes a query: validates it against the graph (once per query object), then calls each
   * loader once per node per query path.
   *
   * @param graph The graph.
   * @param query The query (from `read`, `readSimple` or `build`).
   * @param ctx The context loaders wrapped with `passContext` receive.
   * @param options An abort signal.
   * @returns The result, to read with `get` or turn into a plain object with `denormalize`.
   * @throws {QueryValidationError} (rejects) When the query does not fit the graph; no loader runs.
   * @throws {LoaderError} (rejects) When a loader throws; names the node and field.
   * @throws {LoaderShapeError} (rejects) When a loader returns the wrong shape.
   */
  execute(
    graph: Graph,
    query: QueryNode,
    ctx?: Context | null,
    options?: ExecuteOptions | null,
  ): Promise<Proxy> {
    let plan: NodePlan;
    try {
      if (typeof graph !== "object" || graph === null || graph.kind !== "graph") {
        throw new TypeError("engine.execute() expects a graph (from Graph) as its first argument");
      }
      if (typeof query !== "object" || query === null || query.kind !== "node") {
        throw new TypeError(
          "engine.execute() expects a query (from read, readSimple or build) as its second argument",
        );
      }
      plan = planQuery(graph, query);
    } catch (error) {
      return Promise.reject(error as QueryValidationError | TypeError);
    }
    const signal = options?.signal ?? null;
    if (signal?.aborted) return Promise.reject(new ExecutionAbortedError(signal.reason));
    const context = ctx ?? {};
    const run = new Execution(graph, this.executor, {
      context: strictContext(context),
      rawContext: context,
      signal,
    }, options?.partial ?? false);
    return run.start(plan);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === "object" &&
    typeof (value as { then?: unknown }).then === "function";
}

const ROOT_IDS: readonly Id[] = Object.freeze(["__root__"]);

const CARDINALITY = { one: ONE, maybe: MAYBE, many: MANY, maybeMany: MAYBE_MANY } as const;

/** One run of one query. */
class Execution {
  readonly #graph: Graph;
  readonly #executor: Executor;
  readonly #scope: LoadScope;
  readonly #partial: boolean;
  #pending = 0;
  #failure: unknown = null;
  #failures = 0;
  #settled = false;
  #root: Batch | null = null;
  #resolve: ((result: Proxy) => void) | null = null;
  #reject: ((error: unknown) => void) | null = null;
  #steps: { batch: Batch; next: number } | null = null;
  #onAbort: (() => void) | null = null;

  constructor(graph: Graph, executor: Executor, scope: LoadScope, partial: boolean) {
    this.#graph = graph;
    this.#executor = executor;
    this.#scope = scope;
    this.#partial = partial;
  }

  start(plan: NodePlan): Promise<Proxy> {
    const root = new Batch(plan, ROOT_IDS);
    this.#root = root;
    // Listening from the start: a loader may abort the signal while the run is still synchronous.
    const signal = this.#scope.signal;
    if (signal !== null) {
      this.#onAbort = () => this.#fail(new ExecutionAbortedError(signal.reason));
      signal.addEventListener("abort", this.#onAbort, { once: true });
    }
    if (plan.steps === null) this.#runBatch(root);
    else {
      this.#steps = { batch: root, next: 0 };
      this.#nextStep();
    }
    if (this.#failure !== null || this.#pending === 0) {
      return new Promise<Proxy>((resolve, reject) => {
        this.#resolve = resolve;
        this.#reject = reject;
        this.#finish();
      });
    }
    return new Promise<Proxy>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  #fail(error: unknown): void {
    if (this.#failure !== null || this.#settled) return;
    this.#failure = error;
    if (this.#reject !== null) this.#finish();
  }

  #finish(): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#onAbort !== null) this.#scope.signal!.removeEventListener("abort", this.#onAbort);
    if (this.#failure !== null) this.#reject!(this.#failure);
    else this.#resolve!(createResult(this.#graph, this.#root!, this.#failures > 0));
  }

  /** Called after an asynchronous load settled: runs the next mutation step, or finishes. */
  #idle(): void {
    if (this.#settled) return;
    if (this.#failure === null) {
      if (this.#pending > 0) return;
      const steps = this.#steps;
      if (steps !== null && steps.next < steps.batch.plan.steps!.length) {
        this.#nextStep();
        if (this.#pending > 0) return;
      }
    }
    if (this.#reject !== null) this.#finish();
  }

  /** Runs mutation steps one after another; returns when a step went asynchronous. */
  #nextStep(): void {
    const state = this.#steps!;
    const steps = state.batch.plan.steps!;
    while (state.next < steps.length && this.#failure === null) {
      const step = steps[state.next++]!;
      if (step.kind === "group") this.#loadGroup(state.batch, state.batch.plan.groups[step.index]!);
      else this.#loadLink(state.batch, state.batch.plan.links[step.index]!);
      if (this.#pending > 0) return;
    }
  }

  #runBatch(batch: Batch): void {
    const plan = batch.plan;
    const groups = plan.groups;
    for (let g = 0; g < groups.length; g++) {
      if (this.#failure !== null) return;
      this.#loadGroup(batch, groups[g]!);
    }
    const links = plan.links;
    for (let l = 0; l < links.length; l++) {
      if (this.#failure !== null) return;
      if (links[l]!.waitCount === 0) this.#loadLink(batch, links[l]!);
    }
  }

  #run(task: LoadTask, batch: Batch, isLink: boolean, index: number): void {
    const signal = this.#scope.signal;
    if (signal !== null && signal.aborted) {
      this.#fail(new ExecutionAbortedError(signal.reason));
      return;
    }
    let result: unknown;
    try {
      result = this.#executor.load(task, this.#scope);
    } catch (error) {
      this.#loadFailed(batch, isLink, index, error);
      return;
    }
    if (!isThenable(result)) {
      this.#store(batch, isLink, index, result);
      return;
    }
    this.#pending++;
    result.then(
      (value) => {
        this.#pending--;
        if (this.#failure === null && !this.#settled) this.#store(batch, isLink, index, value);
        this.#idle();
      },
      (error) => {
        this.#pending--;
        if (this.#failure === null && !this.#settled) this.#loadFailed(batch, isLink, index, error);
        this.#idle();
      },
    );
  }

  #store(batch: Batch, isLink: boolean, index: number, value: unknown): void {
    let children: readonly Batch[];
    try {
      if (!isLink) {
        this.#storeGroup(batch, batch.plan.groups[index]!, value);
        return;
      }
      children = this.#storeLink(batch, batch.plan.links[index]!, value);
    } catch (error) {
      this.#loadFailed(batch, isLink, index, error);
      return;
    }
    for (let b = 0; b < children.length; b++) {
      const child = children[b]!;
      if (child.ids.length > 0) this.#runBatch(child);
    }
  }

  /**
   * A load failed: the execution fails, or, for partial results, the failure is recorded where
   * the load's values would have been, and links waiting on it fail with it.
   */
  #loadFailed(batch: Batch, isLink: boolean, index: number, error: unknown): void {
    const plan = batch.plan;
    let failure = error;
    if (
      !(error instanceof ExecutionAbortedError) && !(error instanceof LoaderShapeError) &&
      !(error instanceof LoaderError)
    ) {
      if (isLink) {
        failure = new LoaderError("link", plan.label, [plan.links[index]!.link.name], error);
      } else {
        const names = plan.groups[index]!.names;
        failure = new LoaderError(
          names.length === 1 ? "field" : "fields",
          plan.label,
          names,
          error,
        );
      }
    }
    if (!this.#partial || failure instanceof ExecutionAbortedError) {
      this.#fail(failure);
      return;
    }
    this.#failures++;
    if (isLink) {
      batch.failLink(index, failure);
      return;
    }
    batch.failGroup(index, failure);
    const waiters = plan.groups[index]!.waiters;
    for (let w = 0; w < waiters.length; w++) batch.failLink(waiters[w]!, failure);
  }

  #loadGroup(batch: Batch, group: FieldGroup): void {
    const plan = batch.plan;
    const isRoot = plan.nodeName === null;
    const task: LoadTask = {
      kind: "fields",
      node: plan.nodeName,
      member: group.names[0]!,
      loader: group.loader,
      passContext: group.passContext,
      args: isRoot ? [group.fields] : [group.fields, batch.ids],
      batchArg: isRoot ? -1 : 1,
    };
    this.#run(task, batch, false, group.index);
  }

  #storeGroup(batch: Batch, group: FieldGroup, value: unknown): void {
    const plan = batch.plan;
    const width = group.fields.length;
    if (plan.nodeName === null) {
      if (!Array.isArray(value) || value.length !== width) {
        throw this.#shapeError(plan, group, `array (length ${width})`, describe(value));
      }
      batch.rows[group.index] = [value];
    } else {
      const n = batch.ids.length;
      if (!Array.isArray(value) || value.length !== n) {
        throw this.#shapeError(
          plan,
          group,
          `array (length ${n}) of arrays (length ${width})`,
          describe(value),
        );
      }
      for (let i = 0; i < n; i++) {
        const row = value[i];
        if (!Array.isArray(row) || row.length !== width) {
          throw this.#shapeError(
            plan,
            group,
            `array (length ${n}) of arrays (length ${width})`,
            `${describe(row)} at [${i}]`,
          );
        }
      }
      batch.rows[group.index] = value;
    }
    const waiters = group.waiters;
    for (let w = 0; w < waiters.length; w++) {
      const l = waiters[w]!;
      const left = batch.waits[l]! - 1;
      batch.waits[l] = left;
      if (
        left === 0 && this.#failure === null && batch.plan.steps === null &&
        batch.linkError(l) === undefined
      ) {
        this.#loadLink(batch, batch.plan.links[l]!);
      }
    }
  }

  #shapeError(plan: NodePlan, group: FieldGroup, expected: string, got: string): LoaderShapeError {
    return new LoaderShapeError(
      group.names.length === 1 ? "field" : "fields",
      plan.label,
      group.names,
      expected,
      got,
    );
  }

  #loadLink(batch: Batch, link: LinkPlan): void {
    const plan = batch.plan;
    const args: unknown[] = [];
    if (link.requires !== null) args.push(this.#requiredValues(batch, link));
    if (link.options !== null) args.push(link.options);
    const task: LoadTask = {
      kind: "link",
      node: plan.nodeName,
      member: link.link.name,
      loader: link.link.loader,
      passContext: link.passContext,
      args,
      batchArg: link.requires !== null ? 0 : -1,
    };
    this.#run(task, batch, true, link.index);
  }

  // Root links can not require fields (graph validation rejects it), so ids are always a list.
  #requiredValues(batch: Batch, link: LinkPlan): unknown[] {
    const sources = link.requires!;
    const rows = batch.rows;
    if (!link.requiresList) {
      const source = sources[0]!;
      const groupRows = rows[source.group]!;
      const column = source.column;
      const n = groupRows.length;
      const out = new Array(n);
      for (let i = 0; i < n; i++) out[i] = groupRows[i]![column];
      return out;
    }
    const names = link.requiresNames;
    const make = (i: number) => {
      const record: { [name: string]: unknown } = {};
      for (let r = 0; r < sources.length; r++) {
        const source = sources[r]!;
        record[names[r]!] = rows[source.group]![i]![source.column];
      }
      return Object.freeze(record);
    };
    const n = batch.ids.length;
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = make(i);
    return out;
  }

  #storeLink(batch: Batch, link: LinkPlan, value: unknown): readonly Batch[] {
    const plan = batch.plan;
    const cardinality = CARDINALITY[link.link.cardinality!];
    const perId = link.requires !== null;
    const builder = new TargetBuilder(this, plan, link);
    let data: LinkData;
    if (cardinality === ONE || cardinality === MAYBE) {
      const maybe = cardinality === MAYBE;
      if (perId) {
        const n = batch.ids.length;
        if (!Array.isArray(value) || value.length !== n) {
          throw builder.shape(
            `array (length ${n}) of ids${maybe ? " or Nothing" : ""}`,
            describe(value),
          );
        }
        const one = new Int32Array(n);
        for (let i = 0; i < n; i++) one[i] = builder.target(value[i], maybe, i);
        data = builder.finish(cardinality, false, one, null, null);
      } else {
        const one = new Int32Array(1);
        one[0] = builder.target(value, maybe, -1);
        data = builder.finish(cardinality, true, one, null, null);
      }
    } else {
      const maybe = cardinality === MAYBE_MANY;
      const expectedItem = maybe ? "arrays of ids or Nothing" : "arrays of ids";
      if (perId) {
        const n = batch.ids.length;
        if (!Array.isArray(value) || value.length !== n) {
          throw builder.shape(`array (length ${n}) of ${expectedItem}`, describe(value));
        }
        const offsets = new Int32Array(n + 1);
        let total = 0;
        for (let i = 0; i < n; i++) {
          const items = value[i];
          if (!Array.isArray(items)) {
            throw builder.shape(
              `array (length ${n}) of ${expectedItem}`,
              `${describe(items)} at [${i}]`,
            );
          }
          offsets[i] = total;
          total += items.length;
        }
        offsets[n] = total;
        const targets = new Int32Array(total);
        let k = 0;
        for (let i = 0; i < n; i++) {
          const items = value[i] as unknown[];
          for (let j = 0; j < items.length; j++) {
            targets[k++] = builder.target(items[j], maybe, i, j);
          }
        }
        data = builder.finish(cardinality, false, null, offsets, targets);
      } else {
        if (!Array.isArray(value)) {
          throw builder.shape(maybe ? "array of ids or Nothing" : "array of ids", describe(value));
        }
        const targets = new Int32Array(value.length);
        for (let j = 0; j < value.length; j++) targets[j] = builder.target(value[j], maybe, -1, j);
        data = builder.finish(cardinality, true, null, Int32Array.of(0, value.length), targets);
      }
    }
    batch.links[link.index] = data;
    return data.batches;
  }

  get context(): Context {
    return this.#scope.context;
  }
}

/**
 * Turns a link loader's ids into positions in child batches, de-duplicating ids.
 *
 * Integer ids close to each other (serial keys) are looked up in an array indexed by
 * `id - base`, several times faster than a Map; when they turn out sparse, every id moves to the
 * Map and the array is dropped, so each id is always found where it was put.
 */
class TargetBuilder {
  readonly #run: Execution;
  readonly #plan: NodePlan;
  readonly #link: LinkPlan;
  readonly #positions = new Map<Id, number>();
  readonly #ids: Id[] = [];
  #dense: number[] | null = [];
  #base = NaN;
  // For links to a union or an interface: one batch per concrete node.
  readonly #typed: { name: string; ids: Id[]; positions: Map<Id, number> }[] | null;
  readonly #batchOf: number[] | null;

  constructor(run: Execution, plan: NodePlan, link: LinkPlan) {
    this.#run = run;
    this.#plan = plan;
    this.#link = link;
    this.#typed = link.children === null ? null : [];
    this.#batchOf = link.children === null ? null : [];
  }

  shape(expected: string, got: string): LoaderShapeError {
    return new LoaderShapeError("link", this.#plan.label, [this.#link.link.name], expected, got);
  }

  /** The child position of one returned item; `-1` for Nothing (when allowed). */
  target(id: unknown, maybe: boolean, i: number, j = -1): number {
    if (this.#typed !== null) return this.#typedTarget(id, maybe, i, j);
    const dense = this.#dense;
    if (dense !== null && typeof id === "number") {
      if (this.#base !== this.#base) this.#base = id;
      const d = id - this.#base;
      if ((d | 0) === d && d >= 0) {
        const position = dense[d];
        if (position !== undefined) return position;
        if (d <= (this.#ids.length << 4) + 4096) {
          const added = this.#ids.length;
          this.#ids.push(id);
          dense[d] = added;
          return added;
        }
        this.#toSparse();
      }
    }
    let position = this.#positions.get(id as Id);
    if (position === undefined) {
      if (id === Nothing) {
        if (maybe) return -1;
        throw this.#badItem(id, i, j);
      }
      if (!isId(id)) throw this.#badItem(id, i, j);
      position = this.#ids.length;
      this.#ids.push(id);
      this.#positions.set(id, position);
    }
    return position;
  }

  #toSparse(): void {
    const ids = this.#ids;
    const positions = this.#positions;
    for (let p = 0; p < ids.length; p++) positions.set(ids[p]!, p);
    this.#dense = null;
  }

  #typedTarget(id: unknown, maybe: boolean, i: number, j: number): number {
    this.#batchOf!.push(0);
    if (id === Nothing) {
      if (maybe) return -1;
      throw this.#badItem(id, i, j);
    }
    if (!isId(id)) throw this.#badItem(id, i, j);
    const typed = this.#typed!;
    let found = -1;
    for (let t = 0; t < typed.length; t++) {
      if (typed[t]!.positions.has(id)) {
        found = t;
        break;
      }
    }
    if (found < 0) {
      const name = this.#link.resolveType!(id, this.#run.context);
      if (!this.#link.children!.has(name)) {
        throw this.shape(
          `ids whose type resolves to ${
            [...this.#link.children!.keys()].map((n) => `"${n}"`).join(" or ")
          }`,
          `id ${inspect(id)} resolved to ${inspect(name)}`,
        );
      }
      found = typed.findIndex((t) => t.name === name);
      if (found < 0) {
        found = typed.length;
        typed.push({ name, ids: [], positions: new Map() });
      }
    }
    const bucket = typed[found]!;
    let position = bucket.positions.get(id);
    if (position === undefined) {
      position = bucket.ids.length;
      bucket.ids.push(id);
      bucket.positions.set(id, position);
    }
    this.#batchOf![this.#batchOf!.length - 1] = found;
    return position;
  }

  #badItem(item: unknown, i: number, j: number): LoaderShapeError {
    const where = i < 0 ? (j < 0 ? "" : ` at [${j}]`) : j < 0 ? ` at [${i}]` : ` at [${i}][${j}]`;
    const cardinality = this.#link.link.cardinality;
    const expected = item === Nothing
      ? `an id (the link is ${
        cardinality === "maybeMany" || cardinality === "maybe" ? "Optional" : "not Optional"
      }, so Nothing is not allowed)`
      : "ids (string, number, bigint or boolean)";
    return this.shape(expected, `${item === Nothing ? "Nothing" : describe(item)}${where}`);
  }

  finish(
    cardinality: number,
    shared: boolean,
    one: Int32Array | null,
    offsets: Int32Array | null,
    targets: Int32Array | null,
  ): LinkData {
    const link = this.#link;
    if (this.#typed === null) {
      return {
        cardinality,
        shared,
        one,
        offsets,
        targets,
        batches: [new Batch(link.child!, Object.freeze(this.#ids))],
        batchOf: null,
      };
    }
    const batches = this.#typed.map((t) =>
      new Batch(link.children!.get(t.name)!, Object.freeze(t.ids))
    );
    return {
      cardinality,
      shared,
      one,
      offsets,
      targets,
      batches,
      batchOf: Uint16Array.from(this.#batchOf!),
    };
  }
}

function isId(value: unknown): value is Id {
  const type = typeof value;
  return type === "string" || type === "number" || type === "bigint" || type === "boolean";
}
