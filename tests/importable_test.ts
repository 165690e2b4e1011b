/**
 * The library is importable from a project of one's own: a program in a temporary folder outside
 * the repository, with no deno.json (so no import map), imports the checkout's three entry points
 * by path, by file: URL and by http: URL, and `deno check` and `deno run` both pass. That holds
 * because every library file imports its npm packages by full specifier (`npm:graphql@17.1.0`),
 * which the first test checks on the source, one version per package, the one deno.lock resolves.
 *
 * @module
 */

import assert from "node:assert/strict";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { PGliteModule } from "../sources/_postgres_open.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const LIBRARY_DIRS = ["src", "sources", "executors"];

async function listTs(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(join(ROOT, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) out.push(...await listTs(path));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out.sort();
}

/**
 * Every specifier a file imports: static, type-only, re-exports and dynamic (with a literal, or
 * a constant `npm:` specifier, as openDatabase imports PGlite). A static import
 * starts a line (the files are formatted), which leaves out JSDoc examples and the GraphiQL page's
 * module script, which import what a user or a browser would, not what the module does.
 */
function specifiersOf(text: string): string[] {
  const pattern =
    /^(?:import|export)\b[^"'`;]*?\bfrom\s*["']([^"']+)["']|^import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)|^const \w+(?::\s*string)?\s*=\s*["'](npm:[^"']+)["']/gm;
  return [...text.matchAll(pattern)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]!);
}

Deno.test("library files import npm packages by full specifier, at the version deno.lock resolves", async () => {
  const lock = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.lock"))) as {
    specifiers: { [specifier: string]: string };
  };
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))) as {
    imports: { [name: string]: string };
  };
  const files = ["mod.ts", ...(await Promise.all(LIBRARY_DIRS.map(listTs))).flat()];
  const bare: string[] = [];
  const versions = new Map<string, Set<string>>();
  for (const file of files) {
    // The GraphiQL page's module script is text the browser runs, resolved by the page's own
    // import map: its specifiers are not Deno's.
    if (file === "src/http/_graphiql.ts") continue;
    for (const spec of specifiersOf(await Deno.readTextFile(join(ROOT, file)))) {
      if (spec.startsWith(".") || spec.startsWith("node:")) continue;
      const npm = /^npm:((?:@[^/@]+\/)?[^/@]+)@(\d+\.\d+\.\d+)(?:\/.*)?$/.exec(spec);
      if (npm === null) {
        bare.push(`${file}: ${spec}`);
        continue;
      }
      const [, name, version] = npm;
      if (!versions.has(name!)) versions.set(name!, new Set());
      versions.get(name!)!.add(version!);
    }
  }
  assert.deepEqual(bare, [], "imports that need an import map or an unpinned version");
  assert.ok(versions.has("graphql"), "found no npm import at all: is the pattern right?");
  for (const [name, found] of versions) {
    assert.equal(found.size, 1, `npm:${name} is imported at several versions: ${[...found]}`);
    const specifier = `npm:${name}@${[...found][0]}`;
    assert.ok(specifier in lock.specifiers, `${specifier} is not what deno.lock resolves`);
    // Tests and bench import the same package by its bare name: the same copy, not a second one.
    assert.equal(config.imports[name], specifier, `deno.json maps ${name} elsewhere`);
  }
});

Deno.test("openDatabase's own type for PGlite's module fits PGlite's", async () => {
  // openDatabase imports PGlite by a specifier in a variable, so that only a program that falls
  // back to it fetches it; it types the module itself, and this assignment checks that type.
  const module: PGliteModule = await import("@electric-sql/pglite");
  assert.equal(typeof module.PGlite.create, "function");
});

/** A static file server over the checkout, as a raw https host of the repository would be. */
function serveCheckout(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const path = resolve(ROOT, "." + decodeURIComponent(new URL(request.url).pathname));
    if (!path.startsWith(ROOT + sep)) return new Response("Not found", { status: 404 });
    try {
      const body = await Deno.readFile(path);
      const type = extname(path) === ".ts" ? "application/typescript" : "text/plain";
      return new Response(body, { headers: { "content-type": `${type}; charset=utf-8` } });
    } catch {
      return new Response("Not found", { status: 404 });
    }
  });
}

/** The graph module, also imported by the pool's workers; `thread` says which thread loaded. */
function graphModule(lib: string): string {
  return `import { threadId } from "node:worker_threads";
import { Field, Graph, Link, Node, Root, Sequence, Str, TypeRef } from "${lib}/mod.ts";

const names = new Map([[1, "James T. Kirk"], [2, "Spock"]]);

export const graph: Graph = Graph([
  Node("Character", [
    Field("name", Str, (fields, ids: number[]) => ids.map((id) => fields.map(() => names.get(id)))),
    Field("thread", Str, (fields, ids: number[]) =>
      ids.map(() => fields.map(() => threadId === 0 ? "main" : "worker"))),
  ]),
  Root([
    Link("characters", Sequence(TypeRef("Character")), () => [...names.keys()], { requires: null }),
  ]),
]);
`;
}

/** The program: a Schema over the graph, a Postgres table description, and a worker pool. */
function mainModule(lib: { mod: string; postgres: string; pool: string }): string {
  return `import { AsyncExecutor, Int, Schema, Str } from "${lib.mod}";
import { FieldsQuery, table } from "${lib.postgres}";
import { WorkerPoolExecutor } from "${lib.pool}";
import { graph } from "./graph.ts";

const character = table("character", { id: Int, name: Str }, { primaryKey: "id" });
const characterQuery = FieldsQuery("pg", character);
console.log(typeof characterQuery, character.sql);

const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
console.log(JSON.stringify(await schema.execute({ query: "{ characters { name thread } }" })));

// inlineThreshold 1: even a batch of two goes to a worker, which imports graph.ts and the library.
await using pool = new WorkerPoolExecutor({
  module: new URL("./graph.ts", import.meta.url),
  size: 1,
  inlineThreshold: 1,
  inlineCostPerId: 0,
});
await pool.ready();
const pooled = new Schema({ query: graph, executor: pool });
console.log(JSON.stringify(await pooled.execute({ query: "{ characters { name thread } }" })));
`;
}

async function deno(cwd: string, args: string[]): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const errors = new TextDecoder().decode(stderr);
  assert.equal(code, 0, `deno ${args.join(" ")} exited with ${code}: ${errors}`);
  return new TextDecoder().decode(stdout);
}

async function assertRunsFromOwnFolder(
  lib: { base: string; mod: string; postgres: string; pool: string },
  flags: string[] = [],
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "hiku_importable_" });
  try {
    // No deno.json here or above: the library's import map is out of reach.
    assert.ok(!resolve(dir).startsWith(ROOT + sep), `${dir} is inside the repository`);
    await Deno.writeTextFile(join(dir, "graph.ts"), graphModule(lib.base));
    await Deno.writeTextFile(join(dir, "main.ts"), mainModule(lib));
    await deno(dir, ["check", ...flags, "main.ts"]);
    const output = await deno(dir, ["run", "--allow-read", "--allow-env", ...flags, "main.ts"]);
    const rows = [{ name: "James T. Kirk" }, { name: "Spock" }];
    assert.deepEqual(output.trimEnd().split("\n"), [
      'function "character"',
      JSON.stringify({ data: { characters: rows.map((r) => ({ ...r, thread: "main" })) } }),
      JSON.stringify({ data: { characters: rows.map((r) => ({ ...r, thread: "worker" })) } }),
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a project with no deno.json imports the entry points by path and by file: URL", async () => {
  const url = pathToFileURL(ROOT).href;
  await assertRunsFromOwnFolder({
    base: ROOT,
    mod: join(ROOT, "mod.ts"),
    postgres: `${url}/sources/postgres.ts`,
    pool: join(ROOT, "executors", "worker_pool.ts"),
  });
});

Deno.test("a project with no deno.json imports the entry points by http: URL", async () => {
  await using server = serveCheckout();
  const base = `http://127.0.0.1:${server.addr.port}`;
  await assertRunsFromOwnFolder(
    {
      base,
      mod: `${base}/mod.ts`,
      postgres: `${base}/sources/postgres.ts`,
      pool: `${base}/executors/worker_pool.ts`,
    },
    // The port is new on each run, so the module cache never answers with an older checkout.
    [`--allow-import=127.0.0.1:${server.addr.port}`],
  );
});
