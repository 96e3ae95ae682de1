import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CampaignsService } from '../campaigns/campaigns.service';
import type { MediaAssetEntity } from '../media/media-asset.entity';
import { MediaService } from '../media/media.service';
import type { SocialAccountEntity } from '../social-accounts/social-account.entity';
import { SocialAccountsService } from '../social-accounts/social-accounts.service';

export interface ContentRefs {
  campaignId?: string | null;
  mediaIds?: readonly string[];
  accountIds?: readonly string[];
}

/**
 * What drafts and posts refer to, checked by the services that own it; each answers a foreign id
 * exactly like a missing one.
 */
@Injectable()
export class ContentReferences {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly media: MediaService,
    private readonly accounts: SocialAccountsService,
  ) {}

  /** Confirms, inside the caller's transaction, that every referenced object is usable in the workspace. */
  async require(
    m: EntityManager,
    workspaceId: string,
    refs: ContentRefs,
  ): Promise<{ media: MediaAssetEntity[]; accounts: SocialAccountEntity[] }> {
    if (refs.campaignId) await this.campaigns.requireAssignable(m, workspaceId, refs.campaignId);
    const media = await this.media.requireUsable(m, workspaceId, refs.mediaIds ?? []);
    const accounts = await this.accounts.requireUsable(m, workspaceId, refs.accountIds ?? []);
    return { media, accounts };
  }
}
