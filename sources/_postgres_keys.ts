/**
 * Matching ids to rows when they spell one value differently.
 *
 * The ids a loader receives and the keys a driver returns need not share a JavaScript type: an
 * `ID` option gives "7" for an integer key, postgres.js returns int8 as a string, PGlite as a
 * number or a bigint. Exact matches are one lookup; only a lookup that misses with a key of
 * another type than the rows' keys builds (once per call) an index by `String(key)`.
 *
 * Integer keys close to each other (serial keys, the usual primary key) are kept in an array
 * indexed by `key - base`, several times faster than a Map; as soon as a key does not fit (not an
 * integer, below the base, or far beyond the keys so far) every key moves to the Map.
 *
 * Before a statement is sent, ids are read as their key column's graph type ({@linkcode keysOf}),
 * as Postgres reads the parameter: `"007"` and `" 7 "` are 7 for an `Int` column, 7 is `"7"` for a
 * `String` one, and `"abc"` or `7.5` for an `Int` column are an error rather than a statement
 * whose rows no id would find.
 *
 * @module
 */

import { reach } from "../src/base/_dense.ts";
import type { GraphType } from "../src/definitions/types.ts";

/**
 * A map from row keys to values that also finds `1`, `1n` and `"1"` as one key; for a column that
 * compares as numbers, also `1.5`, `"1.5"` and `"1.50"` (a `numeric` value keeps its scale in its
 * spelling, and Postgres compares by value).
 */
export class KeyIndex<V> {
  /** Values by `key - base` while every key is a near integer; `null` once the map holds them. */
  #dense: (V | undefined)[] | null = [];
  #base = NaN;
  #count = 0;
  #map: Map<unknown, V> | null = null;
  #keyType: string | null = null;
  #mixed = false;
  #loose: Map<string, V> | null = null;
  /** Whether string keys are kept by their decimal value (`Int` and `Float` columns). */
  readonly #numeric: boolean;
  /** Whether the column is a `Float` one, whose ids may be spelled past a double's precision. */
  readonly #float: boolean;

  /**
   * Creates an empty index.
   *
   * @param kind The key column's kind: an `Int` or `Float` column compares as numbers, so its
   *   keys spelled as strings (`numeric`, `int8`) are kept by value: `"1.5"` and `"1.50"` are one
   *   key, found by `1.5`. Other kinds keep keys as spelled (Postgres compares text by spelling).
   */
  constructor(kind: KeyKind = null) {
    this.#numeric = kind === "Int" || kind === "Float";
    this.#float = kind === "Float";
  }

  /** The value stored under exactly this key (for a column of numbers, this value). */
  at(key: unknown): V | undefined {
    const dense = this.#dense;
    if (dense !== null) {
      if (typeof key !== "number") return undefined;
      const d = key - this.#base;
      return d >= 0 && d < dense.length && (d | 0) === d ? dense[d] : undefined;
    }
    return this.#map!.get(this.#numeric && typeof key === "string" ? numberKey(key) : key);
  }

  /** Stores a value under a row's key. */
  put(key: unknown, value: V): void {
    const dense = this.#dense;
    if (dense !== null && typeof key === "number") {
      if (this.#base !== this.#base) {
        this.#base = key;
        this.#keyType = "number";
      }
      const d = key - this.#base;
      if ((d | 0) === d && d >= 0 && d <= (this.#count << 4) + 4096) {
        reach(dense, d, undefined);
        if (dense[d] === undefined) this.#count++;
        dense[d] = value;
        this.#loose = null;
        return;
      }
    }
    const map = this.#map ?? this.#toMap();
    const type = typeof key;
    if (this.#keyType === null) this.#keyType = type;
    else if (type !== this.#keyType) this.#mixed = true;
    map.set(this.#numeric && type === "string" ? numberKey(key as string) : key, value);
    this.#loose = null;
  }

  /** The value for an id, matching across number, bigint and string spellings. */
  find(id: unknown): V | undefined {
    const found = this.at(id);
    if (
      found !== undefined || id === null || id === undefined || this.#keyType === null ||
      (!this.#mixed && typeof id === this.#keyType)
    ) {
      return found;
    }
    let loose = this.#loose;
    if (loose === null) {
      loose = new Map();
      for (const [key, value] of this.#entries()) {
        const text = String(key);
        if (!loose.has(text)) loose.set(text, value);
      }
      this.#loose = loose;
    }
    const text = String(id);
    const value = loose.get(text);
    if (value !== undefined) return value;
    if (this.#numeric) {
      // 1.5 for the key "1.50": kept as its value's spelling.
      const key = numberKey(text);
      const byValue = key === text ? undefined : loose.get(key);
      if (byValue !== undefined || !this.#float || this.#keyType !== "number") return byValue;
      // An id spelled past a double's precision (see `readKey`), in a column whose keys are
      // doubles (`float8`): Postgres read it rounded, as `Number()` does.
      return typeof id === "string" || typeof id === "bigint" ? this.at(Number(id)) : undefined;
    }
    if (typeof id !== "string" || this.#keyType === "string") return value;
    // Numeric keys found for a string the column's type did not normalise (an `ID` column):
    // Postgres read it as a number, so "007" found the row keyed 7.
    const spelled = integerSpelling(id);
    return spelled === null ? undefined : loose.get(spelled);
  }

  /** Moves every key from the array to the map, for good. */
  #toMap(): Map<unknown, V> {
    const map = new Map<unknown, V>();
    const dense = this.#dense!;
    for (let d = 0; d < dense.length; d++) {
      const value = dense[d];
      if (value !== undefined) map.set(this.#base + d, value);
    }
    this.#dense = null;
    this.#map = map;
    return map;
  }

  #entries(): Iterable<[unknown, V]> {
    if (this.#map !== null) return this.#map;
    const out: [unknown, V][] = [];
    const dense = this.#dense!;
    for (let d = 0; d < dense.length; d++) {
      const value = dense[d];
      if (value !== undefined) out.push([this.#base + d, value]);
    }
    return out;
  }
}

/**
 * How ids are read for a key column, from its graph type (without `Optional`): `Int`, `Float`,
 * `String` and `Boolean` columns read ids as that type; any other (`ID`, `Any`, an enum, a custom
 * scalar) sends them as they are, since the column's SQL type is not known.
 */
export type KeyKind = "Int" | "Float" | "String" | "Boolean" | null;

/**
 * The kind of ids a column is looked up with.
 *
 * @param type The column's graph type.
 * @returns Its kind.
 */
export function keyKindOf(type: GraphType): KeyKind {
  let t = type;
  while (t.kind === "optional") t = t.type;
  if (t.kind !== "scalar") return null;
  const name = t.name;
  return name === "Int" || name === "Float" || name === "String" || name === "Boolean"
    ? name
    : null;
}

/**
 * The type an array of ids (or a filter's values) is bound as in `= ANY(...)` on a column of this
 * kind: `int8[]` for an `Int` column (an `int2`, `int4` or `int8` one, whose index Postgres still
 * reads), so that a value past the column's own range finds no row, as a fused join on it does,
 * rather than failing the statement (an `oid` column reads it as `oid[]`); otherwise the column's
 * own array type.
 *
 * @param kind The column's kind.
 * @returns The cast to write after the parameter, or `""`.
 */
export function arrayCast(kind: KeyKind): string {
  return kind === "Int" ? "::int8[]" : "";
}

/** What {@linkcode readKey} returns for a value the column's type can not read. */
export const MISFIT: unique symbol = Symbol("misfit");

// One way to read each digit: `0*\d+` or `\d+\.?\d*` would backtrack quadratically on a long
// string of digits that ends in another character.
const INTEGER = /^[ \t\n\r\v\f]*([+-]?)(\d+)[ \t\n\r\v\f]*$/;
const NUMBER =
  /^[ \t\n\r\v\f]*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Infinity|NaN)[ \t\n\r\v\f]*$/;
const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ["true", true],
  ["t", true],
  ["yes", true],
  ["on", true],
  ["1", true],
  ["false", false],
  ["f", false],
  ["no", false],
  ["off", false],
  ["0", false],
]);

/**
 * A string's integer in canonical decimal (`" +007 "` is `"7"`), or `null` when it spells none.
 * Postgres also reads underscores and `0x` prefixes (since 16); those are `null` here: an error,
 * never a silent miss.
 */
function integerSpelling(text: string): string | null {
  const match = INTEGER.exec(text);
  if (match === null) return null;
  const spelled = match[2]!;
  let start = 0;
  while (start < spelled.length - 1 && spelled.charCodeAt(start) === 48) start++;
  const digits = start === 0 ? spelled : spelled.slice(start);
  return match[1] === "-" && digits !== "0" ? `-${digits}` : digits;
}

/**
 * One value read as a key column's kind: the same value when it already has the type, the value
 * converted when Postgres would read it as that type, `MISFIT` when it would not. `null` and
 * `undefined` stay as they are.
 *
 * @param kind The column's kind.
 * @param value The id.
 * @returns The id as the column's type, or `MISFIT`.
 */
export function readKey(kind: KeyKind, value: unknown): unknown {
  if (value === null || value === undefined || kind === null) return value;
  const type = typeof value;
  switch (kind) {
    case "Int":
      if (type === "number") return Number.isInteger(value) ? value : MISFIT;
      if (type === "bigint") return toInteger(String(value));
      if (type === "string") {
        const spelled = integerSpelling(value as string);
        return spelled === null ? MISFIT : toInteger(spelled);
      }
      return MISFIT;
    case "Float":
      if (type === "number") return value;
      // A value a double holds only rounded stays as it is, for Postgres to read: a `numeric`
      // key compares it exactly, where `Number()` would round "12345678901234567.5" (or
      // 2n ** 53n + 1n) to another row's key; a `float8` key rounds it as `Number()` does, and
      // `KeyIndex.find` finds its row so. Past a double's range, it is an infinity.
      if (type === "bigint") {
        const number = Number(value);
        return BigInt(number) === value || !Number.isFinite(number) ? number : value;
      }
      if (type === "string" && NUMBER.test(value as string)) {
        const text = value as string;
        const number = Number(text);
        // Up to 15 digits and no exponent, a double gives the value back: no spelling to compare.
        if (text.length <= 15 && text.indexOf("e") < 0 && text.indexOf("E") < 0) return number;
        return !Number.isFinite(number) || decimalSpelling(String(number)) === decimalSpelling(text)
          ? number
          : text;
      }
      return MISFIT;
    case "String":
      if (type === "string") return value;
      return type === "number" || type === "bigint" || type === "boolean" ? String(value) : MISFIT;
    case "Boolean":
      if (type === "boolean") return value;
      if (value === 1 || value === 1n) return true;
      if (value === 0 || value === 0n) return false;
      if (type === "string") {
        return BOOLEANS.get((value as string).trim().toLowerCase()) ?? MISFIT;
      }
      return MISFIT;
  }
}

const DECIMAL = /^[ \t\n\r\v\f]*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,9}))?[ \t\n\r\v\f]*$/;
const SPECIAL = /^[ \t\n\r\v\f]*([+-]?)(nan|inf|infinity)[ \t\n\r\v\f]*$/i;

/**
 * A number spelled as a string, as a key of its value: an integer in canonical decimal (`"7"`,
 * `"-12"`: what `int8` columns give) is itself, at no cost but a look at its characters; another
 * spelling is its {@linkcode decimalSpelling} (`"7.00"` is `"7"`, `"1.50"` is `"15e-1"`); a string
 * that spells no number is itself.
 */
function numberKey(text: string): string {
  const n = text.length;
  const i = text.charCodeAt(0) === 45 ? 1 : 0; // "-"
  if (i < n && n - i <= PLAIN_DIGITS) {
    const first = text.charCodeAt(i);
    if ((first >= 49 && first <= 57) || (first === 48 && n === 1)) {
      let j = i + 1;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c < 48 || c > 57) break;
        j++;
      }
      if (j === n) return text;
    }
  }
  return decimalSpelling(text) ?? text;
}

/** Integers up to this many digits are spelled out by {@linkcode decimalSpelling}. */
const PLAIN_DIGITS = 400;

/**
 * A number's spelling reduced to one per value, exactly (no rounding to a double): an integer is
 * its plain decimal digits (`"7.00"`, `"+07"`, `"0.7e1"` and `7` are `"7"`; `"-0.0"` is `"0"`), up
 * to 400 digits; any other value is its significant digits and exponent (`"1.50"`, `" +01.5e0 "`
 * and `1.5` are `"15e-1"`); `NaN` and the infinities are `"NaN"`, `"Infinity"` and `"-Infinity"`,
 * as Postgres's `numeric` reads them. `null` when the text spells no number. Time and size are
 * linear in the text's length.
 *
 * @param text The spelling.
 * @returns The canonical spelling, or `null`.
 */
export function decimalSpelling(text: string): string | null {
  const match = DECIMAL.exec(text);
  if (match === null) {
    const special = SPECIAL.exec(text);
    if (special === null) return null;
    if (special[2]!.toLowerCase() === "nan") return special[1] === "" ? "NaN" : null;
    return special[1] === "-" ? "-Infinity" : "Infinity";
  }
  const whole = match[2]!;
  const fraction = match[3] ?? "";
  if (whole === "" && fraction === "") return null;
  const digits = whole + fraction;
  let start = 0;
  while (start < digits.length && digits.charCodeAt(start) === 48) start++;
  if (start === digits.length) return "0";
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48) end--;
  const exponent = Number(match[4] ?? "0") - fraction.length + (digits.length - end);
  const sign = match[1] === "-" ? "-" : "";
  const significant = digits.slice(start, end);
  return exponent >= 0 && significant.length + exponent <= PLAIN_DIGITS
    ? sign + significant + "0".repeat(exponent)
    : `${sign}${significant}e${exponent}`;
}

/** A canonical integer spelling as a number, or a bigint beyond the safe range. */
function toInteger(spelled: string): number | bigint {
  const number = Number(spelled);
  return Number.isSafeInteger(number) ? number : BigInt(spelled);
}

/** The largest `bigint` Postgres keeps (`int8`, the widest integer column). */
const INT8_MAX = 9223372036854775807n;

/**
 * Whether an integer is in Postgres's `bigint` range (the widest integer column).
 *
 * @param value The integer.
 * @returns Whether an `int8` holds it.
 */
export function inInt8(value: number | bigint): boolean {
  return typeof value === "number"
    ? value >= -(2 ** 63) && value < 2 ** 63
    : value >= -INT8_MAX - 1n && value <= INT8_MAX;
}

/**
 * Ids read as their key column's kind (see {@linkcode readKey}), for the statement and for
 * finding their rows. Ids that already have the column's type cost one `typeof` check each, and
 * then the same array is returned. An integer past `int8`'s range, which no integer column holds
 * (and which Postgres refuses to read as one, failing the statement), is `null`: its row is
 * missing, as it is where a fused join compares it.
 *
 * @param kind The column's kind.
 * @param ids The ids (`null`s stay).
 * @param misfit Makes the error for an id the column's type can not read.
 * @param keepPastInt8 Keeps integers past `int8`'s range, for the caller to refuse.
 * @returns The ids as the column's type: `ids` itself when none changed.
 * @throws The error `misfit` makes, for the first id that does not fit.
 */
export function keysOf(
  kind: KeyKind,
  ids: readonly unknown[],
  misfit: (id: unknown) => Error,
  keepPastInt8 = false,
): readonly unknown[] {
  if (kind === null) return ids;
  const n = ids.length;
  let i = 0;
  switch (kind) {
    case "Int":
      for (; i < n; i++) {
        const id = ids[i];
        if (typeof id !== "number" || !Number.isInteger(id) || !inInt8(id)) break;
      }
      break;
    case "String":
      while (i < n && typeof ids[i] === "string") i++;
      break;
    case "Float":
      while (i < n && typeof ids[i] === "number") i++;
      break;
    case "Boolean":
      while (i < n && typeof ids[i] === "boolean") i++;
      break;
  }
  if (i === n) return ids;
  const out = ids.slice();
  const pastInt8 = kind === "Int" && !keepPastInt8;
  for (; i < n; i++) {
    const key = readKey(kind, ids[i]);
    if (key === MISFIT) throw misfit(ids[i]);
    out[i] = pastInt8 && key !== null && key !== undefined && !inInt8(key as number | bigint)
      ? null
      : key;
  }
  return out;
}
