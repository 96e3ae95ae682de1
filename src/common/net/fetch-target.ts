import { isIP, isIPv4 } from 'node:net';
import type { AddressPolicy } from './ip-policy';
import { addressNotPublic, fetchTimedOut, SafeFetchError } from './safe-fetch.errors';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const MAX_URL_LENGTH = 2048;

/**
 * Parses `raw` — against `base` when it is a redirect's Location — and applies the URL rules: a
 * valid `https:` URL of at most 2048 characters, with a host and without credentials. An IP literal
 * host must pass `isAllowed`; an IPv4 one must also be written as the dotted quad it stands for.
 */
export function parseFetchUrl(raw: string, isAllowed: AddressPolicy, base?: URL): URL {
  if (typeof raw !== 'string' || raw.length > MAX_URL_LENGTH) {
    throw new SafeFetchError('url_not_allowed', `The URL must be a string of at most ${MAX_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new SafeFetchError('url_not_allowed', 'The URL is not valid');
  }
  if (url.protocol !== 'https:') throw new SafeFetchError('url_not_allowed', 'Only https URLs are accepted');
  if (url.username !== '' || url.password !== '') {
    throw new SafeFetchError('url_not_allowed', 'URLs with credentials are not accepted');
  }
  const host = bareHostname(url);
  if (host === '') throw new SafeFetchError('url_not_allowed', 'The URL has no host');
  if (isIP(host) === 0) return url;
  if (!isAllowed(host)) throw addressNotPublic();
  // The parser turns `127.1`, `0177.0.0.1`, `0x7f.1` and `2130706433` into `127.0.0.1`. Those
  // spellings exist to slip past filters: refuse them even when the address they name is public.
  const written = writtenHost(raw);
  if (isIPv4(host) && written !== undefined && written !== host) {
    throw new SafeFetchError('url_not_allowed', 'IPv4 addresses in URLs must be written as four decimal numbers');
  }
  return url;
}

/**
 * The address to connect to for `url`: its IP literal, or the first address the host name resolves
 * to — resolved once, and refused unless every address in the answer passes `isAllowed`, so a name
 * that points both outside and inside the network cannot be raced into the inside.
 */
export async function pinFetchAddress(
  url: URL,
  resolve: Resolver,
  isAllowed: AddressPolicy,
  signal: AbortSignal,
): Promise<ResolvedAddress> {
  const host = bareHostname(url);
  if (isIP(host) !== 0) {
    if (!isAllowed(host)) throw addressNotPublic();
    return { address: host, family: isIPv4(host) ? 4 : 6 };
  }
  let answers: ResolvedAddress[];
  try {
    answers = await untilAborted(resolve(host), signal);
  } catch (error) {
    if (error instanceof SafeFetchError) throw error;
    throw new SafeFetchError('fetch_failed', 'The host name could not be resolved', { cause: error });
  }
  if (answers.length === 0) throw new SafeFetchError('fetch_failed', 'The host name could not be resolved');
  if (!answers.every((answer) => isAllowed(answer.address))) throw addressNotPublic();
  return answers[0];
}

/** `url.hostname` without the brackets of an IPv6 literal. */
export function bareHostname(url: URL): string {
  const { hostname } = url;
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * The host of `raw` as written, when `raw` names one; `undefined` for a relative reference that
 * keeps its base's host. Mirrors the WHATWG parser's first steps for special schemes: surrounding
 * spaces and controls dropped, tabs and newlines removed, backslashes read as slashes.
 */
function writtenHost(raw: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const cleaned = raw.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  const match = /^(?:[a-zA-Z][a-zA-Z0-9+.-]*:\/*|\/\/)([^/?#]*)/.exec(cleaned.replace(/\\/g, '/'));
  if (match === null) return undefined;
  const authority = match[1];
  return authority
    .slice(authority.lastIndexOf('@') + 1)
    .replace(/:\d*$/, '')
    .toLowerCase();
}

/** DNS lookups cannot be cancelled; stop waiting for one when the fetch's deadline passes. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(fetchTimedOut());
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
