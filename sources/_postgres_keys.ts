/**
 * Matching ids to rows when they spell one value differently.
 *
 * The ids a loader receives and the keys a driver returns need not share a JavaScript type: an
 * `ID` option gives "7" for an integer key, postgres.js returns int8 as a string, PGlite as a
 * number or a bigint. Exact matches are one Map lookup; only a lookup that misses with a key of
 * another type than the rows' keys builds (once per call) an index by `String(key)`.
 *
 * @module
 */

/** A Map from row keys to values that also finds `1`, `1n` and `"1"` as one key. */
export class KeyIndex<V> {
  readonly #map = new Map<unknown, V>();
  #keyType: string | null = null;
  #mixed = false;
  #loose: Map<string, V> | null = null;

  /** The value stored under exactly this key. */
  at(key: unknown): V | undefined {
    return this.#map.get(key);
  }

  /** Stores a value under a row's key. */
  put(key: unknown, value: V): void {
    const type = typeof key;
    if (this.#keyType === null) this.#keyType = type;
    else if (type !== this.#keyType) this.#mixed = true;
    this.#map.set(key, value);
  }

  /** Every value stored. */
  values(): IterableIterator<V> {
    return this.#map.values();
  }

  /** The value for an id, matching across number, bigint and string spellings. */
  find(id: unknown): V | undefined {
    const found = this.#map.get(id);
    if (
      found !== undefined || id === null || id === undefined || this.#keyType === null ||
      (!this.#mixed && typeof id === this.#keyType)
    ) {
      return found;
    }
    let loose = this.#loose;
    if (loose === null) {
      loose = new Map();
      for (const [key, value] of this.#map) {
        const text = String(key);
        if (!loose.has(text)) loose.set(text, value);
      }
      this.#loose = loose;
    }
    return loose.get(String(id));
  }
}
