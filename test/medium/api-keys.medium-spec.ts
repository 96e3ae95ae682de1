import { ConsoleSessions } from '../../src/console/console-session.service';
import { OAuthTokenVerifier } from '../../src/oauth/oauth-token-verifier.service';
import { OAuthConnectionLookup } from '../../src/oauth/oauth-connection-lookup';
import { AccessEpochModule } from '../../src/access/access-epoch.module';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { type Actor, operatorActor } from '../../src/access/actor';
import { generateApiKeyToken } from '../../src/access/api-keys/api-key-token';
import { ApiKeyEntity } from '../../src/access/api-keys/api-key.entity';
import { ApiKeysModule } from '../../src/access/api-keys/api-keys.module';
import { ApiKeysService } from '../../src/access/api-keys/api-keys.service';
import { AuthenticationGuard } from '../../src/access/authentication.guard';
import type { ActorRequest } from '../../src/access/request-actor';
import { RequireScopes } from '../../src/access/require-scopes.decorator';
import { ResolveWorkspaceGuard } from '../../src/access/resolve-workspace.guard';
import { RoleGuard } from '../../src/access/role.guard';
import { BUNDLES } from '../../src/access/scopes';
import { ScopesGuard } from '../../src/access/scopes.guard';
import { WorkspaceBindings } from '../../src/access/workspace-binding';
import { AppError } from '../../src/common/app-error';
import { MembershipEntity } from '../../src/domain/workspaces/membership.entity';
import { WorkspacesService } from '../../src/domain/workspaces/workspaces.service';
import { asOperator, buildUser, buildWorkspace, buildWorkspaceWithKey } from '../factories';
import { startServiceContext } from '../support/service-context';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const uniqueName = () => `agent-${randomUUID().slice(0, 8)}`;

/** What a viewer may keep of the ai-publishing-assistant bundle: reading and listing only. */
const ASSISTANT_FOR_VIEWER = [
  'workspace:read',
  'workspace:list',
  'social_accounts:list',
  'posts:read',
  'posts:status:read',
  'drafts:read',
  'media:read',
  'campaigns:read',
];

/** Handlers as a route or tool would declare them; the guards read nothing else from them. */
class Probe {
  /** Any authenticated caller, as on the `/mcp` transport endpoint. */
  @RequireScopes()
  anyCall(this: void): void {}

  @RequireScopes('posts:publish')
  publishPost(this: void): void {}
}

/**
 * The services a key goes through, plus the four global guards in the order AppModule registers
 * them. Together they turn a bearer token into the actor a request runs as, without HTTP.
 */
describe(ApiKeysService.name, () => {
  let app: TestingModule;
  let apiKeys: ApiKeysService;
  let workspaces: WorkspacesService;
  let dataSource: DataSource;
  let guards: { canActivate(context: ExecutionContextHost): boolean | Promise<boolean> }[];
  const operator = operatorActor();

  beforeAll(async () => {
    app = await startServiceContext({
      imports: [ApiKeysModule, AccessEpochModule],
      providers: [
        AuthenticationGuard,
        ResolveWorkspaceGuard,
        WorkspaceBindings,
        RoleGuard,
        ScopesGuard,
        OAuthTokenVerifier,
        OAuthConnectionLookup,
        ConsoleSessions,
      ],
    });
    apiKeys = app.get(ApiKeysService);
    workspaces = app.get(WorkspacesService);
    dataSource = app.get<DataSource>(getDataSourceToken());
    guards = [app.get(AuthenticationGuard), app.get(ResolveWorkspaceGuard), app.get(RoleGuard), app.get(ScopesGuard)];
  });
  afterAll(async () => {
    await app?.close();
  });

  /** Runs the guard chain for one MCP call carrying `token`; returns the actor or throws the guard's AppError. */
  const callAs = async (token: string, handler: keyof Probe = 'anyCall'): Promise<Actor> => {
    const req = { headers: { authorization: `Bearer ${token}` }, path: '/mcp', method: 'POST' } as ActorRequest;
    const context = new ExecutionContextHost([req, {}, () => undefined], Probe, Probe.prototype[handler]);
    for (const guard of guards) expect(await guard.canActivate(context)).toBe(true);
    if (!req.actor) throw new Error('the guards passed without setting an actor');
    return req.actor;
  };
  const refusalOf = async (promise: Promise<unknown>) => {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    const { code, message, details } = err as AppError;
    return { code, message, details };
  };
  const keyRow = (id: string) => dataSource.getRepository(ApiKeyEntity).findOneByOrFail({ id });
  const countKeysNamed = (workspaceId: string, name: string) =>
    dataSource.getRepository(ApiKeyEntity).countBy({ workspaceId, name });
  const auditRowsFor = async (operation: string) => {
    const [row] = await dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM audit_records WHERE operation = $1',
      [`test ${operation}`],
    );
    return row.n;
  };

  describe('authenticate', () => {
    it("returns the key's principal: its workspace, creator, granted scopes, tool allowlist, audit access and the creator's current role", async () => {
      const { user, workspace, key, token } = await buildWorkspaceWithKey(app, { toolAllowlist: ['get_workspace'] });

      const principal = await apiKeys.authenticate(token);

      expect(principal).toEqual({
        kind: 'api_key',
        keyId: key.id,
        userId: user.id,
        workspaceId: workspace.id,
        grantedScopes: new Set(BUNDLES['ai-publishing-assistant'].scopes),
        toolAllowlist: ['get_workspace'],
        auditAccess: false,
        binding: {
          workspace: expect.objectContaining({
            id: workspace.id,
            slug: workspace.slug,
            settings: { draftFirst: true },
          }),
          hasMember: true,
          role: 'owner',
        },
      });
    });

    it('reads audit_access from the key as it was created', async () => {
      const { token } = await buildWorkspaceWithKey(app, { role: 'admin', auditAccess: true });
      expect((await apiKeys.authenticate(token))?.auditAccess).toBe(true);
    });

    it('ends the keys of a disabled user on their next call, as their OAuth tokens end', async () => {
      const { user, token } = await buildWorkspaceWithKey(app);
      expect((await apiKeys.authenticate(token))?.binding?.role).toBe('owner');
      await dataSource.query(`UPDATE users SET status = 'disabled' WHERE id = $1`, [user.id]);
      expect((await apiKeys.authenticate(token))?.binding).toMatchObject({ hasMember: true, role: null });
    });

    it('reads the role as it is now: a removed creator leaves the binding without a role', async () => {
      const { user, workspace, token } = await buildWorkspaceWithKey(app);
      await dataSource.query('DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2', [
        workspace.id,
        user.id,
      ]);
      expect((await apiKeys.authenticate(token))?.binding).toMatchObject({ hasMember: true, role: null });
    });

    it('records when the key was last used', async () => {
      const { key, token } = await buildWorkspaceWithKey(app);
      expect((await keyRow(key.id)).lastUsedAt).toBeNull();

      await apiKeys.authenticate(token);

      // The write is deliberately fire-and-forget, so poll for it.
      const deadline = Date.now() + 3000;
      let lastUsedAt: Date | null = null;
      while (!lastUsedAt && Date.now() < deadline) {
        lastUsedAt = (await keyRow(key.id)).lastUsedAt;
        if (!lastUsedAt) await new Promise((r) => setTimeout(r, 50));
      }
      expect(lastUsedAt).toBeInstanceOf(Date);
      expect(Math.abs((lastUsedAt as Date).getTime() - Date.now())).toBeLessThan(60_000);
    });

    it('refuses a revoked key, whether revoked by id or by prefix', async () => {
      const byId = await buildWorkspaceWithKey(app);
      const byPrefix = await buildWorkspaceWithKey(app);
      expect(await apiKeys.authenticate(byId.token)).toBeDefined();

      const revoked = await asOperator('key revoke', () => apiKeys.revoke(operator, byId.workspace.id, byId.key.id));
      await asOperator('key revoke', () => apiKeys.revoke(operator, byPrefix.workspace.id, byPrefix.key.prefix));

      expect(revoked.revokedAt).toBeInstanceOf(Date);
      expect(await apiKeys.authenticate(byId.token)).toBeUndefined();
      expect(await apiKeys.authenticate(byPrefix.token)).toBeUndefined();
      await expect(refusalOf(callAs(byId.token))).resolves.toMatchObject({ code: 'unauthenticated' });
    });

    it('refuses a key whose expiry has passed', async () => {
      const { key, token } = await buildWorkspaceWithKey(app, { expiresAt: new Date(Date.now() + 3600_000) });
      expect(await apiKeys.authenticate(token)).toBeDefined();

      // create() refuses a past expiry, so age the row instead of waiting.
      await dataSource.getRepository(ApiKeyEntity).update({ id: key.id }, { expiresAt: new Date(Date.now() - 1000) });

      expect(await apiKeys.authenticate(token)).toBeUndefined();
    });

    it("refuses a well-formed token that carries a live key's prefix with another secret", async () => {
      const { key, token } = await buildWorkspaceWithKey(app);
      const forged = `${key.prefix}_${generateApiKeyToken().token.slice(17)}`;
      expect(forged).not.toBe(token);
      expect(forged).toHaveLength(token.length);

      expect(await apiKeys.authenticate(forged)).toBeUndefined();
    });

    it('refuses a well-formed token no key was issued for', async () => {
      expect(await apiKeys.authenticate(generateApiKeyToken().token)).toBeUndefined();
    });

    it('refuses malformed tokens, even ones that contain a live token', async () => {
      const { token } = await buildWorkspaceWithKey(app);
      const malformed = [
        '',
        `Bearer ${token}`,
        ` ${token}`,
        `${token}\n`,
        token.slice(0, -1),
        `${token}A`,
        token.toUpperCase(),
      ];

      for (const candidate of malformed) {
        expect(await apiKeys.authenticate(candidate)).toBeUndefined();
      }
    });
  });

  describe("a key is cut down to its creator's current role", () => {
    it('loses what the role no longer allows on the next call, and everything with the membership', async () => {
      const { user, workspace, key, token } = await buildWorkspaceWithKey(app, {
        role: 'admin',
        scopes: ['ai-publishing-assistant'],
      });
      const asAdmin = await callAs(token, 'publishPost');
      expect(asAdmin).toMatchObject({ kind: 'api_key', surface: 'mcp', workspaceId: workspace.id, role: 'admin' });
      expect(asAdmin.scopes).toEqual(new Set(BUNDLES['ai-publishing-assistant'].scopes));
      expect(asAdmin.scopes.has('posts:publish')).toBe(true);

      const memberships = dataSource.getRepository(MembershipEntity);
      const demoted = await memberships.update({ workspaceId: workspace.id, userId: user.id }, { role: 'viewer' });
      expect(demoted.affected).toBe(1);

      const asViewer = await callAs(token);
      expect(asViewer.role).toBe('viewer');
      expect(asViewer.scopes.has('posts:publish')).toBe(false);
      expect(asViewer.scopes.has('posts:create')).toBe(false);
      expect(asViewer.scopes).toEqual(new Set(ASSISTANT_FOR_VIEWER));
      await expect(refusalOf(callAs(token, 'publishPost'))).resolves.toMatchObject({ code: 'insufficient_role' });
      // The grant itself is untouched: promoting the member back would restore the key.
      expect((await keyRow(key.id)).scopes).toEqual(BUNDLES['ai-publishing-assistant'].scopes);

      const removed = await memberships.delete({ workspaceId: workspace.id, userId: user.id });
      expect(removed.affected).toBe(1);

      await expect(refusalOf(callAs(token))).resolves.toMatchObject({ code: 'unauthenticated' });
    });

    it("follows the creator's role in the key's workspace, not in another one", async () => {
      const { user, token } = await buildWorkspaceWithKey(app, {
        role: 'editor',
        scopes: ['posts:create', 'posts:publish'],
      });
      const elsewhere = await buildWorkspace(app, undefined, user.id);
      expect(await workspaces.roleOf(user.id, elsewhere.id)).toBe('owner');

      const actor = await callAs(token);

      expect(actor.role).toBe('editor');
      expect(actor.scopes).toEqual(new Set(['posts:create']));
    });

    it('treats a key the operator issued with no member behind it as an admin service identity', async () => {
      const workspace = await buildWorkspace(app);
      const { token } = await asOperator('key create', () =>
        apiKeys.create(operator, {
          workspaceId: workspace.id,
          name: uniqueName(),
          scopes: ['posts:publish', 'workspace:read'],
        }),
      );

      const actor = await callAs(token, 'publishPost');

      expect(actor).toMatchObject({ workspaceId: workspace.id, role: 'admin', userId: undefined });
      expect(actor.scopes).toEqual(new Set(['posts:publish', 'workspace:read']));
    });
  });

  describe('create', () => {
    // PGlite is a single backend: a second connection waits for the open transaction.
    (process.env.POSTERN_TEST_EMBEDDED ? it.skip : it)(
      'dates a key after the membership it is made under, even one committed while the key was being created',
      async () => {
        // Dated by its transaction's start, the key would look older than the membership and never
        // authenticate: the bindings join only a membership no newer than the credential.
        const workspace = await buildWorkspace(app);
        const user = await buildUser(app);
        const runner = dataSource.createQueryRunner();
        await runner.connect();
        await runner.startTransaction();
        try {
          await runner.query('SELECT 1');
          await asOperator('member add', () =>
            app.get(WorkspacesService).addMember(operator, workspace.id, user.id, 'admin'),
          );
          const { token } = await apiKeys.create(
            operator,
            { workspaceId: workspace.id, name: uniqueName(), scopes: ['workspace:read'], createdByUserId: user.id },
            runner.manager,
          );
          await runner.commitTransaction();
          expect((await callAs(token)).userId).toBe(user.id);
        } finally {
          if (runner.isTransactionActive) await runner.rollbackTransaction();
          await runner.release();
        }
      },
    );

    it('refuses unknown scopes with a structured error and writes nothing', async () => {
      const workspace = await buildWorkspace(app);
      const name = uniqueName();
      const operation = `key create ${name}`;

      const attempt = asOperator(operation, () =>
        apiKeys.create(operator, { workspaceId: workspace.id, name, scopes: ['posts:read', 'posts:launch'] }),
      );

      await expect(refusalOf(attempt)).resolves.toEqual({
        code: 'validation_failed',
        message: expect.stringContaining('posts:launch'),
        details: [{ field: 'scopes', issue: 'unknown' }],
      });
      expect(await countKeysNamed(workspace.id, name)).toBe(0);
      expect(await auditRowsFor(operation)).toBe(0);
    });

    it('refuses an empty scope list', async () => {
      const workspace = await buildWorkspace(app);
      const name = uniqueName();

      await expect(
        refusalOf(
          asOperator('key create', () => apiKeys.create(operator, { workspaceId: workspace.id, name, scopes: [] })),
        ),
      ).resolves.toMatchObject({ code: 'validation_failed', details: [{ field: 'scopes', issue: 'empty' }] });
      expect(await countKeysNamed(workspace.id, name)).toBe(0);
    });

    it('refuses a second active key of the same name and writes nothing; a revoked name is free again', async () => {
      const workspace = await buildWorkspace(app);
      const name = uniqueName();
      const first = await asOperator('key create', () =>
        apiKeys.create(operator, { workspaceId: workspace.id, name, scopes: ['workspace:read'] }),
      );
      const operation = `key create duplicate ${name}`;

      const duplicate = asOperator(operation, () =>
        apiKeys.create(operator, { workspaceId: workspace.id, name: `  ${name} `, scopes: ['workspace:read'] }),
      );

      await expect(refusalOf(duplicate)).resolves.toMatchObject({
        code: 'conflict',
        message: expect.stringContaining(name),
      });
      expect(await countKeysNamed(workspace.id, name)).toBe(1);
      expect(await auditRowsFor(operation)).toBe(0);

      // The same name in another workspace is no conflict.
      const other = await buildWorkspace(app);
      await expect(
        asOperator('key create', () =>
          apiKeys.create(operator, { workspaceId: other.id, name, scopes: ['workspace:read'] }),
        ),
      ).resolves.toMatchObject({ key: { workspaceId: other.id, name } });

      await asOperator('key revoke', () => apiKeys.revoke(operator, workspace.id, first.key.id));
      const second = await asOperator('key create', () =>
        apiKeys.create(operator, { workspaceId: workspace.id, name, scopes: ['workspace:read'] }),
      );
      expect(second.key.id).not.toBe(first.key.id);
      expect(await countKeysNamed(workspace.id, name)).toBe(2);
    });

    it('lets a member grant only scopes they hold themselves', async () => {
      const { workspace, token } = await buildWorkspaceWithKey(app, {
        role: 'editor',
        scopes: ['ai-publishing-assistant'],
      });
      const editor = await callAs(token);
      expect(editor.scopes.has('posts:create')).toBe(true);
      expect(editor.scopes.has('posts:publish')).toBe(false);
      const name = uniqueName();

      const attempt = asOperator(`key create ${name}`, () =>
        apiKeys.create(editor, { workspaceId: workspace.id, name, scopes: ['posts:create', 'posts:publish'] }),
      );

      await expect(refusalOf(attempt)).resolves.toEqual({
        code: 'insufficient_scope',
        message: expect.stringContaining('posts:publish'),
        details: [{ field: 'scopes', issue: 'posts:publish' }],
      });
      expect(await countKeysNamed(workspace.id, name)).toBe(0);
    });

    it('stores a SHA-256 hash and the public prefix, never the token', async () => {
      const workspace = await buildWorkspace(app);
      const { key, token } = await asOperator('key create', () =>
        apiKeys.create(operator, { workspaceId: workspace.id, name: uniqueName(), scopes: ['workspace:read'] }),
      );

      const [row] = await dataSource.query<Record<string, unknown>[]>('SELECT * FROM api_keys WHERE id = $1', [key.id]);

      expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.secret_hash).toBe(sha256(token));
      expect(row.prefix).toBe(token.slice(0, 16));
      const secret = token.slice(17);
      for (const value of Object.values(row)) {
        expect(JSON.stringify(value) ?? '').not.toContain(secret);
      }
    });
  });

  describe('list', () => {
    it("returns the workspace's own keys, never another workspace's", async () => {
      const mine = await buildWorkspaceWithKey(app);
      const second = await asOperator('key create', () =>
        apiKeys.create(operator, { workspaceId: mine.workspace.id, name: uniqueName(), scopes: ['workspace:read'] }),
      );
      const theirs = await buildWorkspaceWithKey(app);

      const listed = await apiKeys.list(mine.workspace.id);

      expect(listed.items.map((k) => k.id)).toEqual([second.key.id, mine.key.id]);
      expect(listed.next_cursor).toBeNull();
      expect((await apiKeys.list(theirs.workspace.id)).items.map((k) => k.id)).toEqual([theirs.key.id]);
    });

    /** Keys of a fresh workspace, the first created first, dated as given (microseconds kept). */
    async function keysAt(instants: string[]) {
      const { workspace, key } = await buildWorkspaceWithKey(app);
      const ids = [key.id];
      for (const _ of instants.slice(1)) {
        const made = await asOperator('key create', () =>
          apiKeys.create(operator, { workspaceId: workspace.id, name: uniqueName(), scopes: ['workspace:read'] }),
        );
        ids.push(made.key.id);
      }
      for (const [i, id] of ids.entries())
        await dataSource.query(`UPDATE api_keys SET created_at = $2 WHERE id = $1`, [id, instants[i]]);
      return { workspaceId: workspace.id, ids };
    }

    async function allPages(workspaceId: string, limit: number, status?: 'active' | 'expired' | 'revoked') {
      const seen: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await apiKeys.list(workspaceId, { cursor, limit, status });
        seen.push(page.items.map((k) => k.id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor && seen.length < 10);
      return seen;
    }

    it('pages newest first without skipping keys made within the same millisecond', async () => {
      const { workspaceId, ids } = await keysAt([
        '2026-11-21T10:00:00.123300Z',
        '2026-11-21T10:00:00.123456Z',
        '2026-11-21T10:00:00.123400Z',
        '2026-11-21T09:00:00Z',
      ]);

      expect(await allPages(workspaceId, 1)).toEqual([[ids[1]], [ids[2]], [ids[0]], [ids[3]]]);
      expect(await allPages(workspaceId, 3)).toEqual([[ids[1], ids[2], ids[0]], [ids[3]]]);
    });

    it('orders keys made at the very same instant by id, each on exactly one page', async () => {
      const same = '2026-11-21T10:00:00.123456Z';
      const { workspaceId, ids } = await keysAt([same, same, same]);
      const byId = [...ids].sort().reverse();
      expect(await allPages(workspaceId, 1)).toEqual(byId.map((id) => [id]));
      expect(await allPages(workspaceId, 2)).toEqual([byId.slice(0, 2), byId.slice(2)]);
    });

    it('lists only the keys in a status when asked', async () => {
      const { workspaceId, ids } = await keysAt([
        '2026-11-21T10:00:03Z',
        '2026-11-21T10:00:02Z',
        '2026-11-21T10:00:01Z',
      ]);
      await dataSource.query(`UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = $1`, [ids[1]]);
      await asOperator('key revoke', () => apiKeys.revoke(operator, workspaceId, ids[2]));

      expect(await allPages(workspaceId, 1, 'active')).toEqual([[ids[0]]]);
      expect(await allPages(workspaceId, 1, 'expired')).toEqual([[ids[1]]]);
      expect(await allPages(workspaceId, 1, 'revoked')).toEqual([[ids[2]]]);
      expect(await allPages(workspaceId, 2)).toEqual([[ids[0], ids[1]], [ids[2]]]);
    });
  });

  describe(WorkspacesService.name, () => {
    it("gets the key's own workspace by id and by slug", async () => {
      const { workspace, token } = await buildWorkspaceWithKey(app);
      const actor = await callAs(token);

      await expect(workspaces.get(actor, workspace.id)).resolves.toMatchObject({
        id: workspace.id,
        slug: workspace.slug,
      });
      await expect(workspaces.get(actor, workspace.slug)).resolves.toMatchObject({ id: workspace.id });
    });

    it('answers for another workspace exactly as for one that does not exist', async () => {
      const { user, token } = await buildWorkspaceWithKey(app);
      // The key's creator may even own the other workspace: the key stays bound to its own.
      const other = await buildWorkspace(app, undefined, user.id);
      const actor = await callAs(token);

      const missing = await refusalOf(workspaces.get(actor, randomUUID()));
      expect(missing).toEqual({ code: 'not_found', message: 'workspace not found', details: undefined });
      expect(await refusalOf(workspaces.get(actor, other.id))).toEqual(missing);
      expect(await refusalOf(workspaces.get(actor, other.slug))).toEqual(missing);
    });

    it("lists only the key's workspace, although its creator belongs to more", async () => {
      const { user, workspace, token } = await buildWorkspaceWithKey(app);
      await buildWorkspace(app, undefined, user.id);

      const listed = await workspaces.list(await callAs(token));

      expect(listed.map((w) => w.id)).toEqual([workspace.id]);
    });
  });

  describe('repeat calls', () => {
    /** Credential statements sent on the pool since the last call (the epoch reads are not counted). */
    const credentialStatements = () => {
      const pool = (dataSource.driver as PostgresDriver).master as Pool;
      const spy = jest.spyOn(pool, 'query');
      return {
        count: () => spy.mock.calls.filter(([text]) => String(text).includes('FROM api_keys k')).length,
        restore: () => spy.mockRestore(),
      };
    };

    /**
     * `step` sends no credential statement. The access epoch is one for the whole database, and the
     * test file on the other worker changes keys and memberships meanwhile: an attempt during which
     * the epoch moved is tried again. A step that moves it itself moves it every time, and fails.
     */
    async function expectReusedAcross(statements: { count(): number }, step: () => Promise<void>): Promise<void> {
      const epoch = async () =>
        (await dataSource.query<{ epoch: string }[]>('SELECT epoch FROM access_epoch'))[0].epoch;
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const [epochBefore, before] = [await epoch(), statements.count()];
        await step();
        if ((await epoch()) !== epochBefore) continue;
        expect(statements.count()).toBe(before);
        return;
      }
      throw new Error('the access epoch moved during every attempt');
    }

    it('reuse the credential statement until something it read changes, and then see the change', async () => {
      const { user, workspace, key, token } = await buildWorkspaceWithKey(app, { role: 'admin' });
      const statements = credentialStatements();
      try {
        expect((await callAs(token)).role).toBe('admin');
        await expectReusedAcross(statements, async () => expect((await callAs(token)).role).toBe('admin'));

        // Each write below is made the way another instance (or an operator in psql) would make it.
        const changes: [string, unknown[], (actor: Actor) => void][] = [
          [
            `UPDATE memberships SET role = 'viewer' WHERE workspace_id = $1 AND user_id = $2`,
            [workspace.id, user.id],
            (a) => expect(a.role).toBe('viewer'),
          ],
          [
            `UPDATE api_keys SET scopes = ARRAY['workspace:read'] WHERE id = $1`,
            [key.id],
            (a) => expect(a.scopes).toEqual(new Set(['workspace:read'])),
          ],
          [
            `UPDATE workspaces SET name = 'Renamed' WHERE id = $1`,
            [workspace.id],
            (a) => expect(a.binding?.workspace.name).toBe('Renamed'),
          ],
        ];
        for (const [sql, params, expectChange] of changes) {
          const before = statements.count();
          await dataSource.query(sql, params);
          expectChange(await callAs(token));
          expect(statements.count()).toBe(before + 1);
        }

        // "Last used" is written by the calls themselves and must not throw the lookup away.
        await expectReusedAcross(statements, async () => {
          await dataSource.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [key.id]);
          await callAs(token);
        });

        await dataSource.query(`UPDATE users SET status = 'disabled' WHERE id = $1`, [user.id]);
        await expect(refusalOf(callAs(token))).resolves.toMatchObject({ code: 'unauthenticated' });
      } finally {
        statements.restore();
      }
    });

    it('refuse a remembered key when the database cannot confirm it is still current', async () => {
      const own = await startServiceContext({ imports: [ApiKeysModule] });
      try {
        const { token } = await buildWorkspaceWithKey(own);
        const ownKeys = own.get(ApiKeysService);
        expect(await ownKeys.authenticate(token)).toBeDefined();

        await ((own.get<DataSource>(getDataSourceToken()).driver as PostgresDriver).master as Pool).end();

        await expect(ownKeys.authenticate(token)).rejects.toThrow();
      } finally {
        await own.close().catch(() => undefined);
      }
    });
  });
});
