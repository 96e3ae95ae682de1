import type { MigrationInterface, QueryRunner } from 'typeorm';

const SIGNATURE = 'audit_append(text[], bigint[], text[], bigint[], text[], json)';

/**
 * audit_append waits at most 2 s for a chain head someone else holds. The audit writer appends
 * every workspace's reads and refusals one batch at a time, so a head held elsewhere (a stuck
 * transaction) held every workspace's calls for the whole statement timeout; failing fast, the
 * writer tries the batch's chains one by one and only the held one's calls fail. Inside an audited
 * change the heads are already the caller's, so nothing waits there.
 */
export class AuditAppendLockWait1763900000000 implements MigrationInterface {
  name = 'AuditAppendLockWait1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION ${SIGNATURE} SET lock_timeout = '2s'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION ${SIGNATURE} RESET lock_timeout`);
  }
}
