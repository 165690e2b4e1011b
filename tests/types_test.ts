/**
 * The type language: constructors, the string shorthand for TypeRef, and typeToString.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  Any,
  Bool,
  EnumRef,
  Float,
  ID,
  InputRef,
  Int,
  InterfaceRef,
  Mapping,
  Optional,
  Record,
  ScalarRef,
  Sequence,
  Str,
  TypeRef,
  typeToString,
  UnionRef,
} from "../mod.ts";
import { isGraphType } from "../src/definitions/types.ts";

Deno.test("built-in scalars carry their GraphQL names", () => {
  assert.deepEqual(
    [Int, Float, Str, Bool, ID, Any].map((t) => [t.kind, t.name]),
    [
      ["scalar", "Int"],
      ["scalar", "Float"],
      ["scalar", "String"],
      ["scalar", "Boolean"],
      ["scalar", "ID"],
      ["scalar", "Any"],
    ],
  );
});

Deno.test("type constructors build frozen plain values, equal when built alike", () => {
  const type = Sequence(Optional(Record({ name: Str, ship: Optional(TypeRef("Ship")) })));
  assert.deepEqual(type, {
    kind: "sequence",
    type: {
      kind: "optional",
      type: {
        kind: "record",
        fields: {
          name: { kind: "scalar", name: "String" },
          ship: { kind: "optional", type: { kind: "ref", name: "Ship" } },
        },
      },
    },
  });
  assert.deepEqual(type, Sequence(Optional(Record({ name: Str, ship: Optional("Ship") }))));
  assert.ok(Object.isFrozen(type));
  assert.ok(Object.isFrozen(type.type));
  assert.ok(Object.isFrozen((type.type as { type: { fields: object } }).type.fields));
  assert.deepEqual(Mapping(Str, Int), {
    kind: "mapping",
    key: { kind: "scalar", name: "String" },
    value: { kind: "scalar", name: "Int" },
  });
  assert.deepEqual(
    [UnionRef("U"), InterfaceRef("I"), EnumRef("E"), InputRef("N"), ScalarRef("S")],
    [
      { kind: "unionRef", name: "U" },
      { kind: "interfaceRef", name: "I" },
      { kind: "enumRef", name: "E" },
      { kind: "inputRef", name: "N" },
      { kind: "scalarRef", name: "S" },
    ],
  );
});

Deno.test("a string where a type is expected means TypeRef of that name", () => {
  assert.deepEqual(Optional("Character"), Optional(TypeRef("Character")));
  assert.deepEqual(Sequence("Actor"), Sequence(TypeRef("Actor")));
  assert.deepEqual(Mapping(Str, "Actor"), Mapping(Str, TypeRef("Actor")));
  assert.deepEqual(Mapping("Key", Int).key, TypeRef("Key"));
  assert.deepEqual(Record({ hero: "Character" }), Record({ hero: TypeRef("Character") }));
});

Deno.test("typeToString() prints a type the way it is written in code", () => {
  const cases: [Parameters<typeof typeToString>[0], string][] = [
    [Int, "Int"],
    [Float, "Float"],
    [Str, "Str"],
    [Bool, "Bool"],
    [ID, "ID"],
    [Any, "Any"],
    [Optional(Str), "Optional(Str)"],
    [Sequence(Optional(TypeRef("Actor"))), 'Sequence(Optional(TypeRef("Actor")))'],
    [Mapping(Str, Sequence(Int)), "Mapping(Str, Sequence(Int))"],
    [Record({ born: Int, ship: Optional(Str) }), "Record({ born: Int, ship: Optional(Str) })"],
    [TypeRef("Character"), 'TypeRef("Character")'],
    [UnionRef("SearchResult"), 'UnionRef("SearchResult")'],
    [InterfaceRef("Named"), 'InterfaceRef("Named")'],
    [EnumRef("Series"), 'EnumRef("Series")'],
    [InputRef("Filter"), 'InputRef("Filter")'],
    [ScalarRef("Date"), 'ScalarRef("Date")'],
    [TypeRef('Odd "name"'), 'TypeRef("Odd \\"name\\"")'],
  ];
  for (const [type, text] of cases) assert.equal(typeToString(type), text);
});

Deno.test("isGraphType() recognizes the values the constructors build", () => {
  for (
    const type of [Int, Optional(Str), Sequence(Int), Mapping(Str, Int), Record({}), TypeRef("A")]
  ) {
    assert.equal(isGraphType(type), true);
  }
  for (const value of [null, undefined, "Int", 1, {}, { kind: "node" }, [Int]]) {
    assert.equal(isGraphType(value), false);
  }
});
