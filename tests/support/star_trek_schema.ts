/**
 * A Star Trek graph that uses every feature of the GraphQL schema: descriptions, deprecations,
 * enums (with loader values that differ from their names), custom scalars (`Date`, `UUID`) with
 * `@specifiedBy`, input types (nested, with defaults), a union, an interface, a data type, an
 * inline record, `Mapping`, untyped fields, schema directives and a mutation graph.
 *
 * {@linkcode createStarTrek} builds fresh data each time, so mutations in one test do not leak
 * into another.
 *
 * @module
 */

import {
  Any,
  Directive,
  Enum,
  Field,
  Graph,
  ID,
  Input,
  Int,
  Interface,
  InterfaceRef,
  Link,
  Mapping,
  MutationGraph,
  Node,
  Nothing,
  Option,
  Optional,
  type QueryField,
  Record,
  Root,
  Scalar,
  Sequence,
  Str,
  TypeRef,
  Union,
  UnionRef,
} from "../../mod.ts";
import type { Graph as GraphType } from "../../mod.ts";

/** Ranks: loaders see numbers, clients see names. */
export const Rank = Enum("Rank", [
  { name: "ENSIGN", value: 1 },
  { name: "LIEUTENANT", value: 2 },
  { name: "COMMANDER", value: 3, description: "Second in command" },
  { name: "CAPTAIN", value: 4, description: "Commanding officer" },
  { name: "COMMODORE", value: 5, deprecated: "Use CAPTAIN" },
], { description: "A Starfleet rank" });

/** Series, whose values are their names. */
export const Series = Enum("Series", ["TOS", { name: "TNG", description: "The Next Generation" }]);

/** A calendar date: `YYYY-MM-DD` on the wire, a `Date` (UTC midnight) in loaders. */
export const DateScalar = Scalar("Date", {
  description: "A calendar date, YYYY-MM-DD",
  specifiedBy: "https://tools.ietf.org/html/rfc3339",
  parse: (value) => {
    if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      throw new TypeError(`Date cannot represent value: ${JSON.stringify(value)}`);
    }
    return new Date(`${value}T00:00:00Z`);
  },
  serialize: (value) => (value as Date).toISOString().slice(0, 10),
});

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID, lower-cased when parsed. */
export const UUID = Scalar("UUID", {
  specifiedBy: "https://tools.ietf.org/html/rfc4122",
  parse: (value) => {
    if (typeof value !== "string" || !UUID_RE.test(value)) {
      throw new TypeError(`UUID cannot represent value: ${JSON.stringify(value)}`);
    }
    return value.toLowerCase();
  },
});

/** Where a new character serves. */
export const Assignment = Input("Assignment", [
  Option("ship", ID, { description: "The starship's registry" }),
  Option("since", Optional(DateScalar)),
]);

/** Filters for `characters`. */
export const CharacterFilter = Input("CharacterFilter", [
  Option("species", Optional(Str)),
  Option("rank", Optional(Rank)),
  Option("bornBefore", Optional(DateScalar)),
  Option("limit", Int, { default: 10, description: "Most characters to return" }),
], { description: "Which characters to return" });

/** A character to create. */
export const NewCharacter = Input("NewCharacter", [
  Option("name", Str),
  Option("species", Str, { default: "Human" }),
  Option("rank", Rank, { default: "ENSIGN" }),
  Option("born", Optional(DateScalar)),
  Option("assignment", Optional(Assignment)),
]);

/** A directive clients may write on fields and fragments. */
export const cached = Directive("cached", ["FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT"], {
  description: "Caches a field for a while",
  args: [Option("ttl", Int, { description: "Seconds to keep it" })],
});

/** A schema directive, repeatable. */
export const key = Directive("key", ["OBJECT"], {
  args: [Option("fields", Str)],
  repeatable: true,
});

export interface CharacterRow {
  id: number;
  uuid: string;
  name: string;
  species: string;
  rank: number;
  born: Date | null;
  nickname: string | null;
  ship: string | null;
  quote: string | null;
  mentor: number | null;
  tags: { readonly [key: string]: string };
}

export interface ActorRow {
  readonly id: number;
  readonly name: string;
  readonly character: number;
}

export interface StarshipRow {
  readonly id: string;
  readonly name: string;
  readonly commissioned: Date;
  readonly crew: readonly number[];
}

/** The mutable state behind one graph. */
export interface StarTrekData {
  readonly characters: Map<number, CharacterRow>;
  readonly actors: Map<number, ActorRow>;
  readonly starships: Map<string, StarshipRow>;
  /** What loaders did, in order (mutations write here). */
  readonly log: string[];
}

/** A graph over fresh data. */
export interface StarTrek {
  readonly graph: GraphType;
  readonly mutation: GraphType;
  readonly data: StarTrekData;
}

const day = (text: string): Date => new Date(`${text}T00:00:00Z`);

function freshData(): StarTrekData {
  const characters: CharacterRow[] = [
    {
      id: 1,
      uuid: "7a1d5e0c-6f7e-4d2b-9a51-2f0c6f1c0001",
      name: "James T. Kirk",
      species: "Human",
      rank: 4,
      born: day("2233-03-22"),
      nickname: "Jim",
      ship: "NCC-1701",
      quote: "Risk is our business.",
      mentor: null,
      tags: { series: "TOS" },
    },
    {
      id: 2,
      uuid: "7a1d5e0c-6f7e-4d2b-9a51-2f0c6f1c0002",
      name: "Spock",
      species: "Vulcan/Human",
      rank: 3,
      born: day("2230-01-06"),
      nickname: null,
      ship: "NCC-1701",
      quote: "Fascinating.",
      mentor: 1,
      tags: {},
    },
    {
      id: 3,
      uuid: "7a1d5e0c-6f7e-4d2b-9a51-2f0c6f1c0003",
      name: "Leonard McCoy",
      species: "Human",
      rank: 3,
      born: null,
      nickname: "Bones",
      ship: null,
      quote: null,
      mentor: 1,
      tags: { job: "doctor" },
    },
  ];
  const actors: ActorRow[] = [
    { id: 101, character: 1, name: "William Shatner" },
    { id: 102, character: 2, name: "Leonard Nimoy" },
    { id: 103, character: 3, name: "DeForest Kelley" },
    { id: 104, character: 1, name: "Chris Pine" },
    { id: 105, character: 2, name: "Zachary Quinto" },
    { id: 106, character: 3, name: "Karl Urban" },
  ];
  const starships: StarshipRow[] = [
    { id: "NCC-1701", name: "Enterprise", commissioned: day("2245-01-01"), crew: [1, 2, 3, 101] },
    { id: "NCC-1864", name: "Reliant", commissioned: day("2267-06-15"), crew: [] },
  ];
  return {
    characters: new Map(characters.map((c) => [c.id, c])),
    actors: new Map(actors.map((a) => [a.id, a])),
    starships: new Map(starships.map((s) => [s.id, s])),
    log: [],
  };
}

/** The concrete node of an id a union or interface link returns. */
export function resolveType(id: unknown): string {
  return typeof id === "string" ? "Starship" : (id as number) >= 100 ? "Actor" : "Character";
}

/**
 * Builds the graph, its mutation graph and fresh data.
 *
 * @returns The graphs and the data they serve.
 */
export function createStarTrek(): StarTrek {
  const data = freshData();
  const character = (id: number): CharacterRow => data.characters.get(id)!;

  const characterFields = (fields: readonly QueryField[], ids: readonly number[]) =>
    ids.map((id) => {
      const c = character(id);
      return fields.map((f) => {
        switch (f.name) {
          case "bio":
            return { ship: c.ship, quote: c.quote };
          case "appearances":
            return [{ episode: 1, title: "The Man Trap", series: "TOS" }];
          case "greeting":
            return `${(f.options as { greeting: string }).greeting}, ${c.name}!`;
          case "extra":
            return { id: c.id };
          default:
            return c[f.name as keyof CharacterRow] ?? null;
        }
      });
    });

  const filterCharacters = (
    opts: {
      filter?: {
        species?: string | null;
        rank?: number | null;
        bornBefore?: Date | null;
        limit: number;
      };
    },
  ): number[] => {
    const filter = opts.filter;
    data.log.push(`characters(${filter === undefined ? "" : JSON.stringify(filter)})`);
    return [...data.characters.values()]
      .filter((c) =>
        filter === undefined ||
        ((filter.species === undefined || filter.species === null ||
          c.species === filter.species) &&
          (filter.rank === undefined || filter.rank === null || c.rank === filter.rank) &&
          (filter.bornBefore === undefined || filter.bornBefore === null ||
            (c.born !== null && c.born < filter.bornBefore)))
      )
      .slice(0, filter?.limit ?? Infinity)
      .map((c) => c.id);
  };

  const graph = Graph([
    Node("Character", [
      Field("id", Int, characterFields),
      Field("uuid", UUID, characterFields),
      Field("name", Str, characterFields, { description: "The character's full name" }),
      Field("species", Str, characterFields),
      Field("rank", Rank, characterFields),
      Field("born", Optional(DateScalar), characterFields),
      Field("bio", Record({ ship: Optional(Str), quote: Optional(Str) }), characterFields),
      Field("appearances", Sequence(TypeRef("Appearance")), characterFields),
      Field("nickname", Optional(Str), characterFields, { deprecated: "Use name" }),
      Field("greeting", Str, characterFields, {
        options: [Option("greeting", Str, { default: "Hello" })],
      }),
      Field("tags", Mapping(Str, Str), characterFields),
      Field("extra", null, characterFields),
      Link(
        "actors",
        Sequence(TypeRef("Actor")),
        (ids: readonly number[], opts: { limit?: number | null }) =>
          ids.map((id) =>
            [...data.actors.values()].filter((a) => a.character === id).map((a) => a.id)
              .slice(0, opts.limit ?? Infinity)
          ),
        {
          requires: "id",
          options: [Option("limit", Optional(Int), { description: "Most actors to return" })],
        },
      ),
      Link(
        "mentor",
        Optional(TypeRef("Character")),
        (ids: readonly number[]) => ids.map((id) => character(id).mentor ?? Nothing),
        { requires: "id", description: "Who taught them" },
      ),
    ], { description: "A character of the series", implements: ["Person"] }),
    Node("Actor", [
      Field(
        "id",
        Int,
        (fields: readonly QueryField[], ids: readonly number[]) =>
          ids.map((id) => fields.map((f) => data.actors.get(id)![f.name as keyof ActorRow])),
      ),
      Field(
        "name",
        Str,
        (fields: readonly QueryField[], ids: readonly number[]) =>
          ids.map((id) => fields.map(() => data.actors.get(id)!.name)),
      ),
      Link(
        "character",
        TypeRef("Character"),
        (ids: readonly number[]) => ids.map((id) => data.actors.get(id)!.character),
        { requires: "id" },
      ),
    ], { implements: ["Person"] }),
    Node("Starship", [
      Field(
        "id",
        ID,
        (fields: readonly QueryField[], ids: readonly string[]) =>
          ids.map((id) => fields.map(() => id)),
      ),
      Field(
        "name",
        Str,
        (fields: readonly QueryField[], ids: readonly string[]) =>
          ids.map((id) => fields.map(() => data.starships.get(id)!.name)),
      ),
      Field(
        "commissioned",
        DateScalar,
        (fields: readonly QueryField[], ids: readonly string[]) =>
          ids.map((id) => fields.map(() => data.starships.get(id)!.commissioned)),
      ),
      Link(
        "crew",
        Sequence(InterfaceRef("Person")),
        (ids: readonly string[]) => ids.map((id) => [...data.starships.get(id)!.crew]),
        { requires: "id" },
      ),
    ]),
    Root([
      Field("version", Str, (fields: readonly QueryField[]) => fields.map(() => "1.0"), {
        description: "The API version",
      }),
      Field(
        "stats",
        Any,
        (fields: readonly QueryField[]) => fields.map(() => ({ characters: data.characters.size })),
      ),
      Link("characters", Sequence(TypeRef("Character")), filterCharacters, {
        requires: null,
        options: [Option("filter", Optional(CharacterFilter))],
      }),
      Link(
        "character",
        Optional(TypeRef("Character")),
        (opts: { id: number }) => data.characters.has(opts.id) ? opts.id : Nothing,
        { requires: null, options: [Option("id", Int)] },
      ),
      Link(
        "search",
        Sequence(UnionRef("SearchResult")),
        (opts: { text: string }) => [
          ...[...data.characters.values()].filter((c) => c.name.includes(opts.text)).map((c) =>
            c.id
          ),
          ...[...data.starships.values()].filter((s) => s.name.includes(opts.text)).map((s) =>
            s.id
          ),
        ],
        { requires: null, options: [Option("text", Str)] },
      ),
      Link("people", Sequence(InterfaceRef("Person")), () => [1, 101, 2, 102], {
        requires: null,
      }),
      Link("starships", Sequence(TypeRef("Starship")), () => [...data.starships.keys()], {
        requires: null,
      }),
      Link("captain", Optional(TypeRef("Character")), () => 1, {
        requires: null,
        deprecated: "Use characters",
      }),
    ]),
  ], {
    dataTypes: { Appearance: Record({ episode: Int, title: Str, series: Series }) },
    unions: [
      Union("SearchResult", ["Character", "Starship"], {
        resolveType,
        description: "What a search finds",
      }),
    ],
    interfaces: [
      Interface("Person", [Field("name", Str, () => [])], {
        resolveType,
        description: "Someone with a name",
      }),
    ],
    enums: [Series],
    inputs: [NewCharacter],
    directives: [cached, key],
  });

  let nextId = 4;
  const mutation = MutationGraph(
    graph,
    Root([
      Link(
        "createCharacter",
        TypeRef("Character"),
        (opts: {
          input: {
            name: string;
            species: string;
            rank: number;
            born?: Date | null;
            assignment?: { ship: string; since?: Date | null } | null;
          };
        }) => {
          const id = nextId++;
          const { input } = opts;
          data.log.push(`createCharacter(${input.name})`);
          data.characters.set(id, {
            id,
            uuid: `7a1d5e0c-6f7e-4d2b-9a51-2f0c6f1c000${id}`,
            name: input.name,
            species: input.species,
            rank: input.rank,
            born: input.born ?? null,
            nickname: null,
            ship: input.assignment?.ship ?? null,
            quote: null,
            mentor: null,
            tags: {},
          });
          return id;
        },
        {
          requires: null,
          options: [Option("input", NewCharacter)],
          description: "Adds a character",
        },
      ),
      Link(
        "promote",
        Optional(TypeRef("Character")),
        async (opts: { id: number; rank: number }) => {
          data.log.push(`promote(${opts.id}) start`);
          // A tick, so a later mutation would overtake this one if they were not in order.
          await new Promise((resolve) => setTimeout(resolve, 5));
          const row = data.characters.get(opts.id);
          data.log.push(`promote(${opts.id}) end`);
          if (row === undefined) return Nothing;
          row.rank = opts.rank;
          return opts.id;
        },
        { requires: null, options: [Option("id", Int), Option("rank", Rank)] },
      ),
      Field("clearLog", Int, (fields: readonly QueryField[]) => {
        const n = data.log.length;
        data.log.push("clearLog");
        return fields.map(() => n);
      }),
    ]),
  );
  return { graph, mutation, data };
}
