import type { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { buildUser, buildWorkspace } from '../factories';
import { launchChromium } from '../support/browser';
import { codeExchangeBody, consentedCode, type TokenResponse } from '../support/oauth-consent';
import { tokenRequest } from '../support/oauth-protocol';
import { startTestAppAtPublicUrl, type TestApp } from '../support/test-app';

interface Row {
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
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestAppAtPublicUrl({ LOG_LEVEL: 'error' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('names the person, the client and the workspace of the connection tokens are issued for', async () => {
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
});
