/**
 * CORS for the HTTP endpoint (internal): the `cors` option checked once, preflight requests
 * answered, and the headers the responses to an allowed origin carry. Off unless the option is
 * given; then {@linkcode withCors} wraps the endpoint, which otherwise runs exactly as without it.
 *
 * - A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) from an allowed
 *   origin gets 204 with `Access-Control-Allow-Origin`, `-Allow-Methods: GET, POST`,
 *   `-Allow-Headers` (content-type, accept and the configured ones), `-Max-Age` and, with
 *   credentials, `-Allow-Credentials: true`; from any other origin, 403 with no CORS headers.
 * - Every other response to an allowed origin gets `Access-Control-Allow-Origin` (the origin
 *   itself, or `*` when every origin is allowed without credentials), `-Allow-Credentials` and
 *   `-Expose-Headers` as configured; a disallowed origin's gets none (the request is still
 *   answered: CORS tells browsers what a page may read, it is not access control).
 * - When the answer depends on the origin (a list, a function, or credentials), every response
 *   says `Vary: Origin`, so that a cache never serves one origin's answer to another.
 *
 * @module
 */

import { quote } from "../base/_quote.ts";

/**
 * Cross-origin requests from browsers (CORS), for the `cors` option of `graphqlHandler`. Off by
 * default: without it, no response carries a CORS header and browsers let no other origin's
 * page read the endpoint's answers.
 */
export interface CorsOptions {
  /**
   * The origins whose pages may call the endpoint: a list of origins exactly as browsers send
   * them (`"https://app.example.com"`, `"http://localhost:5173"`: scheme, host and port only),
   * `"*"` for every origin (not with `credentials`), or a function deciding per origin (it
   * receives the `Origin` header as sent; `"null"` for sandboxed pages and files).
   */
  readonly origins: readonly string[] | "*" | ((origin: string) => boolean);
  /**
   * Whether browsers may send cookies and HTTP authentication with cross-origin requests, and
   * let the page read the answers (`Access-Control-Allow-Credentials: true`). Needs a list of
   * origins or a function. Default `false`.
   */
  readonly credentials?: boolean;
  /** How long browsers may keep a preflight's answer, in seconds. Default 600 (10 minutes). */
  readonly maxAge?: number;
  /**
   * Request headers pages may send, besides `content-type` and `accept` (always allowed): e.g.
   * `["authorization", "x-request-id"]`. Default none.
   */
  readonly allowHeaders?: readonly string[];
  /** Response headers pages may read, besides the CORS-safelisted ones. Default none. */
  readonly exposeHeaders?: readonly string[];
}

/** The defaults of {@linkcode CorsOptions}. */
export const CORS_DEFAULTS: {
  readonly credentials: boolean;
  readonly maxAge: number;
  readonly allowHeaders: readonly string[];
} = Object.freeze({
  credentials: false,
  maxAge: 600,
  allowHeaders: Object.freeze(["content-type", "accept"]),
});

const KNOWN_KEYS = new Set(["origins", "credentials", "maxAge", "allowHeaders", "exposeHeaders"]);
/** RFC 9110's token: what a header name is made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const ALLOW_METHODS = "GET, POST";
const PREFIX = "Cannot create the GraphQL handler:";

type Handler = (request: Request) => Promise<Response>;

/**
 * The `cors` option, checked, with the headers it gives made once.
 */
export class CorsPolicy {
  /** The allowed origins; `null` when a function or `"*"` decides. */
  readonly #origins: ReadonlySet<string> | null;
  readonly #decide: ((origin: string) => boolean) | null;
  readonly #any: boolean;
  readonly #credentials: boolean;
  /** Whether the answer depends on the request's origin (then every response says so). */
  readonly #varies: boolean;
  /** Headers of every response to an allowed origin, but `access-control-allow-origin`. */
  readonly #actual: readonly (readonly [string, string])[];
  /** Headers of a preflight from an allowed origin, but `access-control-allow-origin`. */
  readonly #preflight: readonly (readonly [string, string])[];

  /**
   * Checks the option.
   *
   * @param options The `cors` option as given.
   * @throws {TypeError} When it or one of its members has the wrong type.
   * @throws {RangeError} When a value is out of range: an origin that is not one, an empty
   *   list, a bad header name, a negative or fractional `maxAge`, `"*"` with `credentials`, or
   *   an unknown member.
   */
  constructor(options: CorsOptions) {
    if (typeof options !== "object" || options === null || Array.isArray(options)) {
      throw new TypeError(`${PREFIX} "cors" must be an object, got ${describe(options)}`);
    }
    for (const key of Object.keys(options)) {
      if (!KNOWN_KEYS.has(key)) {
        throw new RangeError(
          `${PREFIX} "cors" has an unknown member ${quote(key)}: it takes ` +
            [...KNOWN_KEYS].map((k) => `"${k}"`).join(", "),
        );
      }
    }
    const credentials = options.credentials ?? CORS_DEFAULTS.credentials;
    if (typeof credentials !== "boolean") {
      throw new TypeError(
        `${PREFIX} "cors.credentials" must be a boolean, got ${describe(credentials)}`,
      );
    }
    this.#credentials = credentials;
    const origins: unknown = options.origins;
    if (origins === "*") {
      if (credentials) {
        throw new RangeError(
          `${PREFIX} "cors.origins" cannot be "*" with "cors.credentials": true, since every ` +
            "site could then send requests with its visitors' cookies and read the answers: " +
            "list the origins, or pass a function that decides",
        );
      }
      this.#origins = null;
      this.#decide = null;
      this.#any = true;
    } else if (typeof origins === "function") {
      this.#origins = null;
      this.#decide = origins as (origin: string) => boolean;
      this.#any = false;
    } else if (Array.isArray(origins)) {
      if (origins.length === 0) {
        throw new RangeError(
          `${PREFIX} "cors.origins" is an empty list: list at least one origin, or leave ` +
            '"cors" out to answer no cross-origin request',
        );
      }
      for (const origin of origins as unknown[]) checkOrigin(origin);
      this.#origins = new Set(origins as string[]);
      this.#decide = null;
      this.#any = false;
    } else {
      throw new TypeError(
        `${PREFIX} "cors.origins" must be "*", an array of origins or a function, got ` +
          describe(origins),
      );
    }
    const maxAge = options.maxAge ?? CORS_DEFAULTS.maxAge;
    if (typeof maxAge !== "number" || !Number.isSafeInteger(maxAge) || maxAge < 0) {
      throw new RangeError(
        `${PREFIX} "cors.maxAge" must be a whole number of seconds at least 0, got ` +
          (typeof maxAge === "number" ? String(maxAge) : describe(maxAge)),
      );
    }
    const allowHeaders = headerNames(options.allowHeaders, "allowHeaders", credentials);
    const exposeHeaders = headerNames(options.exposeHeaders, "exposeHeaders", credentials);
    this.#varies = !this.#any;
    const actual: [string, string][] = [];
    if (credentials) actual.push(["access-control-allow-credentials", "true"]);
    if (exposeHeaders.length > 0) {
      actual.push(["access-control-expose-headers", exposeHeaders.join(", ")]);
    }
    this.#actual = actual;
    const allowed = [...new Set([...CORS_DEFAULTS.allowHeaders, ...allowHeaders])];
    const preflight: [string, string][] = [
      ["access-control-allow-methods", ALLOW_METHODS],
      ["access-control-allow-headers", allowed.join(", ")],
      ["access-control-max-age", String(maxAge)],
    ];
    if (credentials) preflight.push(["access-control-allow-credentials", "true"]);
    this.#preflight = preflight;
  }

  /**
   * Wraps a handler: answers preflights, and adds CORS headers to the handler's responses.
   *
   * @param handle The endpoint.
   * @param log Where a throwing origin function is reported.
   * @returns The handler with CORS; it never rejects when `handle` does not.
   */
  wrap(handle: Handler, log: (message: string, error: unknown) => void): Handler {
    return async (request) => {
      const origin = request.headers.get("origin");
      const allowed = origin === null ? null : this.#allows(origin, log);
      if (
        request.method === "OPTIONS" && origin !== null &&
        request.headers.has("access-control-request-method")
      ) {
        return this.#answerPreflight(origin, allowed === true);
      }
      const response = await handle(request);
      this.#decorate(response.headers, origin, allowed === true);
      return response;
    };
  }

  #allows(origin: string, log: (message: string, error: unknown) => void): boolean {
    if (this.#any) return true;
    if (this.#origins !== null) return this.#origins.has(origin);
    try {
      return this.#decide!(origin) === true;
    } catch (error) {
      try {
        log(`GraphQL endpoint's "cors.origins" function failed for ${quote(origin)}`, error);
      } catch { /* the logger failed too: the origin is still refused */ }
      return false;
    }
  }

  #answerPreflight(origin: string, allowed: boolean): Response {
    const headers = new Headers();
    if (this.#varies) headers.set("vary", "Origin");
    if (!allowed) {
      headers.set("content-type", "application/json; charset=utf-8");
      const message = `Origin ${quote(origin)} is not allowed to call this endpoint ` +
        "from a browser (CORS)";
      return new Response(JSON.stringify({ errors: [{ message }] }), { status: 403, headers });
    }
    headers.set("access-control-allow-origin", this.#any ? "*" : origin);
    for (const [name, value] of this.#preflight) headers.set(name, value);
    return new Response(null, { status: 204, headers });
  }

  #decorate(headers: Headers, origin: string | null, allowed: boolean): void {
    if (this.#varies) headers.append("vary", "Origin");
    if (!allowed) return;
    headers.set("access-control-allow-origin", this.#any ? "*" : origin!);
    for (const [name, value] of this.#actual) headers.set(name, value);
  }
}

/**
 * Adds CORS to a handler, as the option says.
 *
 * @param handle The endpoint.
 * @param options The `cors` option.
 * @param log Where a throwing origin function is reported.
 * @returns The handler with CORS.
 * @throws {TypeError | RangeError} When the option is not valid (see {@linkcode CorsPolicy}).
 */
export function withCors(
  handle: Handler,
  options: CorsOptions,
  log: (message: string, error: unknown) => void,
): Handler {
  return new CorsPolicy(options).wrap(handle, log);
}

function checkOrigin(origin: unknown): void {
  if (typeof origin !== "string") {
    throw new TypeError(
      `${PREFIX} "cors.origins" must list origins as strings, got ${describe(origin)}`,
    );
  }
  let serialized: string | null = null;
  try {
    const url = new URL(origin);
    serialized = url.origin === "null" ? null : url.origin;
  } catch { /* not a URL */ }
  if (serialized === origin) return;
  throw new RangeError(
    `${PREFIX} "cors.origins" has ${quote(origin)}, which is not an origin as browsers send ` +
      "it: write the scheme, host and port only, in lower case, with no path or trailing " +
      "slash" + (serialized === null ? "" : ` (${quote(serialized)})`),
  );
}

function headerNames(
  names: unknown,
  member: "allowHeaders" | "exposeHeaders",
  credentials: boolean,
): string[] {
  if (names === undefined) return [];
  if (!Array.isArray(names)) {
    throw new TypeError(
      `${PREFIX} "cors.${member}" must be an array of header names, got ${describe(names)}`,
    );
  }
  const out: string[] = [];
  for (const name of names as unknown[]) {
    if (typeof name !== "string" || !TOKEN.test(name)) {
      throw new RangeError(
        `${PREFIX} "cors.${member}" has ${
          typeof name === "string" ? quote(name) : describe(name)
        }, which is not a header name`,
      );
    }
    if (name === "*" && credentials) {
      throw new RangeError(
        `${PREFIX} "cors.${member}" cannot have "*" with "cors.credentials": true (browsers ` +
          "read it as a header named *): list the header names",
      );
    }
    out.push(name.toLowerCase());
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `string ${quote(value)}`;
  if (typeof value === "object") return "an object";
  if (typeof value === "function") return "a function";
  return `${typeof value} ${String(value)}`;
}
