/**
 * The graph of the worker pool benchmark (W3), in its own module because each worker of the pool
 * imports it: `items(count)` gives ids 1..count; `score` is CPU-bound (a hash iterated `rounds`
 * times per id, `rounds` coming from the request context so that the benchmark can calibrate it
 * to ~20 us per id on the machine it runs on); `cheap` is one multiplication per id.
 *
 * @module
 */

import {
  Field,
  Graph,
  Int,
  Link,
  Node,
  Option,
  passContext,
  Root,
  Sequence,
  TypeRef,
} from "../mod.ts";
import type { QueryField } from "../mod.ts";

/** What the `score` loader reads from the request context. */
export interface ScoreContext {
  /** Hash rounds per id. */
  readonly rounds: number;
}

/**
 * The CPU-bound work for one id: `rounds` rounds of an integer hash.
 *
 * @param id The id.
 * @param rounds Rounds.
 * @returns The hash, as an unsigned 32-bit integer.
 */
export function scoreOf(id: number, rounds: number): number {
  let h = id | 0;
  for (let k = 0; k < rounds; k++) h = (Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) + k) | 0;
  return h >>> 0;
}

const score = passContext(
  (ctx: ScoreContext, _fields: readonly QueryField[], ids: readonly number[]): number[][] => {
    const rounds = ctx.rounds;
    const out: number[][] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = [scoreOf(ids[i]!, rounds)];
    return out;
  },
);

function cheap(_fields: readonly QueryField[], ids: readonly number[]): number[][] {
  const out: number[][] = new Array(ids.length);
  for (let i = 0; i < ids.length; i++) out[i] = [(ids[i]! * 2654435761) % 4294967296];
  return out;
}

function items(options: { count: number }): number[] {
  const out: number[] = [];
  for (let id = 1; id <= options.count; id++) out.push(id);
  return out;
}

/** The graph. */
export const graph: Graph = Graph([
  Node("Item", [Field("score", Int, score), Field("cheap", Int, cheap)]),
  Root([
    Link("items", Sequence(TypeRef("Item")), items, {
      requires: null,
      options: [Option("count", Int)],
    }),
  ]),
]);
