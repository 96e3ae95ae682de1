import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { paginate, type Page } from '../../common/pagination';
import { CampaignEntity, type CampaignStatus } from './campaign.entity';

export interface CampaignFilters {
  status?: CampaignStatus;
  /** Campaigns carrying this tag. */
  tag?: string;
  /** Campaigns whose dates overlap [from, to] (either bound may be open). */
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

/** How much content is assigned to a campaign; trashed content is not counted. */
export interface CampaignCounts {
  posts: number;
  drafts: number;
  media: number;
}

/**
 * Campaign reads, each bound to one workspace by signature. Soft-deleted campaigns are invisible
 * here (TypeORM adds `deleted_at IS NULL` to every find and query builder on the entity).
 */
@Injectable()
export class CampaignsRepository {
  constructor(@InjectRepository(CampaignEntity) private readonly campaigns: Repository<CampaignEntity>) {}

  findOne(workspaceId: string, id: string): Promise<CampaignEntity | null> {
    return this.campaigns.findOne({ where: { workspaceId, id } });
  }

  /**
   * Newest first. A campaign's dates are [starts_on, ends_on]; a missing ends_on leaves it open-ended,
   * and a campaign without starts_on has no dates yet, so date filters never match it.
   */
  page(workspaceId: string, filters: CampaignFilters): Promise<Page<CampaignEntity>> {
    const query = this.campaigns.createQueryBuilder('c').where('c.workspace_id = :workspaceId', { workspaceId });
    if (filters.status) query.andWhere('c.status = :status', { status: filters.status });
    if (filters.tag) query.andWhere(':tag = ANY(c.tags)', { tag: filters.tag });
    if (filters.from !== undefined || filters.to !== undefined) query.andWhere('c.starts_on IS NOT NULL');
    if (filters.to !== undefined) query.andWhere('c.starts_on <= :to', { to: filters.to });
    if (filters.from !== undefined) query.andWhere('(c.ends_on IS NULL OR c.ends_on >= :from)', { from: filters.from });
    return paginate(query, filters);
  }

  /** Counted straight from the content tables, so this module needs none of their services. */
  async counts(workspaceId: string, campaignId: string): Promise<CampaignCounts> {
    const [row] = await this.campaigns.manager.query<CampaignCounts[]>(
      `SELECT
         (SELECT count(*) FROM posts WHERE workspace_id = $1 AND campaign_id = $2 AND deleted_at IS NULL)::int AS posts,
         (SELECT count(*) FROM drafts WHERE workspace_id = $1 AND campaign_id = $2 AND deleted_at IS NULL)::int AS drafts,
         (SELECT count(*) FROM media_assets WHERE workspace_id = $1 AND campaign_id = $2 AND deleted_at IS NULL)::int AS media`,
      [workspaceId, campaignId],
    );
    return row;
  }
}
