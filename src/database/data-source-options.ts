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
];

/** The one description of our database, shared by the app, the CLI, tests and ormconfig.ts. */
export function dataSourceOptions(url: string, poolSize = 8): DataSourceOptions {
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
    extra: { max: poolSize, connectionTimeoutMillis: 10_000 },
  };
}
