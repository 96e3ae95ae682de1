import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import S3rver from 's3rver';
import { DataSource } from 'typeorm';
import { type Actor, operatorActor } from '../../src/access/actor';
import { AppError } from '../../src/common/app-error';
import { MediaService } from '../../src/domain/media/media.service';
import { LocalMediaStorage } from '../../src/domain/media/storage/local-media-storage';
import {
  MediaObjectMissingError,
  MediaStoreUnavailableError,
  newStorageKey,
  type MediaStorage,
} from '../../src/domain/media/storage/media-storage';
import { S3MediaStorage } from '../../src/domain/media/storage/s3-media-storage';
import { reportMediaStore } from '../../src/domain/media/storage/report-media-store';
import { asOperator, buildWorkspace } from '../factories';
import { jpeg, png } from '../support/media-files';
import { startTestApp, type TestApp } from '../support/test-app';
import { testConfig } from '../support/test-config';

/** The app with S3 media storage: s3rver's credentials, path-style, a private data directory. */
async function startS3App(env: NodeJS.ProcessEnv): Promise<TestApp & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'postern-media-s3-app-'));
  const app = await startTestApp(
    testConfig({
      DATA_DIR: dataDir,
      MEDIA_STORAGE: 's3',
      S3_BUCKET: 'postern-media',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: 'true',
      ...env,
    }),
  );
  return {
    ...app,
    dataDir,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An upload of a small PNG through the service, by the operator, into a fresh workspace. */
async function uploadThrough(app: TestApp['app']): Promise<{ workspaceId: string; upload: Promise<unknown> }> {
  const workspace = await buildWorkspace(app);
  const actor: Actor = { ...operatorActor(), workspaceId: workspace.id };
  const upload = asOperator('media upload', () =>
    app.get(MediaService).upload(actor, { contentBase64: png().toString('base64'), fileName: 'one.png' }),
  );
  return { workspaceId: workspace.id, upload };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** What every storage must do, whichever backend keeps the bytes. */
function behavesAsMediaStorage(storage: () => MediaStorage) {
  it('stores bytes under a generated key in the workspace’s space and reads them back', async () => {
    const workspaceId = randomUUID();
    const bytes = png(3, 3);
    const key = await storage().put(workspaceId, bytes, 'image/png');
    expect(key).toMatch(new RegExp(`^${workspaceId}/[0-9a-f]{32}$`));
    expect(await readAll(await storage().open(key))).toEqual(bytes);
    const second = await storage().put(workspaceId, bytes, 'image/png');
    expect(second).not.toBe(key);
  });

  it('deletes an object, and deleting it again is not an error', async () => {
    const key = await storage().put(randomUUID(), jpeg(), 'image/jpeg');
    await storage().delete(key);
    await expect(storage().open(key)).rejects.toBeInstanceOf(MediaObjectMissingError);
    await expect(storage().delete(key)).resolves.toBeUndefined();
  });

  it('stores a local file by its path, without reading it into memory, and reads it back', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'postern-media-putfile-'));
    try {
      const workspaceId = randomUUID();
      const bytes = png(5, 5);
      const source = join(folder, 'upload');
      writeFileSync(source, bytes, { mode: 0o600 });
      const key = await storage().putFile(workspaceId, { path: source, size: bytes.length }, 'image/png');
      expect(key).toMatch(new RegExp(`^${workspaceId}/[0-9a-f]{32}$`));
      expect(await readAll(await storage().open(key))).toEqual(bytes);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses keys it did not generate, before any I/O', async () => {
    for (const key of ['../../etc/passwd', `${randomUUID()}/../../x`, 'abc', `${randomUUID()}/${'0'.repeat(31)}`]) {
      await expect(storage().open(key)).rejects.toThrow('not a media storage key');
      await expect(storage().delete(key)).rejects.toThrow('not a media storage key');
    }
  });
}

/** What reportMediaStore wrote, as "log: …" and "warn: …" lines. */
async function reported(storage: MediaStorage, closing = false): Promise<string[]> {
  const lines: string[] = [];
  await reportMediaStore(
    storage,
    { log: (m: string) => lines.push(`log: ${m}`), warn: (m: string) => lines.push(`warn: ${m}`) },
    () => closing,
  );
  return lines;
}

describe(MediaService.name, () => {
  jest.setTimeout(60_000);

  describe('local storage', () => {
    let root: string;
    let storage: LocalMediaStorage;
    beforeAll(() => {
      root = join(mkdtempSync(join(tmpdir(), 'postern-media-local-')), 'media');
      storage = new LocalMediaStorage(root);
    });
    afterAll(() => rmSync(join(root, '..'), { recursive: true, force: true }));

    behavesAsMediaStorage(() => storage);

    it('reports at startup whether its folder can be written', async () => {
      expect(await reported(storage)).toEqual([`log: Media store    folder ${root}`]);
      // A folder that cannot exist: its parent is a file.
      const blocked = join(root, '..', 'a-file');
      writeFileSync(blocked, 'not a folder');
      const [line] = await reported(new LocalMediaStorage(join(blocked, 'media')));
      expect(line).toMatch(/^warn: Media store {4}folder .*a-file\/media cannot be used: ENOTDIR/);
    });

    it('keeps files private (0600 in 0700 folders) and leaves no temporary file behind', async () => {
      const workspaceId = randomUUID();
      const key = await storage.put(workspaceId, png());
      const folder = join(root, workspaceId);
      expect(readdirSync(folder)).toEqual([key.split('/')[1]]);
      expect(statSync(storage.pathOf(key)).mode & 0o777).toBe(0o600);
      expect(statSync(folder).mode & 0o777).toBe(0o700);
      expect(statSync(root).mode & 0o777).toBe(0o700);
    });

    it('moves a file from the same filesystem into place (0600, nothing left behind) and copies one from another', async () => {
      const workspaceId = randomUUID();
      const sameFs = join(root, '..', 'tmp');
      mkdirSync(sameFs, { mode: 0o700 });
      const source = join(sameFs, 'upload');
      writeFileSync(source, png(6, 6), { mode: 0o644 });
      const moved = await storage.putFile(workspaceId, { path: source, size: png(6, 6).length });
      expect(existsSync(source)).toBe(false);
      expect(statSync(storage.pathOf(moved)).mode & 0o777).toBe(0o600);
      expect(readFileSync(storage.pathOf(moved))).toEqual(png(6, 6));

      // /dev/shm is a tmpfs where there is one: a rename from there fails with EXDEV and the file is copied.
      const otherFs = existsSync('/dev/shm')
        ? mkdtempSync('/dev/shm/postern-media-')
        : mkdtempSync(join(tmpdir(), 'm-'));
      try {
        const far = join(otherFs, 'upload');
        writeFileSync(far, jpeg(), { mode: 0o600 });
        const copied = await storage.putFile(workspaceId, { path: far, size: jpeg().length });
        expect(readFileSync(storage.pathOf(copied))).toEqual(jpeg());
        expect(statSync(storage.pathOf(copied)).mode & 0o777).toBe(0o600);
        expect(readdirSync(join(root, workspaceId)).sort()).toEqual([moved, copied].map((k) => k.split('/')[1]).sort());
      } finally {
        rmSync(otherFs, { recursive: true, force: true });
      }
    });
  });

  describe('S3 storage, against s3rver (a real S3 protocol server in process)', () => {
    let server: S3rver;
    let directory: string;
    let storage: S3MediaStorage;
    let endpoint: string;
    beforeAll(async () => {
      directory = mkdtempSync(join(tmpdir(), 'postern-s3rver-'));
      server = new S3rver({
        port: 0,
        address: '127.0.0.1',
        silent: true,
        directory,
        configureBuckets: [{ name: 'postern-media', configs: [] }],
      });
      const { port } = await server.run();
      endpoint = `http://127.0.0.1:${port}`;
      // s3rver checks request signatures against its fixed S3RVER credentials.
      storage = new S3MediaStorage({
        bucket: 'postern-media',
        region: 'us-east-1',
        endpoint,
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        forcePathStyle: true,
      });
    });
    afterAll(async () => {
      storage.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    });

    behavesAsMediaStorage(() => storage);

    /** The storage against another endpoint, with the S3RVER credentials s3rver checks. */
    const storageAt = (at: string, idleMs?: number) =>
      new S3MediaStorage(
        {
          bucket: 'postern-media',
          region: 'us-east-1',
          endpoint: at,
          accessKeyId: 'S3RVER',
          secretAccessKey: 'S3RVER',
          forcePathStyle: true,
        },
        idleMs,
      );
    /** A file as an upload leaves it in its temporary folder. */
    const fileOf = (bytes: Buffer) => {
      const path = join(directory, `upload-${randomUUID()}`);
      writeFileSync(path, bytes);
      return { path, size: bytes.length };
    };
    /** A TCP server on loopback that hands each connection to `onSocket`; closed by the returned function. */
    async function tcpServer(onSocket: (socket: Socket) => void): Promise<{ url: string; close: () => Promise<void> }> {
      const sockets: Socket[] = [];
      const server = createServer((socket) => {
        sockets.push(socket);
        onSocket(socket);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: async () => {
          sockets.forEach((socket) => socket.destroy());
          await new Promise((resolve) => server.close(resolve));
        },
      };
    }

    it('gives up on a store that accepts connections and then says nothing, as an outage', async () => {
      const silent = await tcpServer(() => undefined);
      const mute = storageAt(silent.url, 300);
      try {
        // Unbounded, each of these waited for ever (jest's timeout here).
        await expect(mute.put(randomUUID(), png(), 'image/png')).rejects.toBeInstanceOf(MediaStoreUnavailableError);
        await expect(mute.putFile(randomUUID(), fileOf(png()), 'image/png')).rejects.toBeInstanceOf(
          MediaStoreUnavailableError,
        );
        await expect(mute.open(newStorageKey(randomUUID()))).rejects.toBeInstanceOf(MediaStoreUnavailableError);
      } finally {
        mute.destroy();
        await silent.close();
      }
    });

    it('uploads a file again, from its start, after the store dropped the first attempt', async () => {
      let connections = 0;
      // The first connection is reset mid-request; the rest are passed through to s3rver.
      const flaky = await tcpServer((socket) => {
        if (++connections === 1) {
          socket.once('data', () => socket.resetAndDestroy());
          return;
        }
        const upstream = connect(Number(new URL(endpoint).port), '127.0.0.1');
        socket.pipe(upstream).pipe(socket);
        upstream.on('error', () => socket.destroy());
        socket.on('error', () => upstream.destroy());
      });
      const through = storageAt(flaky.url);
      try {
        const bytes = png(5, 3);
        const key = await through.putFile(randomUUID(), fileOf(bytes), 'image/png');
        expect(await readAll(await storage.open(key))).toEqual(bytes);
        expect(connections).toBeGreaterThan(1);
      } finally {
        through.destroy();
        await flaky.close();
      }
    });

    it('reports at startup whether the bucket answers, naming what is wrong when it does not', async () => {
      expect(await reported(storage)).toEqual([`log: Media store    S3 bucket postern-media at ${endpoint}`]);
      const missing = new S3MediaStorage({
        bucket: 'no-such-bucket',
        region: 'us-east-1',
        endpoint,
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        forcePathStyle: true,
      });
      const down = storageAt('http://127.0.0.1:1');
      const stranger = new S3MediaStorage({
        bucket: 'postern-media',
        region: 'us-east-1',
        endpoint,
        accessKeyId: 'NOT-A-KEY',
        secretAccessKey: 'S3RVER',
        forcePathStyle: true,
      });
      try {
        expect(await reported(stranger)).toEqual([
          expect.stringContaining(
            'cannot be used: access denied: these credentials cannot reach the bucket, or lack s3:ListBucket, which only this check uses (HTTP 403).',
          ),
        ]);
        expect(await reported(missing)).toEqual([
          `warn: Media store    S3 bucket no-such-bucket at ${endpoint} cannot be used: no such bucket (HTTP 404). Check the S3_* or DATA_DIR settings.`,
        ]);
        // A failure once shutdown has begun is the shutdown's doing: nothing is said.
        expect(await reported(down, true)).toEqual([]);
        const [line] = await reported(down);
        expect(line).toMatch(
          /^warn: Media store {4}S3 bucket postern-media at http:\/\/127\.0\.0\.1:1 cannot be used: the media store is unavailable: .*ECONNREFUSED/,
        );
      } finally {
        missing.destroy();
        down.destroy();
        stranger.destroy();
      }
    });

    it('fails, storing nothing, with an unknown access key or a missing bucket', async () => {
      // s3rver knows the S3RVER key id but does not verify SigV4 signatures, so a wrong secret would pass here.
      for (const [accessKeyId, bucket] of [
        ['NOT-A-KEY', 'postern-media'],
        ['S3RVER', 'no-such-bucket'],
      ]) {
        const wrong = new S3MediaStorage({
          bucket,
          region: 'us-east-1',
          endpoint,
          accessKeyId,
          secretAccessKey: 'S3RVER',
          forcePathStyle: true,
        });
        try {
          // Not an outage: retrying cannot help, so callers get an internal error, not "try again".
          const failure = await wrong.put(randomUUID(), png(), 'image/png').catch((error: unknown) => error);
          expect(failure).toBeInstanceOf(Error);
          expect(failure).not.toBeInstanceOf(MediaStoreUnavailableError);
        } finally {
          wrong.destroy();
        }
      }
    });

    describe('behind the service (MEDIA_STORAGE=s3)', () => {
      let t: TestApp & { dataDir: string };
      let dataDir: string;
      beforeAll(async () => {
        t = await startS3App({ S3_ENDPOINT: endpoint });
        dataDir = t.dataDir;
      });
      afterAll(() => t.close());

      it('uploads into the bucket and streams the content back, writing nothing locally', async () => {
        const workspace = await buildWorkspace(t.app);
        const actor: Actor = { ...operatorActor(), workspaceId: workspace.id };
        const bytes = png(6, 2);
        const media = t.app.get(MediaService);
        const created = await asOperator('media upload', () =>
          media.upload(actor, { contentBase64: bytes.toString('base64'), fileName: 'bucket.png' }),
        );
        expect(created).toMatchObject({ mime_type: 'image/png', width: 6, height: 2 });
        const { asset, stream } = await media.openContent(actor, created.id);
        expect(asset.storageKey).toMatch(new RegExp(`^${workspace.id}/[0-9a-f]{32}$`));
        expect(await readAll(stream)).toEqual(bytes);
        expect(existsSync(join(dataDir, 'media'))).toBe(false);
      });
    });

    describe('behind the service, with a bucket that does not exist', () => {
      let t: TestApp;
      beforeAll(async () => {
        t = await startS3App({ S3_ENDPOINT: endpoint, S3_BUCKET: 'no-such-bucket' });
      });
      afterAll(() => t.close());

      it('answers an upload with an internal error, not "try again", and records no media', async () => {
        const { workspaceId, upload } = await uploadThrough(t.app);
        // A setup error no retry fixes: not an AppError, so the filter answers a bare 500.
        const failure = await upload.catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(Error);
        expect(failure).not.toBeInstanceOf(AppError);
        const rows = await t.app
          .get(DataSource)
          .query(`SELECT count(*)::int AS n FROM media_assets WHERE workspace_id = $1`, [workspaceId]);
        expect(rows).toEqual([{ n: 0 }]);
      });
    });
  });

  describe('behind the service, with the S3 store down', () => {
    let t: TestApp;
    // Nothing listens on port 1: every attempt is refused at once.
    beforeAll(async () => {
      t = await startS3App({ S3_ENDPOINT: 'http://127.0.0.1:1' });
    });
    afterAll(() => t.close());

    it('answers an upload with unavailable, for the caller to retry, and records no media', async () => {
      const { workspaceId, upload } = await uploadThrough(t.app);
      await expect(upload).rejects.toMatchObject({
        code: 'unavailable',
        message: 'the media store did not take the file; try again shortly',
      });
      const rows = await t.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM media_assets WHERE workspace_id = $1`, [workspaceId]);
      expect(rows).toEqual([{ n: 0 }]);
    });
  });

  describe('with the database', () => {
    let t: TestApp;
    let db: DataSource;
    let dataDir: string;
    let media: MediaService;
    const actorIn = (workspaceId: string): Actor => ({ ...operatorActor(), workspaceId });
    const filesOf = (workspaceId: string) => {
      const folder = join(dataDir, 'media', workspaceId);
      return existsSync(folder) ? readdirSync(folder) : [];
    };
    const uploadPng = (workspaceId: string, seed: number, tags: string[] = []) =>
      asOperator('media upload', () =>
        media.upload(actorIn(workspaceId), {
          contentBase64: png(2, 2, seed).toString('base64'),
          fileName: `p${seed}.png`,
          tags,
        }),
      );

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'postern-media-medium-'));
      t = await startTestApp(testConfig({ DATA_DIR: dataDir }));
      db = t.app.get(DataSource);
      media = t.app.get(MediaService);
    });
    afterAll(async () => {
      await t.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('keeps each workspace’s media to itself in get, list, update, delete and requireUsable', async () => {
      const a = await buildWorkspace(t.app);
      const b = await buildWorkspace(t.app);
      const mine = await uploadPng(a.id, 1, ['shared-tag']);
      const theirs = await uploadPng(b.id, 2, ['shared-tag']);

      await expect(media.get(actorIn(b.id), mine.id)).rejects.toMatchObject({ code: 'not_found' });
      const listed = await media.list(actorIn(b.id), { tag: 'shared-tag' });
      expect(listed.items.map((x) => x.id)).toEqual([theirs.id]);
      await expect(
        asOperator('media update', () => media.update(actorIn(b.id), mine.id, { caption: 'taken' })),
      ).rejects.toMatchObject({ code: 'not_found' });
      await expect(asOperator('media delete', () => media.delete(actorIn(b.id), mine.id))).rejects.toMatchObject({
        code: 'not_found',
      });
      await expect(db.transaction((m) => media.requireUsable(m, b.id, [theirs.id, mine.id]))).rejects.toMatchObject({
        code: 'not_found',
        details: [{ field: 'media_ids', issue: `not found: ${mine.id}` }],
      });
      await expect(media.openContent(actorIn(b.id), mine.id)).rejects.toMatchObject({ code: 'not_found' });

      const [row] = await db.query<{ caption: string | null; deleted_at: Date | null }[]>(
        'SELECT caption, deleted_at FROM media_assets WHERE id = $1',
        [mine.id],
      );
      expect(row).toEqual({ caption: null, deleted_at: null });
      expect(filesOf(a.id)).toHaveLength(1);
      expect(filesOf(b.id)).toHaveLength(1);
    });

    it('hides deleted media from get, list and requireUsable', async () => {
      const ws = await buildWorkspace(t.app);
      const kept = await uploadPng(ws.id, 3);
      const trashed = await uploadPng(ws.id, 4);
      await asOperator('media delete', () => media.delete(actorIn(ws.id), trashed.id));
      await expect(media.get(actorIn(ws.id), trashed.id)).rejects.toMatchObject({ code: 'not_found' });
      expect((await media.list(actorIn(ws.id), {})).items.map((x) => x.id)).toEqual([kept.id]);
      await expect(db.transaction((m) => media.requireUsable(m, ws.id, [trashed.id]))).rejects.toMatchObject({
        code: 'not_found',
      });
    });

    it('removes the stored file when the row cannot be inserted', async () => {
      // No such workspace: the insert breaks the foreign key after the bytes were stored.
      const ghost = randomUUID();
      await expect(uploadPng(ghost, 5)).rejects.toThrow(/violates foreign key constraint/);
      expect(filesOf(ghost)).toEqual([]);
      const [{ n }] = await db.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM media_assets WHERE workspace_id = $1',
        [ghost],
      );
      expect(n).toBe(0);
    });

    it('removes the stored file when the audited transaction does not run', async () => {
      // Outside any audit context the transaction refuses to run: nothing may change unaudited.
      const ws = await buildWorkspace(t.app);
      await expect(
        media.upload(actorIn(ws.id), { contentBase64: png().toString('base64'), fileName: 'x.png' }),
      ).rejects.toMatchObject({ code: 'unavailable' });
      expect(filesOf(ws.id)).toEqual([]);
    });
  });
});
