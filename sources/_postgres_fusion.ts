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

/** One common table expression of the statement: its SQL, its columns, who reads its rows. */
interface Part {
  readonly name: string;
  readonly sql: string;
  /** Its own columns (as selected in the expression). */
  readonly columns: readonly string[];
  /** The members its rows answer (a link and the group of the node it reaches may share one). */
  readonly readers: readonly Reader[];
}

/** How the rows of a part are read back for one member (columns by index in the part). */
type Reader =
  | {
    readonly kind: "group";
    readonly node: number;
    readonly group: number;
    readonly key: number;
    readonly values: readonly number[];
  }
  | {
    readonly kind: "link";
    readonly link: number;
    /** The from-column, or -1 for a list (one value for every parent). */
    readonly from: number;
    readonly to: number;
    readonly order: number;
  };

/** A fused region: the statement and how its rows map back to members. */
interface Fused {
  readonly text: string;
  readonly parts: readonly Part[];
  /** Per part, the output column of each of its own columns. */
  readonly outputs: readonly (readonly string[])[];
  /** Builds the parameters from the input. */
  readonly params: (input: FusedInput) => unknown[];
  readonly region: FusionRegion;
  readonly links: readonly { readonly link: FusionLink; readonly spec: LinkSpec | ListSpec }[];
  /** Per group (`node:group`), how many fields it has. */
  readonly widths: ReadonlyMap<string, number>;
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

/** Builds the statement of a region, or `null` when a field or a required field is no column. */
function buildStatement(region: FusionRegion): Fused | null {
  const parts: Part[] = [];
  const links: { link: FusionLink; spec: LinkSpec | ListSpec }[] = [];
  for (const link of region.links) {
    links.push({ link, spec: specOf(link.member) as LinkSpec | ListSpec });
  }
  /** Per node and group: the part holding its rows and the column of each of its fields. */
  const groupAt = new Map<string, { part: string; columns: readonly string[] }>();
  const widths = new Map<string, number>();
  /** Parameters: `$1` the entry ids, then each list's filters, limit and offset. */
  const params: ((input: FusedInput) => unknown)[] = [];
  const param = (get: (input: FusedInput) => unknown): string => {
    params.push(get);
    return `$${params.length}`;
  };
  const entryIds = region.entry === "ids" ? param((input) => input.ids) : null;
  /** Per node: the part whose "t" column lists its ids (`null`: the entry ids). */
  const idsPart: (string | null)[] = new Array(region.nodes.length).fill(null);
  /** Groups read from their link's part: the link's table is theirs and its to-column their key. */
  const merged = new Set<string>();

  /** The SELECT list of a group's columns, from `c<offset>`; `null` when a field is no column. */
  const groupColumns = (n: number, g: number, offset: number) => {
    const group = region.nodes[n]!.groups.find((x) => x.group === g)!;
    const spec = specOf(group.member) as FieldsSpec;
    const select: string[] = [];
    const names: string[] = [];
    for (let c = 0; c < group.fields.length; c++) {
      const column = spec.columns.get(group.fields[c]!.name);
      if (column === undefined) return null;
      names.push(`c${offset + c}`);
      select.push(`${column.sql} AS "c${offset + c}"`);
    }
    widths.set(`${n}:${g}`, group.fields.length);
    return { spec, select, names };
  };

  /** A group the link's rows can answer, when it reads the link's table by the to-column. */
  const mergeable = (link: FusionLink, spec: LinkSpec | ListSpec): number | null => {
    const table = spec.kind === "link" ? spec.from.table : spec.table;
    const to = spec.kind === "link" ? spec.to : spec.key;
    for (const group of region.nodes[link.to]!.groups) {
      const fields = specOf(group.member) as FieldsSpec;
      if (fields.table === table && fields.key === to) return group.group;
    }
    return null;
  };

  const emitLink = (index: number): boolean => {
    const { link, spec } = links[index]!;
    const name = `l${index}`;
    const select: string[] = [];
    const columns: string[] = [];
    let from = -1;
    let where: string;
    if (spec.kind === "link") {
      const source = link.from!;
      const parent = groupAt.get(`${source.node}:${source.group}`);
      if (parent === undefined) return false;
      select.push(`${spec.from.sql} AS "f"`);
      columns.push("f");
      from = 0;
      where = ` WHERE ${spec.from.sql} IN (SELECT "${
        parent.columns[source.column]
      }" FROM "${parent.part}")`;
    } else {
      const filters: string[] = [];
      for (const filter of spec.filters) {
        const values = param((input) => listFilter(input.options[index], filter.option));
        filters.push(`(${filter.column.sql} = ANY(${values}) OR ${values} IS NULL)`);
      }
      where = filters.length === 0 ? "" : ` WHERE ${filters.join(" AND ")}`;
    }
    const to = spec.kind === "link" ? spec.to : spec.key;
    select.push(
      `${to.sql} AS "t"`,
      `(row_number() OVER (ORDER BY ${spec.order.join(", ")}))::int4 AS "o"`,
    );
    columns.push("t", "o");
    const readers: Reader[] = [{
      kind: "link",
      link: index,
      from,
      to: columns.length - 2,
      order: columns.length - 1,
    }];
    const group = mergeable(link, spec);
    if (group !== null) {
      const read = groupColumns(link.to, group, 0);
      if (read === null) return false;
      const key = columns.length;
      select.push(`${to.sql} AS "k"`, ...read.select);
      columns.push("k", ...read.names);
      readers.push({
        kind: "group",
        node: link.to,
        group,
        key,
        values: read.names.map((_, c) => key + 1 + c),
      });
      merged.add(`${link.to}:${group}`);
      groupAt.set(`${link.to}:${group}`, { part: name, columns: read.names });
    }
    const table = spec.kind === "link" ? spec.from.table : spec.table;
    let sql = `SELECT ${select.join(", ")} FROM ${table.sql}${where}`;
    if (spec.kind === "list") {
      const limit = param((input) => optionValue(input.options[index], spec.limit));
      const offset = param((input) => optionValue(input.options[index], spec.offset));
      sql += ` ORDER BY ${spec.order.join(", ")} LIMIT ${limit} OFFSET ${offset}`;
    }
    parts.push({ name, sql, columns, readers });
    idsPart[link.to] = name;
    return true;
  };

  const emitNode = (n: number): boolean => {
    for (const group of region.nodes[n]!.groups) {
      if (merged.has(`${n}:${group.group}`)) continue;
      const read = groupColumns(n, group.group, 0);
      if (read === null) return false;
      const name = `n${n}g${group.group}`;
      const ids = idsPart[n];
      const where = ids === null
        ? `${read.spec.key.sql} = ANY(${entryIds})`
        : `${read.spec.key.sql} IN (SELECT "t" FROM "${ids}")`;
      parts.push({
        name,
        sql: `SELECT ${read.spec.key.sql} AS "k", ${read.select.join(", ")} FROM ` +
          `${read.spec.table.sql} WHERE ${where}`,
        columns: ["k", ...read.names],
        readers: [{
          kind: "group",
          node: n,
          group: group.group,
          key: 0,
          values: read.names.map((_, c) => c + 1),
        }],
      });
      groupAt.set(`${n}:${group.group}`, { part: name, columns: read.names });
    }
    return true;
  };

  // A node's own parts, then the links leaving it (whose targets' parts come after them).
  if (region.entry !== "ids" && !emitLink(0)) return null;
  for (let n = 0; n < region.nodes.length; n++) {
    if (!emitNode(n)) return null;
    for (const { link } of links) {
      if (link.from?.node === n && !emitLink(link.index)) return null;
    }
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
    outputs,
    params: (input) => params.map((get) => get(input)),
    region,
    links,
    widths,
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
  const groupIndex: KeyIndex<readonly unknown[]>[][] = [];
  for (const part of fused.parts) {
    const indexes: KeyIndex<readonly unknown[]>[] = [];
    for (const reader of part.readers) {
      if (reader.kind === "group") {
        const index = new KeyIndex<readonly unknown[]>();
        read.groups.set(`${reader.node}:${reader.group}`, index);
        indexes.push(index);
      } else {
        read.links.set(reader.link, { index: new KeyIndex(), all: [] });
      }
    }
    groupIndex.push(indexes);
  }
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const p = row["~"] as number;
    const part = fused.parts[p]!;
    const out = fused.outputs[p]!;
    let g = 0;
    for (const reader of part.readers) {
      if (reader.kind === "group") {
        const key = row[out[reader.key]!];
        const index = groupIndex[p]![g++]!;
        if (key === null || key === undefined || index.at(key) !== undefined) continue;
        const values = new Array(reader.values.length);
        for (let c = 0; c < values.length; c++) values[c] = row[out[reader.values[c]!]!];
        index.put(key, values);
        continue;
      }
      const entry = read.links.get(reader.link)!;
      const target = row[out[reader.to]!];
      const item = { t: target, o: row[out[reader.order]!] as number };
      if (reader.from < 0) {
        entry.all.push(item);
        continue;
      }
      if (target === null || target === undefined) continue;
      const source = row[out[reader.from]!];
      const list = entry.index.at(source);
      if (list === undefined) entry.index.put(source, [item]);
      else list.push(item);
    }
  }
  for (const entry of read.links.values()) entry.all.sort(byOrder);
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
