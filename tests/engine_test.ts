/**
 * Running loaders: which calls the engine makes and with which ids, when they start relative to
 * each other (dataflow through `requires`), synchronous and asynchronous loaders, the context,
 * mutations' order, abort, loaders that throw or return the wrong shape, and what partial mode
 * still loads and rejects. The executor-independent cases are in tests/support/executor_suite.ts,
 * run here for the AsyncExecutor.
 *
 * What a plan decides (field groups, fragments, options, record shapes, key order) is in
 * tests/plan_test.ts; results and partial results in tests/result_test.ts.
 *
 * Ports of Hiku's tests/test_engine.py cite the Python test name in a comment.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  Any,
  AsyncExecutor,
  ContextKeyError,
  denormalize,
  denormalizeWithErrors,
  Engine,
  ExecutionAbortedError,
  Field,
  Graph,
  type Id,
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
  read,
  readOperation,
  Root,
  Schema,
  Sequence,
  Str,
  TypeRef,
  Union,
  UnionRef,
} from "../mod.ts";
import { queryField, queryLink, queryNode } from "../src/query/query.ts";
import { FUSE, type FusedInput, type FusedResult, type Fuser } from "../src/definitions/fusion.ts";
import {
  actorById,
  actorsOf,
  characterById,
  idField,
  partial,
  partialGraph,
  recordedGraph,
  rowsOf,
  run,
  type Selected,
} from "./support/engine_graphs.ts";
import { executorSuite } from "./support/executor_suite.ts";
import { deferred, Recorder, settle } from "./support/recording.ts";
import { CHARACTERS } from "./support/star_trek.ts";

executorSuite({
  name: "AsyncExecutor",
  open: () =>
    Promise.resolve({ engine: new Engine(new AsyncExecutor()), close: () => Promise.resolve() }),
});

const engine = new Engine(new AsyncExecutor());

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

Deno.test("engine de-duplicates integer ids far apart and in each other's gaps", async () => {
  // Ids dealt round-robin (1, 1001, 2001, ...) and ids that fall between them afterwards; the
  // last ones are past any array of ids and below the first.
  const ids = [1, 1_001, 2_001, 500, 1_001, 1, 1_500, 9_000_000, -3, 500];
  const rec = new Recorder();
  const graph = Graph([
    Node("Character", [
      Field("id", Int, rec.wrap("Character", (_fields, batch) => batch.map((id) => [id]))),
    ]),
    Root([Link("crew", Sequence(TypeRef("Character")), () => ids, { requires: null })]),
  ]);
  assert.deepEqual(await run(graph, "{ crew { id } }"), { crew: ids.map((id) => ({ id })) });
  assert.deepEqual(rec.calls, [{
    loader: "Character",
    args: [["id"], [1, 1_001, 2_001, 500, 1_500, 9_000_000, -3]],
  }]);
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
            "context given to engine.execute, schema.execute or graphqlHandler",
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
    message:
      'Context key "invalid" is not set: pass it in the context given to engine.execute, schema.execute or graphqlHandler',
  });
});

// ---------------------------------------------------------------------------------------------
// Unions and interfaces: one batch per concrete type

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

Deno.test("engine releases what a fused region loaded once the execution ends", async () => {
  const events: string[] = [];
  const fuser: Fuser = {
    fuse() {
      return Object.assign(async () => {
        await Promise.resolve();
        events.push("loaded");
        let released = false;
        const live = () => {
          if (released) throw new Error("read after release");
        };
        return {
          row: (_node: number, _group: number, id: unknown) => (live(), [`Ship ${id}`]),
          link: () => (live(), [1, 2]),
          release: () => {
            released = true;
            events.push("released");
          },
        };
      }, { statement: "FETCH" });
    },
  };
  const fused = { [FUSE]: { fuser, spec: null } };
  const graph = Graph([
    Node("Ship", [
      Field(
        "name",
        Str,
        Object.assign(
          (_: readonly QueryField[], ids: readonly number[]) => ids.map(() => ["?"]),
          fused,
        ),
      ),
    ]),
    Root([Link("ships", Sequence(TypeRef("Ship")), Object.assign(() => [1, 2], fused), {
      requires: null,
    })]),
  ]);
  const result = await engine.execute(graph, read("{ ships { name } }"));
  assert.deepEqual(events, ["loaded", "released"]);
  // Released after the engine took what it needed: the result is whole.
  assert.deepEqual(denormalize(graph, result), { ships: [{ name: "Ship 1" }, { name: "Ship 2" }] });
});

/** A graph whose list of ships and their names are one fused region, answered by `load`. */
function fusedShips(load: () => Promise<unknown>): Graph {
  // A source may answer with anything: the engine checks what it gets.
  const fuser: Fuser = {
    fuse: () => Object.assign(load as () => Promise<FusedResult>, { statement: "FETCH" }),
  };
  const fused = { [FUSE]: { fuser, spec: null } };
  const names = (_: readonly QueryField[], ids: readonly number[]) => ids.map(() => ["?"]);
  return Graph([
    Node("Ship", [Field("name", Str, Object.assign(names, fused))]),
    Root([
      Link("ships", Sequence(TypeRef("Ship")), Object.assign(() => [1, 2], fused), {
        requires: null,
      }),
    ]),
  ]);
}

Deno.test("engine fails the execution when a fused region's load gives no result", async () => {
  const graph = fusedShips(() => Promise.resolve(null));
  await assert.rejects(
    () => engine.execute(graph, read("{ ships { name } }")),
    (error: unknown) => {
      assert.ok(error instanceof LoaderError);
      assert.match(error.message, /^Loader of link root\.ships failed: /);
      return true;
    },
  );
});

Deno.test("engine's outcome does not depend on a fused result's release", async () => {
  const graph = fusedShips(() =>
    Promise.resolve({
      row: (_node: number, _group: number, id: unknown) => [`Ship ${id}`],
      link: () => [1, 2],
      release: () => {
        throw new Error("cannot release");
      },
    })
  );
  const result = await engine.execute(graph, read("{ ships { name } }"));
  assert.deepEqual(denormalize(graph, result), { ships: [{ name: "Ship 1" }, { name: "Ship 2" }] });
});

Deno.test("engine releases a fused region's result that arrives after the execution failed", async () => {
  const arrived = deferred<void>();
  let released = false;
  const slow = async () => {
    await arrived.promise;
    return {
      row: () => ["?"],
      link: () => [1],
      release: () => {
        released = true;
      },
    };
  };
  const controller = new AbortController();
  const graph = fusedShips(slow);
  const running = engine.execute(graph, read("{ ships { name } }"), {}, {
    signal: controller.signal,
  });
  controller.abort(new Error("red alert"));
  await assert.rejects(() => running, ExecutionAbortedError);
  arrived.resolve();
  await settle();
  assert.equal(released, true);
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
    [new Date(0), "object Date(1970-01-01T00:00:00.000Z)"],
    // An invalid date (postgres.js reads 'infinity' as one) is described, not a RangeError.
    [new Date(NaN), "object Date(invalid)"],
  ];
  for (const [value, got] of cases) {
    await t.step(got, async () => {
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

Deno.test("a query built in code nesting past 256 levels is refused before any loader runs", async () => {
  let calls = 0;
  const graph = Graph([
    Node("N", [
      Field("id", Int, (_f: unknown, ids: readonly number[]) => {
        calls++;
        return ids.map((id) => [id]);
      }),
      Link("next", Sequence(TypeRef("N")), (ids: readonly number[]) => ids.map((id) => [id + 1]), {
        requires: "id",
      }),
    ]),
    Root([Link("root", Sequence(TypeRef("N")), () => [0], { requires: null })]),
  ]);
  const nested = (levels: number) => {
    let node = queryNode([queryField("id")]);
    for (let i = 0; i < levels; i++) node = queryNode([queryField("id"), queryLink("next", node)]);
    return queryNode([queryLink("root", node)]);
  };
  // Synchronous loaders load each level inside the previous one's call: 600 levels overflowed
  // the stack, reported as a failure of N.id's loader.
  for (const levels of [600, 20_000]) {
    await assert.rejects(engine.execute(graph, nested(levels)), {
      name: "QueryValidationError",
      message: "Query is invalid (1 problem): Query nests deeper than 256 levels of links and " +
        "fragments",
    });
  }
  assert.equal(calls, 0);
  // The root's set, the root link's and 254 more: 256 levels.
  const result = denormalize(graph, await engine.execute(graph, nested(254)));
  let level = (result as { root: { next?: unknown }[] }).root[0]!;
  let depth = 0;
  while (level.next !== undefined) {
    level = (level.next as { next?: unknown }[])[0]!;
    depth++;
  }
  assert.equal(depth, 254);
});

Deno.test("a loader that throws a value String cannot convert fails with a LoaderError", async (t) => {
  const revoked = () => {
    const { proxy, revoke } = globalThis.Proxy.revocable({}, {});
    revoke();
    return proxy;
  };
  const badMessage = () => {
    const error = new Error("x");
    Object.defineProperty(error, "message", {
      get() {
        throw new Error("no message");
      },
    });
    return error;
  };
  const cases: [string, () => unknown][] = [
    ["an object without a prototype", () => Object.create(null)],
    ["a revoked Proxy", revoked],
    ["an error whose message getter throws", badMessage],
  ];
  for (const [name, value] of cases) {
    for (const how of ["thrown", "rejected"] as const) {
      await t.step(`${name}, ${how}`, async () => {
        const graph = Graph([
          Root([
            Field("bad", Str, () => {
              if (how === "thrown") throw value();
              return Promise.reject(value());
            }),
          ]),
        ]);
        await assert.rejects(engine.execute(graph, read("{ bad }")), {
          name: "LoaderError",
          message: "Loader of field root.bad failed: " +
            "The loader threw a value that cannot be converted to a string",
        });
      });
    }
  }
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
// Partial results: what is loaded, and what still rejects

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

/**
 * A schema over ships whose list and names are one fused region: its loads (`tree` when asked for
 * a tree alone) are recorded; a tree-alone result gives `names` as rows, laid out by `layout`.
 */
function treeShips(
  names: readonly (string | null)[],
  layout: { readonly links: number[]; readonly columns: number[][][] },
  alwaysTree = false,
): { readonly schema: Schema; readonly loads: string[] } {
  const loads: string[] = [];
  const ids = names.map((_, i) => i + 1);
  const notById = () => {
    throw new Error("read by id");
  };
  const fuser: Fuser = {
    fuse: () =>
      Object.assign((_ctx: unknown, input: FusedInput): FusedResult => {
        loads.push(input.tree === true ? "tree" : "whole");
        if (input.tree === true || alwaysTree) {
          const rows = names.map((name, i) => [ids[i], name]);
          return {
            treeOnly: true,
            tree: () => ({ rows, ...layout, keys: [] }),
            row: notById,
            link: notById,
          };
        }
        return { row: (_n, _g, id) => [names[(id as number) - 1]], link: () => ids };
      }, { statement: "FETCH" }),
  };
  const fused = { [FUSE]: { fuser, spec: null } };
  const graph = Graph([
    Node("Ship", [Field("name", Str, Object.assign(() => [], fused))]),
    Root([Link("ships", Sequence(TypeRef("Ship")), Object.assign(() => [], fused), {
      requires: null,
    })]),
  ]);
  return { schema: new Schema({ query: graph, executor: new AsyncExecutor() }), loads };
}

Deno.test("a region asked for its tree alone builds the response from it, in one load", async () => {
  const { schema, loads } = treeShips(["Enterprise", "Voyager"], {
    links: [0],
    columns: [[[1]]],
  });
  const response = await schema.execute({ query: "{ ships { name } }" });
  assert.deepEqual(response, { data: { ships: [{ name: "Enterprise" }, { name: "Voyager" }] } });
  assert.deepEqual(loads, ["tree"]);
});

Deno.test("a region whose tree alone can not give the response loads again whole, each time", async () => {
  // A null in a non-null field: the error is reported where the read by ids puts it.
  const { schema, loads } = treeShips(["Enterprise", null], { links: [0], columns: [[[1]]] });
  for (let run = 1; run <= 2; run++) {
    const response = await schema.execute({ query: "{ ships { name } }" });
    assert.deepEqual(response.errors?.map((e) => [e.message, e.path]), [
      ["Cannot return null for non-nullable field Ship.name.", ["ships", 1, "name"]],
    ]);
    assert.deepEqual(loads.splice(0), ["tree", "whole"], `run ${run}`);
  }
});

Deno.test("a region whose tree never answers the plan is not asked for it again", async () => {
  // The tree has no columns for the ship's fields: no rows would do.
  const { schema, loads } = treeShips(["Enterprise"], { links: [0], columns: [] });
  for (const expected of [["tree", "whole"], ["whole"], ["whole"]]) {
    const response = await schema.execute({ query: "{ ships { name } }" });
    assert.deepEqual(response, { data: { ships: [{ name: "Enterprise" }] } });
    assert.deepEqual(loads.splice(0), expected);
  }
  // Another query is another plan: asked once more.
  await schema.execute({ query: "{ ships { n: name } }" });
  assert.deepEqual(loads.splice(0), ["tree", "whole"]);
});

Deno.test("a region that answers a whole load with a tree alone has its members loaded one by one", async () => {
  // Against the contract: read again whole, it would be asked again without end.
  const { schema, loads } = treeShips(["Enterprise", null], { links: [0], columns: [[[1]]] }, true);
  const response = await schema.execute({ query: "{ ships { name } }" });
  // The members' own loaders (the list's gives no ship).
  assert.deepEqual(response, { data: { ships: [] } });
  assert.deepEqual(loads, ["tree", "whole"]);
});
