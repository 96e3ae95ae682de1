import { buildWorkspace, buildWorkspaceWithKey } from '../factories';
import { startTestApp, type TestApp } from '../support/test-app';

describe('REST API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (path: string, token?: string, headers: Record<string, string> = {}) =>
    fetch(`${t.url}${path}`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });

  it('lists and gets workspaces on the same service as MCP', async () => {
    const { workspace, token } = await buildWorkspaceWithKey(t.app);
    const list = await get('/api/v1/workspaces', token);
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ items: [expect.objectContaining({ id: workspace.id, slug: workspace.slug })] });
    const one = await get(`/api/v1/workspaces/${workspace.id}`, token);
    expect(await one.json()).toMatchObject({ id: workspace.id, name: workspace.name });
  });

  it('hides other workspaces behind 404 in the standard error shape', async () => {
    const { token } = await buildWorkspaceWithKey(t.app);
    const other = await buildWorkspace(t.app);
    const res = await get(`/api/v1/workspaces/${other.slug}`, token);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe('not_found');
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('answers 403 insufficient_scope naming the missing scope', async () => {
    const { token } = await buildWorkspaceWithKey(t.app, { scopes: ['workspace:list'] });
    const res = await get('/api/v1/workspaces/anything', token);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      error: { code: 'insufficient_scope', message: 'missing scopes: workspace:read' },
    });
  });

  it('answers 401 with a Bearer challenge without credentials', async () => {
    const res = await get('/api/v1/workspaces');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const kept = await get('/health/live', undefined, { 'x-request-id': 'trace-abc.123' });
    expect(kept.headers.get('x-request-id')).toBe('trace-abc.123');
    const replaced = await get('/health/live', undefined, { 'x-request-id': 'has spaces; and "quotes"' });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes, malformed JSON and oversized bodies with JSON errors', async () => {
    const unknown = await get('/no/such/route');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });

    const post = (body: string) =>
      fetch(`${t.url}/api/v1/workspaces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const malformed = await post('{"name":');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'malformed_json' } });

    const huge = await post(JSON.stringify({ name: 'x'.repeat(1_100_000) }));
    expect(huge.status).toBe(413);
    const hugeBody = (await huge.json()) as { error: { code: string; requestId: string } };
    expect(hugeBody.error.code).toBe('payload_too_large');
    expect(hugeBody.error.requestId).toBe(huge.headers.get('x-request-id'));
  });

  it('serves health and the OpenAPI document', async () => {
    expect((await get('/health/live')).status).toBe(200);
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    const doc = (await (await get('/api/docs/openapi.json')).json()) as {
      paths: Record<
        string,
        Record<string, { responses?: Record<string, { description?: string; content?: unknown }> }>
      >;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/workspaces', '/api/v1/workspaces/{idOrSlug}']),
    );
    // Every route the approval policy can reserve says so, whatever its own description says.
    const reserved = [
      ['delete', '/api/v1/posts/{id}'],
      ['post', '/api/v1/posts/{id}/publish'],
      ['post', '/api/v1/posts/{id}/schedule'],
      ['delete', '/api/v1/media/{id}'],
      ['delete', '/api/v1/drafts/{id}'],
      ['delete', '/api/v1/campaigns/{id}'],
    ];
    for (const [method, path] of reserved)
      expect([path, doc.paths[path]?.[method]?.responses?.['403']?.description]).toEqual([
        path,
        expect.stringContaining('approval_required'),
      ]);
    // Every operation documents the refusals any call can get, each with the one error body.
    const errorBody = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
    for (const [path, item] of Object.entries(doc.paths).filter(([p]) => p.startsWith('/api/v1/')))
      for (const [method, operation] of Object.entries(item)) {
        const responses = operation.responses ?? {};
        const refusals = ['400', '401', '403', '503'].map((status) => [status, responses[status]?.content]);
        expect([method, path, refusals]).toEqual([method, path, refusals.map(([status]) => [status, errorBody])]);
        if (path.includes('{')) expect([method, path, responses['404']?.content]).toEqual([method, path, errorBody]);
      }
    expect(doc.paths['/api/v1/posts/{id}'].delete.responses?.['403']?.description).toContain('approval_required');
  });
});
