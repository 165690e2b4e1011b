/**
 * Tests of how ids find the rows a statement returned (sources/_postgres_keys.ts): spellings of
 * one integer, and numbers that a `numeric` column spells with its scale.
 *
 * @module
 */

import assert from "node:assert/strict";
import { decimalSpelling, KeyIndex } from "../sources/_postgres_keys.ts";

Deno.test("decimalSpelling gives one spelling per exact decimal value", () => {
  for (
    const same of [["1.5", "1.50", " +01.5e0 ", "15e-1", ".15e1"], ["0", "-0.0", "0e9", "+.0"]]
  ) {
    const spelled = same.map(decimalSpelling);
    assert.ok(spelled.every((s) => s !== null && s === spelled[0]), same.join(", "));
  }
  assert.equal(decimalSpelling(String(1e21)), decimalSpelling("1000000000000000000000"));
  assert.equal(decimalSpelling(String(1e-7)), decimalSpelling("0.0000001"));
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

Deno.test("an Int or Float column's ids find rows whose keys spell the value with a scale", () => {
  const index = new KeyIndex<string>("Float");
  index.put("1.50", "one fifty");
  index.put("2.00", "two");
  assert.equal(index.find(1.5), "one fifty");
  assert.equal(index.find(2), "two");
  assert.equal(index.find(2.5), undefined);
  // Without the column's kind, spellings alone decide.
  const plain = new KeyIndex<string>();
  plain.put("1.50", "one fifty");
  assert.equal(plain.find(1.5), undefined);
});

Deno.test("a String column's id finds a row by value only when no id asked spells its key", () => {
  // A numeric column declared Str: "1.5" found the row "1.50", and nothing else explains it.
  const numeric = new KeyIndex<string>("String", ["1.5", "7"]);
  numeric.put("1.50", "one fifty");
  assert.equal(numeric.find("1.5"), "one fifty");
  assert.equal(numeric.find("7"), undefined);
  // A text column: "1.50" was asked for and found its row; "1.5" has none.
  const text = new KeyIndex<string>("String", ["1.5", "1.50"]);
  text.put("1.50", "long");
  assert.equal(text.find("1.50"), "long");
  assert.equal(text.find("1.5"), undefined);
});
