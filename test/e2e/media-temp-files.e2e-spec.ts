import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Resolver } from '../../src/common/net/safe-fetch';
import { MediaFetchService } from '../../src/domain/media/media-fetch.service';
import { buildWorkspaceWithKey } from '../factories';
import { useHttpsTestServer } from '../support/https-test-server';
import { HTML, mp4, png } from '../support/media-files';
import { connectMcp, toolError } from '../support/mcp-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { testConfig } from '../support/test-config';
import { IMAGE_CAP, INLINE_CAP, mediaTestEnv, openUpload, VIDEO_CAP } from '../support/media-app';

/**
 * Uploads are streamed to private temporary files under DATA_DIR/tmp rather than held in memory.
 * These tests prove that every outcome — stored, replayed, refused, failed — leaves that folder
 * empty, and that a multipart body over the cap never puts more than the cap on disk.
 */

/** A PNG padded with a private ancillary chunk of random bytes up to about `size` bytes. */
function bigPng(size: number): Buffer {
  const head = png(1, 1);
  const data = randomBytes(size);
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write('prIv', 4, 'latin1');
  data.copy(chunk, 8);
  return Buffer.concat([head.subarray(0, 33), chunk, head.subarray(33)]);
}

describe('media temporary files', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let dataDir: string;
  let token: string;
  let mcp: Client;

  const tempDir = () => join(dataDir, 'tmp');
  const tempFiles = (): string[] => (existsSync(tempDir()) ? readdirSync(tempDir()) : []);
  const tempBytes = (): number =>
    tempFiles().reduce((sum, name) => {
      try {
        return sum + statSync(join(tempDir(), name)).size;
      } catch {
        return sum; // removed between the listing and the stat
      }
    }, 0);

  function multipart(file: Buffer, name: string, type: string, init: { fields?: Record<string, string> } = {}) {
    const data = new FormData();
    data.append('file', new Blob([file], { type }), name);
    for (const [key, value] of Object.entries(init.fields ?? {})) data.append(key, value);
    return data;
  }

  const post = (path: string, body: FormData | object, headers: Record<string, string> = {}) =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body instanceof FormData ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body instanceof FormData ? body : JSON.stringify(body),
    });

  const upload = (args: Record<string, unknown>) => mcp.callTool({ name: 'upload_media', arguments: args });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'postern-media-tmp-e2e-'));
    t = await startTestApp(testConfig(mediaTestEnv(dataDir)));
    ({ token } = await buildWorkspaceWithKey(t.app, { scopes: ['media:read', 'media:upload'] }));
    mcp = await connectMcp(t.url, token);
  });
  afterAll(async () => {
    await mcp.close();
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves DATA_DIR/tmp empty after multipart uploads that are stored, replayed, refused or fail', async () => {
    const key = randomUUID();
    const outcomes: Array<[string, () => Promise<Response>, number]> = [
      ['stored', () => post('/api/v1/media', multipart(png(3, 3, 1), 'a.png', 'image/png')), 201],
      ['stored video', () => post('/api/v1/media', multipart(mp4(), 'v.mp4', 'video/mp4')), 201],
      [
        'first',
        () => post('/api/v1/media', multipart(png(3, 3, 2), 'a.png', 'image/png'), { 'idempotency-key': key }),
        201,
      ],
      [
        'replayed',
        () => post('/api/v1/media', multipart(png(3, 3, 2), 'a.png', 'image/png'), { 'idempotency-key': key }),
        200,
      ],
      [
        'key reused',
        () => post('/api/v1/media', multipart(png(3, 3, 3), 'a.png', 'image/png'), { 'idempotency-key': key }),
        409,
      ],
      ['spoofed', () => post('/api/v1/media', multipart(HTML, 'page.png', 'image/png')), 415],
      [
        'image over its cap',
        () => post('/api/v1/media', multipart(bigPng(IMAGE_CAP + 10), 'big.png', 'image/png')),
        413,
      ],
      [
        'over the largest cap',
        () => post('/api/v1/media', multipart(bigPng(VIDEO_CAP + 10), 'big.png', 'image/png')),
        413,
      ],
      [
        'unknown form field',
        () => post('/api/v1/media', multipart(png(), 'a.png', 'image/png', { fields: { path: '/etc' } })),
        400,
      ],
      [
        'bad file name',
        () => post('/api/v1/media', multipart(png(), 'a.png', 'image/png', { fields: { file_name: ' ' } })),
        400,
      ],
      [
        'failed after storing',
        () =>
          post(
            '/api/v1/media',
            multipart(png(3, 3, 4), 'a.png', 'image/png', { fields: { campaign_id: randomUUID() } }),
          ),
        404,
      ],
    ];
    for (const [name, send, status] of outcomes) {
      const res = await send();
      await res.arrayBuffer();
      expect([name, res.status, tempFiles()]).toEqual([name, status, []]);
    }
    expect(statSync(tempDir()).mode & 0o777).toBe(0o700);
  });

  it('leaves DATA_DIR/tmp empty after base64 uploads that are stored, replayed, refused or fail', async () => {
    const key = randomUUID();
    const b64 = (bytes: Buffer) => bytes.toString('base64');
    expect((await upload({ content_base64: b64(png(4, 4, 1)), file_name: 'a.png' })).isError).toBeFalsy();
    expect(tempFiles()).toEqual([]);
    const first = await upload({ content_base64: b64(png(4, 4, 2)), file_name: 'a.png', idempotency_key: key });
    const again = await upload({ content_base64: b64(png(4, 4, 2)), file_name: 'a.png', idempotency_key: key });
    expect([first.structuredContent, again.structuredContent]).toMatchObject([{ replayed: false }, { replayed: true }]);
    expect(tempFiles()).toEqual([]);
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ content_base64: b64(HTML), file_name: 'page.png' }, 'unsupported_media_type'],
      [{ content_base64: b64(bigPng(IMAGE_CAP + 10)), file_name: 'big.png' }, 'payload_too_large'],
      [{ content_base64: b64(bigPng(INLINE_CAP + 10)), file_name: 'big.png' }, 'payload_too_large'],
      [{ content_base64: b64(png()), file_name: 'a.png', campaign_id: randomUUID() }, 'not_found'],
      [{ content_base64: b64(png(4, 4, 3)), file_name: 'a.png', idempotency_key: key }, 'idempotency_conflict'],
    ];
    for (const [args, code] of refusals) {
      expect([code, toolError(await upload(args)).code, tempFiles()]).toEqual([code, code, []]);
    }
  });

  describe('imports from a URL', () => {
    const tls = useHttpsTestServer(['media.test']);
    const { routes, origin } = tls;
    const resolver: Resolver = (hostname) =>
      hostname === 'media.test'
        ? Promise.resolve([{ address: '127.0.0.1', family: 4 }])
        : Promise.reject(new Error(`unknown test host ${hostname}`));

    beforeAll(() => {
      t.app.get(MediaFetchService).useTestSeams({
        resolve: resolver,
        isAllowedAddress: (address) => address === '127.0.0.1',
        connectTlsOptions: { ca: tls.cert },
      });
    });
    afterAll(() => t.app.get(MediaFetchService).useTestSeams({}));

    it('leaves DATA_DIR/tmp empty after imports that are stored, replayed, refused or fail', async () => {
      routes.set('/a.png', (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png(6, 6)));
      routes.set('/big.png', (_req, res) => {
        res.writeHead(200, { 'transfer-encoding': 'chunked' });
        res.end(bigPng(VIDEO_CAP + 10));
      });
      routes.set('/page.png', (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(HTML));
      routes.set('/cut.png', (_req, res) => {
        res.writeHead(200, { 'content-length': String(64 * 1024) });
        res.write(png(6, 6));
        setImmediate(() => res.destroy());
      });
      const key = randomUUID();
      const first = await upload({ url: `${origin()}/a.png`, idempotency_key: key });
      const again = await upload({ url: `${origin()}/a.png`, idempotency_key: key });
      expect([first.structuredContent, again.structuredContent]).toMatchObject([
        { replayed: false },
        { replayed: true },
      ]);
      expect(tempFiles()).toEqual([]);
      const rest = await post('/api/v1/media/from-url', { url: `${origin()}/a.png`, file_name: 'a.png' });
      expect([rest.status, tempFiles()]).toEqual([201, []]);
      const refusals: Array<[string, string]> = [
        ['/missing.png', 'fetch_refused'],
        ['/big.png', 'payload_too_large'],
        ['/page.png', 'unsupported_media_type'],
        ['/cut.png', 'fetch_refused'],
      ];
      for (const [path, code] of refusals) {
        expect([path, toolError(await upload({ url: `${origin()}${path}` })).code, tempFiles()]).toEqual([
          path,
          code,
          [],
        ]);
      }
      const failed = toolError(await upload({ url: `${origin()}/a.png`, campaign_id: randomUUID() }));
      expect([failed.code, tempFiles()]).toEqual(['not_found', []]);
    });
  });

  it('streams a multipart file to disk as it arrives and cuts it at the cap, long before the body ends', async () => {
    const boundary = 'postern-boundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.mp4"\r\n` +
        'Content-Type: video/mp4\r\n\r\n',
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const chunk = Buffer.alloc(16 * 1024, 0x41);
    const chunks = 256; // 4 MiB: 32 times the cap
    const req = openUpload(t.url, token, {
      boundary,
      contentLength: head.length + chunks * chunk.length + tail.length,
    });
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (part: string) => (body += part));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
    });
    const write = (data: Buffer) =>
      new Promise<void>((resolve, reject) => req.write(data, (e) => (e ? reject(e) : resolve())));
    let mostOnDisk = 0;
    /** Waits for the server to reach a state; the limit only keeps a broken server from hanging the test. */
    const until = async (reached: () => boolean, what: string) => {
      for (let i = 0; i < 2000; i += 1) {
        mostOnDisk = Math.max(mostOnDisk, tempBytes());
        if (reached()) return;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`the server never reached: ${what}`);
    };

    // Half the cap sent: it is on disk already (bar what the parser holds back to find the boundary),
    // not collected in memory until the body ends.
    await write(head);
    let sent = 0;
    while (sent * chunk.length < VIDEO_CAP / 2) {
      await write(chunk);
      sent += 1;
    }
    const halfway = sent * chunk.length;
    await until(() => tempBytes() >= halfway - 1024, 'half the cap written to its temporary file');
    expect(tempFiles()).toHaveLength(1);

    // Two chunks past the cap: the file is cut and removed while most of the body is still unsent.
    while (sent * chunk.length < VIDEO_CAP + 2 * chunk.length) {
      await write(chunk);
      sent += 1;
    }
    await until(() => tempFiles().length === 0, 'the temporary file removed');
    expect(sent).toBeLessThan(chunks / 4);

    for (; sent < chunks; sent += 1) await write(chunk);
    req.end(tail);
    const answer = await answered;
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(mostOnDisk).toBeLessThanOrEqual(VIDEO_CAP);
    expect(tempFiles()).toEqual([]);
  });
});
