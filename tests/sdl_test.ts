import assert from "node:assert/strict";
import {
  Any,
  Bool,
  Directive,
  Enum,
  Field,
  Float,
  Graph,
  GraphDefinitionError,
  ID,
  Int,
  Interface,
  InterfaceRef,
  Link,
  Mapping,
  MutationGraph,
  Node,
  Option,
  Optional,
  printGraphSchema,
  Record,
  Root,
  Sequence,
  Str,
  TypeRef,
} from "../mod.ts";
import { AsyncExecutor, Schema } from "../mod.ts";
import { createStarTrek } from "./support/star_trek_schema.ts";

const noop = () => [];

/** The SDL of tests/support/star_trek_schema.ts: every feature of the schema. */
const STAR_TREK_SDL = `"""Caches a field for a while"""
directive @cached(
  """Seconds to keep it"""
  ttl: Int!
) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT

directive @key(fields: String!) repeatable on OBJECT

type Query {
  """The API version"""
  version: String!
  stats: Any!
  characters(filter: CharacterFilter): [Character!]!
  character(id: Int!): Character
  search(text: String!): [SearchResult!]!
  people: [Person!]!
  starships: [Starship!]!
  captain: Character @deprecated(reason: "Use characters")
}

type Mutation {
  """Adds a character"""
  createCharacter(input: NewCharacter!): Character!
  promote(id: Int!, rank: Rank!): Character
  clearLog: Int!
}

"""A character of the series"""
type Character implements Person {
  id: Int!
  uuid: UUID!

  """The character's full name"""
  name: String!
  species: String!
  rank: Rank!
  born: Date
  bio: Character_bio!
  appearances: [Appearance!]!
  nickname: String @deprecated(reason: "Use name")
  greeting(greeting: String! = "Hello"): String!
  tags: Any!
  extra: Any
  actors(
    """Most actors to return"""
    limit: Int
  ): [Actor!]!

  """Who taught them"""
  mentor: Character
}

type Character_bio {
  ship: String
  quote: String
}

type Actor implements Person {
  id: Int!
  name: String!
  character: Character!
}

type Starship {
  id: ID!
  name: String!
  commissioned: Date!
  crew: [Person!]!
}

"""Someone with a name"""
interface Person {
  name: String!
}

"""What a search finds"""
union SearchResult = Character | Starship

type Appearance {
  episode: Int!
  title: String!
  series: Series!
}

enum Series {
  TOS

  """The Next Generation"""
  TNG
}

"""A Starfleet rank"""
enum Rank {
  ENSIGN
  LIEUTENANT

  """Second in command"""
  COMMANDER

  """Commanding officer"""
  CAPTAIN
  COMMODORE @deprecated(reason: "Use CAPTAIN")
}

"""A calendar date, YYYY-MM-DD"""
scalar Date @specifiedBy(url: "https://tools.ietf.org/html/rfc3339")

scalar UUID @specifiedBy(url: "https://tools.ietf.org/html/rfc4122")

input NewCharacter {
  name: String!
  species: String! = "Human"
  rank: Rank! = ENSIGN
  born: Date
  assignment: Assignment
}

input Assignment {
  """The starship's registry"""
  ship: ID!
  since: Date
}

"""Which characters to return"""
input CharacterFilter {
  species: String
  rank: Rank
  bornBefore: Date

  """Most characters to return"""
  limit: Int! = 10
}

scalar Any`;

function definitionErrors(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof GraphDefinitionError, String(error));
    return error.errors;
  }
  assert.fail("expected a GraphDefinitionError");
}

Deno.test("printGraphSchema() prints a graph that uses every feature", () => {
  const { graph, mutation } = createStarTrek();
  assert.equal(printGraphSchema(graph, mutation), STAR_TREK_SDL);
});

Deno.test("schema.sdl is the SDL of its graphs", () => {
  const { graph, mutation } = createStarTrek();
  const schema = new Schema({ query: graph, mutation, executor: new AsyncExecutor() });
  assert.equal(schema.sdl, STAR_TREK_SDL);
});

Deno.test("printGraphSchema() maps each type of the graph to a GraphQL type", () => {
  const graph = Graph([
    Root([
      Field("int", Int, noop),
      Field("float", Float, noop),
      Field("str", Str, noop),
      Field("bool", Bool, noop),
      Field("id", ID, noop),
      Field("maybeInt", Optional(Int), noop),
      Field("ints", Sequence(Int), noop),
      Field("maybeInts", Sequence(Optional(Int)), noop),
      Field("intsOrNull", Optional(Sequence(Int)), noop),
      Field("any", Any, noop),
      Field("maybeAny", Optional(Any), noop),
      Field("untyped", null, noop),
      Field("mapping", Mapping(Str, Int), noop),
      Field(
        "record",
        Optional(Record({ x: Int, inner: Sequence(Record({ y: Optional(Str) })) })),
        noop,
      ),
      Field("appearance", TypeRef("Appearance"), noop),
      Field("args", Float, noop, {
        options: [
          Option("record", Record({ z: Int, deep: Record({ w: Bool }) })),
          Option("appearance", Optional(TypeRef("Appearance"))),
          Option("ids", Sequence(ID), { default: ["1", "NCC-1701"] }),
          Option("mapping", Mapping(Str, Int), { default: { a: 1 } }),
          Option("any", Any, { default: null }),
        ],
      }),
    ]),
  ], { dataTypes: { Appearance: Record({ episode: Int, ship: Record({ name: Str }) }) } });
  assert.equal(
    printGraphSchema(graph),
    `type Query {
  int: Int!
  float: Float!
  str: String!
  bool: Boolean!
  id: ID!
  maybeInt: Int
  ints: [Int!]!
  maybeInts: [Int]!
  intsOrNull: [Int!]
  any: Any!
  maybeAny: Any
  untyped: Any
  mapping: Any!
  record: Query_record
  appearance: Appearance!
  args(record: IOQuery_args_record!, appearance: IOAppearance, ids: [ID!]! = [1, "NCC-1701"], mapping: Any! = { a: 1 }, any: Any = null): Float!
}

type Query_record {
  x: Int!
  inner: [Query_record_inner!]!
}

type Query_record_inner {
  y: String
}

type Appearance {
  episode: Int!
  ship: Appearance_ship!
}

type Appearance_ship {
  name: String!
}

scalar Any

input IOQuery_args_record {
  z: Int!
  deep: IOQuery_args_record_deep!
}

input IOQuery_args_record_deep {
  w: Boolean!
}

input IOAppearance {
  episode: Int!
  ship: IOAppearance_ship!
}

input IOAppearance_ship {
  name: String!
}`,
  );
});

Deno.test("printGraphSchema() maps links by cardinality: T!, T, [T!]! and [T]!", () => {
  const graph = Graph([
    Node("Character", [Field("name", Str, noop)]),
    Root([
      Link("one", TypeRef("Character"), noop, { requires: null }),
      Link("maybe", Optional(TypeRef("Character")), noop, { requires: null }),
      Link("many", Sequence(TypeRef("Character")), noop, { requires: null }),
      Link("maybeMany", Sequence(Optional(TypeRef("Character"))), noop, { requires: null }),
    ]),
  ]);
  assert.equal(
    printGraphSchema(graph),
    `type Query {
  one: Character!
  maybe: Character
  many: [Character!]!
  maybeMany: [Character]!
}

type Character {
  name: String!
}`,
  );
});

Deno.test("printGraphSchema() maps a data type that refers to itself", () => {
  const graph = Graph([
    Root([
      Field("chain", Optional(TypeRef("Command")), noop),
      Field("count", Int, noop, { options: [Option("from", Optional(TypeRef("Command")))] }),
    ]),
  ], { dataTypes: { Command: Record({ rank: Str, superior: Optional(TypeRef("Command")) }) } });
  assert.equal(
    printGraphSchema(graph),
    `type Query {
  chain: Command
  count(from: IOCommand): Int!
}

type Command {
  rank: String!
  superior: Command
}

input IOCommand {
  rank: String!
  superior: IOCommand
}`,
  );
});

Deno.test("printGraphSchema() prints a mutation graph's root as the Mutation type", () => {
  // Port of Hiku's tests/test_introspection_graphql.py::test_mutation_type.
  const graph = Graph([
    Root([Field("getFoo", Int, noop, { options: [Option("getterArg", TypeRef("Foo"))] })]),
  ], { dataTypes: { Foo: Record({ bar: Int }) } });
  const mutation = MutationGraph(
    graph,
    Root([Field("setFoo", Int, noop, { options: [Option("setterArg", TypeRef("Foo"))] })]),
  );
  assert.equal(
    printGraphSchema(graph, mutation),
    `type Query {
  getFoo(getterArg: IOFoo!): Int!
}

type Mutation {
  setFoo(setterArg: IOFoo!): Int!
}

type Foo {
  bar: Int!
}

input IOFoo {
  bar: Int!
}`,
  );
});

Deno.test("printGraphSchema() reports every name that is not a GraphQL name", () => {
  // Port of Hiku's tests/test_introspection_graphql.py::test_invalid_names.
  const graph = Graph([
    Node("Baz-Baz", [Field("bzz-bzz", Int, noop)]),
    Root([
      Field("foo-foo", Int, noop, { options: [Option("bar-bar", Int)] }),
      Link("baz-baz", Sequence(TypeRef("Baz-Baz")), noop, { requires: null }),
    ]),
  ]);
  const rule = "use letters, digits and underscores, not starting with a digit";
  assert.deepEqual(definitionErrors(() => printGraphSchema(graph)), [
    `Field "Query.foo-foo" is not a GraphQL name: ${rule}`,
    `Option "Query.foo-foo:bar-bar" is not a GraphQL name: ${rule}`,
    `Link "Query.baz-baz" is not a GraphQL name: ${rule}`,
    `Node "Baz-Baz" is not a GraphQL name: ${rule}`,
    `Field "Baz-Baz.bzz-bzz" is not a GraphQL name: ${rule}`,
  ]);
});

Deno.test("printGraphSchema() reports an enum value named true, false or null, naming the enum", () => {
  const answer = Enum("Answer", ["YES", "true", "null"]);
  const graph = Graph([
    Root([Field("ask", Str, noop, { options: [Option("a", answer)] })]),
  ], { enums: [answer] });
  const why = "cannot be named true, false or null (GraphQL reads those words as other values)";
  assert.deepEqual(definitionErrors(() => printGraphSchema(graph)), [
    `Enum value "Answer.true" ${why}`,
    `Enum value "Answer.null" ${why}`,
  ]);
});

Deno.test("printGraphSchema() names a directive's argument whose name is not a GraphQL name", () => {
  const graph = Graph([Root([Field("f", Int, noop)])], {
    directives: [Directive("cached", ["FIELD"], { args: [Option("time-to-live", Int)] })],
  });
  assert.deepEqual(definitionErrors(() => printGraphSchema(graph)), [
    'Option "@cached(time-to-live:)" is not a GraphQL name: use letters, digits and underscores, ' +
    "not starting with a digit",
  ]);
});

Deno.test("printGraphSchema() reports nodes and roots without fields", () => {
  // Port of Hiku's tests/test_introspection_graphql.py::test_empty_nodes.
  const graph = Graph([Node("Foo", []), Root([])]);
  assert.deepEqual(definitionErrors(() => printGraphSchema(graph)), [
    "Type Query must define one or more fields.",
    "Type Foo must define one or more fields.",
  ]);
});

Deno.test("printGraphSchema() reports a node named like a root type", () => {
  const graph = Graph([
    Node("Query", [Field("name", Str, noop)]),
    Root([Link("query", TypeRef("Query"), noop, { requires: null })]),
  ]);
  assert.deepEqual(definitionErrors(() => printGraphSchema(graph)), [
    'Node "Query" has the name of a root type',
  ]);
});

Deno.test("printGraphSchema() reports a generated type name that is already taken", () => {
  const graph = Graph([
    Node("Query_bio", [Field("born", Int, noop)]),
    Root([
      Field("bio", Record({ born: Int }), noop),
      Link("other", TypeRef("Query_bio"), noop, { requires: null }),
    ]),
  ]);
  assert.deepEqual(definitionErrors(() => printGraphSchema(graph)), [
    'GraphQL type name "Query_bio" (given to the Record of "Query.bio") is already taken by ' +
    "another type",
  ]);
});

Deno.test("printGraphSchema() reports nodes that do not implement their interface's fields", () => {
  const graph = Graph([
    Node("Character", [
      Field("name", Int, noop),
      Field("bio", Record({ born: Int }), noop),
    ], { implements: ["Person"] }),
    Root([Link("person", InterfaceRef("Person"), noop, { requires: null })]),
  ], {
    interfaces: [
      Interface("Person", [Field("name", Str, noop), Field("bio", Record({ born: Int }), noop)], {
        resolveType: () => "Character",
      }),
    ],
  });
  assert.deepEqual(definitionErrors(() => printGraphSchema(graph)), [
    "Interface field Person.name expects type String! but Character.name is type Int!.",
    "Interface field Person.bio expects type Person_bio! but Character.bio is type Character_bio!.",
  ]);
});
