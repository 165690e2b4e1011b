/**
 * The direct walk: a GraphQL response's `data` built in one pass over the rows of the fused region
 * that answers the whole query, when its source offers them as a tree (`FusedResult.tree`).
 *
 * The engine otherwise reads a region's result id by id into batches (one per node per path), and
 * denormalization then walks the batches. Both are skipped here: each list's items are the runs
 * of rows with one id in the list's column, each node's fields are read from the first row of its
 * run, and objects are made by the same factories, with the same checks, as the fast walk of
 * `denormalizeWithErrors` (denormalize.ts). Anything that walk would report (an error, a null
 * where the type allows none, a value the type does not take, a missing target of a link that
 * must have one), a node or link the region does not answer, or ids past the cost budget, and the
 * walk gives up: nothing is spent, and the engine reads the result by ids as always, so that what
 * it reports is reported as it always is.
 *
 * @module
 */

import type { FusedTree } from "../definitions/fusion.ts";
import { isId } from "../definitions/members.ts";
import type { FieldSlot, LinkPlan, LinkSlot, NodePlan, RegionPlan } from "../planning/plan.ts";
import type { CostBudget } from "./budget.ts";
import { checkedField } from "./denormalize.ts";
import { directShape } from "../planning/direct_shape.ts";

/** What {@linkcode directData} returns when the walk gave up. */
export const NOT_DIRECT: unique symbol = Symbol("not direct");

/**
 * What {@linkcode directData} returns when the walk gave up before reading a row: the plan is not
 * one it can answer (a field or link the region does not answer, a second root field), whatever
 * the rows.
 */
export const NOT_READABLE: unique symbol = Symbol("not readable");

/** Thrown inside the walk to give up. */
const GIVE_UP: unique symbol = Symbol("give up");

/**
 * Builds the root's `data` from a region's tree of rows, when the region answers every field and
 * link of the query below the root.
 *
 * @param root The root's plan.
 * @param entry The root link whose list starts the region.
 * @param tree The region's rows.
 * @param rootTypeName The root's `__typename` (`null` for the plan's own).
 * @param budget The execution's cost budget: the ids the batches would have counted are spent.
 * @returns The `data`; {@linkcode NOT_READABLE} when the plan is not one the walk answers, or
 *   {@linkcode NOT_DIRECT} when these rows are not.
 */
export function directData(
  root: NodePlan,
  entry: LinkPlan,
  tree: FusedTree,
  rootTypeName: string | null,
  budget: CostBudget | null,
): { [key: string]: unknown } | typeof NOT_DIRECT | typeof NOT_READABLE {
  const region = entry.entry;
  if (!directShape(root, entry)) return NOT_READABLE;
  const walk = new Walk(tree, region!, budget !== null);
  let data: { [key: string]: unknown };
  try {
    data = walk.root(root, entry, rootTypeName);
  } catch {
    // Given up, or a check that threw (the fast walk's bail, a record's getter): the engine's
    // walks report it where it happened.
    return walk.readable ? NOT_DIRECT : NOT_READABLE;
  }
  if (budget !== null && walk.ids > 0 && !budget.spendIds(walk.ids)) return NOT_DIRECT;
  return data;
}

/**
 * How one node's output is read from a row, worked out once per walk: per output slot (in
 * `plan.out` order), the row's column of a field, or the region link and node of a link.
 */
interface Reader {
  readonly plan: NodePlan;
  /** Per slot: a field's column in the row; `-1` for a link or `__typename`. */
  readonly columns: readonly number[];
  /** The columns of the keys the node's groups' rows were found by (each group the region reads). */
  readonly keys: readonly number[];
  /** Per slot: a link's index in the region; `-1` for a field or `__typename`. */
  readonly links: readonly number[];
  /** Per slot: the reader of the node a link reaches; `null` for a field or `__typename`. */
  readonly targets: readonly (Reader | null)[];
  /**
   * Whether a list is below the node (through its links to one node): its item's rows are then
   * as many as that list's items; otherwise its item is one row.
   */
  readonly listsBelow: boolean;
}

/**
 * Whether an id can be told from others by `===` as the engine tells ids apart: an id the engine
 * takes (others, a date or bytes, it refuses and reports), other than NaN (which Postgres finds
 * equal to itself, and `===` does not).
 */
function comparable(id: unknown): boolean {
  return isId(id) && id === id;
}

class Walk {
  readonly #rows: readonly (readonly unknown[])[];
  readonly #links: readonly number[];
  readonly #columns: FusedTree["columns"];
  readonly #keys: FusedTree["keys"];
  readonly #absent: FusedTree["absent"];
  readonly #region: RegionPlan;
  /** Readers by region node, made when first reached. */
  readonly #readers: (Reader | undefined)[] = [];
  /** Per region link to one node, the distinct ids it reached, when ids are counted. */
  readonly #seen: (Set<unknown> | undefined)[] | null;
  /** Scratch arrays of values, one per depth. */
  readonly #scratch: unknown[][] = [];
  /** The ids the batches would have held (lists' always, links to one node's when counted). */
  ids = 0;
  /** Whether every node's reader is made: a give-up from here on is the rows'. */
  readable = false;

  constructor(tree: FusedTree, region: RegionPlan, count: boolean) {
    this.#rows = tree.rows;
    this.#links = tree.links;
    this.#columns = tree.columns;
    this.#keys = tree.keys;
    this.#absent = tree.absent;
    this.#region = region;
    this.#seen = count ? [] : null;
  }

  /** The root's output: its one list, and `__typename` (`directShape` saw to that). */
  root(plan: NodePlan, entry: LinkPlan, typeName: string | null): { [key: string]: unknown } {
    const out = plan.out;
    // Every reader, made before any row is read (a reader makes those of the nodes below it).
    const reader = this.#reader(this.#target(entry));
    this.readable = true;
    const values = new Array(out.length);
    for (let s = 0; s < out.length; s++) {
      values[s] = out[s]!.kind === "typename"
        ? typeName ?? plan.typeName
        : this.#list(reader, 0, 0, this.#rows.length, 1);
    }
    return plan.make(values);
  }

  /** The items of a list link (the region's `index`) in the rows `[start, end)` of its parent. */
  #list(reader: Reader, index: number, start: number, end: number, depth: number): unknown[] {
    const rows = this.#rows;
    const column = this.#links[index]!;
    const items: unknown[] = [];
    if (column < 0) {
      // A list whose ids are not read: each row is one item (no list is below it), but the one
      // row of a parent without items.
      if (reader.listsBelow) throw GIVE_UP;
      const absent = this.#absent?.[index] ?? -1;
      for (let r = start; r < end; r++) {
        const none = absent >= 0 ? rows[r]![absent] : null;
        if (none === null || none === undefined) {
          items.push(this.#node(reader, null, r, r + 1, depth));
        } else if (end - start > 1) throw GIVE_UP;
      }
      this.ids += items.length;
      return items;
    }
    let r = start;
    while (r < end) {
      const id = rows[r]![column];
      let e = r + 1;
      if (id === null || id === undefined) {
        // The entry list's rows are its items: one without an id is the engine's to report.
        if (index === 0) throw GIVE_UP;
        // No item: the parent's one row, joined to none.
        if (e < end && (rows[e]![column] === null || rows[e]![column] === undefined)) {
          throw GIVE_UP;
        }
        r = e;
        continue;
      }
      if (!comparable(id)) throw GIVE_UP;
      while (e < end && rows[e]![column] === id) e++;
      // An item with no list below it is one row: more are rows of a key the database does not
      // keep unique (a view, a partitioned table), each an item of its own by id.
      if (e - r > 1 && !reader.listsBelow) throw GIVE_UP;
      items.push(this.#node(reader, id, r, e, depth));
      r = e;
    }
    // A list's items are each under one parent: as many ids as items.
    this.ids += items.length;
    return items;
  }

  /** A node's output object, from the rows `[start, end)` of its item (its fields in the first). */
  #node(reader: Reader, id: unknown, start: number, end: number, depth: number): unknown {
    const plan = reader.plan;
    const row = this.#rows[start]!;
    const keys = reader.keys;
    for (let k = 0; k < keys.length; k++) {
      // A row the join matched by a key the engine would not take for the id ("NCC " for "NCC",
      // a case-insensitive match): the read by id reports what it makes of it.
      const key = row[keys[k]!];
      if (key !== id && key !== null && key !== undefined) throw GIVE_UP;
    }
    const out = plan.out;
    const columns = reader.columns;
    const values = this.#scratch[depth] ??= [];
    for (let s = 0; s < out.length; s++) {
      const column = columns[s]!;
      const slot = out[s]!;
      if (column >= 0) {
        values[s] = checkedField(slot as FieldSlot, row[column] ?? null);
        continue;
      }
      if (slot.kind === "typename") {
        values[s] = plan.typeName;
        continue;
      }
      const index = reader.links[s]!;
      const target = reader.targets[s]!;
      if ((slot as LinkSlot).shape.list) {
        values[s] = this.#list(target, index, start, end, depth + 1);
        continue;
      }
      const idColumn = this.#links[index]!;
      if (idColumn < 0) {
        // A target whose id is not read: where it is not, a column says so. Its id can not be
        // counted.
        const absent = this.#absent?.[index] ?? -1;
        if (absent < 0 || this.#seen !== null) throw GIVE_UP;
        const none = row[absent];
        if (none === null || none === undefined) {
          values[s] = this.#node(target, null, start, end, depth + 1);
        } else if ((slot as LinkSlot).shape.nullable) values[s] = null;
        else throw GIVE_UP;
        continue;
      }
      const targetId = row[idColumn];
      if (targetId === null || targetId === undefined) {
        // No target: `null` for an `Optional` link; the engine reports the others.
        if (!(slot as LinkSlot).shape.nullable) throw GIVE_UP;
        values[s] = null;
        continue;
      }
      // An id the engine refuses (a date, bytes: its loader's wrong shape) is reported by it.
      if (!comparable(targetId)) throw GIVE_UP;
      if (this.#seen !== null) this.#count(this.#seen, index, targetId);
      values[s] = this.#node(target, targetId, start, end, depth + 1);
    }
    return plan.make(values);
  }

  /**
   * The reader of a node's plan, made once: every field of it read by the region, every link of it
   * in the region.
   */
  #reader(plan: NodePlan): Reader {
    const place = plan.region;
    if (place === null || place.plan !== this.#region) throw GIVE_UP;
    const known = this.#readers[place.node];
    if (known !== undefined) return known;
    const groups = this.#columns[place.node];
    const groupKeys = this.#keys[place.node];
    const out = plan.out;
    const columns = new Array<number>(out.length).fill(-1);
    // Every group the region reads for the node, those that only give links their values too.
    const keys: number[] = [];
    if (groupKeys !== undefined) {
      for (const key of groupKeys) {
        if (key !== undefined && key >= 0 && !keys.includes(key)) keys.push(key);
      }
    }
    const links = new Array<number>(out.length).fill(-1);
    const targets = new Array<Reader | null>(out.length).fill(null);
    let listsBelow = false;
    for (let s = 0; s < out.length; s++) {
      const slot = out[s]!;
      if (slot.kind === "field") {
        const fields = groups?.[slot.group];
        if (fields === undefined || !plan.groups[slot.group]!.fused) throw GIVE_UP;
        const column = fields[slot.column];
        if (column === undefined || column < 0) throw GIVE_UP;
        columns[s] = column;
      } else if (slot.kind === "link") {
        const link = plan.links[slot.link]!;
        if (link.fused < 0) throw GIVE_UP;
        links[s] = link.fused;
        // A region is a tree of plans: no node is reached again below itself.
        const target = this.#reader(this.#target(link));
        targets[s] = target;
        listsBelow ||= slot.shape.list || target.listsBelow;
      }
    }
    const reader: Reader = { plan, columns, keys, links, targets, listsBelow };
    this.#readers[place.node] = reader;
    return reader;
  }

  /** Counts a target of a link to one node, once per link (as its batch would hold it). */
  #count(seen: (Set<unknown> | undefined)[], link: number, id: unknown): void {
    const ids = seen[link] ??= new Set();
    if (!ids.has(id)) {
      ids.add(id);
      this.ids++;
    }
  }

  /** The plan of the node a link reaches (links to unions and interfaces are never fused). */
  #target(link: LinkPlan): NodePlan {
    if (link.targets.resolveType !== null) throw GIVE_UP;
    return link.targets.plan(link.link.target);
  }
}
