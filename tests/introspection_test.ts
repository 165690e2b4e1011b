import assert from "node:assert/strict";
import {
  buildClientSchema,
  getIntrospectionQuery,
  introspectionFromSchema,
  type IntrospectionQuery,
  printSchema,
} from "graphql";
import {
  Any,
  AsyncExecutor,
  Bool,
  Directive,
  Enum,
  Field,
  Float,
  Graph,
  type GraphQLResponse,
  Input,
  Int,
  Interface,
  InterfaceRef,
  Link,
  MutationGraph,
  Node,
  Option,
  Optional,
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
import { graphqlSchemaOf } from "../src/graphql/schema.ts";
import { createStarTrek } from "./support/star_trek_schema.ts";

const noop = () => [];
const resolveType = () => "Character";

const QUERY = getIntrospectionQuery({
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  inputValueDeprecation: true,
});

function schemaOf(query: GraphT, mutation: GraphT | null = null): Schema {
  return new Schema({ query, mutation, executor: new AsyncExecutor() });
}

async function run(schema: Schema, query: string): Promise<GraphQLResponse> {
  return await schema.execute({ query });
}

// What introspection says about the graph's own types and directives: built-in scalars,
// introspection types and specified directives (graphql-js's) are left out.
async function introspect(query: GraphT, mutation: GraphT | null = null): Promise<unknown> {
  const response = await run(schemaOf(query, mutation), QUERY);
  assert.equal(response.errors, undefined);
  const schema = (response.data as unknown as IntrospectionQuery).__schema;
  const builtins = new Set(["String", "Int", "Float", "Boolean", "ID"]);
  const specified = new Set(["include", "skip", "deprecated", "specifiedBy", "oneOf"]);
  return {
    queryType: schema.queryType,
    mutationType: schema.mutationType,
    subscriptionType: schema.subscriptionType,
    types: schema.types.filter((t) => !t.name.startsWith("__") && !builtins.has(t.name)),
    directives: schema.directives.filter((d) => !specified.has(d.name)),
  };
}

type TypeRefJson = { kind: string; name: string | null; ofType: TypeRefJson | null };

const named = (kind: string, name: string): TypeRefJson => ({ kind, name, ofType: null });
const nonNull = (type: TypeRefJson): TypeRefJson => ({
  kind: "NON_NULL",
  name: null,
  ofType: type,
});
const list = (type: TypeRefJson): TypeRefJson => ({ kind: "LIST", name: null, ofType: type });
const seqOf = (type: TypeRefJson): TypeRefJson => nonNull(list(nonNull(type)));
const INT = named("SCALAR", "Int");
const STR = named("SCALAR", "String");
const BOOL = named("SCALAR", "Boolean");
const FLOAT = named("SCALAR", "Float");
const ANY = named("SCALAR", "Any");
const object = (name: string) => named("OBJECT", name);

function field(name: string, type: TypeRefJson, extra: object = {}) {
  return {
    name,
    description: null,
    args: [],
    type,
    isDeprecated: false,
    deprecationReason: null,
    ...extra,
  };
}

function inputValue(name: string, type: TypeRefJson, extra: object = {}) {
  return {
    name,
    description: null,
    type,
    defaultValue: null,
    isDeprecated: false,
    deprecationReason: null,
    ...extra,
  };
}

function type(kind: string, name: string, extra: object = {}) {
  const empty = {
    fields: null,
    inputFields: null,
    interfaces: null,
    enumValues: null,
    possibleTypes: null,
  };
  const byKind: { [kind: string]: object } = {
    OBJECT: { fields: [], interfaces: [] },
    INTERFACE: { fields: [], interfaces: [], possibleTypes: [] },
    UNION: { possibleTypes: [] },
    ENUM: { enumValues: [] },
    INPUT_OBJECT: { inputFields: [] },
  };
  return {
    kind,
    name,
    description: null,
    specifiedByURL: null,
    ...empty,
    ...byKind[kind],
    ...extra,
  };
}

function enumValue(name: string, extra: object = {}) {
  return { name, description: null, isDeprecated: false, deprecationReason: null, ...extra };
}

function schema(types: unknown[], extra: object = {}) {
  return {
    queryType: { kind: "OBJECT", name: "Query" },
    mutationType: null,
    subscriptionType: null,
    types,
    directives: [],
    ...extra,
  };
}

Deno.test("introspection round trip: buildClientSchema + printSchema give our SDL back", async () => {
  const { graph, mutation } = createStarTrek();
  const schema = schemaOf(graph, mutation);
  const response = await run(
    schema,
    getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    }),
  );
  assert.equal(response.errors, undefined);
  const client = buildClientSchema(response.data as unknown as IntrospectionQuery);
  assert.equal(printSchema(client), schema.sdl);
});

Deno.test("introspection is graphql-js's introspection of the schema", async () => {
  const { graph, mutation } = createStarTrek();
  const schema = schemaOf(graph, mutation);
  const response = await run(schema, getIntrospectionQuery());
  const expected = introspectionFromSchema(graphqlSchemaOf(schema), {
    specifiedByUrl: false,
    directiveIsRepeatable: false,
    schemaDescription: false,
    inputValueDeprecation: false,
    experimentalDirectiveDeprecation: false,
    oneOf: false,
  });
  assert.deepEqual(response, { data: JSON.parse(JSON.stringify(expected)) });
  // GraphiQL's default query is enough to build a client schema.
  buildClientSchema(response.data as unknown as IntrospectionQuery);
});

Deno.test("a repeated introspection query gives equal results that callers may change", async () => {
  const { graph } = createStarTrek();
  const schema = schemaOf(graph);
  const query = '{ __type(name: "Rank") { name enumValues { name } } }';
  const first = await run(schema, query);
  (first.data!.__type as { name: string }).name = "Changed";
  assert.deepEqual(await run(schema, query), {
    data: {
      __type: {
        name: "Rank",
        enumValues: [
          { name: "ENSIGN" },
          { name: "LIEUTENANT" },
          { name: "COMMANDER" },
          { name: "CAPTAIN" },
        ],
      },
    },
  });
});

Deno.test("introspection describes fields, options, deprecations and directives", async () => {
  // Port of Hiku's tests/test_introspection_graphql.py::test_introspection_query (Hiku hides
  // fields whose names start with "_"; hiku-ts shows every field, as it can query every field).
  const graph = Graph([
    Node("Starship", [
      Field("warp", Bool, noop, {
        options: [
          Option("crew", Sequence(Str), { default: ["Kirk"] }),
          Option("speed", Optional(Int), { default: null, description: "Warp factor" }),
        ],
      }),
    ]),
    Node("Fleet", [
      Field("size", Int, noop),
      Link("ships", Sequence(TypeRef("Starship")), noop, { requires: null }),
    ]),
    Root([
      Field("_stardate", Str, noop),
      Field("version", Float, noop),
      Field("oldVersion", Float, noop, { deprecated: "obsolete" }),
      Link("oldFleets", Sequence(TypeRef("Fleet")), noop, {
        requires: null,
        deprecated: "obsolete link",
      }),
      Link("fleets", Sequence(TypeRef("Fleet")), noop, { requires: null }),
    ]),
  ], { directives: [Directive("custom", ["FIELD_DEFINITION"])] });
  assert.deepEqual(
    await introspect(graph),
    schema([
      type("OBJECT", "Query", {
        fields: [
          field("_stardate", nonNull(STR)),
          field("version", nonNull(FLOAT)),
          field("oldVersion", nonNull(FLOAT), {
            isDeprecated: true,
            deprecationReason: "obsolete",
          }),
          field("oldFleets", seqOf(object("Fleet")), {
            isDeprecated: true,
            deprecationReason: "obsolete link",
          }),
          field("fleets", seqOf(object("Fleet"))),
        ],
      }),
      type("OBJECT", "Starship", {
        fields: [
          field("warp", nonNull(BOOL), {
            args: [
              inputValue("crew", seqOf(STR), { defaultValue: '["Kirk"]' }),
              inputValue("speed", INT, { defaultValue: "null", description: "Warp factor" }),
            ],
          }),
        ],
      }),
      type("OBJECT", "Fleet", {
        fields: [
          field("size", nonNull(INT)),
          field("ships", seqOf(object("Starship"))),
        ],
      }),
    ], {
      directives: [{
        name: "custom",
        description: null,
        isRepeatable: false,
        locations: ["FIELD_DEFINITION"],
        args: [],
      }],
    }),
  );
});

Deno.test("introspection shows the graph's directives with their arguments", async () => {
  // Ports of Hiku's tests/test_directives.py::test_directive_has_info and
  // test_custom_graph_directives.
  const Options = Enum("Custom_Options", ["A", "B"]);
  const graph = Graph([
    Node("Starship", [Field("warp", Int, noop)]),
    Root([Link("starship", TypeRef("Starship"), noop, { requires: null })]),
  ], {
    directives: [
      Directive("custom", ["FIELD"], {
        description: "Custom directive",
        args: [Option("from", Str), Option("options", Sequence(Options))],
      }),
      Directive("tag", ["FIELD_DEFINITION", "OBJECT"], {
        args: [Option("name", Str, { default: "core" })],
        repeatable: true,
      }),
    ],
  });
  const introspected = await introspect(graph) as { directives: unknown };
  assert.deepEqual(introspected.directives, [
    {
      name: "custom",
      description: "Custom directive",
      isRepeatable: false,
      locations: ["FIELD"],
      args: [
        inputValue("from", nonNull(STR)),
        inputValue("options", seqOf(named("ENUM", "Custom_Options"))),
      ],
    },
    {
      name: "tag",
      description: null,
      isRepeatable: true,
      locations: ["FIELD_DEFINITION", "OBJECT"],
      args: [inputValue("name", nonNull(STR), { defaultValue: '"core"' })],
    },
  ]);
});

Deno.test("introspection maps Any, untyped fields and inline records", async () => {
  // Ports of Hiku's test_unsupported_field_type, test_unsupported_option_type and
  // test_untyped_fields. Hiku shows an inline Record as Any; hiku-ts as an object type, so
  // clients can select its fields.
  const graph = Graph([
    Root([
      Field("log", Optional(Any), noop),
      Field("bio", Optional(Record({ born: Optional(Int) })), noop),
      Field("crew", Int, noop, { options: [Option("filter", Optional(Any))] }),
      Field("untyped", null, noop),
      Field("anyTyped", Any, noop),
    ]),
  ]);
  assert.deepEqual(
    await introspect(graph),
    schema([
      type("OBJECT", "Query", {
        fields: [
          field("log", ANY),
          field("bio", object("Query_bio")),
          field("crew", nonNull(INT), { args: [inputValue("filter", ANY)] }),
          field("untyped", ANY),
          field("anyTyped", nonNull(ANY)),
        ],
      }),
      type("OBJECT", "Query_bio", { fields: [field("born", INT)] }),
      type("SCALAR", "Any"),
    ]),
  );
});

Deno.test("introspection shows data types as objects, and as input objects where options use them", async () => {
  // Port of Hiku's test_data_types: Hiku always adds the input object IOFoo; hiku-ts only
  // when an option uses the data type.
  const graph = Graph([
    Root([
      Field("appearance", TypeRef("Appearance"), noop),
      Field("count", Int, noop, { options: [Option("like", Optional(TypeRef("Appearance")))] }),
    ]),
  ], { dataTypes: { Appearance: Record({ episode: Int }) } });
  assert.deepEqual(
    await introspect(graph),
    schema([
      type("OBJECT", "Query", {
        fields: [
          field("appearance", nonNull(object("Appearance"))),
          field("count", nonNull(INT), {
            args: [inputValue("like", named("INPUT_OBJECT", "IOAppearance"))],
          }),
        ],
      }),
      type("OBJECT", "Appearance", { fields: [field("episode", nonNull(INT))] }),
      type("INPUT_OBJECT", "IOAppearance", { inputFields: [inputValue("episode", nonNull(INT))] }),
    ]),
  );
});

Deno.test("introspection shows input types with descriptions and defaults", async () => {
  // Port of Hiku's test_input.
  const NewCharacter = Input("NewCharacter", [
    Option("name", Str, { default: "Spock", description: "Full name" }),
    Option("born", Optional(Int)),
  ], { description: "A character to create" });
  const graph = Graph([
    Node("Character", [Field("id", Int, noop)]),
    Root([
      Link("createCharacter", TypeRef("Character"), noop, {
        requires: null,
        options: [Option("input", NewCharacter)],
      }),
    ]),
  ]);
  assert.deepEqual(
    await introspect(graph),
    schema([
      type("OBJECT", "Query", {
        fields: [
          field("createCharacter", nonNull(object("Character")), {
            args: [inputValue("input", nonNull(named("INPUT_OBJECT", "NewCharacter")))],
          }),
        ],
      }),
      type("OBJECT", "Character", { fields: [field("id", nonNull(INT))] }),
      type("INPUT_OBJECT", "NewCharacter", {
        description: "A character to create",
        inputFields: [
          inputValue("name", nonNull(STR), { defaultValue: '"Spock"', description: "Full name" }),
          inputValue("born", INT),
        ],
      }),
    ]),
  );
});

Deno.test("introspection shows the mutation type", async () => {
  // Port of Hiku's test_mutation_type.
  const graph = Graph([Root([Field("stardate", Float, noop)])]);
  const mutation = MutationGraph(graph, Root([Field("warp", Int, noop)]));
  assert.deepEqual(
    await introspect(graph, mutation),
    schema([
      type("OBJECT", "Query", { fields: [field("stardate", nonNull(FLOAT))] }),
      type("OBJECT", "Mutation", { fields: [field("warp", nonNull(INT))] }),
    ], { mutationType: { kind: "OBJECT", name: "Mutation" } }),
  );
});

Deno.test("introspection shows unions and their possible types", async () => {
  // Port of Hiku's test_unions.
  const graph = Graph([
    Node("Character", [Field("id", Int, noop), Field("name", Str, noop)]),
    Node("Starship", [Field("id", Int, noop), Field("registry", Str, noop)]),
    Root([
      Link("results", Sequence(UnionRef("SearchResult")), noop, { requires: null }),
      Link("result", UnionRef("SearchResult"), noop, { requires: null }),
      Link("maybeResult", Optional(UnionRef("SearchResult")), noop, { requires: null }),
    ]),
  ], { unions: [Union("SearchResult", ["Character", "Starship"], { resolveType })] });
  const union = named("UNION", "SearchResult");
  assert.deepEqual(
    await introspect(graph),
    schema([
      type("OBJECT", "Query", {
        fields: [
          field("results", seqOf(union)),
          field("result", nonNull(union)),
          field("maybeResult", union),
        ],
      }),
      type("OBJECT", "Character", {
        fields: [field("id", nonNull(INT)), field("name", nonNull(STR))],
      }),
      type("OBJECT", "Starship", {
        fields: [field("id", nonNull(INT)), field("registry", nonNull(STR))],
      }),
      type("UNION", "SearchResult", { possibleTypes: [object("Character"), object("Starship")] }),
    ]),
  );
});

Deno.test("introspection shows interfaces and the nodes implementing them", async () => {
  // Port of Hiku's test_interfaces.
  const graph = Graph([
    Node("Character", [
      Field("id", Int, noop),
      Field("name", Str, noop),
      Field("species", Str, noop),
    ], { implements: ["Person"] }),
    Node("Actor", [
      Field("id", Int, noop),
      Field("name", Str, noop),
      Field("born", Int, noop),
    ], { implements: ["Person"] }),
    Root([
      Link("person", InterfaceRef("Person"), noop, { requires: null }),
      Link("people", Sequence(InterfaceRef("Person")), noop, { requires: null }),
      Link("maybePerson", Optional(InterfaceRef("Person")), noop, { requires: null }),
    ]),
  ], {
    interfaces: [
      Interface("Person", [Field("id", Int, noop), Field("name", Str, noop)], { resolveType }),
    ],
  });
  const person = named("INTERFACE", "Person");
  assert.deepEqual(
    await introspect(graph),
    schema([
      type("OBJECT", "Query", {
        fields: [
          field("person", nonNull(person)),
          field("people", seqOf(person)),
          field("maybePerson", person),
        ],
      }),
      type("OBJECT", "Character", {
        fields: [
          field("id", nonNull(INT)),
          field("name", nonNull(STR)),
          field("species", nonNull(STR)),
        ],
        interfaces: [person],
      }),
      type("OBJECT", "Actor", {
        fields: [
          field("id", nonNull(INT)),
          field("name", nonNull(STR)),
          field("born", nonNull(INT)),
        ],
        interfaces: [person],
      }),
      type("INTERFACE", "Person", {
        fields: [field("id", nonNull(INT)), field("name", nonNull(STR))],
        possibleTypes: [object("Character"), object("Actor")],
      }),
    ]),
  );
});

Deno.test("introspection shows enums, their values and enum defaults by name", async () => {
  // Port of Hiku's test_enum.
  const Rank = Enum("Rank", [
    { name: "CAPTAIN", value: 4 },
    { name: "ENSIGN", value: 1, description: "Fresh from the Academy" },
    { name: "COMMODORE", value: 5, deprecated: "Use CAPTAIN" },
  ]);
  const graph = Graph([
    Node("Character", [Field("id", Int, noop), Field("rank", Rank, noop)]),
    Root([
      Link("character", Optional(TypeRef("Character")), noop, {
        requires: null,
        options: [Option("rank", Rank, { default: "CAPTAIN" })],
      }),
    ]),
  ]);
  const rank = named("ENUM", "Rank");
  assert.deepEqual(
    await introspect(graph),
    schema([
      type("OBJECT", "Query", {
        fields: [
          field("character", object("Character"), {
            args: [inputValue("rank", nonNull(rank), { defaultValue: "CAPTAIN" })],
          }),
        ],
      }),
      type("OBJECT", "Character", {
        fields: [field("id", nonNull(INT)), field("rank", nonNull(rank))],
      }),
      type("ENUM", "Rank", {
        enumValues: [
          enumValue("CAPTAIN"),
          enumValue("ENSIGN", { description: "Fresh from the Academy" }),
          enumValue("COMMODORE", { isDeprecated: true, deprecationReason: "Use CAPTAIN" }),
        ],
      }),
    ]),
  );
});

Deno.test("__type finds an enum by name, and gives null for an unknown name", async (t) => {
  // Port of Hiku's test_query_enum_as_single_type.
  const graph = Graph([Root([Field("rank", Enum("Rank", ["CAPTAIN", "ENSIGN"]), noop)])]);
  const schema = schemaOf(graph);
  await t.step("known", async () => {
    assert.deepEqual(
      await run(schema, '{ __type(name: "Rank") { kind enumValues { name } } }'),
      { data: { __type: { kind: "ENUM", enumValues: [{ name: "CAPTAIN" }, { name: "ENSIGN" }] } } },
    );
  });
  await t.step("unknown", async () => {
    assert.deepEqual(
      await run(schema, '{ __type(name: "Admiralty") { kind enumValues { name } } }'),
      { data: { __type: null } },
    );
  });
});

Deno.test("introspection shows custom scalars, with defaults as written in queries", async () => {
  // Ports of Hiku's test_custom_scalar and test_custom_int_scalar. Hiku serializes defaults
  // given as loader values; hiku-ts option defaults are query values (as the engine reads them).
  const Registry = Scalar("Registry", {
    description: "A starship registry",
    specifiedBy: "https://memory-alpha.fandom.com/wiki/Registry",
    parse: (value) => Number(String(value).slice(4)),
    serialize: (value) => `NCC-${value}`,
  });
  const Stardate = Scalar("Stardate", { parse: Number, serialize: Number });
  const graph = Graph([
    Node("Starship", [Field("id", Int, noop), Field("registry", Registry, noop)]),
    Root([
      Link("starship", Optional(TypeRef("Starship")), noop, {
        requires: null,
        options: [
          Option("registry", Registry, { default: "NCC-1701" }),
          Option("registries", Sequence(Registry), { default: ["NCC-1701"] }),
          Option("maybeRegistry", Optional(Registry), { default: null }),
        ],
      }),
      Field("stardate", Stardate, noop, { options: [Option("at", Stardate, { default: 1312 })] }),
    ]),
  ]);
  const registry = named("SCALAR", "Registry");
  const stardate = named("SCALAR", "Stardate");
  assert.deepEqual(
    await introspect(graph),
    schema([
      type("OBJECT", "Query", {
        fields: [
          field("starship", object("Starship"), {
            args: [
              inputValue("registry", nonNull(registry), { defaultValue: '"NCC-1701"' }),
              inputValue("registries", seqOf(registry), { defaultValue: '["NCC-1701"]' }),
              inputValue("maybeRegistry", registry, { defaultValue: "null" }),
            ],
          }),
          field("stardate", nonNull(stardate), {
            args: [inputValue("at", nonNull(stardate), { defaultValue: "1312" })],
          }),
        ],
      }),
      type("OBJECT", "Starship", {
        fields: [field("id", nonNull(INT)), field("registry", nonNull(registry))],
      }),
      type("SCALAR", "Registry", {
        description: "A starship registry",
        specifiedByURL: "https://memory-alpha.fandom.com/wiki/Registry",
      }),
      type("SCALAR", "Stardate"),
    ]),
  );
});

Deno.test("__type finds a custom scalar by name", async (t) => {
  // Port of Hiku's test_query_scalar_as_single_type.
  const YesNo = Scalar("YesNo", {
    parse: (value) => value === "yes",
    serialize: (value) => value ? "yes" : "no",
  });
  const schema = schemaOf(Graph([Root([Field("onDuty", YesNo, noop)])]));
  await t.step("known", async () => {
    assert.deepEqual(await run(schema, '{ __type(name: "YesNo") { kind } }'), {
      data: { __type: { kind: "SCALAR" } },
    });
  });
  await t.step("unknown", async () => {
    assert.deepEqual(await run(schema, '{ __type(name: "XXX") { kind } }'), {
      data: { __type: null },
    });
  });
});

Deno.test("__typename names the root, objects, union members and interface implementations", async () => {
  const { graph, mutation } = createStarTrek();
  const schema = schemaOf(graph, mutation);
  assert.deepEqual(
    await run(
      schema,
      `{
        __typename
        character(id: 1) { __typename appearances { __typename } }
        search(text: "Enterprise") { __typename }
        people { __typename }
      }`,
    ),
    {
      data: {
        __typename: "Query",
        character: { __typename: "Character", appearances: [{ __typename: "Appearance" }] },
        search: [{ __typename: "Starship" }],
        people: [
          { __typename: "Character" },
          { __typename: "Actor" },
          { __typename: "Character" },
          { __typename: "Actor" },
        ],
      },
    },
  );
  assert.deepEqual(await run(schema, "mutation { __typename }"), {
    data: { __typename: "Mutation" },
  });
});

Deno.test("introspection and data mix in one query, in document order", async () => {
  const { graph } = createStarTrek();
  const schema = schemaOf(graph);
  const response = await schema.execute({
    query: `query Mixed($skip: Boolean!) {
      version
      ...Meta
      ... on Query { rank: __type(name: "Rank") { name } }
      __typename @skip(if: $skip)
      character(id: 2) { name }
    }
    fragment Meta on Query {
      __schema { queryType { name } mutationType { name } }
      stats
    }`,
    variables: { skip: true },
  });
  assert.deepEqual(response, {
    data: {
      version: "1.0",
      __schema: { queryType: { name: "Query" }, mutationType: null },
      stats: { characters: 3 },
      rank: { name: "Rank" },
      character: { name: "Spock" },
    },
  });
  assert.deepEqual(Object.keys(response.data!), [
    "version",
    "__schema",
    "stats",
    "rank",
    "character",
  ]);
});

Deno.test("a document of many operations selecting introspection is kept in the cache at a size linear in its text", async () => {
  const { graph } = createStarTrek();
  const schema = schemaOf(graph);
  // Operations that share fragments, spread at the root and inside introspection.
  let text = "fragment Root on Query { __schema { ...Kind } }\n" +
    "fragment Kind on __Schema { queryType { name } }\n";
  for (let i = 0; i < 2_000; i++) {
    text += `query Q${i} { ...Root t${i}: __type(name: "Rank") { name } }\n`;
  }
  // A thousand of its operations run, each once.
  for (let i = 0; i < 2_000; i += 2) {
    assert.deepEqual(await schema.execute({ query: text, operationName: `Q${i}` }), {
      data: { __schema: { queryType: { name: "Query" } }, [`t${i}`]: { name: "Rank" } },
    });
  }
  // One copy of the AST serves every operation's introspection: the entry stays in the cache
  // (parsed and validated once), well within a size proportional to the text.
  const stats = schema.cacheStats();
  assert.equal(stats.size, 1);
  assert.equal(stats.misses, 1);
  assert.equal(stats.hits, 999);
  assert.ok(stats.bytes < text.length * 200, `${stats.bytes} bytes for ${text.length} characters`);
});

Deno.test("introspection: false rejects __schema and __type, and keeps __typename", async (t) => {
  const { graph } = createStarTrek();
  const schema = new Schema({ query: graph, executor: new AsyncExecutor(), introspection: false });
  await t.step("__schema and __type are validation errors", async () => {
    const disabled = "GraphQL introspection has been disabled, but the requested query contained";
    assert.deepEqual(
      await run(schema, '{ __schema { queryType { name } } __type(name: "Rank") { name } }'),
      {
        errors: [
          { message: `${disabled} the field "__schema".`, locations: [{ line: 1, column: 3 }] },
          { message: `${disabled} the field "queryType".`, locations: [{ line: 1, column: 14 }] },
          { message: `${disabled} the field "__type".`, locations: [{ line: 1, column: 35 }] },
        ],
      },
    );
  });
  await t.step("__typename still works", async () => {
    assert.deepEqual(await run(schema, "{ __typename version }"), {
      data: { __typename: "Query", version: "1.0" },
    });
  });
});
