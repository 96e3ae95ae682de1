import { gzipSync } from 'node:zlib';
import { type Handler, redirect, useHttpsTestServer } from '../../../test/support/https-test-server';
import { createSafeFetcher, SAFE_FETCH_DEFAULTS, type Resolver, type SafeFetcherOptions } from './safe-fetch';
import { SafeFetchError } from './safe-fetch.errors';

/**
 * The fetcher runs against a real HTTPS server on 127.0.0.1 whose certificate names media.test and
 * hop.test; it trusts that certificate through the `connectTlsOptions` test seam and reaches the
 * server through a resolver that maps those names to 127.0.0.1. Nothing here talks to any other address.
 */
const tls = useHttpsTestServer(['media.test', 'hop.test']);
const { routes, seen, origin } = tls;
const cleanups: Array<() => void> = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Test names → 127.0.0.1; internal.test → a private address, which must never be connected to. */
const testResolver: Resolver = (hostname) => {
  if (hostname === 'media.test' || hostname === 'hop.test' || hostname === 'other.test') {
    return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
  }
  if (hostname === 'internal.test') return Promise.resolve([{ address: '10.0.0.5', family: 4 }]);
  if (hostname === 'split.test') {
    return Promise.resolve([
      { address: '127.0.0.1', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ]);
  }
  return Promise.reject(new Error(`unknown test host ${hostname}`));
};

/** The success-path policy: exactly 127.0.0.1, where the test server listens, and nothing else. */
const onlyTestServer = (address: string) => address === '127.0.0.1';

const fetcher = (options: SafeFetcherOptions = {}) =>
  createSafeFetcher({
    resolve: testResolver,
    isAllowedAddress: onlyTestServer,
    connectTlsOptions: { ca: tls.cert },
    ...options,
  });

const failureOf = async (promise: Promise<unknown>): Promise<SafeFetchError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SafeFetchError) return error;
    throw error;
  }
  throw new Error('expected the fetch to fail');
};

describe(createSafeFetcher.name, () => {
  describe('success path', () => {
    it('returns the status, headers and body, connecting to the pinned address under the host name', async () => {
      routes.set('/a.png', (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end('png bytes'));
      const resolve = jest.fn(testResolver);

      const result = await fetcher({ resolve })(`${origin()}/a.png`);

      expect(result.status).toBe(200);
      expect(result.finalUrl).toBe(`${origin()}/a.png`);
      expect(result.headers['content-type']).toBe('image/png');
      expect(result.body).toEqual(Buffer.from('png bytes'));
      expect(resolve).toHaveBeenCalledTimes(1);
      expect(seen).toEqual([
        { path: '/a.png', host: `media.test:${tls.port}`, servername: 'media.test', acceptEncoding: 'identity' },
      ]);
    });

    it('returns a non-2xx answer as it is, for the caller to judge', async () => {
      const result = await fetcher()(`${origin()}/missing`);
      expect(result.status).toBe(404);
      expect(result.body.toString()).toBe('no route');
    });

    it('follows up to three redirects, relative and absolute, re-resolving each hop', async () => {
      routes.set('/r1', redirect('/r2', 301));
      routes.set('/r2', redirect(`${origin('hop.test')}/r3`, 307));
      routes.set('/r3', redirect('final?x=1', 308));
      routes.set('/final?x=1', (_req, res) => res.end('done'));
      const resolve = jest.fn(testResolver);

      const result = await fetcher({ resolve })(`${origin()}/r1`);

      expect(result.body.toString()).toBe('done');
      expect(result.finalUrl).toBe(`${origin('hop.test')}/final?x=1`);
      expect(seen.map((hop) => hop.path)).toEqual(['/r1', '/r2', '/r3', '/final?x=1']);
      expect(seen[2]).toMatchObject({ host: `hop.test:${tls.port}`, servername: 'hop.test' });
      expect(resolve.mock.calls).toEqual([['media.test'], ['media.test'], ['hop.test'], ['hop.test']]);
    });

    it('accepts a body exactly at the size cap', async () => {
      routes.set('/exact', (_req, res) => res.end(Buffer.alloc(1000, 1)));
      const result = await fetcher({ maxBytes: 1000 })(`${origin()}/exact`);
      expect(result.body.length).toBe(1000);
    });
  });

  describe('production defaults', () => {
    it('refuse the test server itself: loopback is not public', async () => {
      routes.set('/a.png', (_req, res) => res.end('must not be served'));
      const strict = createSafeFetcher({ connectTlsOptions: { ca: tls.cert } });

      await expect(strict(`https://127.0.0.1:${tls.port}/a.png`)).rejects.toMatchObject({ code: 'address_not_public' });
      await expect(strict(`https://localhost:${tls.port}/a.png`)).rejects.toMatchObject({ code: 'address_not_public' });
      await expect(strict(`https://2130706433:${tls.port}/a.png`)).rejects.toMatchObject({
        code: 'address_not_public',
      });
      await expect(strict(`https://[::ffff:127.0.0.1]:${tls.port}/a.png`)).rejects.toMatchObject({
        code: 'address_not_public',
      });
      expect(seen).toEqual([]);
    });

    it('verify the certificate against the system trust store, not the test certificate', async () => {
      routes.set('/a.png', (_req, res) => res.end('png bytes'));
      const noTestCa = createSafeFetcher({ resolve: testResolver, isAllowedAddress: onlyTestServer });
      const failure = await failureOf(noTestCa(`${origin()}/a.png`));
      expect(failure.code).toBe('fetch_failed');
      expect(failure.message).toBe("The server's TLS certificate could not be verified");
    });

    it('are the documented limits', () => {
      expect(SAFE_FETCH_DEFAULTS).toEqual({ timeoutMs: 10_000, maxBytes: 50 * 1024 * 1024, maxRedirects: 3 });
    });
  });

  describe('refusals', () => {
    it.each([
      ['http', (p: number) => `http://media.test:${p}/a.png`],
      ['file', () => 'file:///etc/passwd'],
      ['data', () => 'data:text/plain,hello'],
      ['credentials', (p: number) => `https://user:secret@media.test:${p}/a.png`],
    ])('refuses %s URLs before any connection', async (_name, makeUrl) => {
      const resolve = jest.fn(testResolver);
      await expect(fetcher({ resolve })(makeUrl(tls.port))).rejects.toMatchObject({ code: 'url_not_allowed' });
      expect(resolve).not.toHaveBeenCalled();
      expect(seen).toEqual([]);
    });

    it.each([
      ['127.0.0.2', 'https://127.0.0.2', 'address_not_public'],
      ['::1', 'https://[::1]', 'address_not_public'],
      ['::ffff:127.0.0.1', 'https://[::ffff:127.0.0.1]', 'address_not_public'],
      // The test policy allows 127.0.0.1 itself, so these reach the notation rule.
      ['127.0.0.1 in decimal', 'https://2130706433', 'url_not_allowed'],
      ['127.0.0.1 in octal', 'https://0177.0.0.1', 'url_not_allowed'],
      ['127.0.0.1 in hex', 'https://0x7f.1', 'url_not_allowed'],
      ['127.0.0.1, short', 'https://127.1', 'url_not_allowed'],
    ])('refuses the literal host %s', async (_name, base, code) => {
      routes.set('/a.png', (_req, res) => res.end('must not be served'));
      await expect(fetcher()(`${base}:${tls.port}/a.png`)).rejects.toMatchObject({ code });
      expect(seen).toEqual([]);
    });

    it('refuses a name whose answer holds an allowed and a refused address', async () => {
      routes.set('/a.png', (_req, res) => res.end('must not be served'));
      await expect(fetcher()(`${origin('split.test')}/a.png`)).rejects.toMatchObject({ code: 'address_not_public' });
      expect(seen).toEqual([]);
    });

    it('refuses a redirect to loopback, checking the new hop like the first', async () => {
      routes.set('/to-loopback', redirect(`https://127.0.0.2:${tls.port}/secret`));
      routes.set('/to-v6-loopback', redirect(`https://[::1]:${tls.port}/secret`));
      routes.set('/to-odd-loopback', redirect(`https://0x7f.0.0.2:${tls.port}/secret`));
      routes.set('/to-internal-name', redirect(`https://internal.test:${tls.port}/secret`));

      for (const path of ['/to-loopback', '/to-v6-loopback', '/to-odd-loopback', '/to-internal-name']) {
        await expect(fetcher()(`${origin()}${path}`)).rejects.toMatchObject({ code: 'address_not_public' });
      }
      expect(seen.map((hop) => hop.path)).toEqual([
        '/to-loopback',
        '/to-v6-loopback',
        '/to-odd-loopback',
        '/to-internal-name',
      ]);
    });

    it('refuses a redirect to http or to a URL with credentials', async () => {
      routes.set('/to-http', redirect(`http://media.test:${tls.port}/a.png`));
      routes.set('/to-creds', redirect(`https://u:p@media.test:${tls.port}/a.png`));
      await expect(fetcher()(`${origin()}/to-http`)).rejects.toMatchObject({ code: 'url_not_allowed' });
      await expect(fetcher()(`${origin()}/to-creds`)).rejects.toMatchObject({ code: 'url_not_allowed' });
      expect(seen.map((hop) => hop.path)).toEqual(['/to-http', '/to-creds']);
    });

    it('gives up after three redirects', async () => {
      for (let hop = 1; hop <= 4; hop += 1) routes.set(`/hop${hop}`, redirect(`/hop${hop + 1}`));
      routes.set('/hop5', (_req, res) => res.end('too far'));

      const failure = await failureOf(fetcher()(`${origin()}/hop1`));

      expect(failure.code).toBe('too_many_redirects');
      expect(seen.map((hop) => hop.path)).toEqual(['/hop1', '/hop2', '/hop3', '/hop4']);
    });

    it('honours a smaller redirect limit', async () => {
      routes.set('/once', redirect('/twice'));
      routes.set('/twice', (_req, res) => res.end('ok'));
      await expect(fetcher({ maxRedirects: 0 })(`${origin()}/once`)).rejects.toMatchObject({
        code: 'too_many_redirects',
      });
    });

    it('verifies TLS against the host name, not the pinned address', async () => {
      routes.set('/a.png', (_req, res) => res.end('png bytes'));
      const failure = await failureOf(fetcher()(`${origin('other.test')}/a.png`));
      expect(failure.code).toBe('fetch_failed');
      expect(failure.message).toBe("The server's TLS certificate could not be verified");
      expect(seen).toEqual([]);
    });

    it('refuses a compressed answer instead of inflating it', async () => {
      routes.set('/gzip', (_req, res) =>
        res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(1_000_000))),
      );
      const failure = await failureOf(fetcher()(`${origin()}/gzip`));
      expect(failure.code).toBe('fetch_failed');
      expect(failure.message).toMatch(/compressed/);
      expect(seen[0].acceptEncoding).toBe('identity');
    });
  });

  describe('size cap', () => {
    it('cuts a chunked body off as soon as it passes the cap', async () => {
      const chunk = Buffer.alloc(16 * 1024, 7);
      const totalChunks = 400;
      let written = 0;
      const closed = new Promise<number>((resolve) => {
        routes.set('/stream', (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          const timer = setInterval(() => {
            if (written >= totalChunks || res.destroyed) {
              clearInterval(timer);
              res.end();
              return;
            }
            res.write(chunk);
            written += 1;
          }, 2);
          cleanups.push(() => clearInterval(timer));
          res.on('close', () => resolve(written));
        });
      });

      const failure = await failureOf(fetcher({ maxBytes: 100 * 1024 })(`${origin()}/stream`));

      expect(failure.code).toBe('too_large');
      expect(failure.message).toBe('The response is larger than the limit of 102400 bytes');
      expect(await closed).toBeLessThan(totalChunks / 2);
    });

    it('refuses at once when Content-Length is over the cap', async () => {
      routes.set('/declared', (_req, res) => {
        res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
        res.write(Buffer.alloc(1024));
        // …and then stalls: waiting for the rest would run into the timeout instead.
      });
      const started = Date.now();
      const failure = await failureOf(fetcher({ maxBytes: 1024 * 1024, timeoutMs: 5000 })(`${origin()}/declared`));
      expect(failure.code).toBe('too_large');
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('counts every byte: one over the cap fails', async () => {
      routes.set('/over', (_req, res) => {
        res.writeHead(200, { 'transfer-encoding': 'chunked' });
        res.end(Buffer.alloc(1001, 1));
      });
      await expect(fetcher({ maxBytes: 1000 })(`${origin()}/over`)).rejects.toMatchObject({ code: 'too_large' });
    });
  });

  describe('timeout', () => {
    it('gives up on a server that never answers', async () => {
      routes.set('/silent', () => undefined);
      const started = Date.now();
      const failure = await failureOf(fetcher({ timeoutMs: 300 })(`${origin()}/silent`));
      expect(failure.code).toBe('timeout');
      expect(failure.message).toBe('The fetch did not finish in time');
      expect(Date.now() - started).toBeLessThan(3000);
    });

    it('gives up on a body that stalls halfway', async () => {
      routes.set('/stall', (_req, res) => {
        res.writeHead(200, { 'content-length': '2048' });
        res.write(Buffer.alloc(1024));
      });
      const started = Date.now();
      await expect(fetcher({ timeoutMs: 300 })(`${origin()}/stall`)).rejects.toMatchObject({ code: 'timeout' });
      expect(Date.now() - started).toBeLessThan(3000);
    });

    it('counts the whole fetch, redirects included, against one deadline', async () => {
      const slowHop = (next: string): Handler => {
        return (_req, res) => {
          const timer = setTimeout(() => res.writeHead(302, { location: next }).end(), 150);
          cleanups.push(() => clearTimeout(timer));
        };
      };
      routes.set('/slow1', slowHop('/slow2'));
      routes.set('/slow2', slowHop('/slow3'));
      routes.set('/slow3', slowHop('/done'));
      routes.set('/done', (_req, res) => res.end('done'));
      await expect(fetcher({ timeoutMs: 350 })(`${origin()}/slow1`)).rejects.toMatchObject({ code: 'timeout' });
      expect(seen.map((hop) => hop.path)).not.toContain('/done');
    });

    it('gives up on a lookup that never returns', async () => {
      const hanging: Resolver = () => new Promise(() => undefined);
      const started = Date.now();
      await expect(fetcher({ resolve: hanging, timeoutMs: 200 })(`${origin()}/a.png`)).rejects.toMatchObject({
        code: 'timeout',
      });
      expect(Date.now() - started).toBeLessThan(2000);
    });
  });

  describe('stream', () => {
    const collect = async (body: AsyncIterable<Buffer>): Promise<Buffer> => {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk);
      return Buffer.concat(chunks);
    };

    it('hands the checked response to the consumer, body unread, through the same redirects and pinning', async () => {
      routes.set('/r1', redirect('/s.png', 302));
      routes.set('/s.png', (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end('streamed'));
      const resolve = jest.fn(testResolver);
      const result = await fetcher({ resolve }).stream(`${origin()}/r1`, async (response) => ({
        status: response.status,
        finalUrl: response.finalUrl,
        type: response.headers['content-type'],
        body: await collect(response.body),
      }));
      expect(result).toEqual({
        status: 200,
        finalUrl: `${origin()}/s.png`,
        type: 'image/png',
        body: Buffer.from('streamed'),
      });
      expect(resolve).toHaveBeenCalledTimes(2);
    });

    it('refuses before calling the consumer what the buffered fetch refuses', async () => {
      const consume = jest.fn(() => Promise.resolve());
      const internal = await failureOf(fetcher().stream('https://internal.test/x', consume));
      expect(internal.code).toBe('address_not_public');
      routes.set('/gz', (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('x')));
      expect((await failureOf(fetcher().stream(`${origin()}/gz`, consume))).code).toBe('fetch_failed');
      expect(consume).not.toHaveBeenCalled();
    });

    it('stops the body with too_large at the first chunk past the cap, before yielding it', async () => {
      routes.set('/big', (_req, res) => {
        res.writeHead(200, { 'transfer-encoding': 'chunked' });
        res.end(Buffer.alloc(1001, 1));
      });
      let received = 0;
      const failure = await failureOf(
        fetcher({ maxBytes: 1000 }).stream(`${origin()}/big`, async (response) => {
          for await (const chunk of response.body) received += chunk.length;
        }),
      );
      expect(failure.code).toBe('too_large');
      expect(received).toBeLessThanOrEqual(1000);
    });

    it('times out a body that stalls while the consumer reads it', async () => {
      routes.set('/stall', (_req, res) => {
        res.writeHead(200, { 'content-length': '2048' });
        res.write(Buffer.alloc(1024));
      });
      const failure = await failureOf(
        fetcher({ timeoutMs: 300 }).stream(`${origin()}/stall`, (response) => collect(response.body)),
      );
      expect(failure.code).toBe('timeout');
    });

    it("throws the consumer's own error unchanged", async () => {
      routes.set('/ok', (_req, res) => res.end('fine'));
      const own = new Error('disk full');
      await expect(fetcher().stream(`${origin()}/ok`, () => Promise.reject(own))).rejects.toBe(own);
    });
  });
});
