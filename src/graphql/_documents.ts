/**
 * What the schema keeps per query text (internal): the text parsed once, validated once with
 * graphql-js's rules, compiled once by the front end (`src/query/document.ts`), and per
 * operation and outcome of its `@skip`/`@include` conditions, the query and its plan. Nothing
 * here depends on variable values, so one entry serves every request that sends the text.
 *
 * graphql-js's document is dropped once validated (its locations keep every token alive); what
 * stays is estimated in bytes, so the cache that holds entries can be bounded by memory.
 *
 * @module
 */

import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  parse,
  type Token,
  TokenKind,
  validate,
  type ValidationRule,
} from "npm:graphql@17.1.0";
import type { SourceLocation } from "../base/errors.ts";
import type { Graph } from "../definitions/graph.ts";
import { collectFields } from "../planning/collect.ts";
import { type NodePlan, planValidated } from "../planning/plan.ts";
import {
  type CompiledDocument,
  compileDocument,
  type CompiledOperation,
} from "../query/document.ts";
import { queryFor } from "../query/document.ts";
import { MAX_NESTING, tooDeep, tooDeepSpread } from "../query/_nesting.ts";
import type { QueryNode } from "../query/query.ts";
import { IntrospectionSource, withoutIntrospection } from "./_introspection.ts";

/** An error of a GraphQL response, as the schema builds them (see `GraphQLResponseError`). */
export interface ResponseError {
  readonly message: string;
  readonly locations?: readonly SourceLocation[];
  readonly path?: readonly (string | number)[];
  readonly extensions?: { readonly [key: string]: unknown };
}

/** An operation of an entry, with what it runs per outcome of its conditions. */
export interface PreparedOperation {
  readonly operation: CompiledOperation;
  readonly graph: Graph;
  readonly rootTypeName: string;
  /** The document answering `__schema`/`__type` (only those), when the operation asks for them. */
  readonly introspection: DocumentNode | null;
  /** By outcome key (one character per condition). */
  readonly outcomes: Map<string, PreparedOutcome>;
}

/** What an operation runs for one outcome of its conditions. */
export interface PreparedOutcome {
  /** The root query without introspection, with variable references. */
  readonly query: QueryNode;
  /** Its plan; `null` when the operation selects nothing but introspection. */
  readonly plan: NodePlan | null;
  /** The root's response keys in CollectFields order (introspection ones included). */
  readonly rootKeys: readonly string[];
  /** Selections of the query (for estimating its size). */
  readonly selections: number;
}

/** How many outcomes of one operation are kept (conditions are few in practice). */
const OUTCOMES_PER_OPERATION = 16;

// What an entry keeps alive, in bytes (measured on V8 with deno's heap statistics).
// The text itself, and the string values its literals hold (copies of parts of it).
const TEXT_BYTES_PER_CHAR = 3;
const TOKEN_BYTES = 200;
const COMPILED_SELECTION_BYTES = 400;
/**
 * Per token of the compiled form, on top of its selections: the values of its literals (an
 * object or a list per pair of brackets, a number or a string per scalar), which
 * `COMPILED_SELECTION_BYTES` does not see (`[{}, {}, ...]` is one selection of thousands of
 * objects; measured at 15 to 40 bytes per token).
 */
const COMPILED_TOKEN_BYTES = 48;
const QUERY_SELECTION_BYTES = 250;
const PLAN_NODE_BYTES = 2400;
const PLAN_ENTRY_BYTES = 250;
const ENTRY_BYTES = 1000;
/** Per definition of an operation's introspection document (a reference, or a reduced copy). */
const INTROSPECTION_DEFINITION_BYTES = 64;

/** One query text, parsed and compiled; validated on first execution. */
export class DocumentEntry {
  /** The text. */
  readonly text: string;
  /** The syntax error (or the token limit), as a response error; `null` when it parsed. */
  readonly syntaxError: ResponseError | null;
  /** The token limit the text was parsed under (`Infinity` for none). */
  readonly tokenLimit: number;
  /** Whether the syntax error is the token limit's. */
  readonly overTokenLimit: boolean;
  /** Tokens the text has (when it parsed). */
  readonly tokens: number;
  /** The compiled document, when it parsed. */
  readonly compiled: CompiledDocument | null;
  /** graphql-js's document, until validated. */
  #document: DocumentNode | null;
  /** Validation errors (`null`: valid), once validated. */
  #validation: readonly ResponseError[] | null | undefined = undefined;
  /** Prepared operations: `""` for no name given (the sole operation), `"#"` and the name else. */
  readonly operations = new Map<string, PreparedOperation>();

  private constructor(
    text: string,
    syntaxError: ResponseError | null,
    tokenLimit: number,
    overTokenLimit: boolean,
    tokens: number,
    document: DocumentNode | null,
  ) {
    this.text = text;
    // Shared by every request that sends the text: frozen, as validation errors are.
    this.syntaxError = syntaxError === null ? null : freezeError(syntaxError);
    this.tokenLimit = tokenLimit;
    this.overTokenLimit = overTokenLimit;
    this.tokens = tokens;
    this.#document = document;
    this.compiled = document === null ? null : compileDocument(document);
  }

  /**
   * Parses and compiles a text.
   *
   * @param text The query text.
   * @param maxTokens The most lexical tokens to parse (`Infinity` for no limit).
   * @returns The entry (with its syntax error when the text does not parse).
   */
  static parse(text: string, maxTokens: number): DocumentEntry {
    const deep = tooDeep(text);
    if (deep !== null) {
      return DocumentEntry.#tooDeep(text, {
        message: `Syntax Error: Document nests deeper than ${MAX_NESTING} levels of brackets.`,
        locations: [deep],
      });
    }
    let document: DocumentNode;
    try {
      document = parse(text, Number.isFinite(maxTokens) ? { maxLexicalTokens: maxTokens } : {});
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      const overLimit = error.message.includes("tokens. Parsing aborted");
      return new DocumentEntry(
        text,
        responseErrorOf(error),
        overLimit ? maxTokens : Infinity,
        overLimit,
        0,
        null,
      );
    }
    const spread = tooDeepSpread(document);
    if (spread !== null) {
      return DocumentEntry.#tooDeep(text, {
        message: `${spread.message}.`,
        locations: [...spread.locations],
      });
    }
    return new DocumentEntry(text, null, maxTokens, false, countTokens(document), document);
  }

  /** An entry for a text refused before anything recursed over it (nested too deep). */
  static #tooDeep(text: string, error: ResponseError): DocumentEntry {
    return new DocumentEntry(text, error, Infinity, false, 0, null);
  }

  /**
   * Validates the document once, with graphql-js's rules against the schema.
   *
   * @param schema The graphql-js schema.
   * @param rules The rules.
   * @returns The validation errors, or `null` when the document is valid.
   */
  validate(
    schema: GraphQLSchema,
    rules: readonly ValidationRule[],
  ): readonly ResponseError[] | null {
    if (this.#validation !== undefined) return this.#validation;
    const document = this.#document!;
    const problems = validate(schema, document, rules);
    this.#validation = problems.length === 0 ? null : freeze(problems.map(responseErrorOf));
    if (this.#validation === null && this.compiled!.operations.some((o) => o.introspection)) {
      // Introspection runs on documents of its own, made from one copy without locations; the
      // rest of the AST is not needed again.
      this.#introspectionSource = new IntrospectionSource(document);
      const definitions = document.definitions;
      for (let d = 0; d < definitions.length; d++) {
        if (definitions[d]!.kind === Kind.OPERATION_DEFINITION) this.#operationAt.push(d);
      }
    }
    this.#document = null;
    return this.#validation;
  }

  /** Where introspection documents are made from, when an operation selects introspection. */
  #introspectionSource: IntrospectionSource | null = null;
  /** The position among the definitions of each operation, in document order. */
  readonly #operationAt: number[] = [];
  /** The documents answering introspection, per operation that selects it and has run. */
  readonly #introspection = new Map<CompiledOperation, DocumentNode>();

  /**
   * Prepares an operation of a valid document.
   *
   * @param operation The compiled operation.
   * @param graph The graph it runs on.
   * @param rootTypeName `"Query"` or `"Mutation"`.
   * @returns The prepared operation (kept in {@linkcode operations} by the caller).
   */
  prepare(operation: CompiledOperation, graph: Graph, rootTypeName: string): PreparedOperation {
    let introspection = this.#introspection.get(operation) ?? null;
    const source = this.#introspectionSource;
    if (introspection === null && operation.introspection && source !== null) {
      const index = this.compiled!.operations.indexOf(operation);
      introspection = source.document(this.#operationAt[index]!);
      this.#introspection.set(operation, introspection);
    }
    return { operation, graph, rootTypeName, introspection, outcomes: new Map() };
  }

  /** What the entry keeps alive, in bytes (an estimate). */
  get bytes(): number {
    let bytes = ENTRY_BYTES + this.text.length * TEXT_BYTES_PER_CHAR;
    if (this.#document !== null) bytes += this.tokens * TOKEN_BYTES;
    // One copy of the AST, shared by each operation's document: an array of its definitions.
    const source = this.#introspectionSource;
    if (source !== null) {
      bytes += this.tokens * TOKEN_BYTES +
        this.#introspection.size * source.definitionsPerDocument * INTROSPECTION_DEFINITION_BYTES;
    }
    const compiled = this.compiled;
    if (compiled !== null) {
      bytes += compiled.selections * COMPILED_SELECTION_BYTES + this.tokens * COMPILED_TOKEN_BYTES;
    }
    for (const prepared of this.operations.values()) {
      for (const outcome of prepared.outcomes.values()) {
        bytes += outcome.selections * QUERY_SELECTION_BYTES;
        const cost = outcome.plan?.cost;
        if (cost !== undefined) {
          bytes += cost.nodes * PLAN_NODE_BYTES + cost.entries * PLAN_ENTRY_BYTES;
        }
      }
    }
    return bytes;
  }
}

/**
 * What an operation runs for an outcome of its conditions, made once and kept.
 *
 * @param prepared The operation.
 * @param outcome One boolean per condition.
 * @param fusion Whether sources may answer regions with one load.
 * @returns The query, its plan and the root's response keys.
 */
export function outcomeOf(
  prepared: PreparedOperation,
  outcome: readonly boolean[],
  fusion: boolean,
): PreparedOutcome {
  let key = "";
  for (const decided of outcome) key += decided ? "1" : "0";
  const known = prepared.outcomes.get(key);
  if (known !== undefined) return known;
  const full = queryFor(prepared.operation, outcome);
  const rootKeys = collectFields(prepared.graph, [full], prepared.graph.root, prepared.rootTypeName)
    .map((collected) => collected.key);
  const query = prepared.operation.introspection ? withoutIntrospection(full) : full;
  const plan = query.items.length === 0 ? null : planValidated(prepared.graph, query, fusion);
  const made: PreparedOutcome = { query, plan, rootKeys, selections: countSelections(full) };
  if (prepared.outcomes.size >= OUTCOMES_PER_OPERATION) {
    prepared.outcomes.delete(prepared.outcomes.keys().next().value!);
  }
  prepared.outcomes.set(key, made);
  return made;
}

function countSelections(root: QueryNode): number {
  let count = 0;
  const seen = new Set<QueryNode>();
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    for (const item of node.items) {
      count++;
      if (item.kind !== "field") stack.push(item.node);
    }
  }
  return count;
}

function countTokens(document: DocumentNode): number {
  let count = 0;
  let token: Token | null = document.loc?.startToken ?? null;
  while (token !== null && token.kind !== TokenKind.EOF) {
    if (token.kind !== TokenKind.SOF && token.kind !== TokenKind.COMMENT) count++;
    token = token.next;
  }
  return count;
}

/**
 * A graphql-js error as a response error: message, locations, path and extensions, in
 * graphql-js's key order, with the error itself as a non-enumerable `originalError`.
 *
 * @param error The error.
 * @returns The response error.
 */
export function responseErrorOf(error: GraphQLError): ResponseError {
  const out: {
    message: string;
    locations?: readonly SourceLocation[];
    path?: readonly (string | number)[];
    extensions?: { readonly [key: string]: unknown };
  } = { message: error.message };
  if (error.locations !== undefined && error.locations.length > 0) {
    out.locations = error.locations.map((l) => ({ line: l.line, column: l.column }));
  }
  if (error.path !== undefined) out.path = error.path;
  if (error.extensions !== undefined && Object.keys(error.extensions).length > 0) {
    out.extensions = error.extensions;
  }
  Object.defineProperty(out, "originalError", {
    value: error.originalError ?? error,
    enumerable: false,
  });
  return out;
}

/** Freezes errors kept in the cache, so that no response can change another one's. */
function freeze(errors: ResponseError[]): readonly ResponseError[] {
  for (const error of errors) freezeError(error);
  return Object.freeze(errors);
}

/** Freezes one error kept in the cache, with its locations and extensions. */
function freezeError(error: ResponseError): ResponseError {
  for (const location of error.locations ?? []) Object.freeze(location);
  if (error.locations !== undefined) Object.freeze(error.locations);
  if (error.extensions !== undefined) Object.freeze(error.extensions);
  return Object.freeze(error);
}
