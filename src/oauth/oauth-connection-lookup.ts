import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AccessEpoch } from '../access/access-epoch';
import { EpochCache, type EpochRow } from '../access/epoch-cache';
import { BINDING_SELECT, bindingJoins, type BindingColumns } from '../access/workspace-binding';
import { poolQuery } from '../database/pool-query';

/** A live connection's grant expiry and workspace binding, as one statement reads them. */
export interface ConnectionRow extends BindingColumns, EpochRow {
  grant_expires_at: Date | null;
  last_used_at: Date | null;
}

export interface ConnectionKey {
  grantId: string;
  userId: string;
  workspaceId: string;
  /** Where the authorization server keeps the grant (oauth_artifacts.key). */
  grantKey: string;
}

/**
 * The connection behind an access token, for every call: unrevoked, for this user and workspace,
 * and its grant still held by the authorization server. Served from an EpochCache, so a revocation
 * anywhere bites on the next call; the caller checks the grant's expiry against the clock.
 */
@Injectable()
export class OAuthConnectionLookup {
  private readonly cache: EpochCache<ConnectionRow>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    epoch: AccessEpoch,
  ) {
    this.cache = new EpochCache(epoch);
  }

  find(key: ConnectionKey): Promise<ConnectionRow | undefined> {
    return this.cache.get(cacheKey(key), async () => {
      const [row] = await poolQuery<ConnectionRow>(
        this.dataSource,
        `SELECT g.expires_at AS grant_expires_at, c.last_used_at, ${BINDING_SELECT},
                (SELECT epoch FROM access_epoch) AS access_epoch
           FROM oauth_connections c
           JOIN oauth_artifacts g ON g.key = $4 AND g.model = 'Grant'
           ${bindingJoins('c.workspace_id', 'c.user_id', 'c.created_at')}
          WHERE c.grant_id = $1 AND c.revoked_at IS NULL AND c.user_id = $2 AND c.workspace_id = $3`,
        [key.grantId, key.userId, key.workspaceId, key.grantKey],
      );
      return row;
    });
  }

  /** Keeps the remembered row's "last used" in step with the write the caller just made. */
  noteUsed(key: ConnectionKey, at: Date): void {
    this.cache.patch(cacheKey(key), { last_used_at: at });
  }
}

function cacheKey(key: ConnectionKey): string {
  return `${key.grantId}\n${key.userId}\n${key.workspaceId}\n${key.grantKey}`;
}
