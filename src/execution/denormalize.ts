/**
 * Results as plain nested objects: {@linkcode denormalize} for Hiku-style results, and
 * {@linkcode denormalizeWithErrors} for GraphQL's `data` and `errors`, with null propagation and
 * one error per position that failed.
 *
 * Both walk the execution store with plain loops over the plan's output entries, in response-key
 * order (CollectFields order). The GraphQL walk tries the fast walk first and turns to the slow,
 * path-tracking one only when a value must be reported.
 *
 * @module
 */

import { QueryReadError, type SourceLocation } from "../base/errors.ts";
import { inspectGraphQL } from "../base/_graphql_inspect.ts";
import type { Graph } from "../definitions/graph.ts";
import {
  coerceLeaf,
  LEAF_ANY,
  LEAF_BOOLEAN,
  LEAF_FLOAT,
  LEAF_ID,
  LEAF_INT,
  LEAF_STRING,
  LIST,
  listItems,
  type OutputCoercion,
} from "../definitions/_output_coercion.ts";
import type { FieldSlot, LinkSlot, OutSlot, RecordShape } from "../planning/plan.ts";
import { failureOf, resultParts, type ResultProxy } from "./result.ts";
import {
  type Batch,
  type Failed,
  FAILED_TARGET,
  isFailure,
  type LinkData,
  NO_TARGET,
  parentIndex,
  type Pending,
  reachedBatches,
  targetBatch,
} from "./store.ts";

/** A plain object, as `denormalize` builds them. */
export type Denormalized = { [key: string]: unknown };

/**
 * Turns a result into the plain nested object the query describes: result keys (aliases
 * respected), linked nodes nested, `__typename` filled in (the root's is `"Query"`, or
 * `"Mutation"` for mutations). Values a loader left `undefined` become `null`.
 *
 * @param graph The graph the query ran against.
 * @param result What `engine.execute` resolved to.
 * @returns The nested result.
 * @throws {TypeError} When the result comes from another graph, or a value cannot be serialized
 *   (an enum value that is not one of the enum's).
 * @throws {LoaderError} When a loader gave an `Error` in place of a value, or (for a partial
 *   result) failed.
 * @example
 * ```ts ignore
 * const result = await engine.execute(graph, read("{ characters { name } }"));
 * denormalize(graph, result); // { characters: [{ name: "James T. Kirk" }, ...] }
 * ```
 */
export function denormalize(graph: Graph, result: ResultProxy): Denormalized {
  return denormalizeGraphQL(graph, result, null);
}

/**
 * The GraphQL-shaped denormalizer: like {@linkcode denormalize}, with the root's `__typename`
 * given.
 *
 * @param graph The graph the query ran against.
 * @param result What `engine.execute` resolved to.
 * @param rootTypeName The root's `__typename`; `null` (the default) for the plan's own:
 *   `"Query"`, or `"Mutation"` for mutations.
 * @returns The nested result.
 * @throws {TypeError} When the result comes from another graph, or a value cannot be serialized.
 * @throws {LoaderError} When a value failed to load.
 */
export function denormalizeGraphQL(
  graph: Graph,
  result: ResultProxy,
  rootTypeName: string | null = null,
): Denormalized {
  const [scope, batch, position] = resultParts(graph, result, "denormalize");
  if (scope.partial) throw firstFailure(scope.root);
  return buildNode(batch, position, batch === scope.root ? rootTypeName : null, 0, {
    scratch: [],
    check: false,
  });
}

function firstFailure(root: Batch): unknown {
  for (const batch of reachedBatches(root)) {
    for (const state of batch.groups) if (state.kind === "failed") return state.error;
    for (const state of batch.links) if (state.kind === "failed") return state.error;
  }
  return new TypeError("The result has failed loads");
}

/**
 * One denormalization: scratch arrays, one per nesting depth (a node's values are gathered, then
 * handed to its factory, while nested nodes use the next depth's array), and whether to bail out
 * on values the GraphQL rules must report. Scratch arrays belong to one call, so they keep no
 * result alive after it and a nested call (a serializer that denormalizes) cannot disturb them.
 */
interface Run {
  readonly scratch: unknown[][];
  readonly check: boolean;
}

/** Thrown by the fast walk when a value must be reported: the slow walk takes over. */
const BAIL = Symbol("bail");
/** A place that became null where it may not be: the null moves up. */
const INVALID = Symbol("invalid");

function buildNode(
  batch: Batch,
  i: number,
  typeName: string | null,
  depth: number,
  run: Run,
): Denormalized {
  const plan = batch.plan;
  const out = plan.out;
  const values = run.scratch[depth] ??= [];
  for (let s = 0; s < out.length; s++) {
    const slot = out[s]!;
    let value: unknown;
    switch (slot.kind) {
      case "field": {
        const state = batch.groups[slot.group]!;
        if (state.kind !== "loaded") {
          throw run.check ? BAIL : notLoaded(state);
        }
        const columns = state.columns;
        // A loader's `undefined` is `null`.
        value = state.rows[i]![columns === null ? slot.column : columns[slot.column]!] ?? null;
        if (run.check) {
          value = checkedField(slot, value);
          break;
        }
        if (typeof value === "object" && value !== null) {
          if (value instanceof Error) throw failureOf(value, "field", plan.label, slot.name);
          if (slot.shape !== null) value = projectField(value, slot.shape, false);
        }
        if (slot.serialize !== null && value !== null) value = slot.serialize(value) ?? null;
        break;
      }
      case "link":
        value = buildLink(batch, i, slot, depth + 1, run);
        break;
      case "typename":
        value = typeName ?? plan.typeName;
    }
    values[s] = value;
  }
  return plan.make(values);
}

/**
 * A field's value on the fast walk, as GraphQL's rules take it (the value, or a record projected
 * on its selection); throws `BAIL` when the value must be reported instead: an `Error`, a null
 * where the type allows none, a value the type does not take.
 *
 * @param slot The field's output slot.
 * @param value What was loaded (`null` for `undefined`).
 * @returns The result value.
 */
export function checkedField(slot: FieldSlot, value: unknown): unknown {
  if (typeof value === "object" && value !== null) {
    if (value instanceof Error) throw BAIL;
    if (slot.shape !== null) value = projectField(value, slot.shape, true);
  }
  // GraphQL's result coercion: one typeof (and range) check when the type is right.
  const code = slot.outputCode;
  if (value === null) {
    if (!slot.nullable) throw BAIL;
  } else if (code !== LEAF_ANY) {
    value = checkLeaf(code, slot.output!, value);
  } else if (slot.shape !== null && typeof value !== "object") {
    // A record's place holding something else than an object: the slow walk says what.
    throw BAIL;
  }
  return value;
}

function buildLink(batch: Batch, i: number, slot: LinkSlot, depth: number, run: Run): unknown {
  const state = batch.links[slot.link]!;
  if (state.kind !== "loaded") {
    throw run.check ? BAIL : notLoaded(state);
  }
  const data = state.data;
  const k = parentIndex(data, i);
  if (data.kind === "single") {
    const p = data.targets[k]!;
    if (p >= 0) return buildNode(targetBatch(data, k), p, null, depth, run);
    if (p === NO_TARGET) return null;
    if (run.check) throw BAIL;
    throw failureOf(data.failures!.get(k), "link", batch.plan.label, slot.name);
  }
  if (data.instead !== null && data.instead.has(k)) {
    const instead = data.instead.get(k);
    if (instead === null) return null;
    if (run.check) throw BAIL;
    throw failureOf(instead, "link", batch.plan.label, slot.name);
  }
  const targets = data.targets;
  const start = data.starts[k]!;
  const end = data.starts[k + 1]!;
  const out = new Array(end - start);
  if (data.batchOf === null && data.failures === null) {
    const child = data.batches[0]!;
    for (let t = start; t < end; t++) {
      const p = targets[t]!;
      out[t - start] = p < 0 ? null : buildNode(child, p, null, depth, run);
    }
    return out;
  }
  for (let t = start; t < end; t++) {
    const p = targets[t]!;
    if (p >= 0) out[t - start] = buildNode(targetBatch(data, t), p, null, depth, run);
    else if (p === NO_TARGET) out[t - start] = null;
    else if (run.check) throw BAIL;
    else throw failureOf(data.failures!.get(t), "link", batch.plan.label, slot.name);
  }
  return out;
}

/** What the walk without errors throws for a load that did not succeed. */
function notLoaded(state: Pending | Failed): unknown {
  return state.kind === "failed" ? state.error : new TypeError("The result is incomplete");
}

/**
 * A value's GraphQL coercion on the fast walk: one typeof (and range) check when the value has
 * the right type already; throws `BAIL` when it must be reported.
 */
function checkLeaf(code: number, output: OutputCoercion, value: unknown): unknown {
  switch (code) {
    case LEAF_STRING:
    case LEAF_ID:
      return typeof value === "string" ? value : coerceFast(output, value);
    case LEAF_INT:
      return typeof value === "number" && (value | 0) === value ? value : coerceFast(output, value);
    case LEAF_FLOAT:
      // NaN and ±Infinity give NaN, which is not 0.
      return typeof value === "number" && value - value === 0 ? value : coerceFast(output, value);
    case LEAF_BOOLEAN:
      return typeof value === "boolean" ? value : coerceFast(output, value);
    default:
      return coerceFast(output, value);
  }
}

/**
 * {@linkcode checkLeaf} for a record's sub-field: the value as it is when it has the right type
 * already (a list when every item has), else its full coercion. A function of its own so that
 * records' values (lists, enums) do not widen the type feedback V8 keeps for `checkLeaf`, which
 * node fields inline: a query of plain fields stays as fast after records were walked.
 */
function checkSubField(code: number, output: OutputCoercion, value: unknown): unknown {
  if (fits(code, value)) return value;
  if (code === LIST && Array.isArray(value) && itemsFit(output, value)) return value;
  return coerceSubField(output, value);
}

/** Whether a value that is not null is a built-in scalar's result value as it is. */
function fits(code: number, value: unknown): boolean {
  switch (code) {
    case LEAF_STRING:
    case LEAF_ID:
      return typeof value === "string";
    case LEAF_INT:
      return typeof value === "number" && (value | 0) === value;
    case LEAF_FLOAT:
      // NaN and ±Infinity give NaN, which is not 0.
      return typeof value === "number" && value - value === 0;
    case LEAF_BOOLEAN:
      return typeof value === "boolean";
    default:
      return false;
  }
}

/** Whether every item of a list of built-in scalars passes as it is. */
function itemsFit(output: OutputCoercion, items: readonly unknown[]): boolean {
  const code = output.item!.code;
  for (let k = 0; k < items.length; k++) {
    const v = items[k];
    // `undefined` is not a result value: the full coercion makes it null.
    if (v === null ? !output.itemNullable : !fits(code, v)) return false;
  }
  return true;
}

/** A sub-field's coercion past the typeof checks: a loader's `Error` there is a field error. */
function coerceSubField(output: OutputCoercion, value: unknown): unknown {
  if (value instanceof Error) throw BAIL;
  return coerceFast(output, value);
}

/** A value's GraphQL coercion on the fast walk, past the typeof checks: throws `BAIL` on failure. */
function coerceFast(output: OutputCoercion, value: unknown): unknown {
  try {
    return output.code === LIST ? listFast(output, value) : coerceLeaf(output, value);
  } catch {
    throw BAIL;
  }
}

/**
 * A list's GraphQL coercion on the fast walk: the same array when every item passes as it is;
 * throws (the caller turns it into `BAIL`) when anything must be reported.
 */
function listFast(output: OutputCoercion, value: unknown): unknown {
  const items = listItems(value);
  if (items === null) throw BAIL;
  const item = output.item!;
  let out: unknown[] | null = items === value ? null : items as unknown[];
  for (let k = 0; k < items.length; k++) {
    const v = items[k];
    let c: unknown;
    if (v === null || v === undefined) {
      if (!output.itemNullable) throw BAIL;
      c = null;
    } else if (v instanceof Error) {
      throw BAIL;
    } else {
      c = item.code === LIST ? listFast(item, v) : coerceLeaf(item, v);
    }
    if (c !== v) (out ??= items.slice())[k] = c;
  }
  return out ?? items;
}

/**
 * A record value's GraphQL projection on the fast walk (`value` is not null): each selected
 * sub-field coerced as its GraphQL type says, one typeof (and range) check for a leaf of the
 * right type; throws `BAIL` when anything must be reported (a value that cannot be coerced, a
 * null where the type does not allow one, an `Error`, a list that is not an array, a record
 * that is not an object).
 */
function shapeFast(value: unknown, shape: RecordShape): unknown {
  switch (shape.kind) {
    case "optional":
      return shapeFast(value, shape.inner);
    case "list": {
      if (!Array.isArray(value)) throw BAIL;
      const item = shape.item;
      const out = new Array(value.length);
      for (let k = 0; k < value.length; k++) {
        const v = value[k];
        if (v !== null && v !== undefined) out[k] = shapeFast(v, item);
        else if (item.kind === "optional") out[k] = null;
        else throw BAIL;
      }
      return out;
    }
    case "record": {
      if (typeof value !== "object" || value instanceof Error) throw BAIL;
      const record = value as { readonly [name: string]: unknown };
      const fields = shape.fields;
      const values = new Array(fields.length);
      for (let f = 0; f < fields.length; f++) {
        const field = fields[f]!;
        const code = field.outputCode;
        // `__typename` has no coercion: typed leaves skip the name's comparison.
        if (code === LEAF_ANY && field.name === "__typename") {
          values[f] = shape.typeName;
          continue;
        }
        let v = record[field.name];
        if (v === null || v === undefined) {
          if (!field.nullable) throw BAIL;
          v = null;
        } else if (code !== LEAF_ANY) {
          v = checkSubField(code, field.output!, v);
        } else if (field.shape !== null) {
          v = shapeFast(v, field.shape);
        } else if (v instanceof Error) {
          throw BAIL;
        }
        values[f] = v;
      }
      return shape.make(values);
    }
  }
}

/** A record field's value projected: checked as GraphQL says (`check`), or as Hiku does. */
function projectField(value: unknown, shape: RecordShape, check: boolean): unknown {
  return check ? shapeFast(value, shape) : project(value, shape);
}

/** Hiku's projection of a record value (`denormalize`): values serialized, nothing checked. */
function project(value: unknown, shape: RecordShape): unknown {
  if (value === null || value === undefined) return null;
  switch (shape.kind) {
    case "optional":
      return project(value, shape.inner);
    case "list": {
      const items = value as readonly unknown[];
      const out = new Array(items.length);
      for (let k = 0; k < items.length; k++) out[k] = project(items[k], shape.item);
      return out;
    }
    case "record": {
      const record = value as { readonly [name: string]: unknown };
      const fields = shape.fields;
      const values = new Array(fields.length);
      for (let f = 0; f < fields.length; f++) {
        const field = fields[f]!;
        if (field.name === "__typename") values[f] = shape.typeName;
        else {
          let v = record[field.name];
          if (field.shape !== null) v = project(v, field.shape);
          else if (field.serialize !== null && v !== null && v !== undefined) {
            v = field.serialize(v);
          }
          values[f] = v ?? null;
        }
      }
      return shape.make(values);
    }
  }
}

/** A failure placed in a result: what failed, and where in the result it nulled a value. */
export interface ResultError {
  /**
   * The failure: a `LoaderError` (its `cause` is what the loader threw or returned), a
   * `LoaderShapeError`, a `QueryReadError` for an argument a variable made invalid, or a
   * `TypeError` for a value that could not be serialized or was `null` where the type does not
   * allow it.
   */
  readonly error: unknown;
  /** Result keys and list indexes from the root to the place it nulled; empty for a summary. */
  readonly path: readonly (string | number)[];
  /** Where that field was written in the query text (every selection merged under its key). */
  readonly locations: readonly SourceLocation[];
}

/** What {@linkcode denormalizeWithErrors} returns: GraphQL's `data` and the errors behind its nulls. */
export interface PartialResult {
  /** The nested result; `null` when a failure propagated up to the root. */
  readonly data: Denormalized | null;
  /** One entry per position that failed, in the order a batched execution meets them. */
  readonly errors: readonly ResultError[];
}

/** What {@linkcode denormalizeWithErrors} accepts besides the result. */
export interface DenormalizeOptions {
  /**
   * The most errors reported; beyond it, one more error says how many were left out. Default
   * 100.
   */
  readonly maxErrors?: number;
}

/** The default of {@linkcode DenormalizeOptions.maxErrors}. */
export const DEFAULT_MAX_ERRORS = 100;

/**
 * Builds GraphQL's `{ data, errors }` from a result, following GraphQL's rules for failures:
 * a field that could not be loaded, serialized, or is `null` where its type does not allow it
 * becomes `null` and an error is reported for each place it nulled, with its path and the
 * locations of every selection merged there; when that place cannot be `null` (fields not
 * declared `Optional`, links that are not `Optional`, list items that are not `Optional`), the
 * `null` moves up to the nearest place that can be, up to `data` itself.
 *
 * Errors come in the order a batched execution meets them: level by level (each link that loads
 * per parent is a level), and in document order within a level. That is graphql-js's order when
 * root fields resolve at once and per-parent loads resolve later, as with DataLoader.
 *
 * @param graph The graph the query ran against.
 * @param result What `engine.execute(..., { partial: true })` resolved to (any result works).
 * @param rootTypeName The root's `__typename`; `null` (the default) for the plan's own.
 * @param options The most errors to report.
 * @returns `data` and `errors`.
 * @throws {TypeError} When the result comes from another graph.
 */
export function denormalizeWithErrors(
  graph: Graph,
  result: ResultProxy,
  rootTypeName: string | null = null,
  options: DenormalizeOptions = {},
): PartialResult {
  const [scope, batch, position] = resultParts(graph, result, "denormalizeWithErrors");
  // Built in one pass from a region's rows, with the same root type name (see direct.ts).
  if (scope.direct !== null && batch === scope.root) return { data: scope.direct, errors: [] };
  const typeName = batch === scope.root ? rootTypeName : null;
  if (!scope.partial) {
    // Nothing failed to load: the fast path, unless a value needs reporting after all.
    try {
      const data = buildNode(batch, position, typeName, 0, { scratch: [], check: true });
      return { data, errors: [] };
    } catch {
      // BAIL, or a record's getter that threw: the slow walk reports it where it happened.
    }
  }
  const walker = new ErrorWalker(options.maxErrors ?? DEFAULT_MAX_ERRORS);
  const data = walker.node(batch, position, typeName);
  return { data: data === INVALID ? null : data, errors: walker.errors() };
}

/**
 * Whether a link's value at one position, built as {@linkcode denormalizeWithErrors} builds it,
 * is a null where the link's type takes none: the link failed or came back with nothing, or a
 * failure below it moved a null up to it. The engine asks it of a mutation's root link, once its
 * subtree has loaded, before it runs the next root field.
 *
 * @param batch The batch holding the link.
 * @param i The position in the batch.
 * @param slot The link's slot in the batch's plan.
 * @returns `true` when the null reaches the link's parent.
 */
export function linkNulls(batch: Batch, i: number, slot: LinkSlot): boolean {
  return new ErrorWalker(0).link(batch, i, slot) === INVALID;
}

/**
 * Whether a field's value at one position, built as {@linkcode denormalizeWithErrors} builds it,
 * is a null where the field's type takes none: it failed, is null, or is a value its type does
 * not take, or a record's or list's part that takes no null moved one up to it (an error in a
 * part that takes null does not). The engine asks it of a mutation's root fields.
 *
 * @param batch The batch holding the field.
 * @param i The position in the batch.
 * @param slot The field's slot in the batch's plan.
 * @returns `true` when the null reaches the field's parent.
 */
export function fieldNulls(batch: Batch, i: number, slot: FieldSlot): boolean {
  return new ErrorWalker(0).field(batch, i, slot) === INVALID;
}

/**
 * A record's property as graphql-js's default resolver reads it; a getter that throws gives what
 * it threw as an `Error` (a value that is not one as graphql-js wraps it), a field error there.
 */
function readProperty(source: { readonly [name: string]: unknown }, name: string): unknown {
  try {
    return source[name];
  } catch (error) {
    return error instanceof Error
      ? error
      : new Error(`Unexpected error value: ${inspectGraphQL(error)}`);
  }
}

/** The slow path: tracks the path, reports each failed position, moves nulls up. */
class ErrorWalker {
  readonly #max: number;
  readonly #path: (string | number)[] = [];
  /** Errors by level (links loaded per parent crossed), each level kept to the maximum. */
  readonly #levels: ResultError[][] = [];
  #level = 0;
  #count = 0;

  constructor(max: number) {
    this.#max = max;
  }

  errors(): ResultError[] {
    const out: ResultError[] = [];
    for (const level of this.#levels) {
      if (level === undefined) continue;
      for (const error of level) {
        if (out.length >= this.#max) break;
        out.push(error);
      }
    }
    if (this.#count > out.length) {
      out.push({
        error: new Error(
          `Too many errors: ${out.length} reported, ${this.#count - out.length} more left out`,
        ),
        path: [],
        locations: [],
      });
    }
    return out;
  }

  node(batch: Batch, i: number, typeName: string | null): Denormalized | typeof INVALID {
    const plan = batch.plan;
    const out = plan.out;
    const values = new Array(out.length);
    for (let s = 0; s < out.length; s++) {
      const slot = out[s]!;
      this.#path.push(slot.key);
      const value = this.#slot(batch, i, slot, typeName);
      this.#path.pop();
      // A field that may not be null and is nulls the node: as graphql-js, the fields after it
      // are not completed, so their errors are not reported (those before it are).
      if (value === INVALID) return INVALID;
      values[s] = value;
    }
    return plan.make(values);
  }

  #slot(batch: Batch, i: number, slot: OutSlot, typeName: string | null): unknown {
    const plan = batch.plan;
    switch (slot.kind) {
      case "typename":
        return typeName ?? plan.typeName;
      case "field":
        return this.field(batch, i, slot);
      case "link":
        return this.link(batch, i, slot);
    }
  }

  field(batch: Batch, i: number, slot: FieldSlot): unknown {
    const plan = batch.plan;
    const state = batch.groups[slot.group]!;
    const locations = slot.locations;
    if (state.kind !== "loaded") {
      return state.kind === "failed" ? this.#failed(state.error, locations, slot.nullable) : null;
    }
    const value =
      state.rows[i]![state.columns === null ? slot.column : state.columns[slot.column]!];
    if (isFailure(value)) {
      const error = failureOf(value, "field", plan.label, slot.name);
      return this.#failed(error, locations, slot.nullable);
    }
    if (value === null || value === undefined) {
      if (slot.nullable) return null;
      return this.#failed(nullViolation(plan.typeName, slot.name), locations, false);
    }
    const field = { owner: plan.typeName, label: plan.label, name: slot.name, locations };
    if (slot.shape !== null) return this.#shape(field, slot.shape, value, slot.nullable);
    const output = slot.output;
    if (output === null) return value;
    return this.#coerce(field, output, value, slot.nullable);
  }

  /**
   * GraphQL's result coercion of a value that is not null, as graphql-js completes it: a leaf
   * that cannot be coerced is an error here; a list's items are coerced one by one (an error
   * per item, at its index), and the first item that may not be null and is stops the list.
   */
  #coerce(field: FieldSite, output: OutputCoercion, value: unknown, nullable: boolean): unknown {
    if (output.code !== LIST) {
      try {
        return coerceLeaf(output, value);
      } catch (error) {
        const failure = new SerializeError(field.label, field.name, error);
        return this.#failed(failure, field.locations, nullable);
      }
    }
    const item = output.item!;
    const itemNullable = output.itemNullable;
    return this.#list(
      field,
      value,
      nullable,
      itemNullable,
      (v) => this.#coerce(field, item, v, itemNullable),
    );
  }

  /**
   * A list's items completed one by one, each at its index; the first that may not be null and
   * is makes the list invalid (null when it may be).
   */
  #list(
    field: FieldSite,
    value: unknown,
    nullable: boolean,
    itemNullable: boolean,
    complete: (value: unknown) => unknown,
  ): unknown {
    let items: readonly unknown[] | null;
    try {
      items = listItems(value);
    } catch (error) {
      // An iterable whose iteration threw: an error of the field, as the loader's would be.
      return this.#failed(
        failureOf(error, "field", field.label, field.name),
        field.locations,
        nullable,
      );
    }
    if (items === null) return this.#failed(notIterable(field), field.locations, nullable);
    const out = new Array(items.length);
    for (let k = 0; k < items.length; k++) {
      this.#path.push(k);
      const c = this.#item(field, items[k], itemNullable, complete);
      this.#path.pop();
      if (c === INVALID) return nullable ? null : INVALID;
      out[k] = c;
    }
    return out;
  }

  /** A list item (the path ends with its index): null, a loader's `Error`, or a value to complete. */
  #item(
    field: FieldSite,
    value: unknown,
    nullable: boolean,
    complete: (value: unknown) => unknown,
  ): unknown {
    if (value === null || value === undefined) {
      return nullable
        ? null
        : this.#failed(nullViolation(field.owner, field.name), field.locations, false);
    }
    if (value instanceof Error) {
      const error = failureOf(value, "field", field.label, field.name);
      return this.#failed(error, field.locations, nullable);
    }
    return complete(value);
  }

  /**
   * A record field's value that is not null, as graphql-js completes an object type's value:
   * lists item by item, each record's selected sub-fields coerced as their types say (errors
   * at their paths, with their own locations), nulls moving up to the nearest nullable place.
   */
  #shape(field: FieldSite, shape: RecordShape, value: unknown, nullable: boolean): unknown {
    switch (shape.kind) {
      case "optional":
        return this.#shape(field, shape.inner, value, nullable);
      case "list": {
        const item = shape.item;
        const itemNullable = item.kind === "optional";
        return this.#list(
          field,
          value,
          nullable,
          itemNullable,
          (v) => this.#shape(field, item, v, itemNullable),
        );
      }
      case "record": {
        const record = this.#record(shape, value);
        return record === INVALID ? (nullable ? null : INVALID) : record;
      }
    }
  }

  /**
   * A record's selected sub-fields, read as graphql-js's default resolver reads them (a value that
   * is not an object has none). The first sub-field that may not be null and is makes the whole
   * record invalid, and the sub-fields after it are not completed, as graphql-js stops there.
   */
  #record(shape: RecordShape & { kind: "record" }, value: unknown): unknown {
    const source = typeof value === "object" || typeof value === "function"
      ? value as { readonly [name: string]: unknown }
      : null;
    const owner = shape.typeName;
    const fields = shape.fields;
    const values = new Array(fields.length);
    for (let f = 0; f < fields.length; f++) {
      const sub = fields[f]!;
      if (sub.name === "__typename") {
        values[f] = owner;
        continue;
      }
      this.#path.push(sub.key);
      const v = source === null ? undefined : readProperty(source, sub.name);
      let c: unknown;
      if (v === null || v === undefined) {
        c = sub.nullable
          ? null
          : this.#failed(nullViolation(owner, sub.name), sub.locations, false);
      } else if (v instanceof Error) {
        c = this.#failed(failureOf(v, "field", owner, sub.name), sub.locations, sub.nullable);
      } else if (sub.shape !== null || sub.output !== null) {
        const site = { owner, label: owner, name: sub.name, locations: sub.locations };
        c = sub.shape !== null
          ? this.#shape(site, sub.shape, v, sub.nullable)
          : this.#coerce(site, sub.output!, v, sub.nullable);
      } else {
        c = v;
      }
      this.#path.pop();
      if (c === INVALID) return INVALID;
      values[f] = c;
    }
    return shape.make(values);
  }

  link(batch: Batch, i: number, slot: LinkSlot): unknown {
    const plan = batch.plan;
    const state = batch.links[slot.link]!;
    const nullable = slot.shape.nullable;
    if (state.kind !== "loaded") {
      return state.kind === "failed" ? this.#failed(state.error, slot.locations, nullable) : null;
    }
    const data = state.data;
    const k = parentIndex(data, i);
    const perParent = plan.links[slot.link]!.requires !== null;
    if (data.kind === "single") {
      const p = data.targets[k]!;
      if (p === NO_TARGET) return null;
      if (p === FAILED_TARGET) {
        const error = failureOf(data.failures!.get(k), "link", plan.label, slot.name);
        return this.#failed(error, slot.locations, nullable);
      }
      const child = this.#child(data, k, p, perParent);
      return child === INVALID ? (nullable ? null : INVALID) : child;
    }
    if (data.instead !== null && data.instead.has(k)) {
      const instead = data.instead.get(k);
      if (instead === null) return null;
      return this.#failed(
        failureOf(instead, "link", plan.label, slot.name),
        slot.locations,
        nullable,
      );
    }
    const start = data.starts[k]!;
    const end = data.starts[k + 1]!;
    const itemsNullable = slot.shape.itemsNullable;
    const out = new Array(end - start);
    for (let t = start; t < end; t++) {
      const p = data.targets[t]!;
      if (p === NO_TARGET) {
        out[t - start] = null;
        continue;
      }
      this.#path.push(t - start);
      let child: unknown;
      if (p === FAILED_TARGET) {
        const error = failureOf(data.failures!.get(t), "link", plan.label, slot.name);
        child = this.#failed(error, slot.locations, itemsNullable);
      } else {
        child = this.#child(data, t, p, perParent);
      }
      this.#path.pop();
      if (child !== INVALID) out[t - start] = child;
      else if (itemsNullable) out[t - start] = null;
      // An item that may not be null and is nulls the list: as graphql-js, the items after it
      // are not completed, so their errors are not reported.
      else return nullable ? null : INVALID;
    }
    return out;
  }

  #child(
    data: LinkData,
    k: number,
    position: number,
    perParent: boolean,
  ): Denormalized | typeof INVALID {
    if (perParent) this.#level++;
    const child = this.node(targetBatch(data, k), position, null);
    if (perParent) this.#level--;
    return child;
  }

  /** Reports a failure at the current path; its place becomes null, or invalid when it may not. */
  #failed(error: unknown, locations: readonly SourceLocation[], nullable: boolean): unknown {
    this.#count++;
    const level = this.#levels[this.#level] ??= [];
    if (level.length < this.#max) {
      // An invalid argument points where its value was written, as graphql-js's does.
      level.push({
        error,
        path: [...this.#path],
        locations: error instanceof QueryReadError && error.locations.length > 0
          ? error.locations
          : locations,
      });
    }
    return nullable ? null : INVALID;
  }
}

/**
 * A loaded value that GraphQL's result coercion rejects. Its message names node (or record type)
 * and field; its `cause` is the coercion's error, whose message (graphql-js's) is what clients
 * read.
 */
export class SerializeError extends TypeError {
  /**
   * Creates the error.
   *
   * @param owner The node's label, or the record type's name.
   * @param field The field's name.
   * @param cause What the coercion threw.
   */
  constructor(owner: string, field: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`Cannot serialize ${owner}.${field}: ${detail}`, { cause });
    this.name = "SerializeError";
  }
}

/** A field the slow walk completes: a node's field, or a record's sub-field. */
interface FieldSite {
  /** The GraphQL type the field belongs to (a node's, or a record's type name). */
  readonly owner: string;
  /** The owner as loader errors name it (a node's label, or a record's type name). */
  readonly label: string;
  /** The field's name. */
  readonly name: string;
  /** Where every selection under its key was written. */
  readonly locations: readonly SourceLocation[];
}

/**
 * graphql-js's error for a null where a field's type takes none.
 *
 * @param owner The type's name.
 * @param field The field's name.
 * @returns The error.
 */
export function nullViolation(owner: string, field: string): TypeError {
  return new TypeError(`Cannot return null for non-nullable field ${owner}.${field}.`);
}

function notIterable(field: FieldSite): TypeError {
  return new TypeError(
    `Expected Iterable, but did not find one for field "${field.owner}.${field.name}".`,
  );
}
