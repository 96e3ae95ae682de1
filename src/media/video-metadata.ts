import { bufferReader, type ByteReader } from './byte-reader';

export interface VideoMetadata {
  width: number | null;
  height: number | null;
  durationMs: number | null;
}

/** Boxes read before giving up, at every level together: a file with more is not worth the time. */
const MAX_BOXES = 4096;
/** moov → trak → tkhd is as deep as the walk goes. */
const MAX_DEPTH = 3;

interface Box {
  type: string;
  /** Offset of the payload, after the header. */
  start: number;
  /** Offset just past the box. */
  end: number;
}

interface Budget {
  boxes: number;
}

/** Bytes of a box header: 32-bit size and type, then a 64-bit size when the first is 1. */
const MAX_HEADER_BYTES = 16;
/** Bytes of an mvhd or tkhd payload that are read: enough for the fields of either version. */
const MAX_PAYLOAD_BYTES = 96;

/**
 * Width, height and duration of an MP4 or QuickTime file, read from its `moov` box: the movie
 * header (`mvhd`: time scale and duration) and the first track header (`tkhd`) that has a picture
 * size. Only box headers and those two fixed layouts are read (at most 96 bytes at a time, from a
 * buffer or straight from a file); every step moves forward and stays inside its parent box, and
 * the walk stops after a fixed number of boxes, so a hostile file costs no more than a well-formed
 * one. Fields that cannot be read are null; nothing here throws. The size is the stored one: a
 * rotation in the track matrix is not applied.
 */
export async function isoVideoMetadata(source: Buffer | ByteReader): Promise<VideoMetadata> {
  const reader = Buffer.isBuffer(source) ? bufferReader(source) : source;
  const result: VideoMetadata = { width: null, height: null, durationMs: null };
  const budget: Budget = { boxes: 0 };
  const moov = await findBox(reader, 0, reader.size, 'moov', budget);
  if (moov === undefined) return result;
  for await (const box of children(reader, moov, budget, 1)) {
    if (box.type === 'mvhd' && result.durationMs === null) {
      result.durationMs = movieDuration(await payloadOf(reader, box));
    }
    if (box.type === 'trak' && result.width === null) {
      for await (const inner of children(reader, box, budget, 2)) {
        if (inner.type !== 'tkhd') continue;
        const size = trackSize(await payloadOf(reader, inner));
        if (size !== undefined) {
          result.width = size.width;
          result.height = size.height;
        }
        break;
      }
    }
  }
  return result;
}

/** The start of a box's payload, never past its end. */
function payloadOf(reader: ByteReader, box: Box): Promise<Buffer> {
  return reader.read(box.start, Math.min(MAX_PAYLOAD_BYTES, box.end - box.start));
}

async function findBox(
  reader: ByteReader,
  start: number,
  end: number,
  type: string,
  budget: Budget,
): Promise<Box | undefined> {
  for await (const box of boxes(reader, start, end, budget, 0)) if (box.type === type) return box;
  return undefined;
}

function children(reader: ByteReader, parent: Box, budget: Budget, depth: number): AsyncGenerator<Box> {
  return boxes(reader, parent.start, parent.end, budget, depth);
}

async function* boxes(
  reader: ByteReader,
  start: number,
  end: number,
  budget: Budget,
  depth: number,
): AsyncGenerator<Box> {
  if (depth > MAX_DEPTH) return;
  let offset = start;
  while (offset + 8 <= end) {
    if (++budget.boxes > MAX_BOXES) return;
    const header = await reader.read(offset, Math.min(MAX_HEADER_BYTES, end - offset));
    if (header.length < 8) return;
    let size = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    let headerSize = 8;
    if (size === 1) {
      if (offset + 16 > end || header.length < 16) return;
      const large = header.readBigUInt64BE(8);
      if (large > BigInt(end - offset)) return;
      size = Number(large);
      headerSize = 16;
    } else if (size === 0) {
      size = end - offset; // the box runs to the end of its parent
    }
    if (size < headerSize || offset + size > end) return;
    yield { type, start: offset + headerSize, end: offset + size };
    offset += size;
  }
}

/** mvhd: version (1), flags (3), then times, time scale and duration — 32-bit in version 0, 64-bit in 1. */
function movieDuration(payload: Buffer): number | null {
  const version = payload[0];
  const layout = version === 1 ? { scale: 20, duration: 24, length: 32 } : { scale: 12, duration: 16, length: 20 };
  if (layout.length > payload.length) return null;
  const scale = payload.readUInt32BE(layout.scale);
  const duration =
    version === 1 ? Number(payload.readBigUInt64BE(layout.duration)) : payload.readUInt32BE(layout.duration);
  // An all-ones duration means "unknown"; a zero time scale would divide by zero.
  if (scale === 0 || duration === 0xffffffff || !Number.isSafeInteger(duration)) return null;
  const ms = Math.round((duration * 1000) / scale);
  return ms > 0 && ms <= 0x7fffffff ? ms : null;
}

/** tkhd ends with the width and height as 16.16 fixed point; audio tracks give 0 × 0. */
function trackSize(payload: Buffer): { width: number; height: number } | undefined {
  const version = payload[0];
  const offset = version === 1 ? 88 : 76;
  if (offset + 8 > payload.length) return undefined;
  const width = payload.readUInt32BE(offset) >>> 16;
  const height = payload.readUInt32BE(offset + 4) >>> 16;
  return width > 0 && height > 0 ? { width, height } : undefined;
}
