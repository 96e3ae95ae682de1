import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { buildUser } from '../factories';
import { signInForm } from '../support/console-sign-in';
import { authorizationUrl, pkce, registeredClient } from '../support/oauth-protocol';
import { startTestAppAtPublicUrl, useTestApp } from '../support/test-app';

const PUBLIC_URL = 'https://postern.test';
const CALLBACK = 'http://127.0.0.1:1/callback';

/**
 * Postern behind a proxy that terminates TLS (PUBLIC_URL is https). The suite reaches it over plain
 * http from loopback, the proxy TRUST_PROXY names by default: with X-Forwarded-Proto: https it is
 * the proxy speaking; without, a request that reached the server over plain http.
 */
describe('behind https', () => {
  jest.setTimeout(60_000);
  const t = useTestApp(() => startTestAppAtPublicUrl({ PUBLIC_URL }));

  it('makes the sign-in form cookie Secure and __Host-, as the session cookie is', async () => {
    const user = await buildUser(t.app);
    const form = await fetch(`${t.url}/console/login`);
    expect(form.headers.getSetCookie()).toEqual([
      expect.stringMatching(/^__Host-postern_login_csrf=[\w-]+; Path=\/; HttpOnly; Secure; SameSite=Strict$/),
    ]);
    const signedIn = await (await signInForm(t.url))(user.email, 'a long enough password');
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.getSetCookie()).toEqual([
      expect.stringMatching(
        /^__Host-postern_session=[\w-]+; Max-Age=\d+; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/,
      ),
    ]);
  });

  it('refuses an authorization that came over plain http with a message naming TRUST_PROXY, not a 500', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error');
    try {
      const client = await registeredClient(t.url, CALLBACK);
      const params = {
        response_type: 'code',
        client_id: client.client_id,
        redirect_uri: CALLBACK,
        scope: 'workspace:read',
        state: 'state',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
        resource: `${PUBLIC_URL}/mcp`,
      };
      const requestId = `plain-http-${randomUUID()}`;
      const url = authorizationUrl(t.url, params);
      const plain = await fetch(url, { redirect: 'manual', headers: { 'x-request-id': requestId } });
      expect(plain.status).toBe(400);
      const body = (await plain.json()) as { error: string; error_description: string };
      expect(body.error).toBe('invalid_request');
      expect(body.error_description).toContain('plain http');
      expect(body.error_description).toContain('X-Forwarded-Proto: https');
      expect(body.error_description).toContain('TRUST_PROXY');
      const lines = logged.mock.calls.map(([message]) => String(message));
      expect(lines.filter((l) => l.includes('TRUST_PROXY'))).toEqual([
        expect.stringContaining(`plain http while PUBLIC_URL is ${PUBLIC_URL}`),
      ]);
      expect(lines.join('\n')).not.toContain('Cannot send secure cookie');
      const [record] = await t.db.query<{ decision: string; operation: string }[]>(
        `SELECT decision, operation FROM audit_records WHERE correlation_id = $1`,
        [requestId],
      );
      expect(record).toEqual({ decision: 'invalid', operation: 'GET /oauth/authorize' });
      // However the path is spelt, as the authorization server serves it.
      for (const path of ['/oauth/AUTHORIZE', '/oauth/authorize/']) {
        const spelt = await fetch(url.replace('/oauth/authorize', path), { redirect: 'manual' });
        expect([path, spelt.status]).toEqual([path, 400]);
      }

      // Through the proxy, the same request is taken to the sign-in page, with Secure cookies.
      const proxied = await fetch(url, { redirect: 'manual', headers: { 'x-forwarded-proto': 'https' } });
      expect(proxied.status).toBe(303);
      expect(proxied.headers.get('location')).toMatch(/\/console\/interaction\/[\w-]+$/);
      expect(proxied.headers.getSetCookie().every((c) => /; secure/i.test(c))).toBe(true);
    } finally {
      logged.mockRestore();
    }
  });
});
