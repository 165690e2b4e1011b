/**
 * Prints a value the way graphql-js 17's `inspect` (jsutils/inspect.ts) does, for messages that
 * must read exactly as graphql-js's: result coercion errors ("Int cannot represent ...").
 *
 * @module
 */

const MAX_ARRAY_LENGTH = 10;
const MAX_RECURSIVE_DEPTH = 2;

/**
 * Prints a value as graphql-js's `inspect` does.
 *
 * @param value Anything.
 * @returns The same text graphql-js 17 prints.
 */
export function inspectGraphQL(value: unknown): string {
  return formatValue(value, []);
}

function formatValue(value: unknown, seen: readonly unknown[]): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "function":
      return value.name ? `[function ${value.name}]` : "[function]";
    case "object":
      return formatObjectValue(value, seen);
    default:
      return String(value);
  }
}

function formatObjectValue(value: object | null, previouslySeen: readonly unknown[]): string {
  if (value === null) return "null";
  if (previouslySeen.includes(value)) return "[Circular]";
  const seen = [...previouslySeen, value];
  const jsonable = value as { toJSON?: unknown };
  if (typeof jsonable.toJSON === "function") {
    const json = (jsonable.toJSON as () => unknown).call(value);
    if (json !== value) return typeof json === "string" ? json : formatValue(json, seen);
  } else if (Array.isArray(value)) {
    return formatArray(value, seen);
  }
  return formatObject(value, seen);
}

function formatObject(object: object, seen: readonly unknown[]): string {
  const entries = Object.entries(object);
  if (entries.length === 0) return "{}";
  if (seen.length > MAX_RECURSIVE_DEPTH) return "[" + objectTag(object) + "]";
  const properties = entries.map(([key, value]) => key + ": " + formatValue(value, seen));
  return "{ " + properties.join(", ") + " }";
}

function formatArray(array: readonly unknown[], seen: readonly unknown[]): string {
  if (array.length === 0) return "[]";
  if (seen.length > MAX_RECURSIVE_DEPTH) return "[Array]";
  const len = Math.min(MAX_ARRAY_LENGTH, array.length);
  const remaining = array.length - len;
  const items: string[] = [];
  for (let i = 0; i < len; ++i) items.push(formatValue(array[i], seen));
  if (remaining === 1) items.push("... 1 more item");
  else if (remaining > 1) items.push(`... ${remaining} more items`);
  return "[" + items.join(", ") + "]";
}

function objectTag(object: object): string {
  const tag = Object.prototype.toString.call(object).replace(/^\[object /, "").replace(/]$/, "");
  if (tag === "Object" && typeof object.constructor === "function") {
    const name = object.constructor.name;
    if (typeof name === "string" && name !== "") return name;
  }
  return tag;
}
