/**
 * Media types for the HTTP endpoint (internal): which response type an `Accept` header asks for,
 * and whether a `Content-Type` header is JSON in UTF-8.
 *
 * @module
 */

/** The GraphQL-over-HTTP response media type. */
export const GRAPHQL_RESPONSE_JSON = "application/graphql-response+json";
/** Plain JSON, for legacy clients. */
export const APPLICATION_JSON = "application/json";
/** The GraphiQL page. */
export const TEXT_HTML = "text/html";

/** A response media type the endpoint can produce. */
export type ResponseMediaType =
  | typeof GRAPHQL_RESPONSE_JSON
  | typeof APPLICATION_JSON
  | typeof TEXT_HTML;

const JSON_OFFERS: readonly ResponseMediaType[] = [GRAPHQL_RESPONSE_JSON, APPLICATION_JSON];
const ALL_OFFERS: readonly ResponseMediaType[] = [
  GRAPHQL_RESPONSE_JSON,
  APPLICATION_JSON,
  TEXT_HTML,
];

interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly q: number;
}

/** Accept headers seen before, and what they chose: clients send the same few over and over. */
const CHOICES = new Map<string, ResponseMediaType | null>();
const MOST_CHOICES_KEPT = 256;

/**
 * Chooses the response media type for an `Accept` header (RFC 9110 content negotiation): the
 * offer with the highest quality, where each offer takes the quality of the most specific range
 * that matches it; on a tie, the earlier offer (graphql-response+json, then json, then html).
 *
 * @param accept The header, or `null` when absent (then `application/json`, which every client
 *   reads, as the spec's legacy rules suggest).
 * @param html Whether the GraphiQL page is on offer (GET requests with GraphiQL enabled).
 * @returns The chosen type, or `null` when the header accepts none of them.
 */
export function negotiate(accept: string | null, html: boolean): ResponseMediaType | null {
  if (accept === null || accept.trim() === "") return APPLICATION_JSON;
  const key = html ? "h" + accept : "j" + accept;
  const known = CHOICES.get(key);
  if (known !== undefined) return known;
  const choice = choose(parseAccept(accept), html ? ALL_OFFERS : JSON_OFFERS);
  if (CHOICES.size < MOST_CHOICES_KEPT && accept.length <= 512) CHOICES.set(key, choice);
  return choice;
}

function choose(
  ranges: readonly MediaRange[],
  offers: readonly ResponseMediaType[],
): ResponseMediaType | null {
  let best: ResponseMediaType | null = null;
  let bestQ = 0;
  for (const offer of offers) {
    const slash = offer.indexOf("/");
    const type = offer.slice(0, slash);
    const subtype = offer.slice(slash + 1);
    let specificity = -1;
    let q = 0;
    for (const range of ranges) {
      const s = range.type === type && range.subtype === subtype
        ? 2
        : range.type === type && range.subtype === "*"
        ? 1
        : range.type === "*" && range.subtype === "*"
        ? 0
        : -1;
      if (s > specificity) {
        specificity = s;
        q = range.q;
      }
    }
    if (q > bestQ) {
      best = offer;
      bestQ = q;
    }
  }
  return best;
}

function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of accept.split(",")) {
    const [mediaRange = "", ...params] = part.split(";");
    const [type = "", subtype = ""] = mediaRange.trim().toLowerCase().split("/");
    if (type === "" || subtype === "") continue;
    let q = 1;
    for (const param of params) {
      const [name = "", value = ""] = param.split("=");
      if (name.trim().toLowerCase() === "q") {
        const parsed = Number(value.trim());
        q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
      }
    }
    ranges.push({ type: type.trim(), subtype: subtype.trim(), q });
  }
  return ranges;
}

/** What a request's `Content-Type` header says. */
export type ContentTypeVerdict = "json" | "missing" | "unsupported";

/**
 * Whether a `Content-Type` header is JSON in UTF-8 (`application/json`, with no charset or a
 * UTF-8 one).
 *
 * @param header The header, or `null` when absent.
 * @returns `"json"`, `"missing"` or `"unsupported"`.
 */
export function checkContentType(header: string | null): ContentTypeVerdict {
  if (header === null || header.trim() === "") return "missing";
  const [mediaType = "", ...params] = header.split(";");
  if (mediaType.trim().toLowerCase() !== APPLICATION_JSON) return "unsupported";
  for (const param of params) {
    const [name = "", value = ""] = param.split("=");
    if (name.trim().toLowerCase() !== "charset") continue;
    const charset = value.trim().replace(/^"(.*)"$/, "$1").toLowerCase();
    if (charset !== "utf-8" && charset !== "utf8") return "unsupported";
  }
  return "json";
}
