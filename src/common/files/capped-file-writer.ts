import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';

const FILE_MODE = 0o600;

/** A file written from a stream, with what was learned on the way. */
export interface WrittenFile {
  path: string;
  size: number;
  /** SHA-256 of the content, lowercase hex. */
  sha256: string;
}

/** The stream carried more than the limit; the partial file has been removed. */
export class FileTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`the content is larger than the limit of ${limitBytes} bytes`);
    this.name = 'FileTooLargeError';
  }
}

/**
 * Writes a stream to a new file (created exclusively, 0600) while hashing and counting it, and stops
 * at the first chunk that would take it past `maxBytes`: that chunk is never written and no further
 * chunk is read, so the file never holds more than the limit. The content is flushed to disk before
 * this returns. On any failure the partial file is removed and the error is thrown.
 */
export async function writeCappedFile(
  source: AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer | Uint8Array>,
  path: string,
  maxBytes: number,
): Promise<WrittenFile> {
  const hash = createHash('sha256');
  let size = 0;
  const file = await open(path, 'wx', FILE_MODE);
  try {
    try {
      for await (const chunk of source) {
        size += chunk.length;
        if (size > maxBytes) throw new FileTooLargeError(maxBytes);
        hash.update(chunk);
        for (let written = 0; written < chunk.length;) {
          written += (await file.write(chunk, written, chunk.length - written)).bytesWritten;
        }
      }
      await file.sync();
    } finally {
      await file.close();
    }
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return { path, size, sha256: hash.digest('hex') };
}
