/**
 * A cost budget: what one request (or one HTTP request's batch, which shares it) may spend.
 *
 * Two limits, both on by default at the HTTP endpoint:
 * - `maxCost`, checked before anything runs, against the static estimate of each query (see
 *   `estimateCost`): `loadCost` units per loader call plus one per id, lists assumed to hold their
 *   declared `size` (or `listSize`). The queries of a batch add up.
 * - `maxIds`, checked while a query runs: the ids that actually reach its nodes, counted level by
 *   level as each batch of ids is about to load. The execution stops with a
 *   {@linkcode CostLimitError} before loading the batch that would exceed it.
 *
 * @module
 */

import { CostLimitError } from "../base/errors.ts";

/** What {@linkcode CostBudget} accepts; every field has a default. */
export interface CostBudgetInit {
  /** The most estimated cost units, before execution. Default 4,000. */
  readonly maxCost?: number;
  /** The most ids that may reach nodes while executing. Default 100,000. */
  readonly maxIds?: number;
  /** Units one loader call is estimated at. Default 40. */
  readonly loadCost?: number;
  /** Items a list link is estimated to hold when it declares no `size`. Default 10. */
  readonly listSize?: number;
}

/** The defaults of {@linkcode CostBudget}. */
export const COST_BUDGET_DEFAULTS: {
  readonly maxCost: number;
  readonly maxIds: number;
  readonly loadCost: number;
  readonly listSize: number;
} = Object.freeze({ maxCost: 4_000, maxIds: 100_000, loadCost: 40, listSize: 10 });

function checked(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value) || value < min) {
    throw new RangeError(
      `Cannot create the cost budget: "${name}" must be a number of at least ${min} ` +
        `(Infinity for none), got ${String(value)}`,
    );
  }
  return value;
}

/**
 * What a request may spend, and what it has spent. Pass one to `schema.execute` (the HTTP
 * endpoint makes one per HTTP request) or `engine.execute`; a batch shares one.
 *
 * @example
 * ```ts
 * import { CostBudget } from "./budget.ts";
 * const budget = new CostBudget({ maxCost: 2_000, maxIds: 10_000 });
 * budget.spendIds(9_000); // true
 * budget.spendIds(2_000); // false: over maxIds
 * ```
 */
export class CostBudget {
  /** The most estimated cost units. */
  readonly maxCost: number;
  /** The most ids loaded. */
  readonly maxIds: number;
  /** Units per loader call in estimates. */
  readonly loadCost: number;
  /** Items per list link without a declared size in estimates. */
  readonly listSize: number;
  #estimated = 0;
  #ids = 0;

  /**
   * Creates a budget.
   *
   * @param init The limits and the estimate's assumptions; each defaults to
   *   {@linkcode COST_BUDGET_DEFAULTS}.
   * @throws {RangeError} When a value is not a number of at least 0.
   */
  constructor(init: CostBudgetInit = {}) {
    const d = COST_BUDGET_DEFAULTS;
    this.maxCost = checked("maxCost", init.maxCost, d.maxCost, 0);
    this.maxIds = checked("maxIds", init.maxIds, d.maxIds, 0);
    this.loadCost = checked("loadCost", init.loadCost, d.loadCost, 0);
    this.listSize = checked("listSize", init.listSize, d.listSize, 0);
  }

  /** The estimated cost charged so far. */
  get estimated(): number {
    return this.#estimated;
  }

  /** The ids loaded so far. */
  get ids(): number {
    return this.#ids;
  }

  /**
   * Charges a query's estimate, unless it would take the total over `maxCost`.
   *
   * @param cost The estimate.
   * @returns Whether it was within the budget (and charged).
   */
  spendEstimate(cost: number): boolean {
    // Written so that NaN (an estimate that is no number) is over the budget too.
    if (!(this.#estimated + cost <= this.maxCost)) return false;
    this.#estimated += cost;
    return true;
  }

  /**
   * Charges ids about to load, unless they would take the total over `maxIds`.
   *
   * @param count How many.
   * @returns Whether they were within the budget (and charged).
   */
  spendIds(count: number): boolean {
    if (!(this.#ids + count <= this.maxIds)) return false;
    this.#ids += count;
    return true;
  }

  /**
   * The error for an estimate over the budget.
   *
   * @param cost The estimate that did not fit.
   * @param loads Its loader calls.
   * @param ids Its estimated ids.
   * @returns The error, naming the limit and how to read it.
   */
  estimateError(cost: number, loads: number, ids: number): CostLimitError {
    const before = this.#estimated === 0 ? "" : ` (with ${this.#estimated} spent by its batch)`;
    return new CostLimitError(
      "estimate",
      this.maxCost,
      cost,
      `Query is estimated to cost ${fmt(cost)}${before}, over the limit of ${fmt(this.maxCost)}: ` +
        `${fmt(loads)} loader calls at ${this.loadCost} each and ${fmt(ids)} ids, lists counted ` +
        `as ${this.listSize} items unless their size is declared. Select fewer nested lists, ` +
        `or ask for smaller pages`,
    );
  }

  /**
   * The error for ids over the budget.
   *
   * @param node The node the ids were about to load for (`null`: the root).
   * @param count How many ids the batch had.
   * @returns The error, naming the node.
   */
  idsError(node: string | null, count: number): CostLimitError {
    return new CostLimitError(
      "ids",
      this.maxIds,
      this.#ids + count,
      `Query loads more than ${fmt(this.maxIds)} ids: ${fmt(this.#ids)} were loaded when ` +
        `${fmt(count)} more reached ${node === null ? "the root" : `node "${node}"`}, so it ` +
        `was stopped. Select fewer nested lists, or ask for smaller pages`,
    );
  }
}

function fmt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : String(n);
}
