import { open } from 'node:fs/promises';

/**
 * Random access to a file's bytes, one bounded read at a time, so a parser that only needs a few
 * headers of a large file never holds the file.
 */
export interface ByteReader {
  readonly size: number;
  /** Up to `length` bytes from `offset`; fewer at the end of the file, none past it. */
  read(offset: number, length: number): Promise<Buffer>;
}

export function bufferReader(bytes: Buffer): ByteReader {
  return { size: bytes.length, read: (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length)) };
}

/** Opens the file for bounded reads for the duration of `use`. */
export async function withFileReader<T>(path: string, use: (reader: ByteReader) => Promise<T>): Promise<T> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    return await use({
      size,
      read: async (offset, length) => {
        const wanted = Math.max(0, Math.min(length, size - offset));
        const buffer = Buffer.alloc(wanted);
        let filled = 0;
        while (filled < wanted) {
          const { bytesRead } = await file.read(buffer, filled, wanted - filled, offset + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return buffer.subarray(0, filled);
      },
    });
  } finally {
    await file.close();
  }
}

/** The first `maxBytes` of a file (all of it when shorter). */
export function readHead(path: string, maxBytes: number): Promise<Buffer> {
  return withFileReader(path, (reader) => reader.read(0, maxBytes));
}
