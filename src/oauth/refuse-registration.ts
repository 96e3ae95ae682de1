import type { Response } from 'express';
import { AuditContext } from '../audit/audit-context';
import { noteError } from '../audit/audit-outcome';
import { sendRetryAfter } from '../common/retry-after';
import type { RegistrationAdmission } from './registration-limiter';

/**
 * A registration the limit refuses, answered in OAuth's error shape (RFC 7591 §3.2.2), which a
 * registering client reads: 429 with the wait while an hour's registrations are spent (this
 * address's, or everyone's), 503 when the limit cannot be counted. Nothing was stored; the record
 * says why.
 */
export function refuseRegistration(res: Response, refusal: Exclude<RegistrationAdmission, { admitted: true }>): void {
  const wait = refusal.retryAfterSeconds;
  const whose = refusal.spentBy === 'everyone' ? 'on this server' : 'from this address';
  const description =
    wait !== undefined
      ? `too many client registrations ${whose}; try again in ${wait} seconds`
      : 'client registration is unavailable right now; try again shortly';
  noteError(AuditContext.current(), wait !== undefined ? 'rate_limited' : 'unavailable', description);
  if (wait !== undefined) sendRetryAfter(res, wait);
  res.status(wait !== undefined ? 429 : 503).json({ error: 'temporarily_unavailable', error_description: description });
}
