/**
 * The execution context: `passContext` marks loaders that take it, and the view loaders get
 * names the missing keys they read.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  AsyncExecutor,
  ContextKeyError,
  Engine,
  Field,
  Graph,
  Int,
  passContext,
  read,
  Root,
  signalOf,
} from "../mod.ts";
import { isContextLoader, strictContext } from "../src/definitions/context.ts";

Deno.test("passContext() marks a new function and leaves the loader as it was", () => {
  function namesOf(ctx: { readonly names: string[] }, ids: readonly number[]): string[] {
    return ids.map((id) => ctx.names[id]!);
  }
  const marked = passContext(namesOf);
  assert.notEqual(marked, namesOf);
  assert.equal(isContextLoader(marked), true);
  assert.equal(isContextLoader(namesOf), false);
  assert.equal(marked.name, "namesOf");
  assert.deepEqual(marked({ names: ["Kirk", "Spock"] }, [1, 0]), ["Spock", "Kirk"]);
});

Deno.test("isContextLoader() is false for anything not made by passContext()", () => {
  assert.equal(isContextLoader(() => 1), false);
  assert.equal(isContextLoader(null), false);
  assert.equal(isContextLoader({}), false);
  assert.equal(isContextLoader(passContext((_ctx: object) => 1).bind(null)), false);
});

// test_engine.py: test_context
Deno.test("strictContext() reads keys through, and throws naming a missing key", async (t) => {
  const ctx = strictContext({ db: "pglite", empty: undefined, zero: 0 });

  await t.step("present keys, even undefined or falsy ones", () => {
    assert.equal(ctx.db, "pglite");
    assert.equal(ctx.empty, undefined);
    assert.equal(ctx.zero, 0);
    assert.equal("db" in ctx, true);
    assert.equal("unknown" in ctx, false);
    assert.deepEqual(Object.keys(ctx), ["db", "empty", "zero"]);
  });

  await t.step("a missing key", () => {
    assert.throws(() => ctx.unknown, (error: unknown) => {
      assert.ok(error instanceof ContextKeyError);
      assert.equal(error.name, "ContextKeyError");
      assert.equal(error.key, "unknown");
      assert.equal(
        error.message,
        'Context key "unknown" is not set: pass it in the context given to engine.execute, schema.execute or graphqlHandler',
      );
      return true;
    });
  });

  await t.step("keys of Object.prototype are there", () => {
    assert.equal(typeof ctx.toString, "function");
    assert.equal(typeof ctx.hasOwnProperty, "function");
  });

  await t.step("then and toJSON read as absent, so it can be awaited and printed", async () => {
    assert.equal(ctx.then, undefined);
    assert.equal(await Promise.resolve(ctx), ctx);
    assert.equal(JSON.stringify(ctx), '{"db":"pglite","zero":0}');
  });

  await t.step("symbols read through", () => {
    assert.equal((ctx as { [Symbol.iterator]?: unknown })[Symbol.iterator], undefined);
  });

  await t.step("it cannot be assigned: a loader cannot change what other loaders see", () => {
    const plain = { db: "pglite" };
    const view = strictContext(plain) as { db: string; extra?: number };
    assert.throws(() => {
      view.db = "postgres";
    }, TypeError);
    assert.throws(() => {
      view.extra = 1;
    }, TypeError);
    assert.throws(() => {
      delete view.extra;
    }, TypeError);
    assert.deepEqual(plain, { db: "pglite" });
  });
});

Deno.test("signalOf() gives loaders the execution's abort signal, and null without one", async () => {
  const seen: (AbortSignal | null)[] = [];
  const load = passContext(
    (ctx: { readonly [key: string]: unknown }, fields: readonly unknown[]) => {
      seen.push(signalOf(ctx));
      return fields.map(() => 1);
    },
  );
  const graph = Graph([Root([Field("one", Int, load)])]);
  const engine = new Engine(new AsyncExecutor());
  const controller = new AbortController();
  await engine.execute(graph, read("{ one }"), {}, { signal: controller.signal });
  await engine.execute(graph, read("{ one }"), {});
  assert.equal(seen[0], controller.signal);
  assert.equal(seen[1], null);
  assert.equal(signalOf({}), null);
});
