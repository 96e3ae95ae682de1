import { getDataSourceToken } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DataSource } from 'typeorm';
import { ALL_SCOPES } from '../../src/access/scopes';
import { buildWorkspaceWithKey } from '../factories';
import { withAuditFailing } from '../support/audit-failure';
import { launchChromium } from '../support/browser';
import { clientBrowser } from '../support/oauth-consent';
import {
  authorize,
  authorizationUrl,
  mcpRequest,
  pkce,
  registeredClient,
  tokenRequest,
  type RegisteredClient,
} from '../support/oauth-protocol';
import { startTestAppAtPublicUrl, type TestApp } from '../support/test-app';

const PASSWORD = 'a long enough password';
const CALLBACK = 'http://127.0.0.1:1/callback';

interface TokenResponse {
  access_token: string;
  scope: string;
}

describe('OAuth consent: what the person is offered', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  let browser: Browser;
  let email: string;
  let userId: string;
  let workspaceId: string;
  let workspaceName: string;
  /** The owner's key with audit_access, to read the workspace's trail as its admins do. */
  let auditKey: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    t = await startTestAppAtPublicUrl({ LOG_LEVEL: 'error' });
    browser = await launchChromium();
    const owner = await buildWorkspaceWithKey(t.app, { auditAccess: true });
    email = owner.user.email;
    userId = owner.user.id;
    workspaceId = owner.workspace.id;
    workspaceName = owner.workspace.name;
    auditKey = owner.token;
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Parameters of an authorization request; `scope` is left out unless given. */
  function authParams(client: RegisteredClient, challenge: string, extra: Record<string, string | undefined> = {}) {
    return {
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: client.redirect_uris[0],
      state: randomBytes(8).toString('hex'),
      code_challenge: challenge,
      code_challenge_method: 'S256',
      resource: `${t.url}/mcp`,
      ...extra,
    };
  }

  /** A fresh browser profile that answers the client's callback itself, and every URL it reached there. */
  async function openBrowser(): Promise<{ page: Page; callbacks: URL[] }> {
    const run = await clientBrowser(browser);
    contexts.push(run.context);
    return run;
  }

  /** Signs in at the authorization URL; returns on the page that follows: consent, or the client's callback. */
  async function signIn(page: Page, url: string): Promise<void> {
    await page.goto(url);
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    const signInPage = page.url();
    await page.click('button[type=submit]');
    // Where sign-in led nowhere (the form's CSP stops a redirect to the client), the checks after say so.
    await page.waitForURL((u) => u.href !== signInPage, { timeout: 10_000 }).catch(() => undefined);
  }

  /** The scopes the consent page offers, in its order. */
  const offered = async (page: Page): Promise<string[]> => {
    const boxes = await page.locator('input[name=scope]').all();
    return Promise.all(boxes.map(async (box) => (await box.getAttribute('value')) ?? ''));
  };

  async function approve(page: Page, callbacks: URL[]): Promise<URL> {
    await page.selectOption('#workspace', workspaceId);
    await page.click('button[value=approve]');
    await page.waitForURL(/^http:\/\/127\.0\.0\.1:1\/callback/);
    expect(callbacks).toHaveLength(1);
    return callbacks[0];
  }

  it.each([
    ['without a scope parameter', undefined, {}],
    ['with an empty scope', '', {}],
    ['with only offline_access', 'offline_access', {}],
    ['with only offline_access, asking for consent', 'offline_access', { prompt: 'consent' }],
  ])('offers every scope on the consent page to a client asking %s', async (_, scope, extra) => {
    const client = await registeredClient(t.url, CALLBACK);
    const p = pkce();
    const { page, callbacks } = await openBrowser();
    await signIn(page, authorizationUrl(t.url, authParams(client, p.challenge, { scope, ...extra })));
    // Not sent back with access_denied, nor left on the sign-in page: the person chooses first.
    expect(callbacks.map((u) => u.search)).toEqual([]);
    expect(await page.textContent('h1')).toBe('Connect Probe Agent?');
    expect(await offered(page)).toEqual(expect.arrayContaining([...ALL_SCOPES]));
    expect(await offered(page)).toHaveLength(ALL_SCOPES.length);
    // The page says beforehand what this owner's draft-first workspace will not give an agent.
    expect(await page.textContent('#withheld')).toBe(
      `In ${workspaceName}, not posts:schedule, posts:publish (drafts only for agents there).`,
    );
    expect(await page.textContent('label:has(input[value="posts:publish"])')).toContain('(admin or above)');

    const callback = await approve(page, callbacks);
    const code = callback.searchParams.get('code');
    expect(code).toEqual(expect.any(String));
    const res = await tokenRequest(t.url, {
      grant_type: 'authorization_code',
      client_id: client.client_id,
      code: code!,
      redirect_uri: CALLBACK,
      code_verifier: p.verifier,
    });
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as TokenResponse;
    // What the person allowed, capped as always: the workspace is draft-first, so no publishing.
    const granted = tokens.scope.split(' ');
    expect(granted).toEqual(expect.arrayContaining(['workspace:list', 'drafts:create', 'posts:create']));
    expect(granted).not.toContain('posts:publish');
    expect((await mcpRequest(t.url, tokens.access_token)).status).toBe(200);
  });

  it('offers a client that registered scopes only those, and refuses one that registered none of them', async () => {
    const register = async (scope: string) => {
      const res = await fetch(`${t.url}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_name: 'Probe Agent',
          redirect_uris: [CALLBACK],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
          scope,
        }),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as RegisteredClient;
    };
    const narrow = await register('workspace:list posts:read');
    const { page, callbacks } = await openBrowser();
    await signIn(page, authorizationUrl(t.url, authParams(narrow, pkce().challenge)));
    expect(await offered(page)).toEqual(['workspace:list', 'posts:read']);
    expect((await approve(page, callbacks)).searchParams.get('code')).toEqual(expect.any(String));

    // Nothing could ever be granted to it: told so at once, with what to do, before anyone signs in.
    const none = await register('offline_access');
    const refused = await authorize(t.url, authParams(none, pkce().challenge, { scope: 'offline_access' }));
    expect(refused.status).toBe(303);
    const answer = new URL(refused.headers.get('location') ?? '').searchParams;
    expect(answer.get('error')).toBe('invalid_scope');
    expect(answer.get('error_description')).toContain('registered no Postern scope');
    expect(answer.get('code')).toBeNull();
  });

  /** The workspace's trail for one client and operation, as its admins read it over REST. */
  async function trail(clientId: string, operation: string) {
    const res = await fetch(`${t.url}/api/v1/audit?client=${encodeURIComponent(clientId)}`, {
      headers: { authorization: `Bearer ${auditKey}` },
    });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: (Record<string, unknown> & { args_preview: string | null })[] };
    return items
      .filter((r) => r.operation === operation)
      .map((r) => ({ ...r, args_preview: JSON.parse(r.args_preview ?? 'null') as Record<string, unknown> }));
  }

  it('makes no connection when the approval cannot be recorded, and takes the approval once it can', async () => {
    const client = await registeredClient(t.url, CALLBACK);
    const { page, callbacks } = await openBrowser();
    await signIn(page, authorizationUrl(t.url, authParams(client, pkce().challenge, { scope: 'workspace:list' })));
    const db = t.app.get<DataSource>(getDataSourceToken());
    const connections = () =>
      db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM oauth_connections WHERE client_id = $1`, [
        client.client_id,
      ]);

    await withAuditFailing(
      db,
      'POST /console/interaction/:uid/consent',
      async () => {
        await page.selectOption('#workspace', workspaceId);
        const [answer] = await Promise.all([page.waitForNavigation(), page.click('button[value=approve]')]);
        expect(answer?.status()).toBe(503);
      },
      { client_id: client.client_id },
    );
    expect(callbacks).toEqual([]);
    expect(await connections()).toEqual([{ n: 0 }]);

    // The refusal's page leads back to the request, which still waits for the decision.
    await page.click('text=Back to the sign-in request');
    expect(await page.textContent('h1')).toBe('Connect Probe Agent?');
    await approve(page, callbacks);
    expect(await connections()).toEqual([{ n: 1 }]);
  });

  it('records a consent and a revocation with the person, the client and the connection they made or ended', async () => {
    const client = await registeredClient(t.url, CALLBACK);
    const { page, callbacks } = await openBrowser();
    const asked = 'workspace:list drafts:create posts:publish';
    await signIn(page, authorizationUrl(t.url, authParams(client, pkce().challenge, { scope: asked })));
    await approve(page, callbacks);
    const [connection] = await t.app
      .get<DataSource>(getDataSourceToken())
      .query<{ grant_id: string }[]>(`SELECT grant_id FROM oauth_connections WHERE client_id = $1`, [client.client_id]);

    // In the workspace's trail, found by the client: who consented, and what was granted. Every
    // box was ticked; the draft-first workspace kept publishing from the agent.
    const [consent] = await trail(client.client_id, 'POST /console/interaction/:uid/consent');
    expect(consent).toMatchObject({ actor_kind: 'user', user_id: userId, client_id: client.client_id });
    expect((consent.args_preview.body as { scope: unknown }).scope).toEqual(
      expect.arrayContaining(['array(3)', 'posts:publish']),
    );
    const { connection: made } = consent.args_preview.result as { connection: Record<string, unknown> };
    expect(made).toEqual({ grant_id: connection.grant_id, client_id: client.client_id, scopes: expect.any(Array) });
    expect([...(made.scopes as string[])].sort()).toEqual(['array(2)', 'drafts:create', 'workspace:list']);

    await page.goto(`${t.url}/console/connections`);
    await page.click('table form button');
    await page.waitForURL(/revoked=1/);
    const [revoked] = await t.app.get<DataSource>(getDataSourceToken()).query<Record<string, unknown>[]>(
      `SELECT chain, workspace_id, actor_kind, user_id, args_preview FROM audit_records
          WHERE operation = 'POST /console/connections/:grantId/revoke' AND args_preview LIKE $1`,
      [`%${connection.grant_id}%`],
    );
    expect(revoked).toMatchObject({
      chain: workspaceId,
      workspace_id: workspaceId,
      actor_kind: 'user',
      user_id: userId,
    });
    expect((JSON.parse(revoked.args_preview as string) as { result: unknown }).result).toEqual({
      connection: { grant_id: connection.grant_id, client_id: client.client_id },
    });
  });
});
