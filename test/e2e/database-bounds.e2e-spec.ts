import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { buildWorkspaceWithKey } from '../factories';
import { waitersBehind } from '../support/lock-waiters';
import { testConfig } from '../support/test-config';
import { startTestApp, useTestApp } from '../support/test-app';

describe('database statement bounds', () => {
  jest.setTimeout(60_000);
  const t = useTestApp(() => startTestApp(testConfig({ DATABASE_STATEMENT_TIMEOUT_SECONDS: '1' })));

  // The embedded database takes no settings from its connections; there the client's own wait is the bound.
  (process.env.POSTERN_TEST_EMBEDDED ? it.skip : it)('bounds every statement of the server', async () => {
    const [{ statement_timeout }] = await t.db.query<{ statement_timeout: string }[]>('SHOW statement_timeout');
    expect(statement_timeout).toBe('1s');
  });

  // PGlite is a single backend: a lock held on another of its connections would block the test itself.
  (process.env.POSTERN_TEST_EMBEDDED ? it.skip : it)(
    'answers calls stuck behind a lock with an error instead of holding them, and recovers',
    async () => {
      const { token, workspace } = await buildWorkspaceWithKey(t.app, {
        role: 'owner',
        scopes: ['workspace:read', 'drafts:create'],
      });
      const call = (method: string, path: string, body?: unknown) =>
        fetch(`${t.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const drafts = async () =>
        (
          await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM drafts WHERE workspace_id = $1', [
            workspace.id,
          ])
        )[0].n;
      expect((await call('GET', `/api/v1/workspaces/${workspace.id}`)).status).toBe(200);

      // Every call of the workspace ends by appending to its audit chain; a session holding the
      // chain's head (a stuck lock, a failover) held every one of them, reads and refusals too, for
      // as long as it lasted.
      // On a connection of its own: the server's would end a transaction left idle this long.
      const unbounded = await new DataSource(dataSourceOptions(process.env.DATABASE_URL as string, 1)).initialize();
      const holder = unbounded.createQueryRunner();
      await holder.connect();
      await holder.startTransaction();
      try {
        await holder.query('SELECT 1 FROM audit_chain_heads WHERE chain = $1 FOR UPDATE', [workspace.id]);
        const [{ pid }] = (await holder.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
        const created = call('POST', '/api/v1/drafts', { text: 'held up' });
        const read = call('GET', `/api/v1/workspaces/${workspace.id}`);
        await waitersBehind(t.db, pid, 2);
        const [c, r] = await Promise.all([created, read]);
        expect([c.status, r.status]).toEqual([503, 503]);
        expect(await drafts()).toBe(0);
      } finally {
        await holder.rollbackTransaction();
        await holder.release();
        await unbounded.destroy();
      }

      expect((await call('GET', `/api/v1/workspaces/${workspace.id}`)).status).toBe(200);
      expect((await call('POST', '/api/v1/drafts', { text: 'after' })).status).toBe(201);
      expect(await drafts()).toBe(1);
    },
  );

  it('leaves migrations and operator commands unbounded', async () => {
    // The CLI and migrations build their options without a bound: verifying a long trail may take long.
    const cli = new DataSource(dataSourceOptions(process.env.DATABASE_URL as string, 1));
    await cli.initialize();
    try {
      const [{ statement_timeout }] = await cli.query<{ statement_timeout: string }[]>('SHOW statement_timeout');
      expect(statement_timeout).toBe('0');
    } finally {
      await cli.destroy();
    }
  });
});
