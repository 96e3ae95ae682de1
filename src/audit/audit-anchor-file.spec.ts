import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readAnchors, writeAnchors } from './audit-anchor-file';

const hash = (c: string) => c.repeat(64);

describe('audit anchor file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'postern-anchors-'));
  const file = path.join(dir, 'anchors.json');

  it('reads none before the first write, then what was written, and never moves a head back', async () => {
    expect(await readAnchors(file)).toBeUndefined();
    await writeAnchors(file, [
      { chain: 'b', seq: 10, hash: hash('b') },
      { chain: 'a', seq: 3, hash: hash('a') },
    ]);
    // A run that read the file before another saved a higher head must not undo it.
    await writeAnchors(file, [
      { chain: 'b', seq: 7, hash: hash('c') },
      { chain: 'c', seq: 1, hash: hash('d') },
    ]);
    expect(await readAnchors(file)).toEqual([
      { chain: 'a', seq: 3, hash: hash('a') },
      { chain: 'b', seq: 10, hash: hash('b') },
      { chain: 'c', seq: 1, hash: hash('d') },
    ]);
    expect(readdirSync(dir)).toEqual(['anchors.json']);
  });

  it.each([
    ['not JSON', 'heads'],
    ['another format', JSON.stringify({ format: 'x', heads: [] })],
    ['a head without a hash', JSON.stringify({ format: 'postern-audit-anchors/1', heads: [{ chain: 'a', seq: 1 }] })],
    [
      'a head at seq 0',
      JSON.stringify({ format: 'postern-audit-anchors/1', heads: [{ chain: 'a', seq: 0, hash: hash('a') }] }),
    ],
  ])('refuses a file holding %s, and writes nothing over it', async (_what, text) => {
    writeFileSync(file, text);
    await expect(readAnchors(file)).rejects.toThrow('is not an anchor file');
    await expect(writeAnchors(file, [{ chain: 'a', seq: 1, hash: hash('a') }])).rejects.toThrow();
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
