/**
 * Which fragments apply where: the one rule for a type condition (`... on T`) that validation,
 * planning and the schema share.
 *
 * @module
 */

import type { Graph } from "./graph.ts";
import type { Node, Root } from "./members.ts";

/**
 * Whether a fragment's type condition holds for values of a concrete node (or of a root).
 *
 * @param graph The graph.
 * @param typeName The condition; `null` (no condition) always holds.
 * @param target The concrete node, or the root.
 * @param rootTypeName The root's type name (`"Query"` or `"Mutation"`), for a root target.
 * @returns `true` when the node is the type, implements it, or is one of its union's members.
 */
export function conditionApplies(
  graph: Graph,
  typeName: string | null,
  target: Node | Root,
  rootTypeName: string,
): boolean {
  if (typeName === null) return true;
  if (target.kind === "root") return typeName === rootTypeName;
  if (typeName === target.name || target.implements.includes(typeName)) return true;
  const union = graph.unionsMap.get(typeName);
  return union !== undefined && union.types.includes(target.name);
}

/**
 * The nodes a named type stands for.
 *
 * @param graph The graph.
 * @param typeName A node, union or interface name.
 * @returns The node names (one for a node, the members of a union, the implementations of an
 *   interface); empty for other names.
 */
export function possibleTypes(graph: Graph, typeName: string): readonly string[] {
  if (graph.nodesMap.has(typeName)) return [typeName];
  const union = graph.unionsMap.get(typeName);
  if (union !== undefined) return union.types;
  return graph.interfacesTypes.get(typeName) ?? [];
}
