/**
 * Checking a JavaScript value against a graph type: option values given in a query, option
 * defaults declared in a graph. {@linkcode checkValue} says whether a value fits and, when it
 * does not, what is wrong and where inside the value, e.g. `at [2].episode: expected Int, got
 * string "ten"`.
 *
 * Named types (data types, enums, input types, custom scalars) are found through a
 * {@linkcode TypeLookup}, so the engine and the GraphQL layer can each supply what they know.
 *
 * @module
 */

import type { Enum } from "./enum.ts";
import type { Input } from "./input.ts";
import type { Scalar } from "./scalar.ts";
import type { GraphType, RecordType } from "./types.ts";
import { typeToString } from "./types.ts";
import { describe, didYouMean, inspect } from "../base/_inspect.ts";
import { isPlainObject } from "../base/_objects.ts";

/** A field of an input object type: what {@linkcode TypeLookup.inputFields} gives (an `Option` fits). */
export interface InputFieldLike {
  /** The field's name. */
  readonly name: string;
  /** The field's type. */
  readonly type: GraphType;
  /** Whether the field has a default, so that it may be omitted. */
  readonly hasDefault: boolean;
}

/**
 * Where {@linkcode checkValue} finds named types. Only `dataType` is required; for an `EnumRef`,
 * `InputRef` or `ScalarRef` that the lookup cannot resolve, any value is accepted.
 */
export interface TypeLookup {
  /**
   * Gives the record of a named data type (what `TypeRef(name)` means in a field or option).
   *
   * @param name The data type's name.
   * @returns Its record type, or `undefined` when there is no such data type.
   */
  dataType(name: string): RecordType | undefined;
  /**
   * Gives the values of a named enum.
   *
   * @param name The enum's name.
   * @returns Its values, or `undefined` when unknown (then any value is accepted).
   */
  enumValues?(name: string): readonly unknown[] | undefined;
  /**
   * Gives the fields of a named input object type.
   *
   * @param name The input type's name.
   * @returns Its fields, or `undefined` when unknown (then any value is accepted).
   */
  inputFields?(name: string): readonly InputFieldLike[] | undefined;
  /**
   * Gives a checker for a named custom scalar.
   *
   * @param name The scalar's name.
   * @returns A function giving a problem description or `null`, or `undefined` when unknown
   *   (then any value is accepted).
   */
  scalar?(name: string): ((value: unknown) => string | null) | undefined;
}

/**
 * Makes a {@linkcode TypeLookup} that knows data types only.
 *
 * @param dataTypes Data type name to record type, as a Map or a plain object.
 * @returns A lookup over them.
 * @example
 * ```ts
 * import { checkValue, dataTypesLookup } from "./_values.ts";
 * import { Int, Record, TypeRef } from "./types.ts";
 * const lookup = dataTypesLookup({ Appearance: Record({ episode: Int }) });
 * checkValue(TypeRef("Appearance"), { episode: 1 }, lookup); // null
 * ```
 */
export function dataTypesLookup(
  dataTypes: ReadonlyMap<string, RecordType> | { readonly [name: string]: RecordType },
): TypeLookup {
  if (dataTypes instanceof Map) {
    const map = dataTypes as ReadonlyMap<string, RecordType>;
    return { dataType: (name) => map.get(name) };
  }
  const obj = dataTypes as { readonly [name: string]: RecordType };
  return { dataType: (name) => Object.hasOwn(obj, name) ? obj[name] : undefined };
}

/**
 * Makes a {@linkcode TypeLookup} over a graph's named types: data types, enums (values checked
 * by name), custom scalars (checked by their `parse`) and input types.
 *
 * @param dataTypes Data types by name.
 * @param enums Enums by name.
 * @param scalars Custom scalars by name.
 * @param inputs Input types by name.
 * @returns The lookup.
 */
export function namedTypesLookup(
  dataTypes: ReadonlyMap<string, RecordType>,
  enums: ReadonlyMap<string, Enum>,
  scalars: ReadonlyMap<string, Scalar>,
  inputs: ReadonlyMap<string, Input>,
): TypeLookup {
  return {
    dataType: (name) => dataTypes.get(name),
    enumValues: (name) => enums.get(name)?.values.map((v) => v.name),
    inputFields: (name) => inputs.get(name)?.fields,
    scalar: (name) => {
      const scalar = scalars.get(name);
      if (scalar === undefined) return undefined;
      return (value) => {
        try {
          scalar.parse(value);
          return null;
        } catch (error) {
          return error instanceof Error ? error.message : String(error);
        }
      };
    },
  };
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

type Segment = string | number | { readonly key: string };

interface Mismatch {
  readonly path: Segment[];
  readonly message: string;
}

/**
 * Checks a value against a type.
 *
 * Rules: `Int` is an integer number in the 32-bit signed range; `Float` a finite number; `Str` a
 * string; `Bool` a boolean; `ID` a string or an integer number; `Any` anything. `Optional(T)` is
 * `null`, `undefined` or a `T`; `Sequence(T)` an array of `T`; `Mapping(K, V)` a plain object
 * whose keys fit `K` (read as text: an `Int` key must be written as an integer) and whose values
 * fit `V`; a `Record` a plain object with exactly its fields (a field typed `Optional(...)` may be
 * left out); `TypeRef(name)` the named data type's record.
 *
 * @param type The type the value should have.
 * @param value The value.
 * @param lookup Where named types are found.
 * @returns `null` when the value fits, else a short description of the first mismatch, starting
 *   with where it is inside the value when it is not the value itself.
 * @example
 * ```ts
 * import { checkValue, dataTypesLookup } from "./_values.ts";
 * import { Int, Sequence, Str } from "./types.ts";
 * const lookup = dataTypesLookup({});
 * checkValue(Int, "ten", lookup); // 'expected Int, got string "ten"'
 * checkValue(Sequence(Str), ["a", "b", null], lookup); // 'at [2]: expected Str, got null'
 * ```
 */
export function checkValue(type: GraphType, value: unknown, lookup: TypeLookup): string | null {
  const mismatch = check(type, value, lookup);
  if (mismatch === null) return null;
  if (mismatch.path.length === 0) return mismatch.message;
  return `at ${formatPath(mismatch.path)}: ${mismatch.message}`;
}

function check(type: GraphType, value: unknown, lookup: TypeLookup): Mismatch | null {
  switch (type.kind) {
    case "scalar":
      return checkScalar(type.name, value) ? null : expected(type, value);
    case "optional":
      return value === null || value === undefined ? null : check(type.type, value, lookup);
    case "sequence": {
      // As GraphQL's input coercion says, one item stands for a list of one.
      if (!Array.isArray(value)) {
        return value === null || check(type.type, value, lookup) !== null
          ? expected(type, value)
          : null;
      }
      for (let i = 0; i < value.length; i++) {
        const inner = check(type.type, value[i], lookup);
        if (inner !== null) return within(i, inner);
      }
      return null;
    }
    case "mapping": {
      if (!isPlainObject(value)) return expected(type, value);
      for (const key of Object.keys(value)) {
        if (!checkKey(type.key, key, lookup)) {
          return {
            path: [],
            message: `key ${JSON.stringify(key)} does not fit ${typeToString(type.key)}`,
          };
        }
        const inner = check(type.value, value[key], lookup);
        if (inner !== null) return within({ key }, inner);
      }
      return null;
    }
    case "record":
      return isPlainObject(value) ? checkFields(recordFields(type), value, lookup) : expected(
        type,
        value,
      );
    case "ref": {
      const record = lookup.dataType(type.name);
      if (record === undefined) {
        return { path: [], message: `${typeToString(type)} does not name a data type` };
      }
      return isPlainObject(value) ? checkFields(recordFields(record), value, lookup) : expected(
        type,
        value,
      );
    }
    case "enumRef": {
      const values = lookup.enumValues?.(type.name);
      if (values === undefined || values.includes(value)) return null;
      const shown = values.slice(0, 10).map((v) => inspect(v)).join(", ");
      const more = values.length > 10 ? ", …" : "";
      return {
        path: [],
        message: `expected ${typeToString(type)} (one of ${shown}${more}), got ${describe(value)}`,
      };
    }
    case "inputRef": {
      const fields = lookup.inputFields?.(type.name);
      if (fields === undefined) return null;
      return isPlainObject(value) ? checkFields(fields, value, lookup) : expected(type, value);
    }
    case "scalarRef": {
      const checker = lookup.scalar?.(type.name);
      if (checker === undefined) return null;
      const problem = checker(value);
      return problem === null ? null : { path: [], message: problem };
    }
    case "unionRef":
    case "interfaceRef":
      return { path: [], message: `${typeToString(type)} does not describe a value` };
  }
}

function checkScalar(name: string, value: unknown): boolean {
  switch (name) {
    case "Int":
      return isInt(value);
    case "Float":
      return typeof value === "number" && Number.isFinite(value);
    case "String":
      return typeof value === "string";
    case "Boolean":
      return typeof value === "boolean";
    case "ID":
      return typeof value === "string" || (typeof value === "number" && Number.isInteger(value));
    default:
      return true;
  }
}

function isInt(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= INT_MIN &&
    value <= INT_MAX;
}

/** Checks a mapping key, which is always text in a plain object, against the key type. */
function checkKey(type: GraphType, key: string, lookup: TypeLookup): boolean {
  if (type.kind === "scalar") {
    switch (type.name) {
      case "Int":
        return /^-?\d+$/.test(key) && isInt(Number(key));
      case "Float":
        return key.trim() !== "" && Number.isFinite(Number(key));
      case "Boolean":
        return key === "true" || key === "false";
      default:
        return true;
    }
  }
  return check(type, key, lookup) === null;
}

function recordFields(record: RecordType): InputFieldLike[] {
  const out: InputFieldLike[] = [];
  for (const name of Object.keys(record.fields)) {
    out.push({ name, type: record.fields[name]!, hasDefault: false });
  }
  return out;
}

function checkFields(
  fields: readonly InputFieldLike[],
  value: { readonly [key: string]: unknown },
  lookup: TypeLookup,
): Mismatch | null {
  const known = new Set<string>();
  for (const field of fields) known.add(field.name);
  const unknown: string[] = [];
  for (const key of Object.keys(value)) if (!known.has(key)) unknown.push(key);
  if (unknown.length > 0) {
    const hint = unknown.length === 1 ? didYouMean(unknown[0]!, known) : "";
    const noun = unknown.length === 1 ? "field" : "fields";
    return { path: [], message: withHint(`unknown ${noun} ${quoteAll(unknown)}`, hint) };
  }
  const missing: string[] = [];
  for (const field of fields) {
    if (value[field.name] === undefined && !field.hasDefault && field.type.kind !== "optional") {
      missing.push(field.name);
    }
  }
  if (missing.length > 0) {
    const noun = missing.length === 1 ? "field" : "fields";
    return { path: [], message: `missing ${noun} ${quoteAll(missing)}` };
  }
  for (const field of fields) {
    const fieldValue = value[field.name];
    if (fieldValue === undefined) continue;
    const inner = check(field.type, fieldValue, lookup);
    if (inner !== null) return within(field.name, inner);
  }
  return null;
}

function expected(type: GraphType, value: unknown): Mismatch {
  let message = `expected ${typeToString(type)}, got ${describe(value)}`;
  if (
    type.kind === "scalar" && type.name === "Int" && typeof value === "number" &&
    Number.isInteger(value)
  ) {
    message += " (outside the 32-bit range)";
  }
  return { path: [], message };
}

function within(segment: Segment, inner: Mismatch): Mismatch {
  return { path: [segment, ...inner.path], message: inner.message };
}

function withHint(message: string, hint: string): string {
  return hint === "" ? message : `${message}.${hint}`;
}

function quoteAll(names: readonly string[]): string {
  return names.map((name) => JSON.stringify(name)).join(", ");
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function formatPath(path: readonly Segment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "string") {
      out += IDENTIFIER.test(segment)
        ? (out === "" ? segment : `.${segment}`)
        : `[${JSON.stringify(segment)}]`;
    } else out += `[${JSON.stringify(segment.key)}]`;
  }
  return out;
}
