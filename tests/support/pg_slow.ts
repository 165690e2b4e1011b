/**
 * A graph whose Postgres statements take as long as a test wants: a view `slow` whose `value`
 * column calls `nap(seconds, id)`, which records that it started (in table `naps`), sleeps, and
 * returns the id. `FieldsQuery`, `LinkQuery` and `ListQuery` read the view, alone or fused, so a
 * test can hold connections with real source statements and check what cancelling frees.
 *
 * @module
 */

import {
  Field,
  Graph,
  Int,
  Link,
  Node,
  Option,
  Optional,
  Root,
  Sequence,
  TypeRef,
} from "../../mod.ts";
import { FieldsQuery, LinkQuery, ListQuery, type PgClient, table } from "../../sources/postgres.ts";

/** The context key of the client. */
export const PG = "pg";

/** A quick table: ids 1 and 2. */
export const fast = table("fast", { id: Int }, { primaryKey: "id" });
/** The view: ids 1 to 3, each `value` computed by `nap`. */
export const slow = table("slow", { id: Int, value: Int }, { primaryKey: "id" });

const slowQuery = FieldsQuery(PG, slow);

/**
 * `{ slows { value } }` reads the view by id (`FieldsQuery`), `{ fasts { id slows { value } } }`
 * links to it (`LinkQuery`, fused with the fields of both nodes unless fusion is off) and
 * `{ listed { id } }` lists it (`ListQuery`). `{ fasts { id } }` is quick.
 */
export const slowGraph: Graph = Graph([
  Node("Fast", [
    Field("id", null, FieldsQuery(PG, fast)),
    Link(
      "slows",
      Sequence(TypeRef("Slow")),
      LinkQuery(PG, { fromColumn: slow.c.id, toColumn: slow.c.value }),
      { requires: "id" },
    ),
  ]),
  Node("Slow", [Field("id", null, slowQuery), Field("value", null, slowQuery)]),
  Root([
    Link("fasts", Sequence(TypeRef("Fast")), () => [1, 2], { requires: null }),
    Link("slows", Sequence(TypeRef("Slow")), () => [1], { requires: null }),
    Link(
      "listed",
      Sequence(TypeRef("Slow")),
      ListQuery(PG, slow, { key: slow.c.value, limit: "limit" }),
      { requires: null, options: [Option("limit", Optional(Int))] },
    ),
  ]),
]);

/**
 * Creates `naps`, `nap`, `fast` and the `slow` view.
 *
 * @param db Where (a fresh schema or database).
 * @param seconds How long each `value` takes.
 */
export async function createSlowTables(db: PgClient, seconds: number): Promise<void> {
  await db.query("CREATE TABLE naps (id int NOT NULL)");
  await db.query(
    "CREATE FUNCTION nap(seconds float8, id int) RETURNS int LANGUAGE sql VOLATILE AS " +
      "$$ INSERT INTO naps VALUES (id); SELECT pg_sleep(seconds); SELECT id $$",
  );
  await db.query("CREATE TABLE fast (id int PRIMARY KEY)");
  await db.query("INSERT INTO fast VALUES (1), (2)");
  await db.query(
    `CREATE VIEW slow AS SELECT g AS id, nap(${Number(seconds)}, g) AS value ` +
      "FROM generate_series(1, 3) AS g",
  );
}
