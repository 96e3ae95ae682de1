import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The access epoch: a value that changes, in the same transaction, with every change to what an
 * API key's credential lookup reads (the key itself, its workspace, the membership and the status
 * of the user behind it). A cached lookup is used only while the epoch read *after* the call
 * arrived still equals the epoch read with it, so a revocation, demotion or policy change bites on
 * the next call as it does without a cache.
 *
 * Triggers, not application code, move it: no write path can forget. They are deferred to commit,
 * so the one row they lock is always taken last and cannot join a deadlock. The epoch is random
 * rather than a counter, so a truncated and recreated row never repeats an old value.
 */
export class AccessEpoch1763800000000 implements MigrationInterface {
  name = 'AccessEpoch1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE access_epoch (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        epoch uuid NOT NULL
      )`);
    await q.query(`INSERT INTO access_epoch (epoch) VALUES (gen_random_uuid())`);
    await q.query(`
      CREATE FUNCTION bump_access_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO access_epoch (singleton, epoch) VALUES (true, gen_random_uuid())
          ON CONFLICT (singleton) DO UPDATE SET epoch = EXCLUDED.epoch;
        RETURN NULL;
      END $$`);
    // Which changes count, per table. last_used_at is written by the calls themselves and changes nothing.
    const changes: Array<[table: string, events: string, when?: string]> = [
      ['api_keys', 'UPDATE', `(to_jsonb(OLD) - 'last_used_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_used_at')`],
      ['api_keys', 'DELETE'],
      ['workspaces', 'UPDATE', 'OLD IS DISTINCT FROM NEW'],
      ['workspaces', 'DELETE'],
      ['memberships', 'INSERT OR UPDATE OR DELETE'],
      ['users', 'UPDATE', 'OLD.status IS DISTINCT FROM NEW.status OR OLD.id IS DISTINCT FROM NEW.id'],
      ['users', 'DELETE'],
    ];
    for (const [i, [table, events, when]] of changes.entries()) {
      await q.query(`
        CREATE CONSTRAINT TRIGGER access_epoch_${table}_${i} AFTER ${events} ON ${table}
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW ${when ? `WHEN (${when})` : ''}
          EXECUTE FUNCTION bump_access_epoch()`);
    }
    for (const table of ['api_keys', 'workspaces', 'memberships', 'users']) {
      await q.query(`
        CREATE TRIGGER access_epoch_${table}_truncate AFTER TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION bump_access_epoch()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE access_epoch`);
    await q.query(`DROP FUNCTION bump_access_epoch() CASCADE`);
  }
}
