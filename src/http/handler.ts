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
 *   root fields, body size, batch size and a time limit that stops loaders from starting;
 * - errors masked: clients see "Internal server error" for anything unexpected (the detail goes
 *   to the logger), unless development mode is on; a loader shows a message with `SafeError`;
 * - GraphiQL for people with a browser (`GET` with `Accept: text/html`).
 *
 * Status codes (graphql-response+json; for `application/json`, the same codes, and responses
 * with a 2xx code are labelled `application/json`):
 *
 * | situation                                                    | status |
 * | ------------------------------------------------------------ | ------ |
 * | data and no errors                                           | 200    |
 * | data (even `null`) and errors: a partial success             | 294    |
 * | a batch (each response in the array has its own outcome)     | 200    |
 * | body is not JSON; `variables` in a URL is not JSON           | 400    |
 * | query does not parse, or has more tokens than `maxTokens`    | 400    |
 * | method other than GET and POST; a mutation over GET          | 405    |
 * | `Accept` allows none of the response types                   | 406    |
 * | body, query text or batch larger than its limit              | 413    |
 * | `Content-Type` missing, not JSON, or not UTF-8               | 415    |
 * | not a well-formed request (`query` missing or not a string)  | 422    |
 * | validation, limits, unknown operation, variable errors       | 422    |
 * | an unexpected error before any data (e.g. the context)       | 500    |
 * | the client went away (nobody reads this answer)              | 499    |
 * | the time limit ran out before any data                       | 504    |
 *
 * Requests that never become GraphQL requests (a wrong method, `Accept` or `Content-Type`, a body
 * too large, broken JSON, malformed parameters, an oversized batch) get
 * `{ "errors": [{ "message": ... }] }` as `application/json`: the draft reserves
 * application/graphql-response+json for GraphQL responses.
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
import { ExecutionAbortedError } from "../base/errors.ts";
import {
  DEFAULT_GRAPHIQL_IMPORTS,
  DEFAULT_GRAPHIQL_STYLESHEETS,
  renderGraphiQL,
} from "./_graphiql.ts";
import {
  type DocumentVerdict,
  LimitChecker,
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
import {
  type GraphQLRequest,
  type GraphQLResponse,
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
 * @param execution The execution's abort signal.
 * @returns The context, or a promise of it.
 */
export type ContextFactory = (
  request: Request,
  execution: { readonly signal: AbortSignal },
) => Context | Promise<Context>;

/** Where the GraphiQL page loads GraphiQL from, and its title. */
export interface GraphiQLOptions {
  /** The page's title. Default `"GraphiQL"`. */
  readonly title?: string;
  /** Stylesheet URLs. Default: GraphiQL 5.2.4's stylesheet on esm.sh. */
  readonly stylesheets?: readonly string[];
  /**
   * The page's import map: URLs for `react`, `react-dom/client`, `graphiql`,
   * `graphiql/setup-workers/esm.sh` and `@graphiql/toolkit`. Default: GraphiQL's CDN example,
   * GraphiQL 5.2.4 and React 19 on esm.sh (versions pinned). Point it at your own copies to serve
   * GraphiQL without a CDN.
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
   * client going away), which loaders can use to stop work in flight. Default: none (the
   * schema's `{}`).
   */
  readonly context?: ContextFactory;
  /** The most nested selection sets (`{ a { b } }` is 2; introspection not counted). Default 10. */
  readonly maxDepth?: number;
  /** The most aliases in a document. Default 15. */
  readonly maxAliases?: number;
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
   * The time limit of an HTTP request's execution, in milliseconds: when it runs out, no more
   * loaders start and the response is an error (504). Default 10,000.
   */
  readonly timeout?: number;
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
}

/** The default of every limit of {@linkcode graphqlHandler}. */
export const GRAPHQL_HANDLER_LIMITS: {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxRootFields: number;
  readonly maxTokens: number;
  readonly maxQueryLength: number;
  readonly maxBodySize: number;
  readonly maxBatchSize: number;
  readonly timeout: number;
} = Object.freeze({
  maxDepth: 10,
  maxAliases: 15,
  maxRootFields: 20,
  maxTokens: 5_000,
  maxQueryLength: 100_000,
  maxBodySize: 1_048_576,
  maxBatchSize: 10,
  timeout: 10_000,
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
 * @throws {RangeError} When a limit is not a number at least 0 (`Infinity` is allowed), or the
 *   time limit is not above 0.
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
  return (request) => endpoint.handle(request);
}

/** The parameters of one GraphQL-over-HTTP request, checked. */
interface Params {
  readonly query: string;
  readonly operationName: string | null;
  readonly variables: { readonly [name: string]: unknown } | null;
}

/** The outcome of one GraphQL request: its status and what goes on the wire. */
interface Outcome {
  readonly status: number;
  readonly body: GraphQLResponse | { readonly errors: readonly WireError[] };
  readonly allow?: string;
}

/** A request that cannot be a GraphQL request at all. */
class Rejection {
  constructor(
    readonly status: number,
    readonly message: string,
    readonly headers: { readonly [name: string]: string } = {},
  ) {}
}

const JSON_HEADERS = { "content-type": `${APPLICATION_JSON}; charset=utf-8` };
const GRAPHQL_HEADERS = { "content-type": `${GRAPHQL_RESPONSE_JSON}; charset=utf-8` };
const HTML_HEADERS = { "content-type": `${TEXT_HTML}; charset=utf-8` };

class Endpoint {
  readonly #schema: ExecutableSchema;
  readonly #limits: { readonly [name in LimitName]: number };
  readonly #checker: LimitChecker;
  readonly #context: ContextFactory | null;
  readonly #development: boolean;
  readonly #cancelOnDisconnect: boolean;
  readonly #log: (message: string, error: unknown) => void;
  readonly #graphiql: string | null;

  constructor(schema: ExecutableSchema, options: GraphQLHandlerOptions) {
    this.#schema = schema;
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
    if (limits.timeout === 0) {
      throw new RangeError(
        'Cannot create the GraphQL handler: "timeout" must be above 0 (Infinity for none), got 0',
      );
    }
    this.#limits = limits;
    this.#checker = new LimitChecker(limits, VERDICT_CACHE_SIZE);
    this.#context = options.context ?? null;
    this.#development = options.development ?? false;
    this.#cancelOnDisconnect = options.cancelOnDisconnect ?? true;
    this.#log = options.logger ?? ((message, error) => console.error(message, error));
    const graphiql = options.graphiql ?? true;
    this.#graphiql = graphiql === false ? null : renderGraphiQL({
      title: graphiql === true ? "GraphiQL" : graphiql.title ?? "GraphiQL",
      stylesheets: graphiql === true
        ? DEFAULT_GRAPHIQL_STYLESHEETS
        : graphiql.stylesheets ?? DEFAULT_GRAPHIQL_STYLESHEETS,
      imports: graphiql === true
        ? DEFAULT_GRAPHIQL_IMPORTS
        : graphiql.imports ?? DEFAULT_GRAPHIQL_IMPORTS,
      integrity: graphiql === true ? {} : graphiql.integrity ?? {},
    });
  }

  async handle(request: Request): Promise<Response> {
    try {
      return await this.#handle(request);
    } catch (error) {
      // Only a bug in this layer (or a throwing logger) gets here: answer anyway.
      try {
        this.#log(`GraphQL endpoint failed: ${messageOf(error)}`, error);
      } catch { /* the logger itself failed; the client still gets an answer */ }
      return rejection(new Rejection(500, INTERNAL_SERVER_ERROR));
    }
  }

  async #handle(request: Request): Promise<Response> {
    const method = request.method;
    if (method !== "GET" && method !== "POST") {
      return rejection(
        new Rejection(405, `Method ${method} is not allowed: use GET or POST`, {
          allow: "GET, POST",
        }),
      );
    }
    const media = negotiate(
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

    const params = method === "GET" ? this.#fromUrl(request.url) : await this.#fromBody(request);
    if (params instanceof Rejection) return rejection(params);

    const run = new Run(request, this.#limits.timeout, this.#cancelOnDisconnect);
    try {
      if (!Array.isArray(params)) {
        const outcome = await this.#execute(params, method, run);
        return respond(outcome.status, outcome.body, media, outcome.allow);
      }
      const outcomes = await Promise.all(
        params.map((p) =>
          p instanceof Rejection
            ? { status: p.status, body: { errors: [{ message: p.message }] } }
            : this.#execute(p, method, run)
        ),
      );
      return respond(200, outcomes.map((o) => o.body), media);
    } finally {
      run.close();
    }
  }

  #fromUrl(url: string): Params | Rejection {
    const search = new URL(url).searchParams;
    const query = search.get("query");
    if (query === null) {
      return new Rejection(
        422,
        'Request parameter "query" is required: send the GraphQL document in the URL\'s "query" ' +
          "parameter, or open this URL in a browser for GraphiQL",
      );
    }
    const variables = jsonParam(search.get("variables"), "variables");
    if (variables instanceof Rejection) return variables;
    const extensions = jsonParam(search.get("extensions"), "extensions");
    if (extensions instanceof Rejection) return extensions;
    const operationName = search.get("operationName");
    return {
      query,
      operationName: operationName === null || operationName === "" ? null : operationName,
      variables,
    };
  }

  async #fromBody(request: Request): Promise<Params | (Params | Rejection)[] | Rejection> {
    switch (checkContentType(request.headers.get("content-type"))) {
      case "missing":
        return new Rejection(
          415,
          `Content-Type is missing: send the request as ${APPLICATION_JSON}`,
        );
      case "unsupported":
        return new Rejection(
          415,
          `Content-Type "${request.headers.get("content-type")}" is not supported: send the ` +
            `request as ${APPLICATION_JSON} (UTF-8)`,
        );
    }
    const text = await readBody(request, this.#limits.maxBodySize);
    if (text instanceof Rejection) return text;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      return new Rejection(400, `Request body is not valid JSON: ${messageOf(error)}`);
    }
    if (!Array.isArray(body)) return paramsOf(body);
    if (body.length > this.#limits.maxBatchSize) {
      return new Rejection(
        413,
        this.#limits.maxBatchSize === 0
          ? "Batched requests are not accepted: send one request per HTTP request"
          : `Batch of ${body.length} requests is larger than the maximum of ` +
            `${this.#limits.maxBatchSize}`,
      );
    }
    if (body.length === 0) return new Rejection(422, "Batch is empty: send at least one request");
    return body.map(paramsOf);
  }

  async #execute(params: Params, method: string, run: Run): Promise<Outcome> {
    const { query, operationName } = params;
    if (query.length > this.#limits.maxQueryLength) {
      return requestError(
        413,
        `Query text of ${query.length} characters is longer than the maximum of ` +
          `${this.#limits.maxQueryLength}`,
      );
    }
    const verdict = this.#verdict(query);
    if (verdict.syntaxError !== null) {
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
        allow: "POST",
      };
    }
    if (verdict.problems.length > 0 || (operation !== null && operation.problems.length > 0)) {
      const problems: LimitProblem[] = [...verdict.problems, ...(operation?.problems ?? [])];
      return { status: 422, body: { errors: problems } };
    }

    let result: GraphQLResponse;
    try {
      const context = this.#context === null ? undefined : await run.context(this.#context);
      const request: GraphQLRequest = context === undefined
        ? { query, variables: params.variables, operationName, signal: run.signal }
        : { query, variables: params.variables, operationName, signal: run.signal, context };
      result = await this.#schema.execute(request);
    } catch (error) {
      if (error instanceof ExecutionAbortedError) return this.#aborted(run, error);
      const where = run.contextFailed ? "GraphQL context factory failed" : "GraphQL request failed";
      this.#log(`${where}: ${messageOf(error)}`, error);
      return requestError(500, this.#development ? messageOf(error) : INTERNAL_SERVER_ERROR);
    }
    return this.#outcome(result, run);
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
      return { status: hasData ? 200 : 422, body: result };
    }
    let status = hasData ? 294 : 422;
    const wire: WireError[] = [];
    for (const error of errors) {
      const origin = originOf(error);
      switch (origin.kind) {
        case "request":
          wire.push(error);
          break;
        case "safe":
          wire.push(withMessage(error, origin.error.message, origin.error.extensions));
          break;
        case "aborted":
          wire.push(withMessage(error, this.#abortMessage(run, origin.error)));
          if (!hasData) status = run.timedOut ? 504 : 499;
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
    return {
      status,
      body: hasData ? { errors: wire, data: result.data } : { errors: wire },
    };
  }

  #aborted(run: Run, error: ExecutionAbortedError): Outcome {
    return requestError(run.timedOut ? 504 : 499, this.#abortMessage(run, error));
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

/**
 * One HTTP request's execution: its abort signal (the time limit, or the client going away) and
 * its context, made once and shared by a batch.
 */
class Run {
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #request: Request;
  readonly #clientSignal: AbortSignal | null;
  readonly #onClientAbort: () => void;
  #context: Promise<Context> | null = null;
  timedOut = false;
  contextFailed = false;

  constructor(request: Request, timeout: number, cancelOnDisconnect: boolean) {
    this.#request = request;
    this.#timer = Number.isFinite(timeout)
      ? setTimeout(() => {
        this.timedOut = true;
        this.#controller.abort(
          new DOMException("The request's time limit ran out", "TimeoutError"),
        );
      }, timeout)
      : undefined;
    const clientSignal = cancelOnDisconnect ? request.signal : null;
    this.#clientSignal = clientSignal;
    this.#onClientAbort = () => this.#controller.abort(clientSignal?.reason);
    if (clientSignal?.aborted) this.#onClientAbort();
    else clientSignal?.addEventListener("abort", this.#onClientAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  context(factory: ContextFactory): Promise<Context> {
    return this.#context ??= (async () => {
      try {
        return await factory(this.#request, { signal: this.#controller.signal });
      } catch (error) {
        this.contextFailed = true;
        throw error;
      }
    })();
  }

  /** Stops the timer and stops listening to the client (before the response goes out). */
  close(): void {
    clearTimeout(this.#timer);
    this.#clientSignal?.removeEventListener("abort", this.#onClientAbort);
  }
}

function paramsOf(body: unknown): Params | Rejection {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return new Rejection(
      422,
      `Request must be a JSON object with a "query" string, got ${describe(body)}`,
    );
  }
  const { query, operationName, variables, extensions } = body as { [key: string]: unknown };
  if (query === undefined || query === null) {
    return new Rejection(422, 'Request parameter "query" is required: send the GraphQL document');
  }
  if (typeof query !== "string") {
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
    query,
    operationName: operationName === undefined || operationName === "" ? null : operationName,
    variables: (variables ?? null) as Params["variables"],
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

/** Reads a body of at most `limit` bytes, without reading more than that from the client. */
async function readBody(request: Request, limit: number): Promise<string | Rejection> {
  const tooLarge = () =>
    new Rejection(413, `Request body is larger than the maximum of ${limit} bytes`);
  const declared = request.headers.get("content-length");
  if (declared !== null) {
    const length = Number(declared);
    if (length > limit) return tooLarge();
    // The server holds the client to the length it declared.
    if (Number.isSafeInteger(length)) return await request.text();
  }
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      return tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
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
  allow?: string,
): Response {
  const headers = status >= 300 || media === GRAPHQL_RESPONSE_JSON ? GRAPHQL_HEADERS : JSON_HEADERS;
  return new Response(JSON.stringify(body), {
    status,
    headers: allow === undefined ? headers : { ...headers, allow },
  });
}

function rejection(rejection: Rejection): Response {
  return new Response(JSON.stringify({ errors: [{ message: rejection.message }] }), {
    status: rejection.status,
    headers: { ...JSON_HEADERS, ...rejection.headers },
  });
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value) ?? String(value);
  return `${typeof value} ${text.length > 40 ? text.slice(0, 40) + "…" : text}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
