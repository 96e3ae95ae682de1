import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { randomUUID } from 'node:crypto';
import { operatorActor } from '../../src/access/actor';
import { ApiKeysService } from '../../src/access/api-keys/api-keys.service';
import { ALL_SCOPES } from '../../src/access/scopes';
import { SocialAccountsService } from '../../src/domain/social-accounts/social-accounts.service';
import { PLATFORM_RULE_REGISTRY } from '../../src/publishing/rules/platform-rules';
import { asOperator, buildWorkspaceWithKey } from '../factories';
import { auditOfCall } from '../support/content-calls';
import { toolError, withMcpClient } from '../support/mcp-client';
import { callRest } from '../support/rest-client';
import { useTestApp } from '../support/test-app';

/**
 * Social accounts as an admin registers them over REST and an agent reads them over MCP, plus the
 * read-only resources (workspace, social account, platform rules). Reading an account never grants
 * posting; another workspace's account is indistinguishable from a missing one.
 */
const READ = ['workspace:read', 'social_accounts:list', 'social_accounts:read'];

interface Account {
  id: string;
  platform: string;
  display_name: string;
  handle: string | null;
  external_id: string;
  status: string;
  capabilities: string[];
  created_at: string;
  updated_at: string;
}

describe('social accounts', () => {
  jest.setTimeout(120_000);
  const t = useTestApp();

  const withClient = <T>(token: string, work: (client: Client) => Promise<T>, requestId?: string): Promise<T> =>
    withMcpClient(t.url, token, work, requestId);

  const rest = (token: string, method: string, path: string, body?: unknown) =>
    callRest(t.url, token, method, path, body);

  const audit = (requestId: string) => auditOfCall(t.db, requestId);

  async function rows(workspaceId: string): Promise<string> {
    const [row] = await t.db.query<{ s: string | null }[]>(
      `SELECT string_agg(a::text, '|' ORDER BY a.id) AS s FROM social_accounts a WHERE workspace_id = $1`,
      [workspaceId],
    );
    return row.s ?? '';
  }

  /** A fresh workspace and a full-access key created by its admin: it may register accounts and read them. */
  function workspaceWithAdmin() {
    return buildWorkspaceWithKey(t.app, { role: 'admin', scopes: ALL_SCOPES });
  }

  describe('registration over REST (admins)', () => {
    it('registers, changes and refuses a duplicate platform account with 409', async () => {
      const { token, workspace } = await workspaceWithAdmin();
      const created = await rest(token, 'POST', '/api/v1/social-accounts', {
        platform: 'x',
        display_name: 'Acme on X',
        handle: '@acme',
        external_id: '1234567890',
        capabilities: ['x_premium_long_posts'],
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        platform: 'x',
        display_name: 'Acme on X',
        handle: '@acme',
        external_id: '1234567890',
        status: 'active',
        capabilities: ['x_premium_long_posts'],
        created_at: expect.stringMatching(/Z$/),
        updated_at: expect.stringMatching(/Z$/),
      });
      expect(await audit(created.requestId)).toEqual([
        { operation: 'POST /api/v1/social-accounts', decision: 'allowed', error_code: null },
      ]);

      const before = await rows(workspace.id);
      const duplicate = await rest(token, 'POST', '/api/v1/social-accounts', {
        platform: 'x',
        display_name: 'Same account again',
        external_id: '1234567890',
      });
      expect([duplicate.status, duplicate.body.error.code, duplicate.body.error.details]).toEqual([
        409,
        'conflict',
        [{ field: 'external_id', issue: 'already registered' }],
      ]);
      expect(await rows(workspace.id)).toBe(before);
      // The same platform id on another platform is another account.
      const onLinkedIn = await rest(token, 'POST', '/api/v1/social-accounts', {
        platform: 'linkedin',
        display_name: 'Acme on LinkedIn',
        external_id: '1234567890',
      });
      expect(onLinkedIn.status).toBe(201);

      const patched = await rest(token, 'PATCH', `/api/v1/social-accounts/${created.body.id}`, {
        status: 'needs_reauth',
        handle: null,
        capabilities: [],
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ status: 'needs_reauth', handle: null, capabilities: [], platform: 'x' });
      const identity = await rest(token, 'PATCH', `/api/v1/social-accounts/${created.body.id}`, { platform: 'gmb' });
      expect([identity.status, identity.body.error.details[0].field]).toEqual([400, 'platform']);
    });

    it('refuses registration and changes to a narrower key, even one an owner made', async () => {
      // Registering or changing an account decides where posts can go; no scope names it, so a key
      // made for reading analytics must not do it on the strength of its creator's role.
      const { token: fullToken, workspace, user } = await workspaceWithAdmin();
      const created = await rest(fullToken, 'POST', '/api/v1/social-accounts', {
        platform: 'x',
        display_name: 'Acme on X',
        external_id: 'narrow-1',
      });
      expect(created.status).toBe(201);
      const narrow = await asOperator('key create', () =>
        t.app.get(ApiKeysService).create(operatorActor(), {
          workspaceId: workspace.id,
          name: 'analytics only',
          scopes: ['read-only-analytics'],
          createdByUserId: user.id,
        }),
      );
      const before = await rows(workspace.id);
      const attempts = [
        await rest(narrow.token, 'POST', '/api/v1/social-accounts', {
          platform: 'x',
          display_name: 'Impostor',
          external_id: 'narrow-2',
        }),
        await rest(narrow.token, 'PATCH', `/api/v1/social-accounts/${created.body.id}`, { status: 'disabled' }),
      ];
      for (const r of attempts) {
        expect([r.status, r.body.error.code]).toEqual([403, 'insufficient_scope']);
        expect(r.body.error.message).toContain('posts:publish');
        expect(await audit(r.requestId)).toEqual([
          { operation: expect.stringMatching(/social-accounts/), decision: 'denied', error_code: 'insufficient_scope' },
        ]);
      }
      expect(await rows(workspace.id)).toBe(before);
    });

    it('refuses registration by an editor, and a capability that does not apply to the platform', async () => {
      const { token: adminToken, workspace } = await workspaceWithAdmin();
      const editor = await buildWorkspaceWithKey(t.app, { role: 'editor', scopes: READ });
      const refused = await rest(editor.token, 'POST', '/api/v1/social-accounts', {
        platform: 'x',
        display_name: 'Nope',
        external_id: 'nope',
      });
      expect([refused.status, refused.body.error.code]).toEqual([403, 'insufficient_role']);
      expect(await audit(refused.requestId)).toEqual([
        { operation: 'POST /api/v1/social-accounts', decision: 'denied', error_code: 'insufficient_role' },
      ]);
      expect(await rows(editor.workspace.id)).toBe('');

      const wrongPlatform = await rest(adminToken, 'POST', '/api/v1/social-accounts', {
        platform: 'linkedin',
        display_name: 'Acme',
        external_id: 'acme',
        capabilities: ['x_premium_long_posts'],
      });
      expect([wrongPlatform.status, wrongPlatform.body.error.details]).toEqual([
        400,
        [{ field: 'capabilities', issue: 'x_premium_long_posts does not apply to linkedin accounts' }],
      ]);
      expect(await rows(workspace.id)).toBe('');
    });

    it.each([
      ['an unknown field', { access_token: 'secret' }, 'access_token'],
      ['an unknown platform', { platform: 'myspace' }, 'platform'],
      ['a display name that is too long', { display_name: 'd'.repeat(201) }, 'display_name'],
      ['a display name with a line break', { display_name: 'Acme\nInc' }, 'display_name'],
      ['a handle with a control character', { handle: '@ac\u001bme' }, 'handle'],
      ['an external id with spaces', { external_id: 'has spaces' }, 'external_id'],
      ['an unknown status', { status: 'sleeping' }, 'status'],
      ['an unknown capability', { capabilities: ['unlimited_posts'] }, 'capabilities'],
    ])('refuses %s, naming the field, writing nothing, auditing it', async (_, change, field) => {
      const { token, workspace } = await workspaceWithAdmin();
      const body = { platform: 'x', display_name: 'Acme', external_id: 'acme-1', ...change };
      const r = await rest(token, 'POST', '/api/v1/social-accounts', body);
      expect([r.status, r.body.error.code]).toEqual([400, 'validation_failed']);
      expect((r.body.error.details as { field: string }[]).map((d) => d.field)).toContain(field);
      expect(await rows(workspace.id)).toBe('');
      expect(await audit(r.requestId)).toEqual([
        { operation: 'POST /api/v1/social-accounts', decision: 'invalid', error_code: 'validation_failed' },
      ]);
    });
  });

  describe('reading over MCP and REST', () => {
    it('lists with filters and pagination, gets one, and says the tools grant no posting', async () => {
      const { token } = await workspaceWithAdmin();
      const register = async (platform: string, status = 'active') =>
        (
          await rest(token, 'POST', '/api/v1/social-accounts', {
            platform,
            status,
            display_name: `Acme ${platform}`,
            external_id: `${platform}-${randomUUID()}`,
          })
        ).body as Account;
      const x = await register('x');
      const fb = await register('facebook');
      const xOld = await register('x', 'disconnected');
      const ig = await register('instagram');
      const yt = await register('youtube', 'disabled');

      await withClient(token, async (client) => {
        const { tools } = await client.listTools();
        for (const name of ['list_social_accounts', 'get_social_account']) {
          const tool = tools.find((x) => x.name === name);
          expect([name, tool?.description]).toEqual([name, expect.stringMatching(/grants no posting/)]);
          expect(tool?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
        }
        const ids = async (args: Record<string, unknown>) => {
          const r = await client.callTool({ name: 'list_social_accounts', arguments: args });
          return (r.structuredContent as { items: Account[] }).items.map((a) => a.id);
        };
        expect(await ids({ platform: 'x' })).toEqual([xOld.id, x.id]);
        expect(await ids({ status: 'active' })).toEqual([ig.id, fb.id, x.id]);
        expect(await ids({ platform: 'x', status: 'active' })).toEqual([x.id]);
        expect(await ids({ platform: 'pinterest' })).toEqual([]);

        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const r = await client.callTool({
            name: 'list_social_accounts',
            arguments: { limit: 2, ...(cursor && { cursor }) },
          });
          const page = r.structuredContent as { items: Account[]; next_cursor: string | null };
          seen.push(...page.items.map((a) => a.id));
          cursor = page.next_cursor ?? undefined;
          pages++;
        } while (cursor);
        expect([pages, seen]).toEqual([3, [yt.id, ig.id, xOld.id, fb.id, x.id]]);

        const got = await client.callTool({ name: 'get_social_account', arguments: { social_account_id: fb.id } });
        expect(got.structuredContent).toEqual(fb);
        const invalid = toolError(
          await client.callTool({ name: 'list_social_accounts', arguments: { platform: 'myspace', since: 'x' } }),
        );
        expect(invalid).toMatchObject({ code: 'validation_failed' });
        expect((invalid.details as { field: string }[]).map((d) => d.field).sort()).toEqual(['platform', 'since']);
      });

      const listed = await rest(token, 'GET', '/api/v1/social-accounts?platform=x&limit=1');
      expect([listed.status, listed.body.items.map((a: Account) => a.id)]).toEqual([200, [xOld.id]]);
      const next = await rest(
        token,
        'GET',
        `/api/v1/social-accounts?platform=x&limit=1&cursor=${listed.body.next_cursor}`,
      );
      expect([next.body.items.map((a: Account) => a.id), next.body.next_cursor]).toEqual([[x.id], null]);
      const one = await rest(token, 'GET', `/api/v1/social-accounts/${ig.id}`);
      expect([one.status, one.body]).toEqual([200, ig]);
      const badFilter = await rest(token, 'GET', '/api/v1/social-accounts?status=sleeping');
      expect([badFilter.status, badFilter.body.error.details[0].field]).toEqual([400, 'status']);
    });

    it('answers another workspace’s account exactly like a missing one, over MCP, the resource and REST', async () => {
      const { token } = await workspaceWithAdmin();
      const other = await buildWorkspaceWithKey(t.app);
      const foreign = await asOperator('social-account add', () =>
        t.app.get(SocialAccountsService).register(
          { ...operatorActor(), workspaceId: other.workspace.id },
          {
            platform: 'x',
            display_name: 'Not yours',
            external_id: `foreign-${randomUUID()}`,
          },
        ),
      );
      const before = await rows(other.workspace.id);
      const missing = randomUUID();
      await withClient(token, async (client) => {
        const otherErr = toolError(
          await client.callTool({ name: 'get_social_account', arguments: { social_account_id: foreign.id } }),
        );
        const noneErr = toolError(
          await client.callTool({ name: 'get_social_account', arguments: { social_account_id: missing } }),
        );
        expect(otherErr).toEqual({ code: 'not_found', message: 'social account not found' });
        expect(noneErr).toEqual(otherErr);
        const listed = await client.callTool({ name: 'list_social_accounts', arguments: {} });
        expect(listed.structuredContent).toEqual({ items: [], next_cursor: null });

        const read = (id: string) =>
          client.readResource({ uri: `postern://social-accounts/${id}` }).then(
            () => 'read',
            (e: Error) => e.message,
          );
        expect(await read(foreign.id)).toBe('MCP error -32602: not_found: social account not found');
        expect(await read(missing)).toBe(await read(foreign.id));
      });
      for (const [method, body] of [
        ['GET', undefined],
        ['PATCH', { display_name: 'Hijacked' }],
      ] as const) {
        const otherRes = await rest(token, method, `/api/v1/social-accounts/${foreign.id}`, body);
        const noneRes = await rest(token, method, `/api/v1/social-accounts/${missing}`, body);
        expect([method, otherRes.status, otherRes.body.error.code]).toEqual([method, 404, 'not_found']);
        expect({ ...otherRes.body.error, requestId: 0 }).toEqual({ ...noneRes.body.error, requestId: 0 });
      }
      expect(await rows(other.workspace.id)).toBe(before);
    });
  });

  describe('resources', () => {
    it('lists to each caller only the resources it may read, as tools/list lists tools', async () => {
      const listed = (token: string) =>
        withClient(token, async (client) => [
          ...(await client.listResources()).resources.map((r) => r.uri),
          ...(await client.listResourceTemplates()).resourceTemplates.map((r) => r.uriTemplate),
        ]);
      const everything = [
        'postern://campaigns/{id}',
        'postern://rules/{platform}',
        'postern://scopes',
        'postern://social-accounts/{id}',
        'postern://workspace',
      ];
      const full = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ALL_SCOPES });
      expect((await listed(full.token)).sort()).toEqual(everything);
      // The setup key's bundle lists accounts but cannot read one by id.
      const assistant = await buildWorkspaceWithKey(t.app, { role: 'owner', scopes: ['ai-publishing-assistant'] });
      expect((await listed(assistant.token)).sort()).toEqual(everything.filter((u) => !u.includes('social-accounts')));
      // A key limited to named tools reads only what needs no scope: the catalogue and the rules.
      const limited = await buildWorkspaceWithKey(t.app, { role: 'owner', toolAllowlist: ['list_workspaces'] });
      expect((await listed(limited.token)).sort()).toEqual(['postern://rules/{platform}', 'postern://scopes']);
    });

    it('lists the resources and templates and serves the workspace, an account and a platform’s rules', async () => {
      const { token, workspace } = await workspaceWithAdmin();
      const account = (
        await rest(token, 'POST', '/api/v1/social-accounts', {
          platform: 'gmb',
          display_name: 'Acme Bakery',
          external_id: 'accounts/1/locations/2',
        })
      ).body as Account;
      const requestId = `sa-${randomUUID()}`;
      await withClient(
        token,
        async (client) => {
          const { resources } = await client.listResources();
          expect(resources.map((r) => r.uri)).toEqual(
            expect.arrayContaining(['postern://scopes', 'postern://workspace']),
          );
          const { resourceTemplates } = await client.listResourceTemplates();
          expect(resourceTemplates.map((r) => [r.uriTemplate, r.mimeType]).sort()).toEqual(
            expect.arrayContaining([
              ['postern://campaigns/{id}', 'application/json'],
              ['postern://rules/{platform}', 'application/json'],
              ['postern://social-accounts/{id}', 'application/json'],
            ]),
          );

          const text = async (uri: string) => {
            const read = await client.readResource({ uri });
            expect(read.contents).toEqual([{ uri, mimeType: 'application/json', text: expect.any(String) }]);
            return JSON.parse((read.contents[0] as { text: string }).text) as Record<string, unknown>;
          };
          const ws = await text('postern://workspace');
          const tool = await client.callTool({ name: 'get_workspace', arguments: { workspace_id: workspace.id } });
          expect(ws).toEqual(tool.structuredContent);
          expect(ws).toMatchObject({
            id: workspace.id,
            time_zone: null,
            draft_first: true,
            approval_policy: { require_approval_for: ['publish', 'schedule', 'delete'], allow_self_approval: false },
          });

          expect(await text(`postern://social-accounts/${account.id}`)).toEqual(account);

          const rules = await text('postern://rules/x');
          const xRules = PLATFORM_RULE_REGISTRY.rules.filter((r) => r.platform === 'x');
          expect(rules).toMatchObject({
            platform: 'x',
            platform_name: 'X',
            registry_version: PLATFORM_RULE_REGISTRY.version,
          });
          const served = rules.rules as Record<string, any>[];
          expect(served.map((r) => [r.id, r.last_verified])).toEqual(xRules.map((r) => [r.id, r.lastVerified]));
          const length = served.find((r) => r.id === 'x.text.max_length');
          expect(length).toMatchObject({
            check: { kind: 'max_length', limit: 280, raised_by: { capability: 'x_premium_long_posts', limit: 4000 } },
            source: { kind: 'cited', citations: expect.arrayContaining([expect.objectContaining({ ref: 'PZ16' })]) },
            disagreement: { chosen: 280, chosen_with_capability: { limit: 4000 } },
          });
          expect(JSON.stringify(rules)).not.toMatch(/[a-z][A-Z][a-z]+":/);
        },
        requestId,
      );
      await withClient(token, async (client) => {
        const unknown = await client.readResource({ uri: 'postern://rules/myspace' }).catch((e: Error) => e);
        expect(unknown).toBeInstanceOf(Error);
        expect((unknown as Error).message).toMatch(/^MCP error -32602: not_found: no rules for platform "myspace"/);
        expect((unknown as { data?: { error?: { code?: string } } }).data?.error?.code).toBe('not_found');
      });
      const reads = await audit(requestId);
      expect(reads.filter((r) => r.operation.startsWith('mcp resources/read'))).toEqual([
        { operation: 'mcp resources/read postern://workspace', decision: 'allowed', error_code: null },
        {
          operation: `mcp resources/read postern://social-accounts/${account.id}`,
          decision: 'allowed',
          error_code: null,
        },
        { operation: 'mcp resources/read postern://rules/x', decision: 'allowed', error_code: null },
      ]);
    });

    it('refuses a resource whose scope the key lacks, with the code in the error and in the audit', async () => {
      const { token } = await buildWorkspaceWithKey(t.app, { scopes: ['workspace:list'] });
      const requestId = `sa-${randomUUID()}`;
      const message = await withClient(
        token,
        (client) =>
          client.readResource({ uri: 'postern://workspace' }).then(
            () => 'read',
            (e: Error) => e.message,
          ),
        requestId,
      );
      expect(message).toBe('MCP error -32600: insufficient_scope: missing scopes: workspace:read');
      expect(await audit(requestId)).toEqual([
        { operation: 'mcp resources/read postern://workspace', decision: 'denied', error_code: 'insufficient_scope' },
      ]);
    });
  });
});
