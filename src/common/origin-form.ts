import type { NextFunction, Request, Response } from 'express';

/** `http://host:port` or `https://…` at the start of an absolute-form target: scheme and authority. */
const SCHEME_AND_AUTHORITY = /^https?:\/\/[^/?#]*/i;

/**
 * Rewrites an absolute-form request target (`POST http://host/mcp HTTP/1.1`, which RFC 9112 §3.2.2
 * says a server must accept) to the origin form it stands for (`/mcp`), before anything reads it.
 * Express routes both forms alike, but the audit draft, the JSON-RPC batch refusal and the body
 * limits read the target as sent: given the absolute form, they saw no /mcp, and a tool call was
 * audited as a REST request without its tool name, and could carry a batch. The Host header still
 * names the host for the Host and Origin checks; browsers never send this form.
 */
export function originForm(req: Request, _res: Response, next: NextFunction): void {
  const target = req.url;
  const prefix = SCHEME_AND_AUTHORITY.exec(target)?.[0];
  if (prefix) {
    const rest = target.slice(prefix.length);
    req.url = rest.startsWith('/') ? rest : `/${rest}`;
    // Express copied the target before the first middleware; everything after reads one of the two.
    req.originalUrl = req.url;
  }
  next();
}
