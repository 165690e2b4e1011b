/**
 * Types that carry through: a blog graph whose loaders are written with no annotations, the
 * context typed once and option values typed from the options each link declares. `deno task
 * check` type-checks this file; the `@ts-expect-error` lines are what must not type-check.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  AsyncExecutor,
  denormalize,
  Engine,
  Field,
  Graph,
  Int,
  Link,
  Node,
  Option,
  Optional,
  type OptionValues,
  PASS_CONTEXT,
  passContext,
  type QueryField,
  read,
  Root,
  Sequence,
  Str,
  TypeRef,
  withContext,
} from "../mod.ts";
import type { PgClient, PgRow } from "../sources/postgres.ts";
import { isContextLoader } from "../src/definitions/context.ts";

const PG = "pg";
type BlogContext = { readonly [PG]: PgClient };

const posts = [
  { id: 1, title: "Hello", author_id: 1 },
  { id: 2, title: "Batches", author_id: 1 },
  { id: 3, title: "Graphs", author_id: 2 },
];
const authors = [{ id: 1, name: "Ada" }, { id: 2, name: "Grace" }];

/** A stand-in for a Postgres client: answers the few statements the graph sends. */
function fakeClient(log: string[]): PgClient {
  return {
    query(text: string, params: readonly unknown[] = []): Promise<readonly PgRow[]> {
      log.push(`${text} ${JSON.stringify(params)}`);
      const ids = (params[0] ?? []) as readonly number[];
      if (text.startsWith("SELECT id FROM post ORDER BY id LIMIT")) {
        return Promise.resolve(posts.slice(0, (params[0] as number | null) ?? undefined));
      }
      if (text.startsWith("SELECT * FROM post")) {
        return Promise.resolve(posts.filter((p) => ids.includes(p.id)));
      }
      if (text.startsWith("SELECT * FROM author")) {
        return Promise.resolve(authors.filter((a) => ids.includes(a.id)));
      }
      return Promise.reject(new Error(`unexpected statement ${text}`));
    },
  };
}

const blog = withContext<BlogContext>();

const postFields = blog.Field("title", Str, async (ctx, fields, ids) => {
  const rows = await ctx[PG].query("SELECT * FROM post WHERE id = ANY($1)", [ids]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => fields.map((f) => byId.get(id)?.[f.name] ?? null));
});

export const graph: Graph = Graph([
  Node("Post", [
    Field("id", Int, (fields, ids) => ids.map((id) => fields.map(() => id))),
    postFields,
    blog.Field("author_id", Int, async (ctx, _fields, ids) => {
      const rows = await ctx[PG].query("SELECT * FROM post WHERE id = ANY($1)", [ids]);
      return ids.map((id) => [rows.find((row) => row.id === id)?.author_id ?? null]);
    }),
    Link("author", TypeRef("Author"), (values) => values, { requires: "author_id" }),
  ]),
  Node("Author", [
    blog.Field("name", Str, async (ctx, _fields, ids) => {
      const rows = await ctx[PG].query("SELECT * FROM author WHERE id = ANY($1)", [ids]);
      return ids.map((id) => [rows.find((row) => row.id === id)?.name ?? null]);
    }),
  ]),
  Root([
    // The loader, as written there: no annotation inside it.
    blog.Link(
      "posts",
      Sequence(TypeRef("Post")),
      async (ctx, opts) =>
        (await ctx[PG].query("SELECT id FROM post ORDER BY id LIMIT $1", [opts.limit]))
          .map((row) => row.id),
      { requires: null, options: [Option("limit", Optional(Int))] },
    ),
  ]),
]);

Deno.test("the blog graph's typed loaders run: context and option values reach them", async () => {
  const log: string[] = [];
  const engine = new Engine(new AsyncExecutor());
  const result = await engine.execute(
    graph,
    read("{ posts(limit: 2) { title author { name } } }"),
    { [PG]: fakeClient(log) },
  );
  assert.deepEqual(denormalize(graph, result), {
    posts: [
      { title: "Hello", author: { name: "Ada" } },
      { title: "Batches", author: { name: "Ada" } },
    ],
  });
  assert.equal(log[0], "SELECT id FROM post ORDER BY id LIMIT $1 [2]");
});

Deno.test("withContext() members wrap their loaders with passContext", () => {
  assert.equal(isContextLoader(postFields.loader), true);
  const link = graph.root.fieldsMap.get("posts");
  assert.equal(link !== undefined && isContextLoader(link.loader), true);
});

Deno.test("passContext() marks its loaders with PASS_CONTEXT, in both forms", () => {
  const plain = passContext((ctx: BlogContext) => ctx[PG]);
  const curried = passContext<BlogContext>()((ctx) => ctx[PG]);
  assert.equal(plain[PASS_CONTEXT], true);
  assert.equal(curried[PASS_CONTEXT], true);
  assert.equal(isContextLoader(curried), true);
  const client = fakeClient([]);
  assert.equal(curried({ [PG]: client }), client);
});

// Type-level cases: checked by `deno task check`, never run.
function typeOnly(): void {
  const limitOptions = [Option("limit", Optional(Int)), Option("tag", Str, { default: "all" })];

  // Inline plain loaders get their option values typed.
  Link("a", Sequence(TypeRef("Post")), (ids, opts) => {
    const limit: number | null | undefined = opts.limit;
    const tag: string = opts.tag;
    return ids.map(() => [limit, tag]);
  }, { requires: "id", options: limitOptions });
  Link("b", Sequence(TypeRef("Post")), (opts) => {
    // @ts-expect-error an Optional(Int) option is not a string
    const limit: string = opts.limit;
    return [limit];
  }, { requires: null, options: limitOptions });
  // @ts-expect-error a loader declaring another type for an Int option does not type-check
  Link("c", Sequence(TypeRef("Post")), (opts: { limit: string }) => [opts.limit], {
    requires: null,
    options: [Option("limit", Optional(Int))],
  });
  // Narrower declared types stay accepted.
  Link("d", TypeRef("Post"), (ids: number[], opts: { tag: string }) => ids.map(() => opts.tag), {
    requires: "id",
    options: limitOptions,
  });

  // A loader written apart names its options' values with OptionValues.
  const apart = (ids: readonly unknown[], opts: OptionValues<typeof limitOptions>) =>
    ids.map(() => opts.limit ?? 10);
  Link("e", Sequence(TypeRef("Post")), apart, { requires: "id", options: limitOptions });

  // Context loaders.
  blog.Link("f", Sequence(TypeRef("Post")), (ctx, ids, opts) => {
    const client: PgClient = ctx[PG];
    // @ts-expect-error the context has no such key
    ctx.other;
    // @ts-expect-error an Optional(Int) option is not a string
    const limit: string = opts.limit;
    return client.query("x", [ids, limit]);
  }, { requires: "id", options: [Option("limit", Optional(Int))] });
  // @ts-expect-error with requires: null the loader gets the options, not values
  blog.Link("g", TypeRef("Post"), (_ctx, values: readonly number[]) => values, {
    requires: null,
    options: [Option("limit", Int)],
  });
  Field(
    "h",
    Str,
    passContext<BlogContext>()((ctx, ids: readonly number[]) => {
      const client: PgClient = ctx[PG];
      return ids.map(() => [client]);
    }),
  );
  // Field loaders get each field's option values typed, plain or with a context.
  const sizeOptions = [Option("size", Int, { default: 64 }), Option("format", Optional(Str))];
  Field("avatar", Str, (fields, ids) => {
    const size: number = fields[0]!.options.size;
    const format: string | null | undefined = fields[0]!.options.format;
    // @ts-expect-error an Int option is not a string
    const wrong: string = fields[0]!.options.size;
    return ids.map(() => fields.map(() => [size, format, wrong]));
  }, { options: sizeOptions });
  blog.Field("avatarUrl", Str, (ctx, fields, ids) => {
    const client: PgClient = ctx[PG];
    // @ts-expect-error the field declares no option "width"
    fields[0]!.options.width;
    return ids.map(() => fields.map((f) => [client, f.options.size]));
  }, { options: sizeOptions });
  // A context loader written apart, its fields annotated, still fits a field with options.
  const apartField = (ctx: BlogContext, fields: readonly QueryField[], ids: readonly number[]) =>
    ids.map(() => fields.map(() => ctx[PG]));
  blog.Field("avatarApart", Str, apartField, { options: sizeOptions });
  // Without declared options, `options` stays `QueryOptions | null`.
  Field("plain", Str, (fields) => fields.map((f) => f.options === null ? 0 : 1));
  // The first form keeps working with an annotated context.
  Link(
    "i",
    Sequence(TypeRef("Post")),
    passContext(async (ctx: BlogContext) => (await ctx[PG].query("x")).map((r) => r.id)),
    { requires: null },
  );
}
void typeOnly;
