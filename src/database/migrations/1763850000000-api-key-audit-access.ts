import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reading the audit trail becomes a capability a key is created with, not something every key of
 * an admin can do: the trail says who did what, and a narrow key handed to an assistant (analytics
 * only, a few tools) has no business reading it. Not a scope — the catalogue stays as it is — but a
 * flag set once at creation and never changed. Existing keys get false: after this migration they
 * no longer read the trail, and an admin creates one with audit_access for whoever needs it.
 */
export class ApiKeyAuditAccess1763850000000 implements MigrationInterface {
  name = 'ApiKeyAuditAccess1763850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys ADD COLUMN audit_access boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP COLUMN audit_access`);
  }
}
