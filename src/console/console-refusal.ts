import type { Request, Response } from 'express';
import type { ErrorBody } from '../common/error-body';
import { errorPage, renderErrorPage, type WayOn } from './console-pages';
import type { RenderedPage } from './html';
import { FormExpiredError } from './form-expired';

/**
 * A person's browser on a console route: it prefers HTML to JSON. A script, curl or fetch that
 * takes any type alike, or asks for JSON, keeps getting the JSON error body.
 */
export function wantsConsolePage(req: Request): boolean {
  const onConsole = req.path === '/console' || req.path.startsWith('/console/');
  return onConsole && req.accepts(['application/json', 'text/html']) === 'text/html';
}

/** The page a refused request on `path` came from, to go back to (a GET renders it, and its form, afresh). */
function pageOf(path: string): WayOn {
  const interaction = /^\/console\/interaction\/([\w-]+)/.exec(path);
  if (interaction) return { href: `/console/interaction/${interaction[1]}`, text: 'Back to the sign-in request' };
  if (/^\/console\/keys(\/|$)/.test(path)) return { href: '/console/keys', text: 'Back to API keys' };
  if (/^\/console\/password\/?$/.test(path))
    return { href: '/console/password', text: 'Back to changing your password' };
  return { href: '/console/connections', text: 'Back to connected AI clients' };
}

function sentence(text: string): string {
  const full = /[.!?]$/.test(text) ? text : `${text}.`;
  return full.charAt(0).toUpperCase() + full.slice(1);
}

/**
 * A console refusal as a page of the console rather than JSON: what happened, in words, and a
 * link on. Status, headers already set (Retry-After, WWW-Authenticate) and the audit record are
 * the exception filter's, as for the JSON answer; only the message of the error body is shown.
 */
export function sendConsoleRefusal(
  req: Request,
  res: Response,
  exception: unknown,
  status: number,
  body: ErrorBody,
): void {
  const back = pageOf(req.path);
  const page = refusalPage(exception, status, body.error.message, back);
  errorPage(res, status, page.message, { ...page, reference: body.error.requestId });
}

/** What the page says, and where it leads. */
function refusalPage(
  exception: unknown,
  status: number,
  message: string,
  back: WayOn,
): { heading?: string; message: string; wayOn: WayOn } {
  if (status === 401)
    return {
      heading: 'Your session has ended',
      message: 'Sign in again, then repeat what you were doing. Nothing was changed.',
      wayOn: { href: `/console/login?next=${encodeURIComponent(back.href)}`, text: 'Sign in again' },
    };
  if (exception instanceof FormExpiredError)
    return {
      heading: 'This form expired',
      message:
        'It was opened before your last sign-in, or did not come from this site. Nothing was changed: reload the page and try again.',
      wayOn: { ...back, text: 'Reload the page' },
    };
  if (status === 404)
    return {
      heading: 'Not found',
      message: `${sentence(message)} It may be gone, or no longer yours to see or manage.`,
      wayOn: back,
    };
  return { heading: status >= 500 ? 'Something went wrong' : undefined, message: sentence(message), wayOn: back };
}

/**
 * What a person's browser gets instead of an answer whose audit record could not be written (the
 * JSON refusal's page): the change, if any, was rolled back with the record.
 */
export function unrecordedPage(req: Request, requestId: string): RenderedPage {
  return renderErrorPage(
    'Postern records every request before it answers, and could not record this one, so nothing was changed. Try again in a moment; if this keeps happening, tell your administrator.',
    { heading: 'The audit trail is unavailable', wayOn: pageOf(req.path), reference: requestId },
  );
}
