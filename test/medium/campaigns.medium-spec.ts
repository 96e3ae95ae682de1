import type { TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Actor } from '../../src/access/actor';
import { AppError } from '../../src/common/app-error';
import { CampaignsModule } from '../../src/domain/campaigns/campaigns.module';
import { CampaignsRepository } from '../../src/domain/campaigns/campaigns.repository';
import { CampaignsService, type NewCampaign } from '../../src/domain/campaigns/campaigns.service';
import { asOperator, buildWorkspace } from '../factories';
import { startServiceContext } from '../support/service-context';

/** The campaigns service and repository against the real database: isolation, soft delete, date ranges. */
describe(CampaignsService.name, () => {
  let app: TestingModule;
  let campaigns: CampaignsService;
  let repository: CampaignsRepository;
  let dataSource: DataSource;

  beforeAll(async () => {
    app = await startServiceContext({ imports: [CampaignsModule] });
    campaigns = app.get(CampaignsService);
    repository = app.get(CampaignsRepository);
    dataSource = app.get<DataSource>(getDataSourceToken());
  });
  afterAll(async () => {
    await app?.close();
  });

  /** An editor's API key bound to a fresh workspace, as the guards would build it. */
  async function editorIn(): Promise<Actor> {
    const workspace = await buildWorkspace(app);
    return {
      kind: 'api_key',
      surface: 'rest',
      keyId: randomUUID(),
      workspaceId: workspace.id,
      role: 'editor',
      grantedScopes: new Set(),
      scopes: new Set(['campaigns:create', 'campaigns:read', 'campaigns:update', 'campaigns:delete']),
    };
  }

  const create = (actor: Actor, input: NewCampaign) =>
    asOperator('campaign create', () => campaigns.create(actor, input));

  const refusal = async (promise: Promise<unknown>) => {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    const { code, details } = err as AppError;
    return { code, field: details?.[0]?.field };
  };

  const ids = async (actor: Actor, filters: Parameters<CampaignsService['list']>[1]) =>
    (await campaigns.list(actor, filters)).items.map((c) => c.name);

  it('keeps each workspace to its own campaigns', async () => {
    const alice = await editorIn();
    const bob = await editorIn();
    const mine = await create(alice, { name: 'Alice only', tags: ['shared-tag'] });
    await create(bob, { name: 'Bob only', tags: ['shared-tag'] });

    expect(await repository.findOne(bob.workspaceId!, mine.id)).toBeNull();
    expect(await repository.findOne(alice.workspaceId!, mine.id)).toMatchObject({ name: 'Alice only' });
    expect(await refusal(campaigns.get(bob, mine.id))).toEqual({ code: 'not_found', field: undefined });
    expect(await ids(bob, { tag: 'shared-tag' })).toEqual(['Bob only']);
    expect(await ids(alice, { tag: 'shared-tag' })).toEqual(['Alice only']);
    expect(await refusal(asOperator('update', () => campaigns.update(bob, mine.id, { name: 'Stolen' })))).toEqual({
      code: 'not_found',
      field: undefined,
    });
    expect(await refusal(asOperator('delete', () => campaigns.delete(bob, mine.id)))).toMatchObject({
      code: 'not_found',
    });
    const assignable = await dataSource.transaction((m) =>
      campaigns.requireAssignable(m, bob.workspaceId!, mine.id).catch((e: AppError) => e),
    );
    expect(assignable).toMatchObject({ code: 'not_found', details: [{ field: 'campaign_id', issue: 'not found' }] });
    const [row] = await dataSource.query<{ name: string; deleted_at: Date | null }[]>(
      `SELECT name, deleted_at FROM campaigns WHERE id = $1`,
      [mine.id],
    );
    expect(row).toEqual({ name: 'Alice only', deleted_at: null });
  });

  it('hides a soft-deleted campaign from every read and from assignment, keeping the row', async () => {
    const actor = await editorIn();
    const kept = await create(actor, { name: 'Kept' });
    const gone = await create(actor, { name: 'Gone' });
    const deleted = await asOperator('campaign delete', () => campaigns.delete(actor, gone.id));
    expect(deleted.deletedAt).toBeInstanceOf(Date);

    expect(await repository.findOne(actor.workspaceId!, gone.id)).toBeNull();
    expect(await refusal(campaigns.get(actor, gone.id))).toMatchObject({ code: 'not_found' });
    expect(await ids(actor, {})).toEqual(['Kept']);
    expect(await refusal(asOperator('update', () => campaigns.update(actor, gone.id, { name: 'Back' })))).toMatchObject(
      { code: 'not_found' },
    );
    const assign = (id: string) =>
      dataSource.transaction((m) => campaigns.requireAssignable(m, actor.workspaceId!, id).then((c) => c.id));
    expect(await assign(kept.id)).toBe(kept.id);
    expect(await assign(gone.id).catch((e: AppError) => e.code)).toBe('not_found');

    const [row] = await dataSource.query<{ name: string; deleted: boolean }[]>(
      `SELECT name, deleted_at IS NOT NULL AS deleted FROM campaigns WHERE id = $1`,
      [gone.id],
    );
    expect(row).toEqual({ name: 'Gone', deleted: true });
  });

  it('filters by date overlap: open ends run on, undated campaigns never match', async () => {
    const actor = await editorIn();
    await create(actor, { name: 'march', starts_on: '2026-03-01', ends_on: '2026-03-10' });
    await create(actor, { name: 'open', starts_on: '2026-03-05' });
    await create(actor, { name: 'undated' });
    await create(actor, { name: 'single-day', starts_on: '2026-03-20', ends_on: '2026-03-20' });

    expect(await ids(actor, { active_on: '2026-03-01' })).toEqual(['march']);
    expect(await ids(actor, { active_on: '2026-03-10' })).toEqual(['open', 'march']);
    expect(await ids(actor, { active_on: '2026-03-20' })).toEqual(['single-day', 'open']);
    expect(await ids(actor, { active_on: '2026-02-28' })).toEqual([]);
    expect(await ids(actor, { from: '2026-03-11', to: '2026-03-19' })).toEqual(['open']);
    expect(await ids(actor, { from: '2026-03-20', to: '2026-03-20' })).toEqual(['single-day', 'open']);
    expect(await ids(actor, { to: '2026-03-04' })).toEqual(['march']);
    expect(await ids(actor, { from: '2027-01-01' })).toEqual(['open']);
    expect(await ids(actor, {})).toEqual(['single-day', 'undated', 'open', 'march']);

    expect(await refusal(campaigns.list(actor, { active_on: '2026-03-01', to: '2026-03-02' }))).toEqual({
      code: 'validation_failed',
      field: 'active_on',
    });
    expect(await refusal(campaigns.list(actor, { from: '2026-03-02', to: '2026-03-01' }))).toEqual({
      code: 'validation_failed',
      field: 'to',
    });
    expect(await refusal(campaigns.list(actor, { from: '2026-02-30' }))).toEqual({
      code: 'validation_failed',
      field: 'from',
    });
  });

  it('checks an update against the merged dates and leaves the row as it was when refused', async () => {
    const actor = await editorIn();
    const c = await create(actor, { name: 'Dated', starts_on: '2026-05-01', ends_on: '2026-05-31', tags: ['a'] });
    expect(
      await refusal(asOperator('update', () => campaigns.update(actor, c.id, { starts_on: '2026-06-01', tags: [] }))),
    ).toEqual({ code: 'validation_failed', field: 'starts_on' });
    expect(await repository.findOne(actor.workspaceId!, c.id)).toMatchObject({
      startsOn: '2026-05-01',
      endsOn: '2026-05-31',
      tags: ['a'],
    });
    const moved = await asOperator('update', () =>
      campaigns.update(actor, c.id, { starts_on: '2026-06-01', ends_on: null }),
    );
    expect(moved).toMatchObject({ startsOn: '2026-06-01', endsOn: null, tags: ['a'] });
  });

  it('counts only live content assigned in the same workspace', async () => {
    const actor = await editorIn();
    const c = await create(actor, { name: 'Counted' });
    await dataSource.query(
      `INSERT INTO posts (workspace_id, campaign_id, deleted_at) VALUES ($1, $2, NULL), ($1, $2, now()), ($1, NULL, NULL)`,
      [actor.workspaceId, c.id],
    );
    await dataSource.query(`INSERT INTO drafts (workspace_id, campaign_id) VALUES ($1, $2), ($1, $2)`, [
      actor.workspaceId,
      c.id,
    ]);
    expect(await repository.counts(actor.workspaceId!, c.id)).toEqual({ posts: 1, drafts: 2, media: 0 });
    const other = await editorIn();
    expect(await repository.counts(other.workspaceId!, c.id)).toEqual({ posts: 0, drafts: 0, media: 0 });
  });
});
