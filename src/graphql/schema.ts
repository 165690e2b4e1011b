/**
 * The GraphQL schema: one object holding the query graph, the mutation graph and the engine,
 * that executes GraphQL requests the way GraphQL clients expect.
 *
 * `schema.execute({ query, variables, operationName, context, signal })` parses the text,
 * validates it against the schema with every rule of the GraphQL specification (graphql-js's
 * `validate`, so messages are graphql-js's), coerces the variables, then runs the operation with
 * the engine: a query on the query graph, a mutation on the mutation graph (its root fields one
 * after another, in document order). `__schema` and `__type` are answered by graphql-js's
 * introspection of the same schema. The response is `{ data, errors }`: a loader that fails nulls
 * the nearest nullable place above what it would have loaded and reports its error there, with
 * `message`, `locations` and `path`; document and variable errors come back all at once, without
 * `data`.
 *
 * Each query text is parsed, validated and compiled once, and each of its operations planned once
 * per outcome of its `@skip`/`@include` conditions: the plan never depends on variable values,
 * which are coerced once per request (by graphql-js) and bound when loaders run. What a text keeps
 * is held in an LRU cache bounded by bytes (`cacheBytes`) and count (`cacheSize`).
 *
 * @module
 */

import {
  executeSync,
  getVariableValues,
  type GraphQLSchema,
  Kind,
  NoSchemaIntrospectionCustomRule,
  printSchema,
  specifiedRules,
  type ValidationRule,
} from "npm:graphql@17.1.0";
import {
  CostLimitError,
  ExecutionAbortedError,
  LoaderError,
  QueryReadError,
  type SourceLocation,
} from "../base/errors.ts";
import { MAX_VALUE_DEPTH, tooDeepValue } from "../base/_depth.ts";
import { inspectGraphQL } from "../base/_graphql_inspect.ts";
import { describe } from "../base/_inspect.ts";
import { TextCache } from "../base/_text_cache.ts";
import { MAX_QUOTED, quote } from "../base/_quote.ts";
import type { Context } from "../definitions/context.ts";
import type { Graph } from "../definitions/graph.ts";
import {
  DEFAULT_MAX_ERRORS,
  denormalizeWithErrors,
  type ResultError,
  SerializeError,
} from "../execution/denormalize.ts";
import { Engine, executePlan, listenersFor } from "../execution/engine.ts";
import { releaseResult } from "../execution/result.ts";
import {
  type MetricFamilies,
  metricFamilies,
  type Metrics,
  type RequestResult,
} from "../execution/metrics.ts";
import {
  endSpan,
  startSpan,
  tracerOf,
  type TracingOption,
  withSpan,
} from "../execution/tracing.ts";
import {
  type Context as OtelContext,
  context as otelContext,
  type Span,
  type Tracer,
} from "npm:@opentelemetry/api@1.9.1";
import type { Executor } from "../execution/executor.ts";
import type { CostBudget } from "../execution/budget.ts";
import { ExplainRecorder } from "../execution/explain.ts";
import { type CostEstimate, estimateCost } from "../planning/estimate.ts";
import { NO_VARIABLES, type Variables } from "../planning/options.ts";
import {
  type CompiledDocument,
  type CompiledOperation,
  decideConditions,
} from "../query/document.ts";
import {
  DocumentEntry,
  outcomeOf,
  type PreparedOperation,
  type PreparedOutcome,
  responseErrorOf,
} from "./_documents.ts";
import { buildGraphQLSchema, MUTATION_TYPE_NAME, QUERY_TYPE_NAME } from "./graphql_schema.ts";
import { mergeRoot } from "./_introspection.ts";
import { GRAPH_RULES } from "./_graph_rules.ts";

/** What {@linkcode Schema} is made of. */
export interface SchemaInit {
  /** The query graph: its root is the `Query` type. */
  readonly query: Graph;
  /** The mutation graph, e.g. `MutationGraph(query, Root([...]))`: its root is `Mutation`. */
  readonly mutation?: Graph | null;
  /** Runs the loaders (e.g. `new AsyncExecutor()`). */
  readonly executor: Executor;
  /** Whether clients may query `__schema` and `__type`. Default `true`. */
  readonly introspection?: boolean;
  /** How many query texts keep their compiled document and plans. Default 1000; 0 disables. */
  readonly cacheSize?: number;
  /**
   * How many bytes the kept documents and plans may take, as estimated (text, compiled selections,
   * plans). Default 64 MiB (67,108,864).
   */
  readonly cacheBytes?: number;
  /**
   * The most errors one response reports from execution; beyond it, one more error says how many
   * were left out. Default 100.
   */
  readonly maxErrors?: number;
  /**
   * Whether sources may answer a region of a query with one load (the Postgres sources fuse a
   * subtree of tables into one statement). Default `true`.
   */
  readonly fusion?: boolean;
  /**
   * Whether a response carries the explain of its execution (every load with its node, path,
   * ids and time; see `ExplainRecorder`) in `extensions.explain`: `true` for every request, or a
   * function deciding per request (e.g. by a value the server put in its context). A request's
   * own `explain` takes precedence. Explain shows the query's structure, ids and error messages:
   * never turn it on for clients that may not see them. Default `false`.
   */
  readonly explain?: boolean | ((request: GraphQLRequest) => boolean);
  /**
   * OpenTelemetry tracing: `true` (the default) through the global tracer provider of
   * `@opentelemetry/api` (nothing is traced until an SDK registers one), a `TracerProvider`
   * through that one, `false` never. Each request is a span (`graphql.request`) with a span per
   * phase (`graphql.parse`, `graphql.validate`, `graphql.plan`, `graphql.execute`,
   * `graphql.serialize`), per query path and per load (see `EngineOptions.tracing`).
   */
  readonly tracing?: TracingOption;
  /**
   * Where requests (by operation type and result), document cache hits and misses, and loads
   * (per node and loader) are counted (see `Metrics`). Default: not counted.
   */
  readonly metrics?: Metrics | null;
}

/** A GraphQL request, as a client sends it, plus the context and an abort signal. */
export interface GraphQLRequest {
  /** The GraphQL text. */
  readonly query: string;
  /** Variable values, by name without `$`. */
  readonly variables?: { readonly [name: string]: unknown } | null;
  /** The operation to run when the text has several. */
  readonly operationName?: string | null;
  /** The context loaders wrapped with `passContext` receive. Default `{}`. */
  readonly context?: Context;
  /** Stops the execution: no loader starts after it aborts, and `execute` rejects. */
  readonly signal?: AbortSignal | null;
  /**
   * What the request may cost (the HTTP endpoint makes one per HTTP request; a batch shares it):
   * a query estimated over its `maxCost` is refused before it runs, and one whose ids loaded go
   * over `maxIds` is stopped; either answers with one error (code `COST_LIMIT`) and no data.
   * Default: no limit. Pass one for queries from untrusted clients.
   */
  readonly budget?: CostBudget | null;
  /**
   * Whether the response carries the explain of the execution in `extensions.explain`; set by
   * the server, never from what a client sent (`graphqlHandler` sets it as its `explain` option
   * decides). Default: as the schema's `explain` option says.
   */
  readonly explain?: boolean;
}

/**
 * An error in a GraphQL response. `originalError`, when there is one (the `LoaderError` of a
 * failed loader, a graphql-js error), is not enumerable: it is left out of JSON, so an HTTP
 * layer decides what clients see of it.
 */
export interface GraphQLResponseError {
  /** What went wrong. */
  readonly message: string;
  /** Where in the query text. */
  readonly locations?: readonly SourceLocation[];
  /** Result keys and list indexes from `data` to the place the error nulled. */
  readonly path?: readonly (string | number)[];
  /** Extra information. */
  readonly extensions?: { readonly [key: string]: unknown };
  /** The error behind this one (not enumerable). */
  readonly originalError?: unknown;
}

/**
 * A GraphQL response: `errors` (when any) then `data` (absent when the request could not run),
 * in that key order, as graphql-js builds them, then `extensions` when there are any.
 */
export interface GraphQLResponse {
  /** Every error; absent when there are none. */
  readonly errors?: readonly GraphQLResponseError[];
  /** The result; `null` when an error reached the root; absent when the request was invalid. */
  readonly data?: { [key: string]: unknown } | null;
  /**
   * What the server adds: `explain` (an `Explain`) when explain was asked for and the request
   * ran. Absent otherwise.
   */
  readonly extensions?: { readonly [key: string]: unknown };
}

/** How the document cache is doing. */
export interface CacheStats {
  /** Query texts whose document is kept. */
  readonly size: number;
  /** The most kept. */
  readonly capacity: number;
  /** What the kept texts hold, in bytes (an estimate). */
  readonly bytes: number;
  /** The most bytes kept. */
  readonly maxBytes: number;
  /** Requests whose text was found: not parsed, validated or planned again. */
  readonly hits: number;
  /** Requests whose text was parsed (and compiled, validated, planned as far as it went). */
  readonly misses: number;
}

let schemaOf: (schema: Schema) => GraphQLSchema;

/**
 * The graphql-js schema a {@linkcode Schema} built (internal: for tests and the HTTP layer; not
 * exported from mod.ts, so graphql-js's types stay out of the public API).
 *
 * @param schema The schema.
 * @returns Its graphql-js schema.
 */
export function graphqlSchemaOf(schema: Schema): GraphQLSchema {
  return schemaOf(schema);
}

let entryOf: (schema: Schema, text: string, maxTokens: number) => DocumentEntry;

/** A query text as the schema parsed and compiled it (for the HTTP layer's limits). */
export interface ParsedText {
  /** The syntax error (or the token limit's), as a response error; `null` when it parsed. */
  readonly syntaxError: GraphQLResponseError | null;
  /** The compiled document, when it parsed. */
  readonly document: CompiledDocument | null;
}

/**
 * Parses and compiles a query text through the schema's cache (internal: the HTTP layer checks
 * its limits on what the schema will then run, so the text is parsed once).
 *
 * @param schema The schema.
 * @param text The query text.
 * @param maxTokens The most lexical tokens allowed.
 * @returns The syntax error, or the compiled document.
 */
export function parsedTextOf(schema: Schema, text: string, maxTokens: number): ParsedText {
  const entry = entryOf(schema, text, maxTokens);
  if (entry.syntaxError === null && entry.tokens > maxTokens) {
    // Parsed before under a higher limit: the error this limit gives, without keeping it.
    const limited = DocumentEntry.parse(text, maxTokens);
    return { syntaxError: limited.syntaxError, document: null };
  }
  return { syntaxError: entry.syntaxError, document: entry.compiled };
}

/**
 * Requests from the HTTP endpoint, which has looked their text up in the cache already (and
 * counted it), with the context of its span (`null` when it is not traced).
 */
const fromHandler = new WeakMap<GraphQLRequest, OtelContext | null>();

/**
 * Marks a request whose text the HTTP endpoint looked up with {@linkcode parsedTextOf}
 * (internal), so that the cache's metrics count it once, and gives the parent of its span.
 *
 * @param request The request about to be executed.
 * @param parent The context of the HTTP request's span, or `null`.
 */
export function markFromHandler(request: GraphQLRequest, parent: OtelContext | null): void {
  fromHandler.set(request, parent);
}

/** What one request's tracing and metrics need. */
class RequestWatch {
  readonly tracer: Tracer | null;
  readonly span: Span | null;
  readonly context: OtelContext | null;
  readonly start = performance.now();
  operation: "query" | "mutation" | "subscription" | "unknown" = "unknown";

  constructor(tracer: Tracer | null, parent: OtelContext | null) {
    this.tracer = tracer;
    this.span = startSpan(tracer, "graphql.request", parent ?? otelContext.active());
    this.context = this.span === null ? null : withSpan(this.span);
  }

  /** Starts a phase's span; `null` when the request is not traced. */
  phase(name: string): Span | null {
    return this.context === null ? null : startSpan(this.tracer, name, this.context);
  }
}

const DEFAULT_CACHE_SIZE = 1000;
const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;
/** The most variable errors reported at once. */
const MAX_VARIABLE_ERRORS = 50;

/**
 * A GraphQL schema over a query graph and an optional mutation graph.
 *
 * @example A query and a mutation
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   AsyncExecutor, Field, Graph, Int, Link, MutationGraph, Node, Option, Root, Schema, Sequence,
 *   Str, TypeRef,
 * } from "../../mod.ts";
 *
 * const names = new Map([[1, "James T. Kirk"], [2, "Spock"]]);
 * const graph = Graph([
 *   Node("Character", [
 *     Field("name", Str, (fields, ids: number[]) => ids.map((id) => [names.get(id)])),
 *   ]),
 *   Root([
 *     Link("characters", Sequence(TypeRef("Character")), () => [...names.keys()], { requires: null }),
 *   ]),
 * ]);
 * const rename = (opts: { id: number; name: string }) => {
 *   names.set(opts.id, opts.name);
 *   return opts.id;
 * };
 * const mutation = MutationGraph(graph, Root([
 *   Link("rename", TypeRef("Character"), rename, {
 *     requires: null,
 *     options: [Option("id", Int), Option("name", Str)],
 *   }),
 * ]));
 * const schema = new Schema({ query: graph, mutation, executor: new AsyncExecutor() });
 *
 * assert.deepEqual(await schema.execute({ query: "{ characters { name } }" }), {
 *   data: { characters: [{ name: "James T. Kirk" }, { name: "Spock" }] },
 * });
 * assert.deepEqual(
 *   await schema.execute({ query: 'mutation { rename(id: 2, name: "Mr. Spock") { name } }' }),
 *   { data: { rename: { name: "Mr. Spock" } } },
 * );
 * ```
 */
export class Schema {
  /** The query graph. */
  readonly query: Graph;
  /** The mutation graph, or `null`. */
  readonly mutation: Graph | null;
  /** The engine that runs operations. */
  readonly engine: Engine;
  /** Whether introspection is allowed. */
  readonly introspection: boolean;
  /** The graphql-js schema of the graphs (built once). */
  readonly #graphqlSchema: GraphQLSchema;
  readonly #rules: readonly ValidationRule[];
  readonly #documents: TextCache<DocumentEntry>;
  readonly #maxErrors: number;
  readonly #explain: boolean | ((request: GraphQLRequest) => boolean);
  readonly #tracer: Tracer | null;
  readonly #metrics: Metrics | null;
  readonly #families: MetricFamilies | null;
  #sdl: string | null = null;
  #hits = 0;
  #misses = 0;

  static {
    schemaOf = (schema) => schema.#graphqlSchema;
    entryOf = (schema, text, maxTokens) => schema.#entry(text, maxTokens);
  }

  /**
   * Builds the schema of the graphs, once.
   *
   * @param init The graphs, the executor, whether introspection is allowed, the cache size.
   * @throws {GraphDefinitionError} When the graphs cannot be a GraphQL schema (see
   *   `buildGraphQLSchema`).
   */
  constructor(init: SchemaInit) {
    this.query = init.query;
    this.mutation = init.mutation ?? null;
    this.#tracer = tracerOf(init.tracing);
    this.#metrics = init.metrics ?? null;
    this.#families = this.#metrics === null ? null : metricFamilies(this.#metrics);
    this.engine = new Engine(init.executor, {
      fusion: init.fusion ?? true,
      tracing: init.tracing ?? true,
      metrics: this.#metrics,
    });
    this.introspection = init.introspection ?? true;
    this.#graphqlSchema = buildGraphQLSchema(this.query, this.mutation);
    this.#rules = this.introspection
      ? [...specifiedRules, ...GRAPH_RULES]
      : [...specifiedRules, NoSchemaIntrospectionCustomRule, ...GRAPH_RULES];
    this.#documents = new TextCache(
      init.cacheBytes ?? DEFAULT_CACHE_BYTES,
      init.cacheSize ?? DEFAULT_CACHE_SIZE,
      (_text, entry) => entry.bytes,
    );
    this.#maxErrors = init.maxErrors ?? DEFAULT_MAX_ERRORS;
    this.#explain = init.explain ?? false;
  }

  /** The schema in SDL, as graphql-js's `printSchema` prints it. */
  get sdl(): string {
    return this.#sdl ??= printSchema(this.#graphqlSchema);
  }

  /**
   * How the document cache is doing: a repeated query text is a hit, and is neither parsed nor
   * validated again.
   *
   * @returns Size, capacity, hits and misses.
   */
  cacheStats(): CacheStats {
    return {
      size: this.#documents.size,
      capacity: this.#documents.maxEntries,
      bytes: this.#documents.bytes,
      maxBytes: this.#documents.maxBytes,
      hits: this.#hits,
      misses: this.#misses,
    };
  }

  /**
   * Executes a GraphQL request.
   *
   * Never rejects because of the request or a loader: syntax, validation and variable errors
   * come back as `{ errors }` (all of them, with locations); a loader that throws or returns a
   * wrong shape, a value it gives as an `Error`, and a value that cannot be serialized null the
   * nearest nullable place and come back in `errors`, one per position, with the path, next to
   * the rest of `data`. Error messages are the loaders' own; the `LoaderError` naming node and
   * field stays on each error as its `originalError`.
   *
   * @param request The query text, variables, operation name, context and abort signal.
   * @returns `{ errors, data }` as the GraphQL specification describes the response.
   * @throws {ExecutionAbortedError} (rejects) When `signal` aborts.
   */
  async execute(request: GraphQLRequest): Promise<GraphQLResponse> {
    const families = this.#families;
    if (this.#tracer === null && families === null) return this.#execute(request, null);
    const watch = new RequestWatch(this.#tracer, fromHandler.get(request) ?? null);
    if (watch.span === null && families === null) return this.#execute(request, null);
    let response: GraphQLResponse;
    try {
      response = await this.#execute(request, watch);
    } catch (error) {
      if (watch.span !== null) endSpan(watch.span, error);
      families?.requests.add([watch.operation, "failed"], 1);
      families?.requestSeconds.observe([watch.operation], (performance.now() - watch.start) / 1000);
      throw error;
    }
    const result: RequestResult = response.data === undefined
      ? "invalid"
      : response.data === null
      ? "failed"
      : response.errors === undefined
      ? "ok"
      : "partial";
    const span = watch.span;
    if (span !== null) {
      span.setAttribute("graphql.operation.type", watch.operation);
      span.setAttribute("hiku.result", result);
      span.setAttribute("hiku.errors", response.errors?.length ?? 0);
      if (result === "invalid" || result === "failed") {
        endSpan(span, new Error(response.errors?.[0]?.message ?? "GraphQL request failed"));
      } else span.end();
    }
    if (families !== null) {
      families.requests.add([watch.operation, result], 1);
      families.requestSeconds.observe([watch.operation], (performance.now() - watch.start) / 1000);
    }
    return response;
  }

  async #execute(request: GraphQLRequest, watch: RequestWatch | null): Promise<GraphQLResponse> {
    if (typeof request.query !== "string") {
      return { errors: [responseError("Must provide query string.")] };
    }
    const operationName: unknown = request.operationName ?? null;
    if (operationName !== null && typeof operationName !== "string") {
      return {
        errors: [
          responseError(`Must provide operationName as a string, got ${describe(operationName)}.`),
        ],
      };
    }
    const variables = request.variables ?? {};
    if (typeof variables !== "object" || Array.isArray(variables)) {
      return {
        errors: [
          responseError(
            "Variables must be provided as an Object where each property is a variable value.",
          ),
        ],
      };
    }
    const count = watch !== null && !fromHandler.has(request);
    let phase = watch?.phase("graphql.parse") ?? null;
    const hits = this.#hits;
    const entry = this.#entry(request.query, Infinity, count);
    if (phase !== null) {
      phase.setAttribute("hiku.cache_hit", this.#hits !== hits);
      endPhase(phase, entry.syntaxError === null ? null : [entry.syntaxError]);
    }
    if (entry.syntaxError !== null) return { errors: [entry.syntaxError] };
    phase = watch?.phase("graphql.validate") ?? null;
    const invalid = entry.validate(this.#graphqlSchema, this.#rules);
    if (phase !== null) endPhase(phase, invalid);
    if (invalid !== null) return { errors: invalid };
    phase = watch?.phase("graphql.plan") ?? null;
    const planned = this.#plan(request, entry, variables, watch);
    if (phase !== null) endPhase(phase, "errors" in planned ? planned.errors ?? null : null);
    if ("errors" in planned) return planned;
    const { prepared, outcome, coerced, budget } = planned;

    let data: { [key: string]: unknown } | null = {};
    const errors: GraphQLResponseError[] = [];
    const explain = this.#explains(request) ? new ExplainRecorder() : null;
    if (outcome.plan !== null) {
      const cost = outcome.plan.cost.nodes;
      let result;
      phase = watch?.phase("graphql.execute") ?? null;
      try {
        result = await executePlan(
          this.engine.executor,
          prepared.graph,
          outcome.plan,
          request.context ?? {},
          {
            partial: true,
            signal: request.signal ?? null,
            variables: coerced,
            budget,
            explain,
            listeners: watch === null ? null : listenersFor(this.#tracer, phase, this.#metrics),
            // Read below by denormalizeWithErrors alone, with this root type name.
            direct: { rootTypeName: prepared.rootTypeName },
          },
        );
      } catch (error) {
        if (phase !== null) endSpan(phase, error);
        if (error instanceof ExecutionAbortedError) throw error;
        if (error instanceof CostLimitError) {
          return withExplain(
            { errors: [responseError(error.message, undefined, undefined, error)] },
            explain,
          );
        }
        return withExplain({ errors: [fromError(error)], data: null }, explain);
      }
      if (phase !== null) phase.end();
      phase = watch?.phase("graphql.serialize") ?? null;
      const partial = denormalizeWithErrors(prepared.graph, result, prepared.rootTypeName, {
        maxErrors: this.#maxErrors,
      });
      data = partial.data;
      // Read for the last time: the settled promises that led here may outlive the request.
      releaseResult(result);
      for (const e of partial.errors) errors.push(fromResultError(e));
      if (phase !== null) {
        phase.setAttribute("hiku.errors", partial.errors.length);
        phase.end();
      }
      // Plans of linked nodes are made when ids first reach them: measure what they added.
      if (outcome.plan.cost.nodes !== cost) this.#documents.remeasure(entry.text);
    }

    if (prepared.introspection !== null && data !== null) {
      const introspected = executeSync({
        schema: this.#graphqlSchema,
        document: prepared.introspection,
        variableValues: variables,
        operationName: request.operationName ?? null,
      });
      for (const e of introspected.errors ?? []) errors.push(responseErrorOf(e));
      data = introspected.data === null || introspected.data === undefined
        ? null
        : mergeRoot(outcome.rootKeys, introspected.data, data);
    }
    return withExplain(errors.length === 0 ? { data } : { errors, data }, explain);
  }

  /**
   * Picks the operation, coerces the variables, decides the conditions, finds the plan and checks
   * the cost estimate: what the request runs, or the errors that stop it.
   */
  #plan(
    request: GraphQLRequest,
    entry: DocumentEntry,
    variables: { readonly [name: string]: unknown },
    watch: RequestWatch | null,
  ):
    | {
      prepared: PreparedOperation;
      outcome: PreparedOutcome;
      coerced: Variables;
      budget: CostBudget | null;
    }
    | GraphQLResponse & { errors: readonly GraphQLResponseError[] } {
    const prepared = this.#prepare(entry, request.operationName ?? null);
    if (!("operation" in prepared)) return { errors: prepared };
    const operation = prepared.operation;
    if (watch !== null) watch.operation = operation.type;

    const coerced = this.#coerce(operation, variables);
    if (Array.isArray(coerced)) return { errors: coerced };
    let outcome: PreparedOutcome;
    const outcomes = prepared.outcomes.size;
    try {
      outcome = outcomeOf(prepared, decideConditions(operation, coerced), this.engine.fusion);
    } catch (error) {
      if (!(error instanceof QueryReadError)) throw error;
      return { errors: [responseError(error.message, error.locations, undefined, error)] };
    }
    if (prepared.outcomes.size !== outcomes) this.#documents.remeasure(entry.text);

    const budget = request.budget ?? null;
    if (budget !== null) {
      const estimate = estimateOf(prepared.graph, outcome, coerced, budget);
      if (!budget.spendEstimate(estimate.cost)) {
        const error = budget.estimateError(estimate.cost, estimate.loads, estimate.ids);
        return { errors: [responseError(error.message, undefined, undefined, error)] };
      }
    }
    return { prepared, outcome, coerced: coerced as Variables, budget };
  }

  /** Whether a request's response carries its explain. */
  #explains(request: GraphQLRequest): boolean {
    if (request.explain !== undefined) return request.explain === true;
    const explain = this.#explain;
    return typeof explain === "function" ? explain(request) === true : explain === true;
  }

  #entry(text: string, maxTokens: number, count = true): DocumentEntry {
    const cached = this.#documents.get(text);
    const families = count ? this.#families : null;
    // A text refused at a lower token limit is parsed again under a higher one.
    if (cached !== undefined && !(cached.overTokenLimit && cached.tokenLimit < maxTokens)) {
      this.#hits++;
      families?.cacheHits.add([], 1);
      return cached;
    }
    this.#misses++;
    families?.cacheMisses.add([], 1);
    const entry = DocumentEntry.parse(text, maxTokens);
    this.#documents.set(text, entry);
    return entry;
  }

  #prepare(
    entry: DocumentEntry,
    operationName: string | null,
  ): PreparedOperation | readonly GraphQLResponseError[] {
    // No name is "", a name (even "", which names no operation) is "#" and the name.
    const key = operationName === null ? "" : `#${operationName}`;
    const known = entry.operations.get(key);
    if (known !== undefined) return known;
    const operations = entry.compiled!.operations;
    let operation: CompiledOperation | undefined;
    if (operationName === null) {
      if (operations.length > 1) {
        return [
          responseError("Must provide operation name if query contains multiple operations."),
        ];
      }
      operation = operations[0];
      if (operation === undefined) return [responseError("Must provide an operation.")];
    } else {
      operation = operations.find((o) => o.name === operationName);
      // Unknown operation names are not kept: clients could send any number of them.
      if (operation === undefined) {
        return [responseError(`Unknown operation named ${quoteName(operationName)}.`)];
      }
    }
    // Validation has rejected other operation types the schema has no root for.
    const mutation = operation.type === "mutation";
    const prepared = entry.prepare(
      operation,
      mutation ? this.mutation! : this.query,
      mutation ? MUTATION_TYPE_NAME : QUERY_TYPE_NAME,
    );
    entry.operations.set(key, prepared);
    return prepared;
  }

  /** Coerces variables once, with graphql-js, after checking they do not nest too deep. */
  #coerce(
    operation: CompiledOperation,
    given: { readonly [name: string]: unknown },
  ): Variables | GraphQLResponseError[] {
    const definitions = operation.variableDefinitions;
    if (definitions.length === 0) return NO_VARIABLES;
    const errors: GraphQLResponseError[] = [];
    for (const definition of definitions) {
      const name = definition.variable.name.value;
      if (!Object.hasOwn(given, name)) continue;
      if (tooDeepValue(given[name]) !== null) {
        errors.push(
          responseError(
            `Variable "$${name}" has invalid value: it nests deeper than ${MAX_VALUE_DEPTH} ` +
              "levels of lists and objects.",
            locationsOf(operation.variableLocations.get(name) ?? null),
          ),
        );
      }
    }
    if (errors.length > 0) return errors;
    const values = getVariableValues(this.#graphqlSchema, definitions, given, {
      maxErrors: MAX_VARIABLE_ERRORS,
    });
    if (values.errors === undefined) return values.variableValues.coerced;
    return values.errors.map((error) => {
      // The definitions carry no locations (see src/query/document.ts): put them back by name.
      const node = error.nodes?.[0];
      const name = node?.kind === Kind.VARIABLE_DEFINITION ? node.variable.name.value : null;
      const location = name === null ? null : operation.variableLocations.get(name) ?? null;
      return responseError(error.message, locationsOf(location), undefined, error);
    });
  }
}

/** Ends a phase's span, with the first of its errors when there are any. */
function endPhase(span: Span, errors: readonly GraphQLResponseError[] | null): void {
  if (errors === null || errors.length === 0) span.end();
  else {
    span.setAttribute("hiku.errors", errors.length);
    endSpan(span, new Error(errors[0]!.message));
  }
}

/** The response with the explain in its extensions, last, when one was recorded. */
function withExplain(
  response: GraphQLResponse,
  explain: ExplainRecorder | null,
): GraphQLResponse {
  if (explain === null) return response;
  return { ...response, extensions: { explain: explain.explain() } };
}

function locationsOf(location: SourceLocation | null): readonly SourceLocation[] {
  return location === null ? [] : [location];
}

function responseError(
  message: string,
  locations?: readonly SourceLocation[],
  path?: readonly (string | number)[],
  originalError?: unknown,
): GraphQLResponseError {
  const error: {
    message: string;
    locations?: readonly SourceLocation[];
    path?: readonly (string | number)[];
  } = { message };
  if (locations !== undefined && locations.length > 0) {
    error.locations = locations.map((l) => ({ line: l.line, column: l.column }));
  }
  if (path !== undefined && path.length > 0) error.path = path;
  if (originalError !== undefined) {
    Object.defineProperty(error, "originalError", { value: originalError, enumerable: false });
  }
  return error;
}

function fromResultError(error: ResultError): GraphQLResponseError {
  return responseError(clientMessage(error.error), error.locations, error.path, error.error);
}

/** What an outcome's estimate was made with, kept with it unless a variable sized a list. */
interface KeptEstimate {
  readonly loadCost: number;
  readonly listSize: number;
  readonly estimate: CostEstimate;
}

const estimates = new WeakMap<PreparedOutcome, KeptEstimate>();

function estimateOf(
  graph: Graph,
  outcome: PreparedOutcome,
  variables: Variables,
  budget: CostBudget,
): CostEstimate {
  const kept = estimates.get(outcome);
  if (
    kept !== undefined && kept.loadCost === budget.loadCost && kept.listSize === budget.listSize
  ) {
    return kept.estimate;
  }
  const estimate = estimateCost(graph, outcome.query, variables, budget);
  if (!estimate.variable) {
    estimates.set(outcome, { loadCost: budget.loadCost, listSize: budget.listSize, estimate });
  }
  return estimate;
}

/** A client's operation name as graphql-js quotes it, cut short when long (see `quote`). */
function quoteName(name: string): string {
  return name.length <= MAX_QUOTED ? `"${name}"` : quote(name);
}

function fromError(error: unknown): GraphQLResponseError {
  return responseError(clientMessage(error), undefined, undefined, error);
}

/**
 * What clients read of an error: a loader's own message (graphql-js shows a resolver's error as
 * it is; the `LoaderError` that names node and field stays as `originalError`, for logs).
 */
function clientMessage(error: unknown): string {
  // A value result coercion rejected reads as graphql-js words it (`SerializeError` names node
  // and field for logs, as `originalError`).
  if (error instanceof SerializeError) {
    const cause = error.cause;
    return cause instanceof Error
      ? cause.message
      : `Unexpected error value: ${inspectGraphQL(cause)}`;
  }
  const own = error instanceof LoaderError ? error.cause : error;
  return own instanceof Error ? own.message : String(own);
}
