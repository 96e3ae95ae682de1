import { DataSource } from 'typeorm';
import { operatorActor } from '../../src/access/actor';
import { ApiKeysService } from '../../src/access/api-keys/api-keys.service';
import { TOOL_SCOPES } from '../../src/mcp/tool-scopes';
import { asOperator, buildWorkspace, buildWorkspaceWithKey } from '../factories';
import { connectMcp, toolError } from '../support/mcp-client';
import { startTestApp, type TestApp } from '../support/test-app';

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });
}

describe('MCP endpoint', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves list_workspaces and get_workspace to the official client with structured content', async () => {
    const { workspace, token } = await buildWorkspaceWithKey(t.app);
    const client = await connectMcp(t.url, token);
    try {
      const { tools } = await client.listTools();
      const names = tools.map((x) => x.name);
      expect(names).toEqual(expect.arrayContaining(['list_workspaces', 'get_workspace']));
      const list = tools.find((x) => x.name === 'list_workspaces');
      expect(list?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
      expect(list?.outputSchema).toBeDefined();
      // Each tool says which OAuth scopes it needs; none claims to need no authentication.
      for (const tool of tools)
        expect([tool.name, tool._meta?.securitySchemes]).toEqual([
          tool.name,
          [{ type: 'oauth2', scopes: [...(TOOL_SCOPES.get(tool.name) ?? ['(undeclared)'])] }],
        ]);

      const listed = await client.callTool({ name: 'list_workspaces', arguments: {} });
      expect(listed.isError).toBeFalsy();
      expect(listed.structuredContent).toEqual({
        items: [
          expect.objectContaining({ id: workspace.id, slug: workspace.slug, name: workspace.name, draft_first: true }),
        ],
      });

      const bySlug = await client.callTool({ name: 'get_workspace', arguments: { workspace_id: workspace.slug } });
      expect(bySlug.structuredContent).toMatchObject({ id: workspace.id });
    } finally {
      await client.close();
    }
  });

  it('answers another workspace exactly like a missing one', async () => {
    const { token } = await buildWorkspaceWithKey(t.app);
    const other = await buildWorkspace(t.app);
    const client = await connectMcp(t.url, token);
    try {
      const foreign = toolError(
        await client.callTool({ name: 'get_workspace', arguments: { workspace_id: other.id } }),
      );
      const missing = toolError(
        await client.callTool({
          name: 'get_workspace',
          arguments: { workspace_id: '00000000-0000-4000-8000-000000000000' },
        }),
      );
      expect(foreign).toEqual({ code: 'not_found', message: 'workspace not found' });
      expect(missing).toEqual(foreign);
    } finally {
      await client.close();
    }
  });

  it('refuses bad arguments with a structured error naming each field, and audits the attempt', async () => {
    const { token } = await buildWorkspaceWithKey(t.app);
    const client = await connectMcp(t.url, token, { 'x-request-id': 'bad-args-check' });
    try {
      const err = toolError(
        await client.callTool({ name: 'get_workspace', arguments: { workspace_id: 'a b\u0000', colour: 'red' } }),
      );
      expect(err.code).toBe('validation_failed');
      expect(err.details).toEqual(
        expect.arrayContaining([
          { field: 'workspace_id', issue: expect.any(String) as string },
          { field: 'colour', issue: 'is not a known argument' },
        ]),
      );
    } finally {
      await client.close();
    }
    const rows = await t.app
      .get(DataSource)
      .query<{ decision: string; error_code: string }[]>(
        `SELECT decision, error_code FROM audit_records WHERE correlation_id = $1 AND operation = 'mcp tools/call get_workspace'`,
        ['bad-args-check'],
      );
    expect(rows).toEqual([{ decision: 'invalid', error_code: 'validation_failed' }]);
  });

  it('tells a caller without the scope that it is denied, before anything about its arguments', async () => {
    const { token } = await buildWorkspaceWithKey(t.app, { scopes: ['workspace:list'] });
    const client = await connectMcp(t.url, token);
    try {
      const err = toolError(await client.callTool({ name: 'get_workspace', arguments: { colour: 'red' } }));
      expect(err).toMatchObject({ code: 'insufficient_scope', message: 'missing scopes: workspace:read' });
    } finally {
      await client.close();
    }
  });

  it('returns a structured error with a stable code when a scope is missing', async () => {
    const { token } = await buildWorkspaceWithKey(t.app, { scopes: ['workspace:read'] });
    const client = await connectMcp(t.url, token);
    try {
      const err = toolError(await client.callTool({ name: 'list_workspaces', arguments: {} }));
      expect(err.code).toBe('insufficient_scope');
      expect(err.message).toContain('workspace:list');
      expect(JSON.stringify(err)).not.toMatch(/at \w+ \(|\.ts:\d+/);
    } finally {
      await client.close();
    }
  });

  it('refuses a missing, malformed, revoked or expired key with 401 and a Bearer challenge', async () => {
    const { workspace, key, token } = await buildWorkspaceWithKey(t.app);
    const expiring = await buildWorkspaceWithKey(t.app, { expiresAt: new Date(Date.now() + 3_600_000) });
    await asOperator('key revoke', () => t.app.get(ApiKeysService).revoke(operatorActor(), workspace.id, key.id));
    // Age the key instead of waiting for it to expire.
    await t.app
      .get(DataSource)
      .query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [expiring.key.id]);

    for (const auth of [
      undefined,
      'Bearer nonsense',
      `Bearer ${token}`,
      `Bearer ${expiring.token}`,
      `Basic ${token}`,
    ]) {
      const res = await post(t.url, initialize, auth ? { authorization: auth } : {});
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      // RFC 6750: a refused token is named as such; a request without one gets the bare challenge.
      const refusedToken = auth?.startsWith('Bearer') ?? false;
      expect([auth, res.headers.get('www-authenticate')?.endsWith(', error="invalid_token"')]).toEqual([
        auth,
        refusedToken,
      ]);
      const body = (await res.json()) as { error: { code: string; requestId: string } };
      expect(body.error.code).toBe('unauthenticated');
      expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
    }
  });

  it('rejects a foreign Host or Origin (DNS-rebinding protection)', async () => {
    const { token } = await buildWorkspaceWithKey(t.app);
    const badOrigin = await post(t.url, initialize, {
      authorization: `Bearer ${token}`,
      origin: 'https://evil.example',
    });
    expect(badOrigin.status).toBe(403);
    const goodOrigin = await post(t.url, initialize, {
      authorization: `Bearer ${token}`,
      origin: 'http://localhost:3000',
    });
    expect(goodOrigin.status).toBe(200);
  });
});

describe('MCP tool allowlist', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets a key limited to named tools call only those', async () => {
    const { token, workspace, key } = await buildWorkspaceWithKey(t.app, { toolAllowlist: ['get_workspace'] });
    const client = await connectMcp(t.url, token);
    try {
      const allowed = await client.callTool({ name: 'get_workspace', arguments: { workspace_id: workspace.id } });
      expect(allowed.structuredContent).toMatchObject({ id: workspace.id });
      const { tools } = await client.listTools();
      expect(tools.map((x) => x.name)).toEqual(['get_workspace']);
      // Refused exactly like a tool that does not exist, so the key learns nothing about the others.
      const hidden = await client.callTool({ name: 'list_workspaces', arguments: {} }).catch((e: Error) => e.message);
      const unknown = await client.callTool({ name: 'list_workspacez', arguments: {} }).catch((e: Error) => e.message);
      expect(hidden).toBe('MCP error -32602: Unknown tool: list_workspaces');
      expect(unknown).toBe('MCP error -32602: Unknown tool: list_workspacez');
      // The trail tells them apart: a refused tool, and a name that is no tool.
      const rows = await t.app.get(DataSource).query(
        `SELECT operation, decision, error_code FROM audit_records
            WHERE key_id = $1 AND operation LIKE 'mcp tools/call list_%' ORDER BY id`,
        [key.id],
      );
      expect(rows).toEqual([
        { operation: 'mcp tools/call list_workspaces', decision: 'denied', error_code: 'forbidden' },
        { operation: 'mcp tools/call list_workspacez', decision: 'invalid', error_code: 'invalid_params' },
      ]);
      // Workspace data behind a resource is not among its tools; the reference resources are.
      const resource = await client.readResource({ uri: 'postern://workspace' }).catch((e: Error) => e.message);
      expect(resource).toContain('cannot read workspace resources');
      const catalogue = await client.readResource({ uri: 'postern://scopes' });
      // A URI that cannot be decoded is the caller's mistake, not an internal error.
      for (const uri of ['postern://workspace?%', 'postern://campaigns/%E0%A4%A']) {
        const malformed = await client.readResource({ uri }).catch((e: Error) => e.message);
        expect([uri, malformed]).toEqual([
          uri,
          'MCP error -32602: validation_failed: uri has a malformed percent-escape',
        ]);
      }
      const refusals = await t.app
        .get(DataSource)
        .query(
          `SELECT decision, error_code FROM audit_records WHERE key_id = $1 AND operation LIKE 'mcp resources/read %\\%%'`,
          [key.id],
        );
      expect(refusals).toEqual([1, 2].map(() => ({ decision: 'invalid', error_code: 'validation_failed' })));
      expect(JSON.stringify(catalogue.contents)).toContain('workspace:read');
    } finally {
      await client.close();
    }
  });
});
