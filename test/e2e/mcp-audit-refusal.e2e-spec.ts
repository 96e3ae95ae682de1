import { buildWorkspaceWithKey } from '../factories';
import { withAuditFailing } from '../support/audit-failure';
import { postRawMcp } from '../support/raw-mcp';
import { useTestApp } from '../support/test-app';

/** Headers any answer may carry whoever wrote it: the server's, not the handler's. */
const TRANSPORT_HEADERS = [
  'cache-control',
  'connection',
  'content-length',
  'content-type',
  'date',
  'keep-alive',
  'x-request-id',
];

describe('MCP answers held for their audit record', () => {
  jest.setTimeout(120_000);
  const t = useTestApp();

  /** A raw JSON-RPC POST to /mcp, on the 2025-06-18 protocol unless `headers` say otherwise. */
  const postMcp = (token: string, requestId: string, body: unknown, headers: Record<string, string> = {}) =>
    postRawMcp(t.url, token, requestId, body, { 'mcp-protocol-version': '2025-06-18', ...headers });
  const callTool = (token: string, requestId: string, name: string, args: object) =>
    postMcp(token, requestId, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } });

  /**
   * The refusal every caller gets when its record cannot be written: a 503 it can read, not a
   * dropped connection, and a JSON-RPC error for the request's own id (null for a notification).
   */
  async function expectRefused(answer: Response, requestId: string, id: number | string | null = 1): Promise<void> {
    expect(answer.status).toBe(503);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.headers.get('x-request-id')).toBe(requestId);
    // Nothing of the withheld answer goes out; the refusal is no more cacheable than it was.
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect([...answer.headers.keys()].filter((name) => !TRANSPORT_HEADERS.includes(name))).toEqual([]);
    expect(await answer.json()).toEqual({
      jsonrpc: '2.0',
      id,
      error: { code: -32000, message: 'unavailable: audit trail unavailable; try again later' },
    });
  }

  it('answers a tools/call whose record cannot be written with a 503, and a later call with its result', async () => {
    const { token, workspace } = await buildWorkspaceWithKey(t.app, { role: 'owner' });

    await withAuditFailing(
      t.db,
      'mcp tools/call get_workspace',
      async () => {
        const refused = await callTool(token, 'refused-mcp-read', 'get_workspace', { workspace_id: workspace.id });
        await expectRefused(refused, 'refused-mcp-read');
      },
      { correlation_id: 'refused-mcp-read' },
    );

    await withAuditFailing(
      t.db,
      'mcp tools/call create_draft',
      async () => {
        const refused = await callTool(token, 'refused-mcp-change', 'create_draft', { text: 'never drafted' });
        await expectRefused(refused, 'refused-mcp-change');
      },
      { correlation_id: 'refused-mcp-change' },
    );
    const [drafts] = await t.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM drafts WHERE workspace_id = $1`,
      [workspace.id],
    );
    expect(drafts.n).toBe(0);

    const accepted = await callTool(token, 'accepted-mcp-read', 'get_workspace', { workspace_id: workspace.id });
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('x-request-id')).toBe('accepted-mcp-read');
    const answer = (await accepted.json()) as { result: { isError?: boolean; structuredContent: { id: string } } };
    expect(answer.result.isError).toBeFalsy();
    expect(answer.result.structuredContent.id).toBe(workspace.id);
  });

  it('refuses a 2026-07-28 call the same way', async () => {
    const { token, workspace } = await buildWorkspaceWithKey(t.app, { role: 'owner' });
    const meta = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'modern', version: '1' },
      'io.modelcontextprotocol/clientCapabilities': {},
    };
    const modern = (requestId: string) =>
      postMcp(
        token,
        requestId,
        {
          jsonrpc: '2.0',
          id: 'modern-7',
          method: 'tools/call',
          params: { name: 'get_workspace', arguments: { workspace_id: workspace.id }, _meta: meta },
        },
        { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'get_workspace' },
      );

    await withAuditFailing(
      t.db,
      'mcp tools/call get_workspace',
      async () => {
        await expectRefused(await modern('refused-modern-read'), 'refused-modern-read', 'modern-7');
      },
      { correlation_id: 'refused-modern-read' },
    );
    const accepted = await modern('accepted-modern-read');
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ result: { structuredContent: { id: workspace.id } } });
  });

  it('refuses an acknowledged notification (202) the same way', async () => {
    const { token } = await buildWorkspaceWithKey(t.app, { role: 'owner' });
    const notify = (requestId: string) =>
      postMcp(token, requestId, { jsonrpc: '2.0', method: 'notifications/initialized' });

    await withAuditFailing(
      t.db,
      'mcp notifications/initialized',
      async () => {
        await expectRefused(await notify('refused-mcp-notification'), 'refused-mcp-notification', null);
      },
      { correlation_id: 'refused-mcp-notification' },
    );
    const accepted = await notify('accepted-mcp-notification');
    expect(accepted.status).toBe(202);
  });
});
