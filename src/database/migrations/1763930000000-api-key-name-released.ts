import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A key's name is unique among the workspace's live keys, and an expired key is not live: it must not
 * hold its name for ever (rotating "ci-deploy" by creating a new "ci-deploy" was refused as if the
 * expired one were active). Expiry is a point in time, which a partial index cannot test, so the key
 * created with that name records on the expired one when it took the name over; the index counts a
 * key until it is revoked or has given its name up. Only an expired key can give it up (the check).
 */
export class ApiKeyNameReleased1763930000000 implements MigrationInterface {
  name = 'ApiKeyNameReleased1763930000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys ADD COLUMN name_released_at timestamptz`);
    await q.query(
      `ALTER TABLE api_keys ADD CONSTRAINT api_keys_name_released_when_expired
         CHECK (name_released_at IS NULL OR (expires_at IS NOT NULL AND name_released_at >= expires_at))`,
    );
    await q.query(`DROP INDEX api_keys_active_name_key`);
    await q.query(
      `CREATE UNIQUE INDEX api_keys_live_name_key ON api_keys (workspace_id, name)
         WHERE revoked_at IS NULL AND name_released_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // The old index counts every key not revoked: a key that gave its name up is marked revoked (it
    // had expired, so it authenticates no more than before), or the index could not be built.
    await q.query(
      `UPDATE api_keys SET revoked_at = name_released_at WHERE name_released_at IS NOT NULL AND revoked_at IS NULL`,
    );
    await q.query(`DROP INDEX api_keys_live_name_key`);
    await q.query(
      `CREATE UNIQUE INDEX api_keys_active_name_key ON api_keys (workspace_id, name) WHERE revoked_at IS NULL`,
    );
    await q.query(`ALTER TABLE api_keys DROP COLUMN name_released_at`);
  }
}
