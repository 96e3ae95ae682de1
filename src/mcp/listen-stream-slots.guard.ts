import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { bearerToken } from '../access/bearer-credential';
import type { ActorRequest } from '../access/request-actor';
import { AppError } from '../common/app-error';
import { ListenStreamRevocation } from './listen-stream-revocation';
import { ListenStreamSlots } from './listen-stream-slots';
import { opensStream } from './listen-streams';

/** A slot frees only when one of the credential's streams closes: a client should close one, not hammer. */
const RETRY_AFTER_SECONDS = 30;

/**
 * On `/mcp`, after the global guards (who is calling is known): a request that opens a listen
 * stream takes one of its credential's slots and is watched for the credential's revocation, or is
 * refused with 429 and Retry-After, recorded as a refusal. A guard, not an interceptor: every call
 * on /mcp passes it, and an interceptor wraps each one in observables (about 30 µs a call, measured).
 */
@Injectable()
export class ListenStreamSlotsGuard implements CanActivate {
  constructor(
    private readonly slots: ListenStreamSlots,
    private readonly revocation: ListenStreamRevocation,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<ActorRequest>();
    if (!opensStream(req)) return true;
    const token = bearerToken(req);
    if (!req.actor || !token) return true;
    try {
      this.slots.take({ req, res: context.switchToHttp().getResponse<Response>(), actor: req.actor, token });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      // Answered like any limit (Retry-After, recorded as denied, with the message as reason).
      throw new AppError(err.code, err.message, err.details, RETRY_AFTER_SECONDS);
    }
    this.revocation.watch();
    return true;
  }
}
