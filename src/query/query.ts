/**
 * The query AST: what a client asked for, independent of the language it was written in. GraphQL
 * text, the EDN-like syntax and the `Q` builder all produce these plain, frozen objects.
 *
 * A {@linkcode QueryNode} holds fields, links (fields with a sub-selection) and fragments, in the
 * order they were written. Repeated selections are merged by {@linkcode merge}.
 *
 * Option values are plain data, except in queries the GraphQL front end keeps for reuse: there a
 * value (or a part of one) may be a {@linkcode QueryVariable}, bound when loaders run.
 *
 * @module
 */

import type { SourceLocation } from "../base/errors.ts";
import { isPlainObject } from "../base/_objects.ts";

/** Option values given to a field or link: option name to value. */
export type QueryOptions = { readonly [name: string]: unknown };

/**
 * A reference to a variable inside option values, as the GraphQL front end keeps them in queries
 * it plans once and runs with many variable values. Readers that bind variables (`read`) never
 * leave one in their result.
 */
export class QueryVariable {
  /** The variable's name, without `$`. */
  readonly name: string;
  /** Where it was written, when read from text. */
  readonly location: SourceLocation | null;

  /**
   * Creates a reference.
   *
   * @param name The variable's name, without `$`.
   * @param location Where it was written.
   */
  constructor(name: string, location: SourceLocation | null = null) {
    this.name = name;
    this.location = location;
    Object.freeze(this);
  }
}

/** A directive written on a selection (other than `@skip`/`@include`, which readers apply). */
export interface QueryDirective {
  /** Directive name, without `@`. */
  readonly name: string;
  /** Argument values. */
  readonly args: QueryOptions;
}

/** A scalar selection: a field of a node, or a field of a record. */
export interface QueryField {
  /** Discriminant. */
  readonly kind: "field";
  /** The field's name in the graph. */
  readonly name: string;
  /** The name it has in the result, when given. */
  readonly alias: string | null;
  /** Option values, or `null` when none were given. */
  readonly options: QueryOptions | null;
  /** Directives on the selection. */
  readonly directives: readonly QueryDirective[];
  /** Where it was written, when read from text. */
  readonly location: SourceLocation | null;
  /** The key in the result: the alias, else the name. */
  readonly resultKey: string;
  /** The key of the loaded value: the name, plus the options when there are any. */
  readonly indexKey: string;
}

/** A selection with a sub-selection: a link to other nodes, or a record field. */
export interface QueryLink {
  /** Discriminant. */
  readonly kind: "link";
  /** The link's (or record field's) name in the graph. */
  readonly name: string;
  /** What is selected on the linked node. */
  readonly node: QueryNode;
  /** The name it has in the result, when given. */
  readonly alias: string | null;
  /** Option values, or `null` when none were given. */
  readonly options: QueryOptions | null;
  /** Directives on the selection. */
  readonly directives: readonly QueryDirective[];
  /** Where it was written, when read from text. */
  readonly location: SourceLocation | null;
  /** The key in the result: the alias, else the name. */
  readonly resultKey: string;
  /** The key of the loaded value: the name, plus the options when there are any. */
  readonly indexKey: string;
}

/** A fragment: named (`...Name`) or inline (`... on Type { }`), with an optional type condition. */
export interface QueryFragment {
  /** Discriminant. */
  readonly kind: "fragment";
  /** The fragment's name, or `null` for an inline fragment. */
  readonly name: string | null;
  /** The type condition, or `null` when there is none. */
  readonly typeName: string | null;
  /** What the fragment selects. */
  readonly node: QueryNode;
  /** Where it was written, when read from text. */
  readonly location: SourceLocation | null;
}

/** One selection of a selection set. */
export type QuerySelection = QueryField | QueryLink | QueryFragment;

/** A selection set: fields and links, and fragments. */
export interface QueryNode {
  /** Discriminant. */
  readonly kind: "node";
  /** Fields and links, in the order written (merged: one entry per distinct selection). */
  readonly fields: readonly (QueryField | QueryLink)[];
  /** Fragments, in the order written. */
  readonly fragments: readonly QueryFragment[];
  /**
   * Every selection in the order written: fields, links and fragments interleaved, and not merged
   * (a field written twice is here twice; `fields` is the merged view). Results follow this
   * order, as GraphQL's CollectFields does, and an error at a field merged from several
   * selections points at each of them.
   */
  readonly items: readonly QuerySelection[];
  /** `true` for mutations: root members run one after another, in document order. */
  readonly ordered: boolean;
}

/** What {@linkcode queryField} and {@linkcode queryLink} accept besides the name. */
export interface SelectionInit {
  /** The result name, when different from the field name. */
  readonly alias?: string | null;
  /** Option values. */
  readonly options?: QueryOptions | null;
  /** Directives. */
  readonly directives?: readonly QueryDirective[];
  /** Where it was written. */
  readonly location?: SourceLocation | null;
}

const NO_DIRECTIVES: readonly QueryDirective[] = Object.freeze([]);

/**
 * Prints option values canonically (keys sorted at every level), so that equal options give
 * equal index keys whatever order they were written in, and different ones different keys:
 * `NaN`, `Infinity` and `-0` are printed as themselves (JSON would print `null` and `0`), a
 * `Date` by its time, and any other object that is not a plain one (a `Map`, a class instance) by
 * its identity.
 *
 * @param value An option value.
 * @returns Canonical text.
 */
export function canonicalOptions(value: unknown): string {
  if (value instanceof QueryVariable) return `$${value.name}`;
  if (value === null || typeof value !== "object") {
    if (typeof value === "number") {
      return Object.is(value, -0) ? "-0" : String(value);
    }
    if (typeof value === "bigint") return `${value}n`;
    if (value === undefined) return "undefined";
    return JSON.stringify(value) ?? String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalOptions).join(",")}]`;
  if (!isPlainObject(value)) {
    // A date by its time (equal dates merge, as a custom scalar's parse makes a new one each
    // time); any other object by its identity, since what it holds may not show in its keys.
    if (value instanceof Date) return `Date(${value.getTime()})`;
    let id = identities.get(value);
    if (id === undefined) identities.set(value, id = ++lastIdentity);
    return `<object ${id}>`;
  }
  const obj = value as { [key: string]: unknown };
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalOptions(obj[k])}`).join(",")}}`;
}

/** Numbers for objects that are not plain, in {@linkcode canonicalOptions}. */
const identities = new WeakMap<object, number>();
let lastIdentity = 0;

function indexKeyOf(name: string, options: QueryOptions | null): string {
  if (options === null) return name;
  for (const _ in options) return `${name}(${canonicalOptions(options)})`;
  return name;
}

/**
 * Creates a field selection.
 *
 * @param name The field's name.
 * @param init Alias, options, directives and location.
 * @returns A frozen query field.
 */
export function queryField(name: string, init: SelectionInit = {}): QueryField {
  const alias = init.alias ?? null;
  const options = init.options ?? null;
  return Object.freeze({
    kind: "field",
    name,
    alias,
    options,
    directives: init.directives ?? NO_DIRECTIVES,
    location: init.location ?? null,
    resultKey: alias ?? name,
    indexKey: indexKeyOf(name, options),
  });
}

/**
 * Creates a link selection (a field with a sub-selection).
 *
 * @param name The link's name.
 * @param node The sub-selection.
 * @param init Alias, options, directives and location.
 * @returns A frozen query link.
 */
export function queryLink(name: string, node: QueryNode, init: SelectionInit = {}): QueryLink {
  const alias = init.alias ?? null;
  const options = init.options ?? null;
  return Object.freeze({
    kind: "link",
    name,
    node,
    alias,
    options,
    directives: init.directives ?? NO_DIRECTIVES,
    location: init.location ?? null,
    resultKey: alias ?? name,
    indexKey: indexKeyOf(name, options),
  });
}

/**
 * Creates a fragment.
 *
 * @param name The fragment's name, or `null` when inline.
 * @param typeName The type condition, or `null`.
 * @param node What it selects.
 * @param location Where it was written.
 * @returns A frozen fragment.
 */
export function queryFragment(
  name: string | null,
  typeName: string | null,
  node: QueryNode,
  location: SourceLocation | null = null,
): QueryFragment {
  return Object.freeze({ kind: "fragment", name, typeName, node, location });
}

/**
 * Creates a selection set from its fields and its fragments (fields first, then fragments).
 *
 * @param fields Fields and links.
 * @param fragments Fragments.
 * @param ordered Whether root members must run one after another (mutations).
 * @returns A frozen query node.
 */
export function queryNode(
  fields: readonly (QueryField | QueryLink)[],
  fragments: readonly QueryFragment[] = [],
  ordered = false,
): QueryNode {
  return Object.freeze({
    kind: "node",
    fields: Object.freeze([...fields]),
    fragments: Object.freeze([...fragments]),
    items: Object.freeze([...fields, ...fragments]),
    ordered,
  });
}

/**
 * Creates a selection set from selections in the order they were written.
 *
 * @param items Fields, links and fragments, interleaved.
 * @param ordered Whether root members must run one after another (mutations).
 * @returns A frozen query node.
 */
export function querySelections(items: readonly QuerySelection[], ordered = false): QueryNode {
  const fields: (QueryField | QueryLink)[] = [];
  const fragments: QueryFragment[] = [];
  for (const item of items) {
    if (item.kind === "fragment") fragments.push(item);
    else fields.push(item);
  }
  return Object.freeze({
    kind: "node",
    fields: Object.freeze(fields),
    fragments: Object.freeze(fragments),
    items: Object.freeze([...items]),
    ordered,
  });
}

// A field and a link under one result key stay apart, for validation to report.
function selectionKey(item: QueryField | QueryLink): string {
  return `${item.kind}\u0000${item.indexKey}\u0000${item.alias ?? ""}`;
}

/**
 * Merges selection sets into one: a field selected twice (same name, options and alias) appears
 * once, and links selected twice are kept once with their sub-selections merged (recursively).
 * Fragments are kept in order. This is what every reader applies to its result.
 *
 * @param nodes Selection sets to merge, in order.
 * @returns One selection set; `ordered` if any input was.
 * @example
 * ```ts
 * import { merge, queryField, queryLink, queryNode } from "./query.ts";
 * const a = queryNode([queryLink("characters", queryNode([queryField("name")]))]);
 * const b = queryNode([queryLink("characters", queryNode([queryField("species")]))]);
 * merge([a, b]); // { characters { name species } }
 * ```
 */
export function merge(nodes: readonly QueryNode[]): QueryNode {
  if (nodes.length === 1 && isMerged(nodes[0]!)) return nodes[0]!;
  const result = mergeNodes(nodes);
  mergedNodes.add(result);
  return result;
}

// Nodes known to be merged, so that merging a merged node again is free.
const mergedNodes = new WeakSet<QueryNode>();

function mergeNodes(nodes: readonly QueryNode[]): QueryNode {
  const fields: (QueryField | QueryLink)[] = [];
  const items: QuerySelection[] = [];
  const fragments: QueryFragment[] = [];
  const seen = new Map<string, number>();
  // Every selection of each link's key, in the order written.
  const linkParts = new Map<number, QueryLink[]>();
  let ordered = false;
  for (const node of nodes) {
    if (node.ordered) ordered = true;
    for (const item of node.items) items.push(item);
    for (const fragment of node.fragments) fragments.push(fragment);
    for (const item of node.fields) {
      const key = selectionKey(item);
      const at = seen.get(key);
      if (at === undefined) {
        seen.set(key, fields.length);
        if (item.kind === "link") linkParts.set(fields.length, [item]);
        fields.push(item);
      } else if (item.kind === "link") {
        linkParts.get(at)?.push(item);
      }
    }
  }
  for (const [at, links] of linkParts) {
    const link = fields[at] as QueryLink;
    const merged = merge(links.map((part) => part.node));
    if (merged !== link.node || links.length > 1) {
      const directives = links.length > 1 ? mergeDirectives(links) : link.directives;
      fields[at] = queryLink(link.name, merged, {
        alias: link.alias,
        options: link.options,
        directives,
        location: link.location,
      });
    }
  }
  return Object.freeze({
    kind: "node",
    fields: Object.freeze(fields),
    fragments: Object.freeze(fragments),
    items: Object.freeze(items),
    ordered,
  });
}

function mergeDirectives(links: readonly QueryLink[]): readonly QueryDirective[] {
  const out: QueryDirective[] = [];
  for (const link of links) for (const directive of link.directives) out.push(directive);
  return out.length === 0 ? NO_DIRECTIVES : out;
}

function isMerged(node: QueryNode): boolean {
  if (mergedNodes.has(node)) return true;
  const keys = new Set<string>();
  for (const item of node.fields) {
    const key = selectionKey(item);
    if (keys.has(key)) return false;
    keys.add(key);
    if (item.kind === "link" && !isMerged(item.node)) return false;
  }
  mergedNodes.add(node);
  return true;
}
