/**
 * Tests of `checkTables`: table descriptions checked against the database at start-up, on a
 * PostgreSQL server (when DATABASE_URL is set) and on PGlite.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  Any,
  Bool,
  EnumRef,
  ExecutionAbortedError,
  Float,
  ID,
  Int,
  Optional,
  Record,
  Sequence,
  Str,
  TypeRef,
} from "../mod.ts";
import {
  checkTables,
  ColumnTypeError,
  type Database,
  openDatabase,
  recordStatements,
  table,
} from "../sources/postgres.ts";
import {
  actor,
  character,
  createTables,
  ghost,
  log,
  officer,
  ship,
  starship,
} from "./support/pg_star_trek.ts";

const DATABASE_URL = Deno.env.get("DATABASE_URL") ?? null;

interface Target {
  readonly name: string;
  readonly ignore: boolean;
  open(): Promise<Database>;
}

const TARGETS: readonly Target[] = [
  {
    name: "on a PostgreSQL server",
    ignore: DATABASE_URL === null,
    open: () =>
      openDatabase({
        url: DATABASE_URL,
        schema: `hiku_check_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`,
        dropSchemaOnClose: true,
        connectTimeoutSeconds: 5,
      }),
  },
  { name: "on PGlite", ignore: false, open: () => openDatabase({ url: null }) },
];

const KINDS_SQL = [
  "CREATE TYPE mood AS ENUM ('calm', 'tense')",
  "CREATE DOMAIN rank_number AS int4 CHECK (VALUE > 0)",
  "CREATE TABLE kinds (id int4 PRIMARY KEY, big int8, small int2, ratio float8, price numeric, " +
  "label varchar(20), code char(3), tag uuid, flag bool, feeling mood, rank rank_number, " +
  "scores int4[], names text[], profile jsonb, born timestamptz, photo bytea)",
  // Domains over domains, arrays of domains, domains over arrays; a view of them.
  "CREATE DOMAIN rank_again AS rank_number",
  "CREATE DOMAIN score_list AS int4[]",
  "CREATE DOMAIN score_list_again AS score_list",
  "CREATE TABLE nested (id int4 PRIMARY KEY, rank rank_again, ranks rank_number[], " +
  "scores score_list_again, moods mood[])",
  "CREATE VIEW nested_view AS SELECT id, rank, ranks FROM nested",
  "CREATE TYPE pair AS (a int4, b int4)",
  // oid: an unsigned 32-bit integer, read as a number by both drivers.
  "CREATE TABLE handle (id oid PRIMARY KEY, other oid, others oid[])",
];

for (const target of TARGETS) {
  Deno.test({
    name: `checkTables passes descriptions that match the database ${target.name}`,
    ignore: target.ignore,
    async fn() {
      await using db = await target.open();
      await createTables(db);
      for (const statement of KINDS_SQL) await db.query(statement);
      await checkTables(db, [character, actor, ship, officer, log]);
      const kinds = table("kinds", {
        id: Int,
        big: Optional(Int),
        small: ID,
        ratio: Float,
        price: Optional(Float),
        label: Str,
        code: EnumRef("Code"),
        tag: ID,
        flag: Optional(Bool),
        feeling: Str,
        rank: Int,
        scores: Sequence(Int),
        names: Optional(Sequence(Optional(Str))),
        profile: Record({ age: Int }),
        born: Any,
        photo: Any,
      }, { primaryKey: "id" });
      await checkTables(db, [kinds]);
      // Numbers spell as strings; a subset of the columns is enough.
      await checkTables(db, [table("kinds", { id: Str, price: Str, profile: TypeRef("Profile") })]);
      const [{ schema }] = await db.query("SELECT current_schema() AS schema") as [
        { schema: string },
      ];
      await checkTables(db, [table("kinds", { id: Int }, { schema })]);
      await checkTables(db, [
        table("nested", {
          id: Int,
          rank: Int,
          ranks: Sequence(Int),
          scores: Sequence(Float),
          moods: Sequence(Str),
        }),
        table("nested_view", { id: ID, rank: Optional(Int), ranks: Optional(Sequence(Int)) }),
      ]);
      await checkTables(db, [
        table("handle", { id: Int, other: Optional(Float), others: Optional(Sequence(ID)) }, {
          primaryKey: "id",
        }),
      ]);
    },
  });

  Deno.test({
    name:
      `checkTables lists every missing table, missing column and type that does not fit ${target.name}`,
    ignore: target.ignore,
    async fn() {
      await using db = await target.open();
      await createTables(db);
      for (const statement of KINDS_SQL) await db.query(statement);
      const nestedWrong = table("nested", { rank: Bool, ranks: Sequence(Bool), scores: Int });
      // An index and a composite type are not tables, whatever to_regclass finds.
      const notTables = [
        table("kinds_pkey", { id: Int }),
        table("pair", { a: Int }, { schema: "public" }),
      ];
      const wrong = table("kinds", {
        id: Str,
        big: Bool,
        price: Int,
        label: Int,
        flag: Str,
        born: Str,
        photo: Str,
        scores: Int,
        names: Sequence(Int),
        profile: Float,
        rank: Optional(Bool),
        missing: Int,
      });
      await assert.rejects(
        () => checkTables(db, [starship, ghost, wrong, nestedWrong, notTables[0]!, notTables[1]!]),
        (error: unknown) => {
          assert.ok(error instanceof ColumnTypeError);
          assert.equal(error.name, "ColumnTypeError");
          assert.equal(
            error.message,
            [
              "Table descriptions do not match the database in 18 places:",
              'table "starship" is not in the database (or not on the search path)',
              'column "rank" of table "character" is not in the table',
              'column "big" of table "kinds" is bigint in the database, declared Bool, which needs bool',
              'column "price" of table "kinds" is numeric in the database, declared Int, which needs int2, int4, int8 or oid',
              'column "label" of table "kinds" is character varying(20) in the database, declared Int, which needs int2, int4, int8 or oid',
              'column "flag" of table "kinds" is boolean in the database, declared Str, which needs a text-like, enum, uuid, number, network address or interval column',
              'column "born" of table "kinds" is timestamp with time zone in the database, declared Str, which needs a text-like, enum, uuid, number, network address or interval column',
              'column "photo" of table "kinds" is bytea in the database, declared Str, which needs a text-like, enum, uuid, number, network address or interval column',
              'column "scores" of table "kinds" is integer[] in the database, declared Int, which needs int2, int4, int8 or oid',
              'column "names" of table "kinds" is text[] in the database, declared Sequence(Int), which needs an array of items that fit (int2, int4, int8 or oid)',
              'column "profile" of table "kinds" is jsonb in the database, declared Float, which needs a number type (int2, int4, int8, oid, float4, float8 or numeric)',
              'column "rank" of table "kinds" is rank_number in the database, declared Optional(Bool), which needs bool',
              'column "missing" of table "kinds" is not in the table',
              'column "rank" of table "nested" is rank_again in the database, declared Bool, which needs bool',
              'column "ranks" of table "nested" is rank_number[] in the database, declared Sequence(Bool), which needs an array of items that fit (bool)',
              'column "scores" of table "nested" is score_list_again in the database, declared Int, which needs int2, int4, int8 or oid',
              'table "kinds_pkey" is not in the database (or not on the search path)',
              'table "public"."pair" is not in the database',
            ].join("\n  - "),
          );
          assert.equal(error.mismatches.length, 18);
          assert.deepEqual(error.mismatches[0], {
            table: '"starship"',
            column: null,
            declared: null,
            actual: null,
            problem: "is not in the database (or not on the search path)",
          });
          assert.deepEqual(error.mismatches[4], {
            table: '"kinds"',
            column: "label",
            declared: "Int",
            actual: "character varying(20)",
            problem:
              "is character varying(20) in the database, declared Int, which needs int2, int4, int8 or oid",
          });
          return true;
        },
      );
    },
  });

  Deno.test({
    name:
      `checkTables lists a declared primary key that no constraint or unique index keeps unique ${target.name}`,
    ignore: target.ignore,
    async fn() {
      await using db = await target.open();
      for (
        const statement of [
          "CREATE TABLE plain (id int4, name text)",
          "CREATE TABLE uniq (id int4 UNIQUE, name text)",
          "CREATE TABLE indexed (code text, name text)",
          "CREATE UNIQUE INDEX ON indexed (code) INCLUDE (name)",
          "CREATE TABLE partial (id int4, live bool)",
          "CREATE UNIQUE INDEX ON partial (id) WHERE live",
          "CREATE TABLE pair (a int4, b int4, UNIQUE (a, b))",
          "CREATE TABLE lowered (code text)",
          "CREATE UNIQUE INDEX ON lowered (lower(code))",
          "CREATE TABLE parted (id int4 PRIMARY KEY, name text) PARTITION BY RANGE (id)",
          "CREATE TABLE parted_low PARTITION OF parted FOR VALUES FROM (0) TO (100)",
          "CREATE MATERIALIZED VIEW snapshot AS SELECT id, name FROM uniq",
          "CREATE MATERIALIZED VIEW snapshot_keyed AS SELECT id, name FROM uniq",
          "CREATE UNIQUE INDEX ON snapshot_keyed (id)",
          "CREATE VIEW plain_view AS SELECT id, name FROM plain",
          // Checked only at commit: a transaction sees duplicates until then.
          "CREATE TABLE deferred (id int4 UNIQUE DEFERRABLE INITIALLY DEFERRED)",
          // A child's rows are read with its parent's, and its ids are its own.
          "CREATE TABLE parent (id int4 PRIMARY KEY)",
          "CREATE TABLE child (extra text) INHERITS (parent)",
          // An exclusion by "=" keeps a column unique; by another operator, or deferred, not.
          "CREATE TABLE excluded (id int4, EXCLUDE USING btree (id WITH =))",
          "CREATE TABLE excluded_hash (code text, EXCLUDE USING hash (code WITH =))",
          "CREATE TABLE excluded_other (id int4range, EXCLUDE USING gist (id WITH &&))",
          "CREATE TABLE excluded_later (id int4, EXCLUDE USING btree (id WITH =) DEFERRABLE)",
          "CREATE TABLE excluded_partly (id int4, live bool, " +
          "EXCLUDE USING btree (id WITH =) WHERE (live))",
        ]
      ) await db.query(statement);
      const keyed = (name: string, key: string, columns: string[]) =>
        table(name, Object.fromEntries(columns.map((c) => [c, Any])), { primaryKey: key });
      const kept = [
        keyed("uniq", "id", ["id", "name"]),
        keyed("indexed", "code", ["code"]),
        keyed("parted", "id", ["id"]),
        keyed("snapshot_keyed", "id", ["id"]),
        keyed("excluded", "id", ["id"]),
        keyed("excluded_hash", "code", ["code"]),
        // A view holds no constraints: it is taken at its word.
        keyed("plain_view", "id", ["id", "name"]),
        // No declared key, nothing to check.
        table("plain", { id: Int }),
      ];
      await checkTables(db, kept);
      const notKept = [
        keyed("plain", "id", ["id", "name"]),
        keyed("partial", "id", ["id"]),
        keyed("pair", "a", ["a", "b"]),
        keyed("lowered", "code", ["code"]),
        keyed("snapshot", "id", ["id"]),
        keyed("deferred", "id", ["id"]),
        keyed("parent", "id", ["id"]),
        keyed("excluded_other", "id", ["id"]),
        keyed("excluded_later", "id", ["id"]),
        keyed("excluded_partly", "id", ["id"]),
        // A declared key the table lacks is reported once, as missing.
        keyed("plain", "serial", ["serial"]),
      ];
      await assert.rejects(
        () => checkTables(db, [...kept, ...notKept]),
        (error: unknown) => {
          assert.ok(error instanceof ColumnTypeError);
          const unique = "is declared the primary key, but the database does not keep it " +
            "unique (no PRIMARY KEY, UNIQUE constraint, unique index or EXCLUDE (... WITH =) on " +
            "that column alone): " +
            "rows that share an id would be read as one of them; add one, or pass " +
            "{ primaryKeys: false }";
          assert.equal(
            error.message,
            [
              "Table descriptions do not match the database in 11 places:",
              `column "id" of table "plain" ${unique}`,
              `column "id" of table "partial" ${unique}`,
              `column "a" of table "pair" ${unique}`,
              `column "code" of table "lowered" ${unique}`,
              `column "id" of table "snapshot" ${unique}`,
              `column "id" of table "deferred" ${unique}`,
              'column "id" of table "parent" is declared the primary key, but other tables ' +
              "inherit from this one, and its statements read their rows too, which no " +
              "constraint keeps unique with its own: rows that share an id would be read as one " +
              "of them; describe a table without children, or pass { primaryKeys: false }",
              `column "id" of table "excluded_other" ${unique}`,
              `column "id" of table "excluded_later" ${unique}`,
              `column "id" of table "excluded_partly" ${unique}`,
              'column "serial" of table "plain" is not in the table',
            ].join("\n  - "),
          );
          assert.deepEqual(error.mismatches[0], {
            table: '"plain"',
            column: "id",
            declared: "Any",
            actual: "integer",
            problem: unique,
          });
          return true;
        },
      );
      // A unique index in another collation than a case-insensitive column's does not keep its
      // values unique by "=" (ICU collations: the server's, PGlite's may not have them).
      const icu = await db.query(
        "CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
      ).then(() => true, () => false);
      if (icu) {
        await db.query("CREATE TABLE named (name text COLLATE ci)");
        await db.query('CREATE UNIQUE INDEX ON named (name COLLATE "C")');
        await db.query("CREATE TABLE named_ci (name text COLLATE ci UNIQUE)");
        await checkTables(db, [keyed("named_ci", "name", ["name"])]);
        await assert.rejects(
          () => checkTables(db, [keyed("named", "name", ["name"])]),
          /column "name" of table "named" is declared the primary key, but the database does not/,
        );
      }
      await assert.rejects(
        () => checkTables(db, notKept, { primaryKeys: false }),
        /in 1 place:\n {2}- column "serial" of table "plain" is not in the table$/,
      );
    },
  });

  Deno.test({
    name:
      `checkTables with nullability also lists columns that may be null but are not Optional ${target.name}`,
    ignore: target.ignore,
    async fn() {
      await using db = await target.open();
      await db.query("CREATE DOMAIN required_text AS text NOT NULL");
      await db.query("CREATE DOMAIN required_again AS required_text");
      await db.query(
        "CREATE TABLE crew (id int4 PRIMARY KEY, name text NOT NULL, rank text, motto required_again, " +
          "ships text[], born int4)",
      );
      await db.query("CREATE VIEW crew_view AS SELECT id, name, rank FROM crew");
      const crew = table("crew", {
        id: Int,
        name: Str,
        rank: Str,
        motto: Str,
        ships: Sequence(Str),
        born: Optional(Int),
      });
      // A view's columns are not checked: Postgres does not know whether they may be null.
      const view = table("crew_view", { id: Int, name: Str, rank: Str });
      await checkTables(db, [crew, view]);
      await assert.rejects(
        () => checkTables(db, [crew, view], { nullability: true }),
        (error: unknown) => {
          assert.ok(error instanceof ColumnTypeError);
          assert.equal(
            error.message,
            [
              "Table descriptions do not match the database in 2 places:",
              'column "rank" of table "crew" may be null in the database (it is not NOT NULL), declared Str, which may not: declare it Optional(Str), or make the column NOT NULL',
              'column "ships" of table "crew" may be null in the database (it is not NOT NULL), declared Sequence(Str), which may not: declare it Optional(Sequence(Str)), or make the column NOT NULL',
            ].join("\n  - "),
          );
          return true;
        },
      );
    },
  });

  Deno.test({
    name:
      `checkTables sends one catalog statement for all tables, and none for no tables ${target.name}`,
    ignore: target.ignore,
    async fn() {
      await using db = await target.open();
      await createTables(db);
      const recorder = recordStatements(db);
      await checkTables(recorder.client, []);
      assert.equal(recorder.statements.length, 0);
      await checkTables(recorder.client, [character, actor, ship]);
      assert.equal(recorder.statements.length, 1);
      assert.deepEqual(recorder.statements[0]!.params, [['"character"', '"actor"', '"ship"']]);
      assert.equal(recorder.statements[0]!.source, "checkTables");
    },
  });

  Deno.test({
    name: `checkTables sends nothing when its signal has aborted ${target.name}`,
    ignore: target.ignore,
    async fn() {
      await using db = await target.open();
      const recorder = recordStatements(db);
      const controller = new AbortController();
      controller.abort(new Error("shutting down"));
      await assert.rejects(
        () => checkTables(recorder.client, [character], { signal: controller.signal }),
        ExecutionAbortedError,
      );
      assert.equal(recorder.statements.length, 0);
    },
  });
}
