import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { poolQuery } from '../../database/pool-query';
import { AccessEpoch } from '../access-epoch';
import { BINDING_SELECT, bindingJoins, type BindingColumns } from '../workspace-binding';

/** A key with its workspace and its creator's current role, as one statement reads them. */
export interface KeyRow extends BindingColumns {
  id: string;
  workspace_id: string;
  secret_hash: string;
  scopes: string[];
  tool_allowlist: string[] | null;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_by_user_id: string | null;
  /** The access epoch in the same snapshot as the rest of the row. */
  access_epoch: string | null;
}

/** Keys remembered at most; the oldest is forgotten first. About 1 KB each. */
const MAX_CACHED = 10_000;

/**
 * Finds API keys by their public prefix for every call. The row is remembered together with the
 * access epoch it was read at, and reused only while a fresh read of the epoch still matches (see
 * AccessEpoch): one small shared statement per group of calls instead of a four-table join per call,
 * with the same answer. Rows come back as stored; the caller still checks secret, expiry and revocation.
 */
@Injectable()
export class ApiKeyLookup {
  private readonly cache = new Map<string, KeyRow>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly epoch: AccessEpoch,
  ) {}

  async byPrefix(prefix: string): Promise<KeyRow | undefined> {
    const cached = this.cache.get(prefix);
    if (cached && cached.access_epoch !== null && cached.access_epoch === (await this.epoch.read())) return cached;
    const [row] = await poolQuery<KeyRow>(
      this.dataSource,
      `SELECT k.id, k.workspace_id, k.secret_hash, k.scopes, k.tool_allowlist, k.expires_at, k.last_used_at,
              k.revoked_at, k.created_by_user_id, ${BINDING_SELECT}, (SELECT epoch FROM access_epoch) AS access_epoch
         FROM api_keys k ${bindingJoins('k.workspace_id', 'k.created_by_user_id')}
        WHERE k.prefix = $1`,
      [prefix],
    );
    this.cache.delete(prefix);
    if (!row) return undefined;
    this.remember(prefix, row);
    return row;
  }

  /** Keeps the remembered row's "last used" in step with the write the caller just made. */
  noteUsed(prefix: string, at: Date): void {
    const row = this.cache.get(prefix);
    if (row) this.cache.set(prefix, deepFreeze({ ...row, last_used_at: at }));
  }

  private remember(prefix: string, row: KeyRow): void {
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    // Shared by every call with this key until the epoch moves: nobody may edit it in passing.
    this.cache.set(prefix, deepFreeze(row));
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Date) && !Object.isFrozen(value)) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
