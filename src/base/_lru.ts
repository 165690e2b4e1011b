/**
 * A bounded map that forgets its least recently used entry first (internal).
 *
 * @module
 */

/** A least-recently-used cache on a `Map` (whose iteration order is insertion order). */
export class Lru<K, V> {
  readonly #map = new Map<K, V>();
  /** The most entries kept; 0 keeps none. */
  readonly capacity: number;

  /**
   * Creates an empty cache.
   *
   * @param capacity The most entries kept; 0 keeps none.
   */
  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** How many entries are kept. */
  get size(): number {
    return this.#map.size;
  }

  /**
   * Reads an entry and marks it as the most recently used.
   *
   * @param key The key.
   * @returns The value, or `undefined` when it is not kept.
   */
  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  /**
   * Keeps an entry, forgetting the least recently used one when full.
   *
   * @param key The key.
   * @param value The value.
   */
  set(key: K, value: V): void {
    if (this.capacity <= 0) return;
    this.#map.delete(key);
    if (this.#map.size >= this.capacity) {
      this.#map.delete(this.#map.keys().next().value as K);
    }
    this.#map.set(key, value);
  }
}
