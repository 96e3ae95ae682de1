import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit records stop referencing workspaces by foreign key. The key made every audit batch look up
 * and share-lock its workspace's row: 60–80 µs of PostgreSQL CPU per batch of six records, about a
 * fifth of the append (bench/README.md), and a lock on a row that workspace edits also take, for a
 * table that is only ever appended to. The records name their workspace by the chain they are in
 * (audit_records_chain_check), and `postern audit verify` reports a chain without a head.
 *
 * What the key also gave is kept by a trigger: a workspace with an audit trail cannot be deleted
 * (Postern itself never deletes a workspace; this stops someone with SQL access). TRUNCATE is not
 * refused: it cannot tell whether the same statement also empties the trail, and a truncated
 * workspaces table leaves the trail in place, which is what an audit trail is for.
 */
export class AuditRecordsWithoutWorkspaceKey1763860000000 implements MigrationInterface {
  name = 'AuditRecordsWithoutWorkspaceKey1763860000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_records DROP CONSTRAINT audit_records_workspace_id_fkey`);
    await q.query(`
      CREATE FUNCTION refuse_deleting_audited_workspace() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM audit_records WHERE workspace_id = OLD.id) THEN
          RAISE EXCEPTION 'workspace % has audit records and cannot be deleted', OLD.id
            USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
      END $$`);
    await q.query(`
      CREATE TRIGGER workspaces_keep_audited BEFORE DELETE ON workspaces
        FOR EACH ROW EXECUTE FUNCTION refuse_deleting_audited_workspace()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER workspaces_keep_audited ON workspaces`);
    await q.query(`DROP FUNCTION refuse_deleting_audited_workspace()`);
    // NOT VALID: records written meanwhile for a workspace since removed must not stop the downgrade.
    await q.query(`
      ALTER TABLE audit_records ADD CONSTRAINT audit_records_workspace_id_fkey
        FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE RESTRICT NOT VALID`);
  }
}
