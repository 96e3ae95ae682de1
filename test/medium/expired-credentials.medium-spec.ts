import type { TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ExpiredCredentialsSweeperJob } from '../../src/oauth/expired-credentials-sweeper.job';
import { buildUser } from '../factories';
import { startServiceContext } from '../support/service-context';

describe(ExpiredCredentialsSweeperJob.name, () => {
  let app: TestingModule;
  let db: DataSource;

  beforeAll(async () => {
    app = await startServiceContext({ providers: [ExpiredCredentialsSweeperJob] });
    db = app.get(getDataSourceToken());
  });
  afterAll(() => app.close());

  it('deletes expired tokens, sessions and registrations, and keeps live ones and grants', async () => {
    const tag = randomUUID();
    const artifact = (model: string, expires: string | null) =>
      db.query(`INSERT INTO oauth_artifacts (key, model, payload, expires_at) VALUES ($1, $2, '{}', ${expires})`, [
        `${model}:${tag}:${expires ?? 'never'}`,
        model,
      ]);
    for (const model of ['RefreshToken', 'AuthorizationCode', 'Session', 'Client', 'Grant']) {
      await artifact(model, `now() - interval '1 minute'`);
      await artifact(model, `now() + interval '1 hour'`);
    }
    await artifact('Client', null);
    const user = await buildUser(app);
    for (const [key, expires] of [
      [`gone-${tag}`, `now() - interval '1 minute'`],
      [`live-${tag}`, `now() + interval '1 hour'`],
    ])
      await db.query(`INSERT INTO console_sessions (key, user_id, csrf, expires_at) VALUES ($1, $2, 'x', ${expires})`, [
        key,
        user.id,
      ]);

    expect(await app.get(ExpiredCredentialsSweeperJob).run()).toBeGreaterThanOrEqual(5);

    const left = await db.query<{ key: string }[]>(
      `SELECT key FROM oauth_artifacts WHERE key LIKE $1 UNION ALL SELECT key FROM console_sessions WHERE key LIKE $1
        ORDER BY key`,
      [`%${tag}%`],
    );
    expect(left.map((r) => r.key.replace(`${tag}:`, ''))).toEqual(
      [
        `AuthorizationCode:now() + interval '1 hour'`,
        `Client:never`,
        `Client:now() + interval '1 hour'`,
        `Grant:now() - interval '1 minute'`,
        `Grant:now() + interval '1 hour'`,
        `RefreshToken:now() + interval '1 hour'`,
        `Session:now() + interval '1 hour'`,
        `live-${tag}`,
      ].sort(),
    );
  });
});
