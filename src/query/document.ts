/**
 * The GraphQL front end (internal): a document graphql-js parsed, compiled once into what every
 * later step needs, so that nothing walks graphql-js's AST again.
 *
 * {@linkcode compileDocument} reads each operation and fragment definition once, in one pass:
 * selections with their arguments (variables left as {@linkcode QueryVariable} references, so
 * the result does not depend on variable values), `@skip`/`@include` conditions (literal ones
 * applied, variable ones kept), the document's limits figures (aliases, root fields, depth) and
 * the problems a reader must report (unknown or cyclic fragments, duplicated names and
 * arguments). A fragment is compiled once however often it is spread, and every walk over the
 * result visits a fragment once per walk, so the work is linear in the document's size whatever
 * the fragments do.
 *
 * A compiled operation gives the query AST for one outcome of its conditions
 * ({@linkcode queryFor}); the reader binds variables into it for `read`, and the schema plans it
 * once and binds variables when loaders run.
 *
 * No graphql-js node with a location is kept: a location holds the whole token list of the
 * document alive. Variable definitions are kept as location-free copies, their locations apart.
 *
 * @module
 */

import { Kind } from "npm:graphql@17.1.0";
import type {
  ArgumentNode,
  ConstValueNode,
  DefinitionNode,
  DirectiveNode,
  DocumentNode,
  FragmentDefinitionNode,
  Location,
  OperationDefinitionNode,
  SelectionSetNode,
  TypeNode,
  ValueNode,
  VariableDefinitionNode,
} from "npm:graphql@17.1.0";
import { QueryReadError, type SourceLocation } from "../base/errors.ts";
import { setOwn } from "../base/_objects.ts";
import { quote } from "../base/_quote.ts";
import {
  merge,
  type QueryDirective,
  queryField,
  queryFragment,
  queryLink,
  type QueryNode,
  type QueryOptions,
  type QuerySelection,
  querySelections,
  QueryVariable,
} from "./query.ts";

/** The type of a GraphQL operation. */
export type OperationType = "query" | "mutation" | "subscription";

/** A variable-dependent `@skip(if: $v)` or `@include(if: $v)`. */
export interface Condition {
  /** Which directive. */
  readonly directive: "skip" | "include";
  /** The variable its `if` is given, without `$`. */
  readonly variable: string;
  /** Where the `if` argument was written. */
  readonly location: SourceLocation | null;
}

/** A compiled selection set. Fragment definitions have one each, shared by all their spreads. */
export interface IrSet {
  readonly items: readonly IrItem[];
  /** What compiling this set found, in the order a reader meets it (see {@linkcode IrEvent}). */
  readonly events: readonly IrEvent[];
}

/** A field, or a link when it has a sub-selection. */
export interface IrField {
  readonly kind: "field";
  readonly name: string;
  readonly alias: string | null;
  readonly options: QueryOptions | null;
  readonly directives: readonly QueryDirective[];
  /** Conditions that must all let it in; empty when it is always included. */
  readonly conditions: readonly Condition[];
  readonly set: IrSet | null;
  readonly location: SourceLocation | null;
}

/** An inline fragment or a fragment spread. */
export interface IrFragment {
  readonly kind: "fragment";
  /** The fragment's name; `null` for an inline fragment. */
  readonly name: string | null;
  readonly typeName: string | null;
  readonly conditions: readonly Condition[];
  readonly set: IrSet;
  readonly location: SourceLocation | null;
}

/** One compiled selection. */
export type IrItem = IrField | IrFragment;

/**
 * What a reader meets in a set, in order: a problem, a variable used, a fragment entered (whose
 * own events come at that point, the first time only).
 */
export type IrEvent =
  | { readonly kind: "problem"; readonly error: QueryReadError }
  | { readonly kind: "variable"; readonly name: string; readonly location: SourceLocation | null }
  | { readonly kind: "enter"; readonly set: IrSet }
  | { readonly kind: "condition"; readonly condition: Condition };

/** A compiled operation. */
export interface CompiledOperation {
  readonly type: OperationType;
  readonly name: string | null;
  readonly location: SourceLocation | null;
  /** The root selection set. */
  readonly root: IrSet;
  /** Variable definitions, without locations (graphql-js's coercion takes them as they are). */
  readonly variableDefinitions: readonly VariableDefinitionNode[];
  /** Where each variable was defined, by name. */
  readonly variableLocations: ReadonlyMap<string, SourceLocation | null>;
  /** Every distinct variable-dependent condition the operation meets, in document order. */
  readonly conditions: readonly Condition[];
  /** The first problem a reader of this operation must report, or `null`. */
  readonly problem: QueryReadError | null;
  /** Root fields selected, through fragments (each fragment once); for the root fields limit. */
  readonly rootFields: readonly (SourceLocation | null)[];
  /** Nested selection sets (`{ a { b } }` is 2), not counting introspection fields. */
  readonly depth: number;
  /** The root field of the deepest branch. */
  readonly deepest: SourceLocation | null;
  /**
   * Aliased fields once fragments are spread in place (a fragment's once per spread, so a chain of
   * fragments that each alias the next several times counts what it multiplies to).
   */
  readonly aliases: number;
  /** Whether the root selects `__schema` or `__type` (through fragments). */
  readonly introspection: boolean;
}

/** A compiled document. */
export interface CompiledDocument {
  /** Operations in document order. */
  readonly operations: readonly CompiledOperation[];
  /** A problem of the document as a whole (duplicated or non-executable definitions), or `null`. */
  readonly problem: QueryReadError | null;
  /** Every aliased field, each written field once (a fragment's however spread). */
  readonly aliases: readonly (SourceLocation | null)[];
  /** Selections compiled, for estimating what the document keeps alive. */
  readonly selections: number;
}

/**
 * Compiles a parsed document.
 *
 * @param document The document, as graphql-js parsed it.
 * @returns The compiled document; problems are recorded, not thrown.
 */
export function compileDocument(document: DocumentNode): CompiledDocument {
  return new Compiler(document).compile();
}

/**
 * Selects the operation to run, as `read` and the schema do.
 *
 * @param document The compiled document.
 * @param operationName The requested operation, or `null`.
 * @returns The operation.
 * @throws {QueryReadError} When the document has a problem, no operation, several operations and
 *   no name, or no operation of that name.
 */
export function selectOperation(
  document: CompiledDocument,
  operationName: string | null,
): CompiledOperation {
  if (document.problem !== null) throw document.problem;
  const operations = document.operations;
  if (operations.length === 0) {
    throw new QueryReadError("Must provide an operation: the document contains only fragments");
  }
  if (operationName === null) {
    if (operations.length > 1) {
      throw new QueryReadError(
        "Must provide an operation name when the document contains several operations " +
          `(${quoteNames(namedOperations(document))})`,
      );
    }
    return operations[0]!;
  }
  for (const operation of operations) if (operation.name === operationName) return operation;
  const anonymous = operations.some((o) => o.name === null);
  throw new QueryReadError(
    `Unknown operation named ${quote(operationName)}: the document defines ` +
      (anonymous ? "only an anonymous operation" : quoteNames(namedOperations(document))),
  );
}

function namedOperations(document: CompiledDocument): string[] {
  const out: string[] = [];
  for (const operation of document.operations) {
    if (operation.name !== null) out.push(operation.name);
  }
  return out;
}

/**
 * Decides each condition of an operation for given variable values.
 *
 * @param operation The operation.
 * @param variables Coerced variable values (absent ones not provided).
 * @returns One boolean per condition: whether it lets its selections in.
 * @throws {QueryReadError} When an `if` variable holds no boolean.
 */
export function decideConditions(
  operation: CompiledOperation,
  variables: { readonly [name: string]: unknown },
): boolean[] {
  const out: boolean[] = [];
  for (const condition of operation.conditions) {
    const name = condition.variable;
    const value = Object.hasOwn(variables, name) ? variables[name] : undefined;
    const at = condition.location === null ? [] : [condition.location];
    if (value === undefined) {
      throw new QueryReadError(
        `Argument "@${condition.directive}(if:)" of type "Boolean!" was provided the variable ` +
          `"$${name}" which was not provided a runtime value`,
        at,
      );
    }
    if (typeof value !== "boolean") {
      throw new QueryReadError(
        `Argument "@${condition.directive}(if:)" of type "Boolean!" got invalid value ` +
          `${value === null ? "null" : JSON.stringify(value) ?? String(value)}; Boolean cannot ` +
          `represent a non boolean value`,
        at,
      );
    }
    out.push(condition.directive === "skip" ? !value : value);
  }
  return out;
}

/**
 * The query AST of an operation for one outcome of its conditions: option values keep their
 * {@linkcode QueryVariable} references. Each fragment is turned into a node once and shared by
 * its spreads.
 *
 * @param operation The operation.
 * @param outcome One boolean per condition (from {@linkcode decideConditions}).
 * @returns The merged root selection; `ordered` for a mutation.
 */
export function queryFor(operation: CompiledOperation, outcome: readonly boolean[]): QueryNode {
  const decided = new Map<string, boolean>();
  for (let i = 0; i < operation.conditions.length; i++) {
    decided.set(conditionKey(operation.conditions[i]!), outcome[i]!);
  }
  const memo = new Map<IrSet, QueryNode>();
  const included = (conditions: readonly Condition[]): boolean => {
    for (const condition of conditions) {
      if (decided.get(conditionKey(condition)) === false) return false;
    }
    return true;
  };
  const convert = (set: IrSet, ordered: boolean): QueryNode => {
    const known = ordered ? undefined : memo.get(set);
    if (known !== undefined) return known;
    const items: QuerySelection[] = [];
    for (const item of set.items) {
      if (item.conditions.length > 0 && !included(item.conditions)) continue;
      if (item.kind === "field") {
        const init = {
          alias: item.alias,
          options: item.options,
          directives: item.directives,
          location: item.location,
        };
        items.push(
          item.set === null
            ? queryField(item.name, init)
            : queryLink(item.name, convert(item.set, false), init),
        );
      } else {
        items.push(
          queryFragment(item.name, item.typeName, convert(item.set, false), item.location),
        );
      }
    }
    const node = merge([querySelections(items, ordered)]);
    if (!ordered) memo.set(set, node);
    return node;
  };
  return convert(operation.root, operation.type === "mutation");
}

/** Conditions on the same directive and variable decide alike. */
function conditionKey(condition: Condition): string {
  return `${condition.directive}$${condition.variable}`;
}

/** What {@linkcode bindQuery} puts where a variable was not provided and has no default. */
const OMITTED: unique symbol = Symbol("omitted");

/**
 * Replaces variable references by their values, as `read` returns queries: an argument whose
 * variable was not provided is left out, a list item becomes `null`, an input field is left out.
 *
 * @param node A query from {@linkcode queryFor}.
 * @param variables Coerced values (absent ones not provided).
 * @returns The query with plain values (the same node when it has no references).
 */
export function bindQuery(
  node: QueryNode,
  variables: { readonly [name: string]: unknown },
): QueryNode {
  const memo = new Map<QueryNode, QueryNode>();
  const bindNode = (set: QueryNode): QueryNode => {
    const known = memo.get(set);
    if (known !== undefined) return known;
    let changed = false;
    const items: QuerySelection[] = [];
    for (const item of set.items) {
      if (item.kind === "fragment") {
        const inner = bindNode(item.node);
        if (inner !== item.node) changed = true;
        items.push(
          inner === item.node
            ? item
            : queryFragment(item.name, item.typeName, inner, item.location),
        );
        continue;
      }
      const options = bindOptions(item.options, variables);
      let directives = item.directives;
      for (let d = 0; d < directives.length; d++) {
        const args = bindOptions(directives[d]!.args, variables) ?? {};
        if (args !== directives[d]!.args) {
          directives = directives.map((directive, k) =>
            k === d ? { name: directive.name, args } : directive
          );
        }
      }
      const inner = item.kind === "link" ? bindNode(item.node) : null;
      if (
        options === item.options && directives === item.directives &&
        (item.kind === "field" || inner === item.node)
      ) {
        items.push(item);
        continue;
      }
      changed = true;
      const init = { alias: item.alias, options, directives, location: item.location };
      items.push(
        item.kind === "field" ? queryField(item.name, init) : queryLink(item.name, inner!, init),
      );
    }
    const out = changed ? merge([querySelections(items, set.ordered)]) : set;
    memo.set(set, out);
    return out;
  };
  return bindNode(node);
}

function bindOptions(
  options: QueryOptions | null,
  variables: { readonly [name: string]: unknown },
): QueryOptions | null {
  if (options === null) return null;
  let out: { [name: string]: unknown } | null = null;
  const keys = Object.keys(options);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const value = options[key];
    const bound = bindValue(value, variables);
    if (bound === value) {
      if (out !== null) setOwn(out, key, value);
      continue;
    }
    if (out === null) {
      out = {};
      for (let j = 0; j < k; j++) setOwn(out, keys[j]!, options[keys[j]!]);
    }
    if (bound !== OMITTED) setOwn(out, key, bound);
  }
  if (out === null) return options;
  for (const _ in out) return Object.freeze(out);
  return null;
}

function bindValue(value: unknown, variables: { readonly [name: string]: unknown }): unknown {
  if (value instanceof QueryVariable) {
    return Object.hasOwn(variables, value.name) && variables[value.name] !== undefined
      ? variables[value.name]
      : OMITTED;
  }
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      let bound = bindValue(value[i], variables);
      if (bound === OMITTED) bound = null;
      if (bound !== value[i] && out === null) out = value.slice(0, i);
      if (out !== null) out.push(bound);
    }
    return out ?? value;
  }
  const bound = bindOptions(value as QueryOptions, variables);
  return bound ?? {};
}

/**
 * Location of a node's first token.
 *
 * @param loc The node's location.
 * @returns Line and column, or `null` when the document was parsed without locations.
 */
export function locationOf(loc: Location | undefined): SourceLocation | null {
  if (loc === undefined) return null;
  return { line: loc.startToken.line, column: loc.startToken.column };
}

function listOf(...locations: (SourceLocation | null)[]): SourceLocation[] {
  const out: SourceLocation[] = [];
  for (const location of locations) if (location !== null) out.push(location);
  return out;
}

/** Names for a message: each quoted (cut short when long), the first ten, then how many more. */
function quoteNames(names: Iterable<string>): string {
  const out: string[] = [];
  let more = 0;
  for (const name of names) {
    if (out.length < MAX_LISTED_NAMES) out.push(quote(name));
    else more++;
  }
  return more === 0 ? out.join(", ") : `${out.join(", ")} and ${more} more`;
}

const MAX_LISTED_NAMES = 10;

const NO_DIRECTIVES: readonly QueryDirective[] = Object.freeze([]);
const NO_CONDITIONS: readonly Condition[] = Object.freeze([]);

interface SetFacts {
  /** 1 + the deepest sub-selection, fragments flattened, introspection fields not counted. */
  readonly depth: number;
  /** The item of this set whose branch is deepest. */
  readonly deepest: SourceLocation | null;
  /** Aliased fields with fragments spread in place: a fragment's count once per spread. */
  readonly aliases: number;
}

/** One compilation of one document. */
class Compiler {
  readonly #document: DocumentNode;
  readonly #fragments = new Map<string, FragmentDefinitionNode>();
  readonly #fragmentSets = new Map<string, IrSet>();
  /** Fragments being compiled, outermost first, and the spreads that entered them. */
  readonly #stack: string[] = [];
  readonly #spreads: (SourceLocation | null)[] = [];
  readonly #aliases: (SourceLocation | null)[] = [];
  readonly #facts = new Map<IrSet, SetFacts>();
  #selections = 0;

  constructor(document: DocumentNode) {
    this.#document = document;
  }

  compile(): CompiledDocument {
    let problem: QueryReadError | null = null;
    const report = (error: QueryReadError): void => {
      problem ??= error;
    };
    const operations: OperationDefinitionNode[] = [];
    const names = new Map<string, OperationDefinitionNode>();
    let anonymous: OperationDefinitionNode | null = null;
    for (const definition of this.#document.definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION) {
        operations.push(definition);
        const name = definition.name;
        if (name === undefined) {
          anonymous ??= definition;
          continue;
        }
        const existing = names.get(name.value);
        if (existing !== undefined) {
          report(
            new QueryReadError(
              `There can be only one operation named ${quote(name.value)}`,
              listOf(locationOf(existing.loc), locationOf(definition.loc)),
            ),
          );
        } else {
          names.set(name.value, definition);
        }
      } else if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        const name = definition.name.value;
        const existing = this.#fragments.get(name);
        if (existing !== undefined) {
          report(
            new QueryReadError(
              `There can be only one fragment named ${quote(name)}`,
              listOf(locationOf(existing.loc), locationOf(definition.loc)),
            ),
          );
        } else {
          this.#fragments.set(name, definition);
        }
      } else {
        report(notExecutable(definition));
      }
    }
    if (anonymous !== null && operations.length > 1) {
      report(
        new QueryReadError(
          "This anonymous operation must be the only defined operation",
          listOf(locationOf(anonymous.loc)),
        ),
      );
    }
    // Every fragment once, in document order, so that aliases are counted once each.
    for (const name of this.#fragments.keys()) this.#fragment(name, null);
    const compiled = operations.map((operation) => this.#operation(operation));
    // Fragments were compiled first: aliases are reported in the order they were written.
    const aliases = this.#aliases.sort((a, b) =>
      a === null || b === null ? 0 : a.line - b.line || a.column - b.column
    );
    return {
      operations: compiled,
      problem,
      aliases,
      selections: this.#selections,
    };
  }

  #operation(operation: OperationDefinitionNode): CompiledOperation {
    const events: IrEvent[] = [];
    const definitions: VariableDefinitionNode[] = [];
    const locations = new Map<string, SourceLocation | null>();
    for (const definition of operation.variableDefinitions ?? []) {
      const name = definition.variable.name.value;
      if (locations.has(name)) {
        events.push({
          kind: "problem",
          error: new QueryReadError(
            `There can be only one variable named ${quote(`$${name}`)}`,
            listOf(locationOf(definition.loc)),
          ),
        });
        continue;
      }
      locations.set(name, locationOf(definition.loc));
      definitions.push(withoutLocation(definition));
    }
    const root = this.#set(operation.selectionSet);
    const label = operation.name === undefined
      ? "the anonymous operation"
      : `operation "${operation.name.value}"`;
    // Replays what a reader meets, each fragment once: the first problem, the conditions.
    let problem: QueryReadError | null = null;
    for (const event of events) if (event.kind === "problem") problem ??= event.error;
    const conditions: Condition[] = [];
    const conditionKeys = new Set<string>();
    const visited = new Set<IrSet>();
    const pending: (readonly IrEvent[])[] = [root.events];
    const positions: number[] = [0];
    visited.add(root);
    while (pending.length > 0) {
      const top = pending.length - 1;
      const list = pending[top]!;
      const at = positions[top]!;
      if (at >= list.length) {
        pending.pop();
        positions.pop();
        continue;
      }
      positions[top] = at + 1;
      const event = list[at]!;
      switch (event.kind) {
        case "problem":
          problem ??= event.error;
          break;
        case "variable":
          if (!locations.has(event.name)) {
            problem ??= new QueryReadError(
              `Variable "$${event.name}" is not defined by ${label}`,
              listOf(event.location),
            );
          }
          break;
        case "condition": {
          const key = conditionKey(event.condition);
          if (!conditionKeys.has(key)) {
            conditionKeys.add(key);
            conditions.push(event.condition);
          }
          break;
        }
        case "enter":
          if (!visited.has(event.set)) {
            visited.add(event.set);
            pending.push(event.set.events);
            positions.push(0);
          }
      }
    }
    const facts = this.#factsOf(root);
    const rootFields: (SourceLocation | null)[] = [];
    let introspection = false;
    const seen = new Set<IrSet>();
    const visit = (set: IrSet): void => {
      if (seen.has(set)) return;
      seen.add(set);
      for (const item of set.items) {
        if (item.kind === "field") {
          rootFields.push(item.location);
          if (item.name === "__schema" || item.name === "__type") introspection = true;
        } else {
          visit(item.set);
        }
      }
    };
    visit(root);
    return {
      type: operation.operation as OperationType,
      name: operation.name?.value ?? null,
      location: locationOf(operation.loc),
      root,
      variableDefinitions: definitions,
      variableLocations: locations,
      conditions,
      problem,
      rootFields,
      depth: facts.depth,
      deepest: facts.deepest,
      aliases: facts.aliases,
      introspection,
    };
  }

  /** Depth facts of a set, memoized (a fragment's once, however spread). */
  #factsOf(set: IrSet): SetFacts {
    const known = this.#facts.get(set);
    if (known !== undefined) return known;
    let depth = 1;
    let deepest: SourceLocation | null = null;
    let aliases = 0;
    for (const item of set.items) {
      let itemDepth: number;
      let where: SourceLocation | null;
      if (item.kind === "field") {
        if (item.alias !== null) aliases++;
        if (item.set === null) continue;
        const inner = this.#factsOf(item.set);
        aliases += inner.aliases;
        if (item.name.startsWith("__")) continue;
        itemDepth = 1 + inner.depth;
        where = item.location;
      } else {
        const inner = this.#factsOf(item.set);
        aliases += inner.aliases;
        itemDepth = inner.depth;
        where = inner.deepest;
      }
      if (itemDepth > depth) {
        depth = itemDepth;
        deepest = where;
      }
    }
    const facts = { depth, deepest, aliases };
    this.#facts.set(set, facts);
    return facts;
  }

  #fragment(name: string, spread: SourceLocation | null): IrSet | QueryReadError {
    const known = this.#fragmentSets.get(name);
    if (known !== undefined) return known;
    const definition = this.#fragments.get(name);
    if (definition === undefined) {
      return new QueryReadError(`Unknown fragment ${quote(name)}`, listOf(spread));
    }
    const at = this.#stack.indexOf(name);
    if (at !== -1) {
      const via = this.#stack.slice(at + 1);
      return new QueryReadError(
        `Cannot spread fragment "${name}" within itself` +
          (via.length === 0 ? "" : ` via ${quoteNames(via)}`),
        listOf(...this.#spreads.slice(at + 1), spread),
      );
    }
    this.#stack.push(name);
    this.#spreads.push(spread);
    const set = this.#set(definition.selectionSet);
    this.#stack.pop();
    this.#spreads.pop();
    this.#fragmentSets.set(name, set);
    return set;
  }

  #set(node: SelectionSetNode): IrSet {
    const items: IrItem[] = [];
    const events: IrEvent[] = [];
    for (const selection of node.selections) {
      this.#selections++;
      const location = locationOf(selection.loc);
      const conditions = this.#conditions(selection.directives, events);
      if (conditions === null) continue;
      const directives = this.#directives(selection.directives, events);
      switch (selection.kind) {
        case Kind.FIELD: {
          const options = this.#arguments(selection.arguments, events);
          const set = selection.selectionSet === undefined
            ? null
            : this.#set(selection.selectionSet);
          if (set !== null) events.push({ kind: "enter", set });
          if (selection.alias !== undefined) this.#aliases.push(location);
          items.push({
            kind: "field",
            name: selection.name.value,
            alias: selection.alias?.value ?? null,
            options,
            directives,
            conditions,
            set,
            location,
          });
          break;
        }
        case Kind.INLINE_FRAGMENT: {
          const set = this.#set(selection.selectionSet);
          events.push({ kind: "enter", set });
          items.push({
            kind: "fragment",
            name: null,
            typeName: selection.typeCondition?.name.value ?? null,
            conditions,
            set,
            location,
          });
          break;
        }
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          const set = this.#fragment(name, location);
          if (set instanceof QueryReadError) {
            events.push({ kind: "problem", error: set });
            break;
          }
          events.push({ kind: "enter", set });
          items.push({
            kind: "fragment",
            name,
            typeName: this.#fragments.get(name)!.typeCondition.name.value,
            conditions,
            set,
            location,
          });
        }
      }
    }
    return { items, events };
  }

  /**
   * Reads `@skip` and `@include`: `null` when a literal excludes the selection, else the
   * variable conditions (none when it is always included).
   */
  #conditions(
    nodes: readonly DirectiveNode[] | undefined,
    events: IrEvent[],
  ): readonly Condition[] | null {
    if (nodes === undefined || nodes.length === 0) return NO_CONDITIONS;
    let out: Condition[] | null = null;
    let excluded = false;
    let seenSkip = false;
    let seenInclude = false;
    for (const node of nodes) {
      const directive = node.name.value;
      if (directive !== "skip" && directive !== "include") continue;
      if (directive === "skip" ? seenSkip : seenInclude) {
        events.push({
          kind: "problem",
          error: new QueryReadError(
            `The directive "@${directive}" can only be used once at this location`,
            listOf(locationOf(node.loc)),
          ),
        });
        continue;
      }
      if (directive === "skip") seenSkip = true;
      else seenInclude = true;
      const argument = this.#ifArgument(node, events);
      if (argument === null) continue;
      const value = argument.value;
      if (value.kind === Kind.BOOLEAN) {
        if (directive === "skip" ? value.value : !value.value) excluded = true;
      } else if (value.kind === Kind.VARIABLE) {
        const condition: Condition = {
          directive,
          variable: value.name.value,
          location: locationOf(argument.loc),
        };
        events.push({ kind: "variable", name: value.name.value, location: locationOf(value.loc) });
        events.push({ kind: "condition", condition });
        (out ??= []).push(condition);
      } else {
        events.push({
          kind: "problem",
          error: new QueryReadError(
            `Argument "@${directive}(if:)" of type "Boolean!" got invalid value ` +
              `${printLiteral(value)}; Boolean cannot represent a non boolean value: ` +
              printLiteral(value),
            listOf(locationOf(argument.loc)),
          ),
        });
      }
    }
    if (excluded) return null;
    return out ?? NO_CONDITIONS;
  }

  #ifArgument(directive: DirectiveNode, events: IrEvent[]): ArgumentNode | null {
    const name = directive.name.value;
    let argument: ArgumentNode | null = null;
    for (const arg of directive.arguments ?? []) {
      if (arg.name.value !== "if") {
        events.push({
          kind: "problem",
          error: new QueryReadError(
            `Unknown argument "${arg.name.value}" on directive "@${name}"`,
            listOf(locationOf(arg.loc)),
          ),
        });
        return null;
      }
      if (argument !== null) {
        events.push({
          kind: "problem",
          error: new QueryReadError(
            `There can be only one argument named "if"`,
            listOf(locationOf(arg.loc)),
          ),
        });
        return null;
      }
      argument = arg;
    }
    if (argument === null) {
      events.push({
        kind: "problem",
        error: new QueryReadError(
          `Argument "@${name}(if:)" of type "Boolean!" is required, but it was not provided`,
          listOf(locationOf(directive.loc)),
        ),
      });
    }
    return argument;
  }

  #directives(
    nodes: readonly DirectiveNode[] | undefined,
    events: IrEvent[],
  ): readonly QueryDirective[] {
    if (nodes === undefined || nodes.length === 0) return NO_DIRECTIVES;
    let out: QueryDirective[] | null = null;
    for (const node of nodes) {
      const name = node.name.value;
      if (name === "skip" || name === "include") continue;
      (out ??= []).push({ name, args: this.#arguments(node.arguments, events) ?? {} });
    }
    return out ?? NO_DIRECTIVES;
  }

  #arguments(args: readonly ArgumentNode[] | undefined, events: IrEvent[]): QueryOptions | null {
    if (args === undefined || args.length === 0) return null;
    const out: { [key: string]: unknown } = {};
    for (const arg of args) {
      const key = arg.name.value;
      if (Object.hasOwn(out, key)) {
        events.push({
          kind: "problem",
          error: new QueryReadError(
            `There can be only one argument named ${quote(key)}`,
            listOf(locationOf(arg.loc)),
          ),
        });
        continue;
      }
      setOwn(out, key, this.#value(arg.value, events));
    }
    return Object.freeze(out);
  }

  #value(node: ValueNode, events: IrEvent[]): unknown {
    switch (node.kind) {
      case Kind.VARIABLE: {
        const location = locationOf(node.loc);
        events.push({ kind: "variable", name: node.name.value, location });
        return new QueryVariable(node.name.value, location);
      }
      case Kind.LIST: {
        const out: unknown[] = [];
        for (const item of node.values) out.push(this.#value(item, events));
        return Object.freeze(out);
      }
      case Kind.OBJECT: {
        const out: { [key: string]: unknown } = {};
        for (const field of node.fields) {
          const key = field.name.value;
          if (Object.hasOwn(out, key)) {
            events.push({
              kind: "problem",
              error: new QueryReadError(
                `There can be only one input field named ${quote(key)}`,
                listOf(locationOf(field.loc)),
              ),
            });
            continue;
          }
          setOwn(out, key, this.#value(field.value, events));
        }
        return Object.freeze(out);
      }
      default:
        return scalarLiteral(node);
    }
  }
}

/**
 * The value of a scalar literal: an integer beyond 2^53 is kept exact as a bigint (an `ID`
 * option then gets its text, as graphql-js gives it), enum values are their names.
 *
 * @param node An integer, float, string, boolean, enum or null literal.
 * @returns Its value.
 */
export function scalarLiteral(
  node: Exclude<ValueNode, { kind: Kind.VARIABLE | Kind.LIST | Kind.OBJECT }>,
): unknown {
  switch (node.kind) {
    case Kind.INT: {
      const number = Number(node.value);
      return Number.isSafeInteger(number) ? number : BigInt(node.value);
    }
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    default:
      return node.value;
  }
}

function notExecutable(definition: DefinitionNode): QueryReadError {
  const label = "name" in definition && definition.name !== undefined
    ? `"${definition.name.value}"`
    : "schema";
  return new QueryReadError(
    `The ${label} definition is not executable: only operations and fragments can be read`,
    listOf(locationOf(definition.loc)),
  );
}

function printLiteral(node: ValueNode): string {
  switch (node.kind) {
    case Kind.VARIABLE:
      return `$${node.name.value}`;
    case Kind.STRING:
      return JSON.stringify(node.value);
    case Kind.NULL:
      return "null";
    case Kind.LIST:
      return `[${node.values.map(printLiteral).join(", ")}]`;
    case Kind.OBJECT:
      return `{ ${
        node.fields.map((f) => `${f.name.value}: ${printLiteral(f.value)}`).join(", ")
      } }`;
    default:
      return String(node.value);
  }
}

/** A copy of a variable definition with no locations (its type and default value only). */
function withoutLocation(definition: VariableDefinitionNode): VariableDefinitionNode {
  const copy: {
    -readonly [K in keyof VariableDefinitionNode]: VariableDefinitionNode[K];
  } = {
    kind: Kind.VARIABLE_DEFINITION,
    variable: {
      kind: Kind.VARIABLE,
      name: { kind: Kind.NAME, value: definition.variable.name.value },
    },
    type: typeWithoutLocation(definition.type),
  };
  if (definition.defaultValue !== undefined) {
    copy.defaultValue = valueWithoutLocation(definition.defaultValue) as ConstValueNode;
  }
  return copy;
}

function typeWithoutLocation(type: TypeNode): TypeNode {
  switch (type.kind) {
    case Kind.NON_NULL_TYPE:
      return {
        kind: Kind.NON_NULL_TYPE,
        type: typeWithoutLocation(type.type) as Exclude<TypeNode, { kind: Kind.NON_NULL_TYPE }>,
      };
    case Kind.LIST_TYPE:
      return { kind: Kind.LIST_TYPE, type: typeWithoutLocation(type.type) };
    default:
      return { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: type.name.value } };
  }
}

function valueWithoutLocation(value: ValueNode): ValueNode {
  switch (value.kind) {
    case Kind.VARIABLE:
      return { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: value.name.value } };
    case Kind.LIST:
      return { kind: Kind.LIST, values: value.values.map(valueWithoutLocation) };
    case Kind.OBJECT:
      return {
        kind: Kind.OBJECT,
        fields: value.fields.map((field) => ({
          kind: Kind.OBJECT_FIELD,
          name: { kind: Kind.NAME, value: field.name.value },
          value: valueWithoutLocation(field.value),
        })),
      };
    case Kind.NULL:
      return { kind: Kind.NULL };
    case Kind.STRING:
      return { kind: Kind.STRING, value: value.value };
    case Kind.BOOLEAN:
      return { kind: Kind.BOOLEAN, value: value.value };
    case Kind.INT:
      return { kind: Kind.INT, value: value.value };
    case Kind.FLOAT:
      return { kind: Kind.FLOAT, value: value.value };
    case Kind.ENUM:
      return { kind: Kind.ENUM, value: value.value };
  }
}
