import assert from "node:assert/strict";
import {
  type ListClauses,
  listMark,
  MAX_OPTIONAL_CLAUSES,
  paramMark,
  StatementVariants,
} from "../sources/_postgres_variants.ts";

/** `SELECT ... FROM <list> AS "l0" ... WHERE "x" = $n` with a list of one filter, a limit, an offset. */
function joined(): StatementVariants {
  const list: ListClauses = {
    table: `"character"`,
    filters: [{ column: `"species"`, param: 0 }],
    order: `"id"`,
    limit: 1,
    offset: 2,
    select: null,
  };
  return new StatementVariants(
    `SELECT "l0"."id" FROM ${listMark(0)} AS "l0" WHERE "l0"."rank" > ${paramMark(3)} ORDER BY 1`,
    [list],
  );
}

Deno.test("a list whose options are all absent is its table, joined like any other", () => {
  const variant = joined().of([null, null, null, 5]);
  assert.deepEqual(variant, {
    text: `SELECT "l0"."id" FROM "character" AS "l0" WHERE "l0"."rank" > $1 ORDER BY 1`,
    params: [3],
  });
});

Deno.test("each given option writes its clause, parameters numbered in the order they appear", () => {
  const variants = joined();
  const cases: [readonly unknown[], string, readonly number[]][] = [
    [[["Human"], null, null, 5], `(SELECT * FROM "character" WHERE "species" = ANY($1))`, [0, 3]],
    [[null, 10, null, 5], `(SELECT * FROM "character" ORDER BY "id" LIMIT $1)`, [1, 3]],
    [[null, null, 0, 5], `(SELECT * FROM "character" ORDER BY "id" OFFSET $1)`, [2, 3]],
    [
      [["Human"], 10, 20, 5],
      `(SELECT * FROM "character" WHERE "species" = ANY($1) ORDER BY "id" LIMIT $2 OFFSET $3)`,
      [0, 1, 2, 3],
    ],
    [
      [[], null, 20, 5],
      `(SELECT * FROM "character" WHERE "species" = ANY($1) ORDER BY "id" OFFSET $2)`,
      [0, 2, 3],
    ],
  ];
  for (const [values, rows, params] of cases) {
    const n = params.length;
    assert.deepEqual(variants.of(values), {
      text: `SELECT "l0"."id" FROM ${rows} AS "l0" WHERE "l0"."rank" > $${n} ORDER BY 1`,
      params,
    }, JSON.stringify(values));
  }
});

Deno.test("the text depends on which options are given, never on their values", () => {
  const variants = joined();
  const first = variants.of([["Human"], 10, null, 5]);
  assert.equal(variants.of([["Vulcan", "Human"], 1, null, 7]), first);
  assert.notEqual(variants.of([["Human"], null, null, 5]).text, first.text);
  assert.equal(variants.bare, variants.of([null, null, null, 1]));
});

Deno.test("a list's own statement is always ordered, and selects what it is given", () => {
  const list: ListClauses = {
    table: `"character"`,
    filters: [],
    order: `"name" DESC`,
    limit: 0,
    offset: -1,
    select: `"id" AS "t"`,
  };
  const variants = new StatementVariants(listMark(0), [list]);
  assert.deepEqual(variants.of([null]), {
    text: `SELECT "id" AS "t" FROM "character" ORDER BY "name" DESC`,
    params: [],
  });
  assert.deepEqual(variants.of([3]), {
    text: `SELECT "id" AS "t" FROM "character" ORDER BY "name" DESC LIMIT $1`,
    params: [0],
  });
});

Deno.test("clauses past the first few are written whatever the input, so a region has at most 64 texts", () => {
  // Two lists of four filters each: the first six filters are optional, the last two always
  // written (absent, they are bound to NULL and filter nothing).
  const lists: ListClauses[] = [0, 1].map((l) => ({
    table: `"t${l}"`,
    filters: [0, 1, 2, 3].map((f) => ({ column: `"c${f}"`, param: l * 4 + f })),
    order: `"id"`,
    limit: -1,
    offset: -1,
    select: null,
  }));
  const variants = new StatementVariants(
    `SELECT 1 FROM ${listMark(0)} AS "a", ${listMark(1)} AS "b"`,
    lists,
  );
  assert.equal(MAX_OPTIONAL_CLAUSES, 6);
  const absent = variants.of(new Array(8).fill(null));
  assert.deepEqual(absent, {
    text: `SELECT 1 FROM "t0" AS "a", (SELECT * FROM "t1" WHERE ` +
      `("c2" = ANY($1) OR $1 IS NULL) AND ("c3" = ANY($2) OR $2 IS NULL)) AS "b"`,
    params: [6, 7],
  });
  const texts = new Set<string>();
  for (let mask = 0; mask < 256; mask++) {
    const values = Array.from({ length: 8 }, (_, p) => (mask & (1 << p)) === 0 ? null : [p]);
    const variant = variants.of(values);
    texts.add(variant.text);
    // Every parameter the text writes is bound, in order.
    const written = [...variant.text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
    assert.equal(Math.max(0, ...written), variant.params.length);
  }
  assert.equal(texts.size, 64);
});
