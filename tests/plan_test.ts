/**
 * Planning: what a plan decides before any loader runs, and how it is made. Which fields share a
 * loader call (and which columns it gets), fragments resolved per concrete type by CollectFields
 * in the order written, options normalized with their defaults, the shapes records are projected
 * on, response key order; and that plans are made once per query object and, below a link, only
 * when ids reach it.
 *
 * Most behaviours are observed through the loader calls and results an execution gives; the
 * plan's own structure (`planQuery`, `collectFields`, `NodePlan.cost`) is read where nothing
 * else shows it.
 *
 * Ports of Hiku's tests (tests/test_engine.py unless named) cite the Python test name in a
 * comment.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  AsyncExecutor,
  Bool,
  denormalize,
  Engine,
  Field,
  Float,
  Graph,
  type Id,
  Input,
  Int,
  Interface,
  InterfaceRef,
  Link,
  MutationGraph,
  Node,
  Nothing,
  Option,
  Optional,
  type QueryField,
  type QueryLink,
  QueryValidationError,
  read,
  readOperation,
  Record,
  Root,
  Sequence,
  Str,
  TypeRef,
  Union,
  UnionRef,
  validate,
} from "../mod.ts";
import { collectFields } from "../src/planning/collect.ts";
import { planQuery } from "../src/planning/plan.ts";
import {
  queryField,
  queryFragment,
  queryLink,
  queryNode,
  querySelections,
} from "../src/query/query.ts";
import {
  characterById,
  DateScalar,
  idField,
  recordedGraph,
  run,
  type Selected,
  Series,
} from "./support/engine_graphs.ts";
import { Recorder } from "./support/recording.ts";
import { starWarsGraph, starWarsGraphProblem } from "./support/star_wars.ts";

const engine = new Engine(new AsyncExecutor());

// ---------------------------------------------------------------------------------------------
// Field groups: which fields share a loader call

// test_engine.py: test_root_fields
Deno.test("engine calls each root field loader once with its fields", async () => {
  const rec = new Recorder();
  const graph = Graph([
    Root([
      Field("a", Str, rec.wrap("a", () => ["boiardo"])),
      Field("b", Str, rec.wrap("b", () => ["isolde"])),
    ]),
  ]);
  assert.deepEqual(await run(graph, "{ a b }"), { a: "boiardo", b: "isolde" });
  assert.deepEqual(rec.calls, [{ loader: "a", args: [["a"]] }, { loader: "b", args: [["b"]] }]);
});

Deno.test("engine calls distinct loaders of one node separately", async () => {
  const rec = new Recorder();
  const graph = recordedGraph(rec);
  assert.deepEqual(await run(graph, "{ character(id: 2) { name born species } }"), {
    character: { name: "Spock", born: 2230, species: "Vulcan/Human" },
  });
  assert.deepEqual(rec.calls, [
    { loader: "character", args: [{ id: 2 }] },
    { loader: "Character", args: [["name", "species"], [2]] },
    { loader: "Character.born", args: [["born"], [2]] },
  ]);
});

// test_engine.py: test_root_field_alias, test_node_field_alias
Deno.test("engine passes a field selected under several aliases once, with the first alias", async (t) => {
  await t.step("on a node", async () => {
    const rec = new Recorder();
    const graph = recordedGraph(rec);
    assert.deepEqual(await run(graph, "{ character(id: 1) { a1: name a2: name name } }"), {
      character: { a1: "James T. Kirk", a2: "James T. Kirk", name: "James T. Kirk" },
    });
    assert.deepEqual(rec.calls[1], { loader: "Character", args: [["a1:name"], [1]] });
    assert.equal(rec.calls.length, 2);
  });

  await t.step("on the root", async () => {
    const rec = new Recorder();
    const graph = Graph([
      Root([Field("a", Int, rec.wrap("root", (fields: Selected) => fields.map(() => 42)))]),
    ]);
    const query = queryNode([queryField("a", { alias: "a1" }), queryField("a", { alias: "a2" })]);
    assert.deepEqual(await run(graph, query), { a1: 42, a2: 42 });
    assert.deepEqual(rec.calls, [{ loader: "root", args: [["a1:a"]] }]);
  });
});

Deno.test("engine adds a link's required field to the loader call, not to the result", async () => {
  const rec = new Recorder();
  const graph = recordedGraph(rec);
  assert.deepEqual(await run(graph, "{ character(id: 3) { name actors { name } } }"), {
    character: {
      name: "Leonard McCoy",
      actors: [{ name: "DeForest Kelley" }, { name: "Karl Urban" }],
    },
  });
  assert.deepEqual(rec.calls.slice(1, 3), [
    { loader: "Character", args: [["name", "id"], [3]] },
    { loader: "Character.actors", args: [[3], {}] },
  ]);
});

Deno.test("engine loads a required field once when it is also selected under an alias", async () => {
  const rec = new Recorder();
  const graph = recordedGraph(rec);
  assert.deepEqual(await run(graph, "{ character(id: 2) { key: id actors(limit: 1) { id } } }"), {
    character: { key: 2, actors: [{ id: 2 }] },
  });
  assert.deepEqual(rec.calls[1], { loader: "Character", args: [["key:id"], [2]] });
});

Deno.test("engine loads two selections of a field with different options in one call", async () => {
  const rec = new Recorder();
  const seen: unknown[] = [];
  const greeting = rec.wrap("greeting", (fields: Selected, ids: readonly Id[]) => {
    seen.push(...fields.map((f) => [f.alias, f.options]));
    return ids.map((id) =>
      fields.map((f) => {
        const o = f.options as { greeting: string; punctuation?: string };
        return `${o.greeting}, ${characterById.get(id)?.name}${o.punctuation ?? "!"}`;
      })
    );
  });
  const graph = Graph([
    Node("Character", [
      Field("greeting", Str, greeting, {
        options: [
          Option("greeting", Str, { default: "Hello" }),
          Option("punctuation", Optional(Str)),
        ],
      }),
      Field("name", Str, greeting),
    ]),
    Root([Link("characters", Sequence(TypeRef("Character")), () => [1, 2], { requires: null })]),
  ]);
  assert.deepEqual(
    await run(
      graph,
      '{ characters { greeting hi: greeting(greeting: "Live long", punctuation: ".") } }',
    ),
    {
      characters: [
        { greeting: "Hello, James T. Kirk!", hi: "Live long, James T. Kirk." },
        { greeting: "Hello, Spock!", hi: "Live long, Spock." },
      ],
    },
  );
  assert.deepEqual(rec.calls, [
    { loader: "greeting", args: [["greeting", "hi:greeting"], [1, 2]] },
  ]);
  assert.deepEqual(seen, [
    [null, { greeting: "Hello" }],
    ["hi", { greeting: "Live long", punctuation: "." }],
  ]);
});

// ---------------------------------------------------------------------------------------------
// CollectFields: response keys in the order written

/** The Star Wars graph, or a failure saying why hiku-ts rejects it. */
function starWars(): Graph {
  assert.ok(starWarsGraph !== null, starWarsGraphProblem ?? "");
  return starWarsGraph;
}

Deno.test("plan orders response keys as CollectFields does, fragments expanded where they stand", async (t) => {
  const graph = starWars();
  const query = read("{ hero { a1: name ... on Droid { primaryFunction id } a2: appearsIn } }");

  await t.step("in the plan of each concrete type", () => {
    const hero = planQuery(graph, query).links[0]!.targets;
    assert.deepEqual(hero.plan("Droid").out.map((slot) => slot.key), [
      "a1",
      "primaryFunction",
      "id",
      "a2",
    ]);
    assert.deepEqual(hero.plan("Human").out.map((slot) => slot.key), ["a1", "a2"]);
  });

  await t.step("in the denormalized result", async () => {
    const data = denormalize(graph, await engine.execute(graph, query));
    assert.deepEqual(data, {
      hero: {
        a1: "R2-D2",
        primaryFunction: "Astromech",
        id: "2001",
        a2: ["NEW_HOPE", "EMPIRE", "JEDI"],
      },
    });
    // deepEqual ignores key order: the order is the point here.
    assert.deepEqual(Object.keys(data.hero as object), ["a1", "primaryFunction", "id", "a2"]);
  });
});

Deno.test("collectFields collects a fragment spread twice once", async (t) => {
  const graph = recordedGraph(new Recorder());
  const character = graph.nodesMap.get("Character")!;

  await t.step("read from text: both spreads share the fragment's selections", () => {
    const query = read(
      "{ ...F ...F characters { name } }\nfragment F on Query { characters { id } }",
    );
    const collected = collectFields(graph, [query], graph.root, "Query");
    assert.deepEqual(collected.map((entry) => entry.key), ["characters"]);
    const [characters] = collected;
    // One location for the fragment's selection (not one per spread), then the sibling's.
    assert.deepEqual(characters!.locations, [{ line: 2, column: 23 }, { line: 1, column: 13 }]);
    assert.equal(characters!.parts.length, 2);
    const inner = collectFields(graph, characters!.parts, character, "Query");
    assert.deepEqual(inner.map((entry) => [entry.key, entry.locations]), [
      ["id", [{ line: 2, column: 36 }]],
      ["name", [{ line: 1, column: 26 }]],
    ]);
  });

  await t.step("built by hand: one fragment object under two spreads", () => {
    const fragment = queryNode([queryField("name", { location: { line: 9, column: 1 } })]);
    const query = querySelections([
      queryFragment("F", "Character", fragment),
      queryField("id", { location: { line: 1, column: 1 } }),
      queryFragment("F", "Character", fragment),
    ]);
    const collected = collectFields(graph, [query], character, "Query");
    assert.deepEqual(collected.map((entry) => [entry.key, entry.locations]), [
      ["name", [{ line: 9, column: 1 }]],
      ["id", [{ line: 1, column: 1 }]],
    ]);
  });

  await t.step("two fragments selecting one field each count their own selection", () => {
    const query = querySelections([
      queryFragment(
        "F",
        "Character",
        queryNode([queryField("name", { location: { line: 9, column: 1 } })]),
      ),
      queryFragment(
        "G",
        "Character",
        queryNode([queryField("name", { location: { line: 8, column: 1 } })]),
      ),
    ]);
    const collected = collectFields(graph, [query], character, "Query");
    assert.deepEqual(collected.map((entry) => [entry.key, entry.locations]), [
      ["name", [{ line: 9, column: 1 }, { line: 8, column: 1 }]],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Fragments

Deno.test("engine merges links selected in fragments and beside them, as the spec says", async (t) => {
  const rec = new Recorder();
  const graph = recordedGraph(rec);

  await t.step("a named fragment and a sibling selection of the same link", async () => {
    rec.calls.length = 0;
    assert.deepEqual(
      await run(
        graph,
        `{ character(id: 1) { ...F actors { id } } }
         fragment F on Character { actors { name } }`,
      ),
      {
        character: {
          actors: [{ name: "William Shatner", id: 1 }, { name: "Chris Pine", id: 4 }],
        },
      },
    );
    assert.deepEqual(rec.labels, ["character", "Character", "Character.actors", "Actor"]);
    // One call with both fields, in CollectFields order: the spread stands first, so the
    // fragment's sub-selection comes before the sibling's.
    assert.deepEqual(rec.calls[3], { loader: "Actor", args: [["name", "id"], [1, 4]] });
  });

  await t.step("inline fragments, with and without a type condition, nested", async () => {
    assert.deepEqual(
      await run(
        graph,
        `{ character(id: 2) {
            ... on Character { name ... { species actors(limit: 1) { name } } }
            ... @include(if: true) { actors(limit: 1) { id } }
            ... @skip(if: true) { born }
        } }`,
      ),
      {
        character: {
          name: "Spock",
          species: "Vulcan/Human",
          actors: [{ name: "Leonard Nimoy", id: 2 }],
        },
      },
    );
  });

  await t.step("named fragments spreading other named fragments", async () => {
    assert.deepEqual(
      await run(
        graph,
        `{ characters { ...A } }
         fragment A on Character { name ...B }
         fragment B on Character { actors(limit: 1) { ...C } }
         fragment C on Actor { name character { name } }`,
      ),
      {
        characters: [
          {
            name: "James T. Kirk",
            actors: [{ name: "William Shatner", character: { name: "James T. Kirk" } }],
          },
          {
            name: "Spock",
            actors: [{ name: "Leonard Nimoy", character: { name: "Spock" } }],
          },
          {
            name: "Leonard McCoy",
            actors: [{ name: "DeForest Kelley", character: { name: "Leonard McCoy" } }],
          },
        ],
      },
    );
  });
});

// test_engine.py: test_merge_query__fragments
Deno.test("engine loads a link selected directly and in a fragment once", async () => {
  const counts = { link: 0, id: 0, name: 0 };
  const graph = Graph([
    Node("Officer", [
      Field(
        "id",
        Int,
        (fields: Selected, ids: readonly Id[]) =>
          ids.map((id) => fields.map((f) => f.name === "id" ? (counts.id++, id) : null)),
      ),
      Field(
        "name",
        Str,
        (fields: Selected, ids: readonly Id[]) =>
          ids.map(() => fields.map(() => (counts.name++, "Kirk"))),
      ),
    ]),
    Node("Bridge", [
      Link("captain", TypeRef("Officer"), () => (counts.link++, 1), { requires: null }),
    ]),
    Root([Link("bridge", TypeRef("Bridge"), () => 1, { requires: null })]),
  ]);
  assert.deepEqual(
    await run(
      graph,
      `query GetCaptain {
        bridge {
          captain { id }
          ... on Bridge { captain { ... on Officer { id name } } }
        }
      }`,
    ),
    { bridge: { captain: { id: 1, name: "Kirk" } } },
  );
  assert.deepEqual(counts, { link: 1, id: 1, name: 1 });
});

// test_engine.py: test_root_fragment_on_query
Deno.test("engine applies fragments on the root", async (t) => {
  const graph = Graph([
    Root([
      Field("someField", Str, () => ["hello"]),
      Field("otherField", Str, () => ["world"]),
    ]),
  ]);
  const cases: [string, string, object][] = [
    [
      "named fragment on Query",
      "query SomeQuery { ...SomeFragment } fragment SomeFragment on Query { someField }",
      { someField: "hello" },
    ],
    [
      "inline fragment on Query",
      "query SomeQuery { ... on Query { someField } }",
      { someField: "hello" },
    ],
    [
      "nested fragments on Query",
      `query SomeQuery { ...A }
       fragment A on Query { ...B }
       fragment B on Query { someField otherField }`,
      { someField: "hello", otherField: "world" },
    ],
    [
      "root field plus fragment on Query",
      "query SomeQuery { otherField ...F } fragment F on Query { someField }",
      { someField: "hello", otherField: "world" },
    ],
  ];
  for (const [name, query, expected] of cases) {
    await t.step(name, async () => {
      assert.deepEqual(await run(graph, query), expected);
    });
  }
});

/** Hiku's graph for nested fragments: a context, its user, and the user's info. */
function userGraph() {
  const calls: { [key: string]: number } = {};
  const count = (key: string) => calls[key] = (calls[key] ?? 0) + 1;
  const resolveUser = (fields: Selected, ids: readonly Id[]) => {
    for (const f of fields) count(`user:${f.name}`);
    return ids.map((id) =>
      fields.map((f) =>
        f.name === "id" ? id : (f.options as { capitalize?: boolean }).capitalize ? "Jim" : "jim"
      )
    );
  };
  const resolveInfo = (fields: Selected, ids: readonly Id[]) => {
    for (const f of fields) count(`info:${f.name}`);
    return ids.map(() =>
      fields.map((f) => f.name === "email" ? "kirk@starfleet.org" : "+1 555 1701")
    );
  };
  const graph = Graph([
    Node("User", [
      Field("id", Int, resolveUser),
      Field("name", Str, resolveUser, {
        options: [Option("capitalize", Optional(Bool), { default: false })],
      }),
      Link("info", TypeRef("Info"), () => (count("link:info"), 100), { requires: null }),
    ]),
    Node("Info", [Field("email", Str, resolveInfo), Field("phone", Str, resolveInfo)]),
    Node("Context", [
      Link("user", TypeRef("User"), () => (count("link:user"), 1), { requires: null }),
    ]),
    Root([Link("context", TypeRef("Context"), () => 100, { requires: null })]),
  ]);
  return { graph, calls };
}

// test_engine.py: test_merge_query__fields_and_nested_fragments
Deno.test("engine merges fields, aliases and nested fragments into one load per path", async () => {
  const { graph, calls } = userGraph();
  assert.deepEqual(
    await run(
      graph,
      `query GetUser {
        context {
          user { id name capName: name(capitalize: true) }
          ...ContextFragment
        }
      }
      fragment ContextFragment on Context { ...ContextAFragment ...ContextBFragment }
      fragment ContextAFragment on Context {
        user { id name ...UserFragmentA ...UserFragmentB ... on User { id } }
      }
      fragment ContextBFragment on Context { user { id capName: name(capitalize: true) } }
      fragment UserFragmentA on User { id info { email } }
      fragment UserFragmentB on User { id name capName: name(capitalize: true) info { phone } }`,
    ),
    {
      context: {
        user: {
          id: 1,
          name: "jim",
          capName: "Jim",
          info: { email: "kirk@starfleet.org", phone: "+1 555 1701" },
        },
      },
    },
  );
  assert.deepEqual(calls, {
    "link:user": 1,
    "user:id": 1,
    "user:name": 2,
    "link:info": 1,
    "info:email": 1,
    "info:phone": 1,
  });
});

// test_engine.py: test_merge_query__only_nested_fragments
Deno.test("engine merges a link selected only in nested fragments", async () => {
  const { graph } = userGraph();
  assert.deepEqual(
    await run(
      graph,
      `query GetUser { context { ...ContextFragment } }
      fragment ContextFragment on Context { ...ContextAFragment ...ContextBFragment }
      fragment ContextAFragment on Context { user { id name } }
      fragment ContextBFragment on Context { user { id capName: name(capitalize: true) } }`,
    ),
    { context: { user: { id: 1, name: "jim", capName: "Jim" } } },
  );
});

// ---------------------------------------------------------------------------------------------
// Fragments on unions and interfaces, per concrete type

/** Hiku's interface-fragment graph, in Star Trek terms: a vessel and its captain. */
function vesselGraph(kind: "interface" | "union") {
  const counts = { captainLink: 0, id: 0, name: 0 };
  const officer = (fields: Selected, ids: readonly Id[]) =>
    ids.map((id) =>
      fields.map((f) => {
        if (f.name === "name") {
          counts.name++;
          return `Kirk${kind === "union" ? id : ""}`;
        }
        counts.id++;
        return id;
      })
    );
  const captain = kind === "interface"
    ? Link("captain", TypeRef("Officer"), () => {
      counts.captainLink++;
      return 1;
    }, { requires: null })
    : Link("captain", TypeRef("Officer"), (ids: readonly Id[]) => {
      counts.captainLink++;
      return ids;
    }, { requires: "captainId" });
  const captainId = Field(
    "captainId",
    Int,
    (_f: Selected, ids: readonly string[]) => ids.map((id) => [Number(id.split(":")[1])]),
  );
  const graph = Graph([
    Node("Officer", [Field("id", Int, officer), Field("name", Str, officer)]),
    Node("Starship", [
      captainId,
      captain,
      Field("crewSize", Int, (_f: Selected, ids: readonly Id[]) => ids.map(() => [430])),
    ], kind === "interface" ? { implements: ["Vessel"] } : {}),
    Node("Shuttle", [captainId, captain], kind === "interface" ? { implements: ["Vessel"] } : {}),
    Root([
      kind === "interface"
        ? Link("vessel", InterfaceRef("Vessel"), () => "starship:1", { requires: null })
        : Link(
          "vessels",
          Sequence(UnionRef("Vessel")),
          () => ["starship:1", "shuttle:2"],
          { requires: null },
        ),
    ]),
  ], {
    interfaces: kind === "interface"
      ? [Interface("Vessel", [captain], {
        resolveType: (id) => String(id).startsWith("starship") ? "Starship" : "Shuttle",
      })]
      : [],
    unions: kind === "union"
      ? [Union("Vessel", ["Starship", "Shuttle"], {
        resolveType: (id) => String(id).startsWith("starship") ? "Starship" : "Shuttle",
      })]
      : [],
  });
  return { graph, counts };
}

// test_engine.py: test_merge_query__interface_fragments
Deno.test("engine merges fragments on an interface and its nodes into one load each", async (t) => {
  const queries: { [name: string]: string } = {
    "one level fragments": `
      { vessel {
          captain { id }
          ... on Shuttle { captain { name } }
          ... on Starship { captain { name } crewSize }
      } }`,
    "nested fragments": `
      { vessel { ...VesselFragment } }
      fragment VesselFragment on Vessel {
        captain { id }
        ... on Shuttle { captain { name } }
        ... on Starship { captain { name } crewSize }
      }`,
    "nested + neighbour fragments": `
      { vessel { ... on Starship { captain { name } } ...VesselFragment } }
      fragment VesselFragment on Vessel {
        captain { id }
        ... on Shuttle { captain { name } }
        ... on Starship { crewSize }
      }`,
  };
  for (const [name, query] of Object.entries(queries)) {
    await t.step(name, async () => {
      const { graph, counts } = vesselGraph("interface");
      assert.deepEqual(await run(graph, query), {
        vessel: { captain: { id: 1, name: "Kirk" }, crewSize: 430 },
      });
      assert.deepEqual(counts, { captainLink: 1, id: 1, name: 1 });
    });
  }
});

// test_engine.py: test_merge_query__union_fragments
Deno.test("engine merges fragments on a union's nodes per node", async (t) => {
  const queries: { [name: string]: string } = {
    "one level fragments": `
      { vessels {
          ... on Shuttle { captain { name } }
          ... on Starship { captain { id name } }
          ... on Starship { crewSize }
      } }`,
    "nested fragments": `
      { vessels { ...VesselsFragment } }
      fragment VesselsFragment on Vessel {
        ... on Shuttle { captain { name } }
        ... on Starship { captain { id name } }
        ... on Starship { crewSize }
      }`,
    "nested + neighbour fragments": `
      { vessels { ... on Starship { crewSize } ...VesselsFragment } }
      fragment VesselsFragment on Vessel {
        ... on Shuttle { captain { name } }
        ... on Starship { captain { id name } }
      }`,
  };
  for (const [name, query] of Object.entries(queries)) {
    await t.step(name, async () => {
      const { graph, counts } = vesselGraph("union");
      assert.deepEqual(await run(graph, query), {
        vessels: [
          { captain: { id: 1, name: "Kirk1" }, crewSize: 430 },
          { captain: { name: "Kirk2" } },
        ],
      });
      assert.deepEqual(counts, { captainLink: 2, id: 1, name: 2 });
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Options

/** Hiku's OPTION_BEHAVIOUR: an option, the values a query gives, what the loader gets. */
const OPTION_BEHAVIOUR: readonly [
  Option,
  { [name: string]: unknown },
  { [name: string]: unknown },
][] = [
  [Option("warp", Int), { warp: 1812 }, { warp: 1812 }],
  [Option("warp", Optional(Int), { default: null }), {}, { warp: null }],
  [Option("warp", Optional(Int), { default: null }), { warp: 2340 }, { warp: 2340 }],
  [Option("warp", Int, { default: 3914 }), {}, { warp: 3914 }],
  [Option("warp", Optional(Int), { default: 4254 }), { warp: null }, { warp: null }],
  [Option("warp", Int, { default: 1527 }), { warp: 8361 }, { warp: 8361 }],
];

// test_engine.py: test_field_option_valid
Deno.test("engine gives field loaders the options with defaults applied", async (t) => {
  for (const [option, given, expected] of OPTION_BEHAVIOUR) {
    await t.step(`${JSON.stringify(given)} -> ${JSON.stringify(expected)}`, async () => {
      const received: (QueryField | QueryLink)[] = [];
      const graph = Graph([
        Root([
          Field("speed", Str, (fields: Selected) => {
            received.push(...fields);
            return ["warp"];
          }, { options: [option] }),
        ]),
      ]);
      assert.deepEqual(
        await run(graph, queryNode([queryField("speed", { options: given })])),
        { speed: "warp" },
      );
      assert.equal(received.length, 1);
      assert.equal(received[0]!.name, "speed");
      assert.equal(received[0]!.alias, null);
      assert.deepEqual(received[0]!.options, expected);
    });
  }
});

// test_engine.py: test_link_option_valid
Deno.test("engine gives link loaders the options with defaults applied, last", async (t) => {
  for (const [option, given, expected] of OPTION_BEHAVIOUR) {
    await t.step(`${JSON.stringify(given)} -> ${JSON.stringify(expected)}`, async () => {
      const rec = new Recorder();
      const graph = Graph([
        Node("Ship", [Field("name", Str, rec.wrap("Ship", () => [["Enterprise"]]))]),
        Root([
          Link("ships", Sequence(TypeRef("Ship")), rec.wrap("ships", () => [1]), {
            requires: null,
            options: [option],
          }),
        ]),
      ]);
      assert.deepEqual(
        await run(
          graph,
          queryNode([queryLink("ships", queryNode([queryField("name")]), { options: given })]),
        ),
        { ships: [{ name: "Enterprise" }] },
      );
      assert.deepEqual(rec.calls, [
        { loader: "ships", args: [expected] },
        { loader: "Ship", args: [["name"], [1]] },
      ]);
    });
  }
});

// test_engine.py: test_init_options_copies_field_when_options_are_normalized,
// test_init_options_copies_link_when_options_are_normalized
Deno.test("engine leaves the query it is given as it was when applying option defaults", async () => {
  const received: unknown[] = [];
  const graph = Graph([
    Node("Ship", [
      Field("name", Str, (fields: Selected, ids: readonly Id[]) => {
        received.push(fields[0]!.options);
        return ids.map(() => ["Enterprise"]);
      }, { options: [Option("prefix", Str, { default: "USS" })] }),
    ]),
    Root([
      Link("ships", Sequence(TypeRef("Ship")), (options: unknown) => {
        received.push(options);
        return [1];
      }, { requires: null, options: [Option("limit", Int, { default: 1 })] }),
    ]),
  ]);
  const query = queryNode([queryLink("ships", queryNode([queryField("name")]))]);
  await run(graph, query);
  await run(graph, query);
  assert.deepEqual(received, [{ limit: 1 }, { prefix: "USS" }, { limit: 1 }, { prefix: "USS" }]);
  const ships = query.fields[0] as QueryLink;
  assert.equal(ships.options, null);
  assert.equal(ships.node.fields[0]!.options, null);
});

// test_engine.py: test_field_option_unknown, test_field_option_missing, test_link_option_unknown,
// test_link_option_missing (Hiku drops unknown options and fails on missing ones when loading;
// here validation rejects both before any loader runs)
Deno.test("engine rejects unknown and missing options before loading", async (t) => {
  const rec = new Recorder();
  const graph = Graph([
    Node("Ship", [Field("name", Str, rec.wrap("Ship", idField))]),
    Root([
      Field("speed", Str, rec.wrap("speed", () => ["warp"]), { options: [Option("warp", Int)] }),
      Link("ships", Sequence(TypeRef("Ship")), rec.wrap("ships", () => [1]), {
        requires: null,
        options: [Option("class", Str)],
      }),
    ]),
  ]);
  const cases: [string, string][] = [
    ["{ speed(warp: 2, impulse: 1) }", 'Unknown options for "root.speed": "impulse"'],
    ["{ speed }", 'Required option "root.speed:warp" is not specified'],
    [
      '{ ships(class: "Constitution", crew: 430) { name } }',
      'Unknown options for "root.ships": "crew"',
    ],
    ["{ ships { name } }", 'Required option "root.ships:class" is not specified'],
  ];
  for (const [query, message] of cases) {
    await t.step(query, async () => {
      await assert.rejects(engine.execute(graph, read(query)), (error: unknown) => {
        assert.ok(error instanceof QueryValidationError);
        assert.deepEqual(error.errors.map((e) => e.message), [message]);
        return true;
      });
    });
  }
  assert.deepEqual(rec.calls, []);
});

Deno.test("engine leaves an absent Optional option without a default out of the options", async () => {
  const received: unknown[] = [];
  const graph = Graph([
    Node("Character", [
      Field("name", Str, (fields: Selected, ids: readonly Id[]) => {
        received.push(fields[0]!.options);
        return ids.map(() => ["Kirk"]);
      }, {
        options: [Option("language", Optional(Str)), Option("short", Bool, { default: false })],
      }),
    ]),
    Root([
      Link("character", TypeRef("Character"), (o: unknown) => {
        received.push(o);
        return 1;
      }, { requires: null, options: [Option("id", Optional(Int))] }),
    ]),
  ]);
  await run(graph, "{ character { name } }");
  assert.deepEqual(received, [{}, { short: false }]);
  assert.equal(Object.hasOwn(received[0] as object, "id"), false);
  assert.equal(Object.hasOwn(received[1] as object, "language"), false);
});

// test_enum.py: test_parse_enum_argument, test_parse_enum_argument_default_value;
// test_scalar.py: test_parse_scalar_input_correct
Deno.test("engine parses enum, custom scalar and input object options for loaders", async (t) => {
  const EpisodeFilter = Input("EpisodeFilter", [
    Option("series", Series, { default: "TOS" }),
    Option("season", Optional(Int)),
    Option("stardate", Optional(Float), { default: null }),
    Option("airedAfter", Optional(DateScalar)),
  ]);
  const received: unknown[] = [];
  const graph = Graph([
    Node("Episode", [Field("id", Int, idField)]),
    Root([
      Link("episodes", Sequence(TypeRef("Episode")), (options: unknown) => {
        received.push(options);
        return [1];
      }, {
        requires: null,
        options: [
          Option("series", Series, { default: "TNG" }),
          Option("also", Optional(Sequence(Series))),
          Option("airedBefore", Optional(DateScalar)),
          Option("filter", Optional(EpisodeFilter)),
          Option("filters", Optional(Sequence(EpisodeFilter))),
        ],
      }),
    ]),
  ]);

  await t.step("defaults are parsed like query values", async () => {
    received.length = 0;
    await run(graph, "{ episodes { id } }");
    assert.deepEqual(received, [{ series: 2 }]);
  });

  await t.step("enum names become their values, also in lists", async () => {
    received.length = 0;
    await run(graph, "{ episodes(series: DS9, also: [TOS, TNG]) { id } }");
    assert.deepEqual(received, [{ series: "DS9", also: [1, 2] }]);
  });

  await t.step("custom scalars are parsed", async () => {
    received.length = 0;
    await run(graph, '{ episodes(airedBefore: "2266-09-08") { id } }');
    const options = received[0] as { airedBefore: Date };
    assert.ok(options.airedBefore instanceof Date);
    assert.equal(options.airedBefore.toISOString(), "2266-09-08T00:00:00.000Z");
  });

  await t.step("input objects get their fields' defaults, parsed, at every level", async () => {
    received.length = 0;
    await run(
      graph,
      '{ episodes(filter: { season: 2, airedAfter: "2267-01-01" }, filters: [{}, { series: TNG }]) { id } }',
    );
    assert.deepEqual(received, [{
      series: 2,
      filter: {
        series: 1,
        season: 2,
        stardate: null,
        airedAfter: new Date("2267-01-01T00:00:00Z"),
      },
      filters: [{ series: 1, stardate: null }, { series: 2, stardate: null }],
    }]);
    const filter = (received[0] as { filter: object }).filter;
    assert.equal(Object.hasOwn(filter, "season"), true);
    assert.equal(
      Object.hasOwn((received[0] as { filters: object[] }).filters[0]!, "season"),
      false,
    );
  });

  await t.step("variables are parsed as literals are", async () => {
    received.length = 0;
    const query = read(
      "query Q($s: Series!, $f: EpisodeFilter) { episodes(series: $s, filter: $f) { id } }",
      { variables: { s: "TOS", f: { series: "DS9" } } },
    );
    await engine.execute(graph, query);
    assert.deepEqual(received, [{ series: 1, filter: { series: "DS9", stardate: null } }]);
  });
});

// test_engine.py: test_link_option_input_ref, test_link_optional_option_input_ref
Deno.test("engine passes an input object option of a mutation with its defaults", async (t) => {
  const CreateCharacterInput = Input("CreateCharacterInput", [
    Option("name", Str),
    Option("nickname", Optional(Str)),
    Option("ship", Optional(Str), { default: null }),
    Option("alive", Bool, { default: false }),
  ]);
  const created: { [name: string]: unknown }[] = [];
  const characterFields = (fields: Selected, ids: readonly number[]) =>
    ids.map((id) => fields.map((f) => f.name === "id" ? id : created[id - 1]![f.name] ?? "unset"));
  const query = Graph([
    Node("Character", [
      Field("id", Int, characterFields),
      Field("name", Str, characterFields),
      Field("nickname", Optional(Str), characterFields),
      Field("ship", Optional(Str), characterFields),
      Field("alive", Bool, characterFields),
    ]),
    Root([Field("version", Str, () => ["1.0"])]),
  ]);
  const mutation = MutationGraph(
    query,
    Root([
      Link(
        "createCharacter",
        Optional(TypeRef("Character")),
        (options: { input?: { [name: string]: unknown } | null }) => {
          if (options.input === undefined || options.input === null) return Nothing;
          created.push(options.input);
          return created.length;
        },
        { requires: null, options: [Option("input", Optional(CreateCharacterInput))] },
      ),
    ]),
  );

  await t.step("given input", async () => {
    const op = readOperation(
      'mutation { createCharacter(input: { name: "Spock", ship: "Enterprise" }) { id name nickname ship alive } }',
    );
    assert.deepEqual(await run(mutation, op.query), {
      createCharacter: {
        id: 1,
        name: "Spock",
        nickname: "unset",
        ship: "Enterprise",
        alive: false,
      },
    });
    assert.deepEqual(created[0], { name: "Spock", ship: "Enterprise", alive: false });
  });

  for (const args of ["", "(input: null)"]) {
    await t.step(`input ${args === "" ? "absent" : "null"}`, async () => {
      const op = readOperation(`mutation { createCharacter${args} { id } }`);
      assert.deepEqual(await run(mutation, op.query), { createCharacter: null });
    });
  }
});

Deno.test("engine coerces a single value given for a list option into a list of one", async () => {
  const received: unknown[] = [];
  const graph = Graph([
    Node("Episode", [Field("id", Int, idField)]),
    Root([
      Link("episodes", Sequence(TypeRef("Episode")), (options: unknown) => {
        received.push(options);
        return [1];
      }, {
        requires: null,
        options: [
          Option("series", Optional(Sequence(Series))),
          Option("ids", Optional(Sequence(Int))),
        ],
      }),
    ]),
  ]);
  // As the GraphQL spec coerces list inputs, and as a variable holding "TNG" already is.
  await run(graph, "{ episodes(series: TNG, ids: 7) { id } }");
  await engine.execute(
    graph,
    read("query ($s: [Series]) { episodes(series: $s) { id } }", { variables: { s: "TNG" } }),
  );
  assert.deepEqual(received, [{ series: [2], ids: [7] }, { series: [2] }]);
});

// ---------------------------------------------------------------------------------------------
// Records

// test_engine.py: test_node_complex_fields
Deno.test("engine passes a record field queried with a selection as a query link", async () => {
  const received: (QueryField | QueryLink)[] = [];
  const graph = Graph([
    Node("Character", [
      Field(
        "bio",
        Optional(Record({ born: Int, ship: Optional(Str) })),
        (fields: Selected, ids: readonly Id[]) => {
          received.push(...fields);
          return ids.map(() => [{ born: 2233, ship: "Enterprise" }]);
        },
      ),
    ]),
    Root([Link("character", TypeRef("Character"), () => 1, { requires: null })]),
  ]);
  assert.deepEqual(await run(graph, "{ character { bio { born } } }"), {
    character: { bio: { born: 2233 } },
  });
  assert.equal(received.length, 1);
  const bio = received[0]!;
  assert.equal(bio.kind, "link");
  assert.equal(bio.name, "bio");
  assert.deepEqual(
    bio.kind === "link" ? bio.node.fields.map((f) => f.name) : null,
    ["born"],
  );
});

Deno.test("engine gives record fields whole without a selection and projected with one", async (t) => {
  const Appearance = Record({ episode: Int, title: Str, series: Optional(Str) });
  const bios = new Map<Id, unknown>([
    [1, { born: 2233, ship: { name: "Enterprise", registry: "NCC-1701" }, postings: ["Iowa"] }],
    [3, { born: 2227, ship: null, postings: [] }],
  ]);
  const load = (fields: Selected, ids: readonly Id[]) =>
    ids.map((id) =>
      fields.map((f) => {
        switch (f.name) {
          case "bio":
            return bios.get(id);
          case "maybeBio":
            return id === 3 ? null : bios.get(id);
          case "appearances":
            return [{ episode: 1, title: "The Man Trap", series: "TOS" }, {
              episode: 2,
              title: "Charlie X",
              series: null,
            }];
          case "firstAppearance":
            return { episode: 1, title: "The Man Trap", series: "TOS", extra: "not selected" };
          default:
            return null;
        }
      })
    );
  const Bio = Record({
    born: Int,
    ship: Optional(Record({ name: Str, registry: Str })),
    postings: Sequence(Str),
  });
  const graph = Graph([
    Node("Character", [
      Field("bio", Bio, load),
      Field("maybeBio", Optional(Bio), load),
      Field("appearances", Sequence(TypeRef("Appearance")), load),
      Field("firstAppearance", TypeRef("Appearance"), load),
    ]),
    Root([
      Link("characters", Sequence(TypeRef("Character")), () => [1, 3], { requires: null }),
    ]),
  ], { dataTypes: { Appearance } });

  await t.step("without a selection: the whole value", async () => {
    assert.deepEqual(await run(graph, "{ characters { bio } }"), {
      characters: [{ bio: bios.get(1) }, { bio: bios.get(3) }],
    });
  });

  await t.step("with a selection: only the selected fields, aliases respected", async () => {
    assert.deepEqual(
      await run(graph, "{ characters { bio { year: born ship { name } } } }"),
      {
        characters: [
          { bio: { year: 2233, ship: { name: "Enterprise" } } },
          { bio: { year: 2227, ship: null } },
        ],
      },
    );
  });

  await t.step("an optional record that is null stays null", async () => {
    assert.deepEqual(await run(graph, "{ characters { maybeBio { born } } }"), {
      characters: [{ maybeBio: { born: 2233 } }, { maybeBio: null }],
    });
  });

  await t.step("sequences of records referred to by data type name", async () => {
    assert.deepEqual(
      await run(graph, "{ characters { appearances { title series } } }"),
      {
        characters: [
          {
            appearances: [{ title: "The Man Trap", series: "TOS" }, {
              title: "Charlie X",
              series: null,
            }],
          },
          {
            appearances: [{ title: "The Man Trap", series: "TOS" }, {
              title: "Charlie X",
              series: null,
            }],
          },
        ],
      },
    );
  });

  await t.step("__typename in a selection of a data type gives the data type's name", async () => {
    const result = await engine.execute(
      graph,
      read("query { characters { firstAppearance { __typename episode kind: __typename } } }"),
    );
    const [kirk] = denormalize(graph, result).characters as unknown[];
    assert.deepEqual(kirk, {
      firstAppearance: { __typename: "Appearance", episode: 1, kind: "Appearance" },
    });
  });

  await t.step("fragments in a record selection", async () => {
    assert.deepEqual(
      await run(
        graph,
        `{ characters { firstAppearance { ...A ... on Appearance { episode } } } }
         fragment A on Appearance { title }`,
      ),
      {
        characters: [
          { firstAppearance: { title: "The Man Trap", episode: 1 } },
          { firstAppearance: { title: "The Man Trap", episode: 1 } },
        ],
      },
    );
  });
});

// test_engine.py: test_merge_query__complex_field_fragment (Hiku's fragment is on an unrelated
// type, which validation rejects here; this one is on the data type)
Deno.test("engine projects a root record field through a fragment on its data type", async () => {
  const graph = Graph([
    Root([Field("position", TypeRef("Point"), () => [{ x: 1, y: 2 }])]),
  ], { dataTypes: { Point: Record({ x: Int, y: Int }) } });
  assert.deepEqual(
    await run(graph, "query { position { ...P } } fragment P on Point { x y }"),
    { position: { x: 1, y: 2 } },
  );
});

Deno.test("engine names inline records as the GraphQL schema does in __typename", async () => {
  const graph = Graph([
    Node("Character", [
      Field(
        "bio",
        Record({ born: Int, ship: Record({ name: Str }) }),
        (fields: readonly QueryField[], ids: readonly number[]) =>
          ids.map(() => fields.map(() => ({ born: 2233, ship: { name: "Enterprise" } }))),
      ),
    ]),
    Root([Link("kirk", TypeRef("Character"), () => 1, { requires: null })]),
  ]);
  assert.deepEqual(
    await run(graph, "{ kirk { bio { __typename born ship { __typename name } } } }"),
    {
      kirk: {
        bio: {
          __typename: "Character_bio",
          born: 2233,
          ship: { __typename: "Character_bio_ship", name: "Enterprise" },
        },
      },
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Plans: made once per query object, below a link only when ids reach it

Deno.test("plan of a linked node is made only when ids reach it", async (t) => {
  await t.step("a link whose loader returns [] plans nothing below it", async () => {
    const rec = new Recorder();
    const empty = Graph([
      ...recordedGraph(rec).nodes,
      Root([Link("characters", Sequence(TypeRef("Character")), () => [], { requires: null })]),
    ]);
    const query = read("{ characters { name actors { name } } }");
    const plan = planQuery(empty, query);
    assert.equal(plan.cost.nodes, 1);
    assert.deepEqual(denormalize(empty, await engine.execute(empty, query)), { characters: [] });
    assert.equal(plan.cost.nodes, 1);
  });

  await t.step("ids reaching a node plan it, and nothing its empty links lead to", async () => {
    const graph = recordedGraph(new Recorder());
    const query = read("{ characters { name actors(limit: 0) { name } } }");
    const plan = planQuery(graph, query);
    assert.equal(plan.cost.nodes, 1);
    await engine.execute(graph, query);
    assert.equal(plan.cost.nodes, 2);
  });

  await t.step("ids reaching the next level plan it too, once however many parents", async () => {
    const graph = recordedGraph(new Recorder());
    const query = read("{ characters { name actors(limit: 1) { name } } }");
    const plan = planQuery(graph, query);
    await engine.execute(graph, query);
    assert.equal(plan.cost.nodes, 3);
    await engine.execute(graph, query);
    assert.equal(plan.cost.nodes, 3);
  });

  await t.step("a link to an interface plans only the types its ids resolve to", async () => {
    const graph = starWars();
    const query = read(
      "{ hero { name ... on Human { homePlanet } ... on Droid { primaryFunction } } }",
    );
    const plan = planQuery(graph, query);
    await engine.execute(graph, query);
    // R2-D2, a droid: the plan for humans is never made.
    assert.equal(plan.cost.nodes, 2);
  });
});

Deno.test("plan is made once per query object and graph and reused, and so is a validation failure", async () => {
  const graph = recordedGraph(new Recorder());
  const query = read("{ characters { name } }");
  const plan = planQuery(graph, query);
  assert.equal(planQuery(graph, query), plan);
  await engine.execute(graph, query);
  await engine.execute(graph, query);
  assert.equal(planQuery(graph, query), plan);
  assert.equal(plan.cost.nodes, 2);
  assert.notEqual(planQuery(graph, read("{ characters { name } }")), plan);
  assert.notEqual(planQuery(recordedGraph(new Recorder()), query), plan);

  const invalid = read("{ starships { name } }");
  const failures = [1, 2].map(() => {
    try {
      planQuery(graph, invalid);
    } catch (error) {
      return error;
    }
    return null;
  });
  assert.ok(failures[0] instanceof QueryValidationError);
  assert.equal(failures[1], failures[0]);
});

Deno.test("a document whose fragments fan out 2^60 paths reads, validates, plans and executes", async () => {
  // F(n) spreads F(n-1) twice: 2^60 paths lead to F0's one field. Each step visits a fragment
  // once per walk, so this finishes; walking every path would not. What is asserted is the
  // structure: one field, two node plans.
  const lines = ["{ characters { ...F60 } }", "fragment F0 on Character { name }"];
  for (let n = 1; n <= 60; n++) {
    lines.push(`fragment F${n} on Character { ...F${n - 1} ...F${n - 1} }`);
  }
  const rec = new Recorder();
  const graph = recordedGraph(rec);
  const query = read(lines.join("\n"));
  assert.deepEqual(validate(graph, query), []);
  const plan = planQuery(graph, query);
  assert.deepEqual(denormalize(graph, await engine.execute(graph, query)), {
    characters: [{ name: "James T. Kirk" }, { name: "Spock" }, { name: "Leonard McCoy" }],
  });
  assert.equal(plan.cost.nodes, 2);
  assert.deepEqual(rec.calls, [
    { loader: "characters", args: [] },
    { loader: "Character", args: [["name"], [1, 2, 3]] },
  ]);
});
