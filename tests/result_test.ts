/**
 * Results: reading them with Proxy, the normalized Index, and denormalize: values serialized
 * (enums, custom scalars, IDs), and partial results, where failures become nulls up to the
 * nearest nullable place and one error per position.
 *
 * Hiku's tests build an Index by hand; here the index is always built by the engine, so each
 * ported case runs a query against a graph whose loaders return the case's data. Ports cite the
 * Python test (tests/test_result.py, tests/test_denormalize_base.py,
 * tests/test_denormalize_graphql.py, tests/test_enum.py, tests/test_scalar.py).
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  AsyncExecutor,
  denormalize,
  denormalizeGraphQL,
  denormalizeWithErrors,
  Engine,
  Enum,
  EnumRef,
  Field,
  Graph,
  ID,
  type Id,
  Index,
  Int,
  Link,
  LoaderError,
  MutationGraph,
  Node,
  Nothing,
  Option,
  Optional,
  Proxy,
  type QueryField,
  type QueryNode,
  read,
  readOperation,
  Record,
  Root,
  Sequence,
  Str,
  TypeRef,
} from "../mod.ts";
import { queryField, queryLink, queryNode } from "../src/query/query.ts";
import { releaseResult } from "../src/execution/result.ts";
import {
  DateScalar,
  idField,
  partial,
  partialGraph,
  type Row,
  run,
  type Selected,
  Series,
} from "./support/engine_graphs.ts";
import { Recorder } from "./support/recording.ts";

const engine = new Engine(new AsyncExecutor());

/** A field loader reading each field by name from a table of rows. */
function rows(table: { readonly [id: string]: Row }) {
  return (fields: Selected, ids: readonly Id[]): unknown[][] =>
    ids.map((id) => fields.map((f) => table[String(id)]?.[f.name] ?? null));
}

/** A link loader with `requires: "id"` reading the link's targets from a table. */
function links(table: { readonly [id: string]: unknown }) {
  return (ids: readonly Id[]): unknown[] => ids.map((id) => table[String(id)] ?? Nothing);
}

const Person = Record({ name: Str, postings: Sequence(Str) });
const KIRK = { name: "James T. Kirk", postings: ["Farragut", "Enterprise"] };
const MCCOY = { name: "Leonard McCoy", postings: ["Enterprise"] };

const ROOT: Row = {
  motto: "To boldly go",
  captain: { name: "James T. Kirk", nickname: "Jim" },
  ship: { registry: "NCC-1701" },
  crew: { bridge: { captain: KIRK, doctor: null } },
  command: { officer: KIRK },
  departments: { science: [], medical: [KIRK, MCCOY] },
  ranks: [{ title: "Captain" }],
};

const CHARACTERS = {
  1: { name: "James T. Kirk", species: "Human" },
  2: { name: "Spock", species: "Vulcan/Human" },
  3: { name: "Leonard McCoy", species: "Human" },
};
const ACTORS = {
  4: { name: "William Shatner", born: "1931" },
  5: { name: "Leonard Nimoy", born: "1931" },
  6: { name: "DeForest Kelley", born: "1920" },
};
const SHIPS = {
  7: {
    refit: { year: "2270" },
    registry: { code: "NCC-1701" },
    decks: [{ name: "Bridge" }, { name: "Engineering" }],
  },
};
const EPISODES = {
  8: {
    title: "The Trouble with Tribbles",
    guest: { name: "Cyrano Jones" },
    stardate: { value: "4523.3" },
    scenes: [{ place: "Space Station K-7" }],
  },
};

/** test_result.py's GRAPH, in Star Trek terms, with loaders serving its INDEX. */
const GRAPH = Graph([
  Node("Character", [
    Field("id", Int, idField),
    Field("name", Str, rows(CHARACTERS)),
    Field("species", Str, rows(CHARACTERS)),
    Link("actor", TypeRef("Actor"), links({ 1: 4, 2: 5, 3: 6 }), { requires: "id" }),
    Link("actors", Sequence(TypeRef("Actor")), links({ 1: [5, 6], 2: [6, 4], 3: [4, 5] }), {
      requires: "id",
    }),
  ]),
  Node("Actor", [
    Field("id", Int, idField),
    Field("name", Str, rows(ACTORS)),
    Field("born", Str, rows(ACTORS)),
    Link("character", TypeRef("Character"), links({ 4: 1, 5: 2, 6: 3 }), { requires: "id" }),
    Link("costars", Sequence(TypeRef("Character")), links({ 4: [2, 3], 5: [3, 1], 6: [1, 2] }), {
      requires: "id",
    }),
  ]),
  Node("Ship", [
    Field("refit", Optional(Record({ year: Str })), rows(SHIPS)),
    Field("registry", Record({ code: Str }), rows(SHIPS)),
    Field("decks", Sequence(Record({ name: Str })), rows(SHIPS)),
  ]),
  Node("Episode", [
    Field("title", Str, rows(EPISODES)),
    Field("guest", Optional(Record({ name: Str })), rows(EPISODES)),
    Field("stardate", Record({ value: Str }), rows(EPISODES)),
    Field("scenes", Sequence(Record({ place: Str })), rows(EPISODES)),
    Link("hero", TypeRef("Character"), () => 1, { requires: null }),
    Link("villains", Sequence(TypeRef("Character")), () => [3, 2], { requires: null }),
    Link("cameo", Optional(TypeRef("Character")), () => Nothing, { requires: null }),
  ]),
  Root([
    Field("motto", Str, (fields: Selected) => fields.map((f) => ROOT[f.name])),
    Field(
      "captain",
      Optional(Record({ name: Str, nickname: Optional(Str) })),
      (fields: Selected) => fields.map((f) => ROOT[f.name]),
    ),
    Field("ship", Record({ registry: Str }), (fields: Selected) => fields.map((f) => ROOT[f.name])),
    Field(
      "crew",
      Record({ bridge: Record({ captain: Optional(Person), doctor: Optional(Person) }) }),
      (fields: Selected) => fields.map((f) => ROOT[f.name]),
    ),
    Field(
      "command",
      Record({ officer: Person }),
      (fields: Selected) => fields.map((f) => ROOT[f.name]),
    ),
    Field(
      "departments",
      Record({ science: Sequence(Person), medical: Sequence(Person) }),
      (fields: Selected) => fields.map((f) => ROOT[f.name]),
    ),
    Field(
      "ranks",
      Sequence(Record({ title: Str })),
      (fields: Selected) => fields.map((f) => ROOT[f.name]),
    ),
    Link("episode", TypeRef("Episode"), () => 8, { requires: null }),
    Link("character", TypeRef("Character"), () => 2, { requires: null }),
    Link("characters", Sequence(TypeRef("Character")), () => [1, 3], { requires: null }),
    Link("starship", TypeRef("Ship"), () => 7, { requires: null }),
  ]),
]);

async function execute(query: string | QueryNode, graph: Graph = GRAPH): Promise<Proxy> {
  return await engine.execute(graph, typeof query === "string" ? read(query) : query);
}

async function check(query: string, expected: unknown): Promise<void> {
  const data = denormalize(GRAPH, await execute(query));
  JSON.stringify(data); // no cycles
  assert.deepEqual(data, expected);
}

Deno.test("a released result holds nothing: what was read before stays whole, reading again fails", async () => {
  const result = await execute("{ motto characters { species } }");
  const data = denormalize(GRAPH, result);
  releaseResult(result);
  assert.deepEqual(data, {
    motto: "To boldly go",
    characters: [{ species: "Human" }, { species: "Human" }],
  });
  assert.throws(() => denormalize(GRAPH, result), /incomplete/);
});

// ---------------------------------------------------------------------------------------------
// denormalize, ported

// test_result.py: test_root_fields
Deno.test("denormalize gives root fields", async () => {
  await check("{ motto }", { motto: "To boldly go" });
});

// test_result.py: test_root_fields_complex
Deno.test("denormalize gives root record fields whole or projected", async (t) => {
  await t.step("optional record", async () => {
    await check("{ captain }", { captain: { name: "James T. Kirk", nickname: "Jim" } });
    await check("{ captain { name } }", { captain: { name: "James T. Kirk" } });
  });
  await t.step("record", async () => {
    await check("{ ship }", { ship: { registry: "NCC-1701" } });
    await check("{ ship { registry } }", { ship: { registry: "NCC-1701" } });
  });
  await t.step("sequence of records", async () => {
    await check("{ ranks }", { ranks: [{ title: "Captain" }] });
    await check("{ ranks { title } }", { ranks: [{ title: "Captain" }] });
  });
});

// test_result.py: test_node_fields
Deno.test("denormalize gives fields of linked nodes", async () => {
  await check("{ character { name } characters { species } }", {
    character: { name: "Spock" },
    characters: [{ species: "Human" }, { species: "Human" }],
  });
});

// test_result.py: test_node_fields_complex
Deno.test("denormalize gives record fields of nodes whole or projected", async (t) => {
  await t.step("optional record", async () => {
    await check("{ starship { refit } }", { starship: { refit: { year: "2270" } } });
    await check("{ starship { refit { year } } }", { starship: { refit: { year: "2270" } } });
  });
  await t.step("record", async () => {
    await check("{ starship { registry } }", { starship: { registry: { code: "NCC-1701" } } });
    await check("{ starship { registry { code } } }", {
      starship: { registry: { code: "NCC-1701" } },
    });
  });
  await t.step("sequence of records", async () => {
    const decks = [{ name: "Bridge" }, { name: "Engineering" }];
    await check("{ starship { decks } }", { starship: { decks } });
    await check("{ starship { decks { name } } }", { starship: { decks } });
  });
});

// test_result.py: test_root_node_links
Deno.test("denormalize follows links of a node linked from the root", async () => {
  await check("{ episode { hero { species } villains { name } } }", {
    episode: {
      hero: { species: "Human" },
      villains: [{ name: "Leonard McCoy" }, { name: "Spock" }],
    },
  });
});

// test_result.py: test_deep_links
Deno.test("denormalize follows links several levels deep", async () => {
  await check(
    `{ character { actor { name } actors { born } }
       characters { actor { born } actors { name } } }`,
    {
      character: {
        actor: { name: "Leonard Nimoy" },
        actors: [{ born: "1920" }, { born: "1931" }],
      },
      characters: [
        {
          actor: { born: "1931" },
          actors: [{ name: "Leonard Nimoy" }, { name: "DeForest Kelley" }],
        },
        {
          actor: { born: "1920" },
          actors: [{ name: "William Shatner" }, { name: "Leonard Nimoy" }],
        },
      ],
    },
  );
});

// test_result.py: test_circle_links
Deno.test("denormalize follows links that lead back to nodes already seen", async () => {
  await check(
    `{ character {
        actor { character { name } costars { name } }
        actors { character { name } costars { name } }
    } }`,
    {
      character: { // Spock
        actor: { // Leonard Nimoy
          character: { name: "Spock" },
          costars: [{ name: "Leonard McCoy" }, { name: "James T. Kirk" }],
        },
        actors: [
          { // DeForest Kelley
            character: { name: "Leonard McCoy" },
            costars: [{ name: "James T. Kirk" }, { name: "Spock" }],
          },
          { // William Shatner
            character: { name: "James T. Kirk" },
            costars: [{ name: "Spock" }, { name: "Leonard McCoy" }],
          },
        ],
      },
    },
  );
});

// test_result.py: test_optional
Deno.test("denormalize gives null for an optional link pointing to nothing", async () => {
  await check("{ episode { hero { species } cameo { name } } }", {
    episode: { hero: { species: "Human" }, cameo: null },
  });
});

// test_result.py: test_nested_records
Deno.test("denormalize projects nested records", async (t) => {
  await t.step("a record in a record", async () => {
    await check("{ command { officer { name } } }", {
      command: { officer: { name: "James T. Kirk" } },
    });
  });
  await t.step("optional records in a record in a record", async () => {
    await check("{ crew { bridge { captain { name } doctor { name } } } }", {
      crew: { bridge: { captain: { name: "James T. Kirk" }, doctor: null } },
    });
  });
  await t.step("sequences of records in a record, one empty", async () => {
    await check("{ departments { science { name } medical { name postings } } }", {
      departments: {
        science: [],
        medical: [
          { name: "James T. Kirk", postings: ["Farragut", "Enterprise"] },
          { name: "Leonard McCoy", postings: ["Enterprise"] },
        ],
      },
    });
  });
});

// test_result.py: test_denormalize_with_alias
Deno.test("denormalize uses aliases of links and fields as result keys", async () => {
  await check("{ x1: character { a1: name } x2: character { b1: species } }", {
    x1: { a1: "Spock" },
    x2: { b1: "Vulcan/Human" },
  });
});

// test_result.py: test_denormalize_non_merged_query (Hiku needs the query merged first; the
// engine merges a link selected twice under one key itself)
Deno.test("denormalize gives a link selected twice under one key merged", async () => {
  const query = queryNode([
    queryLink("character", queryNode([queryField("name")])),
    queryLink("character", queryNode([queryField("species")])),
  ]);
  assert.deepEqual(denormalize(GRAPH, await execute(query)), {
    character: { name: "Spock", species: "Vulcan/Human" },
  });
});

// test_result.py: test_denormalize_data_type
Deno.test("denormalize projects a field whose type is a named data type", async () => {
  const graph = Graph([
    Root([Field("position", TypeRef("Coordinates"), () => [{ sector: 42, quadrant: "Alpha" }])]),
  ], { dataTypes: { Coordinates: Record({ sector: Int, quadrant: Str }) } });
  const query = queryNode([queryLink("position", queryNode([queryField("sector")]))]);
  assert.deepEqual(denormalize(graph, await execute(query, graph)), { position: { sector: 42 } });
});

/** test_denormalize_base.py's graph: Foo -> Bar, as Episode -> Character. */
function chainGraph(
  episodeType: (name: string) => ReturnType<typeof TypeRef | typeof Sequence | typeof Optional>,
  heroType: (name: string) => ReturnType<typeof TypeRef | typeof Sequence | typeof Optional>,
  hero: unknown,
): Graph {
  return Graph([
    Node("Character", [Field("born", Int, rows({ 2: { born: 2233 }, 3: { born: 2230 } }))]),
    Node("Episode", [Link("hero", heroType("Character"), () => hero, { requires: null })]),
    Root([
      Link(
        "episode",
        episodeType("Episode"),
        () => episodeType === TypeRef ? 1 : episodeType === Sequence ? [1] : 1,
        { requires: null },
      ),
    ]),
  ]);
}

// test_denormalize_base.py: test_link_record, test_link_sequence, test_link_optional
Deno.test("denormalize nests one, many and optional links", async (t) => {
  const query = "{ episode { hero { born } } }";
  await t.step("one", async () => {
    const graph = chainGraph(TypeRef, TypeRef, 2);
    assert.deepEqual(denormalize(graph, await execute(query, graph)), {
      episode: { hero: { born: 2233 } },
    });
  });
  await t.step("many", async () => {
    const graph = chainGraph(Sequence, Sequence, [2, 3]);
    assert.deepEqual(denormalize(graph, await execute(query, graph)), {
      episode: [{ hero: [{ born: 2233 }, { born: 2230 }] }],
    });
  });
  for (const [value, expected] of [[Nothing, null], [2, { born: 2233 }]] as const) {
    await t.step(`optional: ${String(value)}`, async () => {
      const graph = chainGraph(Optional, Optional, value);
      assert.deepEqual(denormalize(graph, await execute(query, graph)), {
        episode: { hero: expected },
      });
    });
  }
});

// test_denormalize_graphql.py: test_typename
Deno.test("denormalize fills __typename at every level", async () => {
  const graph = chainGraph(TypeRef, Sequence, [2, 3]);
  const result = await execute(
    "query { __typename episode { __typename hero { __typename born } } }",
    graph,
  );
  assert.deepEqual(denormalizeGraphQL(graph, result, "Query"), {
    __typename: "Query",
    episode: {
      __typename: "Episode",
      hero: [{ __typename: "Character", born: 2233 }, { __typename: "Character", born: 2230 }],
    },
  });
});

// ---------------------------------------------------------------------------------------------
// denormalize

Deno.test("denormalize respects aliases and __typename inside fragments", async () => {
  await check(
    `{ t: __typename
       c: character { ...F ... on Character { kind: __typename } } }
     fragment F on Character { who: name actor { __typename n: name } }`,
    {
      t: "Query",
      c: {
        who: "Spock",
        actor: { __typename: "Actor", n: "Leonard Nimoy" },
        kind: "Character",
      },
    },
  );
});

Deno.test("denormalizeGraphQL gives the root the type name it is given", async () => {
  const result = await execute("{ __typename motto }");
  assert.deepEqual(denormalizeGraphQL(GRAPH, result, "Root"), {
    __typename: "Root",
    motto: "To boldly go",
  });
  assert.deepEqual(denormalizeGraphQL(GRAPH, result), {
    __typename: "Query",
    motto: "To boldly go",
  });
  assert.deepEqual(denormalizeGraphQL(GRAPH, result, null), {
    __typename: "Query",
    motto: "To boldly go",
  });
});

Deno.test("denormalize gives a mutation's root the type name Mutation", async () => {
  const mutation = MutationGraph(GRAPH, Root([Field("hail", Str, () => ["hailing"])]));
  const result = await engine.execute(
    mutation,
    readOperation("mutation { __typename hail }").query,
  );
  assert.deepEqual(denormalize(mutation, result), { __typename: "Mutation", hail: "hailing" });
  assert.deepEqual(denormalizeGraphQL(mutation, result, null), {
    __typename: "Mutation",
    hail: "hailing",
  });
});

Deno.test("denormalize of a node's Proxy gives that node alone", async () => {
  const result = await execute("{ characters { name actor { name } } }");
  const [kirk] = result.get("characters") as Proxy[];
  assert.deepEqual(denormalize(GRAPH, kirk!), {
    name: "James T. Kirk",
    actor: { name: "William Shatner" },
  });
});

Deno.test("denormalize rejects a result of another graph, and anything else", async () => {
  const other = Graph([Root([Field("motto", Str, () => ["Live long and prosper"])])]);
  const result = await execute("{ motto }");
  assert.throws(() => denormalize(other, result), {
    name: "TypeError",
    message: "denormalize() was given a result computed from another graph",
  });
  assert.throws(() => denormalizeWithErrors(other, result), {
    name: "TypeError",
    message: "denormalizeWithErrors() was given a result computed from another graph",
  });
  assert.throws(() => denormalize(GRAPH, { motto: "x" } as unknown as Proxy), {
    name: "TypeError",
    message: "denormalize() expects the result of engine.execute",
  });
});

Deno.test("denormalize builds plain objects", async (t) => {
  const isPlain = (value: unknown) =>
    typeof value === "object" && value !== null &&
    Object.getPrototypeOf(value) === Object.prototype;

  await t.step("nodes, the root and projected records", async () => {
    const data = denormalize(
      GRAPH,
      await execute("{ character { name actor { name } } command { officer { name } } }"),
    );
    assert.ok(isPlain(data));
    assert.ok(isPlain(data.character));
    assert.ok(isPlain((data.character as { actor: unknown }).actor));
    assert.ok(isPlain(data.command));
    assert.ok(isPlain((data.command as { officer: unknown }).officer));
  });

  await t.step("nodes with many keys", async () => {
    const names = Array.from({ length: 14 }, (_, k) => `f${k}`);
    const graph = Graph([
      Root(names.map((name, k) => Field(name, Int, () => [k]))),
    ]);
    const data = denormalize(graph, await execute(`{ ${names.join(" ")} }`, graph));
    assert.ok(isPlain(data));
    assert.deepEqual(Object.keys(data), names);
    assert.deepEqual(Object.values(data), names.map((_, k) => k));
  });

  await t.step("keys keep the order of the query", async () => {
    const data = denormalize(GRAPH, await execute("{ motto character { species name } ship }"));
    assert.deepEqual(Object.keys(data), ["motto", "character", "ship"]);
    assert.deepEqual(Object.keys(data.character as object), ["species", "name"]);
  });
});

/**
 * Runs `body` with `Object.prototype.__proto__` behaving as in Node and browsers, where
 * assigning `obj.__proto__ = value` sets the prototype. Deno replaces that accessor, so code
 * that builds results by assignment only misbehaves outside Deno; this brings that out here.
 */
async function withStandardProto<T>(body: () => Promise<T>): Promise<T> {
  const deno = Object.getOwnPropertyDescriptor(Object.prototype, "__proto__")!;
  Object.defineProperty(Object.prototype, "__proto__", {
    configurable: true,
    enumerable: false,
    get(this: object) {
      return Object.getPrototypeOf(this);
    },
    set(this: object, value: unknown) {
      if (typeof value === "object" || typeof value === "function") {
        Object.setPrototypeOf(this, value as object | null);
      }
    },
  });
  try {
    return await body();
  } finally {
    Object.defineProperty(Object.prototype, "__proto__", deno);
  }
}

Deno.test("denormalize makes a __proto__ result key an own property", async (t) => {
  await t.step("on a node", async () => {
    const data = await withStandardProto(async () =>
      denormalize(GRAPH, await execute("{ __proto__: motto character { name } }"))
    );
    assert.equal(Object.getPrototypeOf(data), Object.prototype);
    assert.deepEqual(Object.keys(data), ["__proto__", "character"]);
    assert.equal(Object.getOwnPropertyDescriptor(data, "__proto__")?.value, "To boldly go");
  });

  await t.step("on a node with a link under that key", async () => {
    const data = await withStandardProto(async () =>
      denormalize(GRAPH, await execute("{ __proto__: character { name } }"))
    );
    assert.equal(Object.getPrototypeOf(data), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(data, "__proto__")?.value, { name: "Spock" });
  });

  await t.step("in a projected record", async () => {
    const data = await withStandardProto(async () =>
      denormalize(
        GRAPH,
        await execute("{ captain { __proto__: name } ship { __proto__: registry } }"),
      )
    );
    for (const [key, value] of [["captain", "James T. Kirk"], ["ship", "NCC-1701"]]) {
      const record = data[key!] as object;
      assert.equal(Object.getPrototypeOf(record), Object.prototype);
      assert.deepEqual(Object.keys(record), ["__proto__"]);
      assert.equal(Object.getOwnPropertyDescriptor(record, "__proto__")?.value, value);
    }
  });
});

Deno.test("denormalize gives null, not undefined, for a value a loader left undefined", async () => {
  const graph = Graph([
    Node("Character", [
      Field(
        "nickname",
        Optional(Str),
        (_f: Selected, ids: readonly Id[]) => ids.map(() => [undefined]),
      ),
    ]),
    Root([
      Field("motto", Optional(Str), () => [undefined]),
      Link("character", TypeRef("Character"), () => 1, { requires: null }),
    ]),
  ]);
  const data = denormalize(graph, await execute("{ motto character { nickname } }", graph));
  assert.deepEqual(data, { motto: null, character: { nickname: null } });
  assert.equal(JSON.stringify(data), '{"motto":null,"character":{"nickname":null}}');
});

// ---------------------------------------------------------------------------------------------
// Proxy

Deno.test("Proxy reads fields, links and __typename by result key", async () => {
  const result = await execute(
    "{ motto __typename hero: character { name kind: __typename actors { name } actor { born } } }",
  );
  assert.ok(result instanceof Proxy);
  assert.equal(result.get("motto"), "To boldly go");
  assert.equal(result.get("__typename"), "Query");
  assert.equal(result.id, "__root__");
  assert.equal(result.node, "__root__");

  const hero = result.get("hero") as Proxy;
  assert.ok(hero instanceof Proxy);
  assert.equal(hero.node, "Character");
  assert.equal(hero.id, 2);
  assert.equal(hero.get("name"), "Spock");
  assert.equal(hero.get("kind"), "Character");

  const actors = hero.get("actors") as Proxy[];
  assert.deepEqual(actors.map((a) => [a.node, a.id, a.get("name")]), [
    ["Actor", 6, "DeForest Kelley"],
    ["Actor", 4, "William Shatner"],
  ]);
  assert.equal((hero.get("actor") as Proxy).get("born"), "1931");
});

Deno.test("Proxy gives null for an optional link pointing to nothing", async () => {
  const result = await execute("{ episode { cameo { name } villains { name } } }");
  const episode = result.get("episode") as Proxy;
  assert.equal(episode.get("cameo"), null);
  assert.deepEqual((episode.get("villains") as Proxy[]).map((v) => v.id), [3, 2]);
});

// test_result.py: test_non_requested_field_item, test_non_requested_field_attr
Deno.test("Proxy rejects a key that was not requested, naming it and the node", async () => {
  const result = await execute("{ character { name } }");
  assert.throws(() => result.get("motto"), {
    message: 'Field "motto" was not requested in the query of the "root" node',
  });
  assert.throws(() => (result.get("character") as Proxy).get("species"), {
    message: 'Field "species" was not requested in the query of the "Character" node',
  });
  // The name of an aliased selection is not a key of the result.
  const aliased = await execute("{ c: character { n: name } }");
  assert.throws(() => aliased.get("character"), {
    message: 'Field "character" was not requested in the query of the "root" node',
  });
});

Deno.test("Proxy throws the failure of a field or link that failed to load", async () => {
  const failure = new Error("subspace interference");
  const graph = Graph([
    Node("Character", [
      Field("name", Str, () => {
        throw failure;
      }),
    ]),
    Root([
      Field("motto", Optional(Str), () => Promise.reject(failure)),
      Link("character", TypeRef("Character"), () => 1, { requires: null }),
      Link("lost", Optional(TypeRef("Character")), () => "x", { requires: null }),
      Field("ok", Str, () => ["fine"]),
    ]),
  ]);
  const result = await engine.execute(
    graph,
    read("{ motto ok character { name } }"),
    {},
    { partial: true },
  );
  assert.equal(result.get("ok"), "fine");
  assert.throws(() => result.get("motto"), {
    name: "LoaderError",
    message: "Loader of field root.motto failed: subspace interference",
  });
  assert.throws(() => (result.get("character") as Proxy).get("name"), {
    name: "LoaderError",
    message: "Loader of field Character.name failed: subspace interference",
  });
});

// ---------------------------------------------------------------------------------------------
// Index

Deno.test("Index holds each node's values by id, keyed by name plus options", async () => {
  const graph = Graph([
    Node("Character", [
      Field("id", Int, idField),
      Field("name", Str, rows(CHARACTERS)),
      Field(
        "greeting",
        Str,
        (fields: Selected, ids: readonly Id[]) =>
          ids.map(() => fields.map((f) => `${(f.options as { word: string }).word}!`)),
        { options: [Option("word", Str, { default: "Hello" })] },
      ),
      Link("actors", Sequence(TypeRef("Actor")), links({ 1: [4], 2: [5] }), {
        requires: "id",
        options: [Option("limit", Optional(Int))],
      }),
    ]),
    Node("Actor", [Field("name", Str, rows(ACTORS))]),
    Root([
      Field("motto", Str, () => ["To boldly go"]),
      Link("character", Optional(TypeRef("Character")), (o: { id: number }) => o.id, {
        requires: null,
        options: [Option("id", Int)],
      }),
      Link("characters", Sequence(TypeRef("Character")), () => [1, 2], { requires: null }),
    ]),
  ]);
  const result = await engine.execute(
    graph,
    read(
      `{ motto c: character(id: 2) { greeting hi: greeting(word: "Hi") }
         characters { name actors(limit: 1) { name } } }`,
    ),
  );
  const index = result.index;
  assert.ok(index instanceof Index);
  assert.equal(result.index, index);
  assert.deepEqual(index.root, {
    motto: "To boldly go",
    'character({"id":2})': { node: "Character", id: 2 },
    characters: [{ node: "Character", id: 1 }, { node: "Character", id: 2 }],
  });
  assert.deepEqual(index.ids("Character"), [1, 2]);
  assert.deepEqual(index.ids("Actor"), [4, 5]);
  assert.deepEqual(index.ids("Ship"), []);
  assert.deepEqual([...index.nodes].sort(), ["Actor", "Character", "__root__"]);
  // Fields of one node loaded at two paths are merged into one entry.
  assert.deepEqual(index.get("Character", 2), {
    'greeting({"word":"Hello"})': "Hello!",
    'greeting({"word":"Hi"})': "Hi!",
    name: "Spock",
    id: 2,
    'actors({"limit":1})': [{ node: "Actor", id: 5 }],
  });
  assert.deepEqual(index.get("Character", 1), {
    name: "James T. Kirk",
    id: 1,
    'actors({"limit":1})': [{ node: "Actor", id: 4 }],
  });
  assert.deepEqual(index.get("Actor", 5), { name: "Leonard Nimoy" });
  assert.equal(index.get("Character", 3), undefined);
  assert.equal(index.get("Ship", 1), undefined);
});

Deno.test("Index gives null for a link pointing to nothing and lists only nodes with entries", async () => {
  const result = await execute("{ episode { cameo { name } villains { name } } }");
  const index = result.index;
  assert.deepEqual(index.get("Episode", 8), {
    cameo: null,
    villains: [{ node: "Character", id: 3 }, { node: "Character", id: 2 }],
  });
  assert.deepEqual([...index.nodes].sort(), ["Character", "Episode", "__root__"]);

  const nobody = (await execute("{ episode { cameo { name } } }")).index;
  assert.deepEqual(nobody.get("Episode", 8), { cameo: null });
  assert.deepEqual(nobody.ids("Character"), []);
  assert.deepEqual([...nobody.nodes].sort(), ["Episode", "__root__"]);
});

Deno.test("Index keys option values canonically, whatever order they were written in", async () => {
  const graph = Graph([
    Root([
      Field("scan", Str, (fields: Selected) => fields.map(() => "done"), {
        options: [Option("range", Int), Option("depth", Int)],
      }),
    ]),
  ]);
  const result = await engine.execute(
    graph,
    read("{ a: scan(range: 1, depth: 2) b: scan(depth: 2, range: 1) }"),
  );
  assert.deepEqual(result.index.root, { 'scan({"depth":2,"range":1})': "done" });
  assert.deepEqual(denormalize(graph, result), { a: "done", b: "done" });
});

// ---------------------------------------------------------------------------------------------
// Serialization

// test_enum.py: test_serialize_enum_field_correct, test_serialize_enum_field_incorrect,
// test_root_field_enum; test_scalar.py: test_serialize_scalar_field_correct
Deno.test("denormalize serializes enum and custom scalar fields", async (t) => {
  const graph = Graph([
    Node("Episode", [
      Field(
        "byRef",
        EnumRef("Series"),
        (_f: Selected, ids: readonly number[]) => ids.map(() => [2]),
      ),
      Field(
        "noSpinOffs",
        Optional(Sequence(Series)),
        (_f: Selected, ids: readonly number[]) => ids.map(() => [null]),
      ),
      Field("series", Series, (_f: Selected, ids: readonly number[]) => ids.map((id) => [id])),
      Field(
        "rerun",
        Optional(Series),
        (_f: Selected, ids: readonly number[]) => ids.map((id) => [id === 1 ? null : id]),
      ),
      Field(
        "spinOffs",
        Sequence(Series),
        (_f: Selected, ids: readonly number[]) =>
          ids.map((id) => [id === 42 ? [2, "DS8"] : [2, "DS9"]]),
      ),
      Field(
        "maybeSpinOffs",
        Sequence(Optional(Series)),
        (_f: Selected, ids: readonly number[]) => ids.map(() => [[null, 1]]),
      ),
      Field(
        "aired",
        DateScalar,
        (_f: Selected, ids: readonly number[]) =>
          ids.map((id) => [new Date(Date.UTC(2266, 8, 7 + id))]),
      ),
      Field(
        "remastered",
        Optional(DateScalar),
        (_f: Selected, ids: readonly number[]) => ids.map(() => [null]),
      ),
    ]),
    Root([
      Link("episodes", Sequence(TypeRef("Episode")), () => [1, 2], { requires: null }),
      Link("bad", TypeRef("Episode"), () => 42, { requires: null }),
      Field("allSeries", Sequence(EnumRef("Series")), () => [[1, 2, "DS9"]]),
    ]),
  ], { enums: [Series] });

  await t.step("enum values become names, also inside Optional and Sequence", async () => {
    assert.deepEqual(
      await run(
        graph,
        "{ allSeries episodes { series rerun spinOffs maybeSpinOffs aired remastered byRef noSpinOffs } }",
      ),
      {
        allSeries: ["TOS", "TNG", "DS9"],
        episodes: [
          {
            byRef: "TNG",
            noSpinOffs: null,
            series: "TOS",
            rerun: null,
            spinOffs: ["TNG", "DS9"],
            maybeSpinOffs: [null, "TOS"],
            aired: "2266-09-08",
            remastered: null,
          },
          {
            byRef: "TNG",
            noSpinOffs: null,
            series: "TNG",
            rerun: "TNG",
            spinOffs: ["TNG", "DS9"],
            maybeSpinOffs: [null, "TOS"],
            aired: "2266-09-09",
            remastered: null,
          },
        ],
      },
    );
  });

  await t.step("a value the enum cannot represent makes denormalize throw", async () => {
    for (const field of ["series", "spinOffs", "rerun"]) {
      const result = await engine.execute(graph, read(`{ bad { ${field} } }`));
      assert.throws(() => denormalize(graph, result), {
        name: "TypeError",
        message: field === "spinOffs"
          ? 'Enum "Series" cannot represent value: "DS8"'
          : 'Enum "Series" cannot represent value: 42',
      });
    }
  });
});

Deno.test("denormalize serializes ID fields as strings, as GraphQL does", async () => {
  const graph = Graph([
    Root([
      Field(
        "ids",
        Sequence(ID),
        (fields: readonly QueryField[]) => fields.map(() => [1, 2n, "NCC-1701"]),
      ),
    ]),
  ]);
  assert.deepEqual(await run(graph, "{ ids }"), { ids: ["1", "2", "NCC-1701"] });
});

Deno.test("denormalize serializes enums and scalars inside selected records", async () => {
  const Rank = Enum("Rank", [{ name: "ENSIGN", value: 1 }, { name: "CAPTAIN", value: 4 }]);
  const graph = Graph([
    Root([
      Field(
        "crew",
        Sequence(Record({ name: Str, rank: Rank, badge: Optional(ID) })),
        (fields: readonly QueryField[]) =>
          fields.map(
            () => [{ name: "Kirk", rank: 4, badge: 1 }, { name: "Chekov", rank: 1, badge: null }],
          ),
      ),
    ]),
  ]);
  assert.deepEqual(await run(graph, "{ crew { name rank badge } }"), {
    crew: [
      { name: "Kirk", rank: "CAPTAIN", badge: "1" },
      { name: "Chekov", rank: "ENSIGN", badge: null },
    ],
  });
});

// ---------------------------------------------------------------------------------------------
// Partial results

Deno.test("partial results: a failing field gives null and an error at each place it nulls", async (t) => {
  await t.step("an Optional field on a node", async () => {
    const rec = new Recorder();
    const nickname = (i: number) => ({
      type: "LoaderError",
      message: "Loader of field Character.nickname failed: no nicknames",
      path: ["characters", i, "nickname"],
      locations: [{ line: 1, column: 19 }],
    });
    assert.deepEqual(await partial(partialGraph(rec), "{ characters { id nickname } }"), {
      data: {
        characters: [
          { id: 1, nickname: null },
          { id: 2, nickname: null },
          { id: 3, nickname: null },
        ],
      },
      errors: [nickname(0), nickname(1), nickname(2)],
    });
  });

  await t.step("an Optional field on the root", async () => {
    const rec = new Recorder();
    assert.deepEqual(await partial(partialGraph(rec), "{ version\n  motd }"), {
      data: { version: "1.0", motd: null },
      errors: [{
        type: "LoaderError",
        message: "Loader of field root.motd failed: subspace interference",
        path: ["motd"],
        locations: [{ line: 2, column: 3 }],
      }],
    });
  });

  await t.step("the error keeps its cause", async () => {
    const rec = new Recorder();
    const graph = partialGraph(rec);
    const result = await engine.execute(graph, read("{ motd }"), {}, { partial: true });
    const [reported] = denormalizeWithErrors(graph, result).errors;
    assert.ok(reported!.error instanceof LoaderError);
    assert.equal((reported!.error.cause as Error).message, "subspace interference");
  });
});

Deno.test("partial results: a non-null failure nulls the nearest nullable parent", async (t) => {
  const species = {
    type: "LoaderError",
    message: "Loader of field Character.species failed: species unknown",
  };

  await t.step("an Optional link", async () => {
    const rec = new Recorder();
    assert.deepEqual(
      await partial(partialGraph(rec), "{ version character(id: 1) { name species } }"),
      {
        data: { version: "1.0", character: null },
        errors: [{
          ...species,
          path: ["character", "species"],
          locations: [{ line: 1, column: 35 }],
        }],
      },
    );
  });

  await t.step("Optional items of a list", async () => {
    const rec = new Recorder();
    // crew is [1, Nothing, 1]: the two places of character 1 fail.
    assert.deepEqual(await partial(partialGraph(rec), "{ crew { name species } }"), {
      data: { crew: [null, null, null] },
      errors: [0, 2].map((i) => ({
        ...species,
        path: ["crew", i, "species"],
        locations: [{ line: 1, column: 15 }],
      })),
    });
  });

  await t.step("through a non-null list to an Optional link", async () => {
    const rec = new Recorder();
    assert.deepEqual(
      await partial(partialGraph(rec), "{ character(id: 1) { name friends { species } } }"),
      {
        data: { character: null },
        errors: [{
          ...species,
          path: ["character", "friends", 0, "species"],
          locations: [{ line: 1, column: 37 }],
        }],
      },
    );
  });

  await t.step("up to data itself", async () => {
    const rec = new Recorder();
    // The first character's null nulls the list: as in graphql-js, the others are not completed.
    assert.deepEqual(await partial(partialGraph(rec), "{ version characters { species } }"), {
      data: null,
      errors: [{
        ...species,
        path: ["characters", 0, "species"],
        locations: [{ line: 1, column: 24 }],
      }],
    });
  });
});

Deno.test("partial results: a nulled node reports the fields before the one that nulled it, as graphql-js does", async (t) => {
  // species (non-null) fails and nulls the character, and with it the list and data. As in
  // graphql-js, completing stops there: fields after it, and the list's later items, are not
  // completed, so their failures are not reported; a field before it was, and is.
  const species = {
    type: "LoaderError",
    message: "Loader of field Character.species failed: species unknown",
    path: ["characters", 0, "species"],
  };
  const nickname = {
    type: "LoaderError",
    message: "Loader of field Character.nickname failed: no nicknames",
    path: ["characters", 0, "nickname"],
  };
  await t.step("the nulling field first", async () => {
    assert.deepEqual(
      await partial(partialGraph(new Recorder()), "{ characters { species nickname } }"),
      { data: null, errors: [{ ...species, locations: [{ line: 1, column: 16 }] }] },
    );
  });
  await t.step("a failing field before it", async () => {
    assert.deepEqual(
      await partial(partialGraph(new Recorder()), "{ characters { nickname species } }"),
      {
        data: null,
        errors: [
          { ...nickname, locations: [{ line: 1, column: 16 }] },
          { ...species, locations: [{ line: 1, column: 25 }] },
        ],
      },
    );
  });
});

Deno.test("partial results: a failing link gives null, or nulls its parent when required", async (t) => {
  await t.step("an Optional link", async () => {
    const rec = new Recorder();
    assert.deepEqual(
      await partial(partialGraph(rec), "{ characters { name mentor { name } } }"),
      {
        data: {
          characters: [
            { name: "James T. Kirk", mentor: null },
            { name: "Spock", mentor: null },
            { name: "Leonard McCoy", mentor: null },
          ],
        },
        errors: [0, 1, 2].map((i) => ({
          type: "LoaderError",
          message: "Loader of link Character.mentor failed: no mentors",
          path: ["characters", i, "mentor"],
          locations: [{ line: 1, column: 21 }],
        })),
      },
    );
  });

  await t.step("a link returning the wrong shape", async () => {
    const rec = new Recorder();
    assert.deepEqual(
      await partial(partialGraph(rec), "{ crew { short } version }"),
      {
        data: { crew: [null, null, null], version: "1.0" },
        errors: [0, 2].map((i) => ({
          type: "LoaderShapeError",
          message: "Loader of field Character.short returned a wrong shape: expected array " +
            "(length 2) of arrays (length 1), got array (length 1) [[1]]",
          path: ["crew", i, "short"],
          locations: [{ line: 1, column: 10 }],
        })),
      },
    );
  });
});

Deno.test("partial results: null for a non-null field is reported at each place", async () => {
  const rec = new Recorder();
  const { data, errors } = await partial(
    partialGraph(rec),
    "{ crew { alias } character(id: 2) { alias } }",
  );
  assert.deepEqual(data, { crew: [null, null, { alias: "Spock" }], character: { alias: "Spock" } });
  assert.deepEqual(errors, [{
    type: "TypeError",
    message: "Cannot return null for non-nullable field Character.alias.",
    path: ["crew", 0, "alias"],
    locations: [{ line: 1, column: 10 }],
  }]);
});

Deno.test("partial results: a value an enum cannot represent gives null and an error", async () => {
  const rec = new Recorder();
  assert.deepEqual(await partial(partialGraph(rec), "{ characters { rank } }"), {
    data: { characters: [{ rank: "CAPTAIN" }, { rank: null }, { rank: "CAPTAIN" }] },
    errors: [{
      type: "SerializeError",
      message: 'Cannot serialize Character.rank: Enum "Rank" cannot represent value: 42',
      path: ["characters", 1, "rank"],
      locations: [{ line: 1, column: 16 }],
    }],
  });
});

Deno.test("partial results: the same checks apply when nothing failed to load", async () => {
  const rec = new Recorder();
  const graph = partialGraph(rec);
  const result = await engine.execute(graph, read("{ version characters { name } }"), {}, {
    partial: true,
  });
  assert.deepEqual(denormalizeWithErrors(graph, result), {
    data: {
      version: "1.0",
      characters: [{ name: "James T. Kirk" }, { name: "Spock" }, { name: "Leonard McCoy" }],
    },
    errors: [],
  });
  const plain = await engine.execute(graph, read("{ crew { alias } }"));
  assert.deepEqual(denormalizeWithErrors(graph, plain).data, {
    crew: [null, null, { alias: "Spock" }],
  });
});

Deno.test("partial results: strict denormalize throws the first failure", async () => {
  const rec = new Recorder();
  const graph = partialGraph(rec);
  const result = await engine.execute(
    graph,
    read("{ motd characters { nickname } }"),
    {},
    { partial: true },
  );
  assert.throws(() => denormalize(graph, result), {
    name: "LoaderError",
    message: "Loader of field root.motd failed: subspace interference",
  });
});
