import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { SecretBox } from '../../src/common/crypto/secret-box';
import { APP_CONFIG, type AppConfig } from '../../src/config/config.types';
import { buildUser } from '../factories';
import { authorize, pkce, registerClient, registeredClient } from '../support/oauth-protocol';
import { startTestAppAtPublicUrl, type TestApp } from '../support/test-app';
import { signInForm, someAddress } from '../support/console-sign-in';

/** Client ID Metadata Documents are fetched only from public addresses; sign-in is rate-limited. */
describe('authorization server policies', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestAppAtPublicUrl();
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a client_id metadata URL that points at a private address, without fetching it', async () => {
    // A local server that would serve a perfectly valid document: it must never be asked.
    let connections = 0;
    const http = await import('node:http');
    const server = http.createServer((_req, res) => res.end('{}'));
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      for (const clientId of [
        `https://127.0.0.1:${port}/client.json`,
        `https://localhost:${port}/client.json`,
        'https://169.254.169.254/latest/meta-data',
      ]) {
        const res = await authorize(t.url, {
          response_type: 'code',
          client_id: clientId,
          redirect_uri: 'https://app.example/cb',
          scope: 'workspace:list',
          code_challenge: pkce().challenge,
          code_challenge_method: 'S256',
          resource: `${t.url}/mcp`,
        });
        expect({ clientId, status: res.status, location: res.headers.get('location') }).toEqual({
          clientId,
          status: 400,
          location: null,
        });
        expect(await res.text()).toContain('invalid_client');
      }
      // Not even a TCP connection: the address is judged before anything is opened.
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });

  it('holds no transaction while it looks up a client_id metadata URL, so a slow one stalls no one else', async () => {
    // DNS is the network's, not ours: its answers for the metadata hosts are held, as a slow or
    // hostile name server would hold them, until the fetch policy gives up on them (2.5 s).
    const asked = new Set<string>();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The module object itself: an import namespace would be a copy the app never reads.
    const dns = jest.requireActual<typeof import('node:dns/promises')>('node:dns/promises');
    const lookup = jest.spyOn(dns, 'lookup').mockImplementation(async (host: string) => {
      asked.add(host);
      await held;
      throw Object.assign(new Error('no such host'), { code: 'ENOTFOUND' });
    });
    try {
      // More slow lookups at once than the requests that may hold an OAuth transaction (3).
      let answered = 0;
      const slow = [1, 2, 3, 4].map((n) =>
        authorize(t.url, {
          response_type: 'code',
          client_id: `https://agent-${n}.example/client.json`,
          redirect_uri: 'https://app.example/cb',
          scope: 'workspace:list',
          code_challenge: pkce().challenge,
          code_challenge_method: 'S256',
          resource: `${t.url}/mcp`,
        }).then((res) => {
          answered += 1;
          return res;
        }),
      );
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const deadline = Date.now() + 10_000;
      while (asked.size < 4 && !answered && Date.now() < deadline) await sleep(20);
      // Then a request that writes (a registration), while all four still wait on DNS.
      let timer: NodeJS.Timeout | undefined;
      const registration =
        asked.size < 4 || answered
          ? 'not sent'
          : await Promise.race([
              registerClient(t.url, ['https://app.example/cb']).then((res) => res.status),
              new Promise((resolve) => (timer = setTimeout(() => resolve('no answer in 10 s'), 10_000))),
            ]);
      clearTimeout(timer);
      const answeredMeanwhile = answered;
      release();
      expect({ lookupsAtOnce: asked.size, answeredMeanwhile, registration }).toEqual({
        lookupsAtOnce: 4,
        answeredMeanwhile: 0,
        registration: 201,
      });
      for (const res of await Promise.all(slow)) {
        expect(res.status).toBe(400);
        expect(await res.text()).toContain('invalid_client');
      }
    } finally {
      release();
      lookup.mockRestore();
    }
  });

  it('keeps a registration that is used alive, and writes for it at most once a day', async () => {
    const client = await registeredClient(t.url, 'https://app.example/cb');
    const db = t.app.get<DataSource>(getDataSourceToken());
    const config = t.app.get<AppConfig & { secretKey: string }>(APP_CONFIG);
    const key = new SecretBox(config.secretKey, 'oauth').digest(`Client:${client.client_id}`);
    const daysLeft = async () =>
      (
        await db.query<{ days: number }[]>(
          `SELECT (extract(epoch FROM expires_at - now()) / 86400)::float8 AS days FROM oauth_artifacts WHERE key = $1`,
          [key],
        )
      )[0].days;
    const endIn = (interval: string) =>
      db.query(`UPDATE oauth_artifacts SET expires_at = now() + $2::interval WHERE key = $1`, [key, interval]);
    const use = async () => {
      const res = await authorize(t.url, {
        response_type: 'code',
        client_id: client.client_id,
        redirect_uri: 'https://app.example/cb',
        scope: 'workspace:list',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
        resource: `${t.url}/mcp`,
      });
      // On to the sign-in page: the client was found and accepted.
      expect(res.headers.get('location')).toMatch(/^\/console\/interaction\//);
    };
    expect(await daysLeft()).toBeCloseTo(30, 1);

    // Used two days before it would be forgotten: 30 days again.
    await endIn('2 days');
    await use();
    expect(await daysLeft()).toBeCloseTo(30, 1);

    // Used again within the day: left as it is.
    await endIn('29 days 12 hours');
    await use();
    expect(await daysLeft()).toBeCloseTo(29.5, 1);
  });

  it('slows password guessing on the sign-in page and says when to retry', async () => {
    const post = await signInForm(t.url);
    const from = { 'x-forwarded-for': someAddress() };
    const attempt = () => post('target@example.com', 'wrong guess number x', from);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt()).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(await (await attempt()).text()).toMatch(/too many login attempts; try again in \d+ seconds/);
  });

  it('counts every spelling of one email as the same account', async () => {
    // The lookup trims and lower-cases the email; the count did not trim, so each spacing got five more tries.
    const post = await signInForm(t.url);
    const from = { 'x-forwarded-for': someAddress() };
    const spellings = [
      ' spelt@example.com',
      'spelt@example.com ',
      '\tSPELT@example.com',
      'Spelt@Example.com',
      ' spelt@example.com\t',
    ];
    const statuses: number[] = [];
    for (const email of spellings) statuses.push((await post(email, 'wrong guess number y', from)).status);
    statuses.push((await post('spelt@example.com', 'wrong guess number y', from)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('counts failed sign-ins only, so one address (an office behind one NAT) can sign in many times', async () => {
    const user = await buildUser(t.app);
    const post = await signInForm(t.url);
    const from = { 'x-forwarded-for': someAddress() };
    // More successes than the address may fail (30 in 15 minutes), each answered with a session.
    for (let i = 0; i < 32; i++)
      expect([i, (await post(user.email, 'a long enough password', from)).status]).toEqual([i, 303]);
    // Failures still count: five wrong passwords for one account, and the sixth try waits.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(user.email, 'not the password', from)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });
});
