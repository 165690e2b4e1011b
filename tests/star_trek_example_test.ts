/**
 * Runs examples/star_trek.ts, the seed example, as a user would (`deno run -A`), on the embedded
 * default and on the server at DATABASE_URL, and checks what it prints: the seed's two queries
 * with the seed's expected results.
 *
 * @module
 */

import assert from "node:assert/strict";

const DATABASE_URL = Deno.env.get("DATABASE_URL") ?? null;
const ROOT = new URL("..", import.meta.url);
const EXAMPLE = new URL("../examples/star_trek.ts", import.meta.url);

const CHARACTERS_WITH_ACTORS = {
  characters: [
    {
      name: "James T. Kirk",
      actors: [{ name: "William Shatner" }, { name: "Chris Pine" }],
    },
    {
      name: "Spock",
      actors: [{ name: "Leonard Nimoy" }, { name: "Zachary Quinto" }],
    },
    {
      name: "Leonard McCoy",
      actors: [{ name: "DeForest Kelley" }, { name: "Karl Urban" }],
    },
  ],
};

const ACTORS_WITH_CHARACTERS = {
  actors: [
    { name: "William Shatner", character: { name: "James T. Kirk" } },
    { name: "Leonard Nimoy", character: { name: "Spock" } },
    { name: "DeForest Kelley", character: { name: "Leonard McCoy" } },
    { name: "Chris Pine", character: { name: "James T. Kirk" } },
    { name: "Zachary Quinto", character: { name: "Spock" } },
    { name: "Karl Urban", character: { name: "Leonard McCoy" } },
  ],
};

const EXPECTED_OUTPUT = [
  "{ characters { name actors { name } } }",
  JSON.stringify(CHARACTERS_WITH_ACTORS, null, 2),
  "{ actors { name character { name } } }",
  JSON.stringify(ACTORS_WITH_CHARACTERS, null, 2),
  "",
].join("\n");

async function runExample(databaseUrl: string): Promise<{ stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", EXAMPLE.href],
    cwd: ROOT,
    env: { DATABASE_URL: databaseUrl, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  const stdout = decoder.decode(output.stdout);
  const stderr = decoder.decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  return { stdout, stderr };
}

Deno.test("the seed example prints the seed's results on the embedded default", async () => {
  const { stdout, stderr } = await runExample("");
  assert.equal(stdout, EXPECTED_OUTPUT);
  assert.match(stderr, /^Using PGlite \(in-process, in memory\)$/m);
});

Deno.test({
  name: "the seed example prints the seed's results on the server at DATABASE_URL" +
    (DATABASE_URL === null ? " (set DATABASE_URL to a PostgreSQL server to run)" : ""),
  ignore: DATABASE_URL === null,
  fn: async () => {
    const { stdout, stderr } = await runExample(DATABASE_URL!);
    assert.equal(stdout, EXPECTED_OUTPUT);
    assert.match(stderr, /^Using postgres:\/\//m);
  },
});
