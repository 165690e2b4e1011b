import assert from "node:assert/strict";
import {
  Any,
  AsyncExecutor,
  Directive,
  Enum,
  ExecutionAbortedError,
  Field,
  Float,
  Graph,
  type GraphQLRequest,
  type GraphQLResponse,
  ID,
  Input,
  InputRef,
  Int,
  Interface,
  InterfaceRef,
  Link,
  LoaderError,
  Mapping,
  MutationGraph,
  Node,
  Nothing,
  Option,
  Optional,
  passContext,
  type QueryField,
  QueryReadError,
  Record,
  Root,
  Scalar,
  Schema,
  Sequence,
  Str,
  TypeRef,
  Union,
  UnionRef,
} from "../mod.ts";
import type { Graph as GraphT } from "../mod.ts";
import { buildSchema, graphql, type GraphQLFieldResolver } from "graphql";
import { DB, graph as seedGraph } from "./support/star_trek.ts";
import { createStarTrek } from "./support/star_trek_schema.ts";

function schemaOf(query: GraphT, mutation: GraphT | null = null): Schema {
  return new Schema({ query, mutation, executor: new AsyncExecutor() });
}

function starTrek() {
  const { graph, mutation, data } = createStarTrek();
  return { schema: schemaOf(graph, mutation), data };
}

async function run(
  schema: Schema,
  query: string,
  variables?: GraphQLRequest["variables"],
): Promise<GraphQLResponse> {
  return await schema.execute({ query, variables: variables ?? null });
}

// --- The seed, served through Schema ---

Deno.test("Schema serves the seed's graph with the seed's results", async (t) => {
  const schema = schemaOf(seedGraph);
  const context = { db: DB };
  await t.step("characters and their actors", async () => {
    assert.deepEqual(
      await schema.execute({ query: "{ characters { name actors { name } } }", context }),
      {
        data: {
          characters: [
            {
              name: "James T. Kirk",
              actors: [{ name: "William Shatner" }, { name: "Chris Pine" }],
            },
            { name: "Spock", actors: [{ name: "Leonard Nimoy" }, { name: "Zachary Quinto" }] },
            {
              name: "Leonard McCoy",
              actors: [{ name: "DeForest Kelley" }, { name: "Karl Urban" }],
            },
          ],
        },
      },
    );
  });
  await t.step("actors and their characters", async () => {
    assert.deepEqual(
      await schema.execute({ query: "{ actors { name character { name } } }", context }),
      {
        data: {
          actors: [
            { name: "William Shatner", character: { name: "James T. Kirk" } },
            { name: "Leonard Nimoy", character: { name: "Spock" } },
            { name: "DeForest Kelley", character: { name: "Leonard McCoy" } },
            { name: "Chris Pine", character: { name: "James T. Kirk" } },
            { name: "Zachary Quinto", character: { name: "Spock" } },
            { name: "Karl Urban", character: { name: "Leonard McCoy" } },
          ],
        },
      },
    );
  });
  await t.step("records, options and optional links", async () => {
    assert.deepEqual(
      await schema.execute({
        query: `{
          character(id: 2) {
            greeting(greeting: "Live long") bio { born ship } mentor { name }
            appearances { episode title }
          }
        }`,
        context,
      }),
      {
        data: {
          character: {
            greeting: "Live long, Spock!",
            bio: { born: 2230, ship: "Enterprise" },
            mentor: { name: "James T. Kirk" },
            appearances: [
              { episode: 1, title: "The Man Trap" },
              { episode: 3, title: "Amok Time" },
            ],
          },
        },
      },
    );
  });
});

// --- Response shape, errors and partial data ---

const names = new Map([[1, "James T. Kirk"], [2, "Spock"], [3, "Leonard McCoy"]]);

/** A graph whose loaders fail in every place a GraphQL error can null. */
function faultyGraph(): GraphT {
  const fail = (): never => {
    throw new Error("warp core breach");
  };
  const nameOf = (fields: readonly QueryField[], ids: readonly number[]) =>
    ids.map((id) => fields.map(() => names.get(id) ?? null));
  return Graph([
    Node("Character", [
      Field(
        "id",
        Int,
        (fields: readonly QueryField[], ids: readonly number[]) =>
          ids.map((id) => fields.map(() => id)),
      ),
      Field("name", Str, nameOf),
      Field("quote", Optional(Str), fail),
      Field("born", Int, fail),
      Field(
        "rank",
        Enum("Rank", [{ name: "CAPTAIN", value: 4 }]),
        (_f: unknown, ids: number[]) => ids.map((id) => [id === 1 ? 4 : 9]),
      ),
      Field("nickname", Str, (_f: unknown, ids: number[]) => ids.map(() => [null])),
      Link("mentor", Optional(TypeRef("Character")), fail, { requires: "id" }),
      Link(
        "crewmates",
        Sequence(Optional(TypeRef("Character"))),
        (ids: number[]) => ids.map(() => [1, 2]),
        { requires: "id" },
      ),
      Link("short", Sequence(TypeRef("Character")), () => [], { requires: "id" }),
    ]),
    Root([
      Field("version", Str, (fields: readonly QueryField[]) => fields.map(() => "1.0")),
      Field("motd", Optional(Str), fail),
      Link("characters", Sequence(TypeRef("Character")), () => [1, 2], { requires: null }),
      Link("character", Optional(TypeRef("Character")), (opts: { id: number }) => opts.id, {
        requires: null,
        options: [Option("id", Int)],
      }),
    ]),
  ]);
}

Deno.test("execute() returns data without an errors key when nothing failed", async () => {
  const response = await run(schemaOf(faultyGraph()), "{ version characters { name } }");
  assert.deepEqual(response, {
    data: { version: "1.0", characters: [{ name: "James T. Kirk" }, { name: "Spock" }] },
  });
  assert.equal(Object.hasOwn(response, "errors"), false);
});

Deno.test("a context key that is missing names schema.execute among the places to pass it", async () => {
  const graph = Graph([
    Root([
      Field(
        "ship",
        Str,
        passContext((ctx: { ship: string }, fields: readonly QueryField[]) =>
          fields.map(() => ctx.ship)
        ),
      ),
    ]),
  ]);
  const response = await schemaOf(graph).execute({ query: "{ ship }", context: {} });
  assert.deepEqual(response.errors?.map((error) => error.message), [
    'Context key "ship" is not set: pass it in the context given to engine.execute, ' +
    "schema.execute or graphqlHandler",
  ]);
});

Deno.test("a loader that throws nulls its nullable field and reports each path, with its own message", async () => {
  const response = await run(schemaOf(faultyGraph()), "{ characters { name quote } }");
  assert.deepEqual(response, {
    data: {
      characters: [
        { name: "James T. Kirk", quote: null },
        { name: "Spock", quote: null },
      ],
    },
    errors: [0, 1].map((i) => ({
      message: "warp core breach",
      locations: [{ line: 1, column: 21 }],
      path: ["characters", i, "quote"],
    })),
  });
});

Deno.test("a failed non-null field nulls the nearest nullable place above it", async (t) => {
  const schema = schemaOf(faultyGraph());
  await t.step("an optional link", async () => {
    assert.deepEqual(await run(schema, "{ version character(id: 1) { name born } }"), {
      data: { version: "1.0", character: null },
      errors: [
        {
          message: "warp core breach",
          locations: [{ line: 1, column: 35 }],
          path: ["character", "born"],
        },
      ],
    });
  });
  await t.step("an optional item of a list", async () => {
    assert.deepEqual(await run(schema, "{ character(id: 1) { crewmates { born } } }"), {
      data: { character: { crewmates: [null, null] } },
      errors: [0, 1].map((i) => ({
        message: "warp core breach",
        locations: [{ line: 1, column: 34 }],
        path: ["character", "crewmates", i, "born"],
      })),
    });
  });
  await t.step("up to data itself", async () => {
    // The first character's null nulls the list: as in graphql-js, the second is not completed.
    assert.deepEqual(await run(schema, "{ version characters { born } }"), {
      data: null,
      errors: [{
        message: "warp core breach",
        locations: [{ line: 1, column: 24 }],
        path: ["characters", 0, "born"],
      }],
    });
  });
});

Deno.test("failures of links, root fields, serializers and null values are all reported", async () => {
  const response = await run(
    schemaOf(faultyGraph()),
    "{ motd characters { mentor { name } } character(id: 2) { rank } other: character(id: 1) { nickname } }",
  );
  assert.deepEqual(response, {
    data: {
      motd: null,
      characters: [{ mentor: null }, { mentor: null }],
      character: null,
      other: null,
    },
    errors: [
      {
        message: "warp core breach",
        locations: [{ line: 1, column: 3 }],
        path: ["motd"],
      },
      ...[0, 1].map((i) => ({
        message: "warp core breach",
        locations: [{ line: 1, column: 21 }],
        path: ["characters", i, "mentor"],
      })),
      {
        // graphql-js's wording; the SerializeError naming Character.rank is the originalError.
        message: 'Enum "Rank" cannot represent value: 9',
        locations: [{ line: 1, column: 58 }],
        path: ["character", "rank"],
      },
      {
        message: "Cannot return null for non-nullable field Character.nickname.",
        locations: [{ line: 1, column: 91 }],
        path: ["other", "nickname"],
      },
    ],
  });
});

Deno.test("an error shows the loader's message and keeps its LoaderError as a non-enumerable originalError", async () => {
  const response = await run(schemaOf(faultyGraph()), "{ motd }");
  const error = response.errors![0]!;
  assert.ok(error.originalError instanceof LoaderError);
  assert.equal(error.originalError.message, "Loader of field root.motd failed: warp core breach");
  assert.equal((error.originalError.cause as Error).message, "warp core breach");
  assert.deepEqual(Object.keys(error), ["message", "locations", "path"]);
  assert.equal(
    JSON.stringify(response),
    '{"errors":[{"message":"warp core breach","locations":[{"line":1,"column":3}],' +
      '"path":["motd"]}],"data":{"motd":null}}',
  );
});

Deno.test("a loader returning a wrong shape is reported like a failure", async () => {
  const graph = Graph([
    Node("Character", [
      Field("name", Str, (_f: unknown, ids: number[]) => ids.slice(1).map(() => ["Spock"])),
    ]),
    Root([
      Link("characters", Sequence(Optional(TypeRef("Character"))), () => [1, 2], {
        requires: null,
      }),
    ]),
  ]);
  assert.deepEqual(await run(schemaOf(graph), "{ characters { name } }"), {
    data: { characters: [null, null] },
    errors: [0, 1].map((i) => ({
      message: "Loader of field Character.name returned a wrong shape: expected array " +
        '(length 2) of arrays (length 1), got array (length 1) [["Spock"]]',
      locations: [{ line: 1, column: 16 }],
      path: ["characters", i, "name"],
    })),
  });
});

// --- Variables ---

Deno.test("variables: values, defaults and omitted optional variables", async (t) => {
  const { schema } = starTrek();
  const query = `query Crew($id: Int! = 1, $limit: Int) {
    character(id: $id) { name actors(limit: $limit) { name } }
  }`;
  await t.step("defaults", async () => {
    assert.deepEqual(await run(schema, query), {
      data: {
        character: {
          name: "James T. Kirk",
          actors: [{ name: "William Shatner" }, { name: "Chris Pine" }],
        },
      },
    });
  });
  await t.step("given", async () => {
    assert.deepEqual(await run(schema, query, { id: 2, limit: 1 }), {
      data: { character: { name: "Spock", actors: [{ name: "Leonard Nimoy" }] } },
    });
  });
});

Deno.test("variables: every variable error comes back at once, with locations", async () => {
  const { schema } = starTrek();
  const response = await run(
    schema,
    `query Q($id: Int!, $text: String!, $limit: Int) {
      character(id: $id) { actors(limit: $limit) { name } }
      search(text: $text) { __typename }
    }`,
    { text: 3, limit: "ten" },
  );
  assert.deepEqual(response, {
    errors: [
      {
        message: 'Variable "$id" has invalid value: Expected a value of non-null type "Int!" ' +
          "to be provided.",
        locations: [{ line: 1, column: 9 }],
      },
      {
        message: 'Variable "$text" has invalid value: String cannot represent a non string ' +
          "value: 3",
        locations: [{ line: 1, column: 20 }],
      },
      {
        message: 'Variable "$limit" has invalid value: Int cannot represent non-integer value: ' +
          '"ten"',
        locations: [{ line: 1, column: 36 }],
      },
    ],
  });
});

Deno.test("execute() rejects variables that are not an object, and a query that is not text", async () => {
  const { schema } = starTrek();
  assert.deepEqual(
    await schema.execute({ query: "{ version }", variables: [1] as never }),
    {
      errors: [{
        message: "Variables must be provided as an Object where each property is a variable value.",
      }],
    },
  );
  assert.deepEqual(await schema.execute({ query: 42 as never }), {
    errors: [{ message: "Must provide query string." }],
  });
});

// --- Enums ---

Deno.test("enums: parsed from literals, variables and defaults, serialized on output", async (t) => {
  const { schema, data } = starTrek();
  await t.step("literal", async () => {
    assert.deepEqual(
      await run(schema, "{ characters(filter: { rank: CAPTAIN }) { name rank } }"),
      { data: { characters: [{ name: "James T. Kirk", rank: "CAPTAIN" }] } },
    );
  });
  await t.step("variable", async () => {
    assert.deepEqual(
      await run(schema, "query ($rank: Rank) { characters(filter: { rank: $rank }) { name } }", {
        rank: "COMMANDER",
      }),
      { data: { characters: [{ name: "Spock" }, { name: "Leonard McCoy" }] } },
    );
  });
  await t.step("loaders see enum values, not names", () => {
    assert.deepEqual(data.log, [
      'characters({"rank":4,"limit":10})',
      'characters({"rank":3,"limit":10})',
    ]);
  });
  await t.step("a wrong literal", async () => {
    assert.deepEqual(await run(schema, "{ characters(filter: { rank: ADMIRAL }) { name } }"), {
      errors: [{
        message: 'Value "ADMIRAL" does not exist in "Rank" enum.',
        locations: [{ line: 1, column: 30 }],
      }],
    });
  });
  await t.step("a wrong variable", async () => {
    assert.deepEqual(
      await run(
        schema,
        "query ($rank: Rank!) { promoted: characters(filter: { rank: $rank }) { name } }",
        {
          rank: "CAPTIAN",
        },
      ),
      {
        errors: [{
          message: 'Variable "$rank" has invalid value: Value "CAPTIAN" does not exist in "Rank" ' +
            'enum. Did you mean the enum value "CAPTAIN"?',
          locations: [{ line: 1, column: 8 }],
        }],
      },
    );
  });
  await t.step("a string literal is not an enum value", async () => {
    assert.deepEqual(await run(schema, '{ characters(filter: { rank: "CAPTAIN" }) { name } }'), {
      errors: [{
        message: 'Enum "Rank" cannot represent non-enum value: "CAPTAIN". Did you mean the enum ' +
          'value "CAPTAIN"?',
        locations: [{ line: 1, column: 30 }],
      }],
    });
  });
});

Deno.test("enums: a root field of enum values, and enum defaults by name", async () => {
  // Ports of Hiku's tests/test_enum.py::test_root_field_enum and
  // test_parse_enum_argument_default_value.
  const Status = Enum("Status", [{ name: "ACTIVE", value: 1 }, { name: "RETIRED", value: 0 }]);
  const seen: unknown[] = [];
  const graph = Graph([
    Node("Character", [
      Field("status", Status, (_f: unknown, ids: number[]) => ids.map(() => [1])),
    ]),
    Root([
      Field(
        "statuses",
        Sequence(Status),
        (fields: readonly QueryField[]) => fields.map(() => [1, 0]),
      ),
      Link("character", Optional(TypeRef("Character")), (opts: { status: number }) => {
        seen.push(opts.status);
        return 1;
      }, { requires: null, options: [Option("status", Status, { default: "ACTIVE" })] }),
    ]),
  ]);
  assert.deepEqual(await run(schemaOf(graph), "{ statuses character { status } }"), {
    data: { statuses: ["ACTIVE", "RETIRED"], character: { status: "ACTIVE" } },
  });
  assert.deepEqual(seen, [1]);
});

// --- Custom scalars ---

Deno.test("custom scalars: Date and UUID parsed from literals and variables, serialized on output", async (t) => {
  const { schema, data } = starTrek();
  await t.step("output", async () => {
    assert.deepEqual(
      await run(schema, "{ character(id: 1) { born uuid } starships { commissioned } }"),
      {
        data: {
          character: { born: "2233-03-22", uuid: "7a1d5e0c-6f7e-4d2b-9a51-2f0c6f1c0001" },
          starships: [{ commissioned: "2245-01-01" }, { commissioned: "2267-06-15" }],
        },
      },
    );
  });
  await t.step("literal", async () => {
    assert.deepEqual(
      await run(schema, '{ characters(filter: { bornBefore: "2231-01-01" }) { name born } }'),
      { data: { characters: [{ name: "Spock", born: "2230-01-06" }] } },
    );
  });
  await t.step("variable", async () => {
    assert.deepEqual(
      await run(
        schema,
        "query ($before: Date) { characters(filter: { bornBefore: $before }) { name } }",
        { before: "2240-01-01" },
      ),
      { data: { characters: [{ name: "James T. Kirk" }, { name: "Spock" }] } },
    );
  });
  await t.step("loaders see parsed values", () => {
    assert.deepEqual(data.log, [
      'characters({"bornBefore":"2231-01-01T00:00:00.000Z","limit":10})',
      'characters({"bornBefore":"2240-01-01T00:00:00.000Z","limit":10})',
    ]);
  });
  await t.step("a wrong literal", async () => {
    assert.deepEqual(
      await run(schema, '{ characters(filter: { bornBefore: "stardate 41153.7" }) { name } }'),
      {
        errors: [{
          message: 'Date cannot represent value: "stardate 41153.7"',
          locations: [{ line: 1, column: 36 }],
        }],
      },
    );
  });
  await t.step("a wrong variable", async () => {
    assert.deepEqual(
      await run(schema, "query ($d: Date) { characters(filter: { bornBefore: $d }) { name } }", {
        d: 41153.7,
      }),
      {
        errors: [{
          message: 'Variable "$d" has invalid value: Date cannot represent value: 41153.7',
          locations: [{ line: 1, column: 8 }],
        }],
      },
    );
  });
});

Deno.test("custom scalars: a DateTime field, list, optional and optional list", async () => {
  // Port of Hiku's tests/test_scalar.py::test_serialize_scalar_field_correct and
  // test_parse_scalar_input_correct.
  const DateTime = Scalar("DateTime", {
    parse: (value) => {
      if (typeof value !== "string" || Number.isNaN(Date.parse(`${value}Z`))) {
        throw new TypeError(`DateTime cannot represent value: ${JSON.stringify(value)}`);
      }
      return new Date(`${value}Z`);
    },
    serialize: (value) => (value as Date).toISOString().slice(0, 19),
  });
  const stardate = new Date("2266-06-15T12:30:59Z");
  const seen: unknown[] = [];
  const values: { [name: string]: unknown } = {
    launched: stardate,
    launches: [stardate],
    maybeLaunches: [stardate, null],
    lastRefit: null,
    refits: [],
  };
  const graph = Graph([
    Node("Starship", [
      Field("id", Int, (_f: unknown, ids: number[]) => ids.map((id) => [id])),
      ...Object.entries({
        launched: DateTime,
        launches: Sequence(DateTime),
        maybeLaunches: Sequence(Optional(DateTime)),
        lastRefit: Optional(DateTime),
        refits: Optional(Sequence(DateTime)),
      }).map(([name, type]) =>
        Field(
          name,
          type,
          (fields: readonly QueryField[], ids: number[]) =>
            ids.map(() => fields.map((f) => values[f.name])),
        )
      ),
    ]),
    Root([
      Link("starship", Optional(TypeRef("Starship")), (opts: { launched: Date }) => {
        seen.push(opts);
        return opts.launched.getTime() === stardate.getTime() ? 1 : Nothing;
      }, {
        requires: null,
        options: [
          Option("launched", DateTime),
          Option("launches", Sequence(DateTime)),
          Option("lastRefit", Optional(DateTime)),
        ],
      }),
    ]),
  ]);
  const response = await run(
    schemaOf(graph),
    `{
      starship(launched: "2266-06-15T12:30:59", launches: ["2266-06-15T12:30:59"], lastRefit: null) {
        id launched launches maybeLaunches lastRefit refits
      }
    }`,
  );
  assert.deepEqual(response, {
    data: {
      starship: {
        id: 1,
        launched: "2266-06-15T12:30:59",
        launches: ["2266-06-15T12:30:59"],
        maybeLaunches: ["2266-06-15T12:30:59", null],
        lastRefit: null,
        refits: [],
      },
    },
  });
  assert.deepEqual(seen, [{ launched: stardate, launches: [stardate], lastRefit: null }]);
});

Deno.test("Float options take integers", async () => {
  // Port of Hiku's tests/test_scalar.py::test_parse_float_input_correct.
  const graph = Graph([
    Node("Starship", [Field("warp", Float, (_f: unknown, ids: number[]) => ids.map(() => [9]))]),
    Root([
      Link(
        "starship",
        Optional(TypeRef("Starship")),
        (opts: { warp: number }) => opts.warp === 9 ? 1 : Nothing,
        { requires: null, options: [Option("warp", Float)] },
      ),
    ]),
  ]);
  const schema = schemaOf(graph);
  assert.deepEqual(await run(schema, "{ starship(warp: 9) { warp } }"), {
    data: { starship: { warp: 9 } },
  });
  assert.deepEqual(
    await run(schema, "query ($w: Float!) { starship(warp: $w) { warp } }", { w: 9 }),
    {
      data: { starship: { warp: 9 } },
    },
  );
});

Deno.test("ID options take strings and integers", async () => {
  const graph = Graph([
    Root([
      Field(
        "echo",
        ID,
        (fields: readonly QueryField[]) =>
          fields.map((f) => String((f.options as { id: unknown }).id)),
        {
          options: [Option("id", ID)],
        },
      ),
    ]),
  ]);
  const schema = schemaOf(graph);
  assert.deepEqual(await run(schema, '{ a: echo(id: "NCC-1701") b: echo(id: 1701) }'), {
    data: { a: "NCC-1701", b: "1701" },
  });
  assert.deepEqual(await run(schema, "{ echo(id: 17.01) }"), {
    errors: [{
      message: "ID cannot represent a non-string and non-integer value: 17.01",
      locations: [{ line: 1, column: 12 }],
    }],
  });
});

// --- Input objects ---

Deno.test("input objects: nested, with defaults applied before loaders see them", async () => {
  const { schema, data } = starTrek();
  const response = await run(
    schema,
    `mutation New($since: Date) {
      createCharacter(input: {
        name: "Hikaru Sulu", born: "2237-01-01",
        assignment: { ship: "NCC-1701", since: $since }
      }) { id name species rank born bio { ship } }
    }`,
    { since: "2265-01-01" },
  );
  assert.deepEqual(response, {
    data: {
      createCharacter: {
        id: 4,
        name: "Hikaru Sulu",
        species: "Human",
        rank: "ENSIGN",
        born: "2237-01-01",
        bio: { ship: "NCC-1701" },
      },
    },
  });
  assert.deepEqual(data.log, ["createCharacter(Hikaru Sulu)"]);
});

Deno.test("input objects: missing, unknown and mistyped fields are validation errors", async () => {
  const { schema } = starTrek();
  assert.deepEqual(
    await run(
      schema,
      `mutation {
        createCharacter(input: { species: "Vulcan", shipp: "NCC-1701", rank: 3 }) { id }
      }`,
    ),
    {
      errors: [
        {
          message: 'Expected value of type "NewCharacter" to include required field "name", ' +
            'found: { species: "Vulcan", shipp: "NCC-1701", rank: 3 }.',
          locations: [{ line: 2, column: 32 }],
        },
        {
          message: 'Enum "Rank" cannot represent non-enum value: 3.',
          locations: [{ line: 2, column: 78 }],
        },
        {
          message: 'Expected value of type "NewCharacter" not to include unknown field "shipp", ' +
            'found: { species: "Vulcan", shipp: "NCC-1701", rank: 3 }.',
          locations: [{ line: 2, column: 53 }],
        },
      ],
    },
  );
});

// --- Unions ---

function mediaGraph(kind: "union" | "interface"): GraphT {
  const audio = (fields: readonly QueryField[], ids: readonly number[]) =>
    ids.map((id) =>
      fields.map((f) => f.name === "id" ? id : f.name === "duration" ? `${id}s` : `album#${id}`)
    );
  const video = (fields: readonly QueryField[], ids: readonly number[]) =>
    ids.map((id) =>
      fields.map((f) => f.name === "id" ? id : f.name === "duration" ? `${id}s` : `/video/${id}`)
    );
  const resolveType = (id: unknown) => (id as number) % 2 === 1 ? "Audio" : "Video";
  const Media = kind === "union" ? UnionRef("Media") : InterfaceRef("Media");
  const implementsMedia = kind === "interface" ? { implements: ["Media"] } : {};
  return Graph(
    [
      Node("Audio", [
        Field("id", Int, audio),
        Field("duration", Str, audio),
        Field("album", Str, audio),
        Link("user", TypeRef("User"), () => 111, { requires: null }),
      ], implementsMedia),
      Node("Video", [
        Field("id", Int, video),
        Field("duration", Str, video),
        Field("thumbnailUrl", Str, video, { options: [Option("size", Int)] }),
      ], implementsMedia),
      Node("User", [
        Field("id", Int, (_f: unknown, ids: number[]) => ids.map((id) => [id])),
        Link("media", Sequence(Media), () => [1, 2], { requires: null }),
      ]),
      Root([
        Link(
          "searchMedia",
          Sequence(Media),
          (opts: { text: string }) => opts.text === "foo" ? [1, 2, 3, 4] : [],
          {
            requires: null,
            options: [Option("text", Str)],
          },
        ),
        Link("media", Media, () => 1, { requires: null }),
        Link("maybeMedia", Optional(Media), () => 2, { requires: null }),
        Link("user", Optional(TypeRef("User")), () => 111, { requires: null }),
      ]),
    ],
    kind === "union" ? { unions: [Union("Media", ["Audio", "Video"], { resolveType })] } : {
      interfaces: [
        Interface("Media", [Field("id", Int, () => []), Field("duration", Str, () => [])], {
          resolveType,
        }),
      ],
    },
  );
}

Deno.test("unions: links to unions resolve each id to its node", async (t) => {
  // Ports of Hiku's tests/test_union.py.
  const schema = schemaOf(mediaGraph("union"));
  const fragments = `
    __typename
    ... on Audio { id duration }
    ... on Video { id thumbnailUrl(size: 100) }`;
  await t.step("test_root_link_to_union_list", async () => {
    assert.deepEqual(
      await run(schema, `query ($text: String!) { searchMedia(text: $text) { ${fragments} } }`, {
        text: "foo",
      }),
      {
        data: {
          searchMedia: [
            { __typename: "Audio", id: 1, duration: "1s" },
            { __typename: "Video", id: 2, thumbnailUrl: "/video/2" },
            { __typename: "Audio", id: 3, duration: "3s" },
            { __typename: "Video", id: 4, thumbnailUrl: "/video/4" },
          ],
        },
      },
    );
  });
  await t.step("test_root_link_to_union_one", async () => {
    assert.deepEqual(await run(schema, `{ media { ${fragments} } }`), {
      data: { media: { __typename: "Audio", id: 1, duration: "1s" } },
    });
  });
  await t.step("test_root_link_to_union_optional", async () => {
    assert.deepEqual(await run(schema, `{ maybeMedia { ${fragments} } }`), {
      data: { maybeMedia: { __typename: "Video", id: 2, thumbnailUrl: "/video/2" } },
    });
  });
  await t.step("test_non_root_link_to_union_list", async () => {
    assert.deepEqual(await run(schema, `{ user { id media { ${fragments} } } }`), {
      data: {
        user: {
          id: 111,
          media: [
            { __typename: "Audio", id: 1, duration: "1s" },
            { __typename: "Video", id: 2, thumbnailUrl: "/video/2" },
          ],
        },
      },
    });
  });
  await t.step("test_query_with_inline_fragment_and_fragment_spread", async () => {
    assert.deepEqual(
      await run(
        schema,
        `{ media { __typename ...AudioFragment ... on Video { id thumbnailUrl(size: 100) } } }
        fragment AudioFragment on Audio { id duration }`,
      ),
      { data: { media: { __typename: "Audio", id: 1, duration: "1s" } } },
    );
  });
  await t.step("test_query_only_one_union_type", async () => {
    assert.deepEqual(await run(schema, "{ maybeMedia { __typename ... on Audio { id } } }"), {
      data: { maybeMedia: { __typename: "Video" } },
    });
  });
  await t.step("test_query_only_typename", async () => {
    assert.deepEqual(await run(schema, "{ media { __typename } }"), {
      data: { media: { __typename: "Audio" } },
    });
  });
  await t.step("test_validate_query_can_contain_shared_links", async () => {
    assert.deepEqual(
      await run(schema, "{ media { ... on Audio { duration user { id } } ... on Video { id } } }"),
      { data: { media: { duration: "1s", user: { id: 111 } } } },
    );
  });
});

Deno.test("unions: selections the union does not allow are validation errors", async (t) => {
  // Ports of Hiku's tests/test_union.py::test_validate_*; the messages are graphql-js's.
  const schema = schemaOf(mediaGraph("union"));
  await t.step("test_validate_query_can_not_contain_shared_fields_in_union", async () => {
    assert.deepEqual(await run(schema, "{ media { __typename id ... on Audio { duration } } }"), {
      errors: [{
        message: 'Cannot query field "id" on type "Media". Did you mean to use an inline ' +
          'fragment on "Audio" or "Video"?',
        locations: [{ line: 1, column: 22 }],
      }],
    });
  });
  await t.step("test_validate_query_fragment_no_type_condition", async () => {
    assert.deepEqual(await run(schema, "{ media { ... { duration } } }"), {
      errors: [{
        message: 'Cannot query field "duration" on type "Media". Did you mean to use an inline ' +
          'fragment on "Audio" or "Video"?',
        locations: [{ line: 1, column: 17 }],
      }],
    });
  });
  await t.step("test_validate_query_fragment_on_unknown_type", async () => {
    assert.deepEqual(await run(schema, "{ media { ... on X { duration } } }"), {
      errors: [{ message: 'Unknown type "X".', locations: [{ line: 1, column: 18 }] }],
    });
  });
  await t.step("test_validate_union_type_has_no_field", async () => {
    assert.deepEqual(
      await run(schema, "{ media { ... on Audio { invalid_field duration } } }"),
      {
        errors: [{
          message: 'Cannot query field "invalid_field" on type "Audio".',
          locations: [{ line: 1, column: 26 }],
        }],
      },
    );
  });
  await t.step("test_validate_union_type_field_has_no_such_option", async () => {
    assert.deepEqual(await run(schema, "{ media { ... on Audio { duration(size: 100) } } }"), {
      errors: [{
        message: 'Unknown argument "size" on field "Audio.duration".',
        locations: [{ line: 1, column: 35 }],
      }],
    });
  });
  await t.step("test_option_not_provided_for_field", async () => {
    assert.deepEqual(await run(schema, "{ media { ... on Video { thumbnailUrl } } }"), {
      errors: [{
        message: 'Argument "Video.thumbnailUrl(size:)" of type "Int!" is required, but it was ' +
          "not provided.",
        locations: [{ line: 1, column: 26 }],
      }],
    });
  });
});

// --- Interfaces ---

Deno.test("interfaces: shared fields, fragments on implementations", async (t) => {
  // Ports of Hiku's tests/test_interface.py.
  const schema = schemaOf(mediaGraph("interface"));
  await t.step("test_root_link_to_interface_list", async () => {
    assert.deepEqual(
      await run(
        schema,
        `{ searchMedia(text: "foo") {
          __typename id duration
          ... on Audio { album }
          ... on Video { thumbnailUrl(size: 100) }
        } }`,
      ),
      {
        data: {
          searchMedia: [
            { __typename: "Audio", id: 1, duration: "1s", album: "album#1" },
            { __typename: "Video", id: 2, duration: "2s", thumbnailUrl: "/video/2" },
            { __typename: "Audio", id: 3, duration: "3s", album: "album#3" },
            { __typename: "Video", id: 4, duration: "4s", thumbnailUrl: "/video/4" },
          ],
        },
      },
    );
  });
  await t.step("test_query_with_inline_fragment_and_fragment_spread", async () => {
    assert.deepEqual(
      await run(
        schema,
        `{ media { __typename id duration ...AudioFragment ... on Video { thumbnailUrl(size: 100) } } }
        fragment AudioFragment on Audio { album }`,
      ),
      { data: { media: { __typename: "Audio", id: 1, duration: "1s", album: "album#1" } } },
    );
  });
  await t.step("test_query_can_be_without_shared_fields", async () => {
    assert.deepEqual(
      await run(schema, "{ maybeMedia { ... on Audio { album } ... on Video { id duration } } }"),
      { data: { maybeMedia: { id: 2, duration: "2s" } } },
    );
  });
  await t.step("test_query_only_shared_fields", async () => {
    assert.deepEqual(await run(schema, "{ user { media { __typename id duration } } }"), {
      data: {
        user: {
          media: [
            { __typename: "Audio", id: 1, duration: "1s" },
            { __typename: "Video", id: 2, duration: "2s" },
          ],
        },
      },
    });
  });
  await t.step("a named fragment on the interface", async () => {
    assert.deepEqual(
      await run(schema, "{ media { ...M } } fragment M on Media { id ... on Audio { album } }"),
      { data: { media: { id: 1, album: "album#1" } } },
    );
  });
});

Deno.test("interfaces: selections the interface does not declare are validation errors", async (t) => {
  const schema = schemaOf(mediaGraph("interface"));
  await t.step(
    "test_validate_query_implementation_node_field_without_inline_fragment",
    async () => {
      assert.deepEqual(await run(schema, "{ media { id duration album } }"), {
        errors: [{
          message: 'Cannot query field "album" on type "Media". Did you mean to use an inline ' +
            'fragment on "Audio"?',
          locations: [{ line: 1, column: 23 }],
        }],
      });
    },
  );
  await t.step("test_validate_interface_type_field_has_no_such_option", async () => {
    assert.deepEqual(await run(schema, "{ media { ... on Audio { duration(size: 100) } } }"), {
      errors: [{
        message: 'Unknown argument "size" on field "Audio.duration".',
        locations: [{ line: 1, column: 35 }],
      }],
    });
  });
});

Deno.test("interfaces: fields of one that nothing implements are reported", async () => {
  // Port of Hiku's tests/test_interface.py::test_validate_interface_has_no_implementations:
  // GraphQL allows such a query, the engine's own validation (Hiku's) does not.
  const graph = Graph([
    Root([Link("media", Optional(InterfaceRef("Media")), () => Nothing, { requires: null })]),
  ], {
    interfaces: [
      Interface("Media", [Field("id", Int, () => []), Field("duration", Str, () => [])], {
        resolveType: () => "Media",
      }),
    ],
  });
  const hint = "is not implemented by any type. Add at least one type implementing this interface";
  assert.deepEqual(await run(schemaOf(graph), "{ media { id duration } }"), {
    errors: [
      {
        message: `Cannot query field "id" on interface "Media". Interface "Media" ${hint}`,
        locations: [{ line: 1, column: 11 }],
      },
      {
        message: `Cannot query field "duration" on interface "Media". Interface "Media" ${hint}`,
        locations: [{ line: 1, column: 14 }],
      },
    ],
  });
});

// --- Fragments ---

Deno.test("fragments: named, inline, nested and conditional", async () => {
  const { schema } = starTrek();
  assert.deepEqual(
    await run(
      schema,
      `query ($withRank: Boolean!) {
        character(id: 2) { ...Named mentor { ...Named } }
        starships { ... on Starship { name } crew { ...Person } }
      }
      fragment Named on Character { name ... @include(if: $withRank) { rank } }
      fragment Person on Person { name ... on Actor { character { ...Named } } }`,
      { withRank: true },
    ),
    {
      data: {
        character: {
          name: "Spock",
          rank: "COMMANDER",
          mentor: { name: "James T. Kirk", rank: "CAPTAIN" },
        },
        starships: [
          {
            name: "Enterprise",
            crew: [
              { name: "James T. Kirk" },
              { name: "Spock" },
              { name: "Leonard McCoy" },
              { name: "William Shatner", character: { name: "James T. Kirk", rank: "CAPTAIN" } },
            ],
          },
          { name: "Reliant", crew: [] },
        ],
      },
    },
  );
});

// --- Directives ---

Deno.test("schema directives: written in queries, checked, and given to loaders", async (t) => {
  const seen: unknown[] = [];
  const graph = Graph([
    Root([
      Field("version", Str, (fields: readonly QueryField[]) => {
        seen.push(fields.map((f) => f.directives));
        return fields.map(() => "1.0");
      }),
    ]),
  ], {
    directives: [Directive("cached", ["FIELD"], { args: [Option("ttl", Int)] })],
  });
  const schema = schemaOf(graph);
  await t.step("a declared directive reaches the loader", async () => {
    assert.deepEqual(await run(schema, "{ version @cached(ttl: 10) }"), {
      data: { version: "1.0" },
    });
    assert.deepEqual(seen, [[[{ name: "cached", args: { ttl: 10 } }]]]);
  });
  await t.step("unknown directives, missing arguments and wrong places are errors", async () => {
    assert.deepEqual(
      await run(schema, "query @cached(ttl: 1) { version @cached a: version @stun }"),
      {
        errors: [
          {
            message: 'Directive "@cached" may not be used on QUERY.',
            locations: [{ line: 1, column: 7 }],
          },
          {
            message: 'Argument "@cached(ttl:)" of type "Int!" is required, but it was not ' +
              "provided.",
            locations: [{ line: 1, column: 33 }],
          },
          { message: 'Unknown directive "@stun".', locations: [{ line: 1, column: 52 }] },
        ],
      },
    );
  });
});

// --- Mutations ---

Deno.test("mutations run one after another, in document order", async () => {
  const { schema, data } = starTrek();
  const response = await run(
    schema,
    `mutation Reorganize {
      first: promote(id: 3, rank: CAPTAIN) { name rank }
      cleared: clearLog
      second: promote(id: 2, rank: ENSIGN) { name rank mentor { name rank } }
      __typename
    }`,
  );
  assert.deepEqual(response, {
    data: {
      first: { name: "Leonard McCoy", rank: "CAPTAIN" },
      cleared: 2,
      second: { name: "Spock", rank: "ENSIGN", mentor: { name: "James T. Kirk", rank: "CAPTAIN" } },
      __typename: "Mutation",
    },
  });
  assert.deepEqual(data.log, [
    "promote(3) start",
    "promote(3) end",
    "clearLog",
    "promote(2) start",
    "promote(2) end",
  ]);
});

Deno.test("a mutation's result is read back through the query graph", async () => {
  const { schema } = starTrek();
  await run(schema, 'mutation { createCharacter(input: { name: "Pavel Chekov" }) { id } }');
  assert.deepEqual(await run(schema, "{ characters(filter: { rank: ENSIGN }) { name } }"), {
    data: { characters: [{ name: "Pavel Chekov" }] },
  });
});

Deno.test("a mutation whose link finds nothing gives null", async () => {
  const { schema } = starTrek();
  assert.deepEqual(await run(schema, "mutation { promote(id: 99, rank: CAPTAIN) { name } }"), {
    data: { promote: null },
  });
});

Deno.test("mutations and subscriptions the schema has no root for are validation errors", async () => {
  const { graph } = createStarTrek();
  const schema = schemaOf(graph);
  assert.deepEqual(await run(schema, "mutation { clearLog }"), {
    errors: [{
      message: "The mutation operation is not supported by the schema.",
      locations: [{ line: 1, column: 1 }],
    }],
  });
  assert.deepEqual(await run(schema, "subscription { version }"), {
    errors: [{
      message: "The subscription operation is not supported by the schema.",
      locations: [{ line: 1, column: 1 }],
    }],
  });
});

// --- Validation ---

Deno.test("validation errors all come back at once, with locations", async () => {
  const { schema } = starTrek();
  const response = await run(
    schema,
    `query Crew($unused: Int, $id: String) {
  character(id: $id) { ...OnUnknown ...Cycle }
  search(text: $text) { name }
}
query Crew { version }
fragment OnUnknown on Klingon { name }
fragment Cycle on Character { mentor { ...Cycle } }`,
  );
  assert.deepEqual(response, {
    errors: [
      {
        message: 'Variable "$text" is not defined by operation "Crew".',
        locations: [{ line: 3, column: 16 }, { line: 1, column: 1 }],
      },
      {
        message: 'Variable "$unused" is never used in operation "Crew".',
        locations: [{ line: 1, column: 12 }],
      },
      {
        message: 'Cannot query field "name" on type "SearchResult". Did you mean to use an ' +
          'inline fragment on "Person", "Character", or "Starship"?',
        locations: [{ line: 3, column: 25 }],
      },
      {
        message: 'Variable "$id" of type "String" used in position expecting type "Int!".',
        locations: [{ line: 1, column: 26 }, { line: 2, column: 17 }],
      },
      {
        message: 'There can be only one operation named "Crew".',
        locations: [{ line: 1, column: 7 }, { line: 5, column: 7 }],
      },
      { message: 'Unknown type "Klingon".', locations: [{ line: 6, column: 23 }] },
      {
        message: 'Cannot spread fragment "Cycle" within itself.',
        locations: [{ line: 7, column: 40 }],
      },
    ],
  });
  assert.equal(Object.hasOwn(response, "data"), false);
});

Deno.test("a syntax error comes back with its location", async () => {
  const { schema } = starTrek();
  assert.deepEqual(await run(schema, "{ characters { name }"), {
    errors: [{
      message: "Syntax Error: Expected Name, found <EOF>.",
      locations: [{ line: 1, column: 22 }],
    }],
  });
});

Deno.test("a link the graph does not have is a validation error", async () => {
  // Port of Hiku's tests/test_schema.py::test_schema__non_existing_link.
  const { schema } = starTrek();
  assert.deepEqual(await run(schema, "query TestQuery { nonExistingLink { id } }"), {
    errors: [{
      message: 'Cannot query field "nonExistingLink" on type "Query".',
      locations: [{ line: 1, column: 19 }],
    }],
  });
});

// --- Operations ---

Deno.test("operationName picks the operation to run", async (t) => {
  const { schema } = starTrek();
  const query = "query A { version } query B { character(id: 2) { name } }";
  await t.step("by name", async () => {
    assert.deepEqual(await schema.execute({ query, operationName: "B" }), {
      data: { character: { name: "Spock" } },
    });
  });
  await t.step("missing", async () => {
    assert.deepEqual(await schema.execute({ query }), {
      errors: [{ message: "Must provide operation name if query contains multiple operations." }],
    });
  });
  await t.step("unknown", async () => {
    assert.deepEqual(await schema.execute({ query, operationName: "C" }), {
      errors: [{ message: 'Unknown operation named "C".' }],
    });
  });
});

// --- Context and abort ---

Deno.test("execute() passes the context to passContext loaders", async () => {
  const graph = Graph([
    Root([
      Field(
        "user",
        Str,
        passContext((ctx: { user: string }, fields: readonly QueryField[]) =>
          fields.map(() => ctx.user)
        ),
      ),
    ]),
  ]);
  assert.deepEqual(
    await schemaOf(graph).execute({ query: "{ user }", context: { user: "Kirk" } }),
    { data: { user: "Kirk" } },
  );
});

Deno.test("execute() rejects with ExecutionAbortedError when its signal aborts", async () => {
  const controller = new AbortController();
  let later = 0;
  const graph = Graph([
    Node("Character", [
      Field("name", Str, (_f: unknown, ids: number[]) => {
        later++;
        return ids.map(() => ["Spock"]);
      }),
    ]),
    Root([
      Link("characters", Sequence(TypeRef("Character")), async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return [2];
      }, { requires: null }),
    ]),
  ]);
  setTimeout(() => controller.abort(new Error("red alert")), 5);
  await assert.rejects(
    schemaOf(graph).execute({ query: "{ characters { name } }", signal: controller.signal }),
    (error: unknown) => {
      assert.ok(error instanceof ExecutionAbortedError);
      assert.equal(error.message, "Execution was aborted: red alert");
      return true;
    },
  );
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(later, 0);
});

// --- The document cache ---

/** The cache's counts (its byte figures are estimates, checked apart). */
function counts(schema: Schema) {
  const { size, capacity, hits, misses } = schema.cacheStats();
  return { size, capacity, hits, misses };
}

Deno.test("a repeated query is neither parsed nor validated again", async (t) => {
  const calls: (readonly QueryField[])[] = [];
  const graph = Graph([
    Root([
      Field("echo", Str, (fields: readonly QueryField[]) => {
        calls.push(fields);
        return fields.map((f) => (f.options as { text: string }).text);
      }, { options: [Option("text", Str)] }),
    ]),
  ]);
  const schema = new Schema({ query: graph, executor: new AsyncExecutor(), cacheSize: 2 });
  const query = "query ($text: String!) { echo(text: $text) }";
  await t.step("the first request parses and validates", async () => {
    assert.deepEqual(await run(schema, query, { text: "a" }), { data: { echo: "a" } });
    assert.deepEqual(counts(schema), { size: 1, capacity: 2, hits: 0, misses: 1 });
  });
  await t.step("the same text, other variables: a hit", async () => {
    assert.deepEqual(await run(schema, query, { text: "b" }), { data: { echo: "b" } });
    assert.deepEqual(counts(schema), { size: 1, capacity: 2, hits: 1, misses: 1 });
  });
  await t.step("one plan for every variable value, bound into the fields loaders get", async () => {
    assert.deepEqual(await run(schema, query, { text: "a" }), { data: { echo: "a" } });
    assert.deepEqual(calls.map((fields) => fields[0]!.options), [
      { text: "a" },
      { text: "b" },
      { text: "a" },
    ]);
    assert.deepEqual(counts(schema), { size: 1, capacity: 2, hits: 2, misses: 1 });
  });
  await t.step("invalid documents are cached too", async () => {
    const invalid = "{ echo }";
    const expected = {
      errors: [{
        message:
          'Argument "Query.echo(text:)" of type "String!" is required, but it was not provided.',
        locations: [{ line: 1, column: 3 }],
      }],
    };
    assert.deepEqual(await run(schema, invalid), expected);
    const again = await run(schema, invalid);
    assert.deepEqual(again, expected);
    assert.deepEqual(counts(schema), { size: 2, capacity: 2, hits: 3, misses: 2 });
    // Shared by every response to the text, so nobody may change them.
    assert.ok(Object.isFrozen(again.errors) && Object.isFrozen(again.errors![0]));
  });
  await t.step("the least recently used text is forgotten first", async () => {
    await run(schema, '{ other: echo(text: "c") }');
    assert.deepEqual(counts(schema), { size: 2, capacity: 2, hits: 3, misses: 3 });
    await run(schema, query, { text: "a" });
    assert.deepEqual(counts(schema), { size: 2, capacity: 2, hits: 3, misses: 4 });
  });
});

Deno.test("cacheSize: 0 parses and validates every request", async () => {
  const graph = Graph([
    Root([Field("version", Str, (f: readonly QueryField[]) => f.map(() => "1.0"))]),
  ]);
  const schema = new Schema({ query: graph, executor: new AsyncExecutor(), cacheSize: 0 });
  await run(schema, "{ version }");
  await run(schema, "{ version }");
  assert.deepEqual(counts(schema), { size: 0, capacity: 0, hits: 0, misses: 2 });
});

// --- Hostile input ---

/** A value nesting lists (or objects under `key`) `depth` deep around `inner`, built without recursion. */
function nestedValue(depth: number, inner: unknown = null, key: string | null = null): unknown {
  let value = inner;
  for (let level = 0; level < depth; level++) value = key === null ? [value] : { [key]: value };
  return value;
}

const Filter = Input("Filter", [
  Option("and", Optional(InputRef("Filter"))),
  Option("name", Optional(Str)),
]);

/** Root fields that echo the options they got, and a loader-call log. */
function hostileGraph() {
  const seen: unknown[] = [];
  const echo = (fields: readonly QueryField[]) =>
    fields.map((f) => {
      seen.push(f.options);
      return JSON.stringify(f.options);
    });
  const graph = Graph([
    Root([
      Field("echo", Optional(Str), echo, { options: [Option("v", Any)] }),
      Field("search", Optional(Str), echo, { options: [Option("filter", Optional(Filter))] }),
      Field("byId", Optional(Str), echo, { options: [Option("id", ID)] }),
      Field("f", Optional(Str), echo, { options: [Option("x", Int)] }),
      Field("version", Str, (fields: readonly QueryField[]) => fields.map(() => "1.0")),
    ]),
  ], { inputs: [Filter] });
  return { graph, seen };
}

const TOO_DEEP = {
  errors: [{
    message:
      'Variable "$v" has invalid value: it nests deeper than 128 levels of lists and objects.',
    locations: [{ line: 1, column: 8 }],
  }],
};

Deno.test("a variable nested 100,000 deep is refused with its location, never thrown", async (t) => {
  const { graph, seen } = hostileGraph();
  const schema = schemaOf(graph);
  const anyQuery = "query ($v: Any) { echo(v: $v) }";

  await t.step("lists for an Any option", async () => {
    assert.deepEqual(await run(schema, anyQuery, { v: nestedValue(100_000) }), TOO_DEEP);
  });

  await t.step("objects for an Any option", async () => {
    assert.deepEqual(await run(schema, anyQuery, { v: nestedValue(100_000, 1, "a") }), TOO_DEEP);
  });

  await t.step("a recursive input type", async () => {
    const filter = nestedValue(100_000, { name: "Spock" }, "and");
    assert.deepEqual(
      await run(schema, "query ($v: Filter) { search(filter: $v) }", { v: filter }),
      TOO_DEEP,
    );
  });

  await t.step("128 levels pass, 129 do not", async () => {
    const query = "query ($v: Filter) { search(filter: $v) }";
    const within = nestedValue(127, { name: "Spock" }, "and");
    assert.deepEqual(await run(schema, query, { v: within }), {
      data: { search: JSON.stringify({ filter: within }) },
    });
    const beyond = nestedValue(128, { name: "Spock" }, "and");
    assert.deepEqual(await run(schema, query, { v: beyond }), TOO_DEEP);
  });

  // Only the value within the limit reached a loader.
  assert.equal(seen.length, 1);
});

Deno.test("a query text nested 100,000 brackets deep is a syntax error with a location", async (t) => {
  const { graph } = hostileGraph();
  const schema = schemaOf(graph);
  const tooDeep = (column: number) => ({
    errors: [{
      message: "Syntax Error: Document nests deeper than 256 levels of brackets.",
      locations: [{ line: 1, column }],
    }],
  });

  await t.step("selection sets", async () => {
    assert.deepEqual(
      await run(schema, "{".repeat(100_000) + "}".repeat(100_000)),
      tooDeep(257),
    );
  });

  await t.step("a list literal", async () => {
    const query = `{ echo(v: ${"[".repeat(100_000)}${"]".repeat(100_000)}) }`;
    // `{` and `(` are two levels; the 255th `[`, at column 11 + 254, is the 257th.
    assert.deepEqual(await run(schema, query), tooDeep(265));
  });
});

/** Items that each link to the next: a result as deep as the query asks. */
function chainGraph() {
  return Graph([
    Node("Item", [
      Field(
        "id",
        Int,
        (fields: readonly QueryField[], ids: readonly number[]) =>
          ids.map((id) => fields.map(() => id)),
      ),
      Link("best", TypeRef("Item"), (ids: readonly number[]) => ids.map((id) => id + 1), {
        requires: "id",
      }),
    ]),
    Root([Link("item", TypeRef("Item"), () => 1, { requires: null })]),
  ]);
}

/** An operation spreading F0, fragments F0 ... F(n - 1) each selecting `each` of the next. */
function fragmentChain(n: number, each: (next: string) => string): string {
  let text = "{ item { ...F0 } }\n";
  for (let i = 0; i < n; i++) text += `fragment F${i} on Item { ${each(`...F${i + 1}`)} }\n`;
  return text + `fragment F${n} on Item { id }\n`;
}

Deno.test("fragments spread thousands deep are refused with a location, never thrown", async (t) => {
  const schema = schemaOf(chainGraph());
  const refused = {
    errors: [{
      message:
        "Document nests deeper than 256 levels of selections with its fragments spread in place.",
      locations: [{ line: 1, column: 10 }],
    }],
  };

  await t.step("a chain of 3,000 spreads, and of 100,000", async () => {
    assert.deepEqual(await run(schema, fragmentChain(3_000, (next) => next)), refused);
    assert.deepEqual(await run(schema, fragmentChain(100_000, (next) => next)), refused);
  });

  await t.step("spreads that each nest a level", async () => {
    assert.deepEqual(
      await run(schema, fragmentChain(3_000, (next) => `best { ${next} }`)),
      refused,
    );
  });

  await t.step("as deep as the limit allows, answered", async () => {
    // { item { F0{ best { F1{ ... F126{ id } } } } } }: 2 + 2 * 126 + 1 = 255 levels.
    const response = await run(schema, fragmentChain(126, (next) => `best { ${next} }`));
    assert.equal(response.errors, undefined);
    let item = (response.data as { item: { best?: unknown; id?: number } }).item;
    let depth = 0;
    while (item.best !== undefined) {
      item = item.best as typeof item;
      depth++;
    }
    assert.deepEqual([depth, item.id], [126, 127]);
  });
});

Deno.test("operationName must be a string, and an empty one names no operation, cached or not", async () => {
  const schema = schemaOf(chainGraph());
  const query = "query A { item { id } }";
  const unknown = { errors: [{ message: 'Unknown operation named "".' }] };
  assert.deepEqual(await schema.execute({ query, operationName: "" }), unknown);
  assert.deepEqual(await schema.execute({ query }), { data: { item: { id: 1 } } });
  assert.deepEqual(await schema.execute({ query, operationName: "" }), unknown);
  assert.deepEqual(await schema.execute({ query, operationName: "A" }), {
    data: { item: { id: 1 } },
  });
  for (const [name, shown] of [[5, "number 5"], [{}, "object {}"]] as const) {
    assert.deepEqual(
      await schema.execute({ query, operationName: name as unknown as string }),
      { errors: [{ message: `Must provide operationName as a string, got ${shown}.` }] },
    );
  }
});

Deno.test("a mutation runs no root field after one that fails where its type takes no null, as graphql-js", async (t) => {
  const calls: string[] = [];
  const act = (name: string, outcome: () => unknown) => (fields: readonly QueryField[]) =>
    fields.map(() => {
      calls.push(name);
      return outcome();
    });
  const query = Graph([
    Node("Ship", [
      Field("id", Int, (_f: unknown, ids: readonly number[]) => ids.map(() => [1])),
      Field(
        "broken",
        Int,
        (_f: unknown, ids: readonly number[]) => ids.map(() => [new Error("broken")]),
      ),
      Field("spare", Optional(Int), (_f: unknown, ids: readonly number[]) => ids.map(() => [null])),
      Link("self", TypeRef("Ship"), (ids: readonly number[]) => ids, { requires: "id" }),
      Link("selves", Sequence(TypeRef("Ship")), (ids: readonly number[]) => ids.map((id) => [id]), {
        requires: "id",
      }),
    ]),
    Root([Field("count", Int, (fields) => fields.map(() => calls.length))]),
  ]);
  const mutation = MutationGraph(
    query,
    Root([
      Field("ok", Int, act("ok", () => 1)),
      Field("maybe", Optional(Int), act("maybe", () => new Error("maybe failed"))),
      Field("fails", Int, act("fails", () => new Error("fails failed"))),
      Field("throws", Int, () => {
        calls.push("throws");
        throw new Error("throws failed");
      }),
      Field("nothing", Int, act("nothing", () => null)),
      Field("wrong", Int, act("wrong", () => "abc")),
      Field(
        "partly",
        Record({ x: Optional(Int), y: Int }),
        act("partly", () => ({ x: "a", y: 1 })),
      ),
      Field(
        "broken",
        Record({ x: Optional(Int), y: Int }),
        act("broken", () => ({ x: 1, y: "a" })),
      ),
      Link("ship", TypeRef("Ship"), () => {
        calls.push("ship");
        throw new Error("no ship");
      }, { requires: null }),
      Link("made", TypeRef("Ship"), () => {
        calls.push("made");
        return 1;
      }, { requires: null }),
      Link("maybeMade", Optional(TypeRef("Ship")), () => {
        calls.push("maybeMade");
        return 1;
      }, { requires: null }),
    ]),
  );
  const schema = new Schema({ query, mutation, executor: new AsyncExecutor() });
  const cases: [string, string[], boolean][] = [
    ["mutation { a: ok b: maybe c: ok }", ["ok", "maybe", "ok"], false],
    ["mutation { a: ok b: fails c: ok }", ["ok", "fails"], true],
    ["mutation { a: ok b: throws c: ok }", ["ok", "throws"], true],
    ["mutation { a: ok b: nothing c: ok }", ["ok", "nothing"], true],
    ["mutation { a: ok b: wrong c: ok }", ["ok", "wrong"], true],
    // An error in a record's part that takes null stays there; one that takes none moves up.
    ["mutation { a: ok b: partly { x y } c: ok }", ["ok", "partly", "ok"], false],
    ["mutation { a: ok b: broken { x y } c: ok }", ["ok", "broken"], true],
    ["mutation { a: ok b: ship { id } c: ok }", ["ok", "ship"], true],
    // A failure below a root link moves its null up through types that take none.
    ["mutation { a: ok b: made { id broken } c: ok }", ["ok", "made"], true],
    ["mutation { a: ok b: made { self { selves { broken } } } c: ok }", ["ok", "made"], true],
    ["mutation { a: ok b: made { id spare } c: ok }", ["ok", "made", "ok"], false],
    ["mutation { a: ok b: maybeMade { broken } c: ok }", ["ok", "maybeMade", "ok"], false],
  ];
  for (const [text, ran, nulled] of cases) {
    await t.step(text, async () => {
      calls.length = 0;
      const response = await schema.execute({ query: text });
      assert.deepEqual(calls, ran);
      assert.equal(response.data === null, nulled);
    });
  }
});

Deno.test("a cached syntax error cannot be changed through a response", async () => {
  const schema = schemaOf(chainGraph());
  const first = await run(schema, "{ item ");
  const error = first.errors![0]!;
  assert.throws(() => {
    (error as { message: string }).message = "changed";
  }, TypeError);
  assert.throws(() => {
    (error.locations![0] as { line: number }).line = 99;
  }, TypeError);
  assert.deepEqual(await run(schema, "{ item "), {
    errors: [{
      message: "Syntax Error: Expected Name, found <EOF>.",
      locations: [{ line: 1, column: 8 }],
    }],
  });
});

Deno.test("an integer literal beyond 2^53 in an Any literal's lists and objects reaches the loader as a number", async () => {
  const { graph, seen } = hostileGraph();
  assert.deepEqual(
    await run(
      schemaOf(graph),
      "{ echo(v: { a: 9007199254740993, b: [1, [36893488147419103232]] }) }",
    ),
    { data: { echo: '{"v":{"a":9007199254740992,"b":[1,[36893488147419103000]]}}' } },
  );
  assert.deepEqual(seen, [{ v: { a: 9007199254740992, b: [1, [36893488147419103232]] } }]);
});

Deno.test("an ID literal beyond 2^53 reaches the loader as its digits", async () => {
  const { graph, seen } = hostileGraph();
  assert.deepEqual(await run(schemaOf(graph), "{ byId(id: 9007199254740993) }"), {
    data: { byId: '{"id":"9007199254740993"}' },
  });
  assert.deepEqual(seen, [{ id: "9007199254740993" }]);
});

Deno.test("a null variable for a non-null argument is a field error there; other root fields keep their data", async () => {
  const { graph, seen } = hostileGraph();
  // `$x: Int = 1` may stand for `Int!` (it has a default), so the document validates; an explicit
  // null still reaches the argument.
  const response = await run(schemaOf(graph), "query ($x: Int = 1) { f(x: $x) version }", {
    x: null,
  });
  assert.deepEqual(response.data, { f: null, version: "1.0" });
  assert.deepEqual(response.errors!.map((e) => ({ message: e.message, path: e.path })), [{
    message: 'Argument "Query.f(x:)" has invalid value: Expected variable "$x" provided to ' +
      'non-null type "Int!" not to be null.',
    path: ["f"],
  }]);
  assert.deepEqual(seen, []);
});

Deno.test("a null variable in one input object given for a list is refused as graphql-js refuses it", async () => {
  const seen: unknown[] = [];
  const Req = Input("Req", [Option("a", Int, { default: 5 })]);
  const graph = Graph([
    Root([
      Field("f", Str, (fields: readonly QueryField[]) =>
        fields.map((f) => {
          seen.push(f.options);
          return JSON.stringify(f.options);
        }), { options: [Option("x", Optional(Sequence(Req)))] }),
    ]),
  ], { inputs: [Req] });
  const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
  const reference = buildSchema("input Req { a: Int! = 5 } type Query { f(x: [Req!]): String! }");
  const rootValue = { f: (args: unknown) => JSON.stringify(args) };
  for (const variables of [{ a: null }, {}, { a: 7 }]) {
    for (
      const query of [
        "query ($a: Int) { f(x: { a: $a }) }",
        "query ($a: Int) { f(x: [{ a: $a }]) }",
      ]
    ) {
      const theirs = await graphql({
        schema: reference,
        source: query,
        variableValues: variables,
        rootValue,
      });
      const ours = await schema.execute({ query, variables });
      assert.equal(
        JSON.stringify(ours),
        JSON.stringify(theirs),
        `${query} ${JSON.stringify(variables)}`,
      );
    }
  }
  // Only the requests graphql-js answers reached the loader.
  assert.deepEqual(seen, [{ x: [{ a: 5 }] }, { x: [{ a: 5 }] }, { x: [{ a: 7 }] }, {
    x: [{ a: 7 }],
  }]);
});

Deno.test("a Mapping option's value is checked through Schema as engine.execute checks it", async () => {
  const seen: unknown[] = [];
  const graph = Graph([
    Root([
      Field("f", Str, (fields: readonly QueryField[]) =>
        fields.map((f) => {
          seen.push(f.options);
          return JSON.stringify(f.options);
        }), { options: [Option("m", Mapping(Str, Int))] }),
    ]),
  ]);
  const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
  const refused: [string, { [name: string]: unknown }, string][] = [
    ['{ f(m: "text") }', {}, ': expected Mapping(Str, Int), got string "text"'],
    ["{ f(m: [1, 2]) }", {}, ": expected Mapping(Str, Int), got array (length 2) [1, 2]"],
    ['{ f(m: { a: "x" }) }', {}, ' at ["a"]: expected Int, got string "x"'],
    ["query ($m: Any!) { f(m: $m) }", { m: { a: { deep: true } } }, ' at ["a"]: expected Int'],
  ];
  for (const [query, variables, problem] of refused) {
    const response = await schema.execute({ query, variables });
    assert.equal(response.data ?? null, null, query);
    assert.ok(
      response.errors?.[0]?.message.startsWith(
        `Argument "Query.f(m:)" has invalid value${problem}`,
      ),
      `${query}: ${response.errors?.[0]?.message}`,
    );
  }
  assert.deepEqual(seen, []);
  assert.deepEqual(await schema.execute({ query: "{ f(m: { a: 1, b: 2 }) }" }), {
    data: { f: '{"m":{"a":1,"b":2}}' },
  });
});

Deno.test("a Mapping inside a data type, an input type that refers to itself, or a list is checked at its path", async () => {
  const Box = Record({ m: Mapping(Str, Int) });
  const Filter = Input("Filter", [
    Option("m", Optional(Mapping(Str, Int))),
    Option("and", Optional(Sequence(InputRef("Filter")))),
    Option("or", Optional(Sequence(InputRef("Filter")))),
  ]);
  const echo = (fields: readonly QueryField[]) => fields.map((f) => JSON.stringify(f.options));
  const graph = Graph([
    Root([
      Field("box", Str, echo, { options: [Option("x", TypeRef("Box"))] }),
      Field("where", Str, echo, { options: [Option("w", Filter)] }),
    ]),
  ], { dataTypes: { Box }, inputs: [Filter] });
  const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
  const message = async (query: string) => (await schema.execute({ query })).errors?.[0]?.message;
  assert.equal(
    await message('{ box(x: { m: { a: "x" } }) }'),
    'Argument "Query.box(x:)" has invalid value at .m["a"]: expected Int, got string "x"',
  );
  assert.equal(
    await message('{ where(w: { and: [{ m: { a: 1 } }, { or: [{ m: { b: "x" } }] }] }) }'),
    'Argument "Query.where(w:)" has invalid value at .and[1].or[0].m["b"]: expected Int, got ' +
      'string "x"',
  );
  assert.deepEqual(await schema.execute({ query: "{ where(w: { and: [{ m: { a: 1 } }] }) }" }), {
    data: { where: '{"w":{"and":[{"m":{"a":1}}]}}' },
  });
});

Deno.test("a link loader's wrong item fails its position alone, as graphql-js completes each item", async () => {
  // Nothing where the type takes none, and an id of a type outside the interface, for one
  // parent of three: the other parents keep their links.
  const friends: { [id: string]: (string | null)[] } = {
    P1: ["P2"],
    P2: ["P1", null],
    P3: ["P1"],
  };
  const pets: { [id: string]: string[] } = {
    P1: ["P2", "X1"],
    P2: ["T1", "N1"],
    P3: ["P3", "U1"],
  };
  // T: a node outside the interface; X: the resolver throws; N: a type the schema does not have;
  // U: no type at all.
  const resolveType = (id: unknown): string => {
    const first = String(id)[0];
    if (first === "X") throw new Error(`cannot type ${id}`);
    if (first === "N") return "Nope";
    if (first === "U") return undefined as unknown as string;
    return first === "T" ? "Pet" : "Person";
  };
  const graph = Graph([
    Node("Person", [
      Field("id", Str, (_f: unknown, ids: readonly string[]) => ids.map((id) => [id])),
      Link(
        "friends",
        Optional(Sequence(TypeRef("Person"))),
        (ids: readonly string[]) => ids.map((id) => friends[id]!.map((x) => x ?? Nothing)),
        { requires: "id" },
      ),
      Link(
        "likes",
        Sequence(Optional(InterfaceRef("Entity"))),
        (ids: readonly string[]) => ids.map((id) => pets[id]!),
        { requires: "id" },
      ),
    ], { implements: ["Entity"] }),
    Node("Pet", [Field("id", Str, (_f: unknown, ids: readonly string[]) => ids.map((id) => [id]))]),
    Root([
      Link("people", Sequence(TypeRef("Person")), () => ["P1", "P2", "P3"], { requires: null }),
      Link("one", TypeRef("Person"), () => Nothing, { requires: null }),
    ]),
  ], {
    interfaces: [
      Interface("Entity", [Field("id", Str, () => [])], { resolveType }),
    ],
  });
  const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
  const reference = buildSchema(`
    interface Entity { id: String! }
    type Person implements Entity { id: String! friends: [Person!] likes: [Entity]! }
    type Pet { id: String! }
    type Query { people: [Person!]! one: Person! }
  `);
  const fieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, _args, _ctx, info) => {
    if (info.parentType.name === "Query") {
      return info.fieldName === "one" ? null : ["P1", "P2", "P3"];
    }
    if (info.fieldName === "friends") return friends[source as string];
    if (info.fieldName === "likes") return pets[source as string];
    return source;
  };
  const typeResolver = (value: unknown) => resolveType(value);
  for (
    const query of [
      "{ people { id friends { id } } }",
      "{ people { id likes { id } } }",
      "{ one { id } }",
    ]
  ) {
    const theirs = await graphql({ schema: reference, source: query, fieldResolver, typeResolver });
    assert.equal(JSON.stringify(await schema.execute({ query })), JSON.stringify(theirs), query);
  }
});

Deno.test("a null variable for a non-null argument is located at the variable, as graphql-js does", async () => {
  const { graph } = hostileGraph();
  const response: GraphQLResponse = await run(
    schemaOf(graph),
    "query ($x: Int = 1) { f(x: $x) version }",
    { x: null },
  );
  // The request's error, not a loader's.
  assert.ok(response.errors?.[0]?.originalError instanceof QueryReadError);
  assert.deepEqual(response, {
    errors: [{
      message: 'Argument "Query.f(x:)" has invalid value: Expected variable "$x" provided ' +
        'to non-null type "Int!" not to be null.',
      locations: [{ line: 1, column: 28 }],
      path: ["f"],
    }],
    data: { f: null, version: "1.0" },
  });
});

Deno.test("unknown operation names are answered but not kept", async () => {
  const { graph } = hostileGraph();
  const schema = schemaOf(graph);
  const query = "query A { version }";
  assert.deepEqual(await schema.execute({ query, operationName: "A" }), {
    data: { version: "1.0" },
  });
  // What an entry keeps per operation name is not visible from outside; its count and estimated
  // bytes are: 50 names later, the only change is 50 more hits.
  const before = schema.cacheStats();
  for (let i = 0; i < 50; i++) {
    assert.deepEqual(await schema.execute({ query, operationName: `Drop${i}` }), {
      errors: [{ message: `Unknown operation named "Drop${i}".` }],
    });
  }
  assert.deepEqual(schema.cacheStats(), { ...before, hits: before.hits + 50 });
  assert.equal(schema.cacheStats().size, 1);
});

Deno.test("a new variable value is neither parsed nor planned again, and gives its own data", async (t) => {
  const seen: unknown[] = [];
  const graph = Graph([
    Node("Character", [
      Field(
        "name",
        Str,
        (fields: readonly QueryField[], ids: readonly number[]) =>
          ids.map((id) => fields.map(() => names.get(id))),
      ),
      Field(
        "id",
        Int,
        (fields: readonly QueryField[], ids: readonly number[]) =>
          ids.map((id) => fields.map(() => id)),
      ),
    ]),
    Root([
      Link("characters", Sequence(TypeRef("Character")), (options: { first: number }) => {
        seen.push(options);
        return [1, 2, 3].slice(0, options.first);
      }, { requires: null, options: [Option("first", Int)] }),
    ]),
  ]);
  const schema = schemaOf(graph);
  const query =
    "query ($first: Int!, $named: Boolean!) { characters(first: $first) { id name @include(if: $named) } }";
  const stats = () => {
    const { size, hits, misses, bytes } = schema.cacheStats();
    return { size, hits, misses, bytes };
  };

  await t.step("the first request parses and plans", async () => {
    assert.deepEqual(await run(schema, query, { first: 1, named: true }), {
      data: { characters: [{ id: 1, name: "James T. Kirk" }] },
    });
    const { size, hits, misses } = stats();
    assert.deepEqual({ size, hits, misses }, { size: 1, hits: 0, misses: 1 });
  });

  const planned = stats().bytes;
  await t.step("new values: hits, and what the entry keeps does not grow", async () => {
    assert.deepEqual(await run(schema, query, { first: 2, named: true }), {
      data: { characters: [{ id: 1, name: "James T. Kirk" }, { id: 2, name: "Spock" }] },
    });
    assert.deepEqual(await run(schema, query, { first: 3, named: true }), {
      data: {
        characters: [
          { id: 1, name: "James T. Kirk" },
          { id: 2, name: "Spock" },
          { id: 3, name: "Leonard McCoy" },
        ],
      },
    });
    assert.deepEqual(stats(), { size: 1, hits: 2, misses: 1, bytes: planned });
    assert.deepEqual(seen, [{ first: 1 }, { first: 2 }, { first: 3 }]);
  });

  await t.step("a new outcome of @include is planned once, and kept", async () => {
    assert.deepEqual(await run(schema, query, { first: 1, named: false }), {
      data: { characters: [{ id: 1 }] },
    });
    const withBoth = stats().bytes;
    assert.ok(withBoth > planned, `${withBoth} > ${planned}`);
    assert.deepEqual(await run(schema, query, { first: 2, named: false }), {
      data: { characters: [{ id: 1 }, { id: 2 }] },
    });
    assert.deepEqual(stats(), { size: 1, hits: 4, misses: 1, bytes: withBoth });
  });
});

Deno.test("cacheBytes bounds what the document cache keeps", async (t) => {
  const { graph } = hostileGraph();

  await t.step("many distinct texts: never more bytes than the budget", async () => {
    const schema = new Schema({ query: graph, executor: new AsyncExecutor(), cacheBytes: 20_000 });
    for (let i = 0; i < 200; i++) {
      assert.deepEqual(await run(schema, `{ v${i}: version echo(v: ${i}) }`), {
        data: { [`v${i}`]: "1.0", echo: `{"v":${i}}` },
      });
      const { bytes, maxBytes } = schema.cacheStats();
      assert.equal(maxBytes, 20_000);
      assert.ok(bytes <= maxBytes, `${bytes} bytes after text ${i}`);
    }
    const { size, hits, misses } = schema.cacheStats();
    assert.ok(size >= 1 && size < 200, `${size} texts kept`);
    assert.deepEqual({ hits, misses }, { hits: 0, misses: 200 });
    await run(schema, "{ v199: version echo(v: 199) }");
    assert.equal(schema.cacheStats().hits, 1);
  });

  await t.step("the values of a text's literals count, not only its selections", async () => {
    // `[{}, {}, ...]` is one selection holding 10,000 objects once compiled.
    const schema = new Schema({ query: graph, executor: new AsyncExecutor() });
    const items = 10_000;
    const answer = await run(schema, `{ echo(v: [${"{} ".repeat(items)}]) }`);
    assert.equal(answer.data?.echo, JSON.stringify({ v: new Array(items).fill({}) }));
    const { size, bytes } = schema.cacheStats();
    assert.equal(size, 1);
    // Measured on V8: about 36 bytes per token of such a list once compiled.
    assert.ok(bytes >= items * 2 * 36, `${bytes} bytes for ${items} objects`);
  });

  await t.step("a text larger than the budget is answered, and not kept", async () => {
    const schema = new Schema({ query: graph, executor: new AsyncExecutor(), cacheBytes: 1_000 });
    assert.deepEqual(await run(schema, "{ version }"), { data: { version: "1.0" } });
    assert.deepEqual(await run(schema, "{ version }"), { data: { version: "1.0" } });
    const { size, bytes, hits, misses } = schema.cacheStats();
    assert.deepEqual({ size, bytes, hits, misses }, { size: 0, bytes: 0, hits: 0, misses: 2 });
  });
});
