/**
 * Engine behaviour that can only be observed in-process: which loader calls are made and with
 * what, when they start relative to each other, what loaders receive, and how results, failures
 * and partial results come out. The executor-independent cases are in
 * tests/support/executor_suite.ts, run here for the AsyncExecutor.
 *
 * Ports of Hiku's tests/test_engine.py cite the Python test name in a comment.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  Any,
  AsyncExecutor,
  Bool,
  ContextKeyError,
  denormalize,
  denormalizeWithErrors,
  Engine,
  Enum,
  EnumRef,
  ExecutionAbortedError,
  Field,
  Float,
  Graph,
  ID,
  type Id,
  Input,
  Int,
  Interface,
  InterfaceRef,
  Link,
  LoaderError,
  LoaderShapeError,
  MutationGraph,
  Node,
  Nothing,
  Option,
  Optional,
  passContext,
  type Proxy,
  type QueryField,
  type QueryLink,
  type QueryNode,
  QueryValidationError,
  read,
  readOperation,
  Record,
  Root,
  Scalar,
  Sequence,
  Str,
  TypeRef,
  Union,
  UnionRef,
} from "../mod.ts";
import { queryField, queryLink, queryNode } from "../src/query/query.ts";
import { executorSuite } from "./support/executor_suite.ts";
import { deferred, Recorder, settle } from "./support/recording.ts";
import { ACTORS, CHARACTERS } from "./support/star_trek.ts";

executorSuite({
  name: "AsyncExecutor",
  open: () =>
    Promise.resolve({ engine: new Engine(new AsyncExecutor()), close: () => Promise.resolve() }),
});

const engine = new Engine(new AsyncExecutor());

type Row = { readonly [name: string]: unknown };
type Selected = readonly (QueryField | QueryLink)[];

/** A field loader reading rows of a table by id; missing ids give nulls. */
function rowsOf(table: ReadonlyMap<Id, Row>) {
  return (fields: Selected, ids: readonly Id[]): unknown[][] =>
    ids.map((id) => fields.map((f) => table.get(id)?.[f.name] ?? null));
}

/** A field loader giving, for every field, the id it was called with. */
function idField(fields: Selected, ids: readonly Id[]): unknown[][] {
  return ids.map((id) => fields.map(() => id));
}

const characterById: ReadonlyMap<Id, Row> = new Map(
  CHARACTERS.map((c): [Id, Row] => [c.id, { ...c }]),
);
const actorById: ReadonlyMap<Id, Row> = new Map(
  ACTORS.map((a): [Id, Row] => [a.id, { ...a }]),
);

function actorsOf(
  ids: readonly number[],
  options: { limit?: number | null } = {},
): number[][] {
  return ids.map((id) => {
    const list = ACTORS.filter((a) => a.character_id === id).map((a) => a.id);
    return options.limit === undefined || options.limit === null
      ? list
      : list.slice(0, options.limit);
  });
}

/**
 * The seed's characters and actors with every loader recorded: "Character" and "Actor" are the
 * field loaders, links are recorded under "Node.link" (root links under their name).
 */
function recordedGraph(rec: Recorder): Graph {
  const characterFields = rec.wrap("Character", rowsOf(characterById));
  const actorFields = rec.wrap("Actor", rowsOf(actorById));
  return Graph([
    Node("Character", [
      Field("id", Int, characterFields),
      Field("name", Str, characterFields),
      Field("species", Str, characterFields),
      Field("ship", Optional(Str), characterFields),
      Field("born", Int, rec.wrap("Character.born", rowsOf(characterById))),
      Link("actors", Sequence(TypeRef("Actor")), rec.wrap("Character.actors", actorsOf), {
        requires: "id",
        options: [Option("limit", Optional(Int))],
      }),
    ]),
    Node("Actor", [
      Field("id", Int, actorFields),
      Field("name", Str, actorFields),
      Field("character_id", Int, actorFields),
      Link(
        "character",
        TypeRef("Character"),
        rec.wrap("Actor.character", (ids: readonly number[]) => ids),
        { requires: "character_id" },
      ),
    ]),
    Root([
      Link(
        "characters",
        Sequence(TypeRef("Character")),
        rec.wrap("characters", () => [1, 2, 3]),
        { requires: null },
      ),
      Link(
        "character",
        Optional(TypeRef("Character")),
        rec.wrap("character", (o: { id: number }) => characterById.has(o.id) ? o.id : Nothing),
        { requires: null, options: [Option("id", Int)] },
      ),
    ]),
  ]);
}

async function run(
  graph: Graph,
  query: string | QueryNode,
  ctx: { readonly [key: string]: unknown } = {},
): Promise<unknown> {
  const result = await engine.execute(
    graph,
    typeof query === "string" ? read(query) : query,
    ctx,
  );
  return denormalize(graph, result);
}

// ---------------------------------------------------------------------------------------------
// One loader call per node per query path

// test_engine.py: test_node_fields
Deno.test("engine loads the fields of a node sharing a loader in one call per path", async () => {
  const rec = new Recorder();
  const graph = recordedGraph(rec);
  assert.deepEqual(await run(graph, "{ characters { id name species actors { name } } }"), {
    characters: [
      {
        id: 1,
        name: "James T. Kirk",
        species: "Human",
        actors: [{ name: "William Shatner" }, { name: "Chris Pine" }],
      },
      {
        id: 2,
        name: "Spock",
        species: "Vulcan/Human",
        actors: [{ name: "Leonard Nimoy" }, { name: "Zachary Quinto" }],
      },
      {
        id: 3,
        name: "Leonard McCoy",
        species: "Human",
        actors: [{ name: "DeForest Kelley" }, { name: "Karl Urban" }],
      },
    ],
  });
  assert.deepEqual(rec.calls, [
    { loader: "characters", args: [] },
    { loader: "Character", args: [["id", "name", "species"], [1, 2, 3]] },
    { loader: "Character.actors", args: [[1, 2, 3], {}] },
    { loader: "Actor", args: [["name"], [1, 4, 2, 5, 3, 6]] },
  ]);
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

// test_engine.py: test_root_link_alias, test_node_link_alias
Deno.test("engine loads a link selected under two aliases as two paths", async (t) => {
  await t.step("on a node: two link calls and two calls below", async () => {
    const rec = new Recorder();
    const graph = recordedGraph(rec);
    assert.deepEqual(
      await run(
        graph,
        "{ character(id: 1) { first: actors(limit: 1) { name } all: actors { id } } }",
      ),
      {
        character: { first: [{ name: "William Shatner" }], all: [{ id: 1 }, { id: 4 }] },
      },
    );
    assert.deepEqual(rec.calls, [
      { loader: "character", args: [{ id: 1 }] },
      { loader: "Character", args: [["id"], [1]] },
      { loader: "Character.actors", args: [[1], { limit: 1 }] },
      { loader: "Actor", args: [["name"], [1]] },
      { loader: "Character.actors", args: [[1], {}] },
      { loader: "Actor", args: [["id"], [1, 4]] },
    ]);
  });

  await t.step("on the root", async () => {
    const rec = new Recorder();
    const graph = recordedGraph(rec);
    assert.deepEqual(
      await run(graph, "{ x1: character(id: 1) { name } x2: character(id: 1) { species } }"),
      { x1: { name: "James T. Kirk" }, x2: { species: "Human" } },
    );
    assert.deepEqual(rec.calls, [
      { loader: "character", args: [{ id: 1 }] },
      { loader: "Character", args: [["name"], [1]] },
      { loader: "character", args: [{ id: 1 }] },
      { loader: "Character", args: [["species"], [1]] },
    ]);
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

// test_engine.py: test_conflicting_fields
Deno.test("engine loads one field with different options at two paths", async () => {
  const calls: unknown[] = [];
  const graph = Graph([
    Node("Character", [
      Field("name", Str, (fields: Selected, ids: readonly Id[]) => {
        calls.push(fields.map((f) => f.options));
        return ids.map(() => fields.map((f) => `Spock-${(f.options as { k: number }).k}`));
      }, { options: [Option("k", Int)] }),
    ]),
    Root([
      Link("x1", TypeRef("Character"), () => 2, { requires: null }),
      Link("x2", TypeRef("Character"), () => 2, { requires: null }),
    ]),
  ]);
  assert.deepEqual(await run(graph, "{ x1 { name(k: 1) } x2 { name(k: 2) } }"), {
    x1: { name: "Spock-1" },
    x2: { name: "Spock-2" },
  });
  assert.deepEqual(calls, [[{ k: 1 }], [{ k: 2 }]]);
});

// test_engine.py: test_conflicting_links
Deno.test("engine loads one link with different options at two paths", async () => {
  const graph = Graph([
    Node("Actor", [Field("id", Int, idField), Field("name", Str, rowsOf(actorById))]),
    Node("Character", [
      Field("id", Int, idField),
      Link(
        "actors",
        Sequence(TypeRef("Actor")),
        (ids: readonly number[], o: { exclude: number[] }) =>
          actorsOf(ids, {}).map((list) => list.filter((a) => !o.exclude.includes(a))),
        {
          requires: "id",
          options: [Option("exclude", Sequence(Int))],
        },
      ),
    ]),
    Root([
      Link("x1", TypeRef("Character"), () => 1, { requires: null }),
      Link("x2", TypeRef("Character"), () => 1, { requires: null }),
    ]),
  ]);
  assert.deepEqual(
    await run(graph, "{ x1 { actors(exclude: [1]) { id } } x2 { actors(exclude: [4]) { name } } }"),
    { x1: { actors: [{ id: 4 }] }, x2: { actors: [{ name: "William Shatner" }] } },
  );
});

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

// test_engine.py: test_links (without its root link requiring a root field: root links cannot
// require fields here), test_node_link_without_requirements
Deno.test("engine calls a link without requires once per path, with no arguments", async () => {
  const rec = new Recorder();
  const graph = Graph([
    Node("Ship", [
      Field(
        "name",
        Str,
        rec.wrap("Ship", (_f: Selected, ids: readonly Id[]) => ids.map((id) => [`USS ${id}`])),
      ),
    ]),
    Node("Character", [
      Field("name", Str, rec.wrap("Character", rowsOf(characterById))),
      Link("ships", Sequence(TypeRef("Ship")), rec.wrap("Character.ships", () => ["Enterprise"]), {
        requires: null,
      }),
    ]),
    Root([
      Link("characters", Sequence(TypeRef("Character")), rec.wrap("characters", () => [1, 2]), {
        requires: null,
      }),
    ]),
  ]);
  assert.deepEqual(await run(graph, "{ characters { ships { name } } }"), {
    characters: [{ ships: [{ name: "USS Enterprise" }] }, { ships: [{ name: "USS Enterprise" }] }],
  });
  assert.deepEqual(rec.calls, [
    { loader: "characters", args: [] },
    { loader: "Character.ships", args: [] },
    { loader: "Ship", args: [["name"], ["Enterprise"]] },
  ]);
});

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

// ---------------------------------------------------------------------------------------------
// Ids

Deno.test("engine de-duplicates ids from a link and maps results back in order", async () => {
  const rec = new Recorder();
  const graph = Graph([
    Node("Character", [Field("name", Str, rec.wrap("Character", rowsOf(characterById)))]),
    Root([
      Link("crew", Sequence(TypeRef("Character")), () => [3, 1, 3, 2, 1], { requires: null }),
    ]),
  ]);
  assert.deepEqual(await run(graph, "{ crew { name } }"), {
    crew: [
      { name: "Leonard McCoy" },
      { name: "James T. Kirk" },
      { name: "Leonard McCoy" },
      { name: "Spock" },
      { name: "James T. Kirk" },
    ],
  });
  assert.deepEqual(rec.calls, [{ loader: "Character", args: [["name"], [3, 1, 2]] }]);
});

// test_engine.py: test_root_link_with_sequence_to_optional_type_ref,
// test_non_root_link_with_sequence_to_optional_type_ref
Deno.test("engine maps Nothing and empty lists back, and never loads Nothing", async () => {
  const rec = new Recorder();
  const graph = Graph([
    Node("Character", [
      Field("id", Int, idField),
      Field("name", Str, rec.wrap("Character", rowsOf(characterById))),
      Link(
        "mentor",
        Optional(TypeRef("Character")),
        rec.wrap(
          "Character.mentor",
          (ids: readonly number[]) => ids.map((id) => id === 1 ? Nothing : 1),
        ),
        { requires: "id" },
      ),
      Link(
        "friends",
        Sequence(Optional(TypeRef("Character"))),
        rec.wrap(
          "Character.friends",
          (ids: readonly number[]) => ids.map((id) => id === 2 ? [] : [2, Nothing]),
        ),
        { requires: "id" },
      ),
      Link(
        "shared",
        Sequence(Optional(TypeRef("Character"))),
        () => [Nothing, 3],
        { requires: null },
      ),
    ]),
    Root([
      Link(
        "crew",
        Sequence(Optional(TypeRef("Character"))),
        () => [1, Nothing, 2, 1],
        { requires: null },
      ),
    ]),
  ]);
  assert.deepEqual(
    await run(graph, "{ crew { name mentor { name } friends { name } shared { name } } }"),
    {
      crew: [
        {
          name: "James T. Kirk",
          mentor: null,
          friends: [{ name: "Spock" }, null],
          shared: [null, { name: "Leonard McCoy" }],
        },
        null,
        {
          name: "Spock",
          mentor: { name: "James T. Kirk" },
          friends: [],
          shared: [null, { name: "Leonard McCoy" }],
        },
        {
          name: "James T. Kirk",
          mentor: null,
          friends: [{ name: "Spock" }, null],
          shared: [null, { name: "Leonard McCoy" }],
        },
      ],
    },
  );
  assert.deepEqual(rec.calls, [
    { loader: "Character", args: [["name"], [1, 2]] },
    { loader: "Character.mentor", args: [[1, 2]] },
    { loader: "Character", args: [["name"], [1]] },
    { loader: "Character.friends", args: [[1, 2]] },
    { loader: "Character", args: [["name"], [2]] },
    { loader: "Character", args: [["name"], [3]] },
  ]);
});

Deno.test("engine calls a shared link loader once for all parents", async () => {
  const rec = new Recorder();
  const graph = Graph([
    Node("Ship", [Field("name", Str, rec.wrap("Ship", idField))]),
    Node("Character", [
      Field("name", Str, rowsOf(characterById)),
      Link("ship", TypeRef("Ship"), rec.wrap("Character.ship", () => "NCC-1701"), {
        requires: null,
      }),
    ]),
    Root([Link("characters", Sequence(TypeRef("Character")), () => [1, 2, 3], { requires: null })]),
  ]);
  assert.deepEqual(await run(graph, "{ characters { name ship { name } } }"), {
    characters: [
      { name: "James T. Kirk", ship: { name: "NCC-1701" } },
      { name: "Spock", ship: { name: "NCC-1701" } },
      { name: "Leonard McCoy", ship: { name: "NCC-1701" } },
    ],
  });
  assert.deepEqual(rec.calls, [
    { loader: "Character.ship", args: [] },
    { loader: "Ship", args: [["name"], ["NCC-1701"]] },
  ]);
});

/** A graph whose root link returns the given ids; the node's field echoes each id. */
function echoGraph(ids: readonly unknown[], rec: Recorder): Graph {
  return Graph([
    Node("Episode", [
      Field("id", Any, rec.wrap("Episode", idField)),
    ]),
    Root([Link("episodes", Sequence(TypeRef("Episode")), () => ids, { requires: null })]),
  ]);
}

async function checkIds(ids: readonly Id[], distinct: readonly Id[]): Promise<void> {
  const rec = new Recorder();
  const graph = echoGraph(ids, rec);
  const result = await engine.execute(graph, read("{ episodes { id } }"));
  const episodes = result.get("episodes") as Proxy[];
  assert.deepEqual(episodes.map((e) => e.get("id")), ids);
  assert.deepEqual(episodes.map((e) => e.id), ids);
  assert.deepEqual(rec.calls, [{ loader: "Episode", args: [["id"], distinct] }]);
}

// test_engine.py: test_falsy_link_result (id 0)
Deno.test("engine maps ids of every kind back exactly", async (t) => {
  await t.step("dense integers, from 0, out of order, repeated", async () => {
    await checkIds([0, 5, 3, 0, 5, 1], [0, 5, 3, 1]);
  });
  await t.step("a thousand dense integers in reverse", async () => {
    const ids = Array.from({ length: 1000 }, (_, k) => 999 - k);
    await checkIds([...ids, ...ids], ids);
  });
  await t.step("large integers close to each other", async () => {
    const base = 1e9;
    await checkIds([base + 7, base + 2, base + 7, base], [base + 7, base + 2, base]);
  });
  await t.step("a sparse id in the middle of dense ones", async () => {
    await checkIds([5, 6, 5, 1e9, 6, 7, 1e9, 5, 8], [5, 6, 1e9, 7, 8]);
  });
  await t.step("ids below the first one, negative and fractional ids", async () => {
    await checkIds([10, 3, 10, -1, 0.5, 3, -1, 0.5, 11], [10, 3, -1, 0.5, 11]);
  });
  await t.step("gaps just over the dense limit", async () => {
    await checkIds([0, 4096, 4113, 4096, 0, 9000, 4113], [0, 4096, 4113, 9000]);
  });
  await t.step("integers beyond 32 bits", async () => {
    const big = 2 ** 40;
    await checkIds([big, big + 1, 1, big, 1], [big, big + 1, 1]);
  });
  await t.step("strings", async () => {
    await checkIds(["kirk", "spock", "kirk", ""], ["kirk", "spock", ""]);
  });
  await t.step("bigints", async () => {
    await checkIds([1n, 2n ** 70n, 1n], [1n, 2n ** 70n]);
  });
  await t.step("booleans", async () => {
    await checkIds([true, false, true], [true, false]);
  });
  await t.step("numbers and strings that look alike stay apart", async () => {
    await checkIds([1, "1", 1, 1n, "1"], [1, "1", 1n]);
  });
});

Deno.test("engine never calls a loader with no ids and loads nothing below such a node", async (t) => {
  await t.step("a root link returning an empty list", async () => {
    const rec = new Recorder();
    const graph = recordedGraph(rec);
    const empty = Graph([
      ...graph.nodes,
      Root([
        Link("characters", Sequence(TypeRef("Character")), rec.wrap("characters", () => []), {
          requires: null,
        }),
      ]),
    ]);
    assert.deepEqual(await run(empty, "{ characters { name actors { name } } }"), {
      characters: [],
    });
    assert.deepEqual(rec.labels, ["characters"]);
  });

  await t.step("an optional root link giving Nothing", async () => {
    const rec = new Recorder();
    const graph = recordedGraph(rec);
    assert.deepEqual(await run(graph, "{ character(id: 9) { name actors { name } } }"), {
      character: null,
    });
    assert.deepEqual(rec.labels, ["character"]);
  });

  await t.step("a link giving empty lists for every parent", async () => {
    const rec = new Recorder();
    const graph = recordedGraph(rec);
    assert.deepEqual(
      await run(graph, "{ characters { actors(limit: 0) { name character { name } } } }"),
      { characters: [{ actors: [] }, { actors: [] }, { actors: [] }] },
    );
    assert.deepEqual(rec.labels, ["characters", "Character", "Character.actors"]);
  });
});

// ---------------------------------------------------------------------------------------------
// Dataflow

Deno.test("engine starts a link as soon as its required group loads, while another group is pending", async () => {
  const ids = deferred<unknown[][]>();
  const names = deferred<unknown[][]>();
  const rec = new Recorder();
  const graph = Graph([
    Node("Actor", [Field("name", Str, rec.wrap("Actor", rowsOf(actorById)))]),
    Node("Character", [
      Field("id", Int, rec.wrap("Character.id", () => ids.promise)),
      Field("name", Str, rec.wrap("Character.name", () => names.promise)),
      Link("actors", Sequence(TypeRef("Actor")), rec.wrap("Character.actors", actorsOf), {
        requires: "id",
      }),
    ]),
    Root([Link("character", TypeRef("Character"), () => 2, { requires: null })]),
  ]);
  const pending = engine.execute(graph, read("{ character { name actors { name } } }"));
  assert.deepEqual(rec.labels, ["Character.name", "Character.id"]);
  ids.resolve([[2]]);
  await settle();
  assert.deepEqual(rec.labels, ["Character.name", "Character.id", "Character.actors", "Actor"]);
  names.resolve([["Spock"]]);
  assert.deepEqual(denormalize(graph, await pending), {
    character: {
      name: "Spock",
      actors: [{ name: "Leonard Nimoy" }, { name: "Zachary Quinto" }],
    },
  });
});

Deno.test("engine starts independent loaders before any of them resolves", () => {
  const gates = [deferred<unknown>(), deferred<unknown>(), deferred<unknown>()];
  const rec = new Recorder();
  const graph = Graph([
    Node("Character", [
      Field("name", Str, rec.wrap("Character.name", () => gates[0]!.promise)),
      Field("species", Str, rec.wrap("Character.species", () => gates[1]!.promise)),
    ]),
    Root([
      Field("version", Str, rec.wrap("version", () => gates[2]!.promise)),
      Link("characters", Sequence(TypeRef("Character")), rec.wrap("characters", () => [1]), {
        requires: null,
      }),
    ]),
  ]);
  const pending = engine.execute(graph, read("{ version characters { name species } }"));
  assert.deepEqual(rec.labels, [
    "version",
    "characters",
    "Character.name",
    "Character.species",
  ]);
  gates[0]!.resolve([["Kirk"]]);
  gates[1]!.resolve([["Human"]]);
  gates[2]!.resolve(["1.0"]);
  return pending.then((result) =>
    assert.deepEqual(denormalize(graph, result), {
      version: "1.0",
      characters: [{ name: "Kirk", species: "Human" }],
    })
  );
});

Deno.test("engine starts a link requiring fields of two loaders when both have loaded", async () => {
  const first = deferred<unknown[][]>();
  const second = deferred<unknown[][]>();
  const rec = new Recorder();
  const graph = Graph([
    Node("Character", [
      Field("id", Int, () => first.promise),
      Field("species", Str, () => second.promise),
      Field("name", Str, rowsOf(characterById)),
      Link(
        "sameSpecies",
        Sequence(TypeRef("Character")),
        rec.wrap(
          "Character.sameSpecies",
          (reqs: readonly { id: number; species: string }[]) =>
            reqs.map((r) =>
              CHARACTERS.filter((c) => c.id !== r.id && c.species === r.species).map((c) => c.id)
            ),
        ),
        { requires: ["id", "species"] },
      ),
    ]),
    Root([Link("character", TypeRef("Character"), () => 1, { requires: null })]),
  ]);
  const pending = engine.execute(graph, read("{ character { sameSpecies { name } } }"));
  first.resolve([[1]]);
  await settle();
  assert.deepEqual(rec.labels, []);
  second.resolve([["Human"]]);
  assert.deepEqual(denormalize(graph, await pending), {
    character: { sameSpecies: [{ name: "Leonard McCoy" }] },
  });
  assert.deepEqual(rec.calls, [
    { loader: "Character.sameSpecies", args: [[{ id: 1, species: "Human" }]] },
  ]);
});

// test_engine.py: test_links_requires_list (ids are primitives here: records are not ids)
Deno.test("engine passes one frozen record per id to a link requiring a list of fields", async () => {
  const received: unknown[] = [];
  const graph = Graph([
    Node("Species", [Field("name", Str, idField)]),
    Node("Character", [
      Field("id", Int, idField),
      Field("species", Str, rowsOf(characterById)),
      Link(
        "kind",
        TypeRef("Species"),
        (reqs: readonly { id: number; species: string }[]) => {
          received.push(...reqs);
          return reqs.map((r) => `${r.species} (${r.id})`);
        },
        { requires: ["species", "id"] },
      ),
    ]),
    Root([Link("characters", Sequence(TypeRef("Character")), () => [1, 2], { requires: null })]),
  ]);
  assert.deepEqual(await run(graph, "{ characters { kind { name } } }"), {
    characters: [{ kind: { name: "Human (1)" } }, { kind: { name: "Vulcan/Human (2)" } }],
  });
  assert.deepEqual(received, [{ species: "Human", id: 1 }, { species: "Vulcan/Human", id: 2 }]);
  assert.ok(received.every((r) => Object.isFrozen(r)));
});

// ---------------------------------------------------------------------------------------------
// Synchronous loaders

Deno.test("engine runs a query of synchronous loaders without waiting, and still returns a Promise", async () => {
  const rec = new Recorder();
  const graph = recordedGraph(rec);
  const pending = engine.execute(graph, read("{ characters { name actors { name } } }"));
  assert.ok(pending instanceof Promise);
  // Every loader ran before execute returned: nothing waited for a tick.
  assert.deepEqual(rec.labels, ["characters", "Character", "Character.actors", "Actor"]);
  const result = await pending;
  assert.equal((result.get("characters") as Proxy[]).length, 3);
});

Deno.test("engine mixes synchronous and asynchronous loaders", async () => {
  const graph = Graph([
    Node("Actor", [
      Field(
        "name",
        Str,
        (fields: Selected, ids: readonly Id[]) => Promise.resolve(rowsOf(actorById)(fields, ids)),
      ),
    ]),
    Node("Character", [
      Field("id", Int, idField),
      Field("name", Str, rowsOf(characterById)),
      Link(
        "actors",
        Sequence(TypeRef("Actor")),
        (ids: readonly number[]) => Promise.resolve(actorsOf(ids, {})),
        { requires: "id" },
      ),
    ]),
    Root([
      Link("characters", Sequence(TypeRef("Character")), () => Promise.resolve([2, 3]), {
        requires: null,
      }),
      Field("version", Str, () => ["1.0"]),
    ]),
  ]);
  assert.deepEqual(await run(graph, "{ version characters { name actors { name } } }"), {
    version: "1.0",
    characters: [
      { name: "Spock", actors: [{ name: "Leonard Nimoy" }, { name: "Zachary Quinto" }] },
      { name: "Leonard McCoy", actors: [{ name: "DeForest Kelley" }, { name: "Karl Urban" }] },
    ],
  });
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

const Series = Enum("Series", [
  { name: "TOS", value: 1, description: "The Original Series" },
  { name: "TNG", value: 2 },
  "DS9",
]);

const DateScalar = Scalar("Date", {
  parse: (value) => {
    if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      throw new TypeError(`Date cannot represent value: ${JSON.stringify(value)}`);
    }
    return new Date(`${value}T00:00:00Z`);
  },
  serialize: (value) => (value as Date).toISOString().slice(0, 10),
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

// ---------------------------------------------------------------------------------------------
// Serialization of results

// test_enum.py: test_serialize_enum_field_correct, test_serialize_enum_field_incorrect,
// test_root_field_enum; test_scalar.py: test_serialize_scalar_field_correct
Deno.test("engine serializes enum and custom scalar fields in results", async (t) => {
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

// ---------------------------------------------------------------------------------------------
// Context

// test_engine.py: test_pass_context_field, test_pass_context_link
Deno.test("engine passes the context first to loaders wrapped with passContext", async (t) => {
  const seen: { where: string; ship: unknown }[] = [];
  type Ctx = { readonly [key: string]: unknown };
  const graph = Graph([
    Node("Character", [
      Field("id", Int, idField),
      Field(
        "ship",
        Str,
        passContext((ctx: Ctx, fields: Selected, ids: readonly Id[]) => {
          seen.push({ where: "node field", ship: ctx.ship });
          return ids.map(() => fields.map(() => ctx.ship));
        }),
      ),
      Link(
        "self",
        TypeRef("Character"),
        passContext((ctx: Ctx, ids: readonly Id[]) => {
          seen.push({ where: "node link", ship: ctx.ship });
          return ids;
        }),
        { requires: "id" },
      ),
    ]),
    Root([
      Field(
        "ship",
        Str,
        passContext((ctx: Ctx, fields: Selected) => {
          seen.push({ where: "root field", ship: ctx.ship });
          return fields.map(() => ctx.ship);
        }),
      ),
      Link(
        "character",
        TypeRef("Character"),
        passContext((ctx: Ctx) => {
          seen.push({ where: "root link", ship: ctx.ship });
          return 1;
        }),
        { requires: null },
      ),
    ]),
  ]);

  await t.step("fields and links, on the root and on nodes", async () => {
    assert.deepEqual(
      await run(graph, "{ ship character { ship self { id } } }", { ship: "Enterprise" }),
      { ship: "Enterprise", character: { ship: "Enterprise", self: { id: 1 } } },
    );
    assert.deepEqual(seen, [
      { where: "root field", ship: "Enterprise" },
      { where: "root link", ship: "Enterprise" },
      { where: "node field", ship: "Enterprise" },
      { where: "node link", ship: "Enterprise" },
    ]);
  });

  await t.step("reading a missing key fails the query naming the key", async () => {
    await assert.rejects(
      engine.execute(graph, read("{ character { ship } }"), { db: 1 }),
      (error) => {
        assert.ok(error instanceof LoaderError);
        assert.equal(
          error.message,
          'Loader of link root.character failed: Context key "ship" is not set: pass it in the ' +
            "context given to engine.execute",
        );
        assert.ok(error.cause instanceof ContextKeyError);
        assert.equal(error.cause.key, "ship");
        return true;
      },
    );
  });

  await t.step("the context is an empty object when none is given", async () => {
    const keys: unknown[] = [];
    const bare = Graph([
      Root([Field(
        "keys",
        Sequence(Str),
        passContext((ctx: Ctx) => {
          keys.push(Object.keys(ctx));
          return [Object.keys(ctx)];
        }),
      )]),
    ]);
    assert.deepEqual(denormalize(bare, await engine.execute(bare, read("{ keys }"))), { keys: [] });
  });
});

Deno.test("passContext loaders read the context through a view that names missing keys", async () => {
  let context: { readonly [key: string]: unknown } | null = null;
  const graph = Graph([
    Root([Field(
      "a",
      Str,
      passContext((ctx: { readonly [key: string]: unknown }) => {
        context = ctx;
        return ["boiardo"];
      }),
    )]),
  ]);
  assert.deepEqual(await run(graph, "{ a }", { vetch: "shadier" }), { a: "boiardo" });
  const ctx = context as unknown as { readonly [key: string]: unknown };
  assert.equal(ctx.vetch, "shadier");
  assert.equal("invalid" in ctx, false);
  assert.throws(() => ctx.invalid, {
    name: "ContextKeyError",
    message: 'Context key "invalid" is not set: pass it in the context given to engine.execute',
  });
});

// ---------------------------------------------------------------------------------------------
// Records

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

// ---------------------------------------------------------------------------------------------
// Unions and interfaces

const KIND: { readonly [prefix: string]: string } = {
  character: "Character",
  ship: "Ship",
  episode: "Episode",
  planet: "Planet",
};

/** Ids look like "ship:1701": the prefix names the node. */
function kindOf(id: Id): string {
  return KIND[String(id).split(":")[0]!] ?? "Unknown";
}

function searchGraph(rec: Recorder, results: readonly unknown[] = []): Graph {
  const names: { readonly [id: string]: string } = {
    "character:1": "James T. Kirk",
    "character:2": "Spock",
    "ship:1701": "Enterprise",
    "ship:1864": "Reliant",
    "episode:1": "The Man Trap",
  };
  const load = (label: string) =>
    rec.wrap(
      label,
      (fields: Selected, ids: readonly Id[]) =>
        ids.map((id) =>
          fields.map((f) =>
            f.name === "id"
              ? id
              : f.name === "registry"
              ? `NCC-${String(id).slice(5)}`
              : names[String(id)] ?? null
          )
        ),
    );
  const character = load("Character");
  const ship = load("Ship");
  return Graph([
    Node("Character", [
      Field("id", Str, character),
      Field("name", Str, character),
      Link(
        "ship",
        Optional(InterfaceRef("Named")),
        rec.wrap(
          "Character.ship",
          (ids: readonly Id[]) => ids.map((id) => id === "character:1" ? "ship:1701" : Nothing),
        ),
        { requires: "id" },
      ),
    ], { implements: ["Named"] }),
    Node("Ship", [
      Field("id", Str, ship),
      Field("name", Str, ship),
      Field("registry", Str, ship),
    ], { implements: ["Named"] }),
    Node("Episode", [Field("title", Str, load("Episode"))]),
    Root([
      Link("search", Sequence(UnionRef("SearchResult")), rec.wrap("search", () => results), {
        requires: null,
      }),
      Link("featured", UnionRef("SearchResult"), () => "episode:1", { requires: null }),
      Link("lost", Optional(UnionRef("SearchResult")), () => Nothing, { requires: null }),
      Link("named", Sequence(InterfaceRef("Named")), rec.wrap("named", () => results), {
        requires: null,
      }),
      Link("flagship", InterfaceRef("Named"), () => "ship:1701", { requires: null }),
    ]),
  ], {
    unions: [Union("SearchResult", ["Character", "Ship", "Episode"], { resolveType: kindOf })],
    interfaces: [
      Interface("Named", [Field("name", Str, () => [])], { resolveType: kindOf }),
    ],
  });
}

Deno.test("engine loads union links per concrete type, one call per node per path", async () => {
  const rec = new Recorder();
  const graph = searchGraph(rec, [
    "character:1",
    "ship:1701",
    "episode:1",
    "character:2",
    "ship:1701",
    "ship:1864",
  ]);
  assert.deepEqual(
    await run(
      graph,
      `{ search {
          __typename
          ... on Character { name }
          ... on Ship { name registry }
          ... on Episode { title }
        }
        featured { __typename ... on Episode { title } ... on Ship { name } }
        lost { __typename }
      }`,
    ),
    {
      search: [
        { __typename: "Character", name: "James T. Kirk" },
        { __typename: "Ship", name: "Enterprise", registry: "NCC-1701" },
        { __typename: "Episode", title: "The Man Trap" },
        { __typename: "Character", name: "Spock" },
        { __typename: "Ship", name: "Enterprise", registry: "NCC-1701" },
        { __typename: "Ship", name: "Reliant", registry: "NCC-1864" },
      ],
      featured: { __typename: "Episode", title: "The Man Trap" },
      lost: null,
    },
  );
  assert.deepEqual(rec.calls, [
    { loader: "search", args: [] },
    { loader: "Character", args: [["name"], ["character:1", "character:2"]] },
    { loader: "Ship", args: [["name", "registry"], ["ship:1701", "ship:1864"]] },
    { loader: "Episode", args: [["title"], ["episode:1"]] },
    { loader: "Episode", args: [["title"], ["episode:1"]] },
  ]);
});

Deno.test("engine loads interface links with the interface's fields and per-type fragments", async () => {
  const rec = new Recorder();
  const graph = searchGraph(rec, ["ship:1864", "character:1", "ship:1701", "character:2"]);
  assert.deepEqual(
    await run(
      graph,
      `{ named { __typename name ... on Ship { registry } ... on Character { ship { name } } }
         flagship { name } }`,
    ),
    {
      named: [
        { __typename: "Ship", name: "Reliant", registry: "NCC-1864" },
        { __typename: "Character", name: "James T. Kirk", ship: { name: "Enterprise" } },
        { __typename: "Ship", name: "Enterprise", registry: "NCC-1701" },
        { __typename: "Character", name: "Spock", ship: null },
      ],
      flagship: { name: "Enterprise" },
    },
  );
  assert.deepEqual(rec.calls, [
    { loader: "named", args: [] },
    { loader: "Ship", args: [["name", "registry"], ["ship:1864", "ship:1701"]] },
    { loader: "Character", args: [["name", "id"], ["character:1", "character:2"]] },
    { loader: "Character.ship", args: [["character:1", "character:2"]] },
    { loader: "Ship", args: [["name"], ["ship:1701"]] },
    { loader: "Ship", args: [["name"], ["ship:1701"]] },
  ]);
});

Deno.test("engine reports an id whose type resolves to a node outside the union", async () => {
  const rec = new Recorder();
  const graph = searchGraph(rec, ["character:1", "planet:vulcan"]);
  await assert.rejects(
    engine.execute(graph, read("{ search { __typename } }")),
    (error: unknown) => {
      assert.ok(error instanceof LoaderShapeError);
      assert.equal(
        error.message,
        "Loader of link root.search returned a wrong shape: expected ids whose type resolves to " +
          '"Character" or "Ship" or "Episode", got id "planet:vulcan" resolved to "Planet"',
      );
      return true;
    },
  );
});

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
    // One call with both fields. Their order is not asserted: the query AST keeps fragments
    // apart from fields (as Hiku's does), so a fragment's selections come after the node's own.
    const [fields, ids] = rec.calls[3]!.args as [string[], number[]];
    assert.deepEqual([...fields].sort(), ["id", "name"]);
    assert.deepEqual(ids, [1, 4]);
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
// Mutations

// test_engine.py: test_process_ordered_node
Deno.test("engine runs ordered root members one after another, grouping neighbours by loader", async () => {
  const ordering: unknown[] = [];
  const f1 = (fields: Selected) => {
    const names = fields.map((f) => f.name);
    ordering.push(names);
    return names;
  };
  const f2 = (fields: Selected) => f1(fields);
  const graph = Graph([
    Node("Ship", [
      Field(
        "name",
        Str,
        (fields: Selected, ids: readonly Id[]) => ids.map((id) => fields.map(() => `${id}-name`)),
      ),
    ]),
    Root([
      Field("a", Str, f1),
      Field("b", Str, f1),
      Field("c", Str, f2),
      Field("d", Str, f2),
      Link("x", TypeRef("Ship"), () => {
        ordering.push("x1");
        return "x1";
      }, { requires: null }),
    ]),
  ]);
  const query = queryNode(
    [
      queryField("d"),
      queryField("b"),
      queryField("a"),
      queryLink("x", queryNode([queryField("name")])),
      queryField("c"),
    ],
    [],
    true,
  );
  assert.deepEqual(await run(graph, query), {
    d: "d",
    b: "b",
    a: "a",
    x: { name: "x1-name" },
    c: "c",
  });
  assert.deepEqual(ordering, [["d"], ["b", "a"], "x1", ["c"]]);
});

function mutationGraph(log: string[], gates: Map<string, ReturnType<typeof deferred<unknown>>>) {
  const step = (name: string, value: unknown) => {
    log.push(`start ${name}`);
    const gate = gates.get(name);
    if (gate === undefined) return value;
    return gate.promise.then(() => {
      log.push(`end ${name}`);
      return value;
    });
  };
  const shipFields = (fields: Selected, ids: readonly Id[]) =>
    step("Ship", ids.map((id) => fields.map(() => `USS ${id}`)));
  const counters = (fields: Selected) =>
    step(fields.map((f) => f.name).join("+"), fields.map(() => 1));
  const query = Graph([
    Node("Ship", [Field("name", Str, shipFields)]),
    Root([Field("version", Str, () => ["1.0"])]),
  ]);
  return MutationGraph(
    query,
    Root([
      Field("beamUp", Int, counters),
      Field("beamDown", Int, counters),
      Field("hail", Int, (fields: Selected) => step("hail", fields.map(() => 2))),
      Link("launch", TypeRef("Ship"), (o: { name: string }) => step(`launch ${o.name}`, o.name), {
        requires: null,
        options: [Option("name", Str)],
      }),
    ]),
  );
}

Deno.test("engine runs mutation members in document order, each after the previous one's subtree", async () => {
  const log: string[] = [];
  const gates = new Map([
    ["launch Enterprise", deferred<unknown>()],
    ["Ship", deferred<unknown>()],
    ["hail", deferred<unknown>()],
  ]);
  const graph = mutationGraph(log, gates);
  const op = readOperation(
    'mutation { launch(name: "Enterprise") { name } hail __typename second: launch(name: "Reliant") { name } }',
  );
  assert.equal(op.query.ordered, true);
  const pending = engine.execute(graph, op.query);
  assert.deepEqual(log, ["start launch Enterprise"]);
  gates.get("launch Enterprise")!.resolve(null);
  await settle();
  assert.deepEqual(log, ["start launch Enterprise", "end launch Enterprise", "start Ship"]);
  gates.get("Ship")!.resolve(null);
  await settle();
  assert.deepEqual(log.slice(3), ["end Ship", "start hail"]);
  gates.get("hail")!.resolve(null);
  const result = await pending;
  assert.deepEqual(log.slice(5), ["end hail", "start launch Reliant", "start Ship", "end Ship"]);
  assert.deepEqual(denormalize(graph, result), {
    launch: { name: "USS Enterprise" },
    hail: 2,
    __typename: "Mutation",
    second: { name: "USS Reliant" },
  });
});

Deno.test("engine runs a mutation member after a link even when it shares a loader with one before it", async () => {
  const log: string[] = [];
  const graph = mutationGraph(log, new Map());
  const op = readOperation(
    'mutation { beamUp launch(name: "Enterprise") { name } beamDown }',
  );
  assert.deepEqual(await run(graph, op.query), {
    beamUp: 1,
    launch: { name: "USS Enterprise" },
    beamDown: 1,
  });
  // beamDown shares beamUp's loader, but comes after the launch: it must not run with beamUp,
  // and beamUp must not run twice.
  assert.deepEqual(log, [
    "start beamUp",
    "start launch Enterprise",
    "start Ship",
    "start beamDown",
  ]);
});

Deno.test("engine runs mutation members spread from fragments in document order", async () => {
  const log: string[] = [];
  const graph = mutationGraph(log, new Map());
  const op = readOperation(
    `mutation { ...Launch hail ... on Mutation { beamUp } }
     fragment Launch on Mutation { launch(name: "Enterprise") { name } }`,
  );
  assert.deepEqual(await run(graph, op.query), {
    launch: { name: "USS Enterprise" },
    hail: 2,
    beamUp: 1,
  });
  // GraphQL runs a mutation's fields in the order CollectFields gives: fragments in place.
  assert.deepEqual(log, ["start launch Enterprise", "start Ship", "start hail", "start beamUp"]);
});

Deno.test("engine runs a mutation field selected under two aliases twice", async () => {
  let beamed = 0;
  const query = Graph([Root([Field("version", Str, () => ["1.0"])])]);
  const graph = MutationGraph(
    query,
    Root([
      Field("beamUp", Int, (fields: Selected) => fields.map(() => ++beamed)),
    ]),
  );
  const op = readOperation("mutation { first: beamUp second: beamUp }");
  // Two response keys are two executions of the field, one after the other, as in GraphQL.
  assert.deepEqual(await run(graph, op.query), { first: 1, second: 2 });
  assert.equal(beamed, 2);
});

// test_engine.py: test_root_fragment_on_mutation, test_mutation_query_builder
Deno.test("engine runs mutations read from fragments and built in code", async (t) => {
  const log: string[] = [];
  const graph = mutationGraph(log, new Map());

  await t.step("a fragment on Mutation", async () => {
    const op = readOperation(
      "mutation SomeMutation { ...SomeFragment } fragment SomeFragment on Mutation { hail }",
    );
    assert.deepEqual(await run(graph, op.query), { hail: 2 });
  });

  await t.step("a query built with ordered: true", async () => {
    const query = queryNode(
      [
        queryLink("launch", queryNode([queryField("name")]), { options: { name: "Defiant" } }),
      ],
      [],
      true,
    );
    assert.deepEqual(await run(graph, query), { launch: { name: "USS Defiant" } });
  });
});

// ---------------------------------------------------------------------------------------------
// Abort

Deno.test("engine rejects at once when the signal is already aborted", async () => {
  const rec = new Recorder();
  const graph = recordedGraph(rec);
  const controller = new AbortController();
  controller.abort(new Error("red alert"));
  await assert.rejects(
    engine.execute(graph, read("{ characters { name } }"), {}, { signal: controller.signal }),
    (error: unknown) => {
      assert.ok(error instanceof ExecutionAbortedError);
      assert.equal(error.message, "Execution was aborted: red alert");
      assert.equal((error.cause as Error).message, "red alert");
      return true;
    },
  );
  assert.deepEqual(rec.calls, []);
});

Deno.test("engine rejects when aborted while a loader is pending, and starts no further loaders", async () => {
  const gate = deferred<unknown>();
  const rec = new Recorder();
  const graph = Graph([
    Node("Character", [Field("name", Str, rec.wrap("Character", rowsOf(characterById)))]),
    Root([
      Link(
        "characters",
        Sequence(TypeRef("Character")),
        rec.wrap("characters", () => gate.promise),
        {
          requires: null,
        },
      ),
      Field("version", Str, rec.wrap("version", () => new Promise(() => {}))),
    ]),
  ]);
  const controller = new AbortController();
  const pending = engine.execute(graph, read("{ version characters { name } }"), {}, {
    signal: controller.signal,
  });
  assert.deepEqual(rec.labels, ["version", "characters"]);
  controller.abort();
  await assert.rejects(pending, (error: unknown) => {
    assert.ok(error instanceof ExecutionAbortedError);
    assert.ok(error.cause instanceof DOMException);
    return true;
  });
  gate.resolve([1, 2]);
  await settle();
  assert.deepEqual(rec.labels, ["version", "characters"]);
});

// ---------------------------------------------------------------------------------------------
// Loader failures

Deno.test("engine names the node and fields of a failing loader and keeps the cause", async (t) => {
  const cause = new Error("warp core breach");
  const graph = Graph([
    Node("Character", [
      Field("name", Str, () => {
        throw cause;
      }),
      Field("species", Str, () => Promise.reject(cause)),
      Field("id", Int, idField),
      Link("actors", Sequence(TypeRef("Character")), () => Promise.reject("no actors"), {
        requires: "id",
      }),
    ]),
    Root([
      Link("characters", Sequence(TypeRef("Character")), () => [1], { requires: null }),
      Field("version", Str, () => {
        throw cause;
      }),
    ]),
  ]);
  const cases: [string, string, unknown][] = [
    [
      "{ characters { name } }",
      "Loader of field Character.name failed: warp core breach",
      cause,
    ],
    [
      "{ characters { species } }",
      "Loader of field Character.species failed: warp core breach",
      cause,
    ],
    [
      "{ characters { actors { id } } }",
      "Loader of link Character.actors failed: no actors",
      "no actors",
    ],
    ["{ version }", "Loader of field root.version failed: warp core breach", cause],
  ];
  for (const [query, message, expectedCause] of cases) {
    await t.step(query, async () => {
      await assert.rejects(engine.execute(graph, read(query)), (error: unknown) => {
        assert.ok(error instanceof LoaderError);
        assert.equal(error.message, message);
        assert.equal(error.cause, expectedCause);
        return true;
      });
    });
  }
});

function shapeError(query: string, graph: Graph, message: string): Promise<void> {
  return assert.rejects(engine.execute(graph, read(query)), (error: unknown) => {
    assert.ok(error instanceof LoaderShapeError, String(error));
    assert.equal(error.message, message);
    return true;
  });
}

// test_engine.py: test_root_field_func_result_validation
Deno.test("engine reports a root field loader returning the wrong shape", async (t) => {
  const cases: [unknown, string][] = [
    [1, "number 1"],
    [[], "array (length 0) []"],
    [[1, 2], "array (length 2) [1, 2]"],
    [null, "null"],
  ];
  for (const [value, got] of cases) {
    await t.step(JSON.stringify(value), async () => {
      const graph = Graph([Root([Field("a", Int, () => value)])]);
      await shapeError(
        "{ a }",
        graph,
        `Loader of field root.a returned a wrong shape: expected array (length 1), got ${got}`,
      );
    });
  }
});

// test_engine.py: test_node_field_func_result_validation
Deno.test("engine reports a node field loader returning the wrong shape", async (t) => {
  const cases: [unknown, string][] = [
    [1, "number 1"],
    [[], "array (length 0) []"],
    [[1, 2], "number 1 at [0]"],
    [[[], []], "array (length 0) [] at [0]"],
    [[[1], []], "array (length 0) [] at [1]"],
    [[[], [2]], "array (length 0) [] at [0]"],
    [[[1], [2, 3]], "array (length 2) [2, 3] at [1]"],
  ];
  for (const [value, got] of cases) {
    await t.step(JSON.stringify(value), async () => {
      const graph = Graph([
        Node("Character", [Field("name", Str, () => value)]),
        Root([
          Link("characters", Sequence(TypeRef("Character")), () => [1, 2], { requires: null }),
        ]),
      ]);
      await shapeError(
        "{ characters { name } }",
        graph,
        "Loader of field Character.name returned a wrong shape: expected array (length 2) of " +
          `arrays (length 1), got ${got}`,
      );
    });
  }

  await t.step("names every field of the group", async () => {
    const graph = Graph([
      Node("Character", [Field("name", Str, () => [[1]]), Field("species", Str, () => [[1]])]),
      Root([Link("character", TypeRef("Character"), () => 1, { requires: null })]),
    ]);
    const shared = () => [[1]];
    const grouped = Graph([
      Node("Character", [Field("name", Str, shared), Field("species", Str, shared)]),
      Root([Link("character", TypeRef("Character"), () => 1, { requires: null })]),
    ]);
    await shapeError(
      "{ character { name species } }",
      grouped,
      "Loader of fields Character.name, Character.species returned a wrong shape: expected " +
        "array (length 1) of arrays (length 2), got array (length 1) [1] at [0]",
    );
    assert.deepEqual(await run(graph, "{ character { name } }"), { character: { name: 1 } });
  });
});

// test_engine.py: test_root_link_many_func_result_validation
Deno.test("engine reports a root link loader returning the wrong shape", async (t) => {
  const cases: [
    string,
    ReturnType<typeof Sequence> | ReturnType<typeof TypeRef> | ReturnType<typeof Optional>,
    unknown,
    string,
  ][] = [
    ["many", Sequence(TypeRef("Character")), 123, "expected array of ids, got number 123"],
    [
      "many, an item",
      Sequence(TypeRef("Character")),
      [1, Nothing],
      "expected an id (the link is not Optional, so Nothing is not allowed), got Nothing at [1]",
    ],
    [
      "maybe many",
      Sequence(Optional(TypeRef("Character"))),
      "1",
      'expected array of ids or Nothing, got string "1"',
    ],
    [
      "one",
      TypeRef("Character"),
      [1],
      "expected ids (string, number, bigint or boolean), got array (length 1) [1]",
    ],
    [
      "one, Nothing",
      TypeRef("Character"),
      Nothing,
      "expected an id (the link is not Optional, so Nothing is not allowed), got Nothing",
    ],
    [
      "maybe, null",
      Optional(TypeRef("Character")),
      null,
      "expected ids (string, number, bigint or boolean), got null",
    ],
  ];
  for (const [name, type, value, expected] of cases) {
    await t.step(name, async () => {
      const graph = Graph([
        Node("Character", [Field("name", Str, () => [[1]])]),
        Root([Link("c", type, () => value, { requires: null })]),
      ]);
      await shapeError(
        "{ c { name } }",
        graph,
        `Loader of link root.c returned a wrong shape: ${expected}`,
      );
    });
  }
});

// test_engine.py: test_node_link_one_func_result_validation,
// test_node_link_many_func_result_validation
Deno.test("engine reports a node link loader returning the wrong shape", async (t) => {
  const graph = (type: ReturnType<typeof Sequence> | ReturnType<typeof TypeRef>, value: unknown) =>
    Graph([
      Node("Actor", [Field("name", Str, () => [[1], [2]])]),
      Node("Character", [
        Field("id", Int, () => [[3], [4]]),
        Link("actors", type, () => value, { requires: "id" }),
      ]),
      Root([Link("characters", Sequence(TypeRef("Character")), () => [1, 2], { requires: null })]),
    ]);
  const one: [unknown, string][] = [
    [1, "expected array (length 2) of ids, got number 1"],
    [[], "expected array (length 2) of ids, got array (length 0) []"],
    [[1, 2, 3], "expected array (length 2) of ids, got array (length 3) [1, 2, 3]"],
    [
      [1, { id: 2 }],
      "expected ids (string, number, bigint or boolean), got object { id: 2 } at [1]",
    ],
  ];
  for (const [value, expected] of one) {
    await t.step(`one: ${JSON.stringify(value)}`, async () => {
      await shapeError(
        "{ characters { actors { name } } }",
        graph(TypeRef("Actor"), value),
        `Loader of link Character.actors returned a wrong shape: ${expected}`,
      );
    });
  }
  const many: [unknown, string][] = [
    [1, "number 1"],
    [[], "array (length 0) []"],
    [[1, []], "number 1 at [0]"],
    [[[], 2], "number 2 at [1]"],
    [[[], [], []], "array (length 3) [[], [], []]"],
  ];
  for (const [value, got] of many) {
    await t.step(`many: ${JSON.stringify(value)}`, async () => {
      await shapeError(
        "{ characters { actors { name } } }",
        graph(Sequence(TypeRef("Actor")), value),
        "Loader of link Character.actors returned a wrong shape: expected array (length 2) of " +
          `arrays of ids, got ${got}`,
      );
    });
  }
  await t.step("many: a bad item", async () => {
    await shapeError(
      "{ characters { actors { name } } }",
      graph(Sequence(TypeRef("Actor")), [[1], [2, [3]]]),
      "Loader of link Character.actors returned a wrong shape: expected ids (string, number, " +
        "bigint or boolean), got array (length 1) [3] at [1][1]",
    );
  });
});

Deno.test("engine rejects once when one branch fails while others are pending", async () => {
  const slow = deferred<unknown>();
  const slower = deferred<unknown>();
  const rec = new Recorder();
  const graph = Graph([
    Node("Character", [Field("name", Str, rec.wrap("Character", rowsOf(characterById)))]),
    Root([
      Link(
        "characters",
        Sequence(TypeRef("Character")),
        rec.wrap("characters", () => slow.promise),
        {
          requires: null,
        },
      ),
      Field("version", Str, rec.wrap("version", () => slower.promise)),
      Field("boom", Str, () => Promise.reject(new Error("hull breach"))),
    ]),
  ]);
  const pending = engine.execute(graph, read("{ characters { name } version boom }"));
  await assert.rejects(pending, {
    name: "LoaderError",
    message: "Loader of field root.boom failed: hull breach",
  });
  // The others settle later, one of them failing too: nothing else is loaded or reported.
  slow.resolve([1]);
  slower.reject(new Error("second failure"));
  await settle();
  assert.deepEqual(rec.labels, ["version", "characters"]);
});

// ---------------------------------------------------------------------------------------------
// Partial results

const Rank = Enum("Rank", [{ name: "CAPTAIN", value: 1 }, { name: "COMMANDER", value: 2 }]);

/** A graph whose loaders fail in chosen ways, for partial results. */
function partialGraph(rec: Recorder): Graph {
  const fail = (label: string, message: string) =>
    rec.wrap(label, () => {
      throw new Error(message);
    });
  const reject = (label: string, message: string) =>
    rec.wrap(label, () => Promise.reject(new Error(message)));
  const characterFields = rec.wrap("Character", rowsOf(characterById));
  return Graph([
    Node("Actor", [Field("name", Str, rec.wrap("Actor", rowsOf(actorById)))]),
    Node("Character", [
      Field("id", Int, characterFields),
      Field("name", Str, characterFields),
      Field("ship", Optional(Str), characterFields),
      Field("nickname", Optional(Str), fail("Character.nickname", "no nicknames")),
      Field("species", Str, reject("Character.species", "species unknown")),
      Field("key", Optional(Int), fail("Character.key", "no keys")),
      Field(
        "alias",
        Str,
        rec.wrap(
          "Character.alias",
          (_f: Selected, ids: readonly Id[]) => ids.map((id) => [id === 2 ? "Spock" : null]),
        ),
      ),
      Field(
        "rank",
        Optional(Rank),
        rec.wrap(
          "Character.rank",
          (_f: Selected, ids: readonly Id[]) => ids.map((id) => [id === 2 ? 42 : 1]),
        ),
      ),
      Field("short", Int, rec.wrap("Character.short", () => [[1]])),
      Link("mentor", Optional(TypeRef("Character")), fail("Character.mentor", "no mentors"), {
        requires: "id",
      }),
      Link("actors", Sequence(TypeRef("Actor")), rec.wrap("Character.actors", actorsOf), {
        requires: "id",
      }),
      Link("actorsByKey", Sequence(TypeRef("Actor")), rec.wrap("Character.actorsByKey", actorsOf), {
        requires: "key",
      }),
      Link(
        "friends",
        Sequence(TypeRef("Character")),
        (ids: readonly number[]) => ids.map((id) => [id === 1 ? 2 : 1]),
        { requires: "id" },
      ),
    ]),
    Root([
      Field("version", Str, () => ["1.0"]),
      Field("motd", Optional(Str), fail("motd", "subspace interference")),
      Link("characters", Sequence(TypeRef("Character")), () => [1, 2, 3], { requires: null }),
      Link("crew", Sequence(Optional(TypeRef("Character"))), () => [1, Nothing, 2], {
        requires: null,
      }),
      Link("character", Optional(TypeRef("Character")), (o: { id: number }) => o.id, {
        requires: null,
        options: [Option("id", Int)],
      }),
    ]),
  ]);
}

interface Reported {
  readonly type: string;
  readonly message: string;
  readonly path: readonly (string | number)[];
  readonly locations: readonly { line: number; column: number }[];
}

async function partial(
  graph: Graph,
  query: string,
): Promise<{ data: unknown; errors: Reported[] }> {
  const result = await engine.execute(graph, read(query), {}, { partial: true });
  const { data, errors } = denormalizeWithErrors(graph, result, "Query");
  return {
    data,
    errors: errors.map((e) => ({
      type: (e.error as Error).name,
      message: (e.error as Error).message,
      path: e.path,
      locations: e.locations,
    })),
  };
}

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
    assert.deepEqual(await partial(partialGraph(rec), "{ version characters { species } }"), {
      data: null,
      errors: [0, 1, 2].map((i) => ({
        ...species,
        path: ["characters", i, "species"],
        locations: [{ line: 1, column: 24 }],
      })),
    });
  });
});

Deno.test("partial results: every failing loader is reported, also beside a nulled field", async () => {
  const rec = new Recorder();
  // species (non-null) nulls the character, and with it the list and data; nickname's loader
  // failed too, and the spec wants every field error in the list.
  assert.deepEqual(
    await partial(partialGraph(rec), "{ characters { species nickname } }"),
    {
      data: null,
      errors: [0, 1, 2].flatMap((i) => [
        {
          type: "LoaderError",
          message: "Loader of field Character.species failed: species unknown",
          path: ["characters", i, "species"],
          locations: [{ line: 1, column: 16 }],
        },
        {
          type: "LoaderError",
          message: "Loader of field Character.nickname failed: no nicknames",
          path: ["characters", i, "nickname"],
          locations: [{ line: 1, column: 24 }],
        },
      ]),
    },
  );
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

Deno.test("partial results: links requiring a failed field are not loaded", async (t) => {
  const noKeys = { type: "LoaderError", message: "Loader of field Character.key failed: no keys" };
  await t.step("the required field selected: its error at the field and at the link", async () => {
    const rec = new Recorder();
    assert.deepEqual(
      await partial(partialGraph(rec), "{ crew { name key actorsByKey { name } } }"),
      {
        data: { crew: [null, null, null] },
        errors: [0, 2].flatMap((i) => [
          { ...noKeys, path: ["crew", i, "key"], locations: [{ line: 1, column: 15 }] },
          { ...noKeys, path: ["crew", i, "actorsByKey"], locations: [{ line: 1, column: 19 }] },
        ]),
      },
    );
    assert.deepEqual(rec.labels, ["Character", "Character.key"]);
  });

  await t.step("the required field not selected: its error at the link", async () => {
    const rec = new Recorder();
    assert.deepEqual(
      await partial(partialGraph(rec), "{ crew { actorsByKey { name } name } }"),
      {
        data: { crew: [null, null, null] },
        errors: [0, 2].map((i) => ({
          ...noKeys,
          path: ["crew", i, "actorsByKey"],
          locations: [{ line: 1, column: 10 }],
        })),
      },
    );
    assert.deepEqual(rec.labels, ["Character.key", "Character"]);
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
      type: "TypeError",
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

Deno.test("partial results: an abort still rejects", async () => {
  const rec = new Recorder();
  const graph = partialGraph(rec);
  const controller = new AbortController();
  const pending = engine.execute(graph, read("{ characters { species } }"), {}, {
    partial: true,
    signal: controller.signal,
  });
  controller.abort(new Error("red alert"));
  await assert.rejects(pending, {
    name: "ExecutionAbortedError",
    message: "Execution was aborted: red alert",
  });
});

Deno.test("partial results: a failing mutation member does not stop the next one", async () => {
  const log: string[] = [];
  const query = Graph([Root([Field("version", Str, () => ["1.0"])])]);
  const graph = MutationGraph(
    query,
    Root([
      Field("beamUp", Optional(Int), () => {
        log.push("beamUp");
        return Promise.reject(new Error("pattern buffer degraded"));
      }),
      Field("hail", Int, () => {
        log.push("hail");
        return [2];
      }),
    ]),
  );
  const result = await engine.execute(graph, readOperation("mutation { beamUp hail }").query, {}, {
    partial: true,
  });
  assert.deepEqual(log, ["beamUp", "hail"]);
  const { data, errors } = denormalizeWithErrors(graph, result, "Mutation");
  assert.deepEqual(data, { beamUp: null, hail: 2 });
  assert.deepEqual(errors.map((e) => [(e.error as Error).message, e.path]), [
    ["Loader of field root.beamUp failed: pattern buffer degraded", ["beamUp"]],
  ]);
});

// ---------------------------------------------------------------------------------------------
// Arguments of execute

Deno.test("engine.execute treats a null context and null options as not given", async () => {
  const graph = Graph([
    Root([Field("keys", Sequence(Str), passContext((ctx: object) => [Object.keys(ctx)]))]),
  ]);
  const query = read("{ keys }");
  // A JavaScript caller passing null must get a Promise, never a synchronous throw.
  let pending: Promise<Proxy> | null = null;
  assert.doesNotThrow(() => {
    pending = engine.execute(graph, query, null as unknown as { [key: string]: unknown });
  });
  assert.deepEqual(denormalize(graph, await pending!), { keys: [] });
  let withNullOptions: Promise<Proxy> | null = null;
  assert.doesNotThrow(() => {
    withNullOptions = engine.execute(graph, query, {}, null as unknown as { partial: boolean });
  });
  assert.deepEqual(denormalize(graph, await withNullOptions!), { keys: [] });
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

Deno.test("engine serializes ID fields as strings, as GraphQL does", async () => {
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

Deno.test("engine serializes enums and scalars inside selected records", async () => {
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

Deno.test("engine notices an abort that happens while it is still running synchronously", async () => {
  const controller = new AbortController();
  const loaded: string[] = [];
  const graph = Graph([
    Node("Character", [
      Field("name", Str, (fields: readonly QueryField[], ids: readonly number[]) => {
        loaded.push("name");
        return ids.map(() => fields.map(() => "Kirk"));
      }),
    ]),
    Root([
      Link("characters", Sequence(TypeRef("Character")), () => {
        controller.abort(new Error("red alert"));
        return [1];
      }, { requires: null }),
    ]),
  ]);
  await assert.rejects(
    () => engine.execute(graph, read("{ characters { name } }"), {}, { signal: controller.signal }),
    (error: unknown) => {
      assert.ok(error instanceof ExecutionAbortedError);
      assert.equal(error.message, "Execution was aborted: red alert");
      return true;
    },
  );
  assert.deepEqual(loaded, []);
});
