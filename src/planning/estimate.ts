/**
 * The static cost estimate of a query: what it would cost before anything runs, from the shape
 * of the query and the graph alone.
 *
 * Cost is counted in units: each loader call costs `loadCost` units (the statement, the round
 * trip, the engine's bookkeeping), and each id a loader is given costs 1. A list link is assumed
 * to hold its declared `size` items, the value of its `sizeOption` when the query gives it (the
 * length of a list option), or `listSize`; links to one node hold one. The estimate follows the engine: one call per loader
 * per node per query path, with every id of the path in it, and one call per concrete type behind
 * a union or interface.
 *
 * Selections merge as the engine merges them: fragments spread at one level count once, however
 * often they are spread, and a link written twice under one result key loads once. Each merged
 * selection set is estimated once per type it is read as, whatever the number of paths that reach
 * it, so shared fragments are not walked again per path.
 *
 * @module
 */

import type { Graph } from "../definitions/graph.ts";
import type { Loader, Member } from "../definitions/members.ts";
import { type QueryNode, QueryVariable } from "../query/query.ts";

/** What the estimate assumes. */
export interface EstimateOptions {
  /** Units per loader call. */
  readonly loadCost: number;
  /** Items a list link is assumed to hold when it declares no size. */
  readonly listSize: number;
}

/** A query's estimate. */
export interface CostEstimate {
  /** The estimated cost in units: `loadCost` per loader call, plus 1 per id loaded. */
  readonly cost: number;
  /** Loader calls the query makes at most. */
  readonly loads: number;
  /** Ids its loaders are estimated to be given. */
  readonly ids: number;
  /** Whether a list size came from a variable (the estimate holds for these variables only). */
  readonly variable: boolean;
}

/** Per selection set and type: calls made once per path, and cost per id that reaches it. */
interface Part {
  readonly loads: number;
  readonly perId: number;
}

const NONE: Part = { loads: 0, perId: 0 };

/**
 * Estimates what a query costs to execute.
 *
 * @param graph The graph.
 * @param query The query (its root selection set).
 * @param variables The variables, for list sizes given by options that are variables.
 * @param options Units per call, and the default list size.
 * @returns The estimate.
 */
export function estimateCost(
  graph: Graph,
  query: QueryNode,
  variables: { readonly [name: string]: unknown },
  options: EstimateOptions,
): CostEstimate {
  const walk = new Estimator(graph, variables, options.listSize);
  const root = walk.part([query], null);
  const ids = 1 + root.perId;
  return {
    cost: root.loads * options.loadCost + ids,
    loads: root.loads,
    ids,
    variable: walk.variable,
  };
}

/** The selections of one result key at a level, merged as the engine merges them. */
interface MergedLink {
  readonly member: Member & { readonly kind: "link" };
  readonly children: QueryNode[];
  size: number;
}

class Estimator {
  readonly #graph: Graph;
  readonly #variables: { readonly [name: string]: unknown };
  readonly #listSize: number;
  /** Merged selection sets (by their nodes' numbers) and type name → their part. */
  readonly #parts = new Map<string, Part>();
  readonly #numbers = new Map<QueryNode, number>();
  variable = false;

  constructor(graph: Graph, variables: { readonly [name: string]: unknown }, listSize: number) {
    this.#graph = graph;
    this.#variables = variables;
    this.#listSize = listSize;
  }

  /**
   * The part of selection sets merged at one level (a link written twice under one key, or
   * spread from fragments), read as a node (`null`: the root). Fragments that apply are merged
   * in, each once however often it is spread; a field's loader counts once per level, and a link
   * once per result key, as the engine loads them.
   */
  part(nodes: readonly QueryNode[], typeName: string | null): Part {
    const key = this.#keyOf(nodes, typeName);
    const known = this.#parts.get(key);
    if (known !== undefined) return known;
    this.#parts.set(key, NONE); // A query is a finite DAG; this only guards against surprises.
    const members = typeName === null
      ? this.#graph.root.fieldsMap
      : this.#graph.nodesMap.get(typeName)?.fieldsMap;
    if (members === undefined) return NONE;
    const loaders = new Set<Loader>();
    const links = new Map<string, MergedLink>();
    const seen = new Set<QueryNode>(nodes);
    const stack = [...nodes];
    while (stack.length > 0) {
      const node = stack.pop()!;
      for (const selection of node.fields) {
        const member = members.get(selection.name);
        if (member === undefined) continue; // __typename, or a field validation refused
        if (member.kind === "field") {
          loaders.add(member.loader);
          continue;
        }
        this.#required(member, members, loaders);
        if (selection.kind !== "link") continue;
        const size = this.#sizeOf(member, selection.options);
        const merged = links.get(selection.resultKey);
        if (merged === undefined) {
          links.set(selection.resultKey, { member, children: [selection.node], size });
        } else {
          merged.children.push(selection.node);
          if (size > merged.size) merged.size = size;
        }
      }
      for (const fragment of node.fragments) {
        if (seen.has(fragment.node) || !this.#applies(fragment.typeName, typeName)) continue;
        seen.add(fragment.node);
        stack.push(fragment.node);
      }
    }
    let loads = loaders.size;
    let perId = loaders.size;
    for (const link of links.values()) {
      const child = this.#target(link.member.target, link.member.targetKind, link.children);
      loads += 1 + child.loads;
      // A list of 0 items loads nothing below it (0 × Infinity would be NaN, which no limit
      // refuses).
      perId += 1 + (link.size === 0 ? 0 : link.size * child.perId);
    }
    const made: Part = { loads, perId };
    this.#parts.set(key, made);
    return made;
  }

  #keyOf(nodes: readonly QueryNode[], typeName: string | null): string {
    const numbers: number[] = [];
    for (const node of nodes) {
      let number = this.#numbers.get(node);
      if (number === undefined) {
        number = this.#numbers.size;
        this.#numbers.set(node, number);
      }
      numbers.push(number);
    }
    if (numbers.length > 1) numbers.sort((a, b) => a - b);
    return `${typeName ?? ""} ${numbers.join(",")}`;
  }

  /** A link's required fields load too, when the query does not select them. */
  #required(
    member: Member & { kind: "link" },
    members: ReadonlyMap<string, Member>,
    loaders: Set<Loader>,
  ): void {
    const requires = member.requires;
    if (requires === null) return;
    if (typeof requires === "string") {
      const field = members.get(requires);
      if (field !== undefined && field.kind === "field") loaders.add(field.loader);
      return;
    }
    for (const name of requires) {
      const field = members.get(name);
      if (field !== undefined && field.kind === "field") loaders.add(field.loader);
    }
  }

  /** The part of a linked selection set: per concrete type behind a union or interface. */
  #target(target: string, kind: "node" | "union" | "interface", nodes: QueryNode[]): Part {
    if (kind === "node") return this.part(nodes, target);
    const types = kind === "union"
      ? this.#graph.unionsMap.get(target)?.types ?? []
      : this.#graph.interfacesTypes.get(target) ?? [];
    // Each type loads in its own calls; each id is of one type.
    let loads = 0;
    let perId = 0;
    for (const type of types) {
      const part = this.part(nodes, type);
      loads += part.loads;
      if (part.perId > perId) perId = part.perId;
    }
    return { loads, perId };
  }

  #applies(condition: string | null, typeName: string | null): boolean {
    if (condition === null || typeName === null || condition === typeName) return true;
    const node = this.#graph.nodesMap.get(typeName);
    if (node !== undefined && node.implements.includes(condition)) return true;
    return this.#graph.unionsMap.get(condition)?.types.includes(typeName) ?? false;
  }

  #sizeOf(
    link: Member & { kind: "link" },
    options: { readonly [name: string]: unknown } | null,
  ): number {
    const cardinality = link.cardinality;
    if (cardinality === "one" || cardinality === "maybe" || cardinality === null) return 1;
    if (link.sizeOption !== null) {
      let value = options?.[link.sizeOption];
      if (value instanceof QueryVariable) {
        this.variable = true;
        value = this.#variables[value.name];
      }
      if (value === undefined) value = link.optionsMap.get(link.sizeOption)?.default;
      // A list option sizes the list by its length: `nodes(ids: [...])` with `sizeOption: "ids"`.
      if (Array.isArray(value)) value = value.length;
      if (typeof value === "number" && Number.isFinite(value) && value >= 0) {
        return link.size === null ? value : Math.min(value, link.size);
      }
    }
    return link.size ?? this.#listSize;
  }
}
