/**
 * OpenTelemetry tracing (internal: `Engine`, `Schema` and `graphqlHandler` use it), through
 * `@opentelemetry/api` alone: spans go to whatever tracer provider the application registered
 * (an SDK, Deno's built-in OpenTelemetry), and when none is registered the API's tracer makes
 * spans that do not record, so nothing below the request span is made at all.
 *
 * An execution's spans:
 * - `hiku.path`: one per query path a node was reached at (its ids), under its parent path's;
 * - `hiku.load`: one per load (a loader call, or a fused region's one load), under the path it
 *   loads for, with span links to every query path it served: its own for a loader call; for a
 *   fused load, its own and every path whose batch its result filled. A load a worker pool splits
 *   into shards is still one call of the engine, one span.
 *
 * Load spans end when the execution does (with the time their result arrived), so that a fused
 * load's links can name the paths its result reached.
 *
 * @module
 */

import {
  type Attributes,
  type AttributeValue,
  type Context,
  context,
  type Exception,
  INVALID_SPAN_CONTEXT,
  type Link,
  type Span,
  type SpanContext,
  type SpanOptions,
  type SpanStatus,
  SpanStatusCode,
  type TimeInput,
  trace,
  type Tracer,
} from "npm:@opentelemetry/api@1.9.1";
import type { LoadRecord, RunListener, RunLog } from "./explain.ts";
import type { Executor, LoadScope, LoadTask } from "./executor.ts";

/**
 * A tracer provider of `@opentelemetry/api` (an SDK's `BasicTracerProvider`,
 * `NodeTracerProvider`, ...): what tracing asks for its tracer. Typed by what hiku-ts calls, so
 * that its public types do not carry the API's.
 */
export interface TracerProvider {
  /**
   * A tracer (an `@opentelemetry/api` `Tracer`).
   *
   * @param name The instrumentation scope's name (`"hiku-ts"`).
   * @param version Its version.
   * @returns The tracer.
   */
  getTracer(name: string, version?: string): object;
}

/**
 * How a component traces: `true` through the global tracer provider of `@opentelemetry/api`
 * (which does nothing until one is registered), a `TracerProvider` through that one, `false`
 * never.
 */
export type TracingOption = boolean | TracerProvider;

/** The instrumentation scope's name, as tracers are asked for. */
export const TRACER_NAME = "hiku-ts";
/** The instrumentation scope's version. */
export const TRACER_VERSION = "0.1.0";

/**
 * The tracer of a tracing option (internal), wrapped so that a tracer or span that throws (an
 * SDK's bug) never fails a request.
 *
 * @param option The option; `undefined` as `true`.
 * @returns The tracer, or `null` when tracing is off.
 */
export function tracerOf(option: TracingOption | undefined): Tracer | null {
  if (option === false) return null;
  if (option === undefined || option === true) {
    return new SafeTracer(trace.getTracer(TRACER_NAME, TRACER_VERSION));
  }
  return new SafeTracer(option.getTracer(TRACER_NAME, TRACER_VERSION) as Tracer);
}

/**
 * Starts a span (internal).
 *
 * @param tracer The tracer, or `null`.
 * @param name The span's name.
 * @param parent The context its parent is taken from.
 * @param attributes Its attributes.
 * @returns The span; `null` when tracing is off or the span does not record (no provider
 *   registered, or not sampled), so that nothing is made below it.
 */
export function startSpan(
  tracer: Tracer | null,
  name: string,
  parent: Context,
  attributes?: Attributes,
): Span | null {
  if (tracer === null) return null;
  const span = attributes === undefined
    ? tracer.startSpan(name, undefined, parent)
    : tracer.startSpan(name, { attributes }, parent);
  return span.isRecording() ? span : null;
}

/**
 * Records an error on a span: the exception and an error status (internal).
 *
 * @param span The span.
 * @param error The error.
 */
export function recordError(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  else span.recordException(String(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

/**
 * Ends a span, recording its error if it failed (internal).
 *
 * @param span The span.
 * @param error The error; `undefined` when it did not fail.
 * @param endTime When it ended (`performance.now()`'s clock); default now.
 */
export function endSpan(span: Span, error: unknown, endTime?: number): void {
  if (error !== undefined) recordError(span, error);
  span.end(endTime);
}

/**
 * A context whose active span is `span` (internal).
 *
 * @param span The span.
 * @param parent The context it is set on; default the active one.
 * @returns The context.
 */
export function withSpan(span: Span, parent: Context = context.active()): Context {
  return trace.setSpan(parent, span);
}

/** A query path's span. */
interface PathSpan {
  readonly span: Span;
  readonly context: Context;
  /** When the last load that served it ended; its start until one did. */
  end: number;
}

/** A load's span, ended with the execution. */
interface LoadSpan {
  readonly span: Span;
  readonly context: Context;
  end: number;
}

const ROOT_PATH = "";

/**
 * Traces one execution under its span (internal: made per execution when its span records).
 *
 * @param tracer The tracer.
 * @param execution The execution's span.
 * @returns The listener the run log calls.
 */
export function traceRun(tracer: Tracer, execution: Span): RunListener {
  return new RunTrace(tracer, execution);
}

class RunTrace implements RunListener {
  readonly #tracer: Tracer;
  readonly #context: Context;
  readonly #paths = new Map<string, PathSpan>();
  /** Per query path, the span of the first node reached there (what child paths hang from). */
  readonly #byPath = new Map<string, PathSpan>();
  readonly #loads: (LoadSpan | undefined)[] = [];
  readonly call: (
    load: LoadRecord,
    executor: Executor,
    task: LoadTask,
    scope: LoadScope,
  ) => unknown;

  constructor(tracer: Tracer, execution: Span) {
    this.#tracer = tracer;
    this.#context = withSpan(execution);
    // What a loader does (its own spans: a driver's, a fetch's) nests under its load's span.
    this.call = (load, executor, task, scope) => {
      const span = this.#loads[load.id];
      return span === undefined
        ? executor.load(task, scope)
        : context.with(span.context, executor.load, executor, task, scope);
    };
  }

  batch(path: string, node: string | null, ids: number, parent: string | null): void {
    const key = pathKey(path, node);
    if (this.#paths.has(key)) return;
    const parentSpan = parent === null ? undefined : this.#byPath.get(parent);
    const span = this.#tracer.startSpan("hiku.path", {
      attributes: { "hiku.path": path, "hiku.node": node ?? "(root)", "hiku.ids": ids },
    }, parentSpan?.context ?? this.#context);
    const entry = { span, context: trace.setSpan(this.#context, span), end: performance.now() };
    this.#paths.set(key, entry);
    if (!this.#byPath.has(path)) this.#byPath.set(path, entry);
  }

  started(load: LoadRecord): void {
    const own = this.#paths.get(pathKey(load.path, load.node));
    const attributes: Attributes = {
      "hiku.load.kind": load.kind,
      "hiku.node": load.node ?? "(root)",
      "hiku.path": load.path,
      "hiku.loader": load.loader,
      "hiku.members": [...load.members],
      "hiku.ids": load.ids,
      "hiku.ids_before_dedup": load.idsBeforeDedup,
    };
    if (load.region !== null) attributes["hiku.region"] = load.region;
    if (load.statement !== null) attributes["db.query.text"] = load.statement;
    const links: Link[] = own === undefined ? [] : [linkTo(own, load.path, load.node)];
    const parent = own?.context ?? this.#context;
    const span = this.#tracer.startSpan("hiku.load", { attributes, links }, parent);
    this.#loads[load.id] = { span, context: trace.setSpan(parent, span), end: NaN };
  }

  settled(load: LoadRecord, error: unknown): void {
    const entry = this.#loads[load.id];
    if (entry === undefined) return;
    entry.end = performance.now();
    if (load.returned !== null) entry.span.setAttribute("hiku.rows", load.returned);
    if (error !== undefined) recordError(entry.span, error);
  }

  finished(log: RunLog): void {
    const now = performance.now();
    const loads = log.loads;
    for (let i = 0; i < loads.length; i++) {
      const load = loads[i]!;
      const entry = this.#loads[load.id];
      if (entry === undefined) continue;
      const end = entry.end === entry.end ? entry.end : now;
      const own = this.#paths.get(pathKey(load.path, load.node));
      if (own !== undefined && own.end < end) own.end = end;
      // A fused load served every path its result filled, too.
      for (const reached of load.kind === "fused" ? load.reached : []) {
        const path = this.#paths.get(pathKey(reached.path, reached.node));
        if (path === undefined) continue;
        entry.span.addLink(linkTo(path, reached.path, reached.node));
        if (path.end < end) path.end = end;
      }
      entry.span.end(end);
    }
    for (const path of this.#paths.values()) path.span.end(path.end);
  }
}

function pathKey(path: string, node: string | null): string {
  return `${node ?? ""}\0${path}`;
}

function linkTo(path: PathSpan, name: string, node: string | null): Link {
  return {
    context: path.span.spanContext(),
    attributes: { "hiku.path": name === ROOT_PATH ? "" : name, "hiku.node": node ?? "(root)" },
  };
}

/**
 * A tracer that never throws into a request: an SDK whose `startSpan`, or whose span's methods,
 * throw (the API says they must not) loses that span's data, not the query's.
 */
class SafeTracer implements Tracer {
  readonly #inner: Tracer;

  constructor(inner: Tracer) {
    this.#inner = inner;
  }

  startSpan(name: string, options?: SpanOptions, parent?: Context): Span {
    let span: Span;
    try {
      span = this.#inner.startSpan(name, options, parent);
      if (!span.isRecording()) return span;
    } catch {
      return NOT_RECORDING;
    }
    return new SafeSpan(span);
  }

  startActiveSpan: Tracer["startActiveSpan"] =
    ((...args: unknown[]) =>
      (this.#inner.startActiveSpan as (...args: unknown[]) => unknown)(...args)) as Tracer[
        "startActiveSpan"
      ];
}

/** A span that does not record, for when a tracer failed to start one. */
const NOT_RECORDING: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** A span whose methods drop what the SDK throws. */
class SafeSpan implements Span {
  readonly #inner: Span;

  constructor(inner: Span) {
    this.#inner = inner;
  }

  spanContext(): SpanContext {
    try {
      return this.#inner.spanContext();
    } catch {
      return INVALID_SPAN_CONTEXT;
    }
  }

  setAttribute(key: string, value: AttributeValue): this {
    try {
      this.#inner.setAttribute(key, value);
    } catch { /* dropped: see SafeTracer */ }
    return this;
  }

  setAttributes(attributes: Attributes): this {
    try {
      this.#inner.setAttributes(attributes);
    } catch { /* dropped */ }
    return this;
  }

  addEvent(name: string, attributes?: Attributes | TimeInput, startTime?: TimeInput): this {
    try {
      this.#inner.addEvent(name, attributes, startTime);
    } catch { /* dropped */ }
    return this;
  }

  addLink(link: Link): this {
    try {
      this.#inner.addLink(link);
    } catch { /* dropped */ }
    return this;
  }

  addLinks(links: Link[]): this {
    try {
      this.#inner.addLinks(links);
    } catch { /* dropped */ }
    return this;
  }

  setStatus(status: SpanStatus): this {
    try {
      this.#inner.setStatus(status);
    } catch { /* dropped */ }
    return this;
  }

  updateName(name: string): this {
    try {
      this.#inner.updateName(name);
    } catch { /* dropped */ }
    return this;
  }

  end(endTime?: TimeInput): void {
    try {
      this.#inner.end(endTime);
    } catch { /* dropped */ }
  }

  isRecording(): boolean {
    try {
      return this.#inner.isRecording();
    } catch {
      return false;
    }
  }

  recordException(exception: Exception, time?: TimeInput): void {
    try {
      this.#inner.recordException(exception, time);
    } catch { /* dropped */ }
  }
}
