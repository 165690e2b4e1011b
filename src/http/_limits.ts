/**
 * The document limits of the HTTP endpoint (internal): token count (while parsing), depth,
 * aliases and root fields, checked on graphql-js's parsed document before the schema parses,
 * validates or executes anything. Verdicts are kept per query text in a bounded LRU, so a
 * repeated query is not parsed again by this layer.
 *
 * Depth counts nested selection sets (`{ a }` is 1, `{ a { b } }` is 2), through inline fragments
 * and fragment spreads, which add nothing themselves. Introspection fields (`__schema`, `__type`)
 * are not counted, as in Hiku's QueryDepthValidator: graphql-js's `MaxIntrospectionDepthRule`,
 * which the schema's validation runs, bounds them, and the standard introspection query is
 * deeper than a sane data limit. A fragment spread that comes back to itself is counted once, so
 * a cycle (which validation rejects anyway) cannot loop.
 *
 * @module
 */

import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type Location,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
} from "graphql";
import type { SourceLocation } from "../base/errors.ts";
import { Lru } from "../base/_lru.ts";

/** The document limits, each `Infinity` to turn it off. */
export interface DocumentLimits {
  readonly maxTokens: number;
  readonly maxDepth: number;
  readonly maxAliases: number;
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

/** Texts longer than this are analysed each time rather than kept, to bound the cache's memory. */
const LONGEST_CACHED_TEXT = 20_000;

/**
 * Checks query texts against the document limits, caching each text's verdict.
 */
export class LimitChecker {
  readonly #limits: DocumentLimits;
  readonly #cache: Lru<string, DocumentVerdict>;

  /**
   * @param limits The limits.
   * @param cacheSize How many texts keep their verdict.
   */
  constructor(limits: DocumentLimits, cacheSize: number) {
    this.#limits = limits;
    this.#cache = new Lru(cacheSize);
  }

  /**
   * The verdict on a query text.
   *
   * @param text The query text (already within the length limit).
   * @returns Its syntax error, or the limits it and each of its operations break.
   */
  check(text: string): DocumentVerdict {
    const cached = this.#cache.get(text);
    if (cached !== undefined) return cached;
    const verdict = analyse(text, this.#limits);
    if (text.length <= LONGEST_CACHED_TEXT) this.#cache.set(text, verdict);
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

function analyse(text: string, limits: DocumentLimits): DocumentVerdict {
  let document: DocumentNode;
  try {
    document = parse(
      text,
      Number.isFinite(limits.maxTokens) ? { maxLexicalTokens: limits.maxTokens } : {},
    );
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const problem: LimitProblem = error.locations === undefined || error.locations.length === 0
      ? { message: error.message }
      : { message: error.message, locations: error.locations.map(copyLocation) };
    return { syntaxError: problem, problems: [], operations: new Map(), sole: null };
  }

  const fragments = new Map<string, FragmentDefinitionNode>();
  const operationNodes: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    } else if (definition.kind === Kind.OPERATION_DEFINITION) {
      operationNodes.push(definition);
    }
  }

  const problems: LimitProblem[] = [];
  const aliases = collectAliases(document);
  if (aliases.length > limits.maxAliases) {
    problems.push(problem(
      `Query has ${aliases.length} aliases, more than the maximum of ${limits.maxAliases}`,
      aliases[limits.maxAliases]!.loc,
    ));
  }

  const depths = new FragmentDepths(fragments);
  const operations = new Map<string, OperationVerdict>();
  for (const operation of operationNodes) {
    const verdict = checkOperation(operation, fragments, depths, limits);
    const name = operation.name?.value ?? "";
    if (!operations.has(name)) operations.set(name, verdict);
  }
  const sole = operationNodes.length === 1 ? operations.values().next().value! : null;
  return { syntaxError: null, problems, operations, sole };
}

function checkOperation(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  depths: FragmentDepths,
  limits: DocumentLimits,
): OperationVerdict {
  const problems: LimitProblem[] = [];
  const roots = rootFields(operation.selectionSet, fragments);
  const name = operation.name === undefined ? "Operation" : `Operation "${operation.name.value}"`;
  if (roots.length > limits.maxRootFields) {
    problems.push(problem(
      `${name} selects ${roots.length} root fields, more than the maximum of ${limits.maxRootFields}`,
      roots[limits.maxRootFields]!.loc,
    ));
  }
  let depth = 1;
  let deepest: FieldNode | null = null;
  for (const field of roots) {
    if (field.selectionSet === undefined || isIntrospection(field)) continue;
    const fieldDepth = 1 + depths.of(field.selectionSet);
    if (fieldDepth > depth) {
      depth = fieldDepth;
      deepest = field;
    }
  }
  if (depth > limits.maxDepth) {
    problems.push(problem(
      `Query depth ${depth} exceeds the maximum allowed depth ${limits.maxDepth}`,
      deepest?.loc,
    ));
  }
  return { type: operation.operation, problems };
}

/** Selection-set depths, memoized per fragment. */
class FragmentDepths {
  readonly #fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly #known = new Map<string, number>();
  readonly #visiting = new Set<string>();

  constructor(fragments: ReadonlyMap<string, FragmentDefinitionNode>) {
    this.#fragments = fragments;
  }

  /** The depth of a selection set: 1 plus the deepest selection set of its fields. */
  of(set: SelectionSetNode): number {
    let deepest = 0;
    for (const selection of set.selections) {
      let depth = 0;
      if (selection.kind === Kind.FIELD) {
        if (selection.selectionSet !== undefined && !isIntrospection(selection)) {
          depth = this.of(selection.selectionSet);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        depth = this.of(selection.selectionSet) - 1;
      } else {
        depth = this.#spread(selection.name.value) - 1;
      }
      if (depth > deepest) deepest = depth;
    }
    return 1 + deepest;
  }

  #spread(name: string): number {
    const known = this.#known.get(name);
    if (known !== undefined) return known;
    const fragment = this.#fragments.get(name);
    if (fragment === undefined || this.#visiting.has(name)) return 1;
    this.#visiting.add(name);
    const depth = this.of(fragment.selectionSet);
    this.#visiting.delete(name);
    this.#known.set(name, depth);
    return depth;
  }
}

/** The fields of a root selection set, through fragments (each fragment once). */
function rootFields(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): FieldNode[] {
  const fields: FieldNode[] = [];
  const spread = new Set<string>();
  const visit = (node: SelectionSetNode): void => {
    for (const selection of node.selections) {
      if (selection.kind === Kind.FIELD) {
        fields.push(selection);
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
  return fields;
}

/** Every aliased field of a document, in document order (a fragment's once, however spread). */
function collectAliases(document: DocumentNode): FieldNode[] {
  const aliased: FieldNode[] = [];
  const visit = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias !== undefined) aliased.push(selection);
        if (selection.selectionSet !== undefined) visit(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      }
    }
  };
  for (const definition of document.definitions) {
    if (
      definition.kind === Kind.OPERATION_DEFINITION ||
      definition.kind === Kind.FRAGMENT_DEFINITION
    ) {
      visit(definition.selectionSet);
    }
  }
  return aliased;
}

function isIntrospection(field: FieldNode): boolean {
  return field.name.value.startsWith("__");
}

function problem(message: string, loc: Location | undefined): LimitProblem {
  if (loc === undefined) return { message };
  return { message, locations: [{ line: loc.startToken.line, column: loc.startToken.column }] };
}

function copyLocation(location: SourceLocation): SourceLocation {
  return { line: location.line, column: location.column };
}
