import { randomUUID } from 'node:crypto';
import { buildWorkspace, buildWorkspaceWithKey } from '../factories';
import { connectMcp } from '../support/mcp-client';
import { callRest } from '../support/rest-client';
import { useTestApp } from '../support/test-app';

/**
 * Workspace settings over REST: owners change the time zone, draft-first and approval policy in
 * one audited change; anyone less, any other workspace and any bad value change nothing. (An agent
 * connection is refused too: see test/medium/workspace-settings.medium-spec.ts.)
 */
describe('workspace settings', () => {
  jest.setTimeout(60_000);
  const t = useTestApp();

  const patch = (token: string, idOrSlug: string, body: unknown) =>
    callRest(t.url, token, 'PATCH', `/api/v1/workspaces/${idOrSlug}/settings`, body);

  async function settings(workspaceId: string): Promise<unknown> {
    const [row] = await t.db.query<{ settings: unknown }[]>(`SELECT settings FROM workspaces WHERE id = $1`, [
      workspaceId,
    ]);
    return row.settings;
  }

  function audit(requestId: string) {
    return t.db.query<{ operation: string; decision: string; error_code: string | null; workspace_id: string }[]>(
      `SELECT operation, decision, error_code, workspace_id FROM audit_records WHERE correlation_id = $1`,
      [requestId],
    );
  }

  it('lets an owner change the settings; the change shows everywhere and is audited with it', async () => {
    const { token, workspace } = await buildWorkspaceWithKey(t.app, { scopes: ['workspace:read'] });
    const changed = await patch(token, workspace.slug, {
      time_zone: 'europe/berlin',
      draft_first: false,
      approval_policy: { require_approval_for: ['delete', 'publish'] },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      id: workspace.id,
      time_zone: 'Europe/Berlin',
      draft_first: false,
      approval_policy: { require_approval_for: ['publish', 'delete'], allow_self_approval: false },
    });
    expect(await settings(workspace.id)).toEqual({
      timeZone: 'Europe/Berlin',
      draftFirst: false,
      approval: { requireApprovalFor: ['publish', 'delete'], allowSelfApproval: false },
    });
    expect(await audit(changed.requestId)).toEqual([
      {
        operation: 'PATCH /api/v1/workspaces/:idOrSlug/settings',
        decision: 'allowed',
        error_code: null,
        workspace_id: workspace.id,
      },
    ]);

    // Only the fields given change; the rest of the policy stays.
    const second = await patch(token, workspace.id, { approval_policy: { allow_self_approval: true } });
    expect(second.body).toMatchObject({
      time_zone: 'Europe/Berlin',
      draft_first: false,
      approval_policy: { require_approval_for: ['publish', 'delete'], allow_self_approval: true },
    });
    const client = await connectMcp(t.url, token);
    try {
      const got = await client.callTool({ name: 'get_workspace', arguments: { workspace_id: workspace.id } });
      expect(got.structuredContent).toEqual(second.body);
    } finally {
      await client.close();
    }
  });

  it('refuses an admin, another workspace and bad values, changing nothing and auditing each', async () => {
    const admin = await buildWorkspaceWithKey(t.app, { role: 'admin', scopes: ['workspace:read'] });
    const owner = await buildWorkspaceWithKey(t.app, { scopes: ['workspace:read'] });
    const other = await buildWorkspace(t.app);
    const cases = [
      [admin, admin.workspace.id, { draft_first: false }, 403, 'insufficient_role', 'denied', 'role'],
      [owner, other.id, { draft_first: false }, 404, 'not_found', 'allowed', undefined],
      [owner, randomUUID(), { draft_first: false }, 404, 'not_found', 'allowed', undefined],
      [owner, owner.workspace.id, { time_zone: 'Mars/Olympus_Mons' }, 400, 'validation_failed', 'invalid', 'time_zone'],
      [owner, owner.workspace.id, { time_zone: '+01:00' }, 400, 'validation_failed', 'invalid', 'time_zone'],
      [owner, owner.workspace.id, { draft_first: 'no' }, 400, 'validation_failed', 'invalid', 'draft_first'],
      [owner, owner.workspace.id, { plan: 'enterprise' }, 400, 'validation_failed', 'invalid', 'plan'],
      [
        owner,
        owner.workspace.id,
        { approval_policy: { require_approval_for: ['publish', 'tweet'] } },
        400,
        'validation_failed',
        'invalid',
        'approval_policy.require_approval_for',
      ],
      [
        owner,
        owner.workspace.id,
        { approval_policy: { allow_self_approval: true, bypass: true } },
        400,
        'validation_failed',
        'invalid',
        'approval_policy.bypass',
      ],
      [owner, owner.workspace.id, {}, 400, 'validation_failed', 'invalid', '(arguments)'],
    ] as const;
    const before = await Promise.all([admin.workspace.id, owner.workspace.id, other.id].map(settings));
    for (const [who, target, body, status, code, decision, field] of cases) {
      const r = await patch(who.token, target, body);
      expect([body, r.status, r.body.error.code]).toEqual([body, status, code]);
      if (field) expect([body, r.body.error.details[0].field]).toEqual([body, field]);
      expect([body, await audit(r.requestId)]).toEqual([
        body,
        [expect.objectContaining({ decision, error_code: code })],
      ]);
    }
    expect(await Promise.all([admin.workspace.id, owner.workspace.id, other.id].map(settings))).toEqual(before);
  });
});
