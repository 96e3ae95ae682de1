import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { request } from 'node:http';
import { connect } from 'node:net';
import { auditChainKey, chainHash } from '../../src/audit/audit-hash';
import { AUDIT_FIELD_COLUMNS, GENESIS_HASH, type AuditFields } from '../../src/audit/audit-record';
import { AuditVerifier } from '../../src/audit/audit-verifier.service';
import { AuditQueryService } from '../../src/audit/audit-query.service';
import { AuditRecordChecks1763840000000 } from '../../src/database/migrations/1763840000000-audit-record-checks';
import { APP_CONFIG, type AppConfig } from '../../src/config/config.types';
import { operatorActor } from '../../src/access/actor';
import { ApiKeysService } from '../../src/access/api-keys/api-keys.service';
import { ALL_SCOPES } from '../../src/access/scopes';
import { asOperator, buildUser, buildWorkspaceWithKey } from '../factories';
import { signInForm } from '../support/console-sign-in';
import { connectMcp } from '../support/mcp-client';
import { cleanEnv, runCli, waitFor } from '../support/processes';
import { databaseUrl } from '../support/test-config';
import { postRawMcp } from '../support/raw-mcp';
import { withAuditFailing } from '../support/audit-failure';
import { useTestApp } from '../support/test-app';

interface Record {
  id: string;
  seq: string;
  operation: string;
  decision: string;
  outcome: string;
  error_code: string | null;
  scopes_required: string[];
  scopes_presented: string[];
  key_id: string | null;
  args_preview: string | null;
  args_digest: string | null;
  correlation_id: string;
  idempotency_key: string | null;
}

describe('audit trail', () => {
  jest.setTimeout(120_000);
  const t = useTestApp();

  const rest = (token: string, path: string, init: RequestInit = {}) =>
    fetch(`${t.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
  const postMcp = (
    token: string,
    requestId: string,
    body: unknown,
    headers: { [name: string]: string },
    path = '/mcp',
  ) => postRawMcp(t.url, token, requestId, body, headers, path);
  /** fetch cannot send `OPTIONS *`, an undecodable path or an absolute-form target as written; node:http sends them verbatim. */
  const sendRaw = (method: string, path: string, headers: { [name: string]: string }, body?: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(t.url);
      const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const records = async (token: string, query = '') =>
    (await (await rest(token, `/api/v1/audit${query}`)).json()) as { items: Record[]; next_cursor: string | null };

  it('records allowed, denied and invalid MCP and REST calls with redacted arguments', async () => {
    const { token, key } = await buildWorkspaceWithKey(t.app, {
      role: 'owner',
      scopes: ['workspace:read'],
      auditAccess: true,
    });
    const client = await connectMcp(t.url, token);
    try {
      await client.listTools();
      await client.callTool({ name: 'get_workspace', arguments: { workspace_id: 'secret-looking-value' } });
      await client.callTool({ name: 'list_workspaces', arguments: {} });
      await client.callTool({ name: 'get_workspace', arguments: { workspace_id: 'not valid!' } });
    } finally {
      await client.close();
    }
    const mine = (await records(token)).items.filter((r) => r.key_id === key.id);
    const find = (op: string) => mine.find((r) => r.operation === op);

    expect(find('mcp tools/list')).toMatchObject({ decision: 'allowed', outcome: 'ok' });
    const denied = find('mcp tools/call list_workspaces');
    expect(denied).toMatchObject({
      decision: 'denied',
      outcome: 'error',
      error_code: 'insufficient_scope',
      scopes_required: ['workspace:list'],
      scopes_presented: ['workspace:read'],
    });
    const calls = mine.filter((r) => r.operation === 'mcp tools/call get_workspace');
    expect(calls.map((r) => [r.decision, r.error_code]).sort()).toEqual([
      ['allowed', 'not_found'],
      ['invalid', 'validation_failed'],
    ]);
    for (const r of calls) {
      expect(r.args_preview).toBe(
        r.decision === 'allowed' ? '{"workspace_id":"string(20)"}' : '{"workspace_id":"string(10)"}',
      );
      expect(r.args_digest).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(r)).not.toContain('secret-looking-value');
    }
  });

  it('records an unauthenticated request too, and never the presented secret', async () => {
    const bogus = `pst_000000000000_${randomBytes(32).toString('base64url')}`;
    const res = await fetch(`${t.url}/api/v1/workspaces`, {
      headers: { authorization: `Bearer ${bogus}`, 'x-request-id': `unauth-${bogus.slice(-8)}` },
    });
    expect(res.status).toBe(401);
    const rows = await t.db.query<Record[]>(`SELECT * FROM audit_records WHERE correlation_id = $1`, [
      `unauth-${bogus.slice(-8)}`,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      decision: 'denied',
      error_code: 'unauthenticated',
      operation: 'GET /api/v1/workspaces',
    });
    expect(JSON.stringify(rows[0])).not.toContain(bogus);
  });

  it('files a dead key’s attempts under its workspace and names the key, but not a guess at its secret', async () => {
    const { token, key, workspace } = await buildWorkspaceWithKey(t.app, { role: 'owner' });
    await asOperator('key revoke', () => t.app.get(ApiKeysService).revoke(operatorActor(), workspace.id, key.id));
    // The real key's prefix with another secret: anyone can write that, so it proves nothing.
    const guess = `${token.slice(0, 17)}${randomBytes(32).toString('base64url')}`;
    for (const [bearer, id] of [
      [token, 'dead-key'],
      [guess, 'dead-key-guess'],
    ]) {
      const res = await fetch(`${t.url}/api/v1/workspaces`, {
        headers: { authorization: `Bearer ${bearer}`, 'x-request-id': id },
      });
      expect([id, res.status]).toEqual([id, 401]);
    }
    const row = async (id: string) =>
      (await t.db.query<Record[]>(`SELECT * FROM audit_records WHERE correlation_id = $1`, [id]))[0];
    expect(await row('dead-key')).toMatchObject({
      workspace_id: workspace.id,
      chain: workspace.id,
      actor_kind: 'api_key',
      key_id: key.id,
      decision: 'denied',
      error_code: 'unauthenticated',
      reason: 'the API key was revoked',
    });
    expect(await row('dead-key-guess')).toMatchObject({
      workspace_id: null,
      chain: 'global',
      actor_kind: null,
      key_id: null,
      decision: 'denied',
      error_code: 'unauthenticated',
    });
  });

  it('records refused bodies and JSON-RPC batches, and a batch runs none of its calls', async () => {
    const { token, workspace } = await buildWorkspaceWithKey(t.app, { role: 'owner' });
    const row = async (id: string) =>
      (await t.db.query<Record[]>(`SELECT * FROM audit_records WHERE correlation_id = $1`, [id]))[0];
    const post = (path: string, body: string, id: string) =>
      rest(token, path, { method: 'POST', body, headers: { 'x-request-id': id } });

    expect((await post('/api/v1/keys', '{"name": ', 'malformed-rest')).status).toBe(400);
    // Refused before the guards, and still filed under the workspace of the key that sent it.
    expect(await row('malformed-rest')).toMatchObject({
      operation: 'POST /api/v1/keys',
      decision: 'invalid',
      error_code: 'malformed_json',
      workspace_id: workspace.id,
    });
    const huge = JSON.stringify({ name: 'x'.repeat(1_100_000) });
    expect((await post('/api/v1/keys', huge, 'oversized-rest')).status).toBe(413);
    expect(await row('oversized-rest')).toMatchObject({ decision: 'invalid', error_code: 'payload_too_large' });

    const call = (id: number, name: string, args: object) => ({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name, arguments: args },
    });
    const batch = await postMcp(
      token,
      'batch',
      [
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        call(2, 'create_draft', { text: 'first of a batch' }),
        call(3, 'create_draft', { text: 'second of a batch' }),
      ],
      { 'mcp-protocol-version': '2025-03-26' },
    );
    expect(batch.status).toBe(400);
    expect(await batch.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
    expect(await row('batch')).toMatchObject({
      operation: 'mcp batch',
      decision: 'invalid',
      error_code: 'invalid_request',
    });
    // The endpoint is /mcp as written: another spelling is no way around the refusal.
    for (const path of ['/MCP', '/Mcp/']) {
      const id = `batch${path.replace(/\//g, '-')}`;
      const respelt = await postMcp(token, id, [call(1, 'create_draft', { text: 'respelt' })], {}, path);
      expect([path, respelt.status]).toEqual([path, 404]);
      expect(await row(id)).toMatchObject({ decision: 'invalid', error_code: 'not_found' });
    }
    const [drafts] = await t.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM drafts WHERE workspace_id = $1`,
      [workspace.id],
    );
    expect(drafts.n).toBe(0);
  });

  it('records an OAuth request whose client left before its answer', async () => {
    // The authorization server does not end a response whose socket has closed, so the record,
    // written when the answer ends, was never written: a probe of the token endpoint left no trace.
    const { port } = new URL(t.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: left-early\r\n' +
        'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\n' +
        'grant_type=refresh_token&refresh_token=guess',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.destroy();
    const rows = await waitFor(
      async () => {
        const found = await t.db.query<Record[]>(`SELECT * FROM audit_records WHERE correlation_id = 'left-early'`);
        return found.length ? found : undefined;
      },
      5_000,
      'the record of the request whose client left',
    );
    expect(rows).toEqual([
      expect.objectContaining({
        operation: 'POST /oauth/token',
        surface: 'console',
        decision: 'failed',
        outcome: 'error',
        error_code: 'client_closed',
      }),
    ]);
  });

  it('refuses a JSON body holding half a character, and keeps a whole emoji', async () => {
    // JSON.parse accepts a lone surrogate escape; PostgreSQL refuses it in json and jsonb, so a
    // draft's variants or a replayable create's stored answer ended in a 500.
    const { token, workspace } = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
    const row = async (id: string) =>
      (await t.db.query<Record[]>(`SELECT * FROM audit_records WHERE correlation_id = $1`, [id]))[0];
    const draft = (text: string) => `{"text":"draft","variants":{"linkedin":{"text":"${text}"}}}`;
    const post = (path: string, body: string, id: string, headers: { [name: string]: string } = {}) =>
      rest(token, path, { method: 'POST', body, headers: { 'x-request-id': id, ...headers } });
    const count = async () =>
      (
        await t.db.query<{ n: number }[]>(
          `SELECT (SELECT count(*) FROM drafts WHERE workspace_id = $1)::int
                + (SELECT count(*) FROM campaigns WHERE workspace_id = $1)::int AS n`,
          [workspace.id],
        )
      )[0].n;
    const refusals: [string, string, string, { [name: string]: string }?][] = [
      ['half-variant', '/api/v1/drafts', draft('Hi \\ud83d')],
      ['half-low', '/api/v1/drafts', draft('\\ude00 first')],
      ['half-campaign', '/api/v1/campaigns', '{"name":"Launch \\uD83D"}', { 'idempotency-key': 'half-1' }],
    ];
    for (const [id, path, body, headers] of refusals) {
      const res = await post(path, body, id, headers);
      expect([id, res.status]).toEqual([id, 400]);
      expect([id, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([id, 'validation_failed']);
      expect([id, await row(id)]).toEqual([id, expect.objectContaining({ decision: 'invalid' })]);
    }
    const mcp = await post(
      '/mcp',
      `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create_draft","arguments":{"text":"Hi \\ud83d"}}}`,
      'half-mcp',
      { accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
    );
    expect(mcp.status).toBe(400);
    expect(await count()).toBe(0);

    const whole = await post('/api/v1/drafts', draft('Hi \\ud83d\\ude00'), 'whole-emoji');
    expect(whole.status).toBe(201);
    expect(await count()).toBe(1);
  });

  it('refuses a JSON body nested too deep, records the refusal, and stays up', async () => {
    // JSON.parse takes any depth; what walked the body after it recursed. With a surrogate escape
    // in it, an anonymous request ended the process; without one, the record could not be written.
    const { token } = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
    const row = async (id: string) =>
      (await t.db.query<Record[]>(`SELECT * FROM audit_records WHERE correlation_id = $1`, [id]))[0];
    const nested = (depth: number, inner: string) => '['.repeat(depth) + inner + ']'.repeat(depth);
    const call = (id: string, args: string) =>
      postMcp(
        token,
        id,
        `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create_draft","arguments":${args}}}`,
        { 'mcp-protocol-version': '2025-06-18' },
      );
    const anonymous = await fetch(`${t.url}/api/v1/drafts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'deep-anonymous' },
      body: nested(20_000, '"\\ud83d\\ude00"'),
    });
    expect(anonymous.status).toBe(400);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'validation_failed' } });
    expect(await row('deep-anonymous')).toMatchObject({ decision: 'invalid', error_code: 'validation_failed' });
    expect((await fetch(`${t.url}/health/live`)).status).toBe(200);
    // In another charset the parser would decode the brackets only after the checks read the bytes.
    for (const [id, charset, body] of [
      // UTF-7 writes three brackets as eight base64 characters: `[[[` is `+AFsAWwBb-`.
      ['deep-utf7', 'utf-7', Buffer.from(`+${'AFsAWwBb'.repeat(7_000)}-1+${'AF0AXQBd'.repeat(7_000)}-`)],
      ['deep-utf16', 'utf-16le', Buffer.from(nested(20_000, '1'), 'utf16le')],
    ] as const) {
      const res = await fetch(`${t.url}/api/v1/drafts`, {
        method: 'POST',
        headers: { 'content-type': `application/json; charset=${charset}`, 'x-request-id': id },
        body,
      });
      expect([id, res.status]).toEqual([id, 415]);
      expect(await row(id)).toMatchObject({ decision: 'invalid', error_code: 'unsupported_media_type' });
    }

    const deep = await call('deep-mcp', `{"text":"x","tags":${nested(20_000, '1')}}`);
    expect(deep.status).toBe(400);
    expect(await row('deep-mcp')).toMatchObject({ decision: 'invalid', error_code: 'validation_failed' });

    // Brackets inside strings do not count, and a body just inside the limit passes the parser.
    const flat = await call('deep-strings', `{"text":"${'[{'.repeat(200)}\\"]","tags":${nested(60, '"a"')}}`);
    expect(flat.status).toBe(200);
    expect(await row('deep-strings')).not.toMatchObject({ reason: expect.stringContaining('deep') });
  });

  it('refuses a request without an id, and records a method that does not exist as invalid', async () => {
    // Without an id the transport acknowledges a message and runs nothing; no guard sees it. Passed
    // on, it left a record of an allowed create_draft from a key that may not create drafts.
    const { token, workspace } = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ['workspace:read'] });
    const row = async (id: string) =>
      (await t.db.query<Record[]>(`SELECT * FROM audit_records WHERE correlation_id = $1`, [id]))[0];
    const v = { 'mcp-protocol-version': '2025-06-18' };
    const idless = await postMcp(
      token,
      'idless',
      { jsonrpc: '2.0', method: 'tools/call', params: { name: 'create_draft', arguments: { text: 'never drafted' } } },
      v,
    );
    expect(idless.status).toBe(400);
    expect(await idless.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
    expect(await row('idless')).toMatchObject({
      operation: 'mcp tools/call create_draft',
      decision: 'invalid',
      outcome: 'error',
      error_code: 'invalid_request',
    });
    const [drafts] = await t.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM drafts WHERE workspace_id = $1`,
      [workspace.id],
    );
    expect(drafts.n).toBe(0);

    const unknown = await postMcp(token, 'no-such-method', { jsonrpc: '2.0', id: 1, method: 'tools/frobnicate' }, v);
    expect(await unknown.json()).toMatchObject({ id: 1, error: { code: -32601 } });
    expect(await row('no-such-method')).toMatchObject({ decision: 'invalid', error_code: 'rpc_-32601' });

    // A notification is still acknowledged.
    const note = await postMcp(token, 'notification', { jsonrpc: '2.0', method: 'notifications/initialized' }, v);
    expect(note.status).toBe(202);
    expect(await row('notification')).toMatchObject({ decision: 'allowed', outcome: 'ok' });
  });

  it('serves an MCP POST only with a body the JSON parser read: other content types are refused and audited', async () => {
    // The SDK trims U+00A0 from the type, the JSON parser does not: such a body would reach the
    // transport unparsed, past the batch refusal and the body limit, and undescribed in the record.
    const { token, workspace } = await buildWorkspaceWithKey(t.app, { role: 'owner' });
    const row = async (id: string) =>
      (await t.db.query<Record[]>(`SELECT * FROM audit_records WHERE correlation_id = $1`, [id]))[0];
    const call = (id: number, text: string) => ({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: 'create_draft', arguments: { text } },
    });
    const headers = (id: string, type?: string) => ({
      authorization: `Bearer ${token}`,
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
      'x-request-id': id,
      ...(type === undefined ? {} : { 'content-type': type }),
    });
    const bodies = { single: JSON.stringify(call(1, 'odd type')), batch: JSON.stringify([call(1, 'a'), call(2, 'b')]) };
    const types: [string, string | undefined][] = [
      ['nbsp', 'application/json\u00a0'],
      ['text', 'text/plain'],
      ['form', 'application/x-www-form-urlencoded'],
      ['none', undefined],
    ];
    // A fragment in the target is no way around it.
    for (const [n, target] of ['/mcp', '/mcp#fragment'].entries())
      for (const [name, type] of types)
        for (const [kind, body] of Object.entries(bodies)) {
          const id = `type-${n}-${name}-${kind}`;
          const res = await sendRaw('POST', target, headers(id, type), body);
          expect([id, res.status]).toEqual([id, 415]);
          expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000 } });
          expect([id, await row(id)]).toEqual([
            id,
            expect.objectContaining({
              surface: 'mcp',
              decision: 'invalid',
              error_code: 'unsupported_media_type',
              workspace_id: workspace.id,
            }),
          ]);
        }
    // With a parameter the parser reads, the call is served as usual.
    const res = await sendRaw(
      'POST',
      '/mcp',
      headers('type-charset', 'application/json; charset=utf-8'),
      JSON.stringify(call(1, 'with charset')),
    );
    expect(res.status).toBe(200);
    expect(await row('type-charset')).toMatchObject({ operation: 'mcp tools/call create_draft', decision: 'allowed' });
    const texts = await t.db.query<{ text: string }[]>(`SELECT text FROM drafts WHERE workspace_id = $1`, [
      workspace.id,
    ]);
    expect(texts.map((d) => d.text)).toEqual(['with charset']);
  });

  it('takes an absolute-form or fragment-bearing target as the path it names: audited as MCP, batches refused', async () => {
    // RFC 9112 §3.2.2: a server must accept `POST http://host/mcp`. Express routes it to /mcp; so
    // must everything that reads the target before routing.
    const { token, workspace } = await buildWorkspaceWithKey(t.app, { role: 'owner' });
    const row = async (id: string) =>
      (await t.db.query<Record[]>(`SELECT * FROM audit_records WHERE correlation_id = $1`, [id]))[0];
    const headers = (id: string) => ({
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
      'x-request-id': id,
    });
    const call = (id: number, text: string) => ({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: 'create_draft', arguments: { text } },
    });
    // Any scheme: Node passes each through, and Express routes each to /mcp.
    const host = new URL(t.url).host;
    // And a fragment, which has no place in a target; the router drops it.
    const forms = [`${t.url}/mcp?via=absolute-form`, `ftp://${host}/mcp`, 'file:///mcp', '/mcp#fragment'];
    for (const [i, absolute] of forms.entries()) {
      const single = await sendRaw(
        'POST',
        absolute,
        headers(`absolute-call-${i}`),
        JSON.stringify(call(1, `form ${i}`)),
      );
      expect([absolute, single.status]).toEqual([absolute, 200]);
      expect([absolute, await row(`absolute-call-${i}`)]).toEqual([
        absolute,
        expect.objectContaining({
          surface: 'mcp',
          operation: 'mcp tools/call create_draft',
          decision: 'allowed',
          workspace_id: workspace.id,
        }),
      ]);

      const batch = JSON.stringify([call(1, 'absolute batch one'), call(2, 'absolute batch two')]);
      const refused = await sendRaw('POST', absolute, headers(`absolute-batch-${i}`), batch);
      expect([absolute, refused.status]).toEqual([absolute, 400]);
      expect(JSON.parse(refused.body)).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
      expect(await row(`absolute-batch-${i}`)).toMatchObject({
        surface: 'mcp',
        operation: 'mcp batch',
        decision: 'invalid',
      });
    }
    const texts = await t.db.query<{ text: string }[]>(`SELECT text FROM drafts WHERE workspace_id = $1`, [
      workspace.id,
    ]);
    expect(texts.map((d) => d.text).sort()).toEqual(['form 0', 'form 1', 'form 2', 'form 3']);
  });

  it('records requests that no route pattern matches: the root, OPTIONS *, a path that does not decode', async () => {
    const { token } = await buildWorkspaceWithKey(t.app, { role: 'owner' });
    const cases: [string, string, string, number, string][] = [
      ['GET', '/', 'odd-root', 404, 'GET /'],
      ['OPTIONS', '*', 'odd-star', 404, 'OPTIONS *'],
      ['GET', '/api/v1/workspaces/%E0%A4%A', 'odd-undecodable', 400, 'GET /api/v1/workspaces/%E0%A4%A'],
    ];
    for (const [method, path, id, status, operation] of cases) {
      const r = await sendRaw(method, path, { authorization: `Bearer ${token}`, 'x-request-id': id });
      expect([id, r.status, JSON.parse(r.body).error.requestId]).toEqual([id, status, id]);
      const rows = await t.db.query<Record[]>(`SELECT * FROM audit_records WHERE correlation_id = $1`, [id]);
      expect([id, rows]).toEqual([id, [expect.objectContaining({ operation, decision: 'invalid', outcome: 'error' })]]);
    }
  });

  it('leaves only the documented probes and docs unaudited: anything else under their paths has its record', async () => {
    const rows = (id: string) => t.db.query<Record[]>(`SELECT * FROM audit_records WHERE correlation_id = $1`, [id]);
    const others: [string, string][] = [
      ['POST', '/health/x'],
      ['POST', '/health/live'],
      ['GET', '/health/live/extra'],
      ['DELETE', '/api/docs/anything'],
      ['GET', '/api/docs/no-such-file.js'],
    ];
    for (const [n, [method, path]] of others.entries()) {
      const id = `near-docs-${n}`;
      const r = await sendRaw(method, path, { 'x-request-id': id });
      expect([id, r.status]).toEqual([id, 404]);
      expect([id, await rows(id)]).toEqual([
        id,
        [expect.objectContaining({ operation: `${method} ${path}`, decision: 'invalid', error_code: 'not_found' })],
      ]);
    }
    // The page, with each file it loads, as a browser would fetch them.
    const page = await (await fetch(`${t.url}/api/docs`)).text();
    const files = [...page.matchAll(/(?:href|src)="\.\/docs\/([^"]+)"/g)].map((m) => `/api/docs/${m[1]}`);
    expect(files).toEqual(expect.arrayContaining(['/api/docs/swagger-ui-init.js', '/api/docs/swagger-ui.css']));
    const documented = ['/health/live', '/health/ready', '/api/docs', '/api/docs/', '/api/docs/openapi.json', ...files];
    for (const [n, path] of documented.entries()) {
      const id = `docs-${n}`;
      const r = await sendRaw('GET', path, { 'x-request-id': id });
      expect([path, r.status, await rows(id)]).toEqual([path, 200, []]);
    }
  });

  it('stores characters PostgreSQL text cannot hold as U+FFFD, so one caller cannot fail a batch', async () => {
    const { token } = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ['workspace:list'] });
    const call = (name: string, id: string) =>
      postMcp(
        token,
        id,
        { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {} } },
        { 'mcp-protocol-version': '2025-06-18' },
      );
    // Sent together, so the odd name shares a group commit with the others. (Half a character, the
    // other kind text cannot hold, no longer gets this far: the JSON parser refuses it.)
    const answers = await Promise.all([
      call('evil\u0000tool', 'unstorable'),
      ...Array.from({ length: 10 }, (_, i) => call('list_workspaces', `storable-${i}`)),
    ]);
    expect(answers.map((a) => a.status)).toEqual(Array(11).fill(200));
    const [row] = await t.db.query<Record[]>(`SELECT * FROM audit_records WHERE correlation_id = 'unstorable'`);
    expect(row.operation).toBe('mcp tools/call evil\ufffdtool');
  });

  it('commits the record of a 2026-07-28 call before its answer, and of a listen stream before its first byte', async () => {
    const { token, workspace } = await buildWorkspaceWithKey(t.app, { role: 'owner' });
    const meta = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'modern', version: '1' },
      'io.modelcontextprotocol/clientCapabilities': {},
    };
    const modern = (id: string, method: string, params: object) =>
      postMcp(
        token,
        id,
        { jsonrpc: '2.0', id: 1, method, params: { ...params, _meta: meta } },
        {
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': method,
          ...('name' in params ? { 'mcp-name': String(params.name) } : {}),
        },
      );
    const rowsOf = (id: string) => t.db.query<Record[]>(`SELECT * FROM audit_records WHERE correlation_id = $1`, [id]);

    const call = await modern('modern-call', 'tools/call', {
      name: 'get_workspace',
      arguments: { workspace_id: workspace.id },
    });
    expect(call.status).toBe(200);
    expect(call.headers.get('content-type')).toContain('application/json');
    expect(call.headers.get('cache-control')).toBe('no-store');
    expect(await rowsOf('modern-call')).toEqual([
      expect.objectContaining({ operation: 'mcp tools/call get_workspace' }),
    ]);
    await call.text();

    const listen = await modern('modern-listen', 'subscriptions/listen', { notifications: { toolsListChanged: true } });
    expect(listen.headers.get('content-type')).toContain('text/event-stream');
    // The SDK's own policy for its streams, with no-store before it.
    expect(listen.headers.get('cache-control')).toBe('no-store, no-cache, no-transform');
    // The stream is open: its record is already there.
    expect(await rowsOf('modern-listen')).toEqual([
      expect.objectContaining({ operation: 'mcp subscriptions/listen', decision: 'allowed' }),
    ]);
    await listen.body?.cancel();
  });

  it('writes the record of a change in its transaction, and a failed audit write fails the change', async () => {
    const { token, workspace } = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
    const created = await rest(token, '/api/v1/keys', {
      method: 'POST',
      body: JSON.stringify({ name: 'audited', scopes: ['workspace:read'] }),
      headers: { 'x-request-id': `create-${workspace.id}` },
    });
    expect(created.status).toBe(201);
    const [row] = await t.db.query<Record[]>(`SELECT * FROM audit_records WHERE correlation_id = $1`, [
      `create-${workspace.id}`,
    ]);
    expect(row).toMatchObject({ operation: 'POST /api/v1/keys', decision: 'allowed', outcome: 'ok' });
    // The scope is a catalogue value; the result names the key made, which the arguments cannot.
    const key = (await created.json()) as { id: string };
    expect(row.args_preview).toBe(
      `{"body":{"name":"string(7)","scopes":["array(1)","workspace:read"]},` +
        `"result":{"key":{"audit_access":false,"key_id":"${key.id}","scopes":["array(1)","workspace:read"]}}}`,
    );

    // A broken audit store: inserts for this workspace fail. The change must not happen.
    const fn = `audit_fail_${workspace.id.replace(/-/g, '')}`;
    await t.db.query(
      `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.workspace_id = '${workspace.id}' THEN RAISE EXCEPTION 'audit store down'; END IF; RETURN NEW; END $$`,
    );
    await t.db.query(`CREATE TRIGGER ${fn} BEFORE INSERT ON audit_records FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
    try {
      const refused = await rest(token, '/api/v1/keys', {
        method: 'POST',
        body: JSON.stringify({ name: 'never-written', scopes: ['workspace:read'] }),
      });
      expect(refused.status).toBeGreaterThanOrEqual(500);
      const read = await rest(token, `/api/v1/workspaces/${workspace.id}`);
      expect(read.status).toBe(503);
      expect(await read.json()).toMatchObject({ error: { code: 'unavailable' } });
    } finally {
      await t.db.query(`DROP TRIGGER ${fn} ON audit_records`);
      await t.db.query(`DROP FUNCTION ${fn}()`);
    }
    const names = ((await (await rest(token, '/api/v1/keys')).json()) as { items: { name: string }[] }).items.map(
      (k) => k.name,
    );
    expect(names).toContain('audited');
    expect(names).not.toContain('never-written');
  });

  it('lets no cache keep an API answer: a new key, the trail, an error, a refusal', async () => {
    const owner = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES, auditAccess: true });
    const answers: [string, Response][] = [
      [
        'new key',
        await rest(owner.token, '/api/v1/keys', {
          method: 'POST',
          body: JSON.stringify({ name: 'cached?', scopes: ['workspace:read'] }),
        }),
      ],
      ['trail', await rest(owner.token, '/api/v1/audit')],
      ['export', await rest(owner.token, '/api/v1/audit/export')],
      ['unknown route', await rest(owner.token, '/api/v1/no-such-route')],
      ['no key', await fetch(`${t.url}/api/v1/workspaces`)],
      [
        'not json',
        await rest(owner.token, '/api/v1/keys', {
          method: 'POST',
          body: 'x',
          headers: { 'content-type': 'text/plain' },
        }),
      ],
    ];
    await withAuditFailing(
      t.db,
      'GET /api/v1/workspaces',
      async () => {
        answers.push(['audit down', await rest(owner.token, '/api/v1/workspaces')]);
      },
      { workspace_id: owner.workspace.id },
    );
    expect(answers.map(([name, r]) => [name, r.status, r.headers.get('cache-control')])).toEqual([
      ['new key', 201, 'no-store'],
      ['trail', 200, 'no-store'],
      ['export', 200, 'no-store'],
      ['unknown route', 404, 'no-store'],
      ['no key', 401, 'no-store'],
      ['not json', 415, 'no-store'],
      ['audit down', 503, 'no-store'],
    ]);
    // The docs page's files keep the static server's own caching.
    const css = await fetch(`${t.url}/api/docs/swagger-ui.css`);
    expect([css.status, css.headers.get('cache-control')]).toEqual([200, 'public, max-age=0']);
  });

  it("sends none of the refused call's headers with the 503, and signs nobody in without a record", async () => {
    // The sign-in page sets a form cookie; refused, its answer carries no cookie at all.
    await withAuditFailing(
      t.db,
      'GET /console/login',
      async () => {
        const page = await fetch(`${t.url}/console/login`, { headers: { 'x-request-id': 'refused-page' } });
        expect(page.status).toBe(503);
        expect(page.headers.get('set-cookie')).toBeNull();
        expect(page.headers.get('x-request-id')).toBe('refused-page');
        expect(await page.json()).toMatchObject({ error: { code: 'unavailable', requestId: 'refused-page' } });
      },
      { correlation_id: 'refused-page' },
    );
    // A person's browser gets the refusal as a console page, under the console's page policy.
    await withAuditFailing(
      t.db,
      'GET /console/login',
      async () => {
        const page = await fetch(`${t.url}/console/login`, {
          headers: { 'x-request-id': 'refused-browser-page', accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
        });
        expect(page.status).toBe(503);
        expect(page.headers.get('set-cookie')).toBeNull();
        expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
        const html = await page.text();
        expect(html).toContain('<h1>The audit trail is unavailable</h1>');
        expect(html).toContain('<code>refused-browser-page</code>');
      },
      { correlation_id: 'refused-browser-page' },
    );

    const user = await buildUser(t.app);
    const post = await signInForm(t.url);
    const signIn = () => post(user.email, 'a long enough password');
    const sessions = async () =>
      (
        await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM console_sessions WHERE user_id = $1`, [
          user.id,
        ])
      )[0].n;
    await withAuditFailing(
      t.db,
      'POST /console/login',
      async () => {
        const refused = await signIn();
        expect(refused.status).toBeGreaterThanOrEqual(500);
        expect(refused.headers.get('set-cookie')).toBeNull();
        expect(await sessions()).toBe(0);
      },
      { user_id: user.id },
    );
    const accepted = await signIn();
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get('set-cookie')).toContain('postern_session=');
    expect(await sessions()).toBe(1);
  });

  it("stores the caller's member names as record text, and exports one record per line whatever a row holds", async () => {
    const { token } = await buildWorkspaceWithKey(t.app, { role: 'admin', auditAccess: true });
    const body = JSON.stringify({ text: 'x', 'line\u2028break': 1, 'over\u202Eride': 2 });
    const refused = await rest(token, '/api/v1/drafts', {
      method: 'POST',
      body,
      headers: { 'x-request-id': 'odd-names' },
    });
    expect(refused.status).toBe(400);
    const [stored] = await t.db.query<Record[]>(`SELECT * FROM audit_records WHERE correlation_id = 'odd-names'`);
    expect(JSON.parse(stored.args_preview ?? '{}')).toMatchObject({
      body: { 'line\uFFFDbreak': 'number', 'over\uFFFDride': 'number' },
    });

    // A row written before that rule (or by hand) still exports as one line.
    await t.db.query(`UPDATE audit_records SET reason = 'a' || chr(8232) || 'b' || chr(8233) WHERE id = $1`, [
      stored.id,
    ]);
    const jsonl = await (await rest(token, '/api/v1/audit/export?format=jsonl')).text();
    expect(jsonl).not.toMatch(/[\u2028\u2029]/);
    const lines = jsonl.trim().split('\n');
    const odd = lines.map((l) => JSON.parse(l) as Record & { reason: string }).find((r) => r.id === stored.id);
    expect(odd?.reason).toBe('a\u2028b\u2029');
  });

  it('filters, paginates and exports for admins only', async () => {
    const { token, workspace } = await buildWorkspaceWithKey(t.app, { role: 'admin', auditAccess: true });
    for (let i = 0; i < 3; i++) await rest(token, `/api/v1/workspaces/${workspace.id}`);
    const first = await records(token, '?tool=workspaces&limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.next_cursor).not.toBeNull();
    const second = await records(token, `?tool=workspaces&limit=2&cursor=${first.next_cursor}`);
    expect(second.items.length).toBeGreaterThanOrEqual(1);
    expect(Number(second.items[0].id)).toBeLessThan(Number(first.items[1].id));
    // Pages follow the chain (its index), newest first: the cursor is a place in it.
    const seqs = [...first.items, ...second.items].map((r) => Number(r.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(first.next_cursor).toBe(first.items[1].seq);

    const csv = await rest(token, '/api/v1/audit/export?format=csv&decision=allowed');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0].split(',')).toContain('operation');
    expect(lines.length).toBeGreaterThan(3);
    const jsonl = await (await rest(token, '/api/v1/audit/export?format=jsonl&tool=workspaces')).text();
    expect(
      jsonl
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as Record).operation),
    ).toContain('GET /api/v1/workspaces/:idOrSlug');

    // Each exported record carries its place in the chain, so a kept copy can be checked for gaps.
    const chain = (await (await rest(token, '/api/v1/audit/export?format=jsonl')).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: string; prev_hash: string; hash: string })
      .sort((a, b) => Number(a.seq) - Number(b.seq));
    expect(chain.length).toBeGreaterThan(3);
    chain
      .slice(1)
      .forEach((r, i) => expect([r.seq, r.prev_hash]).toEqual([String(Number(chain[i].seq) + 1), chain[i].hash]));
    expect(lines[0].split(',').slice(0, 4)).toEqual(['id', 'seq', 'prev_hash', 'hash']);

    // An export that stops short says where the rest begins; following it loses nothing.
    const firstPart = await rest(token, '/api/v1/audit/export?format=jsonl&tool=workspaces&limit=2');
    const nextCursor = firstPart.headers.get('x-next-cursor');
    expect(nextCursor).toMatch(/^\d+$/);
    const ids = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as Record).id);
    const head = ids(await firstPart.text());
    const restPart = await rest(token, `/api/v1/audit/export?format=jsonl&tool=workspaces&cursor=${nextCursor}`);
    expect(restPart.headers.get('x-next-cursor')).toBeNull();
    const all = ids(await (await rest(token, '/api/v1/audit/export?format=jsonl&tool=workspaces')).text());
    expect([...head, ...ids(await restPart.text())]).toEqual(all);

    // An export may be far longer than a list page, and is read a page at a time: the span is
    // fixed before the first byte, so records appended while it streams are not in it.
    expect((await rest(token, '/api/v1/audit/export?limit=100000')).status).toBe(200);
    expect((await rest(token, '/api/v1/audit/export?limit=100001')).status).toBe(400);
    const query = t.app.get(AuditQueryService);
    const inWorkspace = { ...operatorActor(), workspaceId: workspace.id };
    const span = await query.span(inWorkspace, { tool: 'workspaces' }, 2);
    expect(span?.next).not.toBeNull();
    await rest(token, `/api/v1/workspaces/${workspace.id}`);
    const streamed: string[] = [];
    for await (const rows of query.rowsIn(inWorkspace, { tool: 'workspaces' }, span!, 1))
      streamed.push(...rows.map((r) => r.id));
    expect(streamed).toEqual(all.slice(0, 2));

    // An export whose record cannot be committed sends nothing of it: a JSON refusal, not a download.
    await withAuditFailing(
      t.db,
      'GET /api/v1/audit/export',
      async () => {
        const refused = await rest(token, '/api/v1/audit/export?format=csv&tool=workspaces&limit=1');
        expect(refused.status).toBe(503);
        expect(refused.headers.get('content-type')).toContain('application/json');
        expect([refused.headers.get('content-disposition'), refused.headers.get('x-next-cursor')]).toEqual([
          null,
          null,
        ]);
      },
      { workspace_id: workspace.id },
    );

    // The AI client behind a call is a filter of its own. (Its id is set on a row directly here,
    // which breaks this chain: an agent call needs the browser flow, tested elsewhere.)
    const [connection] = await t.db.query<{ id: string }[]>(
      `SELECT id FROM audit_records WHERE workspace_id = $1 ORDER BY id DESC LIMIT 1`,
      [workspace.id],
    );
    await t.db.query(`UPDATE audit_records SET client_id = 'https://agent.example/client.json' WHERE id = $1`, [
      connection.id,
    ]);
    const byClient = await records(token, `?client=${encodeURIComponent('https://agent.example/client.json')}`);
    expect(byClient.items.map((r) => r.id)).toEqual([connection.id]);

    expect((await rest(token, '/api/v1/audit?decision=maybe')).status).toBe(400);
    // Past the largest id PostgreSQL can hold: the caller's mistake, answered as one, not a 500.
    for (const cursor of ['9223372036854775808', '9999999999999999999', '0']) {
      for (const path of ['/api/v1/audit', '/api/v1/audit/export']) {
        const bad = await rest(token, `${path}?cursor=${cursor}`);
        expect([path, cursor, bad.status]).toEqual([path, cursor, 400]);
        expect(await bad.json()).toMatchObject({ error: { code: 'validation_failed' } });
      }
    }
    expect((await rest(token, '/api/v1/audit?cursor=9223372036854775807')).status).toBe(200);
    // Bounds PostgreSQL would fail to read (or read in a zone of its choosing) are refused up front.
    for (const bound of ['2026', '2026-W05', '2026-01-01T10', '2026-01-01T10:00:00', '2026-01-01T00:00:00+16:00']) {
      for (const path of ['/api/v1/audit', '/api/v1/audit/export']) {
        const bad = await rest(token, `${path}?from=${encodeURIComponent(bound)}&to=${encodeURIComponent(bound)}`);
        expect([path, bound, bad.status]).toEqual([path, bound, 400]);
        expect(await bad.json()).toMatchObject({ error: { code: 'validation_failed' } });
      }
    }
    const viewer = await buildWorkspaceWithKey(t.app, { role: 'viewer' });
    const refused = await rest(viewer.token, '/api/v1/audit');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'insufficient_role' } });
  });

  it('reads the page size as every list does: digits only, within bounds, given once, one message', async () => {
    const { token } = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES, auditAccess: true });
    const refusal = async (path: string) => {
      const r = await rest(token, path);
      const body = (await r.json()) as { error?: { code: string; details: { field: string; issue: string }[] } };
      return [path, r.status, body.error?.code, body.error?.details];
    };
    const once = [{ field: 'limit', issue: 'limit must be given once' }];
    for (const [list, max] of [
      ['/api/v1/audit', 200],
      ['/api/v1/audit/export', 100_000],
      ['/api/v1/keys', 100],
    ] as const) {
      const bounds = [{ field: 'limit', issue: `limit must be a whole number from 1 to ${max}` }];
      for (const query of ['limit=1e1', 'limit=0x10', 'limit=%2010', 'limit=0', `limit=${max + 1}`, 'limit=-1']) {
        const path = `${list}?${query}`;
        expect(await refusal(path)).toEqual([path, 400, 'validation_failed', bounds]);
      }
      const twice = `${list}?limit=1&limit=2`;
      expect(await refusal(twice)).toEqual([twice, 400, 'validation_failed', once]);
      expect((await rest(token, `${list}?limit=${max}`)).status).toBe(200);
    }
  });

  it('is read only with a key created with audit_access, however broad the key or high the role behind it', async () => {
    // An owner hands an assistant a narrow key, and keeps a key with every scope for themselves.
    const narrow = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ['read-only-analytics'] });
    const ws = narrow.workspace.id;
    const keyOf = (scopes: string[], auditAccess?: boolean) =>
      asOperator('key create', () =>
        t.app.get(ApiKeysService).create(operatorActor(), {
          workspaceId: ws,
          name: `key-${randomBytes(4).toString('hex')}`,
          scopes,
          auditAccess,
          createdByUserId: narrow.user.id,
        }),
      );
    const broad = await keyOf([...ALL_SCOPES]);
    const refusals: string[] = [];
    for (const token of [narrow.token, broad.token]) {
      for (const path of ['/api/v1/audit', '/api/v1/audit/export?format=csv']) {
        const id = `no-audit-access-${randomBytes(6).toString('hex')}`;
        const res = await rest(token, path, { headers: { 'x-request-id': id } });
        expect([path, res.status]).toEqual([path, 403]);
        const body = (await res.json()) as { error: { code: string; message: string; details: unknown } };
        expect(body.error).toMatchObject({
          code: 'forbidden',
          message: expect.stringContaining('not created with audit_access') as unknown,
          details: [{ field: 'audit_access', issue: 'required' }],
        });
        const rows = await t.db.query<Record[]>(`SELECT * FROM audit_records WHERE correlation_id = $1`, [id]);
        expect(rows).toEqual([expect.objectContaining({ decision: 'denied', error_code: 'forbidden' })]);
        refusals.push(id);
      }
    }

    // A key created with audit_access reads the trail, refusals included, whatever its scopes.
    const auditor = await keyOf(['read-only-analytics'], true);
    const page = await rest(auditor.token, '/api/v1/audit?decision=denied&limit=100');
    expect(page.status).toBe(200);
    const denied = ((await page.json()) as { items: Record[] }).items;
    expect(denied.filter((r) => refusals.includes(r.correlation_id))).toEqual(
      refusals.map(() => expect.objectContaining({ decision: 'denied', error_code: 'forbidden' })),
    );
    const exported = await rest(auditor.token, '/api/v1/audit/export?format=jsonl&decision=denied');
    expect(exported.status).toBe(200);
    const text = await exported.text();
    for (const id of refusals) expect(text).toContain(`"correlation_id":"${id}"`);
  });

  /** Added to a seq to swap two records: seq is unique in a chain, and at least 1 (so not negated). */
  const OUT_OF_THE_WAY = 1_000_000_000;

  it('detects an edited, deleted or reordered record, through the service and the CLI', async () => {
    const { token, workspace } = await buildWorkspaceWithKey(t.app);
    for (let i = 0; i < 4; i++) await rest(token, `/api/v1/workspaces/${workspace.id}`);
    const verifier = t.app.get(AuditVerifier);
    expect((await verifier.verify(workspace.id)).broken).toBeUndefined();
    const rows = await t.db.query<{ id: string; seq: string; operation: string }[]>(
      `SELECT id, seq, operation FROM audit_records WHERE chain = $1 ORDER BY seq`,
      [workspace.id],
    );
    expect(rows.length).toBeGreaterThanOrEqual(4);
    const [, second, third] = rows;

    await t.db.query(`UPDATE audit_records SET operation = 'GET /innocent' WHERE id = $1`, [second.id]);
    expect((await verifier.verify(workspace.id)).broken).toMatchObject({
      seq: Number(second.seq),
      problem: expect.stringContaining('edited'),
    });
    // The CLI verifies with the deployment's SECRET_KEY, which keys the chain.
    const env = cleanEnv({ DATABASE_URL: databaseUrl(), SECRET_KEY: t.app.get<AppConfig>(APP_CONFIG).secretKey });
    const cli = await runCli(['audit', 'verify', '--workspace', workspace.slug], env);
    expect(cli.status).toBe(2);
    expect(cli.stdout).toContain(`BROKEN: chain ${workspace.id} at record ${second.seq}`);
    // The run's own record says what it found, not "ok".
    const [run] = await t.db.query<{ decision: string; outcome: string; error_code: string; reason: string }[]>(
      `SELECT decision, outcome, error_code, reason FROM audit_records
        WHERE operation = 'cli audit verify' AND reason LIKE '%' || $1 || '%' ORDER BY occurred_at DESC LIMIT 1`,
      [workspace.id],
    );
    expect(run).toEqual({
      decision: 'allowed',
      outcome: 'error',
      error_code: 'audit_chain_broken',
      reason: expect.stringMatching(new RegExp(`^chain ${workspace.id} at record ${second.seq} \\(id \\d+\\): `)),
    });

    // Re-linking every hash after the edit, and the head, does not help without the key.
    const relink = async (key: Buffer) => {
      const all = await t.db.query<({ id: string; seq: string; occurred_at: Date } & AuditFields)[]>(
        `SELECT * FROM audit_records WHERE chain = $1 ORDER BY seq`,
        [workspace.id],
      );
      let prev = GENESIS_HASH;
      for (const row of all) {
        const fields = Object.fromEntries(AUDIT_FIELD_COLUMNS.map((c) => [c, row[c]])) as unknown as AuditFields;
        fields.occurred_at = new Date(row.occurred_at).toISOString();
        const hash = chainHash(key, workspace.id, Number(row.seq), prev, fields);
        await t.db.query(`UPDATE audit_records SET prev_hash = $2, hash = $3 WHERE id = $1`, [row.id, prev, hash]);
        prev = hash;
      }
      await t.db.query(`UPDATE audit_chain_heads SET hash = $2 WHERE chain = $1`, [workspace.id, prev]);
    };
    const original = await t.db.query<{ id: string; prev_hash: string; hash: string }[]>(
      `SELECT id, prev_hash, hash FROM audit_records WHERE chain = $1`,
      [workspace.id],
    );
    const [originalHead] = await t.db.query<{ hash: string }[]>(`SELECT hash FROM audit_chain_heads WHERE chain = $1`, [
      workspace.id,
    ]);
    await relink(auditChainKey(randomBytes(32).toString('base64url')));
    expect((await verifier.verify(workspace.id)).broken).toMatchObject({
      seq: 1,
      problem: expect.stringContaining('edited'),
    });
    for (const row of original)
      await t.db.query(`UPDATE audit_records SET prev_hash = $2, hash = $3 WHERE id = $1`, [
        row.id,
        row.prev_hash,
        row.hash,
      ]);
    await t.db.query(`UPDATE audit_chain_heads SET hash = $2 WHERE chain = $1`, [workspace.id, originalHead.hash]);

    await t.db.query(`UPDATE audit_records SET operation = $2 WHERE id = $1`, [second.id, second.operation]);
    expect((await verifier.verify(workspace.id)).broken).toBeUndefined();

    await t.db.query(`UPDATE audit_records SET seq = seq + ${OUT_OF_THE_WAY} WHERE id IN ($1, $2)`, [
      second.id,
      third.id,
    ]);
    await t.db.query(
      `UPDATE audit_records SET seq = CASE WHEN id = $1 THEN $3::bigint ELSE $4::bigint END WHERE id IN ($1, $2)`,
      [second.id, third.id, third.seq, second.seq],
    );
    expect((await verifier.verify(workspace.id)).broken).toMatchObject({ seq: Number(second.seq) });
    await t.db.query(`UPDATE audit_records SET seq = seq + ${OUT_OF_THE_WAY} WHERE id IN ($1, $2)`, [
      second.id,
      third.id,
    ]);
    await t.db.query(
      `UPDATE audit_records SET seq = CASE WHEN id = $1 THEN $3::bigint ELSE $4::bigint END WHERE id IN ($1, $2)`,
      [second.id, third.id, second.seq, third.seq],
    );
    expect((await verifier.verify(workspace.id)).broken).toBeUndefined();

    // The head wound back one record, or removed: the records past it, or all of them, are flagged.
    const [head] = await t.db.query<{ seq: string; hash: string }[]>(
      `SELECT seq, hash FROM audit_chain_heads WHERE chain = $1`,
      [workspace.id],
    );
    const [before] = await t.db.query<{ seq: string; hash: string }[]>(
      `SELECT seq, hash FROM audit_records WHERE chain = $1 AND seq = $2`,
      [workspace.id, Number(head.seq) - 1],
    );
    await t.db.query(`UPDATE audit_chain_heads SET seq = $2, hash = $3 WHERE chain = $1`, [
      workspace.id,
      before.seq,
      before.hash,
    ]);
    expect((await verifier.verify(workspace.id)).broken).toMatchObject({
      seq: Number(head.seq),
      problem: expect.stringContaining('past the chain head'),
    });
    await t.db.query(`DELETE FROM audit_chain_heads WHERE chain = $1`, [workspace.id]);
    expect((await verifier.verify(workspace.id)).broken).toMatchObject({
      chain: workspace.id,
      problem: expect.stringContaining('without a chain head'),
    });
    await t.db.query(`INSERT INTO audit_chain_heads (chain, seq, hash) VALUES ($1, $2, $3)`, [
      workspace.id,
      head.seq,
      head.hash,
    ]);
    expect((await verifier.verify(workspace.id)).broken).toBeUndefined();

    await t.db.query(`DELETE FROM audit_records WHERE id = $1`, [third.id]);
    expect((await verifier.verify(workspace.id)).broken).toMatchObject({
      seq: Number(third.seq) + 1,
      problem: expect.stringContaining('missing'),
    });
  });

  it('with an anchor file, detects records cut off the end and the head wound back', async () => {
    const { token, workspace } = await buildWorkspaceWithKey(t.app);
    const call = () => rest(token, `/api/v1/workspaces/${workspace.id}`);
    for (let i = 0; i < 4; i++) await call();
    const env = cleanEnv({ DATABASE_URL: databaseUrl(), SECRET_KEY: t.app.get<AppConfig>(APP_CONFIG).secretKey });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'postern-anchor-')), 'anchors.json');
    const verify = (...extra: string[]) => runCli(['audit', 'verify', '--workspace', workspace.slug, ...extra], env);

    const first = await verify('--anchor', file);
    expect([first.status, first.stdout]).toEqual([0, expect.stringContaining(`1 head(s) saved to ${file}`)]);
    const {
      heads: [anchored],
    } = JSON.parse(readFileSync(file, 'utf8')) as { heads: { chain: string; seq: number; hash: string }[] };
    const [atAnchor] = await t.db.query<{ hash: string }[]>(
      `SELECT hash FROM audit_records WHERE chain = $1 AND seq = $2`,
      [workspace.id, anchored.seq],
    );
    expect([anchored.chain, anchored.hash]).toEqual([workspace.id, atAnchor.hash]);
    await call();

    // Someone with SQL access removes the newest records and winds the head back to match.
    const cut = anchored.seq - 2;
    const [kept] = await t.db.query<{ hash: string }[]>(
      `SELECT hash FROM audit_records WHERE chain = $1 AND seq = $2`,
      [workspace.id, cut],
    );
    await t.db.query(`DELETE FROM audit_records WHERE chain = $1 AND seq > $2`, [workspace.id, cut]);
    await t.db.query(`UPDATE audit_chain_heads SET seq = $2, hash = $3 WHERE chain = $1`, [
      workspace.id,
      cut,
      kept.hash,
    ]);
    // The chain alone cannot show it ...
    expect((await verify()).status).toBe(0);
    // ... the anchor can, and it is left as it was for the next look.
    const saved = readFileSync(file, 'utf8');
    const cutBack = await verify('--anchor', file);
    expect(cutBack.status).toBe(2);
    // (Each CLI run is audited in the chain too, so it ends a record or so past the cut.)
    expect(cutBack.stdout).toMatch(
      new RegExp(
        `BROKEN: chain ${workspace.id} at record \\d+: chain ends at \\d+ but an earlier verify saw it reach ${anchored.seq} \\(records removed from the end\\)`,
      ),
    );
    expect(readFileSync(file, 'utf8')).toBe(saved);

    // Appending again past the anchored place does not hide the cut: that record is not the one seen.
    for (let i = 0; i < 4; i++) await call();
    const appended = await verify('--anchor', file);
    expect(appended.status).toBe(2);
    expect(appended.stdout).toContain(`at record ${anchored.seq}`);
    expect(appended.stdout).toContain('not the record an earlier verify saw here');
    expect(await t.app.get(AuditVerifier).verify(workspace.id)).not.toHaveProperty('broken');

    // Another workspace's run adds its head and leaves this one's as saved; its trail gone is seen too.
    const other = await buildWorkspaceWithKey(t.app);
    for (let i = 0; i < 2; i++) await rest(other.token, `/api/v1/workspaces/${other.workspace.id}`);
    const otherRun = await runCli(['audit', 'verify', '--workspace', other.workspace.slug, '--anchor', file], env);
    expect(otherRun.status).toBe(0);
    const both = (JSON.parse(readFileSync(file, 'utf8')) as { heads: { chain: string }[] }).heads;
    expect(both).toHaveLength(2);
    expect(both).toContainEqual(anchored);
    await t.db.query(`DELETE FROM audit_records WHERE chain = $1`, [other.workspace.id]);
    await t.db.query(`DELETE FROM audit_chain_heads WHERE chain = $1`, [other.workspace.id]);
    const gone = await runCli(['audit', 'verify', '--workspace', other.workspace.slug, '--anchor', file], env);
    expect(gone.status).toBe(2);
    expect(gone.stdout).toContain(`BROKEN: chain ${other.workspace.id} at record 1: the chain is gone`);

    // A file that is not an anchor file is refused, and kept.
    writeFileSync(file, '{"heads": "none"}');
    const refused = await verify('--anchor', file);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('is not an anchor file');
    expect(readFileSync(file, 'utf8')).toBe('{"heads": "none"}');
  });

  it('detects a record inserted before seq 1 or in a forged chain, and lists neither as the workspace’s', async () => {
    const { token, workspace } = await buildWorkspaceWithKey(t.app, { role: 'admin', auditAccess: true });
    for (let i = 0; i < 2; i++) await rest(token, `/api/v1/workspaces/${workspace.id}`);
    const verifier = t.app.get(AuditVerifier);
    expect((await verifier.verify(workspace.id)).broken).toBeUndefined();
    const [real] = await t.db.query<({ id: string; occurred_at: Date } & AuditFields)[]>(
      `SELECT * FROM audit_records WHERE chain = $1 ORDER BY seq LIMIT 1`,
      [workspace.id],
    );
    const columns = AUDIT_FIELD_COLUMNS.join(', ');
    /** A copy of the workspace's first record at (chain, seq), as someone with SQL access could insert it. */
    const insertCopy = async (chain: string, seq: number, prev: string, hash: string) =>
      (
        await t.db.query<{ id: string }[]>(
          `INSERT INTO audit_records (chain, seq, prev_hash, hash, ${columns})
           SELECT $2, $3, $4, $5, ${columns} FROM audit_records WHERE id = $1 RETURNING id`,
          [real.id, chain, seq, prev, hash],
        )
      )[0].id;
    // A forged chain hashed with the real key, so it holds on its own: only where it is filed gives it away.
    const forgedChain = `zz-forged-${randomBytes(4).toString('hex')}`;
    const fields = Object.fromEntries(AUDIT_FIELD_COLUMNS.map((c) => [c, real[c]])) as unknown as AuditFields;
    fields.occurred_at = new Date(real.occurred_at).toISOString();
    const key = auditChainKey(t.app.get<AppConfig>(APP_CONFIG).secretKey);
    const forgedHash = chainHash(key, forgedChain, 1, GENESIS_HASH, fields);

    // The database refuses both rows while its constraints stand.
    await expect(insertCopy(workspace.id, 0, GENESIS_HASH, GENESIS_HASH)).rejects.toThrow(/audit_records_seq_check/);
    await expect(insertCopy(forgedChain, 1, GENESIS_HASH, forgedHash)).rejects.toThrow(/audit_records_chain_check/);

    // Whoever can insert rows can drop constraints: the verifier must find the rows without them.
    const inserted: string[] = [];
    const checks = new AuditRecordChecks1763840000000();
    const runner = t.db.createQueryRunner();
    await checks.down(runner);
    try {
      const seqZero = await insertCopy(workspace.id, 0, GENESIS_HASH, GENESIS_HASH);
      inserted.push(seqZero);
      const beforeOne = {
        chain: workspace.id,
        seq: 0,
        id: seqZero,
        problem: `row id ${seqZero} has seq 0; records start at 1`,
      };
      expect((await verifier.verify(workspace.id)).broken).toEqual(beforeOne);
      expect((await verifier.verify()).broken).toEqual(beforeOne);
      await t.db.query(`DELETE FROM audit_records WHERE id = $1`, [seqZero]);
      expect((await verifier.verify(workspace.id)).broken).toBeUndefined();

      const forged = await insertCopy(forgedChain, 1, GENESIS_HASH, forgedHash);
      inserted.push(forged);
      await t.db.query(`INSERT INTO audit_chain_heads (chain, seq, hash) VALUES ($1, 1, $2)`, [
        forgedChain,
        forgedHash,
      ]);
      expect((await verifier.verify(forgedChain)).broken).toMatchObject({ id: forged });
      const misfiled = {
        chain: forgedChain,
        seq: 1,
        id: forged,
        problem: `row id ${forged} is filed under workspace ${workspace.id} but chained in ${forgedChain}`,
      };
      expect((await verifier.verify(workspace.id)).broken).toEqual(misfiled);
      expect((await verifier.verify()).broken).toEqual(misfiled);
      const env = cleanEnv({ DATABASE_URL: databaseUrl(), SECRET_KEY: t.app.get<AppConfig>(APP_CONFIG).secretKey });
      const cli = await runCli(['audit', 'verify', '--workspace', workspace.slug], env);
      expect(cli.status).toBe(2);
      expect(cli.stdout).toContain(`BROKEN: chain ${forgedChain} at record 1 (id ${forged}): ${misfiled.problem}`);

      // Nor do the workspace's admins see it among their records, in a page or an export.
      const listed = (await records(token)).items.map((r) => r.id);
      expect(listed).toContain(real.id);
      expect(listed).not.toContain(forged);
      const exported = await (await rest(token, '/api/v1/audit/export?format=jsonl')).text();
      expect(exported).toContain(`"id":"${real.id}"`);
      expect(exported).not.toContain(`"id":"${forged}"`);
    } finally {
      await t.db.query(`DELETE FROM audit_records WHERE id = ANY ($1)`, [inserted]);
      await t.db.query(`DELETE FROM audit_chain_heads WHERE chain = $1`, [forgedChain]);
      await checks.up(runner).finally(() => runner.release());
    }
    expect((await verifier.verify(workspace.id)).broken).toBeUndefined();
  });

  it('shows the CLI’s report of a tampered chain head, though the command cannot then file its own record', async () => {
    const { token, workspace } = await buildWorkspaceWithKey(t.app);
    for (let i = 0; i < 3; i++) await rest(token, `/api/v1/workspaces/${workspace.id}`);
    const [head] = await t.db.query<{ seq: string; hash: string }[]>(
      `SELECT seq, hash FROM audit_chain_heads WHERE chain = $1`,
      [workspace.id],
    );
    const env = cleanEnv({ DATABASE_URL: databaseUrl(), SECRET_KEY: t.app.get<AppConfig>(APP_CONFIG).secretKey });
    // Without its head, the chain looks new to a writer: its next record would repeat seq 1.
    await t.db.query(`DELETE FROM audit_chain_heads WHERE chain = $1`, [workspace.id]);
    try {
      const cli = await runCli(['audit', 'verify', '--workspace', workspace.slug], env);
      expect(cli.status).toBe(2);
      expect(cli.stdout).toContain(`BROKEN: chain ${workspace.id}`);
      expect(cli.stderr).toContain('warning: the audit record of this command was not written');
    } finally {
      await t.db.query(
        `INSERT INTO audit_chain_heads (chain, seq, hash) VALUES ($1, $2, $3)
           ON CONFLICT (chain) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash`,
        [workspace.id, head.seq, head.hash],
      );
    }
    // Mended, the command verifies, files its record and shows its output as before.
    const cli = await runCli(['audit', 'verify', '--workspace', workspace.slug], env);
    expect([cli.status, cli.stderr]).toEqual([0, '']);
    expect(cli.stdout).toMatch(/^ok: /);
  });

  it('has no cascade from workspaces onto audit records', async () => {
    const { workspace } = await buildWorkspaceWithKey(t.app);
    // The trigger's refusal, not the memberships' foreign key: row triggers fire before key checks.
    await expect(t.db.query(`DELETE FROM workspaces WHERE id = $1`, [workspace.id])).rejects.toThrow(
      /has audit records and cannot be deleted/,
    );
  });
});
