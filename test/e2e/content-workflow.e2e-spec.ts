import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { randomUUID } from 'node:crypto';
import { operatorActor } from '../../src/access/actor';
import { ALL_SCOPES } from '../../src/access/scopes';
import { ApiKeysService } from '../../src/access/api-keys/api-keys.service';
import { asOperator, buildWorkspaceWithKey } from '../factories';
import { connectMcp, toolError } from '../support/mcp-client';
import { png } from '../support/media-files';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * What a model does with the AI Publishing Assistant bundle: find its workspace, draft for three
 * networks, learn from validate_post that X needs shorter copy, fix the draft, and turn it into a
 * post — one MCP session, nothing but tool calls once an admin has registered the workspace's
 * accounts over REST.
 */
describe('content workflow as a model would run it', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('drafts, validates, fixes the X variant, and makes a post in the campaign without publishing', async () => {
    const { workspace, token, user } = await buildWorkspaceWithKey(t.app, {
      scopes: ['ai-publishing-assistant', 'campaigns:create'],
    });
    // The owner's admin key registers the accounts (metadata only; credentials come with the platforms).
    const { token: adminToken } = await asOperator('key create', () =>
      t.app.get(ApiKeysService).create(operatorActor(), {
        workspaceId: workspace.id,
        name: 'admin-console',
        scopes: ALL_SCOPES,
        createdByUserId: user.id,
      }),
    );
    for (const [platform, name] of [
      ['linkedin', 'Acme on LinkedIn'],
      ['x', 'Acme on X'],
      ['instagram', 'Acme on Instagram'],
    ]) {
      const res = await fetch(`${t.url}/api/v1/social-accounts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ platform, display_name: name, external_id: `${platform}-${randomUUID()}` }),
      });
      expect([platform, res.status]).toEqual([platform, 201]);
    }
    const client: Client = await connectMcp(t.url, token);
    const call = async (name: string, args: Record<string, unknown> = {}) => {
      const result = await client.callTool({ name, arguments: args });
      if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(toolError(result))}`);
      return result.structuredContent as any;
    };
    try {
      const { tools } = await client.listTools();
      const offered = new Map(tools.map((tool) => [tool.name, tool]));
      for (const name of [
        'list_social_accounts',
        'create_campaign',
        'upload_media',
        'create_draft',
        'update_draft',
        'validate_post',
        'create_post_from_draft',
        'list_posts',
      ]) {
        expect([name, offered.get(name)?.outputSchema?.type]).toEqual([name, 'object']);
      }
      // The bundle has no delete scopes, so the delete tools are not offered at all.
      expect([offered.has('delete_post'), offered.has('delete_draft')]).toEqual([false, false]);
      expect(offered.get('create_post')?.description).toContain('NEVER publishes');
      expect(offered.get('create_post')?.inputSchema.required).toEqual(['social_account_ids']);

      const workspaces = await call('list_workspaces');
      expect(workspaces.items.map((w: { id: string }) => w.id)).toEqual([workspace.id]);

      const accounts = await call('list_social_accounts');
      const byPlatform = new Map(accounts.items.map((a: { platform: string; id: string }) => [a.platform, a.id]));
      const [linkedin, x, instagram] = ['linkedin', 'x', 'instagram'].map((p) => ({ id: byPlatform.get(p) }));
      expect([linkedin.id, x.id, instagram.id].every(Boolean)).toBe(true);

      const campaign = await call('create_campaign', {
        name: 'Spring sale',
        goal: 'Sell the spring collection',
        starts_on: '2027-03-20',
        ends_on: '2027-04-05',
        tags: ['spring'],
        idempotency_key: randomUUID(),
      });
      const image = await call('upload_media', {
        content_base64: png(1080, 1080).toString('base64'),
        file_name: 'sale.png',
        alt_text: 'Linen shirts on a rail',
        campaign_id: campaign.id,
      });
      expect(image).toMatchObject({ kind: 'image', mime_type: 'image/png', width: 1080, height: 1080 });

      const copy =
        'Our spring collection is here: linen shirts, light jackets and the sandals you asked for all winter. ' +
        'Everything is 20% off in every store and online until Sunday night, and delivery is free on orders ' +
        'over 50 euros. Come by, try things on, and tell us what you think of the new colours. #spring #sale';
      expect(copy.length).toBeGreaterThan(280);
      const draft = await call('create_draft', {
        text: copy,
        media_ids: [image.id],
        social_account_ids: [linkedin.id, x.id, instagram.id],
        campaign_id: campaign.id,
        idempotency_key: randomUUID(),
      });
      expect(draft).toMatchObject({ version: 1, campaign_id: campaign.id });

      const first = await call('validate_post', { draft_id: draft.id });
      expect(first.valid).toBe(false);
      const failing = first.results.filter((r: { valid: boolean }) => !r.valid);
      expect(failing).toEqual([
        {
          platform: 'x',
          valid: false,
          violations: [expect.objectContaining({ rule_id: 'x.text.max_length', field: 'text', limit: 280 })],
        },
      ]);

      const fixed = await call('update_draft', {
        draft_id: draft.id,
        variants: {
          x: { text: 'Spring collection: 20% off everything until Sunday. Free delivery over €50. #spring' },
        },
        expected_version: draft.version,
      });
      expect(fixed.version).toBe(2);
      const second = await call('validate_post', { draft_id: draft.id });
      expect(second).toMatchObject({ valid: true });
      expect(second.results.map((r: { platform: string }) => r.platform).sort()).toEqual([
        'instagram',
        'linkedin',
        'x',
      ]);

      const post = await call('create_post_from_draft', { draft_id: draft.id, idempotency_key: randomUUID() });
      expect(post).toMatchObject({
        draft_id: draft.id,
        campaign_id: campaign.id,
        status: 'ready',
        variants: fixed.variants,
        replayed: false,
      });
      expect(post.targets.map((tg: { platform: string; status: string }) => [tg.platform, tg.status])).toEqual([
        ['instagram', 'ready'],
        ['linkedin', 'ready'],
        ['x', 'ready'],
      ]);

      const inCampaign = await call('list_posts', { campaign_id: campaign.id });
      expect(inCampaign.items.map((p: { id: string }) => p.id)).toEqual([post.id]);
      const status = await call('get_post_status', { post_id: post.id });
      expect(status.targets.every((tg: { status: string }) => tg.status === 'ready')).toBe(true);
      expect(await call('get_draft', { draft_id: draft.id })).toMatchObject({ version: 2 });
      // Nothing in this workflow reached a network, and every step is on the record.
      const campaignView = await call('get_campaign', { campaign_id: campaign.id });
      expect(campaignView).toMatchObject({ id: campaign.id });
    } finally {
      await client.close();
    }
  });
});
