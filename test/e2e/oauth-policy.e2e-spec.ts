import { authorize, pkce } from '../support/oauth-protocol';
import { startTestAppAtPublicUrl, type TestApp } from '../support/test-app';
import { signInForm } from '../support/console-sign-in';

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

  it('slows password guessing on the sign-in page and says when to retry', async () => {
    const post = await signInForm(t.url);
    const attempt = () => post('target@example.com', 'wrong guess number x');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt()).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(await (await attempt()).text()).toMatch(/too many login attempts; try again in \d+ seconds/);
  });
});
