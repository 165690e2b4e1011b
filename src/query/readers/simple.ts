/**
 * Reads Python Hiku's legacy EDN-like query syntax into the query AST of `src/query.ts`.
 *
 * A query is a vector of members: a keyword selects a field (`:name`), a list selects a field
 * with options (`(:name {:option value})`), and a map selects links, each key a keyword or an
 * options list and each value the linked node's vector:
 *
 * ```text
 * [:id {(:characters {:limit 10}) [:name :species {:actors [:name]}]}]
 * ```
 *
 * The EDN subset understood is: vectors, lists, maps, keywords, symbols, strings (with `\t \r \n
 * \b \f \" \\ \uXXXX` escapes), integers, floats, `true`, `false`, `nil`; commas are whitespace
 * and `;` starts a comment that runs to the end of the line. Sets, tagged elements and characters
 * are not part of the query syntax and are syntax errors.
 *
 * @example
 * ```ts
 * import { readSimple } from "./simple.ts";
 * const query = readSimple("[{(:characters {:limit 10}) [:name :species]}]");
 * query.fields[0]?.options; // { limit: 10 }
 * ```
 *
 * @module
 */

import { QueryReadError, QuerySyntaxError, type SourceLocation } from "../../base/errors.ts";
import { MAX_NESTING } from "../_nesting.ts";
import { quote as quoteText } from "../../base/_quote.ts";
import {
  merge,
  type QueryField,
  queryField,
  type QueryLink,
  queryLink,
  type QueryNode,
  queryNode,
  type QueryOptions,
} from "../query.ts";

/**
 * Reads a query written in Hiku's EDN-like syntax.
 *
 * @param text The query, e.g. `[:name {:actors [:name]}]`.
 * @returns The merged selection.
 * @throws {QuerySyntaxError} When the text is not well-formed EDN (an unclosed or unexpected
 * bracket, an unterminated string, an invalid number or character); the message gives line and
 * column.
 * @throws {QueryReadError} When the EDN does not describe a query: a node that is not a vector, a
 * member or link name that is not a keyword, an options list that is not `(:name {options})`, or
 * option names that are not keywords. `locations` points at the offending form.
 * @example
 * ```ts
 * import { readSimple } from "./simple.ts";
 * const query = readSimple("[{:characters [:name {:actors [:name]}]}]");
 * query.fields[0]?.kind; // "link"
 * ```
 */
export function readSimple(text: string): QueryNode {
  const form = new EdnParser(text).parseOne();
  return readNode(text, form, null);
}

interface FormBase {
  /** Offsets of the form in the text, for quoting it in messages. */
  readonly start: number;
  readonly end: number;
  readonly location: SourceLocation;
}

type Form =
  | FormBase & { readonly kind: "vector" | "list" | "map"; readonly items: readonly Form[] }
  | FormBase & { readonly kind: "keyword" | "symbol"; readonly name: string }
  | FormBase & { readonly kind: "string"; readonly value: string }
  | FormBase & { readonly kind: "number"; readonly value: number | bigint }
  | FormBase & { readonly kind: "boolean"; readonly value: boolean }
  | FormBase & { readonly kind: "nil" };

type CollectionKind = "vector" | "list" | "map";

const CLOSING: { readonly [open: string]: string } = { "[": "]", "(": ")", "{": "}" };
const KIND_OF: { readonly [open: string]: CollectionKind } = {
  "[": "vector",
  "(": "list",
  "{": "map",
};
const ESCAPES: { readonly [char: string]: string } = {
  t: "\t",
  r: "\r",
  n: "\n",
  b: "\b",
  f: "\f",
  '"': '"',
  "\\": "\\",
};

/**
 * Ends a token: EDN's whitespace (space, tab, CR, LF; commas count as whitespace), brackets, a
 * string or a comment. Exactly what `#skipSpace` skips, so that every token has a character: any
 * other space (U+00A0, a form feed, a BOM) is a character a name may not have, refused there.
 */
const DELIMITER = /[ \t\r\n,()[\]{}";]/;
/** Characters EDN allows in symbols and keyword names (the subset a query needs). */
const SYMBOL_CHAR = /^[\p{L}\p{N}\-_?!.*+/<>=]$/u;
const NUMBER = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/;
// `.5` too, refused as a number: EDN has no such number (Python Hiku's reader reads it, with a
// comment that it should be an error), and as a symbol it would be the string ".5".
const LOOKS_NUMERIC = /^[+-]?\.?\d/;
const INTEGER = /^[+-]?\d+$/;

/** A recursive-descent EDN reader that keeps each form's position. */
class EdnParser {
  readonly #text: string;
  #pos = 0;
  #line = 1;
  #lineStart = 0;
  /** Collections open at the current position. */
  #depth = 0;

  constructor(text: string) {
    this.#text = text;
  }

  parseOne(): Form {
    this.#skipSpace();
    if (this.#pos >= this.#text.length) throw this.#error("Expected a query, found <EOF>");
    const form = this.#form();
    this.#skipSpace();
    if (this.#pos < this.#text.length) {
      throw this.#error(`Expected <EOF> after the query, found ${this.#quoteHere()}`);
    }
    return form;
  }

  #here(): SourceLocation {
    return { line: this.#line, column: this.#pos - this.#lineStart + 1 };
  }

  #error(description: string, at: SourceLocation = this.#here()): QuerySyntaxError {
    return new QuerySyntaxError(description, at.line, at.column);
  }

  /** Quotes the character (or the start of the token) at the current position. */
  #quoteHere(): string {
    const char = this.#text[this.#pos];
    if (char === undefined) return "<EOF>";
    if (DELIMITER.test(char)) return JSON.stringify(char);
    let end = this.#pos;
    while (end < this.#text.length && !DELIMITER.test(this.#text[end]!)) end++;
    return quoteText(this.#text.slice(this.#pos, end));
  }

  #skipSpace(): void {
    const text = this.#text;
    while (this.#pos < text.length) {
      const char = text[this.#pos];
      if (char === "\n") {
        this.#pos++;
        this.#line++;
        this.#lineStart = this.#pos;
      } else if (char === " " || char === "," || char === "\t" || char === "\r") {
        this.#pos++;
      } else if (char === ";") {
        while (this.#pos < text.length && text[this.#pos] !== "\n") this.#pos++;
      } else {
        return;
      }
    }
  }

  #form(): Form {
    const char = this.#text[this.#pos]!;
    const open = KIND_OF[char];
    if (open !== undefined) return this.#collection(char, open);
    if (char === "]" || char === ")" || char === "}") throw this.#error(`Unexpected "${char}"`);
    if (char === '"') return this.#string();
    return this.#token();
  }

  #collection(open: string, kind: CollectionKind): Form {
    const start = this.#pos;
    const location = this.#here();
    const close = CLOSING[open]!;
    // The reader and what reads its forms recurse once per level: text nested deeper is refused
    // here, as the GraphQL reader refuses it.
    if (this.#depth >= MAX_NESTING) {
      throw this.#error(`Query nests deeper than ${MAX_NESTING} levels of brackets`);
    }
    this.#depth++;
    this.#pos++;
    const items: Form[] = [];
    for (;;) {
      this.#skipSpace();
      const char = this.#text[this.#pos];
      if (char === close) break;
      if (char === undefined || char === "]" || char === ")" || char === "}") {
        throw this.#error(
          `Expected "${close}" to close "${open}" at ${location.line}:${location.column}, ` +
            `found ${char === undefined ? "<EOF>" : `"${char}"`}`,
        );
      }
      items.push(this.#form());
    }
    this.#pos++;
    this.#depth--;
    if (kind === "map" && items.length % 2 !== 0) {
      throw this.#error(
        `Map literal must contain an even number of forms, got ${items.length}`,
        location,
      );
    }
    return { kind, items, start, end: this.#pos, location };
  }

  #string(): Form {
    const text = this.#text;
    const start = this.#pos;
    const location = this.#here();
    this.#pos++;
    let value = "";
    let chunk = this.#pos;
    for (;;) {
      const char = text[this.#pos];
      if (char === undefined) throw this.#error("Unterminated string", location);
      if (char === '"') break;
      if (char === "\n") {
        this.#pos++;
        this.#line++;
        this.#lineStart = this.#pos;
        continue;
      }
      if (char !== "\\") {
        this.#pos++;
        continue;
      }
      value += text.slice(chunk, this.#pos);
      const escape = text[this.#pos + 1];
      if (escape === undefined) throw this.#error("Unterminated string", location);
      const simple = ESCAPES[escape];
      if (simple !== undefined) {
        value += simple;
        this.#pos += 2;
      } else if (escape === "u") {
        const hex = /^[0-9a-fA-F]{0,4}/.exec(text.slice(this.#pos + 2, this.#pos + 6))![0];
        if (hex.length !== 4) {
          throw this.#error(`Invalid escape sequence "\\u${hex}" in string`);
        }
        value += String.fromCharCode(parseInt(hex, 16));
        this.#pos += 6;
      } else {
        throw this.#error(`Invalid escape sequence "\\${escape}" in string`);
      }
      chunk = this.#pos;
    }
    value += text.slice(chunk, this.#pos);
    this.#pos++;
    return { kind: "string", value, start, end: this.#pos, location };
  }

  #token(): Form {
    const text = this.#text;
    const start = this.#pos;
    const location = this.#here();
    while (this.#pos < text.length && !DELIMITER.test(text[this.#pos]!)) this.#pos++;
    const token = text.slice(start, this.#pos);
    const end = this.#pos;
    if (token === "") throw this.#error(`Unexpected character ${this.#quoteHere()}`, location);
    if (token === "true" || token === "false") {
      return { kind: "boolean", value: token === "true", start, end, location };
    }
    if (token === "nil") return { kind: "nil", start, end, location };
    if (LOOKS_NUMERIC.test(token)) {
      if (!NUMBER.test(token)) throw this.#error(`Invalid number ${quoteText(token)}`, location);
      const value = Number(token);
      // An integer beyond 2^53 is read exactly, as the GraphQL reader reads one (and Python).
      if (!Number.isSafeInteger(value) && INTEGER.test(token)) {
        return { kind: "number", value: BigInt(token), start, end, location };
      }
      return { kind: "number", value, start, end, location };
    }
    const keyword = token.startsWith(":");
    const name = keyword ? token.slice(1) : token;
    if (keyword && name === "") throw this.#error('Expected a keyword name after ":"', location);
    for (let i = 0; i < name.length; i++) {
      // By code point: a letter beyond the Basic Multilingual Plane is two UTF-16 units.
      const code = name.codePointAt(i)!;
      const char = String.fromCodePoint(code);
      if (!SYMBOL_CHAR.test(char)) {
        const column = location.column + i + (keyword ? 1 : 0);
        // Spaces other than EDN's, and other characters one cannot see, by code point too.
        const point = code < 0x21 || code > 0x7e
          ? ` (U+${code.toString(16).toUpperCase().padStart(4, "0")})`
          : "";
        throw this.#error(`Unexpected character "${char}"${point}`, {
          line: location.line,
          column,
        });
      }
      if (code > 0xffff) i++;
    }
    return { kind: keyword ? "keyword" : "symbol", name, start, end, location };
  }
}

/** Quotes a form as written, on one line and short, for a message. */
function quote(text: string, form: Form): string {
  const written = text.slice(form.start, form.end).replace(/\s+/g, " ");
  return written.length > 60 ? `${written.slice(0, 60)}…` : written;
}

function readNode(text: string, form: Form, link: string | null): QueryNode {
  if (form.kind !== "vector") {
    const what = link === null ? "Node" : `Node of link "${link}"`;
    throw new QueryReadError(`${what} should be defined as a vector, got ${quote(text, form)}`, [
      form.location,
    ]);
  }
  const fields: (QueryField | QueryLink)[] = [];
  for (const item of form.items) {
    if (item.kind === "keyword") {
      fields.push(queryField(item.name));
    } else if (item.kind === "list") {
      const [name, options] = readOptionsList(text, item);
      fields.push(queryField(name, { options }));
    } else if (item.kind === "map") {
      const items = item.items;
      for (let i = 0; i < items.length; i += 2) {
        const key = items[i]!;
        let name: string;
        let options: QueryOptions | null = null;
        if (key.kind === "keyword") {
          name = key.name;
        } else if (key.kind === "list") {
          [name, options] = readOptionsList(text, key);
        } else {
          throw new QueryReadError(
            `Link name should be a keyword or an options list, got ${quote(text, key)}`,
            [key.location],
          );
        }
        fields.push(queryLink(name, readNode(text, items[i + 1]!, name), { options }));
      }
    } else {
      throw new QueryReadError(
        `Invalid node member ${quote(text, item)}: expected a keyword, an options list or a map`,
        [item.location],
      );
    }
  }
  return merge([queryNode(fields)]);
}

function readOptionsList(text: string, list: Form & { readonly items: readonly Form[] }): [
  string,
  QueryOptions | null,
] {
  const [name, options] = list.items;
  const expected = "expected (:name {options})";
  if (name === undefined || options === undefined) {
    throw new QueryReadError(`Missing options argument in ${quote(text, list)}: ${expected}`, [
      list.location,
    ]);
  }
  if (list.items.length > 2) {
    throw new QueryReadError(
      `More arguments than expected in ${quote(text, list)}: ${expected}`,
      [list.location],
    );
  }
  if (name.kind !== "keyword") {
    throw new QueryReadError(
      `Names should be specified as keywords, got ${quote(text, name)} in ${quote(text, list)}`,
      [name.location],
    );
  }
  if (options.kind !== "map") {
    throw new QueryReadError(
      `Options should be specified as a map, got ${quote(text, options)} in ${quote(text, list)}`,
      [options.location],
    );
  }
  const items = options.items;
  for (let i = 0; i < items.length; i += 2) {
    const key = items[i]!;
    if (key.kind !== "keyword") {
      throw new QueryReadError(
        `Option names should be specified as keywords, got ${quote(text, key)} in ` +
          quote(text, list),
        [key.location],
      );
    }
  }
  const value = toValue(text, options) as QueryOptions;
  for (const _ in value) return [name.name, value];
  return [name.name, null];
}

/** Converts an option value: keywords and symbols to their names, nil to null, maps to objects. */
function toValue(text: string, form: Form): unknown {
  switch (form.kind) {
    case "string":
    case "number":
    case "boolean":
      return form.value;
    case "nil":
      return null;
    case "keyword":
    case "symbol":
      return form.name;
    case "vector":
    case "list":
      // Frozen, as read() gives them: what a query keeps cannot change under its index key.
      return Object.freeze(form.items.map((item) => toValue(text, item)));
    case "map": {
      const out: { [key: string]: unknown } = {};
      const items = form.items;
      for (let i = 0; i < items.length; i += 2) {
        const keyForm = items[i]!;
        let key: string;
        if (keyForm.kind === "keyword" || keyForm.kind === "symbol") key = keyForm.name;
        else if (keyForm.kind === "string") key = keyForm.value;
        else {
          throw new QueryReadError(
            `Map keys in option values should be keywords or strings, got ${quote(text, keyForm)}`,
            [keyForm.location],
          );
        }
        if (Object.hasOwn(out, key)) {
          throw new QueryReadError(
            `Key ${quote(text, keyForm)} is given more than once in ${quote(text, form)}`,
            [keyForm.location],
          );
        }
        Object.defineProperty(out, key, {
          value: toValue(text, items[i + 1]!),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return Object.freeze(out);
    }
  }
}
