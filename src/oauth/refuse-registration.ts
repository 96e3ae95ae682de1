import type { Response } from 'express';
import { AuditContext } from '../audit/audit-context';
import { noteError } from '../audit/audit-outcome';

/**
 * A registration the limit refuses, answered in OAuth's error shape (RFC 7591 §3.2.2), which a
 * registering client reads: 429 with the wait while the address's hour is spent, 503 when the
 * limit cannot be counted. Nothing was stored; the record says why.
 */
export function refuseRegistration(res: Response, retryAfterSeconds: number | undefined): void {
  const limited = retryAfterSeconds !== undefined;
  const description = limited
    ? `too many client registrations from this address; try again in ${retryAfterSeconds} seconds`
    : 'client registration is unavailable right now; try again shortly';
  noteError(AuditContext.current(), limited ? 'rate_limited' : 'unavailable', description);
  if (limited) res.setHeader('Retry-After', String(retryAfterSeconds));
  res.status(limited ? 429 : 503).json({ error: 'temporarily_unavailable', error_description: description });
}
