/**
 * The texts of one fused statement, one per set of list options given.
 *
 * A `ListQuery` filter, limit or offset whose option is absent could be written into the
 * statement as `... OR $1 IS NULL` and `LIMIT $2` bound to NULL, one text for every input. But a
 * prepared statement soon runs on Postgres's generic plan, which cannot see that a parameter is
 * NULL: it keeps the subquery that LIMIT makes (with its own ORDER BY), estimates a tenth of the
 * table's rows past it, and joins them with nested loops where a hash join over all rows is
 * faster. So a clause whose option is absent is left out: without LIMIT and OFFSET the list's
 * rows are its table (`FROM "actor" AS "l0"`), which Postgres joins like any table, and the list
 * is still read in its order by the statement's own ORDER BY.
 *
 * The statement is built once per region as a template, parameters and lists marked in it; a
 * text is rendered for each combination of given and absent clauses the first time one comes,
 * its parameters numbered in order. A region with more optional clauses than
 * {@linkcode MAX_OPTIONAL_CLAUSES} writes the rest as they are without this (`OR $n IS NULL`,
 * `LIMIT $n`), so a region has at most 2^{@linkcode MAX_OPTIONAL_CLAUSES} texts.
 *
 * @module
 */

/** The most clauses a region leaves out when their option is absent (at most 64 texts). */
export const MAX_OPTIONAL_CLAUSES = 6;

/** How one `ListQuery` of a region reads its rows: its table, filters, order and page. */
export interface ListClauses {
  /** The table, quoted. */
  readonly table: string;
  /** `"column" = ANY(...)` filters: the quoted column and the parameter of its values. */
  readonly filters: readonly { readonly column: string; readonly param: number }[];
  /** The ORDER BY terms, for a page (LIMIT or OFFSET). */
  readonly order: string;
  /** The parameters of LIMIT and OFFSET, or `-1` when the list has none. */
  readonly limit: number;
  readonly offset: number;
  /**
   * For a list's own statement (unfused): what it selects, and the list is written as a whole
   * SELECT, always ordered; `null` for a list joined in a fused statement.
   */
  readonly select: string | null;
}

/** One text of the statement and the parameters it binds, in their order. */
export interface Variant {
  readonly text: string;
  /** Indexes of the region's parameters, `$1` first. */
  readonly params: readonly number[];
}

// Identifiers and values never hold NUL (Postgres rejects it in both), so it marks places.
const MARK = /\0([pl])(\d+)\0/g;

/**
 * Marks a parameter in a template.
 *
 * @param index The parameter's index among the region's parameters.
 * @returns The mark.
 */
export function paramMark(index: number): string {
  return `\0p${index}\0`;
}

/**
 * Marks a list's rows (a table or a subquery) in a template.
 *
 * @param index The list's index among the region's lists.
 * @returns The mark.
 */
export function listMark(index: number): string {
  return `\0l${index}\0`;
}

/** The texts of one statement, rendered from its template as inputs need them. */
export class StatementVariants {
  readonly #template: string;
  readonly #lists: readonly ListClauses[];
  /** Per optional clause (a bit each), its parameter: the clause is written when it is not null. */
  readonly #bits: readonly number[];
  /** Per parameter of an optional clause, its bit. */
  readonly #bitOf: Map<number, number> = new Map();
  readonly #rendered = new Map<number, Variant>();

  /**
   * @param template The statement, with {@linkcode paramMark}s and {@linkcode listMark}s.
   * @param lists The lists the template marks, by index.
   */
  constructor(template: string, lists: readonly ListClauses[]) {
    this.#template = template;
    this.#lists = lists;
    const bits: number[] = [];
    for (const list of lists) {
      const params = [...list.filters.map((f) => f.param), list.limit, list.offset];
      for (const param of params) {
        if (param < 0 || bits.length >= MAX_OPTIONAL_CLAUSES) continue;
        this.#bitOf.set(param, bits.length);
        bits.push(param);
      }
    }
    this.#bits = bits;
  }

  /**
   * The text for the values of the region's parameters: the clauses whose value is null left out.
   *
   * @param values Every parameter's value, by index.
   * @returns The text and its parameters.
   */
  of(values: readonly unknown[]): Variant {
    const bits = this.#bits;
    let mask = 0;
    for (let b = 0; b < bits.length; b++) if (values[bits[b]!] !== null) mask |= 1 << b;
    let variant = this.#rendered.get(mask);
    if (variant === undefined) {
      variant = this.#render(mask);
      this.#rendered.set(mask, variant);
    }
    return variant;
  }

  /** The text when every option is absent. */
  get bare(): Variant {
    let variant = this.#rendered.get(0);
    if (variant === undefined) {
      variant = this.#render(0);
      this.#rendered.set(0, variant);
    }
    return variant;
  }

  #render(mask: number): Variant {
    const lists = this.#lists;
    const withLists = this.#template.replace(
      MARK,
      (mark, kind: string, index: string) => kind === "l" ? this.#list(lists[+index]!, mask) : mark,
    );
    const numbers = new Map<number, number>();
    const params: number[] = [];
    const text = withLists.replace(MARK, (_, _kind: string, index: string) => {
      let number = numbers.get(+index);
      if (number === undefined) {
        params.push(+index);
        number = params.length;
        numbers.set(+index, number);
      }
      return `$${number}`;
    });
    return { text, params };
  }

  /** A list's rows for a mask: the table alone, or a subquery of its given clauses. */
  #list(list: ListClauses, mask: number): string {
    /** Whether a clause is written: always, or when its bit says its option is given. */
    const has = (param: number): 0 | 1 | 2 => {
      if (param < 0) return 0;
      const bit = this.#bitOf.get(param);
      if (bit === undefined) return 2;
      return (mask & (1 << bit)) === 0 ? 0 : 1;
    };
    const where: string[] = [];
    for (const { column, param } of list.filters) {
      const p = paramMark(param);
      const state = has(param);
      if (state === 1) where.push(`${column} = ANY(${p})`);
      else if (state === 2) where.push(`(${column} = ANY(${p}) OR ${p} IS NULL)`);
    }
    const limit = has(list.limit);
    const offset = has(list.offset);
    const paged = limit !== 0 || offset !== 0;
    if (list.select === null && where.length === 0 && !paged) return list.table;
    let text = `SELECT ${list.select ?? "*"} FROM ${list.table}`;
    if (where.length > 0) text += ` WHERE ${where.join(" AND ")}`;
    if (paged || list.select !== null) text += ` ORDER BY ${list.order}`;
    if (limit !== 0) text += ` LIMIT ${paramMark(list.limit)}`;
    if (offset !== 0) text += ` OFFSET ${paramMark(list.offset)}`;
    return list.select === null ? `(${text})` : text;
  }
}
