/**
 * GraphQL over HTTP: {@linkcode graphqlHandler} turns a {@linkcode Schema} into a
 * `(request: Request) => Promise<Response>` handler for `Deno.serve` (and so for Hono, Oak and
 * anything else built on the Fetch API), following the GraphQL-over-HTTP specification draft
 * (graphql/graphql-over-http, spec/GraphQLOverHTTP.md).
 *
 * - `POST` with a JSON body (`Content-Type: application/json`), one request or a batch (a JSON
 *   array of requests, answered with an array of responses);
 * - `GET` with `query`, `operationName`, `variables` and `extensions` in the URL, for queries only
 *   (a mutation over GET is a 405);
 * - responses in `application/graphql-response+json` or `application/json`, as the `Accept`
 *   header prefers, with the draft's status codes;
 * - limits a public endpoint needs, each on by default: query text size, tokens, depth, aliases,
 *   root fields, body size, batch size, a deadline for the body to arrive, and a time limit that
 *   stops loaders from starting;
 * - errors masked: clients see "Internal server error" for anything unexpected (the detail goes
 *   to the logger), unless development mode is on; a loader shows a message with `SafeError`;
 * - GraphiQL for people with a browser (`GET` with `Accept: text/html`);
 * - trusted documents and automatic persisted queries (`persistedQueries`): documents by
 *   hash, registered at build time or by clients, and optionally only trusted ones;
 * - `Vary: Accept` on every response; off by default, CORS for pages on other origins (`cors`),
 *   and a legacy mode for clients written for the draft's older text (`legacyJson`: 200 for
 *   every well-formed request answered in `application/json`, which `*` / `*` then gets).
 *
 * Status codes (graphql-response+json; for `application/json`, the same codes, and responses
 * with a 2xx code are labelled `application/json`):
 *
 * | situation                                                    | status |
 * | ------------------------------------------------------------ | ------ |
 * | data and no errors                                           | 200    |
 * | data (even `null`) and errors: a partial success             | 294    |
 * | a batch (each response in the array has its own outcome)     | 200    |
 * | body is not UTF-8 or not JSON                                | 400    |
 * | a URL parameter is not UTF-8; `variables` in it is not JSON  | 400    |
 * | query does not parse, or has more tokens than `maxTokens`    | 400    |
 * | method other than GET and POST; a mutation over GET          | 405    |
 * | `Accept` allows none of the response types                   | 406    |
 * | the body did not arrive within `bodyTimeout`                 | 408    |
 * | body, query text or batch larger than its limit              | 413    |
 * | query text in a GET's URL larger than `maxQueryLength`       | 414    |
 * | `Content-Type` missing, not JSON, or not UTF-8               | 415    |
 * | a `Content-Encoding` (a compressed body)                     | 415    |
 * | not a well-formed request (`query` missing or not a string)  | 422    |
 * | a hash alone while `persistedQueries` is off                 | 200    |
 * | validation, limits, unknown operation, variable errors       | 422    |
 * | an unexpected error before any data (e.g. the context)       | 500    |
 * | the client went away, even mid-body (nobody reads this)      | 499    |
 * | the time limit ran out before any data                       | 504    |
 *
 * With `persistedQueries` (trusted documents, Apollo's automatic persisted queries):
 *
 * | situation                                                    | status |
 * | ------------------------------------------------------------ | ------ |
 * | a hash alone that is not known: `PersistedQueryNotFound`     | 200    |
 * | `extensions.persistedQuery` not `{ version: 1, sha256Hash }` | 400    |
 * | `sha256Hash` not 64 lowercase hex digits, or not the query's | 400    |
 * | `trustedOnly` and a text that is not a trusted document      | 422    |
 *
 * Requests that never become GraphQL requests (a wrong method, `Accept` or `Content-Type`, a body
 * too large, too slow or not UTF-8, broken JSON, malformed parameters, an oversized batch) get
 * `{ "errors": [{ "message": ... }] }` as `application/json`: the draft reserves
 * application/graphql-response+json for GraphQL responses. Messages quote at most 64 characters
 * of what a client sent (an operation name, a header), with its length.
 *
 * @example Serving a schema with Deno.serve
 * ```ts
 * import assert from "node:assert/strict";
 * import { AsyncExecutor, Field, Graph, Root, Schema, Str } from "../../mod.ts";
 * import { graphqlHandler } from "./handler.ts";
 *
 * const graph = Graph([Root([Field("hello", Str, (fields: unknown[]) => fields.map(() => "world"))])]);
 * const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
 * const server = Deno.serve(
 *   { port: 0, hostname: "127.0.0.1", onListen() {} },
 *   graphqlHandler(schema, { maxDepth: 8 }),
 * );
 *
 * const response = await fetch(`http://127.0.0.1:${server.addr.port}/graphql`, {
 *   method: "POST",
 *   headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
 *   body: JSON.stringify({ query: "{ hello }" }),
 * });
 * assert.equal(response.status, 200);
 * assert.deepEqual(await response.json(), { data: { hello: "world" } });
 * await server.shutdown();
 * ```
 *
 * @module
 */

import type { Context } from "../definitions/context.ts";
import { AbortListener, untilAborted } from "../base/_abort.ts";
import { CostLimitError, ExecutionAbortedError, SafeError } from "../base/errors.ts";
import {
  type MetricFamilies,
  metricFamilies,
  type Metrics,
  type RefusedLimit,
} from "../execution/metrics.ts";
import {
  endSpan,
  startSpan,
  tracerOf,
  type TracingOption,
  withSpan,
} from "../execution/tracing.ts";
import { context as otelContext, type Span, type Tracer } from "npm:@opentelemetry/api@1.9.1";
import { quote } from "../base/_quote.ts";
import { COST_BUDGET_DEFAULTS, CostBudget, type CostBudgetInit } from "../execution/budget.ts";
import {
  DEFAULT_GRAPHIQL_IMPORTS,
  DEFAULT_GRAPHIQL_STYLESHEETS,
  graphiqlAssets,
  renderGraphiQL,
} from "./_graphiql.ts";
import {
  type DocumentVerdict,
  LimitChecker,
  limitOf,
  type LimitProblem,
  selectOperation,
} from "./_limits.ts";
import { INTERNAL_SERVER_ERROR, originOf, type WireError, withMessage } from "./_masking.ts";
import {
  APPLICATION_JSON,
  checkContentType,
  GRAPHQL_RESPONSE_JSON,
  negotiate,
  type ResponseMediaType,
  TEXT_HTML,
} from "./_media.ts";
import { legacyRejectionStatus, legacyStatus, negotiateLegacy } from "./_legacy.ts";
import { type CorsOptions, withCors } from "./_cors.ts";
import { type Deadline, Deadlines, MAX_TIMER_DELAY } from "./_deadlines.ts";
import {
  documentHash,
  isSha256Hex,
  MemoryPersistedQueryStore,
  type PersistedQueriesOptions,
  type PersistedQueryStore,
  TrustedDocuments,
} from "./_persisted.ts";
import {
  type GraphQLRequest,
  type GraphQLResponse,
  markFromHandler,
  parsedTextOf,
  Schema,
} from "../graphql/schema.ts";

/**
 * What {@linkcode graphqlHandler} serves: a `Schema`, or anything else that executes GraphQL
 * requests the same way (never rejecting, except with `ExecutionAbortedError` when the signal
 * aborts).
 */
export interface ExecutableSchema {
  /**
   * Executes one GraphQL request.
   *
   * @param request The query text, variables, operation name, context and abort signal.
   * @returns The GraphQL response.
   */
  execute(request: GraphQLRequest): Promise<GraphQLResponse>;
}

/**
 * Makes the context of an HTTP request's execution.
 *
 * @param request The HTTP request (headers, URL, ...).
 * @param execution The execution's abort signal, and the GraphQL request's `extensions` when
 *   it sent an object there (absent otherwise).
 * @returns The context, or a promise of it.
 */
export type ContextFactory = (
  request: Request,
  execution: {
    readonly signal: AbortSignal;
    readonly extensions?: { readonly [key: string]: unknown };
  },
) => Context | Promise<Context>;

/** Where the GraphiQL page loads GraphiQL from, and its title. */
export interface GraphiQLOptions {
  /** The page's title. Default `"GraphiQL"`. */
  readonly title?: string;
  /**
   * Where the default assets are loaded from instead of `https://esm.sh/`: a mirror of esm.sh
   * (a self-hosted esm.sh server, or a proxy of it) that serves the same paths, e.g.
   * `"https://esm.example.com/"` gives `https://esm.example.com/graphiql@5.2.4/dist/style.css`.
   * `stylesheets` and `imports`, when given, are used as they are. Default `"https://esm.sh/"`.
   */
  readonly assetBaseUrl?: string;
  /** Stylesheet URLs. Default: GraphiQL 5.2.4's stylesheet on esm.sh (or `assetBaseUrl`). */
  readonly stylesheets?: readonly string[];
  /**
   * The page's import map: URLs for `react`, `react-dom/client`, `graphiql`,
   * `graphiql/setup-workers/esm.sh` and `@graphiql/toolkit`. Default: GraphiQL's CDN example,
   * GraphiQL 5.2.4 and React 19 on esm.sh (or `assetBaseUrl`), versions pinned. Point it at your
   * own copies to serve GraphiQL without a CDN.
   *
   * When the assets do not load (offline, or the CDN is blocked), the page says so after a
   * failed module or 15 seconds, listing their URLs with a curl command to test them.
   */
  readonly imports?: { readonly [specifier: string]: string };
  /** Subresource integrity hashes by URL, for the import map and the stylesheets. Default none. */
  readonly integrity?: { readonly [url: string]: string };
}

/**
 * What {@linkcode graphqlHandler} accepts. Every limit is on by default; `Infinity` turns one
 * off.
 */
export interface GraphQLHandlerOptions {
  /**
   * Makes the context loaders receive, per HTTP request (a batch shares one). Called only when
   * a request is about to execute, with the request's abort signal (the time limit, or the
   * client going away), which loaders can use to stop work in flight, and the GraphQL request's
   * `extensions` object when it has one: a request of a batch that has one gets a context of
   * its own, made with them. Default: none (the schema's `{}`).
   *
   * To refuse a client (a missing or bad token, say), throw a `SafeError`: the response carries
   * its message and extensions, with status 401 when its `code` is `UNAUTHENTICATED`, 403 when
   * it is `FORBIDDEN`, 400 otherwise. Anything else it throws is a 500, masked and logged. A
   * factory still pending when the request's time limit runs out ends the request with a 504.
   */
  readonly context?: ContextFactory;
  /** The most nested selection sets (`{ a { b } }` is 2; introspection not counted). Default 10. */
  readonly maxDepth?: number;
  /** The most aliases in a document, as written (a fragment's once). Default 15. */
  readonly maxAliases?: number;
  /**
   * The most aliases in an operation with its fragments spread in place, a fragment's once per
   * spread: a chain of fragments that each alias the next three times multiplies the response by
   * three per link, which the written count does not see. Default 100.
   */
  readonly maxSpreadAliases?: number;
  /** The most root fields an operation selects (through fragments). Default 20. */
  readonly maxRootFields?: number;
  /** The most lexical tokens in a document, checked while parsing. Default 5,000. */
  readonly maxTokens?: number;
  /** The longest query text, in UTF-16 code units, checked before parsing. Default 100,000. */
  readonly maxQueryLength?: number;
  /** The largest request body, in bytes, checked before parsing JSON. Default 1 MiB (1,048,576). */
  readonly maxBodySize?: number;
  /** The most requests in a batch; 0 turns batching off. Default 10. */
  readonly maxBatchSize?: number;
  /**
   * The time limit of an HTTP request's execution, in milliseconds, from when its body has
   * arrived: when it runs out, no more loaders start and the response is an error (504).
   * Default 10,000.
   */
  readonly timeout?: number;
  /**
   * The deadline for a request's body to arrive, in milliseconds from when the handler starts
   * reading it: a client that sends it slower (a byte at a time, or never the length it
   * declared) gets a 408 and no longer holds the server. Default 10,000, as `timeout`: enough
   * for a 1 MiB body at about 1 Mbit/s.
   */
  readonly bodyTimeout?: number;
  /**
   * Stop executing when the client goes away (the request's `signal` aborts). Default `true`.
   * Deno 2.9 prints a one-time notice the first time a server reads `request.signal`; run with
   * `--unstable-no-legacy-abort` (or `"unstable": ["no-legacy-abort"]` in deno.json) to opt into
   * the behaviour Deno is moving to and silence it, or set this to `false`.
   */
  readonly cancelOnDisconnect?: boolean;
  /**
   * Development mode: unexpected errors show their own messages instead of "Internal server
   * error". Never turn it on for a public endpoint. Default `false`.
   */
  readonly development?: boolean;
  /**
   * Receives every unexpected error (with a one-line description) and every timeout. Default
   * `console.error`.
   */
  readonly logger?: (message: string, error: unknown) => void;
  /** The GraphiQL page for `GET` with `Accept: text/html`; `false` turns it off. Default `true`. */
  readonly graphiql?: boolean | GraphiQLOptions;
  /**
   * The most a request may be estimated to cost before it runs, in cost units: `loadCost` per
   * loader call plus one per id, lists at their declared `size` or `listSize` (see
   * `estimateCost`). A batch's requests add up. Over it: 422 with code `COST_LIMIT`. Default 4,000.
   */
  readonly maxCost?: number;
  /**
   * The most ids that may reach nodes while a request runs (a batch's requests add up), counted
   * level by level; the request that would go over stops with code `COST_LIMIT`. Default 100,000.
   */
  readonly maxIds?: number;
  /**
   * What the cost estimate assumes: units per loader call (default 40) and the items of a list
   * link that declares no `size` (default 10).
   */
  readonly costModel?: { readonly loadCost?: number; readonly listSize?: number };
  /**
   * Decides, per HTTP request, whether its responses carry the explain of their execution in
   * `extensions.explain` (every load with its node, path, ids and time; see `ExplainRecorder`),
   * e.g. by a header holding a token only developers have. Explain shows the query's structure,
   * ids and error messages: allow it only for clients that may see them. When given, it decides
   * alone (the schema's own `explain` option is not consulted); a batch asks it once. Default:
   * none (the schema's option decides; it is off unless turned on there).
   */
  readonly explain?: (request: Request) => boolean;
  /**
   * Legacy mode, for clients written for the draft's older text (Apollo Client 3, clients that
   * read a body only on a 2xx): a client that does not name `application/graphql-response+json`
   * in `Accept` (`*` / `*`, or none) gets `application/json`, with 200 for every well-formed
   * request, its errors in the body; `application/graphql-response+json` responses use 400 for
   * request errors and 200 for partial success. A mutation over GET is still a 405. Default
   * `false`: the current draft (see the module documentation).
   */
  readonly legacyJson?: boolean;
  /**
   * Cross-origin requests from browsers: which origins, credentials, preflight caching (see
   * {@linkcode CorsOptions}). Default: off, no CORS header on any response.
   */
  readonly cors?: CorsOptions;
  /**
   * OpenTelemetry tracing: `true` (the default) through the global tracer provider of
   * `@opentelemetry/api` (nothing is traced until an SDK registers one), a `TracerProvider`
   * through that one, `false` never. Each HTTP request is a span (`graphql.http`) with its
   * `graphql.parse` (the limits' check) and `graphql.serialize` (the JSON) phases; a `Schema`'s
   * request spans nest under it.
   */
  readonly tracing?: TracingOption;
  /**
   * Where HTTP requests (by status), their time, and the requests each limit refused are counted
   * (see `Metrics`; give the same one to the `Schema` for its requests and loads). Default: not
   * counted.
   */
  readonly metrics?: Metrics | null;
  /**
   * Trusted documents and Apollo's automatic persisted queries (see
   * {@linkcode PersistedQueriesOptions}): documents by hash
   * (`extensions.persistedQuery: { version: 1, sha256Hash }`), registered at build time or by
   * clients, and optionally only trusted ones. Default: off (a hash alone is answered
   * `PersistedQueryNotSupported`, status 200, so that Apollo clients send the text; a request with
   * neither `query` nor a hash is a 422).
   */
  readonly persistedQueries?: PersistedQueriesOptions;
}

/** The default of every limit of {@linkcode graphqlHandler}. */
export const GRAPHQL_HANDLER_LIMITS: {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxSpreadAliases: number;
  readonly maxRootFields: number;
  readonly maxTokens: number;
  readonly maxQueryLength: number;
  readonly maxBodySize: number;
  readonly maxBatchSize: number;
  readonly timeout: number;
  readonly bodyTimeout: number;
  readonly maxCost: number;
  readonly maxIds: number;
} = Object.freeze({
  maxDepth: 10,
  maxAliases: 15,
  maxSpreadAliases: 100,
  maxRootFields: 20,
  maxTokens: 5_000,
  maxQueryLength: 100_000,
  maxBodySize: 1_048_576,
  maxBatchSize: 10,
  timeout: 10_000,
  bodyTimeout: 10_000,
  maxCost: COST_BUDGET_DEFAULTS.maxCost,
  maxIds: COST_BUDGET_DEFAULTS.maxIds,
});

type LimitName = keyof typeof GRAPHQL_HANDLER_LIMITS;

/** How many query texts keep their limit verdict. */
const VERDICT_CACHE_SIZE = 1000;

/**
 * Serves a schema over HTTP, as the GraphQL-over-HTTP specification draft describes, with the
 * limits a public endpoint needs. See the module documentation for the status codes.
 *
 * @param schema The schema (a `Schema`, or anything with its `execute`).
 * @param options The context factory, limits, development mode, logger and GraphiQL page.
 * @returns A handler for `Deno.serve` (or Hono's `app.all("/graphql", (c) => handler(c.req.raw))`);
 *   it never rejects.
 * @throws {RangeError} When a limit is not a number at least 0 (`Infinity` is allowed), or a
 *   time limit (`timeout`, `bodyTimeout`) is not above 0.
 * @throws {TypeError | RangeError} When `legacyJson` is not a boolean, or `cors` is not valid
 *   (an origin that is not one, `"*"` with credentials, a bad header name, ...; the message
 *   names the option and the value).
 * @example A query over GET, and the limits at work
 * ```ts
 * import assert from "node:assert/strict";
 * import { AsyncExecutor, Field, Graph, Root, Schema, Str } from "../../mod.ts";
 * import { graphqlHandler } from "./handler.ts";
 *
 * const graph = Graph([Root([Field("hello", Str, (fields: unknown[]) => fields.map(() => "world"))])]);
 * const handler = graphqlHandler(new Schema({ query: graph, executor: new AsyncExecutor() }), {
 *   maxAliases: 1,
 * });
 *
 * const ok = await handler(new Request("http://localhost/graphql?query={hello}"));
 * assert.equal(ok.status, 200);
 * assert.deepEqual(await ok.json(), { data: { hello: "world" } });
 *
 * const flood = await handler(new Request("http://localhost/graphql?query={a:hello b:hello}"));
 * assert.equal(flood.status, 422);
 * assert.deepEqual(await flood.json(), {
 *   errors: [{
 *     message: "Query has 2 aliases, more than the maximum of 1",
 *     locations: [{ line: 1, column: 10 }],
 *   }],
 * });
 * ```
 */
export function graphqlHandler(
  schema: ExecutableSchema,
  options: GraphQLHandlerOptions = {},
): (request: Request) => Promise<Response> {
  const endpoint = new Endpoint(schema, options);
  const handle = (request: Request): Promise<Response> => endpoint.handle(request);
  if (options.cors === undefined) return handle;
  return withCors(handle, options.cors, options.logger ?? ((m, e) => console.error(m, e)));
}

/** The parameters of one GraphQL-over-HTTP request, checked. */
interface Params {
  /** `null` only when persisted queries are on and the request names its document by hash. */
  readonly query: string | null;
  readonly operationName: string | null;
  readonly variables: { readonly [name: string]: unknown } | null;
  readonly extensions: { readonly [key: string]: unknown } | null;
}

/** The outcome of one GraphQL request: its status and what goes on the wire. */
interface Outcome {
  readonly status: number;
  readonly body: GraphQLResponse | {
    readonly errors: readonly WireError[];
    readonly extensions?: unknown;
  };
  readonly headers?: { readonly [name: string]: string };
  /**
   * The response a `Schema` made for this request (the body, or what the body was made from),
   * let go of once written: see {@linkcode released}.
   */
  readonly own?: GraphQLResponse;
}

/**
 * Lets go of an outcome's `data` once its JSON is written, when the endpoint made it (a `Schema`'s
 * response, or the body made from one): the settled promises that carried the response (the
 * schema's, the endpoint's) refer to it for as long as they live, and under load those promises
 * live in the old generation until the next full collection, where every minor collection finds
 * the whole result tree through them, copies it and moves it to the old generation.
 */
function released(outcome: Outcome): void {
  const own = outcome.own as { data?: unknown } | undefined;
  // Only a response that has data is changed (one with errors alone may be shared).
  if (own === undefined || typeof own.data !== "object" || own.data === null) return;
  own.data = null;
  const body = outcome.body as { data?: unknown };
  if (body !== own && typeof body.data === "object" && body.data !== null) body.data = null;
}

/** The `persistedQueries` option, checked. */
interface PersistedConfig {
  readonly documents: TrustedDocuments | null;
  readonly store: PersistedQueryStore | null;
  readonly trustedOnly: boolean;
  readonly cacheControl: string | null;
  readonly storeTimeout: number;
}

/** A request's document, found by hash or checked against it. */
interface PersistedStep {
  readonly query: string;
  /** The hash to register the document under once it passes the limits, or `null`. */
  readonly register: string | null;
  /** Whether the request named its document by hash alone. */
  readonly byHash: boolean;
}

/** An answer Apollo clients act on (status 200, never cached), with its message and code. */
function apolloAnswer(message: string, code: string): Outcome {
  return {
    status: 200,
    body: { errors: [{ message, extensions: { code } }] },
    headers: { "cache-control": "no-store" },
  };
}

/** The answer Apollo clients expect for a hash the server does not know (they then send the text). */
const PERSISTED_QUERY_NOT_FOUND = apolloAnswer(
  "PersistedQueryNotFound",
  "PERSISTED_QUERY_NOT_FOUND",
);

/**
 * The answer to a hash alone when persisted queries are off: Apollo clients then stop sending
 * hashes and send the text (a 422 would fail every operation of theirs).
 */
const PERSISTED_QUERY_NOT_SUPPORTED = apolloAnswer(
  "PersistedQueryNotSupported",
  "PERSISTED_QUERY_NOT_SUPPORTED",
);

const NO_QUERY_IN_URL = 'Request parameter "query" is required: send the GraphQL document in ' +
  'the URL\'s "query" parameter, or open this URL in a browser for GraphiQL';

/** The answer in trusted-only mode to a document that is not trusted. */
const PERSISTED_QUERY_NOT_TRUSTED: Outcome = {
  status: 422,
  body: {
    errors: [{
      message: "Only trusted documents are served here and this query text is not one of them: " +
        "send a registered document, or its hash in extensions.persistedQuery.sha256Hash",
      extensions: { code: "PERSISTED_QUERY_NOT_TRUSTED" },
    }],
  },
};

/** A request that cannot be a GraphQL request at all. */
class Rejection {
  constructor(
    readonly status: number,
    readonly message: string,
    readonly headers: { readonly [name: string]: string } = {},
    readonly limit: RefusedLimit | null = null,
  ) {}
}

/** The longest message of a request error sent as it is; longer ones are cut (see `shortened`). */
const MAX_MESSAGE = 1_000;

/** A long message cut short: its start, "…", and how long it was. */
function shortened(message: string): string {
  let end = MAX_MESSAGE;
  const code = message.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${message.slice(0, end)}… (message cut: ${message.length} characters)`;
}

// Every response says that it depends on Accept, so that caches keep one per media type.
const JSON_HEADERS = { "content-type": `${APPLICATION_JSON}; charset=utf-8`, vary: "Accept" };
// GraphQL responses get `Vary` after they are made: Deno 2.9 makes a Response given more than a
// content type in its init far slower to read (about 40 µs, measured), which a handler called in
// process (a framework, a test) pays on every request.
const GRAPHQL_BODY_HEADERS = { "content-type": `${GRAPHQL_RESPONSE_JSON}; charset=utf-8` };
const JSON_BODY_HEADERS = { "content-type": `${APPLICATION_JSON}; charset=utf-8` };
const HTML_HEADERS = { "content-type": `${TEXT_HTML}; charset=utf-8`, vary: "Accept" };

class Endpoint {
  readonly #schema: ExecutableSchema;
  readonly #limits: { readonly [name in LimitName]: number };
  readonly #checker: LimitChecker;
  readonly #context: ContextFactory | null;
  /** What each HTTP request's cost budget is made of; `null` when it has no limit. */
  readonly #cost: CostBudgetInit | null;
  readonly #development: boolean;
  readonly #cancelOnDisconnect: boolean;
  readonly #log: (message: string, error: unknown) => void;
  readonly #graphiql: string | null;
  readonly #explain: ((request: Request) => boolean) | null;
  /** Legacy mode (`legacyJson`): the older text's media type choice and status codes. */
  readonly #legacy: boolean;
  readonly #tracer: Tracer | null;
  readonly #families: MetricFamilies | null;
  /** The `persistedQueries` option; `null` when off. */
  readonly #persisted: PersistedConfig | null;

  constructor(schema: ExecutableSchema, options: GraphQLHandlerOptions) {
    this.#schema = schema;
    this.#tracer = tracerOf(options.tracing);
    this.#families = options.metrics === undefined || options.metrics === null
      ? null
      : metricFamilies(options.metrics);
    const limits = { ...GRAPHQL_HANDLER_LIMITS };
    for (const name of Object.keys(GRAPHQL_HANDLER_LIMITS) as LimitName[]) {
      const value = options[name];
      if (value === undefined) continue;
      if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
        throw new RangeError(
          `Cannot create the GraphQL handler: "${name}" must be a number at least 0 or Infinity, ` +
            `got ${typeof value === "number" ? value : typeof value}`,
        );
      }
      limits[name] = value;
    }
    for (const name of ["timeout", "bodyTimeout"] as const) {
      if (limits[name] !== 0) continue;
      throw new RangeError(
        `Cannot create the GraphQL handler: "${name}" must be above 0 (Infinity for none), got 0`,
      );
    }
    this.#limits = limits;
    const cost: CostBudgetInit = {
      maxCost: limits.maxCost,
      maxIds: limits.maxIds,
      loadCost: options.costModel?.loadCost ?? COST_BUDGET_DEFAULTS.loadCost,
      listSize: options.costModel?.listSize ?? COST_BUDGET_DEFAULTS.listSize,
    };
    try {
      new CostBudget(cost);
    } catch (error) {
      throw new RangeError(`Cannot create the GraphQL handler: "costModel" ${messageOf(error)}`);
    }
    this.#cost = Number.isFinite(limits.maxCost) || Number.isFinite(limits.maxIds) ? cost : null;
    this.#checker = new LimitChecker(limits, VERDICT_CACHE_SIZE);
    this.#context = options.context ?? null;
    this.#explain = options.explain ?? null;
    const legacy = options.legacyJson ?? false;
    if (typeof legacy !== "boolean") {
      throw new TypeError(
        `Cannot create the GraphQL handler: "legacyJson" must be a boolean, got ${typeof legacy}`,
      );
    }
    this.#legacy = legacy;
    this.#persisted = options.persistedQueries === undefined
      ? null
      : persistedConfig(options.persistedQueries);
    this.#development = options.development ?? false;
    this.#cancelOnDisconnect = options.cancelOnDisconnect ?? true;
    this.#log = options.logger ?? ((message, error) => console.error(message, error));
    const graphiql = options.graphiql ?? true;
    const page: GraphiQLOptions = graphiql === true || graphiql === false ? {} : graphiql;
    if (page.assetBaseUrl !== undefined && !URL.canParse(page.assetBaseUrl)) {
      throw new TypeError(
        `Cannot create the GraphQL handler: "graphiql.assetBaseUrl" must be an absolute URL, ` +
          `got ${JSON.stringify(page.assetBaseUrl)}`,
      );
    }
    const defaults = page.assetBaseUrl === undefined
      ? { imports: DEFAULT_GRAPHIQL_IMPORTS, stylesheets: DEFAULT_GRAPHIQL_STYLESHEETS }
      : graphiqlAssets(page.assetBaseUrl);
    this.#graphiql = graphiql === false ? null : renderGraphiQL({
      title: page.title ?? "GraphiQL",
      stylesheets: page.stylesheets ?? defaults.stylesheets,
      imports: page.imports ?? defaults.imports,
      integrity: page.integrity ?? {},
    });
  }

  async handle(request: Request): Promise<Response> {
    const families = this.#families;
    if (this.#tracer === null && families === null) return this.#guarded(request, null);
    const start = performance.now();
    const span = startSpan(this.#tracer, "graphql.http", otelContext.active(), {
      "http.request.method": request.method,
    });
    const response = span === null
      ? await this.#guarded(request, null)
      : await otelContext.with(withSpan(span), () => this.#guarded(request, span));
    if (span !== null) {
      span.setAttribute("http.response.status_code", response.status);
      if (response.status >= 500) endSpan(span, new Error(`HTTP ${response.status}`));
      else span.end();
    }
    if (families !== null) {
      families.httpRequests.add([String(response.status)], 1);
      families.httpSeconds.observe([], (performance.now() - start) / 1000);
    }
    return response;
  }

  /** Counts a request a limit refused. */
  #refused(limit: RefusedLimit | null): void {
    if (limit !== null) this.#families?.httpRefusals.add([limit], 1);
  }

  async #guarded(request: Request, span: Span | null): Promise<Response> {
    try {
      return await this.#handle(request, span);
    } catch (error) {
      // Only a bug in this layer (or a throwing logger) gets here: answer anyway.
      try {
        this.#log(`GraphQL endpoint failed: ${messageOf(error)}`, error);
      } catch { /* the logger itself failed; the client still gets an answer */ }
      return rejection(new Rejection(500, INTERNAL_SERVER_ERROR));
    }
  }

  async #handle(request: Request, span: Span | null): Promise<Response> {
    const method = request.method;
    if (method !== "GET" && method !== "POST") {
      return rejection(
        new Rejection(405, `Method ${quote(method)} is not allowed: use GET or POST`, {
          allow: "GET, POST",
        }),
      );
    }
    const media = (this.#legacy ? negotiateLegacy : negotiate)(
      request.headers.get("accept"),
      method === "GET" && this.#graphiql !== null,
    );
    if (media === null) {
      return rejection(
        new Rejection(
          406,
          "The Accept header allows no media type this endpoint produces: accept " +
            `${GRAPHQL_RESPONSE_JSON} or ${APPLICATION_JSON}`,
        ),
      );
    }
    if (media === TEXT_HTML) return new Response(this.#graphiql, { headers: HTML_HEADERS });

    if (method === "POST") {
      const unsupported = contentTypeProblem(request.headers.get("content-type")) ??
        encodingProblem(request.headers.get("content-encoding"));
      if (unsupported !== null) return rejection(unsupported);
    }

    const run = new Run(request, this.#limits, this.#cancelOnDisconnect, method === "POST");
    run.span = span;
    try {
      const params = method === "GET"
        ? this.#fromUrl(request.url)
        : await this.#fromBody(request, run);
      if (params instanceof Rejection) {
        this.#refused(params.limit);
        return rejection(params, this.#legacy);
      }
      if (method === "POST") run.bodyRead();
      if (!Array.isArray(params)) {
        const outcome = await this.#execute(params, method, run);
        const status = this.#legacy ? legacyStatus(outcome.status, media) : outcome.status;
        const response = this.#respond(span, status, outcome.body, media, outcome.headers);
        released(outcome);
        return response;
      }
      const outcomes = await Promise.all(
        params.map((p) =>
          p instanceof Rejection
            ? { status: p.status, body: { errors: [{ message: p.message }] } }
            : this.#execute(p, method, run)
        ),
      );
      const response = this.#respond(span, 200, outcomes.map((o) => o.body), media);
      for (const outcome of outcomes) released(outcome);
      return response;
    } finally {
      run.close();
    }
  }

  #fromUrl(url: string): Params | Rejection {
    const parsed = new URL(url);
    const search = parsed.searchParams;
    const query = search.get("query");
    if (query === null && !search.has("extensions")) return new Rejection(422, NO_QUERY_IN_URL);
    const variablesText = search.get("variables");
    const extensionsText = search.get("extensions");
    const operationName = search.get("operationName");
    // URLSearchParams decodes bytes that are not UTF-8 to U+FFFD, silently: a parameter that has
    // one is decoded again, strictly, from the URL.
    const notUtf8 = notUtf8Param(parsed.search, [
      ["query", query],
      ["operationName", operationName],
      ["variables", variablesText],
      ["extensions", extensionsText],
    ]);
    if (notUtf8 !== null) {
      return new Rejection(
        400,
        `Request parameter "${notUtf8}" is not valid UTF-8 once percent-decoded`,
      );
    }
    const variables = jsonParam(variablesText, "variables");
    if (variables instanceof Rejection) return variables;
    const extensions = jsonParam(extensionsText, "extensions");
    if (extensions instanceof Rejection) return extensions;
    if (query === null && extensions?.persistedQuery === undefined) {
      return new Rejection(
        422,
        this.#persisted === null
          ? NO_QUERY_IN_URL
          : 'Request parameter "query" is required: send the GraphQL document, or its hash in ' +
            '"extensions" ({"persistedQuery":{"version":1,"sha256Hash":"..."}})',
      );
    }
    return {
      query,
      operationName: operationName === null || operationName === "" ? null : operationName,
      variables,
      extensions,
    };
  }

  async #fromBody(
    request: Request,
    run: Run,
  ): Promise<Params | (Params | Rejection)[] | Rejection> {
    const text = await readBody(request, this.#limits, run);
    if (text instanceof Rejection) return text;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      return new Rejection(400, `Request body is not valid JSON: ${messageOf(error)}`);
    }
    const persisted = this.#persisted !== null;
    if (!Array.isArray(body)) return paramsOf(body, persisted);
    if (body.length > this.#limits.maxBatchSize) {
      return new Rejection(
        413,
        this.#limits.maxBatchSize === 0
          ? "Batched requests are not accepted: send one request per HTTP request"
          : `Batch of ${body.length} requests is larger than the maximum of ` +
            `${this.#limits.maxBatchSize}`,
        {},
        "batch_size",
      );
    }
    if (body.length === 0) return new Rejection(422, "Batch is empty: send at least one request");
    return body.map((item: unknown) => paramsOf(item, persisted));
  }

  async #execute(params: Params, method: string, run: Run): Promise<Outcome> {
    const { operationName } = params;
    let query = params.query;
    let persisted: PersistedStep | null = null;
    if (this.#persisted !== null) {
      const step = await this.#persistedStep(this.#persisted, params, method, run);
      if (step !== null) {
        if ("status" in step) return step;
        persisted = step;
        query = step.query;
      }
    }
    if (query === null) {
      if (this.#persisted === null && params.extensions?.persistedQuery !== undefined) {
        return PERSISTED_QUERY_NOT_SUPPORTED;
      }
      return requestError(422, 'Request parameter "query" is required');
    }
    if (query.length > this.#limits.maxQueryLength) {
      return this.#tooLong(query, method === "GET" && query === params.query);
    }
    const parse = run.span === null
      ? null
      : startSpan(this.#tracer, "graphql.parse", withSpan(run.span));
    const verdict = this.#verdict(query);
    if (parse !== null) {
      if (verdict.syntaxError === null) parse.end();
      else endSpan(parse, new Error(verdict.syntaxError.message));
    }
    if (verdict.syntaxError !== null) {
      if (verdict.syntaxError.message.includes("tokens. Parsing aborted")) this.#refused("tokens");
      return { status: 400, body: { errors: [verdict.syntaxError] } };
    }
    const operation = selectOperation(verdict, operationName);
    if (method === "GET" && operation?.type === "mutation") {
      return {
        status: 405,
        body: {
          errors: [{
            message: "Cannot run a mutation over GET: send it with POST",
          }],
        },
        headers: { allow: "POST" },
      };
    }
    if (verdict.problems.length > 0 || (operation !== null && operation.problems.length > 0)) {
      const problems: LimitProblem[] = [...verdict.problems, ...(operation?.problems ?? [])];
      for (const problem of problems) this.#refused(limitOf(problem));
      return { status: 422, body: { errors: problems } };
    }

    let result: GraphQLResponse;
    const schema = this.#schema;
    try {
      const context = this.#context === null
        ? undefined
        : await run.context(this.#context, params.extensions);
      const budget = this.#cost === null ? null : run.budget(this.#cost);
      let request: GraphQLRequest = context === undefined
        ? { query, variables: params.variables, operationName, signal: run.signal, budget }
        : {
          query,
          variables: params.variables,
          operationName,
          signal: run.signal,
          budget,
          context,
        };
      if (this.#explain !== null) request = { ...request, explain: run.explains(this.#explain) };
      if (schema instanceof Schema) {
        markFromHandler(request, run.span === null ? null : withSpan(run.span));
      }
      result = await schema.execute(request);
      // A client's document is kept once it has run (so it parsed and validated): a store is
      // not filled with text that can never run. Kept before the answer (the client may send the
      // hash alone next, to another process), but never at the answer's cost.
      if (persisted !== null && persisted.register !== null && result.data !== undefined) {
        await this.#register(persisted.register, query, run);
      }
    } catch (error) {
      if (error instanceof ExecutionAbortedError) return this.#aborted(run, error);
      if (run.contextFailed && error instanceof SafeError) return refusal(error);
      const where = run.contextFailed ? "GraphQL context factory failed" : "GraphQL request failed";
      this.#log(`${where}: ${messageOf(error)}`, error);
      return requestError(500, this.#development ? messageOf(error) : INTERNAL_SERVER_ERROR);
    }
    if (this.#families !== null && result.errors !== undefined) {
      for (const error of result.errors) {
        const original = error.originalError;
        if (original instanceof CostLimitError) {
          this.#refused(original.kind === "estimate" ? "cost" : "ids");
        }
      }
    }
    const made = this.#outcome(result, run);
    // A Schema's response is made for this request alone: it is let go of once written.
    const outcome = schema instanceof Schema ? { ...made, own: result } : made;
    const cacheControl = this.#persisted?.cacheControl ?? null;
    // Never on an answer that carries extensions (its explain, asked for by the handler's option
    // or the schema's): a shared cache would serve one client's answer to everyone.
    if (
      cacheControl !== null && persisted?.byHash === true && method === "GET" &&
      outcome.status === 200 && operation?.type === "query" && result.extensions === undefined
    ) {
      return { ...outcome, headers: { "cache-control": cacheControl } };
    }
    return outcome;
  }

  /** A query text over `maxQueryLength`: 414 when it came in the URL (GET), 413 otherwise. */
  #tooLong(query: string, inUrl: boolean): Outcome {
    this.#refused("query_length");
    return requestError(
      inUrl ? 414 : 413,
      `Query text of ${query.length} characters is longer than the maximum of ` +
        `${this.#limits.maxQueryLength}`,
    );
  }

  /**
   * The document of a request with `extensions.persistedQuery` (found by its hash, or its text
   * checked against it), the refusal of an untrusted text in trusted-only mode, or `null` when
   * there is nothing to do.
   */
  async #persistedStep(
    config: PersistedConfig,
    params: Params,
    method: string,
    run: Run,
  ): Promise<Outcome | PersistedStep | null> {
    const extension = params.extensions?.persistedQuery;
    const query = params.query;
    if (extension === undefined) {
      if (config.trustedOnly && query !== null && !config.documents!.hasText(query)) {
        return PERSISTED_QUERY_NOT_TRUSTED;
      }
      return null;
    }
    if (typeof extension !== "object" || extension === null || Array.isArray(extension)) {
      return requestError(
        400,
        'Request parameter "extensions.persistedQuery" must be an object ' +
          `({"version":1,"sha256Hash":"..."}), got ${describe(extension)}`,
      );
    }
    const { version, sha256Hash: hash } = extension as {
      readonly version?: unknown;
      readonly sha256Hash?: unknown;
    };
    if (version !== 1) {
      return requestError(
        400,
        `Request parameter "extensions.persistedQuery.version" must be 1, got ${describe(version)}`,
      );
    }
    if (typeof hash !== "string" || !isSha256Hex(hash)) {
      return requestError(
        400,
        'Request parameter "extensions.persistedQuery.sha256Hash" must be a SHA-256 as 64 ' +
          `lowercase hexadecimal characters, got ${describe(hash)}`,
      );
    }
    if (query === null) {
      let text = config.documents?.get(hash) ?? null;
      if (text === null && config.store !== null) {
        try {
          // A store that is slow or down holds the request no longer than `storeTimeout`.
          const stored = await untilAborted(config.store.get(hash), storeSignal(config, run));
          text = typeof stored === "string" ? stored : null;
        } catch (error) {
          if (run.signal.aborted) {
            return this.#aborted(run, new ExecutionAbortedError(run.signal.reason));
          }
          this.#log(
            error instanceof ExecutionAbortedError
              ? `Persisted query store did not answer a read of ${hash} within ` +
                `${config.storeTimeout} ms (storeTimeout)`
              : `Persisted query store failed to read ${hash}: ${messageOf(error)}`,
            error,
          );
        }
      }
      return text === null
        ? PERSISTED_QUERY_NOT_FOUND
        : { query: text, register: null, byHash: true };
    }
    // The limit applies before hashing.
    if (query.length > this.#limits.maxQueryLength) return this.#tooLong(query, method === "GET");
    const actual = documentHash(query);
    if (actual !== hash) {
      return requestError(
        400,
        'Request parameter "extensions.persistedQuery.sha256Hash" is not the SHA-256 of the ' +
          `query (which is ${actual}): send the hash of the query's UTF-8 text`,
      );
    }
    const known = config.documents !== null && config.documents.get(hash) !== null;
    if (config.trustedOnly && !known) return PERSISTED_QUERY_NOT_TRUSTED;
    return { query, register: known || config.store === null ? null : hash, byHash: false };
  }

  /**
   * Keeps a client's document in the store; a store that fails, or that has not answered within
   * `storeTimeout` or the request's time limit, is logged, not fatal.
   */
  async #register(hash: string, query: string, run: Run): Promise<void> {
    const config = this.#persisted!;
    try {
      await untilAborted(config.store!.set(hash, query), storeSignal(config, run));
    } catch (error) {
      const why = run.signal.aborted
        ? "did not answer within the request's time limit"
        : storeFailure(error, config);
      this.#log(`Persisted query store did not keep ${hash}: it ${why}`, error);
    }
  }

  /** The limits verdict: on what the schema compiled, or on the endpoint's own parse. */
  #verdict(text: string): DocumentVerdict {
    const schema = this.#schema;
    if (schema instanceof Schema) {
      return this.#checker.verdict(parsedTextOf(schema, text, this.#limits.maxTokens));
    }
    return this.#checker.check(text);
  }

  #outcome(result: GraphQLResponse, run: Run): Outcome {
    const errors = result.errors;
    const hasData = result.data !== undefined;
    if (errors === undefined || errors.length === 0) {
      // Extensions go after data on the wire, whatever order the schema built them in.
      const body: GraphQLResponse = result.extensions === undefined || !hasData
        ? result
        : { data: result.data ?? null, extensions: result.extensions };
      return { status: hasData ? 200 : 422, body };
    }
    let status = hasData ? 294 : 422;
    const wire: WireError[] = [];
    for (const error of errors) {
      const origin = originOf(error);
      switch (origin.kind) {
        case "request":
          // Messages may quote what a client sent (graphql-js quotes variable values whole).
          wire.push(
            error.message.length > MAX_MESSAGE
              ? withMessage(error, shortened(error.message))
              : error,
          );
          break;
        case "safe":
          wire.push(withMessage(error, origin.error.message, origin.error.extensions));
          break;
        case "aborted":
          wire.push(withMessage(error, this.#abortMessage(run, origin.error)));
          if (!hasData) {
            status = run.timedOut ? 504 : 499;
            this.#refused(run.timedOut ? "timeout" : "cancelled");
          }
          break;
        case "internal": {
          const path = error.path === undefined ? "" : ` at "${error.path.join(".")}"`;
          // Logs name the node and field (the LoaderError's message); clients get the loader's.
          const original = error.originalError;
          const detail = original instanceof Error ? original.message : error.message;
          this.#log(`GraphQL request failed${path}: ${detail}`, original);
          wire.push(this.#development ? error : withMessage(error, INTERNAL_SERVER_ERROR));
          if (!hasData && status === 422) status = 500;
        }
      }
    }
    const body: { errors: WireError[]; data?: GraphQLResponse["data"]; extensions?: unknown } = {
      errors: wire,
    };
    if (hasData) body.data = result.data;
    if (result.extensions !== undefined) body.extensions = result.extensions;
    return { status, body };
  }

  #aborted(run: Run, error: ExecutionAbortedError): Outcome {
    this.#refused(run.timedOut ? "timeout" : "cancelled");
    return requestError(run.timedOut ? 504 : 499, this.#abortMessage(run, error));
  }

  /** A GraphQL response, its JSON written under a `graphql.serialize` span when traced. */
  #respond(
    span: Span | null,
    status: number,
    body: unknown,
    media: ResponseMediaType,
    headers?: { readonly [name: string]: string },
  ): Response {
    if (span === null) return respond(status, body, media, headers);
    const phase = startSpan(this.#tracer, "graphql.serialize", withSpan(span));
    const response = respond(status, body, media, headers);
    phase?.end();
    return response;
  }

  #abortMessage(run: Run, error: ExecutionAbortedError): string {
    if (run.timedOut) {
      const message = `Request timed out: execution took longer than ${this.#limits.timeout} ms`;
      this.#log(message, error);
      return message;
    }
    return "Request was cancelled: the client closed the connection";
  }
}

/** A context factory's `SafeError`: the client is refused, told why. */
function refusal(error: SafeError): Outcome {
  const code = error.extensions?.code;
  const status = code === "UNAUTHENTICATED" ? 401 : code === "FORBIDDEN" ? 403 : 400;
  const shown = error.extensions === undefined
    ? { message: error.message }
    : { message: error.message, extensions: error.extensions };
  return { status, body: { errors: [shown] } };
}

/** What {@linkcode Run.body} gives when the body's deadline passes first. */
const BODY_TIMED_OUT: unique symbol = Symbol("body timed out");

/**
 * One HTTP request's deadlines and execution: the deadline of its body, then the time limit of
 * its execution and its abort signal (the time limit, or the client going away), and its
 * context, made once and shared by a batch.
 *
 * Its deadline (the body's, then the execution's) is one of {@linkcode DEADLINES}, which has one
 * timer for every request in flight.
 */
class Run implements Deadline {
  readonly #controller = new AbortController();
  readonly #request: Request;
  readonly #timeout: number;
  /** Listens to the client's signal (the request's), when the client's going away cancels. */
  #clientListener: AbortListener | null = null;
  /** The deadline in force (the body's, then the execution's), on `performance.now()`'s clock. */
  due = Infinity;
  deadlinePrevious: Deadline | null = null;
  deadlineNext: Deadline | null = null;
  #readingBody: boolean;
  /** Settles when the body's deadline passes; `null` when there is none. */
  readonly #bodyDeadline: PromiseWithResolvers<typeof BODY_TIMED_OUT> | null = null;
  #context: Promise<Context> | null = null;
  #budget: CostBudget | null = null;
  #explains: boolean | null = null;
  /** The HTTP request's span, when it is traced. */
  span: Span | null = null;
  timedOut = false;
  contextFailed = false;

  constructor(
    request: Request,
    limits: { readonly timeout: number; readonly bodyTimeout: number },
    cancelOnDisconnect: boolean,
    readsBody: boolean,
  ) {
    this.#request = request;
    this.#timeout = limits.timeout;
    this.#readingBody = readsBody;
    if (!readsBody) this.#startExecution();
    else if (Number.isFinite(limits.bodyTimeout)) {
      this.#bodyDeadline = Promise.withResolvers();
      this.due = performance.now() + limits.bodyTimeout;
      DEADLINES.schedule(this);
    }
    const clientSignal = cancelOnDisconnect ? request.signal : null;
    if (clientSignal === null) return;
    // The client went away (the request's signal aborted): stop executing.
    const gone = () => this.#controller.abort(clientSignal.reason);
    if (clientSignal.aborted) gone();
    else this.#clientListener = new AbortListener(clientSignal, gone);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * A read of the body, or `BODY_TIMED_OUT` when the body's deadline passes first. The read
   * is left as it is then: Deno closes the connection after the answer.
   */
  body<T>(read: Promise<T>): Promise<T | typeof BODY_TIMED_OUT> {
    const deadline = this.#bodyDeadline;
    return deadline === null ? read : Promise.race([read, deadline.promise]);
  }

  /** The body has arrived: the execution's time limit starts now. */
  bodyRead(): void {
    this.#readingBody = false;
    this.#startExecution();
  }

  /**
   * The context of a GraphQL request: made once for the requests without `extensions` (a batch
   * shares it), and once for each request with them, which the factory receives.
   */
  context(
    factory: ContextFactory,
    extensions: { readonly [key: string]: unknown } | null,
  ): Promise<Context> {
    if (extensions === null) return this.#context ??= this.#makeContext(factory, null);
    return this.#makeContext(factory, extensions);
  }

  async #makeContext(
    factory: ContextFactory,
    extensions: { readonly [key: string]: unknown } | null,
  ): Promise<Context> {
    const signal = this.#controller.signal;
    try {
      const execution = extensions === null ? { signal } : { signal, extensions };
      // A factory that never settles holds the request no longer than its time limit.
      return await untilAborted(factory(this.#request, execution), signal);
    } catch (error) {
      this.contextFailed = true;
      throw error;
    }
  }

  /**
   * The HTTP request's cost budget, which the requests of a batch share.
   *
   * @param init Its limits.
   * @returns The budget, made on first use.
   */
  budget(init: CostBudgetInit): CostBudget {
    return this.#budget ??= new CostBudget(init);
  }

  /**
   * Whether the HTTP request's responses carry their explain, as the endpoint's option decides,
   * asked once for a batch.
   *
   * @param decide The endpoint's `explain` option.
   * @returns Its verdict.
   */
  explains(decide: (request: Request) => boolean): boolean {
    return this.#explains ??= decide(this.#request) === true;
  }

  /** The deadline in force passed: the body's, or the execution's (its time limit ran out). */
  expire(): void {
    if (this.#readingBody) {
      this.#bodyDeadline?.resolve(BODY_TIMED_OUT);
      return;
    }
    this.timedOut = true;
    this.#controller.abort(new DOMException("The request's time limit ran out", "TimeoutError"));
  }

  /** Leaves the deadlines and stops listening to the client (before the response goes out). */
  close(): void {
    DEADLINES.cancel(this);
    this.#clientListener?.remove();
    this.#clientListener = null;
  }

  #startExecution(): void {
    const timeout = this.#timeout;
    if (!Number.isFinite(timeout)) {
      DEADLINES.cancel(this);
      return;
    }
    this.due = performance.now() + timeout;
    DEADLINES.schedule(this);
  }
}

/** The deadlines of every request in flight, of every endpoint: one timer for all. */
const DEADLINES = new Deadlines();

/** Why a POST's `Content-Type` is refused, or `null` when it is JSON in UTF-8. */
function contentTypeProblem(header: string | null): Rejection | null {
  switch (checkContentType(header)) {
    case "json":
      return null;
    case "missing":
      return new Rejection(415, `Content-Type is missing: send the request as ${APPLICATION_JSON}`);
    case "unsupported":
      return new Rejection(
        415,
        `Content-Type ${quote(header ?? "")} is not supported: send the request as ` +
          `${APPLICATION_JSON} (UTF-8)`,
      );
  }
}

/**
 * Why a POST's `Content-Encoding` is refused (RFC 9110: 415 for a coding the server does not
 * apply), or `null` when the body is sent as it is (no header, or `identity`). A compressed
 * body was read as text (gzip: "not valid UTF-8"), and a `br` label on a plain body was ignored.
 */
function encodingProblem(header: string | null): Rejection | null {
  if (header === null) return null;
  const codings = header.split(",").map((coding) => coding.trim().toLowerCase());
  if (codings.every((coding) => coding === "" || coding === "identity")) return null;
  return new Rejection(
    415,
    `Content-Encoding ${quote(header)} is not supported: send the body uncompressed`,
  );
}

/** The `persistedQueries` option, checked (messages name the option and the value). */
/** The request's signal, also aborted when the store has had `storeTimeout` for one call. */
function storeSignal(config: PersistedConfig, run: Run): AbortSignal {
  const limit = config.storeTimeout;
  if (limit === Infinity) return run.signal;
  // Timers take at most 2^31 - 1 ms (longer ones fire at once).
  return AbortSignal.any([run.signal, AbortSignal.timeout(Math.min(limit, MAX_TIMER_DELAY))]);
}

/** Why a store call failed, for the log: its error, or that it did not answer in time. */
function storeFailure(error: unknown, config: PersistedConfig): string {
  return error instanceof ExecutionAbortedError
    ? `did not answer within ${config.storeTimeout} ms (storeTimeout)`
    : `failed: ${messageOf(error)}`;
}

function persistedConfig(options: PersistedQueriesOptions): PersistedConfig {
  const fail = (name: string, what: string, value: unknown): never => {
    throw new TypeError(
      `Cannot create the GraphQL handler: "persistedQueries.${name}" must be ${what}, got ` +
        describe(value),
    );
  };
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `Cannot create the GraphQL handler: "persistedQueries" must be an object, got ${
        describe(options)
      }`,
    );
  }
  const documents = options.documents ?? null;
  if (documents !== null && !(documents instanceof TrustedDocuments)) {
    fail("documents", "TrustedDocuments (see TrustedDocuments.fromManifest)", documents);
  }
  const trustedOnly = options.trustedOnly ?? false;
  if (typeof trustedOnly !== "boolean") fail("trustedOnly", "a boolean", trustedOnly);
  if (trustedOnly && documents === null) {
    throw new TypeError(
      'Cannot create the GraphQL handler: "persistedQueries.trustedOnly" needs ' +
        '"persistedQueries.documents" (the trusted documents)',
    );
  }
  let store = options.store === undefined ? new MemoryPersistedQueryStore() : options.store;
  if (
    store !== null &&
    (typeof store !== "object" || typeof store.get !== "function" ||
      typeof store.set !== "function")
  ) {
    fail("store", "a PersistedQueryStore (with get and set) or null", store);
  }
  if (trustedOnly) store = null;
  const cacheControl = options.cacheControl ?? null;
  if (cacheControl !== null && (typeof cacheControl !== "string" || cacheControl === "")) {
    fail("cacheControl", "a Cache-Control header value", cacheControl);
  }
  const storeTimeout = options.storeTimeout ?? 1_000;
  if (typeof storeTimeout !== "number" || !(storeTimeout > 0)) {
    fail("storeTimeout", "a number of milliseconds above 0", storeTimeout);
  }
  return { documents, store, trustedOnly, cacheControl, storeTimeout };
}

function paramsOf(body: unknown, persisted: boolean): Params | Rejection {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return new Rejection(
      422,
      `Request must be a JSON object with a "query" string, got ${describe(body)}`,
    );
  }
  const { query, operationName, variables, extensions } = body as { [key: string]: unknown };
  if (query === undefined || query === null) {
    if (typeof extensions !== "object" || extensions === null) {
      return new Rejection(
        422,
        'Request parameter "query" is required: send the GraphQL document',
      );
    }
    if ((extensions as { readonly persistedQuery?: unknown }).persistedQuery === undefined) {
      return new Rejection(
        422,
        persisted
          ? 'Request parameter "query" is required: send the GraphQL document, or its hash in ' +
            '"extensions.persistedQuery"'
          : 'Request parameter "query" is required: send the GraphQL document',
      );
    }
  } else if (typeof query !== "string") {
    return new Rejection(422, `Request parameter "query" must be a string, got ${describe(query)}`);
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") {
    return new Rejection(
      422,
      `Request parameter "operationName" must be a string or null, got ${describe(operationName)}`,
    );
  }
  const badVariables = notAnObject(variables, "variables");
  if (badVariables !== null) return badVariables;
  const badExtensions = notAnObject(extensions, "extensions");
  if (badExtensions !== null) return badExtensions;
  return {
    query: query ?? null,
    operationName: operationName === undefined || operationName === "" ? null : operationName,
    variables: (variables ?? null) as Params["variables"],
    extensions: (extensions ?? null) as Params["extensions"],
  };
}

function notAnObject(value: unknown, name: string): Rejection | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "object" && !Array.isArray(value)) return null;
  return new Rejection(
    422,
    `Request parameter "${name}" must be an object or null, got ${describe(value)}`,
  );
}

function jsonParam(
  text: string | null,
  name: string,
): { readonly [key: string]: unknown } | null | Rejection {
  if (text === null || text === "") return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return new Rejection(400, `Request parameter "${name}" is not valid JSON: ${messageOf(error)}`);
  }
  return notAnObject(value, name) ?? (value as { readonly [key: string]: unknown } | null);
}

const EMPTY = new Uint8Array(0);
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a body of at most `maxBodySize` bytes, without reading more than that from the client,
 * within the run's body deadline, and decodes it as UTF-8, strictly.
 */
async function readBody(
  request: Request,
  limits: { readonly maxBodySize: number; readonly bodyTimeout: number },
  run: Run,
): Promise<string | Rejection> {
  const limit = limits.maxBodySize;
  if (request.bodyUsed || request.body?.locked === true) {
    // Something before the handler (a middleware) read the body: a bug of the app, not the
    // client's doing. The endpoint answers 500 and logs this.
    throw new TypeError(
      "The request's body was already read (or is being read) before the GraphQL handler got " +
        "it: pass the handler the request unread, or a new Request with the body",
    );
  }
  let bytes: Uint8Array | Rejection | typeof BODY_TIMED_OUT;
  try {
    const declared = request.headers.get("content-length");
    const length = declared === null ? NaN : Number(declared);
    if (length > limit) return tooLarge(limit);
    // Deno.serve holds a client to the length it declared; a Request made in the process (by a
    // framework, a test) is not, so with a limit the bytes are counted as they come.
    bytes = Number.isSafeInteger(length) && !Number.isFinite(limit)
      ? await run.body(request.bytes())
      : await readStream(request, limit, run);
  } catch {
    // The client went away mid-body (or broke HTTP's framing, and Deno closed the connection).
    return new Rejection(
      499,
      "Request was cancelled: the client closed the connection",
      {},
      "cancelled",
    );
  }
  if (bytes === BODY_TIMED_OUT) {
    return new Rejection(
      408,
      `Request body did not arrive within ${limits.bodyTimeout} ms: send the whole body sooner`,
      {},
      "body_timeout",
    );
  }
  if (bytes instanceof Rejection) return bytes;
  try {
    return UTF8.decode(bytes);
  } catch {
    return new Rejection(
      400,
      `Request body is not valid UTF-8 (at byte ${notUtf8At(bytes)}): send JSON in UTF-8`,
    );
  }
}

/** Reads a body of unknown length, chunk by chunk, stopping past `limit` bytes. */
async function readStream(
  request: Request,
  limit: number,
  run: Run,
): Promise<Uint8Array | Rejection | typeof BODY_TIMED_OUT> {
  if (request.body === null) return EMPTY;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const read = await run.body(reader.read());
    if (read === BODY_TIMED_OUT) return read;
    if (read.done) break;
    total += read.value.byteLength;
    // Not cancelled: Deno 2.9 would then keep the connection open, waiting for the rest of the
    // body, and hold up a graceful shutdown; left unread, it closes the connection after the 413.
    if (total > limit) return tooLarge(limit);
    chunks.push(read.value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function tooLarge(limit: number): Rejection {
  return new Rejection(
    413,
    `Request body is larger than the maximum of ${limit} bytes`,
    {},
    "body_size",
  );
}

/**
 * Where the first byte sequence that is not UTF-8 starts (Unicode's well-formed sequences,
 * table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), or -1.
 */
function notUtf8At(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const first = bytes[i]!;
    if (first < 0x80) {
      i++;
      continue;
    }
    let more: number;
    let low = 0x80;
    let high = 0xbf;
    if (first >= 0xc2 && first <= 0xdf) more = 1;
    else if (first >= 0xe0 && first <= 0xef) {
      more = 2;
      if (first === 0xe0) low = 0xa0;
      else if (first === 0xed) high = 0x9f;
    } else if (first >= 0xf0 && first <= 0xf4) {
      more = 3;
      if (first === 0xf0) low = 0x90;
      else if (first === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k <= more; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < low || next > high) return i;
      low = 0x80;
      high = 0xbf;
    }
    i += more + 1;
  }
  return -1;
}

/**
 * The first of the given URL parameters whose value has a U+FFFD that does not come from the URL
 * (URLSearchParams put it in place of bytes that are not UTF-8), or `null`.
 */
function notUtf8Param(
  search: string,
  params: readonly (readonly [name: string, value: string | null])[],
): string | null {
  for (const [name, value] of params) {
    if (value === null || !value.includes("\uFFFD")) continue;
    for (const pair of search.slice(1).split("&")) {
      const equals = pair.indexOf("=");
      if (percentDecoded(equals < 0 ? pair : pair.slice(0, equals)) !== name) continue;
      // The first parameter of a name is the one URLSearchParams gives.
      if (percentDecoded(equals < 0 ? "" : pair.slice(equals + 1)) === null) return name;
      break;
    }
  }
  return null;
}

/** A URL's query string component decoded as URLSearchParams does, or `null` when not UTF-8. */
function percentDecoded(text: string): string | null {
  try {
    // "+" is a space, and a "%" that starts no escape stands for itself.
    return decodeURIComponent(text.replaceAll("+", " ").replace(/%(?![0-9A-Fa-f]{2})/g, "%25"));
  } catch {
    return null;
  }
}

function requestError(status: number, message: string): Outcome {
  return { status, body: { errors: [{ message }] } };
}

/**
 * A GraphQL response. A legacy client (one that accepts application/json only) gets the same
 * status codes, and application/json on 2xx responses: the draft's rule, so that a client can
 * tell a GraphQL error from a proxy's by the content type.
 */
function respond(
  status: number,
  body: unknown,
  media: ResponseMediaType,
  extra?: { readonly [name: string]: string },
): Response {
  const headers = status >= 300 || media === GRAPHQL_RESPONSE_JSON
    ? GRAPHQL_BODY_HEADERS
    : JSON_BODY_HEADERS;
  const response = new Response(JSON.stringify(body), {
    status,
    headers: extra === undefined ? headers : { ...headers, ...extra },
  });
  response.headers.set("vary", "Accept");
  return response;
}

/** A refused request's response; in legacy mode, with the older text's status. */
function rejection(rejection: Rejection, legacy = false): Response {
  return new Response(JSON.stringify({ errors: [{ message: rejection.message }] }), {
    status: legacy ? legacyRejectionStatus(rejection.status) : rejection.status,
    headers: { ...JSON_HEADERS, ...rejection.headers },
  });
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return typeof value === "string" ? `string ${quote(value)}` : `${typeof value} ${String(value)}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
