import { randomUUID } from 'node:crypto';
import { operatorActor } from '../../src/access/actor';
import { ApiKeysService } from '../../src/access/api-keys/api-keys.service';
import { ALL_SCOPES } from '../../src/access/scopes';
import { UsersService } from '../../src/domain/users/users.service';
import { WorkspacesService } from '../../src/domain/workspaces/workspaces.service';
import { MAX_STREAMS_PER_CREDENTIAL } from '../../src/mcp/listen-stream-slots';
import { asOperator, buildUser, buildWorkspaceWithKey } from '../factories';
import { callRest } from '../support/rest-client';
import { endsWithin, listen as listenAt } from '../support/listen-stream';
import { useTestApp } from '../support/test-app';

/** Longest a stream may outlive its credential here: the re-check period and a margin for a busy machine. */
const END_WITHIN_MS = 10_000;

interface AuditRow {
  operation: string;
  decision: string;
  outcome: string;
  error_code: string | null;
  reason: string | null;
  workspace_id: string | null;
  key_id: string | null;
  user_id: string | null;
}

/** MCP listen streams (`subscriptions/listen`) over HTTP, opened with API keys. */
describe('MCP listen streams', () => {
  jest.setTimeout(90_000);
  const t = useTestApp();

  const listen = (token: string) => listenAt(t.url, token);

  /** The records of a request id, waiting a moment for one written after its stream ended. */
  async function recordsOf(requestId: string, count: number): Promise<AuditRow[]> {
    let rows: AuditRow[] = [];
    for (let i = 0; i < 50; i++) {
      rows = await t.db.query<AuditRow[]>(
        `SELECT operation, decision, outcome, error_code, reason, workspace_id, key_id, user_id
           FROM audit_records WHERE correlation_id = $1 ORDER BY id`,
        [requestId],
      );
      if (rows.length >= count) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return rows;
  }

  /** A member of `role` in the workspace and a key they created. */
  async function memberWithKey(workspaceId: string, role: 'editor' | 'viewer') {
    const user = await buildUser(t.app);
    await asOperator('member add', () =>
      t.app.get(WorkspacesService).addMember(operatorActor(), workspaceId, user.id, role),
    );
    const { key, token } = await asOperator('key create', () =>
      t.app.get(ApiKeysService).create(operatorActor(), {
        workspaceId,
        name: `listener-${randomUUID().slice(0, 8)}`,
        scopes: ['workspace:read'],
        createdByUserId: user.id,
      }),
    );
    return { user, key, token };
  }

  it('ends a stream whose key expires as a matter of course, not as a refusal', async () => {
    const owner = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
    const { key, token } = await asOperator('key create', () =>
      t.app.get(ApiKeysService).create(operatorActor(), {
        workspaceId: owner.workspace.id,
        name: `expiring-${randomUUID().slice(0, 8)}`,
        scopes: ['workspace:read'],
        // Time for the stream to open first even on a slow run (2 s left little); an expiry set
        // only after opening is a different case, ended as a refusal by the re-check.
        expiresAt: new Date(Date.now() + 5_000),
      }),
    );
    const stream = await listen(token);
    try {
      expect(stream.res.status).toBe(200);
      expect(await endsWithin(stream.ended, END_WITHIN_MS)).toBe(true);
    } finally {
      stream.close();
    }
    const [, ended] = await recordsOf(stream.requestId, 2);
    expect(ended).toEqual({
      operation: 'mcp subscriptions/listen ended',
      decision: 'allowed',
      outcome: 'ok',
      error_code: null,
      reason: 'the credential it was opened with expired; the client may open another',
      workspace_id: owner.workspace.id,
      key_id: key.id,
      user_id: null,
    });
  });

  it('ends a stream soon after its API key is revoked, and records why in the workspace trail', async () => {
    const owner = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
    const listener = await memberWithKey(owner.workspace.id, 'editor');
    const stream = await listen(listener.token);
    expect(stream.res.headers.get('content-type')).toContain('text/event-stream');
    // Open, and left open: a stream whose credential is fine is not ended by the checks.
    expect(await endsWithin(stream.ended, 4_000)).toBe(false);

    const revoked = await callRest(t.url, owner.token, 'DELETE', `/api/v1/keys/${listener.key.id}`);
    expect(revoked.status).toBe(200);
    const revokedAt = Date.now();
    try {
      expect(await endsWithin(stream.ended, END_WITHIN_MS)).toBe(true);
      expect((await stream.ended) - revokedAt).toBeLessThan(END_WITHIN_MS);
    } finally {
      stream.close();
    }
    expect(await recordsOf(stream.requestId, 2)).toEqual([
      expect.objectContaining({ operation: 'mcp subscriptions/listen', decision: 'allowed' }),
      {
        operation: 'mcp subscriptions/listen ended',
        decision: 'denied',
        outcome: 'error',
        error_code: 'unauthenticated',
        reason: 'credential no longer valid: the API key was revoked',
        workspace_id: owner.workspace.id,
        key_id: listener.key.id,
        user_id: listener.user.id,
      },
    ]);
  });

  it('ends a stream soon after the member behind its key is removed from the workspace', async () => {
    const owner = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
    const listener = await memberWithKey(owner.workspace.id, 'viewer');
    const stream = await listen(listener.token);
    expect(stream.res.headers.get('content-type')).toContain('text/event-stream');

    const removed = await callRest(t.url, owner.token, 'DELETE', `/api/v1/members/${listener.user.id}`);
    expect(removed.status).toBe(200);
    try {
      expect(await endsWithin(stream.ended, END_WITHIN_MS)).toBe(true);
    } finally {
      stream.close();
    }
    expect(await recordsOf(stream.requestId, 2)).toEqual([
      expect.objectContaining({ decision: 'allowed' }),
      expect.objectContaining({
        operation: 'mcp subscriptions/listen ended',
        decision: 'denied',
        // Removing a member revokes the keys they made.
        reason: 'credential no longer valid: the API key was revoked',
        workspace_id: owner.workspace.id,
        key_id: listener.key.id,
      }),
    ]);
  });

  it('ends a stream soon after the user behind its key is disabled', async () => {
    const owner = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
    const listener = await memberWithKey(owner.workspace.id, 'editor');
    const stream = await listen(listener.token);
    expect(stream.res.headers.get('content-type')).toContain('text/event-stream');

    // As `postern user disable` does it; the key itself stays unrevoked.
    await asOperator('user disable', () => t.app.get(UsersService).setStatus(listener.user.email, 'disabled'));
    try {
      expect(await endsWithin(stream.ended, END_WITHIN_MS)).toBe(true);
    } finally {
      stream.close();
    }
    expect(await recordsOf(stream.requestId, 2)).toEqual([
      expect.objectContaining({ decision: 'allowed' }),
      expect.objectContaining({
        operation: 'mcp subscriptions/listen ended',
        decision: 'denied',
        reason: 'credential no longer valid: the member behind this credential has left the workspace or was disabled',
        workspace_id: owner.workspace.id,
        key_id: listener.key.id,
      }),
    ]);
  });

  it('refuses a stream beyond the per-key cap with 429, records it, and frees a slot when a stream closes', async () => {
    const { token, workspace, key } = await buildWorkspaceWithKey(t.app, { role: 'owner' });
    const streams = await Promise.all(Array.from({ length: MAX_STREAMS_PER_CREDENTIAL }, () => listen(token)));
    const other = await memberWithKey(workspace.id, 'editor');
    try {
      expect(streams.map((s) => s.res.status)).toEqual(Array(MAX_STREAMS_PER_CREDENTIAL).fill(200));

      const refused = await listen(token);
      expect(refused.res.status).toBe(429);
      expect(refused.res.headers.get('retry-after')).toBe('30');
      expect(JSON.parse(await refused.body)).toEqual({
        error: expect.objectContaining({
          code: 'rate_limited',
          message: expect.stringContaining(`${MAX_STREAMS_PER_CREDENTIAL} open listen streams`),
          requestId: refused.requestId,
        }),
      });
      expect(await recordsOf(refused.requestId, 1)).toEqual([
        expect.objectContaining({
          operation: 'mcp subscriptions/listen',
          decision: 'denied',
          outcome: 'error',
          error_code: 'rate_limited',
          workspace_id: workspace.id,
          key_id: key.id,
        }),
      ]);

      // The cap is the key's: another key of the same workspace still opens one.
      const others = await listen(other.token);
      streams.push(others);
      expect(others.res.status).toBe(200);

      // A stream closed by its client gives its slot back.
      streams.shift()?.close();
      let again = await listen(token);
      for (let i = 0; i < 50 && again.res.status === 429; i++) {
        await new Promise((r) => setTimeout(r, 100));
        again = await listen(token);
      }
      streams.push(again);
      expect(again.res.status).toBe(200);
      expect(again.res.headers.get('content-type')).toContain('text/event-stream');
    } finally {
      streams.forEach((s) => s.close());
    }
  });
});
