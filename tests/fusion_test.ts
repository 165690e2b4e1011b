/**
 * Fusion through the Postgres sources: which statements a query issues when a region of
 * `FieldsQuery`, `LinkQuery` and `ListQuery` loads is answered by one, and that the answers are
 * those of the unfused run (one statement per node per path) on the same database.
 *
 * Every test that needs a database runs once on PGlite and once on the PostgreSQL server at
 * `DATABASE_URL` through postgres.js (that step is skipped, saying why, when it is unset), each on
 * a fresh database holding the seed's tables. `recordStatements` shows what ran.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  Any,
  AsyncExecutor,
  Bool,
  CostBudget,
  denormalize,
  Engine,
  Field,
  Float,
  Graph,
  type GraphQLResponse,
  ID,
  Int,
  Link,
  LoaderError,
  Node,
  Option,
  Optional,
  read,
  Root,
  Scalar,
  Schema,
  Sequence,
  Str,
  TypeRef,
} from "../mod.ts";
import {
  type Database,
  FieldsQuery,
  LinkQuery,
  LinkRowError,
  ListOptionError,
  ListQuery,
  openDatabase,
  type PgClient,
  type RecordedStatement,
  recordStatements,
  table,
} from "../sources/postgres.ts";
import { WorkerPoolExecutor } from "../executors/worker_pool.ts";
import { graph as serverGraph } from "../examples/server.ts";
import { actor, character, graph as seedGraph, PG, setUpDatabase } from "../examples/star_trek.ts";
import { MAX_REGION_NODES } from "../src/planning/plan.ts";
import {
  type FusedInput,
  type FusedResult,
  type Fuser,
  fusionOf,
} from "../src/definitions/fusion.ts";
import { poolModule } from "./support/pool_star_trek_pg.ts";
import { mulberry32 } from "./support/star_wars_queries.ts";

const DATABASE_URL = Deno.env.get("DATABASE_URL") || null;
const NO_SERVER = "set DATABASE_URL to a PostgreSQL server to run";

function scratchSchema(): string {
  return `hiku_fusion_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
}

/** Where a test runs: a fresh database with the seed's tables and a ship table. */
interface Target {
  readonly name: string;
  /** Why the step can not run here, or `null` when it can. */
  readonly skipReason: string | null;
  open(): Promise<Database>;
}

const TARGETS: readonly Target[] = [
  { name: "PGlite", skipReason: null, open: () => openDatabase({ url: null }) },
  {
    name: "PostgreSQL server through postgres.js",
    skipReason: DATABASE_URL === null ? NO_SERVER : null,
    open: () =>
      openDatabase({
        url: DATABASE_URL,
        schema: scratchSchema(),
        dropSchemaOnClose: true,
        connectTimeoutSeconds: 5,
      }),
  },
];

/** Registers a test with one step per database, each on a fresh one. */
function fusionTest(
  name: string,
  fn: (db: Database) => Promise<void>,
  options: { readonly ignore?: boolean } = {},
): void {
  Deno.test({
    name,
    ignore: options.ignore ?? false,
    async fn(t) {
      for (const target of TARGETS) {
        await t.step({
          name: target.skipReason === null
            ? target.name
            : `${target.name} (skipped: ${target.skipReason})`,
          ignore: target.skipReason !== null,
          async fn() {
            await using db = await target.open();
            await setUpDatabase(db);
            await db.query(
              "CREATE TABLE ship (id integer PRIMARY KEY, name text, captain_id integer)",
            );
            await db.query("INSERT INTO ship (id, name, captain_id) VALUES ($1, $2, $3)", [
              1,
              "USS Enterprise",
              1,
            ]);
            await fn(db);
          },
        });
      }
    },
  });
}

/** What a request answered, and the statements it issued. */
interface Run {
  readonly response: GraphQLResponse;
  readonly statements: readonly RecordedStatement[];
}

async function execute(
  schema: Schema,
  db: PgClient,
  query: string,
  variables: { readonly [name: string]: unknown } | null = null,
): Promise<Run> {
  const recorder = recordStatements(db);
  const response = await schema.execute({ query, variables, context: { [PG]: recorder.client } });
  return { response, statements: recorder.statements };
}

/** What an engine answered (plain data), and the statements it issued. */
async function executeEngine(
  engine: Engine,
  graph: Graph,
  db: PgClient,
  query: string,
): Promise<{ readonly data: unknown; readonly statements: readonly RecordedStatement[] }> {
  const recorder = recordStatements(db);
  const result = await engine.execute(graph, read(query), { [PG]: recorder.client });
  return { data: denormalize(graph, result), statements: recorder.statements };
}

/**
 * Checks that each query answers the given data, fused and unfused; `check` looks at each run's
 * statements too.
 */
async function answersBothWays(
  db: PgClient,
  graph: Graph,
  cases: readonly (readonly [query: string, data: unknown])[],
  check: (statement: RecordedStatement) => void = () => {},
): Promise<void> {
  const { fused, unfused } = fusedAndUnfused(graph);
  for (const [query, data] of cases) {
    for (const schema of [fused, unfused]) {
      const { response, statements } = await execute(schema, db, query);
      assert.deepEqual(response, { data }, query);
      statements.forEach(check);
    }
  }
}

function fusedAndUnfused(graph: Graph): { readonly fused: Schema; readonly unfused: Schema } {
  return {
    fused: new Schema({ query: graph, executor: new AsyncExecutor() }),
    unfused: new Schema({ query: graph, executor: new AsyncExecutor(), fusion: false }),
  };
}

function sources(statements: readonly RecordedStatement[]): (string | null)[] {
  return statements.map((s) => s.source);
}

const FUSED = new Engine(new AsyncExecutor());
const UNFUSED = new Engine(new AsyncExecutor(), { fusion: false });

// The seed's data, as the queries below read it.

const KIRK = "James T. Kirk";
const SPOCK = "Spock";
const MCCOY = "Leonard McCoy";
const ACTORS_OF: { readonly [name: string]: readonly string[] } = {
  [KIRK]: ["William Shatner", "Chris Pine"],
  [SPOCK]: ["Leonard Nimoy", "Zachary Quinto"],
  [MCCOY]: ["DeForest Kelley", "Karl Urban"],
};
/** Actors in id order, with their characters and those characters' species. */
const ACTORS: readonly (readonly [string, string, string])[] = [
  ["William Shatner", KIRK, "Human"],
  ["Leonard Nimoy", SPOCK, "Vulcan/Human"],
  ["DeForest Kelley", MCCOY, "Human"],
  ["Chris Pine", KIRK, "Human"],
  ["Zachary Quinto", SPOCK, "Vulcan/Human"],
  ["Karl Urban", MCCOY, "Human"],
];

const SEED_QUERY = "{ characters { name actors { name } } }";
const SEED_DATA = {
  characters: [KIRK, SPOCK, MCCOY].map((name) => ({
    name,
    actors: ACTORS_OF[name]!.map((actor) => ({ name: actor })),
  })),
};

/**
 * The one statement examples/server.ts issues for the seed's query: the characters listed with
 * their names (and ids, which the actors link requires), and their actors with their names. No
 * filter, limit or offset is given, so the list is its table, which Postgres joins like any
 * other. A change in the generated SQL shows up here in review.
 */
const SEED_REGION_SQL = [
  `SELECT "l0"."id" AS "x0", "l0"."name" AS "x1", "l1"."name" AS "x2",`,
  `CASE WHEN "l1"."id" IS NULL THEN 1 END AS "x3"`,
  `FROM "character" AS "l0"`,
  `LEFT JOIN "actor" AS "l1" ON "l1"."character_id" = "l0"."id" ORDER BY "l0"."id", "l1"."id"`,
].join(" ");

/** The same query with its filter given: the filter is in the text. */
const PAGED_REGION_SQL = [
  `SELECT "l0"."id" AS "x0", "l0"."name" AS "x1", "l1"."name" AS "x2",`,
  `CASE WHEN "l1"."id" IS NULL THEN 1 END AS "x3"`,
  `FROM (SELECT * FROM "character" WHERE "species" = ANY($1) ORDER BY "id" LIMIT $2 OFFSET $3)`,
  `AS "l0" LEFT JOIN "actor" AS "l1" ON "l1"."character_id" = "l0"."id"`,
  `ORDER BY "l0"."id", "l1"."id"`,
].join(" ");

/** The seed's query read by ids (explained, say): the actors' ids too, the order by position. */
const SEED_WHOLE_SQL = [
  `SELECT "l0"."id" AS "x0", "l0"."name" AS "x1", "l1"."id" AS "x2", "l1"."name" AS "x3"`,
  `FROM "character" AS "l0"`,
  `LEFT JOIN "actor" AS "l1" ON "l1"."character_id" = "l0"."id" ORDER BY 1, 3`,
].join(" ");

// examples/server.ts: a root listed with ListQuery, so whole queries fuse.

fusionTest("examples/server.ts answers the seed's query with one statement", async (db) => {
  const { fused, unfused } = fusedAndUnfused(serverGraph);
  const run = await execute(fused, db, SEED_QUERY);
  assert.deepEqual(run.response, { data: SEED_DATA });
  assert.deepEqual(run.statements, [{
    text: SEED_REGION_SQL,
    params: [],
    source: "region characters > Character",
  }]);
  const plain = await execute(unfused, db, SEED_QUERY);
  assert.deepEqual(plain.response, run.response);
  assert.equal(plain.statements.length, 4);
  // Read by ids (explained), the statement reads the actors' ids too.
  const explaining = new Schema({
    query: serverGraph,
    executor: new AsyncExecutor(),
    explain: true,
  });
  const explained = await execute(explaining, db, SEED_QUERY);
  assert.deepEqual(explained.statements.map((s) => s.text), [SEED_WHOLE_SQL]);
  assert.deepEqual(explained.response.data, SEED_DATA);
  const query = `{ characters(species: ["Human"], limit: 1, offset: 1) { name actors { name } } }`;
  const paged = await execute(fused, db, query);
  assert.deepEqual(paged.response, {
    data: { characters: [{ name: MCCOY, actors: ACTORS_OF[MCCOY]!.map((name) => ({ name })) }] },
  });
  assert.deepEqual(paged.statements, [{
    text: PAGED_REGION_SQL,
    params: [["Human"], 1, 1],
    source: "region characters > Character",
  }]);
  assert.deepEqual((await execute(unfused, db, query)).response, paged.response);
});

/**
 * The seed's two nodes as the tests below build on them: a character's id, name and actors, an
 * actor's id, name, character id and character (a link to one node on its key), and `extra` on
 * the actor.
 */
function seedNodes(extra: Parameters<typeof Node>[1]): Node[] {
  const characterFields = FieldsQuery(PG, character);
  const actorFields = FieldsQuery(PG, actor);
  return [
    Node("Character", [
      Field("id", null, characterFields),
      Field("name", null, characterFields),
      Link(
        "actors",
        Sequence(TypeRef("Actor")),
        LinkQuery(PG, { fromColumn: actor.c.character_id, toColumn: actor.c.id }),
        { requires: "id" },
      ),
    ]),
    Node("Actor", [
      Field("id", null, actorFields),
      Field("name", null, actorFields),
      Field("character_id", null, actorFields),
      Link(
        "character",
        TypeRef("Character"),
        LinkQuery(PG, { fromColumn: character.c.id, toColumn: character.c.id }),
        { requires: "character_id" },
      ),
      ...extra,
    ]),
  ];
}

/**
 * The seed's nodes with ships and awards: a character's actors, an actor's character, the ship
 * an actor's character captains (`ship`, to one node, on `captain_id`, a column that is not the
 * ship table's key) and an actor's awards (a list). Characters are listed (`characters`) or given
 * by hand (`actors`, whose ids do not come from the database).
 */
function shipsGraph(): Graph {
  const ship = table("ship", { id: Int, name: Str, captain_id: Int }, { primaryKey: "id" });
  const award = table("award", { id: Int, actor_id: Int, title: Str }, { primaryKey: "id" });
  const awardFields = FieldsQuery(PG, award);
  const shipFields = FieldsQuery(PG, ship);
  const captained = LinkQuery(PG, { fromColumn: ship.c.captain_id, toColumn: ship.c.id });
  return Graph([
    ...seedNodes([
      Link("ship", Optional(TypeRef("Ship")), captained, { requires: "character_id" }),
      Link(
        "awards",
        Sequence(TypeRef("Award")),
        LinkQuery(PG, { fromColumn: award.c.actor_id, toColumn: award.c.id }),
        { requires: "id" },
      ),
    ]),
    Node("Ship", [Field("name", null, shipFields)]),
    Node("Award", [Field("title", null, awardFields)]),
    Root([
      Link("characters", Sequence(TypeRef("Character")), ListQuery(PG, character), {
        requires: null,
      }),
      Link("actors", Sequence(TypeRef("Actor")), () => [1, 4, 2], { requires: null }),
    ]),
  ]);
}

fusionTest(
  "fields declared with a FieldsQuery call each are one group, read by one statement",
  async (db) => {
    // One loader per context key, table and key column, however many calls declare it.
    assert.equal(FieldsQuery(PG, character), FieldsQuery(PG, character));
    assert.notEqual(FieldsQuery(PG, character), FieldsQuery("other", character));
    assert.notEqual(
      FieldsQuery(PG, character),
      FieldsQuery(PG, character, { primaryKey: character.c.name }),
    );
    const graph = Graph([
      Node("Character", [
        Field("id", null, FieldsQuery(PG, character)),
        Field("name", null, FieldsQuery(PG, character)),
        Field("species", null, FieldsQuery(PG, character)),
        Link(
          "actors",
          Sequence(TypeRef("Actor")),
          LinkQuery(PG, { fromColumn: actor.c.character_id, toColumn: actor.c.id }),
          { requires: "id" },
        ),
      ]),
      Node("Actor", [
        Field("name", null, FieldsQuery(PG, actor)),
        Field("character_id", null, FieldsQuery(PG, actor)),
      ]),
      Root([Link("characters", Sequence(TypeRef("Character")), () => [1, 2], { requires: null })]),
    ]);
    const { fused, unfused } = fusedAndUnfused(graph);
    const query = "{ characters { name species actors { name character_id } } }";
    const run = await execute(fused, db, query);
    assert.deepEqual(sources(run.statements), ["region Character"]);
    const plain = await execute(unfused, db, query);
    assert.equal(plain.statements.length, 3);
    assert.deepEqual(run.response, plain.response);
    assert.deepEqual(run.response.data, {
      characters: [KIRK, SPOCK].map((name, i) => ({
        name,
        species: i === 0 ? "Human" : "Vulcan/Human",
        actors: ACTORS_OF[name]!.map((actor) => ({ name: actor, character_id: i + 1 })),
      })),
    });
  },
);

fusionTest(
  "a link to one node that finds several rows does not repeat the items of the lists above it",
  async (db) => {
    // Kirk captains two ships: each of his actors' `ship` finds two rows, an error, and the join
    // gives each of those actors two rows, which the actors list must still take once.
    await db.query("INSERT INTO ship (id, name, captain_id) VALUES (2, 'USS Defiant', 1)");
    const { fused, unfused } = fusedAndUnfused(shipsGraph());
    const query = "{ characters { name actors { name ship { name } } } }";
    const run = await execute(fused, db, query);
    assert.deepEqual(sources(run.statements), ["region characters > Character"]);
    const plain = await execute(unfused, db, query);
    assert.deepEqual(run.response, plain.response);
    const data = run.response.data as {
      characters: { name: string; actors: { name: string; ship: unknown }[] }[];
    };
    assert.deepEqual(
      data.characters.map((c) => [c.name, c.actors.map((a) => a.name)]),
      [KIRK, SPOCK, MCCOY].map((name) => [name, ACTORS_OF[name]]),
    );
    assert.match(run.response.errors![0]!.message, /needs at most one row .* found 2/);
  },
);

fusionTest(
  "two lists beside each other in one statement do not repeat each other's items",
  async (db) => {
    // From each actor: their character's actors (a list below a link to one node) and their
    // awards (a list beside it). One join gives each actor the product of the two; each list
    // still reads its own items once, in order.
    await db.query("CREATE TABLE award (id integer PRIMARY KEY, actor_id integer, title text)");
    await db.query(
      "INSERT INTO award VALUES (1, 1, 'Emmy'), (2, 1, 'Golden Globe'), (3, 2, 'Hugo')",
    );
    const { fused, unfused } = fusedAndUnfused(shipsGraph());
    const query = "{ actors { name character { actors { name } } awards { title } } }";
    const run = await execute(fused, db, query);
    assert.deepEqual(sources(run.statements), ["region Actor"]);
    assert.deepEqual(run.response, {
      data: {
        actors: [["William Shatner", KIRK], ["Chris Pine", KIRK], ["Leonard Nimoy", SPOCK]].map((
          [name, character],
        ) => ({
          name,
          character: { actors: ACTORS_OF[character!]!.map((actor) => ({ name: actor })) },
          awards: name === "William Shatner"
            ? [{ title: "Emmy" }, { title: "Golden Globe" }]
            : name === "Leonard Nimoy"
            ? [{ title: "Hugo" }]
            : [],
        })),
      },
    });
    assert.deepEqual((await execute(unfused, db, query)).response, run.response);
  },
);

/**
 * A graph for random queries: every node reaches the others through lists and links to one node,
 * on keys and on columns that are not keys, and each is listed at the root (`ListQuery`) or given
 * by hand (`actorsById`, with an id no row has).
 */
function everyShapeGraph(): Graph {
  const ship = table("ship", { id: Int, name: Str, captain_id: Int }, { primaryKey: "id" });
  const award = table("award", { id: Int, actor_id: Int, title: Str }, { primaryKey: "id" });
  const info = table("info", { character_id: Int, note: Optional(Str) });
  const fields = {
    character: FieldsQuery(PG, character),
    // A second group of a character's fields, keyed on a column with repeated values.
    info: FieldsQuery(PG, info, { primaryKey: info.c.character_id }),
    actor: FieldsQuery(PG, actor),
    ship: FieldsQuery(PG, ship),
    award: FieldsQuery(PG, award),
  };
  const link = (from: typeof ship.c.id, to: typeof ship.c.id) =>
    LinkQuery(PG, { fromColumn: from, toColumn: to });
  return Graph([
    Node("Character", [
      ...["id", "name", "species"].map((name) => Field(name, null, fields.character)),
      Field("note", null, fields.info),
      Link("actors", Sequence(TypeRef("Actor")), link(actor.c.character_id, actor.c.id), {
        requires: "id",
      }),
      Link("ships", Sequence(TypeRef("Ship")), link(ship.c.captain_id, ship.c.id), {
        requires: "id",
      }),
      Link("flagship", Optional(TypeRef("Ship")), link(ship.c.captain_id, ship.c.id), {
        requires: "id",
      }),
    ]),
    Node("Actor", [
      ...["id", "name", "character_id"].map((name) => Field(name, null, fields.actor)),
      Link("character", TypeRef("Character"), link(character.c.id, character.c.id), {
        requires: "character_id",
      }),
      Link("awards", Sequence(TypeRef("Award")), link(award.c.actor_id, award.c.id), {
        requires: "id",
      }),
      Link("topAward", Optional(TypeRef("Award")), link(award.c.actor_id, award.c.id), {
        requires: "id",
      }),
      // The actors who played the same character: a list on a value that is not the key.
      Link("coActors", Sequence(TypeRef("Actor")), link(actor.c.character_id, actor.c.id), {
        requires: "character_id",
      }),
    ]),
    Node("Ship", [
      ...["id", "name", "captain_id"].map((name) => Field(name, null, fields.ship)),
      Link("captain", Optional(TypeRef("Character")), link(character.c.id, character.c.id), {
        requires: "captain_id",
      }),
    ]),
    Node("Award", [
      ...["id", "title", "actor_id"].map((name) => Field(name, null, fields.award)),
      Link("actor", Optional(TypeRef("Actor")), link(actor.c.id, actor.c.id), {
        requires: "actor_id",
      }),
    ]),
    Root([
      Link(
        "characters",
        Sequence(TypeRef("Character")),
        ListQuery(PG, character, {
          filters: { species: character.c.species },
          limit: "limit",
          offset: "offset",
        }),
        {
          requires: null,
          options: [
            Option("species", Optional(Sequence(Str))),
            Option("limit", Optional(Int)),
            Option("offset", Optional(Int)),
          ],
        },
      ),
      Link("actors", Sequence(TypeRef("Actor")), ListQuery(PG, actor, { limit: "limit" }), {
        requires: null,
        options: [Option("limit", Optional(Int))],
      }),
      Link("ships", Sequence(TypeRef("Ship")), ListQuery(PG, ship), { requires: null }),
      Link("awards", Sequence(TypeRef("Award")), ListQuery(PG, award), { requires: null }),
      Link("actorsById", Sequence(TypeRef("Actor")), () => [4, 99, 1, 2], { requires: null }),
    ]),
  ]);
}

/** One of the items, at random. */
function oneOf<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}

/** What random queries may select on each node of {@linkcode everyShapeGraph}. */
const EVERY_SHAPE: {
  readonly [node: string]: {
    readonly fields: readonly string[];
    readonly links: { readonly [link: string]: string };
  };
} = {
  Character: {
    fields: ["id", "name", "species", "note"],
    links: { actors: "Actor", ships: "Ship", flagship: "Ship" },
  },
  Actor: {
    fields: ["id", "name", "character_id"],
    links: { character: "Character", awards: "Award", topAward: "Award", coActors: "Actor" },
  },
  Ship: { fields: ["id", "name", "captain_id"], links: { captain: "Character" } },
  Award: { fields: ["id", "title", "actor_id"], links: { actor: "Actor" } },
};

/**
 * A random query of {@linkcode everyShapeGraph}, up to four links deep: some links selected again
 * under an alias or through an inline fragment (whose selections merge), some links and fields
 * included or skipped by the variables `$a` and `$b`, the root lists with or without their
 * options (`$limit` among them).
 */
function randomQuery(random: () => number, secondRoot = true): string {
  const some = <T>(items: readonly T[], min: number, max: number): T[] => {
    const left = [...items];
    const count = min + Math.floor(random() * (Math.min(max, left.length) - min + 1));
    const out: T[] = [];
    while (out.length < count) out.push(left.splice(Math.floor(random() * left.length), 1)[0]!);
    return out;
  };
  const selection = (node: string, depth: number): string => {
    const shape = EVERY_SHAPE[node]!;
    const links = depth < 4 ? some(Object.keys(shape.links), 0, 2) : [];
    const parts = [
      ...some(shape.fields, links.length === 0 ? 1 : 0, 2),
      ...links.map((name) =>
        `${name}${some(["", "", " @include(if: $a)", " @skip(if: $b)"], 1, 1)[0]} ${
          selection(shape.links[name]!, depth + 1)
        }`
      ),
    ];
    if (random() < 0.3) parts.push(`${some(shape.fields, 1, 1)[0]} @skip(if: $a)`);
    if (depth < 4 && random() < 0.3) {
      const [name] = some(Object.keys(shape.links), 1, 1) as [string];
      const target = shape.links[name]!;
      parts.push(`again${depth}: ${name} ${selection(target, depth + 1)}`);
      parts.push(`... on ${node} { ${name} ${selection(target, depth + 1)} }`);
    }
    return `{ ${parts.join(" ")} }`;
  };
  const [root, node] = some<[string, string]>(
    [
      ["characters", "Character"],
      ["actors", "Actor"],
      ["ships", "Ship"],
      ["awards", "Award"],
      ["actorsById", "Actor"],
    ],
    1,
    1,
  )[0]!;
  const options = {
    characters: [
      "",
      "(limit: 2)",
      "(offset: 1)",
      '(species: ["Human"])',
      '(species: "Vulcan", limit: 1)',
    ],
    actors: ["", "(limit: 3)", "(limit: 0)", "(limit: $limit)"],
  }[root] ?? [""];
  const body = `{ ${root}${some(options, 1, 1)[0]} ${
    selection(node, 1)
  } a: __typename @include(if: $a) b: __typename @skip(if: $b) ${
    secondRoot ? "limited: actors(limit: $limit) { id }" : ""
  } }`;
  // Every variable declared is used, so that no query is invalid for an unused one.
  return `query ($a: Boolean!, $b: Boolean!${
    body.includes("$limit") ? ", $limit: Int" : ""
  }) ${body}`;
}

/**
 * The data {@linkcode everyShapeGraph} is queried on, besides the seed's: Kirk captains two ships
 * (his `flagship` finds two rows), one ship's captain has no row, Shatner has two awards (his
 * `topAward` finds two), one award's actor has no row, McCoy has no ship, most actors no award,
 * Kirk's note is in two rows (alike, so read as one; rows that differ would be a `FieldsRowError`,
 * its key not being the table's primary key), Spock has none.
 */
async function fillEveryShape(db: PgClient): Promise<void> {
  await db.query(
    "INSERT INTO ship (id, name, captain_id) VALUES (2, 'USS Defiant', 1), (3, 'Shuttle', 99)",
  );
  await db.query("CREATE TABLE award (id integer PRIMARY KEY, actor_id integer, title text)");
  await db.query(
    "INSERT INTO award VALUES (1, 1, 'Emmy'), (2, 1, 'Golden Globe'), (3, 2, 'Hugo'), " +
      "(4, 77, 'Orphan')",
  );
  await db.query("CREATE TABLE info (character_id integer, note text)");
  await db.query("INSERT INTO info VALUES (1, 'captain'), (1, 'captain'), (3, 'doctor')");
}

/**
 * Checks that each query of {@linkcode everyShapeGraph} takes one statement fused and answers the
 * same bytes as unfused; returns the two schemas.
 */
async function inOneStatementAsUnfused(
  db: PgClient,
  queries: readonly string[],
): Promise<{ readonly fused: Schema; readonly unfused: Schema }> {
  const schemas = fusedAndUnfused(everyShapeGraph());
  for (const query of queries) {
    const run = await execute(schemas.fused, db, query);
    assert.equal(run.statements.length, 1, query);
    const plain = await execute(schemas.unfused, db, query);
    assert.equal(JSON.stringify(run.response), JSON.stringify(plain.response), query);
  }
  return schemas;
}

fusionTest(
  "a list on a value that is not its parent's key does not repeat the items below it",
  async (db) => {
    // Shatner and Pine played Kirk: each of them reaches both through `coActors`, so the join
    // gives each co-actor's awards once per actor of the batch that shares the character.
    await fillEveryShape(db);
    const { fused } = await inOneStatementAsUnfused(db, [
      "{ actorsById { name coActors { name awards { title } } } }",
      "{ actors { name coActors { name topAward { title } } } }",
    ]);
    const { response } = await execute(
      fused,
      db,
      "{ actorsById { coActors { awards { title } } } }",
    );
    // The first id is Pine's; his first co-actor is Shatner.
    const [pine] = (response.data as { actorsById: { coActors: { awards: unknown[] }[] }[] })
      .actorsById;
    assert.deepEqual(pine!.coActors[0]!.awards, [{ title: "Emmy" }, { title: "Golden Globe" }]);
  },
);

fusionTest(
  "fields joined on a key that several rows share do not repeat a statement's list items",
  async (db) => {
    // Kirk's note is in two rows: joined on his id, they give every row of his twice.
    await fillEveryShape(db);
    const { fused } = await inOneStatementAsUnfused(db, [
      "{ characters { name note } }",
      "{ characters { name note actors { name } } }",
      "{ actors { name character { name note } } }",
    ]);
    const { response } = await execute(fused, db, "{ characters { name note actors { name } } }");
    assert.deepEqual(response.data, {
      characters: [KIRK, SPOCK, MCCOY].map((name) => ({
        name,
        note: name === KIRK ? "captain" : name === MCCOY ? "doctor" : null,
        actors: ACTORS_OF[name]!.map((actor) => ({ name: actor })),
      })),
    });
    // His two rows say the same: read as one.
    assert.equal(response.errors, undefined);
  },
);

fusionTest(
  "fields read by a key that is not the primary key fail an id with rows that differ and read one row the joins repeat, fused as unfused",
  async (db) => {
    await fillEveryShape(db);
    // Kirk's notes now differ: two rows alike, a third not.
    await db.query("INSERT INTO info VALUES (1, 'admiral')");
    const queries = [
      "{ characters { name note actors { name } } }",
      "{ actors { name character { name note } } }",
      "{ actorsById { character { name note } } }",
      "{ ships { captain { note } } }",
      // Two lists beside each other: a chain each, the character's rows in both, its note where
      // each chain puts it (copied to where the group reads it).
      "{ characters { name actors { name } note ships { name } } }",
      "{ actorsById { character { ships { name } note actors { name } } } }",
    ];
    const { fused } = await inOneStatementAsUnfused(db, queries);
    const { response } = await execute(fused, db, "{ characters { name note } }");
    assert.deepEqual(response.data, {
      characters: [KIRK, SPOCK, MCCOY].map((name) => ({
        name,
        note: name === MCCOY ? "doctor" : null,
      })),
    });
    assert.deepEqual(response.errors?.map(({ message, path }) => ({ message, path })), [{
      message: `FieldsQuery on table "info" found 2 different rows where "character_id" = 1: ` +
        "its key column must be unique (rows that say the same are read as one)",
      path: ["characters", 0, "note"],
    }]);

    // Two alike left, each repeated by each of his actors' rows: read as one.
    await db.query("DELETE FROM info WHERE character_id = 1 AND note = 'admiral'");
    await inOneStatementAsUnfused(db, queries);
    const again = await execute(fused, db, "{ characters { note actors { name } } }");
    assert.equal(again.response.errors, undefined);
    assert.deepEqual(
      (again.response.data as { characters: { note: unknown }[] }).characters.map((c) => c.note),
      ["captain", null, "doctor"],
    );
  },
);

fusionTest(
  "fields by a key that is not the primary key read every row of the key, wherever the region reaches them, fused as unfused",
  async (db) => {
    // Two awards of one title, from different years; objects (dates, bytes, json) in every row.
    await db.query(
      "CREATE TABLE award (id integer PRIMARY KEY, title text, year int, at timestamptz, " +
        "badge bytea, meta jsonb)",
    );
    await db.query(
      "INSERT INTO award VALUES " +
        `(1, 'Emmy', 2001, '2001-01-01T00:00:00Z', '\\x01', '{"a": [1]}'), ` +
        `(2, 'Emmy', 2002, '2001-01-01T00:00:00Z', '\\x01', '{"a": [1]}'), ` +
        `(3, 'Hugo', 2003, '2003-01-01T00:00:00Z', '\\x03', '{"a": [3]}')`,
    );
    // A view: no ctid, no primary key; what tells its rows apart is what they say.
    await db.query("CREATE VIEW prize AS SELECT title, year FROM award");
    const DateTime = Scalar("DateTime", {
      serialize: (value: unknown) => value instanceof Date ? value.toISOString() : String(value),
    });
    const award = table("award", {
      id: Int,
      title: Str,
      year: Int,
      at: DateTime,
      badge: Any,
      meta: Any,
    }, { primaryKey: "id" });
    const prize = table("prize", { title: Str, year: Int });
    const byTitle = FieldsQuery(PG, award, { primaryKey: award.c.title });
    const titled = LinkQuery(PG, { fromColumn: award.c.id, toColumn: award.c.title });
    const { fused, unfused } = fusedAndUnfused(Graph([
      Node("Award", [
        Field("id", null, FieldsQuery(PG, award)),
        // Each award's own row, reached by its title: a link on the primary key (one row each),
        // onto a node whose fields are read by the title: every row of the title, not only the
        // one the link reached.
        Link("named", TypeRef("Title"), titled, { requires: "id" }),
        // The same, onto a view's rows.
        Link("prize", TypeRef("Prize"), titled, { requires: "id" }),
      ]),
      Node("Title", [
        ...["title", "year", "at", "badge", "meta"].map((name) => Field(name, null, byTitle)),
      ]),
      Node("Prize", [
        ...["title", "year"].map((name) =>
          Field(name, null, FieldsQuery(PG, prize, { primaryKey: prize.c.title }))
        ),
      ]),
      Root([
        Link("awards", Sequence(TypeRef("Award")), ListQuery(PG, award, { limit: "limit" }), {
          requires: null,
          options: [Option("limit", Optional(Int))],
        }),
        Link("first", Sequence(TypeRef("Award")), () => [1], { requires: null }),
      ]),
    ]));
    for (
      const query of [
        "{ awards { id named { title year } } }",
        "{ awards(limit: 1) { id named { title year } } }",
        "{ first { id named { year } } }",
        // Alike in the fields read: read as one.
        "{ first { id named { title at badge meta } } }",
        "{ awards { named { title at badge meta } } }",
        "{ awards { prize { year } } }",
        "{ awards { prize { title } } }",
      ]
    ) {
      const run = await execute(fused, db, query);
      assert.equal(run.statements.length, 1, query);
      assert.equal(
        JSON.stringify(run.response),
        JSON.stringify((await execute(unfused, db, query)).response),
        query,
      );
      assert.equal(run.response.errors === undefined, !query.includes("year"), query);
    }
    const { response } = await execute(fused, db, "{ first { named { year } } }");
    assert.deepEqual(response.errors?.map(({ message, path }) => ({ message, path })), [{
      message: `FieldsQuery on table "award" found 2 different rows where "title" = "Emmy": ` +
        "its key column must be unique (rows that say the same are read as one)",
      path: ["first", 0, "named", "year"],
    }]);
  },
);

fusionTest(
  "random queries (aliases, fragments, directives, list options) through lists, links to one node, missing and repeated rows answer fused as unfused, each with two sets of variables",
  async (db) => {
    await fillEveryShape(db);
    const { fused, unfused } = fusedAndUnfused(everyShapeGraph());
    const random = mulberry32(20261206);
    let statements = { fused: 0, unfused: 0 };
    for (let q = 0; q < 100; q++) {
      const query = randomQuery(random);
      // The second run of a text reuses its plan with other variables.
      for (let v = 0; v < 2; v++) {
        const variables = {
          a: random() < 0.5,
          b: random() < 0.5,
          limit: oneOf([null, 1, 2], random),
        };
        const run = await execute(fused, db, query, variables);
        const plain = await execute(unfused, db, query, variables);
        assert.equal(
          JSON.stringify(run.response),
          JSON.stringify(plain.response),
          `${query} ${JSON.stringify(variables)}`,
        );
        statements = {
          fused: statements.fused + run.statements.length,
          unfused: statements.unfused + plain.statements.length,
        };
      }
    }
    // Fusion did happen: fewer statements in all than one per node per path. (Some queries are
    // invalid, fields of one name merging with different links: both runs say so alike.)
    assert.ok(statements.fused * 2 < statements.unfused, JSON.stringify(statements));
  },
);

/**
 * The seed's nodes with: awards in a partitioned table, reached by their titles (a link whose
 * to-column is not its table's key, so its rows are told apart by their `ctid`, which each
 * partition numbers from the start); characters listed by species (ties in the order); and a list
 * keyed by a column whose values repeat (each actor's character id).
 */
function edgeGraph(): Graph {
  const award = table("award", { id: Int, actor_id: Int, title: Str, kind: Str }, {
    primaryKey: "id",
  });
  return Graph([
    ...seedNodes([
      Link(
        "awardTitles",
        Sequence(TypeRef("Title")),
        LinkQuery(PG, { fromColumn: award.c.actor_id, toColumn: award.c.title }),
        { requires: "id" },
      ),
    ]),
    Node("Title", [
      Field("title", null, FieldsQuery(PG, award, { primaryKey: award.c.title })),
    ]),
    Root([
      Link("actorsById", Sequence(TypeRef("Actor")), () => [1, 2, 4], { requires: null }),
      Link(
        "bySpecies",
        Sequence(TypeRef("Character")),
        ListQuery(PG, character, { orderBy: character.c.species }),
        { requires: null },
      ),
      Link(
        "castCharacters",
        Sequence(TypeRef("Character")),
        ListQuery(PG, actor, { key: actor.c.character_id }),
        { requires: null },
      ),
    ]),
  ]);
}

fusionTest(
  "rows of a partitioned table told apart by ctid are each taken once, not merged",
  async (db) => {
    // Emmy and Golden Globe are the first rows of two partitions: the same ctid.
    await db.query(
      "CREATE TABLE award (id integer, actor_id integer, title text, kind text, " +
        "PRIMARY KEY (id, kind)) PARTITION BY LIST (kind)",
    );
    await db.query("CREATE TABLE award_a PARTITION OF award FOR VALUES IN ('a')");
    await db.query("CREATE TABLE award_b PARTITION OF award FOR VALUES IN ('b')");
    await db.query(
      "INSERT INTO award VALUES (1, 1, 'Emmy', 'a'), (2, 1, 'Golden Globe', 'b'), " +
        "(3, 2, 'Hugo', 'a')",
    );
    const { fused, unfused } = fusedAndUnfused(edgeGraph());
    const query = "{ actorsById { name character { actors { name } } awardTitles { title } } }";
    const run = await execute(fused, db, query);
    assert.deepEqual(sources(run.statements), ["region Actor"]);
    assert.equal(
      JSON.stringify(run.response),
      JSON.stringify((await execute(unfused, db, query)).response),
    );
    const [shatner] =
      (run.response.data as { actorsById: { awardTitles: unknown[] }[] }).actorsById;
    assert.deepEqual(shatner!.awardTitles, [{ title: "Emmy" }, { title: "Golden Globe" }]);
  },
);

fusionTest(
  "rows that tie on a list's order are listed in one order, by the key, fused and unfused",
  async (db) => {
    // An update moves Kirk's row after McCoy's on disk: ties were left in the table's order.
    await db.query("UPDATE character SET name = name WHERE id = 1");
    const { fused, unfused } = fusedAndUnfused(edgeGraph());
    const query = "{ bySpecies { id actors { id } } }";
    const run = await execute(fused, db, query);
    assert.equal(
      JSON.stringify(run.response),
      JSON.stringify((await execute(unfused, db, query)).response),
    );
    const listed = (run.response.data as { bySpecies: { id: number }[] }).bySpecies;
    assert.deepEqual(listed.map((c) => c.id), [1, 3, 2]);
  },
);

fusionTest(
  "a link whose parents' values are of another kind than its column (Float into Int) is not fused: 1.5 fails as unfused",
  async (db) => {
    // Unfused, a link reads its parents' values as its from-column's type, and its target's
    // fields read the ids as their key's: 1.5 is no Int, an error. A join would compare 1.5 with
    // the integers and find no row, a null instead of the error.
    await db.query("CREATE TABLE gauge (id integer PRIMARY KEY, reading float8)");
    await db.query("INSERT INTO gauge (id, reading) VALUES (1, 1.0), (2, 1.5)");
    const gauge = table("gauge", { id: Int, reading: Float }, { primaryKey: "id" });
    const graph = Graph([
      ...seedNodes([]),
      Node("Gauge", [
        Field("id", null, FieldsQuery(PG, gauge)),
        Field("reading", null, FieldsQuery(PG, gauge)),
        // The character whose id is the reading: Float values into an Int column.
        Link(
          "character",
          Optional(TypeRef("Character")),
          LinkQuery(PG, { fromColumn: character.c.id, toColumn: character.c.id }),
          { requires: "reading" },
        ),
        // The readings as a character's ids: an Int key joined on Float values.
        Link(
          "readingAsCharacter",
          Optional(TypeRef("Character")),
          LinkQuery(PG, { fromColumn: gauge.c.id, toColumn: gauge.c.reading }),
          { requires: "id" },
        ),
      ]),
      Root([Link("gauges", Sequence(TypeRef("Gauge")), ListQuery(PG, gauge), { requires: null })]),
    ]);
    const { fused, unfused } = fusedAndUnfused(graph);
    for (const link of ["character", "readingAsCharacter"]) {
      const query = `{ gauges { id ${link} { name } } }`;
      const run = await execute(fused, db, query);
      const plain = await execute(unfused, db, query);
      assert.equal(JSON.stringify(run.response), JSON.stringify(plain.response), query);
      assert.match(JSON.stringify(run.response.errors), /1\.5/, query);
      assert.ok(!sources(run.statements).some((s) => s?.startsWith("region")), query);
    }
    // Values of one kind still fuse.
    const run = await execute(fused, db, "{ gauges { id reading } }");
    assert.deepEqual(sources(run.statements), ["region gauges > Gauge"]);
  },
);

fusionTest("a ListQuery whose key repeats lists every row, and is not fused", async (db) => {
  const { fused, unfused } = fusedAndUnfused(edgeGraph());
  const query = "{ castCharacters { id actors { id } } }";
  const run = await execute(fused, db, query);
  assert.equal(
    JSON.stringify(run.response),
    JSON.stringify((await execute(unfused, db, query)).response),
  );
  const listed = (run.response.data as { castCharacters: { id: number }[] }).castCharacters;
  assert.deepEqual(listed.map((c) => c.id), [1, 1, 2, 2, 3, 3]);
  assert.equal(sources(run.statements)[0], 'ListQuery("actor")');
});

fusionTest(
  "examples/server.ts answers a query through characters, actors and back with one statement",
  async (db) => {
    const { fused, unfused } = fusedAndUnfused(serverGraph);
    const query = "{ characters { name actors { name character { name } } } }";
    const run = await execute(fused, db, query);
    assert.deepEqual(run.response, {
      data: {
        characters: [KIRK, SPOCK, MCCOY].map((name) => ({
          name,
          actors: ACTORS_OF[name]!.map((actor) => ({ name: actor, character: { name } })),
        })),
      },
    });
    assert.deepEqual(sources(run.statements), ["region characters > Character"]);
    const plain = await execute(unfused, db, query);
    assert.deepEqual(plain.response, run.response);
    assert.equal(plain.statements.length, 6);
  },
);

fusionTest(
  "examples/server.ts answers actors with their characters' names and species with one statement",
  async (db) => {
    const { fused, unfused } = fusedAndUnfused(serverGraph);
    const query = "{ actors { name character { name species } } }";
    const run = await execute(fused, db, query);
    assert.deepEqual(run.response, {
      data: {
        actors: ACTORS.map(([name, character, species]) => ({
          name,
          character: { name: character, species },
        })),
      },
    });
    assert.deepEqual(run.statements.map((s) => [s.source, s.params]), [
      ["region actors > Actor", []],
    ]);
    const plain = await execute(unfused, db, query);
    assert.deepEqual(plain.response, run.response);
    assert.equal(plain.statements.length, 4);
  },
);

fusionTest(
  "an Engine with fusion off issues one statement per node per path again",
  async (db) => {
    const query = "{ characters { name actors { name character { name } } } }";
    const fused = await executeEngine(FUSED, serverGraph, db, query);
    const plain = await executeEngine(UNFUSED, serverGraph, db, query);
    assert.deepEqual(plain.data, fused.data);
    assert.deepEqual(sources(fused.statements), ["region characters > Character"]);
    assert.deepEqual(plain.statements.map((s) => [s.source, s.params]), [
      [`ListQuery("character")`, []],
      [`FieldsQuery("character")`, [[1, 2, 3]]],
      [`LinkQuery("actor"."character_id" -> "id")`, [[1, 2, 3]]],
      [`FieldsQuery("actor")`, [[1, 4, 2, 5, 3, 6]]],
      [`LinkQuery("character"."id" -> "id")`, [[1, 2, 3]]],
      [`FieldsQuery("character")`, [[1, 2, 3]]],
    ]);
  },
);

// examples/star_trek.ts: the seed's own root loaders, and an actor's character linked in code.

fusionTest(
  "examples/star_trek.ts answers the seed's query with two statements: its root loader's, then one region",
  async (db) => {
    const fused = await executeEngine(FUSED, seedGraph, db, SEED_QUERY);
    assert.deepEqual(fused.data, SEED_DATA);
    assert.deepEqual(fused.statements.map((s) => [s.source, s.params]), [
      [null, []],
      ["region Character", [[1, 2, 3]]],
    ]);
    assert.equal(fused.statements[0]!.text, "SELECT id FROM character ORDER BY id");
    const plain = await executeEngine(UNFUSED, seedGraph, db, SEED_QUERY);
    assert.deepEqual(plain.data, fused.data);
    assert.equal(plain.statements.length, 4);
  },
);

fusionTest("a user loader (the seed's directLink) ends a region where it stands", async (db) => {
  // Actor's only link is directLink: no region forms, each node loads on its own.
  const actors = "{ actors { name character { name } } }";
  const fused = await executeEngine(FUSED, seedGraph, db, actors);
  assert.deepEqual(fused.data, {
    actors: ACTORS.map(([name, character]) => ({ name, character: { name: character } })),
  });
  assert.deepEqual(fused.statements.map((s) => [s.source, s.params]), [
    [null, []],
    [`FieldsQuery("actor")`, [[1, 2, 3, 4, 5, 6]]],
    [`FieldsQuery("character")`, [[1, 2, 3]]],
  ]);
  const plain = await executeEngine(UNFUSED, seedGraph, db, actors);
  assert.deepEqual(plain.data, fused.data);
  assert.deepEqual(plain.statements, fused.statements);

  // Characters and their actors are one region; the characters directLink reaches are not in it.
  const through = "{ characters { name actors { name character { name } } } }";
  const region = await executeEngine(FUSED, seedGraph, db, through);
  assert.deepEqual(region.data, {
    characters: [KIRK, SPOCK, MCCOY].map((name) => ({
      name,
      actors: ACTORS_OF[name]!.map((actor) => ({ name: actor, character: { name } })),
    })),
  });
  assert.deepEqual(region.statements.map((s) => [s.source, s.params]), [
    [null, []],
    ["region Character", [[1, 2, 3]]],
    [`FieldsQuery("character")`, [[1, 2, 3]]],
  ]);
  assert.deepEqual((await executeEngine(UNFUSED, seedGraph, db, through)).data, region.data);
});

// A graph of the seed's tables with lists, orders, optional and required links, a ship table
// where only Kirk has a row, and a table that does not exist.

const ship = table("ship", { id: Int, name: Str, captain_id: Int }, { primaryKey: "id" });
const starship = table("starship", { id: Int, name: Str, captain_id: Int }, { primaryKey: "id" });
const characterQuery = FieldsQuery(PG, character);
const actorQuery = FieldsQuery(PG, actor);
const shipQuery = FieldsQuery(PG, ship);
const starshipQuery = FieldsQuery(PG, starship);
const captainToShip = LinkQuery(PG, { fromColumn: ship.c.captain_id, toColumn: ship.c.id });
const page = [Option("limit", Optional(Int)), Option("offset", Optional(Int))];

const trek = Graph([
  Node("Character", [
    Field("id", null, characterQuery),
    Field("name", null, characterQuery),
    Field("species", null, characterQuery),
    Link(
      "actors",
      Sequence(TypeRef("Actor")),
      LinkQuery(PG, { fromColumn: actor.c.character_id, toColumn: actor.c.id }),
      { requires: "id" },
    ),
    Link(
      "actorsByName",
      Sequence(TypeRef("Actor")),
      LinkQuery(PG, {
        fromColumn: actor.c.character_id,
        toColumn: actor.c.id,
        orderBy: { column: actor.c.name, direction: "desc" },
      }),
      { requires: "id" },
    ),
    Link("ship", Optional(TypeRef("Ship")), captainToShip, { requires: "id" }),
    Link("commands", TypeRef("Ship"), captainToShip, { requires: "id" }),
    Link(
      "starships",
      Optional(Sequence(TypeRef("Starship"))),
      LinkQuery(PG, { fromColumn: starship.c.captain_id, toColumn: starship.c.id }),
      { requires: "id" },
    ),
  ]),
  Node("Actor", [Field("id", null, actorQuery), Field("name", null, actorQuery)]),
  Node("Ship", [Field("id", null, shipQuery), Field("name", null, shipQuery)]),
  Node("Starship", [Field("id", null, starshipQuery), Field("name", null, starshipQuery)]),
  Root([
    Link(
      "characters",
      Sequence(TypeRef("Character")),
      ListQuery(PG, character, {
        filters: { species: character.c.species },
        limit: "limit",
        offset: "offset",
      }),
      { requires: null, options: [Option("species", Optional(Str)), ...page] },
    ),
    Link(
      "charactersOf",
      Sequence(TypeRef("Character")),
      ListQuery(PG, character, { filters: { species: character.c.species } }),
      { requires: null, options: [Option("species", Optional(Sequence(Str)))] },
    ),
    Link(
      "charactersByName",
      Sequence(TypeRef("Character")),
      ListQuery(PG, character, {
        orderBy: { column: character.c.name, direction: "desc" },
        limit: "limit",
        offset: "offset",
      }),
      { requires: null, options: page },
    ),
    Link(
      "charactersById",
      Sequence(TypeRef("Character")),
      (options: { readonly ids: readonly number[] }) => options.ids,
      { requires: null, options: [Option("ids", Sequence(Int))] },
    ),
  ]),
]);

/** Runs a query fused and unfused: the data must be equal; gives both runs. */
async function both(db: PgClient, query: string): Promise<{
  readonly data: unknown;
  readonly fused: readonly RecordedStatement[];
  readonly unfused: readonly RecordedStatement[];
}> {
  const fused = await executeEngine(FUSED, trek, db, query);
  const plain = await executeEngine(UNFUSED, trek, db, query);
  assert.deepEqual(fused.data, plain.data, `fused run of ${query}`);
  return { data: plain.data, fused: fused.statements, unfused: plain.statements };
}

// ListQuery

fusionTest(
  "ListQuery filters by one value or a list, limits and offsets by options, all bound",
  async (db) => {
    const cases: readonly {
      readonly query: string;
      readonly names: readonly string[];
      readonly params: readonly unknown[];
    }[] = [
      {
        query: `{ characters(species: "Human") { name } }`,
        names: [KIRK, MCCOY],
        params: [["Human"]],
      },
      {
        query: `{ charactersOf(species: ["Human", "Vulcan/Human"]) { name } }`,
        names: [KIRK, SPOCK, MCCOY],
        params: [["Human", "Vulcan/Human"]],
      },
      {
        query: `{ charactersOf(species: ["Vulcan/Human"]) { name } }`,
        names: [SPOCK],
        params: [["Vulcan/Human"]],
      },
      // An absent filter is left out of the text, and so are LIMIT and OFFSET when both are absent;
      // one of them given, the other is bound to NULL.
      { query: `{ charactersOf { name } }`, names: [KIRK, SPOCK, MCCOY], params: [] },
      { query: `{ characters { name } }`, names: [KIRK, SPOCK, MCCOY], params: [] },
      {
        query: `{ characters(species: null, limit: null, offset: null) { name } }`,
        names: [KIRK, SPOCK, MCCOY],
        params: [],
      },
      { query: `{ characters(limit: 2) { name } }`, names: [KIRK, SPOCK], params: [2, null] },
      {
        query: `{ characters(limit: 1, offset: 1) { name } }`,
        names: [SPOCK],
        params: [1, 1],
      },
      {
        query: `{ characters(species: "Human", offset: 1) { name } }`,
        names: [MCCOY],
        params: [["Human"], null, 1],
      },
      // An empty list or a zero is given, not absent: nothing is listed.
      { query: `{ charactersOf(species: []) { name } }`, names: [], params: [[]] },
      { query: `{ characters(limit: 0) { name } }`, names: [], params: [0, null] },
    ];
    for (const { query, names, params } of cases) {
      const run = await both(db, query);
      const list = query.startsWith("{ charactersOf") ? "charactersOf" : "characters";
      assert.deepEqual(run.data, { [list]: names.map((name) => ({ name })) }, query);
      assert.deepEqual(run.fused.map((s) => [s.source, s.params]), [
        [`region ${list} > Character`, params],
      ], query);
      // Unfused, the list's own statement is bound with the same values.
      assert.deepEqual(run.unfused[0]!.params, params, query);
      for (const statement of [...run.fused, ...run.unfused]) {
        assert.ok(!statement.text.includes("Human"), statement.text);
      }
    }
  },
);

fusionTest(
  "ListQuery reads filter values as their column's type and refuses what does not fit, naming the option, before any statement",
  async (db) => {
    await db.query(
      "CREATE TABLE flag (id integer PRIMARY KEY, flag boolean NOT NULL, name text, n integer, " +
        "amount numeric)",
    );
    await db.query(
      "INSERT INTO flag VALUES (1, true, 'one', 1, 12345678901234567.5), " +
        "(2, false, 'two', 2, 12345678901234568)",
    );
    const flag = table("flag", {
      id: Int,
      flag: Bool,
      name: Optional(Str),
      n: Optional(Int),
      amount: Optional(Float),
    }, { primaryKey: "id" });
    const flagQuery = FieldsQuery(PG, flag);
    const graph = Graph([
      Node("Flag", [Field("id", null, flagQuery), Field("name", null, flagQuery)]),
      Root([
        Link(
          "flags",
          Sequence(TypeRef("Flag")),
          ListQuery(PG, flag, {
            filters: { flag: flag.c.flag, name: flag.c.name, n: flag.c.n, amount: flag.c.amount },
            limit: "limit",
            offset: "offset",
          }),
          {
            requires: null,
            options: ["flag", "name", "n", "amount", "limit", "offset"].map((name) =>
              Option(name, Any)
            ),
          },
        ),
      ]),
    ]);
    const { fused, unfused } = fusedAndUnfused(graph);
    const run = async (query: string) => {
      const recorder = recordStatements(db);
      const responses = [];
      for (const schema of [fused, unfused]) {
        responses.push(await schema.execute({ query, context: { [PG]: recorder.client } }));
      }
      assert.deepEqual(responses[0], responses[1], `fused and unfused: ${query}`);
      return { response: responses[0]!, statements: recorder.statements.length };
    };
    // Booleans spelled otherwise are read as Postgres reads them (postgres.js wrote each as false).
    for (const spelled of ['"true"', '["true"]', "1", '[true, "false"]']) {
      const { response } = await run(`{ flags(flag: ${spelled}) { id } }`);
      const ids = spelled === '[true, "false"]' ? [1, 2] : [1];
      assert.deepEqual(response, { data: { flags: ids.map((id) => ({ id })) } }, spelled);
    }
    assert.deepEqual((await run(`{ flags(n: "2") { id } }`)).response, {
      data: { flags: [{ id: 2 }] },
    });
    // A numeric column declared Float is compared exactly: the spelling is sent as it is.
    for (const amount of ['"12345678901234567.5"', '[0.5, "12345678901234567.5"]']) {
      assert.deepEqual((await run(`{ flags(amount: ${amount}) { id } }`)).response, {
        data: { flags: [{ id: 1 }] },
      }, amount);
    }
    const refused: [string, string, string][] = [
      ["limit: -1", "limit", "-1: expected an integer from 0"],
      ["offset: 1.5", "offset", "1.5: expected an integer from 0"],
      ['limit: "ten"', "limit", '"ten": expected an integer from 0'],
      ['n: "abc"', "n", '"abc": expected Int for column "n" of table "flag"'],
      ['n: [1, "two"]', "n", '"two": expected Int for column "n" of table "flag"'],
      ['amount: "lots"', "amount", '"lots": expected Float for column "amount" of table "flag"'],
      ['flag: "maybe"', "flag", '"maybe": expected Boolean for column "flag" of table "flag"'],
      [
        'name: "a\\u0000b"',
        "name",
        '"a\\u0000b": expected String for column "name" of table "flag" (without the NUL ' +
        "character, which Postgres's text never holds)",
      ],
    ];
    for (const [options, option, got] of refused) {
      const { response, statements } = await run(`{ flags(${options}) { id } }`);
      assert.deepEqual(response, {
        errors: [{
          message: `Option "${option}" of link "flags" got ${got}`,
          locations: [{ line: 1, column: 3 }],
          path: ["flags"],
        }],
        data: null,
      }, options);
      assert.equal(statements, 0, options);
      const error = (response.errors![0] as { originalError?: unknown }).originalError;
      assert.ok(error instanceof LoaderError && error.cause instanceof ListOptionError, options);
      assert.deepEqual(error.cause.extensions, { code: "BAD_USER_INPUT" });
    }
  },
);

fusionTest("a fused region is named by the graph's link, never by a client's alias", async (db) => {
  // Metrics label loads by this name: an alias there let clients mint series and grow /metrics.
  const run = await both(db, "{ hostile_alias_0: characters { name actors { name } } }");
  assert.deepEqual(sources(run.fused), ["region characters > Character"]);
});

fusionTest("ListQuery lists in its order, before the limit applies", async (db) => {
  const run = await both(db, "{ charactersByName { name actors { name } } }");
  assert.deepEqual(run.data, {
    charactersByName: [SPOCK, MCCOY, KIRK].map((name) => ({
      name,
      actors: ACTORS_OF[name]!.map((actor) => ({ name: actor })),
    })),
  });
  assert.deepEqual(sources(run.fused), [`region charactersByName > Character`]);
  const limited = await both(db, "{ charactersByName(limit: 2) { name } }");
  assert.deepEqual(limited.data, { charactersByName: [{ name: SPOCK }, { name: MCCOY }] });
  assert.deepEqual(limited.unfused[0], {
    text: `SELECT "id" AS "t" FROM "character" ORDER BY "name" DESC, "id" LIMIT $1 OFFSET $2`,
    params: [2, null],
    source: `ListQuery("character")`,
  });
});

fusionTest("ListQuery with no row sends no other statement", async (db) => {
  const run = await both(db, `{ characters(species: "Klingon") { name actors { name } } }`);
  assert.deepEqual(run.data, { characters: [] });
  assert.deepEqual(run.fused.map((s) => [s.source, s.params]), [
    ["region characters > Character", [["Klingon"]]],
  ]);
  assert.deepEqual(run.unfused.map((s) => [s.source, s.params]), [
    [`ListQuery("character")`, [["Klingon"]]],
  ]);
});

fusionTest(
  "ListQuery's text depends on which options are given, never on their values (prepared statements)",
  async (db) => {
    const { fused, unfused } = fusedAndUnfused(trek);
    const query = "query ($species: String, $limit: Int) " +
      "{ characters(species: $species, limit: $limit) { name actors { name } } }";
    const actorsOf = (name: string) => ACTORS_OF[name]!.map((actor) => ({ name: actor }));
    for (const schema of [fused, unfused]) {
      const first = await execute(schema, db, query, { species: "Human", limit: 1 });
      const second = await execute(schema, db, query, { species: "Vulcan/Human", limit: 5 });
      const third = await execute(schema, db, query, { limit: 2 });
      assert.deepEqual(first.response, {
        data: { characters: [{ name: KIRK, actors: actorsOf(KIRK) }] },
      });
      assert.deepEqual(second.response, {
        data: { characters: [{ name: SPOCK, actors: actorsOf(SPOCK) }] },
      });
      assert.deepEqual(third.response, {
        data: { characters: [KIRK, SPOCK].map((name) => ({ name, actors: actorsOf(name) })) },
      });
      // Other values, the same text: Postgres keeps the statement prepared.
      assert.deepEqual(
        first.statements.map((s) => s.text),
        second.statements.map((s) => s.text),
      );
      assert.deepEqual(first.statements[0]!.params, [["Human"], 1, null]);
      assert.deepEqual(second.statements[0]!.params, [["Vulcan/Human"], 5, null]);
      // No species: a text without the filter, with a plan of its own.
      const [filtered, unfiltered] = [first, third].map((run) => run.statements[0]!.text);
      assert.ok(filtered!.includes(`WHERE "species" = ANY($1)`), filtered);
      assert.ok(!unfiltered!.includes("species"), unfiltered);
      assert.deepEqual(third.statements[0]!.params, [2, null]);
    }
  },
);

fusionTest(
  "ListQuery unfused issues SELECT of the key with its filters, LIMIT and OFFSET bound",
  async (db) => {
    const run = await executeEngine(
      UNFUSED,
      trek,
      db,
      `{ characters(species: "Human", limit: 5, offset: 0) { name } }`,
    );
    assert.deepEqual(run.data, { characters: [{ name: KIRK }, { name: MCCOY }] });
    assert.deepEqual(run.statements, [
      {
        text: `SELECT "id" AS "t" FROM "character" WHERE "species" = ANY($1) ` +
          `ORDER BY "id" LIMIT $2 OFFSET $3`,
        params: [["Human"], 5, 0],
        source: `ListQuery("character")`,
      },
      {
        text: `SELECT "id", "name" FROM "character" WHERE "id" = ANY($1::int8[])`,
        params: [[1, 3]],
        source: `FieldsQuery("character")`,
      },
    ]);
  },
);

Deno.test("ListQuery rejects a link it can not list: with requires, not a list, an undeclared option", () => {
  const list = ListQuery(PG, character, { limit: "limit" });
  assert.throws(
    () =>
      Link("characters", Sequence(TypeRef("Character")), list, { requires: "id", options: page }),
    new TypeError(
      `ListQuery for link "characters" lists a table: the link needs requires: null, got "id"`,
    ),
  );
  assert.throws(
    () => Link("character", TypeRef("Character"), list, { requires: null, options: page }),
    new TypeError(
      `ListQuery can not load link "character": its type TypeRef("Character") is not ` +
        `Sequence(TypeRef) (maybe in Optional)`,
    ),
  );
  assert.throws(
    () =>
      Link("character", Optional(TypeRef("Character")), list, { requires: null, options: page }),
    new TypeError(
      `ListQuery can not load link "character": its type Optional(TypeRef("Character")) is not ` +
        `Sequence(TypeRef) (maybe in Optional)`,
    ),
  );
  assert.throws(
    () => Link("characters", Sequence(TypeRef("Character")), list, { requires: null }),
    new TypeError(
      `ListQuery for link "characters" reads option "limit": declare it on the link ` +
        `(options: [Option("limit", ...)])`,
    ),
  );
  assert.throws(
    () =>
      Link(
        "characters",
        Sequence(TypeRef("Character")),
        ListQuery(PG, character, { filters: { species: character.c.species } }),
        { requires: null, options: page },
      ),
    new TypeError(
      `ListQuery for link "characters" reads option "species": declare it on the link ` +
        `(options: [Option("species", ...)])`,
    ),
  );
});

Deno.test("ListQuery needs a key column and filters of its own table", () => {
  assert.throws(
    () => ListQuery(PG, character, { filters: { name: actor.c.name } }),
    new TypeError(
      `ListQuery on table "character" filters by columns of that table: option "name" got ` +
        `"actor"."name"`,
    ),
  );
  assert.throws(
    () => ListQuery(PG, table("registry", { code: Str })),
    new TypeError(
      `ListQuery on table "registry" needs a key column of that table: the table declares no ` +
        `primary key, so pass { key }`,
    ),
  );
  assert.throws(
    () => ListQuery(PG, character, { key: actor.c.id }),
    new TypeError(
      `ListQuery on table "character" needs a key column of that table: got "actor"."id"`,
    ),
  );
});

// Semantics fusion keeps.

fusionTest("a fused LinkQuery keeps the link's order (orderBy desc)", async (db) => {
  const run = await both(db, "{ characters { name actorsByName { name } } }");
  assert.deepEqual(run.data, {
    characters: [
      { name: KIRK, actorsByName: [{ name: "William Shatner" }, { name: "Chris Pine" }] },
      { name: SPOCK, actorsByName: [{ name: "Zachary Quinto" }, { name: "Leonard Nimoy" }] },
      { name: MCCOY, actorsByName: [{ name: "Karl Urban" }, { name: "DeForest Kelley" }] },
    ],
  });
  assert.deepEqual(sources(run.fused), ["region characters > Character"]);
  assert.equal(run.unfused.length, 4);
});

fusionTest("a fused Optional link with no row gives null", async (db) => {
  const run = await both(db, "{ characters { name ship { name } } }");
  assert.deepEqual(run.data, {
    characters: [
      { name: KIRK, ship: { name: "USS Enterprise" } },
      { name: SPOCK, ship: null },
      { name: MCCOY, ship: null },
    ],
  });
  assert.deepEqual(sources(run.fused), ["region characters > Character"]);
  assert.equal(run.unfused.length, 4);
});

fusionTest(
  "a fused TypeRef link with no row fails with the LinkRowError the unfused run gives",
  async (db) => {
    const query = read("{ characters { name commands { name } } }");
    const messages: string[] = [];
    for (const engine of [FUSED, UNFUSED]) {
      await assert.rejects(engine.execute(trek, query, { [PG]: db }), (error) => {
        assert.ok(error instanceof LoaderError);
        assert.ok(error.cause instanceof LinkRowError);
        messages.push(error.message);
        return true;
      });
    }
    assert.deepEqual(messages, [
      `Loader of link Character.commands failed: Link "commands" needs exactly one row in table ` +
      `"ship" where "captain_id" = 2: found none`,
      `Loader of link Character.commands failed: Link "commands" needs exactly one row in table ` +
      `"ship" where "captain_id" = 2: found none`,
    ]);
  },
);

fusionTest("a fused region gives null fields (and no links) for ids without a row", async (db) => {
  const run = await both(db, "{ charactersById(ids: [1, 99]) { name actors { name } } }");
  assert.deepEqual(run.data, {
    charactersById: [
      { name: KIRK, actors: ACTORS_OF[KIRK]!.map((name) => ({ name })) },
      { name: null, actors: [] },
    ],
  });
  assert.deepEqual(run.fused.map((s) => [s.source, s.params]), [
    ["region Character", [[1, 99]]],
  ]);
  assert.deepEqual(run.unfused.map((s) => [s.source, s.params]), [
    [`FieldsQuery("character")`, [[1, 99]]],
    [`LinkQuery("actor"."character_id" -> "id")`, [[1]]],
    [`FieldsQuery("actor")`, [[1, 4]]],
  ]);
});

fusionTest(
  "a fused region finds rows whose integer keys are far apart, in any order",
  async (db) => {
    // Ids with gaps of a thousand and more (as a round-robin or a sequence shared between
    // tables deals them): some close enough to be kept in an array by key, with ids asked for
    // in its gaps; others past any array, and one negative. Each is found, none invented.
    const near = [12, 1_003, 2_000, 3_001];
    const far = [7_001, 90_000, 4_000_000, -5];
    for (const id of [...near, ...far]) {
      await db.query("INSERT INTO character (id, name, species) VALUES ($1, $2, $3)", [
        id,
        `Character ${id}`,
        "Human",
      ]);
      for (const offset of [1, 2_500]) {
        await db.query("INSERT INTO actor (id, character_id, name) VALUES ($1, $2, $3)", [
          id * 3 + offset,
          id,
          `Actor ${id * 3 + offset}`,
        ]);
      }
    }
    const expected = (id: number) =>
      near.includes(id) || far.includes(id)
        ? {
          name: `Character ${id}`,
          actors: [1, 2_500].map((offset) => ({ name: `Actor ${id * 3 + offset}` })),
        }
        : { name: null, actors: [] };
    for (const asked of [[3_001, 500, 12, 2_999, 1_003, 2_000], [...far.reverse(), 6_999]]) {
      const run = await both(
        db,
        `{ charactersById(ids: [${asked.join(", ")}]) { name actors { name } } }`,
      );
      assert.deepEqual(run.data, { charactersById: asked.map(expected) });
      assert.deepEqual(sources(run.fused), ["region Character"]);
    }
  },
);

// A region's one statement failing does not fail the region: its loads run one by one instead,
// so every error lands where it would unfused and the rest of the data stays.
fusionTest(
  "a fused region that fails reports errors on the fields the unfused run names, with partial data",
  async (db) => {
    const { fused, unfused } = fusedAndUnfused(trek);
    const query = "{ characters { name starships { name } } }";
    const plain = await execute(unfused, db, query);
    const missing = `Query on table "starship" failed: relation "starship" does not exist ` +
      `(SQL: SELECT "captain_id", "id" FROM "starship" WHERE "captain_id" = ANY($1::int8[]) ORDER BY "id")`;
    assert.deepEqual(JSON.parse(JSON.stringify(plain.response)), {
      errors: [0, 1, 2].map((i) => ({
        message: missing,
        locations: [{ line: 1, column: 21 }],
        path: ["characters", i, "starships"],
      })),
      data: { characters: [KIRK, SPOCK, MCCOY].map((name) => ({ name, starships: null })) },
    });
    const run = await execute(fused, db, query);
    assert.deepEqual(run.response.data, plain.response.data);
    assert.deepEqual(
      run.response.errors?.map((e) => [e.path, e.locations]),
      plain.response.errors?.map((e) => [e.path, e.locations]),
    );
    for (const error of run.response.errors ?? []) {
      assert.match(error.message, /relation "starship" does not exist/);
    }
  },
);

// Planning

/**
 * `{ characters(limit: 1) { actors { character { actors ... { name } } } } }`, `levels` links
 * below the root's, only the last node's name queried.
 */
function deepQuery(levels: number): string {
  let selection = "name";
  for (let level = levels - 1; level >= 0; level--) {
    selection = `${level % 2 === 0 ? "actors" : "character"} { ${selection} }`;
  }
  return `{ characters(limit: 1) { ${selection} } }`;
}

/** What {@linkcode deepQuery} gives: Kirk, his two actors, Kirk again, ... down to a name. */
function deepData(levels: number): unknown {
  const link = (level: number) => level % 2 === 0 ? "actors" : "character";
  let value: unknown = link(levels - 1) === "actors"
    ? [{ name: "William Shatner" }, { name: "Chris Pine" }]
    : { name: KIRK };
  for (let level = levels - 2; level >= 0; level--) {
    const node = { [link(level + 1)]: value };
    value = link(level) === "actors" ? [node, node] : node;
  }
  return { characters: [{ actors: value }] };
}

fusionTest(
  `a region stops at MAX_REGION_NODES (${MAX_REGION_NODES}) nodes; the rest loads after it`,
  async (db) => {
    const { fused, unfused } = fusedAndUnfused(serverGraph);
    // One node more than a region takes: the root's characters and a node per level.
    const levels = MAX_REGION_NODES;
    const query = deepQuery(levels);
    const run = await execute(fused, db, query);
    const plain = await execute(unfused, db, query);
    assert.equal(run.response.errors, undefined);
    assert.deepEqual(run.response.data, deepData(levels));
    assert.deepEqual(run.response, plain.response);
    // The link into the last node, and that node, load one by one after the region.
    const last = (levels - 1) % 2 === 0
      ? [`LinkQuery("actor"."character_id" -> "id")`, `FieldsQuery("actor")`]
      : [`LinkQuery("character"."id" -> "id")`, `FieldsQuery("character")`];
    assert.deepEqual(sources(run.statements), ["region characters > Character", ...last]);
    assert.equal(plain.statements.length, 1 + (levels + 1) + levels);
  },
);

// Executors

Deno.test({
  name: "WorkerPoolExecutor runs a fused region's statement on the main thread" +
    (DATABASE_URL === null
      ? ` (skipped: ${NO_SERVER}; each of the pool's threads opens its own connection)`
      : ""),
  ignore: DATABASE_URL === null,
  async fn() {
    const schema = scratchSchema();
    await using admin = await openDatabase({ url: DATABASE_URL, schema, dropSchemaOnClose: true });
    await setUpDatabase(admin);
    await admin.query("CREATE TABLE pool_connection (thread text, pid integer)");
    // The statement of the region below the seed's root, as the async executor issues it.
    const expected = await executeEngine(FUSED, seedGraph, admin, SEED_QUERY);
    const region = expected.statements[1]!;
    assert.equal(region.source, "region Character");

    // Every load the pool can place goes to a worker: the main thread opens its connection only
    // for what must run there.
    const pool = new WorkerPoolExecutor({
      module: poolModule(schema),
      size: 2,
      inlineThreshold: 0,
      inlineCostPerId: 0,
      inlineUnbatched: false,
    });
    try {
      await pool.ready();
      const result = await new Engine(pool).execute(seedGraph, read(SEED_QUERY));
      assert.deepEqual(denormalize(seedGraph, result), SEED_DATA);
      // Each thread's connection's last statement, while the connections are open.
      const rows = await admin.query(
        "SELECT c.thread, a.query FROM pool_connection c JOIN pg_stat_activity a ON a.pid = c.pid " +
          "ORDER BY c.thread",
      );
      assert.deepEqual(rows.map((r) => r.thread), [
        "hiku-ts worker 1",
        "hiku-ts worker 2",
        "main",
      ]);
      assert.equal(rows[2]!.query, region.text);
      assert.ok(
        rows.slice(0, 2).some((r) => r.query === "SELECT id FROM character ORDER BY id"),
        "the root's loader ran in a worker",
      );
    } finally {
      await pool.close();
    }
  },
});

// One pass: a query that one region answers whole is built from the region's rows (direct.ts).

/** What the engine asked of a region's results in one request. */
interface Reads {
  /** Results that gave the engine their rows as a tree. */
  trees: number;
  /** Reads by id (`row`, `link`): the engine read the result into its batches. */
  byId: number;
}

/**
 * Counts what the engine asks of the Postgres sources' region results (the fuser is the sources'
 * own, shared by every graph of the process: it is put back when `fn` ends).
 */
async function countingReads(fn: (reads: Reads) => Promise<void>): Promise<void> {
  const fuser = fusionOf(FieldsQuery(PG, character))!.fuser as { fuse: Fuser["fuse"] };
  const fuse = fuser.fuse;
  const reads: Reads = { trees: 0, byId: 0 };
  fuser.fuse = (region) => {
    const loader = fuse(region);
    if (loader === null) return null;
    const load = async (ctx: { readonly [key: string]: unknown }, input: FusedInput) => {
      const result = await loader(ctx, input);
      const counted: FusedResult = {
        row(node, group, id) {
          reads.byId++;
          return result.row(node, group, id);
        },
        columns: (node, group) => result.columns?.(node, group) ?? null,
        link(link, value) {
          reads.byId++;
          return result.link(link, value);
        },
        tree() {
          const tree = result.tree?.() ?? null;
          if (tree !== null) reads.trees++;
          return tree;
        },
        release: () => result.release?.(),
        rowCount: result.rowCount ?? 0,
        treeOnly: result.treeOnly === true,
      };
      return counted;
    };
    // The statement, for explain.
    return Object.assign(load, {
      statement: loader.statement ?? "",
      statementFor: loader.statementFor ?? (() => loader.statement ?? ""),
    });
  };
  try {
    await fn(reads);
  } finally {
    fuser.fuse = fuse;
  }
}

fusionTest(
  "a query one region answers whole is built from its rows in one pass, as unfused",
  async (db) => {
    await countingReads(async (reads) => {
      const { fused, unfused } = fusedAndUnfused(serverGraph);
      for (
        const query of [
          SEED_QUERY,
          "{ actors { name character { name species } } }",
          "{ characters { name actors { name character { name } } } }",
          "{ list: characters(limit: 2) { __typename n: name actors { id ... on Actor { name } } } t: __typename }",
          "{ characters(species: []) { name } }",
        ]
      ) {
        reads.trees = reads.byId = 0;
        const run = await execute(fused, db, query);
        assert.deepEqual(sources(run.statements), [sources(run.statements)[0]!], query);
        assert.deepEqual({ ...reads }, { trees: 1, byId: 0 }, query);
        const plain = await execute(unfused, db, query);
        assert.equal(JSON.stringify(run.response), JSON.stringify(plain.response), query);
      }
      // Explained, the engine reads by ids (explain shows each batch it filled).
      reads.trees = reads.byId = 0;
      const explaining = new Schema({
        query: serverGraph,
        executor: new AsyncExecutor(),
        explain: true,
      });
      const explained = await execute(explaining, db, SEED_QUERY);
      assert.deepEqual(explained.response.data, SEED_DATA);
      assert.equal(reads.trees, 0);
      assert.ok(reads.byId > 0);
    });
  },
);

/**
 * The actors with their characters' names, read in one pass: only what the response shows, and
 * where an actor has no character (no budget counts the characters' ids).
 */
const LEAN_ACTORS_SQL = [
  `SELECT "l0"."name" AS "x0", "l1"."name" AS "x1", CASE WHEN "l1"."id" IS NULL THEN 1 END AS "x2"`,
  `FROM "actor" AS "l0"`,
  `LEFT JOIN "character" AS "l1" ON "l1"."id" = "l0"."character_id" ORDER BY "l0"."id"`,
].join(" ");

/** The same with a cost budget, which counts the characters' ids: they are read. */
const LEAN_COUNTED_ACTORS_SQL = [
  `SELECT "l0"."name" AS "x0", "l1"."id" AS "x1", "l1"."name" AS "x2"`,
  `FROM "actor" AS "l0"`,
  `LEFT JOIN "character" AS "l1" ON "l1"."id" = "l0"."character_id" ORDER BY "l0"."id"`,
].join(" ");

/** The same region read by ids: the actors' ids and the values their links require too. */
const WHOLE_ACTORS_SQL = [
  `SELECT "l0"."id" AS "x0", "l0"."name" AS "x1", "l0"."character_id" AS "x2",`,
  `"l1"."id" AS "x3", "l1"."name" AS "x4"`,
  `FROM "actor" AS "l0"`,
  `LEFT JOIN "character" AS "l1" ON "l1"."id" = "l0"."character_id" ORDER BY 1`,
].join(" ");

fusionTest(
  "a query read in one pass reads only what the response shows: not the values links require, nor the ids of a list with no list below",
  async (db) => {
    const { fused, unfused } = fusedAndUnfused(serverGraph);
    const query = "{ actors { name character { name } } }";
    const run = await execute(fused, db, query);
    assert.deepEqual(run.statements.map((s) => s.text), [LEAN_ACTORS_SQL]);
    assert.deepEqual(run.response, {
      data: {
        actors: ACTORS.map(([name, character]) => ({ name, character: { name: character } })),
      },
    });
    assert.equal(
      JSON.stringify(run.response),
      JSON.stringify((await execute(unfused, db, query)).response),
    );
    // With a budget, the characters' ids are read (it counts them), as many as unfused.
    const budgets = [new CostBudget(), new CostBudget()] as const;
    const recorder = recordStatements(db);
    const counted = await fused.execute({
      query,
      context: { [PG]: recorder.client },
      budget: budgets[0],
    });
    const plain = await unfused.execute({ query, context: { [PG]: db }, budget: budgets[1] });
    assert.deepEqual(recorder.statements.map((s) => s.text), [LEAN_COUNTED_ACTORS_SQL]);
    assert.equal(JSON.stringify(counted), JSON.stringify(plain));
    assert.equal(budgets[0].ids, budgets[1].ids);
    // Shown, the ids and the required values are read.
    const shown = "{ actors { id name character_id character { name } } }";
    const all = await execute(fused, db, shown);
    assert.equal(all.statements.length, 1);
    assert.match(
      all.statements[0]!.text,
      /^SELECT "l0"\."id" AS "x0", "l0"\."name" AS "x1", "l0"\."character_id"/,
    );
    assert.equal(
      JSON.stringify(all.response),
      JSON.stringify((await execute(unfused, db, shown)).response),
    );
    // Explained, the run reads by ids: the whole statement.
    const explaining = new Schema({
      query: serverGraph,
      executor: new AsyncExecutor(),
      explain: true,
    });
    assert.deepEqual((await execute(explaining, db, query)).statements.map((s) => s.text), [
      WHOLE_ACTORS_SQL,
    ]);
  },
);

fusionTest(
  "a list read in one pass without its ids gives a parent with no item an empty list, in the same statement",
  async (db) => {
    const { fused, unfused } = fusedAndUnfused(serverGraph);
    await db.query("INSERT INTO character (id, name, species) VALUES (4, 'Worf', 'Klingon')");
    for (
      const query of [
        SEED_QUERY,
        "{ characters { name actors { name character { name } } } }",
        "{ characters(limit: 1, offset: 3) { actors { name } } }",
      ]
    ) {
      const run = await execute(fused, db, query);
      assert.equal(run.statements.length, 1, query);
      assert.match(run.statements[0]!.text, /CASE WHEN "l1"\."id" IS NULL THEN 1 END/, query);
      assert.match(JSON.stringify(run.response), /"actors":\[\]/, query);
      const plain = await execute(unfused, db, query);
      assert.equal(JSON.stringify(run.response), JSON.stringify(plain.response), query);
    }
  },
);

fusionTest(
  "a list keyed by values the engine refuses (dates, json) or by a null keeps its ids in one pass, and they are reported as unfused",
  async (db) => {
    await db.query("CREATE TABLE event (at timestamptz PRIMARY KEY, what text)");
    await db.query("INSERT INTO event VALUES ('2020-01-01T00:00:00Z', 'launch')");
    await db.query("CREATE TABLE doc (body jsonb PRIMARY KEY, title text)");
    await db.query(`INSERT INTO doc VALUES ('{"a": 1}', 'one')`);
    // A key the database does not keep (no constraint): a null among its values.
    await db.query("CREATE TABLE item (k int, name text)");
    await db.query("INSERT INTO item VALUES (1, 'a'), (NULL, 'b')");
    const event = table("event", { at: Any, what: Str }, { primaryKey: "at" });
    const doc = table("doc", { body: Any, title: Str }, { primaryKey: "body" });
    const item = table("item", { k: Optional(Int), name: Str }, { primaryKey: "k" });
    const graph = Graph([
      Node("Event", [Field("what", Str, FieldsQuery(PG, event))]),
      Node("Doc", [Field("title", Str, FieldsQuery(PG, doc))]),
      Node("Item", [
        Field("k", Optional(Int), FieldsQuery(PG, item)),
        Field("name", Str, FieldsQuery(PG, item)),
      ]),
      Root([
        Link("events", Sequence(TypeRef("Event")), ListQuery(PG, event), { requires: null }),
        Link("docs", Sequence(TypeRef("Doc")), ListQuery(PG, doc), { requires: null }),
        Link("items", Sequence(TypeRef("Item")), ListQuery(PG, item), { requires: null }),
      ]),
    ]);
    const { fused, unfused } = fusedAndUnfused(graph);
    for (const query of ["{ events { what } }", "{ docs { title } }", "{ items { k name } }"]) {
      const run = await execute(fused, db, query);
      const plain = await execute(unfused, db, query);
      assert.equal(JSON.stringify(run.response), JSON.stringify(plain.response), query);
      assert.match(JSON.stringify(run.response), /wrong shape/, query);
      // The whole statement alone: no lean one is worth sending.
      assert.equal(run.statements.length, 1, query);
    }
  },
);

/**
 * `{ characters { name actors { name character { name species } } } }` read in one pass: an
 * actor's character is the row its actors were joined from, read again from `"l0"` (no second
 * join of "character"). The characters' ids say which one, with or without a budget.
 */
const BACK_REFERENCE_SQL = [
  `SELECT "l0"."id" AS "x0", "l0"."name" AS "x1", "l1"."name" AS "x2", "l0"."species" AS "x3",`,
  `CASE WHEN "l1"."id" IS NULL THEN 1 END AS "x4"`,
  `FROM "character" AS "l0" LEFT JOIN "actor" AS "l1" ON "l1"."character_id" = "l0"."id"`,
  `ORDER BY "l0"."id", "l1"."id"`,
].join(" ");

/** The same read by ids (explained): the link's values, and its targets' ids from `"l0"`. */
const BACK_REFERENCE_WHOLE_SQL = [
  `SELECT "l0"."id" AS "x0", "l0"."name" AS "x1", "l1"."character_id" AS "x2", "l1"."id" AS "x3",`,
  `"l1"."name" AS "x4", "l0"."species" AS "x5"`,
  `FROM "character" AS "l0" LEFT JOIN "actor" AS "l1" ON "l1"."character_id" = "l0"."id"`,
  `ORDER BY 1, 4`,
].join(" ");

fusionTest(
  "a link back to the row its parent was joined from reads that row again, without a join, as unfused",
  async (db) => {
    // A character without actors: its row has no actor, and no character below one.
    await db.query("INSERT INTO character (id, name, species) VALUES (4, 'Worf', 'Klingon')");
    const { fused, unfused } = fusedAndUnfused(serverGraph);
    const query = "{ characters { name actors { name character { name species } } } }";
    const species = new Map(ACTORS.map(([, character, species]) => [character, species]));
    const expected = {
      data: {
        characters: [
          ...[KIRK, SPOCK, MCCOY].map((name) => ({
            name,
            actors: ACTORS_OF[name]!.map((actor) => ({
              name: actor,
              character: { name, species: species.get(name) },
            })),
          })),
          { name: "Worf", actors: [] },
        ],
      },
    };
    const run = await execute(fused, db, query);
    assert.deepEqual(run.statements.map((s) => s.text), [BACK_REFERENCE_SQL]);
    assert.deepEqual(run.response, expected);
    const plain = await execute(unfused, db, query);
    assert.equal(JSON.stringify(run.response), JSON.stringify(plain.response));
    // A budget counts the actors' characters as their batches would: 3 ids, read from "l0".
    for (const maxIds of [Infinity, 1 + 4 + 6 + 3, 1 + 4 + 6 + 2]) {
      const budgets = [new CostBudget({ maxIds }), new CostBudget({ maxIds })] as const;
      const recorder = recordStatements(db);
      const counted = await fused.execute({
        query,
        context: { [PG]: recorder.client },
        budget: budgets[0],
      });
      const counts = await unfused.execute({ query, context: { [PG]: db }, budget: budgets[1] });
      assert.equal(recorder.statements[0]!.text, BACK_REFERENCE_SQL, `maxIds ${maxIds}`);
      assert.equal(JSON.stringify(counted), JSON.stringify(counts), `maxIds ${maxIds}`);
      assert.equal(budgets[0].ids, budgets[1].ids, `maxIds ${maxIds}`);
    }
    // Read by ids (explained), the link's targets are the rows of "l0" its values find.
    const explaining = new Schema({
      query: serverGraph,
      executor: new AsyncExecutor(),
      explain: true,
    });
    const explained = await execute(explaining, db, query);
    assert.deepEqual(explained.statements.map((s) => s.text), [BACK_REFERENCE_WHOLE_SQL]);
    assert.deepEqual(explained.response.data, expected.data);
    // A link to one node that is not back to its parent's row joins its table as before.
    const forward = await execute(fused, db, "{ actors { character { actors { name } } } }");
    assert.match(forward.statements[0]!.text, /LEFT JOIN "character" AS "l1"/);
    // Deeper: the second character below is the first one's row again ("l1").
    const deep = "{ actors { name character { name actors { name character { species } } } } }";
    const twice = await execute(fused, db, deep);
    assert.equal(twice.statements.length, 1);
    assert.equal(twice.statements[0]!.text.match(/JOIN "character"/g)?.length, 1);
    assert.equal(
      JSON.stringify(twice.response),
      JSON.stringify((await execute(unfused, db, deep)).response),
    );
  },
);

/** The seed's graph with a character's motto from another table, keyed by its character. */
function mottoGraph(): Graph {
  const bio = table("bio", { id: Int, character_id: Int, motto: Str }, { primaryKey: "id" });
  const characterFields = FieldsQuery(PG, character);
  const actorFields = FieldsQuery(PG, actor);
  return Graph([
    Node("Character", [
      Field("id", null, characterFields),
      Field("name", null, characterFields),
      Field("motto", null, FieldsQuery(PG, bio, { primaryKey: bio.c.character_id })),
      Link(
        "actors",
        Sequence(TypeRef("Actor")),
        LinkQuery(PG, { fromColumn: actor.c.character_id, toColumn: actor.c.id }),
        { requires: "id" },
      ),
    ]),
    Node("Actor", [
      Field("name", null, actorFields),
      Field("character_id", null, actorFields),
      Link(
        "character",
        TypeRef("Character"),
        LinkQuery(PG, { fromColumn: character.c.id, toColumn: character.c.id }),
        { requires: "character_id" },
      ),
    ]),
    Root([
      Link(
        "characters",
        Sequence(TypeRef("Character")),
        ListQuery(PG, character, { filters: { species: character.c.species }, limit: "limit" }),
        {
          requires: null,
          options: [Option("species", Optional(Str)), Option("limit", Optional(Int))],
        },
      ),
    ]),
  ]);
}

fusionTest(
  "a link back to its parent's row whose node reads more than that row's fields keeps its join, and its one statement runs",
  async (db) => {
    await db.query("CREATE TABLE bio (id integer PRIMARY KEY, character_id integer, motto text)");
    await db.query("INSERT INTO bio VALUES (1, 1, 'boldly'), (2, 2, 'logic'), (3, 3, 'heal')");
    // One statement: a fused statement that failed would be followed by the separate loads
    // (and, in a transaction, would fail it).
    const { fused, unfused } = fusedAndUnfused(mottoGraph());
    for (
      const query of [
        `{ characters(species: "Human") { name actors { name character { motto } } } }`,
        `{ characters(limit: 2) { name actors { name character { name motto } } } }`,
      ]
    ) {
      const run = await execute(fused, db, query);
      assert.equal(run.response.errors, undefined, query);
      assert.equal(run.statements.length, 1, query);
      assert.match(run.statements[0]!.text, /LEFT JOIN "character" AS "l2"/, query);
      const plain = await execute(unfused, db, query);
      assert.equal(JSON.stringify(run.response), JSON.stringify(plain.response), query);
    }
  },
);

fusionTest(
  "a link back to its parent's row with links below it keeps its join: rows without that parent reach nothing below",
  async (db) => {
    const DateTime = Scalar("DateTime", {
      serialize: (v: unknown) => v instanceof Date ? v.toISOString() : String(v),
    });
    const person = table("person", { id: Int, name: Str, born: Optional(DateTime) }, {
      primaryKey: "id",
    });
    const fan = table("fan", { id: Int, person_id: Int }, { primaryKey: "id" });
    const event = table("event", { at: DateTime, title: Str }, { primaryKey: "at" });
    const personFields = FieldsQuery(PG, person);
    const fanFields = FieldsQuery(PG, fan);
    const graph = Graph([
      Node("Person", [
        Field("id", null, personFields),
        Field("name", null, personFields),
        Field("born", null, personFields),
        Link(
          "fans",
          Sequence(TypeRef("Fan")),
          LinkQuery(PG, { fromColumn: fan.c.person_id, toColumn: fan.c.id }),
          { requires: "id" },
        ),
        Link(
          "event",
          TypeRef("Event"),
          LinkQuery(PG, { fromColumn: event.c.at, toColumn: event.c.at }),
          { requires: "born" },
        ),
      ]),
      Node("Fan", [
        Field("id", null, fanFields),
        Field("person_id", null, fanFields),
        Link(
          "person",
          TypeRef("Person"),
          LinkQuery(PG, { fromColumn: person.c.id, toColumn: person.c.id }),
          { requires: "person_id" },
        ),
      ]),
      Node("Event", [Field("title", null, FieldsQuery(PG, event))]),
      Root([
        Link("people", Sequence(TypeRef("Person")), ListQuery(PG, person), { requires: null }),
      ]),
    ]);
    await db.query("CREATE TABLE person (id int PRIMARY KEY, name text, born timestamptz)");
    await db.query("CREATE TABLE fan (id int PRIMARY KEY, person_id int)");
    await db.query("CREATE TABLE event (at timestamptz PRIMARY KEY, title text)");
    // A, born when no one knows, has a fan; B, born on a date, has none.
    await db.query("INSERT INTO person VALUES (1, 'A', NULL), (2, 'B', '2020-01-01T00:00:00Z')");
    await db.query("INSERT INTO fan VALUES (1, 1)");
    await db.query("INSERT INTO event VALUES ('2020-01-01T00:00:00Z', 'e')");
    const { fused, unfused } = fusedAndUnfused(graph);
    const query = "{ people { name fans { id person { name event { title } } } } }";
    const run = await execute(fused, db, query);
    const plain = await execute(unfused, db, query);
    // The fan's person (A) has no event: that is the error, not B's date, which no link reached.
    assert.equal(JSON.stringify(run.response), JSON.stringify(plain.response));
    assert.match(run.response.errors![0]!.message, /where "at" = null: found none/);
  },
);

fusionTest(
  "without a budget, a link to one node read in one pass leaves its ids out, and a missing target is null where it may be",
  async (db) => {
    const actorFields = FieldsQuery(PG, actor);
    const graph = Graph([
      Node("Character", [Field("name", null, FieldsQuery(PG, character))]),
      Node("Actor", [
        Field("name", null, actorFields),
        Field("character_id", null, actorFields),
        Link(
          "character",
          Optional(TypeRef("Character")),
          LinkQuery(PG, { fromColumn: character.c.id, toColumn: character.c.id }),
          { requires: "character_id" },
        ),
      ]),
      Root([Link("actors", Sequence(TypeRef("Actor")), ListQuery(PG, actor), { requires: null })]),
    ]);
    await db.query("ALTER TABLE actor DROP CONSTRAINT actor_character_id_fkey");
    await db.query("INSERT INTO actor (id, name, character_id) VALUES (7, 'Nobody', 99)");
    const { fused, unfused } = fusedAndUnfused(graph);
    const query = "{ actors { name character { name } } }";
    const run = await execute(fused, db, query);
    assert.deepEqual(run.statements.map((s) => s.text), [LEAN_ACTORS_SQL]);
    assert.match(JSON.stringify(run.response), /\{"name":"Nobody","character":null\}/);
    const plain = await execute(unfused, db, query);
    assert.equal(JSON.stringify(run.response), JSON.stringify(plain.response));
  },
);

fusionTest(
  "a response the one-pass read can not build is read by ids from the whole statement, sent after the lean one",
  async (db) => {
    const { fused, unfused } = fusedAndUnfused(serverGraph);
    await db.query("ALTER TABLE actor DROP CONSTRAINT actor_character_id_fkey");
    await db.query("INSERT INTO actor (id, name, character_id) VALUES (7, 'Nobody', 99)");
    const query = "{ actors { name character { name } } }";
    for (let round = 1; round <= 2; round++) {
      const run = await execute(fused, db, query);
      assert.deepEqual(run.statements.map((s) => s.text), [LEAN_ACTORS_SQL, WHOLE_ACTORS_SQL]);
      assert.deepEqual(sources(run.statements), [
        "region actors > Actor",
        "region actors > Actor",
      ]);
      assert.match(
        run.response.errors?.[0]?.message ?? "",
        /"character" where "id" = 99: found none/,
      );
      const plain = await execute(unfused, db, query);
      assert.equal(JSON.stringify(run.response), JSON.stringify(plain.response), `round ${round}`);
    }
  },
);

fusionTest(
  "what the one-pass read cannot answer is read by ids and reported as unfused: a missing target, a null in a non-null field, a second root field",
  async (db) => {
    await countingReads(async (reads) => {
      const { fused, unfused } = fusedAndUnfused(serverGraph);
      // An actor whose character has no row (its link is a TypeRef: an error), and a character
      // without a name (a String!: an error).
      await db.query("ALTER TABLE actor DROP CONSTRAINT actor_character_id_fkey");
      await db.query("INSERT INTO actor (id, name, character_id) VALUES (7, 'Nobody', 99)");
      await db.query("INSERT INTO character (id, name, species) VALUES (4, NULL, 'Human')");
      for (
        const query of [
          "{ actors { name character { name } } }",
          "{ characters { name actors { name } } }",
          "{ characters { id } actors { id } }",
        ]
      ) {
        reads.trees = reads.byId = 0;
        const run = await execute(fused, db, query);
        assert.ok(reads.byId > 0, query);
        const plain = await execute(unfused, db, query);
        assert.equal(JSON.stringify(run.response), JSON.stringify(plain.response), query);
      }
      const { response } = await execute(fused, db, "{ actors { id character { name } } }");
      assert.equal(response.errors?.length, 1);

      // Items whose ids repeat under one parent (a list on a column that is not its table's key:
      // two awards of one title) are each an item.
      await db.query("CREATE TABLE award (id integer PRIMARY KEY, actor_id integer, title text)");
      await db.query("INSERT INTO award VALUES (1, 1, 'Emmy'), (2, 1, 'Emmy'), (3, 2, 'Hugo')");
      const edges = fusedAndUnfused(edgeGraph());
      const query = "{ bySpecies { actors { name awardTitles { title } } } }";
      const run = await execute(edges.fused, db, query);
      assert.equal(
        JSON.stringify(run.response),
        JSON.stringify((await execute(edges.unfused, db, query)).response),
      );
      assert.match(JSON.stringify(run.response), /\[\{"title":"Emmy"\},\{"title":"Emmy"\}\]/);
    });
  },
);

fusionTest(
  "the one-pass read spends the ids its batches would have, and gives way to the read by ids past the budget",
  async (db) => {
    await countingReads(async (reads) => {
      const { fused, unfused } = fusedAndUnfused(serverGraph);
      const query = "{ characters { name actors { name character { name } } } }";
      // The root, 3 characters, 6 actors, their 3 characters.
      const ids = 1 + 3 + 6 + 3;
      for (const maxIds of [ids, ids - 1, 5]) {
        reads.trees = reads.byId = 0;
        const budget = new CostBudget({ maxIds });
        const recorder = recordStatements(db);
        const response = await fused.execute({ query, context: { [PG]: recorder.client }, budget });
        const plainBudget = new CostBudget({ maxIds });
        const plain = await unfused.execute({ query, context: { [PG]: db }, budget: plainBudget });
        assert.equal(JSON.stringify(response), JSON.stringify(plain), `maxIds ${maxIds}`);
        assert.equal(budget.ids, plainBudget.ids, `maxIds ${maxIds}`);
        assert.equal(reads.byId === 0, maxIds === ids, `maxIds ${maxIds}`);
      }
    });
  },
);

fusionTest(
  "random queries of one root list (lists below lists, links to one node, aliases, fragments, directives) answer in one pass as unfused, on data with nulls and missing rows",
  async (db) => {
    await fillEveryShape(db);
    // An actor without a name (a String!, an error where it is asked for), a ship without one.
    await db.query("INSERT INTO actor (id, name, character_id) VALUES (7, NULL, 2)");
    await db.query("INSERT INTO ship (id, name, captain_id) VALUES (4, NULL, 3)");
    await countingReads(async (reads) => {
      const { fused, unfused } = fusedAndUnfused(everyShapeGraph());
      const random = mulberry32(20261207);
      let direct = 0;
      let byId = 0;
      for (let q = 0; q < 150; q++) {
        const query = randomQuery(random, false);
        for (let v = 0; v < 2; v++) {
          const variables = {
            a: random() < 0.5,
            b: random() < 0.5,
            limit: oneOf([null, 1, 2], random),
          };
          reads.trees = reads.byId = 0;
          // The ids each run spends are counted too.
          const budgets = [new CostBudget(), new CostBudget()] as const;
          const run = await fused.execute({
            query,
            variables,
            context: { [PG]: db },
            budget: budgets[0],
          });
          if (reads.trees > 0 && reads.byId === 0) direct++;
          else if (reads.trees > 0) byId++;
          const plain = await unfused.execute({
            query,
            variables,
            context: { [PG]: db },
            budget: budgets[1],
          });
          const what = `${query} ${JSON.stringify(variables)}`;
          assert.equal(JSON.stringify(run), JSON.stringify(plain), what);
          assert.equal(budgets[0].ids, budgets[1].ids, what);
        }
      }
      // Both ways were taken: in one pass, and by ids where the pass gave up (an error to report).
      assert.ok(direct > 60 && byId > 10, JSON.stringify({ direct, byId }));
    });
  },
);

fusionTest(
  "ids the one-pass read cannot compare (dates, NaN) and keys the database does not keep unique are read by id, as unfused, where the response reads them",
  async (db) => {
    const DateTime = Scalar("DateTime", {
      serialize: (value: unknown) => value instanceof Date ? value.toISOString() : String(value),
    });
    const event = table("event", { at: DateTime, title: Str }, { primaryKey: "at" });
    const log = table("log", { id: Int, event_at: Optional(DateTime) }, { primaryKey: "id" });
    const gauge = table("gauge", { v: Float, name: Str }, { primaryKey: "v" });
    const reading = table("reading", { id: Int, gauge_v: Float, note: Str }, { primaryKey: "id" });
    // Declared with a key the table does not keep unique (its key is id and kind).
    const award = table("award", { id: Int, title: Str, kind: Str }, { primaryKey: "id" });
    const graph = Graph([
      Node("Event", [Field("title", null, FieldsQuery(PG, event))]),
      Node("Log", [
        Field("id", null, FieldsQuery(PG, log)),
        // The log's event found by its time: ids that are dates, which the engine refuses.
        Link(
          "event",
          Optional(TypeRef("Event")),
          LinkQuery(PG, { fromColumn: log.c.id, toColumn: log.c.event_at }),
          { requires: "id" },
        ),
      ]),
      Node("Gauge", [
        Field("name", null, FieldsQuery(PG, gauge)),
        Field("v", null, FieldsQuery(PG, gauge)),
        Link(
          "readings",
          Sequence(TypeRef("Reading")),
          LinkQuery(PG, { fromColumn: reading.c.gauge_v, toColumn: reading.c.id }),
          { requires: "v" },
        ),
      ]),
      Node("Reading", [Field("note", null, FieldsQuery(PG, reading))]),
      Node("Award", [
        Field("id", null, FieldsQuery(PG, award)),
        Field("title", null, FieldsQuery(PG, award)),
      ]),
      Root([
        Link("logs", Sequence(TypeRef("Log")), ListQuery(PG, log), { requires: null }),
        Link("gauges", Sequence(TypeRef("Gauge")), ListQuery(PG, gauge), { requires: null }),
        Link("awards", Sequence(TypeRef("Award")), ListQuery(PG, award), { requires: null }),
      ]),
    ]);
    for (
      const statement of [
        "CREATE TABLE event (at timestamptz PRIMARY KEY, title text)",
        "CREATE TABLE log (id int PRIMARY KEY, event_at timestamptz)",
        "INSERT INTO event VALUES ('2020-01-01T00:00:00Z', 'new year'), ('2021-01-01T00:00:00Z', 'ny21')",
        "INSERT INTO log VALUES (1, '2020-01-01T00:00:00Z'), (2, '2020-01-01T00:00:00Z'), (3, NULL)",
        "CREATE TABLE gauge (v float8 PRIMARY KEY, name text)",
        "CREATE TABLE reading (id int PRIMARY KEY, gauge_v float8, note text)",
        "INSERT INTO gauge VALUES (1, 'one'), ('NaN', 'nan')",
        "INSERT INTO reading VALUES (1, 1, 'r1'), (2, 'NaN', 'r2'), (3, 'NaN', 'r3')",
        "CREATE TABLE award (id integer, title text, kind text, PRIMARY KEY (id, kind)) " +
        "PARTITION BY LIST (kind)",
        "CREATE TABLE award_a PARTITION OF award FOR VALUES IN ('a')",
        "CREATE TABLE award_b PARTITION OF award FOR VALUES IN ('b')",
        "INSERT INTO award VALUES (1, 'Emmy', 'a'), (1, 'Emmy', 'b'), (2, 'Hugo', 'a')",
      ]
    ) await db.query(statement);
    await countingReads(async (reads) => {
      const { fused, unfused } = fusedAndUnfused(graph);
      for (
        const [query, expected, byId] of [
          ["{ logs { id event { title } } }", /wrong shape/, true],
          ["{ gauges { name readings { note } } }", /"r2"\},\{"note":"r3"/, true],
          ["{ awards { id title } }", /"Emmy"\},\{"id":1,"title":"Emmy"/, true],
          // Its ids not read, a list with nothing below is not asked for them: each row is an
          // item (rows that share a declared key are each one here, one row by id unfused; the
          // same when they say the same).
          ["{ awards { title } }", /"Emmy"\},\{"title":"Emmy"/, false],
        ] as const
      ) {
        reads.trees = reads.byId = 0;
        const budgets = [new CostBudget(), new CostBudget()] as const;
        const run = await fused.execute({ query, context: { [PG]: db }, budget: budgets[0] });
        const plain = await unfused.execute({ query, context: { [PG]: db }, budget: budgets[1] });
        assert.equal(JSON.stringify(run), JSON.stringify(plain), query);
        // Rows that share a key are counted one id each when each is an item (the root and 3
        // awards), as one id unfused (the root and ids 1 and 2).
        if (byId) assert.equal(budgets[0].ids, budgets[1].ids, query);
        else assert.deepEqual([budgets[0].ids, budgets[1].ids], [4, 3], query);
        assert.match(JSON.stringify(run), expected, query);
        // The rows were offered as a tree, and read by id.
        assert.ok(
          reads.trees === 1 && reads.byId > 0 === byId,
          `${query}: ${JSON.stringify(reads)}`,
        );
      }
    });
  },
);

fusionTest(
  "a link requiring dates fails with a DateKeyError, fused as unfused, whichever rows its values would find",
  async (db) => {
    // A Date keeps milliseconds, the column microseconds: sent back, 00.123456 finds no row (and
    // two times of one millisecond would be one key). The link fails rather than answer with some.
    const DateTime = Scalar("DateTime", {
      serialize: (value: unknown) => value instanceof Date ? value.toISOString() : String(value),
    });
    const event = table("event", { id: Int, at: DateTime, title: Str }, { primaryKey: "id" });
    const moment = table("moment", { at: DateTime, event_id: Int }, { primaryKey: "at" });
    const log = table("log", { id: Int, event_at: Optional(DateTime) }, { primaryKey: "id" });
    const graph = Graph([
      Node("Event", [Field("title", null, FieldsQuery(PG, event))]),
      Node("Log", [
        Field("id", null, FieldsQuery(PG, log)),
        Field("event_at", null, FieldsQuery(PG, log)),
        Link(
          "events",
          Sequence(TypeRef("Event")),
          LinkQuery(PG, { fromColumn: event.c.at, toColumn: event.c.id }),
          { requires: "event_at" },
        ),
        // On the moment table's primary key, to an event's id: a link to one node whose rows a
        // walk could read (it sees the ids it reaches, not the dates they were found by).
        Link(
          "moment",
          Optional(TypeRef("Event")),
          LinkQuery(PG, { fromColumn: moment.c.at, toColumn: moment.c.event_id }),
          { requires: "event_at" },
        ),
      ]),
      Root([Link("logs", Sequence(TypeRef("Log")), ListQuery(PG, log), { requires: null })]),
    ]);
    for (
      const statement of [
        "CREATE TABLE event (id int PRIMARY KEY, at timestamptz, title text)",
        "CREATE TABLE moment (at timestamptz PRIMARY KEY, event_id int)",
        "CREATE TABLE log (id int PRIMARY KEY, event_at timestamptz)",
        "INSERT INTO event VALUES (7, '2020-01-01T00:00:00.123456Z', 'micro'), " +
        "(8, '2020-01-01T00:00:00.123Z', 'milli')",
        "INSERT INTO moment SELECT at, id FROM event",
        // The first log's value is null: the error names no value.
        "INSERT INTO log VALUES (1, NULL), (2, '2020-01-01T00:00:00.123456Z'), " +
        "(3, '2020-01-01T00:00:00.123Z'), (4, '1999-01-01T00:00:00Z')",
      ]
    ) await db.query(statement);
    const { fused, unfused } = fusedAndUnfused(graph);
    // Then with no row to find: the dates fail the link all the same.
    for (const round of [0, 1]) {
      if (round === 1) { for (const t of ["event", "moment"]) await db.query(`DELETE FROM ${t}`); }
      for (
        const [query, link] of [
          ["{ logs { id events { title } } }", "events"],
          ["{ logs { id moment { title } } }", "moment"],
          ["{ logs { id event_at moment { title } events { title } } }", "moment"],
        ] as const
      ) {
        const run = await execute(fused, db, query);
        assert.equal(run.statements.length, 1, query);
        assert.equal(
          JSON.stringify((await execute(unfused, db, query)).response),
          JSON.stringify(run.response),
          query,
        );
        const [first] = run.response.errors ?? [];
        assert.equal(
          first?.message,
          `Link "${link}" requires Dates, which can not be looked up in column "at" of table ` +
            `"${link === "events" ? "event" : "moment"}": a Date keeps milliseconds where the ` +
            "column may keep microseconds, so its rows can not be found exactly (link by another " +
            "column, or read the column as text)",
          query,
        );
      }
    }
  },
);

fusionTest(
  "a key Postgres finds by another spelling (char padding) finds its row in one pass, fused as unfused",
  async (db) => {
    // `char(4)` keeps 'NCC' as 'NCC ': Postgres finds it for 'NCC', joined or by ids.
    await db.query("CREATE TABLE dock (code char(4) PRIMARY KEY, name text)");
    await db.query("CREATE TABLE crew (id integer PRIMARY KEY, name text, dock_code varchar(10))");
    await db.query("INSERT INTO dock VALUES ('NCC', 'Enterprise')");
    await db.query("INSERT INTO crew VALUES (1, 'Kirk', 'NCC')");
    const dock = table("dock", { code: Str, name: Optional(Str) }, { primaryKey: "code" });
    const crew = table("crew", { id: Int, name: Str, dock_code: Optional(Str) }, {
      primaryKey: "id",
    });
    // A second table of the crew's fields, keyed by the dock code.
    const berth = table("dock", { code: Str, name: Optional(Str) }, { primaryKey: "code" });
    const graph = Graph([
      Node("Dock", [
        Field("code", null, FieldsQuery(PG, dock)),
        Field("name", null, FieldsQuery(PG, dock)),
      ]),
      Node("Crew", [
        Field("id", null, FieldsQuery(PG, crew)),
        Field("name", null, FieldsQuery(PG, crew)),
        Link(
          "dock",
          Optional(TypeRef("Dock")),
          LinkQuery(PG, { fromColumn: crew.c.id, toColumn: crew.c.dock_code }),
          { requires: "id" },
        ),
      ]),
      Node("Berth", [Field("name", null, FieldsQuery(PG, berth))]),
      Root([
        Link("crew", Sequence(TypeRef("Crew")), ListQuery(PG, crew), { requires: null }),
        // Codes listed from the crew's column, their names from the dock table.
        Link(
          "berths",
          Sequence(TypeRef("Berth")),
          ListQuery(PG, table("crew", { dock_code: Str }, { primaryKey: "dock_code" })),
          { requires: null },
        ),
      ]),
    ]);
    await countingReads(async (reads) => {
      const { fused, unfused } = fusedAndUnfused(graph);
      const cases = [
        ["{ crew { name dock { name } } }", {
          crew: [{ name: "Kirk", dock: { name: "Enterprise" } }],
        }],
        [
          "{ crew { name dock { code name } } }",
          { crew: [{ name: "Kirk", dock: { code: "NCC ", name: "Enterprise" } }] },
        ],
        ["{ berths { name } }", { berths: [{ name: "Enterprise" }] }],
      ] as const;
      for (const [query, data] of cases) {
        reads.trees = reads.byId = 0;
        const run = await execute(fused, db, query);
        const plain = await execute(unfused, db, query);
        assert.deepEqual(plain.response, { data }, query);
        assert.equal(JSON.stringify(run.response), JSON.stringify(plain.response), query);
        assert.deepEqual(reads, { trees: 1, byId: 0 }, query);
      }
    });
  },
);

fusionTest(
  "rows of a non-key field group are alike only in one order of json keys, and deep json repeated by the joins is one row, fused as unfused",
  async (db) => {
    await db.query("CREATE TABLE post (id int PRIMARY KEY, handle text)");
    await db.query("CREATE TABLE profile (id int PRIMARY KEY, handle text, data json)");
    const deep = "[".repeat(70) + "1" + "]".repeat(70);
    await db.query(
      "INSERT INTO post VALUES (1, 'x'), (2, 'x'), (3, 'y'), (4, 'z'), (5, 'z')",
    );
    // y: one object in two key orders (json keeps them, and prints them); z: one deep row.
    await db.query(
      `INSERT INTO profile VALUES (2, 'y', '{"a": 1, "b": 2}'), (3, 'y', '{"b": 2, "a": 1}'), ` +
        `(4, 'z', '${deep}')`,
    );
    const post = table("post", { id: Int, handle: Str }, { primaryKey: "id" });
    const profile = table("profile", { id: Int, handle: Str, data: Optional(Any) }, {
      primaryKey: "id",
    });
    const { fused, unfused } = fusedAndUnfused(Graph([
      Node("Post", [
        Field("id", null, FieldsQuery(PG, post)),
        Link(
          "author",
          TypeRef("Author"),
          LinkQuery(PG, { fromColumn: post.c.id, toColumn: post.c.handle }),
          { requires: "id" },
        ),
      ]),
      Node("Author", [
        Field("data", null, FieldsQuery(PG, profile, { primaryKey: profile.c.handle })),
      ]),
      Root([Link("posts", Sequence(TypeRef("Post")), ListQuery(PG, post), { requires: null })]),
    ]));
    const query = "{ posts { id author { data } } }";
    const run = await execute(fused, db, query);
    assert.equal(run.statements.length, 1);
    assert.equal(
      JSON.stringify(run.response),
      JSON.stringify((await execute(unfused, db, query)).response),
    );
    assert.deepEqual(run.response.errors?.map(({ path }) => path), [[
      "posts",
      2,
      "author",
      "data",
    ]]);
  },
);

fusionTest(
  "links requiring dates: a parent whose own row failed, a required link with a null first value and a column declared String answer as unfused; ID keys are still read in one pass",
  async (db) => {
    const DateTime = Scalar("DateTime", {
      serialize: (value: unknown) => value instanceof Date ? value.toISOString() : String(value),
    });
    const entry = table("entry", { code: Str }, { primaryKey: "code" });
    const log = table("log", { id: Int, code: Str, event_at: Optional(DateTime) }, {
      primaryKey: "id",
    });
    const event = table("event", { id: Int, at: DateTime, title: Str }, { primaryKey: "id" });
    // The same columns declared String (they are timestamptz): a schema that does not fit.
    const logText = table("log", { id: Int, code: Str, event_at: Optional(Str) }, {
      primaryKey: "id",
    });
    const eventText = table("event", { id: Int, at: Str, title: Str }, { primaryKey: "id" });
    const byCode = FieldsQuery(PG, log, { primaryKey: log.c.code });
    const graph = Graph([
      Node("Event", [Field("title", null, FieldsQuery(PG, event))]),
      Node("Log", [
        Field("code", null, byCode),
        Field("event_at", null, byCode),
        Link(
          "events",
          Optional(Sequence(TypeRef("Event"))),
          LinkQuery(PG, { fromColumn: event.c.at, toColumn: event.c.id }),
          { requires: "event_at" },
        ),
      ]),
      Node("LogById", [
        Field("id", null, FieldsQuery(PG, log)),
        Field("event_at", null, FieldsQuery(PG, log)),
        Link(
          "first",
          TypeRef("Event"),
          LinkQuery(PG, { fromColumn: event.c.at, toColumn: event.c.id }),
          { requires: "event_at" },
        ),
      ]),
      Node("LogText", [
        Field("id", null, FieldsQuery(PG, logText)),
        Field("event_at", null, FieldsQuery(PG, logText)),
        Link(
          "texts",
          Sequence(TypeRef("Event")),
          LinkQuery(PG, { fromColumn: eventText.c.at, toColumn: eventText.c.id }),
          { requires: "event_at" },
        ),
      ]),
      Root([
        Link("entries", Sequence(TypeRef("Log")), ListQuery(PG, entry), { requires: null }),
        Link("logs", Sequence(TypeRef("LogById")), ListQuery(PG, log), { requires: null }),
        Link("logTexts", Sequence(TypeRef("LogText")), ListQuery(PG, logText), {
          requires: null,
        }),
      ]),
    ]);
    for (
      const statement of [
        "CREATE TABLE entry (code text PRIMARY KEY)",
        "CREATE TABLE log (id int PRIMARY KEY, code text, event_at timestamptz)",
        "CREATE TABLE event (id int PRIMARY KEY, at timestamptz, title text)",
        "INSERT INTO entry VALUES ('A'), ('B')",
        // A's two rows differ (its fields fail); B's date is null, and the first of the list.
        "INSERT INTO log VALUES (1, 'A', '2020-01-01Z'), (2, 'A', '2021-01-01Z'), (0, 'B', NULL), " +
        "(4, 'C', '2020-01-01Z')",
        "INSERT INTO event VALUES (1, '2020-01-01Z', 'e1')",
      ]
    ) await db.query(statement);
    const { fused, unfused } = fusedAndUnfused(graph);
    for (
      const query of [
        "{ entries { events { title } } }",
        "{ logs { id first { title } } }",
        "{ logTexts { id texts { title } } }",
      ]
    ) {
      const run = await execute(fused, db, query);
      assert.ok(
        sources(run.statements).some((s) => s!.startsWith("region")),
        `${query}: ${JSON.stringify(run.response)}`,
      );
      assert.equal(
        JSON.stringify(run.response),
        JSON.stringify((await execute(unfused, db, query)).response),
        query,
      );
    }

    // The seed's shape on ID keys: read in one pass (no Date among the values).
    await countingReads(async (reads) => {
      const idCharacter = table("character", { id: ID, name: Str }, { primaryKey: "id" });
      const idActor = table("actor", { id: ID, name: Str, character_id: ID }, {
        primaryKey: "id",
      });
      const ids = fusedAndUnfused(Graph([
        Node("Character", [Field("name", null, FieldsQuery(PG, idCharacter))]),
        Node("Actor", [
          Field("name", null, FieldsQuery(PG, idActor)),
          Field("character_id", null, FieldsQuery(PG, idActor)),
          Link(
            "character",
            TypeRef("Character"),
            LinkQuery(PG, { fromColumn: idCharacter.c.id, toColumn: idCharacter.c.id }),
            { requires: "character_id" },
          ),
        ]),
        Root([
          Link("actors", Sequence(TypeRef("Actor")), ListQuery(PG, idActor), { requires: null }),
        ]),
      ]));
      const query = "{ actors { name character { name } } }";
      const run = await execute(ids.fused, db, query);
      assert.deepEqual(reads, { trees: 1, byId: 0 });
      assert.equal(
        JSON.stringify(run.response),
        JSON.stringify((await execute(ids.unfused, db, query)).response),
      );
    });
  },
);

/**
 * A `numeric` key and a `float8` key declared `Float`, and a `numeric` column of another table
 * linking into each.
 */
function decimalGraph(): Graph {
  const amount = table("amount", { id: Float, name: Str }, { primaryKey: "id" });
  const rate = table("rate", { id: Float, name: Str }, { primaryKey: "id" });
  const rateFields = FieldsQuery(PG, rate);
  const payment = table("payment", { id: Int, amount_id: Optional(Float) }, { primaryKey: "id" });
  const amountFields = FieldsQuery(PG, amount);
  const paymentFields = FieldsQuery(PG, payment);
  return Graph([
    Node("Amount", [Field("id", Str, amountFields), Field("name", null, amountFields)]),
    Node("Rate", [Field("name", null, rateFields)]),
    Node("Payment", [
      Field("id", null, paymentFields),
      Field("amount_id", Optional(Str), paymentFields),
      Link(
        "amount",
        Optional(TypeRef("Amount")),
        LinkQuery(PG, { fromColumn: amount.c.id, toColumn: amount.c.id }),
        { requires: "amount_id" },
      ),
      Link(
        "rate",
        Optional(TypeRef("Rate")),
        LinkQuery(PG, { fromColumn: rate.c.id, toColumn: rate.c.id }),
        { requires: "amount_id" },
      ),
    ]),
    Root([
      Link("amounts", Sequence(TypeRef("Amount")), ListQuery(PG, amount), { requires: null }),
      Link("payments", Sequence(TypeRef("Payment")), ListQuery(PG, payment), { requires: null }),
    ]),
  ]);
}

fusionTest(
  "a Float key's values that a double can not hold are looked up as the column reads them, fused or not",
  async (db) => {
    await db.query("CREATE TABLE amount (id numeric PRIMARY KEY, name text NOT NULL)");
    await db.query("CREATE TABLE payment (id integer PRIMARY KEY, amount_id numeric)");
    await db.query("CREATE TABLE rate (id float8 PRIMARY KEY, name text NOT NULL)");
    await db.query("INSERT INTO rate VALUES (12345678901234568, 'rounded'), (0.1, 'tenth')");
    await db.query(
      "INSERT INTO amount VALUES (12345678901234567, 'whole'), (12345678901234567.5, 'half'), " +
        "(0.1, 'tenth')",
    );
    await db.query(
      "INSERT INTO payment VALUES (1, 12345678901234567.5), (2, 0.10000000000000000001), (3, 0.1)",
    );
    await answersBothWays(db, decimalGraph(), [
      ["{ amounts { id name } }", {
        amounts: [
          { id: "0.1", name: "tenth" },
          { id: "12345678901234567", name: "whole" },
          { id: "12345678901234567.5", name: "half" },
        ],
      }],
      // Postgres compares the values exactly: 0.10000000000000000001 is not 0.1, which a double
      // would have made it.
      ["{ payments { id amount { name } } }", {
        payments: [
          { id: 1, amount: { name: "half" } },
          { id: 2, amount: null },
          { id: 3, amount: { name: "tenth" } },
        ],
      }],
      // A `float8` key reads them as doubles, rounded: the rows of the rounded values.
      ["{ payments { id rate { name } } }", {
        payments: [
          { id: 1, rate: { name: "rounded" } },
          { id: 2, rate: { name: "tenth" } },
          { id: 3, rate: { name: "tenth" } },
        ],
      }],
    ]);
  },
);

/** An `int4` key, and a link into it from an `int8` column, both declared `Int`. */
function widerGraph(): Graph {
  const deck = table("deck", { id: Int, name: Str }, { primaryKey: "id" });
  const cabin = table("cabin", { id: Int, deck_id: Optional(Int) }, { primaryKey: "id" });
  const deckFields = FieldsQuery(PG, deck);
  const cabinFields = FieldsQuery(PG, cabin);
  return Graph([
    Node("Deck", [Field("id", null, deckFields), Field("name", Optional(Str), deckFields)]),
    Node("Cabin", [
      Field("id", null, cabinFields),
      Field("deck_id", Optional(Str), cabinFields),
      Link(
        "deck",
        Optional(TypeRef("Deck")),
        LinkQuery(PG, { fromColumn: deck.c.id, toColumn: deck.c.id }),
        { requires: "deck_id" },
      ),
      Link(
        "decks",
        Sequence(TypeRef("Deck")),
        LinkQuery(PG, { fromColumn: deck.c.id, toColumn: deck.c.id }),
        { requires: "deck_id" },
      ),
    ]),
    Root([
      Link(
        "decks",
        Sequence(TypeRef("Deck")),
        ListQuery(PG, deck, { filters: { id: deck.c.id } }),
        { requires: null, options: [Option("id", Optional(Sequence(ID)))] },
      ),
      Link("cabins", Sequence(TypeRef("Cabin")), ListQuery(PG, cabin), { requires: null }),
      Link(
        "decksById",
        Sequence(TypeRef("Deck")),
        (options: { readonly ids: readonly string[] }) => options.ids,
        { requires: null, options: [Option("ids", Sequence(ID))] },
      ),
    ]),
  ]);
}

fusionTest(
  "an Int value past its key column's range finds no row, fused or not, and fails no other",
  async (db) => {
    await db.query("CREATE TABLE deck (id integer PRIMARY KEY, name text NOT NULL)");
    await db.query("CREATE TABLE cabin (id integer PRIMARY KEY, deck_id bigint)");
    await db.query("INSERT INTO deck VALUES (1, 'bridge'), (2, 'engineering')");
    await db.query("INSERT INTO cabin VALUES (1, 1), (2, 3000000000), (3, 2)");
    await answersBothWays(db, widerGraph(), [
      ["{ cabins { id deck { name } decks { name } } }", {
        cabins: [
          { id: 1, deck: { name: "bridge" }, decks: [{ name: "bridge" }] },
          { id: 2, deck: null, decks: [] },
          { id: 3, deck: { name: "engineering" }, decks: [{ name: "engineering" }] },
        ],
      }],
      // A client's filter value past the column's range: no row, not the server's error.
      [`{ decks(id: ["2", "3000000000"]) { name } }`, { decks: [{ name: "engineering" }] }],
      // Ids past the range of any integer column (`int8`'s) are not sent: their rows are missing.
      [`{ decksById(ids: ["2", "9223372036854775808", "-9223372036854775809"]) { name } }`, {
        decksById: [{ name: "engineering" }, { name: null }, { name: null }],
      }],
    ], (statement) => assert.ok(!/3000000000|922337/.test(statement.text), statement.text));
  },
);
