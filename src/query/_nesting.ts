/**
 * How deep GraphQL text nests (internal), found before parsing: graphql-js's parser, and every
 * walk after it, recurse once per level of `{`, `[` and `(`, so text nested thousands deep would
 * overflow the stack. One linear scan that knows strings, block strings and comments finds the
 * first bracket past the limit.
 *
 * @module
 */

import type { SourceLocation } from "../base/errors.ts";

/** The deepest nesting of brackets a document may have. */
export const MAX_NESTING = 256;

/**
 * Finds the first bracket that nests deeper than a limit.
 *
 * @param text GraphQL text.
 * @param limit The deepest nesting allowed.
 * @returns Where the first bracket past the limit is, or `null` when the text stays within it.
 */
export function tooDeep(text: string, limit: number = MAX_NESTING): SourceLocation | null {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 0x7b: // {
      case 0x5b: // [
      case 0x28: // (
        if (++depth > limit) return { line, column: i - lineStart + 1 };
        i++;
        break;
      case 0x7d: // }
      case 0x5d: // ]
      case 0x29: // )
        if (depth > 0) depth--;
        i++;
        break;
      case 0x0a: // \n
        line++;
        lineStart = ++i;
        break;
      case 0x0d: // \r, \r\n
        i += text.charCodeAt(i + 1) === 0x0a ? 2 : 1;
        line++;
        lineStart = i;
        break;
      case 0x23: // # comment to the end of the line
        while (i < n && text.charCodeAt(i) !== 0x0a && text.charCodeAt(i) !== 0x0d) i++;
        break;
      case 0x22: { // " string or """ block string
        if (text.charCodeAt(i + 1) === 0x22 && text.charCodeAt(i + 2) === 0x22) {
          i += 3;
          while (i < n) {
            const d = text.charCodeAt(i);
            if (d === 0x5c && text.startsWith('\\"""', i)) i += 4;
            else if (d === 0x22 && text.startsWith('"""', i)) {
              i += 3;
              break;
            } else {
              if (d === 0x0a || (d === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
                line++;
                lineStart = i + 1;
              }
              i++;
            }
          }
        } else {
          i++;
          while (i < n) {
            const d = text.charCodeAt(i);
            // A backslash escapes the next character, unless it ends the line (and the string).
            const next = text.charCodeAt(i + 1);
            if (d === 0x5c && next !== 0x0a && next !== 0x0d) i += 2;
            else if (d === 0x22 || d === 0x0a || d === 0x0d) {
              if (d === 0x22) i++;
              break;
            } else i++;
          }
        }
        break;
      }
      default:
        i++;
    }
  }
  return null;
}
