/**
 * The GraphQL front end, measured through `schema.execute`. Run it with
 *
 * ```sh
 * deno task bench bench/front_end_bench.ts
 * ```
 *
 * (the task passes --v8-flags=--expose-gc, used to start the timed part from a clean heap).
 *
 * The bar (DESIGN.md section 4): "a request with new variables within 1.2x the cost of one that
 * repeats them; work linear in the document's size plus the result's size, whatever the
 * fragments; caches bounded in bytes". The data is the in-memory Star Trek data
 * (bench/_star_trek_memory.ts) with N = 100 characters of 5 actors each; its graph is extended
 * here with `character(id: Int!)` on the root and `limit: Int` on `Character.actors`, so that a
 * query has variables to bind.
 *
 * Three groups, each measured in one run against its baseline:
 *
 * - "variables": `query ($id: Int!, $limit: Int) { character(id: $id) { name actors(limit:
 *   $limit) { name } } }` with the same variables every time (the baseline) and with new ones
 *   every time (a counter in the values, so no two requests send the same ones; the bar is 1.2x),
 *   and, to show what a parse cache miss costs, the same query with its values written as
 *   literals, each request a new text.
 * - "cache lookups": a cached 100 KB query text (a small query and a long comment) when the cache
 *   holds it alone (the baseline) and when it also holds 200 other texts of exactly the same
 *   length, each differing from it in one character near the end. V8 hashes strings longer than
 *   16,383 characters by their length alone, so all 201 would collide in a plain `Map`; the
 *   schema's cache looks them up by a hash of the whole text, and the lookup must stay flat.
 *   Every request decodes its own copy of the text from bytes, as a server decodes each body, so
 *   the comparison a hit makes is a real one. Before timing, the run checks with `cacheStats()`
 *   that all 201 texts are kept: sending them again only adds hits.
 * - "fan-out": the 60-level fragment fan-out (`fragment F0 on Character { name }`, `fragment F1
 *   on Character { ...F0 ...F0 }` ... `F60`, `{ characters { ...F60 } }`: 2^60 spreads if
 *   expanded) against the plain `{ characters { name } }` (the baseline), both a new text every
 *   request (a distinct comment appended), so each is parsed, validated, compiled and planned
 *   every time. The results are the same; the work must be linear in the text, so the fan-out's
 *   time should be within a small factor of the baseline's times the ratio of the texts' lengths.
 *
 * Before timing, the run checks that every contender's response is the JSON built by hand from
 * the tables, then times each group's baseline and contender alternately, batch by batch, and
 * prints the ratio of their medians (the variables' against the 1.2x bar, the fan-out's against
 * the ratio of the texts' lengths): at a few microseconds a request, the contender Deno.bench runs
 * first often pays for warming up, and its ratios move by 20% from run to run. Contenders in a
 * group use separate `Schema`s, so one's cache entries never evict or slow another's.
 *
 * @module
 */

import {
  AsyncExecutor,
  Graph,
  Int,
  Link,
  Node,
  Nothing,
  Option,
  Optional,
  Root,
  Schema,
  Sequence,
  TypeRef,
} from "../mod.ts";
import { hikuGraph, type StarTrekData, starTrekData } from "./_star_trek_memory.ts";

const N = 100;
const data = starTrekData(N);

/** The shared graph, with options: `character(id: Int!)` on the root, `actors(limit: Int)`. */
function graphWithOptions(data: StarTrekData): Graph {
  const base = hikuGraph(data);
  const character = base.nodesMap.get("Character")!;
  const actor = base.nodesMap.get("Actor")!;
  const actorsOf = (ids: readonly number[], options: { limit?: number | null }) =>
    ids.map((id) => {
      const list = data.actorsByCharacter.get(id) ?? [];
      return options.limit === undefined || options.limit === null
        ? list
        : list.slice(0, Math.max(0, options.limit));
    });
  return Graph([
    Node("Character", [
      ...character.fields.filter((member) => member.name !== "actors"),
      Link("actors", Sequence(TypeRef("Actor")), actorsOf, {
        requires: "id",
        options: [Option("limit", Optional(Int))],
      }),
    ]),
    actor,
    Root([
      ...base.root.fields,
      Link(
        "character",
        Optional(TypeRef("Character")),
        (options: { id: number }) => data.characters.has(options.id) ? options.id : Nothing,
        { requires: null, options: [Option("id", Int)] },
      ),
    ]),
  ]);
}

const graph = graphWithOptions(data);

function newSchema(cacheBytes?: number): Schema {
  return new Schema({
    query: graph,
    executor: new AsyncExecutor(),
    ...(cacheBytes === undefined ? {} : { cacheBytes }),
  });
}

/** The response to the variables' query for a character and a limit, built by hand. */
function expectedCharacter(id: number, limit: number): unknown {
  const actors = (data.actorsByCharacter.get(id) ?? []).slice(0, limit);
  return {
    data: {
      character: {
        name: data.characters.get(id)!.name,
        actors: actors.map((a) => ({ name: data.actors.get(a)!.name })),
      },
    },
  };
}

async function check(name: string, response: Promise<unknown>, expected: unknown): Promise<void> {
  const got = JSON.stringify(await response);
  if (got !== JSON.stringify(expected)) {
    throw new Error(`${name}: the response is not the expected JSON: ${got.slice(0, 300)}`);
  }
}

// Variables ------------------------------------------------------------------------------------

const VARIABLES_QUERY =
  "query ($id: Int!, $limit: Int) { character(id: $id) { name actors(limit: $limit) { name } } }";
/** Every character has 5 actors: any limit from 5 up gives the same result's size. */
const ACTORS = 5;

const repeatedSchema = newSchema();
const freshSchema = newSchema();
const literalSchema = newSchema();

function repeatedVariables(): Promise<unknown> {
  // A new object each time, as a server decodes each body, with the same values.
  return repeatedSchema.execute({ query: VARIABLES_QUERY, variables: { id: 1, limit: ACTORS } });
}

/** The n-th request's values: a character cycling through all, a limit never sent before. */
const idOf = (n: number) => (n % N) + 1;
const limitOf = (n: number) => ACTORS + n;

let freshCount = 0;
function freshVariables(): Promise<unknown> {
  const n = freshCount++;
  return freshSchema.execute({
    query: VARIABLES_QUERY,
    variables: { id: idOf(n), limit: limitOf(n) },
  });
}

let literalCount = 0;
function literalText(): Promise<unknown> {
  const n = literalCount++;
  return literalSchema.execute({
    query: `{ character(id: ${idOf(n)}) { name actors(limit: ${limitOf(n)}) { name } } }`,
  });
}

await check("same variables", repeatedVariables(), expectedCharacter(1, ACTORS));
for (let i = 0; i < 3; i++) {
  const n = freshCount;
  await check("new variables", freshVariables(), expectedCharacter(idOf(n), ACTORS));
}
for (let i = 0; i < 3; i++) {
  const n = literalCount;
  await check("literals, new text", literalText(), expectedCharacter(idOf(n), ACTORS));
}
{
  const fresh = freshSchema.cacheStats();
  const literal = literalSchema.cacheStats();
  if (fresh.misses !== 1 || literal.misses !== 3) {
    throw new Error(
      `expected 1 parse for new variables and 3 for new texts, got ${fresh.misses} and ${literal.misses}`,
    );
  }
}

// Cache lookups --------------------------------------------------------------------------------

const TEXT_LENGTH = 100_000;
const OTHERS = 200;
const LOOKUP_QUERY = "{ character(id: 1) { name } }\n# ";
const LOOKUP_EXPECTED = { data: { character: { name: data.characters.get(1)!.name } } };
/** The cached text: a small query, then a comment padding it to exactly TEXT_LENGTH. */
const longText = LOOKUP_QUERY + "x".repeat(TEXT_LENGTH - LOOKUP_QUERY.length);
/** The k-th other text: the same with one `x` near the end, at a different place each, a `y`. */
function otherText(k: number): string {
  const at = TEXT_LENGTH - 1 - k;
  return longText.slice(0, at) + "y" + longText.slice(at + 1);
}
if (longText.length !== TEXT_LENGTH || otherText(OTHERS - 1).length !== TEXT_LENGTH) {
  throw new Error("the texts are not all of the same length");
}
// Far more than 201 entries of a 100 KB text and a small plan take.
const LOOKUP_CACHE_BYTES = 1024 * 1024 * 1024;
const aloneSchema = newSchema(LOOKUP_CACHE_BYTES);
const crowdedSchema = newSchema(LOOKUP_CACHE_BYTES);

// A new string every request, never one the cache has seen: V8 may resolve a string it has looked
// up once to the kept one, which would make the comparison a hit makes free.
const encoded = new TextEncoder().encode(longText);
const decoder = new TextDecoder();

function lookupAlone(): Promise<unknown> {
  return aloneSchema.execute({ query: decoder.decode(encoded) });
}
function lookupCrowded(): Promise<unknown> {
  return crowdedSchema.execute({ query: decoder.decode(encoded) });
}

await check("cache holding 1 text", lookupAlone(), LOOKUP_EXPECTED);
// The others first: V8 finds keys of one hash in the order they were added, so the timed text,
// kept last, is in the worst place for any cache that falls back on V8's hashing of long strings.
for (let k = 0; k < OTHERS; k++) {
  await check(`other text ${k}`, crowdedSchema.execute({ query: otherText(k) }), LOOKUP_EXPECTED);
}
await check("cache holding 201 texts", lookupCrowded(), LOOKUP_EXPECTED);
// Every text again, and the one timed: only hits.
{
  const before = crowdedSchema.cacheStats();
  if (before.size !== OTHERS + 1 || before.misses !== OTHERS + 1) {
    throw new Error(`expected ${OTHERS + 1} texts parsed and kept, got ${JSON.stringify(before)}`);
  }
  for (let k = 0; k < OTHERS; k++) {
    await check(`other text ${k}`, crowdedSchema.execute({ query: otherText(k) }), LOOKUP_EXPECTED);
  }
  await check("cache holding 201 texts", lookupCrowded(), LOOKUP_EXPECTED);
  await check("cache holding 1 text", lookupAlone(), LOOKUP_EXPECTED);
  const after = crowdedSchema.cacheStats();
  const alone = aloneSchema.cacheStats();
  if (
    after.size !== OTHERS + 1 || after.misses !== before.misses ||
    after.hits !== before.hits + OTHERS + 1 || alone.size !== 1 || alone.misses !== 1
  ) {
    throw new Error(
      `the texts are not all kept: before ${JSON.stringify(before)}, after ${
        JSON.stringify(after)
      }, alone ${JSON.stringify(alone)}`,
    );
  }
  console.log(
    `cache lookups: ${after.size} texts of ${TEXT_LENGTH} characters kept in ${
      (after.bytes / 1024 / 1024).toFixed(1)
    } MiB (the lone text's entry: ${(alone.bytes / 1024).toFixed(0)} KiB)`,
  );
}

// Fan-out --------------------------------------------------------------------------------------

const LEVELS = 60;
function fanOutDocument(): string {
  const fragments = ["fragment F0 on Character { name }"];
  for (let i = 1; i <= LEVELS; i++) {
    fragments.push(`fragment F${i} on Character { ...F${i - 1} ...F${i - 1} }`);
  }
  return `{ characters { ...F${LEVELS} } }\n${fragments.join("\n")}\n`;
}
const FAN_OUT = fanOutDocument();
const PLAIN = "{ characters { name } }\n";
const CHARACTER_NAMES = {
  data: { characters: [...data.characters.values()].map((c) => ({ name: c.name })) },
};

const plainSchema = newSchema();
const fanOutSchema = newSchema();

// The comment makes every request a new text: a parse cache miss.
let plainCount = 0;
function plainNewText(): Promise<unknown> {
  return plainSchema.execute({ query: `${PLAIN}# ${plainCount++}` });
}
let fanOutCount = 0;
function fanOutNewText(): Promise<unknown> {
  return fanOutSchema.execute({ query: `${FAN_OUT}# ${fanOutCount++}` });
}

for (let i = 0; i < 3; i++) {
  await check("plain query, new text", plainNewText(), CHARACTER_NAMES);
  await check("60-level fan-out, new text", fanOutNewText(), CHARACTER_NAMES);
}
if (plainSchema.cacheStats().hits !== 0 || fanOutSchema.cacheStats().hits !== 0) {
  throw new Error("a fan-out request was a cache hit");
}

// Ratios measured alternately ------------------------------------------------------------------

/**
 * Times a baseline and a contender alternately, batch by batch, and gives each one's median time
 * per request, in microseconds. Deno.bench runs one after the other, and at a few microseconds a
 * request the first often pays for warming up, or for a collection the other caused; alternating,
 * neither does. It warms both up for Deno.bench as well.
 */
async function alternately(
  baseline: () => Promise<unknown>,
  contender: () => Promise<unknown>,
  batches: number,
  perBatch: number,
): Promise<{ baseline: number; contender: number; ratio: number }> {
  const runs = [baseline, contender] as const;
  const times: [number[], number[]] = [[], []];
  for (let b = 0; b < batches; b++) {
    for (const k of b % 2 === 0 ? [0, 1] as const : [1, 0] as const) {
      const run = runs[k];
      const start = performance.now();
      for (let i = 0; i < perBatch; i++) await run();
      times[k].push(((performance.now() - start) * 1000) / perBatch);
    }
  }
  const median = (list: number[]) => list.sort((x, y) => x - y)[list.length >> 1]!;
  const [b, c] = [median(times[0]), median(times[1])];
  return { baseline: b, contender: c, ratio: c / b };
}

const us = (value: number) => `${value.toFixed(1)} us`;
{
  const v = await alternately(repeatedVariables, freshVariables, 1000, 10);
  console.log(
    `variables, alternately: ${us(v.baseline)} with the same variables, ${
      us(v.contender)
    } with new ones: ${v.ratio.toFixed(2)}x (the bar: 1.2x)`,
  );
  const c = await alternately(lookupAlone, lookupCrowded, 200, 5);
  console.log(
    `cache lookups, alternately: ${us(c.baseline)} with the text alone, ${
      us(c.contender)
    } with 200 more of its length: ${c.ratio.toFixed(2)}x`,
  );
  // A typical comment: most timed requests have a 4- or 5-digit count.
  const comment = "# 10000".length;
  const lengths = (FAN_OUT.length + comment) / (PLAIN.length + comment);
  const f = await alternately(plainNewText, fanOutNewText, 100, 2);
  console.log(
    `fan-out, alternately: ${us(f.baseline)} plain, ${us(f.contender)} fanned out: ${
      f.ratio.toFixed(1)
    }x for a text ${lengths.toFixed(1)}x as long (${
      (f.ratio / lengths).toFixed(2)
    }x per character)`,
  );
}

// Collect the checks' garbage now, so that no contender pays for it (`deno task bench` exposes gc).
(globalThis as { gc?: () => void }).gc?.();

Deno.bench({
  name: "same variables every time",
  group: "variables",
  baseline: true,
  fn: async () => void await repeatedVariables(),
});
Deno.bench({
  name: "new variables every time",
  group: "variables",
  fn: async () => void await freshVariables(),
});
Deno.bench({
  name: "values as literals, a new text every time (parse cache miss)",
  group: "variables",
  fn: async () => void await literalText(),
});

Deno.bench({
  name: "100 KB text, cache holding it alone",
  group: "cache lookups",
  baseline: true,
  fn: async () => void await lookupAlone(),
});
Deno.bench({
  name: "100 KB text, cache holding 200 more of its length",
  group: "cache lookups",
  fn: async () => void await lookupCrowded(),
});

Deno.bench({
  name: "{ characters { name } }, a new text every time",
  group: "fan-out",
  baseline: true,
  fn: async () => void await plainNewText(),
});
Deno.bench({
  name: "60-level fragment fan-out, a new text every time",
  group: "fan-out",
  fn: async () => void await fanOutNewText(),
});
