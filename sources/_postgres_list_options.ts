/**
 * What a `ListQuery` binds of the options a client gave (internal): each filter's values read as
 * its column's type, and the limit and offset as integers from 0. The list's own loader and a
 * fused statement bind them alike; a value that does not fit is a `ListOptionError` (the
 * client's), raised before any statement is sent, never a driver's or server's error.
 *
 * @module
 */

import { ListOptionError } from "./_postgres_errors.ts";
import { decimalSpelling, inInt8, keyKindOf, keysOf, readKey } from "./_postgres_keys.ts";
import type { Column } from "./_postgres_table.ts";

/** Options as a loader gets them. */
type Options = { readonly [name: string]: unknown } | null | undefined;

/**
 * A filter's values, as its column's type reads them.
 *
 * @param options The link's options.
 * @param option The filter's option.
 * @param column The column it filters.
 * @param link The link's name, for the error.
 * @returns The values as an array (one value given is a list of one), or `null` when the option
 *   is absent or `null` (no filter).
 * @throws {ListOptionError} For a value the column's type can not read, or that Postgres would
 *   refuse (a string holding the NUL character, an integer past `bigint`'s range).
 */
export function filterValues(
  options: Options,
  option: string,
  column: Column,
  link: string,
): readonly unknown[] | null {
  const value = options?.[option];
  if (value === undefined || value === null) return null;
  const values = Array.isArray(value) ? value : [value];
  const kind = keyKindOf(column.type);
  const misfit = (value: unknown) =>
    new ListOptionError(
      column.table.sql,
      link,
      option,
      value,
      `${kind} for column "${column.name}" of table ${column.table.sql}` +
        (kind === "String"
          ? " (without the NUL character, which Postgres's text never holds)"
          : ""),
    );
  // A Float column's values in text go as they are: Postgres reads a `numeric` exactly, and
  // `Number()` would round "12345678901234567.5" to another row's value.
  const keys = kind === "Float" ? floatValues(values, misfit) : keysOf(kind, values, misfit, true);
  // Values the column's type reads, but Postgres would refuse with an error of its own.
  if (kind === "String") {
    for (const key of keys) if (typeof key === "string" && key.includes("\0")) throw misfit(key);
  } else if (kind === "Int") {
    for (const key of keys) if (key !== null && !inInt8(key as number | bigint)) throw misfit(key);
  }
  return keys;
}

/** A Float column's filter values: numbers and bigints, and strings that spell a number. */
function floatValues(
  values: readonly unknown[],
  misfit: (value: unknown) => Error,
): readonly unknown[] {
  for (const value of values) {
    if (value === null || typeof value === "number" || typeof value === "bigint") continue;
    if (typeof value === "string" && decimalSpelling(value) !== null) continue;
    throw misfit(value);
  }
  return values;
}

/**
 * A limit's or an offset's value.
 *
 * @param options The link's options.
 * @param option The option (`null`: the list takes none).
 * @param table The table listed, quoted.
 * @param link The link's name, for the error.
 * @returns The value (an integer from 0, or a string or bigint of one), or `null` when absent.
 * @throws {ListOptionError} For anything but an integer from 0 (in Postgres's `bigint` range).
 */
export function boundValue(
  options: Options,
  option: string | null,
  table: string,
  link: string,
): number | bigint | null {
  if (option === null) return null;
  const value = options?.[option];
  if (value === undefined || value === null) return null;
  const read = readKey("Int", value);
  if ((typeof read === "number" || typeof read === "bigint") && read >= 0 && inInt8(read)) {
    return read;
  }
  throw new ListOptionError(table, link, option, value, "an integer from 0");
}
