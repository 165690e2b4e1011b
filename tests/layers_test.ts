/**
 * The layout keeps: src/ is split into layers whose folders name them, and imports flow one way,
 * from the HTTP edge down to the base. These tests read the import graph of the real files (every
 * static `import`/`export ... from`, type-only ones included) and fail on an arrow against the
 * layering, on a cycle, on I/O outside the HTTP edge, and on an ARCHITECTURE.md whose drawing of
 * the arrows differs from the code's.
 *
 * @module
 */

import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The layers of src/, lowest first: a file may import from its own layer and those below. */
const LAYERS = [
  "base",
  "query",
  "definitions",
  "validation",
  "planning",
  "execution",
  "graphql",
  "http",
] as const;
type Layer = typeof LAYERS[number];

interface SourceFile {
  /** Path from the repository root, with forward slashes. */
  readonly path: string;
  /** Relative imports, resolved to paths from the repository root. */
  readonly imports: readonly string[];
  /** The text without comments, strings kept. */
  readonly code: string;
}

async function listTs(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(join(ROOT, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) out.push(...await listTs(path));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out.sort();
}

/** Removes comments (JSDoc examples are not imports of the module) but keeps strings. */
function stripComments(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end;
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

async function readSource(path: string): Promise<SourceFile> {
  const code = stripComments(await Deno.readTextFile(join(ROOT, path)));
  const imports: string[] = [];
  const specifier =
    /(?:^|[\s;}])(?:import|export)\b[^"'`;]*?\bfrom\s*["']([^"']+)["']|(?:^|[\s;])import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;
  for (const match of code.matchAll(specifier)) {
    const spec = match[1] ?? match[2] ?? match[3]!;
    if (!spec.startsWith(".")) continue;
    imports.push(relative(ROOT, resolve(ROOT, dirname(path), spec)).replaceAll("\\", "/"));
  }
  return { path, imports, code };
}

const files: SourceFile[] = await Promise.all(
  ["mod.ts", ...await listTs("src"), ...await listTs("executors"), ...await listTs("sources")]
    .map(readSource),
);
const srcFiles = files.filter((f) => f.path.startsWith("src/"));

function layerOf(path: string): Layer | null {
  const folder = path.split("/")[1];
  return (LAYERS as readonly string[]).includes(folder ?? "") ? folder as Layer : null;
}

Deno.test("every file in src/ belongs to a layer folder", () => {
  const stray = srcFiles.filter((f) => layerOf(f.path) === null).map((f) => f.path);
  assert.deepEqual(stray, []);
});

Deno.test("src/ imports flow one way: from a layer to itself or to the layers below it", () => {
  const against: string[] = [];
  for (const file of srcFiles) {
    const from = LAYERS.indexOf(layerOf(file.path)!);
    for (const target of file.imports) {
      if (!target.startsWith("src/")) {
        against.push(`${file.path} -> ${target} (src/ imports nothing outside src/)`);
        continue;
      }
      const to = LAYERS.indexOf(layerOf(target)!);
      if (to > from) against.push(`${file.path} -> ${target}`);
    }
  }
  assert.deepEqual(against, []);
});

Deno.test("no module imports itself back through others (no cycles)", () => {
  const graph = new Map(files.map((f) => [f.path, f.imports]));
  const state = new Map<string, "visiting" | "done">();
  const cycles: string[] = [];
  const stack: string[] = [];
  const visit = (path: string): void => {
    state.set(path, "visiting");
    stack.push(path);
    for (const next of graph.get(path) ?? []) {
      const seen = state.get(next);
      if (seen === "visiting") {
        cycles.push([...stack.slice(stack.indexOf(next)), next].join(" -> "));
      } else if (seen === undefined && graph.has(next)) visit(next);
    }
    stack.pop();
    state.set(path, "done");
  };
  for (const path of graph.keys()) if (!state.has(path)) visit(path);
  assert.deepEqual(cycles, []);
});

Deno.test("executors/ and sources/ build on src/ and not on each other or on mod.ts", () => {
  const against: string[] = [];
  for (const file of files) {
    const own = file.path.split("/")[0];
    if (own !== "executors" && own !== "sources") continue;
    for (const target of file.imports) {
      if (!target.startsWith("src/") && !target.startsWith(`${own}/`)) {
        against.push(`${file.path} -> ${target}`);
      }
    }
  }
  assert.deepEqual(against, []);
});

Deno.test("the HTTP edge is the only I/O in src/", () => {
  const io =
    /\bDeno\.|\bfetch\(|\bnew Worker\b|\bnode:(fs|net|http|child_process|worker_threads)\b/;
  const offenders = srcFiles
    .filter((f) => layerOf(f.path) !== "http" && io.test(f.code))
    .map((f) => `${f.path}: ${f.code.match(io)![0]}`);
  assert.deepEqual(offenders, []);
});

Deno.test("ARCHITECTURE.md draws the arrows between layers that the code has", async () => {
  const actual = new Map<Layer, Set<Layer>>();
  for (const file of srcFiles) {
    const from = layerOf(file.path)!;
    for (const target of file.imports) {
      const to = layerOf(target);
      if (to === null || to === from) continue;
      if (!actual.has(from)) actual.set(from, new Set());
      actual.get(from)!.add(to);
    }
  }
  const drawn = new Map<string, string[]>();
  const text = await Deno.readTextFile(join(ROOT, "ARCHITECTURE.md"));
  const block = text.match(/```text layers\n([\s\S]*?)```/);
  assert.ok(block, 'ARCHITECTURE.md has a "```text layers" block');
  for (const line of block[1]!.split("\n")) {
    const m = line.match(/^(\w+)\s*->\s*(.*)$/);
    if (m === null || m[2]!.trim() === "") continue;
    drawn.set(m[1]!, m[2]!.split(",").map((s) => s.trim()).filter((s) => s !== "").sort());
  }
  const expected = new Map<string, string[]>();
  for (const layer of LAYERS) {
    const targets = actual.get(layer);
    if (targets !== undefined) expected.set(layer, [...targets].sort());
  }
  assert.deepEqual(Object.fromEntries(drawn), Object.fromEntries(expected));
});
