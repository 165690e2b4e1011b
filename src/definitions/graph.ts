/**
 * The graph: nodes, the root, and the named types they use, validated as a whole when declared.
 *
 * @module
 */

import { GraphDefinitionError } from "../base/errors.ts";
import { validateGraph } from "./_check_graph.ts";
import type { Enum } from "./enum.ts";
import type { Input } from "./input.ts";
import { type Interface, type Member, type Node, Root, type Union } from "./members.ts";
import { collectNamedTypes, type GraphInit } from "./named_types.ts";
import type { Directive } from "./directive.ts";
import type { Scalar } from "./scalar.ts";
import type { RecordType } from "./types.ts";

/** A graph: nodes, the root, and the named types they use. */
export interface Graph {
  /** Discriminant. */
  readonly kind: "graph";
  /** The nodes, in declaration order. */
  readonly nodes: readonly Node[];
  /** Node name to node. */
  readonly nodesMap: ReadonlyMap<string, Node>;
  /** The root (all roots given, combined). */
  readonly root: Root;
  /** Named record types. */
  readonly dataTypes: ReadonlyMap<string, RecordType>;
  /** Union name to union. */
  readonly unionsMap: ReadonlyMap<string, Union>;
  /** Interface name to interface. */
  readonly interfacesMap: ReadonlyMap<string, Interface>;
  /** Interface name to the names of the nodes implementing it. */
  readonly interfacesTypes: ReadonlyMap<string, readonly string[]>;
  /** Enum name to enum: listed ones and those used as types. */
  readonly enumsMap: ReadonlyMap<string, Enum>;
  /** Custom scalar name to scalar: listed ones and those used as types. */
  readonly scalarsMap: ReadonlyMap<string, Scalar>;
  /** Input type name to input type: listed ones and those used as types. */
  readonly inputsMap: ReadonlyMap<string, Input>;
  /** Declared schema directives. */
  readonly directives: readonly Directive[];
}

/**
 * Declares a graph. The definition is validated at once: duplicate names, links to unknown
 * nodes, `requires` naming missing fields, option defaults of the wrong type and the like are
 * reported together in one {@linkcode GraphDefinitionError}.
 *
 * @param items Nodes and roots.
 * @param init Data types, unions and interfaces.
 * @returns The graph.
 * @throws {GraphDefinitionError} When the definition has problems; lists all of them.
 * @example
 * ```ts
 * import { Field, Root } from "./members.ts";
 * import { Graph } from "./graph.ts";
 * import { Str } from "./types.ts";
 * const graph = Graph([Root([Field("hello", Str, (fields) => fields.map(() => "world"))])]);
 * ```
 */
export function Graph(items: readonly (Node | Root)[], init: GraphInit = {}): Graph {
  const named = collectNamedTypes(items, init);
  const problems = validateGraph(items, init, named);
  if (problems.length > 0) throw new GraphDefinitionError(problems);
  const nodes: Node[] = [];
  const rootMembers: Member[] = [];
  for (const item of items) {
    if (item.kind === "root") rootMembers.push(...item.fields);
    else nodes.push(item);
  }
  const interfacesTypes = new Map<string, string[]>();
  for (const iface of init.interfaces ?? []) interfacesTypes.set(iface.name, []);
  for (const node of nodes) {
    for (const name of node.implements) interfacesTypes.get(name)?.push(node.name);
  }
  return Object.freeze({
    kind: "graph",
    nodes: Object.freeze(nodes),
    nodesMap: new Map(nodes.map((n) => [n.name, n])),
    root: Root(rootMembers),
    dataTypes: new Map(Object.entries(init.dataTypes ?? {})),
    unionsMap: new Map((init.unions ?? []).map((u) => [u.name, u])),
    interfacesMap: new Map((init.interfaces ?? []).map((i) => [i.name, i])),
    interfacesTypes,
    enumsMap: named.enums,
    scalarsMap: named.scalars,
    inputsMap: named.inputs,
    directives: Object.freeze([...(init.directives ?? [])]),
  });
}

/**
 * Makes a mutation graph: the nodes and named types of a query graph with another root, whose
 * members are the mutations (run one after another, in document order).
 *
 * @param query The query graph.
 * @param root The mutations.
 * @returns The mutation graph.
 * @throws {GraphDefinitionError} When the root does not fit the query graph's nodes.
 * @example
 * ```ts ignore
 * const mutationGraph = MutationGraph(graph, Root([
 *   Link("renameCharacter", TypeRef("Character"), rename, { requires: null, options: [...] }),
 * ]));
 * ```
 */
export function MutationGraph(query: Graph, root: Root): Graph {
  return Graph([...query.nodes, root], {
    dataTypes: Object.fromEntries(query.dataTypes),
    unions: [...query.unionsMap.values()],
    interfaces: [...query.interfacesMap.values()],
    enums: [...query.enumsMap.values()],
    scalars: [...query.scalarsMap.values()],
    inputs: [...query.inputsMap.values()],
    directives: query.directives,
  });
}
