import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { buildUser, buildWorkspace } from '../factories';
import { useAppWithBrowser } from '../support/app-with-browser';
import { withAuditFailing } from '../support/audit-failure';
import { codeExchangeBody, consentedCode } from '../support/oauth-consent';
import { startTestAppAtPublicUrl, type TestApp } from '../support/test-app';

/**
 * What a page's fetch came back with, or the error the browser gave it: a response the CORS
 * headers do not open to the page's origin is a TypeError, not a status.
 */
type Fetched = { status: number; body: unknown } | { failed: string };

type RequestInit = { method?: string; headers?: Record<string, string>; body?: string };

/** A fetch made by the page, from its origin, as a browser-based client makes it. */
function fetchIn(page: Page, url: string, init: RequestInit = {}): Promise<Fetched> {
  return page.evaluate(
    async ([target, options]): Promise<Fetched> => {
      try {
        const res = await fetch(target, options);
        const text = await res.text();
        return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
      } catch (err) {
        return { failed: String(err) };
      }
    },
    [url, init] as const,
  );
}

/**
 * A browser-based MCP client (the MCP Inspector, say) discovers the server and registers itself
 * from its own origin, before it holds any token. Chromium enforces CORS, so these calls are made
 * from a page on another origin, as such a client makes them.
 */
describe('OAuth discovery and registration from a browser-based client', () => {
  const env = useAppWithBrowser();
  let elsewhere: Server;
  let clientOrigin: string;
  let page: Page;

  beforeAll(async () => {
    elsewhere = createServer((_req, res) => res.end('<!doctype html><title>client</title>'));
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    clientOrigin = `http://localhost:${(elsewhere.address() as AddressInfo).port}`;
    page = await env.browser.newPage();
    await page.goto(`${clientOrigin}/`);
  });
  afterAll(async () => {
    await page?.close();
    await new Promise((resolve) => elsewhere?.close(resolve));
  });

  const fetchFromPage = (url: string, init: RequestInit = {}) => fetchIn(page, url, init);

  it('reads every discovery document, with the MCP-Protocol-Version header that needs a preflight', async () => {
    const { url } = env.t;
    for (const path of [
      '/.well-known/oauth-protected-resource',
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration',
    ]) {
      const got = await fetchFromPage(`${url}${path}`, { headers: { 'MCP-Protocol-Version': '2025-06-18' } });
      expect([path, got]).toEqual([path, expect.objectContaining({ status: 200 })]);
      expect((got as { body: { issuer?: string; resource?: string } }).body).toEqual(
        expect.objectContaining(path.includes('resource') ? { resource: `${url}/mcp` } : { issuer: url }),
      );
    }
  });

  it('registers a client, and reads why a registration was refused', async () => {
    const register = (redirectUris: string[], headers: Record<string, string> = {}) =>
      fetchFromPage(`${env.t.url}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'MCP-Protocol-Version': '2025-06-18', ...headers },
        body: JSON.stringify({
          client_name: 'Browser Inspector',
          redirect_uris: redirectUris,
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
        }),
      });

    const created = await register(['http://localhost:6274/oauth/callback']);
    expect(created).toEqual({ status: 201, body: expect.objectContaining({ client_id: expect.any(String) }) });
    const refused = await register(['javascript:alert(1)']);
    expect(refused).toEqual({ status: 400, body: expect.objectContaining({ error: 'invalid_redirect_uri' }) });
    // A registration whose record cannot be written is refused, and the page can read that too.
    // Only this request's record fails (its id, sent by the page): other files register clients meanwhile.
    let unrecorded: Fetched | undefined;
    const requestId = `browser-registration-${randomUUID()}`;
    await withAuditFailing(
      env.t.app.get(DataSource),
      'POST /oauth/register',
      async () => {
        unrecorded = await register(['http://localhost:6274/oauth/callback'], { 'X-Request-Id': requestId });
      },
      { correlation_id: requestId },
    );
    expect(unrecorded).toEqual({ status: 503, body: { error: expect.objectContaining({ code: 'unavailable' }) } });
  });

  it("redeems its code at the token endpoint from its redirect URI's origin, and from no other", async () => {
    const user = await buildUser(env.t.app);
    const workspace = await buildWorkspace(env.t.app, 'Browser Client Workspace', user.id);
    // The client's page and its redirect URI share an origin, as a browser-based client's do.
    const consented = await consentedCode(
      env.browser,
      env.t.url,
      { email: user.email, password: 'a long enough password', workspaceId: workspace.id },
      'workspace:list',
      `${clientOrigin}/callback`,
    );
    const exchange = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...codeExchangeBody(consented), resource: `${env.t.url}/mcp` }).toString(),
    };
    expect(await fetchFromPage(`${env.t.url}/oauth/token`, exchange)).toEqual({
      status: 200,
      body: expect.objectContaining({ access_token: expect.any(String), token_type: 'Bearer' }),
    });
    // Another origin (the same server by another name) cannot read what the token endpoint answers.
    const other = await env.browser.newPage();
    try {
      await other.goto(clientOrigin.replace('localhost', '127.0.0.1'));
      expect(await fetchIn(other, `${env.t.url}/oauth/token`, exchange)).toEqual({
        failed: expect.stringContaining('TypeError'),
      });
    } finally {
      await other.close();
    }
  });

  it('leaves the MCP endpoint closed to other origins', async () => {
    const mcp = await fetchFromPage(`${env.t.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(mcp).toEqual({ failed: expect.stringContaining('TypeError') });
  });
});

describe('CORS preflights of the open endpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestAppAtPublicUrl({ LOG_LEVEL: 'error' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const preflight = (path: string, method: string, headers: string) =>
    fetch(`${t.url}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:6274',
        'access-control-request-method': method,
        'access-control-request-headers': headers,
      },
    });

  it('allows the methods each endpoint serves and the headers asked for, and caches the answer', async () => {
    for (const [path, method] of [
      ['/.well-known/oauth-protected-resource/mcp', 'GET'],
      ['/.well-known/oauth-authorization-server', 'GET'],
      ['/oauth/register', 'POST'],
    ] as const) {
      const res = await preflight(path, method, 'content-type, mcp-protocol-version');
      expect([path, res.status]).toEqual([path, 204]);
      expect(Object.fromEntries([...res.headers].filter(([name]) => name.startsWith('access-control')))).toEqual({
        'access-control-allow-origin': '*',
        'access-control-allow-methods': method,
        'access-control-allow-headers': 'content-type, mcp-protocol-version',
        'access-control-expose-headers': 'Retry-After',
        'access-control-max-age': '3600',
      });
    }
  });

  it('answers the requests themselves for any origin', async () => {
    const origin = { origin: 'http://localhost:6274' };
    const discovery = await fetch(`${t.url}/.well-known/oauth-protected-resource/mcp`, { headers: origin });
    expect([discovery.status, discovery.headers.get('access-control-allow-origin')]).toEqual([200, '*']);
    const registration = await fetch(`${t.url}/oauth/register`, {
      method: 'POST',
      headers: { ...origin, 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://localhost:6274/cb'], token_endpoint_auth_method: 'none' }),
    });
    expect([registration.status, registration.headers.get('access-control-allow-origin')]).toEqual([201, '*']);
    expect(registration.headers.get('access-control-expose-headers')).toBe('Retry-After');
  });

  it('does not echo a header list that is not one', async () => {
    const res = await preflight('/oauth/register', 'POST', 'content-type, x-y:z');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-headers')).toBeNull();
  });
});
