import type { Readable } from 'node:stream';
import { PayloadTooLargeException } from '@nestjs/common';
import { FileTooLargeError, writeCappedFile, type WrittenFile } from '../../common/files/capped-file-writer';
import { type PrivateTempDir, removeTempFile } from '../../common/files/private-temp-dir';

/** Multer's description of a file part while it is received. */
interface IncomingPart {
  fieldname: string;
  originalname: string;
  mimetype: string;
  stream: Readable;
}

/** A form's file as the route gets it: multer's description and what this engine wrote. */
export type TempUploadedFile = Omit<IncomingPart, 'stream'> & WrittenFile;

/**
 * Multer storage for uploads: the file part is streamed to a fresh 0600 file in the private
 * temporary folder while its SHA-256 and size are counted, and cut as soon as it passes
 * `maxBytes` (multer then answers LIMIT_FILE_SIZE, i.e. 413). Nothing of the file is kept in
 * memory beyond the stream's own buffers. The file is removed by multer when the request fails
 * while parsing, and by the upload (and its cleanup interceptor) otherwise.
 */
export class TempFileStorageEngine {
  constructor(
    private readonly temp: PrivateTempDir,
    private readonly maxBytes: number,
  ) {}

  _handleFile(_req: unknown, file: IncomingPart, callback: (error: Error | null, info?: WrittenFile) => void): void {
    this.write(file.stream).then(
      (written) => callback(null, written),
      (error: unknown) => {
        // The part must still be read to its end, or the parser would wait on it for ever.
        file.stream.resume();
        callback(
          // What multer's own size limit becomes, so the answer is the same 413 either way.
          error instanceof FileTooLargeError ? new PayloadTooLargeException('File too large') : (error as Error),
        );
      },
    );
  }

  _removeFile(_req: unknown, file: { path?: string }, callback: (error: Error | null) => void): void {
    removeTempFile(file.path).then(
      () => callback(null),
      (error: Error) => callback(error),
    );
  }

  private async write(stream: Readable): Promise<WrittenFile> {
    // A part cut short by the writer is drained above instead of destroyed: busboy waits for it.
    return writeCappedFile(stream.iterator({ destroyOnReturn: false }), await this.temp.newPath(), this.maxBytes);
  }
}
