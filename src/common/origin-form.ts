import type { NextFunction, Request, Response } from 'express';
import parseurl from 'parseurl';

/**
 * Rewrites an absolute-form request target (`POST http://host/mcp HTTP/1.1`, which RFC 9112 §3.2.2
 * says a server must accept; Node passes any scheme through) to the origin form Express routes it
 * by (`/mcp`), before anything reads it. The audit draft, the JSON-RPC batch refusal and the body
 * limits read the target as sent: given the absolute form, they saw no /mcp, and a tool call was
 * audited as a REST request without its tool name, and could carry a batch. The path comes from
 * `parseurl`, the parser Express's router uses, so what is audited is exactly what is routed. The
 * Host header still names the host for the Host and Origin checks; browsers never send this form.
 */
export function originForm(req: Request, _res: Response, next: NextFunction): void {
  const target = req.url;
  // A fragment has no place in a request target, but Node passes `/mcp#x` through and the router
  // drops it, so it would hide /mcp from the same readers.
  if ((!target.startsWith('/') && target !== '*') || target.includes('#')) {
    const parsed = parseurl(req);
    if (parsed?.pathname) {
      req.url = `${parsed.pathname}${parsed.search ?? ''}`;
      // Express copied the target before the first middleware; everything after reads one of the two.
      req.originalUrl = req.url;
    }
  }
  next();
}

/** The path of the target as asked, in origin form (after originForm), whatever a router rewrites later. */
export function targetPath(req: Request): string {
  return req.originalUrl.split('?')[0];
}
