import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheduling and publishing: when a post is due, and per target the attempt bookkeeping that keeps
 * a publish from running twice (a lease while one process holds it, a token naming the attempt
 * that every later step must match, the attempts made) and what
 * the network answered (its id and URL for the post, or why it failed).
 */
export class Publishing1763790000000 implements MigrationInterface {
  name = 'Publishing1763790000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE posts ADD COLUMN scheduled_at timestamptz`);
    await q.query(`
      ALTER TABLE post_targets
        ADD COLUMN scheduled_at timestamptz,
        ADD COLUMN attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        ADD COLUMN lease_expires_at timestamptz,
        ADD COLUMN claim_token uuid,
        ADD COLUMN external_id text,
        ADD COLUMN external_url text,
        ADD COLUMN published_at timestamptz,
        ADD COLUMN error_code text,
        ADD COLUMN error_message text`);
    // The runner's sweeps: due scheduled targets, expired leases, outcomes to confirm.
    await q.query(
      `CREATE INDEX post_targets_pending ON post_targets (status, scheduled_at)
        WHERE status IN ('scheduled', 'publishing', 'unknown')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX post_targets_pending`);
    await q.query(`
      ALTER TABLE post_targets DROP COLUMN scheduled_at, DROP COLUMN attempts, DROP COLUMN lease_expires_at, DROP COLUMN claim_token,
        DROP COLUMN external_id, DROP COLUMN external_url, DROP COLUMN published_at,
        DROP COLUMN error_code, DROP COLUMN error_message`);
    await q.query(`ALTER TABLE posts DROP COLUMN scheduled_at`);
  }
}
