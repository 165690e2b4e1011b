import assert from "node:assert/strict";
import {
  build,
  type FieldHandle,
  Q as AnyQ,
  type QueryBuilder,
  type QueryHandle,
} from "../src/query/builder.ts";
import { read } from "../src/query/readers/graphql.ts";
import { readSimple } from "../src/query/readers/simple.ts";
import { queryField, queryLink, type QueryNode, queryNode } from "../src/query/query.ts";

// deno.json turns on noUncheckedIndexedAccess, under which `AnyQ.name` may be undefined to the
// type checker; naming the fields used here gives them a definite type.
const Q: QueryBuilder<
  "characters" | "actors" | "character" | "name" | "species" | "born" | "beamUp" | "kirk"
> = AnyQ;

const field = queryField;
const node = queryNode;

function throwsTypeError(fn: () => unknown, message: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof TypeError, `expected a TypeError, got ${error}`);
    assert.equal(error.message, message);
    return true;
  });
}

/** The merged view of a query (`fields` and `fragments`, recursively), without `items`. */
function mergedView(node: QueryNode): unknown {
  return {
    fields: node.fields.map((f) => f.kind === "link" ? { ...f, node: mergedView(f.node) } : f),
    fragments: node.fragments.map((f) => ({ ...f, node: mergedView(f.node) })),
    ordered: node.ordered,
  };
}

Deno.test("build() gives the same AST as read() and readSimple()", async (t) => {
  const cases: [string, () => QueryHandle[], string, string][] = [
    ["fields", () => [Q.name, Q.species], "{ name species }", "[:name :species]"],
    [
      "a link",
      () => [Q.characters(Q.name, Q.species)],
      "{ characters { name species } }",
      "[{:characters [:name :species]}]",
    ],
    [
      "nested links",
      () => [Q.characters(Q.name, Q.actors(Q.name, Q.character(Q.species)))],
      "{ characters { name actors { name character { species } } } }",
      "[{:characters [:name {:actors [:name {:character [:species]}]}]}]",
    ],
    [
      "link options",
      () => [Q.characters.options({ limit: 10, species: "Vulcan" })(Q.name)],
      '{ characters(limit: 10, species: "Vulcan") { name } }',
      '[{(:characters {:limit 10 :species "Vulcan"}) [:name]}]',
    ],
    [
      "field options with nested values",
      () => [Q.name.options({ lang: "en", fallbacks: ["de", null], filter: { short: true } })],
      '{ name(lang: "en", fallbacks: ["de", null], filter: {short: true}) }',
      '[(:name {:lang "en" :fallbacks ["de" nil] :filter {:short true}})]',
    ],
    [
      "repeated selections, merged",
      () => [Q.characters(Q.name), Q.characters(Q.species), Q.name, Q.name],
      "{ characters { name } characters { species } name name }",
      "[{:characters [:name]} {:characters [:species]} :name :name]",
    ],
  ];
  for (const [what, handles, graphql, simple] of cases) {
    await t.step(what, () => {
      const built = build(handles());
      assert.deepEqual(built, read(graphql, { noLocation: true }));
      assert.deepEqual(built, readSimple(simple));
    });
  }
});

Deno.test("build() gives the same AST as read() for aliases", () => {
  assert.deepEqual(
    build([
      Q.kirk.as("captain"),
      Q.characters.options({ limit: 2 }).as("crew")(Q.name.as("fullName"), Q.species),
      Q.actors(Q.name).as("cast"),
    ]),
    read(
      "{ captain: kirk crew: characters(limit: 2) { fullName: name species } cast: actors { name } }",
      { noLocation: true },
    ),
  );
});

Deno.test("build() makes a field from a handle and a link from a called handle", () => {
  assert.deepEqual(
    build([Q.name, Q.characters(Q.name)]),
    node([field("name"), queryLink("characters", node([field("name")]))]),
  );
});

Deno.test("build() makes a link with an empty selection from a handle called without children", () => {
  assert.deepEqual(build([Q.characters()]), node([queryLink("characters", node([]))]));
});

Deno.test("handle options and alias can be set in any order, before or after the children", () => {
  const expected = node([
    queryLink("characters", node([field("name")]), { alias: "crew", options: { limit: 1 } }),
  ]);
  assert.deepEqual(build([Q.characters.options({ limit: 1 }).as("crew")(Q.name)]), expected);
  assert.deepEqual(build([Q.characters.as("crew").options({ limit: 1 })(Q.name)]), expected);
  assert.deepEqual(build([Q.characters(Q.name).options({ limit: 1 }).as("crew")]), expected);
  assert.deepEqual(build([Q.characters.as("crew")(Q.name).options({ limit: 1 })]), expected);
});

Deno.test("handle options() adds to earlier options, the later value winning", () => {
  assert.deepEqual(
    build([Q.characters.options({ limit: 1, offset: 5 }).options({ limit: 2 })(Q.name)]),
    node([
      queryLink("characters", node([field("name")]), { options: { limit: 2, offset: 5 } }),
    ]),
  );
});

Deno.test("handle options() with an empty object gives null options", () => {
  assert.deepEqual(build([Q.name.options({})]), node([field("name")]));
});

Deno.test("handles are immutable, so one handle can be reused", () => {
  const name: FieldHandle = Q.name;
  const limited = Q.characters.options({ limit: 1 });
  const aliased = limited.as("first");
  const link = limited(name);
  assert.deepEqual(
    mergedView(build([limited(name, Q.species), aliased(name), link, name])),
    mergedView(node([
      queryLink("characters", node([field("name"), field("species")]), { options: { limit: 1 } }),
      queryLink("characters", node([field("name")]), { alias: "first", options: { limit: 1 } }),
      field("name"),
    ])),
  );
  assert.deepEqual(build([limited]), node([field("characters", { options: { limit: 1 } })]));
  assert.ok(Object.isFrozen(name));
  assert.ok(Object.isFrozen(link));
  assert.notEqual(limited, aliased);
});

Deno.test("handle options are copied, so changing the object later has no effect", () => {
  const options: { limit: number } = { limit: 1 };
  const handle = Q.characters.options(options);
  options.limit = 2;
  assert.deepEqual(build([handle]), node([field("characters", { options: { limit: 1 } })]));
});

Deno.test("handle option values are copied and frozen at every depth, so their index key holds", () => {
  const filter = { species: ["Vulcan"], rank: { min: 1 } };
  const query = build([Q.characters.options({ filter })]);
  filter.species.push("Human");
  filter.rank.min = 5;
  const built = query.fields[0]!;
  assert.deepEqual(built.options, { filter: { species: ["Vulcan"], rank: { min: 1 } } });
  assert.equal(built.indexKey, 'characters({"filter":{"rank":{"min":1},"species":["Vulcan"]}})');
  const kept = built.options!.filter as { species: string[]; rank: { min: number } };
  assert.ok(Object.isFrozen(built.options) && Object.isFrozen(kept));
  assert.ok(Object.isFrozen(kept.species) && Object.isFrozen(kept.rank));
  // Other objects (a Date for a custom scalar) are kept as they are.
  const day = new Date(0);
  assert.equal(build([Q.born.options({ day })]).fields[0]!.options!.day, day);
});

Deno.test("handle options() refuses a value that refers to itself or nests past 256 levels", () => {
  const cyclic: { [key: string]: unknown } = {};
  cyclic.self = cyclic;
  let deep: unknown = 1;
  for (let i = 0; i < 10_000; i++) deep = [deep];
  for (const value of [cyclic, deep]) {
    throwsTypeError(
      () => Q.characters.options({ filter: value }),
      'Cannot set option "filter" of Q.characters: its value nests deeper than 256 levels, or ' +
        "refers to itself",
    );
  }
});

Deno.test("build() with ordered gives an ordered root, as a mutation", () => {
  const query = build([Q.beamUp.options({ name: "Spock" })(Q.name)], { ordered: true });
  assert.equal(query.ordered, true);
  const link = query.fields[0];
  assert.ok(link?.kind === "link");
  assert.equal(link.node.ordered, false);
  assert.equal(build([Q.name]).ordered, false);
});

Deno.test("Q gives a field handle for any string key and undefined for symbols", () => {
  const anyName = (AnyQ as { readonly [key: string]: unknown })["then"];
  assert.equal(typeof anyName, "function");
  assert.deepEqual(build([anyName as FieldHandle]), node([field("then")]));
  assert.equal((AnyQ as unknown as { [key: symbol]: unknown })[Symbol.iterator], undefined);
});

Deno.test("Q cannot be assigned to", () => {
  assert.throws(() => {
    (AnyQ as unknown as { [key: string]: unknown }).name = 1;
  }, TypeError);
});

Deno.test("build() rejects an item that is not a handle", () => {
  throwsTypeError(
    () => build(["name" as unknown as QueryHandle]),
    'Cannot build a query: expected query handles such as Q.name, got "name" at index 0',
  );
  throwsTypeError(
    () => build([Q.name, { options: () => null, as: () => null } as unknown as QueryHandle]),
    "Cannot build a query: expected query handles such as Q.name, got { options: [function options], " +
      "as: [function as] } at index 1",
  );
  throwsTypeError(
    () => build(Q.name as unknown as QueryHandle[]),
    "Cannot build a query: expected an array of query handles, got [function handle]",
  );
});

Deno.test("a link rejects a child that is not a handle", () => {
  throwsTypeError(
    () => Q.characters(Q.name, ":species" as unknown as QueryHandle),
    'Cannot make link Q.characters: expected query handles such as Q.name, got ":species" at position 1',
  );
});

Deno.test("handle options() rejects a value that is not an object", () => {
  throwsTypeError(
    () => Q.characters.options(10 as unknown as { limit: number }),
    "Cannot set options of Q.characters: expected an object of option values, got 10",
  );
  throwsTypeError(
    () => Q.characters(Q.name).options([1] as unknown as { limit: number }),
    "Cannot set options of Q.characters: expected an object of option values, got [1]",
  );
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  throwsTypeError(
    () => Q.characters.options(proxy as { limit: number }),
    "Cannot set options of Q.characters: expected an object of option values, got [unreadable]",
  );
  throwsTypeError(
    () => Q.characters.options(new Map() as unknown as { limit: number }),
    "Cannot set options of Q.characters: expected an object of option values, got Map {}",
  );
});

Deno.test("handle as() rejects an alias that is not a non-empty string", () => {
  throwsTypeError(
    () => Q.characters.as(""),
    'Cannot set the alias of Q.characters: expected a non-empty string, got ""',
  );
  throwsTypeError(
    () => Q.characters(Q.name).as(1 as unknown as string),
    "Cannot set the alias of Q.characters: expected a non-empty string, got 1",
  );
});
