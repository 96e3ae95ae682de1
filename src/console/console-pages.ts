import type { Request, Response } from 'express';
import { AppError } from '../common/app-error';
import type { ActorRequest } from '../access/request-actor';
import type { ConsoleSession } from './console-session.service';
import { escapeHtml, sendPage } from './html';

export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

export function fields(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

export function errorPage(res: Response, status: number, message: string): void {
  sendPage(res, status, 'Something went wrong', `<h1>That did not work</h1><p>${escapeHtml(message)}</p>`);
}

/** The signed-in person on a `@ConsoleSession()` page (the guard has checked it, and CSRF on a POST). */
export function sessionOf(req: Request): ConsoleSession {
  const session = (req as ActorRequest).consoleSession;
  if (!session) throw new AppError('unauthenticated', 'sign in to the console first');
  return session;
}
