/**
 * Query results. The engine stores what loaders return column by column, per node per query path
 * (a *batch*: the ids at that path and the rows each loader returned for them). From that store:
 *
 * - {@linkcode Proxy} reads a result the way it was queried (`result.get("characters")`);
 * - {@linkcode Index} is the normalized view, node name -> id -> field -> value, as in Hiku;
 * - {@linkcode denormalize} builds the plain nested object a client expects.
 *
 * @module
 */

import type { SourceLocation } from "../base/errors.ts";
import type { Graph } from "../definitions/graph.ts";
import type { Id } from "../definitions/members.ts";
import type { NodePlan, RecordShape } from "../planning/plan.ts";

/** Link cardinality codes stored with link data (ordered as in the plan). */
export const ONE = 0;
/** An `Optional(TypeRef)` link. */
export const MAYBE = 1;
/** A `Sequence(TypeRef)` link. */
export const MANY = 2;
/** A `Sequence(Optional(TypeRef))` link. */
export const MAYBE_MANY = 3;

/** Where the ids a link points to are, for every parent id. */
export interface LinkData {
  /** One of {@linkcode ONE}, {@linkcode MAYBE}, {@linkcode MANY}, {@linkcode MAYBE_MANY}. */
  readonly cardinality: number;
  /** `true` when one value serves every parent (links without `requires`, and the root). */
  readonly shared: boolean;
  /** ONE/MAYBE: position in the child batch per parent, `-1` for nothing. */
  readonly one: Int32Array | null;
  /** MANY/MAYBE_MANY: start of each parent's targets; length parents + 1 (2 when shared). */
  readonly offsets: Int32Array | null;
  /** MANY/MAYBE_MANY: positions in the child batch, `-1` for `Nothing`. */
  readonly targets: Int32Array | null;
  /** The child batches: one for a link to a node, one per concrete type for a union/interface. */
  readonly batches: readonly Batch[];
  /** For a union/interface link: which batch each entry of `one`/`targets` is in. */
  readonly batchOf: Uint16Array | null;
}

/** The ids that reached one node at one query path, and what was loaded for them. */
export class Batch {
  /** The plan of this node at this path. */
  readonly plan: NodePlan;
  /** Distinct ids, in order of first appearance (one id for the root). */
  readonly ids: readonly Id[];
  /** Per field group: the loader's rows, one per id (the root: one row of values). */
  readonly rows: (readonly (readonly unknown[])[] | undefined)[];
  /** Per link: where each id's link points. */
  readonly links: (LinkData | undefined)[];
  /** Per link: how many of the groups it requires are still loading. */
  readonly waits: Int32Array;
  /** Per group, then per link (after the groups): the failure, for partial results. */
  #failures: unknown[] | null = null;

  /**
   * Creates a batch whose loads have not run yet.
   *
   * @param plan The plan of the node at this path.
   * @param ids The distinct ids.
   */
  constructor(plan: NodePlan, ids: readonly Id[]) {
    this.plan = plan;
    this.ids = ids;
    this.rows = new Array(plan.groups.length);
    this.links = new Array(plan.links.length);
    const waits = new Int32Array(plan.links.length);
    for (let l = 0; l < plan.links.length; l++) waits[l] = plan.links[l]!.waitCount;
    this.waits = waits;
  }

  /**
   * Records that a field group failed to load (partial results).
   *
   * @param group The group's index.
   * @param error The failure.
   */
  failGroup(group: number, error: unknown): void {
    (this.#failures ??= [])[group] = error;
  }

  /**
   * Records that a link failed to load, or could not because a group it requires failed; the
   * first failure recorded stays.
   *
   * @param link The link's index.
   * @param error The failure.
   */
  failLink(link: number, error: unknown): void {
    const failures = this.#failures ??= [];
    const at = this.plan.groups.length + link;
    if (failures[at] === undefined) failures[at] = error;
  }

  /**
   * The failure of a group, if it failed.
   *
   * @param group The group's index.
   * @returns The failure, or `undefined`.
   */
  groupError(group: number): unknown {
    return this.#failures === null ? undefined : this.#failures[group];
  }

  /**
   * The failure of a link, if it failed or could not load.
   *
   * @param link The link's index.
   * @returns The failure, or `undefined`.
   */
  linkError(link: number): unknown {
    return this.#failures === null ? undefined : this.#failures[this.plan.groups.length + link];
  }
}

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
 * query paths are merged into one entry, as in Hiku. Read it from a result's `index`.
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
      for (const data of batch.links) if (data !== undefined) pending.push(...data.batches);
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
        const row = batch.rows[group.index]?.[i];
        if (row === undefined) continue;
        for (let c = 0; c < group.fields.length; c++) entry[group.fields[c]!.indexKey] = row[c];
      }
      for (const link of plan.links) {
        const data = batch.links[link.index];
        if (data !== undefined) entry[link.query.indexKey] = linkValue(data, i, reference);
      }
    }
  }
}

function reference(batch: Batch, position: number): Reference {
  return Object.freeze({ node: batch.plan.nodeName ?? ROOT_NODE, id: batch.ids[position]! });
}

interface ResultScope {
  readonly graph: Graph;
  readonly root: Batch;
  readonly partial: boolean;
  index: Index | null;
}

let proxyParts: (proxy: Proxy) => [ResultScope, Batch, number];
let makeProxy: (scope: ResultScope, batch: Batch, position: number) => Proxy;

/**
 * Wraps the root batch of a finished execution as its result.
 *
 * @param graph The graph the query ran against.
 * @param root The root batch.
 * @param partial Whether some loads failed (partial results).
 * @returns The root's Proxy.
 */
export function createResult(graph: Graph, root: Batch, partial = false): Proxy {
  return makeProxy({ graph, root, partial, index: null }, root, 0);
}

/**
 * A query result, read the way it was queried: `get(key)` gives a field's value, a linked node as
 * another Proxy, or an array of them. `engine.execute` resolves to the root's Proxy.
 *
 * @example
 * ```ts ignore
 * const result = await engine.execute(graph, read("{ characters { name } }"));
 * const first = (result.get("characters") as Proxy[])[0];
 * first.get("name"); // "James T. Kirk"
 * ```
 */
export class Proxy {
  readonly #scope: ResultScope;
  readonly #batch: Batch;
  readonly #position: number;

  static {
    proxyParts = (proxy) => [proxy.#scope, proxy.#batch, proxy.#position];
    makeProxy = (scope, batch, position) => new Proxy(scope, batch, position);
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
   * @returns The field's value; for a link, a Proxy, an array of Proxies, or `null`.
   * @throws {Error} When the key was not selected in the query.
   */
  get(key: string): unknown {
    const slot = this.#batch.plan.outMap.get(key);
    if (slot === undefined) {
      throw new Error(
        `Field "${key}" was not requested in the query of the "${this.#batch.plan.label}" node`,
      );
    }
    switch (slot.kind) {
      case "field": {
        const rows = this.#batch.rows[slot.group];
        if (rows === undefined) throw this.#batch.groupError(slot.group);
        return rows[this.#position]![slot.column];
      }
      case "typename":
        return this.#batch.plan.typeName;
      case "link": {
        const data = this.#batch.links[slot.link];
        if (data === undefined) throw this.#batch.linkError(slot.link);
        return linkValue(
          data,
          this.#position,
          (batch, position) => new Proxy(this.#scope, batch, position),
        );
      }
    }
  }
}

function linkValue<T>(
  data: LinkData,
  i: number,
  make: (batch: Batch, position: number) => T,
): T | null | (T | null)[] {
  if (data.one !== null) {
    const k = data.shared ? 0 : i;
    const p = data.one[k]!;
    if (p < 0) return null;
    return make(data.batches[data.batchOf === null ? 0 : data.batchOf[k]!]!, p);
  }
  const offsets = data.offsets!;
  const start = data.shared ? 0 : offsets[i]!;
  const end = data.shared ? offsets[1]! : offsets[i + 1]!;
  const out = new Array<T | null>(end - start);
  for (let k = start; k < end; k++) {
    const p = data.targets![k]!;
    out[k - start] = p < 0
      ? null
      : make(data.batches[data.batchOf === null ? 0 : data.batchOf[k]!]!, p);
  }
  return out;
}

/** A plain object, as `denormalize` builds them. */
export type Denormalized = { [key: string]: unknown };

/**
 * Turns a result into the plain nested object the query describes: result keys (aliases
 * respected), linked nodes nested, `__typename` filled in (the root's is `"Query"`, or
 * `"Mutation"` for mutations). Values a loader left `undefined` become `null`.
 *
 * @param graph The graph the query ran against.
 * @param result What `engine.execute` resolved to.
 * @returns The nested result.
 * @throws {TypeError} When the result comes from another graph, or a value cannot be serialized
 *   (an enum value that is not one of the enum's).
 * @example
 * ```ts ignore
 * const result = await engine.execute(graph, read("{ characters { name } }"));
 * denormalize(graph, result); // { characters: [{ name: "James T. Kirk" }, ...] }
 * ```
 */
export function denormalize(graph: Graph, result: Proxy): Denormalized {
  return denormalizeGraphQL(graph, result, null);
}

/**
 * The GraphQL-shaped denormalizer: like {@linkcode denormalize}, with the root's `__typename`
 * given.
 *
 * @param graph The graph the query ran against.
 * @param result What `engine.execute` resolved to.
 * @param rootTypeName The root's `__typename`; `null` (the default) for the plan's own:
 *   `"Query"`, or `"Mutation"` for mutations.
 * @returns The nested result.
 * @throws {TypeError} When the result comes from another graph, or a value cannot be serialized.
 */
export function denormalizeGraphQL(
  graph: Graph,
  result: Proxy,
  rootTypeName: string | null = null,
): Denormalized {
  const [scope, batch, position] = resultParts(graph, result, "denormalize");
  if (scope.partial) throw firstFailure(scope.root);
  return buildNode(batch, position, batch === scope.root ? rootTypeName : null, 0, {
    scratch: [],
    check: false,
  });
}

function resultParts(
  graph: Graph,
  result: Proxy,
  caller: string,
): [ResultScope, Batch, number] {
  if (!(result instanceof Proxy)) {
    throw new TypeError(`${caller}() expects the result of engine.execute`);
  }
  const parts = proxyParts(result);
  if (parts[0].graph !== graph) {
    throw new TypeError(`${caller}() was given a result computed from another graph`);
  }
  return parts;
}

function firstFailure(root: Batch): unknown {
  const pending = [root];
  for (let next = 0; next < pending.length; next++) {
    const batch = pending[next]!;
    for (let g = 0; g < batch.plan.groups.length; g++) {
      if (batch.groupError(g) !== undefined) return batch.groupError(g);
    }
    for (let l = 0; l < batch.plan.links.length; l++) {
      if (batch.linkError(l) !== undefined) return batch.linkError(l);
      const data = batch.links[l];
      if (data !== undefined) pending.push(...data.batches);
    }
  }
  return new TypeError("The result has failed loads");
}

/**
 * One denormalization: scratch arrays, one per nesting depth (a node's values are gathered, then
 * handed to its factory, while nested nodes use the next depth's array), and whether to bail out
 * on values the GraphQL rules must report. Scratch arrays belong to one call, so they keep no
 * result alive after it and a nested call (a serializer that denormalizes) cannot disturb them.
 */
interface Run {
  readonly scratch: unknown[][];
  readonly check: boolean;
}

const BAIL = Symbol("bail");
const INVALID = Symbol("invalid");

function buildNode(
  batch: Batch,
  i: number,
  typeName: string | null,
  depth: number,
  run: Run,
): Denormalized {
  const plan = batch.plan;
  const kinds = plan.outKind;
  const groups = plan.outGroup;
  const columns = plan.outColumn;
  const rows = batch.rows;
  const values = run.scratch[depth] ??= [];
  for (let s = 0; s < kinds.length; s++) {
    const kind = kinds[s];
    let value: unknown;
    if (kind === 0) {
      value = rows[groups[s]!]![i]![columns[s]!];
      const shape = plan.outShape[s]!;
      if (shape !== null) value = project(value, shape);
      const serialize = plan.outSerialize[s]!;
      if (serialize !== null && value !== null && value !== undefined) {
        if (run.check) {
          try {
            value = serialize(value);
          } catch {
            throw BAIL;
          }
        } else {
          value = serialize(value);
        }
      }
      if (value === undefined) value = null;
      if (value === null && run.check && plan.outNullable[s] === 0) throw BAIL;
    } else if (kind === 1) {
      value = buildLink(batch.links[groups[s]!]!, i, depth + 1, run);
    } else {
      value = typeName ?? plan.typeName;
    }
    values[s] = value;
  }
  return plan.make(values);
}

function buildLink(data: LinkData, i: number, depth: number, run: Run): unknown {
  const batchOf = data.batchOf;
  if (data.one !== null) {
    const k = data.shared ? 0 : i;
    const p = data.one[k]!;
    if (p < 0) return null;
    return buildNode(data.batches[batchOf === null ? 0 : batchOf[k]!]!, p, null, depth, run);
  }
  const offsets = data.offsets!;
  const targets = data.targets!;
  const start = data.shared ? 0 : offsets[i]!;
  const end = data.shared ? offsets[1]! : offsets[i + 1]!;
  const out = new Array(end - start);
  if (batchOf === null) {
    const child = data.batches[0]!;
    for (let k = start; k < end; k++) {
      const p = targets[k]!;
      out[k - start] = p < 0 ? null : buildNode(child, p, null, depth, run);
    }
  } else {
    for (let k = start; k < end; k++) {
      const p = targets[k]!;
      out[k - start] = p < 0 ? null : buildNode(data.batches[batchOf[k]!]!, p, null, depth, run);
    }
  }
  return out;
}

function project(value: unknown, shape: RecordShape): unknown {
  if (value === null || value === undefined) return null;
  switch (shape.kind) {
    case "optional":
      return project(value, shape.inner);
    case "list": {
      const items = value as readonly unknown[];
      const out = new Array(items.length);
      for (let k = 0; k < items.length; k++) out[k] = project(items[k], shape.item);
      return out;
    }
    case "record": {
      const record = value as { readonly [name: string]: unknown };
      const fields = shape.fields;
      const values = new Array(fields.length);
      for (let f = 0; f < fields.length; f++) {
        const field = fields[f]!;
        if (field.name === "__typename") values[f] = shape.typeName;
        else {
          let v = record[field.name];
          if (field.shape !== null) v = project(v, field.shape);
          else if (field.serialize !== null && v !== null && v !== undefined) {
            v = field.serialize(v);
          }
          values[f] = v ?? null;
        }
      }
      return shape.make(values);
    }
  }
}

/** A failure placed in a result: what failed, and where in the result it nulled a value. */
export interface ResultError {
  /**
   * The failure: a `LoaderError`, a `LoaderShapeError`, or a `TypeError` for a value that could
   * not be serialized or was `null` where the type does not allow it.
   */
  readonly error: unknown;
  /** Result keys and list indexes from the root to the first place it nulled. */
  readonly path: readonly (string | number)[];
  /** Where that field was written in the query text. */
  readonly locations: readonly SourceLocation[];
}

/** What {@linkcode denormalizeWithErrors} returns: GraphQL's `data` and the errors behind its nulls. */
export interface PartialResult {
  /** The nested result; `null` when a failure propagated up to the root. */
  readonly data: Denormalized | null;
  /** One entry per failure, in the order they were met. */
  readonly errors: readonly ResultError[];
}

/**
 * Builds GraphQL's `{ data, errors }` from a result, following GraphQL's rules for failures:
 * a field that could not be loaded, serialized, or is `null` where its type does not allow it
 * becomes `null` and its error is reported with its path; when that place cannot be `null`
 * (fields not declared `Optional`, links that are not `Optional`, list items that are not
 * `Optional`), the `null` moves up to the nearest place that can be, up to `data` itself.
 *
 * A loader fails once for every id at its path; its error is reported once, with the path of the
 * first place it nulled. A `null` where the type does not allow it is reported once per field
 * per query path.
 *
 * @param graph The graph the query ran against.
 * @param result What `engine.execute(..., { partial: true })` resolved to (any result works).
 * @param rootTypeName The root's `__typename`; `null` (the default) for the plan's own.
 * @returns `data` and `errors`.
 * @throws {TypeError} When the result comes from another graph.
 */
export function denormalizeWithErrors(
  graph: Graph,
  result: Proxy,
  rootTypeName: string | null = null,
): PartialResult {
  const [scope, batch, position] = resultParts(graph, result, "denormalizeWithErrors");
  const typeName = batch === scope.root ? rootTypeName : null;
  if (!scope.partial) {
    // Nothing failed to load: the fast path, unless a value needs reporting after all.
    try {
      const data = buildNode(batch, position, typeName, 0, { scratch: [], check: true });
      return { data, errors: [] };
    } catch (error) {
      if (error !== BAIL) throw error;
    }
  }
  const walker = new ErrorWalker();
  const data = walker.node(batch, position, typeName);
  return { data: data === INVALID ? null : data, errors: walker.errors };
}

/** The slow path: tracks the path, reports failures once, and moves nulls up as GraphQL says. */
class ErrorWalker {
  readonly errors: ResultError[] = [];
  readonly #path: (string | number)[] = [];
  readonly #reported = new Set<unknown>();
  readonly #nullReported = new Map<Batch, Set<number>>();

  // Every slot is visited even after one is invalid, so that every failure is reported.
  node(batch: Batch, i: number, typeName: string | null): Denormalized | typeof INVALID {
    const plan = batch.plan;
    const kinds = plan.outKind;
    const values = new Array(kinds.length);
    let invalid = false;
    for (let s = 0; s < kinds.length; s++) {
      this.#path.push(plan.out[s]!.key);
      const value = this.#slot(batch, i, s, typeName);
      this.#path.pop();
      if (value === INVALID) invalid = true;
      else values[s] = value;
    }
    return invalid ? INVALID : plan.make(values);
  }

  #slot(batch: Batch, i: number, s: number, typeName: string | null): unknown {
    const plan = batch.plan;
    const kind = plan.outKind[s];
    const nullable = plan.outNullable[s] === 1;
    if (kind === 2) return typeName ?? plan.typeName;
    if (kind === 0) {
      const group = plan.outGroup[s]!;
      const rows = batch.rows[group];
      if (rows === undefined) return this.#failed(batch.groupError(group), plan, s, nullable);
      let value = rows[i]![plan.outColumn[s]!];
      const shape = plan.outShape[s]!;
      if (shape !== null) value = project(value, shape);
      const serialize = plan.outSerialize[s]!;
      if (serialize !== null && value !== null && value !== undefined) {
        try {
          value = serialize(value);
        } catch (error) {
          const detail = error instanceof Error ? error.message : String(error);
          return this.#failed(
            new TypeError(`Cannot serialize ${plan.label}.${plan.outName[s]}: ${detail}`, {
              cause: error,
            }),
            plan,
            s,
            nullable,
          );
        }
      }
      if ((value === null || value === undefined) && !nullable) {
        return this.#nullViolation(batch, s);
      }
      return value ?? null;
    }
    const link = plan.outGroup[s]!;
    const data = batch.links[link];
    if (data === undefined) return this.#failed(batch.linkError(link), plan, s, nullable);
    if (data.one !== null) {
      const k = data.shared ? 0 : i;
      const p = data.one[k]!;
      if (p < 0) return null;
      const child = this.node(data.batches[data.batchOf === null ? 0 : data.batchOf[k]!]!, p, null);
      return child === INVALID ? (nullable ? null : INVALID) : child;
    }
    const offsets = data.offsets!;
    const start = data.shared ? 0 : offsets[i]!;
    const end = data.shared ? offsets[1]! : offsets[i + 1]!;
    const itemsNullable = data.cardinality === MAYBE_MANY;
    const out = new Array(end - start);
    let invalid = false;
    for (let k = start; k < end; k++) {
      const p = data.targets![k]!;
      if (p < 0) {
        out[k - start] = null;
        continue;
      }
      this.#path.push(k - start);
      const child = this.node(data.batches[data.batchOf === null ? 0 : data.batchOf[k]!]!, p, null);
      this.#path.pop();
      if (child !== INVALID) out[k - start] = child;
      else if (itemsNullable) out[k - start] = null;
      else invalid = true;
    }
    if (!invalid) return out;
    return nullable ? null : INVALID;
  }

  #failed(error: unknown, plan: NodePlan, s: number, nullable: boolean): unknown {
    if (!this.#reported.has(error)) {
      this.#reported.add(error);
      this.#report(error, plan, s);
    }
    return nullable ? null : INVALID;
  }

  #nullViolation(batch: Batch, s: number): typeof INVALID {
    let reported = this.#nullReported.get(batch);
    if (reported === undefined) {
      reported = new Set();
      this.#nullReported.set(batch, reported);
    }
    if (!reported.has(s)) {
      reported.add(s);
      const plan = batch.plan;
      this.#report(
        new TypeError(
          `Cannot return null for non-nullable field ${plan.typeName}.${plan.outName[s]}`,
        ),
        plan,
        s,
      );
    }
    return INVALID;
  }

  #report(error: unknown, plan: NodePlan, s: number): void {
    const location = plan.outLocation[s];
    this.errors.push({ error, path: [...this.#path], locations: location ? [location] : [] });
  }
}
