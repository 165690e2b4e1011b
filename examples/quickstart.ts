/**
 * Quick start: the seed's Star Trek graph (characters and the actors who played them), served
 * from memory. Each loader gets a whole batch of ids, so however many characters a query
 * reaches, each loader runs once per query path.
 *
 * Run: deno run examples/quickstart.ts
 *
 * @module
 */

import {
  AsyncExecutor,
  denormalize,
  Engine,
  Field,
  Graph,
  Int,
  Link,
  Node,
  type QueryField,
  read,
  Root,
  Sequence,
  Str,
  TypeRef,
} from "../mod.ts";

// The data: the seed's three characters and six actors.
const characters = new Map([
  [1, { id: 1, name: "James T. Kirk", species: "Human" }],
  [2, { id: 2, name: "Spock", species: "Vulcan/Human" }],
  [3, { id: 3, name: "Leonard McCoy", species: "Human" }],
]);
const actors = new Map([
  [1, { id: 1, character_id: 1, name: "William Shatner" }],
  [2, { id: 2, character_id: 2, name: "Leonard Nimoy" }],
  [3, { id: 3, character_id: 3, name: "DeForest Kelley" }],
  [4, { id: 4, character_id: 1, name: "Chris Pine" }],
  [5, { id: 5, character_id: 2, name: "Zachary Quinto" }],
  [6, { id: 6, character_id: 3, name: "Karl Urban" }],
]);

// Field loaders: one row per id, one value per requested field.
function characterFields(fields: readonly QueryField[], ids: readonly number[]): unknown[][] {
  return ids.map((id) => {
    const character = characters.get(id) as { [field: string]: unknown } | undefined;
    return fields.map((field) => character?.[field.name] ?? null);
  });
}

function actorFields(fields: readonly QueryField[], ids: readonly number[]): unknown[][] {
  return ids.map((id) => {
    const actor = actors.get(id) as { [field: string]: unknown } | undefined;
    return fields.map((field) => actor?.[field.name] ?? null);
  });
}

// Link loaders: for every character id, the ids of its actors.
function characterToActors(ids: readonly number[]): number[][] {
  return ids.map((id) =>
    [...actors.values()].filter((a) => a.character_id === id).map((a) => a.id)
  );
}

export const graph = Graph([
  Node("Character", [
    Field("id", Int, characterFields),
    Field("name", Str, characterFields),
    Field("species", Str, characterFields),
    Link("actors", Sequence(TypeRef("Actor")), characterToActors, { requires: "id" }),
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
    Link("characters", Sequence(TypeRef("Character")), () => [...characters.keys()], {
      requires: null,
    }),
    Link("actors", Sequence(TypeRef("Actor")), () => [...actors.keys()], { requires: null }),
  ]),
]);

const engine = new Engine(new AsyncExecutor());

for (
  const text of [
    "{ characters { name actors { name } } }",
    "{ actors { name character { name } } }",
  ]
) {
  const result = await engine.execute(graph, read(text));
  console.log(text);
  console.log(JSON.stringify(denormalize(graph, result), null, 2));
}
