import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { operatorActor } from '../../src/access/actor';
import { ApiKeysService } from '../../src/access/api-keys/api-keys.service';
import { permissionInventory, type PermissionEntry } from '../../src/access/permission-inventory';
import { ROLES, type Role } from '../../src/access/roles';
import { ALL_SCOPES } from '../../src/access/scopes';
import { WorkspacesService } from '../../src/domain/workspaces/workspaces.service';
import { allowDirect, asOperator, buildUser, buildWorkspace } from '../factories';
import { connectMcp } from '../support/mcp-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { RECIPE_SETS } from './permission-recipes';
import type { Call, Recipe, World } from './permission-recipes/recipe';

/**
 * Built from what the app serves and from the scope catalogue: for every tool, resource and route,
 * a caller missing any one required scope, a caller whose role is too low, a caller from another
 * workspace, and a revoked or expired key are all refused, audited, and change nothing.
 */
const RECIPES: Record<string, Recipe> = Object.assign({}, ...RECIPE_SETS.map((set) => set.recipes)) as Record<
  string,
  Recipe
>;

/** Content tables whose rows a refused call must leave exactly as they were. */
const CONTENT_TABLES = ['social_accounts', 'campaigns', 'media_assets', 'drafts', 'posts', 'post_targets'];

describe('permission matrix', () => {
  jest.setTimeout(180_000);
  let t: TestApp;
  let db: DataSource;
  let entries: PermissionEntry[];
  let owner: string;
  let home: World;
  let foreign: World;

  async function world(ownerUserId?: string): Promise<World> {
    const ws = await buildWorkspace(t.app, undefined, ownerUserId);
    // Deletes, schedules and publishes run directly here, so their not-found answers are checked;
    // the approval gate that refuses them under the default policy has its own tests
    // (approval-gate.e2e-spec.ts, publishing.e2e-spec.ts).
    await allowDirect(t.app, ws.id, ['delete', 'schedule', 'publish']);
    const member = await buildUser(t.app);
    await asOperator('member add', () =>
      t.app.get(WorkspacesService).addMember(operatorActor(), ws.id, member.id, 'viewer'),
    );
    const { key } = await asOperator('key create', () =>
      t.app
        .get(ApiKeysService)
        .create(operatorActor(), { workspaceId: ws.id, name: `spare-${randomUUID()}`, scopes: ['workspace:read'] }),
    );
    const ids: Record<string, string> = {};
    for (const set of RECIPE_SETS) Object.assign(ids, await set.seed?.(t.app, ws.id));
    return { workspaceId: ws.id, keyId: key.id, memberId: member.id, ids };
  }

  /** A key in `workspaceId`, created by a member holding `role`, granted `scopes`. */
  async function keyFor(
    workspaceId: string,
    role: Role,
    scopes: string[],
    extra: { expiresAt?: Date; auditAccess?: boolean } = {},
  ): Promise<string> {
    const user = await buildUser(t.app);
    await asOperator('member add', () =>
      t.app.get(WorkspacesService).addMember(operatorActor(), workspaceId, user.id, role),
    );
    const { token } = await asOperator('key create', () =>
      t.app.get(ApiKeysService).create(operatorActor(), {
        workspaceId,
        name: `m-${randomUUID()}`,
        scopes,
        createdByUserId: user.id,
        ...extra,
      }),
    );
    return token;
  }

  type Answer = { status: number; code?: string; error?: ErrorBody; requestId: string };
  type ErrorBody = { code?: string; message?: string; details?: unknown; requestId?: string };

  async function call(token: string, c: Call): Promise<Answer> {
    const requestId = `matrix-${randomUUID()}`;
    const answer = (status: number, error?: ErrorBody): Answer => ({ status, code: error?.code, error, requestId });
    if (c.rest) {
      const { file } = c.rest;
      const form = new FormData();
      if (file) form.append('file', new Blob([new Uint8Array(file.content)], { type: file.type }), file.name);
      const res = await fetch(`${t.url}${c.rest.path}`, {
        method: c.rest.method,
        headers: {
          authorization: `Bearer ${token}`,
          'x-request-id': requestId,
          ...(file ? {} : { 'content-type': 'application/json' }),
        },
        body: file ? form : c.rest.body ? JSON.stringify(c.rest.body) : undefined,
      });
      const text = await res.text();
      return answer(res.status, res.ok ? undefined : (JSON.parse(text) as { error: ErrorBody }).error);
    }
    const client = await connectMcp(t.url, token, { 'x-request-id': requestId });
    try {
      if (c.mcp?.method === 'resources/read') {
        // A failed read is a JSON-RPC error whose data carries our error body (see AllExceptionsFilter).
        const error = await client.readResource(c.mcp.params as { uri: string }).then(
          () => undefined,
          (e: Error & { data?: { error?: ErrorBody } }) => e.data?.error ?? { code: `unstructured: ${e.message}` },
        );
        return answer(200, error);
      }
      const result = await client.callTool(c.mcp!.params as { name: string; arguments: Record<string, unknown> });
      return answer(
        200,
        result.isError
          ? (JSON.parse((result.content as { text: string }[])[0].text) as { error: ErrorBody }).error
          : undefined,
      );
    } finally {
      await client.close();
    }
  }

  /** The tools `tools/list` shows this key. */
  async function listed(token: string): Promise<string[]> {
    const client = await connectMcp(t.url, token);
    try {
      return (await client.listTools()).tools.map((x) => x.name);
    } finally {
      await client.close();
    }
  }

  /** An error as a caller could compare it: the request id dropped, and any id named in it blanked. */
  function comparable(error: ErrorBody | undefined): string {
    const { requestId: _, ...rest } = error ?? {};
    return JSON.stringify(rest).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>');
  }

  async function state(workspaceId: string): Promise<string> {
    const [row] = await db.query<{ s: string }[]>(
      `SELECT (SELECT string_agg(id || ':' || coalesce(revoked_at::text, ''), ',' ORDER BY id) FROM api_keys WHERE workspace_id = $1)
           || '|' || (SELECT string_agg(user_id || ':' || role, ',' ORDER BY user_id) FROM memberships WHERE workspace_id = $1)
           || '|' || (SELECT coalesce(settings::text, '') FROM workspaces WHERE id = $1)
           ${CONTENT_TABLES.map((table) => `|| '|' || coalesce((SELECT md5(string_agg(r::text, ',' ORDER BY r.id)) FROM ${table} r WHERE r.workspace_id = $1), '')`).join('\n')} AS s`,
      [workspaceId],
    );
    return row.s;
  }

  async function audited(requestId: string): Promise<{ decision: string; error_code: string | null }[]> {
    // An MCP client sends several requests under one id (initialize, notifications); keep the operation itself.
    return db.query(
      `SELECT decision, error_code FROM audit_records WHERE correlation_id = $1
          AND (surface <> 'mcp' OR operation LIKE 'mcp tools/call %' OR operation LIKE 'mcp resources/read %')`,
      [requestId],
    );
  }

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    entries = permissionInventory(t.app).filter((e) => !e.isPublic && !e.consoleSession);
    owner = (await buildUser(t.app)).id;
    home = await world(owner);
    foreign = await world();
  });
  afterAll(async () => {
    await t.close();
  });

  it('has a recipe for every protected route, tool and resource the app serves', () => {
    expect(entries.map((e) => e.name).filter((n) => !RECIPES[n])).toEqual([]);
  });

  // In quarters of the inventory: one pass over every entry took 143 of its 180 s on a quiet
  // machine, so a busy one could time it out with nothing wrong.
  const QUARTERS = [1, 2, 3, 4];
  it.each(QUARTERS)(
    'refuses a caller missing any one required scope, audits it, and changes nothing (quarter %i)',
    async (quarter) => {
      let checked = 0;
      for (const entry of entries.filter((_, i) => i % QUARTERS.length === quarter - 1)) {
        for (const missing of entry.scopes ?? []) {
          const token = await keyFor(
            home.workspaceId,
            'owner',
            ALL_SCOPES.filter((s) => s !== missing),
          );
          const before = await state(home.workspaceId);
          const r = await call(token, RECIPES[entry.name](home, home));
          expect([entry.name, missing, r.code]).toEqual([entry.name, missing, 'insufficient_scope']);
          if (r.status !== 200) expect(r.status).toBe(403);
          expect(await audited(r.requestId)).toEqual([{ decision: 'denied', error_code: 'insufficient_scope' }]);
          expect(await state(home.workspaceId)).toBe(before);
          // And it is not offered the tool in the first place.
          if (entry.kind === 'tool')
            expect([entry.name, (await listed(token)).includes(entry.name)]).toEqual([entry.name, false]);
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(2);
    },
  );

  it('lists every tool to an owner holding every scope, the control for the hidden ones', async () => {
    const token = await keyFor(home.workspaceId, 'owner', [...ALL_SCOPES]);
    const tools = entries.filter((e) => e.kind === 'tool').map((e) => e.name);
    expect(tools.length).toBeGreaterThan(10);
    expect((await listed(token)).sort()).toEqual(tools.sort());
  });

  it('refuses a caller whose current role is below the minimum, naming the role', async () => {
    let checked = 0;
    for (const entry of entries.filter((e) => !RECIPES[e.name](home, home).transport)) {
      const minimum = entry.minimumRole ?? 'viewer';
      const below = ROLES[ROLES.indexOf(minimum) - 1];
      if (!below) continue;
      const token = await keyFor(home.workspaceId, below, [...ALL_SCOPES]);
      const before = await state(home.workspaceId);
      const r = await call(token, RECIPES[entry.name](home, home));
      expect([entry.name, r.code]).toEqual([entry.name, 'insufficient_role']);
      expect(await audited(r.requestId)).toEqual([{ decision: 'denied', error_code: 'insufficient_role' }]);
      expect(await state(home.workspaceId)).toBe(before);
      if (entry.kind === 'tool')
        expect([entry.name, (await listed(token)).includes(entry.name)]).toEqual([entry.name, false]);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('answers another workspace’s objects as not found, identical to a missing id', async () => {
    const token = await keyFor(home.workspaceId, 'owner', [...ALL_SCOPES]);
    const missing: World = {
      workspaceId: randomUUID(),
      keyId: randomUUID(),
      memberId: randomUUID(),
      ids: Object.fromEntries(Object.keys(home.ids).map((name) => [name, randomUUID()])),
    };
    // Whatever names an object: its call changes with the target world (and only with it: a recipe
    // that makes up a fresh name per call is not naming an existing object).
    const render = (name: string, target: World) => JSON.stringify(RECIPES[name](home, target));
    const withIds = entries.filter(
      (e) => render(e.name, home) === render(e.name, home) && render(e.name, foreign) !== render(e.name, home),
    );
    // Every get/update/delete of drafts, posts, media, campaigns and accounts, over MCP and REST.
    expect(withIds.length).toBeGreaterThanOrEqual(40);
    for (const entry of withIds) {
      const before = await state(foreign.workspaceId);
      const other = await call(token, RECIPES[entry.name](home, foreign));
      const none = await call(token, RECIPES[entry.name](home, missing));
      expect([entry.name, other.status, other.code]).toEqual([entry.name, none.status, 'not_found']);
      // The whole answer, not only its code: nothing in it may tell "someone else's" from "none".
      expect([entry.name, comparable(other.error)]).toEqual([entry.name, comparable(none.error)]);
      expect(await state(foreign.workspaceId)).toBe(before);
    }
  });

  it('refuses a key without audit_access where the route reads the audit trail, audits it, and changes nothing', async () => {
    // An owner's key with every scope: only the missing audit_access stands in its way.
    const token = await keyFor(home.workspaceId, 'owner', [...ALL_SCOPES]);
    const needing = entries.filter((e) => e.auditAccess);
    expect(needing.length).toBeGreaterThanOrEqual(2);
    for (const entry of needing) {
      const before = await state(home.workspaceId);
      const r = await call(token, RECIPES[entry.name](home, home));
      expect([entry.name, r.status, r.code]).toEqual([entry.name, 403, 'forbidden']);
      expect(r.error?.message).toContain('not created with audit_access');
      expect(await audited(r.requestId)).toEqual([{ decision: 'denied', error_code: 'forbidden' }]);
      expect(await state(home.workspaceId)).toBe(before);
    }
  });

  // In quarters too: one pass, a fresh world per entry, took 68 s alone and up to its 180 s in the
  // whole suite, with the other worker running beside it.
  it.each(QUARTERS)(
    'lets an owner holding every scope through every recipe, and each write changes something (quarter %i)',
    async (quarter) => {
      // The control for "changes nothing" above: the same calls, allowed, do change state (or are
      // listed here with why they cannot in these worlds).
      const noEffectHere: Record<string, string> = {
        'POST /api/v1/posts/validate': 'validates only',
        publish_post: 'no connector serves the seeded accounts in this app (target_unavailable)',
        'POST /api/v1/posts/:id/publish': 'no connector serves the seeded accounts in this app',
        schedule_post: 'no connector serves the seeded accounts in this app',
        'POST /api/v1/posts/:id/schedule': 'no connector serves the seeded accounts in this app',
        cancel_post: 'the seeded post is not scheduled',
        'POST /api/v1/posts/:id/cancel': 'the seeded post is not scheduled',
        'POST /api/v1/media/from-url': 'its host does not resolve; fetching is tested in the media tests',
      };
      expect(Object.keys(noEffectHere).filter((name) => !(name in RECIPES))).toEqual([]);
      const refusals = ['unauthenticated', 'forbidden', 'insufficient_scope', 'insufficient_role', 'not_found'];
      const writes = entries.filter((e) =>
        e.kind === 'tool' ? e.annotations?.readOnlyHint === false : e.kind === 'route' && !e.name.startsWith('GET '),
      );
      const direct = entries.filter((e) => !RECIPES[e.name](home, home).transport);
      for (const entry of direct.filter((_, i) => i % QUARTERS.length === quarter - 1)) {
        const w = await world();
        const token = await keyFor(w.workspaceId, 'owner', [...ALL_SCOPES], { auditAccess: true });
        const before = await state(w.workspaceId);
        const r = await call(token, RECIPES[entry.name](w, w));
        expect([entry.name, refusals.includes(r.code ?? '')]).toEqual([entry.name, false]);
        const changes = writes.includes(entry) && !(entry.name in noEffectHere);
        expect([entry.name, (await state(w.workspaceId)) !== before]).toEqual([entry.name, changes]);
      }
    },
  );

  it('refuses a revoked or expired key with 401 everywhere', async () => {
    const revoked = await keyFor(home.workspaceId, 'owner', [...ALL_SCOPES]);
    const prefix = revoked.slice(0, 16);
    await asOperator('key revoke', () => t.app.get(ApiKeysService).revoke(operatorActor(), home.workspaceId, prefix));
    const expired = await keyFor(home.workspaceId, 'owner', [...ALL_SCOPES], {
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    // Age the key instead of waiting for it to expire.
    await db.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE prefix = $1`, [
      expired.slice(0, 16),
    ]);
    for (const entry of entries) {
      const c = RECIPES[entry.name](home, home);
      // A tool or resource is called as itself (the official client cannot get past initialize
      // with a dead key); the transport's own routes with the method they serve.
      const rest = c.rest ?? {
        method: c.transport ? entry.name.split(' ')[0] : 'POST',
        path: '/mcp',
        body: c.mcp ? { jsonrpc: '2.0', id: 1, ...c.mcp } : { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      };
      for (const token of [revoked, expired]) {
        const res = await fetch(`${t.url}${rest.path}`, {
          method: rest.method,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          },
          body: rest.method === 'GET' || rest.method === 'DELETE' ? undefined : JSON.stringify(rest.body ?? {}),
        });
        expect([entry.name, res.status]).toEqual([entry.name, 401]);
        expect([entry.name, res.headers.get('www-authenticate')]).toEqual([
          entry.name,
          expect.stringMatching(/^Bearer /),
        ]);
      }
    }
    // Every attempt is filed under the key's workspace and names the key, for its admins to see.
    const attempts = await db.query<{ prefix: string; reason: string; workspace_id: string; n: number }[]>(
      `SELECT k.prefix, r.reason, r.workspace_id, count(*)::int AS n
         FROM audit_records r JOIN api_keys k ON k.id = r.key_id
        WHERE k.prefix = ANY ($1) AND r.decision = 'denied' AND r.error_code = 'unauthenticated'
        GROUP BY 1, 2, 3 ORDER BY 2`,
      [[revoked.slice(0, 16), expired.slice(0, 16)]],
    );
    expect(attempts).toEqual([
      {
        prefix: expired.slice(0, 16),
        reason: 'the API key expired',
        workspace_id: home.workspaceId,
        n: entries.length,
      },
      { prefix, reason: 'the API key was revoked', workspace_id: home.workspaceId, n: entries.length },
    ]);
    // Each tool's attempt is recorded as that tool's call.
    const operations = await db.query<{ operation: string }[]>(
      `SELECT DISTINCT r.operation FROM audit_records r JOIN api_keys k ON k.id = r.key_id WHERE k.prefix = $1`,
      [prefix],
    );
    const tools = entries.filter((e) => e.kind === 'tool').map((e) => `mcp tools/call ${e.name}`);
    expect(tools.length).toBeGreaterThan(20);
    expect(operations.map((o) => o.operation)).toEqual(expect.arrayContaining(tools));
  });
});
