/**
 * Explain: what a run did, load by load (`ExplainRecorder`, `formatExplain`), what a query would
 * do without running (`explainQuery`, `formatPlanExplain`), and the explain in GraphQL responses'
 * `extensions` when a `Schema` or `graphqlHandler` allows it (and only then).
 *
 * The in-memory graph counts its loaders' calls and ids, so the counters are checked against what
 * actually ran; the Postgres graph (examples/server.ts) runs on PGlite and on the server at
 * `DATABASE_URL` (skipped, saying why, when it is unset), with `recordStatements` counting the
 * statements. Times are checked for their presence, never their values.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  AsyncExecutor,
  CostBudget,
  Engine,
  type Explain,
  type ExplainLoad,
  explainQuery,
  ExplainRecorder,
  Field,
  formatExplain,
  formatPlanExplain,
  Graph,
  graphqlHandler,
  Link,
  Node,
  type QueryField,
  read,
  Root,
  Schema,
  Sequence,
  Str,
  TypeRef,
} from "../mod.ts";
import { FUSE, type FusedLoader, type Fuser } from "../src/definitions/fusion.ts";
import { openDatabase, recordStatements } from "../sources/postgres.ts";
import { graph as serverGraph } from "../examples/server.ts";
import { PG, setUpDatabase } from "../examples/star_trek.ts";

const SEED = "{ characters { name species actors { name } } }";
const DATABASE_URL = Deno.env.get("DATABASE_URL") || null;

// An in-memory seed graph whose loaders count what they are given ------------------------------

const CHARACTERS = new Map([
  [1, { id: 1, name: "James T. Kirk", species: "Human" }],
  [2, { id: 2, name: "Spock", species: "Vulcan/Human" }],
  [3, { id: 3, name: "Leonard McCoy", species: "Human" }],
]);
const ACTORS = new Map([
  [1, { id: 1, name: "William Shatner", character_id: 1 }],
  [2, { id: 2, name: "Leonard Nimoy", character_id: 2 }],
  [3, { id: 3, name: "DeForest Kelley", character_id: 3 }],
  [4, { id: 4, name: "Chris Pine", character_id: 1 }],
  [5, { id: 5, name: "Zachary Quinto", character_id: 2 }],
  [6, { id: 6, name: "Karl Urban", character_id: 3 }],
]);

/** What the loaders saw: one entry per call, with the number of ids (or values) given. */
interface Counted {
  readonly calls: { loader: string; ids: number }[];
}

function seedGraph(counted: Counted, async = false): Graph {
  const later = <T>(value: T): T | Promise<T> => async ? Promise.resolve(value) : value;
  return Graph([
    Node("Character", [
      Field("id", null, characterFields),
      Field("name", Str, characterFields),
      Field("species", Str, characterFields),
      Link("actors", Sequence(TypeRef("Actor")), actorsOf, { requires: "id" }),
    ]),
    Node("Actor", [
      Field("name", Str, actorFields),
      Field("character_id", null, actorFields),
      Link("character", TypeRef("Character"), characterOf, { requires: "character_id" }),
    ]),
    Root([
      Link("characters", Sequence(TypeRef("Character")), allCharacters, { requires: null }),
      Field("failing", Str, failing),
    ]),
  ]);
  function characterFields(fields: readonly QueryField[], ids: readonly number[]) {
    counted.calls.push({ loader: "characterFields", ids: ids.length });
    return later(ids.map((id) => {
      const row = CHARACTERS.get(id)! as { readonly [name: string]: unknown };
      return fields.map((f) => row[f.name]);
    }));
  }
  function actorFields(fields: readonly QueryField[], ids: readonly number[]) {
    counted.calls.push({ loader: "actorFields", ids: ids.length });
    return later(ids.map((id) => {
      const row = ACTORS.get(id)! as { readonly [name: string]: unknown };
      return fields.map((f) => row[f.name]);
    }));
  }
  function actorsOf(ids: readonly number[]) {
    counted.calls.push({ loader: "actorsOf", ids: ids.length });
    return later(
      ids.map((id) => [...ACTORS.values()].filter((a) => a.character_id === id).map((a) => a.id)),
    );
  }
  function characterOf(ids: readonly number[]) {
    counted.calls.push({ loader: "characterOf", ids: ids.length });
    return later([...ids]);
  }
  function allCharacters() {
    counted.calls.push({ loader: "allCharacters", ids: 0 });
    return later([...CHARACTERS.keys()]);
  }
  function failing(fields: readonly QueryField[]): unknown[] {
    counted.calls.push({ loader: "failing", ids: 0 });
    if (fields.length > 0) throw new Error("subspace interference");
    return [];
  }
}

/** A load without its times, which change from run to run. */
function untimed(load: ExplainLoad): Omit<ExplainLoad, "start" | "duration"> {
  const { start: _start, duration: _duration, ...rest } = load;
  return rest;
}

function assertTimed(explain: Explain): void {
  assert.equal(typeof explain.duration, "number");
  for (const load of explain.loads) {
    assert.equal(typeof load.start, "number", `load #${load.id} has a start`);
    assert.ok(load.start >= 0);
    assert.equal(typeof load.duration, "number", `load #${load.id} has a duration`);
    assert.ok(load.duration! >= 0);
  }
}

async function explainRun(
  graph: Graph,
  query: string,
  ctx: { readonly [key: string]: unknown } = {},
  engine: Engine = new Engine(new AsyncExecutor()),
): Promise<Explain> {
  const explain = new ExplainRecorder();
  await engine.execute(graph, read(query), ctx, { explain });
  return explain.explain();
}

/** The seed query's four loads on the in-memory graph, as explain lists them. */
const SEED_LOADS = [
  {
    id: 0,
    kind: "link",
    path: "",
    node: null,
    members: ["characters"],
    loader: "allCharacters",
    region: null,
    statement: null,
    ids: 0,
    idsBeforeDedup: 0,
    returned: 3,
    reached: [{ path: "characters", node: "Character", ids: 3 }],
    waitedFor: [],
    error: null,
  },
  {
    id: 1,
    kind: "fields",
    path: "characters",
    node: "Character",
    members: ["name", "species", "id"],
    loader: "characterFields",
    region: null,
    statement: null,
    ids: 3,
    idsBeforeDedup: 3,
    returned: 3,
    reached: [],
    waitedFor: [0],
    error: null,
  },
  {
    id: 2,
    kind: "link",
    path: "characters",
    node: "Character",
    members: ["actors"],
    loader: "actorsOf",
    region: null,
    statement: null,
    ids: 3,
    idsBeforeDedup: 3,
    returned: 6,
    reached: [{ path: "characters.actors", node: "Actor", ids: 6 }],
    waitedFor: [1],
    error: null,
  },
  {
    id: 3,
    kind: "fields",
    path: "characters.actors",
    node: "Actor",
    members: ["name"],
    loader: "actorFields",
    region: null,
    statement: null,
    ids: 6,
    idsBeforeDedup: 6,
    returned: 6,
    reached: [],
    waitedFor: [2],
    error: null,
  },
];

Deno.test("explain after a run", async (t) => {
  await t.step(
    "lists each load of the seed query with node, path, loader, ids and times",
    async () => {
      for (const async of [false, true]) {
        const explain = await explainRun(seedGraph({ calls: [] }, async), SEED);
        assert.equal(explain.version, 1);
        assert.deepEqual(explain.loads.map(untimed), SEED_LOADS);
        assert.deepEqual(explain.counters, {
          loads: 4,
          ids: 12,
          statements: 0,
          perPath: [
            { path: "", node: null, loads: 1, ids: 0 },
            { path: "characters", node: "Character", loads: 2, ids: 6 },
            { path: "characters.actors", node: "Actor", loads: 1, ids: 6 },
          ],
        });
        assertTimed(explain);
      }
    },
  );

  await t.step("has counters equal to the calls and ids the loaders saw", async () => {
    const queries = [
      SEED,
      "{ characters { actors { character { name actors { name } } } } }",
      "{ a: characters { name } b: characters { species } }",
    ];
    for (const query of queries) {
      const counted: Counted = { calls: [] };
      const explain = await explainRun(seedGraph(counted, true), query);
      assert.equal(explain.counters.loads, counted.calls.length, query);
      assert.equal(explain.counters.ids, counted.calls.reduce((n, c) => n + c.ids, 0), query);
      assert.deepEqual(
        explain.loads.map((l) => ({ loader: l.loader, ids: l.ids })).sort(byLoaderAndIds),
        counted.calls.map((c) => ({ ...c })).sort(byLoaderAndIds),
        query,
      );
    }
  });

  await t.step("counts ids before and after de-duplication", async () => {
    const explain = await explainRun(
      seedGraph({ calls: [] }),
      "{ characters { actors { character { name } } } }",
    );
    const link = explain.loads.find((l) => l.members[0] === "character")!;
    // Six actors point at three characters: the link returns 6 ids, 3 distinct reach Character.
    assert.equal(link.returned, 6);
    assert.deepEqual(link.reached, [
      { path: "characters.actors.character", node: "Character", ids: 3 },
    ]);
    const fields = explain.loads.find((l) => l.path === "characters.actors.character")!;
    assert.deepEqual([fields.ids, fields.idsBeforeDedup, fields.waitedFor], [3, 6, [link.id]]);
  });

  await t.step("records a failing load's error", async () => {
    const schema = new Schema({ query: seedGraph({ calls: [] }), executor: new AsyncExecutor() });
    const response = await schema.execute({ query: "{ failing }", explain: true });
    const explain = response.extensions!.explain as Explain;
    assert.deepEqual(
      explain.loads.map((l) => [l.loader, l.error, l.returned]),
      [["failing", "subspace interference", null]],
    );
  });

  await t.step("as text: a tree of loads under the loads they waited for", async () => {
    const explain = await explainRun(seedGraph({ calls: [] }), SEED);
    const text = formatExplain(explain).replace(/time=\S+ ms/g, "time=…").replace(
      /, [\d.]+ ms\n/,
      ", … ms\n",
    );
    assert.equal(
      text,
      `Execution: 4 loads, 0 statements, 12 ids, … ms
#0 link characters on Query at (root)  loader=allCharacters
│  ids=0 returned=3  -> Character at characters: 3 ids  time=…
└─ #1 fields name, species, id on Character at characters  loader=characterFields
   │  ids=3 rows=3  time=…
   └─ #2 link actors on Character at characters  loader=actorsOf
      │  ids=3 returned=6  -> Actor at characters.actors: 6 ids  time=…
      └─ #3 fields name on Actor at characters.actors  loader=actorFields
            ids=6 rows=6  time=…
Loads per node per path:
  (root)             Query      1 load   0 ids
  characters         Character  2 loads  6 ids
  characters.actors  Actor      1 load   6 ids
`,
    );
  });

  await t.step("JSON form survives a JSON round trip unchanged", async () => {
    const explain = await explainRun(seedGraph({ calls: [] }, true), SEED);
    assert.deepEqual(JSON.parse(JSON.stringify(explain)), explain);
    assert.deepEqual(Object.keys(explain), ["version", "duration", "counters", "loads"]);
  });

  await t.step("a recorder records one execution", async () => {
    const graph = seedGraph({ calls: [] });
    const explain = new ExplainRecorder();
    const engine = new Engine(new AsyncExecutor());
    await engine.execute(graph, read(SEED), {}, { explain });
    await assert.rejects(
      engine.execute(graph, read(SEED), {}, { explain }),
      new TypeError(
        "An ExplainRecorder records one execution: make a new one for each execution",
      ),
    );
    assert.equal(explain.explain().counters.loads, 4);
  });

  await t.step("an unused recorder explains nothing", () => {
    assert.equal(
      new ExplainRecorder().toString(),
      "Execution: 0 loads, 0 statements, 0 ids, 0.000 ms\n",
    );
  });
});

function byLoaderAndIds(
  a: { loader: string; ids: number },
  b: { loader: string; ids: number },
): number {
  return a.loader < b.loader ? -1 : a.loader > b.loader ? 1 : a.ids - b.ids;
}

Deno.test("explain without running", async (t) => {
  await t.step("lists the loads the run makes, and the cost estimate", async () => {
    const graph = seedGraph({ calls: [] });
    const plan = explainQuery(graph, read(SEED));
    const ran = await explainRun(graph, SEED);
    assert.deepEqual(
      plan.plan.map((l) => [l.id, l.kind, l.path, l.node, l.members, l.loader, l.waitsFor]),
      ran.loads.map((l) => [l.id, l.kind, l.path, l.node, l.members, l.loader, l.waitedFor]),
    );
    assert.deepEqual(plan.estimate, { cost: 282, loads: 4, ids: 122, variable: false });
    assert.deepEqual([plan.loads, plan.fused, plan.statements, plan.truncated], [4, 0, 0, false]);
    assert.deepEqual(plan.perPath, [
      { path: "", node: null, loads: 1 },
      { path: "characters", node: "Character", loads: 2 },
      { path: "characters.actors", node: "Actor", loads: 1 },
    ]);
    assert.equal(
      formatPlanExplain(plan),
      `Plan: 4 loads (0 fused regions), 0 statements; estimate: cost 282, 4 calls unfused, 122 ids
#0 link characters on Query at (root)  loader=allCharacters
└─ #1 fields name, species, id on Character at characters  loader=characterFields
   └─ #2 link actors on Character at characters  loader=actorsOf
      └─ #3 fields name on Actor at characters.actors  loader=actorFields
Loads per node per path:
  (root)             Query      1 load
  characters         Character  2 loads
  characters.actors  Actor      1 load
`,
    );
  });

  await t.step("plans paths no ids have reached, and stops at maxNodes", () => {
    const graph = seedGraph({ calls: [] });
    const query = read("{ characters { actors { character { actors { name } } } } }");
    const plan = explainQuery(graph, query);
    assert.deepEqual(plan.perPath.map((c) => c.path), [
      "",
      "characters",
      "characters.actors",
      "characters.actors.character",
      "characters.actors.character.actors",
    ]);
    const cut = explainQuery(graph, query, { maxNodes: 3 });
    assert.equal(cut.truncated, true);
    assert.deepEqual(cut.perPath.map((c) => c.path), ["", "characters", "characters.actors"]);
  });

  await t.step("rejects a query that does not fit the graph", () => {
    assert.throws(
      () => explainQuery(seedGraph({ calls: [] }), read("{ characters { rank } }")),
      { name: "QueryValidationError" },
    );
  });
});

// A fuser answering a whole region from memory, which says the statement it would send ----------

function memoryFuser(calls: { count: number }): Fuser {
  return {
    fuse(region) {
      const load: FusedLoader = Object.assign(() => {
        calls.count++;
        return {
          row: (_node: number, _group: number, id: unknown) => [`name ${id}`],
          link: () => [1, 2],
          rowCount: 2,
        };
      }, { statement: `FETCH ${region.label}` });
      return load;
    },
  };
}

function fusableGraph(fuser: Fuser): Graph {
  const names = Object.assign(
    function names(_fields: readonly QueryField[], ids: readonly number[]) {
      return ids.map((id) => [`name ${id}`]);
    },
    { [FUSE]: { fuser, spec: null } },
  );
  const list = Object.assign(function list() {
    return [1, 2];
  }, { [FUSE]: { fuser, spec: null } });
  return Graph([
    Node("Ship", [Field("name", Str, names)]),
    Root([Link("ships", Sequence(TypeRef("Ship")), list, { requires: null })]),
  ]);
}

Deno.test("explain of a fused region", async (t) => {
  await t.step(
    "shows one fused load with its members and the statement its source gives",
    async () => {
      const calls = { count: 0 };
      const graph = fusableGraph(memoryFuser(calls));
      const explain = await explainRun(graph, "{ ships { name } }");
      assert.equal(calls.count, 1);
      assert.deepEqual(explain.loads.map(untimed), [{
        id: 0,
        kind: "fused",
        path: "",
        node: null,
        members: ["Query.ships", "Ship.name"],
        loader: "region ships > Ship",
        region: "ships > Ship",
        statement: "FETCH ships > Ship",
        ids: 0,
        idsBeforeDedup: 0,
        returned: 2,
        reached: [{ path: "ships", node: "Ship", ids: 2 }],
        waitedFor: [],
        error: null,
      }]);
      assert.deepEqual(explain.counters, {
        loads: 1,
        ids: 0,
        statements: 1,
        perPath: [{ path: "", node: null, loads: 1, ids: 0 }],
      });
      const plan = explainQuery(graph, read("{ ships { name } }"));
      assert.deepEqual(
        plan.plan.map((l) => [l.kind, l.region, l.statement, l.members]),
        [["fused", "ships > Ship", "FETCH ships > Ship", ["Query.ships", "Ship.name"]]],
      );
      assert.match(formatExplain(explain), /\n {3}statement: FETCH ships > Ship\n/);
    },
  );

  await t.step("without fusion, lists the region's loads one by one", async () => {
    const graph = fusableGraph(memoryFuser({ count: 0 }));
    const engine = new Engine(new AsyncExecutor(), { fusion: false });
    const explain = await explainRun(graph, "{ ships { name } }", {}, engine);
    assert.deepEqual(explain.loads.map((l) => [l.kind, l.loader]), [
      ["link", "list"],
      ["fields", "names"],
    ]);
    assert.equal(explain.counters.statements, 2);
    assert.equal(explainQuery(graph, read("{ ships { name } }"), { fusion: false }).loads, 2);
  });
});

// Postgres: the server example's graph, whose seed query is one statement -----------------------

const TARGETS = [
  { name: "PGlite", url: null, skip: null },
  {
    name: "PostgreSQL server",
    url: DATABASE_URL,
    skip: DATABASE_URL === null ? "set DATABASE_URL to a PostgreSQL server to run" : null,
  },
] as const;

Deno.test("explain on Postgres", async (t) => {
  for (const target of TARGETS) {
    await t.step({
      name: target.skip === null ? target.name : `${target.name} (skipped: ${target.skip})`,
      ignore: target.skip !== null,
      async fn(t) {
        await using db = await openDatabase({
          url: target.url,
          schema: `hiku_explain_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`,
          dropSchemaOnClose: true,
          connectTimeoutSeconds: 5,
        });
        await setUpDatabase(db);

        await t.step("the seed query is one fused load, as many statements as ran", async () => {
          const recorder = recordStatements(db);
          const explain = await explainRun(serverGraph, SEED, { [PG]: recorder.client });
          assert.equal(recorder.statements.length, 1);
          assert.equal(explain.counters.statements, recorder.statements.length);
          assert.deepEqual(explain.counters.perPath, [
            { path: "", node: null, loads: 1, ids: 0 },
          ]);
          const [load] = explain.loads;
          assert.deepEqual(
            [load!.kind, load!.loader, load!.members, load!.reached, load!.error],
            [
              "fused",
              recorder.statements[0]!.source,
              [
                "Query.characters",
                "Character.name",
                "Character.species",
                "Character.id",
                "Character.actors",
                "Actor.name",
              ],
              [
                { path: "characters", node: "Character", ids: 3 },
                { path: "characters.actors", node: "Actor", ids: 6 },
              ],
              null,
            ],
          );
          // The source may say its statement; when it does, it is the one that ran.
          if (load!.statement !== null) assert.equal(load!.statement, recorder.statements[0]!.text);
          assertTimed(explain);
          const plan = explainQuery(serverGraph, read(SEED));
          assert.deepEqual([plan.loads, plan.fused, plan.statements], [1, 1, 1]);
        });

        await t.step(
          "shows the text a run sent for its filters, and explainQuery the text for its variables",
          async () => {
            const query = "query ($species: [String!]) " +
              "{ characters(species: $species) { name actors { name } } }";
            const recorder = recordStatements(db);
            const schema = new Schema({ query: serverGraph, executor: new AsyncExecutor() });
            const response = await schema.execute({
              query,
              variables: { species: ["Human"] },
              context: { [PG]: recorder.client },
              explain: true,
            });
            const explain = response.extensions!.explain as Explain;
            const [sent] = recorder.statements;
            assert.match(sent!.text, /\(SELECT \* FROM "character" WHERE "species" = ANY\(\$1\)\)/);
            assert.deepEqual(explain.loads.map((l) => l.statement), [sent!.text]);
            const planned = (variables: { readonly [name: string]: unknown }) =>
              explainQuery(serverGraph, read(query, { variables }), { variables }).plan
                .map((l) => l.statement);
            assert.deepEqual(planned({ species: ["Vulcan"] }), [sent!.text]);
            // No species: no filter in the text.
            const unfiltered = planned({})[0]!;
            assert.ok(!unfiltered.includes("species"), unfiltered);
          },
        );

        await t.step(
          "explainQuery shows the statement a run reading in one pass sends, as it sends it",
          async () => {
            const query = "{ actors { name character { name } } }";
            const recorder = recordStatements(db);
            const schema = new Schema({ query: serverGraph, executor: new AsyncExecutor() });
            // With a cost budget, as graphqlHandler runs it.
            const budget = new CostBudget();
            await schema.execute({ query, context: { [PG]: recorder.client }, budget });
            const [load] = explainQuery(serverGraph, read(query)).plan;
            assert.deepEqual(recorder.statements.map((s) => s.text), [load!.onePass]);
            assert.ok(!load!.onePass!.includes('character_id" AS'), load!.onePass);
            assert.match(load!.statement!, /"l0"\."character_id" AS/);
            const text = formatPlanExplain(explainQuery(serverGraph, read(query)));
            assert.ok(text.includes(`\n   one pass: ${load!.onePass}\n`), text);
            // A query that shows every column the whole statement reads: that statement alone.
            const all = "{ characters { id name actors { id name } } }";
            assert.equal(explainQuery(serverGraph, read(all)).plan[0]!.onePass, undefined);
          },
        );

        await t.step("unfused, one statement per node per path, counted", async () => {
          const recorder = recordStatements(db);
          const engine = new Engine(new AsyncExecutor(), { fusion: false });
          const explain = await explainRun(serverGraph, SEED, { [PG]: recorder.client }, engine);
          assert.equal(recorder.statements.length, 4);
          assert.equal(explain.counters.statements, 4);
          assert.deepEqual(explain.loads.map((l) => [l.kind, l.path, l.loader]), [
            ["link", "", 'ListQuery("character") for link "characters"'],
            ["fields", "characters", 'FieldsQuery("character")'],
            ["link", "characters", 'LinkQuery("actor"."character_id" -> "id") for link "actors"'],
            ["fields", "characters.actors", 'FieldsQuery("actor")'],
          ]);
          // Each statement was sent by the load explain names, in the order they started.
          for (let i = 0; i < 4; i++) {
            assert.ok(explain.loads[i]!.loader.startsWith(recorder.statements[i]!.source!));
          }
        });
      },
    });
  }
});

// In GraphQL responses, only when allowed ---------------------------------------------------------

Deno.test("explain in GraphQL responses", async (t) => {
  const graph = seedGraph({ calls: [] });
  const executor = new AsyncExecutor();

  await t.step("is off by default", async () => {
    const schema = new Schema({ query: graph, executor });
    const response = await schema.execute({ query: "{ characters { name } }" });
    assert.deepEqual(Object.keys(response), ["data"]);
  });

  await t.step("Schema's explain: true puts it in extensions.explain, after data", async () => {
    const schema = new Schema({ query: graph, executor, explain: true });
    const response = await schema.execute({ query: SEED });
    assert.deepEqual(Object.keys(response), ["data", "extensions"]);
    const explain = response.extensions!.explain as Explain;
    assert.deepEqual(explain.loads.map(untimed), SEED_LOADS);
  });

  await t.step("after errors and data when a loader failed", async () => {
    const schema = new Schema({ query: graph, executor, explain: true });
    const response = await schema.execute({ query: "{ failing characters { name } }" });
    assert.deepEqual(Object.keys(response), ["errors", "data", "extensions"]);
    assert.equal((response.extensions!.explain as Explain).counters.loads, 3);
  });

  await t.step("not for a request that did not run", async () => {
    const schema = new Schema({ query: graph, executor, explain: true });
    assert.deepEqual(await schema.execute({ query: "{ nope }" }), {
      errors: [{
        message: 'Cannot query field "nope" on type "Query".',
        locations: [{ line: 1, column: 3 }],
      }],
    });
  });

  await t.step("a function decides per request; the request's own explain wins", async () => {
    const schema = new Schema({
      query: graph,
      executor,
      explain: (request) => request.context?.["developer"] === true,
    });
    const query = "{ characters { name } }";
    const allowed = await schema.execute({ query, context: { developer: true } });
    const refused = await schema.execute({ query, context: { developer: false } });
    assert.equal((allowed.extensions!.explain as Explain).counters.loads, 2);
    assert.deepEqual(Object.keys(refused), ["data"]);
    const forced = await schema.execute({ query, context: { developer: true }, explain: false });
    assert.deepEqual(Object.keys(forced), ["data"]);
  });

  await t.step("graphqlHandler: only requests its explain option allows", async () => {
    const schema = new Schema({ query: graph, executor, explain: true });
    const handler = graphqlHandler(schema, {
      explain: (request) => request.headers.get("x-explain") === "let-me-see",
      logger: () => {},
    });
    const post = (headers: Record<string, string>, body: unknown) =>
      handler(
        new Request("http://localhost/graphql", {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(body),
        }),
      );
    const allowed = await (await post({ "x-explain": "let-me-see" }, { query: SEED })).json();
    assert.deepEqual(Object.keys(allowed), ["data", "extensions"]);
    assert.deepEqual((allowed.extensions.explain as Explain).loads.map(untimed), SEED_LOADS);
    // The schema would explain everything; the handler's option decides for HTTP clients.
    const refused = await (await post({ "x-explain": "guess" }, { query: SEED })).json();
    assert.deepEqual(Object.keys(refused), ["data"]);

    const partial = await post({ "x-explain": "let-me-see" }, { query: "{ failing }" });
    assert.equal(partial.status, 294);
    const body = await partial.json();
    assert.deepEqual(Object.keys(body), ["errors", "data", "extensions"]);
    assert.deepEqual(body.errors, [{
      message: "Internal server error",
      locations: [{ line: 1, column: 3 }],
      path: ["failing"],
    }]);

    const batch = await (await post({ "x-explain": "let-me-see" }, [
      { query: "{ characters { name } }" },
      { query: SEED },
    ])).json();
    assert.deepEqual(
      batch.map((r: { extensions: { explain: Explain } }) => r.extensions.explain.counters.loads),
      [2, 4],
    );

    const get = await handler(
      new Request(`http://localhost/graphql?query=${encodeURIComponent(SEED)}`, {
        headers: { "x-explain": "let-me-see" },
      }),
    );
    assert.equal((await get.json()).extensions.explain.counters.loads, 4);
  });

  await t.step("graphqlHandler without the option leaves it to the schema (off)", async () => {
    const handler = graphqlHandler(new Schema({ query: graph, executor }));
    const response = await handler(
      new Request(`http://localhost/graphql?query=${encodeURIComponent(SEED)}`, {
        headers: { "x-explain": "let-me-see" },
      }),
    );
    assert.deepEqual(Object.keys(await response.json()), ["data"]);
  });
});
