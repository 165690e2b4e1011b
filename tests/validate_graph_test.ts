import assert from "node:assert/strict";
import {
  Field,
  Interface,
  Link,
  type Member,
  Node,
  Root,
  Union,
} from "../src/definitions/members.ts";
import { Graph } from "../src/definitions/graph.ts";
import type { GraphInit } from "../src/definitions/named_types.ts";
import { Option } from "../src/definitions/option.ts";
import { Input } from "../src/definitions/input.ts";
import { Directive } from "../src/definitions/directive.ts";
import { GraphDefinitionError } from "../src/base/errors.ts";
import {
  Any,
  EnumRef,
  Float,
  Int,
  InterfaceRef,
  Mapping,
  Optional,
  Record,
  Sequence,
  Str,
  TypeRef,
  UnionRef,
} from "../src/definitions/types.ts";

const fields = (_fields: unknown[], ids: unknown[]) => ids.map(() => []);
const link = (ids: unknown) => ids;
const resolveType = () => "Character";

/** Asserts that `Graph(items, init)` throws one GraphDefinitionError listing exactly `errors`. */
function expectErrors(
  items: readonly unknown[],
  init: GraphInit,
  errors: readonly string[],
): void {
  assert.throws(
    () => Graph(items as readonly (Node | Root)[], init),
    (error: unknown) => {
      assert.ok(error instanceof GraphDefinitionError);
      assert.deepEqual(error.errors, errors);
      return true;
    },
  );
}

/** Treats anything as a member, to build definitions a TypeScript caller could not write. */
function asMember(value: unknown): Member {
  return value as Member;
}

function character(extra: readonly Member[] = []): Node {
  return Node("Character", [
    Field("id", Int, fields),
    Field("name", Str, fields),
    Field("species", Str, fields),
    Link("actors", Sequence(TypeRef("Actor")), link, { requires: "id" }),
    ...extra,
  ], { implements: ["Person"] });
}

function actor(extra: readonly Member[] = []): Node {
  return Node("Actor", [
    Field("id", Int, fields),
    Field("name", Str, fields),
    Field("character_id", Int, fields),
    Link("character", TypeRef("Character"), link, { requires: "character_id" }),
    ...extra,
  ], { implements: ["Person"] });
}

const person = Interface("Person", [Field("id", Int, fields), Field("name", Str, fields)], {
  resolveType,
});
const searchResult = Union("SearchResult", ["Character", "Actor"], { resolveType });
const appearance = Record({ episode: Int, title: Str });
const INIT: GraphInit = {
  dataTypes: { Appearance: appearance },
  unions: [searchResult],
  interfaces: [person],
};

Deno.test("Graph() accepts a valid graph with unions, interfaces and data types", () => {
  const graph = Graph([
    character([
      Field("firstAppearance", Optional(TypeRef("Appearance")), fields),
      Field("appearances", Sequence(TypeRef("Appearance")), fields, {
        options: [Option("limit", Int, { default: 10 }), Option("since", Optional(Int))],
      }),
      Field("stats", Record({ height: Float, tags: Mapping(Str, Any) }), fields),
      Link("partner", Optional(TypeRef("Character")), link, { requires: ["id", "name"] }),
      Link("crew", Sequence(Optional(TypeRef("Character"))), link, { requires: null }),
    ]),
    actor(),
    Root([
      Link("characters", Sequence(TypeRef("Character")), link, {
        requires: null,
        options: [Option("species", Optional(Str), { default: null })],
      }),
      Link("search", Sequence(UnionRef("SearchResult")), link, {
        requires: null,
        options: [Option("text", Str)],
      }),
    ]),
    Root([
      Link("people", Sequence(InterfaceRef("Person")), link, { requires: null }),
      Link("firstSearchResult", Optional(UnionRef("SearchResult")), link, { requires: null }),
      Field("premiere", TypeRef("Appearance"), fields, {
        options: [Option("filter", TypeRef("Appearance"), {
          default: { episode: 1, title: "The Cage" },
        })],
      }),
    ]),
  ], INIT);
  assert.deepEqual(graph.nodes.map((node) => node.name), ["Character", "Actor"]);
  assert.deepEqual(
    graph.root.fields.map((member) => member.name),
    ["characters", "search", "people", "firstSearchResult", "premiere"],
  );
});

// test_graph.py: test_link_with_sequence_to_type_ref, test_link_with_sequence_to_optional_type_ref
Deno.test("Graph() accepts links typed Sequence(TypeRef) and Sequence(Optional(TypeRef))", () => {
  for (const type of [Sequence(TypeRef("Actor")), Sequence(Optional(TypeRef("Actor")))]) {
    const graph = Graph([
      Node("Actor", [Field("name", Str, fields)]),
      Root([Link("actors", type, link, { requires: null })]),
    ]);
    assert.equal(graph.nodes.length, 1);
  }
});

Deno.test("Graph() reports every problem in one GraphDefinitionError", () => {
  const errors = [
    'Link "root.starships" points to the missing node "Starship"',
    'Duplicated names found in the "Character" node: "name"',
    'Link "Actor.actors" requires missing field "actor_ids"',
    'Option "Actor.character:limit" default "ten" does not fit Int: expected Int, got string "ten"',
  ];
  assert.throws(
    () =>
      Graph([
        character([Field("name", Str, fields)]),
        Node("Actor", [
          Field("id", Int, fields),
          Field("name", Str, fields),
          Link("actors", Sequence(TypeRef("Actor")), link, { requires: "actor_ids" }),
          Link("character", TypeRef("Character"), link, {
            requires: "id",
            options: [Option("limit", Int, { default: "ten" })],
          }),
        ], { implements: ["Person"] }),
        Root([Link("starships", Sequence(TypeRef("Starship")), link, { requires: null })]),
      ], INIT),
    (error: unknown) => {
      assert.ok(error instanceof GraphDefinitionError);
      assert.equal(error.name, "GraphDefinitionError");
      assert.deepEqual(error.errors, errors);
      assert.equal(
        error.message,
        "Graph definition is invalid (4 problems):\n" + errors.map((e) => `- ${e}`).join("\n"),
      );
      return true;
    },
  );
});

// test_validate_graph.py: test_graph_contain_invalid_types
Deno.test("Graph() rejects items that are not nodes or roots, and checks the rest", () => {
  expectErrors([1, Field("version", Str, fields), Node("Actor", [Field("id", Int, fields)])], {}, [
    'Graph can not contain these types: number 1 (item 0), Field "version" (item 1)',
  ]);
  expectErrors(
    [
      searchResult,
      Node("Actor", [Link("character", TypeRef("Character"), link, { requires: null })]),
    ],
    {},
    [
      'Graph can not contain these types: Union "SearchResult" (item 0)',
      'Link "Actor.character" points to the missing node "Character"',
    ],
  );
});

// test_validate_graph.py: test_graph_contain_duplicate_nodes
Deno.test("Graph() reports duplicate node names", () => {
  expectErrors([Node("Actor", []), Node("Actor", []), Node("Actor", [])], {}, [
    'Duplicated nodes found in the graph: "Actor"',
  ]);
});

// test_validate_graph.py: test_node_contain_duplicate_fields
Deno.test("Graph() reports duplicate member names, combining several roots", () => {
  expectErrors(
    [
      Root([Field("version", Str, fields)]),
      Node("Actor", [Field("name", Str, fields), Field("name", Str, fields)]),
      Root([Field("version", Str, fields)]),
    ],
    {},
    [
      'Duplicated names found in the "root" node: "version"',
      'Duplicated names found in the "Actor" node: "name"',
    ],
  );
});

// test_validate_graph.py: test_node_contain_node, test_node_contain_invalid_types
Deno.test("Graph() reports node members that are not fields or links", () => {
  expectErrors(
    [
      Root([asMember(Node("Character", []))]),
      Node("Actor", [asMember(Node("Character", [])), asMember(1), Field("name", Str, fields)]),
    ],
    {},
    [
      'Root can not contain these types: Node "Character"',
      'Node "Actor" can not contain these types: Node "Character", number 1',
    ],
  );
});

Deno.test("Graph() reports loaders that are not functions", () => {
  expectErrors(
    [
      Node("Actor", [
        Field("name", Str, asMember(null) as unknown as typeof fields),
        Field("id", Int, fields),
        Link("character", TypeRef("Actor"), "load" as unknown as typeof link, { requires: "id" }),
      ]),
    ],
    {},
    [
      'Field "Actor.name" loader must be a function, got null',
      'Link "Actor.character" loader must be a function, got string "load"',
    ],
  );
});

// test_validate_graph.py: test_link_contain_invalid_types
Deno.test("Graph() reports malformed and duplicate options", () => {
  expectErrors(
    [
      Node("Actor", [
        Field("id", Int, fields, {
          options: [Option("size", Int, { default: 1 }), Option("size", Str)],
        }),
        Link("character", TypeRef("Actor"), link, {
          requires: "id",
          options: [
            Option("limit", Int, { default: 1 }),
            1 as unknown as ReturnType<typeof Option>,
          ],
        }),
      ]),
    ],
    {},
    [
      'Duplicated option names found in the "Actor.id" field: "size"',
      'Link "Actor.character" options can not contain these types: number 1',
    ],
  );
});

Deno.test("Graph() checks input types' fields as it checks options", () => {
  const echo = (fields: readonly unknown[]) => fields.map(() => "");
  const filter = Input("Filter", [
    Option("a", Int),
    Option("a", Str),
    Option("colour", EnumRef("Colour")),
    Option("size", Int, { default: "big" }),
    Option("__kind", Str),
  ]);
  expectErrors(
    [Root([Field("f", Str, echo, { options: [Option("x", filter)] })])],
    {},
    [
      'Option "Filter.colour" type refers to the missing enum "Colour"',
      'Option "Filter.size" default "big" does not fit Int: expected Int, got string "big"',
      'Option "Filter.__kind" uses a reserved name: names starting with "__" belong to GraphQL ' +
      "introspection",
      'Duplicated field names found in Input "Filter": "a"',
    ],
  );
});

Deno.test("Graph() reports defaults of Any options that a query could not write", () => {
  const echo = (fields: readonly unknown[]) => fields.map(() => "");
  expectErrors(
    [
      Root([
        Field("f", Str, echo, {
          options: [
            Option("a", Any, { default: () => 1 }),
            Option("b", Any, { default: Infinity }),
            Option("c", Any, { default: { when: new Date(0) } }),
            Option("d", Any, { default: { ok: [1, "two", null, { three: true }] } }),
          ],
        }),
      ]),
    ],
    {},
    [
      'Option "root.f:a" default [function default] is not a value a query can write: a function is not ' +
      "a query value",
      'Option "root.f:b" default Infinity is not a value a query can write: Infinity is not a ' +
      "finite number",
      'Option "root.f:c" default { when: Date(1970-01-01T00:00:00.000Z) } is not a value a query ' +
      "can write: Date(1970-01-01T00:00:00.000Z) is not a plain object",
    ],
  );
});

Deno.test("Graph() takes bigint and undefined defaults, which a query can write or leave out", () => {
  const echo = (fields: readonly unknown[]) => fields.map(() => "");
  Graph([
    Root([
      Field("f", Str, echo, {
        options: [
          Option("big", Any, { default: 9007199254740993n }),
          Option("nested", Any, { default: { ids: [1n, 2] } }),
          Option("unsaid", Optional(Int), { default: undefined }),
        ],
      }),
    ]),
  ]);
});

Deno.test("Graph() checks declared directives: names, GraphQL's own, arguments", () => {
  const root = Root([Field("f", Str, (fields: readonly unknown[]) => fields.map(() => ""))]);
  expectErrors([root], {
    directives: [
      Directive("skip", ["FIELD"]),
      Directive("cached", ["FIELD"], { args: [Option("ttl", Int), Option("ttl", Str)] }),
      Directive("cached", ["FIELD"]),
      Directive("tagged", ["FIELD"], { args: [Option("tag", EnumRef("Tag"))] }),
    ],
  }, [
    'Directive "@skip" has the name of a directive GraphQL specifies',
    'Duplicated argument names found in Directive "@cached": "ttl"',
    'Option "@tagged(tag:)" type refers to the missing enum "Tag"',
    'Duplicated directive names found in the graph: "cached"',
  ]);
});

// test_validate_graph.py: test_option_default_none_with_non_optional_type
Deno.test("Graph() reports option defaults that do not fit the option's type", () => {
  expectErrors(
    [
      Node("Character", [
        Field("name", Str, fields, {
          options: [
            Option("language", Str, { default: null }),
            Option("languages", Sequence(Str), { default: ["Vulcan", 42] }),
            Option("since", Optional(TypeRef("Appearance")), { default: { episode: 1 } }),
            Option("note", Optional(Str), { default: null }),
          ],
        }),
      ]),
      Root([
        Link("characters", Sequence(TypeRef("Character")), link, {
          requires: null,
          options: [Option("limit", Int, { default: "ten" })],
        }),
      ]),
    ],
    { dataTypes: { Appearance: appearance } },
    [
      'Option "root.characters:limit" default "ten" does not fit Int: expected Int, got string "ten"',
      'Option "Character.name:language" default null does not fit Str: expected Str, got null',
      'Option "Character.name:languages" default ["Vulcan", 42] does not fit Sequence(Str): ' +
      "at [1]: expected Str, got number 42",
      'Option "Character.name:since" default { episode: 1 } does not fit ' +
      'Optional(TypeRef("Appearance")): missing field "title"',
    ],
  );
});

Deno.test("Graph() reports option types that refer to nodes, unions or missing data types", () => {
  expectErrors(
    [
      character(),
      actor([
        Field("lines", Sequence(Str), fields, {
          options: [
            Option("to", TypeRef("Character")),
            Option("in", Optional(UnionRef("SearchResult"))),
            Option("episode", TypeRef("Apearance"), { default: 1 }),
          ],
        }),
      ]),
    ],
    INIT,
    [
      'Option "Actor.lines:to" type refers to the node "Character": options can only hold values',
      'Option "Actor.lines:in" type refers to the union "SearchResult": options can only hold values',
      'Option "Actor.lines:episode" type refers to the missing data type "Apearance". ' +
      'Did you mean "Appearance"?',
    ],
  );
});

// test_validate_graph.py: test_link_missing_node
Deno.test("Graph() reports links to missing nodes, unions and interfaces, with suggestions", () => {
  expectErrors(
    [
      character([
        Link("partner", Optional(TypeRef("Charcter")), link, { requires: "id" }),
        Link("mirror", TypeRef("Mirror"), link, { requires: "id" }),
        Link("related", Sequence(UnionRef("SerchResult")), link, { requires: "id" }),
        Link("friends", Sequence(InterfaceRef("Persn")), link, { requires: "id" }),
      ]),
      actor(),
    ],
    INIT,
    [
      'Link "Character.partner" points to the missing node "Charcter". Did you mean ' +
      '"Character" or "Actor"?',
      'Link "Character.mirror" points to the missing node "Mirror"',
      'Link "Character.related" points to the missing union "SerchResult". ' +
      'Did you mean "SearchResult"?',
      'Link "Character.friends" points to the missing interface "Persn". Did you mean "Person"?',
    ],
  );
});

Deno.test("Graph() tells which reference to use when a link names the wrong kind of type", () => {
  expectErrors(
    [
      character([
        Link("found", Sequence(TypeRef("SearchResult")), link, { requires: "id" }),
        Link("friends", Sequence(TypeRef("Person")), link, { requires: "id" }),
        Link("partner", UnionRef("Actor"), link, { requires: "id" }),
        Link("appearances", Sequence(TypeRef("Appearance")), link, { requires: "id" }),
      ]),
      actor(),
    ],
    INIT,
    [
      'Link "Character.found" points to the missing node "SearchResult": "SearchResult" is a ' +
      'union, use UnionRef("SearchResult")',
      'Link "Character.friends" points to the missing node "Person": "Person" is an interface, ' +
      'use InterfaceRef("Person")',
      'Link "Character.partner" points to the missing union "Actor": "Actor" is a node, use ' +
      'TypeRef("Actor")',
      'Link "Character.appearances" points to the missing node "Appearance": "Appearance" is a ' +
      "data type, use a Field",
    ],
  );
});

Deno.test("Graph() reports link types that are not link types", () => {
  const shapes = "TypeRef(N), Optional(TypeRef(N)), Sequence(TypeRef(N)), " +
    "Sequence(Optional(TypeRef(N))) or either list in Optional, or the same with UnionRef or " +
    "InterfaceRef";
  expectErrors(
    [
      Node("Actor", [
        Link("name", Str, link, { requires: null }),
        Link("characters", Optional(Str), link, { requires: null }),
        Link("pairs", Sequence(Sequence(TypeRef("Actor"))), link, { requires: null }),
      ]),
    ],
    {},
    [
      `Link "Actor.name" type must be a link type (${shapes}), got Str`,
      `Link "Actor.characters" type must be a link type (${shapes}), got Optional(Str)`,
      `Link "Actor.pairs" type must be a link type (${shapes}), got ` +
      'Sequence(Sequence(TypeRef("Actor")))',
    ],
  );
});

Deno.test("Graph() accepts lists that may be absent: Optional(Sequence(...))", () => {
  const graph = Graph([
    Node("Actor", [
      Field("id", Int, fields),
      Link("friends", Optional(Sequence(TypeRef("Actor"))), link, { requires: "id" }),
      Link("others", Optional(Sequence(Optional(TypeRef("Actor")))), link, { requires: "id" }),
    ]),
  ]);
  const friends = graph.nodesMap.get("Actor")!.fieldsMap.get("friends");
  const others = graph.nodesMap.get("Actor")!.fieldsMap.get("others");
  assert.equal(friends?.kind === "link" && friends.cardinality, "optionalMany");
  assert.equal(others?.kind === "link" && others.cardinality, "optionalMaybeMany");
});

// test_validate_graph.py: test_link_requires_missing_field
Deno.test("Graph() reports requires naming a missing field or a link", () => {
  expectErrors(
    [
      Node("Actor", [
        Field("id", Int, fields),
        Field("character_id", Int, fields),
        Link("character", TypeRef("Actor"), link, { requires: "charcter_id" }),
        Link("costars", Sequence(TypeRef("Actor")), link, { requires: ["id", "character"] }),
        Link("doubles", Sequence(TypeRef("Actor")), link, { requires: [] }),
      ]),
    ],
    {},
    [
      'Link "Actor.character" requires missing field "charcter_id". ' +
      'Did you mean "character_id"?',
      'Link "Actor.costars" requires "character", which is a link, not a field',
      'Link "Actor.doubles" requires an empty list of fields: use requires: null',
    ],
  );
});

Deno.test("Graph() reports requires on root links", () => {
  expectErrors(
    [
      Node("Actor", [Field("id", Int, fields)]),
      Root([
        Field("version", Str, fields),
        Link("actors", Sequence(TypeRef("Actor")), link, { requires: "version" }),
      ]),
    ],
    {},
    [
      'Link "root.actors" requires "version", but root links can not require fields: use ' +
      "requires: null",
    ],
  );
});

Deno.test("Graph() accepts requires: null on node links", () => {
  const graph = Graph([
    Node("Actor", [Link("costars", Sequence(TypeRef("Actor")), link, { requires: null })]),
  ]);
  assert.equal(graph.nodes.length, 1);
});

Deno.test("Graph() reports field types that refer to nodes, unions or missing data types", () => {
  expectErrors(
    [
      character([
        Field("partner", TypeRef("Actor"), fields),
        Field("found", Sequence(UnionRef("SearchResult")), fields),
        Field("friends", Optional(InterfaceRef("Person")), fields),
        Field("firstAppearance", Optional(TypeRef("Apearance")), fields),
        Field(
          "log",
          Mapping(Str, Record({ at: TypeRef("Stardate"), by: TypeRef("Stardate") })),
          fields,
        ),
      ]),
      actor(),
    ],
    INIT,
    [
      'Field "Character.partner" type refers to the node "Actor": fields can not point to ' +
      "nodes, use a Link",
      'Field "Character.found" type refers to the union "SearchResult": fields can not point ' +
      "to unions, use a Link",
      'Field "Character.friends" type refers to the interface "Person": fields can not point ' +
      "to interfaces, use a Link",
      'Field "Character.firstAppearance" type refers to the missing data type "Apearance". ' +
      'Did you mean "Appearance"?',
      'Field "Character.log" type refers to the missing data type "Stardate"',
    ],
  );
});

Deno.test("Graph() checks data types", () => {
  expectErrors(
    [character(), actor()],
    {
      ...INIT,
      dataTypes: {
        Appearance: Record({ episode: Int, character: TypeRef("Character") }),
        Career: Int as unknown as ReturnType<typeof Record>,
        __Log: Record({ at: Float }),
      },
    },
    [
      'Data type "Appearance" refers to the node "Character": data types can only hold values',
      'Data type "Career" must be a Record, got Int',
      'Data type "__Log" uses a reserved name: names starting with "__" belong to GraphQL ' +
      "introspection",
    ],
  );
});

// test_union.py: test_validate_graph_union
Deno.test("Graph() reports empty, unnamed and unknown union members", () => {
  expectErrors(
    [character(), actor()],
    {
      ...INIT,
      unions: [
        Union("Media", [], { resolveType }),
        Union("", ["Character", "Actor"], { resolveType }),
        Union("Invalid", ["Unknown", "Actr", "Person"], { resolveType }),
        Union("Crew", ["Character"], {} as { resolveType: typeof resolveType }),
        Union("Crew", ["Actor"], { resolveType }),
      ],
    },
    [
      'Union "Media" must have at least one type',
      "Union must have a name",
      'Union "Invalid" includes the missing node "Unknown"',
      'Union "Invalid" includes the missing node "Actr". Did you mean "Actor"?',
      'Union "Invalid" includes the missing node "Person": "Person" is an interface',
      'Union "Crew" resolveType must be a function, got undefined',
      'Duplicated unions found in the graph: "Crew"',
    ],
  );
});

// test_interface.py: test_validate_graph_with_interface
Deno.test("Graph() reports interface problems", () => {
  expectErrors(
    [
      Node("Audio", [Field("id", Int, fields), Field("duration", Str, fields)], {
        implements: ["WrongInterface"],
      }),
      Node("Video", [Field("id", Int, fields), Field("thumbnailUrl", Str, fields)], {
        implements: ["Media"],
      }),
      Node("Image", [
        Field("id", Int, fields),
        Link("duration", TypeRef("Image"), link, {
          requires: "id",
        }),
      ], { implements: ["Media"] }),
    ],
    {
      interfaces: [
        Interface("Media", [Field("id", Int, fields), Field("duration", Str, fields)], {
          resolveType,
        }),
        Interface("Empty", [], { resolveType }),
        Interface("", [Field("id", Int, fields)], { resolveType }),
        Interface("Invalid", ["WrongType" as unknown as Member], { resolveType }),
      ],
    },
    [
      'Node "Audio" implements missing interface "WrongInterface"',
      'Node "Video" implements the "Media" interface but has no "duration" field',
      'Node "Image" implements the "Media" interface but its "duration" is a link, not a field',
      'Interface "Empty" must have at least one field',
      "Interface must have a name",
      'Interface "Invalid" can not contain these types: string "WrongType"',
    ],
  );
});

Deno.test("Graph() checks interface members like node members, without loaders", () => {
  expectErrors(
    [character(), actor()],
    {
      ...INIT,
      interfaces: [
        Interface("Person", [
          Field("id", Int, null as unknown as typeof fields),
          Field("name", Str, fields),
          Field("name", Str, fields),
          Link("friends", Sequence(TypeRef("Persn")), link, { requires: "nothing" }),
        ], { resolveType }),
      ],
    },
    [
      'Node "Character" implements the "Person" interface but has no "friends" link',
      'Node "Actor" implements the "Person" interface but has no "friends" link',
      'Link "Person.friends" points to the missing node "Persn"',
      'Duplicated names found in the "Person" interface: "name"',
    ],
  );
});

Deno.test("Graph() reports reserved and empty names", () => {
  expectErrors(
    [
      Node("__Secret", [Field("__typename", Str, fields), Field("", Str, fields)]),
      Node("", []),
      Root([Field("version", Str, fields, { options: [Option("__format", Optional(Str))] })]),
    ],
    {},
    [
      'Option "root.version:__format" uses a reserved name: names starting with "__" belong ' +
      "to GraphQL introspection",
      'Node "__Secret" uses a reserved name: names starting with "__" belong to GraphQL ' +
      "introspection",
      'Field "__Secret.__typename" uses a reserved name: names starting with "__" belong to ' +
      "GraphQL introspection",
      'Field at index 1 in the "__Secret" node must have a name',
      "Node at index 1 of the graph must have a name",
    ],
  );
});

Deno.test("Graph() reports one name used by two kinds of types", () => {
  expectErrors(
    [character(), actor(), Node("Person", [Field("id", Int, fields)])],
    { ...INIT, dataTypes: { Appearance: appearance, SearchResult: appearance } },
    [
      'Type name "Person" is used by a node and an interface',
      'Type name "SearchResult" is used by a union and a data type',
    ],
  );
});
