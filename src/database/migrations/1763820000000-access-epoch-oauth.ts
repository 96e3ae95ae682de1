import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OAuth connections join the access epoch (migration 1763800000000): a token's lookup reads its
 * connection and its grant, so a revoked connection or a destroyed, replaced or expired-early grant
 * moves the epoch as a revoked key does. last_used_at is written by the calls themselves.
 */
export class AccessEpochOAuth1763820000000 implements MigrationInterface {
  name = 'AccessEpochOAuth1763820000000';

  async up(q: QueryRunner): Promise<void> {
    const changes: Array<[name: string, table: string, events: string, when: string | undefined]> = [
      [
        'oauth_connections_0',
        'oauth_connections',
        'UPDATE',
        `(to_jsonb(OLD) - 'last_used_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_used_at')`,
      ],
      ['oauth_connections_1', 'oauth_connections', 'DELETE', undefined],
      ['oauth_grants_0', 'oauth_artifacts', 'UPDATE', `OLD.model = 'Grant' AND OLD IS DISTINCT FROM NEW`],
      ['oauth_grants_1', 'oauth_artifacts', 'DELETE', `OLD.model = 'Grant'`],
    ];
    for (const [name, table, events, when] of changes) {
      await q.query(`
        CREATE CONSTRAINT TRIGGER access_epoch_${name} AFTER ${events} ON ${table}
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW ${when ? `WHEN (${when})` : ''}
          EXECUTE FUNCTION bump_access_epoch()`);
    }
    for (const table of ['oauth_connections', 'oauth_artifacts']) {
      await q.query(`
        CREATE TRIGGER access_epoch_${table}_truncate AFTER TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION bump_access_epoch()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of ['oauth_connections_0', 'oauth_connections_1', 'oauth_connections_truncate'])
      await q.query(`DROP TRIGGER access_epoch_${name} ON oauth_connections`);
    for (const name of ['oauth_grants_0', 'oauth_grants_1', 'oauth_artifacts_truncate'])
      await q.query(`DROP TRIGGER access_epoch_${name} ON oauth_artifacts`);
  }
}
