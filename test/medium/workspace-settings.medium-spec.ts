import type { TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { type Actor, operatorActor } from '../../src/access/actor';
import type { Role } from '../../src/access/roles';
import { AuditContext } from '../../src/audit/audit-context';
import { AppError } from '../../src/common/app-error';
import { WorkspacesService, type WorkspaceSettingsChanges } from '../../src/domain/workspaces/workspaces.service';
import { buildWorkspace } from '../factories';
import { startServiceContext } from '../support/service-context';

/**
 * Workspace settings at the service: the rule that no agent connection changes the policy holds
 * whatever the user behind it may do, and a change commits together with its audit record.
 */
describe(`${WorkspacesService.name} settings`, () => {
  let app: TestingModule;
  let workspaces: WorkspacesService;
  let dataSource: DataSource;

  beforeAll(async () => {
    app = await startServiceContext({});
    workspaces = app.get(WorkspacesService);
    dataSource = app.get<DataSource>(getDataSourceToken());
  });
  afterAll(async () => {
    await app?.close();
  });

  /** A caller bound to the workspace, as ResolveWorkspaceGuard builds it. */
  const caller = (kind: Actor['kind'], workspaceId: string, role: Role): Actor => ({
    kind,
    surface: kind === 'agent' ? 'mcp' : 'rest',
    userId: randomUUID(),
    clientId: kind === 'agent' ? 'https://agent.example/client.json' : undefined,
    keyId: kind === 'api_key' ? randomUUID() : undefined,
    workspaceId,
    role,
    grantedScopes: new Set(['workspace:read']),
    scopes: new Set(['workspace:read']),
  });

  /** Runs the call in an audit context of its own, as a request would, and reports its record. */
  async function audited<T>(actor: Actor, work: () => Promise<T>) {
    const draft = AuditContext.start(actor.surface, 'test settings', randomUUID());
    draft.actor = actor;
    const outcome = await AuditContext.run(draft, work).then(
      (value) => ({ value, error: undefined }),
      (error: unknown) => ({ value: undefined, error: error as AppError }),
    );
    const records = await dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_records WHERE correlation_id = $1`,
      [draft.correlationId],
    );
    return { ...outcome, records: records[0].n, correlationId: draft.correlationId };
  }

  const settingsOf = async (id: string) =>
    (await dataSource.query<{ settings: unknown }[]>(`SELECT settings FROM workspaces WHERE id = $1`, [id]))[0]
      .settings;

  it('refuses an agent connection even when its user is an owner, writing nothing', async () => {
    const workspace = await buildWorkspace(app);
    const before = await settingsOf(workspace.id);
    for (const change of [
      { draft_first: false },
      { approval_policy: { require_approval_for: [] } },
      { approval_policy: { allow_self_approval: true } },
      { time_zone: 'Europe/Paris' },
    ]) {
      const agent = caller('agent', workspace.id, 'owner');
      const r = await audited(agent, () => workspaces.updateSettings(agent, workspace.id, change));
      expect([change, r.error?.code, r.records]).toEqual([change, 'forbidden', 0]);
      expect(r.error?.message).toMatch(/an agent connection cannot change workspace settings/);
    }
    expect(await settingsOf(workspace.id)).toEqual(before);
  });

  it('refuses every API key, even an owner’s, and lets the owner as a person and the operator change them', async () => {
    const workspace = await buildWorkspace(app);
    for (const role of ['editor', 'admin', 'owner'] as const) {
      const key = caller('api_key', workspace.id, role);
      const refused = await audited(key, () => workspaces.updateSettings(key, workspace.id, { draft_first: false }));
      expect([role, refused.error?.code, refused.records]).toEqual([role, 'forbidden', 0]);
    }
    const admin = caller('user', workspace.id, 'admin');
    const belowOwner = await audited(admin, () => workspaces.updateSettings(admin, workspace.id, { time_zone: 'UTC' }));
    expect([belowOwner.error?.code, belowOwner.records]).toEqual(['insufficient_role', 0]);

    const owner = caller('user', workspace.id, 'owner');
    const changed = await audited(owner, () =>
      workspaces.updateSettings(owner, workspace.slug, {
        time_zone: 'UTC',
        approval_policy: { require_approval_for: [] },
      }),
    );
    expect([changed.error, changed.records]).toEqual([undefined, 1]);
    expect(await settingsOf(workspace.id)).toEqual({
      draftFirst: true,
      timeZone: 'UTC',
      approval: { requireApprovalFor: [], allowSelfApproval: false },
    });

    const operator = operatorActor();
    const byOperator = await audited(operator, () =>
      workspaces.updateSettings(operator, workspace.slug, { draft_first: false }),
    );
    expect([byOperator.error, byOperator.records]).toEqual([undefined, 1]);
    // The operator is bound to no workspace; the record is filed under the one it changed.
    const [record] = await dataSource.query<{ workspace_id: string; actor_kind: string }[]>(
      `SELECT workspace_id, actor_kind FROM audit_records WHERE correlation_id = $1`,
      [byOperator.correlationId],
    );
    expect(record).toEqual({ workspace_id: workspace.id, actor_kind: 'operator' });
    expect(await settingsOf(workspace.id)).toMatchObject({ draftFirst: false, timeZone: 'UTC' });
  });

  it('names the field of a bad value before reading anything, and rolls back with nothing written', async () => {
    const workspace = await buildWorkspace(app);
    const admin = caller('user', workspace.id, 'owner');
    const before = await settingsOf(workspace.id);
    const cases: [WorkspaceSettingsChanges, string][] = [
      [{ time_zone: 'Atlantis/Capital' }, 'time_zone'],
      [{ time_zone: 'x'.repeat(65) }, 'time_zone'],
      [{ approval_policy: { require_approval_for: ['publish', 'tweet'] } }, 'approval_policy.require_approval_for'],
      [{}, '(arguments)'],
    ];
    for (const [change, field] of cases) {
      const r = await audited(admin, () => workspaces.updateSettings(admin, workspace.id, change));
      expect([change, r.error?.code, r.error?.details?.[0]?.field, r.records]).toEqual([
        change,
        'validation_failed',
        field,
        0,
      ]);
    }
    expect(await settingsOf(workspace.id)).toEqual(before);

    // Only what changed is stored: an untouched approval policy keeps following the defaults.
    await audited(admin, () => workspaces.updateSettings(admin, workspace.id, { time_zone: 'Asia/Tokyo' }));
    expect(await settingsOf(workspace.id)).toEqual({ draftFirst: true, timeZone: 'Asia/Tokyo' });
  });

  // PGlite is a single backend: two of its transactions cannot hold locks against each other.
  (process.env.POSTERN_TEST_EMBEDDED ? it.skip : it)(
    'does not wait for audit records being written for the workspace (their key-share lock on it)',
    async () => {
      const workspace = await buildWorkspace(app);
      const operator = operatorActor();
      // What an audit insert for this workspace holds until it commits: the FK's lock on the row.
      // An audit batch holds it while it holds a chain head the settings change will need, so
      // waiting here could deadlock.
      const holder = dataSource.createQueryRunner();
      await holder.startTransaction();
      await holder.query('SELECT 1 FROM workspaces WHERE id = $1 FOR KEY SHARE', [workspace.id]);
      const change = audited(operator, () => workspaces.updateSettings(operator, workspace.id, { draft_first: false }));
      try {
        const blocked = new Promise<'blocked'>((r) => setTimeout(() => r('blocked'), 3000));
        expect(await Promise.race([change.then((r) => r.error ?? 'done'), blocked])).toBe('done');
      } finally {
        await holder.rollbackTransaction();
        await holder.release();
        await change;
      }
    },
  );
});
