import assert from "node:assert/strict";
import { read, readOperation, type ReadOptions } from "../src/query/readers/graphql.ts";
import { QueryReadError, QuerySyntaxError, type SourceLocation } from "../src/base/errors.ts";
import {
  queryField,
  queryFragment,
  queryLink,
  type QueryNode,
  queryNode,
  querySelections,
  type SelectionInit,
} from "../src/query/query.ts";

/** Reads without locations, so expected ASTs need not spell them out. */
function readBare(text: string, options: ReadOptions = {}): QueryNode {
  return read(text, { ...options, noLocation: true });
}

/** The merged view of a query (`fields` and `fragments`, recursively), without `items`. */
function mergedView(node: QueryNode): unknown {
  return {
    fields: node.fields.map((f) => f.kind === "link" ? { ...f, node: mergedView(f.node) } : f),
    fragments: node.fragments.map((f) => ({ ...f, node: mergedView(f.node) })),
    ordered: node.ordered,
  };
}

function checkRead(text: string, expected: QueryNode, options: ReadOptions = {}): void {
  assert.deepEqual(readBare(text, options), expected);
}

function checkMerged(text: string, expected: QueryNode): void {
  assert.deepEqual(mergedView(readBare(text)), mergedView(expected));
}

function throwsReadError(
  fn: () => unknown,
  message: string,
  locations: readonly SourceLocation[] = [],
): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof QueryReadError, `expected a QueryReadError, got ${error}`);
    assert.equal(error.name, "QueryReadError");
    assert.equal(error.message, message);
    assert.deepEqual(error.locations, locations);
    return true;
  });
}

function throwsSyntaxError(fn: () => unknown, message: string, line: number, column: number) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof QuerySyntaxError, `expected a QuerySyntaxError, got ${error}`);
    assert.equal(error.name, "QuerySyntaxError");
    assert.equal(error.message, message);
    assert.equal(error.line, line);
    assert.equal(error.column, column);
    return true;
  });
}

const field = (name: string, init: SelectionInit = {}) => queryField(name, init);
const node = queryNode;

Deno.test("read() reports a syntax error with line and column", async (t) => {
  await t.step("the malformed query of the seed document", () => {
    const text = "{ characters { name { { actors { name } } } } }";
    throwsSyntaxError(() => read(text), 'Syntax error at 1:23: Expected Name, found "{"', 1, 23);
    assert.throws(() => read(text), { description: 'Expected Name, found "{"' });
  });
  await t.step("an error on a later line", () => {
    throwsSyntaxError(
      () => read("{\n  characters {\n    name(limit: )\n  }\n}"),
      'Syntax error at 3:17: Unexpected ")"',
      3,
      17,
    );
  });
  await t.step("an unclosed selection set", () => {
    throwsSyntaxError(
      () => read("{ characters { name }"),
      "Syntax error at 1:22: Expected Name, found <EOF>",
      1,
      22,
    );
  });
  await t.step("an unterminated string", () => {
    throwsSyntaxError(
      () => read('{ characters(species: "Vulcan) { name } }'),
      "Syntax error at 1:42: Unterminated string",
      1,
      42,
    );
  });
  await t.step("a syntax error is also a SyntaxError", () => {
    assert.throws(() => read("{"), SyntaxError);
  });
});

// test_operation_getter_no_ops
Deno.test("read() rejects a document without operations", () => {
  throwsReadError(
    () => read("fragment Crew on Character { name }"),
    "Must provide an operation: the document contains only fragments",
  );
});

// test_operation_getter_no_name
Deno.test("readOperation() reads the only operation when no name is given", () => {
  assert.deepEqual(readOperation("{ characters }", { noLocation: true }), {
    type: "query",
    name: null,
    query: node([field("characters")]),
  });
  assert.deepEqual(readOperation("query Crew { characters }", { noLocation: true }), {
    type: "query",
    name: "Crew",
    query: node([field("characters")]),
  });
  assert.deepEqual(readOperation("mutation Beam { beamUp }", { noLocation: true }), {
    type: "mutation",
    name: "Beam",
    query: node([field("beamUp")], [], true),
  });
});

// test_operation_getter_no_name (several operations)
Deno.test("read() asks for an operation name when there are several operations", () => {
  throwsReadError(
    () => read("query Crew { characters } query Cast { actors }"),
    'Must provide an operation name when the document contains several operations ("Crew", "Cast")',
  );
});

// test_operation_getter_duplicates
Deno.test("read() rejects duplicate operations", async (t) => {
  await t.step("two anonymous operations", () => {
    throwsReadError(
      () => read("{ characters } { actors }"),
      "This anonymous operation must be the only defined operation",
      [{ line: 1, column: 1 }],
    );
  });
  await t.step("an anonymous operation beside a named one", () => {
    throwsReadError(
      () => read("query Crew { characters }\n{ actors }"),
      "This anonymous operation must be the only defined operation",
      [{ line: 2, column: 1 }],
    );
  });
  await t.step("two operations with one name", () => {
    throwsReadError(
      () => read("query Crew { characters }\nquery Crew { actors }"),
      'There can be only one operation named "Crew"',
      [{ line: 1, column: 1 }, { line: 2, column: 1 }],
    );
  });
});

// test_operation_getter_by_name
Deno.test("read() picks the operation named by operationName", () => {
  const text = "query Crew { characters } query Cast { actors }";
  checkRead(text, node([field("actors")]), { operationName: "Cast" });
  checkRead(text, node([field("characters")]), { operationName: "Crew" });
  const op = readOperation("query Crew { characters } mutation Beam { beamUp }", {
    operationName: "Beam",
    noLocation: true,
  });
  assert.equal(op.type, "mutation");
  assert.equal(op.name, "Beam");
});

Deno.test("read() rejects an unknown operationName and lists the known ones", () => {
  throwsReadError(
    () => read("query Crew { characters } query Cast { actors }", { operationName: "Ships" }),
    'Unknown operation named "Ships": the document defines "Crew", "Cast"',
  );
  throwsReadError(
    () => read("{ characters }", { operationName: "Crew" }),
    'Unknown operation named "Crew": the document defines only an anonymous operation',
  );
});

Deno.test("read() ignores a null operationName", () => {
  checkRead("query Crew { characters }", node([field("characters")]), { operationName: null });
});

Deno.test("read() rejects definitions that are not executable", () => {
  throwsReadError(
    () => read("type Character { name: String }\n{ characters { name } }"),
    'The "Character" definition is not executable: only operations and fragments can be read',
    [{ line: 1, column: 1 }],
  );
  throwsReadError(
    () => read("schema { query: Query }"),
    "The schema definition is not executable: only operations and fragments can be read",
    [{ line: 1, column: 1 }],
  );
});

// test_field
Deno.test("read() reads a field", () => {
  checkRead("{ name }", node([field("name")]));
});

// test_field_args
Deno.test("read() converts argument values to JavaScript", async (t) => {
  const cases: [string, unknown][] = [
    ["123", 123],
    ["-7", -7],
    ["234.5", 234.5],
    ["1e3", 1000],
    ['"Vulcan"', "Vulcan"],
    ['"""block\n  text"""', "block\ntext"],
    ["true", true],
    ["false", false],
    ["null", null],
    ["VULCAN", "VULCAN"],
    ['[345, true, "Spock"]', [345, true, "Spock"]],
    ['{name: "Spock", rank: 2}', { name: "Spock", rank: 2 }],
    ["[1, {ranks: [2, 3]}, 4]", [1, { ranks: [2, 3] }, 4]],
    ["[]", []],
    ["{}", {}],
  ];
  for (const [literal, value] of cases) {
    await t.step(literal, () => {
      checkRead(
        `{ characters(filter: ${literal}) }`,
        node([field("characters", { options: { filter: value } })]),
      );
    });
  }
});

Deno.test("read() keeps every argument of a field, in order", () => {
  const query = readBare('{ characters(species: "Vulcan", limit: 2) }');
  assert.deepEqual(query.fields[0]?.options, { species: "Vulcan", limit: 2 });
  assert.deepEqual(Object.keys(query.fields[0]?.options ?? {}), ["species", "limit"]);
});

Deno.test("read() gives null options to a field without arguments", () => {
  assert.equal(readBare("{ name }").fields[0]?.options, null);
});

Deno.test("read() rejects an argument given twice", () => {
  throwsReadError(
    () => read("{ characters(limit: 1, limit: 2) }"),
    'There can be only one argument named "limit"',
    [{ line: 1, column: 24 }],
  );
});

Deno.test("read() rejects an input object field given twice", () => {
  throwsReadError(
    () => read("{ characters(filter: {species: 1, species: 2}) }"),
    'There can be only one input field named "species"',
    [{ line: 1, column: 35 }],
  );
});

Deno.test("read() keeps an object key named __proto__ as an own property", () => {
  const query = readBare('{ characters(filter: {__proto__: {polluted: "yes"}}) }');
  const filter = query.fields[0]?.options?.filter as { [key: string]: unknown };
  assert.equal(Object.getPrototypeOf(filter), Object.prototype);
  assert.deepEqual(Object.keys(filter), ["__proto__"]);
  assert.equal(({} as { [key: string]: unknown }).polluted, undefined);
});

// test_field_alias
Deno.test("read() reads a field alias", () => {
  checkRead("{ captain: name }", node([field("name", { alias: "captain" })]));
});

// test_link_alias
Deno.test("read() reads a link alias", () => {
  checkRead(
    "{ crew: characters { name species } }",
    node([
      queryLink("characters", node([field("name"), field("species")]), { alias: "crew" }),
    ]),
  );
});

// test_complex_field
Deno.test("read() reads a field with a selection set as a link", () => {
  checkRead("{ characters { name } }", node([queryLink("characters", node([field("name")]))]));
});

// test_complex_field_args
Deno.test("read() reads link arguments as options", () => {
  checkRead(
    '{ characters(species: "Vulcan") { name } }',
    node([
      queryLink("characters", node([field("name")]), { options: { species: "Vulcan" } }),
    ]),
  );
});

// test_multiple_operations
Deno.test("read() rejects several anonymous operations", () => {
  throwsReadError(
    () => read("{ characters } { actors } { ships }"),
    "This anonymous operation must be the only defined operation",
    [{ line: 1, column: 1 }],
  );
});

// test_mutation_operation
Deno.test("read() rejects a mutation and points to readOperation()", () => {
  throwsReadError(
    () => read('mutation { beamUp(name: "Spock") }'),
    'Only "query" operations can be read with read(), got a "mutation" operation: ' +
      "use readOperation() instead",
    [{ line: 1, column: 1 }],
  );
  throwsReadError(
    () => read("subscription { arrivals }"),
    'Only "query" operations can be read with read(), got a "subscription" operation: ' +
      "use readOperation() instead",
    [{ line: 1, column: 1 }],
  );
});

// test_named_fragments
Deno.test("read() reads named and inline fragments where they are written", () => {
  const characterActors = queryFragment(
    "CharacterActors",
    "Character",
    node([queryLink("actors", node([field("name")]))]),
  );
  const character = queryLink(
    "character",
    node([field("name"), queryLink("actors", node([field("name")]))], [characterActors]),
  );
  // Fields and fragments keep the order they were written in (`items`).
  const actors = queryLink(
    "actors",
    querySelections([
      field("name"),
      queryFragment("ActorDetails", "Actor", node([field("born"), character])),
      field("species"),
    ]),
    { options: { order: "name" } },
  );
  const characters = queryLink(
    "characters",
    node([actors], [
      queryFragment(null, "Human", node([queryLink("ships", node([field("name")]))])),
    ]),
  );
  checkRead(
    `
    query Crew {
      characters {
        actors(order: "name") {
          name
          ...ActorDetails
          species
        }
        ... on Human {
          ships {
            name
          }
        }
      }
    }
    fragment ActorDetails on Actor {
      born
      character {
        name
        actors {
          name
        }
        ...CharacterActors
      }
    }
    fragment CharacterActors on Character {
      actors {
        name
      }
    }
    `,
    node([characters]),
  );
});

Deno.test("read() keeps a spread inside a fragment in that fragment's node", () => {
  checkRead(
    `
    { characters { ...Crew } }
    fragment Crew on Character { name ...Cast }
    fragment Cast on Character { actors { name } }
    `,
    node([
      queryLink(
        "characters",
        node([], [
          queryFragment(
            "Crew",
            "Character",
            node([field("name")], [
              queryFragment(
                "Cast",
                "Character",
                node([queryLink("actors", node([field("name")]))]),
              ),
            ]),
          ),
        ]),
      ),
    ]),
  );
});

Deno.test("read() reads an inline fragment without a type condition", () => {
  checkRead(
    "{ characters { ... { name } } }",
    node([queryLink("characters", node([], [queryFragment(null, null, node([field("name")]))]))]),
  );
});

Deno.test("read() reads each fragment definition once and shares its node", () => {
  const query = readBare(`
    {
      characters { ...Names }
      actors { ...Names }
    }
    fragment Names on Named { name }
  `);
  const [characters, actors] = query.fields;
  assert.ok(characters?.kind === "link" && actors?.kind === "link");
  assert.equal(characters.node.fragments[0]?.node, actors.node.fragments[0]?.node);
});

// test_reference_cycle_in_fragments
Deno.test("read() rejects a cycle of fragments", async (t) => {
  await t.step("through another fragment", () => {
    throwsReadError(
      () =>
        read(`query Crew {
  name
  ...Captain
}
fragment Captain on Character {
  species
  ...Officer
}
fragment Officer on Character {
  name
  ...Captain
}`),
      'Cannot spread fragment "Captain" within itself via "Officer"',
      [{ line: 7, column: 3 }, { line: 11, column: 3 }],
    );
  });
  await t.step("directly", () => {
    throwsReadError(
      () => read("{ ...Captain }\nfragment Captain on Character { name ...Captain }"),
      'Cannot spread fragment "Captain" within itself',
      [{ line: 2, column: 38 }],
    );
  });
  await t.step("through several fragments, inside links", () => {
    throwsReadError(
      () =>
        read(
          "{ ...A }\nfragment A on X { a { ...B } }\nfragment B on X { ...C }\n" +
            "fragment C on X { c { ...A } }",
        ),
      'Cannot spread fragment "A" within itself via "B", "C"',
      [{ line: 2, column: 23 }, { line: 3, column: 19 }, { line: 4, column: 23 }],
    );
  });
});

// test_non_existent_fragment_root
Deno.test("read() rejects an unknown fragment at the root", () => {
  throwsReadError(
    () => read("query Crew {\n  name\n  ...Captain\n}"),
    'Unknown fragment "Captain"',
    [{ line: 3, column: 3 }],
  );
});

// test_non_existent_fragment
Deno.test("read() rejects an unknown fragment in a link", () => {
  throwsReadError(
    () => read("query Crew {\n  name\n  characters {\n    ...Officer\n  }\n}"),
    'Unknown fragment "Officer"',
    [{ line: 4, column: 5 }],
  );
});

// test_duplicated_fragment_names
Deno.test("read() rejects two fragments with one name", () => {
  throwsReadError(
    () =>
      read(
        "query Crew { name }\nfragment Officer on Character { name }\n" +
          "fragment Officer on Actor { species }",
      ),
    'There can be only one fragment named "Officer"',
    [{ line: 2, column: 1 }, { line: 3, column: 1 }],
  );
});

// test_variables_in_query
Deno.test("read() substitutes variables, defaults, and omits arguments without a value", () => {
  checkRead(
    `
    query Crew($species: String, $limit: Int!, $offset: Int! = 123) {
      characters(species: $species, limit: $limit, offset: $offset)
    }
    `,
    node([field("characters", { options: { limit: 123, offset: 123 } })]),
    { variables: { limit: 123 } },
  );
});

// test_variables_in_fragment
Deno.test("read() substitutes variables inside fragments", () => {
  checkRead(
    `
    query Crew($species: String, $limit: Int!, $offset: Int! = 234) {
      ...Characters
    }
    fragment Characters on Query {
      characters(species: $species, limit: $limit, offset: $offset)
    }
    `,
    node([], [
      queryFragment(
        "Characters",
        "Query",
        node([field("characters", { options: { limit: 123, offset: 234 } })]),
      ),
    ]),
    { variables: { limit: 123 } },
  );
});

// test_undefined_variables
Deno.test("read() rejects a variable the operation does not declare", async (t) => {
  await t.step("in an anonymous operation", () => {
    throwsReadError(
      () => read("{\n  characters(species: $species)\n}"),
      'Variable "$species" is not defined by the anonymous operation',
      [{ line: 2, column: 23 }],
    );
  });
  await t.step("in a named operation", () => {
    throwsReadError(
      () => read("query Crew {\n  characters(limit: $limit)\n}"),
      'Variable "$limit" is not defined by operation "Crew"',
      [{ line: 2, column: 21 }],
    );
  });
  await t.step("in a fragment", () => {
    throwsReadError(
      () =>
        read(
          "query Crew {\n  ...Characters\n}\nfragment Characters on Query {\n" +
            "  characters(limit: $limit)\n}",
        ),
      'Variable "$limit" is not defined by operation "Crew"',
      [{ line: 5, column: 21 }],
    );
  });
  await t.step("inside a list and an object", () => {
    throwsReadError(
      () => read("{ characters(filter: {ids: [1, $id]}) }"),
      'Variable "$id" is not defined by the anonymous operation',
      [{ line: 1, column: 32 }],
    );
  });
});

// test_missing_variables
Deno.test("read() rejects a required variable that was not provided", () => {
  throwsReadError(
    () => read("query Crew($limit: Int!) {\n  characters\n}"),
    'Variable "$limit" of required type "Int!" was not provided',
    [{ line: 1, column: 12 }],
  );
  throwsReadError(
    () => read("query Crew($ids: [ID!]!) { characters }", { variables: { ids: undefined } }),
    'Variable "$ids" of required type "[ID!]!" was not provided',
    [{ line: 1, column: 12 }],
  );
});

Deno.test("read() rejects null for a non-null variable", () => {
  throwsReadError(
    () =>
      read("query Crew($limit: Int!) { characters(limit: $limit) }", {
        variables: { limit: null },
      }),
    'Variable "$limit" of non-null type "Int!" must not be null',
    [{ line: 1, column: 12 }],
  );
});

Deno.test("read() prefers a provided variable over its default, null included", () => {
  const text = "query Crew($limit: Int = 10) { characters(limit: $limit) }";
  checkRead(text, node([field("characters", { options: { limit: 10 } })]));
  checkRead(text, node([field("characters", { options: { limit: 3 } })]), {
    variables: { limit: 3 },
  });
  checkRead(text, node([field("characters", { options: { limit: null } })]), {
    variables: { limit: null },
  });
});

Deno.test("read() does not take variable values from the prototype", () => {
  checkRead(
    "query Crew($constructor: String) { characters(species: $constructor) }",
    node([field("characters")]),
    { variables: {} },
  );
});

Deno.test("read() gives null for a list item whose variable has no value", () => {
  checkRead(
    "query Crew($id: ID) { characters(ids: [1, $id]) }",
    node([field("characters", { options: { ids: [1, null] } })]),
  );
});

Deno.test("read() omits an object field whose variable has no value", () => {
  checkRead(
    'query Crew($species: String) { characters(filter: {species: $species, name: "Spock"}) }',
    node([field("characters", { options: { filter: { name: "Spock" } } })]),
  );
});

Deno.test("read() checks variable values against built-in scalar types", async (t) => {
  const accepted: [string, unknown][] = [
    ["Int", 10],
    ["Int", -2147483648],
    ["Int", 2147483647],
    ["Float", 1.5],
    ["Float", 3],
    ["String", "Vulcan"],
    ["Boolean", false],
    ["ID", "1701"],
    ["ID", 1701],
  ];
  for (const [type, value] of accepted) {
    await t.step(`${type} accepts ${JSON.stringify(value)}`, () => {
      checkRead(
        `query Crew($v: ${type}) { characters(v: $v) }`,
        node([field("characters", { options: { v: value } })]),
        { variables: { v: value } },
      );
    });
  }
  const rejected: [string, unknown, string][] = [
    ["Int", "ten", 'Int cannot represent non-integer value: "ten"'],
    ["Int", 1.5, "Int cannot represent non-integer value: 1.5"],
    ["Int", true, "Int cannot represent non-integer value: true"],
    ["Int", 2147483648, "Int cannot represent non 32-bit signed integer value: 2147483648"],
    ["Int", -2147483649, "Int cannot represent non 32-bit signed integer value: -2147483649"],
    ["Float", "1.5", 'Float cannot represent non numeric value: "1.5"'],
    ["Float", Infinity, "Float cannot represent non numeric value: Infinity"],
    ["Float", NaN, "Float cannot represent non numeric value: NaN"],
    ["String", 1701, "String cannot represent a non string value: 1701"],
    ["String", ["Spock"], 'String cannot represent a non string value: ["Spock"]'],
    ["Boolean", "true", 'Boolean cannot represent a non boolean value: "true"'],
    ["Boolean", 0, "Boolean cannot represent a non boolean value: 0"],
    ["ID", 1.5, "ID cannot represent value: 1.5"],
    ["ID", { id: 1 }, "ID cannot represent value: { id: 1 }"],
  ];
  for (const [type, value, reason] of rejected) {
    await t.step(`${type} rejects ${String(value)}`, () => {
      throwsReadError(
        () => read(`query Crew($v: ${type}) { characters(v: $v) }`, { variables: { v: value } }),
        `Variable "$v" got invalid value ${reasonValue(reason)}; ${reason}`,
        [{ line: 1, column: 12 }],
      );
    });
  }
});

/** The printed value is the one at the end of graphql-js's reason. */
function reasonValue(reason: string): string {
  return reason.slice(reason.indexOf(": ") + 2);
}

Deno.test("read() reports an invalid variable value as graphql-js words it", () => {
  throwsReadError(
    () =>
      read("query Crew($limit: Int) { characters(limit: $limit) { name } }", {
        variables: { limit: "ten" },
      }),
    'Variable "$limit" got invalid value "ten"; Int cannot represent non-integer value: "ten"',
    [{ line: 1, column: 12 }],
  );
});

Deno.test("read() coerces list variables", async (t) => {
  const text = (type: string) => `query Crew($ids: ${type}) { characters(ids: $ids) }`;
  const options = (value: unknown) => node([field("characters", { options: { ids: value } })]);
  await t.step("a list is kept as given", () => {
    const ids = [1, 2, 3];
    const query = readBare(text("[Int!]!"), { variables: { ids } });
    assert.equal(query.fields[0]?.options?.ids, ids);
  });
  await t.step("a single value becomes a one-item list", () => {
    checkRead(text("[Int]"), options([7]), { variables: { ids: 7 } });
    checkRead(text("[[Int]]"), options([[7]]), { variables: { ids: 7 } });
    checkRead(text("[[Int]]"), options([[1], [2]]), { variables: { ids: [1, 2] } });
  });
  await t.step("null is kept for a nullable list and nullable items", () => {
    checkRead(text("[Int]"), options(null), { variables: { ids: null } });
    checkRead(text("[Int]"), options([1, null]), { variables: { ids: [1, null] } });
  });
  await t.step("an invalid item is reported with its path", () => {
    throwsReadError(
      () => read(text("[Int]"), { variables: { ids: [1, "x"] } }),
      'Variable "$ids" got invalid value "x" at "ids[1]"; Int cannot represent non-integer value: "x"',
      [{ line: 1, column: 12 }],
    );
    throwsReadError(
      () => read(text("[[Int]]"), { variables: { ids: [[1], [2, 2.5]] } }),
      'Variable "$ids" got invalid value 2.5 at "ids[1][1]"; ' +
        "Int cannot represent non-integer value: 2.5",
      [{ line: 1, column: 12 }],
    );
  });
  await t.step("a null item of a non-null item type is reported", () => {
    throwsReadError(
      () => read(text("[Int!]"), { variables: { ids: [1, null] } }),
      'Variable "$ids" got invalid value null at "ids[1]"; ' +
        'Expected non-nullable type "Int!" not to be null',
      [{ line: 1, column: 12 }],
    );
  });
});

Deno.test("read() passes values of other named types through unchecked", () => {
  const filter = { species: "Vulcan", rank: 2 };
  checkRead(
    "query Crew($filter: CharacterFilter!, $order: Order, $at: DateTime) " +
      "{ characters(filter: $filter, order: $order, at: $at) }",
    node([
      field("characters", {
        options: { filter, order: "NAME", at: "2266-01-01" },
      }),
    ]),
    { variables: { filter, order: "NAME", at: "2266-01-01" } },
  );
});

Deno.test("read() checks variable defaults against the declared type", () => {
  throwsReadError(
    () => read('query Crew($limit: Int = "ten") { characters(limit: $limit) }'),
    'Variable "$limit" got invalid default value "ten"; Int cannot represent non-integer value: "ten"',
    [{ line: 1, column: 12 }],
  );
  checkRead(
    "query Crew($order: Order = NAME, $ids: [Int] = 1) { characters(order: $order, ids: $ids) }",
    node([field("characters", { options: { order: "NAME", ids: [1] } })]),
  );
});

Deno.test("read() rejects a variable declared twice", () => {
  throwsReadError(
    () => read("query Crew($limit: Int, $limit: Int) { characters(limit: $limit) }"),
    'There can be only one variable named "$limit"',
    [{ line: 1, column: 25 }],
  );
});

// test_skip_field
Deno.test("read() applies @skip to a field", () => {
  const text = "query Crew($cond: Boolean!) {\n  name\n  species @skip(if: $cond)\n}";
  checkRead(text, node([field("name")]), { variables: { cond: true } });
  checkRead(text, node([field("name"), field("species")]), { variables: { cond: false } });
});

// test_skip_fragment_spread
Deno.test("read() applies @skip to a fragment spread", () => {
  const text = "query Crew($cond: Boolean!) {\n  name\n  ...Details @skip(if: $cond)\n}\n" +
    "fragment Details on Character {\n  species\n}";
  checkRead(text, node([field("name")]), { variables: { cond: true } });
  checkRead(
    text,
    node([field("name")], [queryFragment("Details", "Character", node([field("species")]))]),
    { variables: { cond: false } },
  );
});

// test_skip_inline_fragment
Deno.test("read() applies @skip to an inline fragment", () => {
  const text = "query Crew($cond: Boolean!) {\n  name\n  ... on Character @skip(if: $cond) {\n" +
    "    species\n  }\n}";
  checkRead(text, node([field("name")]), { variables: { cond: true } });
  checkRead(
    text,
    node([field("name")], [queryFragment(null, "Character", node([field("species")]))]),
    { variables: { cond: false } },
  );
});

// test_include_field
Deno.test("read() applies @include to a field", () => {
  const text = "query Crew($cond: Boolean!) {\n  name\n  species @include(if: $cond)\n}";
  checkRead(text, node([field("name"), field("species")]), { variables: { cond: true } });
  checkRead(text, node([field("name")]), { variables: { cond: false } });
});

// test_include_fragment_spread
Deno.test("read() applies @include to a fragment spread", () => {
  const text = "query Crew($cond: Boolean!) {\n  name\n  ...Details @include(if: $cond)\n}\n" +
    "fragment Details on Character {\n  species\n}";
  checkRead(
    text,
    node([field("name")], [queryFragment("Details", "Character", node([field("species")]))]),
    { variables: { cond: true } },
  );
  checkRead(text, node([field("name")]), { variables: { cond: false } });
});

// test_include_inline_fragment
Deno.test("read() applies @include to an inline fragment", () => {
  const text = "query Crew($cond: Boolean!) {\n  name\n  ... on Character @include(if: $cond) {\n" +
    "    species\n  }\n}";
  checkRead(
    text,
    node([field("name")], [queryFragment(null, "Character", node([field("species")]))]),
    { variables: { cond: true } },
  );
  checkRead(text, node([field("name")]), { variables: { cond: false } });
});

Deno.test("read() includes a selection only when @skip is not true and @include is not false", async (t) => {
  const text = "query Crew($skip: Boolean!, $include: Boolean!) {\n" +
    "  name\n  species @skip(if: $skip) @include(if: $include)\n}";
  const cases: [boolean, boolean, boolean][] = [
    [false, true, true],
    [false, false, false],
    [true, true, false],
    [true, false, false],
  ];
  for (const [skip, include, included] of cases) {
    await t.step(`@skip(if: ${skip}) @include(if: ${include})`, () => {
      checkRead(
        text,
        node(included ? [field("name"), field("species")] : [field("name")]),
        { variables: { skip, include } },
      );
    });
  }
});

Deno.test("read() applies @skip and @include written as literals", () => {
  checkRead(
    "{ name @skip(if: true) species @include(if: false) actors @skip(if: false) }",
    node([field("actors")]),
  );
});

// test_directive_invalid_arguments
Deno.test("read() rejects malformed @skip and @include arguments", async (t) => {
  for (const directive of ["skip", "include"]) {
    await t.step(`@${directive} with an extra argument`, () => {
      throwsReadError(
        () => read(`{\n  name\n  species @${directive}(if: true, extra: true)\n}`),
        `Unknown argument "extra" on directive "@${directive}"`,
        [{ line: 3, column: 23 + directive.length }],
      );
    });
    await t.step(`@${directive} with an unknown argument instead of if`, () => {
      throwsReadError(
        () => read(`{\n  name\n  species @${directive}(unknown: true)\n}`),
        `Unknown argument "unknown" on directive "@${directive}"`,
        [{ line: 3, column: 13 + directive.length }],
      );
    });
    await t.step(`@${directive} without arguments`, () => {
      throwsReadError(
        () => read(`{ species @${directive} }`),
        `Argument "@${directive}(if:)" of type "Boolean!" is required, but it was not provided`,
        [{ line: 1, column: 11 }],
      );
    });
    await t.step(`@${directive} with a value that is not a Boolean`, () => {
      throwsReadError(
        () => read(`{ species @${directive}(if: 1) }`),
        `Argument "@${directive}(if:)" of type "Boolean!" got invalid value 1; ` +
          "Boolean cannot represent a non boolean value: 1",
        [{ line: 1, column: 13 + directive.length }],
      );
    });
    await t.step(`@${directive} with a variable that has no value`, () => {
      throwsReadError(
        () => read(`query Crew($cond: Boolean) { species @${directive}(if: $cond) }`),
        `Argument "@${directive}(if:)" of type "Boolean!" was provided the variable "$cond" ` +
          "which was not provided a runtime value",
        [{ line: 1, column: 40 + directive.length }],
      );
    });
    await t.step(`@${directive} twice`, () => {
      throwsReadError(
        () => read(`{ species @${directive}(if: true) @${directive}(if: true) }`),
        `The directive "@${directive}" can only be used once at this location`,
        [{ line: 1, column: 23 + directive.length }],
      );
    });
  }
});

Deno.test("read() keeps other directives on fields and links, with their arguments", () => {
  checkRead(
    "query Crew($ttl: Int = 30) {\n" +
      "  characters @cached(ttl: $ttl) @live { name @deprecated species @tag(names: [A, B]) }\n}",
    node([
      queryLink(
        "characters",
        node([
          field("name", { directives: [{ name: "deprecated", args: {} }] }),
          field("species", { directives: [{ name: "tag", args: { names: ["A", "B"] } }] }),
        ]),
        { directives: [{ name: "cached", args: { ttl: 30 } }, { name: "live", args: {} }] },
      ),
    ]),
  );
});

// test_read_operation_query
Deno.test("readOperation() reads a query", () => {
  assert.deepEqual(readOperation("query { name }", { noLocation: true }), {
    type: "query",
    name: null,
    query: node([field("name")]),
  });
});

// test_read_operation_mutation
Deno.test("readOperation() reads a mutation with an ordered root", () => {
  const op = readOperation('mutation { beamUp(name: "Spock") { name } }', { noLocation: true });
  assert.deepEqual(op, {
    type: "mutation",
    name: null,
    query: node(
      [queryLink("beamUp", node([field("name")]), { options: { name: "Spock" } })],
      [],
      true,
    ),
  });
  assert.equal(op.query.ordered, true);
  const link = op.query.fields[0];
  assert.ok(link?.kind === "link");
  assert.equal(link.node.ordered, false);
});

// test_read_operation_subscription
Deno.test("readOperation() reads a subscription", () => {
  assert.deepEqual(readOperation("subscription Arrivals { arrivals }", { noLocation: true }), {
    type: "subscription",
    name: "Arrivals",
    query: node([field("arrivals")]),
  });
});

Deno.test("readOperation() applies variables like read()", () => {
  const op = readOperation(
    "mutation Beam($name: String!) { beamUp(name: $name) }",
    { variables: { name: "Kirk" }, noLocation: true },
  );
  assert.deepEqual(op.query, node([field("beamUp", { options: { name: "Kirk" } })], [], true));
});

Deno.test("read() merges repeated selections", () => {
  const text = `{
      characters { name actors { name } }
      characters { species actors { born } }
      characters(limit: 1) { name }
      name
      name
    }`;
  // items keeps every selection as written; fields is the merged view.
  assert.deepEqual(readBare(text).items.map((i) => i.kind === "fragment" ? i.name : i.name), [
    "characters",
    "characters",
    "characters",
    "name",
    "name",
  ]);
  checkMerged(
    `{
      characters { name actors { name } }
      characters { species actors { born } }
      characters(limit: 1) { name }
      name
      name
    }`,
    node([
      queryLink(
        "characters",
        node([
          field("name"),
          queryLink("actors", node([field("name"), field("born")])),
          field("species"),
        ]),
      ),
      queryLink("characters", node([field("name")]), { options: { limit: 1 } }),
      field("name"),
    ]),
  );
});

Deno.test("read() merges repeated selections inside fragments", () => {
  checkMerged(
    "{ ...Crew }\nfragment Crew on Query { characters { name } characters { species } }",
    node([], [
      queryFragment(
        "Crew",
        "Query",
        node([queryLink("characters", node([field("name"), field("species")]))]),
      ),
    ]),
  );
});

Deno.test("read() records where each selection was written", () => {
  const query = read(
    "query Crew {\n  crew: characters(limit: 2) {\n    name\n    ...Details\n" +
      "    ... on Human { species }\n  }\n}\nfragment Details on Character { actors { name } }",
  );
  const characters = query.fields[0];
  assert.ok(characters?.kind === "link");
  assert.deepEqual(characters.location, { line: 2, column: 3 });
  assert.deepEqual(characters.node.fields[0]?.location, { line: 3, column: 5 });
  const [details, human] = characters.node.fragments;
  assert.deepEqual(details?.location, { line: 4, column: 5 });
  assert.deepEqual(human?.location, { line: 5, column: 5 });
  assert.deepEqual(human?.node.fields[0]?.location, { line: 5, column: 20 });
  assert.deepEqual(details?.node.fields[0]?.location, { line: 8, column: 33 });
});

Deno.test("read() with noLocation records no locations, in the AST or in errors", () => {
  const query = read("{ characters { name } }", { noLocation: true });
  const characters = query.fields[0];
  assert.ok(characters?.kind === "link");
  assert.equal(characters.location, null);
  assert.equal(characters.node.fields[0]?.location, null);
  throwsReadError(
    () => read("{ ...Captain }", { noLocation: true }),
    'Unknown fragment "Captain"',
    [],
  );
});

Deno.test("read() returns frozen nodes", () => {
  const query = read("{ characters { name } }");
  assert.ok(Object.isFrozen(query));
  assert.ok(Object.isFrozen(query.fields));
  assert.ok(Object.isFrozen(query.fields[0]));
});
