import { randomBytes } from 'node:crypto';

/**
 * A client address of its own (an IPv6 /64 of the documentation range), sent as X-Forwarded-For
 * through the trusted loopback: sign-in limits are counted per address in the Redis every test
 * file shares in CI, so a test's failed sign-ins should not spend the loopback's.
 */
export const someAddress = () => `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}::1`;

/**
 * The console's sign-in form as a browser uses it without JavaScript: load the page (its CSRF
 * cookie and token), then post email and password. Answers are not followed (303 on success).
 */
export async function signInForm(
  baseUrl: string,
): Promise<(email: string, password: string, headers?: Record<string, string>) => Promise<Response>> {
  const form = await fetch(`${baseUrl}/console/login`);
  const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0];
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  return (email, password, headers = {}) =>
    fetch(`${baseUrl}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ csrf, email, password }),
    });
}
