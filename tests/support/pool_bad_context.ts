/**
 * A graph module whose `createContext` fails, for the worker pool's error tests.
 *
 * @module
 */

import { Field, Graph, Int, Root } from "../../mod.ts";
import type { QueryField } from "../../mod.ts";

/** The graph. */
export const graph: Graph = Graph([
  Root([Field("one", Int, (fields: readonly QueryField[]) => fields.map(() => 1))]),
]);

/** Always fails, as when a database cannot be reached. */
export function createContext(): never {
  throw new Error("no subspace link");
}
