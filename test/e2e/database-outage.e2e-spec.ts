import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/bootstrap';
import { buildWorkspaceWithKey } from '../factories';
import { contentState } from '../support/content-calls';
import { cuttableDatabase, type CuttableDatabase } from '../support/cuttable-database';
import { withMcpClient } from '../support/mcp-client';
import { waitFor } from '../support/processes';
import { postRawMcp } from '../support/raw-mcp';
import { callRest } from '../support/rest-client';
import { databaseUrl, testConfig } from '../support/test-config';

/**
 * The database goes away under a running server. Nothing can be checked or recorded, so every call
 * is refused, quickly and in its client's shape, and nothing is half-done; readiness says which
 * dependency is down without naming where it is. When the database is back, so is the server.
 */
// PGlite serves every connection from one session: a connection cut in the middle of an exchange
// could leave that session in a state the rest of the suite would then share.
(process.env.POSTERN_TEST_EMBEDDED ? describe.skip : describe)('a database outage', () => {
  let relay: CuttableDatabase;
  let app: INestApplication;
  let url: string;
  let token: string;
  let workspaceId: string;

  beforeAll(async () => {
    relay = await cuttableDatabase(databaseUrl());
    app = await createApp(testConfig({ DATABASE_URL: relay.url }), relay.url);
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const built = await buildWorkspaceWithKey(app);
    token = built.token;
    workspaceId = built.workspace.id;
  });
  afterAll(async () => {
    await relay?.restore();
    await app?.close();
    await relay?.close();
  });

  const listWorkspaces = () =>
    withMcpClient(url, token, (client) => client.callTool({ name: 'list_workspaces', arguments: {} }));

  it('refuses every call while it lasts, changes nothing, and serves again once it ends', async () => {
    expect(await listWorkspaces()).toMatchObject({ structuredContent: { items: [{ id: workspaceId }] } });
    const before = await contentState(app.get(DataSource), workspaceId);

    await relay.cut();
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(503);
    // Exactly each dependency's status and kind: nothing a check says about a failure.
    expect(await ready.json()).toEqual({
      status: 'error',
      info: { queue: expect.objectContaining({ status: 'up' }) },
      error: { database: { status: 'down' } },
      details: { database: { status: 'down' }, queue: expect.objectContaining({ status: 'up' }) },
    });

    const started = Date.now();
    const mcp = await postRawMcp(url, token, 'outage-mcp', {
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'create_draft', arguments: { text: 'written during the outage' } },
    });
    expect(mcp.status).toBe(503);
    expect(await mcp.json()).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: { code: -32000, message: expect.stringMatching(/^unavailable: /) },
    });
    const rest = await callRest(url, token, 'POST', '/api/v1/drafts', { text: 'written during the outage' });
    expect([rest.status, rest.body.error.code, rest.body.error.requestId]).toEqual([
      503,
      'unavailable',
      rest.requestId,
    ]);
    expect(rest.text).not.toMatch(/ECONN|Connection terminated|at .*\.js:\d+/);
    // A database that refuses connections fails calls at once, not after the pool's 10 s wait.
    expect(Date.now() - started).toBeLessThan(5000);

    await relay.restore();
    await waitFor(
      async () => ((await fetch(`${url}/health/ready`)).status === 200 ? true : undefined),
      15_000,
      'readiness after the outage',
    );
    expect(await listWorkspaces()).toMatchObject({ structuredContent: { items: [{ id: workspaceId }] } });
    expect(await contentState(app.get(DataSource), workspaceId)).toEqual(before);
  });
});
