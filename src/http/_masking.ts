/**
 * What clients see of errors (internal). Errors about the request itself (syntax, validation,
 * variables, unknown operations: graphql-js's and hiku-ts's query errors) are shown as they are;
 * a `SafeError` thrown by a loader shows its own message and extensions; every other error from
 * execution becomes "Internal server error" and is logged, unless development mode is on.
 *
 * @module
 */

import { GraphQLError } from "npm:graphql@17.1.0";
import {
  ExecutionAbortedError,
  LoaderError,
  QueryReadError,
  QuerySyntaxError,
  QueryValidationError,
  SafeError,
  type SourceLocation,
} from "../base/errors.ts";
import type { GraphQLResponseError } from "../graphql/schema.ts";

/** The message clients get in place of an unexpected error's. */
export const INTERNAL_SERVER_ERROR = "Internal server error";

/** Where an error came from, as far as masking is concerned. */
export type ErrorOrigin =
  | { readonly kind: "request" }
  | { readonly kind: "safe"; readonly error: SafeError }
  | { readonly kind: "aborted"; readonly error: ExecutionAbortedError }
  | { readonly kind: "internal"; readonly error: unknown };

/** Wrappers are followed at most this far, in case of a cycle of causes. */
const MAX_WRAPPERS = 16;

/**
 * Finds where a response error came from, following graphql-js's `originalError` and a
 * `LoaderError`'s `cause` (and nothing else: a `SafeError` wrapped by some other error is that
 * error's business). Whatever a loader threw is internal (`null` and a `GraphQLError`
 * included), unless it is a `SafeError` or the execution's abort.
 *
 * @param error A response error.
 * @returns Its origin.
 */
export function originOf(error: GraphQLResponseError): ErrorOrigin {
  let current: unknown = error.originalError;
  // Whether `current` is what a loader threw: then only a SafeError (or an abort) is shown, and
  // a GraphQLError or query error it threw (a remote call's, say) is internal like any other.
  let thrown = false;
  for (let i = 0; i < MAX_WRAPPERS; i++) {
    if (current === undefined || current === null) {
      return thrown ? { kind: "internal", error: current } : REQUEST;
    }
    if (current instanceof SafeError) return { kind: "safe", error: current };
    if (current instanceof ExecutionAbortedError) return { kind: "aborted", error: current };
    if (current instanceof LoaderError) {
      current = current.cause;
      thrown = true;
      continue;
    }
    if (thrown) return { kind: "internal", error: current };
    if (current instanceof GraphQLError) {
      // graphql-js's own errors (syntax, validation, variable coercion) have no original error.
      if (current.originalError === undefined) return REQUEST;
      current = current.originalError;
    } else if (
      current instanceof QuerySyntaxError || current instanceof QueryReadError ||
      current instanceof QueryValidationError
    ) {
      return REQUEST;
    } else {
      return { kind: "internal", error: current };
    }
  }
  return { kind: "internal", error: current };
}

const REQUEST: ErrorOrigin = Object.freeze({ kind: "request" });

/** An error as it goes on the wire: only these four members. */
export interface WireError {
  readonly message: string;
  readonly locations?: readonly SourceLocation[];
  readonly path?: readonly (string | number)[];
  readonly extensions?: { readonly [key: string]: unknown };
}

/**
 * A response error with a new message (and extensions), keeping where it happened.
 *
 * @param error The error.
 * @param message The message clients see.
 * @param extensions The extensions clients see, if any.
 * @returns The error to send.
 */
export function withMessage(
  error: GraphQLResponseError,
  message: string,
  extensions?: { readonly [key: string]: unknown },
): WireError {
  const out: {
    message: string;
    locations?: readonly SourceLocation[];
    path?: readonly (string | number)[];
    extensions?: { readonly [key: string]: unknown };
  } = { message };
  if (error.locations !== undefined) out.locations = error.locations;
  if (error.path !== undefined) out.path = error.path;
  if (extensions !== undefined) out.extensions = extensions;
  return out;
}
