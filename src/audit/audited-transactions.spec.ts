import type { DataSource, EntityManager } from 'typeorm';
import { AuditContext } from './audit-context';
import { AuditedTransactions } from './audited-transactions.service';
import type { AuditWriter } from './audit-writer.service';

describe(AuditedTransactions.name, () => {
  const id = '0b7e8c2e-5d1a-4c7e-9f3e-2a6b1c9d8e7f';
  const dataSource = {
    transaction: <T>(work: (m: EntityManager) => Promise<T>) => work({} as EntityManager),
  } as unknown as DataSource;

  function transactions(writeIn: () => Promise<void>): { audited: AuditedTransactions; written: unknown[] } {
    const written: unknown[] = [];
    const writer = {
      toFields: (draft: { result?: unknown }) => ({ result: draft.result }),
      writeIn: async (_m: EntityManager, fields: unknown) => {
        written.push(fields);
        await writeIn();
      },
    } as unknown as AuditWriter;
    return { audited: new AuditedTransactions(dataSource, writer), written };
  }

  it('writes what the change named into its record', async () => {
    const { audited, written } = transactions(() => Promise.resolve());
    const draft = AuditContext.start('rest', 'POST /api/v1/keys', 'c1');
    await AuditContext.run(draft, () =>
      audited.run(() => Promise.resolve(AuditContext.noteResult('key', { key_id: id }))),
    );
    expect(written).toEqual([{ result: { key: { key_id: id } } }]);
    expect(draft.result).toEqual({ key: { key_id: id } });
  });

  it('forgets what a change named once it rolls back, so the record of the failure does not name it', async () => {
    const { audited } = transactions(() => Promise.reject(new Error('audit store down')));
    const draft = AuditContext.start('rest', 'POST /api/v1/keys', 'c2');
    const run = AuditContext.run(draft, () =>
      audited.run(() => Promise.resolve(AuditContext.noteResult('key', { key_id: id }))),
    );
    await expect(run).rejects.toThrow('audit store down');
    expect(draft.result).toBeUndefined();
    expect(draft.written).toBe(false);
  });

  it('gives the record of a rolled-back change the reason it had before, not the one the change gave', async () => {
    const { audited } = transactions(() => Promise.reject(new Error('audit store down')));
    const draft = AuditContext.start('console', 'GET /console/interaction/:uid', 'c3');
    draft.reason = 'before';
    const run = AuditContext.run(draft, () =>
      audited.run(() => Promise.resolve(void (draft.reason = 'ended the sign-in'))),
    );
    await expect(run).rejects.toThrow('audit store down');
    expect(draft.reason).toBe('before');
  });
});
