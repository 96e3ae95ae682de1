import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APPEND_STATEMENT } from './1763810000000-audit-append';

/**
 * audit_append locks the chain heads it advances in sorted order before touching them, as the
 * audit writer's locking path locks them (sorted, byte order). Before, its UPDATE locked them in
 * whatever order the plan met them, so one append covering two workspaces and another writer's
 * locking transaction could each hold one head and wait for the other: a deadlock, and a failed
 * audit batch (seen in CI). The statement is that of migration 1763810000000.
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
      ${APPEND_STATEMENT}
    END $$`;
}
