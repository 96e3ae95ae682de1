export type SafeFetchErrorCode =
  'url_not_allowed' | 'address_not_public' | 'too_many_redirects' | 'too_large' | 'timeout' | 'fetch_failed';

/**
 * Why a fetch of a caller-supplied URL was refused or failed. `code` is stable for callers to branch
 * on; `message` is safe to show them: it names the reason, never a resolved address, a socket error
 * or a stack. The underlying error, if any, is kept in `cause` for operators' logs only.
 */
export class SafeFetchError extends Error {
  constructor(
    readonly code: SafeFetchErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SafeFetchError';
  }
}

export const addressNotPublic = () =>
  new SafeFetchError('address_not_public', 'The URL points to an address that is not on the public internet');
export const fetchTimedOut = () => new SafeFetchError('timeout', 'The fetch did not finish in time');
