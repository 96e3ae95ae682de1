import { Logger } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import type { Response } from 'express';
import { ConsoleSessions } from '../../src/console/console-session.service';
import { ConsoleSignIn } from '../../src/console/console-sign-in.service';
import { LoginLimiter } from '../../src/console/login-limiter';
import { LimiterStore } from '../../src/common/limiter-store';
import { buildUser } from '../factories';
import { startServiceContext } from '../support/service-context';

describe(ConsoleSignIn.name, () => {
  let app: TestingModule;
  let logged: jest.SpyInstance;

  beforeAll(async () => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    app = await startServiceContext({
      providers: [
        ConsoleSignIn,
        ConsoleSessions,
        // A Redis nobody listens on: the limiter's store fails at once (it keeps no offline queue).
        { provide: LimiterStore, useFactory: () => new LimiterStore({ redisUrl: 'redis://127.0.0.1:1' }) },
        LoginLimiter,
      ],
    });
  });
  afterAll(async () => {
    await app.close();
    logged.mockRestore();
  });

  it('refuses sign-in with 503, not 429, while the limiter cannot answer', async () => {
    const user = await buildUser(app);
    const cookies: string[] = [];
    const res = { cookie: (name: string) => cookies.push(name) } as unknown as Response;
    const result = await app.get(ConsoleSignIn).signIn(user.email, 'a long enough password', '192.0.2.1', res);
    expect(result).toEqual({ status: 503, message: expect.stringContaining('unavailable') });
    expect(cookies).toEqual([]);
  });

  it('logs the unreachable Redis through the logger once, not each reconnect on stderr', async () => {
    // ioredis reconnects every second or two; without a listener each failure went to stderr.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const lines = logged.mock.calls.map(([line]) => String(line)).filter((l) => l.startsWith('attempt limits:'));
    expect(lines).toEqual(['attempt limits: connect ECONNREFUSED 127.0.0.1:1']);
  });
});
