/**
 * graphql-js's Star Wars test schema twice: as graphql-js has it (a `GraphQLSchema` with
 * resolvers, ported from `src/__tests__/starWarsSchema.ts` and `starWarsData.ts` of
 * graphql/graphql-js, MIT licensed, identical on the 16.x and 17 branches) and as a hiku-ts graph
 * over the same data, plus {@linkcode runBoth}, which runs one request through both so that
 * differential tests can compare the JSON responses byte for byte.
 *
 * The schema, in SDL:
 *
 * ```graphql
 * enum Episode { NEW_HOPE, EMPIRE, JEDI }
 * interface Character {
 *   id: String!  name: String  friends: [Character]  appearsIn: [Episode]  secretBackstory: String
 * }
 * type Human implements Character { ...Character's fields  homePlanet: String }
 * type Droid implements Character { ...Character's fields  primaryFunction: String }
 * type Query {
 *   hero(episode: Episode): Character
 *   human(id: String!): Human
 *   droid(id: String!): Droid
 * }
 * ```
 *
 * @module
 */

import {
  execute,
  GraphQLEnumType,
  GraphQLError,
  GraphQLInterfaceType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
  validate,
} from "graphql";
import {
  AsyncExecutor,
  Enum,
  Field,
  Graph,
  type Id,
  Interface,
  InterfaceRef,
  Link,
  Node,
  Nothing,
  Option,
  Optional,
  type QueryField,
  type QueryLink,
  Root,
  Schema,
  Sequence,
  Str,
  TypeRef,
} from "../../mod.ts";

// ---------------------------------------------------------------------------------------------
// The data (starWarsData.ts)
// ---------------------------------------------------------------------------------------------

/** A character as the resolvers see it. */
export interface Character {
  readonly type: "Human" | "Droid";
  readonly id: string;
  readonly name: string;
  readonly friends: readonly string[];
  readonly appearsIn: readonly number[];
}

/** A human: a character that may have a home planet. */
export interface Human extends Character {
  readonly type: "Human";
  readonly homePlanet?: string;
}

/** A droid: a character with a primary function. */
export interface Droid extends Character {
  readonly type: "Droid";
  readonly primaryFunction: string;
}

const luke: Human = {
  type: "Human",
  id: "1000",
  name: "Luke Skywalker",
  friends: ["1002", "1003", "2000", "2001"],
  appearsIn: [4, 5, 6],
  homePlanet: "Tatooine",
};

const vader: Human = {
  type: "Human",
  id: "1001",
  name: "Darth Vader",
  friends: ["1004"],
  appearsIn: [4, 5, 6],
  homePlanet: "Tatooine",
};

const han: Human = {
  type: "Human",
  id: "1002",
  name: "Han Solo",
  friends: ["1000", "1003", "2001"],
  appearsIn: [4, 5, 6],
};

const leia: Human = {
  type: "Human",
  id: "1003",
  name: "Leia Organa",
  friends: ["1000", "1002", "2000", "2001"],
  appearsIn: [4, 5, 6],
  homePlanet: "Alderaan",
};

const tarkin: Human = {
  type: "Human",
  id: "1004",
  name: "Wilhuff Tarkin",
  friends: ["1001"],
  appearsIn: [4],
};

/** The humans by id. */
export const humanData: ReadonlyMap<string, Human> = new Map(
  [luke, vader, han, leia, tarkin].map((h) => [h.id, h]),
);

const threepio: Droid = {
  type: "Droid",
  id: "2000",
  name: "C-3PO",
  friends: ["1000", "1002", "1003", "2001"],
  appearsIn: [4, 5, 6],
  primaryFunction: "Protocol",
};

const artoo: Droid = {
  type: "Droid",
  id: "2001",
  name: "R2-D2",
  friends: ["1000", "1002", "1003"],
  appearsIn: [4, 5, 6],
  primaryFunction: "Astromech",
};

/** The droids by id. */
export const droidData: ReadonlyMap<string, Droid> = new Map(
  [threepio, artoo].map((d) => [d.id, d]),
);

/** The character with an id, or `undefined`. */
function characterById(id: string): Human | Droid | undefined {
  return humanData.get(id) ?? droidData.get(id);
}

/** graphql-js's `getCharacter` returns a promise "to illustrate that GraphQL.js supports it". */
function getCharacter(id: string): Promise<Character | null> {
  return Promise.resolve(characterById(id) ?? null);
}

function getFriends(character: Character): Promise<Character | null>[] {
  return character.friends.map((id) => getCharacter(id));
}

/** Luke is the hero of Episode V; R2-D2 is the hero otherwise (no episode, or null, too). */
function getHero(episode: number | null | undefined): Character {
  return episode === 5 ? luke : artoo;
}

function getHuman(id: string): Human | null {
  return humanData.get(id) ?? null;
}

function getDroid(id: string): Droid | null {
  return droidData.get(id) ?? null;
}

// ---------------------------------------------------------------------------------------------
// graphql-js's schema (starWarsSchema.ts)
// ---------------------------------------------------------------------------------------------

const episodeEnum = new GraphQLEnumType({
  name: "Episode",
  description: "One of the films in the Star Wars Trilogy",
  values: {
    NEW_HOPE: { value: 4, description: "Released in 1977." },
    EMPIRE: { value: 5, description: "Released in 1980." },
    JEDI: { value: 6, description: "Released in 1983." },
  },
});

const characterInterface: GraphQLInterfaceType = new GraphQLInterfaceType({
  name: "Character",
  description: "A character in the Star Wars Trilogy",
  fields: () => ({
    id: { type: new GraphQLNonNull(GraphQLString), description: "The id of the character." },
    name: { type: GraphQLString, description: "The name of the character." },
    friends: {
      type: new GraphQLList(characterInterface),
      description: "The friends of the character, or an empty list if they have none.",
    },
    appearsIn: { type: new GraphQLList(episodeEnum), description: "Which movies they appear in." },
    secretBackstory: { type: GraphQLString, description: "All secrets about their past." },
  }),
  resolveType(character: Character) {
    switch (character.type) {
      case "Human":
        return humanType.name;
      case "Droid":
        return droidType.name;
    }
  },
});

const humanType: GraphQLObjectType = new GraphQLObjectType<Human>({
  name: "Human",
  description: "A humanoid creature in the Star Wars universe.",
  fields: () => ({
    id: { type: new GraphQLNonNull(GraphQLString), description: "The id of the human." },
    name: { type: GraphQLString, description: "The name of the human." },
    friends: {
      type: new GraphQLList(characterInterface),
      description: "The friends of the human, or an empty list if they have none.",
      resolve: (human) => getFriends(human),
    },
    appearsIn: { type: new GraphQLList(episodeEnum), description: "Which movies they appear in." },
    homePlanet: {
      type: GraphQLString,
      description: "The home planet of the human, or null if unknown.",
    },
    secretBackstory: {
      type: GraphQLString,
      description: "Where are they from and how they came to be who they are.",
      resolve() {
        throw new Error("secretBackstory is secret.");
      },
    },
  }),
  interfaces: [characterInterface],
});

const droidType: GraphQLObjectType = new GraphQLObjectType<Droid>({
  name: "Droid",
  description: "A mechanical creature in the Star Wars universe.",
  fields: () => ({
    id: { type: new GraphQLNonNull(GraphQLString), description: "The id of the droid." },
    name: { type: GraphQLString, description: "The name of the droid." },
    friends: {
      type: new GraphQLList(characterInterface),
      description: "The friends of the droid, or an empty list if they have none.",
      resolve: (droid) => getFriends(droid),
    },
    appearsIn: { type: new GraphQLList(episodeEnum), description: "Which movies they appear in." },
    secretBackstory: {
      type: GraphQLString,
      description: "Construction date and the name of the designer.",
      resolve() {
        throw new Error("secretBackstory is secret.");
      },
    },
    primaryFunction: { type: GraphQLString, description: "The primary function of the droid." },
  }),
  interfaces: [characterInterface],
});

const queryType = new GraphQLObjectType({
  name: "Query",
  fields: () => ({
    hero: {
      type: characterInterface,
      args: {
        episode: {
          description:
            "If omitted, returns the hero of the whole saga. If provided, returns the hero of that particular episode.",
          type: episodeEnum,
        },
      },
      resolve: (_source, { episode }: { episode?: number | null }) => getHero(episode),
    },
    human: {
      type: humanType,
      args: {
        id: { description: "id of the human", type: new GraphQLNonNull(GraphQLString) },
      },
      resolve: (_source, { id }: { id: string }) => getHuman(id),
    },
    droid: {
      type: droidType,
      args: {
        id: { description: "id of the droid", type: new GraphQLNonNull(GraphQLString) },
      },
      resolve: (_source, { id }: { id: string }) => getDroid(id),
    },
  }),
});

/** graphql-js's `StarWarsSchema`, resolvers included. */
export const starWarsGraphQLSchema: GraphQLSchema = new GraphQLSchema({
  query: queryType,
  types: [humanType, droidType],
});

// ---------------------------------------------------------------------------------------------
// The same schema as a hiku-ts graph
// ---------------------------------------------------------------------------------------------

/** Loaders see 4/5/6 and clients see the names, as with graphql-js's enum values. */
const Episode = Enum("Episode", [
  { name: "NEW_HOPE", value: 4, description: "Released in 1977." },
  { name: "EMPIRE", value: 5, description: "Released in 1980." },
  { name: "JEDI", value: 6, description: "Released in 1983." },
], { description: "One of the films in the Star Wars Trilogy" });

/** `[Character]`: the list and its items are nullable in graphql-js's schema. */
const CharacterList = Optional(Sequence(Optional(InterfaceRef("Character"))));
/** `[Episode]`. */
const EpisodeList = Optional(Sequence(Optional(Episode)));

/**
 * The plain fields of humans or droids: one call per node per path, every field of the batch
 * read from the same records. A missing property (Han has no home planet) is null.
 */
function characterFields(data: ReadonlyMap<string, Character>) {
  return (fields: readonly (QueryField | QueryLink)[], ids: readonly Id[]): unknown[][] =>
    ids.map((id) => {
      const record = data.get(String(id)) as unknown as { readonly [key: string]: unknown };
      return fields.map((f) => record[f.name] ?? null);
    });
}

const humanFields = characterFields(humanData);
const droidFields = characterFields(droidData);

/** Every id's friends; they all exist, but the link allows `Nothing` in place of any of them. */
function friendsOf(ids: readonly Id[]): Id[][] {
  return ids.map((id) => [...(characterById(String(id))?.friends ?? [])]);
}

/** graphql-js's resolver throws; here each id's row holds an error: a field error per position. */
function secretBackstory(_fields: readonly QueryField[], ids: readonly Id[]): Error[][] {
  return ids.map(() => [new Error("secretBackstory is secret.")]);
}

const characterResolveType = (id: Id): string => humanData.has(String(id)) ? "Human" : "Droid";

/**
 * Builds the hiku-ts graph of graphql-js's Star Wars schema, over the same data.
 *
 * @throws {GraphDefinitionError} When hiku-ts cannot express it (see {@linkcode starWarsGraph}).
 */
function buildStarWarsGraph(): Graph {
  return Graph(
    [
      Node("Human", [
        Field("id", Str, humanFields, { description: "The id of the human." }),
        Field("name", Optional(Str), humanFields, { description: "The name of the human." }),
        Link("friends", CharacterList, friendsOf, {
          requires: "id",
          description: "The friends of the human, or an empty list if they have none.",
        }),
        Field("appearsIn", EpisodeList, humanFields, {
          description: "Which movies they appear in.",
        }),
        Field("homePlanet", Optional(Str), humanFields, {
          description: "The home planet of the human, or null if unknown.",
        }),
        Field("secretBackstory", Optional(Str), secretBackstory, {
          description: "Where are they from and how they came to be who they are.",
        }),
      ], {
        description: "A humanoid creature in the Star Wars universe.",
        implements: ["Character"],
      }),
      Node("Droid", [
        Field("id", Str, droidFields, { description: "The id of the droid." }),
        Field("name", Optional(Str), droidFields, { description: "The name of the droid." }),
        Link("friends", CharacterList, friendsOf, {
          requires: "id",
          description: "The friends of the droid, or an empty list if they have none.",
        }),
        Field("appearsIn", EpisodeList, droidFields, {
          description: "Which movies they appear in.",
        }),
        Field("secretBackstory", Optional(Str), secretBackstory, {
          description: "Construction date and the name of the designer.",
        }),
        Field("primaryFunction", Optional(Str), droidFields, {
          description: "The primary function of the droid.",
        }),
      ], {
        description: "A mechanical creature in the Star Wars universe.",
        implements: ["Character"],
      }),
      Root([
        Link(
          "hero",
          Optional(InterfaceRef("Character")),
          (opts: { readonly episode?: number | null }) => getHero(opts.episode).id,
          {
            requires: null,
            options: [
              Option("episode", Optional(Episode), {
                description:
                  "If omitted, returns the hero of the whole saga. If provided, returns the hero of that particular episode.",
              }),
            ],
          },
        ),
        Link(
          "human",
          Optional(TypeRef("Human")),
          (opts: { readonly id: string }) => getHuman(opts.id)?.id ?? Nothing,
          { requires: null, options: [Option("id", Str, { description: "id of the human" })] },
        ),
        Link(
          "droid",
          Optional(TypeRef("Droid")),
          (opts: { readonly id: string }) => getDroid(opts.id)?.id ?? Nothing,
          { requires: null, options: [Option("id", Str, { description: "id of the droid" })] },
        ),
      ]),
    ],
    {
      interfaces: [
        // An interface's loaders are never called (each node loads its own members); the
        // humans' loaders stand in.
        Interface("Character", [
          Field("id", Str, humanFields, { description: "The id of the character." }),
          Field("name", Optional(Str), humanFields, { description: "The name of the character." }),
          Link("friends", CharacterList, friendsOf, {
            requires: "id",
            description: "The friends of the character, or an empty list if they have none.",
          }),
          Field("appearsIn", EpisodeList, humanFields, {
            description: "Which movies they appear in.",
          }),
          Field("secretBackstory", Optional(Str), secretBackstory, {
            description: "All secrets about their past.",
          }),
        ], {
          resolveType: characterResolveType,
          description: "A character in the Star Wars Trilogy",
        }),
      ],
    },
  );
}

/** The graph and its schema, or why hiku-ts rejects them. */
type Built =
  | { readonly graph: Graph; readonly schema: Schema; readonly problem: null }
  | { readonly graph: null; readonly schema: null; readonly problem: string };

function build(): Built {
  try {
    const graph = buildStarWarsGraph();
    return {
      graph,
      schema: new Schema({ query: graph, executor: new AsyncExecutor() }),
      problem: null,
    };
  } catch (error) {
    return {
      graph: null,
      schema: null,
      problem: error instanceof Error ? error.message : String(error),
    };
  }
}

// Built once, without throwing: a graph hiku-ts rejects (today, `friends: [Character]`, a nullable
// list link) must fail the tests that need it with the reason, not the import of this module,
// so that graphql-js's half and the query generator still run.
const built = build();

/**
 * The hiku-ts graph of graphql-js's Star Wars schema, over the same data, or `null` when
 * `Graph()` rejects it ({@linkcode starWarsGraphProblem} says why).
 */
export const starWarsGraph: Graph | null = built.graph;

/** The hiku-ts `Schema` of {@linkcode starWarsGraph} (`AsyncExecutor`), or `null`. */
export const starWarsSchema: Schema | null = built.schema;

/** Why `Graph()` or `Schema` rejected the Star Wars graph, or `null` when they accept it. */
export const starWarsGraphProblem: string | null = built.problem;

/** Thrown by {@linkcode runBoth} while hiku-ts rejects the Star Wars graph. */
export class StarWarsGraphRejected extends Error {
  /** graphql-js's response, JSON, for reports. */
  readonly theirs: string;

  /**
   * @param problem Why the graph was rejected.
   * @param theirs graphql-js's response to the request that could not run.
   */
  constructor(problem: string, theirs: string) {
    super(`hiku-ts rejects the Star Wars graph, so nothing can run on our side: ${problem}`);
    this.name = "StarWarsGraphRejected";
    this.theirs = theirs;
  }
}

// ---------------------------------------------------------------------------------------------
// Running a request through both
// ---------------------------------------------------------------------------------------------

/** The JSON texts of one request's responses. */
export interface BothResponses {
  /** hiku-ts's `Schema.execute`. */
  readonly ours: string;
  /** graphql-js's `parse`, `validate` and `execute`, as a graphql-http server answers. */
  readonly theirs: string;
}

/** A request's variables. */
export type Variables = { readonly [name: string]: unknown };

/**
 * Runs a request through hiku-ts's Star Wars schema and through graphql-js's and gives both
 * responses as JSON text, to be compared byte for byte (key order included: `errors` before
 * `data`, `message`, `locations`, `path` in each error).
 *
 * @param query The GraphQL text.
 * @param variables The variable values.
 * @param operationName The operation to run.
 * @returns Both responses, stringified.
 * @throws {StarWarsGraphRejected} While hiku-ts rejects the Star Wars graph.
 */
export function runBoth(
  query: string,
  variables?: Variables,
  operationName?: string,
): Promise<BothResponses> {
  return runPair(starWarsSchema, starWarsGraphQLSchema, query, variables, operationName);
}

/**
 * Runs a request through a hiku-ts schema and a graphql-js schema (see {@linkcode runBoth}).
 * graphql-js runs first, so that its answer is known even when ours cannot be had.
 *
 * @param ours The hiku-ts schema, or `null` when its graph was rejected.
 * @param theirs The graphql-js schema, with resolvers.
 * @param query The GraphQL text.
 * @param variables The variable values.
 * @param operationName The operation to run.
 * @returns Both responses, stringified.
 * @throws {StarWarsGraphRejected} When `ours` is `null`.
 */
export async function runPair(
  ours: Schema | null,
  theirs: GraphQLSchema,
  query: string,
  variables?: Variables,
  operationName?: string,
): Promise<BothResponses> {
  const theirResponse = JSON.stringify(
    await graphqlJs(theirs, query, variables, operationName),
  );
  if (ours === null) throw new StarWarsGraphRejected(starWarsGraphProblem ?? "", theirResponse);
  const ourResponse = JSON.stringify(
    await ours.execute({
      query,
      ...(variables !== undefined ? { variables } : {}),
      ...(operationName !== undefined ? { operationName } : {}),
    }),
  );
  return { ours: ourResponse, theirs: theirResponse };
}

/** What graphql-http answers: a syntax error or the validation errors alone, else the result. */
async function graphqlJs(
  schema: GraphQLSchema,
  query: string,
  variables: Variables | undefined,
  operationName: string | undefined,
): Promise<unknown> {
  let document;
  try {
    document = parse(query);
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [error] };
    throw error;
  }
  const errors = validate(schema, document);
  if (errors.length > 0) return { errors };
  return await execute({
    schema,
    document,
    ...(variables !== undefined ? { variableValues: variables } : {}),
    ...(operationName !== undefined ? { operationName } : {}),
  });
}
