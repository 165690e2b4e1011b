/**
 * Faults of the Postgres sources do not leak: an execution's abort (the HTTP time limit, a client
 * gone) reaches its statements, which never start once it aborted and, with postgres.js, are
 * cancelled on the server, so their connections are free at once; `Database.close()` ends within
 * its time limit whatever happened to the connections; and ids are compared as the key column's
 * type.
 *
 * Tests against a server run when DATABASE_URL is set; the rest run on PGlite or fakes.
 *
 * @module
 */

import assert from "node:assert/strict";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import {
  AsyncExecutor,
  denormalize,
  Engine,
  ExecutionAbortedError,
  Field,
  Float,
  Graph,
  graphqlHandler,
  ID,
  Int,
  Link,
  LoaderError,
  Node,
  Option,
  read,
  Root,
  Schema,
  Sequence,
  Str,
  TypeRef,
} from "../mod.ts";
import { strictContext } from "../src/definitions/context.ts";
import {
  type Database,
  FieldsQuery,
  IdTypeError,
  LinkQuery,
  ListQuery,
  openDatabase,
  type PgClient,
  pglite,
  type PgRow,
  postgresJs,
  queryObjectClient,
  recordStatements,
  table,
} from "../sources/postgres.ts";
import { createSlowTables, PG, slow, slowGraph } from "./support/pg_slow.ts";
import { slowPoolModule } from "./support/pool_pg_slow.ts";
import { WorkerPoolExecutor } from "../executors/worker_pool.ts";

const DATABASE_URL = Deno.env.get("DATABASE_URL") ?? null;
const NEEDS_SERVER = DATABASE_URL === null
  ? " (set DATABASE_URL to a PostgreSQL server to run)"
  : "";

function scratchName(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
}

/** DATABASE_URL with an application name, by which pg_stat_activity finds the connections. */
function urlNamed(application: string): string {
  const url = new URL(DATABASE_URL!);
  url.searchParams.set("application_name", application);
  return url.href;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Statements of an application still running on the server, polled until none or `ms` pass. */
async function activeStatements(
  admin: postgres.Sql,
  application: string,
  ms: number,
): Promise<string[]> {
  const deadline = performance.now() + ms;
  for (;;) {
    const rows = await admin.unsafe(
      "SELECT query FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'",
      [application],
    );
    if (rows.length === 0 || performance.now() >= deadline) return rows.map((r) => r.query);
    await sleep(50);
  }
}

const fieldsOf = (...names: string[]) => names.map((name) => ({ name, alias: name, options: {} }));

// Without a server -------------------------------------------------------------------------------

Deno.test("a statement whose signal has aborted never reaches the driver", async (t) => {
  const aborted = AbortSignal.abort(new Error("gone"));
  const expected = { name: "ExecutionAbortedError", message: "Execution was aborted: gone" };

  await t.step("through each adapter", async () => {
    const sent: string[] = [];
    const clients: PgClient[] = [
      postgresJs({
        unsafe(text: string) {
          sent.push(text);
          return Promise.resolve([]);
        },
      }),
      pglite({
        query(text: string) {
          sent.push(text);
          return Promise.resolve({ rows: [] });
        },
      }),
      queryObjectClient({
        queryObject(text: string) {
          sent.push(text);
          return Promise.resolve({ rows: [] });
        },
      }),
    ];
    for (const client of clients) {
      await assert.rejects(client.query("SELECT 1", [], { signal: aborted }), expected);
      await assert.rejects(
        client.queryArrays?.("SELECT 1", [], { signal: aborted }) ?? Promise.reject(aborted),
        (error) => error === aborted || (error as Error).name === "ExecutionAbortedError",
      );
    }
    assert.deepEqual(sent, []);
  });

  await t.step("through FieldsQuery, LinkQuery and ListQuery", async () => {
    const recorder = recordStatements({ query: () => Promise.resolve([]) });
    const ctx = strictContext({ [PG]: recorder.client }, aborted);
    await assert.rejects(FieldsQuery(PG, slow)(ctx, fieldsOf("value"), [1]), expected);
    const link = Link(
      "slows",
      Sequence(TypeRef("Slow")),
      LinkQuery(PG, { fromColumn: slow.c.id, toColumn: slow.c.value }),
      { requires: "id" },
    );
    await assert.rejects(
      (link.loader as (ctx: object, values: unknown[]) => Promise<unknown>)(ctx, [1]),
      expected,
    );
    const list = Link("listed", Sequence(TypeRef("Slow")), ListQuery(PG, slow), {
      requires: null,
    });
    await assert.rejects((list.loader as (ctx: object) => Promise<unknown>)(ctx), expected);
    assert.deepEqual(recorder.statements, []);
  });
});

Deno.test("a queryObject client drops a statement whose signal aborts while it waits its turn", async () => {
  const sent: string[] = [];
  const client = queryObjectClient({
    async queryObject(text: string) {
      sent.push(text);
      await sleep(50);
      return { rows: [{ text }] };
    },
  });
  const controller = new AbortController();
  const first = client.query("SELECT 1");
  const second = client.query("SELECT 2", [], { signal: controller.signal });
  const third = client.query("SELECT 3");
  controller.abort(new Error("gone"));
  await assert.rejects(second, { name: "ExecutionAbortedError" });
  assert.deepEqual(sent, ["SELECT 1"]);
  assert.deepEqual(await first, [{ text: "SELECT 1" }]);
  assert.deepEqual(await third, [{ text: "SELECT 3" }]);
  assert.deepEqual(sent, ["SELECT 1", "SELECT 3"]);
});

Deno.test("PGlite finishes the statement it runs, and never starts one whose execution timed out meanwhile", async () => {
  const db = await PGlite.create();
  try {
    const client = pglite(db);
    await createSlowTables(client, 0.4);
    const engine = new Engine(new AsyncExecutor(), { fusion: false });
    const started = performance.now();
    const runs = [1, 2].map(() => {
      // As the HTTP endpoint's time limit: a timer, which fires once PGlite lets the thread go.
      const signal = AbortSignal.timeout(100);
      return engine.execute(slowGraph, read("{ slows { value } }"), { [PG]: client }, { signal });
    });
    const [first, second] = await Promise.allSettled(runs);
    // The first statement held the thread for its 0.4 s, and its execution was answered before
    // the timers could fire; then they did, and the second statement never started.
    assert.equal(first?.status, "fulfilled");
    assert.equal(second?.status, "rejected");
    assert.ok(second.reason instanceof ExecutionAbortedError);
    assert.deepEqual(await client.query("SELECT id FROM naps"), [{ id: 1 }]);
    assert.ok(performance.now() - started < 5_000);
  } finally {
    await db.close();
  }
});

// Ids --------------------------------------------------------------------------------------------

/** A client answering `= ANY($1)` on a key as Postgres would, from rows keyed by the column. */
function keyedClient(
  rows: readonly PgRow[],
  key: string,
  sent: unknown[][],
  equal: (id: unknown, key: unknown) => boolean = (id, key) => id === key,
): PgClient {
  return {
    query(text: string, params: readonly unknown[] = []) {
      const ids = params[0] as unknown[];
      sent.push(ids);
      if (!text.includes("WITH ORDINALITY")) {
        return Promise.resolve(rows.filter((row) => ids.some((id) => equal(id, row[key]))));
      }
      // Each id's rows with its position, as the statement joining the ids returns them.
      return Promise.resolve(
        ids.flatMap((id, i) =>
          rows.filter((row) => equal(id, row[key])).map((row) => ({ at: i + 1, ...row }))
        ),
      );
    },
  };
}

Deno.test("ids are read as the key column's type", async (t) => {
  const character = table("character", { id: Int, name: Str }, { primaryKey: "id" });
  const rows = [{ id: 7, name: "Seven of Nine" }];

  await t.step("an Int key reads integers, bigints and their decimal spellings", async () => {
    const sent: unknown[][] = [];
    const load = FieldsQuery(PG, character);
    const ctx = { [PG]: keyedClient(rows, "id", sent) };
    assert.deepEqual(
      await load(ctx, fieldsOf("name"), [7, "7", "007", " 7 ", 7n, "+7", "8"]),
      [
        ["Seven of Nine"],
        ["Seven of Nine"],
        ["Seven of Nine"],
        ["Seven of Nine"],
        ["Seven of Nine"],
        ["Seven of Nine"],
        [null],
      ],
    );
    assert.deepEqual(sent, [[7, 7, 7, 7, 7, 7, 8]]);
    sent.length = 0;
    const ids = [1, 2, 3];
    await load(ctx, fieldsOf("name"), ids);
    assert.equal(sent[0], ids, "ids of the column's type are sent as they are");
    await load(ctx, fieldsOf("name"), ["9007199254740993"]);
    assert.deepEqual(sent[1], [9007199254740993n]);
  });

  await t.step(
    "an Int key rejects what is not an integer, naming table, column and id",
    async () => {
      const load = FieldsQuery(PG, character);
      const ctx = { [PG]: keyedClient(rows, "id", []) };
      for (const id of [7.5, "abc", "7.0", "", "1e3", "0x10", true]) {
        await assert.rejects(load(ctx, fieldsOf("name"), [7, id as number]), (error) => {
          assert.ok(error instanceof IdTypeError);
          assert.equal(error.name, "IdTypeError");
          assert.equal(error.table, `"character"`);
          assert.equal(error.column, "id");
          assert.equal(error.id, id);
          assert.equal(error.expected, "Int");
          return true;
        });
      }
      await assert.rejects(load(ctx, fieldsOf("name"), ["abc"]), {
        message:
          `Id "abc" can not be looked up in column "id" of table "character": expected Int ` +
          "(an integer, or a string of one in decimal)",
      });
    },
  );

  await t.step("a String key reads numbers and bigints as their decimal spelling", async () => {
    const ship = table("ship", { registry: Str, name: Str }, { primaryKey: "registry" });
    const sent: unknown[][] = [];
    const ctx = {
      [PG]: keyedClient([{ registry: "1701", name: "Enterprise" }], "registry", sent),
    };
    assert.deepEqual(
      await FieldsQuery(PG, ship)(ctx, fieldsOf("name"), [1701, 1701n, "1701", "01701", 1701.5]),
      [["Enterprise"], ["Enterprise"], ["Enterprise"], [null], [null]],
    );
    assert.deepEqual(sent, [["1701", "1701", "1701", "01701", "1701.5"]]);
  });

  await t.step("a Float key reads numbers and their spellings", async () => {
    const reading = table("reading", { value: Float, label: Str }, { primaryKey: "value" });
    const ctx = { [PG]: keyedClient([{ value: 2.5, label: "warp" }], "value", []) };
    assert.deepEqual(
      await FieldsQuery(PG, reading)(ctx, fieldsOf("label"), [2.5, "2.5", " 2.50 "]),
      [["warp"], ["warp"], ["warp"]],
    );
    await assert.rejects(FieldsQuery(PG, reading)(ctx, fieldsOf("label"), ["warp"]), {
      name: "IdTypeError",
    });
  });

  await t.step("LinkQuery reads required values as its from-column's type", async () => {
    const actor = table("actor", { id: Int, character_id: Int }, { primaryKey: "id" });
    const sent: unknown[][] = [];
    const ctx = { [PG]: keyedClient([{ character_id: 7, id: 70 }], "character_id", sent) };
    const link = Link(
      "actors",
      Sequence(TypeRef("Actor")),
      LinkQuery(PG, { fromColumn: actor.c.character_id, toColumn: actor.c.id }),
      { requires: "character_id" },
    );
    const load = link.loader as (ctx: object, values: unknown[]) => Promise<unknown[]>;
    assert.deepEqual(await load(ctx, ["007", 7, null]), [[70], [70], []]);
    assert.deepEqual(sent, [[7]]);
    await assert.rejects(load(ctx, [7, "seven"]), {
      name: "IdTypeError",
      message: `Link "actors" requires "seven", which can not be looked up in column ` +
        `"character_id" of table "actor": expected Int (an integer, or a string of one in decimal)`,
    });
  });

  await t.step(
    "an ID key sends ids as they are, and finds numeric keys by any spelling",
    async () => {
      const officer = table("officer", { id: ID, name: Str }, { primaryKey: "id" });
      const sent: unknown[][] = [];
      // As Postgres reads "007" for an integer column: the row keyed 7.
      const client = keyedClient(
        [{ id: 7, name: "Tuvok" }],
        "id",
        sent,
        (id, key) => Number(id) === key,
      );
      assert.deepEqual(
        await FieldsQuery(PG, officer)({ [PG]: client }, fieldsOf("name"), ["007", "7", 7]),
        [["Tuvok"], ["Tuvok"], ["Tuvok"]],
      );
      assert.deepEqual(sent, [["007", "7", 7]]);
    },
  );
});

// Against a server -------------------------------------------------------------------------------

interface SlowServer {
  readonly db: Database;
  readonly admin: postgres.Sql;
  readonly application: string;
  close(): Promise<void>;
}

async function openSlowServer(max: number): Promise<SlowServer> {
  const application = scratchName("hiku_faults");
  const db = await openDatabase({
    url: urlNamed(application),
    schema: application,
    dropSchemaOnClose: true,
    max,
    connectTimeoutSeconds: 5,
  });
  await createSlowTables(db, 30);
  const admin = postgres(DATABASE_URL!, { max: 1, onnotice: () => {} });
  return {
    db,
    admin,
    application,
    async close() {
      await db.close();
      await admin.end({ timeout: 1 });
    },
  };
}

Deno.test({
  name: "aborting executions cancels their statements on the server, freeing the connections" +
    NEEDS_SERVER,
  ignore: DATABASE_URL === null,
  fn: async (t) => {
    const server = await openSlowServer(2);
    try {
      const cases = [
        { load: "FieldsQuery", query: "{ slows { value } }", fusion: false },
        { load: "LinkQuery", query: "{ fasts { slows { id } } }", fusion: false },
        { load: "ListQuery", query: "{ listed { id } }", fusion: false },
        { load: "a fused region", query: "{ fasts { id slows { value } } }", fusion: true },
        { load: "a fused list", query: "{ listed { id value } }", fusion: true },
      ];
      for (const { load, query, fusion } of cases) {
        await t.step(`${load}: four executions on two connections`, async () => {
          const engine = new Engine(new AsyncExecutor(), { fusion });
          const controller = new AbortController();
          const runs = [1, 2, 3, 4].map(() =>
            engine.execute(slowGraph, read(query), { [PG]: server.db }, {
              signal: controller.signal,
            })
          );
          await sleep(300);
          controller.abort(new Error("time is up"));
          const aborted = performance.now();
          for (const outcome of await Promise.allSettled(runs)) {
            assert.equal(outcome.status, "rejected");
            assert.ok(outcome.reason instanceof ExecutionAbortedError);
            assert.equal(outcome.reason.message, "Execution was aborted: time is up");
          }
          assert.deepEqual([...await server.db.query("SELECT 1 AS one")], [{ one: 1 }]);
          const waited = performance.now() - aborted;
          assert.ok(waited < 1_500, `a cheap statement waited ${waited.toFixed(0)} ms`);
          assert.deepEqual(await activeStatements(server.admin, server.application, 1_000), []);
        });
      }
    } finally {
      await server.close();
    }
  },
});

Deno.test({
  name: "aborting an execution on a worker pool cancels its statements on the server, " +
    "in the workers and on the main thread" + NEEDS_SERVER,
  ignore: DATABASE_URL === null,
  fn: async (t) => {
    const server = await openSlowServer(1);
    // Every load of more than one id goes to the one worker; a fused region's runs on the main
    // thread, with the main thread's own context.
    await using pool = new WorkerPoolExecutor({
      module: slowPoolModule(server.application, server.application),
      size: 1,
      inlineThreshold: 1,
      inlineCostPerId: 0,
    });
    try {
      await pool.ready();
      const cases = [
        { where: "in a worker", query: "{ fasts { slows { id } } }", fusion: false },
        { where: "on the main thread", query: "{ fasts { id slows { value } } }", fusion: true },
      ];
      for (const { where, query, fusion } of cases) {
        await t.step(where, async () => {
          const engine = new Engine(pool, { fusion });
          const controller = new AbortController();
          const run = engine.execute(slowGraph, read(query), {}, { signal: controller.signal });
          // The statement runs before the abort.
          const deadline = performance.now() + 10_000;
          while ((await activeStatements(server.admin, server.application, 0)).length === 0) {
            assert.ok(performance.now() < deadline, "the statement never started");
            await sleep(20);
          }
          controller.abort(new Error("time is up"));
          await assert.rejects(run, new ExecutionAbortedError(new Error("time is up")));
          // Cancelled, not left running (a terminated worker left it for its 30 s).
          assert.deepEqual(await activeStatements(server.admin, server.application, 2_000), []);
        });
      }
    } finally {
      await pool.close();
      await server.close();
    }
  },
});

Deno.test({
  name: "closing a worker pool while its worker runs a statement cancels it on the server" +
    NEEDS_SERVER,
  ignore: DATABASE_URL === null,
  fn: async () => {
    const server = await openSlowServer(1);
    const pool = new WorkerPoolExecutor({
      module: slowPoolModule(server.application, server.application),
      size: 1,
      inlineThreshold: 1,
      inlineCostPerId: 0,
    });
    try {
      await pool.ready();
      const engine = new Engine(pool, { fusion: false });
      const run = engine.execute(slowGraph, read("{ fasts { slows { id } } }"), {});
      const outcome = run.then(() => null, (error: unknown) => error);
      const deadline = performance.now() + 10_000;
      while ((await activeStatements(server.admin, server.application, 0)).length === 0) {
        assert.ok(performance.now() < deadline, "the statement never started");
        await sleep(20);
      }
      await pool.close();
      assert.match(String(await outcome), /Worker pool is closed/);
      assert.deepEqual(await activeStatements(server.admin, server.application, 2_000), []);
    } finally {
      await pool.close();
      await server.close();
    }
  },
});

Deno.test({
  name: "a source's statement sent on a connection the server ended runs again on a new one" +
    NEEDS_SERVER,
  ignore: DATABASE_URL === null,
  fn: async () => {
    const server = await openSlowServer(1);
    try {
      const schema = new Schema({ query: slowGraph, executor: new AsyncExecutor() });
      const context = { [PG]: server.db };
      const slowRun = schema.execute({ query: "{ listed { id value } }", context });
      const deadline = performance.now() + 10_000;
      let running: { pid: number }[] = [];
      while (running.length === 0) {
        assert.ok(performance.now() < deadline, "the statement never started");
        running = await server.admin.unsafe(
          "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'",
          [server.application],
        ) as unknown as { pid: number }[];
        if (running.length === 0) await sleep(10);
      }
      await server.admin.unsafe("SELECT pg_terminate_backend($1)", [running[0]!.pid]);
      // The statement that was running fails: the server ended it.
      assert.match(JSON.stringify((await slowRun).errors), /CONNECTION_CLOSED|terminat/);
      await sleep(200);
      // The next one is not failed by the ended connection's notice.
      assert.deepEqual(await schema.execute({ query: "{ fasts { id } }", context }), {
        data: { fasts: [{ id: 1 }, { id: 2 }] },
      });
    } finally {
      await server.close();
    }
  },
});

Deno.test({
  name: "a statement cancelled while it runs rejects its load with the execution's abort" +
    NEEDS_SERVER,
  ignore: DATABASE_URL === null,
  fn: async () => {
    const server = await openSlowServer(2);
    try {
      const controller = new AbortController();
      const ctx = strictContext({ [PG]: server.db }, controller.signal);
      const loading = FieldsQuery(PG, slow)(ctx, fieldsOf("value"), [1]);
      setTimeout(() => controller.abort(new Error("time is up")), 300);
      await assert.rejects(loading, (error) => {
        assert.ok(error instanceof ExecutionAbortedError);
        assert.equal(error.message, "Execution was aborted: time is up");
        return true;
      });
    } finally {
      await server.close();
    }
  },
});

Deno.test({
  name: "a statement stopped by a cancel request its execution did not send runs once more" +
    NEEDS_SERVER,
  ignore: DATABASE_URL === null,
  fn: async () => {
    // A cancel request stops whatever its connection runs when it arrives: one sent late for
    // another execution's statement stops the next one. The sources' statements only read.
    const application = scratchName("hiku_stray");
    const db = await openDatabase({
      url: urlNamed(application),
      schema: application,
      dropSchemaOnClose: true,
      max: 1,
      connectTimeoutSeconds: 5,
    });
    const admin = postgres(DATABASE_URL!, { max: 1, onnotice: () => {} });
    try {
      await createSlowTables(db, 0.5);
      const ctx = strictContext({ [PG]: db }, new AbortController().signal);
      const loading = FieldsQuery(PG, slow)(ctx, fieldsOf("value"), [1]);
      let cancelled = false;
      for (let i = 0; i < 100 && !cancelled; i++) {
        const [row] = await admin.unsafe(
          "SELECT pg_cancel_backend(pid) AS done FROM pg_stat_activity " +
            "WHERE application_name = $1 AND state = 'active' AND query LIKE '%slow%'",
          [application],
        );
        cancelled = row?.done === true;
        if (!cancelled) await sleep(10);
      }
      assert.ok(cancelled, "the statement was cancelled while it ran");
      assert.deepEqual(await loading, [[1]]);
    } finally {
      await db.close();
      await admin.end({ timeout: 1 });
    }
  },
});

Deno.test({
  name: "over HTTP, a cheap query sent after slow ones timed out is answered at once" +
    NEEDS_SERVER,
  ignore: DATABASE_URL === null,
  fn: async () => {
    const server = await openSlowServer(2);
    try {
      const schema = new Schema({ query: slowGraph, executor: new AsyncExecutor() });
      const logged: string[] = [];
      const handler = graphqlHandler(schema, {
        timeout: 500,
        context: () => ({ [PG]: server.db }),
        logger: (message) => logged.push(message),
      });
      const post = async (query: string) => {
        const response = await handler(
          new Request("http://localhost/graphql", {
            method: "POST",
            headers: {
              "content-type": "application/json",
              accept: "application/graphql-response+json",
            },
            body: JSON.stringify({ query }),
          }),
        );
        return { status: response.status, body: await response.json() };
      };
      const slowOnes = await Promise.all(
        [1, 2, 3, 4, 5, 6].map(() => post("{ fasts { id slows { value } } }")),
      );
      assert.deepEqual(slowOnes.map((r) => r.status), [504, 504, 504, 504, 504, 504]);
      const sent = performance.now();
      const cheap = await post("{ fasts { id } }");
      const waited = performance.now() - sent;
      assert.deepEqual(
        cheap,
        { status: 200, body: { data: { fasts: [{ id: 1 }, { id: 2 }] } } },
        `the endpoint logged: ${logged.join(" | ")}`,
      );
      assert.ok(waited < 1_500, `the cheap query waited ${waited.toFixed(0)} ms`);
      assert.deepEqual(await activeStatements(server.admin, server.application, 1_000), []);
    } finally {
      await server.close();
    }
  },
});

Deno.test({
  name: "close() ends within its time limit after the server killed its connections" +
    NEEDS_SERVER,
  ignore: DATABASE_URL === null,
  fn: async () => {
    const server = await openSlowServer(2);
    const running = server.db.query("SELECT pg_sleep(30)");
    const failed = assert.rejects(running);
    try {
      for (let i = 0; i < 50; i++) {
        if ((await activeStatements(server.admin, server.application, 0)).length > 0) break;
        await sleep(20);
      }
      await server.admin.unsafe(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        [server.application],
      );
      await failed;
      const started = performance.now();
      await server.db.close();
      const took = performance.now() - started;
      assert.ok(took < 5_000, `close() took ${took.toFixed(0)} ms`);
      const schemas = await server.admin.unsafe(
        "SELECT nspname FROM pg_namespace WHERE nspname = $1",
        [server.application],
      );
      assert.deepEqual([...schemas], [], "the schema is dropped over a new connection");
    } finally {
      await server.close();
    }
  },
});

Deno.test({
  name: "close() ends statements still running when closeTimeoutSeconds runs out" + NEEDS_SERVER,
  ignore: DATABASE_URL === null,
  fn: async () => {
    const application = scratchName("hiku_faults");
    const db = await openDatabase({ url: urlNamed(application), closeTimeoutSeconds: 0.5 });
    const admin = postgres(DATABASE_URL!, { max: 1 });
    try {
      const running = db.query("SELECT pg_sleep(30)");
      const failed = assert.rejects(running, { code: "CONNECTION_DESTROYED" });
      await sleep(200);
      const started = performance.now();
      await db.close();
      const took = performance.now() - started;
      assert.ok(took < 3_000, `close() took ${took.toFixed(0)} ms`);
      await failed;
    } finally {
      await db.close();
      await admin.end({ timeout: 1 });
    }
  },
});

Deno.test("openDatabase needs a finite closeTimeoutSeconds", async () => {
  await assert.rejects(
    openDatabase({ url: null, closeTimeoutSeconds: -1 }),
    new RangeError(
      "openDatabase needs closeTimeoutSeconds to be a finite number of 0 or more: got -1",
    ),
  );
});

Deno.test({
  name: "ids are compared as the key column's type on a server and on PGlite, fused or not",
  fn: async (t) => {
    const targets: { name: string; url: string | null }[] = [{ name: "PGlite", url: null }];
    if (DATABASE_URL !== null) targets.push({ name: "a PostgreSQL server", url: DATABASE_URL });
    const character = table("character", { id: Int, name: Str }, { primaryKey: "id" });
    const actor = table("actor", { id: Int, name: Str, character_id: Int }, {
      primaryKey: "id",
    });
    const characterQuery = FieldsQuery(PG, character);
    const graph = Graph([
      Node("Character", [
        Field("id", null, characterQuery),
        Field("name", null, characterQuery),
        Link(
          "actors",
          Sequence(TypeRef("Actor")),
          LinkQuery(PG, { fromColumn: actor.c.character_id, toColumn: actor.c.id }),
          { requires: "id" },
        ),
      ]),
      Node("Actor", [Field("name", null, FieldsQuery(PG, actor))]),
      Root([
        Link(
          "character",
          TypeRef("Character"),
          (options: { readonly id: string }) => options.id,
          { requires: null, options: [Option("id", ID)] },
        ),
      ]),
    ]);
    for (const target of targets) {
      const db = await openDatabase({
        url: target.url,
        schema: scratchName("hiku_ids"),
        dropSchemaOnClose: true,
      });
      try {
        await db.query("CREATE TABLE character (id int PRIMARY KEY, name text)");
        await db.query("CREATE TABLE actor (id int PRIMARY KEY, name text, character_id int)");
        await db.query("INSERT INTO character VALUES (7, 'Seven of Nine')");
        await db.query("INSERT INTO actor VALUES (1, 'Jeri Ryan', 7)");
        for (const fusion of [false, true]) {
          await t.step(`${target.name}, fusion ${fusion ? "on" : "off"}`, async () => {
            const engine = new Engine(new AsyncExecutor(), { fusion });
            const query = (id: string) =>
              engine.execute(
                graph,
                read(`{ character(id: "${id}") { id name actors { name } } }`),
                { [PG]: db },
              );
            for (const id of ["7", "007", " 7 "]) {
              assert.deepEqual(denormalize(graph, await query(id)), {
                character: { id: 7, name: "Seven of Nine", actors: [{ name: "Jeri Ryan" }] },
              });
            }
            await assert.rejects(query("abc"), (error) => {
              assert.ok(error instanceof LoaderError);
              assert.ok(error.cause instanceof IdTypeError);
              assert.equal(
                error.message,
                `Loader of fields Character.id, Character.name failed: Id "abc" can not be ` +
                  `looked up in column "id" of table "character": expected Int (an integer, ` +
                  "or a string of one in decimal)",
              );
              return true;
            });
          });
        }
      } finally {
        await db.close();
      }
    }
  },
});
