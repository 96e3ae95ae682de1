import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { randomUUID } from 'node:crypto';
import { operatorActor } from '../../src/access/actor';
import { CampaignsService } from '../../src/domain/campaigns/campaigns.service';
import { asOperator, buildWorkspaceWithKey } from '../factories';
import { auditOfCall } from '../support/content-calls';
import { toolError, withMcpClient } from '../support/mcp-client';
import { callRest } from '../support/rest-client';
import { useTestApp } from '../support/test-app';

/**
 * Campaigns over MCP and REST, as an agent and an integration use them: the same service behind
 * both, another workspace's campaign indistinguishable from a missing one, and every refused
 * input named, unwritten and audited.
 */
const SCOPES = ['workspace:read', 'campaigns:create', 'campaigns:read', 'campaigns:update', 'campaigns:delete'];

interface Campaign {
  id: string;
  name: string;
  goal: string | null;
  status: string;
  starts_on: string | null;
  ends_on: string | null;
  tags: string[];
  created_at: string;
  updated_at: string;
}
interface ErrorBody {
  code: string;
  message: string;
  details?: { field?: string; issue: string }[];
}

describe('campaigns', () => {
  jest.setTimeout(120_000);
  const t = useTestApp();

  const withClient = <T>(token: string, work: (client: Client) => Promise<T>, requestId?: string): Promise<T> =>
    withMcpClient(t.url, token, work, requestId);

  /** One tool call on its own connection, so its audit record can be found by request id. */
  async function callTool(token: string, name: string, args: Record<string, unknown>) {
    const requestId = `camp-${randomUUID()}`;
    const result = await withClient(token, (c) => c.callTool({ name, arguments: args }), requestId);
    return { result, requestId };
  }

  const rest = (token: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    callRest(t.url, token, method, path, body, headers);

  const audit = (requestId: string) => auditOfCall(t.db, requestId);

  /** Every campaign row of a workspace, deleted or not, to show a refusal changed nothing. */
  async function rows(workspaceId: string): Promise<string> {
    const [row] = await t.db.query<{ s: string | null }[]>(
      `SELECT string_agg(c::text, '|' ORDER BY c.id) AS s FROM campaigns c WHERE workspace_id = $1`,
      [workspaceId],
    );
    return row.s ?? '';
  }

  /** A campaign in another workspace, made by the operator. */
  async function foreignCampaign(): Promise<{ workspaceId: string; id: string }> {
    const other = await buildWorkspaceWithKey(t.app, { scopes: SCOPES, allowDirect: ['delete'] });
    const created = await asOperator('campaign create', () =>
      t.app
        .get(CampaignsService)
        .create({ ...operatorActor(), workspaceId: other.workspace.id }, { name: 'Not yours', tags: ['secret'] }),
    );
    return { workspaceId: other.workspace.id, id: created.id };
  }

  describe('over MCP', () => {
    it('creates, reads with counts, updates, lists and soft-deletes a campaign', async () => {
      const { token, workspace } = await buildWorkspaceWithKey(t.app, { scopes: SCOPES, allowDirect: ['delete'] });
      await withClient(token, async (client) => {
        const { tools } = await client.listTools();
        const byName = new Map(tools.map((x) => [x.name, x]));
        expect(byName.get('create_campaign')?.description).toMatch(/publishes and schedules nothing/);
        expect(byName.get('delete_campaign')?.annotations).toMatchObject({
          destructiveHint: true,
          readOnlyHint: false,
        });
        expect(byName.get('list_campaigns')?.annotations).toMatchObject({ readOnlyHint: true });

        const created = await client.callTool({
          name: 'create_campaign',
          arguments: {
            name: '  Spring launch  ',
            goal: 'Get 500 sign-ups.\nThen celebrate.',
            starts_on: '2026-03-01',
            ends_on: '2026-03-31',
            tags: ['launch', 'beta', 'launch'],
          },
        });
        expect(created.isError).toBeFalsy();
        const campaign = created.structuredContent as Campaign & { replayed: boolean };
        expect(campaign).toEqual({
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          name: 'Spring launch',
          goal: 'Get 500 sign-ups.\nThen celebrate.',
          status: 'planned',
          starts_on: '2026-03-01',
          ends_on: '2026-03-31',
          tags: ['launch', 'beta'],
          created_at: expect.stringMatching(/Z$/),
          updated_at: expect.stringMatching(/Z$/),
          replayed: false,
        });

        // Content assigned to the campaign, written as the content domain would; trash is not counted.
        await t.db.query(`INSERT INTO drafts (workspace_id, campaign_id) VALUES ($1, $2)`, [workspace.id, campaign.id]);
        await t.db.query(
          `INSERT INTO posts (workspace_id, campaign_id, deleted_at) VALUES ($1, $2, NULL), ($1, $2, NULL), ($1, $2, now())`,
          [workspace.id, campaign.id],
        );
        await t.db.query(
          `INSERT INTO media_assets (workspace_id, campaign_id, file_name, mime_type, kind, size_bytes, sha256, storage_key)
             VALUES ($1, $2, 'a.png', 'image/png', 'image', 10, 'x', 'k')`,
          [workspace.id, campaign.id],
        );
        const got = await client.callTool({ name: 'get_campaign', arguments: { campaign_id: campaign.id } });
        const { replayed: _, ...stored } = campaign;
        expect(got.structuredContent).toEqual({ ...stored, counts: { posts: 2, drafts: 1, media: 1 } });

        const updated = await client.callTool({
          name: 'update_campaign',
          arguments: { campaign_id: campaign.id, status: 'active', goal: null, ends_on: '2026-04-15', tags: [] },
        });
        expect(updated.structuredContent).toMatchObject({
          id: campaign.id,
          name: 'Spring launch',
          status: 'active',
          goal: null,
          starts_on: '2026-03-01',
          ends_on: '2026-04-15',
          tags: [],
        });

        const listed = await client.callTool({ name: 'list_campaigns', arguments: {} });
        expect(listed.structuredContent).toEqual({ items: [updated.structuredContent], next_cursor: null });

        const deleted = await client.callTool({ name: 'delete_campaign', arguments: { campaign_id: campaign.id } });
        expect(deleted.structuredContent).toMatchObject({ id: campaign.id, deleted_at: expect.stringMatching(/Z$/) });
        const gone = toolError(
          await client.callTool({ name: 'get_campaign', arguments: { campaign_id: campaign.id } }),
        );
        expect(gone).toEqual({ code: 'not_found', message: 'campaign not found' });
        expect(await client.callTool({ name: 'list_campaigns', arguments: {} })).toMatchObject({
          structuredContent: { items: [], next_cursor: null },
        });
        const again = toolError(
          await client.callTool({ name: 'delete_campaign', arguments: { campaign_id: campaign.id } }),
        );
        expect(again.code).toBe('not_found');
      });
      // Soft: the row and the content pointing at it are still there.
      const [row] = await t.db.query<{ deleted: boolean; posts: number }[]>(
        `SELECT c.deleted_at IS NOT NULL AS deleted,
                (SELECT count(*)::int FROM posts p WHERE p.campaign_id = c.id) AS posts
           FROM campaigns c WHERE c.workspace_id = $1`,
        [workspace.id],
      );
      expect(row).toEqual({ deleted: true, posts: 3 });
    });

    it('filters by status, tag and dates, and pages through every campaign exactly once', async () => {
      const { token } = await buildWorkspaceWithKey(t.app, { scopes: SCOPES, allowDirect: ['delete'] });
      await withClient(token, async (client) => {
        const make = async (args: Record<string, unknown>) =>
          ((await client.callTool({ name: 'create_campaign', arguments: args })).structuredContent as Campaign).id;
        const march = await make({ name: 'March', starts_on: '2026-03-01', ends_on: '2026-03-10', tags: ['q1'] });
        const openEnded = await make({
          name: 'Always on',
          status: 'active',
          starts_on: '2026-03-05',
          tags: ['evergreen'],
        });
        const undated = await make({ name: 'Someday', tags: ['q1', 'ideas'] });
        const late = await make({
          name: 'Late March',
          status: 'active',
          starts_on: '2026-03-20',
          ends_on: '2026-03-25',
        });
        const april = await make({ name: 'April', status: 'paused', starts_on: '2026-04-01', ends_on: '2026-04-30' });

        const ids = async (args: Record<string, unknown>) => {
          const r = await client.callTool({ name: 'list_campaigns', arguments: args });
          expect(r.isError).toBeFalsy();
          return (r.structuredContent as { items: Campaign[] }).items.map((c) => c.id);
        };
        expect(await ids({ status: 'active' })).toEqual([late, openEnded]);
        expect(await ids({ tag: 'q1' })).toEqual([undated, march]);
        expect(await ids({ active_on: '2026-03-07' })).toEqual([openEnded, march]);
        expect(await ids({ active_on: '2026-03-11' })).toEqual([openEnded]);
        expect(await ids({ from: '2026-03-11', to: '2026-03-19' })).toEqual([openEnded]);
        expect(await ids({ from: '2026-03-24' })).toEqual([april, late, openEnded]);
        expect(await ids({ to: '2026-03-04' })).toEqual([march]);
        expect(await ids({ status: 'active', from: '2026-04-01' })).toEqual([openEnded]);

        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = (
            await client.callTool({ name: 'list_campaigns', arguments: { limit: 2, ...(cursor && { cursor }) } })
          ).structuredContent as { items: Campaign[]; next_cursor: string | null };
          expect(page.items.length).toBeLessThanOrEqual(2);
          seen.push(...page.items.map((c) => c.id));
          cursor = page.next_cursor ?? undefined;
          pages++;
        } while (cursor);
        expect(pages).toBe(3);
        expect(seen).toEqual([april, late, undated, openEnded, march]);

        const mixed = toolError(
          await client.callTool({ name: 'list_campaigns', arguments: { active_on: '2026-03-01', from: '2026-03-01' } }),
        );
        expect(mixed).toMatchObject({ code: 'validation_failed', details: [{ field: 'active_on' }] });
        const inverted = toolError(
          await client.callTool({ name: 'list_campaigns', arguments: { from: '2026-03-10', to: '2026-03-01' } }),
        );
        expect(inverted).toMatchObject({ code: 'validation_failed', details: [{ field: 'to' }] });
        const badCursor = toolError(
          await client.callTool({ name: 'list_campaigns', arguments: { cursor: 'bm90LWEtY3Vyc29y' } }),
        );
        expect(badCursor).toMatchObject({ code: 'validation_failed', details: [{ field: 'cursor' }] });
      });
    });

    it('replays a create with the same idempotency_key and refuses the key with other arguments', async () => {
      const { token, workspace } = await buildWorkspaceWithKey(t.app, { scopes: SCOPES, allowDirect: ['delete'] });
      const key = `create-${randomUUID()}`;
      const args = { name: 'Once only', tags: ['retry'], idempotency_key: key };
      const first = await callTool(token, 'create_campaign', args);
      const second = await callTool(token, 'create_campaign', args);
      const firstCampaign = first.result.structuredContent as Campaign & { replayed: boolean };
      expect(firstCampaign.replayed).toBe(false);
      expect(second.result.structuredContent).toEqual({ ...firstCampaign, replayed: true });
      const before = await rows(workspace.id);
      expect(before.split('|')).toHaveLength(1);

      const conflict = await callTool(token, 'create_campaign', { ...args, name: 'Something else' });
      expect(toolError(conflict.result)).toMatchObject({
        code: 'idempotency_conflict',
        details: [{ field: 'idempotency_key' }],
      });
      expect(await rows(workspace.id)).toBe(before);
      const [replayRecord] = await t.db.query<{ idempotency_key: string; reason: string }[]>(
        `SELECT idempotency_key, reason FROM audit_records WHERE correlation_id = $1 AND operation LIKE 'mcp tools/call %'`,
        [second.requestId],
      );
      expect(replayRecord).toEqual({ idempotency_key: key, reason: 'idempotent replay' });
    });

    it('answers another workspace’s campaign exactly like a missing one, and leaves it alone', async () => {
      const { token } = await buildWorkspaceWithKey(t.app, { scopes: SCOPES, allowDirect: ['delete'] });
      const foreign = await foreignCampaign();
      const before = await rows(foreign.workspaceId);
      const missing = randomUUID();
      await withClient(token, async (client) => {
        for (const [name, extra] of [
          ['get_campaign', {}],
          ['update_campaign', { name: 'Hijacked' }],
          ['delete_campaign', {}],
        ] as const) {
          const other = toolError(await client.callTool({ name, arguments: { campaign_id: foreign.id, ...extra } }));
          const none = toolError(await client.callTool({ name, arguments: { campaign_id: missing, ...extra } }));
          expect([name, other]).toEqual([name, { code: 'not_found', message: 'campaign not found' }]);
          expect(none).toEqual(other);
        }
        const listed = await client.callTool({ name: 'list_campaigns', arguments: { tag: 'secret' } });
        expect(listed.structuredContent).toEqual({ items: [], next_cursor: null });

        const readOther = await client
          .readResource({ uri: `postern://campaigns/${foreign.id}` })
          .catch((e: Error & { data?: unknown }) => e);
        const readNone = await client
          .readResource({ uri: `postern://campaigns/${missing}` })
          .catch((e: Error & { data?: unknown }) => e);
        expect(readOther).toBeInstanceOf(Error);
        expect((readOther as Error).message).toBe('MCP error -32602: not_found: campaign not found');
        expect((readOther as { data?: unknown }).data).toEqual({
          uri: `postern://campaigns/${foreign.id}`,
          error: { code: 'not_found', message: 'campaign not found' },
        });
        expect((readNone as Error).message).toBe((readOther as Error).message);
      });
      expect(await rows(foreign.workspaceId)).toBe(before);
    });

    it.each([
      ['an unknown field', { name: 'Fine', budget: 5 }, 'budget'],
      ['a name that is too long', { name: 'n'.repeat(201) }, 'name'],
      ['a name with a line break', { name: 'Two\nlines' }, 'name'],
      ['a goal with a control character', { name: 'Fine', goal: 'bell \u0007' }, 'goal'],
      ['a date that does not exist', { name: 'Fine', starts_on: '2026-02-30' }, 'starts_on'],
      ['a malformed date', { name: 'Fine', ends_on: '31/03/2026' }, 'ends_on'],
      ['an end before the start', { name: 'Fine', starts_on: '2026-03-10', ends_on: '2026-03-01' }, 'ends_on'],
      ['an unknown status', { name: 'Fine', status: 'running' }, 'status'],
      ['a tag with spaces', { name: 'Fine', tags: ['two words'] }, 'tags.0'],
    ])('refuses %s on create_campaign, naming the field, writing nothing, auditing it', async (_, args, field) => {
      const { token, workspace } = await buildWorkspaceWithKey(t.app, { scopes: SCOPES, allowDirect: ['delete'] });
      const { result, requestId } = await callTool(token, 'create_campaign', args);
      const err = toolError(result) as ErrorBody;
      expect(err.code).toBe('validation_failed');
      expect(err.details?.map((d) => d.field)).toContain(field);
      expect(await rows(workspace.id)).toBe('');
      expect(await audit(requestId)).toEqual([
        { operation: 'mcp tools/call create_campaign', decision: 'invalid', error_code: 'validation_failed' },
      ]);
    });

    it('checks the dates of update_campaign on the merged result, naming the field it changed', async () => {
      const { token, workspace } = await buildWorkspaceWithKey(t.app, { scopes: SCOPES, allowDirect: ['delete'] });
      const created = await callTool(token, 'create_campaign', {
        name: 'Dated',
        starts_on: '2026-03-10',
        ends_on: '2026-03-31',
      });
      const id = (created.result.structuredContent as Campaign).id;
      const before = await rows(workspace.id);
      for (const [change, field] of [
        [{ ends_on: '2026-03-01' }, 'ends_on'],
        [{ starts_on: '2026-04-01' }, 'starts_on'],
        [{ starts_on: '2026-02-29' }, 'starts_on'],
        [{ name: '' }, 'name'],
        [{}, '(arguments)'],
      ] as const) {
        const { result, requestId } = await callTool(token, 'update_campaign', { campaign_id: id, ...change });
        const err = toolError(result) as ErrorBody;
        expect([change, err.code, err.details?.[0]?.field]).toEqual([change, 'validation_failed', field]);
        expect(await audit(requestId)).toEqual([
          expect.objectContaining({ decision: 'invalid', error_code: 'validation_failed' }),
        ]);
      }
      expect(await rows(workspace.id)).toBe(before);
      const cleared = await callTool(token, 'update_campaign', {
        campaign_id: id,
        starts_on: null,
        ends_on: '2026-01-01',
      });
      expect(cleared.result.structuredContent).toMatchObject({ starts_on: null, ends_on: '2026-01-01' });
    });

    it('serves a campaign as the resource postern://campaigns/{id}, listed among the templates', async () => {
      const { token } = await buildWorkspaceWithKey(t.app, { scopes: SCOPES, allowDirect: ['delete'] });
      await withClient(token, async (client) => {
        const { resourceTemplates } = await client.listResourceTemplates();
        expect(resourceTemplates).toContainEqual(
          expect.objectContaining({ uriTemplate: 'postern://campaigns/{id}', mimeType: 'application/json' }),
        );
        const created = await client.callTool({ name: 'create_campaign', arguments: { name: 'As a resource' } });
        const id = (created.structuredContent as Campaign).id;
        const tool = await client.callTool({ name: 'get_campaign', arguments: { campaign_id: id } });
        const read = await client.readResource({ uri: `postern://campaigns/${id}` });
        expect(read.contents).toEqual([
          { uri: `postern://campaigns/${id}`, mimeType: 'application/json', text: expect.any(String) },
        ]);
        expect(JSON.parse((read.contents[0] as { text: string }).text)).toEqual(tool.structuredContent);
        const bad = await client.readResource({ uri: 'postern://campaigns/not-a-uuid' }).catch((e: Error) => e);
        expect((bad as Error).message).toBe('MCP error -32602: not_found: campaign not found');
      });
    });
  });

  describe('over REST', () => {
    it('mirrors the tools: create (201, 200 on replay), get, list, update, delete', async () => {
      const { token, workspace } = await buildWorkspaceWithKey(t.app, { scopes: SCOPES, allowDirect: ['delete'] });
      const key = randomUUID();
      const body = { name: 'REST campaign', starts_on: '2026-05-01', tags: ['rest'] };
      const created = await rest(token, 'POST', '/api/v1/campaigns', body, { 'idempotency-key': key });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ ...body, status: 'planned', goal: null, ends_on: null, replayed: false });
      expect(await audit(created.requestId)).toEqual([
        { operation: 'POST /api/v1/campaigns', decision: 'allowed', error_code: null },
      ]);
      const replay = await rest(token, 'POST', '/api/v1/campaigns', body, { 'idempotency-key': key });
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual({ ...created.body, replayed: true });
      const conflict = await rest(
        token,
        'POST',
        '/api/v1/campaigns',
        { ...body, name: 'Other' },
        { 'idempotency-key': key },
      );
      expect([conflict.status, conflict.body.error.code]).toEqual([409, 'idempotency_conflict']);
      const badKey = await rest(token, 'POST', '/api/v1/campaigns', body, { 'idempotency-key': 'has spaces' });
      expect([badKey.status, badKey.body.error.details]).toEqual([
        400,
        [{ field: 'Idempotency-Key', issue: 'must be printable ASCII without spaces, at most 255 characters' }],
      ]);
      expect((await rows(workspace.id)).split('|')).toHaveLength(1);

      const id = created.body.id as string;
      const got = await rest(token, 'GET', `/api/v1/campaigns/${id}`);
      expect([got.status, got.body.counts]).toEqual([200, { posts: 0, drafts: 0, media: 0 }]);
      const patched = await rest(token, 'PATCH', `/api/v1/campaigns/${id}`, { ends_on: '2026-05-31', goal: 'More' });
      expect([patched.status, patched.body.ends_on, patched.body.goal]).toEqual([200, '2026-05-31', 'More']);
      const listed = await rest(token, 'GET', '/api/v1/campaigns?active_on=2026-05-15&tag=rest&limit=10');
      expect([listed.status, listed.body.items.map((c: Campaign) => c.id), listed.body.next_cursor]).toEqual([
        200,
        [id],
        null,
      ]);
      const outside = await rest(token, 'GET', '/api/v1/campaigns?from=2026-06-01');
      expect(outside.body.items).toEqual([]);
      const deleted = await rest(token, 'DELETE', `/api/v1/campaigns/${id}`);
      expect([deleted.status, deleted.body.id, typeof deleted.body.deleted_at]).toEqual([200, id, 'string']);
      expect((await rest(token, 'GET', `/api/v1/campaigns/${id}`)).status).toBe(404);
    });

    it('answers another workspace’s campaign with the same 404 as a missing one', async () => {
      const { token } = await buildWorkspaceWithKey(t.app, { scopes: SCOPES, allowDirect: ['delete'] });
      const foreign = await foreignCampaign();
      const before = await rows(foreign.workspaceId);
      const missing = randomUUID();
      for (const [method, body] of [
        ['GET', undefined],
        ['PATCH', { name: 'Hijacked' }],
        ['DELETE', undefined],
      ] as const) {
        const other = await rest(token, method, `/api/v1/campaigns/${foreign.id}`, body);
        const none = await rest(token, method, `/api/v1/campaigns/${missing}`, body);
        expect([method, other.status, other.body.error.code]).toEqual([method, 404, 'not_found']);
        expect({ ...other.body.error, requestId: undefined }).toEqual({ ...none.body.error, requestId: undefined });
      }
      expect(await rows(foreign.workspaceId)).toBe(before);
    });

    it.each([
      ['an unknown field', { name: 'Fine', budget: 5 }, 'budget'],
      ['a name that is too long', { name: 'n'.repeat(201) }, 'name'],
      ['a blank name', { name: '   ' }, 'name'],
      ['a name with a control character', { name: 'Nul\u0000' }, 'name'],
      ['a goal that is too long', { name: 'Fine', goal: 'g'.repeat(2001) }, 'goal'],
      ['a date that does not exist', { name: 'Fine', starts_on: '2026-02-30' }, 'starts_on'],
      ['an end before the start', { name: 'Fine', starts_on: '2026-03-10', ends_on: '2026-03-09' }, 'ends_on'],
      ['too many tags', { name: 'Fine', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags'],
    ])('refuses %s on POST, naming the field, writing nothing, auditing it', async (_, body, field) => {
      const { token, workspace } = await buildWorkspaceWithKey(t.app, { scopes: SCOPES, allowDirect: ['delete'] });
      const r = await rest(token, 'POST', '/api/v1/campaigns', body);
      expect([r.status, r.body.error.code]).toEqual([400, 'validation_failed']);
      expect((r.body.error as ErrorBody).details?.map((d) => d.field)).toContain(field);
      expect(await rows(workspace.id)).toBe('');
      expect(await audit(r.requestId)).toEqual([
        { operation: 'POST /api/v1/campaigns', decision: 'invalid', error_code: 'validation_failed' },
      ]);
    });

    it('refuses PATCH with null for a required field or an inverted range, changing nothing', async () => {
      const { token, workspace } = await buildWorkspaceWithKey(t.app, { scopes: SCOPES, allowDirect: ['delete'] });
      const created = await rest(token, 'POST', '/api/v1/campaigns', { name: 'Keep', ends_on: '2026-03-31' });
      const before = await rows(workspace.id);
      for (const [body, field] of [
        [{ name: null }, 'name'],
        [{ status: null }, 'status'],
        [{ starts_on: '2026-04-01' }, 'starts_on'],
        [{}, '(arguments)'],
      ] as const) {
        const r = await rest(token, 'PATCH', `/api/v1/campaigns/${created.body.id}`, body);
        expect([body, r.status, r.body.error.details[0].field]).toEqual([body, 400, field]);
      }
      expect(await rows(workspace.id)).toBe(before);
    });
  });
});
