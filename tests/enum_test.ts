/**
 * Enums: declaring values, and turning names into loader values and back.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Enum } from "../mod.ts";

Deno.test("Enum() declares values by name or with a value, description and deprecation", () => {
  const Series = Enum("Series", [
    "TOS",
    { name: "TNG", value: 2, description: "The Next Generation" },
    { name: "ENT", deprecated: "Not canon" },
    { name: "NONE", value: null },
  ], { description: "Star Trek series" });
  assert.equal(Series.kind, "enumRef");
  assert.equal(Series.definition, "enum");
  assert.equal(Series.name, "Series");
  assert.equal(Series.description, "Star Trek series");
  assert.deepEqual(Series.values, [
    { name: "TOS", value: "TOS", description: null, deprecated: null },
    { name: "TNG", value: 2, description: "The Next Generation", deprecated: null },
    { name: "ENT", value: "ENT", description: null, deprecated: "Not canon" },
    { name: "NONE", value: null, description: null, deprecated: null },
  ]);
  assert.ok(Object.isFrozen(Series));
  assert.ok(Object.isFrozen(Series.values));
  assert.equal(Enum("Empty", []).description, null);
});

Deno.test("Enum.parse() gives the value of a name, and rejects anything else", () => {
  const Series = Enum("Series", ["TOS", { name: "TNG", value: 2 }, { name: "NONE", value: null }]);
  assert.equal(Series.parse("TOS"), "TOS");
  assert.equal(Series.parse("TNG"), 2);
  assert.equal(Series.parse("NONE"), null);
  for (
    const [input, printed] of [["DS9", '"DS9"'], [2, "2"], [null, "null"], [["TOS"], '["TOS"]']]
  ) {
    assert.throws(() => Series.parse(input), {
      name: "TypeError",
      message: `Enum "Series" cannot represent value: ${printed}`,
    });
  }
});

Deno.test("Enum.serialize() gives the name of a value, and rejects anything else", () => {
  const Series = Enum("Series", ["TOS", { name: "TNG", value: 2 }, { name: "NONE", value: null }]);
  assert.equal(Series.serialize("TOS"), "TOS");
  assert.equal(Series.serialize(2), "TNG");
  assert.equal(Series.serialize(null), "NONE");
  for (
    const [output, printed] of [["TNG", '"TNG"'], ["2", '"2"'], [3, "3"], [undefined, "undefined"]]
  ) {
    assert.throws(() => Series.serialize(output), {
      name: "TypeError",
      message: `Enum "Series" cannot represent value: ${printed}`,
    });
  }
});

Deno.test("Enum messages print long values short", () => {
  const Series = Enum("Series", ["TOS"]);
  assert.throws(() => Series.serialize(Array.from({ length: 12 }, (_, k) => k)), {
    message: 'Enum "Series" cannot represent value: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, … 2 more]',
  });
});
