/**
 * Custom scalars: parsing query values for loaders and serializing loader values for results.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Scalar } from "../mod.ts";

Deno.test("Scalar() without functions passes values through both ways", () => {
  const Stardate = Scalar("Stardate");
  assert.equal(Stardate.kind, "scalarRef");
  assert.equal(Stardate.definition, "scalar");
  assert.equal(Stardate.name, "Stardate");
  assert.equal(Stardate.description, null);
  assert.equal(Stardate.specifiedBy, null);
  const value = { stardate: 4523.3 };
  assert.equal(Stardate.parse(value), value);
  assert.equal(Stardate.serialize(value), value);
  assert.ok(Object.isFrozen(Stardate));
});

Deno.test("Scalar() uses the given parse and serialize", () => {
  const DateScalar = Scalar("Date", {
    parse: (value) => {
      if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
        throw new TypeError(`Date cannot represent value: ${JSON.stringify(value)}`);
      }
      return new Date(`${value}T00:00:00Z`);
    },
    serialize: (value) => (value as Date).toISOString().slice(0, 10),
    description: "A calendar date",
    specifiedBy: "https://www.rfc-editor.org/rfc/rfc3339",
  });
  assert.equal(DateScalar.description, "A calendar date");
  assert.equal(DateScalar.specifiedBy, "https://www.rfc-editor.org/rfc/rfc3339");
  assert.deepEqual(DateScalar.parse("2266-09-08"), new Date("2266-09-08T00:00:00Z"));
  assert.equal(DateScalar.serialize(new Date("2266-09-08T12:00:00Z")), "2266-09-08");
  assert.throws(() => DateScalar.parse("stardate 4523.3"), {
    name: "TypeError",
    message: 'Date cannot represent value: "stardate 4523.3"',
  });
});
