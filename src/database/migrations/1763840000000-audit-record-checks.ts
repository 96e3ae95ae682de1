import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the audit writer always writes, as constraints: each record is chained from seq 1 on, in
 * the chain its workspace implies ('global' is GLOBAL_CHAIN, written out so this history does not
 * move with the code).
 */
const AUDIT_RECORD_CHECKS = {
  audit_records_seq_check: 'seq >= 1',
  audit_records_chain_check: `chain = coalesce(workspace_id::text, 'global')`,
} as const;

/**
 * NOT VALID, and never validated here: new and updated rows are checked from now on, but the rows
 * already there are not scanned. A full scan would hold an exclusive lock on audit_records, and so
 * stall every audited call, for as long as it takes on a large trail; and an installation whose
 * trail already holds such a row (tampering, which `postern audit verify` exists to report) would
 * fail this migration and not start at all. The verifier checks old rows, with or without these.
 */
export class AuditRecordChecks1763840000000 implements MigrationInterface {
  name = 'AuditRecordChecks1763840000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [name, check] of Object.entries(AUDIT_RECORD_CHECKS))
      await q.query(`ALTER TABLE audit_records ADD CONSTRAINT ${name} CHECK (${check}) NOT VALID`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of Object.keys(AUDIT_RECORD_CHECKS))
      await q.query(`ALTER TABLE audit_records DROP CONSTRAINT ${name}`);
  }
}
