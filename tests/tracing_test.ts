/**
 * OpenTelemetry tracing through `@opentelemetry/api`, seen by the SDK's in-memory exporter: a
 * span per request (`Schema.execute`, the HTTP handler), per phase, per query path and per load,
 * load spans linked to every query path they served, with their attributes and errors; loaders
 * run inside their load's span; with no tracer provider registered, nothing is made.
 *
 * @module
 */

import assert from "node:assert/strict";
import { context, type SpanContext, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  AsyncExecutor,
  Engine,
  Field,
  Graph,
  graphqlHandler,
  Int,
  Link,
  Node,
  type QueryField,
  read,
  Root,
  Schema,
  Sequence,
  Str,
  TypeRef,
} from "../mod.ts";
import { FUSE, type FusedLoader, type Fuser } from "../src/definitions/fusion.ts";

const CHARACTERS = new Map([[1, "James T. Kirk"], [2, "Spock"], [3, "Leonard McCoy"]]);
const ACTORS = new Map([
  [1, { name: "William Shatner", character: 1 }],
  [2, { name: "Leonard Nimoy", character: 2 }],
  [3, { name: "DeForest Kelley", character: 3 }],
  [4, { name: "Chris Pine", character: 1 }],
]);

/** The seed graph; `seen` gets the span context active in each loader call. */
function seedGraph(seen: (SpanContext | undefined)[] = [], failActors = false): Graph {
  function characterFields(fields: QueryField[], ids: number[]) {
    seen.push(trace.getActiveSpan()?.spanContext());
    return ids.map((id) => fields.map((f) => f.name === "id" ? id : CHARACTERS.get(id)));
  }
  return Graph([
    Node("Character", [
      Field("name", Str, characterFields),
      Link(
        "actors",
        Sequence(TypeRef("Actor")),
        async function actorsOf(ids: number[]) {
          seen.push(trace.getActiveSpan()?.spanContext());
          await Promise.resolve();
          if (failActors) throw new Error("actors are on strike");
          return ids.map((id) =>
            [...ACTORS].filter(([, a]) => a.character === id).map(([actor]) => actor)
          );
        },
        { requires: "id" },
      ),
      Field("id", Int, characterFields),
    ]),
    Node("Actor", [
      Field("name", Str, function actorNames(_fields: QueryField[], ids: number[]) {
        return ids.map((id) => [ACTORS.get(id)!.name]);
      }),
    ]),
    Root([
      Link("characters", Sequence(TypeRef("Character")), function allCharacters() {
        seen.push(trace.getActiveSpan()?.spanContext());
        return [1, 2, 3];
      }, { requires: null }),
    ]),
  ]);
}

function tracing(): { provider: BasicTracerProvider; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { provider, exporter };
}

const idOf = (span: ReadableSpan): string => span.spanContext().spanId;
const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

function named(spans: readonly ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((s) => s.name === name);
}

function byId(spans: readonly ReadableSpan[]): Map<string, ReadableSpan> {
  return new Map(spans.map((s) => [idOf(s), s]));
}

const SEED = "{ characters { name actors { name } } }";

Deno.test("a Schema request is a span with its phases, a span per query path and per load", async () => {
  const { provider, exporter } = tracing();
  const schema = new Schema({
    query: seedGraph(),
    executor: new AsyncExecutor(),
    tracing: provider,
  });
  const response = await schema.execute({ query: SEED });
  assert.equal(response.errors, undefined);
  const spans = exporter.getFinishedSpans();
  const ids = byId(spans);

  const [request] = named(spans, "graphql.request");
  assert.ok(request);
  assert.equal(parentOf(request), undefined);
  assert.equal(request.attributes["graphql.operation.type"], "query");
  assert.equal(request.attributes["hiku.result"], "ok");
  const phases = spans.filter((s) => parentOf(s) === idOf(request)).map((s) => s.name);
  assert.deepEqual(phases, [
    "graphql.parse",
    "graphql.validate",
    "graphql.plan",
    "graphql.execute",
    "graphql.serialize",
  ]);
  const [execute] = named(spans, "graphql.execute");

  // Query paths: a tree under the execute phase.
  const paths = named(spans, "hiku.path");
  assert.deepEqual(
    paths.map((p) => [
      p.attributes["hiku.path"],
      p.attributes["hiku.node"],
      p.attributes["hiku.ids"],
      ids.get(parentOf(p)!)!.name === "graphql.execute"
        ? "(execute)"
        : ids.get(parentOf(p)!)!.attributes["hiku.path"],
    ]),
    [
      ["", "(root)", 1, "(execute)"],
      ["characters", "Character", 3, ""],
      ["characters.actors", "Actor", 4, "characters"],
    ],
  );
  assert.equal(parentOf(paths[0]!), idOf(execute!));

  // One span per loader call, under its path and linked to it.
  const loads = named(spans, "hiku.load").sort((a, b) =>
    a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]
  );
  assert.deepEqual(
    loads.map((l) => [
      l.attributes["hiku.load.kind"],
      l.attributes["hiku.node"],
      l.attributes["hiku.path"],
      l.attributes["hiku.loader"],
      l.attributes["hiku.members"],
      l.attributes["hiku.ids"],
      l.attributes["hiku.rows"],
    ]),
    [
      ["link", "(root)", "", "allCharacters", ["characters"], 0, 3],
      ["fields", "Character", "characters", "characterFields", ["name", "id"], 3, 3],
      ["link", "Character", "characters", "actorsOf", ["actors"], 3, 4],
      ["fields", "Actor", "characters.actors", "actorNames", ["name"], 4, 4],
    ],
  );
  for (const load of loads) {
    const parent = ids.get(parentOf(load)!)!;
    assert.equal(parent.name, "hiku.path");
    assert.equal(parent.attributes["hiku.path"], load.attributes["hiku.path"]);
    assert.deepEqual(load.links.map((l) => l.context.spanId), [idOf(parent)]);
    assert.equal(load.status.code, SpanStatusCode.UNSET);
    assert.equal(load.attributes["db.query.text"], undefined);
  }
  // Everything in one trace.
  assert.equal(new Set(spans.map((s) => s.spanContext().traceId)).size, 1);
});

Deno.test("a failing loader's span records the exception and an error status", async () => {
  const { provider, exporter } = tracing();
  const schema = new Schema({
    query: seedGraph([], true),
    executor: new AsyncExecutor(),
    tracing: provider,
  });
  const response = await schema.execute({ query: SEED });
  assert.equal(response.errors?.[0]?.message, "actors are on strike");
  const spans = exporter.getFinishedSpans();
  const failed = named(spans, "hiku.load").filter((s) => s.status.code === SpanStatusCode.ERROR);
  assert.deepEqual(failed.map((s) => [s.attributes["hiku.loader"], s.status.message]), [
    ["actorsOf", "actors are on strike"],
  ]);
  assert.equal(failed[0]!.attributes["hiku.rows"], undefined);
  const [event] = failed[0]!.events;
  assert.equal(event!.name, "exception");
  assert.equal(event!.attributes!["exception.message"], "actors are on strike");
  // The error reached the root (the lists are not nullable): the request failed.
  const [request] = named(spans, "graphql.request");
  assert.equal(request!.attributes["hiku.result"], "failed");
  assert.equal(request!.status.code, SpanStatusCode.ERROR);
});

Deno.test("a tracer or span that throws never fails a request", async (t) => {
  // The API says they must not throw; an SDK's bug loses its spans, not the query.
  const real = new BasicTracerProvider();
  const failing = [
    "startSpan",
    "startSpan:hiku.load",
    "setAttribute",
    "end",
    "addLink",
    "isRecording",
    "setStatus",
    "spanContext",
  ];
  for (const where of failing) {
    await t.step(where, async () => {
      const provider = {
        getTracer(name: string, version?: string) {
          const tracer = real.getTracer(name, version);
          return {
            startSpan(spanName: string, options: unknown, parent: unknown) {
              if (where === "startSpan" || where === `startSpan:${spanName}`) {
                throw new Error(`no ${spanName}`);
              }
              const span = tracer.startSpan(spanName, options as never, parent as never);
              return new Proxy(span, {
                get(target, key) {
                  if (key === where) {
                    return () => {
                      throw new Error(`no ${String(key)}`);
                    };
                  }
                  const value = (target as unknown as { [key: string | symbol]: unknown })[key];
                  return typeof value === "function" ? value.bind(target) : value;
                },
              });
            },
          };
        },
      };
      const schema = new Schema({
        query: seedGraph(),
        executor: new AsyncExecutor(),
        tracing: provider,
      });
      const handler = graphqlHandler(schema, { tracing: provider });
      const response = await handler(
        new Request("http://localhost/graphql?query={characters{name}}"),
      );
      assert.equal(response.status, 200);
      assert.equal((await response.json()).errors, undefined);
    });
  }
});

Deno.test("an invalid request's span and its failing phase carry the error", async () => {
  const { provider, exporter } = tracing();
  const schema = new Schema({
    query: seedGraph(),
    executor: new AsyncExecutor(),
    tracing: provider,
  });
  await schema.execute({ query: "{ characters { rank } }" });
  const spans = exporter.getFinishedSpans();
  assert.deepEqual(spans.map((s) => [s.name, s.status.code]), [
    ["graphql.parse", SpanStatusCode.UNSET],
    ["graphql.validate", SpanStatusCode.ERROR],
    ["graphql.request", SpanStatusCode.ERROR],
  ]);
  assert.equal(spans[2]!.attributes["hiku.result"], "invalid");
});

// A fuser answering a whole region from memory, which says the statement it would send.
function fusableGraph(): Graph {
  const fuser: Fuser = {
    fuse(region) {
      const load: FusedLoader = Object.assign(() => ({
        row: (_node: number, _group: number, id: unknown) => [`name ${id}`],
        link: () => [1, 2],
        rowCount: 2,
      }), { statement: `SELECT ships FOR ${region.label}` });
      return load;
    },
  };
  const names = Object.assign(
    function names(_fields: readonly QueryField[], ids: readonly number[]) {
      return ids.map((id) => [`name ${id}`]);
    },
    { [FUSE]: { fuser, spec: null } },
  );
  const list = Object.assign(function list() {
    return [1, 2];
  }, { [FUSE]: { fuser, spec: null } });
  return Graph([
    Node("Ship", [Field("name", Str, names)]),
    Root([Link("ships", Sequence(TypeRef("Ship")), list, { requires: null })]),
  ]);
}

Deno.test("a fused load is one span with its statement, linked to every query path it served", async () => {
  const { provider, exporter } = tracing();
  const engine = new Engine(new AsyncExecutor(), { tracing: provider });
  await engine.execute(fusableGraph(), read("{ ships { name } }"));
  const spans = exporter.getFinishedSpans();
  const loads = named(spans, "hiku.load");
  assert.equal(loads.length, 1);
  const load = loads[0]!;
  assert.deepEqual(
    [
      load.attributes["hiku.load.kind"],
      load.attributes["hiku.loader"],
      load.attributes["hiku.region"],
      load.attributes["db.query.text"],
      load.attributes["hiku.members"],
      load.attributes["hiku.rows"],
    ],
    [
      "fused",
      "region ships > Ship",
      "ships > Ship",
      "SELECT ships FOR ships > Ship",
      ["Query.ships", "Ship.name"],
      2,
    ],
  );
  const paths = byId(named(spans, "hiku.path"));
  assert.deepEqual(
    load.links.map((l) => [paths.get(l.context.spanId)?.attributes["hiku.path"], l.attributes]),
    [
      ["", { "hiku.path": "", "hiku.node": "(root)" }],
      ["ships", { "hiku.path": "ships", "hiku.node": "Ship" }],
    ],
  );
  const [execute] = named(spans, "hiku.execute");
  assert.equal(parentOf(named(spans, "hiku.path")[0]!), idOf(execute!));
});

Deno.test("with a context manager, loaders run inside their load's span, and HTTP spans nest", async (t) => {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  try {
    await t.step("each loader sees its load's span as the active one", async () => {
      const { provider, exporter } = tracing();
      const seen: (SpanContext | undefined)[] = [];
      const engine = new Engine(new AsyncExecutor(), { tracing: provider });
      await engine.execute(seedGraph(seen), read(SEED));
      const loads = byId(named(exporter.getFinishedSpans(), "hiku.load"));
      assert.deepEqual(
        seen.map((s) => loads.get(s!.spanId)!.attributes["hiku.loader"]),
        ["allCharacters", "characterFields", "actorsOf"],
      );
    });

    await t.step("the handler's span holds its phases and the Schema's request", async () => {
      const { provider, exporter } = tracing();
      const schema = new Schema({
        query: seedGraph(),
        executor: new AsyncExecutor(),
        tracing: provider,
      });
      const handler = graphqlHandler(schema, { tracing: provider });
      const response = await handler(
        new Request(`http://localhost/graphql?query=${encodeURIComponent(SEED)}`),
      );
      assert.equal(response.status, 200);
      const spans = exporter.getFinishedSpans();
      const [http] = named(spans, "graphql.http");
      assert.equal(parentOf(http!), undefined);
      assert.equal(http!.attributes["http.response.status_code"], 200);
      assert.deepEqual(
        spans.filter((s) => parentOf(s) === idOf(http!)).map((s) => s.name),
        ["graphql.parse", "graphql.request", "graphql.serialize"],
      );
      // The schema found the text the handler parsed: its own parse is a cache hit.
      const [request] = named(spans, "graphql.request");
      const parse = spans.find((s) => s.name === "graphql.parse" && parentOf(s) === idOf(request!));
      assert.equal(parse!.attributes["hiku.cache_hit"], true);
    });
  } finally {
    context.disable();
  }
});

Deno.test("without a context manager, the handler still parents the Schema's request span", async () => {
  const { provider, exporter } = tracing();
  const schema = new Schema({
    query: seedGraph(),
    executor: new AsyncExecutor(),
    tracing: provider,
  });
  const handler = graphqlHandler(schema, { tracing: provider });
  await handler(new Request(`http://localhost/graphql?query=${encodeURIComponent(SEED)}`));
  const spans = exporter.getFinishedSpans();
  const [http] = named(spans, "graphql.http");
  const [request] = named(spans, "graphql.request");
  assert.equal(parentOf(request!), idOf(http!));
});

Deno.test("with no tracer provider registered, nothing is traced; a registered one is used", async () => {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  const seen: (SpanContext | undefined)[] = [];
  // The default: the global provider, which is the API's no-op one until an SDK registers one.
  const schema = new Schema({ query: seedGraph(seen), executor: new AsyncExecutor() });
  const { provider, exporter } = tracing();
  try {
    const response = await schema.execute({ query: SEED });
    assert.equal(response.errors, undefined);
    assert.deepEqual(seen, [undefined, undefined, undefined]);

    trace.setGlobalTracerProvider(provider);
    seen.length = 0;
    await schema.execute({ query: SEED });
    assert.equal(seen.filter((s) => s !== undefined).length, 3);
    assert.equal(named(exporter.getFinishedSpans(), "hiku.load").length, 4);
  } finally {
    trace.disable();
    context.disable();
  }
  // tracing: false never traces, even with a provider registered.
  trace.setGlobalTracerProvider(provider);
  try {
    exporter.reset();
    const off = new Schema({ query: seedGraph(), executor: new AsyncExecutor(), tracing: false });
    await off.execute({ query: SEED });
    assert.deepEqual(exporter.getFinishedSpans(), []);
  } finally {
    trace.disable();
  }
});
