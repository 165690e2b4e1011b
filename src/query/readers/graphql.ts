/**
 * Reads GraphQL text into the query AST of `src/query/query.ts`.
 *
 * The text is parsed by graphql-js (`npm:graphql`) and compiled once by the front end
 * (`src/query/document.ts`): every definition read once, each fragment once however often it is
 * spread. This module then selects the operation, coerces the variables against their declared
 * types (built-in scalars, lists and non-null only: named input types are checked later, against
 * the schema), applies `@skip` and `@include`, and binds the variables into option values.
 *
 * Where Python Hiku departs from the GraphQL specification, this reader follows the specification:
 * a selection is included only when `@skip(if:)` is not `true` and `@include(if:)` is not `false`
 * (Hiku reads only `@skip` when both are given); a fragment spread inside a fragment stays in that
 * fragment's node; an argument whose variable was not provided (and has no default) is omitted
 * instead of being `null`.
 *
 * @example Read a query with variables
 * ```ts
 * import { read } from "./graphql.ts";
 *
 * const query = read(
 *   "query Crew($limit: Int = 10) { characters(limit: $limit) { name species } }",
 *   { variables: { limit: 3 } },
 * );
 * query.fields[0]?.options; // { limit: 3 }
 * ```
 *
 * @module
 */

import { GraphQLError, Kind, parse } from "npm:graphql@17.1.0";
import type { DocumentNode, TypeNode, ValueNode } from "npm:graphql@17.1.0";
import { QueryReadError, QuerySyntaxError, type SourceLocation } from "../../base/errors.ts";
import { inspect } from "../../base/_inspect.ts";
import { MAX_VALUE_DEPTH, tooDeepValue } from "../../base/_depth.ts";
import {
  bindQuery,
  compileDocument,
  type CompiledOperation,
  decideConditions,
  type OperationType,
  queryFor,
  scalarLiteral,
  selectOperation,
} from "../document.ts";
import { setOwn } from "../../base/_objects.ts";
import { MAX_NESTING, tooDeep, tooDeepSpread } from "../_nesting.ts";
import type { QueryNode } from "../query.ts";

export type { OperationType } from "../document.ts";

/** What {@linkcode read} and {@linkcode readOperation} accept besides the text. */
export interface ReadOptions {
  /** Variable values, by name without `$`. `undefined` values count as not provided. */
  readonly variables?: { readonly [name: string]: unknown } | null;
  /** The operation to read when the document has several. */
  readonly operationName?: string | null;
  /**
   * Skip recording where each selection was written (as graphql-js's `parse` option of the same
   * name): the AST then has `location: null` everywhere and read errors carry no locations. Parsing
   * is a little faster, and the AST equals one built with `build` or read with `readSimple`.
   */
  readonly noLocation?: boolean;
}

/** An operation read from GraphQL text: its type, its name and what it selects. */
export interface Operation {
  /** `"query"`, `"mutation"` or `"subscription"`. */
  readonly type: OperationType;
  /** The operation's name, or `null` for an anonymous operation. */
  readonly name: string | null;
  /** The selection; for a mutation its top node is `ordered`. */
  readonly query: QueryNode;
}

/**
 * Reads a GraphQL query operation into the query AST.
 *
 * @param text GraphQL text: one or more operations and any fragments they use.
 * @param options Variable values, the operation to read, and whether to record locations.
 * @returns The merged selection of the operation's root.
 * @throws {QuerySyntaxError} When the text is not GraphQL; the message gives line and column.
 * @throws {QueryReadError} When the operation cannot be chosen or is not a query, a variable is
 * missing, undeclared or of the wrong type, a fragment is unknown, duplicated or cyclic, or a
 * `@skip`/`@include` directive is malformed.
 * @example
 * ```ts
 * import { read } from "./graphql.ts";
 * const query = read("{ characters { name actors { name } } }");
 * query.fields.map((f) => f.name); // ["characters"]
 * ```
 */
export function read(text: string, options: ReadOptions = {}): QueryNode {
  return readText(text, options, true).query;
}

/**
 * Reads a GraphQL operation of any type (query, mutation or subscription).
 *
 * @param text GraphQL text: one or more operations and any fragments they use.
 * @param options Variable values, the operation to read, and whether to record locations.
 * @returns The operation's type, name and selection; a mutation's top node is `ordered`, so its
 * root fields run one after another in document order.
 * @throws {QuerySyntaxError} When the text is not GraphQL.
 * @throws {QueryReadError} As {@linkcode read} does, except that any operation type is accepted.
 * @example
 * ```ts
 * import { readOperation } from "./graphql.ts";
 * const op = readOperation('mutation Beam { beamUp(name: "Spock") { name } }');
 * op.type; // "mutation"
 * op.query.ordered; // true
 * ```
 */
export function readOperation(text: string, options: ReadOptions = {}): Operation {
  return readText(text, options, false);
}

function readText(text: string, options: ReadOptions, queryOnly: boolean): Operation {
  const document = parseDocument(text, options.noLocation === true);
  const operation = selectOperation(compileDocument(document), options.operationName ?? null);
  if (queryOnly && operation.type !== "query") {
    throw new QueryReadError(
      `Only "query" operations can be read with read(), got a "${operation.type}" ` +
        `operation: use readOperation() instead`,
      operation.location === null ? [] : [operation.location],
    );
  }
  const variables = coerceVariables(operation, options.variables ?? null);
  if (operation.problem !== null) throw operation.problem;
  const outcome = decideConditions(operation, variables);
  return Object.freeze({
    type: operation.type,
    name: operation.name,
    query: bindQuery(queryFor(operation, outcome), variables),
  });
}

/**
 * Parses GraphQL text, as graphql-js does, after checking that it does not nest deeper than the
 * parser's recursion can take.
 *
 * @param text GraphQL text.
 * @param noLocation Whether to skip recording locations.
 * @returns The document.
 * @throws {QuerySyntaxError} When the text is not GraphQL or its brackets nest too deep.
 * @throws {QueryReadError} When it nests too deep with its fragments spread in place.
 */
export function parseDocument(text: string, noLocation: boolean): DocumentNode {
  const deep = tooDeep(text);
  if (deep !== null) {
    throw new QuerySyntaxError(
      `Document nests deeper than ${MAX_NESTING} levels of brackets`,
      deep.line,
      deep.column,
    );
  }
  let document: DocumentNode;
  try {
    document = parse(text, { noLocation });
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const at = error.locations?.[0];
    let description = error.message;
    if (description.startsWith("Syntax Error: ")) description = description.slice(14);
    if (description.endsWith(".")) description = description.slice(0, -1);
    throw new QuerySyntaxError(description, at?.line ?? 0, at?.column ?? 0);
  }
  const spread = tooDeepSpread(document);
  if (spread !== null) throw new QueryReadError(spread.message, spread.locations);
  return document;
}

/**
 * Coerces variable values against an operation's declared types (built-in scalars, lists and
 * non-null; other named types pass through for the schema layer to check), applying defaults.
 * Variables neither given nor defaulted are left out.
 */
function coerceVariables(
  operation: CompiledOperation,
  given: { readonly [name: string]: unknown } | null,
): { [name: string]: unknown } {
  const out: { [name: string]: unknown } = {};
  for (const definition of operation.variableDefinitions) {
    const name = definition.variable.name.value;
    const location = operation.variableLocations.get(name) ?? null;
    const at = location === null ? [] : [location];
    const type = definition.type;
    const value = given !== null && Object.hasOwn(given, name) ? given[name] : undefined;
    if (value === undefined) {
      if (definition.defaultValue !== undefined) {
        const fallback = valueFromLiteral(definition.defaultValue);
        setOwn(out, name, coerceVariable(name, fallback, type, at, "default value"));
      } else if (type.kind === Kind.NON_NULL_TYPE) {
        throw new QueryReadError(
          `Variable "$${name}" of required type "${printType(type)}" was not provided`,
          at,
        );
      }
      continue;
    }
    if (value === null && type.kind === Kind.NON_NULL_TYPE) {
      throw new QueryReadError(
        `Variable "$${name}" of non-null type "${printType(type)}" must not be null`,
        at,
      );
    }
    setOwn(out, name, coerceVariable(name, value, type, at, "value"));
  }
  return out;
}

function coerceVariable(
  name: string,
  value: unknown,
  type: TypeNode,
  at: readonly SourceLocation[],
  what: string,
): unknown {
  const deep = tooDeepValue(value);
  if (deep !== null) {
    throw new QueryReadError(
      `Variable "$${name}" got invalid ${what}: it nests deeper than ${MAX_VALUE_DEPTH} levels`,
      at,
    );
  }
  try {
    return coerceInput(value, type);
  } catch (error) {
    if (!(error instanceof InputProblem)) throw error;
    const path = error.path === "" ? "" : ` at "${name}${error.path}"`;
    throw new QueryReadError(
      `Variable "$${name}" got invalid ${what} ${inspect(error.value)}${path}; ${error.message}`,
      at,
    );
  }
}

/** The value of a constant literal (a variable's default). */
function valueFromLiteral(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return null;
    case Kind.LIST:
      return node.values.map(valueFromLiteral);
    case Kind.OBJECT: {
      const out: { [key: string]: unknown } = {};
      for (const field of node.fields) setOwn(out, field.name.value, valueFromLiteral(field.value));
      return out;
    }
    default:
      return scalarLiteral(node);
  }
}

/** A value that does not fit a declared type; `path` grows (`[1]`, `[1][0]`) as it unwinds. */
class InputProblem {
  path = "";
  constructor(readonly value: unknown, readonly message: string) {}
}

const MIN_INT = -2147483648;
const MAX_INT = 2147483647;

/**
 * Coerces a value to a declared variable type as the spec's input coercion does for built-in
 * scalars, lists and non-null; other named types pass through for the schema layer to check.
 */
function coerceInput(value: unknown, type: TypeNode): unknown {
  if (type.kind === Kind.NON_NULL_TYPE) {
    if (value === null || value === undefined) {
      throw new InputProblem(
        value,
        `Expected non-nullable type "${printType(type)}" not to be null`,
      );
    }
    return coerceInput(value, type.type);
  }
  if (value === null) return null;
  if (type.kind === Kind.LIST_TYPE) {
    if (!Array.isArray(value)) return [coerceInput(value, type.type)];
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      let coerced: unknown;
      try {
        coerced = coerceInput(item, type.type);
      } catch (error) {
        if (error instanceof InputProblem) error.path = `[${i}]${error.path}`;
        throw error;
      }
      if (coerced !== item && out === null) out = value.slice(0, i);
      if (out !== null) out.push(coerced);
    }
    return out ?? value;
  }
  switch (type.name.value) {
    case "Int":
      if (typeof value !== "number" || !Number.isInteger(value)) {
        throw new InputProblem(value, `Int cannot represent non-integer value: ${inspect(value)}`);
      }
      if (value > MAX_INT || value < MIN_INT) {
        throw new InputProblem(
          value,
          `Int cannot represent non 32-bit signed integer value: ${inspect(value)}`,
        );
      }
      return value;
    case "Float":
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new InputProblem(
          value,
          `Float cannot represent non numeric value: ${inspect(value)}`,
        );
      }
      return value;
    case "String":
      if (typeof value !== "string") {
        throw new InputProblem(
          value,
          `String cannot represent a non string value: ${inspect(value)}`,
        );
      }
      return value;
    case "Boolean":
      if (typeof value !== "boolean") {
        throw new InputProblem(
          value,
          `Boolean cannot represent a non boolean value: ${inspect(value)}`,
        );
      }
      return value;
    case "ID":
      if (typeof value !== "string" && !(typeof value === "number" && Number.isInteger(value))) {
        throw new InputProblem(value, `ID cannot represent value: ${inspect(value)}`);
      }
      return value;
    default:
      return value;
  }
}

function printType(type: TypeNode): string {
  switch (type.kind) {
    case Kind.NON_NULL_TYPE:
      return `${printType(type.type)}!`;
    case Kind.LIST_TYPE:
      return `[${printType(type.type)}]`;
    default:
      return type.name.value;
  }
}
