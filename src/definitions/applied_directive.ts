/**
 * Directives applied to definitions, for the schema export.
 *
 * @module
 */

/** A directive applied to a definition, for the schema export (e.g. `@key(fields: "id")`). */
export interface AppliedDirective {
  /** The directive's name, without `@`. */
  readonly name: string;
  /** Argument values. */
  readonly args?: { readonly [name: string]: unknown };
}
