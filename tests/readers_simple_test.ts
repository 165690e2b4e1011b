import assert from "node:assert/strict";
import { readSimple } from "../src/query/readers/simple.ts";
import { read } from "../src/query/readers/graphql.ts";
import { QueryReadError, QuerySyntaxError, type SourceLocation } from "../src/base/errors.ts";
import { queryField, queryLink, type QueryNode, queryNode } from "../src/query/query.ts";

function checkRead(text: string, expected: QueryNode): void {
  assert.deepEqual(readSimple(text), expected);
}

function throwsReadError(text: string, message: string, location: SourceLocation): void {
  assert.throws(() => readSimple(text), (error: unknown) => {
    assert.ok(error instanceof QueryReadError, `expected a QueryReadError, got ${error}`);
    assert.equal(error.message, message);
    assert.deepEqual(error.locations, [location]);
    return true;
  });
}

function throwsSyntaxError(text: string, description: string, line: number, column: number) {
  assert.throws(() => readSimple(text), (error: unknown) => {
    assert.ok(error instanceof QuerySyntaxError, `expected a QuerySyntaxError, got ${error}`);
    assert.equal(error.message, `Syntax error at ${line}:${column}: ${description}`);
    assert.equal(error.description, description);
    assert.equal(error.line, line);
    assert.equal(error.column, column);
    return true;
  });
}

const field = queryField;
const node = queryNode;

// test_invalid_root
Deno.test("readSimple() rejects a root that is not a vector", () => {
  throwsReadError("{:characters []}", "Node should be defined as a vector, got {:characters []}", {
    line: 1,
    column: 1,
  });
  throwsReadError(":characters", "Node should be defined as a vector, got :characters", {
    line: 1,
    column: 1,
  });
});

// test_field
Deno.test("readSimple() reads fields", () => {
  checkRead("\n  [:name :species]\n  ", node([field("name"), field("species")]));
});

// test_field_invalid
Deno.test("readSimple() rejects a node member that is not a keyword, list or map", () => {
  throwsReadError(
    '["name"]',
    'Invalid node member "name": expected a keyword, an options list or a map',
    { line: 1, column: 2 },
  );
  throwsReadError("[1]", "Invalid node member 1: expected a keyword, an options list or a map", {
    line: 1,
    column: 2,
  });
  throwsReadError(
    "[:name\n species]",
    "Invalid node member species: expected a keyword, an options list or a map",
    { line: 2, column: 2 },
  );
});

// test_field_options
Deno.test("readSimple() reads field options", () => {
  checkRead(
    "[(:name {:lang 1}) :species]",
    node([field("name", { options: { lang: 1 } }), field("species")]),
  );
});

// test_field_invalid_options
Deno.test("readSimple() rejects malformed field options", async (t) => {
  await t.step("missing options", () => {
    throwsReadError(
      "[(:name)]",
      "Missing options argument in (:name): expected (:name {options})",
      {
        line: 1,
        column: 2,
      },
    );
    throwsReadError("[()]", "Missing options argument in (): expected (:name {options})", {
      line: 1,
      column: 2,
    });
  });
  await t.step("invalid options type", () => {
    throwsReadError(
      "[(:name :species)]",
      "Options should be specified as a map, got :species in (:name :species)",
      { line: 1, column: 9 },
    );
  });
  await t.step("more arguments than expected", () => {
    throwsReadError(
      "[(:name 1 2)]",
      "More arguments than expected in (:name 1 2): expected (:name {options})",
      { line: 1, column: 2 },
    );
  });
  await t.step("invalid option key", () => {
    throwsReadError(
      "[(:name {1 2})]",
      "Option names should be specified as keywords, got 1 in (:name {1 2})",
      { line: 1, column: 10 },
    );
    throwsReadError(
      '[(:name {"lang" 2})]',
      'Option names should be specified as keywords, got "lang" in (:name {"lang" 2})',
      { line: 1, column: 10 },
    );
  });
  await t.step("name that is not a keyword", () => {
    throwsReadError(
      '[("name" {:lang 1})]',
      'Names should be specified as keywords, got "name" in ("name" {:lang 1})',
      { line: 1, column: 3 },
    );
  });
  await t.step("option given twice", () => {
    throwsReadError(
      "[(:characters {:limit 1 :limit 2})]",
      "Key :limit is given more than once in {:limit 1 :limit 2}",
      { line: 1, column: 25 },
    );
  });
});

// test_link
Deno.test("readSimple() reads links", () => {
  checkRead(
    "[{:characters [:name :species]}]",
    node([queryLink("characters", node([field("name"), field("species")]))]),
  );
});

Deno.test("readSimple() reads several links from one map, and nested links", () => {
  checkRead(
    "[{:characters [:name {:actors [:name]}] :actors [:name]}]",
    node([
      queryLink("characters", node([field("name"), queryLink("actors", node([field("name")]))])),
      queryLink("actors", node([field("name")])),
    ]),
  );
});

// test_link_options
Deno.test("readSimple() reads link options", () => {
  checkRead(
    "[{(:characters {:limit 1}) [:name]}]",
    node([queryLink("characters", node([field("name")]), { options: { limit: 1 } })]),
  );
});

// test_link_invalid
Deno.test("readSimple() rejects a link name that is not a keyword", () => {
  throwsReadError(
    '[{"characters" [:name]}]',
    'Link name should be a keyword or an options list, got "characters"',
    { line: 1, column: 3 },
  );
  throwsReadError(
    "[{characters [:name]}]",
    "Link name should be a keyword or an options list, got characters",
    { line: 1, column: 3 },
  );
});

Deno.test("readSimple() rejects a link whose node is not a vector", () => {
  throwsReadError(
    "[{:characters :name}]",
    'Node of link "characters" should be defined as a vector, got :name',
    { line: 1, column: 15 },
  );
});

// test_link_invalid_options
Deno.test("readSimple() rejects malformed link options", async (t) => {
  await t.step("missing options", () => {
    throwsReadError(
      "[{(:characters) [:name]}]",
      "Missing options argument in (:characters): expected (:name {options})",
      { line: 1, column: 3 },
    );
  });
  await t.step("invalid options type", () => {
    throwsReadError(
      "[{(:characters :name) [:name]}]",
      "Options should be specified as a map, got :name in (:characters :name)",
      { line: 1, column: 16 },
    );
  });
  await t.step("more arguments than expected", () => {
    throwsReadError(
      "[{(:characters 1 2) [:name]}]",
      "More arguments than expected in (:characters 1 2): expected (:name {options})",
      { line: 1, column: 3 },
    );
  });
  await t.step("invalid option key", () => {
    throwsReadError(
      "[{(:characters {1 2}) [:name]}]",
      "Option names should be specified as keywords, got 1 in (:characters {1 2})",
      { line: 1, column: 17 },
    );
  });
});

Deno.test("readSimple() converts option values to JavaScript", async (t) => {
  const cases: [string, unknown][] = [
    ["10", 10],
    ["-3", -3],
    ["+3", 3],
    ["1.5", 1.5],
    ["2e3", 2000],
    ["-1.5E-1", -0.15],
    // Integers beyond 2^53 exactly, as read() gives them (and Python Hiku).
    ["9007199254740993", 9007199254740993n],
    ["-9007199254740993", -9007199254740993n],
    ["9007199254740991", 9007199254740991],
    ['"Spock"', "Spock"],
    [
      '"tab\\there \\"quoted\\" back\\\\slash \\u0041 line\\nbreak"',
      'tab\there "quoted" back\\slash A line\nbreak',
    ],
    ['"multi\nline"', "multi\nline"],
    ["true", true],
    ["false", false],
    ["nil", null],
    [":vulcan", "vulcan"],
    [":ns/name", "ns/name"],
    ["human", "human"],
    ['[1 "two" :three nil]', [1, "two", "three", null]],
    ["(1 2)", [1, 2]],
    ['{:species "Vulcan" "rank" 2 :nested {:ids [1 2]}}', {
      species: "Vulcan",
      rank: 2,
      nested: { ids: [1, 2] },
    }],
    ["[]", []],
    ["{}", {}],
  ];
  for (const [written, value] of cases) {
    await t.step(written, () => {
      checkRead(
        `[(:characters {:filter ${written}})]`,
        node([field("characters", { options: { filter: value } })]),
      );
    });
  }
});

Deno.test("readSimple() keeps a map key named __proto__ as an own property", () => {
  const query = readSimple('[(:characters {:filter {"__proto__" {:polluted true}}})]');
  const filter = query.fields[0]?.options?.filter as { [key: string]: unknown };
  assert.equal(Object.getPrototypeOf(filter), Object.prototype);
  assert.deepEqual(Object.keys(filter), ["__proto__"]);
});

Deno.test("readSimple() gives frozen option values, as read() does", () => {
  const options = readSimple("[(:characters {:filter {:species [:vulcan]}})]").fields[0]!.options!;
  const filter = options.filter as { species: string[] };
  assert.ok(Object.isFrozen(options) && Object.isFrozen(filter) && Object.isFrozen(filter.species));
});

Deno.test("readSimple() rejects an option map key that is not a name", () => {
  throwsReadError(
    "[(:characters {:filter {1 2}})]",
    "Map keys in option values should be keywords or strings, got 1",
    { line: 1, column: 25 },
  );
});

Deno.test("readSimple() gives null options for an empty options map", () => {
  checkRead("[(:name {})]", node([field("name")]));
});

Deno.test("readSimple() treats commas as whitespace and skips comments", () => {
  checkRead(
    "; the crew\n[:name, :species ; what they are\n {:actors [:name,]}]\n; done",
    node([field("name"), field("species"), queryLink("actors", node([field("name")]))]),
  );
});

Deno.test("readSimple() accepts the characters EDN allows in keywords", () => {
  checkRead(
    "[:is-human? :beam_up! :a.b :x*y+z :a/b :<=> :ünïcode :n2 :𝒜x :𠀋]",
    node(
      ["is-human?", "beam_up!", "a.b", "x*y+z", "a/b", "<=>", "ünïcode", "n2", "𝒜x", "𠀋"].map((
        n,
      ) => field(n)),
    ),
  );
});

Deno.test("readSimple() merges repeated selections", () => {
  const query = readSimple("[:name {:characters [:name]} :name {:characters [:species]}]");
  // fields is the merged view; items keeps what was written.
  assert.deepEqual(query.items.map((item) => item.kind === "fragment" ? null : item.name), [
    "name",
    "characters",
    "name",
    "characters",
  ]);
  const characters = query.fields[1];
  assert.deepEqual(query.fields.map((f) => f.name), ["name", "characters"]);
  assert.ok(characters?.kind === "link");
  assert.deepEqual(characters.node.fields, [field("name"), field("species")]);
});

Deno.test("readSimple() gives the same AST as read() for the same query", () => {
  const pairs: [string, string][] = [
    ["[:name :species]", "{ name species }"],
    ["[{:characters [:name {:actors [:name]}]}]", "{ characters { name actors { name } } }"],
    [
      '[{(:characters {:species "Vulcan" :limit 2}) [(:name {:lang :en})]}]',
      '{ characters(species: "Vulcan", limit: 2) { name(lang: "en") } }',
    ],
  ];
  for (const [simple, graphql] of pairs) {
    assert.deepEqual(readSimple(simple), read(graphql, { noLocation: true }));
  }
});

Deno.test("readSimple() reports syntax errors with line and column", async (t) => {
  await t.step("an unclosed vector", () => {
    throwsSyntaxError("[:name :species", 'Expected "]" to close "[" at 1:1, found <EOF>', 1, 16);
    throwsSyntaxError(
      "[:name\n {:actors [:name]",
      'Expected "}" to close "{" at 2:2, found <EOF>',
      2,
      18,
    );
  });
  await t.step("a mismatched closing bracket", () => {
    throwsSyntaxError("[:name }", 'Expected "]" to close "[" at 1:1, found "}"', 1, 8);
    throwsSyntaxError(
      "[{:actors [:name)}]",
      'Expected "]" to close "[" at 1:11, found ")"',
      1,
      17,
    );
  });
  await t.step("an unexpected closing bracket", () => {
    throwsSyntaxError("}", 'Unexpected "}"', 1, 1);
  });
  await t.step("a map with an odd number of forms", () => {
    throwsSyntaxError(
      "[{:characters}]",
      "Map literal must contain an even number of forms, got 1",
      1,
      2,
    );
  });
  await t.step("an unterminated string", () => {
    throwsSyntaxError('[(:name {:lang "en})]', "Unterminated string", 1, 16);
  });
  await t.step("an invalid escape in a string", () => {
    throwsSyntaxError(
      '[(:name {:lang "e\\qn"})]',
      'Invalid escape sequence "\\q" in string',
      1,
      18,
    );
    throwsSyntaxError(
      '[(:name {:lang "\\u12"})]',
      'Invalid escape sequence "\\u12" in string',
      1,
      17,
    );
  });
  await t.step("a backslash at the end of the text", () => {
    throwsSyntaxError('[(:name {:lang "en\\', "Unterminated string", 1, 16);
  });
  await t.step("an invalid number", () => {
    throwsSyntaxError("[(:characters {:limit 10x})]", 'Invalid number "10x"', 1, 23);
    throwsSyntaxError("[(:characters {:limit .5})]", 'Invalid number ".5"', 1, 23);
    throwsSyntaxError("[(:characters {:limit -.5})]", 'Invalid number "-.5"', 1, 23);
  });
  await t.step("a long token, quoted short", () => {
    const digits = "9".repeat(200);
    throwsSyntaxError(
      `[(:a {:x ${digits}x})]`,
      `Invalid number "${"9".repeat(64)}…" (201 characters)`,
      1,
      10,
    );
    throwsSyntaxError(
      `[:a] ${"z".repeat(1000)}`,
      `Expected <EOF> after the query, found "${"z".repeat(64)}…" (1000 characters)`,
      1,
      6,
    );
  });
  await t.step("a character beyond the Basic Multilingual Plane that is not a letter", () => {
    throwsSyntaxError("[:a\u{1F600}]", 'Unexpected character "\u{1F600}" (U+1F600)', 1, 4);
  });
  await t.step("a character EDN does not allow", () => {
    throwsSyntaxError("[:name :spe@cies]", 'Unexpected character "@"', 1, 12);
    throwsSyntaxError("[#{:name}]", 'Unexpected character "#"', 1, 2);
  });
  await t.step(
    "a space EDN does not count as one (no-break, form feed, BOM), by code point",
    () => {
      throwsSyntaxError("[:a\u00a0:b]", 'Unexpected character "\u00a0" (U+00A0)', 1, 4);
      throwsSyntaxError("[:a\f:b]", 'Unexpected character "\f" (U+000C)', 1, 4);
      throwsSyntaxError("[:a\u2028]", 'Unexpected character "\u2028" (U+2028)', 1, 4);
      throwsSyntaxError("\ufeff[:a]", 'Unexpected character "\ufeff" (U+FEFF)', 1, 1);
    },
  );
  await t.step("brackets nested deeper than 256 levels, however many", () => {
    const deeper = "Query nests deeper than 256 levels of brackets";
    throwsSyntaxError("[".repeat(100_000), deeper, 1, 257);
    throwsSyntaxError(`[(:a {:x ${"[".repeat(300)}${"]".repeat(300)}})]`, deeper, 1, 263);
    throwsSyntaxError(`[:a ${"{:b ".repeat(300)}`, deeper, 1, 1025);
  });
  await t.step("a colon without a name", () => {
    throwsSyntaxError("[: name]", 'Expected a keyword name after ":"', 1, 2);
  });
  await t.step("an empty text", () => {
    throwsSyntaxError("  ; nothing\n", "Expected a query, found <EOF>", 2, 1);
  });
  await t.step("a second form after the query", () => {
    throwsSyntaxError("[:name] [:species]", 'Expected <EOF> after the query, found "["', 1, 9);
    throwsSyntaxError("[:name] :species", 'Expected <EOF> after the query, found ":species"', 1, 9);
  });
});

Deno.test("readSimple() records no locations in the AST", () => {
  const query = readSimple("[{:characters [:name]}]");
  assert.equal(query.fields[0]?.location, null);
});
