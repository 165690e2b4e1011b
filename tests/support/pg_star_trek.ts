/**
 * The Star Trek graph over Postgres tables, for the Postgres source tests: the seed's characters
 * and actors (tables, data and graph exactly as in the seed), plus ships, officers and a captain's
 * log with text and bigint keys, hostile values and identifiers, links of every shape, and tables
 * and columns that do not exist.
 *
 * A module on purpose: loaders are module-level values, as executors that run loaders in workers
 * need.
 *
 * @module
 */

import {
  Field,
  Graph,
  ID,
  Int,
  Link,
  Node,
  Nothing,
  Option,
  Optional,
  passContext,
  Root,
  Sequence,
  Str,
  TypeRef,
} from "../../mod.ts";
import { FieldsQuery, LinkQuery, type PgClient, table } from "../../sources/postgres.ts";

/** The context key of the client. */
export const PG = "pg";

// The seed's tables.
export const character = table("character", { id: Int, name: Str, species: Str }, {
  primaryKey: "id",
});
export const actor = table("actor", { id: Int, name: Str, character_id: Int }, {
  primaryKey: "id",
});

// Text keys, bigint keys, a hostile table name and a column whose case matters.
export const ship = table("ship", { registry: Str, name: Str }, { primaryKey: "registry" });
export const officer = table("officer", { id: ID, name: Str, ship_registry: Optional(Str) }, {
  primaryKey: "id",
});
export const LOG_TABLE = `captain's "log"; --`;
export const log = table(LOG_TABLE, { id: Int, ship_registry: Str, Stardate: Str, entry: Str }, {
  primaryKey: "id",
});

// Described here, missing from the database: a table, and a column of an existing table.
export const starship = table("starship", { id: Int, name: Str }, { primaryKey: "id" });
export const ghost = table("character", { id: Int, rank: Str }, { primaryKey: "id" });

/** A registry with quotes, a semicolon and a comment: stored and read back as it is. */
export const HOSTILE_REGISTRY = `NX-01'; DROP TABLE ship; --`;
/** A name with quotes, a dash, Cyrillic and an emoji. */
export const HOSTILE_NAME = `Enterprise "NX" — Арчер 🖖`;
/** A log entry with quotes, a backslash, a semicolon, a NUL-free control character and CJK. */
export const HOSTILE_ENTRY = `We're "on our way"; \\ back\tslash, 宇宙 $1 '); DELETE FROM ship; --`;
/** An officer id beyond Number.MAX_SAFE_INTEGER. */
export const BIG_ID = "9007199254740993";

const characterQuery = FieldsQuery(PG, character);
const actorQuery = FieldsQuery(PG, actor);
const shipQuery = FieldsQuery(PG, ship);
const officerQuery = FieldsQuery(PG, officer);
const logQuery = FieldsQuery(PG, log);
const starshipQuery = FieldsQuery(PG, starship);
const ghostQuery = FieldsQuery(PG, ghost);

const characterToActors = LinkQuery(PG, { fromColumn: actor.c.character_id, toColumn: actor.c.id });
const characterToActorsByName = LinkQuery(PG, {
  fromColumn: actor.c.character_id,
  toColumn: actor.c.id,
  orderBy: { column: actor.c.name, direction: "desc" },
});
const shipToOfficers = LinkQuery(PG, {
  fromColumn: officer.c.ship_registry,
  toColumn: officer.c.id,
});
const shipToOfficersByName = LinkQuery(PG, {
  fromColumn: officer.c.ship_registry,
  toColumn: officer.c.id,
  orderBy: [officer.c.name],
});
const toLog = LinkQuery(PG, { fromColumn: log.c.ship_registry, toColumn: log.c.id });

const directLink = (ids: readonly unknown[]): readonly unknown[] => ids;
const maybeDirectLink = (ids: readonly unknown[]): unknown[] =>
  ids.map((id) => id === null ? Nothing : id);

const toIds = (text: string) =>
  passContext(async (ctx: { readonly [PG]: PgClient }) =>
    (await ctx[PG].query(text)).map((row) => Object.values(row)[0])
  );

/** The graph. */
export const graph: Graph = Graph([
  Node("Character", [
    Field("id", null, characterQuery),
    Field("name", null, characterQuery),
    Field("species", null, characterQuery),
    Link("actors", Sequence(TypeRef("Actor")), characterToActors, { requires: "id" }),
    Link("actorsByName", Sequence(TypeRef("Actor")), characterToActorsByName, {
      requires: "id",
    }),
  ]),
  Node("Actor", [
    Field("id", null, actorQuery),
    Field("name", null, actorQuery),
    Field("character_id", null, actorQuery),
    Link("character", TypeRef("Character"), directLink, { requires: "character_id" }),
  ]),
  Node("Ship", [
    Field("registry", null, shipQuery),
    Field("name", null, shipQuery),
    Link("officers", Sequence(TypeRef("Officer")), shipToOfficers, { requires: "registry" }),
    Link("officersByName", Sequence(TypeRef("Officer")), shipToOfficersByName, {
      requires: "registry",
    }),
    Link("onlyOfficer", TypeRef("Officer"), shipToOfficers, { requires: "registry" }),
    Link("maybeOfficer", Optional(TypeRef("Officer")), shipToOfficers, { requires: "registry" }),
    Link("log", TypeRef("Log"), toLog, { requires: "registry" }),
    Link("maybeLog", Optional(TypeRef("Log")), toLog, { requires: "registry" }),
  ]),
  Node("Officer", [
    Field("id", null, officerQuery),
    Field("name", null, officerQuery),
    Field("ship_registry", null, officerQuery),
    Link("ship", Optional(TypeRef("Ship")), maybeDirectLink, { requires: "ship_registry" }),
    Link("log", Optional(TypeRef("Log")), toLog, { requires: "ship_registry" }),
  ]),
  Node("Log", [
    Field("id", null, logQuery),
    Field("Stardate", null, logQuery),
    Field("entry", null, logQuery),
  ]),
  Node("Starship", [Field("name", null, starshipQuery)]),
  Node("Ghost", [
    Field("rank", null, ghostQuery),
    Field("mood", Str, ghostQuery),
  ]),
  Root([
    Link(
      "characters",
      Sequence(TypeRef("Character")),
      toIds("SELECT id FROM character ORDER BY id"),
      {
        requires: null,
      },
    ),
    Link("actors", Sequence(TypeRef("Actor")), toIds("SELECT id FROM actor ORDER BY id"), {
      requires: null,
    }),
    Link("ships", Sequence(TypeRef("Ship")), toIds("SELECT registry FROM ship ORDER BY registry"), {
      requires: null,
    }),
    Link(
      "ship",
      TypeRef("Ship"),
      (options: { readonly registry: string }) => options.registry,
      { requires: null, options: [Option("registry", Str)] },
    ),
    Link(
      "officer",
      TypeRef("Officer"),
      (options: { readonly id: string }) => options.id,
      { requires: null, options: [Option("id", ID)] },
    ),
    Link("bigintOfficers", Sequence(TypeRef("Officer")), () => [BigInt(BIG_ID), 1n], {
      requires: null,
    }),
    Link("starships", Sequence(TypeRef("Starship")), () => [1], { requires: null }),
    Link("ghosts", Sequence(TypeRef("Ghost")), () => [1], { requires: null }),
  ]),
]);

/**
 * Creates the tables and fills them: the seed's 3 characters and 6 actors, 4 ships (one with no
 * officers and no log), 5 officers (one with no ship) and 3 log entries.
 *
 * @param db Where to create them (a fresh schema or database).
 */
export async function createTables(db: PgClient): Promise<void> {
  await db.query("CREATE TABLE character (id integer PRIMARY KEY, name text, species text)");
  await db.query(
    "CREATE TABLE actor (id integer PRIMARY KEY, name text, " +
      "character_id integer NOT NULL REFERENCES character (id))",
  );
  await db.query("CREATE TABLE ship (registry text PRIMARY KEY, name text NOT NULL)");
  await db.query(
    "CREATE TABLE officer (id int8 PRIMARY KEY, name text NOT NULL, " +
      "ship_registry text REFERENCES ship (registry))",
  );
  await db.query(
    `CREATE TABLE ${log.sql} (id integer PRIMARY KEY, ` +
      `ship_registry text UNIQUE NOT NULL, "Stardate" text NOT NULL, entry text NOT NULL)`,
  );
  await insert(db, "character", ["id", "name", "species"], [
    [1, "James T. Kirk", "Human"],
    [2, "Spock", "Vulcan/Human"],
    [3, "Leonard McCoy", "Human"],
  ]);
  await insert(db, "actor", ["id", "character_id", "name"], [
    [1, 1, "William Shatner"],
    [2, 2, "Leonard Nimoy"],
    [3, 3, "DeForest Kelley"],
    [4, 1, "Chris Pine"],
    [5, 2, "Zachary Quinto"],
    [6, 3, "Karl Urban"],
  ]);
  await insert(db, "ship", ["registry", "name"], [
    ["NCC-1701", "USS Enterprise"],
    ["NCC-1701-D", "USS Enterprise (NCC-1701-D)"],
    ["NCC-74656", "USS Voyager"],
    [HOSTILE_REGISTRY, HOSTILE_NAME],
  ]);
  await insert(db, "officer", ["id", "name", "ship_registry"], [
    [1, "James T. Kirk", "NCC-1701"],
    [42, `Montgomery "Scotty" Scott`, "NCC-1701"],
    [BIG_ID, "Jean-Luc Picard", "NCC-1701-D"],
    [7, "Jonathan Archer", HOSTILE_REGISTRY],
    [99, "Q", null],
  ]);
  await insert(db, LOG_TABLE, ["id", "ship_registry", "Stardate", "entry"], [
    [1, "NCC-1701", "1312.4", "The Enterprise is leaving the galaxy"],
    [2, "NCC-1701-D", "41153.7", "Encounter at Farpoint"],
    [3, HOSTILE_REGISTRY, "-", HOSTILE_ENTRY],
  ]);
}

async function insert(
  db: PgClient,
  name: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): Promise<void> {
  const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;
  let n = 0;
  const values = rows.map((row) => `(${row.map(() => `$${++n}`).join(", ")})`).join(", ");
  await db.query(
    `INSERT INTO ${quote(name)} (${columns.map(quote).join(", ")}) VALUES ${values}`,
    rows.flat(),
  );
}
