import { buildUser } from '../factories';
import { signInForm } from '../support/console-sign-in';
import { startTestAppAtPublicUrl, useTestApp } from '../support/test-app';

const PUBLIC_URL = 'https://postern.test';

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
});
