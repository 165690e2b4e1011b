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
 * @module
 */

/** A map from row keys to values that also finds `1`, `1n` and `"1"` as one key. */
export class KeyIndex<V> {
  /** Values by `key - base` while every key is a near integer; `null` once the map holds them. */
  #dense: (V | undefined)[] | null = [];
  #base = NaN;
  #count = 0;
  #map: Map<unknown, V> | null = null;
  #keyType: string | null = null;
  #mixed = false;
  #loose: Map<string, V> | null = null;

  /** The value stored under exactly this key. */
  at(key: unknown): V | undefined {
    const dense = this.#dense;
    if (dense !== null) {
      if (typeof key !== "number") return undefined;
      const d = key - this.#base;
      return d >= 0 && d < dense.length && (d | 0) === d ? dense[d] : undefined;
    }
    return this.#map!.get(key);
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
    map.set(key, value);
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
    return loose.get(String(id));
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
