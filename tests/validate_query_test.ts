import assert from "node:assert/strict";
import { validate } from "../src/validation/validate.ts";
import { Input } from "../src/definitions/input.ts";
import { Field, Interface, Link, Node, Root, Union } from "../src/definitions/members.ts";
import { Graph } from "../src/definitions/graph.ts";
import type { GraphInit } from "../src/definitions/named_types.ts";
import { Option } from "../src/definitions/option.ts";
import {
  type QueryField,
  queryField,
  type QueryFragment,
  queryFragment,
  type QueryLink,
  queryLink,
  type QueryNode,
  queryNode,
  type QueryOptions,
  type SelectionInit,
} from "../src/query/query.ts";
import {
  Any,
  Bool,
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

const load = () => [];
const resolveType = () => "Character";
const appearance = Record({ episode: Int, title: Str });

/** The Star Trek graph, plus root members that mirror the cases of Hiku's test graph. */
const GRAPH = Graph([
  Node("Character", [
    Field("id", Int, load),
    Field("name", Str, load),
    Field("species", Str, load),
    Field("image", Optional(Str), load, { options: [Option("size", Int)] }),
    Field("quote", Optional(Str), load, {
      options: [Option("episode", Optional(Int), { default: null })],
    }),
    Field("firstAppearance", Optional(TypeRef("Appearance")), load),
    Field("career", Record({ rank: Str, ship: Record({ name: Str, registry: Str }) }), load),
    Link("actors", Sequence(TypeRef("Actor")), load, {
      requires: "id",
      options: [Option("limit", Int, { default: 10 }), Option("order", Optional(Str))],
    }),
  ], { implements: ["Person"] }),
  Node("Actor", [
    Field("id", Int, load),
    Field("name", Str, load),
    Field("character_id", Int, load),
    Link("character", TypeRef("Character"), load, { requires: "character_id" }),
  ], { implements: ["Person"] }),
  Node("Starship", [
    Field("id", Int, load),
    Field("name", Str, load),
    Field("registry", Str, load),
    Link("crew", Sequence(InterfaceRef("Person")), load, { requires: "id" }),
  ]),
  Root([
    Field("version", Str, load),
    Link("characters", Sequence(TypeRef("Character")), load, {
      requires: null,
      options: [Option("species", Optional(Str))],
    }),
    Link("character", Optional(TypeRef("Character")), load, {
      requires: null,
      options: [Option("id", Int)],
    }),
    Link("actors", Sequence(TypeRef("Actor")), load, { requires: null }),
    Link("starships", Sequence(TypeRef("Starship")), load, { requires: null }),
    Link("search", Sequence(UnionRef("SearchResult")), load, {
      requires: null,
      options: [Option("text", Str)],
    }),
    Link("people", Sequence(InterfaceRef("Person")), load, { requires: null }),
    Link("firstPerson", Optional(InterfaceRef("Person")), load, { requires: null }),
    // Record fields, as Hiku's "wounded", "annuals", "hialeah", "val" and "rlyeh".
    Field("pilot", Optional(Record({ episode: Int, title: Str })), load),
    Field("finale", Record({ episode: Int, title: Str }), load),
    Field("episodes", Sequence(Record({ episode: Int, title: Str })), load),
    Field("premiere", Optional(TypeRef("Appearance")), load),
    Field("ship", Record({ registry: Str, captain: Record({ name: Str }) }), load),
    // Fields with options, as Hiku's "motown", "nyerere", "wreche", "hunter" and "tapioca".
    Field("greeting", Any, load, { options: [Option("language", Any)] }),
    Field("warp", Any, load, { options: [Option("factor", Any, { default: 1 })] }),
    Field("crewCount", Any, load, { options: [Option("deck", Int)] }),
    Field("shipCount", Any, load, { options: [Option("fleet", Int, { default: 1 })] }),
    Field("captainsLog", Any, load, {
      options: [Option("stardate", Optional(Int), { default: null })],
    }),
    // Links with options, as Hiku's "ferrous", "knesset", "pouria", "secants", "hackled" and
    // "insect".
    Link("crew", Sequence(TypeRef("Actor")), load, {
      requires: null,
      options: [Option("ship", Any)],
    }),
    Link("officers", Sequence(TypeRef("Actor")), load, {
      requires: null,
      options: [Option("rank", Any, { default: 1 })],
    }),
    Link("episodeCast", Sequence(TypeRef("Actor")), load, {
      requires: null,
      options: [Option("episode", Int)],
    }),
    Link("season", Sequence(TypeRef("Actor")), load, {
      requires: null,
      options: [Option("number", Int, { default: 1 })],
    }),
    Link("guests", Sequence(TypeRef("Actor")), load, {
      requires: null,
      options: [Option("episode", Optional(Int), { default: null })],
    }),
    Link("ranked", Sequence(TypeRef("Actor")), load, {
      requires: null,
      options: [Option("minRating", Optional(Float), { default: null })],
    }),
  ]),
], {
  dataTypes: { Appearance: appearance },
  unions: [Union("SearchResult", ["Character", "Actor"], { resolveType })],
  interfaces: [
    Interface("Person", [Field("id", Int, load), Field("name", Str, load)], { resolveType }),
  ],
});

type Item = QueryField | QueryLink | QueryFragment;

/** A selection set from fields, links and fragments, in any order. */
function sel(...items: Item[]): QueryNode {
  const fields: (QueryField | QueryLink)[] = [];
  const fragments: QueryFragment[] = [];
  for (const item of items) {
    if (item.kind === "fragment") fragments.push(item);
    else fields.push(item);
  }
  return queryNode(fields, fragments);
}

function field(name: string, init: SelectionInit = {}): QueryField {
  return queryField(name, init);
}

function link(name: string, items: Item[], init: SelectionInit = {}): QueryLink {
  return queryLink(name, sel(...items), init);
}

/** An inline fragment: `... on typeName { items }` (`... { items }` when typeName is null). */
function on(typeName: string | null, ...items: Item[]): QueryFragment {
  return queryFragment(null, typeName, sel(...items));
}

/** Asserts the exact list of problem messages `validate()` gives for a query. */
function expectProblems(query: QueryNode, messages: readonly string[], graph = GRAPH): void {
  assert.deepEqual(validate(graph, query).map((problem) => problem.message), messages);
}

/** Validates one root field carrying `options` against a graph where it declares `declared`. */
function expectOptionProblems(
  declared: ReturnType<typeof Option>[],
  options: QueryOptions,
  messages: readonly string[],
  init: GraphInit = {},
): void {
  const graph = Graph([Root([Field("logEntry", Any, load, { options: declared })])], init);
  const problems = validate(graph, sel(field("logEntry", { options })));
  assert.deepEqual(
    problems.map((problem) => problem.message),
    messages.map((message) => message.replace("{field}", "root.logEntry")),
  );
}

Deno.test("validate() accepts a valid query", () => {
  expectProblems(
    sel(
      field("version"),
      link("characters", [
        field("id"),
        field("name"),
        field("image", { options: { size: 64 } }),
        field("firstAppearance"),
        link("career", [field("rank"), link("ship", [field("name")])]),
        link("actors", [field("name"), link("character", [field("species")])], {
          options: { limit: 3, order: null },
        }),
      ], { options: { species: "Vulcan" } }),
    ),
    [],
  );
});

// test_validate_query.py: test_field
Deno.test("validate() reports unknown fields and simple fields queried as nodes", async (t) => {
  await t.step("field in the root node", () => {
    expectProblems(sel(field("invalid")), [
      'Field "invalid" is not implemented in the "root" node',
    ]);
  });
  await t.step("field in a linked node", () => {
    expectProblems(sel(link("characters", [field("invalid")])), [
      'Field "invalid" is not implemented in the "Character" node',
    ]);
  });
  await t.step("simple field as node", () => {
    expectProblems(sel(link("version", [])), [
      'Trying to query "root.version" simple field as node',
    ]);
  });
});

Deno.test("validate() suggests close names for unknown fields and links", () => {
  expectProblems(sel(link("characters", [field("nam"), link("actor", [field("name")])])), [
    'Field "nam" is not implemented in the "Character" node. Did you mean "name"?',
    'Link "actor" is not implemented in the "Character" node. Did you mean "actors"?',
  ]);
});

// test_validate_query.py: test_field_complex
Deno.test("validate() checks the selection of a record field", async (t) => {
  const records: [string, string][] = [
    ["pilot", "root.pilot"],
    ["finale", "root.finale"],
    ["episodes", "root.episodes"],
    ["premiere", "Appearance"],
  ];
  for (const [name, record] of records) {
    await t.step(`${name}: an empty selection`, () => {
      expectProblems(sel(link(name, [])), []);
    });
    await t.step(`${name}: an unknown record field`, () => {
      expectProblems(sel(link(name, [field("invalid")])), [
        `Field "invalid" is not implemented in the "${record}" record`,
      ]);
    });
    await t.step(`${name}: a known record field`, () => {
      expectProblems(sel(link(name, [field("episode")])), []);
    });
    await t.step(`${name}: no selection at all`, () => {
      expectProblems(sel(field(name)), []);
    });
  }
});

Deno.test("validate() suggests close names for unknown record fields", () => {
  expectProblems(sel(link("characters", [link("firstAppearance", [field("epsiode")])])), [
    'Field "epsiode" is not implemented in the "Appearance" record. Did you mean "episode"?',
  ]);
});

// test_validate_query.py: test_field_complex_with_typename
Deno.test("validate() accepts __typename in a record selection", () => {
  expectProblems(sel(link("premiere", [field("__typename"), field("episode")])), []);
});

// test_validate_query.py: test_nested_records
Deno.test("validate() checks nested record selections", async (t) => {
  await t.step("a nested record with a selection", () => {
    expectProblems(sel(link("ship", [link("captain", [field("name")])])), []);
  });
  // Hiku: 'Trying to query "cthulhu" link as it was a field'; a record may be queried whole.
  await t.step("a nested record without a selection", () => {
    expectProblems(sel(link("ship", [field("captain")])), []);
  });
  await t.step("a scalar record field given a selection", () => {
    expectProblems(sel(link("ship", [link("captain", [link("name", [field("error")])])])), [
      'Trying to query "root.ship.captain.name" simple field as node',
    ]);
  });
  await t.step("options on a record field", () => {
    expectProblems(sel(link("premiere", [field("episode", { options: { since: 1 } })])), [
      'Unknown options for "Appearance.episode": "since"',
    ]);
  });
});

// test_validate_query.py: test_non_field
Deno.test("validate() reports a link queried as a field", () => {
  expectProblems(sel(field("characters")), [
    'Trying to query "root.characters" link as it was a field',
  ]);
  expectProblems(sel(link("characters", [field("actors")])), [
    'Trying to query "Character.actors" link as it was a field',
  ]);
});

// test_validate_query.py: test_field_options
Deno.test("validate() checks field options", async (t) => {
  const mk = (name: string, options?: QueryOptions) =>
    sel(field(name, options === undefined ? {} : { options }));
  await t.step("required option of any type", () => {
    expectProblems(mk("greeting"), ['Required option "root.greeting:language" is not specified']);
    expectProblems(mk("greeting", {}), [
      'Required option "root.greeting:language" is not specified',
    ]);
    expectProblems(mk("greeting", { language: 1 }), []);
    expectProblems(mk("greeting", { language: "1" }), []);
    expectProblems(mk("greeting", { language: 1, invalid: 1 }), [
      'Unknown options for "root.greeting": "invalid"',
    ]);
  });
  await t.step("option of any type with a default", () => {
    expectProblems(mk("warp"), []);
    expectProblems(mk("warp", {}), []);
    expectProblems(mk("warp", { factor: 1 }), []);
    expectProblems(mk("warp", { factor: "1" }), []);
    expectProblems(mk("warp", { factor: 1, invalid: 1 }), [
      'Unknown options for "root.warp": "invalid"',
    ]);
  });
  await t.step("required Int option", () => {
    expectProblems(mk("crewCount"), ['Required option "root.crewCount:deck" is not specified']);
    expectProblems(mk("crewCount", {}), [
      'Required option "root.crewCount:deck" is not specified',
    ]);
    expectProblems(mk("crewCount", { deck: 1 }), []);
    expectProblems(mk("crewCount", { deck: "1" }), [
      'Invalid value for option "root.crewCount:deck", expected Int, got string "1"',
    ]);
    expectProblems(mk("crewCount", { deck: 1, invalid: 1 }), [
      'Unknown options for "root.crewCount": "invalid"',
    ]);
  });
  await t.step("Int option with a default", () => {
    expectProblems(mk("shipCount"), []);
    expectProblems(mk("shipCount", {}), []);
    expectProblems(mk("shipCount", { fleet: 1 }), []);
    expectProblems(mk("shipCount", { fleet: "1" }), [
      'Invalid value for option "root.shipCount:fleet", expected Int, got string "1"',
    ]);
    expectProblems(mk("shipCount", { fleet: 1, invalid: 1 }), [
      'Unknown options for "root.shipCount": "invalid"',
    ]);
  });
  await t.step("Optional(Int) option with a null default", () => {
    expectProblems(mk("captainsLog"), []);
    expectProblems(mk("captainsLog", {}), []);
    expectProblems(mk("captainsLog", { stardate: null }), []);
    expectProblems(mk("captainsLog", { stardate: 123 }), []);
    expectProblems(mk("captainsLog", { stardate: "123" }), [
      'Invalid value for option "root.captainsLog:stardate", expected Int, got string "123"',
    ]);
  });
});

// test_validate_query.py: test_link
Deno.test("validate() reports unknown links", () => {
  const unknown = link("invalid", []);
  expectProblems(sel(unknown), ['Link "invalid" is not implemented in the "root" node']);
  expectProblems(sel(link("characters", [unknown])), [
    'Link "invalid" is not implemented in the "Character" node',
  ]);
});

// test_validate_query.py: test_link_options
Deno.test("validate() checks link options", async (t) => {
  const mk = (name: string, options?: QueryOptions) =>
    sel(link(name, [], options === undefined ? {} : { options }));
  await t.step("required option of any type", () => {
    expectProblems(mk("crew"), ['Required option "root.crew:ship" is not specified']);
    expectProblems(mk("crew", {}), ['Required option "root.crew:ship" is not specified']);
    expectProblems(mk("crew", { ship: 1 }), []);
    expectProblems(mk("crew", { ship: "1" }), []);
    expectProblems(mk("crew", { ship: 1, invalid: 1 }), [
      'Unknown options for "root.crew": "invalid"',
    ]);
  });
  await t.step("option of any type with a default", () => {
    expectProblems(mk("officers"), []);
    expectProblems(mk("officers", {}), []);
    expectProblems(mk("officers", { rank: 1 }), []);
    expectProblems(mk("officers", { rank: "1" }), []);
    expectProblems(mk("officers", { rank: 1, invalid: 1 }), [
      'Unknown options for "root.officers": "invalid"',
    ]);
  });
  await t.step("required Int option", () => {
    expectProblems(mk("episodeCast"), [
      'Required option "root.episodeCast:episode" is not specified',
    ]);
    expectProblems(mk("episodeCast", {}), [
      'Required option "root.episodeCast:episode" is not specified',
    ]);
    expectProblems(mk("episodeCast", { episode: 1 }), []);
    expectProblems(mk("episodeCast", { episode: "1" }), [
      'Invalid value for option "root.episodeCast:episode", expected Int, got string "1"',
    ]);
    expectProblems(mk("episodeCast", { episode: 1, invalid: 1 }), [
      'Unknown options for "root.episodeCast": "invalid"',
    ]);
  });
  await t.step("Int option with a default", () => {
    expectProblems(mk("season"), []);
    expectProblems(mk("season", {}), []);
    expectProblems(mk("season", { number: 1 }), []);
    expectProblems(mk("season", { number: "1" }), [
      'Invalid value for option "root.season:number", expected Int, got string "1"',
    ]);
    expectProblems(mk("season", { number: 1, invalid: 1 }), [
      'Unknown options for "root.season": "invalid"',
    ]);
  });
  await t.step("Optional options with null defaults", () => {
    expectProblems(mk("guests", {}), []);
    expectProblems(mk("guests", { episode: null }), []);
    expectProblems(mk("guests", { episode: 123 }), []);
    expectProblems(mk("guests", { episode: "123" }), [
      'Invalid value for option "root.guests:episode", expected Int, got string "123"',
    ]);
    expectProblems(mk("ranked", { minRating: "2" }), [
      'Invalid value for option "root.ranked:minRating", expected Float, got string "2"',
    ]);
    expectProblems(mk("ranked", { minRating: 2.5 }), []);
    expectProblems(mk("ranked", { minRating: 2 }), []);
  });
});

Deno.test("validate() reports an unknown option with a suggestion", () => {
  expectProblems(
    sel(link("characters", [link("actors", [field("name")], { options: { limt: 5 } })])),
    ['Unknown options for "Character.actors": "limt". Did you mean "limit"?'],
  );
  expectProblems(
    sel(link("characters", [link("actors", [field("name")], { options: { a: 1, b: 2 } })])),
    ['Unknown options for "Character.actors": "a", "b"'],
  );
});

Deno.test("validate() reports a missing required option and a value of the wrong type", () => {
  expectProblems(
    sel(
      link("character", [field("name")]),
      link("characters", [link("actors", [field("name")], { options: { limit: "ten" } })]),
    ),
    [
      'Required option "root.character:id" is not specified',
      'Invalid value for option "Character.actors:limit", expected Int, got string "ten"',
    ],
  );
});

Deno.test("validate() treats options given as undefined as not given", () => {
  expectProblems(sel(link("character", [field("name")], { options: { id: undefined } })), [
    'Required option "root.character:id" is not specified',
  ]);
  expectProblems(sel(field("version", { options: { format: undefined } })), []);
});

// test_validate_query.py: test_missing_options
Deno.test("validate() requires options without a default and of a non-Optional type", () => {
  expectOptionProblems([Option("stardate", Int)], {}, [
    'Required option "{field}:stardate" is not specified',
  ]);
  expectOptionProblems([Option("stardate", Int, { default: 1 })], {}, []);
  expectOptionProblems([Option("stardate", Optional(Int))], {}, []);
  expectOptionProblems([Option("stardate", Optional(Int), { default: null })], {}, []);
});

class Tribble {}

// test_validate_query.py: test_scalar_option_type_errors
Deno.test("validate() checks scalar option values", () => {
  expectOptionProblems([Option("stardate", Bool)], { stardate: true }, []);
  expectOptionProblems([Option("stardate", Bool)], { stardate: new Tribble() }, [
    'Invalid value for option "{field}:stardate", expected Bool, got object Tribble {}',
  ]);
  expectOptionProblems([Option("stardate", Int)], { stardate: 123 }, []);
  expectOptionProblems([Option("stardate", Int)], { stardate: new Tribble() }, [
    'Invalid value for option "{field}:stardate", expected Int, got object Tribble {}',
  ]);
  expectOptionProblems([Option("stardate", Str)], { stardate: "raundon" }, []);
  expectOptionProblems([Option("stardate", Str)], { stardate: new Tribble() }, [
    'Invalid value for option "{field}:stardate", expected Str, got object Tribble {}',
  ]);
  expectOptionProblems([Option("stardate", Float)], { stardate: 2 }, []);
  expectOptionProblems([Option("stardate", Float)], { stardate: 2.5 }, []);
  expectOptionProblems([Option("stardate", Float)], { stardate: new Tribble() }, [
    'Invalid value for option "{field}:stardate", expected Float, got object Tribble {}',
  ]);
});

// test_validate_query.py: test_optional_option_type_errors
Deno.test("validate() checks Optional option values", () => {
  expectOptionProblems([Option("stardate", Optional(Int))], { stardate: null }, []);
  expectOptionProblems([Option("stardate", Optional(Int))], { stardate: new Tribble() }, [
    'Invalid value for option "{field}:stardate", expected Int, got object Tribble {}',
  ]);
});

// test_validate_query.py: test_sequence_option_type_errors
Deno.test("validate() checks Sequence option values", () => {
  expectOptionProblems([Option("stardates", Sequence(Int))], { stardates: [123] }, []);
  expectOptionProblems([Option("stardates", Sequence(Int))], { stardates: new Tribble() }, [
    'Invalid value for option "{field}:stardates", expected Sequence(Int), got object Tribble {}',
  ]);
  expectOptionProblems([Option("stardates", Sequence(Int))], { stardates: [new Tribble()] }, [
    'Invalid value for option "{field}:stardates", at [0]: expected Int, got object Tribble {}',
  ]);
});

// test_validate_query.py: test_mapping_option_type_errors
Deno.test("validate() checks Mapping option values", () => {
  const declared = [Option("crew", Mapping(Int, Str))];
  expectOptionProblems(declared, { crew: { 123: "oik" } }, []);
  expectOptionProblems(declared, { crew: new Tribble() }, [
    'Invalid value for option "{field}:crew", expected Mapping(Int, Str), got object Tribble {}',
  ]);
  expectOptionProblems(declared, { crew: { tribble: "oik" } }, [
    'Invalid value for option "{field}:crew", key "tribble" does not fit Int',
  ]);
  expectOptionProblems(declared, { crew: { 123: new Tribble() } }, [
    'Invalid value for option "{field}:crew", at ["123"]: expected Str, got object Tribble {}',
  ]);
});

// test_validate_query.py: test_record_option_type_errors
Deno.test("validate() checks Record option values", () => {
  const declared = [Option("filter", Record({ episode: Int }))];
  expectOptionProblems(declared, { filter: { episode: 123 } }, []);
  expectOptionProblems(declared, { filter: new Tribble() }, [
    'Invalid value for option "{field}:filter", expected Record({ episode: Int }), got object ' +
    "Tribble {}",
  ]);
  expectOptionProblems(declared, { filter: {} }, [
    'Invalid value for option "{field}:filter", missing field "episode"',
  ]);
  expectOptionProblems(declared, { filter: { episode: 1, epsiode: 1 } }, [
    'Invalid value for option "{field}:filter", unknown field "epsiode". Did you mean "episode"?',
  ]);
  expectOptionProblems(declared, { filter: { episode: new Tribble() } }, [
    'Invalid value for option "{field}:filter", at episode: expected Int, got object Tribble {}',
  ]);
});

// test_validate_query.py: test_typeref_in_option
Deno.test("validate() checks option values typed with a data type", () => {
  const declared = [Option("since", TypeRef("Appearance"))];
  const init = { dataTypes: { Appearance: appearance } };
  expectOptionProblems(declared, { since: { episode: 1, title: "The Cage" } }, [], init);
  expectOptionProblems(declared, { since: { episode: "1", title: "The Cage" } }, [
    'Invalid value for option "{field}:since", at episode: expected Int, got string "1"',
  ], init);
});

// test_validate_query.py: test_any_in_option
Deno.test("validate() checks option values typed Mapping(Str, Any)", () => {
  const declared = [Option("tags", Mapping(Str, Any))];
  expectOptionProblems(declared, { tags: { key: 1 } }, []);
  expectOptionProblems(declared, { tags: "bar" }, [
    'Invalid value for option "{field}:tags", expected Mapping(Str, Any), got string "bar"',
  ]);
});

// test_validate_query.py: test_input_ref_in_option (the part that needs no input types)
Deno.test("validate() names the input type of a missing required input option", () => {
  const ImageParams = Input("ImageParams", [Option("width", Int)]);
  expectOptionProblems([Option("params", ImageParams)], {}, [
    'Required option "{field}:params" of type "ImageParams" is not specified',
  ]);
});

// test_validate_query.py: test_distinct_by_name_fields
Deno.test("validate() reports two fields with one result key and different names", () => {
  const problems = validate(
    GRAPH,
    sel(link("characters", [
      field("name", { location: { line: 1, column: 16 } }),
      field("species", { alias: "name", location: { line: 1, column: 21 } }),
    ])),
  );
  assert.deepEqual(problems, [{
    message: 'Found distinct fields with the same resulting name "name" for the node "Character"',
    path: ["characters", "name"],
    locations: [{ line: 1, column: 16 }, { line: 1, column: 21 }],
  }]);
});

// test_validate_query.py: test_distinct_by_options_fields
Deno.test("validate() reports one field with one result key and different options", async (t) => {
  const conflict = 'Found distinct fields with the same resulting name "quote" for the node ' +
    '"Character"';
  const quote = field("quote");
  const quoteOf1 = field("quote", { options: { episode: 1 } });
  await t.step("only fields", () => {
    expectProblems(sel(link("characters", [quote, quoteOf1])), [conflict]);
  });
  await t.step("only fields inside a fragment", () => {
    expectProblems(sel(link("characters", [on("Character", quote, quoteOf1)])), [conflict]);
  });
  await t.step("fields inside neighbour fragments", () => {
    expectProblems(
      sel(link("characters", [on("Character", quote), on("Character", quoteOf1)])),
      [conflict],
    );
  });
  await t.step("a field and a neighbour fragment", () => {
    expectProblems(sel(link("characters", [quote, on("Character", quoteOf1)])), [conflict]);
  });
  await t.step("fragments at different levels, one link", () => {
    expectProblems(
      sel(
        link("characters", [on("Character", quoteOf1)]),
        on("Query", link("characters", [on("Character", quote)])),
      ),
      [conflict],
    );
  });
});

// test_validate_query.py: test_distinct_by_name_links
Deno.test("validate() reports two links with one result key and different names", () => {
  expectProblems(
    sel(
      link("characters", [field("name")]),
      link("actors", [field("name")], { alias: "characters" }),
    ),
    ['Found distinct fields with the same resulting name "characters" for the node "root"'],
  );
});

// test_validate_query.py: test_distinct_by_options_links
Deno.test("validate() reports one link with one result key and different options", () => {
  expectProblems(
    sel(
      link("characters", [field("name")]),
      link("characters", [field("name")], { options: { species: "Vulcan" } }),
    ),
    ['Found distinct fields with the same resulting name "characters" for the node "root"'],
  );
});

Deno.test("validate() accepts two aliases of one link with different selections", () => {
  // Hiku rejects this (it compares fields per link name, not per result key).
  expectProblems(
    sel(link("characters", [
      link("actors", [field("name")], { alias: "lead", options: { limit: 1 } }),
      link("actors", [field("name", { alias: "actorName" })], { alias: "all" }),
      link("actors", [field("id", { alias: "name" })], { alias: "ids" }),
    ])),
    [],
  );
});

Deno.test("validate() merges one link selected twice and compares what it selects", () => {
  expectProblems(
    sel(link("characters", [link("actors", [field("name")]), link("actors", [field("id")])])),
    [],
  );
  const problems = validate(
    GRAPH,
    sel(link("characters", [
      link("actors", [field("name")]),
      link("actors", [field("id", { alias: "name" })]),
    ])),
  );
  assert.deepEqual(problems, [{
    message: 'Found distinct fields with the same resulting name "name" for the node "Actor"',
    path: ["characters", "actors", "name"],
    locations: [],
  }]);
});

Deno.test("validate() reports a record field selected whole and with a selection", () => {
  expectProblems(sel(link("characters", [field("career"), link("career", [field("rank")])])), [
    'Found distinct fields with the same resulting name "career" for the node "Character"',
  ]);
  expectProblems(
    sel(link("ship", [link("captain", [field("name")]), field("registry", { alias: "captain" })])),
    ['Found distinct fields with the same resulting name "captain" for the record "root.ship"'],
  );
});

Deno.test("validate() compares fields per concrete type in unions", () => {
  expectProblems(
    sel(link("search", [
      on("Character", field("name")),
      on("Actor", field("id", { alias: "name" })),
    ], { options: { text: "Spock" } })),
    [],
  );
  expectProblems(
    sel(link("search", [
      on("Person", field("name")),
      on("Actor", field("id", { alias: "name" })),
    ], { options: { text: "Spock" } })),
    ['Found distinct fields with the same resulting name "name" for the node "Actor"'],
  );
});

// test_validate_query.py: test_validate_query_fragment_on_unknown_type
Deno.test("validate() reports a fragment on an unknown type with a suggestion", () => {
  expectProblems(sel(link("characters", [on("Asdf", field("id"))])), [
    'Fragment on an unknown type "Asdf"',
  ]);
  expectProblems(sel(link("characters", [on("Charcter", field("id"))])), [
    'Fragment on an unknown type "Charcter". Did you mean "Character" or "Actor"?',
  ]);
});

Deno.test("validate() reports a fragment that can never apply where it is spread", () => {
  expectProblems(sel(link("characters", [on("Actor", field("name"))])), [
    'Fragment cannot be spread here as objects of type "Character" can never be of type "Actor"',
  ]);
  expectProblems(
    sel(link("characters", [queryFragment("ActorFields", "Actor", sel(field("nam")))])),
    [
      'Fragment "ActorFields" cannot be spread here as objects of type "Character" can never be ' +
      'of type "Actor"',
      'Field "nam" is not implemented in the "Actor" node. Did you mean "name"?',
    ],
  );
  expectProblems(sel(link("starships", [on("Person", field("name"))])), [
    'Fragment cannot be spread here as objects of type "Starship" can never be of type "Person"',
  ]);
  expectProblems(sel(link("search", [on("Starship", field("name"))], { options: { text: "" } })), [
    'Fragment cannot be spread here as objects of type "SearchResult" can never be of type ' +
    '"Starship"',
  ]);
  expectProblems(sel(link("characters", [on("Query", field("version"))])), [
    'Fragment cannot be spread here as objects of type "Character" can never be of type "Query"',
  ]);
  expectProblems(sel(link("premiere", [on("Character", field("name"))])), [
    'Fragment cannot be spread here as objects of type "Appearance" can never be of type ' +
    '"Character"',
  ]);
});

Deno.test("validate() accepts root fragments on Query in queries and on Mutation in mutations", () => {
  expectProblems(sel(on("Query", field("version")), on(null, field("version"))), []);
  expectProblems(sel(on("Mutation", field("version"))), [
    'Fragment cannot be spread here as objects of type "Query" can never be of type "Mutation"',
  ]);
  expectProblems(queryNode([], [on("Mutation", field("version"))], true), []);
  // As graphql-js's PossibleFragmentSpreads: the mutation root is never of type Query.
  expectProblems(queryNode([], [on("Query", field("version"))], true), [
    'Fragment cannot be spread here as objects of type "Mutation" can never be of type "Query"',
  ]);
});

Deno.test("validate() accepts fragments on a node's interfaces and unions, and nested fragments", () => {
  expectProblems(
    sel(link("characters", [
      on("Person", field("name"), on("Character", field("species"))),
      on(null, on(null, on("Character", field("id")))),
      on(
        "SearchResult",
        field("__typename"),
        on("Character", field("image", { options: { size: 1 } })),
      ),
    ])),
    [],
  );
  expectProblems(
    sel(
      link("search", [on("Person", field("name"))], { options: { text: "Spock" } }),
      link("people", [on("SearchResult", on("Actor", field("character_id")))]),
    ),
    [],
  );
});

Deno.test("validate() checks fields in a fragment on an interface against the interface", () => {
  expectProblems(sel(link("characters", [on("Person", field("species"))])), [
    'Cannot query field "species" on type "Person". Did you mean to use an inline fragment on ' +
    '"Character"?',
  ]);
});

Deno.test("validate() accepts __typename everywhere", () => {
  expectProblems(
    sel(
      field("__typename"),
      link("characters", [field("__typename"), link("career", [field("__typename")])]),
      link("search", [field("__typename")], { options: { text: "Spock" } }),
      link("people", [field("__typename")]),
    ),
    [],
  );
});

Deno.test("validate() reports __typename given a selection or options", () => {
  expectProblems(
    sel(
      link("characters", [link("__typename", [field("name")])]),
      field("__typename", { options: { format: "short" } }),
    ),
    [
      'Trying to query "Character.__typename" simple field as node',
      'Unknown options for "root.__typename": "format"',
    ],
  );
});

// test_union.py: test_validate_query_can_not_contain_shared_fields_in_union
Deno.test("validate() reports fields selected directly on a union", () => {
  expectProblems(
    sel(link("search", [
      field("__typename"),
      field("id"),
      on("Character", field("species")),
      on("Actor", field("character_id")),
    ], { options: { text: "Spock" } })),
    [
      'Cannot query field "id" on type "SearchResult". Did you mean to use an inline fragment ' +
      'on "Character" or "Actor"?',
    ],
  );
});

// test_union.py: test_validate_query_fragment_no_type_condition
Deno.test("validate() reports union fields selected in a fragment without a type condition", () => {
  // Hiku lists every member of the union; like graphql-js, only those having the field.
  expectProblems(
    sel(link("search", [on(null, field("species"), field("warp"))], { options: { text: "" } })),
    [
      'Cannot query field "species" on type "SearchResult". Did you mean to use an inline ' +
      'fragment on "Character"?',
      'Cannot query field "warp" on type "SearchResult"',
    ],
  );
});

// test_union.py: test_validate_query_fragment_on_unknown_type
Deno.test("validate() reports a fragment on an unknown type in a union selection", () => {
  expectProblems(
    sel(link("search", [on("X", field("species"))], { options: { text: "Spock" } })),
    ['Fragment on an unknown type "X"'],
  );
});

// test_union.py: test_validate_union_type_has_no_field
Deno.test("validate() checks fields in a fragment on a union member against the member", () => {
  expectProblems(
    sel(link("search", [
      on("Character", field("invalid_field"), field("species")),
      on("Actor", field("character_id")),
    ], { options: { text: "Spock" } })),
    ['Field "invalid_field" is not implemented in the "Character" node'],
  );
});

// test_union.py: test_validate_union_type_field_has_no_such_option
Deno.test("validate() checks options in a fragment on a union member", () => {
  expectProblems(
    sel(link("search", [
      on("Character", field("species", { options: { size: 100 } })),
      on("Actor", field("name")),
    ], { options: { text: "Spock" } })),
    ['Unknown options for "Character.species": "size"'],
  );
});

// test_union.py: test_validate_query_can_contain_shared_links
Deno.test("validate() accepts links in fragments on union members", () => {
  expectProblems(
    sel(link("search", [
      field("__typename"),
      on("Actor", field("name"), link("character", [field("name")])),
      on("Character", field("image", { options: { size: 100 } })),
    ], { options: { text: "Spock" } })),
    [],
  );
});

// test_interface.py: test_validate_interface_has_no_implementations
Deno.test("validate() reports fields of an interface that no node implements", () => {
  const graph = Graph([
    Root([Link("media", InterfaceRef("Media"), load, { requires: null })]),
  ], {
    interfaces: [
      Interface("Media", [Field("id", Int, load), Field("duration", Str, load)], { resolveType }),
    ],
  });
  expectProblems(
    sel(link("media", [field("id"), field("duration"), field("__typename")])),
    [
      'Cannot query field "id" on interface "Media". Interface "Media" is not implemented by ' +
      "any type. Add at least one type implementing this interface",
      'Cannot query field "duration" on interface "Media". Interface "Media" is not implemented ' +
      "by any type. Add at least one type implementing this interface",
    ],
    graph,
  );
});

// test_interface.py: test_validate_query_implementation_node_field_without_inline_fragment
Deno.test("validate() reports node fields selected directly on an interface", () => {
  expectProblems(sel(link("people", [field("id"), field("name"), field("species")])), [
    'Cannot query field "species" on type "Person". Did you mean to use an inline fragment on ' +
    '"Character"?',
  ]);
  expectProblems(sel(link("firstPerson", [field("nme")])), [
    'Cannot query field "nme" on type "Person". Did you mean "name"?',
  ]);
});

// test_interface.py: test_validate_query_fragment_no_type_condition
Deno.test("validate() reports node fields in an interface fragment without a type condition", () => {
  expectProblems(sel(link("people", [on(null, field("species"))])), [
    'Cannot query field "species" on type "Person". Did you mean to use an inline fragment on ' +
    '"Character"?',
  ]);
});

// test_interface.py: test_validate_query_fragment_on_unknown_type
Deno.test("validate() reports a fragment on an unknown type in an interface selection", () => {
  expectProblems(sel(link("people", [on("X", field("name"))])), [
    'Fragment on an unknown type "X"',
  ]);
});

// test_interface.py: test_validate_interface_type_has_no_such_field
Deno.test("validate() checks fields in a fragment on an implementation", () => {
  expectProblems(
    sel(link("people", [
      on("Character", field("invalid_field"), field("name")),
      on("Actor", field("character_id")),
    ])),
    ['Field "invalid_field" is not implemented in the "Character" node'],
  );
});

// test_interface.py: test_validate_interface_type_field_has_no_such_option
Deno.test("validate() checks options in a fragment on an implementation", () => {
  expectProblems(
    sel(link("people", [
      on("Character", field("name", { options: { size: 100 } })),
      on("Actor", field("name")),
    ])),
    ['Unknown options for "Character.name": "size"'],
  );
});

Deno.test("validate() gives each problem its path and location", () => {
  const problems = validate(
    GRAPH,
    sel(
      link("characters", [
        field("nam", { location: { line: 2, column: 5 } }),
        link("actors", [field("id")], { alias: "cast", options: { limit: "ten" } }),
        queryFragment(null, "Actr", sel(field("name")), { line: 4, column: 5 }),
      ], { location: { line: 1, column: 3 } }),
      field("crewCount", { alias: "decks" }),
    ),
  );
  assert.deepEqual(problems, [
    {
      message: 'Field "nam" is not implemented in the "Character" node. Did you mean "name"?',
      path: ["characters", "nam"],
      locations: [{ line: 2, column: 5 }],
    },
    {
      message: 'Invalid value for option "Character.actors:limit", expected Int, got string "ten"',
      path: ["characters", "cast"],
      locations: [],
    },
    {
      message: 'Fragment on an unknown type "Actr". Did you mean "Actor"?',
      path: ["characters"],
      locations: [{ line: 4, column: 5 }],
    },
    {
      message: 'Required option "root.crewCount:deck" is not specified',
      path: ["decks"],
      locations: [],
    },
  ]);
});

Deno.test("validate() reports a problem in a fragment spread twice once per location", () => {
  const fragment = queryFragment(
    "CharacterFields",
    "Character",
    sel(field("nam", { location: { line: 9, column: 3 } })),
  );
  const problems = validate(
    GRAPH,
    sel(link("characters", [fragment]), link("character", [fragment], { options: { id: 1 } })),
  );
  assert.deepEqual(problems, [{
    message: 'Field "nam" is not implemented in the "Character" node. Did you mean "name"?',
    path: ["characters", "nam"],
    locations: [{ line: 9, column: 3 }],
  }]);
});

Deno.test("validate() reports every problem of a query at once", () => {
  expectProblems(
    sel(
      field("invalid"),
      field("characters"),
      link("characters", [
        field("nam"),
        link("actors", [field("name", { alias: "id" }), field("id")], { options: { limt: 1 } }),
        on("Actor", field("name")),
      ]),
      link("search", [field("name")]),
    ),
    [
      'Field "invalid" is not implemented in the "root" node',
      'Trying to query "root.characters" link as it was a field',
      'Field "nam" is not implemented in the "Character" node. Did you mean "name"?',
      'Unknown options for "Character.actors": "limt". Did you mean "limit"?',
      'Fragment cannot be spread here as objects of type "Character" can never be of type "Actor"',
      'Required option "root.search:text" is not specified',
      'Cannot query field "name" on type "SearchResult". Did you mean to use an inline fragment ' +
      'on "Character" or "Actor"?',
      'Found distinct fields with the same resulting name "id" for the node "Actor"',
    ],
  );
});

Deno.test("validate() stays fast on a wide query with many aliases", () => {
  const items: QueryField[] = [];
  for (let i = 0; i < 20000; i++) items.push(field(i % 2 ? "name" : "id", { alias: `a${i}` }));
  const start = performance.now();
  expectProblems(sel(link("characters", items)), []);
  assert.ok(performance.now() - start < 2000);
});
