/**
 * The texts of one list statement (a `ListQuery`'s own, or a fused one joining lists), one per
 * set of filters given.
 *
 * A filter whose option is absent could be written as `("species" = ANY($1) OR $1 IS NULL)`
 * bound to NULL, one text for every input. But a prepared statement soon runs on Postgres's
 * generic plan, made once for any value: with that `OR`, the plan cannot use an index on the
 * filtered column and reads the whole table. So a filter is written only when its option is
 * given (`"species" = ANY($1)`, which the plan reads through an index), and left out when it is
 * absent: one text per set of filters given, never per value.
 *
 * LIMIT and OFFSET are always written, bound to NULL when their option is absent (which limits
 * nothing). Leaving them out too was measured and dropped: the list's subquery then became a plain
 * join, which under W4's load (HTTP, 32 clients) took Postgres's backends 30 to 55% more CPU per
 * statement than the generic plan of `LIMIT $2 OFFSET $3`.
 *
 * The statement is built once as a template, parameters and lists marked in it; a text is
 * rendered for each set of given filters the first time one comes, its parameters numbered in
 * order. Past {@linkcode MAX_OPTIONAL_CLAUSES} filters in one statement, the rest are written in
 * the `OR $n IS NULL` form, so a statement has at most 2^{@linkcode MAX_OPTIONAL_CLAUSES} texts.
 *
 * @module
 */

/** The most filters a statement leaves out when their option is absent (at most 64 texts). */
export const MAX_OPTIONAL_CLAUSES = 6;

/** How one `ListQuery` of a statement reads its rows: its table, filters, order and page. */
export interface ListClauses {
  /** The table, quoted. */
  readonly table: string;
  /** `"column" = ANY(...)` filters: the quoted column and the parameter of its values. */
  readonly filters: readonly { readonly column: string; readonly param: number }[];
  /** The ORDER BY terms. */
  readonly order: string;
  /** The parameters of LIMIT and OFFSET (NULL when their option is absent). */
  readonly limit: number;
  readonly offset: number;
  /**
   * For a list's own statement (unfused): what it selects, the list written as a whole SELECT;
   * `null` for a list joined in a fused statement, written as a subquery.
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
  /** Per optional filter (a bit each), its parameter: the filter is written when it is not null. */
  readonly #bits: readonly number[];
  /** Per parameter of an optional filter, its bit. */
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
      for (const { param } of list.filters) {
        if (bits.length >= MAX_OPTIONAL_CLAUSES) break;
        this.#bitOf.set(param, bits.length);
        bits.push(param);
      }
    }
    this.#bits = bits;
  }

  /**
   * The text for the values of the statement's parameters: the filters whose value is null left
   * out.
   *
   * @param values Every parameter's value, by index.
   * @returns The text and its parameters.
   */
  of(values: readonly unknown[]): Variant {
    const bits = this.#bits;
    let mask = 0;
    for (let b = 0; b < bits.length; b++) if (values[bits[b]!] !== null) mask |= 1 << b;
    return this.#variant(mask);
  }

  /**
   * The text for the values of the statement's parameters, and the values it binds, in order.
   *
   * @param values Every parameter's value, by index.
   * @returns The text and its parameters' values.
   */
  bind(values: readonly unknown[]): { readonly text: string; readonly params: unknown[] } {
    const variant = this.of(values);
    const params = new Array(variant.params.length);
    for (let p = 0; p < params.length; p++) params[p] = values[variant.params[p]!];
    return { text: variant.text, params };
  }

  /** The text when no filter is given. */
  get bare(): Variant {
    return this.#variant(0);
  }

  /** The text for a mask of given filters, rendered the first time it is asked for. */
  #variant(mask: number): Variant {
    let variant = this.#rendered.get(mask);
    if (variant === undefined) {
      variant = this.#render(mask);
      this.#rendered.set(mask, variant);
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

  /** A list's rows for a mask: the SELECT of its table with the filters given. */
  #list(list: ListClauses, mask: number): string {
    const where: string[] = [];
    for (const { column, param } of list.filters) {
      const p = paramMark(param);
      const bit = this.#bitOf.get(param);
      if (bit === undefined) where.push(`(${column} = ANY(${p}) OR ${p} IS NULL)`);
      else if ((mask & (1 << bit)) !== 0) where.push(`${column} = ANY(${p})`);
    }
    const text = `SELECT ${list.select ?? "*"} FROM ${list.table}` +
      (where.length === 0 ? "" : ` WHERE ${where.join(" AND ")}`) +
      ` ORDER BY ${list.order} LIMIT ${paramMark(list.limit)} OFFSET ${paramMark(list.offset)}`;
    return list.select === null ? `(${text})` : text;
  }
}
