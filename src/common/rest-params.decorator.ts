import { createParamDecorator, Param, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError } from './app-error';
import { isUuid } from './validation/uuid';

/** The same shape as the tools' `idempotency_key`: printable ASCII without spaces, 1–255 characters. */
const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;

/**
 * The `Idempotency-Key` header of a create, with the same meaning as a tool's `idempotency_key`:
 * a repeat with the same body replays the first result; another body is refused.
 */
export const IdempotencyKeyHeader = createParamDecorator(
  (_: unknown, context: ExecutionContext): string | undefined => {
    const value = context.switchToHttp().getRequest<Request>().headers['idempotency-key'];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !IDEMPOTENCY_KEY.test(value)) {
      throw new AppError(
        'validation_failed',
        'Idempotency-Key must be 1–255 printable ASCII characters without spaces (a UUID is ideal)',
        [{ field: 'Idempotency-Key', issue: 'must be printable ASCII without spaces, at most 255 characters' }],
      );
    }
    return value;
  },
);

/** A path id that must be a UUID; anything else is refused as a bad argument naming the parameter. */
export const IdParam = (what: string, name = 'id') =>
  Param(name, {
    transform(value: unknown): string {
      if (!isUuid(value)) {
        throw new AppError('validation_failed', `${name} must be a ${what} id (UUID)`, [
          { field: name, issue: 'must be a UUID' },
        ]);
      }
      return value.toLowerCase();
    },
  });

/** How the header is documented in OpenAPI on every create. */
export const IDEMPOTENCY_KEY_HEADER_DOC = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'Any unique string (a UUID is ideal). Repeating the request with the same key and body answers 200 with the first ' +
    'result and replayed: true; the same key with another body is refused with 409 idempotency_conflict. Kept 24 hours.',
};

/** A create answers 201, or 200 when an Idempotency-Key replays the first result. */
export function replayAware<T extends { replayed?: boolean }>(res: Response, created: T): T {
  if (created.replayed) res.status(200);
  return created;
}
