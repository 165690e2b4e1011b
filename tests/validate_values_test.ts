import assert from "node:assert/strict";
import { checkValue, dataTypesLookup, type TypeLookup } from "../src/definitions/_values.ts";
import {
  Any,
  Bool,
  EnumRef,
  Float,
  ID,
  InputRef,
  Int,
  Mapping,
  Optional,
  Record,
  ScalarRef,
  Sequence,
  Str,
  TypeRef,
  UnionRef,
} from "../src/definitions/types.ts";

const lookup = dataTypesLookup({
  Appearance: Record({ episode: Int, title: Str, stardate: Optional(Float) }),
  Career: Record({ ranks: Sequence(Str), firstAppearance: TypeRef("Appearance") }),
});

class Tribble {}

Deno.test("checkValue() accepts each scalar's own values", () => {
  const fits: [Parameters<typeof checkValue>[0], unknown][] = [
    [Int, 1701],
    [Int, -2147483648],
    [Int, 2147483647],
    [Float, 47.5],
    [Float, 2],
    [Str, "Spock"],
    [Str, ""],
    [Bool, false],
    [ID, "NCC-1701"],
    [ID, 74656],
    [Any, new Tribble()],
    [Any, undefined],
  ];
  for (const [type, value] of fits) assert.equal(checkValue(type, value, lookup), null);
});

Deno.test("checkValue() describes a scalar mismatch with the value's kind and text", () => {
  assert.equal(checkValue(Int, "ten", lookup), 'expected Int, got string "ten"');
  assert.equal(checkValue(Int, 1.5, lookup), "expected Int, got number 1.5");
  assert.equal(
    checkValue(Int, 3000000000, lookup),
    "expected Int, got number 3000000000 (outside the 32-bit range)",
  );
  assert.equal(checkValue(Int, 10n, lookup), "expected Int, got bigint 10n");
  assert.equal(checkValue(Float, Number.NaN, lookup), "expected Float, got number NaN");
  assert.equal(checkValue(Float, "2", lookup), 'expected Float, got string "2"');
  assert.equal(checkValue(Str, null, lookup), "expected Str, got null");
  assert.equal(checkValue(Str, undefined, lookup), "expected Str, got undefined");
  assert.equal(checkValue(Bool, "yes", lookup), 'expected Bool, got string "yes"');
  assert.equal(checkValue(Bool, new Tribble(), lookup), "expected Bool, got object Tribble {}");
  assert.equal(checkValue(ID, 1.5, lookup), "expected ID, got number 1.5");
  assert.equal(checkValue(ID, true, lookup), "expected ID, got boolean true");
});

Deno.test("checkValue() accepts null and undefined for Optional and checks other values", () => {
  assert.equal(checkValue(Optional(Int), null, lookup), null);
  assert.equal(checkValue(Optional(Int), undefined, lookup), null);
  assert.equal(checkValue(Optional(Int), 7, lookup), null);
  assert.equal(checkValue(Optional(Int), "7", lookup), 'expected Int, got string "7"');
});

Deno.test("checkValue() checks every item of a Sequence and says which one is wrong", () => {
  assert.equal(checkValue(Sequence(Str), ["Kirk", "Spock"], lookup), null);
  assert.equal(checkValue(Sequence(Str), [], lookup), null);
  assert.equal(
    checkValue(Sequence(Str), ["Kirk", "Spock", null], lookup),
    "at [2]: expected Str, got null",
  );
  // A single item stands for a list of one, as GraphQL's input coercion says.
  assert.equal(checkValue(Sequence(Str), "Kirk", lookup), null);
  assert.equal(checkValue(Sequence(Str), 7, lookup), "expected Sequence(Str), got number 7");
  assert.equal(
    checkValue(Sequence(Sequence(Int)), [[1], [2, "3"]], lookup),
    'at [1][1]: expected Int, got string "3"',
  );
  assert.equal(checkValue(Sequence(Optional(Int)), [1, null, 3], lookup), null);
});

Deno.test("checkValue() checks a Mapping's keys and values", async (t) => {
  await t.step("plain objects fit; other objects do not", () => {
    assert.equal(checkValue(Mapping(Str, Int), { kirk: 1, spock: 2 }, lookup), null);
    assert.equal(checkValue(Mapping(Str, Any), Object.create(null), lookup), null);
    assert.equal(
      checkValue(Mapping(Str, Int), new Map([["kirk", 1]]), lookup),
      "expected Mapping(Str, Int), got object Map {}",
    );
    assert.equal(
      checkValue(Mapping(Str, Int), [1], lookup),
      "expected Mapping(Str, Int), got array (length 1) [1]",
    );
  });
  await t.step("keys are text: an Int key must be written as an integer", () => {
    assert.equal(checkValue(Mapping(Int, Str), { 1701: "Enterprise" }, lookup), null);
    assert.equal(checkValue(Mapping(Int, Str), { "-1": "Mirror" }, lookup), null);
    assert.equal(
      checkValue(Mapping(Int, Str), { tribble: "oik" }, lookup),
      'key "tribble" does not fit Int',
    );
    assert.equal(checkValue(Mapping(Bool, Str), { true: "yes" }, lookup), null);
    assert.equal(checkValue(Mapping(Float, Str), { "2.5": "warp" }, lookup), null);
  });
  await t.step("values are checked and located by their key", () => {
    assert.equal(
      checkValue(Mapping(Int, Str), { 1701: new Tribble() }, lookup),
      'at ["1701"]: expected Str, got object Tribble {}',
    );
  });
});

Deno.test("checkValue() checks a Record's fields exactly", async (t) => {
  const appearance = Record({ episode: Int, title: Str, stardate: Optional(Float) });
  await t.step("all fields present fit; optional ones may be left out", () => {
    assert.equal(
      checkValue(appearance, { episode: 1, title: "The Cage", stardate: null }, lookup),
      null,
    );
    assert.equal(checkValue(appearance, { episode: 1, title: "The Cage" }, lookup), null);
  });
  await t.step("a missing field is named", () => {
    assert.equal(checkValue(appearance, { title: "The Cage" }, lookup), 'missing field "episode"');
    assert.equal(checkValue(appearance, {}, lookup), 'missing fields "episode", "title"');
  });
  await t.step("an unknown field is named, with a suggestion", () => {
    assert.equal(
      checkValue(appearance, { epsiode: 1, title: "The Cage" }, lookup),
      'unknown field "epsiode". Did you mean "episode"?',
    );
    assert.equal(
      checkValue(appearance, { episode: 1, title: "x", warp: 9, tribbles: 2 }, lookup),
      'unknown fields "warp", "tribbles"',
    );
  });
  await t.step("a wrong field value is located by the field's name", () => {
    assert.equal(
      checkValue(appearance, { episode: "1", title: "The Cage" }, lookup),
      'at episode: expected Int, got string "1"',
    );
  });
  await t.step("a value that is not a plain object does not fit", () => {
    assert.equal(
      checkValue(Record({ episode: Int }), new Tribble(), lookup),
      "expected Record({ episode: Int }), got object Tribble {}",
    );
    assert.equal(
      checkValue(Record({ episode: Int }), null, lookup),
      "expected Record({ episode: Int }), got null",
    );
  });
});

Deno.test("checkValue() resolves TypeRef through the lookup's data types", () => {
  assert.equal(checkValue(TypeRef("Appearance"), { episode: 1, title: "The Cage" }, lookup), null);
  assert.equal(
    checkValue(TypeRef("Appearance"), "The Cage", lookup),
    'expected TypeRef("Appearance"), got string "The Cage"',
  );
  assert.equal(
    checkValue(
      Sequence(TypeRef("Career")),
      [{ ranks: ["Ensign"], firstAppearance: { episode: 1, title: "The Cage" } }, {
        ranks: ["Captain"],
        firstAppearance: { episode: "2", title: "Where No Man Has Gone Before" },
      }],
      lookup,
    ),
    'at [1].firstAppearance.episode: expected Int, got string "2"',
  );
  assert.equal(
    checkValue(TypeRef("Starship"), {}, lookup),
    'TypeRef("Starship") does not name a data type',
  );
});

Deno.test("checkValue() prints field names that are not identifiers in brackets", () => {
  assert.equal(
    checkValue(Record({ "first appearance": Int }), { "first appearance": "x" }, lookup),
    'at ["first appearance"]: expected Int, got string "x"',
  );
});

Deno.test("checkValue() accepts any value for named types the lookup cannot resolve", () => {
  assert.equal(checkValue(EnumRef("Series"), "DS9", lookup), null);
  assert.equal(checkValue(InputRef("Filter"), 42, lookup), null);
  assert.equal(checkValue(ScalarRef("Stardate"), "soon", lookup), null);
});

Deno.test("checkValue() checks enums, input types and custom scalars through the lookup", () => {
  const full: TypeLookup = {
    dataType: () => undefined,
    enumValues: (name) => name === "Series" ? ["TOS", "TNG"] : undefined,
    inputFields: (name) =>
      name === "Filter"
        ? [{ name: "species", type: Str, hasDefault: false }, {
          name: "limit",
          type: Int,
          hasDefault: true,
        }]
        : undefined,
    scalar: (name) =>
      name === "Stardate"
        ? (value) => typeof value === "number" ? null : "expected a stardate number"
        : undefined,
  };
  assert.equal(checkValue(EnumRef("Series"), "TNG", full), null);
  assert.equal(
    checkValue(EnumRef("Series"), "DS9", full),
    'expected EnumRef("Series") (one of "TOS", "TNG"), got string "DS9"',
  );
  assert.equal(checkValue(InputRef("Filter"), { species: "Vulcan" }, full), null);
  assert.equal(checkValue(InputRef("Filter"), {}, full), 'missing field "species"');
  assert.equal(
    checkValue(InputRef("Filter"), { species: "Vulcan", limit: "3" }, full),
    'at limit: expected Int, got string "3"',
  );
  assert.equal(checkValue(ScalarRef("Stardate"), 41153.7, full), null);
  assert.equal(checkValue(ScalarRef("Stardate"), "soon", full), "expected a stardate number");
});

Deno.test("checkValue() rejects values for union and interface references", () => {
  assert.equal(
    checkValue(UnionRef("SearchResult"), {}, lookup),
    'UnionRef("SearchResult") does not describe a value',
  );
});

Deno.test("dataTypesLookup() reads Maps and plain objects, ignoring inherited keys", () => {
  const appearance = Record({ episode: Int });
  assert.equal(
    dataTypesLookup(new Map([["Appearance", appearance]])).dataType("Appearance"),
    appearance,
  );
  assert.equal(dataTypesLookup({ Appearance: appearance }).dataType("Appearance"), appearance);
  assert.equal(dataTypesLookup({}).dataType("toString"), undefined);
});
