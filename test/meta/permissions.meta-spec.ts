import * as fs from 'node:fs';
import * as path from 'node:path';
import { permissionInventory, renderPermissionTable } from '../../src/access/permission-inventory';
import { ModulesContainer } from '@nestjs/core';
import { CONSOLE_SESSION_KEY } from '../../src/access/console-session.decorator';
import { PUBLIC_KEY } from '../../src/access/public.decorator';
import { REQUIRES_AUDIT_ACCESS_KEY } from '../../src/access/require-audit-access.decorator';
import { REQUIRED_ROLE_KEY } from '../../src/access/require-role.decorator';
import { REQUIRED_SCOPES_KEY } from '../../src/access/require-scopes.decorator';
import { REQUIRES_APPROVAL_KEY } from '../../src/access/requires-approval.decorator';
import { ARGUMENT_SCOPES_KEY } from '../../src/access/scopes-for-arguments.decorator';
import { isScope } from '../../src/access/scopes';
import { TOOL_SCOPES } from '../../src/mcp/tool-scopes';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Deny by default, checked over what the app really serves: every route, tool and resource
 * declares @RequireScopes or @Public. The table is pinned as a snapshot and shown in the README.
 */
describe('permission declarations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('finds every route and tool, and each declares its permissions', () => {
    const entries = permissionInventory(t.app);
    expect(entries.length).toBeGreaterThan(10);
    expect(entries.filter((e) => e.kind === 'tool').map((e) => e.name)).toEqual(
      expect.arrayContaining(['list_workspaces', 'get_workspace']),
    );
    expect(entries.map((e) => e.name)).toEqual(
      expect.arrayContaining(['POST /mcp', 'GET /api/v1/workspaces', 'GET /health/ready']),
    );
    const undeclared = entries
      .filter((e) => !e.isPublic && !e.consoleSession && !e.scopes)
      .map((e) => `${e.name} (${e.handler})`);
    expect(undeclared).toEqual([]);
    for (const e of entries) for (const s of e.scopes ?? []) expect(isScope(s)).toBe(true);
  });

  it('lists every route Express serves, each path of a handler that answers on several', () => {
    type Layer = { route?: { path: string; methods: Record<string, boolean> } };
    const router = (t.app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } }).router;
    const served = router.stack
      .flatMap((l) => (l.route ? [l.route] : []))
      // The API's own documentation (Swagger UI) is a document, outside the permission model.
      .filter((r) => !/^\/api\/docs/.test(r.path))
      .map((r) => {
        const methods = Object.keys(r.methods);
        // Nest's @All registers every method Node knows.
        return `${methods.length > 20 ? 'ALL' : methods.join(',').toUpperCase()} ${r.path}`;
      });
    const listed = permissionInventory(t.app)
      .filter((e) => e.kind === 'route')
      .map((e) => e.name);
    expect(served.length).toBeGreaterThan(50);
    expect([...listed].sort()).toEqual([...served].sort());
  });

  it('declares MCP permissions on the methods, where tools/list and the step-up read them', () => {
    // The guards also read a class's declarations; the MCP strategy reads only the method's. A
    // declaration on a class holding tools would be enforced on calls but missing from tools/list.
    const keys = [
      PUBLIC_KEY,
      CONSOLE_SESSION_KEY,
      REQUIRED_SCOPES_KEY,
      ARGUMENT_SCOPES_KEY,
      REQUIRED_ROLE_KEY,
      REQUIRES_AUDIT_ACCESS_KEY,
      REQUIRES_APPROVAL_KEY,
    ];
    const mcpClasses = new Set(
      permissionInventory(t.app)
        .filter((e) => e.kind !== 'route')
        .map((e) => e.handler.split('.')[0]),
    );
    expect(mcpClasses.size).toBeGreaterThan(3);
    const declaredOnClass: string[] = [];
    for (const module of t.app.get(ModulesContainer).values())
      for (const wrapper of module.controllers.values()) {
        const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
        if (!type || !mcpClasses.has(type.name)) continue;
        for (const key of keys)
          if (Reflect.getMetadata(key, type) !== undefined) declaredOnClass.push(`${type.name} ${key}`);
      }
    expect(declaredOnClass).toEqual([]);
  });

  it('knows, without the MCP modules, every tool the app serves and its scopes (for key tool lists)', () => {
    const served = permissionInventory(t.app)
      .filter((e) => e.kind === 'tool')
      .map((e) => [e.name, [...(e.scopes ?? [])].sort()])
      .sort(([a], [b]) => String(a).localeCompare(String(b)));
    const known = [...TOOL_SCOPES]
      .map(([name, scopes]) => [name, [...scopes].sort()])
      .sort(([a], [b]) => String(a).localeCompare(String(b)));
    expect(known).toEqual(served);
  });

  it('makes public only what must be reachable without credentials', () => {
    const publicNames = permissionInventory(t.app)
      .filter((e) => e.isPublic)
      .map((e) => e.name)
      .sort();
    // Health probes, discovery, the authorization server itself, and the sign-in and setup pages.
    expect(publicNames).toEqual([
      'ALL /oauth/*path',
      'GET /.well-known/oauth-authorization-server',
      'GET /.well-known/oauth-protected-resource',
      'GET /.well-known/oauth-protected-resource/mcp',
      'GET /.well-known/openid-configuration',
      'GET /console',
      'GET /console/interaction/:uid',
      'GET /console/login',
      'GET /console/setup',
      'GET /health/live',
      'GET /health/ready',
      'OPTIONS /.well-known/oauth-authorization-server',
      'OPTIONS /.well-known/oauth-protected-resource',
      'OPTIONS /.well-known/oauth-protected-resource/mcp',
      'OPTIONS /.well-known/openid-configuration',
      'POST /console/interaction/:uid/consent',
      'POST /console/interaction/:uid/login',
      'POST /console/login',
      'POST /console/setup',
    ]);
  });

  it('leaves a call needing no scope open to every member only for reference reads and the MCP endpoint', () => {
    // Anything else without a scope must be held by a role floor: a new route with an empty
    // @RequireScopes() and no @RequireRole shows up here, not only as a snapshot diff.
    const open = permissionInventory(t.app)
      .filter((e) => !e.isPublic && !e.consoleSession && e.scopes?.length === 0 && e.minimumRole === 'viewer')
      .map((e) => e.name)
      .sort();
    expect(open).toEqual(
      [
        'DELETE /mcp',
        'GET /api/v1/scopes',
        'GET /mcp',
        'POST /mcp',
        'postern://rules/{platform}',
        'postern://scopes',
      ].sort(),
    );
  });

  it('keeps the audit trail behind audit_access, which no scope or role stands in for', () => {
    const entries = permissionInventory(t.app);
    const trail = entries.filter((e) => e.name.includes('/api/v1/audit'));
    expect(trail.length).toBeGreaterThanOrEqual(2);
    expect(trail.filter((e) => !e.auditAccess).map((e) => e.name)).toEqual([]);
    expect(entries.filter((e) => e.auditAccess && !e.name.includes('/api/v1/audit')).map((e) => e.name)).toEqual([]);
  });

  it('gives every tool honest annotations', () => {
    for (const tool of permissionInventory(t.app).filter((e) => e.kind === 'tool')) {
      expect(tool.annotations).toEqual(
        expect.objectContaining({ readOnlyHint: expect.any(Boolean), destructiveHint: expect.any(Boolean) }),
      );
      if (tool.annotations?.readOnlyHint) expect(tool.annotations.destructiveHint).toBe(false);
    }
  });

  it('matches the checked-in table and the README', () => {
    const table = renderPermissionTable(permissionInventory(t.app));
    expect(table).toMatchSnapshot();
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const section = /<!-- permission-table:start -->\n([\s\S]*?)\n<!-- permission-table:end -->/.exec(readme)?.[1];
    expect(section).toBe(table);
  });
});
