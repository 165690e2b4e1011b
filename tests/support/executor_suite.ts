/**
 * One suite of engine behaviours that every executor must pass with the same results: the
 * AsyncExecutor runs it in tests/engine_test.ts, the WorkerPoolExecutor in
 * tests/worker_pool_test.ts. Queries run against tests/support/star_trek.ts.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  denormalize,
  type Engine,
  LoaderError,
  LoaderShapeError,
  QueryValidationError,
  read,
} from "../../mod.ts";
import { DB, graph } from "./star_trek.ts";

/** How a suite run gets an engine for one test, and releases it. */
export interface ExecutorHarness {
  /** Shown in test names, e.g. "AsyncExecutor". */
  readonly name: string;
  /** Creates an engine whose executor can load the Star Trek graph. */
  open(): Promise<{ readonly engine: Engine; close(): Promise<void> }>;
  /** Cases to skip, each with the reason. */
  readonly skip?: { readonly [testName: string]: string };
}

const CONTEXT = { db: DB };

async function run(engine: Engine, query: string, variables?: { [name: string]: unknown }) {
  const result = await engine.execute(
    graph,
    read(query, { variables: variables ?? null }),
    CONTEXT,
  );
  return denormalize(graph, result);
}

const KIRK_ACTORS = [{ name: "William Shatner" }, { name: "Chris Pine" }];
const SPOCK_ACTORS = [{ name: "Leonard Nimoy" }, { name: "Zachary Quinto" }];
const MCCOY_ACTORS = [{ name: "DeForest Kelley" }, { name: "Karl Urban" }];

/** Cases: each gets a fresh engine from the harness. */
const CASES: { readonly [name: string]: (engine: Engine) => Promise<void> } = {
  "loads the seed's characters with their actors": async (engine) => {
    assert.deepEqual(await run(engine, "{ characters { name actors { name } } }"), {
      characters: [
        { name: "James T. Kirk", actors: KIRK_ACTORS },
        { name: "Spock", actors: SPOCK_ACTORS },
        { name: "Leonard McCoy", actors: MCCOY_ACTORS },
      ],
    });
  },

  "loads the seed's actors with their characters": async (engine) => {
    assert.deepEqual(await run(engine, "{ actors { name character { name } } }"), {
      actors: [
        { name: "William Shatner", character: { name: "James T. Kirk" } },
        { name: "Leonard Nimoy", character: { name: "Spock" } },
        { name: "DeForest Kelley", character: { name: "Leonard McCoy" } },
        { name: "Chris Pine", character: { name: "James T. Kirk" } },
        { name: "Zachary Quinto", character: { name: "Spock" } },
        { name: "Karl Urban", character: { name: "Leonard McCoy" } },
      ],
    });
  },

  "loads root fields sharing a loader": async (engine) => {
    assert.deepEqual(await run(engine, "{ version count }"), { version: "1.0", count: 3 });
  },

  "respects aliases of fields and links": async (engine) => {
    assert.deepEqual(
      await run(
        engine,
        `{ crew: characters { who: name cast: actors(limit: 1) { name } all: actors { id } } }`,
      ),
      {
        crew: [
          {
            who: "James T. Kirk",
            cast: [{ name: "William Shatner" }],
            all: [{ id: 1 }, { id: 4 }],
          },
          { who: "Spock", cast: [{ name: "Leonard Nimoy" }], all: [{ id: 2 }, { id: 5 }] },
          {
            who: "Leonard McCoy",
            cast: [{ name: "DeForest Kelley" }],
            all: [{ id: 3 }, { id: 6 }],
          },
        ],
      },
    );
  },

  "passes link options with declared defaults applied": async (engine) => {
    assert.deepEqual(await run(engine, `{ characters(species: "Human") { name } }`), {
      characters: [{ name: "James T. Kirk" }, { name: "Leonard McCoy" }],
    });
  },

  "passes field options to the loader on each query field": async (engine) => {
    assert.deepEqual(
      await run(
        engine,
        `{ character(id: 2) { greeting hi: greeting(greeting: "Live long", punctuation: ".") } }`,
      ),
      { character: { greeting: "Hello, Spock!", hi: "Live long, Spock." } },
    );
  },

  "gives null for an optional link whose loader returns Nothing": async (engine) => {
    assert.deepEqual(await run(engine, "{ character(id: 7) { name } }"), { character: null });
    assert.deepEqual(await run(engine, "{ characters { name mentor { name } } }"), {
      characters: [
        { name: "James T. Kirk", mentor: null },
        { name: "Spock", mentor: { name: "James T. Kirk" } },
        { name: "Leonard McCoy", mentor: { name: "James T. Kirk" } },
      ],
    });
  },

  "passes records to a link that requires several fields": async (engine) => {
    assert.deepEqual(await run(engine, "{ characters { name sameSpecies { name } } }"), {
      characters: [
        { name: "James T. Kirk", sameSpecies: [null, { name: "Leonard McCoy" }] },
        { name: "Spock", sameSpecies: [null, null] },
        { name: "Leonard McCoy", sameSpecies: [{ name: "James T. Kirk" }, null] },
      ],
    });
  },

  "gives a whole record without a selection and projects one with": async (engine) => {
    assert.deepEqual(
      await run(engine, "{ character(id: 3) { bio appearances { title } b: bio { ship } } }"),
      {
        character: {
          bio: { born: 2227, ship: null },
          appearances: [{ title: "The Man Trap" }, { title: "Shore Leave" }],
          b: { ship: null },
        },
      },
    );
  },

  "fills __typename, also under aliases and in fragments": async (engine) => {
    assert.deepEqual(
      await run(
        engine,
        `{ __typename character(id: 1) { t: __typename ... on Character { __typename name } } }`,
      ),
      {
        __typename: "Query",
        character: { t: "Character", __typename: "Character", name: "James T. Kirk" },
      },
    );
  },

  "merges fragments into the selection as the spec says": async (engine) => {
    assert.deepEqual(
      await run(
        engine,
        `query { character(id: 1) { ...Names actors { id } } }
         fragment Names on Character { name actors { name } }`,
      ),
      {
        character: {
          actors: [{ id: 1, name: "William Shatner" }, { id: 4, name: "Chris Pine" }],
          name: "James T. Kirk",
        },
      },
    );
  },

  "gives empty lists and loads nothing below when no ids reach a node": async (engine) => {
    assert.deepEqual(
      await run(engine, `{ characters(species: "Klingon") { name actors { name } } }`),
      {
        characters: [],
      },
    );
  },

  "rejects an invalid query with every problem before loading": async (engine) => {
    await assert.rejects(
      () => engine.execute(graph, read("{ characters { nam actors(limt: 1) { name } } }"), CONTEXT),
      (error: unknown) => {
        assert.ok(error instanceof QueryValidationError);
        assert.equal(error.errors.length, 2);
        return true;
      },
    );
  },

  "names node and field when a loader throws": async (engine) => {
    await assert.rejects(
      () => engine.execute(graph, read("{ faulty { ok boom } }"), CONTEXT),
      (error: unknown) => {
        assert.ok(error instanceof LoaderError);
        assert.equal(
          error.message,
          "Loader of fields Faulty.ok, Faulty.boom failed: warp core breach",
        );
        assert.equal(error.node, "Faulty");
        assert.deepEqual(error.fields, ["ok", "boom"]);
        return true;
      },
    );
  },

  "reports a field loader returning too few rows": async (engine) => {
    await assert.rejects(
      () => engine.execute(graph, read("{ faulty { short } }"), CONTEXT),
      (error: unknown) => {
        assert.ok(error instanceof LoaderShapeError);
        assert.equal(
          error.message,
          "Loader of field Faulty.short returned a wrong shape: " +
            "expected array (length 2) of arrays (length 1), got array (length 1) [[1]]",
        );
        return true;
      },
    );
  },

  "reports a field loader returning rows of the wrong width": async (engine) => {
    await assert.rejects(
      () => engine.execute(graph, read("{ faulty { narrow } }"), CONTEXT),
      (error: unknown) => {
        assert.ok(error instanceof LoaderShapeError);
        assert.equal(
          error.message,
          "Loader of field Faulty.narrow returned a wrong shape: " +
            "expected array (length 2) of arrays (length 1), got array (length 0) [] at [0]",
        );
        return true;
      },
    );
  },

  "reports Nothing returned for a required link": async (engine) => {
    await assert.rejects(
      () => engine.execute(graph, read("{ faulty { none { name } } }"), CONTEXT),
      (error: unknown) => {
        assert.ok(error instanceof LoaderShapeError);
        assert.equal(
          error.message,
          "Loader of link Faulty.none returned a wrong shape: " +
            "expected an id (the link is not Optional, so Nothing is not allowed), got Nothing at [0]",
        );
        return true;
      },
    );
  },

  "reports a non-array returned for a sequence link": async (engine) => {
    await assert.rejects(
      () => engine.execute(graph, read("{ faulty { scalar { name } } }"), CONTEXT),
      (error: unknown) => {
        assert.ok(error instanceof LoaderShapeError);
        assert.equal(
          error.message,
          "Loader of link Faulty.scalar returned a wrong shape: " +
            "expected array (length 2) of arrays of ids, got number 1 at [0]",
        );
        return true;
      },
    );
  },

  "reports objects returned where ids are expected": async (engine) => {
    await assert.rejects(
      () => engine.execute(graph, read("{ faulty { objects { name } } }"), CONTEXT),
      (error: unknown) => {
        assert.ok(error instanceof LoaderShapeError);
        assert.equal(
          error.message,
          "Loader of link Faulty.objects returned a wrong shape: " +
            "expected ids (string, number, bigint or boolean), got object { id: true } at [0]",
        );
        return true;
      },
    );
  },
};

/**
 * Registers the suite's cases as Deno tests for one executor.
 *
 * @param harness How to get an engine for the executor under test.
 */
export function executorSuite(harness: ExecutorHarness): void {
  for (const [name, body] of Object.entries(CASES)) {
    const reason = harness.skip?.[name];
    Deno.test({
      name: `${harness.name}: ${name}${reason ? ` (skipped: ${reason})` : ""}`,
      ignore: reason !== undefined,
      async fn() {
        const { engine, close } = await harness.open();
        try {
          await body(engine);
        } finally {
          await close();
        }
      },
    });
  }
}
