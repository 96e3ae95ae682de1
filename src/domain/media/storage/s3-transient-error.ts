/** Network failures that say nothing about the request, only that the store was not reached. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** S3 error names that mean "busy or failing, try again", whatever status carried them. */
const RETRY_NAMES = new Set(['TimeoutError', 'SlowDown', 'ServiceUnavailable', 'InternalError', 'RequestTimeout']);

/**
 * The SDK's retry step rewraps a thrown value it does not recognise as an Error (one from another
 * realm, such as a Node socket error under a test sandbox) into a bare "AWS SDK error wrapper for
 * <message>", dropping its code: the code is then read from the message.
 */
const WRAPPED = new RegExp(`^AWS SDK error wrapper for .*\\b(${[...NETWORK_CODES, 'TimeoutError'].join('|')})\\b`);

/** As the SDK's own retries: not 501 (a feature the store lacks) or 505, which no retry fixes. */
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);

interface S3ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Whether an S3 call failed because the store is unreachable, busy or failing, not because of the
 * request or the setup: a wrong key, a missing bucket or a denied access never pass on retrying,
 * and stay errors for the operator.
 */
export function isTransientS3Error(err: unknown): boolean {
  const e = (err ?? {}) as S3ErrorShape;
  const status = e.$metadata?.httpStatusCode;
  return (
    Boolean(e.$retryable) ||
    (e.code !== undefined && NETWORK_CODES.has(e.code)) ||
    (typeof e.message === 'string' && WRAPPED.test(e.message)) ||
    (e.name !== undefined && RETRY_NAMES.has(e.name)) ||
    (status !== undefined && TRANSIENT_STATUS.has(status))
  );
}
