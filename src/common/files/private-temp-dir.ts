import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, rm, stat } from 'node:fs/promises';
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

  /**
   * Removes files older than `maxAgeMs`: what a crash left between receiving an upload and
   * removing it. Younger files may belong to an upload in progress (here or in another process
   * sharing the folder) and are left alone. Returns how many were removed.
   */
  async sweep(maxAgeMs: number, now = Date.now()): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      const file = path.join(this.root, name);
      const info = await stat(file).catch(() => undefined);
      if (info?.isFile() && now - info.mtimeMs > maxAgeMs) {
        await rm(file, { force: true });
        removed += 1;
      }
    }
    return removed;
  }
}

/** Removes a temporary file; one that is already gone (moved into storage, or never written) is fine. */
export async function removeTempFile(file: string | undefined): Promise<void> {
  if (file !== undefined) await rm(file, { force: true });
}
