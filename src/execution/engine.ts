/**
 * The engine: runs a planned query through an executor, one loader call per node per query path.
 *
 * Execution is dataflow: every field group of a node starts at once; a link starts as soon as the
 * groups holding its `requires` have loaded (not when the whole level has); a linked node starts
 * as soon as its link has loaded. Loaders that return plain values are stored at once, so a query
 * whose loaders are all synchronous runs without a single Promise until the end.
 *
 * Option values that refer to variables are bound when their loader is called, once per
 * execution: the plan itself never depends on variable values.
 *
 * @module
 */

import { AbortListener } from "../base/_abort.ts";
import { reach } from "../base/_dense.ts";
import {
  ExecutionAbortedError,
  inspectableThrown,
  LoaderError,
  LoaderShapeError,
  QueryReadError,
  type QueryValidationError,
} from "../base/errors.ts";
import { describe, inspect } from "../base/_inspect.ts";
import { type Context, strictContext } from "../definitions/context.ts";
import type { Graph } from "../definitions/graph.ts";
import { type Id, isId, Nothing } from "../definitions/members.ts";
import type { GraphType } from "../definitions/types.ts";
import { bindArguments, bindOptions, NO_VARIABLES, type Variables } from "../planning/options.ts";
import type { FieldGroup, LinkPlan, NodePlan, OrderedStep, RegionPlan } from "../planning/plan.ts";
import type { FusedInput, FusedResult } from "../definitions/fusion.ts";
import { linkOptions, planQuery } from "../planning/plan.ts";
import { estimateCost } from "../planning/estimate.ts";
import {
  type QueryDirective,
  type QueryField,
  queryField,
  type QueryLink,
  queryLink,
  type QueryNode,
  type QueryOptions,
} from "../query/query.ts";
import type { CostBudget } from "./budget.ts";
import { directData, NOT_DIRECT, NOT_READABLE } from "./direct.ts";
import { directShape } from "../planning/direct_shape.ts";
import { type ExplainRecorder, type RunListener, RunLog, runLogOf } from "./explain.ts";
import { loadMetrics, type Metrics } from "./metrics.ts";
import { endSpan, startSpan, tracerOf, traceRun, type TracingOption } from "./tracing.ts";
import { context as otelContext, type Span, type Tracer } from "npm:@opentelemetry/api@1.9.1";
import type { Executor, LoadScope, LoadTask } from "./executor.ts";
import { createResult, type ResultProxy } from "./result.ts";
import { checkedField, fieldNulls, linkNulls, nullViolation } from "./denormalize.ts";
import { Batch, FAILED_TARGET, isFailure, type LinkData, NO_TARGET } from "./store.ts";

/** Options of the {@linkcode Engine} constructor. */
export interface EngineOptions {
  /**
   * Whether sources that can answer a region of a query with one load (the Postgres sources
   * fuse a subtree of tables into one statement) do so. Default `true`; with `false`, every node
   * is loaded one call per node per path.
   */
  readonly fusion?: boolean;
  /**
   * OpenTelemetry tracing: `true` (the default) traces through the global tracer provider of
   * `@opentelemetry/api`, which does nothing until an SDK registers one; a `TracerProvider` traces
   * through that one; `false` never traces. Each execution is a span (`hiku.execute`) with a span
   * per query path (`hiku.path`) and per load (`hiku.load`); see the README, "Seeing what ran".
   */
  readonly tracing?: TracingOption;
  /**
   * Where each load's calls, ids, rows, time and errors are counted, per node and loader (see
   * {@linkcode Metrics}). Default: not counted.
   */
  readonly metrics?: Metrics | null;
}

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
  /**
   * What the execution may cost: its estimate is checked before any loader runs, and the ids
   * that reach its nodes while it runs (see {@linkcode CostBudget}). Default: no limit.
   */
  readonly budget?: CostBudget | null;
  /**
   * Records what the execution does, load by load, for explain (see {@linkcode ExplainRecorder}).
   * Default: nothing is recorded.
   */
  readonly explain?: ExplainRecorder | null;
}

/**
 * Runs queries against graphs through an executor.
 *
 * @example
 * ```ts
 * import { AsyncExecutor, denormalize, Engine, Field, Graph, read, Root, Str } from "../../mod.ts";
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
  /** Whether sources may answer regions of a query with one load. */
  readonly fusion: boolean;
  /** Where loads are counted, or `null`. */
  readonly metrics: Metrics | null;
  readonly #tracer: Tracer | null;

  /**
   * Creates an engine.
   *
   * @param executor Runs the loader calls (e.g. `new AsyncExecutor()`).
   * @param options Whether sources may fuse loads (default `true`), tracing and metrics.
   */
  constructor(executor: Executor, options: EngineOptions = {}) {
    this.executor = executor;
    this.fusion = options.fusion ?? true;
    this.metrics = options.metrics ?? null;
    this.#tracer = tracerOf(options.tracing);
  }

  /**
   * Executes a query: validates it against the graph (once per query object), then calls each
   * loader once per node per query path.
   *
   * A loader may put an `Error` in place of one id's value (a row, a cell, a link target): that
   * position fails alone. Such failures never reject `execute`; reading the position does
   * (`ResultProxy.get`, `denormalize`), and `denormalizeWithErrors` reports them.
   *
   * @param graph The graph.
   * @param query The query (from `read`, `readSimple` or `build`).
   * @param ctx The context loaders wrapped with `passContext` receive.
   * @param options An abort signal, and whether results may be partial.
   * @returns The result, to read with `get` or turn into a plain object with `denormalize`.
   * @throws {QueryValidationError} (rejects) When the query does not fit the graph; no loader runs.
   * @throws {LoaderError} (rejects) When a loader throws; names the node and field.
   * @throws {LoaderShapeError} (rejects) When a loader returns the wrong shape.
   * @throws {CostLimitError} (rejects) When the query costs more than `options.budget` allows.
   */
  execute(
    graph: Graph,
    query: QueryNode,
    ctx?: Context | null,
    options?: ExecuteOptions | null,
  ): Promise<ResultProxy> {
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
      plan = planQuery(graph, query, this.fusion);
    } catch (error) {
      return Promise.reject(error as QueryValidationError | TypeError);
    }
    const budget = options?.budget ?? null;
    if (budget !== null) {
      const estimate = estimateCost(graph, query, NO_VARIABLES, budget);
      if (!budget.spendEstimate(estimate.cost)) {
        return Promise.reject(budget.estimateError(estimate.cost, estimate.loads, estimate.ids));
      }
    }
    const span = startSpan(this.#tracer, "hiku.execute", otelContext.active());
    const run: PlanRun = {
      signal: options?.signal ?? null,
      partial: options?.partial ?? false,
      variables: NO_VARIABLES,
      budget,
      explain: options?.explain ?? null,
      listeners: listenersFor(this.#tracer, span, this.metrics),
    };
    if (span === null) return executePlan(this.executor, graph, plan, ctx ?? {}, run);
    return executePlan(this.executor, graph, plan, ctx ?? {}, run).then(
      (result) => {
        endSpan(span, undefined);
        return result;
      },
      (error) => {
        endSpan(span, error);
        throw error;
      },
    );
  }
}

/**
 * What observes an execution besides explain (internal: `Engine` and `Schema` make them per
 * execution): its traces, under `span`, and its metrics.
 *
 * @param tracer The tracer, or `null`.
 * @param span The execution's span, or `null` when it is not traced.
 * @param metrics Where loads are counted, or `null`.
 * @returns The listeners; `null` when there are none.
 */
export function listenersFor(
  tracer: Tracer | null,
  span: Span | null,
  metrics: Metrics | null,
): readonly RunListener[] | null {
  if (span === null && metrics === null) return null;
  const listeners: RunListener[] = [];
  if (span !== null && tracer !== null) listeners.push(traceRun(tracer, span));
  if (metrics !== null) listeners.push(loadMetrics(metrics));
  return listeners;
}

/** How one execution runs: its signal, whether it is partial, its variable values. */
export interface PlanRun {
  /** Stops the execution. */
  readonly signal: AbortSignal | null;
  /** Whether failures are recorded instead of rejecting. */
  readonly partial: boolean;
  /** The values of the variables the plan's options refer to. */
  readonly variables: Variables;
  /** Counts the ids that reach nodes, and stops the execution past its `maxIds`. */
  readonly budget?: CostBudget | null;
  /** Records the execution's loads, for explain. */
  readonly explain?: ExplainRecorder | null;
  /** What else observes the execution's loads (tracing, metrics). */
  readonly listeners?: readonly RunListener[] | null;
  /**
   * Set when the caller reads the result with `denormalizeWithErrors` (and the root type name it
   * gives it) and nothing else: the engine may then build the response's `data` from a region
   * that answers the whole query in one pass (direct.ts) rather than fill its batches.
   */
  readonly direct?: { readonly rootTypeName: string | null } | null;
}

/**
 * Runs a plan (internal: the schema plans a document once and runs it with each request's
 * variables).
 *
 * @param executor Runs the loader calls.
 * @param graph The graph the plan was made for.
 * @param plan The root plan.
 * @param ctx The context.
 * @param run Signal, partial mode and variables.
 * @returns The result.
 */
export function executePlan(
  executor: Executor,
  graph: Graph,
  plan: NodePlan,
  ctx: Context,
  run: PlanRun,
): Promise<ResultProxy> {
  const signal = run.signal;
  if (signal?.aborted) return Promise.reject(new ExecutionAbortedError(signal.reason));
  let log: RunLog | null = null;
  const listeners = run.listeners ?? null;
  if (run.explain !== undefined && run.explain !== null) {
    try {
      log = runLogOf(run.explain, listeners ?? []);
    } catch (error) {
      return Promise.reject(error);
    }
  } else if (listeners !== null) log = new RunLog(listeners);
  const scope: LoadScope = { context: strictContext(ctx, signal), rawContext: ctx, signal };
  return new Execution(graph, executor, scope, run, log).start(plan);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === "object" &&
    typeof (value as { then?: unknown }).then === "function";
}

const ROOT_IDS: readonly Id[] = Object.freeze(["__root__"]);

/**
 * Columns of a group whose options could not be bound: the loader gets the others, and the
 * failed ones are put back, as failures, into what it returns.
 */
interface BoundColumns {
  /** Per column of the group, its position in what the loader got, or -1 when it failed. */
  readonly positions: readonly number[];
  /** The failures, by column. */
  readonly failures: ReadonlyMap<number, unknown>;
}

/** Required values of a link where some parents' values failed: those parents are left out. */
interface MaskedParents {
  /** The parents' failures, by position. */
  readonly failures: ReadonlyMap<number, unknown>;
  /** How many parents there are. */
  readonly count: number;
}

/** A fused load of a region, and the link it answers when the region starts at a link. */
interface RegionLoad {
  readonly kind: "region";
  readonly plan: RegionPlan;
  readonly entry: LinkPlan | null;
  /** Whether the load was asked for a tree alone (`FusedInput.tree`). */
  readonly tree: boolean;
  /** Whether it is the load again after its tree alone was given up: not read as a tree. */
  readonly again: boolean;
}

/**
 * Regions whose tree the direct walk can not answer the plan from, whatever the rows (found at a
 * first try): their loads are never asked for a tree alone again.
 */
const NOT_TREES = new WeakSet<RegionPlan>();

/** How a region loads: asked for a tree alone when the response may be built from it. */
const TRY_TREE = 0;
/** How a region loads: whole (read by ids). */
const WHOLE = 1;
/** How a region loads: whole, after its tree alone was given up (not read as a tree again). */
const AGAIN = 2;

/** One run of one query. */
class Execution {
  readonly #graph: Graph;
  readonly #executor: Executor;
  readonly #scope: LoadScope;
  readonly #partial: boolean;
  readonly #variables: Variables;
  readonly #budget: CostBudget | null;
  /** The root type name, when the response's `data` may be built in one pass (`PlanRun.direct`). */
  readonly #direct: { readonly rootTypeName: string | null } | null;
  /** The response's `data`, once built in one pass. */
  #directData: { [key: string]: unknown } | null = null;
  /** What explain, tracing and metrics record; `null` (one check per load) when nobody asked. */
  readonly #log: RunLog | null;
  #pending = 0;
  #failure: unknown = null;
  #failures = 0;
  #settled = false;
  #root: Batch | null = null;
  #resolve: ((result: ResultProxy) => void) | null = null;
  #reject: ((error: unknown) => void) | null = null;
  #steps: { batch: Batch; next: number } | null = null;
  #onAbort: AbortListener | null = null;
  /** What fused regions loaded in this execution, released when it ends. */
  readonly #regionResults: unknown[] = [];
  /** Regions whose one load failed in this execution: their members load one by one. */
  readonly #unfused = new Set<RegionPlan>();

  constructor(
    graph: Graph,
    executor: Executor,
    scope: LoadScope,
    run: PlanRun,
    log: RunLog | null,
  ) {
    this.#graph = graph;
    this.#executor = executor;
    this.#scope = scope;
    this.#partial = run.partial;
    this.#variables = run.variables;
    this.#budget = run.budget ?? null;
    this.#direct = log === null ? run.direct ?? null : null;
    this.#log = log;
  }

  start(plan: NodePlan): Promise<ResultProxy> {
    const root = new Batch(plan, ROOT_IDS);
    this.#root = root;
    if (this.#log !== null) this.#log.root(root);
    // Listening from the start: a loader may abort the signal while the run is still synchronous.
    const signal = this.#scope.signal;
    if (signal !== null) {
      this.#onAbort = new AbortListener(
        signal,
        () => this.#fail(new ExecutionAbortedError(signal.reason)),
      );
    }
    if (plan.steps === null) this.#runBatch(root);
    else {
      this.#steps = { batch: root, next: 0 };
      this.#nextStep();
    }
    return new Promise<ResultProxy>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      if (this.#failure !== null || this.#pending === 0) this.#finish();
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
    if (this.#log !== null) this.#log.finish();
    this.#onAbort?.remove();
    if (this.#failure !== null) this.#reject!(this.#failure);
    else {
      this.#resolve!(
        createResult(this.#graph, this.#root!, this.#failures > 0, this.#directData),
      );
    }
    const results = this.#regionResults;
    for (let r = 0; r < results.length; r++) release(results[r]!);
    results.length = 0;
    // Nothing reads these again. An execution that waited for a load under load has often
    // reached the old generation, where it stays, garbage, until the next full collection: every
    // minor collection until then would find the response's data through it.
    this.#directData = null;
    this.#resolve = null;
    this.#reject = null;
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
      // As graphql-js runs a mutation's root fields: once one fails where its type takes no
      // null, `data` is null, and the fields after it must not run (their side effects would
      // be done for an answer that drops them).
      if (state.next > 0 && this.#partial && nullsRoot(state.batch, steps[state.next - 1]!)) {
        state.next = steps.length;
        return;
      }
      const step = steps[state.next++]!;
      if (step.kind === "group") this.#loadGroup(state.batch, state.batch.plan.groups[step.index]!);
      else this.#loadLink(state.batch, state.batch.plan.links[step.index]!);
      if (this.#pending > 0) return;
    }
  }

  #runBatch(batch: Batch): void {
    const plan = batch.plan;
    const budget = this.#budget;
    if (budget !== null && !budget.spendIds(batch.ids.length)) {
      this.#fail(budget.idsError(plan.nodeName, batch.ids.length));
      return;
    }
    const region = plan.region;
    // Whether the region answers this batch's fused members (else they load one by one).
    let fromRegion = false;
    if (region !== null) {
      if (region.start && !this.#unfused.has(region.plan)) {
        this.#loadRegion(batch, region.plan, null, WHOLE);
        fromRegion = true;
      } else if (batch.fused !== null) {
        this.#fillRegion(batch);
        fromRegion = true;
      }
    }
    const groups = plan.groups;
    for (let g = 0; g < groups.length; g++) {
      if (this.#failure !== null) return;
      if (!fromRegion || !groups[g]!.fused) this.#loadGroup(batch, groups[g]!);
    }
    const links = plan.links;
    for (let l = 0; l < links.length; l++) {
      if (this.#failure !== null) return;
      const link = links[l]!;
      if (link.waitCount === 0 && (!fromRegion || link.fused < 0)) this.#loadLink(batch, link);
    }
  }

  /**
   * A region's one load failed: its members load one by one instead, in this execution, so that
   * each failure lands where the separate loads would have put it and nothing else is lost.
   */
  #unfuse(batch: Batch, load: RegionLoad): void {
    this.#unfused.add(load.plan);
    if (load.entry !== null) {
      this.#loadLink(batch, load.entry);
      return;
    }
    const plan = batch.plan;
    for (const group of plan.groups) {
      if (this.#failure !== null) return;
      if (group.fused) this.#loadGroup(batch, group);
    }
    for (const link of plan.links) {
      if (this.#failure !== null) return;
      if (link.fused >= 0 && link.waitCount === 0) this.#loadLink(batch, link);
    }
  }

  /** Starts the one load of a region: from a batch's ids, or as the link that lists them. */
  #loadRegion(
    batch: Batch,
    region: RegionPlan,
    entry: LinkPlan | null,
    tryTree: typeof TRY_TREE | typeof WHOLE | typeof AGAIN,
  ): void {
    const options: (QueryOptions | null)[] = [];
    try {
      for (const link of region.links) options.push(this.#linkOptions(link));
    } catch (error) {
      if (!(error instanceof QueryReadError)) throw error;
      // A link's options that cannot be bound fail that link alone, as they would unfused.
      this.#unfuse(batch, { kind: "region", plan: region, entry, tree: false, again: false });
      return;
    }
    const plan = batch.plan;
    // The response straight from the rows: the source may leave out what only reading by ids
    // needs, and the region loads again if the walk can not use them.
    const tree = tryTree === TRY_TREE && entry !== null && this.#direct !== null &&
      batch === this.#root && directShape(plan, entry) && !NOT_TREES.has(region);
    const input: FusedInput = tree
      ? { ids: null, options, tree: true, countIds: this.#budget !== null }
      : { ids: entry === null ? batch.ids : null, options };
    const task: LoadTask = {
      kind: "fused",
      node: plan.nodeName,
      member: region.region.label,
      loader: region.loader,
      passContext: true,
      args: [input],
      batchArg: -1,
    };
    this.#run(task, batch, entry !== null, entry?.index ?? -1, {
      kind: "region",
      plan: region,
      entry,
      tree,
      again: tryTree === AGAIN,
    });
  }

  /** What a region answered: fills the batch where it starts, or stores the link that starts it. */
  #regionLoaded(batch: Batch, load: RegionLoad, result: FusedResult): void {
    this.#regionResults.push(result);
    if (load.entry !== null) {
      const isObject = typeof result === "object" && result !== null;
      if (
        this.#direct !== null && batch === this.#root && !load.again && isObject &&
        typeof result.tree === "function"
      ) {
        // The whole query below the root in one pass, when the region answers all of it.
        const tree = result.tree();
        const data = tree === null ? NOT_DIRECT : directData(
          batch.plan,
          load.entry,
          tree,
          this.#direct.rootTypeName,
          this.#budget,
        );
        if (data === NOT_READABLE) NOT_TREES.add(load.plan);
        else if (data !== NOT_DIRECT) {
          this.#directData = data;
          return;
        }
      }
      if (isObject && result.treeOnly === true) {
        release(result);
        // Read by ids after all (an error to report where it happened, a null where none may
        // be): the region loads again, whole. A tree alone where the whole was asked for can not
        // be read: its members load one by one.
        if (load.tree) this.#loadRegion(batch, load.plan, load.entry, AGAIN);
        else this.#unfuse(batch, load);
        return;
      }
      let value: unknown;
      try {
        value = result.link(0, null);
      } catch (error) {
        this.#loadFailed(batch, true, load.entry.index, error);
        return;
      }
      this.#store(batch, true, load.entry.index, value, null, result);
      return;
    }
    batch.fused = result;
    this.#fillRegion(batch);
  }

  /** Stores what the region gives a batch's fused groups, then loads its fused links from it. */
  #fillRegion(batch: Batch): void {
    const plan = batch.plan;
    const result = batch.fused!;
    const node = plan.region!.node;
    const ids = batch.ids;
    for (const group of plan.groups) {
      if (!group.fused || this.#failure !== null) continue;
      try {
        const columns = result.columns?.(node, group.index) ?? null;
        if (columns === null) {
          const width = group.fields.length;
          const rows = new Array<readonly unknown[]>(ids.length);
          for (let i = 0; i < ids.length; i++) {
            rows[i] = result.row(node, group.index, ids[i]!) ?? new Array(width).fill(null);
          }
          this.#storeGroup(batch, group, plan.nodeName === null ? rows[0]! : rows, null);
        } else {
          this.#groupLoaded(batch, group, this.#wideRows(batch, group, result, columns), columns);
        }
      } catch (error) {
        this.#loadFailed(batch, false, group.index, error);
      }
    }
    for (const link of plan.links) {
      if (this.#failure !== null) return;
      if (link.fused >= 0 && link.waitCount === 0) this.#loadLink(batch, link);
    }
  }

  /**
   * The rows a region gives a group when its fields sit at `columns` of wider rows: each checked
   * to reach the last of them; an id without a row gets one of nulls.
   */
  #wideRows(
    batch: Batch,
    group: FieldGroup,
    result: FusedResult,
    columns: readonly number[],
  ): readonly (readonly unknown[])[] {
    const plan = batch.plan;
    const node = plan.region!.node;
    let width = 0;
    for (let c = 0; c < columns.length; c++) width = Math.max(width, columns[c]! + 1);
    if (columns.length !== group.fields.length) {
      throw this.#shapeError(
        plan,
        group,
        `columns for ${group.fields.length} fields`,
        `${columns.length} columns`,
      );
    }
    const ids = batch.ids;
    const rows = new Array<readonly unknown[]>(ids.length);
    let nulls: readonly unknown[] | null = null;
    for (let i = 0; i < ids.length; i++) {
      const row = result.row(node, group.index, ids[i]!);
      if (row === undefined) rows[i] = nulls ??= new Array(width).fill(null);
      else if (Array.isArray(row) && row.length >= width) rows[i] = row;
      else {
        throw this.#shapeError(
          plan,
          group,
          `array (length ${ids.length}) of arrays (length at least ${width})`,
          `${describe(row)} at [${i}]`,
        );
      }
    }
    return rows;
  }

  #run(
    task: LoadTask,
    batch: Batch,
    isLink: boolean,
    index: number,
    extra: BoundColumns | MaskedParents | RegionLoad | null,
  ): void {
    const signal = this.#scope.signal;
    if (signal !== null && signal.aborted) {
      this.#fail(new ExecutionAbortedError(signal.reason));
      return;
    }
    const log = this.#log;
    const id = log === null ? -1 : log.begin(
      task,
      batch,
      isLink,
      index,
      extra !== null && "kind" in extra ? extra.plan : null,
    );
    let result: unknown;
    try {
      result = log === null
        ? this.#executor.load(task, this.#scope)
        : log.load(id, this.#executor, task, this.#scope);
    } catch (error) {
      if (log !== null) log.failed(id, error);
      this.#failed(batch, isLink, index, error, extra);
      return;
    }
    if (!isThenable(result)) {
      if (log !== null) log.end(id, result);
      this.#store(batch, isLink, index, result, extra);
      return;
    }
    this.#pending++;
    result.then(
      (value) => {
        this.#pending--;
        if (log !== null) log.end(id, value);
        if (this.#failure === null && !this.#settled) {
          this.#store(batch, isLink, index, value, extra);
        } else if (extra !== null && "kind" in extra) {
          // A region's load that arrived after the execution ended: nothing reads it.
          release(value);
        }
        this.#idle();
      },
      (error) => {
        this.#pending--;
        if (log !== null) log.failed(id, error);
        if (this.#failure === null && !this.#settled) {
          this.#failed(batch, isLink, index, error, extra);
        }
        this.#idle();
      },
    );
  }

  /** A load threw or rejected: a region's falls back to separate loads, others fail. */
  #failed(
    batch: Batch,
    isLink: boolean,
    index: number,
    error: unknown,
    extra: BoundColumns | MaskedParents | RegionLoad | null,
  ): void {
    if (extra !== null && "kind" in extra && !(error instanceof ExecutionAbortedError)) {
      this.#unfuse(batch, extra);
      return;
    }
    this.#loadFailed(batch, isLink, index, error);
  }

  #store(
    batch: Batch,
    isLink: boolean,
    index: number,
    value: unknown,
    extra: BoundColumns | MaskedParents | RegionLoad | null,
    fused: FusedResult | null = null,
  ): void {
    if (extra !== null && "kind" in extra) {
      this.#regionLoaded(batch, extra, value as FusedResult);
      return;
    }
    let children: readonly Batch[];
    try {
      if (!isLink) {
        this.#storeGroup(batch, batch.plan.groups[index]!, value, extra as BoundColumns | null);
        return;
      }
      children = this.#storeLink(batch, batch.plan.links[index]!, value, extra as MaskedParents);
    } catch (error) {
      this.#loadFailed(batch, isLink, index, error);
      return;
    }
    // Nodes a region's link reaches are in the region: what it loaded is theirs too.
    const region = fused ?? (batch.plan.links[index]!.fused >= 0 ? batch.fused : null);
    for (let b = 0; b < children.length; b++) children[b]!.fused = region;
    if (this.#log !== null) this.#log.reached(batch, index, children);
    for (let b = 0; b < children.length; b++) {
      const child = children[b]!;
      if (child.ids.length > 0) this.#runBatch(child);
    }
  }

  /**
   * A load failed: the execution fails, or, for partial results, the failure is recorded where
   * the load's values would have been, and links waiting on it fail with it.
   */
  #loadFailed(batch: Batch, isLink: boolean, index: number, thrown: unknown): void {
    const plan = batch.plan;
    const error = inspectableThrown(thrown);
    let failure = error;
    if (
      !(error instanceof ExecutionAbortedError) && !(error instanceof LoaderShapeError) &&
      !(error instanceof LoaderError) && !(error instanceof QueryReadError)
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
      this.#failLink(batch, index, failure);
      return;
    }
    batch.groups[index] = { kind: "failed", error: failure };
    const waiters = plan.groups[index]!.waiters;
    for (let w = 0; w < waiters.length; w++) this.#failLink(batch, waiters[w]!, failure);
  }

  /** Records a link's failure; the first one stays. */
  #failLink(batch: Batch, link: number, error: unknown): void {
    if (batch.links[link]!.kind !== "failed") batch.links[link] = { kind: "failed", error };
  }

  #loadGroup(batch: Batch, group: FieldGroup): void {
    const plan = batch.plan;
    let fields = group.fields;
    let bound: BoundColumns | null = null;
    if (group.bindings !== null) {
      const result = this.#bindGroup(group);
      fields = result.fields;
      bound = result.bound;
      if (bound !== null && fields.length === 0) {
        // Nothing left to load: every column holds its failure.
        this.#storeGroup(
          batch,
          group,
          plan.nodeName === null ? [] : batch.ids.map(() => []),
          bound,
        );
        return;
      }
    }
    const isRoot = plan.nodeName === null;
    const task: LoadTask = {
      kind: "fields",
      node: plan.nodeName,
      member: group.names[0]!,
      loader: group.loader,
      passContext: group.passContext,
      args: isRoot ? [fields] : [fields, batch.ids],
      batchArg: isRoot ? -1 : 1,
    };
    this.#run(task, batch, false, group.index, bound);
  }

  /** Binds the variables of a group's fields; columns that cannot be bound fail alone. */
  #bindGroup(
    group: FieldGroup,
  ): { fields: readonly (QueryField | QueryLink)[]; bound: BoundColumns | null } {
    const bindings = group.bindings!;
    const fields: (QueryField | QueryLink)[] = [];
    let failures: Map<number, unknown> | null = null;
    const positions = new Array<number>(group.fields.length);
    for (let c = 0; c < group.fields.length; c++) {
      const binding = bindings[c];
      if (binding === null || binding === undefined) {
        positions[c] = fields.length;
        fields.push(group.fields[c]!);
        continue;
      }
      const item = binding.item;
      try {
        const options = item.options === null ? null : bindOptions(
          binding.member.options,
          item.options,
          this.#variables,
          this.#graph,
          binding.owner,
        );
        fields.push(rebuild(item, options, this.#bindDirectives(item.directives)));
        positions[c] = fields.length - 1;
      } catch (error) {
        if (!(error instanceof QueryReadError)) throw error;
        (failures ??= new Map()).set(c, error);
        positions[c] = -1;
      }
    }
    return { fields, bound: failures === null ? null : { positions, failures } };
  }

  #bindDirectives(directives: readonly QueryDirective[]): readonly QueryDirective[] {
    if (directives.length === 0) return directives;
    return directives.map((directive) => ({
      name: directive.name,
      args: bindArguments(directive.args, this.#variables),
    }));
  }

  #storeGroup(
    batch: Batch,
    group: FieldGroup,
    value: unknown,
    bound: BoundColumns | null,
  ): void {
    const plan = batch.plan;
    const width = bound === null ? group.fields.length : group.fields.length - bound.failures.size;
    let rows: unknown[];
    if (plan.nodeName === null) {
      if (!Array.isArray(value) || value.length !== width) {
        throw this.#shapeError(plan, group, `array (length ${width})`, describe(value));
      }
      rows = [value];
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
      rows = value;
      for (let i = 0; i < n; i++) {
        const row = value[i];
        if (Array.isArray(row) && row.length === width) continue;
        if (isFailure(row)) {
          // An Error in place of a row fails every field of that id.
          if (rows === value) rows = value.slice();
          rows[i] = new Array(width).fill(row);
          continue;
        }
        throw this.#shapeError(
          plan,
          group,
          `array (length ${n}) of arrays (length ${width})`,
          `${describe(row)} at [${i}]`,
        );
      }
    }
    if (bound !== null) rows = expandColumns(rows as readonly unknown[][], bound);
    this.#groupLoaded(batch, group, rows as unknown[][], null);
  }

  /** Stores a group's rows and loads the links that were waiting for them. */
  #groupLoaded(
    batch: Batch,
    group: FieldGroup,
    rows: readonly (readonly unknown[])[],
    columns: readonly number[] | null,
  ): void {
    batch.groups[group.index] = { kind: "loaded", rows, columns };
    const waiters = group.waiters;
    for (let w = 0; w < waiters.length; w++) {
      const l = waiters[w]!;
      const left = batch.waits[l]! - 1;
      batch.waits[l] = left;
      if (
        left === 0 && this.#failure === null && batch.plan.steps === null &&
        batch.links[l]!.kind === "pending"
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

  /** A link's option values for this execution: as planned, or bound to the variables. */
  #linkOptions(link: LinkPlan): QueryOptions | null {
    return linkOptions(link, this.#variables, this.#graph);
  }

  #loadLink(batch: Batch, link: LinkPlan): void {
    const plan = batch.plan;
    if (link.entry !== null && !this.#unfused.has(link.entry)) {
      this.#loadRegion(batch, link.entry, link, TRY_TREE);
      return;
    }
    if (link.fused >= 0 && batch.fused !== null) {
      this.#linkFromRegion(batch, link, batch.fused);
      return;
    }
    let options: QueryOptions | null;
    try {
      options = this.#linkOptions(link);
    } catch (error) {
      if (!(error instanceof QueryReadError)) throw error;
      this.#loadFailed(batch, true, link.index, error);
      return;
    }
    const args: unknown[] = [];
    let masked: MaskedParents | null = null;
    if (link.requires !== null) {
      const values = this.#requiredValues(batch, link);
      masked = values.masked;
      if (masked !== null && values.values.length === 0) {
        // Every parent's required value failed: nothing to load.
        this.#store(batch, true, link.index, [], masked);
        return;
      }
      args.push(values.values);
    }
    if (options !== null) args.push(options);
    const task: LoadTask = {
      kind: "link",
      node: plan.nodeName,
      member: link.link.name,
      loader: link.link.loader,
      passContext: link.passContext,
      args,
      batchArg: link.requires !== null ? 0 : -1,
    };
    this.#run(task, batch, true, link.index, masked);
  }

  /** Stores what a region gives a link, per parent, as its loader would have returned it. */
  #linkFromRegion(batch: Batch, link: LinkPlan, result: FusedResult): void {
    const index = link.fused;
    let value: unknown;
    let masked: MaskedParents | null = null;
    try {
      if (link.requires === null) value = result.link(index, null);
      else {
        const required = this.#requiredValues(batch, link);
        masked = required.masked;
        const values = required.values;
        const out = new Array(values.length);
        for (let i = 0; i < values.length; i++) out[i] = result.link(index, values[i]);
        value = out;
      }
    } catch (error) {
      this.#loadFailed(batch, true, link.index, error);
      return;
    }
    this.#store(batch, true, link.index, value, masked);
  }

  /**
   * The required values of a link, one per id; a parent whose value failed (an `Error` in its
   * row) is left out, and its link fails with that error.
   */
  #requiredValues(
    batch: Batch,
    link: LinkPlan,
  ): { values: unknown[]; masked: MaskedParents | null } {
    const sources = link.requires!;
    const n = batch.ids.length;
    const out = new Array(n);
    const failures = new Map<number, unknown>();
    if (!link.requiresList) {
      const source = sources[0]!;
      const state = batch.groups[source.group]!;
      const groupRows = state.kind === "loaded" ? state.rows : [];
      const column = state.kind === "loaded" && state.columns !== null
        ? state.columns[source.column]!
        : source.column;
      for (let i = 0; i < n; i++) {
        const value = groupRows[i]![column];
        if (typeof value === "object" && value !== null && isFailure(value)) {
          failures.set(i, value);
        }
        out[i] = value;
      }
    } else {
      const names = link.requiresNames;
      for (let i = 0; i < n; i++) {
        const record: { [name: string]: unknown } = {};
        for (let r = 0; r < sources.length; r++) {
          const source = sources[r]!;
          const state = batch.groups[source.group]!;
          const value = state.kind === "loaded"
            ? state.rows[i]![state.columns === null ? source.column : state.columns[source.column]!]
            : undefined;
          if (isFailure(value) && !failures.has(i)) failures.set(i, value);
          record[names[r]!] = value;
        }
        out[i] = Object.freeze(record);
      }
    }
    if (failures.size === 0) return { values: out, masked: null };
    const kept: unknown[] = [];
    for (let i = 0; i < n; i++) if (!failures.has(i)) kept.push(out[i]);
    return { values: kept, masked: { failures, count: n } };
  }

  #storeLink(
    batch: Batch,
    link: LinkPlan,
    value: unknown,
    masked: MaskedParents | null,
  ): readonly Batch[] {
    const plan = batch.plan;
    const perId = link.requires !== null;
    const builder = new TargetBuilder(this, plan, link);
    const n = batch.ids.length;
    if (masked !== null) {
      const given = n - masked.failures.size;
      if (!Array.isArray(value) || value.length !== given) {
        throw builder.shape(
          `array (length ${given}) of ${builder.expectedItem()}`,
          describe(value),
        );
      }
      value = unmask(value, masked);
    }
    let data: LinkData;
    if (!link.shape.list) {
      const maybe = link.shape.nullable;
      if (perId) {
        if (!Array.isArray(value) || value.length !== n) {
          throw builder.shape(`array (length ${n}) of ${builder.expectedItem()}`, describe(value));
        }
        const targets = new Array<number>(n);
        for (let i = 0; i < n; i++) targets[i] = builder.target(value[i], maybe, i, -1, i);
        data = builder.single(false, targets);
      } else {
        const targets = [builder.target(value, maybe, -1, -1, 0)];
        data = builder.single(true, targets);
      }
    } else if (perId) {
      if (!Array.isArray(value) || value.length !== n) {
        throw builder.shape(`array (length ${n}) of ${builder.expectedItem()}`, describe(value));
      }
      const starts = new Array<number>(n + 1);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const items = value[i];
        starts[i] = total;
        if (Array.isArray(items)) total += items.length;
        else builder.instead(items, i, i, n);
      }
      starts[n] = total;
      const targets = new Array<number>(total);
      let k = 0;
      for (let i = 0; i < n; i++) {
        const items = value[i];
        if (!Array.isArray(items)) continue;
        for (let j = 0; j < items.length; j++) {
          targets[k] = builder.target(items[j], link.shape.itemsNullable, i, j, k);
          k++;
        }
      }
      data = builder.list(false, starts, targets);
    } else if (!Array.isArray(value)) {
      builder.instead(value, -1, 0, 0);
      data = builder.list(true, [0, 0], []);
    } else {
      const targets = new Array<number>(value.length);
      for (let j = 0; j < value.length; j++) {
        targets[j] = builder.target(value[j], link.shape.itemsNullable, -1, j, j);
      }
      data = builder.list(true, [0, value.length], targets);
    }
    batch.links[link.index] = { kind: "loaded", data };
    return data.batches;
  }

  get context(): Context {
    return this.#scope.context;
  }

  /** Whether failures are reported where they happened (GraphQL) rather than failing the run. */
  get partial(): boolean {
    return this.#partial;
  }

  /** Whether the graph has a node, union or interface of that name (for graphql-js's messages). */
  hasType(name: string): boolean {
    const graph = this.#graph;
    return graph.nodesMap.has(name) || graph.unionsMap.has(name) ||
      graph.interfacesMap.has(name);
  }
}

function rebuild(
  item: QueryField | QueryLink,
  options: QueryOptions | null,
  directives: readonly QueryDirective[],
): QueryField | QueryLink {
  const init = { alias: item.alias, options, directives, location: item.location };
  return item.kind === "field"
    ? queryField(item.name, init)
    : queryLink(item.name, item.node, init);
}

/** Puts the failures of columns that could not be bound back into rows the loader returned. */
function expandColumns(rows: readonly (readonly unknown[])[], bound: BoundColumns): unknown[][] {
  const positions = bound.positions;
  const out = new Array<unknown[]>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const full = new Array(positions.length);
    for (let c = 0; c < positions.length; c++) {
      const p = positions[c]!;
      full[c] = p < 0 ? bound.failures.get(c) : row[p];
    }
    out[i] = full;
  }
  return out;
}

/** Puts the failures of parents left out of a link's call back into what it returned. */
function unmask(value: readonly unknown[], masked: MaskedParents): unknown[] {
  const out = new Array(masked.count);
  let k = 0;
  for (let i = 0; i < masked.count; i++) {
    const failure = masked.failures.get(i);
    out[i] = failure === undefined ? value[k++] : failure;
  }
  return out;
}

/**
 * Lets a fused region's result drop what it holds (`FusedResult.release`), once nothing reads it.
 * A result that is not an object, has no `release`, or whose `release` throws is left as it is:
 * the execution has settled and its outcome does not depend on it.
 */
function release(result: unknown): void {
  if (typeof result !== "object" || result === null) return;
  try {
    (result as FusedResult).release?.();
  } catch {
    // Releasing only frees memory sooner; a source that fails at it keeps its rows.
  }
}

/**
 * Turns a link loader's ids into positions in child batches, de-duplicating ids, and records
 * what stands in place of ids: `Nothing`, and `Error`s for positions that failed.
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
  #failures: Map<number, unknown> | null = null;
  #instead: Map<number, unknown> | null = null;

  constructor(run: Execution, plan: NodePlan, link: LinkPlan) {
    this.#run = run;
    this.#plan = plan;
    this.#link = link;
    const abstract = link.targets.resolveType !== null;
    this.#typed = abstract ? [] : null;
    this.#batchOf = abstract ? [] : null;
  }

  shape(expected: string, got: string): LoaderShapeError {
    return new LoaderShapeError("link", this.#plan.label, [this.#link.link.name], expected, got);
  }

  /** What one entry of a per-id result is, for messages. */
  expectedItem(): string {
    const shape = this.#link.shape;
    if (!shape.list) return shape.nullable ? "ids or Nothing" : "ids";
    const items = shape.itemsNullable ? "arrays of ids or Nothing" : "arrays of ids";
    return shape.nullable ? `${items}, or Nothing for no list` : items;
  }

  /** Records what a parent has instead of a list: `Nothing` (when allowed) or an `Error`. */
  instead(value: unknown, i: number, parent: number, n: number): void {
    if (isFailure(value)) {
      (this.#instead ??= new Map()).set(parent, value);
      return;
    }
    if (value === Nothing && this.#link.shape.nullable) {
      (this.#instead ??= new Map()).set(parent, null);
      return;
    }
    if (value === Nothing && this.#run.partial) {
      (this.#instead ??= new Map()).set(parent, this.#nullViolation());
      return;
    }
    const got = value === Nothing ? "Nothing" : describe(value);
    if (i < 0) {
      const shape = this.#link.shape;
      const list = shape.itemsNullable ? "array of ids or Nothing" : "array of ids";
      throw this.shape(shape.nullable ? `${list}, or Nothing for no list` : list, got);
    }
    const error = this.shape(`array (length ${n}) of ${this.expectedItem()}`, `${got} at [${i}]`);
    if (!this.#run.partial) throw error;
    // Reported where it happened: one parent's wrong value fails that parent's link, not the
    // others' (as graphql-js fails one resolver's result).
    (this.#instead ??= new Map()).set(parent, error);
  }

  /** The child position of one returned item (`k`: its index in the targets array). */
  target(id: unknown, maybe: boolean, i: number, j: number, k: number): number {
    if (this.#typed !== null) return this.#typedTarget(id, maybe, i, j, k);
    const dense = this.#dense;
    if (dense !== null && typeof id === "number") {
      if (this.#base !== this.#base) this.#base = id;
      const d = id - this.#base;
      if ((d | 0) === d && d >= 0) {
        const position = dense[d];
        if (position !== undefined && position >= 0) return position;
        if (d <= (this.#ids.length << 4) + 4096) {
          const added = this.#ids.length;
          this.#ids.push(id);
          reach(dense, d, -1);
          dense[d] = added;
          return added;
        }
        this.#toSparse();
      }
    }
    let position = this.#positions.get(id as Id);
    if (position === undefined) {
      const special = this.#special(id, maybe, i, j, k);
      if (special !== null) return special;
      position = this.#ids.length;
      this.#ids.push(id as Id);
      this.#positions.set(id as Id, position);
    }
    return position;
  }

  /**
   * `Nothing` or an `Error` in place of an id: its code; `null` for an id. What is neither (or a
   * `Nothing` where the link takes none) is a `LoaderShapeError`; with partial results it fails
   * that position alone, and the other items and parents keep theirs, as graphql-js completes
   * each item on its own.
   */
  #special(id: unknown, maybe: boolean, i: number, j: number, k: number): number | null {
    if (id === Nothing) {
      if (maybe) return NO_TARGET;
      return this.#failed(k, this.#run.partial ? this.#nullViolation() : this.#badItem(id, i, j));
    }
    if (isFailure(id)) return this.#failed(k, id);
    if (!isId(id)) return this.#failed(k, this.#badItem(id, i, j));
    return null;
  }

  /**
   * A position that failed: a loader's `Error` is kept there; a wrong item fails the whole load,
   * unless failures are reported where they happen (GraphQL), where it fails that position alone.
   */
  #failed(k: number, error: unknown): number {
    if (error instanceof LoaderShapeError && !this.#run.partial) throw error;
    (this.#failures ??= new Map()).set(k, error);
    return FAILED_TARGET;
  }

  #toSparse(): void {
    const ids = this.#ids;
    const positions = this.#positions;
    for (let p = 0; p < ids.length; p++) positions.set(ids[p]!, p);
    this.#dense = null;
  }

  #typedTarget(id: unknown, maybe: boolean, i: number, j: number, k: number): number {
    this.#batchOf!.push(0);
    const special = this.#special(id, maybe, i, j, k);
    if (special !== null) return special;
    const typed = this.#typed!;
    let found = -1;
    for (let t = 0; t < typed.length; t++) {
      if (typed[t]!.positions.has(id as Id)) {
        found = t;
        break;
      }
    }
    if (found < 0) {
      const targets = this.#link.targets;
      let name: string;
      try {
        name = targets.resolveType!(id as Id, this.#run.context);
      } catch (error) {
        // With partial results, a resolver that throws for one id fails that position alone.
        if (!this.#run.partial) throw error;
        return this.#failed(k, error);
      }
      if (!targets.possible.has(name)) {
        // With partial results, in graphql-js's words for a type outside the union.
        if (this.#run.partial) return this.#failed(k, this.#notPossible(name));
        return this.#failed(
          k,
          this.shape(
            `ids whose type resolves to ${[...targets.possible].map((n) => `"${n}"`).join(" or ")}`,
            `id ${inspect(id)} resolved to ${inspect(name)}`,
          ),
        );
      }
      found = typed.findIndex((t) => t.name === name);
      if (found < 0) {
        found = typed.length;
        typed.push({ name, ids: [], positions: new Map() });
      }
    }
    const bucket = typed[found]!;
    let position = bucket.positions.get(id as Id);
    if (position === undefined) {
      position = bucket.ids.length;
      bucket.ids.push(id as Id);
      bucket.positions.set(id as Id, position);
    }
    this.#batchOf![this.#batchOf!.length - 1] = found;
    return position;
  }

  /** graphql-js's words for a type a union's or interface's resolver gave that does not fit. */
  #notPossible(name: unknown): TypeError {
    const abstract = this.#abstractName();
    if (typeof name !== "string") {
      return new TypeError(
        `Abstract type "${abstract}" must resolve to an Object type at runtime for field ` +
          `"${this.#plan.typeName}.${this.#link.link.name}". Either the "${abstract}" type ` +
          'should provide a "resolveType" function or each possible type should provide an ' +
          '"isTypeOf" function.',
      );
    }
    if (!this.#run.hasType(name)) {
      return new TypeError(
        `Abstract type "${abstract}" was resolved to a type "${name}" that does not exist inside ` +
          "the schema.",
      );
    }
    return new TypeError(`Runtime Object type "${name}" is not a possible type for "${abstract}".`);
  }

  /** The union or interface the link is typed with. */
  #abstractName(): string {
    let type = this.#link.link.type as GraphType;
    while (type.kind === "optional" || type.kind === "sequence") type = type.type;
    return "name" in type ? String(type.name) : "";
  }

  /** A `Nothing` where the link takes none, in graphql-js's words for a null there. */
  #nullViolation(): TypeError {
    return nullViolation(this.#plan.typeName, this.#link.link.name);
  }

  #badItem(item: unknown, i: number, j: number): LoaderShapeError {
    const where = i < 0 ? (j < 0 ? "" : ` at [${j}]`) : j < 0 ? ` at [${i}]` : ` at [${i}][${j}]`;
    const shape = this.#link.shape;
    const optional = shape.list ? shape.itemsNullable : shape.nullable;
    const expected = item === Nothing
      ? `an id (the link is ${optional ? "Optional" : "not Optional"}, so Nothing is not allowed)`
      : "ids (string, number, bigint or boolean)";
    return this.shape(expected, `${item === Nothing ? "Nothing" : describe(item)}${where}`);
  }

  #batches(): { batches: Batch[]; batchOf: readonly number[] | null } {
    const targets = this.#link.targets;
    if (this.#typed === null) {
      const ids = this.#ids;
      const batches = ids.length === 0
        ? []
        : [new Batch(targets.plan(this.#link.link.target), Object.freeze(ids))];
      return { batches, batchOf: null };
    }
    return {
      batches: this.#typed.map((t) => new Batch(targets.plan(t.name), Object.freeze(t.ids))),
      batchOf: this.#batchOf!,
    };
  }

  single(shared: boolean, targets: readonly number[]): LinkData {
    const { batches, batchOf } = this.#batches();
    return { kind: "single", shared, targets, batches, batchOf, failures: this.#failures };
  }

  list(shared: boolean, starts: readonly number[], targets: readonly number[]): LinkData {
    const { batches, batchOf } = this.#batches();
    return {
      kind: "list",
      shared,
      starts,
      targets,
      batches,
      batchOf,
      failures: this.#failures,
      instead: this.#instead,
    };
  }
}

/**
 * Whether a mutation's root step, done (its link's subtree loaded too), nulls `data`: a field of
 * its group whose type takes no null failed, came back null (an `Error` in its place included) or
 * with a value its type does not take, or its link, which takes no null, failed or gets a null
 * from a failure anywhere below it.
 */
function nullsRoot(batch: Batch, step: OrderedStep): boolean {
  const out = batch.plan.out;
  if (step.kind === "group") {
    const state = batch.groups[step.index]!;
    for (let s = 0; s < out.length; s++) {
      const slot = out[s]!;
      if (slot.kind !== "field" || slot.group !== step.index || slot.nullable) continue;
      if (state.kind === "failed") return true;
      if (state.kind !== "loaded") continue;
      const row = state.rows[0];
      const value = row?.[state.columns === null ? slot.column : state.columns[slot.column]!];
      if (value === null || value === undefined || isFailure(value)) return true;
      // A value its type does not take (a string for an Int) is an error in its place too; one
      // the fast check passes is fine, else the walk that reports decides (an error in a
      // record's part that takes null stays there).
      try {
        checkedField(slot, value);
      } catch {
        if (fieldNulls(batch, 0, slot)) return true;
      }
    }
    return false;
  }
  for (let s = 0; s < out.length; s++) {
    const slot = out[s]!;
    if (slot.kind !== "link" || slot.link !== step.index || slot.shape.nullable) continue;
    if (linkNulls(batch, 0, slot)) return true;
  }
  return false;
}
