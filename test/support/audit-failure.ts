import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** Columns a failing insert can be narrowed by, so only the test's own records fail. */
export type AuditFailureScope = Partial<Record<'workspace_id' | 'correlation_id' | 'user_id' | 'client_id', string>>;

/**
 * Audit inserts of one operation fail while `work` runs, as if the audit store were down for it.
 * The trigger is the whole database's, and the test file on the other worker makes calls of the
 * same operation meanwhile: narrow it by `only` to records of the test's own workspace, request,
 * person or client wherever the record names one.
 */
export async function withAuditFailing(
  db: DataSource,
  operation: string,
  work: () => Promise<void>,
  only: AuditFailureScope = {},
): Promise<void> {
  const fn = `audit_fail_${randomBytes(6).toString('hex')}`;
  const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
  const condition = [
    `NEW.operation = ${literal(operation)}`,
    ...Object.entries(only).map(([column, value]) => `NEW.${column} = ${literal(value)}`),
  ].join(' AND ');
  await db.query(
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF ${condition} THEN RAISE EXCEPTION 'audit store down'; END IF; RETURN NEW; END $$`,
  );
  await db.query(`CREATE TRIGGER ${fn} BEFORE INSERT ON audit_records FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
  try {
    await work();
  } finally {
    await db.query(`DROP TRIGGER ${fn} ON audit_records`);
    await db.query(`DROP FUNCTION ${fn}()`);
  }
}
