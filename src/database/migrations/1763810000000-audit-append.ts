import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The function's one statement; migration 1763830000000 replaces the function around it. */
export const APPEND_STATEMENT = `
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
        SELECT DISTINCT i.chain FROM inserted i;`;

/**
 * The audit writer's group commit as a function, so PostgreSQL plans it once per connection
 * (PL/pgSQL keeps its statements' plans) instead of once per batch: planning this statement cost
 * more than running it. Each head advances only if it still is what the writer last saw, and only
 * the records of the chains that advanced are inserted; the function returns those chains.
 * Records arrive as one JSON array of audit_records rows, hashed by the writer.
 */
export class AuditAppend1763810000000 implements MigrationInterface {
  name = 'AuditAppend1763810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_append(
        chains text[], seqs bigint[], hashes text[], from_seqs bigint[], from_hashes text[], records json
      ) RETURNS SETOF text LANGUAGE plpgsql AS $$
      BEGIN
${APPEND_STATEMENT}
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit_append(text[], bigint[], text[], bigint[], text[], json)`);
  }
}
