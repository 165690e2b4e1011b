/**
 * Metrics: what loaders, GraphQL requests and the HTTP endpoint did, in the Prometheus text
 * format (0.0.4). The output is read back by a real parser (npm:parse-prometheus-text-format) and
 * checked line by line against the format's rules; the counters are compared with what counting
 * loaders saw.
 *
 * @module
 */

import assert from "node:assert/strict";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import {
  AsyncExecutor,
  Engine,
  Field,
  Graph,
  graphqlHandler,
  Int,
  Link,
  Metrics,
  Node,
  type QueryField,
  read,
  Root,
  Schema,
  Sequence,
  Str,
  TypeRef,
} from "../mod.ts";

interface Counts {
  calls: Map<string, number>;
  ids: Map<string, number>;
}

function counting(): Counts {
  return { calls: new Map(), ids: new Map() };
}

function count(counts: Counts, loader: string, ids: number): void {
  counts.calls.set(loader, (counts.calls.get(loader) ?? 0) + 1);
  counts.ids.set(loader, (counts.ids.get(loader) ?? 0) + ids);
}

const ACTORS_OF = new Map([[1, [1, 4]], [2, [2]], [3, [3]]]);

function seedGraph(counts: Counts, options: { failNames?: boolean; slow?: boolean } = {}): Graph {
  function characterFields(fields: QueryField[], ids: number[]) {
    count(counts, "characterFields", ids.length);
    return ids.map((id) => fields.map((f) => f.name === "id" ? id : `character ${id}`));
  }
  return Graph([
    Node("Character", [
      Field("id", Int, characterFields),
      Field("name", Str, characterFields),
      Link("actors", Sequence(TypeRef("Actor")), async function actorsOf(ids: number[]) {
        count(counts, "actorsOf", ids.length);
        if (options.slow) await new Promise((resolve) => setTimeout(resolve, 200));
        return ids.map((id) => ACTORS_OF.get(id) ?? []);
      }, { requires: "id" }),
    ]),
    Node("Actor", [
      Field("name", Str, function actorNames(_fields: QueryField[], ids: number[]) {
        count(counts, "actorNames", ids.length);
        if (options.failNames) throw new Error("no names today");
        return ids.map((id) => [`actor ${id}`]);
      }),
      Link("character", TypeRef("Character"), function characterOf(ids: number[]) {
        count(counts, "characterOf", ids.length);
        return ids.map((id) => (id === 4 ? 1 : id));
      }, { requires: "name" }),
    ]),
    Root([
      Link("characters", Sequence(TypeRef("Character")), function allCharacters() {
        count(counts, "allCharacters", 0);
        return [1, 2, 3];
      }, { requires: null }),
    ]),
  ]);
}

// A strict reading of the text format --------------------------------------------------------

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const LABEL_VALUE = String.raw`"(?:[^"\\\n]|\\[\\"n])*"`;
const LABELS =
  `\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=${LABEL_VALUE})(?:,[a-zA-Z_][a-zA-Z0-9_]*=${LABEL_VALUE})*\\}`;
const VALUE = String.raw`(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]Inf|NaN)`;
const SAMPLE = new RegExp(`^(${NAME})(${LABELS})? (${VALUE})$`);

interface Sample {
  readonly name: string;
  readonly labels: { readonly [name: string]: string };
  readonly value: number;
}

/** Every sample, checking each line against the format (HELP and TYPE before a family's samples). */
function strictSamples(text: string): Sample[] {
  assert.ok(text.endsWith("\n"), "the text ends with a line feed");
  const samples: Sample[] = [];
  const typed = new Map<string, string>();
  for (const line of text.slice(0, -1).split("\n")) {
    const help = line.match(new RegExp(`^# HELP (${NAME}) (.*)$`));
    if (help !== null) {
      assert.ok(!/\\[^\\n]/.test(help[2]!.replaceAll("\\\\", "")), `help escapes: ${line}`);
      continue;
    }
    const type = line.match(
      new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`),
    );
    if (type !== null) {
      assert.ok(!typed.has(type[1]!), `one TYPE line per metric: ${type[1]}`);
      typed.set(type[1]!, type[2]!);
      continue;
    }
    const sample = line.match(SAMPLE);
    assert.ok(sample !== null, `a sample line: ${JSON.stringify(line)}`);
    const name = sample[1]!;
    const family = typed.get(name) ??
      typed.get(name.replace(/_(bucket|sum|count)$/, ""));
    assert.ok(family !== undefined, `${name} comes after its TYPE line`);
    if (family === "counter") assert.match(name, /_total$/);
    const labels: { [name: string]: string } = {};
    for (
      const m of (sample[2] ?? "").matchAll(
        new RegExp(`([a-zA-Z_][a-zA-Z0-9_]*)=(${LABEL_VALUE})`, "g"),
      )
    ) {
      labels[m[1]!] = m[2]!.slice(1, -1).replace(/\\(.)/g, (_, c) => (c === "n" ? "\n" : c));
    }
    samples.push({ name, labels, value: Number(sample[3]!.replace("Inf", "Infinity")) });
  }
  return samples;
}

function value(
  samples: readonly Sample[],
  name: string,
  labels: { [name: string]: string },
): number {
  const found = samples.filter((s) =>
    s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v) &&
    Object.keys(s.labels).length === Object.keys(labels).length
  );
  assert.equal(found.length, 1, `one sample ${name} ${JSON.stringify(labels)}`);
  return found[0]!.value;
}

interface ParsedFamily {
  name: string;
  type: string;
  metrics: {
    value?: string;
    labels?: { [name: string]: string };
    buckets?: { [le: string]: string };
    count?: string;
    sum?: string;
  }[];
}

// Tests ----------------------------------------------------------------------------------------

const QUERY = "{ characters { name actors { name character { name } } } }";

Deno.test("loader counters equal what counting loaders saw, and the text parses", async () => {
  const counts = counting();
  const metrics = new Metrics();
  const schema = new Schema({ query: seedGraph(counts), executor: new AsyncExecutor(), metrics });
  for (let i = 0; i < 3; i++) {
    const response = await schema.execute({ query: QUERY });
    assert.equal(response.errors, undefined);
  }
  const text = metrics.text();
  const samples = strictSamples(text);
  const nodes: { [loader: string]: string } = {
    allCharacters: "(root)",
    characterFields: "Character",
    actorsOf: "Character",
    actorNames: "Actor",
    characterOf: "Actor",
  };
  // characterFields runs at two paths (characters, characters.actors.character).
  assert.deepEqual(counts.calls.get("characterFields"), 6);
  for (const [loader, calls] of counts.calls) {
    const kind = loader === "characterFields" || loader === "actorNames" ? "fields" : "link";
    const labels = { node: nodes[loader]!, loader, kind };
    assert.equal(value(samples, "hiku_loader_calls_total", labels), calls, loader);
    assert.equal(value(samples, "hiku_loader_ids_total", labels), counts.ids.get(loader), loader);
    assert.equal(value(samples, "hiku_loader_errors_total", labels), 0, loader);
    assert.equal(value(samples, "hiku_loader_duration_seconds_count", labels), calls, loader);
    assert.equal(value(samples, "hiku_loader_batch_ids_sum", labels), counts.ids.get(loader));
  }
  assert.equal(
    value(samples, "hiku_loader_rows_total", {
      node: "Character",
      loader: "actorsOf",
      kind: "link",
    }),
    4 * 3,
  );
  assert.equal(
    value(samples, "hiku_graphql_requests_total", { operation: "query", result: "ok" }),
    3,
  );
  assert.equal(value(samples, "hiku_document_cache_hits_total", {}), 2);
  assert.equal(value(samples, "hiku_document_cache_misses_total", {}), 1);
  assert.equal(value(samples, "hiku_execution_loads_count", {}), 3);
  assert.equal(value(samples, "hiku_execution_loads_sum", {}), 3 * 6);

  // A real parser reads the same values back; histogram buckets are cumulative up to +Inf.
  const families = parsePrometheusTextFormat(text) as ParsedFamily[];
  const calls = families.find((f) => f.name === "hiku_loader_calls_total")!;
  assert.equal(calls.type, "COUNTER");
  assert.deepEqual(
    calls.metrics.map((m) => [m.labels!.loader, Number(m.value)]).sort(),
    [...counts.calls].sort(),
  );
  // (This parser reads a histogram's buckets but not its labels: the labelled ones are checked
  // by the strict reading above, the one without labels here.)
  const loads = families.find((f) => f.name === "hiku_execution_loads")!;
  assert.equal(loads.type, "HISTOGRAM");
  assert.equal(loads.metrics.length, 1);
  const buckets = Object.entries(loads.metrics[0]!.buckets!).map(([le, n]) => [
    le === "+Inf" ? Infinity : Number(le),
    Number(n),
  ]);
  assert.deepEqual(buckets.at(-1), [Infinity, 3]);
  for (let b = 1; b < buckets.length; b++) assert.ok(buckets[b]![1]! >= buckets[b - 1]![1]!);
  for (const name of ["hiku_loader_duration_seconds", "hiku_loader_batch_ids"]) {
    const counts = samples.filter((s) => s.name === `${name}_count`);
    for (const c of counts) {
      const series = samples.filter((s) =>
        s.name === `${name}_bucket` && s.labels.loader === c.labels.loader &&
        s.labels.node === c.labels.node
      );
      assert.equal(series.at(-1)!.labels.le, "+Inf");
      assert.equal(series.at(-1)!.value, c.value);
      for (let b = 1; b < series.length; b++) assert.ok(series[b]!.value >= series[b - 1]!.value);
    }
  }
});

Deno.test("a failing loader is counted as an error", async () => {
  const counts = counting();
  const metrics = new Metrics();
  const engine = new Engine(new AsyncExecutor(), { metrics });
  await assert.rejects(
    engine.execute(
      seedGraph(counts, { failNames: true }),
      read("{ characters { actors { name } } }"),
    ),
    { name: "LoaderError" },
  );
  const samples = strictSamples(metrics.text());
  const labels = { node: "Actor", loader: "actorNames", kind: "fields" };
  assert.equal(value(samples, "hiku_loader_calls_total", labels), 1);
  assert.equal(value(samples, "hiku_loader_errors_total", labels), 1);
});

Deno.test("label values are escaped; help texts too", () => {
  const metrics = new Metrics();
  const odd = Object.defineProperty(
    (_fields: QueryField[]) => ["x"],
    "name",
    { value: 'a "quoted" \\ back\nslash' },
  );
  const graph = Graph([Root([Field("x", Str, odd)])]);
  return new Engine(new AsyncExecutor(), { metrics }).execute(graph, read("{ x }")).then(() => {
    const text = metrics.text();
    assert.ok(text.includes('loader="a \\"quoted\\" \\\\ back\\nslash"'));
    const samples = strictSamples(text);
    assert.equal(
      value(samples, "hiku_loader_calls_total", {
        node: "(root)",
        loader: 'a "quoted" \\ back\nslash',
        kind: "fields",
      }),
      1,
    );
    const families = parsePrometheusTextFormat(text) as ParsedFamily[];
    const calls = families.find((f) => f.name === "hiku_loader_calls_total")!;
    assert.equal(calls.metrics[0]!.labels!.loader, 'a "quoted" \\ back\nslash');
  });
});

Deno.test("label sets past maxSeries are counted as (other)", async () => {
  const metrics = new Metrics({ maxSeries: 2 });
  const engine = new Engine(new AsyncExecutor(), { metrics });
  const counts = counting();
  await engine.execute(seedGraph(counts), read(QUERY));
  const samples = strictSamples(metrics.text());
  const calls = samples.filter((s) => s.name === "hiku_loader_calls_total");
  assert.equal(calls.length, 3);
  const other = value(samples, "hiku_loader_calls_total", {
    node: "(other)",
    loader: "(other)",
    kind: "(other)",
  });
  assert.equal(calls.reduce((n, s) => n + s.value, 0), 6);
  const kept = calls.filter((s) => s.labels.node !== "(other)");
  assert.equal(kept.length, 2);
  assert.equal(other, 6 - kept[0]!.value - kept[1]!.value);
});

Deno.test("the HTTP endpoint counts statuses, cache hits once per request, and each limit's refusals", async () => {
  const counts = counting();
  const metrics = new Metrics();
  const schema = new Schema({ query: seedGraph(counts), executor: new AsyncExecutor(), metrics });
  const handler = graphqlHandler(schema, {
    metrics,
    maxDepth: 4,
    maxAliases: 1,
    maxQueryLength: 200,
    maxTokens: 20,
    maxBodySize: 300,
    maxCost: 500,
    logger() {},
  });
  const get = (query: string) =>
    handler(new Request(`http://localhost/graphql?query=${encodeURIComponent(query)}`));
  const post = (body: string) =>
    handler(
      new Request("http://localhost/graphql", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      }),
    );
  const statuses = [
    (await get("{ characters { name } }")).status,
    (await get("{ characters { name } }")).status,
    (await get("{ characters { actors { character { actors { name } } } } }")).status, // depth
    (await get("{ a: characters { name } b: characters { name } }")).status, // aliases
    (await get(`{ characters { name ${" ".repeat(200)} } }`)).status, // query length
    (await get(`{ characters { ${"name ".repeat(25)} } }`)).status, // tokens
    (await post(JSON.stringify({ query: `{ characters { name } } #${"x".repeat(300)}` }))).status,
    (await get("{ characters { actors { character { name } } } }")).status, // cost
  ];
  assert.deepEqual(statuses, [200, 200, 422, 422, 414, 400, 413, 422]);
  const samples = strictSamples(metrics.text());
  assert.equal(value(samples, "hiku_http_requests_total", { status: "200" }), 2);
  assert.equal(value(samples, "hiku_http_requests_total", { status: "422" }), 3);
  assert.equal(value(samples, "hiku_http_requests_total", { status: "413" }), 1);
  assert.equal(value(samples, "hiku_http_requests_total", { status: "414" }), 1);
  assert.equal(value(samples, "hiku_http_requests_total", { status: "400" }), 1);
  assert.equal(value(samples, "hiku_http_request_duration_seconds_count", {}), 8);
  for (const limit of ["depth", "aliases", "query_length", "tokens", "body_size", "cost"]) {
    assert.equal(value(samples, "hiku_http_refusals_total", { limit }), 1, limit);
  }
  // Texts the endpoint parsed: each counted once, though the schema looks it up again.
  assert.equal(value(samples, "hiku_document_cache_misses_total", {}), 5);
  assert.equal(value(samples, "hiku_document_cache_hits_total", {}), 1);
});

Deno.test("a request past the time limit is counted as a timeout refusal and a 504", async () => {
  const metrics = new Metrics();
  const schema = new Schema({
    query: seedGraph(counting(), { slow: true }),
    executor: new AsyncExecutor(),
    metrics,
  });
  const handler = graphqlHandler(schema, { metrics, timeout: 20, logger() {} });
  const response = await handler(
    new Request(`http://localhost/graphql?query=${encodeURIComponent(QUERY)}`),
  );
  await response.body?.cancel();
  assert.equal(response.status, 504);
  await new Promise((resolve) => setTimeout(resolve, 250));
  const samples = strictSamples(metrics.text());
  assert.equal(value(samples, "hiku_http_refusals_total", { limit: "timeout" }), 1);
  assert.equal(value(samples, "hiku_http_requests_total", { status: "504" }), 1);
});

Deno.test("metrics.handler serves the text format", async () => {
  const metrics = new Metrics({ prefix: "app_" });
  const response = metrics.handler(new Request("http://localhost/metrics"));
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const text = await response.text();
  assert.ok(text.startsWith("# HELP app_loader_calls_total "));
  strictSamples(text);
  assert.throws(() => new Metrics({ timeBuckets: [1, 0.5] }), RangeError);
  assert.throws(() => new Metrics({ prefix: "1bad" }), RangeError);
});
