import { DataSource } from 'typeorm';
import { ALL_SCOPES } from '../../src/access/scopes';
import { buildUser, buildWorkspaceWithKey } from '../factories';
import { useAppWithBrowser } from '../support/app-with-browser';
import { codeExchangeBody, consentedCode, type TokenResponse } from '../support/oauth-consent';
import { mcpRequest, tokenRequest } from '../support/oauth-protocol';
import { callRest } from '../support/rest-client';

const PASSWORD = 'a long enough password';

/** Removing a member ends their AI client connections in that workspace as revoking them does. */
describe('an AI client connection when its person is removed from the workspace', () => {
  jest.setTimeout(120_000);
  const run = useAppWithBrowser();

  it('ends the grant: refresh is refused and the access token dies, even once they are added back', async () => {
    const { t, browser } = run;
    const owner = await buildWorkspaceWithKey(t.app, { scopes: ALL_SCOPES });
    const editor = await buildUser(t.app);
    const member = (method: string, path: string, body?: unknown) => callRest(t.url, owner.token, method, path, body);
    expect((await member('POST', '/api/v1/members', { email: editor.email, role: 'editor' })).status).toBe(201);

    const consented = await consentedCode(browser, t.url, {
      email: editor.email,
      password: PASSWORD,
      workspaceId: owner.workspace.id,
    });
    const tokens = (await (await tokenRequest(t.url, codeExchangeBody(consented))).json()) as Required<TokenResponse>;
    expect((await mcpRequest(t.url, tokens.access_token)).status).toBe(200);
    const refresh = async () =>
      (
        await tokenRequest(t.url, {
          grant_type: 'refresh_token',
          client_id: consented.client.client_id,
          refresh_token: tokens.refresh_token,
        })
      ).json() as Promise<TokenResponse>;

    const removal = await member('DELETE', `/api/v1/members/${editor.id}`);
    expect(removal.status).toBe(200);
    // The removal's record names the connection it ended.
    const [record] = await t.app
      .get(DataSource)
      .query<{ args_preview: string }[]>(`SELECT args_preview FROM audit_records WHERE correlation_id = $1`, [
        removal.requestId,
      ]);
    expect(JSON.parse(record.args_preview)).toMatchObject({
      result: {
        connection: {
          grant_id: ['array(1)', expect.any(String)],
          client_id: ['array(1)', consented.client.client_id],
        },
      },
    });
    expect((await mcpRequest(t.url, tokens.access_token)).status).toBe(401);
    expect(await refresh()).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });

    expect((await member('POST', '/api/v1/members', { email: editor.email, role: 'editor' })).status).toBe(201);
    expect(await refresh()).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
    expect((await mcpRequest(t.url, tokens.access_token)).status).toBe(401);
  });
});
