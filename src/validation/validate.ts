/**
 * Query validation: checks a query against a graph and reports every problem at once, each with
 * the path of result keys to the offending selection and, when the query was read from text, its
 * location.
 *
 * It ports Hiku's `DefaultQueryValidator` (unknown fields and links, links queried as fields and
 * fields as links, record field selections, options, union and interface selections, fields with
 * the same result key that cannot be merged) and follows the GraphQL specification where Hiku
 * departs from it: fragments nest, a fragment's type condition is checked against where it is
 * spread, fields are compared per concrete type and per result path (so two aliases of one link
 * may select different fields), and a record field may be queried with or without a selection at
 * any depth.
 *
 * @module
 */

import type { SourceLocation, ValidationProblem } from "../base/errors.ts";
import type { Graph } from "../definitions/graph.ts";
import type { Interface, Link, Member, Node, Union } from "../definitions/members.ts";
import type { Option } from "../definitions/option.ts";
import {
  canonicalOptions,
  type QueryField,
  type QueryLink,
  type QueryNode,
} from "../query/query.ts";
import type { QueryFragment, QueryOptions } from "../query/query.ts";
import type { GraphType } from "../definitions/types.ts";
import { didYouMean } from "../base/_inspect.ts";
import { conditionApplies } from "../definitions/type_conditions.ts";
import { checkValue, namedTypesLookup, type TypeLookup } from "../definitions/_values.ts";

/** The root, in messages (as in Hiku). */
const ROOT = "root";

/** A selection set's type: what its fields are looked up in. */
type Scope = RootScope | NodeScope | AbstractScope | RecordScope;

interface RootScope {
  readonly kind: "root";
  /** `Query`, or `Mutation` for an ordered query. */
  readonly typeName: string;
}

interface NodeScope {
  readonly kind: "node";
  readonly node: Node;
}

/** A union or interface, narrowed to the nodes it can still be where it is selected. */
interface AbstractScope {
  readonly kind: "abstract";
  readonly type: Union | Interface;
  readonly possible: readonly Node[];
}

interface RecordScope {
  readonly kind: "record";
  /** How messages name it: the data type's name, or the field's path for an inline Record. */
  readonly name: string;
  /** The data type's name, or `null` for an inline Record. */
  readonly typeName: string | null;
  readonly fields: { readonly [name: string]: GraphType };
}

/** A type whose selections can be compared for conflicts: one that values actually have. */
type ConcreteScope = RootScope | NodeScope | RecordScope;

type Selection = QueryField | QueryLink;

/**
 * Finds every problem of a query against a graph.
 *
 * Reported: fields and links the graph does not have (with suggestions); links selected without a
 * selection and simple fields selected with one; unknown record fields; unknown, missing and
 * mistyped options; fields selected directly on a union, or on an interface that does not
 * declare them; fragments on unknown types or on types they can never match where they are
 * spread; fields with the same result key that differ in name or options.
 *
 * @param graph The graph to check against.
 * @param query The query.
 * @returns Every problem (an empty array when the query is valid), in the order found.
 * @example
 * ```ts
 * import { validate } from "./validate.ts";
 * import { Field, Root } from "../definitions/members.ts";
 * import { Graph } from "../definitions/graph.ts";
 * import { queryField, queryNode } from "../query/query.ts";
 * import { Str } from "../definitions/types.ts";
 * const graph = Graph([Root([Field("version", Str, (fields: unknown[]) => fields.map(() => "1.0"))])]);
 * validate(graph, queryNode([queryField("verison")]));
 * // [{ message: 'Field "verison" is not implemented in the "root" node. Did you mean "version"?',
 * //    path: ["verison"], locations: [] }]
 * ```
 */
export function validate(graph: Graph, query: QueryNode): ValidationProblem[] {
  const validator = new QueryValidator(graph, query.ordered);
  const root: RootScope = { kind: "root", typeName: query.ordered ? "Mutation" : "Query" };
  validator.selections(query, root, []);
  validator.conflicts([query], root, []);
  return validator.problems;
}

class QueryValidator {
  readonly problems: ValidationProblem[] = [];
  readonly #graph: Graph;
  readonly #ordered: boolean;
  readonly #lookup: TypeLookup;
  readonly #reported = new Set<string>();
  readonly #compared = new Set<string>();
  readonly #ids = new WeakMap<QueryNode, number>();
  #nextId = 0;
  /** The scopes each selection set was validated in: a fragment is validated once per scope. */
  readonly #validated = new Map<QueryNode, Set<string>>();

  constructor(graph: Graph, ordered: boolean) {
    this.#graph = graph;
    this.#ordered = ordered;
    this.#lookup = namedTypesLookup(
      graph.dataTypes,
      graph.enumsMap,
      graph.scalarsMap,
      graph.inputsMap,
    );
  }

  /** Validates each selection and fragment of a set against the set's type. */
  selections(set: QueryNode, scope: Scope, path: readonly string[]): void {
    const key = scopeKey(scope);
    let scopes = this.#validated.get(set);
    if (scopes === undefined) this.#validated.set(set, scopes = new Set());
    if (scopes.has(key)) return;
    scopes.add(key);
    for (const item of set.items) {
      if (item.kind === "fragment") this.#fragment(item, scope, path);
      else this.#selection(item, scope, path);
    }
  }

  /**
   * Reports fields that share a result key but cannot be merged, comparing everything that is
   * selected for one concrete type at one result path (sets selected by one key are merged).
   */
  conflicts(sets: readonly QueryNode[], target: ConcreteScope, path: readonly string[]): void {
    let key = concreteKey(target);
    for (const set of sets) key += `,${this.#idOf(set)}`;
    if (this.#compared.has(key)) return;
    this.#compared.add(key);

    const groups = new Map<string, Selection[]>();
    const visited = new Set<QueryNode>();
    for (const set of sets) this.#collect(set, target, groups, visited);
    for (const [resultKey, items] of groups) {
      const first = items[0]!;
      const firstOptions = optionsKey(first.options);
      // A selection with another name or options, else one of the same field with a
      // selection where the first has none (or the reverse): a conflict only for record
      // fields, since for others the selection itself is reported as invalid.
      let distinct: Selection | null = null;
      let reshaped: Selection | null = null;
      for (let i = 1; i < items.length; i++) {
        const other = items[i]!;
        if (other.name !== first.name || optionsKey(other.options) !== firstOptions) {
          distinct = other;
          break;
        }
        if (reshaped === null && other.kind !== first.kind) reshaped = other;
      }
      if (distinct === null && reshaped !== null && this.#isRecordField(target, first.name)) {
        distinct = reshaped;
      }
      const itemPath = [...path, resultKey];
      if (distinct !== null) {
        this.#report(
          `Found distinct fields with the same resulting name "${resultKey}" for the ` +
            `${target.kind === "record" ? "record" : "node"} "${scopeName(target)}"`,
          itemPath,
          locationsOf([first, distinct]),
        );
        continue;
      }
      const sub: QueryNode[] = [];
      for (const item of items) if (item.kind === "link") sub.push(item.node);
      if (sub.length === 0) continue;
      for (const next of this.#targets(target, first.name)) this.conflicts(sub, next, itemPath);
    }
  }

  #selection(item: Selection, scope: Scope, path: readonly string[]): void {
    const itemPath = [...path, item.resultKey];
    const locations = locationsOf([item]);
    const owner = scopeName(scope);
    if (item.name === "__typename") {
      if (item.kind === "link") {
        this.#report(
          `Trying to query "${owner}.__typename" simple field as node`,
          itemPath,
          locations,
        );
      }
      this.#options(item, [], `${owner}.__typename`, itemPath, locations);
      return;
    }
    const what = item.kind === "field" ? "Field" : "Link";
    switch (scope.kind) {
      case "root":
      case "node": {
        const members = scope.kind === "root" ? this.#graph.root.fieldsMap : scope.node.fieldsMap;
        const member = members.get(item.name);
        if (member === undefined) {
          this.#report(
            withHint(
              `${what} "${item.name}" is not implemented in the "${owner}" node`,
              didYouMean(item.name, members.keys()),
            ),
            itemPath,
            locations,
          );
        } else {
          this.#member(item, member, owner, itemPath, locations);
        }
        return;
      }
      case "abstract": {
        const type = scope.type;
        if (type.kind === "union") {
          this.#report(cannotQuery(item.name, scope), itemPath, locations);
          return;
        }
        if ((this.#graph.interfacesTypes.get(type.name) ?? []).length === 0) {
          this.#report(
            `Cannot query field "${item.name}" on interface "${type.name}". Interface ` +
              `"${type.name}" is not implemented by any type. Add at least one type ` +
              "implementing this interface",
            itemPath,
            locations,
          );
          return;
        }
        const member = type.fieldsMap.get(item.name);
        if (member === undefined) this.#report(cannotQuery(item.name, scope), itemPath, locations);
        else this.#member(item, member, owner, itemPath, locations);
        return;
      }
      case "record": {
        const type = Object.hasOwn(scope.fields, item.name) ? scope.fields[item.name] : undefined;
        if (type === undefined) {
          this.#report(
            withHint(
              `${what} "${item.name}" is not implemented in the "${owner}" record`,
              didYouMean(item.name, Object.keys(scope.fields)),
            ),
            itemPath,
            locations,
          );
          return;
        }
        const label = `${owner}.${item.name}`;
        this.#options(item, [], label, itemPath, locations);
        if (item.kind === "link") this.#subRecord(item, type, label, itemPath, locations);
        return;
      }
    }
  }

  /** Validates a selection of a known member of a node, the root or an interface. */
  #member(
    item: Selection,
    member: Member,
    owner: string,
    path: readonly string[],
    locations: readonly SourceLocation[],
  ): void {
    const label = `${owner}.${item.name}`;
    this.#options(item, member.options, label, path, locations);
    if (member.kind === "field") {
      if (item.kind === "link") this.#subRecord(item, member.type, label, path, locations);
      return;
    }
    if (item.kind === "field") {
      this.#report(`Trying to query "${label}" link as it was a field`, path, locations);
      return;
    }
    const scope = this.#linkScope(member);
    if (scope !== null) this.selections(item.node, scope, path);
  }

  #subRecord(
    item: QueryLink,
    type: GraphType | null,
    label: string,
    path: readonly string[],
    locations: readonly SourceLocation[],
  ): void {
    const scope = this.#recordScope(type, label);
    if (scope === null) {
      this.#report(`Trying to query "${label}" simple field as node`, path, locations);
    } else {
      this.selections(item.node, scope, path);
    }
  }

  #options(
    item: Selection,
    declared: readonly Option[],
    label: string,
    path: readonly string[],
    locations: readonly SourceLocation[],
  ): void {
    const given: QueryOptions = item.options ?? {};
    const known = new Set<string>();
    for (const option of declared) known.add(option.name);
    const unknown: string[] = [];
    for (const name of Object.keys(given)) {
      if (given[name] !== undefined && !known.has(name)) unknown.push(name);
    }
    if (unknown.length > 0) {
      this.#report(
        withHint(
          `Unknown options for "${label}": ${quoteAll(unknown)}`,
          unknown.length === 1 ? didYouMean(unknown[0]!, known) : "",
        ),
        path,
        locations,
      );
    }
    for (const option of declared) {
      const value = given[option.name];
      if (value === undefined) {
        if (option.hasDefault || option.type.kind === "optional") continue;
        const ofType = option.type.kind === "inputRef" ? ` of type "${option.type.name}"` : "";
        this.#report(
          `Required option "${label}:${option.name}"${ofType} is not specified`,
          path,
          locations,
        );
        continue;
      }
      const problem = checkValue(option.type, value, this.#lookup);
      if (problem !== null) {
        this.#report(
          `Invalid value for option "${label}:${option.name}", ${problem}`,
          path,
          locations,
        );
      }
    }
  }

  #fragment(fragment: QueryFragment, scope: Scope, path: readonly string[]): void {
    const locations = locationsOf([fragment]);
    const typeName = fragment.typeName;
    if (typeName === null) {
      this.selections(fragment.node, scope, path);
      return;
    }
    const own = this.#namedScope(typeName);
    if (own === null) {
      this.#report(
        withHint(
          `Fragment on an unknown type "${typeName}"`,
          didYouMean(typeName, this.#typeNames()),
        ),
        path,
        locations,
      );
      return;
    }
    const narrowed = this.#narrow(scope, typeName, own);
    if (narrowed === null) {
      const subject = fragment.name === null ? "Fragment" : `Fragment "${fragment.name}"`;
      this.#report(
        `${subject} cannot be spread here as objects of type "${typeNameOf(scope)}" can never ` +
          `be of type "${typeName}"`,
        path,
        locations,
      );
    }
    this.selections(fragment.node, narrowed ?? own, path);
  }

  /**
   * Gives the scope a fragment on `typeName` (whose own scope is `own`) selects in when spread in
   * `scope`, or `null` when no value of `scope` can be of that type. As graphql-js's
   * PossibleFragmentSpreads rule, the fragment's type is compared with the type it is spread in
   * (an enclosing fragment's type, not the object's outer type), and its selections are then
   * checked against its own type.
   */
  #narrow(scope: Scope, typeName: string, own: Scope): Scope | null {
    switch (scope.kind) {
      case "root":
        return typeName === scope.typeName ? scope : null;
      case "record":
        return scope.typeName === typeName ? scope : null;
      case "node": {
        const node = scope.node;
        if (typeName === node.name) return scope;
        if (own.kind !== "abstract") return null;
        return own.possible.includes(node) ? own : null;
      }
      case "abstract": {
        if (typeName === scope.type.name) return scope;
        if (own.kind === "node") return scope.possible.includes(own.node) ? own : null;
        if (own.kind !== "abstract") return null;
        return own.possible.some((node) => scope.possible.includes(node)) ? own : null;
      }
    }
  }

  /** The scope a type name stands for on its own, or `null` when the graph has no such type. */
  #namedScope(typeName: string): Scope | null {
    if (typeName === "Query" || typeName === "Mutation") return { kind: "root", typeName };
    const node = this.#graph.nodesMap.get(typeName);
    if (node !== undefined) return { kind: "node", node };
    const union = this.#graph.unionsMap.get(typeName);
    if (union !== undefined) return this.#abstract(union);
    const iface = this.#graph.interfacesMap.get(typeName);
    if (iface !== undefined) return this.#abstract(iface);
    const record = this.#graph.dataTypes.get(typeName);
    if (record !== undefined) {
      return { kind: "record", name: typeName, typeName, fields: record.fields };
    }
    return null;
  }

  #typeNames(): string[] {
    const graph = this.#graph;
    return [
      "Query",
      ...(this.#ordered ? ["Mutation"] : []),
      ...graph.nodesMap.keys(),
      ...graph.unionsMap.keys(),
      ...graph.interfacesMap.keys(),
      ...graph.dataTypes.keys(),
    ];
  }

  #linkScope(link: Link): Scope | null {
    switch (link.targetKind) {
      case "node": {
        const node = this.#graph.nodesMap.get(link.target);
        return node === undefined ? null : { kind: "node", node };
      }
      case "union": {
        const union = this.#graph.unionsMap.get(link.target);
        return union === undefined ? null : this.#abstract(union);
      }
      case "interface": {
        const iface = this.#graph.interfacesMap.get(link.target);
        return iface === undefined ? null : this.#abstract(iface);
      }
    }
  }

  #abstract(type: Union | Interface): AbstractScope {
    const possible: Node[] = [];
    for (const name of this.#possible(type)) {
      const node = this.#graph.nodesMap.get(name);
      if (node !== undefined) possible.push(node);
    }
    return { kind: "abstract", type, possible };
  }

  #possible(type: Union | Interface): readonly string[] {
    return type.kind === "union" ? type.types : this.#graph.interfacesTypes.get(type.name) ?? [];
  }

  /**
   * The record a field's type holds (through `Optional` and `Sequence`), or `null` when it holds
   * no record: then the field cannot be given a selection.
   */
  #recordScope(type: GraphType | null, label: string): RecordScope | null {
    let inner = type;
    while (inner !== null && (inner.kind === "optional" || inner.kind === "sequence")) {
      inner = inner.type;
    }
    if (inner === null) return null;
    if (inner.kind === "record") {
      return { kind: "record", name: label, typeName: null, fields: inner.fields };
    }
    if (inner.kind === "ref") {
      const record = this.#graph.dataTypes.get(inner.name);
      if (record !== undefined) {
        return { kind: "record", name: inner.name, typeName: inner.name, fields: record.fields };
      }
    }
    return null;
  }

  #collect(
    set: QueryNode,
    target: ConcreteScope,
    groups: Map<string, Selection[]>,
    visited: Set<QueryNode>,
  ): void {
    // A set reached again (a fragment spread twice) adds nothing new: visited once.
    if (visited.has(set)) return;
    visited.add(set);
    for (const item of set.items) {
      if (item.kind === "fragment") {
        if (this.#applies(item.typeName, target)) {
          this.#collect(item.node, target, groups, visited);
        }
        continue;
      }
      const group = groups.get(item.resultKey);
      if (group === undefined) groups.set(item.resultKey, [item]);
      else group.push(item);
    }
  }

  #applies(typeName: string | null, target: ConcreteScope): boolean {
    switch (target.kind) {
      case "root":
        return conditionApplies(this.#graph, typeName, this.#graph.root, target.typeName);
      case "record":
        return typeName === null || typeName === target.typeName;
      case "node":
        return conditionApplies(this.#graph, typeName, target.node, ROOT);
    }
  }

  /** The concrete types the values selected by `name` on `target` can have. */
  #targets(target: ConcreteScope, name: string): ConcreteScope[] {
    const label = `${scopeName(target)}.${name}`;
    if (target.kind === "record") {
      const type = Object.hasOwn(target.fields, name) ? target.fields[name]! : null;
      const record = this.#recordScope(type, label);
      return record === null ? [] : [record];
    }
    const members = target.kind === "root" ? this.#graph.root.fieldsMap : target.node.fieldsMap;
    const member = members.get(name);
    if (member === undefined) return [];
    if (member.kind === "field") {
      const record = this.#recordScope(member.type, label);
      return record === null ? [] : [record];
    }
    const scope = this.#linkScope(member);
    if (scope === null || scope.kind === "root" || scope.kind === "record") return [];
    if (scope.kind === "node") return [scope];
    return scope.possible.map((node) => ({ kind: "node", node }));
  }

  #isRecordField(target: ConcreteScope, name: string): boolean {
    return this.#targets(target, name).some((scope) => scope.kind === "record");
  }

  #idOf(set: QueryNode): number {
    let id = this.#ids.get(set);
    if (id === undefined) {
      id = this.#nextId++;
      this.#ids.set(set, id);
    }
    return id;
  }

  /** Adds a problem, once: one written location (or, without one, one path) per message. */
  #report(message: string, path: readonly string[], locations: readonly SourceLocation[]): void {
    const where = locations.length > 0
      ? locations.map((l) => `${l.line}:${l.column}`).join(" ")
      : path.join("\u0000");
    const key = `${message}\u0001${where}`;
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    this.problems.push({ message, path: Object.freeze([...path]), locations });
  }
}

/** `Cannot query field "x" on type "U"`, pointing at the nodes that do have the field. */
function cannotQuery(name: string, scope: AbstractScope): string {
  const message = `Cannot query field "${name}" on type "${scope.type.name}"`;
  const having: string[] = [];
  for (const node of scope.possible) if (node.fieldsMap.has(name)) having.push(`"${node.name}"`);
  if (having.length > 0) {
    return `${message}. Did you mean to use an inline fragment on ${orList(having)}?`;
  }
  return scope.type.kind === "interface"
    ? withHint(message, didYouMean(name, scope.type.fieldsMap.keys()))
    : message;
}

function scopeName(scope: Scope): string {
  switch (scope.kind) {
    case "root":
      return ROOT;
    case "node":
      return scope.node.name;
    case "abstract":
      return scope.type.name;
    case "record":
      return scope.name;
  }
}

/** The type name of a scope as GraphQL spells it, for "objects of type X" messages. */
function typeNameOf(scope: Scope): string {
  return scope.kind === "root" ? scope.typeName : scopeName(scope);
}

/** Scopes that validate selections alike have one key. */
function scopeKey(scope: Scope): string {
  switch (scope.kind) {
    case "root":
      return `root:${scope.typeName}`;
    case "node":
      return `node:${scope.node.name}`;
    case "abstract":
      return `abstract:${scope.type.name}`;
    case "record":
      return `record:${scope.name}`;
  }
}

function concreteKey(target: ConcreteScope): string {
  switch (target.kind) {
    case "root":
      return ROOT;
    case "node":
      return `node:${target.node.name}`;
    case "record":
      return `record:${target.name}`;
  }
}

/** Options compared as written, ignoring keys whose value is `undefined`. */
function optionsKey(options: QueryOptions | null): string {
  if (options === null) return "{}";
  const defined: { [name: string]: unknown } = {};
  for (const name of Object.keys(options)) {
    if (options[name] !== undefined) defined[name] = options[name];
  }
  return canonicalOptions(defined);
}

function locationsOf(
  items: readonly { readonly location: SourceLocation | null }[],
): SourceLocation[] {
  const out: SourceLocation[] = [];
  for (const item of items) if (item.location !== null) out.push(item.location);
  return out;
}

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

function quoteAll(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(", ");
}

function withHint(message: string, hint: string): string {
  return hint === "" ? message : `${message}.${hint}`;
}
