import { randomUUID } from 'node:crypto';
import { buildWorkspaceWithKey } from '../factories';
import { buildCampaign, buildDraft, buildImage, buildPost, buildSocialAccount } from '../factories/drafts-posts';
import { auditOf, callTool, contentState } from '../support/content-calls';
import { callRest } from '../support/rest-client';
import { useTestApp } from '../support/test-app';

const SCOPES = ['ai-publishing-assistant', 'posts:delete'];
const DAY_MS = 24 * 60 * 60 * 1000;

describe('posts over MCP and REST', () => {
  jest.setTimeout(120_000);
  const t = useTestApp();

  async function setup(scopes = SCOPES) {
    const { workspace, token, user } = await buildWorkspaceWithKey(t.app, { scopes, allowDirect: ['delete'] });
    const linkedin = await buildSocialAccount(t.app, workspace.id, 'linkedin');
    const x = await buildSocialAccount(t.app, workspace.id, 'x');
    const instagram = await buildSocialAccount(t.app, workspace.id, 'instagram');
    const campaign = await buildCampaign(t.app, workspace.id);
    const image = await buildImage(t.app, workspace.id);
    const tool = (name: string, args: Record<string, unknown>) => callTool(t.url, token, name, args);
    const rest = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
      callRest(t.url, token, method, path, body, headers);
    return { workspace, token, user, linkedin, x, instagram, campaign, image, tool, rest };
  }

  const ids = (page: { items: { id: string }[] }) => page.items.map((p) => p.id);

  it('creates a ready post with ready targets, reads, lists, updates and reports status over MCP', async () => {
    const s = await setup();
    const created = await s.tool('create_post', {
      text: 'Spring sale starts today.',
      link: 'https://example.com/sale',
      variants: { x: { text: 'Spring sale #sale' } },
      media_ids: [s.image.id],
      social_account_ids: [s.x.id, s.linkedin.id],
      campaign_id: s.campaign.id,
    });
    expect(created.error).toBeUndefined();
    const post = created.data;
    expect(post).toEqual({
      id: expect.any(String),
      text: 'Spring sale starts today.',
      title: null,
      link: 'https://example.com/sale',
      variants: { x: { text: 'Spring sale #sale' } },
      media_ids: [s.image.id],
      campaign_id: s.campaign.id,
      draft_id: null,
      status: 'ready',
      version: 1,
      scheduled_at: null,
      targets: [s.linkedin, s.x].map((account) => ({
        social_account_id: account.id,
        platform: account.platform,
        status: 'ready',
        updated_at: expect.any(String),
        scheduled_at: null,
        published_at: null,
        external_url: null,
        error: null,
      })),
      author: { user_id: s.user.id, client_id: null },
      created_at: expect.any(String),
      updated_at: expect.any(String),
      deleted_at: null,
      restorable_until: null,
      replayed: false,
    });
    const targets = await t.db.query(`SELECT status FROM post_targets WHERE post_id = $1`, [post.id]);
    expect(targets).toEqual([{ status: 'ready' }, { status: 'ready' }]);

    const { replayed: _r, ...stored } = post;
    expect((await s.tool('get_post', { post_id: post.id })).data).toEqual(stored);
    const other = (await s.tool('create_post', { text: 'Only Instagram', social_account_ids: [s.instagram.id] })).data;

    expect(ids((await s.tool('list_posts', {})).data)).toEqual([other.id, post.id]);
    expect(ids((await s.tool('list_posts', { campaign_id: s.campaign.id })).data)).toEqual([post.id]);
    expect(ids((await s.tool('list_posts', { platform: 'instagram' })).data)).toEqual([other.id]);
    expect(ids((await s.tool('list_posts', { status: 'published' })).data)).toEqual([]);
    expect(ids((await s.tool('list_posts', { status: 'ready', created_before: other.created_at })).data)).toEqual([
      post.id,
    ]);
    expect(ids((await s.tool('list_posts', { created_after: other.created_at })).data)).toEqual([other.id]);

    const updated = await s.tool('update_post', {
      post_id: post.id,
      text: 'Spring sale: last day.',
      social_account_ids: [s.x.id, s.instagram.id],
      campaign_id: null,
      expected_version: 1,
    });
    expect(updated.data).toMatchObject({
      text: 'Spring sale: last day.',
      campaign_id: null,
      version: 2,
      targets: [
        expect.objectContaining({ social_account_id: s.instagram.id, platform: 'instagram', status: 'ready' }),
        expect.objectContaining({ social_account_id: s.x.id, platform: 'x', status: 'ready' }),
      ],
    });
    const stale = await s.tool('update_post', { post_id: post.id, text: 'Lost', expected_version: 1 });
    expect(stale.error).toMatchObject({ code: 'conflict', details: [{ field: 'expected_version' }] });

    const status = await s.tool('get_post_status', { post_id: post.id });
    expect(status.data).toEqual({
      post_id: post.id,
      status: 'ready',
      version: 2,
      updated_at: expect.any(String),
      targets: [
        expect.objectContaining({ platform: 'instagram', status: 'ready' }),
        expect.objectContaining({ platform: 'x', status: 'ready' }),
      ],
    });
  });

  it('serves the same over REST, including from-draft, validate, status, delete and restore', async () => {
    const s = await setup();
    const created = await s.rest('POST', '/api/v1/posts', {
      text: 'Hello REST',
      title: 'Greeting',
      social_account_ids: [s.linkedin.id],
    });
    expect([created.status, created.body.error]).toEqual([201, undefined]);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ status: 'ready', targets: [{ platform: 'linkedin', status: 'ready' }] });
    expect((await s.rest('GET', `/api/v1/posts/${id}`)).body).toMatchObject({ id, title: 'Greeting' });
    expect((await s.rest('GET', `/api/v1/posts?platform=linkedin`)).body).toEqual({
      items: [expect.objectContaining({ id })],
      next_cursor: null,
    });
    const patched = await s.rest('PATCH', `/api/v1/posts/${id}`, { title: null, expected_version: 1 });
    expect([patched.status, patched.body.title, patched.body.version]).toEqual([200, null, 2]);
    const status = await s.rest('GET', `/api/v1/posts/${id}/status`);
    expect(status.body).toMatchObject({ post_id: id, status: 'ready', version: 2 });

    const draft = await buildDraft(t.app, s.workspace.id, { text: 'From a draft', social_account_ids: [s.x.id] });
    const fromDraft = await s.rest('POST', '/api/v1/posts/from-draft', { draft_id: draft.id });
    expect([fromDraft.status, fromDraft.body.error]).toEqual([201, undefined]);
    expect(fromDraft.body).toMatchObject({ text: 'From a draft', draft_id: draft.id, targets: [{ platform: 'x' }] });

    const validated = await s.rest('POST', '/api/v1/posts/validate', { text: 'a'.repeat(300), platforms: ['x'] });
    expect(validated.status).toBe(200);
    expect(validated.body).toMatchObject({ valid: false, results: [{ platform: 'x', valid: false }] });

    const deleted = await s.rest('DELETE', `/api/v1/posts/${id}`);
    expect(deleted.status).toBe(200);
    expect((await s.rest('GET', `/api/v1/posts/${id}`)).status).toBe(404);
    expect(ids((await s.rest('GET', '/api/v1/posts?trashed=true')).body)).toEqual([id]);
    const restored = await s.rest('POST', `/api/v1/posts/${id}/restore`);
    expect([restored.status, restored.body.deleted_at]).toEqual([200, null]);
    const again = await s.rest('POST', `/api/v1/posts/${id}/restore`);
    expect([again.status, again.body.error.code]).toEqual([409, 'not_restorable']);
  });

  it('documents every drafts and posts route in OpenAPI, with the Idempotency-Key header on creates', async () => {
    const doc = (await (await fetch(`${t.url}/api/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; responses: object }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const routes = Object.entries(doc.paths)
      .filter(([path]) => /^\/api\/v1\/(posts|drafts)/.test(path))
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(routes).toEqual([
      'DELETE /api/v1/drafts/{id}',
      'DELETE /api/v1/posts/{id}',
      'GET /api/v1/drafts',
      'GET /api/v1/drafts/{id}',
      'GET /api/v1/posts',
      'GET /api/v1/posts/{id}',
      'GET /api/v1/posts/{id}/status',
      'PATCH /api/v1/drafts/{id}',
      'PATCH /api/v1/posts/{id}',
      'POST /api/v1/drafts',
      'POST /api/v1/posts',
      'POST /api/v1/posts/from-draft',
      'POST /api/v1/posts/validate',
      'POST /api/v1/posts/{id}/cancel',
      'POST /api/v1/posts/{id}/publish',
      'POST /api/v1/posts/{id}/restore',
      'POST /api/v1/posts/{id}/schedule',
    ]);
    for (const path of [
      '/api/v1/drafts',
      '/api/v1/posts',
      '/api/v1/posts/from-draft',
      '/api/v1/posts/{id}/schedule',
      '/api/v1/posts/{id}/publish',
    ]) {
      expect(doc.paths[path].post.parameters).toContainEqual(
        expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }),
      );
      expect(Object.keys(doc.paths[path].post.responses)).toContain('201');
    }
    expect(Object.keys(doc.components.schemas.VariantsDto.properties ?? {}).sort()).toEqual([
      'facebook',
      'gmb',
      'instagram',
      'linkedin',
      'pinterest',
      'x',
      'youtube',
    ]);
    expect(doc.components.schemas.PostResponse.properties).toHaveProperty('restorable_until');
  });

  it('moves a post to the trash, lists the trash, restores it, and refuses a restore after 30 days', async () => {
    const s = await setup();
    const post = (await s.tool('create_post', { text: 'Trash me', social_account_ids: [s.linkedin.id] })).data;
    const keep = (await s.tool('create_post', { text: 'Keep me', social_account_ids: [s.linkedin.id] })).data;

    const deleted = await s.tool('delete_post', { post_id: post.id });
    expect(deleted.error).toBeUndefined();
    const deletedAt = Date.parse(deleted.data.deleted_at);
    expect(Date.parse(deleted.data.restorable_until) - deletedAt).toBe(30 * DAY_MS);
    expect((await s.tool('get_post', { post_id: post.id })).error).toMatchObject({ code: 'not_found' });
    expect(ids((await s.tool('list_posts', {})).data)).toEqual([keep.id]);
    const trash = (await s.tool('list_posts', { trashed: true })).data;
    expect(trash.items).toEqual([
      expect.objectContaining({
        id: post.id,
        deleted_at: deleted.data.deleted_at,
        restorable_until: expect.any(String),
      }),
    ]);
    expect((await s.tool('update_post', { post_id: post.id, text: 'x' })).error).toMatchObject({ code: 'not_found' });

    const restored = await s.tool('restore_post', { post_id: post.id });
    expect(restored.data).toMatchObject({ id: post.id, deleted_at: null, restorable_until: null, version: 1 });
    expect(ids((await s.tool('list_posts', {})).data)).toEqual([keep.id, post.id]);
    const live = await s.tool('restore_post', { post_id: post.id });
    expect(live.error).toMatchObject({ code: 'not_restorable' });
    expect(live.error?.message).toContain('not in the trash');

    await s.tool('delete_post', { post_id: post.id });
    await t.db.query(`UPDATE posts SET deleted_at = now() - interval '31 days' WHERE id = $1`, [post.id]);
    const before = await contentState(t.db, s.workspace.id);
    const expired = await s.tool('restore_post', { post_id: post.id });
    expect(expired.error).toMatchObject({ code: 'not_restorable' });
    expect(expired.error?.message).toMatch(/could be restored only until .* \(30 days\)/);
    expect(await contentState(t.db, s.workspace.id)).toEqual(before);
    expect(await auditOf(t.db, expired.requestId)).toEqual([
      expect.objectContaining({ outcome: 'error', error_code: 'not_restorable' }),
    ]);
  });

  it('refuses to change a post that is publishing or published, and changes nothing', async () => {
    const s = await setup();
    const post = (await s.tool('create_post', { text: 'Going out', social_account_ids: [s.linkedin.id, s.x.id] })).data;
    for (const status of ['publishing', 'published', 'unknown']) {
      await t.db.query(`UPDATE posts SET status = $2 WHERE id = $1`, [post.id, status]);
      const before = await contentState(t.db, s.workspace.id);
      const refused = await s.tool('update_post', { post_id: post.id, text: 'Edited' });
      expect([status, refused.error?.code]).toEqual([status, 'post_not_editable']);
      expect(refused.error?.message).toContain('create a new post');
      const rest = await s.rest('PATCH', `/api/v1/posts/${post.id}`, { social_account_ids: [s.x.id] });
      expect([rest.status, rest.body.error.code]).toEqual([409, 'post_not_editable']);
      expect(await contentState(t.db, s.workspace.id)).toEqual(before);
    }
    // A target alone being published freezes the post too.
    await t.db.query(`UPDATE posts SET status = 'ready' WHERE id = $1`, [post.id]);
    await t.db.query(`UPDATE post_targets SET status = 'published' WHERE post_id = $1 AND social_account_id = $2`, [
      post.id,
      s.x.id,
    ]);
    expect((await s.tool('update_post', { post_id: post.id, text: 'Edited' })).error).toMatchObject({
      code: 'post_not_editable',
    });
    await t.db.query(`UPDATE post_targets SET status = 'publishing' WHERE post_id = $1`, [post.id]);
    expect((await s.tool('delete_post', { post_id: post.id })).error).toMatchObject({ code: 'post_not_editable' });
    const [row] = await t.db.query(`SELECT text, version, deleted_at FROM posts WHERE id = $1`, [post.id]);
    expect(row).toEqual({ text: 'Going out', version: 1, deleted_at: null });
  });

  it('replays creates with the same idempotency key and refuses the key for other arguments', async () => {
    const s = await setup();
    const draft = await buildDraft(t.app, s.workspace.id, { social_account_ids: [s.linkedin.id] });
    const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
      ['create_post', { text: 'One', social_account_ids: [s.x.id] }, { text: 'Two', social_account_ids: [s.x.id] }],
      ['create_post_from_draft', { draft_id: draft.id }, { draft_id: draft.id, social_account_ids: [s.x.id] }],
    ];
    for (const [name, args, otherArgs] of cases) {
      const key = randomUUID();
      const first = await s.tool(name, { ...args, idempotency_key: key });
      const again = await s.tool(name, { ...args, idempotency_key: key });
      expect([name, again.data]).toEqual([name, { ...first.data, replayed: true }]);
      const clash = await s.tool(name, { ...otherArgs, idempotency_key: key });
      expect([name, clash.error?.code]).toEqual([name, 'idempotency_conflict']);
    }
    const header = { 'idempotency-key': randomUUID() };
    const body = { text: 'REST once', social_account_ids: [s.linkedin.id] };
    const made = await s.rest('POST', '/api/v1/posts', body, header);
    const replay = await s.rest('POST', '/api/v1/posts', body, header);
    expect([made.status, replay.status, replay.body.id]).toEqual([201, 200, made.body.id]);
    const fromDraftHeader = { 'idempotency-key': randomUUID() };
    const fd1 = await s.rest('POST', '/api/v1/posts/from-draft', { draft_id: draft.id }, fromDraftHeader);
    const fd2 = await s.rest('POST', '/api/v1/posts/from-draft', { draft_id: draft.id }, fromDraftHeader);
    expect([fd1.status, fd2.status, fd2.body.id, fd2.body.replayed]).toEqual([201, 200, fd1.body.id, true]);
    const clash = await s.rest('POST', '/api/v1/posts', { ...body, text: 'REST twice' }, header);
    expect([clash.status, clash.body.error.code]).toEqual([409, 'idempotency_conflict']);

    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM posts WHERE workspace_id = $1`, [s.workspace.id]);
    expect(n).toBe(4);
    const [{ d }] = await t.db.query(`SELECT count(*)::int AS d FROM drafts WHERE workspace_id = $1`, [s.workspace.id]);
    expect(d).toBe(1);
  });

  it('answers another workspace’s post, draft, account and media exactly like a missing one', async () => {
    const s = await setup();
    const other = await setup();
    const theirs = await buildPost(t.app, other.workspace.id, { social_account_ids: [other.linkedin.id] });
    const theirDraft = await buildDraft(t.app, other.workspace.id, { social_account_ids: [other.linkedin.id] });
    const before = await contentState(t.db, other.workspace.id);
    const mine = await contentState(t.db, s.workspace.id);
    const random = randomUUID();

    for (const [name, extra] of [
      ['get_post', {}],
      ['get_post_status', {}],
      ['update_post', { text: 'Mine' }],
      ['delete_post', {}],
      ['restore_post', {}],
      ['validate_post', {}],
    ] as const) {
      const foreign = await s.tool(name, { post_id: theirs.id, ...extra });
      const missing = await s.tool(name, { post_id: random, ...extra });
      expect([name, foreign.error]).toEqual([name, { code: 'not_found', message: 'post not found' }]);
      expect([name, missing.error]).toEqual([name, foreign.error]);
    }
    for (const path of [`/api/v1/posts/${theirs.id}`, `/api/v1/posts/${theirs.id}/status`]) {
      const foreign = await s.rest('GET', path);
      const missing = await s.rest('GET', path.replace(theirs.id, random));
      expect([foreign.status, foreign.body.error.message]).toEqual([missing.status, missing.body.error.message]);
      expect(foreign.status).toBe(404);
    }
    const fromDraft = await s.tool('create_post_from_draft', { draft_id: theirDraft.id });
    expect(fromDraft.error).toEqual({ code: 'not_found', message: 'draft not found' });
    expect((await s.tool('validate_post', { draft_id: theirDraft.id })).error).toEqual(fromDraft.error);

    const refs: [string, string, (id: string) => Record<string, unknown>][] = [
      ['account', other.x.id, (id) => ({ text: 'x', social_account_ids: [s.x.id, id] })],
      ['media', other.image.id, (id) => ({ text: 'x', social_account_ids: [s.x.id], media_ids: [id] })],
      ['campaign', other.campaign.id, (id) => ({ text: 'x', social_account_ids: [s.x.id], campaign_id: id })],
    ];
    for (const [what, foreignId, args] of refs) {
      const made = randomUUID();
      const foreign = await s.tool('create_post', args(foreignId));
      const missing = await s.tool('create_post', args(made));
      expect([what, foreign.error?.code]).toEqual([what, 'not_found']);
      expect(JSON.stringify(foreign.error).replaceAll(foreignId, 'ID')).toBe(
        JSON.stringify(missing.error).replaceAll(made, 'ID'),
      );
      const restForeign = await s.rest('POST', '/api/v1/posts', args(foreignId));
      const restMissing = await s.rest('POST', '/api/v1/posts', args(made));
      expect([restForeign.status, restForeign.body.error.code]).toEqual([restMissing.status, 'not_found']);
    }
    expect(await contentState(t.db, other.workspace.id)).toEqual(before);
    expect(await contentState(t.db, s.workspace.id)).toEqual(mine);
  });

  it('validate_post finds X length and Instagram media violations with rule ids, passes after a fix, writes nothing', async () => {
    const s = await setup();
    const long = `${'Spring sale on everything in store. '.repeat(9)}Ends Sunday.`;
    const post = (await s.tool('create_post', { text: long, social_account_ids: [s.x.id, s.instagram.id] })).data;
    const before = await contentState(t.db, s.workspace.id);

    const bad = await s.tool('validate_post', { post_id: post.id });
    expect(bad.data.valid).toBe(false);
    expect(bad.data.registry_version).toMatch(/^\d{4}-\d{2}-\d{2}\.\d+$/);
    const byPlatform = Object.fromEntries(
      (bad.data.results as { platform: string; violations: { rule_id: string }[] }[]).map((r) => [r.platform, r]),
    );
    expect(Object.keys(byPlatform).sort()).toEqual(['instagram', 'x']);
    expect(byPlatform.x.violations).toEqual([
      {
        rule_id: 'x.text.max_length',
        field: 'text',
        message: expect.stringContaining('280'),
        limit: 280,
        actual: long.length,
      },
    ]);
    expect(byPlatform.instagram.violations.map((v) => v.rule_id)).toEqual(['instagram.media.min_count']);

    const inline = await s.tool('validate_post', { text: long, platforms: ['x', 'linkedin'] });
    expect(inline.data).toMatchObject({
      valid: false,
      results: [
        { platform: 'x', valid: false, violations: [{ rule_id: 'x.text.max_length' }] },
        { platform: 'linkedin', valid: true, violations: [] },
      ],
    });

    const fixed = await s.tool('update_post', {
      post_id: post.id,
      variants: { x: { text: 'Spring sale: everything 20% off until Sunday.' } },
      media_ids: [s.image.id],
    });
    expect(fixed.error).toBeUndefined();
    const after = await contentState(t.db, s.workspace.id);
    const good = await s.tool('validate_post', { post_id: post.id });
    expect(good.data).toMatchObject({
      valid: true,
      results: [
        { platform: 'instagram', valid: true, violations: [] },
        { platform: 'x', valid: true, violations: [] },
      ],
    });
    expect(await contentState(t.db, s.workspace.id)).toEqual(after);
    expect(after.posts).toBe(before.posts);

    const premium = await buildSocialAccount(t.app, s.workspace.id, 'x', ['x_premium_long_posts']);
    const longForPremium = await s.tool('validate_post', { text: long, social_account_ids: [premium.id] });
    expect(longForPremium.data).toMatchObject({ valid: true, results: [{ platform: 'x', valid: true }] });
  });

  it('validate_post with draft_id needs drafts:read as well', async () => {
    const s = await setup(['posts:read', 'social_accounts:list']);
    const draft = await buildDraft(t.app, s.workspace.id, { text: 'Draft', social_account_ids: [s.x.id] });
    const refused = await s.tool('validate_post', { draft_id: draft.id });
    expect(refused.error).toMatchObject({
      code: 'insufficient_scope',
      details: [{ field: 'scope', issue: 'drafts:read' }],
    });
    expect(refused.error?.message).toContain('drafts:read');
    expect(await auditOf(t.db, refused.requestId)).toEqual([
      expect.objectContaining({ decision: 'denied', error_code: 'insufficient_scope' }),
    ]);
    const rest = await s.rest('POST', '/api/v1/posts/validate', { draft_id: draft.id }, { 'x-request-id': 'vd-rest' });
    expect([rest.status, rest.body.error.code]).toEqual([403, 'insufficient_scope']);

    const allowed = await setup(['posts:read', 'drafts:read']);
    const theirs = await buildDraft(t.app, allowed.workspace.id, { text: 'ok', social_account_ids: [allowed.x.id] });
    const ok = await allowed.tool('validate_post', { draft_id: theirs.id });
    expect(ok.data).toMatchObject({ valid: true });
    // The record says what the call needed, the scope its argument added included, allowed or not.
    const required = async (requestId: string) =>
      (
        await t.db.query<{ scopes_required: string[] }[]>(
          `SELECT scopes_required FROM audit_records WHERE correlation_id = $1
             AND (surface <> 'mcp' OR operation LIKE 'mcp tools/call %')`,
          [requestId],
        )
      ).map((r) => r.scopes_required);
    // Refused by the scopes guard before the service runs (no posts:read either): still both.
    const neither = await setup(['social_accounts:list']);
    const early = await neither.tool('validate_post', { draft_id: draft.id });
    expect(early.error?.code).toBe('insufficient_scope');
    const earlyRest = await neither.rest(
      'POST',
      '/api/v1/posts/validate',
      { draft_id: draft.id },
      {
        'x-request-id': 'vd-rest-early',
      },
    );
    expect(earlyRest.status).toBe(403);
    for (const id of [refused.requestId, 'vd-rest', ok.requestId, early.requestId, 'vd-rest-early'])
      expect([id, await required(id)]).toEqual([id, [['drafts:read', 'posts:read']]]);
  });

  it('refuses bad input naming the field, writes nothing, and audits the call as invalid', async () => {
    const s = await setup();
    const post = (await s.tool('create_post', { text: 'ok', social_account_ids: [s.x.id] })).data;
    const before = await contentState(t.db, s.workspace.id);
    const fiftyOne = Array.from({ length: 51 }, () => randomUUID());
    const cases: [string, Record<string, unknown>, string][] = [
      ['create_post', { text: 'x', social_account_ids: fiftyOne }, 'social_account_ids'],
      ['create_post', { text: 'x' }, 'social_account_ids'],
      ['create_post', { text: 'x', social_account_ids: [] }, 'social_account_ids'],
      ['create_post', { text: 'x', social_account_ids: [s.x.id], status: 'published' }, 'status'],
      ['create_post', { text: 'a'.repeat(63207), social_account_ids: [s.x.id] }, 'text'],
      ['create_post', { text: 'nul\u0000', social_account_ids: [s.x.id] }, 'text'],
      ['create_post', { text: ['x'], social_account_ids: [s.x.id] }, 'text'],
      ['create_post', { title: 't'.repeat(301), social_account_ids: [s.x.id] }, 'title'],
      ['update_post', { post_id: post.id, social_account_ids: fiftyOne }, 'social_account_ids'],
      ['update_post', { post_id: post.id, expected_version: 'one' }, 'expected_version'],
      ['list_posts', { created_after: '2026-13-01T00:00:00Z' }, 'created_after'],
      ['list_posts', { status: 'sent' }, 'status'],
      ['list_posts', { trashed: 'yes' }, 'trashed'],
      ['validate_post', { post_id: post.id, platforms: ['myspace'] }, 'platforms.0'],
      ['create_post_from_draft', { draft_id: 'draft-1' }, 'draft_id'],
    ];
    for (const [name, args, field] of cases) {
      const reply = await s.tool(name, args);
      expect([name, field, reply.error?.code]).toEqual([name, field, 'validation_failed']);
      expect([name, reply.error?.details?.map((d) => d.field)]).toEqual([name, expect.arrayContaining([field])]);
      expect(await auditOf(t.db, reply.requestId)).toEqual([
        expect.objectContaining({ decision: 'invalid', outcome: 'error', error_code: 'validation_failed' }),
      ]);
    }
    const ambiguous = await s.tool('validate_post', { post_id: post.id, text: 'and content' });
    expect(ambiguous.error).toMatchObject({ code: 'validation_failed' });
    const noTargets = await s.tool('validate_post', { text: 'where to?' });
    expect(noTargets.error).toMatchObject({ code: 'validation_failed', details: [{ field: 'platforms' }] });

    const restCases: [string, string, unknown, string][] = [
      ['POST', '/api/v1/posts', { text: 'x', social_account_ids: fiftyOne }, 'social_account_ids'],
      ['POST', '/api/v1/posts', { text: 'x' }, 'social_account_ids'],
      ['POST', '/api/v1/posts', { text: 'x', social_account_ids: [s.x.id], draft: true }, 'draft'],
      ['POST', '/api/v1/posts', { text: 'bell\u0007', social_account_ids: [s.x.id] }, 'text'],
      ['POST', '/api/v1/posts', { variants: { x: { text: 7 } }, social_account_ids: [s.x.id] }, 'variants.x.text'],
      ['PATCH', `/api/v1/posts/${post.id}`, { expected_version: 0 }, 'expected_version'],
      ['POST', '/api/v1/posts/from-draft', { draft_id: 'nope' }, 'draft_id'],
      ['POST', '/api/v1/posts/validate', { platforms: ['x'], media_ids: 'one' }, 'media_ids'],
      ['GET', '/api/v1/posts?created_after=tomorrow', undefined, 'created_after'],
      ['GET', '/api/v1/posts?trashed=maybe', undefined, 'trashed'],
    ];
    for (const [method, path, body, field] of restCases) {
      const reply = await s.rest(method, path, body);
      expect([path, field, reply.status, reply.body.error.code]).toEqual([path, field, 400, 'validation_failed']);
      expect(reply.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await auditOf(t.db, reply.requestId)).toEqual([
        expect.objectContaining({ decision: 'invalid', outcome: 'error' }),
      ]);
    }
    expect(await contentState(t.db, s.workspace.id)).toEqual(before);
  });
});
