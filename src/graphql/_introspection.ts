/**
 * Introspection beside the engine (internal): `__schema` and `__type` are answered by
 * graphql-js's execution of the same schema, on a document reduced to them; the engine answers
 * the rest, and the two are merged in CollectFields order.
 *
 * @module
 */

import {
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from "npm:graphql@17.1.0";
import { setOwn } from "../base/_objects.ts";
import {
  type QueryField,
  queryFragment,
  type QueryLink,
  type QueryNode,
  type QuerySelection,
  querySelections,
} from "../query/query.ts";

/** The root fields graphql-js answers. */
export const INTROSPECTION_FIELDS: ReadonlySet<string> = new Set(["__schema", "__type"]);

/**
 * A valid document's definitions, without locations (a location keeps the whole token list of
 * the text alive), from which each operation's introspection document is made when it first
 * runs: one copy of the text's AST, shared by all of them, so that a document of many operations
 * costs time and memory in its size, not in its size times its operations.
 */
export class IntrospectionSource {
  readonly #definitions: readonly DefinitionNode[];
  readonly #fragments = new Map<string, FragmentDefinitionNode>();

  /**
   * @param document The parsed, valid document.
   */
  constructor(document: DocumentNode) {
    this.#definitions = (withoutLocations(document) as DocumentNode).definitions;
    for (const definition of this.#definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        this.#fragments.set(definition.name.value, definition);
      }
    }
  }

  /** Definitions in each operation's document: the operation and the fragments (its size). */
  get definitionsPerDocument(): number {
    return 1 + this.#fragments.size;
  }

  /**
   * The document graphql-js executes for an operation's introspection: the operation with its
   * root selections (and those of the fragments spread at the root) reduced to `__schema` and
   * `__type`, and the document's fragments.
   *
   * @param index The operation's position among the document's definitions.
   * @returns The reduced document.
   */
  document(index: number): DocumentNode {
    const operation = this.#definitions[index] as OperationDefinitionNode;
    const fragments = this.#fragments;
    const atRoot = new Map<string, FragmentDefinitionNode>();
    const reduce = (set: SelectionSetNode): SelectionSetNode => {
      const selections: SelectionNode[] = [];
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (INTROSPECTION_FIELDS.has(selection.name.value)) selections.push(selection);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          selections.push({ ...selection, selectionSet: reduce(selection.selectionSet) });
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (fragment !== undefined && !atRoot.has(name)) {
            atRoot.set(name, fragment);
            atRoot.set(name, { ...fragment, selectionSet: reduce(fragment.selectionSet) });
          }
          selections.push(selection);
        }
      }
      return { kind: Kind.SELECTION_SET, selections };
    };
    const definitions: DefinitionNode[] = [{
      ...operation,
      selectionSet: reduce(operation.selectionSet),
    }];
    for (const fragment of fragments.values()) {
      definitions.push(atRoot.get(fragment.name.value) ?? fragment);
    }
    return { kind: Kind.DOCUMENT, definitions };
  }
}

/** A copy of an AST without `loc` (its depth is bounded by the nesting check before parsing). */
function withoutLocations(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLocations);
  if (node === null || typeof node !== "object") return node;
  const out: { [key: string]: unknown } = {};
  const record = node as { readonly [key: string]: unknown };
  for (const key of Object.keys(record)) {
    if (key !== "loc") out[key] = withoutLocations(record[key]);
  }
  return out;
}

/**
 * The root query without `__schema` and `__type`, which graphql-js answers.
 *
 * @param node The root selection.
 * @returns The selection the engine runs.
 */
export function withoutIntrospection(node: QueryNode): QueryNode {
  const memo = new Map<QueryNode, QueryNode>();
  const strip = (set: QueryNode): QueryNode => {
    const known = memo.get(set);
    if (known !== undefined) return known;
    const items: QuerySelection[] = [];
    for (const item of set.items) {
      if (item.kind === "fragment") {
        items.push(queryFragment(item.name, item.typeName, strip(item.node), item.location));
      } else if (!INTROSPECTION_FIELDS.has(item.name)) {
        items.push(item);
      }
    }
    const out = querySelections(items, set.ordered);
    memo.set(set, out);
    return out;
  };
  return strip(node);
}

/**
 * The root of the response: introspection (made plain) and data, in response key order.
 *
 * @param keys The root's response keys in CollectFields order.
 * @param introspected What graphql-js answered.
 * @param data What the engine answered.
 * @returns The merged root.
 */
export function mergeRoot(
  keys: readonly string[],
  introspected: { readonly [key: string]: unknown },
  data: { readonly [key: string]: unknown },
): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = {};
  for (const key of keys) {
    if (Object.hasOwn(introspected, key)) setOwn(out, key, plain(introspected[key]));
    else if (Object.hasOwn(data, key)) setOwn(out, key, data[key]);
  }
  return out;
}

/** A copy with ordinary objects (graphql-js builds results on null prototypes). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== "object") return value;
  const record = value as { readonly [key: string]: unknown };
  const out: { [key: string]: unknown } = {};
  for (const key of Object.keys(record)) setOwn(out, key, plain(record[key]));
  return out;
}

/** Whether a selection is one graphql-js answers. */
export function isIntrospection(item: QueryField | QueryLink): boolean {
  return INTROSPECTION_FIELDS.has(item.name);
}
