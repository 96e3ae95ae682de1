import { DataSource } from 'typeorm';
import { operatorActor } from '../../src/access/actor';
import { ApiKeysService } from '../../src/access/api-keys/api-keys.service';
import { ALL_SCOPES } from '../../src/access/scopes';
import { WorkspacesService } from '../../src/domain/workspaces/workspaces.service';
import { asOperator, buildUser, buildWorkspaceWithKey } from '../factories';
import { waitersBehind } from '../support/lock-waiters';
import { startTestApp, type TestApp } from '../support/test-app';

/** A key can never be used to obtain more than it has: more tools, a longer life, or a second life. */
describe('key escalation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const rest = (token: string, path: string, body?: unknown) =>
    fetch(`${t.url}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });

  it('keeps a tool-limited key off the REST API, including key creation', async () => {
    const { token, workspace } = await buildWorkspaceWithKey(t.app, {
      role: 'admin',
      toolAllowlist: ['list_workspaces'],
    });
    const read = await rest(token, `/api/v1/workspaces/${workspace.id}`);
    expect(read.status).toBe(403);
    const mint = await rest(token, '/api/v1/keys', { name: 'wider', scopes: ['workspace:read'] });
    expect(mint.status).toBe(403);
    expect(await mint.json()).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('does not let an expiring key mint a longer-lived one', async () => {
    const expiresAt = new Date(Date.now() + 3600_000);
    const { token } = await buildWorkspaceWithKey(t.app, { role: 'admin', expiresAt });
    const forever = await rest(token, '/api/v1/keys', { name: 'forever', scopes: ['workspace:read'] });
    expect(forever.status).toBe(400);
    const later = await rest(token, '/api/v1/keys', {
      name: 'later',
      scopes: ['workspace:read'],
      expires_at: new Date(Date.now() + 7200_000).toISOString(),
    });
    expect(later.status).toBe(400);
    const sooner = await rest(token, '/api/v1/keys', {
      name: 'sooner',
      scopes: ['workspace:read'],
      expires_at: new Date(Date.now() + 1800_000).toISOString(),
    });
    expect(sooner.status).toBe(201);
  });

  it('ends a member’s keys when they are removed, so re-adding them does not revive them', async () => {
    const owner = await buildWorkspaceWithKey(t.app, { role: 'owner' });
    const member = await buildUser(t.app);
    await asOperator('member add', () =>
      t.app.get(WorkspacesService).addMember(operatorActor(), owner.workspace.id, member.id, 'admin'),
    );
    const memberKey = await rest(owner.token, '/api/v1/keys', { name: 'for-member', scopes: ['workspace:read'] });
    expect(memberKey.status).toBe(201);
    // The owner's key made it; a key made by the member itself is what must die with the membership.
    const own = await buildWorkspaceWithKey(t.app, { role: 'admin' });
    const removed = await fetch(`${t.url}/api/v1/members/${own.user.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${(await buildOwnerKey(own.workspace.id)).token}` },
    });
    expect(removed.status).toBe(200);
    expect((await rest(own.token, '/api/v1/workspaces')).status).toBe(401);
    await asOperator('member add', () =>
      t.app.get(WorkspacesService).addMember(operatorActor(), own.workspace.id, own.user.id, 'admin'),
    );
    expect((await rest(own.token, '/api/v1/workspaces')).status).toBe(401);
  });

  // PGlite is a single backend: two of its transactions cannot hold locks against each other.
  (process.env.POSTERN_TEST_EMBEDDED ? it.skip : it)(
    'revokes a key made while its member is being removed',
    async () => {
      const { owner, ws, member, key: own } = await adminWithKey();
      // Both changes end by appending to the workspace's audit chain. Holding its head keeps the
      // key's transaction open after its insert while the removal runs: without the key holding the
      // membership, the removal's revocation ran without seeing the key, and the key outlived it.
      const holder = db().createQueryRunner();
      await holder.connect();
      await holder.startTransaction();
      try {
        await holder.query('SELECT 1 FROM audit_chain_heads WHERE chain = $1 FOR UPDATE', [ws]);
        const [{ pid }] = (await holder.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
        const creating = rest(own.token, '/api/v1/keys', { name: 'raced', scopes: ['workspace:read'] });
        await waitersBehind(db(), pid, 1);
        const removing = fetch(`${t.url}/api/v1/members/${member.id}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${owner.token}` },
        });
        await waitersBehind(db(), pid, 2);
        await holder.commitTransaction();
        const [created, removed] = await Promise.all([creating, removing]);
        expect([created.status, removed.status]).toEqual([201, 200]);
        const raced = ((await created.json()) as { secret: string }).secret;
        const [row] = await db().query<{ revoked_at: Date | null }[]>(
          `SELECT revoked_at FROM api_keys WHERE workspace_id = $1 AND name = 'raced'`,
          [ws],
        );
        expect(row.revoked_at).not.toBeNull();
        expect((await rest(raced, `/api/v1/workspaces/${ws}`)).status).toBe(401);
      } finally {
        if (holder.isTransactionActive) await holder.rollbackTransaction();
        await holder.release();
      }
    },
  );

  it('keeps a key that escaped its member’s removal dead when they are added back', async () => {
    // However a key came to outlive its membership, it works only under the membership it was made
    // in. The escape is made here by removing the membership alone, as a removal missing the key would.
    const { owner, ws, member, key: escaped } = await adminWithKey();
    const read = () => rest(escaped.token, `/api/v1/workspaces/${ws}`);
    expect((await read()).status).toBe(200);
    await db().query('DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2', [ws, member.id]);
    expect((await read()).status).toBe(401);
    const readded = await fetch(`${t.url}/api/v1/members`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: member.email, role: 'admin' }),
    });
    expect(readded.status).toBe(201);
    expect((await read()).status).toBe(401);
  });

  const db = () => t.app.get(DataSource);

  /** A workspace with an owner's full key, and an admin member with a key of their own. */
  async function adminWithKey() {
    const owner = await buildOwnerKey((await buildWorkspaceWithKey(t.app, { role: 'owner' })).workspace.id);
    const ws = owner.key.workspaceId;
    const member = await buildUser(t.app);
    await asOperator('member add', () =>
      t.app.get(WorkspacesService).addMember(operatorActor(), ws, member.id, 'admin'),
    );
    const key = await asOperator('key create', () =>
      t.app.get(ApiKeysService).create(operatorActor(), {
        workspaceId: ws,
        name: `own-${member.id}`,
        scopes: ['workspace:read'],
        createdByUserId: member.id,
      }),
    );
    return { owner, ws, member, key };
  }

  async function buildOwnerKey(workspaceId: string) {
    const user = await buildUser(t.app);
    await asOperator('member add', () =>
      t.app.get(WorkspacesService).addMember(operatorActor(), workspaceId, user.id, 'owner'),
    );
    return asOperator('key create', () =>
      t.app.get(ApiKeysService).create(operatorActor(), {
        workspaceId,
        name: `owner-${user.id}`,
        // Removing an admin takes away every admin scope: only a key holding them all may.
        scopes: ALL_SCOPES,
        createdByUserId: user.id,
      }),
    );
  }
});
