/**
 * Fusion for the Postgres sources: a region of a query whose fields come from `FieldsQuery`
 * loaders and whose links come from `LinkQuery` or `ListQuery` loaders of one context key is
 * answered by ONE statement.
 *
 * The region is cut into chains: a chain follows links from the region's first node, taking every
 * link to one node (they do not multiply rows) and at most one list link per node, two lists in
 * all; each further list link starts another chain (from its parents' distinct values, past two
 * lists). A chain is one join: the first node's rows (`= ANY($1)` on its ids, or the listed rows),
 * LEFT JOINed to each link's table on the link's from-column, and to the fields' tables on their
 * keys. One chain is the statement: a plain SELECT of table columns, typed as the separate
 * statements return them, which Postgres may read in order as it joins rather than sort. Several
 * chains are a UNION ALL: a first column tags each row with its chain; each joined column has an
 * output column of its own (shared by the chains that join it), NULL in the other chains; and a
 * first branch that returns no rows (`WHERE false`) gives every output column its table column's
 * type. Rows are ordered by the chains' lists' orders, so each list is read in its order; a link's
 * primary key (or its table's oid and `ctid`) tells apart its rows where the chain can repeat
 * them. A link to one node back to the row its parent was joined from (an actor's character,
 * below the character's actors: the link's value is the column the actor was joined on, looked up
 * in the primary key of the table joined before) is not joined again: its node reads that row's
 * alias. Only for a node that reads nothing but that row's fields (the row is there even where the
 * parent is not, so nothing may be joined on it), and for integer and boolean keys, which every
 * join compares by value (a text key's collation may take two spellings for one). Rows are read
 * as arrays (`queryArrays`) where the client can. For the seed's query below the root's own
 * loader:
 *
 * ```sql
 * SELECT "n0g0"."id" AS "x0", "n0g0"."name" AS "x1", "l0"."id" AS "x2", "l0"."name" AS "x3"
 * FROM "character" AS "n0g0" LEFT JOIN "actor" AS "l0" ON "l0"."character_id" = "n0g0"."id"
 * WHERE "n0g0"."id" = ANY($1::int8[])
 * ORDER BY 3
 * ```
 *
 * A first node keyed by text (or any key but numbers and booleans) is joined to its ids with their
 * positions, as `FieldsQuery` joins them (see _postgres_matched.ts), and every group's rows are
 * found by the value its join matched (a link's, or the id's position), so Postgres decides which
 * row a value finds (`"NCC"` finds a citext `"ncc"`), fused as unfused.
 *
 * Every value is a bound parameter and every identifier is quoted; the text depends only on the
 * region and on which of its lists' options are given (a filter whose option is absent is left
 * out, and so is a page whose limit and offset are: see _postgres_variants.ts), never on values,
 * so a driver can keep it prepared.
 *
 * @module
 */

import type {
  FusedInput,
  FusedLoader,
  FusedResult,
  FusedTree,
  Fuser,
  FusionLink,
  FusionMember,
  FusionRegion,
} from "../src/definitions/fusion.ts";
import { signalOf } from "../src/definitions/context.ts";
import { type Id, Nothing } from "../src/definitions/members.ts";
import { clientOf, releaseRows, runArrayStatement } from "./_postgres_client.ts";
import { DateKeyError, FieldsRowError, IdTypeError, LinkRowError } from "./_postgres_errors.ts";
import {
  arrayCast,
  KeyIndex,
  type KeyKind,
  keyKindOf,
  keysOf,
  MISFIT,
  readKey,
} from "./_postgres_keys.ts";
import { matchedAt, matchedFrom, matchedTyping, matchesInSql } from "./_postgres_matched.ts";
import {
  type Column,
  isPrimaryKey,
  orderSql,
  type OrderTerm,
  type Table,
} from "./_postgres_table.ts";
import { boundValue, filterValues } from "./_postgres_list_options.ts";
import { DifferingRows, sameValue } from "./_postgres_same.ts";
import { type ListClauses, listMark, paramMark, StatementVariants } from "./_postgres_variants.ts";

/** What a `FieldsQuery` tells the fuser. */
export interface FieldsSpec {
  readonly kind: "fields";
  readonly table: Table;
  /** The column rows are found by. */
  readonly key: Column;
  /** Columns by field name. */
  readonly columns: ReadonlyMap<string, Column>;
}

/** What a `LinkQuery` tells the fuser. */
export interface LinkSpec {
  readonly kind: "link";
  readonly from: Column;
  readonly to: Column;
  /** How a list is ordered (columns of the link's table). */
  readonly order: readonly OrderTerm[];
}

/** What a `ListQuery` tells the fuser. */
export interface ListSpec {
  readonly kind: "list";
  readonly table: Table;
  /** The column whose values are the listed ids. */
  readonly key: Column;
  /** Option name to the column it filters (`= ANY(...)`). */
  readonly filters: readonly { readonly option: string; readonly column: Column }[];
  /** How the list is ordered. */
  readonly order: readonly OrderTerm[];
  /** The options giving LIMIT and OFFSET, when any. */
  readonly limit: string | null;
  readonly offset: string | null;
}

/** Any spec of the Postgres sources. */
export type PostgresSpec = FieldsSpec | LinkSpec | ListSpec;

const fusers = new Map<string, Fuser>();

/**
 * The fuser of the Postgres sources that read the client at one context key: loaders made for
 * the same key may share a statement.
 *
 * @param ctxKey The context key.
 * @returns The fuser.
 */
export function fuserFor(ctxKey: string): Fuser {
  let fuser = fusers.get(ctxKey);
  if (fuser === undefined) {
    fuser = { fuse: (region) => fuseRegion(ctxKey, region) };
    fusers.set(ctxKey, fuser);
  }
  return fuser;
}

/**
 * Describes a loader to its fuser.
 *
 * @param ctxKey The loader's context key.
 * @param spec What the loader reads.
 * @returns The value of the loader's `FUSE` property.
 */
export function fusionMember(ctxKey: string, spec: PostgresSpec): FusionMember {
  return Object.freeze({ fuser: fuserFor(ctxKey), spec });
}

/** How the rows of a chain are read back for one member (output columns by index). */
type Reader =
  | {
    readonly kind: "group";
    readonly node: number;
    readonly group: number;
    readonly key: number;
    readonly values: readonly number[];
    /**
     * Whether its key is not its table's primary key: the rows of one key are then checked to say
     * the same (a `FieldsRowError` where they do not), as `FieldsQuery` checks them.
     */
    readonly checks: boolean;
    /** The group's table, quoted, and its key column's name (for a `FieldsRowError`). */
    readonly table: string;
    readonly column: string;
    /** Its key column's kind: how its rows are found by id (see `KeyIndex`). */
    readonly keyKind: KeyKind;
    /** Whether `key` is the position of the entry id its row was found for (from 1). */
    readonly position: boolean;
  }
  | {
    readonly kind: "link";
    readonly link: number;
    /** The parent's required value, or -1 for a list (one value for every parent). */
    readonly parent: number;
    readonly to: number;
    /**
     * What tells the link's rows apart (its `ctid`, or the listed key), when the chain can repeat
     * them; `-1` when it cannot.
     */
    readonly identity: number;
    /**
     * Whether the same row can come for several parent rows: its parents' required value is not
     * their key, or the parents themselves can repeat (a link to one node merged them).
     */
    readonly repeats: boolean;
    /**
     * Whether its join can give a parent row several rows: a list, or a link to one node on a
     * from-column that is not its table's primary key (several rows there are an error, but the
     * chain's other links see their rows repeated first).
     */
    readonly multiplies: boolean;
    /** The links walked from the chain's first node to reach this one (its ancestors). */
    readonly ancestors: readonly number[];
  };

/**
 * One step of reading a row, for one member (every step has this one shape, so reading stays
 * monomorphic): a group's row under its key, or a link's target under its parent's value. Columns
 * are positions in the statement's rows (after the chain tag, when there is one).
 */
class ReadStep {
  constructor(
    /** The group slot (in {@linkcode Fused.slots}) a group step fills; `-1` for a link step. */
    readonly slot: number,
    /** A group step: its key's column. */
    readonly key: number,
    /**
     * A group step whose fields are elsewhere in this chain's rows than the slot's columns: where
     * they are (the row is then copied to the slot's columns); `null` when they are there.
     */
    readonly remap: readonly number[] | null,
    /** A link step: the link's index; `-1` for a group step. */
    readonly link: number,
    /** A link step: its parent's required value, or -1 for a list (one for every parent). */
    readonly parent: number,
    /** A link step: its target's column. */
    readonly to: number,
    /** A link step: what tells its rows apart where the chain repeats them, or -1. */
    readonly identity: number,
    /** A group step: whether the rows of one key must say the same (see `Reader`). */
    readonly checks: boolean,
    /** A group step: whether its key is the position of the entry id its row was found for. */
    readonly position: boolean,
  ) {}
}

/** A group the statement answers: where it is in the region and where its fields are in a row. */
interface GroupSlot {
  readonly node: number;
  readonly group: number;
  readonly columns: readonly number[];
  /** The group's table, quoted, and its key column's name. */
  readonly table: string;
  readonly column: string;
  /** Its key column's kind: "1.5" and "1.50" are one key of an `Int` or `Float` column. */
  readonly keyKind: KeyKind;
  /**
   * Whether its rows are under the ids Postgres found them for (by position), found by exactly
   * those ids (a loose match, `"007"` for 7, would undo Postgres's).
   */
  readonly exact: boolean;
}

/** A fused region: the statement and how its rows map back to members. */
interface Fused {
  /** The statement's texts: one per set of list options given (filters, and pages). */
  readonly variants: StatementVariants;
  /** Per chain, its steps. */
  readonly chains: readonly (readonly ReadStep[])[];
  /** The groups the statement answers. */
  readonly slots: readonly GroupSlot[];
  /** Per region node, per group index, its slot (absent when the statement has none). */
  readonly slotOf: readonly (readonly number[])[];
  /** Whether the first column of each row says which chain it comes from. */
  readonly tagged: boolean;
  /** Columns per row. */
  readonly width: number;
  /** Every parameter's value for an input, by index (a text binds those it writes). */
  readonly values: (input: FusedInput) => unknown[];
  /**
   * The key column of the first node when the engine gives its ids (they are read as its type,
   * as `FieldsQuery` reads them), or `null` when the region lists them.
   */
  readonly entry: Column | null;
  /** How the first node's ids are read: its key column's kind (`null`: as they are). */
  readonly entryKind: KeyKind;
  readonly links: readonly { readonly link: FusionLink; readonly spec: LinkSpec | ListSpec }[];
  /** Where the rows form a tree (see `FusedResult.tree`): each link's and group's columns. */
  readonly tree: TreeLayout | null;
  /**
   * The statement read as a tree alone (`FusedInput.tree`): the tree's columns without those only
   * reading by ids needs (values only links require); `null` when it would leave out none.
   */
  readonly lean: LeanRead | null;
  /**
   * The same without the ids of links to one node as well (`FusedInput.countIds` false: no budget
   * counts them); `null` when it would leave out none more.
   */
  readonly uncounted: LeanRead | null;
}

/** The statement of a region read as a tree alone, and where its tree is in its rows. */
interface LeanRead {
  readonly variants: StatementVariants;
  readonly width: number;
  readonly tree: TreeLayout;
}

/**
 * Where a chain's rows form a tree: each link's and group's columns, and the columns of values
 * links require from columns of no known kind, which are not a tree when one is a `Date` (the
 * read by id fails such a link with a `DateKeyError`; the walk does not see those values).
 */
type TreeLayout = Omit<FusedTree, "rows"> & { readonly dated: readonly number[] };

function fuseRegion(ctxKey: string, region: FusionRegion): FusedLoader | null {
  for (const node of region.nodes) {
    for (const group of node.groups) if (specOf(group.member)?.kind !== "fields") return null;
  }
  for (const link of region.links) {
    const spec = specOf(link.member);
    if (spec === null || spec.kind === "fields") return null;
    if (spec.kind === "list" && link.from !== null) return null;
    // A list whose key repeats lists a row per row, duplicates and all, which a region (taking
    // each key once, and the nodes below as once each) would not: it stays apart.
    if (spec.kind === "list" && !isPrimaryKey(spec.key)) return null;
    if (spec.kind === "link" && link.from === null) return null;
  }
  const fused = buildStatement(region);
  if (fused === null) return null;
  const source = `region ${region.label}`;
  const entry = fused.entry;
  const entryKind = fused.entryKind;
  const misfit = (id: unknown) =>
    new IdTypeError(entry!.table.sql, entry!.name, id, String(entryKind), null);
  const leanFor = (input: FusedInput): LeanRead | null =>
    input.tree !== true
      ? null
      : input.countIds === false && fused.uncounted !== null
      ? fused.uncounted
      : fused.lean;
  const load = async (ctx: { readonly [key: string]: unknown }, input: FusedInput) => {
    const lean = leanFor(input);
    if (lean !== null) {
      const { text, params } = lean.variants.bind(fused.values(input));
      const rows = await runArrayStatement(
        clientOf(ctx, ctxKey),
        source,
        text,
        params,
        lean.width,
        { source, signal: signalOf(ctx) },
      );
      return new PostgresTreeResult(lean.tree, rows);
    }
    let ids = input.ids;
    if (ids !== null) {
      if (ids.length === 0) return new PostgresFusedResult(fused, [], ids);
      // As FieldsQuery reads them: a misfit fails the region, whose loads then fail the same way.
      ids = keysOf(entryKind, ids, misfit) as readonly Id[];
    }
    const { text, params } = fused.variants.bind(
      fused.values(ids === input.ids ? input : { ids, options: input.options }),
    );
    const rows = await runArrayStatement(
      clientOf(ctx, ctxKey),
      source,
      text,
      params,
      fused.width,
      { source, signal: signalOf(ctx) },
    );
    return new PostgresFusedResult(fused, rows, ids);
  };
  // The ids do not change the text: they are one array parameter.
  const statementFor = (input: FusedInput): string =>
    (leanFor(input)?.variants ?? fused.variants).of(fused.values(input)).text;
  return Object.assign(load, { statement: fused.variants.bare.text, statementFor });
}

function specOf(member: FusionMember): PostgresSpec | null {
  const spec = member.spec as Partial<PostgresSpec> | null;
  return spec !== null && typeof spec === "object" &&
      (spec.kind === "fields" || spec.kind === "link" || spec.kind === "list")
    ? spec as PostgresSpec
    : null;
}

/** A chain being built: its FROM clause, its WHERE, its ORDER BY terms, its readers. */
interface Chain {
  from: string;
  where: string;
  /** List links joined in this chain (each multiplies its rows). */
  lists: number;
  /**
   * Whether a node's fields are joined on a column that is not its table's primary key: several
   * rows may then have that key, and every link's rows may repeat.
   */
  multiplied: boolean;
  /** Output column indexes used by this chain. */
  readonly used: Set<number>;
  /** ORDER BY terms; an identity term is kept only when the chain repeats the link's rows. */
  readonly order: { readonly column: number; readonly desc: boolean; readonly identity: boolean }[];
  readonly readers: Reader[];
}

function copyChain(chain: Chain): Chain {
  return {
    from: chain.from,
    where: chain.where,
    lists: chain.lists,
    multiplied: chain.multiplied,
    used: new Set(chain.used),
    order: [...chain.order],
    readers: [...chain.readers],
  };
}

/** Builds the statement of a region, or `null` when a field or a required field is no column. */
function buildStatement(region: FusionRegion): Fused | null {
  const links: { link: FusionLink; spec: LinkSpec | ListSpec }[] = [];
  for (const link of region.links) {
    links.push({ link, spec: specOf(link.member) as LinkSpec | ListSpec });
  }
  /** Output columns: the SQL expression each reads, and the table alias it belongs to. */
  const outputs: string[] = [];
  const outputOf = new Map<string, number>();
  /** Table of each alias, for the typing branch. */
  const aliasTables = new Map<string, Table>();
  /** Per output column, an expression of a table's column with its type, for the typing branch. */
  const typing: string[] = [];
  /** The output of an expression (once), typed in the typing branch as `typed` is. */
  const output = (expression: string, typed: string): number => {
    let index = outputOf.get(expression);
    if (index === undefined) {
      index = outputs.length;
      outputs.push(expression);
      typing.push(typed);
      outputOf.set(expression, index);
    }
    return index;
  };
  /** Per output that is a table's column, its alias and the column's quoted name. */
  const columnOf = new Map<number, { readonly alias: string; readonly name: string }>();
  const column = (alias: string, name: string, typedAs?: number): number => {
    const expression = `"${alias}".${name}`;
    const index = output(expression, typedAs === undefined ? expression : typing[typedAs]!);
    if (typedAs === undefined && !columnOf.has(index)) columnOf.set(index, { alias, name });
    return index;
  };
  const params: ((input: FusedInput) => unknown)[] = [];
  /** Adds a parameter: its index. */
  const addParam = (get: (input: FusedInput) => unknown): number => params.push(get) - 1;
  /** Adds a parameter: its mark in the template. */
  const param = (get: (input: FusedInput) => unknown): string => paramMark(addParam(get));
  const lists: ListClauses[] = [];
  const chains: Chain[] = [];
  /** The links walked to reach the node being walked. */
  const path: number[] = [];
  let failed = false;

  /** The groups of a node whose rows a link's alias already is (same table, key = to-column). */
  const sameRows = (node: number, table: Table, key: Column): number | null => {
    for (const group of region.nodes[node]!.groups) {
      const fields = specOf(group.member) as FieldsSpec;
      if (fields.table === table && fields.key === key) return group.group;
    }
    return null;
  };

  /**
   * Adds a group's columns to a chain from its alias; `null` when a field is not a column.
   * Returns the alias's output for each field, and the field's column, by field index.
   */
  const readGroup = (
    chain: Chain,
    node: number,
    group: number,
    alias: string,
    foundBy: { readonly key: number; readonly position: boolean } | null,
  ): { values: number[]; columns: Column[] } | null => {
    const fusion = region.nodes[node]!.groups.find((g) => g.group === group)!;
    const spec = specOf(fusion.member) as FieldsSpec;
    const own = column(alias, spec.key.sql);
    chain.used.add(own);
    // Rows are found by what the join matched (a link's value, the entry id's position), as the
    // separate statements find them: Postgres compares (`"NCC"` finds a citext `"ncc"`).
    const key = foundBy?.key ?? own;
    chain.used.add(key);
    const values: number[] = [];
    const columns: Column[] = [];
    for (const field of fusion.fields) {
      const source = spec.columns.get(field.name);
      if (source === undefined) return null;
      const index = column(alias, source.sql);
      chain.used.add(index);
      values.push(index);
      columns.push(source);
    }
    chain.readers.push({
      kind: "group",
      node,
      group,
      key,
      values,
      checks: !isPrimaryKey(spec.key),
      table: spec.table.sql,
      column: spec.key.name,
      keyKind: keyKindOf(spec.key.type),
      position: foundBy?.position ?? false,
    });
    return { values, columns };
  };

  /**
   * Per node and group, in the chain being walked: the alias, the field outputs and the fields'
   * columns.
   */
  type Known = Map<
    string,
    {
      alias: string;
      values: number[];
      columns: Column[];
      key: number;
      unique: boolean;
      /** For the rows a link joined: the column it joined on, equal to `equals` where a row is. */
      joined: Joined | null;
    }
  >;
  /** A link's join: its alias's column (an output) equals the parent's value (another). */
  type Joined = { readonly column: number; readonly equals: number };

  /**
   * Joins a node's groups into a chain, given where its key comes from (an alias and column, or
   * `null` when the chain's FROM is the node's first group), then walks its links: those to one
   * node in the same chain, the first list link too, and each further list link in a copy.
   */
  const walkNode = (
    chain: Chain,
    node: number,
    keyFrom: { readonly column: Column; readonly index: number } | null,
    ownRows: { alias: string; group: number; joined: Joined | null } | null,
    known: Known,
    unique: boolean,
  ): void => {
    for (const group of region.nodes[node]!.groups) {
      const spec = specOf(group.member) as FieldsSpec;
      let alias: string;
      let foundBy = keyFrom === null ? null : { key: keyFrom.index, position: false };
      if (ownRows !== null && ownRows.group === group.group) alias = ownRows.alias;
      else {
        alias = `n${node}g${group.group}`;
        aliasTables.set(alias, spec.table);
        if (!isPrimaryKey(spec.key)) chain.multiplied = true;
        if (keyFrom === null) {
          // The chain starts here (entry ids): this group's table is its FROM.
          if (matchesInSql(keyKindOf(spec.key.type))) {
            // Joined to the ids with their positions, as FieldsQuery's statement is.
            chain.from = matchedFrom(spec.table, spec.key, entryIds!, alias, "e");
            typedEntry = { table: spec.table, key: spec.key };
            // The entry id's position: typed `int4` where a first branch types columns.
            foundBy = { key: output(matchedAt("e"), "NULL::int4"), position: true };
            // Ids Postgres takes for one key ("ncc", "NCC") each bring its row: links read their
            // rows once each.
            unique = false;
          } else {
            chain.from = `${spec.table.sql} AS "${alias}"`;
            chain.where = ` WHERE "${alias}".${spec.key.sql} = ANY(${entryIds!}${
              arrayCast(keyKindOf(spec.key.type))
            })`;
          }
          keyFrom = { column: spec.key, index: column(alias, spec.key.sql) };
        } else if (!sameKind(keyFrom.column, spec.key)) {
          failed = true;
          return;
        } else {
          chain.from +=
            ` LEFT JOIN ${spec.table.sql} AS "${alias}" ON "${alias}".${spec.key.sql} = ${
              outputs[keyFrom.index]
            }`;
        }
      }
      const read = readGroup(chain, node, group.group, alias, foundBy);
      if (read === null) {
        failed = true;
        return;
      }
      const key = column(alias, spec.key.sql);
      const joined = ownRows !== null && ownRows.group === group.group ? ownRows.joined : null;
      known.set(`${node}:${group.group}`, { alias, ...read, key, unique, joined });
    }
    const outgoing = links.filter(({ link }) => link.from?.node === node);
    const single = outgoing.filter(({ link }) => !isList(link));
    const lists = outgoing.filter(({ link }) => isList(link));
    for (const entry of single) walkLink(chain, entry, known);
    const base = copyChain(chain);
    const baseKnown = new Map(known);
    for (let l = 0; l < lists.length; l++) {
      if (base.lists >= MAX_LISTS_PER_CHAIN) startFrom(base, lists[l]!, baseKnown);
      else if (l === 0) walkLink(chain, lists[l]!, known);
      else {
        const branch = copyChain(base);
        chains.push(branch);
        walkLink(branch, lists[l]!, new Map(baseKnown));
      }
    }
    // Lists without `requires` inside the region are the same for every parent: chains of their own.
    for (const entry of links) {
      if (entry.link.from === null && entry.link.parent === node) {
        startList(entry);
      }
    }
  };

  /**
   * A list joined after enough lists would multiply the chain's rows by every list above it: it
   * starts a chain of its own, from the distinct values its parents require (read from the chain
   * so far), so each level's rows come back once.
   */
  const startFrom = (
    prefix: Chain,
    entry: { link: FusionLink; spec: LinkSpec | ListSpec },
    known: Known,
  ): void => {
    const from = entry.link.from!;
    const parent = known.get(`${from.node}:${from.group}`);
    if (parent === undefined) {
      failed = true;
      return;
    }
    const value = parent.values[from.column]!;
    const alias = `p${entry.link.index}`;
    // Values found by their spelling (text keys: "abc" and "ABC" of a citext column are two
    // parents) stay apart, each spelling a row, though Postgres takes them for one.
    const spelled = matchesInSql(keyKindOf(parent.columns[from.column]!.type))
      ? `, ${outputs[value]}::text COLLATE "C" AS "s"`
      : "";
    const chain: Chain = {
      from: `(SELECT DISTINCT ${
        outputs[value]
      } AS "v"${spelled} FROM ${prefix.from}${prefix.where}) AS "${alias}"`,
      where: "",
      lists: 0,
      multiplied: false,
      used: new Set(),
      order: [],
      readers: [],
    };
    chains.push(chain);
    const distinct = column(alias, `"v"`, value);
    const rebased = new Map(known);
    const values = [...parent.values];
    values[from.column] = distinct;
    // Parents are now one row per distinct value: the link's rows come once each.
    rebased.set(`${from.node}:${from.group}`, {
      alias: parent.alias,
      values,
      columns: parent.columns,
      key: distinct,
      unique: true,
      joined: null,
    });
    walkLink(chain, entry, rebased);
  };

  /**
   * The alias whose row a link to one node reaches, when it is a row the chain joined already:
   * the link's value is the column its parent's rows were joined on (`"l1"."character_id"`,
   * joined on `"l0"."id"`), and it looks that value up in the column it equals, which is its
   * table's primary key (`"character"."id"`, which `"l0"` reads): the one row with that key is
   * that alias's. `null` elsewhere, and for keys Postgres compares in its own way (text: a
   * collation may take two spellings for one).
   *
   * @param joined How the parent's rows were joined, when a link joined them.
   * @param value The output of the link's value.
   * @param lookedUp The column the link looks its value up in.
   */
  const backReference = (joined: Joined | null, value: number, lookedUp: Column): string | null => {
    if (joined === null || joined.column !== value || !isPrimaryKey(lookedUp)) return null;
    const kind = keyKindOf(lookedUp.type);
    if (kind !== "Int" && kind !== "Boolean") return null;
    const equals = columnOf.get(joined.equals);
    if (equals === undefined || equals.name !== lookedUp.sql) return null;
    return aliasTables.get(equals.alias) === lookedUp.table ? equals.alias : null;
  };

  const walkLink = (
    chain: Chain,
    entry: { link: FusionLink; spec: LinkSpec | ListSpec },
    known: Known,
  ): void => {
    const { link } = entry;
    const spec = entry.spec as LinkSpec;
    const from = link.from!;
    const parent = known.get(`${from.node}:${from.group}`);
    if (parent === undefined) {
      failed = true;
      return;
    }
    // Unfused, the link reads its parents' values as its from-column's type (an `Int` column
    // refuses 1.5); joined, SQL compares them as they are: the two agree when both columns read
    // values as one kind.
    if (!sameKind(parent.columns[from.column]!, spec.from)) {
      failed = true;
      return;
    }
    const parentValue = parent.values[from.column]!;
    const repeats = !parent.unique || parentValue !== parent.key;
    // Where the to-column is the primary key of the link table's rows (its fields are read from
    // them), it tells the rows apart; elsewhere the row's ctid does.
    // A group keyed by another column reads every row of its key, not only those the link reached.
    const own = isPrimaryKey(spec.to) ? sameRows(link.to, spec.from.table, spec.to) : null;
    // A link back to the row its parent was joined from (an actor's character, below the
    // character's actors) reads that row again, no join, when all its node reads is that row's
    // fields: the row is there on every row of the chain, its parent's too, so nothing may be
    // joined on it (another table's fields, a link) and it must be told apart by its key.
    const leaf = own !== null && region.nodes[link.to]!.groups.length === 1 &&
      !region.links.some((other) => other.parent === link.to);
    const back = isList(link) || !leaf
      ? null
      : backReference(parent.joined, parentValue, spec.from);
    const alias = back ?? `l${link.index}`;
    if (back === null) {
      aliasTables.set(alias, spec.from.table);
      chain.from +=
        ` LEFT JOIN ${spec.from.table.sql} AS "${alias}" ON "${alias}".${spec.from.sql} = ${
          outputs[parentValue]
        }`;
    }
    const joined: Joined | null = back === null
      ? { column: column(alias, spec.from.sql), equals: parentValue }
      : null;
    const to = column(alias, spec.to.sql);
    const identity = own !== null && isPrimaryKey(spec.to) ? to : column(alias, rowIdentity(alias));
    chain.used.add(to).add(parentValue);
    if (isList(link)) {
      chain.lists++;
      for (const term of spec.order) {
        const index = column(alias, term.column.sql);
        chain.used.add(index);
        chain.order.push({ column: index, desc: term.desc, identity: false });
      }
      chain.order.push({ column: identity, desc: false, identity: true });
    }
    chain.readers.push({
      kind: "link",
      link: link.index,
      parent: parentValue,
      to,
      identity,
      repeats,
      multiplies: isList(link) || !isPrimaryKey(spec.from),
      ancestors: [...path],
    });
    path.push(link.index);
    walkNode(
      chain,
      link.to,
      { column: spec.to, index: to },
      own === null ? null : { alias, group: own, joined },
      known,
      // A list's rows are each one parent's, unless that parent's value comes in several rows.
      isList(link) && !repeats,
    );
    path.pop();
  };

  /** A chain starting with a list's rows (the entry list, or a list without `requires`). */
  const startList = (entry: { link: FusionLink; spec: LinkSpec | ListSpec }): void => {
    const { link } = entry;
    const spec = entry.spec as ListSpec;
    const alias = `l${link.index}`;
    aliasTables.set(alias, spec.table);
    // Each filter is written only when its option is given (see _postgres_variants.ts).
    const filters = spec.filters.map((filter) => ({
      column: filter.column.sql,
      cast: arrayCast(keyKindOf(filter.column.type)),
      param: addParam((input) =>
        filterValues(input.options[link.index], filter.option, filter.column, link.name)
      ),
    }));
    const table = spec.table.sql;
    const limit = addParam((input) =>
      boundValue(input.options[link.index], spec.limit, table, link.name)
    );
    const offset = addParam((input) =>
      boundValue(input.options[link.index], spec.offset, table, link.name)
    );
    lists.push({
      table: spec.table.sql,
      filters,
      order: orderSql(spec.order).join(", "),
      limit,
      offset,
      select: null,
    });
    const chain: Chain = {
      lists: 1,
      multiplied: false,
      from: `${listMark(lists.length - 1)} AS "${alias}"`,
      where: "",
      used: new Set(),
      order: [],
      readers: [],
    };
    chains.push(chain);
    const key = column(alias, spec.key.sql);
    chain.used.add(key);
    for (const term of spec.order) {
      const index = column(alias, term.column.sql);
      chain.used.add(index);
      chain.order.push({ column: index, desc: term.desc, identity: false });
    }
    chain.order.push({ column: key, desc: false, identity: false });
    chain.readers.push({
      kind: "link",
      link: link.index,
      parent: -1,
      to: key,
      identity: key,
      repeats: false,
      multiplies: true,
      ancestors: [...path],
    });
    const own = sameRows(link.to, spec.table, spec.key);
    path.push(link.index);
    walkNode(
      chain,
      link.to,
      { column: spec.key, index: key },
      own === null ? null : { alias, group: own, joined: null },
      new Map(),
      true,
    );
    path.pop();
  };

  const entryIds = region.entry === "ids" ? param((input) => input.ids) : null;
  /** The first node's table and key, when its ids are joined with their positions. */
  let typedEntry = null as { readonly table: Table; readonly key: Column } | null;
  if (region.entry === "ids") {
    // A second table of the first node's fields would be joined on the first one's rows, and lose
    // the ids it has no row for: such a node's loads stay apart.
    if (region.nodes[0]!.groups.length !== 1) return null;
    const chain: Chain = {
      from: "",
      where: "",
      lists: 0,
      multiplied: false,
      used: new Set(),
      order: [],
      readers: [],
    };
    chains.push(chain);
    walkNode(chain, 0, null, null, new Map(), true);
  } else {
    startList(links[0]!);
  }
  if (failed) return null;

  // A link's rows repeat when several parent rows reach one of them, or when another join of the
  // chain that can give a row several (a list, or a link to one node on a column that is not a
  // primary key) is not one of the joins that lead to it: below it, or beside it, every row of it
  // comes once per row of that join. Only then is its identity (the key, or the `ctid`) read, to
  // take each row once, and ordered by, to keep each parent's rows together.
  for (const chain of chains) {
    const needed = new Set<number>();
    for (let k = 0; k < chain.readers.length; k++) {
      const reader = chain.readers[k]!;
      if (reader.kind !== "link") continue;
      let repeated = reader.repeats || chain.multiplied;
      for (let m = 0; m < chain.readers.length && !repeated; m++) {
        const other = chain.readers[m]!;
        repeated = other.kind === "link" && other.multiplies && other.link !== reader.link &&
          !reader.ancestors.includes(other.link);
      }
      if (repeated) needed.add(reader.identity);
      else chain.readers[k] = { ...reader, identity: -1 };
    }
    for (const index of needed) chain.used.add(index);
    for (let t = chain.order.length - 1; t >= 0; t--) {
      const term = chain.order[t]!;
      if (term.identity && !needed.has(term.column)) chain.order.splice(t, 1);
    }
  }
  // Outputs no chain reads are left out.
  const kept: number[] = [];
  const renumber = new Map<number, number>();
  for (let c = 0; c < outputs.length; c++) {
    if (chains.some((chain) => chain.used.has(c))) {
      renumber.set(c, kept.length);
      kept.push(c);
    }
  }
  const at = (c: number) => c < 0 ? -1 : renumber.get(c)!;
  for (const chain of chains) {
    for (let k = 0; k < chain.readers.length; k++) {
      const reader = chain.readers[k]!;
      chain.readers[k] = reader.kind === "group"
        ? {
          ...reader,
          key: at(reader.key),
          values: reader.values.map(at),
        }
        : {
          ...reader,
          parent: at(reader.parent),
          to: at(reader.to),
          identity: at(reader.identity),
        };
    }
  }

  // With several chains, a first branch that returns no rows types every output column (a chain
  // leaves NULL where another's columns are), then one branch per chain, a first column tagging
  // each row with its chain. One chain is one plain SELECT: its columns are table columns, typed
  // as they are, and Postgres may then read its rows in their order as it joins them rather than
  // sort them all first.
  const tagged = chains.length > 1;
  const branches: string[] = [];
  if (tagged) {
    const header = [`NULL::int4 AS "~"`, ...kept.map((c, i) => `${typing[c]!} AS "x${i}"`)];
    const tables = [...aliasTables].map(([alias, table]) => `${table.sql} AS "${alias}"`);
    branches.push(`SELECT ${header.join(", ")} FROM ${tables.join(", ")} WHERE false`);
  }
  const order: string[] = [];
  const ordered = new Set<number>();
  for (let k = 0; k < chains.length; k++) {
    const chain = chains[k]!;
    // One chain uses every kept column; with several, each leaves NULL in the others'.
    const values = tagged
      ? [String(k), ...kept.map((c) => chain.used.has(c) ? outputs[c]! : "NULL")]
      : kept.map((c, i) => `${outputs[c]!} AS "x${i}"`);
    branches.push(`SELECT ${values.join(", ")} FROM ${chain.from}${chain.where}`);
    for (const term of chain.order) {
      const position = at(term.column);
      if (ordered.has(position)) continue;
      ordered.add(position);
      order.push(`${position + (tagged ? 2 : 1)}${term.desc ? " DESC" : ""}`);
    }
  }
  // The tag keeps each chain's rows apart; one chain needs only its own order.
  const terms = tagged ? ["1", ...order] : order;
  const typedIds = typedEntry === null
    ? ""
    : matchedTyping(aliasTables.values(), typedEntry.table, typedEntry.key, entryIds!);
  const text = typedIds + branches.join(" UNION ALL ") +
    (terms.length === 0 ? "" : ` ORDER BY ${terms.join(", ")}`);
  const { steps, slots, slotOf } = compileSteps(chains.map((chain) => chain.readers), tagged);
  const tree = region.entry === "ids" || tagged
    ? null
    : treeLayout(region, chains[0]!, links, steps[0]!, slots, slotOf);
  const entry = region.entry === "ids"
    ? (specOf(region.nodes[0]!.groups[0]!.member) as FieldsSpec).key
    : null;
  // A value of no known kind that a link requires (a date, mostly) is no tree: not worth a try.
  const columns = kept.map((c) => outputs[c]!);
  const lean = tree === null || tree.dated.length > 0
    ? null
    : leanRead(region, chains[0]!, tree, columns, outputs, lists, false);
  const uncounted = lean === null
    ? null
    : leanRead(region, chains[0]!, tree!, columns, outputs, lists, true);
  return {
    entry,
    entryKind: entry === null ? null : keyKindOf(entry.type),
    variants: new StatementVariants(text, lists),
    chains: steps,
    slots,
    slotOf,
    tagged,
    width: kept.length + (tagged ? 1 : 0),
    values: (input) => params.map((get) => get(input)),
    links,
    tree,
    lean,
    uncounted: uncounted !== null && uncounted.variants.bare.text !== lean!.variants.bare.text
      ? uncounted
      : null,
  };
}

/**
 * The statement of a one-chain region read as a tree alone: the tree's links, keys and the fields
 * the response shows, in the same FROM and order. `null` when that is every column. (A tree with
 * values of no known kind to check for dates has none: it is read whole.)
 *
 * @param region The region.
 * @param chain Its one chain.
 * @param tree Where the tree is in the whole statement's rows.
 * @param columns The whole statement's column expressions, by position.
 * @param outputs Every output expression, by output index (the chain's order terms name them).
 * @param lists The lists the chain's FROM marks.
 * @param uncounted Whether the ids of links to one node may go too (no budget counts them): a
 *   column NULL where the target is says where it is not.
 */
function leanRead(
  region: FusionRegion,
  chain: Chain,
  tree: TreeLayout,
  columns: readonly string[],
  outputs: readonly string[],
  lists: readonly ListClauses[],
  uncounted: boolean,
): LeanRead | null {
  // A list's ids, when the response does not show them and no list is below it: each of its
  // parent's rows is then one of its items (or, for a list joined below another, the one row of
  // a parent with none, which a column of its own says), told apart by its table's primary key (a
  // key the database does not keep unique is read as one row by id, as checkTables warns, and as
  // one row per item here).
  // Ids of no known kind (a date, bytes, json) are kept: the walk gives up on them, and the read
  // by ids reports them as unfused.
  const dropped = new Map<number, number>();
  for (const link of region.links) {
    const column = tree.links[link.index]!;
    const keys = tree.keys[link.to] ?? [];
    const spec = specOf(link.member) as LinkSpec | ListSpec;
    const kind = keyKindOf((spec.kind === "list" ? spec.key : spec.to).type);
    if (kind === null) continue;
    if (isList(link) ? listBelow(region, link.to) : !uncounted || kind === "Float") continue;
    if (!keys.every((key) => key === undefined || key === column)) continue;
    // A column another node reads as its key (a link back to a row the chain joined already
    // reads that row's key) stays.
    if (tree.keys.some((ks, n) => n !== link.to && ks?.includes(column))) continue;
    dropped.set(link.index, column);
  }
  const shown = new Set<number>();
  for (const node of region.nodes) {
    for (const group of node.groups) {
      const at = tree.columns[node.index]?.[group.group];
      if (at === undefined) continue;
      for (let f = 0; f < at.length; f++) if (group.shown[f] === true) shown.add(at[f]!);
    }
  }
  for (const [link, column] of dropped) if (shown.has(column)) dropped.delete(link);
  const gone = new Set(dropped.values());
  const needed = new Set<number>(shown);
  for (const column of tree.links) if (!gone.has(column)) needed.add(column);
  for (const keys of tree.keys) {
    for (const key of keys ?? []) if (key !== undefined && !gone.has(key)) needed.add(key);
  }
  if (needed.size === columns.length) return null;
  const kept = [...needed].sort((a, b) => a - b);
  const moved = new Map(kept.map((position, i) => [position, i]));
  const to = (position: number): number => moved.get(position) ?? -1;
  const select = kept.map((position, i) => `${columns[position]!} AS "x${i}"`);
  // Per list whose ids are left out and that is joined below another: a column that is NULL in
  // its items' rows (so no value is sent for them) and 1 in the row of a parent without items;
  // per link to one node whose id is left out, NULL where its target is and 1 where it is not.
  const absent = new Array<number>(region.links.length).fill(-1);
  for (const [link, column] of dropped) {
    if (link === region.entry) continue;
    absent[link] = select.length;
    select.push(`CASE WHEN ${columns[column]!} IS NULL THEN 1 END AS "x${select.length}"`);
  }
  // By the expressions: the positions of the whole statement's columns are not these.
  const order: string[] = [];
  for (const term of chain.order) {
    const expression = outputs[term.column]!;
    if (!order.some((o) => o === expression || o === `${expression} DESC`)) {
      order.push(`${expression}${term.desc ? " DESC" : ""}`);
    }
  }
  const text = `SELECT ${select.join(", ")} FROM ${chain.from}${chain.where}` +
    (order.length === 0 ? "" : ` ORDER BY ${order.join(", ")}`);
  return {
    variants: new StatementVariants(text, lists),
    width: select.length,
    tree: {
      links: tree.links.map(to),
      absent,
      // `map` keeps the holes of groups and nodes that have none.
      columns: tree.columns.map((groups) => groups.map((at) => at?.map(to))),
      keys: tree.keys.map((keys) => keys.map((key) => key === undefined ? undefined : to(key))),
      dated: [],
    },
  };
}

/** Whether a list link is below a region node (through any of its links, at any depth). */
function listBelow(region: FusionRegion, node: number): boolean {
  for (const link of region.links) {
    if (link.parent === node && (isList(link) || listBelow(region, link.to))) return true;
  }
  return false;
}

/**
 * Where one chain's rows form the tree `FusedResult.tree` describes, its links' and groups'
 * columns; `null` where they do not. They do when no join gives a row several rows but the lists
 * (no fields are read by a key that is not a primary key, every link to one node is on its
 * table's primary key), the lists are each below the other (so a row is one item of each, and the
 * rows of one item are together, below its parent's), and each list's items are told apart by
 * their table's primary key, which ends its order, and come under one parent each (a list is not
 * below a link to one node that several parents share, nor on a value that is not its parent's
 * key). A target that several parents share is read from each parent's rows.
 */
function treeLayout(
  region: FusionRegion,
  chain: Chain,
  links: readonly { readonly link: FusionLink; readonly spec: LinkSpec | ListSpec }[],
  steps: readonly ReadStep[],
  slots: readonly GroupSlot[],
  slotOf: readonly (readonly number[])[],
): TreeLayout | null {
  if (chain.multiplied) return null;
  const dated: number[] = [];
  const lists: Extract<Reader, { kind: "link" }>[] = [];
  for (const reader of chain.readers) {
    // Fields by a key that is not a primary key: the read by id checks that its rows say the same.
    if (reader.kind === "group" && reader.checks) return null;
    if (reader.kind !== "link") continue;
    const { link, spec } = links[reader.link]!;
    if (spec.kind === "link" && reader.parent >= 0 && keyKindOf(spec.from.type) === null) {
      dated.push(reader.parent);
    }
    if (isList(link)) {
      if (reader.repeats || !isPrimaryKey(spec.kind === "list" ? spec.key : spec.to)) return null;
      lists.push(reader);
    } else if (reader.multiplies) return null;
  }
  for (const a of lists) {
    for (const b of lists) {
      if (a !== b && !a.ancestors.includes(b.link) && !b.ancestors.includes(a.link)) return null;
    }
  }
  const linkColumns = new Array<number>(region.links.length).fill(-1);
  const keys: number[][] = [];
  for (const step of steps) {
    if (step.link >= 0) linkColumns[step.link] = step.to;
    else if (step.remap !== null) return null;
    else {
      const slot = slots[step.slot]!;
      (keys[slot.node] ??= [])[slot.group] = step.key;
    }
  }
  if (linkColumns.includes(-1)) return null;
  return {
    links: linkColumns,
    columns: slotOf.map((groups) => groups.map((slot) => slots[slot]!.columns)),
    keys,
    dated,
  };
}

/**
 * What tells a table's rows apart when no primary key does, written after its alias and a dot:
 * the row's `ctid` is unique only within one table, and a partitioned (or inherited) table's rows
 * come from several, so the table's oid goes with it. One text value per row.
 */
function rowIdentity(alias: string): string {
  return `tableoid::text || ':' || "${alias}".ctid::text`;
}

/**
 * The most lists one chain joins: the rows of a chain are the product of its lists' rows, so a
 * third list starts a chain from its parents' distinct values.
 */
const MAX_LISTS_PER_CHAIN = 2;

/**
 * Whether two columns read ids as one kind (see `keyKindOf`), so that joining them in SQL finds
 * the rows their separate statements would: those read the ids they are given as their key's
 * type, and a value one kind cannot read (1.5 for an `Int` column) fails there, while a join
 * compares the values as they are. Columns of other kinds stay apart.
 */
function sameKind(a: Column, b: Column): boolean {
  return keyKindOf(a.type) === keyKindOf(b.type);
}

function isList(link: FusionLink): boolean {
  const c = link.cardinality;
  return c === "many" || c === "maybeMany" || c === "optionalMany" || c === "optionalMaybeMany";
}

/**
 * Turns each chain's readers into read steps: one slot per group, whose columns are where its
 * first reader finds its fields (a tagged row's columns are one further on).
 */
function compileSteps(
  chains: readonly (readonly Reader[])[],
  tagged: boolean,
): {
  steps: ReadStep[][];
  slots: GroupSlot[];
  slotOf: number[][];
} {
  const o = tagged ? 1 : 0;
  const slots: GroupSlot[] = [];
  const slotOf: number[][] = [];
  const steps = chains.map((readers) =>
    readers.map((reader) => {
      if (reader.kind === "link") {
        const shift = (c: number) => c < 0 ? -1 : c + o;
        return new ReadStep(
          -1,
          -1,
          null,
          reader.link,
          shift(reader.parent),
          reader.to + o,
          shift(reader.identity),
          false,
          false,
        );
      }
      const columns = reader.values.map((c) => c + o);
      const byGroup = slotOf[reader.node] ??= [];
      let slot = byGroup[reader.group];
      if (slot === undefined) {
        slot = byGroup[reader.group] = slots.length;
        const { node, group, table, column, keyKind } = reader;
        slots.push({ node, group, columns, table, column, keyKind, exact: reader.position });
      }
      const own = slots[slot]!.columns;
      const same = own.length === columns.length && own.every((c, f) => c === columns[f]);
      return new ReadStep(
        slot,
        reader.key + o,
        same ? null : columns,
        -1,
        -1,
        -1,
        -1,
        reader.checks,
        reader.position,
      );
    })
  );
  return { steps, slots, slotOf };
}

/** What a link's rows say: per parent value the targets in order, or the list's targets. */
interface LinkRead {
  readonly byParent: KeyIndex<unknown[]>;
  readonly all: unknown[];
  /**
   * The rows taken so far (by what tells them apart), per parent value as `byParent` keeps them
   * (a row two parents' values reach, "ncc" and "NCC" of a citext column, is each one's).
   */
  readonly seen: KeyIndex<Set<unknown>>;
  /** A link to one node's from-column kind (see `keyKindOf`); `null` for a list too. */
  readonly kind: KeyKind;
  /** Whether its parents' values are looked at for `Date`s: a link on a column of no kind. */
  readonly checksDates: boolean;
  /** Whether a parent's value is a `Date` (the link then fails, as its loader would). */
  dated: boolean;
}

function readRows(
  fused: Fused,
  rows: readonly (readonly unknown[])[],
  ids: readonly Id[] | null,
): RowsRead {
  const slots = fused.slots;
  /**
   * Per group slot, the statement's rows by the group's key (each row as it came), found as
   * FieldsQuery finds them: a key of numbers by value ("1.5" and "1.50" are one key).
   */
  const groups = new Array<KeyIndex<readonly unknown[]>>(slots.length);
  for (let g = 0; g < groups.length; g++) groups[g] = new KeyIndex(slots[g]!.keyKind);
  /** Per group slot, for each key whose rows differ, the different rows (`FieldsRowError`). */
  const several = new Array<DifferingRows<readonly unknown[]> | undefined>(slots.length);
  const links = new Array<LinkRead>(fused.links.length);
  for (let l = 0; l < links.length; l++) {
    const spec = fused.links[l]!.spec;
    const kind = spec.kind === "link" ? keyKindOf(spec.from.type) : null;
    links[l] = {
      // A parent's value is looked up as the link's loader looks it up: "1.5" and "1.50" of a
      // column of numbers are one value.
      byParent: new KeyIndex(kind),
      all: [],
      seen: new KeyIndex(kind),
      kind,
      checksDates: spec.kind === "link" && kind === null,
      dated: false,
    };
  }
  const tagged = fused.tagged;
  const chains = fused.chains;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const steps = chains[tagged ? row[0] as number : 0]!;
    for (let k = 0; k < steps.length; k++) {
      const step = steps[k]!;
      if (step.slot >= 0) {
        // The entry id the row was found for, by its position, or the key the join matched.
        const key = step.position ? ids![(row[step.key] as number) - 1] : row[step.key];
        if (key === null || key === undefined) continue;
        const index = groups[step.slot]!;
        const first = index.at(key);
        if (first !== undefined) {
          if (step.checks) {
            const slot = slots[step.slot]!;
            several[step.slot] ??= new DifferingRows(slot.keyKind);
            severalRows(several[step.slot]!, slot, step, key, first, row);
          }
          continue;
        }
        index.put(key, step.remap === null ? row : moved(row, step.remap, slots[step.slot]!));
        continue;
      }
      const read = links[step.link]!;
      // Every parent row counts, those the join found no row for too.
      if (read.checksDates && row[step.parent] instanceof Date) read.dated = true;
      const target = row[step.to];
      // The entry list's rows are its items: one without an id is listed, for the engine to
      // report as it reports its own loader's.
      // A parent without a value has no target: a link back to a row the chain joined already
      // reads it on rows without the parent too.
      if (
        step.parent >= 0 &&
        (target === null || target === undefined || row[step.parent] === null ||
          row[step.parent] === undefined)
      ) continue;
      const parent = step.parent < 0 ? LISTED : parentKey(row[step.parent]);
      if (step.identity >= 0) {
        // A row repeated by a deeper list is one row of this link: taken once per parent, in
        // order.
        const identity = row[step.identity];
        let taken = read.seen.at(parent);
        if (taken === undefined) read.seen.put(parent, taken = new Set());
        if (taken.has(identity)) continue;
        taken.add(identity);
      }
      if (step.parent < 0) {
        read.all.push(target ?? null);
        continue;
      }
      const list = read.byParent.at(parent);
      if (list === undefined) read.byParent.put(parent, [target]);
      else list.push(target);
    }
  }
  return { groups, links, several };
}

/** What the statement's rows say, by key: see {@linkcode readRows}. */
interface RowsRead {
  readonly groups: readonly KeyIndex<readonly unknown[]>[];
  readonly links: readonly LinkRead[];
  /** Per group slot, for each key whose rows differ, the different rows (when any key has). */
  readonly several: readonly (DifferingRows<readonly unknown[]> | undefined)[];
}

/**
 * Checks a group's row of a key seen before against the rows of that key so far: one the joins
 * repeat, or another saying the same, is nothing; another saying otherwise is noted.
 */
function severalRows(
  several: DifferingRows<readonly unknown[]>,
  slot: GroupSlot,
  step: ReadStep,
  key: unknown,
  first: readonly unknown[],
  row: readonly unknown[],
): void {
  const columns = slot.columns;
  const at = step.remap ?? columns;
  const remap = step.remap;
  several.note(
    key,
    first,
    (other) => {
      for (let f = 0; f < columns.length; f++) {
        if (!sameValue(other[columns[f]!], row[at[f]!])) return false;
      }
      return true;
    },
    // Kept where the slot reads its fields, as its first row is.
    () => remap === null ? row : moved(row, remap, slot),
  );
}

/** A row whose group fields are at `from`, copied to where the group's slot reads them. */
function moved(row: readonly unknown[], from: readonly number[], slot: GroupSlot): unknown[] {
  const out = new Array(row.length).fill(null);
  const to = slot.columns;
  for (let f = 0; f < to.length; f++) out[to[f]!] = row[from[f]!];
  return out;
}

const EMPTY: readonly unknown[] = Object.freeze([]);

/** The parent value a list's rows are taken under (one list for every parent). */
const LISTED = "";

/**
 * A parent's value as the link's rows are kept under it: a value read as an object (`jsonb`,
 * bytes) by its JSON text, as Postgres compares it by content, rather than by the object (each row
 * brings its own); others as they are. The text starts with a NUL, which no text from Postgres
 * holds, so it is no other value's.
 */
function parentKey(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  try {
    return "\0" + JSON.stringify(value);
  } catch {
    // A bigint inside: kept as the object, found by itself only.
    return value;
  }
}

/** The rows as a tree, where the layout says they are one and no value links read is a date. */
function treeOf(
  layout: TreeLayout | null,
  rows: readonly (readonly unknown[])[] | null,
): FusedTree | null {
  if (layout === null || rows === null) return null;
  const dated = layout.dated;
  for (let c = 0; c < dated.length; c++) {
    const column = dated[c]!;
    for (let r = 0; r < rows.length; r++) if (rows[r]![column] instanceof Date) return null;
  }
  const { links, columns, keys, absent } = layout;
  return absent === undefined
    ? { rows, links, columns, keys }
    : { rows, links, columns, keys, absent };
}

/** What the statement read as a tree alone returned (see `FusedResult.treeOnly`). */
class PostgresTreeResult implements FusedResult {
  readonly treeOnly = true;
  readonly #layout: TreeLayout;
  #rows: readonly (readonly unknown[])[] | null;
  readonly rowCount: number;

  constructor(layout: TreeLayout, rows: readonly (readonly unknown[])[]) {
    this.#layout = layout;
    this.#rows = rows;
    this.rowCount = rows.length;
  }

  tree(): FusedTree | null {
    return treeOf(this.#layout, this.#rows);
  }

  row(): never {
    throw new TypeError("A region's rows read as a tree alone are not read by id");
  }

  link(): never {
    throw new TypeError("A region's rows read as a tree alone are not read by id");
  }

  release(): void {
    releaseRows(this.#rows);
    this.#rows = null;
  }
}

/** Answers the engine from what the statement returned. */
class PostgresFusedResult implements FusedResult {
  readonly #fused: Fused;
  /** The statement's rows, until released. */
  #rows: readonly (readonly unknown[])[] | null;
  /** The rows by key, read when the engine first asks by id (a tree is read without them). */
  #read: RowsRead | null = null;
  /** The entry ids as sent (read as their key column's type), or `null` for listed rows. */
  readonly #ids: readonly Id[] | null;
  readonly rowCount: number;

  constructor(fused: Fused, rows: readonly (readonly unknown[])[], ids: readonly Id[] | null) {
    this.#fused = fused;
    this.#rows = rows;
    this.#ids = ids;
    this.rowCount = rows.length;
  }

  #indexes(): RowsRead {
    return this.#read ??= readRows(this.#fused, this.#rows ?? [], this.#ids);
  }

  row(node: number, group: number, id: Id): readonly unknown[] | undefined {
    const fused = this.#fused;
    const slot = fused.slotOf[node]?.[group];
    if (slot === undefined) return undefined;
    // Ids read as the group's key column reads them, as its FieldsQuery reads them (the entry's
    // were sent so): 1.5 for "1.50" in a column of numbers. A value the key can not read is
    // looked up as it is (the engine's own ids always fit).
    const asKey = readKey(fused.slots[slot]!.keyKind, id);
    const key = asKey === MISFIT ? id : asKey;
    const read = this.#indexes();
    const exact = fused.slots[slot]!.exact;
    const several = read.several[slot]?.count(key, exact) ?? 0;
    if (several > 0) {
      // As FieldsQuery's own statement: each field of this id fails, other ids are answered.
      const { table, column, columns } = fused.slots[slot]!;
      let width = 0;
      for (let c = 0; c < columns.length; c++) width = Math.max(width, columns[c]! + 1);
      return new Array(width).fill(new FieldsRowError(table, column, key, several));
    }
    const rows = read.groups[slot]!;
    return exact ? rows.at(key) : rows.find(key);
  }

  tree(): FusedTree | null {
    return treeOf(this.#fused.tree, this.#rows);
  }

  release(): void {
    releaseRows(this.#rows);
    this.#rows = null;
    this.#read = { groups: [], links: [], several: [] };
  }

  columns(node: number, group: number): readonly number[] | null {
    const slot = this.#fused.slotOf[node]?.[group];
    return slot === undefined ? null : this.#fused.slots[slot]!.columns;
  }

  link(link: number, value: unknown): unknown {
    const { link: region, spec } = this.#fused.links[link]!;
    const read = this.#indexes().links[link]!;
    if (spec.kind === "list") return read.all;
    const kind = read.kind;
    if (value === null || value === undefined) {
      // A link that must find a row for every value: its own loader looks at every value for a
      // Date before it finds none for this one.
      if (read.dated && region.cardinality === "one") {
        throw new DateKeyError(region.name, spec.from.table.sql, spec.from.name);
      }
    } else if (kind === null) {
      // As the link's own loader: Dates find no rows exactly.
      if (value instanceof Date) {
        throw new DateKeyError(region.name, spec.from.table.sql, spec.from.name);
      }
    } else if (readKey(kind, value) === MISFIT) {
      // As the link's own loader, which reads each value as its from-column's type (the join
      // compared the values as they are: a column declared as another type than it is).
      throw new IdTypeError(spec.from.table.sql, spec.from.name, value, String(kind), region.name);
    }
    const items = value === null || value === undefined
      ? undefined
      : read.byParent.find(parentKey(value));
    if (isList(region)) return items ?? EMPTY;
    if (items === undefined) {
      if (region.cardinality === "maybe") return Nothing;
      throw new LinkRowError(
        region.name,
        "exactly one",
        spec.from.table.sql,
        spec.from.name,
        value,
        0,
      );
    }
    if (items.length > 1) {
      // As the link's own statement: several rows fail the link, named by the value as read.
      throw new LinkRowError(
        region.name,
        region.cardinality === "one" ? "exactly one" : "at most one",
        spec.from.table.sql,
        spec.from.name,
        kind === null ? value : readKey(kind, value),
        items.length,
      );
    }
    return items[0];
  }
}
