/**
 * Builds queries in code: `Q.name` selects a field, calling it with children selects a link, and
 * `build` turns the handles into the same query AST that `read` and `readSimple` give.
 *
 * ```ts
 * import { build, Q as AnyQ, type QueryBuilder } from "./builder.ts";
 *
 * const Q: QueryBuilder<"characters" | "actors" | "name" | "species"> = AnyQ;
 * const query = build([
 *   Q.characters.options({ limit: 10 })(
 *     Q.name,
 *     Q.species,
 *     Q.actors(Q.name).as("cast"),
 *   ),
 * ]);
 * // the same AST as read('{ characters(limit: 10) { name species cast: actors { name } } }')
 * ```
 *
 * `Q` has a property for every name, so TypeScript types it with an index signature. Under the
 * compiler option `noUncheckedIndexedAccess` (which this project turns on) that makes `Q.name`
 * possibly `undefined`, so the example names the fields it uses with {@linkcode QueryBuilder}: an
 * annotation, not a cast. Without that option (Deno's default), use `Q` directly:
 * `build([Q.characters(Q.name)])`.
 *
 * Handles are immutable: `options` and `as` return new handles, so a handle kept in a variable
 * (`const name = Q.name`) can be used in several places.
 *
 * @module
 */

import { inspect } from "../base/_inspect.ts";
import { isPlainObject, setOwn } from "../base/_objects.ts";
import { MAX_NESTING } from "./_nesting.ts";
import {
  merge,
  type QueryField,
  queryField,
  type QueryLink,
  queryLink,
  type QueryNode,
  queryNode,
  type QueryOptions,
} from "./query.ts";

/**
 * A field selection: `Q.name`. Call it with child handles to make it a link.
 *
 * @example
 * ```ts
 * import { Q as AnyQ, type QueryBuilder } from "./builder.ts";
 * const Q: QueryBuilder<"characters" | "name" | "species"> = AnyQ;
 * const name = Q.name; // a field
 * const first = Q.characters.options({ limit: 1 }); // a field with options
 * const link = first(name, Q.species); // a link selecting name and species
 * ```
 */
export interface FieldHandle {
  /**
   * Selects this name as a link with a sub-selection.
   *
   * @param children What to select on the linked node.
   * @returns A link handle with this handle's name, options and alias.
   * @throws {TypeError} When a child is not a handle.
   */
  (...children: readonly QueryHandle[]): LinkHandle;
  /**
   * Adds option values (arguments); later values for the same name replace earlier ones.
   *
   * @param options Option name to value.
   * @returns A new field handle.
   * @throws {TypeError} When `options` is not a plain object, or a value refers to itself or
   *   nests deeper than 256 levels (the message names the option). Values are copied and frozen.
   */
  options(options: QueryOptions): FieldHandle;
  /**
   * Sets the name the field has in the result.
   *
   * @param alias The result key.
   * @returns A new field handle.
   * @throws {TypeError} When `alias` is not a non-empty string.
   */
  as(alias: string): FieldHandle;
}

/** A link selection: `Q.characters(Q.name)`. */
export interface LinkHandle {
  /**
   * Adds option values (arguments); later values for the same name replace earlier ones.
   *
   * @param options Option name to value.
   * @returns A new link handle.
   * @throws {TypeError} When `options` is not a plain object, or a value refers to itself or
   *   nests deeper than 256 levels (the message names the option). Values are copied and frozen.
   */
  options(options: QueryOptions): LinkHandle;
  /**
   * Sets the name the link has in the result.
   *
   * @param alias The result key.
   * @returns A new link handle.
   * @throws {TypeError} When `alias` is not a non-empty string.
   */
  as(alias: string): LinkHandle;
}

/** Any selection made with {@linkcode Q}. */
export type QueryHandle = FieldHandle | LinkHandle;

/**
 * The type of {@linkcode Q}: every property is a field handle. With `noUncheckedIndexedAccess`,
 * TypeScript types `Q.name` as possibly `undefined`; annotate a constant with the names you use
 * to avoid that (`Q` is assignable to it, no cast needed).
 *
 * @typeParam Names The field names, `string` for any.
 * @example
 * ```ts
 * import { build, Q as AnyQ, type QueryBuilder } from "./builder.ts";
 * const Q: QueryBuilder<"characters" | "name"> = AnyQ;
 * build([Q.characters(Q.name)]);
 * ```
 */
export type QueryBuilder<Names extends string = string> = {
  readonly [N in Names]: FieldHandle;
};

/** What a handle stands for; kept under a private symbol so it never clashes with a field name. */
interface HandleSpec {
  readonly name: string;
  readonly alias: string | null;
  readonly options: QueryOptions | null;
  /** `null` for a field; the children of a link. */
  readonly children: readonly QueryHandle[] | null;
}

const SPEC: unique symbol = Symbol("hiku-ts.QueryHandle");

type Spec = { readonly [SPEC]: HandleSpec };

function specOf(value: unknown): HandleSpec | null {
  if (
    (typeof value === "function" || (typeof value === "object" && value !== null)) && SPEC in value
  ) {
    return (value as Spec)[SPEC];
  }
  return null;
}

function describeSpec(spec: HandleSpec): string {
  return `Q.${spec.name}`;
}

function withOptions(spec: HandleSpec, options: QueryOptions): HandleSpec {
  if (!isPlainObject(options)) {
    throw new TypeError(
      `Cannot set options of ${describeSpec(spec)}: expected an object of option values, got ` +
        inspect(options),
    );
  }
  const out: { [name: string]: unknown } = { ...spec.options };
  for (const name of Object.keys(options)) {
    setOwn(out, name, frozenValue(options[name], spec, name, 0));
  }
  return { ...spec, options: Object.freeze(out) };
}

/**
 * A frozen copy of an option value's lists and plain objects (what the query keeps cannot change
 * under its index key); other values as they are. Values nested deeper than a query's text may
 * nest, or that refer to themselves, are refused.
 */
function frozenValue(value: unknown, spec: HandleSpec, name: string, depth: number): unknown {
  if (typeof value !== "object" || value === null) return value;
  const array = Array.isArray(value);
  if (!array && !isPlainObject(value)) return value;
  if (depth >= MAX_NESTING) {
    throw new TypeError(
      `Cannot set option "${name}" of ${describeSpec(spec)}: its value nests deeper than ` +
        `${MAX_NESTING} levels, or refers to itself`,
    );
  }
  if (array) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = frozenValue(value[i], spec, name, depth + 1);
    return Object.freeze(out);
  }
  const record = value as { readonly [key: string]: unknown };
  const out: { [key: string]: unknown } = {};
  for (const key of Object.keys(record)) {
    setOwn(out, key, frozenValue(record[key], spec, name, depth + 1));
  }
  return Object.freeze(out);
}

function withAlias(spec: HandleSpec, alias: string): HandleSpec {
  if (typeof alias !== "string" || alias === "") {
    throw new TypeError(
      `Cannot set the alias of ${describeSpec(spec)}: expected a non-empty string, got ` +
        inspect(alias),
    );
  }
  return { ...spec, alias };
}

function fieldHandle(spec: HandleSpec): FieldHandle {
  const handle = (...children: readonly QueryHandle[]): LinkHandle => {
    for (let i = 0; i < children.length; i++) {
      if (specOf(children[i]) === null) {
        throw new TypeError(
          `Cannot make link ${describeSpec(spec)}: expected query handles such as Q.name, got ` +
            `${inspect(children[i])} at position ${i}`,
        );
      }
    }
    return linkHandle({ ...spec, children: Object.freeze([...children]) });
  };
  Object.defineProperties(handle, {
    [SPEC]: { value: spec },
    options: { value: (options: QueryOptions) => fieldHandle(withOptions(spec, options)) },
    as: { value: (alias: string) => fieldHandle(withAlias(spec, alias)) },
  });
  return Object.freeze(handle) as FieldHandle;
}

function linkHandle(spec: HandleSpec): LinkHandle {
  const handle = {
    [SPEC]: spec,
    options: (options: QueryOptions): LinkHandle => linkHandle(withOptions(spec, options)),
    as: (alias: string): LinkHandle => linkHandle(withAlias(spec, alias)),
  };
  return Object.freeze(handle);
}

/**
 * The query builder: `Q.name` is a field handle for `name`, whatever the name. Symbols are not
 * field names and read as `undefined`.
 *
 * @example
 * ```ts
 * import { build, Q as AnyQ, type QueryBuilder } from "./builder.ts";
 * const Q: QueryBuilder<"characters" | "name" | "species"> = AnyQ;
 * const query = build([Q.characters(Q.name, Q.species.as("kind"))]);
 * query.fields[0]?.name; // "characters"
 * ```
 */
export const Q: QueryBuilder = new Proxy(Object.freeze(Object.create(null)), {
  get(_target, key) {
    if (typeof key === "symbol") return undefined;
    return fieldHandle({ name: key, alias: null, options: null, children: null });
  },
});

/** What {@linkcode build} accepts besides the handles. */
export interface BuildOptions {
  /** Run root members one after another, in order (as a mutation does). */
  readonly ordered?: boolean;
}

/**
 * Builds the query AST from handles, merging repeated selections as the readers do.
 *
 * @param items Field and link handles made with {@linkcode Q}.
 * @param options `ordered: true` for a mutation-like root.
 * @returns The merged query.
 * @throws {TypeError} When an item is not a handle.
 * @example
 * ```ts
 * import { build, Q as AnyQ, type QueryBuilder } from "./builder.ts";
 * const Q: QueryBuilder<"characters" | "name"> = AnyQ;
 * const query = build([Q.characters.options({ limit: 10 })(Q.name)]);
 * query.fields[0]?.options; // { limit: 10 }
 * ```
 */
export function build(items: readonly QueryHandle[], options: BuildOptions = {}): QueryNode {
  if (!Array.isArray(items)) {
    throw new TypeError(
      `Cannot build a query: expected an array of query handles, got ${inspect(items)}`,
    );
  }
  for (let i = 0; i < items.length; i++) {
    if (specOf(items[i]) === null) {
      throw new TypeError(
        `Cannot build a query: expected query handles such as Q.name, got ${inspect(items[i])} ` +
          `at index ${i}`,
      );
    }
  }
  return buildNode(items, options.ordered === true);
}

function buildNode(handles: readonly QueryHandle[], ordered: boolean): QueryNode {
  const fields: (QueryField | QueryLink)[] = [];
  for (const handle of handles) {
    const spec = specOf(handle)!;
    const init = { alias: spec.alias, options: nonEmpty(spec.options) };
    fields.push(
      spec.children === null
        ? queryField(spec.name, init)
        : queryLink(spec.name, buildNode(spec.children, false), init),
    );
  }
  return merge([queryNode(fields, [], ordered)]);
}

function nonEmpty(options: QueryOptions | null): QueryOptions | null {
  if (options === null) return null;
  for (const _ in options) return options;
  return null;
}
