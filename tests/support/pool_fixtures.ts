/**
 * A graph for the worker pool's own tests: loaders that say which thread ran them and which
 * shard they received, return every kind of value (some that cannot cross threads), read the
 * context, fail, crash their worker, never finish, or allocate without bound. The worker pool
 * imports it by URL in each worker.
 *
 * @module
 */

import { isMainThread } from "node:worker_threads";
import {
  Any,
  Field,
  Graph,
  Int,
  Link,
  Node,
  Nothing,
  Option,
  Optional,
  passContext,
  Root,
  SafeError,
  Sequence,
  Str,
  TypeRef,
} from "../../mod.ts";
import type { QueryField } from "../../mod.ts";

/** "main" on the main thread, the worker's name (`hiku-ts worker N`) in a worker. */
export const THREAD: string = isMainThread
  ? "main"
  : (globalThis as unknown as { name: string }).name;

/** Environment variable naming a file that each disposed context appends its thread to. */
export const DISPOSE_LOG = "HIKU_TS_POOL_DISPOSE_LOG";

/** The context each thread opens: its name and a ship, and a log of its disposal. */
export function createContext(): {
  thread: string;
  ship: string;
  [Symbol.asyncDispose](): Promise<void>;
} {
  return {
    thread: THREAD,
    ship: "Enterprise",
    async [Symbol.asyncDispose]() {
      const log = Deno.env.get(DISPOSE_LOG);
      if (log !== undefined) await Deno.writeTextFile(log, `${THREAD}\n`, { append: true });
    },
  };
}

/** What the barrier loaders find in the request context. */
export interface BarrierContext {
  /** Int32 counters: loads started, a release flag for `hold`, workers in `stallMarked`. */
  readonly shared: SharedArrayBuffer;
}

function rows(
  fields: readonly QueryField[],
  ids: readonly number[],
  value: (id: number, field: string) => unknown,
): unknown[][] {
  const out: unknown[][] = [];
  for (const id of ids) out.push(fields.map((f) => value(id, f.name)));
  return out;
}

function whereFields(fields: readonly QueryField[], ids: readonly number[]): unknown[][] {
  const range = `${ids[0]}-${ids[ids.length - 1]}`;
  return rows(fields, ids, (id, name) => {
    switch (name) {
      case "id":
        return id;
      case "double":
        return id * 2;
      case "half":
        return id / 2;
      case "label":
        return `#${id}`;
      case "thread":
        return THREAD;
      case "range":
        return range;
      default:
        return null;
    }
  });
}

function values(fields: readonly QueryField[], ids: readonly number[]): unknown[][] {
  return rows(fields, ids, (id, name) => {
    switch (name) {
      case "big":
        return BigInt(id) * 10n ** 20n;
      case "when":
        return new Date(Date.UTC(2266, 8, id));
      case "mixed":
        return id % 2 === 0 ? `even ${id}` : id;
      default:
        return null;
    }
  });
}

// About 2 us of arithmetic per id: enough to be worth a worker, cheap enough for tests.
function heavy(fields: readonly QueryField[], ids: readonly number[]): unknown[][] {
  return rows(fields, ids, (id) => {
    let h = id;
    for (let k = 0; k < 2000; k++) h = (Math.imul(h, 0x9e3779b1) + k) | 0;
    return h;
  });
}

// Returns a Promise: its cost cannot be timed, so the pool places it by batch size alone.
function later(fields: readonly QueryField[], ids: readonly number[]): Promise<unknown[][]> {
  return Promise.resolve(rows(fields, ids, (id, name) => name === "laterThread" ? THREAD : id * 3));
}

// Never settles, wherever it runs: a load that only an abort or a time-out ends.
function stall(): Promise<never> {
  return new Promise(() => {});
}

// The same, counting (in the third counter) the workers that have started it.
function stallMarked(ctx: BarrierContext): Promise<never> {
  if (THREAD !== "main") {
    const counters = new Int32Array(ctx.shared);
    Atomics.add(counters, 2, 1);
    Atomics.notify(counters, 2);
  }
  return new Promise(() => {});
}

// Values that structured clone cannot copy.
function uncloneable(fields: readonly QueryField[], ids: readonly number[]): unknown[][] {
  return rows(fields, ids, (id, name) => {
    switch (name) {
      case "callback":
        return () => id;
      case "hooks":
        return { id, hooks: [{ onLoad: () => id }] };
      default:
        return id;
    }
  });
}

// Allocates until the worker's heap runs out, in the loader's synchronous part.
function hoard(): never {
  onlyInAWorker();
  const kept: number[][] = [];
  for (;;) kept.push(new Array(1 << 16).fill(kept.length));
}

// The same after an await, in a Promise continuation.
async function hoardLater(): Promise<never> {
  onlyInAWorker();
  await null;
  const kept: number[][] = [];
  for (;;) kept.push(new Array(1 << 16).fill(kept.length));
}

function short(fields: readonly QueryField[], ids: readonly number[]): unknown[][] {
  return ids.slice(1).map((id) => fields.map(() => id));
}

class PhaserError extends TypeError {
  readonly code = "EPHASER";
  constructor(message: string) {
    super(message);
    this.name = "TypeError";
  }
}

function boom(): never {
  throw new PhaserError("phasers overloaded");
}

function refuse(): never {
  throw new SafeError("Shields are up", { code: "FORBIDDEN", deck: 7 });
}

function crash(): Promise<never> {
  setTimeout(() => {
    throw new Error("core dump");
  }, 0);
  return new Promise(() => {});
}

function quit(): Promise<never> {
  (globalThis as unknown as { close(): void }).close();
  return new Promise(() => {});
}

function exit(): never {
  Deno.exit(3);
}

function onlyInAWorker(): void {
  if (THREAD === "main") throw new Error("this loader only runs in a worker");
}

function spin(): never {
  onlyInAWorker();
  for (;;) {
    // Never returns: a worker stuck in a synchronous loop.
  }
}

// Waits (up to 10 s) until both barrier loads have started: they can only both start when the
// pool runs them at the same time, on two workers.
function barrier(ctx: BarrierContext, fields: readonly QueryField[], ids: readonly number[]) {
  onlyInAWorker();
  const counters = new Int32Array(ctx.shared);
  Atomics.add(counters, 0, 1);
  Atomics.notify(counters, 0);
  const deadline = Date.now() + 10_000;
  while (Atomics.load(counters, 0) < 2) {
    if (Date.now() > deadline) throw new Error("the other load never started");
    Atomics.wait(counters, 0, 1, 100);
  }
  return ids.map(() => fields.map(() => THREAD));
}

// Marks that it started, then blocks until released (or 10 s pass).
function hold(ctx: BarrierContext, fields: readonly QueryField[], ids: readonly number[]) {
  onlyInAWorker();
  const counters = new Int32Array(ctx.shared);
  Atomics.store(counters, 0, 1);
  Atomics.notify(counters, 0);
  Atomics.wait(counters, 1, 0, 10_000);
  return ids.map(() => fields.map(() => "released"));
}

function nextOf(ids: readonly number[]): (number | typeof Nothing)[] {
  return ids.map((id) => id % 3 === 0 ? Nothing : id + 1);
}

// A list of ids with a function where an id should be, for id 2.
function warpOf(ids: readonly number[]): unknown[][] {
  return ids.map((id) => id === 2 ? [id, () => id] : [id]);
}

function neighboursOf(ids: readonly number[]): (number | typeof Nothing)[][] {
  return ids.map((id) => [id > 1 ? id - 1 : Nothing, id + 1]);
}

const ship = passContext((
  ctx: { readonly ship: string },
  fields: readonly QueryField[],
  ids: readonly number[],
) => ids.map(() => fields.map(() => ctx.ship)));

const captain = passContext((
  ctx: { readonly captain: string },
  fields: readonly QueryField[],
  ids: readonly number[],
) => ids.map(() => fields.map(() => ctx.captain)));

/** The graph. */
export const graph: Graph = Graph([
  Node("Where", [
    Field("id", Int, whereFields),
    Field("double", Int, whereFields),
    Field("half", Any, whereFields),
    Field("label", Str, whereFields),
    Field("thread", Str, whereFields),
    Field("range", Str, whereFields),
    Field("big", Any, values),
    Field("when", Any, values),
    Field("mixed", Any, values),
    Field("heavy", Int, heavy),
    Field("later", Int, later),
    Field("laterThread", Str, later),
    Field("stall", Int, stall),
    Field("stallMarked", Int, passContext(stallMarked)),
    Field("plain", Int, uncloneable),
    Field("callback", Any, uncloneable),
    Field("hooks", Any, uncloneable),
    Field("hoard", Int, hoard),
    Field("hoardLater", Int, hoardLater),
    Field("short", Int, short),
    Field("boom", Int, boom),
    Field("refuse", Int, refuse),
    Field("crash", Int, crash),
    Field("quit", Int, quit),
    Field("exit", Int, exit),
    Field("spin", Int, spin),
    Field("left", Str, passContext(barrier)),
    Field("right", Str, passContext(barrier)),
    Field("hold", Str, passContext(hold)),
    Field("ship", Str, ship),
    Field("captain", Str, captain),
    Link("next", Optional(TypeRef("Where")), nextOf, { requires: "id" }),
    Link("neighbours", Sequence(Optional(TypeRef("Where"))), neighboursOf, { requires: "id" }),
    Link("warp", Sequence(TypeRef("Where")), warpOf, { requires: "id" }),
  ]),
  Root([
    Field("thread", Str, (fields: readonly QueryField[]) => fields.map(() => THREAD)),
    Field("handler", Any, (fields: readonly QueryField[]) => fields.map(() => () => THREAD)),
    Link(
      "where",
      Sequence(TypeRef("Where")),
      (options: { count: number }) => Array.from({ length: options.count }, (_, i) => i + 1),
      { requires: null, options: [Option("count", Int)] },
    ),
  ]),
]);
