import { AppError } from '../../common/app-error';
import type { SafeFetchError } from '../../common/net/safe-fetch.errors';
import type { MediaTypeError } from '../../media/media.errors';

const MIB = 1024 * 1024;

/** A byte count as people read limits: "10 MB", "0.5 MB". */
export function megabytes(bytes: number): string {
  const mb = bytes / MIB;
  return `${Number.isInteger(mb) ? mb : Number(mb.toFixed(2))} MB`;
}

/** The bytes are not media Postern accepts, or not what they were declared to be. */
export function unsupportedMedia(error: MediaTypeError, field: string): AppError {
  return new AppError('unsupported_media_type', error.message, [{ field, issue: error.code }]);
}

export function tooLarge(what: string, limitBytes: number, field: string): AppError {
  return new AppError('payload_too_large', `${what} is larger than the limit of ${megabytes(limitBytes)}`, [
    { field, issue: `larger than ${limitBytes} bytes` },
  ]);
}

/**
 * Why a URL was not imported. The safe fetcher's messages name the reason (not https, not a public
 * address, too many redirects, timed out, TLS failed) and never an address or a socket error.
 */
export function fetchRefused(error: SafeFetchError, limitBytes: number): AppError {
  if (error.code === 'too_large') return tooLarge('The file at the URL', limitBytes, 'url');
  return new AppError('fetch_refused', `The URL was not fetched: ${error.message}`, [
    { field: 'url', issue: error.code },
  ]);
}

export function fetchAnsweredWith(status: number): AppError {
  return new AppError(
    'fetch_refused',
    `The URL was not fetched: the server answered HTTP ${status}; give a URL that serves the file itself`,
    [{ field: 'url', issue: `http_${status}` }],
  );
}
