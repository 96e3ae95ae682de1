import type { Request, Response } from 'express';

/** What a preflight may ask to send: header names (RFC 9110 tokens) separated by commas. */
const HEADER_LIST = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:[ \t]*,[ \t]*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$/;
/** The header that opens a response to every origin, for `@Header(...ANY_ORIGIN)` on a route. */
export const ANY_ORIGIN = ['Access-Control-Allow-Origin', '*'] as const;
/** As oidc-provider answers the preflights of its own endpoints. */
const PREFLIGHT_MAX_AGE_SECONDS = '3600';

/**
 * For what any web page may read without credentials: the discovery documents and client
 * registration, which a browser-based MCP client (the MCP Inspector, say) calls from its own
 * origin before it holds any token. `*` lets no cookie through, so the console's session is never
 * used cross-origin. A refused registration's `Retry-After` stays readable.
 */
export function allowAnyOrigin(res: Response): void {
  res.setHeader(...ANY_ORIGIN);
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
}

/** Answers a CORS preflight for such an endpoint: these methods, and the headers the page asked for. */
export function answerPreflight(req: Request, res: Response, methods: string): void {
  allowAnyOrigin(res);
  res.setHeader('Access-Control-Allow-Methods', methods);
  const asked = req.headers['access-control-request-headers']?.trim();
  if (asked && HEADER_LIST.test(asked)) res.setHeader('Access-Control-Allow-Headers', asked);
  res.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_SECONDS);
  res.setHeader('Vary', 'Access-Control-Request-Headers');
  res.status(204).end();
}
