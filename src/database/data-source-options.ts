import type { DataSourceOptions } from 'typeorm';
import { ApiKeyEntity } from '../access/api-keys/api-key.entity';
import { SetupTokenEntity } from '../console/setup/setup-token.entity';
import { IdempotencyKeyEntity } from '../common/idempotency/idempotency-key.entity';
import { CampaignEntity } from '../domain/campaigns/campaign.entity';
import { DraftEntity } from '../domain/drafts/draft.entity';
import { MediaAssetEntity } from '../domain/media/media-asset.entity';
import { PostTargetEntity } from '../domain/posts/post-target.entity';
import { PostEntity } from '../domain/posts/post.entity';
import { SocialAccountEntity } from '../domain/social-accounts/social-account.entity';
import { UserEntity } from '../domain/users/user.entity';
import { MembershipEntity } from '../domain/workspaces/membership.entity';
import { WorkspaceEntity } from '../domain/workspaces/workspace.entity';
import { InitialSchema1763750000000 } from './migrations/1763750000000-initial-schema';
import { AuditTrail1763760000000 } from './migrations/1763760000000-audit-trail';
import { OAuth1763770000000 } from './migrations/1763770000000-oauth';
import { Content1763780000000 } from './migrations/1763780000000-content';
import { Publishing1763790000000 } from './migrations/1763790000000-publishing';
import { AccessEpoch1763800000000 } from './migrations/1763800000000-access-epoch';
import { AuditAppend1763810000000 } from './migrations/1763810000000-audit-append';
import { AccessEpochOAuth1763820000000 } from './migrations/1763820000000-access-epoch-oauth';
import { AuditAppendLockOrder1763830000000 } from './migrations/1763830000000-audit-append-lock-order';
import { AuditRecordChecks1763840000000 } from './migrations/1763840000000-audit-record-checks';
import { ApiKeyAuditAccess1763850000000 } from './migrations/1763850000000-api-key-audit-access';
import { AuditRecordsWithoutWorkspaceKey1763860000000 } from './migrations/1763860000000-audit-records-without-workspace-key';
import { CredentialCreationClock1763870000000 } from './migrations/1763870000000-credential-creation-clock';
import { ApiKeysByWorkspace1763880000000 } from './migrations/1763880000000-api-keys-by-workspace';
import { ContentByCampaign1763890000000 } from './migrations/1763890000000-content-by-campaign';
import { AuditAppendLockWait1763900000000 } from './migrations/1763900000000-audit-append-lock-wait';
import { ConnectionRenews1763910000000 } from './migrations/1763910000000-connection-renews';
import { RefreshTokensByGrant1763920000000 } from './migrations/1763920000000-refresh-tokens-by-grant';
import { ApiKeyNameReleased1763930000000 } from './migrations/1763930000000-api-key-name-released';

export const ENTITIES = [
  UserEntity,
  WorkspaceEntity,
  MembershipEntity,
  ApiKeyEntity,
  SetupTokenEntity,
  SocialAccountEntity,
  CampaignEntity,
  MediaAssetEntity,
  DraftEntity,
  PostEntity,
  PostTargetEntity,
  IdempotencyKeyEntity,
];
export const MIGRATIONS = [
  InitialSchema1763750000000,
  AuditTrail1763760000000,
  OAuth1763770000000,
  Content1763780000000,
  Publishing1763790000000,
  AccessEpoch1763800000000,
  AuditAppend1763810000000,
  AccessEpochOAuth1763820000000,
  AuditAppendLockOrder1763830000000,
  AuditRecordChecks1763840000000,
  ApiKeyAuditAccess1763850000000,
  AuditRecordsWithoutWorkspaceKey1763860000000,
  CredentialCreationClock1763870000000,
  ApiKeysByWorkspace1763880000000,
  ContentByCampaign1763890000000,
  AuditAppendLockWait1763900000000,
  ConnectionRenews1763910000000,
  RefreshTokensByGrant1763920000000,
  ApiKeyNameReleased1763930000000,
];

/**
 * Bounds for a serving process: no call waits on the database for ever behind a stuck lock or a
 * slow statement, and no transaction left open holds its locks. Enforced by the server, lock waits
 * included; TCP keepalive finds a peer that is gone. No client-side timeout: pg's leaves the
 * statement running on a connection that goes back to the pool, where a ROLLBACK queued behind it
 * can be dropped, and the next caller's statements would then run in that open transaction.
 */
function servingBounds(statementMs: number) {
  return {
    statement_timeout: statementMs,
    idle_in_transaction_session_timeout: statementMs * 2,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

/**
 * The one description of our database, shared by the app, the CLI, tests and ormconfig.ts. With
 * `statementMs`, statements are bounded (the serving app and worker); without, they are not
 * (migrations, operator commands such as verifying a long audit trail).
 */
export function dataSourceOptions(url: string, poolSize = 8, statementMs?: number): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    extra: { max: poolSize, connectionTimeoutMillis: 10_000, ...(statementMs ? servingBounds(statementMs) : {}) },
  };
}
