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

import type { Graph, Id } from "./graph.ts";
import type { NodePlan, RecordShape } from "./plan.ts";

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
  index: Index | null;
}

let proxyParts: (proxy: Proxy) => [ResultScope, Batch, number];
let makeProxy: (scope: ResultScope, batch: Batch, position: number) => Proxy;

/**
 * Wraps the root batch of a finished execution as its result.
 *
 * @param graph The graph the query ran against.
 * @param root The root batch.
 * @returns The root's Proxy.
 */
export function createResult(graph: Graph, root: Batch): Proxy {
  return makeProxy({ graph, root, index: null }, root, 0);
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
      case "field":
        return this.#batch.rows[slot.group]![this.#position]![slot.column];
      case "typename":
        return this.#batch.plan.typeName;
      case "link":
        return linkValue(
          this.#batch.links[slot.link]!,
          this.#position,
          (batch, position) => new Proxy(this.#scope, batch, position),
        );
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
 * `"Mutation"` for mutations).
 *
 * @param graph The graph the query ran against.
 * @param result What `engine.execute` resolved to.
 * @returns The nested result.
 * @throws {TypeError} When the result comes from another graph.
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
 * given (e.g. `"Mutation"`).
 *
 * @param graph The graph the query ran against.
 * @param result What `engine.execute` resolved to.
 * @param rootTypeName The root's `__typename`; `null` for the plan's own (`"Query"`/`"Mutation"`).
 * @returns The nested result.
 * @throws {TypeError} When the result comes from another graph.
 */
export function denormalizeGraphQL(
  graph: Graph,
  result: Proxy,
  rootTypeName: string | null = "Query",
): Denormalized {
  if (!(result instanceof Proxy)) {
    throw new TypeError("denormalize() expects the result of engine.execute");
  }
  const [scope, batch, position] = proxyParts(result);
  if (scope.graph !== graph) {
    throw new TypeError("denormalize() was given a result computed from another graph");
  }
  return buildNode(batch, position, batch === scope.root ? rootTypeName : null, 0);
}

// One scratch array per nesting depth: values of a node are gathered, then handed to its
// factory, while nested nodes use the next depth's array.
const scratch: unknown[][] = [];

function buildNode(batch: Batch, i: number, typeName: string | null, depth: number): Denormalized {
  const plan = batch.plan;
  const kinds = plan.outKind;
  const groups = plan.outGroup;
  const columns = plan.outColumn;
  const rows = batch.rows;
  const values = scratch[depth] ??= [];
  for (let s = 0; s < kinds.length; s++) {
    const kind = kinds[s];
    if (kind === 0) {
      const value = rows[groups[s]!]![i]![columns[s]!];
      const shape = plan.outShape[s]!;
      values[s] = shape === null ? value : project(value, shape);
    } else if (kind === 1) {
      values[s] = buildLink(batch.links[groups[s]!]!, i, depth + 1);
    } else {
      values[s] = typeName ?? plan.typeName;
    }
  }
  return plan.make(values);
}

function buildLink(data: LinkData, i: number, depth: number): unknown {
  const batchOf = data.batchOf;
  if (data.one !== null) {
    const k = data.shared ? 0 : i;
    const p = data.one[k]!;
    if (p < 0) return null;
    return buildNode(data.batches[batchOf === null ? 0 : batchOf[k]!]!, p, null, depth);
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
      out[k - start] = p < 0 ? null : buildNode(child, p, null, depth);
    }
  } else {
    for (let k = start; k < end; k++) {
      const p = targets[k]!;
      out[k - start] = p < 0 ? null : buildNode(data.batches[batchOf[k]!]!, p, null, depth);
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
      const out: Denormalized = {};
      for (const field of shape.fields) {
        if (field.name === "__typename") {
          out[field.key] = shape.typeName;
          continue;
        }
        const v = record[field.name];
        out[field.key] = field.shape === null ? v ?? null : project(v, field.shape);
      }
      return out;
    }
  }
}
