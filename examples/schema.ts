/**
 * The GraphQL schema: a Star Trek graph with an enum, a custom scalar, an input type, a union,
 * an interface, a directive, descriptions, a deprecation and a mutation, served through
 * `Schema`, the way GraphQL clients talk to it.
 *
 * Run: deno run examples/schema.ts
 *
 * @module
 */

import {
  AsyncExecutor,
  Directive,
  Enum,
  Field,
  Graph,
  Input,
  Int,
  Interface,
  InterfaceRef,
  Link,
  MutationGraph,
  Node,
  Nothing,
  Option,
  Optional,
  type QueryField,
  Root,
  Scalar,
  Schema,
  Sequence,
  Str,
  TypeRef,
  Union,
  UnionRef,
} from "../mod.ts";

// Loaders see numbers, clients see names.
const Rank = Enum("Rank", [
  { name: "ENSIGN", value: 1 },
  { name: "COMMANDER", value: 3 },
  { name: "CAPTAIN", value: 4, description: "Commanding officer" },
]);

// `YYYY-MM-DD` on the wire, a Date in loaders.
const DateScalar = Scalar("Date", {
  specifiedBy: "https://tools.ietf.org/html/rfc3339",
  parse: (value) => {
    if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      throw new TypeError(`Date cannot represent value: ${JSON.stringify(value)}`);
    }
    return new Date(`${value}T00:00:00Z`);
  },
  serialize: (value) => (value as Date).toISOString().slice(0, 10),
});

const NewCharacter = Input("NewCharacter", [
  Option("name", Str),
  Option("rank", Rank, { default: "ENSIGN" }),
  Option("born", Optional(DateScalar)),
]);

interface Character {
  id: number;
  name: string;
  rank: number;
  born: Date | null;
  ship: string | null;
}

const characters = new Map<number, Character>([
  [1, { id: 1, name: "James T. Kirk", rank: 4, born: new Date("2233-03-22"), ship: "NCC-1701" }],
  [2, { id: 2, name: "Spock", rank: 3, born: new Date("2230-01-06"), ship: "NCC-1701" }],
]);
const starships = new Map([["NCC-1701", { name: "Enterprise" }]]);

// Character ids are numbers, starship ids strings: that tells a union's members apart.
const resolveType = (id: unknown) => typeof id === "string" ? "Starship" : "Character";

const characterFields = (fields: readonly QueryField[], ids: readonly number[]) =>
  ids.map((id) => fields.map((f) => characters.get(id)![f.name as keyof Character]));

const graph = Graph([
  Node("Character", [
    Field("id", Int, characterFields),
    Field("name", Str, characterFields, { description: "The full name" }),
    Field("rank", Rank, characterFields),
    Field("born", Optional(DateScalar), characterFields),
    Field("quote", Optional(Str), () => {
      throw new Error("subspace interference");
    }),
    Link(
      "ship",
      Optional(TypeRef("Starship")),
      (ids: readonly number[]) => ids.map((id) => characters.get(id)!.ship ?? Nothing),
      { requires: "id", deprecated: "Use search" },
    ),
  ], { implements: ["Named"], description: "A character of the series" }),
  Node("Starship", [
    Field(
      "name",
      Str,
      (fields: readonly QueryField[], ids: readonly string[]) =>
        ids.map((id) => fields.map(() => starships.get(id)!.name)),
    ),
  ], { implements: ["Named"] }),
  Root([
    Link("characters", Sequence(TypeRef("Character")), () => [...characters.keys()], {
      requires: null,
    }),
    Link(
      "character",
      Optional(TypeRef("Character")),
      (opts: { rank: number }) =>
        [...characters].find(([, c]) => c.rank === opts.rank)?.[0] ?? Nothing,
      { requires: null, options: [Option("rank", Rank)] },
    ),
    Link(
      "search",
      Sequence(UnionRef("SearchResult")),
      (opts: { text: string }) => [
        ...[...characters].filter(([, c]) => c.name.includes(opts.text)).map(([id]) => id),
        ...[...starships].filter(([, s]) => s.name.includes(opts.text)).map(([id]) => id),
      ],
      { requires: null, options: [Option("text", Str)] },
    ),
    Link("everyone", Sequence(InterfaceRef("Named")), () => [1, "NCC-1701"], {
      requires: null,
    }),
  ]),
], {
  unions: [Union("SearchResult", ["Character", "Starship"], { resolveType })],
  interfaces: [Interface("Named", [Field("name", Str, () => [])], { resolveType })],
  directives: [Directive("cached", ["FIELD"], { args: [Option("ttl", Int)] })],
});

// Mutations run one after another, in document order; results are read through the graph.
const mutation = MutationGraph(
  graph,
  Root([
    Link(
      "createCharacter",
      TypeRef("Character"),
      (opts: { input: { name: string; rank: number; born?: Date | null } }) => {
        const id = characters.size + 1;
        const { name, rank, born } = opts.input;
        characters.set(id, { id, name, rank, born: born ?? null, ship: null });
        return id;
      },
      { requires: null, options: [Option("input", NewCharacter)] },
    ),
  ]),
);

const schema = new Schema({ query: graph, mutation, executor: new AsyncExecutor() });

async function show(query: string, variables?: { [name: string]: unknown }): Promise<void> {
  console.log(`# ${query}`);
  console.log(JSON.stringify(await schema.execute({ query, variables: variables ?? null })));
}

console.log(schema.sdl);
console.log();
await show(
  "query ($rank: Rank!) { character(rank: $rank) { name rank born } }",
  { rank: "COMMANDER" },
);
await show(
  '{ search(text: "e") { __typename ... on Character { name } ... on Starship { name } } }',
);
await show("{ everyone { __typename name } }");
await show("{ characters { name quote ship { name } } }");
await show(
  'mutation { createCharacter(input: { name: "Pavel Chekov", born: "2245-02-14" }) { name rank born } }',
);
await show("{ characters { nme } character(rank: ADMIRAL) { name } }");
await show('{ __type(name: "Rank") { kind enumValues { name description } } }');
