/**
 * The execution store: what loaders returned, column by column, per node per query path (a
 * *batch*: the ids that reached one node at one path, and the state of each load for them).
 *
 * Everything that reads a result (`ResultProxy`, `Index`, `denormalize`, the error walk) reads it
 * through the types and the small functions here, so there is one definition of how link data
 * is laid out and how a failure is found.
 *
 * @module
 */

import type { FusedResult } from "../definitions/fusion.ts";
import type { Id } from "../definitions/members.ts";
import type { NodePlan } from "../planning/plan.ts";

/** A load that has not finished (or never started, because something it needed failed). */
export interface Pending {
  /** Discriminant. */
  readonly kind: "pending";
}

/** A failed load: every id of the batch failed with the same error. */
export interface Failed {
  /** Discriminant. */
  readonly kind: "failed";
  /** The error (a `LoaderError`, a `LoaderShapeError`, a `QueryReadError` for a bad argument). */
  readonly error: unknown;
}

/** A field group's rows: one per id, one value per field (an `Error` where that one failed). */
export interface LoadedRows {
  /** Discriminant. */
  readonly kind: "loaded";
  /** One row per id (the root: one row). */
  readonly rows: readonly (readonly unknown[])[];
  /**
   * Where each field sits in a row: field `f` at `rows[i][columns[f]]`, when the rows are wider
   * than the group (a fused load's whole statement rows, shared with other groups); `null` when
   * field `f` is at `rows[i][f]`.
   */
  readonly columns: readonly number[] | null;
}

/** Where a field group stands. */
export type GroupState = Pending | Failed | LoadedRows;

/** A loaded link. */
export interface LoadedLink {
  /** Discriminant. */
  readonly kind: "loaded";
  /** Where each parent's link points. */
  readonly data: LinkData;
}

/** Where a link stands. */
export type LinkState = Pending | Failed | LoadedLink;

/** The state of a load that has not finished. */
export const PENDING: Pending = Object.freeze({ kind: "pending" });

/** A target position of a link that points nowhere (`Nothing`). */
export const NO_TARGET = -1;
/** A target position that failed: its error is in the link data's `failures`. */
export const FAILED_TARGET = -2;

/** Link data of a link to one node per parent (`TypeRef`, `Optional(TypeRef)`). */
export interface SingleLinkData {
  /** Discriminant. */
  readonly kind: "single";
  /** `true` when one value serves every parent (links without `requires`). */
  readonly shared: boolean;
  /** Per parent (one when shared): the position in the child batch, or a negative code. */
  readonly targets: readonly number[];
  /** The child batches: one for a link to a node, one per concrete type for a union/interface. */
  readonly batches: readonly Batch[];
  /** For a union/interface link: which batch each entry of `targets` is in. */
  readonly batchOf: readonly number[] | null;
  /** The errors of `FAILED_TARGET` entries, by their index in `targets`. */
  readonly failures: ReadonlyMap<number, unknown> | null;
}

/** Link data of a link to a list of nodes per parent (`Sequence(...)`, maybe in `Optional`). */
export interface ListLinkData {
  /** Discriminant. */
  readonly kind: "list";
  /** `true` when one value serves every parent (links without `requires`). */
  readonly shared: boolean;
  /** Per parent (one when shared), where its items start in `targets`; one more at the end. */
  readonly starts: readonly number[];
  /** Per item: the position in the child batch, or a negative code. */
  readonly targets: readonly number[];
  /** The child batches, as for single links. */
  readonly batches: readonly Batch[];
  /** For a union/interface link: which batch each entry of `targets` is in. */
  readonly batchOf: readonly number[] | null;
  /** The errors of `FAILED_TARGET` items, by their index in `targets`. */
  readonly failures: ReadonlyMap<number, unknown> | null;
  /**
   * Per parent, what stands in place of a list: `null` (`Nothing`, for an `Optional` list) or
   * the `Error` the loader returned there; `null` when every parent has a list.
   */
  readonly instead: ReadonlyMap<number, unknown> | null;
}

/** Where the ids a link points to are, for every parent id. */
export type LinkData = SingleLinkData | ListLinkData;

/** The ids that reached one node at one query path, and where each of its loads stands. */
export class Batch {
  /** The plan of this node at this path. */
  readonly plan: NodePlan;
  /** Distinct ids, in order of first appearance (one id for the root). */
  readonly ids: readonly Id[];
  /** Per field group of the plan. */
  readonly groups: GroupState[];
  /** Per link of the plan. */
  readonly links: LinkState[];
  /** Per link: how many of the groups it requires are still loading. */
  readonly waits: number[];
  /** What the batch's region loaded, once it has (for nodes inside a fused region). */
  fused: FusedResult | null = null;

  /**
   * Creates a batch whose loads have not run yet.
   *
   * @param plan The plan of the node at this path.
   * @param ids The distinct ids.
   */
  constructor(plan: NodePlan, ids: readonly Id[]) {
    this.plan = plan;
    this.ids = ids;
    const groups = new Array<GroupState>(plan.groups.length);
    for (let g = 0; g < groups.length; g++) groups[g] = PENDING;
    this.groups = groups;
    const links = new Array<LinkState>(plan.links.length);
    const waits = new Array<number>(plan.links.length);
    for (let l = 0; l < links.length; l++) {
      links[l] = PENDING;
      waits[l] = plan.links[l]!.waitCount;
    }
    this.links = links;
    this.waits = waits;
  }
}

/**
 * Every batch a result reached, the root first, breadth first (each link's batches after those
 * of the levels above).
 *
 * @param root The root batch.
 * @returns The batches.
 */
export function reachedBatches(root: Batch): Batch[] {
  const batches: Batch[] = [root];
  for (let next = 0; next < batches.length; next++) {
    const links = batches[next]!.links;
    for (let l = 0; l < links.length; l++) {
      const state = links[l]!;
      if (state.kind === "loaded") {
        const children = state.data.batches;
        for (let b = 0; b < children.length; b++) batches.push(children[b]!);
      }
    }
  }
  return batches;
}

/**
 * Empties a finished execution's batches (every batch a link reached from `root`): their rows
 * and links are dropped, so that whatever still refers to them (the settled promise of the
 * execution, a loader's) keeps nothing alive. For results nobody reads again.
 *
 * @param root The root batch.
 */
export function releaseBatches(root: Batch): void {
  const batches = reachedBatches(root);
  for (let b = 0; b < batches.length; b++) {
    const batch = batches[b]!;
    batch.links.fill(PENDING);
    batch.groups.fill(PENDING);
    batch.fused = null;
  }
}

/**
 * The index in a link's per-parent arrays of a parent.
 *
 * @param data The link data.
 * @param parent The parent's position in its batch.
 * @returns `0` when the value is shared, else the position.
 */
export function parentIndex(data: LinkData, parent: number): number {
  return data.shared ? 0 : parent;
}

/**
 * The child batch a target entry points into.
 *
 * @param data The link data.
 * @param k The entry's index in `targets`.
 * @returns The batch.
 */
export function targetBatch(data: LinkData, k: number): Batch {
  return data.batches[data.batchOf === null ? 0 : data.batchOf[k]!]!;
}

/**
 * The failure of a link at a parent (its load failed, or the loader put an `Error` there).
 *
 * @param state The link's state.
 * @param parent The parent's position in its batch.
 * @returns The error, or `undefined` when the parent's link did not fail as a whole.
 */
export function linkFailure(state: LinkState, parent: number): unknown {
  if (state.kind === "failed") return state.error;
  if (state.kind === "pending") return undefined;
  const data = state.data;
  const k = parentIndex(data, parent);
  if (data.kind === "single") {
    return data.targets[k] === FAILED_TARGET ? data.failures!.get(k) : undefined;
  }
  const instead = data.instead?.get(k);
  return instead === null ? undefined : instead;
}

/**
 * Whether a value a loader returned in place of a result is an error (it fails that position).
 *
 * @param value A loaded value.
 * @returns `true` for `Error` instances.
 */
export function isFailure(value: unknown): value is Error {
  return typeof value === "object" && value !== null && value instanceof Error;
}
