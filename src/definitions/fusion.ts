/**
 * Fusion: how a source answers a whole region of a query with one load.
 *
 * A loader can carry the {@linkcode FUSE} hook, naming a {@linkcode Fuser} (the source that can
 * answer several loads at once, e.g. one Postgres client key) and a description of itself that
 * only that fuser reads (a table and its columns, a join). When the planner meets a node whose
 * field loaders and links come from one fuser, it offers the fuser the connected region they
 * form (the node's fields, the links leaving it, the nodes they reach and their fields, and so
 * on); the fuser returns one {@linkcode FusedLoader} for the region, or `null` to decline. The
 * engine then calls it once instead of the region's separate loaders and fills the same batches
 * they would have filled. A loader without the hook (any user loader) ends a region where it
 * stands; loads outside regions run one per node per path as always.
 *
 * The engine knows nothing of SQL: regions, members and results are described here, and each
 * source interprets its own members.
 *
 * @module
 */

import type { QueryField, QueryLink, QueryOptions } from "../query/query.ts";
import type { Id, LinkCardinality } from "./members.ts";

/** The hook a fusable loader carries (a property keyed by this symbol). */
export const FUSE: unique symbol = Symbol.for("hiku-ts.fuse");

/** What a fusable loader says about itself. */
export interface FusionMember {
  /** The source that can fuse it with others of the same fuser. */
  readonly fuser: Fuser;
  /** The loader's own description, read only by its fuser. */
  readonly spec: unknown;
}

/** A loader that can be fused: it carries {@linkcode FUSE}. */
export interface FusableLoader {
  /** Its fusion description. */
  readonly [FUSE]: FusionMember;
}

/**
 * A source that answers regions of a query with one load each.
 */
export interface Fuser {
  /**
   * Makes the load that answers a region, once per plan.
   *
   * @param region The region: its nodes, their fused fields and the links between them.
   * @returns The fused load, or `null` when the source cannot answer this region (the engine then
   *   loads its members one by one).
   */
  fuse(region: FusionRegion): FusedLoader | null;
}

/** A connected part of a query plan that one fuser can answer. */
export interface FusionRegion {
  /** Every node of the region; `nodes[0]` is where it starts. */
  readonly nodes: readonly FusionNode[];
  /** Every link of the region, between its nodes. */
  readonly links: readonly FusionLink[];
  /**
   * How ids reach the first node: `"ids"` when the engine gives them (the node's batch), or the
   * index of the link (in {@linkcode links}, with no `from`) that lists them.
   */
  readonly entry: "ids" | number;
  /** A readable name of where the region is in the query, e.g. `characters > Character`. */
  readonly label: string;
}

/** A node of a region. */
export interface FusionNode {
  /** Its index in {@linkcode FusionRegion.nodes}. */
  readonly index: number;
  /** The node's name. */
  readonly node: string;
  /** The node's field groups the region loads (each loaded by one fused loader). */
  readonly groups: readonly FusionGroup[];
}

/** A field group of a region node. */
export interface FusionGroup {
  /** Its index in the node's plan. */
  readonly group: number;
  /** The loader's fusion description. */
  readonly member: FusionMember;
  /** The query fields the loader would have been given. */
  readonly fields: readonly (QueryField | QueryLink)[];
  /**
   * Per field (in {@linkcode fields}' order), whether the response shows it: `false` for a field
   * loaded only for the value a link `requires`. A result read as a tree (see
   * {@linkcode FusedInput.tree}) may leave those out.
   */
  readonly shown: readonly boolean[];
}

/** A link of a region. */
export interface FusionLink {
  /** Its index in {@linkcode FusionRegion.links}. */
  readonly index: number;
  /** The link's name. */
  readonly name: string;
  /** The loader's fusion description. */
  readonly member: FusionMember;
  /** How many nodes it points to. */
  readonly cardinality: LinkCardinality;
  /**
   * Where its required value comes from: the node it leaves (index), the group and the column in
   * that group's fields; `null` for a link without `requires` (one value for every parent).
   */
  readonly from: {
    readonly node: number;
    readonly group: number;
    readonly column: number;
    readonly field: string;
  } | null;
  /** The node it leaves (index); `-1` for the link that lists the region's first ids. */
  readonly parent: number;
  /** The node it reaches (index). */
  readonly to: number;
  /** Whether it has option values (bound per execution and given to the fused load). */
  readonly hasOptions: boolean;
}

/** What a fused load is given. */
export interface FusedInput {
  /** The ids of the first node, when the region's entry is `"ids"`; else `null`. */
  readonly ids: readonly Id[] | null;
  /** Per region link, its option values (defaults applied), or `null` when it has none. */
  readonly options: readonly (QueryOptions | null)[];
  /**
   * Whether the engine will build the response from the result's tree alone
   * ({@linkcode FusedResult.tree}), as it does when the region answers the whole query below the
   * root. The source may then load only what the tree needs (not the values that only links
   * require, which the response does not show) and answer with a result that is only a tree
   * ({@linkcode FusedResult.treeOnly}); when the engine cannot build the response from it (an
   * error to report, a null where the type allows none), it loads the region again without
   * `tree` and reads that result by ids. Absent or `false`: the result must answer by ids.
   */
  readonly tree?: boolean;
  /**
   * With {@linkcode tree}: whether the tree must give the ids of the targets of links to one node
   * (a cost budget counts the distinct ones, as their batches would hold them). `false`: the source
   * may leave them out, saying where a link has no target instead (`FusedTree.absent`). Absent:
   * `true`.
   */
  readonly countIds?: boolean;
}

/**
 * The load that answers a region: called with the execution's context (like a `passContext`
 * loader) and the region's input, it resolves to what each member would have returned.
 */
export interface FusedLoader {
  /**
   * Loads the region.
   *
   * @param ctx The execution's context.
   * @param input The region's first ids (or `null`) and its links' option values.
   * @returns What each member would have returned.
   */
  (
    ctx: { readonly [key: string]: unknown },
    input: FusedInput,
  ): Promise<FusedResult> | FusedResult;
  /**
   * The text of the statement the load sends (SQL for a database source), shown by explain;
   * never parameter values. Optional: a source that does not set it is explained without it.
   * When the text depends on the input (a filter left out when its option is absent), this is
   * the text for an input without options, and {@linkcode FusedLoader.statementFor} gives each
   * input's.
   */
  readonly statement?: string;
  /**
   * The text of the statement the load sends for one input, when it depends on the input; shown
   * by explain in place of {@linkcode FusedLoader.statement}. Optional.
   *
   * @param input The region's first ids (or `null`) and its links' option values.
   * @returns The text, never parameter values.
   */
  readonly statementFor?: (input: FusedInput) => string;
}

/** A fused result's rows read as one tree (see {@linkcode FusedResult.tree}). */
export interface FusedTree {
  /** The rows, each one path through the region. */
  readonly rows: readonly (readonly unknown[])[];
  /**
   * Per region link (by index), the column of a row holding its item's or target's id; `-1` for
   * a list with no list below it whose ids are not read (each of its parent's rows is then one of
   * its items), or for a link to one node whose target's id is not read (only when the load was
   * given `countIds: false`); see {@linkcode absent}.
   */
  readonly links: readonly number[];
  /**
   * Per region link whose {@linkcode links} column is `-1`, the column that is not null where the
   * link has no item or target (the one row of a parent without items), null where it has; `-1`,
   * or absent, where every row is an item (the entry list, the link that lists the region's first
   * ids).
   */
  readonly absent?: readonly number[];
  /**
   * Per region node (by index), per group (by its index in the node's plan), where the group's
   * fields are in a row: field `f` at `columns[node][group][f]`; absent for a group the region
   * does not load.
   */
  readonly columns: readonly (readonly (readonly number[] | undefined)[])[];
  /**
   * Per region node, per group, the column of a row holding the key the group's row was found
   * by (`undefined` or `-1` where it has none): the node's id, unless the source's join matched a
   * key the engine would not take for it (`"NCC "` for `"NCC"`, a case-insensitive match).
   */
  readonly keys: readonly (readonly (number | undefined)[])[];
}

/** What a fused load found, read by the engine member by member. */
export interface FusedResult {
  /**
   * The row a fused group would have returned for one id.
   *
   * @param node The node's index in the region.
   * @param group The group's index in the node's plan.
   * @param id The id.
   * @returns One value per field of the group (in its order), or, when {@linkcode columns} names
   *   where they are, a wider row holding them (e.g. a whole row of a statement, shared by every
   *   group it answers, with nothing copied); `undefined` for an id without a row (its fields are
   *   then `null`).
   */
  row(node: number, group: number, id: Id): readonly unknown[] | undefined;
  /**
   * Where a group's fields are in the rows {@linkcode row} returns, when those are wider than the
   * group: field `f` at index `columns[f]`. Absent, or `null` for a group, when `row` returns
   * exactly the group's values.
   *
   * @param node The node's index in the region.
   * @param group The group's index in the node's plan.
   * @returns One index per field of the group, or `null`.
   */
  columns?(node: number, group: number): readonly number[] | null;
  /**
   * What a region link's loader would have returned for one required value.
   *
   * @param link The link's index in the region.
   * @param value The required value (ignored for a link without `requires`).
   * @returns An id, `Nothing`, an array of ids, or an `Error` for that value alone.
   */
  link(link: number, value: unknown): unknown;
  /**
   * The result as one ordered tree of rows, from which the engine may build a whole query's
   * response in one pass instead of asking {@linkcode row} and {@linkcode link} id by id. Optional;
   * `null` when the rows are not such a tree (the engine then reads the result by ids).
   *
   * Offered only by a region that starts at a list (its `entry` is a link), and then only when:
   * each row is one path through the region, from one item of the entry list, through one item of
   * each list below it and the target of each link to one node; the rows come in the order of the
   * entry list's items, and the rows of one item are next to each other, in the order of the list
   * below it, and so on down; the items of one list link have different ids, under one parent and
   * across parents (each item is under one parent only); a link to
   * one node has at most one target for a parent, the same in each of the parent's rows; a link's
   * column is `null` (or `undefined`) where it has no item or target; and a node's fields are in
   * the first of its item's rows, `null` where it has no row. The rows must not change afterwards.
   *
   * @returns The tree, or `null`.
   */
  tree?(): FusedTree | null;
  /**
   * `true` when the result answers {@linkcode tree} alone (it was loaded with
   * {@linkcode FusedInput.tree}, and left out what only reading by ids needs): the engine never
   * calls {@linkcode row}, {@linkcode columns} or {@linkcode link} on it, and loads the region
   * again when it cannot use the tree. Optional.
   */
  readonly treeOnly?: boolean;
  /**
   * How many rows the load read (e.g. a statement's result rows), shown by explain. Optional:
   * without it, explain shows what the engine took from the result instead.
   */
  readonly rowCount?: number;
  /**
   * Called once the execution is over, after which the engine asks nothing more: a result may
   * drop what it holds (its rows), so that nothing that still refers to it (the settled promise
   * of its load) keeps them alive. Optional.
   */
  release?(): void;
}

/**
 * Reads a loader's fusion description.
 *
 * @param loader Any loader.
 * @returns Its description, or `null` when it cannot be fused.
 */
export function fusionOf(loader: unknown): FusionMember | null {
  if (typeof loader !== "function") return null;
  const member = (loader as unknown as Partial<FusableLoader>)[FUSE];
  return typeof member === "object" && member !== null && typeof member.fuser?.fuse === "function"
    ? member
    : null;
}

/**
 * The statement text a fused load sends for an input, as explain shows it.
 *
 * @param loader The region's loader.
 * @param input Its input, or `null` when it is not known (then the loader's `statement`).
 * @returns The text, or `null` when the source does not say it.
 */
export function statementOf(loader: FusedLoader, input: FusedInput | null): string | null {
  if (input !== null && loader.statementFor !== undefined) return loader.statementFor(input);
  return loader.statement ?? null;
}
