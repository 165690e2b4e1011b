/**
 * The plan of a query against a graph, made once per (graph, query) and reused: for each node at
 * each query path, which fields share a loader (one call per group), which link waits on which
 * group for its `requires`, the option values (normalized, or bound per execution when they
 * refer to variables), and the output shape that `denormalize` walks, in CollectFields order.
 *
 * Fragments are resolved here, per concrete node type, by {@linkcode collectFields}. The plan of
 * a linked node is made the first time ids reach it, so planning costs what executing does: a
 * branch that never receives an id is never planned, and however many paths a document's
 * fragments could describe, only those the data takes are.
 *
 * Where a node's loaders and the links leaving it come from one source that can fuse them
 * (`src/definitions/fusion.ts`), the planner offers the source the connected region they form,
 * planned at once (up to {@linkcode MAX_REGION_NODES} nodes); when it accepts, the region is
 * answered by one load.
 *
 * @module
 */

import {
  QueryValidationError,
  type SourceLocation,
  type ValidationProblem,
} from "../base/errors.ts";
import { type ObjectFactory, objectFactory } from "../base/_shape.ts";
import { isContextLoader } from "../definitions/context.ts";
import {
  ANY_COERCION,
  BOOLEAN_COERCION,
  enumCoercion,
  FLOAT_COERCION,
  ID_COERCION,
  INT_COERCION,
  LEAF_ANY,
  listCoercion,
  type OutputCoercion,
  scalarCoercion,
  STRING_COERCION,
} from "../definitions/_output_coercion.ts";
import type { Graph } from "../definitions/graph.ts";
import type {
  Field,
  Link,
  LinkCardinality,
  Loader,
  Member,
  Node,
  Root,
  TypeResolver,
} from "../definitions/members.ts";
import {
  type FusedLoader,
  type Fuser,
  type FusionGroup,
  type FusionLink,
  type FusionMember,
  type FusionNode,
  fusionOf,
  type FusionRegion,
} from "../definitions/fusion.ts";
import { possibleTypes } from "../definitions/type_conditions.ts";
import type { GraphType } from "../definitions/types.ts";
import {
  type QueryField,
  queryField,
  type QueryLink,
  queryLink,
  type QueryNode,
  type QueryOptions,
} from "../query/query.ts";
import { validate } from "../validation/validate.ts";
import { MAX_NESTING, tooDeepQuery } from "../query/_nesting.ts";
import { collectFields } from "./collect.ts";
import {
  bindOptions,
  hasVariables,
  normalizeOptions,
  type OptionsOwner,
  type Variables,
} from "./options.ts";

/**
 * A query field whose options (or directive arguments) refer to variables: bound per execution.
 */
export interface ColumnBinding {
  /** The field it selects. */
  readonly member: Field;
  /** The selection as written, with variable references. */
  readonly item: QueryField | QueryLink;
  /** Where, for messages. */
  readonly owner: OptionsOwner;
}

/** Fields of one node that share a loader: loaded by one call per batch of ids. */
export interface FieldGroup {
  /** Position in {@linkcode NodePlan.groups}. */
  readonly index: number;
  /** The shared loader. */
  readonly loader: Loader;
  /** Whether the loader takes the context first. */
  readonly passContext: boolean;
  /**
   * The query fields passed to the loader (distinct by index key, options normalized); a field
   * with a binding is replaced by its bound form in each execution.
   */
  readonly fields: readonly (QueryField | QueryLink)[];
  /** Their names, for messages. */
  readonly names: readonly string[];
  /** Links (by index in {@linkcode NodePlan.links}) that wait for this group. */
  readonly waiters: readonly number[];
  /** Per column, how to bind it when it refers to variables; `null` when none does. */
  readonly bindings: readonly (ColumnBinding | null)[] | null;
  /** Whether the node's region answers this group (no loader call of its own). */
  readonly fused: boolean;
}

/** Where a required value is read from: a group's rows, at a column. */
export interface ValueSource {
  /** The group. */
  readonly group: number;
  /** The column within the group's rows. */
  readonly column: number;
}

/** How a link's value is laid out, from its type. */
export interface LinkShape {
  /** `true` for `Sequence(...)` links (optionally in `Optional`). */
  readonly list: boolean;
  /** Whether the link's value may be null (`Optional(...)` at the top). */
  readonly nullable: boolean;
  /** For lists: whether items may be null (`Sequence(Optional(...))`). */
  readonly itemsNullable: boolean;
}

/** A link at a query path. */
export interface LinkPlan {
  /** Position in {@linkcode NodePlan.links}. */
  readonly index: number;
  /** The graph link. */
  readonly link: Link;
  /** The query link (options normalized, or as written when they refer to variables). */
  readonly query: QueryLink;
  /** Whether the loader takes the context first. */
  readonly passContext: boolean;
  /** Normalized option values, passed to the loader last when the link declares options. */
  readonly options: QueryOptions | null;
  /** Option values as written, when they refer to variables (bound per execution), else `null`. */
  readonly binding: { readonly given: QueryOptions; readonly owner: OptionsOwner } | null;
  /** Where the required values come from; `null` when the link has no `requires`. */
  readonly requires: readonly ValueSource[] | null;
  /** Names of the required fields (for a list of requires, the record keys). */
  readonly requiresNames: readonly string[];
  /** Whether `requires` was given as a list (the loader gets records). */
  readonly requiresList: boolean;
  /** How many distinct groups must load before the link can. */
  readonly waitCount: number;
  /** How the value is laid out. */
  readonly shape: LinkShape;
  /** The plans of the nodes it reaches, made when ids first reach them. */
  readonly targets: LinkTargets;
  /** Its index among its region's links when the node's region answers it, else `-1`. */
  readonly fused: number;
  /** The region this link starts (a link without `requires` that lists its first node's ids). */
  readonly entry: RegionPlan | null;
}

/** A region of the plan that one fused load answers. */
export interface RegionPlan {
  /** The load. */
  readonly loader: FusedLoader;
  /** What was offered to the source. */
  readonly region: FusionRegion;
  /** The plans of the region's links, by index (for their option values). */
  readonly links: readonly LinkPlan[];
}

/** A node's place in a region. */
export interface NodeRegion {
  /** The region. */
  readonly plan: RegionPlan;
  /** The node's index in it. */
  readonly node: number;
  /** Whether the region starts at this node (its ids are the node's batch). */
  readonly start: boolean;
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
  /**
   * How the value becomes a GraphQL result value (`denormalizeWithErrors`), as graphql-js coerces
   * it; `null` when it passes as it is (`Any`, `__typename`, sub-records: see `shape`).
   */
  readonly output: OutputCoercion | null;
  /** `output`'s code, kept for the hot path (`LEAF_ANY` when `output` is `null`). */
  readonly outputCode: number;
  /** Whether it may be null in GraphQL terms (`Optional`, or not one of the record's fields). */
  readonly nullable: boolean;
  /** Where every selection under this key was written. */
  readonly locations: readonly SourceLocation[];
}

/** A field's value in a node's output. */
export interface FieldSlot {
  /** Discriminant. */
  readonly kind: "field";
  /** The response key. */
  readonly key: string;
  /** The field's name, for messages. */
  readonly name: string;
  /** The group whose rows hold the value. */
  readonly group: number;
  /** The column in those rows. */
  readonly column: number;
  /** The record shape, for a record field queried with a selection. */
  readonly shape: RecordShape | null;
  /** How the loaded value becomes a result value (enums, scalars, IDs), as Hiku does. */
  readonly serialize: Serializer | null;
  /**
   * How the loaded value becomes a GraphQL result value (`denormalizeWithErrors`), as graphql-js
   * coerces it; `null` when it passes as it is (`Any`, untyped, records).
   */
  readonly output: OutputCoercion | null;
  /** `output`'s code, kept on the slot for the hot path (`LEAF_ANY` when `output` is `null`). */
  readonly outputCode: number;
  /** Whether it may be null in GraphQL terms (`Optional`, or untyped). */
  readonly nullable: boolean;
  /** Where every selection under this key was written. */
  readonly locations: readonly SourceLocation[];
}

/** `__typename` in a node's output. */
export interface TypenameSlot {
  /** Discriminant. */
  readonly kind: "typename";
  /** The response key. */
  readonly key: string;
  /** `"__typename"`. */
  readonly name: string;
  /** Where every selection under this key was written. */
  readonly locations: readonly SourceLocation[];
}

/** A link's value in a node's output. */
export interface LinkSlot {
  /** Discriminant. */
  readonly kind: "link";
  /** The response key. */
  readonly key: string;
  /** The link's name, for messages. */
  readonly name: string;
  /** The link's position in {@linkcode NodePlan.links}. */
  readonly link: number;
  /** How the value is laid out. */
  readonly shape: LinkShape;
  /** Where every selection under this key was written. */
  readonly locations: readonly SourceLocation[];
}

/** One entry of a node's output, in response-key order. */
export type OutSlot = FieldSlot | TypenameSlot | LinkSlot;

/** One step of an ordered (mutation) root: a group or a link, run one after another. */
export type OrderedStep = { readonly kind: "group"; readonly index: number } | {
  readonly kind: "link";
  readonly index: number;
};

/** What a plan and the plans made from it since hold, for bounding caches by size. */
export interface PlanCost {
  /** Node plans made. */
  nodes: number;
  /** Output entries, groups and links made. */
  entries: number;
}

/** The plan of one concrete node (or the root) at one query path. */
export interface NodePlan {
  /** The graph node or root. */
  readonly node: Node | Root;
  /** The node name, `null` for the root. */
  readonly nodeName: string | null;
  /** The name used in messages (`"root"` for the root). */
  readonly label: string;
  /** The `__typename` value (`"Query"` or `"Mutation"` for the root). */
  readonly typeName: string;
  /** Field groups, each loaded by one call. */
  readonly groups: readonly FieldGroup[];
  /** Links. */
  readonly links: readonly LinkPlan[];
  /** Output entries in response-key order. */
  readonly out: readonly OutSlot[];
  /** Response key to output entry. */
  readonly outMap: ReadonlyMap<string, OutSlot>;
  /** For mutations: the steps to run one after another; `null` otherwise. */
  readonly steps: readonly OrderedStep[] | null;
  /** Builds this node's output object from values in `out` order. */
  readonly make: ObjectFactory;
  /** Shared by every plan of one query: what they hold. */
  readonly cost: PlanCost;
  /** The region the node is in, or `null`. */
  readonly region: NodeRegion | null;
}

/** The most nodes one region takes; the rest of a query starts regions of its own. */
export const MAX_REGION_NODES = 32;

/** Turns a loaded value into a result value; throws a TypeError when it cannot. */
export type Serializer = (value: unknown) => unknown;

type PlanCache = WeakMap<QueryNode, WeakMap<Graph, NodePlan | QueryValidationError>>;

/** Plans with fused regions, and plans without (one load per node per path everywhere). */
const planCaches: { readonly fused: PlanCache; readonly unfused: PlanCache } = {
  fused: new WeakMap(),
  unfused: new WeakMap(),
};

function cacheFor(
  query: QueryNode,
  fusion: boolean,
): WeakMap<Graph, NodePlan | QueryValidationError> {
  const cache = fusion ? planCaches.fused : planCaches.unfused;
  let byGraph = cache.get(query);
  if (byGraph === undefined) {
    byGraph = new WeakMap();
    cache.set(query, byGraph);
  }
  return byGraph;
}

/**
 * Plans a query against a graph, validating it first. Plans are cached per (query, graph, fusion).
 *
 * @param graph The graph.
 * @param query The query.
 * @param fusion Whether sources may answer regions with one load. Default `true`.
 * @returns The root plan.
 * @throws {QueryValidationError} When the query does not fit the graph.
 */
export function planQuery(graph: Graph, query: QueryNode, fusion = true): NodePlan {
  const byGraph = cacheFor(query, fusion);
  let plan = byGraph.get(graph);
  if (plan === undefined) {
    // Before anything walks it: validation and planning recurse once per level.
    const problems: readonly ValidationProblem[] = tooDeepQuery(query)
      ? [{
        message: `Query nests deeper than ${MAX_NESTING} levels of links and fragments`,
        path: [],
        locations: [],
      }]
      : validate(graph, query);
    plan = problems.length > 0
      ? new QueryValidationError(problems)
      : makePlan(graph, query, fusion);
    byGraph.set(graph, plan);
  }
  if (plan instanceof QueryValidationError) throw plan;
  return plan;
}

/**
 * Plans a query that was validated already (by graphql-js against the graph's schema), and keeps
 * the plan where {@linkcode planQuery} finds it.
 *
 * @param graph The graph.
 * @param query The query.
 * @param fusion Whether sources may answer regions with one load. Default `true`.
 * @returns The root plan.
 */
export function planValidated(graph: Graph, query: QueryNode, fusion = true): NodePlan {
  const byGraph = cacheFor(query, fusion);
  const known = byGraph.get(graph);
  if (known !== undefined && !(known instanceof QueryValidationError)) return known;
  const plan = makePlan(graph, query, fusion);
  byGraph.set(graph, plan);
  return plan;
}

function makePlan(graph: Graph, query: QueryNode, fusion: boolean): NodePlan {
  const rootTypeName = query.ordered ? "Mutation" : "Query";
  const planner = new Planner(graph, rootTypeName, { nodes: 0, entries: 0 }, fusion);
  return planner.plan([query], graph.root, rootTypeName, query.ordered);
}

/** The plans a link reaches, made when ids first reach them. */
export class LinkTargets {
  /** The nodes the link can reach: its node, or the members of its union or interface. */
  readonly possible: ReadonlySet<string>;
  /** For links to a union or interface: gives the node of each id; `null` for a node. */
  readonly resolveType: TypeResolver | null;
  readonly #planner: Planner;
  readonly #parts: readonly QueryNode[];
  readonly #plans = new Map<string, NodePlan>();

  /**
   * @param planner Makes the plans.
   * @param parts The sub-selections of every selection of the link at this path.
   * @param possible The nodes it can reach.
   * @param resolveType The type resolver, for unions and interfaces.
   */
  constructor(
    planner: Planner,
    parts: readonly QueryNode[],
    possible: ReadonlySet<string>,
    resolveType: TypeResolver | null,
  ) {
    this.#planner = planner;
    this.#parts = parts;
    this.possible = possible;
    this.resolveType = resolveType;
  }

  /**
   * The plan of one node the link reaches.
   *
   * @param name The node's name (one of {@linkcode possible}).
   * @returns Its plan at this path.
   */
  plan(name: string): NodePlan {
    let plan = this.#plans.get(name);
    if (plan === undefined) {
      plan = this.#planner.plan(this.#parts, this.#planner.node(name), name, false);
      this.#plans.set(name, plan);
    }
    return plan;
  }
}

const LIST_SHAPES: { readonly [K in LinkCardinality]: LinkShape } = {
  one: { list: false, nullable: false, itemsNullable: false },
  maybe: { list: false, nullable: true, itemsNullable: false },
  many: { list: true, nullable: false, itemsNullable: false },
  maybeMany: { list: true, nullable: false, itemsNullable: true },
  optionalMany: { list: true, nullable: true, itemsNullable: false },
  optionalMaybeMany: { list: true, nullable: true, itemsNullable: true },
};

/** Makes node plans for one query; kept by link targets to plan what ids reach later. */
class Planner {
  readonly #graph: Graph;
  readonly #rootTypeName: string;
  readonly #cost: PlanCost;
  readonly #fusion: boolean;
  /** While a region is being formed, the plans it makes join it rather than start their own. */
  #forming = false;

  constructor(graph: Graph, rootTypeName: string, cost: PlanCost, fusion: boolean) {
    this.#graph = graph;
    this.#rootTypeName = rootTypeName;
    this.#cost = cost;
    this.#fusion = fusion;
  }

  node(name: string): Node {
    return this.#graph.nodesMap.get(name)!;
  }

  plan(
    sets: readonly QueryNode[],
    node: Node | Root,
    typeName: string,
    ordered: boolean,
  ): NodePlan {
    const collected = collectFields(this.#graph, sets, node, this.#rootTypeName);
    const builder = new GroupBuilder(node, typeName, ordered && node.kind === "root");
    const out: OutSlot[] = [];
    const links: LinkPlan[] = [];
    const steps: OrderedStep[] | null = ordered && node.kind === "root" ? [] : null;
    for (const { item, locations, parts } of collected) {
      if (item.name === "__typename") {
        out.push({ kind: "typename", key: item.resultKey, name: item.name, locations });
        continue;
      }
      const member = node.fieldsMap.get(item.name)!;
      const groupsBefore = builder.size;
      if (member.kind === "field") {
        const slot = this.#fieldSlot(builder, member, item, parts, locations);
        out.push(slot);
        if (steps !== null) {
          const last = steps.at(-1);
          if (last === undefined || last.kind !== "group" || last.index !== slot.group) {
            steps.push({ kind: "group", index: slot.group });
          }
        }
      } else {
        const index = links.length;
        const plan = this.#linkPlan(builder, member, item as QueryLink, parts, index);
        links.push(plan);
        out.push({
          kind: "link",
          key: item.resultKey,
          name: item.name,
          link: index,
          shape: plan.shape,
          locations,
        });
        if (steps !== null) {
          for (let g = groupsBefore; g < builder.size; g++) steps.push({ kind: "group", index: g });
          steps.push({ kind: "link", index });
          builder.close();
        }
      }
    }
    const plan = this.#finish(node, typeName, builder, links, out, steps);
    if (this.#fusion && !this.#forming && steps === null) this.#formRegions(plan);
    return plan;
  }

  /**
   * Offers the regions a freshly planned node starts to their sources: at the root, each fusable
   * link without `requires` (its list gives the region's first ids); elsewhere the node itself
   * (its batch gives them), when a fusable link leaves it.
   */
  #formRegions(plan: NodePlan): void {
    this.#forming = true;
    try {
      if (plan.nodeName === null) {
        for (const link of plan.links) {
          const member = fusionOf(link.link.loader);
          if (member === null || link.requires !== null || link.targets.resolveType !== null) {
            continue;
          }
          const builder = new RegionBuilder(member.fuser);
          builder.entryLink(link, member);
          const child = link.targets.plan(link.link.target);
          if (builder.node(child) === null) continue;
          this.#offer(builder, `${link.link.name} > ${link.link.target}`, link);
        }
        return;
      }
      let fuser: Fuser | null = null;
      for (const group of plan.groups) {
        fuser = fusionOf(group.loader)?.fuser ?? null;
        if (fuser !== null) break;
      }
      if (fuser === null) return;
      const builder = new RegionBuilder(fuser);
      builder.node(plan);
      if (builder.links.length === 0) return;
      this.#offer(builder, plan.label, null);
    } finally {
      this.#forming = false;
    }
  }

  #offer(builder: RegionBuilder, label: string, entry: LinkPlan | null): void {
    const region = {
      nodes: builder.nodes,
      links: builder.links,
      entry: entry === null ? "ids" as const : 0,
      label,
    };
    const loader = builder.fuser.fuse(region);
    if (loader === null) return;
    const regionPlan: RegionPlan = { loader, region, links: builder.linkPlans };
    for (let n = 0; n < builder.plans.length; n++) {
      const plan = builder.plans[n]!;
      (plan as { region: NodeRegion | null }).region = {
        plan: regionPlan,
        node: n,
        start: n === 0 && entry === null,
      };
      for (const group of builder.nodes[n]!.groups) {
        (plan.groups[group.group] as { fused: boolean }).fused = true;
      }
    }
    for (let l = 0; l < builder.links.length; l++) {
      const link = builder.linkPlans[l]!;
      if (link === entry) (link as { entry: RegionPlan | null }).entry = regionPlan;
      else (link as { fused: number }).fused = l;
    }
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
      bindings: g.bindings.some((b) => b !== null) ? g.bindings : null,
      fused: false,
    }));
    this.#cost.nodes++;
    this.#cost.entries += out.length + groups.length + links.length;
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
      cost: this.#cost,
      region: null,
    };
  }

  #owner(builder: GroupBuilder, item: QueryField | QueryLink): OptionsOwner {
    return { coordinate: `${builder.typeName}.${item.name}`, location: item.location };
  }

  #fieldSlot(
    builder: GroupBuilder,
    member: Field,
    item: QueryField | QueryLink,
    parts: readonly QueryNode[],
    locations: readonly SourceLocation[],
  ): FieldSlot {
    let binding: ColumnBinding | null = null;
    let normalized = item;
    if (hasVariables(item.options) || directivesHaveVariables(item)) {
      binding = { member, item, owner: this.#owner(builder, item) };
    } else {
      const options = normalizeOptions(
        member.options,
        item.options,
        this.#graph,
        this.#owner(builder, item),
      );
      if (options !== item.options) normalized = withOptions(item, options);
    }
    const { group, column } = builder.add(member, normalized, binding);
    // An inline record is named as the GraphQL schema names it: <Owner>_<field>.
    const shape = item.kind === "link" && member.type !== null
      ? this.#recordShape(member.type, parts, `${builder.typeName}_${member.name}`)
      : null;
    const output = member.type === null || shape !== null ? null : this.#output(member.type);
    return {
      kind: "field",
      key: item.resultKey,
      name: item.name,
      group,
      column,
      shape,
      serialize: member.type === null ? null : this.#serializer(member.type),
      output,
      outputCode: output === null ? LEAF_ANY : output.code,
      nullable: member.type === null || member.type.kind === "optional",
      locations,
    };
  }

  #linkPlan(
    builder: GroupBuilder,
    link: Link,
    item: QueryLink,
    parts: readonly QueryNode[],
    index: number,
  ): LinkPlan {
    let query = item;
    let options: QueryOptions | null = null;
    let binding: LinkPlan["binding"] = null;
    if (hasVariables(item.options) || directivesHaveVariables(item)) {
      binding = { given: item.options ?? {}, owner: this.#owner(builder, item) };
    } else {
      const normalized = normalizeOptions(
        link.options,
        item.options,
        this.#graph,
        this.#owner(builder, item),
      );
      if (normalized !== item.options) query = withOptions(item, normalized) as QueryLink;
      options = link.options.length > 0 ? normalized ?? Object.freeze({}) : null;
    }
    let requires: ValueSource[] | null = null;
    let requiresNames: string[] = [];
    if (link.requires !== null) {
      requiresNames = typeof link.requires === "string" ? [link.requires] : [...link.requires];
      requires = requiresNames.map((name) => {
        const field = builder.node.fieldsMap.get(name) as Field;
        return builder.add(
          field,
          queryField(name, { options: normalizeOptions(field.options, null, this.#graph) }),
          null,
        );
      });
    }
    let possible: ReadonlySet<string>;
    let resolveType: TypeResolver | null = null;
    if (link.targetKind === "node") {
      possible = new Set([link.target]);
    } else {
      const owner = link.targetKind === "union"
        ? this.#graph.unionsMap.get(link.target)!
        : this.#graph.interfacesMap.get(link.target)!;
      resolveType = owner.resolveType;
      possible = new Set(
        possibleTypes(this.#graph, link.target).filter((name) => this.#graph.nodesMap.has(name)),
      );
    }
    const waitCount = requires === null ? 0 : new Set(requires.map((r) => r.group)).size;
    return {
      index,
      link,
      query,
      passContext: isContextLoader(link.loader),
      options,
      binding,
      requires,
      requiresNames,
      requiresList: link.requires !== null && typeof link.requires !== "string",
      waitCount,
      shape: LIST_SHAPES[link.cardinality!],
      targets: new LinkTargets(this, parts, possible, resolveType),
      fused: -1,
      entry: null,
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

  /** A type's GraphQL result coercion; `null` when values pass as they are. */
  #output(type: GraphType): OutputCoercion | null {
    switch (type.kind) {
      case "optional":
        return this.#output(type.type);
      case "sequence":
        return listCoercion(this.#output(type.type) ?? ANY_COERCION, type.type.kind === "optional");
      case "enumRef": {
        const definition = this.#graph.enumsMap.get(type.name);
        return definition === undefined ? null : enumCoercion(definition);
      }
      case "scalarRef": {
        const definition = this.#graph.scalarsMap.get(type.name);
        return definition === undefined ? null : scalarCoercion(definition);
      }
      case "scalar":
        switch (type.name) {
          case "Int":
            return INT_COERCION;
          case "Float":
            return FLOAT_COERCION;
          case "String":
            return STRING_COERCION;
          case "Boolean":
            return BOOLEAN_COERCION;
          case "ID":
            return ID_COERCION;
          default:
            return null;
        }
      default:
        return null;
    }
  }

  /** `name` is the record's type name when it is an inline record. */
  #recordShape(type: GraphType, sets: readonly QueryNode[], name: string): RecordShape | null {
    switch (type.kind) {
      case "optional": {
        const inner = this.#recordShape(type.type, sets, name);
        return inner === null ? null : { kind: "optional", inner };
      }
      case "sequence": {
        const item = this.#recordShape(type.type, sets, name);
        return item === null ? null : { kind: "list", item };
      }
      case "ref": {
        const record = this.#graph.dataTypes.get(type.name);
        return record === undefined ? null : this.#recordFields(record.fields, type.name, sets);
      }
      case "record":
        return this.#recordFields(type.fields, name, sets);
      default:
        return null;
    }
  }

  #recordFields(
    fields: { readonly [name: string]: GraphType },
    typeName: string,
    sets: readonly QueryNode[],
  ): RecordShape {
    const out: RecordShapeField[] = [];
    // Records have no fragments of other types: every fragment applies (validation saw to it).
    const collected = collectFields(this.#graph, sets, RECORD_TARGET, typeName);
    for (const { item, locations, parts } of collected) {
      const type = Object.hasOwn(fields, item.name) ? fields[item.name] : undefined;
      const shape = item.kind === "link" && type !== undefined
        ? this.#recordShape(type, parts, `${typeName}_${item.name}`)
        : null;
      const serialize = type === undefined ? null : this.#serializer(type);
      // As the GraphQL schema types it: non-null unless `Optional`.
      const output = type === undefined || shape !== null ? null : this.#output(type);
      out.push({
        key: item.resultKey,
        name: item.name,
        shape,
        serialize,
        output,
        outputCode: output === null ? LEAF_ANY : output.code,
        nullable: type === undefined || type.kind === "optional",
        locations,
      });
    }
    this.#cost.entries += out.length;
    return { kind: "record", typeName, fields: out, make: objectFactory(out.map((f) => f.key)) };
  }
}

/**
 * Gathers a region: the nodes one fuser answers, from a first node along the links of that fuser
 * whose required field it loads too (links to unions and interfaces end it, as do loaders of any
 * other source).
 */
class RegionBuilder {
  readonly fuser: Fuser;
  readonly nodes: FusionNode[] = [];
  readonly plans: NodePlan[] = [];
  readonly links: FusionLink[] = [];
  readonly linkPlans: LinkPlan[] = [];

  constructor(fuser: Fuser) {
    this.fuser = fuser;
  }

  /** Records the link that lists the region's first ids (region link 0). */
  entryLink(link: LinkPlan, member: FusionMember): void {
    this.links.push({
      index: 0,
      name: link.link.name,
      member,
      cardinality: link.link.cardinality!,
      from: null,
      parent: -1,
      to: 0,
      hasOptions: link.options !== null || link.binding !== null,
    });
    this.linkPlans.push(link);
  }

  /**
   * Adds a node and, depth first, what its fusable links reach.
   *
   * @returns The node's index, or `null` when the fuser answers none of its fields.
   */
  node(plan: NodePlan): number | null {
    const groups: FusionGroup[] = [];
    for (const group of plan.groups) {
      const member = fusionOf(group.loader);
      if (member === null || member.fuser !== this.fuser) continue;
      groups.push({
        group: group.index,
        member,
        fields: group.fields,
        shown: shownFields(plan, group),
      });
    }
    if (groups.length === 0 || this.nodes.length >= MAX_REGION_NODES) return null;
    const index = this.nodes.length;
    this.nodes.push({ index, node: plan.nodeName!, groups });
    this.plans.push(plan);
    for (const link of plan.links) {
      const member = fusionOf(link.link.loader);
      if (member === null || member.fuser !== this.fuser) continue;
      if (link.targets.resolveType !== null || link.requiresList) continue;
      let from: FusionLink["from"] = null;
      if (link.requires !== null) {
        const source = link.requires[0]!;
        if (!groups.some((g) => g.group === source.group)) continue;
        from = {
          node: index,
          group: source.group,
          column: source.column,
          field: link.requiresNames[0]!,
        };
      }
      if (this.nodes.length >= MAX_REGION_NODES) break;
      const child = link.targets.plan(link.link.target);
      const linkIndex = this.links.length;
      // Reserve the link's place before its target's links, so indexes follow the walk.
      this.links.push(undefined as unknown as FusionLink);
      this.linkPlans.push(link);
      const to = this.node(child);
      if (to === null) {
        this.links.splice(linkIndex, 1);
        this.linkPlans.splice(linkIndex, 1);
        continue;
      }
      this.links[linkIndex] = {
        index: linkIndex,
        name: link.link.name,
        member,
        cardinality: link.link.cardinality!,
        from,
        parent: index,
        to,
        hasOptions: link.options !== null || link.binding !== null,
      };
    }
    return index;
  }
}

/**
 * Per field of a group, whether the node's output shows it (else it is loaded only for the value
 * a link requires).
 */
function shownFields(plan: NodePlan, group: FieldGroup): readonly boolean[] {
  const shown = new Array<boolean>(group.fields.length).fill(false);
  for (const slot of plan.out) {
    if (slot.kind === "field" && slot.group === group.index) shown[slot.column] = true;
  }
  return Object.freeze(shown);
}

/** Stands for a record in fragment conditions: a root-like target whose type is the record's. */
const RECORD_TARGET: Root = Object.freeze({
  kind: "root",
  name: null,
  fields: Object.freeze([]),
  fieldsMap: new Map(),
}) as unknown as Root;

function directivesHaveVariables(item: QueryField | QueryLink): boolean {
  for (const directive of item.directives) if (hasVariables(directive.args)) return true;
  return false;
}

function withOptions(
  item: QueryField | QueryLink,
  options: QueryOptions | null,
): QueryField | QueryLink {
  const init = {
    alias: item.alias,
    options,
    directives: item.directives,
    location: item.location,
  };
  return item.kind === "field"
    ? queryField(item.name, init)
    : queryLink(item.name, item.node, init);
}

// GraphQL serializes IDs as strings; loaders may give numbers (serial keys) or bigints.
function serializeId(value: unknown): unknown {
  return typeof value === "number" || typeof value === "bigint" ? String(value) : value;
}

interface MutableGroup {
  readonly loader: Loader;
  readonly fields: (QueryField | QueryLink)[];
  readonly bindings: (ColumnBinding | null)[];
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

  add(member: Member, item: QueryField | QueryLink, binding: ColumnBinding | null): ValueSource {
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
      this.groups.push({ loader: member.loader, fields: [], bindings: [], columns: new Map() });
      this.#byLoader.set(member.loader, group);
      this.#open = true;
    }
    const g = this.groups[group]!;
    const key = this.#consecutive ? item.resultKey : item.indexKey;
    let column = g.columns.get(key);
    if (column === undefined) {
      column = g.fields.length;
      g.fields.push(item);
      g.bindings.push(binding);
      g.columns.set(key, column);
    }
    return { group, column };
  }
}

const NO_OPTIONS: QueryOptions = Object.freeze({});

/**
 * A link's option values for one execution: as planned, or bound to the variables.
 *
 * @param link The link's plan.
 * @param variables The execution's variables.
 * @param graph The graph.
 * @returns The values (`{}` when every option was left out), or `null` for a link without
 *   options.
 * @throws {QueryReadError} When a variable's value does not fit its option.
 */
export function linkOptions(
  link: LinkPlan,
  variables: Variables,
  graph: Graph,
): QueryOptions | null {
  if (link.binding === null) return link.options;
  if (link.link.options.length === 0) return null;
  return bindOptions(link.link.options, link.binding.given, variables, graph, link.binding.owner) ??
    NO_OPTIONS;
}
