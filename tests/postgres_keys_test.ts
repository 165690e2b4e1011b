/**
 * Tests of how ids find the rows a statement returned (sources/_postgres_keys.ts): spellings of
 * one integer, and numbers that a `numeric` column spells with its scale.
 *
 * @module
 */

import assert from "node:assert/strict";
import { decimalSpelling, KeyIndex, keysOf, MISFIT, readKey } from "../sources/_postgres_keys.ts";

Deno.test("decimalSpelling gives one spelling per exact decimal value", () => {
  const alike = [
    ["1.5", "1.50", " +01.5e0 ", ".15e1", String(1.5)],
    ["7", "7.00", "+07", "0.7e1", "70e-1", String(7)],
    ["0", "-0.0", "0e9", "+.0"],
  ];
  for (const same of alike) {
    const spelled = same.map(decimalSpelling);
    assert.ok(spelled.every((s) => s !== null && s === spelled[0]), same.join(", "));
  }
  // Integers are their plain digits (what int8 columns give), others digits and exponent.
  assert.equal(decimalSpelling("7.00"), "7");
  assert.equal(decimalSpelling("-120.0"), "-120");
  assert.equal(decimalSpelling("1.50"), "15e-1");
  assert.equal(decimalSpelling(String(1e21)), "1000000000000000000000");
  assert.equal(decimalSpelling(String(1e-7)), decimalSpelling("0.0000001"));
  // Past 400 digits an integer keeps its exponent: a short text never spells a long key.
  assert.equal(decimalSpelling("1e999999999"), "1e999999999");
  assert.equal(decimalSpelling("1" + "0".repeat(400)), "1e400");
  assert.notEqual(decimalSpelling("1.5"), decimalSpelling("1.05"));
  assert.notEqual(decimalSpelling("1.0000000000000000001"), decimalSpelling("1"));
  assert.notEqual(decimalSpelling("-1.5"), decimalSpelling("1.5"));
  assert.equal(decimalSpelling("NaN"), "NaN");
  assert.equal(decimalSpelling(" -inf "), "-Infinity");
  assert.equal(decimalSpelling("Infinity"), "Infinity");
  for (const none of ["", ".", "-", "e5", "1_000", "0x10", "1.5.0", "abc", "-NaN", "1e"]) {
    assert.equal(decimalSpelling(none), null, JSON.stringify(none));
  }
});

Deno.test("an Int or Float column keeps the spellings of one number as one key", () => {
  const index = new KeyIndex<string>("Float");
  index.put("1.50", "one fifty");
  index.put("2.00", "two");
  index.put("9007199254740993", "big");
  assert.equal(index.at("1.5"), "one fifty");
  assert.equal(index.at("1.500"), "one fifty");
  assert.equal(index.find(1.5), "one fifty");
  assert.equal(index.find(2), "two");
  assert.equal(index.find(9007199254740993n), "big");
  assert.equal(index.find(2.5), undefined);
  // Without the column's kind (text, ID), spellings alone decide.
  const plain = new KeyIndex<string>();
  plain.put("1.50", "one fifty");
  assert.equal(plain.find(1.5), undefined);
  assert.equal(plain.at("1.5"), undefined);
});

Deno.test("a String column's keys are compared by their spelling", () => {
  // Text compares by spelling in Postgres: "1.5" does not find "1.50", nor "1.5 " (a char(4)).
  const text = new KeyIndex<string>("String");
  text.put("1.50", "long");
  text.put("2 ", "padded");
  assert.equal(text.find("1.50"), "long");
  assert.equal(text.find("1.5"), undefined);
  assert.equal(text.find("2"), undefined);
});

Deno.test("reading ids takes time linear in their length", () => {
  // Patterns that could read a digit two ways backtracked quadratically on such a string (a
  // minute for 200,000 characters); each now reads it once. Nothing here measures time: a
  // regression makes this test slow, not red.
  const digits = "1".repeat(200_000);
  assert.equal(readKey("Float", digits + "x"), MISFIT);
  assert.equal(readKey("Int", "0".repeat(200_000) + "x"), MISFIT);
  assert.equal(readKey("Int", "0".repeat(100) + "7"), 7);
  assert.equal(decimalSpelling(digits + "x"), null);
});

Deno.test("a Float id is read as a number only where a double holds it exactly", () => {
  assert.equal(readKey("Float", " 2.50 "), 2.5);
  assert.equal(readKey("Float", "1e3"), 1000);
  assert.equal(readKey("Float", "-0"), -0);
  assert.equal(readKey("Float", 9007199254740992n), 9007199254740992);
  // Rounded, these would be other rows' keys in a `numeric` column: Postgres reads them exactly.
  assert.equal(readKey("Float", "12345678901234567.5"), "12345678901234567.5");
  assert.equal(readKey("Float", "0.10000000000000000001"), "0.10000000000000000001");
  assert.equal(readKey("Float", 9007199254740993n), 9007199254740993n);
  // Past a double's range: an infinity, as a `float8` reads it.
  assert.equal(readKey("Float", "1e400"), Infinity);
  // Found by the rows' keys as Postgres spells them.
  const index = new KeyIndex<string>("Float");
  index.put("12345678901234567", "whole");
  index.put("12345678901234567.50", "half");
  assert.equal(index.find(readKey("Float", "12345678901234567.5")), "half");
  assert.equal(index.find(readKey("Float", 12345678901234567n)), "whole");
  // A `float8` column's keys are doubles: Postgres read the id rounded, and so is it found.
  const doubles = new KeyIndex<string>("Float");
  doubles.put(12345678901234568, "rounded");
  doubles.put(0.1, "tenth");
  assert.equal(doubles.find(readKey("Float", "12345678901234567.5")), "rounded");
  assert.equal(doubles.find(readKey("Float", "0.10000000000000000001")), "tenth");
  assert.equal(doubles.find(readKey("Float", 9007199254740993n)), undefined);
});

Deno.test("Int ids past int8's range are not sent, but a filter's are kept for its error", () => {
  const misfit = (id: unknown) => new TypeError(`misfit ${String(id)}`);
  const ids = [1, 2n ** 63n, "9223372036854775808", 1e20, -(2 ** 63), "-9223372036854775809"];
  assert.deepEqual(keysOf("Int", ids, misfit), [1, null, null, null, -(2 ** 63), null]);
  assert.deepEqual(keysOf("Int", ids, misfit, true), [
    1,
    2n ** 63n,
    2n ** 63n,
    1e20,
    -(2 ** 63),
    -(2n ** 63n) - 1n,
  ]);
  assert.throws(() => keysOf("Int", [1, 7.5], misfit), /misfit 7.5/);
});
