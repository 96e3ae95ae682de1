import type { TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { operatorActor } from '../../src/access/actor';
import { ApiKeysService } from '../../src/access/api-keys/api-keys.service';
import { ApiKeysModule } from '../../src/access/api-keys/api-keys.module';
import { AuditContext } from '../../src/audit/audit-context';
import { LimiterStore } from '../../src/common/limiter-store';
import { AccountChangedError, ConsoleSessions } from '../../src/console/console-session.service';
import { ConsoleSignIn } from '../../src/console/console-sign-in.service';
import { LoginLimiter } from '../../src/console/login-limiter';
import { UsersService } from '../../src/domain/users/users.service';
import { WorkspacesService } from '../../src/domain/workspaces/workspaces.service';
import { asOperator, buildUser, buildWorkspaceWithKey } from '../factories';
import { buildSocialAccount } from '../factories/drafts-posts';
import { waitersBehind } from '../support/lock-waiters';
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
    app = await startServiceContext({
      imports: [ApiKeysModule],
      // The limits in memory: no REDIS_URL here.
      providers: [
        ConsoleSessions,
        ConsoleSignIn,
        LoginLimiter,
        { provide: LimiterStore, useValue: new LimiterStore({}) },
      ],
      // A held lock, a sign-in queued behind it, and the query that sees it queued.
      poolSize: 4,
    });
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

  it('does not open a session for a password checked before the account was disabled', async () => {
    const user = await buildUser(app);
    const checked = await users.verifyPassword(user.email, PASSWORD);
    await asOperator('user disable', () => users.setStatus(user.email, 'disabled'));
    await expect(signIn(user.id, checked!.passwordHash)).rejects.toBeInstanceOf(AccountChangedError);
    expect(await sessionCount(user.id)).toBe(0);
    await asOperator('user enable', () => users.setStatus(user.email, 'active'));
    // Checked afresh, the same password opens one.
    const again = await users.verifyPassword(user.email, PASSWORD);
    await signIn(user.id, again!.passwordHash);
    expect(await sessionCount(user.id)).toBe(1);
  });

  // PGlite is a single backend: two of its transactions cannot hold locks against each other.
  (process.env.POSTERN_TEST_EMBEDDED ? it.skip : it)(
    'makes a sign-in that reaches the account while a reset holds it wait for the reset, then refuses it',
    async () => {
      const user = await buildUser(app);
      const checked = await users.verifyPassword(user.email, PASSWORD);
      const holder = db.createQueryRunner();
      await holder.connect();
      await holder.startTransaction();
      try {
        // The reset's lock, as setPassword takes it. Read without waiting, the old hash would still
        // match, and the session's insert would go through once the reset had ended the others.
        await holder.query(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [user.id]);
        const [{ pid }] = (await holder.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
        const opening = signIn(user.id, checked!.passwordHash);
        await waitersBehind(db, pid, 1);
        await holder.query(`UPDATE users SET password_hash = 'set by the reset' WHERE id = $1`, [user.id]);
        await holder.commitTransaction();
        await expect(opening).rejects.toBeInstanceOf(AccountChangedError);
      } finally {
        if (holder.isTransactionActive) await holder.rollbackTransaction();
        await holder.release();
      }
      expect(await sessionCount(user.id)).toBe(0);
    },
  );

  it('answers a sign-in refused that way as a wrong password, and records why', async () => {
    const user = await buildUser(app);
    // The reset lands between the password check and the session, as it would in a race.
    const verify = users.verifyPassword.bind(users);
    const spy = jest.spyOn(users, 'verifyPassword').mockImplementationOnce(async (email, password) => {
      const found = await verify(email, password);
      await asOperator('user set-password', () => users.setPassword(user.email, 'the operator chose this one'));
      return found;
    });
    const draft = AuditContext.start('console', 'POST /console/login', randomUUID());
    const cookies: string[] = [];
    const res = { cookie: (name: string) => cookies.push(name) } as unknown as Response;
    try {
      const result = await AuditContext.run(draft, () =>
        app.get(ConsoleSignIn).signIn(user.email, PASSWORD, '192.0.2.7', res),
      );
      expect(result).toEqual({ status: 401, message: 'Email or password is not right.' });
    } finally {
      spy.mockRestore();
    }
    expect(cookies).toEqual([]);
    expect(draft).toMatchObject({ decision: 'denied', errorCode: 'login_failed', written: false });
    expect(draft.reason).toMatch(/changed while signing in/);
    expect(await sessionCount(user.id)).toBe(0);
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
    // Posts it created, counted by target: one part published and part still due, and one
    // scheduled, still go out; a trashed one and a published one do not.
    const account = await buildSocialAccount(app, workspace.id, 'facebook');
    for (const [postStatus, targetStatus, trashed] of [
      ['publishing', 'scheduled', false],
      ['scheduled', 'scheduled', false],
      ['scheduled', 'scheduled', true],
      ['published', 'published', false],
    ] as const) {
      const [post] = await db.query<{ id: string }[]>(
        `INSERT INTO posts (workspace_id, status, created_by_user_id, deleted_at) VALUES ($1, $2, $3, $4) RETURNING id`,
        [workspace.id, postStatus, user.id, trashed ? new Date() : null],
      );
      await db.query(
        `INSERT INTO post_targets (workspace_id, post_id, social_account_id, status) VALUES ($1, $2, $3, $4)`,
        [workspace.id, post.id, account.id, targetStatus],
      );
    }

    const change = await asOperator('user disable', () => users.setStatus(user.email, 'disabled'));
    expect(change).toMatchObject({
      changed: true,
      sessionsEnded: 1,
      suspended: { keys: 1, connections: 0, soleOwnerOf: [workspace.slug], queuedPosts: 2 },
    });
    expect(await sessionCount(user.id)).toBe(0);
    const again = await asOperator('user disable', () => users.setStatus(user.email, 'disabled'));
    expect(again).toMatchObject({ changed: false, sessionsEnded: 0 });
  });
});
