import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OAuth authorization server storage. Artifacts (codes, refresh tokens, grants, registered clients,
 * sessions, interactions) are stored encrypted and looked up by a keyed digest of their id, never
 * by the id itself. Connections are the user-visible side of a grant: who, which client, which
 * workspace, which scopes.
 */
export class OAuth1763770000000 implements MigrationInterface {
  name = 'OAuth1763770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE oauth_artifacts (
        key text PRIMARY KEY,
        model text NOT NULL,
        payload text NOT NULL,
        grant_key text,
        uid_key text,
        user_code_key text,
        expires_at timestamptz,
        consumed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX oauth_artifacts_grant_idx ON oauth_artifacts (grant_key) WHERE grant_key IS NOT NULL`);
    await q.query(`CREATE INDEX oauth_artifacts_uid_idx ON oauth_artifacts (uid_key) WHERE uid_key IS NOT NULL`);
    await q.query(`CREATE INDEX oauth_artifacts_expiry_idx ON oauth_artifacts (expires_at)`);
    await q.query(`
      CREATE TABLE oauth_connections (
        grant_id text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
        workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE RESTRICT,
        client_id text NOT NULL,
        client_name text,
        redirect_host text,
        scopes text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX oauth_connections_user_idx ON oauth_connections (user_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE system_secrets (
        name text PRIMARY KEY,
        sealed text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE console_sessions (
        key text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
        csrf text NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['console_sessions', 'system_secrets', 'oauth_connections', 'oauth_artifacts']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
