/**
 * A module that does not export a graph, for the worker pool's error tests.
 *
 * @module
 */

/** Not a graph. */
export const graf = "a typo";
