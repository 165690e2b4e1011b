/**
 * Result coercion, differentially: the same schema served by graphql-js 17 (resolvers returning
 * raw values) and by hiku-ts's `Schema` (loaders returning the same values). For each value of a
 * table and each field (Int, Float, String, Boolean, ID, an enum, custom scalars, lists, non-null
 * fields under a nullable parent), both responses must be equal as JSON text, byte for byte:
 * same data, same errors, same messages and paths.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  execute,
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLOutputType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
  parse,
} from "graphql";
import {
  AsyncExecutor,
  Bool,
  Enum,
  Field,
  Float,
  Graph,
  ID,
  Int,
  Link,
  Node,
  Optional,
  type QueryField,
  Root,
  Scalar,
  Schema,
  Sequence,
  Str,
  TypeRef,
} from "../mod.ts";
import type { GraphType } from "../src/definitions/types.ts";

/** The value every resolver and loader gives (lists wrap it: `[1, value, 3]`). */
let current: unknown = null;

class Money {
  constructor(readonly cents: number) {}
  valueOf(): number {
    return this.cents;
  }
}

const circular: { [key: string]: unknown } = { a: 1 };
circular.self = circular;

/** The table: a label and the value. */
const VALUES: readonly (readonly [string, unknown])[] = [
  ["0", 0],
  ["-0", -0],
  ["1", 1],
  ["-7", -7],
  ["1.5", 1.5],
  ["1.0", 1.0],
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
  ["2^31", 2 ** 31],
  ["2^31-1", 2 ** 31 - 1],
  ["-2^31", -(2 ** 31)],
  ["-2^31-1", -(2 ** 31) - 1],
  ["2^40", 2 ** 40],
  ["1e21", 1e21],
  ["5e-324", 5e-324],
  ["12n", 12n],
  ["0n", 0n],
  ["2^31n", 2n ** 31n],
  ["-2^31n", -(2n ** 31n)],
  ["2^53+1n", 2n ** 53n + 1n],
  ["10^400n", 10n ** 400n],
  ['"12"', "12"],
  ['"-12"', "-12"],
  ['"1.5"', "1.5"],
  ['"1e3"', "1e3"],
  ['"0x10"', "0x10"],
  ['" 12 "', " 12 "],
  ['""', ""],
  ['"abc"', "abc"],
  ['"2147483648"', "2147483648"],
  ['"RED"', "RED"],
  ['"Infinity"', "Infinity"],
  ["true", true],
  ["false", false],
  ["{}", {}],
  ["[]", []],
  ["[1, 2]", [1, 2]],
  ["12 items", Array.from({ length: 12 }, (_, i) => i)],
  ["nested", { a: { b: { c: { d: 1 } } }, e: "x" }],
  ["circular", circular],
  ["valueOf 7", { valueOf: () => 7 }],
  ["valueOf 2.5", { valueOf: () => 2.5 }],
  ["valueOf string", { valueOf: () => "42" }],
  ["valueOf null", { valueOf: () => null }],
  ["toJSON 3", { toJSON: () => 3 }],
  ["toJSON string", { toJSON: () => "from toJSON" }],
  ["class valueOf", new Money(250)],
  ["new Number(5)", new Number(5)],
  ["new String('x')", new String("x")],
  ["new Boolean(false)", new Boolean(false)],
  ["Date 0", new Date(0)],
  ["Date 2020", new Date("2020-01-02T03:04:05.000Z")],
  ["invalid Date", new Date(NaN)],
  ["Map", new Map([[1, 2]])],
  ["Set", new Set([1, 2])],
  ["Symbol", Symbol("s")],
  ["named function", function named() {}],
  ["arrow", () => 1],
  ["null", null],
  ["undefined", undefined],
];

// --- The schema, once in graphql-js and once as a hiku-ts graph ---

const COLOR_VALUES = [["RED", 1], ["GREEN", "green"], ["BLUE", true]] as const;

/** A custom scalar: numbers doubled, strings give undefined, anything else throws. */
function loose(value: unknown): unknown {
  if (typeof value === "number") return value * 2;
  if (typeof value === "string") return undefined;
  throw new TypeError(`Loose cannot represent a ${typeof value}`);
}

/** A date scalar: Dates as ISO text, anything else throws. */
function isoDate(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  throw new TypeError("DateTime cannot represent a non-date value");
}

const colorEnum = Enum("Color", COLOR_VALUES.map(([name, value]) => ({ name, value })));
const looseScalar = Scalar("Loose", { serialize: loose });
const dateScalar = Scalar("DateTime", { serialize: isoDate });

const gqlColor = new GraphQLEnumType({
  name: "Color",
  values: Object.fromEntries(COLOR_VALUES.map(([name, value]) => [name, { value }])),
});
const gqlLoose = new GraphQLScalarType({ name: "Loose", serialize: loose });
const gqlDate = new GraphQLScalarType({ name: "DateTime", serialize: isoDate });

/** A field: its name, its hiku-ts type, its graphql-js type, and whether lists wrap the value. */
type FieldSpec = readonly [string, GraphType, GraphQLOutputType, "value" | "list"];

// graphql-js's NonNull and List typings need a cast for the table's mixed types.
const nn = (type: GraphQLOutputType): GraphQLOutputType =>
  new GraphQLNonNull(type as GraphQLScalarType) as GraphQLOutputType;
const list = (type: GraphQLOutputType): GraphQLOutputType =>
  new GraphQLList(type) as GraphQLOutputType;

const LEAVES: readonly FieldSpec[] = [
  ["int", Optional(Int), GraphQLInt, "value"],
  ["intNN", Int, nn(GraphQLInt), "value"],
  ["float", Optional(Float), GraphQLFloat, "value"],
  ["floatNN", Float, nn(GraphQLFloat), "value"],
  ["str", Optional(Str), GraphQLString, "value"],
  ["strNN", Str, nn(GraphQLString), "value"],
  ["bool", Optional(Bool), GraphQLBoolean, "value"],
  ["boolNN", Bool, nn(GraphQLBoolean), "value"],
  ["id", Optional(ID), GraphQLID, "value"],
  ["idNN", ID, nn(GraphQLID), "value"],
  ["color", Optional(colorEnum), gqlColor, "value"],
  ["colorNN", colorEnum, nn(gqlColor), "value"],
  ["loose", Optional(looseScalar), gqlLoose, "value"],
  ["looseNN", looseScalar, nn(gqlLoose), "value"],
  ["date", Optional(dateScalar), gqlDate, "value"],
];

const LISTS: readonly FieldSpec[] = [
  // [Int]: a bad item is null with its own error.
  ["ints", Optional(Sequence(Optional(Int))), list(GraphQLInt), "list"],
  // [Int!]!: a bad item nulls the list, and the list its parent.
  ["intsNN", Sequence(Int), nn(list(nn(GraphQLInt))), "list"],
  // [String!]: a bad item nulls the list.
  ["strs", Optional(Sequence(Str)), list(nn(GraphQLString)), "list"],
  ["ids", Optional(Sequence(Optional(ID))), list(GraphQLID), "list"],
  ["colors", Optional(Sequence(colorEnum)), list(nn(gqlColor)), "list"],
  // [[Float!]]: nested lists.
  [
    "floatGrid",
    Optional(Sequence(Optional(Sequence(Float)))),
    list(list(nn(GraphQLFloat))),
    "list",
  ],
  // The value itself where a list is expected: not iterable, or an iterable object.
  ["rawInts", Optional(Sequence(Optional(Int))), list(GraphQLInt), "value"],
  ["rawIntsNN", Sequence(Int), nn(list(nn(GraphQLInt))), "value"],
];

const FIELDS = [...LEAVES, ...LISTS];

function valueOf(name: string): unknown {
  const spec = FIELDS.find((f) => f[0] === name);
  if (spec === undefined) throw new Error(`no field ${name}`);
  if (spec[3] === "value") return current;
  return name === "floatGrid" ? [[1.5], [2, current], null] : [1, current, 3];
}

function theirSchema(): GraphQLSchema {
  const fields = () =>
    Object.fromEntries(FIELDS.map(([name, , type]) => [name, { type }])) as {
      [name: string]: { type: GraphQLOutputType };
    };
  const box = new GraphQLObjectType({ name: "Box", fields });
  const query = new GraphQLObjectType({
    name: "Query",
    fields: () => ({ ...fields(), box: { type: box } }),
  });
  return new GraphQLSchema({ query });
}

function ourSchema(): Schema {
  const rootLoader = (fields: readonly QueryField[]) => fields.map((f) => valueOf(f.name));
  const boxLoader = (fields: readonly QueryField[], ids: readonly unknown[]) =>
    ids.map(() => fields.map((f) => valueOf(f.name)));
  const graph = Graph([
    Node("Box", FIELDS.map(([name, type]) => Field(name, type, boxLoader))),
    Root([
      ...FIELDS.map(([name, type]) => Field(name, type, rootLoader)),
      Link("box", Optional(TypeRef("Box")), () => 1, { requires: null }),
    ]),
  ], { enums: [colorEnum], scalars: [looseScalar, dateScalar] });
  return new Schema({ query: graph, executor: new AsyncExecutor() });
}

async function runTheirs(schema: GraphQLSchema, query: string): Promise<string> {
  const result = await execute({
    schema,
    document: parse(query),
    fieldResolver: (_source, _args, _context, info) =>
      info.fieldName === "box" ? {} : valueOf(info.fieldName),
  });
  return JSON.stringify(result);
}

Deno.test("result coercion: Schema answers as graphql-js 17 for every value of the table", async (t) => {
  const theirs = theirSchema();
  const ours = ourSchema();
  const queries = [
    ...FIELDS.map(([name]) => `{ ${name} }`),
    ...FIELDS.map(([name]) => `{ box { ${name} } }`),
    ...FIELDS.map(([name]) => `{ alias: box { renamed: ${name} } }`),
  ];
  for (const [label, value] of VALUES) {
    await t.step(label, async () => {
      current = value;
      const mismatches: string[] = [];
      for (const query of queries) {
        const expected = await runTheirs(theirs, query);
        const actual = JSON.stringify(await ours.execute({ query }));
        if (actual !== expected) {
          mismatches.push(`${query}\n  graphql-js: ${expected}\n  hiku-ts:    ${actual}`);
        }
      }
      assert.equal(mismatches.join("\n"), "");
    });
  }
});

Deno.test("result coercion: the table covers both passing and failing values for each scalar", async () => {
  // A guard against a table that would pass trivially: each leaf field sees both outcomes.
  const theirs = theirSchema();
  for (const [name] of LEAVES) {
    const outcomes = new Set<string>();
    for (const [, value] of VALUES) {
      current = value;
      const response = JSON.parse(await runTheirs(theirs, `{ ${name} }`));
      outcomes.add(response.errors === undefined ? "data" : "error");
    }
    assert.deepEqual([...outcomes].sort(), ["data", "error"], name);
  }
});

Deno.test("result coercion: the errors keep hiku-ts's SerializeError as originalError", async () => {
  current = "not an int";
  const response = await ourSchema().execute({ query: "{ box { intNN } }" });
  assert.deepEqual(JSON.parse(JSON.stringify(response)), {
    errors: [{
      message: 'Int cannot represent non-integer value: "not an int"',
      locations: [{ line: 1, column: 9 }],
      path: ["box", "intNN"],
    }],
    data: { box: null },
  });
  const original = (response.errors![0] as { originalError?: Error }).originalError;
  assert.equal(
    original?.message,
    'Cannot serialize Box.intNN: Int cannot represent non-integer value: "not an int"',
  );
});
