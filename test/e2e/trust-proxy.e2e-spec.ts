import { randomUUID } from 'node:crypto';
import { testConfig } from '../support/test-config';
import { startTestApp, type TestApp } from '../support/test-app';

/** Five wrong passwords for one email, each claiming a client address, then a sixth from another. */
async function sixthSignIn(app: TestApp): Promise<number> {
  const form = await fetch(`${app.url}/console/login`);
  const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0];
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const email = `nobody-${randomUUID()}@example.com`;
  const attempt = (forwardedFor: string) =>
    fetch(`${app.url}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor },
      body: new URLSearchParams({ csrf, email, password: 'wrong password, surely' }),
    });
  for (let i = 0; i < 5; i++) expect((await attempt('203.0.113.1')).status).toBe(401);
  return (await attempt('203.0.113.2')).status;
}

describe('TRUST_PROXY', () => {
  jest.setTimeout(60_000);

  it('reads the client address from X-Forwarded-For only when the peer is a named proxy', async () => {
    // The suite's requests come from loopback, which the default names: the header is believed, and
    // the sixth try, from another client behind the proxy, is that client's first.
    const behindLocalProxy = await startTestApp();
    try {
      expect(await sixthSignIn(behindLocalProxy)).toBe(401);
    } finally {
      await behindLocalProxy.close();
    }
    // Peers outside the named ranges may not choose their address: all six tries are loopback's.
    const direct = await startTestApp(testConfig({ TRUST_PROXY: '10.0.0.0/8' }));
    try {
      expect(await sixthSignIn(direct)).toBe(429);
    } finally {
      await direct.close();
    }
  });
});
