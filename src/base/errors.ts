/**
 * The error classes of hiku-ts. Each has a stable `name` and a message that says what failed and
 * where (node, field, line and column), with values printed short.
 *
 * @module
 */

/** A position in a query text, 1-based, as GraphQL reports it. */
export interface SourceLocation {
  /** Line number, from 1. */
  readonly line: number;
  /** Column number, from 1. */
  readonly column: number;
}

/**
 * A query text could not be parsed (GraphQL or the EDN-like syntax): the message gives the line
 * and column, e.g. `Syntax error at 1:23: Expected Name, found "{"`.
 */
export class QuerySyntaxError extends SyntaxError {
  /** The line of the offending character, from 1. */
  readonly line: number;
  /** The column of the offending character, from 1. */
  readonly column: number;
  /** The parser's own description, without the position. */
  readonly description: string;

  /**
   * Creates the error.
   *
   * @param description What the parser expected and found.
   * @param line Line, from 1.
   * @param column Column, from 1.
   */
  constructor(description: string, line: number, column: number) {
    super(`Syntax error at ${line}:${column}: ${description}`);
    this.name = "QuerySyntaxError";
    this.description = description;
    this.line = line;
    this.column = column;
  }
}

/**
 * A query text parsed but cannot be turned into a query: an unknown operation, a missing or
 * mistyped variable, an undefined or cyclic fragment, an unsupported operation type.
 */
export class QueryReadError extends TypeError {
  /** Where in the text the problem is, when known. */
  readonly locations: readonly SourceLocation[];

  /**
   * Creates the error.
   *
   * @param message What is wrong, naming the operation, variable or fragment.
   * @param locations Where in the text.
   */
  constructor(message: string, locations: readonly SourceLocation[] = []) {
    super(message);
    this.name = "QueryReadError";
    this.locations = locations;
  }
}

/**
 * A graph definition is invalid. `errors` lists every problem found; the message lists them too.
 */
export class GraphDefinitionError extends TypeError {
  /** Every problem, one sentence each. */
  readonly errors: readonly string[];

  /**
   * Creates the error.
   *
   * @param errors Every problem found in the definition.
   */
  constructor(errors: readonly string[]) {
    super(
      `Graph definition is invalid (${errors.length} ${
        errors.length === 1 ? "problem" : "problems"
      }):\n` +
        errors.map((e) => `- ${e}`).join("\n"),
    );
    this.name = "GraphDefinitionError";
    this.errors = errors;
  }
}

/** One problem found by query validation. */
export interface ValidationProblem {
  /** What is wrong, naming the node, field or option. */
  readonly message: string;
  /** Result keys from the root to the offending field or link. */
  readonly path: readonly string[];
  /** Where in the query text, when the query was read from text. */
  readonly locations: readonly SourceLocation[];
}

/**
 * A query does not fit the graph. Raised by `engine.execute` before any loader runs; `errors`
 * lists every problem, and the message gives their count and the first one.
 */
export class QueryValidationError extends TypeError {
  /** Every problem found. */
  readonly errors: readonly ValidationProblem[];

  /**
   * Creates the error.
   *
   * @param errors Every problem found (at least one).
   */
  constructor(errors: readonly ValidationProblem[]) {
    const n = errors.length;
    super(
      `Query is invalid (${n} ${n === 1 ? "problem" : "problems"}): ${errors[0]?.message ?? ""}` +
        (n > 1 ? "\n" + errors.slice(1).map((e) => `- ${e.message}`).join("\n") : ""),
    );
    this.name = "QueryValidationError";
    this.errors = errors;
  }
}

/**
 * A loader returned a value of the wrong shape (wrong length, wrong row width, `Nothing` for a
 * required link, a non-array for a sequence). Names node, field or link, expected and got. With
 * partial results, a link's wrong item fails its position alone: `Nothing` there is graphql-js's
 * "Cannot return null ..." error, a value that is not an id this error, at that position.
 */
export class LoaderShapeError extends TypeError {
  /** The node whose loader misbehaved (`"root"` for the root). */
  readonly node: string;
  /** The field(s) or the link the loader was called for. */
  readonly fields: readonly string[];
  /** What the engine expected. */
  readonly expected: string;
  /** What it got, printed short. */
  readonly got: string;

  /**
   * Creates the error.
   *
   * @param what `"field"`, `"fields"` or `"link"`.
   * @param node Node name (`"root"` for the root).
   * @param fields Field names, or the link name.
   * @param expected What was expected.
   * @param got What came back.
   */
  constructor(
    what: string,
    node: string,
    fields: readonly string[],
    expected: string,
    got: string,
  ) {
    super(
      `Loader of ${what} ${
        qualify(node, fields)
      } returned a wrong shape: expected ${expected}, got ${got}`,
    );
    this.name = "LoaderShapeError";
    this.node = node;
    this.fields = fields;
    this.expected = expected;
    this.got = got;
  }
}

/**
 * A loader threw or rejected. Names the node and field(s); the original error is `cause`.
 */
export class LoaderError extends Error {
  /** The node whose loader failed (`"root"` for the root). */
  readonly node: string;
  /** The field(s) or the link the loader was called for. */
  readonly fields: readonly string[];

  /**
   * Creates the error.
   *
   * @param what `"field"`, `"fields"` or `"link"`.
   * @param node Node name (`"root"` for the root).
   * @param fields Field names, or the link name.
   * @param cause The error the loader threw.
   */
  constructor(what: string, node: string, fields: readonly string[], cause: unknown) {
    const detail = describeThrown(cause);
    super(`Loader of ${what} ${qualify(node, fields)} failed: ${detail}`, { cause });
    this.name = "LoaderError";
    this.node = node;
    this.fields = fields;
  }
}

/**
 * What a loader threw, as text: an error's message, or the value as `String` gives it; a value
 * that refuses both (an object without a prototype, a revoked Proxy, a message getter that
 * throws) is described as such rather than throwing again.
 */
function describeThrown(cause: unknown): string {
  try {
    if (cause instanceof Error) return String(cause.message);
    return String(cause);
  } catch {
    return "it threw a value that cannot be converted to a string";
  }
}

/**
 * A value a loader threw, such that every later step can inspect it (`instanceof`, `String`,
 * `message`): the value itself, or an `Error` that says what it was when it refuses them.
 *
 * @param thrown What the loader threw or rejected with.
 * @returns The value, or a `TypeError` in its place.
 */
export function inspectableThrown(thrown: unknown): unknown {
  try {
    if (thrown instanceof Error) {
      void String(thrown.message);
      void thrown.stack;
    } else {
      void String(thrown);
    }
    return thrown;
  } catch {
    return new TypeError("The loader threw a value that cannot be converted to a string");
  }
}

function qualify(node: string, fields: readonly string[]): string {
  return fields.map((f) => `${node}.${f}`).join(", ");
}

/**
 * A loader read a context key that the context does not have: the context given to
 * `engine.execute`, to `schema.execute`, or made by `graphqlHandler`'s `context` option.
 */
export class ContextKeyError extends Error {
  /** The missing key. */
  readonly key: string;

  /**
   * Creates the error.
   *
   * @param key The key that was read.
   */
  constructor(key: string) {
    super(
      `Context key "${key}" is not set: pass it in the context given to engine.execute, ` +
        "schema.execute or graphqlHandler",
    );
    this.name = "ContextKeyError";
    this.key = key;
  }
}

/**
 * An executor could not run a load: a worker died, the pool was closed, a context value could not
 * be sent to a worker.
 */
export class ExecutorError extends Error {
  /**
   * Creates the error.
   *
   * @param message What failed.
   * @param options The underlying error, as `cause`.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ExecutorError";
  }
}

/** Execution was stopped by the `AbortSignal` given to `engine.execute` or `schema.execute`. */
export class ExecutionAbortedError extends Error {
  /**
   * Creates the error.
   *
   * @param reason The signal's reason.
   */
  constructor(reason: unknown) {
    super(
      `Execution was aborted${reason instanceof Error ? `: ${reason.message}` : ""}`,
      { cause: reason },
    );
    this.name = "ExecutionAbortedError";
  }
}

/**
 * An error whose message clients may see. The HTTP endpoint (`graphqlHandler`) replaces the
 * message of every other error from execution (SQL text, stack traces, internal names) with
 * "Internal server error" and logs it, unless it runs in development mode; a loader that wants to
 * tell clients why it failed throws a `SafeError`. Its `extensions` are sent too.
 *
 * @example A loader that reports a missing character to the client
 * ```ts
 * import { SafeError } from "./errors.ts";
 *
 * const characterNames = (fields: unknown[], ids: number[]): string[][] =>
 *   ids.map((id) => {
 *     if (id > 3) throw new SafeError(`Character ${id} is classified`, { code: "FORBIDDEN" });
 *     return fields.map(() => `Character ${id}`);
 *   });
 * ```
 */
export class SafeError extends Error {
  /** Sent to the client in the error's `extensions`, when given. */
  readonly extensions: { readonly [key: string]: unknown } | undefined;

  /**
   * Creates the error.
   *
   * @param message What clients are told.
   * @param extensions Extra fields for the error's `extensions` (e.g. a `code`).
   * @param options The underlying error, as `cause` (never sent to clients).
   */
  constructor(
    message: string,
    extensions?: { readonly [key: string]: unknown },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SafeError";
    this.extensions = extensions;
  }
}

/**
 * A query costs more than its budget allows: estimated before it runs (`kind: "estimate"`), or
 * measured while it runs, as the ids that reach its nodes level by level (`kind: "ids"`). Its
 * message is meant for clients (it is a {@linkcode SafeError}, with `code: "COST_LIMIT"`).
 */
export class CostLimitError extends SafeError {
  /** Which limit: the estimate before execution, or the ids loaded while executing. */
  readonly kind: "estimate" | "ids";
  /** The limit. */
  readonly limit: number;
  /** What the query cost, or would have: the estimate, or the ids counted when it stopped. */
  readonly cost: number;

  /**
   * Creates the error.
   *
   * @param kind Which limit.
   * @param limit The limit.
   * @param cost What was estimated or counted.
   * @param message What went wrong and where.
   */
  constructor(kind: "estimate" | "ids", limit: number, cost: number, message: string) {
    super(message, { code: "COST_LIMIT", limit, cost });
    this.name = "CostLimitError";
    this.kind = kind;
    this.limit = limit;
    this.cost = cost;
  }
}
