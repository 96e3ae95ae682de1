import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { paginate, type Page } from '../../common/pagination';
import type { Platform } from '../../publishing/rules/platforms';
import { isUuid } from '../../common/validation/uuid';
import { DraftEntity } from './draft.entity';

export interface DraftListQuery {
  campaignId?: string;
  platform?: Platform;
  after?: Date;
  before?: Date;
  cursor?: string;
  limit?: number;
}

/** Reads of drafts. Every method takes the workspace: there is no way to read a draft without naming it. */
@Injectable()
export class DraftsRepository {
  constructor(@InjectRepository(DraftEntity) private readonly drafts: Repository<DraftEntity>) {}

  /** A live (not deleted) draft of the workspace, or null. */
  async findById(workspaceId: string, id: string): Promise<DraftEntity | null> {
    if (!isUuid(id)) return null;
    return this.drafts.findOne({ where: { workspaceId, id } });
  }

  /** Newest first. `platform` matches drafts with a target account on that platform. */
  list(workspaceId: string, query: DraftListQuery): Promise<Page<DraftEntity>> {
    const q = this.drafts.createQueryBuilder('d').where('d.workspace_id = :workspaceId', { workspaceId });
    if (query.campaignId) q.andWhere('d.campaign_id = :campaignId', { campaignId: query.campaignId });
    if (query.platform) {
      q.andWhere(
        `EXISTS (SELECT 1 FROM social_accounts a
                  WHERE a.workspace_id = d.workspace_id AND a.id = ANY(d.social_account_ids) AND a.platform = :platform)`,
        { platform: query.platform },
      );
    }
    if (query.after) q.andWhere('d.created_at >= :after', { after: query.after });
    if (query.before) q.andWhere('d.created_at < :before', { before: query.before });
    return paginate(q, { cursor: query.cursor, limit: query.limit });
  }
}
