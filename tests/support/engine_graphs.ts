/**
 * Graphs and helpers shared by tests/engine_test.ts, tests/plan_test.ts and tests/result_test.ts:
 * table loaders over the seed's characters and actors, the seed's graph with every loader
 * recorded, a graph whose loaders fail in chosen ways (for partial results), an enum and a custom
 * scalar, and shorthands that run a query and denormalize it.
 *
 * @module
 */

import {
  AsyncExecutor,
  denormalize,
  denormalizeWithErrors,
  Engine,
  Enum,
  Field,
  Graph,
  type Id,
  Int,
  Link,
  Node,
  Nothing,
  Option,
  Optional,
  type QueryField,
  type QueryLink,
  type QueryNode,
  read,
  Root,
  Scalar,
  Sequence,
  Str,
  TypeRef,
} from "../../mod.ts";
import type { Recorder } from "./recording.ts";
import { ACTORS, CHARACTERS } from "./star_trek.ts";

const engine = new Engine(new AsyncExecutor());

/** A row of a table: column name to value. */
export type Row = { readonly [name: string]: unknown };

/** What a field loader receives first: the selected fields. */
export type Selected = readonly (QueryField | QueryLink)[];

/**
 * A field loader reading rows of a table by id; missing ids give nulls.
 *
 * @param table Rows by id.
 * @returns The loader.
 */
export function rowsOf(
  table: ReadonlyMap<Id, Row>,
): (fields: Selected, ids: readonly Id[]) => unknown[][] {
  return (fields: Selected, ids: readonly Id[]): unknown[][] =>
    ids.map((id) => fields.map((f) => table.get(id)?.[f.name] ?? null));
}

/**
 * A field loader giving, for every field, the id it was called with.
 *
 * @param fields The selected fields.
 * @param ids The ids.
 * @returns One row per id.
 */
export function idField(fields: Selected, ids: readonly Id[]): unknown[][] {
  return ids.map((id) => fields.map(() => id));
}

/** The seed's characters by id. */
export const characterById: ReadonlyMap<Id, Row> = new Map(
  CHARACTERS.map((c): [Id, Row] => [c.id, { ...c }]),
);

/** The seed's actors by id. */
export const actorById: ReadonlyMap<Id, Row> = new Map(
  ACTORS.map((a): [Id, Row] => [a.id, { ...a }]),
);

/**
 * A link loader (`requires: "id"`) giving each character's actors.
 *
 * @param ids Character ids.
 * @param options `limit`: at most this many actors per character.
 * @returns Actor ids per character.
 */
export function actorsOf(
  ids: readonly number[],
  options: { limit?: number | null } = {},
): number[][] {
  return ids.map((id) => {
    const list = ACTORS.filter((a) => a.character_id === id).map((a) => a.id);
    return options.limit === undefined || options.limit === null
      ? list
      : list.slice(0, options.limit);
  });
}

/**
 * The seed's characters and actors with every loader recorded: "Character" and "Actor" are the
 * field loaders, links are recorded under "Node.link" (root links under their name).
 *
 * @param rec Records the calls.
 * @returns The graph.
 */
export function recordedGraph(rec: Recorder): Graph {
  const characterFields = rec.wrap("Character", rowsOf(characterById));
  const actorFields = rec.wrap("Actor", rowsOf(actorById));
  return Graph([
    Node("Character", [
      Field("id", Int, characterFields),
      Field("name", Str, characterFields),
      Field("species", Str, characterFields),
      Field("ship", Optional(Str), characterFields),
      Field("born", Int, rec.wrap("Character.born", rowsOf(characterById))),
      Link("actors", Sequence(TypeRef("Actor")), rec.wrap("Character.actors", actorsOf), {
        requires: "id",
        options: [Option("limit", Optional(Int))],
      }),
    ]),
    Node("Actor", [
      Field("id", Int, actorFields),
      Field("name", Str, actorFields),
      Field("character_id", Int, actorFields),
      Link(
        "character",
        TypeRef("Character"),
        rec.wrap("Actor.character", (ids: readonly number[]) => ids),
        { requires: "character_id" },
      ),
    ]),
    Root([
      Link(
        "characters",
        Sequence(TypeRef("Character")),
        rec.wrap("characters", () => [1, 2, 3]),
        { requires: null },
      ),
      Link(
        "character",
        Optional(TypeRef("Character")),
        rec.wrap("character", (o: { id: number }) => characterById.has(o.id) ? o.id : Nothing),
        { requires: null, options: [Option("id", Int)] },
      ),
    ]),
  ]);
}

/**
 * Executes a query with the AsyncExecutor and denormalizes the result.
 *
 * @param graph The graph.
 * @param query GraphQL text (read with `read`) or a query.
 * @param ctx The context.
 * @returns The denormalized result.
 */
export async function run(
  graph: Graph,
  query: string | QueryNode,
  ctx: { readonly [key: string]: unknown } = {},
): Promise<unknown> {
  const result = await engine.execute(
    graph,
    typeof query === "string" ? read(query) : query,
    ctx,
  );
  return denormalize(graph, result);
}

/** Star Trek series: an enum with values other than its names. */
export const Series = Enum("Series", [
  { name: "TOS", value: 1, description: "The Original Series" },
  { name: "TNG", value: 2 },
  "DS9",
]);

/** A custom scalar: `YYYY-MM-DD` text in queries and results, a `Date` for loaders. */
export const DateScalar = Scalar("Date", {
  parse: (value) => {
    if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      throw new TypeError(`Date cannot represent value: ${JSON.stringify(value)}`);
    }
    return new Date(`${value}T00:00:00Z`);
  },
  serialize: (value) => (value as Date).toISOString().slice(0, 10),
});

const Rank = Enum("Rank", [{ name: "CAPTAIN", value: 1 }, { name: "COMMANDER", value: 2 }]);

/**
 * A graph whose loaders fail in chosen ways, for partial results.
 *
 * @param rec Records the calls.
 * @returns The graph.
 */
export function partialGraph(rec: Recorder): Graph {
  const fail = (label: string, message: string) =>
    rec.wrap(label, () => {
      throw new Error(message);
    });
  const reject = (label: string, message: string) =>
    rec.wrap(label, () => Promise.reject(new Error(message)));
  const characterFields = rec.wrap("Character", rowsOf(characterById));
  return Graph([
    Node("Actor", [Field("name", Str, rec.wrap("Actor", rowsOf(actorById)))]),
    Node("Character", [
      Field("id", Int, characterFields),
      Field("name", Str, characterFields),
      Field("ship", Optional(Str), characterFields),
      Field("nickname", Optional(Str), fail("Character.nickname", "no nicknames")),
      Field("species", Str, reject("Character.species", "species unknown")),
      Field("key", Optional(Int), fail("Character.key", "no keys")),
      Field(
        "alias",
        Str,
        rec.wrap(
          "Character.alias",
          (_f: Selected, ids: readonly Id[]) => ids.map((id) => [id === 2 ? "Spock" : null]),
        ),
      ),
      Field(
        "rank",
        Optional(Rank),
        rec.wrap(
          "Character.rank",
          (_f: Selected, ids: readonly Id[]) => ids.map((id) => [id === 2 ? 42 : 1]),
        ),
      ),
      Field("short", Int, rec.wrap("Character.short", () => [[1]])),
      Link("mentor", Optional(TypeRef("Character")), fail("Character.mentor", "no mentors"), {
        requires: "id",
      }),
      Link("actors", Sequence(TypeRef("Actor")), rec.wrap("Character.actors", actorsOf), {
        requires: "id",
      }),
      Link("actorsByKey", Sequence(TypeRef("Actor")), rec.wrap("Character.actorsByKey", actorsOf), {
        requires: "key",
      }),
      Link(
        "friends",
        Sequence(TypeRef("Character")),
        (ids: readonly number[]) => ids.map((id) => [id === 1 ? 2 : 1]),
        { requires: "id" },
      ),
    ]),
    Root([
      Field("version", Str, () => ["1.0"]),
      Field("motd", Optional(Str), fail("motd", "subspace interference")),
      Link("characters", Sequence(TypeRef("Character")), () => [1, 2, 3], { requires: null }),
      Link("crew", Sequence(Optional(TypeRef("Character"))), () => [1, Nothing, 2], {
        requires: null,
      }),
      Link("character", Optional(TypeRef("Character")), (o: { id: number }) => o.id, {
        requires: null,
        options: [Option("id", Int)],
      }),
    ]),
  ]);
}

/** An error of a partial result, reduced to what tests compare. */
export interface Reported {
  /** The error's class name. */
  readonly type: string;
  /** Its message. */
  readonly message: string;
  /** Where in the data. */
  readonly path: readonly (string | number)[];
  /** Where in the query. */
  readonly locations: readonly { line: number; column: number }[];
}

/**
 * Executes a query in partial mode and denormalizes it with errors.
 *
 * @param graph The graph.
 * @param query GraphQL text.
 * @returns The data and the errors.
 */
export async function partial(
  graph: Graph,
  query: string,
): Promise<{ data: unknown; errors: Reported[] }> {
  const result = await engine.execute(graph, read(query), {}, { partial: true });
  const { data, errors } = denormalizeWithErrors(graph, result, "Query");
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
