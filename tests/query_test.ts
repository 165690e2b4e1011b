/**
 * The query AST: `merge`, result and index keys, and how the engine merges selections that
 * reach one node through fields, fragments and inline fragments (Hiku's QueryMerger).
 *
 * Ports cite Hiku's tests/test_query.py (merge) and tests/test_query_merger.py (QueryMerger, whose
 * work the planner does here: its cases run through the engine and check what loaders receive).
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  Any,
  AsyncExecutor,
  Bool,
  denormalize,
  Engine,
  Field,
  Graph,
  type Id,
  Int,
  Interface,
  InterfaceRef,
  Link,
  Node,
  Option,
  Optional,
  type QueryField,
  type QueryLink,
  QueryValidationError,
  read,
  Root,
  Sequence,
  Str,
  TypeRef,
  Union,
  UnionRef,
} from "../mod.ts";
import {
  canonicalOptions,
  merge,
  queryField,
  queryFragment,
  queryLink,
  type QueryNode,
  queryNode,
} from "../src/query/query.ts";
import { Recorder } from "./support/recording.ts";

/** A readable outline of a selection set: `name`, `alias:name(options)`, `link{...}`, `...on T{...}`. */
function outline(node: QueryNode): string[] {
  const items = node.fields.map((f) => {
    const head = `${f.alias === null ? "" : `${f.alias}:`}${f.name}${
      f.options === null ? "" : canonicalOptions(f.options)
    }`;
    return f.kind === "link" ? `${head}{${outline(f.node).join(" ")}}` : head;
  });
  const fragments = node.fragments.map((fr) =>
    `...${fr.name ?? ""}${fr.typeName === null ? "" : ` on ${fr.typeName}`}{${
      outline(fr.node).join(" ")
    }}`
  );
  return [...items, ...fragments];
}

const f = (name: string, init: Parameters<typeof queryField>[1] = {}) => queryField(name, init);
const l = (
  name: string,
  fields: Parameters<typeof queryNode>[0],
  init: Parameters<typeof queryLink>[2] = {},
) => queryLink(name, queryNode(fields), init);

// ---------------------------------------------------------------------------------------------
// merge()

// test_query.py: test
Deno.test("merge() keeps each field once and merges links recursively", () => {
  const query = merge([
    queryNode([
      f("a1"),
      f("a1"),
      f("a2"),
      f("a2"),
      l("b", [f("b1"), f("b2")], { options: { x: 1 } }),
    ]),
    queryNode([
      f("a2"),
      f("a2"),
      f("a3"),
      f("a3"),
      l("b", [f("b2"), f("b3")], { options: { x: 1 } }),
    ]),
  ]);
  // Hiku moves links after fields; here selections keep the order they first appear in.
  assert.deepEqual(outline(query), ["a1", "a2", 'b{"x":1}{b1 b2 b3}', "a3"]);
});

Deno.test("merge() merges links at every depth", () => {
  const query = merge([
    queryNode([l("characters", [l("actors", [f("name")])])]),
    queryNode([l("characters", [l("actors", [f("id"), l("character", [f("name")])])])]),
    queryNode([l("characters", [l("actors", [l("character", [f("species")])])])]),
  ]);
  assert.deepEqual(outline(query), [
    "characters{actors{name id character{name species}}}",
  ]);
});

// test_query.py: test_alias
Deno.test("merge() keeps selections with different aliases apart", () => {
  const query = merge([
    queryNode([
      f("a", { alias: "a1" }),
      f("a", { alias: "a2" }),
      l("b", [f("c")], { alias: "b1" }),
      l("b", [f("c")], { alias: "b2" }),
    ]),
  ]);
  assert.deepEqual(outline(query), ["a1:a", "a2:a", "b1:b{c}", "b2:b{c}"]);
});

// test_query.py: test_distinct_by_options_fields
Deno.test("merge() keeps a field with different options apart", () => {
  const query = merge([queryNode([f("a"), f("a", { options: { x: 1 } }), f("a")])]);
  assert.deepEqual(outline(query), ["a", 'a{"x":1}']);
});

// test_query.py: test_distinct_by_name_fields
Deno.test("merge() keeps a field whose alias is another field's name apart", () => {
  const query = merge([queryNode([f("a"), f("b", { options: { x: 1 }, alias: "a" }), f("a")])]);
  assert.deepEqual(outline(query), ["a", 'a:b{"x":1}']);
});

// test_query.py: test_distinct_by_options_links
Deno.test("merge() keeps a link with different options apart", () => {
  const query = merge([
    queryNode([l("a", [f("c")]), l("a", [f("d")], { options: { x: 1 } }), l("a", [f("e")])]),
  ]);
  assert.deepEqual(outline(query), ["a{c e}", 'a{"x":1}{d}']);
});

// test_query.py: test_distinct_by_name_links
Deno.test("merge() keeps a link whose alias is another link's name apart", () => {
  const query = merge([
    queryNode([
      l("a", [f("c")]),
      l("b", [f("d")], { options: { x: 1 }, alias: "a" }),
      l("a", [f("e")]),
    ]),
  ]);
  assert.deepEqual(outline(query), ["a{c e}", 'a:b{"x":1}{d}']);
});

Deno.test("merge() keeps a field and a link under one key, for validation to report", () => {
  const query = merge([queryNode([f("bio"), l("bio", [f("born")]), f("bio")])]);
  assert.deepEqual(outline(query), ["bio", "bio{born}"]);
});

Deno.test("merge() treats options written in any key order as the same", () => {
  const query = merge([
    queryNode([
      f("scan", { options: { range: 1, depth: { min: 1, max: 2 } } }),
      f("scan", { options: { depth: { max: 2, min: 1 }, range: 1 } }),
    ]),
  ]);
  assert.equal(query.fields.length, 1);
  assert.deepEqual(query.fields[0]!.options, { range: 1, depth: { min: 1, max: 2 } });
});

Deno.test("merge() appends fragments in order without merging them", () => {
  const a = queryFragment("A", "Character", queryNode([f("name")]));
  const b = queryFragment(null, "Character", queryNode([f("species")]));
  const c = queryFragment(null, null, queryNode([f("name")]));
  const query = merge([queryNode([f("id")], [a, b]), queryNode([f("id")], [c, a])]);
  assert.deepEqual(query.fragments, [a, b, c, a]);
  assert.deepEqual(outline(query), [
    "id",
    "...A on Character{name}",
    "... on Character{species}",
    "...{name}",
    "...A on Character{name}",
  ]);
});

Deno.test("merge() keeps the fragments of merged links", () => {
  const fragment = queryFragment(null, "Actor", queryNode([f("name")]));
  const query = merge([
    queryNode([queryLink("actors", queryNode([f("id")], [fragment]))]),
    queryNode([l("actors", [f("born")])]),
  ]);
  assert.deepEqual(outline(query), ["actors{id born ... on Actor{name}}"]);
});

Deno.test("merge() makes the result ordered when any input is", () => {
  assert.equal(merge([queryNode([f("a")]), queryNode([f("b")])]).ordered, false);
  assert.equal(merge([queryNode([f("a")]), queryNode([f("b")], [], true)]).ordered, true);
  assert.equal(merge([queryNode([f("a")], [], true)]).ordered, true);
});

Deno.test("merge() collects the directives of a link selected several times", () => {
  const query = merge([
    queryNode([l("a", [f("b")], { directives: [{ name: "cached", args: { ttl: 10 } }] })]),
    queryNode([l("a", [f("c")], { directives: [{ name: "audit", args: {} }] })]),
  ]);
  assert.deepEqual(query.fields[0]!.directives, [
    { name: "cached", args: { ttl: 10 } },
    { name: "audit", args: {} },
  ]);
});

Deno.test("merge() returns an already merged node as it is", () => {
  const node = queryNode([f("a"), l("b", [f("c")])]);
  assert.equal(merge([node]), node);
  const merged = merge([queryNode([f("a"), f("a")])]);
  assert.equal(merge([merged]), merged);
  assert.deepEqual(outline(merged), ["a"]);
});

Deno.test("merge() gives frozen nodes and leaves its inputs as they were", () => {
  const first = queryNode([l("b", [f("c")])]);
  const second = queryNode([l("b", [f("d")])]);
  const query = merge([first, second]);
  assert.ok(Object.isFrozen(query));
  assert.ok(Object.isFrozen(query.fields));
  assert.ok(Object.isFrozen(query.fields[0]));
  assert.deepEqual(outline(first), ["b{c}"]);
  assert.deepEqual(outline(second), ["b{d}"]);
});

// ---------------------------------------------------------------------------------------------
// Keys

Deno.test("queryField and queryLink give the result key and the index key", async (t) => {
  await t.step("the result key is the alias, else the name", () => {
    assert.equal(f("name").resultKey, "name");
    assert.equal(f("name", { alias: "who" }).resultKey, "who");
    assert.equal(l("actors", [f("name")], { alias: "cast" }).resultKey, "cast");
  });

  await t.step("the index key is the name, plus the options when there are any", () => {
    assert.equal(f("name").indexKey, "name");
    assert.equal(f("name", { alias: "who" }).indexKey, "name");
    assert.equal(f("name", { options: {} }).indexKey, "name");
    assert.equal(f("greeting", { options: { word: "Hi" } }).indexKey, 'greeting({"word":"Hi"})');
    assert.equal(
      l("actors", [f("name")], { options: { limit: 1 } }).indexKey,
      'actors({"limit":1})',
    );
  });

  await t.step("options are canonical: key order does not matter, at any depth", () => {
    const a = f("scan", { options: { range: 1, filter: { b: [1, { y: 2, x: 1 }], a: null } } });
    const b = f("scan", { options: { filter: { a: null, b: [1, { x: 1, y: 2 }] }, range: 1 } });
    assert.equal(a.indexKey, b.indexKey);
    assert.equal(a.indexKey, 'scan({"filter":{"a":null,"b":[1,{"x":1,"y":2}]},"range":1})');
  });

  await t.step("values of different types give different keys", () => {
    const keys = [1, "1", 1n, true, null, [1], { "1": 1 }].map((value) =>
      f("x", { options: { v: value } }).indexKey
    );
    assert.equal(new Set(keys).size, keys.length);
    assert.equal(f("x", { options: { v: 1n } }).indexKey, 'x({"v":1n})');
  });

  await t.step(
    "values JSON prints alike give different keys: NaN, Infinity, -0, null, objects",
    () => {
      const day = new Date(0);
      const values = [
        null,
        Number.NaN,
        Infinity,
        -Infinity,
        0,
        -0,
        {},
        day,
        new Date(1),
        new Map(),
      ];
      const keys = values.map((value) => f("x", { options: { v: value } }).indexKey);
      assert.equal(new Set(keys).size, keys.length, keys.join(" "));
      // The same object is the same value, and so is an equal date.
      assert.equal(f("x", { options: { v: day } }).indexKey, keys[7]);
      assert.equal(f("x", { options: { v: new Date(0) } }).indexKey, keys[7]);
      assert.equal(f("x", { options: { v: values[9] } }).indexKey, keys[9]);
      assert.notEqual(f("x", { options: { v: new Map() } }).indexKey, keys[9]);
    },
  );

  await t.step("a number literal beyond the largest and a null are two loads", async () => {
    const seen: unknown[] = [];
    const graph = Graph([
      Root([
        Field("echo", Str, (fields: readonly QueryField[]) =>
          fields.map((field) => {
            seen.push(field.options?.x);
            return String(field.options?.x);
          }), { options: [Option("x", Any)] }),
      ]),
    ]);
    const result = await new Engine(new AsyncExecutor()).execute(
      graph,
      read("{ p: echo(x: 1e999) q: echo(x: null) }"),
    );
    assert.deepEqual(denormalize(graph, result), { p: "Infinity", q: "null" });
    assert.deepEqual(seen, [Infinity, null]);
  });

  await t.step("selections are frozen, with defaults for what is not given", () => {
    const field = f("name");
    assert.ok(Object.isFrozen(field));
    assert.deepEqual(field, {
      kind: "field",
      name: "name",
      alias: null,
      options: null,
      directives: [],
      location: null,
      resultKey: "name",
      indexKey: "name",
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Merging selections of one node (Hiku's QueryMerger), through the engine

const engine = new Engine(new AsyncExecutor());
type Selected = readonly (QueryField | QueryLink)[];

/** A field loader giving each field's value as `name` or `alias:name(options)`. */
function echo(fields: Selected, ids: readonly Id[]): unknown[][] {
  return ids.map((id) =>
    fields.map((field) =>
      field.name === "id"
        ? id
        : field.name === "name" && (field.options as { capitalize?: boolean }).capitalize
        ? "JIM"
        : field.name === "name"
        ? "jim"
        : `${field.name}-${id}`
    )
  );
}

/** test_query_merger.py's GRAPH, with recorded loaders. */
function mergerGraph(rec: Recorder): Graph {
  const load = (label: string) => rec.wrap(label, echo);
  const user = load("User");
  const info = load("Info");
  const car = load("Car");
  const audio = load("Audio");
  const video = load("Video");
  const kind = (id: Id) => String(id).split(":")[0]!;
  return Graph([
    Node("User", [
      Field("id", Str, user),
      Field("name", Str, user, {
        options: [Option("capitalize", Optional(Bool), { default: false })],
      }),
      Link("info", TypeRef("Info"), rec.wrap("User.info", () => "info:1"), { requires: null }),
      Link(
        "playlist",
        Sequence(InterfaceRef("Media")),
        rec.wrap("User.playlist", () => ["Audio:1", "Video:2", "Audio:3"]),
        { requires: null },
      ),
    ]),
    Node("Info", [
      Field("email", Str, info),
      Field("phone", Str, info),
      Link(
        "transport",
        Optional(UnionRef("Transport")),
        rec.wrap("Info.transport", () => "Car:1701"),
        { requires: null },
      ),
    ]),
    Node("Context", [
      Link("user", TypeRef("User"), rec.wrap("Context.user", () => "kirk"), { requires: null }),
    ]),
    Node("Audio", [Field("duration", Int, audio), Field("format", Str, audio)], {
      implements: ["Media"],
    }),
    Node("Video", [Field("duration", Int, video), Field("codec", Str, video)], {
      implements: ["Media"],
    }),
    Node("Car", [Field("model", Str, car), Field("year", Str, car)]),
    Node("Bike", [Field("model", Str, load("Bike"))]),
    Root([
      Link("context", TypeRef("Context"), rec.wrap("context", () => "bridge"), { requires: null }),
    ]),
  ], {
    interfaces: [Interface("Media", [Field("duration", Int, echo)], { resolveType: kind })],
    unions: [Union("Transport", ["Car", "Bike"], { resolveType: kind })],
  });
}

async function merged(query: string): Promise<{ data: unknown; calls: Recorder["calls"] }> {
  const rec = new Recorder();
  const graph = mergerGraph(rec);
  const data = denormalize(graph, await engine.execute(graph, read(query)));
  return { data, calls: rec.calls };
}

// test_query_merger.py: test_query_merger ("full query")
Deno.test("engine merges a query's selections per node (full query)", async () => {
  const { data, calls } = await merged(`
    query TestQuery {
      context {
        user {
          id
          name
          capName: name(capitalize: true)
          info {
            email
            phone
            transport {
              ... on Car { model year }
              ... on Bike { model }
            }
          }
          playlist {
            ... on Audio { duration format }
            ... on Video { duration codec }
          }
        }
      }
    }`);
  assert.deepEqual(data, {
    context: {
      user: {
        id: "kirk",
        name: "jim",
        capName: "JIM",
        info: {
          email: "email-info:1",
          phone: "phone-info:1",
          transport: { model: "model-Car:1701", year: "year-Car:1701" },
        },
        playlist: [
          { duration: "duration-Audio:1", format: "format-Audio:1" },
          { duration: "duration-Video:2", codec: "codec-Video:2" },
          { duration: "duration-Audio:3", format: "format-Audio:3" },
        ],
      },
    },
  });
  assert.deepEqual(calls, [
    { loader: "context", args: [] },
    { loader: "Context.user", args: [] },
    { loader: "User", args: [["id", "name", "capName:name"], ["kirk"]] },
    { loader: "User.info", args: [] },
    { loader: "Info", args: [["email", "phone"], ["info:1"]] },
    { loader: "Info.transport", args: [] },
    { loader: "Car", args: [["model", "year"], ["Car:1701"]] },
    { loader: "User.playlist", args: [] },
    { loader: "Audio", args: [["duration", "format"], ["Audio:1", "Audio:3"]] },
    { loader: "Video", args: [["duration", "codec"], ["Video:2"]] },
  ]);
});

// test_query_merger.py: test_query_merger (the fragment cases)
Deno.test("engine merges links selected in nested fragments into one load", async (t) => {
  const cases: { [name: string]: [string, unknown, string[][]] } = {
    "only nested fragments": [
      `query TestQuery { context { ...ContextFragment } }
       fragment ContextFragment on Context { ...ContextFragmentA ...ContextFragmentB }
       fragment ContextFragmentA on Context { user { id name } }
       fragment ContextFragmentB on Context { user { id } }`,
      { context: { user: { id: "kirk", name: "jim" } } },
      [["id", "name"]],
    ],
    "fields + fragments": [
      `query TestQuery { context { user { id info { email } } ...ContextFragment } }
       fragment ContextFragment on Context { ...ContextFragmentA ...ContextFragmentB }
       fragment ContextFragmentA on Context { user { id name } }
       fragment ContextFragmentB on Context { user { id info { phone } } }`,
      {
        context: {
          user: { id: "kirk", info: { email: "email-info:1", phone: "phone-info:1" }, name: "jim" },
        },
      },
      [["id", "name"], ["email", "phone"]],
    ],
    "fields + aliases + fragments": [
      `query TestQuery { context { user { id } ...ContextFragment } }
       fragment ContextFragment on Context { ...ContextFragmentA ...ContextFragmentB }
       fragment ContextFragmentA on Context { user { id name } }
       fragment ContextFragmentB on Context { user { id capName: name(capitalize: true) } }`,
      { context: { user: { id: "kirk", name: "jim", capName: "JIM" } } },
      [["id", "name", "capName:name"]],
    ],
  };
  for (const [name, [query, expected, fieldCalls]] of Object.entries(cases)) {
    await t.step(name, async () => {
      const { data, calls } = await merged(query);
      assert.deepEqual(data, expected);
      // Each link is loaded once; each node's fields in one call (order within it not asserted).
      assert.equal(calls.filter((c) => c.loader === "Context.user").length, 1);
      assert.ok(calls.filter((c) => c.loader === "User.info").length <= 1);
      const loaded = calls.filter((c) => c.loader === "User" || c.loader === "Info")
        .map((c) => [...(c.args[0] as string[])].sort());
      assert.deepEqual(loaded, fieldCalls.map((fields) => [...fields].sort()));
    });
  }
});

// test_query_merger.py: test_query_merger (the root fragment cases)
Deno.test("engine applies fragments on the root of the query", async (t) => {
  const cases: { [name: string]: string } = {
    "root fragment on Query":
      "query SomeQuery { ...SomeFragment } fragment SomeFragment on Query { context { user { id } } }",
    "root inline fragment on Query": "query SomeQuery { ... on Query { context { user { id } } } }",
    "nested root fragments on Query": `query SomeQuery { ...A }
      fragment A on Query { ...B }
      fragment B on Query { context { user { id } } }`,
  };
  for (const [name, query] of Object.entries(cases)) {
    await t.step(name, async () => {
      const { data, calls } = await merged(query);
      assert.deepEqual(data, { context: { user: { id: "kirk" } } });
      assert.deepEqual(calls.map((c) => c.loader), ["context", "Context.user", "User"]);
    });
  }
});

// test_query_merger.py: test_query_merger__unions
Deno.test("engine merges fragments on a union's members per member", async (t) => {
  const cases: { [name: string]: string } = {
    "union fragments inside fragment": `
      query TestQuery { context { user { info { transport {
        ... on Car { year }
        ...TransportFragment
      } } } } }
      fragment TransportFragment on Transport {
        ... on Car { year }
        ... on Car { model }
        ... on Bike { model }
      }`,
    "union fragments flat": `
      query TestQuery { context { user { info { transport {
        ... on Car { year }
        ... on Car { model }
        ... on Bike { model }
      } } } } }`,
  };
  for (const [name, query] of Object.entries(cases)) {
    await t.step(name, async () => {
      const { data, calls } = await merged(query);
      assert.deepEqual(data, {
        context: {
          user: { info: { transport: { year: "year-Car:1701", model: "model-Car:1701" } } },
        },
      });
      assert.deepEqual(calls.filter((c) => c.loader === "Car"), [
        { loader: "Car", args: [["year", "model"], ["Car:1701"]] },
      ]);
    });
  }
});

// test_query_merger.py: test_query_merger__interfaces
Deno.test("engine merges an interface's fields with fragments on its nodes", async (t) => {
  const cases: { [name: string]: string } = {
    "interface fragments - fields inside fragments": `
      query TestQuery { context { user { playlist {
        ... on Audio { duration format }
        ... on Video { duration codec }
      } } } }`,
    "interface fragments - fields inside and outside fragments": `
      query TestQuery { context { user { playlist {
        duration
        ... on Audio { format }
        ... on Video { duration codec }
      } } } }`,
    "interface fragments - fragments inside fragments": `
      query TestQuery { context { user { playlist { ...PlaylistFragment } } } }
      fragment PlaylistFragment on Media {
        ... on Audio { duration format }
        ... on Video { duration codec }
      }`,
  };
  for (const [name, query] of Object.entries(cases)) {
    await t.step(name, async () => {
      const { data, calls } = await merged(query);
      assert.deepEqual(data, {
        context: {
          user: {
            playlist: [
              { duration: "duration-Audio:1", format: "format-Audio:1" },
              { duration: "duration-Video:2", codec: "codec-Video:2" },
              { duration: "duration-Audio:3", format: "format-Audio:3" },
            ],
          },
        },
      });
      assert.deepEqual(
        calls.filter((c) => c.loader === "Audio" || c.loader === "Video"),
        [
          { loader: "Audio", args: [["duration", "format"], ["Audio:1", "Audio:3"]] },
          { loader: "Video", args: [["duration", "codec"], ["Video:2"]] },
        ],
      );
    });
  }
});

// test_query_merger.py: test_query_merger__non_existing_link (Hiku raises KeyError while merging;
// here validation reports it before anything loads)
Deno.test("engine rejects a link the root does not have before loading", async () => {
  const rec = new Recorder();
  const graph = mergerGraph(rec);
  await assert.rejects(
    engine.execute(graph, read("query TestQuery { nonExistingLink { id } }")),
    (error: unknown) => {
      assert.ok(error instanceof QueryValidationError);
      assert.equal(error.errors.length, 1);
      assert.match(error.errors[0]!.message, /"nonExistingLink"/);
      return true;
    },
  );
  assert.deepEqual(rec.calls, []);
});

/** test_query_merger.py's playlist graph (test_query_merger_my), with recorded loaders. */
function playlistGraph(rec: Recorder): Graph {
  const kind = (id: Id) => String(id).split(":")[0]!;
  const load = (label: string) => rec.wrap(label, echo);
  const play = load("PlayTrackAction");
  const choose = load("ChooseTrackAction");
  const context = load("PlaylistContext");
  return Graph([
    Node("PlayTrackAction", [Field("id", Str, play), Field("title", Str, play)]),
    Node("ChooseTrackAction", [Field("id", Str, choose), Field("title", Str, choose)]),
    Node("PlaylistEntry", [
      Link(
        "actions",
        Sequence(UnionRef("PlaylistAction")),
        rec.wrap("PlaylistEntry.actions", () => ["PlayTrackAction:1", "ChooseTrackAction:2"]),
        { requires: null },
      ),
    ]),
    Node("PlaylistContext", [Field("artistId", Str, context), Field("albumId", Str, context)]),
    Node("ChooseTracksUpdate", [
      Link("node", TypeRef("PlaylistEntry"), () => "entry", { requires: null }),
    ]),
    Node("ContactCuratorUpdate", [
      Link("context", TypeRef("PlaylistContext"), () => "ctx", { requires: null }),
      Link("node", TypeRef("PlaylistEntry"), () => "entry", { requires: null }),
    ]),
    Node("PlaylistGuide", [
      Link(
        "lastUpdate",
        UnionRef("PlaylistUpdate"),
        () => "ContactCuratorUpdate:1",
        { requires: null },
      ),
    ]),
    Root([Link("playlistGuide", TypeRef("PlaylistGuide"), () => "guide", { requires: null })]),
  ], {
    unions: [
      Union("PlaylistAction", ["PlayTrackAction", "ChooseTrackAction"], { resolveType: kind }),
      Union("PlaylistUpdate", ["ChooseTracksUpdate", "ContactCuratorUpdate"], {
        resolveType: kind,
      }),
    ],
  });
}

// test_query_merger.py: test_query_merger_my, test_engine.py:
// test_init_options_supports_named_union_fragment_after_query_merge
Deno.test("engine resolves wrapper fragments on unions at every level", async (t) => {
  const fragments = `
    fragment b on PlaylistContext { artistId albumId }
    fragment c on PlayTrackAction { id title }
    fragment d on ChooseTrackAction { id title }
    fragment k on PlaylistAction { __typename ...c ...d }
    fragment l on PlaylistEntry { __typename actions { ...k } }`;
  const expectedNode = {
    __typename: "PlaylistEntry",
    actions: [
      { __typename: "PlayTrackAction", id: "PlayTrackAction:1", title: "title-PlayTrackAction:1" },
      {
        __typename: "ChooseTrackAction",
        id: "ChooseTrackAction:2",
        title: "title-ChooseTrackAction:2",
      },
    ],
  };
  const cases: { [name: string]: string } = {
    "apollo-router-style playlist query": `
      query PlaylistUpdateQuery__router__0 { playlistGuide { lastUpdate {
        __typename
        ... on ChooseTracksUpdate { node { ...l } }
        ... on ContactCuratorUpdate { context { ...b } node { ...l } }
      } } }`,
    "apollo-router-style playlist query without ChooseTracksUpdate": `
      query PlaylistUpdateQuery__router__1 { playlistGuide { lastUpdate {
        __typename
        ... on ContactCuratorUpdate { context { ...b } node { ...l } }
      } } }`,
  };
  for (const [name, query] of Object.entries(cases)) {
    await t.step(name, async () => {
      const rec = new Recorder();
      const graph = playlistGraph(rec);
      const data = denormalize(graph, await engine.execute(graph, read(query + fragments)));
      assert.deepEqual(data, {
        playlistGuide: {
          lastUpdate: {
            __typename: "ContactCuratorUpdate",
            context: { artistId: "artistId-ctx", albumId: "albumId-ctx" },
            node: expectedNode,
          },
        },
      });
      assert.deepEqual(rec.calls, [
        { loader: "PlaylistContext", args: [["artistId", "albumId"], ["ctx"]] },
        { loader: "PlaylistEntry.actions", args: [] },
        { loader: "PlayTrackAction", args: [["id", "title"], ["PlayTrackAction:1"]] },
        { loader: "ChooseTrackAction", args: [["id", "title"], ["ChooseTrackAction:2"]] },
      ]);
    });
  }
});
