import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail: one row per call, hash-chained per workspace (chain 'global' for calls with no
 * workspace, such as failed authentication). No foreign key may cascade onto these rows.
 */
export class AuditTrail1763760000000 implements MigrationInterface {
  name = 'AuditTrail1763760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_chain_heads (
        chain text PRIMARY KEY,
        seq bigint NOT NULL,
        hash text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE audit_records (
        id bigserial PRIMARY KEY,
        chain text NOT NULL,
        seq bigint NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        occurred_at timestamptz NOT NULL,
        correlation_id text NOT NULL,
        surface text NOT NULL,
        actor_kind text,
        user_id uuid,
        client_id text,
        key_id uuid,
        workspace_id uuid REFERENCES workspaces (id) ON DELETE RESTRICT,
        operation text NOT NULL,
        scopes_required text[] NOT NULL,
        scopes_presented text[] NOT NULL,
        decision text NOT NULL CHECK (decision IN ('allowed', 'denied', 'invalid', 'failed')),
        reason text,
        approval_id uuid,
        idempotency_key text,
        args_digest text,
        args_preview text,
        outcome text NOT NULL CHECK (outcome IN ('ok', 'error')),
        error_code text,
        duration_ms integer NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX audit_records_chain_seq_key ON audit_records (chain, seq)`);
    await q.query(
      `CREATE INDEX audit_records_workspace_time_idx ON audit_records (workspace_id, occurred_at DESC, id DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_records`);
    await q.query(`DROP TABLE audit_chain_heads`);
  }
}
