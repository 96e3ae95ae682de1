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

/**
 * Width, height and duration of an MP4 or QuickTime file, read from its `moov` box: the movie
 * header (`mvhd`: time scale and duration) and the first track header (`tkhd`) that has a picture
 * size. Only box headers and those two fixed layouts are read; every step moves forward and stays
 * inside its parent box, and the walk stops after a fixed number of boxes, so a hostile file costs
 * no more than a well-formed one. Fields that cannot be read are null; nothing here throws.
 * The size is the stored one: a rotation in the track matrix is not applied.
 */
export function isoVideoMetadata(bytes: Buffer): VideoMetadata {
  const result: VideoMetadata = { width: null, height: null, durationMs: null };
  const budget: Budget = { boxes: 0 };
  const moov = findBox(bytes, 0, bytes.length, 'moov', budget);
  if (moov === undefined) return result;
  for (const box of children(bytes, moov, budget, 1)) {
    if (box.type === 'mvhd' && result.durationMs === null) result.durationMs = movieDuration(bytes, box);
    if (box.type === 'trak' && result.width === null) {
      for (const inner of children(bytes, box, budget, 2)) {
        if (inner.type !== 'tkhd') continue;
        const size = trackSize(bytes, inner);
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

function findBox(bytes: Buffer, start: number, end: number, type: string, budget: Budget): Box | undefined {
  for (const box of boxes(bytes, start, end, budget, 0)) if (box.type === type) return box;
  return undefined;
}

function children(bytes: Buffer, parent: Box, budget: Budget, depth: number): Generator<Box> {
  return boxes(bytes, parent.start, parent.end, budget, depth);
}

function* boxes(bytes: Buffer, start: number, end: number, budget: Budget, depth: number): Generator<Box> {
  if (depth > MAX_DEPTH) return;
  let offset = start;
  while (offset + 8 <= end) {
    if (++budget.boxes > MAX_BOXES) return;
    let size = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    let header = 8;
    if (size === 1) {
      if (offset + 16 > end) return;
      const large = bytes.readBigUInt64BE(offset + 8);
      if (large > BigInt(end - offset)) return;
      size = Number(large);
      header = 16;
    } else if (size === 0) {
      size = end - offset; // the box runs to the end of its parent
    }
    if (size < header || offset + size > end) return;
    yield { type, start: offset + header, end: offset + size };
    offset += size;
  }
}

/** mvhd: version (1), flags (3), then times, time scale and duration — 32-bit in version 0, 64-bit in 1. */
function movieDuration(bytes: Buffer, box: Box): number | null {
  const version = bytes[box.start];
  const layout = version === 1 ? { scale: 20, duration: 24, length: 32 } : { scale: 12, duration: 16, length: 20 };
  if (box.start + layout.length > box.end) return null;
  const scale = bytes.readUInt32BE(box.start + layout.scale);
  const duration =
    version === 1
      ? Number(bytes.readBigUInt64BE(box.start + layout.duration))
      : bytes.readUInt32BE(box.start + layout.duration);
  // An all-ones duration means "unknown"; a zero time scale would divide by zero.
  if (scale === 0 || duration === 0xffffffff || !Number.isSafeInteger(duration)) return null;
  const ms = Math.round((duration * 1000) / scale);
  return ms > 0 && ms <= 0x7fffffff ? ms : null;
}

/** tkhd ends with the width and height as 16.16 fixed point; audio tracks give 0 × 0. */
function trackSize(bytes: Buffer, box: Box): { width: number; height: number } | undefined {
  const version = bytes[box.start];
  const offset = box.start + (version === 1 ? 88 : 76);
  if (offset + 8 > box.end) return undefined;
  const width = bytes.readUInt32BE(offset) >>> 16;
  const height = bytes.readUInt32BE(offset + 4) >>> 16;
  return width > 0 && height > 0 ? { width, height } : undefined;
}
