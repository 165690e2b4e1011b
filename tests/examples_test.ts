import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

async function runExample(path: string, args: string[] = []): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...args, path],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const errors = new TextDecoder().decode(stderr);
  assert.equal(code, 0, `${path} exited with ${code}: ${errors}`);
  return new TextDecoder().decode(stdout);
}

Deno.test("examples/quickstart.ts runs with no permissions and prints the seed's results", async () => {
  const output = await runExample("examples/quickstart.ts");
  const [first, firstJson, second, secondJson] = output.split(/\n(?=[{]\n|\{ )/);
  assert.equal(first, "{ characters { name actors { name } } }");
  assert.deepEqual(JSON.parse(firstJson!), {
    characters: [
      { name: "James T. Kirk", actors: [{ name: "William Shatner" }, { name: "Chris Pine" }] },
      { name: "Spock", actors: [{ name: "Leonard Nimoy" }, { name: "Zachary Quinto" }] },
      { name: "Leonard McCoy", actors: [{ name: "DeForest Kelley" }, { name: "Karl Urban" }] },
    ],
  });
  assert.equal(second, "{ actors { name character { name } } }");
  assert.deepEqual(JSON.parse(secondJson!), {
    actors: [
      { name: "William Shatner", character: { name: "James T. Kirk" } },
      { name: "Leonard Nimoy", character: { name: "Spock" } },
      { name: "DeForest Kelley", character: { name: "Leonard McCoy" } },
      { name: "Chris Pine", character: { name: "James T. Kirk" } },
      { name: "Zachary Quinto", character: { name: "Spock" } },
      { name: "Karl Urban", character: { name: "Leonard McCoy" } },
    ],
  });
});
