import type { MigrationInterface, QueryRunner } from 'typeorm';

const CREDENTIALS = ['api_keys', 'oauth_connections'] as const;

/**
 * A key or agent connection is dated by the clock when its row is written, not when its transaction
 * began. It works only under a membership no newer than itself, and it is written after its
 * member's row is locked: a membership committed while it was being made (begun after it, so dated
 * later by `now()`) would otherwise leave a new credential that never authenticates.
 */
export class CredentialCreationClock1763870000000 implements MigrationInterface {
  name = 'CredentialCreationClock1763870000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of CREDENTIALS)
      await q.query(`ALTER TABLE ${table} ALTER COLUMN created_at SET DEFAULT clock_timestamp()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of CREDENTIALS) await q.query(`ALTER TABLE ${table} ALTER COLUMN created_at SET DEFAULT now()`);
  }
}
