/**
 * The endpoint's legacy mode (internal), the `legacyJson` option: the status codes and media
 * type choice of the GraphQL-over-HTTP draft's older text, for clients written for it.
 *
 * The current draft serves a client that accepts only `application/json` as it serves one that
 * accepts `application/graphql-response+json`: a request error (a document that does not parse
 * or validate, variables of the wrong type) is a 4xx, whatever the media type. The older text had
 * a section for `application/json` responses: 200 for every well-formed request, the errors in
 * the body, since a client cannot tell a 4xx `application/json` body from a proxy's. Clients
 * written for it (Apollo Client 3, clients that read bodies only on 2xx) lose the errors of a
 * 4xx. In legacy mode:
 *
 * - a client that does not name `application/graphql-response+json` in its `Accept` header
 *   (`*` / `*`, `application/*`, `application/json`, or none) gets `application/json`;
 * - an `application/json` response to a well-formed request is a 200 (but a mutation over GET
 *   stays a 405, which the draft requires, and a client that went away a 499);
 * - an `application/graphql-response+json` response uses the older text's codes: 400 for
 *   invalid requests and request errors (where the current draft has 422), 200 for partial
 *   success (where it has 294);
 * - a request that is not well-formed (no `query`, parameters of the wrong type) is a 400.
 *
 * @module
 */

import {
  APPLICATION_JSON,
  GRAPHQL_RESPONSE_JSON,
  negotiate,
  type ResponseMediaType,
} from "./_media.ts";

/**
 * Chooses the response media type as {@linkcode negotiate} does, except that
 * `application/graphql-response+json` is chosen only for a client that names it: a client
 * accepting anything (`*` / `*`, `application/*`) gets `application/json`, as in the older text.
 *
 * @param accept The `Accept` header, or `null`.
 * @param html Whether the GraphiQL page is on offer.
 * @returns The chosen type, or `null` when the header accepts none.
 */
export function negotiateLegacy(accept: string | null, html: boolean): ResponseMediaType | null {
  const media = negotiate(accept, html);
  // Chosen only when its quality is above 0, so a header that names it accepts it.
  return media === GRAPHQL_RESPONSE_JSON &&
      !(accept ?? "").toLowerCase().includes(GRAPHQL_RESPONSE_JSON)
    ? APPLICATION_JSON
    : media;
}

/**
 * The status of a response to a well-formed GraphQL request in legacy mode.
 *
 * @param status The status the current draft gives.
 * @param media The response's media type.
 * @returns The older text's.
 */
export function legacyStatus(status: number, media: ResponseMediaType): number {
  if (media === APPLICATION_JSON) return status === 405 || status === 499 ? status : 200;
  if (status === 422) return 400;
  if (status === 294) return 200;
  return status;
}

/**
 * The status of a refused request in legacy mode: one that is not well-formed is a 400 (the
 * current draft's 422); others keep theirs.
 *
 * @param status The status the current draft gives.
 * @returns The older text's.
 */
export function legacyRejectionStatus(status: number): number {
  return status === 422 ? 400 : status;
}
