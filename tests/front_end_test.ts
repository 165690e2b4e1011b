/**
 * The GraphQL front end, src/query/document.ts: a document graphql-js parsed, compiled once
 * (`compileDocument`), the operation to run (`selectOperation`), `@skip`/`@include` decided
 * (`decideConditions`), the query AST for one outcome (`queryFor`) and variables bound into it
 * (`bindQuery`); and the two guards that run before anything recurses over client input:
 * `tooDeep` and `tooDeepSpread` (text, and the document with its fragments spread in place:
 * src/query/_nesting.ts) and `tooDeepValue` (values, src/base/_depth.ts).
 *
 * @module
 */

import assert from "node:assert/strict";
import { parse } from "graphql";
import { QueryReadError } from "../mod.ts";
import { MAX_VALUE_DEPTH, tooDeepValue } from "../src/base/_depth.ts";
import { MAX_NESTING, tooDeep, tooDeepSpread } from "../src/query/_nesting.ts";
import {
  bindQuery,
  type CompiledDocument,
  compileDocument,
  decideConditions,
  type IrFragment,
  type IrSet,
  queryFor,
  selectOperation,
} from "../src/query/document.ts";
import {
  type QueryFragment,
  type QueryLink,
  type QueryNode,
  QueryVariable,
} from "../src/query/query.ts";

function compile(text: string): CompiledDocument {
  return compileDocument(parse(text));
}

/** Every fragment spread of a name reachable from a set, each set entered once. */
function spreadsOf(root: IrSet, name: string): IrFragment[] {
  const out: IrFragment[] = [];
  const seen = new Set<IrSet>();
  const pending = [root];
  while (pending.length > 0) {
    const set = pending.pop()!;
    if (seen.has(set)) continue;
    seen.add(set);
    for (const item of set.items) {
      if (item.kind === "fragment" && item.name === name) out.push(item);
      if (item.set !== null) pending.push(item.set);
    }
  }
  return out;
}

/** The query AST of a text's only operation, its conditions all letting selections in. */
function queryOf(text: string): QueryNode {
  const operation = selectOperation(compile(text), null);
  return queryFor(operation, operation.conditions.map(() => true));
}

function link(node: QueryNode, key: string): QueryLink {
  const item = node.fields.find((f) => f.resultKey === key);
  assert.ok(item !== undefined && item.kind === "link", `no link ${key}`);
  return item;
}

function fragments(node: QueryNode): QueryFragment[] {
  return node.items.filter((item): item is QueryFragment => item.kind === "fragment");
}

// ---------------------------------------------------------------------------------------------
// compileDocument

Deno.test("compileDocument compiles each fragment once: every spread holds the same selections", () => {
  const document = compile(`
    query A { hero { ...F } droid { ...F ... on Droid { ...F } } }
    query B { human { ...F } }
    fragment F on Character { name friends { ...G } }
    fragment G on Character { id }
  `);
  const spreads = document.operations.flatMap((operation) => spreadsOf(operation.root, "F"));
  assert.equal(spreads.length, 4);
  for (const spread of spreads) assert.equal(spread.set, spreads[0]!.set);
  assert.deepEqual(
    spreads[0]!.set.items.map((item) => item.name),
    ["name", "friends"],
  );
  // Every selection written is compiled once: 6 in A, 2 in B, 3 in F, 1 in G.
  assert.equal(document.selections, 12);
});

Deno.test("compileDocument records problems instead of throwing them", async (t) => {
  const cases: [string, string, string, { line: number; column: number }[]][] = [
    [
      "an unknown fragment",
      "{ hero { ...Missing } }",
      'Unknown fragment "Missing"',
      [{ line: 1, column: 10 }],
    ],
    [
      "fragments spreading each other",
      "{ hero { ...A } }\nfragment A on Character { ...B }\nfragment B on Character { ...A }",
      'Cannot spread fragment "A" within itself via "B"',
      [{ line: 2, column: 27 }, { line: 3, column: 27 }],
    ],
    [
      "an argument given twice",
      "{ hero(episode: JEDI, episode: EMPIRE) { name } }",
      'There can be only one argument named "episode"',
      [{ line: 1, column: 23 }],
    ],
    [
      "a variable that is not defined",
      "{ hero(episode: $e) { name } }",
      'Variable "$e" is not defined by the anonymous operation',
      [{ line: 1, column: 17 }],
    ],
    [
      "a literal condition of the wrong type",
      '{ hero @skip(if: "yes") { name } }',
      'Argument "@skip(if:)" of type "Boolean!" got invalid value "yes"; Boolean cannot ' +
      'represent a non boolean value: "yes"',
      [{ line: 1, column: 14 }],
    ],
  ];
  for (const [name, text, message, locations] of cases) {
    await t.step(`${name}: on the operation`, () => {
      const document = compile(text);
      assert.equal(document.problem, null);
      const operation = document.operations[0]!;
      assert.ok(operation.problem instanceof QueryReadError);
      assert.equal(operation.problem.message, message);
      assert.deepEqual(operation.problem.locations, locations);
    });
  }

  await t.step("operations named alike: on the document, thrown when one is selected", () => {
    const document = compile("query Q { hero { name } }\nquery Q { droid { name } }");
    assert.ok(document.problem instanceof QueryReadError);
    assert.equal(document.problem.message, 'There can be only one operation named "Q"');
    assert.deepEqual(document.problem.locations, [{ line: 1, column: 1 }, { line: 2, column: 1 }]);
    assert.throws(() => selectOperation(document, "Q"), (error) => error === document.problem);
  });
});

Deno.test("compileDocument counts aliases where they are written, each once, in document order", () => {
  const document = compile(
    "{ a: hero { ...F } b: hero { ...F } }\nfragment F on Character { n: name ... { m: id } }",
  );
  assert.deepEqual(document.aliases, [
    { line: 1, column: 3 },
    { line: 1, column: 20 },
    { line: 2, column: 27 },
    { line: 2, column: 41 },
  ]);
});

Deno.test("compileDocument counts root fields through fragments once each, and the depth", async (t) => {
  await t.step("root fields, a fragment spread twice counted once", () => {
    const operation = compile(
      "{ hero { name friends { name friends { name } } } ...R ...R }\n" +
        "fragment R on Query { droid { id } __schema { types { fields { name } } } }",
    ).operations[0]!;
    assert.deepEqual(operation.rootFields, [
      { line: 1, column: 3 },
      { line: 2, column: 23 },
      { line: 2, column: 36 },
    ]);
    assert.equal(operation.introspection, true);
    // { a { b } } is 2; introspection fields are not counted.
    assert.equal(operation.depth, 4);
    assert.deepEqual(operation.deepest, { line: 1, column: 3 });
  });

  await t.step("the deepest branch inside a fragment", () => {
    const operation = compile(
      "{ name ...D }\nfragment D on Query { hero { friends { name } } }",
    ).operations[0]!;
    assert.deepEqual(operation.rootFields, [{ line: 1, column: 3 }, { line: 2, column: 23 }]);
    assert.equal(operation.introspection, false);
    assert.equal(operation.depth, 3);
    assert.deepEqual(operation.deepest, { line: 2, column: 23 });
  });
});

// ---------------------------------------------------------------------------------------------
// selectOperation

Deno.test("selectOperation picks the operation to run, or says why it cannot", async (t) => {
  const two = compile("query A { hero { name } }\nquery B { droid { name } }");

  await t.step("the only operation, without a name", () => {
    const document = compile("{ hero { name } }");
    assert.equal(selectOperation(document, null), document.operations[0]);
  });

  await t.step("an operation by name", () => {
    assert.equal(selectOperation(two, "B"), two.operations[1]);
  });

  const failures: [string, CompiledDocument, string | null, string][] = [
    [
      "several operations and no name",
      two,
      null,
      'Must provide an operation name when the document contains several operations ("A", "B")',
    ],
    [
      "an unknown name",
      two,
      "C",
      'Unknown operation named "C": the document defines "A", "B"',
    ],
    [
      "a name with quotes and a line break: escaped",
      two,
      'C"\nforged log line',
      'Unknown operation named "C\\"\\nforged log line": the document defines "A", "B"',
    ],
    [
      "many long names: each cut short, ten listed",
      compile(
        Array.from({ length: 12 }, (_, i) => `query Q${i}${"x".repeat(100)} { hero { name } }`)
          .join("\n"),
      ),
      "C",
      `Unknown operation named "C": the document defines ${
        Array.from(
          { length: 10 },
          (_, i) => `"Q${i}${"x".repeat(62)}…" (102 characters)`,
        ).join(", ")
      } and 2 more`,
    ],
    [
      "a name for an anonymous operation",
      compile("{ hero { name } }"),
      "A",
      'Unknown operation named "A": the document defines only an anonymous operation',
    ],
    [
      "a document of fragments only",
      compile("fragment F on Character { name }"),
      null,
      "Must provide an operation: the document contains only fragments",
    ],
  ];
  for (const [name, document, operationName, message] of failures) {
    await t.step(name, () => {
      assert.throws(() => selectOperation(document, operationName), {
        name: "QueryReadError",
        message,
      });
    });
  }
});

// ---------------------------------------------------------------------------------------------
// decideConditions

Deno.test("decideConditions decides @skip and @include on variables; literal ones are applied when compiling", async (t) => {
  const operation = selectOperation(
    compile(
      "query ($s: Boolean!, $i: Boolean!) {\n" +
        "  a @skip(if: $s) b @include(if: $i) c @skip(if: $s) @include(if: $i)\n" +
        "  d @skip(if: true) e @include(if: false) f @skip(if: false) g @include(if: true)\n" +
        "}",
    ),
    null,
  );
  const keys = (outcome: boolean[]) => queryFor(operation, outcome).fields.map((f) => f.name);

  await t.step("each distinct condition once, in document order", () => {
    assert.deepEqual(operation.conditions, [
      { directive: "skip", variable: "s", location: { line: 2, column: 11 } },
      { directive: "include", variable: "i", location: { line: 2, column: 30 } },
    ]);
  });

  await t.step("literal conditions were applied: d and e are gone, f and g stay", () => {
    assert.deepEqual(operation.root.items.map((item) => item.name), ["a", "b", "c", "f", "g"]);
  });

  await t.step("one boolean per condition: whether it lets its selections in", () => {
    assert.deepEqual(decideConditions(operation, { s: true, i: true }), [false, true]);
    assert.deepEqual(decideConditions(operation, { s: false, i: false }), [true, false]);
    assert.deepEqual(keys(decideConditions(operation, { s: true, i: true })), ["b", "f", "g"]);
    assert.deepEqual(keys(decideConditions(operation, { s: false, i: false })), ["a", "f", "g"]);
    assert.deepEqual(keys(decideConditions(operation, { s: false, i: true })), [
      "a",
      "b",
      "c",
      "f",
      "g",
    ]);
  });

  await t.step("a variable not provided, or not a boolean", () => {
    assert.throws(() => decideConditions(operation, { i: true }), (error: unknown) => {
      assert.ok(error instanceof QueryReadError);
      assert.equal(
        error.message,
        'Argument "@skip(if:)" of type "Boolean!" was provided the variable "$s" which was not ' +
          "provided a runtime value",
      );
      assert.deepEqual(error.locations, [{ line: 2, column: 11 }]);
      return true;
    });
    assert.throws(() => decideConditions(operation, { s: false, i: "yes" }), {
      name: "QueryReadError",
      message: 'Argument "@include(if:)" of type "Boolean!" got invalid value "yes"; Boolean ' +
        "cannot represent a non boolean value",
    });
  });
});

// ---------------------------------------------------------------------------------------------
// queryFor

Deno.test("queryFor gives one QueryNode per fragment, shared by its spreads", () => {
  const query = queryOf(
    "{ hero { ...F } droid { ...F ... on Droid { ...F } } }\nfragment F on Character { name }",
  );
  const hero = fragments(link(query, "hero").node);
  const droid = fragments(link(query, "droid").node);
  const inline = fragments(droid[1]!.node);
  assert.equal(hero[0]!.name, "F");
  assert.equal(droid[0]!.node, hero[0]!.node);
  assert.equal(inline[0]!.node, hero[0]!.node);
  assert.deepEqual(hero[0]!.node.fields.map((f) => f.name), ["name"]);
});

Deno.test("queryFor keeps variable references in options, wherever they stand", () => {
  const query = queryOf(
    "query ($id: String!, $n: Int) {\n" +
      "  human(id: $id) { friends(first: $n, filter: { after: $id, tags: [$n, 3] }) { name } }\n" +
      "}",
  );
  const human = link(query, "human");
  assert.deepEqual(human.options, { id: new QueryVariable("id", { line: 2, column: 13 }) });
  assert.ok(human.options!.id instanceof QueryVariable);
  const friends = link(human.node, "friends");
  const options = friends.options as {
    first: unknown;
    filter: { after: unknown; tags: unknown[] };
  };
  assert.ok(options.first instanceof QueryVariable);
  assert.equal(options.first.name, "n");
  assert.ok(options.filter.after instanceof QueryVariable);
  assert.equal(options.filter.after.name, "id");
  assert.ok(options.filter.tags[0] instanceof QueryVariable);
  assert.equal(options.filter.tags[1], 3);
});

Deno.test("queryFor gives a mutation's root ordered, and nothing else", () => {
  const mutation = queryOf("mutation { launch { name } }");
  assert.equal(mutation.ordered, true);
  assert.equal(link(mutation, "launch").node.ordered, false);
  assert.equal(queryOf("{ hero { name } }").ordered, false);
});

// ---------------------------------------------------------------------------------------------
// bindQuery

Deno.test("bindQuery replaces variable references by values, leaving out what was not provided", async (t) => {
  const query = queryOf(
    "query ($id: String, $n: Int, $tag: String) {\n" +
      '  human(id: $id) { friends(first: $n, filter: { after: $id, tags: [$tag, "x"] }) { name } }\n' +
      "}",
  );
  const optionsOf = (bound: QueryNode) => {
    const human = link(bound, "human");
    return [human.options, link(human.node, "friends").options];
  };

  await t.step("every variable provided", () => {
    assert.deepEqual(optionsOf(bindQuery(query, { id: "1000", n: 2, tag: "a" })), [
      { id: "1000" },
      { first: 2, filter: { after: "1000", tags: ["a", "x"] } },
    ]);
  });

  await t.step("none provided: arguments and input fields left out, list items null", () => {
    assert.deepEqual(optionsOf(bindQuery(query, {})), [
      null,
      { filter: { tags: [null, "x"] } },
    ]);
  });

  await t.step("undefined counts as not provided; null is a value", () => {
    assert.deepEqual(optionsOf(bindQuery(query, { id: undefined, n: null, tag: null })), [
      null,
      { first: null, filter: { tags: [null, "x"] } },
    ]);
  });

  await t.step("an input object whose fields were all left out stays, empty", () => {
    const only = queryOf("query ($a: String) { hero(filter: { after: $a }) { name } }");
    assert.deepEqual(link(bindQuery(only, {}), "hero").options, { filter: {} });
  });

  await t.step("a query without references is returned as it is", () => {
    const plain = queryOf('{ human(id: "1000") { name } }');
    assert.equal(bindQuery(plain, { id: "1" }), plain);
  });

  await t.step("fragments stay shared by their spreads", () => {
    const shared = queryOf(
      "query ($id: String) { a: human(id: $id) { ...F } b: human(id: $id) { ...F } }\n" +
        "fragment F on Human { name }",
    );
    const bound = bindQuery(shared, { id: "1000" });
    assert.equal(
      fragments(link(bound, "a").node)[0]!.node,
      fragments(link(bound, "b").node)[0]!.node,
    );
    assert.deepEqual(link(bound, "a").options, { id: "1000" });
  });
});

// ---------------------------------------------------------------------------------------------
// tooDeep (text) and tooDeepValue (values)

Deno.test("tooDeep finds the first bracket past the limit", async (t) => {
  await t.step("within the limit, and one past it", () => {
    assert.equal(tooDeep("{ a { b } }", 2), null);
    assert.deepEqual(tooDeep("{ a { b { c } } }", 2), { line: 1, column: 9 });
    assert.deepEqual(tooDeep("{ a(x: [[1]]) }", 3), { line: 1, column: 9 });
  });

  await t.step("closing brackets bring the depth back, and never below zero", () => {
    assert.equal(tooDeep("{ a { b } c { d } }", 2), null);
    assert.deepEqual(tooDeep(")))) { a { b } }", 1), { line: 1, column: 10 });
  });

  await t.step("the default limit", () => {
    assert.equal(tooDeep("{".repeat(MAX_NESTING)), null);
    assert.deepEqual(tooDeep("{".repeat(MAX_NESTING + 1)), {
      line: 1,
      column: MAX_NESTING + 1,
    });
    assert.deepEqual(tooDeep("[".repeat(100_000)), { line: 1, column: MAX_NESTING + 1 });
  });

  await t.step("brackets in strings are skipped, escaped quotes included", () => {
    assert.equal(tooDeep('{ a(s: "{{{[[[(((") }', 2), null);
    assert.equal(tooDeep('{ a(s: "\\"{{{{\\"") }', 2), null);
    assert.deepEqual(tooDeep('{ a(s: "\\"{{{{\\"") { b { c } } }', 2), { line: 1, column: 24 });
  });

  await t.step("brackets in block strings are skipped, and their lines counted", () => {
    assert.equal(tooDeep('{ a(s: """ {{{ \\""" {{{ """) }', 2), null);
    assert.deepEqual(tooDeep('{ a(s: """\n{{{\n""") { b { c } } }', 2), {
      line: 3,
      column: 10,
    });
  });

  await t.step("brackets in comments are skipped", () => {
    assert.equal(tooDeep("# {{{{{\n{ a }", 1), null);
    assert.deepEqual(tooDeep("# {{{{{\n{ a { b } }", 1), { line: 2, column: 5 });
  });

  await t.step("lines end with \\n, \\r\\n or \\r", () => {
    assert.deepEqual(tooDeep("{\r\n  a {\r b }\r\n}", 1), { line: 2, column: 5 });
    assert.deepEqual(tooDeep("{\r  a\r  {\n b }\n}", 1), { line: 3, column: 3 });
  });
});

Deno.test("tooDeep counts a line break that follows a backslash inside a string", () => {
  // graphql-js ends such a string at the line break ("Unterminated string"); so does tooDeep.
  assert.deepEqual(tooDeep('{ a(s: "x\\\n") {\n{ b } } }', 2), { line: 3, column: 1 });
});

/** A chain of fragments: the operation spreads F0, each spreads the next, the last selects `id`. */
function chain(n: number, each: (next: string) => string): string {
  let text = "{ item { ...F0 } }\n";
  for (let i = 0; i < n; i++) text += `fragment F${i} on Item { ${each(`...F${i + 1}`)} }\n`;
  return text + `fragment F${n} on Item { id }\n`;
}

Deno.test("tooDeepSpread measures the document with its fragments spread in place", async (t) => {
  await t.step("fragments count as the selection sets they bring", () => {
    const text = "{ a { ...F } } fragment F on A { b { ...G } } fragment G on B { c { d } }";
    // { a { F{ b { G{ c { d } } } } } }: 6 sets deep.
    assert.equal(tooDeepSpread(parse(text), 6), null);
    assert.deepEqual(tooDeepSpread(parse(text), 5), {
      message:
        "Document nests deeper than 5 levels of selections with its fragments spread in place",
      locations: [{ line: 1, column: 7 }],
    });
  });

  await t.step("a chain of spreads, and spreads that each nest a level", () => {
    // { item { F0{ F1{ ... Fn{ id } } } } }: n + 3 sets deep.
    const flat = chain(MAX_NESTING - 3, (next) => next);
    assert.equal(tooDeepSpread(parse(flat)), null);
    assert.deepEqual(tooDeepSpread(parse(chain(MAX_NESTING - 2, (next) => next)))?.locations, [
      { line: 1, column: 10 },
    ]);
    const nested = chain(3_000, (next) => `best { ${next} }`);
    assert.deepEqual(tooDeepSpread(parse(nested))?.locations, [{ line: 1, column: 10 }]);
  });

  await t.step("each fragment is measured once, however often it is spread", () => {
    // Every fragment spreads the next twice: 2^40 paths, 40 fragments.
    let text = "{ item { ...F0 } }\n";
    for (let i = 0; i < 40; i++) {
      text += `fragment F${i} on Item { a: best { ...F${i + 1} } b: best { ...F${i + 1} } }\n`;
    }
    text += "fragment F40 on Item { id }";
    assert.equal(tooDeepSpread(parse(text)), null);
    assert.equal(tooDeepSpread(parse(text), 40)?.locations.length, 1);
  });

  await t.step("an unused fragment past the limit is found too", () => {
    const text = "{ a } fragment F on A { b { c { d } } }";
    assert.equal(tooDeepSpread(parse(text), 3), null);
    assert.deepEqual(tooDeepSpread(parse(text), 2)?.locations, [{ line: 1, column: 29 }]);
  });

  await t.step("unknown fragments and cycles add nothing; validation reports them", () => {
    assert.equal(tooDeepSpread(parse("{ a { ...Nowhere } }"), 2), null);
    const cycle = "{ a { ...A } } fragment A on T { ...B } fragment B on T { ...A }";
    assert.equal(tooDeepSpread(parse(cycle), 4), null);
  });

  await t.step("a cycle among more fragments than the limit is reported here", () => {
    // F0 spreads F1 ... F300, and each of them spreads F0 back: shallow, but a path through the
    // cycle (as validation may walk it) can be 300 fragments long.
    let text = "{ item { ...F0 } }\nfragment F0 on Item { id";
    for (let i = 1; i <= 300; i++) text += ` ...F${i}`;
    text += " }\n";
    for (let i = 1; i <= 300; i++) text += `fragment F${i} on Item { id ...F0 }\n`;
    assert.deepEqual(tooDeepSpread(parse(text)), {
      message: 'Cannot spread fragment "F0" within itself via "F1"',
      locations: [{ line: 2, column: 26 }, { line: 3, column: 26 }],
    });
    assert.equal(tooDeepSpread(parse(text), 301), null);
  });

  await t.step("a document of 100,000 chained fragments, without recursion", () => {
    const problem = tooDeepSpread(parse(chain(100_000, (next) => next)));
    assert.deepEqual(problem?.locations, [{ line: 1, column: 10 }]);
  });
});

Deno.test("tooDeepValue refuses values nested past the limit, without recursion", async (t) => {
  await t.step("plain values and shallow structures pass", () => {
    assert.equal(tooDeepValue(null), null);
    assert.equal(tooDeepValue("deep"), null);
    assert.equal(tooDeepValue([]), null);
    assert.equal(tooDeepValue([[1]], 2), null);
    assert.equal(tooDeepValue([[1]], 1), 2);
  });

  await t.step("exactly at the limit passes, one past it does not", () => {
    let value: unknown = 1;
    for (let depth = 0; depth < MAX_VALUE_DEPTH; depth++) {
      value = depth % 2 === 0 ? [value] : { value };
    }
    assert.equal(tooDeepValue(value), null);
    assert.equal(tooDeepValue([value]), MAX_VALUE_DEPTH + 1);
  });

  await t.step("arrays 100,000 deep", () => {
    let value: unknown = [];
    for (let depth = 0; depth < 100_000; depth++) value = [value];
    assert.equal(tooDeepValue(value), MAX_VALUE_DEPTH + 1);
  });

  await t.step("objects 100,000 deep", () => {
    let value: unknown = {};
    for (let depth = 0; depth < 100_000; depth++) value = { value };
    assert.equal(tooDeepValue(value), MAX_VALUE_DEPTH + 1);
  });

  await t.step("an object or array that contains itself", () => {
    const object: { self?: unknown } = {};
    object.self = object;
    assert.equal(tooDeepValue(object), MAX_VALUE_DEPTH + 1);
    const array: unknown[] = [];
    array.push(array);
    assert.equal(tooDeepValue(array), MAX_VALUE_DEPTH + 1);
  });
});
