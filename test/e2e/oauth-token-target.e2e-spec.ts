import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { buildUser, buildWorkspace } from '../factories';
import { launchChromium } from '../support/browser';
import { codeExchangeBody, consentedCode, type TokenResponse } from '../support/oauth-consent';
import { mcpRequest, tokenRequest } from '../support/oauth-protocol';
import { startTestAppAtPublicUrl, type TestApp } from '../support/test-app';

const PASSWORD = 'a long enough password';

/**
 * A token request naming a resource other than the MCP endpoint is refused with `invalid_target`
 * (RFC 8707) and changes nothing: the code or refresh token it carried still works. Only a replay
 * ends the grant.
 */
describe('token requests for another resource', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  let browser: Browser;
  let person: { email: string; password: string; workspaceId: string };

  beforeAll(async () => {
    t = await startTestAppAtPublicUrl({ LOG_LEVEL: 'error' });
    browser = await launchChromium();
    const user = await buildUser(t.app);
    const workspace = await buildWorkspace(t.app, 'Token Target Workspace', user.id);
    person = { email: user.email, password: PASSWORD, workspaceId: workspace.id };
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const wrongResources = () => [`${t.url}/mcp/`, t.url, 'https://other.example/mcp'];

  /** A token request refused with `invalid_target`, and its one audit record. */
  async function expectInvalidTarget(body: Record<string, string>): Promise<void> {
    const requestId = `target-${randomUUID()}`;
    const res = await tokenRequest(t.url, body, { 'x-request-id': requestId });
    const answer = (await res.json()) as TokenResponse;
    expect({ resource: body.resource, status: res.status, error: answer.error }).toEqual({
      resource: body.resource,
      status: 400,
      error: 'invalid_target',
    });
    expect(answer.access_token).toBeUndefined();
    const records = await t.app
      .get(DataSource)
      .query<{ operation: string; outcome: string }[]>(
        `SELECT operation, outcome FROM audit_records WHERE correlation_id = $1`,
        [requestId],
      );
    expect(records).toEqual([{ operation: 'POST /oauth/token', outcome: 'error' }]);
  }

  async function tokens(res: Response): Promise<Required<TokenResponse>> {
    const body = (await res.json()) as TokenResponse;
    expect({ status: res.status, error: body.error }).toEqual({ status: 200, error: undefined });
    return body as Required<TokenResponse>;
  }

  it('keeps the code redeemable after an exchange that named another resource', async () => {
    const consented = await consentedCode(browser, t.url, person);
    for (const resource of wrongResources()) await expectInvalidTarget(codeExchangeBody(consented, { resource }));

    const redeemed = await tokens(await tokenRequest(t.url, codeExchangeBody(consented, { resource: `${t.url}/mcp` })));
    expect((await mcpRequest(t.url, redeemed.access_token)).status).toBe(200);
  });

  it('keeps the refresh token and the connection after a refresh that named another resource', async () => {
    const consented = await consentedCode(browser, t.url, person);
    const first = await tokens(await tokenRequest(t.url, codeExchangeBody(consented)));
    const refresh = (extra: Record<string, string> = {}) =>
      tokenRequest(t.url, {
        grant_type: 'refresh_token',
        client_id: consented.client.client_id,
        refresh_token: first.refresh_token,
        ...extra,
      });
    for (const resource of wrongResources()) {
      await expectInvalidTarget({
        grant_type: 'refresh_token',
        client_id: consented.client.client_id,
        refresh_token: first.refresh_token,
        resource,
      });
      expect({ resource, status: (await mcpRequest(t.url, first.access_token)).status }).toEqual({
        resource,
        status: 200,
      });
    }

    const second = await tokens(await refresh());
    expect((await mcpRequest(t.url, second.access_token)).status).toBe(200);

    // A replay of the used refresh token still ends the connection (reuse detection).
    const replayed = (await (await refresh()).json()) as TokenResponse;
    expect(replayed.error).toBe('invalid_grant');
    expect((await mcpRequest(t.url, second.access_token)).status).toBe(401);
  });
});
