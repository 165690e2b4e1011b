/**
 * Workload W2 (DESIGN §4): the seed's schema scaled up to 1,000 characters and 5,000 actors (5
 * per character), and the seed's two queries, `{ characters { name actors { name } } }` and
 * `{ actors { name character { name } } }`.
 *
 * Measures, per driver, the whole query (hiku-ts: engine, loaders, row mapping, denormalize):
 * - fused: examples/server.ts's graph (ListQuery at the root, FieldsQuery and LinkQuery below)
 *   served by a `Schema` (as the HTTP endpoint serves it: `schema.execute`, whose `data` is built
 *   from the statement's rows in one pass), each query ONE statement, against the baseline: ONE
 *   hand-written statement (a join) whose rows are grouped into the same JSON with plain loops
 *   (the bar: within 1.2x);
 * - unfused: the seed's graph (examples/star_trek.ts) with fusion off, one statement per node per
 *   path (4 and 3), against the same statements issued by hand.
 * Before timing it checks that all give equal results and the statement counts, and prints the
 * fused pairs' medians over alternating rounds (the bar's figure; `deno bench`'s table gives
 * means, one group after the other).
 *
 * Drivers: PGlite always; postgres.js too when DATABASE_URL names a server. The tables are
 * temporary (one connection), so nothing is left behind on the server. Two more pairs replay the
 * rows PGlite returned, to show hiku-ts's own cost (planning, row mapping, denormalize) against
 * the hand-written loops without the database's noise: fused against the loop over the one join,
 * and unfused against the loops over the same statements.
 *
 * ```sh
 * deno bench -A bench/postgres_bench.ts
 * DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres deno bench -A bench/postgres_bench.ts
 * ```
 *
 * @module
 */

import assert from "node:assert/strict";
import { AsyncExecutor, denormalize, Engine, read, Schema } from "../mod.ts";
import { graph, PG } from "../examples/star_trek.ts";
import { graph as fusedGraph } from "../examples/server.ts";
import { type Database, openDatabase, type PgClient, type PgRow } from "../sources/postgres.ts";

const CHARACTERS = 1_000;
const ACTORS_PER_CHARACTER = 5;
const SPECIES = ["Human", "Vulcan", "Klingon", "Andorian", "Betazoid"];

const CHARACTERS_TEXT = "{ characters { name actors { name } } }";
const ACTORS_TEXT = "{ actors { name character { name } } }";
const CHARACTERS_QUERY = read(CHARACTERS_TEXT);
const ACTORS_QUERY = read(ACTORS_TEXT);

const engine = new Engine(new AsyncExecutor(), { fusion: false });
const schema = new Schema({ query: fusedGraph, executor: new AsyncExecutor() });

// Fixed counts, with warm-up long enough for the JIT and the previous group's garbage to settle.
const DATABASE_RUNS = { warmup: 20, n: 100 } as const;
const REPLAY_RUNS = { warmup: 300, n: 1_000 } as const;

async function fill(db: PgClient): Promise<void> {
  await db.query("CREATE TEMP TABLE character (id integer PRIMARY KEY, name text, species text)");
  await db.query(
    "CREATE TEMP TABLE actor (id integer PRIMARY KEY, name text, " +
      "character_id integer NOT NULL REFERENCES character (id))",
  );
  const ids = Array.from({ length: CHARACTERS }, (_, i) => i + 1);
  await db.query(
    "INSERT INTO character (id, name, species) " +
      "SELECT * FROM unnest($1::int[], $2::text[], $3::text[])",
    [ids, ids.map((id) => `Character ${id}`), ids.map((id) => SPECIES[id % SPECIES.length])],
  );
  const actorIds = Array.from({ length: CHARACTERS * ACTORS_PER_CHARACTER }, (_, i) => i + 1);
  await db.query(
    "INSERT INTO actor (id, name, character_id) " +
      "SELECT * FROM unnest($1::int[], $2::text[], $3::int[])",
    [
      actorIds,
      actorIds.map((id) => `Actor ${id}`),
      actorIds.map((id) => (id - 1) % CHARACTERS + 1),
    ],
  );
  await db.query("ANALYZE character");
  await db.query("ANALYZE actor");
}

async function hiku(db: PgClient, query: typeof CHARACTERS_QUERY): Promise<unknown> {
  return denormalize(graph, await engine.execute(graph, query, { [PG]: db }));
}

async function hikuFused(db: PgClient, query: string): Promise<unknown> {
  const response = await schema.execute({ query, context: { [PG]: db } });
  if (response.errors !== undefined) throw new Error(JSON.stringify(response.errors));
  return response.data;
}

/** ONE statement by hand: `{ characters { name actors { name } } }` from a join. */
async function charactersInOne(db: PgClient): Promise<unknown> {
  const rows = await db.query(
    `SELECT c.id, c.name, a.name AS actor FROM character c ` +
      `LEFT JOIN actor a ON a.character_id = c.id ORDER BY c.id, a.id`,
  );
  const characters: { name: unknown; actors: { name: unknown }[] }[] = [];
  let last: unknown = undefined;
  let current: { name: unknown; actors: { name: unknown }[] } | null = null;
  for (const row of rows) {
    if (row.id !== last) {
      last = row.id;
      current = { name: row.name, actors: [] };
      characters.push(current);
    }
    if (row.actor !== null) current!.actors.push({ name: row.actor });
  }
  return { characters };
}

/** ONE statement by hand: `{ actors { name character { name } } }` from a join. */
async function actorsInOne(db: PgClient): Promise<unknown> {
  const rows = await db.query(
    `SELECT a.name, c.name AS character FROM actor a ` +
      `JOIN character c ON c.id = a.character_id ORDER BY a.id`,
  );
  const actors = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    actors[r] = { name: row.name, character: { name: row.character } };
  }
  return { actors };
}

/** The same four statements as hiku-ts, by hand: `{ characters { name actors { name } } }`. */
async function charactersByHand(db: PgClient): Promise<unknown> {
  const ids = (await db.query("SELECT id FROM character ORDER BY id")).map((r) => r.id);
  const [characterRows, linkRows] = await Promise.all([
    db.query(`SELECT "id", "name" FROM "character" WHERE "id" = ANY($1::int8[])`, [ids]),
    db.query(
      `SELECT "character_id", "id" FROM "actor" WHERE "character_id" = ANY($1::int8[]) ` +
        `ORDER BY "id"`,
      [ids],
    ),
  ]);
  const nameOf = new Map<unknown, unknown>();
  for (const row of characterRows) nameOf.set(row.id, row.name);
  const actorsOf = new Map<unknown, unknown[]>();
  for (const row of linkRows) {
    const list = actorsOf.get(row.character_id);
    if (list === undefined) actorsOf.set(row.character_id, [row.id]);
    else list.push(row.id);
  }
  const actorIds: unknown[] = [];
  for (const id of ids) for (const actorId of actorsOf.get(id) ?? []) actorIds.push(actorId);
  const actorRows = await db.query(
    `SELECT "id", "name" FROM "actor" WHERE "id" = ANY($1::int8[])`,
    [
      actorIds,
    ],
  );
  const actorName = new Map<unknown, unknown>();
  for (const row of actorRows) actorName.set(row.id, row.name);
  const characters = [];
  for (const id of ids) {
    const actors = [];
    for (const actorId of actorsOf.get(id) ?? []) actors.push({ name: actorName.get(actorId) });
    characters.push({ name: nameOf.get(id), actors });
  }
  return { characters };
}

/** The same three statements as hiku-ts, by hand: `{ actors { name character { name } } }`. */
async function actorsByHand(db: PgClient): Promise<unknown> {
  const ids = (await db.query("SELECT id FROM actor ORDER BY id")).map((r) => r.id);
  const actorRows = await db.query(
    `SELECT "id", "name", "character_id" FROM "actor" WHERE "id" = ANY($1::int8[])`,
    [ids],
  );
  const actorOf = new Map<unknown, { name: unknown; character_id: unknown }>();
  const characterIds: unknown[] = [];
  const seen = new Set<unknown>();
  for (const row of actorRows) {
    actorOf.set(row.id, { name: row.name, character_id: row.character_id });
  }
  for (const id of ids) {
    const characterId = actorOf.get(id)!.character_id;
    if (!seen.has(characterId)) {
      seen.add(characterId);
      characterIds.push(characterId);
    }
  }
  const characterRows = await db.query(
    `SELECT "id", "name" FROM "character" WHERE "id" = ANY($1::int8[])`,
    [characterIds],
  );
  const nameOf = new Map<unknown, unknown>();
  for (const row of characterRows) nameOf.set(row.id, row.name);
  const actors = [];
  for (const id of ids) {
    const actor = actorOf.get(id)!;
    actors.push({ name: actor.name, character: { name: nameOf.get(actor.character_id) } });
  }
  return { actors };
}

/** The rows the database gave each statement once, as objects and (fused ones) as arrays. */
interface Recorded {
  readonly objects: Map<string, readonly PgRow[]>;
  readonly arrays: Map<string, readonly (readonly unknown[])[]>;
}

/**
 * Answers each statement with the rows the database gave it once: hiku-ts's own cost (planning,
 * row mapping, denormalize) against the hand-written loops, without the database's noise.
 */
function replaying(recorded: Recorded): PgClient {
  const replay = <T>(rows: T | undefined, text: string): Promise<T> =>
    rows === undefined
      ? Promise.reject(new Error(`No rows recorded for: ${text}`))
      : Promise.resolve(rows);
  return {
    query: (text: string) => replay(recorded.objects.get(text), text),
    queryArrays: (text: string) => replay(recorded.arrays.get(text), text),
  };
}

/** Checks equal results and the statement counts, then registers the benches for one driver. */
async function register(label: string, db: Database): Promise<void> {
  await fill(db);
  let statements = 0;
  const recorded: Recorded = { objects: new Map(), arrays: new Map() };
  const counting: PgClient = {
    async query(text: string, params?: readonly unknown[]): Promise<readonly PgRow[]> {
      statements++;
      const rows = await db.query(text, params);
      recorded.objects.set(text, rows);
      return rows;
    },
    async queryArrays(text: string, params?: readonly unknown[]) {
      statements++;
      const rows = await db.queryArrays!(text, params);
      recorded.arrays.set(text, rows);
      return rows;
    },
  };
  const replay = replaying(recorded);
  const cases = [
    {
      name: "characters with actors",
      query: CHARACTERS_QUERY,
      text: CHARACTERS_TEXT,
      byHand: charactersByHand,
      inOne: charactersInOne,
      n: 4,
    },
    {
      name: "actors with characters",
      query: ACTORS_QUERY,
      text: ACTORS_TEXT,
      byHand: actorsByHand,
      inOne: actorsInOne,
      n: 3,
    },
  ];
  for (const { name, query, text, byHand, inOne, n } of cases) {
    const expected = await byHand(db);
    assert.deepEqual(await inOne(counting), expected, `${label}: ${name}: one statement by hand`);
    statements = 0;
    assert.deepEqual(await hikuFused(counting, text), expected, `${label}: ${name}: fused`);
    assert.equal(statements, 1, `${label}: ${name}: fused statements`);
    console.log(`${label}, ${name}: ${statements} statement per query, fused`);
    await alternating(
      `W2 ${name}, one statement (${label})`,
      () => inOne(db),
      () => hikuFused(db, text),
    );
    pair(`W2 ${name}, one statement (${label})`, DATABASE_RUNS, [
      "one statement by hand",
      () => inOne(db),
    ], ["hiku-ts, fused", () => hikuFused(db, text)]);
    statements = 0;
    assert.deepEqual(await hiku(counting, query), expected, `${label}: ${name}`);
    assert.equal(statements, n, `${label}: ${name}: statements`);
    assert.deepEqual(await byHand(replay), expected, `${label}: ${name}: replayed by hand`);
    assert.deepEqual(await hiku(replay, query), expected, `${label}: ${name}: replayed`);
    console.log(
      `${label}, ${name}: ${statements} statements per query unfused (one per node per path)`,
    );
    pair(`W2 ${name}, unfused (${label})`, DATABASE_RUNS, [
      "same statements by hand",
      () => byHand(db),
    ], ["hiku-ts", () => hiku(db, query)]);
    if (label !== "PGlite") continue;
    assert.deepEqual(await inOne(replay), expected, `${label}: ${name}: one statement replayed`);
    assert.deepEqual(await hikuFused(replay, text), expected, `${label}: ${name}: fused replayed`);
    pair(`W2 ${name}, one statement (rows replayed, no database)`, REPLAY_RUNS, [
      "hand-written loop over the join",
      () => inOne(replay),
    ], ["hiku-ts, fused", () => hikuFused(replay, text)]);
    pair(`W2 ${name}, unfused (rows replayed, no database)`, REPLAY_RUNS, [
      "hand-written loops",
      () => byHand(replay),
    ], ["hiku-ts", () => hiku(replay, query)]);
  }
}

/** Rounds of {@linkcode alternating}, after as many again to warm up. */
const ALTERNATING_ROUNDS = 100;

/**
 * Times a baseline and a contender in alternating rounds (the order swapped each round, so that
 * the machine's noise and the garbage each leaves fall on both alike) and prints their medians and
 * quartiles: the bar's figure. `deno bench`'s groups below run one after the other and report
 * means, which a few collections of tens of milliseconds move.
 */
async function alternating(
  group: string,
  baseline: () => Promise<unknown>,
  contender: () => Promise<unknown>,
): Promise<void> {
  const times: [number[], number[]] = [[], []];
  const runs = [baseline, contender] as const;
  for (let round = 0; round < 2 * ALTERNATING_ROUNDS; round++) {
    for (const k of round % 2 === 0 ? [0, 1] : [1, 0]) {
      const start = performance.now();
      await runs[k]!();
      if (round >= ALTERNATING_ROUNDS) times[k]!.push(performance.now() - start);
    }
  }
  const at = (xs: number[], q: number) => xs.sort((a, b) => a - b)[Math.floor(xs.length * q)]!;
  const show = (xs: number[]) =>
    `median ${at(xs, 0.5).toFixed(2)} ms (quartiles ${at(xs, 0.25).toFixed(2)}, ${
      at(xs, 0.75).toFixed(2)
    })`;
  console.log(
    `${group}, ${ALTERNATING_ROUNDS} alternating rounds: one statement by hand ${
      show(times[0])
    }; hiku-ts, fused ${show(times[1])}: ${
      (at(times[1], 0.5) / at(times[0], 0.5)).toFixed(2)
    }x (bar: within 1.2x)`,
  );
}

/** Registers a baseline and a contender in one group. */
function pair(
  group: string,
  runs: { readonly warmup: number; readonly n: number },
  baseline: readonly [string, () => Promise<unknown>],
  contender: readonly [string, () => Promise<unknown>],
): void {
  for (const [[name, run], isBaseline] of [[baseline, true], [contender, false]] as const) {
    Deno.bench({ name, group, baseline: isBaseline, ...runs, fn: async () => void await run() });
  }
}

await register("PGlite", await openDatabase({ url: null }));
const url = Deno.env.get("DATABASE_URL");
if (url) await register("postgres.js", await openDatabase({ url, max: 1 }));
