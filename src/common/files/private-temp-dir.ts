import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rm } from 'node:fs/promises';
import * as path from 'node:path';

const DIRECTORY_MODE = 0o700;

/**
 * A folder for files that exist only while one request is handled (`DATA_DIR/tmp`): readable by
 * the server's user only, each file under a fresh random name. Callers remove their file in a
 * `finally`; nothing here keeps track of them.
 */
export class PrivateTempDir {
  constructor(readonly root: string) {}

  /** A new path in the folder, which is created (or brought back to 0700) first; no file is made. */
  async newPath(): Promise<string> {
    await mkdir(this.root, { recursive: true, mode: DIRECTORY_MODE });
    // mkdir leaves a folder that already existed as it was.
    await chmod(this.root, DIRECTORY_MODE);
    return path.join(this.root, randomBytes(16).toString('hex'));
  }
}

/** Removes a temporary file; one that is already gone (moved into storage, or never written) is fine. */
export async function removeTempFile(file: string | undefined): Promise<void> {
  if (file !== undefined) await rm(file, { force: true });
}
