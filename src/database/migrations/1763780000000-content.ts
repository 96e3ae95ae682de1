import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The content domain: social accounts, campaigns, media, drafts, posts and their targets, plus the
 * idempotency ledger. Creation times are kept to the millisecond, the precision of a list cursor.
 * Every row carries its workspace, and every reference between rows is a
 * composite foreign key on (id, workspace_id), so the database itself refuses a post in one
 * workspace pointing at a campaign or account of another.
 */
export class Content1763780000000 implements MigrationInterface {
  name = 'Content1763780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE social_accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE RESTRICT,
        platform text NOT NULL
          CHECK (platform IN ('facebook', 'instagram', 'pinterest', 'youtube', 'gmb', 'linkedin', 'x')),
        display_name text NOT NULL,
        handle text,
        external_id text NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disconnected', 'needs_reauth', 'disabled')),
        capabilities text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (id, workspace_id),
        UNIQUE (workspace_id, platform, external_id)
      )`);

    await q.query(`
      CREATE TABLE campaigns (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE RESTRICT,
        name text NOT NULL,
        goal text,
        status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'active', 'paused', 'completed', 'archived')),
        starts_on date,
        ends_on date,
        tags text[] NOT NULL DEFAULT '{}',
        created_by_user_id uuid,
        created_by_client_id text,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        UNIQUE (id, workspace_id),
        CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on)
      )`);
    await q.query(`CREATE INDEX campaigns_list ON campaigns (workspace_id, created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE media_assets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE RESTRICT,
        file_name text NOT NULL,
        mime_type text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('image', 'video')),
        size_bytes bigint NOT NULL CHECK (size_bytes > 0),
        sha256 text NOT NULL,
        width integer,
        height integer,
        duration_ms integer,
        alt_text text,
        caption text,
        tags text[] NOT NULL DEFAULT '{}',
        campaign_id uuid,
        storage_key text NOT NULL,
        source_url text,
        created_by_user_id uuid,
        created_by_client_id text,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        UNIQUE (id, workspace_id),
        FOREIGN KEY (campaign_id, workspace_id) REFERENCES campaigns (id, workspace_id) ON DELETE RESTRICT
      )`);
    await q.query(`CREATE INDEX media_assets_list ON media_assets (workspace_id, created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE drafts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE RESTRICT,
        text text NOT NULL DEFAULT '',
        title text,
        link text,
        variants jsonb NOT NULL DEFAULT '{}',
        media_ids uuid[] NOT NULL DEFAULT '{}',
        social_account_ids uuid[] NOT NULL DEFAULT '{}',
        campaign_id uuid,
        notes text,
        author_user_id uuid,
        author_client_id text,
        author_key_id uuid,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        UNIQUE (id, workspace_id),
        FOREIGN KEY (campaign_id, workspace_id) REFERENCES campaigns (id, workspace_id) ON DELETE RESTRICT
      )`);
    await q.query(`CREATE INDEX drafts_list ON drafts (workspace_id, created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE posts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE RESTRICT,
        text text NOT NULL DEFAULT '',
        title text,
        link text,
        overrides jsonb NOT NULL DEFAULT '{}',
        media_ids uuid[] NOT NULL DEFAULT '{}',
        campaign_id uuid,
        draft_id uuid,
        status text NOT NULL DEFAULT 'ready' CHECK (status IN
          ('ready', 'pending_approval', 'scheduled', 'publishing', 'published', 'failed', 'unknown', 'cancelled')),
        version integer NOT NULL DEFAULT 1,
        created_by_user_id uuid,
        created_by_client_id text,
        created_by_key_id uuid,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        UNIQUE (id, workspace_id),
        FOREIGN KEY (campaign_id, workspace_id) REFERENCES campaigns (id, workspace_id) ON DELETE RESTRICT,
        FOREIGN KEY (draft_id, workspace_id) REFERENCES drafts (id, workspace_id) ON DELETE RESTRICT
      )`);
    await q.query(`CREATE INDEX posts_list ON posts (workspace_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX posts_trash ON posts (deleted_at) WHERE deleted_at IS NOT NULL`);

    await q.query(`
      CREATE TABLE post_targets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL,
        post_id uuid NOT NULL,
        social_account_id uuid NOT NULL,
        status text NOT NULL DEFAULT 'ready' CHECK (status IN
          ('ready', 'pending_approval', 'scheduled', 'publishing', 'published', 'failed', 'unknown', 'cancelled')),
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (post_id, social_account_id),
        FOREIGN KEY (post_id, workspace_id) REFERENCES posts (id, workspace_id) ON DELETE CASCADE,
        FOREIGN KEY (social_account_id, workspace_id) REFERENCES social_accounts (id, workspace_id) ON DELETE RESTRICT
      )`);
    await q.query(`CREATE INDEX post_targets_account ON post_targets (workspace_id, social_account_id)`);

    // A create call's key and the digest of its payload: a repeat replays the stored result, the same
    // key with another payload is refused. Scoped to the workspace and the credential that used it.
    await q.query(`
      CREATE TABLE idempotency_keys (
        workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE RESTRICT,
        principal text NOT NULL,
        key text NOT NULL,
        operation text NOT NULL,
        request_digest text NOT NULL,
        response jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        PRIMARY KEY (workspace_id, principal, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['idempotency_keys', 'post_targets', 'posts', 'drafts', 'media_assets', 'campaigns']) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`DROP TABLE social_accounts`);
  }
}
