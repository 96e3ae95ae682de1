import { spawnSync } from 'node:child_process';
import Redis from 'ioredis';
import { PlatformConnectors } from '../../src/publishing/connectors/platform-connectors';
import { PUBLISH_JOB, PublishRunner } from '../../src/domain/posts/publishing/publish-runner.service';
import { PUBLISHING_QUEUE, type PublishingQueue } from '../../src/publishing/publishing-queue';
import { buildWorkspaceWithKey } from '../factories';
import { buildImage, buildPost, buildSocialAccount } from '../factories/drafts-posts';
import { auditOf, callTool } from '../support/content-calls';
import { NetworkDouble } from '../support/network-double';
import { cleanEnv, freePort, startProcess, waitFor, type Server } from '../support/processes';
import { callRest } from '../support/rest-client';
import { startTestApp, useTestApp, type SharedTestApp } from '../support/test-app';
import { testConfig } from '../support/test-config';

/** With Redis, a private database: other suites' apps share db 0 and would take these jobs. */
function privateRedis(): NodeJS.ProcessEnv {
  if (!process.env.REDIS_URL) return {};
  const url = new URL(process.env.REDIS_URL);
  url.pathname = '/11';
  return { REDIS_URL: url.toString() };
}

describe('scheduling and publishing (MCP and REST)', () => {
  const t = useTestApp(() => startTestApp(testConfig(privateRedis())));
  const linkedin = new NetworkDouble('linkedin');
  const x = new NetworkDouble('x');
  beforeAll(() => {
    t.app.get(PlatformConnectors).register(linkedin);
    t.app.get(PlatformConnectors).register(x);
  });

  /** A workspace whose policy lets keys schedule and publish directly, with a LinkedIn and an X account. */
  async function setup(options: { allow?: boolean; text?: string } = {}) {
    const { workspace, token } = await buildWorkspaceWithKey(t.app, {
      allowDirect: options.allow === false ? undefined : ['schedule', 'publish', 'delete'],
      scopes: ['ai-publishing-assistant', 'posts:delete'],
    });
    const li = await buildSocialAccount(t.app, workspace.id, 'linkedin');
    const xa = await buildSocialAccount(t.app, workspace.id, 'x');
    const post = await buildPost(t.app, workspace.id, {
      text: options.text ?? 'Our spring sale starts today: 20% off everything until Sunday.',
      variants: { x: { text: 'Spring sale: 20% off' } },
      social_account_ids: [li.id, xa.id],
    });
    return { workspace, token, li, xa, post };
  }

  const status = async (token: string, postId: string) =>
    (await callTool(t.url, token, 'get_post_status', { post_id: postId })).data;
  const until = (token: string, postId: string, want: (s: any) => boolean, what: string) =>
    waitFor(
      async () => {
        const s = await status(token, postId);
        return want(s) ? s : undefined;
      },
      15_000,
      what,
    );
  const targetIdsOf = new Map<string, string[]>();
  async function rememberTargets(postId: string) {
    const rows = await t.db.query<{ id: string }[]>(`SELECT id FROM post_targets WHERE post_id = $1`, [postId]);
    targetIdsOf.set(
      postId,
      rows.map((r) => r.id),
    );
  }
  const postsOf = (double: NetworkDouble, postId: string) =>
    double.posts.filter((p) => targetIdsOf.get(postId)?.includes(p.request.targetId)).length;
  const callsFor = (double: NetworkDouble, postId: string) =>
    double.calls.filter((c) => targetIdsOf.get(postId)?.includes(c.targetId)).length;

  it('publish_post sends each target once, with its platform variant, and shows where it landed', async () => {
    const { token, post, workspace } = await setup();
    await rememberTargets(post.id);
    const reply = await callTool(t.url, token, 'publish_post', { post_id: post.id });
    expect(reply.error).toBeUndefined();
    expect(reply.data).toMatchObject({ status: 'scheduled', replayed: false, version: post.version + 1 });

    const done = await until(token, post.id, (s) => s.status === 'published', 'post published');
    for (const target of done.targets) {
      expect(target).toMatchObject({ status: 'published', error: null });
      expect(target.external_url).toMatch(new RegExp(`^https://${target.platform}\\.example/posts/`));
    }
    expect(callsFor(linkedin, post.id)).toBe(1);
    expect(callsFor(x, post.id)).toBe(1);
    const sentToX = x.calls.find((c) => targetIdsOf.get(post.id)?.includes(c.targetId));
    expect(sentToX?.text).toBe('Spring sale: 20% off');
    expect(postsOf(linkedin, post.id)).toBe(1);

    // Every step the system took is in the workspace's trail, on the worker surface.
    const steps = await t.db.query<{ operation: string }[]>(
      `SELECT operation FROM audit_records WHERE workspace_id = $1 AND surface = 'worker' ORDER BY id`,
      [workspace.id],
    );
    expect(steps.map((s) => s.operation).sort()).toEqual([
      'job publish-target claim',
      'job publish-target claim',
      'job publish-target published',
      'job publish-target published',
    ]);
  });

  it('schedule_post publishes at publish_at, not before; cancel_post stops one that is not due', async () => {
    const { token, post } = await setup();
    const later = await setup();
    await rememberTargets(post.id);
    await rememberTargets(later.post.id);
    // Far enough ahead for three tool calls, each a whole MCP session, on a busy machine: a time
    // already past is refused, and the second post must be cancelled before it is due.
    const at = new Date(Date.now() + 6000);
    const reply = await callTool(t.url, token, 'schedule_post', { post_id: post.id, publish_at: at.toISOString() });
    expect(reply.data).toMatchObject({ status: 'scheduled', scheduled_at: at.toISOString() });
    const cancelled = await callTool(t.url, later.token, 'schedule_post', {
      post_id: later.post.id,
      publish_at: at.toISOString(),
    });
    expect(cancelled.data.status).toBe('scheduled');
    expect((await callTool(t.url, later.token, 'cancel_post', { post_id: later.post.id })).data.status).toBe(
      'cancelled',
    );
    expect(callsFor(linkedin, post.id)).toBe(0);

    await until(token, post.id, (s) => s.status === 'published', 'scheduled post published');
    const sentAt = [...linkedin.calls, ...x.calls].filter((c) => targetIdsOf.get(post.id)?.includes(c.targetId));
    expect(sentAt).toHaveLength(2);
    for (const call of sentAt) expect(call.at).toBeGreaterThanOrEqual(at.getTime());
    await new Promise((r) => setTimeout(r, 500));
    expect(callsFor(linkedin, later.post.id) + callsFor(x, later.post.id)).toBe(0);
    expect((await status(later.token, later.post.id)).status).toBe('cancelled');
    // A cancelled post can be edited again.
    const edit = await callTool(t.url, later.token, 'update_post', { post_id: later.post.id, text: 'New text' });
    expect(edit.error).toBeUndefined();
  });

  it('a scheduled post cannot be edited or trashed until it is cancelled', async () => {
    const { token, post } = await setup();
    const at = new Date(Date.now() + 3600_000).toISOString();
    await callTool(t.url, token, 'schedule_post', { post_id: post.id, publish_at: at });
    const edit = await callTool(t.url, token, 'update_post', { post_id: post.id, text: 'Changed' });
    expect(edit.error).toMatchObject({ code: 'post_not_editable' });
    expect(edit.error?.message).toContain('cancel_post');
    const trash = await callTool(t.url, token, 'delete_post', { post_id: post.id });
    expect(trash.error).toMatchObject({ code: 'post_not_editable' });
    expect((await callTool(t.url, token, 'cancel_post', { post_id: post.id })).data.status).toBe('cancelled');
  });

  it('under the default policy, keys get approval_required and nothing changes', async () => {
    const { token, post } = await setup({ allow: false });
    await rememberTargets(post.id);
    for (const [name, args] of [
      ['publish_post', { post_id: post.id }],
      ['schedule_post', { post_id: post.id, publish_at: new Date(Date.now() + 60_000).toISOString() }],
    ] as const) {
      const reply = await callTool(t.url, token, name, args);
      expect(reply.error).toMatchObject({ code: 'approval_required' });
      expect(await auditOf(t.db, reply.requestId)).toEqual([
        expect.objectContaining({ decision: 'denied', error_code: 'approval_required' }),
      ]);
    }
    expect((await status(token, post.id)).status).toBe('ready');
  });

  it('refuses content that breaks a platform rule, naming each violation, and changes nothing', async () => {
    const { token, post } = await setup({ text: 'a'.repeat(300) });
    await t.db.query(`UPDATE posts SET overrides = '{}' WHERE id = $1`, [post.id]);
    const reply = await callTool(t.url, token, 'publish_post', { post_id: post.id });
    expect(reply.error?.code).toBe('rules_violated');
    expect(reply.error?.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'x.text', issue: expect.stringContaining('x.text') })]),
    );
    const after = await status(token, post.id);
    expect(after).toMatchObject({ status: 'ready', version: post.version });
  });

  it('refuses targets it cannot publish to: an inactive account, a platform without a connector', async () => {
    const { token, post, li, workspace } = await setup();
    await t.db.query(`UPDATE social_accounts SET status = 'disconnected' WHERE id = $1`, [li.id]);
    const inactive = await callTool(t.url, token, 'publish_post', { post_id: post.id });
    expect(inactive.error?.code).toBe('target_unavailable');
    expect(inactive.error?.message).toContain(`${li.id} is disconnected`);

    const pin = await buildSocialAccount(t.app, workspace.id, 'pinterest');
    const other = await buildPost(t.app, workspace.id, { text: 'Pin me', social_account_ids: [pin.id] });
    const noConnector = await callTool(t.url, token, 'publish_post', { post_id: other.id });
    expect(noConnector.error?.code).toBe('target_unavailable');
    expect(noConnector.error?.message).toContain('no pinterest connector');
    expect((await status(token, other.id)).status).toBe('ready');
  });

  it('replays a repeated publish_post with the same key, and refuses the key with another payload', async () => {
    const { token, post } = await setup();
    await rememberTargets(post.id);
    const first = await callTool(t.url, token, 'publish_post', { post_id: post.id, idempotency_key: 'pub-1' });
    const again = await callTool(t.url, token, 'publish_post', { post_id: post.id, idempotency_key: 'pub-1' });
    expect(again.data).toEqual({ ...first.data, replayed: true });
    const other = await callTool(t.url, token, 'publish_post', {
      post_id: post.id,
      idempotency_key: 'pub-1',
      expected_version: 1,
    });
    expect(other.error?.code).toBe('idempotency_conflict');
    await until(token, post.id, (s) => s.status === 'published', 'published');
    expect(callsFor(linkedin, post.id)).toBe(1);
  });

  it('a lost answer is confirmed with the network before anything is sent again: one post', async () => {
    const { token, post } = await setup();
    await rememberTargets(post.id);
    linkedin.behave('lost-answer');
    await callTool(t.url, token, 'publish_post', { post_id: post.id });
    await until(token, post.id, (s) => s.status === 'unknown', 'outcome unknown');
    const runner = t.app.get(PublishRunner);
    await runner.sweep();
    expect((await status(token, post.id)).status).toBe('unknown'); // too early to ask the network

    await t.db.query(`UPDATE post_targets SET updated_at = now() - interval '2 minutes' WHERE post_id = $1`, [post.id]);
    await runner.sweep();
    const done = await until(token, post.id, (s) => s.status === 'published', 'confirmed published');
    expect(done.targets.every((tg: { external_url: string }) => tg.external_url)).toBe(true);
    expect(callsFor(linkedin, post.id)).toBe(1);
    expect(postsOf(linkedin, post.id)).toBe(1);
  });

  it('a request that never arrived is retried after the network confirms it has nothing', async () => {
    const { token, post } = await setup();
    await rememberTargets(post.id);
    linkedin.behave('lost-request');
    await callTool(t.url, token, 'publish_post', { post_id: post.id });
    await until(token, post.id, (s) => s.status === 'unknown', 'outcome unknown');
    await t.db.query(`UPDATE post_targets SET updated_at = now() - interval '2 minutes' WHERE post_id = $1`, [post.id]);
    const runner = t.app.get(PublishRunner);
    await runner.sweep();
    const retry = await status(token, post.id);
    const li = retry.targets.find((tg: { platform: string }) => tg.platform === 'linkedin');
    expect(li).toMatchObject({ status: 'scheduled', error: { code: 'not_published' } });
    // The retry waits a while; bring it forward rather than wait.
    await t.db.query(`UPDATE post_targets SET scheduled_at = now() WHERE post_id = $1 AND status = 'scheduled'`, [
      post.id,
    ]);
    await runner.sweep();
    await until(token, post.id, (s) => s.status === 'published', 'published on retry');
    expect(callsFor(linkedin, post.id)).toBe(2);
    expect(postsOf(linkedin, post.id)).toBe(1);
  });

  it('a clear refusal fails the target with the network’s reason; the post is failed', async () => {
    const { token, post } = await setup();
    await rememberTargets(post.id);
    x.behave('reject');
    await callTool(t.url, token, 'publish_post', { post_id: post.id });
    const done = await until(token, post.id, (s) => s.status === 'failed', 'failed');
    const byPlatform = Object.fromEntries(done.targets.map((tg: { platform: string }) => [tg.platform, tg]));
    expect(byPlatform.x).toMatchObject({ status: 'failed', error: { code: 'duplicate_content' } });
    expect(byPlatform.linkedin).toMatchObject({ status: 'published' });
    expect(callsFor(x, post.id)).toBe(1);
  });

  it('an attempt held past its lease becomes unknown; a late success stops the retry: sent once', async () => {
    const { token, post } = await setup();
    await rememberTargets(post.id);
    const runner = t.app.get(PublishRunner);
    linkedin.behave('hang');
    await callTool(t.url, token, 'publish_post', { post_id: post.id });
    await waitFor(() => Promise.resolve(callsFor(linkedin, post.id) ? true : undefined), 10_000, 'attempt started');
    await t.db.query(
      `UPDATE post_targets SET lease_expires_at = now() - interval '1 second' WHERE post_id = $1 AND status = 'publishing'`,
      [post.id],
    );
    await runner.sweep();
    expect((await status(token, post.id)).status).toBe('unknown');
    // The network has nothing yet (the request is still on its way): a retry is planned...
    await t.db.query(`UPDATE post_targets SET updated_at = now() - interval '2 minutes' WHERE post_id = $1`, [post.id]);
    await runner.sweep();
    const planned = (await status(token, post.id)).targets.find(
      (tg: { platform: string }) => tg.platform === 'linkedin',
    );
    expect(planned).toMatchObject({ status: 'scheduled', error: { code: 'not_published' } });
    // ...then the first attempt's answer arrives: it wins, and the retry never goes out.
    linkedin.release();
    await until(token, post.id, (s) => s.status === 'published', 'late answer recorded');
    await t.db.query(`UPDATE post_targets SET scheduled_at = now() WHERE post_id = $1`, [post.id]);
    await runner.sweep();
    await new Promise((r) => setTimeout(r, 500));
    expect(callsFor(linkedin, post.id)).toBe(1);
    expect(postsOf(linkedin, post.id)).toBe(1);
  });

  it('retries a refusal the network calls temporary, and fails after the last attempt', async () => {
    const { token, post } = await setup();
    await rememberTargets(post.id);
    const runner = t.app.get(PublishRunner);
    linkedin.behave('reject-retryable', 'reject-retryable', 'reject-retryable');
    await callTool(t.url, token, 'publish_post', { post_id: post.id });
    for (let attempt = 1; attempt < 3; attempt++) {
      await waitFor(
        () => Promise.resolve(callsFor(linkedin, post.id) === attempt ? true : undefined),
        10_000,
        `attempt ${attempt}`,
      );
      await until(
        token,
        post.id,
        (s) => s.targets.some((tg: any) => tg.platform === 'linkedin' && tg.status === 'scheduled' && tg.error),
        `retry ${attempt} planned`,
      );
      await t.db.query(`UPDATE post_targets SET scheduled_at = now() WHERE post_id = $1 AND status = 'scheduled'`, [
        post.id,
      ]);
      await runner.sweep();
    }
    const done = await until(token, post.id, (s) => s.status === 'failed', 'failed after 3 attempts');
    expect(done.targets.find((tg: { platform: string }) => tg.platform === 'linkedin')).toMatchObject({
      status: 'failed',
      error: { code: 'network_busy' },
    });
    expect(callsFor(linkedin, post.id)).toBe(3);
    expect(postsOf(linkedin, post.id)).toBe(0);
  });

  it('cancel_post stops a retry while the targets already published stay published', async () => {
    const { token, post } = await setup();
    await rememberTargets(post.id);
    linkedin.behave('reject-retryable');
    await callTool(t.url, token, 'publish_post', { post_id: post.id });
    await until(
      token,
      post.id,
      (s) =>
        s.targets.some((tg: any) => tg.platform === 'linkedin' && tg.status === 'scheduled' && tg.error) &&
        s.targets.some((tg: any) => tg.platform === 'x' && tg.status === 'published'),
      'x published, linkedin waiting to retry',
    );
    const cancelled = await callTool(t.url, token, 'cancel_post', { post_id: post.id });
    expect(cancelled.data.status).toBe('published');
    expect(cancelled.data.targets.map((tg: { platform: string; status: string }) => [tg.platform, tg.status])).toEqual([
      ['linkedin', 'cancelled'],
      ['x', 'published'],
    ]);
    const again = await callTool(t.url, token, 'cancel_post', { post_id: post.id });
    expect(again.error).toMatchObject({ code: 'post_not_schedulable' });
    expect(callsFor(linkedin, post.id)).toBe(1);
  });

  it('two instances running the same due targets at the same moment publish each once', async () => {
    const { token, post } = await setup();
    await rememberTargets(post.id);
    const rival = await startTestApp(testConfig(privateRedis()));
    try {
      const rivalLinkedin = new NetworkDouble('linkedin');
      const rivalX = new NetworkDouble('x');
      rival.app.get(PlatformConnectors).register(rivalLinkedin);
      rival.app.get(PlatformConnectors).register(rivalX);
      // Due now, and on nobody's queue yet: then both instances get a job for each target at once.
      await t.db.query(`UPDATE post_targets SET status = 'scheduled', scheduled_at = now() WHERE post_id = $1`, [
        post.id,
      ]);
      await t.db.query(`UPDATE posts SET status = 'scheduled', scheduled_at = now() WHERE id = $1`, [post.id]);
      const jobs = (targetIdsOf.get(post.id) ?? []).flatMap((targetId) =>
        [t.app, rival.app].map((app, i) =>
          app
            .get<PublishingQueue>(PUBLISHING_QUEUE)
            .enqueue({ id: `race-${targetId}-${i}`, name: PUBLISH_JOB, data: { targetId } }),
        ),
      );
      await Promise.all(jobs);
      await until(token, post.id, (st) => st.status === 'published', 'published');
      await new Promise((r) => setTimeout(r, 500));
      const sent = (double: NetworkDouble) =>
        double.calls.filter((c) => targetIdsOf.get(post.id)?.includes(c.targetId)).length;
      expect(sent(linkedin) + sent(rivalLinkedin)).toBe(1);
      expect(sent(x) + sent(rivalX)).toBe(1);
    } finally {
      await rival.close();
    }
  });

  it('fails a due target it may no longer send: account disconnected or media deleted since scheduling', async () => {
    const { token, post, li, workspace, xa } = await setup();
    const image = await buildImage(t.app, workspace.id);
    const withImage = await buildPost(t.app, workspace.id, {
      text: 'With a picture',
      media_ids: [image.id],
      social_account_ids: [xa.id],
    });
    await rememberTargets(post.id);
    await rememberTargets(withImage.id);
    const at = new Date(Date.now() + 3600_000).toISOString();
    for (const id of [post.id, withImage.id]) {
      expect((await callTool(t.url, token, 'schedule_post', { post_id: id, publish_at: at })).error).toBeUndefined();
    }
    await t.db.query(`UPDATE social_accounts SET status = 'disconnected' WHERE id = $1`, [li.id]);
    await t.db.query(`UPDATE media_assets SET deleted_at = now() WHERE id = $1`, [image.id]);
    await t.db.query(`UPDATE post_targets SET scheduled_at = now() WHERE post_id = ANY($1::uuid[])`, [
      [post.id, withImage.id],
    ]);
    await t.app.get(PublishRunner).sweep();

    const first = await until(token, post.id, (s) => s.status === 'failed', 'account target failed');
    expect(first.targets.map((tg: any) => [tg.platform, tg.status, tg.error?.code ?? null])).toEqual([
      ['linkedin', 'failed', 'account_unavailable'],
      ['x', 'published', null],
    ]);
    const second = await until(token, withImage.id, (s) => s.status === 'failed', 'media target failed');
    expect(second.targets[0]).toMatchObject({ status: 'failed', error: { code: 'media_unavailable' } });
    expect(callsFor(linkedin, post.id) + callsFor(x, withImage.id)).toBe(0);
  });

  it('work scheduled by an instance that stopped is published by another, once', async () => {
    const { token, post } = await setup();
    await rememberTargets(post.id);
    const gone = await startTestApp(testConfig(privateRedis()));
    const goneLinkedin = new NetworkDouble('linkedin');
    const goneX = new NetworkDouble('x');
    gone.app.get(PlatformConnectors).register(goneLinkedin);
    gone.app.get(PlatformConnectors).register(goneX);
    // Within the queue's window (a minute), so the instance that stops leaves its job queued; far
    // enough ahead that a slow tool call still arrives before the time.
    const at = Date.now() + 5000;
    const reply = await callTool(gone.url, token, 'schedule_post', {
      post_id: post.id,
      publish_at: new Date(at).toISOString(),
    });
    expect(reply.data.status).toBe('scheduled');
    await gone.close();

    await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now()) + 100));
    await t.app.get(PublishRunner).sweep();
    await until(token, post.id, (st) => st.status === 'published', 'published by the surviving instance');
    expect(goneLinkedin.calls.length + goneX.calls.length).toBe(0);
    expect(callsFor(linkedin, post.id)).toBe(1);
    expect(callsFor(x, post.id)).toBe(1);
  });

  it('REST mirrors the tools: schedule, cancel and publish routes', async () => {
    const { token, post } = await setup();
    await rememberTargets(post.id);
    const at = new Date(Date.now() + 3600_000).toISOString();
    const scheduled = await callRest(t.url, token, 'POST', `/api/v1/posts/${post.id}/schedule`, { publish_at: at });
    expect(scheduled.status).toBe(201);
    expect(scheduled.body).toMatchObject({ status: 'scheduled', scheduled_at: at, replayed: false });
    const bad = await callRest(t.url, token, 'POST', `/api/v1/posts/${post.id}/schedule`, {
      publish_at: '2020-01-01T00:00:00Z',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'publish_at' })]);
    const cancelled = await callRest(t.url, token, 'POST', `/api/v1/posts/${post.id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const published = await callRest(t.url, token, 'POST', `/api/v1/posts/${post.id}/publish`, {});
    expect(published.status).toBe(201);
    await until(token, post.id, (s) => s.status === 'published', 'published over REST');
    expect(callsFor(linkedin, post.id)).toBe(1);
  });

  it('refuses a publish_at that is not a timestamp with an offset, in the past, or over a year ahead', async () => {
    const { token, post } = await setup();
    for (const publish_at of [
      '2026-12-01 09:00',
      '2020-01-01T00:00:00Z',
      new Date(Date.now() + 400 * 86400_000).toISOString(),
    ]) {
      const reply = await callTool(t.url, token, 'schedule_post', { post_id: post.id, publish_at });
      expect(reply.error).toMatchObject({ code: 'validation_failed' });
      expect(reply.error?.details?.[0]?.field).toBe('publish_at');
    }
    expect((await status(token, post.id)).status).toBe('ready');
  });
});

describe('scheduling and publishing with Redis unreachable', () => {
  // Nothing listens on port 1: the queue cannot take a job, and BullMQ would wait for ever.
  const t = useTestApp(() => startTestApp(testConfig({ REDIS_URL: 'redis://127.0.0.1:1' })));
  const linkedin = new NetworkDouble('linkedin');
  beforeAll(() => t.app.get(PlatformConnectors).register(linkedin));

  it('still schedules, and the sweep still settles what needs only the database', async () => {
    const { token, due, stuck } = await dueAndStuck(t);
    // The change commits; queueing gives up after 2 s and is left to the sweep.
    await scheduleAndSweep(t, token, due.id, stuck.id);
    expect(linkedin.calls).toEqual([]);
  });
});

/** A workspace whose key may schedule, with two LinkedIn posts: one to schedule, one to strand. */
async function dueAndStuck(t: SharedTestApp) {
  const { workspace, token } = await buildWorkspaceWithKey(t.app, {
    allowDirect: ['schedule', 'publish'],
    scopes: ['ai-publishing-assistant'],
  });
  const account = await buildSocialAccount(t.app, workspace.id, 'linkedin');
  const due = await buildPost(t.app, workspace.id, {
    text: 'Queued when the queue takes it.',
    social_account_ids: [account.id],
  });
  const stuck = await buildPost(t.app, workspace.id, {
    text: 'Its worker went away.',
    social_account_ids: [account.id],
  });
  return { token, account, due, stuck };
}

/**
 * With the queue failing: scheduling `due` still answers "scheduled" (the change has committed),
 * and a sweep still turns `stuck`, an attempt whose lease ran out, into unknown, which needs only
 * the database.
 */
async function scheduleAndSweep(t: SharedTestApp, token: string, due: string, stuck: string): Promise<void> {
  // Within the queue's window (a minute), so scheduling itself meets the failing queue; far enough
  // ahead that a slow tool call still arrives before the time.
  const reply = await callTool(t.url, token, 'schedule_post', {
    post_id: due,
    publish_at: new Date(Date.now() + 5000).toISOString(),
  });
  expect(reply.data).toMatchObject({ status: 'scheduled' });
  await t.db.query(
    `UPDATE post_targets SET status = 'publishing', claim_token = gen_random_uuid(), lease_expires_at = now() - interval '1 minute' WHERE post_id = $1`,
    [stuck],
  );
  await expect(t.app.get(PublishRunner).sweep()).resolves.toBeUndefined();
  const rows = await t.db.query<{ status: string }[]>(
    `SELECT status FROM post_targets WHERE post_id = ANY ($1) ORDER BY post_id = $2`,
    [[due, stuck], stuck],
  );
  expect(rows.map((r) => r.status)).toEqual(['scheduled', 'unknown']);
}

// A Redis of its own, which the test turns read-only for writes: error replies, not silence.
const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
(hasRedisServer ? describe : describe.skip)('scheduling and publishing with Redis refusing writes', () => {
  let port = 0;
  let redis: Server | undefined;
  beforeAll(async () => {
    // A free port can be taken by another process before redis-server binds it: then try another.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      redis = startProcess(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        cleanEnv({}),
      );
      const server = redis;
      const answered = await waitFor(() => ping(port), 10_000, 'redis-server').catch(() => false);
      if (answered) return;
      await server.stop();
      if (attempt === 3) throw new Error(`redis-server did not start:\n${server.output()}`);
    }
  });
  const t = useTestApp(() => startTestApp(testConfig({ REDIS_URL: `redis://127.0.0.1:${port}` })));
  afterAll(() => redis?.stop());
  const linkedin = new NetworkDouble('linkedin');
  beforeAll(() => t.app.get(PlatformConnectors).register(linkedin));

  it('still schedules, and the sweep goes on past an out-of-memory reply', async () => {
    const { token, account, due, stuck } = await dueAndStuck(t);
    const admin = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await admin.connect();
      await admin.config('SET', 'maxmemory', '1');
      // Redis answers at once, with an error: the add is refused, not left waiting.
      const queue = t.app.get<PublishingQueue>(PUBLISHING_QUEUE);
      await expect(queue.enqueue({ id: 'oom-probe', name: PUBLISH_JOB, data: {} })).rejects.toThrow(/OOM/);
      await scheduleAndSweep(t, token, due.id, stuck.id);

      // With room again, the next sweep queues the due post and it is published.
      await admin.config('SET', 'maxmemory', '0');
      await t.app.get(PublishRunner).sweep();
      await waitFor(
        async () =>
          (await t.db.query(`SELECT 1 FROM post_targets WHERE post_id = $1 AND status = 'published'`, [due.id])).length
            ? true
            : undefined,
        15_000,
        'the due post to be published',
      );
      // Its sweep sees every due post in the database, other tests' too: only this test's account counts.
      expect(linkedin.calls.filter((c) => c.account.id === account.id)).toHaveLength(1);
    } finally {
      await admin.config('SET', 'maxmemory', '0').catch(() => undefined);
      admin.disconnect();
    }
  });
});

async function ping(port: number): Promise<true | undefined> {
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG' ? true : undefined;
  } finally {
    probe.disconnect();
  }
}
