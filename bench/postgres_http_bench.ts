/**
 * Workload W4 (DESIGN §4): GraphQL over HTTP on a real PostgreSQL server. The seed's schema
 * (character, actor) scaled to 100 characters with 5 actors each, in a schema of its own that the
 * run creates and drops, is served by three servers on `Deno.serve`, each in its own process
 * (bench/_postgres_http_server.ts) with its own postgres.js pool of 10 connections:
 *
 * - hiku-ts: examples/server.ts's graph in a `Schema` behind `graphqlHandler` (default limits,
 *   time limit, cancellation and error masking on), context `{ [PG]: postgresJs(sql) }`;
 * - graphql-js 17 + DataLoader at its best: full rows, priming, prepared statements, per-request
 *   loaders, documents parsed and validated once per query text;
 * - hand-written: one prepared statement (a LEFT JOIN) per request, rows grouped in a loop,
 *   `JSON.stringify`: the floor.
 *
 * Two queries, each measured as a group of its own: the seed's
 * `{ characters { name actors { name } } }` and the three-level
 * `{ characters { name actors { name character { name } } } }`.
 *
 * Before timing, for each query, the run checks that every server answers with the same bytes,
 * which it builds by hand from the data it inserted, and counts the statements one request costs
 * each server (each counts what it sends to the database; GET /stats). Then every server gets a
 * warm-up, its memory is read (after a garbage collection), and the load runs in ALTERNATING
 * rounds: each round gives every server `W4_SECONDS` of 32 concurrent clients (closed loop,
 * bench/_http_load.ts, in this process), the order rotating from round to round, so that the
 * machine's noise falls on all of them alike. Then its memory is read again.
 *
 * Reported per query and server: requests per second (the median of the rounds, with the
 * rounds' range), latency p50 and p99 (medians of the rounds), failed requests (a request fails
 * when it throws, or its status or body is wrong), statements per request (one request, and the
 * whole load), CPU time per request of the server process and of its connections' Postgres
 * backends (medians of the rounds, read from /proc; "n/a" when the server is not on this
 * machine), the server's garbage-collection pauses per request and its old-generation
 * collections per 1,000 requests (medians of the rounds, read from the `--trace-gc` lines each
 * server prints), RSS and V8 heap before and after. Then the ratios of the medians against the
 * bars: hiku-ts at least 1.5x graphql-js, at least 0.75x the hand-written server, and its p99
 * below graphql-js's. A missed bar is printed, not fatal; a failed request fails the run.
 *
 * `DATABASE_URL` is required (the run stops at once without it). `W4_SECONDS` (default 10) is the
 * time per server per round, `W4_ROUNDS` (default 5) the number of rounds. `W4_PROFILE=hiku-ts`
 * (or another server's name) runs that server with `--cpu-prof` and prints where the profile is.
 *
 * ```sh
 * DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres deno run -A bench/postgres_http_bench.ts
 * DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres W4_SECONDS=2 W4_ROUNDS=3 \
 *   deno run -A bench/postgres_http_bench.ts                                    # a quick run
 * ```
 *
 * @module
 */

import { type LoadReport, runLoad } from "./_http_load.ts";
import { applicationName, POOL_SIZE, QUERIES } from "./_postgres_http_server.ts";
import { openDatabase, type PgClient } from "../sources/postgres.ts";

const DATABASE_URL = Deno.env.get("DATABASE_URL") ?? "";
const SECONDS = Number(Deno.env.get("W4_SECONDS") ?? "10");
const ROUNDS = Number(Deno.env.get("W4_ROUNDS") ?? "5");
const PROFILE = Deno.env.get("W4_PROFILE") ?? "";
const WARMUP_SECONDS = Math.min(5, Math.max(1, SECONDS / 2));
const CONCURRENCY = 32;
const CHARACTERS = 100;
const ACTORS_PER_CHARACTER = 5;
const SPECIES = ["Human", "Vulcan", "Klingon", "Andorian", "Betazoid"];
const CONTENDERS = ["hiku-ts", "graphql-js", "hand-written"] as const;
type Contender = typeof CONTENDERS[number];

const BARS = { overGraphqlJs: 1.5, overHandWritten: 0.75 } as const;

/** What fails the run: failed requests, servers that die. Missed bars do not. */
const failures: string[] = [];

// The data ---------------------------------------------------------------------------------------

interface Data {
  readonly characters: readonly { id: number; name: string; species: string }[];
  /** Actor ids are dealt round-robin, so a character's actors are not adjacent ids. */
  readonly actors: readonly { id: number; name: string; character_id: number }[];
}

function makeData(): Data {
  const characters = Array.from({ length: CHARACTERS }, (_, i) => ({
    id: i + 1,
    name: `Character ${i + 1}`,
    species: SPECIES[i % SPECIES.length]!,
  }));
  const actors = Array.from({ length: CHARACTERS * ACTORS_PER_CHARACTER }, (_, i) => ({
    id: i + 1,
    name: `Actor ${i + 1}`,
    character_id: i % CHARACTERS + 1,
  }));
  return { characters, actors };
}

/** The seed's tables (as examples/star_trek.ts's `setUpDatabase` makes them), filled with `data`. */
async function fill(db: PgClient, data: Data): Promise<void> {
  await db.query("CREATE TABLE character (id integer PRIMARY KEY, name text, species text)");
  await db.query(
    "CREATE TABLE actor (id integer PRIMARY KEY, name text, " +
      "character_id integer NOT NULL REFERENCES character (id))",
  );
  const { characters, actors } = data;
  await db.query(
    "INSERT INTO character (id, name, species) " +
      "SELECT * FROM unnest($1::int[], $2::text[], $3::text[])",
    [characters.map((c) => c.id), characters.map((c) => c.name), characters.map((c) => c.species)],
  );
  await db.query(
    "INSERT INTO actor (id, name, character_id) " +
      "SELECT * FROM unnest($1::int[], $2::text[], $3::int[])",
    [actors.map((a) => a.id), actors.map((a) => a.name), actors.map((a) => a.character_id)],
  );
  await db.query("ANALYZE character");
  await db.query("ANALYZE actor");
}

/** The responses every server must send, byte for byte, built from the data by hand. */
function expectedResponses(data: Data): { readonly [query: string]: string } {
  const byCharacter = new Map<number, Data["actors"][number][]>();
  for (const actor of [...data.actors].sort((a, b) => a.id - b.id)) {
    const list = byCharacter.get(actor.character_id) ?? [];
    list.push(actor);
    byCharacter.set(actor.character_id, list);
  }
  const nameOf = new Map(data.characters.map((c) => [c.id, c.name]));
  const characters = [...data.characters].sort((a, b) => a.id - b.id);
  const actors = characters.map((c) => ({
    name: c.name,
    actors: (byCharacter.get(c.id) ?? []).map((a) => ({ name: a.name })),
  }));
  const threeLevels = characters.map((c) => ({
    name: c.name,
    actors: (byCharacter.get(c.id) ?? []).map((a) => ({
      name: a.name,
      character: { name: nameOf.get(a.character_id)! },
    })),
  }));
  return {
    [QUERIES.actors]: JSON.stringify({ data: { characters: actors } }),
    [QUERIES.threeLevels]: JSON.stringify({ data: { characters: threeLevels } }),
  };
}

// The servers ----------------------------------------------------------------------------------

interface Memory {
  readonly rss: number;
  readonly heapUsed: number;
}

interface Stats {
  readonly requests: number;
  readonly statements: number;
}

/** A contender's server process, started and ready. */
class ServerProcess implements AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly name: Contender;
  readonly url: string;
  readonly #gc: GcTotals = { pauseMs: 0, major: 0 };

  private constructor(child: Deno.ChildProcess, name: Contender, url: string) {
    this.#child = child;
    this.name = name;
    this.url = url;
  }

  /** The garbage collector's pauses in this process so far (from its `--trace-gc` lines). */
  gc(): GcTotals {
    return { ...this.#gc };
  }

  /** Reads the process's `--trace-gc` lines (its standard output) until it exits. */
  async #countGc(lines: ReadableStreamDefaultReader<string>, text: string): Promise<void> {
    for (;;) {
      let end: number;
      while ((end = text.indexOf("\n")) >= 0) {
        countGcLine(text.slice(0, end), this.#gc);
        text = text.slice(end + 1);
      }
      const { done, value } = await lines.read();
      if (done) return;
      text += value;
    }
  }

  static async start(
    name: Contender,
    schema: string,
    profileDir: string | null,
  ): Promise<ServerProcess> {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        // Every collection prints a line, which the bench reads to count the pauses.
        "--v8-flags=--expose-gc,--trace-gc",
        // Deno's coming request.signal behaviour, which graphqlHandler reads; without it Deno
        // prints a notice.
        "--unstable-no-legacy-abort",
        ...(profileDir === null ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`]),
        new URL("./_postgres_http_server.ts", import.meta.url).href,
        name,
        schema,
      ],
      cwd: new URL("..", import.meta.url),
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    for (;;) {
      const { done, value } = await lines.read();
      if (done) throw new Error(`Server ${name} exited before listening: ${text}`);
      text += value;
      const match = /Listening on (\S+)\n/.exec(text);
      if (match !== null) {
        // The rest of the output is the garbage collector's trace.
        const server = new ServerProcess(child, name, match[1]!);
        server.#countGc(lines, text.slice(match.index + match[0].length)).catch(() => {});
        return server;
      }
    }
  }

  /** The server process's id. */
  get pid(): number {
    return this.#child.pid;
  }

  async memory(): Promise<Memory> {
    const usage = await (await fetch(`${this.url}/memory`)).json() as Memory;
    return { rss: usage.rss, heapUsed: usage.heapUsed };
  }

  async stats(): Promise<Stats> {
    return await (await fetch(`${this.url}/stats`)).json() as Stats;
  }

  /** Stops the server; one that had already died, or fails to stop, fails the run. */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.#child.kill("SIGTERM");
    } catch {
      // It has exited already: its status says how.
    }
    const status = await this.#child.status;
    if (!status.success) {
      failures.push(`server ${this.name} exited with ${status.signal ?? `code ${status.code}`}`);
    }
  }
}

/** A process's garbage collection so far: pause time, and old-generation collections. */
interface GcTotals {
  pauseMs: number;
  major: number;
}

/**
 * Adds one `--trace-gc` line to the totals, e.g. `[1:0x5] 4688 ms: Scavenge 49.2 (82.8) -> 22.8
 * (82.8) MB, pooled: 0.0 MB, 0.24 / 0.00 ms (average mu ...` or `... Incremental Mark-Compact
 * ... 4.73 / 0.00 ms (+ 4.6 ms in 126 steps ...`: the pause, plus the incremental steps before it.
 */
function countGcLine(line: string, totals: GcTotals): void {
  const match =
    / ms: (.+?) \d[\d.]* \([\d.]+\) -> .*?, ([\d.]+) \/ [\d.]+ ms(?: \(\+ ([\d.]+) ms in)?/
      .exec(line);
  if (match === null) return;
  totals.pauseMs += Number(match[2]) + (match[3] === undefined ? 0 : Number(match[3]));
  if (!/Scavenge|Minor/.test(match[1]!)) totals.major++;
}

function post(query: string): RequestInit {
  return {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json",
    },
    body: JSON.stringify({ query }),
  };
}

// Measuring --------------------------------------------------------------------------------------

/**
 * CPU time (user and system) a process has used, in microseconds, from /proc; `null` where there
 * is no /proc or the process is not on this machine. Linux counts it in ticks of 1/100 s.
 */
function cpuMicros(pid: number): number | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return null;
  }
}

/** Reads the CPU time of a server process and of its connections' Postgres backends. */
class CpuClock {
  readonly #db: PgClient;
  readonly #server: ServerProcess;

  constructor(db: PgClient, server: ServerProcess) {
    this.#db = db;
    this.#server = server;
  }

  async read(): Promise<{ readonly server: number | null; readonly postgres: number | null }> {
    const backends = await this.#db.query(
      "SELECT pid FROM pg_stat_activity WHERE application_name = $1",
      [applicationName(this.#server.name)],
    );
    let postgres: number | null = backends.length === 0 ? null : 0;
    for (const { pid } of backends) {
      const micros = cpuMicros(pid as number);
      postgres = postgres === null || micros === null ? null : postgres + micros;
    }
    return { server: cpuMicros(this.#server.pid), postgres };
  }
}

/** One server's share of one round. */
interface Round {
  readonly load: LoadReport;
  /** CPU microseconds per correct response: the server process's, and its Postgres backends'. */
  readonly serverCpu: number | null;
  readonly postgresCpu: number | null;
  /** The server's garbage-collection pauses, in microseconds per correct response. */
  readonly gcPause: number | null;
  /** Old-generation collections per 1,000 correct responses. */
  readonly majorGcs: number | null;
}

interface Measured {
  readonly name: Contender;
  /** Statements one request cost. */
  readonly statements: number;
  /** Statements per request over the whole load (warm-up and rounds). */
  readonly statementsUnderLoad: number;
  readonly rounds: Round[];
  readonly before: Memory;
  readonly after: Memory;
}

/** The same bytes from every server, and the statements one request costs each. */
async function check(
  server: ServerProcess,
  query: string,
  expected: string,
): Promise<number> {
  const before = await server.stats();
  const response = await fetch(`${server.url}/graphql`, post(query));
  const body = await response.text();
  const after = await server.stats();
  if (response.status !== 200 || body !== expected) {
    throw new Error(
      `${server.name} does not answer ${query} as expected: status ${response.status}, ${
        body.slice(0, 300)
      }`,
    );
  }
  if (after.requests - before.requests !== 1) {
    throw new Error(`${server.name} counted ${after.requests - before.requests} requests, not 1`);
  }
  return after.statements - before.statements;
}

async function measureQuery(
  db: PgClient,
  servers: readonly ServerProcess[],
  query: string,
  expected: string,
): Promise<Measured[]> {
  const statements = new Map<ServerProcess, number>();
  for (const server of servers) statements.set(server, await check(server, query, expected));
  for (const server of servers) {
    console.log(`  ${server.name.padEnd(12)} ${statements.get(server)} statement(s) per request`);
  }
  const options = (server: ServerProcess) => ({
    url: `${server.url}/graphql`,
    init: post(query),
    expected,
    concurrency: CONCURRENCY,
  });
  const start = new Map<ServerProcess, Stats>();
  const before = new Map<ServerProcess, Memory>();
  for (const server of servers) {
    start.set(server, await server.stats());
    await runLoad({ ...options(server), durationMs: WARMUP_SECONDS * 1000 });
    before.set(server, await server.memory());
  }
  const perRequest = (from: number | null, to: number | null, ok: number) =>
    from === null || to === null || ok === 0 ? null : (to - from) / ok;
  const rounds = new Map<ServerProcess, Round[]>(servers.map((s) => [s, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = servers.map((_, i) => servers[(i + round) % servers.length]!);
    const line: string[] = [];
    for (const server of order) {
      const clock = new CpuClock(db, server);
      const cpuBefore = await clock.read();
      const gcBefore = server.gc();
      const load = await runLoad({ ...options(server), durationMs: SECONDS * 1000 });
      const cpuAfter = await clock.read();
      // After a round trip to the database: the trace lines of the load have been read.
      const gcAfter = server.gc();
      rounds.get(server)!.push({
        load,
        serverCpu: perRequest(cpuBefore.server, cpuAfter.server, load.ok),
        postgresCpu: perRequest(cpuBefore.postgres, cpuAfter.postgres, load.ok),
        gcPause: perRequest(gcBefore.pauseMs * 1000, gcAfter.pauseMs * 1000, load.ok),
        majorGcs: perRequest(gcBefore.major * 1000, gcAfter.major * 1000, load.ok),
      });
      line.push(`${server.name} ${load.rps.toFixed(0)}${load.failed > 0 ? " (FAILED)" : ""}`);
    }
    console.log(`  round ${round + 1}/${ROUNDS}: ${line.join(", ")} req/s`);
  }
  const measured: Measured[] = [];
  for (const server of servers) {
    const after = await server.memory();
    const end = await server.stats();
    const first = start.get(server)!;
    measured.push({
      name: server.name,
      statements: statements.get(server)!,
      statementsUnderLoad: (end.statements - first.statements) / (end.requests - first.requests),
      rounds: rounds.get(server)!,
      before: before.get(server)!,
      after,
    });
  }
  return measured;
}

// Reporting --------------------------------------------------------------------------------------

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const MB = 1024 * 1024;
const mb = (bytes: number) => (bytes / MB).toFixed(1);

interface Summary {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly failed: number;
  readonly serverCpu: number | null;
  readonly postgresCpu: number | null;
  readonly gcPause: number | null;
  readonly majorGcs: number | null;
}

function medianOrNull(values: readonly (number | null)[]): number | null {
  return values.includes(null) ? null : median(values as number[]);
}

function summarize(m: Measured): Summary {
  return {
    rps: median(m.rounds.map((r) => r.load.rps)),
    p50: median(m.rounds.map((r) => r.load.p50)),
    p99: median(m.rounds.map((r) => r.load.p99)),
    failed: m.rounds.reduce((sum, r) => sum + r.load.failed, 0),
    serverCpu: medianOrNull(m.rounds.map((r) => r.serverCpu)),
    postgresCpu: medianOrNull(m.rounds.map((r) => r.postgresCpu)),
    gcPause: medianOrNull(m.rounds.map((r) => r.gcPause)),
    majorGcs: medianOrNull(m.rounds.map((r) => r.majorGcs)),
  };
}

const micros = (value: number | null) => (value === null ? "n/a" : value.toFixed(0));

/** Prints the table and the ratios; returns the failures (not the missed bars). */
function report(query: string, results: readonly Measured[]): string[] {
  console.log(
    `\n${query}: ${CHARACTERS} characters x ${ACTORS_PER_CHARACTER} actors, ${CONCURRENCY} clients, ` +
      `${ROUNDS} rounds of ${SECONDS} s per server after a ${WARMUP_SECONDS} s warm-up\n`,
  );
  console.log(
    "| server       | req/s (median) | rounds' range | p50 ms | p99 ms | failed | statements/request " +
      "| CPU µs/request: server | Postgres | GC pause µs/request | old-generation GCs/1k requests " +
      "| RSS before → after MB | heap before → after MB |",
  );
  console.log(
    "| ------------ | -------------: | ------------: | -----: | -----: | -----: | -----------------: " +
      "| ---------------------: | -------: | ------------------: | -----------------------------: " +
      "| --------------------: | ---------------------: |",
  );
  const failures: string[] = [];
  const summaries = new Map<Contender, Summary>();
  for (const m of results) {
    const s = summarize(m);
    summaries.set(m.name, s);
    const rps = m.rounds.map((r) => r.load.rps);
    const range = `${Math.min(...rps).toFixed(0)}–${Math.max(...rps).toFixed(0)}`;
    const statements = m.statements === m.statementsUnderLoad
      ? String(m.statements)
      : `${m.statements} (load: ${m.statementsUnderLoad.toFixed(2)})`;
    console.log(
      `| ${m.name.padEnd(12)} | ${s.rps.toFixed(0).padStart(14)} | ${range.padStart(13)} | ${
        s.p50.toFixed(2).padStart(6)
      } | ${s.p99.toFixed(2).padStart(6)} | ${String(s.failed).padStart(6)} | ${
        statements.padStart(18)
      } | ${micros(s.serverCpu).padStart(22)} | ${micros(s.postgresCpu).padStart(8)} | ${
        micros(s.gcPause).padStart(19)
      } | ${(s.majorGcs === null ? "n/a" : s.majorGcs.toFixed(2)).padStart(30)} | ${
        `${mb(m.before.rss)} → ${mb(m.after.rss)}`.padStart(21)
      } | ${`${mb(m.before.heapUsed)} → ${mb(m.after.heapUsed)}`.padStart(22)} |`,
    );
    if (s.failed > 0) {
      const first = m.rounds.find((r) => r.load.failed > 0)!.load.firstFailure;
      failures.push(`${query}, ${m.name}: ${s.failed} requests failed; the first: ${first}`);
    }
  }
  const hiku = summaries.get("hiku-ts")!;
  const graphqlJs = summaries.get("graphql-js")!;
  const handWritten = summaries.get("hand-written")!;
  const overGraphqlJs = hiku.rps / graphqlJs.rps;
  const overHandWritten = hiku.rps / handWritten.rps;
  const verdict = (met: boolean) => (met ? "met" : "MISSED");
  console.log(
    `\nhiku-ts / graphql-js:   ${overGraphqlJs.toFixed(2)}x requests/s ` +
      `(bar: at least ${BARS.overGraphqlJs}x): ${verdict(overGraphqlJs >= BARS.overGraphqlJs)}`,
  );
  console.log(
    `hiku-ts / hand-written: ${overHandWritten.toFixed(2)}x requests/s ` +
      `(bar: at least ${BARS.overHandWritten}x): ${
        verdict(overHandWritten >= BARS.overHandWritten)
      }`,
  );
  console.log(
    `hiku-ts p99 ${hiku.p99.toFixed(2)} ms, graphql-js p99 ${graphqlJs.p99.toFixed(2)} ms: ` +
      `${hiku.p99 < graphqlJs.p99 ? "below" : "NOT below"}`,
  );
  const hikuStatements = results.find((m) => m.name === "hiku-ts")!.statements;
  console.log(
    `hiku-ts statements per request: ${hikuStatements} (bar: 1, fused): ${
      verdict(hikuStatements === 1)
    }`,
  );
  return failures;
}

// The run ----------------------------------------------------------------------------------------

if (DATABASE_URL === "") {
  console.error(
    "W4 needs a PostgreSQL server: set DATABASE_URL, e.g.\n" +
      "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres deno run -A bench/postgres_http_bench.ts",
  );
  Deno.exit(1);
}
if (PROFILE !== "" && !(CONTENDERS as readonly string[]).includes(PROFILE)) {
  throw new RangeError(`W4_PROFILE must be one of ${CONTENDERS.join(", ")}, got "${PROFILE}"`);
}
if (!(SECONDS > 0)) throw new RangeError(`W4_SECONDS must be a number above 0, got "${SECONDS}"`);
if (!(Number.isInteger(ROUNDS) && ROUNDS > 0)) {
  throw new RangeError(`W4_ROUNDS must be a whole number above 0, got "${ROUNDS}"`);
}

const profileDir = PROFILE === "" ? null : await Deno.makeTempDir({ prefix: "w4_profile_" });
const schema = `hiku_w4_${crypto.randomUUID().slice(0, 8)}`;
{
  await using db = await openDatabase({
    url: DATABASE_URL,
    schema,
    dropSchemaOnClose: true,
    max: 1,
  });
  const data = makeData();
  await fill(db, data);
  const expected = expectedResponses(data);
  console.log(
    `W4 on ${db.target}, schema ${schema}: ${CHARACTERS} characters, ` +
      `${data.actors.length} actors; each server has ${POOL_SIZE} connections`,
  );
  {
    // Declared after the database, so they stop before its schema is dropped.
    const start = (name: Contender) =>
      ServerProcess.start(name, schema, name === PROFILE ? profileDir : null);
    await using hiku = await start("hiku-ts");
    await using graphqlJs = await start("graphql-js");
    await using handWritten = await start("hand-written");
    const servers = [hiku, graphqlJs, handWritten];
    const results = new Map<string, Measured[]>();
    for (const query of [QUERIES.actors, QUERIES.threeLevels]) {
      console.log(`\n${query}`);
      results.set(query, await measureQuery(db, servers, query, expected[query]!));
    }
    for (const [query, measured] of results) failures.push(...report(query, measured));
  }
  if (profileDir !== null) console.log(`\nCPU profile of ${PROFILE}: ${profileDir}`);
}
if (failures.length > 0) {
  throw new Error(`W4 failed:\n- ${failures.join("\n- ")}`);
}
console.log("\nNo failed request.");
