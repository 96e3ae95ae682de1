import { randomUUID } from 'node:crypto';
import { operatorActor } from '../../src/access/actor';
import type { Role } from '../../src/access/roles';
import { WorkspacesService } from '../../src/domain/workspaces/workspaces.service';
import { asOperator, buildUser, buildWorkspaceWithKey } from '../factories';
import { signInForm } from '../support/console-sign-in';
import { useTestApp } from '../support/test-app';

/**
 * The console's state-changing forms (create and revoke a key, revoke an AI client connection)
 * posted as a browser posts them: the same refusals as the REST routes, audited, changing nothing.
 */
describe('console writes', () => {
  jest.setTimeout(60_000);
  const t = useTestApp();

  /** A signed-in person posting console forms with their session cookie and CSRF token. */
  async function signedIn(email: string) {
    const signIn = await (await signInForm(t.url))(email, 'a long enough password');
    expect(signIn.status).toBe(303);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
    // Every signed-in page has the sign-out form, and with it the session's CSRF token.
    const page = await fetch(`${t.url}/console/connections`, { headers: { cookie } });
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    expect(csrf).not.toBe('');
    return (path: string, fields: Record<string, string>, requestId: string) =>
      fetch(`${t.url}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': requestId },
        body: new URLSearchParams({ csrf, ...fields }),
      });
  }

  const record = async (requestId: string) =>
    (
      await t.db.query<{ workspace_id: string | null; user_id: string; decision: string; error_code: string | null }[]>(
        `SELECT workspace_id, user_id, decision, error_code FROM audit_records WHERE correlation_id = $1`,
        [requestId],
      )
    )[0];
  const preview = async (requestId: string) => {
    const [row] = await t.db.query<{ args_preview: string }[]>(
      `SELECT args_preview FROM audit_records WHERE correlation_id = $1`,
      [requestId],
    );
    return JSON.parse(row.args_preview) as unknown;
  };
  /** Keys (id, revoked) and connections (grant, revoked) of a workspace. */
  const state = async (workspaceId: string) =>
    (
      await t.db.query<{ s: string }[]>(
        `SELECT coalesce((SELECT string_agg(id || ':' || coalesce(revoked_at::text, ''), ',' ORDER BY id)
                            FROM api_keys WHERE workspace_id = $1), '')
             || '|' || coalesce((SELECT string_agg(grant_id || ':' || coalesce(revoked_at::text, ''), ',' ORDER BY grant_id)
                            FROM oauth_connections WHERE workspace_id = $1), '') AS s`,
        [workspaceId],
      )
    )[0].s;

  it('refuses key and connection changes to an editor, a viewer and an outsider, audits them, and changes nothing', async () => {
    const owner = await buildWorkspaceWithKey(t.app, { role: 'owner' });
    const ws = owner.workspace.id;
    const member = async (role: Role) => {
      const user = await buildUser(t.app);
      await asOperator('member add', () => t.app.get(WorkspacesService).addMember(operatorActor(), ws, user.id, role));
      return user;
    };
    const grantId = `grant-${randomUUID()}`;
    await t.db.query(
      `INSERT INTO oauth_connections (grant_id, user_id, workspace_id, client_id, scopes) VALUES ($1, $2, $3, 'c', '{}')`,
      [grantId, owner.user.id, ws],
    );
    const outsider = await buildWorkspaceWithKey(t.app, { role: 'owner' });
    const callers: [string, string, string | null][] = [
      ['editor', (await member('editor')).email, ws],
      ['viewer', (await member('viewer')).email, ws],
      // Not a member: nothing of the workspace, its trail included, is theirs to touch.
      ['outsider', outsider.user.email, null],
    ];
    const before = await state(ws);
    for (const [who, email, trail] of callers) {
      const post = await signedIn(email);
      const attempts: [string, string, Record<string, string>][] = [
        ['create', '/console/keys', { workspace: ws, name: `by-${who}`, bundle: 'ai-publishing-assistant' }],
        ['revoke', `/console/keys/${owner.key.id}/revoke`, { workspace: ws }],
        ['connection', `/console/connections/${grantId}/revoke`, {}],
      ];
      for (const [what, path, fields] of attempts) {
        const id = `console-${who}-${what}-${randomUUID()}`;
        const res = await post(path, fields, id);
        expect([who, what, res.status]).toEqual([who, what, 404]);
        const row = await record(id);
        expect([who, what, row]).toEqual([
          who,
          what,
          expect.objectContaining({ error_code: 'not_found', decision: what === 'connection' ? 'invalid' : 'denied' }),
        ]);
        // A member's attempt at the workspace's keys is in the workspace's trail.
        if (what !== 'connection') expect([who, what, row.workspace_id]).toEqual([who, what, trail]);
      }
    }
    expect(await state(ws)).toBe(before);

    // The owner's mistakes are the workspace's record too, with the reason.
    const post = await signedIn(owner.user.email);
    const invalid = await post(
      '/console/keys',
      { workspace: ws, name: '   ', bundle: 'ai-publishing-assistant' },
      'console-owner-invalid',
    );
    expect(invalid.status).toBe(400);
    expect(await record('console-owner-invalid')).toMatchObject({
      workspace_id: ws,
      user_id: owner.user.id,
      decision: 'invalid',
      error_code: 'validation_failed',
    });
    expect(await state(ws)).toBe(before);

    // The control: the owner's same forms do change things.
    const created = await post(
      '/console/keys',
      {
        workspace: ws,
        name: 'by-owner',
        bundle: 'ai-publishing-assistant',
        tools: 'list_posts, get_post',
        audit_access: 'true',
      },
      'console-owner-create',
    );
    expect(created.status).toBe(201);
    expect(
      await post(`/console/keys/${owner.key.id}/revoke`, { workspace: ws }, 'console-owner-revoke'),
    ).toHaveProperty('status', 303);
    expect(await post(`/console/connections/${grantId}/revoke`, {}, 'console-owner-connection')).toHaveProperty(
      'status',
      303,
    );
    const after = await state(ws);
    expect(after).not.toBe(before);
    expect(after).toContain(`${grantId}:2`);
    expect(await record('console-owner-create')).toMatchObject({ workspace_id: ws, decision: 'allowed' });
    // The grant's record says what the form gave to which key, as the REST route's does.
    const [made] = await t.db.query<{ id: string; scopes: string[] }[]>(
      `SELECT id, scopes FROM api_keys WHERE workspace_id = $1 AND name = 'by-owner'`,
      [ws],
    );
    expect(await preview('console-owner-create')).toMatchObject({
      body: { bundle: 'ai-publishing-assistant', audit_access: 'true' },
      result: {
        key: {
          key_id: made.id,
          scopes: [`array(${made.scopes.length})`, ...made.scopes],
          tools: ['array(2)', 'list_posts', 'get_post'],
          audit_access: true,
        },
      },
    });
    expect(await preview('console-owner-revoke')).toMatchObject({ result: { key: { key_id: owner.key.id } } });
  });

  it('answers what cannot name a key, a connection or an account as not found, never a 500', async () => {
    // Each reached PostgreSQL with a NUL in it, which it refuses: a 500, and on the sign-in form an
    // uncounted one, logged with its stack, for anyone to repeat.
    const owner = await buildWorkspaceWithKey(t.app, { role: 'owner' });
    const revokeKey = await fetch(`${t.url}/api/v1/keys/pst_%00`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${owner.token}` },
    });
    expect(revokeKey.status).toBe(404);
    const post = await signedIn(owner.user.email);
    expect((await post('/console/connections/%00/revoke', {}, `nul-grant-${randomUUID()}`)).status).toBe(404);
    const signIn = await signInForm(t.url);
    const unknown = await signIn(`nobody-${randomUUID()}@example.com`, 'a long enough password');
    const nul = await signIn('nobody\u0000@example.com', 'a long enough password');
    expect(unknown.status).toBe(401);
    expect(nul.status).toBe(401);
  });

  it('refuses a key name that hides characters and an expiry that is no date, as the REST API does', async () => {
    // The form went straight to the service: an escape sequence in a name reached the terminal of
    // whoever ran `postern key list`, and 2026-13-01 failed the insert with a 500.
    const owner = await buildWorkspaceWithKey(t.app, { role: 'owner' });
    const ws = owner.workspace.id;
    const post = await signedIn(owner.user.email);
    const before = await state(ws);
    const bad: [string, Record<string, string>, string][] = [
      ['escape', { name: 'x\u001b]0;pwned\u0007' }, 'name must not contain'],
      ['line break', { name: 'x\npst_fake active' }, 'name must not contain'],
      ['zero width', { name: 'deploy\u200b' }, 'name must not contain'],
      ['direction', { name: 'yek\u202e' }, 'name must not contain'],
      ['month 13', { name: 'dated', expires: '2030-13-01' }, 'expiry must be a date'],
      ['30 February', { name: 'dated', expires: '2030-02-30' }, 'expiry must be a date'],
    ];
    for (const [what, fields, message] of bad) {
      const id = `console-bad-${randomUUID()}`;
      const res = await post('/console/keys', { workspace: ws, bundle: 'read-only-analytics', ...fields }, id);
      expect([what, res.status]).toEqual([what, 400]);
      expect([what, await res.text()]).toEqual([what, expect.stringContaining(message)]);
      expect([what, await record(id)]).toEqual([
        what,
        expect.objectContaining({ decision: 'invalid', error_code: 'validation_failed' }),
      ]);
    }
    expect(await state(ws)).toBe(before);
    // The REST API refuses the invisible ones too (its body check stopped at control characters).
    const rest = await fetch(`${t.url}/api/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'deploy\u200b', scopes: ['read-only-analytics'] }),
    });
    expect(rest.status).toBe(400);
    expect(await state(ws)).toBe(before);
  });
  it('refuses the tool lists the REST API refuses: more than 100 tools, or one tool twice', async () => {
    // The form split `tools` with no bound and went straight to the service: 3000 names were stored.
    const owner = await buildWorkspaceWithKey(t.app, { role: 'owner' });
    const ws = owner.workspace.id;
    const post = await signedIn(owner.user.email);
    const before = await state(ws);
    const bad: [string, string, string][] = [
      ['3000 tools', Array(3000).fill('get_workspace').join(','), 'tools may name at most 100 tools; 3000 given'],
      [
        'a tool twice',
        'get_workspace, list_posts,get_workspace',
        'tools must name each tool once; repeated: get_workspace',
      ],
    ];
    for (const [what, tools, message] of bad) {
      const id = `console-tools-${randomUUID()}`;
      const res = await post(
        '/console/keys',
        { workspace: ws, name: 'listed', bundle: 'ai-publishing-assistant', tools },
        id,
      );
      expect([what, res.status, await res.text()]).toEqual([what, 400, expect.stringContaining(message)]);
      expect([what, await record(id)]).toEqual([
        what,
        expect.objectContaining({ workspace_id: ws, decision: 'invalid', error_code: 'validation_failed' }),
      ]);
      const rest = await fetch(`${t.url}/api/v1/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'listed',
          scopes: ['ai-publishing-assistant'],
          tools: tools.split(',').map((s) => s.trim()),
        }),
      });
      expect([what, rest.status]).toEqual([what, 400]);
    }
    expect(await state(ws)).toBe(before);
  });
});
