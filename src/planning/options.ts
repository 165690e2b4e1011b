/**
 * Option values, from what a query wrote to what a loader receives: declared defaults applied,
 * enum names and custom scalars parsed, input objects given their fields' defaults. Literal
 * values are normalized once, when a query is planned; values that refer to variables are bound
 * when the loader runs, each time with that execution's variables, so one plan serves every set
 * of variable values.
 *
 * @module
 */

import { QueryReadError, type SourceLocation } from "../base/errors.ts";
import { setOwn } from "../base/_objects.ts";
import type { Graph } from "../definitions/graph.ts";
import type { Option } from "../definitions/option.ts";
import type { GraphType } from "../definitions/types.ts";
import { checkValue, namedTypesLookup, type TypeLookup } from "../definitions/_values.ts";
import { type QueryOptions, QueryVariable } from "../query/query.ts";

/** Variable values of one execution, coerced, by name without `$` (absent: not provided). */
export type Variables = { readonly [name: string]: unknown };

/** No variables. */
export const NO_VARIABLES: Variables = Object.freeze({});

/**
 * Turns the option values of a query into what a loader receives: declared defaults applied,
 * absent optional options left out, enum names and custom scalars parsed, input objects given
 * their fields' defaults (recursively). Defaults are written as query values and parsed too.
 *
 * @param declared The options the field or link declares.
 * @param given The values the query gives (no variable references).
 * @param graph Where enums, scalars and input types are found.
 * @returns The values a loader receives, or `null` when nothing is declared.
 */
export function normalizeOptions(
  declared: readonly Option[],
  given: QueryOptions | null,
  graph: Graph,
  owner: OptionsOwner | null = null,
): QueryOptions | null {
  if (declared.length === 0) return given;
  const out: { [name: string]: unknown } = {};
  for (const option of declared) {
    const value = given === null ? undefined : given[option.name];
    if (value !== undefined) {
      if (owner !== null) checkMappings(option, value, graph, owner);
      setOwn(out, option.name, parseValue(option.type, value, graph));
    } else if (option.hasDefault) {
      setOwn(out, option.name, parseValue(option.type, option.default, graph));
    }
  }
  return Object.freeze(out);
}

/**
 * A `Mapping` option's value, which GraphQL types as `Any` (so nothing else checked it), checked
 * against its key and value types, as the engine's own validation checks it.
 *
 * @throws {QueryReadError} When a mapping inside the value does not fit, at the option.
 */
function checkMappings(option: Option, value: unknown, graph: Graph, owner: OptionsOwner): void {
  if (!hasMapping(option.type, graph)) return;
  const problem = mappingProblem(option.type, value, graph, "");
  if (problem === null) return;
  throw new QueryReadError(
    `Argument "${owner.coordinate}(${option.name}:)" has invalid value${problem}`,
    owner.location === null ? [] : [owner.location],
  );
}

/**
 * Whether a type holds a `Mapping`, through lists, records, data types and input types; worked
 * out once per type of a graph (input types may refer to themselves).
 */
function hasMapping(type: GraphType, graph: Graph): boolean {
  let known = mappingTypes.get(graph);
  if (known === undefined) mappingTypes.set(graph, known = new Map());
  return holdsMapping(type, graph, known);
}

const mappingTypes = new WeakMap<Graph, Map<GraphType | string, boolean>>();

function holdsMapping(
  type: GraphType,
  graph: Graph,
  known: Map<GraphType | string, boolean>,
): boolean {
  switch (type.kind) {
    case "mapping":
      return true;
    case "optional":
    case "sequence":
      return holdsMapping(type.type, graph, known);
    case "record": {
      const seen = known.get(type);
      if (seen !== undefined) return seen;
      known.set(type, false);
      let holds = false;
      for (const name of Object.keys(type.fields)) {
        if (holdsMapping(type.fields[name]!, graph, known)) holds = true;
      }
      known.set(type, holds);
      return holds;
    }
    case "ref":
    case "inputRef": {
      // By name: a named type met again while it is being worked out holds nothing more.
      const key = `${type.kind}:${type.name}`;
      const seen = known.get(key);
      if (seen !== undefined) return seen;
      known.set(key, false);
      let holds = false;
      if (type.kind === "ref") {
        const record = graph.dataTypes.get(type.name);
        if (record !== undefined) holds = holdsMapping(record, graph, known);
      } else {
        for (const field of graph.inputsMap.get(type.name)?.fields ?? []) {
          if (holdsMapping(field.type, graph, known)) holds = true;
        }
      }
      known.set(key, holds);
      return holds;
    }
    default:
      return false;
  }
}

/**
 * The first mapping inside a value that does not fit its type, as the end of graphql-js's
 * sentence: ` at .filter["a"]: expected Int, got ...`, or `: expected ...` at the value itself.
 */
function mappingProblem(type: GraphType, value: unknown, graph: Graph, at: string): string | null {
  if (value === null || value === undefined || value instanceof QueryVariable) return null;
  switch (type.kind) {
    case "optional":
      return mappingProblem(type.type, value, graph, at);
    case "sequence":
      if (!Array.isArray(value)) return mappingProblem(type.type, value, graph, at);
      for (let i = 0; i < value.length; i++) {
        const problem = mappingProblem(type.type, value[i], graph, `${at}[${i}]`);
        if (problem !== null) return problem;
      }
      return null;
    case "mapping": {
      const problem = checkValue(type, value, lookupOf(graph));
      if (problem === null) return null;
      // checkValue says where inside the mapping, as `at ["key"]: ...`: one path in all.
      const inside = /^at ([^:]*): /.exec(problem);
      const path = inside === null ? at : at + inside[1];
      const what = inside === null ? problem : problem.slice(inside[0].length);
      return path === "" ? `: ${what}` : ` at ${path}: ${what}`;
    }
    case "ref": {
      const record = graph.dataTypes.get(type.name);
      return record === undefined ? null : mappingProblem(record, value, graph, at);
    }
    case "record":
    case "inputRef": {
      if (typeof value !== "object" || Array.isArray(value)) return null;
      const record = value as { readonly [key: string]: unknown };
      for (const key of Object.keys(record)) {
        const field = type.kind === "record"
          ? type.fields[key]
          : graph.inputsMap.get(type.name)?.fieldsMap.get(key)?.type;
        if (field === undefined) continue;
        const problem = mappingProblem(field, record[key], graph, `${at}.${key}`);
        if (problem !== null) return problem;
      }
      return null;
    }
    default:
      return null;
  }
}

const lookups = new WeakMap<Graph, TypeLookup>();

function lookupOf(graph: Graph): TypeLookup {
  let lookup = lookups.get(graph);
  if (lookup === undefined) {
    lookup = namedTypesLookup(graph.dataTypes, graph.enumsMap, graph.scalarsMap, graph.inputsMap);
    lookups.set(graph, lookup);
  }
  return lookup;
}

function parseValue(type: GraphType, value: unknown, graph: Graph): unknown {
  if (value === null || value === undefined) return value;
  switch (type.kind) {
    case "optional":
      return parseValue(type.type, value, graph);
    case "sequence":
      // One item stands for a list of one (GraphQL's input coercion).
      return Array.isArray(value)
        ? value.map((item) => parseValue(type.type, item, graph))
        : [parseValue(type.type, value, graph)];
    case "enumRef": {
      const definition = graph.enumsMap.get(type.name);
      return definition === undefined ? value : definition.parse(value);
    }
    case "scalarRef": {
      const definition = graph.scalarsMap.get(type.name);
      return definition === undefined ? value : definition.parse(unbig(value, false));
    }
    case "inputRef": {
      const definition = graph.inputsMap.get(type.name);
      if (definition === undefined || typeof value !== "object" || Array.isArray(value)) {
        return value;
      }
      return normalizeOptions(definition.fields, value as QueryOptions, graph);
    }
    case "scalar":
      return unbig(value, type.name === "ID");
    default:
      return value;
  }
}

/**
 * An integer literal beyond 2^53 is read exactly (a bigint): an `ID` keeps its text, as graphql-js
 * gives it; anything else gets the nearest number, in an `Any` or custom scalar's lists and
 * objects too.
 */
function unbig(value: unknown, id: boolean): unknown {
  if (typeof value === "bigint") return id ? String(value) : Number(value);
  if (id || value === null || typeof value !== "object") return value;
  // An `Any` or custom scalar literal's lists and objects (as graphql-js reads them: numbers).
  // Literals nest no deeper than the text's brackets, so this recursion is bounded.
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item = unbig(value[i], false);
      if (item !== value[i]) (out ??= value.slice())[i] = item;
    }
    return out ?? value;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const record = value as { readonly [key: string]: unknown };
  let out: { [key: string]: unknown } | null = null;
  for (const key of Object.keys(record)) {
    const item = unbig(record[key], false);
    if (item !== record[key]) setOwn(out ??= { ...record }, key, item);
  }
  return out ?? value;
}

/** Whether option values hold a variable reference anywhere. */
export function hasVariables(value: unknown): boolean {
  if (value instanceof QueryVariable) return true;
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) {
    for (const item of value) if (hasVariables(item)) return true;
    return false;
  }
  const record = value as { readonly [key: string]: unknown };
  for (const key of Object.keys(record)) if (hasVariables(record[key])) return true;
  return false;
}

/** Where options are bound, for messages: `Query.human` names the argument `Query.human(id:)`. */
export interface OptionsOwner {
  /** The GraphQL type and field, `Type.field`. */
  readonly coordinate: string;
  /** Where the selection was written. */
  readonly location: SourceLocation | null;
}

/** A value left out: a variable that was not provided, at the top of an option or in an object. */
const OMITTED: unique symbol = Symbol("omitted");

/**
 * Binds option values that refer to variables, then normalizes them as
 * {@linkcode normalizeOptions} does literal ones. An argument whose variable was not provided is
 * left out (its default applies), a list item becomes `null`, an input field is left out.
 *
 * @param declared The options the field or link declares.
 * @param given The values the query gives, with variable references.
 * @param variables This execution's variables.
 * @param graph Where enums, scalars and input types are found.
 * @param owner The field or link, for messages.
 * @returns The values a loader receives.
 * @throws {QueryReadError} When a variable gives `null` where the option's type does not allow
 *   it, with graphql-js's message and the variable's location.
 */
export function bindOptions(
  declared: readonly Option[],
  given: QueryOptions,
  variables: Variables,
  graph: Graph,
  owner: OptionsOwner,
): QueryOptions | null {
  const bound: { [name: string]: unknown } = {};
  for (const name of Object.keys(given)) {
    const template = given[name];
    const value = substitute(template, variables);
    if (value === OMITTED) continue;
    const option = declared.find((o) => o.name === name);
    if (option !== undefined && hasVariables(template)) {
      checkNulls(option.type, template, value, [], `${owner.coordinate}(${name}:)`, graph);
    }
    setOwn(bound, name, value);
  }
  return normalizeOptions(declared, bound, graph, owner);
}

/**
 * Binds the arguments of a directive written on a selection (no declared types: values as
 * given).
 *
 * @param args The arguments, with variable references.
 * @param variables This execution's variables.
 * @returns The bound arguments.
 */
export function bindArguments(args: QueryOptions, variables: Variables): QueryOptions {
  const out: { [name: string]: unknown } = {};
  for (const name of Object.keys(args)) {
    const value = substitute(args[name], variables);
    if (value !== OMITTED) setOwn(out, name, value);
  }
  return Object.freeze(out);
}

function substitute(value: unknown, variables: Variables): unknown {
  if (value instanceof QueryVariable) {
    const given = Object.hasOwn(variables, value.name) ? variables[value.name] : undefined;
    return given === undefined ? OMITTED : given;
  }
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = substitute(value[i], variables);
      out[i] = item === OMITTED ? null : item;
    }
    return out;
  }
  const record = value as { readonly [key: string]: unknown };
  const out: { [key: string]: unknown } = {};
  for (const key of Object.keys(record)) {
    const item = substitute(record[key], variables);
    if (item !== OMITTED) setOwn(out, key, item);
  }
  return out;
}

/**
 * Reports a variable giving `null` (or nothing) where the type requires a value, as graphql-js's
 * argument coercion does. Only positions written with variables can hold such a `null`: literals
 * were validated.
 */
function checkNulls(
  type: GraphType,
  template: unknown,
  value: unknown,
  path: readonly (string | number)[],
  argument: string,
  graph: Graph,
): void {
  const required = type.kind !== "optional" && !(type.kind === "scalar" && type.name === "Any");
  if (template instanceof QueryVariable) {
    if (!required || (value !== null && value !== undefined && value !== OMITTED)) return;
    const detail = value === null
      ? `Expected variable "$${template.name}" provided to non-null type "${
        inputTypeName(type, graph)
      }" not to be null.`
      : `Expected variable "$${template.name}" provided to type "${
        inputTypeName(type, graph)
      }" to provide a runtime value.`;
    throw new QueryReadError(
      `Argument "${argument}" has invalid value${printPath(path)}: ${detail}`,
      template.location === null ? [] : [template.location],
    );
  }
  if (template === null || typeof template !== "object") return;
  const inner = type.kind === "optional" ? type.type : type;
  if (Array.isArray(template)) {
    if (inner.kind !== "sequence" || !Array.isArray(value)) return;
    for (let i = 0; i < template.length; i++) {
      if (hasVariables(template[i])) {
        checkNulls(inner.type, template[i], value[i], [...path, i], argument, graph);
      }
    }
    return;
  }
  if (inner.kind === "sequence") {
    // One value where a list goes is a list of it (GraphQL's input coercion): its item's checks,
    // at the same path, as graphql-js reports them.
    checkNulls(
      inner.type,
      template,
      Array.isArray(value) ? value[0] : value,
      path,
      argument,
      graph,
    );
    return;
  }
  const input = inner.kind === "inputRef" ? graph.inputsMap.get(inner.name) : undefined;
  if (input === undefined || value === null || typeof value !== "object") return;
  const record = template as { readonly [key: string]: unknown };
  const bound = value as { readonly [key: string]: unknown };
  for (const key of Object.keys(record)) {
    const field = input.fieldsMap.get(key);
    if (field === undefined || !hasVariables(record[key])) continue;
    const fieldValue = Object.hasOwn(bound, key) ? bound[key] : OMITTED;
    // An input field left out takes its default, or stays absent when it may.
    if (fieldValue === OMITTED && (field.hasDefault || field.type.kind === "optional")) continue;
    checkNulls(field.type, record[key], fieldValue, [...path, key], argument, graph);
  }
}

function printPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return "";
  return ` at ${path.map((key) => typeof key === "number" ? `[${key}]` : `.${key}`).join("")}`;
}

/** How the GraphQL schema names an option's type (for messages). */
function inputTypeName(type: GraphType, graph: Graph): string {
  if (type.kind === "optional") {
    const inner = inputTypeName(type.type, graph);
    return inner.endsWith("!") ? inner.slice(0, -1) : inner;
  }
  if (type.kind === "scalar" && type.name === "Any") return "Any";
  return `${nullableInputTypeName(type, graph)}!`;
}

function nullableInputTypeName(type: GraphType, graph: Graph): string {
  switch (type.kind) {
    case "scalar":
      return type.name;
    case "sequence":
      return `[${inputTypeName(type.type, graph)}]`;
    case "ref":
      return graph.dataTypes.has(type.name) ? `IO${type.name}` : type.name;
    case "mapping":
      return "Any";
    case "record":
      return "Object";
    case "optional":
      return nullableInputTypeName(type.type, graph);
    default:
      return type.name;
  }
}
