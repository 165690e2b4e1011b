/**
 * The in-memory Star Trek data and the two ways the benches serve it: a hiku-ts graph whose
 * loaders read the tables in batches, and a graphql-js schema whose resolvers use per-request
 * DataLoaders (the usual way to avoid N+1 there). Shared by bench/engine_bench.ts (W1) and
 * bench/_http_server.ts, so every contender reads the same Maps the same way.
 *
 * @module
 */

import {
  Field,
  Graph,
  Int,
  Link,
  Node,
  type QueryField,
  Root,
  Sequence,
  Str,
  TypeRef,
} from "../mod.ts";
import { buildSchema, type GraphQLSchema } from "graphql";
import DataLoader from "dataloader";

/** A character row. */
export interface Character {
  readonly id: number;
  readonly name: string;
  readonly species: string;
}

/** An actor row. */
export interface Actor {
  readonly id: number;
  readonly name: string;
  readonly character_id: number;
}

/** The tables, keyed by id. */
export interface StarTrekData {
  readonly characters: ReadonlyMap<number, Character>;
  readonly actors: ReadonlyMap<number, Actor>;
  readonly actorsByCharacter: ReadonlyMap<number, readonly number[]>;
  readonly characterIds: readonly number[];
  readonly actorIds: readonly number[];
}

/**
 * Makes `n` characters with `actorsPerCharacter` actors each.
 *
 * @param n Characters.
 * @param actorsPerCharacter Actors of each character.
 * @returns The tables.
 */
export function starTrekData(n: number, actorsPerCharacter = 5): StarTrekData {
  const characters = new Map<number, Character>();
  const actors = new Map<number, Actor>();
  const actorsByCharacter = new Map<number, number[]>();
  for (let c = 1; c <= n; c++) {
    characters.set(c, { id: c, name: `Character ${c}`, species: c % 3 === 0 ? "Vulcan" : "Human" });
    const list: number[] = [];
    for (let k = 0; k < actorsPerCharacter; k++) {
      const id = (c - 1) * actorsPerCharacter + k + 1;
      actors.set(id, { id, name: `Actor ${id}`, character_id: c });
      list.push(id);
    }
    actorsByCharacter.set(c, list);
  }
  return {
    characters,
    actors,
    actorsByCharacter,
    characterIds: [...characters.keys()],
    actorIds: [...actors.keys()],
  };
}

function rowsOf<T>(table: ReadonlyMap<number, T>) {
  return (fields: readonly QueryField[], ids: readonly number[]): unknown[][] => {
    const names = fields.map((f) => f.name as keyof T);
    const rows = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const record = table.get(ids[i]!)!;
      const row = new Array(names.length);
      for (let k = 0; k < names.length; k++) row[k] = record[names[k]!];
      rows[i] = row;
    }
    return rows;
  };
}

/**
 * The seed's graph over the tables.
 *
 * @param data The tables.
 * @returns The hiku-ts graph.
 */
export function hikuGraph(data: StarTrekData): Graph {
  const characterFields = rowsOf(data.characters);
  const actorFields = rowsOf(data.actors);
  return Graph([
    Node("Character", [
      Field("id", Int, characterFields),
      Field("name", Str, characterFields),
      Field("species", Str, characterFields),
      Link(
        "actors",
        Sequence(TypeRef("Actor")),
        (ids: readonly number[]) => ids.map((id) => data.actorsByCharacter.get(id) ?? []),
        { requires: "id" },
      ),
    ]),
    Node("Actor", [
      Field("id", Int, actorFields),
      Field("name", Str, actorFields),
      Field("character_id", Int, actorFields),
      Link("character", TypeRef("Character"), (ids: readonly number[]) => ids, {
        requires: "character_id",
      }),
    ]),
    Root([
      Link("characters", Sequence(TypeRef("Character")), () => data.characterIds, {
        requires: null,
      }),
      Link("actors", Sequence(TypeRef("Actor")), () => data.actorIds, { requires: null }),
    ]),
  ]);
}

/** The per-request DataLoaders graphql-js resolvers find in their context. */
export interface Loaders {
  readonly actorsOf: DataLoader<number, Actor[]>;
  readonly character: DataLoader<number, Character>;
}

/**
 * The seed's schema for graphql-js over the tables, with resolvers batching through DataLoader.
 *
 * @param data The tables.
 * @returns The schema, and a factory of fresh loaders to pass as each request's context.
 */
export function graphqlJsSchema(
  data: StarTrekData,
): { readonly schema: GraphQLSchema; loaders(): Loaders } {
  const schema = buildSchema(`
    type Query { characters: [Character!]! actors: [Actor!]! }
    type Character { id: Int! name: String! species: String! actors: [Actor!]! }
    type Actor { id: Int! name: String! character_id: Int! character: Character! }
  `);
  const resolvers = {
    Query: {
      characters: () => [...data.characters.values()],
      actors: () => [...data.actors.values()],
    },
    Character: { actors: (c: Character, _: unknown, ctx: Loaders) => ctx.actorsOf.load(c.id) },
    Actor: {
      character: (a: Actor, _: unknown, ctx: Loaders) => ctx.character.load(a.character_id),
    },
  };
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName) as unknown as {
      getFields(): { [name: string]: { resolve?: unknown } };
    };
    for (const [name, resolve] of Object.entries(fields)) type.getFields()[name]!.resolve = resolve;
  }
  const loaders = (): Loaders => ({
    actorsOf: new DataLoader((ids: readonly number[]) =>
      Promise.resolve(
        ids.map((id) => (data.actorsByCharacter.get(id) ?? []).map((a) => data.actors.get(a)!)),
      )
    ),
    character: new DataLoader((ids: readonly number[]) =>
      Promise.resolve(ids.map((id) => data.characters.get(id)!))
    ),
  });
  return { schema, loaders };
}
