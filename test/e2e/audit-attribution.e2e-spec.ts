import { buildWorkspaceWithKey } from '../factories';
import { postRawMcp } from '../support/raw-mcp';
import { useTestApp } from '../support/test-app';

interface Row {
  chain: string;
  workspace_id: string | null;
  actor_kind: string | null;
  key_id: string | null;
  operation: string;
  decision: string;
  error_code: string | null;
  reason: string | null;
}

/**
 * A request refused before the guards ran (its body, its route) is filed under the workspace of
 * the credential it carried, when that credential verifies: that workspace's admins see what their
 * key sent. One with a token that does not verify names no one.
 */
describe('audit attribution of early refusals', () => {
  jest.setTimeout(60_000);
  const t = useTestApp();
  const row = async (id: string) =>
    (await t.db.query<Row[]>(`SELECT * FROM audit_records WHERE correlation_id = $1`, [id]))[0];
  const send = (token: string, id: string, path: string, init: RequestInit = {}) =>
    fetch(`${t.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'x-request-id': id,
        ...(init.headers ?? {}),
      },
    });

  it('files refusals of a live key under its workspace, naming the key', async () => {
    const { token, key, workspace } = await buildWorkspaceWithKey(t.app, {
      role: 'owner',
      scopes: ['drafts:create', 'workspace:read'],
      auditAccess: true,
    });
    const named = { chain: workspace.id, workspace_id: workspace.id, actor_kind: 'api_key', key_id: key.id };

    expect((await send(token, 'early-malformed', '/api/v1/drafts', { method: 'POST', body: '{"text":' })).status).toBe(
      400,
    );
    expect(await row('early-malformed')).toMatchObject({
      ...named,
      decision: 'invalid',
      error_code: 'malformed_json',
      reason: 'request body is not valid JSON',
    });

    expect((await send(token, 'early-route', '/api/v1/no-such-thing/42')).status).toBe(404);
    expect(await row('early-route')).toMatchObject({
      ...named,
      operation: 'GET /api/v1/no-such-thing/42',
      decision: 'invalid',
      error_code: 'not_found',
    });

    // A key pasted into a path is not kept: records are kept for good.
    expect((await send(token, 'early-pasted', `/api/v1/nothing/${token}`)).status).toBe(404);
    const pasted = await row('early-pasted');
    expect(pasted).toMatchObject({ ...named, error_code: 'not_found' });
    expect(pasted.operation).toBe(`GET /api/v1/nothing/${token.slice(0, 17)}[redacted]`);

    const batch = await postRawMcp(t.url, token, 'early-batch', [{ jsonrpc: '2.0', id: 1, method: 'tools/list' }]);
    expect(batch.status).toBe(400);
    expect(await row('early-batch')).toMatchObject({ ...named, decision: 'invalid', error_code: 'invalid_request' });

    // The workspace's admins find them in their own trail.
    const listed = (await (await send(token, 'list', '/api/v1/audit?decision=invalid')).json()) as {
      items: { correlation_id: string }[];
    };
    expect(listed.items.map((i) => i.correlation_id)).toEqual(
      expect.arrayContaining(['early-malformed', 'early-route', 'early-batch']),
    );
  });

  it('names a revoked key with the refusal its request got, and no one for a token that does not verify', async () => {
    const { token, key, workspace } = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ['drafts:create'] });
    await t.db.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [key.id]);
    await send(token, 'early-revoked', '/api/v1/drafts', { method: 'POST', body: '{"text":' });
    expect(await row('early-revoked')).toMatchObject({
      chain: workspace.id,
      key_id: key.id,
      error_code: 'malformed_json',
      reason: 'request body is not valid JSON',
    });

    const forged = `${token.slice(0, -4)}AAAA`;
    await send(forged, 'early-forged', '/api/v1/drafts', { method: 'POST', body: '{"text":' });
    expect(await row('early-forged')).toMatchObject({
      chain: 'global',
      workspace_id: null,
      actor_kind: null,
      key_id: null,
      error_code: 'malformed_json',
    });
  });

  it("leaves the authorization server's and the console's refusals to their own records", async () => {
    const { token, workspace } = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ['workspace:read'] });
    const oauth = await send(token, 'oauth-with-key', '/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&refresh_token=guess',
    });
    expect(oauth.status).toBeGreaterThanOrEqual(400);
    const authorize = await send(token, 'authorize-with-key', '/oauth/auth?response_type=code&client_id=nobody', {
      redirect: 'manual',
    });
    expect(authorize.status).toBeGreaterThanOrEqual(400);
    const form = await send(token, 'console-with-key', '/console/keys', { method: 'POST', body: '{}' });
    expect(form.status).toBeGreaterThanOrEqual(400);
    // Each answered, and recorded as the refusal it was (not as an unanswered, failed call).
    for (const [id, decision] of [
      ['oauth-with-key', 'invalid'],
      ['authorize-with-key', 'invalid'],
      ['console-with-key', 'denied'],
    ]) {
      const record = await row(id);
      expect([id, record.key_id, record.workspace_id === workspace.id, record.decision]).toEqual([
        id,
        null,
        false,
        decision,
      ]);
    }
  });
});
