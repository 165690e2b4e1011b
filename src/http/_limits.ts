/**
 * The document limits of the HTTP endpoint (internal): token count (while parsing), depth,
 * aliases and root fields, read off the document the front end compiled (`src/query/document.ts`)
 * before the schema validates or executes anything. For a `Schema`, that is the schema's own
 * compiled document (the text is parsed once per request path); for another executable schema,
 * the endpoint parses and compiles the text itself, keeping verdicts in a byte-bounded cache.
 *
 * Depth counts nested selection sets (`{ a }` is 1, `{ a { b } }` is 2), through inline fragments
 * and fragment spreads, which add nothing themselves. Introspection fields (`__schema`, `__type`)
 * are not counted, as in Hiku's QueryDepthValidator: graphql-js's `MaxIntrospectionDepthRule`,
 * which the schema's validation runs, bounds them, and the standard introspection query is
 * deeper than a sane data limit. Aliases are counted where written (a fragment's once, however
 * often it is spread), and against a higher limit per operation with fragments spread in place
 * (a fragment's once per spread: a chain of fragments that each alias the next three times
 * multiplies the response by three per link, which the written count does not see); root fields
 * through fragments, each fragment once.
 *
 * @module
 */

import type { SourceLocation } from "../base/errors.ts";
import { quote } from "../base/_quote.ts";
import { TextCache } from "../base/_text_cache.ts";
import type { CompiledDocument, CompiledOperation } from "../query/document.ts";
import { DocumentEntry } from "../graphql/_documents.ts";

/** Which document limit a problem broke. */
export type DocumentLimit = "depth" | "aliases" | "root_fields";

const brokenLimits = new WeakMap<LimitProblem, DocumentLimit>();

/**
 * Which limit a problem broke (for metrics; kept off the problem, which goes on the wire).
 *
 * @param problem A problem of a verdict.
 * @returns The limit, or `null` for a syntax error.
 */
export function limitOf(problem: LimitProblem): DocumentLimit | null {
  return brokenLimits.get(problem) ?? null;
}

/** The document limits, each `Infinity` to turn it off. */
export interface DocumentLimits {
  readonly maxTokens: number;
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxSpreadAliases: number;
  readonly maxRootFields: number;
}

/** A limit a document broke, or its syntax error, as a GraphQL error. */
export interface LimitProblem {
  readonly message: string;
  readonly locations?: readonly SourceLocation[];
}

/** What an operation is and which limits it breaks. */
export interface OperationVerdict {
  readonly type: "query" | "mutation" | "subscription";
  readonly problems: readonly LimitProblem[];
}

/** The verdict on one query text. */
export interface DocumentVerdict {
  /** The syntax error (or the token limit, which the parser enforces), or `null`. */
  readonly syntaxError: LimitProblem | null;
  /** Limits broken by the document as a whole (aliases). */
  readonly problems: readonly LimitProblem[];
  /** Each operation by name (`""` for an anonymous one). */
  readonly operations: ReadonlyMap<string, OperationVerdict>;
  /** The operation run when no name is given: the only one, or `null` when there are several. */
  readonly sole: OperationVerdict | null;
}

/** A text as parsed: its syntax error, or its compiled document. */
export interface Parsed {
  readonly syntaxError: LimitProblem | null;
  readonly document: CompiledDocument | null;
}

/**
 * Checks query texts against the document limits: parsing and compiling them itself (for
 * executable schemas other than `Schema`), or reading what a schema compiled.
 */
export class LimitChecker {
  readonly #limits: DocumentLimits;
  readonly #texts: TextCache<DocumentVerdict>;
  readonly #verdicts = new WeakMap<CompiledDocument, DocumentVerdict>();

  /**
   * @param limits The limits.
   * @param cacheSize How many texts keep their verdict.
   * @param cacheBytes How many bytes the kept texts may take.
   */
  constructor(limits: DocumentLimits, cacheSize: number, cacheBytes = 8 * 1024 * 1024) {
    this.#limits = limits;
    this.#texts = new TextCache(cacheBytes, cacheSize, (text) => 512 + text.length * 2);
  }

  /**
   * The verdict on a query text, parsing it here.
   *
   * @param text The query text (already within the length limit).
   * @returns Its syntax error, or the limits it and each of its operations break.
   */
  check(text: string): DocumentVerdict {
    const cached = this.#texts.get(text);
    if (cached !== undefined) return cached;
    const entry = DocumentEntry.parse(text, this.#limits.maxTokens);
    const verdict = this.verdict({ syntaxError: entry.syntaxError, document: entry.compiled });
    this.#texts.set(text, verdict);
    return verdict;
  }

  /**
   * The verdict on a text something else parsed (a schema, which keeps the compiled document).
   *
   * @param parsed Its syntax error, or its compiled document.
   * @returns The verdict, kept with the compiled document.
   */
  verdict(parsed: Parsed): DocumentVerdict {
    const document = parsed.document;
    if (parsed.syntaxError !== null || document === null) {
      return {
        syntaxError: parsed.syntaxError ?? { message: "Syntax Error: Unexpected <EOF>." },
        problems: [],
        operations: new Map(),
        sole: null,
      };
    }
    const known = this.#verdicts.get(document);
    if (known !== undefined) return known;
    const verdict = judge(document, this.#limits);
    this.#verdicts.set(document, verdict);
    return verdict;
  }
}

/**
 * Selects the operation a request runs.
 *
 * @param verdict The document's verdict.
 * @param operationName The requested operation, or `null`.
 * @returns Its verdict, or `null` when it cannot be determined (the schema then says why).
 */
export function selectOperation(
  verdict: DocumentVerdict,
  operationName: string | null,
): OperationVerdict | null {
  return operationName === null ? verdict.sole : verdict.operations.get(operationName) ?? null;
}

function judge(document: CompiledDocument, limits: DocumentLimits): DocumentVerdict {
  const problems: LimitProblem[] = [];
  const aliases = document.aliases;
  if (aliases.length > limits.maxAliases) {
    problems.push(problem(
      `Query has ${aliases.length} aliases, more than the maximum of ${limits.maxAliases}`,
      aliases[limits.maxAliases]!,
      "aliases",
    ));
  }
  const operations = new Map<string, OperationVerdict>();
  for (const operation of document.operations) {
    const name = operation.name ?? "";
    if (!operations.has(name)) {
      operations.set(name, judgeOperation(operation, limits, problems.length === 0));
    }
  }
  const sole = document.operations.length === 1 ? operations.values().next().value! : null;
  return { syntaxError: null, problems, operations, sole };
}

function judgeOperation(
  operation: CompiledOperation,
  limits: DocumentLimits,
  aliasesWithin: boolean,
): OperationVerdict {
  const problems: LimitProblem[] = [];
  const roots = operation.rootFields;
  const name = operation.name === null ? "Operation" : `Operation ${quote(operation.name)}`;
  if (roots.length > limits.maxRootFields) {
    problems.push(problem(
      `${name} selects ${roots.length} root fields, more than the maximum of ${limits.maxRootFields}`,
      roots[limits.maxRootFields]!,
      "root_fields",
    ));
  }
  // Aliases written are limited per document (above); a fragment spread several times repeats
  // its aliases in the result, and a chain of such fragments multiplies them.
  if (aliasesWithin && operation.aliases > limits.maxSpreadAliases) {
    problems.push(problem(
      `${name} has ${operation.aliases} aliases once its fragments are spread, more than the ` +
        `maximum of ${limits.maxSpreadAliases}`,
      operation.location,
      "aliases",
    ));
  }
  if (operation.depth > limits.maxDepth) {
    problems.push(problem(
      `Query depth ${operation.depth} exceeds the maximum allowed depth ${limits.maxDepth}`,
      operation.deepest,
      "depth",
    ));
  }
  return { type: operation.type, problems };
}

function problem(
  message: string,
  location: SourceLocation | null,
  limit: DocumentLimit,
): LimitProblem {
  const made: LimitProblem = location === null
    ? { message }
    : { message, locations: [{ line: location.line, column: location.column }] };
  brokenLimits.set(made, limit);
  return made;
}
