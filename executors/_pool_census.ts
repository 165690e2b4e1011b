/**
 * How many of the pool's worker threads are running in this process (private to the worker pool
 * executor): counted up when one is created, down when its thread has exited, so that the tests
 * can see that a pool which replaces its workers does not leave threads behind.
 *
 * @module
 */

let running = 0;

/** A worker thread was created. */
export function threadStarted(): void {
  running++;
}

/** A worker thread has exited. */
export function threadExited(): void {
  running--;
}

/**
 * Worker threads created by every pool of this process and not exited yet.
 *
 * @returns The number.
 */
export function runningThreads(): number {
  return running;
}
