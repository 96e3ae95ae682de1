import { HttpException } from '@nestjs/common';
import { AppError, type ErrorCode, type ErrorDetail } from './app-error';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetail[]; requestId?: string };
}

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'validation_failed',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
};

/**
 * Turns anything thrown into the one error shape clients see. Unknown errors become a generic
 * `internal_error`; their details go to the log only.
 */
export function toErrorBody(err: unknown, requestId?: string): { status: number; body: ErrorBody } {
  if (err instanceof AppError) {
    return {
      status: err.status,
      body: { error: { code: err.code, message: err.message, details: err.details, requestId } },
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const response = err.getResponse();
    const raw =
      typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : response;
    const messages = Array.isArray(raw) ? raw.map((m) => String(m)) : [typeof raw === 'string' ? raw : err.message];
    const code = STATUS_CODES[status] ?? (status >= 500 ? 'internal_error' : 'validation_failed');
    const details = Array.isArray(raw) ? messages.map((m) => ({ field: m.split(' ')[0], issue: m })) : undefined;
    const message = status === 404 && !details ? 'No such route' : messages.join('; ');
    return {
      status,
      body: { error: { code, message: status >= 500 ? 'Internal error' : message, details, requestId } },
    };
  }
  if (databaseGaveUp(err))
    return {
      status: 503,
      body: {
        error: { code: 'unavailable', message: 'the database did not answer in time; try again shortly', requestId },
      },
    };
  return { status: 500, body: { error: { code: 'internal_error', message: 'Internal error', requestId } } };
}

/** PostgreSQL cancelled the statement (its timeout, 57014) or a lock wait (55P03): busy, not broken. */
function databaseGaveUp(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === '57014' || code === '55P03';
}
