import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether a connection's client was registered to renew its access with refresh tokens, recorded at
 * consent, so the connections page can say why a connection lasts only as long as its one access
 * token. Asking the authorization server per client there fetched metadata documents of clients'
 * own choosing and kept idle registrations alive. Connections made before are taken to renew, as
 * MCP clients do.
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
