import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** Audit inserts of one operation fail while `work` runs, as if the audit store were down for it. */
export async function withAuditFailing(db: DataSource, operation: string, work: () => Promise<void>): Promise<void> {
  const fn = `audit_fail_${randomBytes(6).toString('hex')}`;
  await db.query(
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.operation = '${operation}' THEN RAISE EXCEPTION 'audit store down'; END IF; RETURN NEW; END $$`,
  );
  await db.query(`CREATE TRIGGER ${fn} BEFORE INSERT ON audit_records FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
  try {
    await work();
  } finally {
    await db.query(`DROP TRIGGER ${fn} ON audit_records`);
    await db.query(`DROP FUNCTION ${fn}()`);
  }
}
