import { crc32, deflateSync } from 'node:zlib';

/** Small but structurally real media files, built byte by byte so every test shows what it sends. */

const u16be = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u32be = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32be(data.length), typeAndData, u32be(crc32(typeAndData))]);
}

/** A valid greyscale PNG of the given size; `seed` varies the pixels so two files differ. */
export function png(width = 2, height = 2, seed = 0): Buffer {
  const header = Buffer.concat([u32be(width), u32be(height), Buffer.from([8, 0, 0, 0, 0])]);
  const rows = Buffer.alloc((width + 1) * height, seed & 0xff);
  for (let row = 0; row < height; row += 1) rows[row * (width + 1)] = 0; // filter byte per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function jpegSegment(marker: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0xff, marker]), u16be(payload.length + 2), payload]);
}

/** SOI, JFIF APP0, a baseline frame header, EOI. */
export function jpeg(width = 4, height = 3): Buffer {
  const app0 = jpegSegment(
    0xe0,
    Buffer.concat([Buffer.from('JFIF\0', 'latin1'), Buffer.from([1, 1, 0, 0, 1, 0, 1, 0, 0])]),
  );
  const sof = jpegSegment(
    0xc0,
    Buffer.concat([Buffer.from([8]), u16be(height), u16be(width), Buffer.from([1, 1, 0x11, 0])]),
  );
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]);
}

const box = (type: string, ...payload: Buffer[]) => {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32be(body.length + 8), Buffer.from(type, 'latin1'), body]);
};

/** An MP4: ftyp, a little mdat, and a moov with a movie header and one video track header. */
export function mp4(width = 640, height = 360, durationMs = 2500): Buffer {
  const mvhd = box('mvhd', Buffer.alloc(4), u32be(0), u32be(0), u32be(1000), u32be(durationMs), Buffer.alloc(80));
  const tkhd = box('tkhd', Buffer.alloc(76), u32be(width * 65536), u32be(height * 65536));
  return Buffer.concat([
    box('ftyp', Buffer.from('isom', 'latin1'), u32be(0x200), Buffer.from('isomiso2avc1mp41', 'latin1')),
    box('mdat', Buffer.alloc(64)),
    box('moov', mvhd, box('trak', tkhd)),
  ]);
}

export const HTML = Buffer.from('<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>');
export const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>');
export const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(56)]);
export function peExecutable(): Buffer {
  const file = Buffer.alloc(256);
  file.write('MZ', 0, 'latin1');
  file.writeUInt32LE(0x80, 0x3c);
  file.write('PE\0\0', 0x80, 'latin1');
  return file;
}
/** A PNG signature and header with an HTML page behind it: a polyglot a browser might render. */
export function pngHtmlPolyglot(): Buffer {
  return Buffer.concat([png(1, 1).subarray(0, 33), HTML]);
}
export const PLAIN_TEXT = Buffer.from('just some notes, not an image\n');
