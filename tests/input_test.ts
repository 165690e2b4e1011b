/**
 * Input object types: fields declared as options.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Input, Int, Option, Optional, Str } from "../mod.ts";

Deno.test("Input() declares fields as options, with a map by name", () => {
  const name = Option("name", Str);
  const limit = Option("limit", Int, { default: 10, description: "Most results" });
  const species = Option("species", Optional(Str));
  const Filter = Input("CharacterFilter", [name, limit, species], { description: "Who to find" });
  assert.equal(Filter.kind, "inputRef");
  assert.equal(Filter.definition, "input");
  assert.equal(Filter.name, "CharacterFilter");
  assert.equal(Filter.description, "Who to find");
  assert.deepEqual(Filter.fields, [name, limit, species]);
  assert.deepEqual([...Filter.fieldsMap.keys()], ["name", "limit", "species"]);
  assert.equal(Filter.fieldsMap.get("limit"), limit);
  assert.ok(Object.isFrozen(Filter));
  assert.ok(Object.isFrozen(Filter.fields));
  assert.equal(Input("Empty", []).description, null);
});

Deno.test("Input() maps a duplicated field name to its first declaration", () => {
  const first = Option("name", Str);
  const second = Option("name", Int);
  const Filter = Input("Filter", [first, second]);
  assert.equal(Filter.fields.length, 2);
  assert.equal(Filter.fieldsMap.get("name"), first);
});

Deno.test("Option() records whether a default was given, even an undefined one", () => {
  assert.equal(Option("a", Int).hasDefault, false);
  assert.equal(Option("a", Int, { default: undefined }).hasDefault, true);
  assert.equal(Option("a", Optional(Int), { default: null }).default, null);
});
