import type { Request, Response } from 'express';
import { AppError } from '../common/app-error';
import type { ActorRequest } from '../access/request-actor';
import type { ConsoleSession } from './console-session.service';
import { escapeHtml, renderPage, sendRendered, type RenderedPage } from './html';

export function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

export function fields(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** A link to the page where the person can carry on. */
export interface WayOn {
  href: string;
  text: string;
}

/** What an error page says: its heading, where to go on, and the request id to quote when asking for help. */
export interface ErrorPageText {
  heading?: string;
  wayOn?: WayOn;
  reference?: string;
}

/** A page that says what went wrong, where to go on, and (`reference`) the request id to quote when asking for help. */
export function renderErrorPage(message: string, o: ErrorPageText = {}): RenderedPage {
  const heading = o.heading ?? 'That did not work';
  const wayOn = o.wayOn ? `<p><a href="${escapeHtml(o.wayOn.href)}">${escapeHtml(o.wayOn.text)}</a></p>` : '';
  const reference = o.reference ? `<p class="muted">Reference: <code>${escapeHtml(o.reference)}</code></p>` : '';
  return renderPage(
    o.heading ?? 'Something went wrong',
    `<h1>${escapeHtml(heading)}</h1><p>${escapeHtml(message)}</p>${wayOn}${reference}`,
  );
}

/** Sends that page with `status`. */
export function errorPage(res: Response, status: number, message: string, o: ErrorPageText = {}): void {
  sendRendered(res, status, renderErrorPage(message, o));
}

/** The signed-in person on a `@ConsoleSession()` page (the guard has checked it, and CSRF on a POST). */
export function sessionOf(req: Request): ConsoleSession {
  const session = (req as ActorRequest).consoleSession;
  if (!session) throw new AppError('unauthenticated', 'sign in to the console first');
  return session;
}
