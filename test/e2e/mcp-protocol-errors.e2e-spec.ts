import { buildWorkspaceWithKey } from '../factories';
import { postRawMcp } from '../support/raw-mcp';
import { useTestApp } from '../support/test-app';

interface Row {
  operation: string;
  decision: string;
  error_code: string | null;
  reason: string | null;
  scopes_required: string[];
}

/**
 * A client's malformed JSON-RPC is the client's mistake: it is told so in JSON-RPC's own terms
 * (-32700, -32600, -32602) in one line, and recorded as invalid, never as a server failure.
 */
describe('MCP protocol errors', () => {
  jest.setTimeout(60_000);
  const t = useTestApp();
  const row = async (id: string) =>
    (await t.db.query<Row[]>(`SELECT * FROM audit_records WHERE correlation_id = $1`, [id]))[0];
  const rpc = (id: number, method: string, params?: unknown) => ({ jsonrpc: '2.0', id, method, params });

  it('answers malformed params of any method as invalid params, in one line, recorded as invalid', async () => {
    const { token } = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ['workspace:read'] });
    const cases: [string, unknown][] = [
      ['read-no-uri', rpc(1, 'resources/read', {})],
      ['read-number-uri', rpc(1, 'resources/read', { uri: 5 })],
      ['list-number-cursor', rpc(1, 'tools/list', { cursor: 5 })],
      ['templates-number-cursor', rpc(1, 'resources/templates/list', { cursor: 5 })],
      ['call-array-arguments', rpc(1, 'tools/call', { name: 'list_workspaces', arguments: [] })],
      ['call-number-name', rpc(1, 'tools/call', { name: 5 })],
    ];
    for (const [id, body] of cases) {
      const res = await postRawMcp(t.url, token, id, body);
      const answer = (await res.json()) as { error?: { code: number; message: string } };
      expect([id, res.status, answer.error?.code]).toEqual([id, 200, -32602]);
      expect(answer.error?.message).toMatch(/^invalid params for [a-z/]+: \S/);
      expect(answer.error?.message).not.toMatch(/\n|"expected"|invalid_type/);
      const record = await row(id);
      expect([id, record.decision, record.error_code]).toEqual([id, 'invalid', 'invalid_params']);
      expect(record.reason).toBe(answer.error?.message);
    }
  });

  it('records the scopes of the tool a refused call named', async () => {
    const { token } = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ['ai-publishing-assistant'] });
    await postRawMcp(t.url, token, 'bad-draft', rpc(1, 'tools/call', { name: 'create_draft', arguments: { text: 5 } }));
    expect(await row('bad-draft')).toMatchObject({
      decision: 'invalid',
      error_code: 'validation_failed',
      scopes_required: ['drafts:create'],
    });

    const limited = await buildWorkspaceWithKey(t.app, {
      role: 'owner',
      scopes: ['ai-publishing-assistant'],
      toolAllowlist: ['list_drafts'],
    });
    const hidden = await postRawMcp(
      t.url,
      limited.token,
      'hidden-draft',
      rpc(1, 'tools/call', { name: 'create_draft', arguments: { text: 'x' } }),
    );
    expect(((await hidden.json()) as { error: { message: string } }).error.message).toBe('Unknown tool: create_draft');
    expect(await row('hidden-draft')).toMatchObject({
      decision: 'denied',
      error_code: 'forbidden',
      scopes_required: ['drafts:create'],
    });
  });

  it('records names the caller chose without control characters or a URI password', async () => {
    const { token } = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ['workspace:read'] });
    const forged = 'list_workspaces\nFAKE: mcp tools/call delete_post allowed\u202Eevil';
    await postRawMcp(t.url, token, 'forged-name', rpc(1, 'tools/call', { name: forged, arguments: {} }));
    const named = await row('forged-name');
    expect(named.operation).toBe(
      'mcp tools/call list_workspaces\uFFFDFAKE: mcp tools/call delete_post allowed\uFFFDevil',
    );
    expect(named.reason).not.toMatch(/[\n\u202E]/);

    await postRawMcp(
      t.url,
      token,
      'uri-password',
      rpc(1, 'resources/read', { uri: 'https://ops:PASSWORD1@example.com/x' }),
    );
    const read = await row('uri-password');
    expect(read.operation).toBe('mcp resources/read https://…@example.com/x');
    expect(JSON.stringify(read)).not.toContain('PASSWORD1');
  });

  it('answers other HTTP methods on /mcp with 405 and the one it allows', async () => {
    const { token } = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ['workspace:read'] });
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${t.url}/mcp`, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json, text/event-stream' },
      });
      expect([method, res.status, res.headers.get('allow')]).toEqual([method, 405, 'POST']);
    }
  });

  it('answers a body it cannot read as JSON-RPC errors, as an MCP client expects', async () => {
    const { token } = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ['workspace:read'] });
    const cases: [string, string, Record<string, string>, number, number, string][] = [
      ['unparsable', '{"jsonrpc":', {}, 400, -32700, 'malformed_json'],
      ['bare-null', 'null', {}, 400, -32600, 'validation_failed'],
      ['bare-number', '42', {}, 400, -32600, 'validation_failed'],
      ['latin1', '{}', { 'content-type': 'application/json; charset=latin1' }, 415, -32000, 'unsupported_media_type'],
    ];
    for (const [id, body, headers, status, code, recorded] of cases) {
      const res = await postRawMcp(t.url, token, id, body, headers);
      const answer = (await res.json()) as {
        jsonrpc?: string;
        id?: unknown;
        error?: { code: number; message: string };
      };
      expect([id, res.status, answer.jsonrpc, answer.id, answer.error?.code]).toEqual([id, status, '2.0', null, code]);
      const record = await row(id);
      expect(record).toMatchObject({ decision: 'invalid', error_code: recorded });
      expect(answer.error?.message).toBe(`${recorded}: ${record.reason}`);
    }
    // REST keeps its own shape, and a bare JSON value is told for what it is.
    const rest = await fetch(`${t.url}/api/v1/drafts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: 'null',
    });
    expect([rest.status, ((await rest.json()) as { error: { message: string } }).error.message]).toEqual([
      400,
      'request body must be a JSON object',
    ]);
  });

  it('refuses routing headers that disagree with the body, whatever protocol the call names', async () => {
    const { token, workspace } = await buildWorkspaceWithKey(t.app, { role: 'owner' });
    const legacy = { 'mcp-protocol-version': '2025-06-18' };
    const draft = rpc(7, 'tools/call', { name: 'create_draft', arguments: { text: 'behind the gateway' } });
    const cases: [string, Record<string, string>, string][] = [
      // A gateway that allows list_workspaces by its header must not pass a create_draft.
      [
        'name-lies',
        { 'mcp-method': 'tools/call', 'mcp-name': 'list_workspaces' },
        'Mcp-Name header names "list_workspaces"',
      ],
      ['method-lies', { 'mcp-method': 'tools/list' }, 'Mcp-Method header names tools/list'],
      ['bad-base64', { 'mcp-method': 'tools/call', 'mcp-name': '=?base64?Y3JlYXRl*?=' }, 'invalid Base64'],
    ];
    for (const [id, headers, why] of cases) {
      const res = await postRawMcp(t.url, token, id, draft, { ...legacy, ...headers });
      const answer = (await res.json()) as { id?: unknown; error?: { code: number; message: string } };
      expect([id, res.status, answer.id, answer.error?.code]).toEqual([id, 400, 7, -32020]);
      expect(answer.error?.message).toContain(why);
      expect(await row(id)).toMatchObject({ decision: 'invalid', error_code: 'invalid_request' });
    }
    const [drafts] = await t.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM drafts WHERE workspace_id = $1`,
      [workspace.id],
    );
    expect(drafts.n).toBe(0);

    // Headers that agree, plain or Base64-encoded, and no headers at all, are served.
    const encoded = `=?base64?${Buffer.from('create_draft').toString('base64')}?=`;
    const agreeing: Record<string, string>[] = [
      { 'mcp-method': 'tools/call', 'mcp-name': 'create_draft' },
      { 'mcp-name': encoded },
      {},
    ];
    for (const headers of agreeing) {
      const res = await postRawMcp(t.url, token, 'agree', draft, { ...legacy, ...headers });
      const answer = (await res.json()) as { error?: unknown; result?: { isError?: boolean } };
      expect([res.status, answer.error, answer.result?.isError ?? false]).toEqual([200, undefined, false]);
    }
    const [served] = await t.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM drafts WHERE workspace_id = $1`,
      [workspace.id],
    );
    expect(served.n).toBe(3);
  });
});
