import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A workspace's keys, revoked ones included, in the order they are listed: the only index on
 * workspace_id was partial (active keys), so listing one workspace's keys read every tenant's.
 */
export class ApiKeysByWorkspace1763880000000 implements MigrationInterface {
  name = 'ApiKeysByWorkspace1763880000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX api_keys_workspace_created_idx ON api_keys (workspace_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX api_keys_workspace_created_idx`);
  }
}
