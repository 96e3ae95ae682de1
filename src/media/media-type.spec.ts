import { crc32, deflateSync } from 'node:zlib';
import { MediaTypeError } from './media.errors';
import { detectMedia, imageDimensions } from './media-type';

// Builders for tiny but structurally real files, made per test so every byte is visible here.

const u16be = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u16le = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff]);
const u24le = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff]);
const u32be = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const u32le = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const ascii = (s: string) => Buffer.from(s, 'latin1');

function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([ascii(type), data]);
  return Buffer.concat([u32be(data.length), typeAndData, u32be(crc32(typeAndData))]);
}

/** A valid greyscale PNG: signature, IHDR, one zlib-compressed IDAT, IEND. */
function png(width: number, height: number, extraChunks: Buffer[] = []): Buffer {
  const header = Buffer.concat([u32be(width), u32be(height), Buffer.from([8, 0, 0, 0, 0])]);
  const rows = Buffer.alloc((width + 1) * height); // filter byte 0 + black pixels per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    ...extraChunks,
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A GIF89a with a two-colour global table and one image the size of the screen. */
function gif(width: number, height: number): Buffer {
  return Buffer.concat([
    ascii('GIF89a'),
    u16le(width),
    u16le(height),
    Buffer.from([0x80, 0x00, 0x00]), // global colour table of 2, background 0, no aspect
    Buffer.from([0xff, 0xff, 0xff, 0x00, 0x00, 0x00]),
    Buffer.from([0x2c]),
    u16le(0),
    u16le(0),
    u16le(width),
    u16le(height),
    Buffer.from([0x00, 0x02, 0x02, 0x44, 0x01, 0x00]), // LZW min size 2, one data block
    Buffer.from([0x3b]),
  ]);
}

function jpegSegment(marker: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0xff, marker]), u16be(payload.length + 2), payload]);
}

/** SOI, JFIF APP0, optional extra segments, a start-of-frame header (baseline unless told), EOI. */
function jpeg(width: number, height: number, options: { sof?: number; before?: Buffer[] } = {}): Buffer {
  const app0 = jpegSegment(0xe0, Buffer.concat([ascii('JFIF\0'), Buffer.from([1, 1, 0, 0, 1, 0, 1, 0, 0])]));
  const sof = jpegSegment(
    options.sof ?? 0xc0,
    Buffer.concat([Buffer.from([8]), u16be(height), u16be(width), Buffer.from([1, 1, 0x11, 0])]),
  );
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, ...(options.before ?? []), sof, Buffer.from([0xff, 0xd9])]);
}

function riff(form: string, chunkType: string, chunk: Buffer): Buffer {
  const body = Buffer.concat([ascii(form), ascii(chunkType), u32le(chunk.length), chunk]);
  return Buffer.concat([ascii('RIFF'), u32le(body.length), body]);
}

const webpLossy = (width: number, height: number) =>
  riff(
    'WEBP',
    'VP8 ',
    Buffer.concat([Buffer.from([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a]), u16le(width), u16le(height), Buffer.alloc(8)]),
  );
const webpLossless = (width: number, height: number) =>
  riff(
    'WEBP',
    'VP8L',
    Buffer.concat([Buffer.from([0x2f]), u32le((width - 1) | ((height - 1) << 14)), Buffer.alloc(4)]),
  );
const webpExtended = (width: number, height: number) =>
  riff('WEBP', 'VP8X', Buffer.concat([Buffer.alloc(4), u24le(width - 1), u24le(height - 1)]));

function isoBox(type: string, payload: Buffer): Buffer {
  return Buffer.concat([u32be(payload.length + 8), ascii(type), payload]);
}

/** An ISO base media file: ftyp with the given major brand, then an empty mdat. */
const isoMedia = (brand: string, compatible: string[] = ['isom']) =>
  Buffer.concat([
    isoBox('ftyp', Buffer.concat([ascii(brand.padEnd(4, ' ')), u32be(0x200), ...compatible.map(ascii)])),
    isoBox('mdat', Buffer.alloc(16)),
  ]);

/** An EBML header whose DocType is `docType`, as Matroska and WebM files start. */
function ebml(docType: string): Buffer {
  const element = (id: number[], payload: Buffer) =>
    Buffer.concat([Buffer.from(id), Buffer.from([0x80 | payload.length]), payload]);
  const header = Buffer.concat([
    element([0x42, 0x86], Buffer.from([1])), // EBMLVersion
    element([0x42, 0xf7], Buffer.from([1])), // EBMLReadVersion
    element([0x42, 0xf2], Buffer.from([4])), // EBMLMaxIDLength
    element([0x42, 0xf3], Buffer.from([8])), // EBMLMaxSizeLength
    element([0x42, 0x82], ascii(docType)), // DocType
    element([0x42, 0x87], Buffer.from([4])), // DocTypeVersion
    element([0x42, 0x85], Buffer.from([2])), // DocTypeReadVersion
  ]);
  return Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x80 | header.length]), header, Buffer.alloc(32)]);
}

const elf = () => Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(56)]);
const peExe = () => {
  const file = Buffer.alloc(256);
  ascii('MZ').copy(file, 0);
  file.writeUInt32LE(0x80, 0x3c);
  ascii('PE\0\0').copy(file, 0x80);
  return file;
};
const machO64 = () => Buffer.concat([Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 0x07, 0x00, 0x00, 0x01]), Buffer.alloc(56)]);
const machOFat = () => Buffer.concat([Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]), Buffer.alloc(56)]);

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>';
const SVG_WITH_PROLOG =
  '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" ' +
  '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<!-- drawn by hand -->\n';
const HTML = '<!DOCTYPE html>\n<html><head><title>x</title></head><body></body></html>';

async function refusal(promise: Promise<unknown>): Promise<MediaTypeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MediaTypeError) return error;
    throw error;
  }
  throw new Error('expected the media to be refused');
}

describe(detectMedia.name, () => {
  describe('accepts the allowlist from bytes alone', () => {
    it.each([
      ['PNG', () => png(2, 2), 'image', 'image/png', 'png'],
      ['GIF', () => gif(1, 1), 'image', 'image/gif', 'gif'],
      ['JPEG', () => jpeg(4, 3), 'image', 'image/jpeg', 'jpg'],
      ['WebP, lossy', () => webpLossy(8, 6), 'image', 'image/webp', 'webp'],
      ['WebP, lossless', () => webpLossless(8, 6), 'image', 'image/webp', 'webp'],
      ['MP4', () => isoMedia('isom', ['isom', 'iso2', 'avc1', 'mp41']), 'video', 'video/mp4', 'mp4'],
      ['MP4, mp42 brand', () => isoMedia('mp42'), 'video', 'video/mp4', 'mp4'],
      ['QuickTime', () => isoMedia('qt', ['qt  ']), 'video', 'video/quicktime', 'mov'],
      ['WebM', () => ebml('webm'), 'video', 'video/webm', 'webm'],
    ])('%s', async (_name, build, kind, mimeType, extension) => {
      await expect(detectMedia(build())).resolves.toEqual({ kind, mimeType, extension });
    });
  });

  describe('accepts declarations that agree with the bytes', () => {
    it.each([
      ['matching name and type', 'photo.png', 'image/png'],
      ['upper-case extension and MIME parameters', 'PHOTO.PNG', 'Image/PNG; charset=binary'],
      ['a path in the name', 'C:\\fakepath\\photo.png', undefined],
      ['a name without an extension', 'photo', undefined],
      ['a dot-file name', '.png', undefined],
      ['the "unknown" MIME type', 'photo.png', 'application/octet-stream'],
      ['an empty MIME type', undefined, ''],
      ['the x-png alias', undefined, 'image/x-png'],
    ])('%s', async (_name, fileName, mime) => {
      await expect(detectMedia(png(1, 1), fileName, mime)).resolves.toMatchObject({ mimeType: 'image/png' });
    });

    it('accepts every extension and alias spelling a JPEG goes by', async () => {
      for (const name of ['a.jpg', 'a.jpeg', 'a.JPE', 'a.jfif']) {
        await expect(detectMedia(jpeg(1, 1), name, 'image/jpg')).resolves.toMatchObject({ extension: 'jpg' });
      }
      await expect(detectMedia(jpeg(1, 1), 'a.jpg', 'image/pjpeg')).resolves.toMatchObject({ mimeType: 'image/jpeg' });
    });
  });

  describe('refuses spoofed declarations with type_mismatch', () => {
    it.each([
      ['a PNG named .jpg', () => png(1, 1), 'photo.jpg', undefined],
      ['a PNG sent as image/jpeg', () => png(1, 1), undefined, 'image/jpeg'],
      ['a JPEG named .png', () => jpeg(1, 1), 'photo.png', undefined],
      ['a GIF sent as image/webp', () => gif(1, 1), undefined, 'image/webp'],
      ['an MP4 named .mov', () => isoMedia('isom'), 'clip.mov', undefined],
      ['a WebM sent as video/mp4', () => ebml('webm'), undefined, 'video/mp4'],
      ['a PNG named .txt', () => png(1, 1), 'notes.txt', undefined],
      ['a PNG named .png.exe', () => png(1, 1), 'photo.png.exe', undefined],
      ['a PNG sent as text/html', () => png(1, 1), 'photo.png', 'text/html'],
      ['a PNG whose name and type disagree with each other', () => png(1, 1), 'photo.png', 'image/gif'],
      ['HTML renamed .png', () => ascii(HTML), 'page.png', undefined],
      ['HTML sent as image/gif', () => ascii(HTML), undefined, 'image/gif'],
      ['SVG renamed .png', () => ascii(SVG), 'logo.png', undefined],
      ['SVG sent as image/png', () => ascii(SVG), 'logo', 'image/png'],
      ['an ELF executable renamed .jpg', elf, 'cat.jpg', undefined],
      ['a PE executable renamed .png', peExe, 'cat.png', undefined],
      ['a Mach-O executable sent as video/mp4', machO64, undefined, 'video/mp4'],
      ['a PDF renamed .png', () => ascii('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n'), 'doc.png', undefined],
    ])('%s', async (_name, build, fileName, mime) => {
      const error = await refusal(detectMedia(build(), fileName, mime));
      expect(error.code).toBe('type_mismatch');
    });

    it('says what was declared and what the bytes are', async () => {
      const error = await refusal(detectMedia(png(1, 1), 'photo.jpg'));
      expect(error.message).toBe('The file is declared as .jpg but its content is PNG (image/png)');
      expect(error.detected).toBe('image/png');
      const svg = await refusal(detectMedia(ascii(SVG), undefined, 'image/png'));
      expect(svg.message).toBe('The file is declared as image/png but its content is an SVG image');
      expect(svg.detected).toBe('svg');
    });
  });

  describe('refuses SVG', () => {
    it.each([
      ['a bare <svg> element', SVG],
      [
        'an XML prolog and an SVG doctype, the element beyond the first KiB',
        `${SVG_WITH_PROLOG}${' '.repeat(2048)}${SVG}`,
      ],
      ['upper case, after a byte-order mark and blank lines', `\ufeff\n\n  <SVG xmlns="http://www.w3.org/2000/svg"/>`],
    ])('%s', async (_name, text) => {
      const error = await refusal(detectMedia(Buffer.from(text, 'utf8'), 'logo.svg', 'image/svg+xml'));
      expect(error.code).toBe('svg_refused');
      expect(error.message).toMatch(/^SVG images are not accepted/);
    });

    it('in UTF-16', async () => {
      const error = await refusal(detectMedia(Buffer.from(`\ufeff${SVG}`, 'utf16le')));
      expect(error.code).toBe('svg_refused');
    });

    it('without any declaration', async () => {
      await expect(detectMedia(ascii(SVG))).rejects.toMatchObject({ code: 'svg_refused' });
    });
  });

  describe('refuses HTML', () => {
    it.each([
      ['a doctype', HTML],
      ['a doctype with odd spacing and case', '<!DocType   HTML><p>hi'],
      ['an <html> element', '  <html lang="en"><body>hi</body></html>'],
      ['a bare <script>', '<script>fetch("/api/keys")</script>'],
      ['HTML with inline SVG', '<!doctype html><html><body><svg></svg></body></html>'],
    ])('%s', async (_name, text) => {
      const error = await refusal(detectMedia(ascii(text), 'page.html', 'text/html'));
      expect(error.code).toBe('html_refused');
    });

    it('behind an image signature (a polyglot)', async () => {
      const polyglot = png(1, 1, [pngChunk('tEXt', ascii('Comment\0<script>alert(document.cookie)</script>'))]);
      const error = await refusal(detectMedia(polyglot));
      expect(error.code).toBe('html_refused');
    });
  });

  describe('refuses executables, whatever else they look like', () => {
    it.each([
      ['ELF', elf],
      ['PE', peExe],
      ['Mach-O 64-bit', machO64],
      ['Mach-O universal', machOFat],
    ])('%s', async (_name, build) => {
      const error = await refusal(detectMedia(build(), 'program', 'application/octet-stream'));
      expect(error.code).toBe('executable_refused');
      expect(error.message).toBe('Executable files are not accepted');
    });

    it('even with a valid PNG after the magic number', async () => {
      const disguised = Buffer.concat([Buffer.from([0x4d, 0x5a]), png(1, 1)]);
      await expect(detectMedia(disguised)).rejects.toMatchObject({ code: 'executable_refused' });
    });
  });

  describe('refuses other types with unsupported_type', () => {
    it.each([
      ['BMP', () => Buffer.concat([ascii('BM'), u32le(58), Buffer.alloc(4), u32le(54), u32le(40), Buffer.alloc(40)])],
      ['PDF', () => ascii('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n')],
      ['HEIC', () => isoMedia('heic', ['mif1', 'heic'])],
      ['AVIF', () => isoMedia('avif', ['avif', 'mif1'])],
      ['Matroska', () => ebml('matroska')],
      ['M4A audio', () => isoMedia('M4A', ['M4A ', 'mp42'])],
      ['plain text', () => ascii('just some words, nothing else')],
      ['random bytes', () => Buffer.from([0x00, 0x13, 0x37, 0x42, 0x99, 0x01, 0x02, 0x03])],
    ])('%s', async (_name, build) => {
      const error = await refusal(detectMedia(build(), 'upload.bin'));
      expect(error.code).toBe('unsupported_type');
      expect(error.message).toMatch(
        /only JPEG, PNG, GIF or WebP images and MP4, QuickTime or WebM videos are accepted$/,
      );
    });
  });

  it('refuses an empty file', async () => {
    await expect(detectMedia(Buffer.alloc(0), 'photo.png', 'image/png')).rejects.toMatchObject({ code: 'empty' });
  });
});

describe(imageDimensions.name, () => {
  it.each([
    ['PNG', () => png(640, 480), 'image/png', { width: 640, height: 480 }],
    ['PNG, not square the other way', () => png(3, 700), 'image/png', { width: 3, height: 700 }],
    ['GIF', () => gif(320, 200), 'image/gif', { width: 320, height: 200 }],
    ['GIF, largest size', () => gif(65535, 1), 'image/gif', { width: 65535, height: 1 }],
    ['JPEG, baseline', () => jpeg(1920, 1080), 'image/jpeg', { width: 1920, height: 1080 }],
    ['JPEG, progressive', () => jpeg(800, 600, { sof: 0xc2 }), 'image/jpeg', { width: 800, height: 600 }],
    [
      'JPEG, after EXIF, a quantisation table, a Huffman table and fill bytes',
      () =>
        jpeg(1234, 567, {
          before: [
            jpegSegment(0xe1, Buffer.concat([ascii('Exif\0\0'), Buffer.alloc(300)])),
            jpegSegment(0xdb, Buffer.alloc(65)),
            jpegSegment(0xc4, Buffer.alloc(31)),
            Buffer.from([0xff, 0xff]),
          ],
        }),
      'image/jpeg',
      { width: 1234, height: 567 },
    ],
    ['WebP, lossy', () => webpLossy(800, 600), 'image/webp', { width: 800, height: 600 }],
    ['WebP, lossless', () => webpLossless(1000, 750), 'image/webp', { width: 1000, height: 750 }],
    ['WebP, extended', () => webpExtended(4000, 3000), 'image/webp', { width: 4000, height: 3000 }],
  ])('reads %s', (_name, build, mime, expected) => {
    expect(imageDimensions(build(), mime)).toEqual(expected);
  });

  it.each([
    ['a video', () => isoMedia('isom'), 'video/mp4'],
    ['a type it does not parse', () => png(1, 1), 'image/bmp'],
    ['bytes of another type than the one named', () => png(10, 10), 'image/jpeg'],
    ['a truncated PNG', () => png(10, 10).subarray(0, 20), 'image/png'],
    [
      'a PNG whose first chunk is not IHDR',
      () => Buffer.concat([png(1, 1).subarray(0, 8), pngChunk('tEXt', ascii('a'))]),
      'image/png',
    ],
    ['a zero-sized PNG', () => png(0, 0), 'image/png'],
    ['a truncated GIF', () => gif(10, 10).subarray(0, 8), 'image/gif'],
    ['a JPEG without a frame header', () => Buffer.from([0xff, 0xd8, 0xff, 0xd9]), 'image/jpeg'],
    [
      'a JPEG whose scan starts before any frame',
      () => Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 0, 0, 0, 0, 0, 0]),
      'image/jpeg',
    ],
    [
      'a JPEG with a segment length below 2',
      () => Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x00, 0, 0, 0, 0]),
      'image/jpeg',
    ],
    ['a JPEG cut inside its frame header', () => jpeg(100, 100).subarray(0, 24), 'image/jpeg'],
    [
      'a JPEG with garbage between segments',
      () => Buffer.from([0xff, 0xd8, 0x00, 0x00, 0xff, 0xc0, 0, 11, 8, 0, 1, 0, 1]),
      'image/jpeg',
    ],
    ['a WebP with an unknown first chunk', () => riff('WEBP', 'ALPH', Buffer.alloc(20)), 'image/webp'],
    ['a lossy WebP without its start code', () => riff('WEBP', 'VP8 ', Buffer.alloc(20)), 'image/webp'],
    ['a RIFF that is not WebP', () => riff('WAVE', 'fmt ', Buffer.alloc(20)), 'image/webp'],
    ['a truncated lossy WebP', () => webpLossy(800, 600).subarray(0, 29), 'image/webp'],
    ['a truncated lossless WebP', () => webpLossless(800, 600).subarray(0, 24), 'image/webp'],
    ['a truncated extended WebP', () => webpExtended(800, 600).subarray(0, 29), 'image/webp'],
  ])('gives undefined for %s', (_name, build, mime) => {
    expect(imageDimensions(build(), mime)).toBeUndefined();
  });

  it('agrees with detectMedia on the type it reads', async () => {
    const file = webpExtended(16, 9);
    const { mimeType } = await detectMedia(file, 'wide.webp', 'image/webp');
    expect(imageDimensions(file, mimeType)).toEqual({ width: 16, height: 9 });
  });
});
