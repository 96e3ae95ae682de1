import { DataSource } from 'typeorm';
import { buildUser, buildWorkspace } from '../factories';
import { useAppWithBrowser } from '../support/app-with-browser';
import { codeExchangeBody, consentedCode, type TokenResponse } from '../support/oauth-consent';
import { tokenRequest } from '../support/oauth-protocol';

interface Row {
  operation?: string;
  reason?: string | null;
  error_code?: string | null;
  args_preview?: string | null;
  chain: string;
  workspace_id: string | null;
  actor_kind: string | null;
  user_id: string | null;
  client_id: string | null;
  decision: string;
  scopes_presented: string[];
}

/**
 * A token request that issues tokens (a code exchange, a refresh) is filed in the trail of the
 * connection's workspace and names the person and the client, so its admins see a connection in use.
 */
describe('audit records of token requests', () => {
  jest.setTimeout(120_000);
  const run = useAppWithBrowser();

  it('names the person, the client and the workspace of the connection tokens are issued for', async () => {
    const { t, browser } = run;
    const user = await buildUser(t.app);
    const workspace = await buildWorkspace(t.app, 'Token Audit Workspace', user.id);
    const consented = await consentedCode(browser, t.url, {
      email: user.email,
      password: 'a long enough password',
      workspaceId: workspace.id,
    });
    const first = (await (await tokenRequest(t.url, codeExchangeBody(consented))).json()) as TokenResponse;
    expect(first.refresh_token).toEqual(expect.any(String));
    const refreshed = await tokenRequest(t.url, {
      grant_type: 'refresh_token',
      client_id: consented.client.client_id,
      refresh_token: first.refresh_token as string,
    });
    expect(refreshed.status).toBe(200);

    const rows = await t.app.get(DataSource).query<Row[]>(
      `SELECT chain, workspace_id, actor_kind, user_id, client_id, decision, scopes_presented FROM audit_records
          WHERE operation = 'POST /oauth/token' AND client_id = $1 ORDER BY seq`,
      [consented.client.client_id],
    );
    const issued = {
      chain: workspace.id,
      workspace_id: workspace.id,
      actor_kind: 'agent',
      user_id: user.id,
      client_id: consented.client.client_id,
      decision: 'allowed',
      scopes_presented: ['workspace:list', 'workspace:read'],
    };
    expect(rows).toEqual([issued, issued]);
  });

  it('files a connection ended by a replayed refresh token, or by the client itself, in its workspace', async () => {
    const { t, browser } = run;
    const user = await buildUser(t.app);
    const workspace = await buildWorkspace(t.app, 'Token Reuse Workspace', user.id);
    const person = { email: user.email, password: 'a long enough password', workspaceId: workspace.id };
    const db = t.app.get(DataSource);
    const recordsOf = (clientId: string, operation: string) =>
      db.query<Row[]>(
        `SELECT operation, chain, workspace_id, actor_kind, user_id, client_id, decision, error_code, reason, args_preview
           FROM audit_records WHERE operation = $2 AND (client_id = $1 OR args_preview LIKE '%' || $1 || '%') ORDER BY seq`,
        [clientId, operation],
      );
    const refresh = (clientId: string, refreshToken: string) =>
      tokenRequest(t.url, { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken });

    // A refresh token used twice: the second use ends the connection, as a stolen token's would.
    const stolen = await consentedCode(browser, t.url, person);
    const issued = (await (await tokenRequest(t.url, codeExchangeBody(stolen))).json()) as TokenResponse;
    expect((await refresh(stolen.client.client_id, issued.refresh_token as string)).status).toBe(200);
    const replay = await refresh(stolen.client.client_id, issued.refresh_token as string);
    expect(((await replay.json()) as TokenResponse).error).toBe('invalid_grant');
    const [, , replayed] = await recordsOf(stolen.client.client_id, 'POST /oauth/token');
    expect(replayed).toMatchObject({
      chain: workspace.id,
      actor_kind: 'agent',
      user_id: user.id,
      client_id: stolen.client.client_id,
      decision: 'denied',
      error_code: 'invalid_grant',
      reason: 'a used code or refresh token was presented again: the connection was ended',
    });
    expect(JSON.parse(replayed.args_preview as string)).toMatchObject({
      result: { connection: { client_id: stolen.client.client_id, grant_id: expect.any(String) } },
    });

    // The client revoking its own refresh token ends the connection too, on its own behalf.
    const leaving = await consentedCode(browser, t.url, person);
    const held = (await (await tokenRequest(t.url, codeExchangeBody(leaving))).json()) as TokenResponse;
    const revoked = await fetch(`${t.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: held.refresh_token as string, client_id: leaving.client.client_id }),
    });
    expect(revoked.status).toBe(200);
    const [revocation] = await recordsOf(leaving.client.client_id, 'POST /oauth/revoke');
    expect(revocation).toMatchObject({
      chain: workspace.id,
      actor_kind: 'agent',
      user_id: user.id,
      client_id: leaving.client.client_id,
      decision: 'allowed',
    });
  });
});
