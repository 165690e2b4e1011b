/**
 * Fusion for the Postgres sources: a region of a query whose fields come from `FieldsQuery`
 * loaders and whose links come from `LinkQuery` or `ListQuery` loaders of one context key is
 * answered by ONE statement.
 *
 * The statement has one common table expression per load the region replaces, each selecting
 * from the one before it (a link's rows where its from-column is in the parent's rows, a node's
 * rows where its key is in the link's to-column), and returns all of them at once as a UNION ALL
 * of wide rows: a tag column says which expression a row comes from, and each expression has
 * columns of its own, NULL in the other branches. A first branch that returns no rows
 * (`WHERE false` over all the expressions) gives every column its type, so each value comes back
 * typed as its column is, exactly as the separate statements would return it. For the seed's
 * query below the root's own loader (characters, their actors):
 *
 * ```sql
 * WITH "n0g0" AS (SELECT "id" AS "k", "id" AS "c0", "name" AS "c1" FROM "character"
 *                 WHERE "id" = ANY($1)),
 *      "l1" AS (SELECT "character_id" AS "f", "id" AS "t",
 *               (row_number() OVER (ORDER BY "id"))::int4 AS "o"
 *               FROM "actor" WHERE "character_id" IN (SELECT "c0" FROM "n0g0")),
 *      "n1g0" AS (SELECT "id" AS "k", "name" AS "c0" FROM "actor"
 *                 WHERE "id" IN (SELECT "t" FROM "l1"))
 * SELECT NULL::int4 AS "~", "n0g0"."k" AS "x0", ... FROM "n0g0", "l1", "n1g0" WHERE false
 * UNION ALL SELECT 0, "k", "c0", "c1", NULL, ... FROM "n0g0"
 * UNION ALL SELECT 1, NULL, NULL, NULL, "f", "t", "o", NULL, NULL FROM "l1"
 * UNION ALL SELECT 2, NULL, ..., "k", "c0" FROM "n1g0"
 * ```
 *
 * Every value is a bound parameter and every identifier is quoted; the text depends only on the
 * region, so a driver can keep it prepared.
 *
 * @module
 */

import type {
  FusedInput,
  FusedLoader,
  FusedResult,
  Fuser,
  FusionLink,
  FusionMember,
  FusionRegion,
} from "../src/definitions/fusion.ts";
import { type Id, Nothing } from "../src/definitions/members.ts";
import { clientOf, type PgRow, runStatement } from "./_postgres_client.ts";
import { LinkRowError } from "./_postgres_errors.ts";
import { KeyIndex } from "./_postgres_keys.ts";
import type { Column, Table } from "./_postgres_table.ts";

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
  /** ORDER BY terms, quoted. */
  readonly order: readonly string[];
}

/** What a `ListQuery` tells the fuser. */
export interface ListSpec {
  readonly kind: "list";
  readonly table: Table;
  /** The column whose values are the listed ids. */
  readonly key: Column;
  /** Option name to the column it filters (`= ANY(...)`). */
  readonly filters: readonly { readonly option: string; readonly column: Column }[];
  /** ORDER BY terms, quoted. */
  readonly order: readonly string[];
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

/** One common table expression of the statement, and the output columns its branch fills. */
interface Part {
  readonly name: string;
  readonly sql: string;
  /** Its own columns (as selected in the expression). */
  readonly columns: readonly string[];
}

/** How the rows of one part are read back. */
type Reader =
  | {
    readonly kind: "group";
    readonly node: number;
    readonly group: number;
    readonly names: readonly string[];
  }
  | { readonly kind: "link"; readonly link: number };

/** A fused region: the statement and how its rows map back to members. */
interface Fused {
  readonly text: string;
  readonly parts: readonly Part[];
  readonly readers: readonly Reader[];
  /** Per part, the output column of each of its own columns. */
  readonly outputs: readonly (readonly string[])[];
  /** Builds the parameters from the input. */
  readonly params: (input: FusedInput) => unknown[];
  readonly region: FusionRegion;
  readonly links: readonly { readonly link: FusionLink; readonly spec: LinkSpec | ListSpec }[];
}

function fuseRegion(ctxKey: string, region: FusionRegion): FusedLoader | null {
  for (const node of region.nodes) {
    for (const group of node.groups) if (specOf(group.member)?.kind !== "fields") return null;
  }
  for (const link of region.links) {
    const spec = specOf(link.member);
    if (spec === null || spec.kind === "fields") return null;
    if (spec.kind === "list" && link.from !== null) return null;
    if (spec.kind === "link" && link.from === null) return null;
  }
  const fused = buildStatement(region);
  if (fused === null) return null;
  const load = async (ctx: { readonly [key: string]: unknown }, input: FusedInput) => {
    if (input.ids !== null && input.ids.length === 0) return emptyResult(fused);
    const rows = await runStatement(
      clientOf(ctx, ctxKey),
      `region ${region.label}`,
      fused.text,
      fused.params(input),
      { source: `region ${region.label}` },
    );
    return readRows(fused, rows);
  };
  return load;
}

function specOf(member: FusionMember): PostgresSpec | null {
  const spec = member.spec as Partial<PostgresSpec> | null;
  return spec !== null && typeof spec === "object" &&
      (spec.kind === "fields" || spec.kind === "link" || spec.kind === "list")
    ? spec as PostgresSpec
    : null;
}

/** Builds the statement of a region, or `null` when a required field is not a column. */
function buildStatement(region: FusionRegion): Fused | null {
  const parts: Part[] = [];
  const readers: Reader[] = [];
  const links: { link: FusionLink; spec: LinkSpec | ListSpec }[] = [];
  /** Per node: the expression selecting its ids (`SELECT ... FROM ...`), or `null` for `$1`. */
  const idsOf: (string | null)[] = new Array(region.nodes.length).fill(null);
  /** Per node and group: the part's name. */
  const groupPart = new Map<string, string>();
  /** Parameters: `$1` the entry ids, then each list's filters, limit and offset. */
  const params: ((input: FusedInput) => unknown)[] = [];
  const param = (get: (input: FusedInput) => unknown): string => {
    params.push(get);
    return `$${params.length}`;
  };
  const entryIds = region.entry === "ids" ? param((input) => input.ids) : null;

  // Links first give each node the expression its ids come from; nodes then read their rows.
  const linkParts = new Map<number, Part>();
  for (const link of region.links) {
    const spec = specOf(link.member) as LinkSpec | ListSpec;
    links.push({ link, spec });
    const name = `l${link.index}`;
    idsOf[link.to] = `SELECT "t" FROM "${name}"`;
    linkParts.set(link.index, { name, sql: "", columns: [] });
  }

  const nodeParts = (n: number): boolean => {
    const node = region.nodes[n]!;
    for (const group of node.groups) {
      const spec = specOf(group.member) as FieldsSpec;
      const name = `n${n}g${group.group}`;
      const select = [`${spec.key.sql} AS "k"`];
      const names: string[] = [];
      for (let c = 0; c < group.fields.length; c++) {
        const field = group.fields[c]!.name;
        const column = spec.columns.get(field);
        if (column === undefined) return false;
        select.push(`${column.sql} AS "c${c}"`);
        names.push(field);
      }
      const where = idsOf[n] === null
        ? `${spec.key.sql} = ANY(${entryIds})`
        : `${spec.key.sql} IN (${idsOf[n]})`;
      parts.push({
        name,
        sql: `SELECT ${select.join(", ")} FROM ${spec.table.sql} WHERE ${where}`,
        columns: ["k", ...names.map((_, c) => `c${c}`)],
      });
      readers.push({ kind: "group", node: n, group: group.group, names });
      groupPart.set(`${n}:${group.group}`, name);
    }
    return true;
  };

  // Walk in region order: a node's parts, then the links leaving it (their targets come later).
  const emitted = new Set<number>();
  const emitNode = (n: number): boolean => {
    if (emitted.has(n)) return true;
    emitted.add(n);
    return nodeParts(n);
  };
  if (region.entry !== "ids") {
    // The entry list comes first: the first node's ids are its rows.
    if (!emitLink(0)) return null;
  }
  for (let n = 0; n < region.nodes.length; n++) {
    if (!emitNode(n)) return null;
    for (const { link } of links) {
      if (link.from?.node === n && !emitLink(link.index)) return null;
    }
  }

  function emitLink(index: number): boolean {
    const { link, spec } = links[index]!;
    const part = linkParts.get(index)!;
    let sql: string;
    if (spec.kind === "link") {
      const from = link.from!;
      const parent = groupPart.get(`${from.node}:${from.group}`);
      if (parent === undefined) return false;
      sql = `SELECT ${spec.from.sql} AS "f", ${spec.to.sql} AS "t", ` +
        `(row_number() OVER (ORDER BY ${spec.order.join(", ")}))::int4 AS "o" ` +
        `FROM ${spec.from.table.sql} WHERE ${spec.from.sql} IN ` +
        `(SELECT "c${from.column}" FROM "${parent}")`;
    } else {
      const where: string[] = [];
      for (const filter of spec.filters) {
        const values = param((input) => listFilter(input.options[index], filter.option));
        where.push(`(${filter.column.sql} = ANY(${values}) OR ${values} IS NULL)`);
      }
      const limit = param((input) => optionValue(input.options[index], spec.limit));
      const offset = param((input) => optionValue(input.options[index], spec.offset));
      sql = `SELECT ${spec.key.sql} AS "t", ` +
        `(row_number() OVER (ORDER BY ${spec.order.join(", ")}))::int4 AS "o" ` +
        `FROM ${spec.table.sql}` + (where.length === 0 ? "" : ` WHERE ${where.join(" AND ")}`) +
        ` ORDER BY ${spec.order.join(", ")} LIMIT ${limit} OFFSET ${offset}`;
    }
    parts.push({
      name: part.name,
      sql,
      columns: spec.kind === "link" ? ["f", "t", "o"] : ["t", "o"],
    });
    readers.push({ kind: "link", link: index });
    return true;
  }

  // The output: a tag, then each part's own columns; a first branch with no rows types them all.
  const outputs: string[][] = [];
  let next = 0;
  for (const part of parts) outputs.push(part.columns.map(() => `x${next++}`));
  const header = [`NULL::int4 AS "~"`];
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    for (let c = 0; c < part.columns.length; c++) {
      header.push(`"${part.name}"."${part.columns[c]}" AS "${outputs[p]![c]}"`);
    }
  }
  const branches = [
    `SELECT ${header.join(", ")} FROM ${parts.map((p) => `"${p.name}"`).join(", ")} WHERE false`,
  ];
  for (let p = 0; p < parts.length; p++) {
    const values = [String(p)];
    for (let q = 0; q < parts.length; q++) {
      for (const column of parts[q]!.columns) values.push(q === p ? `"${column}"` : "NULL");
    }
    branches.push(`SELECT ${values.join(", ")} FROM "${parts[p]!.name}"`);
  }
  const text = `WITH ${parts.map((p) => `"${p.name}" AS (${p.sql})`).join(", ")} ` +
    branches.join(" UNION ALL ");
  return {
    text,
    parts,
    readers,
    outputs,
    params: (input) => params.map((get) => get(input)),
    region,
    links,
  };
}

function optionValue(
  options: FusedInput["options"][number] | undefined,
  name: string | null,
): unknown {
  if (name === null || options === null || options === undefined) return null;
  const value = options[name];
  return value === undefined ? null : value;
}

/** A filter's values as an array, or `null` (no filter) when its option is absent or null. */
function listFilter(options: FusedInput["options"][number] | undefined, name: string): unknown {
  const value = optionValue(options, name);
  if (value === null) return null;
  return Array.isArray(value) ? value : [value];
}

/** What a part's rows say, per member. */
interface Read {
  readonly groups: Map<string, KeyIndex<readonly unknown[]>>;
  readonly links: Map<
    number,
    { index: KeyIndex<{ t: unknown; o: number }[]>; all: { t: unknown; o: number }[] }
  >;
}

function readRows(fused: Fused, rows: readonly PgRow[]): FusedResult {
  const read: Read = { groups: new Map(), links: new Map() };
  const groupIndexes: (KeyIndex<readonly unknown[]> | null)[] = [];
  for (const reader of fused.readers) {
    if (reader.kind === "group") {
      const index = new KeyIndex<readonly unknown[]>();
      read.groups.set(`${reader.node}:${reader.group}`, index);
      groupIndexes.push(index);
    } else {
      read.links.set(reader.link, { index: new KeyIndex(), all: [] });
      groupIndexes.push(null);
    }
  }
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const p = row["~"] as number;
    const reader = fused.readers[p]!;
    const out = fused.outputs[p]!;
    if (reader.kind === "group") {
      const values = new Array(reader.names.length);
      for (let c = 0; c < values.length; c++) values[c] = row[out[c + 1]!];
      groupIndexes[p]!.put(row[out[0]!], values);
      continue;
    }
    const entry = read.links.get(reader.link)!;
    const spec = fused.links[reader.link]!.spec;
    if (spec.kind === "link") {
      const target = row[out[1]!];
      if (target === null || target === undefined) continue;
      const source = row[out[0]!];
      const item = { t: target, o: row[out[2]!] as number };
      const list = entry.index.at(source);
      if (list === undefined) entry.index.put(source, [item]);
      else list.push(item);
    } else {
      entry.all.push({ t: row[out[0]!], o: row[out[1]!] as number });
    }
  }
  for (const entry of read.links.values()) {
    entry.all.sort(byOrder);
  }
  return new PostgresFusedResult(fused, read);
}

function byOrder(a: { o: number }, b: { o: number }): number {
  return a.o - b.o;
}

function emptyResult(fused: Fused): FusedResult {
  return readRows(fused, []);
}

const EMPTY: readonly unknown[] = Object.freeze([]);

/** Answers the engine from what the statement returned. */
class PostgresFusedResult implements FusedResult {
  readonly #fused: Fused;
  readonly #read: Read;
  readonly #sorted = new Set<number>();

  constructor(fused: Fused, read: Read) {
    this.#fused = fused;
    this.#read = read;
  }

  row(node: number, group: number, id: Id): readonly unknown[] | undefined {
    return this.#read.groups.get(`${node}:${group}`)?.find(id);
  }

  link(link: number, value: unknown): unknown {
    const { link: region, spec } = this.#fused.links[link]!;
    const entry = this.#read.links.get(link)!;
    if (spec.kind === "list") return entry.all.map((item) => item.t);
    if (value === null || value === undefined) return this.#none(region, spec, value);
    const items = entry.index.find(value);
    if (!this.#sorted.has(link)) {
      // Rows of one parent came in statement order: put each list in the link's order once.
      this.#sorted.add(link);
      for (const list of entry.index.values()) list.sort(byOrder);
    }
    const cardinality = region.cardinality;
    if (
      cardinality === "many" || cardinality === "maybeMany" || cardinality === "optionalMany" ||
      cardinality === "optionalMaybeMany"
    ) {
      return items === undefined ? EMPTY : items.map((item) => item.t);
    }
    if (items === undefined || items.length === 0) return this.#none(region, spec, value);
    if (items.length > 1) {
      // As the link's own statement: several rows fail the link.
      throw new LinkRowError(
        region.name,
        cardinality === "one" ? "exactly one" : "at most one",
        spec.from.table.sql,
        spec.from.name,
        value,
        items.length,
      );
    }
    return items[0]!.t;
  }

  /** A parent with no row: a required link fails, an optional one has nothing, a list is empty. */
  #none(link: FusionLink, spec: LinkSpec, value: unknown): unknown {
    switch (link.cardinality) {
      case "one":
        throw new LinkRowError(
          link.name,
          "exactly one",
          spec.from.table.sql,
          spec.from.name,
          value,
          0,
        );
      case "maybe":
        return Nothing;
      default:
        return EMPTY;
    }
  }
}
