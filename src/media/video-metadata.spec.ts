import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withFileReader } from './byte-reader';
import { isoVideoMetadata } from './video-metadata';

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
const box = (type: string, ...payload: Buffer[]) => {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(body.length + 8), Buffer.from(type, 'latin1'), body]);
};
const ftyp = box('ftyp', Buffer.from('isom', 'latin1'), u32(0x200), Buffer.from('isommp41', 'latin1'));

/** mvhd version 0: times, time scale, duration, then rate, volume and the rest of its 100 bytes. */
const mvhd = (scale: number, duration: number) =>
  box('mvhd', Buffer.alloc(4), u32(0), u32(0), u32(scale), u32(duration), Buffer.alloc(80));
const mvhd1 = (scale: number, duration: number) =>
  box('mvhd', Buffer.from([1, 0, 0, 0]), u64(0), u64(0), u32(scale), u64(duration), Buffer.alloc(80));

/** tkhd version 0: 76 bytes up to the matrix's end, then width and height in 16.16. */
const tkhd = (width: number, height: number) => box('tkhd', Buffer.alloc(76), u32(width * 65536), u32(height * 65536));
const tkhd1 = (width: number, height: number) =>
  box('tkhd', Buffer.from([1, 0, 0, 0]), Buffer.alloc(84), u32(width * 65536), u32(height * 65536));

const mp4 = (...moovChildren: Buffer[]) =>
  Buffer.concat([ftyp, box('mdat', Buffer.alloc(32)), box('moov', ...moovChildren)]);

describe(isoVideoMetadata.name, () => {
  it('reads the duration from mvhd and the size from the first track with a picture', async () => {
    const file = mp4(mvhd(1000, 12_345), box('trak', tkhd(0, 0)), box('trak', tkhd(1920, 1080)));
    expect(await isoVideoMetadata(file)).toEqual({ width: 1920, height: 1080, durationMs: 12_345 });
  });

  it('reads version 1 headers and converts the time scale to milliseconds', async () => {
    const file = mp4(mvhd1(90_000, 90_000 * 61), box('trak', tkhd1(640, 360)));
    expect(await isoVideoMetadata(file)).toEqual({ width: 640, height: 360, durationMs: 61_000 });
  });

  it('reads a box whose size is given in 64 bits', async () => {
    const moov = box('moov', mvhd(600, 1200), box('trak', tkhd(320, 240)));
    const large = Buffer.concat([u32(1), Buffer.from('moov', 'latin1'), u64(moov.length + 8), moov.subarray(8)]);
    expect(await isoVideoMetadata(Buffer.concat([ftyp, large]))).toEqual({ width: 320, height: 240, durationMs: 2000 });
  });

  it.each([
    ['no moov box', Buffer.concat([ftyp, box('mdat', Buffer.alloc(16))])],
    ['an empty buffer', Buffer.alloc(0)],
    ['a moov box longer than the file', Buffer.concat([ftyp, u32(10_000), Buffer.from('moov', 'latin1')])],
    ['a box size below its header', Buffer.concat([ftyp, u32(4), Buffer.from('moov', 'latin1')])],
    ['a truncated mvhd and tkhd', mp4(box('mvhd', Buffer.alloc(10)), box('trak', box('tkhd', Buffer.alloc(40))))],
    ['a zero time scale', mp4(mvhd(0, 100))],
    ['an unknown duration', mp4(mvhd(1000, 0xffffffff))],
  ])('gives nulls, without throwing, for %s', async (_name, file) => {
    expect(await isoVideoMetadata(file)).toEqual({ width: null, height: null, durationMs: null });
  });

  it('stops after a bounded number of boxes', async () => {
    const filler = Buffer.concat(Array.from({ length: 5000 }, () => box('free')));
    const file = Buffer.concat([ftyp, filler, box('moov', mvhd(1000, 5000))]);
    expect((await isoVideoMetadata(file)).durationMs).toBeNull();
    expect((await isoVideoMetadata(Buffer.concat([ftyp, box('moov', mvhd(1000, 5000))]))).durationMs).toBe(5000);
  });

  it('reads the same from a file, a bounded read at a time, as from a buffer', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'postern-video-metadata-'));
    try {
      const file = mp4(mvhd(1000, 12_345), box('free', Buffer.alloc(1024 * 1024)), box('trak', tkhd(1920, 1080)));
      const path = join(directory, 'video.mp4');
      writeFileSync(path, file);
      const reads: number[] = [];
      const metadata = await withFileReader(path, (reader) =>
        isoVideoMetadata({
          size: reader.size,
          read: (offset, length) => {
            reads.push(length);
            return reader.read(offset, length);
          },
        }),
      );
      expect(metadata).toEqual({ width: 1920, height: 1080, durationMs: 12_345 });
      expect(Math.max(...reads)).toBeLessThanOrEqual(96);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
