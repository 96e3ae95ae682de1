import { isTransientS3Error } from './s3-transient-error';

describe(isTransientS3Error.name, () => {
  const s3 = (name: string, status: number, extra: object = {}) =>
    Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status }, ...extra });

  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9000'), { code: 'ECONNREFUSED' })],
    ['a reset connection', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['an unresolvable host, for now', Object.assign(new Error('getaddrinfo EAI_AGAIN s3'), { code: 'EAI_AGAIN' })],
    ['the handler’s timeout', Object.assign(new Error('socket timed out'), { name: 'TimeoutError' })],
    ['a wrapped socket error', new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:1')],
    ['a wrapped timeout', new Error('AWS SDK error wrapper for TimeoutError: read ECONNRESET')],
    ['SlowDown', s3('SlowDown', 503)],
    ['an internal error', s3('InternalError', 500)],
    ['a bad gateway', s3('Whatever', 502)],
    ['throttling', s3('TooManyRequests', 429)],
    ['an error the SDK marks retryable', s3('Odd', 400, { $retryable: {} })],
  ])('takes %s for an outage', (_what, error) => {
    expect(isTransientS3Error(error)).toBe(true);
  });

  it.each([
    ['a missing bucket', s3('NoSuchBucket', 404)],
    ['a missing key', s3('NoSuchKey', 404)],
    ['an unknown access key', s3('InvalidAccessKeyId', 403)],
    ['a denied access', s3('AccessDenied', 403)],
    ['a bad signature', s3('SignatureDoesNotMatch', 403)],
    ['a feature the store lacks', s3('NotImplemented', 501)],
    ['a programming error', new Error('not a media storage key')],
    ['a message that merely mentions a code', new Error('the file ECONNRESET.png is missing')],
    ['nothing at all', undefined],
  ])('does not take %s for an outage', (_what, error) => {
    expect(isTransientS3Error(error)).toBe(false);
  });
});
