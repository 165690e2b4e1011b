/**
 * Differential tests: hiku-ts's `Schema` against graphql-js on graphql-js's own Star Wars schema.
 * Both answer the same requests; the JSON texts must be equal byte for byte, so that a client
 * cannot tell the two servers apart: same data, same key order, same errors with the same
 * messages, locations, paths and order.
 *
 * The handwritten cases are graphql-js's starWarsQuery-test, starWarsIntrospection-test and
 * starWarsValidation-test (each also checks that graphql-js still gives what its own test says),
 * plus cases for behaviour that hiku-ts once got wrong. Then 1,000 random valid queries
 * (tests/support/star_wars_queries.ts) are compared the same way.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  buildSchema,
  GraphQLID,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  printType,
} from "graphql";
import {
  AsyncExecutor,
  Field,
  Graph,
  ID,
  type Id,
  Link,
  Node,
  Option,
  type QueryField,
  Root,
  Schema,
  Str,
  TypeRef,
} from "../mod.ts";
import {
  type BothResponses,
  runBoth,
  runPair,
  starWarsGraphProblem,
  starWarsGraphQLSchema,
  StarWarsGraphRejected,
  starWarsSchema,
  type Variables,
} from "./support/star_wars.ts";
import { randomQuery } from "./support/star_wars_queries.ts";

/** One request, and what graphql-js's own test says it gives (when it says). */
interface Case {
  readonly name: string;
  readonly query: string;
  readonly variables?: Variables;
  readonly operationName?: string;
  /** graphql-js's expected response, parsed (key order is checked against ours, not here). */
  readonly expected?: unknown;
  /** The exact JSON text expected from both. */
  readonly exact?: string;
  /**
   * `__schema.types` is listed in the order each schema collected its types: hiku-ts's starts
   * with Query (see DIFFERENCES.md), so both lists are compared sorted by name.
   */
  readonly typesInAnyOrder?: true;
}

function sortTypes(json: string): string {
  const response = JSON.parse(json);
  response.data.__schema.types.sort((a: { name: string }, b: { name: string }) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0
  );
  return JSON.stringify(response);
}

/** Runs a case through both and asserts graphql-js's expectation, then ours against theirs. */
async function check(c: Case): Promise<void> {
  let both: BothResponses;
  try {
    both = await runBoth(c.query, c.variables, c.operationName);
  } catch (error) {
    // graphql-js's half still answers, so a wrong port is caught even while ours cannot run.
    if (error instanceof StarWarsGraphRejected) expectTheirs(c, error.theirs);
    throw error;
  }
  expectTheirs(c, both.theirs);
  if (c.typesInAnyOrder) assert.equal(sortTypes(both.ours), sortTypes(both.theirs), c.query);
  else assert.equal(both.ours, both.theirs, c.query);
}

function expectTheirs(c: Case, theirs: string): void {
  if (c.expected !== undefined) {
    assert.deepEqual(JSON.parse(theirs), c.expected, `graphql-js itself: ${c.query}`);
  }
  if (c.exact !== undefined) assert.equal(theirs, c.exact, `graphql-js itself: ${c.query}`);
}

const SECRET = "secretBackstory is secret.";

/** graphql-js's src/__tests__/starWarsQuery-test.ts. */
const QUERY_TESTS: readonly Case[] = [
  {
    name: "Correctly identifies R2-D2 as the hero of the Star Wars Saga",
    query: `
        query HeroNameQuery {
          hero {
            name
          }
        }
      `,
    expected: { data: { hero: { name: "R2-D2" } } },
  },
  {
    name: "Allows us to query for the ID and friends of R2-D2",
    query: `
        query HeroNameAndFriendsQuery {
          hero {
            id
            name
            friends {
              name
            }
          }
        }
      `,
    expected: {
      data: {
        hero: {
          id: "2001",
          name: "R2-D2",
          friends: [{ name: "Luke Skywalker" }, { name: "Han Solo" }, { name: "Leia Organa" }],
        },
      },
    },
  },
  {
    name: "Allows us to query for the friends of friends of R2-D2",
    query: `
        query NestedQuery {
          hero {
            name
            friends {
              name
              appearsIn
              friends {
                name
              }
            }
          }
        }
      `,
    expected: {
      data: {
        hero: {
          name: "R2-D2",
          friends: [
            {
              name: "Luke Skywalker",
              appearsIn: ["NEW_HOPE", "EMPIRE", "JEDI"],
              friends: [
                { name: "Han Solo" },
                { name: "Leia Organa" },
                { name: "C-3PO" },
                { name: "R2-D2" },
              ],
            },
            {
              name: "Han Solo",
              appearsIn: ["NEW_HOPE", "EMPIRE", "JEDI"],
              friends: [{ name: "Luke Skywalker" }, { name: "Leia Organa" }, { name: "R2-D2" }],
            },
            {
              name: "Leia Organa",
              appearsIn: ["NEW_HOPE", "EMPIRE", "JEDI"],
              friends: [
                { name: "Luke Skywalker" },
                { name: "Han Solo" },
                { name: "C-3PO" },
                { name: "R2-D2" },
              ],
            },
          ],
        },
      },
    },
  },
  {
    name: "Allows us to query characters directly, using their IDs",
    query: `
        query FetchLukeAndC3POQuery {
          human(id: "1000") {
            name
          }
          droid(id: "2000") {
            name
          }
        }
      `,
    expected: { data: { human: { name: "Luke Skywalker" }, droid: { name: "C-3PO" } } },
  },
  {
    name: "Allows us to create a generic query, then use it to fetch Luke Skywalker using his ID",
    query: `
        query FetchSomeIDQuery($someId: String!) {
          human(id: $someId) {
            name
          }
        }
      `,
    variables: { someId: "1000" },
    expected: { data: { human: { name: "Luke Skywalker" } } },
  },
  {
    name: "Allows us to create a generic query, then use it to fetch Han Solo using his ID",
    query: `
        query FetchSomeIDQuery($someId: String!) {
          human(id: $someId) {
            name
          }
        }
      `,
    variables: { someId: "1002" },
    expected: { data: { human: { name: "Han Solo" } } },
  },
  {
    name: "Allows us to create a generic query, then pass an invalid ID to get null back",
    query: `
        query humanQuery($id: String!) {
          human(id: $id) {
            name
          }
        }
      `,
    variables: { id: "not a valid id" },
    expected: { data: { human: null } },
  },
  {
    name: "Allows us to query for Luke, changing his key with an alias",
    query: `
        query FetchLukeAliased {
          luke: human(id: "1000") {
            name
          }
        }
      `,
    expected: { data: { luke: { name: "Luke Skywalker" } } },
  },
  {
    name: "Allows us to query for both Luke and Leia, using two root fields and an alias",
    query: `
        query FetchLukeAndLeiaAliased {
          luke: human(id: "1000") {
            name
          }
          leia: human(id: "1003") {
            name
          }
        }
      `,
    expected: { data: { luke: { name: "Luke Skywalker" }, leia: { name: "Leia Organa" } } },
  },
  {
    name: "Allows us to query using duplicated content",
    query: `
        query DuplicateFields {
          luke: human(id: "1000") {
            name
            homePlanet
          }
          leia: human(id: "1003") {
            name
            homePlanet
          }
        }
      `,
    expected: {
      data: {
        luke: { name: "Luke Skywalker", homePlanet: "Tatooine" },
        leia: { name: "Leia Organa", homePlanet: "Alderaan" },
      },
    },
  },
  {
    name: "Allows us to use a fragment to avoid duplicating content",
    query: `
        query UseFragment {
          luke: human(id: "1000") {
            ...HumanFragment
          }
          leia: human(id: "1003") {
            ...HumanFragment
          }
        }

        fragment HumanFragment on Human {
          name
          homePlanet
        }
      `,
    expected: {
      data: {
        luke: { name: "Luke Skywalker", homePlanet: "Tatooine" },
        leia: { name: "Leia Organa", homePlanet: "Alderaan" },
      },
    },
  },
  {
    name: "Allows us to verify that R2-D2 is a droid",
    query: `
        query CheckTypeOfR2 {
          hero {
            __typename
            name
          }
        }
      `,
    expected: { data: { hero: { __typename: "Droid", name: "R2-D2" } } },
  },
  {
    name: "Allows us to verify that Luke is a human",
    query: `
        query CheckTypeOfLuke {
          hero(episode: EMPIRE) {
            __typename
            name
          }
        }
      `,
    expected: { data: { hero: { __typename: "Human", name: "Luke Skywalker" } } },
  },
  {
    name: "Correctly reports error on accessing secretBackstory",
    query: `
        query HeroNameQuery {
          hero {
            name
            secretBackstory
          }
        }
      `,
    expected: {
      errors: [
        {
          message: SECRET,
          locations: [{ line: 5, column: 13 }],
          path: ["hero", "secretBackstory"],
        },
      ],
      data: { hero: { name: "R2-D2", secretBackstory: null } },
    },
  },
  {
    name: "Correctly reports error on accessing secretBackstory in a list",
    query: `
        query HeroNameQuery {
          hero {
            name
            friends {
              name
              secretBackstory
            }
          }
        }
      `,
    expected: {
      errors: [0, 1, 2].map((i) => ({
        message: SECRET,
        locations: [{ line: 7, column: 15 }],
        path: ["hero", "friends", i, "secretBackstory"],
      })),
      data: {
        hero: {
          name: "R2-D2",
          friends: [
            { name: "Luke Skywalker", secretBackstory: null },
            { name: "Han Solo", secretBackstory: null },
            { name: "Leia Organa", secretBackstory: null },
          ],
        },
      },
    },
  },
  {
    name: "Correctly reports error on accessing through an alias",
    query: `
        query HeroNameQuery {
          mainHero: hero {
            name
            story: secretBackstory
          }
        }
      `,
    expected: {
      errors: [
        { message: SECRET, locations: [{ line: 5, column: 13 }], path: ["mainHero", "story"] },
      ],
      data: { mainHero: { name: "R2-D2", story: null } },
    },
  },
];

/** graphql-js's src/__tests__/starWarsIntrospection-test.ts (responses compared whole). */
const INTROSPECTION_TESTS: readonly Case[] = [
  {
    // The order of __schema.types is the order in which the schema collected its types.
    name: "Allows querying the schema for types",
    query: "{ __schema { types { name } } }",
    typesInAnyOrder: true,
    expected: {
      data: {
        __schema: {
          types: [
            "Human",
            "Character",
            "String",
            "Episode",
            "Droid",
            "Query",
            "Boolean",
            "__Schema",
            "__Type",
            "__TypeKind",
            "__Field",
            "__InputValue",
            "__EnumValue",
            "__Directive",
            "__DirectiveLocation",
          ].map((name) => ({ name })),
        },
      },
    },
  },
  {
    name: "Allows querying the schema for query type",
    query: "{ __schema { queryType { name } } }",
    expected: { data: { __schema: { queryType: { name: "Query" } } } },
  },
  {
    name: "Allows querying the schema for a specific type",
    query: '{ __type(name: "Droid") { name } }',
    expected: { data: { __type: { name: "Droid" } } },
  },
  {
    name: "Allows querying the schema for an object kind",
    query: '{ __type(name: "Droid") { name kind } }',
    expected: { data: { __type: { name: "Droid", kind: "OBJECT" } } },
  },
  {
    name: "Allows querying the schema for an interface kind",
    query: '{ __type(name: "Character") { name kind } }',
    expected: { data: { __type: { name: "Character", kind: "INTERFACE" } } },
  },
  {
    name: "Allows querying the schema for object fields",
    query: '{ __type(name: "Droid") { name fields { name type { name kind } } } }',
  },
  {
    name: "Allows querying the schema for nested object fields",
    query: `{
          __type(name: "Droid") {
            name
            fields { name type { name kind ofType { name kind } } }
          }
        }`,
  },
  {
    name: "Allows querying the schema for field args",
    query: `{
          __schema {
            queryType {
              fields {
                name
                args { name description type { name kind ofType { name kind } } defaultValue }
              }
            }
          }
        }`,
  },
  {
    name: "Allows querying the schema for documentation",
    query: '{ __type(name: "Droid") { name description } }',
    expected: {
      data: {
        __type: { name: "Droid", description: "A mechanical creature in the Star Wars universe." },
      },
    },
  },
];

/** graphql-js's src/__tests__/starWarsValidation-test.ts: valid ones run, invalid ones fail. */
const VALIDATION_TESTS: readonly Case[] = [
  {
    name: "Validates a complex but valid query",
    query: `
        query NestedQueryWithFragment {
          hero {
            ...NameAndAppearances
            friends {
              ...NameAndAppearances
              friends {
                ...NameAndAppearances
              }
            }
          }
        }

        fragment NameAndAppearances on Character {
          name
          appearsIn
        }
      `,
  },
  {
    name: "Notes that non-existent fields are invalid",
    query: "query HeroSpaceshipQuery {\n  hero {\n    favoriteSpaceship\n  }\n}",
    exact: JSON.stringify({
      errors: [{
        message: 'Cannot query field "favoriteSpaceship" on type "Character".',
        locations: [{ line: 3, column: 5 }],
      }],
    }),
  },
  {
    name: "Requires fields on objects",
    query: "query HeroNoFieldsQuery {\n  hero\n}",
    exact: JSON.stringify({
      errors: [{
        message:
          'Field "hero" of type "Character" must have a selection of subfields. Did you mean "hero { ... }"?',
        locations: [{ line: 2, column: 3 }],
      }],
    }),
  },
  {
    name: "Disallows fields on scalars",
    query: "query HeroFieldsOnScalarQuery {\n  hero {\n    name {\n      firstCharacterOfName\n" +
      "    }\n  }\n}",
    exact: JSON.stringify({
      errors: [{
        message: 'Field "name" must not have a selection since type "String" has no subfields.',
        locations: [{ line: 3, column: 10 }],
      }],
    }),
  },
  {
    name: "Disallows object fields on interfaces",
    query: "query DroidFieldOnCharacter {\n  hero {\n    name\n    primaryFunction\n  }\n}",
    exact: JSON.stringify({
      errors: [{
        message:
          'Cannot query field "primaryFunction" on type "Character". Did you mean to use an inline fragment on "Droid"?',
        locations: [{ line: 4, column: 5 }],
      }],
    }),
  },
  {
    name: "Allows object fields in fragments",
    query: `
        query DroidFieldInFragment {
          hero {
            name
            ...DroidFields
          }
        }

        fragment DroidFields on Droid {
          primaryFunction
        }
      `,
    expected: { data: { hero: { name: "R2-D2", primaryFunction: "Astromech" } } },
  },
  {
    name: "Allows object fields in inline fragments",
    query: `
        query DroidFieldInFragment {
          hero {
            name
            ... on Droid {
              primaryFunction
            }
          }
        }
      `,
    expected: { data: { hero: { name: "R2-D2", primaryFunction: "Astromech" } } },
  },
];

/** Behaviour hiku-ts once got wrong, or that a GraphQL server easily gets wrong. */
const REGRESSION_TESTS: readonly Case[] = [
  {
    // The Human fragment does not apply to R2-D2; the Character fragment around it does.
    name:
      "a Human fragment inside a Character fragment inside droid is allowed and selects nothing",
    query: '{ droid(id: "2001") { ... on Character { ... on Human { homePlanet } name } } }',
    exact: '{"data":{"droid":{"name":"R2-D2"}}}',
  },
  {
    name: "keys come in document order when fields and fragments interleave",
    query: "{ hero { a1: name ... on Droid { primaryFunction id } a2: appearsIn } }",
    exact: '{"data":{"hero":{"a1":"R2-D2","primaryFunction":"Astromech","id":"2001",' +
      '"a2":["NEW_HOPE","EMPIRE","JEDI"]}}}',
  },
  {
    name: "a field selected again later keeps its first position",
    query: "{ hero { name id ... on Droid { name primaryFunction } __typename name } }",
    exact:
      '{"data":{"hero":{"name":"R2-D2","id":"2001","primaryFunction":"Astromech","__typename":"Droid"}}}',
  },
  {
    name: "a skipped occurrence of a field does not give it its position",
    query: "{ hero { name @skip(if: true) id ... on Human { name } name } }",
    exact: '{"data":{"hero":{"id":"2001","name":"R2-D2"}}}',
  },
  {
    name: "a root field selected twice merges its sub-selections",
    query: "{ hero { name } hero { id friends { name } } hero { friends { id } } }",
  },
  {
    name: "a null variable for a non-null argument is a variable error, before anything runs",
    query: "query ($id: String!) { human(id: $id) { name } }",
    variables: { id: null },
    exact: JSON.stringify({
      errors: [{
        message:
          'Variable "$id" has invalid value: Expected value of non-null type "String!" not to be null.',
        locations: [{ line: 1, column: 8 }],
      }],
    }),
  },
  {
    name: "a missing required variable is a variable error",
    query: "query ($id: String!) { human(id: $id) { name } }",
    variables: {},
    exact: JSON.stringify({
      errors: [{
        message:
          'Variable "$id" has invalid value: Expected a value of non-null type "String!" to be provided.',
        locations: [{ line: 1, column: 8 }],
      }],
    }),
  },
  {
    name: "an enum variable given a name it does not have is a variable error",
    query: "query ($ep: Episode) { hero(episode: $ep) { name } }",
    variables: { ep: "FOO" },
    exact: JSON.stringify({
      errors: [{
        message: 'Variable "$ep" has invalid value: Value "FOO" does not exist in "Episode" enum.',
        locations: [{ line: 1, column: 8 }],
      }],
    }),
  },
  {
    name: "an enum variable given the internal value instead of the name is a variable error",
    query: "query ($ep: Episode) { hero(episode: $ep) { name } }",
    variables: { ep: 5 },
    exact: JSON.stringify({
      errors: [{
        message:
          'Variable "$ep" has invalid value: Enum "Episode" cannot represent non-string value: 5.',
        locations: [{ line: 1, column: 8 }],
      }],
    }),
  },
  {
    name: "an enum variable reaches the loader as the enum's value",
    query: "query ($ep: Episode) { hero(episode: $ep) { name } }",
    variables: { ep: "EMPIRE" },
    exact: '{"data":{"hero":{"name":"Luke Skywalker"}}}',
  },
  {
    name: "a null enum variable is null for the loader, as an omitted argument would be",
    query: "query ($ep: Episode) { hero(episode: $ep) { name } }",
    variables: { ep: null },
    exact: '{"data":{"hero":{"name":"R2-D2"}}}',
  },
  {
    name: "a variable default applies when the variable is left out",
    query: "query ($ep: Episode = EMPIRE) { hero(episode: $ep) { name } }",
    variables: {},
    exact: '{"data":{"hero":{"name":"Luke Skywalker"}}}',
  },
  {
    name: "one root field under two aliases with different arguments is loaded for each",
    query: "{ r2: hero { id } luke: hero(episode: EMPIRE) { name } r2: hero { name } }",
    exact: '{"data":{"r2":{"id":"2001","name":"R2-D2"},"luke":{"name":"Luke Skywalker"}}}',
  },
  {
    name: "unknown ids and ids of the other type give null",
    query:
      '{ human(id: "2001") { name } droid(id: "404") { name } leia: human(id: "1003") { name } }',
    exact: '{"data":{"human":null,"droid":null,"leia":{"name":"Leia Organa"}}}',
  },
  {
    name: "a missing optional value is null (Han has no home planet)",
    query: '{ human(id: "1002") { name homePlanet appearsIn } }',
    exact: '{"data":{"human":{"name":"Han Solo","homePlanet":null,' +
      '"appearsIn":["NEW_HOPE","EMPIRE","JEDI"]}}}',
  },
  {
    name: "a missing required argument is reported with graphql-js 17's message",
    query: "{ human { name } }",
    exact: JSON.stringify({
      errors: [{
        message:
          'Argument "Query.human(id:)" of type "String!" is required, but it was not provided.',
        locations: [{ line: 1, column: 3 }],
      }],
    }),
  },
  {
    name: "an unknown enum value in a literal is a validation error",
    query: "{ hero(episode: FOO) { name } }",
    exact: JSON.stringify({
      errors: [{
        message: 'Value "FOO" does not exist in "Episode" enum.',
        locations: [{ line: 1, column: 17 }],
      }],
    }),
  },
  {
    name: "a syntax error is reported alone, with its location",
    query: "{ hero { name }",
    exact: JSON.stringify({
      errors: [{
        message: "Syntax Error: Expected Name, found <EOF>.",
        locations: [{ line: 1, column: 16 }],
      }],
    }),
  },
  {
    name: "several operations need an operation name",
    query: "query A { hero { name } } query B { hero { id } }",
    exact: JSON.stringify({
      errors: [{ message: "Must provide operation name if query contains multiple operations." }],
    }),
  },
  {
    name: "the operation name picks the operation",
    query: "query A { hero { name } } query B { hero { id } }",
    operationName: "B",
    exact: '{"data":{"hero":{"id":"2001"}}}',
  },
  {
    name: "__typename is answered at the root and under an alias",
    query: "{ __typename hero { kind: __typename } }",
    exact: '{"data":{"__typename":"Query","hero":{"kind":"Droid"}}}',
  },
  {
    name: "@skip and @include with literals and variables, on fields, fragments and spreads",
    query: `query ($yes: Boolean!, $no: Boolean = false) {
      hero {
        name @include(if: $no)
        id @skip(if: $no)
        ... on Droid @include(if: $yes) { primaryFunction }
        ...Films @skip(if: true)
        ... @skip(if: false) @include(if: $yes) { __typename }
      }
    }
    fragment Films on Character { appearsIn }`,
    variables: { yes: true },
    exact: '{"data":{"hero":{"id":"2001","primaryFunction":"Astromech","__typename":"Droid"}}}',
  },
  {
    name: "a selection set whose every field is skipped is an empty object",
    query: "{ hero { name @include(if: false) } }",
    exact: '{"data":{"hero":{}}}',
  },
  {
    name: "secretBackstory selected twice merges into one error per position with both locations",
    query: "{ hero { friends { secretBackstory ... on Human { secretBackstory } } } }",
    exact: JSON.stringify({
      errors: [0, 1, 2].map((i) => ({
        message: SECRET,
        locations: [{ line: 1, column: 20 }, { line: 1, column: 51 }],
        path: ["hero", "friends", i, "secretBackstory"],
      })),
      data: { hero: { friends: [0, 1, 2].map(() => ({ secretBackstory: null })) } },
    }),
  },
  {
    name: "secretBackstory errors in nested lists come in path order",
    query: "{ hero { friends { friends { secretBackstory } } } }",
  },
  {
    name: "secretBackstory errors at several paths come in the order graphql-js completes them",
    query: "{ hero { secretBackstory friends { name secretBackstory } } " +
      'luke: human(id: "1000") { story: secretBackstory } }',
  },
  {
    name: "friends of both types, through fragments on the interface and on each type",
    query: `{
      hero(episode: JEDI) {
        ...Common
        friends { ...Common ... on Human { homePlanet } ... on Droid { primaryFunction } }
      }
    }
    fragment Common on Character { __typename id name }`,
  },
];

Deno.test("hiku-ts accepts graphql-js's Star Wars schema as a graph", () => {
  // friends: [Character] is a nullable list of nullable links: Optional(Sequence(Optional(...))).
  assert.equal(starWarsGraphProblem, null);
});

Deno.test("hiku-ts prints the Star Wars schema's SDL as graphql-js does, type for type", () => {
  assert.ok(starWarsSchema !== null, starWarsGraphProblem ?? "");
  // The descriptions are graphql-js's too. The order of the types is left to the introspection
  // case "Allows querying the schema for types"; here each type is compared on its own.
  const ours = buildSchema(starWarsSchema.sdl);
  const names = (schema: GraphQLSchema) =>
    Object.keys(schema.getTypeMap()).filter((n) => !n.startsWith("__")).sort();
  assert.deepEqual(names(ours), names(starWarsGraphQLSchema));
  for (const name of names(starWarsGraphQLSchema)) {
    const printed = (schema: GraphQLSchema) => {
      const type = schema.getType(name);
      return type === undefined ? "" : printType(type);
    };
    assert.equal(printed(ours), printed(starWarsGraphQLSchema));
  }
});

Deno.test("hiku-ts answers graphql-js's Star Wars tests as graphql-js does, byte for byte", async (t) => {
  for (
    const [group, cases] of [
      ["starWarsQuery-test", QUERY_TESTS],
      ["starWarsIntrospection-test", INTROSPECTION_TESTS],
      ["starWarsValidation-test", VALIDATION_TESTS],
      ["regressions", REGRESSION_TESTS],
    ] as const
  ) {
    for (const c of cases) await t.step(`${group}: ${c.name}`, () => check(c));
  }
});

Deno.test("an ID literal beyond 2^53 reaches loaders as the exact string graphql-js passes resolvers", async () => {
  // graphql-js parses an ID literal from its source text, so 9007199254740993 is not rounded to
  // ...992 on the way; hiku-ts must not go through a JavaScript number either.
  const echoLink = (opts: { readonly id: Id }) => String(opts.id);
  const echoField = (fields: readonly QueryField[]) => fields.map((f) => String(f.options?.id));
  const ours = new Schema({
    query: Graph([
      Node("Echo", [Field("id", ID, (_fields, ids: readonly Id[]) => ids.map((id) => [id]))]),
      Root([
        Link("echo", TypeRef("Echo"), echoLink, { requires: null, options: [Option("id", ID)] }),
        Field("echoed", Str, echoField, { options: [Option("id", ID)] }),
      ]),
    ]),
    executor: new AsyncExecutor(),
  });
  const echoType = new GraphQLObjectType({
    name: "Echo",
    fields: { id: { type: new GraphQLNonNull(GraphQLID) } },
  });
  const theirs = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: "Query",
      fields: {
        echo: {
          type: new GraphQLNonNull(echoType),
          args: { id: { type: new GraphQLNonNull(GraphQLID) } },
          resolve: (_source, args: { id: unknown }) => ({ id: String(args.id) }),
        },
        echoed: {
          type: new GraphQLNonNull(GraphQLString),
          args: { id: { type: new GraphQLNonNull(GraphQLID) } },
          resolve: (_source, args: { id: unknown }) => String(args.id),
        },
      },
    }),
  });
  const query = "{ echo(id: 9007199254740993) { id } echoed(id: 9007199254740993) }";
  const both = await runPair(ours, theirs, query);
  assert.equal(
    both.theirs,
    '{"data":{"echo":{"id":"9007199254740993"},"echoed":"9007199254740993"}}',
  );
  assert.equal(both.ours, both.theirs);
});

/** A random query whose responses differ, and why. */
interface Mismatch {
  readonly seed: number;
  readonly query: string;
  readonly variables: Variables;
  readonly ours: string;
  readonly theirs: string;
  readonly cause: Cause;
}

type Cause =
  | "nullable list link unsupported"
  | "rejected valid query"
  | "key order"
  | "field errors missing"
  | "error order"
  | "error message/format"
  | "other";

interface Response {
  readonly data?: unknown;
  readonly errors?: readonly unknown[];
}

/** A guess at why two responses differ, to group a failing run's mismatches. */
function classify(ours: string, theirs: string, threw: boolean): Cause {
  if (threw) return "nullable list link unsupported";
  const our = JSON.parse(ours) as Response;
  const their = JSON.parse(theirs) as Response;
  if (!("data" in our) && "data" in their) return "rejected valid query";
  if (canonical(our) === canonical(their)) return "key order";
  // graphql-js reports a resolver's error; a loader's Error in a row must become one too.
  if (their.errors !== undefined && our.errors === undefined) return "field errors missing";
  if (canonical(our.data) === canonical(their.data)) {
    const sorted = (r: Response) => (r.errors ?? []).map(canonical).sort().join();
    return sorted(our) === sorted(their) ? "error order" : "error message/format";
  }
  return "other";
}

/** JSON with object keys sorted, so that only key order is ignored. */
function canonical(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) =>
      v !== null && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
  );
}

const RANDOM_QUERIES = 1000;
const SHOWN = 3;

Deno.test("1,000 random valid queries get graphql-js's responses, byte for byte", async () => {
  const mismatches: Mismatch[] = [];
  for (let seed = 1; seed <= RANDOM_QUERIES; seed++) {
    const { query, variables } = randomQuery(seed);
    let ours: string;
    let theirs: string;
    let threw = false;
    try {
      ({ ours, theirs } = await runBoth(query, variables));
    } catch (error) {
      if (!(error instanceof StarWarsGraphRejected)) throw error;
      ours = `(not run) ${error.message}`;
      theirs = error.theirs;
      threw = true;
    }
    if (ours !== theirs) {
      mismatches.push({
        seed,
        query,
        variables,
        ours,
        theirs,
        cause: classify(ours, theirs, threw),
      });
    }
  }
  const causes = new Map<Cause, number>();
  for (const m of mismatches) causes.set(m.cause, (causes.get(m.cause) ?? 0) + 1);
  const summary = [...causes].map(([cause, n]) => `${n} ${cause}`).join(", ");
  const examples = mismatches.slice(0, SHOWN).map((m) =>
    `--- seed ${m.seed} (${m.cause}), variables ${JSON.stringify(m.variables)}\n${m.query}` +
    `ours:   ${m.ours}\ntheirs: ${m.theirs}`
  );
  // The per-query assertion the failure message stands for: assert.equal(ours, theirs, query).
  assert.equal(
    mismatches.length,
    0,
    `${mismatches.length} of ${RANDOM_QUERIES} random queries differ (${summary}); first ${
      Math.min(SHOWN, mismatches.length)
    }:\n${examples.join("\n")}`,
  );
});
