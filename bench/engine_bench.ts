/**
 * Workload W1 (DESIGN.md section 4): N = 10,000 characters with 5 actors each, in memory, and the
 * query
 *
 *   { characters { id name species actors { id name character { name species } } } }
 *
 * measured side by side in one run:
 * - hiku-ts: `engine.execute` + `denormalize`, loaders reading the in-memory tables in batches;
 * - graphql-js + DataLoader: resolvers with per-request loaders (the usual way to avoid N+1);
 * - graphql-jit + DataLoader: the same schema and resolvers, the query compiled once;
 * - a hand-written loop building the same JSON from the same tables (the baseline);
 * - Python Hiku, when it can be imported (set HIKU_PYTHONPATH to its source and dependencies):
 *   bench/w1_hiku.py runs the same workload and the run prints its time next to the others'
 *   and checks its JSON too (Deno.bench cannot time another process, so it is reported apart).
 *
 * Every contender reads the same Maps; documents are parsed (and compiled) once, outside the
 * timed part, as a server with a query cache would. Before timing, the run checks that all four
 * produce the same JSON.
 *
 * Run: deno task bench bench/engine_bench.ts (it passes --v8-flags=--expose-gc, used to start
 * the timed part from a clean heap)
 *
 * @module
 */

import { AsyncExecutor, denormalize, Engine, read } from "../mod.ts";
import { execute, parse } from "graphql";
import { compileQuery, isCompiledQuery } from "graphql-jit";
import { graphqlJsSchema, hikuGraph, starTrekData } from "./_star_trek_memory.ts";

const N = 10_000;
const data = starTrekData(N);
const { characters, actors, actorsByCharacter } = data;

const QUERY = "{ characters { id name species actors { id name character { name species } } } }";

// hiku-ts ---------------------------------------------------------------------------------------

const graph = hikuGraph(data);
const engine = new Engine(new AsyncExecutor());
const hikuQuery = read(QUERY);

async function hiku(): Promise<unknown> {
  return denormalize(graph, await engine.execute(graph, hikuQuery));
}

// graphql-js and graphql-jit, with DataLoader ---------------------------------------------------

const { schema, loaders } = graphqlJsSchema(data);
const document = parse(QUERY);

async function graphqlJs(): Promise<unknown> {
  const result = await execute({ schema, document, contextValue: loaders() });
  if (result.errors) throw result.errors[0];
  return result.data;
}

function compile() {
  const result = compileQuery(schema, document);
  if (!isCompiledQuery(result)) throw new Error("graphql-jit could not compile the query");
  return result;
}
const compiled = compile();

async function graphqlJit(): Promise<unknown> {
  const result = await compiled.query(undefined, loaders(), {});
  if (result.errors) throw result.errors[0];
  return result.data;
}

// Hand-written ----------------------------------------------------------------------------------

function handWritten(): unknown {
  const out = [];
  for (const c of characters.values()) {
    const list = [];
    for (const actorId of actorsByCharacter.get(c.id) ?? []) {
      const a = actors.get(actorId)!;
      const ch = characters.get(a.character_id)!;
      list.push({ id: a.id, name: a.name, character: { name: ch.name, species: ch.species } });
    }
    out.push({ id: c.id, name: c.name, species: c.species, actors: list });
  }
  return { characters: out };
}

// Same results first ----------------------------------------------------------------------------

// Python Hiku runs in its own process; its figures are printed before the timed part.
async function reportPythonHiku(): Promise<void> {
  const pythonPath = Deno.env.get("HIKU_PYTHONPATH");
  if (pythonPath === undefined) {
    console.log("Python Hiku: skipped (set HIKU_PYTHONPATH to run it side by side)");
    return;
  }
  const script = new URL("./w1_hiku.py", import.meta.url).pathname;
  const { code, stdout, stderr } = await new Deno.Command("python3", {
    args: [script, String(N)],
    env: { PYTHONPATH: pythonPath },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`Python Hiku failed: ${new TextDecoder().decode(stderr)}`);
  const report = JSON.parse(new TextDecoder().decode(stdout)) as {
    min_ms: number;
    median_ms: number;
    sha256: string;
  };
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(handWritten()))),
  );
  const expected = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
  if (report.sha256 !== expected) throw new Error("Python Hiku does not produce the same JSON");
  console.log(
    `Python Hiku (same JSON): median ${report.median_ms.toFixed(1)} ms, min ${
      report.min_ms.toFixed(1)
    } ms per run of W1`,
  );
}

// Nothing from the check is kept: retained results would slow every contender's GC.
async function checkSameResults(): Promise<void> {
  const expected = JSON.stringify(handWritten());
  const contenders = [["hiku-ts", hiku], ["graphql-js", graphqlJs], ["graphql-jit", graphqlJit]];
  for (const [name, run] of contenders as [string, () => Promise<unknown>][]) {
    if (JSON.stringify(await run()) !== expected) {
      throw new Error(`${name} does not produce the hand-written loop's JSON`);
    }
  }
}
await checkSameResults();
await reportPythonHiku();
// Collect the check's garbage now, so that no contender pays for it (`deno task bench` exposes gc).
(globalThis as { gc?: () => void }).gc?.();

Deno.bench({
  name: "hand-written loop",
  group: "W1",
  baseline: true,
  fn: () => void handWritten(),
});
Deno.bench({ name: "hiku-ts", group: "W1", fn: async () => void await hiku() });
Deno.bench({
  name: "graphql-jit + DataLoader",
  group: "W1",
  fn: async () => void await graphqlJit(),
});
Deno.bench({
  name: "graphql-js + DataLoader",
  group: "W1",
  fn: async () => void await graphqlJs(),
});
