/**
 * How deep a value nests (internal), found without recursion: variable values come from clients,
 * and every later step that walks them (coercion, binding, canonical keys, JSON) recurses once
 * per level, so a value nested 100,000 deep must be refused before any of them sees it.
 *
 * @module
 */

/** The deepest nesting of arrays and objects a client-given value may have. */
export const MAX_VALUE_DEPTH = 128;

/**
 * Finds whether a value nests arrays and objects deeper than a limit (a value that refers to
 * itself always does).
 *
 * @param value Any value.
 * @param limit The deepest nesting allowed (a plain array or object is 1).
 * @returns The depth reached past the limit (`limit + 1`), or `null` when the value stays within it.
 */
export function tooDeepValue(value: unknown, limit: number = MAX_VALUE_DEPTH): number | null {
  if (value === null || typeof value !== "object") return null;
  const values: unknown[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const current = values.pop() as object;
    const depth = depths.pop()!;
    if (depth > limit) return depth;
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) {
        const item: unknown = current[i];
        if (item !== null && typeof item === "object") {
          values.push(item);
          depths.push(depth + 1);
        }
      }
    } else {
      const record = current as { readonly [key: string]: unknown };
      for (const key in record) {
        if (!Object.hasOwn(record, key)) continue;
        const item = record[key];
        if (item !== null && typeof item === "object") {
          values.push(item);
          depths.push(depth + 1);
        }
      }
    }
  }
  return null;
}
