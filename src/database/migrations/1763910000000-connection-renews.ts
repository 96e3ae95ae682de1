import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether a connection's client renews its access with refresh tokens, recorded at consent (when
 * the server decides to issue them). The connections page needs it for every row, and asking the
 * authorization server per client there fetched metadata documents of clients' own choosing and
 * kept idle registrations alive. Connections made before are taken to renew, as MCP clients do.
 */
export class ConnectionRenews1763910000000 implements MigrationInterface {
  name = 'ConnectionRenews1763910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE oauth_connections ADD COLUMN renews boolean NOT NULL DEFAULT true`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE oauth_connections DROP COLUMN renews`);
  }
}
