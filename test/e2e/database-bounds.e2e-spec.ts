import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { buildWorkspaceWithKey } from '../factories';
import { waitersBehind } from '../support/lock-waiters';
import { databaseUrl, testConfig } from '../support/test-config';
import { startTestApp, useTestApp } from '../support/test-app';

/**
 * Runs `work` while a session of its own holds the rows `lock` locks, and gives it that session's
 * pid. Not on the app's pool: the server's sessions end a transaction left idle this long.
 */
async function whileHolding(lock: string, params: unknown[], work: (pid: number) => Promise<void>): Promise<void> {
  const unbounded = await new DataSource(dataSourceOptions(databaseUrl(), 1)).initialize();
  const holder = unbounded.createQueryRunner();
  try {
    await holder.connect();
    await holder.startTransaction();
    await holder.query(lock, params);
    const [{ pid }] = (await holder.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
    await work(pid);
  } finally {
    if (holder.isTransactionActive) await holder.rollbackTransaction();
    await holder.release();
    await unbounded.destroy();
  }
}

const HOLD_CHAIN_HEAD = 'SELECT 1 FROM audit_chain_heads WHERE chain = $1 FOR UPDATE';

describe('database statement bounds', () => {
  jest.setTimeout(60_000);
  const t = useTestApp(() => startTestApp(testConfig({ DATABASE_STATEMENT_TIMEOUT_SECONDS: '1' })));

  // The embedded database takes no settings from its connections.
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
      await whileHolding(HOLD_CHAIN_HEAD, [workspace.id], async (pid) => {
        const created = call('POST', '/api/v1/drafts', { text: 'held up' });
        const read = call('GET', `/api/v1/workspaces/${workspace.id}`);
        await waitersBehind(t.db, pid, 2);
        const [c, r] = await Promise.all([created, read]);
        expect([c.status, r.status]).toEqual([503, 503]);
        expect(await drafts()).toBe(0);
      });

      expect((await call('GET', `/api/v1/workspaces/${workspace.id}`)).status).toBe(200);
      expect((await call('POST', '/api/v1/drafts', { text: 'after' })).status).toBe(201);
      expect(await drafts()).toBe(1);
    },
  );

  // PGlite is a single backend (see above).
  (process.env.POSTERN_TEST_EMBEDDED ? it.skip : it)(
    'answers a change that waited too long with 503 unavailable, and records it',
    async () => {
      const { token, workspace } = await buildWorkspaceWithKey(t.app, {
        role: 'owner',
        scopes: ['workspace:read', 'drafts:create'],
      });
      // A draft's row names its workspace, whose row is held here: the insert waits for it.
      await whileHolding('SELECT 1 FROM workspaces WHERE id = $1 FOR UPDATE', [workspace.id], async () => {
        const res = await fetch(`${t.url}/api/v1/drafts`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-request-id': 'waited' },
          body: JSON.stringify({ text: 'held up' }),
        });
        expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([
          503,
          'unavailable',
        ]);
      });
      const [row] = await t.db.query<{ outcome: string; error_code: string }[]>(
        `SELECT outcome, error_code FROM audit_records WHERE correlation_id = 'waited'`,
      );
      expect(row).toEqual({ outcome: 'error', error_code: 'unavailable' });
    },
  );

  (process.env.POSTERN_TEST_EMBEDDED ? it.skip : it)(
    'lets other workspaces’ calls through while one workspace’s audit chain is held',
    async () => {
      // With the default statement bound (30 s): the writer appends everyone's reads one batch at a
      // time, so a head held elsewhere held every workspace's calls for that long.
      const app = await startTestApp();
      try {
        const held = await buildWorkspaceWithKey(app.app, { role: 'owner', scopes: ['workspace:read'] });
        const other = await buildWorkspaceWithKey(app.app, { role: 'owner', scopes: ['workspace:read'] });
        const read = (w: { token: string; workspace: { id: string } }) =>
          fetch(`${app.url}/api/v1/workspaces/${w.workspace.id}`, {
            headers: { authorization: `Bearer ${w.token}` },
          });
        // Both chains' heads known to the writer, so their next records share its fast statement.
        expect([(await read(held)).status, (await read(other)).status]).toEqual([200, 200]);
        await whileHolding(HOLD_CHAIN_HEAD, [held.workspace.id], async (pid) => {
          const stuck = read(held);
          await waitersBehind(t.db, pid, 1);
          const [mine, theirs] = await Promise.all([read(other), stuck]);
          expect([mine.status, theirs.status]).toEqual([200, 503]);
        });
      } finally {
        await app.close();
      }
    },
    20_000,
  );

  it('leaves migrations and operator commands unbounded', async () => {
    // The CLI and migrations build their options without a bound: verifying a long trail may take long.
    const cli = new DataSource(dataSourceOptions(databaseUrl(), 1));
    await cli.initialize();
    try {
      const [{ statement_timeout }] = await cli.query<{ statement_timeout: string }[]>('SHOW statement_timeout');
      expect(statement_timeout).toBe('0');
    } finally {
      await cli.destroy();
    }
  });
});
