import { getDataSourceToken } from '@nestjs/typeorm';
import { decodeJwt, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { randomBytes, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page, Response as PageResponse } from 'playwright-core';
import type { DataSource } from 'typeorm';
import { ALL_SCOPES } from '../../src/access/scopes';
import { SecretBox } from '../../src/common/crypto/secret-box';
import { APP_CONFIG, type AppConfig } from '../../src/config/config.types';
import { loadSigningKeys } from '../../src/oauth/oauth-signing-keys';
import { buildUser, buildWorkspace, buildWorkspaceWithKey } from '../factories';
import { buildCampaign } from '../factories/drafts-posts';
import { ARTIFACTS, launchChromium } from '../support/browser';
import { clientBrowser } from '../support/oauth-consent';
import { storedClientNames } from '../support/oauth-clients';
import {
  authorizationUrl,
  authorize,
  mcpRequest,
  pkce,
  registerClient,
  registeredClient,
  tokenRequest,
  type Pkce,
  type RegisteredClient,
} from '../support/oauth-protocol';
import { withAuditFailing } from '../support/audit-failure';
import { startTestAppAtPublicUrl, type TestApp } from '../support/test-app';

const PASSWORD = 'a long enough password';
const CALLBACK = 'http://127.0.0.1:1/callback';

interface TokenResponse {
  access_token?: string;
  refresh_token?: string;
  token_type?: string;
  scope?: string;
  error?: string;
  error_description?: string;
}

/** One browser profile for one authorization: its page and every hit on the client's redirect URI. */
interface BrowserRun {
  context: BrowserContext;
  page: Page;
  callbacks: URL[];
}

describe('OAuth authorization server: what it refuses', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  let browser: Browser;
  let email: string;
  let workspaceId: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    t = await startTestAppAtPublicUrl({ LOG_LEVEL: 'error' });
    browser = await launchChromium();
    const user = await buildUser(t.app);
    email = user.email;
    workspaceId = (await buildWorkspace(t.app, 'Negative OAuth Workspace', user.id)).id;
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const mcpResource = () => `${t.url}/mcp`;

  function authParams(client: RegisteredClient, challenge: string, overrides: Record<string, string | undefined> = {}) {
    return {
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: client.redirect_uris[0],
      scope: 'workspace:list workspace:read',
      state: randomBytes(8).toString('hex'),
      code_challenge: challenge,
      code_challenge_method: 'S256',
      resource: mcpResource(),
      ...overrides,
    };
  }

  /** A 303 back to the client: the error it carries, and no code. */
  function redirectedError(res: Response, redirectUri: string): URLSearchParams {
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get('code')).toBeNull();
    expect(location.searchParams.get('iss')).toBe(t.url);
    return location.searchParams;
  }

  async function openBrowser(): Promise<BrowserRun> {
    const run = await clientBrowser(browser);
    contexts.push(run.context);
    return run;
  }

  /** Opens the authorization URL and signs in; leaves the page on the consent form. */
  async function signIn(page: Page, url: string): Promise<void> {
    await page.goto(url);
    await page.waitForSelector('h1:has-text("Sign in to Postern")');
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('h1:has-text("Connect Probe Agent?")');
    // No workspace is chosen for the person: one click on Allow cannot complete the consent.
    expect(await page.inputValue('#workspace')).toBe('');
    await page.selectOption('#workspace', workspaceId);
  }

  async function decide(run: BrowserRun, decision: 'approve' | 'deny'): Promise<URL> {
    await run.page.click(`button[value=${decision}]`);
    await run.page.waitForURL(/^http:\/\/127\.0\.0\.1:1\/callback/);
    expect(run.callbacks).toHaveLength(1);
    return run.callbacks[0];
  }

  /** A fresh client, a real consent in Chromium, and the authorization code it returns. */
  async function consentedCode(
    scope?: string,
    extra: Record<string, string> = {},
  ): Promise<{ client: RegisteredClient; p: Pkce; code: string; run: BrowserRun }> {
    const client = await registeredClient(t.url, CALLBACK);
    const p = pkce();
    const params = authParams(client, p.challenge, { ...(scope ? { scope } : {}), ...extra });
    const run = await openBrowser();
    await signIn(run.page, authorizationUrl(t.url, params));
    const callback = await decide(run, 'approve');
    expect(callback.searchParams.get('state')).toBe(params.state);
    expect(callback.searchParams.get('iss')).toBe(t.url);
    const code = callback.searchParams.get('code');
    if (!code) throw new Error(`no code in ${callback.href}`);
    return { client, p, code, run };
  }

  const exchange = (client: RegisteredClient, code: string, verifier: string) =>
    tokenRequest(t.url, {
      grant_type: 'authorization_code',
      client_id: client.client_id,
      code,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    });

  /** The exchange, answered 503 because its audit record (this client's) cannot be written. */
  const expectExchangeRefusedUnaudited = (client: RegisteredClient, code: string, verifier: string) =>
    withAuditFailing(
      t.app.get<DataSource>(getDataSourceToken()),
      'POST /oauth/token',
      async () => {
        expect((await exchange(client, code, verifier)).status).toBe(503);
      },
      { client_id: client.client_id },
    );

  /** Tokens from a real consent to `scope` (by default workspace:list and workspace:read). */
  async function tokensFor(scope?: string): Promise<{ client: RegisteredClient; tokens: Required<TokenResponse> }> {
    const { client, p, code } = await consentedCode(scope);
    const res = await exchange(client, code, p.verifier);
    expect(res.status).toBe(200);
    return { client, tokens: (await res.json()) as Required<TokenResponse> };
  }

  /** A refused token request: the status, the OAuth error, and no token of any kind. */
  async function expectTokenError(res: Response, error: string): Promise<TokenResponse> {
    const body = (await res.json()) as TokenResponse;
    expect({ status: res.status, error: body.error }).toEqual({ status: 400, error });
    expect(body.access_token).toBeUndefined();
    expect(body.refresh_token).toBeUndefined();
    return body;
  }

  async function connectionsOf(clientId: string): Promise<number> {
    const rows = await t.app
      .get<DataSource>(getDataSourceToken())
      .query<{ n: number }[]>(`SELECT count(*)::int AS n FROM oauth_connections WHERE client_id = $1`, [clientId]);
    return rows[0].n;
  }

  it('publishes metadata that binds the issuer, the S256-only PKCE and the MCP resource', async () => {
    const as = (await (await fetch(`${t.url}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(as.issuer).toBe(t.url);
    expect(ALL_SCOPES).toHaveLength(31);
    expect(as.scopes_supported).toEqual(ALL_SCOPES);
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    expect(as.authorization_response_iss_parameter_supported).toBe(true);

    for (const url of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      const prm = (await (await fetch(`${t.url}${url}`)).json()) as Record<string, unknown>;
      expect({ url, resource: prm.resource, authorization_servers: prm.authorization_servers }).toEqual({
        url,
        resource: `${t.url}/mcp`,
        authorization_servers: [t.url],
      });
    }

    const unauthenticated = await mcpRequest(t.url);
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${t.url}/.well-known/oauth-protected-resource/mcp", scope="${ALL_SCOPES.join(' ')}"`,
    );
  });

  it('registers https and loopback-http redirect URIs only', async () => {
    const refused = await registerClient(t.url, ['http://evil.example/cb']);
    const body = (await refused.json()) as { error?: string; client_id?: string };
    expect(refused.status).toBe(400);
    expect(['invalid_redirect_uri', 'invalid_client_metadata']).toContain(body.error);
    expect(body.client_id).toBeUndefined();

    for (const uri of ['https://app.example/cb', 'http://127.0.0.1:1/cb']) {
      const accepted = await registerClient(t.url, [uri]);
      expect(accepted.status).toBe(201);
      expect((await accepted.json()) as RegisteredClient).toEqual(
        expect.objectContaining({ client_id: expect.any(String), redirect_uris: [uri] }),
      );
    }

    // Ten at most: a probe stored 1 500 per client.
    const many = (n: number) => Array.from({ length: n }, (_, i) => `https://app.example/cb/${i}`);
    const tooMany = await registerClient(t.url, many(11));
    expect([tooMany.status, await tooMany.json()]).toEqual([
      400,
      { error: 'invalid_redirect_uri', error_description: 'redirect_uris: at most 10 may be registered' },
    ]);
    expect((await registerClient(t.url, many(10))).status).toBe(201);
  });

  it('asks for the password again once the person has signed out of the console', async () => {
    // The authorization server's own session outlived the console's: anyone at the browser could
    // then consent, as the person who left, to a client of their own.
    const run = await openBrowser();
    const first = await registeredClient(t.url, CALLBACK);
    await signIn(run.page, authorizationUrl(t.url, authParams(first, pkce().challenge)));
    await decide(run, 'approve');
    await run.page.goto(`${t.url}/console/connections`);
    await run.page.click('button:has-text("Sign out")');
    await run.page.waitForURL(/\/console\/login/);
    const second = await registeredClient(t.url, CALLBACK);
    await run.page.goto(authorizationUrl(t.url, authParams(second, pkce().challenge)));
    await run.page.waitForSelector('h1:has-text("Sign in to Postern")');
    expect(await run.page.locator('h1:has-text("Connect")').count()).toBe(0);
  });

  it.each([
    ['without offline_access', undefined, {}],
    // As the MCP SDK asks for it: offline_access counts only with prompt=consent (OIDC Core §11).
    ['with offline_access', 'workspace:list workspace:read offline_access', { prompt: 'consent' }],
  ])('keeps a connection made %s after its person signs out of the console', async (_, scope, extra) => {
    // A connection is a delegation the person manages under Connected AI clients, not part of the
    // browser's sign-in: MCP clients do not ask for offline_access, and signing out would otherwise
    // cut every one of them off.
    const { client, p, code, run } = await consentedCode(scope, extra);
    const first = await exchange(client, code, p.verifier);
    expect(first.status).toBe(200);
    const tokens = (await first.json()) as Required<TokenResponse>;
    await run.page.goto(`${t.url}/console/connections`);
    await run.page.click('button:has-text("Sign out")');
    await run.page.waitForURL(/\/console\/login/);

    const refreshed = await tokenRequest(t.url, {
      grant_type: 'refresh_token',
      client_id: client.client_id,
      refresh_token: tokens.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as Required<TokenResponse>;
    expect((await mcpRequest(t.url, next.access_token)).status).toBe(200);
  });

  it('shows when a connection ends, and lists it no more once its grant has ended', async () => {
    const { client, p, code, run } = await consentedCode();
    const first = await exchange(client, code, p.verifier);
    const tokens = (await first.json()) as Required<TokenResponse>;
    const grantId = String(decodeJwt(tokens.access_token).gid);
    const row = run.page.locator(`tr:has(form[action="/console/connections/${grantId}/revoke"])`);
    await run.page.goto(`${t.url}/console/connections`);
    const day = (days: number) => new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);
    expect(await row.textContent()).toContain(`by ${day(30)} if unused until then; at the latest ${day(90)}`);

    const box = new SecretBox(t.app.get<AppConfig & { secretKey: string }>(APP_CONFIG).secretKey, 'oauth');
    const grantKey = box.digest(`Grant:${grantId}`);
    const db = t.app.get<DataSource>(getDataSourceToken());
    await db.query(`UPDATE oauth_artifacts SET expires_at = now() - interval '1 second' WHERE key = $1`, [grantKey]);
    expect((await run.page.reload())?.status()).toBe(200);
    expect(await run.page.textContent('h1')).toBe('Connected AI clients');
    expect(await row.count()).toBe(0);
    // The page agrees with the endpoint: the connection's token no longer works either.
    expect((await mcpRequest(t.url, tokens.access_token)).status).toBe(401);
  });

  it('moves a connection’s end on when it refreshes, whatever was recorded about its client', async () => {
    const { client, p, code, run } = await consentedCode();
    const tokens = (await (await exchange(client, code, p.verifier)).json()) as Required<TokenResponse>;
    const grantId = String(decodeJwt(tokens.access_token).gid);
    const row = run.page.locator(`tr:has(form[action="/console/connections/${grantId}/revoke"])`);
    const box = new SecretBox(t.app.get<AppConfig & { secretKey: string }>(APP_CONFIG).secretKey, 'oauth');
    const db = t.app.get<DataSource>(getDataSourceToken());
    // Its refresh token has 5 days left, and consent recorded (wrongly, say) a client that cannot renew.
    await db.query(
      `UPDATE oauth_artifacts SET expires_at = now() + interval '5 days' WHERE grant_key = $1 AND model = 'RefreshToken'`,
      [box.digest(`grant:${grantId}`)],
    );
    await db.query(
      `UPDATE oauth_connections SET renews = false, created_at = now() - interval '40 minutes' WHERE grant_id = $1`,
      [grantId],
    );
    const day = (days: number) => new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);
    await run.page.goto(`${t.url}/console/connections`);
    expect(await row.textContent()).toContain(`by ${day(5)} if unused until then; at the latest ${day(90)}`);

    const refreshed = await tokenRequest(t.url, {
      grant_type: 'refresh_token',
      client_id: client.client_id,
      refresh_token: tokens.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    await run.page.reload();
    expect(await row.textContent()).toContain(`by ${day(30)} if unused until then`);
  });

  it('lists a connection no more once its refresh token lapsed unused', async () => {
    const { client, p, code, run } = await consentedCode();
    const tokens = (await (await exchange(client, code, p.verifier)).json()) as Required<TokenResponse>;
    const grantId = String(decodeJwt(tokens.access_token).gid);
    const row = run.page.locator(`tr:has(form[action="/console/connections/${grantId}/revoke"])`);
    await run.page.goto(`${t.url}/console/connections`);
    expect(await row.count()).toBe(1);

    // 30 days without a refresh, long after the consent and its first access token.
    const box = new SecretBox(t.app.get<AppConfig & { secretKey: string }>(APP_CONFIG).secretKey, 'oauth');
    const db = t.app.get<DataSource>(getDataSourceToken());
    await db.query(
      `UPDATE oauth_artifacts SET expires_at = now() - interval '1 second' WHERE grant_key = $1 AND model = 'RefreshToken'`,
      [box.digest(`grant:${grantId}`)],
    );
    await db.query(`UPDATE oauth_connections SET created_at = now() - interval '40 minutes' WHERE grant_id = $1`, [
      grantId,
    ]);
    expect((await run.page.reload())?.status()).toBe(200);
    expect(await run.page.textContent('h1')).toBe('Connected AI clients');
    expect(await row.count()).toBe(0);
    // The page agrees with the token endpoint: the lapsed refresh token is refused.
    const refreshed = await tokenRequest(t.url, {
      grant_type: 'refresh_token',
      client_id: client.client_id,
      refresh_token: tokens.refresh_token,
    });
    expect(refreshed.status).toBe(400);
  });

  it('lists the connection of a client that cannot refresh only while its one access token lasts', async () => {
    const registered = await registerClient(t.url, [CALLBACK], 'Probe Agent', ['authorization_code']);
    const client = (await registered.json()) as RegisteredClient;
    const p = pkce();
    const run = await openBrowser();
    await signIn(run.page, authorizationUrl(t.url, authParams(client, p.challenge)));
    const code = (await decide(run, 'approve')).searchParams.get('code') ?? '';
    const tokens = (await (await exchange(client, code, p.verifier)).json()) as TokenResponse;
    expect(tokens.refresh_token).toBeUndefined();
    const grantId = String(decodeJwt(tokens.access_token ?? '').gid);
    const row = run.page.locator(`tr:has(form[action="/console/connections/${grantId}/revoke"])`);
    await run.page.goto(`${t.url}/console/connections`);
    expect(await row.textContent()).toContain('UTC (this client cannot renew its access)');

    // Consented 40 minutes ago: past the interaction's 15, the code's 1 and the token's 15 minutes,
    // its access has ended and nothing can renew it.
    await t.app
      .get<DataSource>(getDataSourceToken())
      .query(`UPDATE oauth_connections SET created_at = now() - interval '40 minutes' WHERE grant_id = $1`, [grantId]);
    expect((await run.page.reload())?.status()).toBe(200);
    expect(await run.page.textContent('h1')).toBe('Connected AI clients');
    expect(await row.count()).toBe(0);
  });

  it('tells the person how long the connection lasts, shorter for a client that cannot refresh', async () => {
    const lifetimeFor = async (grantTypes: string[]) => {
      const registered = await registerClient(t.url, [CALLBACK], 'Probe Agent', grantTypes);
      expect(registered.status).toBe(201);
      const client = (await registered.json()) as RegisteredClient;
      const run = await openBrowser();
      await signIn(run.page, authorizationUrl(t.url, authParams(client, pkce().challenge)));
      return run.page.textContent('#lifetime');
    };
    expect(await lifetimeFor(['authorization_code', 'refresh_token'])).toBe(
      'This connection lasts at most 90 days. It ends sooner if the client does not use it for 30 days, or when you disconnect it under Connected AI clients; signing out of the console does not end it.',
    );
    expect(await lifetimeFor(['authorization_code'])).toContain(
      'This client cannot renew its access: the connection ends when the access it gets now ends, 15 minutes later',
    );
  });

  it('takes a consent only from a live console session of the same account', async () => {
    const client = await registeredClient(t.url, CALLBACK);
    const run = await openBrowser();
    await signIn(run.page, authorizationUrl(t.url, authParams(client, pkce().challenge)));
    // The console session ends (expired, or removed elsewhere) while the consent page is open.
    const cookies = await run.context.cookies();
    await run.context.clearCookies();
    await run.context.addCookies(cookies.filter((c) => !c.name.includes('postern_session')));
    const answer = run.page.waitForResponse((r) => r.url().endsWith('/consent'));
    await run.page.click('button[value=approve]');
    expect((await answer).status()).toBe(403);
    expect(run.callbacks).toHaveLength(0);
  });

  it('registers no client it would have to fetch keys or sector URIs for while answering', async () => {
    const register = (metadata: Record<string, unknown>) =>
      fetch(`${t.url}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ client_name: 'Probe Agent', redirect_uris: [CALLBACK], ...metadata }),
      });
    const outcome = async (metadata: Record<string, unknown>) => {
      const res = await register(metadata);
      const body = (await res.json()) as { error?: string; error_description?: string; client_id?: string };
      return { metadata, status: res.status, error: body.error, description: body.error_description };
    };
    for (const metadata of [
      { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://keys.example/jwks.json' },
      { token_endpoint_auth_method: 'client_secret_jwt' },
    ])
      expect(await outcome(metadata)).toEqual(
        expect.objectContaining({ metadata, status: 400, error: 'invalid_client_metadata' }),
      );
    // Refused for what it is, before any fetch (a failed fetch would say it could not load it).
    const sector = { token_endpoint_auth_method: 'none', sector_identifier_uri: 'https://sector.example/uris.json' };
    expect(await outcome(sector)).toEqual({
      metadata: sector,
      status: 400,
      error: 'invalid_client_metadata',
      description: 'sector_identifier_uri is not supported',
    });
    for (const method of ['none', 'client_secret_basic', 'client_secret_post'])
      expect((await register({ token_endpoint_auth_method: method })).status).toBe(201);
    // The name heads the consent page: nothing in it may reorder, hide or crowd out the rest.
    for (const client_name of ['Claude\u202e', 'Claude\u200b', 'Cla\u0000ude', 'Claude\ud83d', 'C'.repeat(65)])
      expect(await outcome({ client_name })).toEqual(
        expect.objectContaining({ status: 400, error: 'invalid_client_metadata' }),
      );
    expect((await register({ client_name: 'Claude ✳ Desktop' })).status).toBe(201);

    const as = (await (await fetch(`${t.url}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    for (const endpoint of ['token', 'revocation'])
      expect(as[`${endpoint}_endpoint_auth_methods_supported`]).toEqual([
        'none',
        'client_secret_basic',
        'client_secret_post',
      ]);
  });

  it('never redirects to a redirect URI the client did not register', async () => {
    const client = await registeredClient(t.url, CALLBACK);
    const { challenge } = pkce();
    for (const redirect of ['https://attacker.example/cb', 'http://127.0.0.1:2/callback', `${CALLBACK}/extra`]) {
      const res = await authorize(t.url, authParams(client, challenge, { redirect_uri: redirect }));
      expect({ redirect, status: res.status, location: res.headers.get('location') }).toEqual({
        redirect,
        status: 400,
        location: null,
      });
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_redirect_uri');
    }
  });

  it('requires PKCE with S256: plain and a missing challenge are refused', async () => {
    const client = await registeredClient(t.url, CALLBACK);
    const p = pkce();

    const plain = redirectedError(
      await authorize(t.url, authParams(client, p.verifier, { code_challenge_method: 'plain' })),
      CALLBACK,
    );
    expect(plain.get('error')).toBe('invalid_request');
    expect(plain.get('error_description')).toContain('code_challenge_method');

    const missing = redirectedError(
      await authorize(
        t.url,
        authParams(client, p.challenge, { code_challenge: undefined, code_challenge_method: undefined }),
      ),
      CALLBACK,
    );
    expect(missing.get('error')).toBe('invalid_request');
    expect(missing.get('error_description')).toContain('PKCE');

    // Sanity: the same request with S256 is taken to the sign-in page.
    const ok = await authorize(t.url, authParams(client, p.challenge));
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toMatch(/^\/console\/interaction\/[\w-]+$/);
  });

  it('requires the resource indicator, and only the MCP endpoint as resource', async () => {
    const client = await registeredClient(t.url, CALLBACK);
    const { challenge } = pkce();

    // The client and its redirect URI are valid, so the refusal travels back to it (RFC 6749 §4.1.2.1).
    const missing = redirectedError(
      await authorize(t.url, authParams(client, challenge, { resource: undefined })),
      CALLBACK,
    );
    expect(missing.get('error')).toBe('invalid_target');
    expect(missing.get('error_description')).toContain('/mcp');

    for (const resource of ['https://other.example/mcp', `${t.url}/api/v1`, `${t.url}/mcp/`]) {
      const res = await authorize(t.url, authParams(client, challenge, { resource }));
      const params = redirectedError(res, CALLBACK);
      expect({ resource, error: params.get('error') }).toEqual({ resource, error: 'invalid_target' });
    }
  });

  it('redeems a code once even when several token requests race with it', async () => {
    const { client, p, code } = await consentedCode();
    const results = await Promise.all([1, 2, 3, 4].map(() => exchange(client, code, p.verifier)));
    expect(results.map((r) => r.status).filter((status) => status === 200)).toHaveLength(1);
  });

  it('refuses a replayed authorization code and ends the grant it came from', async () => {
    const { client, p, code } = await consentedCode();
    const first = await exchange(client, code, p.verifier);
    expect(first.status).toBe(200);
    const tokens = (await first.json()) as Required<TokenResponse>;
    expect((await mcpRequest(t.url, tokens.access_token)).status).toBe(200);

    await expectTokenError(await exchange(client, code, p.verifier), 'invalid_grant');

    // The first exchange's tokens die with the grant (RFC 6749 §4.1.2, OAuth 2.1 §4.1.3).
    const after = await mcpRequest(t.url, tokens.access_token);
    expect(after.status).toBe(401);
    await expectTokenError(
      await tokenRequest(t.url, {
        grant_type: 'refresh_token',
        client_id: client.client_id,
        refresh_token: tokens.refresh_token,
      }),
      'invalid_grant',
    );
  });

  it('keeps the grant and its connection when a replayed code’s request cannot be audited, and ends both once it can', async () => {
    const db = t.app.get<DataSource>(getDataSourceToken());
    const { client, p, code } = await consentedCode();
    const first = await exchange(client, code, p.verifier);
    expect(first.status).toBe(200);
    const tokens = (await first.json()) as Required<TokenResponse>;
    const grantId = String(decodeJwt(tokens.access_token).gid);
    const revokedAt = async () =>
      (
        await db.query<{ revoked_at: Date | null }[]>(`SELECT revoked_at FROM oauth_connections WHERE grant_id = $1`, [
          grantId,
        ])
      )[0]?.revoked_at;

    // Refused (503): the grant's revocation is rolled back, and the connection is not marked revoked.
    await expectExchangeRefusedUnaudited(client, code, p.verifier);
    expect(await revokedAt()).toBeNull();
    expect((await mcpRequest(t.url, tokens.access_token)).status).toBe(200);

    await expectTokenError(await exchange(client, code, p.verifier), 'invalid_grant');
    expect(await revokedAt()).toBeInstanceOf(Date);
    expect((await mcpRequest(t.url, tokens.access_token)).status).toBe(401);
  });

  it('stores nothing of a request whose audit record cannot be written: no client, and the code stays unused', async () => {
    const db = t.app.get<DataSource>(getDataSourceToken());
    const name = `Refused Agent ${randomUUID()}`;
    const requestId = `refused-registration-${randomUUID()}`;
    await withAuditFailing(
      db,
      'POST /oauth/register',
      async () => {
        const refused = await registerClient(t.url, [CALLBACK], name, undefined, { 'x-request-id': requestId });
        expect(refused.status).toBe(503);
        expect(await refused.json()).toMatchObject({ error: { code: 'unavailable' } });
      },
      { correlation_id: requestId },
    );
    expect(await storedClientNames(t.app)).not.toContain(name);
    // The control: the same registration, once its record can be written, is stored and found.
    expect((await registerClient(t.url, [CALLBACK], name)).status).toBe(201);
    expect(await storedClientNames(t.app)).toContain(name);

    // The token request that consumes a code, refused: the code was not used, so it still redeems.
    const { client, p, code } = await consentedCode();
    await expectExchangeRefusedUnaudited(client, code, p.verifier);
    const redeemed = await exchange(client, code, p.verifier);
    expect(redeemed.status).toBe(200);
    expect((await redeemed.json()) as TokenResponse).toMatchObject({ access_token: expect.any(String) });
  });

  it('refuses a code with the wrong PKCE verifier, or none', async () => {
    const { client, code } = await consentedCode();
    await expectTokenError(await exchange(client, code, pkce().verifier), 'invalid_grant');
    await expectTokenError(
      await tokenRequest(t.url, {
        grant_type: 'authorization_code',
        client_id: client.client_id,
        code,
        redirect_uri: CALLBACK,
      }),
      'invalid_grant',
    );
  });

  it('asks in its step-up challenge for the scopes the arguments add, not only the tool’s own', async () => {
    const { tokens } = await tokensFor();
    const requestId = `tool-step-up-${randomBytes(6).toString('hex')}`;
    const validate = async (args: Record<string, unknown>) => {
      const res = await mcpRequest(
        t.url,
        tokens.access_token,
        'tools/call',
        { name: 'validate_post', arguments: args },
        { 'x-request-id': requestId },
      );
      expect(res.status).toBe(403);
      return /scope="([^"]*)"/.exec(res.headers.get('www-authenticate') ?? '')?.[1];
    };
    // The token holds workspace:list and workspace:read. validate_post needs posts:read, and
    // drafts:read as well when it reads a draft: one challenge should ask for both.
    expect(await validate({ text: 'hello' })).toBe('posts:read');
    expect(await validate({ draft_id: '00000000-0000-4000-8000-000000000000' })).toBe('posts:read drafts:read');
    // Recorded with the reason an API key's refusal gives: what is missing.
    const records = await t.app
      .get<DataSource>(getDataSourceToken())
      .query<{ decision: string; error_code: string; reason: string }[]>(
        `SELECT decision, error_code, reason FROM audit_records WHERE correlation_id = $1 ORDER BY id`,
        [requestId],
      );
    expect(records).toEqual(
      ['missing scopes: posts:read', 'missing scopes: posts:read drafts:read'].map((reason) => ({
        decision: 'denied',
        error_code: 'insufficient_scope',
        reason,
      })),
    );
  });

  /** The audit records of the resource reads sent under one request id. */
  const auditedReads = (requestId: string) =>
    t.app
      .get<DataSource>(getDataSourceToken())
      .query<
        { operation: string; decision: string; error_code: string | null; reason: string; scopes_required: string[] }[]
      >(
        `SELECT operation, decision, error_code, reason, scopes_required FROM audit_records
          WHERE correlation_id = $1 AND operation LIKE 'mcp resources/read %' ORDER BY id`,
        [requestId],
      );

  const readResource = (bearer: string, uri: string, requestId = `read-${randomBytes(6).toString('hex')}`) =>
    mcpRequest(t.url, bearer, 'resources/read', { uri }, { 'x-request-id': requestId });

  it('answers a resource read consent could allow with the same step-up challenge as a tool call', async () => {
    const campaign = await buildCampaign(t.app, workspaceId);
    const uri = `postern://campaigns/${campaign.id}`;
    // The token holds workspace:list and workspace:read; the campaign resource needs campaigns:read.
    const { tokens } = await tokensFor();
    const requestId = `resource-step-up-${randomBytes(6).toString('hex')}`;
    const refused = await readResource(tokens.access_token, uri, requestId);
    expect(refused.status).toBe(403);
    const challenge = refused.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer error="insufficient_scope", error_description="[^"]*'campaign'[^"]*", /);
    expect(/ scope="([^"]*)"/.exec(challenge)?.[1]).toBe('campaigns:read');
    expect(challenge).toContain(`resource_metadata="${t.url}/.well-known/oauth-protected-resource/mcp"`);
    expect(await refused.json()).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32600, message: expect.stringContaining('requires scopes: campaigns:read') },
    });
    expect(await auditedReads(requestId)).toEqual([
      {
        operation: `mcp resources/read ${uri}`,
        decision: 'denied',
        error_code: 'insufficient_scope',
        reason: 'missing scopes: campaigns:read',
        scopes_required: ['campaigns:read'],
      },
    ]);

    // What the token may read is read as before, and a URI no resource answers to is no challenge.
    const workspace = await readResource(tokens.access_token, 'postern://workspace');
    expect([workspace.status, workspace.headers.get('www-authenticate')]).toEqual([200, null]);
    const unknown = await readResource(tokens.access_token, 'postern://campaign-typo/1');
    expect([unknown.status, unknown.headers.get('www-authenticate')]).toEqual([200, null]);
    expect(((await unknown.json()) as { error?: { message: string } }).error?.message).toContain('Unknown resource');

    // After the consent round for campaigns:read, the same read returns the campaign.
    const granted = (await tokensFor('workspace:list workspace:read campaigns:read')).tokens;
    const read = await readResource(granted.access_token, uri);
    expect(read.status).toBe(200);
    const { result } = (await read.json()) as {
      result: { contents: { uri: string; mimeType: string; text: string }[] };
    };
    expect(result.contents).toEqual([{ uri, mimeType: 'application/json', text: expect.any(String) }]);
    expect(JSON.parse(result.contents[0].text)).toMatchObject({ id: campaign.id, name: campaign.name });
  });

  it('keeps an API key missing a resource’s scope on the structured refusal, without a challenge', async () => {
    const { token, workspace } = await buildWorkspaceWithKey(t.app, { scopes: ['workspace:list'] });
    const uri = `postern://campaigns/${(await buildCampaign(t.app, workspace.id)).id}`;
    const requestId = `key-resource-${randomBytes(6).toString('hex')}`;
    const res = await readResource(token, uri, requestId);
    expect([res.status, res.headers.get('www-authenticate')]).toEqual([200, null]);
    expect(await res.json()).toMatchObject({
      id: 1,
      error: { code: -32600, message: 'insufficient_scope: missing scopes: campaigns:read' },
    });
    expect(await auditedReads(requestId)).toEqual([
      expect.objectContaining({
        decision: 'denied',
        error_code: 'insufficient_scope',
        reason: 'missing scopes: campaigns:read',
        scopes_required: ['campaigns:read'],
      }),
    ]);
  });

  it('accepts at /mcp only its own access tokens, and nowhere else', async () => {
    const { tokens } = await tokensFor();
    expect((await mcpRequest(t.url, tokens.access_token)).status).toBe(200);
    const claims = decodeJwt(tokens.access_token);
    expect(claims.aud).toBe(mcpResource());

    const expectRefused = (label: string, res: Response) => {
      expect({ label, status: res.status }).toEqual({ label, status: 401 });
      expect(res.headers.get('www-authenticate')).toContain('resource_metadata=');
    };
    const sign = (payload: JWTPayload, key: CryptoKey | Uint8Array, kid?: string) =>
      new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid }).sign(key);

    // Another issuer's key, our issuer, another audience.
    const stranger = await generateKeyPair('ES256');
    expectRefused(
      'foreign key, other audience',
      await mcpRequest(t.url, await sign({ ...claims, aud: 'https://other.example/mcp' }, stranger.privateKey)),
    );
    expectRefused('foreign key', await mcpRequest(t.url, await sign(claims, stranger.privateKey)));

    // Our own signing key, so only the audience is wrong; the control with the right audience passes.
    const config = t.app.get<AppConfig & { secretKey: string }>(APP_CONFIG);
    const [jwk] = (
      await loadSigningKeys(t.app.get<DataSource>(getDataSourceToken()), new SecretBox(config.secretKey, 'oauth'))
    ).keys;
    const ours = await importJWK(jwk, 'ES256');
    const kid = jwk.kid as string;
    expectRefused(
      'our key, other audience',
      await mcpRequest(t.url, await sign({ ...claims, aud: 'https://other.example/mcp' }, ours, kid)),
    );
    expect((await mcpRequest(t.url, await sign(claims, ours, kid))).status).toBe(200);

    // Expired: refused. Signed by us, it is filed under its workspace with the agent named; a
    // stranger's expired token names no one.
    const past = { exp: Math.floor(Date.now() / 1000) - 60 };
    const expiredRecords = () =>
      t.app
        .get<DataSource>(getDataSourceToken())
        .query<{ workspace_id: string | null; user_id: string | null; client_id: string | null }[]>(
          `SELECT workspace_id, user_id, client_id FROM audit_records WHERE reason = 'the access token expired'
              AND client_id = $1`,
          [claims.client_id],
        );
    expectRefused('our key, expired', await mcpRequest(t.url, await sign({ ...claims, ...past }, ours, kid)));
    expect(await expiredRecords()).toEqual([
      { workspace_id: claims.workspace_id, user_id: claims.sub, client_id: claims.client_id },
    ]);
    expectRefused(
      'foreign key, expired',
      await mcpRequest(t.url, await sign({ ...claims, ...past }, stranger.privateKey)),
    );
    expectRefused(
      'our key, other audience, expired',
      await mcpRequest(t.url, await sign({ ...claims, ...past, aud: 'https://other.example/mcp' }, ours, kid)),
    );
    expect(await expiredRecords()).toHaveLength(1);

    // Unsigned.
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    expectRefused('alg none', await mcpRequest(t.url, `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`));

    // The real access token at REST: OAuth tokens are for /mcp only.
    const rest = await fetch(`${t.url}/api/v1/workspaces`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(rest.status).toBe(401);
    expect(((await rest.json()) as { error: { code: string; message: string } }).error).toEqual(
      expect.objectContaining({ code: 'unauthenticated', message: expect.stringContaining('/mcp only') }),
    );

    // A refresh token is not a bearer credential.
    expectRefused('refresh token as bearer', await mcpRequest(t.url, tokens.refresh_token));
  });

  it('refuses the consent and login forms without their CSRF token', async () => {
    const client = await registeredClient(t.url, CALLBACK);
    const consent = await openBrowser();
    await signIn(consent.page, authorizationUrl(t.url, authParams(client, pkce().challenge)));
    await consent.page.evaluate(`document.querySelector('form input[name=csrf]').remove()`);
    const [refused] = await Promise.all([
      consent.page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/consent')),
      consent.page.click('button[value=approve]'),
    ]);
    expect(refused.status()).toBe(403);
    // A browser is shown the console's page for the refusal, with the way back to a fresh form.
    expect(await consent.page.textContent('h1')).toBe('This form expired');
    expect(await consent.page.getAttribute('a', 'href')).toMatch(/^\/console\/interaction\/[\w-]+$/);
    expect(consent.page.url()).toMatch(/\/console\/interaction\/[\w-]+\/consent$/);
    expect(consent.callbacks).toEqual([]);
    expect(await connectionsOf(client.client_id)).toBe(0);

    const login = await openBrowser();
    await login.page.goto(authorizationUrl(t.url, authParams(client, pkce().challenge)));
    await login.page.waitForSelector('h1:has-text("Sign in to Postern")');
    await login.page.evaluate(`document.querySelector('form input[name=csrf]').remove()`);
    await login.page.fill('#email', email);
    await login.page.fill('#password', PASSWORD);
    const [loginRefused] = await Promise.all([
      login.page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/login')),
      login.page.click('button[type=submit]'),
    ]);
    expect(loginRefused.status()).toBe(403);
    expect(await login.page.textContent('h1')).toBe('This form expired');
    expect(login.page.url()).toMatch(/\/console\/interaction\/[\w-]+\/login$/);
    expect(login.callbacks).toEqual([]);
    // No console session was started either.
    expect((await login.context.cookies(t.url)).map((c) => c.name)).not.toContain('postern_session');
  });

  it('cannot be framed: the login and consent pages refuse to render inside another page', async () => {
    const client = await registeredClient(t.url, CALLBACK);
    const run = await openBrowser();
    const responses: PageResponse[] = [];
    run.page.on('response', (r) => responses.push(r));

    const login = await run.page.goto(authorizationUrl(t.url, authParams(client, pkce().challenge)));
    await run.page.waitForSelector('h1:has-text("Sign in to Postern")');
    const interactionUrl = run.page.url();
    expect(interactionUrl).toMatch(/\/console\/interaction\/[\w-]+$/);
    const expectUnframeable = (headers: Record<string, string>) => {
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    };
    expectUnframeable(login!.headers());

    const framing = (src: string) =>
      `<!doctype html><html><body><h1>Totally legit page</h1>` +
      `<iframe id="victim" src="${src}" width="600" height="400"></iframe>` +
      `<iframe id="control" src="${t.url}/framing-control" width="300" height="100"></iframe></body></html>`;
    await run.context.route('http://attacker.test/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: framing(interactionUrl) }),
    );
    // Served from Postern's own origin, so the frame carries the interaction cookies and would show the
    // real page if the headers did not stop it.
    await run.context.route(`${t.url}/framing-probe`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: framing(interactionUrl) }),
    );
    await run.context.route(`${t.url}/framing-control`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<p>control frame rendered</p>' }),
    );

    /**
     * Loads a framing page: where the Postern frame ended up and what it shows, what the control frame
     * shows, and the status Postern answered the framed request with.
     */
    async function framed(framer: string, target: string) {
      responses.length = 0;
      await run.page.goto(framer, { waitUntil: 'load' });
      const victim = await (await run.page.$('#victim'))!.contentFrame();
      const control = await (await run.page.$('#control'))!.contentFrame();
      const served = responses.find((r) => r.url() === target);
      if (served) expectUnframeable(served.headers());
      return {
        victimUrl: victim?.url(),
        victim: (await victim?.content()) ?? '',
        control: (await control?.content()) ?? '',
        status: served?.status(),
      };
    }
    /** Chromium replaces a frame it refuses to show with its own error document. */
    const expectBlocked = (frame: { victimUrl?: string; victim: string; control: string }, marker: string) => {
      expect(frame.control).toContain('control frame rendered');
      expect(frame.victimUrl).toBe('chrome-error://chromewebdata/');
      expect(frame.victim).not.toContain(marker);
      expect(frame.victim).not.toContain('name="csrf"');
    };

    const crossSite = await framed('http://attacker.test/', interactionUrl);
    await run.page.screenshot({ path: path.join(ARTIFACTS, 'oauth-framing-attempt.png'), fullPage: true });
    expectBlocked(crossSite, 'Sign in');

    // Same origin: Postern served the real sign-in page (200) and the browser still would not show it.
    const sameOrigin = await framed(`${t.url}/framing-probe`, interactionUrl);
    expect(sameOrigin.status).toBe(200);
    expectBlocked(sameOrigin, 'Sign in');

    // Signed in, the same URL is the consent page: also unframeable.
    await signIn(run.page, authorizationUrl(t.url, authParams(client, pkce().challenge)));
    const consentUrl = run.page.url();
    const consentPage = await run.page.goto(consentUrl);
    await run.page.waitForSelector('h1:has-text("Connect Probe Agent?")');
    expectUnframeable(consentPage!.headers());
    await run.context.route(`${t.url}/framing-consent`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: framing(consentUrl) }),
    );
    const consentFramed = await framed(`${t.url}/framing-consent`, consentUrl);
    await run.page.screenshot({ path: path.join(ARTIFACTS, 'oauth-framing-consent.png'), fullPage: true });
    expect(consentFramed.status).toBe(200);
    expectBlocked(consentFramed, 'Connect Probe Agent');
    expect(run.callbacks).toEqual([]);
  });

  it('sends the browser back with access_denied and iss when the user declines', async () => {
    const client = await registeredClient(t.url, CALLBACK);
    const params = authParams(client, pkce().challenge);
    const run = await openBrowser();
    await signIn(run.page, authorizationUrl(t.url, params));
    const callback = await decide(run, 'deny');
    expect(Object.fromEntries(callback.searchParams)).toEqual({
      error: 'access_denied',
      error_description: expect.any(String),
      state: params.state,
      iss: t.url,
    });
    expect(await connectionsOf(client.client_id)).toBe(0);
  });
});
