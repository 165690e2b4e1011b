/**
 * One suite of Postgres source behaviours that every client adapter must pass with the same
 * results: postgres.js against a PostgreSQL server, PGlite in the process, and a `queryObject`
 * client. tests/postgres_test.ts runs it once per adapter. Every statement is recorded, so the
 * suite asserts the exact SQL and that it is one statement per node per query path.
 *
 * Every query runs twice: with fusion off (each load its own statement: the cases assert that
 * SQL), then with fusion on (regions of FieldsQuery and LinkQuery loads in one statement), whose
 * result must equal the first one's, as must its error, with no more statements.
 *
 * @module
 */

import assert from "node:assert/strict";
import { AsyncExecutor, denormalize, Engine, LoaderError, read } from "../../mod.ts";
import type { PgClient } from "../../sources/postgres.ts";
import { RecordingClient, type Statement } from "./recording_pg.ts";
import {
  BIG_ID,
  createTables,
  graph,
  HOSTILE_ENTRY,
  HOSTILE_NAME,
  HOSTILE_REGISTRY,
  PG,
} from "./pg_star_trek.ts";

/** How a suite run gets a fresh, empty database, and releases it. */
export interface PgHarness {
  /** Shown in the test name, e.g. "postgres.js on a PostgreSQL server". */
  readonly name: string;
  /** Why the suite can not run here, or `null` when it can. */
  readonly skipReason: string | null;
  /** Opens a fresh, empty database; `close` removes everything the suite created. */
  open(): Promise<{ readonly client: PgClient; close(): Promise<void> }>;
}

interface Run {
  readonly db: RecordingClient;
  readonly harness: PgHarness;
  /** Runs a query unfused, then fused; gives the unfused result (or rejects with its error). */
  query(text: string, variables?: { readonly [name: string]: unknown }): Promise<unknown>;
  /** The statements the unfused run of the last query issued. */
  statements(): Statement[];
  /** The statements the fused run of the last query issued. */
  fusedStatements(): Statement[];
}

const KIRK_ACTORS = [{ name: "William Shatner" }, { name: "Chris Pine" }];
const SPOCK_ACTORS = [{ name: "Leonard Nimoy" }, { name: "Zachary Quinto" }];
const MCCOY_ACTORS = [{ name: "DeForest Kelley" }, { name: "Karl Urban" }];

const CASES: { readonly [name: string]: (run: Run) => Promise<void> } = {
  "the seed's characters with their actors: one statement per node per path": async (run) => {
    assert.deepEqual(await run.query("{ characters { name actors { name } } }"), {
      characters: [
        { name: "James T. Kirk", actors: KIRK_ACTORS },
        { name: "Spock", actors: SPOCK_ACTORS },
        { name: "Leonard McCoy", actors: MCCOY_ACTORS },
      ],
    });
    assert.deepEqual(run.statements(), [
      { text: "SELECT id FROM character ORDER BY id", params: [] },
      {
        text: `SELECT "id", "name" FROM "character" WHERE "id" = ANY($1::int8[])`,
        params: [[1, 2, 3]],
      },
      {
        text:
          `SELECT "character_id", "id" FROM "actor" WHERE "character_id" = ANY($1::int8[]) ORDER BY "id"`,
        params: [[1, 2, 3]],
      },
      {
        text: `SELECT "id", "name" FROM "actor" WHERE "id" = ANY($1::int8[])`,
        params: [[1, 4, 2, 5, 3, 6]],
      },
    ]);
  },

  "the seed's actors with their characters: one statement per node per path": async (run) => {
    assert.deepEqual(await run.query("{ actors { name character { name } } }"), {
      actors: [
        { name: "William Shatner", character: { name: "James T. Kirk" } },
        { name: "Leonard Nimoy", character: { name: "Spock" } },
        { name: "DeForest Kelley", character: { name: "Leonard McCoy" } },
        { name: "Chris Pine", character: { name: "James T. Kirk" } },
        { name: "Zachary Quinto", character: { name: "Spock" } },
        { name: "Karl Urban", character: { name: "Leonard McCoy" } },
      ],
    });
    assert.deepEqual(run.statements(), [
      { text: "SELECT id FROM actor ORDER BY id", params: [] },
      {
        text: `SELECT "id", "name", "character_id" FROM "actor" WHERE "id" = ANY($1::int8[])`,
        params: [[1, 2, 3, 4, 5, 6]],
      },
      {
        text: `SELECT "id", "name" FROM "character" WHERE "id" = ANY($1::int8[])`,
        params: [[1, 2, 3]],
      },
    ]);
  },

  "a Sequence link lists ids by the to-column, or in the order given": async (run) => {
    assert.deepEqual(
      await run.query(`{ characters { id actorsByName { name } } }`),
      {
        characters: [
          { id: 1, actorsByName: [{ name: "William Shatner" }, { name: "Chris Pine" }] },
          { id: 2, actorsByName: [{ name: "Zachary Quinto" }, { name: "Leonard Nimoy" }] },
          { id: 3, actorsByName: [{ name: "Karl Urban" }, { name: "DeForest Kelley" }] },
        ],
      },
    );
    assert.equal(
      run.statements()[2]!.text,
      `SELECT "character_id", "id" FROM "actor" WHERE "character_id" = ANY($1::int8[]) ORDER BY "name" DESC, "id"`,
    );
    assert.deepEqual(
      await run.query(
        `{ ship(registry: "NCC-1701") { officers { name } officersByName { name } } }`,
      ),
      {
        ship: {
          officers: [{ name: "James T. Kirk" }, { name: `Montgomery "Scotty" Scott` }],
          officersByName: [{ name: "James T. Kirk" }, { name: `Montgomery "Scotty" Scott` }],
        },
      },
    );
  },

  "a Sequence link with no rows gives an empty list": async (run) => {
    assert.deepEqual(
      await run.query(`{ ship(registry: "NCC-74656") { name officers { name } } }`),
      {
        ship: { name: "USS Voyager", officers: [] },
      },
    );
  },

  "a TypeRef link gives the one row's id": async (run) => {
    assert.deepEqual(
      await run.query(`{ ship(registry: "NCC-1701-D") { log { Stardate entry } } }`),
      { ship: { log: { Stardate: "41153.7", entry: "Encounter at Farpoint" } } },
    );
    assert.deepEqual(run.statements().map((s) => s.text), [
      // Text keys are joined to the ids with their positions: Postgres matches rows to them.
      `WITH "typed" AS (SELECT FROM "ship" WHERE "registry" = ANY($1)) SELECT "k"."i"::int4 AS "at", "t"."registry" FROM unnest($1) WITH ORDINALITY AS "k"("v", "i") JOIN "ship" AS "t" ON "t"."registry" = "k"."v"`,
      `WITH "typed" AS (SELECT FROM "captain's ""log""; --" WHERE "ship_registry" = ANY($1)) SELECT "k"."i"::int4 AS "at", "t"."id" FROM unnest($1) WITH ORDINALITY AS "k"("v", "i") JOIN "captain's ""log""; --" AS "t" ON "t"."ship_registry" = "k"."v"`,
      `SELECT "id", "Stardate", "entry" FROM "captain's ""log""; --" WHERE "id" = ANY($1::int8[])`,
    ]);
  },

  "a TypeRef link whose row is missing fails naming table, column and id": async (run) => {
    await assert.rejects(run.query(`{ ships { registry log { entry } } }`), (error) => {
      assert.ok(error instanceof LoaderError);
      assert.equal(
        error.message,
        `Loader of link Ship.log failed: Link "log" needs exactly one row in table ` +
          `"captain's ""log""; --" where "ship_registry" = "NCC-74656": found none`,
      );
      return true;
    });
  },

  "a TypeRef or Optional link with several rows fails naming table, column and id": async (
    run,
  ) => {
    await assert.rejects(
      run.query(`{ ship(registry: "NCC-1701") { onlyOfficer { name } } }`),
      {
        message: `Loader of link Ship.onlyOfficer failed: Link "onlyOfficer" needs exactly one ` +
          `row in table "officer" where "ship_registry" = "NCC-1701": found 2`,
      },
    );
    await assert.rejects(
      run.query(`{ ship(registry: "NCC-1701") { maybeOfficer { name } } }`),
      {
        message: `Loader of link Ship.maybeOfficer failed: Link "maybeOfficer" needs at most ` +
          `one row in table "officer" where "ship_registry" = "NCC-1701": found 2`,
      },
    );
  },

  "an Optional link gives null when there is no row": async (run) => {
    assert.deepEqual(await run.query(`{ ships { registry maybeLog { Stardate } } }`), {
      ships: [
        { registry: "NCC-1701", maybeLog: { Stardate: "1312.4" } },
        { registry: "NCC-1701-D", maybeLog: { Stardate: "41153.7" } },
        { registry: "NCC-74656", maybeLog: null },
        { registry: HOSTILE_REGISTRY, maybeLog: { Stardate: "-" } },
      ],
    });
  },

  "missing rows give null fields": async (run) => {
    assert.deepEqual(await run.query(`{ ship(registry: "NCC-9999") { registry name } }`), {
      ship: { registry: null, name: null },
    });
  },

  "null required values are not looked up, and no values means no statement": async (run) => {
    assert.deepEqual(await run.query(`{ officer(id: "99") { name log { entry } } }`), {
      officer: { name: "Q", log: null },
    });
    assert.deepEqual(run.statements(), [{
      text:
        `WITH "typed" AS (SELECT FROM "officer" WHERE "id" = ANY($1)) SELECT "k"."i"::int4 AS "at", "t"."id", "t"."name", "t"."ship_registry" FROM unnest($1) WITH ORDINALITY AS "k"("v", "i") JOIN "officer" AS "t" ON "t"."id" = "k"."v"`,
      params: [["99"]],
    }]);
  },

  "text ids load fields and links": async (run) => {
    assert.deepEqual(
      await run.query(`{ ships { registry officers { name ship { name } } } }`),
      {
        ships: [
          {
            registry: "NCC-1701",
            officers: [
              { name: "James T. Kirk", ship: { name: "USS Enterprise" } },
              { name: `Montgomery "Scotty" Scott`, ship: { name: "USS Enterprise" } },
            ],
          },
          {
            registry: "NCC-1701-D",
            officers: [{ name: "Jean-Luc Picard", ship: { name: "USS Enterprise (NCC-1701-D)" } }],
          },
          { registry: "NCC-74656", officers: [] },
          {
            registry: HOSTILE_REGISTRY,
            officers: [{ name: "Jonathan Archer", ship: { name: HOSTILE_NAME } }],
          },
        ],
      },
    );
  },

  // The id column is an ID: however the driver returns int8, results carry it as a string.
  "bigint ids load rows whether given as strings or bigints": async (run) => {
    assert.deepEqual(await run.query(`{ officer(id: "${BIG_ID}") { id name ship { name } } }`), {
      officer: {
        id: BIG_ID,
        name: "Jean-Luc Picard",
        ship: { name: "USS Enterprise (NCC-1701-D)" },
      },
    });
    assert.deepEqual(await run.query(`{ bigintOfficers { id name } }`), {
      bigintOfficers: [
        { id: BIG_ID, name: "Jean-Luc Picard" },
        { id: "1", name: "James T. Kirk" },
      ],
    });
    assert.deepEqual(
      await run.query(`{ ship(registry: "NCC-1701-D") { officers { id name } } }`),
      { ship: { officers: [{ id: BIG_ID, name: "Jean-Luc Picard" }] } },
    );
  },

  "hostile values are stored, bound and read back unchanged": async (run) => {
    const query =
      `query ($registry: String!) { ship(registry: $registry) { registry name log { entry } } }`;
    assert.deepEqual(await run.query(query, { registry: HOSTILE_REGISTRY }), {
      ship: { registry: HOSTILE_REGISTRY, name: HOSTILE_NAME, log: { entry: HOSTILE_ENTRY } },
    });
    const statements = run.statements();
    assert.deepEqual(statements[0], {
      text:
        `WITH "typed" AS (SELECT FROM "ship" WHERE "registry" = ANY($1)) SELECT "k"."i"::int4 AS "at", "t"."registry", "t"."name" FROM unnest($1) WITH ORDINALITY AS "k"("v", "i") JOIN "ship" AS "t" ON "t"."registry" = "k"."v"`,
      params: [[HOSTILE_REGISTRY]],
    });
    for (const statement of statements) {
      assert.ok(!statement.text.includes("DROP"), statement.text);
    }
  },

  "a table that does not exist gives an error naming it": async (run) => {
    await assert.rejects(run.query("{ starships { name } }"), (error) => {
      assert.ok(error instanceof LoaderError);
      assert.equal(
        error.message,
        `Loader of field Starship.name failed: Query on table "starship" failed: ` +
          `relation "starship" does not exist ` +
          `(SQL: SELECT "id", "name" FROM "starship" WHERE "id" = ANY($1::int8[]))`,
      );
      assert.equal((error.cause as Error).name, "PostgresQueryError");
      return true;
    });
  },

  "a column that does not exist gives an error naming it": async (run) => {
    await assert.rejects(run.query("{ ghosts { rank } }"), {
      message: `Loader of field Ghost.rank failed: Query on table "character" failed: ` +
        `column "rank" does not exist ` +
        `(SQL: SELECT "id", "rank" FROM "character" WHERE "id" = ANY($1::int8[]))`,
    });
  },

  "a field that is not a column of the table gives an error naming both": async (run) => {
    await assert.rejects(run.query("{ ghosts { mood } }"), {
      message: `Loader of field Ghost.mood failed: Field "mood" is not a column of table ` +
        `"character": columns are "id", "rank"`,
    });
    assert.deepEqual(run.statements(), []);
  },
};

/**
 * Registers the suite for one adapter: one test whose steps are the cases, against one fresh
 * database that is removed at the end, whether the cases pass or fail.
 *
 * @param harness How to open the database.
 */
export function pgSuite(harness: PgHarness): void {
  Deno.test({
    name: `Postgres sources through ${harness.name}${
      harness.skipReason === null ? "" : ` (${harness.skipReason})`
    }`,
    ignore: harness.skipReason !== null,
    fn: async (t) => {
      const { client, close } = await harness.open();
      try {
        await createTables(client);
        const db = new RecordingClient(client);
        const unfused = new Engine(new AsyncExecutor(), { fusion: false });
        const fused = new Engine(new AsyncExecutor(), { fusion: true });
        let unfusedStatements: Statement[] = [];
        let fusedStatements: Statement[] = [];
        const outcome = async (engine: Engine, text: string, variables: unknown) => {
          const query = read(text, { variables: (variables ?? null) as null });
          try {
            return { data: denormalize(graph, await engine.execute(graph, query, { [PG]: db })) };
          } catch (error) {
            return { error };
          }
        };
        const run: Run = {
          db,
          harness,
          async query(text, variables) {
            db.take();
            const plain = await outcome(unfused, text, variables);
            unfusedStatements = db.take();
            const joined = await outcome(fused, text, variables);
            fusedStatements = db.take();
            sameOutcome(plain, joined, text);
            assert.ok(
              fusedStatements.length <= unfusedStatements.length,
              `fused: ${fusedStatements.length} statements, unfused: ${unfusedStatements.length}`,
            );
            if ("error" in plain) throw plain.error;
            return plain.data;
          },
          statements: () => {
            const out = unfusedStatements;
            unfusedStatements = [];
            return out;
          },
          fusedStatements: () => fusedStatements,
        };
        for (const [name, fn] of Object.entries(CASES)) {
          await t.step(name, () => fn(run));
        }
      } finally {
        await close();
      }
    },
  });
}

/**
 * The fused run must answer as the unfused one did: the same data, or an error of the same
 * class with the same message (a failed statement's SQL aside, which differs by design).
 */
function sameOutcome(
  plain: { readonly data: unknown } | { readonly error: unknown },
  joined: { readonly data: unknown } | { readonly error: unknown },
  text: string,
): void {
  if ("data" in plain) {
    assert.ok(
      "data" in joined,
      `fused run of ${text} failed: ${"error" in joined && joined.error}`,
    );
    assert.deepEqual(joined.data, plain.data, `fused run of ${text}`);
    return;
  }
  assert.ok("error" in joined, `fused run of ${text} did not fail`);
  const a = plain.error as Error;
  const b = joined.error as Error;
  assert.equal(b.name, a.name, `fused run of ${text}`);
  const cause = (e: Error) => e.cause instanceof Error ? e.cause : e;
  const inner = (e: Error): Error => {
    let current = e;
    for (let i = 0; i < 4 && current.cause instanceof Error; i++) current = current.cause;
    return current;
  };
  assert.equal(inner(b).name, inner(a).name, `fused run of ${text}`);
  if (cause(a).name !== "PostgresQueryError") {
    assert.equal(b.message, a.message, `fused run of ${text}`);
  } else {
    assert.equal(inner(b).message, inner(a).message, `fused run of ${text}`);
  }
}
