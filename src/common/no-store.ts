import type { NextFunction, Request, Response } from 'express';
import { headersOf, type Head } from '../audit/hold-response';
import { isMcpPath } from '../mcp/mcp-path';
import { isApiPath } from './api-path';
import { targetPath } from './origin-form';

const NO_STORE = /(^|,)\s*no-store\s*(,|$)/i;

/**
 * Every answer of the REST API and of /mcp is one caller's, and some carry secrets (a new key's
 * token, the audit trail): no cache, shared or the client's own, may keep any of them. Decided as the
 * head goes out, so it holds for every answer: an error, a refusal whose headers were replaced (audit
 * unavailable), and one that states its own policy without `no-store` (the MCP SDK's event streams
 * say `no-cache, no-transform`), which keeps its directives after `no-store`. The docs and the
 * console are not touched: the docs' files keep the static server's caching, the console sets its own.
 */
export function noStore(req: Request, res: Response, next: NextFunction): void {
  const path = targetPath(req);
  if (!isApiPath(path) && !isMcpPath(path)) return next();
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Response;
  res.writeHead = ((statusCode: number, reason?: string | Head, head?: Head) => {
    // The head's own headers are set first, as Node's writeHead would, so the policy is read whole.
    const given = typeof reason === 'string' ? head : (reason ?? head);
    for (const [name, value] of given ? headersOf(given) : []) if (value !== undefined) res.setHeader(name, value);
    const policy = res.getHeader('Cache-Control');
    const text = Array.isArray(policy) ? policy.join(', ') : String(policy ?? '');
    if (!NO_STORE.test(text)) res.setHeader('Cache-Control', text ? `no-store, ${text}` : 'no-store');
    return typeof reason === 'string' ? writeHead(statusCode, reason) : writeHead(statusCode);
  }) as Response['writeHead'];
  next();
}
