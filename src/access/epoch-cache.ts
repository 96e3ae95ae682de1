import type { AccessEpoch } from './access-epoch';

/** A row read together with the access epoch of its snapshot. */
export interface EpochRow {
  access_epoch: string | null;
}

/** Rows remembered at most; the oldest is forgotten first. About 1 KB each. */
const MAX_ROWS = 10_000;

/**
 * Credential rows remembered with the access epoch they were read at, and served again only while
 * an epoch read that started after the call still matches (see AccessEpoch): then nothing the row
 * depends on has changed since it was read. Rows are frozen: every call with the credential shares one.
 */
export class EpochCache<T extends EpochRow> {
  private readonly rows = new Map<string, T>();

  constructor(private readonly epoch: AccessEpoch) {}

  async get(key: string, read: () => Promise<T | undefined>): Promise<T | undefined> {
    const cached = this.rows.get(key);
    if (cached && cached.access_epoch !== null && cached.access_epoch === (await this.epoch.read())) return cached;
    const row = await read();
    this.rows.delete(key);
    if (row) this.remember(key, row);
    return row;
  }

  /** Replaces columns the row's epoch does not cover (a "last used" time the caller just wrote). */
  patch(key: string, changes: Partial<T>): void {
    const row = this.rows.get(key);
    if (row) this.rows.set(key, deepFreeze({ ...row, ...changes }));
  }

  private remember(key: string, row: T): void {
    if (this.rows.size >= MAX_ROWS) this.rows.delete(this.rows.keys().next().value!);
    this.rows.set(key, deepFreeze(row));
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Date) && !Object.isFrozen(value)) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
