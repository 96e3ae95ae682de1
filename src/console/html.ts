import { createHash } from 'node:crypto';
import type { Response } from 'express';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1d2430}
h1{font-size:1.5rem}label{display:block;margin:.8rem 0 .2rem;font-weight:600}
input{width:100%;padding:.5rem;border:1px solid #aab;border-radius:4px;box-sizing:border-box}
button{margin-top:1.2rem;padding:.6rem 1.2rem;border:0;border-radius:4px;background:#1f5fbf;color:#fff;font-weight:600}
pre{background:#f3f5f8;padding:.8rem;overflow:auto;border-radius:4px}.error{color:#a11}.muted{color:#667}
button.secondary{background:#e4e7ec;color:#1d2430;margin-left:.5rem}fieldset{border:1px solid #d0d5dd;border-radius:4px;margin:.8rem 0}
ul{list-style:none;padding-left:0}label.scope{font-weight:400;display:block;margin:.3rem 0}label.scope input{width:auto}
select{width:100%;padding:.5rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e4e7ec;padding:.4rem;text-align:left;vertical-align:top}`;

// The stylesheet is allowed by its hash, so the policy needs no 'unsafe-inline' and loads nothing external.
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');
function csp(formTargets: string[]): string {
  return `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; form-action 'self'${formTargets.map((t) => ` ${t}`).join('')}; frame-ancestors 'none'; base-uri 'none'`;
}

/** A console page as headers and markup: for `sendPage`, and for an answer that replaces a held one. */
export interface RenderedPage {
  headers: Record<string, string>;
  html: string;
}

/**
 * A server-rendered console page, with headers that forbid framing, sniffing and caching.
 * `formTargets`: origins a form on this page may end up at through redirects (browsers apply
 * form-action to the whole redirect chain, so consent must allow the client's callback origin).
 */
export function renderPage(title: string, body: string, formTargets: string[] = []): RenderedPage {
  return {
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': csp(formTargets),
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    },
    html:
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
      `<title>${escapeHtml(title)} · Postern</title><style>${STYLE}</style></head><body>${body}</body></html>`,
  };
}

/** Sends a rendered page with `status`. */
export function sendRendered(res: Response, status: number, page: RenderedPage): void {
  res.status(status).set(page.headers).send(page.html);
}

/** Sends a console page (see renderPage). */
export function sendPage(res: Response, status: number, title: string, body: string, formTargets: string[] = []): void {
  sendRendered(res, status, renderPage(title, body, formTargets));
}
