/**
 * A cache keyed by text and bounded by bytes (internal): least recently used entries go first
 * once the entries' sizes add up past the budget, or their count past a cap.
 *
 * Texts longer than V8 hashes in full (16,383 characters: beyond that a string's hash is its
 * length, so every long text of one length falls in one bucket of a `Map`) are looked up by a
 * hash of their whole text, seeded per process, then compared.
 *
 * @module
 */

/** Longer strings hash by their length in V8. */
const LONGEST_NATIVE_KEY = 16_383;

interface Entry<V> {
  readonly text: string;
  value: V;
  bytes: number;
  newer: Entry<V> | null;
  older: Entry<V> | null;
}

/** A text-keyed LRU cache bounded by bytes and by count. */
export class TextCache<V> {
  /** The most bytes the entries may add up to. */
  readonly maxBytes: number;
  /** The most entries kept. */
  readonly maxEntries: number;
  readonly #sizeOf: (text: string, value: V) => number;
  readonly #short = new Map<string, Entry<V>>();
  readonly #long = new Map<number, Entry<V>[]>();
  readonly #seed = (Math.random() * 0x100000000) >>> 0;
  #newest: Entry<V> | null = null;
  #oldest: Entry<V> | null = null;
  #bytes = 0;
  #size = 0;

  /**
   * Creates an empty cache.
   *
   * @param maxBytes The most bytes kept (0 keeps nothing).
   * @param maxEntries The most entries kept (0 keeps nothing).
   * @param sizeOf What an entry keeps alive, in bytes (its text included).
   */
  constructor(maxBytes: number, maxEntries: number, sizeOf: (text: string, value: V) => number) {
    this.maxBytes = maxBytes;
    this.maxEntries = maxEntries;
    this.#sizeOf = sizeOf;
  }

  /** How many entries are kept. */
  get size(): number {
    return this.#size;
  }

  /** What the entries keep alive, in bytes, as last measured. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Reads an entry and marks it as the most recently used.
   *
   * @param text The key.
   * @returns The value, or `undefined` when it is not kept.
   */
  get(text: string): V | undefined {
    const entry = this.#find(text);
    if (entry === undefined) return undefined;
    this.#unlink(entry);
    this.#pushNewest(entry);
    return entry.value;
  }

  /**
   * Keeps an entry (replacing one with the same text), then forgets the least recently used ones
   * while over budget. An entry larger than the whole budget is not kept.
   *
   * @param text The key.
   * @param value The value.
   */
  set(text: string, value: V): void {
    const existing = this.#find(text);
    if (existing !== undefined) this.#remove(existing);
    const bytes = this.#sizeOf(text, value);
    if (bytes > this.maxBytes || this.maxEntries <= 0) return;
    const entry: Entry<V> = { text, value, bytes, newer: null, older: null };
    if (text.length <= LONGEST_NATIVE_KEY) this.#short.set(text, entry);
    else {
      const hash = this.#hash(text);
      const bucket = this.#long.get(hash);
      if (bucket === undefined) this.#long.set(hash, [entry]);
      else bucket.push(entry);
    }
    this.#pushNewest(entry);
    this.#size++;
    this.#bytes += bytes;
    this.#evict();
  }

  /**
   * Measures an entry again (what it keeps alive grew), forgetting others while over budget.
   *
   * @param text The key.
   */
  remeasure(text: string): void {
    const entry = this.#find(text);
    if (entry === undefined) return;
    const bytes = this.#sizeOf(text, entry.value);
    this.#bytes += bytes - entry.bytes;
    entry.bytes = bytes;
    if (bytes > this.maxBytes) this.#remove(entry);
    else this.#evict();
  }

  #evict(): void {
    while ((this.#bytes > this.maxBytes || this.#size > this.maxEntries) && this.#oldest !== null) {
      this.#remove(this.#oldest);
    }
  }

  #find(text: string): Entry<V> | undefined {
    if (text.length <= LONGEST_NATIVE_KEY) return this.#short.get(text);
    const bucket = this.#long.get(this.#hash(text));
    if (bucket === undefined) return undefined;
    for (const entry of bucket) if (entry.text === text) return entry;
    return undefined;
  }

  #remove(entry: Entry<V>): void {
    const text = entry.text;
    if (text.length <= LONGEST_NATIVE_KEY) this.#short.delete(text);
    else {
      const hash = this.#hash(text);
      const bucket = this.#long.get(hash)!;
      if (bucket.length === 1) this.#long.delete(hash);
      else bucket.splice(bucket.indexOf(entry), 1);
    }
    this.#unlink(entry);
    this.#size--;
    this.#bytes -= entry.bytes;
  }

  #pushNewest(entry: Entry<V>): void {
    entry.older = this.#newest;
    entry.newer = null;
    if (this.#newest !== null) this.#newest.newer = entry;
    this.#newest = entry;
    if (this.#oldest === null) this.#oldest = entry;
  }

  #unlink(entry: Entry<V>): void {
    if (entry.newer !== null) entry.newer.older = entry.older;
    else this.#newest = entry.older;
    if (entry.older !== null) entry.older.newer = entry.newer;
    else this.#oldest = entry.newer;
    entry.newer = null;
    entry.older = null;
  }

  /** FNV-1a over every UTF-16 unit, from a per-process seed. */
  #hash(text: string): number {
    let hash = this.#seed ^ 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    return hash >>> 0;
  }
}
