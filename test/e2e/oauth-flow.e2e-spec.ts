import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { buildUser, buildWorkspace } from '../factories';
import { ARTIFACTS, launchChromium } from '../support/browser';
import { startTestAppAtPublicUrl, type TestApp } from '../support/test-app';

const PASSWORD = 'a long enough password';

/** An MCP client's OAuth state, as a desktop AI client would keep it. */
class TestOAuthClient implements OAuthClientProvider {
  info?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier = '';
  authorizationUrl?: URL;
  constructor(readonly redirect: string) {}
  get redirectUrl() {
    return this.redirect;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Test Agent',
      redirect_uris: [this.redirect],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
}

describe('connecting an AI client with OAuth', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  let browser: Browser;
  let email: string;
  let userId: string;
  let workspace: { id: string; slug: string };

  beforeAll(async () => {
    t = await startTestAppAtPublicUrl({ LOG_LEVEL: 'error' });
    browser = await launchChromium();
    const user = await buildUser(t.app);
    email = user.email;
    userId = user.id;
    workspace = await buildWorkspace(t.app, 'OAuth Workspace', user.id);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** The user's part: sign in, pick the workspace, untick a scope, allow. Returns the callback URL. */
  async function approveInBrowser(page: Page, authorizationUrl: URL, untick: string[]): Promise<URL> {
    let callback: URL | undefined;
    await page.route('http://127.0.0.1:1/**', async (route) => {
      callback = new URL(route.request().url());
      await route.fulfill({ status: 200, body: 'ok' });
    });
    await page.goto(authorizationUrl.href);
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('h1:has-text("Connect Test Agent?")');
    await page.selectOption('#workspace', workspace.id);
    for (const scope of untick) await page.uncheck(`input[name=scope][value="${scope}"]`);
    // The person is told for how long they connect the client.
    expect(await page.textContent('#lifetime')).toMatch(
      /at most 90 days\. It ends sooner if the client does not use it for 30 days.*signing out of the console does not end it/,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'consent-page.png'), fullPage: true });
    await page.click('button[value=approve]');
    await page.waitForURL(/127\.0\.0\.1:1\/callback/);
    if (!callback) throw new Error('the browser never reached the client callback');
    return callback;
  }

  it('lists the connection in the console, where revoking it ends the client’s access at once', async () => {
    const oauth = new TestOAuthClient('http://127.0.0.1:1/callback');
    const mcpUrl = new URL('/mcp', t.url);
    const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: oauth });
    await expect(new Client({ name: 'agent', version: '1' }).connect(transport)).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    const page = await browser.newPage();
    const callback = await approveInBrowser(page, oauth.authorizationUrl!, []);
    await transport.finishAuth(callback.searchParams.get('code')!);
    const call = (requestId = 'console-revocation') =>
      fetch(mcpUrl, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${oauth.saved!.access_token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'x-request-id': requestId,
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
      });
    expect((await call()).status).toBe(200);

    // The same browser is signed in to the console from the consent step.
    await page.goto(`${t.url}/console/connections`);
    expect(await page.textContent('table')).toContain('OAuth Workspace');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-connections.png'), fullPage: true });
    await page.click('table form button');
    await page.waitForURL(/revoked=1/);
    expect(await page.textContent('[role=status]')).toContain('revoked');
    await page.close();
    expect((await call('revoked-connection-call')).status).toBe(401);
    // Filed under the connection's workspace and naming its agent, for that workspace's admins to see.
    const [record] = await t.app
      .get(DataSource)
      .query<{ [column: string]: unknown }[]>(
        `SELECT * FROM audit_records WHERE correlation_id = 'revoked-connection-call'`,
      );
    expect(record).toMatchObject({
      workspace_id: workspace.id,
      chain: workspace.id,
      actor_kind: 'agent',
      client_id: oauth.info!.client_id,
      decision: 'denied',
      error_code: 'unauthenticated',
      reason: 'the agent connection was revoked or its grant ended',
    });
  });

  it('discovers, registers, authorizes in a browser, calls a tool, refreshes, revokes', async () => {
    const oauth = new TestOAuthClient('http://127.0.0.1:1/callback');
    const mcpUrl = new URL('/mcp', t.url);

    // 1. Connecting without a token: the 401 names the resource metadata; the SDK discovers,
    //    registers itself and hands us the authorization URL.
    const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: oauth });
    await expect(new Client({ name: 'agent', version: '1' }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(oauth.info?.client_id).toBeDefined();
    const authUrl = oauth.authorizationUrl!;
    expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authUrl.searchParams.get('resource')).toBe(`${t.url}/mcp`);

    // 2. The browser step.
    const page = await browser.newPage();
    const callback = await approveInBrowser(page, authUrl, ['workspace:read']);
    await page.close();
    expect(callback.searchParams.get('iss')).toBe(t.url);
    await first.finishAuth(callback.searchParams.get('code')!);
    const granted = oauth.saved!;
    expect(granted.scope?.split(' ')).toContain('workspace:list');
    expect(granted.scope?.split(' ')).not.toContain('workspace:read');
    expect(granted.refresh_token).toBeDefined();
    // The workspace is draft-first (the default): an agent never gets to publish or schedule.
    expect(granted.scope?.split(' ')).toEqual(expect.arrayContaining(['posts:create', 'drafts:create']));
    expect(granted.scope?.split(' ')).not.toContain('posts:publish');
    expect(granted.scope?.split(' ')).not.toContain('posts:schedule');

    // 3. A tool call with the token: only the consented workspace, only the consented tools.
    const client = new Client({ name: 'agent', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: oauth }));
    const listed = await client.callTool({ name: 'list_workspaces', arguments: {} });
    expect(listed.structuredContent).toEqual({ items: [expect.objectContaining({ id: workspace.id })] });
    expect((await client.listTools()).tools.map((x) => x.name)).not.toContain('get_workspace');
    await client.close();

    // 4. A missing scope is a step-up challenge (403 + WWW-Authenticate), not a tool error.
    const rawCall = (name: string, args: Record<string, unknown>) =>
      fetch(mcpUrl, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${granted.access_token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name, arguments: args } }),
      });
    const stepUp = await rawCall('get_workspace', { workspace_id: workspace.id });
    expect(stepUp.status).toBe(403);
    const challenge = stepUp.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="workspace:read"');
    expect(challenge).toContain(`resource_metadata="${t.url}/.well-known/oauth-protected-resource/mcp"`);

    // 4b. What consent cannot give is a tool error, not a challenge: a scope the draft-first policy
    //     withholds from agents, and a role too low (the user demoted to viewer).
    const callTool = async (name: string, args: Record<string, unknown>) => {
      const res = await rawCall(name, args);
      expect(res.status).toBe(200);
      const answer = (await res.json()) as { result: { isError?: boolean; content: { text: string }[] } };
      expect(answer.result.isError).toBe(true);
      return (JSON.parse(answer.result.content[0].text) as { error: { code: string; message: string } }).error;
    };
    expect(await callTool('publish_post', { post_id: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
      code: 'insufficient_scope',
    });
    const setRole = (role: string) =>
      t.app
        .get(DataSource)
        .query(`UPDATE memberships SET role = $3 WHERE workspace_id = $1 AND user_id = $2`, [
          workspace.id,
          userId,
          role,
        ]);
    await setRole('viewer');
    try {
      expect(await callTool('create_draft', { text: 'from a demoted agent' })).toMatchObject({
        code: 'insufficient_role',
        message: expect.stringContaining('editor'),
      });
    } finally {
      await setRole('owner');
    }

    // 5. Refresh rotates; the new access token works.
    const token = (body: Record<string, string>) =>
      fetch(`${t.url}/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({ client_id: oauth.info!.client_id, ...body }),
      });
    const refreshed = (await (
      await token({ grant_type: 'refresh_token', refresh_token: granted.refresh_token! })
    ).json()) as OAuthTokens;
    expect(refreshed.access_token).toBeDefined();
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(granted.refresh_token);
    const callWith = (accessToken: string) =>
      fetch(mcpUrl, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${accessToken}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'list_workspaces', arguments: {} },
        }),
      });
    expect((await callWith(refreshed.access_token)).status).toBe(200);

    // 6. Revoking the refresh token ends the grant: the access token is refused at once.
    const revoked = await fetch(`${t.url}/oauth/revoke`, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: oauth.info!.client_id,
        token: refreshed.refresh_token!,
        token_type_hint: 'refresh_token',
      }),
    });
    expect(revoked.status).toBe(200);
    const after = await callWith(refreshed.access_token);
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('resource_metadata=');
  });
});
