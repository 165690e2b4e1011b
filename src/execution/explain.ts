/**
 * Explain after a run: what an execution did, load by load. An {@linkcode ExplainRecorder}
 * passed to `engine.execute(..., { explain })` (or asked for from `Schema`) sees every loader
 * call the engine makes: its node and query path, its loader (or the fused region it answers),
 * the ids it was given, before and after de-duplication, what it returned, when it started and
 * how long it took, and which load it waited for. {@linkcode ExplainRecorder.explain} gives that
 * as plain data ({@linkcode Explain}, for tools: stable key order, JSON as it is), and
 * {@linkcode formatExplain} as a text tree for people, like `EXPLAIN ANALYZE`.
 *
 * The engine pays one null check per load when no recorder is given: everything else happens
 * here, only when one is.
 *
 * @module
 */

import { fusionOf } from "../definitions/fusion.ts";
import {
  type FusedInput,
  type FusedLoader,
  type FusedResult,
  statementOf,
} from "../definitions/fusion.ts";
import { Nothing } from "../definitions/members.ts";
import {
  drawLoadTree,
  loaderName,
  type LoadIdentity,
  perPathTable,
  plural,
  regionMembers,
} from "../planning/explain_plan.ts";
import type { RegionPlan } from "../planning/plan.ts";
import type { Executor, LoadScope, LoadTask } from "./executor.ts";
import type { Batch, LinkData } from "./store.ts";

/** Ids that reached one node at one query path (a batch of the engine). */
export interface ExplainBatch {
  /** The query path, result keys joined by dots (`"characters.actors"`). */
  readonly path: string;
  /** The node. */
  readonly node: string;
  /** How many distinct ids reached it. */
  readonly ids: number;
}

/** One loader call (or the one load of a fused region) of an execution. */
export interface ExplainLoad extends LoadIdentity {
  /**
   * How many ids (or required values, for a link) it was given; 0 for calls that take none (root
   * fields, links without `requires`, a region listed by its first link).
   */
  readonly ids: number;
  /**
   * How many times links pointed at those ids before the engine de-duplicated them (equal to
   * {@linkcode ids} when nothing was repeated).
   */
  readonly idsBeforeDedup: number;
  /**
   * What it returned: rows for a field loader, ids for a link loader (before de-duplication;
   * `Nothing` not counted), rows read for a fused load when its source says; `null` when unknown
   * or when it failed.
   */
  readonly returned: number | null;
  /** The batches of ids its result reached (a link's nodes; every node a region filled). */
  readonly reached: readonly ExplainBatch[];
  /**
   * The loads it waited for: the load that gave its node its ids, or, for a link with
   * `requires`, the loads of the fields it requires.
   */
  readonly waitedFor: readonly number[];
  /** When it started, in milliseconds since the execution started (`performance.now()`). */
  readonly start: number;
  /** How long it took until its result (or error) arrived, in ms; `null` if it never did. */
  readonly duration: number | null;
  /**
   * Its error's message when it failed, else `null`. A fused load that failed was replaced by its
   * members' own loads, which follow it.
   */
  readonly error: string | null;
}

/** Loads and ids at one node and query path. */
export interface ExplainCounter {
  /** The query path (`""` for the root). */
  readonly path: string;
  /** The node; `null` for the root. */
  readonly node: string | null;
  /** Loads made there (fused loads count where their region starts). */
  readonly loads: number;
  /** Ids given to those loads. */
  readonly ids: number;
}

/** What an execution's loads add up to. */
export interface ExplainCounters {
  /** Loads made (loader calls and fused loads). */
  readonly loads: number;
  /** Ids given to them, summed. */
  readonly ids: number;
  /**
   * Loads answered by a source: a loader carrying the fusion hook (the Postgres sources) or a
   * fused region; each sends one statement. User loaders are not counted: what they send is
   * theirs.
   */
  readonly statements: number;
  /** Per node per query path, in the order they were first loaded. */
  readonly perPath: readonly ExplainCounter[];
}

/** What an execution did: the JSON form of explain. */
export interface Explain {
  /** The format's version. */
  readonly version: 1;
  /** From the start of the execution to its end (or to now, if it has not ended), in ms. */
  readonly duration: number;
  /** Counters. */
  readonly counters: ExplainCounters;
  /** Every load, in the order they started. */
  readonly loads: readonly ExplainLoad[];
}

/** A load being recorded (internal: what listeners of a run see). */
export interface LoadRecord extends LoadIdentity {
  readonly ids: number;
  readonly idsBeforeDedup: number;
  returned: number | null;
  readonly reached: ExplainBatch[];
  readonly waitedFor: readonly number[];
  readonly start: number;
  duration: number | null;
  error: string | null;
  readonly source: boolean;
  readonly perId: boolean;
}

/** What the log knows of a batch. */
interface BatchInfo {
  readonly path: string;
  /** The load whose result gave the batch its ids; -1 for the root. */
  readonly producer: number;
  /** The fused load that answers the batch's fused members; -1 when none does. */
  region: number;
  /** How many times links pointed at its ids. */
  readonly referenced: number;
  /** Per group, its load; -1 when it made none (yet). */
  readonly groupLoads: Int32Array;
  /** Per link, its load; -1 when it made none (yet). */
  readonly linkLoads: Int32Array;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/**
 * What observes a run besides explain (internal: tracing and metrics). A listener sees the
 * batches of ids as they reach nodes, each load as it starts and settles, and the end.
 */
export interface RunListener {
  /**
   * Ids reached a node at a query path (the root first, with path `""` and node `null`).
   *
   * @param path The query path.
   * @param node The node, or `null` for the root.
   * @param ids How many distinct ids.
   * @param parent The query path of the batch whose link reached it; `null` for the root.
   */
  batch(path: string, node: string | null, ids: number, parent: string | null): void;
  /** A load starts (its record is filled but for `returned`, `duration`, `error`). */
  started(load: LoadRecord): void;
  /** A load settled: its result arrived (`error` undefined) or it failed. */
  settled(load: LoadRecord, error: unknown): void;
  /** The execution settled. */
  finished(log: RunLog): void;
  /**
   * Runs a load's call (e.g. inside the context of its span); `null` when the listener does not
   * need to.
   */
  readonly call:
    | ((load: LoadRecord, executor: Executor, task: LoadTask, scope: LoadScope) => unknown)
    | null;
}

/**
 * The log of one execution (internal: the engine writes it through the hooks below, and only
 * when a recorder was given).
 */
export class RunLog {
  readonly #loads: LoadRecord[] = [];
  readonly #batches = new Map<Batch, BatchInfo>();
  readonly #listeners: readonly RunListener[];
  readonly #call: RunListener | null;
  #origin = 0;
  #end = -1;

  /**
   * @param listeners What observes the run besides explain.
   */
  constructor(listeners: readonly RunListener[] = []) {
    this.#listeners = listeners;
    this.#call = listeners.find((l) => l.call !== null) ?? null;
  }

  /** The loads recorded so far, in the order they started. */
  get loads(): readonly LoadRecord[] {
    return this.#loads;
  }

  /** The execution starts at its root batch. */
  root(batch: Batch): void {
    this.#origin = performance.now();
    this.#batches.set(batch, this.#info(batch, "", -1, 0));
    const listeners = this.#listeners;
    for (let i = 0; i < listeners.length; i++) listeners[i]!.batch("", null, 1, null);
  }

  /** The execution has settled. */
  finish(): void {
    if (this.#end >= 0) return;
    this.#end = performance.now();
    const listeners = this.#listeners;
    for (let i = 0; i < listeners.length; i++) listeners[i]!.finished(this);
  }

  /**
   * Runs a load's call: through the listener that wraps calls, if any.
   *
   * @returns What the executor returned.
   */
  load(id: number, executor: Executor, task: LoadTask, scope: LoadScope): unknown {
    const wrapper = this.#call;
    return wrapper === null
      ? executor.load(task, scope)
      : wrapper.call!(this.#loads[id]!, executor, task, scope);
  }

  #info(batch: Batch, path: string, producer: number, referenced: number): BatchInfo {
    const groups = new Int32Array(batch.plan.groups.length).fill(-1);
    const links = new Int32Array(batch.plan.links.length).fill(-1);
    return { path, producer, region: -1, referenced, groupLoads: groups, linkLoads: links };
  }

  /**
   * A load starts.
   *
   * @returns Its number, for {@linkcode end}.
   */
  begin(
    task: LoadTask,
    batch: Batch,
    isLink: boolean,
    index: number,
    region: RegionPlan | null,
  ): number {
    const info = this.#batches.get(batch)!;
    const plan = batch.plan;
    const id = this.#loads.length;
    const waited: number[] = [];
    let members: readonly string[];
    let ids = 0;
    if (task.batchArg >= 0) ids = (task.args[task.batchArg] as readonly unknown[]).length;
    if (task.kind === "fused") {
      const input = task.args[0] as { readonly ids: readonly unknown[] | null };
      if (input.ids !== null) ids = input.ids.length;
      members = regionMembers(region!);
      if (info.producer >= 0) waited.push(info.producer);
      if (isLink) info.linkLoads[index] = id;
      else info.region = id;
    } else if (isLink) {
      const link = plan.links[index]!;
      members = [link.link.name];
      if (link.requires === null) {
        if (info.producer >= 0) waited.push(info.producer);
      } else {
        for (const source of link.requires) {
          const load = info.groupLoads[source.group]! >= 0
            ? info.groupLoads[source.group]!
            : info.region;
          if (load >= 0 && !waited.includes(load)) waited.push(load);
        }
      }
      info.linkLoads[index] = id;
    } else {
      members = plan.groups[index]!.names;
      if (info.producer >= 0) waited.push(info.producer);
      info.groupLoads[index] = id;
    }
    waited.sort((a, b) => a - b);
    const label = region === null ? null : region.region.label;
    this.#loads.push({
      id,
      kind: task.kind,
      path: info.path,
      node: plan.nodeName,
      members,
      loader: label !== null ? `region ${label}` : loaderName(task.loader),
      region: label,
      statement: label !== null
        ? statementOf(task.loader as FusedLoader, task.args[0] as FusedInput)
        : null,
      ids,
      idsBeforeDedup: ids === 0 ? 0 : Math.max(ids, info.referenced),
      returned: null,
      reached: [],
      waitedFor: waited,
      start: performance.now() - this.#origin,
      duration: null,
      error: null,
      source: task.kind === "fused" || fusionOf(task.loader) !== null,
      perId: task.batchArg >= 0,
    });
    const listeners = this.#listeners;
    for (let i = 0; i < listeners.length; i++) listeners[i]!.started(this.#loads[id]!);
    return id;
  }

  /** A load's result arrived. */
  end(id: number, value: unknown): void {
    const load = this.#loads[id]!;
    load.duration = performance.now() - this.#origin - load.start;
    load.returned = returnedBy(load, value);
    const listeners = this.#listeners;
    for (let i = 0; i < listeners.length; i++) listeners[i]!.settled(load, undefined);
  }

  /** A load failed. */
  failed(id: number, error: unknown): void {
    const load = this.#loads[id]!;
    load.duration = performance.now() - this.#origin - load.start;
    load.error = error instanceof Error ? error.message : String(error);
    const listeners = this.#listeners;
    for (let i = 0; i < listeners.length; i++) listeners[i]!.settled(load, error);
  }

  /** A link's value was stored: its child batches get their paths and producers. */
  reached(batch: Batch, index: number, children: readonly Batch[]): void {
    if (children.length === 0) return;
    const info = this.#batches.get(batch)!;
    const link = batch.plan.links[index]!;
    const producer = info.linkLoads[index]! >= 0 ? info.linkLoads[index]! : info.region;
    const path = info.path === "" ? link.query.resultKey : `${info.path}.${link.query.resultKey}`;
    const state = batch.links[index]!;
    const referenced = state.kind === "loaded" ? references(state.data) : null;
    for (let b = 0; b < children.length; b++) {
      const child = children[b]!;
      const childInfo = this.#info(child, path, producer, referenced?.[b] ?? child.ids.length);
      if (child.fused !== null) childInfo.region = producer;
      this.#batches.set(child, childInfo);
      const listeners = this.#listeners;
      for (let i = 0; i < listeners.length; i++) {
        listeners[i]!.batch(path, child.plan.nodeName, child.ids.length, info.path);
      }
      if (producer >= 0) {
        this.#loads[producer]!.reached.push({
          path,
          node: child.plan.nodeName!,
          ids: child.ids.length,
        });
      }
    }
  }

  /** The explain of what has been recorded. */
  explain(): Explain {
    const loads: ExplainLoad[] = [];
    const counters = new Map<
      string,
      { path: string; node: string | null; loads: number; ids: number }
    >();
    let ids = 0;
    let statements = 0;
    for (const load of this.#loads) {
      ids += load.ids;
      if (load.source) statements++;
      const key = `${load.node ?? ""}\0${load.path}`;
      const counter = counters.get(key);
      if (counter === undefined) {
        counters.set(key, { path: load.path, node: load.node, loads: 1, ids: load.ids });
      } else {
        counter.loads++;
        counter.ids += load.ids;
      }
      loads.push({
        id: load.id,
        kind: load.kind,
        path: load.path,
        node: load.node,
        members: load.members,
        loader: load.loader,
        region: load.region,
        statement: load.statement,
        ids: load.ids,
        idsBeforeDedup: load.idsBeforeDedup,
        returned: load.returned,
        reached: load.reached.map((b) => ({ path: b.path, node: b.node, ids: b.ids })),
        waitedFor: [...load.waitedFor],
        start: round(load.start),
        duration: load.duration === null ? null : round(load.duration),
        error: load.error,
      });
    }
    const end = this.#end < 0 ? performance.now() : this.#end;
    return {
      version: 1,
      duration: round(end - this.#origin),
      counters: {
        loads: loads.length,
        ids,
        statements,
        perPath: [...counters.values()].map((c) => ({
          path: c.path,
          node: c.node,
          loads: c.loads,
          ids: c.ids,
        })),
      },
      loads,
    };
  }
}

/** How many ids a loader's result holds, before de-duplication. */
function returnedBy(load: LoadRecord, value: unknown): number | null {
  if (load.kind === "fused") {
    const rows = (value as Partial<FusedResult> | null)?.rowCount;
    return typeof rows === "number" ? rows : null;
  }
  if (load.kind === "fields") {
    if (!Array.isArray(value)) return null;
    return load.node === null ? 1 : value.length;
  }
  if (!load.perId) return idsIn(value);
  if (!Array.isArray(value)) return null;
  let n = 0;
  for (let i = 0; i < value.length; i++) n += idsIn(value[i]);
  return n;
}

function idsIn(value: unknown): number {
  if (Array.isArray(value)) {
    let n = 0;
    for (let i = 0; i < value.length; i++) n += idsIn(value[i]) > 0 ? 1 : 0;
    return n;
  }
  if (value === Nothing || value === null || value === undefined || value instanceof Error) {
    return 0;
  }
  return 1;
}

/** Per child batch of a link, how many of its targets point into it. */
function references(data: LinkData): number[] {
  const counts = new Array<number>(data.batches.length).fill(0);
  const targets = data.targets;
  for (let k = 0; k < targets.length; k++) {
    if (targets[k]! < 0) continue;
    counts[data.batchOf === null ? 0 : data.batchOf[k]!]!++;
  }
  return counts;
}

let openLog: (recorder: ExplainRecorder, listeners: readonly RunListener[]) => RunLog;

/**
 * The log an execution writes into a recorder (internal: for the engine).
 *
 * @param recorder The recorder.
 * @param listeners What else observes the run.
 * @returns Its log.
 * @throws {TypeError} When the recorder has recorded an execution already.
 */
export function runLogOf(recorder: ExplainRecorder, listeners: readonly RunListener[]): RunLog {
  return openLog(recorder, listeners);
}

/**
 * Records what one execution does, for explain: pass it as `explain` to `engine.execute` (or to
 * `schema.execute`), then read {@linkcode explain} (plain data) or {@linkcode toString} (a text
 * tree). A recorder records one execution; make a new one for each.
 *
 * @example Explaining a run
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   AsyncExecutor, Engine, ExplainRecorder, Field, Graph, Link, Node, read, Root, Sequence, Str,
 *   TypeRef,
 * } from "../../mod.ts";
 *
 * const graph = Graph([
 *   Node("Character", [
 *     Field("name", Str, function names(_fields, ids: number[]) {
 *       return ids.map((id) => [`#${id}`]);
 *     }),
 *   ]),
 *   Root([
 *     Link("characters", Sequence(TypeRef("Character")), function all() {
 *       return [1, 2, 2];
 *     }, { requires: null }),
 *   ]),
 * ]);
 * const explain = new ExplainRecorder();
 * await new Engine(new AsyncExecutor()).execute(graph, read("{ characters { name } }"), {}, {
 *   explain,
 * });
 * const { counters, loads } = explain.explain();
 * assert.equal(counters.loads, 2);
 * assert.deepEqual(loads.map((l) => [l.kind, l.path, l.loader, l.ids, l.idsBeforeDedup]), [
 *   ["link", "", "all", 0, 0],
 *   ["fields", "characters", "names", 2, 3],
 * ]);
 * console.log(explain.toString());
 * ```
 */
export class ExplainRecorder {
  #log: RunLog | null = null;

  static {
    openLog = (recorder, listeners) => {
      if (recorder.#log !== null) {
        throw new TypeError(
          "An ExplainRecorder records one execution: make a new one for each execution",
        );
      }
      return recorder.#log = new RunLog(listeners);
    };
  }

  /** Whether an execution has been recorded (or is being recorded). */
  get used(): boolean {
    return this.#log !== null;
  }

  /**
   * What the execution did so far (all of it, once it has settled), as plain data.
   *
   * @returns The explain; with no loads when nothing was recorded.
   */
  explain(): Explain {
    return this.#log?.explain() ?? {
      version: 1,
      duration: 0,
      counters: { loads: 0, ids: 0, statements: 0, perPath: [] },
      loads: [],
    };
  }

  /**
   * The explain as a text tree (see {@linkcode formatExplain}).
   *
   * @returns The text.
   */
  toString(): string {
    return formatExplain(this.explain());
  }
}

const ms = (value: number): string => `${value.toFixed(3)} ms`;

/**
 * Writes an explain as text for people: a header with the counters, then each load under the
 * load it waited for, then the loads and ids per node per query path. A line reads
 * `#id kind members on Node at path  loader=...`, and the next one its ids, what it returned and
 * its time (`start..end`, in ms since the execution started).
 *
 * @param explain What {@linkcode ExplainRecorder.explain} gave (or its JSON, parsed back).
 * @returns The text, lines ending with `\n`.
 * @example
 * ```ts
 * import { ExplainRecorder, formatExplain } from "../../mod.ts";
 *
 * console.log(formatExplain(new ExplainRecorder().explain()));
 * // Execution: 0 loads, 0 statements, 0 ids, 0.000 ms
 * ```
 */
export function formatExplain(explain: Explain): string {
  const { counters, loads } = explain;
  let out = `Execution: ${plural(counters.loads, "load")}, ${
    plural(counters.statements, "statement")
  }, ${plural(counters.ids, "id")}, ${ms(explain.duration)}\n`;
  out += drawLoadTree(
    loads,
    (load) => load.waitedFor[0] ?? -1,
    (load) => [describeLoad(load), ...loadDetails(load)],
  );
  out += perPathTable(counters.perPath.map((c) => [
    c.path === "" ? "(root)" : c.path,
    c.node ?? "Query",
    plural(c.loads, "load"),
    plural(c.ids, "id"),
  ]));
  return out;
}

function describeLoad(load: ExplainLoad): string {
  const where = `on ${load.node ?? "Query"} at ${load.path === "" ? "(root)" : load.path}`;
  const what = load.kind === "fused" ? `region ${load.region}` : load.members.join(", ");
  const loader = load.kind === "fused" ? "" : `  loader=${load.loader}`;
  return `#${load.id} ${load.kind} ${what} ${where}${loader}`;
}

function loadDetails(load: ExplainLoad): string[] {
  const lines: string[] = [];
  if (load.kind === "fused") lines.push(`members: ${load.members.join(", ")}`);
  if (load.statement !== null) lines.push(`statement: ${load.statement}`);
  let figures = `ids=${load.ids}`;
  if (load.idsBeforeDedup !== load.ids) figures += ` (${load.idsBeforeDedup} before de-dup)`;
  if (load.returned !== null) {
    figures += ` ${load.kind === "link" ? "returned" : "rows"}=${load.returned}`;
  }
  for (const batch of load.reached) {
    figures += `  -> ${batch.node} at ${batch.path}: ${plural(batch.ids, "id")}`;
  }
  const end = load.duration === null ? "…" : (load.start + load.duration).toFixed(3);
  figures += `  time=${load.start.toFixed(3)}..${end} ms`;
  lines.push(figures);
  if (load.error !== null) lines.push(`failed: ${load.error}`);
  return lines;
}
