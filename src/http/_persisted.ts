/**
 * Trusted documents and automatic persisted queries for {@linkcode graphqlHandler}'s
 * `persistedQueries` option: documents registered at build time ({@linkcode TrustedDocuments},
 * from a JSON manifest), and the stores that keep documents registered while serving
 * ({@linkcode MemoryPersistedQueryStore}, {@linkcode RedisPersistedQueryStore}).
 *
 * @module
 */

import { createHash } from "node:crypto";
import { TextCache } from "../base/_text_cache.ts";
import { quote } from "../base/_quote.ts";

/** A SHA-256 as Apollo's persisted queries write it: 64 lowercase hexadecimal characters. */
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Whether a text is a SHA-256 written as 64 lowercase hexadecimal characters.
 *
 * @param hash The text.
 * @returns `true` when it is.
 */
export function isSha256Hex(hash: string): boolean {
  return hash.length === 64 && SHA256_HEX.test(hash);
}

/**
 * The SHA-256 of a document's text (its UTF-8 bytes), in lowercase hexadecimal: the hash Apollo
 * clients send in `extensions.persistedQuery.sha256Hash` and manifests key documents by.
 *
 * @param document The document's text.
 * @returns 64 lowercase hexadecimal characters.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { documentHash } from "../../mod.ts";
 *
 * assert.equal(
 *   documentHash("{ hello }"),
 *   "001c3174e099bd72b729d0c0a529ba9f5a740c446e2a6e1d71b283cb84ec3065",
 * );
 * ```
 */
export function documentHash(document: string): string {
  return createHash("sha256").update(document, "utf8").digest("hex");
}

/**
 * Where {@linkcode graphqlHandler} keeps documents that clients register while it serves
 * (Apollo's automatic persisted queries), by their SHA-256. Share one store (e.g.
 * {@linkcode RedisPersistedQueryStore}) between processes so that a document registered with one
 * is served by all. A store may forget documents (bounds, TTL): clients then register them again.
 */
export interface PersistedQueryStore {
  /**
   * Reads a document.
   *
   * @param hash Its SHA-256, 64 lowercase hexadecimal characters.
   * @returns Its text, or `null` when it is not kept.
   */
  get(hash: string): Promise<string | null> | string | null;
  /**
   * Keeps a document (its hash already checked against its text). A store may decline one (too
   * large for its bounds) without an error.
   *
   * @param hash Its SHA-256, 64 lowercase hexadecimal characters.
   * @param document Its text.
   */
  set(hash: string, document: string): Promise<void> | void;
}

/** The bounds of a {@linkcode MemoryPersistedQueryStore}. */
export interface MemoryPersistedQueryStoreOptions {
  /**
   * The most bytes the documents may take (2 per UTF-16 code unit of text and hash, plus 64
   * per entry); the least recently used go first. A document larger than this is not kept.
   * Default 8 MiB (8,388,608).
   */
  readonly maxBytes?: number;
  /** The most documents kept; the least recently used go first. Default 10,000. */
  readonly maxEntries?: number;
}

/**
 * A {@linkcode PersistedQueryStore} in this process's memory, bounded by bytes and by count,
 * least recently used first out. Processes do not share it: use
 * {@linkcode RedisPersistedQueryStore} for several.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryPersistedQueryStore } from "../../mod.ts";
 *
 * const store = new MemoryPersistedQueryStore({ maxBytes: 1024 });
 * store.set("a".repeat(64), "{ hello }");
 * assert.equal(store.get("a".repeat(64)), "{ hello }");
 * store.set("b".repeat(64), "x".repeat(2048)); // larger than the store: not kept
 * assert.equal(store.get("b".repeat(64)), null);
 * ```
 */
export class MemoryPersistedQueryStore implements PersistedQueryStore {
  readonly #cache: TextCache<string>;

  /**
   * Creates an empty store.
   *
   * @param options Its bounds.
   * @throws {RangeError} When a bound is not a number at least 0, naming it.
   */
  constructor(options: MemoryPersistedQueryStoreOptions = {}) {
    const maxBytes = bound(options.maxBytes, "maxBytes", 8 * 1024 * 1024);
    const maxEntries = bound(options.maxEntries, "maxEntries", 10_000);
    this.#cache = new TextCache(
      maxBytes,
      maxEntries,
      (hash, document) => 2 * (hash.length + document.length) + 64,
    );
  }

  /** How many documents are kept. */
  get size(): number {
    return this.#cache.size;
  }

  /** The bytes the documents take, as the bound counts them. */
  get bytes(): number {
    return this.#cache.bytes;
  }

  /**
   * Reads a document, marking it as the most recently used.
   *
   * @param hash Its SHA-256.
   * @returns Its text, or `null`.
   */
  get(hash: string): string | null {
    return this.#cache.get(hash) ?? null;
  }

  /**
   * Keeps a document, forgetting the least recently used ones while over the bounds.
   *
   * @param hash Its SHA-256.
   * @param document Its text.
   */
  set(hash: string, document: string): void {
    this.#cache.set(hash, document);
  }
}

function bound(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw new RangeError(
      `Cannot create the persisted query store: "${name}" must be a number at least 0, got ` +
        `${typeof value === "number" ? value : typeof value}`,
    );
  }
  return value;
}

/**
 * The two commands {@linkcode RedisPersistedQueryStore} sends, as a client of `npm:redis`
 * (node-redis 5 and 6) has them. For `npm:ioredis`, wrap its client:
 * `{ get: (k) => io.get(k), set: (k, v, o) => o === undefined ? io.set(k, v) : io.set(k, v, "EX", o.expiration.value) }`.
 */
export interface RedisCommands {
  /**
   * `GET key`.
   *
   * @param key The key.
   * @returns The value, or `null` when there is none.
   */
  get(key: string): Promise<unknown>;
  /**
   * Whether the client is connected (node-redis's `isReady`): when `false`, the store reads
   * nothing and keeps nothing, at once, rather than queue commands until Redis is back.
   * Absent: always assumed connected.
   */
  readonly isReady?: boolean;
  /**
   * `SET key value`, with `EX seconds` when an expiration is given.
   *
   * @param key The key.
   * @param value The value.
   * @param options The expiration, in seconds.
   * @returns Whatever the client returns.
   */
  set(
    key: string,
    value: string,
    options?: { readonly expiration: { readonly type: "EX"; readonly value: number } },
  ): Promise<unknown>;
}

/** How a {@linkcode RedisPersistedQueryStore} names and keeps its keys. */
export interface RedisPersistedQueryStoreOptions {
  /**
   * What every key starts with, before the hash: give each application (and each test run) its
   * own. Default `"hiku:apq:"`.
   */
  readonly prefix?: string;
  /**
   * How long a document is kept, in whole seconds from its registration; `null` keeps it until
   * Redis evicts it (set `maxmemory` and an LRU `maxmemory-policy` to bound Redis). Default
   * `null`.
   */
  readonly ttlSeconds?: number | null;
  /**
   * The longest document kept, in UTF-16 code units; longer ones are served but not kept.
   * Default 100,000 (the handler's default `maxQueryLength`).
   */
  readonly maxDocumentLength?: number;
}

/**
 * A {@linkcode PersistedQueryStore} in Redis, which several server processes (on several
 * machines) share: a document one registers, the others serve. Keys are the prefix and the
 * hash; values the document's text. The client is yours (connect it first, close it last).
 *
 * @example
 * ```ts ignore
 * import { createClient } from "redis";
 * import { graphqlHandler, RedisPersistedQueryStore } from "@hiku-ts/hiku";
 *
 * const redis = await createClient({ url: "redis://127.0.0.1:6379" }).connect();
 * const handler = graphqlHandler(schema, {
 *   persistedQueries: {
 *     store: new RedisPersistedQueryStore(redis, { prefix: "shop:apq:", ttlSeconds: 86_400 }),
 *   },
 * });
 * ```
 */
export class RedisPersistedQueryStore implements PersistedQueryStore {
  readonly #client: RedisCommands;
  /** What every key starts with. */
  readonly prefix: string;
  /** How long a document is kept, in seconds, or `null` for no expiry. */
  readonly ttlSeconds: number | null;
  readonly #maxLength: number;

  /**
   * Creates a store on a connected client.
   *
   * @param client A client of `npm:redis` (or anything with its `get` and `set`).
   * @param options The key prefix, expiry and longest document.
   * @throws {TypeError | RangeError} When an option is not valid, naming it.
   */
  constructor(client: RedisCommands, options: RedisPersistedQueryStoreOptions = {}) {
    this.#client = client;
    const prefix = options.prefix ?? "hiku:apq:";
    if (typeof prefix !== "string") {
      throw new TypeError(
        `Cannot create the Redis persisted query store: "prefix" must be a string, got ` +
          typeof prefix,
      );
    }
    this.prefix = prefix;
    const ttl = options.ttlSeconds ?? null;
    if (ttl !== null && (!Number.isSafeInteger(ttl) || ttl <= 0)) {
      throw new RangeError(
        `Cannot create the Redis persisted query store: "ttlSeconds" must be a whole number ` +
          `of seconds above 0 or null, got ${typeof ttl === "number" ? ttl : typeof ttl}`,
      );
    }
    this.ttlSeconds = ttl;
    this.#maxLength = options.maxDocumentLength ?? 100_000;
    if (
      typeof this.#maxLength !== "number" || Number.isNaN(this.#maxLength) || this.#maxLength < 0
    ) {
      throw new RangeError(
        `Cannot create the Redis persisted query store: "maxDocumentLength" must be a number ` +
          `at least 0, got ${String(options.maxDocumentLength)}`,
      );
    }
  }

  /**
   * Reads a document (`GET prefix+hash`).
   *
   * @param hash Its SHA-256.
   * @returns Its text, or `null`.
   */
  async get(hash: string): Promise<string | null> {
    if (this.#client.isReady === false) return null;
    const value = await this.#client.get(this.prefix + hash);
    return typeof value === "string" ? value : null;
  }

  /**
   * Keeps a document (`SET prefix+hash document [EX ttlSeconds]`), unless it is longer than
   * `maxDocumentLength`.
   *
   * @param hash Its SHA-256.
   * @param document Its text.
   */
  async set(hash: string, document: string): Promise<void> {
    if (document.length > this.#maxLength || this.#client.isReady === false) return;
    const key = this.prefix + hash;
    if (this.ttlSeconds === null) await this.#client.set(key, document);
    else {
      await this.#client.set(key, document, {
        expiration: { type: "EX", value: this.ttlSeconds },
      });
    }
  }
}

/**
 * A trusted document manifest that cannot be read: the message names the entry (its key, or
 * `operations[i]` and the operation's name) and what is wrong with it.
 */
export class PersistedQueryManifestError extends Error {
  /** Always `"PersistedQueryManifestError"`. */
  override readonly name = "PersistedQueryManifestError";
}

/** One operation of Apollo's persisted query manifest. */
interface ApolloOperation {
  readonly id?: unknown;
  readonly body?: unknown;
  readonly name?: unknown;
  readonly type?: unknown;
}

/**
 * Documents registered at build time, by their SHA-256: served to clients that send the hash
 * alone, and, with `trustedOnly`, the only documents {@linkcode graphqlHandler} serves.
 *
 * @example From the two common manifest formats
 * ```ts
 * import assert from "node:assert/strict";
 * import { documentHash, TrustedDocuments } from "../../mod.ts";
 *
 * const query = "{ hello }";
 * const plain = TrustedDocuments.fromManifest({ [documentHash(query)]: query });
 * const apollo = TrustedDocuments.fromManifest(JSON.stringify({
 *   format: "apollo-persisted-query-manifest",
 *   version: 1,
 *   operations: [{ id: documentHash(query), body: query, name: "Hello", type: "query" }],
 * }));
 * assert.equal(plain.get(documentHash(query)), query);
 * assert.ok(apollo.hasText(query));
 * ```
 */
export class TrustedDocuments {
  readonly #byHash: Map<string, string>;
  readonly #byText: Set<string>;

  /**
   * Registers documents, checking each hash against its text.
   *
   * @param documents Documents by their SHA-256 (a plain object or a `Map`).
   * @throws {PersistedQueryManifestError} When a key is not a SHA-256 in lowercase hexadecimal,
   *   a document is not a string, or a hash is not its document's.
   */
  constructor(
    documents: { readonly [hash: string]: string } | ReadonlyMap<string, string>,
  ) {
    const entries = documents instanceof Map ? [...documents.entries()] : Object.entries(documents);
    this.#byHash = new Map();
    this.#byText = new Set();
    for (const [hash, document] of entries) {
      // A Map from JavaScript may have keys of any type.
      const where = typeof hash === "string"
        ? `entry ${quote(hash)}`
        : `a key of type ${typeof hash}`;
      this.#add(hash, document, where);
    }
  }

  /**
   * Reads a manifest: `{ "<sha256>": "query ..." }`, or Apollo's persisted query manifest
   * (`{ format: "apollo-persisted-query-manifest", version: 1, operations: [{ id, body, name,
   * type }] }`, as `@apollo/generate-persisted-query-manifest` writes it, ids the SHA-256 of
   * their bodies).
   *
   * @param manifest The manifest's JSON text, or its value parsed.
   * @returns The documents.
   * @throws {PersistedQueryManifestError} When the text is not JSON, the value is neither
   *   format, or an entry is wrong (the message names it).
   */
  static fromManifest(manifest: unknown): TrustedDocuments {
    let value = manifest;
    if (typeof manifest === "string") {
      try {
        value = JSON.parse(manifest);
      } catch (error) {
        throw new PersistedQueryManifestError(
          `Persisted query manifest is not valid JSON: ${
            error instanceof Error ? error.message : String(error)
          }`,
        );
      }
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new PersistedQueryManifestError(
        "Persisted query manifest must be an object (hashes to documents, or Apollo's " +
          `persisted query manifest), got ${
            value === null ? "null" : Array.isArray(value) ? "an array" : typeof value
          }`,
      );
    }
    const record = value as { readonly [key: string]: unknown };
    if (!("format" in record) && !("operations" in record)) {
      const documents = new TrustedDocuments({});
      for (const [hash, document] of Object.entries(record)) {
        documents.#add(hash, document, `entry ${quote(hash)}`);
      }
      return documents;
    }
    if (record.format !== "apollo-persisted-query-manifest" || record.version !== 1) {
      throw new PersistedQueryManifestError(
        'Persisted query manifest has "format" or "operations" but is not Apollo\'s version 1: ' +
          `"format" must be "apollo-persisted-query-manifest" (got ${describe(record.format)}) ` +
          `and "version" 1 (got ${describe(record.version)})`,
      );
    }
    const operations = record.operations;
    if (!Array.isArray(operations)) {
      throw new PersistedQueryManifestError(
        `Persisted query manifest's "operations" must be an array, got ${describe(operations)}`,
      );
    }
    const documents = new TrustedDocuments({});
    operations.forEach((operation: unknown, i: number) => {
      if (typeof operation !== "object" || operation === null || Array.isArray(operation)) {
        throw new PersistedQueryManifestError(
          `Persisted query manifest: operations[${i}] must be an object, got ${
            describe(operation)
          }`,
        );
      }
      const { id, body, name } = operation as ApolloOperation;
      const where = `operations[${i}]${typeof name === "string" ? ` (${quote(name)})` : ""}`;
      if (typeof id !== "string") {
        throw new PersistedQueryManifestError(
          `Persisted query manifest: ${where} "id" must be a string, got ${describe(id)}`,
        );
      }
      documents.#add(id, body, where);
    });
    return documents;
  }

  /** How many documents are registered. */
  get size(): number {
    return this.#byHash.size;
  }

  /**
   * A registered document.
   *
   * @param hash Its SHA-256.
   * @returns Its text, or `null` when it is not registered.
   */
  get(hash: string): string | null {
    return this.#byHash.get(hash) ?? null;
  }

  /**
   * Whether a text is one of the registered documents, exactly.
   *
   * @param document The text.
   * @returns `true` when it is.
   */
  hasText(document: string): boolean {
    return this.#byText.has(document);
  }

  #add(hash: string, document: unknown, where: string): void {
    if (typeof hash !== "string" || !isSha256Hex(hash)) {
      throw new PersistedQueryManifestError(
        `Persisted query manifest: ${where}: the hash must be a SHA-256 as 64 lowercase ` +
          `hexadecimal characters, got ${describe(hash)}`,
      );
    }
    if (typeof document !== "string") {
      throw new PersistedQueryManifestError(
        `Persisted query manifest: ${where}: the document must be a string, got ${
          describe(document)
        }`,
      );
    }
    const actual = documentHash(document);
    if (actual !== hash) {
      throw new PersistedQueryManifestError(
        `Persisted query manifest: ${where}: the hash is not the SHA-256 of its document ` +
          `(which is ${actual})`,
      );
    }
    this.#byHash.set(hash, document);
    this.#byText.add(document);
  }
}

/**
 * What {@linkcode graphqlHandler}'s `persistedQueries` option takes: build-time documents,
 * a store for documents clients register, whether only trusted documents are served, and
 * the caching of `GET` requests by hash.
 */
export interface PersistedQueriesOptions {
  /**
   * Documents registered at build time (see {@linkcode TrustedDocuments.fromManifest}), served
   * by their hash. Default none.
   */
  readonly documents?: TrustedDocuments;
  /**
   * Where documents that clients register (Apollo's automatic persisted queries: the hash
   * alone first, then, after `PersistedQueryNotFound`, the text with its hash) are kept.
   * Default: a {@linkcode MemoryPersistedQueryStore} with its default bounds; `null` turns
   * registration off (only `documents` are served by hash). Ignored with `trustedOnly`.
   */
  readonly store?: PersistedQueryStore | null;
  /**
   * Production mode: serve only `documents` (by hash, or by a text equal to one of them). Any
   * other text is refused with a 422 (code `PERSISTED_QUERY_NOT_TRUSTED`); no registration.
   * Default `false`.
   */
  readonly trustedOnly?: boolean;
  /**
   * The `Cache-Control` header of a successful (200) response to a `GET` that named a query
   * operation by hash alone, e.g. `"public, max-age=300"`, so that CDNs and browsers may
   * cache it (responses already say `Vary: Accept`). Default: none.
   */
  readonly cacheControl?: string;
  /**
   * Milliseconds the store has for one read or write (within the request's own time limit): a
   * read not answered by then is `PersistedQueryNotFound` (the client sends the text and is
   * served), a write not answered by then is skipped; both are logged. A store that is down then
   * costs a request this long, not its whole time limit. Default 1,000; `Infinity` leaves the
   * store calls to the request's time limit alone.
   */
  readonly storeTimeout?: number;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return typeof value === "string" ? `string ${quote(value)}` : `${typeof value} ${String(value)}`;
}
