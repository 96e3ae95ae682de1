import type { Request } from 'express';
import type { ActorRequest } from '../access/request-actor';
import type { AuditDraft } from './audit-context';
import { noteError } from './audit-outcome';
import { describeRequest } from './audit-request';
import type { AuditWriter } from './audit-writer.service';

/**
 * The record of a call that got no answer its caller could read: the client went away first, so
 * what the call would have stored was rolled back. Written on its own, as a failed call.
 */
export function recordUnanswered(writer: AuditWriter, draft: AuditDraft, req: Request, code: string): Promise<void> {
  draft.actor ??= (req as ActorRequest).actor;
  describeRequest(draft, req);
  noteError(draft, code, code === 'client_closed' ? 'the client closed the connection before its answer' : undefined);
  // Whatever was found wrong with it on the way (an incomplete body), it ended unanswered; a refusal stays one.
  if (draft.decision !== 'denied') draft.decision = 'failed';
  return writer.write(writer.toFields(draft, 'error'));
}
