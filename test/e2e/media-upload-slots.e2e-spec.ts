import { UploadSlots } from '../../src/domain/media/upload-slots.interceptor';
import { buildWorkspaceWithKey } from '../factories';
import { openUpload } from '../support/media-app';
import { png } from '../support/media-files';
import { startTestApp, type TestApp } from '../support/test-app';
import { testConfig } from '../support/test-config';

/**
 * Uploads take a temporary file and a parser while they are checked, so an instance takes only so many at once:
 * the next one is refused with 429 and Retry-After before its body is read, and the slot comes back
 * when an upload ends, however it ends.
 */
describe('media upload slots', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(testConfig({ MEDIA_MAX_CONCURRENT_UPLOADS: '1' }));
  });
  afterAll(async () => {
    await t.close();
  });

  function multipart(token: string, file: Buffer) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file)], { type: 'image/png' }), 'slot.png');
    return fetch(`${t.url}/api/v1/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
  }

  it('refuses a second upload while one is in flight, then frees the slot when the first is abandoned', async () => {
    const { token } = await buildWorkspaceWithKey(t.app, { scopes: ['media:upload', 'media:read'] });
    // A multipart upload whose body never finishes: it holds the one slot.
    const slow = openUpload(t.url, token, { boundary: 'x', contentLength: 100_000 });
    slow.on('error', () => undefined);
    slow.write(
      '--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n',
    );
    // Wait until the slow upload holds the slot (on a busy machine that can take a moment).
    const slots = t.app.get(UploadSlots);
    for (let i = 0; i < 100 && slots.inUse < 1; i++) await new Promise((r) => setTimeout(r, 50));
    expect(slots.inUse).toBe(1);

    const refused = await multipart(token, png(4, 4));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');

    slow.destroy();
    // Wait for the abandoned upload to give its slot back, then the next one is accepted.
    for (let i = 0; i < 100 && slots.inUse > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(slots.inUse).toBe(0);
    expect((await multipart(token, png(4, 4, 1))).status).toBe(201);
  });
});
