/**
 * How deep GraphQL text nests (internal), found before parsing: graphql-js's parser, and every
 * walk after it, recurse once per level of `{`, `[` and `(`, so text nested thousands deep would
 * overflow the stack. One linear scan that knows strings, block strings and comments finds the
 * first bracket past the limit. Once parsed, a second walk finds how deep the document nests with
 * its fragments spread in place, which brackets do not show.
 *
 * @module
 */

import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  Kind,
  type SelectionNode,
  type SelectionSetNode,
} from "npm:graphql@17.1.0";
import type { SourceLocation } from "../base/errors.ts";
import type { QueryNode } from "./query.ts";

/** The deepest nesting of brackets a document may have. */
export const MAX_NESTING = 256;

/**
 * Finds the first bracket that nests deeper than a limit.
 *
 * @param text GraphQL text.
 * @param limit The deepest nesting allowed.
 * @returns Where the first bracket past the limit is, or `null` when the text stays within it.
 */
export function tooDeep(text: string, limit: number = MAX_NESTING): SourceLocation | null {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 0x7b: // {
      case 0x5b: // [
      case 0x28: // (
        if (++depth > limit) return { line, column: i - lineStart + 1 };
        i++;
        break;
      case 0x7d: // }
      case 0x5d: // ]
      case 0x29: // )
        if (depth > 0) depth--;
        i++;
        break;
      case 0x0a: // \n
        line++;
        lineStart = ++i;
        break;
      case 0x0d: // \r, \r\n
        i += text.charCodeAt(i + 1) === 0x0a ? 2 : 1;
        line++;
        lineStart = i;
        break;
      case 0x23: // # comment to the end of the line
        while (i < n && text.charCodeAt(i) !== 0x0a && text.charCodeAt(i) !== 0x0d) i++;
        break;
      case 0x22: { // " string or """ block string
        if (text.charCodeAt(i + 1) === 0x22 && text.charCodeAt(i + 2) === 0x22) {
          i += 3;
          while (i < n) {
            const d = text.charCodeAt(i);
            if (d === 0x5c && text.startsWith('\\"""', i)) i += 4;
            else if (d === 0x22 && text.startsWith('"""', i)) {
              i += 3;
              break;
            } else {
              if (d === 0x0a || (d === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
                line++;
                lineStart = i + 1;
              }
              i++;
            }
          }
        } else {
          i++;
          while (i < n) {
            const d = text.charCodeAt(i);
            // A backslash escapes the next character, unless it ends the line (and the string).
            const next = text.charCodeAt(i + 1);
            if (d === 0x5c && next !== 0x0a && next !== 0x0d) i += 2;
            else if (d === 0x22 || d === 0x0a || d === 0x0d) {
              if (d === 0x22) i++;
              break;
            } else i++;
          }
        }
        break;
      }
      default:
        i++;
    }
  }
  return null;
}

/** A definition's selections as far as nesting goes: its own depth, and its spreads in order. */
interface Nesting {
  /** The deepest selection set inside the definition (its own set is 1). */
  readonly depth: number;
  /** The selection that first reaches past the limit on its own, if one does. */
  readonly past: SourceLocation | null;
  /** The fragments it spreads, in the order written (outer before inner). */
  readonly spreads: readonly FragmentSpreadNode[];
  /** Per spread, the depth of the selection set it is written in. */
  readonly levels: readonly number[];
}

/**
 * Finds where a parsed document nests deeper than a limit once its fragments are spread in place:
 * text whose brackets stay within {@linkcode MAX_NESTING} can still spread a chain of thousands of
 * fragments, or fragments that each nest a level and spread the next, and every walk after
 * parsing (graphql-js's validation, the front end's compilation, the engine and the result's
 * walk) recurses once per level of that. Each fragment's depth is found once, without recursion.
 *
 * A document whose fragments spread each other in a cycle is invalid; the cycle is left to
 * validation, unless the document defines more fragments than the limit: a path through them (as
 * validation walks it) could then be longer than the limit, and the first cycle found is reported
 * here, as validation would report it.
 *
 * @param document A parsed document.
 * @param limit The deepest nesting of selection sets allowed.
 * @returns The problem (its message, without a final period, and the spread that goes past the
 *   limit or the spreads of the cycle), or `null` when the document stays within the limit.
 */
export function tooDeepSpread(
  document: DocumentNode,
  limit: number = MAX_NESTING,
): { readonly message: string; readonly locations: readonly SourceLocation[] } | null {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(definition.name.value)) {
      fragments.set(definition.name.value, definition);
    }
  }
  if (fragments.size === 0) return null;
  const nestings = new Map<string, Nesting>();
  const nestingOf = (name: string): Nesting | undefined => {
    let nesting = nestings.get(name);
    if (nesting === undefined) {
      const definition = fragments.get(name);
      if (definition === undefined) return undefined;
      nesting = nestingIn(definition.selectionSet, limit);
      nestings.set(name, nesting);
    }
    return nesting;
  };
  // Each fragment's depth with its spreads in place: a walk of the spreads with a stack of its
  // own, in the order the front end compiles them. A spread back into a fragment on the stack (a
  // cycle) adds nothing.
  const depths = new Map<string, number>();
  const onStack = new Set<string>();
  let cycle: FragmentSpreadNode[] | null = null;
  const depthOf = (root: string): number => {
    const done = depths.get(root);
    if (done !== undefined) return done;
    const names: string[] = [root];
    const next: number[] = [0];
    const deepest: number[] = [nestingOf(root)!.depth];
    const entered: FragmentSpreadNode[] = [];
    onStack.add(root);
    while (names.length > 0) {
      const top = names.length - 1;
      const nesting = nestingOf(names[top]!)!;
      const s = next[top]!;
      if (s === nesting.spreads.length) {
        const depth = deepest[top]!;
        depths.set(names[top]!, depth);
        onStack.delete(names[top]!);
        names.pop();
        next.pop();
        deepest.pop();
        if (top > 0) {
          const parent = nestingOf(names[top - 1]!)!;
          const through = parent.levels[next[top - 1]! - 1]! + depth;
          if (through > deepest[top - 1]!) deepest[top - 1] = through;
          entered.pop();
        }
        continue;
      }
      next[top] = s + 1;
      const spread = nesting.spreads[s]!;
      const name = spread.name.value;
      const known = depths.get(name);
      if (known !== undefined) {
        const through = nesting.levels[s]! + known;
        if (through > deepest[top]!) deepest[top] = through;
      } else if (onStack.has(name)) {
        if (cycle === null) {
          const from = names.indexOf(name);
          cycle = [...entered.slice(from), spread];
        }
      } else if (fragments.has(name)) {
        names.push(name);
        next.push(0);
        deepest.push(nestingOf(name)!.depth);
        entered.push(spread);
        onStack.add(name);
      }
    }
    return depths.get(root)!;
  };
  const tooDeepIn = (nesting: Nesting): SourceLocation | null => {
    if (nesting.past !== null) return nesting.past;
    for (let s = 0; s < nesting.spreads.length; s++) {
      const spread = nesting.spreads[s]!;
      if (!fragments.has(spread.name.value)) continue;
      if (nesting.levels[s]! + depthOf(spread.name.value) > limit) return startOf(spread);
    }
    return null;
  };
  let at: SourceLocation | null = null;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) {
      at ??= tooDeepIn(nestingIn(definition.selectionSet, limit));
    }
  }
  if (at === null) {
    for (const name of fragments.keys()) at ??= tooDeepIn(nestingOf(name)!);
  }
  if (at !== null) {
    return {
      message: `Document nests deeper than ${limit} levels of selections ` +
        "with its fragments spread in place",
      locations: [at],
    };
  }
  if (cycle !== null && fragments.size > limit) {
    const spreads: FragmentSpreadNode[] = cycle;
    const name = spreads[spreads.length - 1]!.name.value;
    const via = spreads.slice(0, -1).map((spread) => `"${spread.name.value}"`);
    const locations: SourceLocation[] = [];
    for (const spread of spreads) {
      const location = startOf(spread);
      if (location !== null) locations.push(location);
    }
    return {
      message: `Cannot spread fragment "${name}" within itself` +
        (via.length === 0 ? "" : ` via ${via.join(", ")}`),
      locations,
    };
  }
  return null;
}

/** A selection set's own depth and spreads, walked with a stack (outer spreads first). */
function nestingIn(root: SelectionSetNode, limit: number): Nesting {
  const spreads: FragmentSpreadNode[] = [];
  const levels: number[] = [];
  let depth = 1;
  let past: SourceLocation | null = null;
  const sets: SelectionSetNode[] = [root];
  const setLevels: number[] = [1];
  const positions: number[] = [0];
  while (sets.length > 0) {
    const top = sets.length - 1;
    const set = sets[top]!;
    const at = positions[top]!;
    if (at === set.selections.length) {
      sets.pop();
      setLevels.pop();
      positions.pop();
      continue;
    }
    positions[top] = at + 1;
    const level = setLevels[top]!;
    const selection = set.selections[at]!;
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      spreads.push(selection);
      levels.push(level);
    } else if (selection.selectionSet !== undefined) {
      if (level + 1 > depth) depth = level + 1;
      if (level + 1 > limit) past ??= startOf(selection);
      sets.push(selection.selectionSet);
      setLevels.push(level + 1);
      positions.push(0);
    }
  }
  return { depth, past, spreads, levels };
}

function startOf(node: SelectionNode): SourceLocation | null {
  return node.loc === undefined
    ? null
    : { line: node.loc.startToken.line, column: node.loc.startToken.column };
}

/**
 * Finds whether a query AST (built in code with `build`/`Q`, or read from text) nests deeper
 * than a limit, counting a level per link and per fragment, without recursion: the engine loads
 * a level of synchronous loaders inside the previous one's call, so a query nested thousands deep
 * would overflow the stack (and be reported as a loader's failure). A selection set shared by
 * several paths (a fragment's) is measured once; a set that contains itself is too deep.
 *
 * @param root The query's root selection set.
 * @param limit The deepest nesting allowed (the root's set is 1).
 * @returns Whether it nests deeper than the limit.
 */
export function tooDeepQuery(root: QueryNode, limit: number = MAX_NESTING): boolean {
  const depths = new Map<QueryNode, number>();
  const onStack = new Set<QueryNode>();
  const nodes: QueryNode[] = [root];
  const next: number[] = [0];
  const deepest: number[] = [1];
  onStack.add(root);
  while (nodes.length > 0) {
    const top = nodes.length - 1;
    const node = nodes[top]!;
    const at = next[top]!;
    const items = node.items;
    if (at === items.length) {
      const depth = deepest[top]!;
      depths.set(node, depth);
      onStack.delete(node);
      nodes.pop();
      next.pop();
      deepest.pop();
      if (top > 0 && 1 + depth > deepest[top - 1]!) deepest[top - 1] = 1 + depth;
      continue;
    }
    next[top] = at + 1;
    const item = items[at]!;
    if (item.kind === "field") continue;
    const child = item.node;
    const known = depths.get(child);
    if (known !== undefined) {
      if (1 + known > deepest[top]!) deepest[top] = 1 + known;
      continue;
    }
    if (onStack.has(child) || nodes.length + 1 > limit) return true;
    nodes.push(child);
    next.push(0);
    deepest.push(1);
    onStack.add(child);
  }
  return depths.get(root)! > limit;
}
