/**
 * Whether two rows of one key say the same: the test a `FieldsQuery` whose key is not its table's
 * primary key applies to the rows of an id, fused or not, before it answers with one of them.
 *
 * @module
 */

import { KeyIndex, type KeyKind } from "./_postgres_keys.ts";

/** How deep {@linkcode sameValue} looks into arrays and objects. */
export const MAX_DEPTH = 64;

/**
 * Whether two values read from one column are the same value: equal primitives (NaN is NaN), dates
 * of one time, byte arrays of the same bytes, arrays and plain objects (`json`) of the same items.
 * A driver makes a new object for each value it reads, so objects are compared by what they hold,
 * and objects by their keys in order (a `json` value prints in its keys' order). Past
 * {@linkcode MAX_DEPTH} levels of nesting, by their JSON text (no recursion of this function
 * without a bound).
 *
 * @param a A value.
 * @param b Another.
 * @param depth How deep in a value the two are.
 * @returns Whether they are the same.
 */
export function sameValue(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    // NaN, the one value not equal to itself.
    return a !== a && b !== b;
  }
  if (depth >= MAX_DEPTH) return sameText(a, b);
  if (a instanceof Date) return b instanceof Date && sameValue(a.getTime(), b.getTime());
  if (ArrayBuffer.isView(a)) {
    if (!ArrayBuffer.isView(b) || a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (Array.isArray(b) || b instanceof Date || ArrayBuffer.isView(b)) return false;
  const keys = Object.keys(a);
  const others = Object.keys(b);
  if (keys.length !== others.length) return false;
  for (let k = 0; k < keys.length; k++) {
    // In one order: a `json` value keeps its keys' order, and prints in it.
    const key = keys[k]!;
    if (others[k] !== key) return false;
    const x = (a as Record<string, unknown>)[key];
    if (!sameValue(x, (b as Record<string, unknown>)[key], depth + 1)) {
      return false;
    }
  }
  return true;
}

/** Two values nested too deep to walk: alike when their JSON texts are (or cannot be written). */
function sameText(a: object, b: object): boolean {
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    // Deeper than even JSON.stringify goes, or a bigint: taken as alike, as a copy would be.
    return true;
  }
}

/**
 * The rows of each key that differ from each other, kept as a `FieldsQuery` whose key is not its
 * table's primary key reads its rows (its own statement's, or a fused statement's): each key's
 * first row is kept elsewhere, and a later row is noted here unless it says what one noted says.
 *
 * @typeParam R A row.
 */
export class DifferingRows<R> {
  readonly #byKey: KeyIndex<R[]>;

  /**
   * Creates an empty record.
   *
   * @param kind The key column's kind (see `KeyIndex`: `"1.5"` and `"1.50"` are one key of an
   *   `Int` or `Float` column).
   */
  constructor(kind: KeyKind = null) {
    this.#byKey = new KeyIndex<R[]>(kind);
  }

  /**
   * Notes a later row of a key, unless it says what the key's first row, or one noted, says.
   *
   * @param key The key.
   * @param first The key's first row.
   * @param same Whether a noted row says what the later row says.
   * @param row Makes the later row as kept (only when it is noted).
   */
  note(key: unknown, first: R, same: (noted: R) => boolean, row: () => R): void {
    const known = this.#byKey.at(key);
    if (known === undefined) {
      if (!same(first)) this.#byKey.put(key, [first, row()]);
    } else if (!known.some(same)) known.push(row());
  }

  /**
   * How many different rows an id's key has, when more than one.
   *
   * @param id The id (matched as `KeyIndex.find` matches it, or exactly).
   * @param exact Whether only the key itself is the id's (`KeyIndex.at`).
   * @returns The count, or 0 when the key's rows say one thing.
   */
  count(id: unknown, exact = false): number {
    return (exact ? this.#byKey.at(id) : this.#byKey.find(id))?.length ?? 0;
  }
}
