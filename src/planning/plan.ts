/**
 * The plan of a query against a graph, made once per (graph, query) and reused: for each node at
 * each query path, which fields share a loader (one call per group), which link waits on which
 * group for its `requires`, the option values with defaults applied, and the output shape that
 * `denormalize` walks.
 *
 * Fragments are resolved here, per concrete node type, following the GraphQL spec's CollectFields:
 * selections of fragments whose type condition applies are merged with the node's own selections,
 * and links selected more than once under one result key have their sub-selections merged.
 *
 * @module
 */

import { isContextLoader } from "../definitions/context.ts";
import { QueryValidationError, type SourceLocation } from "../base/errors.ts";
import type {
  Field,
  Link,
  Loader,
  Member,
  Node,
  Root,
  TypeResolver,
} from "../definitions/members.ts";
import type { Graph } from "../definitions/graph.ts";
import type { Option } from "../definitions/option.ts";
import {
  merge,
  type QueryField,
  queryField,
  type QueryLink,
  queryLink,
  type QueryNode,
  type QueryOptions,
} from "../query/query.ts";
import type { GraphType } from "../definitions/types.ts";
import { validate } from "../validation/validate.ts";
import { type ObjectFactory, objectFactory } from "../base/_shape.ts";

/** Fields of one node that share a loader: loaded by one call per batch of ids. */
export interface FieldGroup {
  /** Position in {@linkcode NodePlan.groups}. */
  readonly index: number;
  /** The shared loader. */
  readonly loader: Loader;
  /** Whether the loader takes the context first. */
  readonly passContext: boolean;
  /** The query fields passed to the loader (distinct by index key, options normalized). */
  readonly fields: readonly (QueryField | QueryLink)[];
  /** Their names, for messages. */
  readonly names: readonly string[];
  /** Links (by index in {@linkcode NodePlan.links}) that wait for this group. */
  readonly waiters: readonly number[];
}

/** Where a required value is read from: a group's rows, at a column. */
export interface ValueSource {
  /** The group. */
  readonly group: number;
  /** The column within the group's rows. */
  readonly column: number;
}

/** A link at a query path. */
export interface LinkPlan {
  /** Position in {@linkcode NodePlan.links}. */
  readonly index: number;
  /** The graph link. */
  readonly link: Link;
  /** The query link (options normalized). */
  readonly query: QueryLink;
  /** Whether the loader takes the context first. */
  readonly passContext: boolean;
  /** Normalized option values, passed to the loader last when the link declares options. */
  readonly options: QueryOptions | null;
  /** Where the required values come from; `null` when the link has no `requires`. */
  readonly requires: readonly ValueSource[] | null;
  /** Names of the required fields (for a list of requires, the record keys). */
  readonly requiresNames: readonly string[];
  /** Whether `requires` was given as a list (the loader gets records). */
  readonly requiresList: boolean;
  /** How many distinct groups must load before the link can. */
  readonly waitCount: number;
  /** The plan of the linked node, for links to a node. */
  readonly child: NodePlan | null;
  /** Concrete node name to plan, for links to a union or an interface. */
  readonly children: ReadonlyMap<string, NodePlan> | null;
  /** Gives the concrete node of each id, for links to a union or an interface. */
  readonly resolveType: TypeResolver | null;
}

/** How a record value is projected onto a selection. */
export type RecordShape =
  | {
    readonly kind: "record";
    readonly typeName: string;
    readonly fields: readonly RecordShapeField[];
    readonly make: ObjectFactory;
  }
  | { readonly kind: "list"; readonly item: RecordShape }
  | { readonly kind: "optional"; readonly inner: RecordShape };

/** One selected field of a record. */
export interface RecordShapeField {
  /** Result key. */
  readonly key: string;
  /** Field name in the record (`"__typename"` for the type name). */
  readonly name: string;
  /** Shape of a selected sub-record, or `null` to copy the value as it is. */
  readonly shape: RecordShape | null;
  /** How the value becomes a result value (enums, scalars), or `null`. */
  readonly serialize: Serializer | null;
}

/** One entry of a node's output, in result-key order. */
export type OutSlot =
  | {
    readonly kind: "field";
    readonly key: string;
    readonly group: number;
    readonly column: number;
    readonly shape: RecordShape | null;
    readonly serialize: Serializer | null;
    readonly nullable: boolean;
    readonly location: SourceLocation | null;
    readonly name: string;
  }
  | {
    readonly kind: "typename";
    readonly key: string;
    readonly location: SourceLocation | null;
    readonly name: string;
  }
  | {
    readonly kind: "link";
    readonly key: string;
    readonly link: number;
    readonly nullable: boolean;
    readonly location: SourceLocation | null;
    readonly name: string;
  };

/** One step of an ordered (mutation) root: a group or a link, run one after another. */
export type OrderedStep = { readonly kind: "group"; readonly index: number } | {
  readonly kind: "link";
  readonly index: number;
};

/** The plan of one concrete node (or the root) at one query path. */
export interface NodePlan {
  /** The graph node or root. */
  readonly node: Node | Root;
  /** The node name, `null` for the root. */
  readonly nodeName: string | null;
  /** The name used in messages (`"root"` for the root). */
  readonly label: string;
  /** The `__typename` value. */
  readonly typeName: string;
  /** Field groups, each loaded by one call. */
  readonly groups: readonly FieldGroup[];
  /** Links. */
  readonly links: readonly LinkPlan[];
  /** Output entries in result-key order. */
  readonly out: readonly OutSlot[];
  /** Result key to output entry. */
  readonly outMap: ReadonlyMap<string, OutSlot>;
  /** For mutations: the steps to run one after another; `null` otherwise. */
  readonly steps: readonly OrderedStep[] | null;
  /** Builds this node's output object from values in `out` order. */
  readonly make: ObjectFactory;
  /** `out` as parallel arrays for the denormalize loop: 0 field, 1 link, 2 typename. */
  readonly outKind: Uint8Array;
  /** Per output entry: the group (fields) or link index (links). */
  readonly outGroup: Int32Array;
  /** Per output entry: the column (fields). */
  readonly outColumn: Int32Array;
  /** Per output entry: the record shape (fields queried with a selection), else `null`. */
  readonly outShape: readonly (RecordShape | null)[];
  /** Per output entry: how a field's loaded value becomes a result value (enums, scalars). */
  readonly outSerialize: readonly (Serializer | null)[];
  /** Per output entry: 1 when it may be null in GraphQL terms (optional fields, maybe links). */
  readonly outNullable: Uint8Array;
  /** Per output entry: where it was written in the query text. */
  readonly outLocation: readonly (SourceLocation | null)[];
  /** Per output entry: the field or link name, for messages. */
  readonly outName: readonly string[];
}

/** Turns a loaded value into a result value; throws a TypeError when it cannot. */
export type Serializer = (value: unknown) => unknown;

const planCache = new WeakMap<QueryNode, WeakMap<Graph, NodePlan | QueryValidationError>>();

/**
 * Plans a query against a graph, validating it first. Plans are cached per (query, graph).
 *
 * @param graph The graph.
 * @param query The query.
 * @returns The root plan.
 * @throws {QueryValidationError} When the query does not fit the graph.
 */
export function planQuery(graph: Graph, query: QueryNode): NodePlan {
  let byGraph = planCache.get(query);
  if (byGraph === undefined) {
    byGraph = new WeakMap();
    planCache.set(query, byGraph);
  }
  let plan = byGraph.get(graph);
  if (plan === undefined) {
    const problems = validate(graph, query);
    plan = problems.length > 0
      ? new QueryValidationError(problems)
      : new Planner(graph).plan(query, graph.root, query.ordered ? "Mutation" : "Query");
    byGraph.set(graph, plan);
  }
  if (plan instanceof QueryValidationError) throw plan;
  return plan;
}

/**
 * Turns the option values of a query into what a loader receives: declared defaults applied,
 * absent optional options left out, enum names and custom scalars parsed, input objects given
 * their fields' defaults (recursively). Defaults are written as query values and parsed too.
 *
 * @param declared The options the field or link declares.
 * @param given The values the query gives.
 * @param graph Where enums, scalars and input types are found.
 * @returns The values a loader receives, or `null` when nothing is declared.
 */
export function normalizeOptions(
  declared: readonly Option[],
  given: QueryOptions | null,
  graph: Graph,
): QueryOptions | null {
  if (declared.length === 0) return given;
  const out: { [name: string]: unknown } = {};
  for (const option of declared) {
    const value = given === null ? undefined : given[option.name];
    if (value !== undefined) out[option.name] = parseValue(option.type, value, graph);
    else if (option.hasDefault) out[option.name] = parseValue(option.type, option.default, graph);
  }
  return Object.freeze(out);
}

function parseValue(type: GraphType, value: unknown, graph: Graph): unknown {
  if (value === null || value === undefined) return value;
  switch (type.kind) {
    case "optional":
      return parseValue(type.type, value, graph);
    case "sequence":
      // One item stands for a list of one (GraphQL's input coercion).
      return Array.isArray(value)
        ? value.map((item) => parseValue(type.type, item, graph))
        : [parseValue(type.type, value, graph)];
    case "enumRef": {
      const definition = graph.enumsMap.get(type.name);
      return definition === undefined ? value : definition.parse(value);
    }
    case "scalarRef": {
      const definition = graph.scalarsMap.get(type.name);
      return definition === undefined ? value : definition.parse(value);
    }
    case "inputRef": {
      const definition = graph.inputsMap.get(type.name);
      if (definition === undefined || typeof value !== "object" || Array.isArray(value)) {
        return value;
      }
      return normalizeOptions(definition.fields, value as QueryOptions, graph);
    }
    default:
      return value;
  }
}

interface Collected {
  readonly item: QueryField | QueryLink;
  readonly parts: QueryNode[] | null;
}

class Planner {
  readonly #graph: Graph;

  constructor(graph: Graph) {
    this.#graph = graph;
  }

  plan(query: QueryNode, node: Node | Root, typeName: string): NodePlan {
    const selections = this.#collect(query, node);
    return query.ordered && node.kind === "root"
      ? this.#planOrdered(selections, node, typeName)
      : this.#planNode(selections, node, typeName);
  }

  #collect(query: QueryNode, node: Node | Root): (QueryField | QueryLink)[] {
    const collected = new Map<string, Collected>();
    this.#collectInto(query, node, collected);
    const out: (QueryField | QueryLink)[] = [];
    for (const { item, parts } of collected.values()) {
      if (item.kind === "link" && parts !== null && parts.length > 1) {
        out.push(queryLink(item.name, merge(parts), {
          alias: item.alias,
          options: item.options,
          directives: item.directives,
          location: item.location,
        }));
      } else {
        out.push(item);
      }
    }
    return out;
  }

  #collectInto(query: QueryNode, node: Node | Root, into: Map<string, Collected>): void {
    for (const item of query.fields) {
      const seen = into.get(item.resultKey);
      if (seen === undefined) {
        into.set(item.resultKey, { item, parts: item.kind === "link" ? [item.node] : null });
      } else if (item.kind === "link" && seen.parts !== null) {
        seen.parts.push(item.node);
      }
    }
    for (const fragment of query.fragments) {
      if (this.#applies(fragment.typeName, node)) this.#collectInto(fragment.node, node, into);
    }
  }

  #applies(typeName: string | null, node: Node | Root): boolean {
    if (typeName === null) return true;
    if (node.kind === "root") return typeName === "Query" || typeName === "Mutation";
    if (typeName === node.name || node.implements.includes(typeName)) return true;
    const union = this.#graph.unionsMap.get(typeName);
    return union !== undefined && union.types.includes(node.name);
  }

  #planNode(
    selections: readonly (QueryField | QueryLink)[],
    node: Node | Root,
    typeName: string,
  ): NodePlan {
    const builder = new GroupBuilder(node, typeName, false);
    const out: OutSlot[] = [];
    const links: LinkPlan[] = [];
    for (const item of selections) {
      if (item.name === "__typename") {
        out.push(typenameSlot(item));
        continue;
      }
      const member = node.fieldsMap.get(item.name)!;
      if (member.kind === "field") {
        out.push(this.#fieldSlot(builder, member, item));
      } else {
        const index = links.length;
        links.push(this.#linkPlan(builder, member, item as QueryLink, index));
        out.push(linkSlot(item, member, index));
      }
    }
    return this.#finish(node, typeName, builder, links, out, null);
  }

  #planOrdered(
    selections: readonly (QueryField | QueryLink)[],
    node: Root,
    typeName: string,
  ): NodePlan {
    const builder = new GroupBuilder(node, typeName, true);
    const out: OutSlot[] = [];
    const links: LinkPlan[] = [];
    const steps: OrderedStep[] = [];
    for (const item of selections) {
      if (item.name === "__typename") {
        out.push(typenameSlot(item));
        continue;
      }
      const member = node.fieldsMap.get(item.name)!;
      const groupsBefore = builder.size;
      if (member.kind === "field") {
        const slot = this.#fieldSlot(builder, member, item);
        out.push(slot);
        if (steps.at(-1)?.index !== slot.group || steps.at(-1)?.kind !== "group") {
          steps.push({ kind: "group", index: slot.group });
        }
      } else {
        const index = links.length;
        links.push(this.#linkPlan(builder, member, item as QueryLink, index));
        for (let g = groupsBefore; g < builder.size; g++) steps.push({ kind: "group", index: g });
        steps.push({ kind: "link", index });
        builder.close();
        out.push(linkSlot(item, member, index));
      }
    }
    return this.#finish(node, typeName, builder, links, out, steps);
  }

  #finish(
    node: Node | Root,
    typeName: string,
    builder: GroupBuilder,
    links: LinkPlan[],
    out: OutSlot[],
    steps: OrderedStep[] | null,
  ): NodePlan {
    const waiters: number[][] = builder.groups.map(() => []);
    for (const link of links) {
      if (link.requires === null) continue;
      const distinct = new Set(link.requires.map((r) => r.group));
      for (const g of distinct) waiters[g]!.push(link.index);
    }
    const groups = builder.groups.map((g, index): FieldGroup => ({
      index,
      loader: g.loader,
      passContext: isContextLoader(g.loader),
      fields: Object.freeze(g.fields),
      names: g.fields.map((f) => f.name),
      waiters: waiters[index]!,
    }));
    return {
      node,
      nodeName: node.name,
      label: node.name ?? "root",
      typeName,
      groups,
      links,
      out,
      outMap: new Map(out.map((slot) => [slot.key, slot])),
      steps,
      make: objectFactory(out.map((slot) => slot.key)),
      outKind: Uint8Array.from(
        out,
        (slot) => slot.kind === "field" ? 0 : slot.kind === "link" ? 1 : 2,
      ),
      outGroup: Int32Array.from(
        out,
        (slot) => slot.kind === "field" ? slot.group : slot.kind === "link" ? slot.link : -1,
      ),
      outColumn: Int32Array.from(out, (slot) => slot.kind === "field" ? slot.column : -1),
      outShape: out.map((slot) => slot.kind === "field" ? slot.shape : null),
      outSerialize: out.map((slot) => slot.kind === "field" ? slot.serialize : null),
      outNullable: Uint8Array.from(
        out,
        (slot) => slot.kind !== "typename" && slot.nullable ? 1 : 0,
      ),
      outLocation: out.map((slot) => slot.location),
      outName: out.map((slot) => slot.name),
    };
  }

  #fieldSlot(
    builder: GroupBuilder,
    member: Field,
    item: QueryField | QueryLink,
  ): OutSlot & { kind: "field" } {
    const options = normalizeOptions(member.options, item.options, this.#graph);
    const normalized = options === item.options
      ? item
      : item.kind === "field"
      ? queryField(item.name, {
        alias: item.alias,
        options,
        directives: item.directives,
        location: item.location,
      })
      : queryLink(item.name, item.node, {
        alias: item.alias,
        options,
        directives: item.directives,
        location: item.location,
      });
    const { group, column } = builder.add(member, normalized);
    // An inline record is named as the GraphQL schema names it: <Owner>_<field>.
    const shape = item.kind === "link" && member.type !== null
      ? this.#recordShape(member.type, item.node, `${builder.typeName}_${member.name}`)
      : null;
    return {
      kind: "field",
      key: item.resultKey,
      group,
      column,
      shape,
      serialize: member.type === null ? null : this.#serializer(member.type),
      nullable: member.type === null || member.type.kind === "optional",
      location: item.location,
      name: item.name,
    };
  }

  #linkPlan(builder: GroupBuilder, link: Link, item: QueryLink, index: number): LinkPlan {
    const options = normalizeOptions(link.options, item.options, this.#graph);
    const query = options === item.options ? item : queryLink(item.name, item.node, {
      alias: item.alias,
      options,
      directives: item.directives,
      location: item.location,
    });
    let requires: ValueSource[] | null = null;
    let requiresNames: string[] = [];
    if (link.requires !== null) {
      requiresNames = typeof link.requires === "string" ? [link.requires] : [...link.requires];
      requires = requiresNames.map((name) => {
        const field = builder.node.fieldsMap.get(name) as Field;
        return builder.add(
          field,
          queryField(name, { options: normalizeOptions(field.options, null, this.#graph) }),
        );
      });
    }
    let child: NodePlan | null = null;
    let children: Map<string, NodePlan> | null = null;
    let resolveType: LinkPlan["resolveType"] = null;
    if (link.targetKind === "node") {
      const target = this.#graph.nodesMap.get(link.target)!;
      child = this.plan(item.node, target, target.name);
    } else {
      children = new Map();
      const owner = link.targetKind === "union"
        ? this.#graph.unionsMap.get(link.target)!
        : this.#graph.interfacesMap.get(link.target)!;
      resolveType = owner.resolveType;
      const names = owner.kind === "union"
        ? owner.types
        : this.#graph.interfacesTypes.get(owner.name) ?? [];
      for (const name of names) {
        const target = this.#graph.nodesMap.get(name);
        if (target !== undefined) children.set(name, this.plan(item.node, target, name));
      }
    }
    const waitCount = requires === null ? 0 : new Set(requires.map((r) => r.group)).size;
    return {
      index,
      link,
      query,
      passContext: isContextLoader(link.loader),
      options: link.options.length > 0 ? options ?? Object.freeze({}) : null,
      requires,
      requiresNames,
      requiresList: link.requires !== null && typeof link.requires !== "string",
      waitCount,
      child,
      children,
      resolveType,
    };
  }

  #serializer(type: GraphType): Serializer | null {
    switch (type.kind) {
      case "optional": {
        const inner = this.#serializer(type.type);
        if (inner === null) return null;
        return (value) => value === null || value === undefined ? null : inner(value);
      }
      case "sequence": {
        const inner = this.#serializer(type.type);
        if (inner === null) return null;
        return (value) => {
          if (!Array.isArray(value)) return value;
          const out = new Array(value.length);
          for (let k = 0; k < value.length; k++) out[k] = inner(value[k]);
          return out;
        };
      }
      case "enumRef": {
        const definition = this.#graph.enumsMap.get(type.name);
        return definition === undefined ? null : (value) => definition.serialize(value);
      }
      case "scalarRef": {
        const definition = this.#graph.scalarsMap.get(type.name);
        return definition === undefined ? null : (value) => definition.serialize(value);
      }
      case "scalar":
        return type.name === "ID" ? serializeId : null;
      default:
        return null;
    }
  }

  /** `name` is the record's type name when it is an inline record. */
  #recordShape(type: GraphType, selection: QueryNode, name: string): RecordShape | null {
    switch (type.kind) {
      case "optional": {
        const inner = this.#recordShape(type.type, selection, name);
        return inner === null ? null : { kind: "optional", inner };
      }
      case "sequence": {
        const item = this.#recordShape(type.type, selection, name);
        return item === null ? null : { kind: "list", item };
      }
      case "ref": {
        const record = this.#graph.dataTypes.get(type.name);
        return record === undefined
          ? null
          : this.#recordFields(record.fields, type.name, selection);
      }
      case "record":
        return this.#recordFields(type.fields, name, selection);
      default:
        return null;
    }
  }

  #recordFields(
    fields: { readonly [name: string]: GraphType },
    typeName: string,
    selection: QueryNode,
  ): RecordShape {
    const out: RecordShapeField[] = [];
    const seen = new Set<string>();
    const visit = (node: QueryNode): void => {
      for (const item of node.fields) {
        if (seen.has(item.resultKey)) continue;
        seen.add(item.resultKey);
        const type = fields[item.name];
        const shape = item.kind === "link" && type !== undefined
          ? this.#recordShape(type, item.node, `${typeName}_${item.name}`)
          : null;
        const serialize = type === undefined ? null : this.#serializer(type);
        out.push({ key: item.resultKey, name: item.name, shape, serialize });
      }
      for (const fragment of node.fragments) visit(fragment.node);
    };
    visit(selection);
    return { kind: "record", typeName, fields: out, make: objectFactory(out.map((f) => f.key)) };
  }
}

// GraphQL serializes IDs as strings; loaders may give numbers (serial keys) or bigints.
function serializeId(value: unknown): unknown {
  return typeof value === "number" || typeof value === "bigint" ? String(value) : value;
}

function typenameSlot(item: QueryField | QueryLink): OutSlot {
  return { kind: "typename", key: item.resultKey, location: item.location, name: item.name };
}

function linkSlot(item: QueryField | QueryLink, link: Link, index: number): OutSlot {
  return {
    kind: "link",
    key: item.resultKey,
    link: index,
    nullable: link.cardinality === "maybe",
    location: item.location,
    name: item.name,
  };
}

interface MutableGroup {
  readonly loader: Loader;
  readonly fields: (QueryField | QueryLink)[];
  readonly columns: Map<string, number>;
}

/**
 * Groups the fields of one node by loader, each distinct index key once. For a mutation root
 * ("consecutive"), only fields written one after another share a call, and every result key is
 * its own column: each mutation field runs, even one written twice under two aliases.
 */
class GroupBuilder {
  readonly node: Node | Root;
  readonly typeName: string;
  readonly groups: MutableGroup[] = [];
  readonly #byLoader = new Map<Loader, number>();
  readonly #consecutive: boolean;
  #open = false;

  constructor(node: Node | Root, typeName: string, consecutive: boolean) {
    this.node = node;
    this.typeName = typeName;
    this.#consecutive = consecutive;
  }

  get size(): number {
    return this.groups.length;
  }

  /** Ends the current group of a mutation root: a link ran in between. */
  close(): void {
    this.#open = false;
  }

  add(member: Member, item: QueryField | QueryLink): ValueSource {
    let group: number | undefined;
    if (this.#consecutive) {
      if (this.#open && this.groups.at(-1)?.loader === member.loader) {
        group = this.groups.length - 1;
      }
    } else {
      group = this.#byLoader.get(member.loader);
    }
    if (group === undefined) {
      group = this.groups.length;
      this.groups.push({ loader: member.loader, fields: [], columns: new Map() });
      this.#byLoader.set(member.loader, group);
      this.#open = true;
    }
    const g = this.groups[group]!;
    const key = this.#consecutive ? item.resultKey : item.indexKey;
    let column = g.columns.get(key);
    if (column === undefined) {
      column = g.fields.length;
      g.fields.push(item);
      g.columns.set(key, column);
    }
    return { group, column };
  }
}
