import { randomUUID } from 'node:crypto';
import { operatorActor } from '../../src/access/actor';
import { hashApiKeyToken } from '../../src/access/api-keys/api-key-token';
import { ApiKeysService } from '../../src/access/api-keys/api-keys.service';
import { minimumRoleFor, ROLE_CEILINGS, ROLES, type Role } from '../../src/access/roles';
import { ALL_SCOPES, BUNDLE_NAMES, BUNDLES, SCOPE_CATEGORIES } from '../../src/access/scopes';
import { WorkspacesService } from '../../src/domain/workspaces/workspaces.service';
import { asOperator, buildUser, buildWorkspaceWithKey } from '../factories';
import { connectMcp } from '../support/mcp-client';
import { callRest, type RestReply } from '../support/rest-client';
import { waitersBehind } from '../support/lock-waiters';
import { useTestApp } from '../support/test-app';

/**
 * Keys, members and the scope catalogue over HTTP, as an integration would use them. Every call
 * sends its own X-Request-Id, and every call is checked for exactly one audit record: a change
 * commits with its record ('allowed', 'ok'); a refusal leaves one record saying why.
 */
interface AuditRow {
  operation: string;
  decision: string;
  outcome: string;
  error_code: string | null;
}

const TOKEN = /^pst_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/;
const sorted = (values: Iterable<string>): string[] => [...values].sort();

describe('keys, members and the scope catalogue', () => {
  jest.setTimeout(120_000);
  const t = useTestApp();

  const call = (token: string | undefined, method: string, path: string, body?: unknown) =>
    callRest(t.url, token, method, path, body);

  function audit(requestId: string): Promise<AuditRow[]> {
    return t.db.query(
      `SELECT operation, decision, outcome, error_code FROM audit_records WHERE correlation_id = $1 ORDER BY id`,
      [requestId],
    );
  }

  /** A change: exactly one record, allowed and ok. */
  async function expectChanged(r: RestReply, status: number, operation: string): Promise<void> {
    expect([operation, r.status]).toEqual([operation, status]);
    expect(await audit(r.requestId)).toEqual([{ operation, decision: 'allowed', outcome: 'ok', error_code: null }]);
  }

  /** A refusal: the status and code the caller sees, and exactly one record of it. */
  async function expectRefused(r: RestReply, status: number, code: string, decision: string): Promise<void> {
    expect([r.call, r.status, r.body?.error?.code]).toEqual([r.call, status, code]);
    const rows = await audit(r.requestId);
    expect([r.call, rows]).toEqual([
      r.call,
      [expect.objectContaining({ decision, outcome: 'error', error_code: code })],
    ]);
  }

  /** Keys (id, revoked) and memberships (user, role) of a workspace, to show a refusal changed nothing. */
  async function state(workspaceId: string): Promise<string> {
    const [row] = await t.db.query<{ s: string }[]>(
      `SELECT coalesce((SELECT string_agg(id || ':' || coalesce(revoked_at::text, ''), ',' ORDER BY id)
                          FROM api_keys WHERE workspace_id = $1), '')
           || '|' || coalesce((SELECT string_agg(user_id || ':' || role, ',' ORDER BY user_id)
                          FROM memberships WHERE workspace_id = $1), '') AS s`,
      [workspaceId],
    );
    return row.s;
  }

  /** Makes an existing user a member with `role`, as the operator would. */
  function addMember(workspaceId: string, userId: string, role: Role) {
    return asOperator('member add', () =>
      t.app.get(WorkspacesService).addMember(operatorActor(), workspaceId, userId, role),
    );
  }

  /** A new user who is a member with `role`, and a key they created. */
  async function memberWithKey(workspaceId: string, role: Role, scopes = ['ai-publishing-assistant']) {
    const user = await buildUser(t.app);
    await addMember(workspaceId, user.id, role);
    const { token, key } = await asOperator('key create', () =>
      t.app.get(ApiKeysService).create(operatorActor(), {
        workspaceId,
        name: `member-${randomUUID()}`,
        scopes,
        createdByUserId: user.id,
      }),
    );
    return { user, token, key };
  }

  describe('API keys', () => {
    it('creates a key from a bundle and shows its secret exactly once; the new key works', async () => {
      const admin = await buildWorkspaceWithKey(t.app, { role: 'admin', scopes: ALL_SCOPES });
      const created = await call(admin.token, 'POST', '/api/v1/keys', {
        name: 'assistant',
        scopes: ['ai-publishing-assistant'],
      });
      await expectChanged(created, 201, 'POST /api/v1/keys');
      const secret = created.body.secret as string;
      expect(secret).toMatch(TOKEN);
      expect(created.text.split(secret)).toHaveLength(2);
      expect(created.body).toMatchObject({
        name: 'assistant',
        prefix: secret.slice(0, 16),
        status: 'active',
        created_by_user_id: admin.user.id,
        expires_at: null,
      });
      expect(sorted(created.body.scopes)).toEqual(sorted(BUNDLES['ai-publishing-assistant'].scopes));
      expect(created.body).not.toHaveProperty('secret_hash');

      const [stored] = await t.db.query<{ secret_hash: string }[]>(`SELECT secret_hash FROM api_keys WHERE id = $1`, [
        created.body.id,
      ]);
      expect(stored.secret_hash).toBe(hashApiKeyToken(secret));
      expect(stored.secret_hash).not.toContain(secret);

      const listed = await call(admin.token, 'GET', '/api/v1/keys');
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((k: { id: string }) => k.id)).toEqual(
        expect.arrayContaining([admin.key.id, created.body.id]),
      );
      expect(listed.text).not.toContain(secret);
      expect(listed.text).not.toContain(secret.slice(17));
      expect(listed.text).not.toContain(stored.secret_hash);
      for (const item of listed.body.items) {
        expect(item).not.toHaveProperty('secret');
        expect(item).not.toHaveProperty('secret_hash');
      }

      const used = await call(secret, 'GET', '/api/v1/workspaces');
      expect(used.status).toBe(200);
      expect(used.body.items).toEqual([expect.objectContaining({ id: admin.workspace.id })]);
    });

    it('revokes by id and by pst_ prefix; the revoked key is refused on its next call', async () => {
      const admin = await buildWorkspaceWithKey(t.app, { role: 'admin', scopes: ALL_SCOPES });
      const byId = await call(admin.token, 'POST', '/api/v1/keys', { name: 'by-id', scopes: ['workspace:list'] });
      const byPrefix = await call(admin.token, 'POST', '/api/v1/keys', {
        name: 'by-prefix',
        scopes: ['workspace:list'],
      });
      expect([byId.status, byPrefix.status]).toEqual([201, 201]);
      for (const k of [byId, byPrefix])
        expect((await call(k.body.secret, 'GET', '/api/v1/workspaces')).status).toBe(200);

      const revokedById = await call(admin.token, 'DELETE', `/api/v1/keys/${byId.body.id}`);
      await expectChanged(revokedById, 200, 'DELETE /api/v1/keys/:keyId');
      expect(revokedById.body).toMatchObject({ id: byId.body.id, status: 'revoked' });
      expect(revokedById.text).not.toContain(byId.body.secret);
      await expectRefused(await call(byId.body.secret, 'GET', '/api/v1/workspaces'), 401, 'unauthenticated', 'denied');

      const revokedByPrefix = await call(admin.token, 'DELETE', `/api/v1/keys/${byPrefix.body.prefix}`);
      await expectChanged(revokedByPrefix, 200, 'DELETE /api/v1/keys/:keyId');
      expect(revokedByPrefix.body).toMatchObject({ id: byPrefix.body.id, status: 'revoked' });
      await expectRefused(
        await call(byPrefix.body.secret, 'GET', '/api/v1/workspaces'),
        401,
        'unauthenticated',
        'denied',
      );

      const listed = await call(admin.token, 'GET', '/api/v1/keys');
      const statuses = Object.fromEntries(
        listed.body.items.map((k: { name: string; status: string }) => [k.name, k.status]),
      );
      expect(statuses).toMatchObject({ 'by-id': 'revoked', 'by-prefix': 'revoked' });
      expect((await call(admin.token, 'GET', '/api/v1/workspaces')).status).toBe(200);

      const missing = await call(admin.token, 'DELETE', `/api/v1/keys/${randomUUID()}`);
      await expectRefused(missing, 404, 'not_found', 'allowed');
    });

    it('pages the key list newest first and filters it by status', async () => {
      const admin = await buildWorkspaceWithKey(t.app, { role: 'admin', scopes: ALL_SCOPES });
      const made: string[] = [];
      for (const name of ['first', 'second', 'third']) {
        const r = await call(admin.token, 'POST', '/api/v1/keys', { name, scopes: ['workspace:read'] });
        await expectChanged(r, 201, 'POST /api/v1/keys');
        made.push(r.body.id);
      }
      await expectChanged(
        await call(admin.token, 'DELETE', `/api/v1/keys/${made[1]}`),
        200,
        'DELETE /api/v1/keys/:keyId',
      );

      const first = await call(admin.token, 'GET', '/api/v1/keys?limit=2');
      expect(first.status).toBe(200);
      expect(first.body.items.map((k: { id: string }) => k.id)).toEqual([made[2], made[1]]);
      const rest = await call(admin.token, 'GET', `/api/v1/keys?limit=2&cursor=${first.body.next_cursor}`);
      expect(rest.body).toEqual({
        items: [expect.objectContaining({ id: made[0] }), expect.objectContaining({ id: admin.key.id })],
        next_cursor: null,
      });
      const revoked = await call(admin.token, 'GET', '/api/v1/keys?status=revoked');
      expect(revoked.body).toEqual({
        items: [expect.objectContaining({ id: made[1], status: 'revoked' })],
        next_cursor: null,
      });
      const active = await call(admin.token, 'GET', '/api/v1/keys?status=active');
      expect(active.body.items.map((k: { id: string }) => k.id)).toEqual([made[2], made[0], admin.key.id]);

      for (const query of ['status=gone', 'limit=0', 'limit=101', 'cursor=bm90LWEtY3Vyc29y']) {
        await expectRefused(
          await call(admin.token, 'GET', `/api/v1/keys?${query}`),
          400,
          'validation_failed',
          'invalid',
        );
      }
    });

    it('refuses to grant a scope the creator does not hold, and writes nothing', async () => {
      const admin = await buildWorkspaceWithKey(t.app, { role: 'admin', scopes: ['ai-publishing-assistant'] });
      const before = await state(admin.workspace.id);
      for (const scopes of [['posts:delete'], ['ai-publishing-assistant', 'posts:delete']]) {
        const r = await call(admin.token, 'POST', '/api/v1/keys', { name: 'too-strong', scopes });
        await expectRefused(r, 403, 'insufficient_scope', 'denied');
        expect(r.body.error.details).toEqual([{ field: 'scopes', issue: 'posts:delete' }]);
        expect(r.body.error.message).toContain('posts:delete');
      }
      expect(await state(admin.workspace.id)).toBe(before);
    });

    it('refuses an unknown scope, an unknown field, a past expiry and an unknown tool as invalid, naming the problem', async () => {
      const admin = await buildWorkspaceWithKey(t.app, { role: 'admin', scopes: ['ai-publishing-assistant'] });
      const before = await state(admin.workspace.id);

      const unknownScope = await call(admin.token, 'POST', '/api/v1/keys', {
        name: 'k',
        scopes: ['workspace:read', 'posts:teleport'],
      });
      await expectRefused(unknownScope, 400, 'validation_failed', 'invalid');
      expect(unknownScope.body.error.message).toContain('posts:teleport');
      expect(unknownScope.body.error.message).not.toContain('workspace:read');

      // A secret pasted into the list is not repeated, to the caller or into the trail.
      const pasted = `sk_live_${'Ab9'.repeat(10)}`;
      const secretScope = await call(admin.token, 'POST', '/api/v1/keys', { name: 'k', scopes: [pasted] });
      await expectRefused(secretScope, 400, 'validation_failed', 'invalid');
      expect(secretScope.body.error.message).toContain(`(${pasted.length} characters, not shown)`);
      const secretTool = await call(admin.token, 'POST', '/api/v1/keys', {
        name: 'k',
        scopes: ['workspace:read'],
        tools: [pasted],
      });
      await expectRefused(secretTool, 400, 'validation_failed', 'invalid');
      // Nor one in lower case, as hex secrets are.
      const hex = 'deadbeef0123456789abcdef01234567';
      const hexScope = await call(admin.token, 'POST', '/api/v1/keys', { name: 'k', scopes: [hex] });
      await expectRefused(hexScope, 400, 'validation_failed', 'invalid');
      expect(hexScope.body.error.message).toContain(`(${hex.length} characters, not shown)`);
      for (const secret of [pasted, hex]) {
        const [kept] = await t.db.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM audit_records WHERE workspace_id = $1 AND concat_ws(' ', reason, args_preview) LIKE $2`,
          [admin.workspace.id, `%${secret}%`],
        );
        expect([secret, kept.n]).toEqual([secret, 0]);
      }

      const unknownField = await call(admin.token, 'POST', '/api/v1/keys', {
        name: 'k',
        scopes: ['workspace:read'],
        role: 'owner',
      });
      await expectRefused(unknownField, 400, 'validation_failed', 'invalid');
      expect(unknownField.body.error.details).toEqual([expect.objectContaining({ field: 'role' })]);

      const past = await call(admin.token, 'POST', '/api/v1/keys', {
        name: 'k',
        scopes: ['workspace:read'],
        expires_at: new Date(Date.now() - 60_000).toISOString(),
      });
      await expectRefused(past, 400, 'validation_failed', 'invalid');
      expect(past.body.error.details).toEqual([{ field: 'expires_at', issue: 'past' }]);
      // ISO 8601 forms a Date cannot read (and one without a zone) are refused, not stored as a 500.
      for (const expiresAt of ['2099-01-01T10', '20990101', '2099-W05', '2099-01-01T10:00:00']) {
        const odd = await call(admin.token, 'POST', '/api/v1/keys', {
          name: 'k',
          scopes: ['workspace:read'],
          expires_at: expiresAt,
        });
        await expectRefused(odd, 400, 'validation_failed', 'invalid');
        expect([expiresAt, odd.body.error.details]).toEqual([
          expiresAt,
          [expect.objectContaining({ field: 'expires_at' })],
        ]);
      }

      // A misspelt tool would make a key that can call nothing; a real one beside it is not named.
      const unknownTool = await call(admin.token, 'POST', '/api/v1/keys', {
        name: 'k',
        scopes: ['workspace:read'],
        tools: ['list_workspaces', 'list_workspace', 'list_workspace'],
      });
      await expectRefused(unknownTool, 400, 'validation_failed', 'invalid');
      expect(unknownTool.body.error.message).toBe('unknown tools: list_workspace');
      expect(unknownTool.body.error.details).toEqual([{ field: 'tools', issue: 'unknown tool list_workspace' }]);

      expect(await state(admin.workspace.id)).toBe(before);
    });

    it("refuses a tool the key's own scopes do not allow, naming the scopes it needs", async () => {
      const admin = await buildWorkspaceWithKey(t.app, { role: 'admin', scopes: ['ai-publishing-assistant'] });
      const before = await state(admin.workspace.id);
      // get_workspace is allowed by workspace:read; list_workspaces needs workspace:list and
      // create_post_from_draft two scopes, of which the key has neither.
      const r = await call(admin.token, 'POST', '/api/v1/keys', {
        name: 'k',
        scopes: ['workspace:read'],
        tools: ['get_workspace', 'list_workspaces', 'create_post_from_draft', 'list_workspaces'],
      });
      await expectRefused(r, 400, 'validation_failed', 'invalid');
      expect(r.body.error.message).toBe(
        "the key's scopes do not allow these tools: list_workspaces needs workspace:list; " +
          'create_post_from_draft needs posts:create drafts:read',
      );
      expect(r.body.error.details).toEqual([
        { field: 'tools', issue: 'list_workspaces needs workspace:list' },
        { field: 'tools', issue: 'create_post_from_draft needs posts:create drafts:read' },
      ]);
      expect(await state(admin.workspace.id)).toBe(before);

      const allowed = await call(admin.token, 'POST', '/api/v1/keys', {
        name: 'k',
        scopes: ['workspace:read', 'workspace:list'],
        tools: ['get_workspace', 'list_workspaces'],
      });
      await expectChanged(allowed, 201, 'POST /api/v1/keys');
      expect(allowed.body.tools).toEqual(['get_workspace', 'list_workspaces']);
    });

    it('refuses a second active key with the same name as a conflict', async () => {
      const admin = await buildWorkspaceWithKey(t.app, { role: 'admin', scopes: ['ai-publishing-assistant'] });
      const first = await call(admin.token, 'POST', '/api/v1/keys', { name: 'twin', scopes: ['workspace:read'] });
      await expectChanged(first, 201, 'POST /api/v1/keys');
      const before = await state(admin.workspace.id);
      const second = await call(admin.token, 'POST', '/api/v1/keys', { name: ' twin ', scopes: ['workspace:list'] });
      // The guards allowed the call; the service refused it. The record says both.
      await expectRefused(second, 409, 'conflict', 'allowed');
      expect(second.body.error.message).toContain('twin');
      expect(await state(admin.workspace.id)).toBe(before);
    });

    it('lets a new key take the name of an expired one, which stays listed as expired', async () => {
      const admin = await buildWorkspaceWithKey(t.app, { role: 'admin', scopes: ALL_SCOPES });
      const create = () => call(admin.token, 'POST', '/api/v1/keys', { name: 'exp2', scopes: ['workspace:read'] });
      const old = await create();
      await expectChanged(old, 201, 'POST /api/v1/keys');
      await t.db.query(`UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = $1`, [old.body.id]);

      const renewed = await create();
      await expectChanged(renewed, 201, 'POST /api/v1/keys');
      const expired = await call(admin.token, 'GET', '/api/v1/keys?status=expired');
      expect(expired.body.items).toEqual([
        expect.objectContaining({ id: old.body.id, name: 'exp2', status: 'expired' }),
      ]);
      // The name is taken again, by a key that is active: the refusal says so truly.
      const again = await create();
      await expectRefused(again, 409, 'conflict', 'allowed');
      expect(again.body.error.message).toBe('an active key named "exp2" already exists in this workspace');
    });

    it('gives audit_access only from an admin or owner whose own key has it, and lists the flag', async () => {
      const admin = await buildWorkspaceWithKey(t.app, { role: 'admin', scopes: ALL_SCOPES, auditAccess: true });
      const ws = admin.workspace.id;
      const auditor = await call(admin.token, 'POST', '/api/v1/keys', {
        name: 'auditor',
        scopes: ['workspace:read'],
        audit_access: true,
      });
      await expectChanged(auditor, 201, 'POST /api/v1/keys');
      expect(auditor.body.audit_access).toBe(true);
      const plain = await call(admin.token, 'POST', '/api/v1/keys', { name: 'plain', scopes: ['workspace:read'] });
      await expectChanged(plain, 201, 'POST /api/v1/keys');
      expect(plain.body.audit_access).toBe(false);
      const listed = await call(admin.token, 'GET', '/api/v1/keys');
      expect(listed.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: admin.key.id, audit_access: true }),
          expect.objectContaining({ id: auditor.body.id, audit_access: true }),
          expect.objectContaining({ id: plain.body.id, audit_access: false }),
        ]),
      );
      expect((await call(auditor.body.secret as string, 'GET', '/api/v1/audit')).status).toBe(200);
      expect((await call(plain.body.secret as string, 'GET', '/api/v1/audit')).status).toBe(403);

      const owner = await memberWithKey(ws, 'owner', [...ALL_SCOPES]);
      const editor = await memberWithKey(ws, 'editor');
      const before = await state(ws);
      // A key without audit_access cannot pass it on, even with an owner and every scope behind it.
      const escalation = await call(owner.token, 'POST', '/api/v1/keys', {
        name: 'escalated',
        scopes: ['workspace:read'],
        audit_access: true,
      });
      await expectRefused(escalation, 403, 'forbidden', 'denied');
      expect(escalation.body.error.message).toContain('without audit_access');
      expect(escalation.body.error.details).toEqual([{ field: 'audit_access', issue: 'beyond the creator' }]);
      // An editor cannot create keys at all, with audit_access or without.
      const byEditor = await call(editor.token, 'POST', '/api/v1/keys', {
        name: 'editor-auditor',
        scopes: ['workspace:read'],
        audit_access: true,
      });
      await expectRefused(byEditor, 403, 'insufficient_role', 'denied');
      // Nor can the operator give it to a key an editor creates: the trail is for admins.
      await expect(
        asOperator('key create', () =>
          t.app.get(ApiKeysService).create(operatorActor(), {
            workspaceId: ws,
            name: 'for-editor',
            scopes: ['workspace:read'],
            auditAccess: true,
            createdByUserId: editor.user.id,
          }),
        ),
      ).rejects.toMatchObject({
        code: 'insufficient_role',
        details: [{ field: 'audit_access', issue: 'needs admin or owner' }],
      });
      const notBoolean = await call(admin.token, 'POST', '/api/v1/keys', {
        name: 'k',
        scopes: ['workspace:read'],
        audit_access: 'yes',
      });
      await expectRefused(notBoolean, 400, 'validation_failed', 'invalid');
      expect(notBoolean.body.error.details).toEqual([expect.objectContaining({ field: 'audit_access' })]);
      expect(await state(ws)).toBe(before);
    });

    it('refuses every key route to an editor with insufficient_role', async () => {
      const editor = await buildWorkspaceWithKey(t.app, { role: 'editor', scopes: ['ai-publishing-assistant'] });
      const before = await state(editor.workspace.id);
      const attempts: [string, string, unknown?][] = [
        ['GET', '/api/v1/keys'],
        ['POST', '/api/v1/keys', { name: 'mine', scopes: ['workspace:read'] }],
        ['DELETE', `/api/v1/keys/${editor.key.id}`],
        ['DELETE', `/api/v1/keys/${editor.key.prefix}`],
      ];
      for (const [method, path, body] of attempts) {
        const r = await call(editor.token, method, path, body);
        await expectRefused(r, 403, 'insufficient_role', 'denied');
        expect(r.body.error.message).toContain('admin');
      }
      expect(await state(editor.workspace.id)).toBe(before);
      expect((await call(editor.token, 'GET', '/api/v1/workspaces')).status).toBe(200);
    });
  });

  describe('members', () => {
    it('pages the member list newest first and filters it by role', async () => {
      const owner = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
      const joined: string[] = [];
      for (const role of ['editor', 'viewer', 'editor']) {
        const user = await buildUser(t.app);
        await expectChanged(
          await call(owner.token, 'POST', '/api/v1/members', { email: user.email, role }),
          201,
          'POST /api/v1/members',
        );
        joined.push(user.id);
      }

      const first = await call(owner.token, 'GET', '/api/v1/members?limit=3');
      expect(first.status).toBe(200);
      expect(first.body.items.map((m: { user_id: string }) => m.user_id)).toEqual([...joined].reverse());
      const rest = await call(owner.token, 'GET', `/api/v1/members?limit=3&cursor=${first.body.next_cursor}`);
      expect(rest.body).toEqual({
        items: [{ user_id: owner.user.id, email: owner.user.email, role: 'owner', since: expect.any(String) }],
        next_cursor: null,
      });
      const editors = await call(owner.token, 'GET', '/api/v1/members?role=editor');
      expect(editors.body.items.map((m: { user_id: string }) => m.user_id)).toEqual([joined[2], joined[0]]);

      for (const query of ['role=boss', 'limit=x', 'cursor=%25%25']) {
        await expectRefused(
          await call(owner.token, 'GET', `/api/v1/members?${query}`),
          400,
          'validation_failed',
          'invalid',
        );
      }
    });

    it('pages members who joined within one millisecond, or at the same instant, without skipping any', async () => {
      const owner = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
      const joined: string[] = [];
      for (const at of ['2026-11-21T10:00:00.123456Z', '2026-11-21T10:00:00.123456Z', '2026-11-21T10:00:00.1234Z']) {
        const user = await buildUser(t.app);
        await expectChanged(
          await call(owner.token, 'POST', '/api/v1/members', { email: user.email, role: 'viewer' }),
          201,
          'POST /api/v1/members',
        );
        await t.db.query(`UPDATE memberships SET created_at = $3 WHERE workspace_id = $1 AND user_id = $2`, [
          owner.workspace.id,
          user.id,
          at,
        ]);
        joined.push(user.id);
      }
      const seen: string[] = [];
      let cursor = '';
      do {
        const page = await call(owner.token, 'GET', `/api/v1/members?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((m: { user_id: string }) => m.user_id));
        cursor = page.body.next_cursor ?? '';
      } while (cursor && seen.length < 10);
      // The owner joined last; the two at the same instant come by user id, newest-first order.
      expect(seen).toEqual([owner.user.id, ...joined.slice(0, 2).sort().reverse(), joined[2]]);
    });

    it('lets an owner list members, add a user by email and change their role', async () => {
      const owner = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
      const newcomer = await buildUser(t.app);

      const listed = await call(owner.token, 'GET', '/api/v1/members');
      expect(listed.status).toBe(200);
      expect(listed.body.items).toEqual([
        { user_id: owner.user.id, email: owner.user.email, role: 'owner', since: expect.any(String) },
      ]);

      const added = await call(owner.token, 'POST', '/api/v1/members', {
        email: newcomer.email.toUpperCase(),
        role: 'editor',
      });
      await expectChanged(added, 201, 'POST /api/v1/members');
      expect(added.body).toMatchObject({ user_id: newcomer.id, email: newcomer.email, role: 'editor' });

      const changed = await call(owner.token, 'PATCH', `/api/v1/members/${newcomer.id}`, { role: 'viewer' });
      await expectChanged(changed, 200, 'PATCH /api/v1/members/:userId');
      expect(changed.body).toMatchObject({ user_id: newcomer.id, role: 'viewer' });
      // The record says whose role changed (an id grants nothing) and to which role, a catalogue value.
      const [{ args_preview }] = await t.db.query<{ args_preview: string }[]>(
        `SELECT args_preview FROM audit_records WHERE correlation_id = $1`,
        [changed.requestId],
      );
      expect(JSON.parse(args_preview)).toEqual({
        body: { role: 'viewer' },
        params: { userId: newcomer.id },
        result: { member: { user_id: newcomer.id, role: 'viewer', previous_role: 'editor' } },
      });

      const after = await call(owner.token, 'GET', '/api/v1/members');
      expect(after.body.items.map((m: { user_id: string; role: string }) => [m.user_id, m.role]).sort()).toEqual(
        [
          [owner.user.id, 'owner'],
          [newcomer.id, 'viewer'],
        ].sort(),
      );

      const before = await state(owner.workspace.id);
      const again = await call(owner.token, 'POST', '/api/v1/members', { email: newcomer.email, role: 'admin' });
      await expectRefused(again, 409, 'conflict', 'allowed');
      const stranger = await call(owner.token, 'POST', '/api/v1/members', {
        email: `nobody-${randomUUID()}@example.com`,
        role: 'viewer',
      });
      await expectRefused(stranger, 404, 'not_found', 'allowed');
      const badRole = await call(owner.token, 'PATCH', `/api/v1/members/${newcomer.id}`, { role: 'superuser' });
      await expectRefused(badRole, 400, 'validation_failed', 'invalid');
      expect(await state(owner.workspace.id)).toBe(before);
    });

    it('stops an admin from making, demoting or removing an owner, but lets them remove an editor', async () => {
      const owner = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
      const ws = owner.workspace.id;
      const admin = await memberWithKey(ws, 'admin', ALL_SCOPES);
      const editor = await buildUser(t.app);
      await addMember(ws, editor.id, 'editor');
      const outsider = await buildUser(t.app);
      const before = await state(ws);

      const refusals: [string, string, unknown?][] = [
        ['POST', '/api/v1/members', { email: outsider.email, role: 'owner' }],
        ['PATCH', `/api/v1/members/${editor.id}`, { role: 'owner' }],
        ['PATCH', `/api/v1/members/${admin.user.id}`, { role: 'owner' }],
        ['PATCH', `/api/v1/members/${owner.user.id}`, { role: 'editor' }],
        ['DELETE', `/api/v1/members/${owner.user.id}`],
      ];
      for (const [method, path, body] of refusals) {
        const r = await call(admin.token, method, path, body);
        await expectRefused(r, 403, 'insufficient_role', 'denied');
        expect(r.body.error.message).toContain('owner');
      }
      expect(await state(ws)).toBe(before);

      // The editor had connected an AI client to this workspace (and to another, which stays).
      const elsewhere = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
      await addMember(elsewhere.workspace.id, editor.id, 'editor');
      for (const [grant, workspaceId] of [
        [`grant-${editor.id}`, ws],
        [`grant-other-${editor.id}`, elsewhere.workspace.id],
      ])
        await t.db.query(
          `INSERT INTO oauth_connections (grant_id, user_id, workspace_id, client_id, scopes) VALUES ($1, $2, $3, 'client', '{}')`,
          [grant, editor.id, workspaceId],
        );

      const removed = await call(admin.token, 'DELETE', `/api/v1/members/${editor.id}`);
      await expectChanged(removed, 200, 'DELETE /api/v1/members/:userId');
      expect(removed.body).toMatchObject({ user_id: editor.id, role: 'editor' });
      const connections = await t.db.query<{ workspace_id: string; revoked: boolean }[]>(
        `SELECT workspace_id, revoked_at IS NOT NULL AS revoked FROM oauth_connections WHERE user_id = $1`,
        [editor.id],
      );
      expect(Object.fromEntries(connections.map((c) => [c.workspace_id, c.revoked]))).toEqual({
        [ws]: true,
        [elsewhere.workspace.id]: false,
      });
      const left = await call(admin.token, 'GET', '/api/v1/members');
      expect(left.body.items.map((m: { user_id: string }) => m.user_id).sort()).toEqual(
        [owner.user.id, admin.user.id].sort(),
      );
    });

    it('never leaves a workspace without an owner, and allows the change once there is a second', async () => {
      const owner = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
      const ws = owner.workspace.id;
      const second = await memberWithKey(ws, 'editor', ALL_SCOPES);
      const before = await state(ws);

      const demoteSelf = await call(owner.token, 'PATCH', `/api/v1/members/${owner.user.id}`, { role: 'admin' });
      await expectRefused(demoteSelf, 409, 'conflict', 'allowed');
      expect(demoteSelf.body.error.message).toContain('last owner');
      const removeSelf = await call(owner.token, 'DELETE', `/api/v1/members/${owner.user.id}`);
      await expectRefused(removeSelf, 409, 'conflict', 'allowed');
      expect(await state(ws)).toBe(before);

      const promoted = await call(owner.token, 'PATCH', `/api/v1/members/${second.user.id}`, { role: 'owner' });
      await expectChanged(promoted, 200, 'PATCH /api/v1/members/:userId');

      const demoted = await call(owner.token, 'PATCH', `/api/v1/members/${owner.user.id}`, { role: 'admin' });
      await expectChanged(demoted, 200, 'PATCH /api/v1/members/:userId');
      expect(demoted.body).toMatchObject({ user_id: owner.user.id, role: 'admin' });

      // The remaining owner is now the last one: they cannot leave, but can remove the former owner.
      const lastLeaves = await call(second.token, 'DELETE', `/api/v1/members/${second.user.id}`);
      await expectRefused(lastLeaves, 409, 'conflict', 'allowed');
      const removed = await call(second.token, 'DELETE', `/api/v1/members/${owner.user.id}`);
      await expectChanged(removed, 200, 'DELETE /api/v1/members/:userId');
      const members = await call(second.token, 'GET', '/api/v1/members');
      expect(members.body.items).toEqual([expect.objectContaining({ user_id: second.user.id, role: 'owner' })]);
    });

    it('counts only owners who can still sign in: a disabled one does not let the last active owner go', async () => {
      const owner = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
      const ws = owner.workspace.id;
      const dormant = await buildUser(t.app);
      await addMember(ws, dormant.id, 'owner');
      await t.db.query(`UPDATE users SET status = 'disabled' WHERE id = $1`, [dormant.id]);
      const before = await state(ws);
      const leaves = await call(owner.token, 'DELETE', `/api/v1/members/${owner.user.id}`);
      await expectRefused(leaves, 409, 'conflict', 'allowed');
      expect(leaves.body.error.message).toContain('last owner');
      expect(await state(ws)).toBe(before);

      // The disabled owner may be removed, though: the active one stays.
      await expectChanged(
        await call(owner.token, 'DELETE', `/api/v1/members/${dormant.id}`),
        200,
        'DELETE /api/v1/members/:userId',
      );
    });

    it('answers a non-member or unknown id with 404 and a malformed id with 400', async () => {
      const owner = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
      const elsewhere = await buildWorkspaceWithKey(t.app, { role: 'editor' });
      const before = await state(owner.workspace.id);
      const foreignBefore = await state(elsewhere.workspace.id);

      for (const id of [elsewhere.user.id, randomUUID()]) {
        await expectRefused(await call(owner.token, 'DELETE', `/api/v1/members/${id}`), 404, 'not_found', 'allowed');
        await expectRefused(
          await call(owner.token, 'PATCH', `/api/v1/members/${id}`, { role: 'viewer' }),
          404,
          'not_found',
          'allowed',
        );
      }
      for (const id of ['not-a-uuid', `${randomUUID()}x`]) {
        await expectRefused(
          await call(owner.token, 'DELETE', `/api/v1/members/${id}`),
          400,
          'validation_failed',
          'invalid',
        );
        await expectRefused(
          await call(owner.token, 'PATCH', `/api/v1/members/${id}`, { role: 'viewer' }),
          400,
          'validation_failed',
          'invalid',
        );
      }
      expect(await state(owner.workspace.id)).toBe(before);
      expect(await state(elsewhere.workspace.id)).toBe(foreignBefore);
    });

    it('applies a demotion on the member’s very next call, and a promotion too', async () => {
      const owner = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
      const member = await memberWithKey(owner.workspace.id, 'admin', ALL_SCOPES);

      expect((await call(member.token, 'GET', '/api/v1/keys')).status).toBe(200);
      await expectChanged(
        await call(owner.token, 'PATCH', `/api/v1/members/${member.user.id}`, { role: 'editor' }),
        200,
        'PATCH /api/v1/members/:userId',
      );
      const refused = await call(member.token, 'GET', '/api/v1/keys');
      await expectRefused(refused, 403, 'insufficient_role', 'denied');
      expect(refused.body.error.message).toContain('yours is editor');
      // Weaker, not revoked: what an editor may do still works.
      expect((await call(member.token, 'GET', '/api/v1/workspaces')).status).toBe(200);

      await expectChanged(
        await call(owner.token, 'PATCH', `/api/v1/members/${member.user.id}`, { role: 'admin' }),
        200,
        'PATCH /api/v1/members/:userId',
      );
      expect((await call(member.token, 'GET', '/api/v1/keys')).status).toBe(200);
    });

    it('refuses a narrower credential the powers it does not hold, even with an owner behind it', async () => {
      // An owner hands an analytics assistant a read-only key. Were role enough, that key could make
      // anyone an owner, demote or remove members and revoke the owner's own keys.
      const owner = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
      const ws = owner.workspace.id;
      const narrow = await memberWithKey(ws, 'owner', ['read-only-analytics']);
      const editor = await buildUser(t.app);
      await addMember(ws, editor.id, 'editor');
      const outsider = await buildUser(t.app);
      const before = await state(ws);

      const attempts: [string, string, unknown, string][] = [
        ['POST', '/api/v1/members', { email: outsider.email, role: 'owner' }, 'posts:publish'],
        ['POST', '/api/v1/members', { email: outsider.email, role: 'viewer' }, 'posts:read'],
        ['PATCH', `/api/v1/members/${editor.id}`, { role: 'viewer' }, 'posts:read'],
        ['DELETE', `/api/v1/members/${editor.id}`, undefined, 'posts:create'],
        ['DELETE', `/api/v1/keys/${owner.key.id}`, undefined, 'posts:delete'],
        // Lists no scope names: they need every scope of the admin role.
        ['GET', '/api/v1/keys', undefined, 'posts:publish'],
        ['GET', '/api/v1/members', undefined, 'posts:publish'],
      ];
      for (const [method, path, body, lacking] of attempts) {
        const r = await call(narrow.token, method, path, body);
        await expectRefused(r, 403, 'insufficient_scope', 'denied');
        expect([method, path, r.body.error.message]).toEqual([method, path, expect.stringContaining(lacking)]);
        expect(r.body.error.details).toContainEqual({ field: expect.any(String), issue: lacking });
      }
      expect(await state(ws)).toBe(before);

      // The owner's full key does all of it.
      await expectChanged(
        await call(owner.token, 'POST', '/api/v1/members', { email: outsider.email, role: 'viewer' }),
        201,
        'POST /api/v1/members',
      );
      await expectChanged(
        await call(owner.token, 'DELETE', `/api/v1/members/${editor.id}`),
        200,
        'DELETE /api/v1/members/:userId',
      );
    });

    it('keeps membership to full-access keys, even for members whose role a narrower key covers', async () => {
      // An admin's key made for editing content holds every scope of the editor and viewer roles.
      // Were that enough, it could add users by email (learning who has an account) and change or
      // remove editors, reading their email in each answer, though it may not list the members.
      const owner = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
      const ws = owner.workspace.id;
      const content = await memberWithKey(ws, 'admin', [...ROLE_CEILINGS.editor]);
      const editor = await buildUser(t.app);
      await addMember(ws, editor.id, 'editor');
      const viewer = await buildUser(t.app);
      await addMember(ws, viewer.id, 'viewer');
      const outsider = await buildUser(t.app);
      const before = await state(ws);
      const lacking = [...ROLE_CEILINGS.admin].filter((s) => !ROLE_CEILINGS.editor.has(s));
      expect(lacking.length).toBeGreaterThan(0);

      const attempts: [string, string, unknown][] = [
        ['POST', '/api/v1/members', { email: outsider.email, role: 'viewer' }],
        ['POST', '/api/v1/members', { email: `nobody-${randomUUID()}@example.com`, role: 'viewer' }],
        ['PATCH', `/api/v1/members/${editor.id}`, { role: 'editor' }],
        ['PATCH', `/api/v1/members/${viewer.id}`, { role: 'editor' }],
        ['DELETE', `/api/v1/members/${viewer.id}`, undefined],
      ];
      for (const [method, path, body] of attempts) {
        const r = await call(content.token, method, path, body);
        await expectRefused(r, 403, 'insufficient_scope', 'denied');
        expect([method, path, r.text]).toEqual([method, path, expect.not.stringContaining('@')]);
        expect(sorted(r.body.error.details.map((d: { issue: string }) => d.issue))).toEqual(sorted(lacking));
      }
      expect(await state(ws)).toBe(before);

      // The same admin's full-access key may.
      const full = await memberWithKey(ws, 'admin', [...ROLE_CEILINGS.admin]);
      await expectChanged(
        await call(full.token, 'PATCH', `/api/v1/members/${viewer.id}`, { role: 'editor' }),
        200,
        'PATCH /api/v1/members/:userId',
      );
    });

    it('does not let an expiring key give access that outlives it, but lets it take access away', async () => {
      const owner = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
      const ws = owner.workspace.id;
      const admin = await buildUser(t.app);
      await addMember(ws, admin.id, 'admin');
      const { token } = await asOperator('key create', () =>
        t.app.get(ApiKeysService).create(operatorActor(), {
          workspaceId: ws,
          name: `for-an-hour-${randomUUID()}`,
          scopes: [...ROLE_CEILINGS.admin],
          expiresAt: new Date(Date.now() + 3600_000),
          createdByUserId: admin.id,
        }),
      );
      const viewer = await buildUser(t.app);
      await addMember(ws, viewer.id, 'viewer');
      const editor = await buildUser(t.app);
      await addMember(ws, editor.id, 'editor');
      const outsider = await buildUser(t.app);
      const before = await state(ws);

      for (const [method, path, body] of [
        ['POST', '/api/v1/members', { email: outsider.email, role: 'viewer' }],
        ['PATCH', `/api/v1/members/${viewer.id}`, { role: 'admin' }],
      ] as const) {
        const r = await call(token, method, path, body);
        await expectRefused(r, 403, 'forbidden', 'denied');
        expect(r.body.error.message).toContain('a key that expires cannot');
      }
      expect(await state(ws)).toBe(before);

      await expectChanged(
        await call(token, 'PATCH', `/api/v1/members/${editor.id}`, { role: 'viewer' }),
        200,
        'PATCH /api/v1/members/:userId',
      );
      await expectChanged(
        await call(token, 'DELETE', `/api/v1/members/${viewer.id}`),
        200,
        'DELETE /api/v1/members/:userId',
      );
    });

    // PGlite is a single backend: two of its transactions cannot hold locks against each other.
    (process.env.POSTERN_TEST_EMBEDDED ? it.skip : it)(
      'answers adds of one user that race each other with one member and conflicts, not a 500',
      async () => {
        const owner = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
        const ws = owner.workspace.id;
        const user = await buildUser(t.app);
        // Holding the workspace's audit chain head keeps every add from committing until all of them
        // have checked that the user is not yet a member.
        const holder = t.db.createQueryRunner();
        await holder.connect();
        await holder.startTransaction();
        try {
          await holder.query('SELECT 1 FROM audit_chain_heads WHERE chain = $1 FOR UPDATE', [ws]);
          const [{ pid }] = (await holder.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
          const adds = Array.from({ length: 4 }, () =>
            call(owner.token, 'POST', '/api/v1/members', { email: user.email, role: 'viewer' }),
          );
          // One add waits to file its record; the others wait on its new membership row.
          await waitersBehind(t.db, pid, 4);
          await holder.commitTransaction();
          const statuses = (await Promise.all(adds)).map((r) => r.status).sort();
          expect(statuses).toEqual([201, 409, 409, 409]);
        } finally {
          if (holder.isTransactionActive) await holder.rollbackTransaction();
          await holder.release();
        }
      },
    );

    it('refuses the key of a removed member with 401', async () => {
      const owner = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
      const member = await memberWithKey(owner.workspace.id, 'editor');
      expect((await call(member.token, 'GET', '/api/v1/workspaces')).status).toBe(200);

      await expectChanged(
        await call(owner.token, 'DELETE', `/api/v1/members/${member.user.id}`),
        200,
        'DELETE /api/v1/members/:userId',
      );
      const refused = await call(member.token, 'GET', '/api/v1/workspaces');
      await expectRefused(refused, 401, 'unauthenticated', 'denied');
      // Removal revokes the member's keys outright (so re-adding them cannot revive the key).
      expect(refused.body.error.message).toContain('unrevoked credential');
    });

    it('names the key and member of a disabled user in the workspace trail when it is refused', async () => {
      // The key still proves its secret: the workspace's admins should see who is still trying it.
      const owner = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
      const member = await memberWithKey(owner.workspace.id, 'editor');
      await t.db.query(`UPDATE users SET status = 'disabled' WHERE id = $1`, [member.user.id]);
      const refused = await call(member.token, 'GET', '/api/v1/workspaces');
      await expectRefused(refused, 401, 'unauthenticated', 'denied');
      const [row] = await t.db.query<{ workspace_id: string; key_id: string; user_id: string; reason: string }[]>(
        `SELECT workspace_id, key_id, user_id, reason FROM audit_records WHERE correlation_id = $1`,
        [refused.requestId],
      );
      expect(row).toEqual({
        workspace_id: owner.workspace.id,
        key_id: member.key.id,
        user_id: member.user.id,
        reason: expect.stringContaining('disabled'),
      });
    });
  });

  describe('the audit trail of grants', () => {
    it('says who gave which access to which key or member, and keeps no value outside the catalogue', async () => {
      const owner = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES, auditAccess: true });
      const newcomer = await buildUser(t.app);
      const pasted = `pst_${randomUUID().replace(/-/g, '').slice(0, 24)}`;

      const typo = await call(owner.token, 'POST', '/api/v1/keys', { name: 'k3', scopes: ['posts:read', pasted] });
      await expectRefused(typo, 400, 'validation_failed', 'invalid');
      const created = await call(owner.token, 'POST', '/api/v1/keys', {
        name: 'k4',
        scopes: ['posts:read', 'read-only-analytics'],
        tools: ['list_posts', 'get_post'],
        audit_access: true,
      });
      await expectChanged(created, 201, 'POST /api/v1/keys');
      const added = await call(owner.token, 'POST', '/api/v1/members', { email: newcomer.email, role: 'editor' });
      await expectChanged(added, 201, 'POST /api/v1/members');
      const promoted = await call(owner.token, 'PATCH', `/api/v1/members/${newcomer.id}`, { role: 'admin' });
      await expectChanged(promoted, 200, 'PATCH /api/v1/members/:userId');
      const revoked = await call(owner.token, 'DELETE', `/api/v1/keys/${created.body.prefix as string}`);
      await expectChanged(revoked, 200, 'DELETE /api/v1/keys/:keyId');

      // Read back as an admin reads the trail.
      const trail = await call(owner.token, 'GET', '/api/v1/audit?limit=20');
      expect(trail.status).toBe(200);
      const recordOf = (r: RestReply) => {
        const found = (trail.body.items as { correlation_id: string }[]).find((x) => x.correlation_id === r.requestId);
        return found as { key_id: string; user_id: string; args_preview: string } | undefined;
      };
      const preview = (r: RestReply) => JSON.parse(recordOf(r)?.args_preview ?? 'null') as unknown;
      for (const r of [typo, created, added, promoted, revoked])
        expect([r.call, recordOf(r)]).toEqual([
          r.call,
          expect.objectContaining({ key_id: owner.key.id, user_id: owner.user.id }),
        ]);

      expect(preview(typo)).toEqual({
        body: { name: 'string(2)', scopes: ['array(2)', 'posts:read', `string(${pasted.length})`] },
      });
      expect(preview(created)).toEqual({
        body: {
          name: 'string(2)',
          scopes: ['array(2)', 'posts:read', 'read-only-analytics'],
          tools: ['array(2)', 'list_posts', 'get_post'],
          audit_access: true,
        },
        result: {
          key: {
            key_id: created.body.id,
            scopes: [`array(${created.body.scopes.length})`, ...(created.body.scopes as string[])],
            tools: ['array(2)', 'list_posts', 'get_post'],
            audit_access: true,
          },
        },
      });
      expect(created.body.scopes).toEqual(expect.arrayContaining(['posts:read', 'analytics:read']));
      expect(preview(added)).toEqual({
        body: { email: `string(${newcomer.email.length})`, role: 'editor' },
        result: { member: { user_id: newcomer.id, role: 'editor' } },
      });
      expect(preview(promoted)).toEqual({
        body: { role: 'admin' },
        params: { userId: newcomer.id },
        result: { member: { user_id: newcomer.id, role: 'admin', previous_role: 'editor' } },
      });
      expect(preview(revoked)).toEqual({
        params: { keyId: 'string(16)' },
        result: { key: { key_id: created.body.id } },
      });
      // No preview keeps the value pasted as a scope; the trail has neither the new key's secret nor an email.
      expect((trail.body.items as { args_preview: string | null }[]).map((x) => x.args_preview).join()).not.toContain(
        pasted,
      );
      for (const value of [created.body.secret as string, newcomer.email]) expect(trail.text).not.toContain(value);
    });
  });

  describe('scope catalogue', () => {
    it('serves 31 scopes in 7 categories, 4 bundles and the role ceilings to any key, the same over MCP', async () => {
      const viewer = await buildWorkspaceWithKey(t.app, { role: 'viewer', scopes: ['workspace:read'] });
      const rest = await call(viewer.token, 'GET', '/api/v1/scopes');
      expect(rest.status).toBe(200);
      expect(await audit(rest.requestId)).toEqual([
        { operation: 'GET /api/v1/scopes', decision: 'allowed', outcome: 'ok', error_code: null },
      ]);

      const catalogue = rest.body as {
        categories: { id: string; scopes: { name: string; minimum_role: string }[] }[];
        bundles: { name: string; scopes: string[] }[];
        role_ceilings: Record<string, string[]>;
      };
      expect(catalogue.categories.map((c) => c.id)).toEqual(Object.keys(SCOPE_CATEGORIES));
      expect(catalogue.categories).toHaveLength(7);
      const names = catalogue.categories.flatMap((c) => c.scopes.map((s) => s.name));
      expect(names).toHaveLength(31);
      expect(sorted(names)).toEqual(sorted(ALL_SCOPES));
      expect(catalogue.categories.find((c) => c.id === 'publishing')?.scopes).toContainEqual(
        expect.objectContaining({ name: 'posts:publish', minimum_role: 'admin' }),
      );
      expect(catalogue.categories.flatMap((c) => c.scopes.map((x) => [x.name, x.minimum_role]))).toEqual(
        ALL_SCOPES.map((x) => [x, minimumRoleFor(x)]),
      );
      expect(catalogue.bundles).toHaveLength(4);
      expect(catalogue.bundles.map((b) => [b.name, sorted(b.scopes)])).toEqual(
        BUNDLE_NAMES.map((name) => [name, sorted(BUNDLES[name].scopes)]),
      );
      expect(Object.keys(catalogue.role_ceilings)).toEqual([...ROLES]);
      expect(ROLES.map((r) => catalogue.role_ceilings[r].length)).toEqual([17, 26, 31, 31]);
      expect(ROLES.map((r) => sorted(catalogue.role_ceilings[r]))).toEqual(ROLES.map((r) => sorted(ROLE_CEILINGS[r])));

      const requestId = `km-${randomUUID()}`;
      const client = await connectMcp(t.url, viewer.token, { 'x-request-id': requestId });
      try {
        const read = await client.readResource({ uri: 'postern://scopes' });
        expect(read.contents).toHaveLength(1);
        const [content] = read.contents as { uri: string; mimeType?: string; text: string }[];
        expect(content).toMatchObject({ uri: 'postern://scopes', mimeType: 'application/json' });
        expect(JSON.parse(content.text)).toEqual(rest.body);
      } finally {
        await client.close();
      }
      const rows = (await audit(requestId)).filter((r) => r.operation.startsWith('mcp resources/read'));
      expect(rows).toEqual([
        { operation: 'mcp resources/read postern://scopes', decision: 'allowed', outcome: 'ok', error_code: null },
      ]);
    });

    it('refuses the catalogue without a key, over REST and MCP', async () => {
      const rest = await call(undefined, 'GET', '/api/v1/scopes');
      await expectRefused(rest, 401, 'unauthenticated', 'denied');

      const mcp = await fetch(`${t.url}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri: 'postern://scopes' } }),
      });
      expect(mcp.status).toBe(401);
      expect(await mcp.json()).toMatchObject({ error: { code: 'unauthenticated' } });
      await expect(connectMcp(t.url)).rejects.toThrow();
    });
  });
});
