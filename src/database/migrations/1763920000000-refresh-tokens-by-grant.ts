import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A grant's live refresh token, for the connections page. Rotated-away tokens stay until their own
 * expiry (so a replay can be told from a first use), and with 15-minute access tokens an active
 * grant collects thousands: through the grant index each had to be fetched to be ruled out. This
 * one holds about one row per grant.
 */
export class RefreshTokensByGrant1763920000000 implements MigrationInterface {
  name = 'RefreshTokensByGrant1763920000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX oauth_artifacts_live_refresh_idx ON oauth_artifacts (grant_key, expires_at)
         WHERE model = 'RefreshToken' AND consumed_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX oauth_artifacts_live_refresh_idx`);
  }
}
