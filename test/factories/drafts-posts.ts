import type { INestApplicationContext } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Actor } from '../../src/access/actor';
import { ALL_SCOPES } from '../../src/access/scopes';
import { AuditContext } from '../../src/audit/audit-context';
import { AuditedTransactions } from '../../src/audit/audited-transactions.service';
import { CampaignEntity } from '../../src/domain/campaigns/campaign.entity';
import { DraftsService, type CreateDraftInput } from '../../src/domain/drafts/drafts.service';
import { MediaAssetEntity } from '../../src/domain/media/media-asset.entity';
import { PostCreationService, type CreatePostInput } from '../../src/domain/posts/post-creation.service';
import { PostTrashService } from '../../src/domain/posts/post-trash.service';
import { SocialAccountEntity } from '../../src/domain/social-accounts/social-account.entity';
import type { Platform } from '../../src/publishing/rules/platforms';
import type { AccountCapability } from '../../src/publishing/rules/rule-types';
import { asOperator } from './index';

/**
 * Content fixtures for the drafts and posts tests. Social accounts, campaigns and media are
 * inserted as rows here because their own tools are built in parallel; drafts and posts go
 * through their services. Every change is audited as the operator, filed under the workspace.
 */

/** Someone acting in one workspace with every scope, as the services expect a caller. */
export function workspaceActor(workspaceId: string): Actor {
  return {
    kind: 'operator',
    surface: 'cli',
    workspaceId,
    grantedScopes: new Set(ALL_SCOPES),
    scopes: new Set(ALL_SCOPES),
  };
}

/** Runs one audited change as the operator, filed under the workspace's audit chain. */
export function inWorkspace<T>(workspaceId: string, what: string, work: () => Promise<T>): Promise<T> {
  return asOperator(what, () => {
    AuditContext.concerns(workspaceId);
    return work();
  });
}

export function buildSocialAccount(
  app: INestApplicationContext,
  workspaceId: string,
  platform: Platform,
  capabilities: AccountCapability[] = [],
): Promise<SocialAccountEntity> {
  return inWorkspace(workspaceId, 'social account insert', () =>
    app.get(AuditedTransactions).run((m) =>
      m.save(
        m.create(SocialAccountEntity, {
          workspaceId,
          platform,
          displayName: `${platform} account`,
          handle: `@${platform}-${randomUUID().slice(0, 6)}`,
          externalId: randomUUID(),
          status: 'active',
          capabilities,
        }),
      ),
    ),
  );
}

export function buildCampaign(app: INestApplicationContext, workspaceId: string): Promise<CampaignEntity> {
  return inWorkspace(workspaceId, 'campaign insert', () =>
    app.get(AuditedTransactions).run((m) =>
      m.save(
        m.create(CampaignEntity, {
          workspaceId,
          name: `Campaign ${randomUUID().slice(0, 6)}`,
          status: 'active',
          tags: [],
        }),
      ),
    ),
  );
}

export function buildImage(app: INestApplicationContext, workspaceId: string): Promise<MediaAssetEntity> {
  return inWorkspace(workspaceId, 'media insert', () =>
    app.get(AuditedTransactions).run((m) =>
      m.save(
        m.create(MediaAssetEntity, {
          workspaceId,
          fileName: 'sale.jpg',
          mimeType: 'image/jpeg',
          kind: 'image',
          sizeBytes: 120_000,
          sha256: randomBytes(32).toString('hex'),
          width: 1080,
          height: 1080,
          durationMs: null,
          tags: [],
          storageKey: `test/${randomUUID()}`,
        }),
      ),
    ),
  );
}

export function buildDraft(app: INestApplicationContext, workspaceId: string, input: CreateDraftInput = {}) {
  return inWorkspace(workspaceId, 'draft create', () =>
    app.get(DraftsService).create(workspaceActor(workspaceId), { text: 'A draft', ...input }),
  );
}

export function buildPost(app: INestApplicationContext, workspaceId: string, input: CreatePostInput) {
  return inWorkspace(workspaceId, 'post create', () =>
    app.get(PostCreationService).create(workspaceActor(workspaceId), { text: 'A post', ...input }),
  );
}

export function trashPost(app: INestApplicationContext, workspaceId: string, postId: string) {
  return inWorkspace(workspaceId, 'post delete', () =>
    app.get(PostTrashService).delete(workspaceActor(workspaceId), postId),
  );
}
