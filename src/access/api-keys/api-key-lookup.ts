import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { poolQuery } from '../../database/pool-query';
import { AccessEpoch } from '../access-epoch';
import { EpochCache, type EpochRow } from '../epoch-cache';
import { BINDING_SELECT, bindingJoins, type BindingColumns } from '../workspace-binding';

/** A key with its workspace and its creator's current role, as one statement reads them. */
export interface KeyRow extends BindingColumns, EpochRow {
  id: string;
  workspace_id: string;
  secret_hash: string;
  scopes: string[];
  tool_allowlist: string[] | null;
  audit_access: boolean;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_by_user_id: string | null;
}

/**
 * Finds API keys by their public prefix for every call: one small shared statement per group of
 * calls while nothing the key depends on changes (EpochCache), a four-table join when it does.
 * Rows come back as stored; the caller still checks secret, expiry and revocation.
 */
@Injectable()
export class ApiKeyLookup {
  private readonly cache: EpochCache<KeyRow>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    epoch: AccessEpoch,
  ) {
    this.cache = new EpochCache(epoch);
  }

  byPrefix(prefix: string): Promise<KeyRow | undefined> {
    return this.cache.get(prefix, async () => {
      const [row] = await poolQuery<KeyRow>(
        this.dataSource,
        `SELECT k.id, k.workspace_id, k.secret_hash, k.scopes, k.tool_allowlist, k.audit_access, k.expires_at,
                k.last_used_at, k.revoked_at, k.created_by_user_id, ${BINDING_SELECT}, (SELECT epoch FROM access_epoch) AS access_epoch
           FROM api_keys k ${bindingJoins('k.workspace_id', 'k.created_by_user_id', 'k.created_at')}
          WHERE k.prefix = $1`,
        [prefix],
      );
      return row;
    });
  }

  /** Keeps the remembered row's "last used" in step with the write the caller just made. */
  noteUsed(prefix: string, at: Date): void {
    this.cache.patch(prefix, { last_used_at: at });
  }
}
