/**
 * Reads GraphQL text into the query AST of `src/query.ts`.
 *
 * The text is parsed by graphql-js (`npm:graphql`); this module then selects the operation, coerces
 * the variables against their declared types (built-in scalars, lists and non-null only: named
 * input types are checked later, against the schema), applies `@skip` and `@include`, resolves
 * fragments, and turns every selection set into a merged {@linkcode QueryNode}, in one pass over
 * the selected operation.
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

import { GraphQLError, Kind, parse } from "graphql";
import type {
  ArgumentNode,
  DirectiveNode,
  DocumentNode,
  FragmentDefinitionNode,
  FragmentSpreadNode,
  Location,
  OperationDefinitionNode,
  SelectionSetNode,
  TypeNode,
  ValueNode,
  VariableNode,
} from "graphql";
import { QueryReadError, QuerySyntaxError, type SourceLocation } from "../../base/errors.ts";
import { inspect } from "../../base/_inspect.ts";
import {
  merge,
  type QueryDirective,
  type QueryField,
  queryField,
  type QueryFragment,
  queryFragment,
  type QueryLink,
  queryLink,
  type QueryNode,
  queryNode,
  type QueryOptions,
} from "../query.ts";

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

/** The type of a GraphQL operation. */
export type OperationType = "query" | "mutation" | "subscription";

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
  const document = parseDocument(text, options.noLocation === true);
  const { operation, fragments } = selectOperation(document, options);
  if (operation.operation !== "query") {
    throw new QueryReadError(
      `Only "query" operations can be read with read(), got a "${operation.operation}" ` +
        `operation: use readOperation() instead`,
      locationList(operation.loc, options.noLocation === true),
    );
  }
  return new Reader(operation, fragments, options).readRoot(false);
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
  return readDocument(parseDocument(text, options.noLocation === true), options);
}

/**
 * Reads an operation of a document graphql-js already parsed (the schema layer parses and
 * validates a query text once, then reads it with each request's variables).
 *
 * @param document The parsed document.
 * @param options Variable values and the operation to read; `noLocation` must match how the
 *   document was parsed.
 * @returns The operation's type, name and selection.
 * @throws {QueryReadError} As {@linkcode readOperation} does.
 */
export function readDocument(document: DocumentNode, options: ReadOptions = {}): Operation {
  const { operation, fragments } = selectOperation(document, options);
  const query = new Reader(operation, fragments, options).readRoot(
    operation.operation === "mutation",
  );
  return Object.freeze({
    type: operation.operation as OperationType,
    name: operation.name?.value ?? null,
    query,
  });
}

function parseDocument(text: string, noLocation: boolean): DocumentNode {
  try {
    return parse(text, { noLocation });
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const at = error.locations?.[0];
    let description = error.message;
    if (description.startsWith("Syntax Error: ")) description = description.slice(14);
    if (description.endsWith(".")) description = description.slice(0, -1);
    throw new QuerySyntaxError(description, at?.line ?? 0, at?.column ?? 0);
  }
}

function locationOf(loc: Location | undefined, noLocation: boolean): SourceLocation | null {
  if (noLocation || loc === undefined) return null;
  return { line: loc.startToken.line, column: loc.startToken.column };
}

function locationList(
  loc: Location | undefined,
  noLocation: boolean,
): readonly SourceLocation[] {
  const at = locationOf(loc, noLocation);
  return at === null ? [] : [at];
}

function locationsOf(
  nodes: readonly { readonly loc?: Location | undefined }[],
  noLocation: boolean,
): readonly SourceLocation[] {
  const out: SourceLocation[] = [];
  for (const node of nodes) {
    const at = locationOf(node.loc, noLocation);
    if (at !== null) out.push(at);
  }
  return out;
}

interface Selected {
  readonly operation: OperationDefinitionNode;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
}

function selectOperation(document: DocumentNode, options: ReadOptions): Selected {
  const operationName = options.operationName ?? null;
  const noLocation = options.noLocation === true;
  const operations: OperationDefinitionNode[] = [];
  const byName = new Map<string, OperationDefinitionNode>();
  const fragments = new Map<string, FragmentDefinitionNode>();
  let anonymous: OperationDefinitionNode | null = null;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) {
      operations.push(definition);
      const name = definition.name;
      if (name === undefined) {
        anonymous ??= definition;
        continue;
      }
      const existing = byName.get(name.value);
      if (existing !== undefined) {
        throw new QueryReadError(
          `There can be only one operation named "${name.value}"`,
          locationsOf([existing, definition], noLocation),
        );
      }
      byName.set(name.value, definition);
    } else if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      const name = definition.name;
      const existing = fragments.get(name.value);
      if (existing !== undefined) {
        throw new QueryReadError(
          `There can be only one fragment named "${name.value}"`,
          locationsOf([existing, definition], noLocation),
        );
      }
      fragments.set(name.value, definition);
    } else {
      const label = "name" in definition && definition.name !== undefined
        ? `"${definition.name.value}"`
        : "schema";
      throw new QueryReadError(
        `The ${label} definition is not executable: only operations and fragments can be read`,
        locationList(definition.loc, noLocation),
      );
    }
  }
  if (anonymous !== null && operations.length > 1) {
    throw new QueryReadError(
      "This anonymous operation must be the only defined operation",
      locationList(anonymous.loc, noLocation),
    );
  }
  if (operations.length === 0) {
    throw new QueryReadError("Must provide an operation: the document contains only fragments");
  }
  if (operationName === null) {
    if (operations.length > 1) {
      throw new QueryReadError(
        "Must provide an operation name when the document contains several operations " +
          `(${quoteNames(byName.keys())})`,
      );
    }
    return { operation: operations[0]!, fragments };
  }
  const operation = byName.get(operationName);
  if (operation === undefined) {
    const known = anonymous !== null ? "only an anonymous operation" : quoteNames(byName.keys());
    throw new QueryReadError(
      `Unknown operation named "${operationName}": the document defines ${known}`,
    );
  }
  return { operation, fragments };
}

function quoteNames(names: Iterable<string>): string {
  const out: string[] = [];
  for (const name of names) out.push(`"${name}"`);
  return out.join(", ");
}

/** Marks a value that is absent: a variable that was not provided and has no default. */
const OMITTED: unique symbol = Symbol("omitted");

interface VariableValue {
  /** `false` when the variable was not provided and has no default value. */
  readonly provided: boolean;
  readonly value: unknown;
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

/** Sets an own property, even one named `__proto__`, so that text cannot change a prototype. */
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

const NO_DIRECTIVES: readonly QueryDirective[] = Object.freeze([]);

/** Turns the selected operation into the query AST; one instance per read. */
class Reader {
  readonly #operation: OperationDefinitionNode;
  readonly #fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly #noLocation: boolean;
  readonly #variables = new Map<string, VariableValue>();
  /** Each fragment definition is read once; every spread of it shares the node. */
  readonly #fragmentNodes = new Map<string, QueryNode>();
  /** Fragments being read, outermost first, and the spreads that entered them: cycle detection. */
  readonly #fragmentStack: string[] = [];
  readonly #spreadStack: FragmentSpreadNode[] = [];

  constructor(
    operation: OperationDefinitionNode,
    fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    options: ReadOptions,
  ) {
    this.#operation = operation;
    this.#fragments = fragments;
    this.#noLocation = options.noLocation === true;
    this.#coerceVariables(options.variables ?? null);
  }

  readRoot(ordered: boolean): QueryNode {
    return this.#selectionSet(this.#operation.selectionSet, ordered);
  }

  #at(node: { readonly loc?: Location | undefined }): readonly SourceLocation[] {
    return locationList(node.loc, this.#noLocation);
  }

  #operationLabel(): string {
    const name = this.#operation.name;
    return name === undefined ? "the anonymous operation" : `operation "${name.value}"`;
  }

  #coerceVariables(given: { readonly [name: string]: unknown } | null): void {
    for (const definition of this.#operation.variableDefinitions ?? []) {
      const name = definition.variable.name.value;
      if (this.#variables.has(name)) {
        throw new QueryReadError(
          `There can be only one variable named "$${name}"`,
          this.#at(definition),
        );
      }
      const type = definition.type;
      const value = given !== null && Object.hasOwn(given, name) ? given[name] : undefined;
      if (value === undefined) {
        if (definition.defaultValue !== undefined) {
          const fallback = this.#value(definition.defaultValue);
          this.#variables.set(name, {
            provided: true,
            value: this.#coerceVariable(name, fallback, type, definition, "default value"),
          });
        } else if (type.kind === Kind.NON_NULL_TYPE) {
          throw new QueryReadError(
            `Variable "$${name}" of required type "${printType(type)}" was not provided`,
            this.#at(definition),
          );
        } else {
          this.#variables.set(name, { provided: false, value: undefined });
        }
        continue;
      }
      if (value === null && type.kind === Kind.NON_NULL_TYPE) {
        throw new QueryReadError(
          `Variable "$${name}" of non-null type "${printType(type)}" must not be null`,
          this.#at(definition),
        );
      }
      this.#variables.set(name, {
        provided: true,
        value: this.#coerceVariable(name, value, type, definition, "value"),
      });
    }
  }

  #coerceVariable(
    name: string,
    value: unknown,
    type: TypeNode,
    definition: { readonly loc?: Location | undefined },
    what: string,
  ): unknown {
    try {
      return coerceInput(value, type);
    } catch (error) {
      if (!(error instanceof InputProblem)) throw error;
      const at = error.path === "" ? "" : ` at "${name}${error.path}"`;
      throw new QueryReadError(
        `Variable "$${name}" got invalid ${what} ${inspect(error.value)}${at}; ${error.message}`,
        this.#at(definition),
      );
    }
  }

  #variable(node: VariableNode): unknown {
    const name = node.name.value;
    const entry = this.#variables.get(name);
    if (entry === undefined) {
      throw new QueryReadError(
        `Variable "$${name}" is not defined by ${this.#operationLabel()}`,
        this.#at(node),
      );
    }
    return entry.provided ? entry.value : OMITTED;
  }

  /** Converts a literal; an absent variable gives `OMITTED` at the top and `null` in a list. */
  #value(node: ValueNode): unknown {
    switch (node.kind) {
      case Kind.VARIABLE:
        return this.#variable(node);
      case Kind.INT:
      case Kind.FLOAT:
        return Number(node.value);
      case Kind.STRING:
      case Kind.BOOLEAN:
      case Kind.ENUM:
        return node.value;
      case Kind.NULL:
        return null;
      case Kind.LIST: {
        const out: unknown[] = [];
        for (const item of node.values) {
          const value = this.#value(item);
          out.push(value === OMITTED ? null : value);
        }
        return out;
      }
      case Kind.OBJECT: {
        const out: { [key: string]: unknown } = {};
        for (const field of node.fields) {
          const key = field.name.value;
          if (Object.hasOwn(out, key)) {
            throw new QueryReadError(
              `There can be only one input field named "${key}"`,
              this.#at(field),
            );
          }
          const value = this.#value(field.value);
          if (value !== OMITTED) setOwn(out, key, value);
        }
        return out;
      }
    }
  }

  #options(args: readonly ArgumentNode[] | undefined): QueryOptions | null {
    if (args === undefined || args.length === 0) return null;
    const out: { [key: string]: unknown } = {};
    let empty = true;
    for (const arg of args) {
      const key = arg.name.value;
      if (Object.hasOwn(out, key)) {
        throw new QueryReadError(`There can be only one argument named "${key}"`, this.#at(arg));
      }
      const value = this.#value(arg.value);
      if (value === OMITTED) continue;
      setOwn(out, key, value);
      empty = false;
    }
    return empty ? null : out;
  }

  /**
   * Applies `@skip` and `@include` and collects the other directives.
   *
   * @returns `null` when the selection is excluded, else the remaining directives.
   */
  #directives(nodes: readonly DirectiveNode[] | undefined): readonly QueryDirective[] | null {
    if (nodes === undefined || nodes.length === 0) return NO_DIRECTIVES;
    let out: QueryDirective[] | null = null;
    let skip = false;
    let include = true;
    let seenSkip = false;
    let seenInclude = false;
    for (const node of nodes) {
      const name = node.name.value;
      if (name === "skip" || name === "include") {
        if (name === "skip" ? seenSkip : seenInclude) {
          throw new QueryReadError(
            `The directive "@${name}" can only be used once at this location`,
            this.#at(node),
          );
        }
        const condition = this.#condition(node);
        if (name === "skip") {
          seenSkip = true;
          skip = condition;
        } else {
          seenInclude = true;
          include = condition;
        }
      } else {
        (out ??= []).push({ name, args: this.#options(node.arguments) ?? {} });
      }
    }
    if (skip || !include) return null;
    return out ?? NO_DIRECTIVES;
  }

  #condition(directive: DirectiveNode): boolean {
    const name = directive.name.value;
    let argument: ArgumentNode | null = null;
    for (const arg of directive.arguments ?? []) {
      if (arg.name.value !== "if") {
        throw new QueryReadError(
          `Unknown argument "${arg.name.value}" on directive "@${name}"`,
          this.#at(arg),
        );
      }
      if (argument !== null) {
        throw new QueryReadError(`There can be only one argument named "if"`, this.#at(arg));
      }
      argument = arg;
    }
    if (argument === null) {
      throw new QueryReadError(
        `Argument "@${name}(if:)" of type "Boolean!" is required, but it was not provided`,
        this.#at(directive),
      );
    }
    const value = this.#value(argument.value);
    if (value === OMITTED) {
      const variable = (argument.value as VariableNode).name.value;
      throw new QueryReadError(
        `Argument "@${name}(if:)" of type "Boolean!" was provided the variable "$${variable}" ` +
          "which was not provided a runtime value",
        this.#at(argument),
      );
    }
    if (typeof value !== "boolean") {
      throw new QueryReadError(
        `Argument "@${name}(if:)" of type "Boolean!" got invalid value ${inspect(value)}; ` +
          `Boolean cannot represent a non boolean value: ${inspect(value)}`,
        this.#at(argument),
      );
    }
    return value;
  }

  #selectionSet(set: SelectionSetNode, ordered: boolean): QueryNode {
    const fields: (QueryField | QueryLink)[] = [];
    const fragments: QueryFragment[] = [];
    for (const selection of set.selections) {
      const directives = this.#directives(selection.directives);
      if (directives === null) continue;
      const location = locationOf(selection.loc, this.#noLocation);
      switch (selection.kind) {
        case Kind.FIELD: {
          const init = {
            alias: selection.alias?.value ?? null,
            options: this.#options(selection.arguments),
            directives,
            location,
          };
          fields.push(
            selection.selectionSet === undefined
              ? queryField(selection.name.value, init)
              : queryLink(
                selection.name.value,
                this.#selectionSet(selection.selectionSet, false),
                init,
              ),
          );
          break;
        }
        case Kind.INLINE_FRAGMENT: {
          const typeName = selection.typeCondition?.name.value ?? null;
          if (ordered && appliesToMutationRoot(typeName)) {
            // Mutation fields run in document order: expand the fragment in place.
            fields.push(...this.#selectionSet(selection.selectionSet, true).fields);
            break;
          }
          fragments.push(queryFragment(
            null,
            typeName,
            this.#selectionSet(selection.selectionSet, false),
            location,
          ));
          break;
        }
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          const definition = this.#fragments.get(name);
          if (definition === undefined) {
            throw new QueryReadError(`Unknown fragment "${name}"`, this.#at(selection));
          }
          const typeName = definition.typeCondition.name.value;
          if (ordered && appliesToMutationRoot(typeName)) {
            fields.push(...this.#fragmentNode(definition, selection, true).fields);
            break;
          }
          fragments.push(queryFragment(
            name,
            typeName,
            this.#fragmentNode(definition, selection, false),
            location,
          ));
          break;
        }
      }
    }
    return merge([queryNode(fields, fragments, ordered)]);
  }

  #fragmentNode(
    definition: FragmentDefinitionNode,
    spread: FragmentSpreadNode,
    ordered: boolean,
  ): QueryNode {
    const name = definition.name.value;
    const cached = ordered ? undefined : this.#fragmentNodes.get(name);
    if (cached !== undefined) return cached;
    const at = this.#fragmentStack.indexOf(name);
    if (at !== -1) {
      const via = this.#fragmentStack.slice(at + 1);
      const spreads = [...this.#spreadStack.slice(at + 1), spread];
      throw new QueryReadError(
        `Cannot spread fragment "${name}" within itself` +
          (via.length === 0 ? "" : ` via ${quoteNames(via)}`),
        locationsOf(spreads, this.#noLocation),
      );
    }
    this.#fragmentStack.push(name);
    this.#spreadStack.push(spread);
    const node = this.#selectionSet(definition.selectionSet, ordered);
    this.#fragmentStack.pop();
    this.#spreadStack.pop();
    if (!ordered) this.#fragmentNodes.set(name, node);
    return node;
  }
}

function appliesToMutationRoot(typeName: string | null): boolean {
  return typeName === null || typeName === "Mutation";
}
