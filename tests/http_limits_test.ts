/**
 * The internals of the HTTP endpoint: document limits (depth, aliases, root fields, tokens) on
 * parsed documents and their verdict cache, and media type negotiation.
 *
 * @module
 */

import assert from "node:assert/strict";
import { getIntrospectionQuery } from "graphql";
import { type DocumentLimits, LimitChecker, selectOperation } from "../src/http/_limits.ts";
import { checkContentType, negotiate } from "../src/http/_media.ts";

const NO_LIMITS: DocumentLimits = {
  maxTokens: Infinity,
  maxDepth: Infinity,
  maxAliases: Infinity,
  maxSpreadAliases: Infinity,
  maxRootFields: Infinity,
};

function problemsOf(limits: Partial<DocumentLimits>, text: string, name: string | null = null) {
  const verdict = new LimitChecker({ ...NO_LIMITS, ...limits }, 10).check(text);
  assert.equal(verdict.syntaxError, null);
  return [...verdict.problems, ...(selectOperation(verdict, name)?.problems ?? [])];
}

Deno.test("LimitChecker depth", async (t) => {
  await t.step("counts nested selection sets, the root's included", () => {
    assert.deepEqual(problemsOf({ maxDepth: 1 }, "{ version }"), []);
    assert.deepEqual(problemsOf({ maxDepth: 2 }, "{ characters { name } }"), []);
    assert.deepEqual(problemsOf({ maxDepth: 1 }, "{ version characters { name } }"), [{
      message: "Query depth 2 exceeds the maximum allowed depth 1",
      locations: [{ line: 1, column: 11 }],
    }]);
  });

  await t.step("reports the deepest root field", () => {
    const text = "{\n  a { b }\n  c { d { e { f } } }\n}";
    assert.deepEqual(problemsOf({ maxDepth: 3 }, text), [{
      message: "Query depth 4 exceeds the maximum allowed depth 3",
      locations: [{ line: 3, column: 3 }],
    }]);
  });

  await t.step("counts through inline fragments and fragment spreads, which add nothing", () => {
    const text = `
      { characters { ...Actors ... on Character { mentor { name } } } }
      fragment Actors on Character { actors { ...Named } }
      fragment Named on Actor { character { name } }
    `;
    assert.deepEqual(problemsOf({ maxDepth: 4 }, text), []);
    assert.deepEqual(problemsOf({ maxDepth: 3 }, text), [{
      message: "Query depth 4 exceeds the maximum allowed depth 3",
      locations: [{ line: 2, column: 9 }],
    }]);
  });

  await t.step("stops at a fragment cycle instead of looping", () => {
    const text = `
      { characters { ...A } }
      fragment A on Character { actors { ...B } }
      fragment B on Actor { character { ...A } }
    `;
    assert.deepEqual(problemsOf({ maxDepth: 2 }, text), [{
      message: "Query depth 4 exceeds the maximum allowed depth 2",
      locations: [{ line: 2, column: 9 }],
    }]);
  });

  await t.step("does not count introspection, so the standard introspection query passes", () => {
    assert.deepEqual(problemsOf({ maxDepth: 2 }, getIntrospectionQuery()), []);
    assert.deepEqual(
      problemsOf({ maxDepth: 1 }, '{ __type(name: "Query") { fields { name } } }'),
      [],
    );
  });

  await t.step("checks the selected operation only", () => {
    const text = "query Shallow { version } query Deep { characters { actors { name } } }";
    assert.deepEqual(problemsOf({ maxDepth: 2 }, text, "Shallow"), []);
    assert.deepEqual(problemsOf({ maxDepth: 2 }, text, "Deep"), [{
      message: "Query depth 3 exceeds the maximum allowed depth 2",
      locations: [{ line: 1, column: 40 }],
    }]);
  });
});

Deno.test("LimitChecker aliases", async (t) => {
  await t.step("counts every alias of the document, in fragments too, each once", () => {
    const text = `
      { a: version b: characters { ...F } ...F2 }
      fragment F on Character { c: name d: name }
      fragment F2 on Query { e: count }
    `;
    assert.deepEqual(problemsOf({ maxAliases: 5 }, text), []);
    assert.deepEqual(problemsOf({ maxAliases: 4 }, text), [{
      message: "Query has 5 aliases, more than the maximum of 4",
      locations: [{ line: 4, column: 30 }],
    }]);
  });

  await t.step("counts a fragment's aliases once per spread, through chains of fragments", () => {
    // Written: 6 aliases. Spread in place: 2 (A) + 2 x 2 (B, twice) + 4 x 2 (C, four times) = 14.
    const text = `
      { ...A }
      fragment A on Query { x: characters { ...B } y: characters { ...B } }
      fragment B on Character { x: actors { ...C } y: actors { ...C } }
      fragment C on Actor { x: name y: name }
    `;
    assert.deepEqual(problemsOf({ maxSpreadAliases: 14 }, text), []);
    assert.deepEqual(problemsOf({ maxSpreadAliases: 13 }, text), [{
      message:
        "Operation has 14 aliases once its fragments are spread, more than the maximum of 13",
      locations: [{ line: 2, column: 7 }],
    }]);
    // Three aliases per level over five levels: 363, far past the default's 15.
    let chain = "{ ...L0 }";
    for (let level = 0; level < 5; level++) {
      const next = level === 4 ? "name" : `actors { ...L${level + 1} }`;
      chain += ` fragment L${level} on ${level % 2 === 0 ? "Query" : "Character"} { ` +
        `a: ${next} b: ${next} c: ${next} }`;
    }
    assert.match(
      problemsOf({ maxSpreadAliases: 100 }, chain)[0]?.message ?? "",
      /^Operation has 363 aliases once its fragments are spread/,
    );
  });

  await t.step("counts aliases in every operation of the document", () => {
    assert.deepEqual(
      problemsOf({ maxAliases: 1 }, "query A { a: version } query B { b: count }", "A"),
      [{
        message: "Query has 2 aliases, more than the maximum of 1",
        locations: [{ line: 1, column: 34 }],
      }],
    );
  });
});

Deno.test("LimitChecker root fields", async (t) => {
  await t.step("counts the operation's root fields through fragments", () => {
    const text =
      "{ version count ...R ... on Query { a: version } } fragment R on Query { __typename }";
    assert.deepEqual(problemsOf({ maxRootFields: 4 }, text), []);
    assert.deepEqual(problemsOf({ maxRootFields: 3 }, text), [{
      message: "Operation selects 4 root fields, more than the maximum of 3",
      locations: [{ line: 1, column: 37 }],
    }]);
  });

  await t.step("names the operation when it has a name", () => {
    assert.deepEqual(problemsOf({ maxRootFields: 1 }, "query Stats { version count }", "Stats"), [{
      message: 'Operation "Stats" selects 2 root fields, more than the maximum of 1',
      locations: [{ line: 1, column: 23 }],
    }]);
  });
});

Deno.test("LimitChecker tokens and syntax", async (t) => {
  await t.step("reports a syntax error with its location", () => {
    const verdict = new LimitChecker(NO_LIMITS, 10).check("{ characters {");
    assert.deepEqual(verdict.syntaxError, {
      message: "Syntax Error: Expected Name, found <EOF>.",
      locations: [{ line: 1, column: 15 }],
    });
  });

  await t.step("stops parsing at the token limit", () => {
    const checker = new LimitChecker({ ...NO_LIMITS, maxTokens: 5 }, 10);
    assert.equal(checker.check("{ a b c }").syntaxError, null);
    assert.deepEqual(checker.check("{ a b c d }").syntaxError, {
      message: "Syntax Error: Document contains more than 5 tokens. Parsing aborted.",
      locations: [{ line: 1, column: 11 }],
    });
  });
});

Deno.test("LimitChecker operations", async (t) => {
  const checker = new LimitChecker(NO_LIMITS, 10);

  await t.step("knows each operation's type, and the sole one", () => {
    const verdict = checker.check("mutation Rename { rename } query Q { version }");
    assert.equal(selectOperation(verdict, "Rename")?.type, "mutation");
    assert.equal(selectOperation(verdict, "Q")?.type, "query");
    assert.equal(selectOperation(verdict, null), null);
    assert.equal(selectOperation(verdict, "Missing"), null);
    assert.equal(selectOperation(checker.check("mutation { rename }"), null)?.type, "mutation");
  });

  await t.step("keeps a text's verdict, so a repeated text is not parsed again", () => {
    const text = "{ characters { name } }";
    assert.equal(checker.check(text), checker.check(text));
  });

  await t.step("forgets the least recently used text when full", () => {
    const small = new LimitChecker(NO_LIMITS, 2);
    const first = small.check("{ a }");
    small.check("{ b }");
    small.check("{ c }");
    assert.notEqual(small.check("{ a }"), first);
  });
});

Deno.test("negotiate", async (t) => {
  await t.step("prefers graphql-response+json, then json, on equal quality", () => {
    assert.equal(negotiate("*/*", false), "application/graphql-response+json");
    assert.equal(negotiate("application/*", false), "application/graphql-response+json");
    assert.equal(
      negotiate("application/json, application/graphql-response+json", false),
      "application/graphql-response+json",
    );
  });

  await t.step("follows quality values and the most specific range", () => {
    assert.equal(
      negotiate("application/graphql-response+json;q=0.5, application/json", false),
      "application/json",
    );
    assert.equal(
      negotiate("application/graphql-response+json;q=0, */*", false),
      "application/json",
    );
    assert.equal(negotiate("application/json; charset=utf-8", false), "application/json");
  });

  await t.step("answers application/json when there is no Accept header", () => {
    assert.equal(negotiate(null, false), "application/json");
    assert.equal(negotiate("", true), "application/json");
  });

  await t.step("offers the GraphiQL page to browsers only when asked to", () => {
    const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    assert.equal(negotiate(browser, true), "text/html");
    assert.equal(negotiate(browser, false), "application/graphql-response+json");
    assert.equal(negotiate("text/html, application/json", true), "application/json");
  });

  await t.step("answers null when nothing offered is acceptable", () => {
    assert.equal(negotiate("text/plain", false), null);
    assert.equal(negotiate("text/html", false), null);
    assert.equal(negotiate("application/json;q=0", false), null);
  });
});

Deno.test("checkContentType accepts JSON in UTF-8 only", () => {
  assert.equal(checkContentType("application/json"), "json");
  assert.equal(checkContentType("Application/JSON; charset=UTF-8"), "json");
  assert.equal(checkContentType('application/json; charset="utf-8"'), "json");
  assert.equal(checkContentType(null), "missing");
  assert.equal(checkContentType("application/json; charset=latin1"), "unsupported");
  assert.equal(checkContentType("text/plain"), "unsupported");
  assert.equal(checkContentType("application/graphql"), "unsupported");
});
