/**
 * How values are printed in error messages (src/base/_inspect.ts): short, on one line, and
 * never failing, whatever the value does when it is read.
 *
 * @module
 */

import assert from "node:assert/strict";
import { inspect } from "../src/base/_inspect.ts";
import { build, Q as AnyQ, type QueryBuilder } from "../mod.ts";

const Q: QueryBuilder<"a"> = AnyQ;

Deno.test("inspect prints a property whose getter throws as unreadable, and the rest", () => {
  const value = {
    a: 1,
    get b(): never {
      throw new Error("getter ran");
    },
  };
  assert.equal(inspect(value), "{ a: 1, b: [unreadable] }");
});

Deno.test("inspect prints a revoked Proxy as unreadable instead of throwing", () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  assert.equal(inspect(proxy), "[unreadable]");
  assert.equal(inspect([1, proxy]), "[1, [unreadable]]");
});

Deno.test("inspect escapes symbol descriptions and function names that are not plain text", () => {
  assert.equal(inspect(Symbol("plain")), "Symbol(plain)");
  assert.equal(inspect(Symbol('a"\nb')), 'Symbol("a\\"\\nb")');
  assert.equal(inspect(Symbol()), "Symbol()");
  const named = Object.defineProperty(() => 1, "name", { value: "x]\n[forged" });
  assert.equal(inspect(named), '[function "x]\\n[forged"]');
  assert.equal(inspect(function plain() {}), "[function plain]");
});

Deno.test("a builder error about a value whose getter throws is still the builder's error", () => {
  const bad = {
    get x(): never {
      throw new Error("getter ran");
    },
  };
  assert.throws(
    () => build([Q.a, bad as never]),
    (error: unknown) =>
      error instanceof TypeError &&
      error.message ===
        "Cannot build a query: expected query handles such as Q.name, got { x: [unreadable] } " +
          "at index 1",
  );
});
