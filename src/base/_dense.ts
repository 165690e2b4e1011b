/**
 * Arrays indexed by `key - base` for integer keys close to each other (serial ids), the fast
 * index of the engine's link targets and of the Postgres sources' rows.
 *
 * @module
 */

/**
 * Makes `dense[index]` writable without leaving a gap: the slots before it are filled with
 * `empty`. A store far past an array's end would turn it into a slow dictionary for good (V8
 * does so when the gap is large), which ids dealt round-robin (1, 1001, 2001, ...) cause.
 *
 * @param dense The array.
 * @param index The slot about to be written.
 * @param empty What an unused slot holds.
 */
export function reach<T>(dense: T[], index: number, empty: T): void {
  while (dense.length < index) dense.push(empty);
}
