/**
 * Quotes a client's text in an error message (internal), short enough that an error never
 * echoes a megabyte a client sent: an operation name, a header, a parameter.
 *
 * @module
 */

/** The most characters of a client's text a message quotes. */
export const MAX_QUOTED = 64;

/**
 * Quotes a text for an error message: as a JSON string when it has at most `MAX_QUOTED`
 * characters; otherwise its first characters, "…", and its length.
 *
 * @param text A text from a client.
 * @returns `"DropTables"`, or `"aaaa…" (900000 characters)` for a long one.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quote } from "./_quote.ts";
 *
 * assert.equal(quote("DropTables"), '"DropTables"');
 * assert.equal(quote("x".repeat(100_000)), `"${"x".repeat(64)}…" (100000 characters)`);
 * ```
 */
export function quote(text: string): string {
  if (text.length <= MAX_QUOTED) return JSON.stringify(text);
  // Never split a surrogate pair: half a character would print as an escape.
  const end = isHighSurrogate(text.charCodeAt(MAX_QUOTED - 1)) ? MAX_QUOTED - 1 : MAX_QUOTED;
  return `${JSON.stringify(text.slice(0, end) + "…")} (${text.length} characters)`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
