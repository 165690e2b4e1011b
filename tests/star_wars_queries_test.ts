import assert from "node:assert/strict";
import { parse, validate } from "graphql";
import { starWarsGraphQLSchema } from "./support/star_wars.ts";
import { randomQuery, withinLimits } from "./support/star_wars_queries.ts";

const SEEDS = 3000;

Deno.test("randomQuery gives the same query and variables for the same seed", () => {
  for (const seed of [1, 2, 42, 1000]) assert.deepEqual(randomQuery(seed), randomQuery(seed));
  assert.notEqual(randomQuery(1).query, randomQuery(2).query);
});

Deno.test("randomQuery gives only queries graphql-js validates, within depth 10 and 15 aliases", () => {
  const invalid: string[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const { query } = randomQuery(seed);
    const errors = validate(starWarsGraphQLSchema, parse(query));
    if (errors.length > 0) invalid.push(`seed ${seed}: ${errors[0]?.message}\n${query}`);
    assert.ok(withinLimits(query), `seed ${seed} breaks a limit:\n${query}`);
  }
  assert.equal(invalid.length, 0, `${invalid.length} invalid queries, first:\n${invalid[0]}`);
});

Deno.test("randomQuery covers the features the differential tests are about", () => {
  // Each pattern must show up in some of the seeds the differential test runs (1..1000), or the
  // generator has drifted and the differential test proves less than it claims.
  const queries = Array.from({ length: 1000 }, (_, i) => randomQuery(i + 1));
  const texts = queries.map((q) => q.query);
  const patterns: Record<string, RegExp> = {
    "named fragment spread inside a fragment": /^fragment [^]*?\.\.\.[A-Z]/m,
    "inline fragment without type condition": /\.\.\. (@|\{)/,
    "nested inline fragments": /\.\.\. on \w+[^{]*\{\n\s+\.\.\. on/,
    "an alias": /\w+: \w+/,
    "__typename": /__typename/,
    "@skip with a variable": /@skip\(if: \$/,
    "@include with a literal": /@include\(if: (true|false)\)/,
    "secretBackstory": /secretBackstory/,
    "an unknown id": /"9999"/,
    "a variable with a default": /\$\w+: \w+ = /,
  };
  for (const [feature, pattern] of Object.entries(patterns)) {
    assert.ok(texts.some((t) => pattern.test(t)), `no query has ${feature}`);
  }
  // The same root field under two aliases with different arguments, in one selection set or not.
  const humans = (text: string) => new Set(text.match(/\w+: human\(id: [^)]*\)/g) ?? []).size;
  assert.ok(texts.some((t) => humans(t) >= 2), "no query has two aliases of one root field");
  assert.ok(queries.some((q) => Object.values(q.variables).includes(null)), "no null variable");
  assert.ok(
    queries.some((q) => q.query.includes("$ep2") && !("ep2" in q.variables)),
    "no variable left to its default",
  );
});
