import { randomUUID } from 'node:crypto';
import { buildWorkspaceWithKey } from '../factories';
import { buildCampaign, buildDraft, buildImage, buildSocialAccount } from '../factories/drafts-posts';
import { auditOf, callTool, contentState } from '../support/content-calls';
import { callRest } from '../support/rest-client';
import { useTestApp } from '../support/test-app';

const SCOPES = ['ai-publishing-assistant', 'drafts:delete'];

describe('drafts over MCP and REST', () => {
  jest.setTimeout(120_000);
  const t = useTestApp();

  /** A workspace with a key, a LinkedIn and an X account, a campaign and an image. */
  async function setup() {
    const { workspace, token, user, key } = await buildWorkspaceWithKey(t.app, {
      scopes: SCOPES,
      allowDirect: ['delete'],
    });
    const linkedin = await buildSocialAccount(t.app, workspace.id, 'linkedin');
    const x = await buildSocialAccount(t.app, workspace.id, 'x');
    const campaign = await buildCampaign(t.app, workspace.id);
    const image = await buildImage(t.app, workspace.id);
    const tool = (name: string, args: Record<string, unknown>) => callTool(t.url, token, name, args);
    const rest = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
      callRest(t.url, token, method, path, body, headers);
    return { workspace, token, user, key, linkedin, x, campaign, image, tool, rest };
  }

  it('creates, reads, lists, updates and deletes a draft with the MCP tools', async () => {
    const s = await setup();
    const created = await s.tool('create_draft', {
      text: 'Spring sale: 20% off everything.\nUntil Sunday.',
      title: '  Spring sale  ',
      link: 'https://example.com/sale',
      variants: { x: { text: 'Spring sale: 20% off #sale' } },
      media_ids: [s.image.id],
      social_account_ids: [s.linkedin.id],
      campaign_id: s.campaign.id,
      notes: 'Check with legal.',
    });
    expect(created.error).toBeUndefined();
    const draft = created.data;
    expect(draft).toEqual({
      id: expect.any(String),
      text: 'Spring sale: 20% off everything.\nUntil Sunday.',
      title: 'Spring sale',
      link: 'https://example.com/sale',
      variants: { x: { text: 'Spring sale: 20% off #sale' } },
      media_ids: [s.image.id],
      social_account_ids: [s.linkedin.id],
      campaign_id: s.campaign.id,
      notes: 'Check with legal.',
      version: 1,
      author: { user_id: s.user.id, client_id: null },
      created_at: expect.stringMatching(/Z$/),
      updated_at: expect.stringMatching(/Z$/),
      deleted_at: null,
      replayed: false,
    });
    const [row] = await t.db.query<{ author_key_id: string }[]>(`SELECT author_key_id FROM drafts WHERE id = $1`, [
      draft.id,
    ]);
    expect(row.author_key_id).toBe(s.key.id);
    expect(await auditOf(t.db, created.requestId)).toEqual([
      { operation: 'mcp tools/call create_draft', decision: 'allowed', outcome: 'ok', error_code: null },
    ]);

    const { replayed: _replayed, ...stored } = draft;
    expect((await s.tool('get_draft', { draft_id: draft.id })).data).toEqual(stored);

    const other = (await s.tool('create_draft', { text: 'For X', social_account_ids: [s.x.id] })).data;
    const all = (await s.tool('list_drafts', {})).data;
    expect(all.items.map((d: { id: string }) => d.id)).toEqual([other.id, draft.id]);
    expect(all.next_cursor).toBeNull();
    const paged = (await s.tool('list_drafts', { limit: 1 })).data;
    expect(paged.items.map((d: { id: string }) => d.id)).toEqual([other.id]);
    const rest = (await s.tool('list_drafts', { limit: 1, cursor: paged.next_cursor })).data;
    expect(rest.items.map((d: { id: string }) => d.id)).toEqual([draft.id]);
    const ids = async (args: Record<string, unknown>) =>
      ((await s.tool('list_drafts', args)).data.items as { id: string }[]).map((d) => d.id);
    expect(await ids({ campaign_id: s.campaign.id })).toEqual([draft.id]);
    expect(await ids({ platform: 'x' })).toEqual([other.id]);
    expect(await ids({ platform: 'instagram' })).toEqual([]);
    expect(await ids({ created_after: draft.created_at })).toEqual([other.id, draft.id]);
    expect(await ids({ created_before: draft.created_at })).toEqual([]);
    expect(await ids({ created_after: '2000-01-01T00:00:00+02:00', created_before: other.created_at })).toEqual([
      draft.id,
    ]);

    const updated = await s.tool('update_draft', {
      draft_id: draft.id,
      text: 'Spring sale starts now.',
      title: null,
      campaign_id: null,
      expected_version: 1,
    });
    expect(updated.data).toMatchObject({
      text: 'Spring sale starts now.',
      title: null,
      campaign_id: null,
      link: 'https://example.com/sale',
      version: 2,
    });
    const stale = await s.tool('update_draft', { draft_id: draft.id, text: 'Lost edit', expected_version: 1 });
    expect(stale.error).toMatchObject({ code: 'conflict', details: [{ field: 'expected_version' }] });
    expect(stale.error?.message).toContain('version 2');
    expect((await s.tool('get_draft', { draft_id: draft.id })).data).toMatchObject({
      text: 'Spring sale starts now.',
      version: 2,
    });

    const deleted = await s.tool('delete_draft', { draft_id: draft.id });
    expect(deleted.data.deleted_at).toEqual(expect.stringMatching(/Z$/));
    expect((await s.tool('get_draft', { draft_id: draft.id })).error).toMatchObject({ code: 'not_found' });
    expect(await ids({})).toEqual([other.id]);
    const [kept] = await t.db.query<{ deleted_at: Date | null }[]>(`SELECT deleted_at FROM drafts WHERE id = $1`, [
      draft.id,
    ]);
    expect(kept.deleted_at).toBeInstanceOf(Date);
  });

  it('serves the same over REST', async () => {
    const s = await setup();
    const created = await s.rest('POST', '/api/v1/drafts', {
      text: 'Hello from REST',
      variants: { linkedin: { title: 'A longer title for LinkedIn' } },
      social_account_ids: [s.linkedin.id],
    });
    expect([created.status, created.body.error]).toEqual([201, undefined]);
    expect(created.body).toMatchObject({
      text: 'Hello from REST',
      variants: { linkedin: { title: 'A longer title for LinkedIn' } },
      social_account_ids: [s.linkedin.id],
      version: 1,
      replayed: false,
    });
    const id = created.body.id as string;
    const one = await s.rest('GET', `/api/v1/drafts/${id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id, title: null, campaign_id: null, notes: null });
    const list = await s.rest('GET', `/api/v1/drafts?platform=linkedin&limit=10`);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [expect.objectContaining({ id })], next_cursor: null });

    const patched = await s.rest('PATCH', `/api/v1/drafts/${id}`, { notes: 'Looks good', expected_version: 1 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ notes: 'Looks good', version: 2 });
    const stale = await s.rest('PATCH', `/api/v1/drafts/${id}`, { notes: 'Too late', expected_version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'conflict' });

    const deleted = await s.rest('DELETE', `/api/v1/drafts/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.deleted_at).toEqual(expect.any(String));
    expect((await s.rest('GET', `/api/v1/drafts/${id}`)).status).toBe(404);
    expect((await s.rest('GET', `/api/v1/drafts/not-a-uuid`)).body.error).toMatchObject({
      code: 'validation_failed',
      details: [{ field: 'id' }],
    });
  });

  it('replays a create with the same idempotency key and refuses the key for other arguments', async () => {
    const s = await setup();
    const key = randomUUID();
    const first = await s.tool('create_draft', { text: 'Once', idempotency_key: key });
    const again = await s.tool('create_draft', { text: 'Once', idempotency_key: key });
    expect(again.data).toEqual({ ...first.data, replayed: true });
    const clash = await s.tool('create_draft', { text: 'Twice', idempotency_key: key });
    expect(clash.error).toMatchObject({ code: 'idempotency_conflict', details: [{ field: 'idempotency_key' }] });

    const header = { 'idempotency-key': `rest-${randomUUID()}` };
    const made = await s.rest('POST', '/api/v1/drafts', { text: 'Via REST' }, header);
    const replay = await s.rest('POST', '/api/v1/drafts', { text: 'Via REST' }, header);
    expect([made.status, replay.status]).toEqual([201, 200]);
    expect(replay.body).toEqual({ ...made.body, replayed: true });
    const refused = await s.rest('POST', '/api/v1/drafts', { text: 'Something else' }, header);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'idempotency_conflict']);
    const badKey = await s.rest('POST', '/api/v1/drafts', { text: 'x' }, { 'idempotency-key': 'has spaces' });
    expect(badKey.body.error).toMatchObject({ code: 'validation_failed', details: [{ field: 'Idempotency-Key' }] });

    const [{ n }] = await t.db.query<{ n: string }[]>(`SELECT count(*) AS n FROM drafts WHERE workspace_id = $1`, [
      s.workspace.id,
    ]);
    expect(Number(n)).toBe(2);
  });

  it('answers another workspace’s draft, account, media and campaign exactly like a missing one', async () => {
    const s = await setup();
    const other = await setup();
    const foreignDraft = await buildDraft(t.app, other.workspace.id, { text: 'Theirs' });
    const before = await contentState(t.db, other.workspace.id);
    const mine = await contentState(t.db, s.workspace.id);

    for (const name of ['get_draft', 'delete_draft']) {
      const foreign = await s.tool(name, { draft_id: foreignDraft.id });
      const missing = await s.tool(name, { draft_id: randomUUID() });
      expect([name, foreign.error]).toEqual([name, { code: 'not_found', message: 'draft not found' }]);
      expect(missing.error).toEqual(foreign.error);
    }
    const update = await s.tool('update_draft', { draft_id: foreignDraft.id, text: 'Mine now' });
    expect(update.error).toEqual({ code: 'not_found', message: 'draft not found' });
    expect((await s.rest('GET', `/api/v1/drafts/${foreignDraft.id}`)).status).toBe(404);

    // A foreign id inside a create is refused like a made-up one: same code, same message bar the id.
    const refs: [string, Record<string, unknown>, (id: string) => Record<string, unknown>][] = [
      ['social_account_ids', { social_account_ids: [other.linkedin.id] }, (id) => ({ social_account_ids: [id] })],
      ['media_ids', { media_ids: [other.image.id] }, (id) => ({ media_ids: [id] })],
      ['campaign_id', { campaign_id: other.campaign.id }, (id) => ({ campaign_id: id })],
    ];
    for (const [field, foreignArgs, missingArgs] of refs) {
      const foreign = await s.tool('create_draft', { text: 'x', ...foreignArgs });
      const random = randomUUID();
      const missing = await s.tool('create_draft', { text: 'x', ...missingArgs(random) });
      const foreignId = JSON.stringify(foreignArgs).match(/[0-9a-f-]{36}/)![0];
      expect([field, foreign.error?.code]).toEqual([field, 'not_found']);
      expect(JSON.stringify(foreign.error).replaceAll(foreignId, 'ID')).toBe(
        JSON.stringify(missing.error).replaceAll(random, 'ID'),
      );
    }
    expect(await contentState(t.db, other.workspace.id)).toEqual(before);
    expect(await contentState(t.db, s.workspace.id)).toEqual(mine);
  });

  it('refuses a REST body in any type but JSON with 415, audits it as invalid and changes nothing', async () => {
    const s = await setup();
    const draft = await s.rest('POST', '/api/v1/drafts', { text: 'kept' });
    expect(draft.status).toBe(201);
    const before = await contentState(t.db, s.workspace.id);
    const send = async (
      method: string,
      path: string,
      body: RequestInit['body'],
      headers: Record<string, string> = {},
    ) => {
      const requestId = `type-${randomUUID()}`;
      const res = await fetch(`${t.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${s.token}`, 'x-request-id': requestId, ...headers },
        body,
      });
      return { requestId, status: res.status, body: (await res.json()) as { error?: { code: string } } };
    };
    const json = JSON.stringify({ text: 'x' });
    const form = new FormData();
    form.append('text', 'x');
    const cases: [string, () => ReturnType<typeof send>][] = [
      ['text/plain', () => send('POST', '/api/v1/drafts', json, { 'content-type': 'text/plain' })],
      // A byte body goes without Content-Type at all.
      ['none', () => send('POST', '/api/v1/drafts', new TextEncoder().encode(json))],
      ['multipart', () => send('POST', '/api/v1/drafts', form)],
      ['urlencoded', () => send('PATCH', `/api/v1/drafts/${draft.body.id}`, new URLSearchParams({ text: 'changed' }))],
      [
        'json-ish',
        () => send('PATCH', `/api/v1/drafts/${draft.body.id}`, json, { 'content-type': 'application/jsonx' }),
      ],
    ];
    for (const [name, call] of cases) {
      const r = await call();
      expect([name, r.status, r.body.error?.code]).toEqual([name, 415, 'unsupported_media_type']);
      expect([name, await auditOf(t.db, r.requestId)]).toEqual([
        name,
        [expect.objectContaining({ decision: 'invalid', outcome: 'error', error_code: 'unsupported_media_type' })],
      ]);
    }
    expect(await contentState(t.db, s.workspace.id)).toEqual(before);

    // JSON with its charset is read; a POST without a body needs no type.
    const typed = await send('PATCH', `/api/v1/drafts/${draft.body.id}`, json, {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(typed.status).toBe(200);
    const bodiless = await send('POST', `/api/v1/posts/${randomUUID()}/restore`, new Uint8Array());
    expect([bodiless.status, bodiless.body.error?.code]).toEqual([404, 'not_found']);
  });

  it('refuses bad input naming the field, writes nothing, and audits the call as invalid', async () => {
    const s = await setup();
    const before = await contentState(t.db, s.workspace.id);
    const targets = Array.from({ length: 51 }, () => randomUUID());
    const toolCases: [Record<string, unknown>, string][] = [
      [{ text: 'x', colour: 'red' }, 'colour'],
      [{ text: 'a'.repeat(63207) }, 'text'],
      [{ text: 'bell\u0007' }, 'text'],
      [{ title: 'two\nlines' }, 'title'],
      [{ text: 42 }, 'text'],
      [{ link: 'http://example.com' }, 'link'],
      [{ social_account_ids: targets }, 'social_account_ids'],
      [{ social_account_ids: 'not-a-list' }, 'social_account_ids'],
      [{ media_ids: ['nope'] }, 'media_ids.0'],
      [{ notes: 'n'.repeat(5001) }, 'notes'],
      [{ variants: { myspace: { text: 'hi' } } }, 'variants.myspace'],
      [{ variants: { x: { text: 'hi', colour: 'red' } } }, 'variants.x.colour'],
      [{ idempotency_key: 'has spaces' }, 'idempotency_key'],
      // Names every object has through its prototype are unknown properties like any other.
      [{ text: 'v', variants: { toString: { text: 'p' } } }, 'variants.toString'],
      [
        JSON.parse('{"text":"v","variants":{"__proto__":{"text":"p"}}}') as Record<string, unknown>,
        'variants.__proto__',
      ],
      [JSON.parse('{"__proto__":{"text":"p"}}') as Record<string, unknown>, '__proto__'],
    ];
    for (const [args, field] of toolCases) {
      const reply = await s.tool('create_draft', args);
      expect([field, reply.error?.code]).toEqual([field, 'validation_failed']);
      expect(reply.error?.details?.map((d) => d.field)).toContain(field);
      expect(await auditOf(t.db, reply.requestId)).toEqual([
        expect.objectContaining({ decision: 'invalid', outcome: 'error', error_code: 'validation_failed' }),
      ]);
    }
    const listCase = await s.tool('list_drafts', { created_after: 'yesterday' });
    expect(listCase.error?.details?.map((d) => d.field)).toEqual(['created_after']);
    const emptyWindow = await s.tool('list_drafts', {
      created_after: '2026-01-02T00:00:00Z',
      created_before: '2026-01-01T00:00:00Z',
    });
    expect(emptyWindow.error).toMatchObject({ code: 'validation_failed', details: [{ field: 'created_after' }] });
    const duplicate = randomUUID();
    const twice = await s.tool('create_draft', { social_account_ids: [duplicate, duplicate] });
    expect(twice.error).toMatchObject({ code: 'validation_failed', details: [{ field: 'social_account_ids.1' }] });
    const nothing = await s.tool('update_draft', { draft_id: randomUUID() });
    expect(nothing.error).toMatchObject({ code: 'validation_failed' });

    const restCases: [unknown, string][] = [
      [{ text: 'x', colour: 'red' }, 'colour'],
      [{ text: 'a'.repeat(63207) }, 'text'],
      [{ text: 'bell\u0007' }, 'text'],
      [{ text: 42 }, 'text'],
      [{ social_account_ids: targets }, 'social_account_ids'],
      [{ variants: { x: { text: 'hi', colour: 'red' } } }, 'variants.x.colour'],
      [{ variants: { myspace: { text: 'hi' } } }, 'variants.myspace'],
      [{ variants: { x: { link: 'ftp://example.com' } } }, 'variants.x.link'],
      [{ title: '   ' }, 'title'],
      // Names every object has through its prototype are unknown properties like any other.
      [{ text: 'v', variants: { toString: { text: 'p' } } }, 'variants.toString'],
      [{ text: 'v', variants: { constructor: { text: 'p' } } }, 'variants.constructor'],
      [{ text: 'v', variants: { hasOwnProperty: { text: 'p' } } }, 'variants.hasOwnProperty'],
      [{ text: 'v', variants: { x: { valueOf: 'p' } } }, 'variants.x.valueOf'],
      ['{"text":"v","variants":{"__proto__":{"text":"p"}}}', 'variants.__proto__'],
      ['{"__proto__":{"text":"p"}}', '__proto__'],
      [{ prototype: { text: 'p' } }, 'prototype'],
    ];
    for (const [body, field] of restCases) {
      const reply = await s.rest('POST', '/api/v1/drafts', body);
      expect([field, reply.status, reply.body.error?.code]).toEqual([field, 400, 'validation_failed']);
      expect(reply.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await auditOf(t.db, reply.requestId)).toEqual([
        expect.objectContaining({ decision: 'invalid', outcome: 'error' }),
      ]);
    }
    for (const name of ['__proto__', 'constructor', 'toString']) {
      const reply = await s.rest('GET', `/api/v1/drafts?${name}=x`);
      expect([name, reply.status, reply.body.error?.details]).toEqual([
        name,
        400,
        [{ field: name, issue: `property ${name} should not exist` }],
      ]);
    }
    const badQuery = await s.rest('GET', '/api/v1/drafts?created_before=2026-02-30T00:00:00Z&limit=500');
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'created_before',
      'limit',
    ]);
    expect(await contentState(t.db, s.workspace.id)).toEqual(before);
  });
});
