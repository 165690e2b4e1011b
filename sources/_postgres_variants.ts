/**
 * The texts of one list statement (a `ListQuery`'s own, or a fused one joining lists), one per
 * set of options given: which filters, and whether a page (a limit or an offset).
 *
 * A filter whose option is absent could be written as `("species" = ANY($1) OR $1 IS NULL)`
 * bound to NULL, one text for every input. But a prepared statement soon runs on Postgres's
 * generic plan, made once for any value: with that `OR`, the plan cannot use an index on the
 * filtered column and reads the whole table. So a filter is written only when its option is
 * given (`"species" = ANY($1)`, which the plan reads through an index), and left out when it is
 * absent: one text per set of filters given, never per value.
 *
 * LIMIT and OFFSET are written, both, when either option is given (the other bound to NULL, which
 * limits nothing), and left out when both are absent. `LIMIT $1` keeps the list in a subquery of
 * its own, and a generic plan, not knowing the limit, takes it to keep a tenth of the table's rows:
 * on 5,000 actors it joins their characters by 5,000 index probes where a hash join is faster.
 * Without a page, a fused statement joins the list's table itself (`FROM "actor" AS "l0"`, or a
 * subquery of its filters, which Postgres pulls up into the join), and reads it in its order by
 * the statement's own ORDER BY. Measured with pgbench on prepared statements (W2's 1,000 characters
 * and 5,000 actors, W4's 100 and 500), the table joined as such runs as fast as the subquery or
 * faster: 1.4x the statements per second for W2's actors, 1.05x for W4's queries.
 *
 * The statement is built once as a template, parameters and lists marked in it; a text is
 * rendered for each set of given options the first time one comes, its parameters numbered in
 * order. Past {@linkcode MAX_OPTIONAL_CLAUSES} optional clauses in one statement (each list's page
 * first, then the filters), the rest are always written: a filter in the `OR $n IS NULL` form, a
 * page as `LIMIT` and `OFFSET` bound to NULL. So a statement has at most
 * 2^{@linkcode MAX_OPTIONAL_CLAUSES} texts.
 *
 * @module
 */

/** The most clauses (pages and filters) a statement leaves out when absent (at most 64 texts). */
export const MAX_OPTIONAL_CLAUSES = 6;

/** How one `ListQuery` of a statement reads its rows: its table, filters, order and page. */
export interface ListClauses {
  /** The table, quoted. */
  readonly table: string;
  /**
   * `"column" = ANY(...)` filters: the quoted column, the cast of its values' array (`arrayCast`
   * in _postgres_keys.ts) and the parameter of its values.
   */
  readonly filters: readonly {
    readonly column: string;
    readonly cast: string;
    readonly param: number;
  }[];
  /** The ORDER BY terms. */
  readonly order: string;
  /** The parameters of LIMIT and OFFSET (written when either value is not null). */
  readonly limit: number;
  readonly offset: number;
  /**
   * For a list's own statement (unfused): what it selects, the list written as a whole SELECT;
   * `null` for a list joined in a fused statement: its table, or a subquery of its filters and
   * page.
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
  /**
   * Per optional clause (a bit each), its parameter: a filter is written when its value is not
   * null, a page (LIMIT and OFFSET) when either of its two values is not null.
   */
  readonly #bits: readonly number[];
  /** Per bit, the page's second parameter (its OFFSET), or `-1` for a filter's bit. */
  readonly #pairs: readonly number[];
  /** Per parameter of an optional filter, or of a page's LIMIT, its bit. */
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
    const pairs: number[] = [];
    // A list's page first: its absence is what lets Postgres join the list as a table.
    for (const list of lists) {
      if (bits.length >= MAX_OPTIONAL_CLAUSES) break;
      this.#bitOf.set(list.limit, bits.length);
      bits.push(list.limit);
      pairs.push(list.offset);
    }
    for (const list of lists) {
      for (const { param } of list.filters) {
        if (bits.length >= MAX_OPTIONAL_CLAUSES) break;
        this.#bitOf.set(param, bits.length);
        bits.push(param);
        pairs.push(-1);
      }
    }
    this.#bits = bits;
    this.#pairs = pairs;
  }

  /**
   * The text for the values of the statement's parameters: the filters whose value is null left
   * out, and the LIMIT and OFFSET of a list whose two values are null.
   *
   * @param values Every parameter's value, by index.
   * @returns The text and its parameters.
   */
  of(values: readonly unknown[]): Variant {
    const bits = this.#bits;
    const pairs = this.#pairs;
    let mask = 0;
    for (let b = 0; b < bits.length; b++) {
      const pair = pairs[b]!;
      if (values[bits[b]!] !== null || (pair >= 0 && values[pair] !== null)) mask |= 1 << b;
    }
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

  /** The text when no filter, limit or offset is given. */
  get bare(): Variant {
    return this.#variant(0);
  }

  /** The text for a mask of given options, rendered the first time it is asked for. */
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

  /**
   * A list's rows for a mask: the SELECT of its table with the filters given, ordered and paged
   * when a limit or offset is given. Joined in a fused statement without a page, the list is its
   * table, or a subquery Postgres pulls up into the join.
   */
  #list(list: ListClauses, mask: number): string {
    const where: string[] = [];
    for (const { column, cast, param } of list.filters) {
      const p = paramMark(param);
      const bit = this.#bitOf.get(param);
      if (bit === undefined) where.push(`(${column} = ANY(${p}${cast}) OR ${p} IS NULL)`);
      else if ((mask & (1 << bit)) !== 0) where.push(`${column} = ANY(${p}${cast})`);
    }
    const pageBit = this.#bitOf.get(list.limit);
    const paged = pageBit === undefined || (mask & (1 << pageBit)) !== 0;
    if (list.select === null && where.length === 0 && !paged) return list.table;
    let text = `SELECT ${list.select ?? "*"} FROM ${list.table}`;
    if (where.length > 0) text += ` WHERE ${where.join(" AND ")}`;
    // Joined, an unpaged list needs no order of its own: the statement orders its rows.
    if (paged || list.select !== null) text += ` ORDER BY ${list.order}`;
    if (paged) text += ` LIMIT ${paramMark(list.limit)} OFFSET ${paramMark(list.offset)}`;
    return list.select === null ? `(${text})` : text;
  }
}
