/**
 * Where the worker pool runs a load, how it splits a batch into shards, and how it puts the
 * shards' results back together (private to the worker pool executor). Pure functions, so the
 * rules are tested without timing anything.
 *
 * @module
 */

/** What the pool has measured about one loader. */
export interface LoaderStats {
  /**
   * Microseconds per batch entry spent in the loader's synchronous part: the least of the last
   * few timed runs (`NaN`: not timed yet).
   */
  costPerId: number;
  /** Whether the loader returned a Promise the last time it ran: its cost cannot be timed. */
  async: boolean;
  /** The last timed runs, microseconds per entry, oldest overwritten first. */
  readonly samples: number[];
  /** Where the next sample goes in `samples`. */
  next: number;
}

/** How many timed runs a loader's cost is the least of. */
export const SAMPLES = 4;

/**
 * Stats for a loader not timed yet.
 *
 * @returns Empty stats.
 */
export function newStats(): LoaderStats {
  return { costPerId: NaN, async: false, samples: [], next: 0 };
}

/**
 * Adds one timed run to a loader's stats. The cost kept is the least of the last few runs:
 * timings are wall-clock, and a garbage collection, a cold (not yet compiled) loader or a thread
 * the OS set aside only ever make a run look slower than the loader is.
 *
 * @param stats The loader's stats (updated).
 * @param ms Milliseconds the call took before it returned.
 * @param entries Batch entries in the call.
 * @param isAsync Whether it returned a Promise.
 */
export function recordRun(stats: LoaderStats, ms: number, entries: number, isAsync: boolean): void {
  stats.async = isAsync;
  if (isAsync || entries <= 0) return;
  stats.samples[stats.next] = (ms * 1000) / entries;
  stats.next = (stats.next + 1) % SAMPLES;
  stats.costPerId = Math.min(...stats.samples);
}

/** Where a batched load runs. */
export type Placement = "inline" | "probe" | "workers";

/**
 * Decides where a batched load runs:
 * - under `inlineThreshold` entries, on the main thread;
 * - with the cost rule off (`inlineCostPerId <= 0`), or for a loader that returns Promises (its
 *   cost cannot be timed), in the workers;
 * - for a loader not timed yet, "probe": time it on a first slice on the main thread, then decide;
 * - otherwise in the workers when it costs at least `inlineCostPerId` microseconds per entry.
 *
 * @param entries Batch entries.
 * @param stats What is known of the loader, or `undefined`.
 * @param inlineThreshold Smallest batch sent to workers.
 * @param inlineCostPerId Cheapest loader (microseconds per entry) sent to workers.
 * @returns Where to run it.
 */
export function placeBatch(
  entries: number,
  stats: LoaderStats | undefined,
  inlineThreshold: number,
  inlineCostPerId: number,
): Placement {
  if (entries < inlineThreshold) return "inline";
  if (inlineCostPerId <= 0) return "workers";
  if (stats === undefined) return "probe";
  if (stats.async) return "workers";
  return stats.costPerId >= inlineCostPerId ? "workers" : "inline";
}

/**
 * The shard size for a batch: the configured `shardSize`, else the batch split into up to
 * `shardsPerWorker` shards per worker (so a worker slowed down by other work takes fewer of them),
 * none smaller than `minShardSize`.
 *
 * @param entries Batch entries.
 * @param workers Pool size.
 * @param shardSize A fixed shard size, or `null`.
 * @param minShardSize Smallest shard when the size is chosen.
 * @param shardsPerWorker Most shards per worker.
 * @returns Entries per shard (the last one may have fewer).
 */
export function shardSizeFor(
  entries: number,
  workers: number,
  shardSize: number | null,
  minShardSize: number,
  shardsPerWorker: number,
): number {
  if (shardSize !== null) return shardSize;
  const shards = Math.max(
    1,
    Math.min(workers * shardsPerWorker, Math.floor(entries / minShardSize)),
  );
  return Math.ceil(entries / shards);
}

/**
 * Puts the shards' results back together, in order. The engine checks the whole result's shape,
 * so nothing is checked here, with one exception: when a shard has the wrong length but the total
 * comes out right (another shard erred the other way), that shard's own result is returned, so the
 * engine reports a wrong shape instead of storing rows against the wrong ids.
 *
 * @param parts Each shard's result.
 * @param lengths Each shard's batch length.
 * @returns One result: the concatenation, or the first part that is not an array.
 */
export function stitch(parts: readonly unknown[], lengths: readonly number[]): unknown {
  if (parts.length === 1) return parts[0];
  let total = 0;
  let expected = 0;
  let wrong = -1;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    if (!Array.isArray(part)) return part;
    total += part.length;
    expected += lengths[p]!;
    if (wrong < 0 && part.length !== lengths[p]) wrong = p;
  }
  if (wrong >= 0 && total === expected) return parts[wrong];
  const out = new Array(total);
  let k = 0;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p] as unknown[];
    for (let i = 0; i < part.length; i++) out[k++] = part[i];
  }
  return out;
}
