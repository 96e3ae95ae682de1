import type { Response } from 'express';
import { AppError } from './app-error';

/**
 * The one place a refusal's wait becomes a `Retry-After` header (whole seconds, RFC 9110 §10.2.3),
 * so clients and proxies can wait without parsing the message: the exception filter calls it for
 * every error it answers, and so do the pages that answer a refusal themselves (sign-in).
 */
export function setRetryAfter(res: Response, err: unknown): void {
  if (err instanceof AppError && err.retryAfterSeconds !== undefined) sendRetryAfter(res, err.retryAfterSeconds);
}

/** The header itself, for an answer in another shape than ours (the OAuth server's registration refusal). */
export function sendRetryAfter(res: Response, seconds: number): void {
  res.setHeader('Retry-After', String(Math.max(1, Math.ceil(seconds))));
}
