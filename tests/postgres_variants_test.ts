import assert from "node:assert/strict";
import {
  type ListClauses,
  listMark,
  MAX_OPTIONAL_CLAUSES,
  paramMark,
  StatementVariants,
} from "../sources/_postgres_variants.ts";

/**
 * `SELECT ... FROM <list> AS "l0" WHERE "l0"."rank" > $n`, the list with two filters (parameters
 * 0 and 1; the rank, an `Int` column, takes its values as `int8[]`), its limit (2) and offset (3);
 * the rank is parameter 4.
 */
function joined(): StatementVariants {
  const list: ListClauses = {
    table: `"character"`,
    filters: [
      { column: `"species"`, cast: "", param: 0 },
      { column: `"rank"`, cast: "::int8[]", param: 1 },
    ],
    order: `"id"`,
    limit: 2,
    offset: 3,
    select: null,
  };
  return new StatementVariants(
    `SELECT "l0"."id" FROM ${listMark(0)} AS "l0" WHERE "l0"."rank" > ${paramMark(4)} ORDER BY 1`,
    [list],
  );
}

const page = `ORDER BY "id" LIMIT $1 OFFSET $2`;

Deno.test("a list with no filter, limit or offset given is joined as its table", () => {
  assert.deepEqual(joined().of([null, null, null, null, 5]), {
    text: `SELECT "l0"."id" FROM "character" AS "l0" WHERE "l0"."rank" > $1 ORDER BY 1`,
    params: [4],
  });
});

Deno.test("a limit or an offset given pages the list in a subquery of its own order, both bound", () => {
  const variants = joined();
  const paged = {
    text: `SELECT "l0"."id" FROM (SELECT * FROM "character" ${page}) AS "l0" ` +
      `WHERE "l0"."rank" > $3 ORDER BY 1`,
    params: [2, 3, 4],
  };
  assert.deepEqual(variants.of([null, null, 10, null, 5]), paged);
  assert.deepEqual(variants.of([null, null, null, 0, 5]), paged);
  assert.deepEqual(variants.of([null, null, 0, 3, 5]), paged);
});

Deno.test("each given filter is written, parameters numbered in the order they appear", () => {
  const variants = joined();
  const cases: [readonly unknown[], string, readonly number[]][] = [
    [
      [["Human"], null, 10, null, 5],
      `(SELECT * FROM "character" WHERE "species" = ANY($1) ORDER BY "id" LIMIT $2 OFFSET $3)`,
      [0, 2, 3, 4],
    ],
    [
      [null, [1], null, 0, 5],
      `(SELECT * FROM "character" WHERE "rank" = ANY($1::int8[]) ORDER BY "id" LIMIT $2 OFFSET $3)`,
      [1, 2, 3, 4],
    ],
    [
      [[], [1, 2], null, null, 5],
      `(SELECT * FROM "character" WHERE "species" = ANY($1) AND "rank" = ANY($2::int8[]))`,
      [0, 1, 4],
    ],
  ];
  for (const [values, list, params] of cases) {
    const n = params.length;
    assert.deepEqual(variants.of(values), {
      text: `SELECT "l0"."id" FROM ${list} AS "l0" WHERE "l0"."rank" > $${n} ORDER BY 1`,
      params,
    }, JSON.stringify(values));
  }
});

Deno.test("bind gives the text and the values of the parameters it writes, in order", () => {
  assert.deepEqual(joined().bind([null, [1, 2], 10, null, 5]), {
    text: `SELECT "l0"."id" FROM (SELECT * FROM "character" WHERE "rank" = ANY($1::int8[]) ` +
      `ORDER BY "id" LIMIT $2 OFFSET $3) AS "l0" WHERE "l0"."rank" > $4 ORDER BY 1`,
    params: [[1, 2], 10, null, 5],
  });
});

Deno.test("the text depends on which filters are given and whether a page is, never on values", () => {
  const variants = joined();
  const first = variants.of([["Human"], null, 10, null, 5]);
  assert.equal(variants.of([["Vulcan", "Human"], null, null, 3, 7]), first);
  assert.notEqual(variants.of([null, null, 10, null, 5]).text, first.text);
  assert.notEqual(variants.of([["Human"], null, null, null, 5]).text, first.text);
  assert.equal(variants.bare, variants.of([null, null, null, null, 3]));
});

Deno.test("a list's own statement selects what it is given, always ordered, paged when asked", () => {
  const list: ListClauses = {
    table: `"character"`,
    filters: [{ column: `"species"`, cast: "", param: 0 }],
    order: `"name" DESC`,
    limit: 1,
    offset: 2,
    select: `"id" AS "t"`,
  };
  const variants = new StatementVariants(listMark(0), [list]);
  assert.deepEqual(variants.of([null, 3, null]), {
    text: `SELECT "id" AS "t" FROM "character" ORDER BY "name" DESC LIMIT $1 OFFSET $2`,
    params: [1, 2],
  });
  assert.deepEqual(variants.of([["Human"], null, 0]), {
    text: `SELECT "id" AS "t" FROM "character" WHERE "species" = ANY($1) ` +
      `ORDER BY "name" DESC LIMIT $2 OFFSET $3`,
    params: [0, 1, 2],
  });
  assert.deepEqual(variants.of([["Human"], null, null]), {
    text: `SELECT "id" AS "t" FROM "character" WHERE "species" = ANY($1) ORDER BY "name" DESC`,
    params: [0],
  });
  assert.deepEqual(variants.of([null, null, null]), {
    text: `SELECT "id" AS "t" FROM "character" ORDER BY "name" DESC`,
    params: [],
  });
});

Deno.test("clauses past the first six are written whatever the input, so a statement has at most 64 texts", () => {
  // Two lists of four filters each: the two pages and the first list's four filters are
  // optional; the second list's filters are always written (absent, they are bound to NULL and
  // filter nothing).
  const lists: ListClauses[] = [0, 1].map((l) => ({
    table: `"t${l}"`,
    filters: [0, 1, 2, 3].map((f) => ({ column: `"c${f}"`, cast: "", param: l * 4 + f })),
    order: `"id"`,
    limit: 8 + l * 2,
    offset: 9 + l * 2,
    select: null,
  }));
  const variants = new StatementVariants(
    `SELECT 1 FROM ${listMark(0)} AS "a", ${listMark(1)} AS "b"`,
    lists,
  );
  assert.equal(MAX_OPTIONAL_CLAUSES, 6);
  const always = [0, 1, 2, 3].map((f) => `("c${f}" = ANY($${f + 1}) OR $${f + 1} IS NULL)`);
  assert.deepEqual(variants.of(new Array(12).fill(null)), {
    text: `SELECT 1 FROM "t0" AS "a", (SELECT * FROM "t1" WHERE ${always.join(" AND ")}) AS "b"`,
    params: [4, 5, 6, 7],
  });
  const texts = new Set<string>();
  for (let mask = 0; mask < 4096; mask++) {
    const values = Array.from({ length: 12 }, (_, p) => (mask & (1 << p)) === 0 ? null : [p]);
    const variant = variants.of(values);
    texts.add(variant.text);
    // Every parameter the text writes is bound, in order.
    const written = [...variant.text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
    assert.equal(Math.max(0, ...written), variant.params.length);
  }
  assert.equal(texts.size, 64);
});
