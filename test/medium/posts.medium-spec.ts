import { DataSource } from 'typeorm';
import { PURGE_INTERVAL_MS, PurgeTrashedPostsJob } from '../../src/domain/posts/jobs/purge-trashed-posts.job';
import { PostTrashService } from '../../src/domain/posts/post-trash.service';
import { PostValidationService } from '../../src/domain/posts/post-validation.service';
import { PostsRepository } from '../../src/domain/posts/posts.repository';
import { PostsService } from '../../src/domain/posts/posts.service';
import { buildWorkspace } from '../factories';
import {
  buildDraft,
  buildPost,
  buildSocialAccount,
  inWorkspace,
  trashPost,
  workspaceActor,
} from '../factories/drafts-posts';
import { withAuditFailing } from '../support/audit-failure';
import { startTestApp, type TestApp } from '../support/test-app';

describe(PostsService.name, () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let db: DataSource;
  let posts: PostsService;
  let trash: PostTrashService;
  let repository: PostsRepository;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    posts = t.app.get(PostsService);
    trash = t.app.get(PostTrashService);
    repository = t.app.get(PostsRepository);
  });
  afterAll(async () => {
    await t.close();
  });

  async function twoWorkspaces() {
    const a = await buildWorkspace(t.app);
    const b = await buildWorkspace(t.app);
    const accountA = await buildSocialAccount(t.app, a.id, 'linkedin');
    const accountB = await buildSocialAccount(t.app, b.id, 'linkedin');
    const postA = await buildPost(t.app, a.id, { text: 'A', social_account_ids: [accountA.id] });
    const trashedA = await buildPost(t.app, a.id, { text: 'A trashed', social_account_ids: [accountA.id] });
    await trashPost(t.app, a.id, trashedA.id);
    const postB = await buildPost(t.app, b.id, { text: 'B', social_account_ids: [accountB.id] });
    return { a, b, accountA, postA, trashedA, postB };
  }

  const row = async (id: string) =>
    (await db.query(`SELECT text, version, deleted_at FROM posts WHERE id = $1`, [id]))[0] as unknown;

  it('reads posts and targets only in their own workspace', async () => {
    const { a, b, postA, trashedA, postB } = await twoWorkspaces();
    expect((await repository.findById(a.id, postA.id))?.id).toBe(postA.id);
    expect(await repository.findById(b.id, postA.id)).toBeNull();
    expect(await repository.findById(b.id, trashedA.id, { withDeleted: true })).toBeNull();
    expect(await repository.findById(a.id, trashedA.id)).toBeNull();
    expect((await repository.findById(a.id, trashedA.id, { withDeleted: true }))?.id).toBe(trashedA.id);
    expect(await repository.findById(a.id, 'nope')).toBeNull();

    expect((await repository.targetsOf(a.id, [postA.id])).get(postA.id)).toHaveLength(1);
    expect((await repository.targetsOf(b.id, [postA.id])).get(postA.id)).toEqual([]);

    expect((await repository.list(a.id, {})).items.map((p) => p.id)).toEqual([postA.id]);
    expect((await repository.list(a.id, { trashed: true })).items.map((p) => p.id)).toEqual([trashedA.id]);
    expect((await repository.list(b.id, {})).items.map((p) => p.id)).toEqual([postB.id]);
    expect((await repository.list(b.id, { trashed: true })).items).toEqual([]);
    expect((await repository.list(b.id, { platform: 'linkedin' })).items.map((p) => p.id)).toEqual([postB.id]);

    const asB = workspaceActor(b.id);
    await expect(posts.read(asB, postA.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(posts.status(asB, postA.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(t.app.get(PostValidationService).validate(asB, { post_id: postA.id })).rejects.toMatchObject({
      code: 'not_found',
    });
    expect((await posts.list(asB, { trashed: true })).items).toEqual([]);
  });

  it('changes, trashes and restores nothing across workspaces', async () => {
    const { a, b, postA, trashedA } = await twoWorkspaces();
    const asB = workspaceActor(b.id);
    const before = [await row(postA.id), await row(trashedA.id)];
    await expect(
      inWorkspace(b.id, 'post update', () => posts.update(asB, postA.id, { text: 'Stolen' })),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(inWorkspace(b.id, 'post delete', () => trash.delete(asB, postA.id))).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(inWorkspace(b.id, 'post restore', () => trash.restore(asB, trashedA.id))).rejects.toMatchObject({
      code: 'not_found',
    });
    expect([await row(postA.id), await row(trashedA.id)]).toEqual(before);
    expect((await posts.read(workspaceActor(a.id), postA.id)).version).toBe(1);
  });

  it('lets exactly one of two concurrent edits of the same version win', async () => {
    const { a, postA } = await twoWorkspaces();
    const edit = (text: string) =>
      inWorkspace(a.id, 'post update', () =>
        posts.update(workspaceActor(a.id), postA.id, { text, expected_version: 1 }),
      );
    const results = await Promise.allSettled([edit('First'), edit('Second')]);
    const won = results.filter(
      (r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof edit>>> => r.status === 'fulfilled',
    );
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect([won.length, lost.length]).toEqual([1, 1]);
    expect(lost[0].reason).toMatchObject({ code: 'conflict' });
    expect(await row(postA.id)).toEqual({ text: won[0].value.text, version: 2, deleted_at: null });
  });

  describe(PurgeTrashedPostsJob.name, () => {
    /**
     * The job finds every workspace's expired trash, and the test file on the other worker ages
     * trashed posts of its own (posts.e2e: one past the window must answer "not restorable"). The
     * real lookup still runs; the test purges only what it found in `workspaceId`.
     */
    const purgeOnlyIn = (workspaceId: string) => {
      const all = trash.expiredTrash.bind(trash);
      return jest
        .spyOn(trash, 'expiredTrash')
        .mockImplementation(async () => new Map([...(await all())].filter(([ws]) => ws === workspaceId)));
    };

    it('runs hourly on a timer that holds nothing open, keeps going after a failed run, and stops when destroyed', async () => {
      const job = t.app.get(PurgeTrashedPostsJob);
      // The app's own timer is stopped; this test drives one on fake intervals (I/O stays real).
      await job.onModuleDestroy();
      const a = await buildWorkspace(t.app);
      const account = await buildSocialAccount(t.app, a.id, 'x');
      const expiredPost = async () => {
        const post = await buildPost(t.app, a.id, { text: 'Old', social_account_ids: [account.id] });
        await trashPost(t.app, a.id, post.id);
        await db.query(`UPDATE posts SET deleted_at = now() - interval '31 days' WHERE id = $1`, [post.id]);
        return post.id;
      };
      const exists = async (id: string) => (await db.query(`SELECT 1 FROM posts WHERE id = $1`, [id])).length === 1;
      const runs = purgeOnlyIn(a.id);
      jest.useFakeTimers({
        doNotFake: [
          'Date',
          'hrtime',
          'nextTick',
          'performance',
          'queueMicrotask',
          'setImmediate',
          'clearImmediate',
          'setTimeout',
          'clearTimeout',
        ],
      });
      /** The run the timer started, as the job holds it (run() would start another once it ends). */
      const tickDone = () => (job as unknown as { running?: Promise<unknown> }).running?.catch(() => undefined);
      try {
        const first = await expiredPost();
        await withAuditFailing(db, 'job purge-trashed-posts', async () => {
          job.onModuleInit();
          expect((job as unknown as { timer: NodeJS.Timeout }).timer.hasRef()).toBe(false);
          expect(runs).not.toHaveBeenCalled();
          jest.advanceTimersByTime(PURGE_INTERVAL_MS);
          expect(runs).toHaveBeenCalledTimes(1);
          // Its record could not be written, so the purge rolled back; the timer lives on.
          await tickDone();
          expect(await exists(first)).toBe(true);
        });
        jest.advanceTimersByTime(PURGE_INTERVAL_MS);
        expect(runs).toHaveBeenCalledTimes(2);
        await tickDone();
        expect(await exists(first)).toBe(false);

        await job.onModuleDestroy();
        const second = await expiredPost();
        jest.advanceTimersByTime(3 * PURGE_INTERVAL_MS);
        expect(runs).toHaveBeenCalledTimes(2);
        expect(await exists(second)).toBe(true);
      } finally {
        jest.useRealTimers();
        runs.mockRestore();
        job.onModuleInit();
      }
    });

    it('hard-deletes posts trashed over 30 days ago with their targets, keeps the rest and every audit row', async () => {
      const a = await buildWorkspace(t.app);
      const account = await buildSocialAccount(t.app, a.id, 'x');
      const draft = await buildDraft(t.app, a.id, { text: 'Source' });
      const make = (text: string) =>
        buildPost(t.app, a.id, { text, social_account_ids: [account.id] }).then((p) => p.id);
      const [expired, recent, live] = [await make('Expired'), await make('Recent'), await make('Live')];
      await db.query(`UPDATE posts SET draft_id = $2 WHERE id = $1`, [expired, draft.id]);
      await trashPost(t.app, a.id, expired);
      await trashPost(t.app, a.id, recent);
      await db.query(`UPDATE posts SET deleted_at = now() - interval '30 days 1 minute' WHERE id = $1`, [expired]);
      await db.query(`UPDATE posts SET deleted_at = now() - interval '29 days' WHERE id = $1`, [recent]);
      const auditRows = async () =>
        (await db.query(`SELECT count(*)::int AS n FROM audit_records WHERE workspace_id = $1`, [a.id]))[0].n as number;
      const auditBefore = await auditRows();
      const [{ at }] = await db.query(`SELECT now() AS at`);

      const job = t.app.get(PurgeTrashedPostsJob);
      const ownOnly = purgeOnlyIn(a.id);
      const [first, same] = await Promise.all([job.run(), job.run()]).finally(() => ownOnly.mockRestore());
      expect(same).toBe(first);
      expect(first).toContain(expired);
      expect(first).not.toEqual(expect.arrayContaining([recent]));
      expect(first).not.toEqual(expect.arrayContaining([live]));

      const remaining = await db.query(`SELECT id FROM posts WHERE workspace_id = $1 ORDER BY text`, [a.id]);
      expect(remaining.map((r: { id: string }) => r.id).sort()).toEqual([live, recent].sort());
      expect(await db.query(`SELECT id FROM post_targets WHERE post_id = $1`, [expired])).toEqual([]);
      expect(
        await db.query(`SELECT id FROM post_targets WHERE post_id = ANY($1::uuid[])`, [[live, recent]]),
      ).toHaveLength(2);
      expect(await db.query(`SELECT id FROM drafts WHERE id = $1`, [draft.id])).toHaveLength(1);
      // One record, in this workspace's own chain, for the purge; none of the earlier ones touched.
      expect(await auditRows()).toBe(auditBefore + 1);

      const runs = await db.query(
        `SELECT surface, actor_kind, workspace_id, decision, outcome, reason FROM audit_records
          WHERE operation = 'job purge-trashed-posts' AND occurred_at >= $1`,
        [at],
      );
      expect(runs).toContainEqual({
        surface: 'worker',
        actor_kind: 'operator',
        workspace_id: a.id,
        decision: 'allowed',
        outcome: 'ok',
        reason: `purged 1 post(s) trashed more than 30 days ago: ${expired}`,
      });
      await expect(
        inWorkspace(a.id, 'post restore', () => trash.restore(workspaceActor(a.id), expired)),
      ).rejects.toMatchObject({ code: 'not_found' });
      expect(
        (await inWorkspace(a.id, 'post restore', () => trash.restore(workspaceActor(a.id), recent))).deleted_at,
      ).toBeNull();
    });
  });
});
