import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppError } from '../../src/common/app-error';
import { DraftsRepository } from '../../src/domain/drafts/drafts.repository';
import { DraftsService } from '../../src/domain/drafts/drafts.service';
import { buildWorkspace } from '../factories';
import { buildDraft, buildSocialAccount, inWorkspace, workspaceActor } from '../factories/drafts-posts';
import { startTestApp, type TestApp } from '../support/test-app';

describe(DraftsService.name, () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let db: DataSource;
  let drafts: DraftsService;
  let repository: DraftsRepository;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    drafts = t.app.get(DraftsService);
    repository = t.app.get(DraftsRepository);
  });
  afterAll(async () => {
    await t.close();
  });

  async function twoWorkspaces() {
    const a = await buildWorkspace(t.app);
    const b = await buildWorkspace(t.app);
    const accountA = await buildSocialAccount(t.app, a.id, 'x');
    const accountB = await buildSocialAccount(t.app, b.id, 'x');
    const draftA = await buildDraft(t.app, a.id, { text: 'A', social_account_ids: [accountA.id] });
    const draftB = await buildDraft(t.app, b.id, { text: 'B', social_account_ids: [accountB.id] });
    return { a, b, draftA, draftB };
  }

  const row = async (id: string) =>
    (await db.query(`SELECT text, version, deleted_at FROM drafts WHERE id = $1`, [id]))[0] as unknown;

  it('reads a draft only in its own workspace', async () => {
    const { a, b, draftA, draftB } = await twoWorkspaces();
    expect((await repository.findById(a.id, draftA.id))?.id).toBe(draftA.id);
    expect(await repository.findById(b.id, draftA.id)).toBeNull();
    expect(await repository.findById(a.id, 'not-a-uuid')).toBeNull();

    const listedA = await repository.list(a.id, {});
    const listedB = await repository.list(b.id, { platform: 'x' });
    expect(listedA.items.map((d) => d.id)).toEqual([draftA.id]);
    expect(listedB.items.map((d) => d.id)).toEqual([draftB.id]);

    await expect(drafts.get(workspaceActor(b.id), draftA.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(drafts.read(workspaceActor(b.id), draftA.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(db.transaction((m) => drafts.requireForCopy(m, b.id, draftA.id))).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('changes or deletes nothing across workspaces', async () => {
    const { b, draftA } = await twoWorkspaces();
    const before = await row(draftA.id);
    await expect(
      inWorkspace(b.id, 'draft update', () => drafts.update(workspaceActor(b.id), draftA.id, { text: 'Stolen' })),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      inWorkspace(b.id, 'draft delete', () => drafts.delete(workspaceActor(b.id), draftA.id)),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await row(draftA.id)).toEqual(before);
  });

  it('hides a deleted draft from every read', async () => {
    const { a, draftA } = await twoWorkspaces();
    await inWorkspace(a.id, 'draft delete', () => drafts.delete(workspaceActor(a.id), draftA.id));
    expect(await repository.findById(a.id, draftA.id)).toBeNull();
    expect((await repository.list(a.id, {})).items).toEqual([]);
    await expect(db.transaction((m) => drafts.requireForCopy(m, a.id, draftA.id))).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('lets exactly one of two concurrent edits of the same version win', async () => {
    const { a, draftA } = await twoWorkspaces();
    const edit = (text: string) =>
      inWorkspace(a.id, 'draft update', () =>
        drafts.update(workspaceActor(a.id), draftA.id, { text, expected_version: 1 }),
      );
    const results = await Promise.allSettled([edit('First'), edit('Second')]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(AppError);
    expect(lost[0].reason).toMatchObject({ code: 'conflict' });
    expect((lost[0].reason as AppError).message).toContain('version 2');
    const winner = (won[0] as PromiseFulfilledResult<{ text: string }>).value.text;
    expect(await row(draftA.id)).toEqual({ text: winner, version: 2, deleted_at: null });
  });

  it('serialises concurrent edits without expected_version, counting every one', async () => {
    const { a, draftA } = await twoWorkspaces();
    const edits = ['One', 'Two', 'Three'].map((notes) =>
      inWorkspace(a.id, 'draft update', () => drafts.update(workspaceActor(a.id), draftA.id, { notes })),
    );
    const versions = (await Promise.all(edits)).map((d) => d.version).sort();
    expect(versions).toEqual([2, 3, 4]);
    expect(await row(draftA.id)).toMatchObject({ version: 4 });
  });

  it('rolls a refused edit back together with its audit record', async () => {
    const { a, draftA } = await twoWorkspaces();
    const correlation = randomUUID();
    const [{ n: before }] = await db.query(
      `SELECT count(*)::int AS n FROM audit_records WHERE workspace_id = $1 AND operation LIKE 'test draft update%'`,
      [a.id],
    );
    await expect(
      inWorkspace(a.id, `draft update ${correlation}`, () =>
        drafts.update(workspaceActor(a.id), draftA.id, { text: 'x', expected_version: 9 }),
      ),
    ).rejects.toMatchObject({ code: 'conflict' });
    const [{ n: after }] = await db.query(
      `SELECT count(*)::int AS n FROM audit_records WHERE workspace_id = $1 AND operation LIKE 'test draft update%'`,
      [a.id],
    );
    // The operator path has no middleware to write a refusal's record: the change and its record rolled back together.
    expect(after).toBe(before);
    expect(await row(draftA.id)).toMatchObject({ text: 'A', version: 1 });
  });
});
