/**
 * Tests of the Postgres sources: the client suite (tests/support/pg_suite.ts) through each
 * adapter, against a real PostgreSQL server (when DATABASE_URL is set) and PGlite, then the
 * definitions, the context, connections and the embedded default.
 *
 * @module
 */

import assert from "node:assert/strict";
import { PGlite } from "@electric-sql/pglite";
import {
  AsyncExecutor,
  Bool,
  ContextKeyError,
  denormalize,
  Engine,
  Field,
  Float,
  Graph,
  ID,
  Int,
  Link,
  LoaderError,
  Node,
  Nothing,
  Optional,
  type QueryField,
  read,
  Root,
  Scalar,
  Schema,
  Sequence,
  Str,
  TypeRef,
} from "../mod.ts";
import {
  checkTables,
  type Database,
  DatabaseUrlMissingError,
  FieldsQuery,
  FieldsRowError,
  LinkQuery,
  ListQuery,
  openDatabase,
  pglite,
  type PgRow,
  PostgresConnectionError,
  postgresJs,
  queryObjectClient,
  recordStatements,
  table,
} from "../sources/postgres.ts";
import { pgSuite } from "./support/pg_suite.ts";
import { releaseRows } from "../sources/_postgres_client.ts";
import { character, PG } from "./support/pg_star_trek.ts";
import { NO_ROUND_TRIPS, RecordingClient } from "./support/recording_pg.ts";

const DATABASE_URL = Deno.env.get("DATABASE_URL") ?? null;

function scratchSchema(): string {
  return `hiku_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
}

/** A scratch schema on the server at DATABASE_URL (dropped on close), or PGlite without one. */
function openScratch(): Promise<Database> {
  return openDatabase(
    DATABASE_URL === null ? { url: null } : {
      url: DATABASE_URL,
      schema: scratchSchema(),
      dropSchemaOnClose: true,
      connectTimeoutSeconds: 5,
    },
  );
}

pgSuite({
  name: "postgres.js on a PostgreSQL server",
  skipReason: DATABASE_URL === null ? "set DATABASE_URL to a PostgreSQL server to run" : null,
  async open() {
    const db = await openDatabase({
      url: DATABASE_URL,
      schema: scratchSchema(),
      dropSchemaOnClose: true,
      connectTimeoutSeconds: 5,
    });
    return { client: db, close: () => db.close() };
  },
});

pgSuite({
  name: "PGlite",
  skipReason: null,
  async open() {
    const db = await PGlite.create();
    return { client: pglite(db), close: () => db.close() };
  },
  // PGlite's own parser: a number when it is exact, a bigint beyond.
});

pgSuite({
  name: "a queryObject client (over the embedded default)",
  skipReason: null,
  async open() {
    const db = await openDatabase({ url: null });
    // The shape of @db/postgres's Client.queryObject, answered by a real database.
    const client = {
      queryObject: async (text: string, args?: unknown[]) => ({
        rows: await db.query(text, args),
      }),
    };
    return { client: queryObjectClient(client), close: () => db.close() };
  },
});

Deno.test("table() describes columns with graph types and quoted names", () => {
  const log = table(`captain's "log"`, { id: Int, Stardate: Optional(Str) }, {
    primaryKey: "id",
    schema: "star trek",
  });
  assert.equal(log.name, `captain's "log"`);
  assert.equal(log.sql, `"star trek"."captain's ""log"""`);
  assert.deepEqual(log.columns.map((c) => [c.name, c.sql]), [["id", `"id"`], [
    "Stardate",
    `"Stardate"`,
  ]]);
  assert.equal(log.c.Stardate.type.kind, "optional");
  assert.equal(log.c.id.table, log);
  assert.equal(log.primaryKey, log.c.id);
  assert.ok(Object.isFrozen(log) && Object.isFrozen(log.c) && Object.isFrozen(log.c.id));
  assert.equal(table("ship", { registry: Str }).primaryKey, null);
});

Deno.test("table() rejects a primary key, a type or a name it can not use", () => {
  assert.throws(
    () => table("character", { id: Int, name: Str }, { primaryKey: "pk" as "id" }),
    new TypeError(
      `Table "character" has no column "pk" for its primary key: columns are "id", "name"`,
    ),
  );
  assert.throws(
    () => table("character", { id: "Int" as unknown as typeof Int }),
    new TypeError(
      `Column "id" of table "character" needs a graph type (Int, Str, Optional(Str), ...): got "Int"`,
    ),
  );
  assert.throws(
    () => table("character", {}),
    new TypeError(`Table "character" needs at least one column: got none`),
  );
  assert.throws(
    () => table("", { id: Int }),
    new TypeError(`Table name must be a non-empty string: got ""`),
  );
  assert.throws(
    () => table("a\0b", { id: Int }),
    new TypeError(`Table name "a\\u0000b" holds a NUL character`),
  );
  assert.throws(
    () => table("character", { ["x".repeat(64)]: Int }),
    new TypeError(
      `Column name "${"x".repeat(64)}" of table "character" is 64 bytes long: Postgres allows 63`,
    ),
  );
  assert.throws(
    () => table("character", { id: Int }, { schema: "" }),
    new TypeError(`Schema name of table "character" must be a non-empty string: got ""`),
  );
});

Deno.test("a field declared with a null type takes its column's type", () => {
  const query = FieldsQuery(PG, character);
  assert.equal(Field("name", null, query).type, Str);
  assert.equal(Field("id", null, query).type, Int);
  assert.equal(Field("mood", null, query).type, null);
  assert.equal(Field("name", ID, query).type, ID);
});

Deno.test("FieldsQuery needs a key column of its table", () => {
  const ship = table("ship", { registry: Str, name: Str });
  assert.throws(
    () => FieldsQuery(PG, ship),
    new TypeError(
      `FieldsQuery on table "ship" needs a key column: the table declares no primary key, so pass { primaryKey }`,
    ),
  );
  assert.equal(FieldsQuery(PG, ship, { primaryKey: ship.c.registry }).primaryKey, ship.c.registry);
  assert.throws(
    () => FieldsQuery(PG, ship, { primaryKey: character.c.id }),
    new TypeError(
      `FieldsQuery on table "ship" needs a key column of that table: got "character"."id"`,
    ),
  );
});

Deno.test("LinkQuery needs columns of one table and a link it can shape", () => {
  const actor = table("actor", { id: Int, character_id: Int }, { primaryKey: "id" });
  assert.throws(
    () => LinkQuery(PG, { fromColumn: actor.c.character_id, toColumn: character.c.id }),
    new TypeError(
      `LinkQuery needs fromColumn and toColumn of one table: got "actor"."character_id" and "character"."id"`,
    ),
  );
  assert.throws(
    () =>
      LinkQuery(PG, {
        fromColumn: actor.c.character_id,
        toColumn: actor.c.id,
        orderBy: character.c.name,
      }),
    new TypeError(`LinkQuery orders by columns of table "actor": got "character"."name"`),
  );
  const query = LinkQuery(PG, { fromColumn: actor.c.character_id, toColumn: actor.c.id });
  assert.throws(
    () => Link("actors", Sequence(TypeRef("Actor")), query, { requires: null }),
    new TypeError(`LinkQuery for link "actors" needs requires to name one field: got null`),
  );
  assert.throws(
    () => Link("actors", Sequence(TypeRef("Actor")), query, { requires: ["id", "name"] }),
    new TypeError(
      `LinkQuery for link "actors" needs requires to name one field: got ["id", "name"]`,
    ),
  );
  assert.throws(
    () => Link("actors", Str, query, { requires: "id" }),
    new TypeError(
      `LinkQuery can not load link "actors": its type Str is not TypeRef, Optional(TypeRef) or ` +
        "Sequence(TypeRef) (maybe in Optional)",
    ),
  );
  assert.throws(
    () => (query as () => never)(),
    new TypeError(
      `LinkQuery on table "actor" is not called directly: use it as the loader of a Link`,
    ),
  );
});

Deno.test("postgresJs sends arrays of bigints and dates as text, of booleans through sql.array, other values as they are", async () => {
  const sent: unknown[][] = [];
  const client = postgresJs({
    unsafe(_query: string, parameters: unknown[] = []) {
      sent.push(parameters);
      return Promise.resolve([]);
    },
    array: (values: unknown[], type: number) => ({ values, type }),
  });
  const day = new Date("2020-01-01T00:00:00.123Z");
  const params = [
    [9007199254740993n, 1n],
    [true, false],
    [1, 2n],
    ["a"],
    7n,
    [],
    [day],
    day,
  ];
  await client.query("SELECT $1, $2, $3, $4, $5, $6, $7, $8", params);
  assert.deepEqual(sent, [[
    ["9007199254740993", "1"],
    { values: [true, false], type: 16 },
    [1, 2n],
    ["a"],
    7n,
    [],
    // As postgres.js writes one date.
    ["2020-01-01T00:00:00.123Z"],
    day,
  ]]);
  // An invalid date (postgres.js reads infinity as one) is refused with a message that says so.
  await assert.rejects(client.query("SELECT $1", [[day, new Date(NaN)]]), {
    name: "TypeError",
    message: /invalid Date in an array parameter/,
  });
  assert.deepEqual(params[0], [9007199254740993n, 1n]);
  // Without sql.array, an array of booleans is refused, not sent wrong.
  const bare = postgresJs({ unsafe: () => Promise.resolve([]) });
  await assert.rejects(bare.query("SELECT $1", [[true]]), /sql\.array/);
});

Deno.test("boolean keys find their own rows, fused and unfused (postgres.js read booleans spelled as text as false)", async () => {
  await using db = await openScratch();
  await db.query("CREATE TABLE flag (on_ boolean PRIMARY KEY, label text)");
  await db.query("INSERT INTO flag VALUES (true, 'yes'), (false, 'no')");
  await db.query("CREATE TABLE setting (id int PRIMARY KEY, enabled boolean)");
  await db.query("INSERT INTO setting VALUES (1, true), (2, false), (3, true)");
  const flag = table("flag", { on_: Bool, label: Str }, { primaryKey: "on_" });
  const setting = table("setting", { id: Int, enabled: Bool }, { primaryKey: "id" });
  const graph = Graph([
    Node("Flag", [Field("label", null, FieldsQuery(PG, flag))]),
    Node("Setting", [
      Field("id", null, FieldsQuery(PG, setting)),
      Field("enabled", null, FieldsQuery(PG, setting)),
      Link(
        "flag",
        TypeRef("Flag"),
        LinkQuery(PG, { fromColumn: flag.c.on_, toColumn: flag.c.on_ }),
        { requires: "enabled" },
      ),
    ]),
    Root([
      Link("settings", Sequence(TypeRef("Setting")), ListQuery(PG, setting), { requires: null }),
    ]),
  ]);
  const expected = {
    data: {
      settings: [
        { id: 1, flag: { label: "yes" } },
        { id: 2, flag: { label: "no" } },
        { id: 3, flag: { label: "yes" } },
      ],
    },
  };
  for (const fusion of [true, false]) {
    const schema = new Schema({ query: graph, executor: new AsyncExecutor(), fusion });
    const response = await schema.execute({
      query: "{ settings { id flag { label } } }",
      context: { [PG]: db },
    });
    assert.deepEqual(response, expected, `fusion: ${fusion}`);
  }
});

Deno.test("numeric keys find their rows by value whatever their scale, fused and unfused", async () => {
  await using db = await openScratch();
  await db.query("CREATE TABLE price (id numeric(10,2) PRIMARY KEY, label text)");
  await db.query("INSERT INTO price VALUES (1.50, 'one fifty'), (2, 'two'), (3.25, 'unused')");
  await db.query("CREATE TABLE item (id int PRIMARY KEY, cost numeric(10,1))");
  await db.query("INSERT INTO item VALUES (1, 1.5), (2, 2.0), (3, 9.9), (4, NULL)");
  await db.query("CREATE TABLE offer (id int PRIMARY KEY, price_id numeric(10,3), note text)");
  await db.query("INSERT INTO offer VALUES (1, 1.500, 'a'), (2, 2, 'b'), (3, 1.5, 'c')");
  {
    const Key = Float;
    const price = table("price", { id: Key, label: Optional(Str) }, { primaryKey: "id" });
    const item = table("item", { id: Int, cost: Optional(Key) }, { primaryKey: "id" });
    const offer = table("offer", { id: Int, price_id: Key, note: Str }, { primaryKey: "id" });
    const priceQuery = FieldsQuery(PG, price);
    const itemQuery = FieldsQuery(PG, item);
    const graph = Graph([
      Node("Offer", [Field("note", null, FieldsQuery(PG, offer))]),
      Node("Price", [
        Field("label", null, priceQuery),
        Link(
          "offers",
          Sequence(TypeRef("Offer")),
          LinkQuery(PG, { fromColumn: offer.c.price_id, toColumn: offer.c.id }),
          { requires: "id" },
        ),
        Field("id", Optional(Key), priceQuery),
      ]),
      Node("Item", [
        Field("id", null, itemQuery),
        Field("cost", null, itemQuery),
        Link(
          "price",
          Optional(TypeRef("Price")),
          LinkQuery(PG, { fromColumn: price.c.id, toColumn: price.c.id }),
          { requires: "cost" },
        ),
      ]),
      Root([
        Link("items", Sequence(TypeRef("Item")), ListQuery(PG, item), { requires: null }),
        // Ids spelled without the column's scale: FieldsQuery reads "1.50" for "1.5".
        Link("prices", Sequence(TypeRef("Price")), () => ["1.5", "2.0", "4"], { requires: null }),
      ]),
    ]);
    const cost = (value: number | null) => value === null ? null : value;
    const id = (text: string) => Number(text);
    const expected = {
      data: {
        items: [
          { id: 1, cost: cost(1.5), price: { label: "one fifty" } },
          { id: 2, cost: cost(2), price: { label: "two" } },
          { id: 3, cost: cost(9.9), price: null },
          { id: 4, cost: null, price: null },
        ],
        prices: [
          { label: "one fifty", id: id("1.50"), offers: [{ note: "a" }, { note: "c" }] },
          { label: "two", id: id("2.00"), offers: [{ note: "b" }] },
          { label: null, id: null, offers: [] },
        ],
      },
    };
    for (const fusion of [true, false]) {
      const schema = new Schema({ query: graph, executor: new AsyncExecutor(), fusion });
      const recorder = recordStatements(db);
      const response = await schema.execute({
        query: "{ items { id cost price { label } } prices { label id offers { note } } }",
        context: { [PG]: recorder.client },
      });
      assert.deepEqual(response, expected, `fusion: ${fusion}`);
      // Fused, each region is one statement: the list's, and the one from the ids "1.5", ...
      assert.equal(recorder.statements.length, fusion ? 2 : 7);
    }
  }
});

Deno.test("a column of numbers keeps 1.5 and 1.50 as one key: rows that differ fail, two rows fail a link to one, lists are the same for both, fused and unfused", async () => {
  await using db = await openScratch();
  // An unconstrained numeric keeps each value's scale: "1.5" and "1.50" are one value.
  await db.query("CREATE TABLE tag (id int PRIMARY KEY, amount numeric, label text)");
  await db.query("INSERT INTO tag VALUES (1, 1.50, 'b'), (2, 1.5, 'a'), (3, 1.500, 'c')");
  await db.query("CREATE TABLE holder (id int PRIMARY KEY, amount numeric)");
  await db.query("INSERT INTO holder VALUES (1, 1.5), (2, 1.50), (3, 7)");
  const tag = table("tag", { id: Int, amount: Float, label: Str }, { primaryKey: "id" });
  const holder = table("holder", { id: Int, amount: Float }, { primaryKey: "id" });
  const holderQuery = FieldsQuery(PG, holder);
  const byAmount = FieldsQuery(PG, tag, { primaryKey: tag.c.amount });
  const graph = Graph([
    Node("Tag", [Field("label", null, FieldsQuery(PG, tag))]),
    Node("ByAmount", [Field("label", Optional(Str), byAmount)]),
    Node("Holder", [
      Field("id", null, holderQuery),
      Field("amount", null, holderQuery),
      Link(
        "tags",
        Sequence(TypeRef("Tag")),
        LinkQuery(PG, { fromColumn: tag.c.amount, toColumn: tag.c.id }),
        { requires: "amount" },
      ),
      Link(
        "onlyTag",
        Optional(TypeRef("Tag")),
        LinkQuery(PG, { fromColumn: tag.c.amount, toColumn: tag.c.id }),
        { requires: "amount" },
      ),
      // Items by the amount itself: each spelling an item, each read by the key it shares.
      Link(
        "sameAmount",
        Sequence(TypeRef("ByAmount")),
        LinkQuery(PG, { fromColumn: tag.c.amount, toColumn: tag.c.amount }),
        { requires: "amount" },
      ),
    ]),
    Root([
      Link("holders", Sequence(TypeRef("Holder")), ListQuery(PG, holder), { requires: null }),
      Link("byAmount", Sequence(TypeRef("ByAmount")), () => [1.5, 7], { requires: null }),
    ]),
  ]);
  const answers = new Map<string, string>();
  for (const fusion of [true, false]) {
    const schema = new Schema({ query: graph, executor: new AsyncExecutor(), fusion });
    const run = (query: string) => schema.execute({ query, context: { [PG]: db } });
    // Both holders' lists: every row of the value, in the to-column's order.
    const lists = await run("{ holders { id tags { label } } }");
    const three = [{ label: "b" }, { label: "a" }, { label: "c" }];
    assert.deepEqual(lists, {
      data: {
        holders: [{ id: 1, tags: three }, { id: 2, tags: three }, { id: 3, tags: [] }],
      },
    }, `fusion: ${fusion}`);
    // Three rows for a link to one node, whatever their spelling, in whichever order they come.
    const one = await run("{ holders { id onlyTag { label } } }");
    assert.match(JSON.stringify(one.errors), /= 1\.5: found 3/, `fusion: ${fusion}`);
    // Rows of one value that differ: a FieldsRowError, not whichever row came first.
    const fields = await run("{ byAmount { label } }");
    assert.deepEqual(fields.data, { byAmount: [{ label: null }, { label: null }] });
    assert.match(JSON.stringify(fields.errors), /3 different rows/, `fusion: ${fusion}`);
    const items = await run("{ holders { sameAmount { label } } }");
    assert.match(JSON.stringify(items.errors), /3 different rows/, `fusion: ${fusion}`);
    const all = [["one", one], ["fields", fields], ["items", items]] as const;
    for (const [name, response] of all) {
      const text = JSON.stringify(response);
      const seen = answers.get(name);
      if (seen === undefined) answers.set(name, text);
      else assert.equal(text, seen, `${name}: fused and unfused differ`);
    }
  }
});

Deno.test("text keys are matched by their spelling: '1.5' does not find the row of '1.50', even beside it", async () => {
  await using db = await openScratch();
  await db.query("CREATE TABLE code (id text PRIMARY KEY, label text)");
  await db.query("INSERT INTO code VALUES ('1.50', 'long'), ('2', 'two')");
  await db.query("CREATE TABLE alias (id int PRIMARY KEY, code_id text, name text)");
  await db.query("INSERT INTO alias VALUES (1, '1.50', 'a'), (2, '1.5', 'b')");
  const code = table("code", { id: Str, label: Optional(Str) }, { primaryKey: "id" });
  const alias = table("alias", { id: Int, code_id: Str, name: Str }, { primaryKey: "id" });
  const codeQuery = FieldsQuery(PG, code);
  const graph = Graph([
    Node("Alias", [Field("name", null, FieldsQuery(PG, alias))]),
    Node("Code", [
      Field("id", Optional(Str), codeQuery),
      Field("label", null, codeQuery),
      Link(
        "aliases",
        Sequence(TypeRef("Alias")),
        LinkQuery(PG, { fromColumn: alias.c.code_id, toColumn: alias.c.id }),
        { requires: "id" },
      ),
    ]),
    Root([
      Link("codes", Sequence(TypeRef("Code")), () => ["1.5", "1.50", "2.0"], { requires: null }),
    ]),
  ]);
  for (const query of ["{ codes { label } }", "{ codes { label aliases { name } } }"]) {
    for (const fusion of [true, false]) {
      const schema = new Schema({ query: graph, executor: new AsyncExecutor(), fusion });
      const response = await schema.execute({ query, context: { [PG]: db } });
      const codes = [{ label: null }, { label: "long" }, { label: null }];
      const aliases = [[], [{ name: "a" }], []];
      assert.deepEqual(
        response,
        {
          data: {
            codes: query.includes("aliases")
              ? codes.map((c, i) => ({ ...c, aliases: aliases[i] }))
              : codes,
          },
        },
        `${query}, fusion: ${fusion}`,
      );
    }
  }
});

Deno.test("postgresJs prepares the sources' statements even without parameters, and leaves yours to postgres.js", async () => {
  const sent: [string, unknown][] = [];
  const client = postgresJs({
    unsafe(query: string, _parameters?: unknown[], options?: unknown) {
      sent.push([query, options]);
      return Promise.resolve([]);
    },
  });
  await client.query("SELECT 1", [], { source: "region characters > Character" });
  await client.queryArrays!("SELECT 2", [], { source: `ListQuery("character")` });
  await client.query("SELECT 3; SELECT 4");
  await postgresJs({
    unsafe(query: string, _parameters?: unknown[], options?: unknown) {
      sent.push([query, options]);
      return Promise.resolve([]);
    },
  }, { prepare: false }).query("SELECT 5", [], { source: "x" });
  assert.deepEqual(sent, [
    // Without `simple: false`, postgres.js would send them with the simple protocol, unprepared.
    ["SELECT 1", { prepare: true, simple: false }],
    ["SELECT 2", { prepare: true, simple: false }],
    ["SELECT 3; SELECT 4", { prepare: true }],
    ["SELECT 5", { prepare: false, simple: false }],
  ]);
});

Deno.test("postgresJs moves the rows of the sources' statements out of the driver's result, and leaves yours as they are", async () => {
  // postgres.js resolves a query with its result array and keeps it for as long as the query
  // object lives: moved out, the rows do not live on with it.
  const results: unknown[][] = [];
  const settled = (rows: unknown[]) => {
    results.push(rows);
    return Object.assign(Promise.resolve(rows as PgRow[]), {
      values: () => Promise.resolve(rows as unknown[][]),
    });
  };
  const client = postgresJs({
    unsafe: (query: string) =>
      settled(query.startsWith("objects") ? [{ id: 1 }, { id: 2 }] : [[1, "Kirk"], [2, "Spock"]]),
  });
  const signal = new AbortController().signal;
  const source = "region characters > Character";
  assert.deepEqual(await client.query("objects", [], { source }), [{ id: 1 }, { id: 2 }]);
  assert.deepEqual(await client.queryArrays!("arrays", [], { source, signal }), [
    [1, "Kirk"],
    [2, "Spock"],
  ]);
  assert.deepEqual(results, [[], []]);
  // postgres.js's result is a subclass of Array: the rows come back in a plain array (a copy
  // through the subclass, as `splice` makes, is 50 times slower).
  class DriverResult extends Array {}
  const driven = postgresJs({
    unsafe: () => settled(DriverResult.from([[1, "Kirk"]])),
  });
  const moved = await driven.queryArrays!("arrays", [], { source });
  assert.equal(Object.getPrototypeOf(moved), Array.prototype);
  assert.deepEqual(moved, [[1, "Kirk"]]);
  assert.equal(results[2]!.length, 0);
  results.pop();
  // A statement of yours gets the driver's own result (postgres.js's carries count, command).
  const own = await client.query("objects, yours");
  assert.equal(own, results[2]);
  assert.deepEqual(own, [{ id: 1 }, { id: 2 }]);
});

Deno.test("the rows the adapter moved out are emptied once released, and arrays it did not make are left as they are", async () => {
  // Promises that carried a statement's rows (the adapter's, the source's) may outlive the
  // request: released, the rows no longer live on through them.
  const client = postgresJs({
    unsafe: () =>
      Object.assign(Promise.resolve([] as PgRow[]), {
        values: () => Promise.resolve([[1, "Kirk"], [2, "Spock"]] as unknown[][]),
      }),
  });
  const source = "region characters > Character";
  const rows = await client.queryArrays!("arrays", [], { source });
  assert.deepEqual(rows, [[1, "Kirk"], [2, "Spock"]]);
  releaseRows(rows);
  assert.deepEqual(rows, []);
  releaseRows(rows);
  releaseRows(null);
  // A client of your own may hand out arrays it keeps (a replay, a cache): never emptied.
  const kept = [[1, "Kirk"]];
  releaseRows(kept);
  assert.deepEqual(kept, [[1, "Kirk"]]);
  // Your own statements' results are the driver's, not moved out: never emptied either.
  const yours = await client.queryArrays!("arrays");
  releaseRows(yours);
  assert.deepEqual(yours, [[1, "Kirk"], [2, "Spock"]]);
});

Deno.test("empty id lists are answered without a round trip", async () => {
  const ctx = { [PG]: NO_ROUND_TRIPS };
  const fields = [{ name: "name", alias: null, options: {} }] as unknown as QueryField[];
  assert.deepEqual(await FieldsQuery(PG, character)(ctx, fields, []), []);

  const actor = table("actor", { id: Int, character_id: Optional(Int) }, { primaryKey: "id" });
  const query = LinkQuery(PG, { fromColumn: actor.c.character_id, toColumn: actor.c.id });
  const load = (type: Parameters<typeof Link>[1]) =>
    Link("link", type, query, { requires: "character_id" }).loader as (
      ctx: object,
      values: unknown[],
    ) => Promise<unknown[]>;
  assert.deepEqual(await load(Sequence(TypeRef("Actor")))(ctx, []), []);
  assert.deepEqual(await load(Sequence(TypeRef("Actor")))(ctx, [null, null]), [[], []]);
  assert.deepEqual(await load(Optional(TypeRef("Actor")))(ctx, [null]), [Nothing]);
  await assert.rejects(
    load(TypeRef("Actor"))(ctx, [null]),
    {
      name: "LinkRowError",
      message:
        `Link "link" needs exactly one row in table "actor" where "character_id" = null: found none`,
    },
  );
});

Deno.test("FieldsQuery fails each field of an id whose rows differ in the fields read, unless its key is the table's primary key", async () => {
  const note = table("note", { id: Int, character_id: Int, text: Str }, { primaryKey: "id" });
  const fields = [{ name: "text", alias: null, options: {} }] as unknown as QueryField[];
  let rows: PgRow[] = [];
  const ctx = { [PG]: { query: () => Promise.resolve(rows) } };

  // Kirk (1) has two notes, McCoy (3) the same one twice, Spock (2) none.
  rows = [
    { character_id: 1, text: "captain" },
    { character_id: 3, text: "doctor" },
    { character_id: 1, text: "admiral" },
    { character_id: 3, text: "doctor" },
    { character_id: 1, text: "captain" },
  ];
  const [kirk, spock, mccoy] = await FieldsQuery(PG, note, { primaryKey: note.c.character_id })(
    ctx,
    fields,
    [1, 2, 3],
  );
  assert.deepEqual(spock, [null]);
  assert.deepEqual(mccoy, ["doctor"]);
  const error = kirk![0];
  assert.ok(error instanceof FieldsRowError);
  assert.equal(error.name, "FieldsRowError");
  assert.equal(
    error.message,
    `FieldsQuery on table "note" found 2 different rows where "character_id" = 1: its key ` +
      "column must be unique (rows that say the same are read as one)",
  );
  assert.deepEqual([error.table, error.column, error.id, error.found], [
    '"note"',
    "character_id",
    1,
    2,
  ]);

  // The declared primary key is taken at its word: of two rows, the first is read.
  rows = [{ id: 1, text: "captain" }, { id: 1, text: "admiral" }];
  assert.deepEqual(await FieldsQuery(PG, note)(ctx, fields, [1]), [["captain"]]);
});

const contextGraph = Graph([
  Node("Character", [Field("name", null, FieldsQuery(PG, character))]),
  Root([Link("characters", Sequence(TypeRef("Character")), () => [1], { requires: null })]),
]);

Deno.test("a context without the client names the key", async () => {
  const engine = new Engine(new AsyncExecutor());
  await assert.rejects(
    engine.execute(contextGraph, read("{ characters { name } }"), {}),
    (error) => {
      assert.ok(error instanceof LoaderError);
      assert.ok(error.cause instanceof ContextKeyError);
      assert.equal(
        error.message,
        `Loader of field Character.name failed: Context key "pg" is not set: pass it in the context given to engine.execute, schema.execute or graphqlHandler`,
      );
      return true;
    },
  );
  await assert.rejects(
    engine.execute(contextGraph, read("{ characters { name } }"), { [PG]: "postgres://" }),
    {
      message: `Loader of field Character.name failed: Context key "pg" must hold a Postgres ` +
        `client (an object with a query method, e.g. postgresJs(sql)): got "postgres://"`,
    },
  );
});

Deno.test("a connection that is refused fails at once, naming the server", async () => {
  await assert.rejects(
    openDatabase({ url: "postgres://postgres:secret@127.0.0.1:1/postgres" }),
    (error) => {
      assert.ok(error instanceof PostgresConnectionError);
      assert.equal(
        error.message,
        "Could not connect to PostgreSQL at postgres://postgres:***@127.0.0.1:1/postgres: " +
          "connect ECONNREFUSED 127.0.0.1:1",
      );
      assert.equal(error.url, "postgres://postgres:***@127.0.0.1:1/postgres");
      return true;
    },
  );
});

Deno.test("a server that never answers fails after the connect timeout", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) accepted.push(conn);
  })();
  const { port } = listener.addr as Deno.NetAddr;
  try {
    await assert.rejects(
      openDatabase({
        url: `postgres://postgres@127.0.0.1:${port}/postgres`,
        connectTimeoutSeconds: 0.5,
      }),
      {
        name: "PostgresConnectionError",
        message:
          `Could not connect to PostgreSQL at postgres://postgres@127.0.0.1:${port}/postgres: ` +
          "no answer within 0.5 s",
      },
    );
  } finally {
    listener.close();
    await accepting;
    for (const conn of accepted) conn.close();
  }
});

Deno.test("openDatabase needs a schema to drop one on close", async () => {
  await assert.rejects(
    openDatabase({ url: null, dropSchemaOnClose: true }),
    new TypeError("openDatabase needs a schema to drop on close: got dropSchemaOnClose alone"),
  );
});

/**
 * Runs tests/support/pg_require_server.ts in a process whose `DATABASE_URL` is `value` (unset for
 * `null`): this process's environment is shared by test modules running in parallel.
 */
async function inProcessWithDatabaseUrl(value: string | null, mode: string): Promise<unknown> {
  const env: { [key: string]: string } = {};
  for (const key of ["HOME", "PATH", "DENO_DIR", "TMPDIR"]) {
    const v = Deno.env.get(key);
    if (v !== undefined) env[key] = v;
  }
  if (value !== null) env.DATABASE_URL = value;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./support/pg_require_server.ts", import.meta.url).href, mode],
    clearEnv: true,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout).trim();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  return JSON.parse(text.split("\n").at(-1)!);
}

Deno.test("openDatabase with requireServer demands DATABASE_URL instead of opening PGlite", async (t) => {
  const expected = {
    name: "DatabaseUrlMissingError",
    message: "openDatabase was asked for a PostgreSQL server (requireServer: true), but " +
      "DATABASE_URL is not set: set it to the server's URL " +
      "(postgres://user:password@host:port/database), or pass openDatabase({ url })",
  };
  for (const value of [null, ""]) {
    await t.step(`DATABASE_URL ${value === null ? "unset" : "empty"}`, async () => {
      assert.deepEqual(await inProcessWithDatabaseUrl(value, "require"), expected);
      assert.deepEqual(await inProcessWithDatabaseUrl(value, "require-empty-url"), expected);
    });
  }
  await t.step("the error is a DatabaseUrlMissingError", () => {
    const error = new DatabaseUrlMissingError();
    assert.equal(error.name, expected.name);
  });
  await t.step("without requireServer, the fallback is PGlite and says so", async () => {
    assert.deepEqual(await inProcessWithDatabaseUrl(null, "default"), {
      driver: "pglite",
      target: "PGlite (in-process, in memory)",
    });
  });
  await t.step("requireServer with url: null is a contradiction", async () => {
    await assert.rejects(
      openDatabase({ requireServer: true, url: null }),
      new TypeError(
        "openDatabase can not both require a server and open PGlite: got requireServer: true " +
          "with url: null",
      ),
    );
  });
  await t.step({
    name: "with DATABASE_URL set, requireServer opens the server" +
      (DATABASE_URL === null ? " (set DATABASE_URL to a PostgreSQL server to run)" : ""),
    ignore: DATABASE_URL === null,
    fn: async () => {
      // DATABASE_URL is this process's own, as the test reads it.
      await using db = await openDatabase({ requireServer: true });
      assert.equal(db.driver, "postgres.js");
      assert.deepEqual([...await db.query("SELECT 1 AS one")], [{ one: 1 }]);
    },
  });
});

Deno.test("openDatabase without a URL starts PGlite, with int8 and numeric as strings", async () => {
  await using db = await openDatabase({ url: null, schema: "star trek" });
  assert.equal(db.driver, "pglite");
  assert.equal(db.target, "PGlite (in-process, in memory)");
  await db.query("CREATE TABLE ship (registry text PRIMARY KEY, crew int8, warp numeric)");
  await db.query("INSERT INTO ship VALUES ($1, $2, $3)", ["NCC-1701", "430", "9.975"]);
  assert.deepEqual(await db.query(`SELECT * FROM "star trek".ship`), [
    { registry: "NCC-1701", crew: "430", warp: "9.975" },
  ]);
});

Deno.test({
  name: "openDatabase with a URL works in a schema of its own and drops it on close" +
    (DATABASE_URL === null ? " (set DATABASE_URL to a PostgreSQL server to run)" : ""),
  ignore: DATABASE_URL === null,
  fn: async () => {
    const schema = scratchSchema();
    const db = await openDatabase({ url: DATABASE_URL, schema, dropSchemaOnClose: true });
    const recording = new RecordingClient(db);
    try {
      assert.equal(db.driver, "postgres.js");
      await recording.query("CREATE TABLE ship (registry text PRIMARY KEY, crew int8)");
      await recording.query("INSERT INTO ship VALUES ($1, $2)", ["NCC-1701", 430]);
      const engine = new Engine(new AsyncExecutor());
      const ship = table("ship", { registry: Str, crew: Str }, { primaryKey: "registry" });
      const shipGraph = Graph([
        Node("Ship", [Field("crew", null, FieldsQuery(PG, ship))]),
        Root([Link("ships", Sequence(TypeRef("Ship")), () => ["NCC-1701"], { requires: null })]),
      ]);
      const result = await engine.execute(shipGraph, read("{ ships { crew } }"), {
        [PG]: recording,
      });
      assert.deepEqual(denormalize(shipGraph, result), { ships: [{ crew: "430" }] });
      await assert.rejects(
        openDatabase({ url: DATABASE_URL, schema, dropSchemaOnClose: true }),
        {
          message:
            `Could not create schema "${schema}" in ${db.target}: schema "${schema}" already exists`,
        },
      );
    } finally {
      await db.close();
      await db.close();
    }
    await using admin = await openDatabase({ url: DATABASE_URL });
    assert.deepEqual(
      [...await admin.query("SELECT nspname FROM pg_namespace WHERE nspname = $1", [schema])],
      [],
    );
  },
});

Deno.test("a bigint column declared Int answers numbers within 32 bits and a field error beyond", async () => {
  // postgres.js returns int8 as a string, PGlite as a number: neither reaches a client as a
  // string inside Int.
  await using db = await openScratch();
  await db.query("CREATE TABLE ledger (id int PRIMARY KEY, amount bigint NOT NULL)");
  await db.query("INSERT INTO ledger VALUES (1, 12), (2, 3000000000)");
  const ledger = table("ledger", { id: Int, amount: Optional(Int) }, { primaryKey: "id" });
  const ledgerQuery = FieldsQuery(PG, ledger);
  const graph = Graph([
    Node("Entry", [Field("id", null, ledgerQuery), Field("amount", null, ledgerQuery)]),
    Root([Link("entries", Sequence(TypeRef("Entry")), () => [1, 2], { requires: null })]),
  ]);
  const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
  const raw = (await db.query("SELECT amount FROM ledger WHERE id = 2"))[0]!.amount;
  const response = await schema.execute({
    query: "{ entries { id amount } }",
    context: { [PG]: db },
  });
  assert.equal(
    JSON.stringify(response),
    JSON.stringify({
      errors: [{
        message: `Int cannot represent non 32-bit signed integer value: ${
          typeof raw === "string" ? `"${raw}"` : String(raw)
        }`,
        locations: [{ line: 1, column: 16 }],
        path: ["entries", 1, "amount"],
      }],
      data: { entries: [{ id: 1, amount: 12 }, { id: 2, amount: null }] },
    }),
  );
});

Deno.test("a bigint column declared as a BigInt custom scalar answers every 64-bit value exactly as a string", async () => {
  await using db = await openScratch();
  await db.query("CREATE TABLE account (id int PRIMARY KEY, balance bigint)");
  await db.query(
    "INSERT INTO account VALUES (1, 12), (2, 3000000000), (3, -9223372036854775808), (4, NULL)",
  );
  // The README's scalar: int8 arrives as a string (postgres.js) or a number or bigint (PGlite).
  const BigIntString = Scalar("BigInt", {
    description: "A 64-bit integer, as a decimal string",
    parse: (value) => BigInt(value as string),
    serialize: (value) => String(value),
  });
  const account = table("account", { id: Int, balance: Optional(BigIntString) }, {
    primaryKey: "id",
  });
  await checkTables(db, [account]);
  const accountQuery = FieldsQuery(PG, account);
  const graph = Graph([
    Node("Account", [Field("id", null, accountQuery), Field("balance", null, accountQuery)]),
    Root([Link("accounts", Sequence(TypeRef("Account")), () => [1, 2, 3, 4], { requires: null })]),
  ], { scalars: [BigIntString] });
  const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
  const response = await schema.execute({
    query: "{ accounts { id balance } }",
    context: { [PG]: db },
  });
  assert.equal(
    JSON.stringify(response),
    JSON.stringify({
      data: {
        accounts: [
          { id: 1, balance: "12" },
          { id: 2, balance: "3000000000" },
          { id: 3, balance: "-9223372036854775808" },
          { id: 4, balance: null },
        ],
      },
    }),
  );
});
