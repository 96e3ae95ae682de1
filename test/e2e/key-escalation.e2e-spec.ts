import { operatorActor } from '../../src/access/actor';
import { ApiKeysService } from '../../src/access/api-keys/api-keys.service';
import { ALL_SCOPES } from '../../src/access/scopes';
import { WorkspacesService } from '../../src/domain/workspaces/workspaces.service';
import { asOperator, buildUser, buildWorkspaceWithKey } from '../factories';
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
