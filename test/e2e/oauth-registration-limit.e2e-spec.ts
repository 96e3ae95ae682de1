import { randomInt, randomUUID } from 'node:crypto';
import { storedClientNames } from '../support/oauth-clients';
import { testConfig } from '../support/test-config';
import { startTestApp, useTestApp } from '../support/test-app';

interface Row {
  decision: string;
  error_code: string | null;
  reason: string | null;
}

/** An address of the benchmarking range (RFC 2544) no other test uses: its own count, in a shared Redis too. */
const someAddress = () => `198.18.${randomInt(256)}.${randomInt(1, 255)}`;

/**
 * Registration needs no credential, so one address may register only so many clients an hour
 * (OAUTH_REGISTRATIONS_PER_HOUR); the rest are refused in OAuth's error shape, store nothing, and
 * are recorded as denied.
 */
describe('OAuth client registration limit', () => {
  jest.setTimeout(60_000);
  // Counted in this app's memory, not CI's Redis: there every app's registrations also count against
  // the deployment-wide limit (20 × 3 here), which the rest of the suite would spend meanwhile.
  const t = useTestApp(() => startTestApp(testConfig({ OAUTH_REGISTRATIONS_PER_HOUR: '3', REDIS_URL: '' })));

  /** From `address` as the loopback proxy forwards it (TRUST_PROXY's default trusts 127.0.0.1). */
  /** Registered under the request id as its name, so a refused one can be looked for. */
  const register = (address: string, requestId: string, path = '/oauth/register') =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': address,
        'x-request-id': requestId,
      },
      body: JSON.stringify({
        client_name: requestId,
        redirect_uris: ['http://127.0.0.1:1/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      }),
    });
  const row = async (id: string) =>
    (await t.db.query<Row[]>(`SELECT * FROM audit_records WHERE correlation_id = $1`, [id]))[0];

  it("refuses an address's registrations beyond the hour's limit, and only that address's", async () => {
    const busy = someAddress();
    const accepted = [0, 1, 2].map((i) => `limit-ok-${i}-${randomUUID()}`);
    for (const id of accepted) expect((await register(busy, id)).status).toBe(201);
    // The control: what was stored is found by its name.
    expect(await storedClientNames(t.app)).toEqual(expect.arrayContaining(accepted));
    const refusedId = `limit-refused-${randomUUID()}`;
    const refused = await register(busy, refusedId);
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(3600);
    const answer = (await refused.json()) as { error: string; error_description: string };
    expect(answer).toEqual({
      error: 'temporarily_unavailable',
      error_description: `too many client registrations from this address; try again in ${wait} seconds`,
    });
    expect(await storedClientNames(t.app)).not.toContain(refusedId);
    expect(await row(refusedId)).toMatchObject({
      decision: 'denied',
      error_code: 'rate_limited',
      reason: answer.error_description,
    });

    expect((await register(someAddress(), 'limit-other')).status).toBe(201);
  });

  it('counts the endpoint however its path is spelt, as the authorization server serves it', async () => {
    const address = someAddress();
    const spellings = ['/oauth/REGISTER', '/oauth/register/', '/oauth/Register'];
    for (const [i, path] of spellings.entries()) {
      const res = await register(address, `spelt-${i}`, path);
      expect([path, res.status]).toEqual([path, 201]);
      expect(await row(`spelt-${i}`)).toMatchObject({ decision: 'allowed' });
    }
    const refused = await register(address, 'spelt-refused', '/oauth/register/');
    expect(refused.status).toBe(429);
    const [named] = await t.db.query<{ operation: string }[]>(
      `SELECT operation FROM audit_records WHERE correlation_id = $1`,
      ['spelt-0'],
    );
    expect(named.operation).toBe('POST /oauth/register');
  });
});
