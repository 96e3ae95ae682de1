import type { TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Actor } from '../../src/access/actor';
import { AuditContext } from '../../src/audit/audit-context';
import { AuditedTransactions } from '../../src/audit/audited-transactions.service';
import { IdempotencySweeperJob } from '../../src/common/idempotency/idempotency-sweeper.job';
import { IdempotencyModule } from '../../src/common/idempotency/idempotency.module';
import { IdempotencyService } from '../../src/common/idempotency/idempotency.service';
import { CampaignEntity } from '../../src/domain/campaigns/campaign.entity';
import { buildWorkspace } from '../factories';
import { startServiceContext } from '../support/service-context';

describe(IdempotencyService.name, () => {
  let app: TestingModule;
  let db: DataSource;
  let workspaceId: string;

  const keyActor = (keyId = randomUUID()): Actor => ({
    kind: 'api_key',
    surface: 'rest',
    keyId,
    workspaceId,
    grantedScopes: new Set(),
    scopes: new Set(),
  });

  /** One audited call that creates a campaign named `name` under `key`. */
  function createCampaign(actor: Actor, key: string, name: string) {
    const draft = AuditContext.start('rest', 'test create_campaign', randomUUID());
    draft.actor = actor;
    return AuditContext.run(draft, () =>
      app.get(AuditedTransactions).run((m) =>
        app
          .get(IdempotencyService)
          .run(m, actor, workspaceId, { operation: 'create_campaign', key, payload: { name } }, async () => {
            const c = await m.save(m.create(CampaignEntity, { workspaceId, name, status: 'planned', tags: [] }));
            return { id: c.id, name: c.name, created_at: c.createdAt };
          }),
      ),
    );
  }
  const count = async (name: string) =>
    (
      await db.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM campaigns WHERE workspace_id = $1 AND name = $2',
        [workspaceId, name],
      )
    )[0].n;

  beforeAll(async () => {
    app = await startServiceContext({ imports: [IdempotencyModule], poolSize: 4 });
    db = app.get<DataSource>(getDataSourceToken());
    workspaceId = (await buildWorkspace(app)).id;
  });
  afterAll(() => app.close());

  it('replays the first result, byte for byte, for the same key and payload', async () => {
    const actor = keyActor();
    const first = await createCampaign(actor, 'k-1', 'Spring');
    const again = await createCampaign(actor, 'k-1', 'Spring');
    expect(first.replayed).toBe(false);
    expect(again).toEqual({ ...first, replayed: true });
    expect(typeof first.created_at).toBe('string');
    expect(await count('Spring')).toBe(1);
  });

  it('refuses the same key with another payload and writes nothing', async () => {
    const actor = keyActor();
    await createCampaign(actor, 'k-2', 'Summer');
    await expect(createCampaign(actor, 'k-2', 'Autumn')).rejects.toMatchObject({ code: 'idempotency_conflict' });
    expect(await count('Autumn')).toBe(0);
  });

  it('keeps the keys of two credentials apart', async () => {
    const a = await createCampaign(keyActor(), 'shared-key', 'Winter');
    const b = await createCampaign(keyActor(), 'shared-key', 'Winter');
    expect([a.replayed, b.replayed]).toEqual([false, false]);
    expect(await count('Winter')).toBe(2);
  });

  it('creates once when the same key races itself', async () => {
    const actor = keyActor();
    const results = await Promise.all([1, 2, 3, 4].map(() => createCampaign(actor, 'race', 'Race')));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await count('Race')).toBe(1);
  });

  it('forgets a key after 24 hours', async () => {
    const actor = keyActor();
    await createCampaign(actor, 'old', 'Old');
    await db.query(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'old'`);
    const later = await createCampaign(actor, 'old', 'Old');
    expect(later.replayed).toBe(false);
    expect(await count('Old')).toBe(2);
  });

  it('sweeps expired keys, and the first results they held, hourly', async () => {
    const actor = keyActor();
    await createCampaign(actor, 'stale', 'Stale');
    await createCampaign(actor, 'fresh', 'Fresh');
    await db.query(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'stale'`);
    expect(await app.get(IdempotencySweeperJob).run()).toBeGreaterThanOrEqual(1);
    const keys = await db.query<{ key: string }[]>(`SELECT key FROM idempotency_keys WHERE key IN ('stale', 'fresh')`);
    expect(keys).toEqual([{ key: 'fresh' }]);
  });

  it('leaves no key behind when the create fails, so a retry can succeed', async () => {
    const actor = keyActor();
    const draft = AuditContext.start('rest', 'test failing create', randomUUID());
    draft.actor = actor;
    await expect(
      AuditContext.run(draft, () =>
        app
          .get(AuditedTransactions)
          .run((m) =>
            app
              .get(IdempotencyService)
              .run(m, actor, workspaceId, { operation: 'create_campaign', key: 'fails', payload: {} }, () =>
                Promise.reject(new Error('boom')),
              ),
          ),
      ),
    ).rejects.toThrow('boom');
    expect((await createCampaign(actor, 'fails', 'Retry')).replayed).toBe(false);
  });
});
