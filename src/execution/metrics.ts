/**
 * Metrics in the Prometheus text format (version 0.0.4): what loaders, GraphQL requests and the
 * HTTP endpoint did, counted in a {@linkcode Metrics} that `Engine`, `Schema` and
 * `graphqlHandler` are given, and served by its {@linkcode Metrics.handler} wherever the
 * application mounts it.
 *
 * Labels hold only values from bounded sets: node and loader names come from the graph, never
 * from clients; operation types, results, status codes and limit names are fixed lists. Query
 * paths (they hold clients' aliases), operation names and query texts are never labels. Each
 * metric keeps at most `maxSeries` label sets; past that, new ones are counted in one more, whose
 * labels are all `(other)`.
 *
 * @module
 */

import type { LoadRecord, RunListener } from "./explain.ts";

/** Options of {@linkcode Metrics}. */
export interface MetricsOptions {
  /** What every metric's name starts with. Default `"hiku_"`. */
  readonly prefix?: string;
  /**
   * The upper bounds of the time histograms' buckets, in seconds. Default 0.0005, 0.001, 0.0025,
   * 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10.
   */
  readonly timeBuckets?: readonly number[];
  /**
   * The upper bounds of the buckets of ids per load. Default 1, 5, 10, 50, 100, 500, 1,000,
   * 5,000, 10,000, 50,000, 100,000.
   */
  readonly idsBuckets?: readonly number[];
  /**
   * The most label sets one metric keeps; past them, new ones are counted in one more, whose
   * labels are all `(other)`. Default 1,000.
   */
  readonly maxSeries?: number;
}

const DEFAULT_TIME_BUCKETS: readonly number[] = Object.freeze([
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
]);
const DEFAULT_IDS_BUCKETS: readonly number[] = Object.freeze([
  1,
  5,
  10,
  50,
  100,
  500,
  1_000,
  5_000,
  10_000,
  50_000,
  100_000,
]);
const DEFAULT_LOADS_BUCKETS: readonly number[] = Object.freeze([1, 2, 4, 8, 16, 32, 64, 128]);
const OTHER = "(other)";

/** One label set of a metric: a counter's value, or a histogram's buckets, sum and count. */
interface Series {
  readonly labels: readonly string[];
  value: number;
  /** Per bucket, the observations that fell in it (not cumulative); `null` for counters. */
  readonly buckets: Float64Array | null;
  sum: number;
}

/** A metric and its label sets. */
class Family {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "histogram";
  readonly labelNames: readonly string[];
  readonly bounds: readonly number[] | null;
  readonly #series = new Map<string, Series>();
  readonly #max: number;

  constructor(
    name: string,
    help: string,
    type: "counter" | "histogram",
    labelNames: readonly string[],
    bounds: readonly number[] | null,
    max: number,
  ) {
    this.name = name;
    this.help = help;
    this.type = type;
    this.labelNames = labelNames;
    this.bounds = bounds;
    this.#max = max;
  }

  get series(): IterableIterator<Series> {
    return this.#series.values();
  }

  /** The series of a label set (made on first use). */
  get(labels: readonly string[]): Series {
    const key = labels.length === 0 ? "" : labels.length === 1 ? labels[0]! : labels.join("\0");
    let series = this.#series.get(key);
    if (series !== undefined) return series;
    if (this.#series.size >= this.#max) {
      const other = this.labelNames.map(() => OTHER);
      const otherKey = other.join("\0");
      series = this.#series.get(otherKey);
      if (series !== undefined) return series;
      labels = other;
    }
    series = {
      labels: [...labels],
      value: 0,
      buckets: this.bounds === null ? null : new Float64Array(this.bounds.length + 1),
      sum: 0,
    };
    this.#series.set(labels.join("\0"), series);
    return series;
  }

  /** Adds to a counter. */
  add(labels: readonly string[], by: number): void {
    this.get(labels).value += by;
  }

  /** Observes a value in a histogram. */
  observe(labels: readonly string[], value: number): void {
    observe(this.get(labels), this.bounds!, value);
  }

  /** The family in the text format. */
  write(): string {
    let out = `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
    for (const series of this.#series.values()) {
      const labels = this.labelNames.map((name, i) =>
        `${name}="${escapeLabel(series.labels[i]!)}"`
      );
      if (series.buckets === null) {
        out += `${this.name}${braces(labels)} ${formatNumber(series.value)}\n`;
        continue;
      }
      const bounds = this.bounds!;
      let cumulative = 0;
      for (let b = 0; b <= bounds.length; b++) {
        cumulative += series.buckets[b]!;
        const le = b < bounds.length ? formatNumber(bounds[b]!) : "+Inf";
        out += `${this.name}_bucket${braces([...labels, `le="${le}"`])} ${cumulative}\n`;
      }
      out += `${this.name}_sum${braces(labels)} ${formatNumber(series.sum)}\n`;
      out += `${this.name}_count${braces(labels)} ${series.value}\n`;
    }
    return out;
  }
}

function observe(series: Series, bounds: readonly number[], value: number): void {
  let b = 0;
  while (b < bounds.length && value > bounds[b]!) b++;
  series.buckets![b]!++;
  series.sum += value;
  series.value++;
}

function braces(labels: readonly string[]): string {
  return labels.length === 0 ? "" : `{${labels.join(",")}}`;
}

/** A label value as the text format writes it: `\`, `"` and line feeds escaped. */
function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

/** A help text as the text format writes it: `\` and line feeds escaped. */
function escapeHelp(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

function formatNumber(value: number): string {
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return Number.isNaN(value) ? "NaN" : String(value);
}

/** What a GraphQL request came to, as the `result` label says. */
export type RequestResult = "ok" | "partial" | "failed" | "invalid";

/** A limit of the HTTP endpoint that refused a request, as the `limit` label says. */
export type RefusedLimit =
  | "query_length"
  | "tokens"
  | "depth"
  | "aliases"
  | "root_fields"
  | "body_size"
  | "batch_size"
  | "body_timeout"
  | "cost"
  | "ids"
  | "timeout"
  | "cancelled";

/** The families a {@linkcode Metrics} keeps (internal: the engine, schema and endpoint add). */
export interface MetricFamilies {
  readonly loaderCalls: Family;
  readonly loaderErrors: Family;
  readonly loaderIds: Family;
  readonly loaderRows: Family;
  readonly loaderSeconds: Family;
  readonly loaderBatch: Family;
  readonly executionLoads: Family;
  readonly requests: Family;
  readonly requestSeconds: Family;
  readonly cacheHits: Family;
  readonly cacheMisses: Family;
  readonly httpRequests: Family;
  readonly httpSeconds: Family;
  readonly httpRefusals: Family;
}

let familiesOf: (metrics: Metrics) => MetricFamilies;

/**
 * The families of a {@linkcode Metrics} (internal: for the engine, the schema and the HTTP
 * endpoint, which count into them).
 *
 * @param metrics The metrics.
 * @returns Its families.
 */
export function metricFamilies(metrics: Metrics): MetricFamilies {
  return familiesOf(metrics);
}

/** The content type of the text format. */
const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * Counts what loaders, GraphQL requests and the HTTP endpoint did, and writes it in the
 * Prometheus text format (version 0.0.4). Give one to the engine or schema (`metrics` option)
 * and to `graphqlHandler`, and serve {@linkcode handler} where Prometheus scrapes.
 *
 * Metrics (names start with the `prefix`, default `hiku_`):
 *
 * | name | type | labels | what |
 * | ---- | ---- | ------ | ---- |
 * | `loader_calls_total` | counter | node, loader, kind | loads made (loader calls, fused loads) |
 * | `loader_errors_total` | counter | node, loader, kind | loads that threw or rejected |
 * | `loader_ids_total` | counter | node, loader, kind | ids given to them |
 * | `loader_rows_total` | counter | node, loader, kind | rows (or ids, for links) returned |
 * | `loader_duration_seconds` | histogram | node, loader, kind | time from call to result |
 * | `loader_batch_ids` | histogram | node, loader, kind | ids per load |
 * | `execution_loads` | histogram | | loads per execution (an N+1 shows as a rising count) |
 * | `graphql_requests_total` | counter | operation, result | GraphQL requests by type and result |
 * | `graphql_request_duration_seconds` | histogram | operation | time `Schema.execute` took |
 * | `document_cache_hits_total` | counter | | query texts found in the schema's cache |
 * | `document_cache_misses_total` | counter | | query texts parsed |
 * | `http_requests_total` | counter | status | HTTP requests by status code |
 * | `http_request_duration_seconds` | histogram | | time to the response |
 * | `http_refusals_total` | counter | limit | requests a limit refused (see {@linkcode RefusedLimit}) |
 *
 * `node` is `(root)` for the root; `kind` is `fields`, `link` or `fused` (then `loader` is
 * `region <label>`); `operation` is `query`, `mutation` or `unknown`; `result` is `ok`, `partial`
 * (data and errors), `failed` (errors, data `null`) or `invalid` (errors, no data).
 *
 * @example Counting loads and serving them
 * ```ts
 * import assert from "node:assert/strict";
 * import { AsyncExecutor, Field, Graph, Metrics, Root, Schema, Str } from "../../mod.ts";
 *
 * const graph = Graph([Root([Field("hello", Str, function hello(fields) {
 *   return fields.map(() => "world");
 * })])]);
 * const metrics = new Metrics();
 * const schema = new Schema({ query: graph, executor: new AsyncExecutor(), metrics });
 * await schema.execute({ query: "{ hello }" });
 *
 * const response = metrics.handler();
 * assert.equal(response.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
 * const text = await response.text();
 * assert.ok(text.includes('hiku_loader_calls_total{node="(root)",loader="hello",kind="fields"} 1'));
 * ```
 */
export class Metrics {
  readonly #families: MetricFamilies;
  readonly #all: readonly Family[];

  static {
    familiesOf = (metrics) => metrics.#families;
  }

  /**
   * Creates empty metrics.
   *
   * @param options The names' prefix, the buckets, the most label sets per metric.
   * @throws {RangeError} When the prefix is not a valid metric name start, buckets are not
   *   increasing finite numbers, or `maxSeries` is below 1.
   */
  constructor(options: MetricsOptions = {}) {
    const prefix = options.prefix ?? "hiku_";
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix) && prefix !== "") {
      throw new RangeError(`Metrics prefix "${prefix}" is not the start of a valid metric name`);
    }
    const time = checkBuckets(options.timeBuckets ?? DEFAULT_TIME_BUCKETS, "timeBuckets");
    const ids = checkBuckets(options.idsBuckets ?? DEFAULT_IDS_BUCKETS, "idsBuckets");
    const max = options.maxSeries ?? 1_000;
    if (!(max >= 1)) throw new RangeError(`Metrics maxSeries must be at least 1, got ${max}`);
    const loader = ["node", "loader", "kind"];
    const family = (
      name: string,
      help: string,
      labels: readonly string[],
      bounds: readonly number[] | null = null,
    ) =>
      new Family(
        prefix + name,
        help,
        bounds === null ? "counter" : "histogram",
        labels,
        bounds,
        max,
      );
    this.#families = {
      loaderCalls: family(
        "loader_calls_total",
        "Loads made: loader calls and fused loads.",
        loader,
      ),
      loaderErrors: family("loader_errors_total", "Loads that threw or rejected.", loader),
      loaderIds: family("loader_ids_total", "Ids given to loads.", loader),
      loaderRows: family(
        "loader_rows_total",
        "Rows returned by field loaders and fused loads, ids by link loaders.",
        loader,
      ),
      loaderSeconds: family(
        "loader_duration_seconds",
        "Time from a load's call to its result.",
        loader,
        time,
      ),
      loaderBatch: family("loader_batch_ids", "Ids per load.", loader, ids),
      executionLoads: family("execution_loads", "Loads per execution.", [], DEFAULT_LOADS_BUCKETS),
      requests: family(
        "graphql_requests_total",
        "GraphQL requests by operation type and result.",
        ["operation", "result"],
      ),
      requestSeconds: family(
        "graphql_request_duration_seconds",
        "Time a GraphQL request took to execute.",
        ["operation"],
        time,
      ),
      cacheHits: family(
        "document_cache_hits_total",
        "Query texts found in the document cache.",
        [],
      ),
      cacheMisses: family("document_cache_misses_total", "Query texts parsed.", []),
      httpRequests: family("http_requests_total", "HTTP requests by status code.", ["status"]),
      httpSeconds: family(
        "http_request_duration_seconds",
        "Time from an HTTP request to its response.",
        [],
        time,
      ),
      httpRefusals: family("http_refusals_total", "Requests refused by a limit.", ["limit"]),
    };
    this.#all = Object.values(this.#families);
  }

  /**
   * Every metric in the Prometheus text format, version 0.0.4.
   *
   * @returns The text, lines ending with `\n`.
   */
  text(): string {
    let out = "";
    for (const family of this.#all) out += family.write();
    return out;
  }

  /**
   * A response with {@linkcode text}, for a `/metrics` route.
   *
   * @param _request The request (not read: mount the handler behind whatever access control the
   *   metrics need).
   * @returns A 200 response in `text/plain; version=0.0.4`.
   * @example Mounting it next to the GraphQL endpoint
   * ```ts ignore
   * const metrics = new Metrics();
   * const graphql = graphqlHandler(new Schema({ query: graph, executor, metrics }), { metrics });
   * Deno.serve((request) =>
   *   new URL(request.url).pathname === "/metrics" ? metrics.handler(request) : graphql(request)
   * );
   * ```
   */
  handler(_request?: Request): Response {
    return new Response(this.text(), { headers: { "content-type": CONTENT_TYPE } });
  }
}

function checkBuckets(bounds: readonly number[], name: string): readonly number[] {
  for (let i = 0; i < bounds.length; i++) {
    const bound = bounds[i]!;
    if (!Number.isFinite(bound) || (i > 0 && !(bound > bounds[i - 1]!))) {
      throw new RangeError(`Metrics ${name} must be increasing finite numbers`);
    }
  }
  return Object.freeze([...bounds]);
}

/** The `node` label of the root. */
const ROOT_NODE = "(root)";

/**
 * Counts one execution's loads (internal: made per execution when metrics are given).
 *
 * @param metrics The metrics.
 * @returns The listener the run log calls.
 */
export function loadMetrics(metrics: Metrics): RunListener {
  return new LoadCounter(familiesOf(metrics));
}

/** The series of one node, loader and kind, found once per execution. */
interface LoaderSeries {
  readonly calls: Series;
  readonly errors: Series;
  readonly ids: Series;
  readonly rows: Series;
  readonly seconds: Series;
  readonly batch: Series;
}

class LoadCounter implements RunListener {
  readonly #families: MetricFamilies;
  readonly #series = new Map<string, LoaderSeries>();
  readonly call = null;

  constructor(families: MetricFamilies) {
    this.#families = families;
  }

  batch(): void {}

  started(): void {}

  settled(load: LoadRecord, error: unknown): void {
    const f = this.#families;
    const node = load.node ?? ROOT_NODE;
    const key = `${node}\0${load.loader}\0${load.kind}`;
    let series = this.#series.get(key);
    if (series === undefined) {
      const labels = [node, load.loader, load.kind];
      series = {
        calls: f.loaderCalls.get(labels),
        errors: f.loaderErrors.get(labels),
        ids: f.loaderIds.get(labels),
        rows: f.loaderRows.get(labels),
        seconds: f.loaderSeconds.get(labels),
        batch: f.loaderBatch.get(labels),
      };
      this.#series.set(key, series);
    }
    series.calls.value++;
    series.ids.value += load.ids;
    if (error !== undefined) series.errors.value++;
    if (load.returned !== null) series.rows.value += load.returned;
    observe(series.seconds, f.loaderSeconds.bounds!, (load.duration ?? 0) / 1000);
    observe(series.batch, f.loaderBatch.bounds!, load.ids);
  }

  finished(log: { readonly loads: readonly LoadRecord[] }): void {
    this.#families.executionLoads.observe([], log.loads.length);
  }
}
