import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { authorizationUrl, pkce, registeredClient, type Pkce, type RegisteredClient } from './oauth-protocol';

export const CALLBACK = 'http://127.0.0.1:1/callback';

export interface ConsentedCode {
  client: RegisteredClient;
  p: Pkce;
  code: string;
}

export interface TokenResponse {
  access_token?: string;
  refresh_token?: string;
  error?: string;
  error_description?: string;
}

/** A browser profile of its own that answers the client's callback itself: its page and every URL it reached there. */
export async function clientBrowser(
  browser: Browser,
): Promise<{ context: BrowserContext; page: Page; callbacks: URL[] }> {
  const context = await browser.newContext();
  const callbacks: URL[] = [];
  await context.route('http://127.0.0.1:1/**', async (route) => {
    callbacks.push(new URL(route.request().url()));
    await route.fulfill({ status: 200, contentType: 'text/plain', body: 'client callback' });
  });
  return { context, page: await context.newPage(), callbacks };
}

/**
 * A fresh public client, a real sign-in and consent in Chromium (in its own browser profile) by
 * `email` for `workspaceId`, and the authorization code the client's callback receives. The
 * callback is answered by the profile itself unless it names a server of the test's own.
 */
export async function consentedCode(
  browser: Browser,
  baseUrl: string,
  person: { email: string; password: string; workspaceId: string },
  scope = 'workspace:list workspace:read',
  callback = CALLBACK,
): Promise<ConsentedCode> {
  const client = await registeredClient(baseUrl, callback);
  const p = pkce();
  const { context, page } = await clientBrowser(browser);
  try {
    await page.goto(
      authorizationUrl(baseUrl, {
        response_type: 'code',
        client_id: client.client_id,
        redirect_uri: callback,
        scope,
        state: randomBytes(8).toString('hex'),
        code_challenge: p.challenge,
        code_challenge_method: 'S256',
        resource: `${baseUrl}/mcp`,
      }),
    );
    await page.fill('#email', person.email);
    await page.fill('#password', person.password);
    await page.click('button[type=submit]');
    await page.selectOption('#workspace', person.workspaceId);
    await page.click('button[value=approve]');
    await page.waitForURL((url) => url.href.startsWith(callback));
    const code = new URL(page.url()).searchParams.get('code');
    if (!code) throw new Error(`no code in ${page.url()}`);
    return { client, p, code };
  } finally {
    await context.close();
  }
}

/** The token request that redeems a code, with any extra parameters (`resource`). */
export function codeExchangeBody({ client, p, code }: ConsentedCode, extra: Record<string, string> = {}) {
  return {
    grant_type: 'authorization_code',
    client_id: client.client_id,
    code,
    redirect_uri: client.redirect_uris[0],
    code_verifier: p.verifier,
    ...extra,
  };
}
