/**
 * The seed example, "Using AsyncIO with aiopg", end to end in TypeScript: Star Trek characters
 * and the actors who played them, in two Postgres tables, served through a graph whose nodes are
 * loaded by `FieldsQuery` and `LinkQuery`, queried with the async executor.
 *
 * It creates the tables, inserts the seed's 3 characters and 6 actors, runs the seed's two
 * queries and prints their results. The database is PGlite (Postgres in this process, nothing to
 * install), or the server at `DATABASE_URL` when it is set; there the tables live in a schema of
 * their own, dropped at the end.
 *
 * ```sh
 * deno run -A examples/star_trek.ts
 * DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres deno run -A examples/star_trek.ts
 * ```
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
  passContext,
  read,
  Root,
  Sequence,
  Str,
  TypeRef,
} from "../mod.ts";
import {
  checkTables,
  FieldsQuery,
  LinkQuery,
  openDatabase,
  type PgClient,
  table,
} from "../sources/postgres.ts";

// Storage: the seed's two tables.

/** The context key the Postgres client is found under. */
export const PG = "pg";

/** The seed's character table. */
export const character = table("character", { id: Int, name: Str, species: Str }, {
  primaryKey: "id",
});

/** The seed's actor table. */
export const actor = table("actor", { id: Int, name: Str, character_id: Int }, {
  primaryKey: "id",
});

// The graph.

const characterQuery = FieldsQuery(PG, character);

const actorQuery = FieldsQuery(PG, actor);

const characterToActorsQuery = LinkQuery(PG, {
  fromColumn: actor.c.character_id,
  toColumn: actor.c.id,
});

const directLink = (ids: readonly number[]): readonly number[] => ids;

const toCharactersQuery = passContext(async (ctx: { readonly [PG]: PgClient }) =>
  (await ctx[PG].query("SELECT id FROM character ORDER BY id")).map((row) => row.id)
);

const toActorsQuery = passContext(async (ctx: { readonly [PG]: PgClient }) =>
  (await ctx[PG].query("SELECT id FROM actor ORDER BY id")).map((row) => row.id)
);

/** The seed's two nodes: their fields and links load from the seed's tables. */
export const nodes: readonly Node[] = [
  Node("Character", [
    Field("id", null, characterQuery),
    Field("name", null, characterQuery),
    Field("species", null, characterQuery),
    Link("actors", Sequence(TypeRef("Actor")), characterToActorsQuery, { requires: "id" }),
  ]),
  Node("Actor", [
    Field("id", null, actorQuery),
    Field("name", null, actorQuery),
    Field("character_id", null, actorQuery),
    Link("character", TypeRef("Character"), directLink, { requires: "character_id" }),
  ]),
];

/**
 * The seed's graph: the two nodes, and the seed's own root loaders. Fields and links below the
 * root fuse into one statement per query (see examples/server.ts for a root that fuses too).
 */
export const graph: Graph = Graph([
  ...nodes,
  Root([
    Link("characters", Sequence(TypeRef("Character")), toCharactersQuery, { requires: null }),
    Link("actors", Sequence(TypeRef("Actor")), toActorsQuery, { requires: null }),
  ]),
]);

// The seed's data.

const CHARACTERS: readonly (readonly [number, string, string])[] = [
  [1, "James T. Kirk", "Human"],
  [2, "Spock", "Vulcan/Human"],
  [3, "Leonard McCoy", "Human"],
];

const ACTORS: readonly (readonly [number, number, string])[] = [
  [1, 1, "William Shatner"],
  [2, 2, "Leonard Nimoy"],
  [3, 3, "DeForest Kelley"],
  [4, 1, "Chris Pine"],
  [5, 2, "Zachary Quinto"],
  [6, 3, "Karl Urban"],
];

/**
 * Creates the seed's tables and inserts its 3 characters and 6 actors.
 *
 * @param db Where to create them.
 * @returns When done.
 */
export async function setUpDatabase(db: PgClient): Promise<void> {
  await db.query("CREATE TABLE character (id integer PRIMARY KEY, name text, species text)");
  await db.query(
    "CREATE TABLE actor (id integer PRIMARY KEY, name text, " +
      "character_id integer NOT NULL REFERENCES character (id))",
  );
  await db.query(
    "INSERT INTO character (id, name, species) VALUES ($1, $2, $3), ($4, $5, $6), ($7, $8, $9)",
    CHARACTERS.flat(),
  );
  await db.query(
    "INSERT INTO actor (id, character_id, name) VALUES " +
      "($1, $2, $3), ($4, $5, $6), ($7, $8, $9), ($10, $11, $12), ($13, $14, $15), ($16, $17, $18)",
    ACTORS.flat(),
  );
}

/** The seed's two queries: one to many (characters to actors), many to one (actors to characters). */
export const QUERIES: readonly string[] = [
  "{ characters { name actors { name } } }",
  "{ actors { name character { name } } }",
];

/**
 * Opens the database, sets it up, runs the seed's queries and prints each with its result.
 *
 * @returns When done; the database is closed (and the schema dropped).
 */
export async function main(): Promise<void> {
  await using db = await openDatabase({
    schema: `hiku_star_trek_${crypto.randomUUID().slice(0, 8)}`,
    dropSchemaOnClose: true,
  });
  console.error(`Using ${db.target}`);
  await setUpDatabase(db);
  // The table descriptions must match the database: a mismatch is found here, not served.
  await checkTables(db, [character, actor]);
  const engine = new Engine(new AsyncExecutor());
  for (const query of QUERIES) {
    const result = await engine.execute(graph, read(query), { [PG]: db });
    console.log(query);
    console.log(JSON.stringify(denormalize(graph, result), null, 2));
  }
}

if (import.meta.main) await main();
