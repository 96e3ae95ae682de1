/**
 * Stable error codes clients can branch on. HTTP status and MCP mapping live with the code so
 * REST and MCP answer the same failure the same way.
 */
export const ERROR_CODES = {
  unauthenticated: 401,
  forbidden: 403,
  insufficient_scope: 403,
  insufficient_role: 403,
  /** The workspace policy reserves this action for a person's approval; nothing was done. */
  approval_required: 403,
  not_found: 404,
  validation_failed: 400,
  malformed_json: 400,
  payload_too_large: 413,
  conflict: 409,
  /** The same idempotency key was used earlier with a different payload. */
  idempotency_conflict: 409,
  /** The post is publishing or published (or its outcome is unknown): its content is frozen. */
  post_not_editable: 409,
  /** The post's status does not allow this step (say, publishing a post already published). */
  post_not_schedulable: 409,
  /** The content breaks a rule of a target platform; each violation is a detail (validate_post lists them too). */
  rules_violated: 422,
  /** A target account is not active, or this installation cannot publish to its platform. */
  target_unavailable: 422,
  /** The trash keeps posts for 30 days; this one is gone or was never trashed. */
  not_restorable: 409,
  unsupported_media_type: 415,
  /** A URL to fetch was refused (not https, not public, too large, too slow, or it failed). */
  fetch_refused: 422,
  rate_limited: 429,
  setup_token_invalid: 400,
  unavailable: 503,
  internal_error: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetail {
  field?: string;
  issue: string;
}

/**
 * A failure the caller can act on. The message is safe to show: no SQL, no stack, no secret.
 * `retryAfterSeconds`: when a refusal ends, which HTTP answers send as `Retry-After` (see retry-after.ts).
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);

/** One argument refused: the message is the field and its issue, and the one detail names them. */
export const invalidField = (field: string, issue: string) =>
  new AppError('validation_failed', `${field} ${issue}`, [{ field, issue }]);

/** An update that names no field to change. */
export const nothingToChange = () =>
  new AppError('validation_failed', 'give at least one field to change', [
    { field: '(arguments)', issue: 'nothing to change' },
  ]);
