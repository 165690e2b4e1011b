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
 * Parsing and validation are cached by query text (a bounded LRU), so a repeated query is neither
 * parsed nor validated again; a repeated query with the same variables is not even read again,
 * so the engine's plan for it is reused too.
 *
 * @module
 */

import {
  type DocumentNode,
  executeSync,
  type ExecutionResult,
  type FragmentDefinitionNode,
  getVariableValues,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  NoSchemaIntrospectionCustomRule,
  type OperationDefinitionNode,
  parse,
  printSchema,
  type SelectionNode,
  type SelectionSetNode,
  specifiedRules,
  validate,
} from "graphql";
import type { Context } from "../definitions/context.ts";
import { Engine } from "../execution/engine.ts";
import {
  ExecutionAbortedError,
  QueryReadError,
  QueryValidationError,
  type SourceLocation,
} from "../base/errors.ts";
import type { Executor } from "../execution/executor.ts";
import type { Graph } from "../definitions/graph.ts";
import { buildGraphQLSchema, MUTATION_TYPE_NAME, QUERY_TYPE_NAME } from "./graphql_schema.ts";
import {
  type QueryField,
  type QueryFragment,
  queryFragment,
  type QueryLink,
  type QueryNode,
  queryNode,
} from "../query/query.ts";
import { type Operation, readDocument } from "../query/readers/graphql.ts";
import { denormalizeWithErrors, type ResultError } from "../execution/result.ts";
import { Lru } from "../base/_lru.ts";

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
  /** How many query texts keep their parsed and validated document. Default 1000; 0 disables. */
  readonly cacheSize?: number;
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

/** A GraphQL response: `data` (absent when the request could not run) and `errors` (when any). */
export interface GraphQLResponse {
  /** The result; `null` when an error reached the root; absent when the request was invalid. */
  readonly data?: { [key: string]: unknown } | null;
  /** Every error; absent when there are none. */
  readonly errors?: readonly GraphQLResponseError[];
}

/** How the document cache is doing. */
export interface CacheStats {
  /** Query texts whose document is kept. */
  readonly size: number;
  /** The most kept. */
  readonly capacity: number;
  /** Requests whose text was found: not parsed, not validated. */
  readonly hits: number;
  /** Requests whose text was parsed and validated. */
  readonly misses: number;
}

/** What the cache keeps for a query text: its document and its validation errors. */
interface DocumentEntry {
  readonly document: DocumentNode | null;
  readonly errors: readonly GraphQLResponseError[] | null;
  /** Per operation name (`""` for none): the prepared operation, or why it cannot run. */
  readonly operations: Map<string, Prepared | readonly GraphQLResponseError[]>;
}

/** An operation ready to run: what is derived from the document once. */
interface Prepared {
  readonly operation: OperationDefinitionNode;
  readonly graph: Graph;
  readonly rootTypeName: string;
  /** The document answering `__schema`/`__type` (only those), when the operation asks for them. */
  readonly introspection: DocumentNode | null;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  /** The operation read with given variables, by their canonical JSON. */
  readonly reads: Lru<string, Operation>;
  /** Introspection results by variables (the schema never changes, so neither do they). */
  readonly introspected: Lru<string, ExecutionResult>;
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

const DEFAULT_CACHE_SIZE = 1000;
/** Reads (and introspection results) kept per operation, by their variables. */
const READS_PER_OPERATION = 4;
/** Variables whose canonical JSON is longer are not cached by: they seldom repeat. */
const MAX_VARIABLES_KEY = 1024;
const INTROSPECTION_FIELDS = new Set(["__schema", "__type"]);

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
  readonly #rules: typeof specifiedRules;
  readonly #documents: Lru<string, DocumentEntry>;
  #sdl: string | null = null;
  #hits = 0;
  #misses = 0;

  static {
    schemaOf = (schema) => schema.#graphqlSchema;
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
    this.engine = new Engine(init.executor);
    this.introspection = init.introspection ?? true;
    this.#graphqlSchema = buildGraphQLSchema(this.query, this.mutation);
    this.#rules = this.introspection
      ? specifiedRules
      : [...specifiedRules, NoSchemaIntrospectionCustomRule];
    this.#documents = new Lru(init.cacheSize ?? DEFAULT_CACHE_SIZE);
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
      capacity: this.#documents.capacity,
      hits: this.#hits,
      misses: this.#misses,
    };
  }

  /**
   * Executes a GraphQL request.
   *
   * Never rejects because of the request or a loader: syntax, validation and variable errors
   * come back as `{ errors }` (all of them, with locations); a loader that throws or returns a
   * wrong shape, and a value that cannot be serialized, null the nearest nullable place and come
   * back in `errors` with the path, next to the rest of `data`.
   *
   * @param request The query text, variables, operation name, context and abort signal.
   * @returns `{ data, errors }` as the GraphQL specification describes the response.
   * @throws {ExecutionAbortedError} (rejects) When `signal` aborts.
   */
  async execute(request: GraphQLRequest): Promise<GraphQLResponse> {
    if (typeof request.query !== "string") {
      return { errors: [responseError("Must provide query string.")] };
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
    const entry = this.#document(request.query);
    if (entry.errors !== null) return { errors: entry.errors };
    const prepared = this.#prepare(entry, request.operationName ?? null);
    if (!("operation" in prepared)) return { errors: prepared };

    let coerced: { readonly [name: string]: unknown } = {};
    const definitions = prepared.operation.variableDefinitions ?? [];
    if (definitions.length > 0) {
      const values = getVariableValues(this.#graphqlSchema, definitions, variables);
      if (values.errors !== undefined) return { errors: values.errors.map(fromGraphQLError) };
      coerced = values.variableValues.coerced;
    }

    let operation: Operation;
    try {
      operation = this.#read(entry.document!, prepared, variables, request.operationName ?? null);
    } catch (error) {
      return {
        errors: [
          error instanceof QueryReadError
            ? responseError(error.message, error.locations, undefined, error)
            : fromError(error),
        ],
      };
    }

    let data: { [key: string]: unknown } | null = {};
    const errors: GraphQLResponseError[] = [];
    const query = prepared.introspection === null
      ? operation.query
      : withoutIntrospection(operation.query);
    if (query.fields.length > 0 || query.fragments.length > 0) {
      let result;
      try {
        result = await this.engine.execute(prepared.graph, query, request.context ?? {}, {
          partial: true,
          signal: request.signal ?? null,
        });
      } catch (error) {
        if (error instanceof QueryValidationError) {
          return {
            errors: error.errors.map((p) =>
              responseError(p.message, p.locations, undefined, error)
            ),
          };
        }
        if (error instanceof ExecutionAbortedError) throw error;
        return { data: null, errors: [fromError(error)] };
      }
      const partial = denormalizeWithErrors(prepared.graph, result, prepared.rootTypeName);
      data = partial.data;
      for (const e of partial.errors) errors.push(fromResultError(e));
    }

    if (prepared.introspection !== null && data !== null) {
      const introspected = this.#introspect(
        prepared,
        prepared.introspection,
        variables,
        request.operationName ?? null,
      );
      for (const e of introspected.errors ?? []) errors.push(fromGraphQLError(e));
      data = introspected.data === null || introspected.data === undefined ? null : mergeRoot(
        rootKeys(prepared.operation.selectionSet, prepared.fragments, coerced),
        introspected.data,
        data,
      );
    }
    return errors.length === 0 ? { data } : { data, errors };
  }

  #document(text: string): DocumentEntry {
    const cached = this.#documents.get(text);
    if (cached !== undefined) {
      this.#hits++;
      return cached;
    }
    this.#misses++;
    let entry: DocumentEntry;
    try {
      const document = parse(text);
      const problems = validate(this.#graphqlSchema, document, this.#rules);
      entry = {
        document,
        errors: problems.length === 0 ? null : freeze(problems.map(fromGraphQLError)),
        operations: new Map(),
      };
    } catch (error) {
      // A syntax error is the text's, and cached with it; anything else is not.
      const errors = [error instanceof GraphQLError ? fromGraphQLError(error) : fromError(error)];
      entry = { document: null, errors: freeze(errors), operations: new Map() };
      if (!(error instanceof GraphQLError)) return entry;
    }
    this.#documents.set(text, entry);
    return entry;
  }

  #prepare(
    entry: DocumentEntry,
    operationName: string | null,
  ): Prepared | readonly GraphQLResponseError[] {
    const key = operationName ?? "";
    let prepared = entry.operations.get(key);
    if (prepared === undefined) {
      prepared = this.#prepareOperation(entry.document!, operationName);
      // Unknown operation names are not kept: clients could send any number of them.
      if ("operation" in prepared || operationName === null) entry.operations.set(key, prepared);
    }
    return prepared;
  }

  #prepareOperation(
    document: DocumentNode,
    operationName: string | null,
  ): Prepared | readonly GraphQLResponseError[] {
    let operation: OperationDefinitionNode | undefined;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        fragments.set(definition.name.value, definition);
      } else if (definition.kind === Kind.OPERATION_DEFINITION) {
        if (operationName === null) {
          if (operation !== undefined) {
            return freeze([
              responseError("Must provide operation name if query contains multiple operations."),
            ]);
          }
          operation = definition;
        } else if (definition.name?.value === operationName) {
          operation = definition;
        }
      }
    }
    if (operation === undefined) {
      return freeze([
        responseError(
          operationName === null
            ? "Must provide an operation."
            : `Unknown operation named "${operationName}".`,
        ),
      ]);
    }
    // Validation has rejected other operation types the schema has no root for.
    const mutation = operation.operation === "mutation";
    return {
      operation,
      graph: mutation ? this.mutation! : this.query,
      rootTypeName: mutation ? MUTATION_TYPE_NAME : QUERY_TYPE_NAME,
      introspection: mutation ? null : introspectionDocument(document, operation, fragments),
      fragments,
      reads: new Lru(READS_PER_OPERATION),
      introspected: new Lru(READS_PER_OPERATION),
    };
  }

  #introspect(
    prepared: Prepared,
    document: DocumentNode,
    variables: { readonly [name: string]: unknown },
    operationName: string | null,
  ): ExecutionResult {
    const key = variablesKey(variables);
    const cached = key === null ? undefined : prepared.introspected.get(key);
    if (cached !== undefined) return cached;
    const result = executeSync({
      schema: this.#graphqlSchema,
      document,
      variableValues: variables,
      operationName,
    });
    if (key !== null) prepared.introspected.set(key, result);
    return result;
  }

  #read(
    document: DocumentNode,
    prepared: Prepared,
    variables: { readonly [name: string]: unknown },
    operationName: string | null,
  ): Operation {
    const key = variablesKey(variables);
    if (key !== null) {
      const cached = prepared.reads.get(key);
      if (cached !== undefined) return cached;
    }
    const operation = readDocument(document, { variables, operationName });
    if (key !== null) prepared.reads.set(key, operation);
    return operation;
  }
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
  if (path !== undefined) error.path = path;
  if (originalError !== undefined) {
    Object.defineProperty(error, "originalError", { value: originalError, enumerable: false });
  }
  return error;
}

/** Freezes errors kept in the cache, so that no response can change another one's. */
function freeze(errors: GraphQLResponseError[]): readonly GraphQLResponseError[] {
  for (const error of errors) {
    for (const location of error.locations ?? []) Object.freeze(location);
    if (error.locations !== undefined) Object.freeze(error.locations);
    Object.freeze(error);
  }
  return Object.freeze(errors);
}

function fromGraphQLError(error: GraphQLError): GraphQLResponseError {
  const out = responseError(
    error.message,
    error.locations,
    error.path,
    error.originalError ?? error,
  ) as { extensions?: { readonly [key: string]: unknown } };
  if (error.extensions !== undefined && Object.keys(error.extensions).length > 0) {
    out.extensions = error.extensions;
  }
  return out as GraphQLResponseError;
}

function fromResultError(error: ResultError): GraphQLResponseError {
  return responseError(messageOf(error.error), error.locations, error.path, error.error);
}

function fromError(error: unknown): GraphQLResponseError {
  return responseError(messageOf(error), undefined, undefined, error);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The cache key of variable values, or `null` when they are not to be cached by. */
function variablesKey(variables: { readonly [name: string]: unknown }): string | null {
  const key = jsonKey(variables);
  return key === null || key.length > MAX_VARIABLES_KEY ? null : key;
}

/**
 * A canonical key for variable values, or `null` when they are not plain JSON-like data (class
 * instances could differ while printing alike, so reads with them are not cached).
 */
function jsonKey(value: unknown): string | null {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : null;
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return `${value}n`;
    case "undefined":
      return "undefined";
    case "object": {
      if (value === null) return "null";
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) {
          const item = jsonKey(value[i]);
          if (item === null) return null;
          out += (i === 0 ? "" : ",") + item;
        }
        return out + "]";
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return null;
      const record = value as { readonly [key: string]: unknown };
      const keys = Object.keys(record).sort();
      let out = "{";
      for (const key of keys) {
        if (record[key] === undefined) continue;
        const item = jsonKey(record[key]);
        if (item === null) return null;
        out += (out.length === 1 ? "" : ",") + JSON.stringify(key) + ":" + item;
      }
      return out + "}";
    }
    default:
      return null;
  }
}

/** Whether a root selection set (fragments included) selects `__schema` or `__type`. */
function selectsIntrospection(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  seen: Set<string>,
): boolean {
  for (const selection of set.selections) {
    switch (selection.kind) {
      case Kind.FIELD:
        if (INTROSPECTION_FIELDS.has(selection.name.value)) return true;
        break;
      case Kind.INLINE_FRAGMENT:
        if (selectsIntrospection(selection.selectionSet, fragments, seen)) return true;
        break;
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment === undefined || seen.has(name)) break;
        seen.add(name);
        if (selectsIntrospection(fragment.selectionSet, fragments, seen)) return true;
      }
    }
  }
  return false;
}

/**
 * The document graphql-js executes for an operation's introspection: its root selections (and
 * those of the fragments spread at the root) reduced to `__schema` and `__type`.
 */
function introspectionDocument(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): DocumentNode | null {
  if (!selectsIntrospection(operation.selectionSet, fragments, new Set())) return null;
  const atRoot = new Set<string>();
  const reduce = (set: SelectionSetNode): SelectionSetNode => {
    const selections: SelectionNode[] = [];
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (INTROSPECTION_FIELDS.has(selection.name.value)) selections.push(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        selections.push({ ...selection, selectionSet: reduce(selection.selectionSet) });
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment !== undefined && !atRoot.has(name)) {
          atRoot.add(name);
          reduce(fragment.selectionSet);
        }
        selections.push(selection);
      }
    }
    return { kind: Kind.SELECTION_SET, selections };
  };
  const root = reduce(operation.selectionSet);
  const definitions = document.definitions.map((definition) => {
    if (definition === operation) return { ...operation, selectionSet: root };
    if (definition.kind === Kind.FRAGMENT_DEFINITION && atRoot.has(definition.name.value)) {
      return { ...definition, selectionSet: reduce(definition.selectionSet) };
    }
    return definition;
  });
  return { kind: Kind.DOCUMENT, definitions };
}

/** The root query without `__schema` and `__type`, which graphql-js answers. */
function withoutIntrospection(node: QueryNode): QueryNode {
  const fields: (QueryField | QueryLink)[] = [];
  for (const field of node.fields) if (!INTROSPECTION_FIELDS.has(field.name)) fields.push(field);
  const fragments: QueryFragment[] = node.fragments.map((f) =>
    queryFragment(f.name, f.typeName, withoutIntrospection(f.node), f.location)
  );
  return queryNode(fields, fragments, node.ordered);
}

/** Root response keys in the order GraphQL's CollectFields gives them. */
function rootKeys(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: { readonly [name: string]: unknown },
): string[] {
  const keys: string[] = [];
  const seen = new Set<string>();
  const spread = new Set<string>();
  const included = (selection: SelectionNode): boolean => {
    for (const directive of selection.directives ?? []) {
      const name = directive.name.value;
      if (name !== "skip" && name !== "include") continue;
      const arg = directive.arguments?.find((a) => a.name.value === "if")?.value;
      const value = arg === undefined
        ? undefined
        : arg.kind === Kind.BOOLEAN
        ? arg.value
        : arg.kind === Kind.VARIABLE
        ? variables[arg.name.value]
        : undefined;
      if (name === "skip" ? value === true : value === false) return false;
    }
    return true;
  };
  const visit = (node: SelectionSetNode): void => {
    for (const selection of node.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        if (!seen.has(key)) {
          seen.add(key);
          keys.push(key);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment === undefined || spread.has(name)) continue;
        spread.add(name);
        visit(fragment.selectionSet);
      }
    }
  };
  visit(set);
  return keys;
}

/** The root of the response: introspection (made plain) and data, in response key order. */
function mergeRoot(
  keys: readonly string[],
  introspected: { readonly [key: string]: unknown },
  data: { readonly [key: string]: unknown },
): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = {};
  for (const key of keys) {
    if (Object.hasOwn(introspected, key)) setOwn(out, key, plain(introspected[key]));
    else if (Object.hasOwn(data, key)) setOwn(out, key, data[key]);
  }
  return out;
}

/** A copy with ordinary objects (graphql-js builds results on null prototypes). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== "object") return value;
  const record = value as { readonly [key: string]: unknown };
  const out: { [key: string]: unknown } = {};
  for (const key of Object.keys(record)) setOwn(out, key, plain(record[key]));
  return out;
}

/** Sets an own property, even one named `__proto__` (an alias may be). */
function setOwn(target: { [key: string]: unknown }, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}
