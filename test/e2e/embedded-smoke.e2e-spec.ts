import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canonicalJson } from '../../src/audit/audit-hash';
import { connectMcp } from '../support/mcp-client';
import { cleanEnv, freePort, runCli, startProcess, waitFor, type Server } from '../support/processes';

/**
 * What a newcomer does: `npm start` on a fresh DATA_DIR with no database or Redis configured, open
 * the printed setup link, get a key, call an MCP tool, restart, and find everything still there.
 */
describe('embedded mode from npm start', () => {
  // Each start runs `npm start` as a newcomer would, build included, twice, on a machine the rest
  // of the suite keeps busy: a build took over two minutes there once.
  jest.setTimeout(600_000);
  let dataDir: string;
  let server: Server | undefined;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'postern-smoke-'));
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(port: number): Promise<Server> {
    const s = startProcess(
      'npm',
      ['start', '--silent'],
      cleanEnv({ DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info' }),
    );
    await waitFor(
      async () => ((await fetch(`http://localhost:${port}/health/ready`)).ok ? true : undefined),
      240_000,
      `npm start to become ready; output so far:\n${s.output()}`,
    );
    return s;
  }

  it('sets up through the one-time link, serves MCP, and keeps data across a restart', async () => {
    const port = await freePort();
    const base = `http://localhost:${port}`;
    server = await start(port);

    const link = /(http:\/\/localhost:\d+\/console\/setup\?token=[A-Za-z0-9_-]{43})/.exec(server.output())?.[1];
    expect(link).toBeDefined();
    expect(server.output()).toContain(`${base}/mcp`);
    // The media store is checked once at startup, after the server is up.
    await waitFor(
      () =>
        Promise.resolve(server!.output().includes(`Media store    folder ${path.join(dataDir, 'media')}`) || undefined),
      10_000,
      'the media store line',
    );
    const secretFile = path.join(dataDir, 'secret.key');
    expect(fs.statSync(secretFile).mode & 0o777).toBe(0o600);

    const page = await fetch(link!);
    expect(page.status).toBe(200);
    // The request's log line carries the id its answer and its audit record carry.
    const requestId = page.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    await waitFor(
      () => Promise.resolve(server!.output().includes(`"correlationId":"${requestId}"`) ? true : undefined),
      10_000,
      `a log line with correlationId ${requestId}`,
    );
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const token = new URL(link!).searchParams.get('token')!;

    const tooShort = await fetch(`${base}/console/setup`, {
      method: 'POST',
      body: new URLSearchParams({ token, email: 'owner@example.com', password: 'short', workspace_name: 'Smoke' }),
    });
    expect(tooShort.status).toBe(400);

    const done = await fetch(`${base}/console/setup`, {
      method: 'POST',
      body: new URLSearchParams({
        token,
        email: 'owner@example.com',
        password: 'a sturdy passphrase',
        workspace_name: 'Smoke Test',
      }),
    });
    expect(done.status).toBe(201);
    const apiKey = /(pst_[0-9a-f]{12}_[A-Za-z0-9_-]{43})/.exec(await done.text())?.[1];
    expect(apiKey).toBeDefined();
    expect((await fetch(link!)).status).toBe(404);

    const listAll = async () => {
      const client = await connectMcp(base, apiKey);
      try {
        return (await client.callTool({ name: 'list_workspaces', arguments: {} })).structuredContent as {
          items: { slug: string }[];
        };
      } finally {
        await client.close();
      }
    };
    expect((await listAll()).items.map((w) => w.slug)).toEqual(['smoke-test']);

    // The CLI reaches the running instance's database instead of failing on the locked data dir.
    const cliEnv = cleanEnv({ DATA_DIR: dataDir });
    const listed = await runCli(['key', 'list', '--workspace', 'smoke-test'], cliEnv);
    expect(listed.stderr).toBe('');
    expect(listed.stdout).toContain('first-agent');
    // Its record is on the workspace's chain, with the arguments keyed by the server's own secret.
    const auditor = await runCli(
      [
        'key',
        'create',
        '--workspace',
        'smoke-test',
        '--name',
        'auditor',
        '--scopes',
        'workspace:read',
        '--audit-access',
      ],
      cliEnv,
    );
    const trail = await fetch(`${base}/api/v1/audit?tool=cli%20key%20list`, {
      headers: { authorization: `Bearer ${auditor.stdout.trim()}` },
    });
    expect(trail.status).toBe(200);
    const [record] = ((await trail.json()) as { items: { args_digest: string }[] }).items;
    const secret = fs.readFileSync(secretFile, 'utf8').trim();
    expect(record.args_digest).toBe(
      createHmac('sha256', secret)
        .update(canonicalJson({ workspace: 'smoke-test' }))
        .digest('hex'),
    );

    await server.stop();
    // The record disappears only on a graceful shutdown, after PGlite has closed its files.
    expect(fs.existsSync(path.join(dataDir, 'embedded-postgres.json'))).toBe(false);
    server = await start(port);
    expect(server.output()).not.toContain('/console/setup?token=');
    expect((await listAll()).items.map((w) => w.slug)).toEqual(['smoke-test']);
  });
});
