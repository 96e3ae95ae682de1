import { MediaTypeError } from './media.errors';

export type MediaKind = 'image' | 'video';

export interface DetectedMedia {
  kind: MediaKind;
  mimeType: AllowedMimeType;
  /** The canonical extension for the type, without a dot: `jpg`, `png`, `mov`… */
  extension: string;
}

export interface ImageDimensions {
  width: number;
  height: number;
}

interface AllowedType {
  kind: MediaKind;
  extension: string;
  /** File-name extensions a client may declare for this type. */
  extensions: readonly string[];
  /** Other spellings of the MIME type that clients send. */
  aliases: readonly string[];
  label: string;
}

/** The media Postern accepts. Anything else — including every other type file-type knows — is refused. */
const ALLOWED_TYPES = {
  'image/jpeg': {
    kind: 'image',
    extension: 'jpg',
    extensions: ['jpg', 'jpeg', 'jpe', 'jfif'],
    aliases: ['image/jpg', 'image/pjpeg'],
    label: 'JPEG',
  },
  'image/png': { kind: 'image', extension: 'png', extensions: ['png'], aliases: ['image/x-png'], label: 'PNG' },
  'image/gif': { kind: 'image', extension: 'gif', extensions: ['gif'], aliases: [], label: 'GIF' },
  'image/webp': { kind: 'image', extension: 'webp', extensions: ['webp'], aliases: [], label: 'WebP' },
  'video/mp4': { kind: 'video', extension: 'mp4', extensions: ['mp4', 'm4v'], aliases: [], label: 'MP4' },
  'video/quicktime': { kind: 'video', extension: 'mov', extensions: ['mov', 'qt'], aliases: [], label: 'QuickTime' },
  'video/webm': { kind: 'video', extension: 'webm', extensions: ['webm'], aliases: [], label: 'WebM' },
} as const satisfies Record<string, AllowedType>;

export type AllowedMimeType = keyof typeof ALLOWED_TYPES;

const allowedEntries = Object.entries(ALLOWED_TYPES) as Array<[AllowedMimeType, AllowedType]>;
const MIME_BY_EXTENSION = new Map(allowedEntries.flatMap(([mime, type]) => type.extensions.map((ext) => [ext, mime])));
const MIME_BY_SPELLING = new Map(
  allowedEntries.flatMap(([mime, type]) => [mime, ...type.aliases].map((spelling) => [spelling, mime])),
);
/** Declared MIME types that say "unknown" rather than naming a type. */
const UNDECLARED_MIME_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

const ACCEPTED_DESCRIPTION = 'JPEG, PNG, GIF or WebP images and MP4, QuickTime or WebM videos';
/** How much of the file the text sniffers read. */
const SNIFF_BYTES = 1024;
/** How much of the file file-type may look at: every allowed format is recognised from its first bytes. */
const DETECTION_SAMPLE_BYTES = 64 * 1024;

const EXECUTABLE_MAGIC: ReadonlyArray<{ name: string; bytes: readonly number[] }> = [
  { name: 'ELF', bytes: [0x7f, 0x45, 0x4c, 0x46] },
  { name: 'PE/DOS', bytes: [0x4d, 0x5a] },
  { name: 'Mach-O', bytes: [0xfe, 0xed, 0xfa, 0xce] },
  { name: 'Mach-O', bytes: [0xfe, 0xed, 0xfa, 0xcf] },
  { name: 'Mach-O', bytes: [0xce, 0xfa, 0xed, 0xfe] },
  { name: 'Mach-O', bytes: [0xcf, 0xfa, 0xed, 0xfe] },
  { name: 'Mach-O universal', bytes: [0xca, 0xfe, 0xba, 0xbe] },
];

type Sniffed =
  | { verdict: 'allowed'; mimeType: AllowedMimeType }
  | { verdict: 'executable' | 'svg' | 'html' }
  | { verdict: 'unsupported'; mimeType?: string };

/**
 * Identifies media from its bytes, never from its name or declared type, and refuses anything not
 * on the allowlist. Executables (ELF, PE, Mach-O magic) and markup (SVG, HTML: sniffed as text in
 * the first KiB, also inside a file that starts like an image) are refused before file-type is
 * asked, whatever it would say. When the caller declared a file name or MIME type that disagrees
 * with the bytes — a PNG named `.jpg`, an SVG sent as `image/png` — the answer is `type_mismatch`.
 * `application/octet-stream` and a name without an extension declare nothing.
 */
export async function detectMedia(
  bytes: Buffer,
  declaredFileName?: string,
  declaredMime?: string,
): Promise<DetectedMedia> {
  if (bytes.length === 0) throw new MediaTypeError('empty', 'The file is empty');
  const sniffed = await sniff(bytes);
  const declaredExtension = extensionOf(declaredFileName);
  const declaredType = normaliseMime(declaredMime);

  if (sniffed.verdict === 'allowed') {
    const type: AllowedType = ALLOWED_TYPES[sniffed.mimeType];
    if (declaredExtension !== undefined && !type.extensions.includes(declaredExtension)) {
      throw mismatch(`.${declaredExtension}`, sniffed);
    }
    if (declaredType !== undefined && MIME_BY_SPELLING.get(declaredType) !== sniffed.mimeType) {
      throw mismatch(declaredType, sniffed);
    }
    return { kind: type.kind, mimeType: sniffed.mimeType, extension: type.extension };
  }

  // A refused file that claims to be accepted media is a spoofing attempt: name the disagreement.
  if (declaredExtension !== undefined && MIME_BY_EXTENSION.has(declaredExtension)) {
    throw mismatch(`.${declaredExtension}`, sniffed);
  }
  if (declaredType !== undefined && MIME_BY_SPELLING.has(declaredType)) throw mismatch(declaredType, sniffed);
  throw refusal(sniffed);
}

async function sniff(bytes: Buffer): Promise<Sniffed> {
  if (EXECUTABLE_MAGIC.some(({ bytes: magic }) => magic.every((byte, index) => bytes[index] === byte))) {
    return { verdict: 'executable' };
  }
  const markup = sniffMarkup(bytes);
  if (markup !== undefined) return { verdict: markup };
  const { fileTypeFromBuffer } = await import('file-type/core');
  const detected = await fileTypeFromBuffer(bytes.subarray(0, DETECTION_SAMPLE_BYTES));
  if (detected !== undefined && Object.hasOwn(ALLOWED_TYPES, detected.mime)) {
    return { verdict: 'allowed', mimeType: detected.mime as AllowedMimeType };
  }
  return { verdict: 'unsupported', mimeType: detected?.mime };
}

/**
 * SVG and HTML, read as text: ASCII case folded, NULs dropped (so UTF-16 markup is seen too) and
 * whitespace runs collapsed. Markers anywhere in the first KiB count, which also catches a polyglot
 * that starts with an image signature and carries a page behind it.
 */
function sniffMarkup(bytes: Buffer): 'svg' | 'html' | undefined {
  const text = bytes.subarray(0, SNIFF_BYTES).toString('latin1').replace(/\0/g, '').replace(/\s+/g, ' ').toLowerCase();
  if (text.includes('<!doctype html') || text.includes('<html')) return 'html';
  if (text.includes('<svg') || (text.includes('<?xml') && text.includes('svg'))) return 'svg';
  if (text.includes('<script')) return 'html';
  return undefined;
}

function extensionOf(fileName: string | undefined): string | undefined {
  if (fileName === undefined) return undefined;
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || dot === base.length - 1) return undefined;
  return base.slice(dot + 1).toLowerCase();
}

function normaliseMime(mime: string | undefined): string | undefined {
  if (mime === undefined) return undefined;
  const essence = mime.split(';')[0].trim().toLowerCase();
  return UNDECLARED_MIME_TYPES.has(essence) ? undefined : essence;
}

function describeSniffed(sniffed: Sniffed): string {
  switch (sniffed.verdict) {
    case 'allowed':
      return `${ALLOWED_TYPES[sniffed.mimeType].label} (${sniffed.mimeType})`;
    case 'executable':
      return 'an executable program';
    case 'svg':
      return 'an SVG image';
    case 'html':
      return 'an HTML document';
    case 'unsupported':
      return sniffed.mimeType === undefined ? 'of an unrecognised type' : sniffed.mimeType;
  }
}

function detectedName(sniffed: Sniffed): string | undefined {
  return sniffed.verdict === 'allowed' || sniffed.verdict === 'unsupported' ? sniffed.mimeType : sniffed.verdict;
}

function mismatch(declared: string, sniffed: Sniffed): MediaTypeError {
  return new MediaTypeError(
    'type_mismatch',
    `The file is declared as ${declared} but its content is ${describeSniffed(sniffed)}`,
    detectedName(sniffed),
  );
}

function refusal(sniffed: Exclude<Sniffed, { verdict: 'allowed' }>): MediaTypeError {
  switch (sniffed.verdict) {
    case 'executable':
      return new MediaTypeError('executable_refused', 'Executable files are not accepted', 'executable');
    case 'svg':
      return new MediaTypeError(
        'svg_refused',
        `SVG images are not accepted, as they can carry scripts; send ${ACCEPTED_DESCRIPTION}`,
        'svg',
      );
    case 'html':
      return new MediaTypeError('html_refused', `HTML is not accepted; send ${ACCEPTED_DESCRIPTION}`, 'html');
    case 'unsupported':
      return new MediaTypeError(
        'unsupported_type',
        `The file is ${describeSniffed(sniffed)}; only ${ACCEPTED_DESCRIPTION} are accepted`,
        sniffed.mimeType,
      );
  }
}

/**
 * Pixel width and height read from the header of a PNG, JPEG, GIF or WebP image; `undefined` for
 * other types or a header too short or malformed to read. JPEG EXIF orientation is not applied:
 * these are the stored dimensions.
 */
export function imageDimensions(bytes: Buffer, mime: string): ImageDimensions | undefined {
  const dimensions = readDimensions(bytes, mime);
  if (dimensions === undefined || dimensions.width <= 0 || dimensions.height <= 0) return undefined;
  return dimensions;
}

function readDimensions(bytes: Buffer, mime: string): ImageDimensions | undefined {
  switch (mime) {
    case 'image/png':
      return pngDimensions(bytes);
    case 'image/gif':
      return gifDimensions(bytes);
    case 'image/jpeg':
      return jpegDimensions(bytes);
    case 'image/webp':
      return webpDimensions(bytes);
    default:
      return undefined;
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The IHDR chunk must come first: signature (8), length (4), "IHDR" (4), width (4), height (4). */
function pngDimensions(bytes: Buffer): ImageDimensions | undefined {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** The logical screen size, little-endian, right after "GIF87a" or "GIF89a". */
function gifDimensions(bytes: Buffer): ImageDimensions | undefined {
  if (bytes.length < 10) return undefined;
  const signature = bytes.toString('latin1', 0, 6);
  if (signature !== 'GIF87a' && signature !== 'GIF89a') return undefined;
  return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
}

/** Start-of-frame markers that carry the frame size: SOF0–SOF15 except DHT (C4), JPG (C8), DAC (CC). */
const JPEG_SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** Walks the marker segments after SOI to the first SOF; every step moves forward, so it ends. */
function jpegDimensions(bytes: Buffer): ImageDimensions | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image, or scan data before any frame
    const length = bytes.readUInt16BE(offset + 2);
    if (length < 2) return undefined;
    if (JPEG_SOF_MARKERS.has(marker)) {
      if (offset + 9 > bytes.length) return undefined;
      return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    }
    offset += 2 + length;
  }
  return undefined;
}

/** RIFF container, then the first chunk: lossy "VP8 ", lossless "VP8L" or extended "VP8X". */
function webpDimensions(bytes: Buffer): ImageDimensions | undefined {
  if (bytes.length < 20) return undefined;
  if (bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WEBP') return undefined;
  switch (bytes.toString('latin1', 12, 16)) {
    case 'VP8 ':
      // Frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height.
      if (bytes.length < 30 || bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) return undefined;
      return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
    case 'VP8L': {
      // Signature 0x2f, then width - 1 and height - 1 as 14-bit fields.
      if (bytes.length < 25 || bytes[20] !== 0x2f) return undefined;
      const bits = bytes.readUInt32LE(21);
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    case 'VP8X':
      // Flags (4 bytes), then canvas width - 1 and height - 1 as 24-bit fields.
      if (bytes.length < 30) return undefined;
      return { width: bytes.readUIntLE(24, 3) + 1, height: bytes.readUIntLE(27, 3) + 1 };
    default:
      return undefined;
  }
}
