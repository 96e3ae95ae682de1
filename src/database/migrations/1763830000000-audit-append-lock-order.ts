import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * audit_append locks the chain heads it advances in sorted order before touching them, as the
 * audit writer's locking path locks them (sorted, byte order). Before, its UPDATE locked them in
 * whatever order the plan met them, so one append covering two workspaces and another writer's
 * locking transaction could each hold one head and wait for the other: a deadlock, and a failed
 * audit batch (seen in CI). The body is otherwise that of migration 1763810000000.
 */
export class AuditAppendLockOrder1763830000000 implements MigrationInterface {
  name = 'AuditAppendLockOrder1763830000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(body(true));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(body(false));
  }
}

function body(lockInOrder: boolean): string {
  return `
    CREATE OR REPLACE FUNCTION audit_append(
      chains text[], seqs bigint[], hashes text[], from_seqs bigint[], from_hashes text[], records json
    ) RETURNS SETOF text LANGUAGE plpgsql AS $$
    BEGIN
      ${
        lockInOrder
          ? `-- One head cannot deadlock with anyone; two or more are locked in the one order all writers use.
      IF cardinality(chains) > 1 THEN
        PERFORM 1 FROM audit_chain_heads WHERE chain = ANY (chains) ORDER BY chain COLLATE "C" FOR UPDATE;
      END IF;`
          : ''
      }
      RETURN QUERY
      WITH advanced AS (
        UPDATE audit_chain_heads h SET seq = n.seq, hash = n.hash
          FROM unnest(chains, seqs, hashes, from_seqs, from_hashes) AS n(chain, seq, hash, from_seq, from_hash)
         WHERE h.chain = n.chain AND h.seq = n.from_seq AND h.hash = n.from_hash
        RETURNING h.chain),
      inserted AS (
        INSERT INTO audit_records (chain, seq, prev_hash, hash, occurred_at, correlation_id, surface, actor_kind,
            user_id, client_id, key_id, workspace_id, operation, scopes_required, scopes_presented, decision,
            reason, approval_id, idempotency_key, args_digest, args_preview, outcome, error_code, duration_ms)
          SELECT r.* FROM json_to_recordset(records) AS r(chain text, seq bigint, prev_hash text, hash text,
              occurred_at timestamptz, correlation_id text, surface text, actor_kind text, user_id uuid,
              client_id text, key_id uuid, workspace_id uuid, operation text, scopes_required text[],
              scopes_presented text[], decision text, reason text, approval_id uuid, idempotency_key text,
              args_digest text, args_preview text, outcome text, error_code text, duration_ms integer)
           WHERE r.chain IN (SELECT a.chain FROM advanced a)
        RETURNING audit_records.chain)
      SELECT DISTINCT i.chain FROM inserted i;
    END $$`;
}
