import type { MigrationInterface, QueryRunner } from 'typeorm';

const CONTENT = ['posts', 'drafts', 'media_assets'] as const;

/**
 * A campaign's content, in list order. campaign_id was in no index: every campaign read counted its
 * posts, drafts and media by visiting all of the workspace's (trash included), a list filtered by
 * campaign walked the whole workspace to fill a page, and deleting a campaign scanned each table for
 * rows that name it. Partial: content outside any campaign costs nothing more to write.
 */
export class ContentByCampaign1763890000000 implements MigrationInterface {
  name = 'ContentByCampaign1763890000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of CONTENT)
      await q.query(
        `CREATE INDEX ${table}_campaign ON ${table} (workspace_id, campaign_id, created_at DESC, id DESC)
           WHERE campaign_id IS NOT NULL`,
      );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of CONTENT) await q.query(`DROP INDEX ${table}_campaign`);
  }
}
