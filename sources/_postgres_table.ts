/**
 * Table descriptions for the Postgres sources: a table's name, its columns with their graph
 * types, and its primary key (the analogue of a SQLAlchemy `Table`).
 *
 * @module
 */

import { inspect } from "../src/base/_inspect.ts";
import { type GraphType, isGraphType } from "../src/definitions/types.ts";

/** Column names of a table, each with the graph type of its values. */
export type ColumnTypes = { readonly [name: string]: GraphType };

/** A column of a {@linkcode Table}: `table.c.name`. */
export interface Column {
  /** Discriminant. */
  readonly kind: "column";
  /** The column's name, as in the database. */
  readonly name: string;
  /** The graph type of its values (given to fields declared with a `null` type). */
  readonly type: GraphType;
  /** The table it belongs to. */
  readonly table: Table;
  /** The column's name quoted for SQL, e.g. `"character_id"`. */
  readonly sql: string;
}

/** A table description made by {@linkcode table}. */
export interface Table<C extends ColumnTypes = ColumnTypes> {
  /** Discriminant. */
  readonly kind: "table";
  /** The table's name, as in the database. */
  readonly name: string;
  /** The schema it is in, or `null` to find it through the search path. */
  readonly schema: string | null;
  /** The columns, in declaration order. */
  readonly columns: readonly Column[];
  /** The columns by name: `character.c.id`. */
  readonly c: { readonly [K in keyof C]: Column };
  /** The primary key column, or `null` when none was declared. */
  readonly primaryKey: Column | null;
  /** The table's name quoted (and qualified by its schema) for SQL, e.g. `"character"`. */
  readonly sql: string;
}

/** What {@linkcode table} accepts besides the name and the columns. */
export interface TableInit<K extends string = string> {
  /** The primary key column's name; `FieldsQuery` loads rows by it. */
  readonly primaryKey?: K;
  /** The schema the table is in; without it, the search path finds the table. */
  readonly schema?: string;
}

/**
 * Describes a database table for `FieldsQuery` and `LinkQuery`: its name, its columns with the
 * graph type of their values, and its primary key. Nothing is sent to the database; the table must
 * exist there with these columns.
 *
 * Names are quoted in the SQL the sources build, so they are used exactly as given (case, spaces,
 * quotes and all).
 *
 * @typeParam C The columns' names and types.
 * @param name The table's name.
 * @param columns Each column's name and the graph type of its values (`Int`, `Str`,
 *   `Optional(Str)`, ...).
 * @param init The primary key column's name and the schema.
 * @returns The table description; its columns are `t.c.<name>`.
 * @throws {TypeError} When a name is empty, too long for Postgres (63 bytes) or holds a NUL
 *   character, a column's type is not a graph type, or the primary key is not one of the columns.
 * @example
 * ```ts
 * import { table } from "./postgres.ts";
 * import { Int, Str } from "../mod.ts";
 *
 * const character = table("character", { id: Int, name: Str, species: Str }, { primaryKey: "id" });
 * console.log(character.c.name.type === Str); // true
 * ```
 */
export function table<const C extends ColumnTypes>(
  name: string,
  columns: C,
  init: TableInit<keyof C & string> = {},
): Table<C> {
  checkIdentifier(name, "Table");
  if (init.schema !== undefined) checkIdentifier(init.schema, "Schema", ` of table "${name}"`);
  const names = Object.keys(columns);
  if (names.length === 0) {
    throw new TypeError(`Table "${name}" needs at least one column: got none`);
  }
  const sql = (init.schema === undefined ? "" : `${quoteIdentifier(init.schema)}.`) +
    quoteIdentifier(name);
  const list: Column[] = [];
  const byName: { [name: string]: Column } = {};
  const described: { -readonly [K in keyof Table]: Table[K] } = {
    kind: "table",
    name,
    schema: init.schema ?? null,
    columns: list,
    c: byName,
    primaryKey: null,
    sql,
  };
  for (const columnName of names) {
    checkIdentifier(columnName, "Column", ` of table "${name}"`);
    const type = columns[columnName];
    if (!isGraphType(type)) {
      throw new TypeError(
        `Column "${columnName}" of table "${name}" needs a graph type (Int, Str, Optional(Str), ...): got ${
          inspect(type)
        }`,
      );
    }
    const column: Column = Object.freeze({
      kind: "column",
      name: columnName,
      type,
      table: described,
      sql: quoteIdentifier(columnName),
    });
    list.push(column);
    byName[columnName] = column;
  }
  if (init.primaryKey !== undefined) {
    const key = byName[init.primaryKey];
    if (key === undefined) {
      throw new TypeError(
        `Table "${name}" has no column "${init.primaryKey}" for its primary key: columns are ${
          names.map((n) => `"${n}"`).join(", ")
        }`,
      );
    }
    described.primaryKey = key;
  }
  Object.freeze(list);
  Object.freeze(byName);
  return Object.freeze(described) as unknown as Table<C>;
}

/**
 * Quotes an identifier for SQL: wraps it in double quotes and doubles the quotes inside.
 *
 * @param name A table, column or schema name.
 * @returns The quoted identifier.
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

// Postgres silently truncates longer identifiers, so rows would come back under another name.
const MAX_IDENTIFIER_BYTES = 63;
const encoder = new TextEncoder();

function checkIdentifier(name: unknown, kind: string, of = ""): void {
  if (typeof name !== "string" || name.length === 0) {
    throw new TypeError(`${kind} name${of} must be a non-empty string: got ${inspect(name)}`);
  }
  if (name.includes("\0")) {
    throw new TypeError(`${kind} name ${inspect(name)}${of} holds a NUL character`);
  }
  const bytes = encoder.encode(name).length;
  if (bytes > MAX_IDENTIFIER_BYTES) {
    throw new TypeError(
      `${kind} name ${
        inspect(name)
      }${of} is ${bytes} bytes long: Postgres allows ${MAX_IDENTIFIER_BYTES}`,
    );
  }
}

/** A column to order by, ascending, or a column and a direction. */
export type OrderBy = Column | { readonly column: Column; readonly direction: "asc" | "desc" };

/** One term of an order: a column and its direction. */
export interface OrderTerm {
  readonly column: Column;
  readonly desc: boolean;
}

/**
 * The order terms of columns of one table.
 *
 * @param table The table the columns must belong to.
 * @param orderBy The terms.
 * @param what Who orders (for the message).
 * @returns The terms.
 * @throws {TypeError} When a term is not a column of the table.
 */
export function orderColumns(
  table: Table,
  orderBy: readonly OrderBy[],
  what: string,
): OrderTerm[] {
  const out: OrderTerm[] = [];
  for (const term of orderBy) {
    const column = "column" in term ? term.column : term;
    if (column?.kind !== "column" || column.table !== table) {
      throw new TypeError(
        `${what} orders by columns of table ${table.sql}: got ${describeColumn(column)}`,
      );
    }
    out.push({ column, desc: "direction" in term && term.direction === "desc" });
  }
  return out;
}

/**
 * Whether a column is its table's declared primary key: its values tell rows apart (a key given
 * elsewhere, or another column, may repeat).
 *
 * @param column The column.
 * @returns Whether it is the primary key.
 */
export function isPrimaryKey(column: Column): boolean {
  return column === column.table.primaryKey;
}

/**
 * Order terms ending with a column that tells rows apart, when they do not hold it already: rows
 * that tie on every other term then come in one order on every run.
 *
 * @param terms The terms.
 * @param unique The column, or `null` when there is none (ties are left to the database).
 * @returns The terms, with the column last when it was not among them.
 */
export function withTieBreak(terms: OrderTerm[], unique: Column | null): OrderTerm[] {
  if (unique === null || terms.some((t) => t.column === unique)) return terms;
  return [...terms, { column: unique, desc: false }];
}

/**
 * The quoted ORDER BY terms of order terms.
 *
 * @param terms The terms.
 * @returns The SQL terms.
 */
export function orderSql(terms: readonly OrderTerm[]): string[] {
  return terms.map((t) => t.desc ? `${t.column.sql} DESC` : t.column.sql);
}

/**
 * A column for messages: `"table"."column"`, or the value printed short when it is not one.
 *
 * @param column Anything given as a column.
 * @returns Its description.
 */
export function describeColumn(column: unknown): string {
  const c = column as Partial<Column> | null | undefined;
  return c?.kind === "column" && c.table !== undefined
    ? `${c.table.sql}.${c.sql}`
    : inspect(column);
}
