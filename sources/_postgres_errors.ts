/**
 * The errors of the Postgres sources. Each names what failed and where: the table and statement
 * of a failed query, the table, column and id of a link whose rows do not fit its type, the server
 * a connection could not reach.
 *
 * @module
 */

import { SafeError } from "../src/base/errors.ts";
import { inspect } from "../src/base/_inspect.ts";

/**
 * A statement issued by `FieldsQuery` or `LinkQuery` failed (a missing table or column, a lost
 * connection, ...). The message names the table, gives the driver's message and the statement;
 * the driver's error is `cause`.
 */
export class PostgresQueryError extends Error {
  /** The table the statement read, quoted as in the statement. */
  readonly table: string;
  /** The statement's text (values are bound parameters, so it holds none). */
  readonly statement: string;

  /**
   * Creates the error.
   *
   * @param table The table, quoted as in the statement.
   * @param statement The statement's text.
   * @param cause The driver's error.
   */
  constructor(table: string, statement: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`Query on table ${table} failed: ${detail} (SQL: ${statement})`, { cause });
    this.name = "PostgresQueryError";
    this.table = table;
    this.statement = statement;
  }
}

/**
 * A `FieldsQuery` whose key is not its table's declared primary key (a column given as
 * `primaryKey`) found rows of one id that differ in the fields the query reads: which one a
 * statement returns first is up to Postgres, so taking one would answer differently from run to
 * run. Each field of that id fails with it, where the query reads it, fused or not; other ids are
 * answered. Rows that say the same (a row repeated, or copies) are read as one.
 */
export class FieldsRowError extends Error {
  /** The table read, quoted as in the statement. */
  readonly table: string;
  /** The key column's name. */
  readonly column: string;
  /** The id (the key's value) with several rows. */
  readonly id: unknown;
  /** How many different rows have it. */
  readonly found: number;

  /**
   * Creates the error.
   *
   * @param table The table, quoted.
   * @param column The key column's name.
   * @param id The id.
   * @param found How many different rows have it.
   */
  constructor(table: string, column: string, id: unknown, found: number) {
    super(
      `FieldsQuery on table ${table} found ${found} different rows where "${column}" = ${
        inspect(id)
      }: its key column must be unique (rows that say the same are read as one)`,
    );
    this.name = "FieldsRowError";
    this.table = table;
    this.column = column;
    this.id = id;
    this.found = found;
  }
}

/**
 * The rows found for a `LinkQuery` do not fit the link's type: a `TypeRef` link found no row or
 * several for an id, or an `Optional` link found several.
 */
export class LinkRowError extends Error {
  /** The link's name. */
  readonly link: string;
  /** The table searched, quoted as in the statement. */
  readonly table: string;
  /** The column searched (the link's from-column). */
  readonly column: string;
  /** The id (the required value) whose rows do not fit. */
  readonly id: unknown;
  /** How many rows were found. */
  readonly found: number;

  /**
   * Creates the error.
   *
   * @param link The link's name.
   * @param expected `"exactly one"` or `"at most one"`.
   * @param table The table, quoted.
   * @param column The from-column's name.
   * @param id The id.
   * @param found How many rows were found.
   */
  constructor(
    link: string,
    expected: "exactly one" | "at most one",
    table: string,
    column: string,
    id: unknown,
    found: number,
  ) {
    super(
      `Link "${link}" needs ${expected} row in table ${table} where "${column}" = ${
        inspect(id)
      }: found ${found === 0 ? "none" : found}`,
    );
    this.name = "LinkRowError";
    this.link = link;
    this.table = table;
    this.column = column;
    this.id = id;
    this.found = found;
  }
}

/**
 * A `LinkQuery` link requires `Date`s: the values of a `timestamptz`, `timestamp` or `date`
 * column, which the drivers read as `Date`s. A `Date` keeps milliseconds where the column may keep
 * microseconds, so no statement could find a value's rows exactly: the link fails with this error
 * (fused or not) rather than answer with some of its rows. Link by another column, or have the
 * driver read the column as text.
 */
export class DateKeyError extends TypeError {
  /** The link's name. */
  readonly link: string;
  /** The table searched, quoted as in the statement. */
  readonly table: string;
  /** The column searched (the link's from-column). */
  readonly column: string;

  /**
   * Creates the error.
   *
   * @param link The link's name.
   * @param table The table, quoted.
   * @param column The from-column's name.
   */
  constructor(link: string, table: string, column: string) {
    super(
      `Link "${link}" requires Dates, which can not be looked up in column "${column}" of table ` +
        `${table}: a Date keeps milliseconds where the column may keep microseconds, so its rows ` +
        "can not be found exactly (link by another column, or read the column as text)",
    );
    this.name = "DateKeyError";
    this.link = link;
    this.table = table;
    this.column = column;
  }
}

/**
 * A connection to a PostgreSQL server could not be made: refused, timed out, or rejected (wrong
 * password, missing database). The message names the server (without its password).
 */
export class PostgresConnectionError extends Error {
  /** The server's URL, with its password masked. */
  readonly url: string;

  /**
   * Creates the error.
   *
   * @param url The server's URL, password masked.
   * @param detail What went wrong.
   * @param cause The driver's error.
   */
  constructor(url: string, detail: string, cause: unknown) {
    super(`Could not connect to PostgreSQL at ${url}: ${detail}`, { cause });
    this.name = "PostgresConnectionError";
    this.url = url;
  }
}

/**
 * `openDatabase({ requireServer: true })` found no server to connect to: no `url` was given and
 * the `DATABASE_URL` environment variable is unset or empty. Without `requireServer`,
 * `openDatabase` opens an empty embedded database (PGlite) instead.
 */
export class DatabaseUrlMissingError extends Error {
  /** Creates the error. */
  constructor() {
    super(
      "openDatabase was asked for a PostgreSQL server (requireServer: true), but DATABASE_URL is " +
        "not set: set it to the server's URL (postgres://user:password@host:port/database), or " +
        "pass openDatabase({ url })",
    );
    this.name = "DatabaseUrlMissingError";
  }
}

/**
 * An id given to `FieldsQuery`, or a value a `LinkQuery` link requires, can not be read as the
 * graph type of the column it is looked up in: `"abc"` or `7.5` for an `Int` key, for example.
 * Raised before any statement is sent. The message names the table, the column, the value and
 * the type expected (and the link, for a link's value).
 */
export class IdTypeError extends TypeError {
  /** The table searched, quoted as in the statement. */
  readonly table: string;
  /** The column searched (the key column, or the link's from-column). */
  readonly column: string;
  /** The id or required value, as given. */
  readonly id: unknown;
  /** The column's graph type, e.g. `"Int"`. */
  readonly expected: string;
  /** The link whose required value it is; `null` for an id given to `FieldsQuery`. */
  readonly link: string | null;

  /**
   * Creates the error.
   *
   * @param table The table, quoted.
   * @param column The column's name.
   * @param id The value.
   * @param expected The column's graph type (`"Int"`, `"Float"`, `"String"`, `"Boolean"`).
   * @param link The link's name, or `null` for an id.
   */
  constructor(table: string, column: string, id: unknown, expected: string, link: string | null) {
    const what = link === null
      ? `Id ${inspect(id)}`
      : `Link "${link}" requires ${inspect(id)}, which`;
    super(
      `${what} can not be looked up in column "${column}" of table ${table}: expected ${expected} (${
        SPELLINGS[expected] ?? "a value of that type"
      })`,
    );
    this.name = "IdTypeError";
    this.table = table;
    this.column = column;
    this.id = id;
    this.expected = expected;
    this.link = link;
  }
}

const SPELLINGS: { readonly [type: string]: string } = {
  Int: "an integer, or a string of one in decimal",
  Float: "a number, or a string of one",
  String: "a string, or a number or bigint, read as its decimal spelling",
  Boolean: "true or false, or a string of one",
};

/** One way a table description does not match the database, found by `checkTables`. */
export interface ColumnMismatch {
  /** The table, quoted (and qualified by its schema) as in statements. */
  readonly table: string;
  /** The column's name; `null` when the table itself is not found. */
  readonly column: string | null;
  /** The column's declared graph type (e.g. `"Optional(Int)"`); `null` for a missing table. */
  readonly declared: string | null;
  /** The column's Postgres type (e.g. `"text"`); `null` when the table or column is missing. */
  readonly actual: string | null;
  /** What is wrong, as a sentence that follows the table and column's names. */
  readonly problem: string;
}

/**
 * `checkTables` found table descriptions that do not match the database: a table or a declared
 * column that is not there, a column whose Postgres type does not fit its graph type (a `text`
 * column declared `Int`, say), or a declared primary key that the database does not keep unique.
 * The message lists every mismatch; so does `mismatches`.
 */
export class ColumnTypeError extends TypeError {
  /** Every mismatch found, tables in the order given, columns in declaration order. */
  readonly mismatches: readonly ColumnMismatch[];

  /**
   * Creates the error.
   *
   * @param mismatches What does not match (at least one).
   */
  constructor(mismatches: readonly ColumnMismatch[]) {
    const lines = mismatches.map((m) =>
      m.column === null
        ? `table ${m.table} ${m.problem}`
        : `column "${m.column}" of table ${m.table} ${m.problem}`
    );
    const places = mismatches.length === 1 ? "1 place" : `${mismatches.length} places`;
    super(
      `Table descriptions do not match the database in ${places}:\n  - ${lines.join("\n  - ")}`,
    );
    this.name = "ColumnTypeError";
    this.mismatches = mismatches;
  }
}

/**
 * A client gave a `ListQuery` option a value that does not fit: a filter's value that its
 * column's type can not read (`"abc"` for an `Int` column), or a limit or offset that is not an
 * integer from 0. Raised before any statement is sent. Its message is meant for clients (it is a
 * `SafeError`, with `code: "BAD_USER_INPUT"`) and names the link, the option and the value.
 */
export class ListOptionError extends SafeError {
  /** The table listed, quoted as in statements. */
  readonly table: string;
  /** The link the list answers. */
  readonly link: string;
  /** The option. */
  readonly option: string;
  /** The value given. */
  readonly value: unknown;

  /**
   * Creates the error.
   *
   * @param table The table, quoted.
   * @param link The link's name.
   * @param option The option's name.
   * @param value The value that does not fit.
   * @param expected What the option takes (`"an integer from 0"`, `"Int for column ..."`).
   */
  constructor(table: string, link: string, option: string, value: unknown, expected: string) {
    super(
      `Option "${option}" of link "${link}" got ${inspect(value)}: expected ${expected}`,
      { code: "BAD_USER_INPUT" },
    );
    this.name = "ListOptionError";
    this.table = table;
    this.link = link;
    this.option = option;
    this.value = value;
  }
}
