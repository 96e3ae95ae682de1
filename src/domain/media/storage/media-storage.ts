import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

/** Where media bytes live. The database row holds the key; the key never comes from a caller. */
export interface MediaStorage {
  /** Stores the bytes under a new key in the workspace's space and returns that key. */
  put(workspaceId: string, bytes: Buffer, mimeType: string): Promise<string>;
  /**
   * Stores a complete local file (a request's temporary file of `size` bytes) under a new key and
   * returns that key, without reading the file into memory. The file may be moved away by this; the
   * caller removes whatever is left at `path`.
   */
  putFile(workspaceId: string, file: { path: string; size: number }, mimeType: string): Promise<string>;
  /** The stored bytes; throws `MediaObjectMissingError` when nothing is stored under the key. */
  open(key: string): Promise<Readable>;
  /** Removes the object; removing one that is not there is not an error. */
  delete(key: string): Promise<void>;
  /** Where the bytes go, for the operator's log: a folder, or a bucket and its endpoint. */
  readonly location: string;
  /** Resolves if the store can be used now; otherwise rejects with why (unreachable, no bucket, denied). */
  check(): Promise<void>;
}

export const MEDIA_STORAGE = Symbol('MEDIA_STORAGE');

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** `<workspace id>/<32 random hex digits>`: the only shape a key has, so no key can climb out of its folder. */
const KEY_PATTERN = new RegExp(`^${UUID}/[0-9a-f]{32}$`);

export function newStorageKey(workspaceId: string): string {
  const key = `${workspaceId.toLowerCase()}/${randomBytes(16).toString('hex')}`;
  return checkedStorageKey(key);
}

/** The key, if it has the generated shape; anything else is a programming error, refused before any I/O. */
export function checkedStorageKey(key: string): string {
  if (!KEY_PATTERN.test(key)) throw new Error('not a media storage key');
  return key;
}

export class MediaObjectMissingError extends Error {
  constructor() {
    super('no stored media object under this key');
    this.name = 'MediaObjectMissingError';
  }
}

/** The store could not be reached or answered that it is busy or failing: the caller may retry. */
export class MediaStoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the media store is unavailable: ${(cause as Error | undefined)?.message ?? String(cause)}`, { cause });
    this.name = 'MediaStoreUnavailableError';
  }
}
