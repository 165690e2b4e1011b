/**
 * Prints any value for an error message, with caps on length and depth so that a loader result
 * of 10,000 rows never turns into a megabyte of text.
 *
 * @module
 */

const MAX_ITEMS = 10;
const MAX_DEPTH = 2;
const MAX_STRING = 80;

/**
 * Prints a value for a message: strings quoted, at most 10 items per list or object and 2 levels.
 *
 * @param value Anything.
 * @returns A short, single-line description.
 */
export function inspect(value: unknown): string {
  return formatValue(value, 0, []);
}

/** A name or description as it is when plain printable ASCII, else as a JSON string. */
function printable(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) && !text.includes('"') ? text : JSON.stringify(text);
}

function formatValue(value: unknown, depth: number, seen: unknown[]): string {
  switch (typeof value) {
    case "function": {
      let name: unknown;
      try {
        name = value.name;
      } catch {
        name = "";
      }
      return typeof name === "string" && name !== ""
        ? `[function ${printable(name)}]`
        : "[function]";
    }
    case "symbol":
      return value.description === undefined
        ? "Symbol()"
        : `Symbol(${printable(value.description)})`;
  }
  if (typeof value !== "object" || value === null) return formatPrimitive(value);
  // Getters and Proxy traps run here: one that throws must not replace the error being built.
  try {
    return formatObject(value, depth, seen);
  } catch {
    return "[unreadable]";
  }
}

function formatPrimitive(value: unknown): string {
  switch (typeof value) {
    case "string": {
      const text = value.length > MAX_STRING ? value.slice(0, MAX_STRING) + "…" : value;
      return JSON.stringify(text);
    }
    case "bigint":
      return `${value}n`;
    case "undefined":
      return "undefined";
    case "number":
    case "boolean":
      return String(value);
  }
  return "null";
}

function formatObject(value: object, depth: number, seen: unknown[]): string {
  if (seen.includes(value)) return "[Circular]";
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value instanceof Date) {
    // An invalid date's toISOString throws (postgres.js reads 'infinity' as one).
    return `Date(${Number.isNaN(value.getTime()) ? "invalid" : value.toISOString()})`;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (depth >= MAX_DEPTH) return `[Array(${value.length})]`;
    const next = [...seen, value];
    const shown = value.slice(0, MAX_ITEMS).map((v) => formatValue(v, depth + 1, next));
    if (value.length > MAX_ITEMS) shown.push(`… ${value.length - MAX_ITEMS} more`);
    return `[${shown.join(", ")}]`;
  }
  const obj = value as { [key: string]: unknown };
  const keys = Object.keys(obj);
  const tag = objectTag(obj);
  if (keys.length === 0) return tag ? `${tag} {}` : "{}";
  if (depth >= MAX_DEPTH) return tag ? `[${tag}]` : "[Object]";
  const next = [...seen, value];
  const shown = keys.slice(0, MAX_ITEMS).map((k) =>
    `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${property(obj, k, depth + 1, next)}`
  );
  if (keys.length > MAX_ITEMS) shown.push(`… ${keys.length - MAX_ITEMS} more`);
  return `${tag ? tag + " " : ""}{ ${shown.join(", ")} }`;
}

/** A property printed, or `[unreadable]` when its getter throws. */
function property(
  obj: { [key: string]: unknown },
  key: string,
  depth: number,
  seen: unknown[],
): string {
  let value: unknown;
  try {
    value = obj[key];
  } catch {
    return "[unreadable]";
  }
  return formatValue(value, depth, seen);
}

function objectTag(obj: object): string {
  const proto = Object.getPrototypeOf(obj);
  if (proto === null || proto === Object.prototype) return "";
  const name = proto.constructor?.name;
  return typeof name === "string" && name !== "Object" ? name : "";
}

/**
 * Describes what kind of value something is, for "expected X, got Y" messages.
 *
 * @param value Anything.
 * @returns e.g. `array (length 3)`, `string "x"`, `null`.
 */
export function describe(value: unknown): string {
  if (Array.isArray(value)) return `array (length ${value.length}) ${inspect(value)}`;
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  return `${typeof value} ${inspect(value)}`;
}

/**
 * Suggests up to five names close to an unknown one, as graphql-js does.
 *
 * @param input The unknown name.
 * @param options Known names.
 * @returns A sentence starting with a space (` Did you mean "a" or "b"?`), or `""`.
 */
export function didYouMean(input: string, options: Iterable<string>): string {
  const threshold = Math.floor(input.length * 0.4) + 1;
  const lowered = input.toLowerCase();
  const scored: [string, number][] = [];
  for (const option of options) {
    const distance = lowered === option.toLowerCase()
      ? 1
      : levenshtein(lowered, option.toLowerCase());
    if (distance <= threshold) scored.push([option, distance]);
  }
  if (scored.length === 0) return "";
  scored.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const names = scored.slice(0, 5).map(([name]) => `"${name}"`);
  if (names.length === 1) return ` Did you mean ${names[0]}?`;
  const last = names.pop();
  return ` Did you mean ${names.join(", ")} or ${last}?`;
}

function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = new Array<number>(b.length + 1);
  let curr = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    curr[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      curr[j] = Math.min(prev[j]! + 1, curr[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, curr] = [curr, prev];
  }
  return prev[b.length]!;
}
