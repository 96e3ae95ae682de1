import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { operatorActor } from '../../src/access/actor';
import { WorkspacesService } from '../../src/domain/workspaces/workspaces.service';
import { asOperator, buildWorkspaceWithKey } from '../factories';
import { buildPost, buildSocialAccount } from '../factories/drafts-posts';
import { connectMcp, toolError } from '../support/mcp-client';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Actions the workspace policy reserves for a person's approval (deletes, by default) are not
 * executed when an agent or key asks. Approval requests are not built yet, so the gate fails
 * closed: refused, audited as denied, nothing changed — until an owner changes the policy.
 */
describe('approval gate', () => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t.close();
  });

  const deletedAt = async (postId: string) =>
    (await db.query<{ deleted_at: Date | null }[]>('SELECT deleted_at FROM posts WHERE id = $1', [postId]))[0]
      .deleted_at;

  it('refuses a key’s delete under the default policy on MCP and REST, audits it, and deletes nothing', async () => {
    const { workspace, token } = await buildWorkspaceWithKey(t.app, { scopes: ['posts:read', 'posts:delete'] });
    const account = await buildSocialAccount(t.app, workspace.id, 'linkedin');
    const post = await buildPost(t.app, workspace.id, { social_account_ids: [account.id] });
    const requestId = `gate-${randomUUID()}`;
    const client = await connectMcp(t.url, token, { 'x-request-id': requestId });
    try {
      const err = toolError(await client.callTool({ name: 'delete_post', arguments: { post_id: post.id } }));
      expect(err.code).toBe('approval_required');
      expect(err.message).toContain('--require-approval-for');
    } finally {
      await client.close();
    }
    const rest = await fetch(`${t.url}/api/v1/posts/${post.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(rest.status).toBe(403);
    expect(((await rest.json()) as { error: { code: string } }).error.code).toBe('approval_required');
    expect(await deletedAt(post.id)).toBeNull();
    const audit = await db.query<{ decision: string; error_code: string }[]>(
      `SELECT decision, error_code FROM audit_records WHERE correlation_id = $1 AND operation = 'mcp tools/call delete_post'`,
      [requestId],
    );
    expect(audit).toEqual([{ decision: 'denied', error_code: 'approval_required' }]);
  });

  it('refuses a reserved call for approval before looking at its arguments, as the guards order it', async () => {
    // A refusal naming the bad fields would describe a tool the policy keeps from the key.
    const { token } = await buildWorkspaceWithKey(t.app, { scopes: ['posts:read', 'posts:delete', 'drafts:create'] });
    const requestId = `gate-args-${randomUUID()}`;
    const client = await connectMcp(t.url, token, { 'x-request-id': requestId });
    try {
      for (const args of [{ post_id: 'not-an-id' }, {}, { post_id: randomUUID(), extra: 1 }]) {
        const err = toolError(await client.callTool({ name: 'delete_post', arguments: args }));
        expect([args, err.code]).toEqual([args, 'approval_required']);
      }
      // The scopes an argument adds come before the arguments too: draft_id needs drafts:read.
      const err = toolError(
        await client.callTool({ name: 'validate_post', arguments: { draft_id: randomUUID(), bogus: 1 } }),
      );
      expect(err.code).toBe('insufficient_scope');
      expect(err.message).toContain('drafts:read');
    } finally {
      await client.close();
    }
    const audit = await db.query<{ operation: string; decision: string; error_code: string }[]>(
      `SELECT operation, decision, error_code FROM audit_records
        WHERE correlation_id = $1 AND operation LIKE 'mcp tools/call %' ORDER BY id`,
      [requestId],
    );
    expect(audit).toEqual([
      ...[1, 2, 3].map(() => ({
        operation: 'mcp tools/call delete_post',
        decision: 'denied',
        error_code: 'approval_required',
      })),
      { operation: 'mcp tools/call validate_post', decision: 'denied', error_code: 'insufficient_scope' },
    ]);
  });

  it('does not offer a key the tools the policy reserves, and offers them once the owner allows them', async () => {
    const { workspace, token } = await buildWorkspaceWithKey(t.app, {
      scopes: ['posts:read', 'posts:publish', 'posts:schedule', 'posts:delete'],
      role: 'owner',
    });
    const listed = async () => {
      const client = await connectMcp(t.url, token);
      try {
        return (await client.listTools()).tools.map((tool) => tool.name).sort();
      } finally {
        await client.close();
      }
    };
    // By default publish, schedule and delete wait for a person: none of those tools is offered.
    const before = await listed();
    expect(before).toEqual(expect.arrayContaining(['get_post', 'list_posts', 'validate_post']));
    for (const gated of ['publish_post', 'schedule_post', 'delete_post']) expect(before).not.toContain(gated);
    await asOperator('workspace settings', () =>
      t.app.get(WorkspacesService).updateSettings(operatorActor(), workspace.id, {
        approval_policy: { require_approval_for: ['delete'] },
      }),
    );
    expect(await listed()).toEqual([...before, 'publish_post', 'schedule_post'].sort());
  });

  it('lets the key delete directly once an owner takes deletes out of the approval policy', async () => {
    const { workspace, token } = await buildWorkspaceWithKey(t.app, { scopes: ['posts:read', 'posts:delete'] });
    const account = await buildSocialAccount(t.app, workspace.id, 'linkedin');
    const post = await buildPost(t.app, workspace.id, { social_account_ids: [account.id] });
    await asOperator('workspace settings', () =>
      t.app.get(WorkspacesService).updateSettings(operatorActor(), workspace.id, {
        approval_policy: { require_approval_for: ['publish', 'schedule'] },
      }),
    );
    const res = await fetch(`${t.url}/api/v1/posts/${post.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(await deletedAt(post.id)).not.toBeNull();
  });
});
