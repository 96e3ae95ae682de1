import type { TestingModule } from '@nestjs/testing';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { operatorActor } from '../../src/access/actor';
import { ApiKeysService } from '../../src/access/api-keys/api-keys.service';
import { ApiKeysModule } from '../../src/access/api-keys/api-keys.module';
import { AccountChangedError, ConsoleSessions } from '../../src/console/console-session.service';
import { UsersService } from '../../src/domain/users/users.service';
import { WorkspacesService } from '../../src/domain/workspaces/workspaces.service';
import { asOperator, buildUser, buildWorkspaceWithKey } from '../factories';
import { startServiceContext } from '../support/service-context';

const PASSWORD = 'a long enough password';

/**
 * Disabling an account and resetting its password against a real database, including the order
 * that matters: a password checked just before the account changed must not open a session after.
 */
describe(UsersService.name, () => {
  let app: TestingModule;
  let users: UsersService;
  let sessions: ConsoleSessions;
  let db: DataSource;
  const res = { cookie: () => undefined } as unknown as Response;

  beforeAll(async () => {
    app = await startServiceContext({ imports: [ApiKeysModule], providers: [ConsoleSessions] });
    users = app.get(UsersService);
    sessions = app.get(ConsoleSessions);
    db = app.get(DataSource);
  });
  afterAll(() => app.close());

  const sessionCount = async (userId: string) =>
    (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM console_sessions WHERE user_id = $1`, [userId]))[0]
      .n;
  const signIn = (userId: string, verifiedHash: string) =>
    asOperator('sign in', () => sessions.start(res, userId, verifiedHash));

  it('does not open a session for a password checked before an operator reset it', async () => {
    const user = await buildUser(app);
    const checked = await users.verifyPassword(user.email, PASSWORD);
    expect(checked).toBeDefined();
    await asOperator('user set-password', () => users.setPassword(user.email, 'the operator chose this one'));

    await expect(signIn(user.id, checked!.passwordHash)).rejects.toBeInstanceOf(AccountChangedError);
    expect(await sessionCount(user.id)).toBe(0);
  });

  it('does not open a session for a password checked before the account was disabled, nor after it is enabled again', async () => {
    const user = await buildUser(app);
    const checked = await users.verifyPassword(user.email, PASSWORD);
    await asOperator('user disable', () => users.setStatus(user.email, 'disabled'));
    await expect(signIn(user.id, checked!.passwordHash)).rejects.toBeInstanceOf(AccountChangedError);
    await asOperator('user enable', () => users.setStatus(user.email, 'active'));
    expect(await sessionCount(user.id)).toBe(0);
    // Checked afresh, the same password opens one.
    const again = await users.verifyPassword(user.email, PASSWORD);
    await signIn(user.id, again!.passwordHash);
    expect(await sessionCount(user.id)).toBe(1);
  });

  it("refuses a person's own change made on a password an operator has replaced meanwhile", async () => {
    const user = await buildUser(app);
    const checked = await users.verifyPassword(user.email, PASSWORD);
    await asOperator('user set-password', () => users.setPassword(user.email, 'the operator chose this one'));
    await expect(
      asOperator('own password', () =>
        users.setPassword(user.email, 'the intruder wants this', { unchangedSince: checked!.passwordHash }),
      ),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(await users.verifyPassword(user.email, 'the operator chose this one')).toBeDefined();
  });

  it('ends sessions and reports what a disabling suspended, counting only what enabling would bring back', async () => {
    const { user, workspace } = await buildWorkspaceWithKey(app);
    const ws = app.get(WorkspacesService);
    // A key made under a membership the person has since lost is dead for good and is not counted.
    const other = await buildWorkspaceWithKey(app);
    await asOperator('member add', () => ws.addMember(operatorActor(), other.workspace.id, user.id, 'admin'));
    await asOperator('key create', () =>
      app.get(ApiKeysService).create(operatorActor(), {
        workspaceId: other.workspace.id,
        name: 'left-behind',
        scopes: ['read-only-analytics'],
        createdByUserId: user.id,
      }),
    );
    // Removed and added back (here by hand, as if the removal had missed the key): the membership
    // is newer than the key, which the credential checks refuse for good.
    await db.query(`DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2`, [other.workspace.id, user.id]);
    await asOperator('member add', () => ws.addMember(operatorActor(), other.workspace.id, user.id, 'admin'));
    await signIn(user.id, (await users.verifyPassword(user.email, PASSWORD))!.passwordHash);

    const change = await asOperator('user disable', () => users.setStatus(user.email, 'disabled'));
    expect(change).toMatchObject({
      changed: true,
      sessionsEnded: 1,
      suspended: { keys: 1, connections: 0, soleOwnerOf: [workspace.slug] },
    });
    expect(await sessionCount(user.id)).toBe(0);
    const again = await asOperator('user disable', () => users.setStatus(user.email, 'disabled'));
    expect(again).toMatchObject({ changed: false, sessionsEnded: 0 });
  });
});
