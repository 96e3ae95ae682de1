import { randomBytes } from 'node:crypto';
import { access, chmod, copyFile, constants, mkdir, open, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { checkedStorageKey, type MediaStorage, MediaObjectMissingError, newStorageKey } from './media-storage';

const DIRECTORY_MODE = 0o700;
const FILE_MODE = 0o600;

/**
 * Media files under `<root>/<workspace id>/<random key>` (the root is `DATA_DIR/media`), readable
 * by the server's user only. A file appears under its final name complete or not at all: it is
 * written to a temporary name in the same folder, flushed, then renamed.
 */
export class LocalMediaStorage implements MediaStorage {
  constructor(private readonly root: string) {}

  get location(): string {
    return `folder ${this.root}`;
  }

  /** The folder exists (it is made, 0700, if not) and this process may write in it. */
  async check(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: DIRECTORY_MODE });
    await access(this.root, constants.W_OK | constants.X_OK);
  }

  async put(workspaceId: string, bytes: Buffer): Promise<string> {
    const key = newStorageKey(workspaceId);
    const target = this.pathOf(key);
    const temporary = await this.temporaryBeside(target);
    try {
      const file = await open(temporary, 'wx', FILE_MODE);
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return key;
  }

  /**
   * Moves the file into place with a rename when it is on the same filesystem (the temporary folder
   * is `DATA_DIR/tmp`, beside `DATA_DIR/media`), so nothing is copied; otherwise copies it to a
   * temporary name beside the target, flushes it and renames that. Either way the target appears
   * complete or not at all, 0600 in a 0700 folder.
   */
  async putFile(workspaceId: string, file: { path: string; size: number }): Promise<string> {
    const key = newStorageKey(workspaceId);
    const target = this.pathOf(key);
    const temporary = await this.temporaryBeside(target);
    try {
      await chmod(file.path, FILE_MODE);
      try {
        await rename(file.path, target);
        return key;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      }
      await copyFile(file.path, temporary, constants.COPYFILE_EXCL);
      await chmod(temporary, FILE_MODE);
      const copy = await open(temporary, 'r+');
      try {
        await copy.sync();
      } finally {
        await copy.close();
      }
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return key;
  }

  async open(key: string): Promise<Readable> {
    try {
      const file = await open(this.pathOf(key), 'r');
      return file.createReadStream();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new MediaObjectMissingError();
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  /** A fresh temporary name in the target's folder, which is created (0700) first. */
  private async temporaryBeside(target: string): Promise<string> {
    const folder = path.dirname(target);
    await mkdir(folder, { recursive: true, mode: DIRECTORY_MODE });
    // mkdir leaves folders that already existed as they were; make sure of the modes every time.
    await chmod(this.root, DIRECTORY_MODE);
    await chmod(folder, DIRECTORY_MODE);
    return path.join(folder, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  }

  /** Where a key's file is; the key's checked shape keeps it inside the root. */
  pathOf(key: string): string {
    return path.join(this.root, ...checkedStorageKey(key).split('/'));
  }
}
