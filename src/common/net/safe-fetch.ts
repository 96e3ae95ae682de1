import { lookup as dnsLookup } from 'node:dns/promises';
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { bareHostname, parseFetchUrl, pinFetchAddress, type ResolvedAddress, type Resolver } from './fetch-target';
import { isPublicAddress, type AddressPolicy } from './ip-policy';
import { fetchTimedOut, SafeFetchError } from './safe-fetch.errors';

export type { ResolvedAddress, Resolver } from './fetch-target';

export interface SafeFetchResponse {
  /** The URL that answered, after redirects. */
  finalUrl: string;
  status: number;
  headers: IncomingHttpHeaders;
  /** The body exactly as sent: identity encoding, never decompressed. */
  body: Buffer;
}

/** A response whose body has not been read: at most the fetcher's `maxBytes` of it can be. */
export interface SafeFetchStreamingResponse extends Omit<SafeFetchResponse, 'body'> {
  /**
   * The body as it arrives, identity encoding. Iterating throws `SafeFetchError` `too_large` as
   * soon as more than the cap has arrived (before that chunk is yielded), and `timed_out` or
   * `fetch_failed` when the deadline passes or the connection fails while it is read.
   */
  body: AsyncIterable<Buffer>;
}

export interface SafeFetcher {
  /** Fetches the URL and reads the whole body (at most `maxBytes`) into memory. */
  (url: string): Promise<SafeFetchResponse>;
  /**
   * Fetches the URL and hands the unread response to `consume`, which must finish within the same
   * deadline as the rest of the fetch; the connection is closed when it returns or throws. Errors
   * `consume` raises itself are thrown unchanged.
   */
  stream<T>(url: string, consume: (response: SafeFetchStreamingResponse) => Promise<T>): Promise<T>;
}

/** Limits a deployment may choose. */
export interface SafeFetchLimits {
  /** Wall-clock budget for the whole fetch: every lookup, connection, redirect and the body. */
  timeoutMs?: number;
  /** Largest body accepted, in bytes; the transfer is cut as soon as it is exceeded. */
  maxBytes?: number;
  /** Redirects followed before giving up. */
  maxRedirects?: number;
}

/**
 * TEST SEAMS, not configuration. Production code calls `createSafeFetcher()` or passes limits only,
 * and gets the system resolver, the system trust store and the strict public-address policy. Unit
 * tests use these to point test host names at 127.0.0.1, trust a certificate made for the test, and
 * allow exactly 127.0.0.1 for the success-path cases. No config key or env var may ever feed them.
 */
export interface SafeFetchTestSeams {
  resolve?: Resolver;
  connectTlsOptions?: { ca?: string | Buffer | Array<string | Buffer> };
  isAllowedAddress?: AddressPolicy;
}

export type SafeFetcherOptions = SafeFetchLimits & SafeFetchTestSeams;

export const SAFE_FETCH_DEFAULTS = {
  timeoutMs: 10_000,
  maxBytes: 50 * 1024 * 1024,
  maxRedirects: 3,
} as const satisfies Required<SafeFetchLimits>;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const systemResolve: Resolver = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/**
 * Builds a fetcher for URLs a caller supplied (media to import, link previews). It defends against
 * server-side request forgery:
 *
 * - only `https:` URLs without credentials, at most 2048 characters, IPv4 hosts as plain dotted quads;
 * - the host name is resolved once, and every address in the answer must be public (see
 *   `isPublicAddress`), so a name that also points inside the network is refused outright;
 * - the connection goes to that pinned address — a second, rebinding lookup never happens — while
 *   SNI and Host stay the name, so TLS is verified against the name;
 * - redirects are followed by hand, at most `maxRedirects`, each hop checked like the first;
 * - one deadline covers the whole fetch; the body is capped, refused up front when Content-Length
 *   is over the cap, and only identity encoding is asked for or accepted, so nothing is inflated.
 *
 * The proxy environment variables are not consulted: the request never leaves through a proxy that
 * could reach what the policy refuses.
 */
export function createSafeFetcher(options: SafeFetcherOptions = {}): SafeFetcher {
  const timeoutMs = options.timeoutMs ?? SAFE_FETCH_DEFAULTS.timeoutMs;
  const maxBytes = options.maxBytes ?? SAFE_FETCH_DEFAULTS.maxBytes;
  const maxRedirects = options.maxRedirects ?? SAFE_FETCH_DEFAULTS.maxRedirects;
  const resolve = options.resolve ?? systemResolve;
  const isAllowed = options.isAllowedAddress ?? isPublicAddress;
  const ca = options.connectTlsOptions?.ca;

  async function fetchHop(url: URL, signal: AbortSignal): Promise<IncomingMessage> {
    const pinned = await pinFetchAddress(url, resolve, isAllowed, signal);
    const host = bareHostname(url);
    return send(
      {
        host,
        port: url.port === '' ? 443 : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { host: url.host, accept: '*/*', 'accept-encoding': 'identity', 'user-agent': 'Postern' },
        // A fresh connection per hop: a pooled socket could lead to an address checked for another name.
        agent: false,
        lookup: pinnedLookup(host, pinned),
        ...(isIP(host) === 0 ? { servername: host } : {}),
        ...(ca === undefined ? {} : { ca }),
        signal,
      },
      signal,
    );
  }

  /**
   * One fetch: follows redirects (each hop checked), refuses a compressed or declared-oversized
   * answer, then hands the final response to `handle` — all under one deadline, which also covers
   * `handle` reading the body. Errors become `SafeFetchError`s, except a `ConsumerError`, whose
   * original is thrown unchanged.
   */
  async function run<T>(input: string, handle: (final: FinalResponse, signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const { signal } = controller;
    let response: IncomingMessage | undefined;
    try {
      let url = parseFetchUrl(input, isAllowed);
      for (let redirects = 0; ; redirects += 1) {
        response = await fetchHop(url, signal);
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        if (REDIRECT_STATUSES.has(status) && location !== undefined) {
          response.destroy();
          if (redirects >= maxRedirects) {
            throw new SafeFetchError('too_many_redirects', `The URL redirected more than ${maxRedirects} times`);
          }
          url = parseFetchUrl(location, isAllowed, url);
          continue;
        }
        checkEncoding(response.headers);
        const declaredLength = Number(response.headers['content-length']);
        if (Number.isFinite(declaredLength) && declaredLength > maxBytes) throw tooLarge(maxBytes);
        const final: FinalResponse = { finalUrl: url.href, status, headers: response.headers, message: response };
        return await handle(final, signal);
      }
    } catch (error) {
      if (error instanceof ConsumerError) throw error.original;
      throw toSafeFetchError(error, signal);
    } finally {
      clearTimeout(timer);
      response?.destroy();
    }
  }

  return Object.assign(
    (input: string): Promise<SafeFetchResponse> =>
      run(input, async ({ message, ...rest }) => ({ ...rest, body: await readCapped(message, maxBytes) })),
    {
      stream: <T>(input: string, consume: (response: SafeFetchStreamingResponse) => Promise<T>): Promise<T> =>
        run(input, async ({ message, ...rest }, signal) => {
          try {
            return await consume({ ...rest, body: cappedBody(message, maxBytes, signal) });
          } catch (error) {
            // The body's own failures are SafeFetchErrors already; anything else is the consumer's.
            if (error instanceof SafeFetchError) throw error;
            throw new ConsumerError(error);
          }
        }),
    },
  );
}

interface FinalResponse {
  finalUrl: string;
  status: number;
  headers: IncomingHttpHeaders;
  message: IncomingMessage;
}

/** Wraps an error a streaming consumer raised itself, so it is not mistaken for a network failure. */
class ConsumerError extends Error {
  constructor(readonly original: unknown) {
    super('response consumer failed');
  }
}

function pinnedLookup(expectedHostname: string, pinned: ResolvedAddress): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    if (hostname !== expectedHostname) {
      callback(new Error('unexpected host name in lookup'), '', 0);
    } else if (lookupOptions.all === true) {
      callback(null, [{ address: pinned.address, family: pinned.family }]);
    } else {
      callback(null, pinned.address, pinned.family);
    }
  };
}

function send(options: RequestOptions, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(fetchTimedOut());
      return;
    }
    const req: ClientRequest = httpsRequest(options, resolve);
    // Stays attached after the response arrives: a late socket error then settles nothing.
    req.on('error', reject);
    req.end();
  });
}

function checkEncoding(headers: IncomingHttpHeaders): void {
  const encoding = headers['content-encoding']?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    throw new SafeFetchError('fetch_failed', 'The server sent a compressed response although none was asked for');
  }
}

async function* cappedBody(
  response: IncomingMessage,
  maxBytes: number,
  signal: AbortSignal,
): AsyncGenerator<Buffer, void, undefined> {
  let size = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge(maxBytes);
      yield chunk;
    }
  } catch (error) {
    throw toSafeFetchError(error, signal);
  }
}

async function readCapped(response: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function toSafeFetchError(error: unknown, signal: AbortSignal): SafeFetchError {
  if (error instanceof SafeFetchError) return error;
  if (signal.aborted) return fetchTimedOut();
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (/CERT|SELF_SIGNED|ISSUER|SIGNATURE|ALTNAME/.test(code)) {
    return new SafeFetchError('fetch_failed', "The server's TLS certificate could not be verified", { cause: error });
  }
  if (/^ERR_(SSL|TLS)_/.test(code)) {
    return new SafeFetchError('fetch_failed', 'The TLS handshake with the server failed', { cause: error });
  }
  if (code === 'ECONNREFUSED') {
    return new SafeFetchError('fetch_failed', 'The server refused the connection', { cause: error });
  }
  return new SafeFetchError('fetch_failed', 'The connection to the server failed', { cause: error });
}

const tooLarge = (maxBytes: number) =>
  new SafeFetchError('too_large', `The response is larger than the limit of ${maxBytes} bytes`);
