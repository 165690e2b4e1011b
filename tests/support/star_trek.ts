/**
 * The Star Trek graph used across tests: the seed's characters and actors, in memory, plus the
 * features the engine must handle (options, records, optional and many-maybe links, requires
 * lists, passContext, and loaders that fail or return the wrong shape).
 *
 * This is a module on purpose: executors that run loaders in workers import it by URL.
 *
 * @module
 */

import {
  Bool,
  Field,
  Graph,
  Int,
  Link,
  Node,
  Nothing,
  Option,
  Optional,
  passContext,
  Record,
  Root,
  Sequence,
  Str,
  TypeRef,
} from "../../mod.ts";
import type { QueryField, QueryLink } from "../../mod.ts";

export interface CharacterRow {
  readonly id: number;
  readonly name: string;
  readonly species: string;
  readonly nickname: string | null;
  readonly born: number;
  readonly ship: string | null;
}

export interface ActorRow {
  readonly id: number;
  readonly name: string;
  readonly character_id: number;
}

/** The seed's three characters, with a few extra columns. */
export const CHARACTERS: readonly CharacterRow[] = [
  {
    id: 1,
    name: "James T. Kirk",
    species: "Human",
    nickname: "Jim",
    born: 2233,
    ship: "Enterprise",
  },
  { id: 2, name: "Spock", species: "Vulcan/Human", nickname: null, born: 2230, ship: "Enterprise" },
  { id: 3, name: "Leonard McCoy", species: "Human", nickname: "Bones", born: 2227, ship: null },
];

/** The seed's six actors. */
export const ACTORS: readonly ActorRow[] = [
  { id: 1, character_id: 1, name: "William Shatner" },
  { id: 2, character_id: 2, name: "Leonard Nimoy" },
  { id: 3, character_id: 3, name: "DeForest Kelley" },
  { id: 4, character_id: 1, name: "Chris Pine" },
  { id: 5, character_id: 2, name: "Zachary Quinto" },
  { id: 6, character_id: 3, name: "Karl Urban" },
];

/** What passContext loaders find under `ctx.db`. */
export interface Database {
  readonly characters: readonly CharacterRow[];
  readonly actors: readonly ActorRow[];
}

/** The in-memory database. */
export const DB: Database = { characters: CHARACTERS, actors: ACTORS };

/** Called once per worker by the worker pool executor. */
export function createContext(): { db: Database } {
  return { db: DB };
}

const characterById = new Map(CHARACTERS.map((c) => [c.id, c]));
const actorById = new Map(ACTORS.map((a) => [a.id, a]));

function characterFields(fields: readonly QueryField[], ids: readonly number[]): unknown[][] {
  return ids.map((id) => {
    const row = characterById.get(id);
    return fields.map((f) => row === undefined ? null : row[f.name as keyof CharacterRow]);
  });
}

function greeting(fields: readonly QueryField[], ids: readonly number[]): unknown[][] {
  return ids.map((id) =>
    fields.map((f) => {
      const options = f.options as { greeting: string; punctuation?: string | null };
      return `${options.greeting}, ${characterById.get(id)?.name}${options.punctuation ?? "!"}`;
    })
  );
}

function characterBio(
  fields: readonly (QueryField | QueryLink)[],
  ids: readonly number[],
): unknown[][] {
  return ids.map((id) => {
    const c = characterById.get(id)!;
    return fields.map((f) =>
      f.name === "bio" ? { born: c.born, ship: c.ship } : [
        { episode: 1, title: "The Man Trap" },
        { episode: c.id + 1, title: c.id === 2 ? "Amok Time" : "Shore Leave" },
      ]
    );
  });
}

function actorsOf(ids: readonly number[], options: { limit?: number | null }): number[][] {
  return ids.map((id) => {
    const list = ACTORS.filter((a) => a.character_id === id).map((a) => a.id);
    return options.limit === undefined || options.limit === null
      ? list
      : list.slice(0, options.limit);
  });
}

function mentorOf(ids: readonly number[]): (number | typeof Nothing)[] {
  return ids.map((id) => id === 2 ? 1 : id === 3 ? 1 : Nothing);
}

function shipmatesOf(
  reqs: readonly { readonly id: number; readonly species: string }[],
): (number | typeof Nothing)[][] {
  return reqs.map((r) =>
    CHARACTERS.filter((c) => c.id !== r.id).map((c) => c.species === r.species ? c.id : Nothing)
  );
}

function actorFields(fields: readonly QueryField[], ids: readonly number[]): unknown[][] {
  return ids.map((id) => {
    const row = actorById.get(id);
    return fields.map((f) => row === undefined ? null : row[f.name as keyof ActorRow]);
  });
}

const toCharacters = passContext(
  (ctx: { readonly db: Database }, options: { species?: string | null }): number[] =>
    ctx.db.characters
      .filter((c) =>
        options.species === undefined || options.species === null || c.species === options.species
      )
      .map((c) => c.id),
);

const toActors = passContext((ctx: { readonly db: Database }): number[] =>
  ctx.db.actors.map((a) => a.id)
);

function rootFields(fields: readonly QueryField[]): unknown[] {
  return fields.map((f) =>
    f.name === "version" ? "1.0" : f.name === "count" ? CHARACTERS.length : null
  );
}

function faultyFields(fields: readonly QueryField[], ids: readonly number[]): unknown[][] {
  if (fields.some((f) => f.name === "boom")) throw new Error("warp core breach");
  if (fields.some((f) => f.name === "short")) return ids.slice(1).map(() => fields.map(() => 1));
  if (fields.some((f) => f.name === "narrow")) return ids.map(() => []);
  return ids.map(() => fields.map(() => true));
}

/** The graph. */
export const graph: Graph = Graph([
  Node("Character", [
    Field("id", Int, characterFields),
    Field("name", Str, characterFields),
    Field("species", Str, characterFields),
    Field("nickname", Optional(Str), characterFields),
    Field("greeting", Str, greeting, {
      options: [
        Option("greeting", Str, { default: "Hello" }),
        Option("punctuation", Optional(Str)),
      ],
    }),
    Field("bio", Record({ born: Int, ship: Optional(Str) }), characterBio),
    Field("appearances", Sequence(TypeRef("Appearance")), characterBio),
    Link("actors", Sequence(TypeRef("Actor")), actorsOf, {
      requires: "id",
      options: [Option("limit", Optional(Int))],
    }),
    Link("mentor", Optional(TypeRef("Character")), mentorOf, { requires: "id" }),
    Link("sameSpecies", Sequence(Optional(TypeRef("Character"))), shipmatesOf, {
      requires: ["id", "species"],
    }),
  ]),
  Node("Actor", [
    Field("id", Int, actorFields),
    Field("name", Str, actorFields),
    Field("character_id", Int, actorFields),
    Link("character", TypeRef("Character"), (ids: readonly number[]) => ids, {
      requires: "character_id",
    }),
  ]),
  Node("Faulty", [
    Field("ok", Bool, faultyFields),
    Field("boom", Bool, faultyFields),
    Field("short", Int, faultyFields),
    Field("narrow", Int, faultyFields),
    Link("none", TypeRef("Character"), (ids: readonly number[]) => ids.map(() => Nothing), {
      requires: "ok",
    }),
    Link("scalar", Sequence(TypeRef("Character")), (ids: readonly number[]) => ids.map(() => 1), {
      requires: "ok",
    }),
    Link("objects", TypeRef("Character"), (ids: readonly number[]) => ids.map((id) => ({ id })), {
      requires: "ok",
    }),
  ]),
  Root([
    Field("version", Str, rootFields),
    Field("count", Int, rootFields),
    Link("characters", Sequence(TypeRef("Character")), toCharacters, {
      requires: null,
      options: [Option("species", Optional(Str))],
    }),
    Link("actors", Sequence(TypeRef("Actor")), toActors, { requires: null }),
    Link(
      "character",
      Optional(TypeRef("Character")),
      (options: { id: number }) => characterById.has(options.id) ? options.id : Nothing,
      {
        requires: null,
        options: [Option("id", Int)],
      },
    ),
    Link("faulty", Sequence(TypeRef("Faulty")), () => [1, 2], { requires: null }),
  ]),
], {
  dataTypes: { Appearance: Record({ episode: Int, title: Str }) },
});
