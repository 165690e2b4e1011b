/**
 * Result coercion, differentially: the same schema served by graphql-js 17 (resolvers returning
 * raw values) and by hiku-ts's `Schema` (loaders returning the same values). For each value of a
 * table and each field (Int, Float, String, Boolean, ID, an enum, custom scalars, lists, non-null
 * fields under a nullable parent), both responses must be equal as JSON text, byte for byte:
 * same data, same errors, same messages and paths. The same goes for the sub-fields of records
 * (data types and inline `Record`s) queried with a selection, at any depth and in lists.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  buildSchema,
  execute,
  GraphQLBoolean,
  GraphQLEnumType,
  type GraphQLFieldConfigMap,
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
  printSchema,
} from "graphql";
import {
  AsyncExecutor,
  Bool,
  denormalize,
  Engine,
  Enum,
  Field,
  Float,
  Graph,
  ID,
  Int,
  Link,
  Node,
  Optional,
  printGraphSchema,
  type QueryField,
  read,
  Record,
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

// --- Records: sub-fields of data types and inline records, queried with a selection ---

/** A data type: a record with a non-null and a nullable leaf. */
const INNER = Record({ flag: Bool, level: Optional(Int) });

/** A data type with a field of each kind: leaves, lists, an inline record, data type refs. */
const PROFILE = Record({
  age: Int,
  score: Optional(Float),
  name: Str,
  nick: Optional(Str),
  active: Bool,
  key: ID,
  color: Optional(colorEnum),
  colorNN: colorEnum,
  loose: Optional(looseScalar),
  tags: Sequence(Int),
  maybeTags: Optional(Sequence(Optional(Int))),
  nested: Record({ flag: Bool, level: Optional(Int) }),
  maybeNested: Optional(TypeRef("Inner")),
  items: Sequence(TypeRef("Inner")),
});

/** An inline record field, with an inline record in it. */
const INLINE = Optional(
  Record({ a: Int, b: Optional(Str), deep: Record({ c: Optional(Int), d: Int }) }),
);

/** The record fields of the root and of `User`: name, hiku-ts type, graphql-js type. */
type RecordFieldSpec = readonly [string, GraphType, (owner: string) => GraphQLOutputType];

function theirRecordTypes() {
  const inner = new GraphQLObjectType({
    name: "Inner",
    fields: { flag: { type: nn(GraphQLBoolean) }, level: { type: GraphQLInt } },
  });
  const nested = new GraphQLObjectType({
    name: "Profile_nested",
    fields: { flag: { type: nn(GraphQLBoolean) }, level: { type: GraphQLInt } },
  });
  const profile = new GraphQLObjectType({
    name: "Profile",
    fields: {
      age: { type: nn(GraphQLInt) },
      score: { type: GraphQLFloat },
      name: { type: nn(GraphQLString) },
      nick: { type: GraphQLString },
      active: { type: nn(GraphQLBoolean) },
      key: { type: nn(GraphQLID) },
      color: { type: gqlColor },
      colorNN: { type: nn(gqlColor) },
      loose: { type: gqlLoose },
      tags: { type: nn(list(nn(GraphQLInt))) },
      maybeTags: { type: list(GraphQLInt) },
      nested: { type: nn(nested) },
      maybeNested: { type: inner },
      items: { type: nn(list(nn(inner))) },
    },
  });
  // One inline record type per owner, named <Owner>_inline as hiku-ts's schema names it.
  const inline = new Map<string, GraphQLObjectType>();
  const inlineOf = (owner: string) => {
    let type = inline.get(owner);
    if (type === undefined) {
      const deep = new GraphQLObjectType({
        name: `${owner}_inline_deep`,
        fields: { c: { type: GraphQLInt }, d: { type: nn(GraphQLInt) } },
      });
      type = new GraphQLObjectType({
        name: `${owner}_inline`,
        fields: {
          a: { type: nn(GraphQLInt) },
          b: { type: GraphQLString },
          deep: { type: nn(deep) },
        },
      });
      inline.set(owner, type);
    }
    return type;
  };
  return { inner, profile, inlineOf };
}

const THEIR_RECORDS = theirRecordTypes();

const RECORD_FIELDS: readonly RecordFieldSpec[] = [
  ["profile", Optional(TypeRef("Profile")), () => THEIR_RECORDS.profile],
  ["profileNN", TypeRef("Profile"), () => nn(THEIR_RECORDS.profile)],
  [
    "profiles",
    Optional(Sequence(TypeRef("Profile"))),
    () => list(nn(THEIR_RECORDS.profile)),
  ],
  [
    "maybeProfiles",
    Sequence(Optional(TypeRef("Profile"))),
    () => nn(list(THEIR_RECORDS.profile)),
  ],
  ["raw", Optional(TypeRef("Inner")), () => THEIR_RECORDS.inner],
  ["rawNN", TypeRef("Inner"), () => nn(THEIR_RECORDS.inner)],
  ["rawList", Optional(Sequence(Optional(TypeRef("Inner")))), () => list(THEIR_RECORDS.inner)],
  ["inline", INLINE, (owner) => THEIR_RECORDS.inlineOf(owner)],
];

/** A profile whose every leaf is the table's value (lists and records hold it too). */
function profileValue(): unknown {
  return {
    age: current,
    score: current,
    name: current,
    nick: current,
    active: current,
    key: current,
    color: current,
    colorNN: current,
    loose: current,
    tags: [1, current, 3],
    maybeTags: [1, current, 3],
    nested: { flag: current, level: current },
    maybeNested: { flag: current, level: current },
    items: [{ flag: true, level: 1 }, { flag: current, level: current }],
  };
}

/** A profile every value of which passes. */
function goodProfile(): unknown {
  return {
    age: 1,
    score: 1.5,
    name: "n",
    nick: "k",
    active: true,
    key: "7",
    color: 1,
    colorNN: "green",
    loose: 2,
    tags: [1],
    maybeTags: [null, 2],
    nested: { flag: false, level: null },
    maybeNested: null,
    items: [],
  };
}

function recordValueOf(name: string): unknown {
  switch (name) {
    case "profile":
    case "profileNN":
      return profileValue();
    case "profiles":
      return [goodProfile(), profileValue()];
    case "maybeProfiles":
      return [goodProfile(), null, profileValue()];
    case "raw":
    case "rawNN":
    case "rawList":
      return current;
    case "inline":
      return { a: current, b: current, deep: { c: current, d: current } };
  }
  throw new Error(`no record field ${name}`);
}

function theirRecordSchema(): GraphQLSchema {
  const fields = (owner: string) =>
    Object.fromEntries(
      RECORD_FIELDS.map(([name, , type]) => [name, { type: type(owner) }]),
    ) as GraphQLFieldConfigMap<unknown, unknown>;
  const user = new GraphQLObjectType({
    name: "User",
    fields: () => ({ id: { type: nn(GraphQLInt) }, ...fields("User") }),
  });
  const query = new GraphQLObjectType({
    name: "Query",
    fields: () => ({ ...fields("Query"), user: { type: user } }),
  });
  return new GraphQLSchema({ query, types: [THEIR_RECORDS.inner, THEIR_RECORDS.profile] });
}

function ourRecordGraph(): Graph {
  const rootLoader = (fields: readonly QueryField[]) => fields.map((f) => recordValueOf(f.name));
  const userLoader = (fields: readonly QueryField[], ids: readonly unknown[]) =>
    ids.map(() => fields.map((f) => recordValueOf(f.name)));
  return Graph([
    Node("User", [
      Field("id", Int, (_fields, ids) => ids.map((id) => [id])),
      ...RECORD_FIELDS.map(([name, type]) => Field(name, type, userLoader)),
    ]),
    Root([
      ...RECORD_FIELDS.map(([name, type]) => Field(name, type, rootLoader)),
      Link("user", Optional(TypeRef("User")), () => 1, { requires: null }),
    ]),
  ], {
    enums: [colorEnum],
    scalars: [looseScalar, dateScalar],
    dataTypes: { Inner: INNER, Profile: PROFILE },
  });
}

/** graphql-js's answer: record sub-fields read as properties (functions in data are not called). */
async function runTheirRecords(schema: GraphQLSchema, query: string): Promise<string> {
  const result = await execute({
    schema,
    document: parse(query),
    fieldResolver: (source, _args, _context, info) => {
      const owner = info.parentType.name;
      if (owner === "Query" || owner === "User") {
        if (info.fieldName === "id") return 1;
        return info.fieldName === "user" ? {} : recordValueOf(info.fieldName);
      }
      return (typeof source === "object" && source !== null) || typeof source === "function"
        ? (source as { [name: string]: unknown })[info.fieldName]
        : undefined;
    },
  });
  return JSON.stringify(result);
}

/** Profile selections: each sub-field alone, and a few together. */
const PROFILE_SELECTIONS = [
  "age",
  "score",
  "name",
  "nick",
  "active",
  "key",
  "color",
  "colorNN",
  "loose",
  "tags",
  "maybeTags",
  "nested { flag level }",
  "nested { level }",
  "maybeNested { flag level }",
  "items { flag level }",
  "items { level }",
  "__typename nick",
  // Several errors in one record, then a non-null one that nulls it.
  "nick score maybeTags nested { level } maybeNested { level } age",
  "__typename nick nested { __typename level }",
];

const RECORD_QUERIES = [
  ...PROFILE_SELECTIONS.flatMap((sel) => [
    `{ profile { ${sel} } }`,
    `{ user { profileNN { ${sel} } } }`,
    `{ profiles { ${sel} } }`,
    `{ user { maybeProfiles { ${sel} } } }`,
  ]),
  // A non-null record field at the root: its null moves up to data.
  "{ profileNN { age } }",
  "{ profileNN { nick } user { id } }",
  // Inline records, named <Owner>_<field>.
  "{ inline { a b deep { c d } } }",
  "{ inline { b deep { c } } }",
  "{ user { inline { deep { d } } } }",
  "{ user { inline { __typename b deep { __typename c } } } }",
  // Aliases, and selections merged from several places (their locations).
  "{ u: user { p: profile { n1: nick n2: nick sc: score ts: maybeTags } } }",
  "{ p: profile { years: age } }",
  "{ ps: profiles { n: nested { f: flag l: level } } }",
  "{ profile { nick } profile { nick score } }",
  "{ profile { ...on Profile { nick } nick } }",
  "{ user { profile { nested { level } } profile { nested { level flag } } } }",
];

/** Queries where the record itself is the table's value: null, not an object, an iterable... */
const RAW_RECORD_QUERIES = [
  "{ raw { flag level __typename } }",
  "{ raw { level } }",
  "{ user { rawNN { level } } }",
  "{ user { id rawNN { flag } } }",
  "{ rawList { level } }",
  "{ user { rawList { __typename } } }",
];

Deno.test("result coercion: record sub-fields answer as graphql-js 17's object types do", async (t) => {
  const theirs = theirRecordSchema();
  const ours = new Schema({ query: ourRecordGraph(), executor: new AsyncExecutor() });
  // An Error in place of a value is a field error there, with its own message.
  for (const [label, value] of [...VALUES, ["Error", new Error("boom")] as const]) {
    await t.step(label, async () => {
      current = value;
      const mismatches: string[] = [];
      for (const query of [...RECORD_QUERIES, ...RAW_RECORD_QUERIES]) {
        const expected = await runTheirRecords(theirs, query);
        const actual = JSON.stringify(await ours.execute({ query }));
        if (actual !== expected) {
          mismatches.push(`${query}\n  graphql-js: ${expected}\n  hiku-ts:    ${actual}`);
        }
      }
      assert.equal(mismatches.join("\n"), "");
    });
  }
});

Deno.test("result coercion: the graphql-js reference types records as hiku-ts's schema does", () => {
  // The differential test above is only as good as its reference: the record types must be
  // those hiku-ts's own GraphQL schema declares.
  const ourSdl = printGraphSchema(ourRecordGraph());
  const theirSdl = printSchema(theirRecordSchema());
  const typeText = (sdl: string, name: string) => {
    const start = sdl.indexOf(`type ${name} {`);
    assert.notEqual(start, -1, `type ${name}`);
    return sdl.slice(start, sdl.indexOf("}", start) + 1);
  };
  const names = [
    "Inner",
    "Profile",
    "Profile_nested",
    "Query_inline",
    "Query_inline_deep",
    "User_inline",
    "User_inline_deep",
    "User",
    "Query",
  ];
  for (const name of names) assert.equal(typeText(ourSdl, name), typeText(theirSdl, name));
});

Deno.test("result coercion: record sub-fields report graphql-js's errors at their paths", async () => {
  const ours = new Schema({ query: ourRecordGraph(), executor: new AsyncExecutor() });
  current = "x";
  const response = await ours.execute({
    query: "{ user { ps: profiles { n: nick tags } } }",
  });
  assert.deepEqual(JSON.parse(JSON.stringify(response)), {
    errors: [{
      message: 'Int cannot represent non-integer value: "x"',
      locations: [{ line: 1, column: 33 }],
      path: ["user", "ps", 1, "tags", 1],
    }],
    data: { user: { ps: null } },
  });
  const original = (response.errors![0] as { originalError?: Error }).originalError;
  assert.equal(
    original?.message,
    'Cannot serialize Profile.tags: Int cannot represent non-integer value: "x"',
  );
  current = null;
  assert.deepEqual(
    JSON.parse(
      JSON.stringify(await ours.execute({ query: "{ user { profileNN { nested { flag } } } }" })),
    ),
    {
      errors: [{
        message: "Cannot return null for non-nullable field Profile_nested.flag.",
        locations: [{ line: 1, column: 31 }],
        path: ["user", "profileNN", "nested", "flag"],
      }],
      data: { user: null },
    },
  );
});

Deno.test("result coercion: Hiku's denormalize still gives record sub-fields as loaded", async () => {
  // Only Schema (denormalizeWithErrors) checks record sub-fields; Hiku's API keeps Hiku's way.
  const graph = ourRecordGraph();
  current = "x";
  const result = await new Engine(new AsyncExecutor()).execute(
    graph,
    read("{ profile { age tags nested { flag } } }"),
  );
  assert.deepEqual(denormalize(graph, result), {
    profile: { age: "x", tags: [1, "x", 3], nested: { flag: "x" } },
  });
});

Deno.test("result coercion: the table gives each record query both data and errors", async () => {
  // A guard against record queries that would pass trivially (a raw record's non-null sub-field
  // is null for every value of the table, its nullable one never fails).
  const theirs = theirRecordSchema();
  const trivial: string[] = [];
  for (const query of RECORD_QUERIES) {
    const outcomes = new Set<string>();
    for (const [, value] of VALUES) {
      current = value;
      const response = JSON.parse(await runTheirRecords(theirs, query));
      outcomes.add(response.errors === undefined ? "data" : "error");
    }
    if (outcomes.size !== 2) trivial.push(`${query}: ${[...outcomes]}`);
  }
  assert.deepEqual(trivial, []);
});

Deno.test("result coercion: well-typed record values are checked once, by the fast walk", async () => {
  // The slow walk reads every value again: a getter counts the reads.
  let reads = 0;
  let age: unknown = 30;
  const profile = () => ({
    get age() {
      reads++;
      return age;
    },
    tags: [1, 2],
    nested: { flag: true, level: null },
  });
  const graph = Graph([
    Root([
      Field("profile", Optional(TypeRef("Profile")), (fields) => fields.map(profile)),
      Field("profiles", Sequence(TypeRef("Profile")), (fields) => fields.map(() => [profile()])),
    ]),
  ], {
    dataTypes: {
      Profile: Record({
        age: Int,
        tags: Sequence(Int),
        nested: Record({ flag: Bool, level: Optional(Int) }),
      }),
    },
  });
  const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
  const query = "{ profile { age tags nested { flag level } } profiles { age } }";
  assert.deepEqual(JSON.parse(JSON.stringify(await schema.execute({ query }))), {
    data: {
      profile: { age: 30, tags: [1, 2], nested: { flag: true, level: null } },
      profiles: [{ age: 30 }],
    },
  });
  assert.equal(reads, 2);
  // A value to report: the fast walk stops at it, the slow walk reads everything again.
  age = 2 ** 40;
  reads = 0;
  const response = JSON.parse(JSON.stringify(await schema.execute({ query })));
  assert.equal(response.data, null);
  assert.equal(reads, 3);
});

Deno.test("a record's getter that throws is a field error at its sub-field, as in graphql-js", async () => {
  const values = [
    {
      get x(): number {
        throw new Error("getter failed");
      },
      y: 1,
    },
    {
      get x(): number {
        // deno-lint-ignore no-throw-literal -- graphql-js wraps what is not an Error; so must we
        throw "not an Error";
      },
      y: 2,
    },
  ];
  const reference = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: "Query",
      fields: {
        rec: {
          type: new GraphQLObjectType({
            name: "Rec",
            fields: { x: { type: GraphQLInt }, y: { type: new GraphQLNonNull(GraphQLInt) } },
          }),
        },
      },
    }),
  });
  for (const value of values) {
    const graph = Graph([
      Root([
        Field("rec", Optional(Record({ x: Optional(Int), y: Int })), (fs) => fs.map(() => value)),
      ]),
    ]);
    const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
    const query = "{ rec { x y } }";
    const expected = await execute({
      schema: reference,
      document: parse(query),
      rootValue: { rec: value },
    });
    assert.equal(JSON.stringify(await schema.execute({ query })), JSON.stringify(expected));
  }
});

Deno.test("a node or list nulled by a non-null field reports no errors after it, as graphql-js does", async () => {
  const values: { readonly [field: string]: unknown } = { a: "x", b: "y", c: "z" };
  const row = (fields: readonly { readonly name: string }[]) => fields.map((f) => values[f.name]);
  const graph = Graph([
    Node("User", [
      Field("a", Int, (fields, ids) => ids.map(() => row(fields))),
      Field("b", Int, (fields, ids) => ids.map(() => row(fields))),
      Field("c", Optional(Int), (fields, ids) => ids.map(() => row(fields))),
    ]),
    Root([
      Link("user", Optional(TypeRef("User")), () => 1, { requires: null }),
      Link("users", Optional(Sequence(TypeRef("User"))), () => [1, 2], { requires: null }),
    ]),
  ]);
  const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
  const reference = buildSchema(
    "type Query { user: User users: [User!] } type User { a: Int! b: Int! c: Int }",
  );
  // The reference's resolvers return values. (With resolvers returning promises, graphql-js's
  // answer depends on when each promise settles: it may also report a nullable field of a later
  // item completed before the null reached the list. DIFFERENCES.md says so.)
  const user = () => ({ a: "x", b: "y", c: "z" });
  for (
    const query of [
      "{ user { a b } }",
      "{ user { c a b } }",
      "{ users { a b } }",
      "{ users { c b a } }",
    ]
  ) {
    const rootValue = { user: user(), users: [user(), user()] };
    const theirs = await execute({ schema: reference, document: parse(query), rootValue });
    assert.equal(JSON.stringify(await schema.execute({ query })), JSON.stringify(theirs), query);
  }
});

Deno.test("a list loaded as a one-shot iterable is read once, with its errors at their index, as graphql-js reads it", async () => {
  function* items(values: readonly unknown[], thrown: Error | null = null) {
    yield* values;
    if (thrown !== null) throw thrown;
  }
  // Each case makes a new iterable for each side: a generator or an iterator is read once.
  const cases: [string, () => unknown][] = [
    ["a generator with an item Int does not take", () => items([1, "x", 3])],
    ["a generator with a null where [Int!] takes none", () => items([1, null])],
    ["map.values() with a float for Int", () => new Map([["a", 1], ["b", 2.5]]).values()],
    ["a generator that throws after an item", () => items([1], new Error("boom"))],
    ["a generator of good items, beside a bad field", () => items([1, 2])],
  ];
  const reference = buildSchema(
    "type Query { ints: [Int] strict: [Int!] bad: Int box: [Box] } type Box { ints: [Int] }",
  );
  for (const [label, make] of cases) {
    const graph = Graph([
      Node("Box", [
        Field("ints", Optional(Sequence(Optional(Int))), (_f, ids) => ids.map(() => [make()])),
      ]),
      Root([
        Field("ints", Optional(Sequence(Optional(Int))), (fields) => fields.map(() => make())),
        Field("strict", Optional(Sequence(Int)), (fields) => fields.map(() => make())),
        Field("bad", Optional(Int), (fields) => fields.map(() => "x")),
        Link("box", Optional(Sequence(TypeRef("Box"))), () => [1, 2], { requires: null }),
      ]),
    ]);
    const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
    // `{ ints bad }`: the fast walk reads `ints`, then gives up at `bad` for the walk that
    // reports; that walk reads `ints` again.
    for (const query of ["{ ints strict }", "{ ints bad }", "{ box { ints } }"]) {
      const rootValue = {
        ints: make,
        strict: make,
        bad: "x",
        box: [{ ints: make() }, { ints: make() }],
      };
      const theirs = await execute({ schema: reference, document: parse(query), rootValue });
      const ours = await schema.execute({ query });
      assert.equal(JSON.stringify(ours), JSON.stringify(theirs), `${label}: ${query}`);
    }
  }
});

Deno.test("an object of the user's that is its own iterator is read afresh by each request", async () => {
  // Its iterator starts again each time it is asked for: not one-shot, and its items change.
  class Items {
    items: number[] = [1, 2];
    #at = 0;
    [Symbol.iterator](): this {
      this.#at = 0;
      return this;
    }
    next(): IteratorResult<number> {
      return this.#at < this.items.length
        ? { value: this.items[this.#at++]!, done: false }
        : { value: undefined, done: true };
    }
  }
  const shared = new Items();
  const graph = Graph([
    Root([Field("xs", Sequence(Int), (fields: readonly QueryField[]) => fields.map(() => shared))]),
  ]);
  const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
  assert.deepEqual(await schema.execute({ query: "{ xs }" }), { data: { xs: [1, 2] } });
  shared.items = [3, 4, 5];
  assert.deepEqual(await schema.execute({ query: "{ xs }" }), { data: { xs: [3, 4, 5] } });
});
