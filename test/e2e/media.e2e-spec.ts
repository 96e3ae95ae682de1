import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { Resolver } from '../../src/common/net/safe-fetch';
import { MediaFetchService } from '../../src/domain/media/media-fetch.service';
import { buildWorkspaceWithKey } from '../factories';
import { ELF, HTML, jpeg, mp4, peExecutable, PLAIN_TEXT, png, pngHtmlPolyglot, SVG } from '../support/media-files';
import { redirect, useHttpsTestServer } from '../support/https-test-server';
import { connectMcp, toolError } from '../support/mcp-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { testConfig } from '../support/test-config';
import { IMAGE_CAP, INLINE_CAP, mediaTestEnv, VIDEO_CAP } from '../support/media-app';

/**
 * The media library over MCP and REST against the real app, with small caps so limits are cheap to
 * reach: images 64 KiB, videos 128 KiB, inline base64 96 KiB. Files land in this suite's own
 * DATA_DIR, which the tests read to prove what was (and was not) stored.
 */
const MEDIA_SCOPES = ['media:read', 'media:upload', 'media:update', 'media:delete'];

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const b64 = (bytes: Buffer) => bytes.toString('base64');

/** A PNG padded with a private ancillary chunk of random bytes up to about `size` bytes. */
function bigPng(size: number): Buffer {
  const head = png(1, 1);
  const data = randomBytes(size);
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write('prIv', 4, 'latin1');
  data.copy(chunk, 8);
  // The CRC is not checked by the detector; IHDR stays the first chunk, as PNG requires.
  return Buffer.concat([head.subarray(0, 33), chunk, head.subarray(33)]);
}

interface Caller {
  workspaceId: string;
  token: string;
  mcp: Client;
}

describe('media library', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let db: DataSource;
  let dataDir: string;
  const callers: Caller[] = [];

  async function caller(scopes = MEDIA_SCOPES): Promise<Caller> {
    const { workspace, token } = await buildWorkspaceWithKey(t.app, { scopes, allowDirect: ['delete'] });
    const c = { workspaceId: workspace.id, token, mcp: await connectMcp(t.url, token) };
    callers.push(c);
    return c;
  }

  const storedFiles = (workspaceId: string): string[] => {
    const folder = join(dataDir, 'media', workspaceId);
    return existsSync(folder) ? readdirSync(folder) : [];
  };

  async function rowCount(workspaceId: string): Promise<number> {
    const [row] = await db.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM media_assets WHERE workspace_id = $1',
      [workspaceId],
    );
    return row.n;
  }

  async function auditErrors(workspaceId: string, operation: string): Promise<string[]> {
    const rows = await db.query<{ error_code: string }[]>(
      `SELECT error_code FROM audit_records WHERE workspace_id = $1 AND operation = $2 AND outcome = 'error'
        ORDER BY id`,
      [workspaceId, operation],
    );
    return rows.map((r) => r.error_code);
  }

  function api(
    c: Caller,
    method: string,
    path: string,
    init: { json?: unknown; form?: FormData; headers?: Record<string, string> } = {},
  ) {
    return fetch(`${t.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${c.token}`,
        ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      body: init.form ?? (init.json === undefined ? undefined : JSON.stringify(init.json)),
    });
  }

  function form(file: Buffer, name: string, type: string, fields: Record<string, string | string[]> = {}): FormData {
    const data = new FormData();
    data.append('file', new Blob([file], { type }), name);
    for (const [key, value] of Object.entries(fields)) {
      for (const v of Array.isArray(value) ? value : [value]) data.append(key, v);
    }
    return data;
  }

  const upload = (c: Caller, args: Record<string, unknown>) =>
    c.mcp.callTool({ name: 'upload_media', arguments: args });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'postern-media-e2e-'));
    t = await startTestApp(testConfig(mediaTestEnv(dataDir)));
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    for (const c of callers) await c.mcp.close();
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('over MCP', () => {
    it('uploads a PNG from base64, stores it privately, and lists, gets, updates and deletes it', async () => {
      const c = await caller();
      const file = png(3, 2);
      const result = await upload(c, {
        content_base64: b64(file),
        file_name: 'launch.png',
        alt_text: 'A tiny grey square',
        caption: 'Launch day',
        tags: ['launch', 'q3', 'launch'],
      });
      expect(result.isError).toBeFalsy();
      const asset = result.structuredContent as Record<string, unknown>;
      expect(asset).toEqual({
        id: expect.any(String),
        file_name: 'launch.png',
        mime_type: 'image/png',
        kind: 'image',
        size_bytes: file.length,
        sha256: sha256(file),
        width: 3,
        height: 2,
        duration_ms: null,
        alt_text: 'A tiny grey square',
        caption: 'Launch day',
        tags: ['launch', 'q3'],
        campaign_id: null,
        source_url: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
        replayed: false,
      });

      const files = storedFiles(c.workspaceId);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^[0-9a-f]{32}$/);
      const stored = join(dataDir, 'media', c.workspaceId, files[0]);
      expect(readFileSync(stored)).toEqual(file);
      expect(statSync(stored).mode & 0o777).toBe(0o600);
      expect(statSync(join(dataDir, 'media', c.workspaceId)).mode & 0o777).toBe(0o700);
      expect(statSync(join(dataDir, 'media')).mode & 0o777).toBe(0o700);

      const listed = await c.mcp.callTool({ name: 'list_media', arguments: { kind: 'image', tag: 'q3' } });
      expect(listed.structuredContent).toEqual({
        items: [expect.objectContaining({ id: asset.id })],
        next_cursor: null,
      });
      const videos = await c.mcp.callTool({ name: 'list_media', arguments: { kind: 'video' } });
      expect(videos.structuredContent).toEqual({ items: [], next_cursor: null });

      const got = await c.mcp.callTool({ name: 'get_media', arguments: { media_id: asset.id } });
      const { replayed: _replayed, ...withoutReplayed } = asset;
      expect(got.structuredContent).toEqual(withoutReplayed);

      const updated = await c.mcp.callTool({
        name: 'update_media',
        arguments: { media_id: asset.id, alt_text: null, tags: ['evergreen'] },
      });
      expect(updated.structuredContent).toMatchObject({ alt_text: null, caption: 'Launch day', tags: ['evergreen'] });

      const deleted = await c.mcp.callTool({ name: 'delete_media', arguments: { media_id: asset.id } });
      expect(deleted.structuredContent).toMatchObject({ id: asset.id });
      const gone = toolError(await c.mcp.callTool({ name: 'get_media', arguments: { media_id: asset.id } }));
      expect(gone.code).toBe('not_found');
      const after = await c.mcp.callTool({ name: 'list_media', arguments: {} });
      expect(after.structuredContent).toEqual({ items: [], next_cursor: null });
      // Soft delete: the row and the file stay for the trash.
      expect(await rowCount(c.workspaceId)).toBe(1);
      expect(storedFiles(c.workspaceId)).toHaveLength(1);
    });

    it('reads the size of a JPEG and accepts a data: URL prefix that agrees with the bytes', async () => {
      const c = await caller();
      const file = jpeg(40, 30);
      const result = await upload(c, { content_base64: `data:image/jpeg;base64,${b64(file)}`, file_name: 'p.jpeg' });
      expect(result.structuredContent).toMatchObject({ mime_type: 'image/jpeg', width: 40, height: 30 });
      const mismatch = toolError(
        await upload(c, { content_base64: `data:image/gif;base64,${b64(file)}`, file_name: 'p.jpeg' }),
      );
      expect(mismatch.code).toBe('unsupported_media_type');
    });

    it('pages through the library with a cursor and filters by creation time', async () => {
      const c = await caller();
      const before = new Date(Date.now() - 1000).toISOString();
      for (let i = 0; i < 3; i += 1) await upload(c, { content_base64: b64(png(2, 2, i + 1)), file_name: `p${i}.png` });
      type Listed = { items: { file_name: string }[]; next_cursor: string | null };
      const first = (await c.mcp.callTool({ name: 'list_media', arguments: { limit: 2 } })).structuredContent as Listed;
      expect(first.items).toHaveLength(2);
      expect(first.next_cursor).toEqual(expect.any(String));
      const second = (await c.mcp.callTool({ name: 'list_media', arguments: { limit: 2, cursor: first.next_cursor } }))
        .structuredContent as Listed;
      expect(second.next_cursor).toBeNull();
      // Newest first, ties on the millisecond broken by id: every asset exactly once across the pages.
      expect([...first.items, ...second.items].map((i) => i.file_name).sort()).toEqual(['p0.png', 'p1.png', 'p2.png']);
      const ranged = await c.mcp.callTool({
        name: 'list_media',
        arguments: { created_after: before, created_before: new Date(Date.now() + 60_000).toISOString() },
      });
      expect((ranged.structuredContent as { items: unknown[] }).items).toHaveLength(3);
      const none = await c.mcp.callTool({ name: 'list_media', arguments: { created_before: before } });
      expect(none.structuredContent).toEqual({ items: [], next_cursor: null });
    });

    it('files media under a campaign of the workspace and refuses one from elsewhere', async () => {
      const c = await caller();
      const other = await caller();
      const [own] = await db.query<{ id: string }[]>(
        `INSERT INTO campaigns (workspace_id, name) VALUES ($1, 'Spring') RETURNING id`,
        [c.workspaceId],
      );
      const [foreign] = await db.query<{ id: string }[]>(
        `INSERT INTO campaigns (workspace_id, name) VALUES ($1, 'Theirs') RETURNING id`,
        [other.workspaceId],
      );
      const filed = await upload(c, { content_base64: b64(png()), file_name: 'a.png', campaign_id: own.id });
      expect(filed.structuredContent).toMatchObject({ campaign_id: own.id });
      const byCampaign = await c.mcp.callTool({ name: 'list_media', arguments: { campaign_id: own.id } });
      expect((byCampaign.structuredContent as { items: unknown[] }).items).toHaveLength(1);

      const refused = toolError(
        await upload(c, { content_base64: b64(png(2, 2, 9)), file_name: 'b.png', campaign_id: foreign.id }),
      );
      expect(refused).toMatchObject({ code: 'not_found', details: [{ field: 'campaign_id', issue: 'not found' }] });
      expect(await rowCount(c.workspaceId)).toBe(1);
      // The bytes were stored before the campaign check failed, then removed again.
      expect(storedFiles(c.workspaceId)).toHaveLength(1);
    });

    it('replays an upload with the same idempotency key and refuses the key for other content', async () => {
      const c = await caller();
      const key = randomUUID();
      const first = await upload(c, { content_base64: b64(png(2, 2, 1)), file_name: 'x.png', idempotency_key: key });
      const again = await upload(c, { content_base64: b64(png(2, 2, 1)), file_name: 'x.png', idempotency_key: key });
      expect(first.structuredContent).toMatchObject({ replayed: false });
      const { replayed, ...firstAsset } = first.structuredContent as Record<string, unknown>;
      expect(replayed).toBe(false);
      expect(again.structuredContent).toEqual({ ...firstAsset, replayed: true });

      const conflict = toolError(
        await upload(c, { content_base64: b64(png(2, 2, 2)), file_name: 'x.png', idempotency_key: key }),
      );
      expect(conflict.code).toBe('idempotency_conflict');
      expect(await rowCount(c.workspaceId)).toBe(1);
      expect(storedFiles(c.workspaceId)).toHaveLength(1);
      expect(await auditErrors(c.workspaceId, 'mcp tools/call upload_media')).toEqual(['idempotency_conflict']);
    });

    it('needs exactly one of content_base64 and url, and well-formed base64', async () => {
      const c = await caller();
      const both = toolError(
        await upload(c, { content_base64: b64(png()), url: 'https://example.com/a.png', file_name: 'a.png' }),
      );
      expect(both.code).toBe('validation_failed');
      expect(both.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'content_base64' })]));
      const neither = toolError(await upload(c, { file_name: 'a.png' }));
      expect(neither.code).toBe('validation_failed');
      const invalid = toolError(await upload(c, { content_base64: 'iVBORw0KGgo*!==', file_name: 'a.png' }));
      expect(invalid).toMatchObject({ code: 'validation_failed', details: [{ field: 'content_base64' }] });
      const noName = toolError(await upload(c, { content_base64: b64(png()) }));
      expect(noName).toMatchObject({ code: 'validation_failed', details: [{ field: 'file_name' }] });
      expect(await rowCount(c.workspaceId)).toBe(0);
      expect(storedFiles(c.workspaceId)).toEqual([]);
    });
  });

  describe('spoofed and unsupported files', () => {
    it.each([
      ['HTML named .png', HTML, 'page.png'],
      ['PNG bytes named .jpg', png(), 'photo.jpg'],
      ['an SVG', SVG, 'logo.svg'],
      ['an SVG named .png', SVG, 'logo.png'],
      ['an ELF executable named .jpg', ELF, 'cat.jpg'],
      ['a PE executable named .png', peExecutable(), 'cat.png'],
      ['a PNG/HTML polyglot', pngHtmlPolyglot(), 'poly.png'],
      ['a text file named .png', PLAIN_TEXT, 'notes.png'],
      ['a text file', PLAIN_TEXT, 'notes.txt'],
    ])('refuses %s with unsupported_media_type, storing nothing, and audits it', async (_name, bytes, fileName) => {
      const c = await caller();
      const error = toolError(await upload(c, { content_base64: b64(bytes), file_name: fileName }));
      expect(error.code).toBe('unsupported_media_type');
      expect(error.details).toEqual([{ field: 'content_base64', issue: expect.any(String) }]);
      expect(await rowCount(c.workspaceId)).toBe(0);
      expect(storedFiles(c.workspaceId)).toEqual([]);
      expect(await auditErrors(c.workspaceId, 'mcp tools/call upload_media')).toEqual(['unsupported_media_type']);
    });

    it('refuses spoofed multipart uploads over REST with 415, whatever the declared type', async () => {
      const c = await caller();
      for (const [bytes, name, type] of [
        [HTML, 'page.png', 'image/png'],
        [png(), 'photo.png', 'image/jpeg'],
        [SVG, 'logo.svg', 'image/svg+xml'],
        [ELF, 'run', 'application/octet-stream'],
      ] as const) {
        const res = await api(c, 'POST', '/api/v1/media', { form: form(bytes, name, type) });
        expect([name, res.status]).toEqual([name, 415]);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
      }
      expect(await rowCount(c.workspaceId)).toBe(0);
      expect(storedFiles(c.workspaceId)).toEqual([]);
      expect(await auditErrors(c.workspaceId, 'POST /api/v1/media')).toEqual(Array(4).fill('unsupported_media_type'));
    });
  });

  describe('size limits', () => {
    it('refuses base64 over the inline cap and an image over the image cap, naming the limit', async () => {
      const c = await caller();
      const inline = toolError(await upload(c, { content_base64: b64(bigPng(INLINE_CAP + 10)), file_name: 'big.png' }));
      expect(inline).toMatchObject({ code: 'payload_too_large', details: [{ field: 'content_base64' }] });
      expect(inline.message).toContain('0.09 MB');
      const image = toolError(await upload(c, { content_base64: b64(bigPng(IMAGE_CAP + 10)), file_name: 'big.png' }));
      expect(image).toMatchObject({
        code: 'payload_too_large',
        message: 'The image is larger than the limit of 0.06 MB',
      });
      expect(await rowCount(c.workspaceId)).toBe(0);
      expect(storedFiles(c.workspaceId)).toEqual([]);
      expect(await auditErrors(c.workspaceId, 'mcp tools/call upload_media')).toEqual([
        'payload_too_large',
        'payload_too_large',
      ]);
    });

    it('refuses a multipart file over the largest cap with 413 before storing anything', async () => {
      const c = await caller();
      const res = await api(c, 'POST', '/api/v1/media', { form: form(bigPng(VIDEO_CAP + 10), 'big.png', 'image/png') });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
      const image = await api(c, 'POST', '/api/v1/media', {
        form: form(bigPng(IMAGE_CAP + 10), 'big.png', 'image/png'),
      });
      expect(image.status).toBe(413);
      expect(await rowCount(c.workspaceId)).toBe(0);
      expect(storedFiles(c.workspaceId)).toEqual([]);
    });

    it('sizes the /mcp body limit from the inline cap, and refuses bigger bodies before any handler', async () => {
      const c = await caller();
      // Just under this app's /mcp body limit (96 KiB inline cap → 128 KiB of base64 + 64 KiB): the
      // parser admits it and the upload is refused by the inline cap itself.
      const large = toolError(await upload(c, { content_base64: 'A'.repeat(150_000), file_name: 'a.png' }));
      expect(large.code).toBe('payload_too_large');
      expect(large.message).toContain('The file is larger than the limit');
      // Over the body limit: refused by the parser with a structured 413.
      await expect(upload(c, { content_base64: 'A'.repeat(300_000), file_name: 'a.png' })).rejects.toThrow(
        /payload_too_large/,
      );
      const rest = await api(c, 'POST', '/api/v1/media/from-url', {
        json: { url: 'https://example.com/a.png', caption: 'x'.repeat(1_500_000) },
      });
      expect(rest.status).toBe(413);
      expect(((await rest.json()) as { error: { message: string } }).error.message).toBe('request body exceeds 1mb');
    });
  });

  describe('over REST', () => {
    it('is documented in OpenAPI, with the multipart body and the Idempotency-Key header', async () => {
      type Operation = {
        parameters?: { name: string; in: string }[];
        requestBody?: { content: Record<string, { schema: { required?: string[] } }> };
      };
      const doc = (await (await fetch(`${t.url}/api/docs/openapi.json`)).json()) as {
        paths: Record<string, Record<string, Operation>>;
      };
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/media',
          '/api/v1/media/from-url',
          '/api/v1/media/{id}',
          '/api/v1/media/{id}/content',
        ]),
      );
      const upload = doc.paths['/api/v1/media'].post;
      expect(upload.requestBody?.content['multipart/form-data'].schema.required).toEqual(['file']);
      expect(upload.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header' })]),
      );
    });

    it('uploads a multipart file with metadata, downloads it, and updates and deletes it', async () => {
      const c = await caller();
      const file = png(5, 4);
      const res = await api(c, 'POST', '/api/v1/media', {
        form: form(file, 'banner.png', 'image/png', { alt_text: 'Banner', tags: ['one', 'two'] }),
      });
      expect(res.status).toBe(201);
      const asset = (await res.json()) as Record<string, unknown>;
      expect(asset).toMatchObject({
        file_name: 'banner.png',
        mime_type: 'image/png',
        width: 5,
        height: 4,
        alt_text: 'Banner',
        tags: ['one', 'two'],
        sha256: sha256(file),
        replayed: false,
      });

      const downloadId = `download-${String(asset.id)}`;
      const content = await api(c, 'GET', `/api/v1/media/${String(asset.id)}/content`, {
        headers: { 'x-request-id': downloadId },
      });
      expect(content.status).toBe(200);
      // Streamed, not held: its record was committed before the first byte, exactly once.
      expect(
        await t.app
          .get(DataSource)
          .query(`SELECT decision, outcome FROM audit_records WHERE correlation_id = $1`, [downloadId]),
      ).toEqual([{ decision: 'allowed', outcome: 'ok' }]);
      expect(content.headers.get('content-type')).toBe('image/png');
      expect(content.headers.get('content-disposition')).toBe('attachment; filename="banner.png"');
      expect(content.headers.get('x-content-type-options')).toBe('nosniff');
      expect(Buffer.from(await content.arrayBuffer())).toEqual(file);

      const list = await api(c, 'GET', '/api/v1/media?kind=image&tag=two&limit=10');
      expect(await list.json()).toEqual({ items: [expect.objectContaining({ id: asset.id })], next_cursor: null });
      const got = await api(c, 'GET', `/api/v1/media/${String(asset.id)}`);
      expect(await got.json()).toMatchObject({ id: asset.id, file_name: 'banner.png' });

      const patched = await api(c, 'PATCH', `/api/v1/media/${String(asset.id)}`, {
        json: { caption: 'New', tags: [] },
      });
      expect(patched.status).toBe(200);
      expect(await patched.json()).toMatchObject({ caption: 'New', tags: [], alt_text: 'Banner' });
      const unknown = await api(c, 'PATCH', `/api/v1/media/${String(asset.id)}`, { json: { mime_type: 'text/html' } });
      expect(unknown.status).toBe(400);

      const deleted = await api(c, 'DELETE', `/api/v1/media/${String(asset.id)}`);
      expect(deleted.status).toBe(200);
      expect((await api(c, 'GET', `/api/v1/media/${String(asset.id)}`)).status).toBe(404);
      expect((await api(c, 'GET', `/api/v1/media/${String(asset.id)}/content`)).status).toBe(404);
    });

    it('reads an MP4’s size and duration and names the download safely', async () => {
      const c = await caller();
      const file = mp4(1280, 720, 4200);
      const res = await api(c, 'POST', '/api/v1/media', { form: form(file, 'clip "final".mp4', 'video/mp4') });
      expect(res.status).toBe(201);
      const asset = (await res.json()) as Record<string, unknown>;
      expect(asset).toMatchObject({
        kind: 'video',
        mime_type: 'video/mp4',
        width: 1280,
        height: 720,
        duration_ms: 4200,
      });
      const content = await api(c, 'GET', `/api/v1/media/${String(asset.id)}/content`);
      expect(content.headers.get('content-type')).toBe('video/mp4');
      expect(content.headers.get('content-disposition')).toBe('attachment; filename="clip \\"final\\".mp4"');
      expect(Buffer.from(await content.arrayBuffer())).toEqual(file);
    });

    it('keeps a file name sent in UTF-8 as it was written', async () => {
      const c = await caller();
      for (const [seed, name] of ['Café.png', '写真.png'].entries()) {
        const res = await api(c, 'POST', '/api/v1/media', { form: form(png(2, 2, 10 + seed), name, 'image/png') });
        const asset = (await res.json()) as { id: string; file_name: string };
        expect([name, res.status, asset.file_name]).toEqual([name, 201, name]);
        const got = (await (await api(c, 'GET', `/api/v1/media/${asset.id}`)).json()) as { file_name: string };
        expect(got.file_name).toBe(name);
      }
    });

    it('refuses unknown form fields and extra files, and a JSON body without a file', async () => {
      const c = await caller();
      const extraField = await api(c, 'POST', '/api/v1/media', {
        form: form(png(), 'a.png', 'image/png', { path: '/etc' }),
      });
      expect(extraField.status).toBe(400);
      const twoFiles = form(png(), 'a.png', 'image/png');
      twoFiles.append('other', new Blob([png()], { type: 'image/png' }), 'b.png');
      expect((await api(c, 'POST', '/api/v1/media', { form: twoFiles })).status).toBe(400);
      const json = await api(c, 'POST', '/api/v1/media', { json: { file_name: 'a.png' } });
      expect(json.status).toBe(400);
      expect(await json.json()).toMatchObject({ error: { code: 'validation_failed', details: [{ field: 'file' }] } });
      expect(await rowCount(c.workspaceId)).toBe(0);
      expect(storedFiles(c.workspaceId)).toEqual([]);
    });

    it('replays with the same Idempotency-Key (200) and refuses it for another file (409)', async () => {
      const c = await caller();
      const key = randomUUID();
      const headers = { 'idempotency-key': key };
      const first = await api(c, 'POST', '/api/v1/media', { form: form(png(2, 2, 3), 'a.png', 'image/png'), headers });
      const again = await api(c, 'POST', '/api/v1/media', { form: form(png(2, 2, 3), 'a.png', 'image/png'), headers });
      expect([first.status, again.status]).toEqual([201, 200]);
      const firstBody = (await first.json()) as { id: string };
      expect(await again.json()).toMatchObject({ id: firstBody.id, replayed: true });
      const other = await api(c, 'POST', '/api/v1/media', { form: form(png(2, 2, 4), 'a.png', 'image/png'), headers });
      expect(other.status).toBe(409);
      expect(await rowCount(c.workspaceId)).toBe(1);
      expect(storedFiles(c.workspaceId)).toHaveLength(1);
      const badKey = await api(c, 'POST', '/api/v1/media', {
        form: form(png(), 'a.png', 'image/png'),
        headers: { 'idempotency-key': 'has space' },
      });
      expect(badKey.status).toBe(400);
    });
  });

  describe('another workspace', () => {
    it('answers its media as not found, exactly like a missing id, on every surface', async () => {
      const owner = await caller();
      const stranger = await caller();
      const created = await upload(owner, { content_base64: b64(png()), file_name: 'mine.png' });
      const id = (created.structuredContent as { id: string }).id;
      const missing = randomUUID();
      for (const name of ['get_media', 'delete_media']) {
        const foreign = toolError(await stranger.mcp.callTool({ name, arguments: { media_id: id } }));
        const absent = toolError(await stranger.mcp.callTool({ name, arguments: { media_id: missing } }));
        expect(foreign).toEqual({ code: 'not_found', message: 'media not found' });
        expect(absent).toEqual(foreign);
      }
      const update = toolError(
        await stranger.mcp.callTool({ name: 'update_media', arguments: { media_id: id, caption: 'mine now' } }),
      );
      expect(update.code).toBe('not_found');
      for (const path of [`/api/v1/media/${id}`, `/api/v1/media/${id}/content`]) {
        const foreign = await api(stranger, 'GET', path);
        const absent = await api(stranger, 'GET', path.replace(id, missing));
        expect([foreign.status, absent.status]).toEqual([404, 404]);
      }
      // Not an id at all: a bad argument naming the parameter, as on every other route.
      expect((await api(stranger, 'GET', '/api/v1/media/not-a-uuid')).status).toBe(400);
      const list = await stranger.mcp.callTool({ name: 'list_media', arguments: {} });
      expect(list.structuredContent).toEqual({ items: [], next_cursor: null });
      const [row] = await db.query<{ caption: string | null; deleted_at: Date | null }[]>(
        'SELECT caption, deleted_at FROM media_assets WHERE id = $1',
        [id],
      );
      expect(row).toEqual({ caption: null, deleted_at: null });
    });
  });

  describe('import from a URL', () => {
    it.each([
      ['https://127.0.0.1/', 'address_not_public'],
      ['https://localhost/', 'address_not_public'],
      ['https://169.254.169.254/latest/meta-data', 'address_not_public'],
      ['https://10.0.0.1/', 'address_not_public'],
      ['https://192.168.1.1/', 'address_not_public'],
      ['https://[::1]/', 'address_not_public'],
      ['https://[fe80::1]/', 'address_not_public'],
      ['https://[::ffff:127.0.0.1]/', 'address_not_public'],
      ['https://2130706433/', 'address_not_public'],
      ['https://0x7f.1/', 'address_not_public'],
      ['http://example.com/', 'url_not_allowed'],
      ['file:///etc/passwd', 'url_not_allowed'],
    ])('refuses %s with fetch_refused, storing nothing, and audits it', async (url, reason) => {
      const c = await caller();
      const error = toolError(await upload(c, { url }));
      expect(error).toMatchObject({ code: 'fetch_refused', details: [{ field: 'url', issue: reason }] });
      expect(error.message).toMatch(/^The URL was not fetched: /);
      expect(error.message).not.toMatch(/127\.0\.0\.1|ECONN|::1/);
      expect(await rowCount(c.workspaceId)).toBe(0);
      expect(storedFiles(c.workspaceId)).toEqual([]);
      expect(await auditErrors(c.workspaceId, 'mcp tools/call upload_media')).toEqual(['fetch_refused']);
    });

    it('refuses the same URLs over REST with 422', async () => {
      const c = await caller();
      for (const url of ['https://169.254.169.254/latest/meta-data', 'http://example.com/', 'https://[::1]/']) {
        const res = await api(c, 'POST', '/api/v1/media/from-url', { json: { url } });
        expect([url, res.status]).toEqual([url, 422]);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('fetch_refused');
      }
      expect(await auditErrors(c.workspaceId, 'POST /api/v1/media/from-url')).toEqual(Array(3).fill('fetch_refused'));
    });

    /**
     * A real HTTPS server on 127.0.0.1 with a certificate for media.test made by openssl for this run,
     * as in safe-fetch.spec.ts. The app's fetcher is pointed at it through MediaFetchService's test
     * seam: a resolver that maps media.test to 127.0.0.1 (and internal.test to 10.0.0.5, never
     * connected to), trust in the test certificate, and an address policy that allows exactly
     * 127.0.0.1 — so every redirect target below would be refused by the production policy too.
     */
    describe('from a test HTTPS server', () => {
      const tls = useHttpsTestServer(['media.test']);
      const { routes, seen, origin } = tls;

      const resolver: Resolver = (hostname) => {
        if (hostname === 'media.test') return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
        if (hostname === 'internal.test') return Promise.resolve([{ address: '10.0.0.5', family: 4 }]);
        return Promise.reject(new Error(`unknown test host ${hostname}`));
      };

      beforeAll(() => {
        t.app.get(MediaFetchService).useTestSeams({
          resolve: resolver,
          isAllowedAddress: (address) => address === '127.0.0.1',
          connectTlsOptions: { ca: tls.cert },
        });
      });
      afterAll(() => {
        t.app.get(MediaFetchService).useTestSeams({});
      });

      it('imports a PNG, naming it from the URL and keeping the URL it came from', async () => {
        const file = png(7, 5);
        routes.set('/images/hero%20shot.png?v=2', (_req, res) =>
          res.writeHead(200, { 'content-type': 'image/png' }).end(file),
        );
        const c = await caller();
        const result = await upload(c, { url: `${origin()}/images/hero%20shot.png?v=2`, tags: ['imported'] });
        expect(result.structuredContent).toMatchObject({
          file_name: 'hero shot.png',
          mime_type: 'image/png',
          width: 7,
          height: 5,
          size_bytes: file.length,
          // The query string (often a presigned credential) is not kept.
          source_url: `${origin()}/images/hero%20shot.png`,
          tags: ['imported'],
        });
        expect(storedFiles(c.workspaceId)).toHaveLength(1);

        const rest = await api(c, 'POST', '/api/v1/media/from-url', {
          json: { url: `${origin()}/images/hero%20shot.png?v=2`, file_name: 'hero.png' },
        });
        expect(rest.status).toBe(201);
        expect(await rest.json()).toMatchObject({ file_name: 'hero.png', sha256: sha256(file) });
      });

      it.each([
        ['loopback', () => `https://127.0.0.2:${tls.port}/secret`],
        ['IPv6 loopback', () => `https://[::1]:${tls.port}/secret`],
        ['an odd spelling of loopback', () => `https://0x7f.0.0.2:${tls.port}/secret`],
        ['a name inside the network', () => `https://internal.test:${tls.port}/secret`],
        ['plain http', () => `http://media.test:${tls.port}/secret`],
      ])('refuses a redirect to %s with fetch_refused', async (_name, target) => {
        routes.set('/hop', redirect(target()));
        routes.set('/secret', (_req, res) => res.end(png()));
        const c = await caller();
        const error = toolError(await upload(c, { url: `${origin()}/hop` }));
        expect(error.code).toBe('fetch_refused');
        expect(seen.map((request) => request.path)).toEqual(['/hop']);
        expect(await rowCount(c.workspaceId)).toBe(0);
        expect(storedFiles(c.workspaceId)).toEqual([]);
      });

      it('refuses an error answer, a file over the cap and a spoofed download', async () => {
        routes.set('/big.png', (_req, res) => res.end(bigPng(VIDEO_CAP + 10)));
        routes.set('/page.png', (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(HTML));
        const c = await caller();
        const missing = toolError(await upload(c, { url: `${origin()}/missing.png` }));
        expect(missing).toMatchObject({ code: 'fetch_refused', details: [{ field: 'url', issue: 'http_404' }] });
        expect(toolError(await upload(c, { url: `${origin()}/big.png` })).code).toBe('payload_too_large');
        const spoofed = toolError(await upload(c, { url: `${origin()}/page.png` }));
        expect(spoofed).toMatchObject({ code: 'unsupported_media_type', details: [{ field: 'url' }] });
        expect(await rowCount(c.workspaceId)).toBe(0);
        expect(storedFiles(c.workspaceId)).toEqual([]);
      });
    });
  });
});
