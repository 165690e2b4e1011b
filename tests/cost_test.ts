/**
 * The cost limit: a static estimate of each query before it runs (one call per loader per node
 * per path, an id per id, lists at their declared size), and a running count of the ids that
 * reach nodes while it runs, both against a `CostBudget`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  AsyncExecutor,
  COST_BUDGET_DEFAULTS,
  CostBudget,
  CostLimitError,
  Engine,
  estimateCost,
  Field,
  Float,
  Graph,
  Int,
  Interface,
  InterfaceRef,
  Link,
  Node,
  Option,
  Optional,
  read,
  Root,
  Schema,
  Sequence,
  Str,
  TypeRef,
  Union,
  UnionRef,
} from "../mod.ts";

const UNITS = { loadCost: 20, listSize: 10 };

/** Characters 1..n, each with two actors; every loader call is logged. */
function seedGraph(count = 5) {
  const calls: string[] = [];
  const names = (fields: readonly unknown[], ids: readonly number[]) => {
    calls.push(`names:${ids.length}`);
    return ids.map((id) => fields.map(() => `#${id}`));
  };
  const graph = Graph([
    Node("Character", [
      Field("id", Int, (fields: readonly unknown[], ids: readonly number[]) => {
        calls.push(`characterIds:${ids.length}`);
        return ids.map((id) => fields.map(() => id));
      }),
      Field("name", Str, names),
      Link("actors", Sequence(TypeRef("Actor")), (ids: readonly number[]) => {
        calls.push(`actors:${ids.length}`);
        return ids.map((id) => [id * 10, id * 10 + 1]);
      }, { requires: "id" }),
    ]),
    Node("Actor", [
      Field("name", Str, names),
      Link("character", TypeRef("Character"), (ids: readonly number[]) => {
        calls.push(`character:${ids.length}`);
        return ids.map((id) => Math.floor(id / 10));
      }, { requires: "name" }),
    ]),
    Root([
      Link("characters", Sequence(TypeRef("Character")), () => {
        calls.push("characters");
        return Array.from({ length: count }, (_, i) => i + 1);
      }, { requires: null }),
      Link(
        "page",
        Sequence(TypeRef("Character")),
        (options: { limit: number }) => Array.from({ length: options.limit }, (_, i) => i + 1),
        { requires: null, options: [Option("limit", Int, { default: 3 })], sizeOption: "limit" },
      ),
      Link("top", Sequence(TypeRef("Character")), () => [1, 2], { requires: null, size: 2 }),
      Link(
        "nodes",
        Sequence(TypeRef("Character")),
        (options: { ids: number[] }) => options.ids,
        { requires: null, options: [Option("ids", Sequence(Int))], sizeOption: "ids" },
      ),
      Link("hero", TypeRef("Character"), () => 1, { requires: null }),
      Link("villain", Optional(TypeRef("Character")), () => 2, { requires: null }),
    ]),
  ]);
  return { graph, calls };
}

Deno.test("estimateCost() counts a call per loader per node per path, and an id per id", () => {
  const { graph } = seedGraph();
  // characters (1 call, 1 id) -> Character: names + characterIds (for actors) + actors link,
  // 10 ids each -> Actor: names, 100 ids.
  const estimate = estimateCost(graph, read("{ characters { name actors { name } } }"), {}, UNITS);
  assert.equal(estimate.loads, 5);
  assert.equal(estimate.ids, 1 + 1 + 10 * (1 + 1 + 1 + 10 * 1));
  assert.equal(estimate.cost, 5 * 20 + estimate.ids);
  assert.equal(estimate.variable, false);
});

Deno.test("estimateCost() multiplies lists by their declared size, option or listSize", async (t) => {
  const { graph } = seedGraph();
  const idsOf = (text: string, variables = {}) =>
    estimateCost(graph, read(text), variables, UNITS).ids;
  await t.step("one and optional links hold one", () => {
    assert.equal(idsOf("{ hero { name } }"), 1 + 1 + 1);
    assert.equal(idsOf("{ villain { name } }"), 1 + 1 + 1);
  });
  await t.step("a declared size", () => assert.equal(idsOf("{ top { name } }"), 1 + 1 + 2));
  await t.step("the size option's literal, or its default", () => {
    assert.equal(idsOf("{ page(limit: 50) { name } }"), 1 + 1 + 50);
    assert.equal(idsOf("{ page { name } }"), 1 + 1 + 3);
  });
  await t.step("a list option's length, given or through a variable", async () => {
    assert.equal(idsOf("{ nodes(ids: [1, 2, 3, 4]) { name } }"), 1 + 1 + 4);
    // Through Schema, which keeps the variable in the plan: 99,000 ids are refused before
    // anything loads, where listSize (10) let them through.
    const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
    const ids = Array.from({ length: 99_000 }, (_, i) => i);
    const response = await schema.execute({
      query: "query ($ids: [Int!]!) { nodes(ids: $ids) { name } }",
      variables: { ids },
      budget: new CostBudget(),
    });
    assert.equal(response.data, undefined);
    assert.match(response.errors?.[0]?.message ?? "", /^Query is estimated to cost 99,\d+, over/);
  });
  await t.step("listSize for a list that declares nothing", () => {
    const estimate = estimateCost(graph, read("{ characters { name } }"), {}, {
      loadCost: 20,
      listSize: 100,
    });
    assert.equal(estimate.ids, 1 + 1 + 100);
  });
});

Deno.test("estimateCost() counts nothing below a list of 0, and an estimate past any number is over every budget", async (t) => {
  const next = (ids: readonly number[]) => ids.map((id) => [id + 1]);
  const sized = { options: [Option("limit", Float, { default: 10 })], sizeOption: "limit" };
  const graph = Graph([
    Node("N", [
      Field("id", Int, (_f: unknown, ids: readonly number[]) => ids.map((id) => [id])),
      Link("next", Sequence(TypeRef("N")), next, { requires: "id", ...sized }),
    ]),
    Root([Link("ns", Sequence(TypeRef("N")), () => [1], { requires: null, ...sized })]),
  ]);
  const huge = "next(limit: 1e300) { next(limit: 1e300) { id } }";
  await t.step("0 items times an estimate past any number is 0 (it was NaN)", () => {
    const estimate = estimateCost(graph, read(`{ a: ns(limit: 0) { ${huge} } }`), {}, UNITS);
    assert.ok(Number.isFinite(estimate.cost), String(estimate.cost));
  });
  await t.step("an infinite estimate, or NaN, is refused and leaves the budget as it was", () => {
    const estimate = estimateCost(graph, read(`{ b: ns(limit: 1) { ${huge} } }`), {}, UNITS);
    const budget = new CostBudget();
    assert.equal(budget.spendEstimate(estimate.cost), false);
    assert.equal(budget.spendEstimate(Number.NaN), false);
    assert.equal(budget.spendIds(Number.NaN), false);
    assert.deepEqual([budget.estimated, budget.ids], [0, 0]);
    assert.equal(budget.spendEstimate(10), true);
  });
});

Deno.test("estimateCost() walks a selection set shared by many paths once", () => {
  const { graph } = seedGraph();
  // 2^40 paths through shared fragments: counted, not walked.
  const fragments: string[] = [];
  for (let i = 0; i < 40; i++) {
    const [type, link] = i % 2 === 0 ? ["Character", "actors"] : ["Actor", "character"];
    fragments.push(
      `fragment F${i} on ${type} { name a: ${link} { ...F${i + 1} } b: ${link} { ...F${i + 1} } }`,
    );
  }
  fragments.push("fragment F40 on Character { name }");
  const estimate = estimateCost(
    graph,
    read(`{ characters { ...F0 } }\n${fragments.join("\n")}`),
    {},
    UNITS,
  );
  assert.ok(estimate.loads > 2 ** 40);
  assert.ok(estimate.cost > 1e12);
});

Deno.test("estimateCost() merges what fragments spread at one level, as the engine does", () => {
  const { graph } = seedGraph();
  // F60 stands for 2^60 spreads of F0: one load of names, as executed.
  const fragments = ["fragment F0 on Character { name actors { name } }"];
  for (let i = 1; i <= 60; i++) {
    fragments.push(`fragment F${i} on Character { ...F${i - 1} ...F${i - 1} }`);
  }
  const fanOut = estimateCost(
    graph,
    read(`{ characters { ...F60 } }\n${fragments.join("\n")}`),
    {},
    UNITS,
  );
  const plain = estimateCost(graph, read("{ characters { name actors { name } } }"), {}, UNITS);
  assert.deepEqual(fanOut, plain);
  // The same link under one key in two places loads once, with both selections.
  const twice = estimateCost(
    graph,
    read("{ characters { actors { name } ... on Character { actors { character { name } } } } }"),
    {},
    UNITS,
  );
  const once = estimateCost(
    graph,
    read("{ characters { actors { name character { name } } } }"),
    {},
    UNITS,
  );
  assert.deepEqual(twice, once);
});

Deno.test("estimateCost() sums calls over a union's types and takes the largest per id", () => {
  const rows = (fields: readonly unknown[], ids: readonly unknown[]) =>
    ids.map(() => fields.map(() => "x"));
  const graph = Graph([
    Node("Character", [Field("name", Str, rows), Field("species", Str, () => [])], {
      implements: ["Named"],
    }),
    Node("Starship", [Field("name", Str, rows)], { implements: ["Named"] }),
    Root([
      Link("search", Sequence(UnionRef("Result")), () => [], { requires: null }),
      Link("named", Sequence(InterfaceRef("Named")), () => [], { requires: null }),
    ]),
  ], {
    unions: [Union("Result", ["Character", "Starship"], { resolveType: () => "Character" })],
    interfaces: [Interface("Named", [Field("name", Str, () => [])], {
      resolveType: () => "Character",
    })],
  });
  const text = "{ search { ... on Character { name } ... on Starship { name } } }";
  const union = estimateCost(graph, read(text), {}, UNITS);
  assert.equal(union.loads, 1 + 2);
  assert.equal(union.ids, 1 + 1 + 10 * 1);
  const iface = estimateCost(graph, read("{ named { name } }"), {}, UNITS);
  assert.equal(iface.loads, 1 + 2);
});

Deno.test("CostBudget adds up estimates and ids, and refuses what would go over", () => {
  const budget = new CostBudget({ maxCost: 100, maxIds: 10 });
  assert.equal(budget.spendEstimate(60), true);
  assert.equal(budget.spendEstimate(50), false);
  assert.equal(budget.spendEstimate(40), true);
  assert.equal(budget.estimated, 100);
  assert.equal(budget.spendIds(10), true);
  assert.equal(budget.spendIds(1), false);
  assert.equal(budget.ids, 10);
  const defaults = new CostBudget();
  assert.equal(defaults.maxCost, COST_BUDGET_DEFAULTS.maxCost);
  assert.equal(defaults.maxIds, COST_BUDGET_DEFAULTS.maxIds);
  assert.throws(() => new CostBudget({ maxCost: -1 }), /"maxCost" must be a number of at least 0/);
  assert.throws(() => new CostBudget({ maxIds: Number.NaN }), /"maxIds"/);
  assert.equal(new CostBudget({ maxIds: Infinity }).spendIds(1e12), true);
});

Deno.test("Link() refuses a size that is not a whole number, and a sizeOption it lacks", () => {
  const load = () => [];
  assert.throws(
    () => Link("l", Sequence(TypeRef("N")), load, { requires: null, size: 2.5 }),
    /Link "l": "size" must be a whole number/,
  );
  assert.throws(
    () => Link("l", Sequence(TypeRef("N")), load, { requires: null, sizeOption: "first" }),
    /Link "l": "sizeOption" names "first", which is not one of its options/,
  );
});

Deno.test("schema.execute() refuses a query over the budget's estimate before any loader runs", async () => {
  const { graph, calls } = seedGraph();
  const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
  const budget = new CostBudget({ maxCost: 300 });
  const response = await schema.execute({
    query: "{ characters { name actors { name character { name } } } }",
    budget,
  });
  assert.deepEqual(Object.keys(response), ["errors"]);
  const error = response.errors![0]!;
  assert.match(error.message, /^Query is estimated to cost [\d,]+, over the limit of 300: /);
  assert.ok(error.originalError instanceof CostLimitError);
  assert.deepEqual(calls, []);
});

Deno.test("schema.execute() sizes a list by its size option's variable, per request", async () => {
  const { graph } = seedGraph();
  const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
  const query = "query Page($n: Int!) { page(limit: $n) { name } }";
  const small = await schema.execute({
    query,
    variables: { n: 5 },
    budget: new CostBudget({ maxCost: 200, loadCost: 20 }),
  });
  assert.equal((small.data!.page as unknown[]).length, 5);
  const large = await schema.execute({
    query,
    variables: { n: 500 },
    budget: new CostBudget({ maxCost: 200, loadCost: 20 }),
  });
  assert.match(large.errors![0]!.message, /^Query is estimated to cost 542, over the limit of 200/);
  const again = await schema.execute({
    query,
    variables: { n: 5 },
    budget: new CostBudget({ maxCost: 200, loadCost: 20 }),
  });
  assert.deepEqual(Object.keys(again), ["data"]);
});

Deno.test("schema.execute() charges the queries that share a budget together", async () => {
  const { graph } = seedGraph();
  const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
  const query = "{ characters { name } }"; // 2 calls, 12 ids: 52
  const budget = new CostBudget({ maxCost: 120, loadCost: 20 });
  assert.deepEqual(Object.keys(await schema.execute({ query, budget })), ["data"]);
  assert.deepEqual(Object.keys(await schema.execute({ query, budget })), ["data"]);
  const third = await schema.execute({ query, budget });
  assert.match(third.errors![0]!.message, /with 104 spent by its batch/);
});

Deno.test("schema.execute() stops a query whose ids go over maxIds, naming the node", async () => {
  const { graph, calls } = seedGraph(30);
  const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
  // 1 (root) + 30 characters + 60 actors: the actors' level goes over 50.
  const budget = new CostBudget({ maxIds: 50 });
  const response = await schema.execute({
    query: "{ characters { name actors { name } } }",
    budget,
  });
  assert.deepEqual(Object.keys(response), ["errors"]);
  assert.equal(
    response.errors![0]!.message,
    'Query loads more than 50 ids: 31 were loaded when 60 more reached node "Actor", so it was ' +
      "stopped. Select fewer nested lists, or ask for smaller pages",
  );
  assert.equal((response.errors![0]!.originalError as CostLimitError).kind, "ids");
  assert.equal(calls.includes("names:60"), false);
});

Deno.test("schema.execute() without a budget has no cost limit", async () => {
  const { graph } = seedGraph(300);
  const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
  const response = await schema.execute({
    query: "{ characters { actors { character { name } } } }",
  });
  assert.equal((response.data!.characters as unknown[]).length, 300);
});

Deno.test("engine.execute() rejects with CostLimitError when its budget is exceeded", async () => {
  const { graph } = seedGraph();
  const engine = new Engine(new AsyncExecutor());
  await assert.rejects(
    engine.execute(graph, read("{ characters { name } }"), {}, {
      budget: new CostBudget({ maxCost: 10 }),
    }),
    (error: unknown) => error instanceof CostLimitError && error.kind === "estimate",
  );
  await assert.rejects(
    engine.execute(graph, read("{ characters { name } }"), {}, {
      budget: new CostBudget({ maxIds: 3 }),
    }),
    (error: unknown) => error instanceof CostLimitError && error.kind === "ids",
  );
});
