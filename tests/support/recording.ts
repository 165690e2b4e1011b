/**
 * Test helpers that record loader calls, so tests can assert one call per node per query path
 * and exactly which ids and fields each call received.
 *
 * @module
 */

import type { QueryField, QueryLink } from "../../mod.ts";

/** One recorded call: a label and the arguments, with query fields reduced to their names. */
export interface Call {
  readonly loader: string;
  readonly args: readonly unknown[];
}

/** Records calls of wrapped loaders, in order. */
export class Recorder {
  readonly calls: Call[] = [];

  /**
   * Wraps a loader so its calls are recorded under a label.
   *
   * @param label Name in the record.
   * @param loader The loader.
   * @returns A loader with the same behaviour.
   */
  wrap<A extends unknown[], R>(label: string, loader: (...args: A) => R): (...args: A) => R {
    return (...args: A): R => {
      this.calls.push({ loader: label, args: args.map(summarize) });
      return loader(...args);
    };
  }

  /** Labels of the calls made, in order. */
  get labels(): string[] {
    return this.calls.map((c) => c.loader);
  }
}

function summarize(arg: unknown): unknown {
  if (Array.isArray(arg) && arg.length > 0 && isQueryField(arg[0])) {
    return arg.map((f: QueryField | QueryLink) =>
      f.alias === null ? f.name : `${f.alias}:${f.name}`
    );
  }
  return Array.isArray(arg) ? [...arg] : arg;
}

function isQueryField(value: unknown): boolean {
  return typeof value === "object" && value !== null &&
    ((value as { kind?: unknown }).kind === "field" ||
      (value as { kind?: unknown }).kind === "link");
}

/** A promise whose resolution the test controls. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** Creates a {@linkcode Deferred}. */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
