import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTooLargeError, writeCappedFile } from './capped-file-writer';
import { PrivateTempDir } from './private-temp-dir';

describe(writeCappedFile.name, () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'postern-capped-writer-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  /** Chunks of `size` bytes, counting how many were pulled. */
  function source(chunks: number, size: number) {
    const pulled = { count: 0 };
    async function* generate() {
      for (let i = 0; i < chunks; i += 1) {
        pulled.count += 1;
        yield await Promise.resolve(Buffer.alloc(size, i % 256));
      }
    }
    return { iterable: generate(), pulled };
  }

  it('writes the stream to a new 0600 file and gives its size and SHA-256', async () => {
    const chunks = [Buffer.from('hello '), Buffer.from('streamed '), Buffer.from('world')];
    const target = join(directory, 'f');
    const written = await writeCappedFile(chunks, target, 1000);
    const content = Buffer.concat(chunks);
    expect(written).toEqual({
      path: target,
      size: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
    });
    expect(readFileSync(target)).toEqual(content);
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it('accepts exactly the cap', async () => {
    const { iterable } = source(4, 256);
    expect((await writeCappedFile(iterable, join(directory, 'f'), 1024)).size).toBe(1024);
  });

  it('stops at the first chunk past the cap: that chunk is not written, no later chunk is read, the file is removed', async () => {
    const { iterable, pulled } = source(1000, 1024);
    const target = join(directory, 'f');
    const failure = writeCappedFile(iterable, target, 10 * 1024 + 1);
    await expect(failure).rejects.toBeInstanceOf(FileTooLargeError);
    await expect(failure).rejects.toMatchObject({ limitBytes: 10 * 1024 + 1 });
    expect(pulled.count).toBe(11);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(directory)).toEqual([]);
  });

  it('removes the partial file when the source fails, and rethrows its error', async () => {
    const target = join(directory, 'f');
    const broken = new Error('connection reset');
    async function* failing() {
      yield await Promise.resolve(Buffer.alloc(100));
      throw broken;
    }
    await expect(writeCappedFile(failing(), target, 1000)).rejects.toBe(broken);
    expect(readdirSync(directory)).toEqual([]);
  });

  it('never writes over an existing file', async () => {
    const target = join(directory, 'f');
    writeFileSync(target, 'keep');
    await expect(writeCappedFile([Buffer.from('x')], target, 10)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(target, 'utf8')).toBe('keep');
  });
});

describe(PrivateTempDir.name, () => {
  it('creates the folder 0700 (restoring the mode of an existing one) and names files at random inside it', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'postern-private-tmp-'));
    try {
      const temp = new PrivateTempDir(join(parent, 'tmp'));
      const first = await temp.newPath();
      expect(statSync(temp.root).mode & 0o777).toBe(0o700);
      expect(first.startsWith(`${temp.root}/`)).toBe(true);
      expect(await temp.newPath()).not.toBe(first);
      expect(existsSync(first)).toBe(false);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

describe('PrivateTempDir.sweep', () => {
  it('removes files older than the limit and leaves younger ones (uploads in progress) alone', async () => {
    const { mkdtemp, writeFile, utimes, readdir } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const root = join(await mkdtemp(join(tmpdir(), 'sweep-')), 'tmp');
    const temp = new PrivateTempDir(root);
    const old = await temp.newPath();
    const young = await temp.newPath();
    await writeFile(old, 'left by a crash');
    await writeFile(young, 'in progress');
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
    await utimes(old, hoursAgo(7), hoursAgo(7));
    expect(await temp.sweep(6 * 3_600_000)).toBe(1);
    expect(await readdir(root)).toEqual([young.split('/').pop()]);
    expect(await new PrivateTempDir(join(root, 'missing')).sweep(1)).toBe(0);
  });
});
