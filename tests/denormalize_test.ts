/**
 * denormalize and denormalizeWithErrors (src/execution/denormalize.ts) on a small in-memory crew:
 * loaders that put an `Error` in place of one id's row, cell, link target, list or list item;
 * links whose required value failed; `Optional(Sequence(...))` links; one error per failed
 * position, capped by `maxErrors`; errors level by level; every location of a merged field; the
 * first failure of a link kept; and the strict readers throwing what failed. Each behaviour is
 * checked on `engine.execute(..., { partial: true })` and, where clients see it, through `Schema`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  AsyncExecutor,
  denormalize,
  denormalizeWithErrors,
  Engine,
  Field,
  Graph,
  Int,
  Link,
  LoaderError,
  type Member,
  Node,
  Nothing,
  Option,
  Optional,
  type Proxy,
  type QueryField,
  read,
  Root,
  Schema,
  Sequence,
  Str,
  TypeRef,
} from "../mod.ts";

// The crew --------------------------------------------------------------------------------------

const PROFILES = new Map([
  [1, { name: "James T. Kirk", species: "Human" }],
  [2, { name: "Spock", species: "Vulcan/Human" }],
  [3, { name: "Leonard McCoy", species: "Human" }],
]);

const engine = new Engine(new AsyncExecutor());

/**
 * A graph with `Character` nodes 1, 2 and 3: `id`, the given members, and the roots `characters`
 * (`[Character!]!`), `crew` (`[Character]!`) and `character(id)` (`Character`).
 */
function crewGraph(members: readonly Member[], roots: readonly Member[] = []) {
  return Graph([
    Node("Character", [
      Field(
        "id",
        Int,
        (fields: readonly QueryField[], ids: readonly number[]) =>
          ids.map((id) => fields.map(() => id)),
      ),
      ...members,
    ]),
    Root([
      Link("characters", Sequence(TypeRef("Character")), () => [1, 2, 3], { requires: null }),
      Link("crew", Sequence(Optional(TypeRef("Character"))), () => [1, 2, 3], { requires: null }),
      Link("character", Optional(TypeRef("Character")), (options: { id: number }) => options.id, {
        requires: null,
        options: [Option("id", Int)],
      }),
      ...roots,
    ]),
  ]);
}

/** `name` and `species`, loaded by one loader that gives `failures[id]` in place of a row. */
function profileFields(failures: { readonly [id: number]: Error } = {}): Member[] {
  const load = (fields: readonly QueryField[], ids: readonly number[]) =>
    ids.map((id) =>
      failures[id] ??
        fields.map((f) => PROFILES.get(id)![f.name as "name" | "species"])
    );
  return [Field("name", Optional(Str), load), Field("species", Optional(Str), load)];
}

/** A nullable field whose loader throws. */
function throwing(name: string, message: string): Member {
  return Field(name, Optional(Str), () => {
    throw new Error(message);
  });
}

interface Reported {
  readonly type: string;
  readonly message: string;
  readonly path: readonly (string | number)[];
  readonly locations: readonly { readonly line: number; readonly column: number }[];
}

/** Executes with partial results and reports what `denormalizeWithErrors` gives, errors named. */
async function partial(
  graph: ReturnType<typeof crewGraph>,
  query: string,
  maxErrors?: number,
): Promise<{ data: unknown; errors: Reported[] }> {
  const result = await engine.execute(graph, read(query), {}, { partial: true });
  const { data, errors } = denormalizeWithErrors(
    graph,
    result,
    null,
    maxErrors === undefined ? {} : { maxErrors },
  );
  return {
    data,
    errors: errors.map((e) => ({
      type: (e.error as Error).name,
      message: (e.error as Error).message,
      path: e.path,
      locations: e.locations,
    })),
  };
}

function schemaOf(graph: ReturnType<typeof crewGraph>, maxErrors?: number): Schema {
  return new Schema({
    query: graph,
    executor: new AsyncExecutor(),
    ...(maxErrors === undefined ? {} : { maxErrors }),
  });
}

// An Error in place of a row or a cell ----------------------------------------------------------

Deno.test("an Error in place of a row fails every field of that id's group, and no other id", async (t) => {
  const lost = new Error("no record of 2");
  const graph = crewGraph(profileFields({ 2: lost }));
  const query = "{ characters { id name species } }";
  const expectedData = {
    characters: [
      { id: 1, name: "James T. Kirk", species: "Human" },
      { id: 2, name: null, species: null },
      { id: 3, name: "Leonard McCoy", species: "Human" },
    ],
  };

  await t.step("denormalizeWithErrors: one LoaderError per field of the group", async () => {
    assert.deepEqual(await partial(graph, query), {
      data: expectedData,
      errors: [
        {
          type: "LoaderError",
          message: "Loader of field Character.name failed: no record of 2",
          path: ["characters", 1, "name"],
          locations: [{ line: 1, column: 19 }],
        },
        {
          type: "LoaderError",
          message: "Loader of field Character.species failed: no record of 2",
          path: ["characters", 1, "species"],
          locations: [{ line: 1, column: 24 }],
        },
      ],
    });
  });

  await t.step(
    "the LoaderError names node and field, and its cause is the loader's Error",
    async () => {
      const result = await engine.execute(graph, read(query), {}, { partial: true });
      const [first, second] = denormalizeWithErrors(graph, result).errors;
      assert.ok(first!.error instanceof LoaderError);
      assert.equal(first!.error.node, "Character");
      assert.deepEqual(first!.error.fields, ["name"]);
      assert.equal(first!.error.cause, lost);
      assert.ok(second!.error instanceof LoaderError);
      assert.deepEqual(second!.error.fields, ["species"]);
      assert.equal(second!.error.cause, lost);
    },
  );

  await t.step("through Schema: the client message is the Error's own", async () => {
    assert.deepEqual(await schemaOf(graph).execute({ query }), {
      errors: [
        {
          message: "no record of 2",
          locations: [{ line: 1, column: 19 }],
          path: ["characters", 1, "name"],
        },
        {
          message: "no record of 2",
          locations: [{ line: 1, column: 24 }],
          path: ["characters", 1, "species"],
        },
      ],
      data: expectedData,
    });
  });
});

Deno.test("an Error in one cell fails only that field at that id", async (t) => {
  const classified = new Error("classified");
  const load = (fields: readonly QueryField[], ids: readonly number[]) =>
    ids.map((id) =>
      fields.map((f) =>
        id === 3 && f.name === "species"
          ? classified
          : PROFILES.get(id)![f.name as "name" | "species"]
      )
    );
  const graph = crewGraph([
    Field("name", Optional(Str), load),
    Field("species", Optional(Str), load),
  ]);
  const query = "{ characters { name species } }";
  const expectedData = {
    characters: [
      { name: "James T. Kirk", species: "Human" },
      { name: "Spock", species: "Vulcan/Human" },
      { name: "Leonard McCoy", species: null },
    ],
  };

  await t.step("denormalizeWithErrors", async () => {
    assert.deepEqual(await partial(graph, query), {
      data: expectedData,
      errors: [{
        type: "LoaderError",
        message: "Loader of field Character.species failed: classified",
        path: ["characters", 2, "species"],
        locations: [{ line: 1, column: 21 }],
      }],
    });
    const result = await engine.execute(graph, read(query), {}, { partial: true });
    const [reported] = denormalizeWithErrors(graph, result).errors;
    assert.equal((reported!.error as LoaderError).cause, classified);
  });

  await t.step("through Schema", async () => {
    assert.deepEqual(await schemaOf(graph).execute({ query }), {
      errors: [{
        message: "classified",
        locations: [{ line: 1, column: 21 }],
        path: ["characters", 2, "species"],
      }],
      data: expectedData,
    });
  });
});

Deno.test("an Error in a non-null field's cell nulls the nearest nullable place", async () => {
  const graph = crewGraph([
    Field(
      "rank",
      Str,
      (_fields: unknown, ids: readonly number[]) =>
        ids.map((id) => [id === 2 ? new Error("rank unknown") : "Commander"]),
    ),
  ]);
  assert.deepEqual(await partial(graph, "{ crew { rank } }"), {
    data: { crew: [{ rank: "Commander" }, null, { rank: "Commander" }] },
    errors: [{
      type: "LoaderError",
      message: "Loader of field Character.rank failed: rank unknown",
      path: ["crew", 1, "rank"],
      locations: [{ line: 1, column: 10 }],
    }],
  });
});

// An Error in place of a link's target, list or item --------------------------------------------

Deno.test("a link loader's Error in place of one id's target fails that parent's link alone", async (t) => {
  const lost = new Error("mentor lost");
  const graph = crewGraph([
    ...profileFields(),
    Link(
      "mentor",
      Optional(TypeRef("Character")),
      (ids: readonly number[]) => ids.map((id) => id === 1 ? 2 : id === 2 ? lost : Nothing),
      { requires: "id" },
    ),
    Link(
      "captain",
      TypeRef("Character"),
      (ids: readonly number[]) => ids.map((id) => id === 2 ? new Error("captain lost") : 1),
      { requires: "id" },
    ),
  ]);

  await t.step("an Optional link becomes null there", async () => {
    assert.deepEqual(await partial(graph, "{ characters { name mentor { name } } }"), {
      data: {
        characters: [
          { name: "James T. Kirk", mentor: { name: "Spock" } },
          { name: "Spock", mentor: null },
          { name: "Leonard McCoy", mentor: null },
        ],
      },
      errors: [{
        type: "LoaderError",
        message: "Loader of link Character.mentor failed: mentor lost",
        path: ["characters", 1, "mentor"],
        locations: [{ line: 1, column: 21 }],
      }],
    });
    const result = await engine.execute(graph, read("{ characters { mentor { id } } }"), {}, {
      partial: true,
    });
    const [reported] = denormalizeWithErrors(graph, result).errors;
    assert.ok(reported!.error instanceof LoaderError);
    assert.equal(reported!.error.node, "Character");
    assert.deepEqual(reported!.error.fields, ["mentor"]);
    assert.equal(reported!.error.cause, lost);
  });

  await t.step("a non-null link nulls its parent, up to the nullable list item", async () => {
    assert.deepEqual(await partial(graph, "{ crew { name captain { name } } }"), {
      data: {
        crew: [
          { name: "James T. Kirk", captain: { name: "James T. Kirk" } },
          null,
          { name: "Leonard McCoy", captain: { name: "James T. Kirk" } },
        ],
      },
      errors: [{
        type: "LoaderError",
        message: "Loader of link Character.captain failed: captain lost",
        path: ["crew", 1, "captain"],
        locations: [{ line: 1, column: 15 }],
      }],
    });
  });

  await t.step("through Schema", async () => {
    assert.deepEqual(
      await schemaOf(graph).execute({ query: "{ characters { mentor { name } } }" }),
      {
        errors: [{
          message: "mentor lost",
          locations: [{ line: 1, column: 16 }],
          path: ["characters", 1, "mentor"],
        }],
        data: {
          characters: [{ mentor: { name: "Spock" } }, { mentor: null }, { mentor: null }],
        },
      },
    );
  });
});

Deno.test("a Sequence link loader's Error in place of a list or an item fails only there", async (t) => {
  const itemLost = new Error("friend 2 lost");
  const friendsOf = (ids: readonly number[]) =>
    ids.map((id) => id === 1 ? [2, itemLost, 3] : id === 2 ? new Error("friends of 2 lost") : [1]);
  const graph = crewGraph([
    ...profileFields(),
    Link("friends", Sequence(TypeRef("Character")), friendsOf, { requires: "id" }),
    Link("maybeFriends", Sequence(Optional(TypeRef("Character"))), friendsOf, { requires: "id" }),
  ]);

  await t.step("an Error in place of a list nulls the non-null list's parent", async () => {
    const { data, errors } = await partial(graph, "{ crew { name friends { name } } }");
    assert.deepEqual(data, {
      crew: [null, null, { name: "Leonard McCoy", friends: [{ name: "James T. Kirk" }] }],
    });
    assert.deepEqual(errors, [
      {
        type: "LoaderError",
        message: "Loader of link Character.friends failed: friend 2 lost",
        path: ["crew", 0, "friends", 1],
        locations: [{ line: 1, column: 15 }],
      },
      {
        type: "LoaderError",
        message: "Loader of link Character.friends failed: friends of 2 lost",
        path: ["crew", 1, "friends"],
        locations: [{ line: 1, column: 15 }],
      },
    ]);
  });

  await t.step("an item of Sequence(TypeRef) nulls the list, and the null moves up", async () => {
    assert.deepEqual(await partial(graph, "{ character(id: 1) { name friends { name } } }"), {
      data: { character: null },
      errors: [{
        type: "LoaderError",
        message: "Loader of link Character.friends failed: friend 2 lost",
        path: ["character", "friends", 1],
        locations: [{ line: 1, column: 27 }],
      }],
    });
  });

  await t.step("an item of Sequence(Optional(TypeRef)) becomes null", async () => {
    assert.deepEqual(await partial(graph, "{ character(id: 1) { name maybeFriends { name } } }"), {
      data: {
        character: {
          name: "James T. Kirk",
          maybeFriends: [{ name: "Spock" }, null, { name: "Leonard McCoy" }],
        },
      },
      errors: [{
        type: "LoaderError",
        message: "Loader of link Character.maybeFriends failed: friend 2 lost",
        path: ["character", "maybeFriends", 1],
        locations: [{ line: 1, column: 27 }],
      }],
    });
    const result = await engine.execute(
      graph,
      read("{ character(id: 1) { maybeFriends { id } } }"),
      {},
      { partial: true },
    );
    const [reported] = denormalizeWithErrors(graph, result).errors;
    assert.equal((reported!.error as LoaderError).cause, itemLost);
  });

  await t.step("through Schema", async () => {
    assert.deepEqual(
      await schemaOf(graph).execute({ query: "{ character(id: 1) { maybeFriends { id } } }" }),
      {
        errors: [{
          message: "friend 2 lost",
          locations: [{ line: 1, column: 22 }],
          path: ["character", "maybeFriends", 1],
        }],
        data: { character: { maybeFriends: [{ id: 2 }, null, { id: 3 }] } },
      },
    );
  });
});

// A required value that failed ------------------------------------------------------------------

Deno.test("a link whose required value is an Error fails with it, and its loader never sees that parent", async (t) => {
  const noKey = new Error("no key for 2");
  const keyField = Field(
    "key",
    Optional(Str),
    (_fields: unknown, ids: readonly number[]) => ids.map((id) => [id === 2 ? noKey : `k${id}`]),
  );
  const called: unknown[] = [];
  const graph = crewGraph([
    ...profileFields(),
    keyField,
    Link("partner", Optional(TypeRef("Character")), (keys: readonly string[]) => {
      called.push(keys);
      return keys.map(() => 1);
    }, { requires: "key" }),
    Link("partners", Sequence(TypeRef("Character")), (records: readonly unknown[]) => {
      called.push(records);
      return records.map(() => [1]);
    }, { requires: ["id", "key"] }),
  ]);
  const partnerError = (i: number, column: number) => ({
    type: "LoaderError",
    message: "Loader of link Character.partner failed: no key for 2",
    path: ["characters", i, "partner"],
    locations: [{ line: 1, column }],
  });

  await t.step("the required field not selected: the error at the link", async () => {
    called.length = 0;
    assert.deepEqual(await partial(graph, "{ characters { name partner { name } } }"), {
      data: {
        characters: [
          { name: "James T. Kirk", partner: { name: "James T. Kirk" } },
          { name: "Spock", partner: null },
          { name: "Leonard McCoy", partner: { name: "James T. Kirk" } },
        ],
      },
      errors: [partnerError(1, 21)],
    });
    assert.deepEqual(called, [["k1", "k3"]]);
    const result = await engine.execute(graph, read("{ characters { partner { id } } }"), {}, {
      partial: true,
    });
    const [reported] = denormalizeWithErrors(graph, result).errors;
    assert.equal((reported!.error as LoaderError).cause, noKey);
  });

  await t.step("the required field selected: its error at the field and at the link", async () => {
    called.length = 0;
    assert.deepEqual(await partial(graph, "{ characters { key partner { id } } }"), {
      data: {
        characters: [
          { key: "k1", partner: { id: 1 } },
          { key: null, partner: null },
          { key: "k3", partner: { id: 1 } },
        ],
      },
      errors: [
        {
          type: "LoaderError",
          message: "Loader of field Character.key failed: no key for 2",
          path: ["characters", 1, "key"],
          locations: [{ line: 1, column: 16 }],
        },
        partnerError(1, 20),
      ],
    });
    assert.deepEqual(called, [["k1", "k3"]]);
  });

  await t.step("several required fields: the loader gets the other parents' records", async () => {
    called.length = 0;
    assert.deepEqual(await partial(graph, "{ crew { partners { id } } }"), {
      data: { crew: [{ partners: [{ id: 1 }] }, null, { partners: [{ id: 1 }] }] },
      errors: [{
        type: "LoaderError",
        message: "Loader of link Character.partners failed: no key for 2",
        path: ["crew", 1, "partners"],
        locations: [{ line: 1, column: 10 }],
      }],
    });
    assert.deepEqual(called, [[{ id: 1, key: "k1" }, { id: 3, key: "k3" }]]);
  });

  await t.step("through Schema: the message is the required value's Error's", async () => {
    assert.deepEqual(
      await schemaOf(graph).execute({ query: "{ characters { partner { id } } }" }),
      {
        errors: [{
          message: "no key for 2",
          locations: [{ line: 1, column: 16 }],
          path: ["characters", 1, "partner"],
        }],
        data: { characters: [{ partner: { id: 1 } }, { partner: null }, { partner: { id: 1 } }] },
      },
    );
  });
});

// Optional(Sequence(...)) links -----------------------------------------------------------------

Deno.test("Optional(Sequence(...)) links: Nothing gives null, an array gives the list", async (t) => {
  const graph = crewGraph(
    [
      ...profileFields(),
      Link(
        "crewmates",
        Optional(Sequence(TypeRef("Character"))),
        (ids: readonly number[]) => ids.map((id) => id === 2 ? Nothing : [id === 1 ? 3 : 1]),
        { requires: "id" },
      ),
      Link(
        "bridge",
        Optional(Sequence(Optional(TypeRef("Character")))),
        (ids: readonly number[]) => ids.map((id) => id === 2 ? Nothing : [2, Nothing]),
        { requires: "id" },
      ),
    ],
    [
      Link("away", Optional(Sequence(TypeRef("Character"))), () => Nothing, { requires: null }),
      Link("landing", Optional(Sequence(TypeRef("Character"))), () => [2, 1], { requires: null }),
    ],
  );
  const query = "{ characters { crewmates { name } bridge { name } } away { id } landing { id } }";
  const expectedData = {
    characters: [
      { crewmates: [{ name: "Leonard McCoy" }], bridge: [{ name: "Spock" }, null] },
      { crewmates: null, bridge: null },
      { crewmates: [{ name: "James T. Kirk" }], bridge: [{ name: "Spock" }, null] },
    ],
    away: null,
    landing: [{ id: 2 }, { id: 1 }],
  };

  await t.step("denormalize and denormalizeWithErrors", async () => {
    const result = await engine.execute(graph, read(query));
    assert.deepEqual(denormalize(graph, result), expectedData);
    assert.deepEqual(await partial(graph, query), { data: expectedData, errors: [] });
  });

  await t.step("through Schema, typed [Character!] and [Character]", async () => {
    const schema = schemaOf(graph);
    assert.deepEqual(await schema.execute({ query }), { data: expectedData });
    assert.match(schema.sdl, /\n {2}crewmates: \[Character!\]\n/);
    assert.match(schema.sdl, /\n {2}bridge: \[Character\]\n/);
  });
});

Deno.test("Nothing for a Sequence(...) that is not Optional is a null where the type takes none, at that parent", async (t) => {
  const graph = crewGraph(
    [
      Link(
        "crewmates",
        Sequence(TypeRef("Character")),
        (ids: readonly number[]) => ids.map((id) => id === 2 ? Nothing : [id]),
        { requires: "id" },
      ),
    ],
    [Link("away", Sequence(TypeRef("Character")), () => Nothing, { requires: null })],
  );

  await t.step("per parent: that parent's link fails; the others keep theirs", async () => {
    // graphql-js's words for a resolver's null there, under the LoaderError naming the link.
    const message = "Loader of link Character.crewmates failed: Cannot return null for " +
      "non-nullable field Character.crewmates.";
    assert.deepEqual(await partial(graph, "{ crew { crewmates { id } } }"), {
      data: { crew: [{ crewmates: [{ id: 1 }] }, null, { crewmates: [{ id: 3 }] }] },
      errors: [{
        type: "LoaderError",
        message,
        path: ["crew", 1, "crewmates"],
        locations: [{ line: 1, column: 10 }],
      }],
    });
  });

  await t.step("shared (no requires)", async () => {
    assert.deepEqual(await partial(graph, "{ away { id } }"), {
      data: null,
      errors: [{
        type: "LoaderError",
        message: "Loader of link root.away failed: Cannot return null for non-nullable field " +
          "Query.away.",
        path: ["away"],
        locations: [{ line: 1, column: 3 }],
      }],
    });
  });
});

// How many errors, and in which order -----------------------------------------------------------

Deno.test("a loader that throws is reported once per position it nulled", async (t) => {
  const graph = crewGraph([throwing("motto", "archive offline")]);
  const motto = (i: number) => ({
    type: "LoaderError",
    message: "Loader of field Character.motto failed: archive offline",
    path: ["characters", i, "motto"],
    locations: [{ line: 1, column: 16 }],
  });

  await t.step("three ids, three errors", async () => {
    assert.deepEqual(await partial(graph, "{ characters { motto } }"), {
      data: { characters: [{ motto: null }, { motto: null }, { motto: null }] },
      errors: [motto(0), motto(1), motto(2)],
    });
  });

  await t.step("maxErrors caps them, and one more error says how many were left out", async () => {
    const result = await engine.execute(graph, read("{ characters { motto } }"), {}, {
      partial: true,
    });
    const { data, errors } = denormalizeWithErrors(graph, result, null, { maxErrors: 2 });
    assert.deepEqual(data, { characters: [{ motto: null }, { motto: null }, { motto: null }] });
    assert.equal(errors.length, 3);
    assert.deepEqual(errors.slice(0, 2).map((e) => [(e.error as Error).message, e.path]), [
      ["Loader of field Character.motto failed: archive offline", ["characters", 0, "motto"]],
      ["Loader of field Character.motto failed: archive offline", ["characters", 1, "motto"]],
    ]);
    const summary = errors[2]!;
    assert.ok(summary.error instanceof Error);
    assert.equal(summary.error.message, "Too many errors: 2 reported, 1 more left out");
    assert.deepEqual(summary.path, []);
    assert.deepEqual(summary.locations, []);
  });

  await t.step("through Schema's maxErrors", async () => {
    assert.deepEqual(await schemaOf(graph, 2).execute({ query: "{ characters { motto } }" }), {
      errors: [
        {
          message: "archive offline",
          locations: [{ line: 1, column: 16 }],
          path: ["characters", 0, "motto"],
        },
        {
          message: "archive offline",
          locations: [{ line: 1, column: 16 }],
          path: ["characters", 1, "motto"],
        },
        { message: "Too many errors: 2 reported, 1 more left out" },
      ],
      data: { characters: [{ motto: null }, { motto: null }, { motto: null }] },
    });
  });
});

Deno.test("errors come level by level: a per-parent link's errors after the level above", async (t) => {
  const graph = crewGraph([
    throwing("motto", "no motto"),
    throwing("quote", "no quote"),
    Link(
      "mentor",
      Optional(TypeRef("Character")),
      (ids: readonly number[]) => ids.map((id) => id === 3 ? Nothing : id + 1),
      { requires: "id" },
    ),
  ]);
  const error = (what: string, path: (string | number)[], column: number) => ({
    type: "LoaderError",
    message: `Loader of field Character.${what} failed: no ${what}`,
    path,
    locations: [{ line: 1, column }],
  });
  const query = "{ crew { mentor { quote } motto } }";
  const expectedData = {
    crew: [
      { mentor: { quote: null }, motto: null },
      { mentor: { quote: null }, motto: null },
      { mentor: null, motto: null },
    ],
  };

  await t.step("written first, reported after", async () => {
    assert.deepEqual(await partial(graph, query), {
      data: expectedData,
      errors: [
        error("motto", ["crew", 0, "motto"], 27),
        error("motto", ["crew", 1, "motto"], 27),
        error("motto", ["crew", 2, "motto"], 27),
        error("quote", ["crew", 0, "mentor", "quote"], 19),
        error("quote", ["crew", 1, "mentor", "quote"], 19),
      ],
    });
  });

  await t.step("a link without requires is not a level of its own: document order", async () => {
    assert.deepEqual(
      await partial(graph, "{ character(id: 1) { quote } characters { motto } }"),
      {
        data: {
          character: { quote: null },
          characters: [{ motto: null }, { motto: null }, { motto: null }],
        },
        errors: [
          error("quote", ["character", "quote"], 22),
          error("motto", ["characters", 0, "motto"], 43),
          error("motto", ["characters", 1, "motto"], 43),
          error("motto", ["characters", 2, "motto"], 43),
        ],
      },
    );
  });

  await t.step("maxErrors keeps the first levels' errors", async () => {
    const { errors } = await partial(graph, query, 4);
    assert.deepEqual(errors, [
      error("motto", ["crew", 0, "motto"], 27),
      error("motto", ["crew", 1, "motto"], 27),
      error("motto", ["crew", 2, "motto"], 27),
      error("quote", ["crew", 0, "mentor", "quote"], 19),
      {
        type: "Error",
        message: "Too many errors: 4 reported, 1 more left out",
        path: [],
        locations: [],
      },
    ]);
  });

  await t.step("through Schema", async () => {
    const response = await schemaOf(graph).execute({ query });
    assert.deepEqual(response.data, expectedData);
    assert.deepEqual(response.errors!.map((e) => [e.message, e.path]), [
      ["no motto", ["crew", 0, "motto"]],
      ["no motto", ["crew", 1, "motto"]],
      ["no motto", ["crew", 2, "motto"]],
      ["no quote", ["crew", 0, "mentor", "quote"]],
      ["no quote", ["crew", 1, "mentor", "quote"]],
    ]);
  });
});

Deno.test("a field merged from several selections reports all their locations, in the order they are collected", async (t) => {
  const graph = crewGraph([throwing("motto", "no motto")]);
  const cases: [string, string, { line: number; column: number }[]][] = [
    ["twice under one alias", "{ character(id: 1) { m: motto m: motto } }", [
      { line: 1, column: 22 },
      { line: 1, column: 31 },
    ]],
    [
      "a selection, then a fragment",
      "{ character(id: 1) { m: motto ...F } }\nfragment F on Character { m: motto }",
      [{ line: 1, column: 22 }, { line: 2, column: 27 }],
    ],
    [
      "a fragment, then a selection (graphql-js's order: the fragment's first)",
      "{ character(id: 1) { ...F m: motto } }\nfragment F on Character { m: motto }",
      [{ line: 2, column: 27 }, { line: 1, column: 27 }],
    ],
    [
      "an inline fragment and a selection",
      "{ character(id: 1) { ... on Character { m: motto } m: motto } }",
      [{ line: 1, column: 41 }, { line: 1, column: 52 }],
    ],
  ];
  for (const [what, query, locations] of cases) {
    await t.step(what, async () => {
      assert.deepEqual(await partial(graph, query), {
        data: { character: { m: null } },
        errors: [{
          type: "LoaderError",
          message: "Loader of field Character.motto failed: no motto",
          path: ["character", "m"],
          locations,
        }],
      });
      assert.deepEqual(await schemaOf(graph).execute({ query }), {
        errors: [{ message: "no motto", locations, path: ["character", "m"] }],
        data: { character: { m: null } },
      });
    });
  }
});

Deno.test("a link keeps its first failure: a second failed requirement does not replace it", async (t) => {
  const called: unknown[] = [];
  /** `rank` and `key` fail, one at once (throws) and one later (rejects); `pair` needs both. */
  const graph = (rankFirst: boolean) =>
    crewGraph([
      Field("rank", Optional(Str), () => {
        if (rankFirst) throw new Error("no ranks");
        return Promise.reject(new Error("no ranks"));
      }),
      Field("key", Optional(Str), () => {
        if (!rankFirst) throw new Error("no keys");
        return Promise.reject(new Error("no keys"));
      }),
      Link("pair", Optional(TypeRef("Character")), (records: readonly unknown[]) => {
        called.push(records);
        return records.map(() => 1);
      }, { requires: ["rank", "key"] }),
    ]);
  const pairFailed = (field: string, message: string) =>
    [0, 1, 2].map((i) => ({
      type: "LoaderError",
      message: `Loader of field Character.${field} failed: ${message}`,
      path: ["characters", i, "pair"],
      locations: [{ line: 1, column: 16 }],
    }));

  await t.step("the requirement that failed first (rank) is the link's error", async () => {
    called.length = 0;
    assert.deepEqual(await partial(graph(true), "{ characters { pair { id } } }"), {
      data: { characters: [{ pair: null }, { pair: null }, { pair: null }] },
      errors: pairFailed("rank", "no ranks"),
    });
    assert.deepEqual(called, []);
  });

  await t.step("the requirement that failed first (key) is the link's error", async () => {
    called.length = 0;
    assert.deepEqual(await partial(graph(false), "{ characters { pair { id } } }"), {
      data: { characters: [{ pair: null }, { pair: null }, { pair: null }] },
      errors: pairFailed("key", "no keys"),
    });
    assert.deepEqual(called, []);
  });
});

// The strict readers ----------------------------------------------------------------------------

Deno.test("denormalize and ResultProxy.get throw the LoaderError of an Error a loader put in place", async (t) => {
  const classified = new Error("classified");
  const lost = new Error("mentor lost");
  const itemLost = new Error("friend lost");
  const graph = crewGraph([
    Field(
      "species",
      Optional(Str),
      (_fields: unknown, ids: readonly number[]) =>
        ids.map((id) => [id === 2 ? classified : PROFILES.get(id)!.species]),
    ),
    Link(
      "mentor",
      Optional(TypeRef("Character")),
      (ids: readonly number[]) => ids.map((id) => id === 2 ? lost : Nothing),
      { requires: "id" },
    ),
    Link(
      "friends",
      Sequence(Optional(TypeRef("Character"))),
      (ids: readonly number[]) => ids.map((id) => id === 2 ? [1, itemLost] : []),
      { requires: "id" },
    ),
  ]);
  const cases: [string, string, string, Error][] = [
    ["a cell", "species", "Loader of field Character.species failed: classified", classified],
    ["a link target", "mentor { id }", "Loader of link Character.mentor failed: mentor lost", lost],
    [
      "a list item",
      "friends { id }",
      "Loader of link Character.friends failed: friend lost",
      itemLost,
    ],
  ];
  for (const [what, selection, message, cause] of cases) {
    const key = selection.split(" ")[0]!;
    await t.step(what, async () => {
      // Without partial results: an Error in place of a value never rejects execute.
      const result = await engine.execute(graph, read(`{ characters { id ${selection} } }`));
      let thrown: unknown;
      assert.throws(() => denormalize(graph, result), (error: unknown) => {
        thrown = error;
        assert.ok(error instanceof LoaderError);
        assert.equal(error.message, message);
        assert.equal(error.node, "Character");
        assert.deepEqual(error.fields, [key]);
        assert.equal(error.cause, cause);
        return true;
      });
      const characters = result.get("characters") as Proxy[];
      assert.equal(characters[0]!.get("id"), 1);
      assert.throws(() => characters[1]!.get(key), (error: unknown) => {
        // The same LoaderError: one per Error, however often it is read.
        assert.equal(error, thrown);
        return true;
      });
    });
  }
});
