/**
 * CollectFields: what one concrete type selects at one place, as the GraphQL specification's
 * CollectFields algorithm gives it, over the query AST.
 *
 * Selections are visited in the order written, fragments expanded where they stand when their
 * type condition holds; a response key keeps the position of its first occurrence, and a link
 * selected several times gathers every sub-selection. A selection set is visited once per
 * collection, however many spreads lead to it (graphql-js does the same per fragment name), so
 * the work is linear in the size of what is collected, whatever the fragments do.
 *
 * @module
 */

import type { SourceLocation } from "../base/errors.ts";
import type { Graph } from "../definitions/graph.ts";
import type { Node, Root } from "../definitions/members.ts";
import { conditionApplies } from "../definitions/type_conditions.ts";
import type { QueryField, QueryLink, QueryNode, QuerySelection } from "../query/query.ts";

/** What a response key collects. */
export interface Collected {
  /** The response key. */
  readonly key: string;
  /** The first selection under the key (the others have the same name and options). */
  readonly item: QueryField | QueryLink;
  /** Where each selection under the key was written, in order. */
  readonly locations: SourceLocation[];
  /** The sub-selections of every selection under the key, in order, each once. */
  readonly parts: QueryNode[];
}

/**
 * Collects the selections of some selection sets for one concrete type.
 *
 * @param graph The graph (for unions and interfaces in type conditions).
 * @param sets The selection sets (one, or those of a link selected several times).
 * @param target The concrete node, or the root.
 * @param rootTypeName The root's type name, for fragments on the root.
 * @returns One entry per response key, in CollectFields order.
 */
export function collectFields(
  graph: Graph,
  sets: readonly QueryNode[],
  target: Node | Root,
  rootTypeName: string,
): Collected[] {
  const out: Collected[] = [];
  const byKey = new Map<string, Collected>();
  const partsSeen = new Map<string, Set<QueryNode>>();
  const visited = new Set<QueryNode>();
  // Sets to visit, with the position reached in each: a stack instead of recursion, since
  // fragments may nest as deep as the text allows.
  const stack: QueryNode[] = [];
  const positions: number[] = [];
  for (let s = sets.length - 1; s >= 0; s--) {
    stack.push(sets[s]!);
    positions.push(0);
  }
  while (stack.length > 0) {
    const top = stack.length - 1;
    const set = stack[top]!;
    const at = positions[top]!;
    if (at === 0) {
      if (visited.has(set)) {
        stack.pop();
        positions.pop();
        continue;
      }
      visited.add(set);
    }
    const items: readonly QuerySelection[] = set.items;
    if (at >= items.length) {
      stack.pop();
      positions.pop();
      continue;
    }
    positions[top] = at + 1;
    const item = items[at]!;
    if (item.kind === "fragment") {
      if (conditionApplies(graph, item.typeName, target, rootTypeName)) {
        stack.push(item.node);
        positions.push(0);
      }
      continue;
    }
    const key = item.resultKey;
    let entry = byKey.get(key);
    if (entry === undefined) {
      entry = { key, item, locations: [], parts: [] };
      byKey.set(key, entry);
      out.push(entry);
    }
    if (item.location !== null) entry.locations.push(item.location);
    if (item.kind === "link") {
      let seen = partsSeen.get(key);
      if (seen === undefined) partsSeen.set(key, seen = new Set());
      if (!seen.has(item.node)) {
        seen.add(item.node);
        entry.parts.push(item.node);
      }
    }
  }
  return out;
}
