import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import type { Observable } from 'rxjs';
import { bearerToken } from '../access/bearer-credential';
import type { ActorRequest } from '../access/request-actor';
import { AppError } from '../common/app-error';
import { ListenStreamRevocation } from './listen-stream-revocation';
import { ListenStreamSlots } from './listen-stream-slots';
import { opensStream } from './listen-streams';

/** A slot frees only when one of the credential's streams closes: a client should close one, not hammer. */
const RETRY_AFTER_SECONDS = 30;

/**
 * On `/mcp`, after the guards (who is calling is known): a request that opens a listen stream takes
 * one of its credential's slots and is watched for the credential's revocation, or is refused with
 * 429 and Retry-After, recorded as a refusal.
 */
@Injectable()
export class ListenStreamSlotsInterceptor implements NestInterceptor {
  constructor(
    private readonly slots: ListenStreamSlots,
    private readonly revocation: ListenStreamRevocation,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<ActorRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const token = bearerToken(req);
    if (!opensStream(req) || !req.actor || !token) return next.handle();
    try {
      this.slots.take({ req, res, actor: req.actor, token });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      // Answered like any limit (Retry-After, recorded as denied, with the message as reason).
      throw new AppError(err.code, err.message, err.details, RETRY_AFTER_SECONDS);
    }
    this.revocation.watch();
    return next.handle();
  }
}
